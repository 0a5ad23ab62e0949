"""The sections of the analysis report, each a plug-in that fails soft.

Every section is a list of *items*; an item is computed by a function of the shared
:class:`Context`. An item whose capability is not installed, whose data are too short, or
whose computation raises is recorded as **skipped** with the reason, and the report goes on.

Minimum-length rules (``N`` = samples of the analysed channel; documented so that the report
can say *why* it declines to print a number):

* Delay and embedding dimension: ``N >= 50``.
* Surrogate test: ``N >= 100``.
* Correlation dimension ``D``: Tsonis, Elsner & Georgakakos (1993, J. Atmos. Sci. 50, 2549)
  require ``N >= 10**(2 + 0.4 D)`` points; the estimate is attempted only if
  ``N >= 10**2.4``, i.e. 252 (enough for ``D = 1``) and reported only if ``N`` supports the
  estimated ``D`` (which also satisfies Eckmann & Ruelle's (1992, Physica D 56, 185) bound
  ``D < 2 log10 N``).
* Largest Lyapunov exponent: attempted from ``N >= 252``; whether it is reliable is decided by
  the estimator's checks (linear region, interval within ±50 %, recurrence, noise floor, at
  least 15 Theiler windows), not by a rule on the noise-inflatable embedding dimension ``m``.
  The correlation dimension's length rule uses the upper end of its 95 % interval.
* Permutation entropy of order ``d``: ``N >= 5 d!`` (Amigó, Zambrano & Sanjuán 2008 ask for
  ``N >> d!``); the largest order in 3..6 that satisfies it is used.
* Sample entropy ``m = 2``: ``N >= 10**m = 100`` (Richman & Moorman 2000 recommend 10^m–20^m).
* RQA: ``N >= 100`` embedded vectors.
* SINDy: at least two observed state variables and ``N >= 200``.
"""
from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..core.errors import AttractorError
from .figures import FigureRecord, downsample_for_plot, new_figure, render_png, time_axis_values, try_helper
from .io import PreparedData

__all__ = ["Item", "Section", "Context", "SECTION_BUILDERS", "SkipItem", "tsonis_min_length"]


class SkipItem(Exception):
    """Raised inside an item to skip it with a stated reason."""


@dataclass(frozen=True)
class Item:
    """One computed quantity of the report (with its figure, numbers and settings)."""

    key: str
    title: str
    status: str  # "ok" or "skipped"
    reason: str = ""
    numbers: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    reading: str = ""
    text: str = ""
    figures: tuple[FigureRecord, ...] = ()
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0
    bullets: tuple[str, ...] = ()
    result: Any = field(default=None, repr=False, compare=False)
    #: False when the item's own check says its estimate is unreliable; None when not applicable.
    reliable: bool | None = None
    #: The deciding numbers (the verdict item only).
    reasons: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def flagged_unreliable(self) -> bool:
        """Computed, but marked unreliable (``reliable`` False or a warning saying so)."""
        if not self.ok:
            return False
        if self.reliable is False:
            return True
        return self.reliable is None and any("unreliab" in w.lower() for w in self.warnings)


@dataclass(frozen=True)
class Section:
    """A report section: a title, one sentence of introduction, and its items."""

    key: str
    title: str
    intro: str
    items: tuple[Item, ...]

    @property
    def status(self) -> str:
        return "ok" if any(i.ok for i in self.items) else "skipped"

    def item(self, key: str) -> Item:
        for it in self.items:
            if it.key == key:
                return it
        raise KeyError(key)


@dataclass
class Context:
    """What every section reads: the data, the options and results shared between sections."""

    data: PreparedData
    quick: bool = False
    seed: int = 0
    neural: bool = False   # include a neural model in the forecast comparison (the ``neural`` extra)
    reference: dict = field(default_factory=dict)  # {key: (value, source)} of the true system
    true_system: str | None = None
    shared: dict = field(default_factory=dict)
    known: Any = None  # a partial model (attractor.learn.hybrid_spec.KnownModel) for the hybrid section

    @property
    def x(self) -> np.ndarray:
        """The analysed channel (the first column), shape (n_times,)."""
        return self.data.x[:, 0]

    @property
    def dt(self) -> float:
        return self.data.dt

    @property
    def n(self) -> int:
        return self.data.n_times

    @property
    def unit(self) -> str:
        return self.data.time_unit or "time unit"


# ---------------------------------------------------------------------- helpers
def tsonis_min_length(dimension: float) -> int:
    """Minimum series length ``10**(2 + 0.4 D)`` of Tsonis, Elsner & Georgakakos (1993)."""
    return int(math.ceil(10 ** (2.0 + 0.4 * float(dimension))))


def _capability(module: str | tuple[str, ...], name: str) -> Callable:
    """``attractor.<module>.<name>`` (first module that has it) or SkipItem saying it is missing."""
    mods = (module,) if isinstance(module, str) else tuple(module)
    for mname in mods:
        try:
            mod = importlib.import_module(f"attractor.{mname}")
        except ImportError:
            continue
        fn = getattr(mod, name, None)
        if fn is not None:
            return fn
    raise SkipItem(f"needs attractor.{mods[0]}.{name}, which is not available in this installation yet.")


