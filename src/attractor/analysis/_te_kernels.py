"""Numba kernels behind :mod:`attractor.analysis.transfer_entropy` (private).

Neighbour counts for the KSG estimator: for every point, how many other points lie strictly
within its own max-norm radius. The points are sorted along their first coordinate once; each
point then scans only the band of points whose first coordinate is within its radius and checks
the other coordinates. With the KSG radii (the K-th neighbour distance in a higher-dimensional
joint space, shrinking like N^(-1/d)) the band holds a vanishing fraction of the points, so the
cost grows far slower than N^2; distances are the same ``max_k |a_k - b_k|`` floating-point
values the k-d tree search of the joint space computes, so a neighbour exactly at the radius is
excluded consistently.
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def sorted_band_counts(sp: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """``sp``: points sorted by their first coordinate, shape (n, d); ``radii`` in the same
    order. Returns #{j != i : max_k |sp[j, k] - sp[i, k]| < radii[i]} in that order."""
    n, d = sp.shape
    out = np.zeros(n, np.int64)
    for i in range(n):
        r = radii[i]
        x0 = sp[i, 0]
        c = 0
        j = i - 1
        while j >= 0 and x0 - sp[j, 0] < r:
            ok = True
            for k in range(1, d):
                if abs(sp[j, k] - sp[i, k]) >= r:
                    ok = False
                    break
            if ok:
                c += 1
            j -= 1
        j = i + 1
        while j < n and sp[j, 0] - x0 < r:
            ok = True
            for k in range(1, d):
                if abs(sp[j, k] - sp[i, k]) >= r:
                    ok = False
                    break
            if ok:
                c += 1
            j += 1
        out[i] = c
    return out


@njit(cache=True)
def sorted_line_counts(s: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """One-dimensional case: ``s`` sorted values, ``radii`` in the same order. Binary search for
    the band, then the ends are corrected with the exact test ``|s_j - s_i| < r`` (the bounds
    ``s_i +- r`` are rounded)."""
    n = s.shape[0]
    out = np.zeros(n, np.int64)
    for i in range(n):
        v = s[i]
        r = radii[i]
        hi = np.searchsorted(s, v + r)
        while hi < n and abs(s[hi] - v) < r:
            hi += 1
        while hi > i + 1 and abs(s[hi - 1] - v) >= r:
            hi -= 1
        lo = np.searchsorted(s, v - r)
        while lo > 0 and abs(s[lo - 1] - v) < r:
            lo -= 1
        while lo < i and abs(s[lo] - v) >= r:
            lo += 1
        out[i] = hi - lo - 1
    return out
