"""Compiled kernels for system invariants: tangent-space QR, two-trajectory divergence,
Poincaré sections.

The functions without a decorator are *driver templates* (see
:mod:`attractor.integrate.drivers`): :mod:`attractor.core.symbolic` pastes each into the
generated module of a system with ``RHS`` bound to that system's ``f`` (vector field /
map) or ``tangent`` (``[f(x), J(x) Q]`` for ``y = [x, Q.ravel()]``, ``Q`` of shape
(n, k) row-major), and compiles it there. Templates call one another by their *driver
names* (``ly_step_dop853_tangent`` ...), which are globals of the generated module.
Everything listed in ``__all__`` is star-imported by the generated module; helpers there
are ordinary cached Numba functions that never call ``RHS``.

Integration
    One explicit Dormand–Prince 8(5,3) step (tables of Hairer, Nørsett & Wanner, Solving
    ODEs I, Sec. II.10, shared with :mod:`attractor.integrate._kernels`) or one classical
    RK4 step. The error of a DOP853 step is measured on the first ``n_err`` components.
    The Lyapunov-spectrum driver passes all of ``[x, Q]``: controlling the state alone is
    not enough, because in strongly contracting directions (e.g. the Rössler z-spikes) the
    state stays on its slow manifold while the explicit stage's stability function no
    longer follows ``exp(hλ)``, which biases the most negative exponents (we measured
    λ3 = -4.59 instead of -5.39 for Rössler at rtol = 1e-6). For the same reason the
    two-trajectory driver also controls the separation of its trajectories (at a stable
    equilibrium the reference state alone would allow steps outside the method's
    stability region). The section driver controls the state.

Status codes (shared with the integrators): 0 ok, 1 diverged, 2 step-size underflow,
3 maximum number of steps exceeded; here also 4 = a tangent/separation vector became
zero or non-finite.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..integrate._kernels import (
    A8,
    B8,
    C8,
    D8,
    DIVERGED,
    E3,
    E5,
    MAX_FACTOR,
    MAX_STEPS,
    MIN_FACTOR,
    OK,
    SAFETY,
    UNDERFLOW,
    _bad_state,
    _first_guess_step,
    _refine_step,
)

LY_TANGENT_FAILED = 4

__all__ = ["math", "np", "A8", "B8", "C8", "D8", "E3", "E5", "SAFETY", "MIN_FACTOR", "MAX_FACTOR",
           "OK", "DIVERGED", "UNDERFLOW", "MAX_STEPS", "LY_TANGENT_FAILED",
           "_bad_state", "_first_guess_step", "_refine_step",
           "_ly_qr", "_ly_dense_eval", "_ly_initial_step", "_ly_next_factor", "_ly_too_small",
           "_ly_sep_error"]


# ====================================================================== helpers (no RHS)
@njit(cache=True)
def _ly_qr(y, n, k, rdiag, A, V, vn2, Qm):
    """Householder QR of the (n, k) block ``y[n:]`` (row-major), written back as ``Q``.

    On return ``y[n:]`` holds the orthonormal factor with a positive diagonal of ``R``
    (columns whose Householder ``R_jj`` came out negative are negated), and
    ``rdiag[j] = R_jj > 0``. ``A``, ``V``, ``Qm`` (n, k) and ``vn2`` (k,) are workspaces.
    Returns False if a column has zero or non-finite norm (no orthonormal factor).
    """
    for i in range(n):
        for c in range(k):
            A[i, c] = y[n + i * k + c]
    for j in range(k):
        s = 0.0
        for i in range(j, n):
            s += A[i, j] * A[i, j]
        nrm = math.sqrt(s)
        if not (nrm > 0.0) or not math.isfinite(nrm):
            return False
        alpha = -nrm if A[j, j] >= 0.0 else nrm
        for i in range(n):
            V[i, j] = 0.0
        V[j, j] = A[j, j] - alpha
        for i in range(j + 1, n):
            V[i, j] = A[i, j]
        s = 0.0
        for i in range(j, n):
            s += V[i, j] * V[i, j]
        vn2[j] = s
        for c in range(j, k):
            d = 0.0
            for i in range(j, n):
                d += V[i, j] * A[i, c]
            fct = 2.0 * d / s
            for i in range(j, n):
                A[i, c] -= fct * V[i, j]
        rdiag[j] = alpha
    # Q = H_0 H_1 ... H_{k-1} [I_k; 0]
    for i in range(n):
        for c in range(k):
            Qm[i, c] = 1.0 if i == c else 0.0
    for j in range(k - 1, -1, -1):
        for c in range(k):
            d = 0.0
            for i in range(j, n):
                d += V[i, j] * Qm[i, c]
            fct = 2.0 * d / vn2[j]
            for i in range(j, n):
                Qm[i, c] -= fct * V[i, j]
    for j in range(k):
        sgn = 1.0
        if rdiag[j] < 0.0:
            sgn = -1.0
            rdiag[j] = -rdiag[j]
        for i in range(n):
            y[n + i * k + j] = sgn * Qm[i, j]
    return True


@njit(cache=True)
def _ly_dense_eval(F, x, theta, out):
    """DOP853 continuous extension (7th order) at ``t + theta*h`` from the coefficients ``F``."""
    n = out.size
    for i in range(n):
        acc = 0.0
        for r in range(7):
            acc += F[6 - r, i]
            if r % 2 == 0:
                acc *= theta
            else:
                acc *= 1.0 - theta
        out[i] = x[i] + acc


@njit(cache=True)
def _ly_initial_step(x, f0, f1, h0, rtol, atol, order, span):
    return _refine_step(x, f0, f1, h0, rtol, atol, order, span)


@njit(cache=True)
def _ly_next_factor(err, rejected):
    """Step-size factor after an accepted DOP853 step (8th-order controller)."""
    if err == 0.0:
        factor = MAX_FACTOR
    else:
        factor = min(MAX_FACTOR, SAFETY * err ** (-1.0 / 8.0))
    if rejected:
        factor = min(1.0, factor)
    return factor


@njit(cache=True)
def _ly_sep_error(Ka, Kb, xa, xb, xa_new, xb_new, h, d0, rtol, atol):
    """DOP853 error norm of the *separation* ``xb - xa`` of two trajectories stepped alike.

    The embedded error estimates of the two steps are differenced and measured in units
    of ``atol d0 + rtol |xb - xa| + 100 eps |xa|``: the separation is controlled like a
    tangent vector of norm ``d0`` (so steps stay accurate, and inside the stability region,
    for the linearised dynamics even where the reference state alone would allow huge
    steps, e.g. at an equilibrium), and the last term keeps rounding noise of the
    difference from forcing ever smaller steps.
    """
    n = xa.size
    eps = 2.220446049250313e-16
    e5 = 0.0
    e3 = 0.0
    for i in range(n):
        a5 = 0.0
        a3 = 0.0
        for j in range(13):
            dk = Kb[j, i] - Ka[j, i]
            a5 += E5[j] * dk
            a3 += E3[j] * dk
        sep = max(abs(xb[i] - xa[i]), abs(xb_new[i] - xa_new[i]))
        sc = atol * d0 + rtol * sep + 100.0 * eps * max(abs(xa[i]), abs(xa_new[i]))
        e5 += (a5 / sc) ** 2
        e3 += (a3 / sc) ** 2
    if e5 == 0.0 and e3 == 0.0:
        return 0.0
    return abs(h) * e5 / math.sqrt((e5 + 0.01 * e3) * n)


@njit(cache=True)
def _ly_too_small(h, t):
    return h <= 10.0 * np.finfo(np.float64).eps * max(abs(t), 1.0)


# ====================================================================== step templates
def dop853_step(t, x, h, p, K, tmp, x_new, n_err, rtol, atol):
    """One DOP853 step from (t, x) of size h. ``K[0]`` must hold RHS(t, x) on entry.

    Fills ``K[1..12]`` (``K[12] = RHS(t+h, x_new)``, first-same-as-last) and ``x_new``;
    returns the Hairer error norm over the first ``n_err`` components (<= 1: accept).
    """
    m = x.size
    for s in range(1, 12):
        for i in range(m):
            tmp[i] = 0.0
        for j in range(s):
            a = A8[s, j]
            if a != 0.0:
                for i in range(m):
                    tmp[i] += a * K[j, i]
        for i in range(m):
            tmp[i] = x[i] + h * tmp[i]
        RHS(t + C8[s] * h, tmp, p, K[s])
    for i in range(m):
        x_new[i] = 0.0
    for j in range(12):
        b = B8[j]
        if b != 0.0:
            for i in range(m):
                x_new[i] += b * K[j, i]
    for i in range(m):
        x_new[i] = x[i] + h * x_new[i]
    RHS(t + h, x_new, p, K[12])
    e5 = 0.0
    e3 = 0.0
    for i in range(n_err):
        a5 = 0.0
        a3 = 0.0
        for j in range(13):
            a5 += E5[j] * K[j, i]
            a3 += E3[j] * K[j, i]
        sc = atol + max(abs(x[i]), abs(x_new[i])) * rtol
        e5 += (a5 / sc) ** 2
        e3 += (a3 / sc) ** 2
    if e5 == 0.0 and e3 == 0.0:
        return 0.0
    return abs(h) * e5 / math.sqrt((e5 + 0.01 * e3) * n_err)


def dop853_dense(t, x, x_new, h, p, K, tmp, F):
    """Coefficients ``F`` (7, m) of the DOP853 continuous extension on the step just taken.

    Needs ``K[0..12]`` of that step; evaluates the three extra stages into ``K[13..15]``.
    """
    m = x.size
    for s in range(13, 16):
        for i in range(m):
            acc = 0.0
            for j in range(s):
                acc += A8[s, j] * K[j, i]
            tmp[i] = x[i] + h * acc
        RHS(t + C8[s] * h, tmp, p, K[s])
    for i in range(m):
        dx = x_new[i] - x[i]
        F[0, i] = dx
        F[1, i] = h * K[0, i] - dx
        F[2, i] = 2.0 * dx - h * (K[12, i] + K[0, i])
        for r in range(4):
            acc = 0.0
            for j in range(16):
                acc += D8[r, j] * K[j, i]
            F[3 + r, i] = h * acc


def rk4_step(t, x, h, p, K, tmp, x_new):
    """One classical RK4 step (evaluates RHS(t, x) itself into ``K[0]``)."""
    m = x.size
    RHS(t, x, p, K[0])
    for i in range(m):
        tmp[i] = x[i] + 0.5 * h * K[0, i]
    RHS(t + 0.5 * h, tmp, p, K[1])
    for i in range(m):
        tmp[i] = x[i] + 0.5 * h * K[1, i]
    RHS(t + 0.5 * h, tmp, p, K[2])
    for i in range(m):
        tmp[i] = x[i] + h * K[2, i]
    RHS(t + h, tmp, p, K[3])
    for i in range(m):
        x_new[i] = x[i] + h / 6.0 * (K[0, i] + 2.0 * K[1, i] + 2.0 * K[2, i] + K[3, i])


# ====================================================================== Lyapunov spectrum
def spectrum_flow(y0, t0, p, n, k, dt, n_tr, n_ren, method, n_sub, rtol, atol, max_steps, max_norm, n_err):
    """QR (Benettin/Shimada–Nagashima) loop for a flow; RHS is bound to ``tangent``.

    ``y0 = [x0, Q0.ravel()]`` (Q0 orthonormal, (n, k) row-major). ``n_tr + n_ren``
    intervals of length ``dt``; after each, Q is re-orthonormalised by Householder QR and,
    for the last ``n_ren`` intervals, ``log R_jj`` is stored. ``method`` 0: adaptive
    DOP853 with the error measured on the first ``n_err`` components of ``y``; 1: RK4
    with ``n_sub`` steps per interval.

    Returns (logs (n_ren, k), status, t, x_last (n,), y (final), n_steps, n_evals).
    """
    m = y0.size
    y = y0.copy()
    y_new = np.empty(m)
    tmp = np.empty(m)
    K = np.empty((16, m))
    logs = np.zeros((n_ren, k))
    rdiag = np.empty(k)
    A = np.empty((n, k))
    V = np.empty((n, k))
    Qm = np.empty((n, k))
    vn2 = np.empty(k)
    t = t0
    n_steps = 0
    n_evals = 0
    total = n_tr + n_ren
    if _bad_state(y[:n], max_norm):
        return logs, DIVERGED, t, y[:n].copy(), y, n_steps, n_evals
    h = 0.0
    if method == 0:
        RHS(t, y, p, K[0])
        n_evals += 1
        h0 = _first_guess_step(y[:n], K[0, :n], rtol, atol, dt)
        for i in range(m):
            tmp[i] = y[i] + h0 * K[0, i]
        RHS(t + h0, tmp, p, K[1])
        n_evals += 1
        h = _ly_initial_step(y[:n], K[0, :n], K[1, :n], h0, rtol, atol, 7, dt)
    hs = dt / n_sub
    for r in range(total):
        t_target = t0 + (r + 1) * dt
        if method == 0:
            rejected = False
            while t < t_target:
                if n_steps >= max_steps:
                    return logs, MAX_STEPS, t, y[:n].copy(), y, n_steps, n_evals
                span = t_target - t
                clipped = h >= span
                hh = span if clipped else h
                if _ly_too_small(hh, t) and not clipped:
                    return logs, UNDERFLOW, t, y[:n].copy(), y, n_steps, n_evals
                err = ly_step_dop853_tangent(t, y, hh, p, K, tmp, y_new, n_err, rtol, atol)  # noqa: F821
                n_evals += 12
                if not (err <= 1.0):
                    if err != err or err == np.inf:
                        h = hh * MIN_FACTOR
                    else:
                        h = hh * max(MIN_FACTOR, SAFETY * err ** (-1.0 / 8.0))
                    rejected = True
                    continue
                n_steps += 1
                t_new = t_target if clipped else t + hh
                if _bad_state(y_new[:n], max_norm):
                    return logs, DIVERGED, t_new, y[:n].copy(), y, n_steps, n_evals
                for i in range(m):
                    y[i] = y_new[i]
                    K[0, i] = K[12, i]
                t = t_new
                hn = hh * _ly_next_factor(err, rejected)
                h = max(hn, h) if clipped else hn
                rejected = False
        else:
            for s in range(n_sub):
                ts = t + s * hs
                ly_step_rk4_tangent(ts, y, hs, p, K, tmp, y_new)  # noqa: F821
                n_evals += 4
                n_steps += 1
                if _bad_state(y_new[:n], max_norm):
                    return logs, DIVERGED, ts + hs, y[:n].copy(), y, n_steps, n_evals
                for i in range(m):
                    y[i] = y_new[i]
            t = t_target
        ok = _ly_qr(y, n, k, rdiag, A, V, vn2, Qm)
        if not ok:
            return logs, LY_TANGENT_FAILED, t, y[:n].copy(), y, n_steps, n_evals
        if r >= n_tr:
            for j in range(k):
                logs[r - n_tr, j] = math.log(rdiag[j])
        if method == 0:
            RHS(t, y, p, K[0])  # the tangent part of K[0] changed with Q
            n_evals += 1
    return logs, OK, t, y[:n].copy(), y, n_steps, n_evals


def spectrum_map(y0, n0, p, n, k, every, n_tr, n_ren, max_norm):
    """QR loop for a map; RHS is bound to ``tangent`` (``[g(x), J(x) Q]``).

    Re-orthonormalises every ``every`` iterations. Returns
    (logs (n_ren, k), status, iteration, x_last, y (final), n_iterations).
    """
    m = y0.size
    y = y0.copy()
    y_new = np.empty(m)
    logs = np.zeros((n_ren, k))
    rdiag = np.empty(k)
    A = np.empty((n, k))
    V = np.empty((n, k))
    Qm = np.empty((n, k))
    vn2 = np.empty(k)
    it = n0
    done = 0
    if _bad_state(y[:n], max_norm):
        return logs, DIVERGED, float(it), y[:n].copy(), y, done
    for r in range(n_tr + n_ren):
        for s in range(every):
            RHS(float(it), y, p, y_new)
            it += 1
            done += 1
            if _bad_state(y_new[:n], max_norm):
                return logs, DIVERGED, float(it), y[:n].copy(), y, done
            for i in range(m):
                y[i] = y_new[i]
        ok = _ly_qr(y, n, k, rdiag, A, V, vn2, Qm)
        if not ok:
            return logs, LY_TANGENT_FAILED, float(it), y[:n].copy(), y, done
        if r >= n_tr:
            for j in range(k):
                logs[r - n_tr, j] = math.log(rdiag[j])
    return logs, OK, float(it), y[:n].copy(), y, done


# ====================================================================== two trajectories
def pair_flow(x0, u0, t0, p, d0, dt, n_tr, n_ren, method, n_sub, rtol, atol, max_steps, max_norm):
    """Benettin two-trajectory divergence for a flow; RHS is bound to ``f``.

    The reference ``xa`` and the companion ``xb = xa + d0 u0`` are advanced with the
    *same* steps, accepted when both the reference state's and the separation's error
    norms (:func:`_ly_sep_error`) are <= 1; after each interval ``dt``
    the separation ``d`` is measured, ``log(d/d0)`` stored (last ``n_ren`` intervals) and
    ``xb`` pulled back to distance ``d0`` along the separation.

    Returns (logs (n_ren,), status, t, x_last, xa (final), n_steps, n_evals).
    """
    n = x0.size
    xa = x0.copy()
    xb = np.empty(n)
    for i in range(n):
        xb[i] = xa[i] + d0 * u0[i]
    xa_new = np.empty(n)
    xb_new = np.empty(n)
    tmp = np.empty(n)
    Ka = np.empty((16, n))
    Kb = np.empty((16, n))
    logs = np.zeros(n_ren)
    t = t0
    n_steps = 0
    n_evals = 0
    if _bad_state(xa, max_norm):
        return logs, DIVERGED, t, xa.copy(), xa, n_steps, n_evals
    h = 0.0
    if method == 0:
        RHS(t, xa, p, Ka[0])
        RHS(t, xb, p, Kb[0])
        n_evals += 2
        h0 = _first_guess_step(xa, Ka[0], rtol, atol, dt)
        for i in range(n):
            tmp[i] = xa[i] + h0 * Ka[0, i]
        RHS(t + h0, tmp, p, Ka[1])
        n_evals += 1
        h = _ly_initial_step(xa, Ka[0], Ka[1], h0, rtol, atol, 7, dt)
    hs = dt / n_sub
    for r in range(n_tr + n_ren):
        t_target = t0 + (r + 1) * dt
        if method == 0:
            rejected = False
            while t < t_target:
                if n_steps >= max_steps:
                    return logs, MAX_STEPS, t, xa.copy(), xa, n_steps, n_evals
                span = t_target - t
                clipped = h >= span
                hh = span if clipped else h
                if _ly_too_small(hh, t) and not clipped:
                    return logs, UNDERFLOW, t, xa.copy(), xa, n_steps, n_evals
                err = ly_step_dop853_f(t, xa, hh, p, Ka, tmp, xa_new, n, rtol, atol)  # noqa: F821
                ly_step_dop853_f(t, xb, hh, p, Kb, tmp, xb_new, 0, rtol, atol)  # noqa: F821
                n_evals += 24
                err = max(err, _ly_sep_error(Ka, Kb, xa, xb, xa_new, xb_new, hh, d0, rtol, atol))
                if not (err <= 1.0):
                    if err != err or err == np.inf:
                        h = hh * MIN_FACTOR
                    else:
                        h = hh * max(MIN_FACTOR, SAFETY * err ** (-1.0 / 8.0))
                    rejected = True
                    continue
                n_steps += 1
                t_new = t_target if clipped else t + hh
                if _bad_state(xa_new, max_norm):
                    return logs, DIVERGED, t_new, xa.copy(), xa, n_steps, n_evals
                for i in range(n):
                    xa[i] = xa_new[i]
                    xb[i] = xb_new[i]
                    Ka[0, i] = Ka[12, i]
                    Kb[0, i] = Kb[12, i]
                t = t_new
                hn = hh * _ly_next_factor(err, rejected)
                h = max(hn, h) if clipped else hn
                rejected = False
        else:
            for s in range(n_sub):
                ts = t + s * hs
                ly_step_rk4_f(ts, xa, hs, p, Ka, tmp, xa_new)  # noqa: F821
                ly_step_rk4_f(ts, xb, hs, p, Kb, tmp, xb_new)  # noqa: F821
                n_evals += 8
                n_steps += 1
                if _bad_state(xa_new, max_norm):
                    return logs, DIVERGED, ts + hs, xa.copy(), xa, n_steps, n_evals
                for i in range(n):
                    xa[i] = xa_new[i]
                    xb[i] = xb_new[i]
            t = t_target
        d = 0.0
        for i in range(n):
            d += (xb[i] - xa[i]) ** 2
        d = math.sqrt(d)
        if not (d > 0.0) or not math.isfinite(d):
            return logs, LY_TANGENT_FAILED, t, xa.copy(), xa, n_steps, n_evals
        if r >= n_tr:
            logs[r - n_tr] = math.log(d / d0)
        for i in range(n):
            xb[i] = xa[i] + (d0 / d) * (xb[i] - xa[i])
        if method == 0:
            RHS(t, xb, p, Kb[0])
            n_evals += 1
    return logs, OK, t, xa.copy(), xa, n_steps, n_evals


def pair_map(x0, u0, n0, p, d0, every, n_tr, n_ren, max_norm):
    """Benettin two-trajectory divergence for a map; RHS is bound to ``f``.

    Returns (logs (n_ren,), status, iteration, x_last, xa (final), n_iterations).
    """
    n = x0.size
    xa = x0.copy()
    xb = np.empty(n)
    for i in range(n):
        xb[i] = xa[i] + d0 * u0[i]
    xa_new = np.empty(n)
    xb_new = np.empty(n)
    logs = np.zeros(n_ren)
    it = n0
    done = 0
    if _bad_state(xa, max_norm):
        return logs, DIVERGED, float(it), xa.copy(), xa, done
    for r in range(n_tr + n_ren):
        for s in range(every):
            RHS(float(it), xa, p, xa_new)
            RHS(float(it), xb, p, xb_new)
            it += 1
            done += 1
            if _bad_state(xa_new, max_norm):
                return logs, DIVERGED, float(it), xa.copy(), xa, done
            for i in range(n):
                xa[i] = xa_new[i]
                xb[i] = xb_new[i]
        d = 0.0
        for i in range(n):
            d += (xb[i] - xa[i]) ** 2
        d = math.sqrt(d)
        if not (d > 0.0) or not math.isfinite(d):
            return logs, LY_TANGENT_FAILED, float(it), xa.copy(), xa, done
        if r >= n_tr:
            logs[r - n_tr] = math.log(d / d0)
        for i in range(n):
            xb[i] = xa[i] + (d0 / d) * (xb[i] - xa[i])
    return logs, OK, float(it), xa.copy(), xa, done


# ====================================================================== sections
def section_flow(x0, t0, p, t_start, t_end, max_cross, mode, normal, offset, direction, var,
                 rtol, atol, max_steps, max_norm):
    """Events along a DOP853 trajectory, located on the 7th-order continuous extension.

    ``mode`` 0: crossings of the plane ``normal . x = offset`` in ``direction`` (+1: from
    below, ``normal . x`` increasing; -1: decreasing; 0: both); 1: local maxima of
    ``x[var]`` (``f_var`` changes sign from + to -); 2: local minima. The event time is
    the root of the event function on the interpolant (Illinois regula falsi to ~1e-15 of
    the step); the state is the interpolant there. Events before ``t_start`` are skipped;
    integration stops at ``t_end`` or after ``max_cross`` events. RHS is bound to ``f``.

    Returns (T (max_cross,), X (max_cross, n), count, status, t, x_last, n_steps).
    """
    n = x0.size
    T = np.full(max_cross, np.nan)
    X = np.full((max_cross, n), np.nan)
    x = x0.copy()
    x_new = np.empty(n)
    tmp = np.empty(n)
    xs = np.empty(n)
    fs = np.empty(n)
    K = np.empty((16, n))
    F = np.empty((7, n))
    t = t0
    n_steps = 0
    count = 0
    if max_cross == 0 or t >= t_end:
        return T, X, count, OK, t, x.copy(), n_steps
    if _bad_state(x, max_norm):
        return T, X, count, DIVERGED, t, x.copy(), n_steps
    RHS(t, x, p, K[0])
    span0 = t_end - t
    if not (span0 < np.inf):
        span0 = 1.0
    h0 = _first_guess_step(x, K[0], rtol, atol, span0)
    for i in range(n):
        tmp[i] = x[i] + h0 * K[0, i]
    RHS(t + h0, tmp, p, K[1])
    h = _ly_initial_step(x, K[0], K[1], h0, rtol, atol, 7, span0)
    rejected = False
    while count < max_cross and t < t_end:
        if n_steps >= max_steps:
            return T, X, count, MAX_STEPS, t, x.copy(), n_steps
        span = t_end - t
        clipped = h >= span
        hh = span if clipped else h
        if _ly_too_small(hh, t) and not clipped:
            return T, X, count, UNDERFLOW, t, x.copy(), n_steps
        err = ly_step_dop853_f(t, x, hh, p, K, tmp, x_new, n, rtol, atol)  # noqa: F821
        if not (err <= 1.0):
            if err != err or err == np.inf:
                h = hh * MIN_FACTOR
            else:
                h = hh * max(MIN_FACTOR, SAFETY * err ** (-1.0 / 8.0))
            rejected = True
            continue
        n_steps += 1
        t_new = t_end if clipped else t + hh
        if _bad_state(x_new, max_norm):
            return T, X, count, DIVERGED, t_new, x.copy(), n_steps
        if t_new > t_start:
            if mode == 0:
                ga = -offset
                gb = -offset
                for i in range(n):
                    ga += normal[i] * x[i]
                    gb += normal[i] * x_new[i]
            else:
                ga = K[0, var]
                gb = K[12, var]
                if mode == 2:
                    ga = -ga
                    gb = -gb
            if mode == 0:
                hit = (direction >= 0 and ga < 0.0 and gb >= 0.0) or (direction <= 0 and ga > 0.0 and gb <= 0.0)
            else:
                hit = ga > 0.0 and gb <= 0.0
            if hit:
                ly_dense_dop853_f(t, x, x_new, hh, p, K, tmp, F)  # noqa: F821
                a = 0.0
                b = 1.0
                fa = ga
                fb = gb
                th = 1.0
                side = 0
                if fb != 0.0:
                    th_prev = -1.0
                    for _ in range(100):
                        th = (a * fb - b * fa) / (fb - fa)
                        if not (th > a and th < b):
                            th = 0.5 * (a + b)
                        if abs(th - th_prev) <= 1e-16:
                            break
                        th_prev = th
                        _ly_dense_eval(F, x, th, xs)
                        if mode == 0:
                            g = -offset
                            for i in range(n):
                                g += normal[i] * xs[i]
                        else:
                            RHS(t + th * hh, xs, p, fs)
                            g = fs[var] if mode == 1 else -fs[var]
                        if g == 0.0:
                            break
                        if (g > 0.0) == (fb > 0.0):
                            b = th
                            fb = g
                            if side == -1:
                                fa *= 0.5
                            side = -1
                        else:
                            a = th
                            fa = g
                            if side == 1:
                                fb *= 0.5
                            side = 1
                        if b - a <= 4e-16:
                            break
                tc = t + th * hh
                if tc >= t_start:
                    _ly_dense_eval(F, x, th, xs)
                    T[count] = tc
                    for i in range(n):
                        X[count, i] = xs[i]
                    count += 1
        for i in range(n):
            x[i] = x_new[i]
            K[0, i] = K[12, i]
        t = t_new
        hn = hh * _ly_next_factor(err, rejected)
        h = max(hn, h) if clipped else hn
        rejected = False
    return T, X, count, OK, t, x.copy(), n_steps
