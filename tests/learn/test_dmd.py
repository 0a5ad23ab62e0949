"""Exact DMD, Hankel DMD and EDMD (attractor.learn.dmd)."""
import numpy as np
import pytest
from scipy.linalg import expm

from attractor.core.errors import InsufficientDataError, ValidationError
from attractor.learn import DMD, EDMD, HankelDMD, optimal_rank

RATES = np.array([-0.1, -0.5, 0.05])
OMEGAS = np.array([2.0, 5.3, 11.0])


@pytest.fixture(scope="module")
def damped():
    # Three damped/growing oscillations, each with two spatial profiles (rank 6), 400 × 200
    dt = 0.01
    t = np.arange(400) * dt
    xs = np.linspace(-5, 5, 200)
    X = np.zeros((t.size, xs.size))
    for i, (g, w) in enumerate(zip(RATES, OMEGAS)):
        X += np.outer(np.exp(g * t) * np.cos(w * t), 1 / np.cosh(xs + i))
        X += np.outer(np.exp(g * t) * np.sin(w * t), np.tanh(xs - i) / np.cosh(xs - i))
    return X, dt


def test_dmd_damped_sinusoids(damped):
    # Schmid (2010)/Tu et al. (2014): for data that are exactly a sum of K modes e^{(g+iω)t},
    # exact DMD returns λ = e^{(g±iω)dt}; requirement: rates and frequencies to 1e-6.
    X, dt = damped
    m = DMD().fit(X, dt)
    assert m.rank_ == 6  # Gavish–Donoho threshold finds the rank
    ce = m.continuous_eigenvalues_
    for g, w in zip(RATES, OMEGAS):
        k = np.argmin(np.abs(ce - (g + 1j * w)))
        assert abs(ce[k].real - g) < 1e-6 and abs(ce[k].imag - w) < 1e-6
    assert np.allclose(np.sort(np.abs(m.frequencies_)), np.sort(np.repeat(OMEGAS / (2 * np.pi), 2)), atol=1e-6)
    assert np.max(np.abs(m.reconstruct(X.shape[0]) - X)) < 1e-8
    assert np.allclose(m.predict(X[0], 5), X[1:6], atol=1e-9)
    sys_ = m.to_system()
    assert sys_.kind == "map" and np.allclose(sys_.step(X[10]), X[11], atol=1e-9)
    tr = sys_.trajectory(3, x0=X[0])
    assert np.allclose(tr.x, X[:3], atol=1e-9)


def test_optimal_rank_gavish_donoho():
    # Gavish & Donoho (2014): for a square matrix ω(1) = 0.56 − 0.95 + 1.82 + 1.43 = 2.86
    # times the median singular value; a rank-3 signal in white noise is recovered.
    rng = np.random.default_rng(0)
    n = 300
    signal = (rng.standard_normal((n, 3)) * [30, 20, 15]) @ rng.standard_normal((3, n)) / np.sqrt(n)
    A = signal + 0.1 * rng.standard_normal((n, n))
    s = np.linalg.svd(A, compute_uv=False)
    assert optimal_rank(s, A.shape) == 3
    assert optimal_rank(np.array([3.0, 2.0] + [1.0] * 6), (8, 8)) == 1  # 2.86 × median(=1)


def test_optimal_rank_keeps_every_mode_of_few_observables():
    """With fewer than 8 singular values there is no noise bulk for the median rule: a damped
    rotation observed in 2 channels (singular values of similar size) keeps both modes, so the
    automatic rank forecasts it exactly (the median rule would keep one and lose the rotation)."""
    dt = 0.05
    t = np.arange(400) * dt
    osc = np.c_[np.exp(-0.1 * t) * np.cos(2 * t), 0.3 * np.exp(-0.1 * t) * np.sin(2 * t)]
    s = np.linalg.svd(osc[:-1].T, compute_uv=False)
    omega = 1.43 + 1.82 * (2 / 399) - 0.95 * (2 / 399) ** 2 + 0.56 * (2 / 399) ** 3
    assert s[1] < omega * np.median(s)          # the median rule would drop the second mode
    m = DMD().fit(osc[:300], dt)
    assert m.rank_ == 2
    np.testing.assert_allclose(np.sort(m.continuous_eigenvalues_.imag), [-2, 2], atol=1e-8)
    np.testing.assert_allclose(m.forecast(osc[:300], 50), osc[300:350], atol=1e-8)
    assert optimal_rank(np.array([1.0, 1e-20]), (2, 100)) == 1   # numerically zero values still go


