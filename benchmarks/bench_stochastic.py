"""Drift and diffusion from data: attractor vs kramersmoyal (and PyDaddy), side by side.

Part 1 — Kramers–Moyal on the same grid and bandwidth. An Ornstein–Uhlenbeck path
(θ = 0.3, σ = 0.1, dt = 1e-3, exact AR(1) samples; the kramersmoyal paper's process) of N = 10^6
samples; ``kramersmoyal.km(x, bins=[5000], powers=4, bw=h)`` (its 1-D default grid, Epanechnikov
kernel, bandwidth h from Silverman's rule) vs ``attractor.learn.kramers_moyal(x, dt,
method="kernel", bins=5000, bandwidth=h, correction=False)``. Same values to rounding: the
largest difference of drift and diffusion over the grid points both keep, relative to the
largest value, is printed. Times: best of 3 in a warm process; kramersmoyal runs in the peers
venv (``.venv-peers``), timed inside that process.

Part 2 — 10^7 samples (ours only), binning and kernel method, each in a fresh subprocess that
simulates the series and reports wall time of the estimate and the peak resident memory of the
whole process (``VmHWM``, the child's own peak: interpreter, NumPy, Numba, the 80 MB series). Target (issue #14):
< 30 s and < 2 GB.

Part 3 — identification of PyDaddy's benchmark models A–D (Nabeel et al. 2023): the identified
equation, time, and the coefficients next to the oracle fit (weighted least squares of exactly
the true terms, see tests/learn/test_langevin.py) and, when PyDaddy is installed in the peers venv,
PyDaddy's own fit (``pydaddy.Characterize([x], t=dt)``, ``fit("F"/"G", order=5, tune=True)``) on the
same series (all 10^6 points by default; ``--pydaddy-n`` to subsample, ours then timed on both sizes).

Run:  python benchmarks/bench_stochastic.py [--quick] [--pydaddy-n N] [--part3-only]
(full: ~8 min, PyDaddy takes ~1.5–2 min per 10^6 points; --quick runs model A only in part 3;
with --pydaddy-n N < 10^6 PyDaddy runs on the first N points of models B–D, ours on those and on all 10^6)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "learn"))
from benchmarks._peers import peers_available, run_peer  # noqa: E402

from _sde_data import em_1d, ou_exact  # noqa: E402
from attractor.learn import LangevinRegression, kramers_moyal  # noqa: E402


def best_of(fn, repeat=3):
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def part1():
    print("== Part 1: Kramers–Moyal, kernel method, same grid and bandwidth as kramersmoyal ==")
    dt = 1e-3
    x = ou_exact(1_000_000, dt, 0.3, 0.1, seed=1)
    h = float(((4.0 * x.std() ** 5) / (3 * x.size)) ** (1 / 5))
    kramers_moyal(x[:1000], dt, method="kernel", bins=50, bandwidth=0.2, correction=False)  # compile
    t_ours, r = best_of(lambda: kramers_moyal(x, dt, method="kernel", bins=5000, bandwidth=h, correction=False,
                                              min_count=1))
    t_bin, _ = best_of(lambda: kramers_moyal(x, dt, method="binning", bins=5000, min_count=1))
    print(f"N = {x.size}, bins = 5000, bandwidth = {h:.5g}")
    print(f"attractor kernel : {t_ours * 1e3:8.1f} ms   ({r.points.size} grid points kept)")
    print(f"attractor binning: {t_bin * 1e3:8.1f} ms")
    if not peers_available():
        print("kramersmoyal: peers venv not found, skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "x.npy")
        np.save(path, x)
        res = run_peer(f"""
            import time, numpy as np, kramersmoyal as km
            x = np.load({path!r})
            best = 1e9
            for _ in range(3):
                t0 = time.perf_counter()
                kmc, edges = km.km(x, bins=[5000], powers=4, bw={h!r})
                best = min(best, time.perf_counter() - t0)
            result = dict(t=best, c=edges[0].tolist(), d1=(kmc[1] / {dt!r}).tolist(),
                          d2=(2 * kmc[2] / {dt!r}).tolist())
        """)
    c = np.array(res["c"])
    idx = np.searchsorted(c, r.points - 1e-12 * max(1.0, abs(c).max()))
    idx = np.clip(idx, 0, c.size - 1)
    same_grid = np.max(np.abs(c[idx] - r.points))
    d1 = np.max(np.abs(np.array(res["d1"])[idx] - r.drift)) / np.max(np.abs(r.drift))
    d2 = np.max(np.abs(np.array(res["d2"])[idx] - r.diffusion)) / np.max(np.abs(r.diffusion))
    print(f"kramersmoyal     : {res['t'] * 1e3:8.1f} ms")
    print(f"speed-up (kernel): {res['t'] / t_ours:6.1f}x   grid offset {same_grid:.1e}; max relative difference "
          f"drift {d1:.1e}, diffusion {d2:.1e}")


def part2():
    print("\n== Part 2: 10^7 samples, fresh process each (wall time of the estimate; peak RSS of the process) ==")
    for method, bins in (("binning", 100), ("kernel", 5000)):
        code = f"""
