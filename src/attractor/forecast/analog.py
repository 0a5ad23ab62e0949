"""Analog (nearest-neighbour) ensemble forecaster.

Lorenz's method of analogues (Lorenz 1969, J. Atmos. Sci. 26, 636-646) made stochastic: at each
step every member finds the ``k`` nearest past delay vectors to its own recent window (k-d tree,
O(log N) per query) and copies the increment that followed one of them, drawn at random (seeded).
"""
from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from ..core.errors import ValidationError
from ..core.validation import as_float_array, as_history, check_positive_int

__all__ = ["AnalogForecaster"]


class AnalogForecaster:
    """Ensemble forecaster by resampling the successors of nearest-neighbour analogues.

    Parameters
    ----------
    delays : int >= 1
        Window length (samples) of the delay vector used to find analogues.
    k : int >= 1
        Number of nearest analogues a member chooses among at each step.
    seed : int or None
        Seed of the random analogue choice.

    Attributes
    ----------
    tree_ : scipy.spatial.cKDTree
        Tree over the training delay vectors.
    n_channels_ : int
    """

    def __init__(self, delays: int = 3, k: int = 10, seed: int | None = 0):
        self.delays = delays
        self.k = k
        self.seed = seed

    def fit(self, X, dt: float | None = None) -> "AnalogForecaster":
        """Store the delay vectors of ``X`` (shape (n_times,) or (n_times, n_channels)) and their successors."""
        d = check_positive_int(self.delays, "delays")
        k = check_positive_int(self.k, "k")
        x = as_float_array(X, "X", ndim=(1, 2))
        if x.ndim == 1:
            x = x[:, None]
        n = x.shape[0] - d
        if n < k:
            raise ValidationError(f"X has {x.shape[0]} samples; delays={d} and k={k} need at least {d + k}.")
        self._windows = np.stack([x[i:i + n] for i in range(d)], axis=1).reshape(n, -1)
        self._increments = x[d:d + n] - x[d - 1:d - 1 + n]
        self.tree_ = cKDTree(self._windows)
        self.n_channels_ = x.shape[1]
        return self

    def forecast_ensemble(self, history, horizon: int, n_samples: int = 50) -> np.ndarray:
        """Sample ``n_samples`` trajectories of ``horizon`` steps after ``history``.

        Returns
        -------
        ndarray, shape (n_samples, horizon, n_channels)
        """
        if not hasattr(self, "tree_"):
            raise ValidationError("AnalogForecaster is not fitted; call fit(X) first.")
        horizon = check_positive_int(horizon, "horizon")
        m = check_positive_int(n_samples, "n_samples")
        d, c = self.delays, self.n_channels_
        h = as_history(history, d, c)
        rng = np.random.default_rng(self.seed)
        win = np.repeat(h[-d:][None], m, axis=0)           # (m, d, c)
        out = np.empty((m, horizon, c))
        k = min(self.k, self._windows.shape[0])
        for t in range(horizon):
            _, idx = self.tree_.query(win.reshape(m, -1), k=k)
            idx = np.asarray(idx).reshape(m, k)
            pick = idx[np.arange(m), rng.integers(0, k, size=m)]
            nxt = win[:, -1] + self._increments[pick]
            out[:, t] = nxt
            win = np.concatenate([win[:, 1:], nxt[:, None]], axis=1)
        return out

    def forecast(self, history, horizon: int) -> np.ndarray:
        """Ensemble-mean forecast (50 members), shape (horizon, n_channels)."""
        return self.forecast_ensemble(history, horizon, 50).mean(axis=0)
