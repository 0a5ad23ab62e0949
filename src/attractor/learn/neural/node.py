"""Neural ODE: an MLP vector field learned from a sampled trajectory, as a flow with an exact Jacobian.

Training has two phases on standardised states ``z = (x - mean) / std``:

(a) **Derivative matching** (warm start, cheap): the derivatives ``dz/dt`` of the data are
    estimated with :func:`attractor.learn.derivatives.differentiate` (default: 4th-order
    central finite differences) and the field is fitted to them by mean squared error,
    ``warm_epochs`` passes of Adam with cosine learning-rate decay.
(b) **Trajectory matching over short windows** (multiple shooting with the observed states
    as shooting nodes): the data are cut into windows of ``window`` samples (one every
    ``window_stride`` samples); from the first state of each window the field is integrated
    with Diffrax (adaptive ``solver``, default Tsitouras 5(4), step accepted when the local
    error estimate is within ``atol + rtol |z|``, RMS norm over the batch of windows, which is
    integrated as one system; gradients through the solver by recursive checkpointing) and
    the squared error over the window is minimised (``epochs`` passes,
    ``shooting_learning_rate``).

Everything runs in float64 (see :mod:`attractor.learn.neural._jax`). Training steps are
compiled once (``eqx.filter_jit``) and reused across epochs.

References
----------
Chen, R. T. Q., Rubanova, Y., Bettencourt, J. & Duvenaud, D. (2018). Neural ordinary
differential equations. NeurIPS 31.
Bock, H. G. & Plitt, K. J. (1984). A multiple shooting algorithm for direct solution of optimal
control problems. IFAC Proc. 17, 1603–1608 (multiple shooting).
Tsitouras, Ch. (2011). Runge–Kutta pairs of order 5(4) satisfying only the first column
simplifying assumption. Comput. Math. Appl. 62, 770–775.
Kidger, P. (2021). On neural differential equations. PhD thesis, Oxford (Diffrax).
"""
from __future__ import annotations

import time
from typing import Callable

import numpy as np

from ...core.errors import ValidationError
from ...core.validation import check_nonnegative_int, check_positive_float, check_positive_int
from ._base import LearnedSystem, NeuralEstimator, check_precision

__all__ = ["NeuralODE"]

_ACTIVATIONS = ("tanh", "softplus", "gelu", "silu", "elu")
_SOLVERS = ("tsit5", "dopri5", "dopri8")
#: a forecast state this many training standard deviations from the training mean has blown up
BLOWUP_STD = 1e6


