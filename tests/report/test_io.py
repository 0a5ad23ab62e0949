"""Data loading for reports: formats, columns, time, missing values and irregular sampling."""
import importlib.util
import warnings

import numpy as np
import pandas as pd
import pytest

from attractor.core.errors import InsufficientDataError, ReliabilityWarning, ValidationError
from attractor.core.system import Trajectory
from attractor.report.io import prepare_data


def _frame(n=50):
    t = 0.1 * np.arange(n)
    return pd.DataFrame({"t": t, "a": np.sin(t), "b": np.cos(t), "label": ["x"] * n})


def test_csv_parquet_npz_npy_roundtrip(tmp_path):
    df = _frame()
    df.to_csv(tmp_path / "d.csv", index=False)
    df.to_parquet(tmp_path / "d.parquet", index=False)
    np.save(tmp_path / "d.npy", df[["a", "b"]].to_numpy())
    Trajectory(df["t"].to_numpy(), df[["a", "b"]].to_numpy(), 0.1, None, ("a", "b")).save(tmp_path / "d.npz")
    for name in ("d.csv", "d.parquet", "d.npz"):
        p = prepare_data(tmp_path / name)
        assert p.columns == ("a", "b") and p.x.shape == (50, 2)
        assert p.dt == pytest.approx(0.1) and p.time_column in ("t", None)
        np.testing.assert_allclose(p.x[:, 0], np.sin(df["t"]))
    p = prepare_data(tmp_path / "d.npy", dt=0.1)
    assert p.x.shape == (50, 2) and p.dt == 0.1


def test_columns_and_time_column():
    p = prepare_data(_frame(), columns="b,a")
    assert p.columns == ("b", "a") and p.time_column == "t"
    p = prepare_data(_frame().rename(columns={"t": "when"}), time_column="when", columns=["a"])
    assert p.dt == pytest.approx(0.1)


def test_missing_file():
    with pytest.raises(FileNotFoundError, match="no such file"):
        prepare_data("/nonexistent/data.csv")


