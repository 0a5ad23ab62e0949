"""Linear Granger causality: the F-test on lagged least-squares regressions.

A source ``y`` Granger-causes a target ``x`` (Granger 1969) when the past of ``y`` improves the
linear prediction of ``x`` beyond the past of ``x`` (and of any conditioning channels ``z``):

* restricted model: ``x_t = c + sum_{j=1..p} a_j x_{t-j} [+ sum_j g_j z_{t-j}] + e_t``,
* full model: the same plus ``sum_{j=1..p} b_j y_{t-j}``,

both fitted by ordinary least squares on the ``n - p`` samples ``t = p..n-1``. The statistic is

.. math::

    F = \\frac{(\\mathrm{RSS}_r - \\mathrm{RSS}_f) / p}{\\mathrm{RSS}_f / (n - p - q)},

with ``q`` the number of coefficients of the full model (``1 + p (2 + c)`` for ``c``
conditioning channels), compared with the F distribution with ``(p, n - p - q)`` degrees of
freedom. This is the ``ssr_ftest`` of statsmodels' ``grangercausalitytests`` (which the tests
check to 1e-8). The lag order ``p`` is chosen, unless given, by the Akaike or Bayesian (Schwarz)
information criterion of the *full* model fitted on the common sample ``t = max_lag..n-1``
(so that every order is judged on the same observations).

The Geweke (1982) measure ``G = ln(RSS_r / RSS_f)`` is also returned; for jointly Gaussian
processes it equals twice the transfer entropy with the same histories (Barnett, Barrett &
Seth 2009), which links this baseline to :func:`attractor.transfer_entropy`.

References
----------
C. W. J. Granger, Econometrica 37, 424 (1969).
J. Geweke, J. Am. Stat. Assoc. 77, 304 (1982).
L. Barnett, A. B. Barrett, A. K. Seth, Phys. Rev. Lett. 103, 238701 (2009).
H. Akaike, IEEE Trans. Autom. Control 19, 716 (1974); G. Schwarz, Ann. Stat. 6, 461 (1978).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from ..core.errors import InsufficientDataError, ReliabilityWarning, ValidationError
from ..core.validation import as_coupled_series, check_positive_int

__all__ = ["GrangerResult", "granger"]

_CRITERIA = ("aic", "bic")


@dataclass(frozen=True)
class GrangerResult:
    """Outcome of a linear Granger-causality F-test.

    Attributes
    ----------
    f_statistic : float
        The F statistic (``ssr_ftest`` of statsmodels).
    p_value : float
        Upper tail of F(``df_num``, ``df_den``) at ``f_statistic``.
    significant : bool
        ``p_value <= alpha``.
    df_num, df_den : int
        Degrees of freedom: ``p`` and ``n - p - q``.
    lag : int
        Lag order ``p`` used.
    gc : float
        Geweke's ``ln(RSS_r / RSS_f)`` (nats; twice the transfer entropy for Gaussian data).
    rss_restricted, rss_full : float
        Residual sums of squares of the two models (units of the target squared).
    n_obs : int
        Observations in the regressions (``n - p``).
    criterion : str
        ``"aic"``, ``"bic"`` or ``"fixed"`` (lag given).
    lags : numpy.ndarray of int
        Lag orders tried (``1..max_lag``; just ``lag`` when it was given).
    criterion_values : numpy.ndarray
        The criterion of the full model at each of ``lags`` (common sample); empty if fixed.
    alpha : float
    n_conditions : int
        Conditioning channels (0: bivariate test).
    reliable : bool
        False when the full model fits the target exactly (residual sum of squares below
        1e-20 of the target's sum of squares about its mean): F and ``gc`` are then
        meaningless (infinite or 0/0) and a :class:`~attractor.core.errors.ReliabilityWarning`
        is issued.
    """

    f_statistic: float
    p_value: float
    significant: bool
    df_num: int
    df_den: int
    lag: int
    gc: float
    rss_restricted: float
    rss_full: float
    n_obs: int
    criterion: str
    lags: np.ndarray = field(repr=False)
    criterion_values: np.ndarray = field(repr=False)
    alpha: float = 0.05
    n_conditions: int = 0
    reliable: bool = True


def _lagged(a: np.ndarray, p: int, start: int) -> np.ndarray:
    """Columns ``a[t-1], ..., a[t-p]`` (each channel of a 2-D ``a``) for ``t = start..n-1``."""
    n = a.shape[0]
    a2 = a[:, None] if a.ndim == 1 else a
    return np.hstack([a2[start - j: n - j] for j in range(1, p + 1)])


def _rss(design: np.ndarray, target: np.ndarray) -> float:
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    r = target - design @ coef
    return float(r @ r)


def _designs(x: np.ndarray, y: np.ndarray, z: np.ndarray | None, p: int, start: int):
    ones = np.ones((x.shape[0] - start, 1))
    own = [ones, _lagged(x, p, start)] + ([] if z is None else [_lagged(z, p, start)])
    restricted = np.hstack(own)
    full = np.hstack(own + [_lagged(y, p, start)])
    return restricted, full, x[start:]


def granger(source, target, condition=None, *, lag: int | None = None, max_lag: int = 10,
            criterion: str = "bic", alpha: float = 0.05) -> GrangerResult:
    """Does ``source`` Granger-cause ``target``? Linear F-test with the lag order by AIC/BIC.

    See the module docstring for the models and the statistic.

    Parameters
    ----------
    source, target : array_like, shape (n_times,)
        Uniformly sampled series of equal length; finite, not constant.
    condition : array_like, shape (n_times,) or (n_times, n_channels), optional
        Channels whose lags enter both models (conditional Granger causality).
    lag : int >= 1, optional
        Fixed lag order ``p``; if None it is chosen by ``criterion`` among ``1..max_lag``.
    max_lag : int >= 1
        Largest order tried (reduced so that the full model keeps at least 10 residual degrees
        of freedom).
    criterion : {"bic", "aic"}
        Information criterion of the full model: ``n ln(RSS/n) + q ln n`` or ``+ 2 q``.
    alpha : float in (0, 1)
        Level of the test.

    Returns
    -------
    GrangerResult

    Raises
    ------
    ValidationError
        NaN/inf, constant series, different lengths, unknown criterion.
    InsufficientDataError
        Too few samples for a model of lag 1 with 10 residual degrees of freedom (or for the
        given ``lag``).
    """
    if criterion not in _CRITERIA:
        raise ValidationError(f"criterion must be one of {', '.join(_CRITERIA)}; got {criterion!r}.")
    try:
        alpha = float(alpha)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"alpha must be a number in (0, 1); got {alpha!r}.") from exc
    if not 0.0 < alpha < 1.0:
        raise ValidationError(f"alpha must lie strictly between 0 and 1; got {alpha!r}.")
    max_lag = check_positive_int(max_lag, "max_lag")
    fixed = None if lag is None else check_positive_int(lag, "lag")
    # least squares is scale-equivariant: rescaling by a power of two changes no statistic
    y, x, z = as_coupled_series(source, target, condition, measure="Granger causality")
    n, c = x.shape[0], 0 if z is None else z.shape[1]

    def dof(p: int, start: int) -> int:
        return (n - start) - (1 + p * (2 + c))

    if fixed is not None:
        if dof(fixed, fixed) < 10:
            raise InsufficientDataError(f"{n} samples are too few for lag {fixed} with {c} conditioning channel(s): "
                                        "the full model needs at least 10 residual degrees of freedom.")
        p, crit_name = fixed, "fixed"
        lags, values = np.array([fixed]), np.array([], dtype=float)
    else:
        top = max_lag
        while top >= 1 and dof(top, top) < 10:
            top -= 1
        if top < 1:
            raise InsufficientDataError(f"{n} samples are too few for a Granger test (lag 1 needs "
                                        f"{13 + c} samples with {c} conditioning channel(s)).")
        lags = np.arange(1, top + 1)
        values = np.empty(top)
        nobs = n - top
        for i, q in enumerate(lags):
            _, full, tgt = _designs(x, y, z, int(q), top)
            rss = max(_rss(full, tgt), np.finfo(float).tiny)
            npar = full.shape[1]
            pen = 2.0 * npar if criterion == "aic" else npar * np.log(nobs)
            values[i] = nobs * np.log(rss / nobs) + pen
        p, crit_name = int(lags[int(np.argmin(values))]), criterion
    restricted, full, tgt = _designs(x, y, z, p, p)
    rss_r, rss_f = _rss(restricted, tgt), _rss(full, tgt)
    df_den = dof(p, p)
    tss = float(np.sum((tgt - tgt.mean()) ** 2))
    reliable = rss_f > 1e-20 * tss
    if not reliable:
        warnings.warn("Granger test unreliable: the full model fits the target exactly (residual sum of squares "
                      f"{rss_f:.3g}), so the F statistic has no meaning; the series may be a deterministic "
                      "linear recursion or noise-free.", ReliabilityWarning, stacklevel=2)
    if rss_f <= 0.0:
        # the target is an exact linear function of the regressors: nothing left to explain
        f_stat = np.inf if rss_r > 0 else 0.0
        gc = np.inf if rss_r > 0 else 0.0
    else:
        f_stat = max(rss_r - rss_f, 0.0) / rss_f * df_den / p
        gc = float(np.log(max(rss_r, rss_f) / rss_f))
    pv = float(stats.f.sf(f_stat, p, df_den)) if np.isfinite(f_stat) else 0.0
    return GrangerResult(f_statistic=float(f_stat), p_value=pv, significant=bool(pv <= alpha), df_num=p,
                         df_den=int(df_den), lag=p, gc=float(gc), rss_restricted=rss_r, rss_full=rss_f,
                         n_obs=int(n - p), criterion=crit_name, lags=lags, criterion_values=values, alpha=alpha,
                         n_conditions=c, reliable=bool(reliable))
