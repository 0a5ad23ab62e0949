"""Drift and diffusion from data: Kramers–Moyal estimation and sparse Langevin identification.

Model and conventions. The data are samples ``x_k = x(k dt)`` of an Itô diffusion

    dx = f(x) dt + G(x) dW,        diffusion matrix  Σ(x) = G(x) G(x)ᵀ,

(``W`` a standard Wiener process). Everything here reports the drift ``f`` and the diffusion
*matrix* ``Σ = G Gᵀ`` (in 1-D ``g²``: PyDaddy's convention, twice the Kramers–Moyal coefficient
``D⁽²⁾ = g²/2``). With increments ``Δ = x_{k+1} − x_k``,

    f(x) = lim E[Δ | x] / dt,      Σ(x) = lim E[Δ Δᵀ | x] / dt      (dt → 0).

:func:`kramers_moyal` estimates these conditional moments on a grid, by binning (every cell
averages the increments of the points in it) or by kernel smoothing (Nadaraya–Watson with the
Epanechnikov kernel on a fine grid, as the ``kramersmoyal`` package does; Lamouroux & Lehnertz
2009). :class:`LangevinRegression` identifies sparse drift and diffusion on function libraries
(the SINDy libraries and optimizers; Boninsegna, Nüske & Clementi 2018) and, for coarse
sampling, refits the selected model so that its *finite-dt* conditional moments, computed from
the model's own transition operator, match the data's (Callaham, Loiseau, Rigas & Brunton 2021,
"Langevin regression").

Finite-dt effects. At a finite step the conditional moments differ from the coefficients:
``E[Δ|x]/dt = f + (dt/2)(f f' + ½ g² f'') + O(dt²)`` and
``E[Δ²|x]/dt = g² + dt f² + O(dt)``-terms (Itô–Taylor; e.g. Honisch & Friedrich 2011,
Gottschall & Peinke 2008). :func:`kramers_moyal` (``correction=True``) removes the largest
term of the second, ``dt f²``, by using the conditional *variance* ``E[Δ²|x] − E[Δ|x]²``;
the remaining ``O(dt)`` terms are corrected only by the model refit of
:class:`LangevinRegression` (``finite_dt=True``).

References
----------
Risken, H. (1989). The Fokker–Planck Equation, 2nd ed. Springer (Kramers–Moyal expansion,
Pawula theorem).
Lamouroux, D. & Lehnertz, K. (2009). Phys. Lett. A 373, 3507 (kernel estimation).
Rydin Gorjão, L. & Meirinhos, F. (2019). J. Open Source Softw. 4, 1693 (``kramersmoyal``).
Gottschall, J. & Peinke, J. (2008). New J. Phys. 10, 083034 (finite-dt corrections).
Honisch, C. & Friedrich, R. (2011). Phys. Rev. E 83, 066701 (finite-dt estimation).
Boninsegna, L., Nüske, F. & Clementi, C. (2018). J. Chem. Phys. 148, 241723 (sparse SDE).
Callaham, J. L., Loiseau, J.-C., Rigas, G. & Brunton, S. L. (2021). Proc. R. Soc. A 477,
20210092 (Langevin regression).
Nabeel, A., Karichannavar, A., Palathingal, S., Jhawar, J., Brückner, D. B., Raj M., D. &
Guttal, V. (2023). PLoS Comput. Biol. 19, e1011064 (PyDaddy; benchmark models A–D).
Schwarz, G. (1978). Ann. Stat. 6, 461 (BIC).
Silverman, B. W. (1986). Density Estimation for Statistics and Data Analysis (bandwidth).
"""
from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

import numpy as np

from ..core.errors import InsufficientDataError, ReliabilityWarning, ValidationError
from ..core.validation import (as_float_array, as_series, check_positive_float, check_positive_int,
                               check_time_vector, check_uniform_sampling)
from .libraries import Library, PolynomialLibrary
from .optimizers import STLSQ, aicc as _aicc

if TYPE_CHECKING:  # pragma: no cover
    from ..core.stochastic import StochasticSpec, StochasticSystem

__all__ = ["kramers_moyal", "KramersMoyalResult", "LangevinRegression", "langevin_spec",
           "ResidualCheck"]

#: Pawula ratio E[Δ⁴] / (3 E[Δ²]²) above which increments are called non-Gaussian (jumps).
PAWULA_LIMIT = 1.5


# ============================================================================ input handling
def _series_and_dt(x, dt, t, name="x", min_length=10) -> tuple[np.ndarray, float]:
    arr = as_series(x, name, min_length=min_length)
    arr = arr[:, None] if arr.ndim == 1 else arr
    if t is not None:
        tt = check_time_vector(t, arr.shape[0], "t")
        step = check_uniform_sampling(tt, "t")
        if dt is not None and not math.isclose(float(dt), step, rel_tol=1e-6):
            raise ValidationError(f"dt={dt} disagrees with the step of t ({step:.6g}); pass one of them.")
        return arr, step
    return arr, check_positive_float(1.0 if dt is None else dt, "dt")


def _stationarity_warning(x: np.ndarray) -> str | None:
    """A coarse level-shift check: first vs last quarter of the record.

    Returns a message when, in some channel, the means of the two quarters differ by more than
    two pooled standard deviations (a trend or a random walk), else None. Stationary processes
    observed for many correlation times stay far below that.
    """
    n = x.shape[0]
    if n < 40:
        return None
    q = n // 4
    a, b = x[:q], x[-q:]
    sd = np.sqrt(0.5 * (a.var(axis=0) + b.var(axis=0)))
    shift = np.abs(a.mean(axis=0) - b.mean(axis=0)) / np.where(sd > 0, sd, np.inf)
    if np.any(shift > 2.0):
        return (f"the series looks non-stationary: the means of its first and last quarters differ by "
                f"{float(shift.max()):.3g} standard deviations; drift and diffusion estimates assume a "
                "stationary (or at least time-homogeneous) process. Detrend it or analyse segments.")
    return None


# ============================================================================ Kramers–Moyal
@dataclass(frozen=True)
class KramersMoyalResult:
    """Conditional-moment (Kramers–Moyal) estimates of drift and diffusion on a grid.

    Only grid points with at least ``min_count`` samples (effective samples for the kernel
    method) are kept; the others are listed in ``dropped_points`` and never appear as NaN.

    Attributes
    ----------
    points : ndarray, (m,) in 1-D or (m, d)
        Cell centres (binning) or grid points (kernel) that were kept (data units).
    drift : ndarray, (m,) or (m, d)
        ``E[Δ|x] / dt`` (data units per time unit).
    diffusion : ndarray, (m,) or (m, d, d)
        ``Σ = G Gᵀ`` estimated by ``Cov[Δ|x] / dt`` (``correction=True``) or ``E[ΔΔᵀ|x] / dt``
        (units² per time unit); in 1-D ``g²``.
    drift_stderr, diffusion_stderr : ndarray
        Standard errors (same shapes): ``sqrt(Var[Δ|x] / n) / dt`` and
        ``sqrt(Var[Δ_iΔ_j|x] / n) / dt`` with ``n`` the (effective) count.
    counts : ndarray, (m,)
        Samples per kept cell (binning) or effective number of samples
        ``(Σ K)² / Σ K²`` (kernel).
    pawula_ratio : ndarray, (m,) or (m, d)
        ``E[Δ_i⁴|x] / (3 E[Δ_i²|x]²)``: 1 for Gaussian increments (a diffusion), well above 1
        when jumps contribute (Pawula theorem: the fourth Kramers–Moyal coefficient must vanish
        for a diffusion model to be adequate).
    pawula_overall : ndarray, (d,)
        The same ratio pooled over all kept cells (count-weighted).
    diffusion_adequate : bool
        Every ``pawula_overall`` below :data:`PAWULA_LIMIT` (1.5).
    edges : tuple of ndarray
        Grid edges per dimension (binning) or grid coordinates (kernel).
    dropped_points : ndarray, (k,) or (k, d)
        Grid points with samples but fewer than ``min_count`` (dropped).
    n_outside : int
        Samples outside the grid (skipped).
    dt, method, bandwidth, min_count, correction :
        Settings used (``bandwidth`` is None for binning).
    flags : tuple of str
        Quality messages (also issued as :class:`~attractor.ReliabilityWarning`).
    reliable : bool
        No flags were raised.
    """

    points: np.ndarray
    drift: np.ndarray
    diffusion: np.ndarray
    drift_stderr: np.ndarray
    diffusion_stderr: np.ndarray
    counts: np.ndarray
    pawula_ratio: np.ndarray
    pawula_overall: np.ndarray
    diffusion_adequate: bool
    edges: tuple
    dropped_points: np.ndarray
    n_outside: int
    dt: float
    method: str
    bandwidth: float | None
    min_count: int
    correction: bool
    flags: tuple = ()
    reliable: bool = True

    @property
    def dimension(self) -> int:
        return 1 if self.points.ndim == 1 else self.points.shape[1]

    @property
    def n_dropped(self) -> int:
        return int(self.dropped_points.shape[0])


