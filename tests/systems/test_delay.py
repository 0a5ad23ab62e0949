"""Delay differential equations: DelaySystem, the compiled method-of-steps integrator, the six systems.

References
----------
* M. C. Mackey and L. Glass, Science 197, 287 (1977): dx/dt = beta x(t-tau)/(1 + x(t-tau)^n) - gamma x
  with beta = 0.2, gamma = 0.1, n = 10 is chaotic for tau = 17; on the attractor x stays within
  roughly [0.4, 1.35] (J. D. Farmer, Physica D 4, 366 (1982), Fig. 1), so we require the
  published band 0.2 < x < 1.4.
* Independent reference solution: the method of steps with SciPy's DOP853 (rtol = atol = 1e-12)
  on each delay interval, reading x(t - tau) from the previous interval's dense output
  (Bellen & Zennaro, Numerical Methods for Delay Differential Equations, 2003, Sec. 3.1).
* Classical RK4 with a cubic Hermite continuous extension is fourth-order (Hairer, Norsett &
  Wanner, Solving ODEs I, Sec. II.17): halving the step divides the error by ~16.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import attractor
from attractor import InsufficientDataError, UnknownParameterError, ValidationError
from attractor.core.delay import DelaySpec, DelayStateError, DelaySystem

DELAY_NAMES = ["IkedaDelay", "MackeyGlass", "PiecewiseCircuit", "ScrollDelay", "SprottDelay", "VossDelay"]
MG = dict(beta=0.2, gamma=0.1, n=10.0)


def mackey_glass_reference(tau, x_const, t_eval, beta=0.2, gamma=0.1, n=10.0):
    """Method of steps with SciPy DOP853 (constant history x_const); values at t_eval >= 0."""
    pieces = []

    def past(s):
        if s <= 0.0:
            return x_const
        for a, b, sol in pieces:
            if a <= s <= b:
                return float(sol(s)[0])
        raise AssertionError(s)

    y, a, t_end = np.array([x_const]), 0.0, float(t_eval[-1])
    while a < t_end:
        b = min(a + tau, t_end)

        def f(t, x):
            xd = past(t - tau)
            return [beta * xd / (1.0 + xd ** n) - gamma * x[0]]

        r = solve_ivp(f, (a, b), y, method="DOP853", rtol=1e-12, atol=1e-12, dense_output=True)
        pieces.append((a, b, r.sol))
        y, a = r.y[:, -1], b
    return np.array([past(s) for s in t_eval])


@pytest.fixture(scope="module")
def mg17():
    return attractor.system("MackeyGlass", tau=17.0)


@pytest.fixture(scope="module")
def mg_reference():
    t = np.arange(0.0, 200.0 + 1e-9, 0.5)
    return t, mackey_glass_reference(17.0, 0.5, t)


# ------------------------------------------------------------------ catalogue entries
def test_six_delay_systems_are_catalogued_with_dysts_defaults():
    for name in DELAY_NAMES:
        s = attractor.system(name)
        assert isinstance(s, DelaySystem) and s.kind == "flow" and s.dimension == 1
        assert s.metadata["delay"] is True and s.tau > 0 and s.metadata["period"] > 0
        assert s.default_x0.shape == (1,)
    mg = attractor.system("mackeyglass")
    assert dict(mg.parameters) == {"beta": 0.2, "gamma": 0.1, "n": 10.0, "tau": 16.0}   # dysts' defaults
    assert attractor.system("IkedaDelay").parameters["x0"] == 0.0   # a phase parameter named x0
    assert "MackeyGlass" in attractor.systems.names("flow")


def test_delayed_rhs_and_jacobian_are_the_published_equations(mg17):
    x, xd = 0.9, 1.2
    f = 0.2 * xd / (1 + xd ** 10) - 0.1 * x
    assert mg17.delayed_rhs([x], [xd])[0] == pytest.approx(f, rel=1e-14)
    jx, jd = mg17.delayed_jacobian([x], [xd])
    assert jx[0, 0] == pytest.approx(-0.1)
    dfd = 0.2 * (1 + xd ** 10 - 10 * xd ** 10) / (1 + xd ** 10) ** 2
    assert jd[0, 0] == pytest.approx(dfd, rel=1e-12)
    # Sprott (2007): dx/dt = sin(x(t - tau))
    assert attractor.system("SprottDelay").delayed_rhs([3.0], [0.7])[0] == pytest.approx(np.sin(0.7), rel=1e-14)


def test_finite_dimensional_operations_raise_a_clear_error(mg17):
    with pytest.raises(DelayStateError, match="function segment"):
        mg17.rhs([1.0])
    with pytest.raises(DelayStateError, match="delayed_jacobian"):
        mg17.jacobian([1.0])
    assert not mg17.has_exact_jacobian and mg17.equations() == ["dx/dt = beta*x_tau/(x_tau**n + 1) - gamma*x"]


# ------------------------------------------------------------------ integrator accuracy
def test_mackey_glass_matches_independent_reference(mg17, mg_reference):
    """RK4 + Hermite history (step 0.25) vs SciPy DOP853 method of steps, t in [0, 200] (~12 delays)."""
    t, ref = mg_reference
    tr = mg17.trajectory(len(t), dt=0.5, x0=[0.5], step=0.25)
    np.testing.assert_allclose(tr.t, t)
    err = np.max(np.abs(tr.x[:, 0] - ref))
    assert err < 1e-6, err            # measured 4e-8


def test_integrator_is_fourth_order(mg17, mg_reference):
    t, ref = mg_reference
    errs = [np.max(np.abs(mg17.trajectory(len(t), dt=0.5, x0=[0.5], step=h).x[:, 0] - ref)) for h in (0.5, 0.25)]
    assert 10.0 < errs[0] / errs[1] < 25.0, errs   # 2^4 = 16; measured 16.0


def test_mackey_glass_tau17_attractor_band(mg17):
    tr = mg17.trajectory(4000, dt=0.5, transient=500.0)
    x = tr.x[:, 0]
    assert 0.2 < x.min() and x.max() < 1.4        # Farmer (1982): x in about [0.4, 1.35]
    assert x.std() > 0.15                         # not a fixed point or small cycle
    # aperiodic: no exact repetition of the sampled sequence over the run
    assert len(np.unique(np.round(x, 6))) > 3000


def test_default_step_and_transient_bookkeeping(mg17):
    tr = mg17.trajectory(10, dt=0.5, transient=3.0)
    assert tr.t[0] == pytest.approx(3.0) and tr.dt == 0.5
    h = tr.metadata["step"]
    assert h <= 17.0 / 20 and 0.5 / h == pytest.approx(round(0.5 / h))


# ------------------------------------------------------------------ history forms
def test_history_forms_agree(mg17):
    n, dt = 200, 0.5
    const = mg17.trajectory(n, dt=dt, x0=[0.7], step=0.1).x
    as_number = mg17.trajectory(n, dt=dt, history=0.7, step=0.1).x
    as_callable = mg17.trajectory(n, dt=dt, history=lambda s: 0.7, step=0.1).x
    as_array = mg17.trajectory(n, dt=dt, history=np.full(40, 0.7), step=0.1).x
    np.testing.assert_allclose(as_number, const, rtol=0, atol=1e-14)
    np.testing.assert_allclose(as_callable, const, rtol=0, atol=1e-12)
    np.testing.assert_allclose(as_array, const, rtol=0, atol=1e-12)


def test_smooth_history_as_callable_or_samples_agree(mg17):
    def hist(s):
        return 0.8 + 0.3 * np.sin(0.2 * s)

    samples = np.array([hist(s) for s in np.arange(-20.0, 1e-9, 0.1)])   # spacing 0.1, last at t0 = 0
    a = mg17.trajectory(300, dt=0.5, history=hist, step=0.1).x
    b = mg17.trajectory(300, dt=0.5, history=samples, history_dt=0.1, step=0.1).x
    assert np.max(np.abs(a - b)) < 1e-5
    assert a[0, 0] == pytest.approx(hist(0.0))


# ------------------------------------------------------------------ all systems
@pytest.mark.parametrize("name", ["MackeyGlass", "SprottDelay"])
def test_delay_trajectory_bounded_and_nontrivial(name):
    s = attractor.system(name)
    x = s.trajectory(1000).x[:, 0]
    assert np.all(np.isfinite(x)) and np.abs(x).max() < 1e3 and x[500:].std() > 1e-3


@pytest.mark.slow
@pytest.mark.parametrize("name", ["IkedaDelay", "PiecewiseCircuit", "ScrollDelay", "VossDelay"])
def test_delay_trajectory_bounded_and_nontrivial_all(name):
    test_delay_trajectory_bounded_and_nontrivial(name)


# ------------------------------------------------------------------ bad input
def test_history_array_too_short_for_tau(mg17):
    with pytest.raises(InsufficientDataError, match="history array too short for tau = 17"):
        mg17.trajectory(10, dt=0.5, history=np.full(20, 0.5))          # covers 9.5 < 17
    with pytest.raises(InsufficientDataError, match="need at least 171 samples"):
        mg17.trajectory(10, dt=0.5, history=np.full(100, 0.5), history_dt=0.1)


def test_non_callable_or_bad_history_is_rejected(mg17):
    with pytest.raises(ValidationError, match="number, an array of past samples .* or a callable"):
        mg17.trajectory(10, history="0.5")
    with pytest.raises(ValidationError, match="number, an array of past samples .* or a callable"):
        mg17.trajectory(10, history={"x": 1})
    with pytest.raises(ValidationError, match="non-finite"):
        mg17.trajectory(10, history=np.array([0.5] * 39 + [np.nan]))
    with pytest.raises(ValidationError, match="history\\(.*\\) is not finite"):
        mg17.trajectory(10, history=lambda s: np.nan)
    with pytest.raises(ValidationError, match="must return a number or 1 values"):
        mg17.trajectory(10, history=lambda s: [1.0, 2.0])


def test_bad_settings_are_rejected(mg17):
    with pytest.raises(ValidationError, match="t0 must be finite"):
        mg17.trajectory(10, t0=float("nan"))
    with pytest.raises(ValidationError, match="method 'rk4'"):
        mg17.trajectory(10, method="dop853")
    with pytest.raises(ValidationError, match="delay tau must be > 0"):
        attractor.system("MackeyGlass", tau=0.0)
    with pytest.raises(UnknownParameterError, match="beta, gamma, n, tau"):
        attractor.system("MackeyGlass", delay=3.0)
    with pytest.raises(ValidationError, match="x0"):
        mg17.trajectory(10, x0=[0.5, 0.6])


def test_spec_validation():
    with pytest.raises(ValidationError, match="delay parameter 'tau' is not among"):
        DelaySpec("bad", ("x",), ("a",), ("-a*x_tau",))
    with pytest.raises(ValidationError, match="undeclared symbol"):
        DelaySystem(DelaySpec("bad", ("x",), ("tau",), ("-y_tau",)), {"tau": 1.0}).spec.expressions
