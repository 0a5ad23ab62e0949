"""Tests of attractor.analysis.dimensions (fractal dimensions from data).

Published values used as references:

* Grassberger & Procaccia, Physica D 9, 189 (1983) and PRL 50, 346 (1983): correlation
  dimension of the Lorenz attractor (sigma=10, rho=28, beta=8/3) nu = 2.05 +- 0.01, of the
  Henon attractor (a=1.4, b=0.3) nu = 1.21 +- 0.01.
* Russell, Hanson & Ott, PRL 45, 1175 (1980): capacity (box-counting) dimension of the
  Henon attractor D0 = 1.261 +- 0.003.
* Henon information dimension: by the Kaplan-Yorke relation D1 = 1 + l1/|l2| with the
  Lyapunov exponents l1 = 0.4192, l2 = -1.6232 (Sprott, Chaos and Time-Series Analysis,
  2003, table of exponents), D1 = 1.258; Grassberger & Procaccia (PRL 1983) measured
  sigma = 1.25 +- 0.02 for the information dimension.
* Middle-thirds Cantor set: D0 = D1 = ln 2 / ln 3 (Falconer, Fractal Geometry, 1990).
* Uniform points in the unit square, maximum norm: C(r) = (2r - r^2)^2 exactly (each
  coordinate difference of two U(0,1) variables is within r with probability 2r - r^2).
"""
from __future__ import annotations

import math
import time
import warnings

import numpy as np
import pytest
from scipy.spatial.distance import cdist

import attractor
from attractor.analysis.dimensions import (
    BoxDimensionResult,
    CorrelationDimensionResult,
    box_counting_dimension,
    correlation_dimension,
    correlation_sum,
    information_dimension,
    takens_estimator,
)
from attractor.analysis import _dimension_kernels as _k
from attractor.analysis.embedding import delay_embed
from attractor.core.errors import InsufficientDataError, ReliabilityWarning, ValidationError

LN2_LN3 = math.log(2.0) / math.log(3.0)


# --------------------------------------------------------------------------------------
# Shared data
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lorenz():
    return attractor.system("lorenz").trajectory(10_000, dt=0.01, transient=50.0).x


@pytest.fixture(scope="module")
def henon():
    return attractor.system("henon").trajectory(10_000, transient=1000).x


@pytest.fixture(scope="module")
def henon20k():
    return attractor.system("henon").trajectory(20_000, transient=1000).x


@pytest.fixture(scope="module")
def square():
    return np.random.default_rng(11).random((5000, 2))


@pytest.fixture(scope="module")
def cantor():
    """20,000 points of the middle-thirds Cantor set (30 random ternary digits 0 or 2)."""
    digits = np.random.default_rng(3).integers(0, 2, size=(20_000, 30)) * 2
    return (digits * 3.0 ** -np.arange(1, 31)).sum(axis=1)


def _brute_c(x, radii, w, metric):
    n = len(x)
    d = cdist(x, x, metric=metric)
    keep = np.abs(np.arange(n)[:, None] - np.arange(n)[None, :]) > w
    return np.array([(d[keep] <= r).sum() for r in radii]) / keep.sum()


# --------------------------------------------------------------------------------------
# Correlation sum
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("metric", ["chebyshev", "euclidean"])
@pytest.mark.parametrize("theiler", [0, 1, 7])
@pytest.mark.parametrize("kind", ["gauss", "quantised", "integer"])
def test_correlation_sum_equals_brute_force(metric, theiler, kind):
    """Exact mode agrees with a dense pairwise count, ties and repeated points included."""
    rng = np.random.default_rng(100 * ["gauss", "quantised", "integer"].index(kind)
                                + 10 * theiler + (metric == "euclidean"))
    n = 400
    if kind == "gauss":
        x = rng.normal(size=(n, 3))
    elif kind == "quantised":
        x = np.round(rng.normal(size=(n, 2)), 1)      # ties and exact boundary distances
    else:
        x = rng.integers(0, 4, size=(n, 2)).astype(float)  # many zero distances
    radii = np.concatenate((np.geomspace(0.01, 6.0, 15), [0.1, 1.0, 2.0]))
    got = correlation_sum(x, radii, theiler=theiler, metric=metric, max_points=None)
    want = _brute_c(x, radii, theiler, metric)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("metric", ["chebyshev", "euclidean"])
