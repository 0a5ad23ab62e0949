"""Entropies and complexity measures of a scalar time series.

Libraries disagree on the details of these quantities (template counts, self-matches,
tolerance, logarithm base, treatment of ties), so each function states the exact
definition it implements.

* :func:`permutation_entropy` — Shannon entropy of ordinal patterns (Bandt & Pompe 2002).
* :func:`sample_entropy` — SampEn (Richman & Moorman 2000).
* :func:`approximate_entropy` — ApEn (Pincus 1991).
* :func:`multiscale_entropy` — SampEn of coarse-grained series (Costa, Goldberger & Peng
  2002).

Common conventions: ``x`` is a 1-D series (rows are time), finite and not constant.
Template distances are Chebyshev (maximum) distances and a template *matches* when its
distance is ``<= r`` (as in the reference implementations of Pincus and of Richman &
Moorman). A *relative* tolerance ``r`` means ``r · std(x)`` with the population standard
deviation (``ddof=0``): ``r`` is always read that way unless ``relative=False``; an
absolute tolerance goes in the ``tolerance`` keyword (never pass ``0.2 * np.std(x)`` as
``r``: that is ``0.2 · std²``). Sample, approximate and multiscale entropy are in nats (natural
logarithm). Neighbour counts use a k-d tree (subtrees inside or outside the tolerance are
counted or skipped whole), never an N×N comparison.

References
----------
C. Bandt & B. Pompe, "Permutation entropy: a natural complexity measure for time series",
Phys. Rev. Lett. 88, 174102 (2002).
J. S. Richman & J. R. Moorman, "Physiological time-series analysis using approximate
entropy and sample entropy", Am. J. Physiol. Heart Circ. Physiol. 278, H2039-H2049 (2000).
S. M. Pincus, "Approximate entropy as a measure of system complexity", Proc. Natl. Acad.
Sci. USA 88, 2297-2301 (1991).
M. Costa, A. L. Goldberger & C.-K. Peng, "Multiscale entropy analysis of complex
physiologic time series", Phys. Rev. Lett. 89, 068102 (2002); "Multiscale entropy analysis
of biological signals", Phys. Rev. E 71, 021906 (2005).
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

from ..core.errors import InsufficientDataError, ReliabilityWarning, ValidationError
from ..core.validation import as_series, as_series_scaled, check_positive_float, check_positive_int
from . import _dimension_kernels as _dk
from . import _entropy_kernels as _ek

__all__ = [
    "permutation_entropy",
    "sample_entropy",
    "approximate_entropy",
    "multiscale_entropy",
    "PermutationEntropyResult",
    "SampleEntropyResult",
    "ApproximateEntropyResult",
    "MultiscaleEntropyResult",
]

_LEAFSIZE = 16
_MAX_ORDER = 12


def _series(x: Any, min_length: int, what: str, rescale: bool = True) -> tuple[np.ndarray, int]:
    """Validated series and the power of two ``k`` it was divided by (x = arr * 2**k).

    Extreme magnitudes (|x| > 1e150 or all < 1e-150) are divided by an exact power of two when
    ``rescale`` (the estimates are scale-invariant with a relative tolerance; a reported absolute
    tolerance is scaled back by ``2**k``); with an absolute tolerance they are an error.
    """
    if rescale:
        arr, k = as_series_scaled(x, "x", min_length=1, allow_constant=False, multivariate=False)
    else:
        arr, k = as_series(x, "x", min_length=1, allow_constant=False, multivariate=False), 0
    if arr.shape[0] < min_length:
        raise InsufficientDataError(
            f"x has {arr.shape[0]} samples; {what} needs at least {min_length}.")
    return arr, k


def _tolerance(arr: np.ndarray, r: float | None, relative: bool, tolerance: float | None,
               default: float) -> float:
    """The tolerance in the units of ``x``: ``tolerance`` if given (absolute), else
    ``r · std(x)`` (``relative``) or ``r`` (``relative=False``), ``r`` defaulting to
    ``default``. Giving both ``r`` and ``tolerance`` is an error (which one was meant?)."""
    if tolerance is not None:
        if r is not None:
            raise ValidationError(
                "give either r (relative to std(x) by default) or tolerance (absolute, in the "
                "units of x), not both.")
        return check_positive_float(tolerance, "tolerance")
    r = default if r is None else check_positive_float(r, "r")
    return float(r * np.std(arr)) if relative else r


def _templates(arr: np.ndarray, length: int, n_templates: int) -> np.ndarray:
    """Rows (x[i], ..., x[i+length-1]) for i = 0 .. n_templates-1."""
    return np.ascontiguousarray(
        np.lib.stride_tricks.sliding_window_view(arr, length)[:n_templates])


def _matching_pairs(templates: np.ndarray, r: float) -> int:
    """Number of unordered pairs i < j with Chebyshev distance <= r."""
    n = templates.shape[0]
    tree = _dk.build_tree(templates, _LEAFSIZE)
    hist = _dk.pair_count_histogram(tree, tree, np.array([r]), _dk.CHEBYSHEV, True)
    return int((hist[0] - n) // 2)


# --------------------------------------------------------------------------------------
# Permutation entropy
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PermutationEntropyResult:
    """Permutation entropy and the ordinal-pattern distribution behind it.

    Attributes
    ----------
    entropy : float
        ``H / log(order!)`` if ``normalized`` (in [0, 1]), else ``H`` in units of
        ``log(base)`` (bits for base 2).
    order, delay : int
        Pattern length and delay in samples.
    normalized : bool
    base : float
        Logarithm base of the unnormalised entropy.
    patterns : numpy.ndarray of int, shape (n_observed, order)
        The observed ordinal patterns, each given as the permutation that sorts the
        vector ascending (``argsort`` with ties in time order).
    probabilities : numpy.ndarray, shape (n_observed,)
        Relative frequency of each observed pattern.
    n_vectors : int
        Number of delay vectors (``n_times - (order - 1) * delay``).
    tie_fraction : float
        Fraction of delay vectors containing at least one pair of equal values.
    """

    entropy: float
    order: int
    delay: int
    normalized: bool
    base: float
    patterns: np.ndarray = field(repr=False)
    probabilities: np.ndarray = field(repr=False)
    n_vectors: int
    tie_fraction: float

    def __float__(self) -> float:
        return float(self.entropy)


def permutation_entropy(
    x: Any,
    order: int = 3,
    delay: int = 1,
    normalize: bool = True,
    *,
    base: float = 2.0,
) -> PermutationEntropyResult:
    """Permutation entropy (Bandt & Pompe 2002).

    Each delay vector ``(x[t], x[t+delay], ..., x[t+(order-1)*delay])``,
    ``t = 0 .. n - 1 - (order-1)*delay``, is mapped to its ordinal pattern: the permutation
    that sorts it ascending. With ``p(π)`` the relative frequency of pattern ``π``,

    .. math:: H = -\\sum_{\\pi} p(\\pi) \\log_{b} p(\\pi),

    and the normalised entropy is ``H / log_b(order!)`` (independent of ``b``): 0 for a
    monotone series (one pattern), 1 when all ``order!`` patterns are equally frequent
    (e.g. i.i.d. noise, up to a finite-sample bias of about
    ``(order! - 1) / (2 n ln(order!))``).

    Ties: equal values are ranked by their time order (the earlier sample counts as the
    smaller), the rule suggested by Bandt & Pompe for rare ties. For strongly quantised
    data ties bias the pattern distribution towards the ascending patterns; the fraction of
    vectors with ties is reported and a ``ReliabilityWarning`` is issued when it exceeds
    10%.

    Parameters
    ----------
    x : array_like, shape (n_times,)
    order : int, 2 <= order <= 12
        Pattern length (embedding dimension).
    delay : int >= 1
        Delay in samples.
    normalize : bool
        Divide by ``log(order!)``.
    base : float > 0, != 1
        Logarithm base of the unnormalised entropy (default 2: bits).

    Returns
    -------
    PermutationEntropyResult
    """
    order = check_positive_int(order, "order", minimum=2)
    if order > _MAX_ORDER:
        raise ValidationError(f"order must be <= {_MAX_ORDER}; got {order}.")
    delay = check_positive_int(delay, "delay")
    base = check_positive_float(base, "base")
    if base == 1.0:
        raise ValidationError("base must differ from 1.")
    span = (order - 1) * delay
    arr, k_scale = _series(x, span + 2, f"permutation entropy with order={order} and delay={delay} "
                  f"(at least two delay vectors: (order - 1) * delay + 2 samples)")
    n_vec = arr.shape[0] - span
    vecs = np.lib.stride_tricks.sliding_window_view(arr, span + 1)[:, ::delay]
    perms = np.argsort(vecs, axis=1, kind="stable")
    ties = np.any(np.diff(np.sort(vecs, axis=1), axis=1) == 0, axis=1)
    tie_fraction = float(ties.mean())
    codes = perms @ (order ** np.arange(order, dtype=np.int64))
    uniq, first, counts = np.unique(codes, return_index=True, return_counts=True)
    p = counts / n_vec
    h = float(-np.sum(p * np.log(p)))  # nats
    if normalize:
        value = h / math.lgamma(order + 1)
    else:
        value = h / math.log(base)
    value = value if value > 0 else 0.0  # no -0.0 for a single pattern
    if tie_fraction > 0.1:
        warnings.warn(
            f"{tie_fraction:.0%} of the delay vectors contain equal values; ties are ranked by "
            "time order, which favours ascending patterns (quantised data?).",
            ReliabilityWarning, stacklevel=2)
    if n_vec < math.factorial(order):
        warnings.warn(
            f"only {n_vec} delay vectors for {math.factorial(order)} possible patterns of "
            f"order {order}; the entropy is strongly biased low.", ReliabilityWarning,
            stacklevel=2)
    patterns = perms[first]
    patterns.flags.writeable = False
    p.flags.writeable = False
    return PermutationEntropyResult(
        entropy=value, order=order, delay=delay, normalized=bool(normalize), base=base,
        patterns=patterns, probabilities=p, n_vectors=int(n_vec), tie_fraction=tie_fraction)


# --------------------------------------------------------------------------------------
# Sample entropy
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SampleEntropyResult:
    """Sample entropy and the match counts behind it.

    Attributes
    ----------
    entropy : float
        ``-ln(A / B)`` in nats (``inf`` when ``A == 0``).
    m : int
        Template length.
    r : float
        Tolerance actually used, in the units of ``x``.
    A, B : int
        Unordered template pairs matching for ``m + 1`` and for ``m`` points.
    n_templates : int
        Templates compared (``n_times - m``).
    """

    entropy: float
    m: int
    r: float
    A: int
    B: int
    n_templates: int

    def __float__(self) -> float:
        return float(self.entropy)


def _sampen_counts(arr: np.ndarray, m: int, r_abs: float) -> tuple[int, int, int]:
    n_t = arr.shape[0] - m
    b = _matching_pairs(_templates(arr, m, n_t), r_abs)
    a = _matching_pairs(_templates(arr, m + 1, n_t), r_abs)
    return a, b, n_t


def sample_entropy(
    x: Any,
    m: int = 2,
    r: float | None = None,
    *,
    relative: bool = True,
    tolerance: float | None = None,
    closed: bool = True,
) -> SampleEntropyResult:
    """Sample entropy SampEn(m, r, N) (Richman & Moorman 2000).

    With templates ``u_i = (x_i, ..., x_{i+m-1})`` and ``v_i = (x_i, ..., x_{i+m})`` for
    ``i = 0 .. N-m-1`` (the same ``N - m`` starting points for both lengths),

    * ``B`` = number of pairs ``i < j`` with ``max_k |u_i[k] - u_j[k]| <= r``,
    * ``A`` = number of pairs ``i < j`` with ``max_k |v_i[k] - v_j[k]| <= r``,

    and ``SampEn = -ln(A / B)``: minus the log of the conditional probability that
    sequences matching for ``m`` points also match at the next point. Self-matches are
    excluded (unlike ApEn). For i.i.d. data ``SampEn -> -ln P(|X - Y| <= r)``.

    Parameters
    ----------
    x : array_like, shape (n_times,)
    m : int >= 1
        Template length.
    r : float > 0, optional
        Tolerance **relative to the standard deviation**: ``r · std(x)`` (population std,
        ``ddof=0``), default 0.2. Do not pass ``0.2 * np.std(x)`` here (that would be
        ``0.2 · std²``): use ``tolerance`` for an absolute value.
    relative : bool
        Legacy switch: ``relative=False`` reads ``r`` in the units of ``x`` (prefer
        ``tolerance``).
    tolerance : float > 0, optional
        Absolute tolerance in the units of ``x`` (excludes ``r``).
    closed : bool
        ``True`` (default, Richman & Moorman's code): templates match when their distance is
        ``<= r``; ``False``: when it is ``< r`` (nolds' default ``closed=False``). Both give
        the same counts unless distances equal the tolerance exactly (quantised data).

    Returns
    -------
    SampleEntropyResult

    Notes
    -----
    Same definition as ``nolds.sampen`` (version 0.6.2; both use the ``N - m`` starting
    points for both template lengths, Chebyshev distance, self-matches excluded), apart from
    two defaults: nolds' tolerance is ``0.1164 · (0.5627 ln m + 1.3334) · std(x, ddof=1)``
    (``≈ 0.2006 · std`` with the sample std at m = 2) and its match is strict (``< r``).
    ``sample_entropy(x, m, tolerance=t, closed=False)`` equals
    ``nolds.sampen(x, emb_dim=m, tolerance=t)``.

    Raises
    ------
    InsufficientDataError
        If the series is shorter than ``m + 2`` samples, or no pair of templates matches for
        ``m`` points (``B == 0``: SampEn is undefined; increase ``r`` or the length).

    Warns
    -----
    ReliabilityWarning
        When ``A == 0`` (the entropy is reported as ``inf``).
    """
    m = check_positive_int(m, "m")
    arr, k_scale = _series(x, m + 2, f"sample entropy with m={m} ((m + 2) samples: two templates)",
                           relative and tolerance is None)
    r_abs = _tolerance(arr, r, relative, tolerance, 0.2)
    # a strict match d < r is exactly d <= (largest float below r): Chebyshev distances are
    # computed with one rounding (the subtraction), so no distance lies between the two.
    r_count = r_abs if closed else float(np.nextafter(r_abs, 0.0))
    a, b, n_t = _sampen_counts(arr, m, r_count)
    return SampleEntropyResult(entropy=_sampen_value(a, b, m, r_abs, stacklevel=3), m=m,
                               r=float(np.ldexp(r_abs, k_scale)), A=a, B=b, n_templates=n_t)


def _sampen_value(a: int, b: int, m: int, r_abs: float, stacklevel: int) -> float:
    if b == 0:
        raise InsufficientDataError(
            f"no pair of length-{m} templates matches within r={r_abs:.6g}; sample entropy is "
            "undefined (increase r or use a longer series).")
    if a == 0:
        warnings.warn(
            f"no pair of length-{m + 1} templates matches within r={r_abs:.6g} (B={b}); sample "
            "entropy is infinite: increase r or use a longer series.", ReliabilityWarning,
            stacklevel=stacklevel)
        return float("inf")
    return float(np.log(b / a))  # = -ln(A/B), +0.0 when A == B


# --------------------------------------------------------------------------------------
# Approximate entropy
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ApproximateEntropyResult:
    """Approximate entropy and its two terms.

    Attributes
    ----------
    entropy : float
        ``Φ^m(r) - Φ^{m+1}(r)`` in nats.
    phi_m, phi_m1 : float
        ``Φ^m(r)`` and ``Φ^{m+1}(r)``.
    m : int
    r : float
        Tolerance used, in the units of ``x``.
    """

    entropy: float
    phi_m: float
    phi_m1: float
    m: int
    r: float

    def __float__(self) -> float:
        return float(self.entropy)


def _phi(arr: np.ndarray, length: int, r_abs: float) -> float:
    n_t = arr.shape[0] - length + 1
    tree = _dk.build_tree(_templates(arr, length, n_t), _LEAFSIZE)
    counts = _ek.neighbour_counts(tree, r_abs)
    return float(np.mean(np.log(counts / n_t)))


def approximate_entropy(
    x: Any,
    m: int = 2,
    r: float | None = None,
    *,
    relative: bool = True,
    tolerance: float | None = None,
) -> ApproximateEntropyResult:
    """Approximate entropy ApEn(m, r, N) (Pincus 1991).

    With templates ``u_i^(k) = (x_i, ..., x_{i+k-1})``, ``i = 0 .. N-k``,

    .. math::

        C_i^k(r) = \\frac{\\#\\{j : \\max_l |u_i^{(k)}[l] - u_j^{(k)}[l]| \\le r\\}}{N - k + 1},
        \\qquad \\Phi^k(r) = \\frac{1}{N - k + 1} \\sum_i \\ln C_i^k(r),

    and ``ApEn = Φ^m(r) - Φ^{m+1}(r)``. Self-matches (``j = i``) are counted, so every
    ``C_i > 0``; this makes ApEn biased towards 0 for short series (Richman & Moorman 2000).
    For i.i.d. data and large N, ``ApEn -> -E[ln P(|Y - X| <= r | X)]``.

    Parameters
    ----------
    x : array_like, shape (n_times,)
    m : int >= 1
    r : float > 0, optional
        Tolerance relative to the standard deviation: ``r · std(x)`` (population std),
        default 0.2 (``relative=False``: in the units of ``x``, legacy).
    relative : bool
    tolerance : float > 0, optional
        Absolute tolerance in the units of ``x`` (excludes ``r``).

    Returns
    -------
    ApproximateEntropyResult
    """
    m = check_positive_int(m, "m")
    arr, k_scale = _series(x, m + 2, f"approximate entropy with m={m} ((m + 2) samples)",
                           relative and tolerance is None)
    r_abs = _tolerance(arr, r, relative, tolerance, 0.2)
    phi_m = _phi(arr, m, r_abs)
    phi_m1 = _phi(arr, m + 1, r_abs)
    return ApproximateEntropyResult(entropy=phi_m - phi_m1, phi_m=phi_m, phi_m1=phi_m1, m=m,
                                    r=float(np.ldexp(r_abs, k_scale)))


# --------------------------------------------------------------------------------------
# Multiscale entropy
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class MultiscaleEntropyResult:
    """Sample entropy of coarse-grained series at several scales.

    Attributes
    ----------
    scales : numpy.ndarray of int, shape (n_scales,)
    entropy : numpy.ndarray, shape (n_scales,)
        SampEn of each coarse-grained series (nats); ``inf`` where ``A == 0`` and ``nan``
        where ``B == 0`` (both with a ``ReliabilityWarning``).
    A, B : numpy.ndarray of int, shape (n_scales,)
        Match counts (see :class:`SampleEntropyResult`).
    n_points : numpy.ndarray of int, shape (n_scales,)
        Length of each coarse-grained series (``n_times // scale``).
    m : int
    r : float
        Tolerance used at every scale, in the units of ``x``.
    """

    scales: np.ndarray = field(repr=False)
    entropy: np.ndarray = field(repr=False)
    A: np.ndarray = field(repr=False)
    B: np.ndarray = field(repr=False)
    n_points: np.ndarray = field(repr=False)
    m: int
    r: float


def multiscale_entropy(
    x: Any,
    scales: Iterable[int] | None = None,
    m: int = 2,
    r: float | None = None,
    *,
    relative: bool = True,
    tolerance: float | None = None,
) -> MultiscaleEntropyResult:
    """Multiscale entropy (Costa, Goldberger & Peng 2002).

    For each scale ``τ`` the series is coarse-grained into non-overlapping means
    ``y_j = (1/τ) Σ_{i=jτ}^{(j+1)τ-1} x_i``, ``j = 0 .. N//τ - 1`` (a trailing partial window
    is dropped), and :func:`sample_entropy` of ``y`` is computed with the *same* tolerance
    at every scale, fixed from the original series: ``r · std(x)`` if ``relative`` (Costa et
    al. use r = 0.15), so that changes of variance with scale are part of the measure. For
    Gaussian white noise ``SampEn(τ) -> -ln erf(r_rel · sqrt(τ) / 2)`` (Costa et al. 2005).

    Parameters
    ----------
    x : array_like, shape (n_times,)
    scales : iterable of int >= 1, optional
        Coarse-graining factors; default ``1 .. 20``.
    m : int >= 1
    r : float > 0, optional
        Tolerance relative to ``std(x)`` of the original series, default 0.15
        (``relative=False``: in the units of ``x``, legacy).
    relative : bool
    tolerance : float > 0, optional
        Absolute tolerance in the units of ``x`` (excludes ``r``).

    Returns
    -------
    MultiscaleEntropyResult

    Raises
    ------
    InsufficientDataError
        If the coarsest series has fewer than ``m + 2`` points.
    """
    m = check_positive_int(m, "m")
    if scales is None:
        scales = range(1, 21)
    sc = np.array([check_positive_int(s, "scales") for s in scales], dtype=np.int64)
    if sc.size == 0:
        raise ValidationError("scales is empty; give at least one scale.")
    need = int(sc.max()) * (m + 2)
    arr, k_scale = _series(x, need, f"multiscale entropy up to scale {int(sc.max())} with m={m} "
                           f"(scale * (m + 2) samples)", relative and tolerance is None)
    r_abs = _tolerance(arr, r, relative, tolerance, 0.15)
    ent = np.empty(sc.size)
    A = np.empty(sc.size, dtype=np.int64)
    B = np.empty(sc.size, dtype=np.int64)
    npts = np.empty(sc.size, dtype=np.int64)
    for k, s in enumerate(sc):
        n_s = arr.shape[0] // s
        y = arr[: n_s * s].reshape(n_s, s).mean(axis=1)
        a, b, _ = _sampen_counts(y, m, r_abs)
        A[k], B[k], npts[k] = a, b, n_s
        if b == 0:
            warnings.warn(f"scale {s}: no template pair matches for m={m}; SampEn undefined "
                          "(nan).", ReliabilityWarning, stacklevel=2)
            ent[k] = np.nan
        else:
            ent[k] = _sampen_value(a, b, m, r_abs, stacklevel=3)
    for a_ in (sc, ent, A, B, npts):
        a_.flags.writeable = False
    return MultiscaleEntropyResult(scales=sc, entropy=ent, A=A, B=B, n_points=npts, m=m,
                                   r=float(np.ldexp(r_abs, k_scale)))
