"""Verdicts on the bundled real data sets (issue #19 "must be shown").

Requirement: the verdicts on the lynx, sunspot and El Niño series state the seasonality / trend
the pre-checks find, and never claim low-dimensional chaos from unreliable items (an unreliable
Lyapunov exponent or correlation dimension is listed as "not used", never quoted as a reason).
These are short, noisy, strongly cyclic records (lynx: 114 annual counts, Elton & Nicholson 1942;
sunspots: annual means; El Niño: monthly Niño-3.4 index): none of them supports a chaos claim
with the tests of the report, so the verdict must not make one.
"""
import warnings

import pytest

from attractor import datasets
from attractor.report import analyze
from attractor.report.verdict import CHAOS

# The items the verdict does not read are left out (as in benchmarks/bench_false_positives.py).
_EXCLUDE = ("attractor", "entropy", "rqa", "sindy", "probabilistic")  # the verdict reads none of them


def _item(a, key):
    try:
        return a.item(key)
    except KeyError:
        return None


def _analyse(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analyze(datasets.load(name), quick=True, exclude_items=_EXCLUDE, figures=False)


@pytest.mark.parametrize("name", ["lynx", "sunspots", "elnino"])
def test_real_data_verdict_states_cycles_and_trend_and_never_claims_chaos_from_unreliable_items(name):
    a = _analyse(name)
    text = " ".join(a.findings + a.reasons).lower()
    season = _item(a, "seasonality")
    trend = _item(a, "stationarity")
    # all three records are dominated by a cycle (lynx ~ 9.6 yr, sunspots ~ 11 yr, El Niño: the annual cycle):
    # the pre-check must find it, and the verdict must say so
    assert season is not None and season.ok and season.result.detected, name
    assert a.verdict != CHAOS or _item(a, "lyapunov").reliable is True
    if season is not None and season.ok and getattr(season.result, "detected", False):
        assert "seasonal" in text or "periodic" in text, (name, a.findings)
    if trend is not None and trend.ok and getattr(trend.result, "detected", False):
        assert "trend" in text, (name, a.findings)
    # unreliable items never feed the summary
    lam, d2 = _item(a, "lyapunov"), _item(a, "correlation_dimension")
    if lam is not None and lam.reliable is False:
        assert a.verdict != CHAOS, (name, a.reasons)
        assert not any("λ1" in r for r in a.reasons), (name, a.reasons)
    if d2 is not None and d2.reliable is False:
        assert not any(r.startswith("D2") for r in a.reasons), (name, a.reasons)
        assert not any("fractal" in f for f in a.findings if "not used" not in f.lower()), (name, a.findings)
    if a.verdict == CHAOS:  # a chaos claim needs a reliable positive exponent
        assert lam is not None and lam.reliable is True
