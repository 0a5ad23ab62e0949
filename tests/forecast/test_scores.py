"""Proper scores for ensemble forecasts against closed forms.

Gaussian CRPS closed form: Gneiting & Raftery (2007) eq. 5 / Gneiting et al. (2005):
CRPS(N(mu, s^2), y) = s [z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)], z = (y - mu)/s.
Fair CRPS: Ferro (2014). Energy score: Gneiting & Raftery (2007) eq. 22.
"""
import numpy as np
import pytest
from scipy import stats

from attractor.core.errors import ValidationError
from attractor.metrics import (crps_ensemble, energy_score, pit_uniformity_test, rank_histogram,
                               spread_skill_ratio, variogram_score)


def gaussian_crps(y, mu, s):
    z = (y - mu) / s
    return s * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / np.sqrt(np.pi))


def test_large_gaussian_ensemble_matches_closed_form():
    rng = np.random.default_rng(1)
    y = np.array([-1.5, 0.0, 0.3, 2.0])
    ens = 2.0 + 1.5 * rng.standard_normal((100_000, 4))
    got = crps_ensemble(y, ens)
    np.testing.assert_allclose(got, gaussian_crps(y, 2.0, 1.5), rtol=0, atol=0.01)


def test_sorting_formula_equals_pairwise_definition():
    rng = np.random.default_rng(2)
    ens, y = rng.standard_normal((7, 5)), rng.standard_normal(5)
    pair = np.abs(ens[:, None] - ens[None]).sum(axis=(0, 1))
    ref = np.abs(ens - y).mean(0) - pair / (2 * 49)
    np.testing.assert_allclose(crps_ensemble(y, ens), ref, rtol=1e-12)
    np.testing.assert_allclose(crps_ensemble(y, ens, fair=True),
                               np.abs(ens - y).mean(0) - pair / (2 * 7 * 6), rtol=1e-12)


def test_fair_crps_unbiased_for_small_ensembles():
    # y ~ N(0,1) verified by m = 3 members from N(0,1): E[CRPS] of the distribution = 1/sqrt(pi)
    rng = np.random.default_rng(3)
    n = 200_000
    y, ens = rng.standard_normal(n), rng.standard_normal((3, n))
    target = 1 / np.sqrt(np.pi)
    fair = crps_ensemble(y, ens, fair=True).mean()
    std = crps_ensemble(y, ens).mean()
    assert abs(fair - target) < 0.006            # ~4 standard errors
    # the standard estimator is biased upward by E|X-X'|/(2m) = (2/sqrt(pi))/6 = 0.188
    assert std - target == pytest.approx(1 / (3 * np.sqrt(np.pi)), abs=0.01)


def test_energy_score_reduces_to_crps_in_1d():
    rng = np.random.default_rng(4)
    ens, y = rng.standard_normal((9, 6, 1)), rng.standard_normal((6, 1))
    np.testing.assert_allclose(energy_score(y, ens), crps_ensemble(y[:, 0], ens[..., 0]), rtol=1e-12)
    np.testing.assert_allclose(energy_score(y, ens, fair=True),
                               crps_ensemble(y[:, 0], ens[..., 0], fair=True), rtol=1e-12)


def test_variogram_score_zero_for_matching_variogram_and_positive_otherwise():
    y = np.array([0.0, 1.0, 3.0])
    same = np.stack([y + 5.0, y - 2.0])           # shifts keep every pairwise difference
    assert variogram_score(y, same) == pytest.approx(0.0, abs=1e-14)
    # one pair differs: |0-1|^.5=1 vs ensemble 0 -> (1-0)^2 twice (i,j and j,i) plus others
    flat = np.zeros((2, 3))
    expected = 2 * (1.0 + 3.0 + 2.0)              # sum over ordered pairs of (|yi-yj|^0.5)^2
    assert variogram_score(y, flat) == pytest.approx(expected)


def test_pit_calibrated_vs_overconfident():
    rng = np.random.default_rng(5)
    n, m = 3000, 20
    y, ens = rng.standard_normal(n), rng.standard_normal((m, n))
    good = pit_uniformity_test(y, ens, seed=0)
    assert good.calibrated and good.p_value > 0.05
    assert good.spread_skill == pytest.approx(1.0, abs=0.05)
    bad = pit_uniformity_test(y, 0.5 * ens, seed=0)      # under-dispersed ensemble
    assert not bad.calibrated and bad.p_value < 1e-6
    assert bad.spread_skill < 0.6
    h = rank_histogram(y, 0.5 * ens)
    assert h.sum() == n and len(h) == m + 1
    assert h[0] + h[-1] > 4 * n / (m + 1)                 # U shape


def test_seeded_pit_reproducible():
    rng = np.random.default_rng(6)
    y, ens = rng.standard_normal(50), rng.standard_normal((4, 50))
    a, b = pit_uniformity_test(y, ens, seed=3), pit_uniformity_test(y, ens, seed=3)
    np.testing.assert_array_equal(a.pit, b.pit)


@pytest.mark.parametrize("fn", [crps_ensemble, energy_score, variogram_score, spread_skill_ratio,
                                rank_histogram, pit_uniformity_test])
def test_bad_input(fn):
    y = np.zeros((10, 2))
    with pytest.raises(ValidationError):
        fn(y, np.ones((1, 10, 2)))                 # one member
    ens = np.random.default_rng(0).standard_normal((5, 10, 2))
    ens[2, 3, 1] = np.nan
    with pytest.raises(ValidationError):
        fn(y, ens)                                 # NaN member
    with pytest.raises(ValidationError):
        fn(y, np.ones((5, 9, 2)))                  # shape mismatch
