"""SDE integration side by side: 10³ members × 10⁴ steps of the double well, dx = (x - x³) dt + σ dW.

Same work on every side: σ = 0.5, x0 = 1, step h = 10⁻³, 10⁴ steps, every step kept
(substeps = 1), 10³ independent members, float64.

* ours: ``attractor.system("double_well").trajectory(10_001, dt=1e-3, n_members=1000, substeps=1,
  method=...)`` with ``em`` (Euler–Maruyama) and ``sra`` (Rößler SRA1, strong order 1.5), on one
  Numba thread and on all threads (``NUMBA_NUM_THREADS``); compilation excluded (one warm-up call).
  Increments are generated inside the kernel (Philox4x32-10 + Box–Muller).
* NumPy: a vectorised Euler–Maruyama loop over the 10⁴ steps, all members at once, increments
  from ``numpy.random.Generator.standard_normal`` (the second reference the issue asks for).
* sdeint 0.3 (peers venv): ``itoEuler`` and ``itoSRI2`` integrate one path per call (sdeint
  has no ensemble mode), so they are timed on ``SDEINT_MEMBERS`` members (default 20) and the
  time is scaled linearly to 10³ members (members are independent calls; the scaling is exact
  up to timing noise). The per-member time is printed too.

Run::

    PYTHONPATH=src python benchmarks/bench_stochastic_integrate.py

The peers' interpreter: ``$ATTRACTOR_PEERS_PYTHON``, else ``.venv-peers`` at the repository root or
beside it (``pip install sdeint`` there).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MEMBERS, STEPS, H, SIGMA = 1000, 10_000, 1e-3, 0.5
SDEINT_MEMBERS = int(os.environ.get("SDEINT_MEMBERS", "20"))


def _peer_python() -> Path | None:
    env = os.environ.get("ATTRACTOR_PEERS_PYTHON")
    cands = [Path(env)] if env else []
    cands += [ROOT / ".venv-peers" / "bin" / "python", ROOT.parent / ".venv-peers" / "bin" / "python"]
    return next((p for p in cands if p.exists()), None)


def _best(fn, repeat=3):
    """Best of ``repeat`` runs: CPU time of this process (robust on a shared machine; the
    single-thread rows) and wall time."""
    best_cpu = best_wall = float("inf")
    out = None
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        best_cpu = min(best_cpu, time.process_time() - c0)
        best_wall = min(best_wall, time.perf_counter() - t0)
    return best_cpu, best_wall, out


def ours() -> dict:
    import numba

    import attractor

    s = attractor.system("double_well", sigma=SIGMA)
    res = {"threads_available": numba.get_num_threads()}
    for method in ("em", "sra"):
        run = lambda: s.trajectory(STEPS + 1, dt=H, x0=[1.0], n_members=MEMBERS, substeps=1,  # noqa: E731
                                   method=method, seed=0)
        run()  # compile (serial and parallel drivers)
        all_threads = numba.get_num_threads()
        numba.set_num_threads(1)
        t1, w1, tr = _best(run)
        numba.set_num_threads(all_threads)
        _, tn, _ = _best(run)
        res[method] = {"one_thread_s": t1, "one_thread_wall_s": w1, "all_threads_s": tn,
                       "final_var": float(tr.x[:, -1, 0].var()),
                       "frac_right_well": float(np.mean(tr.x[:, -1, 0] > 0))}
    return res


def numpy_em() -> dict:
    def run():
        rng = np.random.default_rng(0)
        x = np.ones(MEMBERS)
        out = np.empty((STEPS + 1, MEMBERS))
        out[0] = x
        sq = SIGMA * np.sqrt(H)
        for k in range(STEPS):
            x = x + (x - x**3) * H + sq * rng.standard_normal(MEMBERS)
            out[k + 1] = x
        return out

    t, w, out = _best(run)
    return {"s": t, "wall_s": w, "final_var": float(out[-1].var()), "frac_right_well": float(np.mean(out[-1] > 0))}


PEER = textwrap.dedent("""
    import json, sys, time
    import numpy as np
    import sdeint
    members, steps, h, sigma = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    tspan = np.linspace(0.0, steps * h, steps + 1)
    f = lambda x, t: x - x**3
    G = lambda x, t: np.array([[sigma]])
    res = {"version": sdeint.__version__ if hasattr(sdeint, "__version__") else "?"}
    for name in ("itoEuler", "itoSRI2"):
        fn = getattr(sdeint, name)
        gen = np.random.default_rng(0)
        fn(f, G, np.array([1.0]), tspan[:11], generator=gen)   # warm-up
        t0, c0 = time.perf_counter(), time.process_time()
        finals = []
        for m in range(members):
            y = fn(f, G, np.array([1.0]), tspan, generator=gen)
            finals.append(y[-1, 0])
        res[name] = {"s": time.process_time() - c0, "wall_s": time.perf_counter() - t0, "members": members,
                     "frac_right_well": float(np.mean(np.array(finals) > 0))}
    print(json.dumps(res))
