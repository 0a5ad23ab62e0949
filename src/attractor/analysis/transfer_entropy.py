"""Transfer entropy with the Kraskov–Stögbauer–Grassberger nearest-neighbour estimator.

Transfer entropy (Schreiber 2000) from a source ``y`` to a target ``x`` is the conditional
mutual information

.. math::

    T_{y \\to x} = I\\big(x_{t+1};\\, \\mathbf{y}^{(l)}_{t+1-u} \\,\\big|\\, \\mathbf{x}^{(k)}_t\\big),
    \\qquad \\mathbf{x}^{(k)}_t = (x_t, x_{t-\\tau}, \\dots, x_{t-(k-1)\\tau}),

the information the source's past adds about the target's next value beyond what the
target's own past already gives. ``k`` and ``l`` are the history lengths, ``tau`` the spacing
of the history samples (``delay``) and ``u >= 1`` the source-target interaction delay
(``lag``; Wibral et al. 2013): the source's most recent sample used is ``y_{t+1-u}``, so
``u = 1`` is Schreiber's original definition. Conditional transfer entropy adds the past
``z^{(m)}_t`` of further channels to the conditioning set (Lizier, Prokopenko & Zomaya 2008;
Faes et al. 2011), which removes links explained by a common driver or an intermediary.

Estimator
---------
The conditional mutual information ``I(X; Y | Z)`` is estimated with KSG algorithm 1
(Kraskov, Stögbauer & Grassberger 2004) in its conditional form (Frenzel & Pompe 2007;
Vejmelka & Paluš 2008; Wibral et al. 2014):

.. math::

    \\hat I = \\psi(K) - \\big\\langle \\psi(n_{xz} + 1) + \\psi(n_{yz} + 1) - \\psi(n_z + 1) \\big\\rangle,

where ``epsilon_i`` is the max-norm distance from sample ``i`` to its ``K``-th neighbour in the
joint space ``(X, Y, Z)`` and ``n_xz``, ``n_yz``, ``n_z`` count the other samples *strictly*
closer than ``epsilon_i`` in the marginal spaces. Every variable is first scaled to unit variance
and, to break ties (discrete or repeated values), perturbed by Gaussian noise of standard
deviation ``noise`` (default ``1e-8``, as JIDT does), drawn from ``seed``. The neighbour search
is a k-d tree with the max-norm (:class:`scipy.spatial.cKDTree`, ``p=inf``, ``O(N log N)``); the
counts in the marginal spaces use compiled kernels (``_te_kernels.py``) on the points sorted once
along their widest coordinate: a binary search in one dimension, a scan of the band
``|p_0 - q_0| < epsilon`` otherwise (its width shrinks like ``N^(-1/d)`` with the KSG radii; the
worst case, all points in one band, is ``O(N^2)``). They give the same counts as k-d tree ball
queries, several times faster, and compute distances exactly as the tree does, so a neighbour at
exactly ``epsilon`` is never counted. ``N = 10**5`` with ``k = l = 1`` takes about 1.6 s of CPU
(``benchmarks/bench_coupling.py``). Estimates are in nats.

Significance
------------
The estimate is compared with ``n_surrogates`` estimates on surrogate sources that keep the
target (and condition) untouched and destroy the source-target relation (Vicente et al. 2011):

``"shuffle"``
    The source history vectors are randomly permuted (null: the target's next value is
    independent of the source history; the source's own autocorrelation is not kept).
``"local_permutation"``
    The source history vectors are permuted *among samples whose conditioning vectors (target
    past, condition) are neighbours*: each sample draws the source of one of its
    ``k_perm = 5`` nearest neighbours in the conditioning space, without replacement as far as
    possible (Runge 2018, algorithm 1). Unlike a global shuffle this keeps the dependence of the
    source on the target's past (a source driven by the target, or both driven by a third
    channel), so it tests conditional independence itself.
``"time_shift"``
    The source history vectors are circularly shifted by a random offset between 10 % and
    90 % of their number (Quian Quiroga et al. 2002): keeps the source's autocorrelation.
``"iaaft"``
    The source series is replaced by an IAAFT surrogate (:func:`attractor.surrogates`): keeps
    its spectrum and values (null: a linear Gaussian source unrelated to the target).

The p-value is the rank ``(1 + #{T_s >= T}) / (n_surrogates + 1)`` (one-sided: only an excess
of information is evidence of coupling). The *effective* transfer entropy
``T - mean(T_s)`` (Marschinski & Kantz 2002) removes the estimator's small-sample bias, which
the surrogates share.

References
----------
T. Schreiber, Phys. Rev. Lett. 85, 461 (2000).
A. Kraskov, H. Stögbauer, P. Grassberger, Phys. Rev. E 69, 066138 (2004).
S. Frenzel, B. Pompe, Phys. Rev. Lett. 99, 204101 (2007).
M. Vejmelka, M. Paluš, Phys. Rev. E 77, 026214 (2008).
R. Vicente, M. Wibral, M. Lindner, G. Pipa, J. Comput. Neurosci. 30, 45 (2011).
M. Wibral et al., PLoS ONE 8, e55809 (2013).
R. Marschinski, H. Kantz, Eur. Phys. J. B 30, 275 (2002).
L. Barnett, A. B. Barrett, A. K. Seth, Phys. Rev. Lett. 103, 238701 (2009).
J. T. Lizier, M. Prokopenko, A. Y. Zomaya, Phys. Rev. E 77, 026110 (2008).
R. Quian Quiroga, A. Kraskov, T. Kreuz, P. Grassberger, Phys. Rev. E 65, 041903 (2002).
J. Runge, Proc. 21st AISTATS, PMLR 84, 938 (2018).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.spatial import cKDTree
from scipy.special import digamma

from ..core.errors import InsufficientDataError, ReliabilityWarning, ValidationError
from ..core.validation import as_coupled_series, as_series, check_positive_float, check_positive_int

__all__ = ["TransferEntropyResult", "TE_SURROGATES", "transfer_entropy", "conditional_mutual_information"]

TE_SURROGATES: tuple[str, ...] = ("shuffle", "local_permutation", "time_shift", "iaaft")
_NULLS = {
    "shuffle": "the target's next value is independent of the source history given the target's past "
               "(source history vectors permuted)",
    "local_permutation": "the target's next value is conditionally independent of the source history given "
                         "the target's past (source permuted among neighbours in the conditioning space)",
    "time_shift": "as 'shuffle', keeping the source's autocorrelation (source circularly time-shifted)",
    "iaaft": "a linear Gaussian source (through a static monotonic function) unrelated to the target "
             "(IAAFT surrogates of the source)",
}
#: Fewest embedded samples accepted at all, and fewest for which the estimate is called reliable.
_MIN_POINTS = 20
_RELIABLE_POINTS = 200
#: Neighbours among which the local permutation draws (Runge 2018 uses 5-10).
_K_PERM = 5


# --------------------------------------------------------------------------- estimator
class _Marginal:
    """Counts of points strictly within given max-norm radii in one marginal space (reusable
    across radii: the points are sorted once; :func:`._te_kernels.sorted_band_counts`)."""

    def __init__(self, pts: np.ndarray):
        # sort along the coordinate with the largest spread (narrowest band per radius)
        col = int(np.argmax(np.ptp(pts, axis=0))) if pts.shape[1] > 1 else 0
        cols = [col] + [c for c in range(pts.shape[1]) if c != col]
        self.order = np.argsort(pts[:, col], kind="stable")
        self.sorted = np.ascontiguousarray(pts[self.order][:, cols])

    def count(self, radii: np.ndarray) -> np.ndarray:
        """For each point ``i``: #{j != i : ||p_j - p_i||_inf < radii[i]}."""
        from ._te_kernels import sorted_band_counts, sorted_line_counts

        out = np.empty(radii.size, dtype=np.int64)
        r = np.ascontiguousarray(radii[self.order])
        if self.sorted.shape[1] == 1:
            out[self.order] = sorted_line_counts(np.ascontiguousarray(self.sorted[:, 0]), r)
        else:
            out[self.order] = sorted_band_counts(self.sorted, r)
        return out


