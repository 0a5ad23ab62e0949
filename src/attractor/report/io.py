"""Loading observed data for :func:`attractor.report.analyze`.

Accepted inputs: a NumPy array (rows are time), a pandas DataFrame or Series, a
:class:`~attractor.core.system.Trajectory`, or a path to a ``.csv``/``.tsv``/``.txt``,
``.parquet``, ``.npz``/``.npy`` or NetCDF (``.nc``; needs the optional ``xarray`` package)
file. Everything is turned into a :class:`PreparedData`: uniformly sampled, finite
values of shape (n_times, n_channels) with their time stamps, and a list of notes saying
what was done to the data (every such change is also issued as a
:class:`~attractor.core.errors.ReliabilityWarning`).

Policies
--------
Missing values (``nan_policy``; NaN and ±inf count as missing):

* ``"interpolate"`` (default): interior gaps are filled by linear interpolation in time,
  channel by channel; missing values at the start or end cannot be interpolated and those
  rows are removed.
* ``"drop"``: every row with a missing value is removed and the remaining rows are treated
  as consecutive samples at the nominal step (the gaps are ignored, not bridged).
* ``"raise"``: missing values are an error.

Irregular time stamps (``irregular``), i.e. steps differing from their median by more than
0.1 %:

* ``"resample"`` (default): linear interpolation onto a uniform grid whose step is the
  median step, from the first to the last time stamp;
* ``"raise"``: an error.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..core.errors import InsufficientDataError, ReliabilityWarning, ValidationError

__all__ = ["PreparedData", "prepare_data", "read_table", "SUPPORTED_FORMATS"]

SUPPORTED_FORMATS = (".csv", ".tsv", ".txt", ".parquet", ".pq", ".npz", ".npy", ".nc", ".nc4", ".netcdf")
_TIME_NAMES = ("t", "time", "times", "timestamp", "date", "datetime")
_IRREGULAR_RTOL = 1e-3


@dataclass(frozen=True)
class PreparedData:
    """Uniformly sampled, finite data ready for analysis.

    Attributes
    ----------
    t : numpy.ndarray, shape (n_times,)
        Time stamps (in ``time_unit``; sample index times ``dt`` when none were given).
    x : numpy.ndarray, shape (n_times, n_channels)
        Values; column ``k`` is channel ``columns[k]``.
    dt : float
        Sampling step (time units).
    columns : tuple of str
        Channel names.
    source : str
        Where the data came from (a path, "NumPy array", a dataset or system name, ...).
    time_column : str or None
        Column the time stamps were read from (None: from ``dt`` or an index).
    time_unit : str
        Unit of ``t`` and ``dt`` ("" when unknown).
    n_raw : int
        Rows before any missing-value or resampling step.
    missing : dict
        Missing values per channel in the raw data.
    nan_policy, irregular : str
        Policies applied.
    resampled : bool
        True if the data were interpolated onto a uniform grid.
    notes : tuple of str
        What was done to the data, in plain words.
    metadata : dict
        Anything known about the data (dataset description, generating system, ...).
    """

    t: np.ndarray = field(repr=False)
    x: np.ndarray = field(repr=False)
    dt: float
    columns: tuple[str, ...]
    source: str = "data"
    time_column: str | None = None
    time_unit: str = ""
    n_raw: int = 0
    missing: dict = field(default_factory=dict)
    nan_policy: str = "interpolate"
    irregular: str = "resample"
    resampled: bool = False
    notes: tuple[str, ...] = ()
    metadata: dict = field(default_factory=dict)

    @property
    def n_times(self) -> int:
        return int(self.x.shape[0])

    @property
    def n_channels(self) -> int:
        return int(self.x.shape[1])


# ---------------------------------------------------------------------- reading files
def read_table(path: str | Path):
    """Read a data file into a DataFrame (or a ``Trajectory`` for attractor's own ``.npz``).

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    ValidationError
        Unknown extension, unreadable contents, or NetCDF without ``xarray`` installed.
    """
    import pandas as pd

    path = Path(path).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"no such file: {str(path)!r}.")
    if path.is_dir():
        raise ValidationError(f"{str(path)!r} is a directory, not a data file.")
    ext = path.suffix.lower()
    if ext not in SUPPORTED_FORMATS:
        raise ValidationError(f"unsupported file format {ext or '(no extension)'!r} for {path.name!r}; "
                              f"use one of {', '.join(SUPPORTED_FORMATS)}.")
    try:
        if ext in (".csv", ".txt"):
            return pd.read_csv(path, sep=None, engine="python") if ext == ".txt" else pd.read_csv(path)
        if ext == ".tsv":
            return pd.read_csv(path, sep="\t")
        if ext in (".parquet", ".pq"):
            return pd.read_parquet(path)
        if ext == ".npy":
            return np.load(path, allow_pickle=False)
        if ext == ".npz":
            return _read_npz(path)
        return _read_netcdf(path)
    except (ValidationError, FileNotFoundError):
        raise
    except Exception as exc:  # any parser failure becomes one clear message
        kind = {".pq": "Parquet", ".parquet": "Parquet", ".npz": "NPZ", ".npy": "NPY"}.get(ext, ext[1:].upper())
        raise ValidationError(f"could not read {path.name!r} as {kind}: {type(exc).__name__}: {exc}".strip()) from exc


def _read_npz(path: Path):
    import pandas as pd

    with np.load(path, allow_pickle=False) as z:
        keys = list(z.files)
        if not keys:
            raise ValidationError(f"{path.name!r} contains no arrays.")
        if "x" in keys and "t" in keys:  # attractor's Trajectory.save format
            from ..core.system import Trajectory

            x = np.asarray(z["x"], dtype=float)
            names = tuple(str(s) for s in z["state_names"]) if "state_names" in keys else ()
            dt = float(z["dt"]) if "dt" in keys else float("nan")
            system = str(z["system"]) if "system" in keys else ""
            if x.ndim == 1:
                x = x[:, None]
            return Trajectory(np.asarray(z["t"], dtype=float), x, None if np.isnan(dt) else dt,
                              system or None, names)
        arrays = {k: np.asarray(z[k]) for k in keys}
    one_d = {k: v for k, v in arrays.items() if v.ndim == 1}
    if len(one_d) >= 1 and len({v.shape[0] for v in one_d.values()}) == 1 and len(one_d) == len(arrays):
        return pd.DataFrame(one_d)
    first = keys[0]
    if arrays[first].ndim in (1, 2):
        return arrays[first]
    raise ValidationError(f"{path.name!r}: array {first!r} has shape {arrays[first].shape}; expected 1-D columns "
                          f"or one 2-D array (rows are time).")


def _read_netcdf(path: Path):
    try:
        import xarray as xr
    except ImportError as exc:
        raise ValidationError("reading NetCDF files needs the optional package xarray (and netCDF4 or h5netcdf): "
                              "pip install xarray netCDF4; or convert the file to CSV or Parquet.") from exc
    with xr.open_dataset(path) as ds:
        return ds.to_dataframe().reset_index()


# ---------------------------------------------------------------------- preparing
def _note(notes: list[str], message: str, warn: bool = True) -> None:
    notes.append(message)
    if warn:
        warnings.warn(message, ReliabilityWarning, stacklevel=4)


def _frame_time(df, time_column: str | None, dt: float | None, user_time: bool):
    """Pick the time column of a DataFrame: the named one, else a column called t/time/..."""
    import pandas as pd

    cols = [str(c) for c in df.columns]
    df.columns = cols
    if time_column is not None:
        if time_column not in cols:
            raise ValidationError(f"time column {time_column!r} not found; available columns: {cols}.")
        return time_column
    if dt is not None and not user_time:
        return None
    for c in cols:
        if c.lower() in _TIME_NAMES:
            return c
    for c in cols:
        if pd.api.types.is_datetime64_any_dtype(df[c]):
            return c
    return None


def _time_values(series) -> tuple[np.ndarray, str | None]:
    """Time stamps as floats; datetimes become days, hours, minutes or seconds since the first stamp
    (the largest unit not exceeding the median step)."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(series):
        ts = pd.to_datetime(series)
        if ts.isna().any():
            raise ValidationError("the time column has missing time stamps.")
        sec = (ts - ts.iloc[0]).dt.total_seconds().to_numpy(dtype=float)
        step = float(np.median(np.diff(sec))) if sec.size > 1 else 1.0
        for unit, size in (("day", 86400.0), ("hour", 3600.0), ("minute", 60.0)):
            if step >= size:
                return sec / size, unit
        return sec, "s"
    try:
        vals = pd.to_numeric(series, errors="raise").to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        try:
            ts = pd.to_datetime(series, errors="raise")
        except (TypeError, ValueError):
            raise ValidationError(f"time column {series.name!r} is neither numeric nor dates ({exc}).") from exc
        return _time_values(ts)
    if not np.all(np.isfinite(vals)):
        raise ValidationError(f"time column {series.name!r} has {int((~np.isfinite(vals)).sum())} missing or "
                              "non-finite time stamps; remove those rows first.")
    return vals, None


def _from_frame(df, columns, time_column, dt):
    import pandas as pd

    df = df.copy()
    attrs = dict(getattr(df, "attrs", {}) or {})
    user_time = time_column is not None
    if time_column is None and dt is None and attrs.get("time_column") in df.columns:
        time_column = attrs["time_column"]
    if columns is None and attrs.get("value_column") in df.columns:
        columns = [attrs["value_column"]]
    if dt is None and attrs.get("dt") and time_column is None:
        dt = float(attrs["dt"])
    if time_column is None and isinstance(df.index, pd.DatetimeIndex):
        df = df.reset_index()
        time_column = str(df.columns[0])
    tcol = _frame_time(df, time_column, dt, user_time)
    available = [c for c in df.columns if c != tcol]
    if columns is not None:
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise ValidationError(f"column(s) {missing} not found; available columns: {available}.")
        bad = [c for c in columns if not pd.api.types.is_numeric_dtype(df[c])]
        if bad:
            conv = {c: pd.to_numeric(df[c], errors="coerce") for c in bad}
            nonnum = [c for c in bad if conv[c].notna().sum() == 0]
            if nonnum:
                raise ValidationError(f"column(s) {nonnum} are not numeric; numeric columns: "
                                      f"{[c for c in available if pd.api.types.is_numeric_dtype(df[c])]}.")
            for c in bad:
                df[c] = conv[c]
        use = list(columns)
    else:
        use = [c for c in available if pd.api.types.is_numeric_dtype(df[c])
               and not pd.api.types.is_bool_dtype(df[c])]
        if not use:
            raise ValidationError(f"no numeric columns to analyse among {available or list(df.columns)}; "
                                  "name the value column(s) with columns=[...] (CLI: --columns).")
    if tcol is not None and tcol in use:
        raise ValidationError(f"column {tcol!r} is used as the time column; do not list it among the columns.")
    x = df[use].to_numpy(dtype=float)
    t, unit = (None, None) if tcol is None else _time_values(df[tcol])
    if unit is not None:  # dates: keep the first stamp so that plots can show dates (report.figures.time_origin)
        attrs["time_origin"] = str(pd.to_datetime(df[tcol]).iloc[0])
    return x, t, dt, tuple(use), tcol, unit, attrs


def prepare_data(data: Any, dt: float | None = None, columns: Sequence[str] | str | None = None,
                 time_column: str | None = None, nan_policy: str = "interpolate",
                 irregular: str = "resample") -> PreparedData:
    """Turn ``data`` into uniformly sampled finite values (see the module docstring for policies).

    Parameters
    ----------
    data : array_like, pandas.DataFrame, pandas.Series, Trajectory, str or pathlib.Path
        Rows are time. A DataFrame's time is read from ``time_column``; if not given, from a
        column named ``t``/``time``/``timestamp``/``date``/``datetime`` or a datetime column
        or a ``DatetimeIndex`` (datetimes become days, hours, minutes or seconds since the first
        stamp, the largest unit not above the median step), unless ``dt``
        is given. A DataFrame from :func:`attractor.datasets.load` carries its own time and
        value columns in ``attrs``.
    dt : float > 0, optional
        Sampling step when the data carry no time stamps (default 1 sample).
    columns : sequence of str or comma-separated str, optional
        Channels to analyse (default: every numeric column except time). For arrays: names
        given to the columns.
    time_column : str, optional
    nan_policy : {"interpolate", "drop", "raise"}
    irregular : {"resample", "raise"}

    Returns
    -------
    PreparedData

    Raises
    ------
    FileNotFoundError, ValidationError, InsufficientDataError
        Missing file, unreadable format, no numeric columns, unknown column (the message
        lists the available ones), both ``dt`` and a time column, missing values with
        ``nan_policy="raise"``, irregular sampling with ``irregular="raise"``, no data.
    """
    import pandas as pd

    from ..core.system import Trajectory
    from ..core.validation import check_positive_float

    if nan_policy not in ("interpolate", "drop", "raise"):
        raise ValidationError(f"nan_policy must be 'interpolate', 'drop' or 'raise'; got {nan_policy!r}.")
    if irregular not in ("resample", "raise"):
        raise ValidationError(f"irregular must be 'resample' or 'raise'; got {irregular!r}.")
    if isinstance(columns, str):
        columns = [c.strip() for c in columns.split(",") if c.strip()]
    if columns is not None:
        columns = [str(c) for c in columns]
        if not columns:
            raise ValidationError("columns is empty; name at least one column.")
    if dt is not None:
        dt = check_positive_float(dt, "dt")
        if time_column is not None:
            raise ValidationError("give either a time column or dt, not both.")
    notes: list[str] = []
    metadata: dict = {}
    source = "data"
    tcol = unit = None
    if isinstance(data, (str, Path)):
        source = str(data)
        data = read_table(data)
    if isinstance(data, Trajectory):
        if data.is_ensemble:
            _note(notes, f"the trajectory is an ensemble of {len(data)} members; only member 0 is analysed.")
            data = data[0]
        source = data.system or source
        x = np.asarray(data.x, dtype=float)
        names = tuple(data.state_names)
        if columns is not None:
            missing = [c for c in columns if c not in names]
            if missing:
                raise ValidationError(f"column(s) {missing} not found; available columns: {list(names)}.")
            x = x[:, [names.index(c) for c in columns]]
            names = tuple(columns)
        t = None if dt is not None else np.asarray(data.t, dtype=float)
        if data.system:
            metadata["system"] = data.system
            metadata["parameters"] = dict(data.parameters)
    elif isinstance(data, pd.Series):
        frame = data.to_frame(name=str(data.name) if data.name is not None else "x")
        frame.attrs = dict(data.attrs)
        x, t, dt, names, tcol, unit, attrs = _from_frame(frame.reset_index() if isinstance(
            data.index, pd.DatetimeIndex) else frame, columns, time_column, dt)
        metadata.update(attrs)
    elif isinstance(data, pd.DataFrame):
        x, t, dt, names, tcol, unit, attrs = _from_frame(data, columns, time_column, dt)
        metadata.update(attrs)
        if attrs.get("name"):
            source = f"dataset {attrs['name']!r}"
    else:
        if time_column is not None:
            raise ValidationError("time_column applies to tables; for an array give dt (or a Trajectory).")
        try:
            x = np.asarray(data, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"data must be numeric (an array, DataFrame, Trajectory or file path); "
                                  f"could not convert it to floats ({exc}).") from exc
        if x.ndim == 0 or x.ndim > 2:
            raise ValidationError(f"data must be 1-D or 2-D (rows are time); got shape {x.shape}.")
        if x.ndim == 1:
            x = x[:, None]
        if columns is not None:
            if len(columns) != x.shape[1]:
                raise ValidationError(f"{len(columns)} column name(s) given for {x.shape[1]} column(s) of data.")
            names = tuple(columns)
        else:
            names = ("x",) if x.shape[1] == 1 else tuple(f"x{i}" for i in range(x.shape[1]))
        t = None
        source = "array"
    if x.ndim != 2 or x.shape[1] == 0:
        raise ValidationError(f"no data columns to analyse (shape {x.shape}).")
    n_raw = x.shape[0]
    if n_raw == 0:
        raise InsufficientDataError("the data have no rows; at least 2 samples are needed.")
    if unit is None:
        unit = str(metadata.get("time_unit", ""))
    # -- time stamps
    if t is None:
        step = 1.0 if dt is None else dt
        if dt is None:
            _note(notes, "no time stamps and no dt given: time is measured in samples (dt = 1).", warn=False)
        t = step * np.arange(n_raw, dtype=float)
        dt = step
    else:
        t = np.asarray(t, dtype=float)
        if n_raw > 1:
            d = np.diff(t)
            if np.any(d == 0):
                i = int(np.flatnonzero(d == 0)[0])
                raise ValidationError(f"duplicate time stamps (t = {t[i]:g} at rows {i} and {i + 1}); "
                                      "aggregate or remove the duplicates first.")
            if np.any(d < 0):
                order = np.argsort(t, kind="stable")
                t, x = t[order], x[order]
                _note(notes, "time stamps were not in increasing order; rows were sorted by time.")
    # -- missing values
    bad = ~np.isfinite(x)
    missing = {c: int(bad[:, k].sum()) for k, c in enumerate(names)}
    n_bad_rows = int(bad.any(axis=1).sum())
    for k, c in enumerate(names):
        if missing[c] == n_raw:
            raise ValidationError(f"column {c!r} has no finite values.")
    if n_bad_rows:
        total = sum(missing.values())
        desc = ", ".join(f"{c}: {m}" for c, m in missing.items() if m)
        if nan_policy == "raise":
            first = int(np.flatnonzero(bad.any(axis=1))[0])
            raise ValidationError(f"the data have {total} missing (NaN/inf) value(s) ({desc}); the first is in row "
                                  f"{first}. Use nan_policy='interpolate' or 'drop' (CLI: --nan-policy).")
        if nan_policy == "drop":
            keep = ~bad.any(axis=1)
            x, t = x[keep], t[keep]
            _note(notes, f"{n_bad_rows} row(s) with missing values ({desc}) were dropped; the remaining rows are "
                         "treated as consecutive samples (gaps are ignored, not bridged).")
        else:
            # interpolate interior gaps of each channel, then trim rows still missing at the ends
            x = x.copy()
            for k in range(x.shape[1]):
                ok = np.isfinite(x[:, k])
                if not ok.all():
                    x[~ok, k] = np.interp(t[~ok], t[ok], x[ok, k])
            edge = np.zeros(n_raw, dtype=bool)
            for k in range(x.shape[1]):
                ok = np.flatnonzero(~bad[:, k])
                edge[: ok[0]] = True
                edge[ok[-1] + 1:] = True
            n_edge = int(edge.sum())
            x, t = x[~edge], t[~edge]
            msg = f"{total} missing value(s) ({desc}) were filled by linear interpolation in time"
            if n_edge:
                msg += f"; {n_edge} row(s) at the start/end that could not be interpolated were removed"
            _note(notes, msg + ".")
    if x.shape[0] == 0:
        raise InsufficientDataError("no rows are left after removing missing values.")
    # -- sampling
    resampled = False
    if nan_policy == "drop" and n_bad_rows:
        dt = float(np.median(np.diff(t))) if dt is None and t.size > 1 else dt
        t = t[0] + dt * np.arange(t.size)
    elif t.size > 2:
        d = np.diff(t)
        med = float(np.median(d))
        dev = float(np.max(np.abs(d - med)) / med)
        if dev > _IRREGULAR_RTOL:
            if irregular == "raise":
                raise ValidationError(
                    f"the time stamps are irregular (steps from {d.min():g} to {d.max():g}, median {med:g}); "
                    "use irregular='resample' (CLI: --irregular resample) to interpolate onto a uniform grid.")
            n_new = int(np.floor((t[-1] - t[0]) / med + 1e-9)) + 1
            grid = t[0] + med * np.arange(n_new)
            x = np.column_stack([np.interp(grid, t, x[:, k]) for k in range(x.shape[1])])
            _note(notes, f"irregular time stamps (steps {d.min():g} to {d.max():g}) were resampled by linear "
                         f"interpolation onto a uniform grid of step {med:g} ({n_new} samples).")
            t, dt, resampled = grid, med, True
        else:
            dt = med if tcol is not None or dt is None else dt
    elif t.size == 2:
        dt = float(t[1] - t[0])
    if dt is None or not np.isfinite(dt) or dt <= 0:
        dt = 1.0
    return PreparedData(t=t, x=x, dt=float(dt), columns=tuple(map(str, names)), source=source, time_column=tcol,
                        time_unit=unit or "", n_raw=n_raw, missing=missing, nan_policy=nan_policy,
                        irregular=irregular, resampled=resampled, notes=tuple(notes), metadata=metadata)
