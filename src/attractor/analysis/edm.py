"""Empirical dynamic modelling: simplex projection and S-map forecasts from delay embeddings.

* :func:`simplex` — nearest-neighbour simplex projection (Sugihara & May 1990).
* :func:`smap` — sequentially locally weighted global linear maps (Sugihara 1994).
* :func:`embed_dimension` — simplex skill against the embedding dimension E.
* :func:`predict_interval` — simplex skill against the prediction horizon ``tp``.
* :func:`predict_nonlinear` — S-map skill against the nonlinearity θ (the nonlinearity test).

Conventions (those of pyEDM 2.x, so that the same arguments give the same numbers):

* ``x`` is a series (n,) or several channels (n, c); rows are time. With ``embedded=False``
  every channel is delay-embedded with ``E`` lags ``0, tau, 2·tau, …`` (``tau < 0``: past
  values, the default ``-1``; ``tau > 0``: future values), giving a *mixed* multivariate
  embedding of dimension ``c·E`` when ``c > 1``. With ``embedded=True`` the columns of ``x``
  are the state vectors themselves.
* ``target`` is the series predicted ``tp`` steps ahead: ``None`` (the first column of ``x``),
  a column index of ``x``, or a separate series of the same length.
* ``lib`` and ``pred`` are 1-based, inclusive ``(start, stop)`` row ranges, possibly several
  pairs flattened (``[1, 100, 201, 300]``), exactly as pyEDM reads them: library rows whose
  delay vector or ``tp``-ahead target would reach outside a range are dropped. Default: the
  whole series for both, which is leave-one-out prediction (a point is never its own neighbour).
* ``exclusion_radius`` (a Theiler window, in rows): library points within that many rows of
  the predicted point are not used as its neighbours.
* Neighbours: Euclidean distance; simplex uses ``E_total + 1`` of them (ties broken by
  distance, then closeness in time, then earlier row — pyEDM's rule); S-map uses ``n_lib - 1``
  by default (pyEDM's default). One ``cKDTree`` per call; rows whose candidate list could cut a
  tie or the exclusion window are completed by an exact scan. With more than 64 neighbours
  (S-map's default) each query instead scans and sorts the library (O(n_lib log n_lib), no
  n_pred × n_lib array).
* Missing values (``nan_policy="omit"``, the default): rows whose delay vector contains a NaN
  are neither library points nor predicted; library points whose ``tp``-ahead target is NaN
  are dropped from the library; predictions whose observation is NaN are made but not scored.
  The numbers dropped are counted in the result (``n_excluded``) and the skill is never NaN.
  ``nan_policy="raise"`` refuses NaN. Infinite values are always refused.

Cost: one k-d tree build O(n_lib log n_lib) and one query O(n_pred log n_lib) per call;
simplex projection O(n_pred·E); S-map one (k × (D+1)) least-squares problem per predicted
point, O(n_pred·n_lib·D²) with the default ``k = n_lib − 1``.

References
----------
G. Sugihara & R. M. May, "Nonlinear forecasting as a way of distinguishing chaos from
measurement error in time series", Nature 344, 734-741 (1990).
G. Sugihara, "Nonlinear forecasting for the classification of natural time series",
Phil. Trans. R. Soc. A 348, 477-495 (1994).
H. Ye, R. J. Beamish, S. M. Glaser, S. C. H. Grant, C. Hsieh, L. J. Richards, J. T. Schnute &
G. Sugihara, "Equation-free mechanistic ecosystem forecasting using empirical dynamic
modeling", PNAS 112, E1569-E1576 (2015).
J. Park, C. Smith, G. Sugihara & E. Deyle, pyEDM (Sugihara Lab, UCSD), version 2.5.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from scipy.spatial import cKDTree

from ..core.errors import InsufficientDataError, ReliabilityWarning, ValidationError
from ..core.validation import as_float_array, check_nonnegative_int, check_positive_float, check_positive_int
from . import _edm_kernels as _k

__all__ = [
    "simplex",
    "smap",
    "embed_dimension",
    "predict_interval",
    "predict_nonlinear",
    "EDMPrediction",
    "EmbedDimensionResult",
    "PredictIntervalResult",
    "PredictNonlinearResult",
]

_LEAFSIZE = 16
DEFAULT_THETAS = (0.0, 0.01, 0.1, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0)


# ---------------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class EDMPrediction:
    """Out-of-sample forecasts of one simplex or S-map call and their skill.

    Attributes
    ----------
    method : str
        ``"simplex"`` or ``"smap"``.
    rho : float
        Pearson correlation of predictions and observations over the scored points.
    mae, rmse : float
        Mean absolute and root-mean-square error (units of the target).
    time_index : numpy.ndarray of int
        0-based rows of the predicted (target) values that were scored: prediction row + ``tp``.
    observations, predictions : numpy.ndarray
        Observed and predicted target values at ``time_index``.
    variance : numpy.ndarray
        Weighted variance of the neighbours' targets around each prediction (target units²).
    forecast_index, forecast : numpy.ndarray
        Predictions whose target lies beyond the end (``tp > 0``) or before the start of the
        data: genuine forecasts, not scored.
    coefficients : numpy.ndarray or None
        S-map only: local linear coefficients (intercept first, then one per embedding column)
        for each scored prediction; the columns are ordered channel by channel, lag by lag.
    E, tau, tp, knn, exclusion_radius : int
        Settings used (``E`` per channel; ``knn`` after defaults were filled in).
    theta : float or None
        S-map nonlinearity θ (None for simplex).
    embedding_dimension : int
        Dimension of the state vectors (channels × E, or the number of columns if embedded).
    n_lib, n_pred : int
        Library points and prediction rows actually used.
    n_excluded : dict
        Rows dropped because of missing values: ``"lib"`` (NaN in the delay vector or target),
        ``"pred"`` (NaN in the delay vector), ``"unscored"`` (observation NaN or no neighbour).
    reliable : bool
        False if fewer than 10 points were scored, the predictions are constant, or some
        prediction rows lacked neighbours outside the exclusion radius.
    """

    method: str
    rho: float
    mae: float
    rmse: float
    time_index: np.ndarray
    observations: np.ndarray
    predictions: np.ndarray
    variance: np.ndarray
    forecast_index: np.ndarray
    forecast: np.ndarray
    coefficients: np.ndarray | None
    E: int
    tau: int
    tp: int
    knn: int
    exclusion_radius: int
    theta: float | None
    embedding_dimension: int
    n_lib: int
    n_pred: int
    n_excluded: dict
    reliable: bool


@dataclass(frozen=True)
class EmbedDimensionResult:
    """Simplex skill against embedding dimension (:func:`embed_dimension`).

    Attributes
    ----------
    E_values : numpy.ndarray of int
    rho, mae, rmse : numpy.ndarray
        Skill curves, one entry per E.
    best_E : int
        The smallest E whose ρ is within ``tolerance`` of the largest ρ (a parsimonious choice;
        ``E_values[argmax(rho)]`` is ``E_max_rho``).
    E_max_rho : int
        E with the largest ρ.
    tolerance : float
    tau, tp, exclusion_radius : int
    reliable : bool
        False if any of the underlying forecasts was unreliable or the best ρ is below 0.1.
    """

    E_values: np.ndarray
    rho: np.ndarray
    mae: np.ndarray
    rmse: np.ndarray
    best_E: int
    E_max_rho: int
    tolerance: float
    tau: int
    tp: int
    exclusion_radius: int
    reliable: bool


@dataclass(frozen=True)
class PredictIntervalResult:
    """Simplex skill against prediction horizon (:func:`predict_interval`).

    Attributes
    ----------
    tp_values : numpy.ndarray of int
    rho, mae, rmse : numpy.ndarray
        Skill curves, one entry per horizon (in rows).
    best_tp : int
        Horizon with the largest ρ.
    E, tau, exclusion_radius : int
    reliable : bool
    """

    tp_values: np.ndarray
    rho: np.ndarray
    mae: np.ndarray
    rmse: np.ndarray
    best_tp: int
    E: int
    tau: int
    exclusion_radius: int
    reliable: bool


@dataclass(frozen=True)
class PredictNonlinearResult:
    """S-map skill against the localisation θ (:func:`predict_nonlinear`).

    Skill that rises above its θ = 0 value (a global linear autoregression) as θ grows is the
    signature of state-dependent, nonlinear dynamics (Sugihara 1994).

    Attributes
    ----------
    thetas : numpy.ndarray
    rho, mae, rmse : numpy.ndarray
        Skill curves, one entry per θ.
    best_theta : float
        θ with the largest ρ.
    delta_rho : float
        max ρ − ρ(θ = smallest θ); > 0 suggests nonlinearity.
    nonlinear : bool
        ``best_theta > 0`` and ``delta_rho > 0.01`` (a descriptive flag, not a test; use
        surrogates for significance).
    E, tau, tp, exclusion_radius : int
    reliable : bool
    """

    thetas: np.ndarray
    rho: np.ndarray
    mae: np.ndarray
    rmse: np.ndarray
    best_theta: float
    delta_rho: float
    nonlinear: bool
    E: int
    tau: int
    tp: int
    exclusion_radius: int
    reliable: bool


# ---------------------------------------------------------------------------------------- inputs
def _check_int(value: Any, name: str, *, nonzero: bool = False) -> int:
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ValidationError(f"{name} must be an integer; got {value!r}.")
    value = int(value)
    if nonzero and value == 0:
        raise ValidationError(f"{name} must be a nonzero integer (negative: past lags); got 0.")
    return value


def _channels(x: Any, name: str, nan_policy: str) -> np.ndarray:
    if nan_policy not in ("omit", "raise"):
        raise ValidationError(f"nan_policy must be 'omit' or 'raise'; got {nan_policy!r}.")
    arr = as_float_array(x, name, ndim=(1, 2), allow_nonfinite=True)
    if np.isinf(arr).any():
        bad = np.argwhere(np.isinf(arr))[0]
        raise ValidationError(f"{name} contains infinite values (first at index {tuple(int(i) for i in bad)}); "
                              "remove them or mark them missing with NaN.")
    if nan_policy == "raise" and np.isnan(arr).any():
        raise ValidationError(f"{name} contains {int(np.isnan(arr).sum())} NaN value(s); pass nan_policy='omit' to "
                              "exclude them from libraries and targets.")
    arr2 = arr[:, None] if arr.ndim == 1 else arr
    if arr2.shape[1] == 0:
        raise ValidationError(f"{name} has no channels (shape {arr.shape}).")
    for c in range(arr2.shape[1]):
        col = arr2[:, c]
        fin = col[np.isfinite(col)]
        if fin.size < 2:
            raise InsufficientDataError(f"{name} has fewer than 2 finite values"
                                        f"{'' if arr2.shape[1] == 1 else f' in channel {c}'}.")
        if np.ptp(fin) == 0:
            raise ValidationError(f"{name} is constant{'' if arr2.shape[1] == 1 else f' (channel {c})'}; a constant "
                                  "signal has no dynamics to model.")
    return arr2


def _target(target: Any, X: np.ndarray, nan_policy: str) -> np.ndarray:
    n = X.shape[0]
    if target is None:
        return X[:, 0]
    if isinstance(target, int | np.integer) and not isinstance(target, bool | np.bool_):
        if not -X.shape[1] <= int(target) < X.shape[1]:
            raise ValidationError(f"target column {int(target)} is out of range for x with {X.shape[1]} channel(s).")
        return X[:, int(target)]
    y = _channels(target, "target", nan_policy)
    if y.shape[1] != 1:
        raise ValidationError(f"target must be one series (or a column index of x); got shape {np.shape(target)}.")
    if y.shape[0] != n:
        raise ValidationError(f"target has {y.shape[0]} samples but x has {n}; series of different lengths "
                              "cannot be aligned (trim them to a common time range first).")
    return y[:, 0]


def delay_vectors(X: np.ndarray, E: int, tau: int, embedded: bool) -> np.ndarray:
    """State vectors (n, c·E) channel by channel, lag by lag: column ``c·E + j`` is
    ``X[t + j·tau, c]`` (NaN where that row does not exist). ``embedded``: ``X`` itself."""
    if embedded:
        return np.ascontiguousarray(X)
    n, nc = X.shape
    Z = np.full((n, nc * E), np.nan)
    for c in range(nc):
        for j in range(E):
            s = j * tau
            if s <= 0:
                Z[-s:, c * E + j] = X[:n + s, c]
            else:
                Z[:n - s, c * E + j] = X[s:, c]
    return Z


def _pairs(spec: Any, n: int, name: str) -> list[tuple[int, int]]:
    if spec is None:
        return [(1, n)]
    if isinstance(spec, str):
        spec = spec.split()
    try:
        vals = [int(v) for v in np.asarray(spec).ravel()]
        if any(float(v) != int(float(v)) for v in np.asarray(spec, dtype=float).ravel()):
            raise ValueError
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{name} must be integer (start, stop) pairs, 1-based as in pyEDM; "
                              f"got {spec!r}.") from exc
    if not vals or len(vals) % 2:
        raise ValidationError(f"{name} must have an even number of entries (start, stop pairs); got {spec!r}.")
    pairs = [(vals[i], vals[i + 1]) for i in range(0, len(vals), 2)]
    for a, b in pairs:
        if a < 1 or b < 1:
            raise ValidationError(f"{name} indices are 1-based (as in pyEDM); got a pair ({a}, {b}) with an index < 1.")
        if a > b:
            raise ValidationError(f"{name} pair ({a}, {b}) has start after stop.")
        if b > n:
            raise ValidationError(f"{name} pair ({a}, {b}) reaches past the end of the data ({n} rows).")
    return pairs


@dataclass
class _Setup:
    Z: np.ndarray
    y: np.ndarray
    lib_rows: np.ndarray
    pred_rows: np.ndarray
    n_excl_lib: int
    n_excl_pred: int
    E: int
    tau: int
    tp: int
    r: int
    n: int


def _setup(x, target, E, tau, tp, lib, pred, exclusion_radius, embedded, nan_policy) -> _Setup:
    X = _channels(x, "x", nan_policy)
    y = _target(target, X, nan_policy)
    n = X.shape[0]
    embedded = bool(embedded)
    E = X.shape[1] if embedded else check_positive_int(E, "E")
    tau = _check_int(tau, "tau", nonzero=True)
    tp = _check_int(tp, "tp")
    r = check_nonnegative_int(exclusion_radius, "exclusion_radius")
    shift = 0 if embedded else abs(tau) * (E - 1)
    if shift + abs(tp) >= n:
        raise InsufficientDataError(f"x has {n} samples; an embedding with E={E}, tau={tau} spans {shift + 1} rows "
                                    f"and the horizon tp={tp} needs {abs(tp)} more, leaving no library.")
    lib_pairs = _pairs(lib, n, "lib")
    pred_pairs = _pairs(pred, n, "pred")
    Z = delay_vectors(X, E, tau, embedded)
    # library rows: pyEDM's CreateIndices rule (delay span at the start (tau<0) or end (tau>0)
    # of every pair; the horizon at the end of the last pair, or the start for tp < 0)
    rows = []
    for i, (a, b) in enumerate(lib_pairs):
        if tau < 0:
            a += shift
        else:
            b -= shift
        if tp < 0:
            a = max(a, a + abs(tp) - 1)
        elif i == len(lib_pairs) - 1:
            b -= tp
        rows.append(np.arange(a - 1, b))
    lib_rows = np.unique(np.concatenate(rows)).astype(np.int64)
    pred_rows = np.unique(np.concatenate([np.arange(a - 1, b) for a, b in pred_pairs])).astype(np.int64)
    finite_row = np.isfinite(Z).all(axis=1)
    # pred rows that are undefined only because the delay window leaves the data are not "missing"
    structural = ~np.isfinite(delay_vectors(np.zeros((n, 1)), E, tau, embedded)).all(axis=1) if not embedded \
        else np.zeros(n, bool)
    tgt = lib_rows + tp
    lib_ok = finite_row[lib_rows] & (tgt >= 0) & (tgt < n)
    lib_ok[lib_ok] &= np.isfinite(y[tgt[lib_ok]])
    n_excl_lib = int((~lib_ok & ~structural[lib_rows]).sum())
    lib_rows = lib_rows[lib_ok]
    pred_ok = finite_row[pred_rows]
    n_excl_pred = int((~pred_ok & ~structural[pred_rows]).sum())
    pred_rows = pred_rows[pred_ok]
    if pred_rows.size == 0:
        raise InsufficientDataError("no prediction row has a complete delay vector; check pred, E, tau and missing "
                                    "values.")
    return _Setup(Z, y, lib_rows, pred_rows, n_excl_lib, n_excl_pred, E, tau, tp, r, n)


def _neighbours(Z: np.ndarray, lib_rows: np.ndarray, q_rows: np.ndarray, k: int, r: int):
    """Exact k nearest admissible library rows of each query row (see the module docstring)."""
    n_lib = lib_rows.size
    if k > 64:   # e.g. S-map's default (all library points): a sorted scan, no (n_q × n_lib) candidate array
        return _k.select_sorted_scan(q_rows.astype(np.int64), np.arange(Z.shape[0], dtype=np.int64),
                                     np.ascontiguousarray(Z[q_rows]), Z, lib_rows.astype(np.int64), r, k)
    tree = cKDTree(Z[lib_rows], leafsize=_LEAFSIZE)
    kq = int(min(n_lib, k + 2 * r + 2))
    d, j = tree.query(Z[q_rows], k=kq)
    d = np.asarray(d, dtype=float).reshape(len(q_rows), kq)
    j = np.asarray(j).reshape(len(q_rows), kq)
    cand = np.where(j < n_lib, lib_rows[np.minimum(j, n_lib - 1)], -1).astype(np.int64)
    return _k.select_neighbours(cand, d, q_rows.astype(np.int64), np.arange(Z.shape[0], dtype=np.int64),
                                np.ascontiguousarray(Z[q_rows]), Z, lib_rows, r, k, n_lib)


def _skill(obs: np.ndarray, pred: np.ndarray) -> tuple[float, float, float, bool]:
    err = obs - pred
    mae = float(np.mean(np.abs(err)))
    rmse = float(np.sqrt(np.mean(err ** 2)))
    if np.ptp(pred) == 0 or np.ptp(obs) == 0:
        return 0.0, mae, rmse, False
    return float(np.corrcoef(obs, pred)[0, 1]), mae, rmse, True


def _forecast(method: str, x, target, E, tau, tp, knn, lib, pred, exclusion_radius, embedded, nan_policy,
              theta=None) -> EDMPrediction:
    s = _setup(x, target, E, tau, tp, lib, pred, exclusion_radius, embedded, nan_policy)
    D = s.Z.shape[1]
    n_lib = s.lib_rows.size
    if knn is None:
        k = D + 1 if method == "simplex" else n_lib - 1
    else:
        k = check_positive_int(knn, "knn")
    need = D + 2 if method == "smap" else D + 1
    if n_lib < max(k, need, 2):
        raise InsufficientDataError(
            f"the library has {n_lib} usable point(s) (after the delay span, the horizon tp={s.tp} and missing "
            f"values) but {method} needs at least {max(k, need, 2)} (knn={k}, state dimension {D}); use a longer "
            "library, a smaller E or knn.")
    k = max(1, k)
    nb_j, nb_d, nb_n = _neighbours(s.Z, s.lib_rows, s.pred_rows, k, s.r)
    if method == "simplex":
        p, v = _k.simplex_project(nb_j, nb_d, nb_n, s.y, s.tp)
        coef = None
    else:
        p, v, coef = _k.smap_project(nb_j, nb_d, nb_n, s.Z, np.ascontiguousarray(s.Z[s.pred_rows]), s.y, s.tp,
                                     float(theta))
    tgt = s.pred_rows + s.tp
    inside = (tgt >= 0) & (tgt < s.n)
    has_pred = nb_n > 0
    obs = np.full(tgt.size, np.nan)
    obs[inside] = s.y[tgt[inside]]
    scored = inside & has_pred & np.isfinite(obs) & np.isfinite(p)
    fc = ~inside & has_pred & np.isfinite(p)
    n_unscored = int((inside & ~scored).sum())
    n_scored = int(scored.sum())
    if n_scored < 3:
        raise InsufficientDataError(f"only {n_scored} prediction(s) could be scored against observations; at least 3 "
                                    "are needed (check pred, tp and missing values).")
    rho, mae, rmse, varying = _skill(obs[scored], p[scored])
    # S-map's default knn (all but one library point) is a ceiling, not a requirement
    deficient = bool((nb_n < k).any()) and (method == "simplex" or knn is not None)
    reliable = varying and n_scored >= 10 and not deficient
    if not reliable:
        why = ("the predictions or observations are constant (rho set to 0)" if not varying else
               f"only {n_scored} points were scored" if n_scored < 10 else
               "some predictions had fewer than knn neighbours outside the exclusion radius")
        warnings.warn(f"{method}: {why}.", ReliabilityWarning, stacklevel=3)
    return EDMPrediction(
        method=method, rho=rho, mae=mae, rmse=rmse, time_index=tgt[scored], observations=obs[scored],
        predictions=p[scored], variance=v[scored], forecast_index=tgt[fc], forecast=p[fc],
        coefficients=None if coef is None else coef[scored], E=s.E, tau=s.tau, tp=s.tp, knn=k,
        exclusion_radius=s.r, theta=None if theta is None else float(theta), embedding_dimension=D,
        n_lib=n_lib, n_pred=int(s.pred_rows.size),
        n_excluded={"lib": s.n_excl_lib, "pred": s.n_excl_pred, "unscored": n_unscored}, reliable=reliable)


# ------------------------------------------------------------------------------------ public API
def simplex(x, target=None, *, E: int = 2, tau: int = -1, tp: int = 1, knn: int | None = None,
            lib: Sequence[int] | None = None, pred: Sequence[int] | None = None, exclusion_radius: int = 0,
            embedded: bool = False, nan_policy: str = "omit") -> EDMPrediction:
    """Simplex projection forecast (Sugihara & May 1990).

    Each predicted point's ``knn`` (default ``D + 1``) nearest library neighbours in the
    D-dimensional delay space carry weights ``exp(-d / d_min)``; the forecast of the target
    ``tp`` rows ahead is the weighted mean of the neighbours' targets ``tp`` rows ahead.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, c)
        Observed series; several channels give a mixed multivariate embedding.
    target : None, int or array_like (n,), optional
        Series to predict (default: the first column of ``x``).
    E : int
        Embedding dimension per channel (ignored when ``embedded``).
    tau : int
        Delay in rows; negative (default -1) uses past values, as in pyEDM.
    tp : int
        Prediction horizon in rows (0: cross mapping at the same time).
    knn : int, optional
        Number of neighbours (default ``D + 1``).
    lib, pred : sequence of int, optional
        1-based inclusive (start, stop) row ranges of the library and of the predicted rows
        (pyEDM convention); default the whole series (leave-one-out).
    exclusion_radius : int
        Theiler window in rows: neighbours closer in time than this are excluded.
    embedded : bool
        If True the columns of ``x`` already are the state vectors.
    nan_policy : {"omit", "raise"}
        Missing values are excluded and counted (default) or refused.

    Returns
    -------
    EDMPrediction

    Raises
    ------
    ValidationError
        Bad types, constant or infinite data, a target of a different length, bad ranges.
    InsufficientDataError
        The embedding leaves too few library points, or fewer than 3 predictions can be scored.

    Notes
    -----
    Cost: one k-d tree on the library, one query per predicted point; O((n_lib + n_pred) log
    n_lib). With the same inputs and parameters the predictions equal pyEDM 2.5's ``Simplex``
    to rounding (tests/analysis/test_edm.py).
    """
    return _forecast("simplex", x, target, E, tau, tp, knn, lib, pred, exclusion_radius, embedded, nan_policy)


def smap(x, target=None, *, E: int = 2, theta: float = 0.0, tau: int = -1, tp: int = 1, knn: int | None = None,
         lib: Sequence[int] | None = None, pred: Sequence[int] | None = None, exclusion_radius: int = 0,
         embedded: bool = False, nan_policy: str = "omit") -> EDMPrediction:
    """S-map forecast: sequentially locally weighted global linear map (Sugihara 1994).

    For each predicted point ``z``, the ``knn`` nearest library points (default ``n_lib - 1``)
    get weights ``w = exp(-θ d / d̄)`` (``d̄``: their mean distance to ``z``); the forecast is
    ``c0 + c·z`` with ``(c0, c)`` the least-squares solution of ``w·y ≈ w·c0 + w·(c·z_lib)``
    (SVD, numpy's default singular-value cut-off). θ = 0 is a global linear autoregression;
    skill rising with θ indicates nonlinear dynamics.

    Parameters
    ----------
    theta : float
        Localisation (≥ 0, dimensionless).
    Others as :func:`simplex`.

    Returns
    -------
    EDMPrediction
        With ``coefficients`` (intercept, then one per state-vector column) per scored point.

    Notes
    -----
    Cost: one k-d tree query and one least-squares problem of size (knn × (D + 1)) per
    predicted point, O(n_pred · n_lib · D²) with the default knn. Equal to pyEDM 2.5's ``SMap``
    to rounding with the same inputs and parameters.
    """
    theta = check_positive_float(theta, "theta", allow_zero=True)
    return _forecast("smap", x, target, E, tau, tp, knn, lib, pred, exclusion_radius, embedded, nan_policy, theta)


def _quiet(fn, *args, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ReliabilityWarning)
        res = fn(*args, **kw)
    return res, any(issubclass(w.category, ReliabilityWarning) for w in caught)


def embed_dimension(x, target=None, *, max_E: int = 10, tau: int = -1, tp: int = 1,
                    lib: Sequence[int] | None = None, pred: Sequence[int] | None = None,
                    exclusion_radius: int = 0, tolerance: float = 0.01,
                    nan_policy: str = "omit") -> EmbedDimensionResult:
    """Simplex forecast skill for E = 1 … ``max_E`` (the EDM choice of embedding dimension).

    Parameters
    ----------
    max_E : int
        Largest embedding dimension tried.
    tolerance : float
        ``best_E`` is the smallest E with ρ ≥ max ρ − ``tolerance``.
    Others as :func:`simplex`.

    Returns
    -------
    EmbedDimensionResult

    Notes
    -----
    Cost: ``max_E`` simplex calls. E values whose delay span leaves too few library points are
    an error (:class:`InsufficientDataError`): lower ``max_E``.
    """
    max_E = check_positive_int(max_E, "max_E")
    tolerance = check_positive_float(tolerance, "tolerance", allow_zero=True)
    Es = np.arange(1, max_E + 1)
    out = [_quiet(simplex, x, target, E=int(E), tau=tau, tp=tp, lib=lib, pred=pred,
                  exclusion_radius=exclusion_radius, nan_policy=nan_policy) for E in Es]
    rho = np.array([r.rho for r, _ in out])
    best = int(Es[np.argmax(rho)])
    parsimonious = int(Es[np.flatnonzero(rho >= rho.max() - tolerance)[0]])
    reliable = not any(w for _, w in out) and rho.max() >= 0.1
    if not reliable:
        warnings.warn("embed_dimension: some forecasts were unreliable or the best skill is below 0.1.",
                      ReliabilityWarning, stacklevel=2)
    return EmbedDimensionResult(E_values=Es, rho=rho, mae=np.array([r.mae for r, _ in out]),
                                rmse=np.array([r.rmse for r, _ in out]), best_E=parsimonious, E_max_rho=best,
                                tolerance=tolerance, tau=out[0][0].tau, tp=out[0][0].tp,
                                exclusion_radius=out[0][0].exclusion_radius, reliable=reliable)


def predict_interval(x, target=None, *, E: int = 2, max_tp: int = 10, tau: int = -1,
                     lib: Sequence[int] | None = None, pred: Sequence[int] | None = None,
                     exclusion_radius: int = 0, nan_policy: str = "omit") -> PredictIntervalResult:
    """Simplex forecast skill for horizons tp = 1 … ``max_tp`` (how far ahead the series is
    predictable; skill decaying with tp is the signature of chaos, Sugihara & May 1990).

    Returns
    -------
    PredictIntervalResult

    Notes
    -----
    Cost: ``max_tp`` simplex calls.
    """
    max_tp = check_positive_int(max_tp, "max_tp")
    tps = np.arange(1, max_tp + 1)
    out = [_quiet(simplex, x, target, E=E, tau=tau, tp=int(t), lib=lib, pred=pred,
                  exclusion_radius=exclusion_radius, nan_policy=nan_policy) for t in tps]
    rho = np.array([r.rho for r, _ in out])
    reliable = not any(w for _, w in out)
    if not reliable:
        warnings.warn("predict_interval: some forecasts were unreliable.", ReliabilityWarning, stacklevel=2)
    return PredictIntervalResult(tp_values=tps, rho=rho, mae=np.array([r.mae for r, _ in out]),
                                 rmse=np.array([r.rmse for r, _ in out]), best_tp=int(tps[np.argmax(rho)]),
                                 E=out[0][0].E, tau=out[0][0].tau, exclusion_radius=out[0][0].exclusion_radius,
                                 reliable=reliable)


def predict_nonlinear(x, target=None, *, E: int = 2, thetas: Sequence[float] = DEFAULT_THETAS, tau: int = -1,
                      tp: int = 1, knn: int | None = None, lib: Sequence[int] | None = None,
                      pred: Sequence[int] | None = None, exclusion_radius: int = 0,
                      nan_policy: str = "omit") -> PredictNonlinearResult:
    """S-map forecast skill against θ (the nonlinearity test of Sugihara 1994).

    Parameters
    ----------
    thetas : sequence of float
        Localisations tried (default pyEDM's 0, 0.01, 0.1, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, …, 9).
    Others as :func:`smap`.

    Returns
    -------
    PredictNonlinearResult

    Notes
    -----
    Cost: one S-map call per θ.
    """
    th = as_float_array(thetas, "thetas", ndim=1)
    if th.size == 0 or (th < 0).any():
        raise ValidationError("thetas must be a non-empty sequence of numbers >= 0.")
    out = [_quiet(smap, x, target, E=E, theta=float(t), tau=tau, tp=tp, knn=knn, lib=lib, pred=pred,
                  exclusion_radius=exclusion_radius, nan_policy=nan_policy) for t in th]
    rho = np.array([r.rho for r, _ in out])
    i = int(np.argmax(rho))
    delta = float(rho[i] - rho[int(np.argmin(th))])
    reliable = not any(w for _, w in out)
    if not reliable:
        warnings.warn("predict_nonlinear: some forecasts were unreliable.", ReliabilityWarning, stacklevel=2)
    return PredictNonlinearResult(thetas=th, rho=rho, mae=np.array([r.mae for r, _ in out]),
                                  rmse=np.array([r.rmse for r, _ in out]), best_theta=float(th[i]), delta_rho=delta,
                                  nonlinear=bool(th[i] > 0 and delta > 0.01), E=out[0][0].E, tau=out[0][0].tau,
                                  tp=out[0][0].tp, exclusion_radius=out[0][0].exclusion_radius, reliable=reliable)
