"""Time simulating the whole catalogue: every flow, 1000 points at 100 points per period.

Each flow is integrated from its default initial condition with the default method
(DOP853, rtol = atol = 1e-9) over a transient of 10 characteristic periods, then
1000 samples at ``period / 100``; delay equations use their compiled RK4/Hermite
method of steps; maps (reported separately) are iterated 1000 times after 1000.
Wall times include loading (or, on a cold cache, generating and compiling) each
system's compiled module, so run it twice: the second run is the warm-disk-cache
figure (target: under 60 s for all flows on 2 cores).

Usage::

    PYTHONPATH=src python benchmarks/bench_catalogue.py [--maps] [--top 10]
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np

import attractor


def run_one(name: str):
    t0 = time.perf_counter()
    s = attractor.system(name)
    if s.kind == "map":
        tr = s.trajectory(1000, transient=1000)
    else:
        period = float(s.metadata["period"])
        if s.metadata.get("delay"):
            tr = s.trajectory(1000, dt=period / 100, transient=10 * period)
        else:
            tr = s.trajectory(1000, dt=period / 100, transient=10 * period, rtol=1e-9, atol=1e-9)
    ok = bool(np.all(np.isfinite(tr.x)))
    return time.perf_counter() - t0, ok


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--maps", action="store_true", help="also time every map")
    ap.add_argument("--top", type=int, default=10)
    args = ap.parse_args(argv)
    kinds = ["flow"] + (["map"] if args.maps else [])
    for kind in kinds:
        names = attractor.systems.names(kind)
        times, failed = [], []
        t_all = time.perf_counter()
        for name in names:
            try:
                wall, ok = run_one(name)
            except Exception as exc:  # noqa: BLE001
                failed.append(f"{name}: {type(exc).__name__}: {str(exc)[:120]}")
                continue
            times.append((wall, name))
            if not ok:
                failed.append(f"{name}: non-finite output")
        total = time.perf_counter() - t_all
        times.sort(reverse=True)
        print(f"{kind}s: {len(names)} systems, total {total:.1f} s "
              f"(median {np.median([t for t, _ in times]):.3f} s per system)")
        print("  slowest: " + ", ".join(f"{n} {t:.2f}s" for t, n in times[:args.top]))
        for f in failed:
            print("  FAILED " + f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
