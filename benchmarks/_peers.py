"""Run code in the peers' virtual environment (never in the project's own).

The peers a user would otherwise pick (nolds, pysindy, pydmd, reservoirpy, dysts)
live in ``.venv-peers`` at the repository root so they never become project
dependencies. Create it with::

    python -m venv .venv-peers
    .venv-peers/bin/pip install -r benchmarks/requirements-peers.txt

:func:`run_peer` executes a snippet there and returns what the snippet stored in
the variable ``result`` (anything JSON-serialisable), so one benchmark run can
print our timings and the peer's side by side.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEER_PYTHON = ROOT / ".venv-peers" / "bin" / "python"

_WRAPPER = """
import json, sys
result = None
{code}
sys.stdout.write("\\n@@RESULT@@" + json.dumps(result))
"""


def peers_available() -> bool:
    """True when the peers' virtual environment exists."""
    return PEER_PYTHON.exists()


def run_peer(code: str, timeout: float = 1800.0) -> object:
    """Execute ``code`` with the peers' interpreter and return its ``result`` variable."""
    if not peers_available():
        raise RuntimeError(
            f"peer environment not found at {PEER_PYTHON}; create it with\n"
            "  python -m venv .venv-peers && .venv-peers/bin/pip install -r benchmarks/requirements-peers.txt"
        )
    src = _WRAPPER.format(code=textwrap.dedent(code))
    proc = subprocess.run([str(PEER_PYTHON), "-c", src], capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"peer snippet failed:\n{proc.stderr[-4000:]}")
    out = proc.stdout.rsplit("@@RESULT@@", 1)
    if len(out) != 2:
        raise RuntimeError(f"peer snippet printed no result:\n{proc.stdout[-2000:]}")
    return json.loads(out[1])


def array_to_peer(a) -> str:
    """Python source that rebuilds array ``a`` (small arrays only) inside a peer snippet."""
    import numpy as np

    return f"__import__('numpy').array({np.asarray(a).tolist()!r})"


if __name__ == "__main__":  # pragma: no cover
    print(run_peer("import sys; result = sys.version"))
    sys.exit(0)
