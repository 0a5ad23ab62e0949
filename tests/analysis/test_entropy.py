"""Tests of attractor.analysis.entropy.

References for the expected values:

* Bandt & Pompe, PRL 88, 174102 (2002): the worked example x = (4, 7, 9, 10, 6, 11, 3)
  has H(2) = 0.918 bits and H(3) = 1.522 bits; i.i.d. noise makes all order! patterns
  equally likely (normalised entropy 1); a monotone series has a single pattern (0).
* Richman & Moorman, Am. J. Physiol. 278, H2039 (2000): for i.i.d. data SampEn estimates
  -ln P(|X - Y| <= r); for U(0,1) noise and absolute r, P = 2r - r^2. ApEn is biased low
  for short records (self-matches).
* Pincus, PNAS 88, 2297 (1991): ApEn definition; for i.i.d. data ApEn -> -E ln p(X) with
  p(x) = P(|Y - x| <= r). For U(0,1) and r = 0.2 this is
  0.6 ln(1/0.4) - 2 * int_{0.2}^{0.4} ln u du = 1.03903 (derived in
  :func:`_apen_uniform_limit`).
* Costa, Goldberger & Peng, PRL 89, 068102 (2002) and Costa et al., PRE 71, 021906 (2005):
  coarse-grained Gaussian white noise has SampEn(tau) = -ln erf(r sqrt(tau) / 2) with r
  relative to the original standard deviation (r = 0.15); 1/f noise keeps an almost
  constant SampEn across scales.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from attractor.analysis.entropy import (
    approximate_entropy,
    multiscale_entropy,
    permutation_entropy,
    sample_entropy,
)
from attractor.core.errors import InsufficientDataError, ReliabilityWarning, ValidationError

HYP = settings(max_examples=60, deadline=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _apen_uniform_limit(r: float) -> float:
    """-E ln p(X), X ~ U(0,1), p(x) = min(x + r, 1) - max(x - r, 0), for r <= 0.5."""
    def F(u):  # antiderivative of ln u
        return u * math.log(u) - u
    return (1 - 2 * r) * -math.log(2 * r) - 2 * (F(2 * r) - F(r))


@pytest.fixture(scope="module")
def rng():
    return np.random.default_rng(20240611)


@pytest.fixture(scope="module")
def uniform5k():
    return np.random.default_rng(1).random(5000)


@pytest.fixture(scope="module")
def gauss20k():
    return np.random.default_rng(2).normal(size=20_000)


def _brute_counts(x, m, r):
    """(A, B) of Richman & Moorman by dense comparison (short series only)."""
    n_t = len(x) - m
    u = np.lib.stride_tricks.sliding_window_view(x, m)[:n_t]
    v = np.lib.stride_tricks.sliding_window_view(x, m + 1)[:n_t]
    iu = np.triu_indices(n_t, 1)
    du = np.max(np.abs(u[:, None, :] - u[None, :, :]), axis=2)[iu]
    dv = np.max(np.abs(v[:, None, :] - v[None, :, :]), axis=2)[iu]
    return int((dv <= r).sum()), int((du <= r).sum())


def _brute_apen(x, m, r):
    def phi(k):
        u = np.lib.stride_tricks.sliding_window_view(x, k)
        d = np.max(np.abs(u[:, None, :] - u[None, :, :]), axis=2)
        return np.mean(np.log((d <= r).mean(axis=1)))
    return phi(m) - phi(m + 1)


# --------------------------------------------------------------------------------------
# Permutation entropy
# --------------------------------------------------------------------------------------
def test_permutation_entropy_bandt_pompe_example():
    """Bandt & Pompe (2002), worked example: H(2) = 0.918 bits, H(3) = 1.522 bits."""
    x = [4, 7, 9, 10, 6, 11, 3]
    h2 = permutation_entropy(x, order=2, normalize=False)
    assert abs(h2.entropy - 0.918) < 5e-4
    with pytest.warns(ReliabilityWarning, match="5 delay vectors for 6 possible patterns"):
        h3 = permutation_entropy(x, order=3, normalize=False)
    assert abs(h3.entropy - 1.522) < 5e-4
    assert sorted(h3.probabilities.tolist()) == [0.2, 0.4, 0.4]
    # natural-log units differ from bits by ln 2
    with pytest.warns(ReliabilityWarning):
        h3e = permutation_entropy(x, order=3, normalize=False, base=math.e)
    assert abs(h3e.entropy - h3.entropy * math.log(2)) < 1e-12


@pytest.mark.parametrize("order, n, tol", [(3, 10_000, 0.002), (5, 20_000, 0.003)])
def test_permutation_entropy_white_noise_is_one(order, n, tol):
    """All order! patterns are equally likely for i.i.d. noise (Bandt & Pompe 2002); the
    finite-sample deficit is about (order! - 1) / (2 n ln order!) (< 7e-4 here)."""
    x = np.random.default_rng(order).normal(size=n)
    res = permutation_entropy(x, order=order)
    assert 1 - tol < res.entropy <= 1.0
    assert len(res.probabilities) == math.factorial(order)


def test_permutation_entropy_monotone_is_zero():
    up = np.arange(200.0) ** 1.5
    for x in (up, -up):
        res = permutation_entropy(x, order=4, delay=3)
        assert res.entropy == 0.0 and len(res.patterns) == 1
    assert permutation_entropy(up, order=4, normalize=False).entropy == 0.0


def test_permutation_entropy_ties_rule():
    """Equal values are ranked by time (earlier = smaller): (0,0), (0,1), (1,1) all read as
    'ascending', (1,0) as 'descending'; half of the vectors contain ties -> warning."""
    with pytest.warns(ReliabilityWarning, match="equal values"):
        res = permutation_entropy([0, 0, 1, 1, 0], order=2, normalize=False)
    assert res.tie_fraction == 0.5
    probs = dict(zip(map(tuple, res.patterns.tolist()), res.probabilities.tolist()))
    assert probs == {(0, 1): 0.75, (1, 0): 0.25}


@HYP
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=12, max_size=150),
       st.integers(2, 5), st.integers(1, 3))
def test_permutation_entropy_bounds(values, order, delay):
    x = np.array(values)
    assume(np.ptp(x) > 0 and len(x) >= (order - 1) * delay + 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReliabilityWarning)
        pn = permutation_entropy(x, order, delay)
        pu = permutation_entropy(x, order, delay, normalize=False)
    assert 0.0 <= pn.entropy <= 1.0 + 1e-12
    assert 0.0 <= pu.entropy <= math.log2(math.factorial(order)) + 1e-12
    assert abs(pn.probabilities.sum() - 1) < 1e-12


@HYP
@given(st.lists(st.integers(-50, 50), min_size=12, max_size=150), st.integers(2, 5))
def test_permutation_entropy_invariant_under_increasing_maps(values, order):
    x = np.array(values, dtype=float)
    assume(np.ptp(x) > 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReliabilityWarning)
        base = permutation_entropy(x, order).entropy
        for y in (np.exp(x / 10.0), 3.0 * x + 7.0, x ** 3 + x):
            assert permutation_entropy(y, order).entropy == base


# --------------------------------------------------------------------------------------
# Sample entropy
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("m, r", [(1, 0.3), (2, 0.5), (3, 0.8)])
def test_sample_entropy_counts_equal_brute_force(m, r):
    x = np.round(np.random.default_rng(m).normal(size=300), 1)  # ties at the tolerance
    res = sample_entropy(x, m=m, r=r, relative=False)
    a, b = _brute_counts(x, m, r)
    assert (res.A, res.B) == (a, b)
    assert res.entropy == pytest.approx(-math.log(a / b), rel=1e-12)
    assert res.n_templates == len(x) - m


def test_sample_entropy_uniform_noise_analytic(uniform5k):
    """Richman & Moorman (2000): SampEn of i.i.d. data = -ln P(|X-Y| <= r); for U(0,1) and
    r = 0.2, -ln(2r - r^2) = -ln 0.36 = 1.0217 (tolerance 0.03 for N = 5000)."""
    res = sample_entropy(uniform5k, m=2, r=0.2, relative=False)
    assert abs(res.entropy - (-math.log(0.36))) < 0.03
    assert res.r == 0.2


def test_sample_entropy_gaussian_noise_analytic(gauss20k):
    """Gaussian noise, r = 0.2 sd: X - Y ~ N(0, 2 sd^2), P = erf(0.1), SampEn = 2.1851."""
    res = sample_entropy(gauss20k[:5000])
    assert abs(res.entropy - (-math.log(math.erf(0.1)))) < 0.05
    assert res.r == pytest.approx(0.2 * np.std(gauss20k[:5000]))


def test_sample_entropy_of_sine():
    """A sine of period 20 samples repeats every template exactly each period. For r below
    the smallest distance between templates at different phases every m-match extends to
    m+1 points, so SampEn = 0 exactly (and ApEn ~ 0); at the default r = 0.2 sd the
    near-peak cross-phase matches give a small value, far below that of noise (2.19)."""
    t = np.arange(5000)
    x = np.sin(2 * np.pi * t / 20)
    one = np.lib.stride_tricks.sliding_window_view(x[:22], 2)[:20]
    cross = np.max(np.abs(one[:, None] - one[None, :]), axis=2)[np.triu_indices(20, 1)].min()
    r_rel = 0.05
    assert r_rel * np.std(x) < cross
    assert sample_entropy(x, r=r_rel).entropy == 0.0
    assert abs(approximate_entropy(x, r=r_rel).entropy) < 1e-3
    assert 0 <= sample_entropy(x).entropy < 0.25


def test_sample_entropy_nonnegative_and_tolerance_limits(gauss20k):
    x = gauss20k[:2000]
    wide = sample_entropy(x, r=np.ptp(x) * 1.01, relative=False)
    assert wide.entropy == 0.0 and wide.A == wide.B == (1998 * 1997) // 2
    # larger tolerance -> more matches -> lower entropy
    e = [sample_entropy(x, r=r).entropy for r in (0.1, 0.2, 0.4)]
    assert e[0] > e[1] > e[2] > 0


def test_sample_entropy_no_match_cases():
    x = np.arange(50.0) ** 2  # strictly spreading values: no template pair within r
    with pytest.raises(InsufficientDataError, match="undefined"):
        sample_entropy(x, r=0.5, relative=False)
    y = np.array([0.0, 1.0, 0.0, 2.0, 5.0, 9.0])
    with pytest.warns(ReliabilityWarning, match="infinite"):
        res = sample_entropy(y, m=1, r=0.1, relative=False)
    assert res.entropy == math.inf and res.A == 0 and res.B == 1


def _sampen_series() -> dict:
    """Same series as ``sampen_series`` in benchmarks/bench_sampen_nolds.py (std 1e-3..1e3)."""
    rng = np.random.default_rng(20261202)
    n = 1500
    out = {"gauss": 5.0 + 37.0 * rng.normal(size=n)}
    e = rng.normal(size=n)
    ar = np.empty(n)
    ar[0] = 0.0
    for i in range(1, n):
        ar[i] = 0.9 * ar[i - 1] + e[i]
    out["ar1"] = 1e-3 * ar
    lg = np.empty(n + 100)
    lg[0] = 0.3141
    for i in range(1, n + 100):
        lg[i] = 3.9 * lg[i - 1] * (1.0 - lg[i - 1])
    out["logistic"] = 1000.0 * lg[100:]
    hx, hy = 0.1, 0.1
    hen = np.empty(n + 100)
    for i in range(n + 100):
        hx, hy = 1.0 - 1.4 * hx * hx + hy, 0.3 * hx
        hen[i] = hx
    out["henon"] = 0.01 * hen[100:]
    t = np.arange(n)
    out["sine_noise"] = 250.0 * (np.sin(2 * np.pi * t / 37.3) + 0.3 * rng.normal(size=n))
    out["t5_cubed"] = 80.0 * rng.standard_t(5, size=n) ** 3
    return out


# nolds 0.6.2 (pip install nolds==0.6.2, Python 3.11, NumPy 2), computed by
# benchmarks/bench_sampen_nolds.py on the series above:
#   first  = nolds.sampen(x, emb_dim=2, tolerance=0.2 * np.std(x))
#   second = nolds.sampen(x, emb_dim=2)   (its default tolerance 0.1164*(0.5627 ln 2 + 1.3334)*std(x, ddof=1))
NOLDS_SAMPEN = {
    "gauss": (2.151432177, 2.150422637),
    "ar1": (1.324950790, 1.322145370),
    "logistic": (0.505204844, 0.505325155),
    "henon": (0.454453443, 0.454298035),
    "sine_noise": (1.499258296, 1.496975461),
    "t5_cubed": (0.412008901, 0.411581408),
}


@pytest.mark.parametrize("name", sorted(NOLDS_SAMPEN))
def test_sample_entropy_equals_nolds_on_series_with_std_far_from_one(name):
    """Same definition as nolds.sampen (N - m templates for both lengths, Chebyshev, no
    self-matches); nolds matches strictly (d < r), hence closed=False. Tolerance 1e-6
    relative (the literals carry 10 significant digits; the live run agrees to 4e-16)."""
    x = _sampen_series()[name]
    assert not 0.5 < np.std(x) < 2.0
    with_r, nolds_default = NOLDS_SAMPEN[name]
    assert sample_entropy(x, m=2, r=0.2, closed=False).entropy == pytest.approx(with_r, rel=1e-6)
    t = np.std(x, ddof=1) * 0.1164 * (0.5627 * np.log(2) + 1.3334)
    assert sample_entropy(x, m=2, tolerance=t, closed=False).entropy == pytest.approx(nolds_default, rel=1e-6)
    # the closed match gives the same counts on continuous data
    assert sample_entropy(x, m=2, r=0.2).entropy == pytest.approx(with_r, rel=1e-6)


def test_sample_entropy_tolerance_keyword_is_absolute_and_unambiguous():
    x = _sampen_series()["gauss"]  # std 37: a relative r read as absolute would be far off
    rel = sample_entropy(x, r=0.2)
    ab = sample_entropy(x, tolerance=0.2 * np.std(x))
    assert (rel.A, rel.B, rel.r) == (ab.A, ab.B, ab.r)
    assert sample_entropy(x, r=0.2 * np.std(x), relative=False).entropy == rel.entropy
    with pytest.raises(ValidationError, match="not both"):
        sample_entropy(x, r=0.2, tolerance=1.0)
    with pytest.raises(ValidationError, match="tolerance"):
        sample_entropy(x, tolerance=-1.0)
    assert approximate_entropy(x, tolerance=0.2 * np.std(x)).entropy == approximate_entropy(x).entropy
    assert multiscale_entropy(x, scales=[1, 2], tolerance=0.15 * np.std(x)).r == pytest.approx(0.15 * np.std(x))


def test_sample_entropy_strict_match_excludes_exact_ties():
    x = np.array([0.0, 1.0, 0.0, 2.0, 0.5, 1.5, 0.0, 1.0, 3.0])
    a, b = _brute_counts(x, 1, 1.0)
    closed = sample_entropy(x, m=1, tolerance=1.0)
    strict = sample_entropy(x, m=1, tolerance=1.0, closed=False)
    assert (closed.A, closed.B) == (a, b)
    d = np.abs(x[:-1, None] - x[None, :-1])[np.triu_indices(8, 1)]
    assert strict.B == int(np.sum(d < 1.0)) < closed.B


@HYP
@given(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=8, max_size=60),
       st.sampled_from([0.5, 3.0, 1000.0]), st.floats(-1e3, 1e3), st.integers(1, 3))
def test_sample_and_approximate_entropy_shift_scale_invariant(values, a, b, m):
    """With r relative to the std, SampEn and ApEn do not change under x -> a x + b (a > 0).
    Series with a pairwise difference within 1e-9 of r are skipped: rounding could flip a
    match there."""
    x = np.array(values)
    assume(np.ptp(x) > 1e-6 and len(x) >= m + 2)
    r = 0.5 * np.std(x)
    diffs = np.abs(x[:, None] - x[None, :])
    assume(np.min(np.abs(diffs - r)) > 1e-9 * (r + np.max(diffs)))
    y = a * x + b
    assume(np.ptp(y) > 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReliabilityWarning)
        try:
            s1 = sample_entropy(x, m=m, r=0.5)
        except InsufficientDataError:
            with pytest.raises(InsufficientDataError):
                sample_entropy(y, m=m, r=0.5)
        else:
            s2 = sample_entropy(y, m=m, r=0.5)
            assert (s1.A, s1.B) == (s2.A, s2.B)
            assert s1.entropy >= 0
        a1 = approximate_entropy(x, m=m, r=0.5).entropy
        a2 = approximate_entropy(y, m=m, r=0.5).entropy
    assert a1 == pytest.approx(a2, abs=1e-12)


# --------------------------------------------------------------------------------------
# Approximate entropy
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("m, r", [(1, 0.3), (2, 0.5)])
def test_approximate_entropy_equals_brute_force(m, r):
    x = np.round(np.random.default_rng(10 + m).normal(size=250), 1)
    res = approximate_entropy(x, m=m, r=r, relative=False)
    assert res.entropy == pytest.approx(_brute_apen(x, m, r), abs=1e-12)
    assert res.entropy == pytest.approx(res.phi_m - res.phi_m1)


def test_approximate_entropy_uniform_noise_analytic(uniform5k):
    """Pincus (1991) ApEn of U(0,1) noise, r = 0.2: limit 1.03903 (module docstring)."""
    want = _apen_uniform_limit(0.2)
    assert abs(want - 1.03903) < 1e-5
    res = approximate_entropy(uniform5k, m=2, r=0.2, relative=False)
    assert abs(res.entropy - want) < 0.03


def test_approximate_entropy_properties(rng):
    x = rng.normal(size=5000)
    # r wider than the range: every template matches every other -> ApEn = 0 exactly
    assert approximate_entropy(x, r=np.ptp(x) * 1.01, relative=False).entropy == 0.0
    # self-matches bias ApEn low for short records (Richman & Moorman 2000)
    short = x[:200]
    assert approximate_entropy(short).entropy < sample_entropy(short).entropy
    assert approximate_entropy(short).entropy < approximate_entropy(x).entropy - 0.5
    # noise is far more irregular than a sine
    sine = np.sin(2 * np.pi * np.arange(5000) / 20)
    assert approximate_entropy(sine).entropy < 0.2 < 2.0 < approximate_entropy(x).entropy


# --------------------------------------------------------------------------------------
# Multiscale entropy
# --------------------------------------------------------------------------------------
def test_multiscale_entropy_white_noise_analytic(gauss20k):
    """Costa et al. (2005): coarse-grained white noise, r = 0.15 sd of the original series:
    SampEn(tau) = -ln erf(0.15 sqrt(tau) / 2) (2.471, 2.127, 1.784, 1.475 at 1, 2, 4, 8)."""
    scales = [1, 2, 4, 8]
    res = multiscale_entropy(gauss20k, scales=scales)
    want = [-math.log(math.erf(0.15 * math.sqrt(s) / 2)) for s in scales]
    np.testing.assert_allclose(res.entropy, want, atol=0.05)
    np.testing.assert_array_equal(res.n_points, [20_000 // s for s in scales])
    assert res.r == pytest.approx(0.15 * np.std(gauss20k))


def test_multiscale_entropy_pink_noise_is_flat(rng):
    """Costa et al. (2002): 1/f noise keeps SampEn nearly constant across scales while white
    noise loses about 1 nat between scales 1 and 10."""
    n = 20_000
    f = np.fft.rfftfreq(n)
    spec = np.zeros(f.size, complex)
    spec[1:] = (rng.normal(size=f.size - 1) + 1j * rng.normal(size=f.size - 1)) / np.sqrt(f[1:])
    pink = np.fft.irfft(spec, n)
    white = rng.normal(size=n)
    p = multiscale_entropy(pink, scales=[1, 10]).entropy
    w = multiscale_entropy(white, scales=[1, 10]).entropy
    assert abs(p[1] - p[0]) < 0.2
    assert w[0] - w[1] > 0.8


def test_multiscale_scale_one_is_sample_entropy(gauss20k):
    x = gauss20k[:3000]
    ms = multiscale_entropy(x, scales=[1], m=2, r=0.2)
    assert ms.entropy[0] == sample_entropy(x, m=2, r=0.2).entropy


# --------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------
FUNCS = [permutation_entropy, sample_entropy, approximate_entropy,
         lambda x, **k: multiscale_entropy(x, scales=[1, 2], **k)]


@pytest.mark.parametrize("func", FUNCS)
def test_entropy_bad_series(func):
    x = np.random.default_rng(0).normal(size=100)
    with pytest.raises(ValidationError, match="NaN"):
        func(np.r_[x, np.nan])
    with pytest.raises(ValidationError, match="non-finite"):
        func(np.r_[x, -np.inf])
    with pytest.raises(ValidationError, match="constant"):
        func(np.full(100, 3.0))
    with pytest.raises(ValidationError, match="numeric"):
        func(["x", "y", "z", "w", "v"])
    with pytest.raises(ValidationError, match="dimension"):
        func(np.c_[x, x])


def test_entropy_too_short_messages():
    with pytest.raises(InsufficientDataError, match="at least 8"):
        permutation_entropy([1.0, 3.0, 2.0, 5.0, 4.0], order=4, delay=2)
    with pytest.raises(InsufficientDataError, match="at least 4"):
        sample_entropy([1.0, 2.0, 1.5])
    with pytest.raises(InsufficientDataError, match="at least 5"):
        approximate_entropy([1.0, 2.0, 1.5, 0.3], m=3)
    with pytest.raises(InsufficientDataError, match="at least 40"):
        multiscale_entropy(np.arange(30.0) % 7, scales=[1, 10])


def test_entropy_bad_parameters():
    x = np.random.default_rng(0).normal(size=100)
    with pytest.raises(ValidationError, match="order"):
        permutation_entropy(x, order=1)
    with pytest.raises(ValidationError, match="order must be <= 12"):
        permutation_entropy(x, order=13)
    with pytest.raises(ValidationError, match="delay"):
        permutation_entropy(x, delay=0)
    with pytest.raises(ValidationError, match="base"):
        permutation_entropy(x, base=1.0)
    with pytest.raises(ValidationError, match="m must"):
        sample_entropy(x, m=0)
    with pytest.raises(ValidationError, match="r must"):
        sample_entropy(x, r=0.0)
    with pytest.raises(ValidationError, match="r must"):
        approximate_entropy(x, r=-1.0)
    with pytest.raises(ValidationError, match="scales"):
        multiscale_entropy(x, scales=[1, 0])
    with pytest.raises(ValidationError, match="empty"):
        multiscale_entropy(x, scales=[])


@pytest.mark.slow
def test_long_series_use_trees():
    """10^6 samples of Gaussian noise: SampEn and ApEn via k-d trees in about a minute (an
    O(N^2) comparison would take hours). SampEn -> -ln erf(0.1) = 2.1851 and
    ApEn -> -E ln p(X) with p(z) = Phi(z + 0.2) - Phi(z - 0.2) (Pincus 1991; = 2.3353 by
    quadrature); at N = 10^6 the finite-sample biases are below 0.01."""
    import time

    from scipy.integrate import quad
    from scipy.stats import norm

    r = 0.2
    apen_limit = 2 * quad(lambda z: -np.log(norm.sf(z - r) - norm.sf(z + r)) * norm.pdf(z),
                          0, 8, limit=200)[0]
    x = np.random.default_rng(9).normal(size=1_000_000)
    t0 = time.perf_counter()
    s = sample_entropy(x)
    a = approximate_entropy(x)
    assert time.perf_counter() - t0 < 240
    assert abs(s.entropy + math.log(math.erf(0.1))) < 0.01
    assert abs(a.entropy - apen_limit) < 0.01
