"""Stochastic systems (SDEs): drift and diffusion as data, with citations and closed forms.

Each entry is a :class:`~attractor.core.stochastic.StochasticSystem` (``kind =
"stochastic"``, Itô unless stated). ``reference`` holds values at the default parameters
with their sources; ``closed_forms`` holds the same quantities as expressions of the
parameters (read by the safe parser), so :meth:`StochasticSystem.closed_form` stays right
after ``with_parameters``. Stochastic entries are listed by
``attractor.systems.names("stochastic")`` and ``entries(stochastic=True)``; the plain
``names()``/``entries()`` keep listing flows and maps only.

The PyDaddy benchmark models A–D (Nabeel et al. 2023) are catalogued with the sampling
step and length of the benchmark in ``metadata["benchmark"]``.
"""
from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from ...core.stochastic import StochasticSpec, StochasticSystem
from ..registry import Entry, register

GARDINER = "C. W. Gardiner, Stochastic Methods, 4th ed. (Springer, 2009)"
RISKEN = "H. Risken, The Fokker-Planck Equation, 2nd ed. (Springer, 1989)"
PYDADDY = ("A. Nabeel, A. Karichannavar, S. Palathingal, J. Jhawar, D. B. Brückner, D. Raj M. and V. Guttal, "
           "PyDaddy: a Python package for discovering stochastic dynamical equations from timeseries data (2023)")


def define_stochastic(name: str, states: str | Sequence[str], parameters: Mapping[str, float],
                      drift: Sequence[str], diffusion: Sequence, *, interpretation: str = "ito",
                      x0: Sequence[float] | None = None, dt: float | None = None, aliases: Sequence[str] = (),
                      tags: Sequence[str] = (), **metadata: Any) -> Entry:
    """Register an SDE given by text drift and diffusion (see :class:`StochasticSpec`)."""
    state_names = tuple(states.split()) if isinstance(states, str) else tuple(states)
    defaults = {k: float(v) for k, v in parameters.items()}
    diff = tuple(tuple(r) if isinstance(r, (list, tuple)) else r for r in diffusion)
    spec = StochasticSpec(name, state_names, tuple(defaults), tuple(drift), diff, interpretation)
    meta = dict(metadata)
    meta.setdefault("tags", tuple(tags))

    def build(**params: float) -> StochasticSystem:
        base = StochasticSystem(spec, defaults, x0=x0, dt=dt, metadata=meta)
        return base.with_parameters(**params) if params else base

    return register(Entry(name, "stochastic", build, len(state_names), (), tuple(aliases),
                          str(metadata.get("description", "")), frozenset(tags) | {"stochastic"}))


define_stochastic(
    "OrnsteinUhlenbeck", "x", dict(theta=1.0, mu=0.0, sigma=1.0),
    ["theta*(mu - x)"], ["sigma"], x0=[0.0], dt=0.01,
    aliases=("OU", "ornstein_uhlenbeck"),
    citation="G. E. Uhlenbeck and L. S. Ornstein, On the theory of the Brownian motion, Phys. Rev. 36, 823 (1930)",
    description="Linear mean-reverting diffusion dx = theta (mu - x) dt + sigma dW; Gaussian, exactly solvable.",
    closed_forms={"stationary_mean": "mu", "stationary_variance": "sigma**2/(2*theta)",
                  "correlation_time": "1/theta"},
    reference={"stationary_variance": (0.5, f"sigma^2/(2 theta); {GARDINER}"),
               "correlation_time": (1.0, f"1/theta; {GARDINER}")},
    exact_solution="x(t) = mu + (x0 - mu) e^{-theta t} + sigma int_0^t e^{-theta (t - s)} dW(s)",
    tags=("linear", "additive", "gaussian"),
)

