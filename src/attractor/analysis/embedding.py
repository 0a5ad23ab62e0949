"""Delay-coordinate embedding and the choice of its delay and dimension.

Definitions used throughout (libraries disagree, so they are written down here):

* Delay vectors: ``y_i = (x_i, x_{i+tau}, ..., x_{i+(m-1)tau})`` (Takens 1981; Packard et
  al. 1980). A series with ``c`` channels gives ``m * c`` coordinates, channel-major within
  each delay: ``(x_i[0..c-1], x_{i+tau}[0..c-1], ...)``.
* Delays, lags and Theiler windows are in **samples**; multiply by the sampling step for
  time units.
* Average mutual information (AMI) between ``x_t`` and ``x_{t+tau}``, in nats, from a
  two-dimensional histogram on equiprobable (quantile) bins (Fraser & Swinney 1986 use an
  adaptive partition; equiprobable marginals are its simplest version). The number of bins
  per axis is ``B = round(sqrt(n / 5))`` clipped to ``[4, 256]`` (Cellucci, Albano & Rapp
  2005, Phys. Rev. E 71, 066208, recommend ``sqrt(n/5)`` equiprobable bins).
* Autocorrelation: ``r(k) = sum_t (x_t - m)(x_{t+k} - m) / sum_t (x_t - m)^2`` (the biased
  estimator, computed by FFT in ``O(n log n)``).
* Theiler window ``w``: pairs ``(i, j)`` with ``|i - j| <= w`` are never used as neighbours
  (Theiler 1986).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.spatial import cKDTree

from ..core.errors import InsufficientDataError, ReliabilityWarning, ValidationError
from ..core.validation import as_series, check_nonnegative_int, check_positive_float, check_positive_int
from . import _dimension_kernels as _dk
from . import _embedding_kernels as _ek

_LEAFSIZE = 32  # leaf size of the compiled k-d trees (16..64 cost about the same at n ~ 1e4)

__all__ = [
    "delay_embed",
    "autocorrelation",
    "average_mutual_information",
    "mean_period",
    "theiler_window",
    "estimate_delay",
    "estimate_dimension",
    "DelayEstimate",
    "EmbeddingDimensionEstimate",
]


# --------------------------------------------------------------------------------------
# Delay vectors
# --------------------------------------------------------------------------------------
def delay_embed(x, dimension: int, delay: int) -> np.ndarray:
    """Delay-coordinate vectors of a (possibly multivariate) series.

    Row ``i`` of the result is ``(x[i], x[i + delay], ..., x[i + (dimension - 1) * delay])``
    (Takens 1981; Packard et al. 1980). A multivariate series of ``c`` channels gives
    ``dimension * c`` columns, channel-major within each delay.

    Parameters
    ----------
    x : array_like, shape (n_times,) or (n_times, n_channels)
    dimension : int >= 1
        Number of delayed copies.
    delay : int >= 1
        Delay in samples.

    Returns
    -------
    numpy.ndarray, shape (n_times - (dimension - 1) * delay, dimension * n_channels)
    """
    dimension = check_positive_int(dimension, "dimension")
    delay = check_positive_int(delay, "delay")
    arr = as_series(x, "x", min_length=1, allow_constant=True, check_magnitude=False)  # no arithmetic
    a2 = arr[:, None] if arr.ndim == 1 else arr
    span = (dimension - 1) * delay
    n_vec = a2.shape[0] - span
    if n_vec < 1:
        raise InsufficientDataError(
            f"a series of {a2.shape[0]} samples cannot be embedded with dimension={dimension}, "
            f"delay={delay}: at least {span + 1} samples are needed."
        )
    cols = [a2[k * delay: k * delay + n_vec] for k in range(dimension)]
    return np.ascontiguousarray(np.concatenate(cols, axis=1))


def _as_2d(arr: np.ndarray) -> np.ndarray:
    return arr[:, None] if arr.ndim == 1 else arr


# --------------------------------------------------------------------------------------
# Linear and nonlinear correlation functions
# --------------------------------------------------------------------------------------
def autocorrelation(x, max_lag: int | None = None) -> np.ndarray:
    """Normalised autocorrelation ``r(k)`` for ``k = 0 .. max_lag`` (biased estimator, FFT).

    ``r(k) = sum_{t<n-k} (x_t - m)(x_{t+k} - m) / sum_t (x_t - m)^2`` with ``m`` the mean.
    A multivariate series gives the average of the per-channel functions.

    Parameters
    ----------
    x : array_like, shape (n_times,) or (n_times, n_channels)
    max_lag : int, optional
        Largest lag in samples; default ``n_times - 1``.

    Returns
    -------
    numpy.ndarray, shape (max_lag + 1,)
    """
    arr = _as_2d(as_series(x, "x", min_length=2, rescale=True))
    n = arr.shape[0]
    max_lag = n - 1 if max_lag is None else check_nonnegative_int(max_lag, "max_lag")
    if max_lag > n - 1:
        raise ValidationError(f"max_lag={max_lag} must be smaller than the series length {n}.")
    return _acf(arr, max_lag)


def _acf(arr2: np.ndarray, max_lag: int) -> np.ndarray:
    n = arr2.shape[0]
    z = arr2 - arr2.mean(axis=0)
    nfft = 1 << int(np.ceil(np.log2(2 * n - 1)))
    spec = np.fft.rfft(z, nfft, axis=0)
    ac = np.fft.irfft(np.abs(spec) ** 2, nfft, axis=0)[: max_lag + 1]
    ac = ac / ac[0]
    return ac.mean(axis=1)


def _n_bins(n: int) -> int:
    return int(np.clip(round(np.sqrt(n / 5.0)), 4, 256))


def _quantile_codes(col: np.ndarray, n_bins: int) -> tuple[np.ndarray, int]:
    """Bin index of every sample on equiprobable bins; tied values share a bin."""
    edges = np.unique(np.quantile(col, np.linspace(0.0, 1.0, n_bins + 1)[1:-1]))
    codes = np.searchsorted(edges, col, side="right")
    return codes.astype(np.int64), len(edges) + 1


def _ami_codes(codes: np.ndarray, n_bins: int, lags) -> np.ndarray:
    out = np.empty(len(lags))
    for q, lag in enumerate(lags):
        a = codes[: codes.size - lag] if lag else codes
        b = codes[lag:]
        m = a.size
        joint = np.bincount(a * n_bins + b, minlength=n_bins * n_bins).astype(float)
        pa = np.bincount(a, minlength=n_bins) / m
        pb = np.bincount(b, minlength=n_bins) / m
        nz = joint > 0
        pij = joint[nz] / m
        ia, ib = np.divmod(np.flatnonzero(nz), n_bins)
        out[q] = float(np.sum(pij * np.log(pij / (pa[ia] * pb[ib]))))
    return out


def average_mutual_information(x, max_lag: int, n_bins: int | None = None) -> np.ndarray:
    """Average mutual information ``I(x_t; x_{t+k})`` in nats for ``k = 0 .. max_lag``.

    ``I(k) = sum_ij p_ij(k) ln(p_ij(k) / (p_i p_j))`` with ``p`` estimated from a histogram on
    equiprobable (quantile) bins of each channel, ``n_bins`` per axis (default
    ``round(sqrt(n / 5))`` clipped to ``[4, 256]``, Cellucci et al. 2005). ``I(0)`` is the
    entropy of the binned signal. Tied values always fall in the same bin. A multivariate
    series gives the average of the per-channel curves (Fraser & Swinney 1986).

    Parameters
    ----------
    x : array_like, shape (n_times,) or (n_times, n_channels)
    max_lag : int >= 0
        Largest lag in samples; must be smaller than ``n_times - 1``.
    n_bins : int, optional
        Bins per axis.

    Returns
    -------
    numpy.ndarray, shape (max_lag + 1,)
    """
    arr = _as_2d(as_series(x, "x", min_length=4, rescale=True))
    max_lag = check_nonnegative_int(max_lag, "max_lag")
    n = arr.shape[0]
    if max_lag > n - 2:
        raise ValidationError(f"max_lag={max_lag} must be at most n_times - 2 = {n - 2}.")
    n_bins = _n_bins(n) if n_bins is None else check_positive_int(n_bins, "n_bins", minimum=2)
    lags = np.arange(max_lag + 1)
    curves = []
    for c in range(arr.shape[1]):
        codes, nb = _quantile_codes(arr[:, c], n_bins)
        curves.append(_ami_codes(codes, nb, lags))
    return np.mean(curves, axis=0)


def mean_period(x) -> float:
    """Mean period of a series in samples: ``1 / f_mean`` with ``f_mean`` the power-weighted
    mean frequency of its periodogram (excluding zero frequency), as used by Rosenstein,
    Collins & De Luca (1993) for their Theiler window. Channels' spectra are summed.

    Returns
    -------
    float
        Mean period in samples (white noise gives about 4 samples; a sinusoid its period).
    """
    arr = _as_2d(as_series(x, "x", min_length=4, rescale=True))
    z = arr - arr.mean(axis=0)
    power = (np.abs(np.fft.rfft(z, axis=0)) ** 2).sum(axis=1)
    freqs = np.fft.rfftfreq(arr.shape[0])
    power, freqs = power[1:], freqs[1:]
    total = power.sum()
    if total <= 0:
        raise ValidationError("x has no fluctuating power; the mean period is undefined.")
    return float(total / np.sum(freqs * power))


def theiler_window(x, method: Literal["mean_period", "autocorr_1e"] = "mean_period") -> int:
    """Default Theiler window in samples.

    ``"mean_period"`` (default): the mean period :func:`mean_period` rounded up
    (Rosenstein et al. 1993). ``"autocorr_1e"``: the first lag where the autocorrelation
    falls below ``1/e``. At least 1.
    """
    if method == "mean_period":
        return max(1, int(np.ceil(mean_period(x))))
    if method == "autocorr_1e":
        arr = _as_2d(as_series(x, "x", min_length=4, rescale=True))
        acf = _acf(arr, arr.shape[0] - 1)
        below = np.flatnonzero(acf < 1.0 / np.e)
        return max(1, int(below[0]) if below.size else arr.shape[0] - 1)
    raise ValidationError(f"method must be 'mean_period' or 'autocorr_1e'; got {method!r}.")


# --------------------------------------------------------------------------------------
# Delay
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DelayEstimate:
    """Chosen embedding delay and the curve it was read from.

    Attributes
    ----------
    delay : int
        Delay in samples.
    method : str
        ``"ami"``, ``"autocorr"`` or ``"autocorr_1e"``.
    lags : numpy.ndarray, shape (n_lags,)
        Lags (samples) at which the curve was evaluated, starting at 0.
    values : numpy.ndarray, shape (n_lags,)
        AMI in nats, or the autocorrelation.
    criterion : str
        How ``delay`` was read from the curve (including any fallback used).
    n_bins : int or None
        Bins per axis of the AMI histogram (``None`` for autocorrelation methods).
    minimum_found : bool or None
        ``"ami"``: whether the AMI has a local minimum above its noise level (``False``: a
        fallback rule chose ``delay``); ``None`` for autocorrelation methods.
    noise_level : float or None
        ``"ami"``: the AMI that independent samples give on the same histogram,
        ``(B - 1)^2 / (2 n)`` nats (the estimator's bias; Roulston 1999, Physica D 125, 285),
        in nats; ``None`` for autocorrelation methods.
    """

    delay: int
    method: str
    lags: np.ndarray = field(repr=False)
    values: np.ndarray = field(repr=False)
    criterion: str
    n_bins: int | None = None
    minimum_found: bool | None = None
    noise_level: float | None = None


def _first_local_min(v: np.ndarray) -> int | None:
    """Smallest k >= 1 where v falls (v[k] < v[k-1]) and then rises after a possible plateau
    of equal values starting at k; None if the curve never turns up."""
    n = v.size
    k = 1
    while k < n - 1:
        if v[k] < v[k - 1]:
            j = k
            while j + 1 < n and v[j + 1] == v[k]:
                j += 1
            if j + 1 < n and v[j + 1] > v[k]:
                return k
            k = j + 1
        else:
            k += 1
    return None


def estimate_delay(
    x,
    method: Literal["ami", "autocorr", "autocorr_1e"] = "ami",
    max_delay: int | None = None,
    *,
    n_bins: int | None = None,
) -> DelayEstimate:
    """Choose the embedding delay of a series.

    Rules (delays in samples):

    * ``"ami"`` — first local minimum of the average mutual information (Fraser & Swinney
      1986, Phys. Rev. A 33, 1134), i.e. the smallest ``k >= 1`` with ``I(k) < I(k-1)``
      after which the curve rises (``I(k) < I(k+1)``, or after a plateau of equal values);
      see :func:`average_mutual_information` for the binning rule. A minimum counts only
      if it lies above the estimator's noise level: ``I(k) >= 2 I_0`` with
      ``I_0 = (B - 1)^2 / (2 n)`` the AMI that independent samples give on ``B x B``
      equiprobable bins (Roulston 1999). Below that the curve has decayed to independence
      (white noise, maps) and its wiggles are estimation noise, not a minimum.
      If the curve has no such minimum up to ``max_delay``, the first lag where the
      autocorrelation falls below ``1/e`` is used instead (failing that, the first lag
      with ``I(k) < I(0)/e``, failing that ``max_delay``) and a :class:`ReliabilityWarning`
      is issued (``minimum_found=False``; the criterion says which case).
    * ``"autocorr"`` — first lag where the autocorrelation is ``<= 0`` (first zero crossing).
    * ``"autocorr_1e"`` — first lag where the autocorrelation is ``< 1/e``.

    Parameters
    ----------
    x : array_like, shape (n_times,) or (n_times, n_channels)
        Multivariate series use the channel-averaged curve.
    method : {"ami", "autocorr", "autocorr_1e"}
    max_delay : int, optional
        Largest delay considered. By default up to ``n_times // 10`` (at least 10), and the
        curve is only evaluated up to ``max(2 * delay, delay + 10)`` once the delay is found.
    n_bins : int, optional
        AMI bins per axis (default ``round(sqrt(n/5))`` in ``[4, 256]``).

    Returns
    -------
    DelayEstimate

    Raises
    ------
    ValidationError
        Bad input or unknown method; if no lag satisfies an autocorrelation criterion up to
        ``max_delay`` (raise ``max_delay`` or use another method).
    InsufficientDataError
        Fewer than 16 samples.
    """
    if method not in ("ami", "autocorr", "autocorr_1e"):
        raise ValidationError(f"method must be 'ami', 'autocorr' or 'autocorr_1e'; got {method!r}.")
    arr = _as_2d(as_series(x, "x", min_length=16, rescale=True))
    n = arr.shape[0]
    auto = max_delay is None
    if auto:
        max_delay = max(10, n // 10)
    else:
        max_delay = check_positive_int(max_delay, "max_delay")
    if max_delay > n - 2:
        raise ValidationError(f"max_delay={max_delay} must be at most n_times - 2 = {n - 2}.")

    if method == "ami":
        nb_req = _n_bins(n) if n_bins is None else check_positive_int(n_bins, "n_bins", minimum=2)
        coded = [_quantile_codes(arr[:, c], nb_req) for c in range(arr.shape[1])]
        vals: list[float] = []
        chunk = 16
        k0 = 0
        delay = None
        stop = max_delay
        while k0 <= stop:
            lags = np.arange(k0, min(k0 + chunk, stop + 1))
            part = np.mean([_ami_codes(c, nb, lags) for c, nb in coded], axis=0)
            vals.extend(part.tolist())
            k0 = lags[-1] + 1
            if delay is None:
                delay = _first_local_min(np.asarray(vals))
                if delay is not None and auto:
                    stop = min(max_delay, max(2 * delay, delay + 10))
            chunk = min(2 * chunk, 256)
        values = np.asarray(vals)
        nb_eff = float(np.mean([nb for _, nb in coded]))
        noise = (nb_eff - 1.0) ** 2 / (2.0 * n)
        criterion = "first local minimum of the AMI"
        found = delay is not None
        if found and values[delay] < 2.0 * noise:
            found = False
            why = (f"no AMI minimum above its noise level (the curve decays to the independence level "
                   f"{noise:.3g} nats; the first wiggle, at lag {delay}, is estimation noise)")
        elif not found:
            why = f"no AMI minimum up to max_delay={max_delay}"
        if not found:
            acf = _acf(arr, max_delay)
            hit = np.flatnonzero(acf[1:] < 1.0 / np.e)
            below = np.flatnonzero(values[1:] < values[0] / np.e)
            if hit.size:
                delay, rule = int(hit[0]) + 1, "autocorrelation 1/e lag used"
            elif below.size:
                delay, rule = int(below[0]) + 1, "first lag with I(k) < I(0)/e used"
            else:
                delay, rule = max_delay, "neither the autocorrelation 1/e lag nor I(0)/e reached: max_delay used"
            criterion = f"{why}; fallback: {rule}"
            warnings.warn(
                f"estimate_delay: the average mutual information has no local minimum "
                f"({why}); using delay={delay} ({rule}). Inspect the curve "
                "(plot_delay_selection) or raise max_delay.", ReliabilityWarning, stacklevel=2)
        return DelayEstimate(delay=int(delay), method=method, lags=np.arange(values.size),
                             values=values, criterion=criterion, n_bins=nb_req, minimum_found=found,
                             noise_level=float(noise))

    acf = _acf(arr, max_delay)
    if method == "autocorr":
        hit = np.flatnonzero(acf[1:] <= 0.0)
        criterion = "first zero crossing of the autocorrelation"
    else:
        hit = np.flatnonzero(acf[1:] < 1.0 / np.e)
        criterion = "first lag with autocorrelation < 1/e"
    if not hit.size:
        raise ValidationError(
            f"the autocorrelation never satisfies '{criterion}' up to max_delay={max_delay} samples; "
            "raise max_delay or use method='ami'."
        )
    delay = int(hit[0]) + 1
    end = min(max_delay, max(2 * delay, delay + 10)) if auto else max_delay
    return DelayEstimate(delay=delay, method=method, lags=np.arange(end + 1), values=acf[: end + 1],
                         criterion=criterion, n_bins=None)


# --------------------------------------------------------------------------------------
# Neighbour search with a Theiler window (shared with lyapunov_data)
# --------------------------------------------------------------------------------------
_PARALLEL_QUERY_MIN = 100_000  # rows x k below which a k-d tree query runs in one thread


def _neighbours(
    tree: cKDTree,
    points: np.ndarray,
    ref_idx: np.ndarray,
    k: int,
    theiler: int,
    *,
    p: float = 2.0,
    max_dist: float = np.inf,
    exclude_zero: bool = True,
    batch: int = 32768,
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest neighbours of ``points[ref_idx]`` among the tree's points.

    The tree indexes ``points[:n_tree]`` (index = time index). Candidates with
    ``|i - j| <= theiler`` are skipped, and so are those farther than ``max_dist`` and, if
    ``exclude_zero``, those at distance exactly 0 (duplicated states, e.g. ties of a
    quantised series, which carry no divergence information). The query is repeated with a growing ``k`` for
    the rows that are still short, so the cost stays near ``O(n_ref k log n)``.

    Returns
    -------
    idx : numpy.ndarray of int64, shape (n_ref, k)
        Neighbour indices in increasing distance, ``-1`` where fewer than ``k`` exist.
    dist : numpy.ndarray, shape (n_ref, k)
        Their distances (``inf`` where missing).
    """
    n_tree = tree.n
    ref_idx = np.asarray(ref_idx, dtype=np.int64)
    n_ref = ref_idx.size
    out_i = np.full((n_ref, k), -1, dtype=np.int64)
    out_d = np.full((n_ref, k), np.inf)
    bound = max_dist if np.isfinite(max_dist) else np.inf
    for s in range(0, n_ref, batch):
        rows = np.arange(s, min(s + batch, n_ref))
        kq = min(n_tree, k + 8 + (min(theiler, 8)))
        while rows.size:
            q = points[ref_idx[rows]]
            # threads only pay off for big queries (start-up dominates small ones)
            workers = -1 if rows.size * kq >= _PARALLEL_QUERY_MIN else 1
            d, j = tree.query(q, k=kq, p=p, distance_upper_bound=bound, workers=workers)
            d = np.asarray(d).reshape(rows.size, kq)
            j = np.asarray(j).reshape(rows.size, kq)
            present = j < n_tree
            valid = present & (np.abs(j - ref_idx[rows, None]) > theiler)
            if exclude_zero:
                valid &= d > 0.0
            order = np.argsort(~valid, axis=1, kind="stable")[:, :k]
            take_v = np.take_along_axis(valid, order, axis=1)
            out_i[rows] = np.where(take_v, np.take_along_axis(j, order, axis=1), -1)
            out_d[rows] = np.where(take_v, np.take_along_axis(d, order, axis=1), np.inf)
            n_valid = valid.sum(axis=1)
            # rows still short whose query was not exhausted by the bound or by the data
            short = (n_valid < k) & present[:, -1]
            if kq >= n_tree or not short.any():
                break
            rows = rows[short]
            kq = min(n_tree, 4 * kq)
    return out_i, out_d


# --------------------------------------------------------------------------------------
# Dimension
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EmbeddingDimensionEstimate:
    """Chosen embedding dimension and the curves it was read from.

    Attributes
    ----------
    dimension : int
        Chosen embedding dimension (number of delays; multiply by the number of channels for
        the number of coordinates).
    method : str
        ``"cao"`` or ``"fnn"``.
    dimensions : numpy.ndarray of int, shape (n_d,)
        ``1 .. max_dimension``.
    e1, e2 : numpy.ndarray, shape (n_d,) or None
        Cao's ``E1(d)`` and ``E2(d)`` (``method="cao"``).
    fnn_fraction : numpy.ndarray, shape (n_d,) or None
        Fraction of false nearest neighbours at each ``d`` (``method="fnn"``).
    delay, theiler : int
        Delay and Theiler window used (samples).
    threshold : float
        Saturation threshold of the rule (``e1_threshold`` or ``fnn_threshold``).
    criterion : str
        The rule applied.
    n_references : int
        Reference points used per dimension.
    rtol, atol : float or None
        Kennel et al. tolerances (``method="fnn"``).
    """

    dimension: int
    method: str
    dimensions: np.ndarray = field(repr=False)
    e1: np.ndarray | None = field(default=None, repr=False)
    e2: np.ndarray | None = field(default=None, repr=False)
    fnn_fraction: np.ndarray | None = field(default=None, repr=False)
    delay: int = 1
    theiler: int = 0
    threshold: float = 0.0
    criterion: str = ""
    n_references: int = 0
    rtol: float | None = None
    atol: float | None = None


def _reference_subset(n: int, max_references: int | None) -> np.ndarray:
    if max_references is None or n <= max_references:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_references).round().astype(np.int64))


