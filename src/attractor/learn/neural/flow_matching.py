"""Conditional flow-matching forecaster: a neural velocity field for p(next samples | past window).

Training (conditional flow matching, Lipman et al. 2023) on standardised data
``u = (x - mean) / std``: every training example is a context window ``c`` of the last
``window`` samples and the target ``y`` = the next ``lead`` samples written as increments from
the last context sample, in units of their standard deviation. With ``z ~ N(0, I)`` and
``tau ~ U(0, 1)`` the linear (rectified-flow / optimal-transport) path
``x_tau = (1 - (1 - sigma_min) tau) z + tau y`` has velocity ``y - (1 - sigma_min) z``; an MLP
``v(x_tau, tau, c)`` is fitted to it by mean squared error (Adam, cosine decay, one compiled
``lax.scan`` per epoch). Its minimiser is the marginal velocity whose flow carries
``N(0, I)`` to the conditional law ``p(y | c)``.

Sampling: ``dx/dtau = v(x, tau, c)`` from a Gaussian draw at ``tau = 0`` to ``tau = 1`` by a
fixed-step solver in flow time (RK4 by default), all ensemble members at once (``vmap``);
long horizons by autoregressive rollout (``lax.scan`` over blocks of ``lead`` samples), all
inside one compiled function.

References
----------
Lipman, Y., Chen, R. T. Q., Ben-Hamu, H., Nickel, M. & Le, M. (2023). Flow matching for
generative modeling. ICLR 2023.
Liu, X., Gong, C. & Liu, Q. (2023). Flow straight and fast: learning to generate and transfer
data with rectified flow. ICLR 2023.
Lim, S. H., Wang, Y., Yu, A., Hart, E., Mahoney, M. W., Li, X. S. & Erichson, N. B. (2025).
Elucidating the design choice of probability paths in flow matching for forecasting. TMLR.
"""
from __future__ import annotations

import time
import warnings
import zlib

import numpy as np

from ...core.errors import InsufficientDataError, ReliabilityWarning, ValidationError
from ...core.validation import (check_nonnegative_int, check_positive_float,
                                check_positive_int)
from ._base import NeuralEstimator

__all__ = ["FlowMatchingForecaster"]

_ACTIVATIONS = ("silu", "gelu", "tanh", "softplus")
_SOLVERS = ("rk4", "heun", "euler")


