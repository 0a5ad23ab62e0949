"""Tests of delay embedding and of the delay / dimension estimators.

Published references used below:

* Takens (1981) / Packard et al. (1980): delay vectors ``(x_i, x_{i+tau}, ...)``.
* Fraser & Swinney (1986) Phys. Rev. A 33, 1134: delay = first minimum of the average mutual
  information. For the Lorenz x-component sampled at dt = 0.01 the first minimum lies near
  0.1-0.2 time units (10-20 samples); Ruskeepaa's Wolfram demonstration "Chaotic Data: Delay
  Time and Embedding Dimension" (2017) finds it at a lag of about 16 samples.
* Cao (1997) Physica D 110, 43: E1 saturates at the minimum embedding dimension, which is 2 for
  the Henon map; E2 ~ 1 for all d for random data.
* Kennel, Brown & Abarbanel (1992) Phys. Rev. A 45, 3403: the false-nearest-neighbour fraction
  of the Lorenz attractor drops to ~0 at d_E = 3 (their Fig. 1), of the Henon map at 2.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import attractor
from attractor.analysis.embedding import (
    DelayEstimate,
    EmbeddingDimensionEstimate,
    autocorrelation,
    average_mutual_information,
    delay_embed,
    estimate_delay,
    estimate_dimension,
    mean_period,
    theiler_window,
)
from attractor.core.errors import InsufficientDataError, ReliabilityWarning, ValidationError


@pytest.fixture(scope="module")
def lorenz_x():
    return attractor.system("lorenz").trajectory(10_000, dt=0.01, transient=50).x[:, 0]


@pytest.fixture(scope="module")
def lorenz_xyz():
    return attractor.system("lorenz").trajectory(10_000, dt=0.01, transient=50).x


@pytest.fixture(scope="module")
def henon_x():
    return attractor.system("henon").trajectory(10_000, transient=1000).x[:, 0]


# ----------------------------------------------------------------------------- delay_embed
@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 60), m=st.integers(1, 6), tau=st.integers(1, 7), c=st.integers(1, 3),
       seed=st.integers(0, 2**16))
def test_delay_embed_shape_and_shifted_slices(n, m, tau, c, seed):
    x = np.random.default_rng(seed).normal(size=(n, c))
    span = (m - 1) * tau
    if n <= span:
        with pytest.raises(InsufficientDataError, match=f"at least {span + 1} samples"):
            delay_embed(x, m, tau)
        return
    y = delay_embed(x, m, tau)
    assert y.shape == (n - span, m * c)
    for k in range(m):  # block k holds the series shifted by k*tau (channel-major within a delay)
        np.testing.assert_array_equal(y[:, k * c:(k + 1) * c], x[k * tau: k * tau + n - span])


@settings(max_examples=40, deadline=None)
@given(x=arrays(np.float64, st.integers(5, 40), elements=st.floats(-1e6, 1e6)), m=st.integers(1, 4))
def test_delay_embed_univariate_matches_definition(x, m):
    y = delay_embed(x, m, 1)
    for i in range(y.shape[0]):
        np.testing.assert_array_equal(y[i], x[i: i + m])


@pytest.mark.parametrize("kw, match", [
    (dict(dimension=0, delay=1), "dimension must be an integer >= 1"),
    (dict(dimension=2, delay=0), "delay must be an integer >= 1"),
    (dict(dimension=-1, delay=1), "dimension"),
    (dict(dimension=2.5, delay=1), "dimension"),
])
def test_delay_embed_rejects_bad_parameters(kw, match):
    with pytest.raises(ValidationError, match=match):
        delay_embed(np.arange(10.0), **kw)


def test_delay_embed_rejects_bad_data():
    with pytest.raises(ValidationError, match="NaN"):
        delay_embed([1.0, np.nan, 2.0], 2, 1)
    with pytest.raises(ValidationError, match="numeric"):
        delay_embed(["a", "b", "c"], 2, 1)
    with pytest.raises(InsufficientDataError, match="at least 7 samples"):
        delay_embed(np.arange(5.0), 4, 2)


# ----------------------------------------------------------------------------- correlation functions
def test_autocorrelation_of_sinusoid_and_delay_rules():
    # r(k) of a sinusoid of period P is cos(2 pi k / P) (times 1 - k/n for the biased estimator):
    # first zero crossing after P/4 and first drop below 1/e at P*acos(1/e)/(2 pi).
    period = 62.0
    x = np.sin(2 * np.pi * np.arange(20_000) / period)
    acf = autocorrelation(x, 40)
    k = np.arange(41)
    np.testing.assert_allclose(acf, np.cos(2 * np.pi * k / period) * (1 - k / x.size), atol=2e-3)
    assert estimate_delay(x, "autocorr").delay == 16  # first lag past 62/4 = 15.5
    assert estimate_delay(x, "autocorr_1e").delay == int(np.ceil(period * np.arccos(1 / np.e) / (2 * np.pi)))
    assert mean_period(x) == pytest.approx(period, rel=0.01)


def test_ami_independent_vs_identical():
    rng = np.random.default_rng(0)
    noise = rng.normal(size=20_000)
    ami = average_mutual_information(noise, 5)
    # I(0) is the entropy of B equiprobable bins, ln B; independent lags carry only the
    # histogram bias ~ (B-1)^2 / (2n) nats (Roulston 1999).
    b = int(round(np.sqrt(noise.size / 5)))
    assert ami[0] == pytest.approx(np.log(b), rel=1e-3)
    assert np.all(ami[1:] < 1.5 * (b - 1) ** 2 / (2 * noise.size))


def test_theiler_window_rules():
    x = np.sin(2 * np.pi * np.arange(5000) / 50.0)
    assert theiler_window(x) == 50
    assert theiler_window(x, "autocorr_1e") == 10  # 50*acos(1/e)/(2 pi) = 9.5
    with pytest.raises(ValidationError, match="method"):
        theiler_window(x, "bogus")


# ----------------------------------------------------------------------------- estimate_delay
def test_lorenz_delay_in_published_range(lorenz_x):
    res = estimate_delay(lorenz_x)  # AMI, Fraser & Swinney 1986
    assert isinstance(res, DelayEstimate)
    assert 10 <= res.delay <= 20, res.delay  # 0.1-0.2 time units at dt = 0.01
    assert res.method == "ami" and res.lags[0] == 0 and res.lags.shape == res.values.shape
    v = res.values
    assert v[res.delay] < v[res.delay - 1] and v[res.delay] <= v[res.delay + 1]
    assert np.all(np.diff(v[: res.delay]) < 0)  # it is the *first* minimum


def test_delay_multivariate_uses_all_channels(lorenz_xyz):
    res = estimate_delay(lorenz_xyz)
    assert 5 <= res.delay <= 25


def test_delay_without_ami_minimum_warns():
    x = np.arange(500.0)  # a ramp: the AMI decreases steadily over the first 20 lags
    with pytest.warns(ReliabilityWarning, match="no local minimum"):
        res = estimate_delay(x, max_delay=20)
    assert "fallback" in res.criterion and res.delay == 20 and res.minimum_found is False
    assert np.all(np.diff(res.values) < 0)


@pytest.mark.parametrize("x, kw, err, match", [
    (np.r_[np.arange(50.0), np.nan], {}, ValidationError, "NaN"),
    (np.r_[np.arange(50.0), np.inf], {}, ValidationError, "infinite"),
    (np.ones(100), {}, ValidationError, "constant"),
    (np.arange(10.0), {}, InsufficientDataError, "at least 16"),
    (np.arange(100.0), dict(method="fourier"), ValidationError, "method must be"),
    (np.arange(100.0), dict(max_delay=0), ValidationError, "max_delay"),
    (np.arange(100.0), dict(max_delay=500), ValidationError, "max_delay"),
    (np.array(["x"] * 50), {}, ValidationError, "numeric"),
])
def test_estimate_delay_bad_input(x, kw, err, match):
    with pytest.raises(err, match=match):
        estimate_delay(x, **kw)


def test_autocorr_criterion_not_reached_is_an_error():
    with pytest.raises(ValidationError, match="never satisfies"):
        estimate_delay(np.arange(200.0) ** 2, "autocorr", max_delay=5)


# ----------------------------------------------------------------------------- estimate_dimension
@pytest.mark.parametrize("method", ["cao", "fnn"])
def test_lorenz_dimension_in_published_range(lorenz_x, method):
    res = estimate_dimension(lorenz_x, delay=16, method=method, max_dimension=8)
    assert isinstance(res, EmbeddingDimensionEstimate)
    assert 3 <= res.dimension <= 5, res
    assert res.dimensions.tolist() == list(range(1, 9))
    if method == "cao":
        assert res.e1[0] < 0.5 and res.e1[res.dimension - 1] >= 0.9  # E1 saturates (Cao 1997)
    else:
        assert res.fnn_fraction[0] > 0.5 and res.fnn_fraction[2] < 0.01  # Kennel et al. 1992 Fig. 1
        assert res.rtol == 15.0 and res.atol == 2.0


def _scipy_nn(arr, d, delay, theiler, p, exclude_zero):
    """The former implementation: scipy cKDTree k-nearest queries with a growing k, the
    Theiler window applied afterwards (attractor.analysis.embedding._neighbours)."""
    from scipy.spatial import cKDTree

    from attractor.analysis.embedding import _neighbours

    n_d = arr.shape[0] - d * delay
    emb = np.concatenate([arr[k * delay: k * delay + n_d] for k in range(d)], axis=1)
    idx, dist = _neighbours(cKDTree(emb), emb, np.arange(n_d), 1, theiler, p=p, exclude_zero=exclude_zero)
    return idx[:, 0], dist[:, 0], emb


@pytest.mark.parametrize("metric, p, exclude_zero", [(0, np.inf, True), (1, 2.0, False)])
def test_compiled_theiler_neighbour_search_equals_scipy(lorenz_x, metric, p, exclude_zero):
    """The compiled search (Theiler window inside the tree walk) finds the same nearest
    neighbour distances as scipy's cKDTree with the window applied afterwards; indices agree
    wherever the nearest distance is not tied (ties go to the smaller index)."""
    from attractor.analysis import _dimension_kernels as dk
    from attractor.analysis import _embedding_kernels as ek

    arr = np.round(lorenz_x[:3000], 2)[:, None]  # some exact ties and duplicates
    for d in (1, 2, 4, 7):
        i_ref, d_ref, emb = _scipy_nn(arr, d, 16, 40, p, exclude_zero)
        tree = (dk.build_tree if d % 2 else ek.build_tree)(np.ascontiguousarray(emb), 32)  # either layout
        i_new, d_new = ek.nearest_outside_window(tree, np.ascontiguousarray(emb), np.arange(emb.shape[0]), 40,
                                                 metric, exclude_zero)
        np.testing.assert_array_equal(d_new, d_ref)
        assert np.all(np.abs(i_new - np.arange(emb.shape[0])) > 40)
        def dist(j):
            diff = emb[j] - emb
            return np.max(np.abs(diff), axis=1) if metric == 0 else np.sqrt((diff ** 2).sum(axis=1))

        np.testing.assert_allclose(dist(i_new), d_new, rtol=1e-12)
        differ = i_new != i_ref
        np.testing.assert_allclose(dist(i_ref)[differ], d_new[differ], rtol=1e-12)  # only ties differ
        assert np.all(i_new[differ] < i_ref[differ])  # ... and go to the smaller index


def _series10k(system):
    if system == "noise":
        return np.random.default_rng(0).normal(size=10_000)
    kw = {"lorenz": dict(dt=0.01, transient=50), "henon": dict(transient=1000),
          "rossler": dict(dt=0.05, transient=100)}[system]
    return attractor.system(system).trajectory(10_000, **kw).x[:, 0]


@pytest.mark.parametrize("system, old_delay, dimension, delay, minimum", [
    ("lorenz", 17, 3, 17, True),
    ("rossler", 25, 4, 25, True),
    ("henon", 21, 9, 1, False),
    ("noise", 2, 9, 1, False),
])
def test_automatic_embedding_choice(system, old_delay, dimension, delay, minimum):
    """N = 10^4. (1) Cao's dimension at the delay the former implementation chose is the one
    the former scipy-based neighbour search gave (recorded before it was replaced by the
    compiled search). (2) The AMI delay of the flows is unchanged (first minimum, 0.17 and 1.25
    time units); for the Henon map and white noise the former 'minimum' (lags 21 and 2) was a
    wiggle at the estimator's independence level, (B-1)^2/(2N) = 0.097 nats (Roulston 1999),
    so the autocorrelation 1/e lag (1) is used and flagged; Henon then embeds in d = 2 (Cao
    1997)."""
    x = _series10k(system)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReliabilityWarning)
        assert estimate_dimension(x, old_delay, "cao").dimension == dimension
        dres = estimate_delay(x)
    assert dres.delay == delay and dres.minimum_found is minimum
    assert dres.noise_level == pytest.approx((dres.n_bins - 1) ** 2 / 2e4)
    if minimum:
        assert dres.criterion == "first local minimum of the AMI"
        assert dres.values[delay] > 5 * dres.noise_level
    else:
        assert "no AMI minimum above its noise level" in dres.criterion
        assert "autocorrelation 1/e lag used" in dres.criterion
        with pytest.warns(ReliabilityWarning, match="no local minimum"):
            estimate_delay(x)
    if system == "henon":
        assert estimate_dimension(x, dres.delay, "cao").dimension == 2


@pytest.mark.parametrize("method", ["cao", "fnn"])
def test_henon_dimension_is_two(henon_x, method):
    assert estimate_dimension(henon_x, 1, method, max_dimension=6).dimension == 2  # Cao 1997; Kennel 1992


def test_full_state_multivariate_needs_one_delay(lorenz_xyz):
    # (x, y, z) already is the state: one delay suffices and E1(1) ~ 1.
    res = estimate_dimension(lorenz_xyz, 1, "cao", max_dimension=4)
    assert res.dimension == 1 and res.e1[0] > 0.95


def test_noise_has_flat_e2_and_warns():
    noise = np.random.default_rng(1).normal(size=3000)
    with pytest.warns(ReliabilityWarning) as rec:
        res = estimate_dimension(noise, 1, "cao", max_dimension=6)
    messages = " ".join(str(w.message) for w in rec)
    assert "stochastic" in messages and "stayed below 0.9" in messages
    np.testing.assert_allclose(res.e2, 1.0, atol=0.1)  # Cao 1997: E2 = 1 for random data


def test_quantised_series_with_ties(lorenz_x):
    # Rounded to 0.1 (about 400 levels, like a 9-bit converter) the series is full of ties and
    # low-dimensional delay vectors repeat exactly. Cao's method skips zero distances (Cao 1997),
    # FNN counts a duplicate that separates in d+1 as false; all ratios stay finite.
    xq = np.round(lorenz_x, 1)
    assert np.unique(xq).size < 0.1 * xq.size
    res = estimate_dimension(xq, 16, "cao", max_dimension=6)
    assert np.all(np.isfinite(res.e1)) and np.all(np.isfinite(res.e2))
    assert 3 <= res.dimension <= 5
    assert 10 <= estimate_delay(xq).delay <= 20
    fnn = estimate_dimension(xq, 16, "fnn", max_dimension=6)
    assert np.all(np.isfinite(fnn.fnn_fraction)) and 3 <= fnn.dimension <= 5


def test_fnn_counts_separating_duplicates_as_false():
    # 0,1,0,2,0,1,0,2,...: in d = 1 every '0' has exact duplicates whose successors differ
    # (1 vs 2), so half of the zeros' neighbours are false; in d = 2 the period-4 orbit is resolved.
    x = np.tile([0.0, 1.0, 0.0, 2.0], 200)
    res = estimate_dimension(x, 1, "fnn", max_dimension=3, theiler=0)
    assert res.fnn_fraction[0] > 0.2
    assert res.fnn_fraction[1] == 0.0 and res.dimension == 2


@pytest.mark.parametrize("kw, err, match", [
    (dict(delay=0), ValidationError, "delay must be an integer >= 1"),
    (dict(delay=1, max_dimension=0), ValidationError, "max_dimension"),
    (dict(delay=1, method="svd"), ValidationError, "method must be"),
    (dict(delay=1, theiler=-1), ValidationError, "theiler"),
    (dict(delay=30, max_dimension=10), InsufficientDataError, r"needs at least \d+"),
    (dict(delay=1, rtol=0), ValidationError, "rtol"),
])
def test_estimate_dimension_bad_input(kw, err, match):
    x = np.sin(np.arange(300) * 0.3) + np.random.default_rng(0).normal(0, 0.1, 300)
    with pytest.raises(err, match=match):
        estimate_dimension(x, **kw)


def test_estimate_dimension_constant_and_nan():
    with pytest.raises(ValidationError, match="constant"):
        estimate_dimension(np.zeros(500), 1)
    with pytest.raises(ValidationError, match="NaN"):
        estimate_dimension(np.r_[np.arange(500.0), np.nan], 1)


# ----------------------------------------------------------------------------- plots
def test_plots_return_figures(lorenz_x):
    from matplotlib.figure import Figure

    from attractor.plotting.embedding import plot_delay_selection, plot_dimension_selection

    for method in ("ami", "autocorr", "autocorr_1e"):
        fig = plot_delay_selection(estimate_delay(lorenz_x, method))
        assert isinstance(fig, Figure) and len(fig.axes) == 1
    for method in ("cao", "fnn"):
        res = estimate_dimension(lorenz_x[:3000], 16, method, max_dimension=5)
        fig = plot_dimension_selection(res)
        assert isinstance(fig, Figure)
        assert fig.axes[0].get_xlabel() == "embedding dimension d"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no pyplot global-state warnings
        plot_delay_selection(estimate_delay(lorenz_x)).savefig(__import__("io").BytesIO(), format="png")


def test_delay_plot_title_names_the_rule_actually_used(lorenz_x, henon_x):
    """Issue #19: a falling AMI curve (Henon map) must not be titled 'first local minimum'."""
    from attractor.plotting.embedding import plot_delay_selection

    title = plot_delay_selection(estimate_delay(lorenz_x)).axes[0].get_title()
    assert title == "Delay selection: first local minimum of the AMI"
    with pytest.warns(ReliabilityWarning):
        res = estimate_delay(henon_x)
    ax = plot_delay_selection(res).axes[0]
    assert ax.get_title() == "Delay selection: no AMI minimum, autocorrelation 1/e lag used"
    assert any("noise level" in t.get_text() for t in ax.get_legend().get_texts())
