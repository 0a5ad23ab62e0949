"""Accuracy and contracts of the compiled integrators."""
import numpy as np
import pytest
from scipy.integrate import solve_ivp

import attractor
from attractor import DivergenceError, StepSizeUnderflowError, SymbolicSpec, SymbolicSystem


def lorenz_py(t, x, s=10.0, r=28.0, b=8.0 / 3.0):
    return [s * (x[1] - x[0]), x[0] * (r - x[2]) - x[1], x[0] * x[1] - b * x[2]]


@pytest.fixture(scope="module")
def lorenz():
    return attractor.system("lorenz")


def test_dop853_matches_scipy_reference(lorenz):
    """Issue #2 contract: rtol=atol=1e-12 agrees with SciPy DOP853 at 1e-13 to 1e-8 over 10 time units."""
    x0 = np.array([1.0, 1.0, 1.0])
    traj = lorenz.trajectory(1001, dt=0.01, x0=x0, rtol=1e-12, atol=1e-12)
    ref = solve_ivp(lorenz_py, (0, 10), x0, method="DOP853", rtol=1e-13, atol=1e-13, t_eval=traj.t)
    assert np.max(np.abs(traj.x - ref.y.T)) < 1e-8
    assert traj.t[-1] == pytest.approx(10.0)


def test_dense_output_does_not_depend_on_sampling(lorenz):
    """Output at fixed dt comes from the continuous extension: coarse and fine sampling agree."""
    fine = lorenz.trajectory(1001, dt=0.005, rtol=1e-12, atol=1e-12)
    coarse = lorenz.trajectory(101, dt=0.05, rtol=1e-12, atol=1e-12)
    assert np.max(np.abs(fine.x[::10] - coarse.x)) < 1e-8


def test_rk45_accuracy(lorenz):
    x0 = np.array([1.0, 1.0, 1.0])
    traj = lorenz.trajectory(201, dt=0.01, x0=x0, method="rk45", rtol=1e-10, atol=1e-10)
    ref = solve_ivp(lorenz_py, (0, 2), x0, method="DOP853", rtol=1e-13, atol=1e-13, t_eval=traj.t)
    assert np.max(np.abs(traj.x - ref.y.T)) < 1e-6


def test_rk4_is_fourth_order(lorenz):
    """Halving the RK4 step divides the global error by ~2^4 = 16."""
    x0 = np.array([1.0, 1.0, 1.0])
    ref = solve_ivp(lorenz_py, (0, 1), x0, method="DOP853", rtol=1e-13, atol=1e-13, t_eval=[1.0]).y[:, -1]
    e1 = np.abs(lorenz.trajectory(11, dt=0.1, x0=x0, method="rk4", step=0.005).x[-1] - ref).max()
    e2 = np.abs(lorenz.trajectory(11, dt=0.1, x0=x0, method="rk4", step=0.0025).x[-1] - ref).max()
    assert 12 < e1 / e2 < 20


def test_transient_is_discarded(lorenz):
    full = lorenz.trajectory(301, dt=0.01, rtol=1e-12, atol=1e-12)
    late = lorenz.trajectory(101, dt=0.01, transient=2.0, rtol=1e-12, atol=1e-12)
    assert late.t[0] == pytest.approx(2.0)
    assert np.max(np.abs(full.x[200:] - late.x)) < 1e-8


def test_henon_heiles_conserves_energy():
    """Issue #2 contract: energy conserved to 1e-9 relative over 1000 time units at rtol=1e-12."""
    hh = attractor.system("HenonHeiles")
    traj = hh.trajectory(1001, dt=1.0, rtol=1e-12, atol=1e-12)
    e = hh.energy(traj.x)
    assert np.max(np.abs(e - e[0]) / abs(e[0])) < 1e-9


def test_henon_map_orbit_by_hand():
    """x_{n+1} = 1 - a x_n^2 + y_n, y_{n+1} = b x_n (Hénon 1976), iterated by hand in exact arithmetic.

    With dyadic parameters and initial state, the first iterates are exactly representable in
    binary floating point, so the compiled map must reproduce them bit for bit.
    """
    from fractions import Fraction as Fr

    a, b = Fr(5, 4), Fr(1, 2)
    x, y = Fr(1, 2), Fr(1, 4)
    expected = [(x, y)]
    for _ in range(4):
        x, y = 1 - a * x * x + y, b * x
        expected.append((x, y))
    assert all(float(v) == v for pair in expected for v in pair)  # exactly representable
    traj = attractor.system("henon", a=1.25, b=0.5).trajectory(5, x0=[0.5, 0.25])
    np.testing.assert_array_equal(traj.x, np.array(expected, dtype=float))
    assert traj.t.tolist() == [0, 1, 2, 3, 4]


