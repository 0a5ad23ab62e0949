"""Regression tests for the specific failures of issue #20 (input validation and scale).

Before the fix: values >~ 1e150 raised ValueError/OverflowError in ``mean_period`` and
ZeroDivisionError in ``KernelFlows.fit``; at 1e300 ``sample_entropy`` returned 0.0, ``rqa`` RR = 1.0,
``SINDy.fit`` all-NaN coefficients and ``forecast`` NaN, all silently; complex arrays were accepted
everywhere (imaginary part dropped).

The scale-invariant estimators now divide extreme data by an exact power of two, so their answer
at 1e300 or 1e-300 equals the one at unit scale up to rounding of the scale factor (tolerances
below are relative 1e-9 on a result that is otherwise identical arithmetic); estimators that are
not scale-invariant raise a ValidationError that names the magnitude.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import attractor
from attractor import ValidationError
from attractor.core.validation import as_float_array, as_series, as_series_scaled, normalize_scale

from test_fuzz import ENTRY_POINTS


@pytest.fixture(scope="module")
def lorenz_x():
    return attractor.system("lorenz").trajectory(800, dt=0.02, transient=10).x


@pytest.fixture(scope="module")
def series(lorenz_x):
    return lorenz_x[:, 0].copy()


SCALES = [3e150, 1e300, 1e-300, 1e-200]


# ---------------------------------------------------------------------- validation helpers
@pytest.mark.parametrize("bad, words", [
    (np.array([1 + 2j, 3 + 0j]), "complex values: pass the real part or abs explicitly"),
    (np.array([True, False, True]), "boolean"),
    (np.array([1.0, None, 2.0], dtype=object), "objects"),
    (np.array(["1", "2"]), "strings"),
    ([[1.0, 2.0], [3.0]], "rectangular"),
    (np.array(["2020-01-01"], dtype="datetime64[D]"), "datetimes"),
    (True, "boolean"),
])
def test_as_float_array_rejects_non_real_dtypes(bad, words):
    with pytest.raises(ValidationError, match="numeric") as info:
        as_float_array(bad, "x")
    assert words in str(info.value)


def test_as_float_array_accepts_int_and_float32():
    np.testing.assert_array_equal(as_float_array(np.arange(3), "x"), [0.0, 1.0, 2.0])
    assert as_float_array(np.ones(2, np.float32), "x").dtype == np.float64


@pytest.mark.parametrize("scale", [1e151, 1e300, 1e-151, 1e-300])
def test_as_float_array_rejects_extreme_magnitudes_by_default(scale):
    with pytest.raises(ValidationError, match="overflow|underflow"):
        as_float_array(np.array([1.0, -0.5]) * scale, "x")
    # zeros are not "tiny": an all-zero array has no scale problem
    np.testing.assert_array_equal(as_float_array(np.zeros(3), "x"), 0.0)


@pytest.mark.parametrize("scale", SCALES)
def test_normalize_scale_is_an_exact_power_of_two(scale):
    x = np.array([1.0, -0.25, 0.7]) * scale
    y = normalize_scale(x)
    assert 0.5 <= np.max(np.abs(y)) < 1.0
    arr, k = as_series_scaled(x)
    np.testing.assert_array_equal(np.ldexp(arr, k), x)   # exact round trip
    np.testing.assert_array_equal(as_series(x, rescale=True), arr)
    assert k != 0
    np.testing.assert_array_equal(normalize_scale(np.array([1.0, 2.0])), [1.0, 2.0])  # ordinary: unchanged


# ---------------------------------------------------------------------- the cases
@pytest.mark.parametrize("scale", SCALES)
def test_mean_period_at_extreme_scale_equals_unit_scale(series, scale):
    """Issue #20: mean_period raised ValueError/OverflowError at >= 1e150."""
    assert attractor.mean_period(series * scale) == pytest.approx(attractor.mean_period(series), rel=1e-9)
    assert attractor.theiler_window(series * scale) == attractor.theiler_window(series)
    assert attractor.estimate_delay(series * scale).delay == attractor.estimate_delay(series).delay


@pytest.mark.parametrize("scale", SCALES)
def test_sample_entropy_at_extreme_scale_equals_unit_scale(series, scale):
    """Issue #20: sample_entropy returned 0.0 at 1e300 (tolerance r * std overflowed)."""
    ref = attractor.sample_entropy(series)
    res = attractor.sample_entropy(series * scale)
    assert ref.entropy > 0.05
    assert res.entropy == pytest.approx(ref.entropy, rel=1e-9)
    assert res.r == pytest.approx(ref.r * scale, rel=1e-9)            # reported in data units
    assert attractor.approximate_entropy(series * scale).entropy == pytest.approx(
        attractor.approximate_entropy(series).entropy, rel=1e-9)
    assert attractor.permutation_entropy(series * scale).entropy == attractor.permutation_entropy(series).entropy


