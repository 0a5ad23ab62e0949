"""Recurrent networks on sampled sequences: GRU baseline, Lipschitz RNN, noise-injected RNN.

All three are trained by teacher forcing on windows of the standardised series: from a zero
hidden state the network consumes ``window`` true samples and its linear readout predicts the
next sample's increment at every step (``x̂_{k+1} = x_k + C h_k + c``); the mean squared error
after ``washout`` steps is minimised by Adam (cosine learning-rate decay, gradient-norm
clipping). Forecasts run closed loop: the hidden state is driven from rest by the last
``window`` samples of the history (the context length of training), then each prediction is
fed back as the next input. The closed-loop dynamics are a map on ``s = (h, x)``:
``y = x + C h + c``, ``s -> (cell(h, y), y)``; :meth:`to_system` exposes it with its exact
Jacobian (``jax.jacfwd``), so Lyapunov spectra and fixed points apply.

References
----------
Cho, K. et al. (2014). Learning phrase representations using RNN encoder–decoder for
statistical machine translation. EMNLP (GRU).
Erichson, N. B., Azencot, O., Queiruga, A., Hodgkinson, L. & Mahoney, M. W. (2021). Lipschitz
recurrent neural networks. ICLR.
Lim, S. H., Erichson, N. B., Hodgkinson, L. & Mahoney, M. W. (2021). Noisy recurrent neural
networks. NeurIPS 34.
"""
from __future__ import annotations

import time

import numpy as np

from ...core.errors import ValidationError
from ...core.validation import check_nonnegative_int, check_positive_float, check_positive_int
from ._base import LearnedSystem, NeuralEstimator, check_precision

__all__ = ["ElmanRNN", "GRU", "LipschitzRNN", "NoisyRNN"]

_COMMON = ("hidden_size", "seed", "epochs", "learning_rate", "window", "washout", "window_stride",
           "batch_size", "grad_clip", "precision")


