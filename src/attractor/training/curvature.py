"""Curvature of a loss from Hessian–vector products: top eigenvalues, trace, spectral density.

All three read the Hessian only through ``objective.hvp`` (matrix-free; memory ``O(m n)`` for
``m`` Lanczos vectors of ``n`` parameters):

* :func:`hessian_eigenvalues` — top-k eigenvalues by the Lanczos method with full
  reorthogonalisation (Golub & Van Loan 2013, §10.1; Paige 1972) and a residual-based stopping
  rule: a Ritz pair ``(θ, y)`` has ``‖H y − θ y‖ = β_m |s_m|`` (last component of its Ritz
  vector times the last off-diagonal), an upper bound on the eigenvalue error.
* :func:`hessian_trace` — Hutchinson's estimator ``tr H = E[zᵀ H z]`` with Rademacher ``z``
  (Hutchinson 1990; Avron & Toledo 2011) and its standard error.
* :func:`hessian_density` — spectral density by stochastic Lanczos quadrature (Lin, Saad &
  Yang 2016; Ghorbani, Krishnan & Xiao 2019): for each normalised Rademacher probe, ``m``
  Lanczos steps give a Gauss quadrature rule (nodes = eigenvalues of the tridiagonal ``T``,
  weights = squared first components of its eigenvectors) that integrates polynomials of degree
  ``≤ 2m − 1`` against the probe's spectral measure exactly.

Each takes ``batch`` (one stated batch, or the full batch by default) or ``batches`` (several:
the estimate is the mean over batches and the result reports the batch-to-batch spread —
eigenvalues from small batches can differ several-fold, which a single-batch estimate hides).
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.errors import ConvergenceWarning, ValidationError
from ..core.validation import check_positive_float, check_positive_int
from .model import Objective

__all__ = ["hessian_eigenvalues", "hessian_trace", "hessian_density", "HessianEigenResult",
           "HessianTraceResult", "HessianDensityResult", "lanczos"]


# --------------------------------------------------------------------------- Lanczos kernel
@dataclass(frozen=True)
class _Lanczos:
    alpha: np.ndarray
    beta: np.ndarray          # beta[j] couples q_j and q_{j+1}; len == len(alpha)
    Q: np.ndarray             # (m, n) orthonormal Lanczos vectors
    history: np.ndarray       # (n_checks, k) top Ritz values at each check
    history_iter: np.ndarray  # iteration (= HVP count) of each check
    converged: bool
    breakdown: bool


def lanczos(matvec, v0: np.ndarray, m: int, *, k: int | None = None, tol: float | None = None,
            check_every: int = 1) -> _Lanczos:
    """Lanczos tridiagonalisation with full reorthogonalisation (two Gram–Schmidt passes).

    Runs at most ``m`` products. With ``k`` and ``tol`` it stops as soon as the ``k`` largest
    Ritz values have residuals ``β_j |s_{j,i}| ≤ tol · max|θ|``. Stops early on an invariant
    subspace (``β_j ≤ 1e-13 · max|θ|``), where the Ritz values are exact.
    """
    v0 = np.asarray(v0, dtype=float)
    n = v0.size
    m = min(m, n)
    Q = np.empty((m, n))
    alpha = np.empty(m)
    beta = np.empty(m)
    q = v0 / np.linalg.norm(v0)
    hist, hist_it = [], []
    converged = breakdown = False
    j = 0
    for j in range(m):
        Q[j] = q
        w = np.array(matvec(q), dtype=float)
        alpha[j] = q @ w
        for _ in range(2):  # full reorthogonalisation, twice is enough (Parlett's "twice is enough")
            w -= Q[:j + 1].T @ (Q[:j + 1] @ w)
        beta[j] = np.linalg.norm(w)
        scale = max(np.max(np.abs(alpha[:j + 1])), np.max(beta[:j + 1]), 1e-300)
        if beta[j] <= 1e-13 * scale:
            breakdown = converged = True
            beta[j] = 0.0
            break
        if k is not None and ((j + 1) % check_every == 0 or j == m - 1) and j + 1 >= k:
            theta, S = _tridiag_eig(alpha[:j + 1], beta[:j])
            top = np.argsort(theta)[::-1][:k]
            hist.append(theta[top])
            hist_it.append(j + 1)
            if tol is not None:
                res = beta[j] * np.abs(S[-1, top])
                if np.all(res <= tol * max(np.max(np.abs(theta)), 1e-300)):
                    converged = True
                    break
        q = w / beta[j]
    m_done = j + 1
    hist_arr = np.array(hist) if hist else np.empty((0, k or 0))
    return _Lanczos(alpha[:m_done].copy(), beta[:m_done].copy(), Q[:m_done], hist_arr, np.array(hist_it, dtype=int),
                    converged, breakdown)


def _tridiag_eig(alpha: np.ndarray, beta_off: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from scipy.linalg import eigh_tridiagonal

    if len(alpha) == 1:
        return alpha.copy(), np.ones((1, 1))
    return eigh_tridiagonal(alpha, beta_off)


# --------------------------------------------------------------------------- batches
def _batch_list(objective: Objective, batch, batches) -> list[int | None]:
    if batch is not None and batches is not None:
        raise ValidationError("pass either batch (one batch) or batches (several), not both.")
    if batches is None:
        return [objective._batch(batch)]
    if isinstance(batches, str):
        if batches != "all":
            raise ValidationError(f"batches must be 'all' or a sequence of batch indices; got {batches!r}.")
        if objective.n_batches is None:
            raise ValidationError(f"batches='all' but {objective.name} has no stated batches.")
        return list(range(objective.n_batches))
    out = [objective._batch(b) for b in batches]
    if len(out) < 2:
        raise ValidationError("batches needs at least two batch indices (use batch=... for one).")
    return out


def _spread(values: np.ndarray) -> dict[str, Any]:
    """Batch dependence of per-batch estimates (rows: batches)."""
    mean = values.mean(axis=0)
    std = values.std(axis=0, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.max(np.abs(values), axis=0) / np.min(np.abs(values), axis=0)
    return {"mean": mean, "std": std, "max_over_min": ratio}


# --------------------------------------------------------------------------- eigenvalues
@dataclass(frozen=True)
class HessianEigenResult:
    """Top-k Hessian eigenvalues by Lanczos.

    Attributes
    ----------
    eigenvalues : numpy.ndarray, shape (k,)
        Largest (algebraic) eigenvalues, descending; the mean over batches when several were asked.
    residuals : numpy.ndarray, shape (k,)
        ``‖H y − θ y‖`` of each Ritz pair (an upper bound on each eigenvalue's error); for
        several batches, the batch-to-batch standard deviation instead.
    converged : bool
        Every residual met ``tol`` (every batch).
    n_hvp : int
        Hessian–vector products used (all batches).
    eigenvectors : numpy.ndarray or None, shape (k, n_params)
        Unit Ritz vectors (full batch / single batch only, when asked).
    ritz_history : numpy.ndarray, shape (n_checks, k)
        Top Ritz values at each iteration (first batch): how the estimate converged.
    ritz_iterations : numpy.ndarray
        Iteration of each row of ``ritz_history``.
    batches : tuple
        Batches used (``(None,)``: full batch).
    per_batch : numpy.ndarray or None, shape (n_batches, k)
        Eigenvalues on each batch (several batches only).
    batch_std, batch_max_over_min : numpy.ndarray or None
        Batch-to-batch standard deviation and largest/smallest ratio of each eigenvalue.
    reliable : bool
    settings : dict
    """

    eigenvalues: np.ndarray
    residuals: np.ndarray
    converged: bool
    n_hvp: int
    eigenvectors: np.ndarray | None
    ritz_history: np.ndarray
    ritz_iterations: np.ndarray
    batches: tuple
    per_batch: np.ndarray | None
    batch_std: np.ndarray | None
    batch_max_over_min: np.ndarray | None
    reliable: bool
    settings: dict = field(default_factory=dict)

    @property
    def sharpness(self) -> float:
        """The largest eigenvalue λ_max."""
        return float(self.eigenvalues[0])


def _top_eigs(objective, theta, k, b, tol, max_iter, v0, rng, step):
    n = objective.n_params
    start = rng.standard_normal(n) if v0 is None else np.asarray(v0, dtype=float).reshape(-1)
    if start.shape != (n,) or not np.all(np.isfinite(start)) or not np.any(start):
        raise ValidationError(f"v0 must be a finite, nonzero vector of {n} entries.")
    res = lanczos(lambda v: objective.hvp(theta, v, b, step=step), start, max_iter, k=k, tol=tol,
                  check_every=1 if max_iter <= 60 else 2)
    theta_r, S = _tridiag_eig(res.alpha, res.beta[:-1])
    top = np.argsort(theta_r)[::-1][:k]
    resid = res.beta[-1] * np.abs(S[-1, top])
    vecs = S[:, top].T @ res.Q
    return theta_r[top], resid, res, vecs


def hessian_eigenvalues(objective: Objective, theta=None, k: int = 1, *, batch: int | None = None,
                        batches: Sequence[int] | str | None = None, tol: float = 1e-8, max_iter: int | None = None,
                        v0=None, return_vectors: bool = False, seed: int = 0,
                        step: int | None = None) -> HessianEigenResult:
    """Top-k eigenvalues of the loss Hessian by Lanczos with full reorthogonalisation.

    Parameters
    ----------
    objective : Objective
    theta : array_like, optional
        Parameters (default ``objective.theta0``).
    k : int
        Number of largest (algebraic) eigenvalues.
    batch : int, optional
        Evaluate on one stated batch (default: full batch).
    batches : sequence of int or "all", optional
        Evaluate on each of these batches separately and report the mean and the spread.
    tol : float
        Stop when every top-k Ritz residual ``‖H y − θ y‖ ≤ tol · |θ|_max``. The eigenvalue error
        is at most the residual, and at most ``residual² / gap`` for a separated eigenvalue.
    max_iter : int, optional
        Largest number of Lanczos steps (HVPs) per batch; default ``min(n, max(20 k + 40, 100))``.
    v0 : array_like, optional
        Start vector (e.g. the previous top eigenvector when tracking sharpness); default random.
    return_vectors : bool
        Also return the Ritz vectors (full batch or a single batch).
    seed : int
        Seed of the random start vector.
    step : int, optional
        Optimizer step, named in errors (a NaN HVP).

    Returns
    -------
    HessianEigenResult

    Warns
    -----
    ConvergenceWarning
        ``max_iter`` steps did not meet ``tol``; ``reliable`` is False.
    """
    k = check_positive_int(k, "k")
    tol = check_positive_float(tol, "tol")
    n = objective.n_params
    if k > n:
        raise ValidationError(f"k = {k} exceeds the number of parameters ({n}).")
    max_iter = min(n, max(20 * k + 40, 100)) if max_iter is None else min(n, check_positive_int(max_iter, "max_iter"))
    if max_iter < k:
        raise ValidationError(f"max_iter = {max_iter} must be >= k = {k}.")
    th = objective._theta(theta)
    blist = _batch_list(objective, batch, batches)
    rng = np.random.default_rng(seed)
    rows, resids, n_hvp, conv, first = [], [], 0, True, None
    vecs = None
    for b in blist:
        ev, rr, res, vv = _top_eigs(objective, th, k, b, tol, max_iter, v0, rng, step)
        rows.append(ev)
        resids.append(rr)
        n_hvp += len(res.alpha)
        conv &= res.converged
        if first is None:
            first, vecs = res, vv
    settings = {"k": k, "tol": tol, "max_iter": max_iter, "seed": seed, "method": "lanczos (full reorthogonalisation)"}
    if not conv:
        warnings.warn(f"Lanczos did not reach tol = {tol:g} in {max_iter} steps for the top {k} eigenvalues of "
                      f"{objective.name}; residuals {np.max(resids):.2e}. Raise max_iter or lower k.",
                      ConvergenceWarning, stacklevel=2)
    if len(blist) == 1:
        return HessianEigenResult(rows[0], resids[0], conv, n_hvp, vecs if return_vectors else None,
                                  first.history, first.history_iter, tuple(blist), None, None, None, conv, settings)
    per = np.array(rows)
    sp = _spread(per)
    return HessianEigenResult(sp["mean"], sp["std"], conv, n_hvp, None, first.history, first.history_iter,
                              tuple(blist), per, sp["std"], sp["max_over_min"], conv, settings)


# --------------------------------------------------------------------------- trace
@dataclass(frozen=True)
class HessianTraceResult:
    """Hutchinson estimate of the Hessian trace.

    Attributes
    ----------
    trace : float
        Mean of ``zᵀ H z`` over the probes (mean over batches when several were asked).
    stderr : float
        Standard error of the mean (sample std / √n_probes); for several batches the standard
        error of the batch mean combining both sources.
    samples : numpy.ndarray, shape (n_probes,)
        ``zᵀ H z`` of each probe (first batch).
    running_mean : numpy.ndarray
        Estimate after 1, 2, ... probes (first batch): how it converged.
    n_hvp : int
    batches : tuple
    per_batch, per_batch_stderr : numpy.ndarray or None
    batch_max_over_min : float or None
    reliable : bool
        False when fewer than 10 probes were used (the standard error itself is then unreliable).
    settings : dict
    """

    trace: float
    stderr: float
    samples: np.ndarray
    running_mean: np.ndarray
    n_hvp: int
    batches: tuple
    per_batch: np.ndarray | None
    per_batch_stderr: np.ndarray | None
    batch_max_over_min: float | None
    reliable: bool
    settings: dict = field(default_factory=dict)


def _probe(rng: np.random.Generator, n: int, distribution: str) -> np.ndarray:
    if distribution == "rademacher":
        return rng.integers(0, 2, n).astype(float) * 2.0 - 1.0
    return rng.standard_normal(n)


def hessian_trace(objective: Objective, theta=None, *, n_probes: int = 100, rtol: float | None = None,
                  batch: int | None = None, batches: Sequence[int] | str | None = None,
                  distribution: str = "rademacher", seed: int = 0) -> HessianTraceResult:
    """Hutchinson's trace estimator ``tr H ≈ (1/m) Σ zᵢᵀ H zᵢ`` with its standard error.

    Parameters
    ----------
    objective : Objective
    theta : array_like, optional
    n_probes : int
        Largest number of probes (HVPs) per batch.
    rtol : float, optional
        Stop early once ``stderr ≤ rtol · |trace|`` (checked from 10 probes on).
    batch, batches :
        As in :func:`hessian_eigenvalues`.
    distribution : {"rademacher", "gaussian"}
        Probe distribution; Rademacher has the smallest variance, ``2 Σ_{i≠j} H_ij²``
        (Hutchinson 1990), Gaussian ``2 ‖H‖_F²``.
    seed : int

    Returns
    -------
    HessianTraceResult
    """
    n_probes = check_positive_int(n_probes, "n_probes", minimum=2)
    if distribution not in ("rademacher", "gaussian"):
        raise ValidationError(f"distribution must be 'rademacher' or 'gaussian'; got {distribution!r}.")
    if rtol is not None:
        rtol = check_positive_float(rtol, "rtol")
    th = objective._theta(theta)
    blist = _batch_list(objective, batch, batches)
    rng = np.random.default_rng(seed)
    per, per_se, first = [], [], None
    n_hvp = 0
    for b in blist:
        s = []
        for i in range(n_probes):
            z = _probe(rng, th.size, distribution)
            s.append(float(z @ objective.hvp(th, z, b)))
            n_hvp += 1
            if rtol is not None and i >= 9:
                se = np.std(s, ddof=1) / math.sqrt(len(s))
                if se <= rtol * abs(np.mean(s)):
                    break
        s = np.array(s)
        per.append(s.mean())
        per_se.append(s.std(ddof=1) / math.sqrt(s.size))
        if first is None:
            first = s
    running = np.cumsum(first) / np.arange(1, first.size + 1)
    reliable = first.size >= 10
    settings = {"n_probes": n_probes, "rtol": rtol, "distribution": distribution, "seed": seed}
    if len(blist) == 1:
        return HessianTraceResult(per[0], per_se[0], first, running, n_hvp, tuple(blist), None, None, None,
                                  reliable, settings)
    per_a, se_a = np.array(per), np.array(per_se)
    between = per_a.std(ddof=1) / math.sqrt(per_a.size)
    within = math.sqrt(np.sum(se_a ** 2)) / per_a.size
    ratio = float(np.max(np.abs(per_a)) / np.min(np.abs(per_a))) if np.min(np.abs(per_a)) > 0 else float("inf")
    return HessianTraceResult(float(per_a.mean()), float(max(between, within)), first, running, n_hvp,
                              tuple(blist), per_a, se_a, ratio, reliable, settings)


# --------------------------------------------------------------------------- density
@dataclass(frozen=True)
class HessianDensityResult:
    """Spectral density of the Hessian by stochastic Lanczos quadrature.

    Attributes
    ----------
    nodes, weights : numpy.ndarray, shape (n_probes, m)
        Gauss quadrature rule of each probe (weights sum to 1 per probe).
    grid : numpy.ndarray
        Eigenvalue axis of :attr:`density`.
    density : numpy.ndarray
        ``φ(t) = (1/n_probes) Σ_probes Σ_i w_i N(t; θ_i, σ²)`` (integrates to 1 over the grid).
    sigma : float
        Gaussian broadening (eigenvalue units).
    moments : numpy.ndarray, shape (4,)
        ``tr(H^p)/n`` for p = 1..4 estimated from the quadrature (mean over probes); the rule is
        exact per probe for ``p ≤ 2m − 1``.
    moments_stderr : numpy.ndarray, shape (4,)
        Standard error over probes.
    trace : float
        ``n · moments[0]``.
    n_hvp : int
    batches : tuple
    per_batch_moments : numpy.ndarray or None
    reliable : bool
    settings : dict
    """

    nodes: np.ndarray
    weights: np.ndarray
    grid: np.ndarray
    density: np.ndarray
    sigma: float
    moments: np.ndarray
    moments_stderr: np.ndarray
    trace: float
    n_hvp: int
    batches: tuple
    per_batch_moments: np.ndarray | None
    reliable: bool
    settings: dict = field(default_factory=dict)

    def moment(self, p: int) -> float:
        """Quadrature estimate of ``tr(H^p)/n`` averaged over probes (any integer ``p ≥ 0``)."""
        return float(np.mean(np.sum(self.weights * self.nodes ** int(p), axis=1)))


def hessian_density(objective: Objective, theta=None, *, n_iter: int = 80, n_probes: int = 10,
                    batch: int | None = None, batches: Sequence[int] | str | None = None,
                    sigma: float | None = None, n_grid: int = 1000, seed: int = 0) -> HessianDensityResult:
    """Spectral density of the Hessian by stochastic Lanczos quadrature (Ghorbani et al. 2019).

    Parameters
    ----------
    objective : Objective
    theta : array_like, optional
    n_iter : int
        Lanczos steps per probe ``m`` (HVPs per probe; exact moments up to order ``2m − 1``).
    n_probes : int
        Number of Rademacher probes (normalised to unit length).
    batch, batches :
        As in :func:`hessian_eigenvalues`; with several batches the density pools all probes.
    sigma : float, optional
        Gaussian broadening; default ``0.01 × (max node − min node)``.
    n_grid : int
        Grid points of the density, spanning the nodes ± 5 σ.
    seed : int

    Returns
    -------
    HessianDensityResult
    """
    n_iter = check_positive_int(n_iter, "n_iter")
    n_probes = check_positive_int(n_probes, "n_probes")
    n_grid = check_positive_int(n_grid, "n_grid", minimum=10)
    th = objective._theta(theta)
    n = th.size
    m = min(n_iter, n)
    blist = _batch_list(objective, batch, batches)
    rng = np.random.default_rng(seed)
    nodes = np.zeros((len(blist) * n_probes, m))
    weights = np.zeros_like(nodes)
    n_hvp = 0
    r = 0
    for b in blist:
        for _ in range(n_probes):
            z = _probe(rng, n, "rademacher")
            res = lanczos(lambda v: objective.hvp(th, v, b), z, m)
            n_hvp += len(res.alpha)
            t, S = _tridiag_eig(res.alpha, res.beta[:-1])
            nodes[r, :t.size] = t
            weights[r, :t.size] = S[0] ** 2   # zero-padded when Lanczos stopped on an invariant subspace
            r += 1
    pw = np.stack([np.sum(weights * nodes ** p, axis=1) for p in range(1, 5)], axis=1)   # (probes, 4)
    moments = pw.mean(axis=0)
    se = pw.std(axis=0, ddof=1) / math.sqrt(pw.shape[0]) if pw.shape[0] > 1 else np.full(4, np.nan)
    used = weights > 0
    lo, hi = float(nodes[used].min()), float(nodes[used].max())
    if sigma is None:
        sigma = 0.01 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 1e-3
    sigma = check_positive_float(sigma, "sigma")
    grid = np.linspace(lo - 5 * sigma, hi + 5 * sigma, n_grid)
    dens = np.zeros(n_grid)
    for t, w in zip(nodes[used], weights[used]):
        dens += w * np.exp(-0.5 * ((grid - t) / sigma) ** 2)
    dens /= nodes.shape[0] * sigma * math.sqrt(2 * math.pi)
    per_b = None
    if len(blist) > 1:
        per_b = pw.reshape(len(blist), n_probes, 4).mean(axis=1)
    settings = {"n_iter": m, "n_probes": n_probes, "sigma": sigma, "n_grid": n_grid, "seed": seed,
                "probe": "rademacher, normalised"}
    return HessianDensityResult(nodes, weights, grid, dens, float(sigma), moments, se, float(n * moments[0]), n_hvp,
                                tuple(blist), per_b, pw.shape[0] > 1, settings)
