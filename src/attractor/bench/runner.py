"""Whole-catalogue forecasting benchmark: tasks, one runner, three backends, resumable results.

A *task* is one (system, model, variant, noise) cell: build the protocol data
(:func:`attractor.forecast.protocol_data`: train on 10 periods, tune on the next 2, then refit on
the first 10 periods of a separate trajectory and forecast its last 2, 100 points per period),
tune the model's hyper-parameters within the budget, and score the test forecast. A task is a
pure function of its fields (its seed is derived from its key with CRC-32), so every backend
gives the same numbers.

Results are a tidy table, one row per (task, metric): columns ``task, system, model, variant,
noise, metric, value, params``. Metrics: those of :func:`attractor.forecast.score_forecast`
(``smape`` on the 0–200 scale, ``vpt_lyapunov``, ...), the long-run statistics of a free run
of ``n_long_periods`` periods (:func:`long_run_scores`: ``long_run_kl``,
``long_run_spectrum``, ``long_run_bounded``), ``failed`` (1 when the tuned model
failed or diverged on the test data: it is then scored as a non-finite forecast, sMAPE 200),
``n_fits``, ``fit_seconds``, ``task_seconds`` (wall) and ``cpu_seconds`` (CPU time of the task;
BLAS is single-threaded inside a task). The file (``.csv`` or ``.parquet``) is rewritten
atomically every few seconds and when the run ends or is interrupted, and ``resume=True``
skips the tasks already in it.

Every model of a (system, noise, seed) cell sees the same data: the trajectories are drawn
with a seed derived from those fields only; the model's own seed (reservoir, landmarks, grid
sampling) comes from the full task key.

Backends: ``"inprocess"`` (a loop), ``"processes"`` (``concurrent.futures`` process pool) and
``"dask"`` (``dask.distributed``; ``scheduler="local"`` starts a loopback ``LocalCluster``,
``"tcp://host:port"`` connects to a running scheduler, or pass a ``distributed.Client``). On Dask
each task is submitted with ``retries`` and runs with ``pure=False``; a task on a worker that dies
is rescheduled by the scheduler, and results already gathered are already on disk.
"""
from __future__ import annotations

import contextlib
import json
import math
import time
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from ..core.errors import AttractorError, ValidationError

__all__ = ["Task", "MODELS", "NEURAL_MODELS", "resolve_models", "make_tasks", "run_task", "run_benchmark", "BenchmarkResult", "summarize",
           "SchedulerUnavailableError", "default_systems", "long_run_scores", "expected_metrics"]


class SchedulerUnavailableError(AttractorError, ConnectionError):
    """The Dask scheduler address did not answer within the timeout."""


# ---------------------------------------------------------------------- model registry
def _esn(**kw):
    from ..learn.reservoir import ESN

    kw.setdefault("n_reservoir", 300)
    return ESN(**kw)


def _ngrc(**kw):
    from ..learn.reservoir import NGRC

    kw.setdefault("max_features", 2000)
    return NGRC(**kw)


def _kernel(**kw):
    from ..learn.kernel_flows import KernelFlows

    kw.setdefault("n_iter", 30)
    kw.setdefault("n_landmarks", 2000)   # every training pair (1000 in the protocol): exact kernel ridge
    return KernelFlows(**kw)


def _sindy(**kw):
    from ..forecast.protocol import SINDyForecaster

    kw.setdefault("max_features", 120)
    return SINDyForecaster(**kw)


def _dmd(**kw):
    from ..learn.dmd import HankelDMD

    return HankelDMD(**kw)


def _linear_ar(**kw):
    from ..forecast.protocol import LinearAR

    return LinearAR(**kw)


def _persistence(**kw):
    from ..forecast.protocol import Persistence

    return Persistence()


def _mean(**kw):
    from ..forecast.protocol import MeanForecast

    return MeanForecast()