def _ksg_cmi(x: np.ndarray, y: np.ndarray, z: np.ndarray | None, n_neighbors: int,
             xz: _Marginal | None = None, zm: _Marginal | None = None) -> float:
    """KSG algorithm 1 estimate (nats) of I(X; Y | Z) (of I(X; Y) when ``z`` is None)."""
    joint = np.hstack([x, y] if z is None else [x, y, z])
    dist, _ = cKDTree(joint).query(joint, n_neighbors + 1, p=np.inf)
    eps = dist[:, n_neighbors]
    if z is None:
        nx = (xz or _Marginal(x)).count(eps)
        ny = _Marginal(y).count(eps)
        return float(digamma(n_neighbors) + digamma(x.shape[0]) - np.mean(digamma(nx + 1) + digamma(ny + 1)))
    nxz = (xz or _Marginal(np.hstack([x, z]))).count(eps)
    nyz = _Marginal(np.hstack([y, z])).count(eps)
    nz = (zm or _Marginal(z)).count(eps)
    return float(digamma(n_neighbors) - np.mean(digamma(nxz + 1) + digamma(nyz + 1) - digamma(nz + 1)))


def _standardize(a: np.ndarray) -> np.ndarray:
    sd = a.std(axis=0)
    sd[sd == 0] = 1.0
    return (a - a.mean(axis=0)) / sd


