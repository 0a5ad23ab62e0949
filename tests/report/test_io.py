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