@pytest.mark.parametrize("dim", [1, 3, 6])
def test_table_lookup_binning_is_exact_at_aligned_radii(metric, dim):
    """Radii aligned for the brute-force kernel's lookup-only path (the default radii are)
    give the dense pairwise count exactly, with distances lying exactly on a radius (points
    whose coordinates are 0 or one of the radii), repeated points and a Theiler window;
    dim = 6 goes through the unfused (more than 4 coordinates) path."""
    code = _k.CHEBYSHEV if metric == "chebyshev" else _k.EUCLIDEAN
    radii = _k.align_radii(np.geomspace(0.05, 3.0, 12), code)
    # the lookup-only path is really taken
    assert _k.brute_key_shift(_k.brute_thresholds(np.r_[0.0, radii], code)) == _k.KEY_SHIFT
    rng = np.random.default_rng(7 + dim + 10 * code)
    x = np.concatenate([
        rng.normal(size=(250, dim)),
        rng.choice(np.r_[0.0, radii[::3], -radii[::4]], size=(150, dim)),  # exact distances
    ])
    x[rng.integers(0, 400, 20)] = x[rng.integers(0, 400, 20)]  # repeated points: d = 0
    d = cdist(x, x, metric=metric)
    for w in (0, 5):
        got = correlation_sum(x, radii, theiler=w, metric=metric, max_points=None)
        np.testing.assert_array_equal(got, _brute_c(x, radii, w, metric))
        # the kernel's histogram itself, zero distances (bin 0) included
        keep = np.abs(np.arange(len(x))[:, None] - np.arange(len(x))[None, :]) > w
        want = [np.sum(d[keep] <= r) for r in np.r_[0.0, radii]]
        thr = _k.brute_thresholds(np.r_[0.0, radii], code)
        hist = _k.pair_count_brute(x, w, thr, code, _k.KEY_SHIFT)
        assert want[0] > 0
        np.testing.assert_array_equal(np.cumsum(hist)[:-1], want)
        assert hist.sum() == keep.sum()


def test_brute_force_and_tree_pair_counts_agree(lorenz):
    """The brute-force kernel (lookup-only and comparison paths) and the k-d tree kernels
    give the same histogram, bin for bin, on delay-embedded Lorenz data."""
    pts = delay_embed(lorenz[:4000, 0], 4, 10)
    n, w = pts.shape[0], 30
    for code in (_k.CHEBYSHEV, _k.EUCLIDEAN):
        base = np.geomspace(0.3, 60.0, 20)
        for radii in (base, _k.align_radii(base, code)):
            rv = np.r_[0.0, radii]
            thr = _k.brute_thresholds(rv, code)
            shift = _k.brute_key_shift(thr)
            assert (shift == _k.KEY_SHIFT) == (radii is not base)
            brute = _k.pair_count_brute(pts, w, thr, code, shift)
            tree = _k.build_tree(pts, 16)
            hist = _k.pair_count_histogram(tree, tree, rv, code, True)
            w_hist, _ = _k.theiler_histogram(pts, np.arange(n), w, rv, code,
                                             np.zeros(n, np.int64), 1)
            np.testing.assert_array_equal(brute, hist - w_hist)


def test_aligned_radii_and_squared_thresholds():
    """align_radii moves radii up by little (Chebyshev < 2**-7 relative, Euclidean < 5 %)
    to aligned thresholds; a Euclidean threshold T is the largest float with
    sqrt(T) <= r, so comparing squared distances with T decides d <= r exactly."""
    r = np.sort(np.random.default_rng(2).uniform(1e-3, 50.0, 500))
    low = np.uint64(_k._LOW_BITS)
    for code, most in ((_k.CHEBYSHEV, 2.0 ** -7), (_k.EUCLIDEAN, 0.05)):
        a = _k.align_radii(r, code)
        assert np.all(a >= r) and np.all(a / r - 1 < most)
        thr = _k.brute_thresholds(a, code)
        assert np.all((thr.view(np.uint64) & low) == low)
        np.testing.assert_array_equal(_k.align_radii(a, code), a)  # idempotent
    t = _k.brute_thresholds(r, _k.EUCLIDEAN)
    assert np.all(np.sqrt(t) <= r) and np.all(np.sqrt(np.nextafter(t, np.inf)) > r)


