"""Compiled loop of :meth:`attractor.learn.SINDy.forecast`: RK4 on a polynomial vector field — private.

The field is evaluated from the coefficient and exponent arrays, so one compiled function serves
every fitted model (``SINDy.to_system()`` compiles a module per set of equations, seconds each).
"""
from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["polynomial_rk4"]


@njit(cache=True)
def _field(x, coef, exponents, mono, out):
    """``out = coef @ θ(x)`` with ``θ_j(x) = Π_i x_i^{exponents[j, i]}``; ``mono`` is scratch space."""
    n_feat, d = exponents.shape
    for j in range(n_feat):
        v = 1.0
        for i in range(d):
            for _ in range(exponents[j, i]):
                v *= x[i]
        mono[j] = v
    for r in range(coef.shape[0]):
        acc = 0.0
        for j in range(n_feat):
            acc += coef[r, j] * mono[j]
        out[r] = acc


@njit(cache=True)
def polynomial_rk4(x0, coef, exponents, h, substeps, horizon, centre, limit):
    """Integrate ``ẋ = coef @ θ(x)`` from ``x0`` by classical RK4 with step ``h``.

    Returns ``(horizon, d)`` samples, one every ``substeps`` steps (the first one ``substeps``
    steps after ``x0``). Once a sample is non-finite or leaves ``|x − centre| <= limit``
    (componentwise) it and all later rows are NaN.
    """
    d = x0.shape[0]
    out = np.full((horizon, d), np.nan)
    mono = np.empty(exponents.shape[0])
    x = x0.copy()
    k1 = np.empty(d)
    k2 = np.empty(d)
    k3 = np.empty(d)
    k4 = np.empty(d)
    y = np.empty(d)
    for k in range(horizon):
        for _ in range(substeps):
            _field(x, coef, exponents, mono, k1)
            for i in range(d):
                y[i] = x[i] + 0.5 * h * k1[i]
            _field(y, coef, exponents, mono, k2)
            for i in range(d):
                y[i] = x[i] + 0.5 * h * k2[i]
            _field(y, coef, exponents, mono, k3)
            for i in range(d):
                y[i] = x[i] + h * k3[i]
            _field(y, coef, exponents, mono, k4)
            for i in range(d):
                x[i] = x[i] + (h / 6.0) * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])
        for i in range(d):
            if not (np.isfinite(x[i]) and abs(x[i] - centre[i]) <= limit[i]):
                return out
        for i in range(d):
            out[k, i] = x[i]
    return out
