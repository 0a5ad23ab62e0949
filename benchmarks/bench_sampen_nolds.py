"""Sample entropy: attractor vs nolds 0.6.2 (``nolds.sampen``) on seeded series whose
standard deviation is far from 1.

Issue #19: the report used to pass an absolute tolerance ``0.2 · std`` to
:func:`attractor.analysis.entropy.sample_entropy`, which reads ``r`` relative to the
standard deviation, so the tolerance became ``0.2 · std²``. This script shows, live, that

* ``sample_entropy(x, m=2, r=0.2, closed=False)`` equals
  ``nolds.sampen(x, emb_dim=2, tolerance=0.2 * np.std(x))`` (same tolerance, strict match);
* ``sample_entropy(x, m=2, tolerance=t, closed=False)`` equals nolds with its *default*
  tolerance ``t = 0.1164 · (0.5627 ln 2 + 1.3334) · std(x, ddof=1)``;

and prints the values, which ``tests/analysis/test_entropy.py`` stores as literals (CI has
no nolds). The series are produced by :func:`sampen_series` (same code as in the test).

Run:  python benchmarks/bench_sampen_nolds.py
(nolds from the peers' venv: ``$ATTRACTOR_PEERS_PYTHON``, ``.venv-peers`` in the repository
root or in its parent directory.)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from attractor.analysis.entropy import sample_entropy  # noqa: E402


def sampen_series() -> dict[str, np.ndarray]:
    """Six seeded series of 1500 samples with standard deviations from 1e-3 to 1e3."""
    rng = np.random.default_rng(20261202)
    n = 1500
    out = {"gauss (std 37)": 5.0 + 37.0 * rng.normal(size=n)}
    e = rng.normal(size=n)
    ar = np.empty(n)
    ar[0] = 0.0
    for i in range(1, n):
        ar[i] = 0.9 * ar[i - 1] + e[i]
    out["AR(1) phi=0.9 (std 0.0023)"] = 1e-3 * ar
    lg = np.empty(n + 100)
    lg[0] = 0.3141
    for i in range(1, n + 100):
        lg[i] = 3.9 * lg[i - 1] * (1.0 - lg[i - 1])
    out["logistic r=3.9 (x 1000)"] = 1000.0 * lg[100:]
    hx, hy = 0.1, 0.1
    hen = np.empty(n + 100)
    for i in range(n + 100):
        hx, hy = 1.0 - 1.4 * hx * hx + hy, 0.3 * hx
        hen[i] = hx
    out["Henon x (x 0.01)"] = 0.01 * hen[100:]
    t = np.arange(n)
    out["sine + noise (x 250)"] = 250.0 * (np.sin(2 * np.pi * t / 37.3) + 0.3 * rng.normal(size=n))
    out["Student-t(5) cubed (x 80)"] = 80.0 * rng.standard_t(5, size=n) ** 3
    return out


def _peer_python() -> Path | None:
    cands = [os.environ.get("ATTRACTOR_PEERS_PYTHON"), ROOT / ".venv-peers/bin/python",
             ROOT.parent / ".venv-peers/bin/python"]
    for c in cands:
        if c and Path(c).exists():
            return Path(c)
    return None


def main() -> None:
    series = sampen_series()
    py = _peer_python()
    if py is None:
        print("nolds not available (no .venv-peers); only our values are printed")
    with tempfile.TemporaryDirectory() as tmp:
        np.savez(Path(tmp) / "s.npz", *series.values())
        peer = None
        if py is not None:
            code = (f"import json, numpy as np, nolds\nz = np.load({str(Path(tmp) / 's.npz')!r})\n"
                    "out = []\nfor k in sorted(z.files, key=lambda s: int(s.split('_')[1])):\n"
                    "    x = z[k]\n"
                    "    out.append([float(nolds.sampen(x, emb_dim=2, tolerance=0.2 * np.std(x))),\n"
                    "                float(nolds.sampen(x, emb_dim=2))])\n"
                    "print(json.dumps(out))\n")
            res = subprocess.run([str(py), "-c", code], capture_output=True, text=True, check=True)
            peer = json.loads(res.stdout.strip().splitlines()[-1])
    print(f"{'series':38s} {'std':>10s} {'ours r=0.2':>12s} {'nolds tol=0.2std':>17s} "
          f"{'ours nolds-tol':>15s} {'nolds default':>14s} {'max rel diff':>12s}")
    worst = 0.0
    for q, (name, x) in enumerate(series.items()):
        ours = sample_entropy(x, m=2, r=0.2, closed=False).entropy
        t_nolds = np.std(x, ddof=1) * 0.1164 * (0.5627 * np.log(2) + 1.3334)
        ours_d = sample_entropy(x, m=2, tolerance=t_nolds, closed=False).entropy
        if peer is not None:
            n1, n2 = peer[q]
            rel = max(abs(ours - n1) / abs(n1), abs(ours_d - n2) / abs(n2))
            worst = max(worst, rel)
            print(f"{name:38s} {np.std(x):10.4g} {ours:12.9f} {n1:17.9f} {ours_d:15.9f} {n2:14.9f} {rel:12.2e}")
        else:
            print(f"{name:38s} {np.std(x):10.4g} {ours:12.9f} {'-':>17s} {ours_d:15.9f}")
    if peer is not None:
        print(f"largest relative difference: {worst:.2e} (target 1e-6)")


if __name__ == "__main__":
    main()