def test_default_radii_take_the_lookup_only_path(lorenz):
    for x, kw in ((lorenz[:3000, 0], dict(dimension=3, delay=10)), (lorenz[:3000], {})):
        for metric, code in (("chebyshev", _k.CHEBYSHEV), ("euclidean", _k.EUCLIDEAN)):
            res = correlation_dimension(x, metric=metric, **kw)
            thr = _k.brute_thresholds(np.r_[0.0, res.radii], code)
            assert _k.brute_key_shift(thr) == _k.KEY_SHIFT, (metric, kw)


def test_correlation_sum_of_uniform_square_matches_analytic(square):
    """Max norm, uniform unit square: C(r) = (2r - r^2)^2 (see module docstring)."""
    r = np.geomspace(0.02, 0.5, 9)
    c = correlation_sum(square, r, max_points=None)
    np.testing.assert_allclose(c, (2 * r - r * r) ** 2, rtol=0.03)


def test_correlation_sum_estimated_mode_is_close_to_exact():
    """Above max_points the sum is estimated from subsets; it must stay within a few per cent
    of the exact count, be reproducible for a seed, and vary with the seed."""
    x = np.random.default_rng(5).random((12_000, 2))
    r = np.geomspace(0.01, 0.7, 8)
    exact = correlation_sum(x, r, max_points=None)
    est = correlation_sum(x, r, max_points=2000, seed=1)
    np.testing.assert_allclose(est, exact, rtol=0.03)
    np.testing.assert_allclose(est, (2 * r - r * r) ** 2, rtol=0.04)
    np.testing.assert_array_equal(est, correlation_sum(x, r, max_points=2000, seed=1))
    assert not np.array_equal(est, correlation_sum(x, r, max_points=2000, seed=2))
    # time-correlated data with a Theiler window: the window is removed exactly from every
    # reference/target subset
    rng = np.random.default_rng(6)
    ar = np.zeros((12_000, 2))
    for t in range(1, ar.shape[0]):
        ar[t] = 0.95 * ar[t - 1] + rng.normal(size=2)
    r2 = np.geomspace(0.3, 10.0, 6)
    exact_w = correlation_sum(ar, r2, theiler=25, max_points=None)
    est_w = correlation_sum(ar, r2, theiler=25, max_points=2000, seed=4)
    np.testing.assert_allclose(est_w, exact_w, rtol=0.05)
    assert np.all(exact_w < correlation_sum(ar, r2, theiler=0, max_points=None))


def test_correlation_sum_follows_radii_order_and_theiler_reduces_pairs(lorenz):
    r = np.array([5.0, 0.5, 2.0, 0.5])
    c = correlation_sum(lorenz[:3000], r)
    assert c[1] == c[3] and c[1] < c[2] < c[0]
    # temporally adjacent flow samples are close in space: removing them lowers C at small r
    c_w = correlation_sum(lorenz[:3000], r, theiler=50)
    assert c_w[1] < c[1]


# --------------------------------------------------------------------------------------
# Correlation dimension: published values and known answers
# --------------------------------------------------------------------------------------
def test_lorenz_correlation_dimension_from_x_component(lorenz):
    """Grassberger & Procaccia (1983): Lorenz D2 = 2.05 +- 0.01; we allow 2.05 +- 0.1 for
    10,000 samples of x, embedded in 4 dimensions with a delay of 10 samples (0.1 time)."""
    res = correlation_dimension(lorenz[:, 0], dimension=4, delay=10)
    assert isinstance(res, CorrelationDimensionResult)
    assert res.reliable
    assert abs(res.dimension - 2.05) < 0.1, res
    assert res.embedding_dimension == 4 and res.delay == 10 and res.theiler > 10
    lo, hi = res.scaling_region
    assert 0 < lo < hi and hi / lo > 5
    assert 0 < res.uncertainty < 0.2 and 0 < res.stderr < res.uncertainty
    assert res.r_squared > 0.99


