"""One forecasting protocol for every learner: ``forecast()``, baselines, splits and tuning.

* :func:`forecast` ``(model, history, horizon)`` works for every fitted learner: anything with a
  ``forecast(history, horizon)`` method (ESN, NGRC, KernelFlows, the baselines here), and —
  by duck typing — models that expose ``to_system()`` (SINDy, DMD/EDMD from
  :mod:`attractor.learn`): the learned flow is integrated (or the learned map iterated) from
  the last observed sample.
* Baselines: :class:`Persistence` (repeat the last sample), :class:`MeanForecast` (training
  mean), :class:`LinearAR` (vector autoregression of order ``p`` by least squares).
* :func:`split` — the split of the public benchmark (Gilpin 2021): train on the first 5/6 of a
  trajectory, tune on the last 1/6; the *test* is a separate trajectory (:func:`protocol_data`)
  whose first 5/6 is the context the tuned model is refitted on and whose last 1/6 is forecast.
* :func:`tune` — hyper-parameter search (full grid if it fits the budget, else seeded random
  sampling of the grid) that stops at ``max_fits`` fits or ``max_seconds`` seconds.

References
----------
Gilpin, W. (2021). Chaos as an interpretable benchmark for forecasting and data-driven
modelling. NeurIPS Datasets and Benchmarks Track.
"""
from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..core.errors import InsufficientDataError, ValidationError
from ..core.validation import as_float_array, check_positive_float, check_positive_int

__all__ = ["forecast", "Persistence", "MeanForecast", "LinearAR", "Split", "split", "protocol_data",
           "ProtocolData", "tune", "TuneResult", "required_history"]


def _as_2d(x, name: str) -> np.ndarray:
    a = as_float_array(x, name, ndim=(1, 2))
    return a[:, None] if a.ndim == 1 else a


# ====================================================================== baselines
class _Baseline:
    _param_names: tuple[str, ...] = ()

    def get_params(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self._param_names}

    def clone(self, **params):
        p = self.get_params()
        p.update(params)
        return type(self)(**p)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_params().items())})"

    @property
    def required_history(self) -> int:
        return 1

    def _check(self, history) -> np.ndarray:
        if not hasattr(self, "n_features_in_"):
            raise ValidationError(f"this {type(self).__name__} is not fitted yet; call fit(X) first.")
        h = _as_2d(history, "history")
        if h.shape[1] != self.n_features_in_:
            raise ValidationError(f"history has {h.shape[1]} channel(s) but the model was fitted on "
                                  f"{self.n_features_in_}.")
        if h.shape[0] < self.required_history:
            raise InsufficientDataError(f"history has {h.shape[0]} samples; this {type(self).__name__} needs "
                                        f"at least {self.required_history} as context.")
        return h

    def _fit_common(self, X, dt):
        X = _as_2d(X, "X")
        if X.shape[0] < self.required_history + 1:
            raise InsufficientDataError(f"X has {X.shape[0]} samples; {type(self).__name__} needs at least "
                                        f"{self.required_history + 1}.")
        self.n_features_in_ = X.shape[1]
        self.dt_ = 1.0 if dt is None else check_positive_float(dt, "dt")
        return X


class Persistence(_Baseline):
    """Forecast every future sample as the last observed one."""

    def fit(self, X, t=None, dt: float | None = None) -> "Persistence":
        self._fit_common(X, dt)
        return self

    def forecast(self, history, horizon: int) -> np.ndarray:
        horizon = check_positive_int(horizon, "horizon")
        h = self._check(history)
        return np.repeat(h[-1:], horizon, axis=0)


class MeanForecast(_Baseline):
    """Forecast every future sample as the training mean (the climatological forecast)."""

    def fit(self, X, t=None, dt: float | None = None) -> "MeanForecast":
        X = self._fit_common(X, dt)
        self.mean_ = X.mean(axis=0)
        return self

    def forecast(self, history, horizon: int) -> np.ndarray:
        horizon = check_positive_int(horizon, "horizon")
        self._check(history)
        return np.repeat(self.mean_[None, :], horizon, axis=0)


class LinearAR(_Baseline):
    """Vector autoregression ``x_{k+1} = c + Σ_{j=1..p} A_j x_{k+1−j}``, least squares (ridge ``ridge``).

    Parameters
    ----------
    order : int >= 1
        ``p``, the number of lags.
    ridge : float >= 0
        Tikhonov regularisation (0: ordinary least squares).
    """

    _param_names = ("order", "ridge")

    def __init__(self, order: int = 5, ridge: float = 0.0):
        self.order = order
        self.ridge = ridge

    @property
    def required_history(self) -> int:
        return check_positive_int(self.order, "order")

    def _lags(self, X: np.ndarray) -> np.ndarray:
        p = self.order
        n = X.shape[0] - p + 1
        return np.hstack([np.ones((n, 1))] + [X[p - 1 - j: p - 1 - j + n] for j in range(p)])

    def fit(self, X, t=None, dt: float | None = None) -> "LinearAR":
        from ..learn.reservoir import ridge_solve

        self.order = check_positive_int(self.order, "order")
        check_positive_float(self.ridge, "ridge", allow_zero=True)
        X = self._fit_common(X, dt)
        Phi = self._lags(X)[:-1]
        self.coef_ = ridge_solve(Phi, X[self.order:], float(self.ridge))
        return self

    def forecast(self, history, horizon: int) -> np.ndarray:
        horizon = check_positive_int(horizon, "horizon")
        h = self._check(history)
        buf = [row for row in h[-self.order:]]
        out = np.empty((horizon, h.shape[1]))
        for k in range(horizon):
            phi = np.concatenate([[1.0], *buf[::-1][: self.order]])
            nxt = self.coef_ @ phi
            out[k] = nxt
            buf = buf[1:] + [nxt]
        return out


