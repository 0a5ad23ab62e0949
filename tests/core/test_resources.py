"""Resource checks up front (issue #20): absurd requests fail at once with an error naming the knob."""
from __future__ import annotations

import time

import numpy as np
import pytest

import attractor
from attractor.core.errors import InsufficientDataError, IntegrationError, ValidationError
from attractor.core.resources import available_memory, check_memory, check_steps, format_bytes
from attractor.learn import SINDy
from attractor.learn.libraries import CustomLibrary, FourierLibrary, PolynomialLibrary


@pytest.fixture(scope="module")
def lorenz():
    s = attractor.system("lorenz")
    s.trajectory(3)  # compile once
    return s


def _fast(fn, match, exc=ValidationError, limit=1.0):
    start = time.perf_counter()
    with pytest.raises(exc, match=match):
        fn()
    assert time.perf_counter() - start < limit


@pytest.mark.parametrize("kwargs, match", [
    (dict(n=100, dt=1e300), r"reduce n, dt or transient"),
    (dict(n=100, transient=1e12), r"1e\+14 steps.*max_steps"),
    (dict(n=10**12), r"would need .*TiB.*reduce n"),
    (dict(n=True), r"boolean"),
    (dict(n=False), r"boolean"),
    (dict(n=10, dt=1.0, method="rk4", step=1e-12), r"RK4 .*raise step"),
    (dict(n=5, dt=1e307, transient=1e308), r"floating-point range|steps"),
])
def test_trajectory_absurd_requests_fail_fast(lorenz, kwargs, match):
    _fast(lambda: lorenz.trajectory(**kwargs), match)


def test_map_and_delay_checks():
    henon = attractor.system("henon")
    _fast(lambda: henon.trajectory(10, transient=10**12), r"transient=1000000000000.*max_steps")
    _fast(lambda: henon.trajectory(10, dt=True), r"boolean")
    mg = attractor.system("mackeyglass")
    _fast(lambda: mg.trajectory(100, dt=1e300), r"RK4 .*reduce n, dt or transient")
    _fast(lambda: mg.trajectory(10, transient=1e12), r"max_steps")


def test_explicit_max_steps_is_the_budget(lorenz):
    """transient = 2000 time units at default_dt = 0.01 is estimated at 2e5 steps > max_steps = 1e5."""
    _fast(lambda: lorenz.trajectory(10, transient=2000, max_steps=10**5), r"max_steps=100000")
    tr = lorenz.trajectory(10, transient=10, max_steps=10**5)
    assert tr.x.shape == (10, 3)


def test_stiff_parameter_fails_in_seconds():
    """Lorenz with σ = −10 (ẋ = 10x − 10y) runs away and its adaptive steps shrink towards 1e-8: with the
    old fixed budget of 1e8 steps it took ~40 s to fail; the automatic budget (1000 steps per sampling step
    of the span) stops it within a few seconds, naming max_steps."""
    s = attractor.system("lorenz", sigma=-10)
    s.trajectory(3)
    start = time.perf_counter()
    with pytest.raises(IntegrationError, match="max_steps"):
        s.trajectory(5000)
    assert time.perf_counter() - start < 15.0


def test_resource_helpers():
    assert available_memory() > 2**20
    check_memory(1024, "x", "n")
    with pytest.raises(ValidationError, match="reduce knob"):
        check_memory(1e30, "x", "knob")
    with pytest.raises(ValidationError, match="max_steps=10"):
        check_steps(11, 10, "x", "n")
    with pytest.raises(ValidationError):
        check_steps(float("nan"), 10, "x", "n")
    assert format_bytes(3 * 2**30) == "3 GiB"


# ---------------------------------------------------------------------- SINDy
@pytest.fixture(scope="module")
def lorenz_data(lorenz):
    return lorenz.trajectory(2000, dt=0.01).x


def test_sindy_refuses_transposed_data_at_once(lorenz_data):
    _fast(lambda: SINDy().fit(lorenz_data.T, t=0.01), r"rows are time.*X\.T")
    _fast(lambda: SINDy().fit(lorenz_data.T.tolist(), t=0.01), r"rows are time")


def test_sindy_refuses_library_too_large_for_memory():
    X = np.random.default_rng(0).standard_normal((50_000, 40))
    _fast(lambda: SINDy(library=PolynomialLibrary(8)).fit(X, t=0.01), r"feature matrix .* reduce the library")


def test_sindy_refuses_more_features_than_samples():
    X = np.random.default_rng(0).standard_normal((30, 6))
    _fast(lambda: SINDy(library=PolynomialLibrary(3), weak=False).fit(X, t=0.01), r"84 features",
          exc=InsufficientDataError)


def test_sindy_list_of_rows_is_one_trajectory(lorenz_data):
    a = SINDy().fit(lorenz_data, t=0.01)
    b = SINDy().fit(lorenz_data.tolist(), t=0.01)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert b.n_samples_ == a.n_samples_
    # a list of 2-D arrays stays several trajectories
    c = SINDy().fit([lorenz_data[:1000], lorenz_data[1000:]], t=0.01)
    assert c.n_samples_ == 2000


def test_library_feature_counts_without_building():
    libs = [PolynomialLibrary(3), PolynomialLibrary(2, include_bias=False), FourierLibrary(2),
            PolynomialLibrary(2) + FourierLibrary(1), PolynomialLibrary(1) * FourierLibrary(1),
            CustomLibrary([np.exp, lambda a, b: a * b])]
    for lib in libs:
        for n in (1, 3, 5):
            assert lib.n_features(n) == len(lib.names(n)), (lib, n)
    assert PolynomialLibrary(12).n_features(30) == 11_058_116_888  # C(30 + 12, 12), computed, not built
