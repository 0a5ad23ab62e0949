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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ..core.errors import ValidationError
from .io import PreparedData, prepare_data
from .sections import SECTION_BUILDERS, Context, Item, Section, _call, run_item
from .figures import figures_disabled
from .verdict import Verdict, decide, gather

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
    reasons : tuple of str
        The 2–4 numbers that decided the verdict, with why (shown under the verdict box).
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
    reasons: tuple[str, ...] = ()
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
        return {it.key: tuple(f for f in it.figures if f.png) for s in self.sections for it in s.items
                if any(f.png for f in it.figures)}

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
            "reasons": list(self.reasons),
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
                                   "reliable": it.reliable,
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
def _conclude(ctx: Context, sections: Sequence[Section]) -> tuple[list[str], Verdict]:
    """Findings (plain sentences) and the evidence-weighted verdict (see :mod:`attractor.report.verdict`)."""
    unit = ctx.unit
    skipped = {it.key: it.reason for s in sections for it in s.items if not it.ok}
    evidence = gather(ctx, sections)
    verdict = decide(evidence)
    if evidence.constant:
        return ([f"The analysed channel '{ctx.data.columns[0]}' is constant: there are no dynamics to analyse, "
                 "so every analysis was skipped."], verdict)
    findings: list[str] = []
    if ctx.data.notes:
        findings.append("Data handling: " + " ".join(ctx.data.notes))
    st = next((it for s in sections for it in s.items if it.key == "stationarity" and it.ok), None)
    if st is not None and not st.numbers.get("stationary (by this check)", True) and evidence.trend is None:
        findings.append("The first and second halves of the series differ, so it may be non-stationary; "
                        "invariants assume stationarity.")
    m = ctx.shared.get("dimension")
    if m is not None and "delay" in ctx.shared:
        findings.append(f"A delay reconstruction needs about m = {m} dimensions (delay "
                        f"{ctx.shared['delay']} samples = {ctx.shared['delay'] * ctx.dt:.4g} {unit}).")
    findings.extend(verdict.findings)
    if "lyapunov" not in ctx.shared and "lyapunov" in skipped:
        findings.append("No Lyapunov exponent is reported: " + skipped["lyapunov"])
    if evidence.d2 is None and "correlation_dimension" in skipped:
        findings.append("No correlation dimension is reported: " + skipped["correlation_dimension"])
    lam = evidence.lyapunov if (evidence.lyapunov_reliable and evidence.lyapunov is not None
                                and evidence.lyapunov > 0) else None
    fs = ctx.shared.get("forecast_skill")
    fc = ctx.shared.get("forecast")
    if isinstance(fs, dict) and fs.get("reliable") is False:
        pass  # listed under "Not used" by the verdict
    elif isinstance(fs, dict) and fs.get("best") and isinstance(fs.get("models"), dict):
        best = fs["best"]
        info = fs["models"].get(best, {})
        vpt = info.get("vpt")
        if vpt is not None and np.isfinite(vpt):
            ge = "≥ " if info.get("vpt_capped") else ""
            lt = f" ({ge}{vpt * lam:.2g} Lyapunov times)" if lam else ""
            findings.append(f"Best short-term forecast (by skill): {best}, valid for {ge}{vpt:.3g} {unit}{lt}.")
    elif fc:
        best = max(fc, key=fc.get)
        lt = f" ({fc[best] * lam:.2g} Lyapunov times)" if lam else ""
        findings.append(f"Longest valid prediction time: {best}, {fc[best]:.3g} {unit}{lt}.")
    if "sindy_terms" in ctx.shared:
        findings.append(f"SINDy found equations with {ctx.shared['sindy_terms']} nonzero terms (see Models).")
    if ctx.shared.get("coupling_summary"):
        findings.append("Coupling: " + ctx.shared["coupling_summary"])
    if ctx.shared.get("hybrid_summary"):
        findings.append("Hybrid model: " + ctx.shared["hybrid_summary"])
    return findings, verdict


def _summary_section(findings, verdict: Verdict, comparison) -> Section:
    text = f"Verdict: {verdict.label} (confidence: {verdict.confidence})."
    items = [Item(key="verdict", title="Findings", status="ok", text=text,
                  numbers={"verdict": verdict.label, "confidence": verdict.confidence,
                           "decision rule row": verdict.rule},
                  settings={"reasons": "; ".join(verdict.reasons)}, bullets=tuple(findings),
                  reasons=tuple(verdict.reasons), result=verdict,
                  reading="The verdict weighs every item with its reliability (attractor.report.verdict): "
                          "nonlinear structure is claimed only when the surrogate test, a forecast skill above "
                          "persistence and the mean, and the stochasticity check agree; unreliable items are "
                          "never used. The numbers under the verdict decided it.")]
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


