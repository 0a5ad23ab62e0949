"""`attractor analyze`: clear messages (exit code 2, no traceback) and written outputs."""
import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from attractor.cli import app

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, ["analyze", *map(str, args)])


def test_missing_file(tmp_path):
    r = _run(tmp_path / "nope.csv", "--out", tmp_path / "r.html")
    assert r.exit_code == 2 and "no such file" in r.output and "Traceback" not in r.output


def test_unknown_column_lists_available(tmp_path):
    pd.DataFrame({"t": [0, 1, 2.0], "a": [1, 2, 4.0]}).to_csv(tmp_path / "d.csv", index=False)
    r = _run(tmp_path / "d.csv", "--columns", "b", "--out", tmp_path / "r.html")
    assert r.exit_code == 2 and "available columns: ['a']" in r.output


def test_unreadable_and_no_numeric(tmp_path):
    (tmp_path / "d.parquet").write_text("garbage")
    r = _run(tmp_path / "d.parquet", "--out", tmp_path / "r.html")
    assert r.exit_code == 2 and "could not read 'd.parquet' as Parquet" in r.output
    pd.DataFrame({"name": ["a", "b"]}).to_csv(tmp_path / "s.csv", index=False)
    r = _run(tmp_path / "s.csv", "--out", tmp_path / "r.html")
    assert r.exit_code == 2 and "no numeric columns" in r.output


def test_exactly_one_source(tmp_path):
    r = _run("--demo", "lorenz", "--dataset", "lynx")
    assert r.exit_code == 2 and "exactly one of FILE, --demo NAME or --dataset NAME" in r.output


def test_nan_policy_raise_and_irregular_raise(tmp_path):
    x = np.sin(0.3 * np.arange(200.0))
    x[17] = np.nan
    pd.DataFrame({"y": x}).to_csv(tmp_path / "g.csv", index=False)
    r = _run(tmp_path / "g.csv", "--nan-policy", "raise", "--out", tmp_path / "r.html")
    assert r.exit_code == 2 and "missing (NaN/inf) value" in r.output
    t = np.cumsum(np.r_[0, np.ones(99), 3.0, np.ones(99)])
    pd.DataFrame({"time": t, "y": np.sin(t)}).to_csv(tmp_path / "i.csv", index=False)
    r = _run(tmp_path / "i.csv", "--irregular", "raise", "--out", tmp_path / "r.html")
    assert r.exit_code == 2 and "irregular" in r.output


def test_dataset_lynx_writes_report_and_json(tmp_path):
    out, js = tmp_path / "lynx.html", tmp_path / "lynx.json"
    r = _run("--dataset", "lynx", "--quick", "--out", out, "--json", js)
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())  # Rich wraps long lines
    assert "Verdict:" in text and "cannot support a dimension estimate" in text
    summary = json.loads(js.read_text())
    assert summary["data"]["n_times"] == 114
    assert summary["sections"]["invariants"]["items"]["correlation_dimension"]["status"] == "skipped"
    assert "Canadian lynx" in out.read_text()


def test_gappy_csv_report_states_interpolation(tmp_path):
    t = 0.05 * np.arange(400)
    y = np.sin(t) + 0.3 * np.sin(2.7 * t)
    y[[50, 51, 300]] = np.nan
    pd.DataFrame({"t": t, "y": y}).to_csv(tmp_path / "g.csv", index=False)
    r = _run(tmp_path / "g.csv", "--quick", "--out", tmp_path / "g.html")
    assert r.exit_code == 0, r.output
    assert "3 missing value(s) (y: 3) were filled by linear interpolation" in (tmp_path / "g.html").read_text()


def test_constant_series_report_says_what_was_skipped(tmp_path):
    pd.DataFrame({"y": np.full(300, 2.5)}).to_csv(tmp_path / "c.csv", index=False)
    r = _run(tmp_path / "c.csv", "--quick", "--out", tmp_path / "c.html", "--json", tmp_path / "c.json")
    assert r.exit_code == 0, r.output
    s = json.loads((tmp_path / "c.json").read_text())
    assert s["verdict"].startswith("no dynamics")
    assert "constant" in s["sections"]["reconstruction"]["items"]["delay"]["reason"]
    assert "Skipped: the series &#x27;y&#x27; is constant" in (tmp_path / "c.html").read_text()
