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
0.1 % (monthly and yearly calendar dates count as regular):

* ``"index"`` (default): the samples are analysed in order on their own index (time is the
  observation number, dt = 1 "observation"); nothing is invented. Daily stamps that skip only
  weekends and holidays (stock prices) are recognised and described as business days.
* ``"resample"``: linear interpolation onto a uniform grid whose step is the median step,
  from the first to the last time stamp; the grid points between observations are counted
  (``PreparedData.n_invented``) and reported;
* ``"raise"``: an error.

Text files: the separator (``, ; tab | whitespace``) and decimal mark (``.`` or ``,``) are
detected from the first rows (the parse with the most numeric columns wins) or given
(``sep``, ``decimal``); only the needed columns are read, as float64. Every column that is
not analysed, and why, is listed in the notes. Columns named ``t``, ``time``, ``date``,
``datetime`` or ``timestamp`` (any case) are time, never data. Inputs longer than
:data:`MAX_SAMPLES` rows are cut to a contiguous window (``PreparedData.subsampled``).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..core.errors import InsufficientDataError, ReliabilityWarning, ValidationError

__all__ = ["PreparedData", "prepare_data", "read_table", "read_netcdf", "SUPPORTED_FORMATS", "MAX_SAMPLES", "MIN_SAMPLES",
           "IRREGULAR_POLICIES"]

SUPPORTED_FORMATS = (".csv", ".tsv", ".txt", ".parquet", ".pq", ".npz", ".npy", ".nc", ".nc4", ".netcdf")
_TIME_NAMES = ("t", "time", "times", "timestamp", "date", "datetime")  # compared case-insensitively
_IRREGULAR_RTOL = 1e-3
#: irregular-sampling policies of :func:`prepare_data`
IRREGULAR_POLICIES = ("index", "resample", "raise")
#: longer data are cut to a contiguous window of this many rows
MAX_SAMPLES = 200_000
#: fewer samples are an error (no analysis of the report is meaningful below this)
MIN_SAMPLES = 10


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
    subsampled : bool
        True if only a contiguous window of the rows is analysed (the input had more than
        ``max_samples`` rows); the note says which.
    n_invented : int
        Samples of the uniform grid that fall between observations (made up by interpolation;
        0 unless ``irregular="resample"`` resampled the data).
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
    irregular: str = "index"
    resampled: bool = False
    notes: tuple[str, ...] = ()
    metadata: dict = field(default_factory=dict)
    subsampled: bool = False
    n_invented: int = 0

    @property
    def n_times(self) -> int:
        return int(self.x.shape[0])

    @property
    def n_channels(self) -> int:
        return int(self.x.shape[1])


# ---------------------------------------------------------------------- reading files
_SEPARATORS = (",", ";", "\t", "|", r"\s+")
_SEP_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe", r"\s+": "whitespace"}
_SNIFF_BYTES = 256 * 1024


def _is_time_name(name: str) -> bool:
    return str(name).strip().lower() in _TIME_NAMES


def _numeric_share(col) -> float:
    """Fraction of the non-empty entries of a column that are numbers."""
    import pandas as pd

    if pd.api.types.is_bool_dtype(col):
        return 0.0
    if pd.api.types.is_numeric_dtype(col):
        return 1.0
    vals = col.dropna()
    if vals.empty:
        return 0.0
    return float(pd.to_numeric(vals, errors="coerce").notna().mean())


def _is_number(text, decimal: str) -> bool:
    try:
        float(str(text).strip().replace(decimal, "."))
    except ValueError:
        return False
    return True


