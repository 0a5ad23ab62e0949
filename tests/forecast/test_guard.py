"""Divergence guard for free runs (issue #15, item 5, step 1).

The trust region is closed-form (midpoint +- k half-ranges of the training data per channel), so
the expected stopping rows below are computed by hand; no published value is involved.
"""

import numpy as np
import pytest

from attractor.core.errors import ReliabilityWarning, ValidationError
from attractor.forecast import DivergenceGuard, LinearAR, fit_model


def _train():
    t = np.linspace(0, 20, 2001)
    return np.column_stack([np.sin(t), 3 + 2 * np.cos(t)])     # ranges [-1, 1] and [1, 5] (to ~4e-6: the grid misses the exact extrema)


def test_trust_region_closed_form():
    g = DivergenceGuard(k=2.0).fit(_train())
    np.testing.assert_allclose(g.lower_, [-2.0, -1.0], atol=1e-5)
    np.testing.assert_allclose(g.upper_, [2.0, 7.0], atol=1e-5)


def test_bounded_run_not_triggered():
    g = DivergenceGuard(k=1.5).fit(_train())
    run = _train()[:300] * 1.0
    res = g.check(run)
    assert not res.triggered and res.stopped_at is None and res.reason is None
    np.testing.assert_array_equal(res.forecast, run)


def test_growing_run_stops_where_it_leaves_the_region():
    g = DivergenceGuard(k=3.0).fit(_train())      # channel 0 region [-3, 3]
    n = np.arange(50)
    run = np.column_stack([0.5 * 1.1 ** n, np.full(50, 3.0)])
    first_out = int(np.flatnonzero(0.5 * 1.1 ** n > 3.0)[0])   # 1.1^n > 6 -> n = 19
    assert first_out == 19
    with pytest.warns(ReliabilityWarning, match="left trust region"):
        res = g.check(run)
    assert res.triggered and res.stopped_at == first_out and res.reason == "left trust region"
    assert np.isnan(res.forecast[first_out:]).all() and np.isfinite(res.forecast[:first_out]).all()


def test_nonfinite_row_is_reported_as_such():
    g = DivergenceGuard(warn=False).fit(_train())
    run = np.zeros((10, 2))
    run[4, 1] = np.inf
    res = g.check(run)
    assert res.triggered and res.stopped_at == 4 and res.reason == "non-finite"


def test_constant_channel_gets_a_nonempty_region():
    X = np.column_stack([np.linspace(0, 1, 50), np.full(50, 0.0)])
    g = DivergenceGuard(k=1.0).fit(X)
    assert g.lower_[1] == -1.0 and g.upper_[1] == 1.0


def test_guard_forecast_with_a_fitted_model():
    X = _train()
    model = fit_model(LinearAR(order=2), X[:1500], 0.01)
    g = DivergenceGuard().fit(X[:1500])
    res = g.forecast(model, X[:1500], 200)
    assert not res.triggered
    assert res.forecast.shape == (200, 2)


@pytest.mark.parametrize("k", [0, -1.0, np.nan, True, "a"])
def test_bad_k(k):
    with pytest.raises(ValidationError):
        DivergenceGuard(k=k).fit(_train())


def test_bad_inputs():
    with pytest.raises(ValidationError):
        DivergenceGuard().check(np.zeros((3, 2)))              # not fitted
    g = DivergenceGuard().fit(_train())
    with pytest.raises(ValidationError):
        g.check(np.zeros((3, 3)))                                # channel mismatch
    with pytest.raises(ValidationError):
        DivergenceGuard().fit(np.array([[1.0, np.nan], [2.0, 3.0]]))
    with pytest.raises(ValidationError):
        DivergenceGuard().fit(np.array([[1.0, 2.0]]))            # one sample


def test_same_result_twice():
    g = DivergenceGuard(warn=False).fit(_train())
    run = np.column_stack([np.linspace(0, 10, 20), np.zeros(20)])
    a, b = g.check(run), g.check(run)
    assert a.stopped_at == b.stopped_at
    np.testing.assert_array_equal(a.forecast, b.forecast)


class _Sine:
    """Test model for a sine x(t) = sin(w t): ``unstable=True`` continues it exactly for ``exact``
    samples and then grows linearly off the attractor; ``unstable=False`` stays on the unit circle
    with a small phase error (worse short-term skill, but bounded)."""

    def __init__(self, unstable: bool = False, exact: int = 100):
        self.unstable, self.exact = unstable, exact

    def fit(self, X, dt=None):
        self.n_ = len(X)
        self.dt_ = dt
        return self

    def forecast(self, history, horizon):
        n = len(history)
        t = (n + np.arange(horizon)) * self.dt_
        if not self.unstable:
            return np.sin(1.05 * t)[:, None]
        out = np.sin(t)
        out[self.exact:] += 0.5 * np.arange(1, horizon - self.exact + 1)
        return out[:, None]


def test_tune_free_run_rejects_settings_whose_long_run_escapes():
    from attractor.forecast import tune

    dt = 0.05
    x = np.sin(np.arange(1200) * dt)[:, None]
    train, val = x[:1000], x[1000:1100]
    grid = {"unstable": [True, False]}
    plain = tune(lambda **p: _Sine(**p), grid, train, val, dt=dt)
    assert plain.best_params == {"unstable": True}            # exact for the 100 validation samples
    guarded = tune(lambda **p: _Sine(**p), grid, train, val, dt=dt, free_run=400)
    assert guarded.best_params == {"unstable": False}
    assert dict((tuple(p.items()), v) for p, v in guarded.trials)[(("unstable", True),)] == np.inf
    with pytest.raises(ValidationError):
        tune(lambda **p: _Sine(**p), grid, train, val, dt=dt, free_run=-1)
