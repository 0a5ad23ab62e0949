"""forecast() for every learner, baselines, the benchmark split and the tuning budget."""
import numpy as np
import pytest

import attractor
from attractor.core.errors import InsufficientDataError, ValidationError
from attractor.forecast import (LinearAR, MeanForecast, Persistence, forecast, protocol_data, split, tune)
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