class _RecurrentModel(NeuralEstimator):
    """Shared fit/forecast/to_system of the recurrent learners (not public).

    Attributes (after ``fit``)
    --------------------------
    model_ : equinox.Module
        Cell and readout.
    mean_, scale_ : numpy.ndarray
        Standardisation.
    dt_ : float
    n_features_in_ : int
    loss_history_ : numpy.ndarray, shape (epochs,)
        Mean teacher-forcing loss per epoch (standardised units).
    hidden_last_ : numpy.ndarray, shape (hidden_size,)
        Hidden state after consuming the last ``window`` training samples.
    state_last_ : numpy.ndarray, shape (hidden_size + d,)
        Closed-loop state ``(h, x)`` at the end of the training data (default initial condition
        of ``to_system()``; ``x`` standardised).
    fit_seconds_ : float
    """

    _noisy = False

    def _common_init(self, hidden_size, seed, epochs, learning_rate, window, washout, window_stride, batch_size,
                     grad_clip, precision="float64"):
        self.hidden_size = hidden_size
        self.seed = seed
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.window = window
        self.washout = washout
        self.window_stride = window_stride
        self.batch_size = batch_size
        self.grad_clip = grad_clip
        self.precision = precision

    @property
    def required_history(self) -> int:
        """Samples of context the forecast needs: the training washout (at least 1)."""
        return max(1, int(self.washout))

    def _validate_params(self):
        check_positive_int(self.hidden_size, "hidden_size")
        check_nonnegative_int(self.epochs, "epochs")
        check_positive_float(self.learning_rate, "learning_rate")
        check_positive_int(self.window, "window")
        check_nonnegative_int(self.washout, "washout")
        if int(self.washout) >= int(self.window):
            raise ValidationError(f"washout={self.washout} must be smaller than window={self.window} (the loss is "
                                  "taken over the steps after the washout).")
        if self.window_stride is not None:
            check_positive_int(self.window_stride, "window_stride")
        check_positive_int(self.batch_size, "batch_size")
        if not isinstance(self.seed, (int, np.integer)) or isinstance(self.seed, bool):
            raise ValidationError(f"seed must be an integer; got {self.seed!r}.")
        if self.grad_clip is not None:
            check_positive_float(self.grad_clip, "grad_clip")
        check_precision(self.precision)

    def _build(self, d: int, key):  # pragma: no cover - abstract
        raise NotImplementedError

    def fit(self, X, t=None, dt: float | None = None):
        """Fit on one sequence ``X`` (n_times, n_channels) sampled every ``dt``.

        Raises
        ------
        ValidationError
            Bad shapes, non-finite values, constant channels, bad hyper-parameters.
        InsufficientDataError
            Fewer than ``window + 1`` samples.
        TrainingDivergenceError
            The loss became non-finite; names the epoch. No model is kept.
        """
        self._validate_params()
        w = int(self.window)
        Z = self._prepare_fit(X, t, dt, w + 1)
        from . import _rnn_jax as rj
        from ._train import train

        jax, jnp = rj.jax, rj.jnp
        k_init, k_train = jax.random.split(jax.random.PRNGKey(int(self.seed)))
        model = self._build(Z.shape[1], k_init)
        stride = int(self.window_stride) if self.window_stride is not None else max(1, w // 2)
        starts = np.arange(0, Z.shape[0] - w, stride)
        windows = jnp.asarray(np.stack([Z[s:s + w + 1] for s in starts]))
        t0 = time.perf_counter()
        model, losses = train(model, rj.make_loss(int(self.washout), self._noisy), windows,
                              epochs=int(self.epochs), batch_size=int(self.batch_size),
                              learning_rate=float(self.learning_rate), key=k_train, grad_clip=self.grad_clip,
                              decay=True, model_name=type(self).__name__, phase="teacher forcing",
                              hint="Lower learning_rate, set grad_clip, or shorten the window.",
                              precision=self.precision)
        self.fit_seconds_ = time.perf_counter() - t0
        self.model_ = model
        self.n_features_in_ = Z.shape[1]
        self.loss_history_ = losses
        self.hidden_last_ = np.asarray(rj.encode(model, jnp.asarray(Z[-w:])), dtype=float)
        self.state_last_ = np.concatenate([self.hidden_last_, Z[-1]])
        self._systems = {}
        return self

    def weights(self) -> np.ndarray:
        """All trainable weights as one flat float64 vector (for reproducibility checks)."""
        self._check_fitted()
        from . import _rnn_jax as rj

        leaves = rj.jax.tree_util.tree_leaves(rj.eqx.filter(rj.trainable(self.model_), rj.eqx.is_inexact_array))
        return np.concatenate([np.asarray(v, dtype=float).ravel() for v in leaves])

    def encode(self, history) -> np.ndarray:
        """Closed-loop state ``(h, x)`` after driving the network from rest with the last ``window``
        samples of ``history`` (the context length it was trained with): ``h`` the hidden state,
        ``x`` the last sample (standardised). Shape (hidden_size + d,)."""
        Z = self._check_history(history)[-int(self.window):]
        from . import _rnn_jax as rj

        h = np.asarray(rj.encode(self.model_, rj.jnp.asarray(Z)), dtype=float)
        return np.concatenate([h, Z[-1]])

    def decode(self, state) -> np.ndarray:
        """The sample (data units) held in closed-loop state(s) ``(h, x)``, shape (d,) or (n, d)."""
        self._check_fitted()
        s = np.asarray(state, dtype=float)
        return s[..., -self.n_features_in_:] * self.scale_ + self.mean_

    def forecast(self, history, horizon: int) -> np.ndarray:
        """Drive from rest with the last ``window`` samples of ``history`` (at least ``required_history``),
        then run ``horizon`` closed-loop steps.

        Returns
        -------
        numpy.ndarray, shape (horizon, d)
            Row ``k`` forecasts the sample ``k + 1`` steps after ``history[-1]``.
        """
        horizon = check_positive_int(horizon, "horizon")
        from . import _rnn_jax as rj

        s = rj.jnp.asarray(self.encode(history))
        ys = np.asarray(rj.closed_loop(self.model_, s, rj.jnp.zeros(horizon)), dtype=float)
        ys = np.where(np.isfinite(ys), ys, np.nan)
        return ys * self.scale_ + self.mean_

    def to_system(self, closed_loop: bool = True) -> LearnedSystem:
        """The learned dynamics as a map with exact Jacobian (``jax.jacfwd``), NumPy in/out.

        Parameters
        ----------
        closed_loop : bool
            True (default): the forecasting dynamics on ``s = (h, x)`` (``hidden_size + d``
            entries, ``x`` standardised): ``y = x + C h + c``, ``s -> (cell(h, y), y)``; default
            initial condition ``state_last_``; :meth:`decode` maps a state to data units.
            False: the hidden dynamics under zero input, ``h -> cell(h, 0)`` (zero in
            standardised units, i.e. the training mean), on ``h`` only; default initial
            condition ``hidden_last_``.

        Exponents of these maps are per step (one sampling interval ``dt_``).
        """
        self._check_fitted()
        key = bool(closed_loop)
        if key not in self._systems:
            from . import _rnn_jax as rj

            g, jac = rj.compiled_map(self.model_, key)
            H = int(self.hidden_last_.shape[0])
            names = tuple(f"h{i}" for i in range(H))
            if key:
                names += tuple(f"x{i}" for i in range(self.n_features_in_))
            x0 = self.state_last_ if key else self.hidden_last_
            self._systems[key] = LearnedSystem(
                type(self).__name__, "map", len(names), g, jac, x0, 1.0, names,
                {"model": type(self).__name__, "dt": self.dt_, "closed_loop": key,
                 "hyper_parameters": self.get_params()})
        return self._systems[key]


class GRU(_RecurrentModel):
    """Gated recurrent unit network with a linear readout (baseline).

    Parameters
    ----------
    hidden_size : int
        Hidden units.
    seed : int
        Seeds the initial weights and the batch order (same seed, same weights).
    epochs : int
        Passes over the training windows.
    learning_rate : float
        Adam step size (cosine decay to 2 %).
    window : int
        Teacher-forcing steps per training window.
    washout : int
        Steps at the start of each window excluded from the loss (the hidden state settles);
        also the minimum forecast history.
    window_stride : int, optional
        Spacing of window starts (default ``window // 2``).
    batch_size : int
        Windows per Adam step.
    grad_clip : float or None
        Global gradient-norm clipping (default 1).
    precision : {"float64", "float32"}
        Arithmetic during training; the weights are cast back to float64 afterwards, so forecasts
        and ``to_system()`` Jacobians are float64 either way. "float32" trains about 1.5–2x
        faster on the CPU.
    """

    _param_names = _COMMON

    def __init__(self, hidden_size: int = 64, seed: int = 0, epochs: int = 50, learning_rate: float = 3e-3,
                 window: int = 50, washout: int = 10, window_stride: int | None = None, batch_size: int = 32,
                 grad_clip: float | None = 1.0, precision: str = "float64"):
        self._common_init(hidden_size, seed, epochs, learning_rate, window, washout, window_stride, batch_size,
                          grad_clip, precision)

    def _build(self, d, key):
        from . import _rnn_jax as rj

        return rj.GRUModel(d, int(self.hidden_size), key)


class ElmanRNN(_RecurrentModel):
    """Plain tanh recurrent network (Elman 1990), ``h_k = tanh(W h_{k-1} + U x_k + b)``, linear readout.

    The unstructured baseline of the Lipschitz RNN: nothing constrains the spectrum of ``W``, so
    gradients through long sequences explode (``gain`` > 1) or vanish (Bengio, Simard & Frasconi
    1994; Pascanu, Mikolov & Bengio 2013).

    Parameters
    ----------
    gain : float > 0
        ``W`` entries are N(0, gain² / hidden_size) at initialisation.
    Other parameters as in :class:`GRU`.

    References
    ----------
    Elman, J. L. (1990). Finding structure in time. Cognitive Science 14, 179–211.
    """

    _param_names = _COMMON + ("gain",)

    def __init__(self, hidden_size: int = 64, seed: int = 0, epochs: int = 50, learning_rate: float = 3e-3,
                 window: int = 50, washout: int = 10, window_stride: int | None = None, batch_size: int = 32,
                 grad_clip: float | None = 1.0, gain: float = 1.0, precision: str = "float64"):
        self._common_init(hidden_size, seed, epochs, learning_rate, window, washout, window_stride, batch_size,
                          grad_clip, precision)
        self.gain = gain

    def _validate_params(self):
        super()._validate_params()
        check_positive_float(self.gain, "gain")

    def _build(self, d, key):
        from . import _rnn_jax as rj

        return rj.ElmanModel(d, int(self.hidden_size), key, gain=float(self.gain))


class LipschitzRNN(_RecurrentModel):
    """Lipschitz recurrent network (Erichson et al., ICLR 2021).

    Continuous-time hidden dynamics ``dh/dt = A h + tanh(W h + U x + b)`` with
    ``A = (1 − β)(M_A + M_Aᵀ) + β(M_A − M_Aᵀ) − γ_A I`` and ``W`` built the same way from
    ``M_W`` with ``γ_W``; ``β`` near 1 makes the linear parts nearly skew-symmetric and ``γ``
    shifts their symmetric parts down, which bounds the growth of the hidden state (the
    paper's stability analysis). One step per sample, forward Euler or Heun's RK2 with step
    ``eps`` (a hyper-parameter of the network, not the sampling step).

    Parameters
    ----------
    beta : float in [0, 1]
    gamma_a, gamma_w : float >= 0
    eps : float > 0
        Discretisation step (default 1.0; the paper used 0.01–0.03 on pixel-by-pixel tasks of
        hundreds of steps, but on sampled trajectories with 50-step windows a small step left
        the hidden state too slow: on Lorenz (hidden 64, 150 epochs) the mean 50-step forecast
        error was 12.8 with eps = 0.1 and 2.0 with eps = 1.0, against 0.37 for the GRU).
    scheme : {"euler", "rk2"}
    init_std : float
        ``M_A``, ``M_W`` entries are N(0, (init_std / hidden_size)²) (the authors' initialisation).
    Other parameters as in :class:`GRU`.
    """

    _param_names = _COMMON + ("beta", "gamma_a", "gamma_w", "eps", "scheme", "init_std")

    def __init__(self, hidden_size: int = 64, seed: int = 0, epochs: int = 50, learning_rate: float = 3e-3,
                 window: int = 50, washout: int = 10, window_stride: int | None = None, batch_size: int = 32,
                 grad_clip: float | None = 1.0, beta: float = 0.75, gamma_a: float = 1e-3, gamma_w: float = 1e-3,
                 eps: float = 1.0, scheme: str = "euler", init_std: float = 1.0, precision: str = "float64"):
        self._common_init(hidden_size, seed, epochs, learning_rate, window, washout, window_stride, batch_size,
                          grad_clip, precision)
        self.beta = beta
        self.gamma_a = gamma_a
        self.gamma_w = gamma_w
        self.eps = eps
        self.scheme = scheme
        self.init_std = init_std

    def _validate_params(self):
        super()._validate_params()
        b = float(self.beta)
        if not 0.0 <= b <= 1.0:
            raise ValidationError(f"beta must be in [0, 1]; got {self.beta!r}.")
        check_positive_float(self.gamma_a, "gamma_a", allow_zero=True)
        check_positive_float(self.gamma_w, "gamma_w", allow_zero=True)
        check_positive_float(self.eps, "eps")
        check_positive_float(self.init_std, "init_std", allow_zero=True)
        if self.scheme not in ("euler", "rk2"):
            raise ValidationError(f"scheme must be 'euler' or 'rk2'; got {self.scheme!r}.")

    def _noise(self) -> tuple[float, float]:
        return 0.0, 0.0

    def _build(self, d, key):
        from . import _rnn_jax as rj

        sa, sm = self._noise()
        return rj.LipschitzModel(d, int(self.hidden_size), key, beta=float(self.beta), gamma_a=float(self.gamma_a),
                                 gamma_w=float(self.gamma_w), eps=float(self.eps), scheme=self.scheme,
                                 init_std=float(self.init_std), sigma_add=sa, sigma_mult=sm)

    def hidden_matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """The structured matrices ``(A, W)`` of the fitted model."""
        self._check_fitted()
        A, W = self.model_.matrices()
        return np.asarray(A, dtype=float), np.asarray(W, dtype=float)


class NoisyRNN(LipschitzRNN):
    """Noise-injected recurrent network (Lim et al., NeurIPS 2021) on the Lipschitz RNN cell.

    During training the hidden dynamics are the Itô SDE
    ``dh = (A h + tanh(W h + U x + b)) dt + (σ_add + σ_mult h) ⊙ dB`` discretised by
    Euler–Maruyama with step ``eps`` (noise ``sqrt(eps) (σ_add + σ_mult h) ⊙ ξ``, ``ξ ~ N(0, I)``,
    seeded by ``seed``); at test time (forecast, to_system) the noise is off and the model is the
    deterministic Lipschitz RNN. The paper shows the noise acts as an implicit regulariser that
    favours more stable (contractive) hidden dynamics.

    Parameters
    ----------
    sigma_add, sigma_mult : float >= 0
        Additive and multiplicative noise levels.
    Other parameters as in :class:`LipschitzRNN`.
    """

    _param_names = LipschitzRNN._param_names + ("sigma_add", "sigma_mult")
    _noisy = True

    def __init__(self, hidden_size: int = 64, seed: int = 0, epochs: int = 50, learning_rate: float = 3e-3,
                 window: int = 50, washout: int = 10, window_stride: int | None = None, batch_size: int = 32,
                 grad_clip: float | None = 1.0, beta: float = 0.75, gamma_a: float = 1e-3, gamma_w: float = 1e-3,
                 eps: float = 1.0, scheme: str = "euler", init_std: float = 1.0, sigma_add: float = 0.05,
                 sigma_mult: float = 0.05, precision: str = "float64"):
        super().__init__(hidden_size, seed, epochs, learning_rate, window, washout, window_stride, batch_size,
                         grad_clip, beta, gamma_a, gamma_w, eps, scheme, init_std, precision)
        self.sigma_add = sigma_add
        self.sigma_mult = sigma_mult

    def _validate_params(self):
        super()._validate_params()
        check_positive_float(self.sigma_add, "sigma_add", allow_zero=True)
        check_positive_float(self.sigma_mult, "sigma_mult", allow_zero=True)

    def _noise(self) -> tuple[float, float]:
        return float(self.sigma_add), float(self.sigma_mult)
