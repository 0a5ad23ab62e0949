"""Probabilistic forecasts on Lorenz: FreeFlowMatching vs climatology and persistence ensembles.

Mean CRPS (fair, Ferro 2014; averaged over channels and origins) at a few horizons, plus the time
of 50 samples x 500 steps. Run: PYTHONPATH=src python benchmarks/bench_probfc.py
"""
import time

import numpy as np

import attractor
from attractor.forecast.analog import AnalogForecaster
from attractor.learn.flow_matching import FreeFlowMatching
from attractor.metrics import crps_ensemble

d = attractor.forecast.protocol_data("lorenz", n_train_periods=40)
x = np.asarray(d.train)
test = np.asarray(np.concatenate([d.context, d.target]))
m, H = 50, 100
fm = FreeFlowMatching(delays=2, k=32, n_flow_steps=16, seed=0).fit(x)
an = AnalogForecaster(delays=2, k=10, seed=0).fit(x)
t0 = time.perf_counter()
fm.forecast_ensemble(x, 500, 50)
print(f"FreeFlowMatching 50 samples x 500 steps: {time.perf_counter() - t0:.2f} s")
rng = np.random.default_rng(0)
horizons = [1, 10, 50, 100]
origins = range(50, test.shape[0] - H, 25)
res = {k: {h: [] for h in horizons} for k in ("flow", "analog", "persistence", "climatology")}
sd = x.std(axis=0)
for o in origins:
    hist, fut = test[:o], test[o:o + H]
    fm.seed = o
    an.seed = o
    ens = {"flow": fm.forecast_ensemble(hist, H, m), "analog": an.forecast_ensemble(hist, H, m)}
    # persistence ensemble: last value plus perturbation of 1% of the std
    ens["persistence"] = np.repeat(hist[-1][None, None] + 0.01 * sd * rng.standard_normal((m, 1, 3)), H, axis=1)
    ens["climatology"] = np.repeat(x[rng.integers(0, x.shape[0], m)][:, None], H, axis=1)
    for k, e in ens.items():
        for h in horizons:
            res[k][h].append(crps_ensemble(fut[h - 1], e[:, h - 1], fair=True).mean())
print(f"origins: {len(list(origins))}, members: {m}, dt={d.dt:.4f}")
print("horizon " + " ".join(f"{k:>12}" for k in res))
for h in horizons:
    print(f"{h:7d} " + " ".join(f"{np.mean(res[k][h]):12.3f}" for k in res))