def test_lorenz_correlation_dimension_from_state(lorenz):
    """Same reference (2.05 +- 0.1) using the 3-D state as given and the Euclidean norm."""
    res = correlation_dimension(lorenz, metric="euclidean")
    assert res.reliable and abs(res.dimension - 2.05) < 0.1, res
    assert res.delay is None and res.embedding_dimension == 3


def test_henon_correlation_dimension(henon):
    """Grassberger & Procaccia (1983): Henon D2 = 1.21 +- 0.01; tolerance 0.05 for N=10,000,
    from the 2-D state and from x embedded in 2 dimensions (delay 1)."""
    a = correlation_dimension(henon)
    b = correlation_dimension(henon[:, 0], dimension=2, delay=1)
    for res in (a, b):
        assert res.reliable and abs(res.dimension - 1.21) < 0.05, res


@pytest.mark.parametrize("shape", ["line", "square"])
def test_correlation_dimension_known_answers(shape, square):
    """Uniform points on a segment give D2 = 1, on a square D2 = 2 (edge effects make the
    finite-r slope slightly lower: d ln (2r - r^2)^2 / d ln r = 2 (2 - 2r) / (2 - r))."""
    if shape == "line":
        t = np.random.default_rng(2).random(5000)
        res = correlation_dimension(np.c_[t, 0.5 * t], theiler=0)
        assert abs(res.dimension - 1.0) < 0.03, res
    else:
        res = correlation_dimension(square, theiler=0)
        assert abs(res.dimension - 2.0) < 0.1, res


def test_quantised_data_warns_and_still_finds_region(henon):
    """Rounding to 2 decimals creates many zero distances: the estimator must say so and
    restrict itself to radii above the resolution (estimate within 0.1 of 1.21)."""
    with pytest.warns(ReliabilityWarning, match="distance 0"):
        res = correlation_dimension(np.round(henon, 2))
    assert res.zero_distance_fraction > 1e-4
    assert res.scaling_region[0] > 0.01
    assert abs(res.dimension - 1.21) < 0.1


