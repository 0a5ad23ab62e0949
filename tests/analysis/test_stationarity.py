"""Trend and seasonality pre-checks (attractor.analysis.stationarity).

Published values used: KPSS critical values, Kwiatkowski, Phillips, Schmidt & Shin (1992),
J. Econometrics 54, 159, Table 1 (level: 0.347 / 0.463 / 0.739 at 10 / 5 / 1 %); the Canadian
lynx cycle of about 9.6-10 years (Elton & Nicholson 1942, J. Anim. Ecol. 11, 215; Moran 1953);
the sunspot (Schwabe) cycle of about 11 years (mean 11.0 yr, Hathaway 2015, Living Rev. Sol.
Phys. 12, 4); the annual cycle of El Nino-region SST (period 1 year).
"""
import numpy as np
import pytest

import attractor
from attractor import datasets
from attractor.analysis import deseason, detrend, kpss_test, seasonality, trend_test
from attractor.core.errors import InsufficientDataError, ValidationError

N_SEEDS = 50


def _ar1(phi, n, seed):
    e = np.random.default_rng(seed).standard_normal(n)
    x = np.zeros(n)
    for i in range(1, n):
        x[i] = phi * x[i - 1] + e[i]
    return x


def _noisy_sine(seed, n=2000, dt=0.1):
    t = np.arange(n) * dt
    return np.sin(t) + 0.3 * np.random.default_rng(seed).standard_normal(n)


def test_kpss_matches_table_and_hand_computation():
    x = np.random.default_rng(0).standard_normal(500)
    r = kpss_test(x, bandwidth=4)
    e = x - x.mean()
    s = np.cumsum(e)
    g = [np.dot(e[j:], e[:e.size - j]) / e.size for j in range(5)]
    lrv = g[0] + 2 * sum((1 - j / 5) * g[j] for j in range(1, 5))
    assert r.statistic == pytest.approx(np.sum(s ** 2) / (500 ** 2 * lrv), rel=1e-12)
    # a random walk lies far beyond the 1 % value of KPSS (1992) Table 1: p is clipped at 0.01.
    assert kpss_test(np.cumsum(np.random.default_rng(1).standard_normal(500))).p_value == 0.01
    crit = attractor.analysis.stationarity._KPSS_CRIT["level"]
    assert np.allclose(crit, [0.347, 0.463, 0.574, 0.739])


@pytest.mark.parametrize("seed", range(3))
def test_trend_kinds(seed):
    rng = np.random.default_rng(seed)
    assert trend_test(np.cumsum(rng.standard_normal(1000))).kind == "stochastic (unit root)"
    lin = trend_test(0.005 * np.arange(1000) + rng.standard_normal(1000), dt=1.0)
    assert lin.kind == "deterministic (linear)" and lin.slope == pytest.approx(0.005, abs=0.0015)
    assert trend_test(rng.standard_normal(1000)).kind == "none"


def test_trend_false_alarm_rate_white_and_red_noise():
    fa_white = sum(trend_test(np.random.default_rng(100 + s).standard_normal(1000)).detected for s in range(N_SEEDS))
    fa_red = sum(trend_test(_ar1(0.95, 1000, 200 + s)).detected for s in range(N_SEEDS))
    # measured: 0/50 and 3/50
    assert fa_white <= 0.06 * N_SEEDS and fa_red <= 0.10 * N_SEEDS


def test_seasonality_false_alarm_rate_white_and_red_noise():
    fa_white = sum(seasonality(np.random.default_rng(100 + s).standard_normal(1000)).detected for s in range(N_SEEDS))
    fa_red = sum(seasonality(_ar1(0.95, 1000, 200 + s)).detected for s in range(N_SEEDS))
    # measured: 0/50 and 0/50 (nominal false-alarm probability 0.01)
    assert fa_white <= 0.06 * N_SEEDS and fa_red <= 0.10 * N_SEEDS


def test_noisy_sine_and_quasiperiodic():
    for seed in range(3):
        r = seasonality(_noisy_sine(seed), dt=0.1)
        assert r.detected and r.kind == "periodic"
        assert r.period == pytest.approx(2 * np.pi, rel=0.01)
        assert r.strength == pytest.approx(0.5 / 0.59, abs=0.05)  # sine variance 0.5 of 0.5 + 0.09
        t = np.arange(2000) * 0.1
        q = seasonality(np.sin(t) + np.sin(np.sqrt(2) * t)
                        + 0.3 * np.random.default_rng(seed).standard_normal(2000), dt=0.1)
        assert q.kind == "quasi-periodic"
        assert sorted(round(p.period, 1) for p in q.peaks[:2]) == [4.4, 6.3]


