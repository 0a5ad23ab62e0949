"""Test data for the stochastic learners: exact OU samples and fine-step Euler–Maruyama paths.

Private helper of the tests (part A's compiled SDE integrators replace it once merged).
Euler–Maruyama with ``substeps`` internal steps per output step has weak error O(dt/substeps)
(Kloeden & Platen 1992, Thm 14.5.1), far below the statistical errors the tests check.
"""
from __future__ import annotations

import numba as nb
import numpy as np
from scipy.signal import lfilter


def ou_exact(n: int, dt: float, theta: float, sigma: float, seed: int = 0) -> np.ndarray:
    """Exact OU samples ``dx = -θ x dt + σ dW`` (AR(1) with a = e^{-θ dt}), started in the stationary law."""
    rng = np.random.default_rng(seed)
    a = np.exp(-theta * dt)
    e = rng.standard_normal(n) * sigma * np.sqrt((1 - a * a) / (2 * theta))
    e[0] = rng.standard_normal() * sigma / np.sqrt(2 * theta)
    return lfilter([1.0], [1.0, -a], e)


@nb.njit(cache=True)
def _em_1d(n, dt, substeps, fpoly, gpoly, x0, z):
    h = dt / substeps
    sq = np.sqrt(h)
    out = np.empty(n)
    x = x0
    k = 0
    for i in range(n):
        for _ in range(substeps):
            f = 0.0
            p = 1.0
            for c in fpoly:
                f += c * p
                p *= x
            g2 = 0.0
            p = 1.0
            for c in gpoly:
                g2 += c * p
                p *= x
            x = x + f * h + np.sqrt(max(g2, 0.0)) * sq * z[k]
            k += 1
        out[i] = x
    return out


def em_1d(n: int, dt: float, drift, diffusion, seed: int = 0, substeps: int = 10, x0: float = 0.0,
          burn: int = 1000) -> np.ndarray:
    """Euler–Maruyama path of ``dx = f dt + g dW`` with polynomial ``f`` and ``g²``.

    ``drift`` and ``diffusion`` are ascending coefficient lists of ``f`` and ``g²`` (``[c0, c1, ...]``).
    """
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n + burn) * substeps)
    x = _em_1d(n + burn, dt, substeps, np.asarray(drift, float), np.asarray(diffusion, float), float(x0), z)
    return x[burn:]


@nb.njit(cache=True)
def _em_hopf(n, dt, substeps, mu, omega, sigma, z):
    h = dt / substeps
    sq = np.sqrt(h)
    out = np.empty((n, 2))
    x, y = 0.1, 0.0
    k = 0
    for i in range(n):
        for _ in range(substeps):
            r2 = x * x + y * y
            fx = mu * x - omega * y - r2 * x
            fy = omega * x + mu * y - r2 * y
            x, y = x + fx * h + sigma * sq * z[k, 0], y + fy * h + sigma * sq * z[k, 1]
            k += 1
        out[i, 0] = x
        out[i, 1] = y
    return out


def noisy_hopf(n: int, dt: float, mu: float = 1.0, omega: float = 1.0, sigma: float = 0.5, seed: int = 0,
               substeps: int = 10, burn: int = 1000) -> np.ndarray:
    """Noisy Hopf normal form: ``dx = (μx − ωy − r²x) dt + σ dW₁``,
    ``dy = (ωx + μy − r²y) dt + σ dW₂``."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(((n + burn) * substeps, 2))
    return _em_hopf(n + burn, dt, substeps, mu, omega, sigma, z)[burn:]


def ou_exact_chunked(n: int, dt: float, theta: float, sigma: float, seed: int = 0,
                     chunk: int = 2_000_000) -> np.ndarray:
    """:func:`ou_exact` generated in chunks (the same exact AR(1) update, carried across chunks by the
    filter state), so that only the output array and one chunk of noise are held in memory."""
    rng = np.random.default_rng(seed)
    a = np.exp(-theta * dt)
    s = sigma * np.sqrt((1 - a * a) / (2 * theta))
    out = np.empty(n)
    zi = np.zeros(1)
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        e = rng.standard_normal(m) * s
        if start == 0:
            e[0] = rng.standard_normal() * sigma / np.sqrt(2 * theta)
        out[start:start + m], zi = lfilter([1.0], [1.0, -a], e, zi=zi)
    return out


def ou2_correlated(n: int, dt: float, theta: float, G: np.ndarray, seed: int = 0) -> np.ndarray:
    """Exact samples of the 2-D OU ``dx = −θ x dt + G dW`` (isotropic drift, constant G): the AR(1)
    ``x_{k+1} = a x_k + ε`` with ``a = e^{−θ dt}`` and ``Cov ε = G Gᵀ (1 − a²) / (2θ)``, started in the
    stationary law ``N(0, G Gᵀ / (2θ))``."""
    rng = np.random.default_rng(seed)
    a = np.exp(-theta * dt)
    S = np.asarray(G, float) @ np.asarray(G, float).T
    e = rng.standard_normal((n, 2)) @ np.linalg.cholesky(S * (1 - a * a) / (2 * theta)).T
    e[0] = rng.standard_normal(2) @ np.linalg.cholesky(S / (2 * theta)).T
    return lfilter([1.0], [1.0, -a], e, axis=0)
