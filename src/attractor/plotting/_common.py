"""Shared plumbing of the plot helpers."""
from __future__ import annotations


def figure_and_axes(ax=None, figsize=(6.0, 4.0)):
    """``(figure, axes)``: the given axes' figure, or a new pyplot-free Figure with one axes."""
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()
