"""One forecasting protocol for every learner: ``forecast()``, baselines, splits and tuning.

* :func:`forecast` ``(model, history, horizon)`` works for every fitted learner: every learner
  of the toolkit has a ``forecast(history, horizon)`` method (ESN, NGRC, KernelFlows, SINDy,
  DMD / HankelDMD / EDMD, the baselines here; ``required_history`` says how much context each
  needs), and any other model that exposes ``to_system()`` is simulated from the last
  observed sample (a flow integrated, a map iterated).
* :func:`fit_model` fits any of them on a uniformly sampled array with its sampling step
  (``fit(X, dt=...)``, or ``fit(X, t=step)`` for SINDy).
* Baselines: :class:`Persistence` (repeat the last sample), :class:`MeanForecast` (training
  mean), :class:`LinearAR` (vector autoregression of order ``p`` by least squares).
* :class:`SINDyForecaster` — SINDy with a polynomial library as a tunable forecaster (degree,
  weak form, a cap on the library size), used by the benchmark.
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

import inspect
import itertools
import math
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..core.errors import InsufficientDataError, IntegrationError, ReliabilityWarning, ValidationError
from ..core.validation import as_float_array, check_positive_float, check_positive_int

__all__ = ["forecast", "fit_model", "Persistence", "MeanForecast", "LinearAR", "SINDyForecaster", "Split", "split",
           "protocol_data", "ProtocolData", "tune", "TuneResult", "required_history"]


def _as_2d(x, name: str, check_magnitude: bool = True) -> np.ndarray:
    a = as_float_array(x, name, ndim=(1, 2), check_magnitude=check_magnitude)
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
        with np.errstate(over="ignore", invalid="ignore"):   # an unstable fit ends in inf/NaN rows
            for k in range(horizon):
                phi = np.concatenate([[1.0], *buf[::-1][: self.order]])
                nxt = self.coef_ @ phi
                out[k] = nxt
                buf = buf[1:] + [nxt]
        return out


class SINDyForecaster(_Baseline):
    """SINDy with a polynomial library, as a tunable forecaster (used by the benchmark).

    ``fit`` runs :class:`attractor.learn.SINDy` (strong or weak form, sparsity chosen by the
    SINDy defaults) on the data with their sampling step ``dt``; ``forecast`` is
    :meth:`attractor.learn.SINDy.forecast` (RK4 with ``substeps`` steps per sample in one
    compiled loop, no per-model compilation) without its divergence warning: a diverged
    forecast is NaN from the divergence on, which the protocol scores as a failure.

    Parameters
    ----------
    degree : int >= 1
        Degree of the polynomial library.
    weak : bool or "auto"
        Weak (integral) form of SINDy, robust to noise.
    substeps : int >= 1
        RK4 steps per sampling interval.
    max_features : int, optional
        Refuse (``ValidationError`` at fit) a library with more features than this (the sparse
        regression slows down steeply with the library size: 286 cubic features of 10 states
        took 20 s). None: no limit.
    delays : int >= 1
        Number of delayed copies of the series that form the state SINDy models (1: the
        observed channels themselves). A scalar series has no autonomous first-order ODE with
        oscillating, let alone chaotic, solutions; on delay coordinates
        ``(x(t - (delays-1) stride dt), ..., x(t))`` it has one (Takens 1981), and SINDy of
        delay coordinates is the usual remedy for partial observations (Brunton et al. 2017,
        Nat. Commun. 8, 19; Bakarji et al. 2023, Proc. R. Soc. A 479, 20230422). The forecast
        integrates the learned delay-coordinate ODE and returns its newest block.
    stride : int >= 1
        Spacing of the delayed copies, in samples.
    """

    _param_names = ("degree", "weak", "substeps", "max_features", "delays", "stride")

    def __init__(self, degree: int = 2, weak: bool | str = False, substeps: int = 4,
                 max_features: int | None = None, delays: int = 1, stride: int = 1):
        self.degree = degree
        self.weak = weak
        self.substeps = substeps
        self.max_features = max_features
        self.delays = delays
        self.stride = stride

    @property
    def required_history(self) -> int:
        """Samples of context: the span of one delay vector, ``(delays - 1) * stride + 1``."""
        return (check_positive_int(self.delays, "delays") - 1) * check_positive_int(self.stride, "stride") + 1

    def _embed(self, X: np.ndarray) -> np.ndarray:
        from ..analysis.embedding import delay_embed

        return X if self.delays == 1 else delay_embed(X, self.delays, self.stride)

    def fit(self, X, t=None, dt: float | None = None) -> "SINDyForecaster":
        from ..learn.libraries import PolynomialLibrary
        from ..learn.sindy import SINDy

        degree = check_positive_int(self.degree, "degree")
        check_positive_int(self.substeps, "substeps")
        X = self._fit_common(X, dt)   # also checks delays and stride (required_history)
        library = PolynomialLibrary(degree)
        n_states = X.shape[1] * self.delays
        n_features = library.n_features(n_states)
        if self.max_features is not None and n_features > check_positive_int(self.max_features, "max_features"):
            raise ValidationError(f"a degree-{degree} library of {n_states} states has {n_features} features, more "
                                  f"than max_features={self.max_features}.")
        weak = self.weak if isinstance(self.weak, str) else bool(self.weak)
        self.model_ = SINDy(library=library, weak=weak).fit(self._embed(X), t=self.dt_)
        return self

    def forecast(self, history, horizon: int) -> np.ndarray:
        import warnings

        horizon = check_positive_int(horizon, "horizon")
        h = self._check(history)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            z = self.model_.forecast(self._embed(h[-self.required_history:]), horizon,
                                     substeps=check_positive_int(self.substeps, "substeps"))
        return z[:, -self.n_features_in_:]   # the newest block of each delay vector


# ====================================================================== forecast()
def required_history(model) -> int:
    """Samples of context ``forecast(model, ...)`` needs (1 for models advanced from the last sample)."""
    return int(getattr(model, "required_history", 1))


def fit_model(model, X, dt: float | None):
    """Fit ``model`` on ``X`` (rows are time) sampled every ``dt``; return the fitted model.

    Calls ``model.fit(X, dt=dt)`` when ``fit`` takes ``dt`` (reservoirs, kernels, DMD family,
    baselines), else ``model.fit(X, t=dt)`` (SINDy, whose scalar ``t`` is the sampling step),
    else ``model.fit(X)``.
    """
    params = inspect.signature(model.fit).parameters
    if "dt" in params:
        out = model.fit(X, dt=dt) if dt is not None else model.fit(X)
    elif "t" in params:
        out = model.fit(X, t=dt)
    else:
        out = model.fit(X)
    return model if out is None else out


def _flag_divergence(out: np.ndarray, model) -> np.ndarray:
    """Mark a diverged forecast: rows from the first non-finite one on are NaN, with a ReliabilityWarning."""
    finite = np.isfinite(out).all(axis=1)
    if not finite.all():
        k = int(np.flatnonzero(~finite)[0])
        out = out.copy()
        out[k:] = np.nan
        warnings.warn(f"the {type(model).__name__} forecast diverged at step {k + 1} of {out.shape[0]}; "
                      "the rows from there on are NaN.", ReliabilityWarning, stacklevel=3)
    return out


def forecast(model, history, horizon: int, *, dt: float | None = None, n_samples: int | None = None,
             perturbation: float | None = None, seed: int | None = 0) -> np.ndarray:
    """Forecast ``horizon`` samples after ``history`` with a fitted model.

    With ``n_samples`` given it returns an ensemble of shape ``(n_samples, horizon, n_channels)``:
    from ``model.forecast_ensemble(history, horizon, n_samples)`` when the model has a
    probabilistic mode (e.g. :class:`~attractor.forecast.AnalogForecaster`), else, when
    ``perturbation`` is given, a perturbed-initial-condition ensemble: each member forecasts from
    ``history + perturbation * std(history) * N(0, 1)`` (per channel, seeded by ``seed``). A
    deterministic model without ``perturbation`` raises :class:`ValidationError`.

    Parameters
    ----------
    model
        A fitted learner. Used, in this order: ``model.forecast(history, horizon)`` (with
        ``dt=dt`` when given and the method takes it, e.g. SINDy); else ``model.to_system()``
        — a flow is integrated from ``history[-1]`` with sampling step ``dt`` (default
        ``model.dt_`` or the system's ``default_dt``), a map is iterated.
    history : array_like, shape (n_times,) or (n_times, n_channels)
        Observed samples ending at the forecast origin (no NaN).
    horizon : int >= 1
        Number of future samples.

    Returns
    -------
    numpy.ndarray, shape (horizon, n_channels)
        The forecast; row ``k`` is the sample ``k+1`` steps after ``history[-1]``. If the model
        diverges (overflow or NaN), the rows from the first bad one on are NaN and a
        :class:`~attractor.ReliabilityWarning` says at which step.
    """
    horizon = check_positive_int(horizon, "horizon")
    h = _as_2d(history, "history", check_magnitude=False)   # the model checks the magnitudes it supports
    if n_samples is not None:
        m = check_positive_int(n_samples, "n_samples", minimum=2)
        if hasattr(model, "forecast_ensemble") and callable(model.forecast_ensemble):
            return np.asarray(model.forecast_ensemble(h, horizon, m), dtype=float).reshape(m, horizon, -1)
        if perturbation is None:
            raise ValidationError(f"{type(model).__name__} has no probabilistic mode (forecast_ensemble); pass "
                                  "perturbation=<noise level, in units of the history's std> for a "
                                  "perturbed-initial-condition ensemble.")
        level = check_positive_float(perturbation, "perturbation")
        rng = np.random.default_rng(seed)
        scale = level * np.std(h, axis=0)
        return np.stack([forecast(model, h + scale * rng.standard_normal(h.shape), horizon, dt=dt)
                         for _ in range(m)])
    need = required_history(model)
    if h.shape[0] < need:
        raise InsufficientDataError(f"history has {h.shape[0]} samples; {type(model).__name__} needs at least "
                                    f"{need} as context.")
    if hasattr(model, "forecast") and callable(model.forecast):
        kw = {"dt": dt} if dt is not None and "dt" in inspect.signature(model.forecast).parameters else {}
        out = np.asarray(model.forecast(h, horizon, **kw), dtype=float)
        return _flag_divergence(out.reshape(horizon, -1), model)
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
        return _flag_divergence(np.asarray(traj.x[1:], dtype=float), model)
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

    One run of :func:`attractor.systems.sample` (``points_per_period`` samples per
    characteristic period ``T = metadata['period']``, so ``dt = T / points_per_period``) from a
    random initial condition on the attractor (drawn with ``seed``) is cut into two
    trajectories of ``n_train_periods + n_test_periods`` periods separated by
    ``transient_periods`` periods: the tuning trajectory (``train`` + ``validation``) and the
    test trajectory (``context`` + ``target``). They are disjoint stretches of the attractor
    and a different ``seed`` gives a different realisation. With ``noise > 0``, Gaussian noise of
    standard deviation ``noise × (channel std of that trajectory)`` — the definition of
    ``sample`` — is added to *both* trajectories (the forecast targets stay noisy, as in the
    benchmark); ``scale`` is the clean training trajectory's channel std. ``univariate`` keeps
    the first channel.
    """
    import attractor
    from ..systems.sampling import sample

    s = attractor.system(system) if isinstance(system, str) else system
    period = float(s.metadata.get("period") or 100 * s.default_dt)
    ppp = check_positive_int(points_per_period, "points_per_period")
    noise = check_positive_float(noise, "noise", allow_zero=True)
    transient_periods = check_positive_float(transient_periods, "transient_periods", allow_zero=True)
    n_tr = int(round(n_train_periods * ppp))
    n_te = int(round(n_test_periods * ppp))
    if n_tr < 2 or n_te < 1:
        raise ValidationError(f"{n_train_periods} train and {n_test_periods} test periods at {ppp} points per "
                              "period leave no data to train on or to forecast.")
    n = n_tr + n_te
    gap = int(round(transient_periods * ppp))
    rng = np.random.default_rng(seed)
    ic_seed, noise_seed = (int(v) for v in rng.integers(2**63 - 1, size=2))
    if s.metadata.get("period"):
        traj = sample(s, 2 * n + gap, pts_per_period=ppp, transient_periods=transient_periods, random_ic=True,
                      seed=ic_seed)
    else:   # no characteristic period: the default step convention above, from the default initial condition
        traj = s.trajectory(2 * n + gap, dt=period / ppp, transient=transient_periods * period)
    x = np.asarray(traj.x, dtype=float)
    dt = float(period / ppp)
    a, b = x[:n], x[n + gap:]
    if univariate:
        a, b = a[:, :1], b[:, :1]
    chans = (0,) if univariate else tuple(range(x.shape[1]))
    scale = a[:n_tr].std(axis=0)
    if noise > 0:
        nrng = np.random.default_rng(noise_seed)
        a = a + noise * a.std(axis=0) * nrng.standard_normal(a.shape)
        b = b + noise * b.std(axis=0) * nrng.standard_normal(b.shape)
    return ProtocolData(s.name, a[:n_tr], a[n_tr:], b[:n_tr], b[n_tr:], dt, period, _largest_lyapunov(s),
                        float(noise), chans, scale)


# ====================================================================== tuning
#: Exceptions that mean "this model (with these hyper-parameters) failed on these data", not a bug:
#: invalid or insufficient settings, a singular or divergent fit, a learned flow that blew up.
MODEL_FAILURES = (ValidationError, IntegrationError, ArithmeticError, np.linalg.LinAlgError, FloatingPointError)


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
         max_fits: int = 20, max_seconds: float = math.inf, seed=0, n_origins: int = 0,
         free_run: int = 0, guard_k: float = 3.0) -> TuneResult:
    """Pick hyper-parameters by forecasting the validation block from the training block.

    Each trial builds ``make_model(**params)``, fits it on ``train`` (:func:`fit_model`), forecasts
    ``len(validation)`` samples from ``train`` and scores the forecast with ``score`` (lower is
    better; default sMAPE on the 0–200 scale). With ``n_origins > 0`` the same fitted model
    also forecasts the ``n_origins`` blocks of ``len(validation)`` samples just before the end of
    ``train`` (closed loop from ``train[:o]``; in-sample data, but a free-running forecast) and
    the score is the mean over all the windows — a less noisy criterion than one window.
    Trials that raise or return non-finite values score ``inf``. The whole grid is tried when
    it has at most ``max_fits`` points, else ``max_fits`` distinct points drawn with ``seed``;
    the search also stops once ``max_seconds`` have elapsed (checked before each fit, so at
    most one fit overruns).

    Free-run validation (``free_run > 0``): a trial that scored finitely also runs free for
    ``free_run`` samples from the end of ``train``; if :class:`~attractor.forecast.DivergenceGuard`
    (trust region ``guard_k`` half-ranges of ``train``) stops that run — it left the region or went
    non-finite — the trial scores ``inf``. The search then picks the best short-term skill among the
    settings whose long free run stays bounded (e.g. the NGRC ridge and feature settings).
    """
    from .guard import DivergenceGuard
    from .metrics import smape

    max_fits = check_positive_int(max_fits, "max_fits")
    if not (max_seconds > 0):
        raise ValidationError(f"max_seconds must be > 0; got {max_seconds}.")
    train = _as_2d(train, "train")
    validation = _as_2d(validation, "validation")
    score = score or (lambda y, p: smape(y, p, scale=200))
    n_origins = check_positive_int(n_origins, "n_origins", minimum=0)
    free_run = check_positive_int(free_run, "free_run", minimum=0)
    guard = DivergenceGuard(k=check_positive_float(guard_k, "guard_k"), warn=False).fit(train) if free_run else None
    h = len(validation)
    windows = [(train, validation)]
    for j in range(1, n_origins + 1):
        o = train.shape[0] - j * h
        if o < max(2, train.shape[0] // 2):
            break
        windows.append((train[:o], train[o:o + h]))
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
            m = fit_model(make_model(**params), train, dt)
            val = 0.0
            for hist, target in windows:
                with warnings.catch_warnings():   # a diverged forecast scores inf here, no warning needed
                    warnings.simplefilter("ignore", ReliabilityWarning)
                    pred = forecast(m, hist, len(target))
                val += float(score(target, pred)) if np.all(np.isfinite(pred)) else math.inf
            val /= len(windows)
            if guard is not None and math.isfinite(val):
                with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore"):
                    warnings.simplefilter("ignore", ReliabilityWarning)
                    if guard.check(forecast(m, train, free_run)).triggered:
                        val = math.inf
        except MODEL_FAILURES:
            val = math.inf
        trials.append((params, val if math.isfinite(val) else math.inf))
    best = min(trials, key=lambda t: t[1])
    return TuneResult(best[0], best[1], tuple(trials), len(trials), time.perf_counter() - start, exhausted)
