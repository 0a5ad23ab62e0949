"""Feature libraries for sparse regression (SINDy) and dictionaries for EDMD.

A library maps states ``X`` (n_samples, n_inputs) to candidate features
``Θ(X)`` (n_samples, n_features). Every library here is a small immutable
description that knows three things about its features:

* their numerical values (:meth:`Library.transform`),
* readable names (:meth:`Library.names`), e.g. ``"x y"``, ``"z^2"``, ``"sin(2 x)"``,
* their SymPy expressions (:meth:`Library.expressions`), used to build a
  :class:`~attractor.core.system.SymbolicSystem` (exact Jacobian, compiled integrators)
  from a fitted model.

Libraries combine with ``+`` (concatenation: features of both) and ``*`` (tensor
product: every product of one feature of each). Monomials use the same names and
graded order as :meth:`attractor.SymbolicSystem.coefficients`, so fitted and true
coefficients can be matched by name.
"""
from __future__ import annotations

import inspect
import itertools
import math
from typing import Callable, Sequence

import numpy as np

from ..core.errors import ValidationError
from ..core.validation import as_float_array, check_nonnegative_int, check_positive_int

__all__ = ["Library", "PolynomialLibrary", "FourierLibrary", "CustomLibrary", "ConcatLibrary", "TensorLibrary",
           "IdentityLibrary"]


def _default_names(n: int) -> list[str]:
    return [f"x{i}" for i in range(n)]


