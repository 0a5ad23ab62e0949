"""Plots of Lyapunov exponents estimated from data.

Every function takes a result object, draws on a new :class:`matplotlib.figure.Figure`
(or on ``ax`` when given) without touching pyplot's global state, and returns the figure.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..analysis.lyapunov_data import LyapunovSpectrumFromDataResult, MaxLyapunovFromDataResult

from ._common import figure_and_axes as _figure_and_axes

__all__ = ["plot_divergence", "plot_spectrum_convergence"]


def plot_divergence(result: "MaxLyapunovFromDataResult", ax: "Axes | None" = None) -> "Figure":
    """Mean log divergence against time with the fitted line over the chosen region.

    The fit region is shaded; the legend gives the exponent with its confidence interval.
    An unreliable fit is drawn dashed in red.

    Parameters
    ----------
    result : MaxLyapunovFromDataResult
        From :func:`attractor.analysis.lyapunov_data.max_lyapunov_from_data`.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import numpy as np

    fig, ax = _figure_and_axes(ax)
    ax.plot(result.times, result.divergence, "-", color="C0", lw=1.5, label="mean log divergence")
    ax.axvspan(result.fit_start, result.fit_end, color="C2", alpha=0.15, label="fit region")
    tt = np.linspace(result.fit_start, result.fit_end, 50)
    lo, hi = result.confidence_interval
    style = dict(color="C3", lw=2.0, ls="-" if result.reliable else "--")
    ax.plot(tt, result.intercept + result.exponent * tt, **style,
            label=(f"slope {result.exponent:.4g} [{lo:.3g}, {hi:.3g}] (R² {result.r2:.3f})"
                   + ("" if result.reliable else " - unreliable")))
    ax.set_xlabel("time" if result.dt != 1 else "steps")
    ax.set_ylabel("ln divergence")
    ax.set_title(f"{result.method.capitalize()}: m = {result.dimension}, delay = {result.delay}, "
                 f"Theiler = {result.theiler}", fontsize="medium")
    ax.legend(frameon=False, loc="lower right")
    return fig


def plot_spectrum_convergence(result: "LyapunovSpectrumFromDataResult", ax: "Axes | None" = None) -> "Figure":
    """Running estimates of every exponent against the time covered by the QR iteration.

    Parameters
    ----------
    result : LyapunovSpectrumFromDataResult
        From :func:`attractor.analysis.lyapunov_data.lyapunov_spectrum_from_data`.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import numpy as np

    fig, ax = _figure_and_axes(ax)
    order = np.argsort(result.running[-1])[::-1]
    for rank, k in enumerate(order):
        ax.plot(result.times, result.running[:, k], lw=1.2, label=f"λ{rank + 1} = {result.exponents[rank]:.3g}")
    ax.axhline(0.0, color="0.5", lw=0.8)
    ax.set_xlabel("time")
    ax.set_ylabel("running exponent estimate")
    ax.set_title(f"Lyapunov spectrum from data: m = {result.dimension}, delay = {result.delay}, "
                 f"step = {result.step}", fontsize="medium")
    ax.legend(frameon=False)
    return fig
