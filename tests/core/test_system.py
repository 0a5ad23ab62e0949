"""The DynamicalSystem interface: values, validation, conversions, symbolic views."""
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import attractor
from attractor import Trajectory, UnknownParameterError, UnknownSystemError, ValidationError
from attractor.core.symbolic import cache_dir


def test_lookup_is_case_insensitive_and_forgiving():
    assert attractor.system("lorenz").name == "Lorenz"
    assert attractor.system("LORENZ").name == "Lorenz"
    assert attractor.system("Hénon–Heiles").name == "HenonHeiles"
    assert attractor.system("henon_heiles").name == "HenonHeiles"
    assert attractor.system("Lorenz", rho=30).parameters["rho"] == 30.0
    assert "Lorenz" in attractor.systems.names() and "Henon" in attractor.systems.names("map")
    assert "Henon" not in attractor.systems.names("flow")


def test_unknown_name_suggests_close_names():
    with pytest.raises(UnknownSystemError, match="Did you mean: .*Lorenz"):
        attractor.system("lorenzz")


def test_unknown_parameter_lists_valid_ones():
    with pytest.raises(UnknownParameterError, match="parameters are: sigma, rho, beta"):
        attractor.system("lorenz", gamma=1.0)
    with pytest.raises(ValidationError, match="finite"):
        attractor.system("lorenz", rho=float("nan"))


def test_systems_are_immutable_values():
    a = attractor.system("lorenz")
    b = a.with_parameters(rho=99.0)
    assert a.parameters["rho"] == 28.0 and b.parameters["rho"] == 99.0
    with pytest.raises(TypeError):
        a.parameters["rho"] = 1.0  # read-only mapping
    assert not np.allclose(a.rhs([1, 2, 3]), b.rhs([1, 2, 3]))


@pytest.mark.parametrize("bad, match", [
    (dict(n=0), "n must be an integer >= 1"),
    (dict(n=10, dt=0.0), "dt must be finite and > 0"),
    (dict(n=10, dt=-1.0), "dt must be finite and > 0"),
    (dict(n=10, x0=[1.0, 2.0]), "x0 has length 2 but the system has dimension 3"),
    (dict(n=10, x0=[1.0, np.nan, 2.0]), "non-finite"),
    (dict(n=10, x0=[1.0, np.inf, 2.0]), "non-finite"),
    (dict(n=10, method="euler"), "unknown method 'euler'"),
    (dict(n=10, t0=float("nan")), "t0 must be finite"),
])
def test_trajectory_bad_input(bad, match):
    with pytest.raises(ValidationError, match=match):
        attractor.system("lorenz").trajectory(**bad)


def test_rhs_bad_state():
    with pytest.raises(ValidationError, match="length 2"):
        attractor.system("lorenz").rhs([1.0, 2.0])


ALL_CLASSIC = ["Lorenz", "Rossler", "Chen", "HenonHeiles", "Duffing", "Ueda", "Henon", "Logistic",
               "Chirikov", "Ikeda"]


@pytest.mark.parametrize("name", ALL_CLASSIC + ["Lorenz96"])
def test_exact_jacobian_matches_finite_differences(name):
    """Issue #2 contract: generated Jacobians agree with central differences to 1e-6 relative."""
    s = attractor.system(name)
    rng = np.random.default_rng(0)
    for _ in range(5):
        x = s.default_x0 * (1 + 0.1 * rng.standard_normal(s.dimension)) + 0.1 * rng.standard_normal(s.dimension)
        t = float(rng.uniform(0, 10))
        J = s.jacobian(x, t)
        Jfd = attractor.DynamicalSystem.jacobian(s, x, t)  # the generic central-difference path
        scale = max(1.0, np.abs(J).max())
        assert np.abs(J - Jfd).max() / scale < 1e-6


def test_lorenz96_any_size():
    s = attractor.system("lorenz96", N=12, f=8.0)
    assert s.dimension == 12 and s.parameters["f"] == 8.0
    x = np.arange(12.0)
    i = 5
    assert s.rhs(x)[i] == pytest.approx((x[6] - x[3]) * x[4] - x[5] + 8.0)
    with pytest.raises(ValidationError, match="N must be an integer >= 4"):
        attractor.system("lorenz96", N=2)


def test_true_coefficients_and_latex():
    names, coef = attractor.system("lorenz").coefficients()
    assert names[:4] == ["1", "x", "y", "z"]
    assert np.count_nonzero(coef) == 7
    assert coef[names.index("x z"), 1] == -1.0 and coef[names.index("z"), 2] == pytest.approx(-8 / 3)
    latex = attractor.system("lorenz").latex()
    assert latex[0].startswith(r"\dot{x} =") and r"\sigma" in latex[0]
    eq = attractor.system("lorenz").equations()
    assert eq[2].startswith("dz/dt =")
    with pytest.raises(ValidationError, match="not a polynomial"):
        attractor.system("duffing").coefficients()


def test_trajectory_roundtrip_formats(tmp_path):
    traj = attractor.system("lorenz").trajectory(50, dt=0.02)
    df = traj.to_frame()
    assert list(df.columns) == ["t", "x", "y", "z"]
    back = Trajectory.from_frame(df)
    np.testing.assert_array_equal(back.x, traj.x)
    assert back.dt == pytest.approx(0.02)
    for ext in ("csv", "parquet", "npz"):
        path = traj.save(tmp_path / f"lorenz.{ext}")
        loaded = Trajectory.load(path)
        np.testing.assert_allclose(loaded.x, traj.x, rtol=1e-12)
        assert loaded.state_names == ("x", "y", "z")
    with pytest.raises(ValidationError, match="unsupported"):
        traj.save(tmp_path / "x.xlsx")
    with pytest.raises(ValidationError, match="columns \\['w'\\] not found"):
        Trajectory.from_frame(df, columns=["w"])
    with pytest.raises(ValidationError, match="strictly increasing"):
        Trajectory.from_numpy(np.ones((3, 1)), t=[0.0, 2.0, 1.0])
    assert isinstance(np.asarray(traj), np.ndarray) and np.asarray(traj).shape == (50, 3)
    assert isinstance(df, pd.DataFrame)


def test_compiled_code_is_cached_on_disk(tmp_path):
    """A second process loads the generated module and Numba's machine code from the disk cache."""
    s = attractor.system("lorenz")
    s.trajectory(5)
    files = list(cache_dir().glob(f"sys_{s.spec.cache_key}.py"))
    assert files, "generated module missing from the cache directory"
    index = list((files[0].parent / "__pycache__").glob(f"sys_{s.spec.cache_key}*solve_dop853*.nbi"))
    assert index, "Numba did not write a cache index for the compiled integrator"
    code = ("import attractor; s = attractor.system('lorenz'); s.trajectory(5); st = s.compiled.solve_dop853.stats; "
            "print(sum(st.cache_hits.values()), sum(st.cache_misses.values()))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    hits, misses = map(int, out.split()[-2:])
    assert hits == 1 and misses == 0


@pytest.mark.parametrize("value", [True, np.bool_(False), 1 + 2j, "ten"])
def test_parameter_values_must_be_real_numbers(value):
    # bool and complex were silently converted to 1.0 / dropped their imaginary part
    with pytest.raises(ValidationError, match="parameter sigma must be a"):
        attractor.system("lorenz", sigma=value)
