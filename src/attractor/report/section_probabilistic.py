"""The probabilistic-forecast section of the report (issue #15 item 6).

Two training-free ensemble forecasters — :class:`~attractor.learn.flow_matching.FreeFlowMatching`
(closed-form flow matching over the observed transitions) and
:class:`~attractor.forecast.AnalogForecaster` (analogue ensemble) — are fitted on the first 75 % of
the analysed data; the one with the lower CRPS on a validation block at the end of that training
part (forecast from a fit on its first 80 %) is the *best probabilistic model*, refitted on the whole
training part and run from 10 (quick) or 16 origins spread over the held-out last 25 %. The item shows its
fan chart (5–95 % and 25–75 % quantile bands of the analysed channel from the first origin), its rank
histogram, and the fair CRPS (Ferro 2014) per lead against climatology (200 training samples, evenly
spaced) — and says for how long the ensemble's CRPS stays better than climatology's:

* a lead counts only when the mean CRPS is at least 5 % lower and the per-origin log CRPS ratio is
  significantly below zero across origins (one-sided Student t test at the level of 2 normal standard
  errors, 2.3 %; :func:`~attractor.forecast.crps_skill_horizon`);
  the horizon is the run of such leads from the first one. When the first lead fails: "no better
  than climatology at any lead" if no lead passes and the mean CRPS is never 5 % lower; otherwise
  "no skill horizon" with the first lead's CRPS difference (later leads are not counted: among
  hundreds of leads some pass by chance).
* the horizon is converted to Lyapunov times only when the report's own λ1 estimate is reliable and
  positive; otherwise it is stated in time units with the reason.
* a horizon that reaches the end of the tested leads is a lower bound ("at least").

Calibration: randomized PIT values of the verification pairs thinned to the decorrelation lag (first
lag with mean autocorrelation ≤ 1/2, so consecutive pairs are less dependent), pooled over origins
and channels, tested for uniformity (Kolmogorov–Smirnov, nominal 5 % level), with the spread–skill
ratio (< 1: over-confident).

Data handling: up to 3 channels are used together (more: the first only), the first
:data:`QUICK_SAMPLES` / :data:`FULL_SAMPLES` samples. A single channel is delay-embedded through the
models' consecutive-sample windows: the series is thinned by ``max(1, delay // m)`` (the estimated
delay spread over the m embedding dimensions, as for NGRC in the forecast comparison) and the window
is ``m`` samples (2–6). Horizon: 5 Lyapunov times with a reliable λ1, else 200 samples (as the
forecast comparison), at most half the held-out part; 30 (quick) or 50 members. Cost: about 0.5 s on
the 10 000-sample Lorenz demo. Skipped, with the reason, below :data:`MIN_SAMPLES` samples or when fewer than
:data:`MIN_ORIGINS` forecast origins fit in the held-out part.

References: Gneiting & Raftery (2007), JASA 102, 359 (CRPS); Ferro (2014), QJRMS 140, 1917 (fair
CRPS); Hamill (2001), MWR 129, 550 (rank histograms); Lorenz (1969), J. Atmos. Sci. 26, 636
(analogues); Lipman et al. (2023), ICLR (flow matching).
"""
from __future__ import annotations

import warnings

import numpy as np

from ..core.errors import ReliabilityWarning
from .figures import new_figure, render_png
from .sections import SkipItem, _num, _series

__all__ = ["PROBABILISTIC_SECTION", "MIN_SAMPLES", "QUICK_SAMPLES", "FULL_SAMPLES", "MIN_ORIGINS"]

MIN_SAMPLES = 500
QUICK_SAMPLES = 4000
FULL_SAMPLES = 20000
MIN_ORIGINS = 3
_MARGIN = 0.05   # relative CRPS improvement a lead needs to count as "better than climatology"
_Z = 2.0         # ... and significantly: one-sided t test at the level of this many normal standard errors
_MIN_LEADS = 10


