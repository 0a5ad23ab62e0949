"""Report pre-checks (trend, seasonality) and the surrogate null they select (issue #19)."""
import numpy as np
import pytest

from attractor.report import analyze
from attractor.report.io import prepare_data

SECTIONS = ["overview", "reconstruction", "nonlinearity"]


@pytest.mark.parametrize("seed", [0, 3])
def test_noisy_sine_is_periodic_and_not_called_nonlinear(seed):
    # the case: sin t + 0.3 noise, dt 0.1 (previously 'nonlinear structure', p = 0.01, 10 of 10)
    t = np.arange(2000) * 0.1
    x = np.sin(t) + 0.3 * np.random.default_rng(seed).standard_normal(t.size)
    a = analyze(x, dt=0.1, quick=True, sections=SECTIONS, seed=seed)
    season = a.item("seasonality")
    assert season.ok and season.numbers["periodic component"] == "periodic"
    assert season.numbers["dominant period (time unit)"] == pytest.approx(2 * np.pi, rel=0.01)
    assert a.item("stationarity").numbers["trend"] == "none"
    surr = a.item("surrogates")
    assert surr.result.method == "cycle_shuffle" and "cycle" in surr.settings["why"]
    # 62.83 samples per cycle: resampled to 63, predicted one cycle ahead (the exact cycle-shuffle test)
    assert "63 samples ahead" in surr.settings["why"] and "resampled" in surr.settings["why"]
    assert surr.result.n_surrogates == 39 and "p, one block ahead" in surr.numbers
    assert not surr.result.rejected      # measured p over seeds 0-9: 0.15-0.95
    assert "nonlinear structure" not in " ".join(a.findings)


def test_trend_plus_season_detrended_and_cycle_shuffled():
    tt = np.arange(600) / 12.0
    x = np.sin(2 * np.pi * tt) + 0.05 * tt + 0.3 * np.random.default_rng(100).standard_normal(600)
    a = analyze(x, dt=1 / 12, quick=True, sections=SECTIONS, seed=0)
    tr = a.item("stationarity")
    assert tr.numbers["trend"] == "deterministic (linear)" and not tr.numbers["stationary (by this check)"]
    assert tr.numbers["slope (per time unit)"] == pytest.approx(0.05, abs=0.01)
    surr = a.item("surrogates")
    assert "detrended" in surr.settings["why"] and surr.result.method == "cycle_shuffle"
    assert surr.result.method_settings["period"] == pytest.approx(12.0, abs=0.05)
    assert not surr.result.rejected


def test_random_walk_differenced_end_matched():
    x = np.cumsum(np.random.default_rng(0).standard_normal(2000))
    a = analyze(x, quick=True, sections=SECTIONS, seed=0)
    assert a.item("stationarity").numbers["trend"] == "stochastic (unit root)"
    assert a.item("seasonality").numbers["periodic component"] == "none"
    surr = a.item("surrogates")
    assert "first differences" in surr.settings["why"] and "end-matched" in surr.settings["surrogates"]
    assert not surr.result.rejected


def test_null_misspecified_flag(monkeypatch):
    # p >= 0.95: the data are less predictable than nearly all surrogates -> flagged, not 'linear noise'
    from attractor.report import sections as sec

    x = np.random.default_rng(0).standard_normal(500)
    ctx = sec.Context(data=prepare_data(x), quick=True)
    import importlib
    sm = importlib.import_module("attractor.analysis.surrogates")
    real = sm.surrogate_test

    def fake(*args, **kwargs):
        r = real(*args, **kwargs)
        import dataclasses
        return dataclasses.replace(r, p_value=1.0, rejected=False)

    monkeypatch.setattr(sm, "surrogate_test", fake)
    out = sec._nonlinearity(ctx)
    assert out["numbers"]["null mis-specified"] is True and ctx.shared["null_misspecified"] is True
    assert "mis-specified" in out["text"] and out["reliable"] is False


def test_transform_options_are_recorded():
    from attractor.report import sections as sec
    from attractor.report.io import prepare_data

    tt = np.arange(600) / 12.0
    x = np.sin(2 * np.pi * tt) + 0.05 * tt + 0.3 * np.random.default_rng(100).standard_normal(600)
    ctx = sec.Context(data=prepare_data(x, dt=1 / 12), quick=True)
    sec._overview_seasonality(ctx)
    with pytest.warns(UserWarning, match="non-stationary: Deterministic linear trend"):
        sec._overview_stationarity(ctx)
    ctx.shared["precheck_transform"] = "deseason"
    out = sec._nonlinearity(ctx)
    assert out["settings"]["transform"] == "deseason" and "deseason" in out["settings"]["why"]
    assert "detrended" in out["settings"]["why"] and out["result"].method == "iaaft"
    ctx.shared["precheck_transform"] = "none"
    assert "as given" in sec._nonlinearity(ctx)["settings"]["why"]
    ctx.shared["precheck_transform"] = "bogus"
    with pytest.raises(Exception, match="precheck_transform"):
        sec._nonlinearity(ctx)