def conditional_mutual_information(x, y, z=None, n_neighbors: int = 4, noise: float = 1e-8,
                                   seed: Any = None) -> float:
    """KSG estimate of the (conditional) mutual information ``I(X; Y | Z)`` in nats.

    Parameters
    ----------
    x, y : array_like, shape (n_samples,) or (n_samples, d)
        Samples of the two variables (rows are samples, paired).
    z : array_like, shape (n_samples,) or (n_samples, d), optional
        Conditioning variable; without it the mutual information ``I(X; Y)`` is estimated
        (KSG algorithm 1: ``psi(K) + psi(N) - <psi(n_x + 1) + psi(n_y + 1)>``).
    n_neighbors : int >= 1
        ``K``, the neighbour rank in the joint space (3-10 is usual; larger: less variance,
        more bias).
    noise : float >= 0
        Standard deviation of the tie-breaking noise added to each unit-variance column.
    seed : None, int or numpy.random.Generator
        Seed of the noise.

    Returns
    -------
    float
        The estimate in nats (it can be slightly negative when the true value is near zero).

    Raises
    ------
    ValidationError
        Non-finite or constant columns, mismatched lengths.
    InsufficientDataError
        Fewer than ``max(20, n_neighbors + 2)`` samples.

    References
    ----------
    A. Kraskov, H. Stögbauer, P. Grassberger, Phys. Rev. E 69, 066138 (2004);
    S. Frenzel, B. Pompe, Phys. Rev. Lett. 99, 204101 (2007).
    """
    n_neighbors = check_positive_int(n_neighbors, "n_neighbors")
    noise = check_positive_float(noise, "noise", allow_zero=True)
    cols = []
    for name, v in (("x", x), ("y", y), ("z", z)):
        if v is None:
            cols.append(None)
            continue
        a = as_series(v, name, min_length=max(_MIN_POINTS, n_neighbors + 2), rescale=True)
        cols.append(a[:, None] if a.ndim == 1 else a)
    n = cols[0].shape[0]
    for name, a in zip(("y", "z"), cols[1:]):
        if a is not None and a.shape[0] != n:
            raise ValidationError(f"x has {n} samples but {name} has {a.shape[0]}; they must be paired.")
    rng = _rng(seed)
    cols = [None if a is None else _standardize(a) + noise * rng.standard_normal(a.shape) for a in cols]
    return _ksg_cmi(cols[0], cols[1], cols[2], n_neighbors)


