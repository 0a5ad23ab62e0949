"""Recurrence plots and recurrence quantification analysis (RQA).

Definitions follow Marwan, Romano, Thiel & Kurths (2007), "Recurrence plots for
the analysis of complex systems", Physics Reports 438, 237-329 (cited below as
"Marwan et al. 2007"). They are written out in the docstrings of
:func:`recurrence_matrix` and :func:`rqa` because libraries differ in the details
(how the line of identity is excluded, what the recurrence rate is normalised by,
whether ``L_max`` counts the line of identity, which logarithm the entropy uses).

The recurrence matrix is built from the pairs found by a k-d tree
(:class:`scipy.spatial.cKDTree`), so memory and time scale with the number of
recurrences rather than with ``N**2``; it is stored as a :class:`scipy.sparse.csr_array`.
A dense boolean array is produced only when asked for (``sparse=False``) or, by
default, for short series. Line lengths are counted by Numba kernels that walk the
sparse structure once (O(N + number of recurrences)).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

from ..core.errors import InsufficientDataError, ReliabilityWarning, ValidationError
from ..core.validation import (
    as_series,
    as_series_scaled,
    check_nonnegative_int,
    check_positive_float,
    check_positive_int,
)
from ._recurrence_kernels import (
    diagonal_line_histogram,
    pair_distances,
    symmetric_csr_from_pairs,
    theiler_filter,
    vertical_line_histogram,
)
from .embedding import delay_embed

__all__ = ["RecurrenceMatrix", "RQAResult", "recurrence_matrix", "rqa"]

#: Minkowski ``p`` used by the k-d tree for each supported norm.
_METRICS = {"euclidean": 2.0, "max": np.inf}
#: Series with at most this many embedded vectors get a dense matrix when ``sparse=None``.
_DENSE_AUTO_MAX = 2000
#: A dense matrix is refused above this many vectors (it would need > 100 MB).
_DENSE_MAX = 10_000
#: Below this many admissible pairs the fixed-rate radius is found from all pair distances.
_EXACT_PAIRS_MAX = 2_000_000


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class RecurrenceMatrix:
    """A recurrence matrix and the settings that produced it.

    Attributes
    ----------
    matrix : scipy.sparse.csr_array or numpy.ndarray of bool, shape (n_vectors, n_vectors)
        ``matrix[i, j]`` is True when embedded vectors ``i`` and ``j`` are closer than
        ``radius`` and ``|i - j| >= theiler``. Symmetric; sparse matrices have sorted
        column indices and no explicit zeros.
    radius : float
        Threshold distance ``epsilon`` (same units as the data); NaN when the matrix
        was supplied by the user.
    recurrence_rate : float
        Fraction of admissible pairs that are recurrent (see :func:`recurrence_matrix`).
    target_rate : float or None
        The requested recurrence rate in fixed-rate mode, else None.
    dimension, delay : int or None
        Delay embedding used (None for user-supplied matrices).
    metric : str or None
        ``"euclidean"`` or ``"max"`` (None for user-supplied matrices).
    theiler : int
        Pairs with ``|i - j| < theiler`` were removed (0: nothing removed).
    """

    matrix: Any
    radius: float
    recurrence_rate: float
    target_rate: float | None
    dimension: int | None
    delay: int | None
    metric: str | None
    theiler: int

    @property
    def n_vectors(self) -> int:
        """Number of (embedded) state vectors ``N``."""
        return int(self.matrix.shape[0])

    @property
    def is_sparse(self) -> bool:
        """True when :attr:`matrix` is a SciPy sparse array."""
        return sp.issparse(self.matrix)

    @property
    def n_recurrences(self) -> int:
        """Number of recurrent entries (both triangles)."""
        return int(self.matrix.nnz) if self.is_sparse else int(np.count_nonzero(self.matrix))

    def toarray(self) -> np.ndarray:
        """Dense boolean copy of the matrix (``N**2`` bytes: only for short series)."""
        return self.matrix.toarray() if self.is_sparse else np.array(self.matrix, dtype=bool)

    def tocsr(self) -> sp.csr_array:
        """The matrix as a canonical boolean CSR array."""
        return _canonical_csr(self.matrix)


@dataclass(frozen=True)
class RQAResult:
    """Recurrence quantification measures (Marwan et al. 2007, 'Quantification of recurrence plots').

    Attributes
    ----------
    recurrence_rate : float
        RR, fraction of admissible pairs that are recurrent.
    determinism : float
        DET, fraction of recurrence points on diagonal lines of length >= ``l_min``.
    mean_diagonal_length : float
        L, mean length of diagonal lines with length >= ``l_min`` (samples).
    max_diagonal_length : int
        L_max, longest diagonal line with length >= ``l_min`` (0 if there is none);
        the line of identity is excluded whenever ``theiler >= 1``.
    divergence : float
        DIV = 1 / L_max (NaN if L_max = 0).
    entropy : float
        ENTR, Shannon entropy (natural logarithm, nats) of the distribution of
        diagonal line lengths >= ``l_min``.
    laminarity : float
        LAM, fraction of recurrence points on vertical lines of length >= ``v_min``.
    trapping_time : float
        TT, mean length of vertical lines with length >= ``v_min`` (samples).
    max_vertical_length : int
        V_max, longest vertical line with length >= ``v_min`` (0 if there is none).
    diagonal_histogram, vertical_histogram : numpy.ndarray of int, shape (N + 1,)
        ``P(l)`` and ``P(v)``: number of diagonal / vertical lines of each exact length
        (index = length; index 0 is always 0), counted over the whole (symmetric) matrix.
    n_recurrences : int
        Number of recurrence points counted (both triangles, after the Theiler window).
    n_admissible : int
        Number of matrix entries allowed by the Theiler window (denominator of RR).
    l_min, v_min, theiler : int
        Settings used.
    recurrence : RecurrenceMatrix
        The matrix that was analysed (with the Theiler window applied), for plotting.
    """

    recurrence_rate: float
    determinism: float
    mean_diagonal_length: float
    max_diagonal_length: int
    divergence: float
    entropy: float
    laminarity: float
    trapping_time: float
    max_vertical_length: int
    diagonal_histogram: np.ndarray = field(repr=False)
    vertical_histogram: np.ndarray = field(repr=False)
    n_recurrences: int
    n_admissible: int
    l_min: int
    v_min: int
    theiler: int
    recurrence: RecurrenceMatrix = field(repr=False)

    @property
    def radius(self) -> float:
        """Threshold distance used (NaN for user-supplied matrices)."""
        return self.recurrence.radius

    def as_dict(self) -> dict[str, float]:
        """The measures under their usual abbreviations (RR, DET, L, L_max, DIV, ENTR, LAM, TT, V_max)."""
        return {
            "RR": self.recurrence_rate,
            "DET": self.determinism,
            "L": self.mean_diagonal_length,
            "L_max": self.max_diagonal_length,
            "DIV": self.divergence,
            "ENTR": self.entropy,
            "LAM": self.laminarity,
            "TT": self.trapping_time,
            "V_max": self.max_vertical_length,
        }


# --------------------------------------------------------------------------- helpers
def _check_metric(metric: str) -> float:
    if metric not in _METRICS:
        raise ValidationError(f"metric must be one of {sorted(_METRICS)}; got {metric!r}.")
    return _METRICS[metric]


def _n_admissible(n: int, theiler: int) -> tuple[int, int]:
    """Return (entries of the N x N matrix with |i-j| >= theiler, such pairs with j > i)."""
    w = min(theiler, n)
    # pairs with 1 <= j - i < w (upper triangle) that the window removes
    removed_upper = (w - 1) * n - (w - 1) * w // 2 if w >= 2 else 0
    upper = n * (n - 1) // 2 - removed_upper
    total = 2 * upper + (n if theiler == 0 else 0)
    return total, upper


def _pair_distances(Y: np.ndarray, i: np.ndarray, j: np.ndarray, metric: str) -> np.ndarray:
    """Distances between rows ``Y[i]`` and ``Y[j]``."""
    return pair_distances(Y, i, j, metric == "max")


def _upper_pairs(tree: cKDTree, r: float, p: float, min_sep: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``i < j`` with distance <= r and ``j - i >= min_sep`` (k-d tree query)."""
    pairs = tree.query_pairs(r, p=p, output_type="ndarray")
    if pairs.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    i = np.ascontiguousarray(pairs[:, 0], dtype=np.int64)   # query_pairs gives i < j
    j = np.ascontiguousarray(pairs[:, 1], dtype=np.int64)
    if min_sep > 1:
        keep = (j - i) >= min_sep
        return i[keep], j[keep]
    return i, j


