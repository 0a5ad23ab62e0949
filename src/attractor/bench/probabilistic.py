"""Probabilistic forecasting benchmark (``attractor bench --probabilistic``): ensembles scored by CRPS.

Same protocol as the point benchmark (:mod:`attractor.bench.runner`): for each (system, model,
variant, noise) cell, :func:`attractor.forecast.protocol_data` with the *same data seed* as the
point task (so both tracks see the same trajectories and noise), hyper-parameters tuned on
``train`` → ``validation``, the tuned model refitted on the test trajectory's ``context`` and its
forecasts verified on ``target`` (the last 2 of 12 periods, 100 samples per period).

Models (every one that can give an ensemble of ``n_samples`` members):

* ``freefm`` — :class:`attractor.learn.flow_matching.FreeFlowMatching` (training-free flow matching,
  a native sampler); ``analog`` — :class:`attractor.forecast.AnalogForecaster` (analogue ensemble).
  Tuned on the fair CRPS of a validation ensemble over the grid :data:`ENSEMBLE_MODELS`.
* ``cfm`` (opt-in, the ``neural`` extra) — :class:`attractor.learn.neural.FlowMatchingForecaster`,
  conditional flow matching with a neural velocity field, CPU-sized.
* ``esn``, ``ngrc``, ``sindy`` (default) and ``kernel``, ``dmd``, ``linear_ar`` (opt-in) — the
  point learners of the benchmark, tuned exactly as by
  ``attractor bench`` (same grid, budget and seed, so the same hyper-parameters), then made
  probabilistic by perturbed initial conditions (:func:`attractor.forecast.forecast` with
  ``perturbation``: every member forecasts from the history plus Gaussian noise of that fraction of
  the channel std); the perturbation is chosen from :data:`PERTURBATIONS` by the fair CRPS on the
  validation block.

Verification. ``n_forecast_origins`` origins evenly spaced over the first half of ``target``
(origin 0 is the end of ``context``: the point benchmark's forecast); each forecasts the rest of
``target`` from the context plus the target samples before it (no refit). Scores, with every
channel divided by the clean training std (``data.scale``):

* ``crps`` — fair ensemble CRPS (Ferro 2014), mean over every (origin, lead) pair and channel;
  ``crps_climatology`` and ``crps_persistence`` of the two reference ensembles on the same pairs
  (:func:`~attractor.forecast.climatology_ensemble` from the context, 200 members;
  :func:`~attractor.forecast.persistence_ensemble`: last state plus the context's k-step changes);
  ``crps_skill_climatology`` / ``crps_skill_persistence`` = ``1 - crps / crps_reference`` (> 0:
  better than the reference; the summary reports their median over systems).
* ``skill_horizon_time`` / ``skill_horizon_lyapunov`` — leads (time units / Lyapunov times of the
  catalogue's λ1) over which the ensemble's CRPS is better than climatology's by more than 5 % and
  significantly (log CRPS ratio across origins, one-sided t test at 2.3 %;
  :func:`~attractor.forecast.crps_skill_horizon`, standard CRPS), on the leads every origin reaches (the last ``n_test_periods`` minus the last
  origin's offset: 1.25 periods by default); ``skill_horizon_capped`` = 1 when it is better at all of
  them, so the horizon is only a lower bound.
* ``pit_ks``, ``pit_ks_critical``, ``pit_calibrated``, ``pit_n``, ``spread_skill`` — calibration:
  the Kolmogorov–Smirnov distance of the randomized PIT values from Uniform(0, 1) with its 5 %
  critical value (:func:`~attractor.forecast.pit_uniformity_test`) over the verification pairs
  thinned to every quarter period (``points_per_period // 4`` leads), pooled over origins and
  channels; consecutive pairs of one trajectory are still correlated, so read the critical value as
  nominal. ``spread_skill`` < 1: over-confident.
* ``long_run_kl``, ``long_run_spectrum``, ``long_run_bounded``, ``long_run_guard`` —
  :func:`attractor.bench.runner.long_run_scores` of one free-running generator of
  ``n_long_periods`` periods from the end of the context: a single sampled member for the native
  samplers (the ensemble mean is not a trajectory of the system), the unperturbed free run for the
  point learners.
* ``failed`` (1: the tuned model raised, or a member diverged: scored ``crps = inf``),
  ``fit_seconds``, ``n_fits``, ``task_seconds``, ``cpu_seconds``.

Default systems (:data:`DEFAULT_SYSTEMS`): six three-dimensional chaotic flows of the catalogue
with a published largest Lyapunov exponent — Lorenz, Rössler, Aizawa, Halvorsen, Chua and Thomas —
chosen to span predictability: λ1 times the period is 0.35 (Aizawa), 0.42 (Rössler), 1.04
(Halvorsen), 1.36 (Lorenz), 1.75 (Chua) and 3.1 (Thomas), so a 2-period target is from under one
to about six Lyapunov times long; and small enough (3 channels) that a cell runs in seconds on one
CPU core, so the default run takes minutes. ``--systems`` runs any catalogued flows.

References
----------
Gilpin, W. (2021). Chaos as an interpretable benchmark for forecasting and data-driven modelling.
    NeurIPS Datasets and Benchmarks Track (the protocol).
Gneiting, T. & Raftery, A. E. (2007). JASA 102, 359-378 (CRPS); Ferro, C. A. T. (2014). QJRMS 140,
    1917-1923 (fair CRPS); Hamill, T. M. (2001). MWR 129, 550-560 (rank histograms).
Leutbecher, M. & Palmer, T. N. (2008). Ensemble forecasting. J. Comput. Phys. 227, 3515-3539
    (perturbed-initial-condition ensembles).
"""
from __future__ import annotations

