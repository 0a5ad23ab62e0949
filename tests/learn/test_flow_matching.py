"""FreeFlowMatching: timing on Lorenz, calibration on OU (exact AR(1) transition, closed form)."""
import time

import numpy as np
import pytest

from attractor.core.errors import ValidationError
from attractor.learn.flow_matching import FreeFlowMatching
from attractor.metrics import pit_uniformity_test


def _ou(n, phi=0.9, seed=0):
    rng = np.random.default_rng(seed)
    x = np.zeros(n)
    for i in range(1, n):
        x[i] = phi * x[i - 1] + rng.standard_normal()
    return x


def test_ou_one_step_pit_uniform():
    # exact OU sampled at dt: x' = phi x + N(0, 1). One-step ensembles at well-separated origins.
    x = _ou(12000)
    fm = FreeFlowMatching(delays=1, k=64, n_flow_steps=16, seed=3).fit(x[:10000])
    origins = np.arange(10000, 11990, 5)
    members = []
    for o in origins:          # fresh source draws per origin (one seed would share them across origins)
        fm.seed = int(o)
        members.append(fm.forecast_ensemble(x[:o], 1, 40)[:, 0, 0])
    ens = np.stack(members, axis=1)
    res = pit_uniformity_test(x[origins], ens, seed=0)
    assert res.statistic < res.critical_value, res
    assert 0.8 < res.spread_skill < 1.2


def test_lorenz_50x500_under_10s_and_seeded():
    import attractor
    x = np.asarray(attractor.forecast.protocol_data("lorenz").train)
    fm = FreeFlowMatching(delays=2, k=32, n_flow_steps=16, seed=0).fit(x)
    t0 = time.perf_counter()
    ens = fm.forecast_ensemble(x, 500, 50)
    assert time.perf_counter() - t0 < 10.0
    assert ens.shape == (50, 500, 3) and np.all(np.isfinite(ens))
    np.testing.assert_array_equal(ens[:, :20], FreeFlowMatching(delays=2, k=32, n_flow_steps=16, seed=0)
                                  .fit(x).forecast_ensemble(x, 20, 50))


def test_errors():
    with pytest.raises(ValidationError):
        FreeFlowMatching().forecast_ensemble(np.zeros(5), 2)
    with pytest.raises(ValidationError):
        FreeFlowMatching(k=1).fit(np.arange(100.0))