def _sniff_csv(path: Path, sep: str | None, decimal: str | None):
    """Choose the separator and decimal mark whose parse of the first rows gives the most numeric
    columns. Returns ``(sep, decimal, sample_frame)``."""
    import io

    import pandas as pd

    with open(path, "rb") as fh:
        raw = fh.read(_SNIFF_BYTES)
    text = raw.decode("utf-8", errors="replace")
    if len(raw) == _SNIFF_BYTES and "\n" in text:
        text = text[: text.rindex("\n") + 1]     # whole lines only
    if not text.strip():
        raise InsufficientDataError(f"{path.name!r} is empty.")
    seps = (sep,) if sep is not None else _SEPARATORS
    decimals = (decimal,) if decimal is not None else (".", ",")
    best = None
    for s_ in seps:
        for d_ in decimals:
            if s_ == d_:
                continue
            try:
                frame = pd.read_csv(io.StringIO(text), sep=s_, decimal=d_, nrows=500,
                                    engine="python" if len(s_) > 1 else "c")
            except Exception:
                continue
            if frame.shape[1] == 0 or not isinstance(frame.index, pd.RangeIndex):
                continue      # rows with more fields than the header: pandas would hide them in the index
            shares = [_numeric_share(frame[c]) for c in frame.columns]
            n_num = sum(sh >= 0.99 for sh in shares)
            # prefer: more fully numeric columns, then more columns, then the usual '.' and ','
            score = (n_num, frame.shape[1], d_ == ".", s_ == ",")
            if best is None or score > best[0]:
                best = (score, s_, d_, frame)
    if best is None or best[0][0] == 0:
        tried = ", ".join(_SEP_NAMES.get(s_, repr(s_)) for s_ in seps)
        marks = " and ".join(repr(d_) for d_ in decimals)
        found = f" (columns read: {[str(c) for c in best[3].columns][:10]})" if best is not None else ""
        raise ValidationError(f"no numeric columns found in {path.name!r}{found}; tried separators {tried} with "
                              f"decimal marks {marks}. If the file is numeric, give its separator and decimal "
                              "mark, e.g. sep=';', decimal=',' (CLI: --sep ';' --decimal ',').")
    return best[1], best[2], best[3]


def _read_csv(path: Path, sep: str | None, decimal: str | None, columns: Sequence[str] | None = None,
              time_column: str | None = None):
    """Read a delimited text file: detected separator and decimal mark, only the columns that
    will be used, values as float64. Dropped columns are listed in ``attrs["notes"]``."""
    import pandas as pd

    sep, decimal, sample = _sniff_csv(path, sep, decimal)
    sample.columns = [str(c) for c in sample.columns]
    notes: list[str] = []
    if sep != "," or decimal != ".":
        notes.append(f"read {path.name!r} with separator {_SEP_NAMES.get(sep, repr(sep))} and decimal mark "
                     f"{decimal!r}.")
    header: dict = {}
    if all(_is_number(c, decimal) for c in sample.columns):
        # no header row: pandas would take the first sample as column names (and lose it)
        names = ["x"] if sample.shape[1] == 1 else [f"x{i}" for i in range(sample.shape[1])]
        header = dict(header=None, names=names)
        sample.columns = names
        notes.append(f"{path.name!r} has no header row; its columns are named {', '.join(names[:6])}"
                     f"{', ...' if len(names) > 6 else ''}.")
    cols = list(sample.columns)
    dates: list[str] = []
    tcols = [c for c in cols if c == time_column or (time_column is None and _is_time_name(c))]
    if columns is not None:
        missing = [c for c in columns if c not in cols]
        if missing:
            raise ValidationError(f"column(s) {missing} not found; available columns: "
                                  f"{[c for c in cols if c not in tcols]}.")
        use = [c for c in cols if c in set(columns) or c in tcols]
    else:
        use = []
        for c in cols:
            if c in tcols:
                use.append(c)
                continue
            share = _numeric_share(sample[c])
            if share >= 0.99:
                use.append(c)
            elif share > 0 or sample[c].dropna().empty:
                use.append(c)     # mostly numbers: read it and let the missing-value policy decide
            else:
                example = str(sample[c].dropna().iloc[0])[:20]
                try:              # a date column not called 'time' is a time column, not data
                    pd.to_datetime(sample[c].dropna().iloc[:20], errors="raise", format="mixed")
                    use.append(c)
                    dates.append(c)
                    continue
                except (TypeError, ValueError):
                    pass
                notes.append(f"column {c!r} was dropped: it is not numeric (e.g. {example!r}).")
    dtypes = {c: "float64" for c in use if c not in tcols and pd.api.types.is_numeric_dtype(sample[c])}
    kw = dict(sep=sep, decimal=decimal, usecols=use or None, engine="python" if len(sep) > 1 else "c", **header)
    try:
        df = pd.read_csv(path, dtype=dtypes, **kw)
    except ValueError:       # a numeric-looking column has text further down: read it as text
        df = pd.read_csv(path, **kw)
    if not isinstance(df.index, pd.RangeIndex):
        raise ValidationError(f"{path.name!r}: some rows have more fields than the header (separator "
                              f"{_SEP_NAMES.get(sep, repr(sep))}); give the separator with sep= (CLI: --sep).")
    df.columns = [str(c) for c in df.columns]
    for c in dates:
        try:
            df[c] = pd.to_datetime(df[c], format="mixed")
        except (TypeError, ValueError):
            pass          # not dates after all: dropped later as a non-numeric column, with a note
    for c in df.columns:
        if c in tcols or c in dates or pd.api.types.is_numeric_dtype(df[c]):
            continue
        conv = pd.to_numeric(df[c], errors="coerce")
        n_bad = int((conv.isna() & df[c].notna()).sum())
        if n_bad and conv.notna().any() and (columns is None or c in columns):
            notes.append(f"column {c!r}: {n_bad} non-numeric entr{'y' if n_bad == 1 else 'ies'} treated as "
                         "missing values.")
            df[c] = conv
    df.attrs["notes"] = notes
    return df


