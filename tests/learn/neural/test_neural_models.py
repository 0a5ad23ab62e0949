"""Neural learners (JAX): import boundary, reproducibility, bad input, DynamicalSystem contract.

Models here are tiny and trained for a few epochs: these tests check contracts, not accuracy
(the accuracy test against published Lorenz invariants is in test_neural_invariants.py).
"""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import attractor
from attractor import InsufficientDataError, ValidationError

pytest.importorskip("jax")
pytest.importorskip("equinox")
pytest.importorskip("diffrax")
pytest.importorskip("optax")

from attractor.learn.neural import (ElmanRNN, GRU, LipschitzRNN, NeuralODE, NoisyRNN,  # noqa: E402
                                   TrainingDivergenceError)


@pytest.fixture(scope="module")
def lorenz():
    return attractor.system("lorenz").trajectory(600, dt=0.01, transient=10).x


# derivative matching only in the default suite (compiling the Diffrax shooting step takes ~15-40 s on a
# loaded 2-core machine); the trajectory-matching phase is covered by the slow tests below
NODE_KW = dict(width=16, depth=2, warm_epochs=4, epochs=0, window=6, shooting_batch_size=16, batch_size=64)
RNN_KW = dict(hidden_size=12, epochs=2, window=20, washout=4, batch_size=8)


@pytest.fixture(scope="module")
def node(lorenz):
    return NeuralODE(seed=3, **NODE_KW).fit(lorenz, dt=0.01)


@pytest.fixture(scope="module")
def lip(lorenz):
    return LipschitzRNN(seed=1, **RNN_KW).fit(lorenz, dt=0.01)


# ---------------------------------------------------------------- import boundary
def _run(code: str) -> subprocess.CompletedProcess:
    src = str(Path(attractor.__file__).resolve().parents[1])   # this checkout's src/, not an installed copy
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=120, env=env)


def test_import_attractor_does_not_import_jax():
    res = _run("""
        import sys
        import attractor, attractor.learn, attractor.learn.neural
        cls = attractor.learn.NeuralODE          # lazy export: the class, still no JAX
        m = cls(width=8)                          # constructing does not import JAX either
        from attractor.learn.neural import GRU, LipschitzRNN, NoisyRNN
        bad = [k for k in sys.modules if k.split('.')[0] in ('jax', 'jaxlib', 'equinox', 'diffrax', 'optax', 'torch')]
        print('LOADED', bad)
        assert not bad, bad
    """)
    assert res.returncode == 0, res.stdout + res.stderr


def test_missing_extra_gives_one_clear_error():
    res = _run("""
        import sys
        sys.modules['jax'] = None                 # simulate an environment without the extra
        import numpy as np
        from attractor.learn.neural import NeuralODE
        from attractor import AttractorError
        try:
            NeuralODE(warm_epochs=1, epochs=0).fit(np.random.default_rng(0).normal(size=(50, 2)), dt=0.1)
        except AttractorError as exc:
            print('MSG', exc)
            assert 'pip install "attractor[neural]"' in str(exc)
        else:
            raise SystemExit('no error')
    """)
    assert res.returncode == 0, res.stdout + res.stderr


# ---------------------------------------------------------------- reproducibility
def test_node_same_seed_same_weights(lorenz, node):
    again = NeuralODE(seed=3, **NODE_KW).fit(lorenz, dt=0.01)
    np.testing.assert_array_equal(node.weights(), again.weights())
    np.testing.assert_array_equal(node.forecast(lorenz[:50], 20), again.forecast(lorenz[:50], 20))
    other = NeuralODE(seed=4, **NODE_KW).fit(lorenz, dt=0.01)
    assert not np.array_equal(node.weights(), other.weights())


@pytest.mark.parametrize("cls", [ElmanRNN, GRU, LipschitzRNN, NoisyRNN])
def test_rnn_same_seed_same_weights(lorenz, cls):
    a = cls(seed=5, **RNN_KW).fit(lorenz, dt=0.01)
    b = cls(seed=5, **RNN_KW).fit(lorenz, dt=0.01)
    np.testing.assert_array_equal(a.weights(), b.weights())
    np.testing.assert_array_equal(a.forecast(lorenz[:40], 15), b.forecast(lorenz[:40], 15))
    c = cls(seed=6, **RNN_KW).fit(lorenz, dt=0.01)
    assert not np.array_equal(a.weights(), c.weights())


