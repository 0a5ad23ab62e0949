"""Hybrid models (issue #17): known-only vs black-box vs hybrid, one table.

1. APHYNITY damped pendulum (Yin et al. 2021): q̈ = −ω0² sin q − α q̇, ω0 = 2π/6, α = 0.2;
   25 train / 25 test trajectories, T = 20, dt = 0.5, initial states on radius 1.3–2.3.
   Known part: frictionless pendulum, ω0 unknown (start 0.5). Forecast log-MSE over the
   whole test trajectories from their first state; relative errors of ω0 and of α (α read
   off the remainder by ``discover_remainder``). Known-only uses the *true* ω0 (its best
   case); black-box is our ``SINDy()`` with a degree-3 polynomial library.
2. Lorenz with the −xz term of ẏ dropped; 10⁴ samples at dt = 0.01, clean and 1 % noise;
   σ, ρ, β unknown (start 5, 20, 2). Coefficient of the recovered x z term, parameter errors,
   RMS error of 1-time-unit forecasts from 20 test states (relative to the data's std);
   Lyapunov spectrum of the recovered clean model (Sprott: 0.9056, 0, −14.5723).
   Black-box: ``SINDy()`` on the same data.

Run:  PYTHONPATH=src python benchmarks/bench_hybrid.py [--quick]   (--quick: skip the Lyapunov spectrum)
One thread; no peer needed.
"""
from __future__ import annotations

import os
import sys
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402

from attractor.core.symbolic import SymbolicSpec  # noqa: E402
from attractor.core.system import SymbolicSystem  # noqa: E402
from attractor.learn import SINDy, PolynomialLibrary  # noqa: E402
from attractor.learn.hybrid import Hybrid  # noqa: E402

QUICK = "--quick" in sys.argv
W0, ALPHA = 2 * np.pi / 6, 0.2


def pendulum():
    true = SymbolicSystem(SymbolicSpec("DampedPendulum", "flow", ("q", "v"), ("w0", "alpha"),
                                       ("v", "-w0**2*sin(q) - alpha*v")), dict(w0=W0, alpha=ALPHA))
    rng = np.random.default_rng(0)

    def make(n):
        out = []
        for _ in range(n):
            r, th = rng.uniform(1.3, 2.3), rng.uniform(0, 2 * np.pi)
            out.append(true.trajectory(41, dt=0.5, x0=[r * np.cos(th), r * np.sin(th)]).x)
        return out

    train, test = make(25), make(25)
    known = SymbolicSpec("Pendulum", "flow", ("q", "v"), ("w0",), ("v", "-w0**2*sin(q)"))

    def logmse(sysm):
        errs = []
        for x in test:
            try:
                errs.append(np.mean((sysm.trajectory(41, dt=0.5, x0=x[0]).x[1:] - x[1:]) ** 2))
            except Exception:  # noqa: BLE001 - a diverging black box counts as infinite error
                errs.append(np.inf)
        return float(np.log(np.mean(errs)))

    rows = []
    rows.append(("pendulum", "known-only (true ω0)", logmse(SymbolicSystem(known, dict(w0=W0))), "", ""))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bb = SINDy(library=PolynomialLibrary(3), state_names=("q", "v")).fit(train, 0.5).to_system()
    rows.append(("pendulum", "black-box SINDy(deg 3)", logmse(bb), "", ""))
    for fm in ("derivative", "trajectory"):
        t0 = time.perf_counter()
        h = Hybrid(known, unknown=dict(w0=0.5), library=PolynomialLibrary(1), weak=False, fit_method=fm).fit(train, dt=0.5)
        disc = h.discover_remainder(PolynomialLibrary(3))
        a = -disc.coef[1, disc.feature_names.index("v")]
        lm = logmse(h.to_system())
        el = time.perf_counter() - t0
        rows.append(("pendulum", f"hybrid, {fm} matching", lm,
                     f"ω0 {abs(h.parameters_['w0'] - W0) / W0:.1e}, α {abs(a - ALPHA) / ALPHA:.1e}",
                     f"{disc.equations[1]}; end to end {el:.1f} s"))
    return rows


def lorenz():
    lor = SymbolicSystem(SymbolicSpec("Lorenz", "flow", ("x", "y", "z"), ("sigma", "rho", "beta"),
                                      ("sigma*(y - x)", "x*(rho - z) - y", "x*y - beta*z")),
                         dict(sigma=10, rho=28, beta=8 / 3))
    X = lor.trajectory(10_000, dt=0.01, x0=[1, 1, 1], transient=5).x
    test = lor.trajectory(2000, dt=0.01, x0=X[-1], transient=10).x
    known = SymbolicSpec("Lorenz without -xz", "flow", ("x", "y", "z"), ("sigma", "rho", "beta"),
                         ("sigma*(y - x)", "x*rho - y", "x*y - beta*z"))
    starts = test[::100][:20]

    def fc_err(sysm):
        err = []
        for x0 in starts:
            ref = lor.trajectory(101, dt=0.01, x0=x0).x
            try:
                err.append(np.mean((sysm.trajectory(101, dt=0.01, x0=x0).x - ref) ** 2))
            except Exception:  # noqa: BLE001
                err.append(np.inf)
        return float(np.sqrt(np.mean(err)) / X.std())

    rows = [("lorenz", "known-only (true σ, ρ, β)", fc_err(SymbolicSystem(known, dict(sigma=10, rho=28, beta=8 / 3))),
             "", "")]
    rng = np.random.default_rng(0)
    for noise in (0.0, 0.01):
        Xn = X + noise * X.std(0) * rng.standard_normal(X.shape)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bb = SINDy(state_names=("x", "y", "z")).fit(Xn, 0.01).to_system()
        rows.append(("lorenz", f"black-box SINDy, noise {noise:.0%}", fc_err(bb), "", ""))
        t0 = time.perf_counter()
        h = Hybrid(known, unknown=dict(sigma=5, rho=20, beta=2)).fit(Xn, dt=0.01)
        el = time.perf_counter() - t0
        c = h.coef_[1, h.feature_names_.index("x z")]
        perr = max(abs(h.parameters_[k] - v) / v for k, v in dict(sigma=10, rho=28, beta=8 / 3).items())
        extra = f"fit {el:.1f} s; {np.count_nonzero(h.coef_)} remainder terms"
        if noise == 0 and not QUICK:
            from attractor.dynamics.lyapunov import lyapunov_spectrum

            lam = lyapunov_spectrum(h.to_system(), t_total=2000, x0=X[-1], seed=0).exponents
            extra += "; Lyapunov " + ", ".join(f"{v:.4f}" for v in lam)
        rows.append(("lorenz", f"hybrid, noise {noise:.0%}", fc_err(h.to_system()),
                     f"xz coef {c:.4f}, params {perr:.1e}", extra))
    return rows


def main():
    print("protocol | model | error (pendulum: test log-MSE; lorenz: RMS 1-TU forecast / std) | "
          "relative errors | notes")
    for r in pendulum() + lorenz():
        print(f"{r[0]} | {r[1]} | {r[2]:.3g} | {r[3]} | {r[4]}")


if __name__ == "__main__":
    main()