def test_sample_entropy_with_absolute_tolerance_refuses_extreme_scale(series):
    with pytest.raises(ValidationError, match="overflow"):
        attractor.sample_entropy(series * 1e300, r=1e299, relative=False)
    with pytest.raises(ValidationError, match="overflow"):
        attractor.sample_entropy(series * 1e300, tolerance=1e299)


@pytest.mark.parametrize("scale", SCALES)
def test_rqa_at_extreme_scale_equals_unit_scale(series, scale):
    """Issue #20: rqa gave RR = 1.0 at 1e300 (every distance overflowed to inf <= inf)."""
    ref = attractor.rqa(series[:400], recurrence_rate=0.05, dimension=3, delay=8)
    res = attractor.rqa(series[:400] * scale, recurrence_rate=0.05, dimension=3, delay=8)
    assert ref.recurrence_rate == pytest.approx(0.05, abs=0.002)
    assert res.recurrence_rate == ref.recurrence_rate
    assert res.determinism == ref.determinism
    assert res.recurrence.radius == pytest.approx(ref.recurrence.radius * scale, rel=1e-9)
    # a fixed radius is scaled along with the data
    fixed = attractor.rqa(series[:400] * scale, radius=ref.recurrence.radius * scale, dimension=3, delay=8)
    assert fixed.recurrence_rate == pytest.approx(ref.recurrence_rate, abs=2e-3)


def test_sindy_fit_at_1e300_is_a_clear_error(lorenz_x):
    """Issue #20: SINDy.fit returned all-NaN coefficients at 1e300 (SINDy coefficients are not scale-invariant)."""
    with pytest.raises(ValidationError, match="overflow"):
        attractor.learn.SINDy().fit(lorenz_x * 1e300, 0.02)
    with pytest.raises(ValidationError, match="underflow"):
        attractor.learn.SINDy().fit(lorenz_x * 1e-300, 0.02)


@pytest.mark.parametrize("scale", [3e150, 1e300, 1e-300])
def test_kernel_flows_at_extreme_scale(lorenz_x, scale):
    """Issue #20: KernelFlows.fit raised ZeroDivisionError at >= 1e150 (its standardisation overflowed)."""
    from attractor.forecast import fit_model, forecast

    def run(x):
        return forecast(fit_model(attractor.learn.KernelFlows(n_iter=10, n_landmarks=100), x, 0.02), x, 20)

    ref = run(lorenz_x)
    np.testing.assert_allclose(run(lorenz_x * scale) / scale, ref, rtol=1e-8, atol=1e-8 * np.abs(ref).max())


def test_kernel_flows_constant_series_does_not_divide_by_zero():
    x = np.full((40, 2), 0.7)
    x[:, 1] += np.sin(np.arange(40))     # channel 0 constant is refused by standardisation ...
    with pytest.raises(ValidationError, match="constant"):
        attractor.learn.KernelFlows(n_iter=5).fit(x, dt=0.1)
    m = attractor.learn.KernelFlows(n_iter=5, standardize=False, n_landmarks=30).fit(np.full((40, 2), 0.7), dt=0.1)
    np.testing.assert_allclose(attractor.forecast.forecast(m, np.full((5, 2), 0.7), 3), 0.7)  # ... or learned


@pytest.mark.parametrize("model", ["ESN", "NGRC"])
@pytest.mark.parametrize("scale", [1e300, 1e-300])
def test_forecast_at_extreme_scale_equals_unit_scale(lorenz_x, model, scale):
    """Issue #20: forecast gave NaN at 1e300 without an error; standardising learners now scale exactly."""
    from attractor.forecast import fit_model, forecast

    make = {"ESN": lambda: attractor.learn.ESN(n_reservoir=100, washout=20), "NGRC": attractor.learn.NGRC}[model]
    ref = forecast(fit_model(make(), lorenz_x, 0.02), lorenz_x, 20)
    out = forecast(fit_model(make(), lorenz_x * scale, 0.02), lorenz_x * scale, 20)
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out / scale, ref, rtol=1e-9, atol=1e-9 * np.abs(ref).max())


