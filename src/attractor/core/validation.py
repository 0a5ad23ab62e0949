"""Input checks shared by every public entry point.

Each function either returns a cleaned, float64 NumPy array (or number) or
raises :class:`~attractor.core.errors.ValidationError` with a message that
names the argument and says what was expected.
"""
from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np

from .errors import InsufficientDataError, ValidationError

__all__ = [
    "as_float_array",
    "as_series",
    "as_series_scaled",
    "as_state",
    "check_finite",
    "check_scale",
    "normalize_scale",
    "scale_exponent",
    "MAX_MAGNITUDE",
    "MIN_MAGNITUDE",
    "check_positive_int",
    "check_nonnegative_int",
    "check_positive_float",
    "check_time_vector",
    "check_uniform_sampling",
]


def check_finite(a: np.ndarray, name: str) -> np.ndarray:
    """Raise if ``a`` has NaN or infinite entries; say where the first one is."""
    finite = np.isfinite(a)
    if not finite.all():
        bad = np.argwhere(~finite)[0]
        where = tuple(int(i) for i in bad)
        kind = "NaN" if np.isnan(a[tuple(bad)]) else "infinite"
        n_bad = int((~finite).sum())
        raise ValidationError(
            f"{name} contains {n_bad} non-finite value(s); the first ({kind}) is at index "
            f"{where if len(where) > 1 else where[0]}. Remove or interpolate them first."
        )
    return a


#: Largest magnitude accepted by default: squares and sums of squares of larger values overflow float64.
MAX_MAGNITUDE = 1e150
#: Smallest overall scale accepted by default: squares of smaller values underflow towards zero.
MIN_MAGNITUDE = 1e-150

_KIND_MESSAGES = {
    "c": "complex values: pass the real part or abs explicitly",
    "b": "boolean values: convert them to numbers explicitly (e.g. x.astype(float)) if that is intended",
    "O": "objects (dtype=object): pass a numeric array (mixed, missing or non-numeric entries are not supported)",
    "U": "strings: parse them into numbers first",
    "S": "bytes: parse them into numbers first",
    "M": "datetimes: pass numeric values (and the sampling step separately)",
    "m": "timedeltas: pass numeric values",
    "V": "structured/void records: pass a plain numeric array",
}


def _magnitude(arr: np.ndarray) -> float:
    """Largest finite absolute value of ``arr`` (0.0 if it has none)."""
    if arr.size == 0:
        return 0.0
    finite = arr[np.isfinite(arr)] if not np.isfinite(arr).all() else arr
    return float(np.max(np.abs(finite))) if finite.size else 0.0


def check_scale(arr: np.ndarray, name: str) -> np.ndarray:
    """Raise if the values of ``arr`` are so large or so small that float64 arithmetic breaks down.

    Values with magnitude above :data:`MAX_MAGNITUDE` (1e150) overflow when squared (distances,
    variances, regressions); an array whose largest magnitude is below :data:`MIN_MAGNITUDE`
    (1e-150) but not zero underflows when squared, so it looks constant to every estimator.

    Raises
    ------
    ValidationError
        With the offending magnitude and the remedy (divide by a typical scale such as ``x.std()``).
    """
    mag = _magnitude(arr)
    if mag > MAX_MAGNITUDE:
        raise ValidationError(
            f"{name} has values up to {mag:.3g} in magnitude; squares of values above {MAX_MAGNITUDE:g} "
            "overflow float64. Divide the data by a typical scale (e.g. x / x.std()) first."
        )
    if 0.0 < mag < MIN_MAGNITUDE:
        raise ValidationError(
            f"{name} has values no larger than {mag:.3g} in magnitude; squares of values below "
            f"{MIN_MAGNITUDE:g} underflow float64. Divide the data by a typical scale (e.g. x / x.std()) first."
        )
    return arr


