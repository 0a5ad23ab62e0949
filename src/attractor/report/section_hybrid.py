"""The hybrid-model section of the report (issue #17 item 4): ``attractor analyze DATA --known MODEL.toml``.

The user supplies a partial model (:mod:`attractor.learn.hybrid_spec`): the known part of the
equations with some parameters unknown. On the data's first 80 % (the training part) the item

1. fits a :class:`~attractor.learn.hybrid.Hybrid` model ``ẋ = K(x; p) + F(x)``: the unknown
   parameters ``p`` with Gauss–Newton standard errors and an identifiability check, and a
   learned remainder ``F``;
2. writes the remainder back as equations (:meth:`Hybrid.discover_remainder`, sparse
   regression over polynomials up to degree 3 of the remainder's values along the data);
3. fits two comparison models on the same part: the known part alone (its unknown parameters
   re-fitted with no remainder, by the same derivative matching) and a black box (SINDy alone,
   polynomials up to degree 3);
4. forecasts the held-out last 20 % (at least :data:`MIN_TAIL` samples) with all three, free-running
   from the last training state with the same adaptive integrator (Dormand–Prince 8(5,3),
   ``rtol`` 1e-8), and scores them against persisting the last value and predicting the training
   mean.

Every sentence of the item is conditional on the numbers: parameters the data cannot identify
are reported as such (no value), a remainder that carries nearly the whole vector field is said
to make the known part irrelevant, a model is called best only with at least 5 % less error
than the next one, and forecasts no better than the two baselines are said to show no skill.

References: Yin et al. (2021), APHYNITY, ICLR; Rackauckas et al. (2020), arXiv:2001.04385;
Vlachas et al. (2020), Neural Networks 126, 191 (valid prediction time, threshold 0.4).
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ..core.errors import IntegrationError
from ..core.system import DynamicalSystem
from .figures import new_figure, render_png

__all__ = ["HYBRID_SECTION", "MIN_SAMPLES", "MIN_TAIL", "TAIL_FRACTION", "PHYSICS_IGNORED", "MARGIN"]

#: Fewest samples the item accepts (training part plus held-out tail).
MIN_SAMPLES = 50
#: Fewest held-out samples.
MIN_TAIL = 10
#: Share of the samples held out at the end.
TAIL_FRACTION = 0.2
#: Physics share ‖K‖²/(‖K‖²+‖F‖²) below which the known part is said to be effectively ignored
#: (the same threshold as the ReliabilityWarning of :class:`~attractor.learn.hybrid.Hybrid`).
PHYSICS_IGNORED = 0.05
#: A model is "better" only with at least this relative margin of forecast error.
MARGIN = 0.05
_VPT_THRESHOLD = 0.4  # Vlachas et al. (2020)
_MODELS = ("known part only", "hybrid", "black box (SINDy alone)")
_BASELINES = ("persistence", "training mean")


class _Field(DynamicalSystem):
    """A flow from a batch vector field ``f(X (n, d)) -> (n, d)``, for the shared integrator."""

    def __init__(self, f: Callable[[np.ndarray], np.ndarray], names: tuple[str, ...], dt: float, label: str):
        self._f = f
        self.name = label
        self.kind = "flow"
        self.dimension = len(names)
        self.state_names = tuple(names)
        self.default_dt = float(dt)

    def rhs(self, x, t: float = 0.0) -> np.ndarray:
        return np.asarray(self._f(np.asarray(x, float)[None, :]), float)[0]


def _free_run(f, names, x0, horizon: int, dt: float, bound: float, label: str) -> tuple[np.ndarray, str]:
    """``horizon`` samples after ``x0``; rows after a divergence are NaN (with the reason)."""
    out = np.full((horizon, len(names)), np.nan)
    try:
        with np.errstate(all="ignore"):
            tr = _Field(f, names, dt, label).trajectory(horizon + 1, dt=dt, x0=x0, rtol=1e-8, atol=1e-10,
                                                        max_norm=bound, max_steps=2000 * horizon + 10000)
        out[:] = tr.x[1:]
        return out, ""
    except IntegrationError as exc:
        return out, f"the forecast failed ({type(exc).__name__}: {str(exc)[:160]})"


def _errors(truth: np.ndarray, pred: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Normalised error per lead, ``sqrt(mean_c ((y_c − ŷ_c)/σ_c)²)``; inf where not finite."""
    with np.errstate(all="ignore"):
        e = np.sqrt(np.mean(((truth - pred) / scale) ** 2, axis=1))
    return np.where(np.isfinite(e), e, np.inf)


