"""Compiled (Numba) integrator kernels.

Drivers here are *templates*: plain Python functions that call the system's compiled
function by the placeholder name ``RHS``, with the one signature used throughout
attractor::

    RHS(t, x, p, out) -> None   # writes dx/dt (flows) or the next state (maps) into out

``t`` is time (flows) or the iteration index (maps), ``x`` the state (float64, 1-D),
``p`` the parameter vector. :mod:`attractor.core.symbolic` pastes each template into the
system's generated module with ``RHS`` bound to that system's ``f`` or ``tangent`` and
compiles it there with ``cache=True``. (Numba cannot cache a function that receives
another compiled function as an argument, and passing one costs a recompilation in
every process; binding by name keeps the machine code cacheable.) Helpers that do not
call the system (``_bad_state``, ...) are ordinary cached Numba functions.

Status codes returned by the kernels:
    0 ok, 1 diverged (non-finite state or norm above ``max_norm``),
    2 step size underflow, 3 maximum number of steps exceeded.

Method coefficients are published constants: Dormand & Prince (1980) for RK45 and
Hairer, Nørsett & Wanner's DOP853 (Solving ODEs I, 2nd ed., Sec. II.10). We read
the DOP853 tables from SciPy (``scipy.integrate._ivp.dop853_coefficients``) rather
than retyping ~300 digits by hand; the stepping, error control and dense output
below are our own compiled implementation.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit
from scipy.integrate._ivp import dop853_coefficients as _dop
from scipy.integrate._ivp.rk import RK45 as _RK45

OK, DIVERGED, UNDERFLOW, MAX_STEPS = 0, 1, 2, 3

# Names a generated module star-imports so that pasted templates resolve them.
__all__ = ["math", "np", "OK", "DIVERGED", "UNDERFLOW", "MAX_STEPS", "A8", "B8", "C8", "E3", "E5", "D8",
           "C5", "A5", "B5", "E5_45", "P5", "SAFETY", "MIN_FACTOR", "MAX_FACTOR",
           "_bad_state", "_rms_scaled", "_first_guess_step", "_refine_step"]

# --- DOP853 tables (12 stages + 1 FSAL + 3 extra stages for dense output) ---
A8 = np.ascontiguousarray(_dop.A, dtype=np.float64)          # (16, 16)
B8 = np.ascontiguousarray(_dop.B, dtype=np.float64)          # (12,)
C8 = np.ascontiguousarray(_dop.C, dtype=np.float64)          # (16,)
E3 = np.ascontiguousarray(_dop.E3, dtype=np.float64)         # (13,)
E5 = np.ascontiguousarray(_dop.E5, dtype=np.float64)         # (13,)
D8 = np.ascontiguousarray(_dop.D, dtype=np.float64)          # (4, 16)

# --- Dormand–Prince 5(4) tables (Dormand & Prince 1980) with Shampine's (1986)
# 4th-order continuous extension, likewise read from SciPy's published tables ---
C5 = np.ascontiguousarray(_RK45.C, dtype=np.float64)         # (6,)
A5 = np.ascontiguousarray(_RK45.A, dtype=np.float64)         # (6, 5)
B5 = np.ascontiguousarray(_RK45.B, dtype=np.float64)         # (6,)
E5_45 = np.ascontiguousarray(_RK45.E, dtype=np.float64)      # (7,)
P5 = np.ascontiguousarray(_RK45.P, dtype=np.float64)         # (7, 4)

SAFETY, MIN_FACTOR, MAX_FACTOR = 0.9, 0.2, 10.0


@njit(cache=True)
def _bad_state(x, max_norm):
    for v in x:
        if not (abs(v) <= max_norm):  # catches NaN too
            return True
    return False


@njit(cache=True)
def _rms_scaled(f0, x, rtol, atol):
    s = 0.0
    for i in range(x.size):
        sc = atol + abs(x[i]) * rtol
        s += (f0[i] / sc) ** 2
    return math.sqrt(s / x.size)


@njit(cache=True)
def _first_guess_step(x0, f0, rtol, atol, t_span):
    """Hairer, Nørsett & Wanner (1993), Sec. II.4, first half: trial step h0."""
    d0 = _rms_scaled(x0, x0, rtol, atol)
    d1 = _rms_scaled(f0, x0, rtol, atol)
    if d0 < 1e-5 or d1 < 1e-5:
        h0 = 1e-6
    else:
        h0 = 0.01 * d0 / d1
    return min(h0, t_span)


@njit(cache=True)
def _refine_step(x0, f0, f1, h0, rtol, atol, order, t_span):
    """Second half: uses f1 = RHS(t0 + h0, x0 + h0 f0) to bound the second derivative."""
    d1 = _rms_scaled(f0, x0, rtol, atol)
    d2 = 0.0
    for i in range(x0.size):
        sc = atol + abs(x0[i]) * rtol
        d2 += ((f1[i] - f0[i]) / sc) ** 2
    d2 = math.sqrt(d2 / x0.size) / h0
    if d1 <= 1e-15 and d2 <= 1e-15:
        h1 = max(1e-6, h0 * 1e-3)
    else:
        h1 = (0.01 / max(d1, d2)) ** (1.0 / (order + 1))
    return min(100 * h0, h1, t_span)


def dop853_solve(x0, t0, t_out, p, rtol, atol, h_init, h_max, max_steps, max_norm):
    """Adaptive DOP853 with 7th-order dense output at the requested times.

    Error control: a step is accepted when the DOP853 error norm (the 5th/3rd-order
    blended estimate of Hairer et al.) measured in units of ``atol + rtol*|x|``
    (root-mean-square over components) is at most 1. Output times ``t_out`` (sorted,
    >= t0) are filled from the continuous extension, so they never force small steps.

    Returns
    -------
    X : (len(t_out), n) states; rows after a failure are NaN
    status : int (see module docstring)
    t_fail : time reached (the failure time when status != 0)
    x_last : last accepted finite state
    n_steps, n_evals : counters
    """
    n = x0.size
    n_out = t_out.size
    X = np.full((n_out, n), np.nan)
    K = np.empty((16, n))
    F = np.empty((7, n))
    x = x0.copy()
    x_new = np.empty(n)
    tmp = np.empty(n)
    t = t0
    n_evals = 0
    n_steps = 0
    i_out = 0
    while i_out < n_out and t_out[i_out] <= t0:
        X[i_out] = x
        i_out += 1
    if i_out == n_out:
        return X, OK, t, x, 0, 0
    t_end = t_out[n_out - 1]
    RHS(t, x, p, K[0])
    n_evals += 1
    if _bad_state(K[0], 1e300):
        return X, DIVERGED, t, x, 0, n_evals
    if h_init > 0:
        h = h_init
    else:
        h0 = _first_guess_step(x, K[0], rtol, atol, t_end - t)
        for i in range(n):
            tmp[i] = x[i] + h0 * K[0, i]
        RHS(t + h0, tmp, p, K[1])
        h = _refine_step(x, K[0], K[1], h0, rtol, atol, 7, t_end - t)
        n_evals += 1
    rejected = False
    while i_out < n_out:
        if n_steps >= max_steps:
            return X, MAX_STEPS, t, x, n_steps, n_evals
        h = min(h, h_max)
        if t + h >= t_end:
            h = t_end - t
        if h <= 10.0 * np.finfo(np.float64).eps * max(abs(t), 1.0):
            return X, UNDERFLOW, t, x, n_steps, n_evals
        # stages 2..12
        for s in range(1, 12):
            for i in range(n):
                acc = 0.0
                for j in range(s):
                    acc += A8[s, j] * K[j, i]
                tmp[i] = x[i] + h * acc
            RHS(t + C8[s] * h, tmp, p, K[s])
        for i in range(n):
            acc = 0.0
            for j in range(12):
                acc += B8[j] * K[j, i]
            x_new[i] = x[i] + h * acc
        RHS(t + h, x_new, p, K[12])
        n_evals += 12
        e5 = 0.0
        e3 = 0.0
        for i in range(n):
            a5 = 0.0
            a3 = 0.0
            for j in range(13):
                a5 += E5[j] * K[j, i]
                a3 += E3[j] * K[j, i]
            sc = atol + max(abs(x[i]), abs(x_new[i])) * rtol
            e5 += (a5 / sc) ** 2
            e3 += (a3 / sc) ** 2
        den = math.sqrt((e5 + 0.01 * e3) * n)
        if e5 == 0.0 or den == 0.0:   # den underflows to 0 when e5 = 0 and 0.01 * e3 is subnormal
            err = 0.0
        else:
            err = abs(h) * e5 / den
        if not (err <= 1.0):  # rejected (or NaN)
            if err != err or err == np.inf:
                factor = MIN_FACTOR
            else:
                factor = max(MIN_FACTOR, SAFETY * err ** (-1.0 / 8.0))
            h *= factor
            rejected = True
            continue
        # accepted
        n_steps += 1
        t_new = t + h
        if i_out < n_out and t_out[i_out] <= t_new:
            for s in range(13, 16):
                for i in range(n):
                    acc = 0.0
                    for j in range(s):
                        acc += A8[s, j] * K[j, i]
                    tmp[i] = x[i] + h * acc
                RHS(t + C8[s] * h, tmp, p, K[s])
            n_evals += 3
            for i in range(n):
                dx = x_new[i] - x[i]
                F[0, i] = dx
                F[1, i] = h * K[0, i] - dx
                F[2, i] = 2.0 * dx - h * (K[12, i] + K[0, i])
                for r in range(4):
                    acc = 0.0
                    for j in range(16):
                        acc += D8[r, j] * K[j, i]
                    F[3 + r, i] = h * acc
            while i_out < n_out and t_out[i_out] <= t_new:
                th = (t_out[i_out] - t) / h
                for i in range(n):
                    y = 0.0
                    for r in range(7):
                        y += F[6 - r, i]
                        if r % 2 == 0:
                            y *= th
                        else:
                            y *= 1.0 - th
                    X[i_out, i] = x[i] + y
                i_out += 1
        if _bad_state(x_new, max_norm):
            return X, DIVERGED, t_new, x, n_steps, n_evals
        t = t_new
        for i in range(n):
            x[i] = x_new[i]
            K[0, i] = K[12, i]
        if err == 0.0:
            factor = MAX_FACTOR
        else:
            factor = min(MAX_FACTOR, SAFETY * err ** (-1.0 / 8.0))
        if rejected:
            factor = min(1.0, factor)
        rejected = False
        h *= factor
    return X, OK, t, x, n_steps, n_evals


def rk45_solve(x0, t0, t_out, p, rtol, atol, h_init, h_max, max_steps, max_norm):
    """Adaptive Dormand–Prince 5(4) with 4th-order dense output; same contract as dop853_solve."""
    n = x0.size
    n_out = t_out.size
    X = np.full((n_out, n), np.nan)
    K = np.empty((7, n))
    x = x0.copy()
    x_new = np.empty(n)
    tmp = np.empty(n)
    t = t0
    n_evals = 0
    n_steps = 0
    i_out = 0
    while i_out < n_out and t_out[i_out] <= t0:
        X[i_out] = x
        i_out += 1
    if i_out == n_out:
        return X, OK, t, x, 0, 0
    t_end = t_out[n_out - 1]
    RHS(t, x, p, K[0])
    n_evals += 1
    if h_init > 0:
        h = h_init
    else:
        h0 = _first_guess_step(x, K[0], rtol, atol, t_end - t)
        for i in range(n):
            tmp[i] = x[i] + h0 * K[0, i]
        RHS(t + h0, tmp, p, K[1])
        h = _refine_step(x, K[0], K[1], h0, rtol, atol, 4, t_end - t)
        n_evals += 1
    rejected = False
    while i_out < n_out:
        if n_steps >= max_steps:
            return X, MAX_STEPS, t, x, n_steps, n_evals
        h = min(h, h_max)
        if t + h >= t_end:
            h = t_end - t
        if h <= 10.0 * np.finfo(np.float64).eps * max(abs(t), 1.0):
            return X, UNDERFLOW, t, x, n_steps, n_evals
        for s in range(1, 6):
            for i in range(n):
                acc = 0.0
                for j in range(s):
                    acc += A5[s, j] * K[j, i]
                tmp[i] = x[i] + h * acc
            RHS(t + C5[s] * h, tmp, p, K[s])
        for i in range(n):
            acc = 0.0
            for j in range(6):
                acc += B5[j] * K[j, i]
            x_new[i] = x[i] + h * acc
        RHS(t + h, x_new, p, K[6])
        n_evals += 6
        e = 0.0
        for i in range(n):
            acc = 0.0
            for j in range(7):
                acc += E5_45[j] * K[j, i]
            sc = atol + max(abs(x[i]), abs(x_new[i])) * rtol
            e += (h * acc / sc) ** 2
        err = math.sqrt(e / n)
        if not (err <= 1.0):
            if err != err or err == np.inf:
                factor = MIN_FACTOR
            else:
                factor = max(MIN_FACTOR, SAFETY * err ** (-0.2))
            h *= factor
            rejected = True
            continue
        n_steps += 1
        t_new = t + h
        while i_out < n_out and t_out[i_out] <= t_new:
            th = (t_out[i_out] - t) / h
            for i in range(n):
                y = 0.0
                pw = 1.0
                for r in range(4):
                    pw *= th
                    acc = 0.0
                    for j in range(7):
                        acc += K[j, i] * P5[j, r]
                    y += acc * pw
                X[i_out, i] = x[i] + h * y
            i_out += 1
        if _bad_state(x_new, max_norm):
            return X, DIVERGED, t_new, x, n_steps, n_evals
        t = t_new
        for i in range(n):
            x[i] = x_new[i]
            K[0, i] = K[6, i]
        if err == 0.0:
            factor = MAX_FACTOR
        else:
            factor = min(MAX_FACTOR, SAFETY * err ** (-0.2))
        if rejected:
            factor = min(1.0, factor)
        rejected = False
        h *= factor
    return X, OK, t, x, n_steps, n_evals


def rk4_solve(x0, t0, dt, n_out, substeps, p, max_norm):
    """Fixed-step RK4: ``n_out`` samples spaced ``dt``, each reached in ``substeps`` steps."""
    n = x0.size
    X = np.full((n_out, n), np.nan)
    k1 = np.empty(n)
    k2 = np.empty(n)
    k3 = np.empty(n)
    k4 = np.empty(n)
    tmp = np.empty(n)
    x = x0.copy()
    xn = np.empty(n)
    h = dt / substeps
    t = t0
    X[0] = x
    for k in range(1, n_out):
        for _ in range(substeps):
            RHS(t, x, p, k1)
            for i in range(n):
                tmp[i] = x[i] + 0.5 * h * k1[i]
            RHS(t + 0.5 * h, tmp, p, k2)
            for i in range(n):
                tmp[i] = x[i] + 0.5 * h * k2[i]
            RHS(t + 0.5 * h, tmp, p, k3)
            for i in range(n):
                tmp[i] = x[i] + h * k3[i]
            RHS(t + h, tmp, p, k4)
            for i in range(n):
                xn[i] = x[i] + h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])
            if _bad_state(xn, max_norm):
                return X, DIVERGED, t + h, x, k
            t += h
            for i in range(n):
                x[i] = xn[i]
        t = t0 + k * dt
        X[k] = x
    return X, OK, t, x, n_out - 1


def map_solve(x0, n0, n_out, stride, p, max_norm):
    """Iterate a map: ``n_out`` states, every ``stride``-th iterate, starting at index n0."""
    n = x0.size
    X = np.full((n_out, n), np.nan)
    x = x0.copy()
    xn = np.empty(n)
    it = n0
    X[0] = x
    for k in range(1, n_out):
        for _ in range(stride):
            RHS(float(it), x, p, xn)
            it += 1
            if _bad_state(xn, max_norm):
                return X, DIVERGED, float(it), x, k
            for i in range(n):
                x[i] = xn[i]
        X[k] = x
    return X, OK, float(it), x, n_out - 1
