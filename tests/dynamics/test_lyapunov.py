"""Lyapunov spectra, largest exponents, Kaplan–Yorke dimension and Pesin entropy of systems.

Reference values: J. C. Sprott, *Chaos and Time-Series Analysis* (Oxford University Press,
2003), Appendix A ("Sprott" below): Lorenz (σ, ρ, β) = (10, 28, 8/3): 0.9056, 0, −14.5723,
D_KY = 2.06215; Rössler (0.2, 0.2, 5.7): 0.0714, 0, −5.3943; Hénon (1.4, 0.3): 0.41922,
−1.62319, D_KY = 1.25827. Logistic map at r = 4: ln 2 exactly (conjugacy to the tent map;
e.g. Ott, *Chaos in Dynamical Systems*, 2nd ed., Sec. 2.3).
"""
from __future__ import annotations

import math
import warnings
from types import MappingProxyType

import numpy as np
import pytest

import attractor
from attractor import (
    DivergenceError,
    DynamicalSystem,
    InsufficientDataError,
    ReliabilityWarning,
    ValidationError,
)
from attractor.dynamics.lyapunov import (
    LyapunovSpectrumResult,
    MaxLyapunovResult,
    kaplan_yorke_dimension,
    lyapunov_spectrum,
    max_lyapunov,
    pesin_entropy,
)
from attractor.core.symbolic import SymbolicSpec
from attractor.core.system import SymbolicSystem

LORENZ_SPROTT = (0.9056, 0.0, -14.5723)
ROSSLER_SPROTT = (0.0714, 0.0, -5.3943)
HENON_SPROTT = (0.41922, -1.62319)


# ---------------------------------------------------------------------- NumPy systems (generic fallback)
class NumpyLorenz(DynamicalSystem):
    """Lorenz in plain NumPy with its own analytic Jacobian (no compiled code)."""

    name = "numpy-lorenz"
    kind = "flow"
    dimension = 3
    state_names = ("x", "y", "z")
    default_dt = 0.01

    def __init__(self, sigma=10.0, rho=28.0, beta=8.0 / 3.0):
        self.parameters = MappingProxyType(dict(sigma=sigma, rho=rho, beta=beta))
        self.default_x0 = np.array([-9.7869288, -15.03852, 20.533978])

    def rhs(self, x, t=0.0):
        s, r, b = self.parameters["sigma"], self.parameters["rho"], self.parameters["beta"]
        return np.array([s * (x[1] - x[0]), x[0] * (r - x[2]) - x[1], x[0] * x[1] - b * x[2]])

    def jacobian(self, x, t=0.0):
        s, r, b = self.parameters["sigma"], self.parameters["rho"], self.parameters["beta"]
        return np.array([[-s, s, 0.0], [r - x[2], -1.0, -x[0]], [x[1], x[0], -b]])

    def with_parameters(self, **kw):
        return NumpyLorenz(**{**self.parameters, **kw})


class NumpyHenon(DynamicalSystem):
    """Hénon map in plain NumPy; Jacobian left to the base class (central differences)."""

    name = "numpy-henon"
    kind = "map"
    dimension = 2
    state_names = ("x", "y")

    def __init__(self, a=1.4, b=0.3):
        self.parameters = MappingProxyType(dict(a=a, b=b))
        self.default_x0 = np.array([0.1, 0.1])

    def step(self, x, t=0.0):
        return np.array([1.0 - self.parameters["a"] * x[0] ** 2 + x[1], self.parameters["b"] * x[0]])

    def with_parameters(self, **kw):
        return NumpyHenon(**{**self.parameters, **kw})


class NumpyExpFlow(DynamicalSystem):
    """dx/dt = x: leaves every bounded region at t = ln(max_norm / x0)."""

    name = "numpy-exp"
    kind = "flow"
    dimension = 1
    default_dt = 0.1

    def rhs(self, x, t=0.0):
        return np.asarray(x, dtype=float).copy()


# ---------------------------------------------------------------------- shared runs
@pytest.fixture(scope="module")
def lorenz():
    return attractor.system("lorenz")


@pytest.fixture(scope="module")
def lorenz_spectrum(lorenz):
    # 10 000 time units, renormalised every 1.0 after 10 time units of transient.
    return lyapunov_spectrum(lorenz, t_total=10_000, dt_renorm=1.0, transient=10, seed=1, rtol=1e-8, atol=1e-8)