def _mark_capped_vpts(ctx: Context, sections: list[Section]) -> list[Section]:
    """Show horizon-capped valid prediction times as "≥ value" in the forecast item."""
    fs = ctx.shared.get("forecast_skill")
    if not isinstance(fs, dict) or not isinstance(fs.get("models"), dict):
        return sections
    capped = [label for label, info in fs["models"].items() if isinstance(info, dict) and info.get("vpt_capped")]
    if not capped:
        return sections
    out = []
    for s in sections:
        items = []
        for it in s.items:
            if it.key == "forecast" and it.ok:
                nums = dict(it.numbers)
                for k, v in nums.items():
                    if ("prediction time" in k or "Lyapunov times" in k) and any(lb in k for lb in capped) \
                            and isinstance(v, (int, float)) and not isinstance(v, bool):
                        nums[k] = f"≥ {v:.4g}"
                it = replace(it, numbers=nums)
            items.append(it)
        out.append(replace(s, items=tuple(items)))
    return out


def _preprocess(prepared: PreparedData, detrend: bool, deseason: bool) -> tuple[PreparedData, list[str]]:
    """Apply the optional detrending / deseasoning (attractor.analysis.stationarity) to every channel.

    Detrending subtracts the least-squares line, or takes first differences when
    ``stationarity.trend_test`` finds a stochastic (unit-root) trend in the analysed channel;
    deseasoning removes the component at the period ``stationarity.seasonality`` detects.
    """
    if not (detrend or deseason):
        return prepared, []
    import importlib

    try:
        st = importlib.import_module("attractor.analysis.stationarity")
    except ImportError as exc:
        raise ValidationError("detrend/deseason need attractor.analysis.stationarity, which is not available in "
                              "this installation.") from exc
    x = prepared.x.copy()
    dt = prepared.dt
    notes: list[str] = []
    if detrend:
        fn = getattr(st, "detrend", None)
        if fn is None:
            raise ValidationError("detrend=True needs attractor.analysis.stationarity.detrend.")
        method, why = "linear", "least-squares line removed"
        tt = getattr(st, "trend_test", None)
        if tt is not None:
            kind = str(getattr(_call(tt, x[:, 0], dt=dt), "kind", "") or "")
            if "unit" in kind or "stochastic" in kind:
                method, why = "difference", "first differences taken: stochastic (unit-root) trend"
        results = [_call(fn, x[:, k], method=method, dt=dt) for k in range(x.shape[1])]
        cols = [_series_of(r) for r in results]
        n = min(c.size for c in cols)
        x = np.column_stack([c[-n:] for c in cols])
        notes.append(f"the series was detrended before the analyses ({_what_removed(results[0], why)}).")
    if deseason:
        fn = getattr(st, "deseason", None)
        seas = getattr(st, "seasonality", None)
        if fn is None:
            raise ValidationError("deseason=True needs attractor.analysis.stationarity.deseason.")
        period = None
        if seas is not None:
            sres = _call(seas, x[:, 0], dt=dt)
            if getattr(sres, "detected", False):
                period = getattr(sres, "period", None)
        if period is None:
            notes.append("deseason was requested, but no seasonal period was detected; nothing was removed.")
        else:
            cols = [_series_of(_call(fn, x[:, k], period, dt=dt)) for k in range(x.shape[1])]
            n = min(c.size for c in cols)
            x = np.column_stack([c[-n:] for c in cols])
            notes.append(f"the seasonal component of period {float(period):.4g} {prepared.time_unit or 'time units'} "
                         "was removed before the analyses.")
    t = prepared.t[-x.shape[0]:]
    return replace(prepared, x=x, t=t, notes=tuple(prepared.notes) + tuple(
        n[0].upper() + n[1:] for n in notes)), notes


def _series_of(res: Any) -> np.ndarray:
    if isinstance(res, tuple):
        res = res[0]
    for name in ("series", "residual", "x", "values", "data"):
        if hasattr(res, name) and np.ndim(getattr(res, name)) == 1:
            res = getattr(res, name)
            break
    out = np.asarray(res, dtype=float)
    if out.ndim != 1 or out.size < 2:
        raise ValidationError(f"detrend/deseason returned an unusable series of shape {out.shape}.")
    return out


def _what_removed(res: Any, default: str) -> str:
    if isinstance(res, tuple) and len(res) > 1:
        res = res[1]
    for name in ("description", "removed", "method", "kind"):
        v = getattr(res, name, None) if not isinstance(res, dict) else res.get(name)
        if isinstance(v, str) and v:
            return v
    return default


