"""Forecast metrics: pointwise errors, valid prediction time and long-run (climate) statistics.

Conventions (libraries disagree, so the definitions are written down here):

* Arrays are ``(n_times,)`` or ``(n_times, n_channels)``; rows are time.
* ``rmse``  = sqrt(mean over times and channels of (y − ŷ)²).
* ``nrmse`` = sqrt(mean over times and channels of ((y − ŷ)/σ_c)²) with σ_c a per-channel
  scale, by default the standard deviation of ``y_true`` per channel; pass ``scale`` (e.g. the
  attractor's standard deviation from training data) when ``y_true`` is a short window.
  This is the definition of Gauthier et al. (2021) and Vlachas et al. (2020).
* ``mae``   = mean |y − ŷ|.
* ``smape`` = mean of ``2|y − ŷ| / (|y| + |ŷ|)`` times 100 (``scale=200``: range 0–200, the
  convention of Makridakis (M4) and of Gilpin 2021) or times 50 (``scale=100``: range 0–100).
  Terms with ``|y| + |ŷ| = 0`` count as 0.
* Valid prediction time: the first time ``t`` (counted from the first forecast sample, which
  is one step after the last observed one) at which the instantaneous normalised error
  ``e(t) = sqrt(mean_c ((y_c(t) − ŷ_c(t))/σ_c)²)`` exceeds ``threshold``; reported in time
  units and in Lyapunov times ``λ_max · t`` (Pathak et al. 2018; Vlachas et al. 2020).
* State-space KL divergence ``D_KL(P_true ‖ Q_model)`` (nats) between the invariant
  densities sampled by two long trajectories: histogram estimate on a common grid or
  Gaussian-mixture estimate (Monte Carlo over the true samples).
* Power-spectrum Hellinger distance ``H = sqrt(1 − Σ_f sqrt(p_f q_f))`` between the
  normalised Welch power spectra (``Σ p_f = Σ q_f = 1``), averaged over channels; 0 for
  identical spectra, 1 for disjoint ones (Mikhaeil et al. 2022 use this for DSR models).

References
----------
Gauthier, D. J., Bollt, E., Griffith, A. & Barbosa, W. A. S. (2021). Next generation reservoir
computing. Nat. Commun. 12, 5564.
Gilpin, W. (2021). Chaos as an interpretable benchmark for forecasting and data-driven
modelling. NeurIPS Datasets and Benchmarks.
Pathak, J., Hunt, B., Girvan, M., Lu, Z. & Ott, E. (2018). Phys. Rev. Lett. 120, 024102.
Vlachas, P. R. et al. (2020). Neural Networks 126, 191–217.
Mikhaeil, J., Monfared, Z. & Durstewitz, D. (2022). On the difficulty of learning chaotic
dynamics with RNNs. NeurIPS.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.errors import ReliabilityWarning, ValidationError
from ..core.validation import MAX_MAGNITUDE, as_float_array, check_positive_float, check_positive_int

__all__ = [
    "rmse", "nrmse", "mae", "smape", "valid_prediction_time", "ValidPredictionTime",
    "state_space_kl", "power_spectrum_distance", "correlation_dimension_error",
    "max_lyapunov_error", "LyapunovComparison", "score_forecast",
]


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    a = as_float_array(y_true, "y_true", ndim=(1, 2))
    b = as_float_array(y_pred, "y_pred", ndim=(1, 2))
    if a.ndim == 1:
        a = a[:, None]
    if b.ndim == 1:
        b = b[:, None]
    if a.shape != b.shape:
        raise ValidationError(f"y_true has shape {a.shape} but y_pred has shape {b.shape}; they must match.")
    if a.shape[0] == 0:
        raise ValidationError("y_true and y_pred are empty.")
    return a, b


def _scale(a: np.ndarray, scale) -> np.ndarray:
    if scale is None:
        s = a.std(axis=0)
    else:
        s = np.broadcast_to(as_float_array(scale, "scale", ndim=(0, 1)), (a.shape[1],)).astype(float)
    if np.any(~(s > 0)):
        raise ValidationError("the normalising scale is zero for some channel (constant y_true); pass scale=.")
    return s


def rmse(y_true, y_pred) -> float:
    """Root-mean-square error over all times and channels (units of the data)."""
    a, b = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((a - b) ** 2)))


def nrmse(y_true, y_pred, scale=None) -> float:
    """Normalised RMSE: sqrt(mean((y − ŷ)²/σ²)), σ per channel (default: std of ``y_true``)."""
    a, b = _pair(y_true, y_pred)
    s = _scale(a, scale)
    return float(np.sqrt(np.mean(((a - b) / s) ** 2)))


def mae(y_true, y_pred) -> float:
    """Mean absolute error over all times and channels."""
    a, b = _pair(y_true, y_pred)
    return float(np.mean(np.abs(a - b)))


def smape(y_true, y_pred, *, scale: int = 200) -> float:
    """Symmetric mean absolute percentage error.

    Parameters
    ----------
    scale : {200, 100}
        200: ``mean(200 |y−ŷ| / (|y|+|ŷ|))``, range 0–200 (M4, Gilpin 2021).
        100: half of that, range 0–100.
    """
    if scale not in (100, 200):
        raise ValidationError(f"scale must be 200 (0–200 range) or 100 (0–100 range); got {scale!r}.")
    a, b = _pair(y_true, y_pred)
    den = np.abs(a) + np.abs(b)
    num = np.abs(a - b)
    ratio = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    return float(scale * np.mean(ratio))


@dataclass(frozen=True)
class ValidPredictionTime:
    """Valid prediction time of a forecast.

    Attributes
    ----------
    time : float
        Time units until the normalised error first exceeds ``threshold`` (the whole horizon
        when it never does — then ``censored`` is True).
    lyapunov_times : float
        ``time · lyapunov_exponent`` (NaN when no exponent was given).
    index : int
        Number of forecast samples before the crossing.
    threshold : float
        Threshold on the normalised error ``e(t)`` (the error named in the module docstring).
    censored : bool
        True when the error never exceeded the threshold within the forecast.
    error : numpy.ndarray, shape (n_times,)
        ``e(t)`` for every forecast sample.
    times : numpy.ndarray, shape (n_times,)
        Lead times ``dt, 2dt, ...``.
    """

    time: float
    lyapunov_times: float
    index: int
    threshold: float
    censored: bool
    error: np.ndarray = field(repr=False)
    times: np.ndarray = field(repr=False)


def valid_prediction_time(y_true, y_pred, dt: float, lyapunov_exponent: float | None = None, *,
                          threshold: float = 0.4, scale=None) -> ValidPredictionTime:
    """First lead time at which ``e(t) = sqrt(mean_c((y_c − ŷ_c)/σ_c)²)`` exceeds ``threshold``.

    Parameters
    ----------
    y_true, y_pred : array_like, shape (n_times,) or (n_times, n_channels)
        Truth and forecast; sample ``k`` is at lead time ``(k+1)·dt``.
    dt : float
        Sampling step (time units).
    lyapunov_exponent : float, optional
        Largest Lyapunov exponent (1/time units) to express the result in Lyapunov times.
    threshold : float
        Error threshold (0.4 in Vlachas et al. 2020; 0.5 in Pathak et al. 2018).
    scale : array_like, optional
        Per-channel σ_c (default: std of ``y_true``; give the attractor's std for short windows).
    """
    a, b = _pair(y_true, y_pred)
    dt = check_positive_float(dt, "dt")
    threshold = check_positive_float(threshold, "threshold")
    s = _scale(a, scale)
    err = np.sqrt(np.mean(((a - b) / s) ** 2, axis=1))
    err = np.where(np.isfinite(err), err, np.inf)
    times = dt * np.arange(1, a.shape[0] + 1)
    above = np.flatnonzero(err > threshold)
    if above.size:
        idx = int(above[0])
        censored = False
    else:
        idx = a.shape[0]
        censored = True
    t = idx * dt
    lt = float("nan") if lyapunov_exponent is None else float(t * float(lyapunov_exponent))
    return ValidPredictionTime(float(t), lt, idx, threshold, censored, err, times)


def state_space_kl(y_true, y_pred, *, method: str = "histogram", bins: int | None = None,
                   n_components: int = 8, seed=0, pseudocount: float = 1e-6) -> float:
    """KL divergence ``D_KL(P ‖ Q)`` (nats) of the state-space densities of two long series.

    Parameters
    ----------
    y_true, y_pred : array_like, shape (n_samples,) or (n_samples, n_channels)
        Samples of P (truth) and Q (model); lengths may differ, channels must match.
    method : {"histogram", "gmm"}
        ``histogram``: both samples binned on a common grid spanning the *true* samples
        (``bins`` per axis, default ``max(5, round(n^(1/(d+2))))``; model samples outside the
        grid are dropped from Q's mass, which raises the divergence as it should); empty bins
        get ``pseudocount`` probability before normalising. ``gmm``: Gaussian mixtures
        (``n_components``, full covariances, seeded) fitted to each sample; the divergence is
        the Monte Carlo average of ``log p(x) − log q(x)`` over the true samples.
    """
    a = as_float_array(y_true, "y_true", ndim=(1, 2))
    b = as_float_array(y_pred, "y_pred", ndim=(1, 2))
    a = a[:, None] if a.ndim == 1 else a
    b = b[:, None] if b.ndim == 1 else b
    if a.shape[1] != b.shape[1]:
        raise ValidationError(f"y_true has {a.shape[1]} channels but y_pred has {b.shape[1]}.")
    if min(len(a), len(b)) < 10:
        raise ValidationError("state_space_kl needs at least 10 samples of each series.")
    d = a.shape[1]
    if method == "histogram":
        nb = bins if bins is not None else max(5, int(round(len(a) ** (1.0 / (d + 2)))))
        nb = check_positive_int(nb, "bins")
        lo, hi = a.min(axis=0), a.max(axis=0)
        span = np.where(hi > lo, hi - lo, 1.0)
        edges = [np.linspace(lo[i] - 1e-9 * span[i], hi[i] + 1e-9 * span[i], nb + 1) for i in range(d)]
        p, _ = np.histogramdd(a, bins=edges)
        q, _ = np.histogramdd(b, bins=edges)
        p = p.ravel() / len(a)
        q = q.ravel() / len(b)
        p = (p + pseudocount) / (1 + pseudocount * p.size)
        q = (q + pseudocount) / (1 + pseudocount * q.size)
        return float(np.sum(p * np.log(p / q)))
    if method == "gmm":
        from sklearn.mixture import GaussianMixture

        n_components = check_positive_int(n_components, "n_components")
        rs = int(np.random.default_rng(seed).integers(2**31 - 1))
        gp = GaussianMixture(n_components, random_state=rs, reg_covar=1e-6).fit(a)
        gq = GaussianMixture(n_components, random_state=rs, reg_covar=1e-6).fit(b)
        return float(np.mean(gp.score_samples(a) - gq.score_samples(a)))
    raise ValidationError(f"method must be 'histogram' or 'gmm'; got {method!r}.")


def power_spectrum_distance(y_true, y_pred, *, nperseg: int | None = None) -> float:
    """Hellinger distance between normalised Welch power spectra, averaged over channels.

    ``H = sqrt(1 − Σ_f sqrt(p_f q_f))`` with ``p``, ``q`` the one-sided Welch spectra (Hann
    window, ``nperseg`` default ``min(256, n)``, mean removed) normalised to unit sum.
    Range 0 (same spectrum) to 1 (no common frequencies).
    """
    from scipy.signal import welch

    a = as_float_array(y_true, "y_true", ndim=(1, 2))
    b = as_float_array(y_pred, "y_pred", ndim=(1, 2))
    a = a[:, None] if a.ndim == 1 else a
    b = b[:, None] if b.ndim == 1 else b
    if a.shape[1] != b.shape[1]:
        raise ValidationError(f"y_true has {a.shape[1]} channels but y_pred has {b.shape[1]}.")
    n = min(len(a), len(b))
    if n < 16:
        raise ValidationError("power_spectrum_distance needs at least 16 samples of each series.")
    seg = min(256, n) if nperseg is None else check_positive_int(nperseg, "nperseg")
    out = []
    for c in range(a.shape[1]):
        _, p = welch(a[:, c], nperseg=seg, detrend="constant")
        _, q = welch(b[:, c], nperseg=seg, detrend="constant")
        if p.sum() <= 0 or q.sum() <= 0 or not (np.all(np.isfinite(p)) and np.all(np.isfinite(q))):
            out.append(1.0)
            continue
        bc = np.sum(np.sqrt((p / p.sum()) * (q / q.sum())))
        out.append(float(np.sqrt(max(0.0, 1.0 - bc))))
    return float(np.mean(out))


def correlation_dimension_error(y_true, y_pred, **kwargs: Any) -> float:
    """``|D2(model) − D2(truth)|`` using :func:`attractor.analysis.dimensions.correlation_dimension`.

    Returns NaN with a :class:`ReliabilityWarning` saying so when that estimator is not
    available in this installation (keyword arguments are passed to it).
    """
    try:
        from ..analysis.dimensions import correlation_dimension  # type: ignore[attr-defined]
    except ImportError:
        warnings.warn("correlation_dimension is not available (attractor.analysis.dimensions); "
                      "correlation-dimension error skipped.", ReliabilityWarning, stacklevel=2)
        return float("nan")
    a = as_float_array(y_true, "y_true", ndim=(1, 2))
    b = as_float_array(y_pred, "y_pred", ndim=(1, 2))
    da = correlation_dimension(a, **kwargs).dimension
    db = correlation_dimension(b, **kwargs).dimension
    return float(abs(db - da))


@dataclass(frozen=True)
class LyapunovComparison:
    """Largest Lyapunov exponent of a learned model vs the true one (1/time units).

    ``exponents`` holds the running estimate (per time unit) after each renormalisation, to
    plot convergence; ``method`` says which estimator produced it.
    """

    learned: float
    true: float
    absolute_error: float
    relative_error: float
    method: str
    n_steps: int
    exponents: np.ndarray = field(repr=False)


def max_lyapunov_error(model, true_exponent: float, *, x0=None, n_steps: int = 5000, transient: int = 500,
                       dt: float | None = None, seed=0) -> LyapunovComparison:
    """Compare the largest Lyapunov exponent of a learned *map* with the true one.

    The model must be a :class:`~attractor.DynamicalSystem` of kind ``"map"`` (ESN, NGRC,
    KernelFlows in closed loop) with a ``jacobian``; one map step is ``dt`` time units
    (default ``model.dt_``). The exponent is the Benettin estimate: iterate a tangent vector
    ``v ← J(x) v`` along the orbit, renormalise every step and average ``log‖v‖``, divided by
    ``dt``. The orbit starts from ``x0`` (default ``model.default_x0``).
    """
    dt = float(getattr(model, "dt_", 1.0) if dt is None else dt)
    dt = check_positive_float(dt, "dt")
    n_steps = check_positive_int(n_steps, "n_steps")
    if getattr(model, "kind", None) != "map":
        raise ValidationError("max_lyapunov_error needs a fitted learned map (kind='map') with a jacobian.")
    x = np.array(model.default_x0 if x0 is None else x0, dtype=float)
    for i in range(int(transient)):
        x = model.step(x, i)
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(x.shape[0])
    v /= np.linalg.norm(v)
    s = 0.0
    run = np.empty(n_steps)
    for k in range(n_steps):
        v = model.jacobian(x) @ v
        x = model.step(x, k)
        nv = np.linalg.norm(v)
        if not np.isfinite(nv) or nv == 0 or not np.all(np.isfinite(x)):
            raise ValidationError("the model's orbit or tangent vector diverged; no Lyapunov exponent.")
        s += np.log(nv)
        v /= nv
        run[k] = s / ((k + 1) * dt)
    learned = float(run[-1])
    true = float(true_exponent)
    err = abs(learned - true)
    return LyapunovComparison(learned, true, err, err / abs(true) if true != 0 else float("inf"),
                              "benettin-tangent-map", n_steps, run)


def score_forecast(y_true, y_pred, *, dt: float, lyapunov_exponent: float | None = None,
                   scale=None, threshold: float = 0.4) -> dict[str, float]:
    """Every pointwise metric of one forecast as a dict (used by the benchmark runner).

    Keys: ``rmse``, ``nrmse``, ``mae``, ``smape`` (0–200), ``vpt_time``, ``vpt_lyapunov``
    (valid prediction time with ``threshold`` on the normalised error), ``spectrum_hellinger``.
    ``vpt_lyapunov`` is NaN (not applicable) when no ``lyapunov_exponent`` is given, and
    ``spectrum_hellinger`` is NaN for fewer than 16 samples.
    Diverged forecasts (non-finite, or beyond 1e150 in magnitude, where squared errors overflow)
    get ``inf`` errors, ``smape`` 200 and zero valid time.
    """
    a = as_float_array(y_true, "y_true", ndim=(1, 2))
    b = as_float_array(y_pred, "y_pred", ndim=(1, 2), allow_nonfinite=True, check_magnitude=False)
    if b.shape != a.shape:
        a, b = _pair(a, b)   # raises the shape error
    if not np.all(np.isfinite(b)) or np.max(np.abs(b), initial=0.0) > MAX_MAGNITUDE:
        return {"rmse": float("inf"), "nrmse": float("inf"), "mae": float("inf"), "smape": 200.0,
                "vpt_time": 0.0, "vpt_lyapunov": 0.0, "spectrum_hellinger": 1.0}
    a, b = _pair(a, b)
    vpt = valid_prediction_time(a, b, dt, lyapunov_exponent, threshold=threshold, scale=scale)
    out = {"rmse": rmse(a, b), "nrmse": nrmse(a, b, scale), "mae": mae(a, b), "smape": smape(a, b, scale=200),
           "vpt_time": vpt.time, "vpt_lyapunov": vpt.lyapunov_times}
    out["spectrum_hellinger"] = power_spectrum_distance(a, b) if len(a) >= 16 else float("nan")
    return out
