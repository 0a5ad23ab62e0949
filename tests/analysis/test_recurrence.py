"""Tests of recurrence matrices and recurrence quantification analysis (RQA).

Definitions: Marwan, Romano, Thiel & Kurths (2007), Physics Reports 438, 237-329
("Marwan et al. 2007"), section on the quantification of recurrence plots. The known answers used here are exact results
that follow from those definitions (hand-counted example, periodic signal, Bernoulli
statistics of white noise), each derived in the test's docstring.
"""
from __future__ import annotations

import time

import numpy as np
import pytest
import scipy.sparse as sp

import attractor
from attractor.analysis.recurrence import RecurrenceMatrix, RQAResult, recurrence_matrix, rqa
from attractor.core.errors import InsufficientDataError, ReliabilityWarning, ValidationError
from attractor.plotting.recurrence import plot_recurrence


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def lorenz_x() -> np.ndarray:
    return attractor.system("lorenz").trajectory(1500, dt=0.01, transient=50).x[:, 0]


@pytest.fixture(scope="module")
def hand_series() -> np.ndarray:
    return np.array([0, 0, 0, 1, 1, 1, 0, 0, 0, 1], dtype=float)


# --------------------------------------------------------------------------- references
def _reference_histograms(R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Plain-Python line counting over a dense matrix (independent of the Numba kernels)."""
    n = R.shape[0]
    hd = np.zeros(n + 1, dtype=int)
    hv = np.zeros(n + 1, dtype=int)

    def runs(v):
        out, cur = [], 0
        for b in v:
            if b:
                cur += 1
            elif cur:
                out.append(cur)
                cur = 0
        if cur:
            out.append(cur)
        return out

    for k in range(-(n - 1), n):
        for length in runs(np.diagonal(R, offset=k)):
            hd[length] += 1
    for j in range(n):
        for length in runs(R[:, j]):
            hv[length] += 1
    return hd, hv


# --------------------------------------------------------------------------- known answers
def test_hand_counted_ten_point_example(hand_series):
    """x = (0,0,0,1,1,1,0,0,0,1), radius 0.5, Theiler window 1 (LOI removed).

    R_ij = 1 iff x_i = x_j: group A = {0,1,2,6,7,8}, group B = {3,4,5,9}, so there are
    6*5 + 4*3 = 42 recurrences among 90 admissible entries: RR = 42/90.
    Diagonals (upper triangle, offset k): k=1 -> runs 2,2,2; k=2 -> 1,1,1; k=4 -> 1,1;
    k=5 -> 2,1; k=6 -> 4; k=7 -> 2; k=8 -> 1. Both triangles: P(1)=14, P(2)=10, P(4)=2.
    DET = (2*10 + 4*2)/42 = 2/3, L = 28/12, L_max = 4, DIV = 1/4,
    ENTR = -(5/6 ln 5/6 + 1/6 ln 1/6) (nats).
    Columns (e.g. column 0: rows {1,2} and {6,7,8}): P(1)=9, P(2)=6, P(3)=7,
    LAM = (12 + 21)/42, TT = 33/13, V_max = 3.
    """
    res = rqa(hand_series, radius=0.5)
    np.testing.assert_array_equal(res.diagonal_histogram[:5], [0, 14, 10, 0, 2])
    assert res.diagonal_histogram[5:].sum() == 0
    np.testing.assert_array_equal(res.vertical_histogram[:5], [0, 9, 6, 7, 0])
    assert res.n_recurrences == 42 and res.n_admissible == 90
    assert res.recurrence_rate == pytest.approx(42 / 90, abs=1e-15)
    assert res.determinism == pytest.approx(2 / 3, abs=1e-15)
    assert res.mean_diagonal_length == pytest.approx(28 / 12, abs=1e-15)
    assert res.max_diagonal_length == 4
    assert res.divergence == pytest.approx(0.25, abs=1e-15)
    assert res.entropy == pytest.approx(-(5 / 6 * np.log(5 / 6) + 1 / 6 * np.log(1 / 6)), abs=1e-14)
    assert res.laminarity == pytest.approx(33 / 42, abs=1e-15)
    assert res.trapping_time == pytest.approx(33 / 13, abs=1e-15)
    assert res.max_vertical_length == 3
    d = res.as_dict()
    assert d["DET"] == res.determinism and d["V_max"] == 3
    # the same numbers from the matrix given as a boolean array
    R = hand_series[:, None] == hand_series[None, :]
    assert rqa(R).as_dict() == d


def test_hand_example_matrix_and_theiler_zero(hand_series):
    """With theiler=0 the LOI (a diagonal line of length 10) is kept: RR = 52/100."""
    R = recurrence_matrix(hand_series, radius=0.5)
    expected = hand_series[:, None] == hand_series[None, :]
    np.testing.assert_array_equal(R.toarray(), expected)
    assert R.recurrence_rate == pytest.approx(52 / 100)
    res = rqa(R.matrix, theiler=0)
    assert res.recurrence_rate == pytest.approx(0.52)
    assert res.max_diagonal_length == 10
    assert res.diagonal_histogram[10] == 1


def test_periodic_signal_exact_lines():
    """Sine of period P = 50 samples, N = 1000, embedding m = 2, tau = 12, radius 0.01.

    The radius is far below the distance between consecutive vectors (about 0.12), so
    R_ij = 1 iff j - i is a multiple of P: the RP consists of full diagonals at offsets
    +-50, +-100, ..., +-950 (N_vec = 988 vectors), i.e. 19 lines per triangle with lengths
    N_vec - k. Hence DET = 1 (Marwan et al. 2007: periodic dynamics gives only long
    diagonal lines), L = mean(N_vec - k) = 488, L_max = 938, ENTR = ln 19 (each length
    occurs exactly twice), and no vertical structure: LAM = 0, V_max = 0, TT undefined.
    """
    n, period = 1000, 50
    s = np.sin(2 * np.pi * np.arange(n) / period)
    res = rqa(s, radius=0.01, dimension=2, delay=12)
    n_vec = n - 12
    ks = np.arange(period, n_vec, period)
    assert res.recurrence_rate == pytest.approx(2 * np.sum(n_vec - ks) / (n_vec * (n_vec - 1)), rel=1e-12)
    assert res.determinism == 1.0
    assert res.mean_diagonal_length == pytest.approx(np.mean(n_vec - ks))
    assert res.max_diagonal_length == n_vec - period
    assert res.entropy == pytest.approx(np.log(ks.size), rel=1e-12)
    assert res.laminarity == 0.0
    assert res.max_vertical_length == 0
    assert np.isnan(res.trapping_time)


def test_laminar_plateaus_exact_laminarity():
    """40 constant plateaus of 5 samples with levels 0,1,2,3 repeating (200 samples),
    radius 0.1, LOI removed. In each column, every other plateau of the same level (9 of
    them) gives a vertical line of length 5; the own plateau, cut by the removed LOI,
    gives runs (4), (1, 3), (2, 2), (3, 1), (4) for the 5 columns. Per plateau: 245
    recurrences, 2 of them isolated (the runs of length 1), 51 vertical lines >= 2
    holding 243 points. Hence LAM = 1 - 2/245, TT = 243/51 = 81/17, V_max = 5,
    RR = 9800/39800 (Marwan et al. 2007: laminar states give vertical lines)."""
    levels = np.tile(np.repeat(np.arange(4.0), 5), 10)
    res = rqa(levels, radius=0.1)
    assert res.n_recurrences == 9800
    assert res.recurrence_rate == pytest.approx(9800 / 39800, abs=1e-15)
    assert res.laminarity == pytest.approx(1 - 2 / 245, abs=1e-15)
    assert res.trapping_time == pytest.approx(81 / 17, abs=1e-14)
    assert res.max_vertical_length == 5
    # a smooth sine (previous test) has LAM = 0; the laminar signal LAM ~ 1
    assert res.laminarity > 0.99


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_white_noise_determinism_matches_bernoulli_expectation(seed):
    """For i.i.d. noise, R_ij and R_{i+1,j+1} involve disjoint samples when |i-j| >= 2, so
    along each diagonal the recurrences are independent Bernoulli(RR) events. A
    recurrence then lies on a line of length >= 2 unless both diagonal neighbours are
    empty: E[DET] = 1 - (1 - RR)^2 (= 0.0975 at RR = 0.05), far below the DET ~ 1 of
    deterministic signals. Measured (N = 2000): 0.0966-0.0976 over seeds 0-5; tolerance
    0.005 (about 5 standard deviations of the estimate)."""
    u = np.random.default_rng(seed).standard_normal(2000)
    res = rqa(u, recurrence_rate=0.05)
    expected = 1 - (1 - res.recurrence_rate) ** 2
    assert res.determinism == pytest.approx(expected, abs=0.005)


# --------------------------------------------------------------------------- construction
@pytest.mark.parametrize("n, theiler", [(600, 0), (600, 1), (600, 7), (2500, 1)])
def test_fixed_rate_hits_target(n, theiler):
    """The fixed-rate radius lies between the m-th and (m+1)-th smallest admissible pair
    distance (checked by brute force here) and RR equals the target to within one pair.
    n = 2500 exercises the sampled-pilot + k-d tree path (> 2 million pairs)."""
    x = np.random.default_rng(n + theiler).standard_normal((n, 2))
    target = 0.03
    R = recurrence_matrix(x, recurrence_rate=target, theiler=theiler, sparse=True)
    total = n * n if theiler == 0 else n * n - n - 2 * sum(n - k for k in range(1, theiler))
    assert abs(R.recurrence_rate - target) <= 2.0 / total + 1e-15
    assert R.target_rate == target
    iu, ju = np.triu_indices(n, k=max(theiler, 1))
    d = np.sort(np.sqrt(np.sum((x[iu] - x[ju]) ** 2, axis=1)))
    m = int(round((target * total - (n if theiler == 0 else 0)) / 2))
    assert d[m - 1] <= R.radius <= d[m]
    # the fixed-radius mode at that radius reproduces the matrix
    R2 = recurrence_matrix(x, radius=R.radius, theiler=theiler, sparse=True)
    assert (R.matrix != R2.matrix).nnz == 0


@pytest.mark.parametrize("metric", ["euclidean", "max"])
@pytest.mark.parametrize("theiler", [0, 3])
def test_sparse_and_dense_paths_agree(lorenz_x, metric, theiler):
    """k-d tree (sparse) and brute-force (dense) constructions give the identical matrix,
    hence the same RR."""
    kw = dict(dimension=3, delay=10, metric=metric, theiler=theiler)
    x = lorenz_x[:800]
    Rs = recurrence_matrix(x, radius=2.0, sparse=True, **kw)
    Rd = recurrence_matrix(x, radius=2.0, sparse=False, **kw)
    assert Rs.is_sparse and not Rd.is_sparse
    np.testing.assert_array_equal(Rs.toarray(), Rd.matrix)
    assert Rs.recurrence_rate == Rd.recurrence_rate
    assert 0.001 < Rs.recurrence_rate < 0.2
    Fs = recurrence_matrix(x, recurrence_rate=0.02, sparse=True, **kw)
    Fd = recurrence_matrix(x, recurrence_rate=0.02, sparse=False, **kw)
    np.testing.assert_array_equal(Fs.toarray(), Fd.matrix)
    assert Fs.recurrence_rate == Fd.recurrence_rate
    assert rqa(Rs).as_dict() == rqa(Rd.matrix, theiler=max(theiler, 1)).as_dict()


def test_sparse_auto_switch_and_symmetry(lorenz_x):
    R = recurrence_matrix(lorenz_x[:500], radius=1.0)
    assert not R.is_sparse                      # short series: dense by default
    R = recurrence_matrix(np.tile(lorenz_x, 2), radius=1.0)
    assert R.is_sparse and isinstance(R.matrix, sp.csr_array)
    assert (R.matrix != R.matrix.T).nnz == 0
    assert R.matrix.has_sorted_indices


def test_line_kernels_match_plain_python_counting():
    """Numba CSR kernels vs a plain dense reference on random symmetric matrices."""
    rng = np.random.default_rng(5)
    for n, p in [(60, 0.1), (150, 0.3), (97, 0.02)]:
        A = rng.random((n, n)) < p
        R = np.triu(A, 1)
        R = R | R.T
        res = rqa(R)
        hd, hv = _reference_histograms(R)
        np.testing.assert_array_equal(res.diagonal_histogram, hd)
        np.testing.assert_array_equal(res.vertical_histogram, hv)
        # with a wider Theiler window
        res5 = rqa(R, theiler=5)
        R5 = R.copy()
        idx = np.arange(n)
        R5[np.abs(idx[:, None] - idx[None, :]) < 5] = False
        hd5, hv5 = _reference_histograms(R5)
        np.testing.assert_array_equal(res5.diagonal_histogram, hd5)
        np.testing.assert_array_equal(res5.vertical_histogram, hv5)


def test_rqa_accepts_all_input_kinds(lorenz_x):
    ref = rqa(lorenz_x, radius=1.5, dimension=3, delay=10, theiler=2)
    R = recurrence_matrix(lorenz_x, radius=1.5, dimension=3, delay=10)
    assert rqa(R, theiler=2).as_dict() == ref.as_dict()
    assert rqa(R.matrix, theiler=2).as_dict() == ref.as_dict()
    assert rqa(sp.csr_array(R.toarray()), theiler=2).as_dict() == ref.as_dict()
    assert isinstance(ref, RQAResult) and isinstance(ref.recurrence, RecurrenceMatrix)
    assert ref.radius == 1.5 and ref.theiler == 2 and ref.l_min == 2
    assert 0.9 < ref.determinism <= 1.0         # Lorenz: smooth deterministic flow


def test_no_recurrence_warns():
    x = np.arange(50.0)
    with pytest.warns(ReliabilityWarning, match="no recurrence"):
        res = rqa(x, radius=0.5)
    assert res.recurrence_rate == 0.0 and np.isnan(res.determinism)


@pytest.mark.slow
def test_twenty_thousand_points_in_seconds():
    """N = 20,000 Lorenz x (m=3, tau=10) at RR = 3 %: about 6 million recurrence pairs,
    built and quantified in a few seconds (measured about 3 s on 2 shared cores)."""
    x = attractor.system("lorenz").trajectory(20_000, dt=0.01, transient=50).x[:, 0]
    rqa(x[:3000], recurrence_rate=0.03, dimension=3, delay=10)      # compile / warm up
    t0 = time.perf_counter()
    res = rqa(x, recurrence_rate=0.03, dimension=3, delay=10, theiler=20)
    elapsed = time.perf_counter() - t0
    assert res.recurrence_rate == pytest.approx(0.03, abs=1e-6)
    assert elapsed < 20.0


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("bad, match", [
    (np.array([1.0, np.nan, 2.0, 3.0]), "non-finite"),
    (np.array([1.0, np.inf, 2.0, 3.0]), "non-finite"),
    (np.ones(20), "constant"),
])
def test_bad_series(bad, match):
    with pytest.raises(ValidationError, match=match):
        recurrence_matrix(bad, radius=1.0)
    with pytest.raises(ValidationError, match=match):
        rqa(bad, radius=1.0)


def test_too_short():
    with pytest.raises(InsufficientDataError, match="at least 2"):
        recurrence_matrix([1.0], radius=1.0)
    with pytest.raises(InsufficientDataError, match="at least 22"):
        recurrence_matrix(np.arange(20.0), radius=1.0, dimension=3, delay=10)


@pytest.mark.parametrize("radius", [0.0, -1.0, np.nan, np.inf])
def test_bad_radius(radius):
    with pytest.raises(ValidationError, match="radius"):
        recurrence_matrix(np.arange(10.0), radius=radius)


@pytest.mark.parametrize("rate", [0.0, 1.0, -0.1, 1.5, "a"])
def test_bad_recurrence_rate(rate):
    with pytest.raises(ValidationError, match="recurrence_rate"):
        recurrence_matrix(np.random.default_rng(0).random(50), recurrence_rate=rate)


def test_bad_options():
    x = np.random.default_rng(0).random(50)
    with pytest.raises(ValidationError, match="exactly one"):
        recurrence_matrix(x)
    with pytest.raises(ValidationError, match="exactly one"):
        recurrence_matrix(x, radius=0.1, recurrence_rate=0.1)
    with pytest.raises(ValidationError, match="metric must be one of"):
        recurrence_matrix(x, radius=0.1, metric="manhattan")
    with pytest.raises(ValidationError, match="fewer than one recurrent pair"):
        recurrence_matrix(x, recurrence_rate=1e-5)
    with pytest.raises(ValidationError, match="sparse=True"):
        recurrence_matrix(np.random.default_rng(0).random(10_001), radius=0.1, sparse=False)
    with pytest.raises(ValidationError, match="l_min"):
        rqa(x, radius=0.1, l_min=0)
    with pytest.raises(ValidationError, match="only when x is a time series"):
        rqa(x[:, None] == x[None, :], radius=0.1)


def test_bad_matrices():
    with pytest.raises(ValidationError, match="square"):
        rqa(np.zeros((3, 4), dtype=bool))
    A = np.zeros((5, 5), dtype=bool)
    A[0, 2] = True
    with pytest.raises(ValidationError, match="not symmetric"):
        rqa(A)
    with pytest.raises(InsufficientDataError, match="theiler"):
        rqa(np.ones((4, 4), dtype=bool), theiler=4)


# --------------------------------------------------------------------------- plotting
def test_plot_recurrence_small_and_downsampled(hand_series, lorenz_x):
    from matplotlib.figure import Figure

    res = rqa(hand_series, radius=0.5)
    fig = plot_recurrence(res)
    assert isinstance(fig, Figure)
    img = fig.axes[0].images[0].get_array()
    np.testing.assert_array_equal(np.asarray(img) > 0, res.recurrence.toarray())
    R = recurrence_matrix(lorenz_x, radius=1.0, sparse=True)
    fig = plot_recurrence(R, max_pixels=100)
    ax = fig.axes[0]
    assert "downsampled" in ax.get_title()
    img = np.asarray(ax.images[0].get_array())
    assert img.shape == (100, 100)
    # block fractions average back to the recurrence rate (blocks are 15 x 15)
    assert img.mean() == pytest.approx(R.recurrence_rate, rel=1e-12)
    with pytest.raises(ValidationError, match="plot_recurrence expects"):
        plot_recurrence([1, 2, 3])
