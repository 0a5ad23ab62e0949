"""Analyses of stochastic models and noisy data (issue #14, part B).

Closed forms used:
- stationary Fokker–Planck solution p ∝ exp(∫2f/g²)/g² (Risken 1989, eq. 5.13): for f = −x,
  g² = 2(1 + x²), p(x) = ½ (1 + x²)^{-3/2}; for OU, N(0, σ²/(2θ));
- mean first-passage time of free diffusion (f = 0, g² = 2D) from a reflecting wall at 0 to b:
  b²/(2D) (Gardiner 2009, §5.5.1);
- Kramers' rate (Kramers 1940) agrees with the exact MFPT up to O(D/ΔU) corrections
  (Hänggi, Talkner & Borkovec 1990, §IV).
"""
from __future__ import annotations

import numpy as np
import pytest

from _sde_data import em_1d, ou_exact
from attractor import InsufficientDataError, ReliabilityWarning, ValidationError
from attractor.analysis import (kramers_rate, markov_test, mean_first_passage_time, potential_landscape,
                                stationary_density, transition_rates)
from attractor.core.stochastic import StochasticSystem
from attractor.learn import LangevinRegression
from attractor.learn.stochastic import langevin_spec
from attractor.learn.libraries import PolynomialLibrary


def test_stationary_density_closed_forms():
    r = stationary_density(lambda z: -z, diffusion=lambda z: 2 * (1 + z * z), x_range=(-300, 300),
                           n_points=60001)
    exact = 0.5 * (1 + r.x ** 2) ** -1.5
    assert np.max(np.abs(r.density - exact)) < 1e-4
    th, sig = 0.7, 0.4
    r = stationary_density(lambda z: -th * z, diffusion=lambda z: sig ** 2 + 0 * z, x_range=(-3, 3))
    v = sig ** 2 / (2 * th)
    assert np.allclose(r.density, np.exp(-r.x ** 2 / (2 * v)) / np.sqrt(2 * np.pi * v), atol=1e-5)
    assert r.method == "fokker-planck" and np.isclose(r.effective_potential.min(), 0)


def test_first_passage_and_kramers():
    mf = mean_first_passage_time(lambda z: 0 * z, 0.0, 2.0, diffusion=lambda z: 0.5 + 0 * z, x_range=(0, 2))
    assert mf.time == pytest.approx(4 / (2 * 0.25), rel=1e-5)
    # Kramers vs the exact MFPT well-to-well of the quartic double well, ΔU/D = 6.25: within 10 %
    f, g = (lambda z: z - z ** 3), (lambda z: 0.08 + 0 * z)
    mf = mean_first_passage_time(f, -1.0, 1.0, diffusion=g, x_range=(-3, 3))
    kr = kramers_rate(f, -1.0, diffusion=g, x_range=(-3, 3))
    assert kr.well == pytest.approx(-1, abs=1e-3) and kr.barrier == pytest.approx(0, abs=1e-3)
    assert kr.barrier_height == pytest.approx(0.25, rel=1e-4) and kr.reliable
    assert abs(kr.rate * mf.time - 1) < 0.10
    # escape to the left by symmetry
    mf_left = mean_first_passage_time(f, 1.0, -1.0, diffusion=g, x_range=(-3, 3))
    assert mf_left.time == pytest.approx(mf.time, rel=1e-3)


def test_double_well_escape_rate_of_fitted_model():
    """Issue #14: the escape rate of the fitted model within 15 % of the rate counted in the data."""
    dt, D = 0.01, 0.25
    x = em_1d(1_000_000, dt, [0, 1, 0, -1], [2 * D], seed=3)
    m = LangevinRegression().fit(x, dt)
    model = m.to_system()
    counted = transition_rates(x, dt, -0.5, 0.5)
    assert counted.n_up > 300
    fitted = 1 / mean_first_passage_time(model, -0.5, 0.5, x_range=(x.min(), x.max())).time
    assert abs(fitted / counted.rate_up - 1) < 0.15
    # the fitted model's stationary density matches the data's histogram
    sd = stationary_density(model, x_range=(x.min(), x.max()))
    h, e = np.histogram(x, bins=40, density=True)
    c = 0.5 * (e[1:] + e[:-1])
    assert np.max(np.abs(np.interp(c, sd.x, sd.density) - h)) < 0.05 * h.max()
    pl = potential_landscape(model, x_range=(-2, 2))
    assert np.allclose(np.sort(pl.minima), [-1, 1], atol=0.05) and np.allclose(pl.maxima, [0], atol=0.05)


