"""Delay differential equations: ``dx/dt = f(t, x(t), x(t - tau))`` with one constant delay.

A :class:`DelaySpec` holds the equations as text over the states, their delayed
values (the state name with the suffix ``_tau``: ``x_tau`` means ``x(t - tau)``),
parameters and time ``t``; the parameter named by ``delay`` is the delay ``tau``.
From it a module is generated, like for :class:`~attractor.core.symbolic.SymbolicSpec`,
holding Numba-compiled ``f(t, x, xd, p, out)``, the two exact Jacobian blocks
``jac(t, x, xd, p, out_x, out_d)`` (derivatives with respect to ``x(t)`` and to
``x(t - tau)``), and one compiled driver per template of
:mod:`attractor.integrate._delay_kernels`; it is cached on disk next to the symbolic
systems' modules.

What ``dimension`` means for a DDE
----------------------------------
The state of a delay equation at time ``t`` is the whole function segment
``{x(s): t - tau <= s <= t}``, an infinite-dimensional object. ``DelaySystem.dimension``
is the number of *instantaneous* components ``len(x(t))`` (1 for all the catalogued
delay systems): it is what a trajectory's columns hold. Anything defined on the finite
state space, the vector field ``rhs(x, t)``, its Jacobian, and analyses built on them
(fixed points by Newton's method, tangent-space Lyapunov spectra, ...), needs the
whole segment and raises :class:`DelayStateError`; use :meth:`DelaySystem.delayed_rhs`
and :meth:`DelaySystem.delayed_jacobian` for the pointwise quantities, and
:meth:`DelaySystem.trajectory` (method of steps) to simulate.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType, ModuleType
from typing import Any, Callable, Mapping

import numpy as np

from .cache import codegen_key
from .errors import AttractorError, ValidationError
from .expressions import check_identifiers, check_system_name, parse_expression
from .system import DynamicalSystem, Trajectory
from .validation import as_state

__all__ = ["DelaySpec", "DelaySystem", "DelayStateError", "delay_compiled_module", "DELAY_DRIVERS"]

_CODEGEN_VERSION = "1"
DELAYED_SUFFIX = "_tau"

#: (entry-point name, template name in attractor.integrate._delay_kernels)
DELAY_DRIVERS: tuple[tuple[str, str], ...] = (("solve_dde_rk4", "dde_rk4_solve"),)
_KERNEL_MODULE = "attractor.integrate._delay_kernels"


class DelayStateError(AttractorError, TypeError):
    """An operation needs the finite-dimensional state of a system whose state is a function segment."""


@dataclass(frozen=True)
class DelaySpec:
    """Equations of a delay system as text.

    Parameters
    ----------
    name : str
    states : tuple of str
        Instantaneous state names.
    parameters : tuple of str
        Parameter names; must include ``delay``.
    equations : tuple of str
        One SymPy-parsable expression per state for ``dx/dt``, over the states, the
        delayed states (``<state>_tau``), the parameters and ``t``.
    delay : str
        Name of the parameter that is the (constant, positive) delay ``tau``.
    """

    name: str
    states: tuple[str, ...]
    parameters: tuple[str, ...]
    equations: tuple[str, ...]
    delay: str = "tau"

    def __post_init__(self):
        if len(self.states) != len(self.equations):
            raise ValidationError(f"{self.name}: {len(self.states)} states but {len(self.equations)} equations.")
        if self.delay not in self.parameters:
            raise ValidationError(f"{self.name}: the delay parameter {self.delay!r} is not among the parameters "
                                  f"{self.parameters}.")
        check_system_name(self.name)
        check_identifiers(self.states, f"{self.name}: state name")
        check_identifiers(self.parameters, f"{self.name}: parameter name")
        if not all(isinstance(e, str) for e in self.equations):
            raise ValidationError(f"{self.name}: equations must be strings.")
        names = list(self.states) + list(self.delayed_names) + list(self.parameters)
        if len(set(names)) != len(names):
            raise ValidationError(f"{self.name}: state, delayed-state and parameter names must be distinct; got {names}.")
        if "t" in names:
            raise ValidationError(f"{self.name}: 't' is reserved for time.")

    @property
    def delayed_names(self) -> tuple[str, ...]:
        return tuple(s + DELAYED_SUFFIX for s in self.states)

    @cached_property
    def symbols(self):
        import sympy as sp

        return (tuple(sp.Symbol(s, real=True) for s in self.states),
                tuple(sp.Symbol(s, real=True) for s in self.delayed_names),
                tuple(sp.Symbol(s, real=True) for s in self.parameters),
                sp.Symbol("t", real=True))

    @cached_property
    def expressions(self):
        """The equations as SymPy expressions (safe parser; equations are data, not code)."""
        xs, xds, ps, t = self.symbols
        local = {s.name: s for s in (*xs, *xds, *ps, t)}
        return tuple(parse_expression(text, local, context=f"{self.name}: equation for {state}")
                     for state, text in zip(self.states, self.equations))

    @cached_property
    def jacobian_expressions(self):
        """(d f/d x(t), d f/d x(t - tau)) as SymPy matrices."""
        import sympy as sp

        xs, xds, _, _ = self.symbols
        F = sp.Matrix(self.expressions)
        return F.jacobian(sp.Matrix(xs)), F.jacobian(sp.Matrix(xds))

    @property
    def uses_time(self) -> bool:
        return any(self.symbols[3] in e.free_symbols for e in self.expressions)

    def latex(self) -> list[str]:
        import sympy as sp

        xs, xds, ps, t = self.symbols
        tau = sp.Symbol(self.delay, real=True)
        subs = {xd: sp.Function(x.name)(t - tau) for x, xd in zip(xs, xds)}
        return [rf"\dot{{{sp.latex(x)}}} = {sp.latex(e.xreplace(subs))}" for x, e in zip(xs, self.expressions)]

    @cached_property
    def cache_key(self) -> str:
        return codegen_key((self.states, self.parameters, self.equations, self.delay, DELAY_DRIVERS),
                           (__name__, _KERNEL_MODULE, "attractor.core.symbolic"), _CODEGEN_VERSION)


def _generate_source(spec: DelaySpec) -> str:
    import importlib
    import inspect

    import sympy as sp

    from .symbolic import _printer

    xs, xds, ps, t = spec.symbols
    n = len(xs)
    sx = [sp.Symbol(f"_x{i}", real=True) for i in range(n)]
    sd = [sp.Symbol(f"_d{i}", real=True) for i in range(n)]
    sp_ = [sp.Symbol(f"_p{j}", real=True) for j in range(len(ps))]
    subs = dict(zip(xs, sx)) | dict(zip(xds, sd)) | dict(zip(ps, sp_))
    exprs = [e.xreplace(subs) for e in spec.expressions]
    jx, jd = (m.xreplace(subs) for m in spec.jacobian_expressions)
    pr = _printer()

    def header():
        lines = [f"    _x{i} = x[{i}]" for i in range(n)]
        lines += [f"    _d{i} = xd[{i}]" for i in range(n)]
        lines += [f"    _p{j} = p[{j}]" for j in range(len(ps))]
        return lines

    def body(targets_exprs):
        reps, reduced = sp.cse([e for _, e in targets_exprs], symbols=sp.numbered_symbols("_c"))
        lines = [f"    {pr.doprint(s)} = {pr.doprint(v)}" for s, v in reps]
        lines += [f"    {tgt} = {pr.doprint(e)}" for (tgt, _), e in zip(targets_exprs, reduced)]
        return lines

    nz = [(f"out_x[{i}, {j}]", jx[i, j]) for i in range(n) for j in range(n) if jx[i, j] != 0]
    nz += [(f"out_d[{i}, {j}]", jd[i, j]) for i in range(n) for j in range(n) if jd[i, j] != 0]
    src = [
        f"# Generated by attractor.core.delay for delay system {spec.name!r}. Do not edit.",
        "import math",
        "import numpy as np",
        "from numba import njit",
        f"from {_KERNEL_MODULE} import *  # noqa: F403",
        "",
        f"N_STATES = {n}",
        "",
        "@njit(cache=True)",
        "def f(t, x, xd, p, out):",
        *header(),
        *body([(f"out[{i}]", e) for i, e in enumerate(exprs)]),
        "",
        "@njit(cache=True)",
        "def jac(t, x, xd, p, out_x, out_d):",
        *header(),
        "    out_x[:, :] = 0.0",
        "    out_d[:, :] = 0.0",
        *(body(nz) if nz else []),
        "",
    ]
    kernels = importlib.import_module(_KERNEL_MODULE)
    for name, template in DELAY_DRIVERS:
        tpl = inspect.getsource(getattr(kernels, template))
        tpl = tpl.replace(f"def {template}(", f"def {name}(", 1).replace("RHS(", "f(")
        src += ["@njit(cache=True)", tpl, ""]
    return "\n".join(src) + "\n"


def delay_compiled_module(spec: DelaySpec) -> ModuleType:
    """Import (generating on first use) the compiled module of a delay system."""
    from .symbolic import load_generated_module

    return load_generated_module(spec.cache_key, "dde", lambda: _generate_source(spec))


class DelaySystem(DynamicalSystem):
    """A delay differential equation ``dx/dt = f(t, x(t), x(t - tau))`` with a constant delay.

    Parameters
    ----------
    spec : DelaySpec
        The equations; ``spec.delay`` names the delay parameter.
    parameters : mapping
        A value for every parameter of ``spec`` (the delay must be > 0).
    x0 : array_like, optional
        Default initial value ``x(t0)``; the default history is constant and equal to it.
    dt : float, optional
        Default sampling step.
    metadata : mapping, optional
        As for :class:`~attractor.core.system.SymbolicSystem`; ``delay=True`` is set.

    Notes
    -----
    ``dimension`` is the number of instantaneous components of ``x(t)``; the true
    state is the segment ``x([t - tau, t])`` (see the module docstring). ``rhs`` and
    ``jacobian`` therefore raise :class:`DelayStateError`; use :meth:`delayed_rhs`,
    :meth:`delayed_jacobian` and :meth:`trajectory`.
    """

    kind = "flow"

    def __init__(self, spec: DelaySpec, parameters: Mapping[str, float], *, x0=None, dt: float | None = None,
                 metadata: Mapping[str, Any] | None = None):
        missing = [p for p in spec.parameters if p not in parameters]
        extra = [p for p in parameters if p not in spec.parameters]
        if missing or extra:
            raise ValidationError(f"{spec.name}: parameters missing {missing}, unexpected {extra}.")
        self.spec = spec
        self.name = spec.name
        self.kind = "flow"
        self.dimension = len(spec.states)
        self.state_names = tuple(spec.states)
        self.parameters = MappingProxyType({k: float(parameters[k]) for k in spec.parameters})
        if not self.parameters[spec.delay] > 0:
            raise ValidationError(f"{spec.name}: the delay {spec.delay} must be > 0; got {self.parameters[spec.delay]}.")
        self.default_x0 = None if x0 is None else as_state(x0, self.dimension, "x0", ensemble=False).copy()
        self.default_dt = float(dt) if dt is not None else 0.01
        meta = dict(metadata or {})
        meta["delay"] = True
        meta.setdefault("non_autonomous", spec.uses_time)
        meta.setdefault("delay_parameter", spec.delay)
        self.metadata = MappingProxyType(meta)
        self._p = np.array([self.parameters[k] for k in spec.parameters], dtype=float)

    # -- identity
    @property
    def tau(self) -> float:
        """The delay (time units)."""
        return self.parameters[self.spec.delay]

    @property
    def is_delay(self) -> bool:
        return True

    @property
    def has_exact_jacobian(self) -> bool:  # no finite-dimensional Jacobian exists
        return False

    @property
    def compiled(self) -> ModuleType:
        """Generated module: ``f(t, x, xd, p, out)``, ``jac(...)``, ``solve_dde_rk4(...)``."""
        return delay_compiled_module(self.spec)

    @property
    def parameter_vector(self) -> np.ndarray:
        return self._p.copy()

    # -- pointwise quantities
    def delayed_rhs(self, x, x_delayed, t: float = 0.0) -> np.ndarray:
        """``f(t, x(t), x(t - tau))`` for given current and delayed values, shape (dimension,)."""
        x = as_state(x, self.dimension, "x", ensemble=False)
        xd = as_state(x_delayed, self.dimension, "x_delayed", ensemble=False)
        out = np.empty(self.dimension)
        self.compiled.f(float(t), x, xd, self._p, out)
        return out

    def delayed_jacobian(self, x, x_delayed, t: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Exact ``(df/dx(t), df/dx(t - tau))``, each of shape (dimension, dimension)."""
        x = as_state(x, self.dimension, "x", ensemble=False)
        xd = as_state(x_delayed, self.dimension, "x_delayed", ensemble=False)
        jx = np.empty((self.dimension, self.dimension))
        jd = np.empty((self.dimension, self.dimension))
        self.compiled.jac(float(t), x, xd, self._p, jx, jd)
        return jx, jd

    def _needs_segment(self, what: str) -> DelayStateError:
        return DelayStateError(
            f"{self.name} is a delay differential equation (tau = {self.tau:g}): its state at time t is the "
            f"function segment x(s), t - tau <= s <= t, not the {self.dimension}-dimensional value x(t), so "
            f"{what} is undefined. Use delayed_rhs(x, x_delayed, t) / delayed_jacobian(...) for pointwise "
            "values and trajectory(...) to simulate; analyses that need a finite-dimensional state "
            "(fixed points, tangent-space Lyapunov spectra) do not apply.")

    def rhs(self, x, t: float = 0.0) -> np.ndarray:
        raise self._needs_segment("rhs(x, t)")

    def step(self, x, t: float = 0.0) -> np.ndarray:
        raise self._needs_segment("step(x, t)")

    def jacobian(self, x, t: float = 0.0) -> np.ndarray:
        raise self._needs_segment("the Jacobian of the finite-dimensional vector field")

    def with_parameters(self, **parameters: float) -> "DelaySystem":
        new = self._check_parameters(parameters)
        return DelaySystem(self.spec, new, x0=self.default_x0, dt=self.default_dt, metadata=self.metadata)

    # -- simulation
    def trajectory(self, n: int, dt: float | None = None, x0=None, transient: float = 0.0, *,
                   history: float | np.ndarray | Callable[[float], Any] | None = None,
                   history_dt: float | None = None, step: float | None = None, method: str | None = None,
                   t0: float = 0.0, max_norm: float = 1e12, rtol: float | None = None,
                   atol: float | None = None, max_steps: int | None = None) -> Trajectory:
        """Simulate ``n`` samples by the method of steps (see :mod:`attractor.integrate.delay`).

        Parameters
        ----------
        n : int >= 1
            Number of output samples.
        dt : float, optional
            Sampling step (default ``default_dt``).
        x0 : array_like, shape (dimension,), optional
            Value ``x(t0)``. Default: the history's value at ``t0`` if ``history`` is
            given, else ``default_x0``.
        transient : float
            Discarded lead-in (time units), rounded to a whole number of steps.
        history : float, array_like or callable, optional
            ``x(s)`` for ``s < t0``: a constant (number or shape (dimension,)), an array
            of past samples spaced ``history_dt`` (oldest first, the last at ``t0``;
            shape (m,) or (m, dimension) with m >= ceil(tau/history_dt) + 1), or a
            callable ``history(s)`` returning a number or shape (dimension,).
            Default: constant ``x0``.
        history_dt : float, optional
            Spacing of an array history (default ``dt``).
        step : float, optional
            Internal RK4 step (default: the largest step <= min(dt, tau/20, period/200)
            that divides ``dt``); it is reduced to divide ``dt`` and never exceeds tau.
        method : {"rk4"}, optional
            Only fixed-step RK4 with Hermite history is available.
        t0 : float
            Initial time (matters for time-dependent equations).
        max_norm : float
            A state with |x_i| above this (or non-finite) counts as divergence.
        max_steps : int, optional
            Budget of RK4 steps (default 1e8), checked before running.
        rtol, atol
            Accepted for interface compatibility with ODE systems and ignored (fixed step).

        Raises
        ------
        InsufficientDataError
            An array history does not cover one delay.
        ValidationError
            A history that is neither a number, an array nor a callable, or with
            non-finite values; a non-finite ``t0``; any invalid step or count.
        DivergenceError
            The solution blew up.
        """
        from ..integrate.delay import simulate_delay  # integrate sits above core; imported lazily

        return simulate_delay(self, n, dt=dt, x0=x0, transient=transient, history=history,
                              history_dt=history_dt, step=step, method=method, t0=t0, max_norm=max_norm,
                              max_steps=max_steps)

    # -- symbolic views
    def equations(self) -> list[str]:
        return [f"d{s}/dt = {e}" for s, e in zip(self.state_names, self.spec.expressions)]

    def latex(self) -> list[str]:
        return self.spec.latex()

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v:g}" for k, v in self.parameters.items())
        return f"<delay flow {self.name}({params}), instantaneous dimension {self.dimension}>"