def scale_exponent(arr: np.ndarray) -> int:
    """The power of two ``k`` that :func:`normalize_scale` divides by (0 for ordinary magnitudes).

    ``arr * 2**-k`` has its largest magnitude in [0.5, 1) when the magnitude of ``arr`` is extreme
    (above :data:`MAX_MAGNITUDE` or nonzero below :data:`MIN_MAGNITUDE`); otherwise ``k = 0``.
    """
    mag = _magnitude(arr)
    if mag > MAX_MAGNITUDE or 0.0 < mag < MIN_MAGNITUDE:
        return int(np.frexp(mag)[1])
    return 0


def normalize_scale(arr: np.ndarray) -> np.ndarray:
    """Rescale ``arr`` by an exact power of two if its magnitude is extreme, else return it unchanged.

    For scale-invariant estimators (entropies with relative tolerance, RQA at a fixed recurrence
    rate, embedding parameters): multiplying by ``2**-k`` (:func:`scale_exponent`) is exact in
    floating point (for normal numbers), so the answer equals the one for the same data at a
    scale in [0.5, 1).
    """
    k = scale_exponent(arr)
    return np.ldexp(arr, -k) if k else arr


def as_float_array(a: Any, name: str, *, ndim: int | tuple[int, ...] | None = None,
                   allow_nonfinite: bool = False, check_magnitude: bool = True) -> np.ndarray:
    """Convert to a float64 array, checking type, dimensionality, finiteness and scale.

    Parameters
    ----------
    a : array_like
        Real numbers (int or float dtypes). Complex, boolean, object, string and datetime inputs
        and ragged nested sequences are rejected rather than silently converted.
    name : str
        Argument name used in error messages.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    allow_nonfinite : bool
        If False, NaN or infinite entries are an error.
    check_magnitude : bool
        If True, values whose magnitude exceeds 1e150, or arrays whose largest magnitude is
        nonzero but below 1e-150, are an error (see :func:`check_scale`).

    Raises
    ------
    ValidationError
        For any of the problems above, naming ``name``.
    """
    if isinstance(a, np.ndarray):
        raw = a
    else:
        try:
            raw = np.asarray(a)
        except (TypeError, ValueError) as exc:
            raise ValidationError(
                f"{name} must be a rectangular numeric array; could not convert it ({exc})."
            ) from exc
    kind = raw.dtype.kind
    if kind in _KIND_MESSAGES:
        if kind == "O" and raw.ndim > 0 and raw.size and any(
                isinstance(v, (list, tuple, np.ndarray)) for v in raw.ravel()[:1000]):
            raise ValidationError(f"{name} must be a rectangular numeric array; it is ragged (nested "
                                  "sequences of different lengths).")
        raise ValidationError(f"{name} must be real numeric data; it contains {_KIND_MESSAGES[kind]}.")
    try:
        arr = np.asarray(raw, dtype=float)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValidationError(f"{name} must be numeric; could not convert it to floats ({exc}).") from exc
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            raise ValidationError(
                f"{name} must have {' or '.join(map(str, allowed))} dimension(s); got shape {arr.shape}."
            )
    if not allow_nonfinite:
        check_finite(arr, name)
    if check_magnitude:
        check_scale(arr, name)
    return arr


