"""One symbolic definition of a system -> compiled RHS, exact Jacobian, LaTeX, true coefficients.

A system is written once as text equations over named states, parameters and
(optionally) time ``t``::

    SymbolicSpec("Lorenz", "flow", states=("x", "y", "z"),
                 parameters=("sigma", "rho", "beta"),
                 equations=("sigma*(y - x)", "x*(rho - z) - y", "x*y - beta*z"))

From that single definition this module derives, with SymPy:

* ``f(t, x, p, out)``: the vector field (flows) or next state (maps), compiled by Numba;
* ``jac(t, x, p, out)``: the exact Jacobian matrix, compiled;
* ``tangent(t, y, p, out)``: the variational system for ``k`` deviation vectors,
  ``y = [x, Q.ravel()]`` with ``Q`` of shape (n, k), giving ``[f(x), J(x) Q]``
  (only the Jacobian's structural non-zeros are multiplied, so cost is O(k * nnz(J)));
* one cached wrapper per driver in :mod:`attractor.integrate.drivers`;
* LaTeX of the equations and the true coefficients over a monomial basis.

Compilation is cached on disk: the generated module is written to the cache
directory (``$ATTRACTOR_CACHE_DIR``, default ``~/.cache/attractor``) under a name
that hashes the equations, the code generator version and the source of every
kernel the wrappers call; Numba's own cache (``cache=True``) sits beside it. A second
process therefore neither re-runs SymPy nor recompiles. The cache heals itself (corrupt
modules or Numba files are rebuilt with a warning) and falls back to compiling in
memory when it is not writable: see :mod:`attractor.core.cache`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from types import ModuleType

from .cache import cache_dir, codegen_key, load_generated_module  # noqa: F401 - re-exported (self-healing cache)
from .errors import ValidationError
from .expressions import check_identifiers, check_system_name, parse_expression

__all__ = ["SymbolicSpec", "compiled_module", "cache_dir"]

_CODEGEN_VERSION = "1"


@dataclass(frozen=True)
class SymbolicSpec:
    """Equations of a system as text, over named states, parameters and time ``t``.

    Parameters
    ----------
    name : str
        System name (only used in messages and generated code comments).
    kind : {"flow", "map"}
        ``flow``: equations give dx/dt. ``map``: equations give x_{n+1}; ``t`` is then
        the iteration index.
    states, parameters : tuple of str
        Symbol names. ``t`` is reserved for time.
    equations : tuple of str
        One expression per state (Python syntax, ``**`` for powers), parsed by
        :func:`attractor.core.expressions.parse_expression`: equations are data, not
        code, and are never evaluated.
    """

    name: str
    kind: str
    states: tuple[str, ...]
    parameters: tuple[str, ...]
    equations: tuple[str, ...]

    def __post_init__(self):
        if self.kind not in ("flow", "map"):
            raise ValidationError(f"kind must be 'flow' or 'map'; got {self.kind!r}.")
        if len(self.states) != len(self.equations):
            raise ValidationError(
                f"{self.name}: {len(self.states)} states but {len(self.equations)} equations."
            )
        check_system_name(self.name)
        check_identifiers(self.states, f"{self.name}: state name")
        check_identifiers(self.parameters, f"{self.name}: parameter name")
        names = list(self.states) + list(self.parameters)
        if len(set(names)) != len(names):
            raise ValidationError(f"{self.name}: state and parameter names must be distinct; got {names}.")
        if "t" in names:
            raise ValidationError(f"{self.name}: 't' is reserved for time.")
        if not all(isinstance(e, str) for e in self.equations):
            raise ValidationError(f"{self.name}: equations must be strings.")

    # ------------------------------------------------------------------ sympy side
    @cached_property
    def symbols(self):
        import sympy as sp

        return (tuple(sp.Symbol(s, real=True) for s in self.states),
                tuple(sp.Symbol(s, real=True) for s in self.parameters),
                sp.Symbol("t", real=True))

    @cached_property
    def expressions(self):
        """The equations as SymPy expressions (parsed once, lazily, by the safe parser)."""
        xs, ps, t = self.symbols
        local = {s.name: s for s in (*xs, *ps, t)}
        return tuple(parse_expression(text, local, context=f"{self.name}: equation for {state}")
                     for state, text in zip(self.states, self.equations))

    @cached_property
    def jacobian_expressions(self):
        import sympy as sp

        xs, _, _ = self.symbols
        return sp.Matrix(self.expressions).jacobian(sp.Matrix(xs))

    @property
    def uses_time(self) -> bool:
        """True for non-autonomous systems (explicit dependence on ``t``)."""
        return any(self.symbols[2] in e.free_symbols for e in self.expressions)

    def latex(self) -> list[str]:
        """LaTeX of each equation, e.g. ``\\dot{x} = \\sigma (y - x)``."""
        import sympy as sp

        xs, _, _ = self.symbols
        lhs = (lambda s: rf"\dot{{{sp.latex(s)}}}") if self.kind == "flow" else (lambda s: rf"{sp.latex(s)}_{{n+1}}")
        return [f"{lhs(s)} = {sp.latex(e)}" for s, e in zip(xs, self.expressions)]

    # ------------------------------------------------------------------ cache key
    @cached_property
    def cache_key(self) -> str:
        from ..integrate.drivers import DRIVERS

        return codegen_key((self.kind, self.states, self.parameters, self.equations, DRIVERS),
                           (__name__, *(d.module for d in DRIVERS)), _CODEGEN_VERSION)


# ---------------------------------------------------------------------- codegen
def _printer():
    from sympy.printing.pycode import PythonCodePrinter

    class _NumbaPrinter(PythonCodePrinter):
        """Scalar Python code for Numba: math.* functions, plain floats."""

        def _print_Heaviside(self, expr):  # H(0) = 1/2 unless given
            arg = self._print(expr.args[0])
            h0 = self._print(expr.args[1]) if len(expr.args) > 1 else "0.5"
            return f"(1.0 if {arg} > 0 else (0.0 if {arg} < 0 else {h0}))"

        def _print_sign(self, expr):
            arg = self._print(expr.args[0])
            return f"(0.0 if {arg} == 0 else math.copysign(1.0, {arg}))"

        def _print_Rational(self, expr):
            return f"({float(expr.p)}/{float(expr.q)})"

        def _print_Integer(self, expr):
            return f"{float(expr.p)}" if abs(int(expr.p)) > 2**53 else str(int(expr.p))

    return _NumbaPrinter({"fully_qualified_modules": True, "standard": "python3"})


def _generate_source(spec: SymbolicSpec) -> str:
    import sympy as sp

    from ..integrate.drivers import DRIVERS

    xs, ps, t = spec.symbols
    n = len(xs)
    sx = [sp.Symbol(f"_x{i}", real=True) for i in range(n)]
    sp_ = [sp.Symbol(f"_p{j}", real=True) for j in range(len(ps))]
    st = sp.Symbol("t", real=True)
    subs = dict(zip(xs, sx)) | dict(zip(ps, sp_)) | {t: st}
    exprs = [e.xreplace(subs) for e in spec.expressions]
    jac = spec.jacobian_expressions.xreplace(subs)
    nz = [(i, j) for i in range(n) for j in range(n) if jac[i, j] != 0]
    pr = _printer()

    def header(state_src: str) -> list[str]:
        lines = [f"    _x{i} = {state_src}[{i}]" for i in range(n)]
        lines += [f"    _p{j} = p[{j}]" for j in range(len(ps))]
        return lines

    def body(targets_exprs, name_prefix):
        reps, reduced = sp.cse([e for _, e in targets_exprs], symbols=sp.numbered_symbols(f"_{name_prefix}"))
        lines = [f"    {pr.doprint(s)} = {pr.doprint(v)}" for s, v in reps]
        lines += [f"    {tgt} = {pr.doprint(e)}" for (tgt, _), e in zip(targets_exprs, reduced)]
        return lines

    src = [
        f"# Generated by attractor.core.symbolic for system {spec.name!r}. Do not edit.",
        "import math",
        "import numpy as np",
        "from numba import njit",
        "",
        f"N_STATES = {n}",
        "",
        "@njit(cache=True)",
        "def f(t, x, p, out):",
        *header("x"),
        *body([(f"out[{i}]", e) for i, e in enumerate(exprs)], "c"),
        "",
        "@njit(cache=True)",
        "def jac(t, x, p, out):",
        *header("x"),
        "    out[:, :] = 0.0",
        *body([(f"out[{i}, {j}]", jac[i, j]) for i, j in nz], "c"),
        "",
        "@njit(cache=True)",
        "def tangent(t, y, p, out):",
        *header("y"),
        *body([(f"out[{i}]", e) for i, e in enumerate(exprs)] + [(f"_J{i}_{j}", jac[i, j]) for i, j in nz], "c"),
        f"    k = (y.shape[0] - {n}) // {n}",
        "    for c in range(k):",
    ]
    for i in range(n):
        terms = [f"_J{i}_{j} * y[{n} + {j} * k + c]" for (ii, j) in nz if ii == i]
        src.append(f"        out[{n} + {i} * k + c] = {' + '.join(terms) if terms else '0.0'}")
    src.append("")
    import importlib
    import inspect

    modules = []
    for d in DRIVERS:
        if spec.kind in d.kinds and d.module not in modules:
            modules.append(d.module)
    for m in modules:
        src.insert(4, f"from {m} import *  # noqa: F403")
    for d in DRIVERS:
        if spec.kind not in d.kinds:
            continue
        tpl = inspect.getsource(getattr(importlib.import_module(d.module), d.template))
        tpl = tpl.replace(f"def {d.template}(", f"def {d.name}(", 1).replace("RHS(", f"{d.function}(")
        src += ["@njit(cache=True)", tpl, ""]
    return "\n".join(src) + "\n"


def compiled_module(spec: SymbolicSpec) -> ModuleType:
    """Import (generating on first use) the compiled module of ``spec``.

    The module exposes ``f``, ``jac``, ``tangent`` and one wrapper per applicable
    driver. Numba compiles each wrapper lazily on its first call and caches the
    machine code beside the module, so later processes load it from disk.
    """
    return load_generated_module(spec.cache_key, "sys", lambda: _generate_source(spec))
