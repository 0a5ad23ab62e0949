"""The n-bit flip-flop task and a small tanh RNN trained on it (Sussillo & Barak 2013).

* :func:`flip_flop_task` — input pulses and target outputs: each of ``n_bits`` channels receives
  ``+1``/``−1`` pulses at random times, and the matching output must hold the sign of the last
  pulse. Every channel is pulsed at ``t = 0``, so every target is ``±1`` from the start and the
  task has exactly ``2**n_bits`` memory states (no "nothing seen yet" state).
* :class:`TanhRNN` — ``h_{t+1} = tanh(W h_t + U u_t + b)``, ``y_t = C h_{t+1} + c``, trained by
  Adam on the mean squared output error (JAX/Equinox through :mod:`attractor.learn.neural._jax`).
  A trained 3-bit network implements its memories as 8 stable fixed points with saddles between
  them; :func:`~attractor.training.rnn_fixed_points` finds them from the states it visits.

References
----------
Sussillo, D. & Barak, O. (2013). Opening the black box: low-dimensional dynamics in
high-dimensional recurrent neural networks. Neural Computation 25, 626–649.
Golub, M. D. & Sussillo, D. (2018). FixedPointFinder. JOSS 3(31), 1003 (the flip-flop example).
"""
from __future__ import annotations

import time

import numpy as np

from ..core.errors import ValidationError
from ..core.validation import as_float_array, check_positive_float, check_positive_int

__all__ = ["flip_flop_task", "TanhRNN"]


