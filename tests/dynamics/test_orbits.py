"""Poincaré sections and orbit diagrams.

References: logistic-map period doublings at r1 = 3 and r2 = 1 + √6 = 3.449490 (May, Nature 261, 459
(1976)); Lorenz at ρ = 350 has a stable symmetric limit cycle (Strogatz, *Nonlinear Dynamics and Chaos*,
2nd ed., Exercise 9.5.2, after Sparrow 1982); Hénon fixed point stable for a < 3(1−b)²/4 = 0.3675 (Hénon
1976) at x = (−(1−b) + √((1−b)² + 4a)) / (2a).
"""
from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np
import pytest

import attractor
from attractor import DivergenceError, DynamicalSystem, IntegrationError, UnknownParameterError, ValidationError
from attractor.dynamics.orbits import OrbitDiagramResult, PoincareSectionResult, orbit_diagram, poincare_section


class NumpyLorenz(DynamicalSystem):
    name = "numpy-lorenz"
    kind = "flow"
    dimension = 3
    state_names = ("x", "y", "z")

    def __init__(self, sigma=10.0, rho=28.0, beta=8.0 / 3.0):
        self.parameters = MappingProxyType(dict(sigma=sigma, rho=rho, beta=beta))
        self.default_x0 = np.array([-9.7869288, -15.03852, 20.533978])

    def rhs(self, x, t=0.0):
        s, r, b = self.parameters["sigma"], self.parameters["rho"], self.parameters["beta"]
        return np.array([s * (x[1] - x[0]), x[0] * (r - x[2]) - x[1], x[0] * x[1] - b * x[2]])


class NumpyHenon(DynamicalSystem):
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


def lorenz_rhs(x):
    return NumpyLorenz().rhs(x)


@pytest.fixture(scope="module")
def lorenz():
    return attractor.system("lorenz")


@pytest.fixture(scope="module")
def logistic():
    return attractor.system("logistic")


# ---------------------------------------------------------------------- Poincaré sections
def test_section_on_plane_and_matches_fine_reference(lorenz):
    """Crossings of z = ρ − 1 = 27 upwards: on the plane to 1e-8 and equal to an independent reference —
    SciPy solve_ivp (DOP853, rtol = atol = 1e-13) with event location — to 1e-7 in time and 1e-6 in state
    over the first 12 time units (the same integration at rtol = 1e-13 agrees to ~1e-11)."""
    from scipy.integrate import solve_ivp

    ps = poincare_section(lorenz, ("z", 27.0), 40, rtol=1e-12, atol=1e-12)
    assert isinstance(ps, PoincareSectionResult) and len(ps) == 40
    assert np.max(np.abs(ps.points[:, 2] - 27.0)) <= 1e-8
    assert np.all(lorenz_rhs(ps.points.T)[2] > 0)  # upward: dz/dt > 0

    def event(t, x):
        return x[2] - 27.0
    event.direction = 1
    sol = solve_ivp(lambda t, x: lorenz_rhs(x), (0, 12), lorenz.default_x0, method="DOP853", rtol=1e-13,
                    atol=1e-13, events=event)
    te, ye = sol.t_events[0], sol.y_events[0]
    m = te.size
    assert m >= 10
    np.testing.assert_allclose(ps.times[:m], te, atol=1e-7)
    np.testing.assert_allclose(ps.points[:m], ye, atol=1e-6)


def test_section_beats_nearest_sample(lorenz):
    """The located crossing is far more accurate than the nearest sample of a dt = 0.01 trajectory."""
    ps = poincare_section(lorenz, ("z", 27.0), 5)
    traj = lorenz.trajectory(int(ps.times[-1] / 0.01) + 2, dt=0.01)
    k = np.rint(ps.times / 0.01).astype(int)
    nearest_err = np.abs(traj.x[k, 2] - 27.0)
    assert np.max(np.abs(ps.points[:, 2] - 27.0)) < 1e-6 * np.min(nearest_err[nearest_err > 0])


def test_general_plane_direction_and_t_total(lorenz):
    """Plane x − y = 0 (normal normalised), downward crossings only, over 50 time units: every state lies on
    the plane (|n·x − c| <= 1e-8), n·f(x) < 0 there, and crossing times are inside the window."""
    ps = poincare_section(lorenz, ([1.0, -1.0, 0.0], 0.0), t_total=50, direction=-1, transient=5)
    assert len(ps) > 10
    np.testing.assert_allclose(np.linalg.norm(ps.normal), 1.0)
    assert np.max(np.abs(ps.points @ ps.normal - ps.offset)) <= 1e-8
    assert np.all(lorenz_rhs(ps.points.T).T @ ps.normal < 0)
    assert ps.times[0] >= 5 and ps.times[-1] <= 55 and np.all(np.diff(ps.times) > 0)
    both = poincare_section(lorenz, ([2.0, -2.0, 0.0], 0.0), t_total=50, direction=0, transient=5)
    assert len(both) in (2 * len(ps) - 1, 2 * len(ps), 2 * len(ps) + 1)  # up and down alternate
    assert ps.return_times().shape == (len(ps) - 1,)


