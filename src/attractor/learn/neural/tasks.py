"""Long-memory benchmark tasks for recurrent cells: the adding problem.

The adding problem (Hochreiter & Schmidhuber 1997, in the form of Arjovsky, Shah & Bengio 2016)
tests whether a recurrent network can carry information across a long sequence: each input
sequence has two channels, values ``v_k ~ U(0, 1)`` and a marker that is 1 at exactly two
steps (one in the first half, one in the second) and 0 elsewhere; the target is the sum of the
two marked values, read out from the last hidden state. Predicting the mean target 1 whatever the
input scores the variance of a sum of two U(0, 1), ``2/12 = 0.1667`` (the trivial baseline).

:func:`fit_adding_task` trains one recurrent cell of this package (``"lipschitz"``,
``"noisy"``, ``"elman"``, ``"gru"``) on it with the package's compiled Adam loop and reports the
test error, the training curve and the gradient diagnostics that explain success or failure:
the gradient norm at initialisation and how much a gradient grows or shrinks when propagated
back through the sequence (``log10 ‖∂ y / ∂h_1‖``). JAX is loaded on the first call.

References
----------
Hochreiter, S. & Schmidhuber, J. (1997). Long short-term memory. Neural Computation 9, 1735–1780.
Arjovsky, M., Shah, A. & Bengio, Y. (2016). Unitary evolution recurrent neural networks. ICML.
Erichson, N. B., Azencot, O., Queiruga, A., Hodgkinson, L. & Mahoney, M. W. (2021). Lipschitz
recurrent neural networks. ICLR.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...core.errors import ValidationError
from ...core.validation import check_positive_float, check_positive_int

__all__ = ["adding_problem", "fit_adding_task", "AddingTaskResult", "ADDING_BASELINE_MSE"]

#: MSE of the constant prediction 1 (the mean target): Var(U1 + U2) = 2/12
ADDING_BASELINE_MSE = 2.0 / 12.0

_CELLS = ("lipschitz", "noisy", "elman", "gru")


def adding_problem(n_sequences: int, length: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Sequences of the adding problem.

    Parameters
    ----------
    n_sequences : int
    length : int >= 4
        Time steps per sequence.
    seed : int

    Returns
    -------
    X : numpy.ndarray, shape (n_sequences, length, 2)
        Channel 0: values ~ U(0, 1); channel 1: marker (1 at one step of each half, 0 elsewhere).
    y : numpy.ndarray, shape (n_sequences,)
        Sum of the two marked values.
    """
    n = check_positive_int(n_sequences, "n_sequences")
    L = check_positive_int(length, "length", minimum=4)
    rng = np.random.default_rng(seed)
    X = np.zeros((n, L, 2))
    X[:, :, 0] = rng.random((n, L))
    i = rng.integers(0, L // 2, n)
    j = rng.integers(L // 2, L, n)
    rows = np.arange(n)
    X[rows, i, 1] = 1.0
    X[rows, j, 1] = 1.0
    y = X[rows, i, 0] + X[rows, j, 0]
    return X, y


@dataclass(frozen=True)
class AddingTaskResult:
    """Outcome of :func:`fit_adding_task`.

    Attributes
    ----------
    cell : str
    test_mse : float
        Mean squared error on fresh test sequences (target units; the target is in [0, 2]).
    baseline_mse : float
        ``2/12``: the constant prediction 1.
    relative_mse : float
        ``test_mse / baseline_mse`` (1: no better than the mean; 0: perfect).
    learned : bool
        ``relative_mse < 0.5`` (the network uses the marked values).
    loss_history : numpy.ndarray, shape (epochs,)
        Mean training MSE per epoch.
    grad_norm_init : float
        Global norm of the weight gradient at initialisation (one batch of 64 sequences, before clipping).
    backprop_gain_init : float
        Median over 64 sequences of ``log10 ‖∂ y / ∂h_1‖₂`` at initialisation: > 0 gradients grow
        (explode) back through the sequence, < 0 they shrink (vanish).
    backprop_gain_trained : float
        The same after training.
    fit_seconds : float
    settings : dict
    """

    cell: str
    test_mse: float
    baseline_mse: float
    relative_mse: float
    learned: bool
    loss_history: np.ndarray = field(repr=False)
    grad_norm_init: float
    backprop_gain_init: float
    backprop_gain_trained: float
    fit_seconds: float
    settings: dict[str, Any] = field(repr=False)


def fit_adding_task(cell: str = "lipschitz", *, length: int = 200, hidden_size: int = 32, n_train: int = 3200,
                    n_test: int = 1000, epochs: int = 80, batch_size: int = 64, learning_rate: float = 1e-2,
                    grad_clip: float | None = 1.0, seed: int = 0, **cell_params: Any) -> AddingTaskResult:
    """Train one recurrent cell on the adding problem and score it on fresh sequences.

    Parameters
    ----------
    cell : {"lipschitz", "noisy", "elman", "gru"}
        :class:`~attractor.learn.neural.LipschitzRNN`'s cell, its noise-injected variant
        (:class:`~attractor.learn.neural.NoisyRNN`), the plain tanh cell of
        :class:`~attractor.learn.neural.ElmanRNN`, or the GRU.
    length : int
        Sequence length (time steps).
    hidden_size, n_train, n_test, epochs, batch_size, learning_rate, grad_clip : training set-up
        ``n_train // batch_size`` Adam steps per epoch (cosine decay to 2 %), gradient-norm
        clipping at ``grad_clip`` (None: off).
    seed : int
        Seeds the data (training and test sets differ) and the weights.
    **cell_params
        Cell settings: Lipschitz/noisy ``beta`` (0.75), ``gamma_a`` (1e-3), ``gamma_w`` (1e-3),
        ``eps`` (0.03), ``scheme`` ("euler"), ``init_std`` (1.0), noisy ``sigma_add`` (0.05),
        ``sigma_mult`` (0.05); Elman ``gain`` (1.0). Defaults follow Erichson et al. (2021).

    Raises
    ------
    ValidationError
        Unknown cell or cell setting, bad sizes.
    TrainingDivergenceError
        The training loss became non-finite (the epoch is named).
    """
    if cell not in _CELLS:
        raise ValidationError(f"cell must be one of {', '.join(_CELLS)}; got {cell!r}.")
    check_positive_int(hidden_size, "hidden_size")
    check_positive_int(epochs, "epochs")
    check_positive_int(batch_size, "batch_size")
    check_positive_float(learning_rate, "learning_rate")
    if grad_clip is not None:
        check_positive_float(grad_clip, "grad_clip")
    allowed = {"lipschitz": {"beta", "gamma_a", "gamma_w", "eps", "scheme", "init_std"},
               "noisy": {"beta", "gamma_a", "gamma_w", "eps", "scheme", "init_std", "sigma_add", "sigma_mult"},
               "elman": {"gain"}, "gru": set()}[cell]
    unknown = set(cell_params) - allowed
    if unknown:
        raise ValidationError(f"unknown setting(s) for the {cell} cell: {', '.join(sorted(unknown))}; "
                              f"valid: {', '.join(sorted(allowed)) or 'none'}.")
    Xtr, ytr = adding_problem(n_train, length, seed=2 * int(seed))
    Xte, yte = adding_problem(n_test, length, seed=2 * int(seed) + 1)

    from . import _rnn_jax as rj
    from ._train import train

    jax, jnp, eqx = rj.jax, rj.jnp, rj.eqx
    k_init, k_train = jax.random.split(jax.random.PRNGKey(int(seed)))
    H = int(hidden_size)
    if cell in ("lipschitz", "noisy"):
        p = {"beta": 0.75, "gamma_a": 1e-3, "gamma_w": 1e-3, "eps": 0.03, "scheme": "euler", "init_std": 1.0,
             "sigma_add": 0.05 if cell == "noisy" else 0.0, "sigma_mult": 0.05 if cell == "noisy" else 0.0}
        p.update(cell_params)
        model = rj.LipschitzModel(2, H, k_init, beta=float(p["beta"]), gamma_a=float(p["gamma_a"]),
                                  gamma_w=float(p["gamma_w"]), eps=float(p["eps"]), scheme=str(p["scheme"]),
                                  init_std=float(p["init_std"]), sigma_add=float(p["sigma_add"]),
                                  sigma_mult=float(p["sigma_mult"]))
    elif cell == "elman":
        p = {"gain": 1.0, **cell_params}
        model = rj.ElmanModel(2, H, k_init, gain=float(check_positive_float(p["gain"], "gain")))
    else:
        p = {}
        model = rj.GRUModel(2, H, k_init)
    if cell != "gru":
        # input weights and biases as PyTorch's nn.Linear, U(-1/sqrt(d), 1/sqrt(d)) (the authors' code): a
        # zero bias would put every tanh at its inflection point, where the curvature that forms the
        # product value x marker vanishes
        ku, kb = jax.random.split(jax.random.fold_in(k_init, 1))
        lim = 1.0 / np.sqrt(2.0)
        model = eqx.tree_at(lambda m: (m.U, m.b), model,
                            (jax.random.uniform(ku, (H, 2), minval=-lim, maxval=lim),
                             jax.random.uniform(kb, (H,), minval=-lim, maxval=lim)))
    Xd, yd = jnp.asarray(Xtr), jnp.asarray(ytr)
    probe = (Xd[:64], yd[:64])
    g0 = float(rj.weight_grad_norm(model, *probe))
    gain0 = float(np.median(np.asarray(rj.backprop_gain(model, probe[0]))))
    t0 = time.perf_counter()
    model, losses = train(model, rj.make_sequence_loss(cell == "noisy"), (Xd, yd), epochs=int(epochs),
                          batch_size=int(batch_size), learning_rate=float(learning_rate), key=k_train,
                          grad_clip=grad_clip, decay=True, model_name=f"adding task ({cell} cell)",
                          phase="training", hint="Lower learning_rate or set grad_clip.")
    fit_s = time.perf_counter() - t0
    mse = float(rj.sequence_mse(model, jnp.asarray(Xte), jnp.asarray(yte)))
    gain1 = float(np.median(np.asarray(rj.backprop_gain(model, probe[0]))))
    rel = mse / ADDING_BASELINE_MSE
    return AddingTaskResult(cell=cell, test_mse=mse, baseline_mse=ADDING_BASELINE_MSE, relative_mse=rel,
                            learned=bool(rel < 0.5), loss_history=losses, grad_norm_init=g0,
                            backprop_gain_init=gain0, backprop_gain_trained=gain1, fit_seconds=fit_s,
                            settings={"length": int(length), "hidden_size": H, "n_train": int(n_train),
                                      "n_test": int(n_test), "epochs": int(epochs), "batch_size": int(batch_size),
                                      "learning_rate": float(learning_rate), "grad_clip": grad_clip,
                                      "seed": int(seed), **p})
