"""The stochastic-dynamics section of ``analyze`` (issue #14 item 5).

Reference values: the catalogue double well ``dx = (x - x^3) dt + sigma dW`` has stable drift
zeros at x = ±1 (closed form); an Ornstein–Uhlenbeck process ``dx = -theta x dt + s dW`` has a
linear drift with one stable zero at 0 (Gardiner, Stochastic Methods, 4th ed., §3.8.4).
"""
import numpy as np
import pytest

import attractor
from attractor.report.analyze import analyze


def _item(a):
    sec = [s for s in a.sections if s.key == "stochastic"]
    assert sec, "the stochastic section is missing"
    return sec[0].items[0]


def test_double_well_is_bistable_with_wells_near_plus_minus_one():
    # dt = 0.05 (not the catalogue's 0.01) so that the 5000 quick-mode samples span hops between the wells
    # (at dt = 0.1 the Euler residual variance is 0.86, outside the residual check's 10 %)
    traj = attractor.system("double_well").trajectory(10000, seed=3, dt=0.05)
    x = np.asarray(traj.x).reshape(traj.n_times, -1)[:, 0]
    a = analyze(x, dt=0.05, quick=True, seed=0, sections=["stochastic"], figures=False)
    res = _item(a).result
    assert res["drift_kind"] == "bistable"
    zeros = sorted(res["stable_zeros"])
    assert len(zeros) == 2
    assert zeros[0] == pytest.approx(-1.0, abs=0.25) and zeros[1] == pytest.approx(1.0, abs=0.25)
    assert res["markov_diffusion"]


def test_ou_is_linear():
    rng = np.random.default_rng(0)
    theta, s, dt, n = 1.0, 1.0, 0.01, 8000
    a_ = np.exp(-theta * dt)
    sd = s * np.sqrt((1 - a_ ** 2) / (2 * theta))
    y = np.zeros(n)
    for i in range(1, n):
        y[i] = a_ * y[i - 1] + sd * rng.normal()
    a = analyze(y, dt=dt, quick=True, seed=0, sections=["stochastic"], figures=False)
    res = _item(a).result
    assert res["drift_kind"] == "linear"
    assert res["markov_diffusion"]


def test_verdict_double_well_is_stochastic_bistable_never_chaos():
    traj = attractor.system("double_well").trajectory(10000, seed=3, dt=0.05)
    x = np.asarray(traj.x).reshape(traj.n_times, -1)[:, 0]
    v = analyze(x, dt=0.05, quick=True, seed=0, figures=False).verdict
    assert "stochastic" in v and "bistable" in v and "chaos" not in v


def test_verdict_ou_is_stochastic_linear():
    rng = np.random.default_rng(0)
    n, a_ = 8000, np.exp(-0.01)
    y = np.zeros(n)
    for i in range(1, n):
        y[i] = a_ * y[i - 1] + np.sqrt(1 - a_ ** 2) * rng.normal()
    v = analyze(y, dt=0.01, quick=True, seed=0, figures=False).verdict
    assert "stochastic" in v and "linear" in v and "nonlinear" not in v


def test_verdict_white_noise_makes_no_nonlinear_claim():
    from attractor.report.verdict import CLAIM_LABELS
    v = analyze(np.random.default_rng(0).normal(size=5000), dt=1.0, quick=True, seed=0, figures=False).verdict
    assert v not in CLAIM_LABELS and "nonlinear" not in v and "chaos" not in v
