"""Numba kernels behind :mod:`attractor.analysis.dimensions` (private).

A small k-d tree (array based) and two dual-tree traversals over it:

* :func:`pair_count_histogram` — for a sorted set of radii, how many point pairs
  first fall within each radius. Node pairs whose whole distance range
  ``[d_min, d_max]`` lies between two consecutive radii are counted in bulk, so the
  cost is set by the node pairs straddling a radius (points near the spheres of radius
  r_k around each point), far fewer than the pairs themselves.
* :func:`pair_log_sum` — the sum of ``log(d / r_max)`` over all pairs closer than
  ``r_max`` outside a Theiler window (Takens' maximum-likelihood estimator).

Distances: Chebyshev (maximum norm) for ``metric == 0``, Euclidean for
``metric == 1`` (the square root is taken, so ``d <= r`` is decided on the distance
itself, as a brute-force computation would). Every distance is computed with the same
floating-point operations in the same order, so bulk decisions made from bounding boxes
(``d_min <= d <= d_max`` holds exactly because rounding is monotone) agree with what a
brute-force pass would give, and a pair removed by the Theiler correction is removed
from exactly the bin it was counted in.

Both traversals split the root pair into a few hundred independent node pairs and run
them in parallel threads (``numba.prange``); results do not depend on the thread count.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

CHEBYSHEV = 0
EUCLIDEAN = 1

_STACK = 8192


@njit(cache=True)
def _pt_dist(a, i, b, j, metric):
    """Distance between row i of a and row j of b."""
    d = a.shape[1]
    acc = 0.0
    if metric == 0:
        for k in range(d):
            v = abs(a[i, k] - b[j, k])
            if v > acc:
                acc = v
    else:
        for k in range(d):
            v = a[i, k] - b[j, k]
            acc += v * v
        acc = np.sqrt(acc)
    return acc


@njit(cache=True)
def _select(vals, idx, lo, hi, k):
    """Reorder vals[lo:hi+1] (and idx alongside) so that vals[k] is its (k-lo)-th smallest,
    with no larger value before k and no smaller one after (quickselect, median-of-3)."""
    while hi > lo:
        mid = (lo + hi) // 2
        a, b, c = vals[lo], vals[mid], vals[hi]
        if (a <= b <= c) or (c <= b <= a):
            pivot = b
        elif (b <= a <= c) or (c <= a <= b):
            pivot = a
        else:
            pivot = c
        i = lo
        j = hi
        while i <= j:
            while vals[i] < pivot:
                i += 1
            while vals[j] > pivot:
                j -= 1
            if i <= j:
                tv = vals[i]
                vals[i] = vals[j]
                vals[j] = tv
                ti = idx[i]
                idx[i] = idx[j]
                idx[j] = ti
                i += 1
                j -= 1
        if k <= j:
            hi = j
        elif k >= i:
            lo = i
        else:
            return


@njit(cache=True)
def build_tree(X, leafsize):
    """Build a k-d tree over the rows of ``X`` (n, d).

    Returns
    -------
    perm : int64 (n,)      original row index of each tree-ordered point
    Xp : float64 (n, d)    the points in tree order
    start, end : int64 (n_nodes,)  the node's slice of ``Xp``
    left, right : int64 (n_nodes,) children (-1 for a leaf)
    lo, hi : float64 (n_nodes, d)  bounding box
    """
    n, d = X.shape
    perm = np.arange(n)
    max_nodes = 2 * (n // max(1, leafsize) + 1) * 2 + 1
    start = np.empty(max_nodes, np.int64)
    end = np.empty(max_nodes, np.int64)
    left = np.full(max_nodes, -1, np.int64)
    right = np.full(max_nodes, -1, np.int64)
    lo = np.empty((max_nodes, d))
    hi = np.empty((max_nodes, d))
    stack = np.empty(256, np.int64)
    vals = np.empty(n)
    n_nodes = 1
    start[0] = 0
    end[0] = n
    sp = 0
    stack[sp] = 0
    sp += 1
    while sp > 0:
        sp -= 1
        node = stack[sp]
        s = start[node]
        e = end[node]
        for k in range(d):
            mn = X[perm[s], k]
            mx = mn
            for t in range(s + 1, e):
                v = X[perm[t], k]
                if v < mn:
                    mn = v
                elif v > mx:
                    mx = v
            lo[node, k] = mn
            hi[node, k] = mx
        if e - s <= leafsize:
            continue
        best = 0
        width = -1.0
        for k in range(d):
            w = hi[node, k] - lo[node, k]
            if w > width:
                width = w
                best = k
        if width <= 0.0:
            continue  # all points identical: keep as a (large) leaf
        for t in range(s, e):
            vals[t] = X[perm[t], best]
        _select(vals, perm, s, e - 1, s + (e - s) // 2)
        mid = s + (e - s) // 2
        lnode = n_nodes
        rnode = n_nodes + 1
        n_nodes += 2
        start[lnode] = s
        end[lnode] = mid
        start[rnode] = mid
        end[rnode] = e
        left[node] = lnode
        right[node] = rnode
        stack[sp] = lnode
        stack[sp + 1] = rnode
        sp += 2
    Xp = np.empty((n, d))
    for t in range(n):
        for k in range(d):
            Xp[t, k] = X[perm[t], k]
    return (perm, Xp, start[:n_nodes].copy(), end[:n_nodes].copy(), left[:n_nodes].copy(),
            right[:n_nodes].copy(), lo[:n_nodes].copy(), hi[:n_nodes].copy())


@njit(cache=True)
def _box_range(lo_a, hi_a, a, lo_b, hi_b, b, metric):
    """(d_min, d_max) between two bounding boxes."""
    d = lo_a.shape[1]
    dmin = 0.0
    dmax = 0.0
    for k in range(d):
        g1 = lo_b[b, k] - hi_a[a, k]
        g2 = lo_a[a, k] - hi_b[b, k]
        gap = g1 if g1 > g2 else g2
        if gap < 0.0:
            gap = 0.0
        f1 = abs(hi_b[b, k] - lo_a[a, k])
        f2 = abs(hi_a[a, k] - lo_b[b, k])
        far = f1 if f1 > f2 else f2
        if metric == 0:
            if gap > dmin:
                dmin = gap
            if far > dmax:
                dmax = far
        else:
            dmin += gap * gap
            dmax += far * far
    if metric == 1:
        dmin = np.sqrt(dmin)
        dmax = np.sqrt(dmax)
    return dmin, dmax


@njit(cache=True)
def _point_box_range(a, p, lo_b, hi_b, b, metric):
    """(d_min, d_max) between point p of a and the bounding box of node b."""
    d = a.shape[1]
    dmin = 0.0
    dmax = 0.0
    for k in range(d):
        v = a[p, k]
        g1 = lo_b[b, k] - v
        g2 = v - hi_b[b, k]
        gap = g1 if g1 > g2 else g2
        if gap < 0.0:
            gap = 0.0
        f1 = abs(hi_b[b, k] - v)
        f2 = abs(v - lo_b[b, k])
        far = f1 if f1 > f2 else f2
        if metric == 0:
            if gap > dmin:
                dmin = gap
            if far > dmax:
                dmax = far
        else:
            dmin += gap * gap
            dmax += far * far
    if metric == 1:
        dmin = np.sqrt(dmin)
        dmax = np.sqrt(dmax)
    return dmin, dmax


@njit(cache=True)
def _extent(lo, hi, node):
    w = 0.0
    for k in range(lo.shape[1]):
        v = hi[node, k] - lo[node, k]
        if v > w:
            w = v
    return w


@njit(cache=True)
def _first_ge(rv, value, lo, hi):
    """Smallest k in [lo, hi] with rv[k] >= value (hi if none below hi)."""
    while lo < hi:
        mid = (lo + hi) // 2
        if rv[mid] >= value:
            hi = mid
        else:
            lo = mid + 1
    return lo


@njit(cache=True)
def _split(ta, tb, a, b, symmetric, out_a, out_b, pos):
    """Write the child node pairs of (a, b) at out[pos:]; return how many (0: both leaves).

    The rule every traversal shares: a same-node pair (symmetric mode) becomes
    (l, l), (l, r), (r, r) — (r, l) is covered by counting (l, r) twice; otherwise the node
    with the larger box is split (a leaf never is).
    """
    la = ta[4]
    lb = tb[4]
    a_leaf = la[a] < 0
    b_leaf = lb[b] < 0
    if symmetric and a == b:
        if a_leaf:
            return 0
        l = la[a]
        r = ta[5][a]
        out_a[pos] = l
        out_b[pos] = l
        out_a[pos + 1] = l
        out_b[pos + 1] = r
        out_a[pos + 2] = r
        out_b[pos + 2] = r
        return 3
    if a_leaf and b_leaf:
        return 0
    if b_leaf or (not a_leaf and _extent(ta[6], ta[7], a) >= _extent(tb[6], tb[7], b)):
        out_a[pos] = la[a]
        out_b[pos] = b
        out_a[pos + 1] = ta[5][a]
        out_b[pos + 1] = b
    else:
        out_a[pos] = a
        out_b[pos] = lb[b]
        out_a[pos + 1] = a
        out_b[pos + 1] = tb[5][b]
    return 2


@njit(cache=True)
def _tasks(ta, tb, symmetric, min_tasks):
    """Independent node pairs covering all pairs of points, for parallel traversal: the root
    pair split breadth-first until there are at least ``min_tasks`` (or only leaves)."""
    cur_a = np.zeros(1, np.int64)
    cur_b = np.zeros(1, np.int64)
    while cur_a.shape[0] < min_tasks:
        nxt_a = np.empty(3 * cur_a.shape[0], np.int64)
        nxt_b = np.empty(3 * cur_a.shape[0], np.int64)
        m = 0
        grew = False
        for t in range(cur_a.shape[0]):
            k = _split(ta, tb, cur_a[t], cur_b[t], symmetric, nxt_a, nxt_b, m)
            if k == 0:
                nxt_a[m] = cur_a[t]
                nxt_b[m] = cur_b[t]
                m += 1
            else:
                m += k
                grew = True
        cur_a = nxt_a[:m].copy()
        cur_b = nxt_b[:m].copy()
        if not grew:
            break
    return cur_a, cur_b


_MIN_TASKS = 256


@njit(cache=True)
def _count_from(ta, tb, rv, metric, symmetric, a0, b0, hist):
    """Add to ``hist`` the pairs under node pair (a0, b0) (see pair_count_histogram)."""
    Xa = ta[1]
    sa = ta[2]
    ea = ta[3]
    la = ta[4]
    loa = ta[6]
    hia = ta[7]
    Xb = tb[1]
    sb = tb[2]
    eb = tb[3]
    lb = tb[4]
    lob = tb[6]
    hib = tb[7]
    nr = rv.shape[0]
    cap = _STACK
    stack_a = np.empty(cap, np.int64)
    stack_b = np.empty(cap, np.int64)
    stack_a[0] = a0
    stack_b[0] = b0
    sp = 1
    while sp > 0:
        sp -= 1
        a = stack_a[sp]
        b = stack_b[sp]
        same = symmetric and a == b
        mult = 2 if (symmetric and not same) else 1
        dmin, dmax = _box_range(loa, hia, a, lob, hib, b, metric)
        k_lo = _first_ge(rv, dmin, 0, nr)
        k_hi = _first_ge(rv, dmax, k_lo, nr)
        na = ea[a] - sa[a]
        nb = eb[b] - sb[b]
        if k_lo == k_hi:  # every pair of (a, b) falls in one bin
            hist[k_hi] += na * nb * mult
            continue
        if la[a] < 0 and lb[b] < 0:
            if same:
                for p in range(sa[a], ea[a]):
                    hist[0] += 1  # the point with itself
                    for q in range(p + 1, ea[a]):
                        dv = _pt_dist(Xa, p, Xb, q, metric)
                        hist[_first_ge(rv, dv, k_lo, k_hi)] += 2
            else:
                # point-versus-box first: the whole leaf b in bulk where that resolves it
                for p in range(sa[a], ea[a]):
                    pmin, pmax = _point_box_range(Xa, p, lob, hib, b, metric)
                    j_lo = _first_ge(rv, pmin, k_lo, k_hi)
                    j_hi = _first_ge(rv, pmax, j_lo, k_hi)
                    if j_lo == j_hi:
                        hist[j_hi] += nb * mult
                        continue
                    for q in range(sb[b], eb[b]):
                        dv = _pt_dist(Xa, p, Xb, q, metric)
                        hist[_first_ge(rv, dv, j_lo, j_hi)] += mult
            continue
        if sp + 4 > cap:
            cap *= 2
            na_ = np.empty(cap, np.int64)
            nb_ = np.empty(cap, np.int64)
            na_[:sp] = stack_a[:sp]
            nb_[:sp] = stack_b[:sp]
            stack_a = na_
            stack_b = nb_
        sp += _split(ta, tb, a, b, symmetric, stack_a, stack_b, sp)


@njit(cache=True, parallel=True)
def pair_count_histogram(ta, tb, rv, metric, symmetric):
    """Histogram of ordered pairs (p in tree a, q in tree b) by the first radius covering them.

    ``ta``/``tb`` are the tuples returned by :func:`build_tree`; ``rv`` the radii,
    strictly increasing. ``hist[k]`` counts pairs with ``rv[k-1] < d <= rv[k]``
    (``hist[len(rv)]``: beyond the largest radius). With ``symmetric`` (``ta is tb``) every
    unordered pair of distinct points is counted twice and each point once with itself
    (distance 0), i.e. the result equals the asymmetric count over all ordered pairs, at
    half the cost. Independent node pairs are traversed in parallel threads.
    """
    nr = rv.shape[0]
    task_a, task_b = _tasks(ta, tb, symmetric, _MIN_TASKS)
    n_tasks = task_a.shape[0]
    parts = np.zeros((n_tasks, nr + 1), np.int64)
    for t in prange(n_tasks):
        _count_from(ta, tb, rv, metric, symmetric, task_a[t], task_b[t], parts[t])
    return parts.sum(axis=0)


@njit(cache=True)
def theiler_histogram(X, ref_idx, w, rv, metric, rank, n_keep):
    """Histogram (same bins as :func:`pair_count_histogram`) of the ordered pairs
    (i in ``ref_idx``, j) with ``|i - j| <= w`` (``j == i`` included) and ``rank[j] < n_keep``
    (j in the target subset), and the number of such pairs (the part of the denominator
    the Theiler window removes)."""
    n = X.shape[0]
    nr = rv.shape[0]
    hist = np.zeros(nr + 1, np.int64)
    excluded = 0
    for t in range(ref_idx.shape[0]):
        i = ref_idx[t]
        j0 = i - w if i - w > 0 else 0
        j1 = i + w if i + w < n - 1 else n - 1
        for j in range(j0, j1 + 1):
            if rank[j] >= n_keep:
                continue
            excluded += 1
            dv = _pt_dist(X, i, X, j, metric)
            hist[_first_ge(rv, dv, 0, nr)] += 1
    return hist, excluded


@njit(cache=True)
def _log_sum_from(ta, tb, rmax_v, metric, symmetric, w, a0, b0):
    pa = ta[0]
    Xa = ta[1]
    sa = ta[2]
    ea = ta[3]
    la = ta[4]
    loa = ta[6]
    hia = ta[7]
    pb = tb[0]
    Xb = tb[1]
    eb = tb[3]
    sb = tb[2]
    lb = tb[4]
    lob = tb[6]
    hib = tb[7]
    log_r = np.log(rmax_v)
    total = 0.0
    npairs = 0
    nzero = 0
    cap = _STACK
    stack_a = np.empty(cap, np.int64)
    stack_b = np.empty(cap, np.int64)
    stack_a[0] = a0
    stack_b[0] = b0
    sp = 1
    while sp > 0:
        sp -= 1
        a = stack_a[sp]
        b = stack_b[sp]
        same = symmetric and a == b
        dmin, dmax = _box_range(loa, hia, a, lob, hib, b, metric)
        if dmin >= rmax_v:
            continue
        if la[a] < 0 and lb[b] < 0:
            mult = 2 if symmetric else 1
            for p in range(sa[a], ea[a]):
                q0 = p + 1 if same else sb[b]
                for q in range(q0, eb[b]):
                    gap = pa[p] - pb[q]
                    if gap <= w and -gap <= w:
                        continue
                    dv = _pt_dist(Xa, p, Xb, q, metric)
                    if dv < rmax_v:
                        if dv == 0.0:
                            nzero += mult
                        else:
                            total += mult * (np.log(dv) - log_r)
                            npairs += mult
            continue
        if sp + 4 > cap:
            cap *= 2
            na_ = np.empty(cap, np.int64)
            nb_ = np.empty(cap, np.int64)
            na_[:sp] = stack_a[:sp]
            nb_[:sp] = stack_b[:sp]
            stack_a = na_
            stack_b = nb_
        sp += _split(ta, tb, a, b, symmetric, stack_a, stack_b, sp)
    return total, npairs, nzero


@njit(cache=True, parallel=True)
def pair_log_sum(ta, tb, rmax_v, metric, symmetric, w):
    """Sum of ``log(d / r_max)`` over ordered pairs with ``0 < d < r_max`` and ``|i - j| > w``.

    Returns (log_sum, n_pairs, n_zero) where n_zero counts pairs at distance exactly 0
    (excluded from the sum, since their logarithm is -inf). With ``symmetric`` each
    unordered pair is counted twice, like the asymmetric count over ordered pairs. Time
    indices come from the trees' ``perm`` arrays.
    """
    task_a, task_b = _tasks(ta, tb, symmetric, _MIN_TASKS)
    n_tasks = task_a.shape[0]
    sums = np.zeros(n_tasks)
    npairs = np.zeros(n_tasks, np.int64)
    nzero = np.zeros(n_tasks, np.int64)
    for t in prange(n_tasks):
        s_, n_, z_ = _log_sum_from(ta, tb, rmax_v, metric, symmetric, w, task_a[t], task_b[t])
        sums[t] = s_
        npairs[t] = n_
        nzero[t] = z_
    return sums.sum(), npairs.sum(), nzero.sum()



# ------------------------------------------------------------------ brute force
_BRUTE_CHUNKS = 16
_SHIFT = 45

@njit(cache=True)
def _bin_table(rv):
    """Lookup from the top 18 bits of a float64 (sign, exponent, 7 mantissa bits: value
    ranges 2**-7 wide in relative terms) to bins of ``rv`` (``rv[0] == 0``, then increasing
    positive radii): ``first[t]``, the bin of the smallest value with key ``kmin + t``, and
    ``exact[t]``, whether a radius falls inside that key's range (values with such a key
    are binned by comparing with the radii). Positive float64 bit patterns order like the
    values, so this is exact."""
    nr = rv.shape[0]
    tmp = np.empty(1)
    ti = tmp.view(np.int64)
    tmp[0] = rv[1]
    kmin = ti[0] >> _SHIFT
    tmp[0] = rv[nr - 1]
    kmax = ti[0] >> _SHIFT
    size = kmax - kmin + 1
    first = np.empty(size, np.int64)
    exact = np.zeros(size, np.bool_)
    k = 1
    for t in range(size):
        ti[0] = (kmin + t) << _SHIFT
        lo = tmp[0]
        ti[0] = ((kmin + t + 1) << _SHIFT) - 1
        hi = tmp[0]
        while k < nr and rv[k] < lo:
            k += 1
        first[t] = k
        exact[t] = k < nr and rv[k] < hi
    return first, exact, kmin, kmax

@njit(cache=True)
def _row(a, i, j0, n, metric, buf, clamp, lo_val, hi_val, zero_val):
    """buf[j0:n] = distances from point i to points j0..n-1; ``a`` holds the coordinates
    as rows, padded with zero rows to a multiple of 4 (a zero row changes neither the
    maximum nor the sum of squares). Same operations in the same order as _pt_dist.
    With ``clamp``, positive distances are then clipped to [lo_val, hi_val] and zeros
    replaced by ``zero_val`` (see pair_count_brute)."""
    ng = a.shape[0] // 4
    for g in range(ng):
        a0 = a[4 * g]
        a1 = a[4 * g + 1]
        a2 = a[4 * g + 2]
        a3 = a[4 * g + 3]
        x0 = a0[i]
        x1 = a1[i]
        x2 = a2[i]
        x3 = a3[i]
        if metric == 0:
            if g == 0:
                for j in range(j0, n):
                    v0 = abs(x0 - a0[j])
                    v1 = abs(x1 - a1[j])
                    v2 = abs(x2 - a2[j])
                    v3 = abs(x3 - a3[j])
                    u = v0 if v0 > v1 else v1
                    t = v2 if v2 > v3 else v3
                    buf[j] = u if u > t else t
            else:
                for j in range(j0, n):
                    v0 = abs(x0 - a0[j])
                    v1 = abs(x1 - a1[j])
                    v2 = abs(x2 - a2[j])
                    v3 = abs(x3 - a3[j])
                    u = v0 if v0 > v1 else v1
                    t = v2 if v2 > v3 else v3
                    u = u if u > t else t
                    b = buf[j]
                    buf[j] = u if u > b else b
        else:
            if g == 0:
                for j in range(j0, n):
                    v0 = x0 - a0[j]
                    v1 = x1 - a1[j]
                    v2 = x2 - a2[j]
                    v3 = x3 - a3[j]
                    buf[j] = v0 * v0 + v1 * v1 + v2 * v2 + v3 * v3
            else:
                for j in range(j0, n):
                    v0 = x0 - a0[j]
                    v1 = x1 - a1[j]
                    v2 = x2 - a2[j]
                    v3 = x3 - a3[j]
                    buf[j] = buf[j] + v0 * v0 + v1 * v1 + v2 * v2 + v3 * v3
    if clamp:
        if metric != 0:
            for j in range(j0, n):
                v = np.sqrt(buf[j])
                c = v if v > lo_val else lo_val
                c = c if c < hi_val else hi_val
                buf[j] = c if v > 0.0 else zero_val
        else:
            for j in range(j0, n):
                v = buf[j]
                c = v if v > lo_val else lo_val
                c = c if c < hi_val else hi_val
                buf[j] = c if v > 0.0 else zero_val
    elif metric != 0:
        for j in range(j0, n):
            buf[j] = np.sqrt(buf[j])

@njit(cache=True, parallel=True)
def pair_count_brute(X, w, rv, metric):
    """Histogram (bins as in :func:`pair_count_histogram`) of the ordered pairs (i, j) of
    rows of ``X`` with ``|i - j| > w``, by brute force: every distance is computed
    (vectorised, a row at a time) and binned through a lookup table on its bit pattern.
    Equal, bin for bin, to ``pair_count_histogram(t, t, rv, metric, True)`` minus
    ``theiler_histogram(X, arange(n), w, ...)``; faster than the tree for up to a few
    10^4 points when the radii reach the diameter (nearly every node pair straddles a
    radius). Rows are dealt to threads in pairs (i, n-1-i) to balance the work."""
    n, dim = X.shape
    nr = rv.shape[0]
    rows = (dim + 3) // 4 * 4
    XT = np.zeros((rows, n))
    XT[:dim] = X.T
    first, exact, kmin, kmax = _bin_table(rv)
    size = first.shape[0]
    nt = (n + 1) // 2
    nchunk = _BRUTE_CHUNKS
    parts = np.zeros((nchunk, nr + 1), np.int64)
    # buckets: 0 zeros (bin 0), 1 below rv[1]'s key (bin 1), 2.. keys kmin..kmax, then
    # above (bin nr); distances are clamped into these keys by _row
    nb = size + 3
    binof = np.empty(nb, np.int64)
    flag = np.zeros(nb, np.bool_)
    binof[0] = 0
    binof[1] = 1
    binof[2:size + 2] = first
    binof[size + 2] = nr
    flag[2:size + 2] = exact
    tmp = np.empty(1)
    ti = tmp.view(np.int64)
    ti[0] = (kmin - 2) << _SHIFT
    zero_val = tmp[0]
    ti[0] = ((kmin - 1) << _SHIFT)
    lo_val = tmp[0]
    ti[0] = ((kmax + 1) << _SHIFT)
    hi_val = tmp[0]
    base = kmin - 2
    fines = np.zeros((nchunk, nb), np.int64)
    for c in prange(nchunk):
        buf = np.empty(n)
        ib = buf.view(np.int64)
        h = parts[c]
        fine = fines[c]
        for t in range(c, nt, nchunk):
            for ii in range(2):
                i = t if ii == 0 else n - 1 - t
                if ii == 1 and i == t:
                    break
                j0 = i + w + 1
                if j0 >= n:
                    continue
                _row(XT, i, j0, n, metric, buf, True, lo_val, hi_val, zero_val)
                for j in range(j0, n):
                    key = (ib[j] >> _SHIFT) - base
                    if flag[key]:
                        kk = binof[key]
                        d = buf[j]
                        while kk < nr and rv[kk] < d:
                            kk += 1
                        h[kk] += 1
                    else:
                        fine[key] += 1
        for t in range(nb):
            h[binof[t]] += fine[t]
    return parts.sum(axis=0) * 2


@njit(cache=True, parallel=True)
def nearest_outside_window(X, ref_idx, w, metric):
    """Distance from each point ``ref_idx[t]`` to its nearest point outside the Theiler
    window (``|i - j| > w``; ``inf`` where there is none), by brute force (vectorised rows,
    see :func:`pair_count_brute`)."""
    n, dim = X.shape
    rows = (dim + 3) // 4 * 4
    XT = np.zeros((rows, n))
    XT[:dim] = X.T
    m = ref_idx.shape[0]
    out = np.full(m, np.inf)
    nchunk = _BRUTE_CHUNKS
    for c in prange(nchunk):
        buf = np.empty(n)
        for t in range(c, m, nchunk):
            i = ref_idx[t]
            _row(XT, i, 0, n, metric, buf, False, 0.0, 0.0, 0.0)
            best = np.inf
            for j in range(0, n):
                if j >= i - w and j <= i + w:
                    continue
                v = buf[j]
                if v < best:
                    best = v
            out[t] = best
    return out