def _target_upper_count(n: int, rate: float, theiler: int) -> int:
    """Number m of recurrent pairs j > i that gives the recurrence rate ``rate``."""
    total, upper = _n_admissible(n, theiler)
    if theiler == 0:   # the N entries of the line of identity are always recurrent
        m = int(round((rate * total - n) / 2.0))
    else:
        m = int(round(rate * total / 2.0))
    if m < 1:
        floor = " (with theiler=0 the line of identity alone gives RR = 1/N)" if theiler == 0 else ""
        raise ValidationError(
            f"recurrence_rate={rate} asks for fewer than one recurrent pair among the {total} "
            f"admissible entries of {n} vectors{floor}; use a larger rate or a longer series."
        )
    return min(m, upper)


def _radius_for_rate(Y: np.ndarray, rate: float, theiler: int, metric: str,
                     tree: cKDTree) -> tuple[float, np.ndarray, np.ndarray]:
    """Radius at which the fraction of admissible recurrent pairs equals ``rate``.

    Returns the radius and the admissible upper-triangle pairs within it.
    """
    n = Y.shape[0]
    p = _METRICS[metric]
    min_sep = max(theiler, 1)
    m = _target_upper_count(n, rate, theiler)
    _, upper = _n_admissible(n, theiler)
    if upper <= _EXACT_PAIRS_MAX:
        iu, ju = np.triu_indices(n, k=min_sep)
        i, j = iu.astype(np.int64), ju.astype(np.int64)
    else:
        # Pilot estimate of the radius from a deterministic random sample of pairs, then
        # an exact k-d tree query at a radius safely above it.
        rng = np.random.default_rng(0)
        a = rng.integers(0, n, 400_000)
        b = rng.integers(0, n, 400_000)
        ok = np.abs(a - b) >= min_sep
        a, b = a[ok], b[ok]
        ds = _pair_distances(Y, a, b, metric)
        frac = m / upper
        q = min(1.0, 1.3 * frac + 5.0 * np.sqrt(frac / ds.size))
        r_hi = float(np.quantile(ds, q)) if q < 1.0 else float(ds.max())
        r_hi = max(r_hi, np.finfo(float).tiny)
        while True:
            i, j = _upper_pairs(tree, r_hi, p, min_sep)
            if i.size > m or i.size == upper:
                break
            r_hi *= 1.5
    d = _pair_distances(Y, i, j, metric)
    if m < d.size:
        part = np.partition(d, (m - 1, m))
        lo, hi = float(part[m - 1]), float(part[m])
        radius = 0.5 * (lo + hi) if hi > lo else lo
    else:
        radius = float(d.max())
    if radius <= 0:
        raise ValidationError(
            f"recurrence_rate={rate} is reached only at radius 0 (more than that fraction of the "
            "pairs of vectors coincide exactly); use a smaller rate or a fixed radius."
        )
    keep = d <= radius
    return radius, i[keep], j[keep]