define_stochastic(
    "DoubleWell", "x", dict(sigma=0.5),
    ["x - x**3"], ["sigma"], x0=[1.0], dt=0.01,
    aliases=("double_well", "overdamped_double_well"),
    citation=("H. A. Kramers, Brownian motion in a field of force and the diffusion model of chemical reactions, "
              "Physica 7, 284-304 (1940); P. Hänggi, P. Talkner and M. Borkovec, Rev. Mod. Phys. 62, 251 (1990)"),
    description=("Overdamped Langevin particle in the quartic double well U = x^4/4 - x^2/2: "
                 "dx = (x - x^3) dt + sigma dW; bistable, noise-induced hopping at the Kramers rate."),
    potential="x**4/4 - x**2/2",
    stationary_density="exp(-2 U(x) / sigma^2) (normalised)",
    closed_forms={"barrier_height": "1/4", "kramers_rate": "sqrt(2)/(2*pi)*exp(-1/(2*sigma**2))"},
    reference={"kramers_rate": (math.sqrt(2) / (2 * math.pi) * math.exp(-2.0),
                                "sqrt(U''(x_min)|U''(0)|)/(2 pi) exp(-2 dU/sigma^2), well-to-well rate in the "
                                "weak-noise limit (Kramers 1940; Hänggi, Talkner & Borkovec 1990); "
                                "corrections O(sigma^2/dU) at finite noise")},
    tags=("gradient", "bistable", "additive"),
)

define_stochastic(
    "StochasticDuffing", "x y", dict(delta=0.5, alpha=-1.0, beta=1.0, sigma=0.5),
    ["y", "-delta*y - alpha*x - beta*x**3"], [["0"], ["sigma"]], x0=[1.0, 0.0], dt=0.05,
    aliases=("stochastic_duffing",),
    citation=f"Duffing oscillator with thermal noise (Kramers equation); {RISKEN}, Ch. 10",
    description=("Damped Duffing oscillator driven by white noise on the velocity: dx = y dt, "
                 "dy = (-delta y - alpha x - beta x^3) dt + sigma dW (double well for alpha < 0)."),
    potential="alpha*x**2/2 + beta*x**4/4",
    stationary_density="exp(-(2 delta/sigma^2)(y^2/2 + alpha x^2/2 + beta x^4/4)) (normalised)",
    closed_forms={"stationary_variance_y": "sigma**2/(2*delta)"},
    reference={"stationary_variance_y": (0.25, f"sigma^2/(2 delta), Maxwell-Boltzmann velocity law; {RISKEN}, "
                                               "Ch. 10")},
    tags=("oscillator", "bistable", "additive"),
)

define_stochastic(
    "StochasticVanDerPol", "x y", dict(mu=1.0, sigma=0.5),
    ["y", "mu*(1 - x**2)*y - x"], [["0"], ["sigma"]], x0=[2.0, 0.0], dt=0.05,
    aliases=("stochastic_van_der_pol", "noisy_van_der_pol"),
    citation=("L. Arnold, N. Sri Namachchivaya and K. R. Schenk-Hoppé, Toward an understanding of stochastic "
              "Hopf bifurcation: a case study, Int. J. Bifurcation Chaos 6, 1947-1975 (1996)"),
    description="Van der Pol oscillator with additive noise on the velocity: a noisy limit cycle.",
    tags=("oscillator", "limit_cycle", "additive"),
)

define_stochastic(
    "NoisyHopf", "x y", dict(mu=1.0, omega=1.0, sigma=0.5),
    ["mu*x - omega*y - x*(x**2 + y**2)", "omega*x + mu*y - y*(x**2 + y**2)"], ["sigma", "sigma"],
    x0=[1.0, 0.0], dt=0.05, aliases=("noisy_hopf", "stochastic_hopf"),
    citation=(f"Hopf normal form with isotropic additive noise; stationary density by the potential condition, "
              f"{RISKEN}; {GARDINER}"),
    description=("Supercritical Hopf normal form with isotropic white noise: drift = -grad V + omega (-y, x), "
                 "V = -mu r^2/2 + r^4/4; stationary density exp(-2 V / sigma^2)."),
    potential="-mu*(x**2 + y**2)/2 + (x**2 + y**2)**2/4",
    closed_forms={"stationary_mean_r2": "mu + sigma*exp(-mu**2/(2*sigma**2))/sqrt(2*pi)/((1 + erf(mu/(sigma*sqrt(2))))/2)"},
    reference={"stationary_mean_r2": (1.0 + 0.5 * math.exp(-2.0) / math.sqrt(2 * math.pi)
                                      / ((1 + math.erf(2 / math.sqrt(2))) / 2),
                                      "E[r^2] = mu + sigma phi(mu/sigma)/Phi(mu/sigma): r^2 is N(mu, sigma^2) "
                                      "truncated to r^2 > 0 under exp(-2V/sigma^2)")},
    tags=("oscillator", "limit_cycle", "additive"),
)