def _grid(arr, bins, rng, pad) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = arr.shape[1]
    if np.ndim(bins) == 0:
        bins = [bins] * d
    if len(bins) != d:
        raise ValidationError(f"bins has {len(bins)} entries for {d}-dimensional data.")
    shape = np.array([check_positive_int(b, "bins") for b in bins], dtype=np.int64)
    if rng is None:
        lo = arr.min(axis=0) - pad
        hi = arr.max(axis=0) + pad
    else:
        r = as_float_array(rng, "range", ndim=(1, 2))
        r = r.reshape(d, 2) if r.size == 2 * d else None
        if r is None:
            raise ValidationError(f"range must give (low, high) for each of the {d} dimensions.")
        lo, hi = r[:, 0].copy(), r[:, 1].copy()
        if np.any(hi <= lo):
            raise ValidationError("range must have high > low in every dimension.")
    width = (hi - lo) / shape
    return lo, width, shape


def _epanechnikov_weights(width, bw, d) -> tuple[np.ndarray, int]:
    """Epanechnikov kernel ``(1 − r²/bw²)₊`` on the grid offsets (unnormalised; NW ratios cancel it)."""
    half = [int(math.floor(bw / w)) for w in width]
    axes = [w * np.arange(-h, h + 1) for w, h in zip(width, half)]
    mesh = np.meshgrid(*axes, indexing="ij")
    r2 = sum(m * m for m in mesh) / (bw * bw)
    return np.where(r2 < 1.0, 1.0 - r2, 0.0), max(half)


def kramers_moyal(x, dt: float | None = None, *, t=None, bins: int | Sequence[int] | None = None,
                  method: str = "binning", bandwidth: float | None = None, range=None,  # noqa: A002
                  min_count: int = 10, correction: bool = True) -> KramersMoyalResult:
    """Estimate drift ``f`` and diffusion ``Σ = G Gᵀ`` of ``dx = f dt + G dW`` from a sampled path.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, d)
        Uniformly sampled path (rows are time), ``n >= 10``.
    dt : float, optional
        Sampling step (time units; default 1, or the step of ``t``).
    t : array_like, optional
        Time stamps; must be uniform (``ValidationError`` otherwise: resample first).
    bins : int or sequence of int, optional
        Cells per dimension. Defaults: binning 40 (1-D), 20 (2-D), 10 (higher); kernel
        200 (1-D), 60 (2-D), 25 (higher).
    method : {"binning", "kernel"}
        ``"binning"``: averages over the samples in each cell (one compiled pass).
        ``"kernel"``: Nadaraya–Watson smoothing with the Epanechnikov kernel
        ``K(r) ∝ (1 − |r|²/h²)₊`` of radius ``bandwidth``, evaluated on the grid from the
        cell sums (samples snapped to cell centres, like ``kramersmoyal.km``), by FFT convolution.
    bandwidth : float, optional
        Kernel radius ``h`` (data units). Default: Silverman's rule of thumb
        ``h = σ_max (4 / ((d + 2) n))^{1/(d+4)}`` with ``σ_max`` the largest channel standard
        deviation (in 1-D ``(4σ⁵/(3n))^{1/5}``, the default of ``kramersmoyal``). Must be at least
        one cell width (``ValidationError``: the kernel would see a single cell).
    range : sequence of (low, high), optional
        Grid limits per dimension; default the data range (binning) or the data range padded
        by ``bandwidth`` (kernel, as ``kramersmoyal``). Points outside are skipped.
    min_count : int
        Cells with fewer (effective) samples are dropped and reported.
    correction : bool
        Use the conditional covariance ``Cov[Δ|x]/dt`` for ``Σ`` (removes the ``dt f fᵀ``
        finite-step bias); False gives the raw second moment ``E[ΔΔᵀ|x]/dt``.

    Returns
    -------
    KramersMoyalResult

    Raises
    ------
    ValidationError
        Bad input (non-finite, constant, non-uniform ``t``), a bandwidth below one cell, an
        unknown method.
    InsufficientDataError
        No cell has ``min_count`` samples.

    Warns
    -----
    ReliabilityWarning
        Non-Gaussian increments (Pawula ratio above 1.5: a diffusion model is not adequate),
        a non-stationary-looking series, many dropped cells.

    Notes
    -----
    Binning of 10⁷ samples takes about 1 s and allocates only the cell table (see
    ``benchmarks/bench_stochastic.py``).
    """
    from ._stochastic_kernels import bin_increments

    arr, dt = _series_and_dt(x, dt, t)
    n, d = arr.shape
    if method not in ("binning", "kernel"):
        raise ValidationError(f"method must be 'binning' or 'kernel'; got {method!r}.")
    min_count = check_positive_int(min_count, "min_count")
    kernel = method == "kernel"
    if bins is None:
        bins = ({1: 200, 2: 60}.get(d, 25)) if kernel else ({1: 40, 2: 20}.get(d, 10))
    bw = None
    if kernel:
        if bandwidth is None:
            sigma = float(arr.std(axis=0).max())
            bw = sigma * (4.0 / ((d + 2) * n)) ** (1.0 / (d + 4))
        else:
            bw = check_positive_float(bandwidth, "bandwidth")
    lo, width, shape = _grid(arr, bins, range, 0.0 if bw is None else bw)
    strides = np.ones(d, dtype=np.int64)
    for i in reversed(np.arange(d - 1)):
        strides[i] = strides[i + 1] * shape[i + 1]
    n_cells = int(np.prod(shape))
    if n_cells > 50_000_000:
        raise ValidationError(f"the grid has {n_cells} cells; use fewer bins.")
    table, outside = bin_increments(np.ascontiguousarray(arr), lo, width, shape, strides, n_cells)
    P = d * (d + 1) // 2
    centres = [lo[i] + width[i] * (np.arange(shape[i]) + 0.5) for i in np.arange(d)]
    flags: list[str] = []
    if kernel:
        if np.any(bw < width):
            raise ValidationError(
                f"bandwidth {bw:.3g} is smaller than the grid spacing {float(width.max()):.3g}: the kernel would "
                "average a single cell. Use a larger bandwidth, more bins, or method='binning'.")
        from scipy.signal import fftconvolve

        K, _ = _epanechnikov_weights(width, bw, d)
        grid_tab = table.reshape(*shape, table.shape[1])
        conv = np.stack([fftconvolve(grid_tab[..., c], K, mode="same") for c in np.arange(table.shape[1])], axis=-1)
        conv2 = fftconvolve(grid_tab[..., 0], K * K, mode="same")
        conv = conv.reshape(n_cells, -1)
        conv[np.abs(conv) < 1e-12 * max(1.0, float(np.abs(conv[:, 0]).max()))] = 0.0
        w = conv[:, 0]
        w2 = np.maximum(conv2.reshape(n_cells), 0.0)
        occupied = w > 1e-9 * max(w.max(), 1e-300)
        counts = np.where(occupied, w * w / np.where(w2 > 0, w2, np.inf), 0.0)
        sums = conv
        denom = np.where(occupied, w, 1.0)
    else:
        counts = table[:, 0]
        occupied = counts > 0
        sums = table
        denom = np.where(occupied, counts, 1.0)
    keep = occupied & (counts >= min_count)
    mesh = np.stack(np.meshgrid(*centres, indexing="ij"), axis=-1).reshape(n_cells, d)
    dropped = mesh[occupied & ~keep]
    if not keep.any():
        raise InsufficientDataError(
            f"no grid cell has {min_count} samples (most has {float(counts.max()):.0f}); use fewer bins, a larger "
            "bandwidth, a smaller min_count or a longer series.")
    S = sums[keep] / denom[keep, None]
    m1 = S[:, 1:1 + d]
    m2 = S[:, 1 + d:1 + d + P]
    m22 = S[:, 1 + d + P:]
    nk = counts[keep]
    iu = np.triu_indices(d)
    diag_pos = np.array([p for p, (i, j) in enumerate(zip(*iu)) if i == j])
    second = m2.copy()
    if correction:
        second = m2 - m1[:, iu[0]] * m1[:, iu[1]]
    var1 = np.maximum(m2[:, diag_pos] - m1 ** 2, 0.0)
    var2 = np.maximum(m22 - m2 ** 2, 0.0)
    drift = m1 / dt
    drift_se = np.sqrt(var1 / nk[:, None]) / dt
    diff_flat = second / dt
    diff_se_flat = np.sqrt(var2 / nk[:, None]) / dt
    m = nk.size
    diff = np.zeros((m, d, d))
    diff_se = np.zeros((m, d, d))
    diff[:, iu[0], iu[1]] = diff_flat
    diff[:, iu[1], iu[0]] = diff_flat
    diff_se[:, iu[0], iu[1]] = diff_se_flat
    diff_se[:, iu[1], iu[0]] = diff_se_flat
    m4 = m22[:, diag_pos]
    m2d = m2[:, diag_pos]
    with np.errstate(divide="ignore", invalid="ignore"):
        pawula = np.where(m2d > 0, m4 / (3.0 * m2d ** 2), np.inf)
        pooled = (nk @ m4) / (3.0 * (nk @ m2d ** 2 / nk.sum()) * nk.sum())
    pooled = np.where(np.isfinite(pooled), pooled, np.inf)
    adequate = bool(np.all(pooled < PAWULA_LIMIT))
    if not adequate:
        flags.append(f"increments are far from Gaussian (Pawula ratio E[Δ⁴]/(3E[Δ²]²) = "
                     f"{float(np.max(pooled)):.3g} > {PAWULA_LIMIT}): jumps or a too-coarse step; a diffusion "
                     "(Langevin) model is not adequate.")
    if np.any(diff[:, np.arange(d), np.arange(d)] <= 0):
        flags.append("some cells have zero diffusion (no spread of increments): the data may be quantised or "
                     "deterministic.")
    frac_dropped = 1.0 - float(counts[keep].sum()) / max(float(counts[occupied].sum()), 1e-300)
    if frac_dropped > 0.05:
        flags.append(f"{frac_dropped:.0%} of the samples lie in cells with fewer than {min_count} samples "
                     "(dropped); use fewer bins.")
    msg = _stationarity_warning(arr)
    if msg:
        flags.append(msg)
    for f in flags:
        warnings.warn(f, ReliabilityWarning, stacklevel=2)
    pts = mesh[keep]
    squeeze = d == 1
    return KramersMoyalResult(
        points=pts[:, 0] if squeeze else pts,
        drift=drift[:, 0] if squeeze else drift,
        diffusion=diff[:, 0, 0] if squeeze else diff,
        drift_stderr=drift_se[:, 0] if squeeze else drift_se,
        diffusion_stderr=diff_se[:, 0, 0] if squeeze else diff_se,
        counts=nk, pawula_ratio=pawula[:, 0] if squeeze else pawula, pawula_overall=np.asarray(pooled),
        diffusion_adequate=adequate,
        edges=tuple(lo[i] + width[i] * np.arange(shape[i] + 1) for i in np.arange(d)) if not kernel
        else tuple(centres),
        dropped_points=dropped[:, 0] if squeeze else dropped, n_outside=int(outside), dt=float(dt),
        method=method, bandwidth=bw, min_count=min_count, correction=bool(correction), flags=tuple(flags),
        reliable=not flags)


