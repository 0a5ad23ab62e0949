"""The adding problem: a long-memory task where the Lipschitz RNN trains and a plain tanh RNN does not.

Adding problem (Hochreiter & Schmidhuber 1997; Arjovsky, Shah & Bengio 2016): two channels,
values U(0, 1) and a marker at one step of each half; target the sum of the two marked values.
The constant prediction 1 scores Var(U1 + U2) = 2/12 = 0.1667 (closed form), the trivial
baseline. Erichson et al. (ICLR 2021) motivate the Lipschitz RNN by exactly this failure of plain
RNNs on long sequences: gradients back-propagated through a tanh RNN vanish or explode
geometrically with the length (Bengio, Simard & Frasconi 1994; Pascanu, Mikolov & Bengio 2013).
"""
import numpy as np
import pytest

from attractor import ValidationError

pytest.importorskip("jax")
pytest.importorskip("equinox")
pytest.importorskip("optax")

from attractor.learn.neural.tasks import ADDING_BASELINE_MSE, adding_problem, fit_adding_task  # noqa: E402


def test_adding_problem_data_and_baseline():
    X, y = adding_problem(20000, 200, seed=0)
    assert X.shape == (20000, 200, 2) and y.shape == (20000,)
    m = X[:, :, 1]
    assert np.all(m.sum(axis=1) == 2) and np.all(m[:, :100].sum(axis=1) == 1)      # one marker per half
    np.testing.assert_allclose((X[:, :, 0] * m).sum(axis=1), y)
    # the trivial baseline: MSE of the constant 1 is Var(U1 + U2) = 1/6 (closed form), within 3 %
    assert np.mean((y - 1.0) ** 2) == pytest.approx(ADDING_BASELINE_MSE, rel=0.03)
    X2, y2 = adding_problem(5, 200, seed=0)
    np.testing.assert_array_equal(X2, adding_problem(5, 200, seed=0)[0])
    assert not np.array_equal(X2, adding_problem(5, 200, seed=1)[0])


def test_fit_adding_task_contract():
    kw = dict(length=12, hidden_size=8, n_train=128, n_test=64, epochs=2, batch_size=32)
    a = fit_adding_task("lipschitz", seed=3, **kw)
    b = fit_adding_task("lipschitz", seed=3, **kw)
    assert a.test_mse == b.test_mse and np.array_equal(a.loss_history, b.loss_history)   # same seed, same numbers
    assert a.loss_history.shape == (2,) and np.isfinite(a.test_mse) and a.baseline_mse == ADDING_BASELINE_MSE
    assert a.relative_mse == pytest.approx(a.test_mse / ADDING_BASELINE_MSE)
    with pytest.raises(ValidationError, match="cell"):
        fit_adding_task("lstm", **kw)
    with pytest.raises(ValidationError, match="gain"):
        fit_adding_task("elman", beta=0.5, **kw)
    with pytest.raises(ValidationError, match="length"):
        fit_adding_task("gru", **dict(kw, length=2))


@pytest.mark.slow
def test_lipschitz_rnn_learns_the_adding_task_where_a_plain_rnn_does_not():
    """Length 200, 32 hidden units, 3200 training sequences, 80 epochs of 50 Adam steps (learning
    rate 1e-2, cosine decay, clipping at 1), the paper's cell settings (β = 0.75, γ = 1e-3,
    ε = 0.03). Measured (seed 0): Lipschitz RNN test MSE 0.042 (0.25 of the baseline 1/6; it leaves
    the plateau after ~2300 steps); the plain tanh RNN with the same budget stays at the baseline
    (MSE 0.1585, 0.95 of it), its back-propagated gradient shrinking by 13 orders of magnitude over
    the sequence at initialisation (10^-140 after training: saturated), against a factor 0.7 for the
    Lipschitz cell. (A GRU, gated, solves it: MSE < 1e-4 after ~300 steps; not asserted here.)"""
    lip = fit_adding_task("lipschitz", length=200, seed=0)
    print(f"Lipschitz RNN: test MSE {lip.test_mse:.4f} ({lip.relative_mse:.3f} of baseline), log10 gain "
          f"{lip.backprop_gain_init:.2f} -> {lip.backprop_gain_trained:.2f}, {lip.fit_seconds:.0f} s")
    assert lip.test_mse < 0.4 * ADDING_BASELINE_MSE and lip.learned
    assert abs(lip.backprop_gain_init) < 1          # gradients neither vanish nor explode through 200 steps
    elman = fit_adding_task("elman", length=200, seed=0)
    print(f"plain tanh RNN: test MSE {elman.test_mse:.4f} ({elman.relative_mse:.3f} of baseline), log10 gain "
          f"{elman.backprop_gain_init:.2f} -> {elman.backprop_gain_trained:.2f}, {elman.fit_seconds:.0f} s")
    assert elman.relative_mse > 0.85 and not elman.learned
    assert elman.backprop_gain_init < -5            # vanishing gradients (Bengio et al. 1994)
