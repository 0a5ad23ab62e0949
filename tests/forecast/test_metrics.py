"""Metrics on cases with known answers."""
import numpy as np
import pytest

from attractor.core.errors import ValidationError
from attractor.forecast import metrics as M


def test_identical_series_give_zero_errors():
    y = np.sin(np.linspace(0, 20, 500))[:, None] * [1.0, 2.0]
    assert M.rmse(y, y) == 0 and M.nrmse(y, y) == 0 and M.mae(y, y) == 0 and M.smape(y, y) == 0
    v = M.valid_prediction_time(y, y, dt=0.1, lyapunov_exponent=0.5)
    assert v.censored and v.time == pytest.approx(50.0) and v.lyapunov_times == pytest.approx(25.0)
    assert M.power_spectrum_distance(y, y) == pytest.approx(0.0, abs=1e-7)


def test_known_values():
    a = np.array([1.0, 2.0, 3.0, 4.0])
    b = np.array([2.0, 2.0, 3.0, 2.0])
    assert M.rmse(a, b) == pytest.approx(np.sqrt(5 / 4))
    assert M.mae(a, b) == pytest.approx(3 / 4)
    # sMAPE (M4 / Gilpin 2021 definition, 0-200 scale): mean of 200|a-b|/(|a|+|b|)
    expect = np.mean([200 * 1 / 3, 0, 0, 200 * 2 / 6])
    assert M.smape(a, b, scale=200) == pytest.approx(expect)
    assert M.smape(a, b, scale=100) == pytest.approx(expect / 2)
    assert M.smape([1.0, -1.0], [-1.0, 1.0]) == pytest.approx(200.0)  # upper end of the range
    assert M.nrmse(a, b, scale=2.0) == pytest.approx(np.sqrt(5 / 4) / 2)


def test_shifted_sine_valid_time_and_spectrum():
    """A phase-shifted sine has the same spectrum (Hellinger ~0); the error
    e(t) = |sin(t) - sin(t+phi)|/std crosses the threshold at the first peak."""
    dt = 0.01
    t = dt * np.arange(1, 5001)
    y = np.sin(t)
    yp = np.sin(t + 0.3 * t / t[-1])  # phase drifting linearly from 0 to 0.3 rad
    v = M.valid_prediction_time(y, yp, dt, threshold=0.1, scale=np.std(y))
    e = np.abs(y - yp) / np.std(y)
    assert v.index == int(np.argmax(e > 0.1)) and not v.censored
    assert v.time == pytest.approx(v.index * dt)
    assert M.power_spectrum_distance(y, np.sin(t + 1.0)) < 0.02
    assert M.power_spectrum_distance(y, np.sin(7.3 * t)) > 0.9


def test_kl_two_gaussians():
    """KL(N(0,1) || N(1,1)) = 1/2 nats (closed form (mu1-mu2)^2 / 2)."""
    rng = np.random.default_rng(0)
    p = rng.standard_normal(20000)
    q = 1.0 + rng.standard_normal(20000)
    assert M.state_space_kl(p, q, method="gmm", n_components=1) == pytest.approx(0.5, abs=0.05)
    assert M.state_space_kl(p, q, method="histogram", bins=30) == pytest.approx(0.5, abs=0.1)
    assert M.state_space_kl(p, p[::-1].copy(), method="histogram", bins=30) == pytest.approx(0.0, abs=1e-9)


def test_max_lyapunov_error_on_linear_map():
    """A linear map x -> A x with eigenvalues 2 and 0.5 has lambda_max = ln 2 per step."""
    from attractor.core.system import DynamicalSystem

    class Lin(DynamicalSystem):
        kind, dimension, name = "map", 2, "lin"
        default_x0 = np.array([1.0, 1.0])
        A = np.array([[2.0, 0.0], [0.0, 0.5]])

        def step(self, x, t=0.0):
            return np.zeros(2)  # the orbit stays at the origin; the tangent grows by A

        def jacobian(self, x, t=0.0):
            return self.A

    r = M.max_lyapunov_error(Lin(), np.log(2), n_steps=3000, transient=0, dt=1.0)
    assert r.learned == pytest.approx(np.log(2), rel=1e-3) and r.absolute_error < 1e-3


def test_bad_input():
    with pytest.raises(ValidationError, match="shape"):
        M.rmse(np.zeros(3), np.zeros(4))
    with pytest.raises(ValidationError, match="non-finite"):
        M.rmse([1.0, np.nan], [1.0, 2.0])
    with pytest.raises(ValidationError, match="scale must be 200"):
        M.smape([1.0], [1.0], scale=50)
    with pytest.raises(ValidationError, match="constant"):
        M.nrmse(np.ones(5), np.zeros(5))
    with pytest.raises(ValidationError, match="histogram"):
        M.state_space_kl(np.arange(20.0), np.arange(20.0), method="kde")
