"""Invariants from data: attractor vs nolds 0.6.2 (one run, side by side), then scaling.

Part 1 — Lorenz x-component (sigma=10, rho=28, beta=8/3), dt = 0.01, N = 10^4 after a
50-time-unit transient:

* largest Lyapunov exponent: ``attractor.analysis.max_lyapunov_from_data`` (automatic
  embedding, Theiler window and fit region) vs ``nolds.lyap_r`` twice — with its defaults
  (``tau=dt`` so that both report 1/time units) and with our embedding, Theiler window and
  fit region handed to it (``emb_dim``, ``lag``, ``min_tsep``, ``trajectory_len``,
  ``fit_offset``) — against 0.9056 (Sprott 2003, Chaos and Time-Series Analysis);
* correlation dimension: ``attractor.analysis.dimensions.correlation_dimension`` vs
  ``nolds.corr_dim`` with the same embedding (dimension 4, our delay), against 2.05
  (Grassberger & Procaccia 1983, Physica D 9, 189).

Times are the best of a few runs in an already warm process (Numba kernels compiled and
cached), as wall-clock and as CPU time (all threads; robust to other load on a shared
machine); the first call of a fresh process is reported separately. nolds runs in
``.venv-peers`` (see ``benchmarks/_peers.py``); the series reaches it through a temporary
``.npy`` file, and its time is measured inside the peer process.

Our correlation dimension counts every pair exactly at N = 10^4 (a brute-force kernel that
bins distances by a lookup table on their bit patterns; the default radii are placed where
that lookup alone decides) and uses all threads Numba has (``NUMBA_NUM_THREADS``, printed);
nolds is single-threaded, so the CPU-time speed-up (all threads summed) is printed beside
the wall-clock one. Target (issue #5): at least 50x nolds ``corr_dim`` in wall time.

Part 2 — ours only (nolds builds N x N distance matrices): N = 10^5 and 10^6, each in a
fresh subprocess that loads the series from ``.npy`` and reports wall time and peak
resident memory (``VmHWM``: the child's own peak; ``ru_maxrss`` would inherit the parent's across exec; the whole process: interpreter, NumPy, Numba, data), for
the largest Lyapunov exponent (automatic settings) and the correlation dimension (the
embedding of part 1; C(r) estimated from 20,000 reference points above 20,000 points).

Run:  python benchmarks/bench_data_invariants.py   (a few minutes; the 10^6 series is
simulated first)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numba
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
from benchmarks._peers import peers_available, run_peer  # noqa: E402

import attractor  # noqa: E402
from attractor.analysis.lyapunov_data import max_lyapunov_from_data  # noqa: E402

DT = 0.01
LAMBDA_PUBLISHED = 0.9056  # Sprott 2003
D2_PUBLISHED = 2.05  # Grassberger & Procaccia 1983
D2_DIMENSION = 4


def lorenz_x(n: int) -> np.ndarray:
    return attractor.system("lorenz").trajectory(n, dt=DT, transient=50).x[:, 0]


def best_of(fn, repeat=3):
    """Best wall time and best CPU time (all threads) of ``repeat`` runs, and the output."""
    best, best_cpu, out = np.inf, np.inf, None
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return (best, best_cpu), out


def first_call_seconds(path: str) -> float:
    """Wall time of the first call in a fresh process (kernels loaded from Numba's cache)."""
    code = (
        "import sys, time, numpy as np; sys.path.insert(0, %r)\n"
        "from attractor.analysis.lyapunov_data import max_lyapunov_from_data\n"
        "x = np.load(%r); t0 = time.perf_counter(); max_lyapunov_from_data(x, %r)\n"
        "print(time.perf_counter() - t0)\n"
    ) % (str(ROOT / "src"), path, DT)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def ours_scaling(path: str) -> dict:
    code = (
        "import sys, time, json, resource, numpy as np; sys.path.insert(0, %r)\n"
        "from attractor.analysis.lyapunov_data import max_lyapunov_from_data\n"
        "x = np.load(%r)\n"
        "max_lyapunov_from_data(x[:20000], %r)  # load cached kernels outside the timing\n"
        "t0 = time.perf_counter(); r = max_lyapunov_from_data(x, %r); el = time.perf_counter() - t0\n"
        "print(json.dumps(dict(seconds=el, exponent=r.exponent, ci=r.confidence_interval, m=r.dimension,\n"
        "  delay=r.delay, theiler=r.theiler, fit=(r.fit_start, r.fit_end), refs=r.n_references,\n"
        "  rss_mb=next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')) / 1024)))\n"
    ) % (str(ROOT / "src"), path, DT, DT)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def ours_d2_scaling(path: str, lag: int, w: int) -> dict:
    code = (
        "import sys, time, json, resource, numpy as np; sys.path.insert(0, %r)\n"
        "from attractor.analysis.dimensions import correlation_dimension\n"
        "x = np.load(%r); kw = dict(dimension=%d, delay=%d, theiler=%d)\n"
        "correlation_dimension(x[:40000], **kw)  # load cached kernels outside the timing\n"
        "t0 = time.perf_counter(); r = correlation_dimension(x, **kw); el = time.perf_counter() - t0\n"
        "print(json.dumps(dict(seconds=el, d2=r.dimension, region=r.scaling_region, exact=r.exact,\n"
        "  refs=r.n_reference, rss_mb=next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')) / 1024)))\n"
    ) % (str(ROOT / "src"), path, D2_DIMENSION, lag, w)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def row(name, times, value, published, ref_times=None):
    """times = (wall, cpu) seconds; the speed-up is given for both."""
    err = 100 * (value - published) / published
    speed = "" if ref_times is None else f"{ref_times[0] / times[0]:6.0f}x wall {ref_times[1] / times[1]:6.0f}x CPU"
    print(f"  {name:<44s} {times[0]:8.3f} s {times[1]:8.3f} s  {value:8.4f}  {published:6.4f}  {err:+7.1f} %  {speed}")


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench_data_invariants_"))
    x = lorenz_x(10_000)
    path = str(tmp / "lorenz_x_1e4.npy")
    np.save(path, x)

    # ---------------------------------------------------------------- ours, N = 1e4
    max_lyapunov_from_data(x, DT)  # warm-up (compile / load kernels)
    t_ours, res = best_of(lambda: max_lyapunov_from_data(x, DT))
    t_first = first_call_seconds(path)
    m, lag, w = res.dimension, res.delay, res.theiler
    i0, i1 = int(round(res.fit_start / DT)), int(round(res.fit_end / DT))

    d2 = None
    try:
        from attractor.analysis.dimensions import correlation_dimension
    except ImportError as exc:  # pragma: no cover - depends on a peer module's progress
        print(f"(correlation_dimension not available yet: {exc}; its rows are skipped)")
    else:
        correlation_dimension(x, dimension=D2_DIMENSION, delay=lag, theiler=w)
        t_d2, d2 = best_of(
            lambda: correlation_dimension(x, dimension=D2_DIMENSION, delay=lag, theiler=w), 5)

    # ---------------------------------------------------------------- nolds, N = 1e4
    peer = None
    if peers_available():
        peer = run_peer(f"""
            import time, numpy as np, nolds
            x = np.load({path!r})
            out = {{}}
            c0, t0 = time.process_time(), time.perf_counter(); v = nolds.lyap_r(x, tau={DT})
            out['lyap_default'] = ((time.perf_counter() - t0, time.process_time() - c0), float(v))
            c0, t0 = time.process_time(), time.perf_counter()
            v = nolds.lyap_r(x, emb_dim={m}, lag={lag}, min_tsep={w}, tau={DT}, trajectory_len={i1 + 1},
                             fit_offset={i0})
            out['lyap_matched'] = ((time.perf_counter() - t0, time.process_time() - c0), float(v))
            c0, t0 = time.process_time(), time.perf_counter(); v = nolds.corr_dim(x, emb_dim={D2_DIMENSION}, lag={lag})
            out['corr_dim'] = ((time.perf_counter() - t0, time.process_time() - c0), float(v))
            result = out
        """)
    else:
        print("(peer environment .venv-peers missing: nolds rows skipped)")

    print(f"\nLorenz x, dt = {DT}, N = 10^4 (embedding chosen by attractor: m = {m}, delay = {lag}, "
          f"Theiler = {w}; fit region {res.fit_start:.2f}-{res.fit_end:.2f} time units)")
    print(f"  {'estimator':<44s} {'wall':>10s} {'CPU':>10s}  {'value':>8s}  {'publ.':>6s}  {'error':>9s}  "
          "speed-up vs the nolds row above")
    if peer:
        t_nd, v_nd = peer["lyap_default"]
        t_nm, v_nm = peer["lyap_matched"]
        row("nolds.lyap_r (defaults, tau=dt)", t_nd, v_nd, LAMBDA_PUBLISHED)
        row("nolds.lyap_r (our embedding + fit region)", t_nm, v_nm, LAMBDA_PUBLISHED)
    row("attractor max_lyapunov_from_data (auto)", t_ours, res.exponent, LAMBDA_PUBLISHED,
        None if not peer else peer["lyap_default"][0])
    print(f"  {'':<44s} first call in a fresh process: {t_first:.2f} s; "
          f"95 % CI [{res.confidence_interval[0]:.3f}, {res.confidence_interval[1]:.3f}]")
    if peer:
        tm = peer["lyap_matched"][0]
        print(f"  speed-up vs nolds with matched settings: {tm[0] / t_ours[0]:.0f}x wall, {tm[1] / t_ours[1]:.0f}x CPU")
    if d2 is not None:
        if peer:
            row(f"nolds.corr_dim (emb_dim={D2_DIMENSION}, lag={lag})", *peer["corr_dim"], D2_PUBLISHED)
        row(f"attractor correlation_dimension (m={D2_DIMENSION})", t_d2, d2.dimension, D2_PUBLISHED,
            None if not peer else peer["corr_dim"][0])
        print(f"  {'':<44s} exact pair counts ({d2.n_points} points), scaling region "
              f"{d2.scaling_region[0]:.3g}-{d2.scaling_region[1]:.3g}, {numba.get_num_threads()} "
              "Numba threads (nolds: 1)")
        if peer:
            tc = peer["corr_dim"][0]
            print(f"  D2 speed-up vs nolds.corr_dim: {tc[0] / t_d2[0]:.0f}x wall, {tc[1] / t_d2[1]:.0f}x CPU "
                  f"(target: >= 50x wall)")

    # ---------------------------------------------------------------- scaling, ours only
    print("\nScaling, fresh process per N and estimator (simulation not timed)")
    print(f"  {'N':>9s} {'time':>9s} {'peak RSS':>10s}  {'value':>8s}  details")
    for n in (100_000, 1_000_000):
        t0 = time.perf_counter()
        xn = lorenz_x(n)
        sim = time.perf_counter() - t0
        pn = str(tmp / f"lorenz_x_{n}.npy")
        np.save(pn, xn)
        del xn
        s = ours_scaling(pn)
        print(f"  {n:>9d} {s['seconds']:7.2f} s {s['rss_mb']:7.0f} MB  {s['exponent']:8.4f}  "
              f"max_lyapunov_from_data: 95 % CI [{s['ci'][0]:.3f}, {s['ci'][1]:.3f}], m={s['m']} "
              f"delay={s['delay']} Theiler={s['theiler']} fit {s['fit'][0]:.2f}-{s['fit'][1]:.2f} "
              f"refs={s['refs']} (simulation {sim:.0f} s)")
        if d2 is not None:
            s = ours_d2_scaling(pn, lag, w)
            print(f"  {n:>9d} {s['seconds']:7.2f} s {s['rss_mb']:7.0f} MB  {s['d2']:8.4f}  "
                  f"correlation_dimension (m={D2_DIMENSION}, delay={lag}, Theiler={w}): "
                  f"{'exact' if s['exact'] else 'estimated, %d references' % s['refs']}, "
                  f"scaling region {s['region'][0]:.3g}-{s['region'][1]:.3g}")
        os.remove(pn)
    os.remove(path)
    tmp.rmdir()


if __name__ == "__main__":
    main()
