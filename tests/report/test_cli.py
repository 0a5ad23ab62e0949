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


# ---------------------------------------------------------------------- issue #20: outputs never replace inputs
def _series_csv(path, n=300):
    t = 0.05 * np.arange(n)
    pd.DataFrame({"t": t, "y": np.sin(t) + 0.3 * np.sin(2.7 * t)}).to_csv(path, index=False)
    return path.read_bytes()


def test_out_onto_the_input_is_refused(tmp_path, monkeypatch):
    data = tmp_path / "data.csv"
    raw = _series_csv(data)
    monkeypatch.chdir(tmp_path)
    for args in (["data.csv", "--out", "data.csv"], ["data.csv", "--out", "./data.csv", "--force"],
                 ["data.csv", "--json", str(data)]):
        r = _run(*args)
        assert r.exit_code == 2 and "onto the input file" in r.output and "Traceback" not in r.output
    assert data.read_bytes() == raw


def test_out_and_json_onto_unrelated_files_are_refused_unless_forced(tmp_path):
    data = tmp_path / "d.csv"
    _series_csv(data)
    victim, notes = tmp_path / "victim.csv", tmp_path / "important.txt"
    victim.write_text("a,b\n1,2\n")
    notes.write_text("do not lose me")
    r = _run(data, "--quick", "--json", victim, "--out", tmp_path / "r.html")
    assert r.exit_code == 2 and "refusing to overwrite" in r.output and "--force" in r.output
    r = _run(data, "--quick", "--out", notes)
    assert r.exit_code == 2 and "refusing to overwrite" in r.output
    assert victim.read_text() == "a,b\n1,2\n" and notes.read_text() == "do not lose me"
    assert not (tmp_path / "r.html").exists()          # refused before any work was done
    r = _run(tmp_path / "nope.csv", "--out", tmp_path)
    assert r.exit_code == 2 and "is a directory" in r.output


def test_report_rewrites_its_own_outputs_and_creates_directories(tmp_path):
    data = tmp_path / "d.csv"
    _series_csv(data)
    out, js = tmp_path / "new" / "dir" / "r.html", tmp_path / "new" / "r.json"
    r = _run(data, "--quick", "--out", out, "--json", js)
    assert r.exit_code == 0, r.output
    # a second run may replace these files: they are recognised as our own outputs
    from attractor.core.output import safe_output_path

    assert safe_output_path(out, "html", inputs=[data]) == out and safe_output_path(js, "json") == js
    assert '<meta name="generator" content="attractor">' in out.read_text()
    assert json.loads(js.read_text())["data"]["n_invented"] == 0
    assert sorted(p.name for p in out.parent.iterdir()) == ["r.html"]   # no temporary files left


def test_semicolon_decimal_comma_csv_and_short_data(tmp_path):
    t = 0.05 * np.arange(300)
    rows = ["t;x"] + [f"{a:.2f};{np.sin(a) + 0.3 * np.sin(2.7 * a):.6f}".replace(".", ",") for a in t]
    (tmp_path / "eu.csv").write_text("\n".join(rows) + "\n")
    r = _run(tmp_path / "eu.csv", "--quick", "--out", tmp_path / "r.html", "--json", tmp_path / "r.json")
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "r.json").read_text())
    assert summary["data"]["columns"] == ["x"] and summary["data"]["dt"] == pytest.approx(0.05)
    r = _run(tmp_path / "eu.csv", "--sep", ",", "--decimal", ".", "--out", tmp_path / "r2.html")
    assert r.exit_code == 2 and "no numeric columns" in r.output
    (tmp_path / "one.csv").write_text("t,x\n0,1.5\n")
    r = _run(tmp_path / "one.csv", "--out", tmp_path / "r3.html")
    assert r.exit_code == 2 and "needs at least 10 samples" in r.output
    r = _run(tmp_path / "one.csv", "--variable", "x", "--out", tmp_path / "r3.html")
    assert r.exit_code == 2 and "NetCDF files only" in r.output


