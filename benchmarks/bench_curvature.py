"""Hessian curvature side by side with PyHessian (Yao et al. 2020), same network, same weights.

Network: tanh MLP with MSE loss ``½ mean ‖f(x) − y‖²`` on scikit-learn's digits (the edge-of-
stability task, :func:`attractor.training.edge_of_stability.digits_mlp_objective`), float64 on
both sides. Our weights are copied into a ``torch.nn.Sequential`` in the peers' environment
(``nn.Linear.weight`` is our ``W.T``). Compared:

* one Hessian–vector product with the same vector (relative difference);
* the top-3 eigenvalues: ours by Lanczos (``tol = 1e-10``), PyHessian by its power iteration with
  deflation (``tol = 1e-9`` on the eigenvalue's relative change, up to 3000 iterations each);
* the trace: Hutchinson on the same 50 Rademacher probes on both sides (identical estimates up to
  rounding), and PyHessian's own ``trace()`` (its own random probes) against our estimate ± the
  combined standard error;
* the batch dependence of the top eigenvalue (ours: 8 single batches of 25 samples vs the full batch);
* time to the top-3 eigenvalues (Lanczos vs power iteration, both to ~1e-9), and time per HVP (median of repeated calls, after warm-up; PyHessian re-uses the gradient graph of
  its constructor, as in its single-batch mode), one thread each side
  (``torch.set_num_threads(1)``, ``XLA_FLAGS=--xla_cpu_multi_thread_eigen=false``, and the process
  pinned to one core, which the peer's subprocess inherits), on the small
  network and on the 64-200-200-10 network of the edge-of-stability demo.

PyHessian 0.1 calls ``torch.eig`` (removed in PyTorch 2) only in ``density()``, which is not used.

Run::

    XLA_FLAGS=--xla_cpu_multi_thread_eigen=false PYTHONPATH=src python benchmarks/bench_curvature.py

Peers' interpreter: ``$ATTRACTOR_PEERS_PYTHON``, else ``.venv-peers`` at the repository root or beside
it (``pip install torch pyhessian``).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = (("small", 500, 50), ("eos", 1000, 200))   # (name, n_samples, width)


def _peer_python() -> Path | None:
    env = os.environ.get("ATTRACTOR_PEERS_PYTHON")
    cands = [Path(env)] if env else []
    cands += [ROOT / ".venv-peers" / "bin" / "python", ROOT.parent / ".venv-peers" / "bin" / "python"]
    return next((p for p in cands if p.exists()), None)


PEER = r"""
import json, sys, time
import numpy as np
import torch
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)
torch.manual_seed(0)
from pyhessian import hessian

d = np.load(sys.argv[1])
eig = sys.argv[2] == "1"
timing_only = sys.argv[2] == "t"
n_layers = int(d["n_layers"])
layers = []
for i in range(n_layers):
    W, b = d[f"W{i}"], d[f"b{i}"]
    lin = torch.nn.Linear(W.shape[0], W.shape[1])
    with torch.no_grad():
        lin.weight.copy_(torch.from_numpy(W.T.copy()))
        lin.bias.copy_(torch.from_numpy(b))
    layers.append(lin)
    if i < n_layers - 1:
        layers.append(torch.nn.Tanh())
net = torch.nn.Sequential(*layers).double()
X, Y = torch.from_numpy(d["X"]), torch.from_numpy(d["Y"])
crit = lambda out, y: 0.5 * ((out - y) ** 2).sum(dim=1).mean()
H = hessian(net, crit, data=(X, Y), cuda=False)

# our flat order is (W0, b0, W1, b1, ...) with W as (in, out); torch's is (weight (out,in), bias)
def to_torch(flat):
    parts, i = [], 0
    for p in H.params:
        n = p.numel()
        if p.dim() == 2:
            o, inn = p.shape
            parts.append(torch.from_numpy(flat[i:i + n].reshape(inn, o).T.copy()))
        else:
            parts.append(torch.from_numpy(flat[i:i + n].copy()))
        i += n
    return parts

