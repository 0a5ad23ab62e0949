"""Plots of Lyapunov-exponent estimates (matplotlib, headless: returns a Figure)."""
from __future__ import annotations

import numpy as np

__all__ = ["plot_lyapunov_convergence"]


def plot_lyapunov_convergence(result, *, reference=None, ax=None, log_time: bool = True):
    """Running Lyapunov estimates against time, one line per exponent.

    Parameters
    ----------
    result : LyapunovSpectrumResult or MaxLyapunovResult
        Anything with ``history`` (shape (n_renorm,) or (n_renorm, k)), ``times`` and
        ``exponents`` (and optionally ``stderr``).
    reference : array_like, optional
        Published values, drawn as dotted horizontal lines.
    ax : matplotlib.axes.Axes, optional
        Draw into this axes (its figure is returned); otherwise a new Figure is made.
    log_time : bool
        Logarithmic time axis (default), which shows the ~1/t convergence.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    if not hasattr(result, "history") or not hasattr(result, "times"):
        raise TypeError("result must be a LyapunovSpectrumResult or MaxLyapunovResult (with history and times).")
    hist = np.asarray(result.history, dtype=float)
    if hist.ndim == 1:
        hist = hist[:, None]
    times = np.asarray(result.times, dtype=float)
    final = np.atleast_1d(np.asarray(result.exponents, dtype=float))
    err = np.atleast_1d(np.asarray(getattr(result, "stderr", np.full(final.shape, np.nan)), dtype=float))
    if ax is None:
        fig = Figure(figsize=(6.4, 4.0))
        ax = fig.add_subplot(1, 1, 1)
    else:
        fig = ax.figure
    elapsed = times - (times[0] - (times[1] - times[0]) if times.size > 1 else 0.0)
    for j in range(hist.shape[1]):
        line, = ax.plot(elapsed, hist[:, j], lw=1.2,
                        label=f"λ{j + 1} = {final[j]:.4g}" + (f" ± {err[j]:.1g}" if np.isfinite(err[j]) else ""))
        ax.axhline(final[j], color=line.get_color(), lw=0.6, ls="--")
    if reference is not None:
        for v in np.atleast_1d(np.asarray(reference, dtype=float)):
            ax.axhline(v, color="k", lw=0.8, ls=":")
    if log_time and np.all(elapsed > 0):
        ax.set_xscale("log")
    kind = getattr(result, "kind", "flow")
    ax.set_xlabel("averaging time" if kind == "flow" else "iterations")
    ax.set_ylabel("running estimate" + (" (1/time)" if kind == "flow" else " (1/iteration)"))
    ax.set_title(f"Lyapunov exponents: {getattr(result, 'system', '')}")
    ax.legend(loc="best", fontsize="small")
    return fig