@pytest.fixture(scope="module")
def henon_spectrum():
    return lyapunov_spectrum(attractor.system("henon"), n_steps=100_000, transient=100, seed=0)


# ---------------------------------------------------------------------- published values
def test_lorenz_spectrum_matches_sprott(lorenz_spectrum):
    """Sprott (2003), App. A: Lorenz 0.9056, 0, −14.5723; each within 0.01, λ2 within 0.005 of 0."""
    lam = lorenz_spectrum.exponents
    assert lam.shape == (3,)
    assert abs(lam[0] - LORENZ_SPROTT[0]) < 0.01
    assert abs(lam[1]) < 0.005
    assert abs(lam[2] - LORENZ_SPROTT[2]) < 0.01
    # the block standard errors are honest: the published values lie within 5 of them
    assert np.all(np.abs(lam - LORENZ_SPROTT) < 5 * lorenz_spectrum.stderr + 1e-3)


def test_lorenz_kaplan_yorke_and_entropy(lorenz_spectrum):
    """Sprott (2003), App. A: Lorenz D_KY = 2.06215 (to ±0.005); Pesin entropy = λ1 (Pesin 1977)."""
    assert abs(lorenz_spectrum.kaplan_yorke_dimension - 2.062) < 0.005
    assert abs(kaplan_yorke_dimension(lorenz_spectrum) - 2.062) < 0.005
    assert lorenz_spectrum.pesin_entropy == pytest.approx(lorenz_spectrum.exponents[0], abs=1e-3)  # λ2 ≈ 0


def test_lorenz_sum_equals_mean_divergence(lorenz_spectrum):
    """Liouville: Σλ = <div f> = −(σ + 1 + β) = −13.6667 for Lorenz (constant divergence); within 1e-3."""
    assert abs(lorenz_spectrum.sum - (-(10 + 1 + 8 / 3))) < 1e-3


def test_spectrum_result_contents(lorenz_spectrum):
    res = lorenz_spectrum
    assert isinstance(res, LyapunovSpectrumResult)
    n = res.settings["n_renorm"]
    assert n == 10_000
    assert res.history.shape == (n, 3) and res.local.shape == (n, 3) and res.times.shape == (n,)
    np.testing.assert_allclose(res.history[-1], res.exponents, rtol=1e-12)
    np.testing.assert_allclose(res.local.mean(axis=0), res.exponents, rtol=1e-10)
    assert res.times[0] == pytest.approx(10 + 1.0) and res.times[-1] == pytest.approx(10 + 10_000)
    assert np.all(np.isfinite(res.stderr)) and np.all(res.stderr > 0)
    assert res.settings["jacobian"] == "exact" and res.settings["backend"] == "compiled"
    assert res.settings["transient"] == 10 and res.settings["dt_renorm"] == 1.0
    assert np.all(np.diff(res.exponents) < 0)
    with pytest.raises(Exception):
        res.exponents = None  # frozen


def test_rossler_spectrum_matches_sprott():
    """Sprott (2003), App. A: Rössler (0.2, 0.2, 5.7) 0.0714, 0, −5.3943; within 0.005, 0.005, 0.02.

    Σλ must equal the time average of div f = a + x − c along the orbit (0.2 + <x> − 5.7).
    """
    ros = attractor.system("rossler")
    res = lyapunov_spectrum(ros, t_total=10_000, dt_renorm=1.0, transient=50, seed=0, rtol=1e-8, atol=1e-8)
    lam = res.exponents
    assert abs(lam[0] - ROSSLER_SPROTT[0]) < 0.005
    assert abs(lam[1]) < 0.005
    assert abs(lam[2] - ROSSLER_SPROTT[2]) < 0.02
    assert abs(res.sum - (ROSSLER_SPROTT[0] + ROSSLER_SPROTT[2])) < 0.01


def test_henon_spectrum_matches_sprott(henon_spectrum):
    """Sprott (2003), App. A: Hénon (1.4, 0.3) 0.41922, −1.62319 within 0.002; λ1 + λ2 = ln b exactly."""
    lam = henon_spectrum.exponents
    assert abs(lam[0] - HENON_SPROTT[0]) < 0.002
    assert abs(lam[1] - HENON_SPROTT[1]) < 0.002
    assert henon_spectrum.sum == pytest.approx(math.log(0.3), abs=1e-9)  # |det J| = b at every point
    # Sprott's D_KY = 1.25827
    assert abs(henon_spectrum.kaplan_yorke_dimension - 1.25827) < 0.002


