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
    t = table[~table["metric"].isin(["fit_seconds", "task_seconds"])]
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


def test_cli_bench(inprocess, tmp_path):
    from attractor.cli import app

    out = tmp_path / "cli.csv"
    r = CliRunner().invoke(app, ["bench", "--systems", "lorenz", "--models", "persistence", "--out", str(out),
                                 "--train-periods", "5", "--test-periods", "1", "--points-per-period", "50"])
    assert r.exit_code == 0, r.output
    assert "smape" in r.output and out.exists()
    r = CliRunner().invoke(app, ["bench", "--systems", "lorenz", "--models", "nope", "--out", str(out)])
    assert r.exit_code == 2 and "unknown model" in r.output
