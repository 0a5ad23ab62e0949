"""attractor.systems.sample: points per characteristic period, transient, random IC, noise, seeds.

Reference value: the dominant period of the Rossler attractor (a = b = 0.2, c = 5.7) is
about 5.9 time units (dysts' table, Gilpin 2021: 5.9086; the mean return time to the
Poincare section is ~6, O. E. Rossler, Phys. Lett. A 57, 397 (1976)). Sampling at 100
points per period must therefore put the periodogram peak at ~1/100 cycles per sample.
"""
from __future__ import annotations

import numpy as np
import pytest

import attractor
from attractor import ValidationError
from attractor.core.symbolic import SymbolicSpec
from attractor.core.system import SymbolicSystem
from attractor.systems import sample


def test_sampling_step_and_transient_follow_the_period():
    tr = sample("Lorenz", 300, pts_per_period=50)
    period = attractor.system("Lorenz").metadata["period"]
    assert tr.x.shape == (300, 3)
    assert tr.dt == pytest.approx(period / 50)
    assert tr.t[0] == pytest.approx(10 * period)               # default transient: 10 periods
    assert tr.metadata["pts_per_period"] == 50 and tr.metadata["period"] == period
    tr2 = sample("Lorenz", 10, transient_periods=0)
    np.testing.assert_allclose(tr2.x[0], attractor.system("Lorenz").default_x0)


def test_dominant_period_matches_published_rossler_period():
    tr = sample("Rossler", 4000, pts_per_period=100)
    x = tr.x[:, 0] - tr.x[:, 0].mean()
    power = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(len(x))                           # cycles per sample
    f_peak = freqs[1:][np.argmax(power[1:])]
    samples_per_cycle = 1.0 / f_peak
    assert samples_per_cycle == pytest.approx(100.0, rel=0.05)  # period ~5.9 (Rossler 1976; dysts table)


def test_noise_is_a_fraction_of_each_channel_std_and_seeded():
    clean = sample("Lorenz", 2000, pts_per_period=30)
    noisy = sample("Lorenz", 2000, pts_per_period=30, noise=0.1, seed=3)
    ratio = (noisy.x - clean.x).std(axis=0) / clean.x.std(axis=0)
    np.testing.assert_allclose(ratio, 0.1, rtol=0.06)         # sampling error of a std over 2000 points ~1.6 %
    again = sample("Lorenz", 2000, pts_per_period=30, noise=0.1, seed=3)
    np.testing.assert_array_equal(noisy.x, again.x)
    other = sample("Lorenz", 2000, pts_per_period=30, noise=0.1, seed=4)
    assert not np.allclose(noisy.x, other.x)


def test_random_initial_condition_is_on_the_attractor_and_reproducible():
    a = sample("Lorenz", 200, random_ic=True, seed=11)
    b = sample("Lorenz", 200, random_ic=True, seed=11)
    c = sample("Lorenz", 200, random_ic=True, seed=12)
    np.testing.assert_array_equal(a.x, b.x)
    assert a.metadata["x0"] != c.metadata["x0"]
    x0 = np.array(a.metadata["x0"])
    assert np.all(np.abs(x0[:2]) < 30) and 0 < x0[2] < 55      # inside the Lorenz attractor's box


def test_random_ic_for_a_delay_equation_uses_a_history_segment():
    tr = sample("MackeyGlass", 300, random_ic=True, seed=2, tau=17.0)
    assert tr.metadata["history"] == "array" and tr.metadata["x0"] is None
    assert 0.2 < tr.x.min() and tr.x.max() < 1.4              # Mackey-Glass tau = 17 band (see test_delay)


def test_maps_return_every_iterate_after_1000_iterations():
    tr = sample("Henon", 100)
    assert tr.t[0] == 1000 and tr.dt == 1.0
    ref = attractor.system("Henon").trajectory(100, transient=1000)
    np.testing.assert_array_equal(tr.x, ref.x)
    r = sample("Henon", 50, random_ic=True, seed=0)
    assert np.all(np.abs(r.x) < 2)


def test_parameters_are_forwarded():
    assert sample("Lorenz", 5, rho=35.0).parameters["rho"] == 35.0
    s = attractor.system("Rossler")
    assert sample(s, 5, c=6.0).parameters["c"] == 6.0


def test_bad_input():
    with pytest.raises(ValidationError, match="n"):
        sample("Lorenz", 0)
    with pytest.raises(ValidationError, match="pts_per_period"):
        sample("Lorenz", 10, pts_per_period=0)
    with pytest.raises(ValidationError, match="noise"):
        sample("Lorenz", 10, noise=-0.1)
    with pytest.raises(ValidationError, match="transient_periods"):
        sample("Lorenz", 10, transient_periods=float("nan"))
    with pytest.raises(ValidationError, match="catalogue name or a DynamicalSystem"):
        sample(3.0, 10)
    bare = SymbolicSystem(SymbolicSpec("Bare", "flow", ("x",), ("a",), ("-a*x",)), {"a": 1.0}, x0=[1.0])
    with pytest.raises(ValidationError, match="no characteristic period"):
        sample(bare, 10)
    with pytest.raises(attractor.UnknownParameterError):
        sample("Lorenz", 10, zeta=1.0)