import sys, time, resource, json
sys.path.insert(0, {str(ROOT / 'src')!r}); sys.path.insert(0, {str(ROOT / 'tests')!r})
from _sde_data import ou_exact
from attractor.learn import kramers_moyal
x = ou_exact(10_000_000, 1e-3, 0.3, 0.1, seed=2)
kramers_moyal(x[:1000], 1e-3, method={method!r}, bins=50, min_count=1)
t0 = time.perf_counter()
r = kramers_moyal(x, 1e-3, method={method!r}, bins={bins}, min_count=1)
t = time.perf_counter() - t0
print(json.dumps(dict(t=t, rss=next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')) / 1024, kept=int(r.points.size))))
"""
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
        if out.returncode:
            print(method, "failed:", out.stderr[-2000:])
            continue
        d = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{method:8s} bins={bins:5d}: {d['t']:6.2f} s, peak RSS {d['rss']:6.0f} MB, {d['kept']} points kept")


MODELS = {
    "A": ([0, -1], [2], 0.01, 100_000),
    "B": ([0, 1, 0, -1], [2, 0, 2], 1e-3, 1_000_000),
    "C": ([0, 2, 0, -3], [0.25], 0.01, 1_000_000),
    "D": ([0, -1], [2, 0, -4, 0, 2], 0.01, 1_000_000),
}


def _pydaddy_fit(x, dt):
    """PyDaddy 1.0.0 in the peers venv: ``Characterize([x], t=dt)``, ``fit("F"/"G", order=5, tune=True)``;
    returns its time (s) and the ascending coefficients of F (drift) and G (g²)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "x.npy")
        np.save(path, x)
        return run_peer(f"""
            import time, numpy as np, pydaddy, matplotlib
            matplotlib.use("Agg")
            x = np.load({path!r})
            t0 = time.perf_counter()
            dd = pydaddy.Characterize([x], t={dt!r}, show_summary=False)
            F = dd.fit("F", order=5, tune=True)
            G = dd.fit("G", order=5, tune=True)
            result = dict(t=time.perf_counter() - t0, F=np.asarray(F.coeffs, float).tolist(),
                          G=np.asarray(G.coeffs, float).tolist(), Fs=str(F), Gs=str(G))
        """, timeout=1800)


def _accuracy(coef_f, coef_g, f, g, oracle):
    """Whether exactly the true terms were found, and the largest relative deviation of the
    coefficients on the true terms from the oracle fit and from the truth."""
    fs, cf, gs, cg = oracle
    cf_full, cg_full = np.zeros(max(len(coef_f), len(f))), np.zeros(max(len(coef_g), len(g)))
    cf_full[:len(coef_f)] = coef_f
    cg_full[:len(coef_g)] = coef_g
    exact = (list(np.flatnonzero(np.abs(cf_full) > 0)) == list(fs)
             and list(np.flatnonzero(np.abs(cg_full) > 0)) == list(gs))
    dev_or = max(np.max(np.abs(cf_full[fs] / cf - 1)), np.max(np.abs(cg_full[gs] / cg - 1)))
    tf, tg = np.asarray(f, float), np.asarray(g, float)
    dev_tr = max(np.max(np.abs(cf_full[fs] / tf[fs] - 1)), np.max(np.abs(cg_full[gs] / tg[gs] - 1)))
    return exact, dev_or, dev_tr


def part3(quick: bool, pydaddy_n: int):
    print("\n== Part 3: PyDaddy benchmark models A-D (terms found, coefficients, oracle fit, time) ==")
    print(f"PyDaddy runs on the first min(n, {pydaddy_n}) points of each series (~1.5-2 min per 10^6 points); "
          "ours on the same subsample and on the full series. 'exact' = exactly the true terms; 'vs oracle' / "
          "'vs truth' = largest relative deviation of the true terms' coefficients.")
    from test_langevin import _oracle

    has_pydaddy = False
    if peers_available():
        try:
            has_pydaddy = bool(run_peer("import pydaddy\nresult = True", timeout=300))
        except RuntimeError:
            has_pydaddy = False
    if not has_pydaddy:
        print("(PyDaddy not importable in the peers venv: compared with the oracle fit only)")
    for name, (f, g, dt, n) in MODELS.items():
        if quick and n > 100_000:
            continue
        x = em_1d(n, dt, f, g, seed=0, substeps=max(10, int(round(dt / 1e-4))))
        print(f"{name}: truth f = {f}, g² = {g} (ascending powers), dt = {dt}, n = {n}")
        sizes = [n] if n <= pydaddy_n else [n, pydaddy_n]
        ours_t = {}
        for m_n in sizes:
            xs = x[:m_n]
            t0 = time.perf_counter()
            m = LangevinRegression().fit(xs, dt)
            t = time.perf_counter() - t0
            ours_t[m_n] = t
            orc = _oracle(xs, dt, f, g)
            ex, d_or, d_tr = _accuracy(m.drift_coef_[0], m.diffusion_coef_[0], f, g, orc)
            print(f"   ours    n={m_n:>8d}: {t:6.1f} s  {m.equations()[0]}")
            print(f"                       exact={ex}  vs oracle {d_or:.2%}  vs truth {d_tr:.2%};  oracle drift "
                  f"{np.round(orc[1], 4).tolist()} g² {np.round(orc[3], 4).tolist()}")
        if has_pydaddy:
            m_n = min(n, pydaddy_n)
            xs = x[:m_n]
            try:
                res = _pydaddy_fit(xs, dt)
            except RuntimeError as exc:
                print("   PyDaddy failed:", str(exc).splitlines()[-1][:300])
                continue
            ex, d_or, d_tr = _accuracy(np.array(res["F"]), np.array(res["G"]), f, g, _oracle(xs, dt, f, g))
            print(f"   PyDaddy n={m_n:>8d}: {res['t']:6.1f} s  F = {res['Fs']}, G = {res['Gs']}")
            print(f"                       exact={ex}  vs oracle {d_or:.2%}  vs truth {d_tr:.2%};  "
                  f"speed-up (same n) {res['t'] / ours_t[m_n]:.0f}x")


if __name__ == "__main__":
    warnings.simplefilter("ignore")  # quality flags of the synthetic series are not the point here
    quick = "--quick" in sys.argv
    pydaddy_n = 1_000_000
    if "--pydaddy-n" in sys.argv:
        pydaddy_n = int(sys.argv[sys.argv.index("--pydaddy-n") + 1])
    if "--part3-only" not in sys.argv:
        part1()
        part2()
    part3(quick, pydaddy_n)