def test_logistic_r4_is_ln2():
    """Logistic map at r = 4: λ = ln 2 (exact; Ott 2002, Sec. 2.3); within 0.002."""
    res = lyapunov_spectrum(attractor.system("logistic", r=4.0), n_steps=100_000, x0=[0.3], seed=0)
    assert abs(res.exponents[0] - math.log(2)) < 0.002
    assert res.kind == "map"


@pytest.fixture(scope="module")
def linear_periodic():
    """dx/dt = (c + a cos t) x, dy/dt = (−3 + sin t) y (compiled once, shared by two tests)."""
    spec = SymbolicSpec("LinearPeriodic", "flow", ("x", "y"), ("a", "c"), ("(c + a*cos(t))*x", "(-3 + sin(t))*y"))
    return SymbolicSystem(spec, {"a": 2.0, "c": -1.0}, x0=[1.0, 1.0])


def test_non_autonomous_time_is_carried(linear_periodic):
    """dx/dt = (−1 + 2 cos t) x, dy/dt = (−3 + sin t) y: λ = time averages −1, −3 (exact over whole periods).

    If the drivers froze t (e.g. at 0) the first exponent would come out +1.
    """
    sys_ = linear_periodic
    assert sys_.non_autonomous
    period = 2 * math.pi
    for t0 in (0.0, 1.0):
        # the transient (10 periods) aligns the vectors; recording then covers exactly 40 periods
        res = lyapunov_spectrum(sys_, t_total=40 * period, dt_renorm=period / 4, transient=10 * period, t0=t0,
                                seed=0, rtol=1e-10, atol=1e-12)
        assert res.settings["transient"] == pytest.approx(10 * period)
        np.testing.assert_allclose(res.exponents, [-1.0, -3.0], atol=1e-6)


def test_non_chaotic_lorenz_rho10_exponents_are_eigenvalue_real_parts(lorenz):
    """Lorenz at ρ = 10 < ρ_H = 24.74 settles on a stable focus C±: the exponents are the real parts of the
    eigenvalues of J(C±), roots of λ³ + (σ+β+1)λ² + β(σ+ρ)λ + 2σβ(ρ−1) = 0 (Strogatz, Nonlinear Dynamics and
    Chaos, Sec. 9.2) — all negative, and no warning is issued."""
    s, r, b = 10.0, 10.0, 8.0 / 3.0
    roots = np.roots([1, s + b + 1, b * (s + r), 2 * s * b * (r - 1)])
    expected = np.sort(roots.real)[::-1]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = lyapunov_spectrum(lorenz.with_parameters(rho=10.0), t_total=1000, transient=100, seed=0)
        ml = max_lyapunov(lorenz.with_parameters(rho=10.0), t_total=1000, transient=100, seed=0)
    assert not caught, [str(w.message) for w in caught]
    assert np.all(res.exponents < 0)
    np.testing.assert_allclose(res.exponents, expected, atol=2e-3)
    assert abs(ml.exponent - expected[0]) < 2e-3


# ---------------------------------------------------------------------- two-trajectory method
def test_max_lyapunov_lorenz_and_henon(lorenz):
    """Sprott (2003): Lorenz λ1 = 0.9056 (within 0.01), Hénon λ1 = 0.41922 (within 0.002)."""
    res = max_lyapunov(lorenz, t_total=10_000, transient=10, seed=3, rtol=1e-8, atol=1e-8)
    assert isinstance(res, MaxLyapunovResult)
    assert abs(res.exponent - LORENZ_SPROTT[0]) < 0.01
    assert res.history.shape == (10_000,) and res.history[-1] == pytest.approx(res.exponent)
    assert 0 < res.stderr < 0.01
    hen = max_lyapunov(attractor.system("henon"), n_steps=100_000, seed=0)
    assert abs(hen.exponent - HENON_SPROTT[0]) < 0.002


def test_max_lyapunov_rk4_lorenz(lorenz):
    """Fixed-step RK4 path (h = 0.01): Lorenz λ1 = 0.9056 (Sprott 2003) within 0.02 over 2000 time units."""
    res = max_lyapunov(lorenz, t_total=2000, seed=0, method="rk4", step=0.01)
    assert abs(res.exponent - LORENZ_SPROTT[0]) < 0.02
    assert res.settings["method"] == "rk4" and res.settings["step"] == pytest.approx(0.01)


