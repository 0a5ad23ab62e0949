"""Surrogate-test figure."""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["plot_surrogate_test"]


def plot_surrogate_test(result: Any, *, ax: Any = None, bins: int | str = "auto"):
    """Histogram of the surrogates' statistics with the data's value and the verdict.

    Parameters
    ----------
    result : SurrogateTestResult
        Output of :func:`attractor.analysis.surrogates.surrogate_test`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new :class:`matplotlib.figure.Figure` is made if None.
    bins : int or str
        Passed to ``Axes.hist``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    from ..analysis.surrogates import SurrogateTestResult
    from ..core.errors import ValidationError

    if not isinstance(result, SurrogateTestResult):
        raise ValidationError(f"plot_surrogate_test expects a SurrogateTestResult; got {type(result).__name__}.")
    if ax is None:
        fig = Figure(figsize=(6.0, 4.0))
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    ts = np.asarray(result.surrogate_statistics, dtype=float)
    ax.hist(ts, bins=bins, color="0.7", edgecolor="0.4",
            label=f"{result.n_surrogates} {result.method} surrogates")
    colour = "tab:red" if result.rejected else "tab:blue"
    ax.axvline(result.data_statistic, color=colour, lw=2.0, label=f"data: {result.data_statistic:.4g}")
    verdict = "null rejected" if result.rejected else "null not rejected"
    ax.set_title(
        f"{verdict} ({result.alternative}, p = {result.p_value:.3g}, alpha = {result.alpha:g})\n"
        f"null: {result.null_hypothesis}", fontsize=9,
    )
    ax.set_xlabel(f"statistic: {result.statistic}")
    ax.set_ylabel("number of surrogates")
    ax.legend(fontsize=8)
    return fig
