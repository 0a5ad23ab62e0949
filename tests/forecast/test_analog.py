import numpy as np
import pytest

from attractor.core.errors import ValidationError
from attractor.forecast.analog import AnalogForecaster
from attractor.metrics import crps_ensemble


def test_periodic_signal_continued_exactly():
    # a sampled sine repeats exactly every 50 samples, so each analogue's increment is the true one
    t = np.arange(2000)
    x = np.sin(2 * np.pi * t / 50)
    m = AnalogForecaster(delays=4, k=3, seed=1).fit(x[:1500])
    ens = m.forecast_ensemble(x[1400:1500], 30, n_samples=8)
    assert ens.shape == (8, 30, 1)
    np.testing.assert_allclose(ens[..., 0], np.broadcast_to(x[1500:1530], (8, 30)), atol=1e-9)


def test_seeded_and_beats_climatology_on_ar1():
    rng = np.random.default_rng(0)
    x = np.zeros(6000)
    for i in range(1, x.size):
        x[i] = 0.9 * x[i - 1] + rng.standard_normal()
    m = AnalogForecaster(delays=1, k=30, seed=2).fit(x[:5000])
    a = m.forecast_ensemble(x[:5000], 5, n_samples=20)
    np.testing.assert_array_equal(a, AnalogForecaster(delays=1, k=30, seed=2).fit(x[:5000])
                                  .forecast_ensemble(x[:5000], 5, n_samples=20))
    # one-step CRPS over many origins: analogues ~ N(0.9 x, 1) beat climatology N(0, 1/(1-0.81))
    origins = range(5000, 5990, 5)
    ana = np.mean([crps_ensemble(x[o], m.forecast_ensemble(x[:o], 1, 40)[:, 0, 0]) for o in origins])
    clim = np.mean([crps_ensemble(x[o], x[:5000:125][:40]) for o in origins])
    # closed forms: 1/sqrt(pi)=0.564 vs 2.294/sqrt(pi)=1.29
    assert ana < 0.7 < 1.1 < clim


def test_errors():
    with pytest.raises(ValidationError):
        AnalogForecaster().forecast_ensemble(np.zeros(5), 3)
    with pytest.raises(ValidationError):
        AnalogForecaster(k=50).fit(np.arange(20.0))


def test_forecast_ensemble_modes():
    from attractor.forecast import LinearAR, Persistence, forecast
    t = np.arange(600)
    x = np.sin(2 * np.pi * t / 50)
    ana = AnalogForecaster(delays=4, k=3, seed=0).fit(x[:500])
    ens = forecast(ana, x[400:500], 10, n_samples=5)
    assert ens.shape == (5, 10, 1)
    p = Persistence().fit(x[:500])
    with pytest.raises(ValidationError, match="no probabilistic mode"):
        forecast(p, x[:500], 10, n_samples=5)
    # persistence of a perturbed last value: members spread = perturbation * std(history) exactly
    pe = forecast(p, x[:500], 3, n_samples=4000, perturbation=0.1, seed=1)
    assert pe.shape == (4000, 3, 1)
    assert np.std(pe[:, 0, 0]) == pytest.approx(0.1 * np.std(x[:500]), rel=0.05)
    np.testing.assert_array_equal(pe, forecast(p, x[:500], 3, n_samples=4000, perturbation=0.1, seed=1))
    with pytest.raises(ValidationError):
        forecast(p, x[:500], 3, n_samples=1, perturbation=0.1)
