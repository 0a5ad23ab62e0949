"""Robustness through randomness: plain vs noise-injected recurrent networks on perturbed histories.

Lim, Erichson, Hodgkinson & Mahoney (NeurIPS 2021) show that noise injected in the hidden
dynamics during training acts as an implicit regulariser favouring more stable dynamics. Here a
:class:`~attractor.learn.neural.LipschitzRNN` and a :class:`~attractor.learn.neural.NoisyRNN`
(same architecture, seed and schedule; the latter with σ_add = σ_mult = 0.05 during training only)
are fitted to the same clean Lorenz data, then forecast from histories perturbed by

* white noise: ``x + level · σ_c · ξ``,
* multiplicative noise: ``x · (1 + level · ξ)``,
* salt-and-pepper: a fraction ``level`` of the entries replaced by the channel's minimum or maximum,

at three levels each (ξ ~ N(0, 1), seeded). Scores over 20 forecast origins of a separate test
trajectory: median valid prediction time (error threshold 0.4 in units of the attractor's σ;
Vlachas et al. 2020) and median sMAPE (0–200) over 300 steps (3 time units). Also the largest
Lyapunov exponent of each model's closed loop and of its hidden dynamics under zero input
(per time unit; :func:`attractor.lyapunov_spectrum` on ``to_system()``).

Run::

    OMP_NUM_THREADS=1 XLA_FLAGS=--xla_cpu_multi_thread_eigen=false PYTHONPATH=src \
        python benchmarks/bench_neural_robustness.py
"""
from __future__ import annotations

import numpy as np

import attractor
from attractor.forecast.metrics import smape, valid_prediction_time
from attractor.learn.neural import LipschitzRNN, NoisyRNN

DT = 0.01
HISTORY = 100
HORIZON = 300
N_ORIGINS = 20
LEVELS = {"white": (0.01, 0.05, 0.1), "multiplicative": (0.01, 0.05, 0.1), "salt-and-pepper": (0.01, 0.05, 0.1)}


def perturb(h: np.ndarray, kind: str, level: float, rng: np.random.Generator, lo, hi, sd) -> np.ndarray:
    if kind == "white":
        return h + level * sd * rng.standard_normal(h.shape)
    if kind == "multiplicative":
        return h * (1 + level * rng.standard_normal(h.shape))
    out = h.copy()
    mask = rng.random(h.shape) < level
    coin = rng.random(h.shape) < 0.5
    out[mask & coin] = np.broadcast_to(lo, h.shape)[mask & coin]
    out[mask & ~coin] = np.broadcast_to(hi, h.shape)[mask & ~coin]
    return out


def mle(system, n_steps=3000) -> float:
    try:
        return float(attractor.lyapunov_spectrum(system, n_exponents=1, n_steps=n_steps, seed=0).exponents[0]) / DT
    except attractor.DivergenceError:
        return float("inf")


def main() -> None:
    lorenz = attractor.system("lorenz")
    train = lorenz.trajectory(5000, dt=DT, transient=20).x
    test = lorenz.trajectory(N_ORIGINS * (HISTORY + HORIZON), dt=DT, transient=200, x0=[-3.0, 2.0, 25.0]).x
    lo, hi, sd = train.min(0), train.max(0), train.std(0)
    kw = dict(hidden_size=64, epochs=150, window=50, washout=10, learning_rate=1e-2, seed=0)
    models = {"LipschitzRNN": LipschitzRNN(**kw).fit(train, dt=DT),
              "NoisyRNN": NoisyRNN(sigma_add=0.05, sigma_mult=0.05, **kw).fit(train, dt=DT)}
    conditions = [("clean", 0.0)] + [(k, lv) for k, lvs in LEVELS.items() for lv in lvs]
    rows = []
    for kind, level in conditions:
        row = [f"{kind} {level:g}" if level else "clean"]
        for name, m in models.items():
            rng = np.random.default_rng(1)
            vpts, smapes = [], []
            for o in range(N_ORIGINS):
                s = o * (HISTORY + HORIZON)
                hist = test[s:s + HISTORY]
                if level:
                    hist = perturb(hist, kind, level, rng, lo, hi, sd)
                truth = test[s + HISTORY:s + HISTORY + HORIZON]
                pred = m.forecast(hist, HORIZON)
                vpts.append(valid_prediction_time(truth, pred, DT, scale=sd).time)
                smapes.append(smape(truth, np.nan_to_num(pred, nan=1e6)))
            row += [float(np.median(vpts)), float(np.median(smapes))]
        rows.append(row)
    names = list(models)
    print("| history | " + " | ".join(f"{n} VPT | {n} sMAPE" for n in names) + " |")
    print("|---" * (1 + 2 * len(names)) + "|")
    for r in rows:
        print(f"| {r[0]} | " + " | ".join(f"{v:.2f}" for v in r[1:]) + " |")
    print()
    print("| model | λ1 closed loop (1/time) | λ1 hidden, zero input (1/time) |")
    print("|---|---|---|")
    for name, m in models.items():
        print(f"| {name} | {mle(m.to_system()):.3f} | {mle(m.to_system(closed_loop=False)):.3f} |")


if __name__ == "__main__":
    main()
