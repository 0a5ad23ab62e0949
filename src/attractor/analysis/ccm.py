"""Convergent cross mapping (CCM): which observed variable drives which.

* :func:`ccm` — cross-map skill against library size in both directions, with a convergence
  statistic and a surrogate significance test per direction (Sugihara et al. 2012).
* :func:`ccm_lagged` — cross-map skill against the cross-map lag, for the direction of time
  (Ye, Deyle, Gilarranz & Sugihara 2015).

If ``x`` drives ``y``, the history of ``x`` is written into ``y``: points close on the shadow
manifold of ``y`` (delay vectors of ``y``) have close values of ``x``, so ``x`` can be
estimated from ``y``'s manifold ("y xmap x"), and the estimate improves as the library of
``y``-points grows (convergence). Direction ``"x->y"`` ("x drives y") is therefore tested by
``y xmap x``, and ``"y->x"`` by ``x xmap y``.

Conventions (pyEDM 2.x): for each direction the prediction set is every point with a complete
delay vector and a known target; a library of ``L`` of those points is drawn (``"random"``:
without replacement; ``"contiguous"``: a block of consecutive points at a random start); every
point is cross-mapped by simplex projection from its ``E + 1`` nearest library neighbours
(itself and points within ``exclusion_radius`` rows excluded), weights ``exp(-d / d_min)``,
and the skill ρ is Pearson's correlation over all predicted points.

Statistics, per direction:

* convergence: Kendall's τ of mean ρ against L, and Δρ = mean ρ(L_max) − mean ρ(L_min) with a
  bootstrap interval over the library samples; ``p_convergence`` is the bootstrap probability
  that Δρ ≤ 0;
* skill: ρ with the full library (every other point) against the same statistic with the
  *driver* replaced by ``n_surrogates`` surrogates (:func:`attractor.surrogates`, IAAFT by
  default), ``p_skill = (1 + #{ρ_surrogate ≥ ρ}) / (1 + n_surrogates)``;
* direction of time: the full-library skill at cross-map lags −``max_lag`` … ``max_lag``
  (estimating the driver ℓ rows after the manifold point); a driver acts before its effect, so
  the best skill at some lag ≤ 0 must exceed the best at lags > 0 (Ye et al. 2015). Strong
  forcing of the driver by the other variable gives skill that is flat in the lag or peaks at
  ℓ > 0; ``p_lag`` is the bootstrap (over predicted points, paired across lags) probability that
  max ρ(ℓ ≤ 0) − max ρ(ℓ > 0) ≤ 0;
* ``p_value = max(p_skill, p_convergence, p_lag)``: the intersection-union test (Berger 1982) of
  "skill above the null, converging, and consistent with the direction of time" (the criteria
  of Sugihara et al. 2012 and Ye et al. 2015); a valid level-α test of their conjunction, and
  conservative: a weak genuine link masked by strong forcing the other way can be missed.

Missing values (``nan_policy="omit"``) are handled as in :mod:`attractor.analysis.edm`:
points with an incomplete delay vector or unknown target are dropped (counted in
``n_excluded``); surrogates are generated from the driver with its gaps linearly
interpolated, and the gaps put back.

Cost: per direction one ``cKDTree`` on all M points and one query of ``K ≈ 64 + 4(E+1+2r)``
candidates per point, reused by every library size and sample; a library of L points then costs
O(M · K) (O(M · L) for the rows whose candidates run out, which happens only for small L).
Most rows take a fast path (precomputed admissible candidates, predictions and simplex weights:
no ``exp`` in the sweep; :func:`~attractor.analysis._edm_kernels.ccm_admissible`), libraries larger
than M/2 are drawn as their complement. Libraries run in parallel (Numba). Surrogates cost one
weighted sum each, on top of their generation.

References
----------
G. Sugihara, R. May, H. Ye, C. Hsieh, E. Deyle, M. Fogarty & S. Munch, "Detecting causality in
complex ecosystems", Science 338, 496-500 (2012).
H. Ye, E. R. Deyle, L. J. Gilarranz & G. Sugihara, "Distinguishing time-delayed causal
interactions using convergent cross mapping", Sci. Rep. 5, 14750 (2015).
R. L. Berger, "Multiparameter hypothesis testing and acceptance sampling", Technometrics 24,
295-300 (1982).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from scipy.spatial import cKDTree
from scipy.stats import kendalltau

from ..core.errors import InsufficientDataError, ReliabilityWarning, ValidationError
from ..core.validation import check_nonnegative_int, check_positive_float, check_positive_int
from . import _edm_kernels as _k
from .edm import _channels, _check_int, delay_vectors, simplex
from .surrogates import surrogates as _surrogates

__all__ = ["ccm", "ccm_lagged", "CCMResult", "LaggedCCMResult"]

_LEAFSIZE = 16
DIRECTIONS = ("x->y", "y->x")
CROSS_MAPS = ("y xmap x", "x xmap y")


@dataclass(frozen=True)
class CCMResult:
    """Convergent cross mapping in both directions (:func:`ccm`).

    Arrays have a leading axis of length 2 indexed like ``directions``: 0 = ``"x->y"`` (x
    drives y; tested by y xmap x), 1 = ``"y->x"``.

    Attributes
    ----------
    directions, cross_maps : tuple of str
    lib_sizes : numpy.ndarray of int, shape (n_L,)
        Library sizes (points).
    rho_mean : numpy.ndarray, shape (2, n_L)
        Mean cross-map skill over the library samples.
    rho_quantiles : numpy.ndarray, shape (2, n_L, 3)
        5 %, 50 % and 95 % quantiles of the skill over the samples.
    rho_samples : numpy.ndarray, shape (2, n_L, n_samples)
        Skill of every library sample.
    rho_full : numpy.ndarray, shape (2,)
        Skill with the full library (the significance test's statistic).
    kendall_tau : numpy.ndarray, shape (2,)
        Kendall's τ of ``rho_mean`` against ``lib_sizes``.
    delta_rho, delta_rho_ci : numpy.ndarray, shapes (2,) and (2, 2)
        ρ(L_max) − ρ(L_min) (means over samples) and its 95 % bootstrap interval.
    converged : numpy.ndarray of bool, shape (2,)
        τ > 0 and the interval of Δρ above 0.
    surrogate_rho : numpy.ndarray, shape (2, n_surrogates)
        Full-library skill with the driver replaced by each surrogate.
    lags : numpy.ndarray of int, shape (2·max_lag + 1,)
    lag_rho : numpy.ndarray, shape (2, n_lags)
        Full-library cross-map skill at each lag (see ``p_lag``).
    lag_delta : numpy.ndarray, shape (2,)
        max ρ(lag ≤ 0) − max ρ(lag > 0).
    p_skill, p_convergence, p_lag, p_value : numpy.ndarray, shape (2,)
        Surrogate p-value of the skill, bootstrap p-value of Δρ > 0, bootstrap p-value of
        ``lag_delta > 0`` (0 when ``max_lag=0``), and their maximum.
    significant : numpy.ndarray of bool, shape (2,)
        ``p_value < alpha``.
    E, knn, n_points, n_excluded : numpy.ndarray of int, shape (2,)
        Embedding dimension and neighbours of each direction's shadow manifold (of the driven
        variable: y for "x->y"), points predicted, and points dropped for missing values.
    tau, tp, exclusion_radius, n_samples, n_surrogates : int
    sample, surrogate_method : str
    alpha : float
    seed : Any
    reliable : bool
        False when the test cannot be trusted (see ``notes``): fewer than 50 points, too few
        surrogates to reach ``alpha``, or library samples without a defined skill.
    notes : tuple of str
        Caveats, including a note when both directions are significant (mutual coupling, or
        strong forcing of one variable by the other: check :func:`ccm_lagged`).
    """

    directions: tuple
    cross_maps: tuple
    lib_sizes: np.ndarray
    rho_mean: np.ndarray
    rho_quantiles: np.ndarray
    rho_samples: np.ndarray
    rho_full: np.ndarray
    kendall_tau: np.ndarray
    delta_rho: np.ndarray
    delta_rho_ci: np.ndarray
    converged: np.ndarray
    surrogate_rho: np.ndarray
    lags: np.ndarray
    lag_rho: np.ndarray
    lag_delta: np.ndarray
    p_skill: np.ndarray
    p_convergence: np.ndarray
    p_lag: np.ndarray
    p_value: np.ndarray
    significant: np.ndarray
    E: np.ndarray
    knn: np.ndarray
    n_points: np.ndarray
    n_excluded: np.ndarray
    tau: int
    tp: int
    exclusion_radius: int
    n_samples: int
    n_surrogates: int
    sample: str
    surrogate_method: str
    alpha: float
    seed: Any
    reliable: bool
    notes: tuple


@dataclass(frozen=True)
class LaggedCCMResult:
    """Cross-map skill against cross-map lag (:func:`ccm_lagged`, Ye et al. 2015).

    For direction ``"x->y"`` the skill at lag ℓ is that of estimating ``x(t + ℓ)`` from ``y``'s
    shadow manifold at ``t``. A real effect of x on y (x acts first) peaks at ℓ ≤ 0; a peak at
    ℓ > 0 says the apparent link is an artefact of strong forcing or shared drivers.

    Attributes
    ----------
    directions : tuple of str
    lags : numpy.ndarray of int, shape (n_lags,)
    rho : numpy.ndarray, shape (2, n_lags)
    best_lag : numpy.ndarray of int, shape (2,)
        Lag of the largest skill per direction.
    causal_lag : numpy.ndarray of bool, shape (2,)
        ``best_lag <= 0`` (consistent with the direction of time).
    E : numpy.ndarray of int, shape (2,)
    tau, exclusion_radius : int
    reliable : bool
    """

    directions: tuple
    lags: np.ndarray
    rho: np.ndarray
    best_lag: np.ndarray
    causal_lag: np.ndarray
    E: np.ndarray
    tau: int
    exclusion_radius: int
    reliable: bool


# ------------------------------------------------------------------------------------ helpers
def _pair(x, y, nan_policy: str) -> tuple[np.ndarray, np.ndarray]:
    X = _channels(x, "x", nan_policy)
    Y = _channels(y, "y", nan_policy)
    if X.shape[1] != 1 or Y.shape[1] != 1:
        raise ValidationError(f"x and y must be single series (1-D); got shapes {np.shape(x)} and {np.shape(y)}.")
    if X.shape[0] != Y.shape[0]:
        raise ValidationError(f"x has {X.shape[0]} samples but y has {Y.shape[0]}; series of different lengths "
                              "cannot be aligned (trim them to a common time range first).")
    return X[:, 0], Y[:, 0]


def _two_ints(value: Any, name: str) -> tuple[int, int]:
    if isinstance(value, tuple | list | np.ndarray):
        vals = list(np.asarray(value).ravel())
        if len(vals) != 2:
            raise ValidationError(f"{name} must be an integer or a pair (for the manifolds of y and of x).")
        return check_positive_int(vals[0], name), check_positive_int(vals[1], name)
    v = check_positive_int(value, name)
    return v, v


class _Manifold:
    """The shadow manifold of ``effect`` with the aligned target ``cause[t + tp]``."""

    def __init__(self, effect: np.ndarray, cause: np.ndarray, E: int, tau: int, tp: int, r: int, knn: int | None):
        n = effect.size
        Z = delay_vectors(effect[:, None], E, tau, False)
        rows = np.arange(n)
        tgt = rows + tp
        # rows without a delay vector or a target only because of the record's ends are not "missing"
        structural = ~np.isfinite(delay_vectors(np.zeros((n, 1)), E, tau, False)).all(axis=1) | (tgt < 0) | (tgt >= n)
        ok = np.isfinite(Z).all(axis=1) & ~structural
        ok[ok] &= np.isfinite(cause[tgt[ok]])
        self.n_excluded = int((~ok & ~structural).sum())
        self.rows = rows[ok].astype(np.int64)
        self.Z = np.ascontiguousarray(Z[ok])
        self.y = np.ascontiguousarray(cause[self.rows + tp])
        self.M = self.rows.size
        self.k = E + 1 if knn is None else knn
        self.r = r
        self.tp = tp

    def candidates(self) -> tuple[np.ndarray, np.ndarray]:
        M, k, r = self.M, self.k, self.r
        K = int(min(M, max(64 + 4 * (k + 1 + 2 * r), 2 * (k + 1 + 2 * r)), max(k + 2 * r + 2, 4_000_000 // M)))
        tree = cKDTree(self.Z, leafsize=_LEAFSIZE)
        d, j = tree.query(self.Z, k=K, workers=-1)
        d = np.asarray(d, dtype=float).reshape(M, K)
        j = np.asarray(j).reshape(M, K)
        return np.where(j < M, j, -1).astype(np.int64), np.ascontiguousarray(d)

    def _full_neighbours(self):
        cj, cd = self.candidates()
        idx = np.arange(self.M, dtype=np.int64)
        # times of the valid points are their data rows; select_neighbours indexes times by row
        return _k.select_neighbours(cj, cd, self.rows, self.rows, self.Z, self.Z, idx, self.r, self.k, self.M), (cj, cd)


def _fill_gaps(v: np.ndarray) -> np.ndarray:
    bad = ~np.isfinite(v)
    if not bad.any():
        return v
    idx = np.arange(v.size)
    out = v.copy()
    out[bad] = np.interp(idx[bad], idx[~bad], v[~bad])
    return out


def _surrogate_targets(cause: np.ndarray, rows: np.ndarray, tp: int, method: str, n: int, seed, kwargs):
    filled = _fill_gaps(cause)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _surrogates(filled, method=method, n_surrogates=n, seed=seed, method_kwargs=kwargs)
    if s.shape[1] != cause.size:
        raise ValidationError(f"surrogate method {method!r} returned series of a different length.")
    return s[:, rows + tp]


def _weights(nb_d, nb_n, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Normalised simplex weights (M, k) of the full-library neighbours, and the rows that have k."""
    ok = nb_n >= k
    W = np.zeros(nb_d.shape)
    d = nb_d[ok, :k]   # the same weights as _k.simplex_weights, for all rows at once
    dmin = d.min(axis=1, keepdims=True)
    W[ok, :k] = np.where(dmin > 0, np.exp(-d / np.where(dmin > 0, dmin, 1.0)), (d == 0).astype(float))
    W /= np.where(W.sum(axis=1, keepdims=True) > 0, W.sum(axis=1, keepdims=True), 1.0)
    return W, ok


