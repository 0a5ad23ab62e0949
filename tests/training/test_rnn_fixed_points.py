"""Fixed and slow points of RNNs (issue #16, part B; Sussillo & Barak 2013; Golub & Sussillo 2018).

Closed form used by the default tests: the network h' = tanh(w h) with w = 2 I (three independent
bistable units) has exactly 27 fixed points, every coordinate in {0, +-x*} with x* = tanh(2 x*)
= 0.9575040240772..., multiplier 2 (1 - x*^2) = 0.16637 at +-x* and 2 at 0: 8 stable points,
12 saddles with one unstable direction, 6 with two, and one unstable point. The continuous
network dh/dt = -h + 2 tanh(h) has the same structure with x* = 1.9150080481544...
(= 2 x* of the map, since h = 2 tanh(h) <=> h/2 = tanh(2 h/2)).
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from attractor import ValidationError
from attractor.core.errors import ConvergenceWarning
from attractor.training.fixed_points import classify_fixed_point, rnn_fixed_points

XSTAR = brentq(lambda x: np.tanh(2 * x) - x, 0.5, 1.0)
W = 2.0 * np.eye(3)


def _step(h, u):
    return np.tanh(W @ h)


def _jac(h, u):
    return (1 - np.tanh(W @ h) ** 2)[:, None] * W


STATES = np.random.default_rng(0).uniform(-1.2, 1.2, (400, 3))
EXPECTED = {"fixed stable": 8, "fixed saddle (1 unstable)": 12, "fixed saddle (2 unstable)": 6, "fixed unstable": 1}


def _check_bistable(res, xstar, mult_stable):
    assert res.summary() == EXPECTED
    stable = res.points[res.stable]
    np.testing.assert_allclose(np.sort(np.abs(stable).ravel()), np.full(24, xstar), atol=1e-10)
    assert len({tuple(np.sign(p)) for p in stable}) == 8
    if mult_stable is not None:
        np.testing.assert_allclose(np.abs(res.eigenvalues[res.stable]), mult_stable, atol=1e-8)
    assert np.all(res.q <= 1e-20)


def test_bistable_map_numpy_user_jacobian_and_finite_differences():
    assert XSTAR == pytest.approx(0.9575040240772, abs=1e-12)
    res = rnn_fixed_points(_step, STATES, jacobian=_jac, seed=0)
    _check_bistable(res, XSTAR, 2 * (1 - XSTAR ** 2))
    assert res.settings["backend"] == "numpy" and res.settings["jacobian"] == "user"
    fd = rnn_fixed_points(_step, STATES, seed=0)
    _check_bistable(fd, XSTAR, 2 * (1 - XSTAR ** 2))
    again = rnn_fixed_points(_step, STATES, jacobian=_jac, seed=0)
    np.testing.assert_array_equal(again.points, res.points)


def test_bistable_flow_as_dynamical_system():
    from attractor.training.network_lyapunov import RateNetwork

    net = RateNetwork(np.eye(3), 2.0)                     # dh/dt = -h + 2 tanh(h)
    res = rnn_fixed_points(net, 2 * STATES, seed=1)
    _check_bistable(res, 2 * XSTAR, None)
    ev = res.eigenvalues[res.stable].real
    np.testing.assert_allclose(ev, -1 + 2 * (1 - XSTAR ** 2), atol=1e-8)   # tanh(h*) = x*


def test_bistable_map_on_jax_model():
    pytest.importorskip("jax")
    from attractor.training import _rnn_jax as rj

    m = rj.TanhRNNModel(1, 3, 1, rj.jax.random.PRNGKey(0))
    m = rj.eqx.tree_at(lambda mm: (mm.W, mm.U), m, (rj.jnp.asarray(W), rj.jnp.zeros((3, 1))))
    res = rnn_fixed_points(m, STATES, seed=0)
    assert res.settings["backend"] == "jax" and res.settings["jacobian"] == "exact"
    _check_bistable(res, XSTAR, 2 * (1 - XSTAR ** 2))


def test_slow_point_of_a_ghost():
    # dh/dt = h^2 + 0.01 (1-D saddle-node ghost) has no fixed point; q = (h^2 + a)^2 / 2 has its
    # minimum q = a^2 / 2 = 5e-5 at h = 0: a slow point, not a fixed point.
    res = rnn_fixed_points(lambda h, u: h ** 2 + 0.01, np.linspace(-1, 1, 41)[:, None], kind="flow", q_slow=1e-4,
                           seed=0)
    assert res.kinds == ("slow",)
    assert res.points[0, 0] == pytest.approx(0.0, abs=1e-6) and res.q[0] == pytest.approx(5e-5, rel=1e-6)
    assert res.n_fixed == 0
    with pytest.warns(ConvergenceWarning):
        rnn_fixed_points(lambda h, u: h ** 2 + 0.01, np.linspace(-1, 1, 41)[:, None], kind="flow", seed=0)


def test_classify():
    assert classify_fixed_point([0.5, 0.2], "map") == ("stable", 0)
    assert classify_fixed_point([1.5, 0.2], "map") == ("saddle", 1)
    assert classify_fixed_point([1.5, -2.0], "map") == ("unstable", 2)
    assert classify_fixed_point([1.0, 0.2], "map") == ("marginal", 0)
    assert classify_fixed_point([-1 + 1j, -1 - 1j, 0.3], "flow") == ("saddle", 1)


def test_bad_input_is_named():
    with pytest.raises(ValidationError, match="states"):
        rnn_fixed_points(_step, np.array([[0.1, np.nan, 0.2]]))
    with pytest.raises(ValidationError, match="step function returned shape"):
        rnn_fixed_points(lambda h, u: h[:2], STATES)
    with pytest.raises(ValidationError, match="jacobian returned shape"):
        rnn_fixed_points(_step, STATES, jacobian=lambda h, u: np.eye(2))
    with pytest.raises(ValidationError, match="non-finite"):
        rnn_fixed_points(lambda h, u: h * np.nan, STATES)
    with pytest.raises(ValidationError, match="model must be"):
        rnn_fixed_points(42, STATES)
    with pytest.raises(ValidationError, match="q_slow"):
        rnn_fixed_points(_step, STATES, q_fixed=1e-3, q_slow=1e-6)
    from attractor.training.network_lyapunov import rate_network

    with pytest.raises(ValidationError, match="units"):
        rnn_fixed_points(rate_network(4, 1.0, seed=0), STATES)
    with pytest.raises(ValidationError, match="takes no inputs"):
        rnn_fixed_points(rate_network(3, 1.0, seed=0), STATES, inputs=[0.0])


@pytest.mark.slow
def test_fitted_attractor_rnn_jax_path_matches_its_system():
    # the estimator (JAX, batched, u* = 0) and its to_system(closed_loop=False) (NumPy path through the
    # DynamicalSystem interface) are the same hidden map: same fixed points, same multipliers.
    pytest.importorskip("jax")
    from attractor.learn.neural import LipschitzRNN

    t = np.arange(600) * 0.1
    rnn = LipschitzRNN(hidden_size=6, seed=0, epochs=2, window=20, washout=5).fit(np.sin(t), dt=0.1)
    states = rnn.hidden_last_ + 0.5 * np.random.default_rng(0).standard_normal((40, 6))
    a = rnn_fixed_points(rnn, states, seed=0)
    b = rnn_fixed_points(rnn.to_system(closed_loop=False), states, seed=0)
    assert a.settings["backend"] == "jax" and b.settings["backend"] == "numpy" and len(a) >= 1
    assert a.summary() == b.summary()
    np.testing.assert_allclose(a.points, b.points, atol=1e-8)
    np.testing.assert_allclose(np.abs(a.eigenvalues), np.abs(b.eigenvalues), atol=1e-8)


def test_numpy_paths_do_not_import_jax():
    import os
    import subprocess
    import sys
    from pathlib import Path

    import attractor

    code = ("import sys, numpy as np, attractor; from attractor.training import rnn_fixed_points, "
            "network_lyapunov_spectrum, rate_network; "
            "rnn_fixed_points(lambda h, u: np.tanh(2 * h), np.ones((4, 2)), seed=0); "
            "network_lyapunov_spectrum(rate_network(5, 1.5, seed=0), t_total=30); "
            "assert 'jax' not in sys.modules and 'equinox' not in sys.modules, 'JAX was imported'")
    env = {**os.environ, "PYTHONPATH": str(Path(attractor.__file__).parents[1])}   # this checkout's src
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr[-2000:]


def test_overflowing_trial_steps_are_rejected_not_raised():
    # residual -(e^h - 1)/2 is flat far left: the first Gauss-Newton steps overshoot to e^h = inf;
    # those trial points are rejected (damping grows) and the root h = 0 is still found.
    res = rnn_fixed_points(lambda h, u: h - 0.5 * np.expm1(h), np.array([[-30.0], [-5.0], [2.0]]), seed=0,
                           max_iter=500)
    assert len(res) == 1 and res.points[0, 0] == pytest.approx(0.0, abs=1e-10)
    assert res.labels == ("stable",)
