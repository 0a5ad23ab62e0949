"""Tests of surrogate data and surrogate-data tests for nonlinearity.

References: Theiler, Eubank, Longtin, Galdrikian & Farmer (1992), Physica D 58, 77
("Theiler 1992"); Schreiber & Schmitz (1996), PRL 77, 635; Schreiber & Schmitz (2000),
Physica D 142, 346 ("S&S 2000"); Prichard & Theiler (1994), PRL 73, 951; Sugihara &
May (1990), Nature 344, 734.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import attractor
from attractor.analysis.surrogates import (
    SURROGATE_METHODS,
    SurrogateTestResult,
    end_to_end_segment,
    dominant_period,
    prediction_error,
    pseudoperiodic_settings,
    surrogate_test,
    surrogates,
    time_reversal_asymmetry,
)
from attractor.core.errors import ConvergenceWarning, InsufficientDataError, ReliabilityWarning, ValidationError
from attractor.plotting.surrogates import plot_surrogate_test

N = 4096
N_SEEDS = 5


def _ar2(n: int, seed: int, a1: float = 1.6, a2: float = -0.8) -> np.ndarray:
    """Linear Gaussian AR(2): x_n = 1.6 x_{n-1} - 0.8 x_{n-2} + e_n (poles of modulus 0.89,
    a damped oscillation of period about 12 samples); 500 samples of transient dropped."""
    e = np.random.default_rng(seed).standard_normal(n + 500)
    x = np.zeros(n + 500)
    for t in range(2, n + 500):
        x[t] = a1 * x[t - 1] + a2 * x[t - 2] + e[t]
    return x[500:]


@pytest.fixture(scope="module")
def lorenz_segments() -> list[np.ndarray]:
    """Five consecutive, non-overlapping segments of N = 4096 samples of Lorenz x
    (sigma=10, rho=28, beta=8/3) sampled at dt = 0.05, i.e. the dt = 0.01 orbit
    subsampled 5 times (205 time units, about 150 loops per segment). At dt = 0.01 a
    4096-sample record spans only about 30 loops, and in some segments one half of the
    record does not cover the other (nearest-neighbour distances 10x larger), which
    makes the cross-validated prediction error uninformative (seen: 4/5 rejected)."""
    x = attractor.system("lorenz").trajectory(N_SEEDS * N, dt=0.05, transient=50).x[:, 0]
    return [x[k * N:(k + 1) * N] for k in range(N_SEEDS)]


@pytest.fixture(scope="module")
def ar2_series() -> list[np.ndarray]:
    return [_ar2(N, 100 + k) for k in range(N_SEEDS)]


@pytest.fixture(scope="module")
def lorenz_short() -> np.ndarray:
    return attractor.system("lorenz").trajectory(1024, dt=0.02, transient=50).x


# --------------------------------------------------------------------------- the tests for nonlinearity
def test_lorenz_rejected_by_prediction_error(lorenz_segments):
    """Deterministic chaos is more predictable than its linear (IAAFT) surrogates
    (Sugihara & May 1990; Theiler 1992; S&S 2000). One-sided test, alpha = 0.05,
    39 surrogates (smallest p = 1/40). Obtained: rejected 5/5, p = 0.025 each, data
    error 0.06-0.14 vs a surrogate median of about 0.31 (delay 7 from the 1/e
    autocorrelation rule, m = 3, k = 4, horizon 1)."""
    results = [surrogate_test(x, statistic="nonlinear_prediction", method="iaaft", n_surrogates=39,
                              alpha=0.05, seed=seed) for seed, x in enumerate(lorenz_segments)]
    assert sum(r.rejected for r in results) == 5
    for r in results:
        assert r.alternative == "less"
        assert r.data_statistic < 0.5 * np.median(r.surrogate_statistics)


def test_linear_gaussian_ar2_not_rejected(ar2_series):
    """A linear Gaussian AR(2) process satisfies the IAAFT null hypothesis, so the test
    rejects with probability alpha = 0.05 per realisation; over 5 realisations at most
    1 rejection is expected (P(>= 2) = 2.3 %). Obtained: 0/5 (p = 0.625, 0.125, 1.0,
    0.1, 0.275)."""
    results = [surrogate_test(x, statistic="nonlinear_prediction", method="iaaft", n_surrogates=39,
                              alpha=0.05, seed=seed) for seed, x in enumerate(ar2_series)]
    assert sum(r.rejected for r in results) <= 1


def test_time_reversal_henon_rejected_ar2_not():
    """The Henon map is irreversible: its increments are strongly skewed (Q(1) about -0.68),
    while for linear Gaussian surrogates Q = 0 up to sampling error (Theiler 1992; S&S
    2000, 'Higher order statistics'). Two-sided, 39 IAAFT surrogates, alpha = 0.05 (smallest p = 2/40).
    Obtained: Henon rejected 3/3 (p = 0.05), AR(2) rejected 0/3.
    (Lorenz x is *not* a valid example here: the x -> -x symmetry of the Lorenz system
    makes its increment distribution symmetric, so Q ~ 0; Lorenz z is asymmetric.)"""
    x = attractor.system("henon").trajectory(3 * 2048, transient=100).x[:, 0]
    henon = [surrogate_test(x[k * 2048:(k + 1) * 2048], statistic="time_reversal", n_surrogates=39,
                            seed=k) for k in range(3)]
    assert all(r.rejected for r in henon)
    assert all(r.alternative == "two-sided" for r in henon)
    assert all(r.data_statistic == pytest.approx(-0.68, abs=0.1) for r in henon)
    linear = [surrogate_test(_ar2(2048, 200 + k), statistic="time_reversal", n_surrogates=39, seed=k)
              for k in range(3)]
    assert sum(r.rejected for r in linear) == 0


# --------------------------------------------------------------------------- surrogate properties
def test_iaaft_exact_values_and_close_spectrum(lorenz_segments):
    """IAAFT (Schreiber & Schmitz 1996): the surrogates' sorted values equal the data's
    exactly, and the Fourier amplitudes agree to a relative L2 error below 1 %
    (obtained about 0.13 %). AAFT, which IAAFT refines, has a much larger spectral
    error (obtained about 14 %)."""
    x = lorenz_segments[0]
    A = np.abs(np.fft.rfft(x))

    def spec_err(s):
        return np.sqrt(np.sum((np.abs(np.fft.rfft(s, axis=-1)) - A) ** 2, axis=-1) / np.sum(A ** 2))

    s = surrogates(x, method="iaaft", n_surrogates=5, seed=1)
    assert s.shape == (5, N)
    np.testing.assert_array_equal(np.sort(s, axis=1), np.broadcast_to(np.sort(x), s.shape))
    assert np.all(spec_err(s) < 0.01)
    a = surrogates(x, method="aaft", n_surrogates=5, seed=1)
    np.testing.assert_array_equal(np.sort(a, axis=1), np.broadcast_to(np.sort(x), a.shape))
    assert np.all(spec_err(a) > 5 * spec_err(s).max())
    # surrogates are not the data (nor one another)
    assert not np.array_equal(s[0], x) and not np.array_equal(s[0], s[1])


def test_ft_preserves_periodogram_exactly():
    """Phase randomisation keeps |X_k| for every frequency (Theiler 1992), hence the
    periodogram and the mean, to round-off."""
    x = _ar2(1001, 3) + 2.0        # odd length and a non-zero mean
    for n in (1001, 1000):
        s = surrogates(x[:n], method="ft", n_surrogates=4, seed=0)
        P = np.abs(np.fft.rfft(x[:n])) ** 2
        Ps = np.abs(np.fft.rfft(s, axis=1)) ** 2
        np.testing.assert_allclose(Ps, np.broadcast_to(P, Ps.shape), rtol=1e-9, atol=1e-9 * P.max())
        np.testing.assert_allclose(s.mean(axis=1), x[:n].mean(), rtol=1e-12)
        assert not np.allclose(s[0], x[:n])


def test_shuffle_preserves_values_and_rows(lorenz_short):
    x = lorenz_short[:, 0]
    s = surrogates(x, method="shuffle", n_surrogates=3, seed=4)
    np.testing.assert_array_equal(np.sort(s, axis=1), np.broadcast_to(np.sort(x), s.shape))
    # multivariate: whole rows (state vectors) are permuted together
    S = surrogates(lorenz_short, method="shuffle", n_surrogates=2, seed=4)
    assert S.shape == (2, 1024, 3)
    rows = {tuple(r) for r in lorenz_short}
    assert all(tuple(r) in rows for r in S[0])


def test_multivariate_ft_keeps_cross_spectrum(lorenz_short):
    """Same random phase in every channel keeps all cross-spectra X_a X_b* exactly
    (Prichard & Theiler 1994)."""
    X = np.fft.rfft(lorenz_short, axis=0)
    S = np.fft.rfft(surrogates(lorenz_short, method="ft", n_surrogates=3, seed=2), axis=1)
    for a, b in [(0, 1), (0, 2), (1, 2)]:
        cs = X[:, a] * np.conj(X[:, b])
        css = S[:, :, a] * np.conj(S[:, :, b])
        np.testing.assert_allclose(css, np.broadcast_to(cs, css.shape), atol=1e-9 * np.abs(cs).max())


def test_multivariate_iaaft_values_and_cross_correlation(lorenz_short):
    """Multivariate IAAFT (S&S 2000, 'Iterative multivariate surrogates'): each channel keeps its exact values and the
    equal-time cross-correlation of x and y (0.88 here) is kept to within 0.03."""
    xy = lorenz_short[:, :2]
    S = surrogates(xy, method="iaaft", n_surrogates=3, seed=5)
    assert S.shape == (3, 1024, 2)
    for c in range(2):
        np.testing.assert_array_equal(np.sort(S[:, :, c], axis=1), np.broadcast_to(np.sort(xy[:, c]), (3, 1024)))
    r0 = np.corrcoef(xy[:, 0], xy[:, 1])[0, 1]
    for s in S:
        assert np.corrcoef(s[:, 0], s[:, 1])[0, 1] == pytest.approx(r0, abs=0.03)


@pytest.mark.parametrize("method", SURROGATE_METHODS)
def test_seeding(method):
    x = _ar2(512, 1)
    a = surrogates(x, method=method, n_surrogates=2, seed=11)
    b = surrogates(x, method=method, n_surrogates=2, seed=11)
    c = surrogates(x, method=method, n_surrogates=2, seed=12)
    d = surrogates(x, method=method, n_surrogates=2, seed=np.random.default_rng(11))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, d)
    assert not np.array_equal(a, c)


def test_iaaft_not_converged_warns():
    x = _ar2(512, 1)
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        s = surrogates(x, method="iaaft", n_surrogates=2, seed=0, max_iter=2)
    np.testing.assert_array_equal(np.sort(s, axis=1), np.broadcast_to(np.sort(x), s.shape))


# --------------------------------------------------------------------------- statistics
def test_time_reversal_sawtooth_exact():
    """x_n = n mod 10: lag-1 increments are +1 (9 of 10) and -9 (1 of 10), so
    <d^3> = (9 - 729)/10 = -72, <d^2> = (9 + 81)/10 = 9, Q = -72 / 27 = -8/3;
    the time-reversed series gives +8/3."""
    x = np.arange(1001) % 10.0      # 1000 increments = 100 whole periods
    assert time_reversal_asymmetry(x) == pytest.approx(-8 / 3, rel=1e-12)
    assert time_reversal_asymmetry(x[::-1]) == pytest.approx(8 / 3, rel=1e-12)


def test_prediction_error_known_values():
    """White noise: the prediction is the mean of k independent values, so the error
    variance is sigma^2 (1 + 1/k): epsilon = sqrt(1.25) = 1.118 for k = 4 (tolerance
    0.04; over 30 seeds the mean is 1.120 with standard deviation 0.009). The logistic
    map x -> 4x(1-x) is predicted almost exactly
    from one delay coordinate (obtained epsilon = 0.002; bound 0.05)."""
    for seed in range(2):
        u = np.random.default_rng(seed).standard_normal(4000)
        assert prediction_error(u, dimension=2, delay=1, n_neighbors=4) == pytest.approx(np.sqrt(1.25), abs=0.04)
    x = attractor.system("logistic", r=4.0).trajectory(4000, x0=[0.3], transient=100).x[:, 0]
    assert prediction_error(x, dimension=1, delay=1) < 0.05


def test_p_value_formula_and_ties():
    """Rank p-values (see surrogate_test): a lag-1 autocorrelation of 0.9 against shuffled
    surrogates (autocorrelation about 0) is the most extreme of K + 1 = 20 values:
    p = 1/20 one-sided, 2/20 two-sided. A statistic equal on data and all surrogates (the
    mean, for shuffles) ties everywhere and gives p = 1."""
    x = _ar2(2000, 7, a1=0.9, a2=0.0)

    def lag1(s):
        return float(np.corrcoef(s[:-1], s[1:])[0, 1])

    r1 = surrogate_test(x, statistic=lag1, method="shuffle", n_surrogates=19, seed=0, two_sided=False)
    assert r1.p_value == pytest.approx(1 / 20) and r1.rejected and r1.alternative == "greater"
    assert r1.statistic == "lag1" and r1.surrogate_statistics.shape == (19,)
    r2 = surrogate_test(x, statistic=lag1, method="shuffle", n_surrogates=39, seed=0)
    assert r2.p_value == pytest.approx(2 / 40) and r2.rejected and r2.alternative == "two-sided"
    r3 = surrogate_test(x, statistic=lambda s: round(float(np.mean(s)), 9), method="shuffle",
                        n_surrogates=19, seed=0, two_sided=False)
    assert r3.p_value == 1.0 and not r3.rejected


def test_result_contents_and_plot(ar2_series):
    from matplotlib.figure import Figure

    r = surrogate_test(ar2_series[0][:1024], statistic="nonlinear_prediction", n_surrogates=19, seed=3,
                       statistic_kwargs={"dimension": 2, "delay": 2}, trim=True)
    assert isinstance(r, SurrogateTestResult)
    assert r.statistic_kwargs == {"dimension": 2, "delay": 2, "horizon": 1, "n_neighbors": 3}
    assert r.method == "iaaft" and r.n_surrogates == 19 and r.alpha == 0.05 and r.seed == 3
    assert "linear Gaussian" in r.null_hypothesis
    start, stop = r.segment
    assert (start, stop) == end_to_end_segment(ar2_series[0][:1024]) and stop - start >= 0.9 * 1024
    fig = plot_surrogate_test(r)
    assert isinstance(fig, Figure)
    title = fig.axes[0].get_title()
    assert ("not rejected" in title) != r.rejected
    with pytest.raises(ValidationError, match="SurrogateTestResult"):
        plot_surrogate_test("nope")


def test_end_to_end_segment_is_brute_force_optimum():
    """The returned segment minimises 0.5 d_jump + 0.5 d_slip (S&S 2000, 'Periodicity artefacts') over
    all segments of length >= min_length (checked by brute force)."""
    x = _ar2(200, 9)

    def mismatch(seg):
        v = np.sum((seg - seg.mean()) ** 2)
        return 0.5 * (seg[0] - seg[-1]) ** 2 / v + 0.5 * ((seg[1] - seg[0]) - (seg[-1] - seg[-2])) ** 2 / v

    start, stop = end_to_end_segment(x, min_length=150, smooth_lengths=False)
    best = min(mismatch(x[s:s + L]) for L in range(150, 201) for s in range(0, 201 - L))
    assert mismatch(x[start:stop]) == pytest.approx(best, rel=1e-9)
    assert stop - start >= 150
    assert mismatch(x[start:stop]) <= mismatch(x)
    s = surrogates(x, method="ft", n_surrogates=2, seed=0, trim=True)
    a, b = end_to_end_segment(x)
    assert s.shape == (2, b - a)


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("bad, exc, match", [
    (np.r_[np.zeros(5), np.nan, np.arange(10.0)], ValidationError, "non-finite"),
    (np.r_[np.zeros(5), np.inf, np.arange(10.0)], ValidationError, "non-finite"),
    (np.ones(50), ValidationError, "constant"),
    (np.arange(7.0), InsufficientDataError, "at least 8"),
])
def test_bad_series(bad, exc, match):
    with pytest.raises(exc, match=match):
        surrogates(bad, method="ft")
    with pytest.raises(exc, match=match):
        surrogate_test(bad, n_surrogates=19)


def test_bad_arguments():
    x = _ar2(256, 0)
    with pytest.raises(ValidationError, match="valid methods are shuffle, ft, aaft, iaaft"):
        surrogates(x, method="phase")
    with pytest.raises(ValidationError, match="valid methods are"):
        surrogate_test(x, method="bootstrap")
    for k in (0, -3, 2.5):
        with pytest.raises(ValidationError, match="n_surrogates"):
            surrogates(x, n_surrogates=k)
    with pytest.raises(ValidationError, match="n_surrogates"):
        surrogate_test(x, n_surrogates=0)
    for a in (0.0, 1.0, -0.1, 1.5, "x"):
        with pytest.raises(ValidationError, match="alpha"):
            surrogate_test(x, alpha=a)
    with pytest.raises(ValidationError, match="statistic must be a callable or one of"):
        surrogate_test(x, statistic="kurtosis")
    with pytest.raises(ValidationError, match="unknown statistic_kwargs"):
        surrogate_test(x, statistic="time_reversal", statistic_kwargs={"delay": 2})
    with pytest.raises(ValidationError, match="dimension"):
        surrogate_test(np.c_[x, x[::-1]], statistic="time_reversal")
    with pytest.raises(ValidationError, match="seed"):
        surrogates(x, seed="abc")
    with pytest.raises(ValidationError, match="max_iter"):
        surrogates(x, max_iter=0)
    with pytest.raises(ValidationError, match="n_neighbors"):
        prediction_error(x, n_neighbors=0)
    with pytest.raises(InsufficientDataError, match="prediction_error needs"):
        prediction_error(x[:20], dimension=5, delay=3)


def test_too_few_surrogates_warns():
    x = _ar2(256, 0)
    with pytest.warns(ReliabilityWarning, match="can never reject"):
        r = surrogate_test(x, statistic="time_reversal", n_surrogates=10, seed=0)
    assert not r.rejected
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        surrogate_test(x, statistic="nonlinear_prediction", n_surrogates=19, seed=0)   # one-sided: 1/20 ok


# ----------------------------------------------------------------------------- pseudo-periodic
# Small, Yu & Harrison (2001), PRL 87, 188101: pseudo-periodic surrogates realise "periodic orbit
# plus uncorrelated noise"; a noisy periodic orbit is not rejected, chaotic (Rossler) flow is.
_PPS = {"dimension": 6, "rho_factor": 0.6}   # calibrated on this noisy sine (see the module docstring)


def _noisy_sine(seed, n=2000, dt=0.1):
    return np.sin(np.arange(n) * dt) + 0.3 * np.random.default_rng(seed).standard_normal(n)


def test_pseudoperiodic_surrogates_basic_and_seeded():
    x = _noisy_sine(0)
    s1 = surrogates(x, "pseudoperiodic", 3, seed=4, method_kwargs=_PPS)
    s2 = surrogates(x, "pseudoperiodic", 3, seed=4, method_kwargs=_PPS)
    assert s1.shape == (3, x.size) and np.array_equal(s1, s2)
    assert np.all(np.isin(s1, x))            # values are data values
    assert not np.array_equal(s1[0], s1[1])
    st = pseudoperiodic_settings(x, seed=4, **_PPS)
    assert st["dimension"] == 6 and st["delay"] == 12 and 0.05 < st["rho"] < 0.3
    with pytest.raises(ValidationError, match="pseudoperiodic"):
        surrogates(x, "iaaft", 1, method_kwargs={"rho": 1.0})
    with pytest.raises(ValidationError, match="unknown options"):
        surrogates(x, "pseudoperiodic", 1, method_kwargs={"radius": 1.0})
    with pytest.raises(ValidationError):
        surrogates(np.column_stack([x, x]), "pseudoperiodic", 1)


def test_pseudoperiodic_rossler_rejected_noisy_sine_not():
    ro = attractor.system("rossler").trajectory(2000, dt=0.2, transient=100).x[:, 0]
    r = surrogate_test(ro, method="pseudoperiodic", n_surrogates=19, seed=1, method_kwargs=_PPS,
                       statistic_kwargs={"delay": 1})
    assert r.rejected and r.method_settings["rho"] > 0   # measured p = 0.05 (the minimum with 19); 2 of 3 transients rejected
    s = surrogate_test(_noisy_sine(1), method="pseudoperiodic", n_surrogates=19, seed=1, method_kwargs=_PPS,
                       statistic_kwargs={"delay": 1})
    assert not s.rejected and "periodic orbit" in s.null_hypothesis


@pytest.mark.slow
def test_pseudoperiodic_noisy_sine_not_rejected_in_90_percent():
    rejected = sum(surrogate_test(_noisy_sine(seed), method="pseudoperiodic", n_surrogates=19, seed=seed,
                                  method_kwargs=_PPS, statistic_kwargs={"delay": 1}).rejected
                   for seed in range(20))
    assert rejected <= 2   # measured: 1 of 20 (p-values spread over 0.05-0.95)


# ----------------------------------------------------------------------------- cycle shuffle
# Theiler (1995), Phys. Lett. A 196, 335: shuffling whole cycles realises "fixed cycle plus noise
# independent between cycles"; chaotic oscillations (cycle-to-cycle determinism) are rejected.
def test_cycle_shuffle_keeps_cycles_and_values():
    x = _noisy_sine(0)
    assert dominant_period(x) == pytest.approx(20 * np.pi, rel=0.002)    # 62.83 samples at dt = 0.1
    s = surrogates(x, "cycle_shuffle", 2, seed=3)
    assert s.shape == (2, x.size) and np.array_equal(np.sort(s[0]), np.sort(x))
    m = np.tile(np.arange(12.0), 10)
    s12 = surrogates(m + 0.01 * np.random.default_rng(0).standard_normal(120), "cycle_shuffle", 3, seed=1,
                     method_kwargs={"period": 12})
    assert np.allclose(s12.reshape(3, 10, 12).mean(axis=1), np.arange(12.0), atol=0.02)   # cycle shape kept
    assert np.array_equal(s12, surrogates(m + 0.01 * np.random.default_rng(0).standard_normal(120),
                                          "cycle_shuffle", 3, seed=1, method_kwargs={"period": 12}))
    with pytest.raises(InsufficientDataError, match="4 cycles"):
        surrogates(m[:40], "cycle_shuffle", 1, method_kwargs={"period": 12})
    with pytest.raises(ValidationError, match="unknown options"):
        surrogates(m, "cycle_shuffle", 1, method_kwargs={"rho": 1})


def test_cycle_shuffle_noisy_sine_not_rejected_chaos_rejected():
    rejected = sum(surrogate_test(_noisy_sine(seed), method="cycle_shuffle", n_surrogates=19, seed=seed,
                                  statistic_kwargs={"delay": 1}).rejected for seed in range(20))
    assert rejected <= 2   # measured: 0 of 20 (p spread over 0.1-0.95)
    for transient in (100, 300):
        ro = attractor.system("rossler").trajectory(2000, dt=0.2, transient=transient).x[:, 0]
        r = surrogate_test(ro, method="cycle_shuffle", n_surrogates=19, seed=1, statistic_kwargs={"delay": 1})
        assert r.rejected and "periodic" in r.null_hypothesis   # measured p = 0.05 (minimum) for 3 of 3
    lz = attractor.system("lorenz").trajectory(2000, dt=0.05, transient=50).x[:, 0]
    assert surrogate_test(lz, method="cycle_shuffle", n_surrogates=19, seed=1,
                          statistic_kwargs={"delay": 1}).rejected
