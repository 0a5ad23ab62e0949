"""Bundled real-world datasets: contents match their published sources."""
import numpy as np
import pytest

from attractor import datasets
from attractor.core.errors import ValidationError


def test_names():
    assert {"lynx", "elnino", "sunspots"} <= set(datasets.names())


def test_lynx_matches_published_series():
    # Brockwell & Davis (1991), Time Series: Theory and Methods, series G (= R datasets::lynx):
    # 114 annual values 1821-1934, starting 269, 321, 585 and ending 2657, 3396; maximum 6991 (1904).
    df = datasets.load("lynx")
    assert df.shape == (114, 2)
    assert df["year"].iloc[0] == 1821 and df["year"].iloc[-1] == 1934
    assert df["trappings"].iloc[:3].tolist() == [269, 321, 585]
    assert df["trappings"].iloc[-2:].tolist() == [2657, 3396]
    assert df["trappings"].max() == 6991 and df.loc[df["trappings"].idxmax(), "year"] == 1904
    assert df.attrs["dt"] == 1.0 and df.attrs["value_column"] == "trappings"
    assert "public domain" in df.attrs["licence"]


def test_elnino_monthly_sst():
    # NOAA CPC ERSST.V3B Nino 1+2: January 1950 = 23.11 degC; 61 years x 12 months.
    df = datasets.load("elnino")
    assert len(df) == 732
    assert df["sst"].iloc[0] == pytest.approx(23.11)
    assert np.allclose(np.diff(df["time"]), 1 / 12)
    assert 18 < df["sst"].min() < df["sst"].max() < 30  # physically plausible Nino 1+2 SSTs (degC)
    assert df.attrs["units"] == "degrees Celsius"


def test_sunspots_yearly():
    # NOAA NGDC yearly sunspot numbers 1700-2008 (309 values); 1700 = 5, 2008 = 2.9.
    df = datasets.load("sunspots")
    assert len(df) == 309
    assert df["sunspots"].iloc[0] == 5 and df["sunspots"].iloc[-1] == pytest.approx(2.9)


def test_unknown_dataset():
    with pytest.raises(ValidationError, match="unknown dataset 'nope'; available: elnino, lynx, sunspots"):
        datasets.load("nope")
