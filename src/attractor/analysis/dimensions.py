"""Fractal dimensions of an attractor estimated from observed data.

* :func:`correlation_sum` — the Grassberger–Procaccia correlation sum C(r).
* :func:`correlation_dimension` — D2 from the slope of log C(r) vs log r over an
  automatically selected scaling region.
* :func:`takens_estimator` — Takens' maximum-likelihood D2 below a cut-off radius.
* :func:`box_counting_dimension` — the capacity (box-counting) dimension D0.
* :func:`information_dimension` — D1 from the entropy of box occupation probabilities.

Conventions
-----------
Points
    ``x`` is a series, rows are time: shape (n_times,) or (n_times, n_channels). With
    ``dimension`` given, each channel is delay-embedded with
    :func:`~attractor.analysis.embedding.delay_embed` (row i = (x[i], x[i+delay], ...)),
    giving ``n_times - (dimension - 1) * delay`` points. With ``dimension=None`` a
    multivariate series is used as it is (each row is a point, e.g. a simulated state);
    a scalar series then raises, because a dimension estimated from the values of one
    coordinate alone is bounded by 1 and would be silently wrong for any attractor.
    Pass ``dimension=1`` if you really mean points on a line.
Distances
    ``metric="chebyshev"`` (default; maximum norm, as in TISEAN) or ``"euclidean"``.
    Dimensions do not depend on the norm; the radii do.
Theiler window
    Pairs of points whose time indices differ by ``|i - j| <= theiler`` are left out of
    pair counts (Theiler 1986), since points close in time are close in space because of
    the continuity of the flow, not because of the geometry of the attractor.
    ``theiler=0`` only removes each point's pair with itself.
Logarithms
    Natural logarithms throughout; dimensions are slopes, so the base does not matter.

References
----------
P. Grassberger & I. Procaccia, "Measuring the strangeness of strange attractors",
Physica D 9, 189-208 (1983); "Characterization of strange attractors", Phys. Rev. Lett.
50, 346-349 (1983).
F. Takens, "On the numerical determination of the dimension of an attractor", in Lecture
Notes in Mathematics 1125, 99-106 (1985).
J. Theiler, "Spurious dimension from correlation algorithms applied to limited time-series
data", Phys. Rev. A 34, 2427-2432 (1986).
D. A. Russell, J. D. Hanson & E. Ott, "Dimension of strange attractors", Phys. Rev. Lett.
45, 1175-1178 (1980).
H. Kantz & T. Schreiber, Nonlinear Time Series Analysis, 2nd ed., Cambridge (2004),
ch. 6 and 11.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..core.errors import InsufficientDataError, ReliabilityWarning, ValidationError
from ..core.validation import (
    as_float_array,
    as_series,
    check_nonnegative_int,
    check_positive_float,
    check_positive_int,
)
from . import _dimension_kernels as _k
from .embedding import delay_embed

__all__ = [
    "correlation_sum",
    "correlation_dimension",
    "takens_estimator",
    "box_counting_dimension",
    "information_dimension",
    "CorrelationDimensionResult",
    "TakensResult",
    "BoxDimensionResult",
]

Metric = Literal["chebyshev", "euclidean"]

_LEAFSIZE = 16
_DEFAULT_MAX_POINTS = 20_000
_BRUTE_MAX_POINTS = 30_000  # exact counts by brute force up to here (see _brute_shift)
_PILOT_REFERENCES = 1000
_NEIGHBOURS_PER_REFERENCE = 500
_MIN_TARGETS = 5000


# --------------------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------------------
def _points(x: Any, dimension: int | None, delay: int | None, *, min_points: int = 2) -> np.ndarray:
    """Validated point cloud (n_points, n_coords) and the embedding settings used."""
    arr = as_series(x, "x", min_length=2, allow_constant=True)
    if not np.any(np.ptp(arr, axis=0) > 0):
        raise ValidationError("x is constant; a constant signal has no dynamics to analyse.")
    delay = 1 if delay is None else check_positive_int(delay, "delay")
    if dimension is None:
        if arr.ndim == 1:
            raise ValidationError(
                "x is a scalar series and dimension=None: pass dimension= (and delay=) to "
                "delay-embed it, or dimension=1 to treat its values as points on a line.")
        pts = np.ascontiguousarray(arr)
    else:
        dimension = check_positive_int(dimension, "dimension")
        span = (dimension - 1) * delay
        if arr.shape[0] < span + min_points:
            raise InsufficientDataError(
                f"x has {arr.shape[0]} samples; embedding with dimension={dimension} and "
                f"delay={delay} needs at least {span + min_points} samples here "
                f"({span} for the embedding window plus {min_points} points).")
        pts = delay_embed(arr, dimension, delay)
    if pts.shape[0] < min_points:
        raise InsufficientDataError(
            f"x gives {pts.shape[0]} points; at least {min_points} are needed.")
    return pts


def _metric_code(metric: str) -> int:
    if metric == "chebyshev":
        return _k.CHEBYSHEV
    if metric == "euclidean":
        return _k.EUCLIDEAN
    raise ValidationError(f"metric must be 'chebyshev' or 'euclidean'; got {metric!r}.")


def _rng(seed):
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _default_theiler(x: Any, theiler: int | None) -> int:
    if theiler is not None:
        return check_nonnegative_int(theiler, "theiler")
    from .embedding import theiler_window

    arr = as_series(x, "x", min_length=4, allow_constant=True)
    keep = np.ptp(arr, axis=0) > 0
    if arr.ndim == 2:
        arr = arr[:, np.atleast_1d(keep)]
    return int(theiler_window(arr, "mean_period"))


def _readonly(*arrays: np.ndarray) -> None:
    for a in arrays:
        a.flags.writeable = False


# --------------------------------------------------------------------------------------
# Correlation sum
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _PairCounts:
    counts: np.ndarray        # pairs (outside the Theiler window) with d <= r, per radius
    totals: np.ndarray        # eligible pairs behind each C(r) (its denominator)
    targets: np.ndarray       # number of target points paired with the references, per radius
    n_zero: int               # pairs at distance exactly 0 ...
    zero_total: int           # ... out of this many eligible pairs
    n_points: int
    n_reference: int
    exact: bool


def _brute_shift(n: int, thr: np.ndarray) -> int | None:
    """The key shift for the brute-force kernel, or None to use the tree: brute force up
    to _BRUTE_MAX_POINTS points (O(N^2) work, but several times faster than the tree there
    when the radii reach the diameter) when the thresholds fit a moderate lookup table
    (see :func:`_k.brute_key_shift`)."""
    if n > _BRUTE_MAX_POINTS:
        return None
    return _k.brute_key_shift(thr)


def _pair_counts(pts: np.ndarray, radii: np.ndarray, theiler: int, metric: str,
                 max_points: int | None, seed) -> _PairCounts:
    """Ordered pair counts for sorted, distinct, positive ``radii`` (see correlation_sum)."""
    code = _metric_code(metric)
    n = pts.shape[0]
    if n < theiler + 2:
        raise InsufficientDataError(
            f"{n} points leave no pair outside the Theiler window theiler={theiler}; at least "
            f"{theiler + 2} points are needed (many more for a usable estimate).")
    rv = np.concatenate(([0.0], radii))          # bin 0: pairs at distance exactly 0
    if max_points is not None:
        max_points = check_positive_int(max_points, "max_points", minimum=2)
    thr = _k.brute_thresholds(rv, code)
    shift = _brute_shift(n, thr)
    if (max_points is None or n <= max_points) and shift is not None:
        # every pair outside the Theiler window, counted directly (same counts as the tree)
        hist = _k.pair_count_brute(np.ascontiguousarray(pts, dtype=np.float64), theiler, thr,
                                   code, shift)
        cum = np.cumsum(hist)[:-1]
        i = np.arange(n, dtype=np.int64)
        excluded = int(np.sum(np.minimum(n - 1, i + theiler) - np.maximum(0, i - theiler) + 1))
        totals = np.full(rv.size, n * n - excluded, dtype=np.int64)
        targets = np.full(rv.size, n, dtype=np.int64)
        n_ref = n
    elif max_points is None or n <= max_points:
        tree = _k.build_tree(pts, _LEAFSIZE)
        hist = _k.pair_count_histogram(tree, tree, rv, code, True)
        everyone = np.arange(n, dtype=np.int64)
        w_hist, excluded = _k.theiler_histogram(pts, everyone, theiler, rv, code,
                                                np.zeros(n, np.int64), 1)
        cum = np.cumsum(hist - w_hist)[:-1]
        total = n * n - int(excluded)
        totals = np.full(rv.size, total, dtype=np.int64)
        targets = np.full(rv.size, n, dtype=np.int64)
        n_ref = n
    else:
        rng = _rng(seed)
        n_ref = max_points
        ref = np.sort(rng.choice(n, size=n_ref, replace=False)).astype(np.int64)
        order = rng.permutation(n).astype(np.int64)
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n, dtype=np.int64)
        sizes = [n]
        while sizes[-1] // 2 >= _MIN_TARGETS:
            sizes.append(sizes[-1] // 2)
        ref_tree = _k.build_tree(np.ascontiguousarray(pts[ref]), _LEAFSIZE)
        # pilot: C(r) from a few reference points against the smallest target subset
        n_pilot = min(n_ref, _PILOT_REFERENCES)
        pilot_tree = _k.build_tree(np.ascontiguousarray(pts[ref[:n_pilot]]), _LEAFSIZE)
        small_tree = _k.build_tree(np.ascontiguousarray(pts[np.sort(order[:sizes[-1]])]),
                                   _LEAFSIZE)
        h = _k.pair_count_histogram(pilot_tree, small_tree, rv, code, False)
        c_pilot = np.cumsum(h)[:-1] / (n_pilot * sizes[-1])
        with np.errstate(divide="ignore"):
            need = np.where(c_pilot > 0, _NEIGHBOURS_PER_REFERENCE / c_pilot, np.inf)
        level = np.array([max([lv for lv, sz in enumerate(sizes) if sz >= nd] or [0])
                          for nd in need])
        level = np.maximum.accumulate(level)  # C grows with r: subsets only shrink
        cum = np.empty(rv.size, dtype=np.int64)
        totals = np.empty(rv.size, dtype=np.int64)
        targets = np.empty(rv.size, dtype=np.int64)
        for lv in np.unique(level):
            grp = np.flatnonzero(level == lv)
            m = sizes[lv]
            tgt = np.sort(order[:m]) if m < n else None
            tree = _k.build_tree(pts if tgt is None else np.ascontiguousarray(pts[tgt]), _LEAFSIZE)
            hist = _k.pair_count_histogram(ref_tree, tree, rv[grp], code, False)
            w_hist, excluded = _k.theiler_histogram(pts, ref, theiler, rv[grp], code, rank, m)
            cum[grp] = np.cumsum(hist - w_hist)[:-1]
            totals[grp] = n_ref * m - int(excluded)
            targets[grp] = m
    if np.any(totals <= 0):
        raise InsufficientDataError(
            f"no pair of points lies outside the Theiler window theiler={theiler}; give more "
            "data or a smaller window.")
    return _PairCounts(counts=cum[1:], totals=totals[1:], targets=targets[1:], n_zero=int(cum[0]),
                       zero_total=int(totals[0]), n_points=n, n_reference=int(n_ref),
                       exact=bool(n_ref == n))


def _check_radii(radii: Any, name: str = "radii") -> np.ndarray:
    r = as_float_array(radii, name, ndim=(0, 1))
    r = np.atleast_1d(r)
    if r.size == 0:
        raise ValidationError(f"{name} is empty; give at least one radius.")
    if np.any(r <= 0):
        raise ValidationError(f"{name} must be > 0; got a minimum of {r.min():.6g}.")
    return r


def correlation_sum(
    x: Any,
    radii: Any,
    dimension: int | None = None,
    delay: int = 1,
    theiler: int = 0,
    *,
    metric: Metric = "chebyshev",
    max_points: int | None = _DEFAULT_MAX_POINTS,
    seed: int | np.random.Generator | None = 0,
) -> np.ndarray:
    """Correlation sum C(r) of a point cloud (Grassberger & Procaccia 1983).

    .. math::

        C(r) = \\frac{\\#\\{(i, j) : i \\in R,\\ j \\in T_r,\\ |i - j| > w,\\
                      \\lVert x_i - x_j \\rVert \\le r\\}}
                    {\\#\\{(i, j) : i \\in R,\\ j \\in T_r,\\ |i - j| > w\\}}

    over ordered pairs, with ``w`` the Theiler window. Up to ``max_points`` points, ``R``
    and ``T_r`` are all the points and C(r) is exact: the usual
    ``2 / (N_pairs) * sum_{i<j, |i-j|>w} Θ(r - |x_i - x_j|)``.

    Longer series are *estimated* (so that the cost stays near O(N log N)): ``R`` is a
    random subset of ``max_points`` reference points, and for each radius ``T_r`` is a
    random subset of the points — one of the nested subsets of N, N/2, N/4, ... points
    (never fewer than 5000) — the smallest in which a reference point has on average at
    least 500 neighbours within r, judged from a pilot count with 1000 references. Small
    radii therefore use every point, and large radii (where pairs are
    plentiful and exact counting is most expensive) use fewer. Each C(r) is an unbiased
    estimate; with the default ``max_points`` its relative error is dominated by the
    choice of reference points (about 1/sqrt(max_points) times the relative spread of the
    local densities). The result is deterministic for a given ``seed``.

    Pairs are counted with a dual-tree traversal of k-d trees that counts whole groups of
    pairs at once when all their distances fall between two consecutive radii; pairs inside
    the Theiler window are then subtracted exactly, computed directly in O(N·w). Exact
    counts of up to 30,000 points instead compute every pair outside the window directly,
    in vectorised blocks, binning each distance by a lookup table on its bit pattern
    (exact; faster than the tree at that size, since nearly every group of pairs
    straddles a radius). Memory is O(N); no distance matrix is formed.

    Parameters
    ----------
    x : array_like, shape (n_times,) or (n_times, n_channels)
        Series (rows are time) or point cloud; see the module notes on ``dimension``.
    radii : array_like of float > 0, shape (n_radii,)
        Radii in the units of ``x`` (any order; the result follows it).
    dimension : int, optional
        Embedding dimension; ``None`` uses a multivariate ``x`` as points.
    delay : int
        Embedding delay in samples.
    theiler : int >= 0
        Theiler window ``w`` in samples: pairs with ``|i - j| <= w`` are excluded.
    metric : {"chebyshev", "euclidean"}
        Distance between points.
    max_points : int or None
        Above this many points C(r) is estimated as described above. ``None``: always
        count every pair exactly (cost grows faster than N log N at large radii).
    seed : int or numpy.random.Generator or None
        Randomness for the subsets (unused when the count is exact).

    Returns
    -------
    numpy.ndarray, shape (n_radii,)
        C(r), the fraction of eligible pairs closer than or at distance r (in [0, 1]).
    """
    theiler = check_nonnegative_int(theiler, "theiler")
    r = _check_radii(radii)
    pts = _points(x, dimension, delay, min_points=theiler + 2)
    uniq, inverse = np.unique(r, return_inverse=True)
    pc = _pair_counts(pts, uniq, theiler, metric, max_points, seed)
    return (pc.counts / pc.totals)[inverse]


# --------------------------------------------------------------------------------------
# Scaling regions
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Fit:
    start: int
    stop: int            # exclusive
    slope: float
    intercept: float
    stderr: float
    r_squared: float
    spread: float        # std of local slopes within [start, stop)
    found: bool
    windows: tuple = ()  # every admissible (start, stop) window (empty if none qualified)


def _local_slopes(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """d v / d u by centred differences (one-sided at the ends); NaN where v is not finite."""
    out = np.full(u.shape, np.nan)
    if u.size < 2:
        return out
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.empty_like(u)
        s[1:-1] = (v[2:] - v[:-2]) / (u[2:] - u[:-2])
        s[0] = (v[1] - v[0]) / (u[1] - u[0])
        s[-1] = (v[-1] - v[-2]) / (u[-1] - u[-2])
    ok = np.isfinite(s)
    out[ok] = s[ok]
    return out


def _ols(u: np.ndarray, v: np.ndarray) -> tuple[float, float, float, float]:
    """Least-squares line v = a + b u; returns (b, a, stderr(b), r^2)."""
    n = u.size
    um, vm = u.mean(), v.mean()
    suu = np.sum((u - um) ** 2)
    b = float(np.sum((u - um) * (v - vm)) / suu)
    a = float(vm - b * um)
    res = v - (a + b * u)
    svv = np.sum((v - vm) ** 2)
    r2 = float(1.0 - np.sum(res ** 2) / svv) if svv > 0 else 1.0
    se = float(np.sqrt(np.sum(res ** 2) / (n - 2) / suu)) if n > 2 else float("nan")
    return b, a, se, r2


def _scaling_fit(u: np.ndarray, v: np.ndarray, valid: np.ndarray, *, tolerance: float,
                 min_points: int, min_slope: float, what: str) -> _Fit:
    """Select a scaling region and fit a line there.

    Rule: among runs of consecutive *valid* points, take the windows of at least
    ``min_points`` points in which every local slope lies within ``tolerance`` (relative)
    of the window's median local slope, and whose median slope exceeds ``min_slope``;
    choose the one spanning the longest range of ``u`` (ties: smaller spread of slopes).
    The estimate is the least-squares slope of ``v`` on ``u`` over that window.
    If no window qualifies, fall back to the ``min_points``-window (or the whole valid
    range if shorter) with the smallest relative spread, and flag ``found=False``.
    """
    slopes = _local_slopes(u, v)
    ok = valid & np.isfinite(slopes) & np.isfinite(v)
    idx = np.flatnonzero(ok)
    if idx.size < 2:
        raise InsufficientDataError(
            f"only {idx.size} usable point(s) on the {what} curve; at least 2 are needed to fit "
            "a slope (widen the radii / sizes or give more data).")
    runs = np.split(idx, np.flatnonzero(np.diff(idx) > 1) + 1)
    short = min(min_points, max(len(rn) for rn in runs))
    admissible: list[tuple[int, int]] = []
    best = None       # (span, start, stop, spread or None until a tie needs it)
    fallback = None   # (relative deviation, start, stop) over windows of length `short`
    for run in runs:
        m = run.size
        run_slopes = slopes[run].tolist()  # plain floats: same median/deviation, less overhead
        for i in range(m):
            for j in range(i + short, m + 1):
                sw = sorted(run_slopes[i:j])
                h = len(sw) // 2
                med = sw[h] if len(sw) % 2 else (sw[h - 1] + sw[h]) / 2.0
                dev = max(sw[-1] - med, med - sw[0])
                rel = dev / abs(med) if med > 0 else np.inf
                if j - i == short and (fallback is None or rel < fallback[0]):
                    fallback = (rel, run[i], run[j - 1] + 1)
                if j - i < min_points or med <= min_slope or rel > tolerance:
                    continue
                admissible.append((int(run[i]), int(run[j - 1] + 1)))
                # ranking: wider span first, then smaller spread of slopes (computed only
                # for ties in span, which are rare)
                span = float(u[run[j - 1]] - u[run[i]])
                if best is not None and span < best[0]:
                    continue
                if best is not None and span == best[0]:
                    b_spread = best[3]
                    if b_spread is None:
                        b_spread = float(np.std(slopes[best[1]:best[2]]))  # a run: all usable
                    spread = float(np.std(slopes[run[i:j]]))
                    if not spread < b_spread:
                        best = (best[0], best[1], best[2], b_spread)
                        continue
                    best = (span, run[i], run[j - 1] + 1, spread)
                else:
                    best = (span, run[i], run[j - 1] + 1, None)
    if best is not None:
        start, stop, found = best[1], best[2], True
    else:
        start, stop, found = fallback[1], fallback[2], False
    sel = np.arange(start, stop)
    sel = sel[ok[sel]]
    b, a, se, r2 = _ols(u[sel], v[sel])
    spread = float(np.std(slopes[sel], ddof=1)) if sel.size > 1 else float("nan")
    return _Fit(int(start), int(stop), b, a, se, r2, spread, found, tuple(admissible))


def _window_slopes(u: np.ndarray, v: np.ndarray, windows) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares slopes of ``v`` on ``u`` over each ``(start, stop)`` window, and the
    window lengths (points); NaN where a window has fewer than 2 finite points."""
    if not len(windows):
        return np.zeros(0), np.zeros(0)
    w = np.asarray(windows, dtype=np.int64)
    fin = np.isfinite(v) & np.isfinite(u)
    uu, vv = np.where(fin, u, 0.0), np.where(fin, v, 0.0)
    c = [np.concatenate(([0.0], np.cumsum(t))) for t in (fin.astype(float), uu, uu * uu, vv, uu * vv)]
    a, b = w[:, 0], w[:, 1]
    n, su, suu, sv, suv = (t[b] - t[a] for t in c)
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = (suv - su * sv / n) / (suu - su * su / n)
    slope = np.where(n >= 2, slope, np.nan)
    return slope, n


# --------------------------------------------------------------------------------------
# Correlation dimension
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class CorrelationDimensionResult:
    """Correlation dimension D2 and the curves it was read from.

    Attributes
    ----------
    dimension : float
        D2, the least-squares slope of ln C(r) against ln r over the scaling region.
    uncertainty : float
        Standard deviation (ddof=1) of the local slopes d ln C / d ln r inside the scaling
        region: a measure of how straight the region is (systematic), usually larger than
        the regression standard error ``stderr`` (which treats the points as independent).
    stderr : float
        Standard error of the least-squares slope.
    r_squared : float
        Coefficient of determination of the fit.
    scaling_region : tuple of float
        (r_min, r_max) of the fitted radii.
    fit_slice : slice
        Indices of ``radii`` used in the fit.
    intercept : float
        Intercept of the fit: ln C ≈ intercept + dimension · ln r.
    radii : numpy.ndarray, shape (n_radii,)
        Radii (increasing).
    correlation_sum : numpy.ndarray, shape (n_radii,)
        C(r).
    local_slopes : numpy.ndarray, shape (n_radii,)
        d ln C / d ln r by centred differences (NaN where undefined).
    pair_counts : numpy.ndarray, shape (n_radii,)
        Number of (ordered) pairs behind each C(r).
    usable : numpy.ndarray of bool, shape (n_radii,)
        Radii eligible for the scaling region (enough pairs, not saturated, above the
        distance-zero floor of repeated points).
    reliable : bool
        True only if every entry of ``checks`` holds (see :func:`correlation_dimension`,
        "Reliability"); otherwise a ``ReliabilityWarning`` was issued.
    embedding_dimension, delay, theiler, metric, n_points, n_reference
        Settings actually used (``embedding_dimension`` is the number of coordinates of the
        points; ``delay`` is None when ``x`` was used as is).
    exact : bool
        True if every pair was counted; False if C(r) was estimated from subsets of
        reference and target points (more than ``max_points`` points; see
        :func:`correlation_sum`).
    zero_distance_fraction : float
        Fraction of eligible pairs at distance exactly 0 (repeated points).
    sigma : float
        Calibrated standard uncertainty of D2 (see :func:`correlation_dimension`).
    confidence_interval : tuple of float
        ``dimension -+ z * sigma`` at level ``confidence`` (normal quantile ``z``).
    confidence : float
        Level of the interval.
    fractal : bool or None
        ``|D2 - nearest integer| > 2 sigma`` when reliable, else None (no claim).
    sigma_window, sigma_segment, sigma_curvature : float
        The components of ``sigma`` (spread over admissible scaling regions, over data
        segments, and of the local slopes inside the region); NaN where not available.
    segment_dimensions : tuple of float
        D2 of each data segment over the same radii.
    checks : dict of str to bool
        The reliability checks and whether each passed.
    """

    dimension: float
    uncertainty: float
    stderr: float
    r_squared: float
    scaling_region: tuple[float, float]
    fit_slice: slice
    intercept: float
    radii: np.ndarray = field(repr=False)
    correlation_sum: np.ndarray = field(repr=False)
    local_slopes: np.ndarray = field(repr=False)
    pair_counts: np.ndarray = field(repr=False)
    usable: np.ndarray = field(repr=False)
    reliable: bool
    embedding_dimension: int
    delay: int | None
    theiler: int
    metric: str
    n_points: int
    n_reference: int
    exact: bool
    zero_distance_fraction: float
    sigma: float = float("nan")
    confidence_interval: tuple[float, float] = (float("nan"), float("nan"))
    confidence: float = 0.95
    fractal: bool | None = None
    sigma_window: float = float("nan")
    sigma_segment: float = float("nan")
    sigma_curvature: float = float("nan")
    segment_dimensions: tuple = ()
    checks: dict = field(default_factory=dict)

    def __float__(self) -> float:
        return float(self.dimension)


def _default_radii(pts: np.ndarray, theiler: int, metric: str, n_radii: int, seed) -> np.ndarray:
    """Log-spaced radii from the typical nearest-neighbour distance to the diameter.

    The smallest radius is the median, over up to 1000 random reference points, of the
    distance to the nearest point outside the Theiler window (there C(r) ~ 1/N); the largest
    is the diameter of the bounding box of the points. Each radius is then moved up a
    little (:func:`_k.align_radii`: Chebyshev by under 2**-7 relative, Euclidean typically
    under 1 %, at most a few %) to a value at which the brute-force pair counter bins
    distances exactly by a table lookup on their bit patterns, with no comparison; radii
    so close together that this would merge two are left as they are.
    """
    from scipy.spatial import cKDTree

    n = pts.shape[0]
    span = np.ptp(pts, axis=0)
    r_hi = float(span.max() if metric == "chebyshev" else np.sqrt(np.sum(span ** 2)))
    p = np.inf if metric == "chebyshev" else 2.0
    rng = _rng(seed)
    m = min(n, 1000)
    ref = rng.choice(n, size=m, replace=False)
    if n <= _BRUTE_MAX_POINTS:
        # exact nearest neighbour outside the window, by brute force (fast at this size)
        nn = _k.nearest_outside_window(np.ascontiguousarray(pts, dtype=np.float64),
                                       np.ascontiguousarray(ref, dtype=np.int64),
                                       int(theiler), _metric_code(metric))
    else:
        k = min(n, 2 * theiler + 2, 4096)
        tree = cKDTree(pts)
        d, j = tree.query(pts[ref], k=k, p=p)
        d = np.reshape(d, (m, -1))
        j = np.reshape(j, (m, -1))
        outside = np.abs(j - ref[:, None]) > theiler
        d = np.where(outside, d, np.inf)
        nn = d.min(axis=1)
    nn = nn[np.isfinite(nn) & (nn > 0)]
    r_lo = float(np.median(nn)) if nn.size else r_hi * 1e-3
    r_lo = min(max(r_lo, r_hi * 1e-6), r_hi / 10.0)
    r = np.geomspace(r_lo, r_hi, n_radii)
    aligned = _k.align_radii(r, _metric_code(metric))
    return aligned if np.all(np.diff(aligned) > 0) else r


def correlation_dimension(
    x: Any,
    dimension: int | None = None,
    delay: int = 1,
    theiler: int | None = None,
    radii: Any = None,
    *,
    metric: Metric = "chebyshev",
    n_radii: int = 32,
    min_pairs: int = 100,
    tolerance: float = 0.1,
    min_points: int = 5,
    max_points: int | None = _DEFAULT_MAX_POINTS,
    seed: int | np.random.Generator | None = 0,
    confidence: float = 0.95,
    n_segments: int = 4,
    systematic: float = 0.06,
) -> CorrelationDimensionResult:
    """Correlation dimension D2 (Grassberger & Procaccia 1983).

    ``C(r) ∝ r^D2`` for small r, so D2 is the slope of ln C(r) against ln r within a
    *scaling region*; see :func:`correlation_sum` for C(r).

    Scaling-region rule (documented, automatic): radii are *usable* when at least
    ``min_pairs`` pairs lie within them, ``C(r) < 1`` (not saturated) and ``C(r)`` is at least
    twice the fraction of pairs at distance 0 (above the floor created by repeated,
    e.g. quantised, values). Local slopes ``s(r) = d ln C / d ln r`` are taken by centred
    differences. Among windows of at least ``min_points`` consecutive usable radii in which
    every local slope is within ``tolerance`` (relative) of the window's median slope (and
    the median is > 0.05), the one spanning the widest range of ln r is chosen (ties: the
    one with the least spread of slopes). This excludes the noisy small-r end (too few
    pairs, fluctuating slopes) and the saturating large-r end (falling slopes). D2 is the
    least-squares slope over that window. If no window qualifies, a ``ReliabilityWarning``
    is issued and the straightest ``min_points`` window is used (``reliable=False``).

    Parameters
    ----------
    x : array_like, shape (n_times,) or (n_times, n_channels)
        Series (rows are time); see the module notes on ``dimension``.
    dimension : int, optional
        Embedding dimension (required for a scalar series).
    delay : int
        Embedding delay in samples.
    theiler : int, optional
        Theiler window in samples. Default: the mean period of ``x`` (power-weighted mean
        frequency of its periodogram, :func:`~attractor.analysis.embedding.theiler_window`).
    radii : array_like, optional
        Radii (> 0). Default: ``n_radii`` log-spaced radii from the median nearest-neighbour
        distance (outside the Theiler window) to the diameter of the points, each rounded
        up slightly (Chebyshev: by less than 2**-7 relative; Euclidean: typically below
        1 %) to a value the exact pair counter bins fastest (see ``_default_radii``).
    metric : {"chebyshev", "euclidean"}
    n_radii : int
        Number of default radii.
    min_pairs : int
        Minimum number of pairs within a radius for it to be usable.
    tolerance : float
        Relative tolerance of the local slopes around their median in the scaling region.
    min_points : int
        Minimum number of radii in a scaling region.
    max_points : int or None
        Reference-point subsampling threshold (see :func:`correlation_sum`).
    seed : int or numpy.random.Generator or None
        Randomness for reference subsampling and the default radii.
    confidence : float in (0, 1)
        Level of ``confidence_interval``.
    n_segments : int
        Number of contiguous data segments whose D2 spread enters ``sigma`` (1: none).
    systematic : float >= 0
        Relative systematic term of ``sigma`` (default 6 % of D2): the bias of the finite-N
        Grassberger-Procaccia slope that no internal spread shows, e.g. the logarithmic
        correction of C(r) for the logistic map (local slopes ~0.9 for D2 = 1 at any
        practical N). Its size is calibrated by ``benchmarks/bench_coverage.py``.

    Returns
    -------
    CorrelationDimensionResult

    Notes
    -----
    **Uncertainty.** ``sigma`` adds in quadrature: the length-weighted (squared) spread of
    the slopes over *every* admissible scaling region of the rule above; the spread of D2
    over ``n_segments`` contiguous segments of the points (C(r) recomputed on each, same
    radii and window; std / sqrt(n_segments)); the range of the local slopes in the chosen
    region / sqrt(12) (curvature of ln C); the regression standard error; and the
    systematic term. The interval is ``D2 -+ z sigma``.

    **Reliability.** ``reliable`` is True only if: a scaling region was found; every segment
    gave an estimate; the interval is within +-50 % of D2; D2 < m - 0.5 for a delay embedding
    in m dimensions (else the data fill the embedding space, as noise does); the series is
    long enough for the upper end of the interval, N >= 10^(2 + 0.4 D2_high) (Tsonis,
    Elsner & Georgakakos 1993, stricter here than Eckmann & Ruelle's D2 < 2 log10 N); the
    local slopes below the region do not rise above (1 + 2 tolerance) D2 (noise fills the
    space at small r); and close pairs come from the whole series: the mean within-segment
    C at the top of the region is at most twice the overall C (a random walk only finds
    close points nearby in time). ``fractal`` is then ``|D2 - round(D2)| > 2 sigma``.
    """
    pts = _points(x, dimension, delay)
    theiler = _default_theiler(x, theiler)
    n_radii = check_positive_int(n_radii, "n_radii", minimum=3)
    min_pairs = check_positive_int(min_pairs, "min_pairs")
    min_points = check_positive_int(min_points, "min_points", minimum=2)
    tolerance = check_positive_float(tolerance, "tolerance")
    confidence = check_positive_float(confidence, "confidence")
    if not confidence < 1:
        raise ValidationError(f"confidence must lie in (0, 1); got {confidence!r}.")
    n_segments = check_positive_int(n_segments, "n_segments")
    systematic = check_positive_float(systematic, "systematic") if systematic else 0.0
    _metric_code(metric)
    rng = _rng(seed)
    if radii is None:
        r = _default_radii(pts, theiler, metric, n_radii, rng)
    else:
        r = np.unique(_check_radii(radii))
        if r.size < 3:
            raise ValidationError(f"radii must hold at least 3 distinct values; got {r.size}.")
    pc = _pair_counts(pts, r, theiler, metric, max_points, rng)
    c = pc.counts / pc.totals
    zero_frac = pc.n_zero / pc.zero_total
    with np.errstate(divide="ignore"):
        u, v = np.log(r), np.log(c)
    usable = (pc.counts >= min_pairs) & (c < 1.0) & (c >= 2.0 * zero_frac) & (c > 0)
    if zero_frac > 0:
        warnings.warn(
            f"{zero_frac:.3%} of the point pairs are at distance 0 (repeated or quantised "
            "values); C(r) cannot fall below that fraction, so radii where it dominates are "
            "excluded from the scaling region.", ReliabilityWarning, stacklevel=2)
    fit = _scaling_fit(u, v, usable, tolerance=tolerance, min_points=min_points,
                       min_slope=0.05, what="correlation-sum")
    if not fit.found:
        warnings.warn(
            f"no scaling region found: no {min_points} consecutive usable radii have local "
            f"slopes within {tolerance:.0%} of their median. The reported D2 = {fit.slope:.3g} "
            "comes from the straightest short window and is unreliable; inspect "
            "plot_correlation_sum(result), give more data, or change dimension/radii.",
            ReliabilityWarning, stacklevel=2)
    slopes = _local_slopes(u, v)
    emb_delay = None if dimension is None else int(delay)
    n_pts = pts.shape[0]

    # uncertainty: spread over admissible scaling regions + spread over data segments
    win = fit.windows if fit.windows else ((fit.start, fit.stop),)
    w_slopes, w_len = _window_slopes(u, v, win)
    okw = np.isfinite(w_slopes)
    w_slopes, w_len = w_slopes[okw], w_len[okw]
    if w_slopes.size > 1:
        wt = w_len ** 2 / np.sum(w_len ** 2)
        sigma_window = float(np.sqrt(np.sum(wt * (w_slopes - np.sum(wt * w_slopes)) ** 2)))
    else:
        sigma_window = 0.0
    seg_d2 = []
    n_seg = int(n_segments)
    seg_len = n_pts // n_seg if n_seg > 1 else 0
    seg_c = []
    if n_seg > 1 and seg_len >= theiler + 2 + min_points:
        for q in range(n_seg):
            pc_q = _pair_counts(pts[q * seg_len:(q + 1) * seg_len], r, theiler, metric, max_points, rng)
            c_q = pc_q.counts / pc_q.totals
            seg_c.append(c_q)
            sel = np.arange(fit.start, fit.stop)
            sel = sel[(c_q[sel] > 0) & usable[sel]]
            if sel.size >= 2:
                seg_d2.append(_ols(u[sel], np.log(c_q[sel]))[0])
    if len(seg_d2) == n_seg:
        sigma_segment = float(np.std(seg_d2, ddof=1) / np.sqrt(n_seg))
    else:
        sigma_segment = float("nan")
    # the local slopes drift across the region (curvature of ln C): the small-r limit that D2
    # stands for can lie anywhere in their range (uniform over it: range / sqrt(12))
    in_win = slopes[fit.start:fit.stop]
    in_win = in_win[np.isfinite(in_win)]
    sigma_curvature = float(np.ptp(in_win) / np.sqrt(12.0)) if in_win.size > 1 else 0.0
    sigma = float(np.sqrt(sigma_window ** 2 + (sigma_segment if np.isfinite(sigma_segment) else 0.0) ** 2
                          + sigma_curvature ** 2 + fit.stderr ** 2 + (systematic * fit.slope) ** 2))
    z = float(_norm_quantile(0.5 + confidence / 2))
    ci = (fit.slope - z * sigma, fit.slope + z * sigma)
    # recurrence: close pairs must come from everywhere in time, not only from within a segment
    r_top = fit.stop - 1
    if seg_c and c[r_top] > 0:
        recurrence_ratio = float(np.mean([cq[r_top] for cq in seg_c]) / c[r_top])
    else:
        recurrence_ratio = float("nan")
    d_hi = ci[1]
    # measurement noise fills the embedding space at small r: local slopes rise towards m there
    below = usable & np.isfinite(slopes) & (np.arange(r.size) < fit.start)
    noise_rise = bool(below.sum() >= 2 and np.median(slopes[below]) > fit.slope * (1.0 + 2.0 * tolerance))
    checks = {
        "scaling region": bool(fit.found),
        "segment estimates available": bool(len(seg_d2) == n_seg),
        "interval within ±50 %": bool(fit.slope > 0 and z * sigma <= 0.5 * fit.slope),
        # delay embeddings only: D2 ~ m means the data fill the embedding space (noise-like)
        "below the embedding dimension": bool(dimension is None or pts.shape[1] == 1
                                              or fit.slope < pts.shape[1] - 0.5),
        "no noise rise at small radii": not noise_rise,
        "length rule N >= 10^(2 + 0.4 D2)": bool(n_pts >= 10 ** (2.0 + 0.4 * max(d_hi, 0.0))),
        "stationary pair statistics": bool(np.isfinite(recurrence_ratio) and recurrence_ratio <= 2.0),
    }
    reliable = all(checks.values())
    fractal = bool(abs(fit.slope - round(fit.slope)) > 2.0 * sigma) if reliable else None
    if fit.found and not reliable:
        failed = [k for k, ok in checks.items() if not ok]
        warnings.warn(
            f"correlation_dimension: D2 = {fit.slope:.3g} ± {sigma:.2g} is unreliable: failed "
            + ", ".join(failed) + f" (segment D2s {np.round(seg_d2, 2).tolist()}, pair-statistics ratio "
            f"{recurrence_ratio:.2g}; a ratio well above 1 means close pairs come only from nearby times: "
            "non-stationary data such as a random walk).", ReliabilityWarning, stacklevel=2)
    _readonly(r, c, slopes, pc.counts, usable)
    return CorrelationDimensionResult(
        dimension=fit.slope, uncertainty=fit.spread, stderr=fit.stderr, r_squared=fit.r_squared,
        scaling_region=(float(r[fit.start]), float(r[fit.stop - 1])),
        fit_slice=slice(fit.start, fit.stop), intercept=fit.intercept,
        radii=r, correlation_sum=c, local_slopes=slopes, pair_counts=pc.counts, usable=usable,
        reliable=bool(reliable), embedding_dimension=int(pts.shape[1]), delay=emb_delay,
        theiler=theiler, metric=metric, n_points=pc.n_points, n_reference=pc.n_reference,
        exact=pc.exact, zero_distance_fraction=float(zero_frac), sigma=sigma,
        confidence_interval=(float(ci[0]), float(ci[1])), confidence=float(confidence), fractal=fractal,
        sigma_window=sigma_window, sigma_segment=sigma_segment, sigma_curvature=sigma_curvature,
        segment_dimensions=tuple(float(d) for d in seg_d2),
        checks=checks)


def _norm_quantile(p: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(p))


# --------------------------------------------------------------------------------------
# Takens' maximum-likelihood estimator
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TakensResult:
    """Takens' maximum-likelihood estimate of D2.

    Attributes
    ----------
    dimension : float
        ``D2 = -1 / <ln(r_ij / r_max)>``, the mean over eligible pairs with
        ``0 < r_ij < r_max``.
    uncertainty : float
        Nominal standard error ``D2 / sqrt(n_pairs)`` (Takens 1985). Pairs are not
        independent, so this understates the true error; compare estimates across
        ``r_max`` for a realistic spread.
    r_max : float
        Cut-off radius used.
    n_pairs : int
        Number of ordered pairs in the mean.
    n_zero : int
        Pairs at distance exactly 0 (left out: their logarithm is -inf).
    embedding_dimension, delay, theiler, metric, n_points, n_reference
        Settings used (``delay`` is None when ``x`` was used as is).
    """

    dimension: float
    uncertainty: float
    r_max: float
    n_pairs: int
    n_zero: int
    embedding_dimension: int
    delay: int | None
    theiler: int
    metric: str
    n_points: int
    n_reference: int

    def __float__(self) -> float:
        return float(self.dimension)


def takens_estimator(
    x: Any,
    dimension: int | None = None,
    delay: int = 1,
    theiler: int | None = None,
    r_max: float | None = None,
    *,
    metric: Metric = "chebyshev",
    max_pairs: int | None = 2_000_000,
    seed: int | np.random.Generator | None = 0,
) -> TakensResult:
    """Takens' (1985) maximum-likelihood estimator of the correlation dimension.

    Assuming ``C(r) = a r^D`` for ``r < r_max``, the distances ``r_ij`` of pairs closer than
    ``r_max`` have the density ``D r^(D-1) / r_max^D``, whose maximum-likelihood estimate is

    .. math::

        \\hat D_2 = -\\Big[\\frac{1}{M}\\sum_{r_{ij} < r_{max}}
                   \\ln (r_{ij}/r_{max})\\Big]^{-1}

    over the M eligible pairs (Theiler window excluded; pairs at distance 0 left out with a
    ``ReliabilityWarning``). Distances are computed exactly (no binning) with a dual-tree
    search restricted to ``r < r_max``.

    Parameters
    ----------
    x, dimension, delay, theiler, metric, seed
        As for :func:`correlation_dimension`.
    r_max : float, optional
        Upper cut-off radius (in the units of ``x``); it must lie inside the scaling region.
        Default: the upper end of the scaling region found by :func:`correlation_dimension`
        with the same settings (a ``ValidationError`` if there is none).
    max_pairs : int or None
        Budget for the number of pairs: when all points as references would give more than
        about ``max_pairs`` pairs below ``r_max`` (judged from C(r_max)), a random subset of
        reference points (at least 1000) is paired with all points instead. ``None``: use
        every pair.

    Returns
    -------
    TakensResult
    """
    pts = _points(x, dimension, delay)
    theiler = _default_theiler(x, theiler)
    code = _metric_code(metric)
    rng = _rng(seed)
    n = pts.shape[0]
    if n < theiler + 2:
        raise InsufficientDataError(
            f"{n} points leave no pair outside the Theiler window theiler={theiler}; at least "
            f"{theiler + 2} points are needed (many more for a usable estimate).")
    if r_max is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ReliabilityWarning)
            cd = correlation_dimension(pts, theiler=theiler, metric=metric, seed=rng)
        if not cd.reliable:
            raise ValidationError(
                "r_max=None takes the cut-off from the scaling region of the correlation sum, "
                "and none was found; pass r_max explicitly.")
        r_max = cd.scaling_region[1]
        c_max = float(cd.correlation_sum[cd.fit_slice.stop - 1])
    else:
        r_max = check_positive_float(r_max, "r_max")
        c_max = float(correlation_sum(pts, [r_max], theiler=theiler, metric=metric, seed=rng)[0])
    n_ref = n
    if max_pairs is not None:
        max_pairs = check_positive_int(max_pairs, "max_pairs")
        expected = c_max * n * n
        if expected > max_pairs:
            n_ref = int(min(n, max(1000, np.ceil(max_pairs / max(c_max * n, 1e-300)))))
    tree = _k.build_tree(pts, _LEAFSIZE)
    if n_ref >= n:
        s, npairs, nzero = _k.pair_log_sum(tree, tree, float(r_max), code, True, theiler)
        n_ref = n
    else:
        ref = np.sort(rng.choice(n, size=n_ref, replace=False)).astype(np.int64)
        # the reference tree keeps original indices so the Theiler window stays exact
        sub = _k.build_tree(np.ascontiguousarray(pts[ref]), _LEAFSIZE)
        sub = (ref[sub[0]],) + tuple(sub[1:])
        s, npairs, nzero = _k.pair_log_sum(sub, tree, float(r_max), code, False, theiler)
    if nzero > 0:
        warnings.warn(f"{nzero} pairs at distance 0 (repeated values) were left out of the "
                      "Takens estimate.", ReliabilityWarning, stacklevel=2)
    if npairs < 2:
        raise InsufficientDataError(
            f"only {npairs} pair(s) closer than r_max={r_max:.6g} outside the Theiler window; "
            "increase r_max or give more data.")
    d2 = -npairs / s
    return TakensResult(
        dimension=float(d2), uncertainty=float(d2 / np.sqrt(npairs)), r_max=float(r_max),
        n_pairs=int(npairs), n_zero=int(nzero), embedding_dimension=int(pts.shape[1]),
        delay=None if dimension is None else int(delay), theiler=theiler, metric=metric,
        n_points=n, n_reference=int(n_ref))


