"""Surrogate data and surrogate-data tests for nonlinearity.

Surrogates are random series that share chosen linear properties of the data (its
values, its power spectrum, or both) but are otherwise random. A statistic that is
sensitive to nonlinear structure is computed on the data and on the surrogates; if the
data's value is extreme among them, the null hypothesis the surrogates realise is
rejected (Theiler, Eubank, Longtin, Galdrikian & Farmer 1992; Schreiber & Schmitz 2000).

Methods (all vectorised over surrogates with real FFTs):

``"shuffle"``
    Random permutation of the time index (rows). Null: independent, identically
    distributed values (for multivariate data, i.i.d. state vectors: channels are
    permuted together, keeping their equal-time joint distribution).
``"ft"``
    Phase-randomised Fourier transform (Theiler et al. 1992): the amplitudes of the
    discrete Fourier transform are kept and the phases of frequencies
    ``0 < f < f_Nyquist`` are replaced by independent uniform phases in ``[0, 2 pi)``;
    the mean (frequency 0) and, for even length, the Nyquist coefficient are kept.
    Preserves the periodogram exactly (hence the circular autocorrelation). Null:
    stationary linear Gaussian process. Multivariate data get the *same* random phase
    in every channel, which also keeps all cross-spectra (Prichard & Theiler 1994).
``"aaft"``
    Amplitude-adjusted FT (Theiler et al. 1992): rank-order a sorted Gaussian sample to
    the data, phase-randomise it, then rank-order the data's values to the result.
    Keeps the values exactly, the spectrum approximately (it is biased towards a
    flatter spectrum). Null: linear Gaussian process seen through a static monotonic
    measurement function. Multivariate data: each channel is Gaussianised separately and
    all channels share the random phases.
``"iaaft"``
    Iterative AAFT (Schreiber & Schmitz 1996): start from a random shuffle and alternate
    (a) imposing the data's Fourier amplitudes while keeping the current phases and
    (b) rank-ordering the data's values to the result. A surrogate has converged when
    its rank order no longer changes (exact fixed point; typically 50-150 iterations for
    a few thousand samples) or, failing that, when its relative spectral mismatch
    ``||(|S_k| - |X_k|)|| / ||X_k||`` has not dropped by 1 % within 50 iterations
    (multivariate iterations, and strongly non-Gaussian values, tend to wander near a
    floor instead of reaching a fixed point); otherwise ``max_iter`` stops it with a
    :class:`~attractor.core.errors.ConvergenceWarning`. The returned surrogate is the
    output of step (b) with the smallest spectral mismatch seen: its values are exactly
    the data's, its spectrum is close to the data's. Same null as AAFT, with far smaller
    spectral bias. For multivariate data step (a) keeps the data's cross-spectrum by
    using the data's Fourier coefficients
    rotated by a common phase ``alpha_k`` per frequency, ``tan alpha_k = sum_m
    sin(phi_mk - psi_mk) / sum_m cos(phi_mk - psi_mk)`` (``phi``: current, ``psi``: data
    phases; Schreiber & Schmitz 2000, 'Iterative multivariate surrogates').

``"pseudoperiodic"``
    Pseudo-periodic surrogates (Small, Yu & Harrison 2001, PRL 87, 188101), univariate
    only. The series is delay-embedded (``dimension`` m, ``delay`` tau; defaults 3 and
    the 1/e autocorrelation lag) into vectors ``z_j``. A surrogate starts at a random
    vector and, from the current vector ``z_j``, moves to ``z_{k+1}``, where ``k`` is drawn
    with probability proportional to ``exp(-||z_k - z_j|| / rho)`` (``k = j`` included, so
    the data are followed with a probability that falls as ``rho`` grows); the surrogate is
    the first coordinate of the visited vectors. Draws are restricted to the
    ``n_neighbors`` (default 64) nearest vectors, whose weights dominate for the ``rho``
    that matter. ``rho`` is chosen by Small et al.'s rule, read as: maximise the number of
    segments of exactly two consecutive data points that a surrogate copies (runs of
    length 2 between two jumps), estimated by one trial surrogate per candidate ``rho`` on
    a geometric grid, times ``rho_factor`` (default 1). On noisy data every jump adds
    phase jitter, so with the rule's ``rho`` a noisy sine is rejected by one-step
    prediction in 8 of 20 trials; ``rho_factor=0.6`` with ``dimension=6`` gives 1 of 20
    while a Rössler flow is rejected in 2 of 3 trials (2000 samples, 19 surrogates). The
    calibration depends on the sampling, so the report uses ``"cycle_shuffle"``. Null: a periodic orbit plus uncorrelated noise; the cycle shape is
    kept, deterministic dynamics between cycles (chaos) and correlated noise are
    destroyed. The chosen settings are returned by :func:`pseudoperiodic_settings`.

``"cycle_shuffle"``
    Cycle shuffling (Theiler 1995, Phys. Lett. A 196, 335): the series is cut into
    consecutive cycles at ``round(i P)``, ``P`` = ``period`` in samples (default: the
    strongest periodogram line, refined on a 64-fold zero-padded FFT), and the complete
    cycles are put in random order (the trailing partial cycle stays at the end). Every
    cycle starts at the same phase to within half a sample, so the cycle shape, the values
    and the noise within cycles are kept exactly while the order of cycles is destroyed.
    Null: a strictly periodic signal (fixed period) plus noise that is independent from
    cycle to cycle. Univariate only; needs at least 4 cycles. A noise-free periodic signal
    whose period is not a whole number of samples shows a small jump at each junction.

End-point mismatch. Fourier-based surrogates treat the series as one period of a
periodic signal. If the first and last values (or slopes) differ a lot, the jump at the
wrap-around adds spurious high-frequency power to the surrogates, which makes them less
predictable and can produce false rejections (Schreiber & Schmitz 2000, 'Periodicity
artefacts'). Nothing is done about it by default (``trim=False``: the whole series is
used, as given). With ``trim=True`` the series is first cut to the sub-segment returned
by :func:`end_to_end_segment`, which minimises the weighted jump and slip mismatch, and
the surrogates (and, in :func:`surrogate_test`, the statistic of the data) use that
segment only.

References
----------
J. Theiler, S. Eubank, A. Longtin, B. Galdrikian, J. D. Farmer, Physica D 58, 77 (1992).
T. Schreiber, A. Schmitz, Phys. Rev. Lett. 77, 635 (1996).
T. Schreiber, A. Schmitz, Physica D 142, 346 (2000).
D. Prichard, J. Theiler, Phys. Rev. Lett. 73, 951 (1994).
M. Small, D. Yu, R. G. Harrison, Phys. Rev. Lett. 87, 188101 (2001).
J. Theiler, Phys. Lett. A 196, 335 (1995).
G. Sugihara, R. M. May, Nature 344, 734 (1990).
"""
from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from ..core.errors import ConvergenceWarning, InsufficientDataError, ReliabilityWarning, ValidationError
from ..core.validation import as_series, check_positive_int
from .embedding import delay_embed, estimate_delay

