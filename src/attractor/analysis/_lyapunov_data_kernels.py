"""Numba kernels for :mod:`attractor.analysis.lyapunov_data` (private)."""
from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True, parallel=True)
def divergence_sums(points, refs, nbrs, block_start, k_start, k_stop):  # pragma: no cover - compiled
    """Per-block sums of ``ln(mean_j |y_{i+k} - y_{j+k}|)`` over reference points.

    Parameters
    ----------
    points : float64 (n, m)     delay vectors
    refs : int64 (R,)           reference indices, grouped by block
    nbrs : int64 (R, K)         neighbour indices per reference, -1 padded at the end
    block_start : int64 (B+1,)  refs[block_start[b]:block_start[b+1]] form block b
    k_start, k_stop : int       steps k = k_start .. k_stop - 1 are evaluated

    With one neighbour per reference this is Rosenstein et al.'s ``ln d_i(k)``; with several
    it is Kantz's ``ln`` of the neighbourhood-mean distance. Terms whose distance is exactly
    zero are skipped (and not counted), and so are neighbours whose ``j + k`` runs past the
    data (a reference contributes only while ``i + k`` is inside it).

    Blocks run in parallel threads; each block's sums are accumulated in the same order
    whatever the thread count, so results are reproducible.

    Returns
    -------
    sums : float64 (B, k_stop - k_start)
    counts : int64 (B, k_stop - k_start)
    """
    n_blocks = block_start.shape[0] - 1
    m = points.shape[1]
    kmax = nbrs.shape[1]
    n = points.shape[0]
    nk = k_stop - k_start
    sums = np.zeros((n_blocks, nk))
    counts = np.zeros((n_blocks, nk), dtype=np.int64)
    for b in prange(n_blocks):  # blocks are independent: same sums for any thread count
        for r in range(block_start[b], block_start[b + 1]):
            i = refs[r]
            if nbrs[r, 0] < 0:
                continue
            if kmax == 1:  # Rosenstein: ln d = 0.5 ln d^2, no square root needed
                j = nbrs[r, 0]
                for k in range(k_start, k_stop):
                    if i + k >= n or j + k >= n:
                        break
                    d2 = 0.0
                    for a in range(m):
                        diff = points[i + k, a] - points[j + k, a]
                        d2 += diff * diff
                    if d2 > 0.0:
                        sums[b, k - k_start] += 0.5 * np.log(d2)
                        counts[b, k - k_start] += 1
                continue
            for k in range(k_start, k_stop):
                if i + k >= n:
                    break
                s = 0.0
                c = 0
                for q in range(kmax):
                    j = nbrs[r, q]
                    if j < 0:
                        break
                    if j + k >= n:
                        continue
                    d2 = 0.0
                    for a in range(m):
                        diff = points[i + k, a] - points[j + k, a]
                        d2 += diff * diff
                    s += np.sqrt(d2)
                    c += 1
                if s > 0.0:
                    sums[b, k - k_start] += np.log(s / c)
                    counts[b, k - k_start] += 1
    return sums, counts
