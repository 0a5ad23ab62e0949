"""The README's PyTorch wrapping example runs and gives the exact top eigenvalues (issue #16).

Runs in-process when torch is importable; otherwise in a subprocess that appends the peers'
virtual environment's site-packages (torch 2.13 CPU) after ours; skipped when neither exists.
The example's Hessian is checked against the dense Hessian assembled from the same HVPs.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import numpy as np
from attractor.training import check_hvp
assert obj.exact_hvp and obj.n_params == 4 * 16 + 16 + 16 + 1
H = np.stack([obj.hvp(obj.theta0, e) for e in np.eye(obj.n_params)], axis=1)
assert np.max(np.abs(H - H.T)) < 1e-12
dense = np.sort(np.linalg.eigvalsh(0.5 * (H + H.T)))[::-1][:3]
assert np.max(np.abs(top - dense) / np.abs(dense)) < 1e-8, (top, dense)
assert check_hvp(obj, n_probes=3) < 1e-5
print("TORCH_EXAMPLE_OK", top)
"""


def _readme_example() -> str:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    ex = [b for b in blocks if "objective_from_functions(loss, grad, theta0, hvp=hvp)" in b]
    assert len(ex) == 1, "the README's PyTorch example is missing"
    return ex[0]


def _peer_site() -> Path | None:
    env = os.environ.get("ATTRACTOR_PEERS_PYTHON")
    roots = [Path(env).parents[1]] if env else []
    roots += [ROOT / ".venv-peers", ROOT.parent / ".venv-peers", Path("/work/.venv-peers")]
    for r in roots:
        hits = sorted(r.glob("lib/python3*/site-packages/torch"))
        if hits:
            return hits[0].parent
    return None


def test_readme_pytorch_example():
    """In-process, where this interpreter has PyTorch."""
    pytest.importorskip("torch")
    ns: dict = {}
    exec(compile(textwrap.dedent(_readme_example() + CHECK), "README-example", "exec"), ns)


@pytest.mark.slow
def test_readme_pytorch_example_with_peers_torch():
    """The same example with the peers' torch (a subprocess; importing torch takes most of its time)."""
    site = _peer_site()
    if site is None:
        pytest.skip("no peers' environment with torch was found")
    prog = f"import sys\nsys.path.append({str(site)!r})\n" + _readme_example() + CHECK
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), OMP_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, timeout=300, env=env)
    if proc.returncode != 0 and "No module named 'torch'" in proc.stderr:
        pytest.skip("torch could not be imported from the peers' environment")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "TORCH_EXAMPLE_OK" in proc.stdout
