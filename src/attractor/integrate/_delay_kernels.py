"""Compiled (Numba) kernels for delay differential equations (DDEs) with one constant delay.

The equation is ``dx/dt = f(t, x(t), x(t - tau))``. Drivers here are *templates*, like
those of :mod:`attractor.integrate._kernels`: plain functions that call the system's
compiled right-hand side by the placeholder name ``RHS`` with the signature::

    RHS(t, x, xd, p, out) -> None   # writes f(t, x, xd) into out; xd = x(t - tau)

:mod:`attractor.core.delay` pastes each template into the system's generated module
with ``RHS`` bound to its ``f`` and compiles it there with ``cache=True``. Helpers
(which never call ``RHS``) are ordinary cached Numba functions, exported through
``__all__`` for the generated module's star-import.

Method
------
Method of steps with a fixed step ``h <= tau`` and classical fourth-order Runge-Kutta.
The delayed values needed by the stages, ``x(t + c h - tau)`` for c in {0, 1/2, 1},
always lie in the past (because ``h <= tau``) and are read from a *continuous
extension*: the cubic Hermite interpolant of the stored grid values ``x_k`` and
derivatives ``f_k = f(t_k, x_k, x(t_k - tau))`` (Hairer, Norsett & Wanner, *Solving
Ordinary Differential Equations I*, 2nd ed., Sec. II.17; Bellen & Zennaro, *Numerical
Methods for Delay Differential Equations*, Oxford 2003, Ch. 3). On grid interval
``[t_k, t_k + h]`` with ``theta = (s - t_k)/h``::

    x(s) ~ h00(theta) x_k + h h10(theta) f_k + h01(theta) x_{k+1} + h h11(theta) f_{k+1}
    h00 = 2 theta^3 - 3 theta^2 + 1,  h10 = theta^3 - 2 theta^2 + theta,
    h01 = -2 theta^3 + 3 theta^2,     h11 = theta^3 - theta^2.

The interpolation error is O(h^4), matching RK4, so the scheme is fourth-order for
smooth solutions. The solution is kept in a ring buffer that covers one delay (memory
O(tau/h), independent of the length of the run); the prescribed history before ``t0``
is a separate grid of values and derivatives on ``[t0 - tau - h, t0]`` (derivatives
may jump at ``t0``, as they generally do for DDEs). The stage at ``t + h`` and the
derivative at the new grid point need the same delayed value, so each step costs four
right-hand-side evaluations and two interpolations.

Status codes as in :mod:`attractor.integrate._kernels`: 0 ok, 1 diverged.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ._kernels import DIVERGED, OK

__all__ = ["math", "np", "OK", "DIVERGED", "_dde_hermite", "_dde_lookup", "_dde_bad_state"]


@njit(cache=True)
def _dde_bad_state(x, max_norm):
    for i in range(x.shape[0]):
        v = x[i]
        if not (abs(v) <= max_norm):  # also catches NaN
            return True
    return False


@njit(cache=True)
def _dde_hermite(theta, h, y0, f0, y1, f1, out):
    """Cubic Hermite interpolant on one grid interval (see the module docstring)."""
    t2 = theta * theta
    t3 = t2 * theta
    h00 = 2.0 * t3 - 3.0 * t2 + 1.0
    h10 = t3 - 2.0 * t2 + theta
    h01 = -2.0 * t3 + 3.0 * t2
    h11 = t3 - t2
    for i in range(out.shape[0]):
        out[i] = h00 * y0[i] + h * h10 * f0[i] + h01 * y1[i] + h * h11 * f1[i]


@njit(cache=True)
def _dde_lookup(s, t0, h, hist_x, hist_f, buf_x, buf_f, n_done, out):
    """x(s) from the history grid (s <= t0) or the solution ring buffer (s > t0).

    ``hist_x``/``hist_f`` hold values/derivatives at ``t0 - (m - 1 - j) h``,
    j = 0..m-1 (the last row is ``t0``). ``buf_x``/``buf_f`` hold grid point k of the
    solution (time ``t0 + k h``) in row ``k % len(buf)``; ``n_done`` is the newest k.
    """
    if s <= t0:
        m = hist_x.shape[0]
        start = t0 - (m - 1) * h
        j = int(math.floor((s - start) / h))
        if j < 0:
            j = 0
        if j > m - 2:
            j = m - 2
        theta = (s - (start + j * h)) / h
        _dde_hermite(theta, h, hist_x[j], hist_f[j], hist_x[j + 1], hist_f[j + 1], out)
        return
    m = buf_x.shape[0]
    k = int(math.floor((s - t0) / h))
    if k > n_done - 1:
        k = n_done - 1
    if k < 0:
        k = 0
    theta = (s - (t0 + k * h)) / h
    a = k % m
    b = (k + 1) % m
    _dde_hermite(theta, h, buf_x[a], buf_f[a], buf_x[b], buf_f[b], out)


def dde_rk4_solve(x0, hist_x, hist_f, t0, h, tau, n_skip, n_out, stride, p, max_norm):
    """Fixed-step RK4 with Hermite history for ``dx/dt = RHS(t, x, x(t - tau))``.

    Integrates ``n_skip + (n_out - 1) * stride`` steps of size ``h`` (``h <= tau``)
    from ``x(t0) = x0`` and records the state after ``n_skip`` steps and every
    ``stride`` steps after that.

    Returns
    -------
    X : (n_out, d) recorded states (NaN after a failure)
    status : OK or DIVERGED
    t_last : time of the last finite state
    x_last : last finite state
    n_steps : steps taken
    """
    d = x0.shape[0]
    m = int(tau / h) + 3
    buf_x = np.empty((m, d))
    buf_f = np.empty((m, d))
    X = np.full((n_out, d), np.nan)
    x = x0.copy()
    xd = np.empty(d)
    xd2 = np.empty(d)
    k1 = np.empty(d)
    k2 = np.empty(d)
    k3 = np.empty(d)
    k4 = np.empty(d)
    tmp = np.empty(d)
    n_total = n_skip + (n_out - 1) * stride
    _dde_lookup(t0 - tau, t0, h, hist_x, hist_f, buf_x, buf_f, 0, xd)
    RHS(t0, x, xd, p, k1)
    for i in range(d):
        buf_x[0, i] = x[i]
        buf_f[0, i] = k1[i]
    out_i = 0
    if n_skip == 0:
        X[0] = x
        out_i = 1
    for step in range(n_total):
        t = t0 + step * h
        # stages 2 and 3 share the delayed value at t + h/2 - tau
        _dde_lookup(t + 0.5 * h - tau, t0, h, hist_x, hist_f, buf_x, buf_f, step, xd)
        for i in range(d):
            tmp[i] = x[i] + 0.5 * h * k1[i]
        RHS(t + 0.5 * h, tmp, xd, p, k2)
        for i in range(d):
            tmp[i] = x[i] + 0.5 * h * k2[i]
        RHS(t + 0.5 * h, tmp, xd, p, k3)
        _dde_lookup(t + h - tau, t0, h, hist_x, hist_f, buf_x, buf_f, step, xd2)
        for i in range(d):
            tmp[i] = x[i] + h * k3[i]
        RHS(t + h, tmp, xd2, p, k4)
        for i in range(d):
            tmp[i] = x[i] + h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])
        if _dde_bad_state(tmp, max_norm):
            return X, DIVERGED, t, x, step
        for i in range(d):
            x[i] = tmp[i]
        # derivative at the new grid point: its delayed value is xd2 (same time)
        RHS(t + h, x, xd2, p, k1)
        r = (step + 1) % m
        for i in range(d):
            buf_x[r, i] = x[i]
            buf_f[r, i] = k1[i]
        done = step + 1
        if done >= n_skip and (done - n_skip) % stride == 0:
            X[out_i] = x
            out_i += 1
    return X, OK, t0 + n_total * h, x, n_total
