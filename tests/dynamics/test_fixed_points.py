"""Fixed points, periodic orbits of maps and stability labels.

Analytic references: Lorenz equilibria and their eigenvalues (Strogatz, *Nonlinear Dynamics and
Chaos*, 2nd ed., Sec. 9.2: origin eigenvalues −β and the roots of λ² + (σ+1)λ − σ(ρ−1) = 0;
C± = (±√(β(ρ−1)), ±√(β(ρ−1)), ρ−1), stable for ρ < ρ_H = σ(σ+β+3)/(σ−β−1) = 24.74);
Hénon fixed points x = (−(1−b) ± √((1−b)² + 4a)) / (2a), y = b x (Hénon, Commun. Math. Phys. 50,
69 (1976)); logistic map fixed point 1 − 1/r with multiplier 2 − r, 2-cycle
x± = ((r+1) ± √((r+1)(r−3))) / (2r) with multiplier 4 + 2r − r² (May, Nature 261, 459 (1976)).
"""
from __future__ import annotations

import math
import warnings
from types import MappingProxyType

import numpy as np
import pytest

import attractor
from attractor import ConvergenceWarning, DynamicalSystem, ValidationError
from attractor.dynamics.fixed_points import (
    FixedPoint,
    FixedPointsResult,
    PeriodicOrbitsResult,
    fixed_points,
    periodic_orbits,
    stability_label,
)

SIGMA, RHO, BETA = 10.0, 28.0, 8.0 / 3.0
LORENZ_BOX = [[-30, 30], [-30, 30], [-5, 60]]


def lorenz_jacobian(x, s=SIGMA, r=RHO, b=BETA):
    return np.array([[-s, s, 0.0], [r - x[2], -1.0, -x[0]], [x[1], x[0], -b]])


class NumpyHenon(DynamicalSystem):
    """Hénon map in NumPy; Jacobian by the base class's central differences."""

    name = "numpy-henon"
    kind = "map"
    dimension = 2
    state_names = ("x", "y")

    def __init__(self, a=1.4, b=0.3):
        self.parameters = MappingProxyType(dict(a=a, b=b))

    def step(self, x, t=0.0):
        return np.array([1.0 - self.parameters["a"] * x[0] ** 2 + x[1], self.parameters["b"] * x[0]])


@pytest.fixture(scope="module")
def lorenz_fps():
    return fixed_points(attractor.system("lorenz"), LORENZ_BOX, seed=0)


def henon_fixed_points(a=1.4, b=0.3):
    xs = [(-(1 - b) + s * math.sqrt((1 - b) ** 2 + 4 * a)) / (2 * a) for s in (-1, 1)]
    return np.array([[x, b * x] for x in xs])


# ---------------------------------------------------------------------- Lorenz
def test_lorenz_three_equilibria(lorenz_fps):
    """Strogatz Sec. 9.2: origin and C± = (±√(β(ρ−1)), ±√(β(ρ−1)), ρ−1) = (±8.48528, ±8.48528, 27)."""
    assert isinstance(lorenz_fps, FixedPointsResult) and len(lorenz_fps) == 3
    c = math.sqrt(BETA * (RHO - 1))
    expected = np.array([[-c, -c, RHO - 1], [0, 0, 0], [c, c, RHO - 1]])
    np.testing.assert_allclose(lorenz_fps.points, expected, atol=1e-9)
    assert np.all(lorenz_fps.residuals <= 1e-10)


def test_lorenz_origin_eigenvalues(lorenz_fps):
    """Origin: −β and the roots of λ² + (σ+1)λ − σ(ρ−1) = 0, i.e. 11.8277 and −22.8277 (Strogatz Sec. 9.2)."""
    fp = lorenz_fps[1]
    assert isinstance(fp, FixedPoint)
    disc = math.sqrt((SIGMA + 1) ** 2 + 4 * SIGMA * (RHO - 1))
    expected = np.array([(-(SIGMA + 1) + disc) / 2, -BETA, (-(SIGMA + 1) - disc) / 2])
    np.testing.assert_allclose(fp.eigenvalues.real, expected, atol=1e-9)
    np.testing.assert_allclose(fp.eigenvalues.imag, 0, atol=1e-12)
    assert fp.label == "saddle" and not fp.stable


def test_lorenz_c_pm_eigenvalues_and_labels(lorenz_fps):
    """C± at ρ = 28 > ρ_H: eigenvalues of the analytic Jacobian (−13.8546, 0.0940 ± 10.1945i) — a saddle-focus."""
    for i in (0, 2):
        fp = lorenz_fps[i]
        ref = np.linalg.eigvals(lorenz_jacobian(fp.point))
        ref = ref[np.lexsort((-ref.imag, -ref.real))]
        np.testing.assert_allclose(fp.eigenvalues, ref, atol=1e-9)
        np.testing.assert_allclose(fp.eigenvalues[0], 0.0940 + 10.1945j, atol=1e-4)
        assert fp.label == "saddle-focus"
        # eigenvectors: J v = λ v
        J = lorenz_jacobian(fp.point)
        for j in range(3):
            v = fp.eigenvectors[:, j]
            np.testing.assert_allclose(J @ v, fp.eigenvalues[j] * v, atol=1e-9)
    assert lorenz_fps.labels == ("saddle-focus", "saddle", "saddle-focus")


