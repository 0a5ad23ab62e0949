"""Optimizers as maps: JVPs, stability thresholds and Lyapunov exponents against closed forms (issue #16).

On L(θ) = ½ θᵀAθ every optimizer is linear, mode by mode: GD multiplies the λ-mode by 1 − ηλ, so
a minimum is stable iff ηλ_max < 2 and the Lyapunov exponents are log|1 − ηλ_i|; heavy ball is
stable iff ηλ < 2 + 2β and Nesterov iff ηλ < (2 + 2β)/(1 + 2β) (Cohen et al. 2021, App. B).
"""
from __future__ import annotations

import numpy as np
import pytest

from attractor.core.errors import ValidationError
from attractor.training import (GD, SGD, Adam, HeavyBall, Nesterov, TrainingDivergenceError, linear_stability,
                                objective_from_functions, training_lyapunov)

LAM = np.linspace(0.1, 10.0, 12)


def quad(seed=0):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((12, 12)))
    A = (Q * LAM) @ Q.T
    A = 0.5 * (A + A.T)
    return objective_from_functions(lambda t: 0.5 * t @ A @ t, lambda t: A @ t, rng.standard_normal(12),
                                    hvp=lambda t, v: A @ v, name="quadratic")


def smooth_nonlinear(n_batches=None):
    """A non-quadratic loss (so the JVPs involve a varying Hessian)."""
    def loss(t, b=None):
        s = 1.0 if b is None else 1.0 + 0.5 * b
        return float(np.sum(np.log(np.cosh(s * t))) + 0.1 * np.sum(t[:-1] * t[1:]) ** 2)

    def grad(t, b=None):
        s = 1.0 if b is None else 1.0 + 0.5 * b
        c = np.sum(t[:-1] * t[1:])
        g = s * np.tanh(s * t)
        g[:-1] += 0.2 * c * t[1:]
        g[1:] += 0.2 * c * t[:-1]
        return g

    th0 = np.linspace(-1, 1.3, 6)
    if n_batches:
        return objective_from_functions(loss, grad, th0, n_batches=n_batches)
    return objective_from_functions(lambda t: loss(t), lambda t: grad(t), th0)


@pytest.mark.parametrize("opt", [GD(0.1), HeavyBall(0.05, 0.8), Nesterov(0.05, 0.7), Adam(0.01), SGD(0.1, seed=3)],
                         ids=lambda o: o.name)