def test_dt_with_a_time_column_does_not_analyse_the_ramp(tmp_path):
    _series_csv(tmp_path / "d.csv")
    r = _run(tmp_path / "d.csv", "--dt", "0.5", "--quick", "--out", tmp_path / "r.html", "--json", tmp_path / "r.json")
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "r.json").read_text())
    assert summary["data"]["columns"] == ["y"] and summary["data"]["dt"] == 0.5
    assert any("time column 't' is not used for time" in n for n in summary["data"]["notes"])


@pytest.mark.slow
def test_five_million_row_csv_stays_under_1_5_gb(tmp_path):
    """Peak RSS of `attractor analyze` on a 5e6-row, 4-column CSV (measured in a child process)."""
    import subprocess
    import sys

    n, block = 5_000_000, 10_000
    path = tmp_path / "big.csv"
    s = 2 * np.pi * np.arange(block) / 1000.0          # periodic values, repeated: writing stays fast
    vals = [f"{a:.6f},{b:.6f},{c:.6f}" for a, b, c in zip(np.sin(s), np.cos(3 * s), np.sin(7 * s))]
    with open(path, "w") as fh:
        fh.write("t,x,y,z\n")
        for k in range(n // block):
            fh.write("".join(f"{k * block + j},{v}\n" for j, v in enumerate(vals)))
    from _memory import CHILD_PEAK_SNIPPET

    code = ("import sys, warnings; warnings.simplefilter('ignore');"
            "from attractor.report import analyze;"
            f"a = analyze({str(path)!r}, quick=True, sections=['overview']);"
            f"a.to_html({str(tmp_path / 'big.html')!r});"
            + CHILD_PEAK_SNIPPET + ";"  # the child's own peak: ru_maxrss would inherit pytest's
            "print('SUB', a.data.subsampled, a.data.n_times, a.data.n_raw)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env={**__import__("os").environ, "PYTHONPATH": "src"})
    assert out.returncode == 0, out.stderr[-2000:]
    rss_kb = int(out.stdout.split("RSS")[1].split()[0])
    print("peak RSS", rss_kb / 2 ** 20, "GB")
    assert rss_kb < 1.5 * 2 ** 20, f"peak RSS {rss_kb / 2 ** 20:.2f} GB"
    assert "SUB True 200000 5000000" in out.stdout
    assert "SUBSAMPLED: the data have 5000000 rows" in (tmp_path / "big.html").read_text()


def test_netcdf_options(tmp_path):
    xr = pytest.importorskip("xarray")
    pytest.importorskip("netCDF4")
    time = pd.date_range("2000-01-01", periods=400, freq="D")
    lat, lon = np.array([10.0, 20.0]), np.array([0.0, 5.0, 10.0])
    s = np.sin(np.arange(400) / 7.0)
    ds = xr.Dataset({"tas": (("time", "lat", "lon"), s[:, None, None] + lat[None, :, None] + lon[None, None, :])},
                    coords={"time": time, "lat": lat, "lon": lon})
    ds.to_netcdf(tmp_path / "g.nc")
    r = _run(tmp_path / "g.nc", "--out", tmp_path / "r.html")
    assert r.exit_code == 2 and "--select lat=..,lon=.." in " ".join(r.output.split())
    r = _run(tmp_path / "g.nc", "--variable", "nope", "--out", tmp_path / "r.html")
    assert r.exit_code == 2 and "variable 'nope' not found" in r.output
    from attractor.report.io import read_table

    df = read_table(tmp_path / "g.nc", select="lat=19,lon=6")         # the CLI's --select text
    np.testing.assert_allclose(df["tas"].to_numpy(), s + 25.0)


@pytest.mark.slow
def test_netcdf_point_report(tmp_path):
    xr = pytest.importorskip("xarray")
    pytest.importorskip("netCDF4")
    time = pd.date_range("2000-01-01", periods=400, freq="D")
    lat, lon = np.array([10.0, 20.0]), np.array([0.0, 5.0, 10.0])
    s = np.sin(np.arange(400) / 7.0)
    ds = xr.Dataset({"tas": (("time", "lat", "lon"), s[:, None, None] + lat[None, :, None] + lon[None, None, :])},
                    coords={"time": time, "lat": lat, "lon": lon})
    ds.to_netcdf(tmp_path / "g.nc")
    r = _run(tmp_path / "g.nc", "--select", "lat=19,lon=6", "--quick", "--out", tmp_path / "r.html",
             "--json", tmp_path / "r.json")
    assert r.exit_code == 0, r.output
    d = json.loads((tmp_path / "r.json").read_text())["data"]
    assert d["columns"] == ["tas"] and d["n_times"] == 400 and d["time_unit"] == "day"
    assert any("(lat = 20, lon = 5)" in n for n in d["notes"])


def test_api_to_html_and_to_json_are_atomic_and_never_replace_the_input(tmp_path):
    from attractor.core.errors import ValidationError
    from attractor.report import analyze

    data = tmp_path / "d.csv"
    raw = _series_csv(data)
    a = analyze(data, quick=True, sections=["overview"])
    for method in (a.to_html, a.to_json):
        with pytest.raises(ValidationError, match="onto the input file"):
            method(data, force=True)
    assert data.read_bytes() == raw
    (tmp_path / "notes.txt").write_text("keep")
    with pytest.raises(ValidationError, match="refusing to overwrite"):
        a.to_json(tmp_path / "notes.txt")
    a.to_html(tmp_path / "out" / "r.html")
    a.to_json(tmp_path / "out" / "r.json")
    a.to_html(tmp_path / "out" / "r.html")           # its own earlier output: replaced
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["r.html", "r.json"]
    assert json.loads((tmp_path / "out" / "r.json").read_text())["data"]["subsampled"] is False


# ---------------------------------------------------------------------- issue #19: pre-processing options
def test_detrend_deseason_and_exclude_item_are_passed_and_recorded(tmp_path):
    # monthly-like series: 12-sample season + linear trend 0.05 per sample + noise (600 samples)
    tt = np.arange(600.0)
    y = np.sin(2 * np.pi * tt / 12) + 0.05 * tt + 0.3 * np.random.default_rng(1).standard_normal(tt.size)
    pd.DataFrame({"y": y}).to_csv(tmp_path / "s.csv", index=False)
    out, js = tmp_path / "s.html", tmp_path / "s.json"
    heavy = [a for k in ("attractor", "lyapunov", "correlation_dimension", "entropy", "forecast")
             for a in ("--exclude-item", k)]                       # not needed here: keeps the test short
    r = _run(tmp_path / "s.csv", "--quick", "--detrend", "--deseason", "--exclude-item", "sindy",
             "--exclude-item", "rqa", *heavy, "--out", out, "--json", js)
    assert r.exit_code == 0, r.output
    s = json.loads(js.read_text())
    assert s["options"]["detrend"] is True and s["options"]["deseason"] is True
    assert s["options"]["exclude_items"] == sorted(["rqa", "sindy", *heavy[1::2]])
    notes = " ".join(s["data"]["notes"])
    assert "detrended" in notes and "period 12" in notes and "Items left out on request: attractor, " in notes
    items = {k for sec in s["sections"].values() for k in sec["items"]}
    assert "rqa" not in items and "sindy" not in items and "surrogates" in items
    html = out.read_text()
    assert "detrended before the analyses" in html and "Items left out on request" in html
    # after removing them, the pre-checks find neither the trend (0.05 per sample) nor the season again
    assert s["sections"]["overview"]["items"]["stationarity"]["numbers"]["trend"] == "none"
    # without the flags the trend is found and named
    r = _run(tmp_path / "s.csv", "--quick", "--exclude-item", "sindy", "--exclude-item", "rqa", *heavy, "--out",
             tmp_path / "t.html", "--json", tmp_path / "t.json")
    t = json.loads((tmp_path / "t.json").read_text())
    assert t["options"]["detrend"] is False and t["sections"]["overview"]["items"]["stationarity"]["numbers"][
        "trend"] != "none"


def test_exclude_item_unknown_key_is_a_clear_error(tmp_path):
    _series_csv(tmp_path / "d.csv")
    r = _run(tmp_path / "d.csv", "--quick", "--exclude-item", "rqq", "--out", tmp_path / "r.html")
    assert r.exit_code == 2 and "unknown item(s) to exclude ['rqq']" in r.output and "rqa" in r.output