def test_dmd_family_forecast_method():
    """forecast(history, horizon) on every DMD model, exact on a linear flow ẋ = Ax (the
    one-step map is expm(A dt)); context length, channel and horizon checks."""
    A = np.array([[-0.1, 2.0, 0.0], [-2.0, -0.1, 0.0], [0.0, 0.0, -0.5]])
    dt = 0.05
    step = expm(A * dt)
    X = np.empty((300, 3))
    X[0] = [1.0, 0.0, 2.0]
    for k in range(1, 300):
        X[k] = step @ X[k - 1]
    for model, need in ((DMD(), 1), (HankelDMD(delays=5), 5), (EDMD(degree=1), 1)):
        m = model.fit(X[:200], dt)
        assert m.required_history == need
        np.testing.assert_allclose(m.forecast(X[:200], 20), X[200:220], atol=1e-6)
        with pytest.raises(InsufficientDataError, match=f"at least {need}" if need > 1 else "at least 1"):
            m.forecast(X[:need - 1] if need > 1 else X[:0], 3)
        with pytest.raises(ValidationError, match="channel"):
            m.forecast(X[:200, :2], 3)
        with pytest.raises(ValidationError, match="horizon"):
            m.forecast(X[:200], 0)
    with pytest.raises(ValidationError, match="not fitted"):
        HankelDMD().forecast(X, 3)


def test_hankel_dmd_scalar_observable():
    # Arbabi & Mezić (2017): delay embedding of one observable of a linear system ẋ = Ax
    # recovers the eigenvalues of A (here −0.1 ± 2i and −0.5).
    A = np.array([[-0.1, 2.0, 0.0], [-2.0, -0.1, 0.0], [0.0, 0.0, -0.5]])
    dt = 0.05
    M = expm(A * dt)
    x = np.array([1.0, 0.5, 2.0])
    ys = []
    for _ in range(400):
        ys.append(x.sum())
        x = M @ x
    ys = np.array(ys)
    h = HankelDMD(delays=10).fit(ys, dt)
    assert h.rank_ == 3
    assert np.allclose(np.sort_complex(h.continuous_eigenvalues_), np.sort_complex(np.linalg.eigvals(A)), atol=1e-8)
    assert np.allclose(h.predict(ys[:50], 20)[:, 0], ys[50:70], atol=1e-9)


def test_edmd_koopman_invariant_subspace():
    # Brunton, Brunton, Proctor & Kutz (2016), PLoS ONE 11, e0150171: for x' = a x,
    # y' = b y + c x², span{x, y, x²} is Koopman-invariant, with eigenvalues a, b, a².
    a, b, c = 0.9, 0.5, 1.0
    x = np.array([1.0, 0.7])
    X = []
    for _ in range(60):
        X.append(x)
        x = np.array([a * x[0], b * x[1] + c * x[0] ** 2])
    X = np.array(X)
    e = EDMD("polynomial", degree=2).fit(X)
    for lam in (1.0, a, b, a * a):
        assert np.min(np.abs(e.eigenvalues_ - lam)) < 1e-8
    assert np.allclose(e.to_system().step([0.3, 0.2]), [a * 0.3, b * 0.2 + c * 0.09])
    # eigenfunction of λ = a is φ(x, y) ∝ x
    k = np.argmin(np.abs(e.eigenvalues_ - a))
    phi = e.eigenfunctions(X)[:, k]
    assert np.allclose(phi / phi[0], X[:, 0] / X[0, 0], atol=1e-8)
    for kind in ("rbf", "rff"):
        m1 = EDMD(kind, n_features=20, seed=3).fit(X)
        m2 = EDMD(kind, n_features=20, seed=3).fit(X)
        assert np.array_equal(m1.K_, m2.K_)  # seeded
        assert np.allclose(m1.predict(X[0], 3), X[1:4], atol=1e-3)


def test_dmd_bad_input(damped):
    X, dt = damped
    with pytest.raises(InsufficientDataError, match="at least 3"):
        DMD().fit(X[:2], dt)
    Xn = X.copy()
    Xn[3, 4] = np.nan
    with pytest.raises(ValidationError, match="non-finite"):
        DMD().fit(Xn, dt)
    with pytest.raises(ValidationError, match="rank 500 exceeds"):
        DMD(rank=500).fit(X, dt)
    with pytest.raises(ValidationError, match="not fitted"):
        DMD().predict(X[0], 3)
    with pytest.raises(InsufficientDataError, match="at least 22"):
        HankelDMD(delays=20).fit(X[:15, 0], dt)
    with pytest.raises(ValidationError, match="dictionary must be"):
        EDMD("wavelets").fit(X[:, :2])
