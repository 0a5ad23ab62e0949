"""The verdict of :func:`attractor.report.analyze`: an evidence-weighted decision.

The verdict is derived from *all* report items together with their reliability, never from
one test. :func:`gather` collects an :class:`Evidence` value from the analysis context and
reads only items whose reliability is not ``False`` (an unreliable item is listed in
``Evidence.excluded`` with the reason, so the summary can say it was not used);
:func:`decide` maps that evidence to a :class:`Verdict` by the rule below. Both are pure:
the same evidence always gives the same verdict, and a missing piece of evidence (an item
that was skipped, or a capability not installed) counts as "no evidence", never as an error.

Evidence and thresholds
-----------------------
* **S** (surrogate rejection): the surrogate test's rank p-value ``p <= alpha`` (0.05).
  *Strong* rejection: ``p <= 0.01`` with at least 99 surrogates (a rank test with ``k``
  surrogates cannot give ``p < 1/(k+1)``). A single ``p <= 0.05`` on its own is only
  *weak* evidence: under the null hypothesis it happens in 5 % of series.
* **M** (mis-specified null): ``p >= 0.95``: the data are *less* predictable than almost
  every surrogate, which a stationary linear Gaussian process does not produce; typical of
  trends, drifts and strong seasonality (Theiler et al. 1992, Physica D 58, 77). When the
  surrogate item states it (``null_misspecified``), its flag decides instead of ``p``: against
  the cycle-shuffle null it is set when either raw p-value is ``>= 0.975``.
* **K** (prediction skill): ``skill = 1 - E_model / E_baseline``, where ``E`` is the forecast
  error (root-mean-square over forecast starts, clipped at the climatology level) integrated
  over the lead times where persistence is still informative (until its error reaches that of
  the mean, at least 10 samples), and the baseline is the better of persistence and the
  mean (see the forecast item); **K** is ``skill >= 0.05`` (the best model removes at least
  5 % of the baseline's error, the margin the forecast item uses to say a model "beats both
  baselines"), *clear* skill is ``skill >= 0.3``; ``skill <= 0`` counts *against* nonlinear
  determinism (the issue #19 case: a prediction error worse than predicting the mean).
  Linear predictability (an AR process, a sine) gives positive skill too, so **K** only
  corroborates **S**; it never establishes nonlinearity on its own.
* **C** (contrary stochasticity diagnostic): Cao's ``E2(d)`` stays near 1 for every ``d``
  (Cao 1997, Physica D 110, 43), i.e. the data look random.
* **T** / **P**: a trend / a seasonal (periodic) component was detected by the
  pre-checks. IAAFT and Fourier surrogates keep the spectrum but not the phase coherence of
  a strong periodic component, so their rejection is not counted as **S** when **P** holds
  (Theiler & Prichard 1996, Physica D 94, 221); a pseudo-periodic surrogate test
  (Small, Yu & Harrison 2001, Phys. Rev. Lett. 87, 188101), whose null hypothesis includes a
  noisy periodic orbit, is counted, and so is a cycle-shuffle test (Theiler 1995: fixed cycle plus
  noise independent between cycles) when the component is *periodic* (one line and its
  harmonics). When the pre-check finds it *quasi-periodic* (unrelated lines), the cycle-shuffle
  null does not contain the data's own linear structure (shuffling whole cycles of one period
  breaks the phase of the other lines), so its rejection is not counted either; only a
  pseudo-periodic surrogate rejection is.
  The cycle-shuffle test uses two statistics on the same surrogates (the report resamples the series
  to a whole number of samples per cycle when needed, so that the shuffled cycles are exchangeable
  under the null and each is an exact permutation test): the nonlinear prediction error one step
  ahead (dynamics broken at the junctions) and one block of whole cycles ahead (every prediction
  crosses a junction: dependence *between* successive cycles, which chaos has and the null has
  not). Its p-value is the Bonferroni-adjusted smaller one, ``min(1, 2 min(p1, p2))``, with
  ``2k + 1`` surrogates so that a strong rejection stays possible. The one-step statistic alone
  missed Mackey–Glass (p = 0.63–0.9) in 2 of 20 seeds of the false-positive study although the
  forecast skill was +1; the cycle-ahead one alone misses a cycle longer than the predictability
  horizon (the Lorenz demo's 3.4-time-unit line: p = 0.7).
  A periodic component is itself predictable, so with **P** the skill **K** corroborates
  only a *strong* rejection or a positive exponent **L**.
* **L** (positive exponent): a *reliable* largest Lyapunov exponent whose interval lies
  above 0. **D** (dimension): a *reliable* correlation dimension; it is called *fractal* only
  when ``|D2 - nearest integer| > 2 sigma`` (sigma from its 95 % interval).

Decision rule (first matching row wins)
---------------------------------------
====  =========================================================  ===============================================
row   condition                                                  label (confidence)
====  =========================================================  ===============================================
1     the series is constant                                     no dynamics (constant series) (high)
2     ``n < 100`` or neither a surrogate test nor a skill         insufficient data (low)
3     **S** and **K** and not **C**, and **L**                     deterministic chaos likely (high if strong S,
                                                                 clear K and a reliable D; else medium)
4     **S** and **K** and not **C**                                nonlinear determinism (medium if strong S or
                                                                 clear K; else low)
5     **M**, or **T** without agreement                           trend/seasonality dominate; linear null
                                                                 mis-specified (medium if T or P confirms, else
                                                                 low)
6     **P** without agreement                                     periodic or quasi-periodic with noise (medium)
7     **S**, not **C**, and no skill <= 0 unless **S** is strong  weak evidence of nonlinear structure (low)
8     otherwise                                                  consistent with linear stochastic process
                                                                 (high if not S with >= 99 surrogates, skill <= 0
                                                                 and C all agree and n >= 2000; medium if
                                                                 n >= 1000; else low)
9     where row 7 or 8 would match: the stochastic section finds   stochastic, with nonlinear drift (bistable) /
      a Markov diffusion (Pawula ok, Chapman–Kolmogorov test     stochastic, with nonlinear drift /
      not rejected, Langevin residuals adequate)                 stochastic, linear (Ornstein–Uhlenbeck-like)
                                                                 by the fitted drift: >= 2 stable zeros in the
                                                                 data range / other nonlinear / linear only
                                                                 (medium if n >= 2000, else low); checked before
                                                                 rows 7 and 8, and before row 5 only for a bistable
                                                                 drift without **P** (hops between wells look
                                                                 like a trend); never before rows 1-4 or 6
====  =========================================================  ===============================================

A strong rejection (row 7) is not overturned by a forecast skill <= 0 alone (the forecast
models may simply be inadequate), but a 5 %-level rejection is; Cao's stochasticity check
overturns either. "Agreement" is rows 3–4: the surrogate rejection, a prediction skill above both baselines and
no contrary stochasticity diagnostic. Only rows 3 and 4 *claim* nonlinear structure
(:attr:`Verdict.claims_nonlinear`). A positive exponent or a finite dimension alone never
establishes chaos: coloured linear noise gives both (Osborne & Provenzale 1989, Physica D 35,
357). Lyapunov-time conversions are quoted only with a reliable exponent.

The :attr:`Verdict.reasons` are the 2–4 numbers that decided the row, as short strings, for
display under the verdict box.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

__all__ = ["Evidence", "Verdict", "gather", "decide", "LABELS", "CLAIM_LABELS",
           "ALPHA", "STRONG_P", "STRONG_MIN_SURROGATES", "MISSPECIFIED_P", "SKILL_MIN", "SKILL_CLEAR", "MIN_N"]

#: Level of the surrogate test.
ALPHA = 0.05
#: Strong rejection: ``p <= STRONG_P`` with at least ``STRONG_MIN_SURROGATES`` surrogates.
STRONG_P = 0.01
STRONG_MIN_SURROGATES = 99
#: ``p >= MISSPECIFIED_P``: the data are less predictable than almost all surrogates.
MISSPECIFIED_P = 0.95
#: Skill above which the best model counts as beating both baselines, and "clearly" so.
SKILL_MIN = 0.05
SKILL_CLEAR = 0.3
#: Fewer samples than this: no dynamical characterisation is attempted.
MIN_N = 100

CONSTANT = "no dynamics (constant series)"
INSUFFICIENT = "insufficient data"
CHAOS = "deterministic chaos likely"
NONLINEAR = "nonlinear determinism"
MISSPECIFIED = "trend/seasonality dominate; linear null mis-specified"
PERIODIC = "periodic or quasi-periodic with noise"
WEAK = "weak evidence of nonlinear structure"
LINEAR = "consistent with linear stochastic process"
STOCH_BISTABLE = "stochastic, with nonlinear drift (bistable)"
STOCH_NONLINEAR = "stochastic, with nonlinear drift"
STOCH_LINEAR = "stochastic, linear (Ornstein–Uhlenbeck-like)"

#: Every label :func:`decide` can return, in the order of the decision rule.
LABELS: tuple[str, ...] = (CONSTANT, INSUFFICIENT, CHAOS, NONLINEAR, MISSPECIFIED, PERIODIC, WEAK, LINEAR,
                           STOCH_BISTABLE, STOCH_NONLINEAR, STOCH_LINEAR)
#: Labels that claim nonlinear structure (used by the false-positive study).
CLAIM_LABELS: frozenset[str] = frozenset({CHAOS, NONLINEAR})

#: Surrogate methods whose null hypothesis contains a (noisy) periodic orbit.
_PERIODIC_AWARE = ("pps", "pseudo", "cycle", "periodic")
#: ... and those whose null also contains a quasi-periodic orbit (several unrelated lines).
_PSEUDO_PERIODIC = ("pps", "pseudo")


@dataclass(frozen=True)
class Evidence:
    """What the report's items say, with their reliability (see the module docstring).

    Every field is optional: ``None`` means "no evidence" (the item was skipped, not
    installed, or unreliable; unreliable ones are listed in ``excluded``).

    Attributes
    ----------
    n : int
        Samples of the analysed channel.
    constant : bool
        The analysed channel is constant.
    surrogate_p, surrogate_alpha : float or None
        Rank p-value of the surrogate test and its level.
    surrogate_rejected : bool or None
    n_surrogates : int or None
    null_misspecified : bool or None
        The surrogate item says its null hypothesis does not fit (``ctx.shared["null_misspecified"]``).
    surrogate_method : str or None
        e.g. ``"iaaft"``, ``"pps"``.
    trend, seasonality : bool or None
        Detected by the pre-checks.
    trend_description, seasonality_description : str
    seasonal_period : float or None
        Period of the seasonal component (time units).
    seasonal_strength : float or None
        Fraction of the variance in the seasonal peaks.
    seasonal_kind : str or None
        ``"periodic"`` (one line and its harmonics) or ``"quasi-periodic"`` (unrelated lines).
    stochastic_cao : bool or None
        Cao's E2 stays near 1 for every d.
    skill : float or None
        Forecast skill of the best model against the better of persistence and the mean.
    skill_model, skill_baseline : str or None
    lyapunov, lyapunov_interval, lyapunov_reliable
        Largest Lyapunov exponent (1/time unit), its interval and reliability.
    d2, d2_interval, d2_reliable
        Correlation dimension, its 95 % interval and reliability.
    embedding_dimension : int or None
    markov_diffusion : bool or None
        The stochastic section found the channel consistent with a Markov diffusion (Pawula ok,
        Chapman–Kolmogorov test not rejected, Langevin residuals adequate).
    drift_kind : str or None
        ``"bistable"`` (>= 2 stable zeros of the fitted drift inside the data range),
        ``"nonlinear"`` or ``"linear"``.
    unit : str
        Time unit of the exponent.
    excluded : tuple of (str, str)
        ``(what, why)`` for every item not used because it is unreliable.
    """

    n: int = 0
    constant: bool = False
    surrogate_p: float | None = None
    surrogate_rejected: bool | None = None
    n_surrogates: int | None = None
    surrogate_method: str | None = None
    surrogate_alpha: float = ALPHA
    null_misspecified: bool | None = None
    trend: bool | None = None
    trend_description: str = ""
    seasonality: bool | None = None
    seasonality_description: str = ""
    seasonal_period: float | None = None
    seasonal_strength: float | None = None
    seasonal_kind: str | None = None
    stochastic_cao: bool | None = None
    skill: float | None = None
    skill_model: str | None = None
    skill_baseline: str | None = None
    lyapunov: float | None = None
    lyapunov_interval: tuple[float, float] | None = None
    lyapunov_reliable: bool | None = None
    d2: float | None = None
    d2_interval: tuple[float, float] | None = None
    d2_reliable: bool | None = None
    embedding_dimension: int | None = None
    unit: str = "time unit"
    markov_diffusion: bool | None = None
    drift_kind: str | None = None
    excluded: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Verdict:
    """The conclusion of a report.

    Attributes
    ----------
    label : str
        One of :data:`LABELS`.
    confidence : str
        ``"high"``, ``"medium"`` or ``"low"``.
    reasons : tuple of str
        The 2–4 deciding numbers and why, as short strings.
    findings : tuple of str
        Plain sentences on each piece of evidence (used or not used, and why).
    rule : int
        Row of the decision rule that matched (module docstring).
    """

    label: str
    confidence: str
    reasons: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()
    rule: int = 0

    @property
    def claims_nonlinear(self) -> bool:
        """True when the verdict claims nonlinear structure (determinism or chaos)."""
        return self.label in CLAIM_LABELS

    @property
    def claims_chaos(self) -> bool:
        return self.label == CHAOS


# ---------------------------------------------------------------------- helpers
def _f(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _interval(v: Any) -> tuple[float, float] | None:
    try:
        lo, hi = (float(v[0]), float(v[1]))
    except (TypeError, ValueError, IndexError, KeyError):
        return None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return None
    return (min(lo, hi), max(lo, hi))


def _p(p: float) -> str:
    return f"{p:.2g}" if p >= 0.001 else f"{p:.1e}"


def d2_sigma(ev: Evidence) -> float | None:
    """Standard deviation of D2 from its 95 % interval (half-width / 1.96)."""
    if ev.d2_interval is None:
        return None
    return (ev.d2_interval[1] - ev.d2_interval[0]) / (2 * 1.959964)


def is_fractal(ev: Evidence) -> bool:
    """D2 is non-integer beyond two standard deviations (needs a reliable D2 with an interval)."""
    s = d2_sigma(ev)
    if ev.d2 is None or ev.d2_reliable is False or s is None:
        return False
    return abs(ev.d2 - round(ev.d2)) > 2 * s


# ---------------------------------------------------------------------- decision
def _stochastic_verdict(ev: Evidence, findings: list[str]) -> "Verdict | None":
    """Row 9: where rows 7-8 would answer, a Markov diffusion with a classified drift is named."""
    if not ev.markov_diffusion or ev.drift_kind not in ("bistable", "nonlinear", "linear"):
        return None
    label = {"bistable": STOCH_BISTABLE, "nonlinear": STOCH_NONLINEAR, "linear": STOCH_LINEAR}[ev.drift_kind]
    findings.append("The analysed channel is consistent with a Markov diffusion dx = f(x) dt + g(x) dW "
                    "(Gaussian increments by Pawula's criterion, Chapman–Kolmogorov test not rejected, "
                    "Langevin residuals adequate); the fitted drift is " + ev.drift_kind + ".")
    return Verdict(label, "medium" if ev.n >= 2000 else "low",
                   ("Markov diffusion (Pawula, Chapman–Kolmogorov, residual check)",
                    f"fitted drift: {ev.drift_kind}"),
                   tuple(findings), rule=9)


def decide(ev: Evidence) -> Verdict:
    """The verdict for this evidence, by the decision rule of the module docstring.

    Parameters
    ----------
    ev : Evidence

    Returns
    -------
    Verdict
    """
    findings: list[str] = []
    if ev.constant:
        return Verdict(CONSTANT, "high", ("the analysed channel is constant (range 0)",),
                       ("The analysed channel is constant: there are no dynamics to analyse, so every analysis "
                        "was skipped.",), rule=1)
    p = _f(ev.surrogate_p)
    k = int(ev.n_surrogates) if ev.n_surrogates else 0
    method = (ev.surrogate_method or "").lower()
    skill = _f(ev.skill)
    # -- unreliable items are never used (double safety: gather already leaves them out)
    lam_ok = ev.lyapunov is not None and ev.lyapunov_reliable is not False and ev.lyapunov_interval is not None
    d2_ok = ev.d2 is not None and ev.d2_reliable is not False
    if ev.n < MIN_N or (p is None and skill is None):
        why = (f"{ev.n} samples (< {MIN_N})" if ev.n < MIN_N
               else "no surrogate test and no forecast skill (skipped, failed or not requested)")
        findings.append(f"With {ev.n} samples none of the tests of determinism could be run"
                        + ("" if ev.n < MIN_N else " (see the skipped items)")
                        + "; the report shows only what the data support.")
        findings.extend(_excluded_findings(ev))
        return Verdict(INSUFFICIENT, "low", (why, "no test of nonlinearity available"), tuple(findings), rule=2)

    periodic = bool(ev.seasonality)
    quasi = periodic and "quasi" in (ev.seasonal_kind or "").lower()
    # a strictly periodic null (cycle shuffling) does not contain a quasi-periodic signal: only a
    # pseudo-periodic surrogate null counts then
    periodic_aware = any(tag in method for tag in (_PSEUDO_PERIODIC if quasi else _PERIODIC_AWARE))
    rejected = p is not None and (p <= ev.surrogate_alpha if ev.surrogate_rejected is None
                                  else bool(ev.surrogate_rejected))
    s_counts = rejected and (not periodic or periodic_aware)
    s_strong = s_counts and p is not None and p <= STRONG_P and k >= STRONG_MIN_SURROGATES
    # the surrogate item's own flag decides when it is given: a Bonferroni-adjusted p (two statistics against
    # the cycle-shuffle null) is >= 0.95 whenever both raw p-values are >= 0.475, which says nothing about the tail
    misspec = (bool(ev.null_misspecified) if ev.null_misspecified is not None
               else (p is not None and p >= MISSPECIFIED_P))
    k_pos = skill is not None and skill >= SKILL_MIN
    k_clear = skill is not None and skill >= SKILL_CLEAR
    k_neg = skill is not None and skill <= 0
    cao = ev.stochastic_cao is True
    lam_pos = lam_ok and ev.lyapunov_interval[0] > 0
    # a periodic component is predictable by itself: with P, skill corroborates only a strong rejection
    # or a reliable positive exponent
    k_counts = k_pos and (not periodic or s_strong or lam_pos)
    agree = s_counts and k_counts and not cao

    # -- reason strings for each piece of evidence
    r_surr = None
    if p is not None:
        r_surr = f"surrogate test ({ev.surrogate_method or 'surrogates'}, {k} surrogates): p = {_p(p)}"
        if rejected and periodic and not periodic_aware:
            r_surr += (" (not counted: this null does not model the quasi-periodic component)" if quasi
                       else " (not counted: the series has a strong periodic component)")
        elif s_strong:
            r_surr += " (strong rejection)"
        elif rejected:
            r_surr += " (rejection at 5 %" + (f"; p ≤ {STRONG_P} needs ≥ {STRONG_MIN_SURROGATES} surrogates"
                                              if k < STRONG_MIN_SURROGATES else "") + ")"
        elif misspec:
            r_surr += (" (data less predictable than the surrogates)" if p >= MISSPECIFIED_P and "cycle" not in method
                       else " (null hypothesis mis-specified)")
        else:
            r_surr += " (not rejected)"
    r_skill = None
    if skill is not None:
        r_skill = (f"forecast skill {skill:+.2f} of {ev.skill_model or 'the best model'} against "
                   f"{ev.skill_baseline or 'the better of persistence and the mean'}"
                   + (" (beats both)" if k_pos else " (no better than the baselines)" if k_neg else " (marginal)"))
    r_cao = "Cao's E2 ≈ 1 for every d (stochastic-looking)" if cao else None
    r_lam = None
    if lam_ok:
        lo, hi = ev.lyapunov_interval
        r_lam = f"λ1 = {ev.lyapunov:.3g} per {ev.unit} (interval {lo:.3g} to {hi:.3g}; reliable)"
    r_d2 = None
    if d2_ok:
        s = d2_sigma(ev)
        r_d2 = f"D2 = {ev.d2:.3g}" + (f" ± {s:.2g}" if s is not None else "") + (
            " (fractal: non-integer beyond 2σ)" if is_fractal(ev) else "")
    r_trend = f"trend: {ev.trend_description or 'detected'}" if ev.trend else None
    r_season = None
    if periodic:
        r_season = "seasonal/periodic component" + (
            f" of period {ev.seasonal_period:.4g} {ev.unit}" if _f(ev.seasonal_period) else "") + (
            f" ({100 * ev.seasonal_strength:.0f} % of the variance)" if _f(ev.seasonal_strength) is not None else "")

    # -- findings on every piece of evidence
    findings.extend(_evidence_findings(ev, p, rejected, periodic, periodic_aware, misspec, skill, k_pos, k_neg,
                                       cao, lam_ok, d2_ok))

    def pick(*rs):
        out = [r for r in rs if r][:4]
        # at least two reasons: add what is missing or limiting, in this order
        for extra in (None if skill is not None else "no forecast skill available",
                      f"{ev.n} samples" + (" (few: the tests have little power)" if ev.n < 1000 else ""),
                      None if lam_ok else "no reliable Lyapunov exponent"):
            if len(out) >= 2:
                break
            if extra and extra not in out:
                out.append(extra)
        return tuple(out)

    if agree and lam_pos:
        conf = "high" if (s_strong and k_clear and d2_ok) else "medium"
        return Verdict(CHAOS, conf, pick(r_surr, r_skill, r_lam, r_d2), tuple(findings), rule=3)
    if agree:
        conf = "medium" if (s_strong or k_clear) else "low"
        extra = None
        if lam_ok and not lam_pos:
            extra = r_lam + " — not clearly positive, so chaos is not established"
        return Verdict(NONLINEAR, conf, pick(r_surr, r_skill, extra or r_d2, r_lam if extra is None else None),
                       tuple(findings), rule=4)
    if misspec or ev.trend:
        if ev.drift_kind == "bistable" and not periodic:
            # hops between two wells look like a trend or drift to the pre-checks and the linear null
            st = _stochastic_verdict(ev, findings)
            if st is not None:
                return st
        conf = "medium" if (ev.trend or periodic) else "low"
        return Verdict(MISSPECIFIED, conf, pick(r_surr if misspec else None, r_trend, r_season, r_skill),
                       tuple(findings), rule=5)
    if periodic:
        return Verdict(PERIODIC, "medium", pick(r_season, r_surr, r_skill, r_cao), tuple(findings), rule=6)
    if rejected and not cao and (not k_neg or s_strong):
        why = ("a single surrogate rejection, not corroborated by a prediction skill above the baselines"
               if skill is None else f"a surrogate rejection with only marginal forecast skill ({skill:+.2f})"
               if not k_neg else f"a strong surrogate rejection that no forecast model confirms (skill {skill:+.2f})")
        st = _stochastic_verdict(ev, findings)
        if st is not None:
            return st
        return Verdict(WEAK, "low", pick(r_surr, r_skill or "no forecast skill available", why), tuple(findings),
                       rule=7)
    st = _stochastic_verdict(ev, findings)
    if st is not None:
        return st
    # row 8: linear stochastic
    against = []
    if rejected:
        against.append("the surrogate rejection (p = " + _p(p) + ") is contradicted by "
                       + " and ".join(x for x in ("a forecast skill ≤ 0" if k_neg else "",
                                                  "Cao's stochasticity check" if cao else "") if x))
    if agree is False and s_counts and k_pos and cao:
        against = ["the surrogate rejection and the forecast skill are contradicted by Cao's stochasticity check"]
    all_agree = (p is not None and not rejected and k >= STRONG_MIN_SURROGATES and k_neg and cao)
    conf = "high" if (all_agree and ev.n >= 2000) else "medium" if ev.n >= 1000 else "low"
    if ev.n < 1000:
        findings.append(f"With only {ev.n} samples these tests have little power: the absence of evidence for "
                        "nonlinear determinism is not evidence of its absence.")
    return Verdict(LINEAR, conf, pick(r_surr, r_skill, r_cao, *(against or [None])), tuple(findings), rule=8)


def _excluded_findings(ev: Evidence) -> list[str]:
    return [f"Not used: {what} — unreliable because {why.rstrip('.')}." for what, why in ev.excluded]


def _evidence_findings(ev, p, rejected, periodic, periodic_aware, misspec, skill, k_pos, k_neg, cao, lam_ok,
                       d2_ok) -> list[str]:
    out: list[str] = []
    if ev.trend:
        out.append(f"Trend: {ev.trend_description or 'a trend was detected'}; invariants assume a stationary "
                   "series (consider analyze(..., detrend=True)).")
    if periodic:
        out.append(f"Seasonality: {ev.seasonality_description or 'a periodic component was detected'}.")
    if p is not None:
        k = ev.n_surrogates or 0
        if rejected and periodic and not periodic_aware:
            out.append(f"The surrogate test rejected its null hypothesis (p = {_p(p)}, {k} {ev.surrogate_method} "
                       "surrogates), but such surrogates do not keep a strong periodic component's phase "
                       "coherence, so this rejection is not counted as evidence of nonlinearity.")
        elif rejected:
            strength = ("strong" if p <= STRONG_P and k >= STRONG_MIN_SURROGATES else
                        "weak on its own (a 5 % test rejects one linear series in twenty)")
            out.append(f"The surrogate test rejected a linear stochastic process (p = {_p(p)} with {k} surrogates): "
                       f"evidence of nonlinear structure that is {strength}.")
        elif misspec:
            out.append((f"The data are less predictable than almost all of their surrogates (p = {_p(p)}): the "
                        if p >= MISSPECIFIED_P else f"The surrogate test (p = {_p(p)}) reports that ")
                       + "the linear null hypothesis itself is mis-specified (trend, drift, seasonality or "
                       "non-stationarity), so the test says nothing about nonlinearity.")
        else:
            out.append(f"The surrogate test did not reject a linear stochastic process (p = {_p(p)} with {k} "
                       "surrogates): the data are consistent with linear noise.")
    if skill is not None:
        base = ev.skill_baseline or "the better of persistence and the mean"
        if k_pos:
            out.append(f"The best forecast ({ev.skill_model or 'model'}) has skill {skill:+.2f} against {base}: "
                       "the data are predictable beyond what the baselines achieve.")
        elif k_neg:
            out.append(f"No model forecasts better than {base} (best skill {skill:+.2f}): no usable deterministic "
                       "predictability.")
        else:
            out.append(f"The best forecast beats {base} only marginally (skill {skill:+.2f} < {SKILL_MIN}).")
    if cao:
        out.append("Cao's E2(d) stays near 1 for every d: the series looks stochastic (Cao 1997).")
    if lam_ok:
        lo, hi = ev.lyapunov_interval
        if lo > 0:
            out.append(f"The largest Lyapunov exponent is positive: {ev.lyapunov:.3g} per {ev.unit} (interval "
                       f"{lo:.3g} to {hi:.3g}), a Lyapunov time of {1 / ev.lyapunov:.3g} {ev.unit}"
                       + ("." if (rejected and k_pos and not cao) else "; a positive exponent alone does not show "
                          "chaos (noise also makes neighbours separate)."))
        else:
            out.append(f"The largest Lyapunov exponent is not clearly positive ({ev.lyapunov:.3g} per {ev.unit}, "
                       f"interval {lo:.3g} to {hi:.3g}).")
    if d2_ok:
        s = d2_sigma(ev)
        unc = f" ± {s:.2g}" if s is not None else ""
        if not (rejected and not (periodic and not periodic_aware)):
            out.append(f"The correlation dimension estimate is D2 ≈ {ev.d2:.3g}{unc}, but a finite D2 alone does "
                       "not show determinism: coloured linear noise can produce one too (Osborne & Provenzale "
                       "1989).")
        elif is_fractal(ev):
            out.append(f"The correlation dimension is D2 ≈ {ev.d2:.3g}{unc}: non-integer beyond two standard "
                       "deviations, consistent with a fractal attractor.")
        else:
            out.append(f"The correlation dimension is D2 ≈ {ev.d2:.3g}{unc}"
                       + (": not distinguishable from an integer, so no fractal claim is made." if s is not None
                          else " (no interval, so no fractal claim is made)."))
    out.extend(_excluded_findings(ev))
    return out


# ---------------------------------------------------------------------- gathering
def _item_map(sections: Sequence[Any]) -> dict[str, Any]:
    return {it.key: it for s in sections for it in s.items}


def _unreliable_reason(item: Any, result: Any = None) -> str:
    for src in (getattr(result, "diagnostic", None), getattr(result, "reason", None)):
        if isinstance(src, str) and src.strip():
            return src.strip().split("\n")[0][:240]
    for w in getattr(item, "warnings", ()) or ():
        if "reliab" in w.lower() or "unreliab" in w.lower():
            return w[:240]
    return "its own check flagged it (reliable: no)"


def _attr(obj: Any, name: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def gather(ctx: Any, sections: Sequence[Any]) -> Evidence:
    """Collect the :class:`Evidence` of an analysis context (items with ``reliable`` False are left out).

    Parameters
    ----------
    ctx : attractor.report.sections.Context
        Reads ``ctx.shared`` keys ``surrogate``, ``trend``, ``seasonality``, ``stochastic_cao``,
        ``forecast_skill``, ``lyapunov``, ``d2_result`` / ``d2``, ``dimension`` (the report
        contract); any of them may be missing.
    sections : sequence of Section
        The computed sections (for the items' ``reliable`` flags and warnings).

    Returns
    -------
    Evidence
    """
    import numpy as np

    sh = ctx.shared
    items = _item_map(sections)
    x = np.asarray(ctx.x, dtype=float)
    excluded: list[tuple[str, str]] = []
    kw: dict[str, Any] = {"n": int(x.size), "constant": bool(x.size > 0 and np.ptp(x) == 0),
                          "unit": getattr(ctx, "unit", "time unit")}

    def item_unreliable(key: str) -> bool:
        it = items.get(key)
        return it is not None and getattr(it, "reliable", None) is False

    # surrogate test
    surr = sh.get("surrogate")
    misspecified = sh.get("null_misspecified")
    if misspecified is not None:
        kw["null_misspecified"] = bool(misspecified)
    if surr is not None:
        described = dict(surrogate_p=_f(_attr(surr, "p_value")), n_surrogates=_attr(surr, "n_surrogates"),
                         surrogate_method=_attr(surr, "method"),
                         surrogate_alpha=_f(_attr(surr, "alpha", ALPHA)) or ALPHA)
        if misspecified:
            # the item is unreliable *because* its null does not fit: that is itself the evidence (row 5);
            # its p-value is quoted as the reason, never read as a rejection
            kw.update(described, surrogate_rejected=False)
        elif item_unreliable("surrogates") or _attr(surr, "reliable") is False:
            excluded.append(("the surrogate test", _unreliable_reason(items.get("surrogates"), surr)))
        else:
            kw.update(described, surrogate_rejected=_attr(surr, "rejected"))
    # pre-checks
    tr = sh.get("trend")
    if tr is not None:
        kw.update(trend=bool(_attr(tr, "detected", False)), trend_description=str(_attr(tr, "description", "")))
    se = sh.get("seasonality")
    if se is not None:
        kw.update(seasonality=bool(_attr(se, "detected", False)),
                  seasonality_description=str(_attr(se, "description", "")),
                  seasonal_period=_f(_attr(se, "period")), seasonal_strength=_f(_attr(se, "strength")),
                  seasonal_kind=(str(_attr(se, "kind")) if _attr(se, "kind") is not None else None))
    if "stochastic_cao" in sh:
        kw["stochastic_cao"] = bool(sh["stochastic_cao"])
    elif "dimension" in items and items["dimension"].ok:
        v = items["dimension"].numbers.get("E2 stays near 1 (stochastic-looking)")
        if isinstance(v, (bool, np.bool_)):
            kw["stochastic_cao"] = bool(v)
    # forecast skill
    fs = sh.get("forecast_skill")
    if isinstance(fs, Mapping) and _f(fs.get("skill")) is not None:
        if fs.get("reliable") is False or item_unreliable("forecast"):
            excluded.append(("the forecast skill", str(fs.get("reason") or "the forecast comparison flagged it "
                                                       "(too few starts or failed models)")))
        else:
            kw.update(skill=_f(fs.get("skill")), skill_model=fs.get("best"), skill_baseline=fs.get("baseline"))
    # largest Lyapunov exponent
    lam = sh.get("lyapunov")
    if lam is not None:
        if _attr(lam, "reliable") is False or item_unreliable("lyapunov"):
            excluded.append((f"the largest Lyapunov exponent ({_f(_attr(lam, 'exponent')) or float('nan'):.3g} per "
                             f"{kw['unit']})", _unreliable_reason(items.get("lyapunov"), lam)))
        else:
            kw.update(lyapunov=_f(_attr(lam, "exponent")), lyapunov_interval=_interval(
                _attr(lam, "confidence_interval")), lyapunov_reliable=True)
    # correlation dimension
    d2r = sh.get("d2_result")
    if d2r is None and "correlation_dimension" in items and items["correlation_dimension"].ok:
        d2r = items["correlation_dimension"].result
    if d2r is not None:
        val = _f(_attr(d2r, "dimension"))
        if _attr(d2r, "reliable") is False or item_unreliable("correlation_dimension"):
            excluded.append((f"the correlation dimension (D2 ≈ {val if val is not None else float('nan'):.3g})",
                             _unreliable_reason(items.get("correlation_dimension"), d2r)))
        elif val is not None:
            ci = _interval(_attr(d2r, "confidence_interval"))
            if ci is None and _f(_attr(d2r, "uncertainty")) is not None:
                u = _f(_attr(d2r, "uncertainty"))
                ci = (val - 1.959964 * u, val + 1.959964 * u)
            kw.update(d2=val, d2_interval=ci, d2_reliable=True)
    elif _f(sh.get("d2")) is not None:
        kw.update(d2=_f(sh["d2"]), d2_reliable=True)
    if "dimension" in sh:
        kw["embedding_dimension"] = int(sh["dimension"])
    stoch = sh.get("stochastic")
    if isinstance(stoch, Mapping):
        kw.update(markov_diffusion=bool(stoch.get("markov_diffusion")), drift_kind=stoch.get("drift_kind"))
    kw["excluded"] = tuple(excluded)
    return Evidence(**kw)