def to_flat(parts):
    out = []
    for p in parts:
        out.append(p.detach().T.reshape(-1).numpy() if p.dim() == 2 else p.detach().reshape(-1).numpy())
    return np.concatenate(out)

from pyhessian.utils import hessian_vector_product
res = {}
if not timing_only:
    hv = hessian_vector_product(H.gradsH, H.params, to_torch(d["v"]))
    res["hvp"] = to_flat(hv).tolist()
    probes = d["probes"]
    res["probe_quad"] = [float((to_flat(hessian_vector_product(H.gradsH, H.params, to_torch(z)))) @ z)
                         for z in probes]
if eig:
    t = time.perf_counter()
    vals, _ = H.eigenvalues(maxIter=3000, tol=1e-9, top_n=3)
    res["eig"] = vals
    res["eig_s"] = time.perf_counter() - t
    tr = H.trace(maxIter=200, tol=1e-12)
    res["trace_mean"] = float(np.mean(tr)); res["trace_se"] = float(np.std(tr, ddof=1) / np.sqrt(len(tr)))
    res["trace_n"] = len(tr)
vt = to_torch(d["v"])
for _ in range(3):
    hessian_vector_product(H.gradsH, H.params, vt)
times = []
for _ in range(int(d["reps"])):
    t = time.perf_counter(); hessian_vector_product(H.gradsH, H.params, vt); times.append(time.perf_counter() - t)
