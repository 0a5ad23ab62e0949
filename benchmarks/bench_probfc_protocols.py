"""Two Lorenz-63 probabilistic-forecasting protocols from the literature (issue #15).

(a) Pacchiardi, Adewoyin, Dueben & Dutta (JMLR 2024), "Probabilistic forecasting with generative
    networks via scoring rule minimization" — protocol as in the authors' code
    (LoryPack/GenerativeNetworksScoringRulesProbabilisticForecasting: generate_data.py,
    run_lorenz63.sh, src/calibration.py): Lorenz-63 (s, r, b = 10, 28, 2.667) by explicit Euler,
    dt = 0.01, from (0, 1, 1.05), every 30th point of the y-coordinate kept, 20 000 kept points
    after a spin-up (ours: 100 kept points; the authors' default was not in the files we read); windows of 10 -> the next point (one step ahead); 60/20/20 split in time
    order; 200 members per forecast. Scores on the test part: CRPS (ensemble estimator),
    calibration error (median over alpha in [0.01, 1] of |alpha - coverage of the central
    alpha-interval|), NRMSE (RMSE of the ensemble mean / range of the test targets), R^2.
(b) FreeFM, Lim, Lin, Mahoney & Erichson (arXiv 2602.08318), protocol of the authors' main.py
    (shoelim/FreeFM): RK4, dt = 0.01, 50 training sequences x 1000 steps from U(-15, 15)^3 and 5
    test sequences; observe 500 steps, forecast 500, 50 samples; MSE of the ensemble mean and CRPS
    (standard estimator) averaged over steps, coordinates and test sequences; autocorrelation
    similarity = mean |ACF_true - ACF_generated| up to lag 50 between 50 fresh true sequences and
    50 free-running 1000-step generations started from the first test sequence.

Models: FlowMatchingForecaster (conditional flow matching, JAX), FreeFlowMatching (training-free),
AnalogForecaster, plus a climatological ensemble for scale. Also timed: conditional-FM training
on the ~5e4 windows of protocol (b) and FreeFlowMatching 50 samples x 500 steps.

Published numbers: neither paper's result tables could be retrieved with our search tools (only
abstracts and the authors' code), so the script prints ours only; see README.

Threads: JAX/XLA and NumPy run with their defaults on the machine's cores (2 here); set
``XLA_FLAGS=--xla_cpu_multi_thread_eigen=false OMP_NUM_THREADS=1`` for one thread.

Run: PYTHONPATH=src python benchmarks/bench_probfc_protocols.py [--quick]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from attractor.forecast.analog import AnalogForecaster
from attractor.learn.flow_matching import FreeFlowMatching
from attractor.learn.neural import FlowMatchingForecaster
from attractor.metrics import crps_ensemble


# ------------------------------------------------------------------ data
def _l63(s, sigma=10.0, rho=28.0, beta=8.0 / 3.0):
    x, y, z = s[..., 0], s[..., 1], s[..., 2]
    return np.stack([sigma * (y - x), x * (rho - z) - y, x * y - beta * z], axis=-1)


def pacchiardi_data(n_keep: int, spinup: int = 100) -> np.ndarray:
    """y-coordinate, Euler dt = 0.01 (their b = 2.667), every 30th point, ``spinup`` kept points dropped."""
    s = np.array([0.0, 1.0, 1.05])
    out = np.empty(n_keep + spinup)
    for i in range(n_keep + spinup):
        out[i] = s[1]
        for _ in range(30):
            s = s + 0.01 * _l63(s, beta=2.667)
    return out[spinup:]


def freefm_data(n_seq: int, n_steps: int = 1000, seed: int = 123) -> np.ndarray:
    """RK4, dt = 0.01, initial states U(-15, 15)^3 (no transient dropped, as in the authors' code)."""
    rng = np.random.default_rng(seed)
    s = rng.uniform(-15, 15, (n_seq, 3))
    X = np.empty((n_seq, n_steps, 3))
    dt = 0.01
    for t in range(n_steps):
        X[:, t] = s
        k1 = _l63(s)
        k2 = _l63(s + dt / 2 * k1)
        k3 = _l63(s + dt / 2 * k2)
        k4 = _l63(s + dt * k3)
        s = s + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return X


# ------------------------------------------------------------------ scores
def calibration_error(ens: np.ndarray, obs: np.ndarray) -> float:
    """Pacchiardi et al.'s calibration error (their src/calibration.py definition)."""
    alphas = np.linspace(0.01, 1.0, 100)
    cover = []
    for a in alphas:
        lo, hi = np.round((1 - a) / 2, 3), np.round(1 - (1 - a) / 2, 3)
        q = np.quantile(ens, [lo, hi], axis=0)
        cover.append(np.mean((obs > q[0]) & (obs < q[1])))
    return float(np.median(np.abs(alphas - np.array(cover))))


def acf(x: np.ndarray, max_lag: int = 50) -> np.ndarray:
    x = x - x.mean()
    T = len(x)
    ac = np.array([np.sum(x[:T - k] * x[k:]) / (T - k) for k in range(max_lag + 1)])
    return ac / max(ac[0], 1e-9)


def acf_similarity(true: np.ndarray, gen: np.ndarray, max_lag: int = 50) -> float:
    mt = np.mean([acf(tr[:, k], max_lag) for tr in true for k in range(true.shape[2])], axis=0)
    mg = np.mean([acf(g[:, k], max_lag) for g in gen for k in range(gen.shape[2])], axis=0)
    return float(np.mean(np.abs(mt - mg)))


# ------------------------------------------------------------------ protocol (a)
def protocol_a(quick: bool):
    n_keep = 5000 if quick else 20000
    m = 100 if quick else 200
    y = pacchiardi_data(n_keep)
    n_win = len(y) - 10
    n_tr, n_va = int(0.6 * n_win), int(0.2 * n_win)
    train = y[:n_tr + 10]                      # every training window and its target
    test_idx = np.arange(n_tr + n_va, n_win)   # window [i, i+10) -> target y[i+10]
    if quick:
        test_idx = test_idx[::2]
    obs = y[test_idx + 10]
    t0 = time.perf_counter()
    fm = FlowMatchingForecaster(window=10, width=128, depth=3, epochs=40 if quick else 100, batch_size=256,
                                learning_rate=2e-3, seed=0).fit(train)
    t_fm = time.perf_counter() - t0
    models = {"FlowMatchingForecaster": fm,
              "FreeFlowMatching": FreeFlowMatching(delays=10, k=32, seed=0).fit(train),
              "AnalogForecaster": AnalogForecaster(delays=10, k=10, seed=0).fit(train)}
    rng = np.random.default_rng(0)
    rows = {}
    for name, model in models.items():
        ens = np.empty((m, len(test_idx)))
        t0 = time.perf_counter()
        for j, i in enumerate(test_idx):
            if hasattr(model, "seed") and name != "FlowMatchingForecaster":
                model.seed = int(i)            # independent draws per origin (the NumPy models reseed per call)
            ens[:, j] = model.forecast_ensemble(y[i:i + 10], 1, m)[:, 0, 0]
        rows[name] = (ens, time.perf_counter() - t0)
    rows["climatology"] = (train[rng.integers(0, len(train), (m, len(test_idx)))], 0.0)
    print(f"\n(a) Pacchiardi et al. (JMLR 2024) Lorenz-63 y, Euler dt=0.01 every 30th, window 10, one step; "
          f"{n_keep} points, {len(test_idx)} test windows, {m} members")
    print(f"    FlowMatchingForecaster trained on {fm.n_windows_} windows in {t_fm:.1f} s; published table: not "
          "retrieved (see module docstring)")
    print(f"    {'model':24s} {'CRPS':>8s} {'cal.err':>8s} {'NRMSE':>8s} {'R2':>8s} {'sample s':>9s}")
    rng_obs = obs.max() - obs.min()
    for name, (ens, secs) in rows.items():
        mean = ens.mean(axis=0)
        crps = float(np.mean(crps_ensemble(obs, ens)))
        nrmse = float(np.sqrt(np.mean((mean - obs) ** 2)) / rng_obs)
        r2 = float(1 - np.sum((obs - mean) ** 2) / np.sum((obs - obs.mean()) ** 2))
        print(f"    {name:24s} {crps:8.4f} {calibration_error(ens, obs):8.4f} {nrmse:8.4f} {r2:8.4f} {secs:9.1f}")


# ------------------------------------------------------------------ protocol (b)
def protocol_b(quick: bool):
    X = freefm_data(55)
    train, test = X[:50], X[50:]
    S, H, T_obs = 50, 500, 500
    t0 = time.perf_counter()
    fm = FlowMatchingForecaster(window=2, width=128, depth=3, epochs=15 if quick else 60, batch_size=256,
                                learning_rate=2e-3, seed=0).fit(train)
    t_fm = time.perf_counter() - t0
    flat = train.reshape(-1, 3)   # the NumPy models take one series: 49 of ~5e4 windows straddle two sequences
    free = FreeFlowMatching(delays=2, k=32, n_flow_steps=16, seed=0).fit(flat)
    t0 = time.perf_counter()
    free.forecast_ensemble(test[0][:T_obs], 500, 50)
    t_free = time.perf_counter() - t0
    models = {"FlowMatchingForecaster": fm, "FreeFlowMatching": free,
              "AnalogForecaster": AnalogForecaster(delays=2, k=10, seed=0).fit(flat)}
    true_acf = freefm_data(50, seed=7)
    print(f"\n(b) FreeFM protocol (arXiv 2602.08318): Lorenz-63 RK4 dt=0.01, 50 x 1000 training steps, "
          f"observe {T_obs}, horizon {H}, {S} samples, 5 test sequences")
    print(f"    conditional FM training: {fm.n_windows_} windows, {fm.epochs} epochs, {t_fm:.1f} s "
          f"(target < 300 s on 2 cores)")
    print(f"    FreeFlowMatching 50 samples x 500 steps: {t_free:.2f} s (target < 10 s); published table: not retrieved")
    print(f"    {'model':24s} {'MSE':>8s} {'CRPS':>8s} {'ACF MAE':>8s} {'sample s':>9s}")
    for name, model in models.items():
        mse, crps = [], []
        t0 = time.perf_counter()
        for j, seq in enumerate(test):
            if name != "FlowMatchingForecaster":
                model.seed = j
            ens = model.forecast_ensemble(seq[:T_obs], H, S)
            fut = seq[T_obs:T_obs + H]
            mse.append(np.mean((ens.mean(axis=0) - fut) ** 2))
            crps.append(np.mean(crps_ensemble(fut, ens)))
        secs = time.perf_counter() - t0
        w = model.required_history if hasattr(model, "required_history") else model.delays
        gen = model.forecast_ensemble(test[0][:w], 1000 - w, S)
        gen = np.concatenate([np.repeat(test[0][:w][None], S, axis=0), gen], axis=1)
        ok = np.isfinite(gen).all(axis=(1, 2))
        a = acf_similarity(true_acf, gen[ok]) if ok.any() else float("nan")
        print(f"    {name:24s} {np.mean(mse):8.2f} {np.mean(crps):8.3f} {a:8.4f} {secs:9.1f}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller data and fewer epochs (< 3 min)")
    ap.add_argument("--only", choices=["a", "b"], default=None)
    args = ap.parse_args()
    t0 = time.perf_counter()
    if args.only in (None, "a"):
        protocol_a(args.quick)
    if args.only in (None, "b"):
        protocol_b(args.quick)
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")