# --------------------------------------------------------------------------- result
@dataclass(frozen=True)
class TransferEntropyResult:
    """Transfer entropy from a source to a target, with its surrogate null distribution.

    Attributes
    ----------
    te : float
        KSG estimate of the transfer entropy, nats.
    effective_te : float
        ``te - mean(null)`` (Marschinski & Kantz 2002), nats; NaN without surrogates.
    p_value : float
        Rank p-value ``(1 + #{null >= te}) / (n_surrogates + 1)``; NaN without surrogates.
    significant : bool or None
        ``p_value <= alpha`` (None without surrogates).
    null : numpy.ndarray, shape (n_surrogates,)
        Transfer entropy of each surrogate source, nats.
    null_mean, null_std : float
        Mean and standard deviation of ``null`` (NaN without surrogates).
    z_score : float
        ``(te - null_mean) / null_std`` (informative; the decision uses the ranks).
    p_gaussian : float
        Parametric one-sided p-value that treats the null as Gaussian: the upper tail of
        Student's t with ``n_surrogates - 1`` degrees of freedom at
        ``(te - null_mean) / (null_std sqrt(1 + 1/n_surrogates))`` (prediction interval for one
        more draw). It can go below ``1 / (n_surrogates + 1)``, which a multiple-comparison
        correction over many pairs needs when surrogates are few (used by the report); NaN
        with fewer than 3 surrogates.
    alpha : float
    surrogate : str
        Surrogate method (see :data:`TE_SURROGATES`).
    null_hypothesis : str
    n_surrogates : int
    target_history, source_history, condition_history : int
        ``k``, ``l`` and ``m``: history lengths of target, source and condition channels.
    delay : int
        Spacing ``tau`` of history samples, in samples.
    lag : int
        Source-target delay ``u >= 1`` in samples (source's latest sample ``y_{t+1-u}``).
    n_neighbors : int
        ``K`` of the KSG estimator.
    n_conditions : int
        Number of conditioning channels (0: ordinary transfer entropy).
    n_points : int
        Embedded samples the estimate used.
    noise : float
        Tie-breaking noise (fraction of a standard deviation).
    seed : object
    reliable : bool
        False when fewer than 200 embedded samples were available or more than 10 % of the
        target's values are repeated (the estimate then says so with a
        :class:`~attractor.core.errors.ReliabilityWarning`).
    notes : tuple of str
        Why the estimate is unreliable, if it is.
    """

    te: float
    effective_te: float
    p_value: float
    significant: bool | None
    null: np.ndarray = field(repr=False)
    null_mean: float
    null_std: float
    z_score: float
    p_gaussian: float
    alpha: float
    surrogate: str
    null_hypothesis: str
    n_surrogates: int
    target_history: int
    source_history: int
    condition_history: int
    delay: int
    lag: int
    n_neighbors: int
    n_conditions: int
    n_points: int
    noise: float
    seed: Any = None
    reliable: bool = True
    notes: tuple[str, ...] = ()

    @property
    def te_bits(self) -> float:
        """The estimate in bits."""
        return self.te / np.log(2.0)


# --------------------------------------------------------------------------- helpers
def _rng(seed: Any) -> np.random.Generator:
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"seed must be None, an integer or a numpy Generator; got {seed!r}.") from exc


def _history(a: np.ndarray, length: int, delay: int, newest: np.ndarray) -> np.ndarray:
    """Rows ``(a[t], a[t - delay], ..., a[t - (length-1) delay])`` for ``t`` in ``newest``; a 2-D
    ``a`` contributes every channel."""
    a2 = a[:, None] if a.ndim == 1 else a
    return np.hstack([a2[newest - j * delay] for j in range(length)])


def _check_alpha(alpha: Any) -> float:
    try:
        a = float(alpha)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"alpha must be a number in (0, 1); got {alpha!r}.") from exc
    if not (0.0 < a < 1.0):
        raise ValidationError(f"alpha must lie strictly between 0 and 1; got {alpha!r}.")
    return a