__all__ = [
    "SURROGATE_METHODS",
    "SurrogateTestResult",
    "dominant_period",
    "end_to_end_segment",
    "prediction_error",
    "pseudoperiodic_settings",
    "surrogate_test",
    "surrogates",
    "time_reversal_asymmetry",
]

SURROGATE_METHODS: tuple[str, ...] = ("shuffle", "ft", "aaft", "iaaft", "pseudoperiodic", "cycle_shuffle")
_PPS_KEYS = {"dimension", "delay", "rho", "n_neighbors", "rho_factor"}
_STATISTICS: tuple[str, ...] = ("time_reversal", "nonlinear_prediction")
_MIN_LENGTH = 8
#: IAAFT also stops once the spectral mismatch has not dropped by the relative amount
#: _IAAFT_RTOL within _IAAFT_PATIENCE iterations (the multivariate iteration, and the
#: univariate one for strongly non-Gaussian values, wander instead of reaching a fixed point).
_IAAFT_PATIENCE = 50
_IAAFT_RTOL = 1e-2


# --------------------------------------------------------------------------- helpers
def _check_method(method: str) -> str:
    if not isinstance(method, str) or method not in SURROGATE_METHODS:
        raise ValidationError(f"unknown surrogate method {method!r}; valid methods are {', '.join(SURROGATE_METHODS)}.")
    return method


def _rng(seed: Any) -> np.random.Generator:
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"seed must be None, an integer or a numpy Generator; got {seed!r}.") from exc


def _smooth_lengths(lo: int, hi: int) -> np.ndarray:
    """Integers in [lo, hi] whose only prime factors are 2, 3 and 5 (fast FFT sizes)."""
    out = []
    p2 = 1
    while p2 <= hi:
        p3 = p2
        while p3 <= hi:
            p5 = p3
            while p5 <= hi:
                if p5 >= lo:
                    out.append(p5)
                p5 *= 5
            p3 *= 3
        p2 *= 2
    return np.array(sorted(out), dtype=np.int64)


def end_to_end_segment(x, min_length: int | None = None, jump_weight: float = 0.5,
                       smooth_lengths: bool = True) -> tuple[int, int]:
    r"""Sub-segment ``x[start:stop]`` with the smallest end-to-end mismatch.

    For a segment :math:`s_0..s_{L-1}` with variance sum
    :math:`V = \sum_n (s_n - \bar s)^2`, the *jump* is
    :math:`d_\mathrm{jump} = (s_0 - s_{L-1})^2 / V` and the *slip*
    :math:`d_\mathrm{slip} = ((s_1 - s_0) - (s_{L-1} - s_{L-2}))^2 / V`; the mismatch
    minimised is :math:`w\,d_\mathrm{jump} + (1 - w)\,d_\mathrm{slip}` with
    ``w = jump_weight`` (Schreiber & Schmitz 2000, 'Periodicity artefacts'; TISEAN's
    ``endtoend`` uses the same measure). For multivariate series the mismatches of the
    channels are averaged. All lengths ``L`` in ``[min_length, n]`` (only those whose prime factors
    are 2, 3 and 5 when ``smooth_lengths``, which keeps FFTs fast) and all offsets are
    searched; ties go to the longest, then earliest, segment.

    Parameters
    ----------
    x : array_like, shape (n_times,) or (n_times, n_channels)
    min_length : int, optional
        Shortest segment allowed (default: 90 % of the series, at least 8).
    jump_weight : float in [0, 1]
        Weight ``w`` of the jump relative to the slip.
    smooth_lengths : bool
        Restrict lengths to 2^a 3^b 5^c.

    Returns
    -------
    (start, stop) : tuple of int
        Use ``x[start:stop]``.
    """
    arr = as_series(x, "x", min_length=_MIN_LENGTH, allow_constant=False)
    a2 = arr[:, None] if arr.ndim == 1 else arr
    n = a2.shape[0]
    if min_length is None:
        min_length = max(_MIN_LENGTH, int(np.ceil(0.9 * n)))
    min_length = check_positive_int(min_length, "min_length", minimum=3)
    if min_length > n:
        raise ValidationError(f"min_length={min_length} exceeds the series length {n}.")
    w = float(jump_weight)
    if not (0.0 <= w <= 1.0):
        raise ValidationError(f"jump_weight must lie in [0, 1]; got {jump_weight!r}.")
    lengths = _smooth_lengths(min_length, n) if smooth_lengths else np.arange(min_length, n + 1)
    if lengths.size == 0:  # no 2-3-5 length in range: fall back to every length
        lengths = np.arange(min_length, n + 1)
    c1 = np.vstack([np.zeros((1, a2.shape[1])), np.cumsum(a2, axis=0)])
    c2 = np.vstack([np.zeros((1, a2.shape[1])), np.cumsum(a2 * a2, axis=0)])
    best = (np.inf, 0, n)
    for L in lengths[::-1]:
        s = np.arange(0, n - L + 1)
        e = s + L - 1
        tot = c1[s + L] - c1[s]
        var = (c2[s + L] - c2[s]) - tot * tot / L
        var = np.where(var > 0, var, np.nan)
        jump = (a2[s] - a2[e]) ** 2 / var
        slip = ((a2[s + 1] - a2[s]) - (a2[e] - a2[e - 1])) ** 2 / var
        mis = np.nanmean(w * jump + (1.0 - w) * slip, axis=1) if np.isfinite(var).any() else np.full(s.size, np.inf)
        mis = np.where(np.isfinite(mis), mis, np.inf)
        k = int(np.argmin(mis))
        if mis[k] < best[0]:
            best = (float(mis[k]), int(s[k]), int(s[k] + L))
    return best[1], best[2]


