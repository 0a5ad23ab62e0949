"""Derivatives from data and feature libraries (attractor.learn)."""
import numpy as np
import pytest
import sympy as sp

from attractor.core.errors import InsufficientDataError, ValidationError
from attractor.learn import (ConcatLibrary, CustomLibrary, FourierLibrary, PolynomialLibrary, TensorLibrary,
                             differentiate, finite_difference, spectral_derivative, tv_derivative)


@pytest.fixture(scope="module")
def sine():
    t = np.linspace(0, 2 * np.pi, 200, endpoint=False)
    return t, np.sin(3 * t), 3 * np.cos(3 * t)


def test_finite_difference_orders(sine):
    # Truncation error of the centred formulas: h²/6 |f'''| (order 2) and h⁴/30 |f⁽⁵⁾| (order 4)
    # (e.g. Fornberg 1988); h = 2π/200, f = sin 3t: bounds 0.0074 and 1.4e-5 in the interior.
    t, x, dx = sine
    h = t[1] - t[0]
    e2 = np.max(np.abs(finite_difference(x, t, 2) - dx)[1:-1])
    e4 = np.max(np.abs(finite_difference(x, t, 4) - dx)[2:-2])
    assert e2 <= 1.01 * h ** 2 / 6 * 27 and e2 > 0.5 * h ** 2 / 6 * 27
    assert e4 <= 1.01 * h ** 4 / 30 * 243


def test_finite_difference_orders_6_and_8(sine):
    # Leading truncation errors of the centred 7- and 9-point formulas: h⁶/140 |f⁽⁷⁾| and
    # h⁸/630 |f⁽⁹⁾| (Fornberg 1988); f = sin 3t. Every formula of order p (the off-centre ones
    # at the ends included) differentiates polynomials of degree p exactly.
    t, x, dx = sine
    h = t[1] - t[0]
    e6 = np.max(np.abs(finite_difference(x, t, 6) - dx)[3:-3])
    e8 = np.max(np.abs(finite_difference(x, t, 8) - dx)[4:-4])
    assert 0.5 * h ** 6 / 140 * 3 ** 7 < e6 <= 1.01 * h ** 6 / 140 * 3 ** 7
    assert e8 <= 1.01 * h ** 8 / 630 * 3 ** 9
    tt = np.linspace(-1, 1, 30)
    for p in (6, 8):
        d = finite_difference(tt ** p - 2 * tt ** 3, tt, p)
        assert np.max(np.abs(d - (p * tt ** (p - 1) - 6 * tt ** 2))) < 1e-8
    with pytest.raises(ValidationError, match="2, 4, 6 or 8"):
        finite_difference(x, t, 5)


def test_finite_difference_nonuniform_exact_for_quadratics():
    # The 3-point Fornberg weights differentiate polynomials of degree <= 2 exactly.
    t = np.sort(np.random.default_rng(0).uniform(0, 1, 300))
    assert np.allclose(finite_difference(t ** 2 - 3 * t, t), 2 * t - 3, atol=1e-9)


def test_spectral_periodic_exact_and_nonperiodic(sine):
    t, x, dx = sine
    assert np.max(np.abs(spectral_derivative(x, t, periodic=True) - dx)) < 1e-10
    # non-periodic (caveat in the docstring): accurate away from the ends
    tt = np.linspace(0, 3, 300)
    d = spectral_derivative(np.exp(tt), tt)
    assert np.max(np.abs(d - np.exp(tt))[30:-30] / np.exp(tt)[30:-30]) < 1e-3


def test_savgol_and_dispatch(sine):
    # A Savitzky–Golay filter of degree p reproduces polynomials of degree <= p exactly
    # (Savitzky & Golay 1964), so the derivative of a cubic is exact with polyorder=3.
    tt = np.linspace(-1, 2, 61)
    d = differentiate(tt ** 3 - tt, tt, "savgol", window=11, polyorder=3)
    assert np.allclose(d, 3 * tt ** 2 - 1, atol=1e-10)
    t, x, dx = sine
    assert np.max(np.abs(differentiate(x, t, "savgol", window=11, polyorder=4) - dx)[5:-5]) < 1e-3
    with pytest.raises(ValidationError, match="unknown differentiation method"):
        differentiate(x, t, "magic")


