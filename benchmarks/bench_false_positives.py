"""False-positive and detection study of the report verdict (issue #19).

Runs :func:`attractor.report.analyze` on many seeded series and counts how often the verdict
*claims* nonlinear structure (labels "nonlinear determinism" or "deterministic chaos likely",
:data:`attractor.report.verdict.CLAIM_LABELS`), and how often it does so with high confidence.

Linear / periodic classes (must claim nonlinear structure in <= 5 % of runs, never with high
confidence), N = 10 000 samples, dt = 1:

* ``white``: Gaussian white noise;
* ``ar1``: AR(1) with phi = 0.95 (after a 1000-step burn-in);
* ``pink``: 1/f noise, white noise shaped in the Fourier domain by amplitude f^(-1/2);
* ``randomwalk``: cumulative sum of white noise;
* ``sines``: sin(2 pi t / P + phase) + 0.3 * white noise, P in (12.5, 25, 50, 100) by seed;
* ``quasiperiodic``: sin(2 pi t / P) + 0.7 sin(2 pi t / (P * golden ratio)) + 0.3 * white noise.

Chaotic systems (must find nonlinear determinism in >= 95 % of runs at 0 % noise; the rates
at 5 % and 10 % observational noise are reported), the first coordinate of the catalogue
system sampled by :func:`attractor.systems.sample` from a random point of the attractor:
``lorenz`` and ``rossler`` at 100 samples per catalogue period (dt = 0.015 and 0.059),
``henon`` and ``logistic`` (r = 4) every iterate, ``mackey_glass`` (tau = 16) at 6 samples per
catalogue period (dt = 0.99, about 50 samples per pseudo-period). Noise std = fraction x
signal std (independent Gaussian, added after simulation).

Each analysis leaves out only the items the verdict does not read (the reconstruction plot,
entropies, RQA, SINDy) and renders no figures (``analyze(figures=False)``); the verdict is the
same as in a full report with the same options. ``--quick`` uses analyze(quick=True) (19 instead of 99 surrogates,
smaller subsamples): the decision rule is the same, but with 19 surrogates a rank test
cannot reach p <= 0.01, so quick runs never give "high" confidence to a chaos claim and the
high-confidence column is only informative without ``--quick``.

The study's mode is the default (not ``--quick``): 99 IAAFT / cycle-shuffle surrogates (so a
rank test can reach p = 0.01 and a claim can carry "high" confidence), NGRC and the 500-node
echo-state network in the forecast comparison. Measured (2 workers on a 2-core machine shared with
other jobs): 600 analyses in 1589 s wall (26.5 min; mean 5.3 s per analysis in-process, inflated
by the load); 270 of them (the periodic-null classes) rerun in 336 s (2.4 s each) on a quieter
machine.

Run:  PYTHONPATH=src python benchmarks/bench_false_positives.py --seeds 50 --chaos-seeds 20 \\
          --out results.csv
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np

NOISE_CLASSES = ("white", "ar1", "pink", "randomwalk", "sines", "quasiperiodic")
CHAOS_CLASSES = ("lorenz", "rossler", "henon", "logistic", "mackey_glass")
CHAOS_NOISE = (0.0, 0.05, 0.10)
N_DEFAULT = 10_000
#: Items the verdict does not read (left out for speed).
EXCLUDE = ("attractor", "entropy", "rqa", "sindy", "probabilistic")
_PTS_PER_PERIOD = {"lorenz": 100.0, "rossler": 100.0, "mackey_glass": 6.0}
_PARAMS = {"logistic": {"r": 4.0}}
_GOLDEN = (1 + 5 ** 0.5) / 2


def noise_series(kind: str, seed: int, n: int = N_DEFAULT) -> tuple[np.ndarray, float]:
    """A linear-stochastic or noisy periodic series of class ``kind``; returns ``(x, dt)``."""
    rng = np.random.default_rng([seed, NOISE_CLASSES.index(kind)])
    t = np.arange(n, dtype=float)
    if kind == "white":
        x = rng.standard_normal(n)
    elif kind == "ar1":
        e = rng.standard_normal(n + 1000)
        y = np.empty_like(e)
        y[0] = e[0]
        for i in range(1, e.size):
            y[i] = 0.95 * y[i - 1] + e[i]
        x = y[1000:]
    elif kind == "pink":
        f = np.fft.rfftfreq(n)
        spec = np.fft.rfft(rng.standard_normal(n))
        shape = np.zeros_like(f)
        shape[1:] = f[1:] ** -0.5
        x = np.fft.irfft(spec * shape, n)
    elif kind == "randomwalk":
        x = np.cumsum(rng.standard_normal(n))
    elif kind == "sines":
        period = (12.5, 25.0, 50.0, 100.0)[seed % 4]
        x = np.sin(2 * np.pi * t / period + rng.uniform(0, 2 * np.pi)) + 0.3 * rng.standard_normal(n)
    elif kind == "quasiperiodic":
        period = (12.5, 25.0, 50.0)[seed % 3]
        x = (np.sin(2 * np.pi * t / period + rng.uniform(0, 2 * np.pi))
             + 0.7 * np.sin(2 * np.pi * t / (period * _GOLDEN) + rng.uniform(0, 2 * np.pi))
             + 0.3 * rng.standard_normal(n))
    else:
        raise ValueError(f"unknown noise class {kind!r}; choose from {NOISE_CLASSES}.")
    return x, 1.0


def chaos_series(name: str, seed: int, noise: float, n: int = N_DEFAULT) -> tuple[np.ndarray, float]:
    """First coordinate of a catalogue chaotic system with observational noise; returns ``(x, dt)``."""
    from attractor.systems import sample

    tr = sample(name, n, pts_per_period=_PTS_PER_PERIOD.get(name, 100.0), random_ic=True, noise=noise,
                seed=seed, **_PARAMS.get(name, {}))
    x = np.asarray(tr.x)[:, 0]
    dt = float(tr.t[1] - tr.t[0]) if tr.t.size > 1 else 1.0
    return x, dt


def run_one(task: tuple) -> dict:
    """Analyse one series; ``task = (kind, noise, seed, quick, n)``. Returns a results row."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from attractor.report import analyze
    from attractor.report.verdict import CLAIM_LABELS

    kind, noise, seed, quick, n = task
    if kind in NOISE_CLASSES:
        x, dt = noise_series(kind, seed, n)
        group = "linear/periodic"
    else:
        x, dt = chaos_series(kind, seed, noise, n)
        group = "chaotic"
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = analyze(x, dt=dt, quick=quick, seed=seed, exclude_items=EXCLUDE, figures=False)
    sec = time.perf_counter() - start
    v = a.item("verdict").result
    return {"class": kind, "group": group, "noise": noise, "seed": seed, "n": n, "quick": quick,
            "verdict": a.verdict, "confidence": a.confidence, "rule": getattr(v, "rule", ""),
            "claims_nonlinear": a.verdict in CLAIM_LABELS, "claims_chaos": a.verdict == "deterministic chaos likely",
            "high_confidence_claim": a.verdict in CLAIM_LABELS and a.confidence == "high",
            "reasons": " | ".join(a.reasons), "seconds": round(sec, 3)}


