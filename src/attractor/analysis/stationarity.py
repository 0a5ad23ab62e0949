"""Pre-checks before any invariant: trends (deterministic or stochastic) and seasonality.

Invariants, surrogate tests and forecasts assume a stationary series. Two departures are
common in observed data and must be named before those tests are read:

*Trend.* :func:`trend_test` combines three classical tests on the analysed series:

- a least-squares linear trend whose standard error is autocorrelation-robust (the
  long-run variance of the residuals is estimated after AR(1) prewhitening with a Bartlett
  (Newey-West) kernel, Andrews & Monahan 1992), so that red noise does not produce false
  trends;
- the KPSS test of level stationarity (Kwiatkowski, Phillips, Schmidt & Shin 1992) with
  the Newey-West automatic bandwidth of Hobijn, Franses & Ooms (2004), p-value
  interpolated in the KPSS (1992) Table 1 critical values (so reported in [0.01, 0.10]);
- an augmented Dickey-Fuller regression with constant and linear trend (Said & Dickey
  1984), lag order ``ceil(12 (n/100)^(1/4))`` (Schwert 1989), critical values from the
  response surfaces of MacKinnon (2010).

A *stochastic trend (unit root)* is declared when KPSS rejects level stationarity and the
ADF test cannot reject a unit root (both at ``alpha``); a *deterministic (linear)* trend
when, otherwise, the robust slope is significant at ``slope_alpha``.

*Seasonality / periodicity.* :func:`seasonality` looks for narrow spectral lines in the
Hann-tapered periodogram of the linearly detrended series. The background is the larger of
a running median of the periodogram (robust to lines, and it follows broad humps such as
the spectrum of the Lorenz flow) and the AR(1) red-noise spectrum with the series' lag-1
autocorrelation and variance (which keeps the steep low-frequency part of red noise from
posing as lines; cf. Mann & Lees 1996); under a smooth background each periodogram ordinate divided
by the background is approximately exponentially distributed, so a ratio ``R`` is a line
with false-alarm probability ``far`` over the ``M`` tested frequencies when
``R > ln(M / far)`` (a Bonferroni bound). A series is called *periodic/seasonal* only if
such a line (with its harmonics) also carries at least ``min_strength`` of the variance:
"seasonal" means a narrow line that dominates the record, not a broad spectral bump.
Two or more unrelated lines make the series *quasi-periodic*. Lines must repeat at least
three times within the record.

Consequences. Chaotic flows with a phase-coherent oscillation (Rössler) have such a line
and are reported as having a dominant cycle (the pseudo-periodic surrogate test then
decides whether the cycle-to-cycle variation is more than noise); flows with broad spectra
(Lorenz x) and red noise (AR(1)) are not.

References
----------
D. Kwiatkowski, P. C. B. Phillips, P. Schmidt, Y. Shin, J. Econometrics 54, 159 (1992).
B. Hobijn, P. H. Franses, M. Ooms, Statistica Neerlandica 58, 483 (2004).
W. K. Newey, K. D. West, Rev. Econ. Stud. 61, 631 (1994).
D. W. K. Andrews, J. C. Monahan, Econometrica 60, 953 (1992).
S. E. Said, D. A. Dickey, Biometrika 71, 599 (1984).
G. W. Schwert, J. Bus. Econ. Stat. 7, 147 (1989).
J. G. MacKinnon, Queen's Economics Dept. Working Paper 1227 (2010).
R. A. Fisher, Proc. R. Soc. A 125, 54 (1929) (periodogram-peak test).
M. E. Mann, J. M. Lees, Climatic Change 33, 409 (1996) (robust red-noise background).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from ..core.errors import ValidationError
from ..core.validation import as_series, check_positive_float, check_positive_int

__all__ = [
    "SeasonalityResult",
    "SpectralLine",
    "TrendResult",
    "deseason",
    "detrend",
    "kpss_test",
    "seasonality",
    "trend_test",
]

_MIN_TREND = 20
_MIN_SEASON = 16
_BG_HALF_MIN = 8
_BG_DIV = 20

# KPSS (1992), Table 1: upper-tail critical values of eta_mu (level) and eta_tau (trend).
_KPSS_P = np.array([0.10, 0.05, 0.025, 0.01])
_KPSS_CRIT = {"level": np.array([0.347, 0.463, 0.574, 0.739]),
              "trend": np.array([0.119, 0.146, 0.176, 0.216])}
# MacKinnon (2010), Table 1, N = 1: tau_c and tau_ct response surfaces b_inf + b1/T + b2/T^2.
_ADF_SURF = {"c": {0.01: (-3.43035, -6.5393, -16.786), 0.05: (-2.86154, -2.8903, -4.234),
                   0.10: (-2.56677, -1.5384, -2.809)},
             "ct": {0.01: (-3.95877, -9.0531, -28.428), 0.05: (-3.41049, -4.3904, -9.036),
                    0.10: (-3.12705, -2.5856, -3.925)}}


def _check_alpha(alpha, name="alpha") -> float:
    try:
        a = float(alpha)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{name} must be a number in (0, 1); got {alpha!r}.") from exc
    if not (0.0 < a < 1.0):
        raise ValidationError(f"{name} must lie strictly between 0 and 1; got {alpha!r}.")
    return a


# ---------------------------------------------------------------------- long-run variance
def _autocov(e: np.ndarray, lag: int) -> float:
    n = e.size
    return float(np.dot(e[lag:], e[: n - lag]) / n)


def _nw_bandwidth(e: np.ndarray) -> int:
    """Newey-West (1994) automatic Bartlett bandwidth, as used for KPSS by Hobijn et al. (2004)."""
    n = e.size
    nlag = int(n ** (2.0 / 9.0))
    g = np.array([_autocov(e, j) for j in range(nlag + 1)])
    s0 = g[0] + 2.0 * np.sum(g[1:])
    s1 = 2.0 * np.sum(np.arange(1, nlag + 1) * g[1:])
    if s0 <= 0:
        return 0
    gamma = 1.1447 * ((s1 / s0) ** 2) ** (1.0 / 3.0)
    return int(min(n - 1, gamma * n ** (1.0 / 3.0)))


def _autocovs(e: np.ndarray, max_lag: int) -> np.ndarray:
    """``_autocov(e, j)`` for j = 0..max_lag: by FFT (O(n log n)) when many lags are needed."""
    n = e.size
    if max_lag < 32:
        return np.array([_autocov(e, j) for j in range(max_lag + 1)])
    m = 1 << int(2 * n - 1).bit_length()
    spec = np.fft.rfft(e, m)
    return np.fft.irfft(spec * np.conj(spec), m)[: max_lag + 1] / n


def _bartlett_lrv(e: np.ndarray, bandwidth: int) -> float:
    g = _autocovs(e, bandwidth)
    j = np.arange(1, bandwidth + 1)
    lrv = g[0] + 2.0 * np.sum((1.0 - j / (bandwidth + 1.0)) * g[1:])
    return float(max(lrv, 1e-300))


def _prewhitened_lrv(e: np.ndarray) -> tuple[float, float]:
    """Long-run variance of ``e`` after AR(1) prewhitening (Andrews & Monahan 1992); returns (lrv, phi)."""
    phi = float(np.dot(e[1:], e[:-1]) / max(np.dot(e[:-1], e[:-1]), 1e-300))
    phi = float(np.clip(phi, -0.99, 0.99))
    u = e[1:] - phi * e[:-1]
    return _bartlett_lrv(u, _nw_bandwidth(u)) / (1.0 - phi) ** 2, phi


# ---------------------------------------------------------------------- KPSS and ADF
@dataclass(frozen=True)
class KPSSResult:
    """KPSS statistic, its interpolated p-value (clipped to [0.01, 0.10]) and the bandwidth used."""

    statistic: float
    p_value: float
    regression: str
    bandwidth: int


def kpss_test(x, regression: str = "level", bandwidth: int | None = None) -> KPSSResult:
    r"""KPSS test of level (``"level"``) or trend (``"trend"``) stationarity.

    With residuals :math:`e_t` of ``x`` on a constant (or a constant and a linear trend)
    and partial sums :math:`S_t = \sum_{i \le t} e_i`, the statistic is
    :math:`\eta = \sum_t S_t^2 / (n^2 \hat\sigma^2_\infty)` with the Bartlett (Newey-West)
    long-run variance :math:`\hat\sigma^2_\infty` (Kwiatkowski et al. 1992). Large values
    reject stationarity. The p-value is interpolated linearly in the critical values of
    KPSS (1992) Table 1 and clipped to [0.01, 0.10] outside the table.

    Parameters
    ----------
    x : array_like, shape (n_times,)
    regression : {"level", "trend"}
    bandwidth : int, optional
        Bartlett bandwidth in samples; default: Newey-West automatic bandwidth (Hobijn,
        Franses & Ooms 2004).

    Returns
    -------
    KPSSResult
    """
    arr = as_series(x, "x", min_length=_MIN_TREND, allow_constant=False, multivariate=False)
    if regression not in _KPSS_CRIT:
        raise ValidationError(f"regression must be 'level' or 'trend'; got {regression!r}.")
    n = arr.size
    if regression == "level":
        e = arr - arr.mean()
    else:
        t = np.arange(n, dtype=float)
        e = arr - np.polyval(np.polyfit(t, arr, 1), t)
    bw = _nw_bandwidth(e) if bandwidth is None else check_positive_int(bandwidth, "bandwidth", minimum=0)
    eta = float(np.sum(np.cumsum(e) ** 2) / (n * n * _bartlett_lrv(e, bw)))
    crit = _KPSS_CRIT[regression]
    p = float(np.interp(eta, crit, _KPSS_P))  # crit increasing, p decreasing; clipped at the ends
    return KPSSResult(statistic=eta, p_value=p, regression=regression, bandwidth=int(bw))


def _adf(arr: np.ndarray) -> tuple[float, int, dict[float, float]]:
    """ADF t-statistic with constant and trend, lag order, 1/5/10 % critical values."""
    n = arr.size
    p = int(min(math.ceil(12.0 * (n / 100.0) ** 0.25), max(0, n // 4 - 3)))
    dx = np.diff(arr)
    y = dx[p:]
    T = y.size
    cols = [np.ones(T), np.arange(T, dtype=float) / T, arr[p:-1]]
    cols += [dx[p - j: dx.size - j] for j in range(1, p + 1)]
    X = np.column_stack(cols)
    # normal equations: (X'X)^-1 is needed for the standard error anyway, and an SVD of the
    # tall design (lstsq) costs ~50x more at 10^5 samples
    xtx_inv = np.linalg.pinv(X.T @ X)
    beta = xtx_inv @ (X.T @ y)
    resid = y - X @ beta
    dof = max(T - X.shape[1], 1)
    s2 = float(resid @ resid) / dof
    cov = s2 * xtx_inv
    tstat = float(beta[2] / math.sqrt(max(cov[2, 2], 1e-300)))
    crit = {a: b0 + b1 / T + b2 / T ** 2 for a, (b0, b1, b2) in _ADF_SURF["ct"].items()}
    return tstat, p, crit


# ---------------------------------------------------------------------- trend test
@dataclass(frozen=True)
class TrendResult:
    """Outcome of :func:`trend_test`.

    Attributes
    ----------
    detected : bool
        A deterministic or stochastic trend was found.
    kind : str
        ``"none"``, ``"deterministic (linear)"`` or ``"stochastic (unit root)"``.
    slope : float
        Least-squares slope (data units per time unit).
    slope_stderr : float
        Autocorrelation-robust standard error of the slope (same units).
    slope_p : float
        Two-sided p-value of the slope (normal reference).
    change : float
        Change of the fitted line over the record in units of the residual standard
        deviation (effect size).
    kpss_statistic, kpss_p : float
        KPSS level-stationarity test (p clipped to [0.01, 0.10]).
    kpss_trend_statistic, kpss_trend_p : float
        KPSS trend-stationarity test.
    adf_statistic : float
        ADF t-statistic (constant and trend); more negative rejects a unit root.
    adf_critical : dict
        ``{0.01: ..., 0.05: ..., 0.10: ...}`` critical values (MacKinnon 2010).
    adf_lags : int
    alpha, slope_alpha : float
        Levels used for the decisions.
    description : str
        One sentence saying what was found.
    """

    detected: bool
    kind: str
    slope: float
    slope_stderr: float
    slope_p: float
    change: float
    kpss_statistic: float
    kpss_p: float
    kpss_trend_statistic: float
    kpss_trend_p: float
    adf_statistic: float
    adf_critical: dict = field(default_factory=dict)
    adf_lags: int = 0
    alpha: float = 0.05
    slope_alpha: float = 0.01
    description: str = ""


def trend_test(x, dt: float = 1.0, alpha: float = 0.05, slope_alpha: float = 0.01) -> TrendResult:
    """Test a scalar series for a deterministic (linear) or stochastic (unit-root) trend.

    See the module docstring for the three tests and the decision rule.

    Parameters
    ----------
    x : array_like, shape (n_times,)
        At least 20 samples.
    dt : float
        Sampling step (time units); sets the units of the slope.
    alpha : float
        Level of the KPSS and ADF tests (unit-root decision).
    slope_alpha : float
        Level of the robust slope test (deterministic-trend decision); 0.01 by default
        because HAC standard errors are somewhat optimistic for strongly persistent noise.

    Returns
    -------
    TrendResult
    """
    arr = as_series(x, "x", min_length=_MIN_TREND, allow_constant=False, multivariate=False)
    dt = check_positive_float(dt, "dt")
    alpha = _check_alpha(alpha)
    slope_alpha = _check_alpha(slope_alpha, "slope_alpha")
    n = arr.size
    t = np.arange(n, dtype=float) * dt
    tc = t - t.mean()
    slope = float(np.dot(tc, arr - arr.mean()) / np.dot(tc, tc))
    resid = arr - arr.mean() - slope * tc
    lrv, _ = _prewhitened_lrv(resid)
    se = math.sqrt(lrv / float(np.dot(tc, tc)))
    z = slope / se if se > 0 else math.inf
    slope_p = float(2.0 * stats.norm.sf(abs(z)))
    sd = float(resid.std())
    change = float(abs(slope) * (t[-1] - t[0]) / sd) if sd > 0 else math.inf
    kl = kpss_test(arr, "level")
    kt = kpss_test(arr, "trend")
    adf, lags, crit = _adf(arr)
    adf_crit = min(crit, key=lambda a: abs(a - alpha))
    unit_root = kl.p_value < alpha and adf > crit[adf_crit]
    deterministic = (not unit_root) and slope_p < slope_alpha
    if unit_root:
        kind = "stochastic (unit root)"
        desc = (f"Stochastic trend (unit root): KPSS rejects level stationarity (eta = {kl.statistic:.3g}, "
                f"p {'<=' if kl.p_value <= 0.01 else '='} {kl.p_value:.2g}) and the ADF test cannot reject a unit "
                f"root (t = {adf:.3g} > {crit[adf_crit]:.3g}); difference the series before analysing it.")
    elif deterministic:
        kind = "deterministic (linear)"
        desc = (f"Deterministic linear trend: slope {slope:.3g} per time unit (robust p = {slope_p:.2g}), a change "
                f"of {change:.2g} residual standard deviations over the record; remove it (linear detrending) "
                "before analysing the fluctuations.")
    else:
        kind = "none"
        desc = (f"No trend: robust slope p = {slope_p:.2g}, KPSS level p {'>=' if kl.p_value >= 0.1 else '='} "
                f"{kl.p_value:.2g}, ADF t = {adf:.3g}.")
        if kl.p_value < alpha:
            desc += (" KPSS alone rejects level stationarity but the ADF test rejects a unit root: slow or "
                     "persistent fluctuations rather than a trend.")
    return TrendResult(detected=bool(unit_root or deterministic), kind=kind, slope=slope, slope_stderr=se,
                       slope_p=slope_p, change=change, kpss_statistic=kl.statistic, kpss_p=kl.p_value,
                       kpss_trend_statistic=kt.statistic, kpss_trend_p=kt.p_value, adf_statistic=adf,
                       adf_critical=crit, adf_lags=lags, alpha=alpha, slope_alpha=slope_alpha, description=desc)


# ---------------------------------------------------------------------- seasonality
@dataclass(frozen=True)
class SpectralLine:
    """One significant spectral line: frequency (cycles per time unit), period (time units),
    ratio to the background, false-alarm probability over all tested frequencies, and the
    fraction of the variance in its main lobe."""

    frequency: float
    period: float
    ratio: float
    false_alarm: float
    fraction: float


@dataclass(frozen=True)
class SeasonalityResult:
    """Outcome of :func:`seasonality`.

    Attributes
    ----------
    detected : bool
        A narrow line carrying at least ``min_strength`` of the variance was found.
    kind : str
        ``"none"``, ``"periodic"`` (one line and its harmonics) or ``"quasi-periodic"``
        (two or more unrelated lines).
    period, frequency : float or None
        Of the strongest line (time units, cycles per time unit); None if there is none.
    strength : float
        Fraction of the variance in the strongest line and its significant harmonics.
    peaks : tuple of SpectralLine
        All significant lines, strongest first.
    far : float
        False-alarm probability used.
    threshold : float
        Ratio to the background a line must exceed.
    description : str
    frequencies, power, background : numpy.ndarray
        The periodogram (arbitrary units) and its running-median background.
    """

    detected: bool
    kind: str
    period: float | None
    frequency: float | None
    strength: float
    peaks: tuple = ()
    far: float = 0.01
    threshold: float = float("nan")
    min_strength: float = 0.1
    description: str = ""
    frequencies: np.ndarray = field(default=None, repr=False, compare=False)
    power: np.ndarray = field(default=None, repr=False, compare=False)
    background: np.ndarray = field(default=None, repr=False, compare=False)


#: most window elements the running median copies at once (~32 MB)
_MEDIAN_BUDGET = 4_000_000


def _running_median(p: np.ndarray, half: int) -> np.ndarray:
    """Running median over ``2 half + 1`` bins; the spectrum is mirrored at 0 and Nyquist
    (a power spectrum is even in frequency), so the windows stay centred at the ends."""
    half = int(min(half, p.size - 1))
    ext = np.concatenate([p[half:0:-1], p, p[-2:-half - 2:-1]])
    windows = np.lib.stride_tricks.sliding_window_view(ext, 2 * half + 1)  # a view: no copy yet
    # np.median copies the windows it reads: all of them would be O(n_bins * window) memory
    # (8 GB for a 200 000-sample series). Past a budget, take the median at evenly spaced centres
    # and interpolate linearly between them: the background is smooth on the window's scale.
    step = max(1, math.ceil(p.size * windows.shape[1] / _MEDIAN_BUDGET))
    if step == 1:
        return np.median(windows, axis=1)
    centres = np.unique(np.r_[np.arange(0, p.size, step), p.size - 1])
    return np.interp(np.arange(p.size), centres, np.median(windows[centres], axis=1))


def seasonality(x, dt: float = 1.0, far: float = 0.01, min_strength: float = 0.1,
                min_cycles: float = 3.0) -> SeasonalityResult:
    """Detect periodic or seasonal components as narrow, dominant spectral lines.

    Parameters
    ----------
    x : array_like, shape (n_times,)
        At least 16 samples.
    dt : float
        Sampling step (time units).
    far : float
        False-alarm probability of the whole test (over all tested frequencies) under a
        smooth background spectrum.
    min_strength : float
        Fraction of the variance the strongest line (with its harmonics) must carry for
        the series to be called periodic/seasonal.
    min_cycles : float
        A line must repeat at least this many times within the record.

    Returns
    -------
    SeasonalityResult

    Notes
    -----
    Periodogram: Hann taper on the linearly detrended series. Background: the larger of the
    running median over ``max(8, n_freq // 20)`` bins either side (spectrum mirrored at 0
    and Nyquist), divided by ``ln 2`` (median of an exponential variable), and the AR(1)
    spectrum with the series' lag-1 autocorrelation. The test assumes no unit root:
    difference a random walk first (its 1/f^2 spectrum is not a smooth background). Main lobe of a line: ``±2`` bins (Hann). Harmonics ``m f0``
    count towards the strength when their own ratio exceeds ``ln(1 / far)``.
    """
    arr = as_series(x, "x", min_length=_MIN_SEASON, allow_constant=False, multivariate=False)
    dt = check_positive_float(dt, "dt")
    far = _check_alpha(far, "far")
    min_strength = float(min_strength)
    n = arr.size
    t = np.arange(n, dtype=float)
    y = arr - np.polyval(np.polyfit(t, arr, 1), t)
    w = np.hanning(n)
    P = np.abs(np.fft.rfft(y * w)) ** 2 / np.sum(w * w)
    f = np.fft.rfftfreq(n, dt)
    nf = P.size
    half = max(_BG_HALF_MIN, nf // _BG_DIV)
    med = np.maximum(_running_median(P, half) / math.log(2.0), 1e-300)
    r1 = float(np.clip(np.dot(y[1:], y[:-1]) / np.dot(y, y), 0.0, 0.999))
    red = np.var(y) * (1.0 - r1 * r1) / (1.0 - 2.0 * r1 * np.cos(2 * np.pi * f * dt) + r1 * r1)
    bg = np.maximum(med, red)
    total = float(np.sum(P[1:]))
    k_lo = max(1, int(math.ceil(min_cycles)))
    k_hi = nf - 2
    ratio = P / bg
    tested = np.arange(k_lo, max(k_lo, k_hi + 1))
    M = max(tested.size, 1)
    thr = math.log(M / far)
    sig = tested[ratio[tested] > thr]
    lines: list[tuple[int, SpectralLine]] = []
    used = np.zeros(nf, dtype=bool)
    for k in sorted(sig, key=lambda k: -P[k]):
        if used[k]:
            continue
        lo, hi = max(1, k - 2), min(nf, k + 3)
        used[max(0, k - 3): min(nf, k + 4)] = True
        kk = float(k)
        if 1 <= k < nf - 1 and P[k - 1] > 0 and P[k + 1] > 0:  # parabolic refinement in log power
            a, b, c = np.log(P[k - 1]), np.log(P[k]), np.log(P[k + 1])
            den = a - 2 * b + c
            if den < 0:
                kk = k + 0.5 * (a - c) / den
        freq = kk / (n * dt)
        frac = float(np.sum(P[lo:hi]) / total)
        fa = float(min(1.0, M * math.exp(-ratio[k])))
        lines.append((k, SpectralLine(frequency=freq, period=1.0 / freq, ratio=float(ratio[k]), false_alarm=fa,
                                      fraction=frac)))
    lines.sort(key=lambda kl: -kl[1].fraction)
    if not lines:
        return SeasonalityResult(False, "none", None, None, 0.0, (), far, thr, min_strength,
                                 f"No spectral line stands out of the background (false-alarm level {far:g}).",
                                 f, P, bg)
    k0, main = lines[0]
    f0 = main.frequency
    lobe = np.zeros(nf, dtype=bool)
    lobe[max(1, k0 - 2): k0 + 3] = True
    for m in range(2, int(f[-1] / f0) + 1):  # harmonics of the strongest line
        km = int(round(m * f0 * n * dt))
        if km >= nf - 1:
            break
        lo, hi = max(1, km - 2), min(nf, km + 3)
        if ratio[lo + int(np.argmax(ratio[lo:hi]))] > math.log(1.0 / far):
            lobe[lo:hi] = True
    strength = float(np.sum(P[lobe]) / total)
    others = [ln for k, ln in lines[1:]
              if abs(ln.frequency / f0 - round(ln.frequency / f0)) * n * dt * f0 > 2.5
              and ln.fraction >= 0.2 * main.fraction]
    detected = strength >= min_strength
    kind = ("quasi-periodic" if others else "periodic") if detected else "none"
    if detected:
        desc = (f"{'Quasi-periodic' if others else 'Periodic/seasonal'} component: a line at period "
                f"{main.period:.4g} time units (frequency {f0:.4g}) carries {100 * strength:.0f}% of the variance"
                f" (with its harmonics)")
        if others:
            desc += ", with further unrelated line(s) at period " + ", ".join(f"{o.period:.4g}" for o in others[:3])
        desc += ". Linear (Fourier) surrogates do not model it; use pseudo-periodic surrogates or deseason."
    else:
        desc = (f"A significant but weak line at period {main.period:.4g} time units carries only "
                f"{100 * strength:.0f}% of the variance (< {100 * min_strength:.0f}%): not a dominant cycle.")
    return SeasonalityResult(bool(detected), kind, float(main.period), float(f0), float(strength),
                             tuple(ln for _, ln in lines), far, thr, min_strength, desc, f, P, bg)


# ---------------------------------------------------------------------- transforms
def detrend(x, method: str = "linear", dt: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Remove a trend.

    Parameters
    ----------
    x : array_like, shape (n_times,)
    method : {"linear", "difference"}
        ``"linear"``: subtract the least-squares line (deterministic trend).
        ``"difference"``: first differences ``x[1:] - x[:-1]`` (stochastic trend; one
        sample shorter).
    dt : float
        Sampling step (only sets the time axis of the fit).

    Returns
    -------
    (series, removed) : tuple of numpy.ndarray
        ``series + removed`` restores ``x`` (``x[1:]`` for differencing, where ``removed``
        is ``x[:-1]``).
    """
    arr = as_series(x, "x", min_length=3, allow_constant=True, multivariate=False)
    dt = check_positive_float(dt, "dt")
    if method == "linear":
        t = np.arange(arr.size, dtype=float) * dt
        line = np.polyval(np.polyfit(t, arr, 1), t)
        return arr - line, line
    if method == "difference":
        return np.diff(arr), arr[:-1].copy()
    raise ValidationError(f"detrend method must be 'linear' or 'difference'; got {method!r}.")


