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
    assert not surr.result.rejected      # measured p over seeds 0-9: 0.15-0.9
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
    the junctions (which made 4 of 50 noisy sines of period 12.5 look nonlinear in the false-positive study)."""
    from attractor.report.sections import _cycles_per_block

    assert _cycles_per_block(25.0, 4096) == 1
    assert _cycles_per_block(12.5, 4096) == 2
    assert _cycles_per_block(100 / 3, 4096) == 3
    assert _cycles_per_block(48.39, 4096) == 5          # 241.95 samples
    # too few blocks would remain: fall back to single cycles
    assert _cycles_per_block(12.5, 150) == 1
    assert _cycles_per_block(9.617, 114) == 1
