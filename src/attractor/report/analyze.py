"""``analyze(data) -> Analysis``: every analysis of attractor run on one series, as a report.

The report has fixed sections (data overview, state-space reconstruction, nonlinearity,
invariants, models, summary). Each section's items are plug-ins (see
:mod:`attractor.report.sections`): an item whose capability is not installed, whose data
are too short or constant, or whose computation fails is *skipped with the reason*, and the
rest of the report is still produced.
"""
from __future__ import annotations

import json
import math
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ..core.errors import ValidationError
from .io import PreparedData, prepare_data
from .sections import SECTION_BUILDERS, Context, Item, Section, run_item

__all__ = ["analyze", "Analysis", "STAGES"]

#: Stage names in the order :func:`analyze` reports progress (one per item, then the summary).
STAGES: tuple[str, ...] = tuple(f"{s[1]}: {it[1]}" for s in SECTION_BUILDERS for it in s[3]) + ("Summary",)


@dataclass(frozen=True)
class Analysis:
    """Everything :func:`analyze` computed: numbers, settings, figures and the verdict.

    Attributes
    ----------
    data : PreparedData
        The analysed data (after the missing-value and sampling policies).
    sections : tuple of Section
        In report order; the last one is the summary of findings.
    findings : tuple of str
        The closing summary, one plain sentence per finding.
    verdict : str
        One-line conclusion (e.g. "deterministic chaos likely").
    confidence : str
        "high", "medium" or "low".
    comparison : tuple of dict
        Estimates beside the true system's published invariants (when ``true_system`` was given).
    options : dict
        The options :func:`analyze` was called with.
    seconds : float
        Wall-clock time of the analysis.
    """

    data: PreparedData
    sections: tuple[Section, ...]
    findings: tuple[str, ...]
    verdict: str
    confidence: str
    comparison: tuple[dict, ...] = ()
    options: dict = field(default_factory=dict)
    seconds: float = 0.0
    title: str = "attractor analysis report"

    # -------------------------------------------------------------- access
    def section(self, key: str) -> Section:
        """The section with this key (``"overview"``, ``"reconstruction"``, ``"nonlinearity"``,
        ``"invariants"``, ``"models"``, ``"summary"``)."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"no section {key!r}; sections: {[s.key for s in self.sections]}")

    def item(self, key: str) -> Item:
        """The item with this key in any section (e.g. ``"lyapunov"``, ``"delay"``)."""
        for s in self.sections:
            for it in s.items:
                if it.key == key:
                    return it
        raise KeyError(f"no item {key!r}")

    @property
    def figures(self) -> dict[str, tuple]:
        """``{item key: (FigureRecord, ...)}`` for every item with figures (PNG bytes and captions)."""
        return {it.key: it.figures for s in self.sections for it in s.items if it.figures}

    @property
    def skipped(self) -> dict[str, str]:
        """``{item key: reason}`` for every skipped item."""
        return {it.key: it.reason for s in self.sections for it in s.items if not it.ok}

    # -------------------------------------------------------------- export
    def summary(self) -> dict:
        """A plain, JSON-serialisable dict of every number, setting, skip reason and finding."""
        d = self.data
        out = {
            "title": self.title,
            "data": {"source": d.source, "columns": list(d.columns), "analysed_channel": d.columns[0],
                     "n_times": d.n_times, "n_raw": d.n_raw, "dt": d.dt, "time_unit": d.time_unit,
                     "missing": dict(d.missing), "resampled": d.resampled, "notes": list(d.notes)},
            "options": _jsonable(self.options),
            "sections": {},
            "verdict": self.verdict,
            "confidence": self.confidence,
            "findings": list(self.findings),
            "comparison": _jsonable(list(self.comparison)),
            "seconds": round(self.seconds, 3),
        }
        for s in self.sections:
            out["sections"][s.key] = {
                "title": s.title, "status": s.status,
                "items": {it.key: {"title": it.title, "status": it.status, "reason": it.reason,
                                   "numbers": _jsonable(it.numbers), "settings": _jsonable(it.settings),
                                   "text": it.text, "bullets": list(it.bullets), "warnings": list(it.warnings),
                                   "seconds": round(it.seconds, 3)} for it in s.items},
            }
        return out

    def to_json(self, path: str | Path | None = None, force: bool = False) -> str:
        """The :meth:`summary` as JSON text (also written to ``path`` if given).

        The file is written atomically; an existing ``path`` is replaced only if it is JSON, and
        never if it is the analysed data file (``force=True`` replaces any other regular file);
        see :func:`attractor.core.output.safe_output_path`.
        """
        from ..core.output import atomic_write_text, safe_output_path

        summary = self.summary()
        summary["data"].setdefault("subsampled", bool(getattr(self.data, "subsampled", False)))
        summary["data"].setdefault("n_invented", int(getattr(self.data, "n_invented", 0)))
        text = json.dumps(summary, indent=2, ensure_ascii=False)
        if path is not None:
            atomic_write_text(safe_output_path(path, "json", inputs=self._input_paths(), force=force), text)
        return text

    def to_html(self, path: str | Path | None = None, force: bool = False) -> str:
        """The self-contained HTML report (also written to ``path`` if given).

        The file is written atomically; an existing ``path`` is replaced only if it is an HTML
        report, and never if it is the analysed data file (``force=True`` replaces any other
        regular file); see :func:`attractor.core.output.safe_output_path`.
        """
        from ..core.output import GENERATOR_MARKER, atomic_write_text, safe_output_path
        from .html import render_html

        text = render_html(self)
        if 'name="generator"' not in text[:4096]:
            text = text.replace("<head>", f'<head><meta name="generator" content="{GENERATOR_MARKER}">', 1)
        d = self.data
        if getattr(d, "subsampled", False) or getattr(d, "n_invented", 0):
            # what was done to the data that changes what the numbers mean goes at the top
            import html as _html

            said = [n for n in d.notes if n.startswith("SUBSAMPLED") or "invented" in n]
            banner = "".join(f'<p class="meta"><strong>Data note:</strong> {_html.escape(n)}</p>' for n in said)
            text = text.replace("</h1>", "</h1>" + banner, 1)
        if path is not None:
            atomic_write_text(safe_output_path(path, "html", inputs=self._input_paths(), force=force), text)
        return text

    def _input_paths(self) -> tuple[str, ...]:
        src = self.data.metadata.get("input_path") or self.data.source
        return (src,) if isinstance(src, str) and src and Path(src).expanduser().is_file() else ()

    def _repr_html_(self) -> str:
        from .html import render_html

        return render_html(self, fragment=True)

    def __repr__(self) -> str:
        ok = sum(it.ok for s in self.sections for it in s.items)
        total = sum(len(s.items) for s in self.sections)
        return (f"Analysis({self.data.source!r}, n={self.data.n_times}, {ok}/{total} items computed, "
                f"verdict={self.verdict!r})")


def _jsonable(v: Any):
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return f if math.isfinite(f) else None
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, np.ndarray):
        return _jsonable(v.tolist())
    return str(v)


# ---------------------------------------------------------------------- true system
def _resolve_true_system(true_system) -> tuple[str | None, dict]:
    if true_system is None:
        return None, {}
    if isinstance(true_system, str):
        from ..systems import system

        s = system(true_system)
    else:
        s = true_system
    return str(getattr(s, "name", true_system)), dict(getattr(s, "metadata", {}).get("reference", {}) or {})


def _comparison(ctx: Context, ref: dict) -> list[dict]:
    rows = []

    def row(q, est, key, pick=lambda v: v):
        if key not in ref:
            return
        value, source = ref[key]
        pub = pick(value)
        rel = None
        if est is not None and pub not in (None, 0):
            try:
                rel = abs(float(est) - float(pub)) / abs(float(pub))
            except (TypeError, ValueError):
                rel = None
        rows.append({"quantity": q, "estimate": None if est is None else float(est), "published": pub,
                     "relative_difference": rel, "source": source})

    lam = ctx.shared.get("lyapunov")
    row("largest Lyapunov exponent", None if lam is None else lam.exponent, "lyapunov_spectrum",
        lambda v: float(np.atleast_1d(v)[0]))
    row("correlation dimension D2", ctx.shared.get("d2"), "correlation_dimension")
    if "kaplan_yorke_dimension" in ref:
        row("Kaplan-Yorke dimension (for comparison with D2)", ctx.shared.get("d2"), "kaplan_yorke_dimension")
    return rows


# ---------------------------------------------------------------------- conclusions
def _conclude(ctx: Context, sections: Sequence[Section]) -> tuple[list[str], str, str]:
    findings: list[str] = []
    unit = ctx.unit
    n = ctx.n
    surr = ctx.shared.get("surrogate")
    lam = ctx.shared.get("lyapunov")
    d2 = ctx.shared.get("d2")
    m = ctx.shared.get("dimension")
    skipped = {it.key: it.reason for s in sections for it in s.items if not it.ok}
    if np.ptp(ctx.x) == 0:
        return ([f"The analysed channel '{ctx.data.columns[0]}' is constant: there are no dynamics to analyse, "
                 "so every analysis was skipped."], "no dynamics (constant series)", "high")
    if ctx.data.notes:
        findings.append("Data handling: " + " ".join(ctx.data.notes))
    st = next((it for s in sections for it in s.items if it.key == "stationarity" and it.ok), None)
    if st is not None and not st.numbers.get("stationary (by this check)", True):
        findings.append("The first and second halves of the series differ, so it may be non-stationary; "
                        "invariants assume stationarity.")
    if m is not None:
        findings.append(f"A delay reconstruction needs about m = {m} dimensions (delay "
                        f"{ctx.shared['delay']} samples = {ctx.shared['delay'] * ctx.dt:.4g} {unit}).")
    evidence = 0
    against = 0
    if surr is not None:
        if surr.rejected:
            evidence += 1
            findings.append(f"The surrogate test rejected a linear Gaussian process (p = {surr.p_value:.2g} with "
                            f"{surr.n_surrogates} surrogates): the data have nonlinear structure.")
        else:
            against += 1
            findings.append(f"The surrogate test did not reject a linear Gaussian process (p = {surr.p_value:.2g}): "
                            "the data are consistent with linear noise.")
    if lam is not None:
        lo, hi = lam.confidence_interval
        if lam.reliable and lo > 0:
            evidence += 1
            findings.append(f"The largest Lyapunov exponent is positive: {lam.exponent:.3g} per {unit} "
                            f"({int(round(lam.confidence * 100))}% interval {lo:.3g} to {hi:.3g}), a Lyapunov time of "
                            f"{1 / lam.exponent:.3g} {unit}.")
        elif not lam.reliable:
            findings.append(f"The divergence curve has no clear linear region, so the exponent estimate "
                            f"({lam.exponent:.3g} per {unit}) is unreliable.")
        else:
            against += 1
            findings.append(f"The largest Lyapunov exponent is not clearly positive ({lam.exponent:.3g} per {unit}, "
                            f"interval {lo:.3g} to {hi:.3g}).")
    elif "lyapunov" in skipped:
        findings.append("No Lyapunov exponent is reported: " + skipped["lyapunov"])
    if d2 is not None:
        if surr is not None and not surr.rejected:
            findings.append(f"The correlation dimension estimate is D2 ≈ {d2:.3g}, but a finite D2 alone does not "
                            "show determinism: coloured linear noise can produce one too (Osborne & Provenzale "
                            "1989, Physica D 35, 357), and the surrogate test found no nonlinearity.")
        else:
            evidence += 1 if (m is None or d2 < m) else 0
            findings.append(f"The correlation dimension is D2 ≈ {d2:.3g}: consistent with a low-dimensional attractor"
                            + (" of fractal (non-integer) dimension." if abs(d2 - round(d2)) > 0.1 else "."))
    elif "correlation_dimension" in skipped:
        findings.append("No correlation dimension is reported: " + skipped["correlation_dimension"])
    fc = ctx.shared.get("forecast")
    if fc:
        best = max(fc, key=fc.get)
        lt = f" ({fc[best] * lam.exponent:.2g} Lyapunov times)" if lam is not None and lam.exponent > 0 else ""
        findings.append(f"Best short-term forecast: {best}, valid for {fc[best]:.3g} {unit}{lt}.")
    if "sindy_terms" in ctx.shared:
        findings.append(f"SINDy found equations with {ctx.shared['sindy_terms']} nonzero terms (see Models).")
    if surr is None and lam is None and d2 is None:
        verdict, conf = "insufficient data for a dynamical characterisation", "low"
        findings.append(f"With {n} samples none of the tests of determinism could be run; the report shows only "
                        "what the data support.")
    elif against and evidence == 0:
        verdict, conf = "no evidence of low-dimensional deterministic dynamics", "medium" if n >= 1000 else "low"
        if n < 1000:
            findings.append(f"With only {n} samples these tests have little power: the absence of evidence for "
                            "nonlinear determinism is not evidence of its absence.")
    elif evidence >= 3:
        verdict, conf = "deterministic chaos likely", "high"
    elif evidence == 2 and lam is not None and lam.reliable and lam.confidence_interval[0] > 0:
        verdict, conf = "deterministic chaos likely", "medium"
    elif evidence >= 1:
        verdict, conf = "nonlinear structure; chaos not established", "low" if n < 1000 else "medium"
    else:
        verdict, conf = "inconclusive", "low"
    return findings, verdict, conf


def _summary_section(findings, verdict, conf, comparison) -> Section:
    text = f"Verdict: {verdict} (confidence: {conf})."
    items = [Item(key="verdict", title="Findings", status="ok", text=text,
                  numbers={"verdict": verdict, "confidence": conf}, bullets=tuple(findings),
                  reading="Each finding states the number it rests on; confidence is high only when the "
                          "surrogate test, a reliable positive exponent and a supported dimension all agree.")]
    if comparison:
        nums = {}
        for r in comparison:
            est = "—" if r["estimate"] is None else f"{r['estimate']:.4g}"
            rel = "" if r["relative_difference"] is None else f" (difference {100 * r['relative_difference']:.1f} %)"
            nums[r["quantity"]] = f"estimate {est} vs published {r['published']}{rel}"
        items.append(Item(key="comparison", title="Estimates against the true system", status="ok", numbers=nums,
                          settings={r["quantity"]: r["source"] for r in comparison},
                          reading="Published invariants of the generating system (catalogue references) beside "
                                  "the estimates from the data alone."))
    return Section("summary", "Summary of findings", "What the analyses say together, in plain words.",
                   tuple(items))


# ---------------------------------------------------------------------- API
def analyze(data: Any, dt: float | None = None, columns: Sequence[str] | str | None = None,
            time_column: str | None = None, quick: bool = False, seed: int = 0,
            nan_policy: str = "interpolate", irregular: str = "index", true_system: Any = None,
            title: str | None = None, progress: Callable[[str, int, int], None] | None = None,
            sections: Sequence[str] | None = None) -> Analysis:
    """Analyse an observed series and collect every result into a report.

    Parameters
    ----------
    data : array_like, pandas.DataFrame or Series, Trajectory, str or pathlib.Path
        Rows are time (see :func:`attractor.report.io.prepare_data` for files and columns).
        The *first* selected column is the analysed channel; invariants are estimated from it
        by delay embedding.
    dt : float, optional
        Sampling step (time units) when the data carry no time stamps.
    columns : sequence of str or comma-separated str, optional
        Channels to use (default: all numeric columns except time).
    time_column : str, optional
        Column of time stamps.
    quick : bool
        Smaller subsamples, fewer surrogates (19 instead of 99) and bootstrap resamples:
        roughly four times faster, for previews and tests.
    seed : int
        Seed of every random component (surrogates, bootstrap, reservoirs).
    nan_policy : {"interpolate", "drop", "raise"}
        Missing values: linear interpolation, row removal, or an error.
    irregular : {"index", "resample", "raise"}
        Irregular time stamps: analyse the samples in order on their own index (default; time
        is the observation number, nothing is invented; business-day data with weekend and
        holiday gaps are recognised and described), linear interpolation onto a uniform grid
        (the invented samples are counted: ``result.data.n_invented``), or an error.
    true_system : str or DynamicalSystem, optional
        The generating system, if known: its published invariants (catalogue ``reference``)
        are shown beside the estimates.
    title : str, optional
        Report title.
    progress : callable, optional
        ``progress(stage, index, total)`` is called before each stage (see :data:`STAGES`).
    sections : sequence of str, optional
        Only these section keys (default all); the summary is always produced.

    Returns
    -------
    Analysis

    Raises
    ------
    FileNotFoundError, ValidationError
        Only for data that cannot be read at all (missing file, unreadable format, no
        numeric or unknown columns, or a policy set to "raise"). Problems of individual
        analyses never raise: they are reported as skipped items.
    """
    start = time.perf_counter()
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValidationError(f"seed must be an integer; got {seed!r}.")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        prepared = prepare_data(data, dt=dt, columns=columns, time_column=time_column, nan_policy=nan_policy,
                                irregular=irregular)
    for w in caught:  # re-issue the data-handling warnings to the caller
        warnings.warn(w.message, w.category, stacklevel=2)
    name, ref = _resolve_true_system(true_system)
    ctx = Context(prepared, quick=bool(quick), seed=int(seed), reference=ref, true_system=name)
    wanted = None if sections is None else set(sections)
    if wanted is not None:
        unknown = wanted - {s[0] for s in SECTION_BUILDERS} - {"summary"}
        if unknown:
            raise ValidationError(f"unknown section(s) {sorted(unknown)}; available: "
                                  f"{[s[0] for s in SECTION_BUILDERS]}.")
    built: list[Section] = []
    total = len(STAGES)
    idx = 0
    for key, stitle, intro, items in SECTION_BUILDERS:
        done = []
        for ikey, ititle, fn in items:
            if progress is not None:
                progress(f"{stitle}: {ititle}", idx, total)
            idx += 1
            if wanted is not None and key not in wanted:
                continue
            done.append(run_item(ctx, ikey, ititle, fn))
        if done:
            built.append(Section(key, stitle, intro, tuple(done)))
    if progress is not None:
        progress("Summary", idx, total)
    findings, verdict, conf = _conclude(ctx, built)
    comparison = _comparison(ctx, ref) if ref else []
    built.append(_summary_section(findings, verdict, conf, comparison))
    if progress is not None:
        progress("done", total, total)
    options = {"dt": dt, "columns": None if columns is None else (columns if isinstance(columns, str)
                                                                  else list(columns)),
               "time_column": time_column, "quick": bool(quick), "seed": int(seed), "nan_policy": nan_policy,
               "irregular": irregular, "true_system": name}
    default_title = f"Analysis of {prepared.source}" + (f" ({name})" if name and name not in prepared.source else "")
    return Analysis(data=prepared, sections=tuple(built), findings=tuple(findings), verdict=verdict,
                    confidence=conf, comparison=tuple(comparison), options=options,
                    seconds=time.perf_counter() - start, title=title or default_title)
