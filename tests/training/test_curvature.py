"""Curvature from HVPs against closed forms (issue #16).

Quadratic loss L(θ) = ½ θᵀAθ with A = Q diag(λ) Qᵀ has Hessian A: its top eigenvalues are the
largest λ, its trace Σλ and its spectral moments tr(A^p)/n = mean(λ^p) — all known exactly.
"""
from __future__ import annotations

import numpy as np
import pytest

from attractor.core.errors import ConvergenceWarning, ValidationError
from attractor.training import hessian_density, hessian_eigenvalues, hessian_trace, objective_from_functions


def quad_objective(n=400, seed=0, top=(100.0, 90.0, 80.0, 70.0, 60.0)):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    lam = np.concatenate([np.array(top), rng.uniform(-1.0, 10.0, n - len(top))])
    A = (Q * lam) @ Q.T
    A = 0.5 * (A + A.T)
    obj = objective_from_functions(lambda t: 0.5 * t @ A @ t, lambda t: A @ t, rng.standard_normal(n),
                                   hvp=lambda t, v: A @ v, name="quadratic")
    return obj, A, np.sort(lam)[::-1]


def test_top5_eigenvalues_to_1e6():
    obj, A, lam = quad_objective()
    res = hessian_eigenvalues(obj, k=5, return_vectors=True)
    assert res.converged and res.reliable
    np.testing.assert_allclose(res.eigenvalues, lam[:5], rtol=1e-6, atol=0)   # |error| <= 1e-6 relative
    assert np.max(np.abs(res.eigenvalues - lam[:5])) < 1e-6
    assert np.all(res.residuals <= 1e-8 * lam[0] + 1e-12)
    for val, vec in zip(res.eigenvalues, res.eigenvectors):
        assert np.linalg.norm(A @ vec - val * vec) < 1e-6
    assert res.n_hvp < 150 and res.ritz_history.shape[1] == 5


def test_lanczos_not_converged_warns():
    obj, _, _ = quad_objective()
    with pytest.warns(ConvergenceWarning, match="did not reach"):
        res = hessian_eigenvalues(obj, k=5, max_iter=8, tol=1e-12)
    assert not res.reliable


def test_hutchinson_trace_within_its_standard_error():
    obj, A, lam = quad_objective(n=200, top=(20.0, 15.0))
    tr = lam.sum()
    res = hessian_trace(obj, n_probes=100, seed=1)
    assert abs(res.trace - tr) < 3 * res.stderr
    # the stated standard error is calibrated: |error| < 1 SE in ~68 % of seeds (binomial 50 draws)
    inside = [abs(hessian_trace(obj, n_probes=50, seed=s).trace - tr) < hessian_trace(obj, n_probes=50, seed=s).stderr
              for s in range(50)]
    assert 0.5 <= np.mean(inside) <= 0.86
    # Rademacher variance is exactly 2 Σ_{i≠j} A_ij² (Hutchinson 1990)
    var = 2 * (np.sum(A ** 2) - np.sum(np.diag(A) ** 2))
    big = hessian_trace(obj, n_probes=2000, seed=3)
    assert abs(big.samples.var(ddof=1) / var - 1) < 0.15


def test_slq_moments_exact():
    obj, A, lam = quad_objective(n=300, top=(30.0, 25.0))
    res = hessian_density(obj, n_iter=12, n_probes=8, seed=2)
    # per probe, the m-node Gauss rule integrates λ^p exactly for p <= 2m-1: compare with vᵀA^p v
    rng = np.random.default_rng(2)
    for r in range(8):
        z = (rng.integers(0, 2, 300) * 2.0 - 1.0) / np.sqrt(300)
        Ap = z.copy()
        for p in range(1, 5):
            Ap = A @ Ap
            assert abs(np.sum(res.weights[r] * res.nodes[r] ** p) - z @ Ap) < 1e-9 * np.mean(np.abs(lam) ** p)
    # the probe average estimates tr(A^p)/n = mean(λ^p) within its standard error
    for p in range(4):
        assert abs(res.moments[p] - np.mean(lam ** (p + 1))) < 4 * res.moments_stderr[p]
    assert abs(np.trapezoid(res.density, res.grid) - 1) < 1e-3
    # with as many Lanczos steps as parameters, the nodes are the eigenvalues themselves
    small, As, lam_s = quad_objective(n=40, top=(5.0,))
    full = hessian_density(small, n_iter=40, n_probes=2)
    used = full.weights[0] > 1e-20
    assert np.max(np.min(np.abs(full.nodes[0][used][:, None] - lam_s[None, :]), axis=1)) < 1e-9
    assert full.moment(2) == pytest.approx(np.mean(np.sum(full.weights * full.nodes ** 2, axis=1)))


def test_batches_report_batch_dependence():
    rng = np.random.default_rng(0)
    n = 20
    As = []
    for b in range(4):
        Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
        As.append((Q * np.linspace(1, 10 * (b + 1), n)) @ Q.T)

    obj = objective_from_functions(lambda t, b: 0.5 * t @ (As[b] if b is not None else sum(As) / 4) @ t,
                                   lambda t, b: (As[b] if b is not None else sum(As) / 4) @ t, np.ones(n),
                                   hvp=lambda t, v, b: (As[b] if b is not None else sum(As) / 4) @ v, n_batches=4)
    res = hessian_eigenvalues(obj, k=1, batches="all")
    np.testing.assert_allclose(res.per_batch[:, 0], [10, 20, 30, 40], rtol=1e-8)
    assert res.eigenvalues[0] == pytest.approx(25.0) and res.batch_max_over_min[0] == pytest.approx(4.0)
    tr = hessian_trace(obj, batches=[0, 3], n_probes=20)
    assert tr.per_batch.shape == (2,) and tr.batch_max_over_min > 2
    with pytest.raises(ValidationError, match="either batch"):
        hessian_trace(obj, batch=0, batches=[1, 2])
    with pytest.raises(ValidationError, match=r"\[0, 4\)"):
        hessian_eigenvalues(obj, batch=4)


@pytest.mark.slow
def test_top3_eigenvalues_match_pyhessian_on_a_tanh_mlp():
    """Same network and weights as ``benchmarks/bench_curvature.py`` ("small": MLP 64-50-50-10, 500 digits).

    Reference: PyHessian 0.1 (torch 2.13.0+cpu, float64), ``hessian(net, crit, data=(X, Y),
    cuda=False).eigenvalues(maxIter=3000, tol=1e-9, top_n=3)`` on our weights copied into
    ``torch.nn.Linear`` layers. PyHessian normalises with ``v / (‖v‖ + 1e-6)`` twice per power
    step, which biases its values low by 2e-6 relative; the issue asks for 1e-4.
    """
    pytest.importorskip("jax")
    from attractor.training.edge_of_stability import digits_mlp_objective

    pyhessian_top3 = np.array([2.54830581, 2.31280915, 2.24855533])
    obj = digits_mlp_objective(n_samples=500, width=50, seed=0)
    res = hessian_eigenvalues(obj, k=3, tol=1e-10, max_iter=300)
    assert res.converged
    rel = np.abs(res.eigenvalues - pyhessian_top3) / pyhessian_top3
    assert np.max(rel) < 1e-4
    assert np.all(np.abs(rel - 2.0e-6) < 2e-7)     # the agreement is PyHessian's own normalisation bias
