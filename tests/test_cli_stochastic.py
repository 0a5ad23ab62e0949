"""`attractor systems` lists SDEs in their own group; `attractor simulate` runs one in one piece."""
import numpy as np
from typer.testing import CliRunner

import attractor
from attractor.cli import app

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, [*map(str, args)], terminal_width=200)


def test_systems_lists_stochastic_systems_in_their_own_group():
    n = len(attractor.systems.names("stochastic"))
    r = _run("systems")
    assert r.exit_code == 0 and f"{n} stochastic systems (SDEs)" in r.output and "DoubleWell" in r.output
    assert f"{len(attractor.systems.names())} systems" in r.output          # the deterministic table is unchanged
    r = _run("systems", "--kind", "stochastic")
    assert r.exit_code == 0 and "OrnsteinUhlenbeck" in r.output and "Henon" not in r.output and "Rossler" not in r.output
    r = _run("systems", "double_well")
    assert r.exit_code == 0 and "DoubleWell — stochastic, dimension 1" in r.output and "additive noise" in r.output


def test_simulate_a_stochastic_system(tmp_path):
    out = tmp_path / "dw.npz"
    r = _run("simulate", "double_well", "--n", 6000, "--dt", 0.01, "--out", out)
    assert r.exit_code == 0 and "wrote 6000 samples of DoubleWell" in r.output
    data = np.load(out)
    assert data["x"].shape == (6000, 1) and np.allclose(np.diff(data["t"]), 0.01)
    r = _run("simulate", "double_well", "--n", 10, "--method", "dop853", "--out", tmp_path / "x.npz")
    assert r.exit_code != 0 and "unknown SDE method" in r.output
