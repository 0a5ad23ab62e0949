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
    "as_state",
    "check_finite",
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


def as_float_array(a: Any, name: str, *, ndim: int | tuple[int, ...] | None = None,
                   allow_nonfinite: bool = False) -> np.ndarray:
    """Convert to a float64 array, checking dimensionality and finiteness."""
    try:
        arr = np.asarray(a, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{name} must be numeric; could not convert it to floats ({exc}).") from exc
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            raise ValidationError(
                f"{name} must have {' or '.join(map(str, allowed))} dimension(s); got shape {arr.shape}."
            )
    if not allow_nonfinite:
        check_finite(arr, name)
    return arr


def as_series(x: Any, name: str = "x", *, min_length: int = 2, allow_constant: bool = False,
              multivariate: bool = True) -> np.ndarray:
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

    Returns
    -------
    numpy.ndarray
        float64 array, 1-D if the input was 1-D, else 2-D (n_times, n_channels).
    """
    arr = as_float_array(x, name, ndim=(1, 2) if multivariate else 1)
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
    arr = as_float_array(x0, name, ndim=(1, 2) if ensemble else 1)
    if arr.shape[-1] != dimension:
        raise ValidationError(
            f"{name} has length {arr.shape[-1]} but the system has dimension {dimension}."
        )
    return arr


def check_positive_int(value: Any, name: str, minimum: int = 1) -> int:
    """Return ``value`` as int if it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, Integral | np.integer):
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
    """Return ``value`` as float if it is finite and > 0 (or >= 0)."""
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