# ============================================================================ Langevin regression
def _bic(rss: float, n: int, k: int) -> float:
    return n * math.log(max(rss, 1e-300) / n) + k * math.log(n)


def _reduce(A: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Triangular reduction of ``y ≈ A c``: ``R`` (m×m), ``z = Qᵀy`` and the residual
    ``ρ² = ||y||² − ||z||²``
    of the full fit, so that ``||y − A c||² = ||z − R c||² + ρ²`` for every ``c``.

    From the Cholesky factor of the (column-scaled) Gram matrix of ``[A y]`` (one pass over the
    rows; a tall QR costs 30x more), falling back to a QR when the Gram matrix is too ill-conditioned.
    """
    B = np.column_stack([A, y])
    scale = np.sqrt(np.mean(B * B, axis=0))
    scale[scale == 0] = 1.0
    Bs = B / scale
    try:
        G = Bs.T @ Bs
        Ra = np.linalg.cholesky(G + 1e-13 * np.trace(G) / G.shape[0] * np.eye(G.shape[0])).T
        if not np.all(np.isfinite(Ra)) or np.min(np.abs(np.diag(Ra)[:-1])) < 1e-6 * np.max(np.abs(np.diag(Ra))):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        Ra = np.linalg.qr(Bs, mode="r")
    Ra = Ra * scale[None, :]
    m = A.shape[1]
    return Ra[:m, :m], Ra[:m, m], float(Ra[m, m] ** 2)


def _reduce_gram(G: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """:func:`_reduce` from the Gram matrix ``G = [A y]ᵀ[A y]`` (accumulated over row chunks)."""
    scale = np.sqrt(np.maximum(np.diag(G), 0.0))
    scale[scale == 0] = 1.0
    Gs = G / np.outer(scale, scale)
    k = Gs.shape[0]
    for jitter in (1e-13, 1e-10, 1e-7):
        try:
            Ra = np.linalg.cholesky(Gs + jitter * np.trace(Gs) / k * np.eye(k)).T
            if np.all(np.isfinite(Ra)):
                break
        except np.linalg.LinAlgError:
            continue
    else:
        raise ValidationError("the library's features are linearly dependent on the data (singular Gram matrix); "
                              "use a smaller library.")
    Ra = Ra * scale[None, :]
    m = k - 1
    return Ra[:m, :m], Ra[:m, m], float(Ra[m, m] ** 2)


def _path_select(R: np.ndarray, z: np.ndarray, rho2: float, n: int, criterion: str) -> tuple[np.ndarray, list, dict]:
    """STLSQ/stepwise path on the reduced problem ``R c ≈ z`` (residual floor ``rho2``), each model
    scored by BIC and AICc on ``n`` samples; the support of the best by ``criterion``, the path and
    the best entry."""
    opt = STLSQ()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opt.fit(R, z[:, None])
    ys2 = float(np.mean(z * z)) or 1.0
    path = []
    for e in opt.path_[0]:
        rss = e["rss"] * ys2 + rho2
        k = e["n_terms"]
        path.append(dict(e, rss=rss, bic=_bic(rss, n, k), aicc=_aicc(rss, n, k)))
    best = min(path, key=lambda e: (round(e[criterion], 9), e["n_terms"]))
    support = np.asarray(best["support"], bool)
    return support, path, best


def _select_gram(G: np.ndarray, n: int, criterion: str, allow_empty: bool = False) -> np.ndarray:
    """:func:`_select` (and, with ``allow_empty``, :func:`_select_or_empty`) from a Gram matrix."""
    R, z, rho2 = _reduce_gram(G)
    support, _, best = _path_select(R, z, rho2, n, criterion)
    m = G.shape[0] - 1
    if allow_empty:
        rss0 = float(G[m, m])
        score0 = _bic(rss0, n, 0) if criterion == "bic" else _aicc(rss0, n, 0)
        if not support.any() or score0 <= best[criterion]:
            return np.zeros(m, bool)
    if not support.any():
        support = np.zeros(m, bool)
        support[int(np.argmax(np.abs(G[:m, m]) / np.sqrt(np.diag(G)[:m] + 1e-300)))] = True
    return support


def _wls_gram(G: np.ndarray, n: int, support: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_wls` from a Gram matrix."""
    m = G.shape[0] - 1
    idx = np.r_[np.flatnonzero(support), m]
    R, z, rho2 = _reduce_gram(G[np.ix_(idx, idx)])
    sol, *_ = np.linalg.lstsq(R, z, rcond=None)
    r = z - R @ sol
    s2 = (float(r @ r) + rho2) / max(n - int(support.sum()), 1)
    c = np.zeros(m)
    se = np.zeros(m)
    c[support] = sol
    se[support] = np.sqrt(np.maximum(np.diag(np.linalg.pinv(R.T @ R) * s2), 0.0))
    return c, se


def _gram_pass(arr: np.ndarray, chunk: int, rows) -> np.ndarray:
    """``Σ_chunks [A y]ᵀ[A y]`` with ``(A, y) = rows(start, X0, D)`` built chunk by chunk
    (``X0 = x_k``, ``D = x_{k+1} − x_k`` for the chunk's k): memory of one chunk."""
    n = arr.shape[0] - 1
    G = None
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        X0 = arr[start:stop]
        A, y = rows(start, X0, arr[start + 1:stop + 1] - X0)
        B = np.column_stack([A, y])
        G = B.T @ B if G is None else G + B.T @ B
    return G


#: Above this many increments :class:`LangevinRegression` accumulates its regressions' Gram
#: matrices over row chunks of this size instead of holding the library matrices in memory.
_CHUNK_ROWS = 2_000_000


def _select(A: np.ndarray, y: np.ndarray, criterion: str) -> tuple[np.ndarray, list[dict]]:
    """Sparse support of ``y ≈ A c`` from the STLSQ/stepwise path, chosen by BIC or AICc."""
    n = A.shape[0]
    R, z, rho2 = _reduce(A, y)
    support, path, _ = _path_select(R, z, rho2, n, criterion)
    if not support.any():  # an all-zero model: keep the single most significant term
        support = np.zeros(A.shape[1], bool)
        support[int(np.argmax(np.abs(A.T @ y) / np.sqrt(np.sum(A * A, axis=0) + 1e-300)))] = True
    return support, path


def _select_or_empty(A: np.ndarray, y: np.ndarray, criterion: str) -> np.ndarray:
    """Like :func:`_select`, but the empty model (``y ≈ 0``, no terms) is a candidate too: its
    BIC/AICc (``k = 0``, RSS ``||y||²``) competes with the path's best. Used for off-diagonal
    diffusion entries, which vanish for uncorrelated noise."""

    support, path = _select(A, y, criterion)
    n = A.shape[0]
    rss0 = float(y @ y)
    score0 = _bic(rss0, n, 0) if criterion == "bic" else _aicc(rss0, n, 0)
    k = int(support.sum())
    best = min((e for e in path if e["n_terms"] == k and np.array_equal(np.asarray(e["support"], bool), support)),
               key=lambda e: e[criterion], default=None)
    if best is None or score0 <= best[criterion]:
        return np.zeros(A.shape[1], bool)
    return support


def _wls(A: np.ndarray, y: np.ndarray, support: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least squares on ``support`` (rows already weighted): coefficients and standard errors."""
    m = A.shape[1]
    c = np.zeros(m)
    se = np.zeros(m)
    R, z, rho2 = _reduce(A[:, support], y)
    sol, *_ = np.linalg.lstsq(R, z, rcond=None)
    r = z - R @ sol
    dof = max(A.shape[0] - int(support.sum()), 1)
    s2 = (float(r @ r) + rho2) / dof
    cov = np.linalg.pinv(R.T @ R) * s2
    c[support] = sol
    se[support] = np.sqrt(np.maximum(np.diag(cov), 0.0))
    return c, se


@dataclass(frozen=True)
class ResidualCheck:
    """Normalised residuals ``z_k = (Δ_k − f(x_k) dt) / (g(x_k) √dt)`` of a fitted Langevin model.

    For an adequate model they are independent standard normal: mean 0, variance 1, excess
    kurtosis 0, lag-1 autocorrelation 0 (each within a few of its standard errors, given in
    ``stderr``).

    Attributes
    ----------
    mean, variance, excess_kurtosis, autocorrelation : ndarray, (d,)
    stderr : dict of str -> float
        Standard errors under the null (``1/√n``, ``√(2/n)``, ``√(24/n)``, ``1/√n``).
    adequate : ndarray of bool, (d,)
        All four within 5 standard errors (variance also within 10 %).
    """

    mean: np.ndarray
    variance: np.ndarray
    excess_kurtosis: np.ndarray
    autocorrelation: np.ndarray
    stderr: dict = field(default_factory=dict)
    adequate: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))


def _poly_expression(exprs, coef) -> str:
    """``c_1*(e_1) + c_2*(e_2) + ...`` over the non-zero coefficients, floats written with ``repr``
    (exactly the fitted doubles); ``"0"`` when all vanish."""
    import sympy as sp

    parts = [f"{float(c)!r}*({sp.sstr(e)})" for c, e in zip(coef, exprs) if c != 0]
    return " + ".join(parts) if parts else "0"


def langevin_spec(name: str, state_names: Sequence[str], drift_library: Library, drift_coef,
                  diffusion_library: Library, diffusion_coef, offdiag_coef=None) -> "StochasticSpec":
    """The :class:`~attractor.core.stochastic.StochasticSpec` of a Langevin model.

    Drift ``f_i = Σ_k ξ_ik θ_k(x)`` and (without ``offdiag_coef``) diagonal noise ``G_ii = sqrt(Max(Σ_ii(x), 0))`` with
    ``Σ_ii = Σ_k η_ik φ_k(x)`` (Itô). The clip at 0 keeps the model defined where a fitted
    ``Σ_ii`` polynomial dips below 0 (:attr:`LangevinRegression.diffusion_positive_` is False,
    or outside the data range): there the noise is switched off. A constant ``Σ_ii`` simplifies
    to a constant ``G_ii`` (additive noise, so ``method="sra"`` applies).

    Parameters
    ----------
    name : str
    state_names : sequence of str
        Valid identifiers (not ``t``).
    drift_library, diffusion_library : Library
        Fitted libraries (their ``expressions`` give the features symbolically).
    drift_coef, diffusion_coef : array_like, (d, n_features)
    offdiag_coef : array_like, (d (d − 1) / 2, n_features), optional
        Coefficients of ``Σ_ij`` (i < j, row-major pairs). When any is non-zero the noise is the
        lower-triangular Cholesky factor ``G = L`` of ``Σ``, written out symbolically:
        ``L_jj = sqrt(Max(s_j, 0))`` with ``s_j = Σ_jj − Σ_{k<j} L_jk²`` and
        ``L_ij = (Σ_ij − Σ_{k<j} L_ik L_jk) / L_jj`` where ``s_j > 0`` (0 elsewhere: there ``Σ``
        is not positive definite and the model switches that noise component off).

    Returns
    -------
    StochasticSpec
    """
    import sympy as sp

    from ..core.stochastic import StochasticSpec

    states = tuple(str(s) for s in state_names)
    symbols = [sp.Symbol(s, real=True) for s in states]
    fe, ge = drift_library.expressions(symbols), diffusion_library.expressions(symbols)
    fc, gc = np.asarray(drift_coef, float), np.asarray(diffusion_coef, float)
    if fc.shape != (len(states), len(fe)) or gc.shape != (len(states), len(ge)):
        raise ValidationError(f"coefficients of shape {fc.shape} and {gc.shape} do not match {len(states)} states "
                              f"and libraries of {len(fe)} and {len(ge)} features.")
    drift = tuple(_poly_expression(fe, fc[i]) for i in range(len(states)))
    d = len(states)
    oc = None if offdiag_coef is None else np.asarray(offdiag_coef, float)
    if oc is not None and oc.shape != (d * (d - 1) // 2, len(ge)):
        raise ValidationError(f"off-diagonal coefficients of shape {oc.shape}; expected {(d * (d - 1) // 2, len(ge))}.")
    if oc is None or not np.any(oc):
        diffusion = tuple(f"sqrt(Max({_poly_expression(ge, gc[i])}, 0))" for i in range(d))
        return StochasticSpec(name, states, (), drift, diffusion, "ito")
    S = [[""] * d for _ in range(d)]
    for i in range(d):
        S[i][i] = f"({_poly_expression(ge, gc[i])})"
    for p, (i, j) in enumerate(_pairs(d)):
        S[i][j] = S[j][i] = f"({_poly_expression(ge, oc[p])})"
    L = [["0"] * d for _ in range(d)]
    for j in range(d):
        sj = S[j][j] + "".join(f" - ({L[j][k]})**2" for k in range(j))
        L[j][j] = f"sqrt(Max({sj}, 0))"
        for i in range(j + 1, d):
            num = S[i][j] + "".join(f" - ({L[i][k]})*({L[j][k]})" for k in range(j))
            L[i][j] = f"Piecewise((({num})/sqrt(Max({sj}, 1e-300)), ({sj}) > 0), (0, True))"
    return StochasticSpec(name, states, (), drift, tuple(tuple(row) for row in L), "ito")


def _pairs(d: int) -> list[tuple[int, int]]:
    """Off-diagonal index pairs ``(i, j)``, ``i < j``, row-major."""
    return [(i, j) for i in range(d) for j in range(i + 1, d)]


def _poly_text(names, coef, precision) -> str:
    terms = []
    for nm, c in zip(names, coef):
        if c == 0:
            continue
        v = f"{abs(c):.{precision}g}"
        t = v if nm == "1" else f"{v} {nm}"
        terms.append(("- " if c < 0 else "+ ") + t)
    if not terms:
        return "0"
    s = " ".join(terms)
    return s[2:] if s.startswith("+ ") else "-" + s[2:]


def _sde_equations(states, fl, fc, gl, gc, precision, oc=None) -> list[str]:
    fn, gn = fl.names(list(states)), gl.names(list(states))
    out = []
    if oc is not None and np.any(oc):
        for i, s in enumerate(states):
            out.append(f"d{s} = ({_poly_text(fn, fc[i], precision)}) dt + (G dW)_{i},  "
                       f"Σ_{s}{s} = {_poly_text(gn, gc[i], precision)}")
        for p, (i, j) in enumerate(_pairs(len(states))):
            if np.any(oc[p]):
                out.append(f"Σ_{states[i]}{states[j]} = {_poly_text(gn, oc[p], precision)}")
        return out
    for i, s in enumerate(states):
        out.append(f"d{s} = ({_poly_text(fn, fc[i], precision)}) dt + sqrt({_poly_text(gn, gc[i], precision)}) "
                   f"dW{i if len(states) > 1 else ''}")
    return out


class LangevinRegression:
    """Sparse identification of an Itô SDE ``dx = f(x) dt + G(x) dW`` (``Σ = G Gᵀ``, full or diagonal).

    Drift ``f_i = Θ_f(x) ξ_i`` and diffusion ``Σ_ii = Θ_g(x) η_i`` are linear in the features
    of two libraries (default: polynomials of degree 5 for the drift and 4 for the diffusion,
    constant included; in 2-D and above degree 3 and 2).

    Algorithm (per state ``i``; Boninsegna, Nüske & Clementi 2018 for the sparse regression,
    Callaham et al. 2021 for the refit):

    1. Short-time Gaussian (Euler) likelihood: ``Δ_i/dt ~ N(f_i(x), Σ_ii(x)/dt)``, so the drift is
       a weighted least-squares problem with weights ``1/Σ̂_ii(x)``, and the squared residuals
       ``r²/dt`` (mean ``Σ_ii``, variance ``2Σ_ii²``) a weighted one for the diffusion with weights
       ``1/Σ̂_ii(x)²``. Starting from a constant ``Σ̂``, drift and diffusion are alternated
       ``n_iter`` times.
    2. Sparsity: the candidate supports of the STLSQ threshold path and the stepwise
       (drop-the-smallest, backward and forward) paths of :class:`~attractor.learn.STLSQ`,
       on the weighted rows; the one minimising ``criterion`` (BIC ``n log(RSS/n) + k log n``,
       Schwarz 1978, consistent for the true support as ``n`` grows; or AICc) is kept and
       refitted by weighted least squares (standard errors from the same fit).
    2b. Off-diagonal diffusion (``diffusion_structure="full"``, d ≥ 2): for each pair ``i < j``
       the products of the drift residuals ``r_i r_j / dt`` (mean ``Σ_ij(x)``, variance
       ``Σ_ii Σ_jj + Σ_ij²``) are regressed on the diffusion library with weights
       ``1/sqrt(Σ̂_ii Σ̂_jj)``, the empty model (``Σ_ij = 0``: uncorrelated noise) competing under
       the same criterion. The fitted ``Σ(x)`` is checked for positive definiteness at the data
       points (:attr:`diffusion_pd_fraction_`); :meth:`to_system` uses its Cholesky factor as ``G``.
    Long records: above 2·10⁶ increments every weighted least-squares problem of steps 1–2b is
    reduced to the Gram matrix of its rows, accumulated over chunks of 2·10⁶ rows (the same fit
    to rounding; memory of the series plus one chunk: 5·10⁷ samples in ~33 s and 0.4 GB above the series).
    3. Finite-dt refit (``finite_dt``; 1-D only): the model's conditional moments *at the
       sampling step*, ``E[Δ^p | x] = (e^{L dt} (· − x)^p)(x)`` for ``p = 1, 2`` with ``L`` the
       model's generator discretised on a fine grid (a birth–death chain whose jump rates
       reproduce ``f`` and ``g²`` exactly, reflecting at the ends; as in the Langevin regression
       of Callaham et al. 2021), define a Gaussian quasi-likelihood of the observed increments;
       the coefficients on the selected supports maximise it (Nelder–Mead from the Euler fit).
       For linear drift and constant diffusion this is the exact likelihood. ``"auto"`` does it
       when ``dt · median|f'(x)| > 0.05``, where the second-order Euler bias exceeds ~0.1 %, and
       there are at least 1000 samples. The refit is skipped (ReliabilityWarning) when one step
       spreads over much of the data range, and stops after 20 s (best point so far).

    Parameters
    ----------
    drift_library, diffusion_library : Library, optional
    criterion : {"bic", "aicc"}
    finite_dt : {"auto", True, False}
    ito_taylor : bool
        Subtract the first-order (``O(dt)``) Itô–Taylor terms of the conditional moments,
        ``(dt/2)(f f' + ½ g² f'')`` from ``Δ/dt`` and ``(dt/2)(2 g² f' + f (g²)' + ½ g² (g²)'')`` from
        ``r²/dt`` (evaluated with the previous alternation's fit; 1-D only).
    grid_points : int
        Points of the grid on which the finite-dt refit discretises the generator.
    n_iter : int
        Alternations of drift and diffusion fits.
    state_names : sequence of str, optional
    diffusion_structure : {"full", "diagonal"}
        Fit the off-diagonal entries ``Σ_ij`` too (d ≥ 2), or assume uncorrelated noise.

    Attributes
    ----------
    drift_coef_ : ndarray, (d, n_drift_features)
    diffusion_coef_ : ndarray, (d, n_diffusion_features)
        Coefficients of ``Σ_ii`` (``g²`` in 1-D).
    drift_stderr_, diffusion_stderr_ : ndarray
        Standard errors (weighted least squares; from the Euler fit).
    drift_support_, diffusion_support_ : ndarray of bool
    drift_names_, diffusion_names_ : list of str
    finite_dt_corrected_ : bool
    euler_drift_coef_, euler_diffusion_coef_ : ndarray
        The Euler (short-time likelihood) coefficients before the finite-dt refit.
    diffusion_positive_ : bool
        The fitted ``Σ_ii`` is positive over the data range and (with off-diagonal terms) ``Σ(x)``
        is positive definite at every data point checked (else a ReliabilityWarning).
    diffusion_offdiag_coef_, diffusion_offdiag_stderr_ : ndarray, (d (d − 1) / 2, n_diffusion_features)
        Coefficients (and standard errors) of ``Σ_ij``, pairs ``i < j`` in :attr:`diffusion_pairs_`
        order (all zero in 1-D, for ``diffusion_structure="diagonal"`` or uncorrelated noise).
    diffusion_offdiag_support_ : ndarray of bool
    diffusion_pairs_ : list of (int, int)
    diffusion_pd_fraction_ : float
        Fraction of the data points (up to 20 000, evenly spaced) where the fitted ``Σ(x)`` is
        positive definite (1-D: where ``g² > 0``).
    dt_, n_samples_, x0_, data_range_ :
        Sampling step, number of increments, last sample, (d, 2) data range.
    """

    def __init__(self, drift_library: Library | None = None, diffusion_library: Library | None = None,
                 criterion: str = "bic", finite_dt: str | bool = "auto", ito_taylor: bool = True,
                 grid_points: int = 161,
                 n_iter: int = 3, state_names: Sequence[str] | None = None, diffusion_structure: str = "full"):
        self.drift_library = drift_library
        self.diffusion_library = diffusion_library
        self.criterion = criterion
        self.finite_dt = finite_dt
        self.ito_taylor = ito_taylor
        self.grid_points = grid_points
        self.n_iter = n_iter
        self.state_names = state_names
        self.diffusion_structure = diffusion_structure

    def fit(self, x, dt: float | None = None, *, t=None) -> "LangevinRegression":
        """Fit drift and diffusion to a uniformly sampled path ``x`` (n,) or (n, d)."""
        if self.criterion not in ("bic", "aicc"):
            raise ValidationError(f"criterion must be 'bic' or 'aicc'; got {self.criterion!r}.")
        if self.finite_dt not in ("auto", True, False):
            raise ValidationError(f"finite_dt must be 'auto', True or False; got {self.finite_dt!r}.")
        if self.diffusion_structure not in ("full", "diagonal"):
            raise ValidationError(f"diffusion_structure must be 'full' or 'diagonal'; got {self.diffusion_structure!r}.")
        n_iter = check_positive_int(self.n_iter, "n_iter")
        n_grid = check_positive_int(self.grid_points, "grid_points", minimum=16)
        arr, dt = _series_and_dt(x, dt, t, min_length=20)
        n, d = arr.shape
        names = tuple(self.state_names) if self.state_names is not None else (
            ("x",) if d == 1 else tuple(f"x{i}" for i in range(d)))
        if len(names) != d:
            raise ValidationError(f"state_names has {len(names)} names but the data have {d} states.")
        fl = self.drift_library if self.drift_library is not None else PolynomialLibrary(5 if d == 1 else 3)
        gl = self.diffusion_library if self.diffusion_library is not None else PolynomialLibrary(4 if d == 1 else 2)
        for lib, nm in ((fl, "drift_library"), (gl, "diffusion_library")):
            if not isinstance(lib, Library):
                raise ValidationError(f"{nm} must be a Library; got {type(lib).__name__}.")
        msg = _stationarity_warning(arr)
        if msg:
            warnings.warn(msg, ReliabilityWarning, stacklevel=2)
        X0 = arr[:-1]
        mf, mg = fl.transform(X0[:2]).shape[1], gl.transform(X0[:2]).shape[1]
        if n - 1 < 2 * max(mf, mg) + 2:
            raise InsufficientDataError(f"{n - 1} increments are too few for libraries of {mf} and {mg} features.")
        taylor = d == 1 and self.ito_taylor
        if n - 1 > _CHUNK_ROWS:
            fc, gc, fse, gse, fsup, gsup, oc, ose, osup = self._fit_chunked(arr, dt, fl, gl, n_iter, taylor)
            self._finish(arr, dt, n, d, names, fl, gl, n_grid, fc, gc, fse, gse, fsup, gsup, oc, ose, osup)
            self._data = (X0, None)
            return self
        D = np.diff(arr, axis=0)
        # The libraries act on raw states so the coefficients are in data units; column scaling
        # inside the reductions handles conditioning.
        Tf = fl.transform(X0)
        Tg = gl.transform(X0)
        fc = np.zeros((d, mf))
        gc = np.zeros((d, mg))
        fse = np.zeros((d, mf))
        gse = np.zeros((d, mg))
        fsup = np.zeros((d, mf), bool)
        gsup = np.zeros((d, mg), bool)
        if taylor:  # library values at x ± ε for the derivatives of the Itô–Taylor correction
            eps = 1e-3 * float(X0.std())
            Tf_p, Tf_m = fl.transform(X0 + eps), fl.transform(X0 - eps)
            Tg_p, Tg_m = gl.transform(X0 + eps), gl.transform(X0 - eps)
        for i in range(d):
            y0 = D[:, i] / dt
            y = y0
            corr_g = 0.0
            s2 = np.full(n - 1, float(np.mean(D[:, i] ** 2)) / dt)
            for it in range(n_iter):
                w = 1.0 / np.sqrt(s2)
                A = Tf * w[:, None]
                sup, _ = _select(A, y * w, self.criterion)
                c, se = _wls(A, y * w, sup)
                r2 = (D[:, i] - (Tf @ c) * dt) ** 2 / dt - corr_g
                wg = 1.0 / s2
                Ag = Tg * wg[:, None]
                supg, _ = _select(Ag, r2 * wg, self.criterion)
                cg, seg = _wls(Ag, r2 * wg, supg)
                if taylor and it < n_iter - 1:
                    f0, fp, fm = Tf @ c, Tf_p @ c, Tf_m @ c
                    g0, gp, gm = Tg @ cg, Tg_p @ cg, Tg_m @ cg
                    f1, f2 = (fp - fm) / (2 * eps), (fp - 2 * f0 + fm) / eps ** 2
                    g1, g2 = (gp - gm) / (2 * eps), (gp - 2 * g0 + gm) / eps ** 2
                    g0 = np.maximum(g0, 0.0)
                    y = y0 - 0.5 * dt * (f0 * f1 + 0.5 * g0 * f2)
                    corr_g = 0.5 * dt * (2 * g0 * f1 + f0 * g1 + 0.5 * g0 * g2)
                s_new = Tg @ cg
                floor = 1e-3 * max(float(np.median(np.abs(s_new))), 1e-300)
                s2 = np.maximum(s_new, floor)
            fc[i], fse[i], fsup[i] = c, se, sup
            gc[i], gse[i], gsup[i] = cg, seg, supg
        pairs = _pairs(d)
        oc = np.zeros((len(pairs), mg))
        ose = np.zeros((len(pairs), mg))
        osup = np.zeros((len(pairs), mg), bool)
        if pairs and self.diffusion_structure == "full":
            R = D - (Tf @ fc.T) * dt
            sd = Tg @ gc.T
            sd = np.maximum(sd, 1e-3 * np.maximum(np.median(np.abs(sd), axis=0), 1e-300))
            for p, (i, j) in enumerate(pairs):
                w = 1.0 / np.sqrt(sd[:, i] * sd[:, j])
                A = Tg * w[:, None]
                y = R[:, i] * R[:, j] / dt * w
                sup = _select_or_empty(A, y, self.criterion)
                if sup.any():
                    oc[p], ose[p] = _wls(A, y, sup)
                osup[p] = sup
        self._finish(arr, dt, n, d, names, fl, gl, n_grid, fc, gc, fse, gse, fsup, gsup, oc, ose, osup)
        self._data = (X0, D)
        return self

    def _fit_chunked(self, arr, dt, fl, gl, n_iter, taylor):
        """The same alternating weighted regressions as the in-memory path of :meth:`fit`, with every
        least-squares problem reduced to the Gram matrix of its weighted rows, accumulated over row
        chunks of :data:`_CHUNK_ROWS` (the regressions need nothing else: Cholesky factor, BIC path
        and standard errors all follow from it). Memory: the series plus one chunk of library values.
        The diffusion floor uses the median over 20 000 evenly spaced points instead of all points."""
        n, d = arr.shape
        N = n - 1
        chunk = _CHUNK_ROWS
        probe = arr[np.linspace(0, N - 1, min(N, 20_000)).astype(np.int64)]
        mf, mg = fl.transform(probe[:2]).shape[1], gl.transform(probe[:2]).shape[1]
        fc, fse, fsup = np.zeros((d, mf)), np.zeros((d, mf)), np.zeros((d, mf), bool)
        gc, gse, gsup = np.zeros((d, mg)), np.zeros((d, mg)), np.zeros((d, mg), bool)
        if taylor:
            mu = sum(float(arr[a:min(a + chunk, N), 0].sum()) for a in range(0, N, chunk)) / N
            var = sum(float(((arr[a:min(a + chunk, N), 0] - mu) ** 2).sum()) for a in range(0, N, chunk)) / N
            eps = 1e-3 * math.sqrt(var)

        def derivs(X0, c, cg):
            Tf, Tg = fl.transform(X0), gl.transform(X0)
            f0, fp, fm = Tf @ c, fl.transform(X0 + eps) @ c, fl.transform(X0 - eps) @ c
            g0, gp, gm = Tg @ cg, gl.transform(X0 + eps) @ cg, gl.transform(X0 - eps) @ cg
            f1, f2 = (fp - fm) / (2 * eps), (fp - 2 * f0 + fm) / eps ** 2
            g1, g2 = (gp - gm) / (2 * eps), (gp - 2 * g0 + gm) / eps ** 2
            g0 = np.maximum(g0, 0.0)
            return 0.5 * dt * (f0 * f1 + 0.5 * g0 * f2), 0.5 * dt * (2 * g0 * f1 + f0 * g1 + 0.5 * g0 * g2)

        for i in range(d):
            m2 = sum(float((np.diff(arr[a:min(a + chunk, N) + 1, i]) ** 2).sum()) for a in range(0, N, chunk)) / N
            state = dict(s_const=m2 / dt, cg=None, floor=0.0, corr=None)

            def s2_of(X0):
                if state["cg"] is None:
                    return np.full(X0.shape[0], state["s_const"])
                return np.maximum(gl.transform(X0) @ state["cg"], state["floor"])

            for it in range(n_iter):
                def drift_rows(start, X0, D):
                    w = 1.0 / np.sqrt(s2_of(X0))
                    y = D[:, i] / dt
                    if state["corr"] is not None:
                        y = y - derivs(X0, *state["corr"])[0]
                    return fl.transform(X0) * w[:, None], y * w

                G = _gram_pass(arr, chunk, drift_rows)
                sup = _select_gram(G, N, self.criterion)
                c, se = _wls_gram(G, N, sup)

                def diff_rows(start, X0, D):
                    wg = 1.0 / s2_of(X0)
                    r2 = (D[:, i] - (fl.transform(X0) @ c) * dt) ** 2 / dt
                    if state["corr"] is not None:
                        r2 = r2 - derivs(X0, *state["corr"])[1]
                    return gl.transform(X0) * wg[:, None], r2 * wg

                Gg = _gram_pass(arr, chunk, diff_rows)
                supg = _select_gram(Gg, N, self.criterion)
                cg, seg = _wls_gram(Gg, N, supg)
                state["corr"] = (c, cg) if taylor and it < n_iter - 1 else None
                state["cg"] = cg
                state["floor"] = 1e-3 * max(float(np.median(np.abs(gl.transform(probe) @ cg))), 1e-300)
            fc[i], fse[i], fsup[i] = c, se, sup
            gc[i], gse[i], gsup[i] = cg, seg, supg
        pairs = _pairs(d)
        oc, ose, osup = np.zeros((len(pairs), mg)), np.zeros((len(pairs), mg)), np.zeros((len(pairs), mg), bool)
        if pairs and self.diffusion_structure == "full":
            sprobe = gl.transform(probe) @ gc.T
            floors = 1e-3 * np.maximum(np.median(np.abs(sprobe), axis=0), 1e-300)
            for p, (i, j) in enumerate(pairs):
                def off_rows(start, X0, D):
                    Tg = gl.transform(X0)
                    sd = np.maximum(Tg @ gc.T, floors)
                    R = D - (fl.transform(X0) @ fc.T) * dt
                    w = 1.0 / np.sqrt(sd[:, i] * sd[:, j])
                    return Tg * w[:, None], R[:, i] * R[:, j] / dt * w

                G = _gram_pass(arr, chunk, off_rows)
                sup = _select_gram(G, N, self.criterion, allow_empty=True)
                if sup.any():
                    oc[p], ose[p] = _wls_gram(G, N, sup)
                osup[p] = sup
        return fc, gc, fse, gse, fsup, gsup, oc, ose, osup

    def _finish(self, arr, dt, n, d, names, fl, gl, n_grid, fc, gc, fse, gse, fsup, gsup, oc, ose, osup):
        """Store the Euler fit, run the finite-dt refit where wanted, check the diffusion's positivity."""
        X0 = arr[:-1]
        self.diffusion_offdiag_coef_, self.diffusion_offdiag_stderr_ = oc, ose
        self.diffusion_offdiag_support_, self.diffusion_pairs_ = osup, _pairs(d)
        self.euler_drift_coef_ = fc.copy()
        self.euler_diffusion_coef_ = gc.copy()
        self.data_range_ = np.c_[arr.min(axis=0), arr.max(axis=0)]
        corrected = False
        slope = 0.0
        if d == 1:
            grid = np.linspace(self.data_range_[0, 0], self.data_range_[0, 1], 201)
            h = grid[1] - grid[0]
            fgrid = fl.transform(grid[:, None]) @ fc[0]
            slope = float(np.median(np.abs(np.gradient(fgrid, h)))) * dt
        want = self.finite_dt is True or (self.finite_dt == "auto" and slope > 0.05)
        if want and self.finite_dt == "auto" and n < 1000:
            warnings.warn(f"the sampling is coarse (dt·|f'| = {slope:.2g}) but {n} samples are too few for the "
                          "finite-dt refit (1000 needed in 'auto' mode); the coefficients carry an O(dt²) bias.",
                          ReliabilityWarning, stacklevel=3)
            want = False
        if want and d > 1:
            if self.finite_dt is True:
                raise ValidationError("the finite-dt refit is implemented for 1-D data only.")
        elif want:
            fc[0], gc[0], corrected = _finite_dt_refit(arr[:, 0], dt, fl, gl, fc[0], gc[0], fsup[0], gsup[0],
                                                       n_grid)
        self.drift_coef_, self.diffusion_coef_ = fc, gc
        self.drift_stderr_, self.diffusion_stderr_ = fse, gse
        self.drift_support_, self.diffusion_support_ = fsup, gsup
        self.drift_names_, self.diffusion_names_ = fl.names(list(names)), gl.names(list(names))
        self.drift_library_, self.diffusion_library_ = fl, gl
        self.state_names_ = names
        self.finite_dt_corrected_ = corrected
        self.dt_ = dt
        self.n_samples_ = n - 1
        self.x0_ = arr[-1].copy()
        # positivity of the diffusion over the data range
        pos = True
        for i in range(d):
            pts = np.linspace(self.data_range_[i, 0], self.data_range_[i, 1], 101)
            probe = np.tile(arr.mean(axis=0), (pts.size, 1))
            probe[:, i] = pts
            if d == 1:
                probe = pts[:, None]
            pos &= bool(np.all(gl.transform(probe) @ gc[i] > 0))
        sample = X0[np.linspace(0, n - 2, min(n - 1, 20_000)).astype(np.int64)]
        S = self._sigma(gl.transform(sample), gc, oc)
        pd_ok = S[:, 0, 0] > 0 if d == 1 else np.linalg.eigvalsh(S)[:, 0] > 0
        self.diffusion_pd_fraction_ = float(np.mean(pd_ok))
        not_pd = d > 1 and bool(np.any(oc)) and self.diffusion_pd_fraction_ < 1.0
        if not_pd:
            warnings.warn(f"the fitted diffusion matrix Σ(x) is not positive definite at "
                          f"{1 - self.diffusion_pd_fraction_:.1%} of the data points: the model is not a valid SDE "
                          "there (to_system() switches the failing noise components off there); use a smaller "
                          "diffusion library, diffusion_structure='diagonal', or more data.", ReliabilityWarning,
                          stacklevel=3)
        self.diffusion_positive_ = pos and not not_pd
        if not pos:
            warnings.warn("the fitted diffusion goes negative inside the data range: the model is not a valid SDE "
                          "there (the model's noise is clipped at 0 there); use a smaller diffusion library or more data.",
                          ReliabilityWarning, stacklevel=3)

    def _check_fitted(self):
        if not hasattr(self, "drift_coef_"):
            raise ValidationError("this LangevinRegression is not fitted yet; call fit(x, dt) first.")

    def equations(self, precision: int = 4) -> list[str]:
        """The identified SDE as text, e.g. ``dx = (x - x^3) dt + sqrt(2 + 2 x^2) dW``.

        With correlated noise (non-zero off-diagonal ``Σ_ij``) one line per state,
        ``dx0 = (...) dt + (G dW)_0,  Σ_x0x0 = ...``, then one line per non-zero ``Σ_ij``."""
        self._check_fitted()
        return _sde_equations(self.state_names_, self.drift_library_, self.drift_coef_, self.diffusion_library_,
                              self.diffusion_coef_, precision, self.diffusion_offdiag_coef_)

    @staticmethod
    def _sigma(Tg: np.ndarray, gc: np.ndarray, oc: np.ndarray) -> np.ndarray:
        d = gc.shape[0]
        S = np.zeros((Tg.shape[0], d, d))
        S[:, np.arange(d), np.arange(d)] = Tg @ gc.T
        for p, (i, j) in enumerate(_pairs(d)):
            S[:, i, j] = S[:, j, i] = Tg @ oc[p]
        return S

    def diffusion_matrix(self, x) -> np.ndarray:
        """Fitted diffusion matrix ``Σ(x) = G Gᵀ`` (off-diagonal entries included), shape (m, d, d)."""
        self._check_fitted()
        X = as_float_array(x, "x", ndim=(1, 2)).reshape(-1, len(self.state_names_))
        return self._sigma(self.diffusion_library_.transform(X), self.diffusion_coef_, self.diffusion_offdiag_coef_)

    def drift(self, x) -> np.ndarray:
        """Fitted drift at states ``x`` (m,) in 1-D or (m, d)."""
        self._check_fitted()
        X = as_float_array(x, "x", ndim=(1, 2)).reshape(-1, len(self.state_names_))
        return self.drift_library_.transform(X) @ self.drift_coef_.T

    def diffusion(self, x) -> np.ndarray:
        """Fitted ``Σ_ii`` at states ``x``: (m,) in 1-D, else (m, d)."""
        self._check_fitted()
        X = as_float_array(x, "x", ndim=(1, 2)).reshape(-1, len(self.state_names_))
        return self.diffusion_library_.transform(X) @ self.diffusion_coef_.T

    def to_system(self, name: str = "Langevin model", x0=None) -> "StochasticSystem":
        """The fitted SDE as a :class:`~attractor.core.stochastic.StochasticSystem`.

        Its spec (:func:`langevin_spec`) holds the fitted polynomials with the exact
        coefficients: drift ``rhs`` (and its exact ``jacobian``), noise ``diffusion(x)``
        ``G = diag(sqrt(Max(Σ_ii, 0)))`` (with correlated noise: the lower-triangular Cholesky
        factor of the fitted ``Σ(x)``, see :func:`langevin_spec`), ``diffusion_matrix(x)`` ``Σ = G Gᵀ`` (clipped at 0 where
        the fitted ``Σ_ii`` is negative, see :attr:`diffusion_positive_`), and ``trajectory``
        with the compiled, seeded schemes (``method="em"``, ``"milstein"``, or ``"sra"`` when
        ``Σ`` is constant). ``metadata["data_range"]`` is the fitted range per state.
        """
        self._check_fitted()
        from ..core.stochastic import StochasticSystem

        full = bool(np.any(self.diffusion_offdiag_coef_))
        spec = langevin_spec(name, self.state_names_, self.drift_library_, self.drift_coef_,
                             self.diffusion_library_, self.diffusion_coef_,
                             self.diffusion_offdiag_coef_ if full else None)
        meta = {"data_range": self.data_range_.tolist(), "noise": "full (Cholesky factor of Σ)" if full else "diagonal",
                "diffusion_positive": bool(self.diffusion_positive_),
                "description": "learned by Langevin regression", "learned_by": "attractor.learn.LangevinRegression"}
        return StochasticSystem(spec, {}, x0=self.x0_ if x0 is None else x0, dt=self.dt_, metadata=meta)

    def residual_check(self) -> ResidualCheck:
        """Normalised residuals of the fit (see :class:`ResidualCheck`)."""
        self._check_fitted()
        X0, D = self._data
        if D is None:  # fitted by the chunked path: the increments are recomputed here
            D = np.diff(np.concatenate([X0, self.x0_[None, :]]), axis=0)
        f = self.drift_library_.transform(X0) @ self.drift_coef_.T
        s = self.diffusion_library_.transform(X0) @ self.diffusion_coef_.T
        z = (D - f * self.dt_) / np.sqrt(np.maximum(s, 1e-300) * self.dt_)
        n = z.shape[0]
        mean = z.mean(axis=0)
        var = z.var(axis=0)
        zc = z - mean
        kurt = np.mean(zc ** 4, axis=0) / np.maximum(var ** 2, 1e-300) - 3.0
        ac = np.sum(zc[1:] * zc[:-1], axis=0) / np.maximum(np.sum(zc * zc, axis=0), 1e-300)
        se = {"mean": 1 / math.sqrt(n), "variance": math.sqrt(2 / n), "excess_kurtosis": math.sqrt(24 / n),
              "autocorrelation": 1 / math.sqrt(n)}
        ok = ((np.abs(mean) < 5 * se["mean"]) & (np.abs(var - 1) < np.maximum(5 * se["variance"], 0.1))
              & (np.abs(kurt) < np.maximum(5 * se["excess_kurtosis"], 0.5)) & (np.abs(ac) < 5 * se["autocorrelation"]))
        return ResidualCheck(mean=mean, variance=var, excess_kurtosis=kurt, autocorrelation=ac, stderr=se,
                             adequate=ok)


# ============================================================================ finite-dt refit (1-D)
def _generator(grid: np.ndarray, f: np.ndarray, s: np.ndarray):
    """Birth–death generator (sparse, tridiagonal) on a uniform grid: jump rates reproduce drift ``f``
    and ``g² = s`` exactly (central differences), upwinded where central rates would be negative;
    reflecting ends."""
    import scipy.sparse as sparse

    h = grid[1] - grid[0]
    s = np.maximum(s, 0.0)
    up = s / (2 * h * h) + f / (2 * h)
    dn = s / (2 * h * h) - f / (2 * h)
    bad = (up < 0) | (dn < 0)
    up = np.where(bad, s / (2 * h * h) + np.maximum(f, 0) / h, up)
    dn = np.where(bad, s / (2 * h * h) + np.maximum(-f, 0) / h, dn)
    up[-1] = 0.0
    dn[0] = 0.0
    return sparse.diags([dn[1:], -(up + dn), up[:-1]], [-1, 0, 1], format="csr")


def _model_moments(grid, f, s, dt):
    """``E[Δ|x]/dt`` and ``E[Δ²|x]/dt`` of the discretised model at the grid points (``e^{L dt}``
    applied to ``x`` and ``x²`` by :func:`scipy.sparse.linalg.expm_multiply`)."""
    from scipy.sparse.linalg import expm_multiply

    B = expm_multiply(_generator(grid, f, s) * dt, np.column_stack([grid, grid * grid]))
    m1 = B[:, 0] - grid
    m2 = B[:, 1] - 2 * grid * B[:, 0] + grid * grid
    return m1 / dt, m2 / dt


class _Budget(Exception):
    """The finite-dt refit ran out of its time budget."""


#: Wall-clock budget of one finite-dt refit (seconds).
_REFIT_SECONDS = 20.0


def _finite_dt_refit(x, dt, fl, gl, fc, gc, fsup, gsup, n_grid):
    """Refit drift and diffusion coefficients on their supports with the model's finite-dt moments.

    The model's conditional mean and variance of the increment at step ``dt`` come from its
    discretised generator (:func:`_model_moments`, as in Callaham et al. 2021); the coefficients
    maximise the Gaussian quasi-likelihood of the observed increments with that mean and
    variance (exact for linear drift and constant diffusion, where the transition law is Gaussian
    and the generator reproduces its moments exactly).
    """
    from scipy.optimize import minimize

    x0, d = x[:-1], np.diff(x)
    lo, hi = float(x.min()), float(x.max())
    span = hi - lo
    grid = np.linspace(lo - 0.3 * span, hi + 0.3 * span, n_grid)
    Fg = fl.transform(grid[:, None])[:, fsup]
    Gg = gl.transform(grid[:, None])[:, gsup]
    nf = int(fsup.sum())
    p0 = np.concatenate([fc[fsup], gc[gsup]])
    scale = np.where(np.abs(p0) > 0, np.abs(p0), 1.0)
    v_floor = 1e-12 * float(np.mean(d * d))
    h = grid[1] - grid[0]

    def stiff(p):
        return float(np.max(np.abs(Gg @ p[nf:])) / (2 * h * h) + np.max(np.abs(Fg @ p[:nf])) / h) * dt

    best = [np.inf, np.zeros(p0.size)]
    t_end = time.perf_counter() + _REFIT_SECONDS

    def nll(u):
        p = p0 + scale * u
        if not stiff(p) <= 2e3:  # the step would spread over much of the grid: not a candidate
            return np.inf
        if time.perf_counter() > t_end:
            raise _Budget
        M1, M2 = _model_moments(grid, Fg @ p[:nf], Gg @ p[nf:], dt)
        mu = np.interp(x0, grid, M1) * dt
        v = np.maximum(np.interp(x0, grid, M2) * dt - mu * mu, v_floor)
        val = 0.5 * float(np.sum((d - mu) ** 2 / v + np.log(v))) / x0.size
        if val < best[0]:
            best[0], best[1] = val, np.array(u)
        return val

    stiffness = stiff(p0)
    if not np.isfinite(stiffness) or stiffness > 1e3:
        warnings.warn("the sampling step is too coarse (or the fit too poor) for the finite-dt refit: one step "
                      "spreads over most of the data range; the Euler/Itô–Taylor coefficients are kept.",
                      ReliabilityWarning, stacklevel=3)
        return fc, gc, False
    try:
        minimize(nll, np.zeros(p0.size), method="Nelder-Mead",
                 options=dict(xatol=1e-4, fatol=1e-9, maxfev=80 * (p0.size + 1)))
    except _Budget:
        warnings.warn(f"the finite-dt refit stopped at its {_REFIT_SECONDS:g} s budget; the best coefficients "
                      "found so far are used.", ReliabilityWarning, stacklevel=3)
    p = p0 + scale * best[1]
    f_new, g_new = fc.copy(), gc.copy()
    f_new[fsup] = p[:nf]
    g_new[gsup] = p[nf:]
    return f_new, g_new, True