def test_tv_chartrand_example():
    # Chartrand (2011), Sec. 3 / Fig. 1: f(x) = |x − 1/2| on 100 points of [0, 1] plus Gaussian
    # noise of std 0.05, alpha = 0.2: TV differentiation recovers the step derivative ±1,
    # whereas finite differences give O(1) noise.
    rng = np.random.default_rng(1)
    x = np.linspace(0, 1, 100)
    f = np.abs(x - 0.5) + 0.05 * rng.standard_normal(100)
    u = tv_derivative(f, x, alpha=0.2)
    mask = np.abs(x - 0.5) > 0.1
    err_tv = np.median(np.abs(u - np.sign(x - 0.5))[mask])
    err_fd = np.median(np.abs(np.gradient(f, x) - np.sign(x - 0.5))[mask])
    assert err_tv < 0.2 and err_fd > 1.0


def test_derivative_bad_input():
    with pytest.raises(ValidationError, match="strictly increasing"):
        finite_difference(np.arange(5.0), [0, 1, 3, 2, 4])
    with pytest.raises(ValidationError, match="time stamps"):
        finite_difference(np.arange(5.0), np.arange(4.0))
    with pytest.raises(ValidationError, match="non-finite"):
        finite_difference([0, 1, np.nan, 3.0])
    with pytest.raises(InsufficientDataError, match="at least 5"):
        finite_difference(np.arange(4.0), order=4)
    with pytest.raises(ValidationError, match="not uniformly sampled"):
        finite_difference(np.arange(6.0), [0, 1, 2, 3, 4, 6], order=4)


def test_polynomial_library_matches_symbolic_system_order():
    import attractor

    names, _ = attractor.system("lorenz").coefficients(3)
    lib = PolynomialLibrary(3)
    assert lib.names(("x", "y", "z")) == names
    X = np.random.default_rng(0).standard_normal((5, 3))
    Th = lib.transform(X)
    x, y, z = sp.symbols("x y z")
    f = sp.lambdify((x, y, z), lib.expressions((x, y, z)))
    assert np.allclose(Th, np.array([np.broadcast_to(v, 5) for v in f(*X.T)]).T)
    assert Th.shape == (5, 20)  # C(3 + 3, 3)


def test_fourier_custom_concat_tensor():
    X = np.random.default_rng(1).standard_normal((7, 2))
    four = FourierLibrary(2)
    assert four.names(["a", "b"]) == ["sin(a)", "cos(a)", "sin(2 a)", "cos(2 a)",
                                       "sin(b)", "cos(b)", "sin(2 b)", "cos(2 b)"]
    assert np.allclose(four.transform(X)[:, 2], np.sin(2 * X[:, 0]))
    cust = CustomLibrary([np.exp, lambda a, b: a * np.sin(b)], names=["exp({})", lambda a, b: f"{a} sin({b})"],
                         sympy_functions=[sp.exp, lambda a, b: a * sp.sin(b)])
    assert cust.names(["a", "b"]) == ["exp(a)", "exp(b)", "a sin(b)"]
    both = PolynomialLibrary(1) + cust
    assert isinstance(both, ConcatLibrary) and both.transform(X).shape == (7, 6)
    tens = PolynomialLibrary(1, include_bias=False) * FourierLibrary(1)
    assert isinstance(tens, TensorLibrary)
    assert tens.names(["a", "b"])[:2] == ["a sin(a)", "a cos(a)"]
    assert np.allclose(tens.transform(X)[:, 1], X[:, 0] * np.cos(X[:, 0]))
    a, b = sp.symbols("a b")
    assert tens.expressions([a, b])[1] == a * sp.cos(a)


def test_library_duplicate_names_rejected():
    with pytest.raises(ValidationError, match="duplicate feature names"):
        (PolynomialLibrary(2) + PolynomialLibrary(1)).names(["x", "y"])
    with pytest.raises(ValidationError, match="sympy_functions"):
        CustomLibrary([np.exp]).expressions(sp.symbols("a b"))