class FlowMatchingForecaster(NeuralEstimator):
    """Probabilistic forecaster by conditional flow matching (neural velocity field, JAX).

    Parameters
    ----------
    window : int >= 1
        Context length (samples) the next samples are conditioned on.
    lead : int >= 1
        Samples generated per draw (the "next window"); longer horizons roll out
        autoregressively in blocks of ``lead``.
    width, depth : int
        Hidden width and number of hidden layers of the velocity MLP.
    activation : {"silu", "gelu", "tanh", "softplus"}
    epochs : int >= 1
        Passes over the training windows.
    batch_size : int
        Windows per Adam step.
    learning_rate : float
        Adam step size (cosine decay to 2 % over training).
    sigma_min : float in [0, 1)
        Width of the path at ``tau = 1`` (0: exact rectified flow).
    n_flow_steps : int >= 1
        Solver steps in flow time per draw.
    solver : {"rk4", "heun", "euler"}
        Fixed-step solver in flow time.
    max_horizon : int >= 1
        Longest horizon (samples) :meth:`forecast_ensemble` accepts; a longer one raises
        :class:`ValidationError` (an autoregressive rollout far past the data's decorrelation
        time is a sample of the learned climate, not a forecast).
    n_point_samples : int >= 1
        Members averaged by :meth:`forecast` (the point forecast is the ensemble mean).
    grad_clip : float or None
        Global gradient-norm clipping.
    seed : int
        Seeds the weights, the batch order, the training noise and the sampling noise. The
        sampling key is derived from the seed and the context window (CRC-32 of its bytes):
        the same call gives the same ensemble; different origins get independent draws.

    Attributes
    ----------
    field_ : equinox.Module
        Trained velocity field.
    mean_, scale_ : numpy.ndarray, shape (c,)
        Standardisation of the data.
    inc_scale_ : numpy.ndarray, shape (lead, c)
        Standard deviation of the standardised increments (the flow's target units).
    loss_history_ : numpy.ndarray
        Mean flow-matching loss of each epoch.
    fit_seconds_ : float
        Training wall time (compilation included).
    n_windows_ : int
        Training examples.
    """

    _param_names = ("window", "lead", "width", "depth", "activation", "epochs", "batch_size", "learning_rate",
                    "sigma_min", "n_flow_steps", "solver", "max_horizon", "n_point_samples", "grad_clip", "seed")
    _label = "FlowMatchingForecaster"

    def __init__(self, window: int = 10, lead: int = 1, width: int = 128, depth: int = 3, activation: str = "silu",
                 epochs: int = 50, batch_size: int = 256, learning_rate: float = 2e-3, sigma_min: float = 0.0,
                 n_flow_steps: int = 10, solver: str = "rk4", max_horizon: int = 10_000, n_point_samples: int = 32,
                 grad_clip: float | None = 10.0, seed: int = 0):
        self.window = window
        self.lead = lead
        self.width = width
        self.depth = depth
        self.activation = activation
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.sigma_min = sigma_min
        self.n_flow_steps = n_flow_steps
        self.solver = solver
        self.max_horizon = max_horizon
        self.n_point_samples = n_point_samples
        self.grad_clip = grad_clip
        self.seed = seed

    # ------------------------------------------------------------------ checks
    def _validate_params(self):
        check_positive_int(self.window, "window")
        check_positive_int(self.lead, "lead")
        check_positive_int(self.width, "width")
        check_nonnegative_int(self.depth, "depth")
        if self.activation not in _ACTIVATIONS:
            raise ValidationError(f"unknown activation {self.activation!r}; choose one of {_ACTIVATIONS}.")
        if self.solver not in _SOLVERS:
            raise ValidationError(f"unknown solver {self.solver!r}; choose one of {_SOLVERS}.")
        check_positive_int(self.epochs, "epochs")
        check_positive_int(self.batch_size, "batch_size")
        check_positive_float(self.learning_rate, "learning_rate")
        s = check_positive_float(self.sigma_min, "sigma_min", allow_zero=True)
        if s >= 1:
            raise ValidationError(f"sigma_min must be in [0, 1); got {self.sigma_min}.")
        check_positive_int(self.n_flow_steps, "n_flow_steps")
        check_positive_int(self.max_horizon, "max_horizon")
        check_positive_int(self.n_point_samples, "n_point_samples")
        if not isinstance(self.seed, (int, np.integer)) or isinstance(self.seed, bool):
            raise ValidationError(f"seed must be an integer; got {self.seed!r}.")
        if self.grad_clip is not None:
            check_positive_float(self.grad_clip, "grad_clip")

    @property
    def required_history(self) -> int:
        """Samples of context: ``window``."""
        return int(self.window)

    # ------------------------------------------------------------------ fit
    def fit(self, X, t=None, dt: float | None = None) -> "FlowMatchingForecaster":
        """Train the velocity field on all (window, next ``lead`` samples) pairs of ``X``.

        Parameters
        ----------
        X : array_like, shape (n_times,), (n_times, n_channels) or (n_traj, n_times, n_channels)
            One uniformly sampled series, or several of equal length (finite); windows are cut
            within each trajectory.
        t, dt : optional
            Sampling step (only recorded as ``dt_``; the model is discrete in time).

        Raises
        ------
        ValidationError
            Bad shapes, non-finite values, constant channels, bad hyper-parameters.
        InsufficientDataError
            Fewer than ``window + lead + 1`` samples.
        TrainingDivergenceError
            The loss became non-finite (names the epoch); no model is kept.
        NeuralExtraMissingError
            JAX, Equinox or Optax is not installed.
        """
        self._validate_params()
        w, L = int(self.window), int(self.lead)
        try:
            arr = X if isinstance(X, np.ndarray) else np.asarray(X)
        except ValueError as exc:   # ragged nested lists
            raise ValidationError(f"X must be a rectangular array: {exc}") from None
        if arr.ndim == 3:   # several trajectories (n_traj, n_times, c): windows never cross two of them
            if arr.shape[0] < 1 or arr.shape[1] < w + L + 1:
                raise InsufficientDataError(f"X has shape {arr.shape}; each trajectory needs at least {w + L + 1} "
                                            "samples.")
            n_traj, n_t = arr.shape[0], arr.shape[1]
            Z = self._prepare_fit(arr.reshape(n_traj * n_t, -1), t, dt, w + L + 1).reshape(n_traj, n_t, -1)
        else:
            Z = self._prepare_fit(X, t, dt, w + L + 1)[None]
        from . import _fm_jax as fj
        from ._train import train

        jax, jnp = fj.jax, fj.jnp
        n_per = Z.shape[1] - w - L + 1
        idx = np.arange(n_per)[:, None]
        ctx = Z[:, idx + np.arange(w)].reshape(-1, w * Z.shape[2])               # (n, w*c)
        inc = (Z[:, idx + w - 1 + np.arange(1, L + 1)] - Z[:, w - 1:w - 1 + n_per][:, :, None]
               ).reshape(-1, L, Z.shape[2])                                        # (n, L, c)
        n = ctx.shape[0]
        Z = Z[0]
        sd = inc.std(axis=0)
        inc_scale = np.where(sd > 0, sd, 1.0)
        y = (inc / inc_scale).reshape(n, -1)
        c = Z.shape[1]
        k_init, k_train, k_sample = jax.random.split(jax.random.PRNGKey(int(self.seed)), 3)
        field = fj.make_velocity(L * c, w * c, int(self.width), int(self.depth), self.activation, k_init)
        t0 = time.perf_counter()
        field, losses = train(field, fj.make_cfm_loss(float(self.sigma_min)), (jnp.asarray(ctx), jnp.asarray(y)),
                              epochs=int(self.epochs), batch_size=int(self.batch_size),
                              learning_rate=float(self.learning_rate), key=k_train, grad_clip=self.grad_clip,
                              decay=True, model_name="FlowMatchingForecaster", phase="flow matching")
        self.fit_seconds_ = time.perf_counter() - t0
        self.field_ = field
        self.inc_scale_ = inc_scale
        self.loss_history_ = losses
        self.n_windows_ = int(n)
        self.n_features_in_ = c
        self._key = k_sample
        return self

    # ------------------------------------------------------------------ sample
    def forecast_ensemble(self, history, horizon: int, n_samples: int = 50) -> np.ndarray:
        """Draw ``n_samples`` futures of ``horizon`` samples after ``history``.

        Returns
        -------
        numpy.ndarray, shape (n_samples, horizon, n_channels)
            Member ``i``, row ``k``: a draw of the sample ``k + 1`` steps after ``history[-1]``.
            Members that blow up are NaN from their first non-finite row on, with a
            :class:`~attractor.ReliabilityWarning`.

        Raises
        ------
        ValidationError
            Not fitted, NaN/inf or wrong channels in ``history``, ``n_samples < 1``, or
            ``horizon > max_horizon``.
        InsufficientDataError
            ``history`` shorter than ``window``.
        """
        horizon = check_positive_int(horizon, "horizon")
        m = check_positive_int(n_samples, "n_samples")
        if horizon > int(self.max_horizon):
            raise ValidationError(f"horizon={horizon} is longer than this model's rollout supports "
                                  f"(max_horizon={self.max_horizon} samples); raise max_horizon to sample the "
                                  "learned long-run statistics on purpose.")
        Z = self._check_history(history)
        from . import _fm_jax as fj

        L = int(self.lead)
        n_blocks = -(-horizon // L)
        ctx = np.ascontiguousarray(Z[-int(self.window):])
        # sampling noise: a function of the seed and of the context, so the same call gives the same
        # ensemble, while different origins get independent draws (no common random numbers)
        key = fj.jax.random.fold_in(self._key, zlib.crc32(ctx.tobytes()) & 0x7FFFFFFF)
        out = fj.rollout(self.field_, fj.jnp.asarray(ctx), key,
                         fj.jnp.asarray(self.inc_scale_), m, n_blocks, L, int(self.n_flow_steps), self.solver)
        ens = np.asarray(out, dtype=float)[:, :horizon]
        bad = ~np.isfinite(ens).all(axis=2)
        if bad.any():
            first = np.where(bad.any(axis=1), bad.argmax(axis=1), horizon)
            for i in np.flatnonzero(first < horizon):
                ens[i, first[i]:] = np.nan
            warnings.warn(f"{int((first < horizon).sum())} of {m} FlowMatchingForecaster members became non-finite "
                          f"(first at step {int(first.min()) + 1}); their rows from there on are NaN.",
                          ReliabilityWarning, stacklevel=2)
        return ens * self.scale_ + self.mean_

    def forecast(self, history, horizon: int) -> np.ndarray:
        """Point forecast: the mean of ``n_point_samples`` ensemble members, shape (horizon, c)."""
        ens = self.forecast_ensemble(history, horizon, int(self.n_point_samples))
        return ens.mean(axis=0)

    def weights(self) -> np.ndarray:
        """All trainable weights as one flat float64 vector (for reproducibility checks)."""
        self._check_fitted()
        from . import _fm_jax as fj

        leaves = fj.jax.tree_util.tree_leaves(fj.eqx.filter(self.field_, fj.eqx.is_inexact_array))
        return np.concatenate([np.asarray(v, dtype=float).ravel() for v in leaves])
