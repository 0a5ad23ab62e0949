"""The probabilistic-forecast section of ``analyze`` (issue #15 item 6).

Its one sentence must stay true on pure noise (no skill at any lead), short data (skipped with the
reason, or no claim), periodic data (skill over the whole tested horizon, as a lower bound, in time
units because λ1 of a periodic signal is not a reliable positive number) and trending data, and it
converts to Lyapunov times only with a reliable λ1 (Lorenz-63: λ1 = 0.9056, Wolf et al. 1985,
Physica D 16, 285).
"""
from types import SimpleNamespace

import numpy as np
import pytest

import attractor
from attractor.report.analyze import analyze
from attractor.report.io import prepare_data
from attractor.report.section_probabilistic import MIN_SAMPLES, _probabilistic
from attractor.report.sections import SECTION_BUILDERS, Context, run_item


def _item(x, dt=1.0, figures=False, **kw):
    a = analyze(x, dt=dt, quick=True, seed=0, sections=["probabilistic"], figures=figures, **kw)
    return a.item("probabilistic")


def _ctx_item(x, dt, lyapunov=None, shared=None):
    ctx = Context(prepare_data(x, dt=dt), quick=True, seed=0)
    ctx.shared.update(shared or {})
    if lyapunov is not None:
        ctx.shared["lyapunov"] = lyapunov
    return run_item(ctx, "probabilistic", "Probabilistic", _probabilistic), ctx


def test_section_is_registered():
    assert "probabilistic" in [s[0] for s in SECTION_BUILDERS]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_white_noise_is_no_better_than_climatology_at_any_lead(seed):
    it = _item(np.random.default_rng(seed).standard_normal(5000))
    assert it.ok, it.reason
    assert it.result["skill_horizon_leads"] == 0
    assert "no better than climatology at any lead" in it.text or "has no skill horizon" in it.text
    assert "stays better" not in it.text and "Lyapunov" not in it.text.split(".")[0]


def test_short_data_are_skipped_with_the_reason_or_make_no_false_claim():
    it = _item(np.random.default_rng(0).standard_normal(MIN_SAMPLES - 100))
    assert not it.ok and f"at least {MIN_SAMPLES} samples" in it.reason
    it = _item(np.random.default_rng(0).standard_normal(MIN_SAMPLES + 20))
    assert it.ok, it.reason
    assert it.result["skill_horizon_leads"] == 0 and "stays better" not in it.text
    assert _item(np.zeros(2000)).status == "skipped"   # constant: nothing to forecast


def test_periodic_signal_is_skilful_over_the_whole_horizon_in_time_units():
    t = np.arange(5000) * 0.05
    it = _item(np.sin(2 * np.pi * t / 3.0), dt=0.05)
    assert it.ok, it.reason
    res = it.result
    assert res["lower_bound"] and res["skill_horizon_leads"] == res["horizon"]
    assert res["crps_skill"] > 0.9
    assert "at least" in it.text and "the whole tested horizon" in it.text
    assert "stated in time units because no λ1 was estimated" in it.text
    # the report's λ1 of a sine is flagged unreliable: still time units, with that reason
    bad = SimpleNamespace(exponent=0.02, reliable=False, checks={"linear region": False})
    it2, _ = _ctx_item(np.sin(2 * np.pi * t / 3.0), 0.05, lyapunov=bad)
    assert "Lyapunov times" not in it2.text and "unreliable (failed checks: linear region)" in it2.text


def test_exactly_repeating_data_say_calibration_is_undefined():
    it = _item(np.tile([0.0, 1.0, 2.0, 1.0], 500))
    assert it.ok, it.reason
    assert it.result["lower_bound"] and it.result["calibrated"] is None
    assert "calibration (PIT, spread–skill) is undefined" in it.text


def test_random_walk_claim_matches_its_numbers():
    it = _item(np.cumsum(np.random.default_rng(3).standard_normal(5000)))
    assert it.ok, it.reason
    n = it.result["skill_horizon_leads"]
    # a random walk leaves its training range: a forecast anchored at the last value beats climatology
    assert n > 0 and "stays better than climatology" in it.text
    assert it.result["skill_horizon_time"] == pytest.approx(n * it.result["dt"])


def test_lyapunov_times_only_with_a_reliable_exponent_and_figures():
    traj = attractor.system("lorenz").trajectory(6000, transient=50)
    x = traj.x[:, 0]
    good = SimpleNamespace(exponent=0.9056, reliable=True, checks={})
    it, ctx = _ctx_item(x, traj.dt, lyapunov=good, shared={"dimension": 3, "delay": 12})
    assert it.ok, it.reason
    res = it.result
    assert res["skill_horizon_leads"] > 0, it.text     # the ensemble beats climatology at short leads on Lorenz
    assert res["skill_horizon_lyapunov"] == pytest.approx(res["skill_horizon_time"] * 0.9056)
    assert "Lyapunov times (λ1 = 0.906" in it.text
    assert res["horizon"] * res["dt"] * 0.9056 <= 5.0 + 1e-9    # at most 5 Lyapunov times are tested
    assert len(it.figures) == 1 and it.figures[0].png.startswith(b"\x89PNG")
    neg = SimpleNamespace(exponent=-0.1, reliable=True, checks={})
    it2, _ = _ctx_item(x, traj.dt, lyapunov=neg, shared={"dimension": 3, "delay": 12})
    assert "Lyapunov times" not in it2.text and "is not positive" in it2.text


def test_multichannel_data_use_the_channels_together():
    traj = attractor.system("lorenz").trajectory(3000, transient=50)
    it = _item(traj.x, dt=traj.dt)
    assert it.ok, it.reason
    assert it.settings["channels"].count(",") == 2 and it.settings["thinning (samples)"] == 1
    # with all three states the next state is nearly determined: a sharp ensemble at the first lead
    assert it.result["skill_horizon_leads"] > 0