import json
import math
import time
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Sequence

import numpy as np

from ..core.errors import ReliabilityWarning, ValidationError
from .runner import (MODELS, BenchmarkResult, Task, _data_seed, _one_blas_thread, tune_point_model,
                     _read, _write, long_run_scores, summarize)

__all__ = ["PROB_MODELS", "AVAILABLE_MODELS", "DEFAULT_SYSTEMS", "PERTURBATIONS", "ENSEMBLE_MODELS", "ProbTask",
           "make_prob_tasks", "run_prob_task", "run_probabilistic", "prob_expected_metrics", "SUMMARY_METRICS"]


def _freefm(**kw):
    from ..learn.flow_matching import FreeFlowMatching

    return FreeFlowMatching(**kw)


def _analog(**kw):
    from ..forecast.analog import AnalogForecaster

    return AnalogForecaster(**kw)


#: native ensemble samplers: name -> (factory taking ``seed``, tuning grid)
ENSEMBLE_MODELS: dict[str, tuple[Callable[..., Any], dict[str, list]]] = {
    "freefm": (_freefm, {"delays": [1, 2, 4], "k": [16, 32, 64]}),
    "analog": (_analog, {"delays": [1, 2, 4], "k": [5, 10, 20]}),
}
#: grids on univariate series: a single channel needs a window of several samples to locate the state
ENSEMBLE_UNIVARIATE_GRIDS: dict[str, dict[str, list]] = {
    "freefm": {"delays": [2, 4, 8], "k": [16, 32, 64]},
    "analog": {"delays": [2, 4, 8], "k": [5, 10, 20]},
}


def _cfm(**kw):
    from ..learn.neural import FlowMatchingForecaster

    kw.setdefault("width", 64)
    kw.setdefault("depth", 2)
    kw.setdefault("epochs", 30)
    kw.setdefault("batch_size", 128)
    return FlowMatchingForecaster(**kw)


#: the neural conditional flow-matching forecaster (JAX, the ``neural`` extra): opt-in (``--models cfm``
#: or ``neural``), CPU-sized (width 64, depth 2, 30 epochs); training and compiling take seconds per fit
NEURAL_ENSEMBLE_MODELS = ("cfm",)
from .runner import _neural_extra_installed  # noqa: E402

if _neural_extra_installed():
    ENSEMBLE_MODELS["cfm"] = (_cfm, {"window": [5, 10]})
