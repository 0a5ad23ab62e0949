"""Plots of fractal-dimension estimates.

Every function takes a result object, draws on a new :class:`matplotlib.figure.Figure`
(or on the given axes) without touching pyplot's global state, and returns the figure.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..analysis.dimensions import BoxDimensionResult, CorrelationDimensionResult

__all__ = ["plot_correlation_sum", "plot_box_counting"]


def _two_panels(axes, figsize=(6.0, 6.0)):
    if axes is not None:
        if len(axes) != 2:
            raise ValueError("axes must be a pair (curve axes, local-slope axes).")
        return axes[0].figure, axes[0], axes[1]
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": (3, 2)})
    return fig, top, bottom


def _slope_panel(ax, scale, slopes, usable, sl, value, spread, reliable, label):
    import numpy as np

    ax.plot(scale, slopes, "o-", color="C0", ms=3, lw=1, label="local slope")
    ax.plot(scale[~usable], slopes[~usable], "x", color="0.5", ms=5, label="not usable")
    lo, hi = scale[sl.start], scale[sl.stop - 1]
    ax.axvspan(min(lo, hi), max(lo, hi), color="C2", alpha=0.15, label="scaling region")
    style = dict(color="C3", lw=1.5, ls="-" if reliable else "--")
    ax.axhline(value, **style, label=f"{label} = {value:.3f} ± {spread:.3f}")
    if np.isfinite(spread):
        ax.axhspan(value - spread, value + spread, color="C3", alpha=0.1)
    ax.set_xscale("log")
    finite = slopes[np.isfinite(slopes)]
    if finite.size:
        ax.set_ylim(min(0.0, finite.min()) - 0.1, max(finite.max(), value) + 0.3)
    ax.set_ylabel("local slope")
    ax.legend(frameon=False, fontsize="small", loc="best")


def plot_correlation_sum(result: "CorrelationDimensionResult",
                         axes: "Sequence[Axes] | None" = None) -> "Figure":
    """Log–log correlation sum with the scaling region, the fit and the local slopes.

    Top panel: C(r) against r (log–log), usable radii as filled markers, the scaling
    region shaded and the fitted power law ``C = e^intercept · r^D2``. Bottom panel: the
    local slopes d ln C / d ln r with the estimate and ± its uncertainty. An unreliable
    fit (no scaling region found) is drawn dashed.

    Parameters
    ----------
    result : CorrelationDimensionResult
        From :func:`attractor.analysis.dimensions.correlation_dimension`.
    axes : pair of matplotlib.axes.Axes, optional
        Where to draw (curve, slopes); default: a new two-panel figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import numpy as np

    fig, ax, ax2 = _two_panels(axes)
    r = result.radii
    c = result.correlation_sum
    pos = c > 0
    ax.loglog(r[pos], c[pos], "o", mfc="none", color="0.5", ms=4, label="C(r)")
    use = pos & result.usable
    ax.loglog(r[use], c[use], "o", color="C0", ms=4, label="usable radii")
    sl = result.fit_slice
    ax.axvspan(r[sl.start], r[sl.stop - 1], color="C2", alpha=0.15, label="scaling region")
    rr = np.geomspace(r[sl.start], r[sl.stop - 1], 50)
    style = dict(color="C3", lw=2.0, ls="-" if result.reliable else "--")
    ax.loglog(rr, np.exp(result.intercept) * rr ** result.dimension, **style,
              label=(f"D2 = {result.dimension:.3f} (R² {result.r_squared:.4f})"
                     + ("" if result.reliable else " - unreliable")))
    ax.set_ylabel("C(r)")
    delay = "as given" if result.delay is None else f"delay = {result.delay}"
    ax.set_title(f"Correlation sum: {result.embedding_dimension} coordinates, {delay}, "
                 f"Theiler = {result.theiler}, {result.metric}", fontsize="medium")
    ax.legend(frameon=False, loc="lower right", fontsize="small")
    _slope_panel(ax2, r, result.local_slopes, result.usable, sl, result.dimension,
                 result.uncertainty, result.reliable, "D2")
    ax2.set_xlabel("r")
    return fig


def plot_box_counting(result: "BoxDimensionResult",
                      axes: "Sequence[Axes] | None" = None) -> "Figure":
    """Box-counting curve (ln N(ε) or I(ε) against ε) with the scaling region and local
    slopes, for :func:`~attractor.analysis.dimensions.box_counting_dimension` or
    :func:`~attractor.analysis.dimensions.information_dimension` results.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import numpy as np

    fig, ax, ax2 = _two_panels(axes)
    eps = result.sizes
    v = result.values
    ax.plot(eps, v, "o", mfc="none", color="0.5", ms=4, label="all sizes")
    ax.plot(eps[result.usable], v[result.usable], "o", color="C0", ms=4, label="usable sizes")
    sl = result.fit_slice
    lo, hi = eps[sl.stop - 1], eps[sl.start]
    ax.axvspan(lo, hi, color="C2", alpha=0.15, label="scaling region")
    ee = np.geomspace(lo, hi, 50)
    name = "D0" if result.kind == "capacity" else "D1"
    style = dict(color="C3", lw=2.0, ls="-" if result.reliable else "--")
    ax.plot(ee, result.intercept + result.dimension * np.log(1.0 / ee), **style,
            label=f"{name} = {result.dimension:.3f}" + ("" if result.reliable else " - unreliable"))
    ax.set_xscale("log")
    ax.set_ylabel("ln N(ε)" if result.kind == "capacity" else "I(ε) [nats]")
    ax.set_title(f"{'Box counting' if result.kind == 'capacity' else 'Information'}: "
                 f"{result.n_points} points, {result.embedding_dimension} coordinates",
                 fontsize="medium")
    ax.legend(frameon=False, loc="upper right", fontsize="small")
    _slope_panel(ax2, eps, result.local_slopes, result.usable, sl, result.dimension,
                 result.uncertainty, result.reliable, name)
    ax2.set_xlabel("box size ε")
    return fig
