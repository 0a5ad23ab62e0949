"""Reference ensembles (climatology, persistence) and the lead over which an ensemble beats one.

* :func:`climatology_ensemble` — every member is a past sample, the same at every lead: the
  forecast of someone who knows only the long-run distribution.
* :func:`persistence_ensemble` — the last observed state plus the changes over the same lead
  seen in the training data (``x_o + x_{s+k} - x_s``): persistence, with the spread that
  persistence's error has had at that lead. Its median is the persistence forecast; its spread
  grows with the lead like the climatological spread of k-step changes.
* :func:`crps_skill_horizon` — from per-origin, per-lead CRPS of a forecast and of a reference,
  the number of leading leads over which the forecast is better, counted only where the
  improvement is both material (``margin``) and larger than its sampling error across origins
  (a test on per-origin log CRPS ratios).

Both reference ensembles are deterministic (members evenly spaced in time), so no seed is needed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from ..core.errors import InsufficientDataError, ValidationError
from ..core.validation import as_float_array, check_positive_float, check_positive_int

__all__ = ["climatology_ensemble", "persistence_ensemble", "crps_skill_horizon", "SkillHorizon"]


def _as_2d(x, name: str) -> np.ndarray:
    a = as_float_array(x, name, ndim=(1, 2))
    return a[:, None] if a.ndim == 1 else a


def climatology_ensemble(train, horizon: int, n_members: int = 200) -> np.ndarray:
    """Climatological ensemble: ``n_members`` training samples, evenly spaced in time, at every lead.

    Parameters
    ----------
    train : array_like, shape (n_times,) or (n_times, n_channels)
        Data the climatology is taken from (no NaN).
    horizon : int >= 1
        Number of leads.
    n_members : int >= 2
        Members (all samples when ``train`` has fewer).

    Returns
    -------
    ndarray, shape (m, horizon, n_channels)
        ``m = min(n_members, n_times)``; member ``j`` is constant over the leads.
    """
    x = _as_2d(train, "train")
    horizon = check_positive_int(horizon, "horizon")
    n_members = check_positive_int(n_members, "n_members", minimum=2)
    if x.shape[0] < 2:
        raise InsufficientDataError(f"a climatological ensemble needs at least 2 samples; got {x.shape[0]}.")
    idx = np.unique(np.linspace(0, x.shape[0] - 1, min(n_members, x.shape[0])).round().astype(int))
    return np.repeat(x[idx][:, None, :], horizon, axis=1)


def persistence_ensemble(train, last, horizon: int, n_members: int = 200) -> np.ndarray:
    """Persistence ensemble: ``last + (train[s + k] - train[s])`` at lead ``k`` for evenly spaced ``s``.

    Parameters
    ----------
    train : array_like, shape (n_times,) or (n_times, n_channels)
        Data the k-step changes are taken from; needs ``n_times > horizon + 1``.
    last : array_like, shape (n_channels,)
        The last observed state (the forecast origin).
    horizon : int >= 1
        Number of leads.
    n_members : int >= 2
        Members (start indices ``s``; fewer when ``train`` is short).

    Returns
    -------
    ndarray, shape (m, horizon, n_channels)
    """
    x = _as_2d(train, "train")
    horizon = check_positive_int(horizon, "horizon")
    n_members = check_positive_int(n_members, "n_members", minimum=2)
    o = as_float_array(last, "last", ndim=(0, 1)).reshape(-1)
    if o.size != x.shape[1]:
        raise ValidationError(f"last has {o.size} channel(s) but train has {x.shape[1]}.")
    n_start = x.shape[0] - horizon
    if n_start < 2:
        raise InsufficientDataError(f"a persistence ensemble over {horizon} leads needs at least {horizon + 2} "
                                    f"training samples; got {x.shape[0]}.")
    s = np.unique(np.linspace(0, n_start - 1, min(n_members, n_start)).round().astype(int))
    k = np.arange(1, horizon + 1)
    changes = x[s[:, None] + k[None, :]] - x[s][:, None, :]          # (m, horizon, c)
    return o[None, None, :] + changes


@dataclass(frozen=True)
class SkillHorizon:
    """Leads over which a forecast's CRPS is better than a reference's (:func:`crps_skill_horizon`).

    Attributes
    ----------
    n_leads : int
        Number of consecutive leads, from the first, at which the forecast is better (0: not
        even at the first lead).
    lower_bound : bool
        True when it is better at every lead given: ``n_leads`` is then only a lower bound.
    skill : ndarray, shape (n_leads_total,)
        ``1 - mean CRPS / mean reference CRPS`` per lead (means over origins).
    better : ndarray of bool, shape (n_leads_total,)
        The per-lead criterion.
    n_origins : int
    margin : float
    z : float
    """

    n_leads: int
    lower_bound: bool
    skill: np.ndarray
    better: np.ndarray
    n_origins: int
    margin: float
    z: float


def crps_skill_horizon(crps, crps_reference, *, margin: float = 0.05, z: float = 2.0) -> SkillHorizon:
    """Leading leads over which a forecast beats a reference by CRPS, beyond sampling error.

    At lead ``k`` the forecast counts as better when (i) its mean CRPS over origins is at least
    ``margin`` below the reference's (skill ``1 - mean CRPS / mean CRPS_ref > margin``) and (ii) the
    per-origin log ratio ``l = ln(CRPS / CRPS_ref)`` is below zero on average by more than ``z``
    standard errors (``std(l, ddof=1) / sqrt(n_origins)``; ``z`` is converted to the Student-t
    quantile of the same one-sided level with ``n_origins - 1`` degrees of freedom, e.g. 2 → 3.3
    for 4 origins, 2.4 for 8). The log ratio, not the raw difference,
    is tested because the reference's CRPS varies by orders of magnitude between origins (an
    observation near the climatological median or far in its tail), which would swamp a
    difference test with few origins; the ratio is scale-free per origin. The horizon is the
    number of consecutive leads from the first that meet both. Origins that overlap in time are
    not independent, so the standard error is optimistic; ``margin`` guards against calling a
    negligible improvement skill.

    Parameters
    ----------
    crps, crps_reference : array_like, shape (n_origins, n_leads)
        CRPS of the forecast and of the reference at the same verification pairs (finite and
        non-negative: the standard estimator, e.g. averaged over channels; the fair estimator can be
        negative).
    margin : float in [0, 1)
        Minimum relative improvement.
    z : float >= 0
        Number of standard errors (normal scale; one-sided level ``Phi(z)``, 97.7 % for 2).

    Returns
    -------
    SkillHorizon

    Raises
    ------
    ValidationError
        Shapes differ, or values are not finite or negative.
    InsufficientDataError
        Fewer than 2 origins (no sampling error can be estimated).
    """
    a = as_float_array(crps, "crps", ndim=2, check_magnitude=False)
    b = as_float_array(crps_reference, "crps_reference", ndim=2, check_magnitude=False)
    if a.shape != b.shape:
        raise ValidationError(f"crps and crps_reference must have the same shape; got {a.shape} and {b.shape}.")
    if a.shape[0] < 2:
        raise InsufficientDataError(f"a skill horizon needs at least 2 forecast origins; got {a.shape[0]}.")
    if a.shape[1] < 1:
        raise ValidationError("crps has no leads.")
    tol = 1e-9 * max(float(np.max(np.abs(a))), float(np.max(np.abs(b))))   # round-off of exact forecasts
    if np.any(a < -tol) or np.any(b < -tol):
        raise ValidationError("CRPS values must be >= 0 (pass the standard estimator, not the fair one).")
    a, b = np.maximum(a, 0.0), np.maximum(b, 0.0)
    margin = check_positive_float(margin, "margin", allow_zero=True)
    if margin >= 1:
        raise ValidationError(f"margin must be in [0, 1); got {margin}.")
    z = check_positive_float(z, "z", allow_zero=True)
    n = a.shape[0]
    ma, mb = a.mean(axis=0), b.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        skill = np.where(mb > 0, 1.0 - ma / mb, np.where(ma > 0, -np.inf, 0.0))
    tiny = 1e-12 * max(float(np.max(b)), float(np.max(a)), 1e-300)
    lr = np.log((a + tiny) / (b + tiny))
    se = lr.std(axis=0, ddof=1) / np.sqrt(n)
    crit = float(stats.t.ppf(stats.norm.cdf(z), df=n - 1))   # small-sample (Student t) version of z
    better = (skill > margin) & (lr.mean(axis=0) + crit * se < 0)
    bad = np.flatnonzero(~better)
    n_leads = int(bad[0]) if bad.size else int(better.size)
    return SkillHorizon(n_leads=n_leads, lower_bound=bool(not bad.size), skill=skill, better=better,
                        n_origins=int(n), margin=float(margin), z=float(z))
