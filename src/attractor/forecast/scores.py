"""Proper scores and calibration diagnostics for ensemble (probabilistic) forecasts.

Ensembles are arrays whose **first axis indexes the members**: ``ensemble`` has shape
``(m, *obs.shape)``. Everything is plain NumPy (``scoringrules`` is not a dependency); the
ensemble CRPS uses the O(m log m) sorted-member form of the mean absolute difference.

References
----------
Gneiting, T. & Raftery, A. E. (2007). Strictly proper scoring rules, prediction, and estimation.
    JASA 102, 359-378.
Ferro, C. A. T. (2014). Fair scores for ensemble forecasts. QJRMS 140, 1917-1923.
Scheuerer, M. & Hamill, T. M. (2015). Variogram-based proper scoring rules for probabilistic
    forecasts of multivariate quantities. MWR 143, 1321-1334.
Fortin, V. et al. (2014). Why should ensemble spread match the RMSE of the ensemble mean?
    J. Hydrometeor. 15, 1708-1713.
Hamill, T. M. (2001). Interpretation of rank histograms for verifying ensemble forecasts.
    MWR 129, 550-560.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from ..core.errors import ValidationError
from ..core.validation import as_float_array

__all__ = [
    "crps_ensemble", "energy_score", "variogram_score", "spread_skill_ratio",
    "rank_histogram", "pit_values", "pit_uniformity_test", "PITTest",
]


def _ens_obs(obs, ensemble, min_obs_ndim: int = 0) -> tuple[np.ndarray, np.ndarray]:
    y = as_float_array(obs, "obs")
    x = as_float_array(ensemble, "ensemble")
    if y.ndim < min_obs_ndim:
        raise ValidationError(f"obs must have at least {min_obs_ndim} dimension(s); got shape {y.shape}.")
    if x.ndim != y.ndim + 1 or x.shape[1:] != y.shape:
        raise ValidationError(f"ensemble must have shape (n_members, *obs.shape) = (m, {y.shape}); "
                              f"got ensemble {x.shape} for obs {y.shape}.")
    if x.shape[0] < 2:
        raise ValidationError(f"an ensemble needs at least 2 members; got {x.shape[0]}.")
    if y.size == 0:
        raise ValidationError(f"obs is empty (shape {y.shape}); nothing to score.")
    return y, x


def crps_ensemble(obs, ensemble, *, fair: bool = False) -> np.ndarray:
    """Continuous ranked probability score of an ensemble, per observation.

    ``CRPS = mean_i |x_i - y| - 1/(2 m^2) sum_{i,j} |x_i - x_j|`` (standard, Gneiting & Raftery
    2007 eq. 21); the fair version (Ferro 2014) divides the second term by ``2 m (m - 1)`` so that
    its expectation equals the CRPS of the distribution the members are drawn from, for any m.

    Parameters
    ----------
    obs : array_like, shape (...)
        Observations (any units; the score has the same units).
    ensemble : array_like, shape (m, ...)
        Members, m >= 2, first axis.
    fair : bool
        Use the fair (unbiased) estimator.

    Returns
    -------
    ndarray, shape obs.shape
        CRPS, in the units of ``obs`` (lower is better).
    """
    y, x = _ens_obs(obs, ensemble)
    m = x.shape[0]
    term1 = np.mean(np.abs(x - y), axis=0)
    xs = np.sort(x, axis=0)
    w = (2.0 * np.arange(1, m + 1) - m - 1).reshape((m,) + (1,) * y.ndim)
    pair_sum = 2.0 * np.sum(w * xs, axis=0)          # sum_{i,j} |x_i - x_j|, O(m log m)
    denom = 2.0 * m * (m - 1) if fair else 2.0 * m * m
    return term1 - pair_sum / denom


def energy_score(obs, ensemble, *, fair: bool = False) -> np.ndarray:
    """Energy score of a multivariate ensemble (Gneiting & Raftery 2007 eq. 22, beta = 1).

    Parameters
    ----------
    obs : array_like, shape (..., d)
        Observed vectors (last axis = components).
    ensemble : array_like, shape (m, ..., d)
    fair : bool
        Divide the member-pair term by ``2 m (m-1)`` instead of ``2 m^2`` (Ferro 2014).

    Returns
    -------
    ndarray, shape obs.shape[:-1]
        Energy score (units of ``obs``); in one dimension it equals :func:`crps_ensemble`.
    """
    y, x = _ens_obs(obs, ensemble, min_obs_ndim=1)
    m = x.shape[0]
    term1 = np.mean(np.linalg.norm(x - y, axis=-1), axis=0)
    pair = np.zeros(y.shape[:-1])
    for i in range(m):                                # O(m^2 d) memory-light loop
        pair += np.sum(np.linalg.norm(x[i] - x[i + 1:], axis=-1), axis=0)
    pair *= 2.0
    denom = 2.0 * m * (m - 1) if fair else 2.0 * m * m
    return term1 - pair / denom


def variogram_score(obs, ensemble, *, p: float = 0.5, weights=None) -> np.ndarray:
    """Variogram score of order ``p`` (Scheuerer & Hamill 2015 eq. 5).

    ``VS_p = sum_{i,j} w_ij (|y_i - y_j|^p - mean_k |x_ki - x_kj|^p)^2`` over the components of
    the last axis.

    Parameters
    ----------
    obs : array_like, shape (..., d)
    ensemble : array_like, shape (m, ..., d)
    p : float
        Order (0.5 recommended by Scheuerer & Hamill).
    weights : array_like, shape (d, d), optional
        Non-negative pair weights (default all ones).

    Returns
    -------
    ndarray, shape obs.shape[:-1]
        Score in units of ``obs``**(2p).
    """
    y, x = _ens_obs(obs, ensemble, min_obs_ndim=1)
    if not (np.isfinite(p) and p > 0):
        raise ValidationError(f"p must be a positive finite number; got {p!r}.")
    d = y.shape[-1]
    if weights is None:
        w = np.ones((d, d))
    else:
        w = as_float_array(weights, "weights", ndim=2)
        if w.shape != (d, d) or np.any(w < 0):
            raise ValidationError(f"weights must be a non-negative ({d}, {d}) array; got shape {w.shape}.")
    vy = np.abs(y[..., :, None] - y[..., None, :]) ** p
    vx = np.mean(np.abs(x[..., :, None] - x[..., None, :]) ** p, axis=0)
    return np.sum(w * (vy - vx) ** 2, axis=(-2, -1))


def spread_skill_ratio(obs, ensemble) -> float:
    """Spread-skill ratio ``sqrt((m+1)/m * mean var) / RMSE(ensemble mean)`` (Fortin et al. 2014).

    About 1 for a calibrated ensemble; below 1 means under-dispersed (over-confident), above 1
    over-dispersed. All observations (every entry of ``obs``) are pooled.
    """
    y, x = _ens_obs(obs, ensemble)
    m = x.shape[0]
    spread = np.sqrt((m + 1) / m * np.mean(np.var(x, axis=0, ddof=1)))
    skill = np.sqrt(np.mean((np.mean(x, axis=0) - y) ** 2))
    if skill == 0:
        raise ValidationError("the ensemble mean equals every observation; the ratio is undefined.")
    return float(spread / skill)


def _ranks(y: np.ndarray, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    below = np.sum(x < y, axis=0)
    ties = np.sum(x == y, axis=0)
    # ties are broken uniformly at random (Hamill 2001)
    return below + np.floor(rng.random(y.shape) * (ties + 1)).astype(int)


def rank_histogram(obs, ensemble, *, seed: int | None = 0) -> np.ndarray:
    """Counts of the observation's rank among the members (Talagrand diagram), length m + 1.

    Ties are broken at random with ``seed``. Flat for a calibrated ensemble; U-shaped when
    under-dispersed.
    """
    y, x = _ens_obs(obs, ensemble)
    r = _ranks(y, x, np.random.default_rng(seed))
    return np.bincount(r.ravel(), minlength=x.shape[0] + 1)


def pit_values(obs, ensemble, *, seed: int | None = 0) -> np.ndarray:
    """Randomized probability integral transform values in (0, 1), shape ``obs.shape``.

    ``PIT = (rank + U) / (m + 1)`` with ``U ~ Uniform(0, 1)`` (seeded): exactly Uniform(0, 1) when
    the observation is exchangeable with the members.
    """
    y, x = _ens_obs(obs, ensemble)
    rng = np.random.default_rng(seed)
    r = _ranks(y, x, rng)
    return (r + rng.random(y.shape)) / (x.shape[0] + 1)


@dataclass(frozen=True)
class PITTest:
    """Kolmogorov-Smirnov test of PIT uniformity.

    Attributes
    ----------
    statistic : float
        KS distance between the PIT values' empirical CDF and Uniform(0, 1).
    p_value : float
    critical_value : float
        5 % critical value of the statistic for ``n`` values.
    n : int
    calibrated : bool
        ``statistic <= critical_value``.
    spread_skill : float
        Spread-skill ratio (under 1: over-confident).
    pit : ndarray
        The PIT values (for a histogram).
    """

    statistic: float
    p_value: float
    critical_value: float
    n: int
    calibrated: bool
    spread_skill: float
    pit: np.ndarray


def pit_uniformity_test(obs, ensemble, *, seed: int | None = 0) -> PITTest:
    """Test whether the randomized PIT values are Uniform(0, 1) (one-sample KS test).

    The observations must be (close to) independent for the p-value to hold; for serially
    correlated verification pairs thin them first.
    """
    y, x = _ens_obs(obs, ensemble)
    u = pit_values(y, x, seed=seed).ravel()
    n = u.size
    if n < 5:
        raise ValidationError(f"the PIT test needs at least 5 observations; got {n}.")
    res = stats.kstest(u, "uniform")
    crit = float(stats.kstwo.ppf(0.95, n))
    return PITTest(statistic=float(res.statistic), p_value=float(res.pvalue), critical_value=crit,
                   n=n, calibrated=bool(res.statistic <= crit),
                   spread_skill=spread_skill_ratio(y, x), pit=u)