def test_no_scaling_region_warns():
    """A two-scale Cantor-like set (ratio 1/100) has a staircase C(r): slopes jump between 0
    and ~3, so no region of consistent slope exists."""
    d = np.random.default_rng(4).integers(0, 2, size=(3000, 8)) * 99
    x = (d * 100.0 ** -np.arange(1, 9)).sum(axis=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = correlation_dimension(x, dimension=1, theiler=0)
    messages = [str(w.message) for w in caught if issubclass(w.category, ReliabilityWarning)]
    assert any("no scaling region" in m for m in messages), messages
    assert not res.reliable


def test_correlation_dimension_result_is_immutable(henon):
    res = correlation_dimension(henon, n_radii=20)
    assert res.radii.shape == res.correlation_sum.shape == res.local_slopes.shape == (20,)
    assert np.all(np.diff(res.radii) > 0) and np.all(np.diff(res.correlation_sum) >= 0)
    with pytest.raises(ValueError):
        res.correlation_sum[0] = 1.0
    with pytest.raises(AttributeError):
        res.dimension = 3.0  # type: ignore[misc]
    assert float(res) == res.dimension


def test_correlation_dimension_with_given_radii(henon):
    r = np.geomspace(1e-3, 0.5, 25)
    res = correlation_dimension(henon, radii=r)
    np.testing.assert_array_equal(res.radii, r)
    assert abs(res.dimension - 1.21) < 0.05


# --------------------------------------------------------------------------------------
# Takens estimator
# --------------------------------------------------------------------------------------
def test_takens_estimator_uniform_square_matches_analytic(square):
    """For C(r) = (2r - r^2)^2 the ML estimate converges to C(R) / int_0^R C(r)/r dr
    = (4R^2 - 4R^3 + R^4) / (2R^2 - 4R^3/3 + R^4/4) = 1.9662 at R = 0.05."""
    R = 0.05
    want = (4 * R**2 - 4 * R**3 + R**4) / (2 * R**2 - 4 * R**3 / 3 + R**4 / 4)
    res = takens_estimator(square, theiler=0, r_max=R)
    assert abs(res.dimension - want) < 0.015, (res, want)
    assert res.n_pairs > 100_000 and res.uncertainty < 0.01


def test_takens_estimator_henon_and_lorenz(henon, lorenz):
    """Takens ML estimate with the default cut-off (top of the scaling region): Henon
    1.21 +- 0.05 and Lorenz 2.05 +- 0.1 (Grassberger & Procaccia 1983 values)."""
    h = takens_estimator(henon)
    assert abs(h.dimension - 1.21) < 0.05, h
    lz = takens_estimator(lorenz)
    assert abs(lz.dimension - 2.05) < 0.1, lz
    assert lz.r_max > 0 and lz.theiler > 0


def test_takens_budget_subsamples_references(henon):
    full = takens_estimator(henon, r_max=0.1, max_pairs=None)
    sub = takens_estimator(henon, r_max=0.1, max_pairs=200_000, seed=3)
    assert sub.n_reference < full.n_reference == henon.shape[0]
    assert abs(sub.dimension - full.dimension) < 0.03


def test_takens_zero_distances_warn():
    x = np.round(np.random.default_rng(0).random((2000, 2)), 2)
    with pytest.warns(ReliabilityWarning, match="distance 0"):
        res = takens_estimator(x, theiler=0, r_max=0.1, max_pairs=None)
    assert res.n_zero > 0


# --------------------------------------------------------------------------------------
# Box counting and information dimension
# --------------------------------------------------------------------------------------
def test_box_counting_cantor_exact(cantor):
    """Grid sizes 3^-k on the middle-thirds Cantor set: N(3^-k) = 2^k exactly, so the fitted
    slope is ln 2 / ln 3; the information dimension of its uniform measure is the same."""
    sizes = 3.0 ** -np.arange(1, 9)
    d0 = box_counting_dimension(cantor, dimension=1, sizes=sizes, origin=0.0)
    assert isinstance(d0, BoxDimensionResult) and d0.kind == "capacity"
    np.testing.assert_array_equal(d0.box_counts, 2 ** np.arange(1, 9))
    assert abs(d0.dimension - LN2_LN3) < 1e-9 and d0.reliable
    d1 = information_dimension(cantor, dimension=1, sizes=sizes, origin=0.0)
    assert abs(d1.dimension - LN2_LN3) < 0.01


def test_box_counting_square_and_line():
    rng = np.random.default_rng(8)
    sq = rng.random((20_000, 2))
    assert abs(box_counting_dimension(sq).dimension - 2.0) < 0.02
    t = rng.random(20_000)
    assert abs(box_counting_dimension(np.c_[t, 2 * t]).dimension - 1.0) < 0.03


def test_henon_box_counting_and_information_dimension(henon20k):
    """Russell et al. (1980): D0 = 1.261; Kaplan-Yorke / Grassberger-Procaccia: D1 = 1.258
    (1.25 +- 0.02 measured). Box counting converges slowly with N, so +- 0.05 at N=20,000."""
    d0 = box_counting_dimension(henon20k)
    d1 = information_dimension(henon20k)
    assert abs(d0.dimension - 1.261) < 0.05, d0
    assert abs(d1.dimension - 1.258) < 0.05, d1
    assert d0.reliable and d1.reliable
    assert np.all(np.diff(d0.box_counts) >= 0)  # finer boxes: never fewer occupied
    assert d1.kind == "information" and np.all(d1.values <= np.log(d1.box_counts) + 1e-12)


# --------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("func", [correlation_dimension, takens_estimator,
                                  box_counting_dimension, information_dimension])