def test_lorenz_is_not_seasonal_rossler_has_dominant_cycle():
    lz = attractor.system("lorenz").trajectory(5000, dt=0.01, transient=50).x[:, 0]
    assert not seasonality(lz, dt=0.01).detected
    ro = attractor.system("rossler").trajectory(5000, dt=0.1, transient=100).x[:, 0]
    r = seasonality(ro, dt=0.1)
    # Rossler's phase-coherent oscillation: mean return period about 6 (angular frequency near 1.05)
    assert r.detected and r.period == pytest.approx(6.0, rel=0.05)


def test_datasets_cycles():
    lynx = datasets.load("lynx")
    r = seasonality(np.log10(lynx["trappings"].to_numpy(float)), dt=1.0)
    assert r.detected and r.period == pytest.approx(9.6, abs=0.6)
    sun = seasonality(datasets.load("sunspots")["sunspots"].to_numpy(float), dt=1.0)
    assert sun.detected and sun.period == pytest.approx(11.0, abs=0.7)
    nino = seasonality(datasets.load("elnino")["sst"].to_numpy(float), dt=1.0 / 12.0)
    assert nino.detected and nino.period == pytest.approx(1.0, abs=0.02)


def test_detrend_and_deseason_restore():
    x = 0.01 * np.arange(300) + np.random.default_rng(0).standard_normal(300)
    y, line = detrend(x)
    assert np.allclose(y + line, x) and abs(np.polyfit(np.arange(300), y, 1)[0]) < 1e-12
    d, prev = detrend(x, method="difference")
    assert np.allclose(d + prev, x[1:])
    m = np.tile(np.arange(12.0), 20) + np.random.default_rng(1).standard_normal(240) * 0.1
    r, cyc = deseason(m, 12, method="mean_cycle")
    assert np.allclose(r + cyc, m) and np.std(r) < 0.15
    r2, _ = deseason(_noisy_sine(0), 2 * np.pi, dt=0.1)
    assert np.std(r2) == pytest.approx(0.3, abs=0.03)


def test_bad_input():
    with pytest.raises(InsufficientDataError):
        trend_test(np.arange(5.0))
    with pytest.raises(ValidationError):
        seasonality(np.ones(100))
    with pytest.raises(ValidationError):
        deseason(np.arange(100.0), 7.5, method="mean_cycle")
    with pytest.raises(ValidationError):
        detrend(np.arange(10.0), method="quadratic")
    with pytest.raises(ValidationError):
        kpss_test(np.random.default_rng(0).standard_normal(50), regression="x")
    with pytest.raises(ValidationError, match="alpha"):
        trend_test(np.random.default_rng(0).standard_normal(50), alpha=None)
    with pytest.raises(ValidationError, match="far"):
        seasonality(np.random.default_rng(0).standard_normal(50), far=2.0)
    with pytest.raises(ValidationError):
        trend_test(np.full(50, np.nan))


def test_kpss_and_adf_agree_with_statsmodels():
    # Cross-check (statsmodels 0.15.0, kpss(nlags="auto"), adfuller(regression="ct", maxlag=18,
    # autolag=None), run once in a separate environment): KPSS level eta / p / bandwidth, KPSS
    # trend eta, ADF t and MacKinnon (2010) 5 % critical value -3.4197 for T = 481.
    from attractor.analysis.stationarity import _adf

    rng = np.random.default_rng(0)
    wn = rng.standard_normal(500)
    rw = np.cumsum(rng.standard_normal(500))
    ar = np.convolve(rng.standard_normal(600), 0.9 ** np.arange(100))[100:600]
    expected = {"wn": (0.10846, 0.1, 5, 0.07997, -5.2733), "rw": (2.78425, 0.01, 12, 0.41159, -1.1084),
                "ar": (0.16216, 0.1, 12, 0.16456, -3.1339)}
    for name, x in (("wn", wn), ("rw", rw), ("ar", ar)):
        eta, p, bw, eta_t, adf = expected[name]
        k = kpss_test(x)
        assert k.statistic == pytest.approx(eta, abs=1e-5) and k.p_value == p and k.bandwidth == bw
        assert kpss_test(x, "trend").statistic == pytest.approx(eta_t, abs=1e-5)
        t, lags, crit = _adf(x)
        assert t == pytest.approx(adf, abs=1e-4) and lags == 18 and crit[0.05] == pytest.approx(-3.4197, abs=1e-4)


def test_seasonality_memory_stays_linear_in_the_series_length():
    # The running-median background once copied every window: O(n_bins x window) memory,
    # 7.9 GB for 200 000 samples (the long-input cap of analyze). Now a budget of window elements.
    import tracemalloc

    from attractor.analysis.stationarity import seasonality

    x = np.sin(2 * np.pi * np.arange(200_000) / 1000.0) + 0.1 * np.random.default_rng(0).standard_normal(200_000)
    tracemalloc.start()
    res = seasonality(x)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 200e6, f"peak {peak / 1e6:.0f} MB"
    assert res.detected and abs(res.period - 1000.0) < 10.0
