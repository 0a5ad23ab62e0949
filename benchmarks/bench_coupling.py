"""Coupling estimators: transfer entropy (KSG) and Granger causality, speed and accuracy.

Part 1 — accuracy and speed of :func:`attractor.transfer_entropy` on a bivariate Gaussian
VAR(1) (x' = 0.5 x + 0.5 y + e, y' = 0.6 y + e', unit noise), whose transfer entropy
y -> x with histories of length 1 has the closed form
``1/2 ln(1 + 0.25 var(y | x))`` (Barnett, Barrett & Seth 2009), for N = 10^3, 10^4, 10^5:
estimate, error, wall time without surrogates (issue #18 target: N = 10^5 in < 30 s) and with
19 shuffle surrogates at N = 10^4.

Part 2 — :func:`attractor.granger` on the same data (lag by BIC), wall time.

Part 3 (``--logistic``) — coupled logistic maps (Sugihara et al. 2012, rx 3.8, ry 3.5,
x drives y with 0.1, y does not drive x), 100 seeds x 500 samples, 99 surrogates ("shuffle",
then "local_permutation"): how often
the coupled direction is significant and the uncoupled one is not (p > 0.05). Several
minutes on one core. The same study is ``tests/analysis/test_transfer_entropy.py::
test_coupled_logistic_direction_100_seeds`` (slow).

No peer: no KSG transfer-entropy package (pyinform, IDTxl, PyIF) is in the peers' environment.

Run:  python benchmarks/bench_coupling.py [--logistic | --logistic=local_permutation]
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy.linalg import solve_discrete_lyapunov

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import attractor  # noqa: E402

A = np.array([[0.5, 0.5], [0.0, 0.6]])


def var1(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    e = rng.standard_normal((n + 500, 2))
    s = np.zeros((n + 500, 2))
    for t in range(n + 499):
        s[t + 1] = A @ s[t] + e[t + 1]
    return s[500:]


def exact_te() -> float:
    S = solve_discrete_lyapunov(A, np.eye(2))
    return 0.5 * np.log(1 + A[0, 1] ** 2 * (S[1, 1] - S[0, 1] ** 2 / S[0, 0]))


def coupled_logistic(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(0.2, 0.8, 2)
    out = np.empty((n + 200, 2))
    for t in range(n + 200):
        x, y = x * (3.8 - 3.8 * x), y * (3.5 - 3.5 * y - 0.1 * x)
        out[t] = x, y
    return out[200:]


def main() -> None:
    exact = exact_te()
    print(f"Part 1: KSG transfer entropy y -> x of a Gaussian VAR(1); closed form {exact:.5f} nats")
    print(f"{'N':>8} {'TE (nats)':>10} {'error':>9} {'wall s':>8} {'CPU s':>8}")
    transfer_entropy = attractor.transfer_entropy
    transfer_entropy(*var1(300).T[::-1], n_surrogates=0)  # load the compiled kernels first
    for n in (1_000, 10_000, 100_000):
        s = var1(n)
        t0, c0 = time.perf_counter(), time.process_time()
        r = transfer_entropy(s[:, 1], s[:, 0], n_surrogates=0, seed=0)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        print(f"{n:>8} {r.te:>10.5f} {r.te - exact:>+9.5f} {dt:>8.2f} {dc:>8.2f}")
    s = var1(10_000)
    t0 = time.perf_counter()
    r = transfer_entropy(s[:, 1], s[:, 0], n_surrogates=19, seed=0)
    print(f"N = 10^4 with 19 shuffle surrogates: {time.perf_counter() - t0:.2f} s, p = {r.p_value:.3f}, "
          f"effective TE {r.effective_te:.5f}")
    print("\nPart 2: linear Granger causality (lag by BIC, max_lag 10)")
    for n in (10_000, 100_000):
        s = var1(n)
        t0 = time.perf_counter()
        g = attractor.granger(s[:, 1], s[:, 0])
        print(f"N = {n}: {time.perf_counter() - t0:.3f} s, lag {g.lag}, F = {g.f_statistic:.1f}, "
              f"GC/2 = {g.gc / 2:.5f} (closed-form TE {exact:.5f})")
    chosen = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--logistic=")]
    if "--logistic" in sys.argv or chosen:
        for method in chosen or ("shuffle", "local_permutation"):
            print(f"\nPart 3: coupled logistic maps, x -> y on (0.1), y -> x off; 100 seeds, 500 samples, "
                  f"99 '{method}' surrogates")
            coupled = uncoupled = 0
            t0 = time.perf_counter()
            for seed in range(100):
                d = coupled_logistic(500, seed)
                coupled += transfer_entropy(d[:, 0], d[:, 1], n_surrogates=99, surrogate=method,
                                            seed=seed).significant
                uncoupled += not transfer_entropy(d[:, 1], d[:, 0], n_surrogates=99, surrogate=method,
                                                  seed=seed).significant
            print(f"coupled direction significant: {coupled}/100; uncoupled direction not significant: "
                  f"{uncoupled}/100 ({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
