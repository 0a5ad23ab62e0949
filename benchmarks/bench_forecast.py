"""Forecasting benchmark on the catalogue's flows, the public protocol of Gilpin (NeurIPS 2021).

Protocol: 100 points per period; tune on a trajectory (train 10 periods, validate 2), then refit
on the first 10 periods of a separate trajectory and forecast its last 2 periods; sMAPE on the
0–200 scale; univariate (first channel) and multivariate; clean and with 20 % noise.
Published medians (Gilpin 2021, sMAPE, univariate, clean): NBEATS 67.7, neural ODE 72.6,
NVAR 83.6, ESN 102.4.

Also: wall time with 1 vs 2 Dask workers, and ESN/NGRC training time vs reservoirpy 0.4.2
(peer venv, via benchmarks/_peers.py) on the same data.

Usage::

    PYTHONPATH=src python benchmarks/bench_forecast.py            # everything
    PYTHONPATH=src python benchmarks/bench_forecast.py --quick    # 4 systems, clean only
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

PUBLISHED = {"NBEATS": 67.7, "neural ODE": 72.6, "NVAR": 83.6, "ESN": 102.4}
MODELS = ["ngrc", "esn", "linear_ar", "persistence"]


def _print_table(summary):
    s = summary[summary.metric.isin(["smape", "vpt_lyapunov"])]
    piv = s.pivot_table(index=["variant", "noise", "model"], columns="metric", values="median")
    print(piv.round(3).to_string())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default="/tmp/bench_forecast.csv")
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--skip-peers", action="store_true")
    args = ap.parse_args()

    from attractor.bench import default_systems, make_tasks, run_benchmark

    systems = default_systems()
    if args.quick:
        systems = [s for s in ("Lorenz", "Rossler", "Chen", "Aizawa") if s in systems] or systems[:4]
    variants = ["univariate", "multivariate"]
    noises = [0.0] if args.quick else [0.0, 0.2]
    tasks = make_tasks(systems, MODELS, variants, noises, max_fits=8, max_seconds=30)
    print(f"{len(systems)} flows × {len(MODELS)} models × {len(variants)} variants × {len(noises)} noise "
          f"= {len(tasks)} tasks")
    t0 = time.perf_counter()
    res = run_benchmark(tasks, path=args.out, backend="processes", n_workers=2, progress=True)
    print(f"classic models, 2 processes: {time.perf_counter() - t0:.1f} s ({res.n_run} run, {res.n_resumed} resumed,"
          f" {res.n_failed} failed)")
    print("\nmedian sMAPE (0–200) and median valid prediction time (Lyapunov times, NRMSE threshold 0.4)")
    _print_table(res.summary)
    print("\npublished medians (Gilpin 2021, univariate, clean):",
          ", ".join(f"{k} {v}" for k, v in PUBLISHED.items()))

    if not args.skip_dask:
        sub = make_tasks(systems[:4], ["ngrc", "esn"], ["multivariate"], [0.0], max_fits=8, seed=1)
        times = {}
        for w in (1, 2):
            t = time.perf_counter()
            run_benchmark(sub, path=None, backend="dask", scheduler="local", n_workers=w, progress=False)
            times[w] = time.perf_counter() - t
        print(f"\nDask LocalCluster, {len(sub)} tasks: 1 worker {times[1]:.1f} s, 2 workers {times[2]:.1f} s, "
              f"speed-up {times[1] / times[2]:.2f}×")

    if not args.skip_peers:
        _peer_timing()


def _peer_timing() -> None:
    import attractor
    from _peers import peers_available, run_peer
    from attractor.learn.reservoir import ESN, NGRC

    x = attractor.system("lorenz").trajectory(5000, dt=0.025, transient=20).x
    np.save("/tmp/bench_forecast_lorenz.npy", x)
    ESN(n_reservoir=500).fit(x[:200])     # compile once
    t = time.perf_counter()
    for _ in range(3):
        ESN(n_reservoir=500, ridge=1e-6, spectral_radius=0.9, leak_rate=1.0).fit(x)
    ours_esn = (time.perf_counter() - t) / 3
    t = time.perf_counter()
    for _ in range(3):
        NGRC(delays=2, ridge=2.5e-6).fit(x)
    ours_ngrc = (time.perf_counter() - t) / 3
    print(f"\ntraining on 5000 Lorenz samples: ours ESN(500) {ours_esn * 1e3:.0f} ms, NGRC {ours_ngrc * 1e3:.1f} ms")
    if not peers_available():
        print("reservoirpy: peer venv missing (.venv-peers); skipped")
        return
    code = """
import time, numpy as np
from reservoirpy.nodes import Reservoir, Ridge, NVAR
x = np.load('/tmp/bench_forecast_lorenz.npy')
X, Y = x[:-1], x[1:]
ts = []
for i in range(3):
    t = time.perf_counter()
    esn = Reservoir(500, sr=0.9, lr=1.0, seed=i) >> Ridge(ridge=1e-6)
    esn.fit(X, Y, warmup=100)
    ts.append(time.perf_counter() - t)
tn = []
for i in range(3):
    t = time.perf_counter()
    m = NVAR(delay=2, order=2, strides=1) >> Ridge(3, ridge=2.5e-6)
    m.fit(X, Y - X, warmup=2)
    tn.append(time.perf_counter() - t)
result = {"esn": float(np.mean(ts[1:])), "ngrc": float(np.mean(tn[1:])), "version": __import__("reservoirpy").__version__}
"""
    try:
        r = run_peer(code, timeout=600)
        print(f"reservoirpy {r['version']}: ESN(500) {r['esn'] * 1e3:.0f} ms, NVAR {r['ngrc'] * 1e3:.1f} ms")
    except Exception as exc:  # noqa: BLE001 - report, do not crash the benchmark
        print(f"reservoirpy timing failed: {exc}")


if __name__ == "__main__":
    main()