class Library:
    """Base class of feature libraries.

    Subclasses implement ``_names(inputs)``, ``_transform(X)`` and ``_expressions(symbols)``.
    """

    def names(self, inputs: Sequence[str] | int) -> list[str]:
        """Feature names for input variables called ``inputs`` (or ``x0, x1, ...`` given a count).

        Raises
        ------
        ValidationError
            If two features get the same name (e.g. a concatenation of overlapping libraries).
        """
        inputs = _default_names(inputs) if isinstance(inputs, (int, np.integer)) else [str(s) for s in inputs]
        out = self._names(inputs)
        seen: set[str] = set()
        dup = sorted({n for n in out if n in seen or seen.add(n)})
        if dup:
            raise ValidationError(f"library {self!r} has duplicate feature names {dup}; "
                                  "remove the overlap (e.g. include_bias=False in one part of a sum).")
        return out

    def n_features(self, n_inputs: int) -> int:
        """Number of features for ``n_inputs`` input variables (computed without building them)."""
        return int(self._count(int(n_inputs)))

    def _count(self, n: int) -> int:
        return len(self._names(_default_names(n)))

    def transform(self, X) -> np.ndarray:
        """Feature matrix Θ(X), shape (n_samples, n_features), for X of shape (n_samples, n_inputs)."""
        X = as_float_array(X, "X", ndim=(1, 2))
        if X.ndim == 1:
            X = X[:, None]
        return self._transform(X)

    def expressions(self, symbols: Sequence) -> list:
        """SymPy expressions of the features in terms of the given SymPy ``symbols``."""
        return list(self._expressions(list(symbols)))

    def __add__(self, other: "Library") -> "ConcatLibrary":
        if not isinstance(other, Library):
            return NotImplemented
        return ConcatLibrary([self, other])

    def __mul__(self, other: "Library") -> "TensorLibrary":
        if not isinstance(other, Library):
            return NotImplemented
        return TensorLibrary([self, other])

    # subclasses
    def _names(self, inputs: list[str]) -> list[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _transform(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _expressions(self, symbols: list) -> list:  # pragma: no cover - abstract
        raise NotImplementedError


def _monomial_name(inputs: Sequence[str], exps: Sequence[int]) -> str:
    return " ".join(f"{s}^{k}" if k > 1 else s for s, k in zip(inputs, exps) if k) or "1"


class PolynomialLibrary(Library):
    """All monomials of total degree ``<= degree`` in graded order.

    Order and names follow :meth:`attractor.SymbolicSystem.coefficients`: ``1``, then
    degree 1 (``x``, ``y``, ...), then degree 2 (``x^2``, ``x y``, ...), each degree in
    ``itertools.combinations_with_replacement`` order. For ``n`` inputs there are
    ``C(n + degree, degree)`` features (one fewer without the constant).

    Parameters
    ----------
    degree : int >= 0
    include_bias : bool
        Include the constant feature ``1``.
    """

    def __init__(self, degree: int = 2, include_bias: bool = True):
        self.degree = check_nonnegative_int(degree, "degree")
        self.include_bias = bool(include_bias)
        if self.degree == 0 and not self.include_bias:
            raise ValidationError("a polynomial library of degree 0 without the constant has no features.")

    def __repr__(self) -> str:
        return f"PolynomialLibrary(degree={self.degree}, include_bias={self.include_bias})"

    def _combos(self, n: int):
        for d in range(0 if self.include_bias else 1, self.degree + 1):
            yield from itertools.combinations_with_replacement(range(n), d)

    def exponents(self, n_inputs: int) -> np.ndarray:
        """Exponent matrix, shape (n_features, n_inputs)."""
        rows = []
        for combo in self._combos(n_inputs):
            e = [0] * n_inputs
            for i in combo:
                e[i] += 1
            rows.append(e)
        return np.array(rows, dtype=int).reshape(-1, n_inputs)

    def _names(self, inputs):
        return [_monomial_name(inputs, e) for e in self.exponents(len(inputs))]

    def _count(self, n: int) -> int:
        return math.comb(n + self.degree, self.degree) - (0 if self.include_bias else 1)

    def _transform(self, X):
        n, m = X.shape
        cols: dict[tuple, np.ndarray] = {(): np.ones(n)}
        out = []
        for combo in self._combos(m):
            if combo not in cols:  # build each product from its prefix: one multiply per feature
                cols[combo] = cols[combo[:-1]] * X[:, combo[-1]]
            out.append(cols[combo])
        return np.column_stack(out)

    def _expressions(self, symbols):
        import sympy as sp

        return [sp.Mul(*[s ** int(k) for s, k in zip(symbols, e)]) for e in self.exponents(len(symbols))]


class IdentityLibrary(PolynomialLibrary):
    """The inputs themselves (degree-1 monomials, no constant)."""

    def __init__(self):
        super().__init__(1, include_bias=False)

    def __repr__(self) -> str:
        return "IdentityLibrary()"


class FourierLibrary(Library):
    """``sin(k x_i)`` and ``cos(k x_i)`` for ``k = 1..n_frequencies`` and every input ``x_i``.

    Order: for each input, for each ``k``: ``sin(k x)``, ``cos(k x)`` (names ``sin(x)``,
    ``cos(2 x)``, ...). Arguments are in the units of the data (no rescaling).
    """

    def __init__(self, n_frequencies: int = 1, include_sin: bool = True, include_cos: bool = True):
        self.n_frequencies = check_positive_int(n_frequencies, "n_frequencies")
        if not (include_sin or include_cos):
            raise ValidationError("a Fourier library needs include_sin or include_cos.")
        self.include_sin, self.include_cos = bool(include_sin), bool(include_cos)

    def __repr__(self) -> str:
        return f"FourierLibrary(n_frequencies={self.n_frequencies})"

    def _items(self, n):
        for i in range(n):
            for k in range(1, self.n_frequencies + 1):
                if self.include_sin:
                    yield "sin", i, k
                if self.include_cos:
                    yield "cos", i, k

    def _names(self, inputs):
        return [f"{f}({'' if k == 1 else f'{k} '}{inputs[i]})" for f, i, k in self._items(len(inputs))]

    def _count(self, n: int) -> int:
        return n * self.n_frequencies * (int(self.include_sin) + int(self.include_cos))

    def _transform(self, X):
        return np.column_stack([(np.sin if f == "sin" else np.cos)(k * X[:, i])
                                for f, i, k in self._items(X.shape[1])])

    def _expressions(self, symbols):
        import sympy as sp

        return [(sp.sin if f == "sin" else sp.cos)(k * symbols[i]) for f, i, k in self._items(len(symbols))]


def _arity(f) -> int:
    if isinstance(f, np.ufunc):
        return int(f.nin)
    try:
        params = inspect.signature(f).parameters.values()
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"cannot determine the number of arguments of {f!r}; wrap it in a lambda.") from exc
    return sum(1 for p in params if p.default is inspect.Parameter.empty
               and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))