class NeuralODE(NeuralEstimator):
    """Neural ordinary differential equation ``dx/dt = f_θ(x)`` fitted to one sampled trajectory.

    Parameters
    ----------
    width, depth : int
        Hidden width and number of hidden layers of the MLP vector field.
    activation : {"tanh", "softplus", "gelu", "silu", "elu"}
        Hidden-layer nonlinearity (smooth, so the Jacobian is continuous).
    seed : int
        Seeds the initial weights, the batch order of both phases. Same seed, same data:
        same weights (CPU, float64).
    warm_epochs : int >= 0
        Passes of derivative matching (phase a).
    epochs : int >= 0
        Passes of trajectory matching (phase b); 0 skips it.
    learning_rate : float
        Adam step size of phase (a) (cosine decay to 2 % over the phase).
    shooting_learning_rate : float
        Adam step size of phase (b) (cosine decay to 2 %).
    batch_size : int
        Samples per Adam step in phase (a).
    window : int >= 2
        Samples per trajectory-matching window (span ``(window - 1) dt``).
    window_stride : int, optional
        Spacing of window starts in samples (default ``window // 2``).
    shooting_batch_size : int
        Windows per Adam step in phase (b).
    solver : {"tsit5", "dopri5", "dopri8"}
        Diffrax explicit Runge–Kutta pair for training solves and :meth:`forecast`.
    rtol, atol : float
        Step-size controller tolerances (standardised units).
    max_steps : int
        Solver step budget per solve (a forecast that needs more is NaN from there on).
    derivative_method : str
        Method of :func:`attractor.learn.derivatives.differentiate` for phase (a) targets.
    derivative_options : dict, optional
        Options of that method (default ``{"order": 4}`` for finite differences).
    grad_clip : float or None
        Global gradient-norm clipping.
    known_rhs : callable, optional
        A known part of the vector field in data units, ``known_rhs(x) -> dx/dt`` with ``x``
        of shape (d,); it must be JAX-traceable (use ``jax.numpy``). The network then learns
        the remainder (hybrid models).
    precision : {"float64", "float32"}
        Arithmetic of both training phases (weights, data, solver). "float32" trains about
        twice as fast on the CPU (float64 exp/log1p of the softplus and float64 matrix products
        dominate an epoch); the weights are cast back to float64 after training, so
        :meth:`forecast` and :meth:`to_system` (the Jacobians behind Lyapunov spectra) are
        float64 either way. Keep ``rtol`` well above float32's 1.2e-7 when training in float32.

    Attributes
    ----------
    field_ : equinox.Module
        The trained vector field on standardised states.
    mean_, scale_ : numpy.ndarray, shape (d,)
        Standardisation.
    dt_ : float
        Sampling step of the training data (time units).
    n_features_in_ : int
    loss_history_ : dict
        ``{"derivative": (warm_epochs,), "trajectory": (epochs,)}`` mean epoch losses
        (standardised units; the derivative loss is relative to the target scale).
    fit_seconds_ : dict
        Wall time of each phase (compilation included).
    x_last_ : numpy.ndarray
        Last training sample (default initial condition of :meth:`to_system`).

    Examples
    --------
    >>> import attractor
    >>> from attractor.learn.neural import NeuralODE
    >>> x = attractor.system("lorenz").trajectory(2000, dt=0.01, transient=10).x
    >>> model = NeuralODE(warm_epochs=20, epochs=0).fit(x, dt=0.01)   # doctest: +SKIP
    >>> attractor.lyapunov_spectrum(model.to_system(), t_total=50)     # doctest: +SKIP
    """

    _param_names = ("width", "depth", "activation", "seed", "warm_epochs", "epochs", "learning_rate",
                    "shooting_learning_rate", "batch_size", "window", "window_stride", "shooting_batch_size",
                    "solver", "rtol", "atol", "max_steps", "derivative_method", "derivative_options",
                    "grad_clip", "known_rhs", "precision")
    _label = "NeuralODE"

    def __init__(self, width: int = 64, depth: int = 3, activation: str = "softplus", seed: int = 0,
                 warm_epochs: int = 200, epochs: int = 10, learning_rate: float = 3e-3,
                 shooting_learning_rate: float = 3e-4, batch_size: int = 256, window: int = 10,
                 window_stride: int | None = None, shooting_batch_size: int = 64, solver: str = "tsit5",
                 rtol: float = 1e-6, atol: float = 1e-8, max_steps: int = 4096,
                 derivative_method: str = "finite_difference", derivative_options: dict | None = None,
                 grad_clip: float | None = 10.0, known_rhs: Callable | None = None, precision: str = "float64"):
        self.width = width
        self.depth = depth
        self.activation = activation
        self.seed = seed
        self.warm_epochs = warm_epochs
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.shooting_learning_rate = shooting_learning_rate
        self.batch_size = batch_size
        self.window = window
        self.window_stride = window_stride
        self.shooting_batch_size = shooting_batch_size
        self.solver = solver
        self.rtol = rtol
        self.atol = atol
        self.max_steps = max_steps
        self.derivative_method = derivative_method
        self.derivative_options = derivative_options
        self.grad_clip = grad_clip
        self.known_rhs = known_rhs
        self.precision = precision

    # ------------------------------------------------------------------ checks
    def _validate_params(self):
        check_positive_int(self.width, "width")
        check_positive_int(self.depth, "depth")
        if self.activation not in _ACTIVATIONS:
            raise ValidationError(f"unknown activation {self.activation!r}; choose one of {_ACTIVATIONS}.")
        if self.solver not in _SOLVERS:
            raise ValidationError(f"unknown solver {self.solver!r}; choose one of {_SOLVERS}.")
        check_nonnegative_int(self.warm_epochs, "warm_epochs")
        check_nonnegative_int(self.epochs, "epochs")
        if self.warm_epochs + self.epochs == 0:
            raise ValidationError("warm_epochs and epochs are both 0; nothing would be trained.")
        check_positive_float(self.learning_rate, "learning_rate")
        check_positive_float(self.shooting_learning_rate, "shooting_learning_rate")
        check_positive_int(self.batch_size, "batch_size")
        check_positive_int(self.window, "window", minimum=2)
        if self.window_stride is not None:
            check_positive_int(self.window_stride, "window_stride")
        check_positive_int(self.shooting_batch_size, "shooting_batch_size")
        check_positive_float(self.rtol, "rtol")
        check_positive_float(self.atol, "atol")
        check_positive_int(self.max_steps, "max_steps")
        if not isinstance(self.seed, (int, np.integer)) or isinstance(self.seed, bool):
            raise ValidationError(f"seed must be an integer; got {self.seed!r}.")
        if self.grad_clip is not None:
            check_positive_float(self.grad_clip, "grad_clip")
        check_precision(self.precision)
        if self.known_rhs is not None and not callable(self.known_rhs):
            raise ValidationError("known_rhs must be a callable f(x) -> dx/dt (JAX-traceable) or None.")

    def _min_length(self) -> int:
        order = int((self.derivative_options or {}).get("order", 4))
        return max(int(self.window) + 1, order + 1, 5)

    # ------------------------------------------------------------------ fit
    def fit(self, X, t=None, dt: float | None = None) -> "NeuralODE":
        """Fit the vector field to one trajectory ``X`` (n_times, n_channels) sampled every ``dt``.

        Raises
        ------
        ValidationError
            Bad shapes, non-finite values, constant channels, bad hyper-parameters.
        InsufficientDataError
            Fewer samples than one window (+1) or than the derivative stencil needs.
        TrainingDivergenceError
            The loss became non-finite; names the phase and epoch. No model is kept.
        """
        self._validate_params()
        Z = self._prepare_fit(X, t, dt, self._min_length())
        from ..derivatives import differentiate
        from . import _node_jax as nj
        from ._train import train

        jax, jnp = nj.jax, nj.jnp
        opts = dict(self.derivative_options) if self.derivative_options is not None else (
            {"order": 4} if self.derivative_method in ("finite_difference", "fd") else {})
        dZ = differentiate(Z, self.dt_, method=self.derivative_method, **opts)
        known = nj.known_in_standard_units(self.known_rhs, self.mean_, self.scale_)
        resid = dZ if known is None else dZ - np.asarray(jax.vmap(known)(jnp.asarray(Z)))
        out_scale = resid.std(axis=0)
        out_scale = np.where(out_scale > 0, out_scale, 1.0)
        d = Z.shape[1]
        k_init, k_warm, k_shoot = jax.random.split(jax.random.PRNGKey(int(self.seed)), 3)
        field = nj.make_field(d, int(self.width), int(self.depth), self.activation, out_scale, known, k_init)
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        field, loss_a = train(field, nj.derivative_loss, (jnp.asarray(Z), jnp.asarray(dZ)),
                              epochs=int(self.warm_epochs), batch_size=int(self.batch_size),
                              learning_rate=float(self.learning_rate), key=k_warm, grad_clip=self.grad_clip,
                              decay=True, model_name="NeuralODE", phase="derivative matching",
                              precision=self.precision)
        timings["derivative"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        w = int(self.window)
        stride = int(self.window_stride) if self.window_stride is not None else max(1, w // 2)
        starts = np.arange(0, Z.shape[0] - w + 1, stride)
        windows = np.stack([Z[s:s + w] for s in starts])
        spec = nj.make_solver(self.solver, float(self.rtol), float(self.atol), int(self.max_steps))
        loss_b_fn = nj.make_shooting_loss(float(self.dt_), w, self.solver, float(self.rtol), float(self.atol),
                                          int(self.max_steps))
        field, loss_b = train(field, loss_b_fn, jnp.asarray(windows),
                              epochs=int(self.epochs), batch_size=int(self.shooting_batch_size),
                              learning_rate=float(self.shooting_learning_rate), key=k_shoot,
                              grad_clip=self.grad_clip, decay=True, model_name="NeuralODE",
                              phase="trajectory matching", precision=self.precision)
        timings["trajectory"] = time.perf_counter() - t0
        self.field_ = field
        self.n_features_in_ = d
        self.loss_history_ = {"derivative": loss_a, "trajectory": loss_b}
        self.fit_seconds_ = timings
        self.x_last_ = np.asarray(X, dtype=float).reshape(Z.shape)[-1].copy()
        self._spec = spec
        self._system = None
        return self

    # ------------------------------------------------------------------ use
    def weights(self) -> np.ndarray:
        """All trainable weights as one flat float64 vector (for reproducibility checks)."""
        self._check_fitted()
        from . import _node_jax as nj

        leaves = nj.jax.tree_util.tree_leaves(nj.eqx.filter(self.field_, nj.eqx.is_inexact_array))
        return np.concatenate([np.asarray(v, dtype=float).ravel() for v in leaves])

    def forecast(self, history, horizon: int) -> np.ndarray:
        """Integrate the learned flow from ``history[-1]`` for ``horizon`` samples of ``dt_``.

        Returns
        -------
        numpy.ndarray, shape (horizon, d)
            Row ``k`` is the state ``(k + 1) dt_`` after the last history sample; rows from a
            failed solve (step budget) or a blow-up on are NaN. A blow-up is a state more than
            ``BLOWUP_STD`` (10⁶) training standard deviations from the training mean: no model
            of the data is right there, and an adaptive solver would otherwise keep returning
            finite values such as 1e70.
        """
        horizon = check_positive_int(horizon, "horizon")
        Z = self._check_history(history)
        from . import _node_jax as nj

        ts = nj.jnp.asarray(self.dt_ * np.arange(horizon + 1))
        ys = np.asarray(nj._forecast(self.field_, nj.jnp.asarray(Z[-1]), ts, self._spec), dtype=float)[1:]
        ys = np.where(np.isfinite(ys), ys, np.nan)
        bad = np.flatnonzero(~(np.isfinite(ys).all(axis=1) & (np.abs(np.nan_to_num(ys)).max(axis=1) <= BLOWUP_STD)))
        if bad.size:
            ys[bad[0]:] = np.nan
        return ys * self.scale_ + self.mean_

    def to_system(self) -> LearnedSystem:
        """The learned flow in data units, ``dx/dt = s ⊙ f_θ((x - m)/s)``, with exact Jacobian.

        ``rhs`` and ``jacobian`` are compiled JAX functions (``jax.jit``; the Jacobian by
        ``jax.jacfwd``) taking and returning float64 NumPy arrays, so
        :func:`attractor.lyapunov_spectrum`, :func:`attractor.fixed_points` and simulation
        apply unchanged. Default initial condition: the last training sample.
        """
        self._check_fitted()
        if self._system is None:
            from . import _node_jax as nj

            f, jac = nj.compiled_flow(self.field_, self.mean_, self.scale_)
            names = tuple(f"x{i}" for i in range(self.n_features_in_))
            self._system = LearnedSystem("NeuralODE", "flow", self.n_features_in_, f, jac, self.x_last_, self.dt_,
                                         names, {"model": "NeuralODE", "dt": self.dt_,
                                                 "hyper_parameters": {k: v for k, v in self.get_params().items()
                                                                      if k != "known_rhs"}})
        return self._system
