"""analyze(): numbers on known systems, honesty on short/constant data, fail-soft sections, exports."""
import importlib
import json

import numpy as np
import pytest

from attractor import datasets
from attractor.core.errors import ValidationError
from attractor.report import Analysis, analyze, demo_data
from attractor.report import sections as sections_mod

HEADINGS = ("Data overview", "State-space reconstruction", "Nonlinearity test", "Invariants", "Models",
            "Summary of findings")


@pytest.fixture(scope="module")
def lorenz_analysis():
    traj, system = demo_data("lorenz", 5000)
    return analyze(traj, quick=True, true_system=system, seed=0)


def test_lorenz_estimates_match_published(lorenz_analysis):
    a = lorenz_analysis
    assert isinstance(a, Analysis)
    lam = a.item("lyapunov")
    assert lam.ok, lam.reason
    # Sprott (2003), Chaos and Time-Series Analysis, App. A: Lorenz lambda_1 = 0.9056 per time unit.
    assert lam.result.exponent == pytest.approx(0.9056, rel=0.25)
    d2 = a.item("correlation_dimension")
    assert d2.ok, d2.reason
    # Grassberger & Procaccia (1983), Physica D 9, 189: Lorenz D2 = 2.05 +- 0.01.
    assert d2.numbers["D2"] == pytest.approx(2.05, abs=0.2)
    assert a.item("surrogates").result.rejected
    assert a.item("delay").numbers["delay (samples)"] > 5
    assert a.verdict == "deterministic chaos likely"
    rows = {r["quantity"]: r for r in a.comparison}
    assert rows["largest Lyapunov exponent"]["published"] == pytest.approx(0.9056)


def test_summary_is_json_and_html_is_self_contained(lorenz_analysis, tmp_path):
    a = lorenz_analysis
    s = json.loads(json.dumps(a.summary()))
    assert set(s["sections"]) == {"overview", "reconstruction", "nonlinearity", "invariants", "models", "stochastic",
                                    "probabilistic",
                                    "summary"}
    assert s["sections"]["invariants"]["items"]["lyapunov"]["status"] == "ok"
    html = a.to_html(tmp_path / "r.html")
    assert (tmp_path / "r.html").stat().st_size < 5e6
    for h in HEADINGS:
        assert f">{h}</h2>" in html
    assert "<script" not in html.lower() and 'src="http' not in html and "href=\"http" not in html
    assert html.count("data:image/png;base64,") >= 6
    assert "<h2>Data overview</h2>" in a._repr_html_()


def test_white_noise_is_not_called_chaos():
    x = np.random.default_rng(1).standard_normal(2000)
    a = analyze(x, quick=True, sections=["overview", "reconstruction", "nonlinearity"])
    surr = a.item("surrogates")
    assert surr.ok and not surr.result.rejected
    assert "chaos likely" not in a.verdict


def test_lynx_is_honest_about_length():
    # 114 points: Tsonis et al. (1993) require N >= 10**(2 + 0.4 D) (252 even for D = 1, since 10**2.4 = 251.2).
    a = analyze(datasets.load("lynx"), quick=True, sections=["overview", "reconstruction", "invariants"])
    cd = a.item("correlation_dimension")
    assert not cd.ok and "cannot support a dimension estimate" in cd.reason and "252" in cd.reason
    assert not a.item("lyapunov").ok
    assert "D2" not in json.dumps(a.summary()["sections"]["invariants"]["items"]["correlation_dimension"]["numbers"])
    assert any("No correlation dimension is reported" in f for f in a.findings)
    assert a.item("delay").ok  # what the data do support is still reported


def test_constant_and_too_short_series_are_reported_not_raised():
    a = analyze(np.full(500, 3.0), quick=True)
    assert a.item("series").ok
    assert "constant" in a.item("delay").reason and "constant" in a.item("lyapunov").reason
    assert a.verdict.startswith("no dynamics")
    b = analyze(np.sin(np.arange(10.0)), quick=True, sections=["overview", "reconstruction", "nonlinearity"])
    assert "needs at least 50 samples; the series has 10" in b.item("delay").reason
    assert "needs at least 100 samples" in b.item("surrogates").reason
    assert b.verdict.startswith("insufficient data")


def test_failing_section_is_skipped_and_rest_still_produced(monkeypatch):
    def boom(ctx):
        raise RuntimeError("kaboom")

    builders = [(k, t, i, [(ik, it, boom if ik == "stationarity" else fn) for ik, it, fn in items])
                for k, t, i, items in sections_mod.SECTION_BUILDERS[:1]]
    monkeypatch.setattr(importlib.import_module("attractor.report.analyze"), "SECTION_BUILDERS", builders)
    a = analyze(np.sin(0.1 * np.arange(300)))
    assert a.item("stationarity").reason == "unexpected RuntimeError: kaboom"
    assert a.item("series").ok
    assert "Skipped: unexpected RuntimeError: kaboom" in a.to_html()


def test_bad_options():
    with pytest.raises(ValidationError, match="unknown section"):
        analyze(np.arange(10.0), sections=["nope"])
    with pytest.raises(ValidationError, match="seed must be an integer"):
        analyze(np.arange(10.0), seed=1.5)


def test_models_section_on_full_state_lorenz():
    import re

    import attractor

    traj = attractor.system("lorenz").trajectory(2000, dt=0.01, transient=20)
    a = analyze(traj, quick=True, sections=["models"])
    sindy = a.item("sindy")
    assert sindy.ok, sindy.reason
    # Lorenz (1963): dx/dt = sigma (y - x) with sigma = 10.
    dx = sindy.text.split(";")[0]
    cx = re.search(r"([-+]?\s*[\d.]+(?:e[-+]?\d+)?) x(?= |$)", dx)
    assert cx and float(cx.group(1).replace(" ", "")) == pytest.approx(-10.0, rel=0.02), dx
    fc = a.item("forecast")
    assert fc.ok, fc.reason
    # ranked by skill against the better of persistence and climatology (issue #19)
    assert fc.result["best"] == "NGRC (2 delays)" and fc.result["skill"] > 0.9


def test_entropy_plugin_appears_when_capability_exists(monkeypatch):
    ent = importlib.import_module("attractor.analysis.entropy")
    seen = {}

    def permutation_entropy(x, order=3, delay=1, normalize=False):
        seen["order"], seen["delay"] = order, delay
        return 0.25

    monkeypatch.setattr(ent, "permutation_entropy", permutation_entropy, raising=False)
    monkeypatch.delattr(ent, "sample_entropy", raising=False)
    x = np.random.default_rng(0).standard_normal(800)
    it = analyze(x, quick=True, sections=["invariants"]).item("entropy")
    assert it.ok, it.reason
    # 800 samples: the largest order d in 3..6 with 5 d! <= N is 5 (5 * 120 = 600 <= 800 < 3600).
    assert seen["order"] == 5
    assert it.numbers["permutation entropy (order 5, normalised)"] == 0.25
    assert "not available" in it.settings["sample entropy"]