def flip_flop_task(n_trials: int, n_steps: int, n_bits: int = 3, p: float = 0.05,
                   seed=None) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and targets of the n-bit flip-flop task.

    Parameters
    ----------
    n_trials, n_steps : int
        Trials and time steps per trial.
    n_bits : int
        Channels (memories: ``2**n_bits``).
    p : float in (0, 1)
        Probability of a pulse per channel per step after ``t = 0`` (each pulse's sign is a fair coin).
    seed : int, optional

    Returns
    -------
    inputs, targets : numpy.ndarray, shape (n_trials, n_steps, n_bits)
        Pulses in ``{−1, 0, +1}``; targets in ``{−1, +1}`` (the sign of the latest pulse, the
        current one included).
    """
    n_trials = check_positive_int(n_trials, "n_trials")
    n_steps = check_positive_int(n_steps, "n_steps")
    n_bits = check_positive_int(n_bits, "n_bits")
    p = check_positive_float(p, "p")
    if p >= 1:
        raise ValidationError(f"p must be below 1; got {p!r}.")
    rng = np.random.default_rng(seed)
    pulse = rng.random((n_trials, n_steps, n_bits)) < p
    pulse[:, 0, :] = True
    signs = np.where(rng.random((n_trials, n_steps, n_bits)) < 0.5, -1.0, 1.0)
    inputs = np.where(pulse, signs, 0.0)
    # the target holds the latest pulse: forward-fill the pulse signs along time
    idx = np.where(pulse, np.arange(n_steps)[None, :, None], 0)
    np.maximum.accumulate(idx, axis=1, out=idx)
    targets = np.take_along_axis(inputs, idx, axis=1)
    return inputs, targets


class TanhRNN:
    """Discrete-time tanh RNN ``h_{t+1} = tanh(W h_t + U u_t + b)``, readout ``y_t = C h_{t+1} + c``.

    Trained from ``h_0 = 0`` on whole trials by Adam (cosine learning-rate decay to 2 %, global
    gradient-norm clipping) on the mean squared output error. Float64 throughout.

    Parameters
    ----------
    hidden_size : int
    seed : int
        Seeds the weights (``W ~ N(0, gain²/N)``) and the batch order: same seed, same weights.
    epochs : int
        Passes over the trials.
    batch_size : int
    learning_rate : float
    grad_clip : float
    gain : float
        Initial spectral scale of ``W``.

    Attributes (after ``fit``)
    --------------------------
    model_ : equinox.Module
        With ``step(h, u)`` (what :func:`~attractor.training.rnn_fixed_points` and
        :func:`~attractor.training.network_lyapunov_spectrum` differentiate).
    loss_history_ : numpy.ndarray, shape (epochs,)
    n_inputs_, n_outputs_ : int
    fit_seconds_ : float
    """

    def __init__(self, hidden_size: int = 16, seed: int = 0, epochs: int = 100, batch_size: int = 64,
                 learning_rate: float = 1e-2, grad_clip: float = 1.0, gain: float = 0.9):
        self.hidden_size = hidden_size
        self.seed = seed
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.grad_clip = grad_clip
        self.gain = gain

    def get_params(self, deep: bool = False) -> dict:
        return {k: getattr(self, k) for k in ("hidden_size", "seed", "epochs", "batch_size", "learning_rate",
                                              "grad_clip", "gain")}

    def __repr__(self) -> str:
        return f"TanhRNN({', '.join(f'{k}={v!r}' for k, v in self.get_params().items())})"

    def fit(self, inputs, targets) -> "TanhRNN":
        """Fit on trials ``inputs`` (n_trials, T, n_inputs) and ``targets`` (n_trials, T, n_outputs).

        Raises
        ------
        ValidationError
            Shapes disagree or values are non-finite.
        attractor.learn.neural.TrainingDivergenceError
            The loss became non-finite (names the epoch).
        """
        U = as_float_array(inputs, "inputs", ndim=3)
        Y = as_float_array(targets, "targets", ndim=3)
        if U.shape[:2] != Y.shape[:2]:
            raise ValidationError(f"inputs {U.shape} and targets {Y.shape} must have the same trials and steps.")
        H = check_positive_int(self.hidden_size, "hidden_size")
        epochs = check_positive_int(self.epochs, "epochs")
        bs = min(check_positive_int(self.batch_size, "batch_size"), U.shape[0])
        lr = check_positive_float(self.learning_rate, "learning_rate")
        clip = check_positive_float(self.grad_clip, "grad_clip")
        gain = check_positive_float(self.gain, "gain", allow_zero=True)
        from . import _rnn_jax as rj

        k_init, k_train = rj.jax.random.split(rj.jax.random.PRNGKey(int(self.seed)))
        model = rj.TanhRNNModel(U.shape[2], H, Y.shape[2], k_init, gain=gain)
        t0 = time.perf_counter()
        model, losses = rj.train_tanh_rnn(model, U, Y, epochs=epochs, batch_size=bs, learning_rate=lr, key=k_train,
                                          grad_clip=clip)
        self.fit_seconds_ = time.perf_counter() - t0
        self.model_ = model
        self.loss_history_ = losses
        self.n_inputs_, self.n_outputs_ = U.shape[2], Y.shape[2]
        return self

    def _check_fitted(self):
        if not hasattr(self, "model_"):
            raise ValidationError("this TanhRNN is not fitted yet; call fit(inputs, targets) first.")

    def run(self, inputs, h0=None) -> tuple[np.ndarray, np.ndarray]:
        """Hidden states and outputs over trials ``inputs`` (n_trials, T, n_inputs) from ``h0`` (default 0).

        Returns
        -------
        states : numpy.ndarray, shape (n_trials, T, hidden_size)
        outputs : numpy.ndarray, shape (n_trials, T, n_outputs)
        """
        self._check_fitted()
        U = as_float_array(inputs, "inputs", ndim=3)
        if U.shape[2] != self.n_inputs_:
            raise ValidationError(f"inputs has {U.shape[2]} channels; the network takes {self.n_inputs_}.")
        from . import _rnn_jax as rj

        return rj.run_batch(self.model_, U, h0)

    def readout(self, states) -> np.ndarray:
        """Outputs ``C h + c`` of hidden state(s) ``(..., hidden_size)``."""
        self._check_fitted()
        S = as_float_array(states, "states")
        return S @ np.asarray(self.model_.C).T + np.asarray(self.model_.c)
