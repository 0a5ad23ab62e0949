"""Neural learners side by side with PyTorch peers: per-epoch training, 10⁴-step inference, peak RSS.

Ours (JAX: Equinox, Diffrax, Optax; compiled epochs) against, in the peers' virtual environment,
torchdiffeq (neural ODE) and ``torch.nn.GRU`` / a PyTorch Lipschitz RNN, on the CPU, the same
floating-point type on both sides (float64, then float32: ours via ``precision="float32"``, the
peer via ``torch.set_default_dtype``), one thread each
(``XLA_FLAGS=--xla_cpu_multi_thread_eigen=false``, ``torch.set_num_threads(1)``). Ours and the peer
run interleaved, ``--repeats`` times; each row keeps the best (smallest) time of each side.

Same work on both sides:

* Neural ODE: MLP 3 -> 64 -> 64 -> 64 -> 3 (softplus), Lorenz 2000 samples (dt = 0.01),
  trajectory matching on windows of 10 samples (stride 5), 64 windows per Adam step,
  Dormand–Prince 5(4) with rtol = 1e-6, atol = 1e-8, the batch integrated as one system on both
  sides. Gradients: ours by recursive checkpointing through the solver, torchdiffeq by direct
  backpropagation (``odeint``, not the adjoint). Ours also clips the gradient norm (10) and
  decays the step size (cosine); the peer does neither (a little extra work on our side).
* RNNs: hidden 64, teacher forcing on windows of 50 (stride 25), 32 windows per step, linear
  readout, Adam.
* Inference: forecast 10⁴ steps from one state (closed loop for RNNs; the ODE integrated with
  10⁴ output times).

Timings exclude compilation (ours: one warm-up call first; PyTorch has none). Peak RSS is the
process high-water mark (``VmHWM``), each side in its own process. The inference rows integrate
each side's own (differently initialised, briefly trained) model, so the ODE's step counts can differ.

Run::

    OMP_NUM_THREADS=1 XLA_FLAGS=--xla_cpu_multi_thread_eigen=false PYTHONPATH=src python benchmarks/bench_neural.py [--quick]

``--quick``: one repeat instead of three (about a minute on an idle core).

The peers' interpreter: ``$ATTRACTOR_PEERS_PYTHON``, else ``.venv-peers`` at the repository root or
beside it (``pip install torch torchdiffeq`` there).
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EPOCHS = 10


def _peer_python() -> Path | None:
    env = os.environ.get("ATTRACTOR_PEERS_PYTHON")
    cands = [Path(env)] if env else []
    cands += [ROOT / ".venv-peers" / "bin" / "python", ROOT.parent / ".venv-peers" / "bin" / "python"]
    return next((p for p in cands if p.exists()), None)


def _data():
    import attractor

    x = attractor.system("lorenz").trajectory(2000, dt=0.01, transient=20).x
    return (x - x.mean(0)) / x.std(0)


def _rss_mb() -> float:
    """Peak resident set size of this process (VmHWM; unlike ru_maxrss it is not inherited across
    fork + exec, so the peer's subprocess reports its own peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return float(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


NODE_KW = dict(width=64, depth=3, activation="softplus", warm_epochs=1, window=10, window_stride=5,
               shooting_batch_size=64, solver="dopri5", rtol=1e-6, atol=1e-8, seed=0)


def node_start(x, precision: str = "float64") -> tuple[list[np.ndarray], int]:
    """The neural ODE both sides start trajectory matching from: ours after its one warm-start epoch
    (derivative matching), as arrays ``[W1, b1, ..., W4, b4, out_scale]`` (PyTorch ``Linear``
    layout), and the adaptive steps (accepted + rejected) our solver takes on the first 64 windows
    with it. Both sides then integrate the same vector field, so they take the same steps (the peer
    prints its own count); from different random initialisations the step counts, and with them
    the work per epoch, differed by up to 2x (a softly initialised PyTorch MLP is a slow field)."""
    import diffrax

    from attractor.learn.neural import NeuralODE
    from attractor.learn.neural import _node_jax as nj

    m = NeuralODE(epochs=0, **NODE_KW).fit(x, dt=0.01)
    f = m.field_
    arrays = []
    for layer in f.mlp.layers:
        arrays += [np.asarray(layer.weight), np.asarray(layer.bias)]
    arrays.append(np.asarray(f.out_scale))
    W = np.stack([x[s:s + 10] for s in range(0, x.shape[0] - 9, 5)])[:64]
    dt = np.float32 if precision == "float32" else np.float64
    ts = nj.jnp.asarray(0.01 * np.arange(10), dtype=dt)
    f = nj.jax.tree_util.tree_map(lambda a: a.astype(dt) if nj.eqx.is_inexact_array(a) else a, f)
    W = W.astype(dt)
    sol = diffrax.diffeqsolve(diffrax.ODETerm(nj._BatchField(f)), diffrax.Dopri5(), t0=ts[0], t1=ts[-1], dt0=None,
                              y0=nj.jnp.asarray(W[:, 0]), saveat=diffrax.SaveAt(ts=ts),
                              stepsize_controller=diffrax.PIDController(rtol=1e-6, atol=1e-8), max_steps=4096)
    return arrays, int(sol.stats["num_steps"]) + int(sol.stats["num_rejected_steps"])


def ours(x, precision: str = "float64") -> dict:
    from attractor.learn.neural import GRU, LipschitzRNN, NeuralODE

    out = {}
    kw = dict(NODE_KW, precision=precision)
    NeuralODE(epochs=1, **kw).fit(x, dt=0.01)                       # compile
    m = NeuralODE(epochs=EPOCHS, **kw).fit(x, dt=0.01)
    out["node_epoch_s"] = m.fit_seconds_["trajectory"] / EPOCHS
    m.forecast(x[:1], 10_000)                                        # compile
    t0 = time.perf_counter()
    m.forecast(x[:1], 10_000)
    out["node_forecast_1e4_s"] = time.perf_counter() - t0
    for name, cls in (("gru", GRU), ("lipschitz", LipschitzRNN)):
        rkw = dict(hidden_size=64, window=50, washout=10, window_stride=25, batch_size=32, seed=0,
                   precision=precision)
        cls(epochs=1, **rkw).fit(x, dt=0.01)
        r = cls(epochs=EPOCHS, **rkw).fit(x, dt=0.01)
        out[f"{name}_epoch_s"] = r.fit_seconds_ / EPOCHS
        r.forecast(x[:60], 10_000)
        t0 = time.perf_counter()
        r.forecast(x[:60], 10_000)
        out[f"{name}_forecast_1e4_s"] = time.perf_counter() - t0
    out["peak_rss_mb"] = _rss_mb()
    return out


PEER = r"""
import json, sys, time
import numpy as np
import torch
from torchdiffeq import odeint
torch.set_num_threads(1)
DT = {"float64": torch.float64, "float32": torch.float32}[sys.argv[3]]
torch.set_default_dtype(DT)
torch.manual_seed(0)
x = torch.tensor(np.load(sys.argv[1]), dtype=DT)
EPOCHS = int(sys.argv[2])
out = {}

def windows(z, w, stride):
    return torch.stack([z[s:s + w] for s in range(0, z.shape[0] - w + 1, stride)])

# ---- neural ODE
net = torch.nn.Sequential(torch.nn.Linear(3, 64), torch.nn.Softplus(), torch.nn.Linear(64, 64), torch.nn.Softplus(),
                          torch.nn.Linear(64, 64), torch.nn.Softplus(), torch.nn.Linear(64, 3))
start = np.load(sys.argv[4])   # our warm-started field: same starting model on both sides
with torch.no_grad():
    for i, lin in enumerate([net[0], net[2], net[4], net[6]]):
        lin.weight.copy_(torch.tensor(start[f"a{2 * i}"])); lin.bias.copy_(torch.tensor(start[f"a{2 * i + 1}"]))
out_scale = torch.tensor(start["a8"], dtype=DT)
nfe = [0]
def f(t, y):
    nfe[0] += 1
    return out_scale * net(y)
W = windows(x, 10, 5)
ts = 0.01 * torch.arange(10, dtype=DT)
with torch.no_grad():
    odeint(f, W[:64, 0], ts, method="dopri5", rtol=1e-6, atol=1e-8)
out["node_start_steps"] = (nfe[0] - 2) / 6   # one f for the initial step size, one at t0, 6 per step (FSAL)
opt = torch.optim.Adam(net.parameters(), lr=3e-4)
t0 = time.perf_counter()
for e in range(EPOCHS):
    perm = torch.randperm(W.shape[0])
    for i in range(W.shape[0] // 64):
        b = W[perm[i * 64:(i + 1) * 64]]
        pred = odeint(f, b[:, 0], ts, method="dopri5", rtol=1e-6, atol=1e-8).transpose(0, 1)
        loss = ((pred[:, 1:] - b[:, 1:]) ** 2).mean()
        opt.zero_grad(); loss.backward(); opt.step()
out["node_epoch_s"] = (time.perf_counter() - t0) / EPOCHS
with torch.no_grad():
    t0 = time.perf_counter()
    odeint(f, x[0], 0.01 * torch.arange(10_001, dtype=DT), method="dopri5", rtol=1e-6, atol=1e-8)
    out["node_forecast_1e4_s"] = time.perf_counter() - t0

# ---- RNNs (teacher forcing, linear readout)
class Lip(torch.nn.Module):
    def __init__(self, d, n, beta=0.75, ga=1e-3, gw=1e-3, eps=0.1):
        super().__init__()
        self.MA = torch.nn.Parameter(torch.randn(n, n) / n); self.MW = torch.nn.Parameter(torch.randn(n, n) / n)
        self.U = torch.nn.Linear(d, n); self.beta, self.ga, self.gw, self.eps, self.n = beta, ga, gw, eps, n
    def mats(self):
        I = torch.eye(self.n); b = self.beta
        s = lambda M, g: (1 - b) * (M + M.T) + b * (M - M.T) - g * I
        return s(self.MA, self.ga), s(self.MW, self.gw)
    def forward(self, xs, h):
        A, Wm = self.mats(); hs = []
        for t in range(xs.shape[1]):
            h = h + self.eps * (h @ A.T + torch.tanh(h @ Wm.T + self.U(xs[:, t])))
            hs.append(h)
        return torch.stack(hs, 1), h

class GRUNet(torch.nn.Module):
    def __init__(self, d, n):
        super().__init__(); self.gru = torch.nn.GRU(d, n, batch_first=True)
    def forward(self, xs, h):
        hs, h = self.gru(xs, h[None]); return hs, h[0]

for name, cell in (("gru", GRUNet(3, 64)), ("lipschitz", Lip(3, 64))):
    ro = torch.nn.Linear(64, 3)
    params = list(cell.parameters()) + list(ro.parameters())
    opt = torch.optim.Adam(params, lr=3e-3)
    Wr = windows(x, 51, 25)
    t0 = time.perf_counter()
    for e in range(EPOCHS):
        perm = torch.randperm(Wr.shape[0])
        for i in range(Wr.shape[0] // 32):
            b = Wr[perm[i * 32:(i + 1) * 32]]
            hs, _ = cell(b[:, :-1], torch.zeros(b.shape[0], 64))
            loss = ((ro(hs)[:, 10:] - b[:, 11:]) ** 2).mean()
            opt.zero_grad(); loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0); opt.step()
    out[name + "_epoch_s"] = (time.perf_counter() - t0) / EPOCHS
    with torch.no_grad():
        t0 = time.perf_counter()
        _, h = cell(x[None, :50], torch.zeros(1, 64))
        for k in range(10_000):
            y = ro(h)
            _, h = cell(y[:, None], h)
        out[name + "_forecast_1e4_s"] = time.perf_counter() - t0
out["peak_rss_mb"] = [float(l.split()[1]) / 1024.0 for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]
print("@@" + json.dumps(out))
"""


def peer(x, precision: str = "float64", start: list[np.ndarray] | None = None) -> dict | None:
    py = _peer_python()
    if py is None:
        print("peers' environment not found; PyTorch side skipped", file=sys.stderr)
        return None
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.npy"
        np.save(path, x)
        spath = Path(tmp) / "start.npz"
        np.savez(spath, **{f"a{i}": a for i, a in enumerate(start)})
        proc = subprocess.run([str(py), "-c", textwrap.dedent(PEER), str(path), str(EPOCHS), precision,
                               str(spath)], capture_output=True,
                              text=True, timeout=3600)
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        return None
    return json.loads(proc.stdout.rsplit("@@", 1)[1])


def _best(runs: list[dict | None]) -> dict | None:
    runs = [r for r in runs if r is not None]
    if not runs:
        return None
    return {k: min(r[k] for r in runs) if k != "peak_rss_mb" else max(r[k] for r in runs) for k in runs[0]}


def main(argv=None) -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="one repeat instead of three")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--precision", choices=("float64", "float32", "both"), default="both")
    args = ap.parse_args(argv)
    reps = args.repeats or (1 if args.quick else 3)
    # One core for both sides: XLA's CPU runtime can run parts of a jitted step on a second thread
    # despite --xla_cpu_multi_thread_eigen=false; the peer's subprocess inherits the affinity.
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        print(f"pinned to CPU {sorted(os.sched_getaffinity(0))[0]} (both sides, one core)")
    x = _data()
    start = node_start(x)[0]
    result = {}
    precs = ("float64", "float32") if args.precision == "both" else (args.precision,)
    for prec in precs:
        ra, rb = [], []
        for _ in range(reps):   # interleaved: ours, peer, ours, peer, ...
            ra.append(ours(x, prec))
            rb.append(peer(x, prec, start))
        a, b = _best(ra), _best(rb)
        a["node_start_steps"] = float(node_start(x, prec)[1])
        print(f"\n{prec}, best of {reps} (per-epoch and inference seconds; peak RSS MB)")
        print(f"{'quantity':28s} {'attractor (JAX)':>16s} {'PyTorch peer':>14s} {'peer / ours':>12s}")
        for k, v in a.items():
            pv = None if b is None else b.get(k)
            ratio = "" if pv is None else f"{pv / v:12.2f}"
            print(f"{k:28s} {v:16.4f} {'' if pv is None else f'{pv:14.4f}'} {ratio}")
        result[prec] = {"ours": a, "peer": b}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