class CustomLibrary(Library):
    """User functions applied to every input (or every combination of inputs).

    Parameters
    ----------
    functions : sequence of callables
        Vectorised NumPy functions. A function of ``a`` arguments is applied to every
        combination (without repetition, in input order) of ``a`` inputs.
    names : sequence of callables or format strings, optional
        One per function, mapping input names to a feature name, e.g.
        ``lambda x: f"exp({x})"`` or ``"exp({})"``. Default ``f{j}({args})``.
    sympy_functions : sequence of callables, optional
        One per function, mapping SymPy symbols to an expression (e.g. ``sympy.exp``).
        Needed to turn a model that uses these features into a SymbolicSystem.
    """

    def __init__(self, functions: Sequence[Callable], names: Sequence[Callable | str] | None = None,
                 sympy_functions: Sequence[Callable] | None = None):
        self.functions = tuple(functions)
        if not self.functions or not all(callable(f) for f in self.functions):
            raise ValidationError("functions must be a non-empty sequence of callables.")
        if names is not None and len(names) != len(self.functions):
            raise ValidationError(f"got {len(names)} names for {len(self.functions)} functions.")
        if sympy_functions is not None and len(sympy_functions) != len(self.functions):
            raise ValidationError(f"got {len(sympy_functions)} sympy_functions for {len(self.functions)} functions.")
        self.name_functions = tuple(names) if names is not None else None
        self.sympy_functions = tuple(sympy_functions) if sympy_functions is not None else None
        self.arities = tuple(_arity(f) for f in self.functions)

    def __repr__(self) -> str:
        return f"CustomLibrary({len(self.functions)} functions)"

    def _items(self, n):
        for j, a in enumerate(self.arities):
            for combo in itertools.combinations(range(n), a):
                yield j, combo

    def _names(self, inputs):
        out = []
        for j, combo in self._items(len(inputs)):
            args = [inputs[i] for i in combo]
            if self.name_functions is None:
                out.append(f"f{j}({', '.join(args)})")
            else:
                nf = self.name_functions[j]
                out.append(nf.format(*args) if isinstance(nf, str) else str(nf(*args)))
        return out

    def _count(self, n: int) -> int:
        return sum(math.comb(n, a) for a in self.arities)

    def _transform(self, X):
        cols = []
        for j, combo in self._items(X.shape[1]):
            v = np.asarray(self.functions[j](*[X[:, i] for i in combo]), dtype=float)
            cols.append(np.broadcast_to(v, (X.shape[0],)))
        return np.column_stack(cols)

    def _expressions(self, symbols):
        if self.sympy_functions is None:
            raise ValidationError("this CustomLibrary has no sympy_functions, so its features have no symbolic "
                                  "form; pass sympy_functions=[...] to build a SymbolicSystem from it.")
        return [self.sympy_functions[j](*[symbols[i] for i in combo]) for j, combo in self._items(len(symbols))]


class ConcatLibrary(Library):
    """Features of several libraries side by side (``lib1 + lib2``). Names must be unique."""

    def __init__(self, libraries: Sequence[Library]):
        flat: list[Library] = []
        for lib in libraries:
            if not isinstance(lib, Library):
                raise ValidationError(f"expected Library instances; got {type(lib).__name__}.")
            flat.extend(lib.libraries if isinstance(lib, ConcatLibrary) else [lib])
        self.libraries = tuple(flat)

    def __repr__(self) -> str:
        return " + ".join(map(repr, self.libraries))

    def _names(self, inputs):
        return [n for lib in self.libraries for n in lib._names(inputs)]

    def _count(self, n: int) -> int:
        return sum(lib._count(n) for lib in self.libraries)

    def _transform(self, X):
        return np.column_stack([lib._transform(X) for lib in self.libraries])

    def _expressions(self, symbols):
        return [e for lib in self.libraries for e in lib._expressions(symbols)]


class TensorLibrary(Library):
    """Every product of one feature from each library (``lib1 * lib2``); names joined by a space."""

    def __init__(self, libraries: Sequence[Library]):
        if len(libraries) < 2 or not all(isinstance(lib, Library) for lib in libraries):
            raise ValidationError("a tensor product needs at least two Library instances.")
        self.libraries = tuple(libraries)

    def __repr__(self) -> str:
        return " * ".join(f"({lib!r})" for lib in self.libraries)

    def _names(self, inputs):
        parts = [lib._names(inputs) for lib in self.libraries]
        return [" ".join(n for n in combo if n != "1") or "1" for combo in itertools.product(*parts)]

    def _count(self, n: int) -> int:
        return math.prod(lib._count(n) for lib in self.libraries)

    def _transform(self, X):
        out = self.libraries[0]._transform(X)
        for lib in self.libraries[1:]:
            B = lib._transform(X)
            out = (out[:, :, None] * B[:, None, :]).reshape(X.shape[0], -1)
        return out

    def _expressions(self, symbols):
        import sympy as sp

        parts = [lib._expressions(symbols) for lib in self.libraries]
        return [sp.Mul(*combo) for combo in itertools.product(*parts)]
