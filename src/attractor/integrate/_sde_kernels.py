"""Compiled (Numba) kernels for stochastic differential equations.

Random numbers
--------------
Brownian increments are drawn *inside* the kernels from a counter-based generator,
Philox4x32-10 (Salmon, Moraes, Dror & Shaw 2011, "Parallel random numbers: as easy as
1, 2, 3", SC'11), turned into normals by Marsaglia's polar method. The 64-bit key comes
from the user's seed; the 128-bit counter is ``(i mod 2^32, i div 2^32 (+ attempt << 24),
member, stream)`` with ``i = step // 2``: one polar pair serves steps ``2i`` and ``2i + 1``.
Stream ``2j`` holds ``ξ`` (``ΔW_j = sqrt(h) ξ``), stream ``2j + 1`` holds ``ζ`` (the auxiliary
variable of ``I_(j,0)``, drawn only by SRA), where ``step`` counts internal steps from the
start of the run (transient included). Each (step, member, component) therefore owns fixed
normals whatever the number of members, their order, the threads, or the method: member
``i`` of an ensemble is the same path as a single run with ``member_offset=i``, and
Euler–Maruyama, Milstein and SRA1 runs with one seed see one Brownian path.

Templates
---------
As in :mod:`attractor.integrate._kernels`, the drivers are templates pasted into each
stochastic system's generated module (:mod:`attractor.core.stochastic`), with the
placeholders ``DRIFT(t, x, p, out)`` (Itô drift, shape (n,)), ``DIFFUSION(t, x, p, out)``
(shape (n, m)) and ``LDIFF(t, x, p, out)`` (``out[i, j, k] = L^j G_ik``, with
``L^j = Σ_l G_lj ∂/∂x_l``, shape (n, m, m)) bound by name.

Schemes (``method`` codes)
--------------------------
0  Euler–Maruyama: ``x += f h + G ΔW`` (strong order 1/2, weak order 1; Kloeden &
   Platen 1992, Sec. 10.2).
1  Milstein for commutative noise: ``x_i += f_i h + Σ_j G_ij ΔW_j +
   ½ Σ_jk (L^j G_ik)(ΔW_j ΔW_k − δ_jk h)`` (strong order 1; Kloeden & Platen 1992,
   Sec. 10.3).
2  Stochastic Runge–Kutta for additive noise with an explicit SRA tableau
   (Rößler 2010, SIAM J. Numer. Anal. 48(3), 922–952, scheme "SRA1": strong order
   1.5, weak order 2), using ``I_(j,0)/h = (ΔW_j + ΔZ_j/sqrt(3))/2`` with ``ΔZ_j``
   independent N(0, h) (Kloeden & Platen 1992, Sec. 10.4).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

OK, DIVERGED = 0, 1
EM, MILSTEIN, SRA = 0, 1, 2

__all__ = ["math", "np", "prange", "OK", "DIVERGED", "EM", "MILSTEIN", "SRA", "_INV_SQRT3",
           "philox4x32", "normal_pair", "_sde_bad"]

_M0 = np.uint64(0xD2511F53)
_M1 = np.uint64(0xCD9E8D57)
_W0 = np.uint64(0x9E3779B9)
_W1 = np.uint64(0xBB67AE85)
_MASK = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)
_S11 = np.uint64(11)
_TWO_M52 = 2.0 ** -52
_S24 = np.uint64(24)
_INV_SQRT3 = 1.0 / math.sqrt(3.0)


@njit(cache=True)
def philox4x32(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 block: four 32-bit counter words and two key words -> four words.

    All arguments and results are ``uint64`` holding 32-bit values.
    """
    c0 = np.uint64(c0)
    c1 = np.uint64(c1)
    c2 = np.uint64(c2)
    c3 = np.uint64(c3)
    k0 = np.uint64(k0)
    k1 = np.uint64(k1)
    for r in range(10):
        p0 = _M0 * c0
        p1 = _M1 * c2
        hi0 = p0 >> _S32
        lo0 = p0 & _MASK
        hi1 = p1 >> _S32
        lo1 = p1 & _MASK
        c0 = (hi1 ^ c1 ^ k0) & _MASK
        c1 = lo1
        c2 = (hi0 ^ c3 ^ k1) & _MASK
        c3 = lo0
        if r < 9:
            k0 = (k0 + _W0) & _MASK
            k1 = (k1 + _W1) & _MASK
    return c0, c1, c2, c3


@njit(cache=True)
def normal_pair(block, member, stream, k0, k1):
    """Two independent standard normals owned by (block, member, stream) under key (k0, k1).

    Marsaglia's polar method (Marsaglia & Bray 1964) on two 53-bit uniforms in (-1, 1) from one
    Philox block; a rejected candidate (probability 1 - pi/4) retries with an attempt number in
    the high byte of the counter's second word, so the result is still a pure function of the
    arguments.
    """
    s = np.uint64(block)
    att = np.uint64(0)
    while True:
        a, b, c, d = philox4x32(s & _MASK, ((s >> _S32) | (att << _S24)) & _MASK, np.uint64(member) & _MASK,
                                np.uint64(stream) & _MASK, k0, k1)
        u = (float(((a << _S32) | b) >> _S11) + 0.5) * _TWO_M52 - 1.0   # in (-1, 1), 53 bits
        v = (float(((c << _S32) | d) >> _S11) + 0.5) * _TWO_M52 - 1.0
        q = u * u + v * v
        if q < 1.0 and q > 0.0:
            f = math.sqrt(-2.0 * math.log(q) / q)
            return u * f, v * f
        att += np.uint64(1)


