"""Multiview embedding (attractor.analysis.multiview): Ye & Sugihara, Science 353, 922 (2016);
conventions and the agreement case from pyEDM 2.5 ``Multiview``."""
from __future__ import annotations

import glob
import json
import os
import subprocess
import textwrap
from pathlib import Path

import numpy as np
import pytest

import attractor
from attractor.core.errors import ValidationError

ROOT = Path(__file__).resolve().parents[2]


def _peer_python() -> Path | None:
    env = os.environ.get("ATTRACTOR_PEERS_PYTHON")
    cands = [Path(env)] if env else []
    cands += [ROOT / ".venv-peers" / "bin" / "python", ROOT.parent / ".venv-peers" / "bin" / "python"]
    return next((c for c in cands if c.exists()), None)


def _lorenz5d_path() -> str | None:
    """pyEDM's Lorenz5D sample, read from the installed peer (not redistributed here)."""
    py = _peer_python()
    if py is None:
        return None
    hits = glob.glob(str(py.parents[1] / "lib" / "python*" / "site-packages" / "pyEDM" / "data" / "LorenzData1000.csv"))
    return hits[0] if hits else None

_PEER = r"""
import json, warnings, numpy as np, pyEDM
warnings.simplefilter("ignore")
if __name__ == "__main__":
    df = pyEDM.sampleData["Lorenz5D"]
    mv = pyEDM.Multiview(dataFrame=df, columns="V1 V2 V3", target="V1", lib=[1, 150], pred=[151, 300], D=3, E=2,
                         Tp=1, numProcess=2)
    p = mv["Predictions"]
    print("@@" + json.dumps({"time": p["Time"].tolist(),
                             "pred": np.nan_to_num(p["Predictions"].values, nan=1e300).tolist()}))
"""


def test_multiview_equals_pyedm():
    """pyEDM 2.5.7 ``Multiview(columns="V1 V2 V3", target="V1", lib=[1, 150], pred=[151, 300], D=3,
    E=2, Tp=1)`` on its Lorenz5D sample: the averaged predictions agree to 1e-8."""
    path = _lorenz5d_path()
    if path is None:
        pytest.skip("pyEDM (peers' environment) not installed")
    proc = subprocess.run([str(_peer_python()), "-c", textwrap.dedent(_PEER)], capture_output=True, text=True,
                          timeout=300, cwd="/tmp")
    if proc.returncode != 0:
        pytest.skip(f"pyEDM snippet failed: {proc.stderr[-300:]}")
    peer = json.loads(proc.stdout.rsplit("@@", 1)[1])
    d = np.genfromtxt(path, delimiter=",", skip_header=1)
    res = attractor.multiview(d[:, 1:4], 0, D=3, E=2, lib=[1, 150], pred=[151, 300])
    ours = dict(zip((res.time_index + 1).tolist(), res.predictions))      # pyEDM: Time = 1-based row
    theirs = {int(t): v for t, v in zip(peer["time"], peer["pred"]) if int(t) in ours}
    assert len(theirs) == len(ours) == 150 and res.n_views == 20 and res.k == 4
    assert max(abs(ours[t] - v) for t, v in theirs.items()) < 1e-8


def test_multiview_on_short_lorenz_record():
    """Ye & Sugihara (2016): with a short record, the ensemble of mixed views forecasts at least
    as well as the target's own delay embedding (here 120 points of the Lorenz system, dt 0.05)."""
    traj = attractor.system("lorenz").trajectory(240, dt=0.05, transient=20)
    X = traj.x
    res = attractor.multiview(X, 0, D=3, E=2)
    uni = attractor.simplex(X[:, 0], E=3, lib=[1, 120], pred=[121, 240])
    assert res.rho > 0.9 and res.rho >= uni.rho - 0.02
    assert len(res.views) == res.k == 4 and np.all(np.diff(res.view_rho) <= 0)


def test_multiview_bad_input():
    X = np.random.default_rng(0).standard_normal((100, 2))
    with pytest.raises(ValidationError, match="exceeds"):
        attractor.multiview(X, D=5, E=2)
    with pytest.raises(ValidationError, match="max_views"):
        attractor.multiview(X, D=3, E=10, max_views=100)
    with pytest.raises(ValidationError, match="channel index"):
        attractor.multiview(X, X[:, 0], exclude_target=True)
    with pytest.raises(ValidationError, match="both lib and pred"):
        attractor.multiview(X, lib=[1, 50])