def read_table(path: str | Path, sep: str | None = None, decimal: str | None = None,
               columns: Sequence[str] | None = None, time_column: str | None = None, variable: str | None = None,
               select: dict | None = None, mean: Sequence[str] | str | None = None):
    """Read a data file into a DataFrame (or a ``Trajectory`` for attractor's own ``.npz``).

    Parameters
    ----------
    path : str or Path
    sep, decimal : str, optional
        Column separator and decimal mark of a text file (default: detected; the parse of
        the first rows with the most numeric columns wins among ``, ; tab | whitespace`` and
        ``.`` / ``,``).
    columns, time_column : optional
        Only these columns (plus the time column) are read from a text file.
    variable, select, mean :
        NetCDF only: the variable to read (default: the only one with a time dimension), a
        point picked by nearest coordinates ``{"lat": 52.5, "lon": 13.4}``, and dimensions
        averaged over (``["lat", "lon"]``); see :func:`read_netcdf`.

    Returns
    -------
    pandas.DataFrame, numpy.ndarray or Trajectory
        Frames carry ``attrs["input_path"]`` and ``attrs["notes"]`` (what was dropped or detected).

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
    is_nc = ext in (".nc", ".nc4", ".netcdf")
    if not is_nc and (variable is not None or select or mean):
        raise ValidationError("variable, select and mean (CLI: --variable, --select, --mean) apply to NetCDF "
                              f"files only; {path.name!r} is not one.")
    if is_nc and (sep is not None or decimal is not None):
        raise ValidationError("sep and decimal apply to text files only.")
    try:
        if ext in (".csv", ".txt", ".tsv"):
            out = _read_csv(path, "\t" if ext == ".tsv" and sep is None else sep, decimal, columns, time_column)
        elif ext in (".parquet", ".pq"):
            out = pd.read_parquet(path)
        elif ext == ".npy":
            out = np.load(path, allow_pickle=False)
        elif ext == ".npz":
            out = _read_npz(path)
        else:
            out = read_netcdf(path, variable=variable, select=select, mean=mean)
    except (ValidationError, FileNotFoundError):
        raise
    except Exception as exc:  # any parser failure becomes one clear message
        kind = {".pq": "Parquet", ".parquet": "Parquet", ".npz": "NPZ", ".npy": "NPY"}.get(ext, ext[1:].upper())
        raise ValidationError(f"could not read {path.name!r} as {kind}: {type(exc).__name__}: {exc}".strip()) from exc
    if isinstance(out, pd.DataFrame):
        out.attrs["input_path"] = str(path)
        out.attrs.setdefault("notes", [])
    return out


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


def _parse_select(select) -> dict:
    if select is None:
        return {}
    if isinstance(select, str):
        out = {}
        for part in select.split(","):
            if not part.strip():
                continue
            if "=" not in part:
                raise ValidationError(f"select expects NAME=VALUE pairs like 'lat=52.5,lon=13.4'; got {select!r}.")
            k, v = part.split("=", 1)
            try:
                out[k.strip()] = float(v)
            except ValueError:
                out[k.strip()] = v.strip()
        return out
    return dict(select)


def read_netcdf(path: str | Path, variable: str | None = None, select: dict | str | None = None,
                mean: Sequence[str] | str | None = None):
    """Read one time series from a NetCDF file (needs the ``netcdf`` extra: xarray and netCDF4).

    Parameters
    ----------
    path : str or Path
    variable : str, optional
        Data variable to read (default: the only one that has a time-like dimension).
    select : dict or str, optional
        Point selection by nearest coordinate values, e.g. ``{"lat": 52.5, "lon": 13.4}`` or
        ``"lat=52.5,lon=13.4"``.
    mean : sequence of str or comma-separated str, optional
        Dimensions to average over (an area mean, e.g. ``"lat,lon"``; NaN cells are skipped).

    Returns
    -------
    pandas.DataFrame
        A time column (from the time coordinate) and one value column named after the variable;
        ``attrs["notes"]`` say which point or area was taken.
    """
    import pandas as pd

    try:
        import xarray as xr
    except ImportError as exc:
        raise ValidationError("reading NetCDF files needs the optional package xarray (and netCDF4): "
                              'pip install "attractor[netcdf]"; or convert the file to CSV or Parquet.') from exc
    path = Path(path)
    sel = _parse_select(select)
    if isinstance(mean, str):
        mean = [m.strip() for m in mean.split(",") if m.strip()]
    mean = list(mean or [])
    notes: list[str] = []
    try:
        ds = xr.open_dataset(path)
    except Exception as exc:
        if "netcdf4" in str(exc).lower() or "engine" in str(exc).lower():
            raise ValidationError(f"could not open {path.name!r}: {exc}. Install the NetCDF backend: "
                                  'pip install "attractor[netcdf]".') from exc
        raise
    with ds:
        names = [str(v) for v in ds.data_vars]
        if variable is None:
            timed = [v for v in names if any(_is_time_name(d) for d in ds[v].dims)] or names
            if len(timed) != 1:
                raise ValidationError(f"{path.name!r} has several variables {timed}; pick one with variable=... "
                                      "(CLI: --variable).")
            variable = timed[0]
        if variable not in names:
            raise ValidationError(f"variable {variable!r} not found in {path.name!r}; variables: {names}.")
        da = ds[variable]
        dims = [str(d) for d in da.dims]
        for k in list(sel) + mean:
            if k not in dims:
                raise ValidationError(f"{variable!r} has no dimension {k!r}; its dimensions are {dims}.")
        if sel:
            da = da.sel(**sel, method="nearest")
            got = ", ".join(f"{k} = {float(da[k].values):g}" if np.issubdtype(da[k].dtype, np.number)
                            else f"{k} = {da[k].values}" for k in sel)
            notes.append(f"{variable}: the grid point nearest to {', '.join(f'{k}={v}' for k, v in sel.items())} "
                         f"({got}) was taken.")
        if mean:
            da = da.mean(dim=mean, skipna=True)
            notes.append(f"{variable}: averaged over {', '.join(mean)} (area mean, missing cells skipped).")
        rest = [str(d) for d in da.dims]
        if len(rest) != 1:
            other = [d for d in rest if not _is_time_name(d)]
            raise ValidationError(f"variable {variable!r} has dimensions {rest}; reduce it to a time series: pick a "
                                  f"point with select (CLI: --select {'=..,'.join(other)}=..) or average with mean "
                                  f"(CLI: --mean {','.join(other)}).")
        tdim = rest[0]
        values = np.asarray(da.values, dtype=float)
        tvals = da[tdim].values if tdim in da.coords else np.arange(values.size)
    df = pd.DataFrame({tdim if _is_time_name(tdim) else "time": tvals, str(variable): values})
    df.attrs["notes"] = notes
    df.attrs["time_column"] = df.columns[0]
    df.attrs["value_column"] = str(variable)
    return df


# ---------------------------------------------------------------------- preparing
def _note(notes: list[str], message: str, warn: bool = True) -> None:
    notes.append(message)
    if warn:
        warnings.warn(message, ReliabilityWarning, stacklevel=4)


def _frame_time(df, time_column: str | None):
    """Pick the time column of a DataFrame: the named one, else a column called
    t/time/date/datetime/timestamp (any case), else a datetime column."""
    import pandas as pd

    cols = [str(c) for c in df.columns]
    df.columns = cols
    if time_column is not None:
        if time_column not in cols:
            raise ValidationError(f"time column {time_column!r} not found; available columns: {cols}.")
        return time_column
    for c in cols:
        if _is_time_name(c):
            return c
    for c in cols:
        if pd.api.types.is_datetime64_any_dtype(df[c]):
            return c
    return None


def _calendar(days: np.ndarray) -> str | None:
    """"month" or "year" for calendar stamps with steps of 28-31 or 365-366 days, else None."""
    if days.size < 2:
        return None
    d = np.diff(days)
    if np.all((d >= 27.9) & (d <= 31.1)):
        return "month"
    if np.all((d >= 364.9) & (d <= 366.1)):
        return "year"
    return None


def _time_values(series) -> tuple[np.ndarray, str | None, Any]:
    """Time stamps as floats, the unit, and the datetimes (None for numeric stamps).

    Datetimes become days, hours, minutes or seconds since the first stamp (the largest unit
    not exceeding the median step); monthly and yearly stamps become months or years.
    """
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(series):
        ts = pd.to_datetime(series)
        if ts.isna().any():
            raise ValidationError("the time column has missing time stamps.")
        if getattr(ts.dt, "tz", None) is not None:
            ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
        sec = (ts - ts.iloc[0]).dt.total_seconds().to_numpy(dtype=float)
        if sec.size > 1 and np.all(np.diff(sec) > 0):
            cal = _calendar(sec / 86400.0)
            if cal is not None:
                months = (ts.dt.year * 12 + ts.dt.month).to_numpy(dtype=float)
                months = months - months[0]
                if cal == "month" and np.all(np.diff(months) == 1):
                    return months, "month", None
                years = months / 12.0
                if cal == "year" and np.allclose(np.diff(years), 1.0):
                    return years, "year", None
        step = float(np.median(np.diff(sec))) if sec.size > 1 else 1.0
        for unit, size in (("day", 86400.0), ("hour", 3600.0), ("minute", 60.0)):
            if step >= size:
                return sec / size, unit, ts
        return sec, "s", ts
    try:
        vals = pd.to_numeric(series, errors="raise").to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        try:
            ts = pd.to_datetime(series, errors="raise", format="mixed")
        except (TypeError, ValueError):
            raise ValidationError(f"time column {series.name!r} is neither numeric nor dates ({exc}).") from exc
        return _time_values(ts)
    if not np.all(np.isfinite(vals)):
        raise ValidationError(f"time column {series.name!r} has {int((~np.isfinite(vals)).sum())} missing or "
                              "non-finite time stamps; remove those rows first.")
    return vals, None, None


def _from_frame(df, columns, time_column, dt, notes: list[str]):
    import pandas as pd

    attrs = dict(getattr(df, "attrs", {}) or {})
    df = df.copy(deep=False)
    for n in attrs.get("notes", ()) or ():
        _note(notes, str(n), warn=False)
    user_time = time_column is not None
    if time_column is None and dt is None and attrs.get("time_column") in df.columns:
        time_column = attrs["time_column"]
    if columns is None and attrs.get("value_column") in df.columns:
        columns = [attrs["value_column"]]
    if dt is None and attrs.get("dt") and time_column is None:
        dt = float(attrs["dt"])
    if time_column is None and isinstance(df.index, pd.DatetimeIndex):
        df = df.reset_index()
        if dt is None:
            time_column = str(df.columns[0])
    tcol = _frame_time(df, time_column)
    if tcol is not None and dt is not None and not user_time:
        _note(notes, f"dt = {dt:g} was given, so the time column {tcol!r} is not used for time; it is not "
                     "analysed either.")
        excluded, tcol = tcol, None
    else:
        excluded = tcol
    available = [c for c in df.columns if c != excluded]
    if columns is not None:
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise ValidationError(f"column(s) {missing} not found; available columns: {available}.")
        if excluded is not None and excluded in columns:
            raise ValidationError(f"column {excluded!r} is a time column; it is never analysed as data "
                                  "(name another column, or give the time column another name).")
        bad = [c for c in columns if not pd.api.types.is_numeric_dtype(df[c])]
        if bad:
            conv = {c: pd.to_numeric(df[c], errors="coerce") for c in bad}
            nonnum = [c for c in bad if conv[c].notna().sum() == 0]
            if nonnum:
                raise ValidationError(f"column(s) {nonnum} are not numeric; numeric columns: "
                                      f"{[c for c in available if pd.api.types.is_numeric_dtype(df[c])]}.")
            for c in bad:
                n_bad = int((conv[c].isna() & df[c].notna()).sum())
                if n_bad:
                    _note(notes, f"column {c!r}: {n_bad} non-numeric entr{'y' if n_bad == 1 else 'ies'} treated "
                                 "as missing values.", warn=False)
                df[c] = conv[c]
        use = list(columns)
    else:
        use = []
        for c in available:
            col = df[c]
            if pd.api.types.is_bool_dtype(col):
                _note(notes, f"column {c!r} was dropped: it is boolean, not a measured quantity.", warn=False)
            elif pd.api.types.is_datetime64_any_dtype(col) or pd.api.types.is_timedelta64_dtype(col):
                _note(notes, f"column {c!r} was dropped: it holds dates/times, not values.", warn=False)
            elif not pd.api.types.is_numeric_dtype(col):
                vals = col.dropna()
                example = f" (e.g. {str(vals.iloc[0])[:20]!r})" if len(vals) else ""
                _note(notes, f"column {c!r} was dropped: it is not numeric{example}.", warn=False)
            elif _is_row_index(c, col):
                _note(notes, f"column {c!r} was dropped: it is a row number (0, 1, 2, ...), not a measured "
                             "quantity.", warn=False)
            else:
                use.append(c)
        if not use:
            raise ValidationError(f"no numeric columns to analyse among {available or list(df.columns)}; "
                                  "name the value column(s) with columns=[...] (CLI: --columns).")
    x = df[use].to_numpy(dtype=float)
    t, unit, stamps = (None, None, None) if tcol is None else _time_values(df[tcol])
    return x, t, dt, tuple(use), tcol, unit, stamps, attrs


def _is_row_index(name: str, col) -> bool:
    """A saved DataFrame index ("Unnamed: 0", "index", "") holding 0..n-1 or 1..n."""
    import re

    if not (re.fullmatch(r"unnamed: \d+|index|", str(name).strip().lower())) or len(col) < 2:
        return False
    v = col.to_numpy(dtype=float, na_value=np.nan)
    return bool(np.all(np.diff(v) == 1) and v[0] in (0.0, 1.0))


def _business_days(stamps, t: np.ndarray) -> str | None:
    """Describe daily stamps that are regular except for weekend/holiday gaps (None if not such)."""
    if stamps is None or t.size < 10:
        return None
    d = np.diff(t)
    if not (np.allclose(d, np.round(d), atol=1e-9) and float(np.median(d)) == 1.0 and d.max() <= 5):
        return None
    days = np.asarray(stamps.to_numpy(), dtype="datetime64[D]").astype(np.int64)
    dow = (days + 3) % 7          # 1970-01-01 was a Thursday; Monday = 0 ... Sunday = 6
    if np.mean(dow >= 5) > 0.01:
        return None
    big = np.flatnonzero(d > 1)
    weekend = sum(1 for i in big if dow[i] == 4 and d[i] == 3)
    other = big.size - weekend
    return (f"the time stamps are business days: regular except for {weekend} weekend gap(s) and {other} "
            "holiday gap(s)")


def _count_invented(t: np.ndarray, grid: np.ndarray, step: float) -> int:
    """Grid points that do not coincide (within 0.1 % of a step) with an observed time stamp."""
    j = np.clip(np.searchsorted(t, grid), 1, t.size - 1)
    near = np.minimum(np.abs(t[j] - grid), np.abs(t[j - 1] - grid))
    return int(np.sum(near > _IRREGULAR_RTOL * step))


def prepare_data(data: Any, dt: float | None = None, columns: Sequence[str] | str | None = None,
                 time_column: str | None = None, nan_policy: str = "interpolate",
                 irregular: str = "index", max_samples: int | None = None,
                 min_samples: int | None = None) -> PreparedData:
    """Turn ``data`` into uniformly sampled finite values (see the module docstring for policies).

    Parameters
    ----------
    data : array_like, pandas.DataFrame, pandas.Series, Trajectory, str or pathlib.Path
        Rows are time. A DataFrame's time is read from ``time_column``; if not given, from a
        column named ``t``/``time``/``timestamp``/``date``/``datetime`` (any case) or a
        datetime column or a ``DatetimeIndex`` (datetimes become days, hours, minutes or
        seconds since the first stamp, the largest unit not above the median step; monthly or
        yearly stamps become months or years). Such a time column is never analysed as data,
        also when ``dt`` is given (then the column is ignored, and a note says so). A
        DataFrame from :func:`attractor.datasets.load` carries its own time and value columns
        in ``attrs``. Files are read by :func:`read_table` (separator and decimal mark
        detected).
    dt : float > 0, optional
        Sampling step (default: from the time column, else 1 sample).
    columns : sequence of str or comma-separated str, optional
        Channels to analyse (default: every numeric column except time; each column left
        out, and why, is listed in ``notes``). For arrays: names given to the columns.
    time_column : str, optional
    nan_policy : {"interpolate", "drop", "raise"}
    irregular : {"index", "resample", "raise"}
        Irregular time stamps: analyse on the sample index (default; business-day data are
        recognised as such), interpolate onto a uniform grid (the invented samples are
        counted in ``n_invented``), or raise.
    max_samples : int, optional
        Longer data are cut to their first ``max_samples`` rows (a contiguous window at the
        original sampling step; ``subsampled`` is set and a note says so). Default
        :data:`MAX_SAMPLES`.
    min_samples : int, optional
        Fewer samples raise :class:`InsufficientDataError`. Default :data:`MIN_SAMPLES`.

    Returns
    -------
    PreparedData

    Raises
    ------
    FileNotFoundError, ValidationError, InsufficientDataError
        Missing file, unreadable format, no numeric columns, unknown column (the message
        lists the available ones), both ``dt`` and a named time column, missing values with
        ``nan_policy="raise"``, irregular sampling with ``irregular="raise"``, too few samples.
    """
    import pandas as pd

    from ..core.system import Trajectory
    from ..core.validation import check_positive_float

    if nan_policy not in ("interpolate", "drop", "raise"):
        raise ValidationError(f"nan_policy must be 'interpolate', 'drop' or 'raise'; got {nan_policy!r}.")
    if irregular not in IRREGULAR_POLICIES:
        raise ValidationError(f"irregular must be 'index', 'resample' or 'raise'; got {irregular!r}.")
    max_samples = MAX_SAMPLES if max_samples is None else int(max_samples)
    min_samples = MIN_SAMPLES if min_samples is None else int(min_samples)
    if max_samples < max(min_samples, 2):
        raise ValidationError(f"max_samples must be at least {max(min_samples, 2)}; got {max_samples}.")
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
    tcol = unit = stamps = None
    if isinstance(data, (str, Path)):
        source = str(data)
        data = read_table(data, columns=columns, time_column=time_column)
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
        x, t, dt, names, tcol, unit, stamps, attrs = _from_frame(
            frame.reset_index() if isinstance(data.index, pd.DatetimeIndex) and dt is None else frame,
            columns, time_column, dt, notes)
        metadata.update(attrs)
    elif isinstance(data, pd.DataFrame):
        x, t, dt, names, tcol, unit, stamps, attrs = _from_frame(data, columns, time_column, dt, notes)
        metadata.update({k: v for k, v in attrs.items() if k != "notes"})
        if attrs.get("name"):
            source = f"dataset {attrs['name']!r}"
        elif attrs.get("input_path"):
            source = str(attrs["input_path"])
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
        source = "array" if source == "data" else source
    if x.ndim != 2 or x.shape[1] == 0:
        raise ValidationError(f"no data columns to analyse (shape {x.shape}).")
    n_raw = x.shape[0]
    if n_raw == 0:
        raise InsufficientDataError(f"the data have no rows; the analysis needs at least {min_samples} samples.")
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
                if stamps is not None:
                    stamps = stamps.iloc[order].reset_index(drop=True)
                _note(notes, "time stamps were not in increasing order; rows were sorted by time.")
    if n_raw < min_samples:
        raise InsufficientDataError(f"the data have {n_raw} row(s); the analysis needs at least {min_samples} "
                                    "samples.")
    # -- size
    subsampled = False
    if x.shape[0] > max_samples:
        n_all = x.shape[0]
        x, t = x[:max_samples], t[:max_samples]
        if stamps is not None:
            stamps = stamps.iloc[:max_samples]
        _note(notes, f"SUBSAMPLED: the data have {n_all} rows; only the first {max_samples} (a contiguous window, "
                     f"t = {t[0]:g} to {t[-1]:g}{' ' + unit if unit else ''}, sampling step unchanged) are "
                     "analysed.")
        subsampled = True
    n_kept = x.shape[0]
    # -- missing values
    bad = ~np.isfinite(x)
    missing = {c: int(bad[:, k].sum()) for k, c in enumerate(names)}
    n_bad_rows = int(bad.any(axis=1).sum())
    for k, c in enumerate(names):
        if missing[c] == n_kept:
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
            if stamps is not None:
                stamps = stamps[keep].reset_index(drop=True)
            _note(notes, f"{n_bad_rows} row(s) with missing values ({desc}) were dropped; the remaining rows are "
                         "treated as consecutive samples (gaps are ignored, not bridged).")
        else:
            # interpolate interior gaps of each channel, then trim rows still missing at the ends
            x = x.copy()
            for k in range(x.shape[1]):
                ok = np.isfinite(x[:, k])
                if not ok.all():
                    x[~ok, k] = np.interp(t[~ok], t[ok], x[ok, k])
            edge = np.zeros(n_kept, dtype=bool)
            for k in range(x.shape[1]):
                ok = np.flatnonzero(~bad[:, k])
                edge[: ok[0]] = True
                edge[ok[-1] + 1:] = True
            n_edge = int(edge.sum())
            x, t = x[~edge], t[~edge]
            if stamps is not None:
                stamps = stamps[~edge].reset_index(drop=True)
            msg = f"{total} missing value(s) ({desc}) were filled by linear interpolation in time"
            if n_edge:
                msg += f"; {n_edge} row(s) at the start/end that could not be interpolated were removed"
            _note(notes, msg + ".")
    if x.shape[0] < min_samples:
        raise InsufficientDataError(f"{x.shape[0]} sample(s) are left after removing missing values; the analysis "
                                    f"needs at least {min_samples} samples.")
    # -- sampling
    resampled = False
    n_invented = 0
    if nan_policy == "drop" and n_bad_rows:
        dt = float(np.median(np.diff(t))) if dt is None and t.size > 1 else dt
        t = t[0] + dt * np.arange(t.size)
    elif t.size > 2:
        d = np.diff(t)
        med = float(np.median(d))
        dev = float(np.max(np.abs(d - med)) / med)
        if dev > _IRREGULAR_RTOL:
            span = f"steps from {d.min():g} to {d.max():g}{' ' + unit if unit else ''}, median {med:g}"
            business = _business_days(stamps, t) if unit == "day" else None
            if irregular == "raise":
                what = business or f"the time stamps are irregular ({span})"
                raise ValidationError(
                    f"{what}; use irregular='index' to analyse the samples in order (CLI: --irregular index) or "
                    "irregular='resample' to interpolate onto a uniform grid.")
            if irregular == "index":
                what = business or f"the time stamps are irregular ({span})"
                _note(notes, f"{what}. The data are analysed on their own index: time is the observation number "
                             "(dt = 1 observation) and no values were invented; use irregular='resample' "
                             "(CLI: --irregular resample) to interpolate onto a uniform time grid instead.")
                t = np.arange(t.size, dtype=float)
                dt, unit = 1.0, "observation"
            else:
                n_new = int(np.floor((t[-1] - t[0]) / med + 1e-9)) + 1
                grid = t[0] + med * np.arange(n_new)
                n_invented = _count_invented(t, grid, med)
                x = np.column_stack([np.interp(grid, t, x[:, k]) for k in range(x.shape[1])])
                _note(notes, f"irregular time stamps ({span}) were resampled by linear interpolation onto a "
                             f"uniform grid of step {med:g} ({n_new} samples, of which {n_invented} "
                             f"({100.0 * n_invented / n_new:.1f} %) are invented: they fall between observations)"
                             + (f"; {business}" if business else "") + ".")
                t, dt, resampled = grid, med, True
        else:
            dt = med if tcol is not None or dt is None else dt
    elif t.size == 2:
        dt = float(t[1] - t[0])
    if dt is None or not np.isfinite(dt) or dt <= 0:
        dt = 1.0
    return PreparedData(t=t, x=x, dt=float(dt), columns=tuple(map(str, names)), source=source, time_column=tcol,
                        time_unit=unit or "", n_raw=n_raw, missing=missing, nan_policy=nan_policy,
                        irregular=irregular, resampled=resampled, notes=tuple(notes), metadata=metadata,
                        subsampled=subsampled, n_invented=n_invented)