def _decorrelation_lag(Z: np.ndarray, max_lag: int) -> int:
    """First lag with autocorrelation (mean over channels) <= 1/2; at least 1, at most ``max_lag``."""
    Z = Z - Z.mean(axis=0)
    var = np.where(Z.var(axis=0) > 0, Z.var(axis=0), 1.0)
    for k in range(1, max(1, min(max_lag, Z.shape[0] // 4)) + 1):
        if np.mean(np.mean(Z[k:] * Z[:-k], axis=0) / var) <= 0.5:
            return k
    return max(1, max_lag)


def _lyapunov_note(ctx) -> tuple[float | None, str]:
    """(λ1 to use or None, why not)."""
    res = ctx.shared.get("lyapunov")
    if res is None:
        return None, "no λ1 was estimated in this run"
    lam = float(getattr(res, "exponent", float("nan")))
    if not bool(getattr(res, "reliable", False)):
        failed = [k for k, v in (getattr(res, "checks", None) or {}).items() if not v]
        return None, "the report's λ1 estimate is unreliable" + (f" (failed checks: {'; '.join(failed)})"
                                                                  if failed else "")
    if not (np.isfinite(lam) and lam > 0):
        return None, f"the report's λ1 estimate ({lam:.3g}) is not positive"
    return lam, ""


def _crps_by_lead(obs: np.ndarray, ens: np.ndarray, scale: np.ndarray, fair: bool = True) -> np.ndarray:
    from ..forecast.scores import crps_ensemble

    return crps_ensemble(obs / scale, ens / scale, fair=fair).mean(axis=-1)


def _run(model, Z: np.ndarray, starts, horizon: int, m: int, seed: int) -> list[np.ndarray]:
    out = []
    for j, s in enumerate(starts):
        model.seed = seed + j
        ens = np.asarray(model.forecast_ensemble(Z[:s], horizon, m), dtype=float)
        if not np.all(np.isfinite(ens)):
            raise SkipItem(f"the {type(model).__name__} ensemble produced non-finite members.")
        out.append(ens)
    return out


def _probabilistic(ctx) -> dict:
    from ..forecast.analog import AnalogForecaster
    from ..forecast.reference_ensembles import climatology_ensemble, crps_skill_horizon
    from ..forecast.scores import pit_uniformity_test, rank_histogram
    from ..learn.flow_matching import FreeFlowMatching

    _series(ctx, MIN_SAMPLES, "the probabilistic forecast")
    d = ctx.data
    X = np.asarray(d.x if d.n_channels <= 3 else d.x[:, :1], dtype=float)
    cap = QUICK_SAMPLES if ctx.quick else FULL_SAMPLES
    X = X[:cap]
    n = X.shape[0]
    if X.shape[1] == 1:
        m_emb = int(ctx.shared.get("dimension", 3))
        tau = int(ctx.shared.get("delay", 1))
        delays = int(np.clip(m_emb, 2, 6))
        stride = max(1, tau // max(1, m_emb))
        stride = min(stride, max(1, n // MIN_SAMPLES))   # keep at least MIN_SAMPLES thinned samples
    else:
        delays, stride = 2, 1
    Z = X[::stride]
    dt = float(ctx.dt) * stride
    nz = Z.shape[0]
    n_train = int(0.75 * nz)
    scale = Z[:n_train].std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    lam, why = _lyapunov_note(ctx)
    h0 = max(20, int(round(5.0 / (lam * dt)))) if lam else max(20, 200 // stride)
    n_starts = 10 if ctx.quick else 16
    horizon = min(h0, (nz - n_train) // 2)
    if horizon < _MIN_LEADS:
        raise SkipItem(f"the held-out part ({nz - n_train} samples after thinning by {stride}) is too short for "
                       f"{MIN_ORIGINS} forecasts of {_MIN_LEADS} leads.")
    starts = np.unique(np.linspace(n_train, nz - horizon, n_starts).astype(int))
    if starts.size < MIN_ORIGINS:
        raise SkipItem(f"only {starts.size} forecast origin(s) fit in the held-out part; {MIN_ORIGINS} are needed.")
    members = 30 if ctx.quick else 50
    cands = {"training-free flow-matching": lambda: FreeFlowMatching(delays=delays, k=32, n_flow_steps=16,
                                                                     seed=ctx.seed),
             "analogue": lambda: AnalogForecaster(delays=delays, k=10, seed=ctx.seed)}
    # ---- selection on a validation block at the end of the training part (never on the held-out tail)
    n_fit = int(0.8 * n_train)
    hv = min(horizon, (n_train - n_fit) // 2)
    val_scores: dict[str, float] = {}
    if hv >= _MIN_LEADS:
        vstarts = np.unique(np.linspace(n_fit, n_train - hv, 3).astype(int))
        for label, make in cands.items():
            model = make().fit(Z[:n_fit], dt=dt)
            try:
                ens = _run(model, Z, vstarts, hv, min(members, 20), ctx.seed)
            except SkipItem:
                val_scores[label] = float("inf")
                continue
            val_scores[label] = float(np.mean([_crps_by_lead(Z[s:s + hv], e, scale) for s, e in zip(vstarts, ens)]))
        best = min(val_scores, key=val_scores.get)
    else:
        best = "analogue"
    model = cands[best]().fit(Z[:n_train], dt=dt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReliabilityWarning)
        ens = _run(model, Z, starts, horizon, members, ctx.seed + 1000)
    obs = [Z[s:s + horizon] for s in starts]
    clim = climatology_ensemble(Z[:n_train], horizon, 200)
    crps_m = np.array([_crps_by_lead(o, e, scale) for o, e in zip(obs, ens)])      # (K, H)
    crps_c = np.array([_crps_by_lead(o, clim, scale) for o in obs])
    sh = crps_skill_horizon(np.array([_crps_by_lead(o, e, scale, fair=False) for o, e in zip(obs, ens)]),
                            np.array([_crps_by_lead(o, clim, scale, fair=False) for o in obs]), margin=_MARGIN, z=_Z)
    skill = 1.0 - float(crps_m.mean()) / float(crps_c.mean()) if crps_c.mean() > 0 else float("nan")
    # ---- calibration on thinned pairs
    thin = _decorrelation_lag(Z[:n_train], horizon)
    po = np.concatenate([o[thin - 1::thin] for o in obs], axis=0)
    pe = np.concatenate([e[:, thin - 1::thin] for e in ens], axis=1)
    if po.size < 5:
        thin = 1
        po = np.concatenate(obs, axis=0)
        pe = np.concatenate(ens, axis=1)
    ranks = rank_histogram(po, pe, seed=ctx.seed)
    exact = bool(np.all(np.abs(pe - po[None]) <= 1e-9 * scale))
    pit = None if exact else pit_uniformity_test(po, pe, seed=ctx.seed)
    # ---- the sentence
    t_skill = sh.n_leads * dt
    unit = ctx.unit
    if sh.n_leads == 0:
        top = int(np.argmax(sh.skill))
        top_skill, first = float(sh.skill[top]), float(sh.skill[0])
        if not sh.better.any() and top_skill <= _MARGIN:
            sentence = (f"The {best} ensemble is no better than climatology at any lead: over the {starts.size} "
                        f"forecast origins its mean CRPS is never {100 * _MARGIN:g} % below climatology's"
                        + (f" (at most {100 * top_skill:.2g} %, at {(top + 1) * dt:.3g} {unit})." if top_skill > 0
                           else "."))
        else:   # the first lead fails; leads after a failure are not counted (many leads, chance passes)
            how = ("not distinguishably better" if first > _MARGIN else "not materially better" if first > 0
                   else "not better")
            sentence = (f"The {best} ensemble has no skill horizon: it is {how} than climatology even at the first "
                        f"lead ({dt:.3g} {unit}), where its mean CRPS is {abs(100 * first):.2g} % "
                        f"{'lower' if first > 0 else 'higher'} than climatology's"
                        + (f" but not significantly so over the {starts.size} forecast origins (too few to tell)."
                           if first > _MARGIN else f" (less than {100 * _MARGIN:g} %)." if first > 0
                           else "."))
    else:
        span = f"at least {t_skill:.3g} {unit}, the whole tested horizon" if sh.lower_bound else f"{t_skill:.3g} {unit}"
        sentence = (f"The {best} ensemble's CRPS stays better than climatology's (at least {100 * _MARGIN:g} % lower, "
                    f"significantly over {starts.size} origins) for {span}")
        if lam:
            sentence += (f", i.e. {'at least ' if sh.lower_bound else ''}{t_skill * lam:.2g} Lyapunov times "
                         f"(λ1 = {lam:.3g} per {unit}).")
        else:
            sentence += f"; stated in time units because {why}."
    if pit is None:
        calib = (" Every member matches every thinned verification value to 1e-9 of the channel's spread, so "
                 "calibration (PIT, spread–skill) is undefined.")
    else:
        calib = (f" Its PIT values {'do not depart' if pit.calibrated else 'depart'} from uniform by more than the "
                 f"nominal 5 % critical value (KS {pit.statistic:.2g} vs {pit.critical_value:.2g}, {pit.n} "
                 f"verification pairs thinned every {thin} samples"
                 + (", too few for a firm conclusion" if pit.n < 20 else "")
                 + f"); spread–skill ratio {pit.spread_skill:.2g}"
                 + (" (over-confident)" if pit.spread_skill < 0.8 else " (over-dispersed)" if pit.spread_skill > 1.25
                    else "") + ".")
    text = sentence + calib
    result = {"model": best, "skill_horizon_leads": int(sh.n_leads), "skill_horizon_time": float(t_skill),
              "skill_horizon_lyapunov": float(t_skill * lam) if lam else None, "lower_bound": bool(sh.lower_bound),
              "crps_skill": float(skill), "pit_statistic": float(pit.statistic) if pit else None,
              "pit_critical": float(pit.critical_value) if pit else None,
              "calibrated": bool(pit.calibrated) if pit else None,
              "spread_skill": float(pit.spread_skill) if pit else None, "n_origins": int(starts.size), "horizon": int(horizon),
              "dt": float(dt), "crps_by_lead": crps_m.mean(axis=0), "crps_climatology_by_lead": crps_c.mean(axis=0)}
    ctx.shared["probabilistic"] = result
    # ---- figures: fan chart, rank histogram, CRPS by lead
    figs = []
    fig, axes = new_figure(9.0, 2.8, ncols=3)
    if fig is not None:
        a0, a1, a2 = axes
        s0 = int(starts[0])
        back = min(s0, horizon)
        th = dt * (np.arange(-back + 1, 1))
        tf = dt * np.arange(1, horizon + 1)
        e0 = ens[0][:, :, 0]
        q = np.quantile(e0, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
        a0.plot(th, Z[s0 - back:s0, 0], color="0.3", lw=1, label="history")
        a0.fill_between(tf, q[0], q[4], color="tab:blue", alpha=0.2, label="5–95 %")
        a0.fill_between(tf, q[1], q[3], color="tab:blue", alpha=0.4, label="25–75 %")
        a0.plot(tf, q[2], color="tab:blue", lw=1, label="median")
        a0.plot(tf, obs[0][:, 0], color="k", lw=1, ls="--", label="observed")
        a0.set_xlabel(f"lead ({unit})")
        a0.set_ylabel(d.columns[0])
        a0.legend(fontsize=6)
        nb = ranks.size
        groups = min(nb, 10)
        edges = np.linspace(0, nb, groups + 1).round().astype(int)
        counts = np.array([ranks[a:b].sum() for a, b in zip(edges[:-1], edges[1:])])
        widths = np.diff(edges)
        a1.bar(np.arange(groups), counts, color="tab:gray")
        a1.plot(np.arange(groups), ranks.sum() * widths / nb, "r--", lw=1, label="uniform")
        a1.set_xlabel("rank of the observation (grouped)")
        a1.set_ylabel("count")
        a1.legend(fontsize=6)
        a2.plot(tf, crps_m.mean(axis=0), label=best)
        a2.plot(tf, crps_c.mean(axis=0), "--", label="climatology")
        if sh.n_leads > 0:
            a2.axvline(t_skill, color="0.5", ls=":", lw=1)
        a2.set_xlabel(f"lead ({unit})")
        a2.set_ylabel("CRPS (training std)")
        a2.legend(fontsize=6)
        figs.append(render_png(fig, f"Left: fan chart of the {best} ensemble from the first held-out origin "
                                    "(quantile bands of the analysed channel); middle: rank histogram of the "
                                    "thinned verification pairs; right: mean CRPS per lead against climatology "
                                    "(dotted: end of the skill horizon)"))
    numbers = {"best probabilistic model": f"{best} ensemble",
               "CRPS skill vs climatology (mean over leads)": _num(skill, 3),
               f"skill horizon ({unit})": (f"≥ {t_skill:.4g}" if sh.lower_bound else _num(t_skill)),
               "skill horizon (samples)": int(sh.n_leads * stride)}
    if lam:
        numbers["… in Lyapunov times"] = (f"≥ {t_skill * lam:.3g}" if sh.lower_bound else _num(t_skill * lam, 3))
    if pit is not None:
        numbers.update({"PIT KS statistic": _num(pit.statistic, 3), "5 % critical value": _num(pit.critical_value, 3),
                        "PIT uniform (nominal 5 %)": bool(pit.calibrated),
                        "spread–skill ratio": _num(pit.spread_skill, 3)})
    else:
        numbers["PIT"] = "undefined (exact forecasts)"
    if val_scores:
        for label, v in val_scores.items():
            numbers[f"validation CRPS, {label} ensemble"] = _num(v, 3)
    settings = {"samples used": f"{n} (first samples; cap {cap})", "thinning (samples)": stride,
                "window (samples)": delays, "training part": f"first 75 % ({n_train} thinned samples)",
                "forecast origins": int(starts.size), "horizon (leads)": int(horizon), "members": members,
                "climatology": "200 training samples evenly spaced in time",
                "skill criterion": f"mean CRPS ≥ {100 * _MARGIN:g} % lower than climatology's and log CRPS ratio "
                                   "significantly < 0 across origins (one-sided t test, level 2.3 %), from the "
                                   "first lead on",
                "Lyapunov exponent": f"λ1 = {lam:.4g}" if lam else f"not used: {why}", "seed": ctx.seed,
                "channels": ", ".join(d.columns[: X.shape[1]])}
    return {"numbers": numbers, "settings": settings, "text": text, "figures": figs, "result": result,
            "reliable": bool(starts.size >= MIN_ORIGINS and (pit is None or pit.n >= 20)),
            "reading": "An ensemble forecast is useful as long as its distribution of futures is sharper than the "
                       "long-run distribution (climatology) while still covering what happens: the CRPS rewards "
                       "both. A flat rank histogram means the observations fall among the members like one more "
                       "member; a U shape means the ensemble is too narrow."}


PROBABILISTIC_SECTION = (
    "probabilistic", "Probabilistic forecast",
    "How long does a distribution of futures stay sharper than the long-run distribution, and is it calibrated?",
    [("probabilistic", "Ensemble forecast, calibration and skill horizon", _probabilistic)],
)