def as_series(x: Any, name: str = "x", *, min_length: int = 2, allow_constant: bool = False,
              multivariate: bool = True, rescale: bool = False, check_magnitude: bool = True) -> np.ndarray:
    """Validate an observed time series.

    Parameters
    ----------
    x : array_like, shape (n_times,) or (n_times, n_channels)
        Samples in time order (rows are time).
    name : str
        Argument name used in error messages.
    min_length : int
        Minimum number of samples required.
    allow_constant : bool
        If False, a channel with zero variance is an error.
    multivariate : bool
        If False, only 1-D input is accepted.
    rescale : bool
        What to do with values of extreme magnitude (above 1e150, or all below 1e-150). If False,
        they are an error (:func:`check_scale`). If True (for scale-invariant estimators only), the
        series is multiplied by an exact power of two that brings its largest magnitude into
        [0.5, 1) (:func:`normalize_scale`), so the estimate equals the one at unit scale.
    check_magnitude : bool
        If False (and not ``rescale``), any finite magnitude is accepted unchanged: for pure
        rearrangements of the samples (delay embedding) that do no arithmetic on them.

    Returns
    -------
    numpy.ndarray
        float64 array, 1-D if the input was 1-D, else 2-D (n_times, n_channels).
    """
    arr = as_float_array(x, name, ndim=(1, 2) if multivariate else 1,
                         check_magnitude=check_magnitude and not rescale)
    if rescale:
        arr = normalize_scale(arr)
    return _check_series(arr, name, min_length, allow_constant)


def as_history(history: Any, rows: int, channels: int) -> np.ndarray:
    """Validate a forecast history: finite floats, shape ``(n, channels)`` with ``n >= rows``.

    A 1-D history is one channel. Raises :class:`ValidationError` naming the required shape.
    """
    h = as_float_array(history, "history", ndim=(1, 2))
    if h.ndim == 1:
        h = h[:, None]
    if h.shape[1] != channels or h.shape[0] < rows:
        raise ValidationError(f"history must have >= {rows} rows and {channels} channel(s); got shape {h.shape}.")
    return h


