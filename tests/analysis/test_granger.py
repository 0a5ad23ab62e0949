"""Linear Granger causality: agreement with statsmodels, lag selection, bad input."""
from __future__ import annotations

import numpy as np
import pytest

import attractor
from attractor import InsufficientDataError, ReliabilityWarning, ValidationError
from attractor.analysis.granger import granger


def _data():
    """Deterministic recipe (no random generator): chaotic logistic x drives y with a lag of 2."""
    n = 300
    x, y, w = np.empty(n), np.empty(n), np.empty(n)
    a, b = 0.3, 0.7
    for t in range(n):
        a = 3.9 * a * (1 - a)
        b = 3.7 * b * (1 - b)
        x[t], w[t] = a, b
    y[:2] = w[:2]
    for t in range(2, n):
        y[t] = 0.4 * y[t - 1] + 0.3 * x[t - 2] + 0.5 * w[t]
    return x, y


# statsmodels 0.15.0 (numpy 2.4.6, peers venv):
#   grangercausalitytests(np.column_stack([target, source]), [lag])[lag][0]["ssr_ftest"]
#   -> (F, p, df_denom, df_num)
STATSMODELS = {
    # (source, target, lag): (F, p, df_denom)
    ("x", "y", 1): (61.102579199628295, 9.556739364812532e-14, 296),
    ("x", "y", 2): (103.51828628668548, 9.825329409002478e-35, 293),
    ("x", "y", 3): (139.61742137219878, 5.472264665965069e-56, 290),
    ("x", "y", 5): (86.24553781395232, 6.66814780237154e-55, 284),
    ("y", "x", 1): (9.27523017421867, 0.0025317556142537604, 296),
    ("y", "x", 2): (1.7558870162065519, 0.174566819959073, 293),
    ("y", "x", 3): (3.001030063328513, 0.03091013356390628, 290),
    ("y", "x", 5): (1.3539821436981458, 0.24185446080066772, 284),
}


@pytest.mark.parametrize("key", sorted(STATSMODELS))
def test_matches_statsmodels_ssr_ftest(key):
    x, y = _data()
    series = {"x": x, "y": y}
    src, tgt, lag = key
    f, p, df_den = STATSMODELS[key]
    r = granger(series[src], series[tgt], lag=lag)
    assert r.f_statistic == pytest.approx(f, rel=1e-8)
    assert r.p_value == pytest.approx(p, rel=1e-6)
    assert (r.df_num, r.df_den, r.n_obs, r.criterion) == (lag, df_den, 300 - lag, "fixed")


def test_lag_selection_and_direction():
    """VAR(2) where y drives x at lag 2 only: BIC and AIC pick an order >= 2, the test finds y -> x
    and not x -> y."""
    rng = np.random.default_rng(0)
    n = 2000
    x, y = np.zeros(n), np.zeros(n)
    e = rng.standard_normal((n, 2))
    for t in range(2, n):
        y[t] = 0.5 * y[t - 1] + e[t, 1]
        x[t] = 0.3 * x[t - 1] + 0.5 * y[t - 2] + e[t, 0]
    for crit in ("bic", "aic"):
        r = granger(y, x, criterion=crit, max_lag=8)
        assert r.lag >= 2 and r.significant and r.p_value < 1e-10
        assert r.lags.tolist() == list(range(1, 9)) and r.criterion_values.shape == (8,)
        assert int(np.argmin(r.criterion_values)) + 1 == r.lag
    assert granger(y, x).lag == 2  # BIC recovers the true order
    assert not granger(x, y, lag=2).significant
    # Geweke's measure is positive where the coupling is and ~0 where it is not
    assert granger(y, x, lag=2).gc > 0.1 and granger(x, y, lag=2).gc < 0.01


def test_conditional_granger_removes_common_driver():
    rng = np.random.default_rng(1)
    n = 3000
    z = np.zeros(n)
    e = rng.standard_normal((n, 3))
    for t in range(1, n):
        z[t] = 0.8 * z[t - 1] + e[t, 2]
    x = np.r_[0.0, 0.9 * z[:-1]] + 0.5 * e[:, 0]
    y = np.r_[0.0, 0.0, 0.9 * z[:-2]] + 0.5 * e[:, 1]
    # x_t = 0.9 z_{t-1} + noise announces y_{t+1} = 0.9 z_{t-1} + noise: a spurious x -> y link
    assert granger(x, y, lag=2).p_value < 1e-10
    r = granger(x, y, condition=z, lag=2)
    assert r.n_conditions == 1 and r.p_value > 0.01 and r.df_den == n - 2 - (1 + 2 * 3)


def test_bad_input():
    x, y = _data()
    with pytest.raises(ValidationError, match="NaN"):
        granger(np.where(np.arange(300) == 4, np.nan, x), y)
    with pytest.raises(ValidationError, match="equal length"):
        granger(x, y[:-1])
    with pytest.raises(ValidationError, match="constant"):
        granger(np.ones(300), y)
    with pytest.raises(InsufficientDataError):
        granger(x[:12], y[:12])
    with pytest.raises(InsufficientDataError):
        granger(x[:40], y[:40], lag=10)
    with pytest.raises(ValidationError, match="criterion"):
        granger(x, y, criterion="hqic")
    assert granger(x[:20], y[:20]).lags.max() < 10  # max_lag reduced to what the data allow


def test_exact_fit_flagged():
    t = np.arange(200.0)
    with pytest.warns(ReliabilityWarning, match="exactly"):
        r = granger(np.sin(0.3 * t), np.sin(0.2 * t), lag=2)
    assert r.reliable is False


def test_public_names():
    assert attractor.granger is granger and attractor.transfer_entropy is not None
