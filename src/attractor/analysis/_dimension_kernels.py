"""Numba kernels behind :mod:`attractor.analysis.dimensions` (private).

A small k-d tree (array based) and two dual-tree traversals over it:

* :func:`pair_count_histogram` — for a sorted set of radii, how many point pairs
  first fall within each radius. Node pairs whose whole distance range
  ``[d_min, d_max]`` lies between two consecutive radii are counted in bulk, so the
  cost is set by the node pairs straddling a radius (points near the spheres of radius
  r_k around each point), far fewer than the pairs themselves.
* :func:`pair_log_sum` — the sum of ``log(d / r_max)`` over all pairs closer than
  ``r_max`` outside a Theiler window (Takens' maximum-likelihood estimator).

and brute-force kernels for up to a few 10^4 points, where nearly every node pair
straddles a radius and the tree saves little: :func:`pair_count_brute` (the same
histogram, every pair computed in vectorised blocks and binned by a lookup table on the
bit patterns of the values) and :func:`nearest_outside_window`.

Distances: Chebyshev (maximum norm) for ``metric == 0``, Euclidean for
``metric == 1`` (the square root is taken, so ``d <= r`` is decided on the distance
itself, as a brute-force computation would; the brute-force histogram compares squared
distances with thresholds chosen so that the decision is the same). Every distance is
computed with the same floating-point operations in the same order, so bulk decisions
made from bounding boxes
(``d_min <= d <= d_max`` holds exactly because rounding is monotone) agree with what a
brute-force pass would give, and a pair removed by the Theiler correction is removed
from exactly the bin it was counted in.

Both traversals split the root pair into a few hundred independent node pairs, and the
brute-force kernels deal rows to 16 chunks, run in parallel threads (``numba.prange``);
results do not depend on the thread count.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange, types
from numba.extending import intrinsic

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
# Exact binning by bit pattern. Positive float64 values order like their bit patterns
# (read as unsigned integers), so ``bits >> shift`` is a non-decreasing "fine key"; with
# ``shift = KEY_SHIFT`` (sign, exponent and the top 7 mantissa bits) each key covers a
# relative range of 2**-7. A threshold T is *aligned* when it is the largest value of its
# key (its low ``shift`` bits all set): then ``v <= T`` exactly when ``key(v) <= key(T)``,
# and a lookup table from keys to radius bins bins every value exactly, with no
# comparison. A threshold that is not aligned needs one comparison per value whose key
# holds it (the table then has two entries per key: at or below, and above).
KEY_SHIFT = 45
_LOW_BITS = (1 << KEY_SHIFT) - 1
_MAX_TABLE = 1 << 14          # keys between the smallest and largest threshold
_BRUTE_CHUNKS = 16
_BLOCK = 2048


@intrinsic
def _bits(typingctx, x):
    """The bit pattern of a float64 as uint64 (a register move, vectorisable)."""
    if not isinstance(x, types.Float) or x.bitwidth != 64:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.uint64))

    return types.uint64(x), codegen


def brute_thresholds(rv: np.ndarray, metric: int) -> np.ndarray:
    """The value binned by :func:`pair_count_brute` at each radius: the radius itself
    (Chebyshev), or the largest float64 ``s`` with ``sqrt(s) <= r`` (Euclidean, where
    squared distances are binned: ``fl(sqrt(s)) <= r`` exactly when ``s <= T(r)``, because
    the correctly rounded square root is non-decreasing)."""
    rv = np.asarray(rv, dtype=np.float64)
    if metric == CHEBYSHEV:
        return rv.copy()
    t = rv * rv
    for _ in range(64):  # a few ulps at most
        up = np.nextafter(t, np.inf)
        grow = np.sqrt(up) <= rv
        shrink = np.sqrt(t) > rv
        if not (grow.any() or shrink.any()):
            return t
        t = np.where(grow, up, np.where(shrink, np.nextafter(t, 0.0), t))
    raise RuntimeError("squared-radius thresholds did not converge")  # pragma: no cover


def align_radii(radii: np.ndarray, metric: int) -> np.ndarray:
    """Radii moved up slightly so that their thresholds (:func:`brute_thresholds`) are
    aligned and :func:`pair_count_brute` bins by table lookup alone.

    Chebyshev: the radius with its low KEY_SHIFT bits set (a relative change below
    2**-7). Euclidean: the threshold must be the top ``T`` of a key *and* the largest
    square with root ``fl(sqrt(T))``, which holds for about every other key (neighbouring
    squares share a root); the first such key at or above ``r**2`` is taken, typically
    within two keys (radius up by under 1 %), at most 16; a radius without one nearby
    is returned unchanged (the kernel then compares values with thresholds).
    """
    r = np.array(radii, dtype=np.float64)
    if metric == CHEBYSHEV:
        return (r.view(np.uint64) | np.uint64(_LOW_BITS)).view(np.float64)
    out = r.copy()
    done = np.zeros(r.shape, dtype=bool)
    key = brute_thresholds(r, metric).view(np.uint64) >> np.uint64(KEY_SHIFT)
    for tries in range(16):
        tops = ((key + np.uint64(tries + 1)) << np.uint64(KEY_SHIFT)) - np.uint64(1)
        tops = tops.view(np.float64)
        cand = np.sqrt(tops)
        ok = ~done & (cand >= r) & (brute_thresholds(cand, metric) == tops)
        out[ok] = cand[ok]
        done |= ok
    return out


def brute_key_shift(thr: np.ndarray) -> int | None:
    """The key shift for :func:`pair_count_brute` with thresholds ``thr`` (``thr[0] == 0``,
    then increasing): KEY_SHIFT when every threshold is aligned (table lookup only);
    otherwise the coarsest shift from 48 (4 mantissa bits: a small table) down to 36 that
    puts every threshold in its own key. None where no shift does so with a table of at
    most ``_MAX_TABLE`` keys (radii extremely close together, or spanning very many
    octaves) or the radii are subnormal: the tree kernels handle those."""
    t = np.ascontiguousarray(thr[1:], dtype=np.float64).view(np.uint64)
    if t.size == 0:
        return None
    low = np.uint64(_LOW_BITS)
    aligned = bool(np.all((t & low) == low))
    for shift in ([KEY_SHIFT] if aligned else []) + list(range(48, 35, -1)):
        keys = (t >> np.uint64(shift)).astype(np.int64)
        if keys[0] >= 4 and keys[-1] - keys[0] < _MAX_TABLE and np.all(np.diff(keys) > 0):
            return shift
    return None


@njit(cache=True)
def _value_of(bits):
    """The float64 with bit pattern ``bits`` (uint64)."""
    tmp = np.empty(1, np.uint64)
    tmp[0] = bits
    return tmp.view(np.float64)[0]


@njit(cache=True)
def _bin_table(thr, shift):
    """Key table for thresholds ``thr`` (``thr[0] == 0``, then increasing, > 0, at most
    one per key).

    Table index ``q = key - base`` with ``base = key(thr[1]) - 2``: q = 0 holds zeros,
    q = 1 the positive values below key(thr[1]), then one entry per key up to the key
    above key(thr[-1]), which takes every larger value (values are clamped into this
    range by ``lo_val`` and ``hi_val``, zeros set to ``zero_val``). Returns (first, split,
    base, zero_val, lo_val, hi_val, aligned): a value ``v`` with index q falls in bin
    ``first[q] + (v > split[q])``; ``split`` is +inf where no threshold lies in the key
    below its top, so ``aligned`` (no split anywhere) means ``first`` alone bins.
    """
    nr = thr.shape[0]
    sh = np.uint64(shift)
    kmin = np.int64(_bits(thr[1]) >> sh)
    kmax = np.int64(_bits(thr[nr - 1]) >> sh)
    base = kmin - 2
    nk = kmax + 2 - base
    first = np.empty(nk, np.int64)
    split = np.full(nk, np.inf)
    first[0] = 0
    first[1] = 1
    k = 1
    aligned = True
    for q in range(2, nk):
        key = np.uint64(base + q)
        lo = _value_of(key << sh)
        top = _value_of(((key + np.uint64(1)) << sh) - np.uint64(1))
        while k < nr and thr[k] < lo:
            k += 1
        first[q] = k
        if k < nr and thr[k] < top:
            split[q] = thr[k]
            aligned = False
    zero_val = _value_of(np.uint64(base) << sh)
    lo_val = _value_of(np.uint64(base + 1) << sh)
    hi_val = _value_of(np.uint64(kmax + 1) << sh)
    return first, split, base, zero_val, lo_val, hi_val, aligned


@njit(cache=True)
def _partial_block(XT, g, i, j0, j1, metric, db):
    """db[:m] (m = j1 - j0) = the Chebyshev distance (metric 0) or squared Euclidean
    distance (1) from point i to points j0..j1-1 over coordinates 4g..4g+3, combined with
    the previous groups' db for g > 0. Coordinates are the rows of ``XT``, padded with zero
    rows to a multiple of 4 (a zero row changes neither a maximum nor a sum of squares).
    The same operations in the same order as :func:`_pt_dist` (squared), so the values
    equal the tree kernels'; one vectorised loop."""
    a0 = XT[4 * g, j0:j1]
    a1 = XT[4 * g + 1, j0:j1]
    a2 = XT[4 * g + 2, j0:j1]
    a3 = XT[4 * g + 3, j0:j1]
    x0 = XT[4 * g, i]
    x1 = XT[4 * g + 1, i]
    x2 = XT[4 * g + 2, i]
    x3 = XT[4 * g + 3, i]
    m = j1 - j0
    if metric == 0:
        if g == 0:
            for t in range(m):
                v0 = abs(x0 - a0[t])
                v1 = abs(x1 - a1[t])
                v2 = abs(x2 - a2[t])
                v3 = abs(x3 - a3[t])
                u = v0 if v0 > v1 else v1
                s = v2 if v2 > v3 else v3
                db[t] = u if u > s else s
        else:
            for t in range(m):
                v0 = abs(x0 - a0[t])
                v1 = abs(x1 - a1[t])
                v2 = abs(x2 - a2[t])
                v3 = abs(x3 - a3[t])
                u = v0 if v0 > v1 else v1
                s = v2 if v2 > v3 else v3
                u = u if u > s else s
                b = db[t]
                db[t] = u if u > b else b
    else:
        if g == 0:
            for t in range(m):
                v0 = x0 - a0[t]
                v1 = x1 - a1[t]
                v2 = x2 - a2[t]
                v3 = x3 - a3[t]
                db[t] = v0 * v0 + v1 * v1 + v2 * v2 + v3 * v3
        else:
            for t in range(m):
                v0 = x0 - a0[t]
                v1 = x1 - a1[t]
                v2 = x2 - a2[t]
                v3 = x3 - a3[t]
                db[t] = db[t] + v0 * v0 + v1 * v1 + v2 * v2 + v3 * v3