define_stochastic(
    "StochasticLorenz", "x y z", dict(sigma=10.0, rho=28.0, beta=8.0 / 3.0, eps=1.0),
    ["sigma*(y - x)", "x*(rho - z) - y", "x*y - beta*z"], ["eps", "eps", "eps"],
    x0=[-9.7869288, -15.03852, 20.533978], dt=0.01, integration_dt=1e-3,
    aliases=("stochastic_lorenz", "noisy_lorenz"),
    citation=("E. N. Lorenz, J. Atmos. Sci. 20, 130-141 (1963), with additive white noise of amplitude eps on every "
              "component (cf. M. D. Chekroun, E. Simonnet and M. Ghil, Physica D 240, 1685-1700 (2011))"),
    description="Lorenz-63 with isotropic additive noise: a noisy strange attractor.",
    tags=("chaotic", "additive"),
)

define_stochastic(
    "GeometricBrownianMotion", "x", dict(mu=2.0, sigma=1.0),
    ["mu*x"], ["sigma*x"], x0=[1.0], dt=0.01,
    aliases=("GBM", "geometric_brownian_motion"),
    citation=("D. J. Higham, An algorithmic introduction to numerical simulation of stochastic differential "
              "equations, SIAM Review 43, 525-546 (2001) (parameters lambda = 2, mu = 1 there)"),
    description="Linear multiplicative noise dx = mu x dt + sigma x dW; the classic strong/weak order test.",
    exact_solution="x(t) = x0 exp((mu - sigma^2/2) t + sigma W(t)); E x(t) = x0 e^{mu t}; "
                   "E x(t)^2 = x0^2 e^{(2 mu + sigma^2) t}",
    closed_forms={"mean_growth_rate": "mu", "second_moment_growth_rate": "2*mu + sigma**2"},
    tags=("linear", "multiplicative"),
)

# ---------------------------------------------------------------- PyDaddy benchmark models
_BENCH = "benchmark model {} of Nabeel et al. (2023), PyDaddy"

define_stochastic(
    "PyDaddyA", "x", dict(a1=-1.0, b0=2.0),
    ["a1*x"], ["sqrt(b0)"], x0=[0.0], dt=0.01, aliases=("pydaddy_a",),
    citation=PYDADDY, description="PyDaddy model A: drift -x, g^2 = 2 (an Ornstein-Uhlenbeck process).",
    benchmark={"dt": 0.01, "n": 10**5, "drift": "-x", "g2": "2"},
    closed_forms={"stationary_variance": "b0/(2*abs(a1))"},
    reference={"stationary_variance": (1.0, "g^2/(2|a1|) for the OU process")},
    tags=("benchmark", "additive", "linear"),
)

define_stochastic(
    "PyDaddyB", "x", dict(a1=1.0, a3=-1.0, b0=2.0, b2=2.0),
    ["a1*x + a3*x**3"], ["sqrt(b0 + b2*x**2)"], x0=[1.0], dt=0.001, aliases=("pydaddy_b",),
    citation=PYDADDY, description="PyDaddy model B: drift x - x^3, g^2 = 2(1 + x^2) (multiplicative, bistable).",
    benchmark={"dt": 0.001, "n": 10**6, "drift": "x - x^3", "g2": "2(1 + x^2)"},
    tags=("benchmark", "multiplicative", "bistable"),
)

define_stochastic(
    "PyDaddyC", "x", dict(a1=2.0, a3=-3.0, g=0.5),
    ["a1*x + a3*x**3"], ["g"], x0=[0.8], dt=0.01, aliases=("pydaddy_c",),
    citation=PYDADDY, description="PyDaddy model C: drift 2x - 3x^3, g = 0.5 (additive, bistable).",
    benchmark={"dt": 0.01, "n": 10**6, "drift": "2x - 3x^3", "g2": "0.25"},
    tags=("benchmark", "additive", "bistable"),
)

define_stochastic(
    "PyDaddyD", "x", dict(a1=-1.0, s=math.sqrt(2.0)),
    ["a1*x"], ["s*(1 - x**2)"], x0=[0.0], dt=0.01, aliases=("pydaddy_d",),
    citation=PYDADDY, description="PyDaddy model D: drift -x, g = sqrt(2)(1 - x^2) (multiplicative, vanishing at |x| = 1).",
    benchmark={"dt": 0.01, "n": 10**6, "drift": "-x", "g2": "2(1 - x^2)^2"},
    tags=("benchmark", "multiplicative"),
)