def test_noisy_rnn_noise_only_in_training(lorenz):
    """Same seed: noise injection changes training; forecasts are deterministic (noise off at test time)."""
    plain = LipschitzRNN(seed=5, **RNN_KW).fit(lorenz, dt=0.01)
    noisy = NoisyRNN(seed=5, **RNN_KW).fit(lorenz, dt=0.01)
    assert not np.array_equal(noisy.weights(), plain.weights())
    np.testing.assert_array_equal(noisy.forecast(lorenz[:40], 10), noisy.forecast(lorenz[:40], 10))


# ---------------------------------------------------------------- bad input
def test_bad_input(lorenz, node):
    bad = lorenz.copy()
    bad[7, 1] = np.nan
    with pytest.raises(ValidationError, match="non-finite"):
        NeuralODE(**NODE_KW).fit(bad, dt=0.01)
    inf = lorenz.copy()
    inf[3, 0] = np.inf
    with pytest.raises(ValidationError, match="non-finite"):
        GRU(**RNN_KW).fit(inf, dt=0.01)
    with pytest.raises(ValidationError, match="dimension"):
        NeuralODE(**NODE_KW).fit(lorenz[None], dt=0.01)
    with pytest.raises(InsufficientDataError, match="samples"):
        NeuralODE(**NODE_KW).fit(lorenz[:6], dt=0.01)       # fewer than one window + 1
    with pytest.raises(InsufficientDataError, match="samples"):
        LipschitzRNN(**RNN_KW).fit(lorenz[:20], dt=0.01)
    with pytest.raises(ValidationError, match="dt"):
        NeuralODE(**NODE_KW).fit(lorenz, dt=-1)
    with pytest.raises(ValidationError, match="activation"):
        NeuralODE(activation="relu6").fit(lorenz, dt=0.01)
    with pytest.raises(ValidationError, match="washout"):
        GRU(window=5, washout=5).fit(lorenz, dt=0.01)
    with pytest.raises(ValidationError, match="channel"):
        node.forecast(lorenz[:20, :2], 5)
    with pytest.raises(ValidationError, match="not fitted"):
        NeuralODE().to_system()
    with pytest.raises(ValidationError, match="horizon"):
        node.forecast(lorenz[:20], 0)


def test_blown_up_forecast_is_nan_not_huge_numbers(node, lorenz):
    # a field with an added linear instability (rate 5, in standardised units) grows like e^{5t}:
    # smooth, so the adaptive solver keeps returning finite values (e^20 ~ 5e8 standard deviations
    # at t = 4). The forecast must mark the blow-up with NaN instead of returning such numbers.
    import copy

    from attractor.learn.neural import _node_jax as nj
    from attractor.learn.neural.node import BLOWUP_STD

    wild = copy.copy(node)
    wild.field_ = nj.VectorField(node.field_.mlp, node.field_.out_scale, lambda z: 5.0 * z)
    fc = wild.forecast(lorenz[:20], 400)
    z = (fc - node.mean_) / node.scale_
    finite = np.isfinite(z).all(axis=1)
    assert finite[:50].all() and not finite.all()
    assert np.all(np.abs(z[finite]) <= BLOWUP_STD)
    first = np.flatnonzero(~finite)[0]
    assert not np.isfinite(fc[first:]).any()


def test_diverging_training_raises_with_epoch(lorenz):
    # an absurd step size overflows the weights within a few steps: a typed error, not NaN weights
    model = NeuralODE(**dict(NODE_KW, learning_rate=1e300))
    with pytest.raises(TrainingDivergenceError, match=r"epoch \d") as info:
        model.fit(lorenz, dt=0.01)
    assert info.value.epoch >= 1 and info.value.phase == "derivative matching"
    assert not model.is_fitted                      # no NaN weights kept as a fitted model
    rnn = GRU(**dict(RNN_KW, learning_rate=1e300))
    with pytest.raises(TrainingDivergenceError, match="GRU"):
        rnn.fit(lorenz, dt=0.01)
    assert not rnn.is_fitted


# ---------------------------------------------------------------- DynamicalSystem contract
def _fd_jacobian(f, x, h=1e-6):
    return np.stack([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)], axis=1)