def test_markov_test():
    x = ou_exact(100_000, 0.01, 1.0, 1.0, seed=2)
    assert markov_test(x).markov
    # position of a noise-driven damped oscillator: the hidden velocity carries memory
    rng = np.random.default_rng(0)
    n, dt = 60_000, 0.05
    z = rng.standard_normal(n)
    out = np.empty(n)
    p = v = 0.0
    for k in range(n):
        p, v = p + dt * v, v + dt * (-p - 0.3 * v) + 0.5 * np.sqrt(dt) * z[k]
        out[k] = p
    res = markov_test(out, lag=5)
    assert not res.markov and res.max_z > 5
    with pytest.raises(InsufficientDataError):
        markov_test(x[:100], lag=10)


def test_potential_2d_and_simulated_density():
    lib = PolynomialLibrary(3)
    names = lib.names(["x", "y"])
    fc = np.zeros((2, len(names)))
    fc[0, names.index("x")], fc[0, names.index("x^3")] = 1, -1   # f = −∇(x⁴/4 − x²/2 + y²/2)
    fc[1, names.index("y")] = -1
    gl = PolynomialLibrary(0)
    model = StochasticSystem(langevin_spec("dw2", ("x", "y"), lib, fc, gl, np.full((2, 1), 0.5)), {}, x0=[1.0, 0.0],
                             dt=0.05)
    pl = potential_landscape(model, x_range=(-2, 2), y_range=(-2, 2), n_points=101)
    assert pl.gradient and pl.curl < 1e-3
    rot = fc.copy()
    rot[0, names.index("y")], rot[1, names.index("x")] = -1, 1
    with pytest.warns(ReliabilityWarning, match="gradient"):
        rot_model = StochasticSystem(langevin_spec("rot", ("x", "y"), lib, rot, gl, np.full((2, 1), 0.5)), {})
        pl = potential_landscape(rot_model, x_range=(-2, 2), y_range=(-2, 2), n_points=101)
    assert not pl.gradient
    sd = stationary_density(model, n_samples=5000, dt=0.05, bins=10, seed=1)
    assert sd.method == "simulation" and sd.density.shape == (10, 10)
    # marginal in y is N(0, Σ/2) = N(0, 0.25): compare its variance (5000 correlated samples: 15 %)
    py = sd.density.sum(axis=0)
    py /= py.sum()
    var_y = float(py @ sd.x[1] ** 2 - (py @ sd.x[1]) ** 2)
    assert abs(var_y / 0.25 - 1) < 0.2


def test_bad_input():
    with pytest.raises(ValidationError):
        stationary_density(lambda z: -z, x_range=(-1, 1))  # no diffusion
    with pytest.raises(ValidationError):
        stationary_density(lambda z: -z, diffusion=lambda z: z, x_range=(-1, 1))  # g² < 0
    with pytest.raises(ValidationError):
        stationary_density(lambda z: -z, diffusion=lambda z: 1 + 0 * z)  # no range
    with pytest.raises(ValidationError):
        mean_first_passage_time(lambda z: -z, 0.5, 0.5, diffusion=lambda z: 1 + 0 * z, x_range=(-1, 1))
    with pytest.raises(ValidationError):
        kramers_rate(lambda z: -z, 0.0, diffusion=lambda z: 1 + 0 * z, x_range=(-1, 1))  # one well
    with pytest.raises(ValidationError):
        transition_rates(np.arange(100.0), 0.1, 1.0, 0.0)