# name -> (factory, tuning grid). Delay models (ngrc, kernel, dmd) span windows of up to about half
# a period (100 samples per period in the protocol) so that univariate series can be embedded. NGRC
# and SINDy settings whose feature count exceeds a cap (2000 / 120; reached only by the
# high-dimensional flows) are skipped by the tuner, which keeps every task within seconds.
MODELS: dict[str, tuple[Callable[..., Any], dict[str, list]]] = {
    "ngrc": (_ngrc, {"delays": [1, 2, 3, 4], "stride": [1, 2, 4], "ridge": [1e-8, 1e-6, 1e-4, 1e-2],
                     "degree": [2, 3]}),
    "esn": (_esn, {"spectral_radius": [0.5, 0.9, 1.2], "ridge": [1e-8, 1e-6, 1e-4],
                   "input_scaling": [0.1, 0.5, 1.0], "leak_rate": [0.5, 1.0]}),
    "kernel": (_kernel, {"delays": [4, 6, 8], "stride": [4, 6, 8], "kernel": ["rbf", "matern52"]}),
    "sindy": (_sindy, {"degree": [2, 3], "weak": [False, True]}),
    "dmd": (_dmd, {"delays": [10, 25, 50, 100], "rank": [None, 12]}),
    "linear_ar": (_linear_ar, {"order": [1, 2, 5, 10, 20], "ridge": [0.0, 1e-6]}),
    "persistence": (_persistence, {}),
    "mean": (_mean, {}),
}

# Neural learners (attractor.learn.neural, JAX): registered when the ``neural`` extra is installed
# (checked without importing JAX). CPU-sized: small networks, few epochs, grids of 4 settings.
def _node(**kw):
    from ..learn.neural import NeuralODE

    kw.setdefault("width", 64)
    kw.setdefault("depth", 3)
    kw.setdefault("warm_epochs", 400)
    kw.setdefault("batch_size", 64)
    return NeuralODE(**kw)


def _recurrent(name):
    def make(**kw):
        from ..learn import neural

        kw.setdefault("hidden_size", 64)
        kw.setdefault("epochs", 300)
        kw.setdefault("window", 50)
        kw.setdefault("washout", 10)
        return getattr(neural, name)(**kw)

    return make


def _neural_extra_installed() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("jax", "equinox", "diffrax", "optax"))


#: the neural learners: slow to train (seconds per fit), so ``--models all`` leaves them out; name them
#: explicitly (``--models node,gru``) or use ``--models neural``.
NEURAL_MODELS = ("node", "gru", "lipschitz_rnn", "noisy_rnn")

if _neural_extra_installed():
    MODELS.update({
        "node": (_node, {"width": [32, 64], "epochs": [0, 5]}),
        "gru": (_recurrent("GRU"), {"hidden_size": [32, 64], "learning_rate": [3e-3, 1e-2]}),
        "lipschitz_rnn": (_recurrent("LipschitzRNN"), {"eps": [0.5, 1.0], "learning_rate": [3e-3, 1e-2]}),
        "noisy_rnn": (_recurrent("NoisyRNN"), {"eps": [0.5, 1.0], "sigma_add": [0.01, 0.05]}),
    })


def resolve_models(spec: str) -> list[str]:
    """Model names from a ``--models`` value: comma-separated names, ``"all"`` (the classical
    learners, without the slow neural ones) or ``"neural"`` (the neural learners; needs the extra)."""
    key = spec.strip().lower()
    if key == "all":
        return [m for m in MODELS if m not in NEURAL_MODELS]
    if key == "neural":
        names = [m for m in NEURAL_MODELS if m in MODELS]
        if not names:
            raise ValidationError('the neural models need the extra: pip install "attractor[neural]".')
        return names
    return [m.strip() for m in spec.split(",") if m.strip()]


#: tuning grids that replace a model's own on univariate series. SINDy of a single observed channel
#: is a one-dimensional ODE, which cannot oscillate; on delay coordinates it can (SINDyForecaster).
UNIVARIATE_GRIDS: dict[str, dict[str, list]] = {
    "sindy": {"degree": [2, 3], "weak": [False, True], "delays": [3, 4], "stride": [5, 8]},
}

#: models whose factory takes a ``seed`` (the task's seed is passed)
SEEDED_MODELS = ("esn", "kernel", "node", "gru", "lipschitz_rnn", "noisy_rnn")