# ====================================================================== forecast()
def required_history(model) -> int:
    """Samples of context ``forecast(model, ...)`` needs (1 for models integrated from the last sample)."""
    return int(getattr(model, "required_history", 1))


def forecast(model, history, horizon: int, *, dt: float | None = None) -> np.ndarray:
    """Forecast ``horizon`` samples after ``history`` with a fitted model.

    Parameters
    ----------
    model
        A fitted learner. Used, in this order: ``model.forecast(history, horizon)``; else
        ``model.to_system()`` — a flow is integrated from ``history[-1]`` with sampling step
        ``dt`` (default ``model.dt_`` or the system's ``default_dt``), a map is iterated.
    history : array_like, shape (n_times,) or (n_times, n_channels)
        Observed samples ending at the forecast origin (no NaN).
    horizon : int >= 1
        Number of future samples.

    Returns
    -------
    numpy.ndarray, shape (horizon, n_channels)
        The forecast; row ``k`` is the sample ``k+1`` steps after ``history[-1]``.
    """
    horizon = check_positive_int(horizon, "horizon")
    h = _as_2d(history, "history")
    need = required_history(model)
    if h.shape[0] < need:
        raise InsufficientDataError(f"history has {h.shape[0]} samples; {type(model).__name__} needs at least "
                                    f"{need} as context.")
    if hasattr(model, "forecast") and callable(model.forecast):
        out = np.asarray(model.forecast(h, horizon), dtype=float)
        return out.reshape(horizon, -1)
    if hasattr(model, "to_system"):
        sysm = model.to_system()
        if sysm.dimension != h.shape[1]:
            raise ValidationError(f"history has {h.shape[1]} channel(s) but the model's system has dimension "
                                  f"{sysm.dimension}.")
        if sysm.kind == "map":
            traj = sysm.trajectory(horizon + 1, x0=h[-1])
        else:
            step = dt if dt is not None else getattr(model, "dt_", None) or sysm.default_dt
            traj = sysm.trajectory(horizon + 1, dt=float(step), x0=h[-1])
        return np.asarray(traj.x[1:], dtype=float)
    raise ValidationError(f"{type(model).__name__} has neither forecast(history, horizon) nor to_system(); "
                          "it cannot be used with forecast().")


# ====================================================================== splits
@dataclass(frozen=True)
class Split:
    """A train/validation split of one trajectory (rows are time)."""

    train: np.ndarray
    validation: np.ndarray
    fraction: float


def split(x, fraction: float = 5 / 6) -> Split:
    """Train on the first ``fraction`` of ``x``, validate on the rest (Gilpin 2021 uses 5/6)."""
    a = _as_2d(x, "x")
    fraction = check_positive_float(fraction, "fraction")
    if not fraction < 1:
        raise ValidationError(f"fraction must be in (0, 1); got {fraction}.")
    n_train = int(round(fraction * a.shape[0]))
    if n_train < 2 or a.shape[0] - n_train < 1:
        raise InsufficientDataError(f"x has {a.shape[0]} samples; too few to split at fraction {fraction}.")
    return Split(a[:n_train], a[n_train:], float(fraction))


@dataclass(frozen=True)
class ProtocolData:
    """Train and test trajectories of the forecasting protocol.

    ``train``/``validation``: the first 5/6 and last 1/6 of the training trajectory.
    ``context``/``target``: the same split of a separate test trajectory (the tuned model is
    refitted on ``context`` and forecasts ``len(target)`` samples). ``dt`` in time units,
    ``period`` the system's characteristic period, ``lyapunov`` its largest exponent if known.
    """

    system: str
    train: np.ndarray
    validation: np.ndarray
    context: np.ndarray
    target: np.ndarray
    dt: float
    period: float
    lyapunov: float | None
    noise: float
    channels: tuple[int, ...]
    scale: np.ndarray = field(repr=False)


def _largest_lyapunov(s) -> float | None:
    ref = dict(s.metadata.get("reference", {}) or {})
    for key in ("lyapunov_spectrum", "maximum_lyapunov_estimated", "lyapunov_spectrum_estimated",
                "max_lyapunov", "lyapunov"):
        if key in ref:
            v = ref[key][0] if isinstance(ref[key], tuple) else ref[key]
            v = np.atleast_1d(np.asarray(v, dtype=float))
            return float(v.max())
    v = s.metadata.get("max_lyapunov") or s.metadata.get("maximum_lyapunov_estimated")
    return None if v is None else float(v)


