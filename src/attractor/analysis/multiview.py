"""Multiview embedding: forecasts from an ensemble of the best mixed embeddings (Ye & Sugihara 2016).

With several observed channels but a short record, a single D-dimensional delay embedding
wastes information and a long one lacks neighbours. Multiview embedding builds every
D-dimensional state space from the ``channels × E`` lagged coordinates (each channel at lags
0, tau, …, (E−1)·tau), ranks each by its simplex skill on the library (in-sample, leave-one-out,
pyEDM's default ``train_lib=True``), and averages the forecasts of the ``k`` best views
(default ``k = floor(sqrt(m))`` of the ``m`` views).

Conventions are pyEDM 2.x's ``Multiview``: ``lib`` and ``pred`` are 1-based (start, stop) pairs,
by default the first and second half of the record; ``knn = D + 1``.

Cost: ``m = C(channels·E, D)`` simplex calls for the ranking (one k-d tree each, on the
library) plus ``k`` for the forecast; ``m`` is capped by ``max_views``.

References
----------
H. Ye & G. Sugihara, "Information leverage in interconnected ecosystems: overcoming the curse of
dimensionality", Science 353, 922-925 (2016).
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from itertools import combinations
from typing import Sequence

import numpy as np

from ..core.errors import ReliabilityWarning, ValidationError
from ..core.validation import check_positive_int
from .edm import _channels, _check_int, _target, delay_vectors, simplex

__all__ = ["multiview", "MultiviewResult"]


@dataclass(frozen=True)
class MultiviewResult:
    """Ensemble forecast of the best views (:func:`multiview`).

    Attributes
    ----------
    rho, mae, rmse : float
        Skill of the averaged forecast over the scored points.
    time_index, observations, predictions : numpy.ndarray
        Scored target rows (prediction row + ``tp``), observed and averaged predicted values.
    views : tuple of tuple of str
        The ``k`` best views, best first; a coordinate ``"c2(t-3)"`` is channel 2 at lag 3 rows
        (``t+`` for positive ``tau``).
    view_rho : numpy.ndarray, shape (k,)
        Ranking skill of those views (on the library when ``train_lib``).
    all_view_rho : numpy.ndarray, shape (m,)
        Ranking skill of every view, in ``itertools.combinations`` order of the coordinates.
    n_views, k, D, E, tau, tp, exclusion_radius : int
    train_lib : bool
    reliable : bool
        False if any forecast of a chosen view was unreliable or fewer than 10 points were scored.
    """

    rho: float
    mae: float
    rmse: float
    time_index: np.ndarray
    observations: np.ndarray
    predictions: np.ndarray
    views: tuple
    view_rho: np.ndarray
    all_view_rho: np.ndarray
    n_views: int
    k: int
    D: int
    E: int
    tau: int
    tp: int
    exclusion_radius: int
    train_lib: bool
    reliable: bool


def multiview(x, target=None, *, D: int | None = None, E: int = 1, tau: int = -1, tp: int = 1, k: int | None = None,
              lib: Sequence[int] | None = None, pred: Sequence[int] | None = None, exclusion_radius: int = 0,
              train_lib: bool = True, exclude_target: bool = False, max_views: int = 20000,
              nan_policy: str = "omit") -> MultiviewResult:
    """Multiview-embedding forecast of ``target`` from several channels (Ye & Sugihara 2016).

    Parameters
    ----------
    x : array_like, shape (n, c)
        Observed channels (rows are time).
    target : None, int or array_like (n,)
        Series to forecast (default: channel 0).
    D : int, optional
        Dimension of each view (default: the number of channels).
    E : int
        Lags per channel (1: no delays, only the channels at time t).
    tau, tp, lib, pred, exclusion_radius, nan_policy
        As :func:`attractor.simplex`; ``lib``/``pred`` default to the first and second half.
    k : int, optional
        Views averaged (default ``floor(sqrt(m))``).
    train_lib : bool
        Rank views by leave-one-out skill on the library (True, pyEDM's default) or on ``pred``.
    exclude_target : bool
        Leave the target's own channel out of the views (target must be a channel index).
    max_views : int
        Refuse more than this many views (their number grows as C(c·E, D)).

    Returns
    -------
    MultiviewResult

    Raises
    ------
    ValidationError
        Bad options, too many views; and the errors of :func:`attractor.simplex`.
    """
    X = _channels(x, "x", nan_policy)
    n, nc = X.shape
    y = _target(target, X, nan_policy)
    E = check_positive_int(E, "E")
    tau = _check_int(tau, "tau", nonzero=True)
    cols = list(range(nc))
    if exclude_target:
        if not isinstance(target, int | np.integer) and target is not None:
            raise ValidationError("exclude_target needs target given as a channel index of x.")
        t_col = 0 if target is None else int(target) % nc
        cols = [c for c in cols if c != t_col]
        if not cols:
            raise ValidationError("exclude_target leaves no channel to build views from.")
    Z = delay_vectors(X[:, cols], E, tau, False)
    sign = "-" if tau < 0 else "+"
    labels = [f"c{c}(t{sign}{j * abs(tau)})" for c in cols for j in range(E)]
    D = len(cols) if D is None else check_positive_int(D, "D")
    if D > Z.shape[1]:
        raise ValidationError(f"D = {D} exceeds the {Z.shape[1]} lagged coordinates (channels × E).")
    m = math.comb(Z.shape[1], D)
    if m > check_positive_int(max_views, "max_views"):
        raise ValidationError(f"{m} views (C({Z.shape[1]}, {D})) exceed max_views = {max_views}; lower E or D.")
    if lib is None and pred is None:
        lib, pred = [1, n // 2], [n // 2 + 1, n]
    elif lib is None or pred is None:
        raise ValidationError("give both lib and pred, or neither (first and second half).")
    combos = list(combinations(range(Z.shape[1]), D))
    k = math.floor(math.sqrt(m)) if k is None else check_positive_int(k, "k")
    k = min(max(k, 1), m)
    common = dict(tp=tp, exclusion_radius=exclusion_radius, embedded=True, knn=D + 1, nan_policy=nan_policy)
    rank_pred = lib if train_lib else pred
    rhos = np.empty(m)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReliabilityWarning)
        for i, cmb in enumerate(combos):
            rhos[i] = simplex(Z[:, cmb], y, lib=lib, pred=rank_pred, **common).rho
    order = np.argsort(rhos, kind="stable")[::-1][:k]
    unreliable = False
    preds = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ReliabilityWarning)
        for i in order:
            preds.append(simplex(Z[:, combos[i]], y, lib=lib, pred=pred, **common))
    unreliable = any(issubclass(w.category, ReliabilityWarning) for w in caught)
    # average over the views on the rows every view scored
    common_t = preds[0].time_index
    for p in preds[1:]:
        common_t = np.intersect1d(common_t, p.time_index)
    P = np.array([p.predictions[np.searchsorted(p.time_index, common_t)] for p in preds])
    obs = y[common_t]
    avg = P.mean(axis=0)
    err = obs - avg
    varying = np.ptp(avg) > 0 and np.ptp(obs) > 0
    rho = float(np.corrcoef(obs, avg)[0, 1]) if varying else 0.0
    reliable = not unreliable and varying and common_t.size >= 10
    if not reliable:
        warnings.warn("multiview: some view forecasts were unreliable, the forecast is constant, or fewer than 10 "
                      "points were scored.", ReliabilityWarning, stacklevel=2)
    return MultiviewResult(
        rho=rho, mae=float(np.mean(np.abs(err))), rmse=float(np.sqrt(np.mean(err ** 2))), time_index=common_t,
        observations=obs, predictions=avg, views=tuple(tuple(labels[c] for c in combos[i]) for i in order),
        view_rho=rhos[order], all_view_rho=rhos, n_views=m, k=k, D=D, E=E, tau=tau, tp=preds[0].tp,
        exclusion_radius=preds[0].exclusion_radius, train_lib=bool(train_lib), reliable=reliable)
