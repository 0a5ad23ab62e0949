"""Numba kernels behind :mod:`attractor.analysis.edm` and :mod:`attractor.analysis.ccm` (private).

Neighbour selection works on candidate lists that a single ``scipy.spatial.cKDTree`` query
produced (each row sorted by distance). A candidate is *admissible* for query row ``i`` when it
is in the current library and its time differs from the query's by more than the exclusion
radius ``r`` (``r = 0`` excludes only the query itself). When a row's candidate list runs out
before ``k`` admissible neighbours are found, the row falls back to an exact brute-force scan of
the library, so the result is always the exact ``k`` nearest admissible neighbours.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

_EXP_M1 = float(np.exp(-1.0))


@njit(cache=True, inline="always")
def _insert(best_d, best_j, best_p, cnt, k, d, j, p):
    """Insert (d, p, j) into the sorted arrays of length ``cnt`` (capacity ``k``); the order is
    distance, then ``p`` (a secondary key), then index. Returns the new count."""
    if cnt == k:
        last = k - 1
        if d > best_d[last] or (d == best_d[last] and (p > best_p[last] or (p == best_p[last]
                                                                            and j >= best_j[last]))):
            return cnt
        pos = last
    else:
        pos = cnt
        cnt += 1
    while pos > 0:
        q = pos - 1
        if best_d[q] < d or (best_d[q] == d and (best_p[q] < p or (best_p[q] == p and best_j[q] < j))):
            break
        best_d[pos] = best_d[q]
        best_j[pos] = best_j[q]
        best_p[pos] = best_p[q]
        pos = q
    best_d[pos] = d
    best_j[pos] = j
    best_p[pos] = p
    return cnt


@njit(cache=True)
def _brute_row(Zq, Zlib, lib_rows, lib_times, tq, r, k, best_d, best_j, best_p):
    """Exact k nearest admissible library rows of one query vector (Euclidean distance), tie order
    (distance, |time difference|, row). Returns the number found (<= k)."""
    cnt = 0
    dim = Zq.shape[0]
    worst2 = np.inf
    for m in range(lib_rows.shape[0]):
        s = 0.0
        for c in range(dim):
            diff = Zlib[m, c] - Zq[c]
            s += diff * diff
        if s > worst2:
            continue
        dt = abs(lib_times[m] - tq)
        if dt <= r:
            continue
        cnt = _insert(best_d, best_j, best_p, cnt, k, np.sqrt(s), lib_rows[m], dt)
        if cnt == k:
            worst2 = best_d[k - 1] * best_d[k - 1] * (1.0 + 1e-12)
    return cnt


@njit(cache=True, parallel=True)
def select_neighbours(cand_j, cand_d, q_times, times, Zq, Z, lib_rows, r, k, n_lib_total):
    """k nearest admissible neighbours of every query row, tie order (distance, |Δt|, row).

    ``cand_j``/``cand_d`` (n_q, K): candidate library rows sorted by distance (``-1`` = none);
    ``times[row]`` is the time index of a library row, ``q_times`` those of the queries; ``Zq``
    the query vectors, ``Z`` the embedding indexed by row. A row whose selection might be cut by
    the end of its list (fewer than ``k`` found, or a tie with the last candidate) is redone
    exactly by brute force over ``lib_rows``. Returns (rows (n_q, k), distances (n_q, k),
    count (n_q,)); unused slots have distance ``inf``.
    """
    n_q = cand_j.shape[0]
    K = cand_j.shape[1]
    out_j = np.full((n_q, k), -1, np.int64)
    out_d = np.full((n_q, k), np.inf)
    out_n = np.zeros(n_q, np.int64)
    lib_times = times[lib_rows]
    Zlib = Z[lib_rows]
    for i in prange(n_q):
        bd = np.full(k, np.inf)
        bj = np.full(k, -1, np.int64)
        bp = np.zeros(k, np.int64)
        cnt = 0
        tq = q_times[i]
        last_d = np.inf
        done = False
        for c in range(K):
            j = cand_j[i, c]
            if j < 0:
                break
            last_d = cand_d[i, c]
            if cnt == k and last_d > bd[k - 1]:
                done = True   # sorted candidates: every later one is farther
                break
            dt = abs(times[j] - tq)
            if dt <= r:
                continue
            cnt = _insert(bd, bj, bp, cnt, k, cand_d[i, c], j, dt)
        exhausted = K >= n_lib_total
        if not done and not exhausted and (cnt < k or bd[k - 1] >= last_d):
            cnt = _brute_row(Zq[i], Zlib, lib_rows, lib_times, tq, r, k, bd, bj, bp)
        out_n[i] = cnt
        for c in range(k):
            out_j[i, c] = bj[c]
            out_d[i, c] = bd[c]
    return out_j, out_d, out_n


@njit(cache=True, parallel=True)
def select_sorted_scan(q_times, times, Zq, Z, lib_rows, r, k):
    """k nearest admissible library rows of every query by a full scan and a stable sort of the
    distances (for large k, e.g. S-map's default of all library points, where candidate lists
    would hold the whole library anyway). Same outputs as :func:`select_neighbours`; among equal
    distances the earlier library row comes first. O(n_lib log n_lib) per query, no (n_q × n_lib)
    array."""
    n_q = Zq.shape[0]
    n_lib = lib_rows.shape[0]
    dim = Z.shape[1]
    out_j = np.full((n_q, k), -1, np.int64)
    out_d = np.full((n_q, k), np.inf)
    out_n = np.zeros(n_q, np.int64)
    for i in prange(n_q):
        d = np.empty(n_lib)
        tq = q_times[i]
        for m in range(n_lib):
            row = lib_rows[m]
            if abs(times[row] - tq) <= r:
                d[m] = np.inf
                continue
            s = 0.0
            for c in range(dim):
                diff = Z[row, c] - Zq[i, c]
                s += diff * diff
            d[m] = np.sqrt(s)
        order = np.argsort(d, kind="mergesort")
        cnt = 0
        for c in range(min(k, n_lib)):
            m = order[c]
            if d[m] == np.inf:
                break
            out_j[i, c] = lib_rows[m]
            out_d[i, c] = d[m]
            cnt += 1
        out_n[i] = cnt
    return out_j, out_d, out_n


@njit(cache=True)
def simplex_weights(d, n):
    """Simplex weights exp(-d / d_min) of one row's first ``n`` distances (Sugihara & May 1990);
    when the nearest distance is 0 the neighbours at distance 0 share the weight equally."""
    w = np.zeros(d.shape[0])
    if n == 0:
        return w
    dmin = d[0]
    for c in range(1, n):
        if d[c] < dmin:
            dmin = d[c]
    if dmin > 0.0:
        for c in range(n):
            w[c] = np.exp(-d[c] / dmin)
    else:
        for c in range(n):
            w[c] = 1.0 if d[c] == 0.0 else 0.0
    return w


@njit(cache=True, parallel=True)
def simplex_project(nb_j, nb_d, nb_n, y, shift):
    """Weighted averages of ``y[row + shift]`` over each query's neighbours; (prediction, variance).
    Rows with no neighbour get NaN (the caller never scores them)."""
    n_q = nb_j.shape[0]
    pred = np.full(n_q, np.nan)
    var = np.full(n_q, np.nan)
    for i in prange(n_q):
        n = nb_n[i]
        if n == 0:
            continue
        w = simplex_weights(nb_d[i], n)
        sw = 0.0
        s = 0.0
        for c in range(n):
            sw += w[c]
            s += w[c] * y[nb_j[i, c] + shift]
        p = s / sw
        v = 0.0
        for c in range(n):
            e = y[nb_j[i, c] + shift] - p
            v += w[c] * e * e
        pred[i] = p
        var[i] = v / sw
    return pred, var


@njit(cache=True, parallel=True)
def smap_project(nb_j, nb_d, nb_n, Z, Zq, y, shift, theta):
    """S-map (Sugihara 1994) local linear fits: for each query, weights
    w = exp(-θ d / mean(d)) over its neighbours, least squares of w·y on [w, w·Z] (SVD, numpy's
    default cut-off), prediction c0 + c·z_query. Returns (prediction, variance, coefficients)."""
    n_q = nb_j.shape[0]
    dim = Z.shape[1]
    pred = np.full(n_q, np.nan)
    var = np.full(n_q, np.nan)
    coef = np.full((n_q, dim + 1), np.nan)
    for i in prange(n_q):
        n = nb_n[i]
        if n == 0:
            continue
        mean_d = 0.0
        for c in range(n):
            mean_d += nb_d[i, c]
        mean_d /= n
        w = np.ones(n)
        if theta != 0.0 and mean_d > 0.0:
            for c in range(n):
                w[c] = np.exp(-theta / mean_d * nb_d[i, c])
        A = np.empty((n, dim + 1))
        b = np.empty(n)
        for c in range(n):
            row = nb_j[i, c]
            A[c, 0] = w[c]
            for e in range(dim):
                A[c, e + 1] = w[c] * Z[row, e]
            b[c] = w[c] * y[row + shift]
        rcond = np.finfo(np.float64).eps * max(n, dim + 1)
        sol = np.linalg.lstsq(A, b, rcond)[0]
        p = sol[0]
        for e in range(dim):
            p += sol[e + 1] * Zq[i, e]
        sw = 0.0
        v = 0.0
        for c in range(n):
            ee = y[nb_j[i, c] + shift] - p
            v += w[c] * ee * ee
            sw += w[c]
        pred[i] = p
        var[i] = v / sw
        for e in range(dim + 1):
            coef[i, e] = sol[e]
    return pred, var, coef


@njit(cache=True)
def pearson(a, b):
    """Pearson correlation of two equal-length arrays (NaN if either is constant)."""
    n = a.shape[0]
    ma = 0.0
    mb = 0.0
    for i in range(n):
        ma += a[i]
        mb += b[i]
    ma /= n
    mb /= n
    sab = 0.0
    saa = 0.0
    sbb = 0.0
    for i in range(n):
        da = a[i] - ma
        db = b[i] - mb
        sab += da * db
        saa += da * da
        sbb += db * db
    if saa <= 0.0 or sbb <= 0.0:
        return np.nan
    return sab / np.sqrt(saa * sbb)


@njit(cache=True)
def _draw_library(M, L, seed, contiguous, perm, in_lib):
    """Library rows of one sample, drawn with Numba's generator seeded by ``seed``: a block of L
    consecutive rows at a uniform start (``contiguous``), or L distinct rows uniformly without
    replacement (partial Fisher-Yates shuffle of ``perm``, which must hold 0..M-1 on entry; when
    L > M/2 the M - L rows left out are drawn instead, half the random numbers at most).
    Fills the membership mask ``in_lib`` (False on entry) and returns the rows in increasing order
    for the random case."""
    np.random.seed(seed)
    out = np.empty(L, np.int64)
    if contiguous:
        start = np.random.randint(0, M - L + 1)
        for m in range(L):
            out[m] = start + m
            in_lib[start + m] = True
        return out
    n_draw = L if 2 * L <= M else M - L
    for m in range(n_draw):
        j = m + np.random.randint(0, M - m)
        t = perm[m]
        perm[m] = perm[j]
        perm[j] = t
        in_lib[perm[m]] = True
    if n_draw != L:   # the drawn rows are the ones left out
        for m in range(M):
            in_lib[m] = not in_lib[m]
    n = 0
    for m in range(M):
        if in_lib[m]:
            out[n] = m
            n += 1
    return out


@njit(cache=True, inline="always")
def _simplex_mean(bd, bj, cnt, y):
    """exp(-d/d_min)-weighted mean of ``y`` over the first ``cnt`` sorted neighbours."""
    sw = 0.0
    acc = 0.0
    dmin = bd[0]
    for c in range(cnt):
        if dmin > 0.0:
            wc = _EXP_M1 if c == 0 else np.exp(-bd[c] / dmin)
        else:
            wc = 1.0 if bd[c] == 0.0 else 0.0
        sw += wc
        acc += wc * y[bj[c]]
    return acc / sw


@njit(cache=True, parallel=True)
def ccm_admissible(cand_j, cand_d, y, times, r, k, P):
    """Admissible candidates of every point and its prediction from the k nearest of them.

    Returns (adm_j, adm_d, pred, wtab): the candidate lists with the points within the exclusion
    radius removed (padded with ``-1``/``inf``); the prediction of every point from its first k
    admissible candidates (NaN where fewer than k) — a library that holds those k points gives
    exactly this prediction when no other library point ties with the k-th, so
    :func:`ccm_library_sweep` reuses it; and the simplex weights ``wtab[i, p, c] =
    exp(-adm_d[i, c] / adm_d[i, p])`` for the first ``P`` positions ``p`` (the weights of every
    library whose nearest member is the point's p-th admissible candidate: no exp in the sweep;
    the caller bounds ``M * P * K``).
    """
    M = cand_j.shape[0]
    K = cand_j.shape[1]
    adm_j = np.full((M, K), -1, np.int64)
    adm_d = np.full((M, K), np.inf)
    pred = np.full(M, np.nan)
    wtab = np.zeros((M, P, K))
    for i in prange(M):
        n = 0
        for c in range(K):
            j = cand_j[i, c]
            if j < 0:
                break
            if abs(times[j] - times[i]) > r:
                adm_j[i, n] = j
                adm_d[i, n] = cand_d[i, c]
                n += 1
        for p in range(min(P, n)):
            dp = adm_d[i, p]
            for c in range(p, n):
                if dp > 0.0:
                    wtab[i, p, c] = _EXP_M1 if c == p else np.exp(-adm_d[i, c] / dp)
                else:
                    wtab[i, p, c] = 1.0 if adm_d[i, c] == 0.0 else 0.0
        if n < k:
            continue
        bd = np.full(k, np.inf)
        bj = np.full(k, -1, np.int64)
        bp = np.zeros(k, np.int64)
        cnt = 0
        for q in range(k):
            cnt = _insert(bd, bj, bp, cnt, k, adm_d[i, q], adm_j[i, q], abs(times[adm_j[i, q]] - times[i]))
        pred[i] = _simplex_mean(bd, bj, k, y)
    return adm_j, adm_d, pred, wtab


@njit(cache=True, parallel=True)
def ccm_library_sweep(cand_j, cand_d, Z, y, times, L, seeds, contiguous, r, k, adm_j, adm_d, apred, wtab):
    """Cross-map skill for ``seeds.size`` libraries of ``L`` points over one shadow manifold.

    ``Z`` (M, D) valid embedding vectors, ``y`` (M,) the target aligned with them, ``times`` (M,)
    their time indices, ``cand_j``/``cand_d`` (M, K) candidate neighbours of every point among all
    M points (sorted by distance). Library ``s`` is drawn by :func:`_draw_library` with
    ``seeds[s]`` (so the result does not depend on the number of threads). Every point is
    predicted from the k nearest admissible points of the library (exact: rows whose candidate
    list runs out are scanned by brute force); returns Pearson ρ per library (NaN where fewer
    than 3 points could be predicted). Libraries run in parallel. ``adm_j``/``adm_d``/``apred`` come
    from :func:`ccm_admissible`: most rows take a fast path that collects the first k + 1 library
    members of the admissible list without branching on membership (when the k-th and the
    (k+1)-th differ in distance the first k are the answer; when they are the point's k nearest
    admissible points overall, the precomputed prediction is used; when the nearest of them is among
    the first ``wtab.shape[1]`` admissible candidates, the precomputed weights); the others take the
    full path. The fast paths sum in distance order with ties in candidate order, the full path
    with ties by (|Δt|, row): equal up to rounding.
    """
    M = Z.shape[0]
    K = cand_j.shape[1]
    Ka = adm_j.shape[1]
    P = wtab.shape[1]
    n_libs = seeds.shape[0]
    dim = Z.shape[1]
    out = np.full(n_libs, np.nan)
    # small libraries: the candidate lists would run out anyway, so scan the library directly
    direct = (k + 2 * r + 1) * M > K * L
    for s in prange(n_libs):
        perm = np.arange(M)
        in_lib = np.zeros(M, np.bool_)
        lib_rows = _draw_library(M, L, seeds[s], contiguous, perm, in_lib)
        pred = np.empty(M)
        obs = np.empty(M)
        bd = np.empty(k)
        bj = np.empty(k, np.int64)
        bp = np.empty(k, np.int64)
        fbuf = np.empty(k + 1, np.int64)
        n_ok = 0
        for i in range(M):
            if not direct:
                n = 0
                for c in range(Ka):
                    j = adm_j[i, c]
                    if j < 0:
                        break
                    fbuf[n] = c
                    n += in_lib[j]       # no branch on membership: it is a coin flip per candidate
                    if n > k:
                        break
                if n > k and adm_d[i, fbuf[k]] > adm_d[i, fbuf[k - 1]]:
                    if fbuf[k - 1] == k - 1:
                        pred[n_ok] = apred[i]
                    elif fbuf[0] < P:
                        p0 = fbuf[0]
                        sw = 0.0
                        acc = 0.0
                        for q in range(k):
                            wq = wtab[i, p0, fbuf[q]]
                            sw += wq
                            acc += wq * y[adm_j[i, fbuf[q]]]
                        pred[n_ok] = acc / sw
                    else:
                        cnt = 0
                        for q in range(k):
                            jq = adm_j[i, fbuf[q]]
                            cnt = _insert(bd, bj, bp, cnt, k, adm_d[i, fbuf[q]], jq, abs(times[jq] - times[i]))
                        pred[n_ok] = _simplex_mean(bd, bj, k, y)
                    obs[n_ok] = y[i]
                    n_ok += 1
                    continue
            for c in range(k):
                bd[c] = np.inf
                bj[c] = -1
                bp[c] = 0
            cnt = 0
            tq = times[i]
            last_d = np.inf
            done = False
            for c in range(0 if direct else K):
                j = cand_j[i, c]
                if j < 0:
                    break
                last_d = cand_d[i, c]
                if cnt == k and last_d > bd[k - 1]:
                    done = True
                    break
                if not in_lib[j]:
                    continue
                dt = abs(times[j] - tq)
                if dt <= r:
                    continue
                cnt = _insert(bd, bj, bp, cnt, k, last_d, j, dt)
            if not done and K < M and (cnt < k or bd[k - 1] >= last_d):
                cnt = 0
                for c in range(k):
                    bd[c] = np.inf
                worst2 = np.inf
                for m in range(L):
                    j = lib_rows[m]
                    ss = 0.0
                    for e in range(dim):
                        diff = Z[j, e] - Z[i, e]
                        ss += diff * diff
                    if ss > worst2:
                        continue
                    dt = abs(times[j] - tq)
                    if dt <= r:
                        continue
                    cnt = _insert(bd, bj, bp, cnt, k, np.sqrt(ss), j, dt)
                    if cnt == k:
                        worst2 = bd[k - 1] * bd[k - 1] * (1.0 + 1e-12)
            if cnt < k:
                continue
            pred[n_ok] = _simplex_mean(bd, bj, cnt, y)
            obs[n_ok] = y[i]
            n_ok += 1
        if n_ok >= 3:
            out[s] = pearson(pred[:n_ok], obs[:n_ok])
    return out
