"""`attractor systems | simulate | demo`: output, files written, reproducibility and clear errors."""
import re

import numpy as np
import pytest
from typer.testing import CliRunner

import attractor
from attractor.cli import app

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, [*map(str, args)], terminal_width=200)


def test_systems_lists_and_filters():
    r = _run("systems", "--kind", "map")
    n_maps = len(attractor.systems.names("map"))
    assert r.exit_code == 0 and f"{n_maps} systems" in r.output and "Henon" in r.output
    r = _run("systems", "--kind", "flow", "--dimension", "3", "--search", "lorenz")
    assert r.exit_code == 0 and "Lorenz" in r.output and "Henon" not in r.output


def test_systems_shows_one_system_with_its_references():
    r = _run("systems", "lorenz")
    assert r.exit_code == 0
    assert "Lorenz — flow, dimension 3" in r.output
    assert "sigma = 10" in r.output and "0.9056" in r.output  # Sprott (2003) exponents in the metadata


def test_simulate_writes_a_uniform_trajectory(tmp_path):
    # 12 000 samples are simulated in chunks of 5000 (the progress bar's unit); the written
    # series must be one uniformly sampled trajectory that starts as a single run does
    out = tmp_path / "lorenz.npz"
    r = _run("simulate", "lorenz", "--n", 12000, "--dt", 0.01, "--x0", "1,1,1", "--out", out)
    assert r.exit_code == 0 and "wrote 12000 samples of Lorenz (3 states)" in r.output
    data = np.load(out)
    t, x = data["t"], data["x"]
    assert x.shape == (12000, 3) and np.allclose(np.diff(t), 0.01)
    ref = attractor.system("lorenz").trajectory(5000, dt=0.01, x0=[1.0, 1.0, 1.0])
    np.testing.assert_allclose(x[:5000], ref.x, rtol=1e-12, atol=1e-12)
    # across a chunk boundary the series is continuous: one more step of the flow
    one = attractor.system("lorenz").trajectory(2, dt=0.01, x0=x[4999], t0=t[4999])
    np.testing.assert_allclose(x[5000], one.x[1], rtol=1e-8, atol=1e-8)


def test_simulate_map_and_parameters(tmp_path):
    out = tmp_path / "h.csv"
    r = _run("simulate", "henon", "--n", 100, "--param", "a=1.2", "--out", out)
    assert r.exit_code == 0
    import pandas as pd

    df = pd.read_csv(out)
    ref = attractor.system("henon", a=1.2).trajectory(100)
    np.testing.assert_allclose(df[["x", "y"]].to_numpy(), ref.x, rtol=1e-12)