def tasks(classes, seeds: int, chaos_seeds: int, quick: bool, n: int, noises=CHAOS_NOISE) -> list[tuple]:
    out = []
    for c in classes:
        if c in NOISE_CLASSES:
            out += [(c, 0.0, s, quick, n) for s in range(seeds)]
        elif c in CHAOS_CLASSES:
            out += [(c, lv, s, quick, n) for lv in noises for s in range(chaos_seeds)]
        else:
            raise SystemExit(f"unknown class {c!r}; choose from {NOISE_CLASSES + CHAOS_CLASSES}.")
    return out


def summarize(rows: list[dict]) -> list[dict]:
    """One line per (class, noise): runs, claim rate, chaos rate, high-confidence claims, mean seconds."""
    table = {}
    for r in rows:
        key = (r["class"], float(r["noise"]))
        table.setdefault(key, []).append(r)
    out = []
    for (c, lv), rs in table.items():
        out.append({"class": c, "noise": lv, "runs": len(rs),
                    "nonlinear_rate": float(np.mean([bool(r["claims_nonlinear"]) for r in rs])),
                    "chaos_rate": float(np.mean([bool(r["claims_chaos"]) for r in rs])),
                    "high_conf_claims": int(sum(bool(r["high_confidence_claim"]) for r in rs)),
                    "seconds": float(np.mean([float(r["seconds"]) for r in rs])),
                    "labels": _label_counts(rs)})
    return out