def _weighted_rho(nb_j, nb_d, nb_n, targets: np.ndarray, k: int) -> np.ndarray:
    """Full-library cross-map skill for each row of ``targets`` (n_t, M)."""
    W, ok = _weights(nb_d, nb_n, k)
    jj = np.where(nb_j >= 0, nb_j, 0)
    out = np.empty(targets.shape[0])
    for s in range(targets.shape[0]):
        t = targets[s]
        pred = (W[ok] * t[jj[ok]]).sum(axis=1)
        obs = t[ok]
        out[s] = _k.pearson(pred, obs) if ok.sum() >= 3 else np.nan
    return out


def _rows_pearson(P: np.ndarray, O: np.ndarray) -> np.ndarray:
    P = P - P.mean(axis=-1, keepdims=True)
    O = O - O.mean(axis=-1, keepdims=True)
    den = np.sqrt((P * P).sum(axis=-1) * (O * O).sum(axis=-1))
    return np.where(den > 0, (P * O).sum(axis=-1) / np.where(den > 0, den, 1.0), 0.0)


def _lag_test(nb_j, nb_d, nb_n, k: int, rows: np.ndarray, cause: np.ndarray, lags: np.ndarray, B: int,
              rng: np.random.Generator) -> tuple[np.ndarray, float, float]:
    """Cross-map skill at each lag with the full library (neighbours of the manifold points reused),
    over the points whose own and neighbours' targets exist at every lag; the statistic
    Δ = max ρ(ℓ ≤ 0) − max ρ(ℓ > 0) (Ye et al. 2015: a driver acts first) and its bootstrap
    p-value over the predicted points (paired across lags)."""
    n = cause.size
    W, ok = _weights(nb_d, nb_n, k)
    jj = np.where(nb_j >= 0, nb_j, 0)
    preds, obss = [], []
    for lag in lags:
        t = rows + lag
        tv = np.full(rows.size, np.nan)
        inside = (t >= 0) & (t < n)
        tv[inside] = cause[t[inside]]
        nt = tv[jj]
        ok = ok & np.isfinite(tv) & np.isfinite(nt).all(axis=1)
        preds.append((W * np.where(np.isfinite(nt), nt, 0.0)).sum(axis=1))
        obss.append(tv)
    P = np.array(preds)[:, ok]
    O = np.array(obss)[:, ok]
    m = P.shape[1]
    if m < 3:
        return np.zeros(lags.size), 0.0, 1.0
    rho = _rows_pearson(P, O)
    neg = lags <= 0
    delta = float(rho[neg].max() - rho[~neg].max())
    worse = 0
    for start in range(0, B, 100):
        b = min(100, B - start)
        idx = rng.integers(0, m, size=(b, m))
        rb = _rows_pearson(P[:, idx], O[:, idx])          # (n_lags, b)
        worse += int(np.count_nonzero(rb[neg].max(axis=0) - rb[~neg].max(axis=0) <= 0))
    return rho, delta, (1 + worse) / (1 + B)


