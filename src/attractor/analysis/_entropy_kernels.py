"""Numba kernels behind :mod:`attractor.analysis.entropy` (private).

Per-template neighbour counts within a Chebyshev radius, using the k-d tree of
:mod:`attractor.analysis._dimension_kernels`: subtrees entirely inside the radius are
counted in bulk, subtrees entirely outside are skipped, so the cost follows the number of
tree nodes straddling each template's neighbourhood boundary, not the number of pairs.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from ._dimension_kernels import _point_box_range, _pt_dist


@njit(cache=True, parallel=True)
def neighbour_counts(tree, r):
    """For every point, the number of points (itself included) within Chebyshev distance
    ``<= r``; returned in the original point order. Points are processed in parallel."""
    perm = tree[0]
    X = tree[1]
    start = tree[2]
    end = tree[3]
    left = tree[4]
    right = tree[5]
    lo = tree[6]
    hi = tree[7]
    n = X.shape[0]
    out = np.zeros(n, np.int64)
    for p in prange(n):
        out[perm[p]] = _count_one(X, start, end, left, right, lo, hi, p, r)
    return out


@njit(cache=True)
def _count_one(X, start, end, left, right, lo, hi, p, r):
    cnt = 0
    stack = np.empty(256, np.int64)
    sp = 1
    stack[0] = 0
    while sp > 0:
        sp -= 1
        node = stack[sp]
        dmin, dmax = _point_box_range(X, p, lo, hi, node, 0)
        if dmin > r:
            continue
        if dmax <= r:
            cnt += end[node] - start[node]
            continue
        if left[node] < 0:
            for q in range(start[node], end[node]):
                if _pt_dist(X, p, X, q, 0) <= r:
                    cnt += 1
            continue
        if sp + 2 > stack.shape[0]:
            bigger = np.empty(2 * stack.shape[0], np.int64)
            bigger[:sp] = stack[:sp]
            stack = bigger
        stack[sp] = left[node]
        stack[sp + 1] = right[node]
        sp += 2
    return cnt
