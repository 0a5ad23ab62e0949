"""Compiled loop of the echo-state network (CSR sparse reservoir) — private.

One kernel serves teacher-forced driving and the closed loop, so a cold Numba cache compiles a
single small function (about 2 s) instead of three.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["esn_run"]


@njit(cache=True, inline="always")
def _tanh(x):
    """tanh through one exp: ``sign(x) (1 − e)/(1 + e)``, ``e = exp(−2|x|)``.

    Absolute error ≤ 2.3e-16 on [−30, 30] (the relative error grows like ε/|x| near 0, harmless
    for reservoir states), and 2.5× faster than libm ``tanh``, which dominated the cost of a
    sparse reservoir's update (about 32 of 60 ns per neuron).
    """
    e = math.exp(-2.0 * abs(x))
    t = (1.0 - e) / (1.0 + e)
    return t if x >= 0 else -t


@njit(cache=True)
def esn_run(U, r0, indptr, indices, data, w_in, bias, leak, w_out, n_closed, quadratic):
    """Drive the reservoir with inputs ``U`` (T, m), then run ``n_closed`` closed-loop outputs.

    Update ``r ← (1 − leak) r + leak tanh(W r + W_in u + b)`` with ``W`` in CSR form
    (``indptr``, ``indices``, ``data``). Teacher forcing: ``u = U[k]``, and ``R[k]`` is the
    state after input ``U[k]``. Closed loop (from the state after the last input): output
    ``Y[k] = W_out φ(r)`` with ``φ(r) = [1, r]`` or ``[1, r, r²]`` (``quadratic``), then the
    output is fed back as the next input. ``Y[0]`` is read from the driven state itself, so it
    forecasts the sample after ``U[-1]``. Returns ``(R, Y)`` of shapes (T, n) and (n_closed, m).
    """
    n = r0.shape[0]
    m = w_in.shape[1]
    T = U.shape[0]
    R = np.empty((T, n))
    Y = np.empty((n_closed, m))
    r = r0.copy()
    nxt = np.empty(n)
    u = np.empty(m)
    for k in range(T + n_closed):
        if k < T:
            for j in range(m):
                u[j] = U[k, j]
        else:
            for j in range(m):
                acc = w_out[j, 0]
                for i in range(n):
                    acc += w_out[j, 1 + i] * r[i]
                if quadratic:
                    for i in range(n):
                        acc += w_out[j, 1 + n + i] * r[i] * r[i]
                u[j] = acc
                Y[k - T, j] = acc
            if k == T + n_closed - 1:
                break
        for i in range(n):
            acc = bias[i]
            for p in range(indptr[i], indptr[i + 1]):
                acc += data[p] * r[indices[p]]
            for j in range(m):
                acc += w_in[i, j] * u[j]
            nxt[i] = (1.0 - leak) * r[i] + leak * _tanh(acc)
        for i in range(n):
            r[i] = nxt[i]
        if k < T:
            for i in range(n):
                R[k, i] = r[i]
    return R, Y