def _call(fn: Callable, *args, **kwargs):
    """Call ``fn`` with only the keyword arguments its signature accepts."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return fn(*args, **kwargs)
    if any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return fn(*args, **kwargs)
    return fn(*args, **{k: v for k, v in kwargs.items() if k in params})


def _value(res: Any, *names: str) -> float:
    """A float from a result object (first attribute found) or a plain number."""
    if isinstance(res, (int, float, np.floating, np.integer)):
        return float(res)
    for n in names:
        if hasattr(res, n):
            v = getattr(res, n)
            if np.ndim(v) == 0:
                return float(v)
    raise AttractorError(f"could not read a value from {type(res).__name__}.")


def _num(v: Any, digits: int = 4):
    """A JSON-friendly rounded number (None for NaN)."""
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if not math.isfinite(f):
        return None
    return float(f"{f:.{digits}g}")


def _series(ctx: Context, min_length: int, what: str) -> np.ndarray:
    """The analysed channel, checked for length and variance."""
    x = ctx.x
    if x.size < min_length:
        raise SkipItem(f"{what} needs at least {min_length} samples; the series has {x.size}.")
    if np.ptp(x) == 0:
        raise SkipItem(f"the series '{ctx.data.columns[0]}' is constant: a constant signal has no dynamics to "
                       f"analyse ({what} skipped).")
    return x


def _need(ctx: Context, key: str, what: str):
    if key not in ctx.shared:
        raise SkipItem(f"{what} needs the {key.replace('_', ' ')}, which could not be estimated (see above).")
    return ctx.shared[key]


def run_item(ctx: Context, key: str, title: str, fn: Callable[[Context], dict], reading: str = "") -> Item:
    """Compute one item; never raises (failures become a skipped item with the reason)."""
    import time

    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = fn(ctx) or {}
            status, reason = "ok", ""
        except SkipItem as exc:
            out, status, reason = {}, "skipped", str(exc)
        except (AttractorError, ValueError, np.linalg.LinAlgError) as exc:
            out, status, reason = {}, "skipped", f"{exc}"
        except MemoryError:
            out, status, reason = {}, "skipped", "ran out of memory"
        except Exception as exc:  # fail soft: the rest of the report is still produced
            out, status, reason = {}, "skipped", f"unexpected {type(exc).__name__}: {exc}"
    msgs: list[str] = []
    for w in caught:
        if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning)):
            continue
        m = str(w.message)
        if m not in msgs and "numba" not in m.lower():
            msgs.append(m)
    return Item(key=key, title=title, status=status, reason=reason, numbers=out.get("numbers", {}),
                settings=out.get("settings", {}), reading=out.get("reading", reading), text=out.get("text", ""),
                figures=tuple(out.get("figures", ())), warnings=tuple(msgs[:5]),
                seconds=time.perf_counter() - start, result=out.get("result"),
                reliable=None if out.get("reliable") is None else bool(out.get("reliable")))


# ====================================================================== overview
def _overview_series(ctx: Context) -> dict:
    d = ctx.data
    fig, (ax,) = new_figure(7.5, 2.6)
    tt, label = time_axis_values(d, d.t)
    t, x, step = downsample_for_plot(tt, d.x)
    for k, c in enumerate(d.columns[:4]):
        ax.plot(t, x[:, k], lw=0.6, label=c)
    ax.set_xlabel(label)
    ax.set_ylabel("value")
    if d.n_channels > 1:
        ax.legend(fontsize=7, loc="upper right", ncol=min(4, d.n_channels))
    caption = "The series" + (" (first 4 channels)" if d.n_channels > 4 else "") + (
        f" (every {step}-th sample drawn)" if step > 1 else "")
    numbers = {"samples": d.n_times, "channels": d.n_channels, "sampling step": _num(d.dt, 6),
               **({"first / last date": f"{str(tt[0])[:19]} / {str(tt[-1])[:19]}"} if label == "date" else {}),
               "duration": _num(d.t[-1] - d.t[0] if d.n_times > 1 else 0.0, 6),
               "missing values (raw)": sum(d.missing.values()), "rows in the file/input": d.n_raw}
    for k, c in enumerate(d.columns[:6]):
        col = d.x[:, k]
        numbers[f"{c}: mean ± std"] = f"{col.mean():.4g} ± {col.std():.4g}"
        numbers[f"{c}: range"] = f"[{col.min():.4g}, {col.max():.4g}]"
    settings = {"source": d.source, "analysed channel": d.columns[0], "time unit": d.time_unit or "(none)",
                "time column": d.time_column or "(none: from dt)", "missing-value policy": d.nan_policy,
                "irregular-sampling policy": d.irregular}
    text = " ".join(d.notes)
    const = [c for k, c in enumerate(d.columns) if np.ptp(d.x[:, k]) == 0]
    if const:
        text += f" Constant channel(s): {', '.join(const)} — no dynamics to analyse there."
    return {"numbers": numbers, "settings": settings, "figures": [render_png(fig, caption)], "text": text.strip(),
            "reading": "The raw signal against time: look for trends, outliers, gaps or changes of regime before "
                       "trusting any invariant; the analyses below use the first channel."}


def _overview_stationarity(ctx: Context) -> dict:
    """Trend pre-check: robust linear slope, KPSS and ADF (attractor.analysis.stationarity)."""
    x = _series(ctx, 20, "the trend check")
    trend_test = _capability("analysis.stationarity", "trend_test")
    season = ctx.shared.get("seasonality")
    y, note = x, ""
    if season is not None and season.detected and season.period is not None:
        deseason = _capability("analysis.stationarity", "deseason")
        y = deseason(x, season.period, dt=ctx.dt)[0]  # a strong cycle inflates the trend tests' variances
        note = f"tested after removing the {season.period:.4g}-{ctx.unit} cycle (3 harmonics)"
    res = trend_test(y, dt=ctx.dt)
    ctx.shared["trend"] = res
    if res.detected:
        warnings.warn(f"non-stationary: {res.description}", UserWarning, stacklevel=2)
    fig, (ax,) = new_figure(7.5, 2.2)
    t = ctx.data.t
    ax.plot(t, x, lw=0.5, color="0.5", label=ctx.data.columns[0])
    tc = t - t.mean()
    ax.plot(t, x.mean() + res.slope * tc, color="tab:red", lw=1.2, label="linear fit")
    ax.set_xlabel(f"time ({ctx.data.time_unit})" if ctx.data.time_unit else "time")
    ax.legend(fontsize=7)
    return {"numbers": {"trend": res.kind, "slope (per time unit)": _num(res.slope),
                        "slope p (autocorrelation-robust)": _num(res.slope_p, 3),
                        "KPSS level statistic": _num(res.kpss_statistic, 3), "KPSS p (0.01-0.10)": _num(res.kpss_p, 3),
                        "ADF t (constant+trend)": _num(res.adf_statistic, 3),
                        "ADF 5% critical value": _num(res.adf_critical.get(0.05), 3),
                        "stationary (by this check)": not res.detected},
            "settings": {"tests": "OLS slope with AR(1)-prewhitened Newey-West standard error; KPSS (1992) level "
                                  "test, Newey-West bandwidth; ADF with constant and trend, Schwert lag "
                                  f"{res.adf_lags}", "alpha (KPSS, ADF)": res.alpha,
                         "alpha (slope)": res.slope_alpha, "series": note or "as given"},
            "figures": [render_png(fig, "The series and its least-squares line")],
            "text": res.description, "result": res, "reliable": True,
            "reading": "A unit root (random-walk-like drift) or a deterministic trend violates the stationarity "
                       "that invariants and linear surrogates assume; the nonlinearity test below then works on "
                       "the differenced or detrended series."}


def _overview_seasonality(ctx: Context) -> dict:
    """Periodicity pre-check: narrow spectral lines over a red-noise/median background."""
    x = _series(ctx, 16, "the periodicity check")
    seasonality = _capability("analysis.stationarity", "seasonality")
    res = seasonality(x, dt=ctx.dt)
    ctx.shared["seasonality"] = res
    fig, (ax,) = new_figure(7.5, 2.4)
    f, P, bg = res.frequencies[1:], res.power[1:], res.background[1:]
    ax.loglog(f, P, lw=0.6, color="0.4", label="periodogram (Hann)")
    ax.loglog(f, bg * res.threshold, lw=1.0, color="tab:orange", label=f"line threshold (false alarm {res.far:g})")
    for ln in res.peaks[:5]:
        ax.axvline(ln.frequency, color="tab:red", lw=0.8, ls=":")
    ax.set_xlabel(f"frequency (cycles per {ctx.unit})")
    ax.legend(fontsize=7)
    numbers = {"periodic component": res.kind, "strength (fraction of variance)": _num(res.strength, 3),
               "lines found": len(res.peaks)}
    if res.period is not None:
        numbers[f"dominant period ({ctx.unit})"] = _num(res.period, 4)
    return {"numbers": numbers,
            "settings": {"method": "Hann periodogram of the linearly detrended series; background = max(running "
                                   "median, AR(1) spectrum); line if power/background > ln(M/far)",
                         "false-alarm probability": res.far, "minimum strength": res.min_strength},
            "figures": [render_png(fig, "Periodogram, line threshold and detected lines")],
            "text": res.description, "result": res, "reliable": True,
            "reading": "A narrow line far above the threshold that carries much of the variance is a cycle or "
                       "season; broad humps (as in chaotic flows) and red noise stay under the threshold."}


# ====================================================================== reconstruction
def _recon_delay(ctx: Context) -> dict:
    x = _series(ctx, 50, "delay estimation")
    estimate_delay = _capability("analysis.embedding", "estimate_delay")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the AMI of a map has no minimum; the rule below handles it
        res = estimate_delay(x, method="ami")
    minimum = getattr(res, "minimum_found", True) is not False
    try:
        acf = estimate_delay(x, method="autocorr_1e")
        if minimum and acf.delay < res.delay:
            criterion = (f"autocorrelation 1/e lag {acf.delay}, before the first AMI minimum (lag {res.delay}); "
                         "the smaller lag is used")
            res = dataclasses.replace(res, delay=acf.delay, criterion=criterion)
        elif not minimum and acf.delay != res.delay:
            criterion = f"no AMI minimum above its noise level: autocorrelation 1/e lag {acf.delay} used"
            res = dataclasses.replace(res, delay=acf.delay, criterion=criterion)
    except (AttractorError, ValueError):
        pass
    ctx.shared["delay"] = int(res.delay)
    fig, (ax,) = new_figure(7.5, 2.4)
    if not try_helper("embedding", "plot_delay_selection", res, ax):
        ax.plot(res.lags, res.values, "o-", ms=2.5, lw=1)
        ax.axvline(res.delay, color="tab:red", lw=1.2, label=f"delay = {res.delay} samples")
        ax.set_xlabel("lag (samples)")
        ax.set_ylabel("AMI (nats)" if res.method == "ami" else "autocorrelation")
        ax.legend(fontsize=7)
    caption = ("Average mutual information against lag; the chosen delay is marked" if minimum else
               "Average mutual information against lag: it has no minimum above its noise level (dotted), so the "
               "autocorrelation 1/e lag is used (marked)")
    return {"numbers": {"delay (samples)": int(res.delay), f"delay ({ctx.unit})": _num(res.delay * ctx.dt, 5),
                        "AMI has a minimum": bool(minimum)},
            "settings": {"method": "smaller of the first AMI minimum and the autocorrelation 1/e lag; the 1/e lag "
                                   "when the AMI has no minimum above its noise level (B−1)²/2N",
                         "criterion": res.criterion, "bins per axis": res.n_bins},
            "figures": [render_png(fig, caption)],
            "result": res,
            "reading": "The delay is the first minimum of the average mutual information (or, if earlier, the lag "
                       "where the autocorrelation falls below 1/e, as for maps whose AMI has no minimum): delay "
                       "coordinates are then as independent as possible without losing their dynamical relation."}


def _recon_dimension(ctx: Context) -> dict:
    x = _series(ctx, 50, "embedding-dimension estimation")
    delay = _need(ctx, "delay", "the embedding dimension")
    estimate_dimension = _capability("analysis.embedding", "estimate_dimension")
    max_dim = 8 if ctx.quick else 10
    max_dim = max(2, min(max_dim, (x.size - 10) // max(delay, 1) - 1))
    res = estimate_dimension(x[: 5000 if ctx.quick else 20000], delay, method="cao", max_dimension=max_dim,
                             max_references=2000 if ctx.quick else 5000)
    ctx.shared["dimension"] = int(res.dimension)
    ctx.shared["theiler"] = int(res.theiler)
    fig, (ax,) = new_figure(7.5, 2.4)
    if not try_helper("embedding", "plot_dimension_selection", res, ax):
        if res.e1 is not None:
            ax.plot(res.dimensions, res.e1, "o-", ms=3, label="E1(d)")
            ax.plot(res.dimensions, res.e2, "s--", ms=3, label="E2(d)")
            ax.axhline(res.threshold, color="0.5", lw=0.8, ls=":")
        else:
            ax.plot(res.dimensions, res.fnn_fraction, "o-", ms=3, label="false neighbours")
        ax.axvline(res.dimension, color="tab:red", lw=1.2, label=f"m = {res.dimension}")
        ax.set_xlabel("embedding dimension d")
        ax.legend(fontsize=7)
    e2 = None if res.e2 is None else np.asarray(res.e2)
    stochastic = e2 is not None and bool(np.all(np.abs(e2[np.isfinite(e2)] - 1) < 0.1))
    ctx.shared["stochastic_cao"] = stochastic
    saturated = res.e1 is not None and bool(np.any(np.asarray(res.e1) >= res.threshold))
    return {"numbers": {"embedding dimension m": int(res.dimension),
                        "E2 stays near 1 (stochastic-looking)": stochastic,
                        "E1 saturated": saturated},
            "settings": {"method": res.method, "criterion": res.criterion, "delay (samples)": delay,
                         "Theiler window (samples)": int(res.theiler), "reference points": int(res.n_references),
                         "largest dimension tried": max_dim},
            "figures": [render_png(fig, "Cao's E1(d) and E2(d); the chosen dimension is marked")],
            "result": res, "reliable": bool(saturated and not stochastic),
            "reading": "E1 rises towards 1 and levels off once the dimension is large enough to unfold the "
                       "attractor; E2 stays close to 1 for every d only when the data are random."}


def _recon_plot(ctx: Context) -> dict:
    x = _series(ctx, 50, "the reconstruction plot")
    delay = _need(ctx, "delay", "the reconstruction plot")
    n = x.size - 2 * delay
    if n < 10:
        raise SkipItem(f"the series is too short for a reconstruction with delay {delay}.")
    m = max(n // 5000, 1)
    a, b, c = x[: n: m], x[delay: delay + n: m], x[2 * delay: 2 * delay + n: m]
    fig, axes = new_figure(7.5, 3.2, ncols=2, projection="3d")
    axes[0].plot(a, b, lw=0.3 if a.size > 500 else 0.8, color="tab:blue")
    axes[0].set_xlabel("x(t)")
    axes[0].set_ylabel(f"x(t + {delay}Δt)")
    axes[1].plot(a, b, c, lw=0.3 if a.size > 500 else 0.8, color="tab:purple")
    axes[1].set_xlabel("x(t)", fontsize=7)
    axes[1].set_ylabel("x(t+τ)", fontsize=7)
    axes[1].set_zlabel("x(t+2τ)", fontsize=7)
    axes[1].tick_params(labelsize=6)
    return {"numbers": {"points drawn": int(a.size)},
            "settings": {"coordinates": f"(x(t), x(t+τ), x(t+2τ)), τ = {delay} samples"},
            "figures": [render_png(fig, "Delay reconstruction in two and three dimensions")],
            "reading": "A deterministic system traces a structured, self-avoiding geometric object (the "
                       "reconstructed attractor); noise fills a shapeless cloud."}


# ====================================================================== nonlinearity
#: Values of ``ctx.shared["precheck_transform"]`` (set from an ``analyze()`` option; default "auto").
PRECHECK_TRANSFORMS = ("auto", "none", "detrend", "difference", "deseason")


def _choose_null(ctx: Context, x: np.ndarray) -> tuple[np.ndarray, str, dict, bool, str]:
    """Series to test, surrogate method, its options, end-matching, and why (pre-checks above).

    ``ctx.shared["precheck_transform"]`` chooses what is done about trends and cycles:
    ``"auto"`` (default) follows the pre-checks (difference a unit root, remove a linear
    trend, cycle-shuffle a dominant cycle); ``"none"`` tests the series as given with IAAFT;
    ``"detrend"``/``"difference"`` force that transform; ``"deseason"`` removes the dominant
    cycle (3 harmonics) and tests the remainder with IAAFT.
    """
    mode = ctx.shared.get("precheck_transform", "auto")
    if mode not in PRECHECK_TRANSFORMS:
        raise AttractorError(f"precheck_transform must be one of {', '.join(PRECHECK_TRANSFORMS)}; got {mode!r}.")
    trend = ctx.shared.get("trend")
    season = ctx.shared.get("seasonality")
    has_cycle = season is not None and season.detected and season.period is not None
    y, why = x, []
    if mode == "none":
        return y, "iaaft", {}, False, "transform 'none' requested: the series as given, IAAFT surrogates"
    detrend = _capability("analysis.stationarity", "detrend")
    if mode == "deseason" and has_cycle:
        deseason = _capability("analysis.stationarity", "deseason")
        y = deseason(x, season.period, dt=ctx.dt)[0]
        why.append(f"transform 'deseason' requested: the {season.period:.4g}-{ctx.unit} cycle (3 harmonics) removed")
    if mode == "difference" or (mode in ("auto", "deseason") and trend is not None and trend.detected
                                and trend.kind.startswith("stochastic")):
        y = detrend(y, method="difference")[0]
        why.append("transform 'difference' requested: the first differences are tested" if mode == "difference"
                   else "unit root found: the first differences are tested")
    elif mode == "detrend" or (mode in ("auto", "deseason") and trend is not None and trend.detected):
        y = detrend(y, method="linear", dt=ctx.dt)[0]
        why.append("transform 'detrend' requested: the linearly detrended series is tested" if mode == "detrend"
                   else "deterministic trend found: the linearly detrended series is tested")
    if has_cycle and mode != "deseason":
        why.append(f"{season.kind} component (period {season.period:.4g} {ctx.unit}) found: cycle-shuffled "
                   "surrogates (Theiler 1995; null: fixed periodic cycle plus noise independent between cycles)")
        return y, "cycle_shuffle", {"period": float(season.period / ctx.dt)}, False, "; ".join(why)
    if why:
        why.append("end-matched IAAFT surrogates (Schreiber & Schmitz 2000)")
        return y, "iaaft", {}, True, "; ".join(why)
    return y, "iaaft", {}, False, "no trend or dominant cycle found: IAAFT surrogates"


def _cycles_per_block(period: float, n: int, max_cycles: int = 8, tol: float = 0.1, min_blocks: int = 8) -> int:
    """Cycles per shuffled block when whole blocks fit the sampling grid, else 0.

    Cycle shuffling cuts the series at ``round(i * B)`` for blocks of ``B = q * period`` samples. When ``B``
    is not a whole number of samples the cut falls up to half a sample off the cycle's phase, and the error
    accumulates from block to block, so the surrogates carry phase jumps at their junctions that the data do
    not have (a false rejection, for a statistic that predicts across junctions). Returns the fewest
    ``q <= max_cycles`` whose accumulated cut error over the series, ``|B - round(B)| * n / B``, stays within
    ``tol`` samples while leaving at least ``min_blocks`` blocks (``q = 2`` for a period of 12.5 samples); 0 when
    there is none (the series is then resampled, :func:`_whole_cycle_grid`).
    """
    for q in range(1, max_cycles + 1):
        length = q * period
        if length * min_blocks > n:
            break
        if abs(length - round(length)) * n / length <= tol:
            return q
    return 0


def _whole_cycle_grid(y: np.ndarray, period: float, n_use: int) -> tuple[np.ndarray, int, float, int]:
    """Series, block length (whole samples), sampling factor and cycles per block for cycle shuffling.

    If blocks of ``q`` whole cycles fit the sampling grid (:func:`_cycles_per_block`, on the ``n_use`` samples
    that are tested) the series is returned as it is with ``q`` and ``B = round(q * period)``. Otherwise the
    series is resampled by a cubic spline onto a grid of exactly ``M = round(period)`` samples per cycle
    (spacing ``period / M`` old samples, a change of sampling rate of at most ``0.5 / period``), so that every
    cycle starts at the same phase and the cycle-shuffled surrogates have seamless junctions; ``q = 1``.
    Returns ``(series, B, factor, q)`` with ``factor`` the new samples per old sample (1 without resampling).
    """
    q = _cycles_per_block(period, n_use)
    if q:
        return y, int(round(q * period)), 1.0, q
    from scipy.interpolate import CubicSpline

    m = max(2, int(round(period)))
    step = period / m
    grid = np.arange(0.0, y.size - 1 + 1e-9, step)
    return CubicSpline(np.arange(y.size, dtype=float), y)(grid), m, 1.0 / step, 1


def _nonlinearity(ctx: Context) -> dict:
    x = _series(ctx, 100, "the surrogate test")
    surrogate_test = _capability("analysis.surrogates", "surrogate_test")
    delay = ctx.shared.get("delay", 1)
    stride = max(1, delay // 4)
    max_len = 2048 if ctx.quick else 4096
    k = 19 if ctx.quick else 99
    y0, method, mkw, trim, why = _choose_null(ctx, x)
    if method == "cycle_shuffle" and max_len >= 8 * mkw["period"]:
        stride = 1  # keep the full sampling: the cycles are cut on the sampling grid
    y = y0[::stride][:max_len]
    kwargs = {}
    if "dimension" in ctx.shared:
        kwargs = {"dimension": int(min(ctx.shared["dimension"], 6)), "delay": max(1, int(round(delay / stride)))}
    ahead = None
    if method == "cycle_shuffle":
        # Null: a strictly periodic cycle plus noise independent between cycles (Theiler 1995). Blocks of whole
        # cycles on the sampling grid (resampled if needed) make the shuffled cycles exchangeable under the null,
        # so any statistic gives an exact permutation test. Two are used on the same surrogates: the one-step
        # prediction error (dynamics broken at the junctions; fails when the cycles join smoothly, as for
        # Mackey-Glass) and the error one block ahead (every prediction crosses a junction: dependence *between*
        # cycles; fails when a cycle is longer than the predictability horizon, as for Lorenz's 3.4-time-unit
        # line). The p-value is the Bonferroni-adjusted smaller of the two, with twice the surrogates so that
        # the adjusted p can still reach 0.01.
        k = 2 * k + 1
        period = mkw["period"] / stride
        y, block, factor, q = _whole_cycle_grid(y0[::stride], period, y.size)
        y = y[:max_len]
        mkw["period"] = float(block)
        kwargs = {"dimension": kwargs.get("dimension", 3),
                  "delay": max(1, int(round(kwargs.get("delay", max(1, delay // stride)) * factor)))}
        need = 2 * (2 * ((kwargs["dimension"] - 1) * kwargs["delay"] + block) + kwargs["dimension"] + 1)
        if y.size >= need:
            ahead = dict(kwargs, horizon=block)
            why += (f"; statistics: prediction error 1 and {block} samples ahead (one block"
                    + (f" of {q} cycles)" if q > 1 else ", one cycle)") + ", Bonferroni-adjusted smaller p")
        else:
            why += (f"; statistic: one-step prediction error (too few samples, {y.size} < {need}, to predict a "
                    "block ahead)")
        if factor != 1.0:
            why += (f"; resampled by a cubic spline to {block} samples per cycle (factor {factor:.4g}) so that "
                    "every cycle starts at the same phase")
        elif q > 1:
            why += f"; blocks of {q} cycles ({block} samples), the fewest whole cycles on the sampling grid"
    res = surrogate_test(y, statistic="nonlinear_prediction", method=method, n_surrogates=k, seed=ctx.seed,
                         statistic_kwargs=kwargs or None, trim=trim, method_kwargs=mkw or None)
    p_each = None
    if ahead is not None:
        res2 = surrogate_test(y, statistic="nonlinear_prediction", method=method, n_surrogates=k, seed=ctx.seed,
                              statistic_kwargs=ahead, trim=trim, method_kwargs=mkw or None)
        p_each = (res.p_value, res2.p_value)
        p_adj = min(1.0, 2.0 * min(p_each))
        shown = res if res.p_value <= res2.p_value else res2
        res = dataclasses.replace(shown, p_value=p_adj, rejected=bool(p_adj <= shown.alpha))
        # the other tail: less predictable than nearly all surrogates by either statistic (Bonferroni, 0.95 level)
        misspecified = bool(not res.rejected and max(p_each) >= 0.975)
    else:
        misspecified = bool(res.p_value >= 0.95)
    ctx.shared["surrogate"] = res
    ctx.shared["null_misspecified"] = misspecified
    fig, (ax,) = new_figure(7.5, 2.6)
    if not try_helper("surrogates", "plot_surrogate_test", res, ax):
        ax.hist(res.surrogate_statistics, bins="auto", color="0.7")
        ax.axvline(res.data_statistic, color="tab:red")
    verdict = (f"The data are more predictable than all but a fraction p = {res.p_value:.3g} of {k} surrogates: "
               f"the null hypothesis ({res.null_hypothesis}) is rejected at the {res.alpha:g} level — evidence of "
               "nonlinear structure." if res.rejected else
               f"The data are not significantly more predictable than their {k} surrogates (p = {res.p_value:.3g}): "
               f"consistent with the null hypothesis ({res.null_hypothesis}).")
    if misspecified:
        verdict = (f"The data are LESS predictable than nearly all {k} surrogates (p = {res.p_value:.3g}): the null "
                   f"model is mis-specified (the surrogates keep structure the data do not have, or miss a trend, "
                   f"season or non-stationarity), so the test says nothing about nonlinearity.")
    numbers = {"p-value": _num(res.p_value, 3), "null rejected": bool(res.rejected),
               "null mis-specified": misspecified,
               "data statistic": _num(res.data_statistic), "significance (std units)": _num(res.significance, 3)}
    if p_each is not None:
        numbers["p, one step ahead"] = _num(p_each[0], 3)
        numbers["p, one block ahead"] = _num(p_each[1], 3)
    settings = {"null chosen": res.null_hypothesis, "why": why,
                "transform": ctx.shared.get("precheck_transform", "auto"), "statistic": res.statistic,
                "surrogates": f"{k} × {res.method}" + (" (end-matched segment)" if trim else ""),
                "alpha": res.alpha, "alternative": res.alternative, "samples used": int(res.segment[1] - res.segment[0]),
                "subsampling stride": stride, "statistic settings": {
                    kk: _num(v) for kk, v in dict(res.statistic_kwargs).items()}, "seed": ctx.seed}
    if res.method_settings:
        settings["surrogate settings"] = {kk: _num(v) for kk, v in res.method_settings.items()}
    return {"numbers": numbers, "settings": settings,
            "text": verdict, "figures": [render_png(fig, "Nonlinear prediction error of the data (line) and of "
                                                         f"the {res.method} surrogates (histogram)")],
            "result": res, "reliable": not misspecified,
            "reading": "Surrogates realise the null model chosen from the pre-checks (linear noise, or a noisy "
                       "periodic orbit when a cycle was found); if the data's prediction error lies in the far "
                       "left tail of the surrogates' histogram, the null cannot explain the data."}


# ====================================================================== invariants
def _lyapunov(ctx: Context) -> dict:
    x = _series(ctx, 2, "the largest Lyapunov exponent")
    if x.size < tsonis_min_length(1):
        raise SkipItem(f"{x.size} samples cannot support a Lyapunov exponent: even an embedding dimension of 1 "
                       f"needs N ≥ {tsonis_min_length(1)} by the rule N ≥ 10^(2 + 0.4 m) (Tsonis et al. 1993).")
    m = _need(ctx, "dimension", "the Lyapunov exponent")
    delay = _need(ctx, "delay", "the Lyapunov exponent")
    fn = _capability("analysis.lyapunov_data", "max_lyapunov_from_data")
    y = x[: 5000 if ctx.quick else 20000]
    # No length rule on the (noise-inflated) embedding dimension here: the estimator's own checks
    # (linear region, interval width, recurrence, noise floor, >= 15 Theiler windows) decide whether
    # the number is reliable, and a short series is shown with its wide interval as unreliable.
    res = _call(fn, y, ctx.dt, dimension=m, delay=delay, theiler=ctx.shared.get("theiler"),
                max_references=1500 if ctx.quick else 5000, n_bootstrap=100 if ctx.quick else 300, seed=ctx.seed)
    ctx.shared["lyapunov"] = res
    reliable = bool(res.reliable)
    lo, hi = res.confidence_interval
    fig, (ax,) = new_figure(7.5, 2.6)
    if not try_helper("lyapunov_data", "plot_divergence", res, ax):
        ax.plot(res.times, res.divergence, lw=1, label="⟨ln divergence⟩")
        sel = (res.times >= res.fit_start) & (res.times <= res.fit_end)
        ax.plot(res.times[sel], res.intercept + res.exponent * res.times[sel], "r-", lw=2,
                label=f"fit: slope {res.exponent:.3g}")
        ax.axvspan(res.fit_start, res.fit_end, color="tab:red", alpha=0.1)
        ax.set_xlabel(f"time ({ctx.unit})")
        ax.set_ylabel("mean log distance")
        ax.legend(fontsize=7)
    numbers = {f"λ1 (1/{ctx.unit})": _num(res.exponent),
               f"{int(round(res.confidence * 100))}% interval": f"[{lo:.3g}, {hi:.3g}]",
               "fit R²": _num(getattr(res, "r2", float("nan"))), "reliable": reliable}
    failed = [k for k, v in (getattr(res, "checks", None) or {}).items() if not v]
    if failed:
        numbers["failed checks"] = "; ".join(failed)
    if res.exponent > 0 and reliable:
        numbers[f"Lyapunov time 1/λ1 ({ctx.unit})"] = _num(1.0 / res.exponent)
    tried = getattr(res, "dimensions_tried", ()) or (res.dimension,)
    return {"numbers": numbers, "reliable": reliable,
            "settings": {"method": res.method, "embedding": f"m = {res.dimension}, delay = {res.delay} samples",
                         "interval over dimensions": ", ".join(str(d) for d in tried),
                         "Theiler window (samples)": res.theiler, "horizon (samples)": res.max_horizon,
                         f"fit region ({ctx.unit})": f"[{res.fit_start:.4g}, {res.fit_end:.4g}]",
                         "reference points": res.n_references, "samples used": int(y.size)},
            "text": res.diagnostic if reliable else "UNRELIABLE — " + res.diagnostic,
            "figures": [render_png(fig, "Mean log distance of initially close neighbours against time, "
                                        "with the fitted linear region")],
            "result": res,
            "reading": "Nearby states separate exponentially in a chaotic system, so the mean log distance "
                       "rises along a straight line whose slope is the largest Lyapunov exponent, before "
                       "levelling off at the size of the attractor. The interval covers the choice of fit "
                       "window, embedding dimension, neighbour and data blocks."}


def _correlation_dimension(ctx: Context) -> dict:
    x = _series(ctx, 2, "the correlation dimension")
    base = tsonis_min_length(1)
    if x.size < base:
        raise SkipItem(f"{x.size} samples cannot support a dimension estimate: even D = 1 needs N ≥ {base} by "
                       "the rule N ≥ 10^(2 + 0.4 D) (Tsonis et al. 1993).")
    m = _need(ctx, "dimension", "the correlation dimension")
    delay = _need(ctx, "delay", "the correlation dimension")
    fn = _capability("analysis.dimensions", "correlation_dimension")
    y = x[: 4000 if ctx.quick else 10000]
    theiler = ctx.shared.get("theiler", delay)
    res = _call(fn, y, dimension=max(m, 2), delay=delay, theiler=theiler, seed=ctx.seed)
    d2 = _value(res, "dimension", "value", "estimate")
    sigma = float(getattr(res, "sigma", float("nan")))
    lo, hi = getattr(res, "confidence_interval", (float("nan"), float("nan")))
    d_hi = hi if math.isfinite(hi) else d2
    need = tsonis_min_length(max(d_hi, 0.0))
    eckmann = 2 * math.log10(y.size)
    length_ok = y.size >= need and d_hi < eckmann
    reliable = bool(getattr(res, "reliable", False)) and length_ok
    if not length_ok and getattr(res, "reliable", False):
        import dataclasses

        res = dataclasses.replace(res, reliable=False, fractal=None) if dataclasses.is_dataclass(res) else res
    ctx.shared["d2_result"] = res
    if reliable:
        ctx.shared["d2"] = d2
    fig, (ax,) = new_figure(7.5, 2.6)
    if not try_helper("dimensions", "plot_correlation_sum", res, ax):
        r = getattr(res, "radii", getattr(res, "r", None))
        c = getattr(res, "correlation_sum", getattr(res, "C", None))
        if r is None or c is None:
            raise SkipItem("the correlation-dimension result has no correlation-sum curve to plot.")
        ax.loglog(r, c, "o-", ms=2, label="C(r)")
        region = getattr(res, "scaling_region", None)
        if region is not None:
            ax.axvspan(region[0], region[1], color="tab:red", alpha=0.12, label=f"scaling region, D2 = {d2:.3g}")
        ax.legend(fontsize=7)
        ax.set_xlabel("radius r")
        ax.set_ylabel("C(r)")
    numbers = {"D2": _num(d2, 4), "σ": _num(sigma, 3), "95% interval": f"[{lo:.3g}, {hi:.3g}]",
               "reliable": reliable}
    if reliable:
        numbers["fractal (|D2 − nearest integer| > 2σ)"] = bool(getattr(res, "fractal", False))
    failed = [k for k, v in (getattr(res, "checks", None) or {}).items() if not v]
    if not length_ok:
        failed.append(f"length rule: N = {y.size} < 10^(2 + 0.4 D2) = {need} for the upper end D2 = {d_hi:.3g} "
                      f"(Tsonis et al. 1993; Eckmann & Ruelle 1992: D2 < 2 log10 N = {eckmann:.2g})")
    if failed:
        numbers["failed checks"] = "; ".join(failed)
    settings = {"embedding": f"m = {max(m, 2)}, delay = {delay} samples", "Theiler window (samples)": theiler,
                "samples used": int(y.size), "length rule": f"N ≥ 10^(2 + 0.4 D2_high) = {need}"}
    for name in ("scaling_region", "metric", "n_reference"):
        if hasattr(res, name):
            v = getattr(res, name)
            settings[name.replace("_", " ")] = str(v if np.ndim(v) == 0 else np.round(np.asarray(v, float), 5).tolist())
    text = "" if reliable else ("UNRELIABLE — shown with its interval, not to be read as a dimension: "
                                + "; ".join(failed) + ".")
    return {"numbers": numbers, "settings": settings, "result": res, "reliable": reliable, "text": text,
            "figures": [render_png(fig, "Correlation sum C(r) with its scaling region")],
            "reading": "On a self-similar attractor the fraction of point pairs closer than r grows like r^D2; "
                       "D2 is the slope of log C(r) against log r over the range where that slope is constant. "
                       "σ combines the spread over admissible scaling regions and data segments, the drift of "
                       "the local slopes and a systematic term; a fractal (non-integer) claim needs "
                       "|D2 − nearest integer| > 2σ."}


def _entropies(ctx: Context) -> dict:
    x = _series(ctx, 100, "entropy estimation")
    mod = "analysis.entropy"
    numbers, settings, figs = {}, {}, []
    found = False
    delay = ctx.shared.get("delay", 1)
    try:
        pe_fn = _capability(mod, "permutation_entropy")
        order = max([d for d in range(3, 7) if x.size >= 5 * math.factorial(d)], default=0)
        if order == 0:
            numbers["permutation entropy"] = f"not estimated: N = {x.size} < 5·3! = 30"
        else:
            pe = _call(pe_fn, x, order=order, delay=delay, normalize=True, normalized=True)
            used = getattr(pe, "order", order)
            numbers[f"permutation entropy (order {used}, normalised)"] = _num(
                _value(pe, "entropy", "normalized_entropy", "value"))
            settings["permutation entropy"] = f"order {used}, delay {delay} samples; rule N ≥ 5·order!"
        found = True
    except SkipItem as exc:
        settings["permutation entropy"] = str(exc)
    try:
        se_fn = _capability(mod, "sample_entropy")
        y = x[: 2000 if ctx.quick else 5000]
        r = 0.2 * float(np.std(y))
        # an absolute tolerance, passed as such (sample_entropy's r is relative to the std:
        # passing 0.2·std as r gave 0.2·std², issue #19)
        se = se_fn(y, m=2, tolerance=r)
        numbers["sample entropy (m = 2, r = 0.2 std)"] = _num(_value(se, "entropy", "value"))
        settings["sample entropy"] = (f"m = 2, tolerance r = 0.2·std = {r:.4g} (population std, match d ≤ r), "
                                      f"{y.size} samples (Richman & Moorman 2000)")
        found = True
    except SkipItem as exc:
        settings["sample entropy"] = str(exc)
    if not found:
        raise SkipItem("needs attractor.analysis.entropy (permutation_entropy, sample_entropy), which is not "
                       "available in this installation yet.")
    return {"numbers": numbers, "settings": settings, "figures": figs,
            "reading": "Entropies measure how fast the series produces new information: 0 for a periodic "
                       "signal, largest (1 when normalised) for white noise, in between for chaos."}


def _rqa(ctx: Context) -> dict:
    """RQA at a fixed 5 % recurrence rate, with a surrogate baseline for DET: the same RQA of a few seeded
    IAAFT surrogates (same spectrum and value distribution, otherwise random; same recurrence rate and
    embedding). DET counts as evidence of determinism only when it lies above every surrogate's and at least
    2 surrogate standard deviations above their mean (white noise gives DET ≈ 0.85 at this rate)."""
    m = int(ctx.shared.get("dimension", 1))
    delay = int(ctx.shared.get("delay", 1))
    x = _series(ctx, 100 + (m - 1) * delay, "recurrence quantification")
    fn = _capability("analysis.recurrence", "rqa")
    n_vec = 600 if ctx.quick else 1500
    stride = max(1, delay // 4)
    y = x[::stride]
    d = max(1, int(round(delay / stride)))
    y = y[-(n_vec + (m - 1) * d):]
    theiler = max(1, int(ctx.shared.get("theiler", 1) // stride)) if "theiler" in ctx.shared else 1
    res = fn(y, recurrence_rate=0.05, dimension=m, delay=d, theiler=theiler)
    det = float(res.determinism)
    # ---- surrogate baseline
    k = 5 if ctx.quick else 9
    surr_det = None
    note = ""
    try:
        make = _capability("analysis.surrogates", "surrogates")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # IAAFT convergence notes concern the spectrum only
            S = np.asarray(make(y, method="iaaft", n_surrogates=k, seed=ctx.seed)).reshape(k, -1)
        surr_det = np.array([float(fn(sv, recurrence_rate=0.05, dimension=m, delay=d, theiler=theiler).determinism)
                             for sv in S])
    except (SkipItem, AttractorError, ValueError) as exc:
        note = f"No surrogate baseline ({exc}); DET alone is not evidence of determinism."
    numbers = {"recurrence rate RR": _num(res.recurrence_rate, 3), "determinism DET": _num(det)}
    above = None
    if surr_det is not None and np.all(np.isfinite(surr_det)) and np.isfinite(det):
        mu, sd = float(surr_det.mean()), float(surr_det.std(ddof=1))
        z = (det - mu) / sd if sd > 0 else (math.inf if det > mu else 0.0)
        above = bool(det > surr_det.max() and z >= 2.0)
        numbers[f"DET of {k} IAAFT surrogates (mean ± std)"] = f"{mu:.3f} ± {sd:.3f}"
        numbers["DET surrogate range"] = f"[{surr_det.min():.3f}, {surr_det.max():.3f}]"
        numbers["DET above surrogates"] = above
        note = (f"DET = {det:.3f} lies above all {k} surrogates ({mu:.3f} ± {sd:.3f}, {z:.1f} standard deviations): "
                "more diagonal structure than a linear stochastic process with the same spectrum gives."
                if above else
                f"DET not above surrogates: DET = {det:.3f} against {mu:.3f} ± {sd:.3f} for {k} IAAFT surrogates "
                "with the same spectrum and recurrence rate: linear correlations (or noise) draw as many "
                "diagonal lines, so DET gives no evidence of determinism here.")
    numbers.update({"mean diagonal line L": _num(res.mean_diagonal_length), "L_max": int(res.max_diagonal_length),
                    "entropy of lines ENTR (nats)": _num(res.entropy), "laminarity LAM": _num(res.laminarity),
                    "trapping time TT": _num(res.trapping_time)})
    ctx.shared["rqa_det_above_surrogates"] = above
    fig, (ax,) = new_figure(4.2, 4.0)
    if not try_helper("recurrence", "plot_recurrence", res, ax):
        R = res.recurrence.matrix
        R = R.toarray() if hasattr(R, "toarray") else np.asarray(R)
        ax.imshow(R, cmap="binary", origin="lower")
    return {"numbers": numbers,
            "settings": {"vectors": int(y.size - (m - 1) * d), "embedding": f"m = {m}, delay = {d} samples "
                         f"(after taking every {stride}-th sample)", "radius": f"{res.recurrence.radius:.4g} (fixed "
                         "recurrence rate 5%)", "Theiler window": theiler, "l_min": res.l_min,
                         "surrogate baseline": f"{k} IAAFT surrogates (seed {ctx.seed}), same RR and embedding; DET "
                                               "counts when above all of them and ≥ 2 std above their mean"},
            "text": note, "reliable": bool(above) if above is not None else False,
            "figures": [render_png(fig, "Recurrence plot of the last part of the series (black = recurrence)")],
            "result": res,
            "reading": "Long diagonal lines mean that close states stay close for a while (determinism); "
                       "isolated points mean randomness; shorter lines for chaos than for periodic motion. "
                       "Smooth or strongly correlated noise also draws lines, hence the surrogate baseline."}


# ====================================================================== models
def _sindy(ctx: Context) -> dict:
    d = ctx.data
    if d.n_channels < 2:
        raise SkipItem("SINDy needs several observed state variables; these data have one channel (delay "
                       "coordinates of one variable seldom have sparse polynomial equations).")
    if d.n_channels > 6:
        raise SkipItem(f"SINDy is tried for at most 6 state variables; these data have {d.n_channels}.")
    if d.n_times < 200:
        raise SkipItem(f"SINDy needs at least 200 samples; the data have {d.n_times}.")
    SINDy = _capability("learn", "SINDy")
    n = min(d.n_times, 5000 if ctx.quick else 20000)
    model = SINDy(state_names=list(d.columns)).fit(d.x[:n], t=d.t[:n])
    eqs = model.equations()
    ctx.shared["sindy_terms"] = int(model.complexity())
    xdot_score = None
    try:
        from ..learn.derivatives import differentiate  # noqa: F401
    except ImportError:
        pass
    numbers = {"terms (nonzero coefficients)": int(model.complexity())}
    if xdot_score is not None:
        numbers["R²"] = xdot_score
    return {"numbers": numbers, "settings": {"library": "polynomials up to degree 2", "optimizer": "STLSQ (AICc)",
                                             "samples used": n},
            "text": "Identified equations: " + "; ".join(eqs), "result": model,
            "reading": "SINDy looks for the fewest polynomial terms that reproduce the time derivatives; a short "
                       "set of terms that recurs under resampling points to the governing equations."}


_VPT_THRESHOLD = 0.4  # Vlachas et al. (2020)
_DIVERGED = 1e3  # normalised error (in training standard deviations) taken as a diverged forecast
_SKILL_MARGIN = 0.05  # a model "beats the baselines" only with at least 5 % less integrated error
_SKILL_MIN_LEADS = 10  # the skill window covers at least this many lead times (samples)


def _skill_window(X_train: np.ndarray, horizon: int) -> int:
    """Lead times (samples) over which forecast skill is scored.

    The window ends where persistence stops being informative: its expected normalised squared error
    ``2 (1 − ρ(k))`` (``ρ`` the training autocorrelation, averaged over channels) reaches the climatology
    level 1, i.e. ``ρ(k) <= 1/2``; at least ``_SKILL_MIN_LEADS`` samples, at most ``horizon``. Beyond it
    both trivial forecasts are at (or above) the level of predicting the mean, so error there measures only
    how a free-running model wanders, not what it has learned.
    """
    Z = np.asarray(X_train, dtype=float)
    Z = Z - Z.mean(axis=0)
    var = np.where(Z.var(axis=0) > 0, Z.var(axis=0), 1.0)
    kmax = min(horizon, Z.shape[0] // 4)
    for k in range(1, kmax + 1):
        rho = np.mean(np.mean(Z[k:] * Z[:-k], axis=0) / var)
        if 2.0 * (1.0 - rho) >= 1.0:
            return int(min(horizon, max(_SKILL_MIN_LEADS, k)))
    return int(max(1, min(horizon, max(_SKILL_MIN_LEADS, kmax))))


def _skill_curve(errs: list, window: int) -> np.ndarray:
    """Root-mean-square over starts of the normalised error, on the first ``window`` leads, clipped at the
    climatology level 1 (a user falls back to the mean once a forecast is worse than it)."""
    e = np.asarray([np.asarray(v, dtype=float)[:window] for v in errs])
    with np.errstate(over="ignore", invalid="ignore"):
        rms = np.sqrt(np.mean(e ** 2, axis=0))
    return np.minimum(np.where(np.isfinite(rms), rms, np.inf), 1.0)


def _forecast_errors(X: np.ndarray, pred: np.ndarray, s: int, horizon: int, scale: np.ndarray) -> np.ndarray:
    """Normalised error e_k = sqrt(mean_c ((y_c − ŷ_c) / σ_c)²) of a forecast from start s (inf where
    the forecast is not finite)."""
    truth = X[s + 1: s + 1 + horizon]
    pred = np.asarray(pred, dtype=float).reshape(truth.shape)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.sqrt(np.mean(((truth - pred) / scale) ** 2, axis=1))
    return np.where(np.isfinite(e), e, np.inf)


def _vpt(e: np.ndarray, dt: float) -> tuple[float, bool]:
    """(valid prediction time, capped at the horizon) at the 0.4 threshold."""
    above = np.flatnonzero(e > _VPT_THRESHOLD)
    return (float(above[0] * dt), False) if above.size else (float(e.size * dt), True)


_NEURAL_MAX_TRAIN = 3000   # the neural model is fitted on at most the last 3000 training samples


def _neural_model(X: np.ndarray) -> tuple[str, Any]:
    """The neural model of the forecast comparison (the ``neural`` extra), or SkipItem with the reason.

    Several channels: a NeuralODE (width 32, depth 2, 100 epochs of derivative matching; the best of
    the package's neural models on multichannel Lorenz, 50-step normalised MSE 0.006 vs 0.012 for the
    GRU); one channel: a GRU (32 units, 30 epochs), since a one-dimensional ODE cannot oscillate.
    """
    try:
        from ..learn.neural import _jax

        _jax.load()
    except ImportError as exc:   # NeuralExtraMissingError is an ImportError
        raise SkipItem(f"The neural model is left out: {exc}") from None
    from ..learn.neural import GRU, NeuralODE

    if X.shape[1] >= 2:
        return "NeuralODE (neural, width 32)", NeuralODE(width=32, depth=2, warm_epochs=100, epochs=0, seed=0)
    return "GRU (neural, 32 units)", GRU(hidden_size=32, epochs=30, window=40, washout=8, learning_rate=1e-2,
                                         seed=0)


def _forecast(ctx: Context) -> dict:
    """Forecast models against persistence and climatology, ranked by skill.

    skill = 1 − ∫ E_model / ∫ E_base over the skill window, E the root-mean-square over starts of the
    normalised error, clipped at the climatology level 1 (a user falls back to the mean once a forecast is
    useless), and E_base the better of persistence and climatology (the training mean). The window
    (:func:`_skill_window`) ends where persistence's expected error reaches the climatology level
    (autocorrelation 1/2), at least 10 samples, at most the horizon: beyond it both baselines carry no
    information, and a free-running forecast past its predictability horizon would only add noise to
    the score. > 0 means the model beats both baselines; the best model is named only if its skill
    exceeds 0.05 (``best`` None otherwise; ``skill`` is still the top one). Linear predictability (an
    AR process, a sine) also gives positive skill: skill corroborates the surrogate test, it does not
    replace it. The NGRC delay stride is ``max(1, delay // m)`` (the estimated delay spread over the m
    delays), so its features span the same window as the delay embedding. A model
    that raises, or whose forecast is not finite or exceeds 10³ standard deviations at any start, has failed
    (skill −∞, listed). Valid prediction times capped at the horizon are lower bounds ("≥"). Lyapunov-time
    conversions only with a reliable exponent.
    """
    x = _series(ctx, 300, "the forecast comparison")
    NGRC = _capability(("learn", "learn.reservoir"), "NGRC")
    d = ctx.data
    X = d.x if d.n_channels <= 3 else d.x[:, :1]
    n = min(X.shape[0], 4000 if ctx.quick else 20000)
    X = np.asarray(X[:n], dtype=float)
    n_train = int(0.75 * n)
    lam_res = ctx.shared.get("lyapunov")
    lam = None
    if lam_res is not None and bool(getattr(lam_res, "reliable", False)) and float(lam_res.exponent) > 0:
        lam = float(lam_res.exponent)
    # at most half the test part, so that the forecast starts spread over the other half
    horizon = min(max(1, (n - n_train - 1) // 2), max(20, int(round(5.0 / (lam * ctx.dt)))) if lam else 200)
    models = {}
    if X.shape[1] == 1:
        m = max(2, int(ctx.shared.get("dimension", 3)))
        ngrc_stride = max(1, int(ctx.shared.get("delay", 1)) // m)
        models[f"NGRC ({m} delays, stride {ngrc_stride})"] = NGRC(delays=m, stride=ngrc_stride, degree=2,
                                                                  ridge=1e-4)
    else:
        models["NGRC (2 delays)"] = NGRC(delays=2, stride=1, degree=2, ridge=1e-6)
    notes = []
    if ctx.quick:
        notes.append("The echo-state network is left out in quick mode (its first fit in a process compiles "
                     "kernels and dominates the run time).")
    else:
        try:
            ESN = _capability(("learn", "learn.reservoir"), "ESN")
            models["ESN (500 nodes)"] = _call(ESN, n_reservoir=500, seed=ctx.seed)
        except SkipItem as exc:
            notes.append(str(exc))
    neural: set[str] = set()
    if not ctx.neural:
        notes.append("The neural model is left out (ask for it with neural=True, or --neural on the command line; "
                     "loading JAX and training it add roughly 10–40 s).")
    elif n_train < 200:
        notes.append(f"The neural model is left out: {n_train} training samples (it needs 200).")
    else:
        try:
            label, nm = _neural_model(X)
            models[label] = nm
            neural.add(label)
        except SkipItem as exc:
            notes.append(str(exc))
    scale = X[:n_train].std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    n_starts = 6 if ctx.quick else 10
    starts = np.unique(np.linspace(n_train, n - horizon - 1, n_starts).astype(int))
    dt = ctx.dt
    window = _skill_window(X[:n_train], horizon)
    # ---- baselines: persistence (last value) and climatology (training mean)
    mean = X[:n_train].mean(axis=0)
    base_err = {"persistence (last value)": [_forecast_errors(X, np.repeat(X[s: s + 1], horizon, axis=0), s,
                                                              horizon, scale) for s in starts],
                "climatology (training mean)": [_forecast_errors(X, np.repeat(mean[None], horizon, axis=0), s,
                                                                 horizon, scale) for s in starts]}
    curves = {k: np.mean(v, axis=0) for k, v in base_err.items()}
    integral = {k: float(dt * _skill_curve(v, window).sum()) for k, v in base_err.items()}
    baseline = min(integral, key=integral.get)
    ref = integral[baseline]
    # ---- models
    table: dict[str, dict] = {}
    failures: dict[str, str] = {}
    for label, model in models.items():
        try:
            model.fit(X[max(0, n_train - _NEURAL_MAX_TRAIN) if label in neural else 0:n_train], dt=dt)
            hist = model.required_history
            hist = int(hist() if callable(hist) else hist)
            if label in neural:   # a recurrent network is driven by its training window length of context
                hist = max(hist, int(getattr(model, "window", 1)))
            errs = []
            for s in starts:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    pred = model.forecast(X[s - hist + 1: s + 1], horizon)
                errs.append(_forecast_errors(X, pred, s, horizon, scale))
        except Exception as exc:  # one failing model does not sink the comparison: it is listed as failed
            failures[label] = f"{type(exc).__name__}: {exc}"
            table[label] = {"skill": float("-inf"), "failed": True, "vpt": float("nan"), "vpt_capped": False}
            continue
        bad = [e for e in errs if not np.all(e < _DIVERGED)]
        vp = [_vpt(e, dt) for e in errs]
        vpt, capped = float(np.mean([v for v, _ in vp])), any(c for _, c in vp)
        if bad:
            failures[label] = (f"diverged (non-finite or beyond {_DIVERGED:g} standard deviations) at {len(bad)} "
                               f"of {len(errs)} starts")
            table[label] = {"skill": float("-inf"), "failed": True, "vpt": vpt, "vpt_capped": capped}
            continue
        curves[label] = np.mean(errs, axis=0)
        err_int = float(dt * _skill_curve(errs, window).sum())
        table[label] = {"skill": 1.0 - err_int / ref if ref > 0 else float("nan"), "failed": False, "vpt": vpt,
                        "vpt_capped": capped}
    for label, e in base_err.items():
        vp = [_vpt(v, dt) for v in e]
        table[label] = {"skill": 1.0 - integral[label] / ref if ref > 0 else float("nan"), "failed": False,
                        "vpt": float(np.mean([v for v, _ in vp])), "vpt_capped": any(c for _, c in vp),
                        "baseline": True}
    ok_models = {k: v for k, v in table.items() if k in models and not v["failed"] and np.isfinite(v["skill"])}
    top = max(ok_models, key=lambda k: ok_models[k]["skill"]) if ok_models else None
    best_skill = ok_models[top]["skill"] if top is not None else float("nan")
    best = top if top is not None and best_skill > _SKILL_MARGIN else None
    reliable = bool(len(starts) >= 3 and top is not None and ref > 0)
    ctx.shared["forecast_skill"] = {"best": best, "skill": float(best_skill), "baseline": baseline,
                                    "models": {k: {kk: vv for kk, vv in v.items() if kk != "baseline"}
                                               for k, v in table.items() if k in models},
                                    "reliable": reliable}
    # former key, kept for readers of {label: valid prediction time}: the best model by skill when it beats
    # both baselines
    ctx.shared["forecast"] = {best: table[best]["vpt"]} if best is not None else {}
    # ---- figure and numbers
    fig, (ax,) = new_figure(7.5, 2.6)
    tt = dt * np.arange(1, horizon + 1)
    for label, c in curves.items():
        ax.plot(tt, np.minimum(c, 10.0), lw=1, ls="--" if label in base_err else "-", label=label)
    ax.axhline(_VPT_THRESHOLD, color="0.4", ls=":", lw=0.8)
    ax.axvline(window * dt, color="0.6", ls="-.", lw=0.8)
    ax.set_ylim(0, 1.6)
    ax.set_xlabel(f"lead time ({ctx.unit})")
    ax.set_ylabel("normalised error")
    ax.legend(fontsize=7)

    def vpt_text(row: dict) -> str:
        if not np.isfinite(row["vpt"]):
            return "—"
        v = f"{row['vpt']:.4g}"
        return f"≥ {v}" if row["vpt_capped"] else v

    numbers: dict = {}
    for label, row in table.items():
        numbers[f"skill vs {baseline}, {label}"] = "failed" if row["failed"] else _num(row["skill"], 3)
    for label, row in table.items():
        numbers[f"valid prediction time, {label} ({ctx.unit})"] = vpt_text(row)
        if lam and np.isfinite(row["vpt"]):
            lt = f"{row['vpt'] * lam:.3g}"
            numbers[f"… in Lyapunov times, {label}"] = f"≥ {lt}" if row["vpt_capped"] else lt
    numbers["best model"] = best if best is not None else "none beats the baselines"
    if best is not None:
        text = (f"{best} beats both baselines: its time-integrated error is {100 * best_skill:.3g} % below that of "
                f"{baseline}, the better baseline.")
    elif top is not None:
        text = (f"No model beats the better baseline ({baseline}) by more than {100 * _SKILL_MARGIN:g} % over the "
                f"skill window (best: {top}, skill {best_skill:.2g}).")
    else:
        text = "Every model failed."
    text = " ".join([text] + notes + [f"{k} failed: {v}." for k, v in failures.items()])
    if not reliable:
        text += f" Only {len(starts)} forecast start(s) fit after the training part: the ranking is unreliable."
    lam_note = ("λ1 not used (no reliable estimate): times in " + ctx.unit) if lam is None else f"λ1 = {lam:.4g}"
    return {"numbers": numbers,
            "settings": {"training samples": n_train, "forecast starts": int(len(starts)),
                         "horizon (samples)": int(horizon),
                         "skill window (samples)": int(window),
                         "skill": "1 − ∫E (model) / ∫E (better of persistence and climatology) over the skill "
                                  "window, E = RMS over starts of the normalised error, clipped at 1 "
                                  "(climatology level); window: until persistence's error reaches the "
                                  "climatology level (autocorrelation 1/2), ≥ 10 samples, ≤ horizon",
                         "NGRC stride": "max(1, delay // m)", "VPT error threshold": _VPT_THRESHOLD,
                         "failure": f"exception, non-finite forecast or error > {_DIVERGED:g} std",
                         "Lyapunov exponent": lam_note, "channels": ", ".join(d.columns[: X.shape[1]])},
            "text": text, "figures": [render_png(fig, "Mean normalised forecast error against lead time (dashed: "
                                                      "baselines; dotted: the 0.4 VPT threshold; dash-dot: end "
                                                      "of the skill window)")],
            "result": ctx.shared["forecast_skill"], "reliable": reliable,
            "reading": "Skill compares the whole error curve with the better of two trivial forecasts (repeat the "
                       "last value; predict the mean): only a positive skill means the model has learned "
                       "something. The valid prediction time is how long the error stays below 40 % of the "
                       "signal's spread (Vlachas et al. 2020); '≥' marks forecasts still valid at the horizon."}


# ====================================================================== registry
SECTION_BUILDERS: list[tuple[str, str, str, list[tuple[str, str, Callable[[Context], dict]]]]] = [
    ("overview", "Data overview", "What the data are and what was done to them before analysis.",
     [("series", "Time series", _overview_series),
      ("seasonality", "Periodicity / seasonality check", _overview_seasonality),
      ("stationarity", "Trend check", _overview_stationarity)]),
    ("reconstruction", "State-space reconstruction",
     "A state space is rebuilt from the analysed channel with delay coordinates (Takens 1981).",
     [("delay", "Delay", _recon_delay),
      ("dimension", "Embedding dimension", _recon_dimension),
      ("attractor", "Reconstructed attractor", _recon_plot)]),
    ("nonlinearity", "Nonlinearity test",
     "Is there structure beyond what a linear stochastic process can produce?",
     [("surrogates", "Surrogate-data test", _nonlinearity)]),
    ("invariants", "Invariants",
     "Quantities that characterise the dynamics independently of the coordinates.",
     [("lyapunov", "Largest Lyapunov exponent", _lyapunov),
      ("correlation_dimension", "Correlation dimension", _correlation_dimension),
      ("entropy", "Entropies", _entropies),
      ("rqa", "Recurrence quantification", _rqa)]),
    ("models", "Models", "Learned models of the data: equations and forecasts.",
     [("sindy", "Sparse equations (SINDy)", _sindy),
      ("forecast", "Forecast comparison", _forecast)]),
]

from .section_coupling import COUPLING_SECTION  # noqa: E402 (it imports this module lazily)

SECTION_BUILDERS.append(COUPLING_SECTION)

from .section_stochastic import STOCHASTIC_SECTION  # noqa: E402

SECTION_BUILDERS.append(STOCHASTIC_SECTION)

from .section_probabilistic import PROBABILISTIC_SECTION  # noqa: E402

SECTION_BUILDERS.append(PROBABILISTIC_SECTION)

from .section_hybrid import HYBRID_SECTION  # noqa: E402

SECTION_BUILDERS.append(HYBRID_SECTION)