# ---------------------------------------------------------------------- API
def analyze(data: Any, dt: float | None = None, columns: Sequence[str] | str | None = None,
            time_column: str | None = None, quick: bool = False, seed: int = 0,
            nan_policy: str = "interpolate", irregular: str = "index", true_system: Any = None,
            title: str | None = None, progress: Callable[[str, int, int], None] | None = None,
            sections: Sequence[str] | None = None, detrend: bool = False,
            deseason: bool = False, exclude_items: Sequence[str] = (), figures: bool = True,
            neural: bool = False, known: Any = None) -> Analysis:
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
    detrend : bool
        Remove the trend (``attractor.analysis.stationarity.detrend``) from every channel
        before the analyses; recorded in the options and the data notes.
    deseason : bool
        Remove the seasonal cycle (``attractor.analysis.stationarity.deseason``, period from
        ``seasonality``) before the analyses; recorded likewise.
    exclude_items : sequence of str
        Item keys to leave out (e.g. ``("attractor", "entropy", "rqa")`` for a faster run
        that keeps everything the verdict reads; see :mod:`attractor.report.verdict`).
    figures : bool
        False: no figure is rendered (the report has numbers and text only); for batch
        studies such as ``benchmarks/bench_false_positives.py``, about 3x faster in quick mode.
    neural : bool
        Add one neural model (the ``neural`` extra: a NeuralODE on several channels, a GRU on
        one) to the forecast comparison, fitted on at most the last 3000 training samples.
        Off by default: loading JAX and training add roughly 10–40 s. Without the extra the
        forecast item says why the model is left out.
    known : str, pathlib.Path or KnownModel, optional
        A partial model (TOML file, format in :mod:`attractor.learn.hybrid_spec`): adds the
        hybrid section (:mod:`attractor.report.section_hybrid`) with the fitted parameters,
        the learned remainder as equations, and forecasts of the known part alone, the hybrid
        and SINDy alone on the held-out last 20 % of the data. Its states must be data
        columns (or be mapped to columns in the file); a file that cannot be read or does not
        match the data raises ValidationError before any analysis runs.

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
    prepared, pre_notes = _preprocess(prepared, bool(detrend), bool(deseason))
    excluded = {str(k) for k in ([exclude_items] if isinstance(exclude_items, str) else exclude_items)}
    item_keys = {ikey for _, _, _, items in SECTION_BUILDERS for ikey, _, _ in items}
    if excluded - item_keys:
        raise ValidationError(f"unknown item(s) to exclude {sorted(excluded - item_keys)}; available: "
                              f"{sorted(item_keys)}.")
    if excluded:
        prepared = replace(prepared, notes=tuple(prepared.notes) + (
            f"Items left out on request: {', '.join(sorted(excluded))}.",))
    known_model = None
    if known is not None:
        from ..learn.hybrid_spec import KnownModel, load_known_model

        known_model = known if isinstance(known, KnownModel) else load_known_model(known)
        known_model.column_indices(prepared.columns)  # states vs columns: fail now, with the reason
    name, ref = _resolve_true_system(true_system)
    ctx = Context(prepared, quick=bool(quick), seed=int(seed), neural=bool(neural), reference=ref,
                  true_system=name, known=known_model)
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
            if (wanted is not None and key not in wanted) or ikey in excluded:
                continue
            if key == "coupling" and prepared.n_channels < 2:
                continue  # the coupling section exists only for data with two or more channels
            if key == "hybrid" and known_model is None:
                continue  # the hybrid section exists only with a partial model (known=...)
            with figures_disabled(not figures):
                done.append(run_item(ctx, ikey, ititle, fn))
        if done:
            built.append(Section(key, stitle, intro, tuple(done)))
    if progress is not None:
        progress("Summary", idx, total)
    built = _mark_capped_vpts(ctx, built)
    findings, verdict = _conclude(ctx, built)
    comparison = _comparison(ctx, ref) if ref else []
    built.append(_summary_section(findings, verdict, comparison))
    if progress is not None:
        progress("done", total, total)
    options = {"dt": dt, "columns": None if columns is None else (columns if isinstance(columns, str)
                                                                  else list(columns)),
               "time_column": time_column, "quick": bool(quick), "seed": int(seed), "nan_policy": nan_policy,
               "irregular": irregular, "true_system": name, "detrend": bool(detrend),
               "deseason": bool(deseason), "exclude_items": sorted(excluded), "figures": bool(figures),
               "neural": bool(neural), "known": None if known_model is None else known_model.source}
    default_title = f"Analysis of {prepared.source}" + (f" ({name})" if name and name not in prepared.source else "")
    return Analysis(data=prepared, sections=tuple(built), findings=tuple(findings), verdict=verdict.label,
                    confidence=verdict.confidence, reasons=tuple(verdict.reasons), comparison=tuple(comparison), options=options,
                    seconds=time.perf_counter() - start, title=title or default_title)