def _rank_fill(values_sorted: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Give ``target`` (shape (k, c, n), time last) the values ``values_sorted`` (c, n) in its rank order."""
    k, c, n = target.shape
    order = np.argsort(target, axis=-1)
    out = np.empty_like(target)
    out[np.arange(k)[:, None, None], np.arange(c)[None, :, None], order] = values_sorted[None]
    return out, order


def _random_phases(rng: np.random.Generator, k: int, n: int) -> np.ndarray:
    """Unit phasors exp(i phi), shape (k, 1, n // 2 + 1), with DC and (even n) Nyquist fixed at 1."""
    nf = n // 2 + 1
    phi = rng.uniform(0.0, 2.0 * np.pi, size=(k, 1, nf))
    phi[..., 0] = 0.0
    if n % 2 == 0:
        phi[..., -1] = 0.0
    return np.exp(1j * phi)


def _unit(z: np.ndarray) -> np.ndarray:
    """z / |z|, with 1 where z == 0."""
    mag = np.abs(z)
    return np.where(mag > 0, z / np.where(mag > 0, mag, 1.0), 1.0)


def _iaaft(xt: np.ndarray, k: int, rng: np.random.Generator, max_iter: int) -> tuple[np.ndarray, int, int]:
    """IAAFT on ``xt`` of shape (c, n) (time last). Returns (k, c, n), iterations, unconverged count.

    Each surrogate stops when its rank order no longer changes (exact fixed point) or when
    its spectral mismatch has not dropped by a factor ``1 - _IAAFT_RTOL`` within
    ``_IAAFT_PATIENCE`` iterations; the rank-ordered iterate with the smallest spectral
    mismatch is returned.
    """
    c, n = xt.shape
    X = np.fft.rfft(xt, axis=-1)                      # (c, nf)
    absX = np.abs(X)[None]                            # (1, c, nf)
    conj_unit_x = np.conj(_unit(X))
    sorted_vals = np.sort(xt, axis=-1)
    perm = rng.permuted(np.tile(np.arange(n), (k, 1)), axis=1)
    s = np.ascontiguousarray(np.transpose(xt[:, perm], (1, 0, 2)))   # (k, c, n) shuffles
    prev = np.argsort(s, axis=-1)
    best = s.copy()
    best_err = np.full(k, np.inf)
    ref_err = np.full(k, np.inf)
    stall = np.zeros(k, dtype=np.int64)
    active = np.arange(k)
    iters = 0
    for it in range(1, max_iter + 1):
        iters = it
        S = np.fft.rfft(s[active], axis=-1)           # (a, c, nf)
        absS = np.abs(S)
        err = np.sqrt(np.sum((absS - absX) ** 2, axis=(1, 2)))
        improved = err < best_err[active]
        best[active[improved]] = s[active[improved]]
        best_err[active] = np.where(improved, err, best_err[active])
        progress = err < ref_err[active] * (1.0 - _IAAFT_RTOL)
        ref_err[active] = np.where(progress, err, ref_err[active])
        stall[active] = np.where(progress, 0, stall[active] + 1)
        if c == 1:
            spec = np.where(absS > 0, S * (absX / np.where(absS > 0, absS, 1.0)), absX)
        else:
            # common rotation per frequency keeping the data's cross-spectrum (S&S 2000, multivariate IAAFT)
            rot = _unit(np.sum(_unit(S) * conj_unit_x[None], axis=1, keepdims=True))
            spec = X[None] * rot
        new, order = _rank_fill(sorted_vals, np.fft.irfft(spec, n=n, axis=-1))
        s[active] = new
        fixed = np.all(order == prev[active], axis=(1, 2))
        prev[active] = order
        if fixed.any():  # the new iterate equals the current one: it is the answer
            best[active[fixed]] = new[fixed]
        done = fixed | (stall[active] >= _IAAFT_PATIENCE)
        active = active[~done]
        if active.size == 0:
            break
    if active.size:
        # keep whichever of the last iterate and the best one matches the spectrum better
        S = np.fft.rfft(s[active], axis=-1)
        err = np.sqrt(np.sum((np.abs(S) - absX) ** 2, axis=(1, 2)))
        better = err < best_err[active]
        best[active[better]] = s[active[better]]
    return best, iters, int(active.size)


def _surrogates_tl(xt: np.ndarray, method: str, k: int, rng: np.random.Generator,
                   max_iter: int) -> tuple[np.ndarray, int, int]:
    """Surrogates of ``xt`` (c, n), time last. Returns (k, c, n), iterations used, unconverged count."""
    c, n = xt.shape
    if method == "shuffle":
        perm = rng.permuted(np.tile(np.arange(n), (k, 1)), axis=1)
        return np.transpose(xt[:, perm], (1, 0, 2)), 0, 0
    if method == "ft":
        X = np.fft.rfft(xt, axis=-1)
        return np.fft.irfft(X[None] * _random_phases(rng, k, n), n=n, axis=-1), 0, 0
    if method == "aaft":
        sorted_vals = np.sort(xt, axis=-1)
        g = np.sort(rng.standard_normal((k, c, n)), axis=-1)
        rank_x = np.argsort(np.argsort(xt, axis=-1), axis=-1)
        y = np.take_along_axis(g, np.broadcast_to(rank_x[None], g.shape), axis=-1)
        yft = np.fft.irfft(np.fft.rfft(y, axis=-1) * _random_phases(rng, k, n), n=n, axis=-1)
        return _rank_fill(sorted_vals, yft)[0], 0, 0
    return _iaaft(xt, k, rng, max_iter)


def _spectral_mismatch(xt: np.ndarray, s: np.ndarray) -> float:
    """Largest relative RMS difference between surrogate and data Fourier amplitudes (time last)."""
    A = np.abs(np.fft.rfft(xt, axis=-1))
    B = np.abs(np.fft.rfft(s, axis=-1))
    return float(np.max(np.sqrt(np.sum((B - A[None]) ** 2, axis=(1, 2)) / np.sum(A ** 2))))


# --------------------------------------------------------------------------- pseudo-periodic
def _pps_tables(z: np.ndarray, n_neighbors: int) -> tuple[np.ndarray, np.ndarray]:
    """Distances and indices of the nearest vectors among ``z[:-1]`` (those with a successor)."""
    kk = int(min(n_neighbors, z.shape[0] - 1))
    dist, idx = cKDTree(z[:-1]).query(z, k=kk)
    return np.asarray(dist).reshape(z.shape[0], kk), np.asarray(idx).reshape(z.shape[0], kk)


def _pps_walk(dist: np.ndarray, idx: np.ndarray, rho: float, k: int, length: int,
              rng: np.random.Generator) -> np.ndarray:
    """Indices (k, length) of ``k`` pseudo-periodic walks on the embedded vectors."""
    w = np.exp(-(dist - dist[:, :1]) / rho)
    cum = np.cumsum(w, axis=1)
    cum /= cum[:, -1:]
    nz = dist.shape[0]
    out = np.empty((k, length), dtype=np.int64)
    cur = rng.integers(0, nz - 1, size=k)
    out[:, 0] = cur
    u = rng.random((length - 1, k))
    for i in range(1, length):
        c = cum[cur]
        j = np.minimum((c < u[i - 1][:, None]).sum(axis=1), c.shape[1] - 1)
        cur = idx[cur, j] + 1
        out[:, i] = cur
    return out


def _runs_of_two(path: np.ndarray) -> int:
    """Number of maximal runs of exactly two data-consecutive points in a walk."""
    follow = np.diff(path) == 1
    padded = np.concatenate([[False], follow, [False]]).astype(np.int8)
    d = np.diff(padded)
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    return int(np.sum((ends - starts) == 1))


def _pps_settings(arr: np.ndarray, options: dict, rng: np.random.Generator) -> dict:
    unknown = set(options) - _PPS_KEYS
    if unknown:
        raise ValidationError(f"unknown options for method='pseudoperiodic': {sorted(unknown)}; "
                              f"valid: {sorted(_PPS_KEYS)}.")
    m = check_positive_int(options.get("dimension", 3), "dimension")
    tau = options.get("delay")
    tau = estimate_delay(arr, method="autocorr_1e").delay if tau is None else check_positive_int(tau, "delay")
    nn = check_positive_int(options.get("n_neighbors", 64), "n_neighbors", minimum=2)
    nz = arr.size - (m - 1) * tau
    if nz < 16:
        raise InsufficientDataError(f"pseudo-periodic surrogates with dimension={m}, delay={tau} need at least "
                                    f"{(m - 1) * tau + 16} samples; got {arr.size}.")
    z = delay_embed(arr, m, tau)
    dist, idx = _pps_tables(z, nn)
    rho = options.get("rho")
    if rho is None:
        nearest = dist[:, 1] if dist.shape[1] > 1 else dist[:, 0]
        lo = max(float(np.median(nearest)) * 0.1, 1e-12 * float(np.std(arr)))
        hi = max(float(np.median(dist[:, -1])) * 2.0, 10 * lo)
        grid = np.geomspace(lo, hi, 24)
        counts = [_runs_of_two(_pps_walk(dist, idx, r, 1, arr.size, rng)[0]) for r in grid]
        rho = float(grid[int(np.argmax(counts))]) * float(options.get("rho_factor", 1.0))
    else:
        rho = float(rho)
        if not (np.isfinite(rho) and rho > 0):
            raise ValidationError(f"rho must be a positive number; got {options.get('rho')!r}.")
    return {"dimension": m, "delay": int(tau), "rho": rho, "n_neighbors": int(dist.shape[1]),
            "_tables": (dist, idx, z)}


def pseudoperiodic_settings(x, seed: Any = None, **options) -> dict:
    """Embedding and noise radius that ``surrogates(x, "pseudoperiodic", ...)`` would use.

    Parameters
    ----------
    x : array_like, shape (n_times,)
    seed : None, int or numpy.random.Generator
        Seed of the trial walks of the ``rho`` rule.
    **options
        ``dimension``, ``delay``, ``rho``, ``n_neighbors`` (see the module docstring).

    Returns
    -------
    dict
        ``{"dimension", "delay", "rho", "n_neighbors"}`` (``rho`` in data units).
    """
    arr = as_series(x, "x", min_length=_MIN_LENGTH, allow_constant=False, multivariate=False)
    out = _pps_settings(arr, dict(options), _rng(seed))
    out.pop("_tables")
    return out


def dominant_period(x) -> float:
    """Period, in samples, of the strongest line of the (mean-removed) periodogram, refined on a
    64-fold zero-padded FFT (cycle length used by ``method="cycle_shuffle"``)."""
    arr = as_series(x, "x", min_length=_MIN_LENGTH, allow_constant=False, multivariate=False)
    y = arr - arr.mean()
    n = y.size
    P = np.abs(np.fft.rfft(y)) ** 2
    k = 1 + int(np.argmax(P[1:]))
    pad = 64 * n
    fine = np.abs(np.fft.rfft(y, n=pad)) ** 2
    lo, hi = max(1, (k - 1) * 64), min(fine.size, (k + 1) * 64 + 1)
    kf = lo + int(np.argmax(fine[lo:hi]))
    return float(pad / kf)


def _cycle_shuffle(arr: np.ndarray, k: int, rng: np.random.Generator, options: dict) -> tuple[np.ndarray, dict]:
    unknown = set(options) - {"period"}
    if unknown:
        raise ValidationError(f"unknown options for method='cycle_shuffle': {sorted(unknown)}; valid: ['period'].")
    period = options.get("period")
    period = dominant_period(arr) if period is None else float(period)
    if not (np.isfinite(period) and period >= 2):
        raise ValidationError(f"cycle_shuffle needs a period of at least 2 samples; got {options.get('period')!r}.")
    n = arr.size
    n_cycles = int(n // period)
    if n_cycles < 4:
        raise InsufficientDataError(f"cycle_shuffle needs at least 4 cycles; a period of {period:.4g} samples fits "
                                    f"{n_cycles} times in {n} samples.")
    cuts = np.round(np.arange(n_cycles + 1) * period).astype(np.int64)
    cuts[-1] = min(cuts[-1], n)
    blocks = [arr[cuts[i]:cuts[i + 1]] for i in range(n_cycles)]
    tail = arr[cuts[-1]:]
    out = np.empty((k, n))
    for j in range(k):
        order = rng.permutation(n_cycles)
        out[j] = np.concatenate([blocks[i] for i in order] + [tail])
    return out, {"period": period, "cycles": n_cycles}


def _pseudoperiodic(arr: np.ndarray, k: int, rng: np.random.Generator, options: dict) -> tuple[np.ndarray, dict]:
    st = _pps_settings(arr, options, rng)
    dist, idx, z = st.pop("_tables")
    path = _pps_walk(dist, idx, st["rho"], k, arr.size, rng)
    return z[path, 0], st


# --------------------------------------------------------------------------- public: surrogates
def surrogates(x, method: str = "iaaft", n_surrogates: int = 1, seed: Any = None,
               max_iter: int = 1000, trim: bool = False, method_kwargs: dict | None = None) -> np.ndarray:
    """Surrogate series for the null hypotheses of the module docstring.

    Parameters
    ----------
    x : array_like, shape (n_times,) or (n_times, n_channels)
        Uniformly sampled series (rows are time), at least 8 samples, finite and not
        constant.
    method : {"shuffle", "ft", "aaft", "iaaft", "pseudoperiodic", "cycle_shuffle"}
        See the module docstring for the algorithms and null hypotheses.
    n_surrogates : int >= 1
        Number of surrogates.
    seed : None, int or numpy.random.Generator
        Seed of all random draws; the same seed gives the same surrogates.
    max_iter : int >= 1
        Maximum number of IAAFT iterations; a surrogate that has not converged (see the
        module docstring) after ``max_iter`` iterations triggers a
        :class:`~attractor.core.errors.ConvergenceWarning` (it is still returned, with
        the data's exact values and an approximately matched spectrum).
    trim : bool
        If True, generate surrogates of ``x[start:stop]`` with
        ``(start, stop) = end_to_end_segment(x)`` (shorter output) to reduce the
        periodicity artefact of Fourier-based methods.
    method_kwargs : dict, optional
        Options of ``"pseudoperiodic"``: ``dimension``, ``delay``, ``rho``, ``rho_factor``,
        ``n_neighbors``; of ``"cycle_shuffle"``: ``period`` (samples) (module docstring);
        not accepted by the other methods.

    Returns
    -------
    numpy.ndarray, shape (n_surrogates, n_times) or (n_surrogates, n_times, n_channels)
        ``n_times`` is the trimmed length when ``trim=True``.

    Raises
    ------
    ValidationError
        Unknown method, non-finite or constant data, ``n_surrogates < 1``.
    InsufficientDataError
        Fewer than 8 samples.
    """
    return _surrogates_with_settings(x, method, n_surrogates, seed, max_iter, trim, method_kwargs)[0]


def _surrogates_with_settings(x, method: str, n_surrogates: int, seed: Any, max_iter: int, trim: bool,
                              method_kwargs: dict | None) -> tuple[np.ndarray, dict]:
    method = _check_method(method)
    n_surrogates = check_positive_int(n_surrogates, "n_surrogates")
    max_iter = check_positive_int(max_iter, "max_iter")
    options = dict(method_kwargs or {})
    if options and method not in ("pseudoperiodic", "cycle_shuffle"):
        raise ValidationError(f"method_kwargs are only accepted by method='pseudoperiodic' or 'cycle_shuffle'; got "
                              f"{sorted(options)} for {method!r}.")
    arr = as_series(x, "x", min_length=_MIN_LENGTH, allow_constant=False,
                    multivariate=method not in ("pseudoperiodic", "cycle_shuffle"))
    if trim:
        start, stop = end_to_end_segment(arr)
        arr = arr[start:stop]
    rng = _rng(seed)
    if method == "pseudoperiodic":
        return _pseudoperiodic(arr, n_surrogates, rng, options)
    if method == "cycle_shuffle":
        return _cycle_shuffle(arr, n_surrogates, rng, options)
    xt = np.ascontiguousarray((arr[:, None] if arr.ndim == 1 else arr).T)   # (c, n)
    out, _, unconverged = _surrogates_tl(xt, method, n_surrogates, rng, max_iter)
    if unconverged:
        warnings.warn(
            f"IAAFT: {unconverged} of {n_surrogates} surrogates had not converged (rank order still "
            f"changing, spectral mismatch still falling) after max_iter={max_iter} iterations (largest "
            f"relative spectral mismatch "
            f"{_spectral_mismatch(xt, out):.2e}); increase max_iter.",
            ConvergenceWarning, stacklevel=2,
        )
    if arr.ndim == 1:
        return np.ascontiguousarray(out[:, 0, :]), {}
    return np.ascontiguousarray(np.transpose(out, (0, 2, 1))), {}


# --------------------------------------------------------------------------- statistics
def time_reversal_asymmetry(x, lag: int = 1) -> float:
    r"""Normalised time-reversal asymmetry of a scalar series.

    .. math:: Q(\tau) = \frac{\langle (x_{n+\tau} - x_n)^3 \rangle}
                             {\langle (x_{n+\tau} - x_n)^2 \rangle^{3/2}}

    i.e. the skewness of the increments at lag ``tau`` (dimensionless). A stationary
    linear Gaussian process, and any static monotonic transform of one, is symmetric
    under time reversal, so ``Q`` is zero up to sampling error. Theiler et al. (1992)
    used the unnormalised numerator; Schreiber & Schmitz (2000) normalise by
    ``<d^2>``; the power 3/2 used here makes ``Q`` scale-free.

    Parameters
    ----------
    x : array_like, shape (n_times,)
    lag : int >= 1
        Lag ``tau`` in samples.

    Returns
    -------
    float
    """
    lag = check_positive_int(lag, "lag")
    arr = as_series(x, "x", min_length=lag + 2, allow_constant=False, multivariate=False)
    d = arr[lag:] - arr[:-lag]
    m2 = float(np.mean(d * d))
    if m2 == 0:
        raise ValidationError(f"x is periodic with period {lag}: its lag-{lag} increments are all zero.")
    return float(np.mean(d ** 3) / m2 ** 1.5)


def _prediction_settings(arr: np.ndarray, dimension: int, delay: int | None, horizon: int,
                         n_neighbors: int | None) -> dict[str, int]:
    dimension = check_positive_int(dimension, "dimension")
    horizon = check_positive_int(horizon, "horizon")
    delay = estimate_delay(arr, method="autocorr_1e").delay if delay is None else check_positive_int(delay, "delay")
    n_neighbors = dimension + 1 if n_neighbors is None else check_positive_int(n_neighbors, "n_neighbors")
    return dict(dimension=dimension, delay=delay, horizon=horizon, n_neighbors=n_neighbors)


def _prediction_error(arr: np.ndarray, dimension: int, delay: int, horizon: int, n_neighbors: int) -> float:
    n = arr.size
    span = (dimension - 1) * delay
    gap = span + horizon                       # vectors closer than this in time share samples
    n_vec = n - gap                            # vectors whose future value is known
    half = n_vec // 2
    if half - gap < 1 or half < n_neighbors:
        need = 2 * (2 * gap + max(n_neighbors, 1))
        raise InsufficientDataError(
            f"prediction_error needs at least {need} samples for dimension={dimension}, delay={delay}, "
            f"horizon={horizon}, n_neighbors={n_neighbors}; got {n}."
        )
    Y = delay_embed(arr[: n_vec + span], dimension, delay)      # (n_vec, m)
    future = arr[gap: gap + n_vec]                                # value to predict for each vector
    sq = []
    for lib, test in ((slice(0, half), slice(half + gap, n_vec)), (slice(half, n_vec), slice(0, half - gap))):
        _, idx = cKDTree(Y[lib]).query(Y[test], k=n_neighbors)
        idx = np.asarray(idx).reshape(-1, n_neighbors)
        err = future[lib][idx].mean(axis=1) - future[test]
        sq.append(err * err)
    return float(np.sqrt(np.mean(np.concatenate(sq))) / np.std(arr))


def prediction_error(x, dimension: int = 3, delay: int | None = None, horizon: int = 1,
                     n_neighbors: int | None = None) -> float:
    r"""Out-of-sample error of a locally constant (zeroth-order) predictor.

    Delay vectors :math:`\mathbf{y}_i = (x_i, x_{i+\tau}, \dots, x_{i+(m-1)\tau})` are
    formed and split into two halves. Each half is predicted from the other (two-fold
    cross-validation): the value ``h`` steps after a vector's last coordinate,
    :math:`x_{i+(m-1)\tau+h}`, is predicted as the mean of the same future values of its
    ``k`` nearest vectors in the other half (Euclidean norm, k-d tree). The
    ``(m-1)tau + h`` vectors next to the boundary are not predicted, so no predicted value
    or its delay vector shares a sample with the library. The statistic is the
    normalised root-mean-square error over all predictions,

    .. math:: \epsilon = \sqrt{\langle (\hat x - x)^2 \rangle} / \sigma_x,

    about 0 for a perfectly predictable series and about :math:`\sqrt{1 + 1/k}` for
    white noise. Nonlinear deterministic structure makes ``epsilon`` smaller for the
    data than for linear surrogates. This is the library / prediction-set scheme of
    Sugihara & May (1990) with an unweighted ``k = m + 1`` (simplex-sized)
    neighbourhood, i.e. the locally constant predictor of Schreiber & Schmitz (2000,
    'Phase space observables') evaluated out of sample.

    The halves must visit the same parts of the attractor: for a short record of an
    oversampled flow (a few dozen oscillations) one half may not cover the other, which
    inflates ``epsilon`` and costs power (never false rejections). Prefer records that
    span many characteristic times (e.g. subsample oversampled flows).

    Parameters
    ----------
    x : array_like, shape (n_times,)
    dimension : int >= 1
        Embedding dimension ``m``.
    delay : int >= 1, optional
        Delay ``tau`` in samples; default: first lag at which the autocorrelation falls
        below 1/e.
    horizon : int >= 1
        Prediction horizon ``h`` in samples.
    n_neighbors : int >= 1, optional
        ``k``; default ``m + 1``.

    Returns
    -------
    float
        Normalised RMS prediction error (dimensionless).
    """
    arr = as_series(x, "x", min_length=_MIN_LENGTH, allow_constant=False, multivariate=False)
    return _prediction_error(arr, **_prediction_settings(arr, dimension, delay, horizon, n_neighbors))


# --------------------------------------------------------------------------- surrogate test
@dataclass(frozen=True)
class SurrogateTestResult:
    """Outcome of a surrogate-data test.

    Attributes
    ----------
    statistic : str
        Name of the discriminating statistic (``"time_reversal"``,
        ``"nonlinear_prediction"`` or the callable's ``__name__``).
    data_statistic : float
        Statistic of the data.
    surrogate_statistics : numpy.ndarray, shape (n_surrogates,)
        Statistic of each surrogate.
    p_value : float
        Rank-based p-value (see :func:`surrogate_test`).
    rejected : bool
        True when ``p_value <= alpha``: the null hypothesis is rejected.
    significance : float
        ``|t_0 - mean(t_s)| / std(t_s)`` in units of the surrogates' standard deviation
        (Theiler et al. 1992; informative only, the decision uses the ranks).
    alternative : str
        ``"two-sided"``, ``"less"`` (data smaller than surrogates) or ``"greater"``.
    alpha : float
        Level of the test.
    method : str
        Surrogate method.
    n_surrogates : int
    null_hypothesis : str
        The null hypothesis the surrogates realise.
    statistic_kwargs : dict
        Settings of the statistic, with defaults resolved on the data and then used for
        every surrogate.
    segment : tuple of int
        ``(start, stop)``: the part of ``x`` used (all of it unless ``trim=True``).
    seed : object
        The seed given.
    method_settings : dict
        Settings the surrogate method chose (``"pseudoperiodic"``: dimension, delay,
        noise radius ``rho``, neighbours); empty for the Fourier methods.
    """

    statistic: str
    data_statistic: float
    surrogate_statistics: np.ndarray = field(repr=False)
    p_value: float
    rejected: bool
    significance: float
    alternative: str
    alpha: float
    method: str
    n_surrogates: int
    null_hypothesis: str
    statistic_kwargs: dict = field(default_factory=dict)
    segment: tuple[int, int] = (0, 0)
    seed: Any = None
    method_settings: dict = field(default_factory=dict)


_NULLS = {
    "shuffle": "independent, identically distributed noise",
    "ft": "stationary linear Gaussian process",
    "aaft": "stationary linear Gaussian process observed through a static monotonic function",
    "iaaft": "stationary linear Gaussian process observed through a static monotonic function",
    "pseudoperiodic": "periodic orbit with uncorrelated noise (pseudo-periodic surrogates)",
    "cycle_shuffle": "strictly periodic signal plus noise independent between cycles (cycle-shuffled surrogates)",
}


def _check_alpha(alpha: Any) -> float:
    try:
        a = float(alpha)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"alpha must be a number in (0, 1); got {alpha!r}.") from exc
    if not (0.0 < a < 1.0):
        raise ValidationError(f"alpha must lie strictly between 0 and 1; got {alpha!r}.")
    return a


def _rank_p_value(t0: float, ts: np.ndarray, alternative: str) -> float:
    k = ts.size
    p_greater = (1 + int(np.sum(ts >= t0))) / (k + 1)
    p_less = (1 + int(np.sum(ts <= t0))) / (k + 1)
    if alternative == "greater":
        return p_greater
    if alternative == "less":
        return p_less
    return min(1.0, 2.0 * min(p_greater, p_less))


def surrogate_test(x, statistic: str | Callable[[np.ndarray], float] = "nonlinear_prediction",
                   method: str = "iaaft", n_surrogates: int = 99, alpha: float = 0.05,
                   seed: Any = None, two_sided: bool | None = None,
                   statistic_kwargs: dict | None = None, max_iter: int = 1000,
                   trim: bool = False, method_kwargs: dict | None = None) -> SurrogateTestResult:
    r"""Test a series against the null hypothesis realised by a surrogate method.

    The statistic ``t_0`` of the data is compared with the statistics ``t_1..t_K`` of
    ``K = n_surrogates`` surrogates. The rank-based p-values (ties counted against
    rejection) are

    - ``"greater"``: :math:`p = (1 + \#\{t_i \ge t_0\}) / (K + 1)`,
    - ``"less"``: :math:`p = (1 + \#\{t_i \le t_0\}) / (K + 1)`,
    - two-sided: :math:`p = \min(1, 2 \min(p_\mathrm{greater}, p_\mathrm{less}))`,

    and the null is rejected when ``p <= alpha``. The smallest attainable p is
    ``1/(K+1)`` one-sided and ``2/(K+1)`` two-sided, so at ``alpha = 0.05`` one needs
    ``K >= 19`` one-sided and ``K >= 39`` two-sided (Schreiber & Schmitz 2000, 'Test
    design'); fewer surrogates trigger a :class:`~attractor.core.errors.ReliabilityWarning`.

    With the default ``method="iaaft"`` the null hypothesis is a stationary linear
    Gaussian process, possibly observed through a static monotonic nonlinear function.

    Parameters
    ----------
    x : array_like, shape (n_times,) (or (n_times, n_channels) with a callable statistic)
    statistic : {"nonlinear_prediction", "time_reversal"} or callable
        ``"nonlinear_prediction"``: :func:`prediction_error` (one-sided, ``"less"``: the
        data are more predictable than the surrogates). ``"time_reversal"``:
        :func:`time_reversal_asymmetry` (two-sided by default). A callable
        ``f(series) -> float`` receives the data and each surrogate (same shape as
        ``x``); it is two-sided by default and ``"greater"`` when one-sided.
    method : {"shuffle", "ft", "aaft", "iaaft", "pseudoperiodic", "cycle_shuffle"}
        Surrogate method (see :func:`surrogates`).
    n_surrogates : int >= 1
    alpha : float in (0, 1)
        Level of the test.
    seed : None, int or numpy.random.Generator
    two_sided : bool, optional
        Override the statistic's default sidedness.
    statistic_kwargs : dict, optional
        Keyword arguments of the built-in statistic (``lag`` for time reversal;
        ``dimension``, ``delay``, ``horizon``, ``n_neighbors`` for prediction).
        Defaults are resolved on the data (e.g. the delay) and the same values are used
        for every surrogate.
    max_iter : int
        IAAFT iteration limit.
    trim : bool
        Test ``x[start:stop]`` with ``(start, stop) = end_to_end_segment(x)`` (recommended
        for Fourier-based methods on data whose ends differ, e.g. after detrending).
    method_kwargs : dict, optional
        Options of ``method="pseudoperiodic"`` (see :func:`surrogates`).

    Returns
    -------
    SurrogateTestResult
    """
    method = _check_method(method)
    n_surrogates = check_positive_int(n_surrogates, "n_surrogates")
    alpha = _check_alpha(alpha)
    kwargs = dict(statistic_kwargs or {})
    if callable(statistic):
        name = getattr(statistic, "__name__", "statistic")
        arr = as_series(x, "x", min_length=_MIN_LENGTH, allow_constant=False)
        func = statistic
        default_two_sided, one_sided = True, "greater"
    elif isinstance(statistic, str) and statistic in _STATISTICS:
        name = statistic
        arr = as_series(x, "x", min_length=_MIN_LENGTH, allow_constant=False, multivariate=False)
        if statistic == "time_reversal":
            unknown = set(kwargs) - {"lag"}
            lag = check_positive_int(kwargs.get("lag", 1), "lag")
            kwargs = {"lag": lag}

            def func(s: np.ndarray) -> float:
                return time_reversal_asymmetry(s, lag=lag)

            default_two_sided, one_sided = True, "greater"
        else:
            unknown = set(kwargs) - {"dimension", "delay", "horizon", "n_neighbors"}
            if not unknown:
                kwargs = _prediction_settings(arr, kwargs.get("dimension", 3), kwargs.get("delay"),
                                              kwargs.get("horizon", 1), kwargs.get("n_neighbors"))
            settings = dict(kwargs)

            def func(s: np.ndarray) -> float:
                return _prediction_error(s, **settings)

            default_two_sided, one_sided = False, "less"
        if unknown:
            raise ValidationError(f"unknown statistic_kwargs for {statistic!r}: {sorted(unknown)}.")
    else:
        raise ValidationError(
            f"statistic must be a callable or one of {', '.join(_STATISTICS)}; got {statistic!r}."
        )
    two = default_two_sided if two_sided is None else bool(two_sided)
    alternative = "two-sided" if two else one_sided
    p_min = (2.0 if two else 1.0) / (n_surrogates + 1)
    if p_min > alpha:
        need = int(np.ceil((2.0 if two else 1.0) / alpha - 1))
        warnings.warn(
            f"with {n_surrogates} surrogates the smallest attainable {alternative} p-value is {p_min:.3g} > "
            f"alpha={alpha}: the test can never reject. Use at least {need} surrogates.",
            ReliabilityWarning, stacklevel=2,
        )
    segment = (0, arr.shape[0])
    if trim:
        segment = end_to_end_segment(arr)
        arr = arr[segment[0]:segment[1]]
    surr, msettings = _surrogates_with_settings(arr, method, n_surrogates, seed, max_iter, False, method_kwargs)
    t0 = float(func(arr))
    ts = np.array([float(func(s)) for s in surr])
    if not np.isfinite(t0) or not np.all(np.isfinite(ts)):
        raise ValidationError(f"the statistic {name!r} returned a non-finite value on the data or a surrogate.")
    p = _rank_p_value(t0, ts, alternative)
    sd = float(np.std(ts, ddof=1)) if ts.size > 1 else float("nan")
    sig = abs(t0 - float(np.mean(ts))) / sd if sd > 0 else float("nan")
    ts.setflags(write=False)
    return SurrogateTestResult(
        statistic=name, data_statistic=t0, surrogate_statistics=ts, p_value=float(p),
        rejected=bool(p <= alpha), significance=sig, alternative=alternative, alpha=alpha,
        method=method, n_surrogates=n_surrogates, null_hypothesis=_NULLS[method],
        statistic_kwargs=kwargs, segment=segment, seed=seed, method_settings=msettings,
    )
