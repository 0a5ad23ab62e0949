"""Compiled single-pass binning of increments for Kramers–Moyal estimation.

One pass over the samples: each point ``x_k`` (k < n - 1) falls in a cell of a regular
grid, and the cell accumulates, for the increment ``Δ = x_{k+1} - x_k``, the sums

    count, Σ Δ_i, Σ Δ_i Δ_j (i <= j), Σ (Δ_i Δ_j)² (i <= j)

(``1 + d + 2 P`` columns with ``P = d (d + 1) / 2``). Memory is the table only
(cells × columns floats); no per-sample temporaries.
"""
from __future__ import annotations

import numba as nb
import numpy as np


@nb.njit(cache=True, nogil=True)
def bin_increments(x, lo, width, shape, strides, n_cells):
    """Accumulate increment moments per grid cell.

    Parameters
    ----------
    x : (n, d) float64
    lo, width : (d,) float64
        Lower edge and cell width per dimension.
    shape, strides : (d,) int64
        Cells per dimension and the C-order strides of the flattened cell index.
    n_cells : int

    Returns
    -------
    table : (n_cells, 1 + d + 2P) float64
    outside : int
        Number of points outside the grid (skipped).
    """
    n, d = x.shape
    P = d * (d + 1) // 2
    ncol = 1 + d + 2 * P
    table = np.zeros((n_cells, ncol))
    delta = np.empty(d)
    outside = 0
    for k in range(n - 1):
        idx = 0
        ok = True
        for i in range(d):
            c = int(np.floor((x[k, i] - lo[i]) / width[i]))
            if c == shape[i] and x[k, i] == lo[i] + shape[i] * width[i]:
                c = shape[i] - 1  # the right edge belongs to the last cell
            if c < 0 or c >= shape[i]:
                ok = False
                break
            idx += c * strides[i]
        if not ok:
            outside += 1
            continue
        for i in range(d):
            delta[i] = x[k + 1, i] - x[k, i]
        row = table[idx]
        row[0] += 1.0
        for i in range(d):
            row[1 + i] += delta[i]
        p = 0
        for i in range(d):
            for j in range(i, d):
                v = delta[i] * delta[j]
                row[1 + d + p] += v
                row[1 + d + P + p] += v * v
                p += 1
    return table, outside
