"""Small real-world time series bundled with attractor (no network access at run time).

>>> from attractor import datasets
>>> datasets.names()
['elnino', 'lynx', 'sunspots']
>>> df = datasets.load("lynx")
>>> df.attrs["dt"], df.attrs["value_column"]
(1.0, 'trappings')

Each dataset is a CSV file under ``attractor/datasets/data/``. :func:`load` returns a
:class:`pandas.DataFrame` whose ``attrs`` record the time column, the value column, the
sampling step (in the stated time unit), units, source, citation and licence, so that
``attractor.report.analyze(datasets.load("lynx"))`` and ``attractor analyze --dataset lynx``
pick the right columns without further arguments.

Datasets
--------
``lynx``
    Annual numbers of Canadian lynx trapped in the Mackenzie River district (Hudson's Bay
    Company records), 1821–1934, 114 values. Columns ``year`` (calendar year) and
    ``trappings`` (number of pelts). Sampling step 1 year.
    Sources: Elton, C. & Nicholson, M. (1942), J. Anim. Ecol. 11, 215–244; Campbell, M. J. &
    Walker, A. M. (1977), J. R. Stat. Soc. A 140, 411–431; Brockwell, P. J. & Davis, R. A.
    (1991), *Time Series: Theory and Methods*, 2nd ed., Springer (series G). The values are
    the R ``datasets::lynx`` series, taken from the copy bundled in the ``pmdarima`` package
    (MIT licence). Historical count data, in the public domain.
``elnino``
    Monthly mean sea-surface temperature (degrees Celsius) of the Niño 1+2 region
    (0–10° S, 90–80° W), January 1950 – December 2010, 732 values. Columns ``year``,
    ``month`` (1–12), ``sst`` (°C) and ``time`` (decimal years, ``year + (month - 1)/12``).
    Sampling step 1/12 year. Source: NOAA National Weather Service Climate Prediction
    Center, ERSST.V3B, taken from the copy bundled in ``statsmodels`` (BSD-3-Clause); the
    data are a work of the US government, in the public domain.
``sunspots``
    Yearly mean sunspot number 1700–2008, 309 values. Columns ``year`` and ``sunspots``
    (Wolf/Zürich relative sunspot number, version 1). Sampling step 1 year. Source: NOAA
    National Geophysical Data Center, taken from the copy bundled in ``statsmodels``
    (BSD-3-Clause); public domain.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

__all__ = ["load", "names", "info", "DatasetInfo"]


@dataclass(frozen=True)
class DatasetInfo:
    """Description of a bundled dataset (units, sampling, provenance, licence)."""

    name: str
    title: str
    file: str
    time_column: str
    value_column: str
    dt: float
    time_unit: str
    units: str
    n: int
    source: str
    citation: str
    licence: str


_DATASETS: dict[str, DatasetInfo] = {
    "lynx": DatasetInfo(
        name="lynx",
        title="Canadian lynx trappings, Mackenzie River, 1821-1934 (annual)",
        file="lynx.csv", time_column="year", value_column="trappings", dt=1.0, time_unit="year",
        units="number of lynx pelts per year", n=114,
        source="R datasets::lynx (Brockwell & Davis 1991, series G), via the copy bundled in pmdarima 2.1.1 (MIT)",
        citation="C. Elton and M. Nicholson, J. Anim. Ecol. 11, 215-244 (1942); M. J. Campbell and "
                 "A. M. Walker, J. R. Stat. Soc. A 140, 411-431 (1977)",
        licence="public domain (historical count data)",
    ),
    "elnino": DatasetInfo(
        name="elnino",
        title="Nino 1+2 monthly sea-surface temperature, 1950-2010",
        file="elnino.csv", time_column="time", value_column="sst", dt=1.0 / 12.0, time_unit="year",
        units="degrees Celsius", n=732,
        source="NOAA NWS Climate Prediction Center, ERSST.V3B Nino 1+2 index, via the copy bundled in "
               "statsmodels 0.15 (BSD-3-Clause)",
        citation="NOAA Climate Prediction Center, monthly ERSST.V3B Nino 1+2 sea-surface temperature index",
        licence="public domain (US government work)",
    ),
    "sunspots": DatasetInfo(
        name="sunspots",
        title="Yearly mean sunspot number, 1700-2008",
        file="sunspots.csv", time_column="year", value_column="sunspots", dt=1.0, time_unit="year",
        units="relative sunspot number (Wolf number, version 1)", n=309,
        source="NOAA National Geophysical Data Center, via the copy bundled in statsmodels 0.15 (BSD-3-Clause)",
        citation="NOAA National Geophysical Data Center, yearly sunspot numbers 1700-2008",
        licence="public domain (US government work)",
    ),
}


def names() -> list[str]:
    """Names of the bundled datasets, sorted."""
    return sorted(_DATASETS)


def info(name: str) -> DatasetInfo:
    """Description of dataset ``name`` (see :func:`names`)."""
    from ..core.errors import ValidationError

    key = str(name).strip().lower().replace("-", "").replace("_", "")
    aliases = {"elnino": "elnino", "nino": "elnino", "nino12": "elnino", "sst": "elnino"}
    key = aliases.get(key, key)
    if key not in _DATASETS:
        raise ValidationError(f"unknown dataset {name!r}; available: {', '.join(names())}.")
    return _DATASETS[key]


def load(name: str):
    """Load a bundled dataset as a :class:`pandas.DataFrame`.

    Parameters
    ----------
    name : str
        One of :func:`names` (``"lynx"``, ``"elnino"``, ``"sunspots"``).

    Returns
    -------
    pandas.DataFrame
        Rows in time order. ``df.attrs`` holds ``name``, ``title``, ``time_column``,
        ``value_column``, ``dt`` (sampling step in ``time_unit``), ``time_unit``, ``units``,
        ``source``, ``citation`` and ``licence``.

    Raises
    ------
    ValidationError
        Unknown name.
    """
    import pandas as pd

    meta = info(name)
    with resources.files(__package__).joinpath("data", meta.file).open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh)
    if meta.name == "elnino":
        df["time"] = df["year"] + (df["month"] - 1) / 12.0
    df.attrs.update({k: getattr(meta, k) for k in ("name", "title", "time_column", "value_column", "dt",
                                                   "time_unit", "units", "source", "citation", "licence")})
    return df
