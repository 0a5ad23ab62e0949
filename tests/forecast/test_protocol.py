"""forecast() for every learner, baselines, the benchmark split and the tuning budget."""
import warnings

import numpy as np
import pytest

import attractor
from attractor.core.errors import InsufficientDataError, ValidationError
from attractor.forecast import (LinearAR, MeanForecast, Persistence, SINDyForecaster, fit_model, forecast,
                                protocol_data, split, tune)
from attractor.learn import DMD, EDMD, HankelDMD, SINDy
from attractor.learn.reservoir import NGRC


@pytest.fixture(scope="module")
def data():
    return protocol_data("lorenz")


def test_protocol_data_matches_gilpin_split(data):
    """Gilpin (NeurIPS 2021): 100 points per period, train on 10 periods (first 5/6), 2 held out."""
    assert data.train.shape == (1000, 3) and data.validation.shape == (200, 3)
    assert data.context.shape == (1000, 3) and data.target.shape == (200, 3)
    assert data.dt == pytest.approx(attractor.system("lorenz").metadata["period"] / 100)
    assert not np.allclose(data.train[:10], data.context[:10])  # a separate test trajectory
    s = split(np.arange(1200.0))
    assert s.train.shape == (1000, 1) and s.validation.shape == (200, 1)


def test_protocol_data_is_one_sampled_run_from_a_seeded_random_start(data):
    """Both trajectories come from attractor.systems.sample (random initial condition on the
    attractor, drawn with the seed): the same seed gives the same data, another seed other data,
    and the test trajectory follows the tuning one after transient_periods periods."""
    from attractor.systems import sample

    again = protocol_data("lorenz")
    np.testing.assert_array_equal(again.train, data.train)
    np.testing.assert_array_equal(again.target, data.target)
    other = protocol_data("lorenz", seed=1)
    assert not np.allclose(other.train[:5], data.train[:5])
    small = protocol_data("rossler", n_train_periods=2, n_test_periods=1, points_per_period=20,
                          transient_periods=3, seed=4)
    ic_seed = int(np.random.default_rng(4).integers(2**63 - 1, size=2)[0])
    run = sample("rossler", 2 * 60 + 60, pts_per_period=20, transient_periods=3, random_ic=True, seed=ic_seed).x
    np.testing.assert_array_equal(np.r_[small.train, small.validation], run[:60])
    np.testing.assert_array_equal(np.r_[small.context, small.target], run[120:])
    np.testing.assert_allclose(small.scale, run[:40].std(axis=0))
    # noise: std = noise x (channel std of that trajectory), same clean data underneath
    noisy = protocol_data("rossler", n_train_periods=2, n_test_periods=1, points_per_period=20,
                          transient_periods=3, seed=4, noise=0.2, univariate=True)
    resid = np.r_[noisy.train, noisy.validation][:, 0] - run[:60, 0]
    assert noisy.channels == (0,) and 0.1 < resid.std() / (0.2 * run[:60, 0].std()) < 1.6
    with pytest.raises(ValidationError, match="noise"):
        protocol_data("lorenz", noise=-0.1)


def test_forecast_for_every_learner_family():
    """SINDy (integrated from the last sample), exact/Hankel/extended DMD (their predict) and the
    NumPy-RK4 SINDy forecaster all continue a trajectory of a system they can represent exactly:
    a damped oscillator (linear, so DMD and EDMD are exact) and Lorenz (polynomial, for SINDy)."""
    dt = 0.05
    t = np.arange(400) * dt
    osc = np.c_[np.exp(-0.1 * t) * np.cos(2 * t), np.exp(-0.1 * t) * np.sin(2 * t)]
    hist, future = osc[:300], osc[300:340]
    for model in (DMD(rank=2), EDMD(degree=1), HankelDMD(delays=3)):
        m = fit_model(model, hist, dt)
        np.testing.assert_allclose(forecast(m, hist, 40), future, atol=1e-8)
    # univariate Hankel DMD: x_k = cos(2 t_k) e^{-0.1 t_k} obeys a 2-term linear recurrence
    m = fit_model(HankelDMD(delays=4), hist[:, :1], dt)
    np.testing.assert_allclose(forecast(m, hist[:, :1], 40), future[:, :1], atol=1e-8)
    with pytest.raises(ValidationError, match="channel"):
        forecast(m, hist, 5)

    lorenz = attractor.system("lorenz")
    x = lorenz.trajectory(1200, dt=0.01, transient=20).x
    sindy = fit_model(SINDy(), x[:1000], 0.01)            # fit(X, t=step)
    pred = forecast(sindy, x[:1000], 100)                 # SINDy.forecast: shared compiled RK4
    via_system = sindy.to_system().trajectory(101, dt=0.01, x0=x[999]).x[1:]   # adaptive integrator
    np.testing.assert_allclose(pred, via_system, rtol=1e-6, atol=1e-6 * x.std())
    np.testing.assert_allclose(forecast(sindy, x[:1000], 50, dt=0.02), via_system[1::2], rtol=1e-5,
                               atol=1e-5 * x.std())
    fast = fit_model(SINDyForecaster(), x[:1000], 0.01)
    np.testing.assert_allclose(fast.model_.coef_, sindy.coef_)
    np.testing.assert_allclose(fast.forecast(x[:1000], 100), pred)
    truth = x[1000:1100]
    assert np.max(np.abs(pred - truth)) < 0.05 * x.std()
    with pytest.raises(ValidationError, match="20 features, more than max_features=19"):
        SINDyForecaster(degree=3, max_features=19).fit(x[:1000], dt=0.01)


