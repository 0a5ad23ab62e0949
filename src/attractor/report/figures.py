"""Figures of the analysis report.

Each function takes numbers or result objects and returns a :class:`matplotlib.figure.Figure`
(no pyplot state, so it works headless). Where ``attractor.plotting`` provides a helper for
a result (e.g. ``plot_surrogate_test``), it is used; otherwise a compact built-in drawing is
made. :func:`render_png` turns a figure into PNG bytes for embedding in the HTML report.
"""
from __future__ import annotations

import importlib
import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["FigureRecord", "render_png", "new_figure", "plot_helper"]

_DPI = 80


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
    """Render a Figure to PNG bytes (the figure is then released)."""
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