def test_map_transient_and_stride():
    h = attractor.system("henon")
    full = h.trajectory(21, x0=[0.1, 0.2])
    part = h.trajectory(4, x0=[0.1, 0.2], transient=5, dt=5)
    np.testing.assert_array_equal(part.x, full.x[5::5])


def test_ensemble_matches_single_runs(lorenz):
    x0s = np.array([[1.0, 1.0, 1.0], [2.0, 1.0, 0.5], [-3.0, 2.0, 20.0]])
    ens = lorenz.trajectory(50, dt=0.02, x0=x0s)
    assert ens.x.shape == (3, 50, 3) and ens.is_ensemble
    for i, x0 in enumerate(x0s):
        np.testing.assert_allclose(ens.x[i], lorenz.trajectory(50, dt=0.02, x0=x0).x, rtol=0, atol=1e-12)
    assert ens[1].x.shape == (50, 3)


def test_non_autonomous_forcing_uses_time():
    duffing = attractor.system("duffing")
    x = np.array([0.3, -0.2])
    f0 = duffing.rhs(x, 0.0)
    f1 = duffing.rhs(x, 1.0)
    g, w = duffing.parameters["gamma"], duffing.parameters["omega"]
    assert f1[1] - f0[1] == pytest.approx(g * (np.cos(w * 1.0) - 1.0), abs=1e-14)
    assert duffing.non_autonomous and not attractor.system("lorenz").non_autonomous
    # starting time matters for a forced system
    a = duffing.trajectory(5, dt=0.1, t0=0.0).x[-1]
    b = duffing.trajectory(5, dt=0.1, t0=1.0).x[-1]
    assert np.abs(a - b).max() > 1e-3


def test_divergence_reports_time_and_state():
    """dx/dt = x^2, x(0) = 1 blows up at t = 1."""
    spec = SymbolicSpec("blowup", "flow", ("x",), (), ("x**2",))
    sys_ = SymbolicSystem(spec, {}, x0=[1.0])
    with pytest.raises(DivergenceError, match="diverged at t = ") as info:
        sys_.trajectory(20, dt=0.1)
    assert 0.9 < info.value.t < 1.001  # exact blow-up time is 1
    assert np.all(np.isfinite(info.value.state))


def test_map_divergence():
    spec = SymbolicSpec("doubling", "map", ("x",), (), ("x**2 + 2",))
    with pytest.raises(DivergenceError, match="diverged"):
        SymbolicSystem(spec, {}, x0=[1.0]).trajectory(50)


def test_step_size_underflow():
    """dx/dt = 1/(1 - t) has a derivative singularity at t = 1 while x stays ~ -ln(1 - t) bounded."""
    spec = SymbolicSpec("singular", "flow", ("x",), (), ("1/(1 - t)",))
    with pytest.raises(StepSizeUnderflowError, match="underflow"):
        SymbolicSystem(spec, {}, x0=[0.0]).trajectory(3, dt=1.0)


def test_generic_subclass_fallback_matches_compiled(lorenz):
    """A NumPy-only DynamicalSystem (as a learned model would be) integrates via the SciPy fallback."""

    class NumpyLorenz(attractor.DynamicalSystem):
        name, kind, dimension = "np-lorenz", "flow", 3
        state_names = ("x", "y", "z")

        def rhs(self, x, t=0.0):
            return np.array(lorenz_py(t, x))

    x0 = [1.0, 1.0, 1.0]
    ours = NumpyLorenz()
    assert not ours.has_exact_jacobian
    a = ours.trajectory(101, dt=0.01, x0=x0, rtol=1e-11, atol=1e-11).x
    b = lorenz.trajectory(101, dt=0.01, x0=x0, rtol=1e-11, atol=1e-11).x
    assert np.abs(a - b).max() < 1e-7
    c = ours.trajectory(11, dt=0.1, x0=x0, method="rk4", step=0.01).x
    d = lorenz.trajectory(11, dt=0.1, x0=x0, method="rk4", step=0.01).x
    assert np.abs(c - d).max() < 1e-10
    np.testing.assert_allclose(ours.jacobian(x0), lorenz.jacobian(x0), rtol=1e-7, atol=1e-7)