def test_lorenz_labels_follow_rho():
    """ρ = 10 < ρ_H = 24.74: C± are stable foci; ρ = 0.5 < 1: the origin is the only equilibrium, a stable node."""
    lor = attractor.system("lorenz")
    fps = fixed_points(lor.with_parameters(rho=10.0), LORENZ_BOX, seed=1)
    assert fps.labels == ("stable focus", "saddle", "stable focus")
    assert fps[0].stable
    fps = fixed_points(lor.with_parameters(rho=0.5), LORENZ_BOX, seed=1)
    assert len(fps) == 1 and fps.labels == ("stable node",)
    np.testing.assert_allclose(fps.points[0], 0, atol=1e-12)


# ---------------------------------------------------------------------- maps
def test_henon_fixed_points_formula():
    """Hénon (1976): x = (−(1−b) ± √((1−b)² + 4a)) / (2a) = 0.631354, −1.131354; y = b x; both saddles."""
    fps = fixed_points(attractor.system("henon"), [[-3, 3], [-3, 3]], seed=0)
    np.testing.assert_allclose(fps.points, henon_fixed_points(), atol=1e-12)
    assert fps.labels == ("saddle", "saddle")
    for fp in fps:  # multipliers: eigenvalues of [[-2 a x, 1], [b, 0]]
        ref = np.linalg.eigvals(np.array([[-2 * 1.4 * fp.point[0], 1.0], [0.3, 0.0]]))
        np.testing.assert_allclose(np.sort(np.abs(fp.eigenvalues)), np.sort(np.abs(ref)), atol=1e-12)


def test_fallback_numpy_henon_fixed_points():
    """Same formula through the generic path (NumPy step, central-difference Jacobian)."""
    fps = fixed_points(NumpyHenon(), [[-3, 3], [-3, 3]], seed=0)
    np.testing.assert_allclose(fps.points, henon_fixed_points(), atol=1e-10)
    assert fps.labels == ("saddle", "saddle")


def test_logistic_fixed_points_and_multipliers():
    """May (1976): fixed points 0 (multiplier r) and 1 − 1/r (multiplier 2 − r); stable for 1 < r < 3."""
    for r, labels in [(2.5, ("unstable", "stable")), (3.3, ("unstable", "unstable"))]:
        fps = fixed_points(attractor.system("logistic", r=r), [[-0.5, 1.5]], seed=0)
        np.testing.assert_allclose(fps.points[:, 0], [0.0, 1 - 1 / r], atol=1e-12)
        np.testing.assert_allclose(fps.eigenvalues[:, 0].real, [r, 2 - r], atol=1e-12)
        assert fps.labels == labels


def test_logistic_two_cycle_formula():
    """May (1976): 2-cycle x± = ((r+1) ± √((r+1)(r−3))) / (2r), multiplier 4 + 2r − r² (r = 3.3: −0.29)."""
    r = 3.3
    res = periodic_orbits(attractor.system("logistic", r=r), 2, [[0, 1]], seed=0)
    assert isinstance(res, PeriodicOrbitsResult) and len(res) == 1  # the fixed points are excluded (minimal)
    orb = res[0]
    root = math.sqrt((r + 1) * (r - 3))
    np.testing.assert_allclose(orb.points[:, 0], [((r + 1) - root) / (2 * r), ((r + 1) + root) / (2 * r)],
                               atol=1e-12)
    np.testing.assert_allclose(orb.multipliers.real, [4 + 2 * r - r * r], atol=1e-12)
    assert orb.label == "stable" and orb.period == 2
    # minimal=False also returns the two fixed points (period 1 divides 2)
    assert len(periodic_orbits(attractor.system("logistic", r=r), 2, [[0, 1]], seed=0, minimal=False)) == 3


def test_henon_two_cycle_formula():
    """Hénon 2-cycle: x1 + x2 = (1−b)/a, x = ((1−b) ± √(4a − 3(1−b)²)) / (2a) = 0.975787, −0.475787 (derived
    from x2 = 1 − a x1² + b x2, x1 = 1 − a x2² + b x1); cyclic shifts merged into one orbit."""
    a, b = 1.4, 0.3
    res = periodic_orbits(attractor.system("henon"), 2, [[-3, 3], [-3, 3]], seed=0)
    assert len(res) == 1
    root = math.sqrt(4 * a - 3 * (1 - b) ** 2)
    xs = np.array([((1 - b) - root) / (2 * a), ((1 - b) + root) / (2 * a)])
    np.testing.assert_allclose(res[0].points[:, 0], xs, atol=1e-12)
    np.testing.assert_allclose(res[0].points[:, 1], b * xs[::-1], atol=1e-12)
    assert res[0].label == "saddle"
    # |μ1 μ2| = |det J|² = b² along a 2-cycle
    assert abs(np.prod(res[0].multipliers)) == pytest.approx(b * b, rel=1e-10)