#: point learners made probabilistic by perturbed initial conditions (tuned as in ``attractor bench``)
PERTURBED_MODELS = ("esn", "ngrc", "sindy", "kernel", "dmd", "linear_ar")
#: the default models of the probabilistic track (``--models all``)
PROB_MODELS = ("freefm", "analog", "esn", "ngrc", "sindy")
#: every model the track can run
AVAILABLE_MODELS = tuple(ENSEMBLE_MODELS) + PERTURBED_MODELS
#: initial-condition perturbations tried (fraction of the history's channel std)
PERTURBATIONS = (1e-4, 1e-3, 1e-2, 5e-2)
#: default systems; see the module docstring for why these
DEFAULT_SYSTEMS = ("Lorenz", "Rossler", "Aizawa", "Halvorsen", "Chua", "Thomas")
#: members of the reference ensembles
REFERENCE_MEMBERS = 200
#: metrics printed by the command line summary
SUMMARY_METRICS = ("crps_skill_climatology", "crps_skill_persistence", "skill_horizon_lyapunov",
                   "skill_horizon_capped", "pit_ks",
                   "pit_calibrated", "spread_skill", "long_run_kl", "long_run_bounded", "failed")

SCORE_METRICS = ("crps", "crps_climatology", "crps_persistence", "crps_skill_climatology", "crps_skill_persistence",
                 "skill_horizon_time", "skill_horizon_lyapunov", "skill_horizon_capped", "pit_ks",
                 "pit_ks_critical", "pit_calibrated", "pit_n", "spread_skill")
LONG_RUN_METRICS = ("long_run_kl", "long_run_spectrum", "long_run_bounded", "long_run_guard")
BOOKKEEPING_METRICS = ("fit_seconds", "n_fits", "failed", "task_seconds", "cpu_seconds")
ERROR_METRICS = ("error", "task_seconds", "cpu_seconds")


@dataclass(frozen=True)
class ProbTask:
    """One cell of the probabilistic track; every field is part of its identity (``key``).

    The fields shared with :class:`attractor.bench.Task` have the same meaning and defaults;
    ``n_samples`` is the ensemble size and ``n_forecast_origins`` the number of verification origins.
    """

    system: str
    model: str
    variant: str = "multivariate"
    noise: float = 0.0
    seed: int = 0
    n_train_periods: float = 10
    n_test_periods: float = 2
    points_per_period: int = 100
    max_fits: int = 12
    max_seconds: float = 60.0
    n_origins: int = 2
    n_long_periods: float = 20
    n_samples: int = 50
    n_forecast_origins: int = 4

    @property
    def point_task(self) -> Task:
        """The point-benchmark task of the same cell (its data seed and tuning seed are reused)."""
        return Task(self.system, self.model, self.variant, self.noise, self.seed, self.n_train_periods,
                    self.n_test_periods, self.points_per_period, self.max_fits, self.max_seconds, self.n_origins,
                    self.n_long_periods)

    @property
    def key(self) -> str:
        return f"prob|{self.point_task.key}|{self.n_samples}|{self.n_forecast_origins}"

    @property
    def task_seed(self) -> int:
        return zlib.crc32(self.key.encode()) & 0x7FFFFFFF


