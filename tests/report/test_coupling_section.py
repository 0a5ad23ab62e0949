"""The coupling section of the report (issue #18): links found, no false links, skips, budget."""
from __future__ import annotations

import time

import numpy as np
import pytest

from attractor.report import analyze
from attractor.report.section_coupling import MAX_CHANNELS, holm


def _coupled_logistic(n: int, seed: int) -> np.ndarray:
    """Sugihara et al. (2012) maps with x driving y only (rx 3.8, ry 3.5, byx 0.1, bxy 0)."""
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(0.2, 0.8, 2)
    out = np.empty((n + 200, 2))
    for t in range(n + 200):
        x, y = x * (3.8 - 3.8 * x), y * (3.5 - 3.5 * y - 0.1 * x)
        out[t] = x, y
    return out[200:]


def test_coupled_logistic_file_link_found(tmp_path):
    d = _coupled_logistic(2000, 0)
    path = tmp_path / "maps.csv"
    np.savetxt(path, d, delimiter=",", header="prey,predator", comments="")
    a = analyze(path, quick=True, sections=["coupling"], figures=True)
    it = a.item("coupling")
    assert it.ok, it.reason
    assert a.summary()["sections"]["coupling"]["items"]["coupling"]["numbers"]["links claimed"] == 1
    claimed = [(r["i"], r["j"]) for r in it.result if r["claimed"]]
    assert claimed == [(0, 1)]  # prey -> predator, and not back
    assert "prey → predator" in it.text and it.figures and it.figures[0].png
    if it.settings["CCM"] != "not computed":  # CCM (attractor.ccm) agrees on this classic case
        assert "CCM agrees" in it.text
    assert any(f.startswith("Coupling: transfer entropy supports 1 directed link(s)") and "prey → predator" in f
               for f in a.findings)


def test_independent_noise_channels_no_link():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3000, 3))
    x[:, 1] = np.convolve(x[:, 1], np.ones(3) / 3, mode="same")  # some autocorrelation
    it = analyze(x, quick=True, sections=["coupling"], figures=False).item("coupling")
    assert it.ok, it.reason
    assert it.numbers["links claimed"] == 0
    assert "No directed coupling is supported" in it.text


def test_single_channel_skipped_and_channel_cap(monkeypatch):
    x = np.random.default_rng(0).standard_normal(500)
    a = analyze(x, quick=True, sections=["coupling"], figures=False)
    assert "coupling" not in [s.key for s in a.sections]  # one channel: no coupling section at all
    from attractor.report.sections import Context, run_item
    from attractor.report.io import prepare_data
    from attractor.report.section_coupling import _coupling

    it = run_item(Context(prepare_data(x, dt=1.0), quick=True), "coupling", "Directed coupling", _coupling)
    assert not it.ok and "two channels" in it.reason
    assert MAX_CHANNELS == 6
    monkeypatch.setattr("attractor.report.section_coupling.MAX_CHANNELS", 2)  # the cap, cheaply
    wide = np.random.default_rng(1).standard_normal((300, 3))
    it = analyze(wide, quick=True, sections=["coupling"], figures=False).item("coupling")
    assert it.ok and "first 2 of 3" in it.settings["channels"]
    assert len(it.result) == 2  # 2 channels: 2 ordered pairs


def test_budget_three_channels_quick():
    """<= ~3 s on an idle machine for 3 channels x 10^4 samples in quick mode (CPU time checked,
    with a margin: the shared test machine's wall time is not a measure)."""
    d = _coupled_logistic(10_000, 1)
    x = np.column_stack([d, np.random.default_rng(2).standard_normal(10_000)])
    analyze(x[:400], quick=True, sections=["coupling"], figures=False)  # warm-up (Numba load)
    c0 = time.process_time()
    it = analyze(x, quick=True, sections=["coupling"], figures=True).item("coupling")
    assert it.ok and time.process_time() - c0 < 6.0
    # the x0 -> x1 link is found and survives conditioning on the third (noise) channel
    claimed = [r for r in it.result if r["claimed"]]
    assert [(r["i"], r["j"]) for r in claimed] == [(0, 1)]
    assert claimed[0]["direct"] is True and claimed[0]["given"] == [2]
    assert "x0 → x1: TE given x2 (effective), p" in it.numbers


def test_holm():
    # Holm (1979): sorted p * (m - rank), running maximum, capped at 1
    assert holm(np.array([0.01, 0.04, 0.03, 0.005])).tolist() == pytest.approx([0.03, 0.06, 0.06, 0.02])
