"""Stochastic differential equations: ``dX = f(X, t) dt + G(X, t) dW`` as one system value.

A :class:`StochasticSpec` holds the drift ``f`` (n expressions) and the diffusion ``G``
as text over the states, parameters and time ``t``. The diffusion is given either as
n expressions (diagonal noise: ``G = diag(g_1, ..., g_n)``, m = n Wiener processes) or
as n rows of m expressions (a general n × m matrix). The equations are read by the safe
parser (:mod:`attractor.core.expressions`) and differentiated by SymPy:

* the exact drift Jacobian ``∂f_i/∂x_j``;
* the diffusion derivative ``∂G_ij/∂x_k`` and the Milstein terms
  ``(L^j G)_ik = Σ_l G_lj ∂G_ik/∂x_l``;
* for a Stratonovich equation, the Itô drift ``f_i + ½ Σ_j (L^j G)_ij`` (Kloeden &
  Platen 1992, Sec. 4.9) that the integrators use;
* the noise class: additive (G independent of the state), diagonal, commutative
  (``L^j G_{:,k} = L^k G_{:,j}`` for all j, k, the condition under which Milstein's
  scheme needs no Lévy areas; Kloeden & Platen 1992, Sec. 10.3).

:class:`StochasticSystem` is a :class:`~attractor.core.system.DynamicalSystem` with
``kind = "stochastic"``: ``rhs``/``jacobian`` are the drift and its exact Jacobian (so
deterministic analyses read the drift, or :attr:`StochasticSystem.drift_system`, a flow),
``diffusion(x)`` returns the (n, m) matrix, and ``trajectory`` simulates paths with the
compiled schemes of :mod:`attractor.integrate.sde`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType, ModuleType
from typing import Any, Mapping

import numpy as np

from .cache import codegen_key
from .errors import AttractorError, ValidationError
from .expressions import check_identifiers, check_system_name, parse_expression
from .system import DynamicalSystem, Trajectory
from .validation import as_state

__all__ = ["StochasticSpec", "StochasticSystem", "StochasticSystemError", "sde_compiled_module", "INTERPRETATIONS"]

_CODEGEN_VERSION = "1"
_KERNEL_MODULE = "attractor.integrate._sde_kernels"
INTERPRETATIONS = ("ito", "stratonovich")
#: (entry point in the generated module, template in attractor.integrate._sde_kernels)
#: and whether it is compiled with ``parallel=True`` (members spread over threads by prange).
SDE_DRIVERS: tuple[tuple[str, str, bool], ...] = (("solve_sde", "sde_solve", False),
                                                  ("solve_sde_parallel", "sde_solve", True))


class StochasticSystemError(AttractorError, TypeError):
    """An operation defined for flows or maps was asked of a stochastic system (use its drift_system)."""


@dataclass(frozen=True)
class StochasticSpec:
    """Drift and diffusion of an SDE as text.

    Parameters
    ----------
    name : str
    states, parameters : tuple of str
        Symbol names; ``t`` is reserved for time.
    drift : tuple of str
        One expression per state: ``f_i`` in ``dX_i = f_i dt + Σ_j G_ij dW_j``.
    diffusion : tuple of str, or tuple of tuples of str
        n expressions (diagonal noise, m = n) or n rows of m expressions (general G).
    interpretation : {"ito", "stratonovich"}
        How ``G dW`` is read. For a Stratonovich equation ``drift`` is the Stratonovich
        drift; the integrators convert it to Itô form exactly.
    """

    name: str
    states: tuple[str, ...]
    parameters: tuple[str, ...]
    drift: tuple[str, ...]
    diffusion: tuple
    interpretation: str = "ito"

    def __post_init__(self):
        check_system_name(self.name)
        check_identifiers(self.states, f"{self.name}: state name")
        check_identifiers(self.parameters, f"{self.name}: parameter name")
        names = list(self.states) + list(self.parameters)
        if len(set(names)) != len(names):
            raise ValidationError(f"{self.name}: state and parameter names must be distinct; got {names}.")
        if "t" in names:
            raise ValidationError(f"{self.name}: 't' is reserved for time.")
        if self.interpretation not in INTERPRETATIONS:
            raise ValidationError(f"{self.name}: interpretation must be one of {INTERPRETATIONS}; "
                                  f"got {self.interpretation!r}.")
        n = len(self.states)
        if len(self.drift) != n or not all(isinstance(e, str) for e in self.drift):
            raise ValidationError(f"{self.name}: the drift needs {n} expressions (strings), one per state; "
                                  f"got {len(self.drift)}.")
        d = self.diffusion
        if not isinstance(d, (tuple, list)) or len(d) != n:
            raise ValidationError(f"{self.name}: the diffusion needs {n} entries (diagonal) or {n} rows "
                                  f"(an n x m matrix); got {len(d) if isinstance(d, (tuple, list)) else d!r}.")
        if all(isinstance(e, str) for e in d):
            return
        if not all(isinstance(r, (tuple, list)) and all(isinstance(e, str) for e in r) for r in d):
            raise ValidationError(f"{self.name}: the diffusion must be n strings or n rows of strings.")
        widths = {len(r) for r in d}
        if len(widths) != 1 or 0 in widths:
            raise ValidationError(f"{self.name}: diffusion rows have different (or zero) lengths {sorted(widths)}; "
                                  "every row needs one entry per Wiener process.")

    # ------------------------------------------------------------------ structure
    @property
    def diagonal(self) -> bool:
        """True when the diffusion was given as n expressions (G = diag)."""
        return all(isinstance(e, str) for e in self.diffusion)

    @property
    def noise_dimension(self) -> int:
        """m, the number of independent Wiener processes."""
        return len(self.states) if self.diagonal else len(self.diffusion[0])

    # ------------------------------------------------------------------ sympy side
    @cached_property
    def symbols(self):
        import sympy as sp

        return (tuple(sp.Symbol(s, real=True) for s in self.states),
                tuple(sp.Symbol(s, real=True) for s in self.parameters),
                sp.Symbol("t", real=True))

    def _parse(self, text: str, what: str):
        xs, ps, t = self.symbols
        local = {s.name: s for s in (*xs, *ps, t)}
        return parse_expression(text, local, context=f"{self.name}: {what}")

    @cached_property
    def drift_expressions(self):
        """The drift as written (Itô or Stratonovich), SymPy expressions."""
        return tuple(self._parse(e, f"drift of {s}") for s, e in zip(self.states, self.drift))

    @cached_property
    def diffusion_matrix(self):
        """G as a SymPy matrix, shape (n, m)."""
        import sympy as sp

        n = len(self.states)
        if self.diagonal:
            G = sp.zeros(n, n)
            for i, (s, e) in enumerate(zip(self.states, self.diffusion)):
                G[i, i] = self._parse(e, f"diffusion of {s}")
            return G
        return sp.Matrix([[self._parse(e, f"diffusion[{i}][{j}]") for j, e in enumerate(row)]
                          for i, row in enumerate(self.diffusion)])

    @cached_property
    def milstein_terms(self):
        """``L[i][j][k] = Σ_l G_lj ∂G_ik/∂x_l`` as nested lists of SymPy expressions."""
        import sympy as sp

        xs, _, _ = self.symbols
        G = self.diffusion_matrix
        n, m = G.shape
        return [[[sp.expand(sum(G[l, j] * sp.diff(G[i, k], xs[l]) for l in range(n)))
                  for k in range(m)] for j in range(m)] for i in range(n)]

    @cached_property
    def ito_drift_expressions(self):
        """The Itô drift: the drift itself for Itô equations, plus ½ Σ_j (L^j G)_ij for Stratonovich."""
        if self.interpretation == "ito":
            return self.drift_expressions
        L = self.milstein_terms
        m = self.noise_dimension
        return tuple(f + sum(L[i][j][j] for j in range(m)) / 2 for i, f in enumerate(self.drift_expressions))

    @cached_property
    def jacobian_expressions(self):
        import sympy as sp

        xs, _, _ = self.symbols
        return sp.Matrix(self.drift_expressions).jacobian(sp.Matrix(xs))

    @property
    def additive(self) -> bool:
        """True when G does not depend on the state (additive noise)."""
        xs = set(self.symbols[0])
        return not any(e.free_symbols & xs for e in self.diffusion_matrix)

    @property
    def constant_diffusion(self) -> bool:
        """True when G depends neither on the state nor on time."""
        xs = set(self.symbols[0]) | {self.symbols[2]}
        return not any(e.free_symbols & xs for e in self.diffusion_matrix)

    @cached_property
    def commutative(self) -> bool:
        """True when ``L^j G_ik = L^k G_ij`` for all i, j, k (Milstein applies without Lévy areas)."""
        import sympy as sp

        L = self.milstein_terms
        n, m = self.diffusion_matrix.shape
        return all(sp.simplify(L[i][j][k] - L[i][k][j]) == 0
                   for i in range(n) for j in range(m) for k in range(j + 1, m))

    @property
    def uses_time(self) -> bool:
        t = self.symbols[2]
        return any(t in e.free_symbols for e in (*self.drift_expressions, *self.diffusion_matrix))

    def latex(self) -> list[str]:
        """LaTeX of each component, e.g. ``dx = (x - x^{3})\\,dt + \\sigma\\,dW_{1}``."""
        import sympy as sp

        xs, _, _ = self.symbols
        G = self.diffusion_matrix
        circ = r" \circ" if self.interpretation == "stratonovich" else ""
        lines = []
        for i, (x, f) in enumerate(zip(xs, self.drift_expressions)):
            noise = " + ".join(rf"{sp.latex(G[i, j])}{circ}\,dW_{{{j + 1}}}" for j in range(G.shape[1]) if G[i, j] != 0)
            lines.append(rf"d{sp.latex(x)} = \left({sp.latex(f)}\right) dt" + (f" + {noise}" if noise else ""))
        return lines

    # ------------------------------------------------------------------ cache key
    @cached_property
    def cache_key(self) -> str:
        return codegen_key((self.states, self.parameters, self.drift, self.diffusion, self.interpretation,
                            SDE_DRIVERS), (__name__, _KERNEL_MODULE, "attractor.core.symbolic"), _CODEGEN_VERSION)


def _generate_source(spec: StochasticSpec) -> str:
    import importlib
    import inspect

    import sympy as sp

    from .symbolic import _printer

    xs, ps, t = spec.symbols
    n = len(xs)
    m = spec.noise_dimension
    sx = [sp.Symbol(f"_x{i}", real=True) for i in range(n)]
    sp_ = [sp.Symbol(f"_p{j}", real=True) for j in range(len(ps))]
    subs = dict(zip(xs, sx)) | dict(zip(ps, sp_))
    pr = _printer()

    def header():
        return [f"    _x{i} = x[{i}]" for i in range(n)] + [f"    _p{j} = p[{j}]" for j in range(len(ps))]

    def body(targets_exprs):
        targets_exprs = [(tgt, sp.sympify(e).xreplace(subs)) for tgt, e in targets_exprs]
        if not targets_exprs:
            return []
        reps, reduced = sp.cse([e for _, e in targets_exprs], symbols=sp.numbered_symbols("_c"))
        lines = [f"    {pr.doprint(s)} = {pr.doprint(v)}" for s, v in reps]
        lines += [f"    {tgt} = {pr.doprint(e)}" for (tgt, _), e in zip(targets_exprs, reduced)]
        return lines

    def function(name, targets_exprs, zero=None):
        lines = ["@njit(cache=True)", f"def {name}(t, x, p, out):", *header()]
        if zero:
            lines.append(f"    out{zero} = 0.0")
        return lines + body(targets_exprs) + ["    return", ""]

    G = spec.diffusion_matrix
    L = spec.milstein_terms
    J = spec.jacobian_expressions
    dG = [(f"out[{i}, {j}, {k}]", sp.diff(G[i, j], xs[k])) for i in range(n) for j in range(m) for k in range(n)]
    src = [
        f"# Generated by attractor.core.stochastic for SDE {spec.name!r}. Do not edit.",
        "import math",
        "import numpy as np",
        "from numba import njit, prange",
        f"from {_KERNEL_MODULE} import *  # noqa: F403",
        "",
        f"N_STATES = {n}",
        f"N_NOISE = {m}",
        "",
        *function("f", [(f"out[{i}]", e) for i, e in enumerate(spec.drift_expressions)]),
        *function("f_ito", [(f"out[{i}]", e) for i, e in enumerate(spec.ito_drift_expressions)]),
        *function("g", [(f"out[{i}, {j}]", G[i, j]) for i in range(n) for j in range(m) if G[i, j] != 0], "[:, :]"),
        *function("lg", [(f"out[{i}, {j}, {k}]", L[i][j][k]) for i in range(n) for j in range(m) for k in range(m)
                         if L[i][j][k] != 0], "[:, :, :]"),
        *function("jac", [(f"out[{i}, {j}]", J[i, j]) for i in range(n) for j in range(n) if J[i, j] != 0], "[:, :]"),
        *function("dg", [(tgt, e) for tgt, e in dG if e != 0], "[:, :, :]"),
    ]
    kernels = importlib.import_module(_KERNEL_MODULE)
    for name, template, parallel in SDE_DRIVERS:
        tpl = inspect.getsource(getattr(kernels, template))
        tpl = (tpl.replace(f"def {template}(", f"def {name}(", 1).replace("DRIFT(", "f_ito(")
               .replace("DIFFUSION(", "g(").replace("LDIFF(", "lg("))
        src += [f"@njit(cache=True{', parallel=True' if parallel else ''})", tpl, ""]
    return "\n".join(src) + "\n"


def sde_compiled_module(spec: StochasticSpec) -> ModuleType:
    """Import (generating on first use) the compiled module of a stochastic system.

    It exposes ``f`` (drift as written), ``f_ito``, ``g`` (G), ``lg`` (Milstein terms),
    ``jac`` (drift Jacobian), ``dg`` (∂G_ij/∂x_k) and the drivers ``solve_sde`` (serial) and
    ``solve_sde_parallel`` (members over threads; same numbers).
    """
    from .symbolic import load_generated_module

    return load_generated_module(spec.cache_key, "sde", lambda: _generate_source(spec))


class StochasticSystem(DynamicalSystem):
    """An SDE ``dX = f(X, t) dt + G(X, t) dW`` (Itô or Stratonovich), ``kind = "stochastic"``.

    Parameters
    ----------
    spec : StochasticSpec
    parameters : mapping
        A value for every parameter of ``spec``.
    x0 : array_like, optional
        Default initial condition.
    dt : float, optional
        Default sampling step (time units), default 0.01.
    metadata : mapping, optional
        Citation, description, reference values (e.g. ``stationary_variance``) with sources.

    Attributes
    ----------
    interpretation : {"ito", "stratonovich"}
    noise_dimension : int
        m, the number of Wiener processes (columns of G).
    noise : {"additive", "multiplicative"}
        Whether G depends on the state.
    diagonal, commutative : bool
        Structure of G (see :mod:`attractor.core.stochastic`).

    Notes
    -----
    ``rhs(x, t)`` is the drift as written and ``jacobian`` its exact Jacobian: a
    deterministic analysis of a stochastic system reads its drift (its "skeleton").
    """

    kind = "stochastic"

    def __init__(self, spec: StochasticSpec, parameters: Mapping[str, float], *, x0=None,
                 dt: float | None = None, metadata: Mapping[str, Any] | None = None):
        missing = [p for p in spec.parameters if p not in parameters]
        extra = [p for p in parameters if p not in spec.parameters]
        if missing or extra:
            raise ValidationError(f"{spec.name}: parameters missing {missing}, unexpected {extra}.")
        self.spec = spec
        self.name = spec.name
        self.kind = "stochastic"
        self.dimension = len(spec.states)
        self.state_names = tuple(spec.states)
        self.parameters = MappingProxyType({k: float(parameters[k]) for k in spec.parameters})
        self.default_x0 = None if x0 is None else as_state(x0, self.dimension, "x0", ensemble=False).copy()
        self.default_dt = float(dt) if dt is not None else 0.01
        meta = dict(metadata or {})
        meta.setdefault("non_autonomous", spec.uses_time)
        meta["stochastic"] = True
        self.metadata = MappingProxyType(meta)
        self._p = np.array([self.parameters[k] for k in spec.parameters], dtype=float)

    # -- structure
    @property
    def interpretation(self) -> str:
        return self.spec.interpretation

    @property
    def noise_dimension(self) -> int:
        return self.spec.noise_dimension

    @property
    def noise(self) -> str:
        return "additive" if self.spec.additive else "multiplicative"

    @property
    def diagonal(self) -> bool:
        return self.spec.diagonal

    @property
    def commutative(self) -> bool:
        return self.spec.commutative

    @property
    def is_stochastic(self) -> bool:
        return True

    @property
    def non_autonomous(self) -> bool:
        return bool(self.metadata.get("non_autonomous", False))

    @property
    def compiled(self) -> ModuleType:
        return sde_compiled_module(self.spec)

    @property
    def parameter_vector(self) -> np.ndarray:
        return self._p.copy()

    # -- pointwise quantities
    def rhs(self, x, t: float = 0.0) -> np.ndarray:
        """Drift ``f(x, t)`` as written (Itô or Stratonovich, see ``interpretation``), shape (n,)."""
        x = self._check_state(x)
        out = np.empty(self.dimension)
        self.compiled.f(float(t), x, self._p, out)
        return out

    drift = rhs

    def ito_drift(self, x, t: float = 0.0) -> np.ndarray:
        """The Itô drift (equal to :meth:`rhs` for Itô equations and for additive noise), shape (n,)."""
        x = self._check_state(x)
        out = np.empty(self.dimension)
        self.compiled.f_ito(float(t), x, self._p, out)
        return out

    def diffusion(self, x, t: float = 0.0) -> np.ndarray:
        """Diffusion matrix ``G(x, t)``, shape (n, m); the noise covariance rate is ``G Gᵀ``."""
        x = self._check_state(x)
        out = np.empty((self.dimension, self.noise_dimension))
        self.compiled.g(float(t), x, self._p, out)
        return out

    def diffusion_matrix(self, x, t: float = 0.0) -> np.ndarray:
        """Noise covariance rate ``Σ(x, t) = G Gᵀ``, shape (n, n) (``g²`` in 1-D, as a 1 × 1 array).

        ``x`` of shape (n,), or (k, n) for k states at once (then shape (k, n, n)).
        """
        arr = np.asarray(x, dtype=float)
        if arr.ndim == 2:
            return np.array([self.diffusion_matrix(row, t) for row in arr]).reshape(-1, self.dimension,
                                                                                   self.dimension)
        G = self.diffusion(x, t)
        return G @ G.T

    def diffusion_jacobian(self, x, t: float = 0.0) -> np.ndarray:
        """Exact ``∂G_ij/∂x_k`` at ``x``, shape (n, m, n)."""
        x = self._check_state(x)
        out = np.empty((self.dimension, self.noise_dimension, self.dimension))
        self.compiled.dg(float(t), x, self._p, out)
        return out

    def jacobian(self, x, t: float = 0.0) -> np.ndarray:
        """Exact Jacobian of the drift as written, shape (n, n)."""
        x = self._check_state(x)
        out = np.empty((self.dimension, self.dimension))
        self.compiled.jac(float(t), x, self._p, out)
        return out

    def step(self, x, t: float = 0.0) -> np.ndarray:
        raise StochasticSystemError(
            f"{self.name} is a stochastic system (an SDE), not a map: use rhs(x) for its drift, diffusion(x) for "
            "its noise, trajectory(...) to simulate it, and system.drift_system (a flow) for deterministic "
            "analyses of its drift (fixed points, Lyapunov exponents).")

    def evaluate(self, x, t: float = 0.0) -> np.ndarray:
        return self.rhs(x, t)

    @cached_property
    def drift_system(self) -> DynamicalSystem:
        """The deterministic skeleton ``dx/dt = f(x, t)`` as a flow (a SymbolicSystem)."""
        from .symbolic import SymbolicSpec
        from .system import SymbolicSystem

        spec = SymbolicSpec(self.name + "Drift", "flow", self.spec.states, self.spec.parameters, self.spec.drift)
        meta = {k: v for k, v in self.metadata.items() if k not in ("reference", "stochastic")}
        meta["description"] = f"Drift (deterministic skeleton) of {self.name}."
        return SymbolicSystem(spec, dict(self.parameters), x0=self.default_x0, dt=self.default_dt, metadata=meta)

    def with_parameters(self, **parameters: float) -> "StochasticSystem":
        new = self._check_parameters(parameters)
        return StochasticSystem(self.spec, new, x0=self.default_x0, dt=self.default_dt, metadata=self.metadata)

    # -- simulation
    def trajectory(self, n: int, dt: float | None = None, x0=None, transient: float = 0.0, *,
                   seed=None, n_members: int | None = None, method: str | None = None,
                   substeps: int | None = None, t0: float = 0.0, max_norm: float = 1e12,
                   max_steps: int | None = None, member_offset: int = 0, **ignored: Any) -> Trajectory:
        """Simulate ``n`` samples of one path or an ensemble; see :func:`attractor.integrate.sde.simulate_sde`.

        ``rtol``/``atol``/``step`` (accepted by flows) are ignored: the schemes use a fixed
        internal step ``dt / substeps``.
        """
        from ..integrate.sde import simulate_sde  # integrate sits above core; imported lazily

        unknown = set(ignored) - {"rtol", "atol", "step"}
        if unknown:
            raise TypeError(f"trajectory() got unexpected keyword argument(s) {sorted(unknown)}")
        return simulate_sde(self, n, dt=dt, x0=x0, transient=transient, seed=seed, n_members=n_members,
                            method=method, substeps=substeps, t0=t0, max_norm=max_norm, max_steps=max_steps,
                            member_offset=member_offset)

    def closed_form(self, key: str) -> float:
        """A closed-form quantity of ``metadata["closed_forms"]`` at the current parameters.

        E.g. ``system("OU").closed_form("stationary_variance")`` is ``sigma**2/(2*theta)``.
        The expression is read by the safe parser.
        """
        forms = dict(self.metadata.get("closed_forms", {}))
        if key not in forms:
            raise KeyError(f"{self.name} has no closed form {key!r}; available: {sorted(forms) or 'none'}.")
        _, ps, _ = self.spec.symbols
        expr = parse_expression(forms[key], {s.name: s for s in ps}, context=f"{self.name}: closed form {key}")
        return float(expr.xreplace({s: self.parameters[s.name] for s in ps}).evalf())

    # -- symbolic views
    def equations(self) -> list[str]:
        """Components as text, e.g. ``dx = (x - x**3) dt + sigma dW1``."""
        G = self.spec.diffusion_matrix
        circ = " o" if self.interpretation == "stratonovich" else ""
        out = []
        for i, (s, f) in enumerate(zip(self.state_names, self.spec.drift_expressions)):
            noise = " + ".join(f"({G[i, j]}){circ} dW{j + 1}" for j in range(G.shape[1]) if G[i, j] != 0)
            out.append(f"d{s} = ({f}) dt" + (f" + {noise}" if noise else ""))
        return out

    def latex(self) -> list[str]:
        return self.spec.latex()

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v:g}" for k, v in self.parameters.items())
        return (f"<stochastic {self.name}({params}), dimension {self.dimension}, {self.noise_dimension} "
                f"Wiener process(es), {self.noise} noise, {self.interpretation}>")
