"""Numba kernels for recurrence quantification (private).

All kernels work on the compressed-sparse-row (CSR) structure of a *symmetric*
recurrence matrix whose column indices are sorted within each row, so their cost
is O(N + number of recurrence points) in time and O(N) in extra memory.
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def diagonal_line_histogram(indptr, indices, n):
    """Histogram ``P(l)`` of diagonal line lengths of a symmetric CSR recurrence matrix.

    Only the upper triangle (``j >= i``) is scanned; a line on diagonal ``k = j - i > 0``
    is counted twice (it has a mirror image in the lower triangle), a line on the main
    diagonal ``k = 0`` (present only if the caller kept the line of identity) once.
    Rows are visited in increasing order; ``last[k]`` is the last row in which diagonal
    ``k`` had a recurrence and ``run[k]`` the length of the line currently open on it.

    Returns
    -------
    hist : int64 array, shape (n + 1,)
        ``hist[l]`` is the number of diagonal lines of exactly length ``l``.
    """
    hist = np.zeros(n + 1, dtype=np.int64)
    last = np.full(n, -2, dtype=np.int64)
    run = np.zeros(n, dtype=np.int64)
    for i in range(n):
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            if j < i:
                continue
            k = j - i
            if last[k] == i - 1 and run[k] > 0:
                run[k] += 1
            else:
                if run[k] > 0:
                    hist[run[k]] += 1 if k == 0 else 2
                run[k] = 1
            last[k] = i
    for k in range(n):
        if run[k] > 0:
            hist[run[k]] += 1 if k == 0 else 2
    return hist


@njit(cache=True)
def vertical_line_histogram(indptr, indices, n):
    """Histogram ``P(v)`` of vertical line lengths of a symmetric CSR recurrence matrix.

    By symmetry, the vertical lines of column ``j`` are the runs of consecutive column
    indices in row ``j``; each row's indices must be sorted increasingly.

    Returns
    -------
    hist : int64 array, shape (n + 1,)
        ``hist[v]`` is the number of vertical lines of exactly length ``v``.
    """
    hist = np.zeros(n + 1, dtype=np.int64)
    for i in range(n):
        start = indptr[i]
        stop = indptr[i + 1]
        if stop == start:
            continue
        length = 1
        for p in range(start + 1, stop):
            if indices[p] == indices[p - 1] + 1:
                length += 1
            else:
                hist[length] += 1
                length = 1
        hist[length] += 1
    return hist


@njit(cache=True)
def symmetric_csr_from_pairs(i, j, n, with_diagonal):
    """CSR structure of the symmetric matrix with entries (i, j), (j, i) and, optionally, (k, k).

    ``i`` and ``j`` hold each unordered off-diagonal pair once, in any order, without
    duplicates. Two counting sorts (by column, then stably by row) give every row's
    column indices in increasing order in O(N + nnz) time, without comparisons.

    Returns
    -------
    indptr : int64 array, shape (n + 1,)
    indices : int32 array, shape (nnz,)
    """
    m = i.shape[0]
    nnz = 2 * m + (n if with_diagonal else 0)
    ptr = np.zeros(n + 1, dtype=np.int64)
    for p in range(m):
        ptr[i[p] + 1] += 1
        ptr[j[p] + 1] += 1
    if with_diagonal:
        for k in range(n):
            ptr[k + 1] += 1
    for k in range(n):
        ptr[k + 1] += ptr[k]
    # pass 1: bucket entries by column, remembering their rows
    rows_by_col = np.empty(nnz, dtype=np.int32)
    pos = ptr[:-1].copy()
    for p in range(m):
        a = i[p]
        b = j[p]
        rows_by_col[pos[b]] = a
        pos[b] += 1
        rows_by_col[pos[a]] = b
        pos[a] += 1
    if with_diagonal:
        for k in range(n):
            rows_by_col[pos[k]] = k
            pos[k] += 1
    # pass 2: visit columns in increasing order and append each to its row (symmetric:
    # row counts equal column counts, so ``ptr`` is also the row pointer)
    indices = np.empty(nnz, dtype=np.int32)
    pos = ptr[:-1].copy()
    for c in range(n):
        for q in range(ptr[c], ptr[c + 1]):
            r = rows_by_col[q]
            indices[pos[r]] = c
            pos[r] += 1
    return ptr, indices


@njit(cache=True)
def pair_distances(Y, i, j, max_norm):
    """Distances between rows ``Y[i[p]]`` and ``Y[j[p]]`` (Euclidean, or maximum norm)."""
    m = i.shape[0]
    d = Y.shape[1]
    out = np.empty(m, dtype=np.float64)
    for p in range(m):
        a = i[p]
        b = j[p]
        acc = 0.0
        if max_norm:
            for k in range(d):
                v = abs(Y[a, k] - Y[b, k])
                if v > acc:
                    acc = v
            out[p] = acc
        else:
            for k in range(d):
                v = Y[a, k] - Y[b, k]
                acc += v * v
            out[p] = np.sqrt(acc)
    return out


@njit(cache=True)
def theiler_filter(indptr, indices, n, theiler):
    """Drop entries with ``|i - j| < theiler`` from a CSR structure (order preserved)."""
    new_ptr = np.zeros(n + 1, dtype=np.int64)
    out = np.empty(indices.shape[0], dtype=np.int32)
    q = 0
    for r in range(n):
        for p in range(indptr[r], indptr[r + 1]):
            c = indices[p]
            if abs(c - r) >= theiler:
                out[q] = c
                q += 1
        new_ptr[r + 1] = q
    return new_ptr, out[:q].copy()