# --------------------------------------------------------------------------------------
# Box counting: capacity and information dimension
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class BoxDimensionResult:
    """Box-counting (D0) or information (D1) dimension and the curve it was read from.

    Attributes
    ----------
    dimension : float
        Least-squares slope of ``values`` against ``ln(1/ε)`` over the scaling region.
    kind : str
        ``"capacity"`` (values = ln N(ε)) or ``"information"`` (values = I(ε) =
        -Σ p_i ln p_i in nats).
    uncertainty : float
        Standard deviation (ddof=1) of the local slopes in the scaling region.
    stderr, r_squared : float
        Regression standard error and coefficient of determination.
    scaling_region : tuple of float
        (ε_min, ε_max) of the fitted box sizes.
    fit_slice : slice
        Indices of ``sizes`` used in the fit.
    intercept : float
        values ≈ intercept + dimension · ln(1/ε).
    sizes : numpy.ndarray, shape (n_sizes,)
        Box edge lengths ε (decreasing).
    box_counts : numpy.ndarray, shape (n_sizes,)
        Number of occupied boxes N(ε).
    values : numpy.ndarray, shape (n_sizes,)
        The fitted curve (see ``kind``).
    local_slopes : numpy.ndarray, shape (n_sizes,)
        d values / d ln(1/ε).
    usable : numpy.ndarray of bool
        Sizes eligible for the scaling region.
    reliable : bool
        False if no scaling region was found (a ``ReliabilityWarning`` was issued).
    embedding_dimension, delay, n_points, min_occupancy
        Settings used.
    """

    dimension: float
    kind: str
    uncertainty: float
    stderr: float
    r_squared: float
    scaling_region: tuple[float, float]
    fit_slice: slice
    intercept: float
    sizes: np.ndarray = field(repr=False)
    box_counts: np.ndarray = field(repr=False)
    values: np.ndarray = field(repr=False)
    local_slopes: np.ndarray = field(repr=False)
    usable: np.ndarray = field(repr=False)
    reliable: bool
    embedding_dimension: int
    delay: int | None
    n_points: int
    min_occupancy: float

    def __float__(self) -> float:
        return float(self.dimension)