def test_unreadable_and_unsupported(tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_text("this is not parquet")
    with pytest.raises(ValidationError, match="could not read 'bad.parquet' as Parquet"):
        prepare_data(bad)
    (tmp_path / "d.xlsx").write_text("x")
    with pytest.raises(ValidationError, match="unsupported file format '.xlsx'"):
        prepare_data(tmp_path / "d.xlsx")


def test_no_numeric_columns():
    with pytest.raises(ValidationError, match="no numeric columns"):
        prepare_data(pd.DataFrame({"name": ["a", "b", "c"]}))


def test_unknown_column_lists_available():
    with pytest.raises(ValidationError, match=r"column\(s\) \['zz'\] not found; available columns: \['a', 'b', 'label'\]"):
        prepare_data(_frame(), columns=["zz"])
    with pytest.raises(ValidationError, match="time column 'when' not found"):
        prepare_data(_frame(), time_column="when")


def test_dt_and_time_column_conflict():
    with pytest.raises(ValidationError, match="either a time column or dt"):
        prepare_data(_frame(), dt=0.1, time_column="t")


def test_nan_interpolate_drop_raise():
    x = np.arange(20, dtype=float)
    x[5] = np.nan
    x[0] = np.nan  # a leading gap cannot be interpolated: that row is removed
    with pytest.warns(ReliabilityWarning, match="2 missing value.*linear interpolation.*1 row"):
        p = prepare_data(x)
    assert p.n_times == 19 and p.x[4, 0] == pytest.approx(5.0)  # linear fill between 4 and 6
    with pytest.warns(ReliabilityWarning, match="2 row.*dropped"):
        p = prepare_data(x, nan_policy="drop")
    assert p.n_times == 18 and 5.0 not in p.x[:, 0]
    with pytest.raises(ValidationError, match="2 missing .* first is in row 0"):
        prepare_data(x, nan_policy="raise")
    with pytest.raises(ValidationError, match="nan_policy must be"):
        prepare_data(x, nan_policy="zero")


def test_irregular_resample_or_raise():
    t = np.cumsum(np.r_[0.0, np.full(30, 1.0), 2.5, np.full(30, 1.0)])
    df = pd.DataFrame({"t": t, "y": 3.0 * t})
    with pytest.warns(ReliabilityWarning, match=r"irregular time stamps .* resampled.* 32 \(50.8 %\) are invented"):
        p = prepare_data(df, irregular="resample")
    assert p.resampled and np.allclose(np.diff(p.t), 1.0)
    # after the 2.5-step gap the stamps sit half-way between grid points: all 32 later grid points are new
    assert p.n_invented == 32 and p.n_times == 63
    np.testing.assert_allclose(p.x[:, 0], 3.0 * p.t)  # linear data survive linear resampling exactly
    with pytest.warns(ReliabilityWarning, match="own index"):
        p = prepare_data(df)                           # default: the samples as they are, nothing invented
    assert not p.resampled and p.n_invented == 0 and p.n_times == 62
    assert p.dt == 1.0 and p.time_unit == "observation"
    np.testing.assert_allclose(p.x[:, 0], 3.0 * t)
    with pytest.raises(ValidationError, match="time stamps are irregular"):
        prepare_data(df, irregular="raise")


def test_duplicate_times_and_empty():
    with pytest.raises(ValidationError, match="duplicate time stamps"):
        prepare_data(pd.DataFrame({"t": [0, 1, 1, 2], "y": [1, 2, 3, 4.0]}))
    with pytest.raises(InsufficientDataError, match="no rows"):
        prepare_data(np.empty((0, 1)))


@pytest.mark.skipif(importlib.util.find_spec("xarray") is not None, reason="xarray is installed")
def test_netcdf_without_xarray(tmp_path):
    (tmp_path / "d.nc").write_bytes(b"CDF\x01")
    with pytest.raises(ValidationError, match="NetCDF files needs the optional package xarray"):
        prepare_data(tmp_path / "d.nc")


def test_dataset_frame_uses_its_attrs():
    from attractor import datasets

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = prepare_data(datasets.load("elnino"))
    assert p.columns == ("sst",) and p.dt == pytest.approx(1 / 12) and p.n_times == 732


def test_datetime_time_column_in_days():
    hourly = pd.DataFrame({"when": pd.date_range("2020-01-01", periods=60, freq="D"), "v": np.arange(60.0)})
    p = prepare_data(hourly)
    assert p.time_unit == "day" and p.dt == 1.0 and p.time_column == "when" and not p.resampled
    s = pd.Series(np.arange(30.0), index=pd.date_range("2020", periods=30, freq="h"), name="load")
    p = prepare_data(s)
    assert p.time_unit == "hour" and p.columns == ("load",)


# ---------------------------------------------------------------------- issue #20/#19 regressions
def test_semicolon_decimal_comma_csv_is_detected(tmp_path):
    t = 0.01 * np.arange(60)
    rows = ["t;x;y;z"] + [f"{a:.2f};{np.sin(a):.6f};{np.cos(a):.6f};{a * a:.6f}".replace(".", ",") for a in t]
    (tmp_path / "eu.csv").write_text("\n".join(rows) + "\n")
    p = prepare_data(tmp_path / "eu.csv")
    assert p.columns == ("x", "y", "z") and p.time_column == "t" and p.dt == pytest.approx(0.01)
    np.testing.assert_allclose(p.x[:, 0], np.sin(t), atol=1e-6)
    assert any("separator semicolon and decimal mark ','" in n for n in p.notes)
    from attractor.report.io import read_table

    df = read_table(tmp_path / "eu.csv", sep=";", decimal=",")
    assert list(df.columns) == ["t", "x", "y", "z"] and df["x"].dtype == np.float64
    (tmp_path / "tab.tsv").write_text("a\tb\n" + "\n".join(f"{i}\t{2 * i}" for i in range(20)))
    assert prepare_data(tmp_path / "tab.tsv").columns == ("a", "b")


def test_text_without_numeric_columns_names_the_options(tmp_path):
    (tmp_path / "w.csv").write_text("name\n" + "\n".join("abc" for _ in range(20)))
    with pytest.raises(ValidationError, match=r"no numeric columns.*--sep ';' --decimal ','"):
        prepare_data(tmp_path / "w.csv")


def test_dropped_columns_are_listed_in_notes(tmp_path):
    df = _frame()
    df["flag"] = df["a"] > 0
    p = prepare_data(df)
    assert p.columns == ("a", "b")
    assert any("'label' was dropped: it is not numeric (e.g. 'x')" in n for n in p.notes)
    assert any("'flag' was dropped: it is boolean" in n for n in p.notes)
    _frame().to_csv(tmp_path / "d.csv", index=False)
    p = prepare_data(tmp_path / "d.csv")
    assert p.columns == ("a", "b") and any("'label' was dropped" in n for n in p.notes)


@pytest.mark.parametrize("name", ["t", "Time", "DATE", "datetime", "timestamp"])
def test_time_columns_are_never_data_even_with_dt(name):
    df = _frame().drop(columns="label").rename(columns={"t": name})
    with pytest.warns(ReliabilityWarning, match=f"dt = 0.5 was given, so the time column '{name}' is not used"):
        p = prepare_data(df, dt=0.5)
    assert p.columns == ("a", "b") and p.dt == 0.5 and p.time_column is None
    with pytest.raises(ValidationError, match="is a time column"), pytest.warns(ReliabilityWarning):
        prepare_data(df, dt=0.5, columns=[name, "a"])


def test_too_few_rows_is_an_error(tmp_path):
    (tmp_path / "one.csv").write_text("t,x\n0,1.5\n")
    with pytest.raises(InsufficientDataError, match="1 row.*needs at least 10 samples"):
        prepare_data(tmp_path / "one.csv")
    with pytest.raises(InsufficientDataError, match="needs at least 10 samples"):
        prepare_data(np.arange(5.0))


def test_long_input_is_cut_to_a_contiguous_window_and_says_so():
    x = np.arange(1000.0)
    with pytest.warns(ReliabilityWarning, match="SUBSAMPLED: the data have 1000 rows; only the first 300"):
        p = prepare_data(x, dt=0.5, max_samples=300)
    assert p.subsampled and p.n_raw == 1000 and p.n_times == 300 and p.dt == 0.5
    np.testing.assert_array_equal(p.x[:, 0], x[:300])
    assert not prepare_data(x).subsampled


def _business_days(n=260, seed=1):
    days = pd.bdate_range("2021-01-04", periods=n)
    holidays = days[[20, 80, 150, 200]]               # a few market holidays
    days = days.drop(holidays)
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"Date": days, "close": 100 + np.cumsum(rng.normal(size=days.size))})