# ------------------------------------------------------------------------------------ public API
def ccm(x, y, *, E: int | Sequence[int] = 2, tau: int = -1, tp: int = 0, lib_sizes: Sequence[int] | None = None,
        n_samples: int = 100, sample: str = "random", exclusion_radius: int = 0, knn: int | None = None,
        n_surrogates: int = 99, surrogate_method: str = "iaaft", surrogate_kwargs: dict | None = None,
        max_lag: int = 3, alpha: float = 0.05, n_bootstrap: int = 1000, seed: Any = None,
        nan_policy: str = "omit") -> CCMResult:
    """Convergent cross mapping between two series, with convergence and significance.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Two simultaneously sampled series of the same length.
    E : int or (int, int)
        Embedding dimension of the shadow manifolds; a pair gives (E of y's manifold, used for
        "x->y"; E of x's manifold, used for "y->x").
    tau : int
        Delay in rows (negative: past values, pyEDM convention).
    tp : int
        Cross-map lag: the target is the driver ``tp`` rows after the manifold point (0: same
        time, Sugihara et al. 2012). See :func:`ccm_lagged` for a sweep.
    lib_sizes : sequence of int, optional
        Library sizes; default 20 sizes evenly spaced from ``max(10, 2(E+1))`` to all points.
    n_samples : int
        Libraries drawn per size.
    sample : {"random", "contiguous"}
        Random subsets without replacement, or blocks of consecutive points at random starts.
    exclusion_radius : int
        Theiler window in rows (neighbours closer in time are excluded; 0 excludes only the
        point itself).
    knn : int, optional
        Neighbours per estimate (default E + 1).
    n_surrogates : int
        Surrogates of the driver for the skill test (``ceil(1/alpha)`` or more are needed to
        reach ``alpha``; 0 skips the test: ``p_skill`` and ``p_value`` are then NaN and the
        result is flagged ``reliable=False``).
    surrogate_method : str
        Any method of :func:`attractor.surrogates` ("iaaft", "cycle_shuffle", "pseudoperiodic",
        ...); pick one whose null keeps what the driver has regardless of coupling (e.g.
        "cycle_shuffle" for seasonal data).
    surrogate_kwargs : dict, optional
        ``method_kwargs`` of :func:`attractor.surrogates`.
    max_lag : int
        Cross-map lags −max_lag … max_lag of the direction-of-time criterion (Ye et al. 2015):
        the skill at some lag ≤ 0 must exceed the skill at every lag > 0; 0 switches it off.
    alpha : float
        Significance level of ``significant``.
    n_bootstrap : int
        Bootstrap resamples for the interval of Δρ.
    seed : None, int or numpy.random.Generator
        Seeds the libraries, the surrogates and the bootstrap; same seed, same numbers.
    nan_policy : {"omit", "raise"}

    Returns
    -------
    CCMResult

    Raises
    ------
    ValidationError
        Different lengths, constant or infinite data, bad options.
    InsufficientDataError
        Too few points with a complete delay vector, or library sizes too small for knn.

    Notes
    -----
    Cost per direction: one k-d tree and query on M points, then O(M · K) per library sample
    (K ≈ 64 + 4(E + 1 + 2r) candidates; libraries in parallel), plus surrogate generation and
    the bootstraps. 1000 points × 20 sizes × 100 samples, both directions, without surrogates
    and lag test: 0.29 s of CPU on one thread (benchmarks/bench_edm.py).
    """
    xv, yv = _pair(x, y, nan_policy)
    Ey, Ex = _two_ints(E, "E")
    tau = _check_int(tau, "tau", nonzero=True)
    tp = _check_int(tp, "tp")
    r = check_nonnegative_int(exclusion_radius, "exclusion_radius")
    S = check_positive_int(n_samples, "n_samples")
    n_sur = check_nonnegative_int(n_surrogates, "n_surrogates")
    B = check_positive_int(n_bootstrap, "n_bootstrap")
    max_lag = check_nonnegative_int(max_lag, "max_lag")
    lags = np.arange(-max_lag, max_lag + 1, dtype=np.int64)
    alpha = check_positive_float(alpha, "alpha")
    if alpha >= 1:
        raise ValidationError(f"alpha must be in (0, 1); got {alpha}.")
    if sample not in ("random", "contiguous"):
        raise ValidationError(f"sample must be 'random' or 'contiguous'; got {sample!r}.")
    if knn is not None:
        knn = check_positive_int(knn, "knn")
    ss = np.random.SeedSequence(seed if not isinstance(seed, np.random.Generator)
                                else seed.integers(0, 2**63 - 1))
    seeds = ss.spawn(8)

    mans = [_Manifold(yv, xv, Ey, tau, tp, r, knn), _Manifold(xv, yv, Ex, tau, tp, r, knn)]
    for d, m in enumerate(mans):
        if m.M < max(m.k + 2 * r + 3, 10):
            raise InsufficientDataError(
                f"direction {DIRECTIONS[d]}: only {m.M} points have a complete delay vector and a known target; "
                f"CCM with E={(Ey, Ex)[d]}, tau={tau}, knn={m.k}, exclusion_radius={r} needs at least "
                f"{max(m.k + 2 * r + 3, 10)}.")
    M_min = min(m.M for m in mans)
    k_max = max(m.k for m in mans)
    if lib_sizes is None:
        lo = min(max(10, 2 * k_max, k_max + 2 * r + 2), M_min)
        Ls = np.unique(np.linspace(lo, M_min, 20).round().astype(np.int64))
    else:
        Ls = np.unique(np.asarray([check_positive_int(v, "lib_sizes") for v in np.ravel(lib_sizes)], dtype=np.int64))
        if Ls.size == 0:
            raise ValidationError("lib_sizes must not be empty.")
        if Ls[0] < k_max + 1:
            raise ValidationError(f"library sizes must be at least knn + 1 = {k_max + 1}; got {int(Ls[0])}.")
        if Ls[-1] > M_min:
            raise InsufficientDataError(f"the largest library size {int(Ls[-1])} exceeds the {M_min} points available "
                                        "(after the delay span, the lag tp and missing values).")
    nL = Ls.size
    rho_samples = np.full((2, nL, S), np.nan)
    rho_full = np.full(2, np.nan)
    sur_rho = np.full((2, n_sur), np.nan)
    lag_rho = np.zeros((2, lags.size))
    lag_delta = np.zeros(2)
    p_lag = np.zeros(2)
    causes = (xv, yv)
    notes: list[str] = []
    for d, m in enumerate(mans):
        (nb_j, nb_d, nb_n), (cj, cd) = m._full_neighbours()
        rng = np.random.default_rng(seeds[d])
        # precomputed weights for libraries whose nearest member is among a point's first P candidates
        # (P * M * K <= 4e6 doubles: 32 MB at most)
        shortcut = _k.ccm_admissible(cj, cd, m.y, m.rows, r, m.k, int(min(4, 4_000_000 // cj.size)))
        for i, L in enumerate(Ls):
            rho_samples[d, i] = _k.ccm_library_sweep(cj, cd, m.Z, m.y, m.rows, int(L),
                                                     rng.integers(0, 2**31 - 1, size=S), sample == "contiguous",
                                                     r, m.k, *shortcut)
        rho_full[d] = _weighted_rho(nb_j, nb_d, nb_n, m.y[None, :], m.k)[0]
        if max_lag:
            lag_rho[d], lag_delta[d], p_lag[d] = _lag_test(nb_j, nb_d, nb_n, m.k, m.rows, causes[d], lags, B,
                                                           np.random.default_rng(seeds[6 + d]))
        if n_sur:
            targets = _surrogate_targets(causes[d], m.rows, tp, surrogate_method, n_sur,
                                         np.random.default_rng(seeds[2 + d]), surrogate_kwargs)
            sur_rho[d] = _weighted_rho(nb_j, nb_d, nb_n, targets, m.k)

    undefined = ~np.isfinite(rho_samples)
    if undefined.all(axis=2).any():
        bad = [int(Ls[i]) for i in np.flatnonzero(undefined.all(axis=2).any(axis=0))]
        raise InsufficientDataError(f"no library sample of size(s) {bad} gave a defined skill (constant predictions or "
                                    "too few neighbours outside the exclusion radius); use larger library sizes.")
    if undefined.any():
        notes.append(f"{int(undefined.sum())} library samples gave no defined skill and were left out")
        rho_samples = np.where(undefined, np.nanmean(rho_samples, axis=2, keepdims=True), rho_samples)
    rho_mean = rho_samples.mean(axis=2)
    rho_q = np.moveaxis(np.quantile(rho_samples, [0.05, 0.5, 0.95], axis=2), 0, -1)
    brng = np.random.default_rng(seeds[4])
    tau_k = np.zeros(2)
    delta = np.zeros(2)
    ci = np.zeros((2, 2))
    p_conv = np.ones(2)
    for d in range(2):
        if nL >= 2 and np.ptp(rho_mean[d]) > 0:
            tau_k[d] = float(kendalltau(Ls, rho_mean[d]).statistic)
        lo_s, hi_s = rho_samples[d, 0], rho_samples[d, -1]
        delta[d] = hi_s.mean() - lo_s.mean()
        bl = lo_s[brng.integers(0, S, size=(B, S))].mean(axis=1)
        bh = hi_s[brng.integers(0, S, size=(B, S))].mean(axis=1)
        db = bh - bl
        ci[d] = np.quantile(db, [0.025, 0.975])
        p_conv[d] = (1 + np.count_nonzero(db <= 0)) / (1 + B) if nL >= 2 else 1.0
    finite_full = np.isfinite(rho_full)
    if not finite_full.all():
        notes.append("the full-library skill is undefined (constant cross-mapped estimates) in direction(s) "
                     + ", ".join(DIRECTIONS[d] for d in np.flatnonzero(~finite_full)) + "; reported as 0")
        rho_full = np.where(finite_full, rho_full, 0.0)
    sur_rho = np.where(np.isfinite(sur_rho), sur_rho, -1.0)
    p_skill = (1 + (sur_rho >= rho_full[:, None]).sum(axis=1)) / (1 + n_sur) if n_sur else np.full(2, np.nan)
    p_value = np.maximum(np.maximum(p_skill, p_conv), p_lag)
    significant = p_value < alpha
    converged = (tau_k > 0) & (ci[:, 0] > 0)
    if M_min < 50:
        notes.append(f"only {M_min} points: cross-map skill and its null distribution are poorly determined")
    if n_sur == 0:
        notes.append("n_surrogates=0: skill not tested against surrogates (p_skill, p_value are NaN)")
    elif (1 / (1 + n_sur)) >= alpha:
        notes.append(f"{n_sur} surrogates cannot give p < alpha = {alpha}")
    if nL < 2:
        notes.append("a single library size: convergence cannot be judged (p_convergence = 1)")
    if significant.all():
        notes.append("both directions significant: mutual coupling, or strong forcing of one variable by the other "
                     "(generalised synchrony); see ccm_lagged")
    reliable = all(n.startswith("both directions") for n in notes)
    if not reliable:
        warnings.warn("ccm: " + "; ".join(n for n in notes if not n.startswith("both")) + ".", ReliabilityWarning,
                      stacklevel=2)
    return CCMResult(
        directions=DIRECTIONS, cross_maps=CROSS_MAPS, lib_sizes=Ls, rho_mean=rho_mean, rho_quantiles=rho_q,
        rho_samples=rho_samples, rho_full=rho_full, kendall_tau=tau_k, delta_rho=delta, delta_rho_ci=ci,
        converged=converged, surrogate_rho=sur_rho, lags=lags, lag_rho=lag_rho, lag_delta=lag_delta,
        p_skill=p_skill, p_convergence=p_conv, p_lag=p_lag, p_value=p_value,
        significant=significant, E=np.array([Ey, Ex]), knn=np.array([m.k for m in mans]),
        n_points=np.array([m.M for m in mans]), n_excluded=np.array([m.n_excluded for m in mans]), tau=tau, tp=tp,
        exclusion_radius=r, n_samples=S, n_surrogates=n_sur, sample=sample, surrogate_method=surrogate_method,
        alpha=alpha, seed=seed, reliable=reliable, notes=tuple(notes))


def ccm_lagged(x, y, *, E: int | Sequence[int] = 2, tau: int = -1, lags: Sequence[int] = tuple(range(-8, 9)),
               exclusion_radius: int = 0, knn: int | None = None, nan_policy: str = "omit") -> LaggedCCMResult:
    """Cross-map skill against lag, both directions (Ye et al. 2015).

    For ``"x->y"``, the skill at lag ℓ is that of simplex estimates of ``x(t + ℓ)`` from the
    shadow manifold of ``y`` with every other point as library (leave-one-out, Theiler window
    ``exclusion_radius``). A driver acts before its effect, so a genuine x → y link has its best
    lag ≤ 0; a best lag > 0 flags an artefact of strong unidirectional forcing.

    Parameters
    ----------
    lags : sequence of int
        Cross-map lags in rows (default −8 … 8).
    Others as :func:`ccm`.

    Returns
    -------
    LaggedCCMResult

    Notes
    -----
    Cost: one simplex call (one k-d tree) per lag and direction.
    """
    xv, yv = _pair(x, y, nan_policy)
    Ey, Ex = _two_ints(E, "E")
    lag_arr = np.asarray([_check_int(v, "lags") for v in np.ravel(lags)], dtype=np.int64)
    if lag_arr.size == 0:
        raise ValidationError("lags must not be empty.")
    rho = np.zeros((2, lag_arr.size))
    unreliable = False
    for d, (effect, cause, E_d) in enumerate(((yv, xv, Ey), (xv, yv, Ex))):
        for i, lag in enumerate(lag_arr):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ReliabilityWarning)
                res = simplex(effect, cause, E=E_d, tau=tau, tp=int(lag), knn=knn, exclusion_radius=exclusion_radius,
                              nan_policy=nan_policy)
            unreliable |= any(issubclass(w.category, ReliabilityWarning) for w in caught)
            rho[d, i] = res.rho
    best = lag_arr[np.argmax(rho, axis=1)]
    if unreliable:
        warnings.warn("ccm_lagged: some cross-map estimates were unreliable.", ReliabilityWarning, stacklevel=2)
    return LaggedCCMResult(directions=DIRECTIONS, lags=lag_arr, rho=rho, best_lag=best, causal_lag=best <= 0,
                           E=np.array([Ey, Ex]), tau=tau, exclusion_radius=check_nonnegative_int(exclusion_radius,
                                                                                              "exclusion_radius"),
                           reliable=not unreliable)
