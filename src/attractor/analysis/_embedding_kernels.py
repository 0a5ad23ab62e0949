"""Numba kernels behind :mod:`attractor.analysis.embedding` (private).

Nearest neighbour of every reference vector outside a Theiler window, on an array k-d
tree in the layout of :mod:`attractor.analysis._dimension_kernels` (built here by
:func:`build_tree`, which is cheaper for this use). The window is applied inside the
tree search (candidates with ``|i - j| <= w`` are skipped, and the search goes on), so a
smoothly sampled flow, whose nearest points in space are its own neighbours in time,
costs one ordinary nearest-neighbour search per reference instead of repeated k-nearest
queries with a growing ``k``. Distances use the same floating-point operations as
``scipy.spatial.cKDTree`` (maximum of absolute differences; root of the sum of squares).
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from ._dimension_kernels import _select


@njit(cache=True)
def build_tree(X, leafsize):
    """A k-d tree over the rows of ``X`` (n, d) in the layout of
    :func:`attractor.analysis._dimension_kernels.build_tree` (perm, Xp, start, end, left,
    right, lo, hi), built faster: each node is split at the median of the coordinate with
    the widest spread among at most 64 evenly spaced points of the node (the whole node is
    scanned only when that sample shows no spread), and the exact bounding boxes are
    computed once, bottom-up, from the points in tree order. Searches are exact whatever
    the split choices; only their speed depends on them.
    """
    n, d = X.shape
    perm = np.arange(n)
    max_nodes = 2 * (n // max(1, leafsize) + 1) * 2 + 1
    start = np.empty(max_nodes, np.int64)
    end = np.empty(max_nodes, np.int64)
    left = np.full(max_nodes, -1, np.int64)
    right = np.full(max_nodes, -1, np.int64)
    stack = np.empty(256, np.int64)
    vals = np.empty(n)
    n_nodes = 1
    start[0] = 0
    end[0] = n
    sp = 1
    stack[0] = 0
    while sp > 0:
        sp -= 1
        node = stack[sp]
        s = start[node]
        e = end[node]
        if e - s <= leafsize:
            continue
        # split dimension: the widest spread among (at most) 64 evenly spaced points of the node
        step = max(1, (e - s) // 64)
        best = 0
        width = -1.0
        for k in range(d):
            mn = X[perm[s], k]
            mx = mn
            for t in range(s + step, e, step):
                v = X[perm[t], k]
                if v < mn:
                    mn = v
                elif v > mx:
                    mx = v
            if mx - mn > width:
                width = mx - mn
                best = k
        if width <= 0.0:
            # the sample may miss the spread: check the whole node before making it a leaf
            for k in range(d):
                mn = X[perm[s], k]
                mx = mn
                for t in range(s + 1, e):
                    v = X[perm[t], k]
                    mn = min(mn, v)
                    mx = max(mx, v)
                if mx - mn > width:
                    width = mx - mn
                    best = k
            if width <= 0.0:
                continue
        for t in range(s, e):
            vals[t] = X[perm[t], best]
        mid = s + (e - s) // 2
        _select(vals, perm, s, e - 1, mid)
        lnode = n_nodes
        rnode = n_nodes + 1
        n_nodes += 2
        start[lnode] = s
        end[lnode] = mid
        start[rnode] = mid
        end[rnode] = e
        left[node] = lnode
        right[node] = rnode
        if sp + 2 > stack.shape[0]:
            b = np.empty(2 * stack.shape[0], np.int64)
            b[:sp] = stack[:sp]
            stack = b
        stack[sp] = lnode
        stack[sp + 1] = rnode
        sp += 2
    Xp = np.empty((n, d))
    for t in range(n):
        for k in range(d):
            Xp[t, k] = X[perm[t], k]
    lo = np.empty((n_nodes, d))
    hi = np.empty((n_nodes, d))
    # exact boxes bottom-up (children always have larger indices than their parent)
    for node in range(n_nodes - 1, -1, -1):
        if left[node] < 0:
            for k in range(d):
                lo[node, k] = Xp[start[node], k]
                hi[node, k] = Xp[start[node], k]
            for t in range(start[node] + 1, end[node]):
                for k in range(d):
                    v = Xp[t, k]
                    lo[node, k] = min(lo[node, k], v)
                    hi[node, k] = max(hi[node, k], v)
        else:
            a = left[node]
            b = right[node]
            for k in range(d):
                lo[node, k] = min(lo[a, k], lo[b, k])
                hi[node, k] = max(hi[a, k], hi[b, k])
    return (perm, Xp, start[:n_nodes].copy(), end[:n_nodes].copy(), left[:n_nodes].copy(),
            right[:n_nodes].copy(), lo, hi)


@njit(cache=True, inline="always")
def _gap(Q, i, lo, hi, node, metric):
    """Smallest distance from row i of Q to the bounding box of node."""
    acc = 0.0
    for k in range(Q.shape[1]):
        v = Q[i, k]
        g = lo[node, k] - v
        g2 = v - hi[node, k]
        if g2 > g:
            g = g2
        if g > 0.0:
            if metric == 0:
                if g > acc:
                    acc = g
            else:
                acc += g * g
    return acc if metric == 0 else np.sqrt(acc)


@njit(cache=True, inline="always")
def _dist(Q, i, X, q, metric):
    """Chebyshev (metric 0) or Euclidean distance between row i of Q and row q of X."""
    acc = 0.0
    for k in range(Q.shape[1]):
        v = abs(Q[i, k] - X[q, k])
        if metric == 0:
            if v > acc:
                acc = v
        else:
            acc += v * v
    return acc if metric == 0 else np.sqrt(acc)


def nearest_outside_window(tree, Q, ref_idx, w, metric, exclude_zero):
    """For each reference ``i = ref_idx[t]`` (row ``i`` of ``Q``, time index ``i``), the
    nearest tree point ``j`` with ``|i - j| > w`` (and distance ``> 0`` if
    ``exclude_zero``), Chebyshev (``metric == 0``) or Euclidean distance. Ties in distance go
    to the smaller ``j``, so the answer does not depend on the tree layout, the order of the
    references or the thread count.

    Returns
    -------
    idx : int64 (n_ref,)  original index of the neighbour, -1 if none
    dist : float64 (n_ref,)  its distance, inf if none
    """
    if metric == 0:
        return _nearest_chebyshev(tree, Q, ref_idx, w, exclude_zero)
    return _nearest_generic(tree, Q, ref_idx, w, metric, exclude_zero)


@njit(cache=True, inline="always")
def _gap_cheb(Q, i, lo, hi, node):
    """Chebyshev distance from row i of Q to the box of node (branch-free maxima)."""
    acc = 0.0
    for k in range(Q.shape[1]):
        v = Q[i, k]
        acc = max(acc, max(lo[node, k] - v, v - hi[node, k]))
    return acc


@njit(cache=True, inline="always")
def _dist_cheb(Q, i, X, q):
    acc = 0.0
    for k in range(Q.shape[1]):
        acc = max(acc, abs(Q[i, k] - X[q, k]))
    return acc


@njit(cache=True, parallel=True)
def _nearest_chebyshev(tree, Q, ref_idx, w, exclude_zero):
    """:func:`nearest_outside_window` for the maximum norm (Cao's method), specialised: the
    inner loops are branch-free maxima (about twice as fast as the generic kernel)."""
    perm = tree[0]
    X = tree[1]
    start = tree[2]
    end = tree[3]
    left = tree[4]
    right = tree[5]
    lo = tree[6]
    hi = tree[7]
    m = ref_idx.shape[0]
    out_i = np.full(m, -1, np.int64)
    out_d = np.full(m, np.inf)
    n_chunks = 16
    size = (m + n_chunks - 1) // n_chunks
    for c in prange(n_chunks):
        stack = np.empty(256, np.int64)
        sd = np.empty(256)
        for t in range(c * size, min(m, (c + 1) * size)):
            i = ref_idx[t]
            best = np.inf
            best_j = -1
            sp = 1
            stack[0] = 0
            sd[0] = 0.0
            while sp > 0:
                sp -= 1
                if sd[sp] > best:
                    continue
                node = stack[sp]
                if left[node] < 0:
                    for q in range(start[node], end[node]):
                        j = perm[q]
                        if abs(j - i) <= w:
                            continue
                        d = _dist_cheb(Q, i, X, q)
                        if exclude_zero and d == 0.0:
                            continue
                        if d < best or (d == best and j < best_j):
                            best = d
                            best_j = j
                    continue
                if sp + 2 > stack.shape[0]:
                    b1 = np.empty(2 * stack.shape[0], np.int64)
                    b1[:sp] = stack[:sp]
                    stack = b1
                    b2 = np.empty(2 * sd.shape[0])
                    b2[:sp] = sd[:sp]
                    sd = b2
                a = left[node]
                b = right[node]
                da = _gap_cheb(Q, i, lo, hi, a)
                db = _gap_cheb(Q, i, lo, hi, b)
                if da <= db:  # the nearer child is visited first (pushed last)
                    stack[sp] = b
                    sd[sp] = db
                    stack[sp + 1] = a
                    sd[sp + 1] = da
                else:
                    stack[sp] = a
                    sd[sp] = da
                    stack[sp + 1] = b
                    sd[sp + 1] = db
                sp += 2
            out_i[t] = best_j
            out_d[t] = best
    return out_i, out_d


@njit(cache=True, parallel=True)
def _nearest_generic(tree, Q, ref_idx, w, metric, exclude_zero):
    """:func:`nearest_outside_window` for either metric. Depth-first search, nearer child
    first, each node's box distance computed once (stored on the stack with the node)."""
    perm = tree[0]
    X = tree[1]
    start = tree[2]
    end = tree[3]
    left = tree[4]
    right = tree[5]
    lo = tree[6]
    hi = tree[7]
    m = ref_idx.shape[0]
    out_i = np.full(m, -1, np.int64)
    out_d = np.full(m, np.inf)
    n_chunks = 16
    size = (m + n_chunks - 1) // n_chunks
    for c in prange(n_chunks):
        stack = np.empty(256, np.int64)
        sd = np.empty(256)
        for t in range(c * size, min(m, (c + 1) * size)):
            i = ref_idx[t]
            best = np.inf
            best_j = -1
            sp = 1
            stack[0] = 0
            sd[0] = 0.0
            while sp > 0:
                sp -= 1
                if sd[sp] > best:
                    continue
                node = stack[sp]
                if left[node] < 0:
                    for q in range(start[node], end[node]):
                        j = perm[q]
                        if abs(j - i) <= w:
                            continue
                        d = _dist(Q, i, X, q, metric)
                        if exclude_zero and d == 0.0:
                            continue
                        if d < best or (d == best and j < best_j):
                            best = d
                            best_j = j
                    continue
                if sp + 2 > stack.shape[0]:
                    b1 = np.empty(2 * stack.shape[0], np.int64)
                    b1[:sp] = stack[:sp]
                    stack = b1
                    b2 = np.empty(2 * sd.shape[0])
                    b2[:sp] = sd[:sp]
                    sd = b2
                a = left[node]
                b = right[node]
                da = _gap(Q, i, lo, hi, a, metric)
                db = _gap(Q, i, lo, hi, b, metric)
                if da <= db:  # the nearer child is visited first (pushed last)
                    stack[sp] = b
                    sd[sp] = db
                    stack[sp + 1] = a
                    sd[sp + 1] = da
                else:
                    stack[sp] = a
                    sd[sp] = da
                    stack[sp + 1] = b
                    sd[sp + 1] = db
                sp += 2
            out_i[t] = best_j
            out_d[t] = best
    return out_i, out_d
