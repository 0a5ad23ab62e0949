"""Simulation speed and accuracy: attractor vs dysts 0.96 vs SciPy (one run, side by side).

Lorenz, 1000 points at 100 points per characteristic period (period 1.5008 from the
dysts table, so dt = 0.015008, 15 time units), rtol = atol = 1e-12. Each result's
maximum deviation is measured against a 
with the same parameters, initial condition and output times (an extended-precision
RK4 reference: see :func:`reference`).

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


def reference(x0, t, params, substeps=600):
    """Extended-precision reference: classical RK4 in numpy.longdouble (64-bit mantissa on x86).

    Double-precision integrators cannot give a reference over 15 Lorenz time units: the
    flow amplifies round-off by e^(0.9*15) ~ 1e6. RK4 with step dt/600 in extended
    precision has global error well below 1e-9 here (checked by halving the step).
    """
    sigma, rho, beta = (np.longdouble(v) for v in params)
    if params[2] == 8.0 / 3.0:
        beta = np.longdouble(8) / np.longdouble(3)

    def f(x):
        return np.array([sigma * (x[1] - x[0]), x[0] * (rho - x[2]) - x[1], x[0] * x[1] - beta * x[2]],
                        dtype=np.longdouble)

    t = np.asarray(t, dtype=np.longdouble)
    x = np.array(x0, dtype=np.longdouble)
    out = np.empty((len(t), 3), dtype=np.longdouble)
    out[0] = x
    for k in range(1, len(t)):
        h = (t[k] - t[k - 1]) / substeps
        for _ in range(substeps):
            k1 = f(x)
            k2 = f(x + h / 2 * k1)
            k3 = f(x + h / 2 * k2)
            k4 = f(x + h * k3)
            x = x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        out[k] = x
    return out.astype(float)


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

    # Tolerances are not comparable across methods (Radau's error estimate is more conservative than
    # DOP853's), so also time ours at a tighter tolerance that is at least as accurate as every peer.
    lorenz.trajectory(N, dt=DT, rtol=1e-15, atol=1e-15)
    t_tight, tight = best_of(lambda: lorenz.trajectory(N, dt=DT, rtol=1e-15, atol=1e-15))
    dev_tight = np.abs(tight.x - ref).max()
    rows = [("attractor (DOP853, compiled)", t_ours, dev_ours),
            ("attractor, rtol = atol = 1e-15", t_tight, dev_tight),
            ("scipy solve_ivp DOP853 (Python RHS)", t_scipy, dev_scipy)]
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
        print(f"dysts output times: {tx[0]:.4f} .. {tx[-1]:.4f} ({len(tx)} points); its beta = {res['params'][2]}")
        ref_d = reference(ic0, tx - tx[0], tuple(res["params"]))
        dev_d = np.abs(xd - ref_d).max()
        rows.append(("dysts 0.96 make_trajectory (Radau)", res["seconds"], dev_d))
    else:
        print("(dysts not measured: create .venv-peers, see benchmarks/_peers.py)")

    cold, warm = compile_times()
    print(f"Lorenz, {N} points at {PPP} points/period (dt = {DT:.6f}), rtol = atol = {TOL:g}")
    print(f"{'method':40s} {'wall time':>12s} {'vs attractor':>14s} {'max deviation':>15s}")
    for name, sec, dev in rows:
        print(f"{name:40s} {sec * 1e3:10.2f} ms {sec / t_ours:13.0f}x {dev:15.2e}")
    print("max deviation: from the extended-precision reference; chaos amplifies local errors by ~1e6 "
          "over these 15 time units")
    print(f"first call in a fresh process: {cold:.2f} s with an empty cache (Numba compiles), "
          f"{warm:.3f} s with the warm disk cache")


if __name__ == "__main__":
    main()