def test_period_doubling_points_from_multipliers():
    """Logistic map: the fixed point loses stability at r1 = 3 (multiplier −1) and the 2-cycle at
    r2 = 1 + √6 = 3.449490 (May 1976); located by bisection on the computed multipliers to 1e-3 (here 1e-6)."""
    base = attractor.system("logistic")

    def bisect(fn, lo, hi, n=25):
        for _ in range(n):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if fn(mid) > -1 else (lo, mid)
        return 0.5 * (lo + hi)

    def mu1(r):
        fps = fixed_points(base.with_parameters(r=r), [[0.05, 1]], n_starts=8, seed=0)
        return fps.eigenvalues[-1, 0].real

    def mu2(r):
        return periodic_orbits(base.with_parameters(r=r), 2, [[0, 1]], n_starts=16, seed=0)[0].multipliers[0].real

    assert abs(bisect(mu1, 2.8, 3.2) - 3.0) < 1e-6
    assert abs(bisect(mu2, 3.3, 3.6) - (1 + math.sqrt(6))) < 1e-6


# ---------------------------------------------------------------------- labels
@pytest.mark.parametrize("ev, kind, label", [
    ([-1, -2], "flow", "stable node"), ([1, 2], "flow", "unstable node"), ([1, -2], "flow", "saddle"),
    ([-1 + 2j, -1 - 2j], "flow", "stable focus"), ([1 + 2j, 1 - 2j], "flow", "unstable focus"),
    ([0.1 + 10j, 0.1 - 10j, -13], "flow", "saddle-focus"), ([2j, -2j], "flow", "centre"),
    ([0, -1], "flow", "non-hyperbolic"), ([0.5, 0.2], "map", "stable"), ([2, 3], "map", "unstable"),
    ([2, 0.1], "map", "saddle"), ([1, 0.5], "map", "non-hyperbolic"), ([-1, 0.5], "map", "non-hyperbolic"),
])
def test_stability_label_table(ev, kind, label):
    assert stability_label(ev, kind) == label


# ---------------------------------------------------------------------- bad input and edge cases
def test_bad_bounds():
    lor = attractor.system("lorenz")
    with pytest.raises(ValidationError, match=r"shape \(dimension, 2\) = \(3, 2\)"):
        fixed_points(lor, [[-1, 1], [-1, 1]])
    with pytest.raises(ValidationError, match=r"shape \(dimension, 2\)"):
        fixed_points(lor, [-1, 1, 2])
    with pytest.raises(ValidationError, match="high <= low"):
        fixed_points(lor, [[-1, 1], [1, -1], [0, 1]])
    with pytest.raises(ValidationError, match="non-finite"):
        fixed_points(lor, [[-1, np.nan], [-1, 1], [0, 1]])
    with pytest.raises(ValidationError, match="n_starts"):
        fixed_points(lor, LORENZ_BOX, n_starts=0)
    with pytest.raises(ValidationError, match="DynamicalSystem"):
        fixed_points("lorenz", LORENZ_BOX)


def test_periodic_orbits_bad_input():
    with pytest.raises(ValidationError, match="needs a map"):
        periodic_orbits(attractor.system("lorenz"), 2, LORENZ_BOX)
    with pytest.raises(ValidationError, match="period"):
        periodic_orbits(attractor.system("henon"), 0, [[-3, 3], [-3, 3]])
    with pytest.raises(ValidationError, match=r"\(2, 2\)"):
        periodic_orbits(attractor.system("henon"), 2, [[-3, 3]])


def test_no_fixed_point_in_box_is_empty_not_wrong():
    """The Lorenz equilibria all lie outside this box: an empty result (Newton still converged, so no warning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fps = fixed_points(attractor.system("lorenz"), [[20, 30], [20, 30], [40, 50]], seed=0)
    assert len(fps) == 0 and fps.points.shape == (0, 3)


def test_no_convergence_warns():
    """dx/dt = 1 + x² has no real equilibrium: every Newton start fails -> ConvergenceWarning, empty result."""

    class NoRoot(DynamicalSystem):
        name = "no-root"
        kind = "flow"
        dimension = 1

        def rhs(self, x, t=0.0):
            return 1.0 + np.asarray(x, dtype=float) ** 2

    with pytest.warns(ConvergenceWarning, match="no Newton start converged"):
        fps = fixed_points(NoRoot(), [[-5, 5]], n_starts=8, seed=0, max_iter=30)
    assert len(fps) == 0


def test_seeded_and_deterministic():
    lor = attractor.system("lorenz")
    a = fixed_points(lor, LORENZ_BOX, n_starts=16, seed=5)
    b = fixed_points(lor, LORENZ_BOX, n_starts=16, seed=5)
    np.testing.assert_array_equal(a.points, b.points)
    assert a.settings["n_starts"] == 16 and a.settings["seed"] == 5
