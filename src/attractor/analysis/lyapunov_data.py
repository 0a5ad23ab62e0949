"""Lyapunov exponents estimated from an observed time series.

* :func:`max_lyapunov_from_data` — the largest exponent from the average divergence of
  initially close delay vectors (Rosenstein, Collins & De Luca 1993; Kantz 1994), with an
  automatic search for the linear part of the divergence curve.
* :func:`lyapunov_spectrum_from_data` — all exponents of the delay-vector dynamics from
  local linear fits of the tangent map and QR re-orthonormalisation (Eckmann & Ruelle 1985;
  Sano & Sawada 1985).

Exponents are natural-log rates **per time unit** (``dt`` is the sampling step; pass
``dt=1`` for maps to get exponents per iteration). Delays, Theiler windows and horizons are
in samples. See :mod:`attractor.analysis.embedding` for the embedding conventions.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.spatial import cKDTree

from ..core.errors import InsufficientDataError, ReliabilityWarning, ValidationError
from ..core.validation import as_series, check_nonnegative_int, check_positive_float, check_positive_int
from .embedding import (
    _as_2d,
    _cao_first_saturation,
    _neighbours,
    _reference_subset,
    delay_embed,
    estimate_delay,
    estimate_dimension,
    theiler_window,
)

__all__ = [
    "max_lyapunov_from_data",
    "lyapunov_spectrum_from_data",
    "MaxLyapunovFromDataResult",
    "LyapunovSpectrumFromDataResult",
]


_AUTO_DIM_SAMPLES = 100_000  # Cao's method runs on at most this many leading samples
_MAX_JUMP_RATIO = 10.0  # S(1) - S(0) above this many fitted slopes per sample: noise floor
_MIN_EFOLDS = 0.2  # the fitted line must rise by at least this much (ln units)
_MIN_PERIODS = 15  # the delay vectors must span this many Theiler windows (independent returns)
_ALT_REFERENCES = 2000  # references of the alternative-dimension curves (uncertainty only)


# --------------------------------------------------------------------------------------
# Automatic embedding
# --------------------------------------------------------------------------------------
def _auto_embedding(arr: np.ndarray, dimension, delay, theiler) -> tuple[int, int, int, str]:
    """Fill in delay, Theiler window and dimension where they are None (see docstring rules)."""
    source = []
    if delay is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ReliabilityWarning)
            d_ami = estimate_delay(arr, "ami").delay
        d_acf = theiler_window(arr, "autocorr_1e")
        delay = min(d_ami, d_acf)
        source.append("delay")
    delay = check_positive_int(delay, "delay")
    if theiler is None:
        theiler = theiler_window(arr, "mean_period")
        source.append("theiler")
    theiler = check_nonnegative_int(theiler, "theiler")
    if dimension is None:
        max_dim = 10
        n = min(arr.shape[0], _AUTO_DIM_SAMPLES)
        while max_dim > 1 and n < (max_dim + 1) * delay + 2 * theiler + 12 + 64:
            max_dim -= 1
        if max_dim < 2:
            raise InsufficientDataError(
                f"x has {n} samples: too short to estimate an embedding dimension with delay={delay} "
                f"and theiler={theiler} (at least {3 * delay + 2 * theiler + 76} are needed); pass "
                "dimension explicitly or provide more data.")
        head = arr[:_AUTO_DIM_SAMPLES]
        dimension = _cao_first_saturation(head, delay, theiler, max_dim, max_references=2000)
        if dimension is None:  # no saturation: the full estimator returns max_dim and says why
            dimension = estimate_dimension(head, delay, "cao", max_dimension=max_dim, theiler=theiler,
                                           max_references=2000).dimension
        source.append("dimension")
    dimension = check_positive_int(dimension, "dimension")
    how = ("estimated: " + ", ".join(source)) if source else "given"
    return int(dimension), int(delay), int(theiler), how


# --------------------------------------------------------------------------------------
# Linear-region search
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Fit:
    start: int
    end: int
    slope: float
    intercept: float
    r2: float
    stderr: float
    accepted: bool
    saturation: int


@dataclass(frozen=True)
class _Windows:
    """Every admissible (linear) fit window of one divergence curve."""

    start: np.ndarray
    end: np.ndarray
    slope: np.ndarray
    best: _Fit


def _window_stats(c, a, b):
    """Least-squares line through points a..b (inclusive) from prefix sums ``c``."""
    n = (b - a + 1).astype(float)
    st = c[1][b + 1] - c[1][a]
    stt = c[2][b + 1] - c[2][a]
    sy = c[3][b + 1] - c[3][a]
    sty = c[4][b + 1] - c[4][a]
    syy = c[5][b + 1] - c[5][a]
    sxx = stt - st * st / n
    sxy = sty - st * sy / n
    syy_c = syy - sy * sy / n
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = sxy / sxx
        r2 = np.where(syy_c > 0, sxy * sxy / (sxx * syy_c), 0.0)
        sse = np.maximum(syy_c - slope * sxy, 0.0)
        stderr = np.sqrt(sse / np.maximum(n - 2, 1) / sxx)
    intercept = (sy - slope * st) / n
    return slope, intercept, r2, stderr


def _saturation_index(y: np.ndarray, fraction: float, min_points: int) -> int:
    """First ``k`` where ``y`` has risen by ``fraction`` of its rise from its minimum to its plateau.

    The plateau is the median of the curve after its maximum's first approach (the last
    quarter of the points up to the end), which is robust to a noisy tail."""
    n = y.size
    top = int(np.argmax(y))
    lo = float(np.min(y[: top + 1]))
    plateau = float(np.median(y[max(top, (3 * n) // 4):])) if n > 4 else float(y[top])
    hi = min(float(y[top]), max(plateau, lo))
    if not hi > lo:
        return n - 1
    sat = int(np.flatnonzero(y[: top + 1] >= lo + fraction * (hi - lo))[0])
    return max(sat, min(n - 1, min_points - 1))


def _linear_windows(y: np.ndarray, min_points: int, r2_min: float, slope_tol: float,
                    min_end: int = 0, fraction: float = 0.7, grid: int = 160,
                    sat: int | None = None) -> _Windows:
    """All convincingly linear windows of the divergence curve before saturation, and the longest.

    Windows start at or after ``min_end`` (the first embedding window, where the delay window
    slides over independent values) and end before the saturation index ``sat`` (default:
    where the curve reaches ``fraction`` of its rise to the plateau)."""
    n = y.size
    k = np.arange(n, dtype=float)
    if sat is None:
        sat = _saturation_index(y, fraction, min_points)
    sat = int(min(sat, n - 1))
    c = [np.concatenate(([0.0], np.cumsum(v))) for v in (np.ones(n), k, k * k, y, k * y, y * y)]
    g = np.unique(np.round(np.linspace(0, sat, min(grid, sat + 1))).astype(np.int64))
    ia, ib = np.triu_indices(g.size, 1)
    a, b = g[ia], g[ib]
    q = [g[ia + ((ib - ia) * j) // 4] for j in (1, 2, 3)]
    bounds = [a, *q, b]
    min_len = max(min_points, int(np.ceil(0.1 * (sat + 1))))
    keep = (b - a + 1 >= min_len)
    for lft, rgt in zip(bounds[:-1], bounds[1:]):
        keep &= rgt - lft >= 1
    a, b = a[keep], b[keep]
    bounds = [v[keep] for v in bounds]
    empty = np.zeros(0, dtype=np.int64)
    if a.size:
        s, icpt, r2, se = _window_stats(c, a, b)
        ok = (s > 0) & (r2 >= r2_min) & (a >= min_end)
        for lft, rgt in zip(bounds[:-1], bounds[1:]):
            ok &= np.abs(_window_stats(c, lft, rgt)[0] - s) <= slope_tol * s
        if ok.any():
            cand = np.flatnonzero(ok)
            length = (b - a)[cand]
            best = cand[np.lexsort((-r2[cand], -length))[0]]
            fit = _Fit(int(a[best]), int(b[best]), float(s[best]), float(icpt[best]), float(r2[best]),
                       float(se[best]), True, sat)
            return _Windows(a[cand], b[cand], s[cand], fit)
        # fallback: the best-fitting positive-slope window of the minimum length
        short = np.flatnonzero((b - a + 1 <= 2 * min_len) & (s > 0))
        if short.size:
            best = short[np.argmax(r2[short])]
            fit = _Fit(int(a[best]), int(b[best]), float(s[best]), float(icpt[best]), float(r2[best]),
                       float(se[best]), False, sat)
            return _Windows(empty, empty, np.zeros(0), fit)
    a0 = np.array([0])
    b0 = np.array([min(n - 1, max(min_points - 1, 1))])
    s, icpt, r2, se = _window_stats(c, a0, b0)
    fit = _Fit(0, int(b0[0]), float(s[0]), float(icpt[0]), float(r2[0]), float(se[0]), False, sat)
    return _Windows(empty, empty, np.zeros(0), fit)


# --------------------------------------------------------------------------------------
# Largest exponent
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MaxLyapunovFromDataResult:
    """Largest Lyapunov exponent estimated from a divergence curve.

    Attributes
    ----------
    exponent : float
        Estimate in 1/time units (natural log): the slope of the fitted line.
    confidence_interval : tuple of float
        ``(low, high)`` interval at level ``confidence`` over block resamples of the data
        *and* over the admissible fit windows, neighbours and embedding dimensions (see
        :func:`max_lyapunov_from_data`, "Uncertainty"); calibrated by a coverage study.
    confidence : float
        Level of ``confidence_interval``.
    stderr : float
        Ordinary-least-squares standard error of the slope (1/time units); optimistic,
        since neighbouring points of the curve are correlated.
    slope_per_sample : float
        ``exponent * dt``.
    intercept : float
        Fitted line value at ``t = 0`` (natural-log distance units).
    r2 : float
        Coefficient of determination of the fit.
    fit_start, fit_end : float
        Fit region in time units (``k * dt``), inclusive.
    times : numpy.ndarray, shape (max_horizon + 1,)
        ``k * dt`` for ``k = 0 .. max_horizon``.
    divergence : numpy.ndarray, shape (max_horizon + 1,)
        Mean log divergence ``S(k)`` (see :func:`max_lyapunov_from_data`).
    n_pairs : numpy.ndarray of int, shape (max_horizon + 1,)
        References contributing to each ``S(k)``.
    reliable : bool
        True only if every entry of ``checks`` holds (otherwise a ``ReliabilityWarning`` was
        issued and ``diagnostic`` says why).
    diagnostic : str
        Human-readable account of the fit (and of what to inspect when unreliable).
    method : str
        ``"rosenstein"`` or ``"kantz"``.
    dimension, delay, theiler, max_horizon : int
        Embedding dimension, delay, Theiler window and horizon used (samples).
    embedding : str
        ``"given"`` or which settings were estimated.
    dt : float
        Sampling step.
    n_references : int
        Reference points with at least one neighbour.
    epsilon : float or None
        Kantz neighbourhood radius (``None`` for Rosenstein).
    n_neighbors : int
        Neighbours per reference (1 for Rosenstein; the cap for Kantz).
    checks : dict of str to bool
        The reliability checks and whether each passed.
    window_slopes : numpy.ndarray
        Slopes (1/time) of every admissible window of every curve behind the interval.
    dimensions_tried : tuple of int
        Embedding dimensions of those curves.
    """

    exponent: float
    confidence_interval: tuple[float, float]
    confidence: float
    stderr: float
    slope_per_sample: float
    intercept: float
    r2: float
    fit_start: float
    fit_end: float
    times: np.ndarray = field(repr=False)
    divergence: np.ndarray = field(repr=False)
    n_pairs: np.ndarray = field(repr=False)
    reliable: bool = True
    diagnostic: str = ""
    method: str = "rosenstein"
    dimension: int = 1
    delay: int = 1
    theiler: int = 0
    max_horizon: int = 0
    embedding: str = "given"
    dt: float = 1.0
    n_references: int = 0
    epsilon: float | None = None
    n_neighbors: int = 1
    checks: dict = field(default_factory=dict, compare=False)
    window_slopes: np.ndarray = field(default=None, repr=False, compare=False)
    dimensions_tried: tuple = ()


def _norm_ppf(p: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(p))


def _curve(sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Mean log divergence from per-block sums; interior gaps carry the previous value."""
    tot = counts.sum(axis=0)
    curve = sums.sum(axis=0) / np.maximum(tot, 1)
    for k in np.flatnonzero(tot == 0):
        curve[k] = curve[k - 1] if k > 0 else 0.0
    return curve