@njit(cache=True)
def _values(XT, i, j0, j1, metric, db):
    """db[:j1-j0] = the binned values from point i to points j0..j1-1 (Chebyshev
    distances, or squared Euclidean distances), over all groups of 4 coordinates."""
    for g in range(XT.shape[0] // 4):
        _partial_block(XT, g, i, j0, j1, metric, db)


@njit(cache=True)
def _clamp_keys(db, m, kb, shift, lo_val, hi_val, zero_val, base):
    """Clamp db[:m] in place into the table's range (zeros to ``zero_val``, other values
    to [lo_val, hi_val]) and write their table indices ``(bits >> shift) - base`` to kb."""
    sh = np.uint64(shift)
    ub = np.uint64(base)
    for t in range(m):
        v = db[t]
        c = v if v > lo_val else lo_val
        c = c if c < hi_val else hi_val
        c = c if v > 0.0 else zero_val
        db[t] = c
        kb[t] = (_bits(c) >> sh) - ub


@njit(cache=True)
def _keys4_chebyshev(XT, i, j0, j1, kb, shift, lo_val, hi_val, zero_val, base):
    """Fused :func:`_values` + :func:`_clamp_keys` for up to 4 coordinates, Chebyshev
    (kb only: the fast path, where the table alone bins)."""
    a0 = XT[0, j0:j1]
    a1 = XT[1, j0:j1]
    a2 = XT[2, j0:j1]
    a3 = XT[3, j0:j1]
    x0 = XT[0, i]
    x1 = XT[1, i]
    x2 = XT[2, i]
    x3 = XT[3, i]
    sh = np.uint64(shift)
    ub = np.uint64(base)
    for t in range(j1 - j0):
        v0 = abs(x0 - a0[t])
        v1 = abs(x1 - a1[t])
        v2 = abs(x2 - a2[t])
        v3 = abs(x3 - a3[t])
        u = v0 if v0 > v1 else v1
        s = v2 if v2 > v3 else v3
        v = u if u > s else s
        c = v if v > lo_val else lo_val
        c = c if c < hi_val else hi_val
        c = c if v > 0.0 else zero_val
        kb[t] = (_bits(c) >> sh) - ub


@njit(cache=True)
def _keys4_euclidean(XT, i, j0, j1, kb, shift, lo_val, hi_val, zero_val, base):
    """As :func:`_keys4_chebyshev` for squared Euclidean distances."""
    a0 = XT[0, j0:j1]
    a1 = XT[1, j0:j1]
    a2 = XT[2, j0:j1]
    a3 = XT[3, j0:j1]
    x0 = XT[0, i]
    x1 = XT[1, i]
    x2 = XT[2, i]
    x3 = XT[3, i]
    sh = np.uint64(shift)
    ub = np.uint64(base)
    for t in range(j1 - j0):
        v0 = x0 - a0[t]
        v1 = x1 - a1[t]
        v2 = x2 - a2[t]
        v3 = x3 - a3[t]
        v = v0 * v0 + v1 * v1 + v2 * v2 + v3 * v3
        c = v if v > lo_val else lo_val
        c = c if c < hi_val else hi_val
        c = c if v > 0.0 else zero_val
        kb[t] = (_bits(c) >> sh) - ub


@njit(cache=True)
def _tally(kb, m, h0, h1, h2, h3):
    """h[kb[t]] += 1 for t < m, spread over four tables so that repeated keys do not
    serialise on one counter."""
    m4 = m - (m & 3)
    for t in range(0, m4, 4):
        h0[kb[t]] += 1
        h1[kb[t + 1]] += 1
        h2[kb[t + 2]] += 1
        h3[kb[t + 3]] += 1
    for t in range(m4, m):
        h0[kb[t]] += 1


@njit(cache=True)
def _tally_split(kb, db, m, split, h0, h1, h2, h3):
    """As :func:`_tally` on index 2 q + (value > split[q]) (thresholds inside a key)."""
    m4 = m - (m & 3)
    for t in range(0, m4, 4):
        q = kb[t]
        h0[q + q + np.uint64(db[t] > split[q])] += 1
        q = kb[t + 1]
        h1[q + q + np.uint64(db[t + 1] > split[q])] += 1
        q = kb[t + 2]
        h2[q + q + np.uint64(db[t + 2] > split[q])] += 1
        q = kb[t + 3]
        h3[q + q + np.uint64(db[t + 3] > split[q])] += 1
    for t in range(m4, m):
        q = kb[t]
        h0[q + q + np.uint64(db[t] > split[q])] += 1


@njit(cache=True, parallel=True)
def pair_count_brute(X, w, thr, metric, shift):
    """Histogram (bins as in :func:`pair_count_histogram`) of the ordered pairs (i, j) of
    rows of ``X`` with ``|i - j| > w``, by brute force.

    ``thr`` are the thresholds of :func:`brute_thresholds` for the radii (``thr[0] == 0``,
    then increasing) and ``shift`` the key shift of :func:`brute_key_shift`: ``hist[k]``
    counts pairs whose distance (Chebyshev) or squared distance (Euclidean: no square root
    is taken) ``v`` has ``thr[k-1] < v <= thr[k]``, which is the same as binning the
    distance by the radii. Every value is computed, vectorised (coordinates stored as
    contiguous rows, blocks of 2048 points), and binned through the key table of
    :func:`_bin_table`: by the table alone when the thresholds are aligned (see
    :func:`align_radii`), otherwise with one comparison per value. Equal, bin for bin, to
    ``pair_count_histogram(t, t, rv, metric, True)`` minus ``theiler_histogram(X,
    arange(n), w, ...)``; faster than the tree for up to a few 10^4 points when the radii
    reach the diameter (nearly every node pair straddles a radius). Rows are dealt to
    threads in pairs (i, n-1-i) to balance the work.
    """
    n, dim = X.shape
    nr = thr.shape[0]
    rows = (dim + 3) // 4 * 4
    XT = np.zeros((rows, n))
    XT[:dim] = X.T
    first, split, base, zero_val, lo_val, hi_val, aligned = _bin_table(thr, shift)
    nk = first.shape[0]
    fused = aligned and rows == 4
    width = nk if aligned else 2 * nk
    nt = (n + 1) // 2
    nchunk = _BRUTE_CHUNKS
    fine = np.zeros((nchunk, 4, width), np.int64)
    for c in prange(nchunk):
        db = np.empty(_BLOCK)
        kb = np.empty(_BLOCK, np.uint64)
        f = fine[c]
        h0 = f[0]
        h1 = f[1]
        h2 = f[2]
        h3 = f[3]
        for t in range(c, nt, nchunk):
            for ii in range(2):
                i = t if ii == 0 else n - 1 - t
                if ii == 1 and i == t:
                    break
                for jb in range(i + w + 1, n, _BLOCK):
                    je = min(jb + _BLOCK, n)
                    m = je - jb
                    if fused and metric == 0:
                        _keys4_chebyshev(XT, i, jb, je, kb, shift, lo_val, hi_val, zero_val,
                                         base)
                    elif fused:
                        _keys4_euclidean(XT, i, jb, je, kb, shift, lo_val, hi_val, zero_val,
                                         base)
                    else:
                        _values(XT, i, jb, je, metric, db)
                        _clamp_keys(db, m, kb, shift, lo_val, hi_val, zero_val, base)
                    if aligned:
                        _tally(kb, m, h0, h1, h2, h3)
                    else:
                        _tally_split(kb, db, m, split, h0, h1, h2, h3)
    tot = fine.sum(axis=0).sum(axis=0)
    hist = np.zeros(nr + 1, np.int64)
    for q in range(nk):
        if aligned:
            hist[first[q]] += tot[q]
        else:
            hist[first[q]] += tot[2 * q]
            if tot[2 * q + 1] > 0:  # only where a threshold splits the key (first < nr)
                hist[first[q] + 1] += tot[2 * q + 1]
    return hist * 2


@njit(cache=True, parallel=True)
def nearest_outside_window(X, ref_idx, w, metric):
    """Distance from each point ``ref_idx[t]`` to its nearest point outside the Theiler
    window (``|i - j| > w``; ``inf`` where there is none), by brute force (vectorised
    blocks as in :func:`pair_count_brute`; Euclidean: the smallest squared distance, then
    its square root)."""
    n, dim = X.shape
    rows = (dim + 3) // 4 * 4
    XT = np.zeros((rows, n))
    XT[:dim] = X.T
    m = ref_idx.shape[0]
    out = np.full(m, np.inf)
    nchunk = _BRUTE_CHUNKS
    for c in prange(nchunk):
        db = np.empty(_BLOCK)
        for t in range(c, m, nchunk):
            i = ref_idx[t]
            best = np.inf
            for part in range(2):
                lo = 0 if part == 0 else i + w + 1
                hi = max(0, i - w) if part == 0 else n
                for jb in range(lo, hi, _BLOCK):
                    je = min(jb + _BLOCK, hi)
                    _values(XT, i, jb, je, metric, db)
                    best = min(best, _block_min(db, je - jb))
            out[t] = np.sqrt(best) if metric != 0 else best
    return out


@njit(cache=True)
def _block_min(db, m):
    """Smallest of db[:m] (four running minima, so the loop vectorises)."""
    m0 = np.inf
    m1 = np.inf
    m2 = np.inf
    m3 = np.inf
    m4 = m - (m & 3)
    for t in range(0, m4, 4):
        a = db[t]
        b = db[t + 1]
        c = db[t + 2]
        d = db[t + 3]
        m0 = a if a < m0 else m0
        m1 = b if b < m1 else m1
        m2 = c if c < m2 else m2
        m3 = d if d < m3 else m3
    for t in range(m4, m):
        a = db[t]
        m0 = a if a < m0 else m0
    m0 = m0 if m0 < m1 else m1
    m2 = m2 if m2 < m3 else m3
    return m0 if m0 < m2 else m2