@njit(cache=True)
def _sde_bad(x, max_norm):
    for i in range(x.shape[0]):
        v = x[i]
        if not (abs(v) <= max_norm):
            return True
    return False


def sde_solve(x0s, t0, h, n_out, substeps, n_transient, p, max_norm, method, k0, k1, member_offset,
              const_g, c0, c1, A0, B0, alpha, beta1, beta2, dW_in, dZ_in, out, status, fail_step, x_last):
    """Integrate an ensemble; template (DRIFT, DIFFUSION, LDIFF are bound by name).

    x0s : (M, n) initial states. out : (M, n_out, n) written in place. The internal step is
    ``h``; ``n_transient`` steps are discarded, then one sample is kept every ``substeps``
    steps. ``dW_in``/``dZ_in`` of shape (M, n_steps, m) supply the standard normals ξ, ζ
    (scaled by sqrt(h) here) when their first dimension is M; otherwise (shape (0, 0, 0))
    the Philox stream keyed by (k0, k1) is used. status/fail_step/x_last are (M,), (M,), (M, n).
    """
    M = x0s.shape[0]
    n = x0s.shape[1]
    m = N_NOISE  # noqa: F821 - defined in the generated module
    s_st = alpha.shape[0]
    given = dW_in.shape[0] == M and M > 0
    sqh = math.sqrt(h)
    for mi in prange(M):
        x = x0s[mi].copy()
        fx = np.empty(n)
        G = np.zeros((n, m))
        Gs = np.zeros((s_st, n, m))
        L = np.zeros((n, m, m))
        dW = np.empty(m)
        chi = np.empty(m)
        H = np.empty(n)
        F = np.empty((s_st, n))
        xp = np.empty(n)
        xi0 = np.zeros(m)
        xi1 = np.zeros(m)
        ze0 = np.zeros(m)
        ze1 = np.zeros(m)
        if const_g:
            DIFFUSION(t0, x, p, G)  # noqa: F821
            for st in range(s_st):
                Gs[st] = G
        member = member_offset + mi
        k = 0
        total = n_transient + (n_out - 1) * substeps
        status[mi] = OK
        until = n_transient        # steps left before the next output sample
        i_out = 0
        for kk in range(total + 1):
            if until == 0:
                for i in range(n):
                    out[mi, i_out, i] = x[i]
                i_out += 1
                until = substeps
            if kk == total:
                break
            until -= 1
            t = t0 + k * h
            for i in range(n):
                xp[i] = x[i]
            for j in range(m):
                if given:
                    a = dW_in[mi, k, j]
                    b = dZ_in[mi, k, j]
                else:
                    # steps 2i and 2i+1 share one polar pair per stream: ξ on stream 2j, ζ on 2j+1
                    if (k & 1) == 0:
                        xi0[j], xi1[j] = normal_pair(k >> 1, member, 2 * j, k0, k1)
                        if method == SRA:   # ζ only matters to SRA
                            ze0[j], ze1[j] = normal_pair(k >> 1, member, 2 * j + 1, k0, k1)
                    if (k & 1) == 0:
                        a = xi0[j]
                        b = ze0[j]
                    else:
                        a = xi1[j]
                        b = ze1[j]
                dW[j] = sqh * a
                chi[j] = 0.5 * sqh * (a + b * _INV_SQRT3)   # I_(j,0)/h
            if method == SRA:
                if not const_g:
                    for st in range(s_st):
                        DIFFUSION(t + c1[st] * h, x, p, Gs[st])  # noqa: F821
                for st in range(s_st):
                    for i in range(n):
                        v = x[i]
                        for q in range(st):
                            if A0[st, q] != 0.0:
                                v += h * A0[st, q] * F[q, i]
                            if B0[st, q] != 0.0:
                                acc = 0.0
                                for j in range(m):
                                    acc += Gs[q, i, j] * chi[j]
                                v += B0[st, q] * acc
                        H[i] = v
                    DRIFT(t + c0[st] * h, H, p, fx)  # noqa: F821
                    for i in range(n):
                        F[st, i] = fx[i]
                for i in range(n):
                    v = 0.0
                    for st in range(s_st):
                        v += h * alpha[st] * F[st, i]
                        if beta1[st] != 0.0 or beta2[st] != 0.0:
                            for j in range(m):
                                v += Gs[st, i, j] * (beta1[st] * dW[j] + beta2[st] * chi[j])
                    x[i] += v
            else:
                DRIFT(t, x, p, fx)  # noqa: F821
                if not const_g:
                    DIFFUSION(t, x, p, G)  # noqa: F821
                if method == MILSTEIN and not const_g:
                    LDIFF(t, x, p, L)  # noqa: F821
                    for i in range(n):
                        v = fx[i] * h
                        for j in range(m):
                            v += G[i, j] * dW[j]
                            for q in range(m):
                                w = dW[j] * dW[q]
                                if j == q:
                                    w -= h
                                v += 0.5 * L[i, j, q] * w
                        H[i] = v
                    for i in range(n):
                        x[i] += H[i]
                else:
                    for i in range(n):
                        v = fx[i] * h
                        for j in range(m):
                            v += G[i, j] * dW[j]
                        H[i] = v
                    for i in range(n):
                        x[i] += H[i]
            k += 1
            if _sde_bad(x, max_norm):
                status[mi] = DIVERGED
                fail_step[mi] = k
                for i in range(n):
                    x_last[mi, i] = xp[i]
                break
    return 0
