"""Plots of orbit diagrams and Poincaré sections (matplotlib, headless: returns a Figure)."""
from __future__ import annotations

import numpy as np

__all__ = ["plot_orbit_diagram", "plot_poincare_section"]


def plot_orbit_diagram(result, *, ax=None, markersize: float = 0.3, color: str = "k"):
    """Scatter of the recorded points against the parameter.

    Parameters
    ----------
    result : OrbitDiagramResult
    ax : matplotlib.axes.Axes, optional
        Draw into this axes; otherwise a new Figure is made.
    markersize, color
        Point style (tiny points suit dense diagrams).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    if not hasattr(result, "param") or not hasattr(result, "points"):
        raise TypeError("result must be an OrbitDiagramResult.")
    if ax is None:
        fig = Figure(figsize=(7.0, 4.5))
        ax = fig.add_subplot(1, 1, 1)
    else:
        fig = ax.figure
    ax.plot(result.param, result.points, linestyle="none", marker="." if markersize > 0.5 else ",",
            ms=markersize, color=color, rasterized=True)
    ax.set_xlabel(result.parameter)
    what = {"iterates": "", "maxima": " (maxima)", "minima": " (minima)", "plane": " (section)"}.get(result.section, "")
    ax.set_ylabel(f"{result.variable}{what}")
    n_div = int(np.count_nonzero(result.diverged))
    ax.set_title(f"Orbit diagram: {result.system}" + (f" ({n_div} value(s) diverged)" if n_div else ""))
    return fig


def plot_poincare_section(result, x: int | str = 0, y: int | str = 1, *, ax=None, markersize: float = 1.0):
    """Two coordinates of the crossing states of a :class:`PoincareSectionResult`.

    ``x``, ``y`` are state indices or names (choose two that vary on the plane).
    """
    from matplotlib.figure import Figure

    if not hasattr(result, "points") or not hasattr(result, "normal"):
        raise TypeError("result must be a PoincareSectionResult.")
    names = list(result.state_names)

    def idx(v):
        if isinstance(v, str):
            if v not in names:
                raise ValueError(f"no state {v!r}; states are {names}.")
            return names.index(v)
        return int(v)

    i, j = idx(x), idx(y)
    if ax is None:
        fig = Figure(figsize=(5.0, 5.0))
        ax = fig.add_subplot(1, 1, 1)
    else:
        fig = ax.figure
    ax.plot(result.points[:, i], result.points[:, j], ".", ms=markersize, color="k", rasterized=True)
    ax.set_xlabel(names[i])
    ax.set_ylabel(names[j])
    ax.set_title(f"Poincaré section: {result.system} ({len(result)} crossings)")
    return fig
