"""Validate the catalogue against dysts 0.96 (run in the peers' environment).

For every flow, map and delay equation of dysts' data files this script

1. evaluates our right-hand side (``rhs``/``step``, or ``delayed_rhs`` for delay
   equations) and dysts' at 20 random states near the default initial condition
   (and random times in [0, 10]); the two must agree to a relative difference
   ``||ours - dysts|| / max(||dysts||, 1e-300) < 1e-10``;
2. simulates 1000 points from our default initial condition (flows: at the default
   sampling step, about 100 points per characteristic period; maps: 1000 iterates)
   and checks they are finite, bounded (|x| < 1e6 outside the declared
   ``unbounded_indices``) and not constant.

Usage::

    PYTHONPATH=src python benchmarks/validate_catalogue.py [--only NAME ...] [--no-trajectories]

dysts runs in ``.venv-peers`` through :func:`benchmarks._peers.run_peer`.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _peers import peers_available, run_peer  # noqa: E402

import attractor  # noqa: E402

DYSTS_DATA = Path(__file__).resolve().parents[1] / ".venv-peers/lib/python3.11/site-packages/dysts/data"
MAP_NAMES = {"Duffing": "DuffingMap"}   # dysts map name -> ours (the Duffing flow keeps the name)
#: Deliberate parameter differences: compared with dysts' values substituted, and reported.
PARAMETER_DIFFERENCES = {"Lorenz": {"beta": 2.667}}   # ours: beta = 8/3 exactly (Lorenz 1963)
#: In dysts' data file but without a class there: defined from the papers, nothing to compare.
NO_DYSTS_CLASS = {"Zaslavskii"}
#: Not catalogued, and why (see src/attractor/systems/catalogue/maps.py).
NOT_DEFINED = {
    "EndCap": "in dysts' data file only (no class, no citation); no published equations identified",
    "BlinkingVortexMap": "implicit map (root solve per iterate, alternating sign of b); not expressible as text equations",
    "ZeraouliaSprott": "dysts' class is commented out; its form diverges at dysts' parameters from dysts' initial condition",
}
TOL = 1e-10
N_STATES = 20


def _dysts_names():
    flows = sorted(json.loads((DYSTS_DATA / "chaotic_attractors.json").read_text()))
    maps = sorted(json.loads((DYSTS_DATA / "discrete_maps.json").read_text()))
    return flows, maps


def _random_inputs(s, rng):
    """States near the default initial condition (and times; delayed values for DDEs)."""
    x0 = np.atleast_1d(np.asarray(s.default_x0, dtype=float))
    X = x0 + 0.1 * (np.abs(x0) + 0.1) * rng.standard_normal((N_STATES, x0.size))
    T = rng.uniform(0.0, 10.0, N_STATES)
    XD = x0 + 0.1 * (np.abs(x0) + 0.1) * rng.standard_normal((N_STATES, x0.size))
    return X, T, XD


def _ours(s, X, T, XD, kind):
    if kind == "delay":
        return np.array([s.delayed_rhs(x, xd, t) for x, t, xd in zip(X, T, XD)])
    if kind == "map":
        return np.array([s.step(x) for x in X])
    return np.array([s.rhs(x, t) for x, t in zip(X, T)])


_PEER_LOOP = """
import json, warnings
import numpy as np
warnings.filterwarnings("ignore")
import dysts.flows, dysts.maps
jobs = json.loads(PAYLOAD)
result = {}
for key, (kind, name, X, T, XD) in jobs.items():
    try:
        out = []
        if kind == "map":
            eq = getattr(dysts.maps, name)()
            for x in X:
                y = eq._rhs(*x, *eq.param_list)
                out.append(np.ravel(np.asarray(y, dtype=float)).tolist())
        elif kind == "delay":
            eq = getattr(dysts.flows, name)()
            for x, t, xd in zip(X, T, XD):
                out.append(np.atleast_1d(np.asarray(eq._rhs(x[0], xd[0], t, *eq.param_list), dtype=float)).tolist())
        else:
            eq = getattr(dysts.flows, name)()
            for x, t in zip(X, T):
                out.append(np.atleast_1d(np.asarray(eq.rhs(np.array(x), t), dtype=float)).tolist())
        result[key] = out
    except Exception as exc:
        result[key] = "ERROR: " + repr(exc)[:300]
"""


def _batch_peer(jobs):
    """Evaluate dysts' right-hand sides for every job in one peer process."""
    payload = {k: (kind, name, np.asarray(X).tolist(), np.asarray(T).tolist(), np.asarray(XD).tolist())
               for k, (kind, name, X, T, XD) in jobs.items()}
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(payload, fh)
        path = fh.name
    try:  # the payload is too large for a command line: hand it over as a file
        return run_peer(f"PAYLOAD = open({path!r}).read()\n" + _PEER_LOOP)
    finally:
        Path(path).unlink(missing_ok=True)


