"""Benchmark: Lyapunov spectra of known systems (compiled QR method).

Reference point: DynamicalSystems.jl (Datseris, JOSS 3, 598 (2018)) reports 225.8 ms for the full
Lorenz spectrum over 4000 time units, renormalising every 1.0, on an Intel i5-6200U. Target here:
<= 100 ms, excluding the one-off compilation (reported separately), with the exponents within
Sprott's values (0.9056, 0, -14.5723) +- 0.01.

Also: cost versus number of exponents k for Lorenz-96 (f = 8) with N = 10, 20, 40 and
k = 1, N/2, N. Per integration step the compiled tangent costs O(k nnz(J)) = O(4 k N) and the
Runge-Kutta stage sums O(N (1 + k)); each QR costs O(N k^2).

Run:  PYTHONPATH=src python benchmarks/bench_lyapunov.py [--quick]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time

import numpy as np

import attractor
from attractor.dynamics.lyapunov import lyapunov_spectrum, max_lyapunov

SPROTT_LORENZ = np.array([0.9056, 0.0, -14.5723])


def best_of(fn, repeats: int) -> tuple[float, float, object]:
    """Best wall-clock and best CPU (process) time over ``repeats`` calls, and the last result.

    On a shared machine the CPU time is the meaningful figure (wall time includes waiting for a core).
    """
    wall, cpu, out = np.inf, np.inf, None
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        wall = min(wall, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
    return wall, cpu, out


def cold_start_seconds(code: str) -> float:
    """Seconds for ``code`` in a fresh interpreter with an empty compile cache (codegen + Numba compile)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, ATTRACTOR_CACHE_DIR=tmp)
        src = textwrap.dedent(f"""
            import time, numpy as np, attractor
            from attractor.dynamics.lyapunov import lyapunov_spectrum
            t = time.perf_counter()
            {code}
            print(time.perf_counter() - t)
        """)
        out = subprocess.run([sys.executable, "-c", src], env=env, capture_output=True, text=True, check=True)
        return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, skip cold-start measurement")
    args = ap.parse_args()
    reps = 3 if args.quick else 7

    lorenz = attractor.system("lorenz")
    print("Lorenz spectrum, 4000 time units, dt_renorm = 1.0, transient 10 (DOP853, error control on [x, Q])")
    if not args.quick:
        cold = cold_start_seconds("lyapunov_spectrum(attractor.system('lorenz'), t_total=20, seed=0)")
        print(f"  one-off codegen + compilation (empty cache, fresh process): {cold:.1f} s")
    lyapunov_spectrum(lorenz, t_total=20, seed=0)  # warm (loads the on-disk cache)
    print(f"  {'rtol=atol':>10} {'CPU [ms]':>9} {'wall [ms]':>10} {'steps':>8}  exponents"
          "                          max|err| vs Sprott")
    runs = [(f"{tol:.0e}", dict(rtol=tol, atol=tol)) for tol in (1e-6, 1e-8, 1e-9)]
    runs.append(("RK4 h=.01", dict(method="rk4", step=0.01)))
    for label, kw in runs:
        wall, cpu, res = best_of(lambda: lyapunov_spectrum(lorenz, t_total=4000, dt_renorm=1.0, transient=10,
                                                           seed=0, **kw), reps)
        err = np.max(np.abs(res.exponents - SPROTT_LORENZ))
        ex = ", ".join(f"{v:9.5f}" for v in res.exponents)
        print(f"  {label:>10} {1e3 * cpu:>9.1f} {1e3 * wall:>10.1f} {res.settings['n_steps']:>8d}  [{ex}]  {err:.4f}")
    wall, cpu, ml = best_of(lambda: max_lyapunov(lorenz, t_total=4000, transient=10, seed=0, rtol=1e-6, atol=1e-6),
                            reps)
    print(f"  max_lyapunov (two trajectories, 1e-6): CPU {1e3 * cpu:.1f} ms, wall {1e3 * wall:.1f} ms, "
          f"λ1 = {ml.exponent:.5f}")
    print("  reference: DynamicalSystems.jl 225.8 ms (i5-6200U, JOSS 2018)")

    print("\nLorenz-96 (f = 8), 100 time units, dt_renorm = 1, rtol = atol = 1e-6: time vs k")
    print(f"  {'N':>4} {'k':>4} {'CPU [ms]':>9} {'wall [ms]':>10} {'steps':>7} {'CPU us/step':>12} "
          f"{'ns/(step·k·N)':>14}  λ1")
    for N in (10, 20, 40):
        l96 = attractor.system("lorenz96", N=N, f=8.0)
        x0 = 8.0 + 0.01 * np.sin(np.arange(N))
        t = time.perf_counter()
        lyapunov_spectrum(l96, 1, t_total=2, dt_renorm=0.1, x0=x0, seed=0)
        compile_s = time.perf_counter() - t
        for k in (1, N // 2, N):
            wall, cpu, res = best_of(lambda: lyapunov_spectrum(l96, k, t_total=100, transient=10, x0=x0, seed=0,
                                                               rtol=1e-6, atol=1e-6), max(3, reps // 2))
            steps = res.settings["n_steps"]
            print(f"  {N:>4} {k:>4} {1e3 * cpu:>9.1f} {1e3 * wall:>10.1f} {steps:>7d} {1e6 * cpu / steps:>12.2f} "
                  f"{1e9 * cpu / steps / (k * N):>14.2f}  {res.exponents[0]:.3f}")
        print(f"       (first call for N = {N}, codegen + compile or cache load: {compile_s:.1f} s)")


if __name__ == "__main__":
    main()