def test_business_day_data_are_analysed_on_their_own_index():
    df = _business_days()
    with pytest.warns(ReliabilityWarning, match=r"business days: regular except for \d+ weekend gap\(s\) and 4 "
                                                r"holiday gap\(s\).*own index"):
        p = prepare_data(df)
    assert p.n_times == len(df) and not p.resampled and p.n_invented == 0
    assert p.time_unit == "observation" and p.dt == 1.0
    np.testing.assert_array_equal(p.x[:, 0], df["close"].to_numpy())     # nothing invented or moved
    with pytest.warns(ReliabilityWarning, match="invented"):
        r = prepare_data(df, irregular="resample")
    # every calendar day between the first and last business day: ~40 % more samples than were observed
    assert r.resampled and r.n_times == (df["Date"].iloc[-1] - df["Date"].iloc[0]).days + 1
    assert r.n_invented == r.n_times - len(df) and 0.35 < r.n_invented / len(df) < 0.45
    with pytest.raises(ValidationError, match="business days"):
        prepare_data(df, irregular="raise")


def test_monthly_and_yearly_dates_are_regular():
    m = pd.DataFrame({"date": pd.date_range("2000-01-01", periods=40, freq="MS"), "v": np.arange(40.0)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = prepare_data(m)
    assert p.time_unit == "month" and p.dt == 1.0 and p.n_times == 40
    y = pd.DataFrame({"date": pd.date_range("1900-01-01", periods=30, freq="YS"), "v": np.arange(30.0)})
    p = prepare_data(y)
    assert p.time_unit == "year" and p.dt == 1.0


def _netcdf(tmp_path):
    xr = pytest.importorskip("xarray")
    pytest.importorskip("netCDF4")
    time = pd.date_range("2000-01-01", periods=48, freq="D")
    lat, lon = np.array([10.0, 20.0, 30.0]), np.array([0.0, 5.0])
    base = np.sin(np.arange(48) / 5.0)
    tas = base[:, None, None] + lat[None, :, None] / 10 + lon[None, None, :] / 100
    ds = xr.Dataset({"tas": (("time", "lat", "lon"), tas), "pr": (("time", "lat", "lon"), 2 * tas)},
                    coords={"time": time, "lat": lat, "lon": lon})
    path = tmp_path / "grid.nc"
    ds.to_netcdf(path)
    return path, base, lat, lon


def test_netcdf_variable_point_and_area_mean(tmp_path):
    from attractor.report.io import read_table

    path, base, lat, lon = _netcdf(tmp_path)
    df = read_table(path, variable="tas", select={"lat": 21.0, "lon": 4.0})
    p = prepare_data(df)
    assert p.columns == ("tas",) and p.time_unit == "day" and p.n_times == 48
    np.testing.assert_allclose(p.x[:, 0], base + 2.0 + 0.05)             # nearest point: lat 20, lon 5
    assert any("nearest to lat=21.0, lon=4.0 (lat = 20, lon = 5)" in n for n in p.notes)
    p = prepare_data(read_table(path, variable="pr", mean="lat,lon"))
    np.testing.assert_allclose(p.x[:, 0], 2 * (base + lat.mean() / 10 + lon.mean() / 100))
    with pytest.raises(ValidationError, match=r"several variables.*--variable"):
        read_table(path)
    with pytest.raises(ValidationError, match=r"dimensions \['time', 'lat', 'lon'\].*--select lat=..,lon=.."):
        read_table(path, variable="tas")
    with pytest.raises(ValidationError, match="variable 'nope' not found"):
        read_table(path, variable="nope")
    with pytest.raises(ValidationError, match="no dimension 'depth'"):
        read_table(path, variable="tas", mean="depth")


def test_netcdf_missing_extra_names_the_install(tmp_path, monkeypatch):
    import builtins

    real = builtins.__import__

    def no_xarray(name, *a, **k):
        if name == "xarray":
            raise ImportError("no xarray")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_xarray)
    (tmp_path / "d.nc").write_bytes(b"CDF\x01")
    with pytest.raises(ValidationError, match=r'pip install "attractor\[netcdf\]"'):
        prepare_data(tmp_path / "d.nc")


def test_csv_with_a_date_column_of_any_name(tmp_path):
    df = _business_days().rename(columns={"Date": "Handelstag"})
    df.to_csv(tmp_path / "stock.csv", index=False)
    with pytest.warns(ReliabilityWarning, match="business days"):
        p = prepare_data(tmp_path / "stock.csv")
    assert p.columns == ("close",) and p.time_column == "Handelstag" and p.n_times == len(df)


def test_saved_row_index_is_not_data(tmp_path):
    _frame().drop(columns="label").to_csv(tmp_path / "i.csv")            # index=True: "Unnamed: 0"
    p = prepare_data(tmp_path / "i.csv")
    assert p.columns == ("a", "b") and any("'Unnamed: 0' was dropped: it is a row number" in n for n in p.notes)


def test_headerless_csv_keeps_its_first_row(tmp_path):
    (tmp_path / "h.csv").write_text("\n".join(f"{i * 0.5},{i * i}" for i in range(1, 21)) + "\n")
    p = prepare_data(tmp_path / "h.csv")
    assert p.columns == ("x0", "x1") and p.n_times == 20 and p.x[0, 0] == 0.5
    assert any("no header row" in n for n in p.notes)
    (tmp_path / "one.csv").write_text("\n".join(f"{np.sin(i):.5f}".replace(".", ",") for i in range(1, 21)))
    # one decimal-comma column is ambiguous (also two integer columns split at the comma): say so
    from attractor.report.io import read_table

    p = prepare_data(read_table(tmp_path / "one.csv", sep=";", decimal=","))
    assert p.columns == ("x",) and p.n_times == 20 and p.x[0, 0] == pytest.approx(np.sin(1), abs=1e-5)
