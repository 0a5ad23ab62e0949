"""attractor bench: runner, resume, backends (in-process, Dask LocalCluster), worker failure, CLI."""
import os
import signal
import threading

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from attractor.bench import SchedulerUnavailableError, make_tasks, run_benchmark, summarize
from attractor.core.errors import UnknownSystemError, ValidationError

SETTINGS = dict(n_train_periods=5, n_test_periods=1, points_per_period=50, max_fits=3)


@pytest.fixture(scope="module")
def tasks():
    return make_tasks(["lorenz", "rossler"], ["ngrc", "linear_ar"], **SETTINGS)


@pytest.fixture(scope="module")
def inprocess(tasks, tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "res.csv"
    return run_benchmark(tasks, path=path, progress=False)


def _values(table):
    t = table[~table["metric"].isin(["fit_seconds", "task_seconds", "cpu_seconds"])]
    return t.set_index(["task", "metric"])["value"].sort_index()


def test_inprocess_table_summary_and_resume(tasks, inprocess):
    res = inprocess
    assert res.n_tasks == 4 and res.n_run == 4 and res.n_failed == 0
    smape = res.table[res.table.metric == "smape"]
    assert len(smape) == 4 and smape["value"].between(0, 200).all()
    # NGRC forecasts these clean flows far better than the linear baseline
    med = res.summary.set_index(["model", "metric"])["median"]
    assert med[("ngrc", "smape")] < med[("linear_ar", "smape")]
    assert {"median", "q25", "q75", "iqr", "n"} <= set(res.summary.columns)
    # resume: nothing re-run, same table
    again = run_benchmark(tasks, path=res.path, progress=False)
    assert again.n_run == 0 and again.n_resumed == 4
    pd.testing.assert_series_equal(_values(again.table), _values(res.table))
    # partial file: drop one task, only it is re-run
    df = pd.read_csv(res.path)
    df[df.task != tasks[0].key].to_csv(res.path, index=False)
    part = run_benchmark(tasks, path=res.path, progress=False)
    assert part.n_run == 1 and part.n_resumed == 3
    pd.testing.assert_series_equal(_values(part.table), _values(res.table))


def test_dask_local_cluster_equals_inprocess_and_survives_a_killed_worker(tasks, inprocess, tmp_path):
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    killed = []
    lock = threading.Lock()

    def kill_one_busy_worker(task, rows):
        with lock:
            if killed:
                return
            busy = [w for w, keys in client.processing().items() if keys]
            if not busy:
                return
            pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    try:
        path = tmp_path / "dask.parquet"
        res = run_benchmark(tasks, path=path, backend="dask", scheduler=client, progress=False, retries=2,
                            on_result=kill_one_busy_worker)
    finally:
        client.close()
        cluster.close()
    assert res.n_run == 4 and res.n_failed == 0
    assert set(pd.read_parquet(path)["task"]) == {t.key for t in tasks}   # nothing finished was lost
    pd.testing.assert_series_equal(_values(res.table), _values(inprocess.table), check_exact=False, rtol=1e-9)


def test_unreachable_scheduler_fails_fast_with_clear_error(tasks):
    pytest.importorskip("distributed")
    import time

    t0 = time.perf_counter()
    with pytest.raises(SchedulerUnavailableError, match="did not answer within 2 s"):
        run_benchmark(tasks[:1], backend="dask", scheduler="tcp://127.0.0.1:9", timeout=2, progress=False)
    assert time.perf_counter() - t0 < 30


def test_bad_input(tasks):
    with pytest.raises(ValidationError, match="unknown model"):
        make_tasks(["lorenz"], ["gpt"])
    with pytest.raises(UnknownSystemError):
        make_tasks(["lorenzz"], ["ngrc"])
    with pytest.raises(ValidationError, match="backend"):
        run_benchmark(tasks[:1], backend="threads", progress=False)
    with pytest.raises(ValidationError, match=".csv or .parquet"):
        run_benchmark(tasks[:1], path="x.txt", progress=False)
    with pytest.raises(ValidationError, match="scheduler must be"):
        run_benchmark(tasks[:1], backend="dask", scheduler="localhost:8786", progress=False)


def test_every_learner_is_registered_and_runs():
    """Issue #7: every learner of the toolkit is in the benchmark. SINDy recovers Lorenz, so its
    two-period forecast is near perfect (obtained sMAPE ~0.1); the Hankel-DMD runs too."""
    from attractor.bench import MODELS, run_task

    assert {"ngrc", "esn", "kernel", "sindy", "dmd", "linear_ar", "persistence", "mean"} <= set(MODELS)
    rows = {m: {r["metric"]: r["value"] for r in run_task(t)}
            for m, t in zip(("sindy", "dmd"), make_tasks(["lorenz"], ["sindy", "dmd"], **SETTINGS))}
    assert rows["sindy"]["smape"] < 5 and rows["sindy"]["failed"] == 0
    assert 0 <= rows["dmd"]["smape"] <= 200 and rows["dmd"]["cpu_seconds"] > 0
    assert "error" not in rows["dmd"]


def test_univariate_sindy_is_tuned_on_delay_coordinates(monkeypatch):
    """On one observed channel SINDy is tuned over delay embeddings (UNIVARIATE_GRIDS). Lorenz x
    under the full protocol: the tuned delay model stays valid 0.75 Lyapunov times (sMAPE 96.8),
    SINDy of x alone, a one-dimensional ODE that cannot oscillate, 0.05 (sMAPE 144)."""
    import json

    from attractor.bench import run_task, runner

    task = make_tasks(["lorenz"], ["sindy"], variants=["univariate"], n_long_periods=0)[0]
    rows = {r["metric"]: r for r in run_task(task)}
    params = json.loads(rows["smape"]["params"])
    assert params["delays"] in runner.UNIVARIATE_GRIDS["sindy"]["delays"]
    assert rows["failed"]["value"] == 0 and rows["vpt_lyapunov"]["value"] > 0.5 and rows["smape"]["value"] < 120
    monkeypatch.setitem(runner.UNIVARIATE_GRIDS, "sindy", runner.MODELS["sindy"][1])  # no delays
    one = {r["metric"]: r["value"] for r in run_task(task)}
    assert one["vpt_lyapunov"] < 0.2 and one["smape"] > 120


def test_long_run_statistics_separate_the_right_attractor_from_a_constant():
    """A free run of the true system from the end of the test context has the data's invariant
    measure: its KL divergence is at the level of two finite samples of the same density (well
    below 1 nat) and far below that of a constant (persistence, ~10 nats: almost all of the
    reference mass is in bins the constant never visits); a diverging model is unbounded."""
    import attractor
    from attractor.bench import long_run_scores
    from attractor.forecast import Persistence, protocol_data

    lorenz = attractor.system("lorenz")
    data = protocol_data("lorenz", seed=3)

    class Truth:
        def forecast(self, history, horizon):
            return lorenz.trajectory(horizon + 1, dt=data.dt, x0=history[-1]).x[1:]

    class Blows:
        def forecast(self, history, horizon):
            return np.full((horizon, history.shape[1]), np.inf)

    true = long_run_scores(Truth(), data, 2000)
    const = long_run_scores(Persistence().fit(data.context), data, 2000)
    assert true["long_run_bounded"] == 1 and true["long_run_kl"] < 1.0 and true["long_run_spectrum"] < 0.35
    assert const["long_run_kl"] > 5 and const["long_run_spectrum"] > 0.6
    bad = long_run_scores(Blows(), data, 2000)
    assert bad == {"long_run_kl": np.inf, "long_run_spectrum": 1.0, "long_run_bounded": 0.0, "long_run_guard": 1.0}
    assert long_run_scores(None, data, 100)["long_run_bounded"] == 0.0
    assert true["long_run_guard"] == 0.0 and const["long_run_guard"] == 0.0

    class Escapes:        # finite, so "bounded", but it leaves the attractor linearly: the guard fires
        def forecast(self, history, horizon):
            return history[-1] + np.arange(1, horizon + 1)[:, None] * np.ptp(history, axis=0)

    esc = long_run_scores(Escapes(), data, 200)
    assert esc["long_run_bounded"] == 1.0 and esc["long_run_guard"] == 1.0


def test_models_share_the_data_and_failures_score_as_worst(monkeypatch):
    """Every model of a (system, noise, seed) cell sees the same trajectories; a model that fails
    on the test data is scored as a non-finite forecast (sMAPE 200, failed = 1), not dropped."""
    from attractor.bench import runner
    from attractor.core.errors import DivergenceError
    from attractor.forecast import Persistence

    class Diverges(Persistence):
        def forecast(self, history, horizon):
            raise DivergenceError("the learned flow blew up")

    monkeypatch.setitem(runner.MODELS, "diverges", (lambda **kw: Diverges(), {}))
    a, b = make_tasks(["lorenz"], ["persistence", "diverges"], ["univariate", "multivariate"], **SETTINGS)[::3]
    assert runner._data_seed(a) == runner._data_seed(b) and a.task_seed != b.task_seed
    rows = runner.run_task(b)
    vals = {r["metric"]: r["value"] for r in rows}
    assert vals["smape"] == 200.0 and vals["failed"] == 1.0 and vals["vpt_lyapunov"] == 0.0
    assert vals["long_run_bounded"] == 0.0 and vals["long_run_kl"] == np.inf
    assert "DivergenceError" in rows[0]["params"]


def test_interrupted_run_keeps_finished_tasks(tmp_path):
    """Results are saved at most every save_every seconds, and once more when the run stops."""
    tasks = make_tasks(["lorenz", "rossler", "chen"], ["persistence"], **SETTINGS)
    path = tmp_path / "r.csv"
    seen = []

    def stop_after_two(task, rows):
        seen.append(task.key)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_benchmark(tasks, path=path, progress=False, save_every=3600, on_result=stop_after_two)
    assert set(pd.read_csv(path)["task"]) == set(seen)
    res = run_benchmark(tasks, path=path, progress=False, save_every=3600)
    assert res.n_resumed == 2 and res.n_run == 1 and set(pd.read_csv(path)["task"]) == {t.key for t in tasks}
    with pytest.raises(ValidationError, match="save_every"):
        run_benchmark(tasks, path=path, progress=False, save_every=-1)


def test_cli_bench(inprocess, tmp_path):
    from attractor.cli import app

    out = tmp_path / "cli.csv"
    r = CliRunner().invoke(app, ["bench", "--systems", "lorenz", "--models", "persistence", "--out", str(out),
                                 "--train-periods", "5", "--test-periods", "1", "--points-per-period", "50"])
    assert r.exit_code == 0, r.output
    assert "smape" in r.output and "long_run_kl" in r.output and out.exists()
    r = CliRunner().invoke(app, ["bench", "--systems", "lorenz", "--models", "nope", "--out", str(out)])
    assert r.exit_code == 2 and "unknown model" in r.output


# ---------------------------------------------------------------------- issue #20: resume and --out
def test_expected_metrics_are_what_a_task_writes():
    from attractor.bench.runner import expected_metrics, run_task

    task = make_tasks(["lorenz"], ["persistence"], **SETTINGS)[0]
    assert {r["metric"] for r in run_task(task)} == set(expected_metrics(task))
    short = make_tasks(["lorenz"], ["persistence"], n_long_periods=0, **SETTINGS)[0]
    assert {r["metric"] for r in run_task(short)} == set(expected_metrics(short))


def test_resume_recomputes_a_task_with_missing_metric_rows(tmp_path):
    tasks = make_tasks(["lorenz", "rossler"], ["persistence"], **SETTINGS)
    path = tmp_path / "r.csv"
    full = run_benchmark(tasks, path=path, progress=False)
    df = pd.read_csv(path)
    rows = df.index[df.task == tasks[0].key]
    assert len(rows) == 16
    df.drop(rows[3:]).to_csv(path, index=False)           # a task cut off after 3 of its 16 rows
    res = run_benchmark(tasks, path=path, progress=False)
    assert res.n_run == 1 and res.n_resumed == 1
    again = pd.read_csv(path)
    assert (again.task == tasks[0].key).sum() == 16 and len(again) == len(df)   # no duplicate rows
    pd.testing.assert_series_equal(_values(res.table), _values(full.table))


def test_cli_bench_out_onto_a_foreign_file_is_refused(tmp_path):
    from attractor.cli import app

    other = tmp_path / "data.csv"
    other.write_text("a,b\n1,2\n")
    args = ["bench", "--systems", "lorenz", "--models", "persistence", "--train-periods", "5",
            "--test-periods", "1", "--points-per-period", "50"]
    r = CliRunner().invoke(app, [*args, "--out", str(other)])
    assert r.exit_code == 2 and "refusing to overwrite" in r.output and "Traceback" not in r.output
    assert other.read_text() == "a,b\n1,2\n"
    r = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "r.txt")])
    assert r.exit_code == 2 and ".csv or .parquet" in r.output
    few = make_tasks(["lorenz"], ["persistence"], **SETTINGS)
    for resume in (True, False):
        with pytest.raises(ValidationError, match="not a benchmark results table"):
            run_benchmark(few, path=other, progress=False, resume=resume)
    assert other.read_text() == "a,b\n1,2\n"
    r = CliRunner().invoke(app, [*args, "--out", str(other), "--force", "--no-resume"])
    assert r.exit_code == 0, r.output
    assert pd.read_csv(other)["metric"].nunique() == 16


def test_models_all_leaves_out_the_slow_neural_learners():
    from attractor.bench.runner import MODELS, NEURAL_MODELS, resolve_models

    names = resolve_models("all")
    assert "esn" in names and "ngrc" in names and not set(names) & set(NEURAL_MODELS)
    assert resolve_models(" ngrc, esn ") == ["ngrc", "esn"]
    if "node" in MODELS:  # the neural extra is installed (the test extra installs it)
        assert resolve_models("neural") == [m for m in NEURAL_MODELS if m in MODELS]
