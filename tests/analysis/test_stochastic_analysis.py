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


@pytest.fixture(scope="module")
def double_well_fit():
    """Double well dx = (x − x³) dt + √(2D) dW, D = 0.25, 10⁶ EM samples at dt = 0.01, and its fit."""
    dt, D = 0.01, 0.25
    x = em_1d(1_000_000, dt, [0, 1, 0, -1], [2 * D], seed=3)
    return x, dt, LangevinRegression().fit(x, dt)


def test_double_well_escape_rate_of_fitted_model(double_well_fit):
    """Issue #14: the escape rate of the fitted model within 15 % of the rate counted in the data."""
    x, dt, m = double_well_fit
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


def test_fitted_double_well_is_a_stochastic_system(double_well_fit):
    """The fitted model is one StochasticSystem (exact coefficients), simulates reproducibly with SRA1
    and Euler–Maruyama, and its simulated escape rate agrees with the data's and the previous model's.

    Escape rates are counted with ``transition_rates`` (core-to-core, cores at ±0.5) as in the test
    above. Previous implementation (the NumPy Euler–Maruyama ``LangevinSystem.trajectory`` that
    ``to_system`` returned before the unification; 200 000 samples at dt = 0.05, substeps=5,
    x0 = −1, seed=11): rate_up = 0.09474 (460 transitions), measured once and hard-coded here.
    Statistical error of a count of ~450 transitions: ~5 %; tolerance 15 % as above.
    """
    x, dt, m = double_well_fit
    model = m.to_system()
    assert isinstance(model, StochasticSystem) and model.noise == "additive"  # Σ fitted as a constant
    # the spec carries the fitted doubles exactly
    probe = np.linspace(-1.5, 1.5, 7)[:, None]
    assert np.allclose(np.array([model.rhs(p) for p in probe]), m.drift(probe), rtol=1e-14, atol=1e-14)
    assert np.allclose(model.diffusion_matrix(probe).reshape(-1), m.diffusion(probe).reshape(-1), rtol=1e-14)
    assert model.metadata["data_range"] == m.data_range_.tolist() and model.metadata["diffusion_positive"]
    counted = transition_rates(x, dt, -0.5, 0.5)
    previous = 0.09474
    for method in ("sra", "em"):
        a = model.trajectory(200_000, dt=0.05, x0=[-1.0], seed=11, method=method)
        b = model.trajectory(200_000, dt=0.05, x0=[-1.0], seed=11, method=method)
        assert np.array_equal(a.x, b.x) and a.x.shape == (200_000, 1)
        assert not np.array_equal(model.trajectory(50, dt=0.05, x0=[-1.0], seed=12, method=method).x, a.x[:50])
        sim = transition_rates(a.x.reshape(-1), 0.05, -0.5, 0.5)
        assert sim.n_up > 300, method
        assert abs(sim.rate_up / counted.rate_up - 1) < 0.15, (method, sim.rate_up, counted.rate_up)
        assert abs(sim.rate_up / previous - 1) < 0.15, (method, sim.rate_up, previous)


def test_fitted_model_with_negative_diffusion_is_clipped():
    """Where a fitted Σ polynomial is negative the noise is clipped to 0 (G = sqrt(Max(Σ, 0)))
    and ``diffusion_positive`` is recorded False; simulation stays finite."""
    lib = PolynomialLibrary(2)
    spec = langevin_spec("neg", ("x",), PolynomialLibrary(1), [[0.0, -1.0]], lib, [[0.1, 0.0, -1.0]])
    model = StochasticSystem(spec, {}, x0=[0.0])
    assert model.noise == "multiplicative"
    assert model.diffusion_matrix([0.2])[0, 0] == pytest.approx(0.1 - 0.04, rel=1e-14)
    assert model.diffusion([0.5])[0, 0] == 0.0 and model.diffusion_matrix([-2.0])[0, 0] == 0.0
    tr = model.trajectory(2000, dt=0.01, seed=0, method="em")
    assert np.all(np.isfinite(tr.x)) and np.abs(tr.x).max() < 1.0  # |x| ≤ √0.1 region holds the noise
    with pytest.raises(ValidationError):
        langevin_spec("bad", ("x",), PolynomialLibrary(1), [[0.0, -1.0, 2.0]], lib, [[0.1, 0.0, -1.0]])


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