def _csr(indptr: np.ndarray, indices: np.ndarray, n: int) -> sp.csr_array:
    """Boolean CSR array from a canonical (sorted, duplicate-free) structure."""
    if indices.size < np.iinfo(np.int32).max:
        indptr = indptr.astype(np.int32)
        indices = indices.astype(np.int32, copy=False)
    mat = sp.csr_array((np.ones(indices.size, dtype=bool), indices, indptr), shape=(n, n))
    mat.has_sorted_indices = True
    mat.has_canonical_format = True
    return mat


def _csr_from_upper(i: np.ndarray, j: np.ndarray, n: int, with_diagonal: bool) -> sp.csr_array:
    indptr, indices = symmetric_csr_from_pairs(i, j, n, with_diagonal)
    return _csr(indptr, indices, n)


def _canonical_csr(mat: Any) -> sp.csr_array:
    """Boolean CSR with sorted indices and no explicit zeros (always a copy)."""
    if isinstance(mat, np.ndarray):
        out = sp.csr_array(mat.astype(bool, copy=False))
    else:
        out = sp.csr_array(mat, dtype=bool, copy=True)
    out.sum_duplicates()
    out.eliminate_zeros()
    out.sort_indices()
    return out


def _apply_theiler(mat: sp.csr_array, theiler: int) -> sp.csr_array:
    """Remove entries with |i - j| < theiler from a canonical CSR matrix."""
    if theiler == 0 or mat.nnz == 0:
        return mat
    n = mat.shape[0]
    indptr, indices = theiler_filter(mat.indptr, mat.indices, n, theiler)
    return _csr(indptr, indices, n)


