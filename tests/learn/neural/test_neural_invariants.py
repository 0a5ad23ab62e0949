"""Learned neural models are dynamical systems: their invariants against published values.

* Lorenz (σ = 10, ρ = 28, β = 8/3): Lyapunov spectrum (0.9056, 0, −14.5723) per time unit and
  Kaplan–Yorke dimension 2.06 — J. C. Sprott, *Chaos and Time-Series Analysis* (Oxford, 2003),
  table of common chaotic systems (also in /work/shared/reference/invariants.json).
  Targets of issue #13: λ1 and λ3 within 10 %, |λ2| <= 0.05, D_KY = 2.06 ± 0.05, from <= 10⁴
  samples (dt = 0.01) in <= 5 minutes on 2 cores.
* Lipschitz RNN (Erichson et al., ICLR 2021): with the linear part's symmetric component
  pushed negative (β = 0.75, γ_A = γ_W = 0.5, i.e. γ above (1 − β) λ_max(M + Mᵀ) of the trained
  M), the hidden dynamics under zero input have maximal Lyapunov exponent <= 0.
"""
import time

import numpy as np
import pytest

import attractor
from attractor import DivergenceError

pytest.importorskip("jax")
pytest.importorskip("diffrax")

from attractor.learn.neural import GRU, LipschitzRNN, NeuralODE, NoisyRNN  # noqa: E402

SPROTT_LORENZ = np.array([0.9056, 0.0, -14.5723])   # Sprott (2003)
SPROTT_KY = 2.06


def _lyap_flow(system, x0, t_total=200.0):
    # RK4 with the sampling step: the learned field is smooth and the Python tangent path is
    # dominated by the per-call cost of the compiled rhs/jacobian (~4 calls per step)
    return attractor.lyapunov_spectrum(system, t_total=t_total, method="rk4", step=0.01, seed=0, x0=x0)


@pytest.mark.slow
def test_neural_ode_reproduces_lorenz_invariants():
    x = attractor.system("lorenz").trajectory(10_000, dt=0.01, transient=20).x   # 10^4 samples
    t0 = time.perf_counter()
    model = NeuralODE(width=64, depth=3, activation="softplus", warm_epochs=200, epochs=10, seed=0).fit(x, dt=0.01)
    fit_s = time.perf_counter() - t0
    res = _lyap_flow(model.to_system(), x[-1])
    total_s = time.perf_counter() - t0
    lam = res.exponents
    ky = res.kaplan_yorke_dimension
    print(f"NeuralODE on Lorenz: exponents {lam} ± {res.stderr}, D_KY {ky:.4f}, fit {fit_s:.0f} s, "
          f"total {total_s:.0f} s")
    assert abs(lam[0] - SPROTT_LORENZ[0]) <= 0.10 * SPROTT_LORENZ[0]
    assert abs(lam[1]) <= 0.05
    assert abs(lam[2] - SPROTT_LORENZ[2]) <= 0.10 * abs(SPROTT_LORENZ[2])
    assert abs(ky - SPROTT_KY) <= 0.05
    assert total_s < 300


@pytest.mark.slow
def test_overfitted_neural_ode_misses_lorenz_invariants():
    """Contrast: the same network fitted to 60 samples (0.6 time units, part of one loop)
    for many epochs fits them closely but is not the Lorenz system; the invariant test above must
    be able to tell (at least one of its criteria fails, or the learned flow blows up: measured,
    it diverges at t ≈ 37). With 300 samples (3 time units) the fit still met all four targets
    (λ = 0.896, −0.002, −13.21; D_KY 2.068): the Lorenz field is quadratic and 3 time units of
    data already constrain it."""
    x = attractor.system("lorenz").trajectory(10_000, dt=0.01, transient=20).x
    model = NeuralODE(width=64, depth=3, activation="softplus", warm_epochs=2000, epochs=0, batch_size=64,
                      seed=0).fit(x[:60], dt=0.01)
    assert model.loss_history_["derivative"][-1] < 1e-3          # it does fit its data
    try:
        res = _lyap_flow(model.to_system(), x[59], t_total=100.0)
    except DivergenceError as exc:
        print(f"overfitted NeuralODE: the learned flow diverges ({exc})"[:200])
        return
    lam, ky = res.exponents, res.kaplan_yorke_dimension
    print(f"overfitted NeuralODE: exponents {lam}, D_KY {ky:.4f}")
    ok = (abs(lam[0] - SPROTT_LORENZ[0]) <= 0.10 * SPROTT_LORENZ[0] and abs(lam[1]) <= 0.05
          and abs(lam[2] - SPROTT_LORENZ[2]) <= 0.10 * abs(SPROTT_LORENZ[2]) and abs(ky - SPROTT_KY) <= 0.05)
    assert not ok