def _nn_stats(arr: np.ndarray, d: int, delay: int, theiler: int, p: float, exclude_zero: bool,
              max_references: int | None):
    """Nearest neighbours in dimension d among vectors that also have a (d+1)-th delay.

    Returns the neighbour distances, the differences of the (d+1)-th delay coordinates
    (shape (n_pairs, n_channels)) and the number of references tried."""
    n = arr.shape[0]
    n_d = n - d * delay
    emb = np.concatenate([arr[k * delay: k * delay + n_d] for k in range(d)], axis=1)
    new = arr[d * delay: d * delay + n_d]
    refs = _reference_subset(n_d, max_references)
    # one compiled k-d tree per dimension, the Theiler window applied inside the search
    tree = _ek.build_tree(emb, _LEAFSIZE)
    # queries in tree order (spatial neighbours one after another: the nodes they visit stay in
    # cache); the result does not depend on the order
    pos = np.empty(n_d, np.int64)
    pos[tree[0]] = np.arange(n_d)
    order = np.argsort(pos[refs], kind="stable")
    idx_o, dist_o = _ek.nearest_outside_window(tree, emb, refs[order], int(theiler),
                                               _dk.CHEBYSHEV if p == np.inf else _dk.EUCLIDEAN,
                                               bool(exclude_zero))
    idx = np.empty_like(idx_o)
    dist = np.empty_like(dist_o)
    idx[order] = idx_o
    dist[order] = dist_o
    ok = idx >= 0
    r, j, dd = refs[ok], idx[ok], dist[ok]
    return dd, new[r] - new[j], refs.size