def _dense_matrix(Y: np.ndarray, radius: float, metric: str, theiler: int) -> np.ndarray:
    """Brute-force boolean recurrence matrix in row blocks (short series only)."""
    n = Y.shape[0]
    out = np.empty((n, n), dtype=bool)
    block = max(1, 4_000_000 // max(1, n * Y.shape[1]))
    r2 = radius * radius
    for a in range(0, n, block):
        diff = Y[a:a + block, None, :] - Y[None, :, :]
        if metric == "euclidean":
            out[a:a + block] = np.sum(diff * diff, axis=2) <= r2
        else:
            out[a:a + block] = np.max(np.abs(diff), axis=2) <= radius
    if theiler > 0:
        idx = np.arange(n)
        out[np.abs(idx[:, None] - idx[None, :]) < theiler] = False
    return out


# --------------------------------------------------------------------------- public
def recurrence_matrix(x, radius: float | None = None, recurrence_rate: float | None = None,
                      dimension: int = 1, delay: int = 1, metric: str = "euclidean",
                      theiler: int = 0, sparse: bool | None = None) -> RecurrenceMatrix:
    r"""Recurrence matrix of a (delay-embedded) time series.

    With state vectors :math:`\mathbf{y}_i` (rows of ``delay_embed(x, dimension, delay)``,
    i.e. :math:`\mathbf{y}_i = (x_i, x_{i+\tau}, \dots, x_{i+(m-1)\tau})`, ``i = 0..N-1``),

    .. math:: R_{ij} = \Theta(\varepsilon - \lVert \mathbf{y}_i - \mathbf{y}_j \rVert)
              \quad\text{for } |i - j| \ge w, \qquad R_{ij} = 0 \text{ for } |i - j| < w,

    (Marwan et al. 2007, eq. 3; ``Theta(0) = 1``, i.e. a distance equal to the radius is a
    recurrence), where :math:`w` is the Theiler window ``theiler``: ``theiler=0`` keeps every
    entry including the line of identity (LOI, ``i = j``), ``theiler=1`` removes only the
    LOI, ``theiler=w`` removes the ``2w - 1`` central diagonals.

    The *recurrence rate* is normalised by the number of admissible entries,
    :math:`RR = \sum_{|i-j| \ge w} R_{ij} / M_w` with :math:`M_w = N^2` for ``w = 0`` and
    :math:`M_w = N^2 - N - 2\sum_{k=1}^{w-1}(N - k)` otherwise (Marwan et al. 2007, eq. 5,
    restricted to the admissible pairs).

    Parameters
    ----------
    x : array_like, shape (n_times,) or (n_times, n_channels)
        Time series (rows are time). A multivariate series is embedded channel by channel
        (``dimension=1`` uses the channels themselves as the state vector).
    radius : float > 0, optional
        Fixed threshold distance :math:`\varepsilon`, in the units of ``x``.
    recurrence_rate : float in (0, 1), optional
        Fixed recurrence rate instead of a fixed radius. The radius is set to the
        midpoint between the m-th and (m+1)-th smallest admissible pair distance, where
        ``m`` is the number of recurrent pairs (``j > i``) that gives the target rate
        (rounded to the nearest integer), so the achieved RR equals the target to within
        one pair (``2 / M_w``) unless distances tie. It is found exactly: from all pair
        distances when there are at most 2 million admissible pairs, otherwise from a
        k-d tree query at a radius bracketing a quantile estimated from 400,000 random
        pairs (fixed internal seed, so the result is deterministic). Give exactly one of
        ``radius`` and ``recurrence_rate``.
    dimension : int >= 1
        Embedding dimension ``m``.
    delay : int >= 1
        Embedding delay ``tau`` in samples.
    metric : {"euclidean", "max"}
        Norm used for distances (``"max"`` is the maximum / Chebyshev norm).
    theiler : int >= 0
        Theiler window ``w`` (see above). Default 0 keeps the LOI (as in a plain
        recurrence plot); :func:`rqa` defaults to 1.
    sparse : bool or None
        True: :class:`scipy.sparse.csr_array` built from a k-d tree pair search
        (memory O(number of recurrences)). False: dense boolean array from brute-force
        distances (refused above 10,000 vectors). None (default): dense for at most
        2,000 vectors, sparse otherwise.

    Returns
    -------
    RecurrenceMatrix

    Raises
    ------
    ValidationError
        Non-finite or constant input, both/neither of ``radius`` and ``recurrence_rate``,
        ``radius <= 0``, ``recurrence_rate`` outside (0, 1), unknown ``metric``.
    InsufficientDataError
        Fewer than two embedded vectors (or fewer than ``theiler + 1``).

    References
    ----------
    N. Marwan, M. C. Romano, M. Thiel, J. Kurths, Phys. Rep. 438, 237 (2007).
    J.-P. Eckmann, S. O. Kamphorst, D. Ruelle, Europhys. Lett. 4, 973 (1987).
    """
    if (radius is None) == (recurrence_rate is None):
        raise ValidationError("give exactly one of radius (fixed threshold) or recurrence_rate (fixed rate).")
    if radius is not None:
        radius = check_positive_float(radius, "radius")
    if recurrence_rate is not None:
        try:
            rate = float(recurrence_rate)
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"recurrence_rate must be a number in (0, 1); got {recurrence_rate!r}.") from exc
        if not (0.0 < rate < 1.0):
            raise ValidationError(f"recurrence_rate must lie strictly between 0 and 1; got {recurrence_rate!r}.")
    else:
        rate = None
    _check_metric(metric)
    dimension = check_positive_int(dimension, "dimension")
    delay = check_positive_int(delay, "delay")
    theiler = check_nonnegative_int(theiler, "theiler")
    if sparse is not None and not isinstance(sparse, bool | np.bool_):
        raise ValidationError(f"sparse must be True, False or None; got {sparse!r}.")

    span = (dimension - 1) * delay
    min_vectors = max(2, theiler + 1)
    # extreme magnitudes (|x| > 1e150 or < 1e-150) are divided by an exact power of two 2**k so
    # distances neither overflow nor underflow; a given radius is scaled alike, the result back
    arr, k = as_series_scaled(x, "x", min_length=span + min_vectors, allow_constant=False)
    if radius is not None and k:
        radius = float(np.ldexp(radius, -k))
    Y = delay_embed(arr, dimension, delay)
    n = Y.shape[0]
    if sparse is None:
        sparse = n > _DENSE_AUTO_MAX
    if not sparse and n > _DENSE_MAX:
        raise ValidationError(
            f"a dense recurrence matrix of {n} vectors would need {n * n / 1e6:.0f} MB; "
            f"use sparse=True (dense is allowed up to {_DENSE_MAX} vectors)."
        )
    min_sep = max(theiler, 1)
    tree = cKDTree(Y)
    total, _ = _n_admissible(n, theiler)
    if rate is not None:
        radius, i, j = _radius_for_rate(Y, rate, theiler, metric, tree)
    else:
        i = j = None
    if sparse:
        if i is None:
            i, j = _upper_pairs(tree, radius, _METRICS[metric], min_sep)
        mat = _csr_from_upper(i, j, n, with_diagonal=(theiler == 0))
        count = int(mat.nnz)
    else:
        mat = _dense_matrix(Y, radius, metric, theiler)
        count = int(np.count_nonzero(mat))
        mat.setflags(write=False)
    return RecurrenceMatrix(
        matrix=mat, radius=float(np.ldexp(radius, k)), recurrence_rate=count / total, target_rate=rate,
        dimension=dimension, delay=delay, metric=metric, theiler=theiler,
    )