def test_lipschitz_rnn_hidden_dynamics_stable_under_zero_input():
    x = attractor.system("lorenz").trajectory(600, dt=0.01, transient=10).x   # shapes as in test_neural_models
    m = LipschitzRNN(hidden_size=12, epochs=4, window=20, washout=4, batch_size=8, beta=0.75, gamma_a=0.5,
                     gamma_w=0.5, seed=0).fit(x, dt=0.01)
    A, _ = m.hidden_matrices()
    assert np.linalg.eigvalsh(0.5 * (A + A.T)).max() < 0          # the stability condition holds after training
    res = attractor.lyapunov_spectrum(m.to_system(closed_loop=False), n_exponents=1, n_steps=1000, seed=0)
    assert res.exponents[0] + 3 * res.stderr[0] <= 0.0
    # contrast: no skew-symmetric structure, no shift, large weights -> the zero-input dynamics expand
    bad = LipschitzRNN(hidden_size=12, epochs=0, window=20, washout=4, beta=0.0, gamma_a=0.0, gamma_w=0.0,
                       init_std=40.0, seed=0).fit(x, dt=0.01)
    try:
        r = attractor.lyapunov_spectrum(bad.to_system(closed_loop=False), n_exponents=1, n_steps=200, seed=0)
        assert r.exponents[0] > 0.01
    except DivergenceError:
        pass   # expanded without bound: as unstable as it gets


@pytest.mark.slow
@pytest.mark.parametrize("cls", [GRU, LipschitzRNN, NoisyRNN])
def test_rnn_closed_loop_spectrum_is_computable(cls):
    """The RNNs' closed-loop spectra on Lorenz: reported (per time unit), not asserted against
    Sprott — RNNs trained this briefly do not reach it (measured: GRU (0.09, −0.79, −7.5), noisy
    RNN (0.04, −0.004, −0.20); the Lipschitz RNN's closed loop diverged after ~1850 steps); the test
    checks the pipeline end to end (a divergence is reported as a typed error with its step)."""
    x = attractor.system("lorenz").trajectory(4000, dt=0.01, transient=20).x
    m = cls(hidden_size=32, epochs=20, window=40, washout=8, seed=0).fit(x, dt=0.01)
    sysm = m.to_system()
    try:
        res = attractor.lyapunov_spectrum(sysm, n_exponents=3, n_steps=3000, seed=0)
    except DivergenceError as exc:   # an unbounded closed loop is a finding, reported with its step
        print(f"{cls.__name__} closed loop diverges at step {exc.t:g}")
        assert exc.t > 0
        return
    per_time = res.exponents / m.dt_
    print(f"{cls.__name__} closed loop: exponents per time unit {per_time}, D_KY {res.kaplan_yorke_dimension:.3f}")
    assert np.all(np.isfinite(per_time))


def _rnn_spectrum(m):
    res = attractor.lyapunov_spectrum(m.to_system(), n_exponents=3, n_steps=5000, seed=0)
    return res.exponents / m.dt_, res.kaplan_yorke_dimension


@pytest.mark.slow
def test_gru_closed_loop_reproduces_lorenz_spectrum_and_overfitted_contrast():
    """The best recurrent model's closed loop (issue #13: "report whatever it reaches"): a GRU
    (64 units, 100 epochs, learning rate 5e-3) on 10⁴ Lorenz samples. Measured (seed 0):
    λ = (0.761 ± 0.096, 0.042 ± 0.052, −14.05 ± 0.16) per time unit, D_KY 2.057: λ2, λ3 and D_KY
    meet the NeuralODE targets, λ1 is 16 % low (target 10 %). Contrast: the same network fitted
    to 300 samples (3 time units) for 1500 epochs reaches a training loss of 1e-7 but its closed loop
    is another system: λ = (0.024, −0.171, −3.59), D_KY 1.14 (measured)."""
    x = attractor.system("lorenz").trajectory(10_000, dt=0.01, transient=20).x
    best = GRU(hidden_size=64, epochs=100, window=50, washout=10, learning_rate=5e-3, seed=0).fit(x, dt=0.01)
    lam, ky = _rnn_spectrum(best)
    print(f"GRU closed loop: exponents per time unit {lam}, D_KY {ky:.4f}")
    assert 0.75 * SPROTT_LORENZ[0] <= lam[0] <= 1.10 * SPROTT_LORENZ[0]   # chaotic, λ1 within 25 %
    assert abs(lam[1]) <= 0.05
    assert abs(lam[2] - SPROTT_LORENZ[2]) <= 0.10 * abs(SPROTT_LORENZ[2])
    assert abs(ky - SPROTT_KY) <= 0.05
    over = GRU(hidden_size=64, epochs=1500, window=50, washout=10, learning_rate=1e-2, seed=0).fit(x[:300], dt=0.01)
    assert over.loss_history_[-1] < 1e-5   # it does fit its few samples
    try:
        lam_o, ky_o = _rnn_spectrum(over)
    except DivergenceError as exc:
        print(f"overfitted GRU: the closed loop diverges ({exc})"[:200])
        return
    print(f"overfitted GRU closed loop: exponents per time unit {lam_o}, D_KY {ky_o:.4f}")
    # the contrast direction: the overfitted model's invariants are much further from Lorenz's
    assert abs(ky_o - SPROTT_KY) > 5 * abs(ky - SPROTT_KY) and abs(ky_o - SPROTT_KY) > 0.3
    assert abs(lam_o[0] - SPROTT_LORENZ[0]) > 2 * abs(lam[0] - SPROTT_LORENZ[0])