def test_section_fallback_numpy_matches_compiled(lorenz):
    """Generic path (SciPy events on a NumPy system) equals the compiled path for the first 8 time units."""
    a = poincare_section(lorenz, ("z", 27.0), t_total=8, rtol=1e-11, atol=1e-11)
    b = poincare_section(NumpyLorenz(), ("z", 27.0), t_total=8, rtol=1e-11, atol=1e-11)
    assert b.settings["backend"] == "python" and a.settings["backend"] == "compiled"
    assert len(a) == len(b) >= 5
    np.testing.assert_allclose(b.times, a.times, atol=1e-7)
    np.testing.assert_allclose(b.points, a.points, atol=1e-5)


def test_section_bad_input(lorenz):
    with pytest.raises(ValidationError, match="needs a flow"):
        poincare_section(attractor.system("henon"), (0, 0.0), 10)
    with pytest.raises(ValidationError, match="normal has length 2"):
        poincare_section(lorenz, ([1.0, 0.0], 0.0), 10)
    with pytest.raises(ValidationError, match="zero vector"):
        poincare_section(lorenz, ([0.0, 0.0, 0.0], 1.0), 10)
    with pytest.raises(ValidationError, match="no state variable 'w'"):
        poincare_section(lorenz, ("w", 1.0), 10)
    with pytest.raises(ValidationError, match="out of range"):
        poincare_section(lorenz, (5, 1.0), 10)
    with pytest.raises(ValidationError, match="direction"):
        poincare_section(lorenz, ("z", 27.0), 10, direction=2)
    with pytest.raises(ValidationError, match="n_crossings .* or t_total"):
        poincare_section(lorenz, ("z", 27.0))
    with pytest.raises(ValidationError, match="plane must be"):
        poincare_section(lorenz, 27.0, 10)


def test_section_never_crossed_raises(lorenz):
    """z = 1000 is never reached on the attractor: with only n_crossings the step budget runs out -> error."""
    with pytest.raises(IntegrationError, match="only 0 of 3 events"):
        poincare_section(lorenz, ("z", 1000.0), 3, max_steps=20_000)


# ---------------------------------------------------------------------- orbit diagrams: maps
def test_logistic_period_doubling_points(logistic):
    """May (1976): r1 = 3 and r2 = 1 + √6 = 3.449490, found by bisection on the number of distinct points of
    the orbit diagram (last 64 of 200 000 iterates, tolerance 1e-6); required accuracy 1e-3."""

    def n_points(r):
        od = orbit_diagram(logistic, "r", [r], n_keep=64, transient=200_000, x0=[0.3])
        return int(od.n_distinct(1e-6)[0])

    def bisect(lo, hi, target):
        for _ in range(18):
            mid = 0.5 * (lo + hi)
            lo, hi = (lo, mid) if n_points(mid) >= target else (mid, hi)
        return 0.5 * (lo + hi)

    assert abs(bisect(2.9, 3.1, 2) - 3.0) < 1e-3
    assert abs(bisect(3.3, 3.5, 4) - (1 + math.sqrt(6))) < 1e-3


def test_logistic_diagram_contents(logistic):
    """Periods 1, 2, 4 below the Feigenbaum point; chaos (all 64 distinct) at r = 4; the fixed point 1 − 1/r."""
    vals = np.array([2.8, 3.2, 3.5, 4.0])
    od = orbit_diagram(logistic, "r", vals, n_keep=64, x0=[0.3], transient=5000)
    assert isinstance(od, OrbitDiagramResult)
    assert od.points.shape == od.param.shape == (256,)
    np.testing.assert_array_equal(od.counts, 64)
    np.testing.assert_array_equal(od.n_distinct(), [1, 2, 4, 64])
    np.testing.assert_allclose(od.points_at(0), 1 - 1 / 2.8, atol=1e-10)
    np.testing.assert_array_equal(np.unique(od.param), vals)
    assert od.variable == "x" and od.section == "iterates" and od.kind == "map"
    assert logistic.parameters["r"] == 3.9  # the system itself is unchanged


def test_henon_diagram_fallback_matches_compiled():
    """Hénon, b = 0.3: at a = 0.2 < 0.3675 the iterates converge to x* = (−0.7 + √(0.49 + 0.8)) / 0.4 = 1.089454
    (Hénon 1976); the NumPy (generic) and compiled paths give the same diagram for periodic a."""
    vals = [0.2, 0.5, 1.0]  # period 1, 2 (0.3675 < a < 0.9125), 4 (0.9125 < a < 1.026)
    comp = orbit_diagram(attractor.system("henon"), "a", vals, n_keep=32, transient=3000, x0=[0.1, 0.1])
    gen = orbit_diagram(NumpyHenon(), "a", vals, n_keep=32, transient=3000, x0=[0.1, 0.1])
    assert gen.settings["backend"] == "python"
    xstar = (-0.7 + math.sqrt(0.49 + 4 * 0.2)) / (2 * 0.2)
    np.testing.assert_allclose(comp.points_at(0), xstar, atol=1e-10)
    np.testing.assert_array_equal(comp.n_distinct(), [1, 2, 4])
    np.testing.assert_allclose(gen.points, comp.points, atol=1e-9)


