"""Objectives: the JAX and the framework-neutral paths, and their checks (issue #16)."""
from __future__ import annotations

import numpy as np
import pytest

from attractor.training import (HVPMismatchError, NonFiniteLossError, NotDifferentiableError, check_hvp,
                                objective_from_functions)
from attractor.core.errors import ValidationError


def quadratic(n=30, seed=0):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    lam = np.linspace(-1.0, 10.0, n)
    A = (Q * lam) @ Q.T
    return A, lam


def test_functions_path_exact_on_quadratic():
    A, _ = quadratic()
    obj = objective_from_functions(lambda t: 0.5 * t @ A @ t, lambda t: A @ t, np.ones(30), hvp=lambda t, v: A @ v)
    v = np.arange(30.0)
    np.testing.assert_allclose(obj.hvp(obj.theta0, v), A @ v, rtol=0, atol=1e-12)
    # finite-difference fallback (no hvp): exact for a quadratic up to rounding, ~1e-7 relative
    obj2 = objective_from_functions(lambda t: 0.5 * t @ A @ t, lambda t: A @ t, np.ones(30))
    assert not obj2.exact_hvp
    np.testing.assert_allclose(obj2.hvp(obj2.theta0, v), A @ v, rtol=1e-7, atol=1e-7 * np.linalg.norm(A @ v))


def test_wrong_hvp_is_caught():
    A, _ = quadratic()
    with pytest.raises(HVPMismatchError, match="disagrees with a central difference"):
        objective_from_functions(lambda t: 0.5 * t @ A @ t, lambda t: A @ t, np.ones(30),
                                 hvp=lambda t, v: 1.01 * (A @ v))
    obj = objective_from_functions(lambda t: 0.5 * t @ A @ t, lambda t: A @ t, np.ones(30), hvp=lambda t, v: A @ v)
    assert check_hvp(obj) < 1e-6


def test_wrong_gradient_and_piecewise_constant_model():
    A, _ = quadratic()
    with pytest.raises(NotDifferentiableError, match="disagrees with a central difference of its loss"):
        objective_from_functions(lambda t: 0.5 * t @ A @ t, lambda t: 2 * A @ t, np.ones(30))
    with pytest.raises(NotDifferentiableError, match="piecewise constant"):
        objective_from_functions(lambda t: float(np.sum(np.round(3 * t) ** 2)), lambda t: np.zeros_like(t),
                                 np.full(30, 0.55))


def test_nan_loss_names_batch_and_step():
    obj = objective_from_functions(lambda t: float(np.sum(t ** 2)) if t[0] < 2 else float("nan"),
                                   lambda t: 2 * t, np.ones(3))
    with pytest.raises(NonFiniteLossError, match="returned nan at step 7 on the full batch"):
        obj.loss(np.full(3, 3.0), step=7)
    with pytest.raises(ValidationError, match="no stated batches"):
        obj.loss(np.ones(3), batch=0)
    with pytest.raises(ValidationError, match="2 entries"):
        obj.grad(np.ones(2))


def _mlp_objective(**kw):
    from attractor.learn.neural._jax import load
    from attractor.training import objective_from_jax

    ns = load()
    jnp, eqx = ns.jnp, ns.eqx
    key = ns.jax.random.PRNGKey(0)
    model = eqx.nn.MLP(3, 2, 8, 2, activation=jnp.tanh, key=key)
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((40, 3)), rng.standard_normal((40, 2))

    def loss(m, x, y):
        return 0.5 * jnp.mean(jnp.sum((ns.jax.vmap(m)(x) - y) ** 2, axis=1))

    return objective_from_jax(loss, model, (X, Y), **kw), (X, Y)


def test_jax_path_hvp_matches_finite_differences_and_batches():
    pytest.importorskip("jax")
    obj, (X, Y) = _mlp_objective(batch_size=20)
    assert obj.backend == "jax" and obj.n_batches == 2 and obj.batch_sizes == (20, 20)
    assert check_hvp(obj, n_probes=3, rtol=1e-6) < 1e-6
    # the full-batch loss is the size-weighted mean of the batch losses
    full = obj.loss()
    parts = sum(s * obj.loss(batch=b) for b, s in enumerate(obj.batch_sizes)) / 40
    assert abs(full - parts) < 1e-12 * full
    m = obj.unravel(obj.theta0)
    assert type(m).__name__ == "MLP"


def test_jax_non_differentiable_models():
    pytest.importorskip("jax")
    from attractor.learn.neural._jax import load
    from attractor.training import objective_from_jax

    jnp = load().jnp
    X = np.linspace(0.1, 1, 20)
    with pytest.raises(NotDifferentiableError, match="piecewise constant"):
        objective_from_jax(lambda w, x: jnp.mean(jnp.round(w * x) ** 2), np.array([2.3]), (X,))
    with pytest.raises(NotDifferentiableError, match="JAX could not differentiate"):
        objective_from_jax(lambda w, x: float(np.mean(np.asarray(w) * x)), np.array([2.3]), (X,))
    with pytest.raises(NotDifferentiableError, match="JAX could not differentiate"):
        objective_from_jax(lambda w, x: jnp.mean(w * x).astype(jnp.int32), np.array([2.3]), (X,))


def test_import_training_does_not_import_jax():
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, attractor\nt = attractor.training\n[getattr(t, n) for n in t.__all__]\n"
            "bad = [k for k in sys.modules if k.split('.')[0] in ('jax', 'jaxlib', 'equinox', 'optax', 'torch')]\n"
            "assert not bad, bad\n")
    src = str(Path(__file__).resolve().parents[2] / "src")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": src})
    assert res.returncode == 0, res.stderr[-2000:]