@pytest.mark.parametrize("args, message", [
    (("simulate", "nosuchsystem", "--out", "x.npz"), "no system named 'nosuchsystem'"),
    (("simulate", "lorenz", "--param", "rho", "--out", "x.npz"), "NAME=VALUE"),
    (("simulate", "lorenz", "--param", "rho=abc", "--out", "x.npz"), "is not a number"),
    (("simulate", "lorenz", "--x0", "1,a,3", "--out", "x.npz"), "comma-separated numbers"),
    (("simulate", "lorenz", "--x0", "1,2", "--out", "x.npz"), "x0 has length 2 but the system has dimension 3"),
    (("simulate", "lorenz", "--n", 0, "--out", "x.npz"), "n must be an integer >= 1"),
])
def test_simulate_bad_input_is_a_clear_message(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    r = _run(*args)
    assert r.exit_code == 2 and "error:" in r.output and message in r.output and "Traceback" not in r.output
    assert not (tmp_path / "x.npz").exists()


def test_demo_is_reproducible_and_compares_with_published_values(tmp_path):
    a = _run("demo", "henon", "--n", 5000, "--out", tmp_path / "h.npz")
    b = _run("demo", "henon", "--n", 5000)
    assert a.exit_code == 0 and b.exit_code == 0
    assert (tmp_path / "h.npz").exists()

    def estimates(text):
        row = next(line for line in text.splitlines() if "Lyapunov spectrum" in line)
        return [float(v) for v in re.findall(r"-?\d+\.\d+", row.split("│")[2])]

    # seeded tangent basis: the same numbers in both runs; Hénon (1.4, 0.3) exponents
    # 0.41922, −1.62319 (Sprott 2003) within the default run's accuracy
    lam = estimates(a.output)
    assert lam == estimates(b.output)
    assert abs(lam[0] - 0.41922) < 0.01 and abs(lam[1] + 1.62319) < 0.01
    assert "0.41922" in a.output  # the published value is shown beside the estimate


def test_demo_of_a_delay_equation_skips_the_tangent_spectrum():
    r = _run("demo", "mackeyglass", "--n", 3000)
    assert r.exit_code == 0 and "n/a (delay equation)" in r.output and "correlation dimension" in r.output


# ---------------------------------------------------------------------- issue #20: messages, not tracebacks
def test_systems_unknown_kind_is_an_error():
    r = _run("systems", "--kind", "bogus")
    assert r.exit_code == 2 and "--kind must be one of flow, map" in r.output and "0 systems" not in r.output


def test_simulate_output_paths(tmp_path):
    # a missing directory is created
    r = _run("simulate", "henon", "--n", 50, "--out", tmp_path / "new" / "sub" / "h.csv")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "new" / "sub" / "h.csv").read_text().startswith("t,")
    # our own trajectory file is replaced; a directory, a file used as a directory, an unrelated
    # file and an unknown format are refused with a message and nothing written
    r = _run("simulate", "henon", "--n", 60, "--out", tmp_path / "new" / "sub" / "h.csv")
    assert r.exit_code == 0 and len((tmp_path / "new" / "sub" / "h.csv").read_text().splitlines()) == 61
    (tmp_path / "notes.csv").write_text("my,own\n1,2\n")
    (tmp_path / "f").write_text("x")
    for out, message in ((tmp_path / "new", "is a directory"), (tmp_path / "f" / "h.npz", "is a file, not a directory"),
                         (tmp_path / "notes.csv", "refusing to overwrite"), (tmp_path / "h.txt", "unsupported output")):
        r = _run("simulate", "henon", "--n", 50, "--out", out)
        text = " ".join(r.output.split())   # Rich wraps long lines
        assert r.exit_code == 2 and message in text and "Traceback" not in text, (out, r.output)
    assert (tmp_path / "notes.csv").read_text() == "my,own\n1,2\n"
    r = _run("simulate", "henon", "--n", 50, "--out", tmp_path / "notes.csv", "--force")
    assert r.exit_code == 0 and (tmp_path / "notes.csv").read_text().startswith("t,")
    for ext in ("npz", "parquet"):
        r = _run("simulate", "henon", "--n", 50, "--out", tmp_path / f"h.{ext}")
        assert r.exit_code == 0, r.output
        assert attractor.Trajectory.load(tmp_path / f"h.{ext}").x.shape == (50, 2)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []   # no temp files


@pytest.mark.skipif(__import__("os").geteuid() == 0, reason="root can write into read-only directories")
def test_simulate_into_a_read_only_directory(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        r = _run("simulate", "henon", "--n", 50, "--out", ro / "h.csv")
        assert r.exit_code == 2 and "not writable" in r.output and "Traceback" not in r.output
    finally:
        ro.chmod(0o700)


def test_demo_with_few_samples_works_or_fails_before_printing():
    r = _run("demo", "lorenz", "--n", 100)
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "n/a" in text and "(!) too few samples: x has 100 samples" in text and "Traceback" not in text
    r = _run("demo", "lorenz", "--n", 5)
    assert r.exit_code == 2 and "n must be an integer >= 10" in r.output
    assert "Lorenz" not in r.output           # nothing printed before the error


def test_simulate_unwritable_directory_message(tmp_path, monkeypatch):
    import os

    (tmp_path / "ro").mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **k: False if str(p).endswith("ro") else real(p, mode, **k))
    r = _run("simulate", "henon", "--n", 50, "--out", tmp_path / "ro" / "h.csv")
    text = " ".join(r.output.split())
    assert r.exit_code == 2 and "is not writable" in text and "Traceback" not in text
    assert list((tmp_path / "ro").iterdir()) == []