#: Mean CPU seconds of a task per (model, variant), from a full run of
#: ``benchmarks/bench_forecast.py`` (2026-11-23, seed 0). The parallel backends start the most
#: expensive tasks first (longest-processing-time-first scheduling), so a run ends on short tasks
#: and no worker idles while another finishes a long one.
EXPECTED_CPU_SECONDS = {
    "multivariate": {"kernel": 1.3, "esn": 0.52, "ngrc": 0.44, "dmd": 0.39, "sindy": 0.36, "linear_ar": 0.09,
                     "persistence": 0.03, "mean": 0.03},
    "univariate": {"kernel": 1.12, "esn": 0.51, "ngrc": 0.25, "dmd": 0.09, "sindy": 0.63, "linear_ar": 0.08,
                   "persistence": 0.02, "mean": 0.02},
}


def _expected_cost(task: "Task") -> float:
    """Relative cost of a task, for ordering only (never affects results)."""
    return EXPECTED_CPU_SECONDS[task.variant].get(task.model, 1.0) * task.max_fits * task.points_per_period * \
        (task.n_train_periods + task.n_test_periods)


def default_systems() -> list[str]:
    """Every flow in the catalogue (names), sorted."""
    from ..systems import names

    return sorted(names(kind="flow"))


# ---------------------------------------------------------------------- tasks
@dataclass(frozen=True)
class Task:
    """One benchmark cell; every field is part of its identity (``key``)."""

    system: str
    model: str
    variant: str = "multivariate"      # or "univariate" (first channel only)
    noise: float = 0.0                 # noise std as a fraction of each channel's std
    seed: int = 0
    n_train_periods: float = 10
    n_test_periods: float = 2
    points_per_period: int = 100
    max_fits: int = 12
    max_seconds: float = 60.0
    n_origins: int = 2                 # extra in-sample forecast windows in the tuning score (tune())
    n_long_periods: float = 20         # free run scored on long-run statistics (0: skip)

    @property
    def key(self) -> str:
        return (f"{self.system}|{self.model}|{self.variant}|{self.noise:g}|{self.seed}|"
                f"{self.n_train_periods:g}|{self.n_test_periods:g}|{self.points_per_period}|{self.max_fits}|"
                f"{self.n_origins}|{self.n_long_periods:g}")

    @property
    def task_seed(self) -> int:
        return zlib.crc32(self.key.encode()) & 0x7FFFFFFF


def make_tasks(systems: Sequence[str] | None = None, models: Sequence[str] = ("ngrc", "esn", "linear_ar"),
               variants: Sequence[str] = ("multivariate",), noises: Sequence[float] = (0.0,),
               **settings: Any) -> list[Task]:
    """The cross product of systems × models × variants × noise levels, validated."""
    systems = list(default_systems() if systems is None else systems)
    for m in models:
        if m not in MODELS:
            raise ValidationError(f"unknown model {m!r}; available: {', '.join(MODELS)}.")
    for v in variants:
        if v not in ("multivariate", "univariate"):
            raise ValidationError(f"variant must be 'multivariate' or 'univariate'; got {v!r}.")
    for nz in noises:
        if not (float(nz) >= 0 and math.isfinite(float(nz))):
            raise ValidationError(f"noise levels must be finite and >= 0; got {nz!r}.")
    from ..core.validation import check_positive_float, check_positive_int
    from ..systems import system as _system

    if "n_origins" in settings:
        settings["n_origins"] = check_positive_int(settings["n_origins"], "n_origins", minimum=0)
    if "max_fits" in settings:
        settings["max_fits"] = check_positive_int(settings["max_fits"], "max_fits")
    if "n_long_periods" in settings:
        settings["n_long_periods"] = check_positive_float(settings["n_long_periods"], "n_long_periods",
                                                          allow_zero=True)
    canon = []
    for s in systems:
        canon.append(_system(s).name)   # raises UnknownSystemError with suggestions
    return [Task(s, m, v, float(nz), **settings) for s in canon for m in models for v in variants for nz in noises]