def _matrix_input(x: Any) -> bool:
    return (isinstance(x, RecurrenceMatrix) or sp.issparse(x)
            or (isinstance(x, np.ndarray) and x.dtype == bool))


def _check_user_matrix(mat: Any) -> sp.csr_array:
    if mat.ndim != 2 or mat.shape[0] != mat.shape[1]:
        raise ValidationError(f"a recurrence matrix must be square; got shape {mat.shape}.")
    if mat.shape[0] < 2:
        raise InsufficientDataError(f"a recurrence matrix needs at least 2 vectors; got {mat.shape[0]}.")
    csr = _canonical_csr(mat)
    if (csr != csr.T).nnz != 0:
        raise ValidationError(
            "the recurrence matrix is not symmetric; rqa analyses (auto-)recurrence matrices only."
        )
    return csr


def _line_stats(hist: np.ndarray, lmin: int) -> tuple[float, float, int, float, int]:
    """(fraction of points on lines >= lmin, mean length, max length, entropy, number of lines)."""
    lengths = np.arange(hist.size, dtype=float)
    points_all = float(np.dot(lengths, hist))
    sel = hist[lmin:]
    n_lines = int(sel.sum())
    points_sel = float(np.dot(lengths[lmin:], sel))
    frac = points_sel / points_all if points_all > 0 else np.nan
    if n_lines == 0:
        return frac, np.nan, 0, np.nan, 0
    mean = points_sel / n_lines
    lmax = int(lmin + np.flatnonzero(sel)[-1])
    pl = sel[sel > 0] / n_lines
    ent = float(-np.sum(pl * np.log(pl)))
    return frac, mean, lmax, ent, n_lines