res["hvp_s"] = float(np.median(times))
print("@@" + json.dumps(res))
"""


def _weights(obj):
    params = obj.unravel(obj.theta0)
    out = {"n_layers": len(params)}
    for i, (W, b) in enumerate(params):
        out[f"W{i}"] = np.asarray(W)
        out[f"b{i}"] = np.asarray(b)
    return out


def _data(n_samples, seed=0):
    from sklearn.datasets import load_digits

    data = load_digits()
    idx = np.random.default_rng(seed).permutation(data.data.shape[0])[:n_samples]
    X = data.data[idx] / 16.0
    return X - X.mean(axis=0), np.eye(10)[data.target[idx]]


def _time_ours(obj, v, reps):
    for _ in range(3):
        obj.hvp(obj.theta0, v)
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        obj.hvp(obj.theta0, v)
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def _peer(py, path, mode):
    env = dict(os.environ, OMP_NUM_THREADS="1")
    proc = subprocess.run([str(py), "-c", textwrap.dedent(PEER), str(path), mode], capture_output=True, text=True,
                          timeout=3600, env=env)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return json.loads(proc.stdout.rsplit("@@", 1)[1])


def run(name, n_samples, width, py, reps=30, rounds=3):
    from attractor.training import hessian_eigenvalues, hessian_trace
    from attractor.training.edge_of_stability import digits_mlp_objective

    obj = digits_mlp_objective(n_samples=n_samples, width=width, seed=0)
    X, Y = _data(n_samples)
    rng = np.random.default_rng(1)
    v = rng.standard_normal(obj.n_params)
    probes = rng.integers(0, 2, (50, obj.n_params)) * 2.0 - 1.0
    print(f"\n[{name}] {obj!r}")
    ours_hv = obj.hvp(obj.theta0, v)
    ours_s = _time_ours(obj, v, reps)
    eig = name == "small"
    if eig:
        t = time.perf_counter()
        ev = hessian_eigenvalues(obj, k=3, tol=1e-10, max_iter=300)
        ev_s = time.perf_counter() - t
        tr = hessian_trace(obj, n_probes=200, seed=0)
        quad = np.array([z @ obj.hvp(obj.theta0, z) for z in probes])
    if py is None:
        print("  peers' environment not found: our side only")
        print(f"  time per HVP: {ours_s * 1e3:.2f} ms")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "w.npz"
        np.savez(path, X=X, Y=Y, v=v, probes=probes, reps=reps, **_weights(obj))
        try:
            peer = _peer(py, path, "1" if eig else "0")
            # timing rounds alternate the two sides, so a change of machine load hits both
            pairs = [(ours_s, peer["hvp_s"])]
            for _ in range(rounds - 1):
                o = _time_ours(obj, v, reps)
                pairs.append((o, _peer(py, path, "t")["hvp_s"]))
        except RuntimeError as exc:
            print("  peer failed:", exc)
            return
    d_hv = np.linalg.norm(ours_hv - np.array(peer["hvp"])) / np.linalg.norm(ours_hv)
    print(f"  HVP, same vector: relative difference {d_hv:.2e}")
    if eig:
        pe = np.array(peer["eig"])
        rel = np.abs(ev.eigenvalues - pe) / np.abs(pe)
        print(f"  top-3 eigenvalues  ours (Lanczos, {ev.n_hvp} HVPs, {ev_s:.2f} s): {np.array2string(ev.eigenvalues, precision=8)}")
        print(f"                     PyHessian (power iteration, {peer['eig_s']:.2f} s): {np.array2string(pe, precision=8)}")
        print(f"                     relative difference: {np.array2string(rel, precision=2)} (max {rel.max():.2e})")
        pq = np.array(peer["probe_quad"])
        print(f"  Hutchinson on the same 50 probes: ours {quad.mean():.8f}, PyHessian {pq.mean():.8f} "
              f"(relative difference {abs(quad.mean() - pq.mean()) / abs(pq.mean()):.2e})")
        comb = np.hypot(tr.stderr, peer["trace_se"])
        print(f"  trace, each side's own probes: ours {tr.trace:.4f} ± {tr.stderr:.4f} (200 probes), PyHessian "
              f"{peer['trace_mean']:.4f} ± {peer['trace_se']:.4f} ({peer['trace_n']} probes): difference "
              f"{abs(tr.trace - peer['trace_mean']) / comb:.2f} combined SE")
    for i, (o, p) in enumerate(pairs):
        print(f"  time per HVP, round {i + 1}: ours {o * 1e3:.2f} ms, PyHessian {p * 1e3:.2f} ms -> {p / o:.2f}x")
    ratios = [p / o for o, p in pairs]
    print(f"  median ratio over {len(pairs)} alternating rounds: {np.median(ratios):.2f}x "
          f"(range {min(ratios):.2f}-{max(ratios):.2f}); load average now {os.getloadavg()[0]:.1f}")


def batch_dependence(n_samples=500, width=50, batch_size=25, n_batches=8):
    """Top eigenvalue on single mini-batches against the full batch (PyHessian's single-batch pitfall)."""
    from attractor.training import hessian_eigenvalues
    from attractor.training.edge_of_stability import digits_mlp_objective

    obj = digits_mlp_objective(n_samples=n_samples, width=width, seed=0, batch_size=batch_size)
    full = hessian_eigenvalues(obj, k=1, tol=1e-8).sharpness
    per = hessian_eigenvalues(obj, k=1, tol=1e-8, batches=list(range(n_batches)))
    vals = per.per_batch[:, 0]
    print(f"\n[batch dependence] {obj!r}")
    print(f"  full batch λ_max = {full:.4f}; on {n_batches} batches of {batch_size}: {np.array2string(vals, precision=3)}")
    print(f"  mean {vals.mean():.3f} ± {vals.std(ddof=1):.3f} (batch-to-batch), max/min = {per.batch_max_over_min[0]:.2f}, "
          f"mean/full = {vals.mean() / full:.2f}")


def main() -> int:
    py = _peer_python()
    # One core for both sides: XLA's CPU runtime ignores --xla_cpu_multi_thread_eigen=false for some
    # ops and ran our HVP on 2 threads (CPU time 2x wall), which made earlier per-HVP ratios unfair.
    # The affinity is inherited by the peer's subprocess.
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        print(f"pinned to CPU {sorted(os.sched_getaffinity(0))[0]} (both sides, one core)")
    try:
        load = os.getloadavg()[0]
        print(f"load average at start: {load:.1f} on {os.cpu_count()} cores")
    except OSError:
        pass
    for cfg in CONFIGS:
        run(*cfg, py)
    batch_dependence()
    return 0


if __name__ == "__main__":
    sys.exit(main())
