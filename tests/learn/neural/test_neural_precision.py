"""Training precision (float32 opt-in) and the cheap softplus of the neural ODE's MLP."""
import numpy as np
import pytest

import attractor
from attractor import ValidationError

pytest.importorskip("jax")
pytest.importorskip("equinox")
pytest.importorskip("diffrax")
pytest.importorskip("optax")

from attractor.learn.neural import GRU, LipschitzRNN, NeuralODE  # noqa: E402


@pytest.fixture(scope="module")
def lorenz():
    return attractor.system("lorenz").trajectory(600, dt=0.01, transient=10).x


def test_softplus_matches_log1p_exp_to_a_few_ulp():
    # Closed form: softplus(x) = log(1 + e^x), softplus'(x) = 1 / (1 + e^-x) (logistic).
    import jax
    import jax.numpy as jnp

    from attractor.learn.neural import _node_jax as nj

    x = np.linspace(-700.0, 700.0, 200_001)
    ref = np.logaddexp(x, 0.0)                       # NumPy's float64 log(1 + e^x)
    got = np.asarray(nj.softplus(jnp.asarray(x)))
    assert np.max(np.abs(got - ref) / ref) < 1e-15   # ~4 ulp
    slope = np.asarray(jax.vmap(jax.grad(nj.softplus))(jnp.asarray(x)))
    ref_slope = np.exp(-np.logaddexp(0.0, -x))        # logistic 1 / (1 + e^-x), overflow-free
    assert np.max(np.abs(slope - ref_slope) / np.maximum(ref_slope, 1e-300)) < 1e-13
    # second derivative (Jacobians of the Jacobian) still exact: logistic' = e^-|x| / (1 + e^-|x|)^2
    xs = x[::1000]
    curv = np.asarray(jax.vmap(jax.grad(jax.grad(nj.softplus)))(jnp.asarray(xs)))
    u = np.exp(-np.abs(xs))
    assert np.allclose(curv, u / (1 + u) ** 2, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("cls, kw", [
    pytest.param(NeuralODE, dict(width=16, depth=2, warm_epochs=3, epochs=2, window=6, shooting_batch_size=16),
                 marks=pytest.mark.slow),   # two float32/float64 solver compilations: ~15 s
    (GRU, dict(hidden_size=8, epochs=3, window=20, washout=5, batch_size=8)),
    (LipschitzRNN, dict(hidden_size=8, epochs=3, window=20, washout=5, batch_size=8)),
])
def test_float32_training_gives_float64_model_close_to_float64_training(lorenz, cls, kw):
    m64 = cls(seed=1, **kw).fit(lorenz, dt=0.01)
    m32 = cls(seed=1, precision="float32", **kw).fit(lorenz, dt=0.01)
    w64, w32 = m64.weights(), m32.weights()
    assert w32.dtype == np.float64 and w32.shape == w64.shape
    # same seed, same schedule: float32 rounding (~1e-7 relative) moves the few Adam steps only slightly
    assert np.max(np.abs(w32 - w64)) < 1e-3 * max(1.0, np.max(np.abs(w64)))
    assert np.isfinite(m32.forecast(lorenz[:60], 5)).all()
    sysm = m32.to_system()
    assert np.asarray(sysm.jacobian(np.full(sysm.dimension, 0.1))).dtype == np.float64


def test_precision_is_validated(lorenz):
    with pytest.raises(ValidationError, match="precision"):
        GRU(precision="float16").fit(lorenz, dt=0.01)
    with pytest.raises(ValidationError, match="precision"):
        NeuralODE(precision="half").fit(lorenz, dt=0.01)

