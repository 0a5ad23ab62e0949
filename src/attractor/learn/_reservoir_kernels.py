"""Compiled loops of the echo-state network (CSR sparse reservoir) — private."""
from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["esn_drive", "esn_closed_loop"]


@njit(cache=True)
def _update(r, u, indptr, indices, data, w_in, bias, leak, out):
    n = r.shape[0]
    m = u.shape[0]
    for i in range(n):
        acc = bias[i]
        for k in range(indptr[i], indptr[i + 1]):
            acc += data[k] * r[indices[k]]
        for j in range(m):
            acc += w_in[i, j] * u[j]
        out[i] = (1.0 - leak) * r[i] + leak * np.tanh(acc)


@njit(cache=True)
def esn_drive(U, r0, indptr, indices, data, w_in, bias, leak):
    """Drive the reservoir with inputs ``U`` (T, m); return states R (T, n), R[k] after input U[k]."""
    T = U.shape[0]
    n = r0.shape[0]
    R = np.empty((T, n))
    r = r0.copy()
    tmp = np.empty(n)
    for k in range(T):
        _update(r, U[k], indptr, indices, data, w_in, bias, leak, tmp)
        r[:] = tmp
        R[k] = r
    return R


@njit(cache=True)
def esn_closed_loop(r0, n_steps, indptr, indices, data, w_in, bias, leak, w_out, quadratic):
    """Autonomous run: u = W_out φ(r), r ← update(r, u). Returns outputs Y (n_steps, m), final r.

    φ(r) = [1, r] or [1, r, r²]. Y[k] is the output read from the state after k+1 updates,
    i.e. the forecast of the sample after the one that produced ``r0``'s output.
    """
    n = r0.shape[0]
    m = w_out.shape[0]
    Y = np.empty((n_steps, m))
    r = r0.copy()
    tmp = np.empty(n)
    u = np.empty(m)
    for k in range(n_steps):
        for j in range(m):
            acc = w_out[j, 0]
            for i in range(n):
                acc += w_out[j, 1 + i] * r[i]
            if quadratic:
                for i in range(n):
                    acc += w_out[j, 1 + n + i] * r[i] * r[i]
            u[j] = acc
        _update(r, u, indptr, indices, data, w_in, bias, leak, tmp)
        r[:] = tmp
        for j in range(m):
            acc = w_out[j, 0]
            for i in range(n):
                acc += w_out[j, 1 + i] * r[i]
            if quadratic:
                for i in range(n):
                    acc += w_out[j, 1 + n + i] * r[i] * r[i]
            Y[k, j] = acc
    return Y, r