def _segment_slopes(curves: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Least-squares slope of row ``i`` of ``curves`` over ``a[i]..b[i]`` (inclusive)."""
    k = np.arange(curves.shape[1], dtype=float)
    cy = np.concatenate([np.zeros((curves.shape[0], 1)), np.cumsum(curves, axis=1)], axis=1)
    cky = np.concatenate([np.zeros((curves.shape[0], 1)), np.cumsum(curves * k, axis=1)], axis=1)
    rows = np.arange(curves.shape[0])
    n = (b - a + 1).astype(float)
    st = (a + b) * n / 2.0
    stt = (b * (b + 1) * (2 * b + 1) - (a - 1) * a * (2 * a - 1)) / 6.0
    sy = cy[rows, b + 1] - cy[rows, a]
    sty = cky[rows, b + 1] - cky[rows, a]
    with np.errstate(invalid="ignore", divide="ignore"):
        return (sty - st * sy / n) / (stt - st * st / n)


def _pairs(points, theiler, method, epsilon, n_neighbors, max_references, n_alt=1):
    """Reference points and their neighbours (one tree, one batched query).

    Rosenstein: ``n_alt`` nearest neighbours per reference (column 0 is the one used; the
    others give alternative divergence curves for the uncertainty)."""
    tree = cKDTree(points, balanced_tree=False)
    refs = _reference_subset(points.shape[0] - 1, max_references)
    if method == "rosenstein":
        idx, dist = _neighbours(tree, points, refs, n_alt, theiler)
        eps_used = None
    else:
        bound = np.inf if epsilon is None else epsilon
        idx, dist = _neighbours(tree, points, refs, n_neighbors, theiler, max_dist=bound)
        if epsilon is None:
            last = dist[:, -1]
            last = last[np.isfinite(last)]
            if last.size == 0:
                raise InsufficientDataError("no reference point has enough neighbours for the Kantz method; "
                                            "lower n_neighbors or provide more data.")
            eps_used = float(np.median(last))
            idx = np.where(dist > eps_used, -1, idx)
        else:
            eps_used = float(epsilon)
    has = idx[:, 0] >= 0
    refs, idx = refs[has], np.ascontiguousarray(idx[has])
    if refs.size < 2:
        raise InsufficientDataError(
            f"only {refs.size} reference point(s) found a neighbour outside the Theiler window "
            f"({theiler} samples); provide more data, a smaller theiler or (Kantz) a larger epsilon.")
    return refs.astype(np.int64), idx, eps_used


def max_lyapunov_from_data(
    x,
    dt: float,
    method: Literal["rosenstein", "kantz"] = "rosenstein",
    dimension: int | None = None,
    delay: int | None = None,
    theiler: int | None = None,
    max_horizon: int | None = None,
    *,
    epsilon: float | None = None,
    n_neighbors: int = 5,
    max_references: int | None = 20000,
    min_fit_points: int = 5,
    r2_min: float = 0.98,
    slope_tol: float = 0.05,
    confidence: float = 0.95,
    n_bootstrap: int = 500,
    seed: int | np.random.Generator | None = 0,
    saturation_fraction: float = 0.7,
    dimension_spread: int = 2,
    systematic: float = 0.03,
) -> MaxLyapunovFromDataResult:
    """Largest Lyapunov exponent of a series from the divergence of nearby delay vectors.

    **Divergence curve.** With delay vectors ``y_i`` (:func:`delay_embed`) and references
    ``i``, ``S(k)`` for ``k = 0 .. max_horizon`` is

    * ``"rosenstein"`` (Rosenstein, Collins & De Luca 1993, Physica D 65, 117):
      ``S(k) = < ln |y_{i+k} - y_{j(i)+k}| >_i`` with ``j(i)`` the nearest neighbour of
      ``y_i`` (Euclidean norm) outside the Theiler window;
    * ``"kantz"`` (Kantz 1994, Phys. Lett. A 185, 77):
      ``S(k) = < ln( <|y_{i+k} - y_{j+k}|>_{j in U_i} ) >_i`` with ``U_i`` the (at most
      ``n_neighbors``) nearest neighbours within distance ``epsilon`` outside the Theiler
      window. Default ``epsilon``: the median over references of the distance to their
      ``n_neighbors``-th neighbour.

    References are all delay vectors (or ``max_references`` of them, evenly spaced) and
    neighbours are searched among all vectors; ``S(k)`` averages over the pairs whose two
    trajectories both extend ``k`` samples (``n_pairs[k]`` of them, which falls off only
    within ``max_horizon`` of the end of the data). Neighbours at distance exactly 0
    (repeated states, e.g. ties in quantised data) are skipped, and so are individual terms
    whose distance is 0 at some ``k``. For chaotic data
    ``S(k)`` grows linearly with slope ``lambda_1 * dt`` until the separation saturates at
    the attractor size.

    **Linear region (automatic).** ``S`` is examined only up to its saturation point, the
    first ``k`` where it has risen by ``saturation_fraction`` (default 70 %) of its rise from
    ``min S`` to its plateau (the median of the last quarter of the curve, or its maximum if
    lower): a fit that runs into the bend towards the plateau is biased low. Windows on a
    grid of up to 160 boundaries are least-squares fitted; a window is *linear* (admissible)
    if it has at least ``max(min_fit_points, 10 % of the points before saturation)`` points,
    a positive slope ``s``, ``R^2 >= r2_min``, the slopes of its four quarters each within
    ``slope_tol * s`` of ``s``, and it starts after the first embedding window of
    ``(dimension - 1) * delay`` samples (growth there can be the shift of the delay window
    over independent values, as for noise). The **longest** admissible window gives the
    estimate (ties: higher ``R^2``). If there is none, the best-fitting short window is
    used, ``reliable`` is False and a :class:`ReliabilityWarning` asks you to inspect the
    curve (:func:`attractor.plotting.lyapunov_data.plot_divergence`) and the embedding.

    **Uncertainty.** The systematic error of the divergence method (the choice of fit
    window, embedding dimension and neighbour) dominates its sampling error, so the
    interval re-estimates the slope over all of them on the already computed neighbours:
    the curves of the first and (Rosenstein) second nearest neighbour in dimension ``m``
    and of the nearest neighbour in ``m + 1 .. m + dimension_spread`` (the alternatives
    with at most 2000 references each, same saturation cap), each with all its admissible windows. Each of
    ``n_bootstrap`` replicates resamples up to 50 time-contiguous blocks of the data (the
    same time blocks for every curve), picks one curve at random and one of its admissible
    windows with probability proportional to the squared window length, and refits the slope
    there. ``confidence_interval`` is the percentile interval of these slopes (widened to
    include the estimate), each side then combined in quadrature with ``z * systematic *
    |estimate|``. The coverage study ``benchmarks/bench_coverage.py`` (50 seeds of
    Lorenz, Henon and logistic at N = 1000, 3000, 10^4) finds the published exponents inside
    it in >= 92 % of the reliable runs.

    **Reliability.** ``reliable`` is True only if all of ``checks`` hold: an admissible
    window exists; the slope is positive; the interval is within +-50 % of the estimate; the
    fitted line rises by at least 0.2 e-folds; nearest neighbours recur across the series
    (median time separation of reference and neighbour >= 5 % of the series: a random walk
    or trend only finds neighbours nearby in time); no noise jump (``S(1) - S(0)`` at most
    10 fitted slopes per sample: measurement noise makes the distances jump in the first
    sample and biases the slope low); and the delay vectors span at least 15 Theiler windows
    (mean periods), so that neighbours come from enough independent returns. An estimate
    that fails is still returned, with its (wide) interval, a :class:`ReliabilityWarning`
    and the reasons in ``diagnostic``.

    **Defaults.** ``delay``: the smaller of the first AMI minimum and the first lag with
    autocorrelation below ``1/e`` (the AMI of a map decays into its estimation floor without
    a real minimum, while a map's autocorrelation decays within a step);
    ``theiler``: the mean period (:func:`~attractor.analysis.embedding.mean_period`,
    Rosenstein et al. 1993); ``dimension``: Cao's method with these
    (:func:`~attractor.analysis.embedding.estimate_dimension`, ``max_dimension=10``, 2000
    reference points) on the first 100 000 samples at most; ``max_horizon``: starts at
    ``max(16, 2 * theiler)`` samples and doubles until the last quarter of the curve rises by
    less than 10 % of its total rise, capped at a quarter of the number of delay vectors.

    Parameters
    ----------
    x : array_like, shape (n_times,) or (n_times, n_channels)
        Uniformly sampled series (multivariate channels are embedded together).
    dt : float > 0
        Sampling step in time units (1 for maps).
    method : {"rosenstein", "kantz"}
    dimension, delay : int, optional
        Embedding dimension and delay (samples).
    theiler : int >= 0, optional
        Theiler window (samples).
    max_horizon : int, optional
        Largest ``k`` of the divergence curve (samples).
    epsilon : float, optional
        Kantz neighbourhood radius (units of ``x``).
    n_neighbors : int
        Kantz: most neighbours per reference.
    max_references : int or None
        At most this many references (evenly spaced in time; neighbours are searched among
        all vectors). ``None`` uses all. Keeps the cost ``O(n log n)`` for very long series.
    min_fit_points, r2_min, slope_tol : see the linear-region rule.
    confidence : float in (0, 1)
        Level of the bootstrap interval.
    n_bootstrap : int
        Bootstrap resamples (over up to 50 time-contiguous blocks of references).
    seed : int or numpy.random.Generator
        Seed of the bootstrap.
    saturation_fraction : float in (0, 1)
        Fits end before the curve has risen by this fraction of its rise to the plateau.
    dimension_spread : int >= 0
        The interval also uses embedding dimensions ``dimension + 1 .. dimension +
        dimension_spread`` (when the data are long enough).
    systematic : float >= 0
        Relative systematic term (default 3 % of the estimate, as a standard deviation) added
        in quadrature to each side of the interval: the residual bias of the divergence
        method that the re-estimates do not show (calibrated by the coverage study).

    Returns
    -------
    MaxLyapunovFromDataResult

    Raises
    ------
    ValidationError
        Non-numeric, non-finite, constant or wrongly shaped data; bad settings.
    InsufficientDataError
        Series too short for the embedding, Theiler window and horizon (the message gives
        the minimum number of samples).

    Warns
    -----
    ReliabilityWarning
        No convincing linear region (e.g. noise, too short a series, wrong embedding).

    References
    ----------
    Rosenstein, Collins & De Luca (1993) Physica D 65, 117-134.
    Kantz (1994) Phys. Lett. A 185, 77-87.
    """
    if method not in ("rosenstein", "kantz"):
        raise ValidationError(f"method must be 'rosenstein' or 'kantz'; got {method!r}.")
    arr = _as_2d(as_series(x, "x", min_length=16))
    dt = check_positive_float(dt, "dt")
    n_neighbors = check_positive_int(n_neighbors, "n_neighbors")
    if epsilon is not None:
        epsilon = check_positive_float(epsilon, "epsilon")
    if max_references is not None:
        max_references = check_positive_int(max_references, "max_references", minimum=10)
    min_fit_points = check_positive_int(min_fit_points, "min_fit_points", minimum=3)
    n_bootstrap = check_positive_int(n_bootstrap, "n_bootstrap", minimum=10)
    confidence = check_positive_float(confidence, "confidence")
    if not confidence < 1:
        raise ValidationError(f"confidence must lie in (0, 1); got {confidence!r}.")
    r2_min = check_positive_float(r2_min, "r2_min")
    slope_tol = check_positive_float(slope_tol, "slope_tol")
    if r2_min > 1:
        raise ValidationError(f"r2_min must lie in (0, 1]; got {r2_min!r}.")
    saturation_fraction = check_positive_float(saturation_fraction, "saturation_fraction")
    if not saturation_fraction < 1:
        raise ValidationError(f"saturation_fraction must lie in (0, 1); got {saturation_fraction!r}.")
    dimension_spread = check_nonnegative_int(dimension_spread, "dimension_spread")
    systematic = check_positive_float(systematic, "systematic") if systematic else 0.0
    if dimension is not None:
        dimension = check_positive_int(dimension, "dimension")
    if delay is not None:
        delay = check_positive_int(delay, "delay")
    if theiler is not None:
        theiler = check_nonnegative_int(theiler, "theiler")
    if max_horizon is not None:
        max_horizon = check_positive_int(max_horizon, "max_horizon", minimum=min_fit_points)

    dimension, delay, theiler, how = _auto_embedding(arr, dimension, delay, theiler)
    n = arr.shape[0]
    n_vec = n - (dimension - 1) * delay
    horizon0 = max_horizon if max_horizon is not None else max(16, 2 * theiler)
    need = (dimension - 1) * delay + horizon0 + 2 * theiler + 12
    if n < need:
        raise InsufficientDataError(
            f"x has {n} samples; with dimension={dimension}, delay={delay}, theiler={theiler} and a "
            f"horizon of {horizon0} samples at least {need} samples are needed "
            "((dimension-1)*delay + horizon + 2*theiler + 12).")
    points = delay_embed(arr, dimension, delay)

    refs, nbrs, eps_used = _pairs(points, theiler, method, epsilon, n_neighbors, max_references,
                                  n_alt=2 if method == "rosenstein" else 1)
    n_refs = int(refs.size)
    nb = int(min(50, n_refs))
    edges = np.linspace(0, n_vec, nb + 1)  # resampling blocks: the same time spans for every curve
    starts = np.searchsorted(refs, edges, side="left").astype(np.int64)
    starts[-1] = n_refs
    from ._lyapunov_data_kernels import divergence_sums

    prim = np.ascontiguousarray(nbrs[:, :1]) if method == "rosenstein" else nbrs
    cap = max(horizon0, n_vec // 4) if max_horizon is None else max_horizon
    horizon = horizon0
    sums, counts = divergence_sums(points, refs, prim, starts, 0, horizon + 1)
    while max_horizon is None and horizon < cap:
        tot = counts.sum(axis=0)
        curve = np.where(tot > 0, sums.sum(axis=0) / np.maximum(tot, 1), np.nan)
        rise = np.nanmax(curve) - np.nanmin(curve)
        if not rise > 0 or curve[-1] - curve[(3 * horizon) // 4] < 0.1 * rise:
            break
        new_h = min(cap, 2 * horizon)
        s2, c2 = divergence_sums(points, refs, prim, starts, horizon + 1, new_h + 1)
        sums, counts = np.concatenate([sums, s2], axis=1), np.concatenate([counts, c2], axis=1)
        horizon = new_h

    tot = counts.sum(axis=0)
    valid = tot > 0
    last = int(np.flatnonzero(valid)[-1]) if valid.any() else 0
    sums, counts, tot = sums[:, : last + 1], counts[:, : last + 1], tot[: last + 1]
    curve = _curve(sums, counts)
    wins = _linear_windows(curve, min_fit_points, float(r2_min), float(slope_tol),
                           min_end=(dimension - 1) * delay, fraction=float(saturation_fraction))
    fit = wins.best

    # alternative estimates on the same data: other neighbours, other embedding dimensions
    variants = [(sums, counts, wins)]
    tried = [dimension]
    k_alt = int(min(curve.size, fit.saturation + 1))  # alternatives are fitted before the same saturation
    if method == "rosenstein" and nbrs.shape[1] > 1 and np.any(nbrs[:, 1] >= 0):
        sub = np.arange(0, n_refs, max(1, -(-n_refs // _ALT_REFERENCES)))  # evenly thinned references
        r_sub = refs[sub]
        st_sub = np.searchsorted(r_sub, edges, side="left").astype(np.int64)
        st_sub[-1] = r_sub.size
        s_v, c_v = divergence_sums(points, r_sub, np.ascontiguousarray(nbrs[sub, 1:2]), st_sub, 0, k_alt)
        variants.append((s_v, c_v, _linear_windows(_curve(s_v, c_v), min_fit_points, float(r2_min),
                                                   float(slope_tol), min_end=(dimension - 1) * delay,
                                                   sat=fit.saturation)))
    for extra in range(1, int(dimension_spread) + 1):
        d_alt = dimension + extra
        if n - (d_alt - 1) * delay < curve.size + 2 * theiler + 12:
            break
        pts_alt = delay_embed(arr, d_alt, delay)
        n_alt_vec = pts_alt.shape[0]
        try:
            r_alt, nb_alt, _ = _pairs(pts_alt, theiler, method, eps_used if epsilon is not None else None,
                                      n_neighbors, _ALT_REFERENCES if max_references is None
                                      else max(10, min(max_references, _ALT_REFERENCES)))
        except InsufficientDataError:
            break
        st_alt = np.searchsorted(r_alt, np.linspace(0, n_alt_vec, nb + 1), side="left").astype(np.int64)
        st_alt[-1] = r_alt.size
        s_v, c_v = divergence_sums(pts_alt, r_alt, np.ascontiguousarray(nb_alt), st_alt, 0, k_alt)
        variants.append((s_v, c_v, _linear_windows(_curve(s_v, c_v), min_fit_points, float(r2_min),
                                                   float(slope_tol), min_end=(d_alt - 1) * delay,
                                                   sat=fit.saturation)))
        tried.append(d_alt)

    # bootstrap over blocks x (curve, admissible window): sampling, window and embedding spread
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    usable = [v for v in variants if v[2].start.size] or [
        (sums, counts, _Windows(np.array([fit.start]), np.array([fit.end]), np.array([fit.slope]), fit))]
    w = rng.multinomial(nb, np.full(nb, 1.0 / nb), size=n_bootstrap).astype(float)
    pick = rng.integers(0, len(usable), size=n_bootstrap)
    boot = np.full(n_bootstrap, np.nan)
    all_slopes = []
    for vi, (s_v, c_v, wv) in enumerate(usable):
        rows = np.flatnonzero(pick == vi)
        all_slopes.append(wv.slope)
        if rows.size == 0:
            continue
        kmax = int(wv.end.max()) + 1
        with np.errstate(invalid="ignore", divide="ignore"):
            bc = (w[rows] @ s_v[:, :kmax]) / (w[rows] @ c_v[:, :kmax])
        length = (wv.end - wv.start + 1).astype(float)
        j = rng.choice(wv.start.size, size=rows.size, p=length ** 2 / np.sum(length ** 2))
        boot[rows] = _segment_slopes(bc, wv.start[j], wv.end[j])
    boot = boot[np.isfinite(boot)]
    alpha = (1 - float(confidence)) / 2
    if boot.size >= 10 and nb >= 2:
        lo_s, hi_s = np.quantile(boot, [alpha, 1 - alpha])
    else:
        lo_s = hi_s = fit.slope
    lo_s, hi_s = min(lo_s, fit.slope), max(hi_s, fit.slope)
    if systematic > 0:  # residual bias of the divergence method, added in quadrature on each side
        z = float(_norm_ppf(1 - alpha))
        extra = z * float(systematic) * abs(fit.slope)
        lo_s = fit.slope - float(np.hypot(fit.slope - lo_s, extra))
        hi_s = fit.slope + float(np.hypot(hi_s - fit.slope, extra))
    exponent = fit.slope / dt
    a, b = fit.start, fit.end

    # reliability checks
    sep = np.abs(nbrs[:, 0] - refs)
    sep = sep[nbrs[:, 0] >= 0]
    recurrence = float(np.median(sep) / n_vec) if sep.size else 0.0
    efolds = float(fit.slope * (b - a))
    half = 0.5 * (hi_s - lo_s)
    jump = float(curve[1] - curve[0]) if curve.size > 1 else 0.0
    jump_ratio = jump / fit.slope if fit.slope > 0 else np.inf
    checks = {
        "linear region": bool(fit.accepted),
        "positive exponent": bool(fit.slope > 0),
        "interval within ±50 %": bool(fit.slope > 0 and half <= 0.5 * fit.slope),
        "growth of at least 0.2 e-folds": bool(efolds >= _MIN_EFOLDS),
        "neighbours recur across the series": bool(recurrence >= 0.05),
        "no noise jump": bool(jump_ratio <= _MAX_JUMP_RATIO),
        "at least 15 Theiler windows of data": bool(n_vec >= _MIN_PERIODS * theiler),
    }
    reliable = all(checks.values())
    diag = (f"fit over k = {a}..{b} samples (t = {a * dt:.4g}..{b * dt:.4g}) of a curve saturating near "
            f"k = {fit.saturation}: slope {exponent:.4g}/time, R^2 = {fit.r2:.4f}; interval over "
            f"{sum(v[2].start.size for v in variants)} admissible windows of {len(variants)} curves "
            f"(dimensions {tried}) and block resamples.")
    if not fit.accepted:
        diag = ("no convincingly linear region (>= {p} points, R^2 >= {r}, quarter-window slopes within "
                "{tol:.0%}, ending after the embedding window of {w} samples) before saturation; the "
                "fallback fit over t = {t0:.4g}..{t1:.4g} is unreliable. Inspect the divergence curve "
                "(plot_divergence): a curve that jumps and stays flat means noise or too coarse sampling, "
                "a flat curve a periodic or quasi-periodic signal; otherwise try another dimension/delay, "
                "a larger theiler, a larger slope_tol, or more data."
                ).format(p=min_fit_points, r=r2_min, tol=slope_tol, w=(dimension - 1) * delay,
                         t0=a * dt, t1=b * dt)
        warnings.warn(f"max_lyapunov_from_data: {diag}", ReliabilityWarning, stacklevel=2)
    elif not reliable:
        failed = [k for k, v in checks.items() if not v]
        why = {
            "positive exponent": "the fitted slope is not positive",
            "interval within ±50 %": (f"the {confidence:.0%} interval [{lo_s / dt:.3g}, {hi_s / dt:.3g}] is "
                                      "wider than ±50 % of the estimate (too little or too noisy data)"),
            "growth of at least 0.2 e-folds": (f"the linear stretch grows by only {efolds:.2f} e-folds: "
                                              "slow diffusive separation (random walk, drift) or noise rather "
                                              "than exponential divergence"),
            "neighbours recur across the series": (
                f"nearest neighbours are close in time only (median separation {recurrence:.1%} of the "
                "series): the trajectory does not return to earlier states (non-stationary data such as a "
                "random walk or trend, or far too short a series)"),
            "at least 15 Theiler windows of data": (
                f"the {n_vec} delay vectors span only {n_vec / max(theiler, 1):.1f} Theiler windows (mean "
                "periods; at least 15 are needed for neighbours from enough independent returns)"),
            "no noise jump": (f"the distances jump by {jump:.2g} (ln units) in the first sample, "
                              f"{jump_ratio:.0f} times the fitted growth per sample: measurement noise "
                              "dominates small distances and biases the slope (low)"),
        }
        diag += " Unreliable: " + "; ".join(why[k] for k in failed) + "."
        warnings.warn(f"max_lyapunov_from_data: {diag}", ReliabilityWarning, stacklevel=2)
    return MaxLyapunovFromDataResult(
        exponent=float(exponent), confidence_interval=(float(lo_s / dt), float(hi_s / dt)),
        confidence=float(confidence), stderr=float(fit.stderr / dt), slope_per_sample=float(fit.slope),
        intercept=float(fit.intercept), r2=float(fit.r2), fit_start=float(a * dt), fit_end=float(b * dt),
        times=np.arange(curve.size) * dt, divergence=curve, n_pairs=tot.astype(np.int64),
        reliable=bool(reliable), diagnostic=diag, method=method, dimension=dimension, delay=delay,
        theiler=theiler, max_horizon=int(curve.size - 1), embedding=how, dt=dt, n_references=n_refs,
        epsilon=eps_used, n_neighbors=1 if method == "rosenstein" else n_neighbors,
        checks=checks, window_slopes=np.concatenate(all_slopes) / dt, dimensions_tried=tuple(tried))


# --------------------------------------------------------------------------------------
# Spectrum
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LyapunovSpectrumFromDataResult:
    """Lyapunov spectrum of the delay-vector dynamics estimated from data.

    Attributes
    ----------
    exponents : numpy.ndarray, shape (m,)
        Exponents in 1/time units, decreasing; ``m = dimension * n_channels``.
    running : numpy.ndarray, shape (n_steps, m)
        Running averages after each QR step (columns in QR order, not sorted) — flat tails
        indicate convergence.
    times : numpy.ndarray, shape (n_steps,)
        Time covered after each step (``q * step * dt``).
    dimension, delay, step, n_neighbors, theiler : int
        Settings used (samples).
    dt : float
        Sampling step.
    n_steps : int
        Number of fitted tangent maps in the product.
    embedding : str
        ``"given"`` or which settings were estimated.
    rcond : float or None
        Singular-value cut-off of the local fits (``None``: plain least squares).
    caveat : str
        Note on spurious exponents (always present; read it).
    """

    exponents: np.ndarray
    running: np.ndarray = field(repr=False)
    times: np.ndarray = field(repr=False)
    dimension: int = 1
    delay: int = 1
    step: int = 1
    n_neighbors: int = 1
    theiler: int = 0
    dt: float = 1.0
    n_steps: int = 0
    embedding: str = "given"
    rcond: float | None = None
    caveat: str = ""


_SPURIOUS_CAVEAT = (
    "Delay-vector dynamics in dimension m have m exponents, but only as many as the attractor's "
    "state-space dimension are real: when m exceeds it, the extra (spurious) exponents reflect the "
    "fit in directions the data do not explore and are usually large negative or scattered, and "
    "small or negative ones are the least reliable. Check which exponents stay put when the "
    "dimension, n_neighbors or step change, and compare with the largest exponent from "
    "max_lyapunov_from_data (Eckmann & Ruelle 1985; Sauer, Tempkin & Yorke 1998)."
)


def lyapunov_spectrum_from_data(
    x,
    dt: float,
    dimension: int | None = None,
    delay: int | None = None,
    theiler: int | None = None,
    *,
    n_neighbors: int | None = None,
    step: int | None = None,
    rcond: float | None = None,
) -> LyapunovSpectrumFromDataResult:
    """All Lyapunov exponents of the delay-vector dynamics from local linear fits.

    Along the orbit ``i_0 = 0, i_{q+1} = i_q + step`` the tangent map ``J_q`` of
    ``y_i -> y_{i+step}`` is fitted by least squares from the ``n_neighbors`` nearest
    neighbours ``y_j`` of ``y_{i_q}`` (Euclidean norm, outside the Theiler window, distance
    > 0): ``y_{j+step} - y_{i+step} ~= J_q (y_j - y_i)`` (Sano & Sawada 1985; Eckmann &
    Ruelle 1985). The product ``J_{Q-1} ... J_0`` is followed with QR re-orthonormalisation,
    ``J_q Q_q = Q_{q+1} R_q`` with ``diag(R_q) > 0``, and

    ``lambda_k = sum_q ln R_q[k, k] / (Q * step * dt)``  (sorted in decreasing order).

    Caveat
    ------
    With ``dimension`` larger than the attractor's state-space dimension, some of the
    exponents are spurious (see ``result.caveat``), and a spurious one can even exceed the
    true largest exponent: the Henon map's x embedded in ``m = 3`` gives about
    ``(0.80, 0.42, -1.63)``, of which only 0.42 and -1.63 are real. Use the dimension from
    :func:`~attractor.analysis.embedding.estimate_dimension` and cross-check ``exponents[0]``
    with :func:`max_lyapunov_from_data`. Negative exponents tend to be underestimated in
    magnitude when neighbourhoods are wide compared with the attractor's thickness (the
    Lorenz x series at 10^4 samples gives about -7 for -14.57).

    Parameters
    ----------
    x : array_like, shape (n_times,) or (n_times, n_channels)
    dt : float > 0
        Sampling step (1 for maps).
    dimension, delay, theiler : int, optional
        As in :func:`max_lyapunov_from_data` (same automatic choices).
    n_neighbors : int, optional
        Neighbours per local fit; default ``max(2 * m + 4, 10)`` with ``m`` the number of
        coordinates (at least ``m + 1`` are needed).
    step : int, optional
        Evolution time of each fitted map in samples; default ``delay``.
    rcond : float, optional
        Relative cut-off for small singular values of each neighbour cloud in the least-squares
        fit (``numpy.linalg.pinv``; default: machine precision, i.e. a plain fit). A value like
        ``1e-2`` stops unexplored directions of an over-embedded attractor from producing
        spurious *positive* exponents, but then the negative exponents are meaningless.

    Returns
    -------
    LyapunovSpectrumFromDataResult

    Raises
    ------
    InsufficientDataError
        Fewer than 10 fitting steps fit in the data (the message gives the minimum length).

    References
    ----------
    Eckmann & Ruelle (1985) Rev. Mod. Phys. 57, 617. Sano & Sawada (1985) Phys. Rev. Lett.
    55, 1082. Eckmann, Kamphorst, Ruelle & Ciliberto (1986) Phys. Rev. A 34, 4971.
    """
    arr = _as_2d(as_series(x, "x", min_length=16))
    dt = check_positive_float(dt, "dt")
    if dimension is not None:
        dimension = check_positive_int(dimension, "dimension")
    if delay is not None:
        delay = check_positive_int(delay, "delay")
    if theiler is not None:
        theiler = check_nonnegative_int(theiler, "theiler")
    dimension, delay, theiler, how = _auto_embedding(arr, dimension, delay, theiler)
    step = delay if step is None else check_positive_int(step, "step")
    m = dimension * arr.shape[1]
    n_neighbors = max(2 * m + 4, 10) if n_neighbors is None else check_positive_int(n_neighbors, "n_neighbors")
    if rcond is not None:
        rcond = check_positive_float(rcond, "rcond")
    if n_neighbors < m + 1:
        raise ValidationError(f"n_neighbors={n_neighbors} is too small: a local linear fit in {m} "
                              f"coordinates needs at least {m + 1} neighbours.")
    n = arr.shape[0]
    need = (dimension - 1) * delay + 11 * step + 2 * theiler + n_neighbors + 2
    if n < need:
        raise InsufficientDataError(
            f"x has {n} samples; lyapunov_spectrum_from_data with dimension={dimension}, delay={delay}, "
            f"step={step}, theiler={theiler} and n_neighbors={n_neighbors} needs at least {need} "
            "((dimension-1)*delay + 11*step + 2*theiler + n_neighbors + 2).")
    points = delay_embed(arr, dimension, delay)
    n_pool = points.shape[0] - step
    tree = cKDTree(points[:n_pool], balanced_tree=False)
    refs = np.arange(0, n_pool, step, dtype=np.int64)
    idx, _ = _neighbours(tree, points, refs, n_neighbors, theiler)
    ok = (idx >= 0).sum(axis=1) >= m + 1
    if ok.sum() < 10:
        raise InsufficientDataError("fewer than 10 reference points have enough neighbours for a local fit; "
                                    "provide more data or lower n_neighbors/theiler.")
    jac = np.empty((refs.size, m, m))
    for lo in range(0, refs.size, 4096):
        r = refs[lo: lo + 4096]
        nb = idx[lo: lo + 4096]
        valid = nb >= 0
        nbc = np.where(valid, nb, r[:, None])  # missing neighbours contribute zero rows
        dy = (points[nbc] - points[r][:, None, :]) * valid[..., None]
        dz = (points[nbc + step] - points[r + step][:, None, :]) * valid[..., None]
        pinv = np.linalg.pinv(dy) if rcond is None else np.linalg.pinv(dy, rcond=rcond)
        jac[lo: lo + 4096] = np.swapaxes(pinv @ dz, 1, 2)
    q_mat = np.eye(m)
    logs = np.zeros((refs.size, m))
    used = 0
    for qi in range(refs.size):
        if not ok[qi]:
            continue
        q_mat, r_mat = np.linalg.qr(jac[qi] @ q_mat)
        d = np.diag(r_mat)
        sign = np.where(d < 0, -1.0, 1.0)
        q_mat = q_mat * sign
        logs[used] = np.log(np.maximum(np.abs(d), np.finfo(float).tiny))
        used += 1
    logs = logs[:used]
    scale = step * dt
    running = np.cumsum(logs, axis=0) / (np.arange(1, used + 1)[:, None] * scale)
    exponents = np.sort(running[-1])[::-1]
    return LyapunovSpectrumFromDataResult(
        exponents=exponents, running=running, times=np.arange(1, used + 1) * scale, dimension=dimension,
        delay=delay, step=step, n_neighbors=n_neighbors, theiler=theiler, dt=dt, n_steps=used, embedding=how,
        rcond=rcond, caveat=_SPURIOUS_CAVEAT)
