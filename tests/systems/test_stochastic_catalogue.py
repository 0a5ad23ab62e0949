"""The stochastic catalogue: entries, closed-form references, and that it leaves the deterministic lists alone."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

import attractor
from attractor.systems import entries, names

STOCHASTIC = ["DoubleWell", "GeometricBrownianMotion", "NoisyHopf", "OrnsteinUhlenbeck", "PyDaddyA", "PyDaddyB",
              "PyDaddyC", "PyDaddyD", "StochasticDuffing", "StochasticLorenz", "StochasticVanDerPol"]


def _serial(monkeypatch):
    from attractor.integrate import sde as S

    monkeypatch.setattr(S, "_PARALLEL_MIN_MEMBERS", 10**9)   # no extra compilation of the parallel driver


def test_stochastic_entries_are_listed_apart():
    assert names("stochastic") == STOCHASTIC
    assert not set(STOCHASTIC) & set(names()) and not set(STOCHASTIC) & set(names("flow"))
    assert all(e.kind != "stochastic" for e in entries())
    assert {e.name for e in entries(stochastic=True) if e.kind == "stochastic"} == set(STOCHASTIC)
    for alias, name in [("ou", "OrnsteinUhlenbeck"), ("double_well", "DoubleWell"), ("gbm", "GeometricBrownianMotion"),
                        ("pydaddy_a", "PyDaddyA"), ("pydaddy_d", "PyDaddyD"), ("noisy_hopf", "NoisyHopf")]:
        assert attractor.system(alias).name == name


@pytest.mark.parametrize("name", STOCHASTIC)
def test_metadata_and_structure(name):
    s = attractor.system(name)
    assert s.kind == "stochastic" and s.metadata["citation"] and s.metadata["description"]
    assert s.default_x0 is not None and s.default_x0.shape == (s.dimension,)
    G = s.diffusion(s.default_x0 + 0.1)
    assert G.shape == (s.dimension, s.noise_dimension) and np.all(np.isfinite(G))
    assert s.spec.commutative                                  # every catalogued SDE can use Milstein
    for key, (value, source) in s.metadata.get("reference", {}).items():
        assert source
        assert s.closed_form(key) == pytest.approx(value, rel=1e-12)   # the number matches its formula


def test_pydaddy_models_match_the_issue():
    # Nabeel et al. (2023) benchmark models as stated in issue #14.
    xs = np.linspace(-0.9, 0.9, 7)
    cases = {"PyDaddyA": (lambda x: -x, lambda x: 2.0), "PyDaddyB": (lambda x: x - x**3, lambda x: 2 * (1 + x * x)),
             "PyDaddyC": (lambda x: 2 * x - 3 * x**3, lambda x: 0.25),
             "PyDaddyD": (lambda x: -x, lambda x: 2 * (1 - x * x) ** 2)}
    for name, (f, g2) in cases.items():
        s = attractor.system(name)
        for x in xs:
            assert s.rhs([x])[0] == pytest.approx(f(x), abs=1e-14)
            assert s.diffusion([x])[0, 0] ** 2 == pytest.approx(g2(x), rel=1e-12)
    assert [attractor.system(n).metadata["benchmark"]["dt"] for n in ("PyDaddyA", "PyDaddyB", "PyDaddyC", "PyDaddyD")] \
        == [0.01, 0.001, 0.01, 0.01]


def _mfpt_double_well(sigma: float) -> float:
    """Mean first-passage time from x = -1 to x = +1 of dx = -U'(x) dt + sigma dW, U = x^4/4 - x^2/2:
    T = (1/D) int_{-1}^{1} e^{U(y)/D} int_{-inf}^{y} e^{-U(z)/D} dz dy, D = sigma^2/2 (Gardiner 2009, Sec. 5.5)."""
    D = sigma**2 / 2
    U = lambda x: x**4 / 4 - x**2 / 2  # noqa: E731
    inner = lambda y: integrate.quad(lambda z: math.exp(-U(z) / D), -6.0, y, epsabs=0, epsrel=1e-11)[0]  # noqa: E731
    return integrate.quad(lambda y: math.exp(U(y) / D) * inner(y), -1.0, 1.0, epsabs=0, epsrel=1e-10)[0] / D


def test_double_well_hopping_rate_matches_the_exact_mean_first_passage_time(monkeypatch):
    # Transitions well -> well counted with hysteresis (x <= -1 to x >= 1 and back); successive
    # transitions form a renewal process, so the mean time between them is the exact MFPT.
    _serial(monkeypatch)
    sigma = 0.5
    s = attractor.system("double_well", sigma=sigma)
    M, n, dt = 200, 30_001, 0.01
    x = s.trajectory(n, dt=dt, seed=3, n_members=M, substeps=1, method="sra").x[..., 0]
    n_tr = 0
    for path in x:
        sides = np.sign(path[np.abs(path) >= 1.0])   # the well last reached, at every sample beyond it
        n_tr += int(np.count_nonzero(np.diff(np.concatenate([[1.0], sides]))))
    T_exact = _mfpt_double_well(sigma)
    assert n_tr > 800
    rate = n_tr / (M * (n - 1) * dt)
    # 1/MFPT within 4 Poisson standard errors plus 3 % for the time step h = 0.01
    assert rate == pytest.approx(1 / T_exact, rel=4 / math.sqrt(n_tr) + 0.03)
    # Kramers' weak-noise formula (the catalogue's closed form) overestimates the rate by 25 % at dU/D = 2
    assert 1.15 < s.closed_form("kramers_rate") * T_exact < 1.35      # 1.25 (exact quadrature)


@pytest.mark.slow
def test_noisy_hopf_and_duffing_stationary_moments():
    hopf = attractor.system("NoisyHopf")
    M = 4000
    x = hopf.trajectory(2, dt=1.0, transient=20.0, seed=5, n_members=M).x[:, -1]
    r2 = (x**2).sum(1)
    want = hopf.closed_form("stationary_mean_r2")
    assert r2.mean() == pytest.approx(want, abs=4 * r2.std() / math.sqrt(M))
    duff = attractor.system("StochasticDuffing")
    y = duff.trajectory(2, dt=1.0, transient=60.0, seed=6, n_members=M).x[:, -1, 1]
    assert y.var() == pytest.approx(duff.closed_form("stationary_variance_y"), rel=4 * math.sqrt(2 / M) + 0.01)
    a = attractor.system("pydaddy_a")
    xa = a.trajectory(2, dt=1.0, transient=10.0, seed=7, n_members=M).x[:, -1, 0]
    assert xa.var() == pytest.approx(a.closed_form("stationary_variance"), rel=4 * math.sqrt(2 / M))


@pytest.mark.slow
def test_every_stochastic_entry_simulates_with_every_applicable_method():
    for name in STOCHASTIC:
        s = attractor.system(name)
        methods = ["em", "milstein"] + (["sra"] if s.noise == "additive" else [])
        for m in methods:
            tr = s.trajectory(50, seed=0, method=m, n_members=3)
            assert tr.x.shape == (3, 50, s.dimension) and np.all(np.isfinite(tr.x)), (name, m)