def _one_blas_thread():
    """Context limiting BLAS/OpenMP pools to one thread (tasks are small; the backend parallelises)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1)


def run_task(task: Task) -> list[dict]:
    """Run one task; return its tidy rows.

    The data depend on the system, noise level, protocol settings and ``seed`` only (not on the
    model or variant), so every model is scored on the same trajectories and noise. A model
    that fails on the test data (singular fit, diverging forecast, too little data for the
    tuned settings) is scored as a non-finite forecast (sMAPE 200, zero valid time) with
    metric ``failed`` = 1 and the reason in ``params``; anything else (e.g. the data could not
    be generated) becomes a row with metric ``error``. BLAS runs single-threaded inside a task.
    """
    with _one_blas_thread():
        return _run_task(task)


def _data_seed(task: Task) -> int:
    key = (f"{task.system}|{task.noise:g}|{task.seed}|{task.n_train_periods:g}|{task.n_test_periods:g}|"
           f"{task.points_per_period}")
    return zlib.crc32(key.encode()) & 0x7FFFFFFF


def tune_point_model(model: str, variant: str, seed: int, data, max_fits: int, max_seconds: float,
                     n_origins: int):
    """The model's factory (seeded where the model is random) and its tuning on the protocol's
    validation block, as every ``attractor bench`` task does it (shared by the probabilistic track).

    Returns
    -------
    make : callable
        ``make(**params)`` builds the model.
    tuned : TuneResult
    """
    from ..forecast.protocol import tune

    factory, grid = MODELS[model]
    if variant == "univariate":
        grid = UNIVARIATE_GRIDS.get(model, grid)
    extra = {"seed": seed} if model in SEEDED_MODELS else {}

    def make(**p):
        return factory(**extra, **p)

    tuned = tune(make, grid, data.train, data.validation, dt=data.dt, max_fits=max_fits,
                 max_seconds=max_seconds, seed=seed, n_origins=n_origins)
    return make, tuned


def _run_task(task: Task) -> list[dict]:
    from ..forecast.metrics import score_forecast
    from ..forecast.protocol import MODEL_FAILURES, fit_model, forecast, protocol_data

    base = {"task": task.key, "system": task.system, "model": task.model, "variant": task.variant,
            "noise": task.noise}
    t0 = time.perf_counter()
    c0 = time.process_time()
    try:
        data = protocol_data(task.system, n_train_periods=task.n_train_periods, n_test_periods=task.n_test_periods,
                             points_per_period=task.points_per_period, noise=task.noise,
                             univariate=task.variant == "univariate", seed=_data_seed(task))
        make, tuned = tune_point_model(task.model, task.variant, task.task_seed, data, task.max_fits,
                                       task.max_seconds, task.n_origins)
        params = json.dumps(tuned.best_params, sort_keys=True, default=str)
        t_fit = time.perf_counter()
        failed = 0.0
        model = None
        try:
            model = fit_model(make(**tuned.best_params), data.context, data.dt)
            fit_seconds = time.perf_counter() - t_fit
            pred = forecast(model, data.context, len(data.target))
        except MODEL_FAILURES as exc:
            fit_seconds = time.perf_counter() - t_fit
            pred = np.full(data.target.shape, np.nan)
            failed = 1.0
            params = f"{params} failed: {type(exc).__name__}: {exc}"[:500]
        failed = max(failed, float(not np.all(np.isfinite(pred))))
        scores = score_forecast(data.target, pred, dt=data.dt, lyapunov_exponent=data.lyapunov, scale=data.scale)
        if task.n_long_periods > 0:
            n_long = int(round(task.n_long_periods * task.points_per_period))
            scores.update(long_run_scores(model if not failed else None, data, n_long))
        scores["fit_seconds"] = fit_seconds
        scores["n_fits"] = float(tuned.n_fits)
        scores["failed"] = failed
    except Exception as exc:  # a failing cell must not stop the benchmark; it is recorded
        scores = {"error": float("nan")}
        params = f"{type(exc).__name__}: {exc}"[:500]
    scores["task_seconds"] = time.perf_counter() - t0
    scores["cpu_seconds"] = time.process_time() - c0
    return [{**base, "metric": k, "value": float(v), "params": params} for k, v in scores.items()]


#: channels of the joint state-space histogram in ``long_run_kl`` (a histogram in more
#: dimensions has too few samples per bin to estimate a density from 2400 points)
LONG_RUN_KL_CHANNELS = 3
#: trust-region factor of the divergence guard that ``long_run_guard`` reports
LONG_RUN_GUARD_K = 3.0


def long_run_scores(model, data, n_steps: int) -> dict[str, float]:
    """Long-run (climate) statistics of a free run of ``model`` from the end of the test context.

    A forecast can match the next two periods and still have the wrong attractor, so the
    fitted model also runs ``n_steps`` samples on its own and is compared with the data's
    invariant measure and spectrum, as Pathak, Lu, Hunt, Girvan & Ott (2017, Chaos 27, 121102)
    judge a learned model by the "climate" of the trajectories it generates:

    * ``long_run_kl`` — :func:`~attractor.forecast.metrics.state_space_kl` (histogram, nats)
      of the reference samples (``train``, ``validation``, ``context`` and ``target``: 24
      periods from two stretches of the attractor) against the free run, on the first
      ``LONG_RUN_KL_CHANNELS`` channels; 0 for the same distribution;
    * ``long_run_spectrum`` — :func:`~attractor.forecast.metrics.power_spectrum_distance`
      (Hellinger, 0–1) of the test trajectory (``context`` + ``target``) against the free run;
    * ``long_run_bounded`` — 1 when the free run stayed finite, else 0 (and the KL is ``inf``,
      the spectrum distance 1). ``model=None`` (the model failed) counts as unbounded.
    * ``long_run_guard`` — 1 when :class:`~attractor.forecast.DivergenceGuard` (``k =
      LONG_RUN_GUARD_K`` half-ranges of the context) would have stopped the free run: it left that
      trust region or went non-finite (a finite run far off the attractor is still "bounded"
      above, so the two are reported separately); 1 when the model failed.

    With noisy data the reference is noisy too (the model sees nothing cleaner).
    """
    from ..forecast.metrics import power_spectrum_distance, state_space_kl
    from ..forecast.protocol import MODEL_FAILURES, forecast

    run = None
    if model is not None:
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                run = np.asarray(forecast(model, data.context, n_steps), dtype=float)
        except MODEL_FAILURES:
            run = None
    if run is None or not np.all(np.isfinite(run)):
        return {"long_run_kl": float("inf"), "long_run_spectrum": 1.0, "long_run_bounded": 0.0,
                "long_run_guard": 1.0}
    from ..forecast.guard import DivergenceGuard
    guard = float(DivergenceGuard(k=LONG_RUN_GUARD_K, warn=False).fit(data.context).check(run).triggered)
    k = LONG_RUN_KL_CHANNELS
    ref = np.vstack([data.train, data.validation, data.context, data.target])
    test = np.vstack([data.context, data.target])
    return {"long_run_kl": state_space_kl(ref[:, :k], run[:, :k]),
            "long_run_spectrum": power_spectrum_distance(test, run), "long_run_bounded": 1.0,
            "long_run_guard": guard}


# ---------------------------------------------------------------------- results file
#: metric rows of a task that ran to the end (see :func:`expected_metrics`)
SCORE_METRICS = ("rmse", "nrmse", "mae", "smape", "vpt_time", "vpt_lyapunov", "spectrum_hellinger")
LONG_RUN_METRICS = ("long_run_kl", "long_run_spectrum", "long_run_bounded", "long_run_guard")
BOOKKEEPING_METRICS = ("fit_seconds", "n_fits", "failed", "task_seconds", "cpu_seconds")
#: metric rows of a task whose data or tuning raised (recorded, not retried)
ERROR_METRICS = ("error", "task_seconds", "cpu_seconds")


def expected_metrics(task: Task) -> frozenset[str]:
    """The metric rows a finished task writes (an errored task writes :data:`ERROR_METRICS`)."""
    return frozenset(SCORE_METRICS + (LONG_RUN_METRICS if task.n_long_periods > 0 else ()) + BOOKKEEPING_METRICS)


def _complete(task: Task, metrics: set[str]) -> bool:
    return expected_metrics(task) <= metrics or set(ERROR_METRICS) <= metrics


def _read(path: Path | None):
    import pandas as pd

    from ..core.output import BENCH_COLUMNS

    if path is None or not path.exists():
        return pd.DataFrame(columns=list(BENCH_COLUMNS))
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            df = pd.read_parquet(path)
        else:
            df = pd.read_csv(path, keep_default_na=False, na_values=[""])
    except Exception as exc:
        raise ValidationError(f"{str(path)!r} is not a readable benchmark results table ({type(exc).__name__}: "
                              f"{exc}); choose another --out path.") from None
    missing = [c for c in BENCH_COLUMNS if c not in df.columns]
    if missing:
        raise ValidationError(f"{str(path)!r} is not a benchmark results table (no column(s) {missing}); choose "
                              "another --out path, or --no-resume --force to replace it.")
    return df


def _write(df, path: Path) -> None:
    import io

    from ..core.output import atomic_write_bytes, atomic_write_text

    if path.suffix.lower() in (".parquet", ".pq"):
        buf = io.BytesIO()
        df.to_parquet(buf, index=False)
        atomic_write_bytes(path, buf.getvalue())
    else:
        atomic_write_text(path, df.to_csv(index=False))


def summarize(table) -> "Any":
    """Median, quartiles and IQR of every metric per model, variant and noise level (pandas DataFrame)."""
    import pandas as pd

    df = table[table["metric"] != "error"]
    if df.empty:
        return pd.DataFrame(columns=["model", "variant", "noise", "metric", "median", "q25", "q75", "iqr", "n"])
    g = df.groupby(["model", "variant", "noise", "metric"])["value"]
    out = pd.DataFrame({"median": g.median(), "q25": g.quantile(0.25), "q75": g.quantile(0.75), "n": g.size()})
    out["iqr"] = out["q75"] - out["q25"]
    return out.reset_index()[["model", "variant", "noise", "metric", "median", "q25", "q75", "iqr", "n"]]


@dataclass(frozen=True)
class BenchmarkResult:
    """Tidy results, their summary, and what this run did."""

    table: Any = field(repr=False)      # pandas DataFrame, one row per (task, metric)
    summary: Any = field(repr=False)    # pandas DataFrame from summarize()
    path: Path | None
    n_tasks: int
    n_run: int
    n_resumed: int
    n_failed: int
    seconds: float
    backend: str


# ---------------------------------------------------------------------- backends
def _dask_client(scheduler, n_workers: int, timeout: float):
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ValidationError("the Dask backend needs dask[distributed]; pip install 'dask[distributed]'.") from exc
    if not isinstance(scheduler, str):
        return scheduler, None, False                      # a Client given by the caller
    if scheduler == "local":
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None)
        return Client(cluster), cluster, True
    if not scheduler.startswith(("tcp://", "tls://", "inproc://", "ws://", "wss://")):
        raise ValidationError(f"scheduler must be 'local' or an address like tcp://host:8786; got {scheduler!r}.")
    try:
        client = Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise SchedulerUnavailableError(f"the Dask scheduler at {scheduler} did not answer within {timeout:g} s "
                                        f"({type(exc).__name__}). Is it running and reachable?") from None
    return client, None, True


def _iterate_backend(tasks: list[Task], backend: str, n_workers: int, scheduler, retries: int,
                     timeout: float) -> Iterable[tuple[Task, list[dict]]]:
    if backend == "inprocess":
        for t in tasks:
            yield t, run_task(t)
        return
    tasks = sorted(tasks, key=_expected_cost, reverse=True)   # stable: ties keep their order
    if backend == "processes":
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=n_workers) as pool:
            futs = {pool.submit(run_task, t): t for t in tasks}
            for f in as_completed(futs):
                yield futs[f], f.result()
        return
    if backend == "dask":
        from distributed import as_completed

        client, cluster, owned = _dask_client(scheduler, n_workers, timeout)
        try:
            futs = {}
            for t in tasks:
                f = client.submit(run_task, t, key=f"attractor-bench-{zlib.crc32(t.key.encode()):08x}-{t.task_seed}",
                                  retries=retries, pure=False)
                futs[f.key] = (f, t)
            for f in as_completed([v[0] for v in futs.values()]):
                yield futs[f.key][1], f.result()
        finally:
            if owned:
                client.close()
            if cluster is not None:
                cluster.close()
        return
    raise ValidationError(f"backend must be 'inprocess', 'processes' or 'dask'; got {backend!r}.")


def run_benchmark(tasks: Sequence[Task], *, path: str | Path | None = None, resume: bool = True,
                  backend: str = "inprocess", n_workers: int = 2, scheduler: Any = "local", retries: int = 2,
                  timeout: float = 10.0, progress: bool = True,
                  on_result: Callable[[Task, list[dict]], None] | None = None,
                  save_every: float = 5.0, force: bool = False) -> BenchmarkResult:
    """Run ``tasks`` on a backend, saving results after each one, and summarise.

    Parameters
    ----------
    tasks : sequence of Task
    path : str or Path, optional
        Results file (``.csv`` or ``.parquet``), rewritten atomically (write, then rename) at most
        every ``save_every`` seconds while tasks finish, and once more at the end or when the run
        is interrupted (so no finished task is lost unless the process itself is killed).
    resume : bool
        Skip tasks already complete in ``path`` (every row of :func:`expected_metrics`, or an
        ``error`` row); a task with only some of its rows is recomputed. A ``path`` that is not a
        results table raises :class:`ValidationError`.
    backend : {"inprocess", "processes", "dask"}
    n_workers : int
        Processes (``processes``) or workers of a LocalCluster (``dask`` with ``scheduler="local"``).
    scheduler : "local", "tcp://host:port" or a distributed.Client
    retries : int
        Dask retries per task (a worker dying mid-task also triggers rescheduling).
    timeout : float
        Seconds to wait for a remote scheduler to answer before :class:`SchedulerUnavailableError`.
    progress : bool
        Show a Rich progress bar (on stderr).
    on_result : callable, optional
        Called as ``on_result(task, rows)`` after each task is recorded.
    save_every : float >= 0
        Seconds between rewrites of ``path`` (0: after every task). Rewriting the whole table
        after each of thousands of tasks costs quadratic time (minutes for the full catalogue).
    force : bool
        Replace an existing ``path`` that is not a results table (only with ``resume=False``);
        see :func:`attractor.core.output.safe_output_path`.
    """
    import pandas as pd

    tasks = list(tasks)
    n_workers = int(n_workers)
    if n_workers < 1:
        raise ValidationError(f"n_workers must be >= 1; got {n_workers}.")
    p = None if path is None else Path(path)
    if p is not None and p.suffix.lower() not in (".csv", ".parquet", ".pq"):
        raise ValidationError(f"results file must end in .csv or .parquet; got {p.name!r}.")
    if p is not None:
        from ..core.output import safe_output_path

        if resume and force and p.exists():
            raise ValidationError("force=True replaces the results file; use it with resume=False.")
        p = safe_output_path(p, "bench", force=force)
    table = _read(p if resume else None)
    done: set[str] = set()
    if len(table):
        table = table.assign(task=table["task"].astype(str))
        have = table.groupby("task")["metric"].agg(lambda m: set(map(str, m))).to_dict()
        done = {t.key for t in tasks if t.key in have and _complete(t, have[t.key])}
        partial = {t.key for t in tasks if t.key in have} - done
        if partial:  # a task cut off mid-way (or written by an older version): recompute it whole
            table = table[~table["task"].isin(partial)].reset_index(drop=True)
    todo = [t for t in tasks if t.key not in done]
    n_resumed = len(tasks) - len(todo)
    save_every = float(save_every)
    if not save_every >= 0:
        raise ValidationError(f"save_every must be >= 0 seconds; got {save_every!r}.")
    start = time.perf_counter()
    records: list[dict] = []

    def current():
        if not records:
            return table
        new = pd.DataFrame(records)
        return pd.concat([table, new], ignore_index=True) if len(table) else new

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    n_failed = 0
    last_save, unsaved = time.perf_counter(), False
    try:
        with Progress(TextColumn("[bold]bench[/] {task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=Console(stderr=True), disable=not progress,
                      transient=False) as bar:
            tid = bar.add_task(backend, total=len(tasks), completed=n_resumed)
            for t, rows in _iterate_backend(todo, backend, n_workers, scheduler, int(retries), float(timeout)):
                n_failed += any(r["metric"] == "error" for r in rows)
                records.extend(rows)
                unsaved = True
                if p is not None and time.perf_counter() - last_save >= save_every:
                    _write(current(), p)
                    last_save, unsaved = time.perf_counter(), False
                if on_result is not None:
                    on_result(t, rows)
                bar.update(tid, advance=1, description=f"{t.system} · {t.model}")
    finally:   # also when the run is interrupted: keep every finished task
        if p is not None and unsaved:
            _write(current(), p)
    full = current()
    keys = {t.key for t in tasks}
    full = full[full["task"].astype(str).isin(keys)].reset_index(drop=True)
    return BenchmarkResult(full, summarize(full), p, len(tasks), len(todo), n_resumed, n_failed,
                           time.perf_counter() - start, backend)