def make_prob_tasks(systems: Sequence[str] | None = None, models: Sequence[str] | None = None,
                    variants: Sequence[str] = ("multivariate",), noises: Sequence[float] = (0.0,),
                    **settings: Any) -> list[ProbTask]:
    """The cross product of systems × models × variants × noise levels for the probabilistic track.

    ``systems`` defaults to :data:`DEFAULT_SYSTEMS`, ``models`` to :data:`PROB_MODELS` (any of
    :data:`AVAILABLE_MODELS` may be named). A model without an ensemble mode raises
    :class:`ValidationError` saying so.
    """
    from ..core.validation import check_positive_float, check_positive_int
    from ..systems import system as _system

    systems = list(DEFAULT_SYSTEMS if systems is None else systems)
    models = list(PROB_MODELS if models is None else models)
    if not systems or not models:
        raise ValidationError("no systems or no models to run.")
    for m in models:
        if m not in AVAILABLE_MODELS:
            if m in NEURAL_ENSEMBLE_MODELS:
                raise ValidationError(f"model {m!r} needs the neural extra: pip install \"attractor[neural]\".")
            hint = (" It is a point forecaster without a probabilistic mode in this track." if m in MODELS else "")
            raise ValidationError(f"model {m!r} cannot give an ensemble forecast.{hint} Probabilistic models: "
                                  f"{', '.join(AVAILABLE_MODELS)}.")
    for v in variants:
        if v not in ("multivariate", "univariate"):
            raise ValidationError(f"variant must be 'multivariate' or 'univariate'; got {v!r}.")
    for nz in noises:
        if not (math.isfinite(float(nz)) and float(nz) >= 0):
            raise ValidationError(f"noise levels must be finite and >= 0; got {nz!r}.")
    if "n_samples" in settings:
        settings["n_samples"] = check_positive_int(settings["n_samples"], "n_samples", minimum=2)
    if "n_forecast_origins" in settings:
        settings["n_forecast_origins"] = check_positive_int(settings["n_forecast_origins"], "n_forecast_origins",
                                                            minimum=2)
    for k in ("max_fits",):
        if k in settings:
            settings[k] = check_positive_int(settings[k], k)
    if "n_origins" in settings:
        settings["n_origins"] = check_positive_int(settings["n_origins"], "n_origins", minimum=0)
    if "n_long_periods" in settings:
        settings["n_long_periods"] = check_positive_float(settings["n_long_periods"], "n_long_periods",
                                                          allow_zero=True)
    canon = [_system(s).name for s in systems]   # UnknownSystemError with suggestions
    return [ProbTask(s, m, v, float(nz), **settings) for s in canon for m in models for v in variants
            for nz in noises]


def prob_expected_metrics(task: ProbTask) -> frozenset[str]:
    """The metric rows a finished task writes (an errored task writes ``error`` and the timings)."""
    return frozenset(SCORE_METRICS + (LONG_RUN_METRICS if task.n_long_periods > 0 else ()) + BOOKKEEPING_METRICS)


# ---------------------------------------------------------------------- scoring helpers
def _crps_by_lead(obs: np.ndarray, ens: np.ndarray, scale: np.ndarray, fair: bool = True) -> np.ndarray:
    """CRPS per lead (fair by default), channels divided by ``scale`` and averaged: shape (n_leads,)."""
    from ..forecast.scores import crps_ensemble

    return crps_ensemble(obs / scale, ens / scale, fair=fair).mean(axis=1)


class _OneMember:
    """A native sampler seen as a deterministic generator: one sampled member (for long runs)."""

    def __init__(self, model, seed: int):
        self.model = model
        self.seed = seed

    @property
    def required_history(self) -> int:
        return int(getattr(self.model, "required_history", None) or getattr(self.model, "delays", 1))

    def forecast(self, history, horizon: int) -> np.ndarray:
        self.model.seed = self.seed
        return self.model.forecast_ensemble(history, horizon, 1)[0]


def _ensemble(model, kind: str, history: np.ndarray, horizon: int, m: int, perturbation: float | None,
              seed: int) -> np.ndarray:
    """An (m, horizon, c) ensemble; ValidationError if a member is not finite."""
    from ..forecast.protocol import forecast

    with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", ReliabilityWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        if kind == "native":
            model.seed = seed
            ens = np.asarray(model.forecast_ensemble(history, horizon, m), dtype=float)
        else:
            ens = forecast(model, history, horizon, n_samples=m, perturbation=perturbation, seed=seed)
    bad = ~np.all(np.isfinite(ens), axis=(1, 2))
    if bad.any():
        raise ValidationError(f"{int(bad.sum())} of {m} ensemble members diverged (non-finite values).")
    return ens


def _validation_crps(model, kind: str, data, m: int, perturbation: float | None, seed: int,
                     scale: np.ndarray) -> float:
    ens = _ensemble(model, kind, data.train, len(data.validation), m, perturbation, seed)
    return float(_crps_by_lead(data.validation, ens, scale).mean())