def test_sindy_forecaster_marks_divergence_with_nan():
    """A learned flow that blows up gives NaN from the first sample past the divergence bound on.

    Data: x(t) = 1/(2 − t), the solution of x' = x² through x(0) = 1/2, on t ∈ [0, 0.5]. From
    x(0.5) = 2/3 the learned flow reaches infinity at t = 2, i.e. 1.5 time units later."""
    t = np.linspace(0, 0.5, 200)
    dt = t[1] - t[0]
    x = 1.0 / (2.0 - t)
    m = SINDyForecaster(degree=2).fit(x, dt=dt)
    assert m.model_.equations(3) == ["dx0/dt = x0^2"]
    with pytest.warns(RuntimeWarning, match="diverged after"):
        m.model_.forecast(x[-1:], 800)
    with warnings.catch_warnings():
        warnings.simplefilter("error")       # the tuner's wrapper stays quiet: NaN marks the failure
        pred = m.forecast(x[-1:], 800)[:, 0]
    k = np.flatnonzero(np.isnan(pred))
    assert k.size and np.all(np.isfinite(pred[:k[0]])) and np.all(np.isnan(pred[k[0]:]))
    assert (k[0] + 1) * dt == pytest.approx(1.5, rel=0.01)


def test_sindy_forecaster_on_delay_coordinates_of_one_channel():
    """A damped oscillator observed in one channel, x(t) = e^{-ζωt} cos(ω_d t) (ω = 2, ζ = 0.05,
    ω_d = ω √(1 − ζ²)). No first-order ODE in x alone has this solution, but the delay vector
    (x(t − τ), x(t)) spans the two-dimensional solution space, on which the flow is linear:
    SINDy on 2 delays recovers it and forecasts 2 periods to 1e-6 of the amplitude (observed
    1.2e-8), while the one-channel model (delays=1) cannot oscillate."""
    w, z = 2.0, 0.05
    wd = w * np.sqrt(1 - z * z)
    dt = 0.01
    t = dt * np.arange(1600)
    x = np.exp(-z * w * t) * np.cos(wd * t)
    m = SINDyForecaster(degree=1, delays=2, stride=40).fit(x[:1000], dt=dt)
    assert m.required_history == 41
    pred = forecast(m, x[:1000], 600)
    assert pred.shape == (600, 1)
    np.testing.assert_allclose(pred[:, 0], x[1000:], atol=1e-6)
    # the learned 2-D flow has the oscillator's eigenvalues −ζω ± iω_d (rates per time unit)
    ev = np.linalg.eigvals(m.model_.coef_[:, 1:])
    np.testing.assert_allclose(sorted(ev.imag), [-wd, wd], rtol=1e-6)
    np.testing.assert_allclose(ev.real, -z * w, rtol=1e-4)
    one = fit_model(SINDyForecaster(degree=1), x[:1000], dt)
    err_one = np.max(np.abs(forecast(one, x[:1000], 600)[:, 0] - x[1000:]))
    assert err_one > 0.1
    with pytest.raises(InsufficientDataError, match="needs at least 41"):
        m.forecast(x[:40], 5)
    with pytest.raises(ValidationError, match="delays"):
        SINDyForecaster(delays=0).fit(x, dt=dt)


