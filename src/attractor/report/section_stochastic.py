"""The stochastic-dynamics section of the report (issue #14 item 5).

On the analysed channel (1-D) the item estimates drift and diffusion by Kramers–Moyal
conditional moments (:func:`attractor.learn.stochastic.kramers_moyal`, with ±2 standard-error
bands), checks Pawula's condition (Gaussian increments) and the Markov property
(Chapman–Kolmogorov test, :func:`attractor.analysis.stochastic.markov_test`), fits a sparse
:class:`~attractor.learn.stochastic.LangevinRegression` and compares its stationary
Fokker–Planck density with the data's histogram.

Cost: the series is cut to its first :data:`QUICK_SAMPLES` (quick) or :data:`FULL_SAMPLES`
samples (stated in the item's settings).

References: Friedrich, Peinke, Sahimi & Tabar (2011), Phys. Rep. 506, 87 (Kramers–Moyal,
Pawula, Markov tests); Callaham et al. (2021), New J. Phys. 23, 063018 (Langevin regression).
"""
from __future__ import annotations

import numpy as np

from ..analysis.stochastic import markov_test, stationary_density
from ..learn.stochastic import LangevinRegression, kramers_moyal
from .figures import new_figure, render_png

__all__ = ["STOCHASTIC_SECTION", "QUICK_SAMPLES", "FULL_SAMPLES"]

QUICK_SAMPLES = 5000
FULL_SAMPLES = 20000


def _stochastic(ctx) -> dict:
    cap = QUICK_SAMPLES if ctx.quick else FULL_SAMPLES
    x = np.asarray(ctx.x, dtype=float)[:cap]
    dt = float(ctx.dt)
    km = kramers_moyal(x, dt, bins=30)  # its ReliabilityWarnings reach the item's warnings
    mt = markov_test(x)
    lr = LangevinRegression().fit(x, dt)
    rc = lr.residual_check()
    eq = lr.equations()
    adequate = bool(np.all(rc.adequate))
    lo, hi = float(np.min(x)), float(np.max(x))
    grid = np.linspace(lo, hi, 401)
    f = np.asarray(lr.drift(grid[:, None])).reshape(-1)
    # stable zeros of the fitted drift inside the data range: sign change + -> -
    s = np.sign(f)
    stable = [float(0.5 * (grid[i] + grid[i + 1])) for i in range(grid.size - 1) if s[i] > 0 and s[i + 1] < 0]
    names = list(lr.drift_names_)
    support = np.asarray(lr.drift_support_).reshape(-1)
    nonlinear_terms = [n for n, keep in zip(names, support) if keep and _degree(n) >= 2]
    if len(stable) >= 2:
        kind = "bistable"
    elif nonlinear_terms:
        kind = "nonlinear"
    else:
        kind = "linear"
    markov_diffusion = bool(km.diffusion_adequate) and bool(mt.markov) and adequate
    ctx.shared["stochastic"] = {"markov_diffusion": markov_diffusion, "drift_kind": kind,
                                "stable_zeros": stable, "equation": eq[0] if eq else ""}
    figs = []
    fig, axes = new_figure(ncols=2)
    if fig is not None:
        a0, a1 = axes
        pts = np.asarray(km.points).reshape(-1)
        dr = np.asarray(km.drift).reshape(-1)
        se = np.asarray(km.drift_stderr).reshape(-1)
        a0.fill_between(pts, dr - 2 * se, dr + 2 * se, alpha=0.3)
        a0.plot(pts, dr, ".", label="Kramers–Moyal drift")
        a0.plot(grid, f, "-", label="Langevin fit")
        a0.set_xlabel("x")
        a0.legend()
        a1.hist(x, bins=40, density=True, alpha=0.4, label="data")
        try:
            sd = stationary_density(lr.to_system(), x_range=(lo, hi))
            a1.plot(np.asarray(sd.x).reshape(-1), sd.density, label="fitted model")
        except Exception:  # noqa: BLE001 (the figure is optional; the numbers stand)
            pass
        a1.legend()
        figs.append(render_png(fig, "Left: drift (KM, ±2 s.e.) and the Langevin fit; right: stationary density"))
    text = (f"Pawula ratio {float(np.max(km.pawula_overall)):.3g} ("
            + ("Gaussian increments" if km.diffusion_adequate else "jumps or non-Gaussian increments")
            + f"); Chapman–Kolmogorov Markov test p = {mt.p_value:.2g} ("
            + ("not rejected" if mt.markov else "rejected")
            + "); Langevin residuals " + ("adequate" if adequate else "not adequate")
            + f". Fitted model: {'; '.join(eq)}. Drift: {kind}"
            + (f" (stable zeros at {', '.join(f'{z:.3g}' for z in stable)})" if stable else "") + ".")
    return {"numbers": {"Pawula ratio": float(np.max(km.pawula_overall)), "Markov p-value": float(mt.p_value),
                        "stable drift zeros": len(stable)},
            "settings": {"samples used": f"{x.size} (first samples; cap {cap})", "Kramers–Moyal bins": 30,
                         "Markov test": f"lag {mt.lag}, alpha {mt.alpha}"},
            "figures": figs, "text": text, "result": ctx.shared["stochastic"],
            "reliable": bool(km.reliable) and markov_diffusion,
            "reading": "If increments are Gaussian (Pawula) and the Markov test is not rejected, the channel is "
                       "consistent with a diffusion dx = f(x) dt + g(x) dW; stable zeros of f are the wells."}


def _degree(name: str) -> int:
    """Total polynomial degree of a library feature name such as ``x0^3`` or ``x0 x1`` ("1": 0)."""
    if name.strip() == "1":
        return 0
    deg = 0
    for factor in name.split():
        base, _, power = factor.partition("^")
        deg += int(power) if power.isdigit() else 1
    return deg


STOCHASTIC_SECTION = (
    "stochastic", "Stochastic dynamics",
    "Is the channel consistent with a Markov diffusion, and what are its drift and diffusion?",
    [("stochastic", "Drift, diffusion and Langevin model", _stochastic)],
)
