"""Simulation speed and accuracy: attractor vs dysts 0.96 vs SciPy (one run, side by side).

Lorenz, 1000 points at 100 points per characteristic period (period 1.5008 from the
dysts table, so dt = 0.015008, 15 time units), rtol = atol = 1e-12. Each result's
maximum deviation is measured against a SciPy DOP853 reference at rtol = atol = 1e-14
with the same parameters, initial condition and output times.

Compilation is reported separately: a fresh process with an empty disk cache (Numba
compiles), and a fresh process with the warm cache (loads machine code from disk).

Run:  python benchmarks/bench_simulate.py   (dysts from .venv-peers; ~40 s)
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.integrate import solve_ivp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks._peers import peers_available, run_peer  # noqa: E402

import attractor  # noqa: E402

N, PPP, PERIOD = 1000, 100, 1.5008
DT = PERIOD / PPP
TOL = 1e-12


def lorenz_rhs(sigma, rho, beta):
    def f(t, x):
        return [sigma * (x[1] - x[0]), x[0] * (rho - x[2]) - x[1], x[0] * x[1] - beta * x[2]]
    return f


def reference(x0, t, params):
    sol = solve_ivp(lorenz_rhs(*params), (t[0], t[-1]), x0, method="DOP853", rtol=1e-14, atol=1e-14, t_eval=t)
    return sol.y.T


def best_of(fn, repeat=5):
    best = np.inf
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def compile_times() -> tuple[float, float]:
    code = ("import time, attractor; s = attractor.system('lorenz'); t = time.perf_counter(); "
            f"s.trajectory({N}, dt={DT}, rtol={TOL}, atol={TOL}); print(time.perf_counter() - t)")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, ATTRACTOR_CACHE_DIR=tmp)
        cold = float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                    check=True).stdout.split()[-1])
        warm = float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                    check=True).stdout.split()[-1])
    return cold, warm


def main() -> None:
    lorenz = attractor.system("lorenz")
    x0 = lorenz.default_x0
    params = (10.0, 28.0, 8.0 / 3.0)
    lorenz.trajectory(N, dt=DT, rtol=TOL, atol=TOL)  # compile / load from cache
    t_ours, traj = best_of(lambda: lorenz.trajectory(N, dt=DT, rtol=TOL, atol=TOL))
    ref = reference(x0, traj.t, params)
    dev_ours = np.abs(traj.x - ref).max()

    f = lorenz_rhs(*params)
    t_scipy, sol = best_of(lambda: solve_ivp(f, (0, traj.t[-1]), x0, method="DOP853", rtol=TOL, atol=TOL,
                                             t_eval=traj.t), repeat=2)
    dev_scipy = np.abs(sol.y.T - ref).max()

    rows = [("attractor (DOP853, compiled)", t_ours, dev_ours), ("scipy solve_ivp DOP853 (Python RHS)", t_scipy, dev_scipy)]
    if peers_available():
        res = run_peer(f"""
            import time, numpy as np
            from dysts.flows import Lorenz
            m = Lorenz()
            t0 = time.perf_counter()
            t, x = m.make_trajectory({N}, pts_per_period={PPP}, resample=True, return_times=True,
                                     rtol={TOL}, atol={TOL})
            elapsed = time.perf_counter() - t0
            result = dict(seconds=elapsed, t=np.asarray(t).tolist(), x=np.asarray(x).tolist(),
                          ic=np.asarray(m.ic).tolist(), params=[m.sigma, m.rho, m.beta])
        """)
        tx = np.asarray(res["t"])
        xd = np.asarray(res["x"])
        ic0 = np.asarray(res["ic"])
        # dysts integrates from its initial condition at t = 0 and returns the resampled times
        ref_d = reference(ic0, tx - tx[0], tuple(res["params"])) if tx[0] != 0 else reference(ic0, tx, tuple(res["params"]))
        dev_d = np.abs(xd - ref_d).max()
        rows.append(("dysts 0.96 make_trajectory (Radau)", res["seconds"], dev_d))
    else:
        print("(dysts not measured: create .venv-peers, see benchmarks/_peers.py)")

    cold, warm = compile_times()
    print(f"Lorenz, {N} points at {PPP} points/period (dt = {DT:.6f}), rtol = atol = {TOL:g}")
    print(f"{'method':40s} {'wall time':>12s} {'vs attractor':>14s} {'max deviation':>15s}")
    for name, sec, dev in rows:
        print(f"{name:40s} {sec * 1e3:10.2f} ms {sec / t_ours:13.0f}x {dev:15.2e}")
    print(f"first call in a fresh process: {cold:.2f} s with an empty cache (Numba compiles), "
          f"{warm:.3f} s with the warm disk cache")


if __name__ == "__main__":
    main()