def as_coupled_series(source: Any, target: Any, condition: Any = None, *, measure: str = "this measure",
                      min_length: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Validate a source, a target and an optional conditioning series for a coupling measure.

    Returns ``(source, target, condition)``: the source and target as 1-D float arrays, the
    condition as a 2-D ``(n, channels)`` array or None. Each is rescaled by a power of two
    (exact; the measures using this are scale-equivariant) and all must have the same length
    (simultaneous samples), else :class:`ValidationError` naming ``measure``.
    """
    y = as_series(source, "source", min_length=min_length, multivariate=False, rescale=True)
    x = as_series(target, "target", min_length=min_length, multivariate=False, rescale=True)
    if x.shape[0] != y.shape[0]:
        raise ValidationError(f"source has {y.shape[0]} samples but target has {x.shape[0]}; {measure} "
                              "needs simultaneous samples of equal length.")
    z = None
    if condition is not None:
        z = as_series(condition, "condition", min_length=min_length, rescale=True)
        z = z[:, None] if z.ndim == 1 else z
        if z.shape[0] != x.shape[0]:
            raise ValidationError(f"condition has {z.shape[0]} samples but target has {x.shape[0]}.")
    return y, x, z


def as_series_scaled(x: Any, name: str = "x", *, min_length: int = 2, allow_constant: bool = False,
                     multivariate: bool = True) -> tuple[np.ndarray, int]:
    """Like :func:`as_series` with ``rescale=True``, also returning the power of two removed.

    Returns
    -------
    arr : numpy.ndarray
        The validated series divided by ``2**k``.
    k : int
        0 unless the magnitude was extreme; the input equals ``arr * 2**k`` (exactly, for
        normal numbers). Use it to scale absolute parameters (radii) in and results out.
    """
    raw = as_float_array(x, name, ndim=(1, 2) if multivariate else 1, check_magnitude=False)
    k = scale_exponent(raw)
    arr = np.ldexp(raw, -k) if k else raw
    return _check_series(arr, name, min_length, allow_constant), k


def _check_series(arr: np.ndarray, name: str, min_length: int, allow_constant: bool) -> np.ndarray:
    n = arr.shape[0]
    if n < min_length:
        raise InsufficientDataError(f"{name} has {n} samples; at least {min_length} are needed.")
    if arr.ndim == 2 and arr.shape[1] == 0:
        raise ValidationError(f"{name} has no channels (shape {arr.shape}).")
    if not allow_constant:
        spread = np.ptp(arr, axis=0)
        if np.any(np.atleast_1d(spread) == 0):
            which = "" if arr.ndim == 1 else f" (channel(s) {np.flatnonzero(spread == 0).tolist()})"
            raise ValidationError(f"{name} is constant{which}; a constant signal has no dynamics to analyse.")
    return arr


def as_state(x0: Any, dimension: int, name: str = "x0", *, ensemble: bool = True) -> np.ndarray:
    """Validate an initial state (shape (dimension,)) or ensemble (shape (m, dimension))."""
    # any finite magnitude: integrators and maps detect divergence themselves (max_norm)
    arr = as_float_array(x0, name, ndim=(1, 2) if ensemble else 1, check_magnitude=False)
    if arr.shape[-1] != dimension:
        raise ValidationError(
            f"{name} has length {arr.shape[-1]} but the system has dimension {dimension}."
        )
    if arr.ndim == 2 and arr.shape[0] == 0:
        raise ValidationError(f"{name} is an empty ensemble (shape {arr.shape}); give at least one state.")
    return arr


def check_positive_int(value: Any, name: str, minimum: int = 1) -> int:
    """Return ``value`` as int if it is an integer >= ``minimum``."""
    if isinstance(value, bool | np.bool_):
        raise ValidationError(f"{name} must be an integer >= {minimum}; got the boolean {value!r}.")
    if not isinstance(value, Integral | np.integer):
        if isinstance(value, Real) and float(value).is_integer():
            value = int(value)
        else:
            raise ValidationError(f"{name} must be an integer >= {minimum}; got {value!r}.")
    value = int(value)
    if value < minimum:
        raise ValidationError(f"{name} must be an integer >= {minimum}; got {value}.")
    return value


def check_nonnegative_int(value: Any, name: str) -> int:
    """Return ``value`` as int if it is an integer >= 0."""
    return check_positive_int(value, name, minimum=0)


def check_positive_float(value: Any, name: str, *, allow_zero: bool = False) -> float:
    """Return ``value`` as float if it is finite and > 0 (or >= 0); booleans are refused."""
    if isinstance(value, bool | np.bool_):
        raise ValidationError(f"{name} must be a number; got the boolean {value!r}.")
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{name} must be a number; got {value!r}.") from exc
    if not np.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        cmp = ">= 0" if allow_zero else "> 0"
        raise ValidationError(f"{name} must be finite and {cmp}; got {value!r}.")
    return v


def check_time_vector(t: Any, n: int, name: str = "t") -> np.ndarray:
    """Validate a vector of time stamps of length ``n``, strictly increasing."""
    arr = as_float_array(t, name, ndim=1)
    if arr.shape[0] != n:
        raise ValidationError(f"{name} has {arr.shape[0]} time stamps but the data have {n} samples.")
    if n > 1 and not np.all(np.diff(arr) > 0):
        i = int(np.flatnonzero(np.diff(arr) <= 0)[0])
        raise ValidationError(
            f"{name} must be strictly increasing; {name}[{i + 1}] = {arr[i + 1]} follows {name}[{i}] = {arr[i]}."
        )
    return arr


def check_uniform_sampling(t: np.ndarray, name: str = "t", rtol: float = 1e-6) -> float:
    """Return the sampling step of uniformly sampled time stamps, or raise.

    Raises
    ------
    ValidationError
        If the steps differ by more than ``rtol`` relative to their median.
    """
    dt = np.diff(t)
    if dt.size == 0:
        raise InsufficientDataError(f"{name} needs at least two time stamps to define a sampling step.")
    med = float(np.median(dt))
    dev = float(np.max(np.abs(dt - med)))
    if dev > rtol * abs(med):
        raise ValidationError(
            f"{name} is not uniformly sampled (steps range from {dt.min():.6g} to {dt.max():.6g}); "
            "resample it onto a uniform grid first."
        )
    return med
