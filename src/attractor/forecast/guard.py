"""A divergence guard for free-running forecasts: stop when a run leaves the trust region.

A learned model run free (NGRC, SINDy, reservoirs, ...) may leave the attractor and blow up long
before it overflows. :class:`DivergenceGuard` learns a *trust region* from the training data — per
channel, the box ``centre +- k * half_range`` where ``centre`` and ``half_range`` are the midpoint
and half the range (max - min) of that channel — and checks a free run against it. The first row
that is non-finite or leaves the box *stops* the run: that row and every later one are set to NaN,
and the result records the step and the reason.

Documented choice: the guard **stops**, it never clips or falls back to another model. A run the
guard stopped is therefore not a bounded run; a benchmark counts guard activations separately
(``GuardedForecast.triggered``), so "bounded because clipped" cannot happen.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ..core.errors import ReliabilityWarning, ValidationError
from ..core.validation import as_float_array, as_series, check_positive_float

__all__ = ["DivergenceGuard", "GuardedForecast"]

#: reasons recorded on a :class:`GuardedForecast`
REASON_NONFINITE = "non-finite"
REASON_TRUST_REGION = "left trust region"


@dataclass(frozen=True)
class GuardedForecast:
    """A free run checked by :class:`DivergenceGuard`.

    Attributes
    ----------
    forecast : numpy.ndarray, shape (horizon, n_channels)
        The run; rows from ``stopped_at`` on are NaN when the guard fired.
    triggered : bool
        True when the guard stopped the run (the run is then *not* bounded).
    stopped_at : int or None
        0-based row at which the run left the trust region or became non-finite.
    reason : str or None
        ``"non-finite"`` or ``"left trust region"``; None when not triggered.
    lower, upper : numpy.ndarray, shape (n_channels,)
        The trust region used (same units as the data).
    k : float
        The trust-region factor used.
    """

    forecast: np.ndarray
    triggered: bool
    stopped_at: int | None
    reason: str | None
    lower: np.ndarray
    upper: np.ndarray
    k: float


class DivergenceGuard:
    """Trust-region guard for free runs, learned from training data.

    Parameters
    ----------
    k : float > 0, default 3.0
        Trust-region factor: a channel may stray at most ``k`` half-ranges from the midpoint of its
        training range (``k = 1`` is the training box itself).
    warn : bool, default True
        Issue a :class:`~attractor.ReliabilityWarning` when the guard stops a run.

    Attributes
    ----------
    lower_, upper_ : numpy.ndarray, shape (n_channels,)
        Bounds of the trust region.
    n_channels_ : int

    Notes
    -----
    A channel that is constant in the training data gets half-range ``max(|value|, 1)`` so that
    the region is never empty.
    """

    def __init__(self, k: float = 3.0, warn: bool = True):
        self.k = k
        self.warn = warn

    def fit(self, X) -> "DivergenceGuard":
        """Learn the trust region from training data ``X`` (rows are time, finite)."""
        k = check_positive_float(self.k, "k")
        a = as_series(X, "X", min_length=2, allow_constant=True, check_magnitude=False)
        a = a[:, None] if a.ndim == 1 else a
        lo, hi = a.min(axis=0), a.max(axis=0)
        centre = 0.5 * (lo + hi)
        half = 0.5 * (hi - lo)
        half = np.where(half > 0, half, np.maximum(np.abs(centre), 1.0))
        self.lower_ = centre - k * half
        self.upper_ = centre + k * half
        self.n_channels_ = a.shape[1]
        return self

    def check(self, run) -> GuardedForecast:
        """Check a free run (shape ``(horizon, n_channels)`` or ``(horizon,)``); stop at the first bad row."""
        if not hasattr(self, "lower_"):
            raise ValidationError("DivergenceGuard is not fitted; call fit(X) on the training data first.")
        r = as_float_array(run, "run", ndim=(1, 2), allow_nonfinite=True, check_magnitude=False)
        r = r[:, None] if r.ndim == 1 else r
        if r.shape[1] != self.n_channels_:
            raise ValidationError(f"run has {r.shape[1]} channel(s); the guard was fitted on {self.n_channels_}.")
        finite = np.isfinite(r).all(axis=1)
        with np.errstate(invalid="ignore"):
            inside = ((r >= self.lower_) & (r <= self.upper_)).all(axis=1)
        bad = ~finite | ~inside
        k = float(self.k)
        if not bad.any():
            return GuardedForecast(r.copy(), False, None, None, self.lower_.copy(), self.upper_.copy(), k)
        i = int(np.flatnonzero(bad)[0])
        reason = REASON_NONFINITE if not finite[i] else REASON_TRUST_REGION
        out = r.copy()
        out[i:] = np.nan
        if self.warn:
            warnings.warn(f"divergence guard stopped the run at row {i} of {r.shape[0]} ({reason}; trust region "
                          f"k={k:g} x the training half-range).", ReliabilityWarning, stacklevel=2)
        return GuardedForecast(out, True, i, reason, self.lower_.copy(), self.upper_.copy(), k)

    def forecast(self, model, history, horizon: int, *, dt: float | None = None) -> GuardedForecast:
        """Free-run a fitted ``model`` with :func:`attractor.forecast.forecast` and check the run."""
        from .protocol import forecast as _forecast
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ReliabilityWarning)   # the guard reports divergence itself
            run = _forecast(model, history, horizon, dt=dt)
        return self.check(run)