@pytest.mark.parametrize("model", ["Persistence", "LinearAR", "SINDyForecaster"])
def test_forecast_baselines_at_1e300_raise(lorenz_x, model):
    from attractor.forecast import fit_model

    with pytest.raises(ValidationError, match="overflow"):
        fit_model(getattr(attractor.forecast, model)(), lorenz_x * 1e300, 0.02)


def test_forecast_divergence_is_flagged():
    """A diverging model's forecast is NaN from the divergence on, with a ReliabilityWarning."""
    from attractor.forecast import LinearAR, fit_model, forecast

    x = 1.5 ** np.arange(60.0) * 1e-20            # exponential growth: the AR(1) fit explodes
    m = fit_model(LinearAR(order=1), x, 1.0)
    with pytest.warns(attractor.ReliabilityWarning, match="diverged at step"):
        out = forecast(m, x, 2000)
    first = int(np.flatnonzero(~np.isfinite(out[:, 0]))[0])
    assert np.isfinite(out[:first]).all() and np.isnan(out[first:]).all()


def test_linear_ar_on_constant_series_is_finite():
    """ridge_solve with ridge = 0 on a rank-deficient design returned NaN (0/0 singular values)."""
    from attractor.forecast import LinearAR, fit_model, forecast

    m = fit_model(LinearAR(order=2), np.zeros(20), 1.0)
    np.testing.assert_array_equal(forecast(m, np.zeros(5), 4), 0.0)


def test_rqa_warns_when_line_measures_are_undefined():
    """NaN line measures (no line of the minimum length) come with a ReliabilityWarning."""
    x = np.random.default_rng(3).standard_normal(60)
    with pytest.warns(attractor.ReliabilityWarning, match="no vertical line"):
        res = attractor.rqa(x, recurrence_rate=0.02, dimension=4, delay=1)
    assert np.isnan(res.trapping_time)
    with pytest.warns(attractor.ReliabilityWarning, match="no diagonal line"):
        res = attractor.rqa(np.random.default_rng(0).standard_normal(60), recurrence_rate=0.05, dimension=3, l_min=5)
    assert np.isnan(res.mean_diagonal_length)


# ---------------------------------------------------------------------- complex / bool / object
def _ok_input(name, lorenz_x):
    if name in ("kaplan_yorke_dimension", "pesin_entropy"):
        return np.array([0.9, 0.0, -14.5])
    if name == "trajectory(x0=...)":
        return lorenz_x[0]
    if name in ("SINDy.fit", "DMD", "HankelDMD", "EDMD", "ESN", "NGRC", "KernelFlows", "differentiate",
                "LinearAR", "SINDyForecaster", "Persistence", "MeanForecast", "split", "rmse", "nrmse", "mae",
                "smape", "valid_prediction_time", "state_space_kl", "power_spectrum_distance", "score_forecast",
                "recurrence_matrix", "rqa", "correlation_sum", "correlation_dimension", "takens_estimator",
                "box_counting_dimension", "information_dimension", "max_lyapunov_from_data",
                "lyapunov_spectrum_from_data", "delay_embed", "autocorrelation", "average_mutual_information",
                "mean_period", "theiler_window", "estimate_delay", "estimate_dimension", "surrogates"):
        return lorenz_x[:300]
    return lorenz_x[:300, 0]


@pytest.mark.parametrize("name", list(ENTRY_POINTS))
def test_complex_input_rejected_everywhere(name, lorenz_x):
    """Issue #20: complex arrays were accepted by every entry point (imaginary part dropped)."""
    x = _ok_input(name, lorenz_x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ENTRY_POINTS[name](x)   # the real input is fine (or a documented AttractorError) ...
        except attractor.AttractorError:
            pass
    z = x + 0.5j * np.roll(x, 1)
    with pytest.raises(ValidationError, match="complex values: pass the real part or abs explicitly"):
        ENTRY_POINTS[name](z)  # ... the complex one is refused


@pytest.mark.parametrize("name", ["mean_period", "sample_entropy", "rqa", "SINDy.fit", "ESN", "rmse"])
@pytest.mark.parametrize("kind", ["bool", "object"])
def test_bool_and_object_input_rejected(name, kind, lorenz_x):
    if name == "rqa" and kind == "bool":
        pytest.skip("rqa documents a boolean square array as a recurrence matrix")
    x = _ok_input(name, lorenz_x)
    bad = (x > 0) if kind == "bool" else x.astype(object)
    with pytest.raises(ValidationError, match="boolean|objects"):
        ENTRY_POINTS[name](bad)