def rqa(x, radius: float | None = None, recurrence_rate: float | None = None,
        dimension: int = 1, delay: int = 1, metric: str = "euclidean", theiler: int = 1,
        l_min: int = 2, v_min: int = 2) -> RQAResult:
    r"""Recurrence quantification analysis of a series or of a recurrence matrix.

    Definitions (Marwan et al. 2007, 'Quantification of recurrence plots'). ``P(l)`` is the number of
    diagonal lines of exactly length ``l`` and ``P(v)`` the number of vertical lines of
    exactly length ``v`` in the whole symmetric matrix (a diagonal line is a maximal run
    of recurrences ``R_{i+k, j+k} = 1, k = 0..l-1``; a vertical line a maximal run
    ``R_{i+k, j} = 1``). Entries inside the Theiler window ``|i - j| < theiler`` are set to
    zero *before* lines are counted: with the default ``theiler=1`` the line of identity
    is not a line and never counts towards DET, L, L_max or ENTR, and a vertical line that
    crosses it is split in two. Lines touching the border of the matrix are counted with
    their truncated length.

    - RR   = (number of recurrences) / M_w, with M_w the number of admissible entries
      (see :func:`recurrence_matrix`).
    - DET  = sum_{l >= l_min} l P(l) / sum_{l >= 1} l P(l).
    - L    = sum_{l >= l_min} l P(l) / sum_{l >= l_min} P(l).
    - L_max = longest diagonal line of length >= l_min (0 if none); DIV = 1 / L_max.
    - ENTR = -sum_{l >= l_min} p(l) ln p(l), p(l) = P(l) / sum_{l >= l_min} P(l)
      (natural logarithm, in nats).
    - LAM  = sum_{v >= v_min} v P(v) / sum_{v >= 1} v P(v).
    - TT   = sum_{v >= v_min} v P(v) / sum_{v >= v_min} P(v).
    - V_max = longest vertical line of length >= v_min (0 if none).

    Ratios with an empty denominator are NaN (e.g. TT when there is no vertical line of
    length >= v_min); a matrix with no recurrence at all gives a
    :class:`~attractor.core.errors.ReliabilityWarning`.

    Parameters
    ----------
    x : array_like, RecurrenceMatrix, scipy sparse matrix or boolean ndarray
        A time series (shape (n_times,) or (n_times, n_channels)), which is embedded
        and thresholded with :func:`recurrence_matrix` (sparse), or a ready recurrence
        matrix. Only a boolean ``ndarray`` is taken as a matrix; numeric arrays are
        series. A user matrix must be square and symmetric.
    radius, recurrence_rate, dimension, delay, metric
        Passed to :func:`recurrence_matrix` when ``x`` is a series (exactly one of
        ``radius`` and ``recurrence_rate``; they must be None for a matrix input).
    theiler : int >= 0
        Theiler window ``w``: entries with ``|i - j| < w`` are removed (default 1: the
        line of identity only). For a :class:`RecurrenceMatrix` input the larger of this
        and the matrix's own window is used.
    l_min, v_min : int >= 1
        Minimal diagonal / vertical line lengths (default 2).

    Returns
    -------
    RQAResult

    Notes
    -----
    Line counting is done by Numba kernels over the CSR structure in
    O(N + number of recurrences) time; a series of 20,000 points at RR of a few per cent
    is analysed in seconds.

    References
    ----------
    N. Marwan, M. C. Romano, M. Thiel, J. Kurths, Phys. Rep. 438, 237 (2007).
    C. L. Webber, J. P. Zbilut, J. Appl. Physiol. 76, 965 (1994).
    """
    theiler = check_nonnegative_int(theiler, "theiler")
    l_min = check_positive_int(l_min, "l_min")
    v_min = check_positive_int(v_min, "v_min")
    if _matrix_input(x):
        if radius is not None or recurrence_rate is not None:
            raise ValidationError(
                "radius and recurrence_rate apply only when x is a time series, not a recurrence matrix."
            )
        if isinstance(x, RecurrenceMatrix):
            base = x
            theiler = max(theiler, x.theiler)
            csr = x.matrix if x.is_sparse else _canonical_csr(x.matrix)
            already_removed = x.theiler
        else:
            csr = _check_user_matrix(x)
            base = RecurrenceMatrix(matrix=csr, radius=float("nan"), recurrence_rate=float("nan"),
                                    target_rate=None, dimension=None, delay=None, metric=None,
                                    theiler=0)
            already_removed = 0
    else:
        base = recurrence_matrix(x, radius=radius, recurrence_rate=recurrence_rate,
                                 dimension=dimension, delay=delay, metric=metric,
                                 theiler=theiler, sparse=True)
        csr = base.matrix
        already_removed = theiler
    n = csr.shape[0]
    if theiler >= n:
        raise InsufficientDataError(
            f"theiler={theiler} removes every pair of a {n}-vector recurrence matrix; "
            f"at least {theiler + 1} vectors are needed."
        )
    if theiler > already_removed:
        csr = _apply_theiler(csr, theiler)
    hist_d = diagonal_line_histogram(csr.indptr, csr.indices, n)
    hist_v = vertical_line_histogram(csr.indptr, csr.indices, n)
    n_rec = int(csr.nnz)
    total, _ = _n_admissible(n, theiler)
    if n_rec == 0:
        warnings.warn(
            "the recurrence matrix has no recurrence point outside the Theiler window; "
            "DET, L, ENTR, LAM and TT are undefined (NaN). Increase the radius or recurrence rate.",
            ReliabilityWarning, stacklevel=2,
        )
    det, L, lmax, entr, n_diag = _line_stats(hist_d, l_min)
    lam, tt, vmax, _, n_vert = _line_stats(hist_v, v_min)
    if n_rec > 0 and (n_diag == 0 or n_vert == 0):
        missing = [f"no diagonal line of length >= l_min={l_min} (L, ENTR and DIV are undefined: NaN)"
                   if n_diag == 0 else "",
                   f"no vertical line of length >= v_min={v_min} (TT is undefined: NaN)" if n_vert == 0 else ""]
        warnings.warn("the recurrence matrix has " + "; ".join(m for m in missing if m)
                      + ". Use more data or a larger radius / recurrence rate.", ReliabilityWarning, stacklevel=2)
    recurrence = RecurrenceMatrix(
        matrix=csr, radius=base.radius, recurrence_rate=n_rec / total, target_rate=base.target_rate,
        dimension=base.dimension, delay=base.delay, metric=base.metric, theiler=theiler,
    )
    hist_d.setflags(write=False)
    hist_v.setflags(write=False)
    return RQAResult(
        recurrence_rate=n_rec / total,
        determinism=float(det),
        mean_diagonal_length=float(L),
        max_diagonal_length=int(lmax),
        divergence=(1.0 / lmax) if lmax > 0 else float("nan"),
        entropy=float(entr),
        laminarity=float(lam),
        trapping_time=float(tt),
        max_vertical_length=int(vmax),
        diagonal_histogram=hist_d,
        vertical_histogram=hist_v,
        n_recurrences=n_rec,
        n_admissible=total,
        l_min=l_min,
        v_min=v_min,
        theiler=theiler,
        recurrence=recurrence,
    )
