"""Plots of how an embedding delay and dimension were chosen.

Every function takes a result object, draws on a new :class:`matplotlib.figure.Figure`
(or on ``ax`` when given) without touching pyplot's global state, and returns the figure.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..analysis.embedding import DelayEstimate, EmbeddingDimensionEstimate

from ._common import figure_and_axes as _figure_and_axes

__all__ = ["plot_delay_selection", "plot_dimension_selection"]


def plot_delay_selection(result: "DelayEstimate", ax: "Axes | None" = None) -> "Figure":
    """AMI or autocorrelation against lag (samples), with the chosen delay marked.

    Parameters
    ----------
    result : DelayEstimate
        From :func:`attractor.analysis.embedding.estimate_delay`.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _figure_and_axes(ax)
    ylabel = {"ami": "average mutual information (nats)"}.get(result.method, "autocorrelation")
    ax.plot(result.lags, result.values, "-", color="C0", lw=1.5, label=ylabel)
    ax.axvline(result.delay, color="C3", ls="--", lw=1.2, label=f"delay = {result.delay} samples")
    ax.plot([result.delay], [result.values[result.delay]], "o", color="C3")
    if result.method == "autocorr":
        ax.axhline(0.0, color="0.5", lw=0.8)
    elif result.method == "autocorr_1e":
        import numpy as np

        ax.axhline(1 / np.e, color="0.5", lw=0.8, ls=":", label="1/e")
    noise = getattr(result, "noise_level", None)
    if result.method == "ami" and noise is not None:
        ax.axhline(noise, color="0.5", lw=0.8, ls=":", label=f"noise level {noise:.2g} nats")
    ax.set_xlabel("lag (samples)")
    ax.set_ylabel(ylabel)
    ax.set_title(_delay_title(result), fontsize="medium")
    ax.legend(frameon=False)
    return fig


def _delay_title(result: "DelayEstimate") -> str:
    """What chose the delay, in a few words: never 'first local minimum' for a curve without
    one (a fallback rule is named as such)."""
    import textwrap

    crit = result.criterion
    if result.method == "ami" and getattr(result, "minimum_found", None) is False:
        rule = crit.split("fallback: ", 1)[-1] if "fallback: " in crit else crit
        crit = f"no AMI minimum, {rule}"
    return textwrap.shorten(f"Delay selection: {crit}", width=110, placeholder=" …")


def plot_dimension_selection(result: "EmbeddingDimensionEstimate", ax: "Axes | None" = None) -> "Figure":
    """Cao's ``E1``/``E2`` or the false-nearest-neighbour fraction against dimension.

    Parameters
    ----------
    result : EmbeddingDimensionEstimate
        From :func:`attractor.analysis.embedding.estimate_dimension`.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _figure_and_axes(ax)
    d = result.dimensions
    if result.method == "cao":
        ax.plot(d, result.e1, "o-", color="C0", label="E1(d)")
        ax.plot(d, result.e2, "s--", color="C1", label="E2(d)")
        ax.axhline(result.threshold, color="0.5", lw=0.8, ls=":", label=f"threshold {result.threshold:g}")
        ax.set_ylabel("E1, E2")
    else:
        ax.plot(d, 100 * result.fnn_fraction, "o-", color="C0", label="false nearest neighbours")
        ax.axhline(100 * result.threshold, color="0.5", lw=0.8, ls=":",
                   label=f"threshold {100 * result.threshold:g} %")
        ax.set_ylabel("false nearest neighbours (%)")
    ax.axvline(result.dimension, color="C3", ls="--", lw=1.2, label=f"dimension = {result.dimension}")
    ax.set_xlabel("embedding dimension d")
    ax.set_xticks(d)
    ax.set_title(f"Dimension selection ({result.method}, delay {result.delay}): {result.criterion}",
                 fontsize="medium")
    ax.legend(frameon=False)
    return fig
