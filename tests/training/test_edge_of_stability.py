"""Gradient flow and the edge-of-stability runner (issue #16).

Closed forms: on L = ½ θᵀAθ the gradient flow is θ(t) = exp(−At) θ₀ and GD is θ_k = (I − ηA)^k θ₀.
GD is Euler's method for the flow, so its global error at a fixed time is first order in η.
The slow test reproduces Cohen et al. (ICLR 2021) on a tanh MLP (digits), as the demo
``benchmarks/demo_edge_of_stability.py`` does.
"""
from __future__ import annotations

import numpy as np
import pytest

from attractor.training import (GD, gd_flow_distance, gradient_flow_system, integrate_gradient_flow,
                                objective_from_functions, run_edge_of_stability)

LAM = np.array([0.5, 1.0, 2.0, 4.0])


def diag_quad():
    A = np.diag(LAM)
    return objective_from_functions(lambda t: 0.5 * t @ A @ t, lambda t: A @ t, np.ones(4), hvp=lambda t, v: A @ v)


def test_gradient_flow_matches_matrix_exponential():
    obj = diag_quad()
    res = integrate_gradient_flow(obj, 2.0, n_out=5, method="dop853", rtol=1e-10, atol=1e-12)
    exact = np.exp(-np.outer(res.t, LAM))
    np.testing.assert_allclose(res.params, exact, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(res.loss, 0.5 * np.sum(LAM * exact ** 2, axis=1), rtol=1e-8)
    sysm = gradient_flow_system(obj)
    assert sysm.kind == "flow" and sysm.has_exact_jacobian
    np.testing.assert_allclose(sysm.jacobian(np.ones(4)), -np.diag(LAM), atol=1e-12)
    rk4 = integrate_gradient_flow(obj, 2.0, n_out=5, method="rk4", step=0.01)
    np.testing.assert_allclose(rk4.params, exact, rtol=1e-6, atol=1e-10)   # global error ~ T λ⁵ h⁴ / 120 ≈ 2e-7


def test_gd_flow_distance_is_first_order_in_the_step():
    obj = diag_quad()
    T = 2.0
    flow = np.exp(-LAM * T)
    errs = []
    for eta in (0.02, 0.01):
        k = int(round(T / eta))
        gd = (1 - eta * LAM) ** k
        d = gd_flow_distance(np.array([np.ones(4), gd]), np.array([np.ones(4), flow]))
        errs.append(d["distance"][1])
        run = GD(eta).run(obj, k, record_every=k)
        np.testing.assert_allclose(run.params[-1], gd, rtol=1e-10)
    assert errs[0] / errs[1] == pytest.approx(2.0, rel=0.05)


def test_edge_of_stability_runner_on_a_quadratic():
    """On a quadratic the sharpness is constant: below 2/η GD tracks the flow and never crosses."""
    obj = diag_quad()
    r = run_edge_of_stability(obj, 0.05, 200, sharpness_every=20)
    assert r.threshold == pytest.approx(40.0)
    np.testing.assert_allclose(r.sharpness, 4.0, rtol=1e-6)
    assert r.crossing_step is None and not r.at_edge and r.median_ratio == pytest.approx(0.1, rel=1e-6)
    assert r.loss_increases == 0 and r.loss_decreased
    assert r.flow_distance[0] == 0 and r.max_distance_before < 0.1
    # above 2/η on a quadratic, GD diverges: the error names the step and the stability limit
    from attractor.training import TrainingDivergenceError

    with pytest.raises(TrainingDivergenceError, match=r"diverged at step \d+ \(learning rate 0\.6\).*stability limit"):
        run_edge_of_stability(obj, 0.6, 400, sharpness_every=20)


@pytest.mark.slow
def test_edge_of_stability_reproduced_on_a_tanh_mlp():
    """Cohen et al. 2021 on 1000 digits, MLP 64-200-200-10, η = 0.45, 0.5, 0.6 (the demo's runs)."""
    pytest.importorskip("jax")
    from attractor.training.edge_of_stability import digits_mlp_objective

    obj = digits_mlp_objective(n_samples=1000, width=200, seed=0)
    for lr, n in ((0.45, 600), (0.5, 600), (0.6, 500)):
        r = run_edge_of_stability(obj, lr, n, sharpness_every=20)
        assert r.sharpness[0] < 0.9 * r.threshold                 # starts below 2/η: progressive sharpening
        assert r.crossing_step is not None and r.crossing_step < n / 2
        assert abs(r.median_ratio - 1) <= 0.10                    # hovers at 2/η (±10 %) over the second half
        assert r.loss_decreased and r.loss_increases >= 5         # keeps decreasing, non-monotonically
        assert r.max_distance_before < 0.05 < r.distance_after    # tracks the flow, then departs
        assert r.departure_step > r.crossing_step
