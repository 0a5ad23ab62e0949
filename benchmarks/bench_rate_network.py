"""Random rate networks (Sompolinsky, Crisanti & Sommers 1988): speed of the full Lyapunov spectrum,
the largest exponent against the gain g for N = 100, 200, 400, and the N-independence of the
spectrum's shape (Engelken, Wolf & Abbott 2023, Phys. Rev. Research 5, 043044).

* speed: all N = 200 exponents over 10³ time units (RK4 step 0.2, QR every time unit) with
  :func:`attractor.training.network_lyapunov_spectrum` — counted flops and the GEMM rate achieved;
  and the same network through :func:`attractor.lyapunov_spectrum` (``method="rk4"``) for the same
  (shorter) run at step 0.1, to compare the two.
* transition: λ1 for g in GAINS, N in 100, 200, 400, SEEDS networks each (mean, min, max); for
  g < 1 the closed form max Re eig(−I + gJ) alongside.
* shape: the top half of the spectrum at g = 2 for N = 100, 200, 400 against i/N, and the largest
  difference between the curves (interpolated) next to their standard errors.

Run (one BLAS thread, as the tests)::

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_rate_network.py [speed|transition|shape|all]
"""
from __future__ import annotations

import sys
import time

import numpy as np

import attractor
from attractor.training import network_lyapunov_spectrum, rate_network

GAINS = (0.5, 0.9, 1.1, 1.5, 2.0, 3.0)
SIZES = (100, 200, 400)
SEEDS = (0, 1, 2)


def speed(t_total: float = 1000.0) -> None:
    net = rate_network(200, 2.0, seed=0)
    t = time.perf_counter()
    r = network_lyapunov_spectrum(net, t_total=t_total, transient=10, seed=0)
    wall = time.perf_counter() - t
    s = r.settings
    print(f"speed: N=200, g=2, {t_total:g} time units (+10 transient), all 200 exponents: {wall:.1f} s wall, "
          f"{s['flops'] / 1e9:.0f} GFLOP counted, {s['gflops_per_s']:.1f} GFLOP/s; lambda1 = "
          f"{r.exponents[0]:.4f} +- {r.stderr[0]:.4f}, mean = {r.exponents.mean():.6f}, "
          f"mean tr J / N = {s['mean_trace'] / 200:.6f}", flush=True)
    short = 50.0
    t = time.perf_counter()
    a = network_lyapunov_spectrum(net, t_total=short, transient=0, seed=0, step=0.1)
    ta = time.perf_counter() - t
    t = time.perf_counter()
    b = attractor.lyapunov_spectrum(net, t_total=short, transient=0, seed=0, method="rk4", step=0.1)
    tb = time.perf_counter() - t
    print(f"  same network, {short:g} time units: network_lyapunov_spectrum {ta:.2f} s, "
          f"attractor.lyapunov_spectrum(method='rk4') {tb:.2f} s, max |difference| "
          f"{np.max(np.abs(a.exponents - b.exponents)):.2e}")


def transition(t_total: float = 200.0) -> None:
    print(f"transition: lambda1 over {t_total:g} time units, seeds {SEEDS}")
    print("   g  " + "".join(f"| N={N:<4d} mean   [min, max]        " for N in SIZES) + "| max Re eig(-I+gJ) N=400")
    for g in GAINS:
        row = f"{g:4.1f}  "
        for N in SIZES:
            vals, eig = [], []
            for s in SEEDS:
                net = rate_network(N, g, seed=s)
                vals.append(network_lyapunov_spectrum(net, 1, t_total=t_total, seed=0).exponents[0])
                eig.append(np.max(np.linalg.eigvals(-np.eye(N) + g * net.coupling).real))
            row += f"| {np.mean(vals):+.4f} [{min(vals):+.4f}, {max(vals):+.4f}] "
        row += f"| {np.mean(eig):+.4f}"
        print(row, flush=True)


def shape(t_total: float = 200.0, g: float = 2.0) -> None:
    curves = {}
    for N in SIZES:
        t = time.perf_counter()
        r = network_lyapunov_spectrum(rate_network(N, g, seed=0), N // 2, t_total=t_total, seed=0)
        x = (np.arange(N // 2) + 0.5) / N
        curves[N] = (x, r.exponents, r.stderr)
        print(f"shape: N={N}: top {N // 2} exponents in {time.perf_counter() - t:.1f} s; lambda at i/N = 0, "
              f"0.1, 0.25, 0.5: {r.exponents[0]:+.4f} {np.interp(0.1, x, r.exponents):+.4f} "
              f"{np.interp(0.25, x, r.exponents):+.4f} {r.exponents[-1]:+.4f}; median stderr "
              f"{np.median(r.stderr):.4f}", flush=True)
    grid = np.linspace(0.02, 0.48, 47)
    ref = np.interp(grid, curves[400][0], curves[400][1])
    for N in (100, 200):
        d = np.abs(np.interp(grid, curves[N][0], curves[N][1]) - ref)
        print(f"  max |lambda_N(i/N) - lambda_400(i/N)| over i/N in [0.02, 0.48], N = {N}: {d.max():.4f} "
              f"(mean {d.mean():.4f})")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    if what in ("speed", "all"):
        speed()
    if what in ("transition", "all"):
        transition()
    if what in ("shape", "all"):
        shape()