def _tune_native(task: ProbTask, data, scale: np.ndarray, m_tune: int):
    """Grid (or seeded sample of it) search of a native sampler by validation CRPS."""
    import itertools

    from ..forecast.protocol import MODEL_FAILURES, fit_model

    factory, grid = ENSEMBLE_MODELS[task.model]
    if task.variant == "univariate":
        grid = ENSEMBLE_UNIVARIATE_GRIDS.get(task.model, grid)
    keys = list(grid)
    points = list(itertools.product(*(grid[k] for k in keys)))
    if len(points) > task.max_fits:
        rng = np.random.default_rng(task.task_seed)
        points = [points[i] for i in sorted(rng.choice(len(points), task.max_fits, replace=False))]
    start = time.perf_counter()
    trials = []
    for pt in points:
        if trials and time.perf_counter() - start >= task.max_seconds:
            break
        params = dict(zip(keys, pt))
        try:
            model = fit_model(factory(seed=task.task_seed, **params), data.train, data.dt)
            val = _validation_crps(model, "native", data, m_tune, None, task.task_seed, scale)
        except MODEL_FAILURES:
            val = math.inf
        trials.append((params, val if math.isfinite(val) else math.inf))
    best = min(trials, key=lambda t: t[1])[0]
    return (lambda: factory(seed=task.task_seed, **best)), best, None, len(trials)


def _tune_perturbed(task: ProbTask, data, scale: np.ndarray, m_tune: int):
    """Tune as ``attractor bench`` does, then choose the perturbation by validation CRPS."""
    from ..forecast.protocol import MODEL_FAILURES, fit_model

    pt = task.point_task
    make, tuned = tune_point_model(task.model, task.variant, pt.task_seed, data, task.max_fits, task.max_seconds,
                                   task.n_origins)
    best = dict(tuned.best_params)
    scores = {}
    try:
        model = fit_model(make(**best), data.train, data.dt)
        for p in PERTURBATIONS:
            try:
                scores[p] = _validation_crps(model, "perturbed", data, m_tune, p, task.task_seed, scale)
            except MODEL_FAILURES:
                scores[p] = math.inf
    except MODEL_FAILURES:
        pass
    pert = min(scores, key=scores.get) if scores and math.isfinite(min(scores.values())) else PERTURBATIONS[1]
    return (lambda: make(**best)), best, pert, tuned.n_fits + 1


