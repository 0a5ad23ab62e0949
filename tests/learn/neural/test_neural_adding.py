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
