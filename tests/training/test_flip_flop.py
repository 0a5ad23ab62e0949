"""The 3-bit flip-flop (Sussillo & Barak 2013, Neural Computation 25, 626; Golub & Sussillo 2018,
FixedPointFinder's example): a trained 16-unit RNN stores its 8 memories as exactly 8 stable fixed
points, with saddles (one unstable direction) between neighbouring memories."""
from __future__ import annotations

import numpy as np
import pytest

from attractor import ValidationError
from attractor.training import TanhRNN, flip_flop_task, network_lyapunov_spectrum, rnn_fixed_points


def test_task_targets_hold_the_last_pulse():
    u, y = flip_flop_task(5, 40, n_bits=3, p=0.1, seed=0)
    assert u.shape == y.shape == (5, 40, 3)
    assert np.all(u[:, 0] != 0) and set(np.unique(y)) <= {-1.0, 1.0}
    for tr in range(5):
        for c in range(3):
            last = 0.0
            for t in range(40):
                last = u[tr, t, c] if u[tr, t, c] != 0 else last
                assert y[tr, t, c] == last
    u2, y2 = flip_flop_task(5, 40, n_bits=3, p=0.1, seed=0)
    np.testing.assert_array_equal(u, u2)
    with pytest.raises(ValidationError):
        flip_flop_task(5, 40, p=1.5)


def test_tanh_rnn_bad_input():
    with pytest.raises(ValidationError, match="inputs"):
        TanhRNN(4, epochs=1).fit(np.full((2, 5, 3), np.nan), np.zeros((2, 5, 3)))
    with pytest.raises(ValidationError, match="same trials"):
        TanhRNN(4, epochs=1).fit(np.zeros((2, 5, 3)), np.zeros((2, 6, 3)))
    with pytest.raises(ValidationError, match="not fitted"):
        rnn_fixed_points(TanhRNN(4), np.zeros((3, 4)))


@pytest.mark.slow
def test_three_bit_flip_flop_has_eight_stable_fixed_points():
    pytest.importorskip("jax")
    U, Y = flip_flop_task(1024, 64, seed=0)
    rnn = TanhRNN(16, seed=0, epochs=30, batch_size=64, learning_rate=1e-2).fit(U, Y)
    again = TanhRNN(16, seed=0, epochs=2, batch_size=64, learning_rate=1e-2).fit(U[:128], Y[:128])
    again2 = TanhRNN(16, seed=0, epochs=2, batch_size=64, learning_rate=1e-2).fit(U[:128], Y[:128])
    np.testing.assert_array_equal(np.asarray(again.model_.W), np.asarray(again2.model_.W))   # seeded
    Ut, Yt = flip_flop_task(64, 200, seed=100)
    S, out = rnn.run(Ut)
    assert np.mean(np.sign(out) == Yt) > 0.99                     # it does the task
    res = rnn_fixed_points(rnn, S, n_starts=1024, noise=1.0, seed=0, max_iter=300)
    stable = res.points[res.fixed & res.stable]
    assert len(stable) == 8                                       # exactly one per memory
    corners = {tuple(np.sign(y)) for y in rnn.readout(stable)}
    assert len(corners) == 8 and np.all(np.abs(rnn.readout(stable)) > 0.9)
    # saddles with one unstable direction: one bit undecided (readout near 0), the others held
    s1 = res.points[res.fixed & (res.n_unstable == 1)]
    assert len(s1) >= 6
    ro = np.abs(rnn.readout(s1))
    assert np.all(np.sum(ro < 0.5, axis=1) == 1) and np.all(np.sum(ro > 0.8, axis=1) == 2)
    # driven by its task inputs the network is contracting (memories are stable): lambda_1 < 0
    lyap = network_lyapunov_spectrum(rnn, inputs=Ut[0], x0=np.zeros(16), seed=0)
    assert lyap.exponents[0] < 0
    print(res, f"fit {rnn.fit_seconds_:.1f} s, loss {rnn.loss_history_[-1]:.4f}, lambda1 {lyap.exponents[0]:.3f}")
