"""NeuralHybrid (issue #17): known physics with unknown parameters + an MLP remainder, on JAX.

References
----------
Yin et al. (2021), APHYNITY, ICLR: damped pendulum q̈ = −ω0² sin q − α q̇, ω0 = 2π/6, α = 0.2,
initial amplitudes on radius 1.3–2.3, dt = 0.5.
Rackauckas et al. (2020), Universal differential equations, arXiv:2001.04385: Lotka–Volterra
(1.3, 0.9, 0.8, 1.8), u0 = (0.4425, 4.628), t ∈ [0, 3] every 0.1, 5 % noise.
"""
import numpy as np
import pytest

from attractor.core.errors import ReliabilityWarning, ValidationError
from attractor.core.symbolic import SymbolicSpec
from attractor.core.system import SymbolicSystem

pytest.importorskip("jax")
from attractor.learn.neural import NeuralHybrid  # noqa: E402

W0, ALPHA = 2 * np.pi / 6, 0.2
PENDULUM = SymbolicSystem(SymbolicSpec("DampedPendulum", "flow", ("q", "v"), ("w0", "alpha"),
                                       ("v", "-w0**2*sin(q) - alpha*v")), dict(w0=W0, alpha=ALPHA))
FRICTIONLESS = SymbolicSpec("Pendulum", "flow", ("q", "v"), ("w0",), ("v", "-w0**2*sin(q)"))


def pendulum_runs(n, seed=0, samples=41):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        r, th = rng.uniform(1.3, 2.3), rng.uniform(0, 2 * np.pi)
        out.append(PENDULUM.trajectory(samples, dt=0.5, x0=[r * np.cos(th), r * np.sin(th)]).x)
    return out


@pytest.fixture(scope="module")
def fitted():
    train = pendulum_runs(6)
    return NeuralHybrid(FRICTIONLESS, unknown=dict(w0=1.0), width=16, warm_epochs=100, epochs=150,
                        lbfgs_steps=150, seed=0).fit(train, dt=0.5), train


@pytest.mark.slow
def test_pendulum_frequency_and_friction_recovered(fitted):
    h, train = fitted
    # APHYNITY protocol (fewer trajectories and steps for speed): ω0 within 1 %, the remainder's
    # dv/dt is −α v (least squares on the network's values along the data) within 5 %
    assert h.parameters_["w0"] == pytest.approx(W0, rel=1e-2)
    assert np.isfinite(h.parameter_std_["w0"]) and h.identifiable_["w0"]
    X = np.vstack(train)
    F = h.remainder_rhs(X)
    slope = np.linalg.lstsq(X[:, 1:2], F[:, 1], rcond=None)[0][0]
    assert slope == pytest.approx(-ALPHA, rel=5e-2)
    assert np.sqrt(np.mean(F[:, 0] ** 2)) < 0.02 * np.sqrt(np.mean(F[:, 1] ** 2))
    assert 0.5 < h.physics_fraction_ < 1


@pytest.mark.slow
def test_forecast_beats_known_part_alone(fitted):
    h, _ = fitted
    test = pendulum_runs(3, seed=1)
    known_only = SymbolicSystem(FRICTIONLESS, dict(w0=W0))   # even with the true ω0
    err_h = np.mean([np.mean((h.forecast(x[:1], 40) - x[1:]) ** 2) for x in test])
    err_k = np.mean([np.mean((known_only.trajectory(41, dt=0.5, x0=x[0]).x[1:] - x[1:]) ** 2) for x in test])
    assert err_h < 1e-2 * err_k


@pytest.mark.slow
def test_to_system_has_exact_jacobian(fitted):
    h, _ = fitted
    sys_ = h.to_system()
    x = np.array([0.3, -0.4])
    J = sys_.jacobian(x)
    eps = 1e-6
    num = np.column_stack([(sys_.rhs(x + eps * e) - sys_.rhs(x - eps * e)) / (2 * eps) for e in np.eye(2)])
    np.testing.assert_allclose(J, num, atol=1e-7)
    np.testing.assert_allclose(sys_.rhs(x), h.predict(x[None])[0], atol=1e-12)


def test_same_seed_same_model():
    train = pendulum_runs(2, samples=15)
    kw = dict(unknown=dict(w0=1.0), width=8, warm_epochs=10, epochs=10, lbfgs_steps=5, seed=3)
    a = NeuralHybrid(FRICTIONLESS, **kw).fit(train, dt=0.5)
    b = NeuralHybrid(FRICTIONLESS, **kw).fit(train, dt=0.5)
    x = np.vstack(train)
    np.testing.assert_array_equal(a.remainder_rhs(x), b.remainder_rhs(x))
    assert a.parameters_ == b.parameters_


def test_bad_inputs_raise_clear_errors():
    train = pendulum_runs(1, samples=15)
    with pytest.raises(ValidationError, match="jax.numpy"):
        NeuralHybrid(lambda X, p: np.asarray(-p[0] * X), unknown=[1.0], epochs=1, warm_epochs=1,
                     lbfgs_steps=0).fit(train, dt=0.5)
    with pytest.raises(ValidationError, match="states"):
        NeuralHybrid(FRICTIONLESS, unknown=dict(w0=1.0)).fit(np.column_stack([train[0], train[0][:, :1]]), dt=0.5)
    with pytest.raises(ValidationError, match="adjoint"):
        NeuralHybrid(FRICTIONLESS, unknown=dict(w0=1.0), adjoint="magic").fit(train, dt=0.5)
    with pytest.raises(ValidationError, match="at least 5"):
        NeuralHybrid(FRICTIONLESS, unknown=dict(w0=1.0)).fit(train[0][:4], dt=0.5)
    with pytest.raises(ValidationError, match="not fitted"):
        NeuralHybrid(FRICTIONLESS, unknown=dict(w0=1.0)).to_system()
    t_irregular = np.cumsum(np.r_[0, np.random.default_rng(0).uniform(0.4, 0.6, 14)])
    with pytest.raises(ValidationError, match="uniform"):
        NeuralHybrid(FRICTIONLESS, unknown=dict(w0=1.0)).fit(train[0], t=t_irregular)


@pytest.mark.slow
def test_wrong_known_part_is_warned():
    train = pendulum_runs(2, samples=21)
    wrong = SymbolicSpec("Wrong", "flow", ("q", "v"), ("k",), ("k*q**7", "k*v**7"))
    with pytest.warns(ReliabilityWarning, match="explains nearly everything|driven to zero"):
        NeuralHybrid(wrong, unknown=dict(k=1.0), width=16, warm_epochs=100, epochs=50, lbfgs_steps=50).fit(
            train, dt=0.5)


def test_backsolve_adjoint_trains_like_checkpointing():
    train = pendulum_runs(2, samples=15)
    kw = dict(unknown=dict(w0=1.0), width=8, warm_epochs=0, epochs=20, lbfgs_steps=0, seed=0)
    a = NeuralHybrid(FRICTIONLESS, adjoint="checkpoint", **kw).fit(train, dt=0.5)
    b = NeuralHybrid(FRICTIONLESS, adjoint="backsolve", **kw).fit(train, dt=0.5)
    # continuous adjoint gradients differ from the discrete ones only by the solver's error
    assert b.parameters_["w0"] == pytest.approx(a.parameters_["w0"], rel=1e-3)
