"""Lyapunov exponents of a known system (equations, not data).

* :func:`lyapunov_spectrum` — the ``k`` largest exponents by the QR method on the tangent
  dynamics (Benettin, Galgani, Giorgilli & Strelcyn, Meccanica 15, 9 (1980); Shimada &
  Nagashima, Prog. Theor. Phys. 61, 1605 (1979)).
* :func:`max_lyapunov` — the largest exponent from two nearby trajectories with periodic
  renormalisation of their separation (Benettin, Galgani & Strelcyn, Phys. Rev. A 14,
  2338 (1976)); cheaper than the tangent method when one exponent is enough.
* :func:`kaplan_yorke_dimension` and :func:`pesin_entropy` — derived invariants.

Definitions used throughout. For a flow ``dx/dt = f(x, t)`` the exponents are
``λ_j = lim (1/T) ln σ_j(DΦ_T)`` in natural-log units **per time unit**; for a map
``x_{n+1} = g(x_n, n)`` they are **per iteration**. The QR method evolves ``k``
orthonormal deviation vectors ``Q`` with the variational equation ``dQ/dt = J(x, t) Q``
(maps: ``Q <- J(x_n) Q``); every ``dt_renorm`` (time units, or iterations for maps) it
factors ``Q = Q' R`` (Householder, ``R_jj > 0``), keeps ``Q'`` and accumulates
``ln R_jj``. The *local exponent* of interval ``i`` is ``ln R_jj / dt_renorm``; the
estimate is their mean over the ``n_renorm`` recorded intervals, i.e.
``λ_j = Σ_i ln R_jj(i) / (n_renorm dt_renorm)``.

Backends (no special cases for any kind of system):

* :class:`~attractor.core.system.SymbolicSystem` — compiled: the whole renormalisation
  loop (integration of ``[x, Q]`` with adaptive DOP853 or fixed-step RK4, Householder QR,
  accumulation) runs inside one Numba driver of the system's generated module
  (:mod:`attractor.dynamics._lyapunov_kernels`), with the exact symbolic Jacobian.
  DOP853 error control covers the state *and* the deviation vectors (see that module for
  why the state alone is not enough).
* any other :class:`~attractor.core.system.DynamicalSystem` (e.g. a learned model with
  NumPy ``rhs``/``step``) — Python: the variational system uses the system's own
  :meth:`~attractor.core.system.DynamicalSystem.jacobian` (central differences unless
  the subclass overrides it); flows are integrated interval by interval with SciPy's
  ``solve_ivp(method="DOP853")`` (error control on all components) or NumPy RK4, QR by
  :func:`numpy.linalg.qr`. Same contract, slower.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.errors import DivergenceError, IntegrationError, InsufficientDataError, ReliabilityWarning, ValidationError
from ..core.system import DynamicalSystem, SymbolicSystem
from ..core.validation import as_float_array, as_state, check_nonnegative_int, check_positive_float, check_positive_int

__all__ = [
    "lyapunov_spectrum",
    "max_lyapunov",
    "kaplan_yorke_dimension",
    "pesin_entropy",
    "LyapunovSpectrumResult",
    "MaxLyapunovResult",
]

_TANGENT_FAILED = 4
_METHODS = ("dop853", "rk4")
#: Fewest renormalisation intervals a spectrum is averaged over.
MIN_RENORMALISATIONS = 20
#: Largest growth ratio R_11/R_kk of the deviation vectors within one renormalisation
#: interval: beyond it the smallest exponents sink towards double-precision rounding
#: (1/eps ~ 4.5e15) and come out wrong (e.g. Lorenz λ3 = -6.6 instead of -14.57 at dt_renorm = 5).
MAX_GROWTH_RATIO = 1e12
#: Fraction of the recorded intervals allowed beyond ``MAX_GROWTH_RATIO`` (the local ratio
#: has a heavy tail: at the default dt_renorm = 1 Lorenz reaches e^29 once in 10 000 intervals
#: while its 99th percentile is e^21 and the spectrum is accurate).
MAX_GROWTH_FRACTION = 0.01


# ====================================================================== results
@dataclass(frozen=True, eq=False)
class LyapunovSpectrumResult:
    """Lyapunov exponents of a system by the QR method.

    Attributes
    ----------
    exponents : numpy.ndarray, shape (k,)
        Estimates, largest first (per time unit for flows, per iteration for maps).
    stderr : numpy.ndarray, shape (k,)
        Standard error of each exponent from ``n_blocks`` contiguous block means of the
        local exponents: ``std(block means, ddof=1) / sqrt(n_blocks)`` (NaN if fewer than
        2 blocks). Blocks of consecutive intervals absorb short-range correlation.
    history : numpy.ndarray, shape (n_renorm, k)
        Running estimate after each renormalisation (cumulative mean of ``local``).
    times : numpy.ndarray, shape (n_renorm,)
        Time (or iteration index) at each renormalisation.
    local : numpy.ndarray, shape (n_renorm, k)
        Local exponents ``ln R_jj / dt_renorm`` of each interval.
    system : str
    kind : {"flow", "map"}
    final_state : numpy.ndarray, shape (dimension,)
        State at the end of the run (useful to continue on the attractor).
    settings : dict
        Everything actually used: ``dt_renorm``, ``n_renorm``, ``transient`` (rounded up to
        whole intervals), ``t0``, ``x0``, ``method``, ``rtol``, ``atol``, ``step``,
        ``seed``, ``n_blocks``, ``jacobian`` (``"exact"``, ``"finite differences"`` or
        ``"system"``), ``backend`` (``"compiled"`` or ``"python"``), ``n_steps``
        (integrator steps or map iterations, transient included).
    """

    exponents: np.ndarray
    stderr: np.ndarray
    history: np.ndarray
    times: np.ndarray
    local: np.ndarray
    system: str
    kind: str
    final_state: np.ndarray
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def n_exponents(self) -> int:
        return int(self.exponents.shape[0])

    @property
    def sum(self) -> float:
        """Sum of the exponents (for k = dimension: the mean phase-space contraction rate)."""
        return float(np.sum(self.exponents))

    @property
    def kaplan_yorke_dimension(self) -> float:
        """:func:`kaplan_yorke_dimension` of :attr:`exponents`."""
        return kaplan_yorke_dimension(self.exponents)

    @property
    def pesin_entropy(self) -> float:
        """:func:`pesin_entropy` of :attr:`exponents`."""
        return pesin_entropy(self.exponents)

    def __repr__(self) -> str:
        ex = ", ".join(f"{v:.5g} ± {s:.2g}" for v, s in zip(self.exponents, self.stderr))
        return f"LyapunovSpectrumResult({self.system}: [{ex}], n_renorm={self.times.shape[0]})"


@dataclass(frozen=True, eq=False)
class MaxLyapunovResult:
    """Largest Lyapunov exponent from two nearby trajectories.

    Attributes
    ----------
    exponent : float
        Estimate (per time unit for flows, per iteration for maps).
    stderr : float
        Standard error from ``n_blocks`` block means of the local exponents.
    history : numpy.ndarray, shape (n_renorm,)
        Running estimate after each renormalisation.
    times : numpy.ndarray, shape (n_renorm,)
    local : numpy.ndarray, shape (n_renorm,)
        ``ln(d_i / d0) / dt_renorm`` for each interval (``d_i`` the separation at its end).
    system, kind, final_state, settings
        As in :class:`LyapunovSpectrumResult` (settings also hold ``d0``).
    """

    exponent: float
    stderr: float
    history: np.ndarray
    times: np.ndarray
    local: np.ndarray
    system: str
    kind: str
    final_state: np.ndarray
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def exponents(self) -> np.ndarray:
        """The exponent as a length-1 array (so plot helpers treat both results alike)."""
        return np.array([self.exponent])

    def __repr__(self) -> str:
        return f"MaxLyapunovResult({self.system}: {self.exponent:.5g} ± {self.stderr:.2g})"


# ====================================================================== derived invariants
def _exponent_vector(exponents) -> np.ndarray:
    if hasattr(exponents, "exponents"):
        exponents = exponents.exponents
    lam = as_float_array(exponents, "exponents", ndim=1)
    if lam.size == 0:
        raise ValidationError("exponents is empty; at least one exponent is needed.")
    return np.sort(lam)[::-1]


def kaplan_yorke_dimension(exponents) -> float:
    """Kaplan–Yorke (Lyapunov) dimension.

    ``D_KY = j + (λ_1 + ... + λ_j) / |λ_{j+1}|`` with exponents sorted in decreasing
    order and ``j`` the largest index whose partial sum is >= 0 (Kaplan & Yorke, Lecture
    Notes in Math. 730, 204 (1979)). ``D_KY = 0`` if ``λ_1 < 0``; if the sum of all given
    exponents is >= 0 it equals their number (pass the full spectrum).

    Parameters
    ----------
    exponents : array_like, shape (k,), or a result with an ``exponents`` attribute

    Returns
    -------
    float
    """
    lam = _exponent_vector(exponents)
    cs = np.cumsum(lam)
    j = int(np.count_nonzero(cs >= 0))
    if j == 0:
        return 0.0
    if j == lam.size:
        return float(lam.size)
    return float(j + cs[j - 1] / abs(lam[j]))


def pesin_entropy(exponents) -> float:
    """Sum of the positive Lyapunov exponents.

    For an ergodic invariant measure this bounds the Kolmogorov–Sinai entropy from above
    (Ruelle's inequality), with equality for SRB measures (Pesin, Russ. Math. Surveys 32,
    55 (1977)). Units: nats per time unit (flows) or per iteration (maps).
    """
    lam = _exponent_vector(exponents)
    return float(np.sum(lam[lam > 0]))


# ====================================================================== shared plumbing
def _check_system(system) -> DynamicalSystem:
    if not isinstance(system, DynamicalSystem):
        raise ValidationError(f"system must be a DynamicalSystem; got {type(system).__name__}.")
    if system.kind not in ("flow", "map"):
        raise ValidationError(f"system.kind must be 'flow' or 'map'; got {system.kind!r}.")
    return system


def _compiled(system):
    return system.compiled if isinstance(system, SymbolicSystem) else None


def _initial_state(system, x0) -> np.ndarray:
    if x0 is None:
        if system.default_x0 is None:
            raise ValidationError(f"{system.name} has no default initial condition; pass x0.")
        x0 = system.default_x0
    return np.ascontiguousarray(as_state(x0, system.dimension, "x0", ensemble=False), dtype=float)


def _jacobian_kind(system) -> str:
    if isinstance(system, SymbolicSystem):
        return "exact"
    return "system" if system.has_exact_jacobian else "finite differences"


def _block_stderr(local: np.ndarray, n_blocks: int) -> np.ndarray:
    n = local.shape[0]
    b = min(n_blocks, n)
    if b < 2:
        return np.full(local.shape[1:], np.nan)
    L = n // b
    seg = local[n - b * L:].reshape((b, L) + local.shape[1:]).mean(axis=1)
    return seg.std(axis=0, ddof=1) / math.sqrt(b)


class _Plan:
    """Validated time grid shared by the spectrum and two-trajectory methods."""

    def __init__(self, system, t_total, n_steps, dt_renorm, transient, method, rtol, atol, step,
                 max_norm, max_steps, t0, n_blocks):
        self.kind = system.kind
        self.max_norm = check_positive_float(max_norm, "max_norm")
        self.max_steps = check_positive_int(max_steps, "max_steps")
        self.n_blocks = check_positive_int(n_blocks, "n_blocks")
        try:
            t0_ok = math.isfinite(float(t0))
        except (TypeError, ValueError):
            t0_ok = False
        if not t0_ok:
            raise ValidationError(f"t0 must be a finite number; got {t0!r}.")
        if system.kind == "flow":
            if n_steps is not None:
                raise ValidationError("n_steps counts iterations of a map; for a flow give t_total (time units).")
            self.t0 = float(t0)
            self.dt = check_positive_float(1.0 if dt_renorm is None else dt_renorm, "dt_renorm")
            total = check_positive_float(1000.0 if t_total is None else t_total, "t_total")
            if total < self.dt:
                raise InsufficientDataError(f"t_total={total:g} is shorter than dt_renorm={self.dt:g}; at least "
                                            f"2 renormalisation intervals (t_total >= {2 * self.dt:g}) are needed.")
            self.n_ren = int(round(total / self.dt))
            tr = 0.05 * total if transient is None else check_positive_float(transient, "transient", allow_zero=True)
            self.n_tr = int(math.ceil(tr / self.dt - 1e-9))
            method = "dop853" if method is None else str(method).lower()
            if method not in _METHODS:
                raise ValidationError(f"unknown method {method!r}; choose one of {_METHODS}.")
            self.method = method
            self.rtol = check_positive_float(rtol, "rtol")
            self.atol = check_positive_float(atol, "atol")
            h = system.default_dt if step is None else check_positive_float(step, "step")
            self.n_sub = max(1, int(math.ceil(self.dt / h - 1e-9)))
            self.step = self.dt / self.n_sub
        else:
            if t_total is not None:
                raise ValidationError("t_total is a flow's integration time; for a map give n_steps (iterations).")
            if method is not None:
                raise ValidationError("method applies to flows only; maps are iterated exactly.")
            self.t0 = float(check_nonnegative_int(t0, "t0 (initial iteration index, for a map)"))
            self.dt = check_positive_int(1 if dt_renorm is None else dt_renorm,
                                         "dt_renorm (iterations between renormalisations, for a map)")
            total = check_positive_int(10_000 if n_steps is None else n_steps, "n_steps")
            self.n_ren = total // self.dt
            tr = (total // 20) if transient is None else check_nonnegative_int(
                transient, "transient (iterations, for a map)")
            self.n_tr = -(-tr // self.dt)
            self.method = None
            self.rtol = self.atol = self.step = None
            self.n_sub = 1
        if self.n_ren < 2:
            unit = "time units" if self.kind == "flow" else "iterations"
            raise InsufficientDataError(f"only {self.n_ren} renormalisation interval(s) fit; at least 2 are needed "
                                        f"(run for >= {2 * self.dt:g} {unit}).")
        self._check_resources(system, total)

    def _check_resources(self, system, total) -> None:
        """Refuse, before allocating, interval counts that cannot fit in memory or in the step budget."""
        from ..core.resources import MEMORY_FRACTION, available_memory, format_bytes

        length = "t_total" if self.kind == "flow" else "n_steps"
        n_int = self.n_ren + self.n_tr
        per_interval = 8.0 * (4 * system.dimension + 2)  # logs, local, history, times (+ slack)
        limit = MEMORY_FRACTION * available_memory()
        if self.n_ren * per_interval > limit:
            n_max = int(limit // per_interval)
            raise ValidationError(
                f"dt_renorm={self.dt:g} over {length}={total:g} gives {self.n_ren:.3g} renormalisation intervals "
                f"whose records need {format_bytes(self.n_ren * per_interval)}, more than "
                f"{MEMORY_FRACTION:.0%} of the available memory; at most {n_max:.3g} intervals fit: use "
                f"dt_renorm >= {total / max(n_max, 1):.3g} (or a shorter {length}).")
        steps = n_int * self.n_sub
        if steps > self.max_steps:
            raise ValidationError(
                f"dt_renorm={self.dt:g} over {length}={total:g} (plus the transient) gives {n_int:.3g} renormalisation "
                f"intervals of at least {self.n_sub} step(s) each, more than max_steps={self.max_steps:g}; use "
                f"dt_renorm >= {(total + self.transient) * self.n_sub / self.max_steps:.3g} (or raise max_steps).")

    @property
    def transient(self) -> float:
        return self.n_tr * self.dt

    @property
    def t_start(self) -> float:
        return self.t0 + self.transient

    def times(self) -> np.ndarray:
        return self.t_start + self.dt * np.arange(1, self.n_ren + 1, dtype=float)

    def settings(self) -> dict[str, Any]:
        s: dict[str, Any] = dict(dt_renorm=self.dt, n_renorm=self.n_ren, transient=self.transient, t0=self.t0,
                                 n_blocks=self.n_blocks, max_norm=self.max_norm)
        if self.kind == "flow":
            s.update(method=self.method, rtol=self.rtol, atol=self.atol, max_steps=self.max_steps)
            if self.method == "rk4":
                s["step"] = self.step
        return s


def _raise(system, status: int, t: float, x: np.ndarray, plan: _Plan, what: str) -> None:
    if status == 0:
        return
    if status == _TANGENT_FAILED:
        raise IntegrationError(
            f"{system.name}: the {what} became zero or non-finite at t = {t:.6g}; the exponents are outside the "
            "range double precision can follow over one interval (or a Jacobian is singular along the orbit, e.g. "
            "a superstable orbit with exponent -inf). Reduce dt_renorm.", t, x)
    from ..integrate.solve import _raise_for_status

    _raise_for_status(system, status, t, x, plan.max_norm, plan.max_steps)


def _diverged(system, t, x, plan) -> None:
    state = np.array2string(np.asarray(x), precision=6, separator=", ")
    raise DivergenceError(
        f"{system.name} diverged at t = {t:.6g}: the state left the region |x_i| <= {plan.max_norm:g} (or became "
        f"non-finite). Last finite state: {state}. Check the parameters and initial condition.", t, x)


def _rng(seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


# ====================================================================== spectrum
def lyapunov_spectrum(system: DynamicalSystem, n_exponents: int | None = None, *, t_total: float | None = None,
                      n_steps: int | None = None, dt_renorm: float | None = None, transient: float | None = None,
                      x0=None, t0: float = 0.0, seed=None, method: str | None = None, rtol: float = 1e-9,
                      atol: float = 1e-9, step: float | None = None, n_blocks: int = 10,
                      max_norm: float = 1e12, max_steps: int = 10**8,
                      _check_precision: bool = True) -> LyapunovSpectrumResult:
    """The ``k`` largest Lyapunov exponents of a flow or map by the QR method.

    Parameters
    ----------
    system : DynamicalSystem
        Flow or map (autonomous or not; time is carried through the run).
    n_exponents : int, optional
        ``k``, 1 <= k <= dimension (default: all).
    t_total : float, optional
        Flows: averaging time after the transient, time units (default 1000).
        ``n_renorm = round(t_total / dt_renorm)`` intervals are recorded.
    n_steps : int, optional
        Maps: number of iterations after the transient (default 10 000).
    dt_renorm : float or int, optional
        Time between QR re-orthonormalisations (flows, default 1.0 time unit) or
        iterations between them (maps, default 1). It must be short enough that
        ``exp((λ_1 - λ_k) dt_renorm)`` stays far below 1e16: if any recorded interval
        saw a growth ratio ``R_11/R_kk`` above ``MAX_GROWTH_RATIO`` (1e12) in more than
        1 % of the intervals, a
        :class:`ValidationError` gives the admissible ``dt_renorm`` (from a short
        pilot run at a smaller interval). The run must span at least
        ``MIN_RENORMALISATIONS`` (20) intervals.
    transient : float or int, optional
        Lead-in before averaging, in time units (flows) or iterations (maps); default 5 %
        of the averaging length. Rounded up to whole renormalisation intervals; the
        deviation vectors are evolved and re-orthonormalised during it (so they are
        aligned when recording starts) but nothing is accumulated.
    x0 : array_like, shape (dimension,), optional
        Initial state (default ``system.default_x0``).
    t0 : float
        Initial time (iteration index for maps).
    seed : int or numpy.random.Generator, optional
        Seed of the random orthonormal initial deviation vectors (Gaussian, then QR).
    method : {"dop853", "rk4"}, optional
        Flows only. ``dop853`` (default): adaptive Dormand–Prince 8(5,3) with ``rtol``/``atol``
        applied to every component of ``[x, Q]`` (the columns of ``Q`` have unit norm after each
        renormalisation). ``rk4``: classical Runge–Kutta with
        a fixed step ``step`` (default ``system.default_dt``, shortened so a whole number
        of steps fits in ``dt_renorm``).
    rtol, atol : float
        DOP853 tolerances.
    n_blocks : int
        Number of blocks for :attr:`~LyapunovSpectrumResult.stderr` (default 10).
    max_norm : float
        A state with any ``|x_i| > max_norm`` (or non-finite) counts as divergence.
    max_steps : int
        Budget of integrator steps (flows).

    Returns
    -------
    LyapunovSpectrumResult

    Raises
    ------
    ValidationError
        Bad arguments (e.g. ``n_exponents`` larger than the dimension, ``t_total`` for a map);
        ``dt_renorm`` too long for double precision (see above), or so short that the
        interval records would not fit in memory or the step budget (checked before running).
    InsufficientDataError
        Fewer than 20 renormalisation intervals.
    DivergenceError
        The trajectory blew up; the error carries the time and the last finite state.
    IntegrationError
        The deviation vectors over- or underflowed within one interval (reduce
        ``dt_renorm``), or the step budget ran out.

    Notes
    -----
    Compiled path (:class:`~attractor.core.system.SymbolicSystem`): the first call for a
    given set of equations compiles the driver (a few seconds, then cached on disk). Cost
    per step is O(k · nnz(J)) for the tangent plus O(n k²) per QR.

    References
    ----------
    G. Benettin, L. Galgani, A. Giorgilli, J.-M. Strelcyn, Meccanica 15, 9-30 (1980).
    I. Shimada, T. Nagashima, Prog. Theor. Phys. 61, 1605-1616 (1979).
    J. C. Sprott, Chaos and Time-Series Analysis (Oxford, 2003), Appendix A (reference values).

    Examples
    --------
    >>> import attractor
    >>> res = attractor.lyapunov_spectrum(attractor.system("henon"), n_steps=20_000, seed=0)
    >>> [round(float(v), 2) for v in res.exponents]
    [0.42, -1.62]
    """
    system = _check_system(system)
    n = system.dimension
    k = n if n_exponents is None else check_positive_int(n_exponents, "n_exponents")
    if k > n:
        raise ValidationError(f"n_exponents={k} exceeds the dimension {n} of {system.name}; a system has at most "
                              "as many Lyapunov exponents as state variables.")
    plan = _Plan(system, t_total, n_steps, dt_renorm, transient, method, rtol, atol, step, max_norm, max_steps,
                 t0, n_blocks)
    if plan.n_ren < MIN_RENORMALISATIONS:
        length, unit = ("t_total", "time units") if plan.kind == "flow" else ("n_steps", "iterations")
        total = plan.n_ren * plan.dt
        raise InsufficientDataError(
            f"{length}={total:g} {unit} spans only {plan.n_ren} renormalisation intervals of dt_renorm={plan.dt:g}; "
            f"at least {MIN_RENORMALISATIONS} are needed for an average: use dt_renorm <= "
            f"{total / MIN_RENORMALISATIONS:g} or {length} >= {MIN_RENORMALISATIONS * plan.dt:g}.")
    x = _initial_state(system, x0)
    Q0, _ = np.linalg.qr(_rng(seed).standard_normal((n, k)))
    mod = _compiled(system)
    if mod is not None:
        y0 = np.ascontiguousarray(np.concatenate([x, Q0.ravel()]))
        p = system.parameter_vector
        if system.kind == "flow":
            logs, st, tf, xl, y, n_int, _ = mod.ly_spectrum_flow(
                y0, plan.t0, p, n, k, float(plan.dt), plan.n_tr, plan.n_ren, 0 if plan.method == "dop853" else 1,
                plan.n_sub, plan.rtol, plan.atol, plan.max_steps, plan.max_norm, y0.size)
        else:
            logs, st, tf, xl, y, n_int = mod.ly_spectrum_map(y0, int(plan.t0), p, n, k, int(plan.dt), plan.n_tr,
                                                             plan.n_ren, plan.max_norm)
        _raise(system, int(st), float(tf), xl, plan, "deviation vectors")
        final = np.array(y[:n])
        backend = "compiled"
    else:
        logs, final, n_int = _spectrum_python(system, x, Q0, plan)
        backend = "python"
    if _check_precision and k > 1:
        _check_growth(system, logs, plan, k, final, seed,
                      dict(method=method, rtol=rtol, atol=atol, step=step, max_norm=max_norm, max_steps=max_steps))
    local = logs / plan.dt
    exps = logs.sum(axis=0) / (plan.n_ren * plan.dt)
    history = np.cumsum(logs, axis=0) / (plan.dt * np.arange(1, plan.n_ren + 1))[:, None]
    settings = plan.settings()
    settings.update(x0=x.copy(), seed=seed if not isinstance(seed, np.random.Generator) else "Generator",
                    jacobian=_jacobian_kind(system), backend=backend, n_steps=int(n_int), n_exponents=k)
    return LyapunovSpectrumResult(exps, _block_stderr(local, plan.n_blocks), history, plan.times(), local,
                                  system.name, system.kind, final, settings)


def _check_growth(system, logs, plan, k, final, seed, options) -> None:
    """Raise if a renormalisation interval saw a growth ratio beyond :data:`MAX_GROWTH_RATIO`."""
    gaps = logs[:, 0] - logs[:, k - 1]
    if not gaps.size:
        return
    frac = float(np.mean(gaps > math.log(MAX_GROWTH_RATIO)))
    if frac <= MAX_GROWTH_FRACTION:
        return
    worst = float(np.quantile(gaps, 1 - MAX_GROWTH_FRACTION))
    # the observed gap saturates near ln(1/eps) once precision is lost, so measure the rate
    # λ1 - λk on a short pilot run at an interval short enough to resolve it
    rate = worst / plan.dt
    t_pilot = float(plan.times()[-1])
    half_precision = 0.5 * math.log(1 / np.finfo(float).eps)
    dt_p = min(plan.dt, 5.0 / rate)
    for _ in range(6):
        if plan.kind == "flow":
            kw = dict(t_total=MIN_RENORMALISATIONS * 2 * dt_p, dt_renorm=dt_p, method=options["method"],
                      rtol=options["rtol"], atol=options["atol"], step=options["step"])
            t0 = t_pilot
        else:
            dt_p = max(1, int(dt_p))
            kw = dict(n_steps=MIN_RENORMALISATIONS * 2 * dt_p, dt_renorm=dt_p)
            t0 = int(t_pilot)
        try:
            pilot = lyapunov_spectrum(system, k, transient=0, x0=final, t0=t0, seed=seed,
                                      max_norm=options["max_norm"], max_steps=options["max_steps"],
                                      _check_precision=False, **kw)
            g = pilot.local[:, 0] - pilot.local[:, k - 1]   # local rates (per time unit / iteration)
            if float(np.max(g)) * dt_p < half_precision or (plan.kind == "map" and dt_p == 1):
                rate = max(float(np.max(g)), rate if plan.kind == "map" and dt_p == 1 else 0.0, 1e-300)
                break
        except Exception:  # noqa: BLE001 - the pilot only sharpens the advice; retry shorter
            if plan.kind == "map" and dt_p == 1:
                break
        dt_p /= 4
    admissible = math.log(MAX_GROWTH_RATIO) / rate
    if plan.kind == "map":
        hint = (f"use dt_renorm <= {max(1, int(admissible))} iteration(s)" if admissible >= 1 else
                "even dt_renorm = 1 is too long: the exponents differ by more than double precision can follow")
    else:
        hint = f"use dt_renorm <= {float(f'{admissible:.2g}'):g}"
    raise ValidationError(
        f"{system.name}: with dt_renorm={plan.dt:g} the deviation vectors' growth ratio R_11/R_kk within one "
        f"renormalisation interval exceeded {MAX_GROWTH_RATIO:.0e} in {frac:.0%} of the intervals (99th "
        f"percentile e^{worst:.1f} = {math.exp(min(worst, 700)):.2g}; double precision resolves about "
        f"1/eps = 4.5e15), so the smaller exponents are "
        f"lost in rounding (λ1 - λ{k} ≈ {rate:.3g} per unit). {hint}.")


def _qr_positive(M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    Q, R = np.linalg.qr(M)
    d = np.diag(R).copy()
    s = np.where(d < 0, -1.0, 1.0)
    return Q * s, np.abs(d)


def _spectrum_python(system, x, Q, plan):
    n, k = Q.shape
    logs = np.zeros((plan.n_ren, k))
    t = plan.t0
    n_int = 0
    if not np.all(np.abs(x) <= plan.max_norm):
        _diverged(system, t, x, plan)
    for r in range(plan.n_tr + plan.n_ren):
        if system.kind == "map":
            for _ in range(plan.dt):
                J = np.asarray(system.jacobian(x, t), dtype=float)
                xn = np.asarray(system.step(x, t), dtype=float)
                t += 1.0
                n_int += 1
                if not np.all(np.abs(xn) <= plan.max_norm):
                    _diverged(system, t, x, plan)
                x = xn
                Q = J @ Q
        else:
            t_target = plan.t0 + (r + 1) * plan.dt
            x, Q, steps = _advance_tangent(system, x, Q, t, t_target, plan)
            t = t_target
            n_int += steps
        if not np.all(np.isfinite(Q)):
            _raise(system, _TANGENT_FAILED, t, x, plan, "deviation vectors")
        Q, d = _qr_positive(Q)
        if not np.all(d > 0):
            _raise(system, _TANGENT_FAILED, t, x, plan, "deviation vectors")
        if r >= plan.n_tr:
            logs[r - plan.n_tr] = np.log(d)
    return logs, np.asarray(x, dtype=float).copy(), n_int


def _advance_tangent(system, x, Q, t, t_end, plan):
    """Integrate ``[x, Q]`` of a non-compiled flow from ``t`` to ``t_end``."""
    n, k = Q.shape

    def fun(tt, y):
        xx = y[:n]
        J = np.asarray(system.jacobian(xx, tt), dtype=float)
        return np.concatenate([np.asarray(system.rhs(xx, tt), dtype=float), (J @ y[n:].reshape(n, k)).ravel()])

    y = np.concatenate([x, Q.ravel()])
    y, tf, steps = _advance(system, fun, y, n, t, t_end, plan)
    return y[:n].copy(), y[n:].reshape(n, k).copy(), steps


def _advance(system, fun, y, n, t, t_end, plan):
    """Advance ``y`` (first ``n`` entries: the state) with SciPy DOP853 or NumPy RK4."""
    if plan.method == "rk4":
        h = plan.step
        for s in range(plan.n_sub):
            ts = t + s * h
            k1 = fun(ts, y)
            k2 = fun(ts + 0.5 * h, y + 0.5 * h * k1)
            k3 = fun(ts + 0.5 * h, y + 0.5 * h * k2)
            k4 = fun(ts + h, y + h * k3)
            yn = y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
            if not np.all(np.abs(yn[:n]) <= plan.max_norm):
                _diverged(system, ts + h, y[:n], plan)
            y = yn
        return y, t_end, plan.n_sub
    from scipy.integrate import solve_ivp

    def blowup(tt, yy):
        return plan.max_norm - np.max(np.abs(yy[:n]))

    blowup.terminal = True
    with np.errstate(over="ignore", invalid="ignore"):
        sol = solve_ivp(fun, (t, t_end), y, method="DOP853", rtol=plan.rtol, atol=plan.atol, events=blowup)
    last = sol.y[:, -1] if sol.y.size else y
    if sol.status == 1 or not np.all(np.isfinite(last[:n])):
        good = sol.y[:n, np.all(np.isfinite(sol.y[:n]), axis=0)] if sol.y.size else y[:n, None]
        _diverged(system, float(sol.t[-1]) if sol.t.size else t, good[:, -1] if good.size else y[:n], plan)
    if sol.status != 0:
        raise IntegrationError(f"{system.name}: {sol.message}", float(sol.t[-1]) if sol.t.size else t, last[:n])
    return last.copy(), t_end, int(sol.t.size - 1)


# ====================================================================== two trajectories
def max_lyapunov(system: DynamicalSystem, *, t_total: float | None = None, n_steps: int | None = None,
                 dt_renorm: float | None = None, transient: float | None = None, x0=None, t0: float = 0.0,
                 d0: float = 1e-8, seed=None, method: str | None = None, rtol: float = 1e-9, atol: float = 1e-9,
                 step: float | None = None, n_blocks: int = 10, max_norm: float = 1e12,
                 max_steps: int = 10**8) -> MaxLyapunovResult:
    """Largest Lyapunov exponent from two nearby trajectories (Benettin et al. 1976).

    A companion starts at ``x0 + d0 u`` (``u`` a random unit vector from ``seed``). Both
    are advanced with the same integrator steps; after every ``dt_renorm`` the separation
    ``d`` is measured, ``ln(d / d0)`` accumulated and the companion moved back to distance
    ``d0`` along the separation. ``λ_1 = Σ ln(d_i/d0) / (n_renorm dt_renorm)``. Needs only
    the vector field (no Jacobian): 2 trajectories instead of ``1 + k`` vectors.

    Parameters are those of :func:`lyapunov_spectrum` plus ``d0`` (Euclidean separation,
    state units, default 1e-8). ``d0 e^{λ_1 dt_renorm}`` must stay small compared with
    the attractor (linear regime) and ``d0 e^{λ dt_renorm}`` well above rounding
    (``~1e-16 |x|``); a :class:`ReliabilityWarning` is issued when the separation falls
    near rounding level (e.g. strongly stable systems; reduce ``dt_renorm``).

    Returns
    -------
    MaxLyapunovResult
    """
    import warnings

    system = _check_system(system)
    n = system.dimension
    d0 = check_positive_float(d0, "d0")
    plan = _Plan(system, t_total, n_steps, dt_renorm, transient, method, rtol, atol, step, max_norm, max_steps,
                 t0, n_blocks)
    x = _initial_state(system, x0)
    u = _rng(seed).standard_normal(n)
    u /= np.linalg.norm(u)
    mod = _compiled(system)
    if mod is not None:
        p = system.parameter_vector
        if system.kind == "flow":
            logs, st, tf, xl, xa, n_int, _ = mod.ly_pair_flow(
                x, u, plan.t0, p, d0, float(plan.dt), plan.n_tr, plan.n_ren, 0 if plan.method == "dop853" else 1,
                plan.n_sub, plan.rtol, plan.atol, plan.max_steps, plan.max_norm)
        else:
            logs, st, tf, xl, xa, n_int = mod.ly_pair_map(x, u, int(plan.t0), p, d0, int(plan.dt), plan.n_tr,
                                                          plan.n_ren, plan.max_norm)
        _raise(system, int(st), float(tf), xl, plan, "separation of the two trajectories")
        final = np.array(xa)
        backend = "compiled"
    else:
        logs, final, n_int = _pair_python(system, x, u, d0, plan)
        backend = "python"
    floor = 1e3 * np.finfo(float).eps * float(np.max(np.abs(final)))
    if np.min(logs) + math.log(d0) < math.log(floor):
        warnings.warn(f"{system.name}: the separation fell to {d0 * math.exp(np.min(logs)):.3g}, near the rounding "
                      f"level of the state; the estimate is unreliable. Reduce dt_renorm or increase d0.",
                      ReliabilityWarning, stacklevel=2)
    local = logs / plan.dt
    lam = float(logs.sum() / (plan.n_ren * plan.dt))
    history = np.cumsum(logs) / (plan.dt * np.arange(1, plan.n_ren + 1))
    settings = plan.settings()
    settings.update(x0=x.copy(), d0=d0, seed=seed if not isinstance(seed, np.random.Generator) else "Generator",
                    backend=backend, n_steps=int(n_int))
    return MaxLyapunovResult(lam, float(_block_stderr(local[:, None], plan.n_blocks)[0]), history, plan.times(),
                             local, system.name, system.kind, final, settings)


def _pair_python(system, x, u, d0, plan):
    """Two-trajectory method without compiled code.

    Maps: both trajectories iterated. Flows: the companion is carried as the scaled
    separation ``w = (xb - xa) / d0`` with ``dw/dt = (f(xa + d0 w) - f(xa)) / d0`` (the same
    two trajectories, rewritten so the integrator's error control sees the separation).
    """
    n = x.size
    logs = np.zeros(plan.n_ren)
    w = np.asarray(u, dtype=float).copy()
    t = plan.t0
    n_int = 0
    if not np.all(np.abs(x) <= plan.max_norm):
        _diverged(system, t, x, plan)

    def fun(tt, y):
        fa = np.asarray(system.rhs(y[:n], tt), dtype=float)
        fb = np.asarray(system.rhs(y[:n] + d0 * y[n:], tt), dtype=float)
        return np.concatenate([fa, (fb - fa) / d0])

    for r in range(plan.n_tr + plan.n_ren):
        if system.kind == "map":
            xb = x + d0 * w
            for _ in range(plan.dt):
                xn = np.asarray(system.step(x, t), dtype=float)
                xb = np.asarray(system.step(xb, t), dtype=float)
                t += 1.0
                n_int += 1
                if not np.all(np.abs(xn) <= plan.max_norm):
                    _diverged(system, t, x, plan)
                x = xn
            w = (xb - x) / d0
        else:
            t_target = plan.t0 + (r + 1) * plan.dt
            y, _, steps = _advance(system, fun, np.concatenate([x, w]), n, t, t_target, plan)
            x, w = y[:n].copy(), y[n:].copy()
            t = t_target
            n_int += steps
        g = float(np.linalg.norm(w))
        if not (g > 0 and math.isfinite(g)):
            _raise(system, _TANGENT_FAILED, t, x, plan, "separation of the two trajectories")
        if r >= plan.n_tr:
            logs[r - plan.n_tr] = math.log(g)
        w = w / g
    return logs, np.asarray(x, dtype=float).copy(), n_int