def test_cycle_shuffle_blocks_span_a_whole_number_of_samples():
    """A period of 12.5 samples is shuffled in blocks of 2 cycles (25 samples): no half-sample phase jump at
    the junctions (which made 4 of 50 noisy sines of period 12.5 look nonlinear in the false-positive study).
    The cut error accumulates over the blocks, so a block length 0.05 sample off an integer is not good enough
    for 4096 samples (85 blocks x 0.05 = 4 samples of drift): 0 = "resample instead"."""
    from attractor.report.sections import _cycles_per_block

    assert _cycles_per_block(25.0, 4096) == 1
    assert _cycles_per_block(12.5, 4096) == 2
    assert _cycles_per_block(100 / 3, 4096) == 3
    assert _cycles_per_block(100.002, 4096) == 1        # 41 blocks x 0.002 = 0.08 sample of drift
    assert _cycles_per_block(48.39, 4096) == 0          # no q <= 8 keeps the drift within 0.1 sample
    assert _cycles_per_block(12.5, 150) == 0            # blocks of 2 cycles would leave < 8 blocks


def test_whole_cycle_grid_resamples_to_an_integer_period():
    """Mackey-Glass's pseudo-period of 48.2 samples (issue #19: 2 of 20 seeds undetected) is put on a grid of
    exactly 48 samples per cycle, so every cycle-shuffled block starts at the same phase."""
    from attractor.report.sections import _whole_cycle_grid

    period = 48.39
    t = np.arange(10_000, dtype=float)
    x = np.sin(2 * np.pi * t / period)
    y, block, factor, q = _whole_cycle_grid(x, period, 4096)
    assert (block, q) == (48, 1) and factor == pytest.approx(48 / period)
    assert y.size == pytest.approx(x.size * factor, abs=2)
    # cubic-spline error for 48 samples per cycle: ~ (2 pi / 48)^4 / 384 ~ 1e-6; one cycle later: the same value
    assert np.max(np.abs(y[48:] - y[:-48])) < 1e-4
    assert np.max(np.abs(y - np.sin(2 * np.pi * np.arange(y.size) / 48 + 0.0))) < 1e-4
    z, block, factor, q = _whole_cycle_grid(x, 12.5, 4096)   # whole blocks exist: unchanged
    assert z is x and (block, factor, q) == (25, 1.0, 2)


def test_mackey_glass_cycle_dependence_is_detected():
    """Issue #19: Mackey-Glass (tau 16, 10^4 samples, seed 1 of benchmarks/bench_false_positives.py) has a 47.9
    time-unit cycle with 86 % of the variance, so the cycle-shuffle null (Theiler 1995) is used. Cut in blocks of
    4 cycles off the sampling grid, with the one-step statistic only, it gave p = 0.82 (not rejected). On a grid
    of exactly 48 samples per cycle the data beat all 199 surrogates both one step and one cycle ahead
    (p = 1/200 each, Bonferroni-adjusted 0.01), as chaos must: its cycles depend on the previous ones."""
    import importlib.util
    import pathlib

    path = pathlib.Path(__file__).resolve().parents[2] / "benchmarks" / "bench_false_positives.py"
    spec = importlib.util.spec_from_file_location("bench_false_positives", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    x, dt = bench.chaos_series("mackey_glass", 1, 0.0)
    a = analyze(x, dt=dt, sections=SECTIONS, seed=1, figures=False)
    assert a.item("seasonality").numbers["periodic component"] == "periodic"
    res = a.item("surrogates").result
    assert res.method == "cycle_shuffle" and res.n_surrogates == 199
    surr = a.item("surrogates")
    assert "48 samples ahead" in surr.settings["why"]               # one cycle, 48 samples after resampling
    assert surr.numbers["p, one block ahead"] == pytest.approx(0.005)
    assert res.p_value == pytest.approx(0.01) and res.rejected


def test_lorenz_long_cycle_line_still_rejected():
    """The Lorenz demo (dt 0.01, 10^4 samples) shows a 3.38-time-unit line with 12 % of the variance, so the
    cycle-shuffle null is used. One cycle (338 samples, 3 Lyapunov times) ahead chaos is unpredictable (p = 0.715),
    but one step ahead the data beat all 199 surrogates (p = 0.005; adjusted 0.01): the Bonferroni pair of
    statistics keeps the detection that the cycle-ahead statistic alone lost."""
    from attractor.report import demo_data

    data, _ = demo_data("lorenz", 10_000)
    a = analyze(data, sections=SECTIONS, seed=0, figures=False)
    surr = a.item("surrogates")
    assert surr.result.method == "cycle_shuffle" and "338 samples ahead" in surr.settings["why"]
    assert surr.numbers["p, one step ahead"] == pytest.approx(0.005)
    assert surr.result.p_value == pytest.approx(0.01) and surr.result.rejected