def test_max_lyapunov_warns_when_separation_reaches_rounding(lorenz):
    """Lorenz ρ = 10 (λ1 = −0.5955) renormalised every 30 time units: d0 e^{λ1 dt} ≈ 2e-16 is below the
    rounding level of |x| ≈ 9 -> ReliabilityWarning instead of a silent wrong number."""
    with pytest.warns(ReliabilityWarning, match="rounding"):
        max_lyapunov(lorenz.with_parameters(rho=10.0), t_total=60, dt_renorm=30.0, seed=0)


# ---------------------------------------------------------------------- generic (non-compiled) fallback
def test_fallback_numpy_lorenz_rk4():
    """Python path, system's own Jacobian, RK4 h = 0.01 over 300 time units: Σλ = −13.6667 (within 1e-3) and
    λ1 = 0.9056 (Sprott 2003) within the looser 0.1 that so short a run allows."""
    res = lyapunov_spectrum(NumpyLorenz(), t_total=300, transient=5, method="rk4", step=0.01, seed=0)
    assert res.settings["backend"] == "python" and res.settings["jacobian"] == "system"
    assert abs(res.sum + 13.6667) < 1e-3
    assert abs(res.exponents[0] - LORENZ_SPROTT[0]) < 0.1
    assert abs(res.exponents[1]) < 0.05


def test_fallback_numpy_lorenz_dop853_sum():
    """Python path with SciPy DOP853: the sum of the exponents is the divergence −13.6667 (within 1e-3)."""
    res = lyapunov_spectrum(NumpyLorenz(), t_total=20, transient=0, seed=0, rtol=1e-7, atol=1e-7)
    assert abs(res.sum + 13.6667) < 1e-3


def test_fallback_numpy_henon_finite_differences():
    """Python path with central-difference Jacobian: Hénon 0.41922, −1.62319 (Sprott 2003) within the looser
    0.01 that 10 000 iterations allow; λ1 + λ2 = ln 0.3 to 1e-7 (the FD Jacobian is accurate to ~1e-10)."""
    res = lyapunov_spectrum(NumpyHenon(), n_steps=10_000, transient=100, seed=0)
    assert res.settings["jacobian"] == "finite differences" and res.settings["backend"] == "python"
    np.testing.assert_allclose(res.exponents, HENON_SPROTT, atol=0.01)
    assert res.sum == pytest.approx(math.log(0.3), abs=1e-7)
    ml = max_lyapunov(NumpyHenon(), n_steps=10_000, transient=100, seed=0)
    assert abs(ml.exponent - HENON_SPROTT[0]) < 0.01


def test_fallback_numpy_lorenz_max_lyapunov():
    """Python two-trajectory path on Lorenz ρ = 10 (stable focus): λ1 = Re of the complex eigenvalue pair of
    J(C±) = −0.59550 (roots of λ³ + (σ+β+1)λ² + β(σ+ρ)λ + 2σβ(ρ−1); Strogatz Sec. 9.2), within 0.01."""
    s, r, b = 10.0, 10.0, 8.0 / 3.0
    expected = np.max(np.roots([1, s + b + 1, b * (s + r), 2 * s * b * (r - 1)]).real)
    res = max_lyapunov(NumpyLorenz(rho=10.0), t_total=100, transient=50, method="rk4", step=0.02, seed=0)
    assert res.settings["backend"] == "python"
    assert abs(res.exponent - expected) < 0.01


# ---------------------------------------------------------------------- reproducibility
def test_seed_reproducible():
    hen = attractor.system("henon")
    # no transient: after ~100 iterations any initial vectors have aligned to machine precision
    a = lyapunov_spectrum(hen, n_steps=2000, transient=0, seed=42)
    b = lyapunov_spectrum(hen, n_steps=2000, transient=0, seed=np.random.default_rng(42))
    c = lyapunov_spectrum(hen, n_steps=2000, transient=0, seed=7)
    np.testing.assert_array_equal(a.exponents, b.exponents)
    assert not np.array_equal(a.local, c.local)
    np.testing.assert_allclose(a.exponents, c.exponents, atol=0.05)  # same attractor, other vectors