def _check_trajectory(s, kind):
    t0 = time.perf_counter()
    if kind == "map":
        tr = s.trajectory(1000)
    else:
        tr = s.trajectory(1000, transient=0.0)
    x = tr.x
    wall = time.perf_counter() - t0
    if not np.all(np.isfinite(x)):
        return "non-finite trajectory", wall
    bounded = [i for i in range(x.shape[1]) if i not in s.metadata.get("unbounded_indices", ())]
    if bounded and np.max(np.abs(x[:, bounded])) >= 1e6:
        return f"unbounded (max |x| = {np.max(np.abs(x[:, bounded])):.3g})", wall
    if bounded and np.max(np.std(x[500:, bounded], axis=0)) <= 1e-8 * max(1.0, np.max(np.abs(x[:, bounded]))):
        return "constant (collapsed to a fixed point)", wall
    return "", wall


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="validate only these dysts names")
    ap.add_argument("--no-trajectories", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if not peers_available():
        print("peer environment (.venv-peers with dysts) not found; nothing validated")
        return 2
    flows, maps = _dysts_names()
    todo = [("flow", n) for n in flows] + [("map", n) for n in maps]
    if args.only:
        todo = [(k, n) for k, n in todo if n in args.only]
    rng = np.random.default_rng(args.seed)

    rows = []          # (dysts name, ours, kind, status, detail)
    jobs = {}
    systems = {}
    for kind, name in todo:
        ours = MAP_NAMES.get(name, name) if kind == "map" else name
        try:
            s = attractor.system(ours)
        except Exception as exc:  # noqa: BLE001
            rows.append((name, ours, kind, "NOT DEFINED", NOT_DEFINED.get(name, f"{type(exc).__name__}: {str(exc)[:80]}")))
            continue
        k = "delay" if s.metadata.get("delay") else kind
        if name in NO_DYSTS_CLASS:
            try:
                traj, _ = _check_trajectory(s, k) if not args.no_trajectories else ("", 0.0)
            except Exception as exc:  # noqa: BLE001
                traj = f"{type(exc).__name__}: {str(exc)[:100]}"
            rows.append((name, ours, k, "NO DYSTS CLASS", "defined from the paper; RHS not compared" +
                         (f"; trajectory: {traj}" if traj else "; trajectory OK")))
            continue
        if name in PARAMETER_DIFFERENCES and kind == "flow":
            s = s.with_parameters(**PARAMETER_DIFFERENCES[name])
        X, T, XD = _random_inputs(s, rng)
        dysts_X = X
        if name == "Duffing" and kind == "flow":
            # dysts carries the forcing phase z = omega*t as a third state
            dysts_X = np.column_stack([X, s.parameters["omega"] * T])
        jobs[f"{kind}:{name}"] = (k, name, dysts_X, T, XD)
        systems[f"{kind}:{name}"] = (s, X, T, XD, k, ours)

    t0 = time.perf_counter()
    theirs = _batch_peer(jobs)
    peer_wall = time.perf_counter() - t0

    n_ok = 0
    traj_walls = []
    for key, (s, X, T, XD, k, ours) in systems.items():
        kind, name = key.split(":", 1)
        ref = theirs.get(key)
        if isinstance(ref, str):
            rows.append((name, ours, k, "PEER ERROR", ref))
            continue
        ref = np.asarray(ref, dtype=float)
        mine = _ours(s, X, T, XD, k)
        if name == "Duffing" and kind == "flow":
            ref = ref[:, :2]   # dysts' third component is the phase rate omega
        if ref.shape != mine.shape:
            rows.append((name, ours, k, "SHAPE", f"ours {mine.shape} vs dysts {ref.shape}"))
            continue
        rel = np.linalg.norm(mine - ref, axis=1) / np.maximum(np.linalg.norm(ref, axis=1), 1e-300)
        worst = float(np.max(rel))
        traj = ""
        if not args.no_trajectories:
            try:
                traj, w = _check_trajectory(s, k)
                traj_walls.append((w, ours))
            except Exception as exc:  # noqa: BLE001
                traj = f"{type(exc).__name__}: {str(exc)[:100]}"
        if worst >= TOL or not np.isfinite(worst):
            rows.append((name, ours, k, "RHS DIFFERS", f"max relative difference {worst:.2e}" + (f"; {traj}" if traj else "")))
        elif traj:
            rows.append((name, ours, k, "TRAJECTORY", traj))
        else:
            n_ok += 1

    print(f"dysts 0.96: {len(flows)} flows (incl. delay equations) + {len(maps)} maps; checked {len(todo)}; "
          f"peer evaluation {peer_wall:.1f} s")
    for name, diff in PARAMETER_DIFFERENCES.items():
        print(f"note: {name} compared with dysts' rounded {diff} substituted (ours keeps the published value)")
    print(f"agree (RHS to < {TOL:g} relative at {N_STATES} random states, and a bounded non-constant "
          f"1000-point trajectory): {n_ok}")
    if rows:
        print(f"\n{'dysts name':<26}{'ours':<22}{'kind':<7}{'status':<16}detail")
        for r in sorted(rows):
            print(f"{r[0]:<26}{r[1]:<22}{r[2]:<7}{r[3]:<16}{r[4]}")
    if traj_walls:
        traj_walls.sort(reverse=True)
        print("\nslowest trajectories (incl. first-call compilation): " +
              ", ".join(f"{n} {w:.1f}s" for w, n in traj_walls[:5]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