def _box_labels(pts: np.ndarray, origin: np.ndarray, eps: float, extent: float) -> np.ndarray:
    """One exact integer label per occupied box (mixed-radix code of the box indices).

    Box ``k`` along an axis covers ``[origin + k·ε, origin + (k+1)·ε)``; the grid has
    ``ceil(extent / ε)`` boxes per axis and a point on the far edge of the data goes into
    the last box (so a grid with ``extent / ε`` an integer covers the data exactly).
    """
    n_box = max(1, int(np.ceil(extent / eps - 1e-9)))
    idx = np.floor((pts - origin) / eps).astype(np.int64)
    np.minimum(idx, n_box - 1, out=idx)
    span = idx.max(axis=0) + 1
    if float(np.prod(span.astype(float))) < 2.0 ** 62:
        mult = np.concatenate(([1], np.cumprod(span[:-1]))).astype(np.int64)
        return idx @ mult
    # too many boxes for one int64 code: label rows by lexicographic sort instead
    _, lab = np.unique(idx, axis=0, return_inverse=True)
    return lab.ravel()


def _box_curves(pts: np.ndarray, sizes: np.ndarray,
                origin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Occupied boxes N(ε) and box-probability entropy I(ε) (nats) for each size."""
    extent = float(np.max(pts.max(axis=0) - origin))
    n = pts.shape[0]
    counts = np.empty(sizes.size, dtype=np.int64)
    info = np.empty(sizes.size)
    for k, eps in enumerate(sizes):
        lab = np.sort(_box_labels(pts, origin, eps, extent))
        starts = np.flatnonzero(np.concatenate(([True], lab[1:] != lab[:-1])))
        occ = np.diff(np.concatenate((starts, [n])))
        counts[k] = occ.size
        p = occ / n
        info[k] = float(-np.sum(p * np.log(p)))
    return counts, info


def _default_sizes(pts: np.ndarray, n_sizes: int) -> np.ndarray:
    """Box sizes ``extent / k`` for about ``n_sizes`` log-spaced integers ``k`` from 2 to the
    number of points (``extent``: the largest side of the bounding box), so that every grid
    fits the data exactly along its longest side."""
    extent = float(np.ptp(pts, axis=0).max())
    n = pts.shape[0]
    k = np.unique(np.round(np.geomspace(2, max(3, n), n_sizes)).astype(np.int64))
    return extent / k


def _box_dimension(x, dimension, delay, sizes, n_sizes, min_occupancy, tolerance, min_points,
                   origin, kind: str) -> BoxDimensionResult:
    n_sizes = check_positive_int(n_sizes, "n_sizes", minimum=3)
    min_points = check_positive_int(min_points, "min_points", minimum=2)
    tolerance = check_positive_float(tolerance, "tolerance")
    min_occupancy = check_positive_float(min_occupancy, "min_occupancy")
    pts = _points(x, dimension, delay, min_points=2)
    n = pts.shape[0]
    if sizes is None:
        eps = _default_sizes(pts, n_sizes)
    else:
        eps = np.unique(_check_radii(sizes, "sizes"))[::-1]
        if eps.size < 3:
            raise ValidationError(f"sizes must hold at least 3 distinct values; got {eps.size}.")
    if origin is None:
        corner = pts.min(axis=0)
    else:
        corner = np.broadcast_to(as_float_array(origin, "origin", ndim=(0, 1)),
                                 (pts.shape[1],)).astype(float)
        if np.any(pts < corner):
            raise ValidationError("origin must not exceed the smallest coordinate of the points "
                                  "along any axis (the grid starts there).")
    counts, info = _box_curves(pts, eps, corner)
    u = np.log(1.0 / eps)
    v = np.log(counts.astype(float)) if kind == "capacity" else info
    # usable: several points per occupied box on average (below that, every point sits in
    # its own box and N(ε) saturates at n), and more than one box.
    usable = (n / counts >= min_occupancy) & (counts > 1)
    what = "box-count" if kind == "capacity" else "box-entropy"
    fit = _scaling_fit(u, v, usable, tolerance=tolerance, min_points=min_points,
                       min_slope=0.05, what=what)
    if not fit.found:
        warnings.warn(
            f"no scaling region found on the {what} curve: no {min_points} consecutive usable "
            f"sizes have local slopes within {tolerance:.0%} of their median; the reported "
            f"dimension {fit.slope:.3g} is unreliable (give more data or other sizes).",
            ReliabilityWarning, stacklevel=3)
    slopes = _local_slopes(u, v)
    _readonly(eps, counts, v, slopes, usable)
    return BoxDimensionResult(
        dimension=fit.slope, kind=kind, uncertainty=fit.spread, stderr=fit.stderr,
        r_squared=fit.r_squared, scaling_region=(float(eps[fit.stop - 1]), float(eps[fit.start])),
        fit_slice=slice(fit.start, fit.stop), intercept=fit.intercept, sizes=eps,
        box_counts=counts, values=v, local_slopes=slopes, usable=usable, reliable=fit.found,
        embedding_dimension=int(pts.shape[1]), delay=None if dimension is None else int(delay),
        n_points=n, min_occupancy=float(min_occupancy))


def box_counting_dimension(
    x: Any,
    dimension: int | None = None,
    delay: int = 1,
    sizes: Any = None,
    *,
    n_sizes: int = 24,
    min_occupancy: float = 10.0,
    tolerance: float = 0.1,
    min_points: int = 5,
    origin: Any = None,
) -> BoxDimensionResult:
    """Capacity (box-counting) dimension D0.

    The points are covered by a grid of cubes of edge ε anchored at ``origin``;
    ``N(ε)`` is the number of cubes holding at least one point, and ``N(ε) ∝ ε^(-D0)``.
    Occupied boxes are found by encoding each point's integer box coordinates as one exact
    64-bit label and counting distinct labels (O(N log N) per size, O(N) memory).

    D0 is the least-squares slope of ``ln N(ε)`` against ``ln(1/ε)`` over a scaling region
    chosen with the rule of :func:`correlation_dimension` (local slopes within
    ``tolerance`` of their median over at least ``min_points`` sizes). Sizes are usable
    while the points per occupied box average at least ``min_occupancy``; at finer sizes
    a finite sample under-counts the rarely visited boxes and ``N(ε)`` bends towards the
    number of points. Box counting converges slowly with the number of points (Grassberger
    1983); prefer :func:`correlation_dimension` for short series.

    Parameters
    ----------
    x, dimension, delay
        As for :func:`correlation_dimension` (no Theiler window: boxes are not pairs).
    sizes : array_like, optional
        Box edge lengths (> 0, units of ``x``). Default: about ``n_sizes`` sizes
        ``extent / k`` with log-spaced integers ``k`` from 2 to n_points (``extent``: the
        largest side of the bounding box of the points).
    n_sizes : int
        Number of default sizes.
    min_occupancy : float
        Minimum mean number of points per occupied box for a size to be usable.
    tolerance, min_points
        Scaling-region rule (see :func:`correlation_dimension`).
    origin : float or array_like, shape (n_coords,), optional
        Corner where the grid starts (box ``k`` along an axis covers
        ``[origin + k·ε, origin + (k+1)·ε)``); default: the minimum of the points along each
        axis. It must not exceed that minimum.

    Returns
    -------
    BoxDimensionResult
    """
    return _box_dimension(x, dimension, delay, sizes, n_sizes, min_occupancy, tolerance,
                          min_points, origin, "capacity")


def information_dimension(
    x: Any,
    dimension: int | None = None,
    delay: int = 1,
    sizes: Any = None,
    *,
    n_sizes: int = 24,
    min_occupancy: float = 10.0,
    tolerance: float = 0.1,
    min_points: int = 5,
    origin: Any = None,
) -> BoxDimensionResult:
    """Information dimension D1 from box probabilities.

    With ``p_i = n_i / N`` the fraction of points in occupied box ``i`` of a grid of edge ε,
    the box entropy is ``I(ε) = -Σ_i p_i ln p_i`` (nats) and ``I(ε) ≈ const + D1 ln(1/ε)``
    (Grassberger & Procaccia 1983, "Characterization of strange attractors"). D1 is the
    least-squares slope over a scaling region chosen as in :func:`box_counting_dimension`,
    with the same grid, sizes and usability rule.

    Parameters and return value as for :func:`box_counting_dimension` (``kind`` is
    ``"information"`` and ``values`` holds I(ε)).
    """
    return _box_dimension(x, dimension, delay, sizes, n_sizes, min_occupancy, tolerance,
                          min_points, origin, "information")
