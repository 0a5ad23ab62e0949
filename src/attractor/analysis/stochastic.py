"""Analyses of a stochastic model (an Itô SDE ``dx = f(x) dt + G(x) dW``) and of noisy data.

Model analyses read a system with a drift (``rhs``) and a noise (``diffusion``, the matrix ``G``,
or ``diffusion_matrix``, ``Σ = G Gᵀ``), e.g. :meth:`attractor.learn.LangevinRegression.to_system`,
or a pair of callables (drift ``f`` and ``g² = Σ``):

* :func:`stationary_density` — 1-D: the closed-form stationary solution of the Fokker–Planck
  equation with zero probability current (Risken 1989, eq. 5.13 with ``D⁽²⁾ = g²/2``),

      p(x) ∝ exp(∫ 2 f(y)/g²(y) dy) / g²(x);

  any dimension: a long seeded simulation histogrammed on a grid.
* :func:`potential_landscape` — ``U(x) = −∫ f`` for gradient systems (1-D always; 2-D by line
  integrals, with the relative curl of ``f`` reported: a non-gradient drift has no potential).
* :func:`mean_first_passage_time` — 1-D closed form (Gardiner 2009, §5.5.1; reflecting on the far
  side): ``T(x) = ∫_x^b 2 / (g²(y) p(y)) ∫_L^y p(z) dz dy`` for escape to the right.
* :func:`kramers_rate` — Kramers' escape rate ``k = √(U''(a) |U''(b)|) / (2π) e^{−ΔU/D}``
  (``D = g²/2`` at the barrier; Kramers 1940; Hänggi, Talkner & Borkovec 1990, eq. 4.7b).

Data analyses:

* :func:`transition_rates` — core-to-core transition counting (milestoning) between two states
  of a series: rate = transitions / time assigned to the state of origin; its mean first-passage
  interpretation matches :func:`mean_first_passage_time` from one core's edge to the other's.
* :func:`markov_test` — Chapman–Kolmogorov test ``T(2τ) = T(τ)²`` on transition matrices between
  equiprobable bins (Prinz et al. 2011), with multinomial standard errors.

References
----------
Risken, H. (1989). The Fokker–Planck Equation, 2nd ed. Springer.
Gardiner, C. (2009). Stochastic Methods, 4th ed. Springer.
Kramers, H. A. (1940). Physica 7, 284.
Hänggi, P., Talkner, P. & Borkovec, M. (1990). Rev. Mod. Phys. 62, 251.
Prinz, J.-H. et al. (2011). J. Chem. Phys. 134, 174105 (Chapman–Kolmogorov test).
Buchete, N.-V. & Hummer, G. (2008). J. Phys. Chem. B 112, 6057 (core-to-core transitions).
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from scipy import stats
from scipy.integrate import cumulative_trapezoid

from ..core.errors import InsufficientDataError, ReliabilityWarning, ValidationError
from ..core.validation import as_float_array, as_series, check_positive_float, check_positive_int

__all__ = ["stationary_density", "StationaryDensity", "potential_landscape", "PotentialLandscape",
           "mean_first_passage_time", "FirstPassageTime", "kramers_rate", "KramersRate",
           "transition_rates", "TransitionRates", "markov_test", "MarkovTest"]


# ---------------------------------------------------------------------------- model access
def _vector_eval(fun: Callable, X: np.ndarray) -> np.ndarray:
    """Evaluate ``fun`` on the rows of X (vectorised if it accepts (m, d), else row by row)."""
    try:
        out = np.asarray(fun(X), float)
        if out.shape[0] == X.shape[0]:
            return out
    except Exception:  # noqa: BLE001 - fall back to one state at a time
        pass
    return np.array([np.asarray(fun(row), float) for row in X])


def _model_1d(model, diffusion) -> tuple[Callable, Callable]:
    """Return vectorised 1-D callables f(x), g²(x) for a system or a (drift, diffusion) pair."""
    if diffusion is not None:
        if not (callable(model) and callable(diffusion)):
            raise ValidationError("pass a stochastic system, or a drift callable and a diffusion callable (g²).")
        f0, s0 = model, diffusion

        def f(x):
            return np.asarray(_vector_eval(f0, x), float).reshape(-1)

        def s(x):
            return np.asarray(_vector_eval(s0, x), float).reshape(-1)
        return f, s
    if not hasattr(model, "rhs") or not (hasattr(model, "diffusion_matrix") or hasattr(model, "diffusion")):
        raise ValidationError("model must be a stochastic system (with rhs and diffusion), or pass drift and "
                              "diffusion callables.")
    if getattr(model, "dimension", 1) != 1:
        raise ValidationError(f"this analysis is 1-D; the model has dimension {model.dimension}.")

    def f(x):
        return _vector_eval(model.rhs, x[:, None]).reshape(-1)

    def s(x):
        if hasattr(model, "diffusion_matrix"):
            return _vector_eval(model.diffusion_matrix, x[:, None]).reshape(-1)
        G = _vector_eval(model.diffusion, x[:, None]).reshape(x.size, -1)
        return np.sum(G * G, axis=1)
    return f, s


def _grid_1d(model, x_range, n_points) -> np.ndarray:
    if x_range is None:
        meta = getattr(model, "metadata", {}) or {}
        dr = meta.get("data_range") if hasattr(meta, "get") else None
        if dr is None:
            raise ValidationError("x_range=(low, high) is required (the model records no data range).")
        lo, hi = np.asarray(dr, float).reshape(-1)[:2]
    else:
        r = as_float_array(x_range, "x_range", ndim=1)
        if r.size != 2 or not r[1] > r[0]:
            raise ValidationError(f"x_range must be (low, high) with high > low; got {x_range!r}.")
        lo, hi = float(r[0]), float(r[1])
    n_points = check_positive_int(n_points, "n_points", minimum=16)
    return np.linspace(lo, hi, n_points)


# ---------------------------------------------------------------------------- stationary density
@dataclass(frozen=True)
class StationaryDensity:
    """Stationary density of an SDE on a grid.

    Attributes
    ----------
    x : ndarray, (m,) in 1-D or tuple of per-axis centres
    density : ndarray
        Normalised on the grid (integrates to 1 over ``x_range``).
    effective_potential : ndarray
        ``−ln p`` shifted to minimum 0 (inf where ``p = 0``).
    method : str
        ``"fokker-planck"`` (closed form, 1-D) or ``"simulation"``.
    reliable : bool
        False when the diffusion is not positive on the whole grid.
    """

    x: Any
    density: np.ndarray
    effective_potential: np.ndarray
    method: str
    reliable: bool = True


def _stationary_1d(f, s, grid):
    sv = s(grid)
    if np.any(sv <= 0):
        raise ValidationError("the diffusion g² is not positive on the whole grid; the stationary Fokker–Planck "
                              "solution does not exist there. Narrow x_range.")
    phi = cumulative_trapezoid(2.0 * f(grid) / sv, grid, initial=0.0)
    logp = phi - np.log(sv)
    logp -= logp.max()
    p = np.exp(logp)
    p /= np.trapezoid(p, grid)
    return p


def stationary_density(model, diffusion: Callable | None = None, *, x_range=None, n_points: int = 401,
                       n_samples: int = 200_000, dt: float | None = None, bins: int = 40,
                       seed=None) -> StationaryDensity:
    """Stationary density of ``dx = f dt + G dW``.

    Parameters
    ----------
    model : stochastic system or callable
        A system with ``rhs`` and ``diffusion``/``diffusion_matrix``, or the drift ``f`` (then
        ``diffusion`` is ``g²``).
    diffusion : callable, optional
    x_range : (low, high), optional
        1-D grid limits (default: the model's recorded data range).
    n_points : int
        1-D grid points.
    n_samples, dt, bins, seed :
        Simulation settings for dimension > 1 (``model.trajectory(n_samples, dt, seed=seed)``
        histogrammed on ``bins`` cells per axis).

    Returns
    -------
    StationaryDensity
    """
    dim = getattr(model, "dimension", 1) if diffusion is None else 1
    if dim == 1:
        f, s = _model_1d(model, diffusion)
        grid = _grid_1d(model, x_range, n_points)
        p = _stationary_1d(f, s, grid)
        with np.errstate(divide="ignore"):
            u = -np.log(p)
        return StationaryDensity(x=grid, density=p, effective_potential=u - u[np.isfinite(u)].min(),
                                 method="fokker-planck")
    if not hasattr(model, "trajectory"):
        raise ValidationError("a multi-dimensional stationary density needs a system that can simulate itself.")
    n_samples = check_positive_int(n_samples, "n_samples", minimum=100)
    bins = check_positive_int(bins, "bins", minimum=2)
    traj = model.trajectory(n_samples, dt=dt, seed=seed, transient=0.0)
    X = np.asarray(traj.x, float).reshape(-1, dim)
    H, edges = np.histogramdd(X, bins=bins, density=True)
    centres = tuple(0.5 * (e[1:] + e[:-1]) for e in edges)
    with np.errstate(divide="ignore"):
        u = -np.log(H)
    return StationaryDensity(x=centres, density=H, effective_potential=u - u[np.isfinite(u)].min(),
                             method="simulation")


# ---------------------------------------------------------------------------- potential
@dataclass(frozen=True)
class PotentialLandscape:
    """Potential ``U`` with ``f = −∇U`` on a grid.

    Attributes
    ----------
    x : ndarray (1-D grid) or tuple of two axes
    potential : ndarray
        Shifted to minimum 0.
    minima, maxima : ndarray
        1-D: grid locations of local minima (wells) and maxima (barriers) of ``U``.
    curl : float
        2-D: RMS of ``∂f₁/∂y − ∂f₂/∂x`` relative to the RMS Jacobian (0 for a gradient field);
        0 in 1-D.
    gradient : bool
        ``curl < 0.05`` (the potential describes the drift).
    """

    x: Any
    potential: np.ndarray
    minima: np.ndarray
    maxima: np.ndarray
    curl: float = 0.0
    gradient: bool = True


def potential_landscape(model, *, x_range=None, y_range=None, n_points: int = 401) -> PotentialLandscape:
    """Potential of the drift, ``U(x) = −∫ f``; 1-D, or 2-D with a curl check.

    Parameters
    ----------
    model : system with ``rhs``, or a drift callable
    x_range, y_range : (low, high)
        Grid limits (``y_range`` for 2-D models).
    n_points : int
        Points per axis (2-D: at most 201).
    """
    rhs = model.rhs if hasattr(model, "rhs") else model
    if not callable(rhs):
        raise ValidationError("model must have rhs or be a drift callable.")
    dim = getattr(model, "dimension", 1)
    if dim == 1:
        grid = _grid_1d(model, x_range, n_points)
        f = _vector_eval(rhs, grid[:, None]).reshape(-1)
        U = -cumulative_trapezoid(f, grid, initial=0.0)
        U -= U.min()
        inner = np.arange(1, grid.size - 1)
        mins = grid[inner[(U[inner] < U[inner - 1]) & (U[inner] <= U[inner + 1])]]
        maxs = grid[inner[(U[inner] > U[inner - 1]) & (U[inner] >= U[inner + 1])]]
        return PotentialLandscape(x=grid, potential=U, minima=mins, maxima=maxs)
    if dim != 2:
        raise ValidationError(f"potential_landscape supports 1-D and 2-D drifts; the model has dimension {dim}.")
    gx = _grid_1d(model, x_range, min(n_points, 201))
    if y_range is None:
        raise ValidationError("y_range is required for a 2-D potential.")
    gy = _grid_1d(None, y_range, min(n_points, 201))
    XX, YY = np.meshgrid(gx, gy, indexing="ij")
    F = _vector_eval(rhs, np.c_[XX.ravel(), YY.ravel()]).reshape(gx.size, gy.size, 2)
    # path: along x at y = gy[0], then along y
    ux = -cumulative_trapezoid(F[:, 0, 0], gx, initial=0.0)
    U = ux[:, None] - cumulative_trapezoid(F[:, :, 1], gy, axis=1, initial=0.0)
    U -= U.min()
    d1y = np.gradient(F[:, :, 0], gy, axis=1)
    d2x = np.gradient(F[:, :, 1], gx, axis=0)
    jac = np.sqrt(np.mean(np.gradient(F[:, :, 0], gx, axis=0) ** 2 + d1y ** 2 + d2x ** 2
                          + np.gradient(F[:, :, 1], gy, axis=1) ** 2))
    curl = float(np.sqrt(np.mean((d1y - d2x) ** 2)) / max(jac, 1e-300))
    if curl >= 0.05:
        warnings.warn(f"the drift is not a gradient field (relative curl {curl:.2g}); the potential is path-dependent "
                      "and does not describe the dynamics.", ReliabilityWarning, stacklevel=2)
    return PotentialLandscape(x=(gx, gy), potential=U, minima=np.zeros(0), maxima=np.zeros(0), curl=curl,
                              gradient=curl < 0.05)


# ---------------------------------------------------------------------------- first passage
@dataclass(frozen=True)
class FirstPassageTime:
    """Mean first-passage time of a 1-D SDE from ``start`` to ``target``.

    Attributes
    ----------
    time : float
        Mean first-passage time from ``start`` (time units).
    x : ndarray
        Grid from the reflecting end to ``target``.
    curve : ndarray
        ``T(x)``: the mean first-passage time from every grid point.
    start, target, reflecting : float
    """

    time: float
    x: np.ndarray
    curve: np.ndarray
    start: float
    target: float
    reflecting: float


def mean_first_passage_time(model, start: float, target: float, diffusion: Callable | None = None, *,
                            x_range=None, n_points: int = 2001) -> FirstPassageTime:
    """Mean time for a 1-D SDE started at ``start`` to first reach ``target`` (closed form).

    The boundary on the far side of ``start`` (the end of ``x_range`` away from ``target``)
    reflects; the formula (Gardiner 2009, eq. 5.5.20) is integrated by the trapezoidal rule
    on ``n_points`` points.
    """
    f, s = _model_1d(model, diffusion)
    grid = _grid_1d(model, x_range, n_points)
    start, target = float(start), float(target)
    lo, hi = grid[0], grid[-1]
    if not (lo <= start <= hi and lo <= target <= hi):
        raise ValidationError(f"start and target must lie in x_range [{lo:g}, {hi:g}].")
    if start == target:
        raise ValidationError("start and target coincide.")
    right = target > start
    if right:
        g = np.linspace(lo, target, n_points)
    else:
        g = np.linspace(target, hi, n_points)[::-1]
    p = _stationary_1d(f, s, np.sort(g))
    if not right:
        p = p[::-1]
    sv = s(g)
    # cumulative probability from the reflecting end, then T(x) = ∫_x^target 2 C(y) / (g² p)(y) dy
    C = np.abs(cumulative_trapezoid(p, g, initial=0.0))
    integrand = 2.0 * C / (sv * np.maximum(p, 1e-300))
    tail = np.abs(cumulative_trapezoid(integrand[::-1], g[::-1], initial=0.0))[::-1]
    order = np.argsort(g)
    T = float(np.interp(start, g[order], tail[order]))
    return FirstPassageTime(time=T, x=g[order], curve=tail[order], start=start, target=target,
                            reflecting=float(lo if right else hi))


@dataclass(frozen=True)
class KramersRate:
    """Kramers escape rate over the barrier between two wells of a 1-D potential.

    Attributes
    ----------
    rate : float
        ``√(U''(a)|U''(b)|)/(2π) exp(−ΔU/D)`` (per time unit), ``D = g²(b)/2``.
    well, barrier : float
        Locations of the well ``a`` and the barrier ``b``.
    barrier_height : float
        ``ΔU = U(b) − U(a)``.
    noise_ratio : float
        ``ΔU / D``; Kramers' formula needs it well above 1 (``reliable`` when > 3).
    reliable : bool
    """

    rate: float
    well: float
    barrier: float
    barrier_height: float
    noise_ratio: float
    reliable: bool


def kramers_rate(model, well: float, diffusion: Callable | None = None, *, x_range=None,
                 n_points: int = 2001) -> KramersRate:
    """Kramers' rate of escape from the well nearest ``well`` over its nearest barrier (1-D)."""
    f, s = _model_1d(model, diffusion)
    grid = _grid_1d(model, x_range, n_points)
    fv = f(grid)
    U = -cumulative_trapezoid(fv, grid, initial=0.0)
    sgn = np.sign(fv)
    crossings = np.flatnonzero(sgn[:-1] != sgn[1:])
    if crossings.size < 2:
        raise ValidationError("the drift has fewer than two zeros in x_range: no well and barrier to escape over.")
    zeros = np.array([grid[i] - fv[i] * (grid[i + 1] - grid[i]) / (fv[i + 1] - fv[i]) for i in crossings])
    slopes = np.array([(fv[i + 1] - fv[i]) / (grid[i + 1] - grid[i]) for i in crossings])
    stable = zeros[slopes < 0]
    unstable = zeros[slopes > 0]
    if stable.size == 0 or unstable.size == 0:
        raise ValidationError("no stable-unstable pair of fixed points in x_range.")
    a = float(stable[np.argmin(np.abs(stable - well))])
    b = float(unstable[np.argmin(np.abs(unstable - a))])
    Ua, Ub = np.interp([a, b], grid, U)
    ka = -float(np.interp(a, grid, np.gradient(fv, grid)))
    kb = float(np.interp(b, grid, np.gradient(fv, grid)))
    D = 0.5 * float(s(np.array([b]))[0])
    if D <= 0:
        raise ValidationError("the diffusion vanishes at the barrier.")
    dU = float(Ub - Ua)
    rate = math.sqrt(ka * kb) / (2 * math.pi) * math.exp(-dU / D)
    return KramersRate(rate=rate, well=a, barrier=b, barrier_height=dU, noise_ratio=dU / D, reliable=dU / D > 3)


# ---------------------------------------------------------------------------- rates from data
@dataclass(frozen=True)
class TransitionRates:
    """Core-to-core transition rates of a series between a low and a high state.

    Attributes
    ----------
    rate_up, rate_down : float
        Transitions low→high (high→low) per unit time spent assigned to the low (high) state.
    stderr_up, stderr_down : float
        ``rate / √count`` (Poisson).
    n_up, n_down : int
    time_low, time_high : float
    cores : (float, float)
    """

    rate_up: float
    rate_down: float
    stderr_up: float
    stderr_down: float
    n_up: int
    n_down: int
    time_low: float
    time_high: float
    cores: tuple


def transition_rates(x, dt: float, low: float, high: float) -> TransitionRates:
    """Count transitions between the core ``x <= low`` and the core ``x >= high`` (milestoning).

    Each sample is assigned to the last core visited; a transition is a change of that
    assignment. Samples before the first core visit are ignored. The mean dwell time in the
    low state equals the mean first-passage time from ``low`` to ``high`` (for a diffusion).
    """
    arr = as_series(x, "x", min_length=10, multivariate=False)
    dt = check_positive_float(dt, "dt")
    low, high = float(low), float(high)
    if not low < high:
        raise ValidationError(f"low ({low}) must be below high ({high}).")
    state = np.where(arr <= low, 0, np.where(arr >= high, 1, -1))
    idx = np.flatnonzero(state >= 0)
    if idx.size == 0:
        raise InsufficientDataError("the series never enters either core.")
    # forward fill the last core visited
    last = np.full(arr.size, -1)
    last[idx] = state[idx]
    pos = np.maximum.accumulate(np.where(last >= 0, np.arange(arr.size), -1))
    assigned = np.where(pos >= 0, last[np.maximum(pos, 0)], -1)
    valid = assigned >= 0
    a = assigned[valid]
    change = np.diff(a)
    n_up = int(np.sum(change == 1))
    n_down = int(np.sum(change == -1))
    t_low = float(np.sum(a == 0) * dt)
    t_high = float(np.sum(a == 1) * dt)
    ru = n_up / t_low if t_low > 0 else float("nan")
    rd = n_down / t_high if t_high > 0 else float("nan")
    if min(n_up, n_down) < 10:
        warnings.warn(f"only {min(n_up, n_down)} transitions in one direction: the rates are rough.",
                      ReliabilityWarning, stacklevel=2)
    return TransitionRates(rate_up=ru, rate_down=rd, stderr_up=ru / math.sqrt(max(n_up, 1)),
                           stderr_down=rd / math.sqrt(max(n_down, 1)), n_up=n_up, n_down=n_down,
                           time_low=t_low, time_high=t_high, cores=(low, high))


# ---------------------------------------------------------------------------- Markov test
@dataclass(frozen=True)
class MarkovTest:
    """Chapman–Kolmogorov test of the Markov property on the conditional mean.

    Attributes
    ----------
    markov : bool
        ``p_value >= alpha``.
    p_value : float
        Chi-square probability of ``statistic`` with ``dof`` degrees of freedom.
    statistic : float
        ``Σ z_b²`` over the bins of the starting state.
    dof : int
    max_z : float
        Largest ``|z_b|``.
    lag : int
        ``τ`` in samples.
    x : ndarray
        Mean starting state per bin.
    predicted, observed : ndarray
        Per bin: ``E[m_τ(x_{t+τ}) | x_t]`` (Chapman–Kolmogorov prediction) and ``E[x_{t+2τ} | x_t]``.
    stderr : ndarray
        Standard error of their difference per bin.
    alpha : float
    """

    markov: bool
    p_value: float
    statistic: float
    dof: int
    max_z: float
    lag: int
    x: np.ndarray
    predicted: np.ndarray
    observed: np.ndarray
    stderr: np.ndarray
    alpha: float


def _quantile_codes(v: np.ndarray, bins: int) -> tuple[np.ndarray, int]:
    e = np.unique(np.quantile(v, np.linspace(0, 1, bins + 1)))
    if e.size < 3:
        raise ValidationError(f"the series takes too few distinct values for {bins} bins.")
    return np.clip(np.searchsorted(e, v, side="right") - 1, 0, e.size - 2), e.size - 1


def markov_test(x, lag: int | None = None, bins: int = 10, alpha: float = 0.01,
                fine_bins: int = 60) -> MarkovTest:
    """Chapman–Kolmogorov test of a scalar series on its conditional mean.

    For a Markov process ``E[x_{t+2τ} | x_t] = E[m_τ(x_{t+τ}) | x_t]`` with
    ``m_τ(y) = E[x_{t+τ} | x_t = y]`` (the Chapman–Kolmogorov equation integrated against
    the state). ``m_τ`` is estimated by binning (``fine_bins`` equiprobable bins, linear
    interpolation between the bins' mean points), and the residuals
    ``e_t = x_{t+2τ} − m_τ(x_{t+τ})`` are averaged in ``bins`` equiprobable bins of ``x_t``:
    under the Markov hypothesis every bin mean is zero. ``z_b`` is the mean over its standard
    error (the variance inflated by the integrated autocorrelation of ``e`` up to lag ``2τ``:
    overlapping windows), and ``Σ z_b²`` is compared with a chi-square law. A hidden variable
    (e.g. the position of a noisy oscillator, whose velocity carries memory) makes the
    conditional mean depend on more than the present state and fails the test.

    Parameters
    ----------
    x : array_like, shape (n,)
    lag : int, optional
        ``τ`` in samples; default 1.
    bins : int
        Bins of the starting state (degrees of freedom).
    alpha : float
        Level of the test.
    fine_bins : int
        Bins of the estimate of ``m_τ``.

    Returns
    -------
    MarkovTest
    """
    arr = as_series(x, "x", min_length=50, multivariate=False)
    n = arr.size
    bins = check_positive_int(bins, "bins", minimum=2)
    fine_bins = check_positive_int(fine_bins, "fine_bins", minimum=4)
    alpha = float(alpha)
    if not 0 < alpha < 1:
        raise ValidationError(f"alpha must be in (0, 1); got {alpha}.")
    lag = 1 if lag is None else check_positive_int(lag, "lag")
    if 2 * lag >= n // 10:
        raise InsufficientDataError(f"lag {lag} is too long for {n} samples (need 2·lag < n/10).")
    x0, x1 = arr[:-lag], arr[lag:]
    fc, fm = _quantile_codes(x0, fine_bins)
    cnt = np.bincount(fc, minlength=fm)
    ok = cnt > 0
    xm = np.bincount(fc, weights=x0, minlength=fm)[ok] / cnt[ok]
    ym = np.bincount(fc, weights=x1, minlength=fm)[ok] / cnt[ok]
    order = np.argsort(xm)
    xm, ym = xm[order], ym[order]
    start, mid, end = arr[:-2 * lag], arr[lag:-lag], arr[2 * lag:]
    pred_each = np.interp(mid, xm, ym)
    if xm.size >= 2:  # linear extrapolation beyond the outermost bin means (np.interp would clamp)
        lo_s = (ym[1] - ym[0]) / max(xm[1] - xm[0], 1e-300)
        hi_s = (ym[-1] - ym[-2]) / max(xm[-1] - xm[-2], 1e-300)
        pred_each = np.where(mid < xm[0], ym[0] + lo_s * (mid - xm[0]), pred_each)
        pred_each = np.where(mid > xm[-1], ym[-1] + hi_s * (mid - xm[-1]), pred_each)
    e = end - pred_each
    ec = e - e.mean()
    var = float(ec @ ec) / ec.size
    if var <= 0:
        raise ValidationError("the series is deterministic at this lag (zero residual variance).")
    acf = [float(ec[:-j] @ ec[j:]) / (ec.size * var) for j in range(1, min(2 * lag, ec.size // 4) + 1)]
    inflation = max(1.0, 1.0 + 2.0 * sum(acf))
    codes, m = _quantile_codes(start, bins)
    nb = np.bincount(codes, minlength=m).astype(float)
    good = nb > 1
    mean_e = np.bincount(codes, weights=e, minlength=m)[good] / nb[good]
    sq = np.bincount(codes, weights=e * e, minlength=m)[good] / nb[good]
    se = np.sqrt(np.maximum(sq - mean_e ** 2, 0.0) * inflation / nb[good])
    se = np.where(se > 0, se, np.inf)
    z = mean_e / se
    stat = float(np.sum(z ** 2))
    dof = int(good.sum())
    p = float(stats.chi2.sf(stat, dof))
    xb = np.bincount(codes, weights=start, minlength=m)[good] / nb[good]
    obs = np.bincount(codes, weights=end, minlength=m)[good] / nb[good]
    pred = np.bincount(codes, weights=pred_each, minlength=m)[good] / nb[good]
    return MarkovTest(markov=p >= alpha, p_value=p, statistic=stat, dof=dof, max_z=float(np.max(np.abs(z))),
                      lag=lag, x=xb, predicted=pred, observed=obs, stderr=se, alpha=alpha)