def deseason(x, period: float, dt: float = 1.0, method: str = "harmonics",
             n_harmonics: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Remove a periodic component of known period.

    Parameters
    ----------
    x : array_like, shape (n_times,)
    period : float
        Period in time units.
    dt : float
        Sampling step (time units).
    method : {"harmonics", "mean_cycle"}
        ``"harmonics"``: subtract the least-squares fit of ``n_harmonics`` sine/cosine
        pairs at ``m / period`` (any period). ``"mean_cycle"``: subtract the mean of each
        phase bin (the period must be a whole number of samples, e.g. 12 for monthly data
        with an annual cycle).
    n_harmonics : int

    Returns
    -------
    (series, removed) : tuple of numpy.ndarray
        Deseasoned series and the removed periodic component (``series + removed == x``).
    """
    arr = as_series(x, "x", min_length=4, allow_constant=True, multivariate=False)
    dt = check_positive_float(dt, "dt")
    period = check_positive_float(period, "period")
    n = arr.size
    if period > n * dt:
        raise ValidationError(f"period {period:g} is longer than the record ({n * dt:g} time units).")
    if method == "harmonics":
        h = check_positive_int(n_harmonics, "n_harmonics")
        t = np.arange(n, dtype=float) * dt
        cols = []
        for m in range(1, h + 1):
            if m / period >= 0.5 / dt:  # at or above Nyquist
                break
            cols += [np.cos(2 * np.pi * m * t / period), np.sin(2 * np.pi * m * t / period)]
        if not cols:
            raise ValidationError(f"period {period:g} is shorter than two samples (dt = {dt:g}).")
        X = np.column_stack(cols)
        coef, *_ = np.linalg.lstsq(X, arr - arr.mean(), rcond=None)
        removed = X @ coef
        return arr - removed, removed
    if method == "mean_cycle":
        ps = period / dt
        p = int(round(ps))
        if p < 2 or abs(ps - p) > 1e-6 * ps:
            raise ValidationError(f"method='mean_cycle' needs a period of a whole number (>= 2) of samples; "
                                  f"period/dt = {ps:g}. Use method='harmonics'.")
        phase = np.arange(n) % p
        means = np.array([arr[phase == j].mean() for j in range(p)])
        removed = means[phase] - arr.mean()
        return arr - removed, removed
    raise ValidationError(f"deseason method must be 'harmonics' or 'mean_cycle'; got {method!r}.")