def test_bad_series_rejected(func):
    x = np.random.default_rng(0).random(500)
    with pytest.raises(ValidationError, match="NaN"):
        func(np.r_[x[:10], np.nan, x[10:]], dimension=2)
    with pytest.raises(ValidationError, match="non-finite"):
        func(np.r_[x, np.inf], dimension=2)
    with pytest.raises(ValidationError, match="constant"):
        func(np.ones(500), dimension=2)
    with pytest.raises(ValidationError, match="numeric"):
        func(["a", "b", "c"], dimension=2)
    with pytest.raises(ValidationError, match="scalar series"):
        func(x)
    with pytest.raises(ValidationError, match="dimension"):
        func(x, dimension=0)
    with pytest.raises(ValidationError, match="delay"):
        func(x, dimension=2, delay=0)
    with pytest.raises(InsufficientDataError, match="at least 22 samples"):
        func(x[:20], dimension=3, delay=10)


def test_correlation_sum_bad_arguments():
    x = np.random.default_rng(0).random((300, 2))
    with pytest.raises(ValidationError, match="radii must be > 0"):
        correlation_sum(x, [0.1, 0.0])
    with pytest.raises(ValidationError, match="empty"):
        correlation_sum(x, [])
    with pytest.raises(ValidationError, match="theiler"):
        correlation_sum(x, [0.1], theiler=-1)
    with pytest.raises(ValidationError, match="metric"):
        correlation_sum(x, [0.1], metric="manhattan")
    with pytest.raises(ValidationError, match="max_points"):
        correlation_sum(x, [0.1], max_points=0)
    with pytest.raises(InsufficientDataError, match="at least 302"):
        correlation_sum(x, [0.1], theiler=300)
    with pytest.raises(ValidationError, match="radii"):
        correlation_dimension(x, radii=[0.1, 0.2])
    with pytest.raises(ValidationError, match="tolerance"):
        correlation_dimension(x, tolerance=0)
    with pytest.raises(ValidationError, match="sizes"):
        box_counting_dimension(x, sizes=[0.1, -1.0, 0.2])
    with pytest.raises(ValidationError, match="origin"):
        box_counting_dimension(x, origin=0.5)


def test_takens_needs_region_or_r_max():
    d = np.random.default_rng(4).integers(0, 2, size=(3000, 8)) * 99
    x = (d * 100.0 ** -np.arange(1, 9)).sum(axis=1)
    with pytest.raises(ValidationError, match="pass r_max"):
        takens_estimator(x, dimension=1, theiler=0)
    with pytest.raises(InsufficientDataError, match="r_max"):
        takens_estimator(np.random.default_rng(1).random((50, 2)), theiler=0, r_max=1e-9)


# --------------------------------------------------------------------------------------
# Plots
# --------------------------------------------------------------------------------------
def test_plots_return_figures(henon):
    from matplotlib.figure import Figure

    from attractor.plotting.dimensions import plot_box_counting, plot_correlation_sum

    res = correlation_dimension(henon, n_radii=16)
    fig = plot_correlation_sum(res)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    top = fig.axes[0]
    assert top.get_xscale() == "log" and top.get_yscale() == "log"
    assert any("D2" in t.get_text() for t in top.get_legend().get_texts())
    fig2 = plot_box_counting(box_counting_dimension(henon))
    assert isinstance(fig2, Figure) and len(fig2.axes) == 2


# --------------------------------------------------------------------------------------
# Scale (long)
# --------------------------------------------------------------------------------------
@pytest.mark.slow
def test_million_point_lorenz_correlation_dimension_is_fast():
    """10^6 Lorenz states: correlation sum + dimension in < 60 s and < 2 GB, D2 = 2.05 +- 0.1."""
    from _memory import peak_rss_gb, reset_peak_rss

    x = attractor.system("lorenz").trajectory(1_000_000, dt=0.01, transient=50.0).x
    reset_peak_rss()  # earlier tests in this process must not count
    t0 = time.perf_counter()
    res = correlation_dimension(x)
    elapsed = time.perf_counter() - t0
    peak_gb = peak_rss_gb()
    assert elapsed < 60, elapsed
    assert peak_gb < 2.0, peak_gb
    assert res.reliable and abs(res.dimension - 2.05) < 0.1, res