def test_node_to_system_exact_jacobian_and_analyses(lorenz, node):
    sysm = node.to_system()
    assert sysm.kind == "flow" and sysm.dimension == 3 and sysm.has_exact_jacobian
    x = lorenz[100]
    f = sysm.rhs(x)
    assert f.dtype == np.float64 and f.shape == (3,)
    J = sysm.jacobian(x)
    np.testing.assert_allclose(J, _fd_jacobian(sysm.rhs, x), rtol=1e-6, atol=1e-6 * np.abs(J).max())
    # forecast() and the flow agree (both integrate the same field)
    fc = node.forecast(lorenz[:100], 5)
    traj = sysm.trajectory(6, dt=0.01, x0=lorenz[99], rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(fc, traj.x[1:], rtol=1e-4, atol=1e-4)
    res = attractor.lyapunov_spectrum(sysm, t_total=2.0, dt_renorm=0.1, method="rk4", step=0.01, seed=0)
    assert res.settings["jacobian"] == "system" and np.all(np.isfinite(res.exponents))
    fps = attractor.fixed_points(sysm, bounds=[(-20, 20), (-25, 25), (0, 50)], n_starts=4, seed=0)
    for p in fps.points:
        assert np.linalg.norm(sysm.rhs(p)) < 1e-6


@pytest.mark.parametrize("closed", [True, False])
def test_rnn_to_system_map_with_exact_jacobian(lorenz, lip, closed):
    sysm = lip.to_system(closed_loop=closed)
    assert sysm.kind == "map" and sysm.dimension == (15 if closed else 12) and sysm.has_exact_jacobian
    s = lip.encode(lorenz[:50])                       # closed-loop state (h, x)
    s = s if closed else s[:12]
    J = sysm.jacobian(s)
    np.testing.assert_allclose(J, _fd_jacobian(sysm.step, s), rtol=1e-6, atol=1e-7)
    if closed:   # the closed-loop map reproduces forecast(): decode of the k-th iterate is forecast row k
        fc = lip.forecast(lorenz[:50], 3)
        s1 = sysm.step(s)
        s2 = sysm.step(s1)
        np.testing.assert_allclose(lip.decode(s1), fc[0], rtol=1e-10)
        np.testing.assert_allclose(lip.decode(s2), fc[1], rtol=1e-10)
    res = attractor.lyapunov_spectrum(sysm, n_exponents=2, n_steps=200, seed=0)
    assert np.all(np.isfinite(res.exponents))


def test_lazy_export_from_attractor_learn():
    assert attractor.learn.NeuralODE is NeuralODE
    assert attractor.learn.LipschitzRNN is LipschitzRNN


@pytest.mark.slow
def test_node_trajectory_matching_reproducible_and_improves(lorenz):
    kw = dict(NODE_KW, epochs=4, warm_epochs=20, shooting_learning_rate=3e-3)
    a = NeuralODE(seed=3, **kw).fit(lorenz, dt=0.01)
    b = NeuralODE(seed=3, **kw).fit(lorenz, dt=0.01)
    np.testing.assert_array_equal(a.weights(), b.weights())
    assert a.loss_history_["trajectory"].shape == (4,) and np.all(np.isfinite(a.loss_history_["trajectory"]))
    warm_only = NeuralODE(seed=3, **dict(kw, epochs=0)).fit(lorenz, dt=0.01)

    def err(m):   # 5-step forecast error from every 5th sample, standardised units
        e = [m.forecast(lorenz[s:s + 1], 5) - lorenz[s + 1:s + 6] for s in range(0, 590, 5)]
        return float(np.mean((np.stack(e) / lorenz.std(axis=0)) ** 2))

    assert err(a) < err(warm_only)


def test_node_known_part_is_added_in_data_units(lorenz):
    """Hybrid hook: with the exact Lorenz field as ``known_rhs`` the network only learns the
    (tiny) derivative-estimation residual, so the learned flow is the Lorenz field to ~1e-3."""
    import jax.numpy as jnp

    def known(x):
        return jnp.array([10.0 * (x[1] - x[0]), x[0] * (28.0 - x[2]) - x[1], x[0] * x[1] - 8.0 / 3.0 * x[2]])

    m = NeuralODE(seed=0, known_rhs=known, **NODE_KW).fit(lorenz, dt=0.01)
    truth = attractor.system("lorenz")
    sysm = m.to_system()
    for x in lorenz[::100]:
        f = truth.rhs(x)
        np.testing.assert_allclose(sysm.rhs(x), f, atol=1e-3 * np.abs(f).max())
        np.testing.assert_allclose(sysm.jacobian(x), truth.jacobian(x), atol=1e-2)