""")


def peers() -> dict | None:
    py = _peer_python()
    if py is None:
        print("peers venv not found: sdeint rows skipped")
        return None
    out = subprocess.run([str(py), "-c", PEER, str(SDEINT_MEMBERS), str(STEPS), str(H), str(SIGMA)],
                         capture_output=True, text=True, timeout=3600)
    if out.returncode != 0:
        print("sdeint failed:", out.stderr[-2000:])
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    print(f"double well, sigma={SIGMA}, {MEMBERS} members x {STEPS} steps of h={H} (every step kept)")
    o = ours()
    npy = numpy_em()
    p = peers()
    print("\nCPU seconds of the process (single-threaded rows; wall time in brackets), best of 3")
    print(f"{'method':34s} {'CPU (s)':>10s} {'vs ours EM, 1 thread':>22s}")
    base = o["em"]["one_thread_s"]
    rows = [("attractor EM, 1 thread", o["em"]["one_thread_s"], o["em"]["one_thread_wall_s"]),
            ("attractor SRA1, 1 thread", o["sra"]["one_thread_s"], o["sra"]["one_thread_wall_s"]),
            ("NumPy vectorised EM", npy["s"], npy["wall_s"])]
    if p:
        for name in ("itoEuler", "itoSRI2"):
            k = MEMBERS / p[name]["members"]
            rows.append((f"sdeint {name} (x{k:g} scaled)", p[name]["s"] * k, p[name]["wall_s"] * k))
    for name, t, w in rows:
        print(f"{name:34s} {t:10.3f} {t / base:21.1f}x   [{w:.3f} s wall]")
    print(f"wall time on all {o['threads_available']} Numba threads: EM {o['em']['all_threads_s']:.3f} s, "
          f"SRA1 {o['sra']['all_threads_s']:.3f} s")
    print("\nratios (same work):")
    print(f"  NumPy EM / ours EM (1 thread)          = {npy['s'] / base:.1f}x")
    if p:
        print(f"  sdeint itoEuler / ours EM (1 thread)   = {p['itoEuler']['s'] * MEMBERS / p['itoEuler']['members'] / base:.0f}x")
        print(f"  sdeint itoSRI2 / ours SRA1 (1 thread)  = "
              f"{p['itoSRI2']['s'] * MEMBERS / p['itoSRI2']['members'] / o['sra']['one_thread_s']:.0f}x")
        print(f"  sdeint per member: itoEuler {p['itoEuler']['s'] / p['itoEuler']['members']:.3f} s, "
              f"itoSRI2 {p['itoSRI2']['s'] / p['itoSRI2']['members']:.3f} s")
    print("\nsanity (t = 10): fraction of members in the right well: "
          f"ours EM {o['em']['frac_right_well']:.3f}, SRA1 {o['sra']['frac_right_well']:.3f}, "
          f"NumPy {npy['frac_right_well']:.3f}" + (f", sdeint itoEuler {p['itoEuler']['frac_right_well']:.2f} "
                                                     f"({p['itoEuler']['members']} members)" if p else ""))


if __name__ == "__main__":
    main()
