"""Figures of the analysis report.

Each function takes numbers or result objects and returns a :class:`matplotlib.figure.Figure`
(no pyplot state, so it works headless). Where ``attractor.plotting`` provides a helper for
a result (e.g. ``plot_surrogate_test``), it is used; otherwise a compact built-in drawing is
made. :func:`render_png` turns a figure into PNG bytes for embedding in the HTML report.
"""
from __future__ import annotations

import contextlib
import contextvars
import importlib
import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["FigureRecord", "render_png", "new_figure", "plot_helper", "time_axis_values", "time_origin",
           "figures_disabled"]

_DPI = 80
_SKIP_RENDER: contextvars.ContextVar[bool] = contextvars.ContextVar("attractor_skip_render", default=False)


@contextlib.contextmanager
def figures_disabled(disabled: bool = True):
    """Within this block :func:`render_png` returns empty records (no PNG encoding).

    Used by ``analyze(..., figures=False)`` for batch studies that need only the numbers.
    """
    token = _SKIP_RENDER.set(bool(disabled))
    try:
        yield
    finally:
        _SKIP_RENDER.reset(token)


@dataclass(frozen=True)
class FigureRecord:
    """A rendered figure: PNG bytes, a caption, and its pixel size."""

    caption: str
    png: bytes = field(repr=False)
    width: int = 0
    height: int = 0


def new_figure(width: float = 7.5, height: float = 3.0, ncols: int = 1, projection: str | None = None):
    """A headless Figure with ``ncols`` axes side by side; returns ``(fig, axes_list)``."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    axes = [fig.add_subplot(1, ncols, i + 1, projection=projection if (projection and i == ncols - 1) else None)
            for i in range(ncols)]
    return fig, axes


def render_png(fig, caption: str, dpi: int = _DPI) -> FigureRecord:
    """Render a Figure to PNG bytes (the figure is then released); empty bytes inside
    :func:`figures_disabled`."""
    if _SKIP_RENDER.get():
        fig.clear()
        return FigureRecord(caption=caption, png=b"", width=0, height=0)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    w, h = fig.get_size_inches() * dpi
    fig.clear()
    return FigureRecord(caption=caption, png=buf.getvalue(), width=int(round(w)), height=int(round(h)))


def plot_helper(module: str, name: str):
    """``attractor.plotting.<module>.<name>`` if it exists, else None."""
    try:
        mod = importlib.import_module(f"attractor.plotting.{module}")
    except ImportError:
        return None
    return getattr(mod, name, None)


def try_helper(module: str, name: str, result: Any, ax) -> bool:
    """Draw ``result`` with the library's helper into ``ax``; False if unavailable or failing."""
    fn = plot_helper(module, name)
    if fn is None:
        return False
    try:
        fn(result, ax=ax)
        return True
    except Exception:  # a helper that cannot draw this result: fall back to the built-in drawing
        ax.clear()
        return False


def downsample_for_plot(t: np.ndarray, x: np.ndarray, max_points: int = 4000):
    """Every k-th sample so that at most ``max_points`` are drawn."""
    step = max(1, int(np.ceil(t.size / max_points)))
    return t[::step], x[::step], step


_UNIT_SECONDS = {"day": 86400.0, "days": 86400.0, "d": 86400.0, "hour": 3600.0, "hours": 3600.0, "h": 3600.0,
                 "minute": 60.0, "minutes": 60.0, "min": 60.0, "s": 1.0, "second": 1.0, "seconds": 1.0}


def time_origin(data) -> np.datetime64 | None:
    """The calendar date of the first sample (``data.t[0]``), or None when the data are not dated.

    Read from ``data.metadata["time_origin"]`` (an ISO date string, ``datetime`` or
    ``numpy.datetime64``, recorded when the time stamps were dates); only meaningful when the
    time unit is a calendar duration (day, hour, minute, s).
    """
    meta = getattr(data, "metadata", None) or {}
    origin = meta.get("time_origin")
    if origin is None or str(getattr(data, "time_unit", "")).lower() not in _UNIT_SECONDS:
        return None
    try:
        return np.datetime64(str(origin).replace(" ", "T").split("+")[0], "ns")
    except (TypeError, ValueError):
        return None


def time_axis_values(data, t: np.ndarray) -> tuple[np.ndarray, str]:
    """Values and axis label for plotting against time: calendar dates for dated data.

    Parameters
    ----------
    data : PreparedData
    t : numpy.ndarray
        Times in ``data.time_unit`` since the first stamp.

    Returns
    -------
    values : numpy.ndarray
        ``numpy.datetime64`` dates when the data are dated (``time_origin``), else ``t``.
    label : str
    """
    meta = getattr(data, "metadata", None) or {}
    dates = meta.get("dates")
    if dates is not None and len(dates) == len(getattr(data, "t", ())) and len(t) == len(data.t):
        try:
            return np.asarray(dates, dtype="datetime64[ns]"), "date"
        except (TypeError, ValueError):
            pass
    origin = time_origin(data)
    unit = getattr(data, "time_unit", "")
    if origin is None:
        return np.asarray(t), (f"time ({unit})" if unit else "time")
    t0 = float(data.t[0]) if len(getattr(data, "t", ())) else 0.0  # time_origin is the date at data.t[0]
    ns = np.round((np.asarray(t, dtype=float) - t0) * _UNIT_SECONDS[unit.lower()] * 1e9).astype("int64")
    return origin + ns.astype("timedelta64[ns]"), "date"