def _score(e: np.ndarray) -> float:
    """Root-mean-square of the normalised error over the tail (inf if any lead is not finite)."""
    return float(np.sqrt(np.mean(e ** 2))) if np.all(np.isfinite(e)) else math.inf


def _vpt(e: np.ndarray, dt: float) -> tuple[float, bool]:
    above = np.flatnonzero(e > _VPT_THRESHOLD)
    return (float(above[0] * dt), False) if above.size else (float(e.size * dt), True)


def _fmt(v: float, digits: int = 3) -> str:
    return "diverged/failed" if not math.isfinite(v) else f"{v:.{digits}g}"


def _hybrid(ctx) -> dict:
    import warnings

    from ..learn import SINDy
    from ..learn.hybrid import RemainderDiscovery
    from ..learn.libraries import PolynomialLibrary

    km = ctx.known
    d = ctx.data
    idx = km.column_indices(d.columns)
    states = km.states
    n = d.n_times
    if n < MIN_SAMPLES:
        from .sections import SkipItem

        raise SkipItem(f"the hybrid model needs at least {MIN_SAMPLES} samples (training part plus a held-out "
                       f"tail of {MIN_TAIL}); the data have {n}.")
    X = np.asarray(d.x[:, idx], float)
    t = np.asarray(d.t, float)
    dt = float(ctx.dt)
    n_tail = max(MIN_TAIL, int(round(TAIL_FRACTION * n)))
    ntr = n - n_tail
    Xtr, ttr, truth = X[:ntr], t[:ntr], X[ntr:]

    # --- 1. the hybrid model; its own ReliabilityWarnings reach the item's warnings
    h = km.hybrid(seed=ctx.seed).fit(Xtr, t=ttr)
    disc = h.discover_remainder(PolynomialLibrary(3))
    ident = dict(h.identifiable_)
    share = float(h.physics_fraction_)

    # --- 2. the known part alone: its unknowns re-fitted with no remainder (same rows, same matching)
    if km.unknown:
        zero = RemainderDiscovery([""] * len(states), np.zeros_like(disc.coef), list(disc.feature_names),
                                  np.full(len(states), np.nan), disc.library)
        h.refit_symbolic(zero, name=f"{km.name} alone")
        known_values = dict(h.symbolic_parameters_)
    else:
        known_values = {}
    f_known = km.vector_field(known_values)

    # --- 3. the black box
    bb_deg = max(3, km.degree)
    bb_note = ""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the black box's own notes are not this item's
            bb = SINDy(library=PolynomialLibrary(bb_deg), state_names=list(states)).fit(Xtr, t=ttr)
        f_bb, bb_eqs = bb.predict, bb.equations()
    except (ValueError, np.linalg.LinAlgError) as exc:  # ValidationError is a ValueError
        f_bb, bb_eqs, bb_note = None, [], f"SINDy alone could not be fitted: {exc}"

    # --- 4. forecasts of the held-out tail
    scale = Xtr.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    bound = 100.0 * (float(np.max(np.abs(X))) + float(np.max(scale))) + 1.0
    x0 = Xtr[-1]
    preds: dict[str, np.ndarray] = {}
    notes: dict[str, str] = {}
    for label, f in zip(_MODELS, (f_known, h.predict, f_bb)):
        if f is None:
            preds[label], notes[label] = np.full_like(truth, np.nan), bb_note
            continue
        preds[label], notes[label] = _free_run(f, states, x0, n_tail, dt, bound, label)
    preds["persistence"] = np.repeat(x0[None, :], n_tail, axis=0)
    preds["training mean"] = np.repeat(Xtr.mean(axis=0)[None, :], n_tail, axis=0)
    errs = {k: _errors(truth, p, scale) for k, p in preds.items()}
    scores = {k: _score(e) for k, e in errs.items()}
    vpts = {k: _vpt(e, dt) for k, e in errs.items()}

    # --- numbers (the table of the item)
    numbers: dict[str, Any] = {}
    sentences: list[str] = []
    good, flat, zeroish = [], [], []
    p_hat = h.parameter_vector_
    zeroed = [k for k, v in zip(km.unknown, p_hat) if abs(v) < 1e-3 * max(abs(km.unknown[k]), 1e-12)]
    for k in km.unknown:
        v, s = h.parameters_[k], h.parameter_std_[k]
        if k in zeroed:
            numbers[f"{k} (fitted)"] = "driven to zero (term not supported by the data)"
        elif not ident[k] or not math.isfinite(v):
            numbers[f"{k} (fitted)"] = "not identifiable from these data"
            flat.append(k)
        else:
            numbers[f"{k} (fitted)"] = f"{v:.6g} ± {s:.2g}"
            good.append(f"{k} = {v:.6g} ± {s:.2g}")
            if abs(v) < 2 * s:
                zeroish.append(k)
    if good:
        sentences.append("Fitted parameter(s) of the known part (± standard error): " + ", ".join(good) + ".")
    flat_only = flat
    if flat_only:
        sentences.append(f"The data cannot identify {', '.join(flat_only)}: the fit does not depend on "
                         f"{'it' if len(flat_only) == 1 else 'them'}, or only through a combination with other "
                         "parameters, so no value is reported.")
    if zeroish:
        sentences.append(f"{', '.join(zeroish)} {'is' if len(zeroish) == 1 else 'are'} not distinguishable from "
                         "zero (|value| < 2 standard errors): the data give no evidence for the term(s) "
                         f"{'it multiplies' if len(zeroish) == 1 else 'they multiply'}.")
    if zeroed:
        sentences.append(f"{', '.join(zeroed)} {'was' if len(zeroed) == 1 else 'were'} driven to zero from the "
                         "initial guess, so the terms of the known model "
                         f"{'it multiplies' if len(zeroed) == 1 else 'they multiply'} vanish: the data do not "
                         "support that part of the known model, and the remainder takes its place.")
    if good and km.remainder == "kernel":
        sentences.append("With a kernel remainder these standard errors leave out the bias of the regularised "
                         "remainder absorbing part of the known terms (a few per cent on the damped pendulum); "
                         "treat the values as approximate.")
    if not km.unknown:
        sentences.append("The known part has no unknown parameters; only the remainder was fitted.")
    numbers["physics share of the vector field"] = round(share, 4) if math.isfinite(share) else None
    ignored = math.isfinite(share) and share < PHYSICS_IGNORED
    if ignored:
        sentences.append(f"The remainder explains nearly everything: the known part carries only {100 * share:.2g} % "
                         "of the fitted vector field (squared norm along the data), so the known model is "
                         "effectively ignored, its fitted parameters do not describe these data, and the "
                         "remainder's equations below describe nearly all of the fitted vector field rather than "
                         "a missing term. Check the known model.")
    elif math.isfinite(share) and share < 0.5:
        sentences.append(f"The remainder is as large as the known part or larger (the known part carries "
                         f"{100 * share:.2g} % of the fitted vector field, squared norm along the data): the "
                         "known model alone does not account for a large part of the fitted vector field.")
    elif math.isfinite(share):
        sentences.append(f"The known part carries {100 * share:.3g} % of the fitted vector field (squared norm "
                         "along the data), the remainder the rest.")

    rem_lines = []
    for i, s in enumerate(states):
        eq = disc.equations[i].split(" = ", 1)[1]
        r2 = disc.r2[i]
        key = f"remainder of d{s}/dt (discovered)"
        if not np.any(h.coef_[i]) and not np.any(disc.coef[i]):
            numbers[key] = "0 (none learned)"
            rem_lines.append(f"no remainder was learned for d{s}/dt")
            continue
        r2txt = f"R² {r2:.3g}" if math.isfinite(r2) else "R² n/a"
        numbers[key] = f"{eq} ({r2txt})"
        if math.isfinite(r2) and r2 >= 0.9:
            rem_lines.append(f"remainder of d{s}/dt ≈ {eq} (these terms explain {100 * r2:.3g} % of the learned "
                             "remainder's variance)")
        else:
            pct = f"{100 * max(r2, 0.0):.2g} %" if math.isfinite(r2) else "an undetermined share"
            rem_lines.append(f"remainder of d{s}/dt ≈ {eq}, but these terms explain only {pct} of the learned "
                             "remainder's variance, so this is a rough description of it")
    sentences.append("Learned remainder written as equations (polynomials up to degree 3): "
                     + "; ".join(rem_lines) + ".")

    for label in (*_MODELS, *_BASELINES):
        numbers[f"forecast error (normalised RMS): {label}"] = (float(f"{scores[label]:.4g}")
                                                                if math.isfinite(scores[label]) else "diverged/failed")
    for label in _MODELS:
        v, capped = vpts[label]
        numbers[f"valid prediction time: {label}"] = (f"≥ {v:.4g} (whole tail)" if capped else round(v, 4))
    numbers["held-out tail"] = f"last {n_tail} samples (t = {t[ntr]:.4g} to {t[-1]:.4g} {ctx.unit})"

    baseline = min(scores[b] for b in _BASELINES)
    ranked = sorted(_MODELS, key=lambda k: scores[k])
    best, second = ranked[0], ranked[1]
    sentences.append(f"Free-running forecasts of the held-out last {n_tail} samples from the last training state, "
                     "normalised RMS error: " + ", ".join(f"{k} {_fmt(scores[k])}" for k in _MODELS)
                     + f" (persistence {_fmt(scores['persistence'])}, training mean {_fmt(scores['training mean'])}).")
    failed = [f"{k}: {notes[k]}" for k in _MODELS if notes[k]]
    if failed:
        sentences.append("Forecasts that did not run to the end: " + "; ".join(failed) + ".")
    skill = math.isfinite(scores[best]) and scores[best] <= (1 - MARGIN) * baseline
    hybrid_skill = math.isfinite(scores["hybrid"]) and scores["hybrid"] <= (1 - MARGIN) * baseline
    if not skill:
        sentences.append("No model forecasts the held-out tail better than persisting the last value or predicting "
                         f"the training mean (by {100 * MARGIN:.0f} %), so these forecasts show no skill here and do "
                         "not validate any of the fitted models, their parameters or the remainder's equations.")
    elif scores[best] <= (1 - MARGIN) * scores[second]:
        sentences.append(f"The {best} model forecasts the held-out tail best (at least {100 * MARGIN:.0f} % lower "
                         f"error than the {second} model).")
    else:
        sentences.append(f"The {best} and {second} models forecast the held-out tail about equally well (errors "
                         f"within {100 * MARGIN:.0f} %); neither is clearly better here.")
    if skill and not hybrid_skill:
        sentences.append("The hybrid model itself does not forecast better than the baselines, so its parameters "
                         "and remainder are not validated by the held-out data.")
    if hybrid_skill and scores["known part only"] >= 2 * scores["hybrid"] and not ignored:
        sentences.append("The known part alone forecasts much worse than the hybrid (error "
                         f"{_fmt(scores['known part only'])} vs {_fmt(scores['hybrid'])}): the data contain dynamics "
                         "the known model lacks, which the remainder supplies.")

    bb_label = "black box (SINDy alone)"
    bb_better = (math.isfinite(scores[bb_label]) and scores[bb_label] <= (1 - MARGIN) * baseline
                 and scores[bb_label] <= (1 - MARGIN) * scores["hybrid"])
    if bb_better:
        sentences.append("SINDy alone, without the known physics, forecasts better than the hybrid: on these data "
                         "the known part does not help, so it may be wrong or incomplete.")
    reliable = bool(not flat and not zeroish and not zeroed and not ignored and hybrid_skill and not bb_better)
    shown = km.name.replace("[", "(").replace("]", ")")  # findings are printed with Rich markup
    summary = f"known model '{shown}': " + "; ".join(
        [", ".join(good) or "no identifiable parameter" if km.unknown else "no unknown parameters"]
        + ([f"not identifiable: {', '.join(flat)}"] if flat and good else [])
        + ([f"driven to zero: {', '.join(zeroed)}"] if zeroed else [])
        + ([f"not distinguishable from zero: {', '.join(zeroish)}"] if zeroish else [])
        + (["the remainder explains nearly everything (known part ignored)"] if ignored else [])
        + [f"hybrid forecast error {_fmt(scores['hybrid'])} vs known part only {_fmt(scores['known part only'])} "
           f"vs SINDy alone {_fmt(scores['black box (SINDy alone)'])}"]
        + ([] if hybrid_skill else ["the hybrid shows no forecast skill over persistence or the mean"])
        + (["SINDy alone forecasts better, so the known part may be wrong or incomplete"] if bb_better else []))
    ctx.shared["hybrid_summary"] = summary + "."

    figs = _figure(t, X, ntr, preds, errs, states, dt, ctx.unit)
    settings = {"model file": km.source, "known part": km.describe(),
                "known parameters": dict(km.parameters) or "(none)",
                "unknown parameters (initial guesses)": dict(km.unknown) or "(none)",
                "data columns": ", ".join(f"{s} = {c}" for s, c in zip(states, km.columns)),
                "remainder": (f"sparse polynomials up to degree {km.degree} (STLSQ)" if km.remainder == "sindy"
                              else f"Gaussian kernel ridge, {km.n_centers} Nyström centres"),
                "fit": f"{km.fit_method} matching" + (" (weak form)" if h.weak_ else "")
                       + f" on the first {ntr} samples",
                "known part only": "the same known part, unknowns re-fitted with no remainder"
                                   + (f" ({', '.join(f'{k} = {v:.6g}' for k, v in known_values.items())})"
                                      if known_values else ""),
                "black box": f"SINDy, polynomials up to degree {bb_deg}: " + ("; ".join(bb_eqs) or bb_note),
                "forecasts": "free run from the last training state, Dormand–Prince 8(5,3), rtol 1e-8; error "
                             "normalised by each state's training standard deviation",
                "hybrid equations": "; ".join(h.equations())}
    return {"numbers": numbers, "settings": settings, "figures": figs, "text": " ".join(sentences),
            "reliable": reliable,
            "result": {"hybrid": h, "discovery": disc, "scores": scores, "known_only_parameters": known_values,
                       "identifiable": ident, "physics_share": share, "forecast_skill": skill,
                       "hybrid_skill": hybrid_skill, "black_box_better": bb_better},
            "reading": "A hybrid model keeps the equations you know, fits their unknown parameters, and learns what "
                       "they miss as a remainder, which is then written as equations. Standard errors assume "
                       "independent residuals (Gauss–Newton) and are optimistic when the derivative errors are "
                       "correlated. The forecast comparison is one free run over one held-out stretch: a different "
                       "split can change the ranking, and only models that beat persistence and the mean are worth "
                       "comparing."}