def _origins(n_target: int, k: int) -> list[int]:
    """``k`` origins (samples after the end of the context) evenly spaced over the first half of the target."""
    half = max(1, n_target // 2)
    return sorted({int(v) for v in np.linspace(0, half, k, endpoint=False).round()})


# ---------------------------------------------------------------------- one task
def run_prob_task(task: ProbTask) -> list[dict]:
    """Run one probabilistic task; return its tidy rows (BLAS single-threaded inside)."""
    with _one_blas_thread():
        return _run_prob_task(task)


def _run_prob_task(task: ProbTask) -> list[dict]:
    from ..forecast.protocol import MODEL_FAILURES, fit_model, protocol_data
    from ..forecast.reference_ensembles import climatology_ensemble, crps_skill_horizon, persistence_ensemble
    from ..forecast.scores import pit_uniformity_test

    base = {"task": task.key, "system": task.system, "model": task.model, "variant": task.variant,
            "noise": task.noise}
    t0, c0 = time.perf_counter(), time.process_time()
    params = ""
    try:
        pt = task.point_task
        data = protocol_data(task.system, n_train_periods=task.n_train_periods, n_test_periods=task.n_test_periods,
                             points_per_period=task.points_per_period, noise=task.noise,
                             univariate=task.variant == "univariate", seed=_data_seed(pt))
        scale = np.where(data.scale > 0, data.scale, 1.0)
        m = int(task.n_samples)
        target = np.asarray(data.target)
        origins = _origins(target.shape[0], int(task.n_forecast_origins))
        thin = max(1, task.points_per_period // 4)
        # references on the verification pairs (independent of the model)
        ref_c, ref_c_std, ref_p, hists = [], [], [], []
        for o in origins:
            hist = np.vstack([data.context, target[:o]])
            hists.append(hist)
            obs = target[o:]
            clim = climatology_ensemble(data.context, obs.shape[0], REFERENCE_MEMBERS)
            ref_c.append(_crps_by_lead(obs, clim, scale))
            ref_c_std.append(_crps_by_lead(obs, clim, scale, fair=False))
            ref_p.append(_crps_by_lead(obs, persistence_ensemble(data.context, hist[-1], obs.shape[0],
                                                                 REFERENCE_MEMBERS), scale))
        crps_clim = float(np.mean(np.concatenate(ref_c)))
        crps_pers = float(np.mean(np.concatenate(ref_p)))
        kind = "native" if task.model in ENSEMBLE_MODELS else "perturbed"
        m_tune = min(m, 20)
        if kind == "native":
            make, best, pert, n_fits = _tune_native(task, data, scale, m_tune)
        else:
            make, best, pert, n_fits = _tune_perturbed(task, data, scale, m_tune)
        params = json.dumps({**best, **({"perturbation": pert} if pert is not None else {})}, sort_keys=True,
                            default=str)
        failed = 0.0
        model = None
        t_fit = time.perf_counter()
        scores: dict[str, float] = {"crps_climatology": crps_clim, "crps_persistence": crps_pers}
        try:
            model = fit_model(make(), data.context, data.dt)
            fit_seconds = time.perf_counter() - t_fit
            crps_o, crps_o_std, pit_obs, pit_ens = [], [], [], []
            for j, (o, hist) in enumerate(zip(origins, hists)):
                obs = target[o:]
                ens = _ensemble(model, kind, hist, obs.shape[0], m, pert, task.task_seed + 1 + j)
                crps_o.append(_crps_by_lead(obs, ens, scale))
                crps_o_std.append(_crps_by_lead(obs, ens, scale, fair=False))
                pit_obs.append(obs[thin - 1::thin] / scale)
                pit_ens.append(ens[:, thin - 1::thin] / scale)
        except MODEL_FAILURES as exc:
            fit_seconds = time.perf_counter() - t_fit
            failed = 1.0
            params = f"{params} failed: {type(exc).__name__}: {exc}"[:500]
        if not failed:
            crps = float(np.mean(np.concatenate(crps_o)))
            h_common = min(len(c) for c in crps_o)
            sh = crps_skill_horizon(np.array([c[:h_common] for c in crps_o_std]),   # standard CRPS: >= 0
                                    np.array([c[:h_common] for c in ref_c_std]))
            t_skill = sh.n_leads * data.dt
            try:
                pit = pit_uniformity_test(np.concatenate(pit_obs, axis=0), np.concatenate(pit_ens, axis=1),
                                          seed=task.task_seed)
            except ValidationError:   # every member equals every observation: calibration undefined
                nan = float("nan")
                pit = SimpleNamespace(statistic=nan, critical_value=nan, calibrated=False, n=0, spread_skill=nan)
            scores.update({
                "crps": crps, "crps_skill_climatology": 1.0 - crps / crps_clim if crps_clim > 0 else float("nan"),
                "crps_skill_persistence": 1.0 - crps / crps_pers if crps_pers > 0 else float("nan"),
                "skill_horizon_time": t_skill,
                "skill_horizon_lyapunov": t_skill * data.lyapunov if data.lyapunov else float("nan"),
                "skill_horizon_capped": float(sh.lower_bound), "pit_ks": pit.statistic,
                "pit_ks_critical": pit.critical_value, "pit_calibrated": float(pit.calibrated), "pit_n": float(pit.n),
                "spread_skill": pit.spread_skill})
        else:
            scores.update({"crps": math.inf, "crps_skill_climatology": -math.inf, "crps_skill_persistence": -math.inf,
                           "skill_horizon_time": 0.0, "skill_horizon_lyapunov": 0.0, "skill_horizon_capped": 0.0,
                           "pit_ks": float("nan"), "pit_ks_critical": float("nan"), "pit_calibrated": 0.0,
                           "pit_n": 0.0, "spread_skill": float("nan")})
        if task.n_long_periods > 0:
            n_long = int(round(task.n_long_periods * task.points_per_period))
            gen = None
            if not failed:
                gen = _OneMember(model, task.task_seed) if kind == "native" else model
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ReliabilityWarning)
                scores.update(long_run_scores(gen, data, n_long))
        scores.update({"fit_seconds": fit_seconds, "n_fits": float(n_fits), "failed": failed})
    except Exception as exc:  # a failing cell must not stop the benchmark; it is recorded
        scores = {"error": float("nan")}
        params = f"{type(exc).__name__}: {exc}"[:500]
    scores["task_seconds"] = time.perf_counter() - t0
    scores["cpu_seconds"] = time.process_time() - c0
    return [{**base, "metric": k, "value": float(v), "params": params} for k, v in scores.items()]


# ---------------------------------------------------------------------- runner
def run_probabilistic(tasks: Sequence[ProbTask], *, path: str | Path | None = None, resume: bool = True,
                      backend: str = "inprocess", n_workers: int = 2, progress: bool = True,
                      force: bool = False) -> BenchmarkResult:
    """Run probabilistic tasks, write the tidy table (``.csv`` or ``.parquet``) and summarise.

    Parameters
    ----------
    tasks : sequence of ProbTask
    path : str or Path, optional
        Results file, rewritten atomically after every task (a probabilistic cell takes seconds).
    resume : bool
        Skip tasks already complete in ``path``.
    backend : {"inprocess", "processes"}
        A loop, or a local process pool of ``n_workers`` (Dask is for the point track).
    n_workers : int >= 1
    progress : bool
        Rich progress bar on stderr.
    force : bool
        Replace an existing ``path`` that is not a results table (with ``resume=False``).

    Returns
    -------
    BenchmarkResult
        ``summary`` has the median, quartiles and IQR of every metric per model, variant and noise
        level over the systems (e.g. the median CRPS skill against climatology).
    """
    import pandas as pd

    tasks = list(tasks)
    if int(n_workers) < 1:
        raise ValidationError(f"n_workers must be >= 1; got {n_workers}.")
    if backend not in ("inprocess", "processes"):
        raise ValidationError(f"the probabilistic track runs with backend 'inprocess' or 'processes'; got "
                              f"{backend!r}.")
    p = None if path is None else Path(path)
    if p is not None:
        from ..core.output import safe_output_path

        if p.suffix.lower() not in (".csv", ".parquet", ".pq"):
            raise ValidationError(f"results file must end in .csv or .parquet; got {p.name!r}.")
        if resume and force and p.exists():
            raise ValidationError("force=True replaces the results file; use it with resume=False.")
        p = safe_output_path(p, "bench", force=force)
    table = _read(p if resume else None)
    done: set[str] = set()
    if len(table):
        table = table.assign(task=table["task"].astype(str))
        have = table.groupby("task")["metric"].agg(lambda s: set(map(str, s))).to_dict()
        done = {t.key for t in tasks if t.key in have and (prob_expected_metrics(t) <= have[t.key]
                                                            or set(ERROR_METRICS) <= have[t.key])}
        partial = {t.key for t in tasks if t.key in have} - done
        if partial:
            table = table[~table["task"].isin(partial)].reset_index(drop=True)
    todo = [t for t in tasks if t.key not in done]
    start = time.perf_counter()
    records: list[dict] = []

    def current():
        if not records:
            return table
        new = pd.DataFrame(records)
        return pd.concat([table, new], ignore_index=True) if len(table) else new

    def results():
        if backend == "inprocess":
            for t in todo:
                yield t, run_prob_task(t)
            return
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=int(n_workers)) as pool:
            futs = {pool.submit(run_prob_task, t): t for t in todo}
            for f in as_completed(futs):
                yield futs[f], f.result()

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    n_failed = 0
    try:
        with Progress(TextColumn("[bold]bench --probabilistic[/] {task.description}"), BarColumn(),
                      MofNCompleteColumn(), TimeElapsedColumn(), console=Console(stderr=True),
                      disable=not progress) as bar:
            tid = bar.add_task(backend, total=len(tasks), completed=len(tasks) - len(todo))
            for t, rows in results():
                n_failed += any(r["metric"] == "error" for r in rows)
                records.extend(rows)
                if p is not None:
                    _write(current(), p)
                bar.update(tid, advance=1, description=f"{t.system} · {t.model}")
    finally:
        if p is not None and records:
            _write(current(), p)
    full = current()
    keys = {t.key for t in tasks}
    full = full[full["task"].astype(str).isin(keys)].reset_index(drop=True)
    return BenchmarkResult(full, summarize(full), p, len(tasks), len(todo), len(tasks) - len(todo), n_failed,
                           time.perf_counter() - start, backend)