def test_baselines_known_answers():
    x = np.c_[np.arange(10.0), 2 * np.arange(10.0)]
    np.testing.assert_array_equal(forecast(Persistence().fit(x), x, 3), np.repeat(x[-1:], 3, 0))
    np.testing.assert_allclose(forecast(MeanForecast().fit(x), x, 2), np.repeat(x.mean(0)[None], 2, 0))
    # an AR(2) process is recovered exactly by least squares: x_k = 1.6 x_{k-1} - 0.8 x_{k-2}
    y = np.zeros(200)
    y[:2] = [1.0, 0.5]
    for k in range(2, 200):
        y[k] = 1.6 * y[k - 1] - 0.8 * y[k - 2]
    m = LinearAR(order=2).fit(y[:150])
    np.testing.assert_allclose(m.coef_[0, 1:], [1.6, -0.8], atol=1e-8)
    np.testing.assert_allclose(forecast(m, y[:150], 50)[:, 0], y[150:], atol=1e-8)


def test_forecast_adapter_for_to_system_models(data):
    """Duck typing: a model exposing only to_system() (like SINDy/DMD) is integrated from history[-1]."""
    lorenz = attractor.system("lorenz")

    class Exact:
        dt_ = data.dt

        def to_system(self):
            return lorenz

    pred = forecast(Exact(), data.context, 20)
    truth = lorenz.trajectory(21, dt=data.dt, x0=data.context[-1]).x[1:]
    np.testing.assert_allclose(pred, truth, rtol=1e-12)
    with pytest.raises(ValidationError, match="neither forecast"):
        forecast(object(), data.context, 3)


def test_tune_respects_budget(data):
    r = tune(NGRC, {"delays": [1, 2, 3], "ridge": [1e-8, 1e-6, 1e-4, 1e-2]}, data.train, data.validation,
             dt=data.dt, max_fits=5, seed=1)
    assert r.n_fits == 5 and r.exhausted == "max_fits" and np.isfinite(r.best_score)
    r2 = tune(NGRC, {"delays": [1, 2, 3], "ridge": [1e-8, 1e-6, 1e-4, 1e-2]}, data.train, data.validation,
              dt=data.dt, max_fits=5, seed=1)
    assert r2.best_params == r.best_params  # seeded
    r3 = tune(NGRC, {"delays": [1, 2, 3, 4], "ridge": [1e-8, 1e-6, 1e-4, 1e-2]}, data.train, data.validation,
              dt=data.dt, max_fits=16, max_seconds=1e-9)
    assert r3.n_fits == 1 and r3.exhausted == "max_seconds"


def test_tune_with_extra_origins_averages_the_windows(data):
    """n_origins = 2: the score is the mean sMAPE of the validation forecast and of the two
    in-sample forecasts of the blocks before it; origins too close to the start are skipped."""
    from attractor.forecast.metrics import smape

    r = tune(LinearAR, {"order": [3]}, data.train, data.validation, dt=data.dt, n_origins=2)
    m = LinearAR(order=3).fit(data.train)
    h = len(data.validation)
    windows = [(data.train, data.validation), (data.train[:-h], data.train[-h:]),
               (data.train[:-2 * h], data.train[-2 * h:-h])]
    expected = np.mean([smape(y, forecast(m, hist, h)) for hist, y in windows])
    assert r.best_score == pytest.approx(expected, rel=1e-12)
    r5 = tune(LinearAR, {"order": [3]}, data.train, data.validation, dt=data.dt, n_origins=5)
    r2 = tune(LinearAR, {"order": [3]}, data.train, data.validation, dt=data.dt, n_origins=2)
    assert r5.best_score == r2.best_score       # origins before train/2 are not used


def test_bad_input(data):
    m = LinearAR(order=5).fit(data.train)
    with pytest.raises(ValidationError, match="horizon"):
        forecast(m, data.context, 0)
    with pytest.raises(InsufficientDataError, match="at least 5"):
        forecast(m, data.context[:3], 10)
    with pytest.raises(ValidationError, match="NaN"):
        forecast(m, np.r_[data.context[:10], [[np.nan, 0, 0]]], 3)
    with pytest.raises(ValidationError, match="channel"):
        forecast(m, data.context[:, :2], 3)
    with pytest.raises(ValidationError, match="fraction"):
        split(np.arange(10.0), 1.5)
