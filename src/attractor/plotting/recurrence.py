"""Recurrence plot figure."""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["plot_recurrence"]


def _as_matrix(obj: Any) -> tuple[Any, str]:
    """Return (matrix, description) from a RecurrenceMatrix, RQAResult, sparse or boolean array."""
    from ..analysis.recurrence import RecurrenceMatrix, RQAResult
    from ..core.errors import ValidationError

    if isinstance(obj, RQAResult):
        rec = obj.recurrence
        return rec.matrix, (f"RR = {obj.recurrence_rate:.3g}, DET = {obj.determinism:.3g}, "
                            f"LAM = {obj.laminarity:.3g}")
    if isinstance(obj, RecurrenceMatrix):
        label = f"RR = {obj.recurrence_rate:.3g}"
        if np.isfinite(obj.radius):
            label += f", radius = {obj.radius:.3g}"
        return obj.matrix, label
    if sp.issparse(obj) or (isinstance(obj, np.ndarray) and obj.dtype == bool):
        if obj.ndim != 2 or obj.shape[0] != obj.shape[1]:
            raise ValidationError(f"a recurrence matrix must be square; got shape {obj.shape}.")
        return obj, ""
    raise ValidationError(
        "plot_recurrence expects a RecurrenceMatrix, an RQAResult, a scipy sparse matrix or a boolean "
        f"array; got {type(obj).__name__}."
    )


def plot_recurrence(R: Any, *, ax: Any = None, max_pixels: int = 1000, title: str | None = None):
    """Draw a recurrence plot.

    Parameters
    ----------
    R : RecurrenceMatrix, RQAResult, scipy sparse matrix or boolean ndarray
        The recurrence matrix (an :class:`~attractor.analysis.recurrence.RQAResult`
        carries the matrix it analysed, with its Theiler window applied).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new :class:`matplotlib.figure.Figure` is made if None.
    max_pixels : int
        Largest image side. A matrix of ``N <= max_pixels`` vectors is drawn exactly (one
        pixel per entry, black = recurrence). A larger one is *downsampled*: the matrix
        is cut into ``b x b`` blocks, ``b = ceil(N / max_pixels)``, and each pixel shows the
        fraction of recurrences in its block (grey scale, black = all recurrent). This
        is computed from the sparse structure in O(number of recurrences) and says so in
        the title.
    title : str, optional
        Axes title; a default with the size and RR is used if None.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    from ..core.validation import check_positive_int

    max_pixels = check_positive_int(max_pixels, "max_pixels")
    mat, label = _as_matrix(R)
    n = int(mat.shape[0])
    if ax is None:
        fig = Figure(figsize=(5.5, 5.0))
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    b = max(1, int(np.ceil(n / max_pixels)))
    if b == 1:
        img = mat.toarray() if sp.issparse(mat) else np.asarray(mat, dtype=bool)
        shown = img.astype(float)
        note = ""
    else:
        coo = sp.coo_array(mat)
        m = int(np.ceil(n / b))
        shown = np.zeros((m, m))
        np.add.at(shown, (coo.row // b, coo.col // b), 1.0)
        sizes = np.full(m, b, dtype=float)
        sizes[-1] = n - b * (m - 1)
        shown /= sizes[:, None] * sizes[None, :]
        note = f" (downsampled: {b}x{b} blocks, shade = recurrence fraction)"
    ax.imshow(shown, cmap="Greys", vmin=0.0, vmax=1.0, origin="lower", interpolation="nearest",
              extent=(-0.5, n - 0.5, -0.5, n - 0.5))
    ax.set_xlabel("time index j")
    ax.set_ylabel("time index i")
    if title is None:
        title = f"Recurrence plot, N = {n}" + (f", {label}" if label else "")
    ax.set_title(title + note, fontsize=9)
    ax.set_aspect("equal")
    return fig
