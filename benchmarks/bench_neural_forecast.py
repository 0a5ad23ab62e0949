"""Neural models in the forecasting benchmark (Gilpin 2021 protocol) on a fixed subset of flows.

The protocol is the one of ``benchmarks/bench_forecast.py`` (100 points per period; tune on
one trajectory, train 10 periods, validate 2; refit on the first 10 periods of a separate
trajectory and forecast its last 2; sMAPE on the 0–200 scale; VPT in Lyapunov times at the
NRMSE threshold 0.4; a 20-period free run scored by long-run statistics). The neural learners
cost seconds per fit on the CPU (the classical ones a fraction of a second), so they run on a
fixed, named subset: **every 4th flow of the sorted catalogue** (``default_systems()[::4]``,
34 flows from Aizawa to WindmiReduced) — a rule chosen before seeing any result, spread over the
alphabet and so over the catalogue's families. The classical models run on the same subset in
the same run, so the rows are side by side. Tuning: the registry's 4-point grids of the neural
models (``attractor.bench.runner.MODELS``), at most 8 fits and 30 s per task as in the whole
catalogue run.

Published univariate medians (Gilpin 2021, 131 flows): NBEATS 67.7, neural ODE 72.6, NVAR 83.6,
ESN 102.4.

Usage::

    OMP_NUM_THREADS=1 XLA_FLAGS=--xla_cpu_multi_thread_eigen=false PYTHONPATH=src \\
        nice -n 10 python benchmarks/bench_neural_forecast.py --out /tmp/bench_neural_forecast.csv
    # --every 8: half the subset (17 flows); --variants univariate,multivariate; resumes from --out
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

NEURAL = ["node", "gru", "lipschitz_rnn", "noisy_rnn"]
CLASSIC = ["ngrc", "esn", "kernel", "sindy", "dmd", "linear_ar", "persistence", "mean"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/bench_neural_forecast.csv")
    ap.add_argument("--every", type=int, default=4, help="every k-th flow of the sorted catalogue")
    ap.add_argument("--variants", default="univariate")
    ap.add_argument("--models", default=",".join(NEURAL + CLASSIC))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reverse", action="store_true",
                    help="run the flows from the end of the subset (a second process on another --out)")
    ap.add_argument("--merge", default=None, help="comma-separated result files of other runs to merge "
                                                  "before summarising (tasks already there are not rerun)")
    args = ap.parse_args()

    from bench_forecast import PUBLISHED, _print_table

    from attractor.bench import default_systems, make_tasks, run_benchmark

    systems = default_systems()[:: args.every]
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    print(f"{len(systems)} flows (every {args.every}th of the sorted catalogue): {', '.join(systems)}")
    tasks = make_tasks(systems[::-1] if args.reverse else systems, models, variants, [0.0], max_fits=8,
                       max_seconds=30, seed=args.seed)
    if args.merge:
        import pandas as pd

        frames = [pd.read_csv(f) for f in [args.out, *args.merge.split(",")] if Path(f).exists()]
        table = pd.concat(frames, ignore_index=True).drop_duplicates(["task", "metric"])
        keys = {t.key for t in tasks}
        table = table[table["task"].isin(keys)]
        n_models = table.groupby("system")["model"].nunique()
        complete = sorted(n_models[n_models == len(models)].index)
        table = table[table["system"].isin(complete)]
        print(f"merged: {len(complete)} flows with every model finished: {', '.join(complete)}")
        _print_table(table)
    else:
        t0 = time.perf_counter()
        res = run_benchmark(tasks, path=args.out, backend="inprocess", progress=False, save_every=0)
        print(f"{len(tasks)} tasks in {time.perf_counter() - t0:.0f} s ({res.n_run} run, {res.n_resumed} resumed, "
              f"{res.n_failed} errors)")
        _print_table(res.table)
    print("\npublished medians (Gilpin 2021, univariate, clean):",
          ", ".join(f"{k} {v}" for k, v in PUBLISHED.items()))


if __name__ == "__main__":
    main()