def test_map_divergence(logistic):
    """r = 4.5 maps x = 0.3 outside [0, 1] and then to −∞."""
    with pytest.raises(DivergenceError, match="r = 4.5"):
        orbit_diagram(logistic, "r", [3.0, 4.5], n_keep=10, x0=[0.3])
    od = orbit_diagram(logistic, "r", [3.2, 4.5], n_keep=10, x0=[0.3], on_divergence="nan")
    np.testing.assert_array_equal(od.diverged, [False, True])
    np.testing.assert_array_equal(od.counts, [10, 0])


# ---------------------------------------------------------------------- orbit diagrams: flows
def test_lorenz_maxima_diagram(lorenz):
    """z maxima: at ρ = 350 a single value (stable symmetric limit cycle; Strogatz Ex. 9.5.2); at ρ = 28 chaos
    (every maximum distinct). At each recorded maximum dz/dt = xy − βz = 0 to 1e-6 relative."""
    od = orbit_diagram(lorenz, "rho", [28.0, 350.0], n_keep=30, variable="z", transient=100)
    assert od.section == "maxima" and od.variable == "z"
    np.testing.assert_array_equal(od.counts, 30)
    np.testing.assert_array_equal(od.n_distinct(1e-5), [30, 1])
    # maxima of z on the ρ = 28 attractor lie between 30 and 48 (Lorenz map, Lorenz 1963 Fig. 4)
    assert 30 < od.points_at(0).min() and od.points_at(0).max() < 48
    # the located maximum on the ρ = 350 cycle equals the maximum of a densely sampled (dt = 1e-4) run, which
    # can only be lower, by at most ~|z''| dt² / 8
    traj = lorenz.with_parameters(rho=350.0).trajectory(20_001, dt=1e-4, transient=100.0, rtol=1e-11, atol=1e-11)
    zmax = traj.x[:, 2].max()
    assert 0 <= od.points_at(1)[0] - zmax < 1e-3


def test_flow_plane_section_diagram(lorenz):
    """Section x = y (crossing upwards in x − y) recording z, at two ρ values; counts as requested."""
    od = orbit_diagram(lorenz, "rho", [28.0, 30.0], n_keep=20, section=([1.0, -1.0, 0.0], 0.0), variable=2,
                       transient=20)
    assert od.section == "plane"
    np.testing.assert_array_equal(od.counts, 20)
    assert np.all(np.isfinite(od.points))


def test_orbit_diagram_bad_input(lorenz, logistic):
    with pytest.raises(UnknownParameterError, match="no parameter 'gamma'.*sigma, rho, beta"):
        orbit_diagram(lorenz, "gamma", [1.0, 2.0])
    with pytest.raises(ValidationError, match="no parameter"):
        orbit_diagram(logistic, "R", [3.0])
    with pytest.raises(ValidationError, match="section applies to flows"):
        orbit_diagram(logistic, "r", [3.0], section="maxima")
    with pytest.raises(ValidationError, match="section must be"):
        orbit_diagram(lorenz, "rho", [28.0], section="peaks")
    with pytest.raises(ValidationError, match="values is empty"):
        orbit_diagram(logistic, "r", [])
    with pytest.raises(ValidationError, match="non-finite"):
        orbit_diagram(logistic, "r", [3.0, np.inf])
    with pytest.raises(ValidationError, match="on_divergence"):
        orbit_diagram(logistic, "r", [3.0], on_divergence="ignore")
    with pytest.raises(ValidationError, match="out of range"):
        orbit_diagram(logistic, "r", [3.0], variable=1)


# ---------------------------------------------------------------------- plots
def test_plots(logistic, lorenz):
    from matplotlib.figure import Figure

    from attractor.plotting.orbits import plot_orbit_diagram, plot_poincare_section

    od = orbit_diagram(logistic, "r", np.linspace(2.8, 4.0, 50), n_keep=20, x0=[0.3])
    fig = plot_orbit_diagram(od)
    assert isinstance(fig, Figure)
    line = fig.axes[0].get_lines()[0]
    np.testing.assert_array_equal(line.get_xdata(), od.param)
    assert fig.axes[0].get_xlabel() == "r"
    ps = poincare_section(lorenz, ("z", 27.0), 50)
    fig2 = plot_poincare_section(ps, "x", "y")
    assert isinstance(fig2, Figure) and fig2.axes[0].get_xlabel() == "x"
    with pytest.raises(TypeError):
        plot_orbit_diagram(ps)
