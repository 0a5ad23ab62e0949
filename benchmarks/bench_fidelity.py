"""Long-run fidelity of free runs with and without free-run validation (issue #15, item 5).

For each system of a fixed subset and each learner, the benchmark protocol of
``attractor.bench`` (``protocol_data``, ``tune`` with the runner's grid, refit on the context,
forecast the target, then a free run of ``n_long_periods`` periods) is run twice in the same
process: tuned as before (``free_run=0``) and tuned with free-run validation (``free_run`` =
``--free-periods`` periods, divergence guard k = 3). Printed per learner and mode: share of
bounded (finite) long runs, share of long runs the divergence guard would have stopped
(``long_run_guard``; "bounded and unguarded" is the honest count), median sMAPE and VPT
(Lyapunov times).

    PYTHONPATH=src nice -n 10 python benchmarks/bench_fidelity.py --quick
    PYTHONPATH=src nice -n 10 python benchmarks/bench_fidelity.py --systems 40

Single-threaded BLAS (``OMP_NUM_THREADS=1``), as the benchmark runner does inside a task.
"""
from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402


def run(system: str, model: str, free_periods: float, settings: dict) -> dict:
    import warnings

    from attractor.bench.runner import MODELS, long_run_scores
    from attractor.core.errors import ReliabilityWarning
    from attractor.forecast import fit_model, forecast, protocol_data, tune
    from attractor.forecast.metrics import score_forecast
    from attractor.forecast.protocol import MODEL_FAILURES

    data = protocol_data(system, n_train_periods=settings["train"], n_test_periods=2,
                         points_per_period=settings["ppp"], seed=0)
    factory, grid = MODELS[model]
    free = int(round(free_periods * settings["ppp"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReliabilityWarning)
        tuned = tune(factory, grid, data.train, data.validation, dt=data.dt, max_fits=settings["max_fits"],
                     seed=0, n_origins=2, free_run=free)
        try:
            m = fit_model(factory(**tuned.best_params), data.context, data.dt)
            pred = forecast(m, data.context, len(data.target))
        except MODEL_FAILURES:
            m, pred = None, np.full(data.target.shape, np.nan)
        sc = score_forecast(data.target, pred, dt=data.dt, lyapunov_exponent=data.lyapunov, scale=data.scale)
        lr = long_run_scores(m if np.all(np.isfinite(pred)) else None, data, int(20 * settings["ppp"]))
    return {"smape": sc["smape"], "vpt": sc["vpt_lyapunov"], **lr}


def main() -> None:
    from attractor.bench import default_systems

    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="4 systems, few fits")
    ap.add_argument("--systems", type=int, default=40, help="first N flows of the catalogue, sorted by name")
    ap.add_argument("--models", default="ngrc,sindy")
    ap.add_argument("--free-periods", type=float, default=5.0)
    a = ap.parse_args()
    systems = ["Lorenz", "Rossler", "Chen", "Aizawa"] if a.quick else default_systems()[:a.systems]
    settings = {"train": 10, "ppp": 100, "max_fits": 6 if a.quick else 12}
    t0 = time.perf_counter()
    rows = []
    for s in systems:
        for mdl in a.models.split(","):
            for fp in (0.0, a.free_periods):
                try:
                    r = run(s, mdl, fp, settings)
                except Exception as exc:  # noqa: BLE001 -- data generation failures are reported, not fatal
                    print(f"skip {s} {mdl}: {type(exc).__name__}: {exc}")
                    continue
                rows.append((mdl, "free-run validated" if fp else "as before", r))
    print(f"{len(systems)} systems ({'quick' if a.quick else 'first %d flows' % a.systems}), "
          f"{time.perf_counter() - t0:.0f} s")
    print(f"{'model':8s} {'tuning':20s} {'n':>4s} {'bounded %':>10s} {'guard %':>8s} {'bounded&unguarded %':>20s} "
          f"{'median sMAPE':>13s} {'median VPT':>11s}")
    for mdl in a.models.split(","):
        for mode in ("as before", "free-run validated"):
            rs = [r for m_, md, r in rows if m_ == mdl and md == mode]
            if not rs:
                continue
            b = np.array([r["long_run_bounded"] for r in rs])
            g = np.array([r["long_run_guard"] for r in rs])
            print(f"{mdl:8s} {mode:20s} {len(rs):4d} {100 * b.mean():10.1f} {100 * g.mean():8.1f} "
                  f"{100 * np.mean((b == 1) & (g == 0)):20.1f} {np.median([r['smape'] for r in rs]):13.2f} "
                  f"{np.median([r['vpt'] for r in rs]):11.3f}")


if __name__ == "__main__":
    main()