# ---------------------------------------------------------------------- derived invariants
def test_kaplan_yorke_published_values():
    """Sprott (2003): D_KY(Lorenz) = 2.06215 from its spectrum; D_KY(Hénon) = 1.25827."""
    assert kaplan_yorke_dimension(LORENZ_SPROTT) == pytest.approx(2 + 0.9056 / 14.5723, abs=1e-12)
    assert kaplan_yorke_dimension(LORENZ_SPROTT) == pytest.approx(2.06215, abs=1e-4)
    assert kaplan_yorke_dimension(HENON_SPROTT) == pytest.approx(1.25827, abs=1e-4)
    assert kaplan_yorke_dimension([-14.5723, 0.9056, 0.0]) == pytest.approx(2.06215, abs=1e-4)  # any order
    assert kaplan_yorke_dimension([-0.1, -1.0]) == 0.0
    assert kaplan_yorke_dimension([0.5, 0.0, -0.2]) == 3.0  # volume-expanding: all of them
    assert kaplan_yorke_dimension([0.0, 0.0, -1.0]) == 2.0


def test_pesin_entropy_values():
    """Pesin (1977): h_KS = sum of positive exponents (Lorenz 0.9056, Hénon 0.41922 with Sprott's values)."""
    assert pesin_entropy(LORENZ_SPROTT) == pytest.approx(0.9056)
    assert pesin_entropy(HENON_SPROTT) == pytest.approx(0.41922)
    assert pesin_entropy([-1.0, -2.0]) == 0.0


@pytest.mark.parametrize("bad, match", [([], "empty"), ([0.1, np.nan], "non-finite"), ([[0.1, 0.2]], "dimension")])
def test_derived_invariants_bad_input(bad, match):
    with pytest.raises(ValidationError, match=match):
        kaplan_yorke_dimension(bad)
    with pytest.raises(ValidationError, match=match):
        pesin_entropy(bad)


# ---------------------------------------------------------------------- bad input
def test_more_exponents_than_dimension(lorenz):
    with pytest.raises(ValidationError, match="exceeds the dimension 3"):
        lyapunov_spectrum(lorenz, 4)
    with pytest.raises(ValidationError, match="n_exponents"):
        lyapunov_spectrum(lorenz, 0)


def test_wrong_length_arguments(lorenz):
    hen = attractor.system("henon")
    with pytest.raises(ValidationError, match="for a map give n_steps"):
        lyapunov_spectrum(hen, t_total=100)
    with pytest.raises(ValidationError, match="for a flow give t_total"):
        lyapunov_spectrum(lorenz, n_steps=100)
    with pytest.raises(ValidationError, match="method applies to flows"):
        lyapunov_spectrum(hen, method="rk4")
    with pytest.raises(ValidationError, match="unknown method"):
        lyapunov_spectrum(lorenz, method="euler")
    with pytest.raises(InsufficientDataError, match="at least 2"):
        lyapunov_spectrum(lorenz, t_total=0.5, dt_renorm=1.0)
    with pytest.raises(InsufficientDataError, match="at least 2"):
        lyapunov_spectrum(hen, n_steps=3, dt_renorm=2)
    with pytest.raises(ValidationError, match="dt_renorm"):
        lyapunov_spectrum(lorenz, dt_renorm=-1.0)
    with pytest.raises(ValidationError, match="x0 has length 2"):
        lyapunov_spectrum(lorenz, x0=[1.0, 2.0])
    with pytest.raises(ValidationError, match="DynamicalSystem"):
        lyapunov_spectrum("lorenz")
    with pytest.raises(ValidationError, match="d0"):
        max_lyapunov(lorenz, d0=0.0)


def test_divergence_compiled_flow(linear_periodic):
    """dx/dt = x (c = 1, a = 0) from x = 1 passes max_norm = 1e12 at t = ln(1e12) = 27.63 -> DivergenceError
    carrying that time (to within the last step)."""
    growing = linear_periodic.with_parameters(a=0.0, c=1.0)
    with pytest.raises(DivergenceError, match=r"diverged at t = 27\.") as info:
        lyapunov_spectrum(growing, t_total=100, transient=0, seed=0)
    assert math.log(1e12) <= info.value.t < 28.5


def test_divergence_map_and_fallback():
    """Logistic r = 4.5 leaves [0, 1] and escapes to −∞; dx/dt = x passes 1e12 at t = ln(1e12) = 27.63."""
    with pytest.raises(DivergenceError, match="diverged"):
        lyapunov_spectrum(attractor.system("logistic", r=4.5), n_steps=1000, x0=[0.3], seed=0)
    with pytest.raises(DivergenceError, match="diverged"):
        max_lyapunov(attractor.system("logistic", r=4.5), n_steps=1000, x0=[0.3], seed=0)
    with pytest.raises(DivergenceError, match=r"diverged at t = 2[78]\.") as info:
        lyapunov_spectrum(NumpyExpFlow(), t_total=100, x0=[1.0], transient=0, method="rk4", step=0.01, seed=0)
    assert 27 < info.value.t < 29