def _cao_e(arr: np.ndarray, d: int, delay: int, theiler: int, max_references: int | None):
    dd, diff, n_refs = _nn_stats(arr, d, delay, theiler, np.inf, True, max_references)
    step = np.abs(diff).max(axis=1)
    return float(np.mean(np.maximum(dd, step) / dd)), float(np.mean(step)), n_refs


def _cao_first_saturation(arr: np.ndarray, delay: int, theiler: int, max_dimension: int,
                          e1_threshold: float = 0.9, max_references: int | None = 20000) -> int | None:
    """Cao's rule evaluated dimension by dimension, stopping at the first d with
    E1(d) >= e1_threshold (same numbers as :func:`estimate_dimension`); None if none."""
    e_prev = _cao_e(arr, 1, delay, theiler, max_references)[0]
    for d in range(1, max_dimension + 1):
        e_next = _cao_e(arr, d + 1, delay, theiler, max_references)[0]
        if e_next / e_prev >= e1_threshold:
            return d
        e_prev = e_next
    return None


def estimate_dimension(
    x,
    delay: int,
    method: Literal["cao", "fnn"] = "cao",
    max_dimension: int = 10,
    theiler: int | None = None,
    *,
    e1_threshold: float = 0.9,
    fnn_threshold: float = 0.01,
    rtol: float = 15.0,
    atol: float = 2.0,
    max_references: int | None = 20000,
) -> EmbeddingDimensionEstimate:
    """Choose the embedding dimension by Cao's method or false nearest neighbours.

    **Cao (1997, Physica D 110, 43).** For each ``d``, every delay vector ``y_i(d)``
    (``i < n - d*tau``) gets its nearest neighbour ``y_{n(i)}(d)`` in the maximum norm, and

    ``a(i, d) = |y_i(d+1) - y_n(d+1)|_inf / |y_i(d) - y_n(d)|_inf``,
    ``E(d) = <a(i, d)>``, ``E*(d) = <|x_{i+d tau} - x_{n+d tau}|>``,
    ``E1(d) = E(d+1)/E(d)``, ``E2(d) = E*(d+1)/E*(d)``.

    ``E1`` saturates near 1 once ``d`` suffices; ``E2`` stays near 1 for all ``d`` only for
    stochastic data (a :class:`ReliabilityWarning` is issued when ``|E2(d) - 1| < 0.1`` for
    every ``d`` while ``E1(1)`` is below the threshold; a full-state multivariate series with
    ``E1(1) ~ 1`` is not flagged). **Saturation rule:** the dimension is the smallest ``d`` with
    ``E1(d) >= e1_threshold`` (default 0.9); if none, ``max_dimension`` with a
    :class:`ReliabilityWarning`.

    **False nearest neighbours (Kennel, Brown & Abarbanel 1992, Phys. Rev. A 45, 3403).** With
    ``R_d(i)`` the Euclidean distance to the nearest neighbour in dimension ``d``, the pair is
    false if ``|x_{i+d tau} - x_{n+d tau}| / R_d(i) > rtol`` (criterion 1, default 15; the
    authors find results insensitive for ``rtol >= 10``) or ``R_{d+1}(i) / R_A > atol``
    (criterion 2, default 2) with ``R_A`` the standard deviation of the series. The
    dimension is the smallest ``d`` whose false fraction is ``<= fnn_threshold``
    (default 0.01); if none, ``max_dimension`` with a :class:`ReliabilityWarning`.

    Neighbours closer than the Theiler window in time are skipped. Ties (distance 0, e.g. in
    quantised data): Cao's method skips exact duplicates and takes the nearest distinct
    vector (Cao 1997 takes the next nearest neighbour in that case); for FNN a duplicate in
    dimension ``d`` is a false neighbour if the added coordinate differs (the ratio of
    criterion 1 is infinite) and a true one if not. For multivariate series each step adds
    all channels; the new-coordinate difference is the maximum (Cao) or Euclidean (FNN) norm
    over the added channels and ``R_A`` is the root of the summed channel variances.

    Parameters
    ----------
    x : array_like, shape (n_times,) or (n_times, n_channels)
    delay : int >= 1
        Delay in samples (e.g. from :func:`estimate_delay`).
    method : {"cao", "fnn"}
    max_dimension : int >= 1
        Largest dimension examined.
    theiler : int >= 0, optional
        Theiler window in samples; default :func:`theiler_window` (mean period).
    e1_threshold, fnn_threshold : float
        Saturation thresholds (see above).
    rtol, atol : float
        Kennel et al. tolerances.
    max_references : int or None
        At most this many reference vectors (evenly spaced in time) per dimension; their
        neighbours are searched among all vectors. ``None`` uses all.

    Returns
    -------
    EmbeddingDimensionEstimate

    Raises
    ------
    InsufficientDataError
        If the series is too short for ``max_dimension`` (the message gives the minimum).
    """
    if method not in ("cao", "fnn"):
        raise ValidationError(f"method must be 'cao' or 'fnn'; got {method!r}.")
    delay = check_positive_int(delay, "delay")
    max_dimension = check_positive_int(max_dimension, "max_dimension")
    arr = _as_2d(as_series(x, "x", min_length=2, rescale=True))
    n = arr.shape[0]
    if theiler is None:
        theiler = theiler_window(arr) if n >= 4 else 0
    theiler = check_nonnegative_int(theiler, "theiler")
    need = (max_dimension + 1) * delay + 2 * theiler + 12
    if n < need:
        raise InsufficientDataError(
            f"x has {n} samples; estimate_dimension with max_dimension={max_dimension}, delay={delay}, "
            f"theiler={theiler} needs at least {need} ((max_dimension+1)*delay + 2*theiler + 12)."
        )
    if max_references is not None:
        max_references = check_positive_int(max_references, "max_references")
    rtol = check_positive_float(rtol, "rtol")
    atol = check_positive_float(atol, "atol")
    dims = np.arange(1, max_dimension + 1)

    if method == "cao":
        E = np.empty(max_dimension + 1)
        Es = np.empty(max_dimension + 1)
        n_refs = 0
        for q, d in enumerate(range(1, max_dimension + 2)):
            E[q], Es[q], n_refs = _cao_e(arr, d, delay, theiler, max_references)
        e1 = E[1:] / E[:-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            e2 = Es[1:] / Es[:-1]
        if not (np.all(np.isfinite(e1)) and np.all(np.isfinite(e2))):
            warnings.warn("estimate_dimension: Cao's E1/E2 are undefined (NaN/inf) for some d: nearest "
                          "neighbours at zero distance (values repeat exactly, e.g. quantised or nearly constant "
                          "data); the estimate is unreliable.", ReliabilityWarning, stacklevel=2)
        hit = np.flatnonzero(e1 >= e1_threshold)
        crit = f"smallest d with E1(d) >= {e1_threshold}"
        dim = int(dims[hit[0]]) if hit.size else max_dimension
        if not hit.size:
            warnings.warn(
                f"estimate_dimension: Cao's E1(d) stayed below {e1_threshold} up to max_dimension="
                f"{max_dimension} (last value {e1[-1]:.3f}); using {max_dimension}. The data may be "
                "noisy or high-dimensional: inspect E1/E2 (plot_dimension_selection).",
                ReliabilityWarning, stacklevel=2)
        if e1[0] < e1_threshold and np.all(np.isfinite(e2)) and np.max(np.abs(e2 - 1.0)) < 0.1:
            warnings.warn(
                "estimate_dimension: Cao's E2(d) stays within 0.1 of 1 for every d, the signature of "
                "stochastic (not low-dimensional deterministic) data (Cao 1997); the chosen dimension "
                f"({dim}) is not meaningful.", ReliabilityWarning, stacklevel=2)
        return EmbeddingDimensionEstimate(
            dimension=dim, method="cao", dimensions=dims, e1=e1, e2=e2, delay=delay, theiler=theiler,
            threshold=float(e1_threshold), criterion=crit, n_references=int(n_refs))

    r_a = float(np.sqrt(arr.var(axis=0).sum()))
    frac = np.empty(max_dimension)
    n_refs = 0
    for q, d in enumerate(dims):
        dd, diff, n_refs = _nn_stats(arr, int(d), delay, theiler, 2.0, False, max_references)
        step = np.sqrt((diff ** 2).sum(axis=1))
        r_next = np.sqrt(dd ** 2 + step ** 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(dd > 0, step / np.where(dd > 0, dd, 1.0), np.where(step > 0, np.inf, 0.0))
        false = (ratio > rtol) | (r_next / r_a > atol)
        frac[q] = false.mean() if false.size else np.nan
    hit = np.flatnonzero(frac <= fnn_threshold)
    crit = f"smallest d with false-neighbour fraction <= {fnn_threshold}"
    dim = int(dims[hit[0]]) if hit.size else max_dimension
    if not hit.size:
        warnings.warn(
            f"estimate_dimension: the false-nearest-neighbour fraction stayed above {fnn_threshold} up "
            f"to max_dimension={max_dimension} (last value {frac[-1]:.3f}); using {max_dimension}. "
            "Noise keeps FNN high: inspect the curve (plot_dimension_selection).",
            ReliabilityWarning, stacklevel=2)
    return EmbeddingDimensionEstimate(
        dimension=dim, method="fnn", dimensions=dims, fnn_fraction=frac, delay=delay, theiler=theiler,
        threshold=float(fnn_threshold), criterion=crit, n_references=int(n_refs), rtol=rtol, atol=atol)