def test_jvp_matches_finite_difference_of_one_step(opt):
    obj = smooth_nonlinear(n_batches=3 if opt.name == "SGD" else None)
    rng = np.random.default_rng(1)
    state = opt.init(obj.theta0)
    for k in range(3):  # move away from zero buffers
        state, _ = opt.step(obj, state, k)
    u = rng.standard_normal(state.size)
    h = 1e-8  # Adam's step is sharply curved where s is small: a larger h has O(h²) error above 1e-5
    fd = (opt.step(obj, state + h * u, 3)[0] - opt.step(obj, state - h * u, 3)[0]) / (2 * h)
    np.testing.assert_allclose(opt.jvp(obj, state, 3, u), fd, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("opt_cls, kw, limit", [(GD, {}, 2.0), (HeavyBall, {"beta": 0.5}, 3.0),
                                                 (Nesterov, {"beta": 0.5}, 1.5)])
def test_stability_threshold_matches_simulation(opt_cls, kw, limit):
    obj = quad()
    for factor, should_converge in [(0.97, True), (1.03, False)]:
        opt = opt_cls(factor * limit / LAM[-1], **kw)
        st = linear_stability(opt, obj, np.zeros(12))
        assert st.sharpness == pytest.approx(LAM[-1], rel=1e-8)
        assert st.threshold == pytest.approx(LAM[-1] / factor, rel=1e-8)
        assert st.stable is should_converge and (st.multiplier < 1) is should_converge
        if should_converge:
            run = opt.run(obj, 1500, record_every=1500)
            assert np.linalg.norm(run.params[-1]) < 1e-3 * np.linalg.norm(obj.theta0)
        else:
            with pytest.raises(TrainingDivergenceError, match=r"diverged at step \d+ \(learning rate"):
                opt.run(obj, 20000, max_norm=1e6)


def test_threshold_formulas_agree_with_characteristic_polynomials():
    for opt in [GD(0.1), HeavyBall(0.1, 0.9), Nesterov(0.1, 0.9), Adam(0.1, beta1=0.9)]:
        thr = opt.threshold()
        assert opt._multiplier(0.999 * thr) < 1 < opt._multiplier(1.001 * thr)
    assert Adam(0.1, beta1=0.9).threshold() == pytest.approx(38 / 0.1)   # Cohen et al. 2022: 38/η


def test_lyapunov_exponents_of_gd_on_quadratic():
    obj = quad()
    eta = 0.15
    res = training_lyapunov(GD(eta), obj, 400, n_exponents=3)
    expected = np.sort(np.log(np.abs(1 - eta * LAM)))[::-1][:3]
    np.testing.assert_allclose(res.exponents, expected, atol=2e-2)
    # heavy ball: exponents are log of the largest |root| of μ² − (1 + β − ηλ)μ + β per mode
    hb = HeavyBall(0.05, 0.6)
    res = training_lyapunov(hb, obj, 600, n_exponents=1, transient=100)
    assert res.exponents[0] == pytest.approx(np.log(max(hb._multiplier(l) for l in LAM)), abs=2e-2)


def test_optimizer_as_dynamical_system_reads_with_attractor_lyapunov():
    from attractor import lyapunov_spectrum

    obj = quad()
    sysm = GD(0.15).to_system(obj)
    assert sysm.kind == "map" and sysm.dimension == 12
    J = sysm.jacobian(obj.theta0)
    np.testing.assert_allclose(np.sort(np.linalg.eigvalsh(0.5 * (J + J.T))), np.sort(1 - 0.15 * LAM), atol=1e-12)
    ls = lyapunov_spectrum(sysm, n_exponents=2, n_steps=300, transient=10)
    np.testing.assert_allclose(ls.exponents, np.sort(np.log(np.abs(1 - 0.15 * LAM)))[::-1][:2], atol=2e-2)


def test_diverging_schedule_and_bad_schedules_name_the_step():
    obj = quad()
    with pytest.raises(TrainingDivergenceError, match=r"diverged at step \d+.*stability limit") as ei:
        GD(lambda k: 0.05 * 1.05 ** k).run(obj, 2000, max_norm=1e6)
    assert ei.value.step > 20 and ei.value.lr * LAM[-1] > 2
    with pytest.raises(ValidationError, match="returned nan at step 3"):
        GD(lambda k: 0.1 if k < 3 else float("nan")).run(obj, 10)
    with pytest.raises(ValidationError, match=r"beta must be in \[0, 1\)"):
        HeavyBall(0.1, beta=1.0)
    with pytest.raises(ValidationError, match="needs stated batches"):
        SGD(0.1).run(obj, 3)


def test_nan_loss_during_training_names_the_step():
    A = np.diag(LAM)
    obj = objective_from_functions(lambda t: 0.5 * t @ A @ t if np.abs(t).max() < 5 else float("nan"),
                                   lambda t: A @ t, np.ones(12))
    with pytest.raises(TrainingDivergenceError, match=r"diverged at step 4 .*returned nan at step 4 "):
        GD(0.25).run(obj, 50)


def test_sgd_is_a_seeded_random_map():
    obj = smooth_nonlinear(n_batches=3)
    a = SGD(0.05, seed=4).run(obj, 30)
    b = SGD(0.05, seed=4).run(obj, 30)
    c = SGD(0.05, seed=5).run(obj, 30)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.array_equal(a.params, c.params)
    assert sorted(SGD(0.05, seed=4).batch_at(k, obj) for k in range(3)) == [0, 1, 2]   # each epoch visits all
