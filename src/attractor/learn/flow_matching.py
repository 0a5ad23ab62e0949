"""Training-free flow-matching forecaster (closed-form marginal velocity over a memory bank).

For linear (rectified-flow) paths ``x_t = (1 - t) z + t y`` from ``z ~ N(0, s0^2 I)`` to a
weighted empirical target ``sum_j a_j delta(y_j)``, the marginal velocity field of conditional
flow matching is known in closed form: ``v(x, t) = sum_j w_j(x, t) (y_j - x) / (1 - t)`` with
``w_j`` the softmax over ``log a_j - |x - t y_j|^2 / (2 (1 - t)^2 s0^2)``. Here the targets
``y_j`` are the increments that followed the ``k`` nearest stored windows (k-d tree, so a step
costs O(k), not O(N)) and ``a_j`` a Gaussian kernel on the window distance. Integrating the ODE
in flow time (Euler) draws the next increment; rollout is autoregressive. In the spirit of the
training-free flow matching of FreeFM (arXiv 2602.08318); plain NumPy, no training, no JAX.
"""
from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from ..core.errors import ValidationError
from ..core.validation import as_float_array, as_history, check_positive_int

__all__ = ["FreeFlowMatching"]


class FreeFlowMatching:
    """Sample next states from the closed-form flow-matching velocity over observed transitions.

    Parameters
    ----------
    delays : int >= 1
        Conditioning window length (samples).
    k : int >= 2
        Memory-bank neighbours used per step.
    n_flow_steps : int >= 1
        Euler steps in flow time t in [0, 1).
    seed : int or None
        Seed of the Gaussian source draws.

    Attributes
    ----------
    tree_ : scipy.spatial.cKDTree
    scale_ : ndarray, shape (n_channels,)
        Per-channel standard deviation of the increments (the flow runs in these units).
    """

    def __init__(self, delays: int = 2, k: int = 32, n_flow_steps: int = 16, seed: int | None = 0):
        self.delays = delays
        self.k = k
        self.n_flow_steps = n_flow_steps
        self.seed = seed

    def fit(self, X, dt: float | None = None) -> "FreeFlowMatching":
        """Build the memory bank of (window, next increment) pairs from ``X``."""
        d = check_positive_int(self.delays, "delays")
        k = check_positive_int(self.k, "k", minimum=2)
        check_positive_int(self.n_flow_steps, "n_flow_steps")
        x = as_float_array(X, "X", ndim=(1, 2))
        if x.ndim == 1:
            x = x[:, None]
        n = x.shape[0] - d
        if n < k:
            raise ValidationError(f"X has {x.shape[0]} samples; delays={d}, k={k} need at least {d + k}.")
        self._win = np.stack([x[i:i + n] for i in range(d)], axis=1).reshape(n, -1)
        inc = x[d:d + n] - x[d - 1:d - 1 + n]
        self.scale_ = np.where(inc.std(axis=0) > 0, inc.std(axis=0), 1.0)
        self._inc = inc / self.scale_
        self.tree_ = cKDTree(self._win)
        self.n_channels_ = x.shape[1]
        return self

    def _sample(self, win: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        m = win.shape[0]
        dist, idx = self.tree_.query(win.reshape(m, -1), k=self.k)
        h = np.maximum(np.median(dist, axis=1, keepdims=True), 1e-12)   # adaptive bandwidth
        loga = -0.5 * (dist / h) ** 2                                     # (m, k)
        y = self._inc[idx]                                                # (m, k, c)
        z = rng.standard_normal((m, self.n_channels_))
        s0 = 1.0
        steps = self.n_flow_steps
        ts = np.linspace(0.0, 1.0, steps + 1)
        for a, b in zip(ts[:-1], ts[1:]):
            var = max((1.0 - a) ** 2 * s0 ** 2, 1e-12)
            logw = loga - np.sum((z[:, None, :] - a * y) ** 2, axis=2) / (2 * var)
            logw -= logw.max(axis=1, keepdims=True)
            w = np.exp(logw)
            w /= w.sum(axis=1, keepdims=True)
            v = np.einsum("mk,mkc->mc", w, y - z[:, None, :]) / (1.0 - a)
            z = z + (b - a) * v
        return z * self.scale_

    def forecast_ensemble(self, history, horizon: int, n_samples: int = 50) -> np.ndarray:
        """Autoregressive samples, shape ``(n_samples, horizon, n_channels)``."""
        if not hasattr(self, "tree_"):
            raise ValidationError("FreeFlowMatching is not fitted; call fit(X) first.")
        horizon = check_positive_int(horizon, "horizon")
        m = check_positive_int(n_samples, "n_samples")
        d, c = self.delays, self.n_channels_
        h = as_history(history, d, c)
        rng = np.random.default_rng(self.seed)
        win = np.repeat(h[-d:][None], m, axis=0)
        out = np.empty((m, horizon, c))
        for t in range(horizon):
            nxt = win[:, -1] + self._sample(win, rng)
            out[:, t] = nxt
            win = np.concatenate([win[:, 1:], nxt[:, None]], axis=1)
        return out

    def forecast(self, history, horizon: int) -> np.ndarray:
        """Ensemble-mean forecast (50 samples), shape (horizon, n_channels)."""
        return self.forecast_ensemble(history, horizon, 50).mean(axis=0)