def _local_permutation(neighbors: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Runge's (2018) restricted permutation: ``perm[i]`` is one of ``neighbors[i]`` (row of the
    ``k_perm`` nearest samples in the conditioning space, ``i`` itself included), drawn in random
    order and without replacement where possible."""
    n, kp = neighbors.shape
    order = rng.permutation(n)
    choice = rng.random((n, kp)).argsort(axis=1)
    cand = np.take_along_axis(neighbors, choice, axis=1)
    used = np.zeros(n, dtype=bool)
    perm = np.empty(n, dtype=np.int64)
    for i in order:
        row = cand[i]
        free = row[~used[row]]
        j = free[0] if free.size else row[0]
        used[j] = True
        perm[i] = j
    return perm


def _repeat_fraction(v: np.ndarray) -> float:
    return 1.0 - np.unique(v).size / v.size


# --------------------------------------------------------------------------- public
def transfer_entropy(source, target, condition=None, *, target_history: int = 1, source_history: int = 1,
                     condition_history: int = 1, delay: int = 1, lag: int = 1, n_neighbors: int = 4,
                     n_surrogates: int = 99, surrogate: str = "shuffle", alpha: float = 0.05,
                     noise: float = 1e-8, seed: Any = None) -> TransferEntropyResult:
    """Transfer entropy from ``source`` to ``target`` (KSG estimator), with a surrogate test.

    See the module docstring for the definition, the estimator and the surrogates.

    Parameters
    ----------
    source, target : array_like, shape (n_times,)
        Uniformly sampled series of equal length, rows in time order; finite, not constant.
    condition : array_like, shape (n_times,) or (n_times, n_channels), optional
        Further channels whose past is conditioned on (conditional transfer entropy).
    target_history, source_history, condition_history : int >= 1
        History lengths ``k``, ``l`` and ``m`` (samples spaced ``delay`` apart). The condition's
        newest sample is ``z_t``, aligned with the target's.
    delay : int >= 1
        Spacing ``tau`` of history samples, in samples.
    lag : int >= 1
        Source-target delay ``u`` in samples: the source's newest sample is ``y_{t+1-u}``.
    n_neighbors : int >= 1
        ``K`` of the KSG estimator (default 4; Kraskov et al. recommend 2-4 for small bias).
    n_surrogates : int >= 0
        Number of surrogate sources for the p-value (0: no test; each surrogate costs about one
        estimate).
    surrogate : {"shuffle", "local_permutation", "time_shift", "iaaft"}
    alpha : float in (0, 1)
        Level of the test (``significant`` is ``p_value <= alpha``).
    noise : float >= 0
        Tie-breaking noise, as a fraction of each variable's standard deviation.
    seed : None, int or numpy.random.Generator
        Seed of the noise and the surrogates: the same seed gives the same numbers.

    Returns
    -------
    TransferEntropyResult

    Raises
    ------
    ValidationError
        NaN/inf, constant series, series of different lengths, unknown surrogate method, bad
        parameters.
    InsufficientDataError
        Fewer than ``max(20, n_neighbors + 2)`` samples remain after the histories.

    Warns
    -----
    ReliabilityWarning
        Fewer than 200 embedded samples, or more than 10 % repeated target values (ties make the
        nearest-neighbour counts unreliable); ``reliable`` is then False.

    Notes
    -----
    For jointly Gaussian processes the transfer entropy equals half the Granger causality
    ``ln(var_restricted / var_full)`` (Barnett, Barrett & Seth 2009), which
    ``tests/analysis/test_transfer_entropy.py`` checks against the closed form of a VAR(1).
    """
    k = check_positive_int(target_history, "target_history")
    l_hist = check_positive_int(source_history, "source_history")
    m = check_positive_int(condition_history, "condition_history")
    tau = check_positive_int(delay, "delay")
    u = check_positive_int(lag, "lag")
    n_neighbors = check_positive_int(n_neighbors, "n_neighbors")
    n_surrogates = check_positive_int(n_surrogates, "n_surrogates", minimum=0)
    alpha = _check_alpha(alpha)
    noise = check_positive_float(noise, "noise", allow_zero=True)
    if not isinstance(surrogate, str) or surrogate not in TE_SURROGATES:
        raise ValidationError(f"unknown surrogate method {surrogate!r}; valid methods are "
                              f"{', '.join(TE_SURROGATES)}.")
    y, x, z = as_coupled_series(source, target, condition, measure="transfer entropy")
    n = x.shape[0]
    first = max((k - 1) * tau, (l_hist - 1) * tau + u - 1, (m - 1) * tau if z is not None else 0)
    newest = np.arange(first, n - 1)
    n_points = newest.size
    need = max(_MIN_POINTS, n_neighbors + 2)
    if n_points < need:
        raise InsufficientDataError(
            f"{n} samples leave {max(n_points, 0)} embedded points for target_history={k}, source_history="
            f"{l_hist}, delay={tau}, lag={u}; at least {need} are needed.")
    rng = _rng(seed)
    xs, ys = _standardize(x[:, None])[:, 0], _standardize(y[:, None])[:, 0]
    xs = xs + noise * rng.standard_normal(n)
    ys = ys + noise * rng.standard_normal(n)
    future = xs[newest + 1][:, None]
    past = _history(xs, k, tau, newest)
    if z is not None:
        zs = _standardize(z) + noise * rng.standard_normal(z.shape)
        past = np.hstack([past, _history(zs, m, tau, newest)])
    src = _history(ys, l_hist, tau, newest - (u - 1))
    xz, zm = _Marginal(np.hstack([future, past])), _Marginal(past)
    te = _ksg_cmi(future, src, past, n_neighbors, xz, zm)
    null = np.empty(n_surrogates)
    if n_surrogates and surrogate == "local_permutation":
        neighbors = cKDTree(past).query(past, min(_K_PERM, n_points), p=np.inf)[1].reshape(n_points, -1)
    if n_surrogates and surrogate == "iaaft":
        from .surrogates import surrogates as _surrogates

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # IAAFT convergence: values are exact, spectrum close
            ys_all = _surrogates(ys, "iaaft", n_surrogates, seed=rng, max_iter=200)
    for s in range(n_surrogates):
        if surrogate == "shuffle":
            src_s = src[rng.permutation(n_points)]
        elif surrogate == "local_permutation":
            src_s = src[_local_permutation(neighbors, rng)]
        elif surrogate == "time_shift":
            lo = max(1, n_points // 10)
            shift = int(rng.integers(lo, max(lo + 1, n_points - lo)))
            src_s = np.roll(src, shift, axis=0)
        else:
            src_s = _history(ys_all[s], l_hist, tau, newest - (u - 1))
        null[s] = _ksg_cmi(future, src_s, past, n_neighbors, xz, zm)
    if n_surrogates:
        p = (1 + int(np.sum(null >= te))) / (n_surrogates + 1)
        mu, sd = float(null.mean()), float(null.std(ddof=1)) if n_surrogates > 1 else float("nan")
        zsc = (te - mu) / sd if sd and np.isfinite(sd) and sd > 0 else float("nan")
        significant: bool | None = bool(p <= alpha)
        if n_surrogates >= 3 and sd > 0:
            from scipy.stats import t as student_t

            p_gauss = float(student_t.sf((te - mu) / (sd * np.sqrt(1 + 1 / n_surrogates)), n_surrogates - 1))
        else:
            p_gauss = (1.0 if te <= mu else 0.0) if n_surrogates >= 3 else float("nan")
    else:
        p = mu = sd = zsc = p_gauss = float("nan")
        significant = None
    notes = []
    if n_points < _RELIABLE_POINTS:
        notes.append(f"only {n_points} embedded samples (fewer than {_RELIABLE_POINTS}): the nearest-neighbour "
                     "estimate is dominated by its bias and variance.")
    rep = max(_repeat_fraction(x), _repeat_fraction(y))
    if rep > 0.1:
        notes.append(f"{100 * rep:.0f} % of the values are repeated (discrete or quantised data): ties make the "
                     "nearest-neighbour counts unreliable.")
    reliable = not notes
    if not reliable:
        warnings.warn("transfer entropy unreliable: " + " ".join(notes), ReliabilityWarning, stacklevel=2)
    return TransferEntropyResult(
        te=te, effective_te=te - mu if n_surrogates else float("nan"), p_value=p, significant=significant,
        null=null, null_mean=mu, null_std=sd, z_score=zsc, p_gaussian=p_gauss, alpha=alpha, surrogate=surrogate,
        null_hypothesis=_NULLS[surrogate], n_surrogates=n_surrogates, target_history=k, source_history=l_hist,
        condition_history=m if z is not None else 0, delay=tau, lag=u, n_neighbors=n_neighbors,
        n_conditions=0 if z is None else z.shape[1], n_points=n_points, noise=noise, seed=seed,
        reliable=reliable, notes=tuple(notes))
