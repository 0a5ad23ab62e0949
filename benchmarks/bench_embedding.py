"""Speed of the automatic embedding choice (issue #19): ``estimate_delay(x)`` (AMI) followed
by ``estimate_dimension(x, delay, method="cao")`` on the Lorenz x-component, dt = 0.01,
N = 10^4 (50-time-unit transient). Target: <= 0.1 s warm (Numba kernels compiled and
cached; the first call of the process is reported separately).

Cao's method needs the nearest neighbour of every delay vector outside the Theiler window
in each dimension 1 .. 11. It now builds one compiled k-d tree per dimension and applies
the Theiler window inside the tree walk (``_embedding_kernels.nearest_outside_window``)
instead of repeated scipy ``cKDTree`` k-nearest queries with a growing k (a smooth flow's
nearest points in space are its own neighbours in time, which the old query had to
return and discard). Wall time is the best of 7 runs; CPU time (all threads) is printed
too because the machine may be shared. Numba threads: ``NUMBA_NUM_THREADS``.

Measured 2026-12-02 on the shared 2-core development machine (load average ~9, so wall
times there are ~3x the CPU time): the former scipy-based pair took 0.41-0.45 s of CPU
time, this one 0.09-0.10 s with one Numba thread (same delay 17 and dimension 3).

Run:  python benchmarks/bench_embedding.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numba  # noqa: E402

import attractor  # noqa: E402
from attractor.analysis.embedding import estimate_delay, estimate_dimension  # noqa: E402


def pair(x):
    d = estimate_delay(x)
    return d.delay, estimate_dimension(x, d.delay, method="cao").dimension


def main() -> None:
    x = attractor.system("lorenz").trajectory(10_000, dt=0.01, transient=50).x[:, 0]
    t0 = time.perf_counter()
    first = pair(x)
    t_first = time.perf_counter() - t0
    walls, cpus, parts = [], [], []
    for _ in range(7):
        w0, c0 = time.perf_counter(), time.process_time()
        d = estimate_delay(x)
        w1 = time.perf_counter()
        e = estimate_dimension(x, d.delay, method="cao")
        w2 = time.perf_counter()
        walls.append(w2 - w0)
        cpus.append(time.process_time() - c0)
        parts.append((w1 - w0, w2 - w1))
        assert (d.delay, e.dimension) == first
    k = min(range(7), key=walls.__getitem__)
    print(f"Numba threads: {numba.get_num_threads()}")
    print(f"chosen delay {first[0]} samples, dimension {first[1]}")
    print(f"first call (compile or cache load): {t_first:.3f} s")
    print(f"warm, best of 7: {walls[k]:.3f} s wall (AMI delay {parts[k][0]:.3f} s + Cao {parts[k][1]:.3f} s), "
          f"{min(cpus):.3f} s CPU; target <= 0.1 s")


if __name__ == "__main__":
    main()