# ---------------------------------------------------------------------- plot
def test_plot_lyapunov_convergence(henon_spectrum):
    from matplotlib.figure import Figure

    from attractor.plotting.lyapunov import plot_lyapunov_convergence

    fig = plot_lyapunov_convergence(henon_spectrum, reference=HENON_SPROTT)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.get_lines()) >= 2 + 2  # one running estimate + one final line per exponent
    ydata = ax.get_lines()[0].get_ydata()
    np.testing.assert_allclose(ydata, henon_spectrum.history[:, 0])
    with pytest.raises(TypeError):
        plot_lyapunov_convergence(np.zeros(3))


# ---------------------------------------------------------------------- long validations
@pytest.mark.slow
def test_lorenz_spectrum_long_tight():
    """Sprott (2003): 0.9056, 0, −14.5723. 100 000 time units: within 0.003 (λ1, λ3) and 0.001 (λ2)."""
    res = lyapunov_spectrum(attractor.system("lorenz"), t_total=100_000, transient=10, seed=0, rtol=1e-9,
                            atol=1e-9)
    assert abs(res.exponents[0] - 0.9056) < 0.003
    assert abs(res.exponents[1]) < 0.001
    assert abs(res.exponents[2] + 14.5723) < 0.003


@pytest.mark.slow
def test_non_autonomous_map_compiled():
    """x_{n+1} = (2 + cos(π n)) x alternates multipliers 3 and 1: λ = ln(3)/2 per iteration (exact)."""
    spec = SymbolicSpec("AltMap", "map", ("x",), ("c",), ("(c + cos(pi*t))*x",))
    m = SymbolicSystem(spec, {"c": 2.0}, x0=[1e-300])
    res = lyapunov_spectrum(m, n_steps=1000, transient=0, seed=0, max_norm=1e308)
    assert res.exponents[0] == pytest.approx(math.log(3) / 2, abs=1e-12)


# ---------------------------------------------------------------------- precision and resource checks (#20)
def test_spectrum_rejects_dt_renorm_beyond_double_precision(lorenz):
    """Lorenz λ1 − λ3 = 15.48 (Sprott 2003: 0.9056, 0, −14.5723): dt_renorm = 5 gives growth ratios
    e^77 ≫ 1/eps, and λ3 came out −6.60 instead of −14.57; the run must refuse and give the admissible
    interval (≈ ln(1e12)/(λ1 − λ3) ≈ 1.8, reported conservatively from the pilot's largest local rate)."""
    for kw in (dict(t_total=2000, dt_renorm=5), dict(dt_renorm=20)):
        with pytest.raises(ValidationError, match=r"dt_renorm <= (0\.[5-9]\d*|1(\.\d+)?|2(\.\d+)?)\.?$"):
            lyapunov_spectrum(lorenz, seed=0, **kw)


def test_spectrum_needs_twenty_intervals(lorenz):
    with pytest.raises(InsufficientDataError, match=r"at least 20 .*dt_renorm <= 5 or t_total >= 1000"):
        lyapunov_spectrum(lorenz, t_total=100, dt_renorm=50, seed=0)


def test_spectrum_tiny_dt_renorm_is_a_validation_error_not_memory_error(lorenz):
    import time

    start = time.perf_counter()
    with pytest.raises(ValidationError, match=r"dt_renorm=1e-09 .*use dt_renorm >= "):
        lyapunov_spectrum(lorenz, dt_renorm=1e-9, seed=0)
    assert time.perf_counter() - start < 1.0


def test_spectrum_default_interval_passes_precision_check(lorenz):
    """Sprott (2003) Lorenz spectrum 0.9056, 0, −14.5723: t_total = 1000 at the default dt_renorm = 1 passes
    the growth-ratio check (largest interval ratio ≈ e^23 < 1e12) and is within 0.05 / 0.02 / 0.05."""
    res = lyapunov_spectrum(lorenz, t_total=1000, seed=0)
    assert abs(res.exponents[0] - 0.9056) < 0.05
    assert abs(res.exponents[1]) < 0.02
    assert abs(res.exponents[2] + 14.5723) < 0.05