def _figure(t, X, ntr, preds, errs, states, dt, unit):
    k = min(len(states), 3)
    fig, axes = new_figure(3.0 * (k + 1), 2.8, ncols=k + 1)
    if fig is None:
        return []
    n_tail = X.shape[0] - ntr
    lo = max(0, ntr - 3 * n_tail)
    colors = {"known part only": "tab:orange", "hybrid": "tab:green", "black box (SINDy alone)": "tab:purple"}
    for c in range(k):
        ax = axes[c]
        ax.plot(t[lo:], X[lo:, c], color="0.3", lw=1.0, label="data")
        ax.axvline(t[ntr - 1], color="0.6", ls=":", lw=0.8)
        for label, col in colors.items():
            ax.plot(t[ntr:], preds[label][:, c], color=col, lw=1.0, label=label)
        span = float(np.ptp(X[lo:, c])) or 1.0
        ax.set_ylim(float(np.min(X[lo:, c])) - 0.5 * span, float(np.max(X[lo:, c])) + 0.5 * span)
        ax.set_xlabel(f"time ({unit})")
        ax.set_ylabel(states[c])
    axes[0].legend(fontsize=6, loc="best")
    ax = axes[-1]
    lead = dt * np.arange(1, n_tail + 1)
    for label, col in colors.items():
        e = np.where(np.isfinite(errs[label]), errs[label], np.nan)
        ax.plot(lead, e, color=col, lw=1.0, label=label)
    ax.plot(lead, errs["persistence"], color="0.5", ls="--", lw=0.8, label="persistence")
    ax.plot(lead, errs["training mean"], color="0.5", ls=":", lw=0.8, label="training mean")
    ax.axhline(_VPT_THRESHOLD, color="tab:red", lw=0.6, ls="-.")
    ax.set_yscale("log")
    ax.set_xlabel(f"lead time ({unit})")
    ax.set_ylabel("normalised error")
    ax.legend(fontsize=6, loc="best")
    return [render_png(fig, f"Held-out tail: data (grey) and free-running forecasts of the known part alone, the "
                            f"hybrid and SINDy alone (left; the dotted line ends the training part); right: "
                            f"normalised error against lead time, with the 0.4 valid-prediction threshold.")]


HYBRID_SECTION = (
    "hybrid", "Hybrid model (known physics + learned remainder)",
    "The partial model given with --known: its fitted parameters, what the learned remainder adds, and "
    "forecasts of the known part alone, the hybrid and a black box on held-out data.",
    [("hybrid", "Known part, remainder and forecast comparison", _hybrid)],
)