def _label_counts(rs) -> str:
    counts = {}
    for r in rs:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    return "; ".join(f"{k}: {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


def print_table(summary: list[dict], file=sys.stdout) -> None:
    print(f"{'class':<14}{'noise':>6}{'runs':>6}{'claim NL':>10}{'chaos':>8}{'high':>6}{'s/run':>7}  verdicts",
          file=file)
    for s in summary:
        print(f"{s['class']:<14}{100 * s['noise']:>5.0f}%{s['runs']:>6}{100 * s['nonlinear_rate']:>9.0f}%"
              f"{100 * s['chaos_rate']:>7.0f}%{s['high_conf_claims']:>6}{s['seconds']:>7.1f}  {s['labels']}",
              file=file)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=50, help="seeds per linear/periodic class (default 50)")
    ap.add_argument("--chaos-seeds", type=int, default=20, help="seeds per chaotic system and noise level")
    ap.add_argument("--classes", default=",".join(NOISE_CLASSES + CHAOS_CLASSES),
                    help="comma-separated classes (default all)")
    ap.add_argument("--noise", default=",".join(str(v) for v in CHAOS_NOISE),
                    help="comma-separated observational noise levels of the chaotic classes (default 0,0.05,0.1)")
    ap.add_argument("--quick", action="store_true", help="analyze(quick=True): about 3x faster")
    ap.add_argument("--n", type=int, default=N_DEFAULT, help="samples per series (default 10 000)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default=None, help="CSV file for the per-run rows")
    ap.add_argument("--table", default=None, metavar="CSV",
                    help="print the table of an earlier run's CSV (e.g. an interrupted one) and exit")
    args = ap.parse_args(argv)
    if args.table:
        with open(args.table, newline="", encoding="utf-8") as fh:
            old = [dict(r, claims_nonlinear=r["claims_nonlinear"] == "True", claims_chaos=r["claims_chaos"] == "True",
                        high_confidence_claim=r["high_confidence_claim"] == "True") for r in csv.DictReader(fh)]
        print_table(summarize(old))
        return 0
    todo = tasks([c.strip() for c in args.classes.split(",") if c.strip()], args.seeds, args.chaos_seeds,
                 args.quick, args.n, noises=tuple(float(v) for v in args.noise.split(",") if v.strip()))
    start = time.perf_counter()
    rows = []
    fh = open(args.out, "w", newline="", encoding="utf-8") if args.out else None
    writer = None
    try:
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            for i, row in enumerate(pool.map(run_one, todo, chunksize=1)):
                rows.append(row)
                if fh is not None:  # written row by row, so an interrupted study keeps what it did
                    if writer is None:
                        writer = csv.DictWriter(fh, fieldnames=list(row))
                        writer.writeheader()
                    writer.writerow(row)
                    fh.flush()
                if (i + 1) % 10 == 0 or i + 1 == len(todo):
                    print(f"  {i + 1}/{len(todo)} analyses, {time.perf_counter() - start:.0f} s", file=sys.stderr)
    finally:
        if fh is not None:
            fh.close()
    wall = time.perf_counter() - start
    print_table(summarize(rows))
    mode = ("quick (analyze(quick=True): 19 surrogates, no ESN)" if args.quick else
            "full (99 surrogates, 2 x 199 against the cycle-shuffle null; NGRC + ESN forecasts)")
    print(f"mode: {mode}; figures off; items left out: {', '.join(EXCLUDE)}; N = {args.n}")
    print(f"{len(rows)} analyses in {wall:.0f} s wall ({args.workers} workers); "
          f"mean {np.mean([r['seconds'] for r in rows]):.2f} s per analysis.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