def protocol_data(system, *, n_train_periods: float = 10, n_test_periods: float = 2, points_per_period: int = 100,
                  noise: float = 0.0, univariate: bool = False, seed=0, transient_periods: float = 20) -> ProtocolData:
    """Data of the public forecasting protocol (Gilpin 2021) for one catalogued flow.

    Two trajectories of ``(n_train_periods + n_test_periods) · points_per_period`` samples at
    ``dt = period / points_per_period`` (``period`` from ``system.metadata``): the second starts
    where the first ends plus ``transient_periods`` periods (a separate stretch of the attractor).
    ``attractor.systems.sample`` is used when it exists. With ``noise > 0``, Gaussian noise of
    standard deviation ``noise × (channel std)`` is added to *every* returned array (the
    forecast targets stay noisy, as in the benchmark). ``univariate`` keeps the first channel.
    """
    import attractor

    s = attractor.system(system) if isinstance(system, str) else system
    period = float(s.metadata.get("period") or 100 * s.default_dt)
    ppp = check_positive_int(points_per_period, "points_per_period")
    dt = period / ppp
    n_tr = int(round(n_train_periods * ppp))
    n_te = int(round(n_test_periods * ppp))
    n = n_tr + n_te
    gap = int(round(transient_periods * ppp))
    traj = s.trajectory(2 * n + gap, dt=dt, transient=transient_periods * period)
    x = np.asarray(traj.x, dtype=float)
    a, b = x[:n], x[n + gap:]
    if univariate:
        a, b = a[:, :1], b[:, :1]
    chans = (0,) if univariate else tuple(range(x.shape[1]))
    scale = a.std(axis=0)
    if noise > 0:
        rng = np.random.default_rng(seed)
        a = a + noise * scale * rng.standard_normal(a.shape)
        b = b + noise * scale * rng.standard_normal(b.shape)
    return ProtocolData(s.name, a[:n_tr], a[n_tr:], b[:n_tr], b[n_tr:], dt, period, _largest_lyapunov(s),
                        float(noise), chans, scale)


# ====================================================================== tuning
@dataclass(frozen=True)
class TuneResult:
    """Outcome of :func:`tune`: best parameters, score, every trial, and the budget used."""

    best_params: dict
    best_score: float
    trials: tuple[tuple[dict, float], ...]
    n_fits: int
    seconds: float
    exhausted: str   # "grid", "max_fits" or "max_seconds"


def tune(make_model: Callable[..., Any], grid: Mapping[str, Sequence[Any]], train, validation, *,
         dt: float | None = None, score: Callable[[np.ndarray, np.ndarray], float] | None = None,
         max_fits: int = 20, max_seconds: float = math.inf, seed=0) -> TuneResult:
    """Pick hyper-parameters by forecasting the validation block from the training block.

    Each trial builds ``make_model(**params)``, fits it on ``train`` (with ``dt``), forecasts
    ``len(validation)`` samples from ``train`` and scores the forecast with ``score`` (lower is
    better; default sMAPE on the 0–200 scale). Trials that raise or return non-finite values
    score ``inf``. The whole grid is tried when it has at most ``max_fits`` points, else
    ``max_fits`` distinct points drawn with ``seed``; the search also stops once
    ``max_seconds`` have elapsed (checked before each fit, so at most one fit overruns).
    """
    from .metrics import smape

    max_fits = check_positive_int(max_fits, "max_fits")
    if not (max_seconds > 0):
        raise ValidationError(f"max_seconds must be > 0; got {max_seconds}.")
    train = _as_2d(train, "train")
    validation = _as_2d(validation, "validation")
    score = score or (lambda y, p: smape(y, p, scale=200))
    keys = list(grid)
    points = list(itertools.product(*(list(grid[k]) for k in keys)))
    if not points:
        points = [()]
    exhausted = "grid"
    if len(points) > max_fits:
        rng = np.random.default_rng(seed)
        idx = rng.choice(len(points), size=max_fits, replace=False)
        points = [points[i] for i in sorted(idx)]
        exhausted = "max_fits"
    start = time.perf_counter()
    trials = []
    for pt in points:
        if time.perf_counter() - start >= max_seconds and trials:
            exhausted = "max_seconds"
            break
        params = dict(zip(keys, pt))
        try:
            m = make_model(**params).fit(train, dt=dt)
            pred = forecast(m, train, len(validation))
            val = float(score(validation, pred)) if np.all(np.isfinite(pred)) else math.inf
        except (ValidationError, ArithmeticError, np.linalg.LinAlgError, FloatingPointError):
            val = math.inf
        trials.append((params, val if math.isfinite(val) else math.inf))
    best = min(trials, key=lambda t: t[1])
    return TuneResult(best[0], best[1], tuple(trials), len(trials), time.perf_counter() - start, exhausted)
