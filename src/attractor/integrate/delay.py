"""Simulation of delay differential equations (method of steps, compiled RK4 + Hermite history).

:func:`simulate_delay` validates the inputs, turns the prescribed history (a constant,
an array of past samples or a callable) into values and derivatives on the
integration grid over ``[t0 - tau - h, t0]``, and runs the system's compiled driver
``solve_dde_rk4`` (see :mod:`attractor.integrate._delay_kernels` for the method).
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ..core.errors import InsufficientDataError, ValidationError
from ..core.system import Trajectory
from ..core.validation import as_state, check_positive_float, check_positive_int
from .solve import _raise_for_status

__all__ = ["simulate_delay", "prepare_history", "default_step"]


def default_step(dt: float, tau: float, period: float | None = None) -> float:
    """Largest step ``dt / k`` (k integer >= 1) not above ``min(dt, tau/20, period/200)``."""
    h_max = min(dt, tau / 20.0, (period / 200.0) if period else math.inf)
    return dt / max(1, math.ceil(dt / h_max - 1e-9))


def _grid_step(dt: float, step: float | None, tau: float, period: float | None) -> tuple[float, int]:
    if step is None:
        h = default_step(dt, tau, period)
    else:
        h = check_positive_float(step, "step")
        h = min(h, tau)   # the method of steps needs h <= tau
        h = dt / max(1, math.ceil(dt / h - 1e-9))
    stride = max(1, int(round(dt / h)))
    return dt / stride, stride


def prepare_history(history: Any, x0: np.ndarray | None, dimension: int, t0: float, tau: float, h: float,
                    history_dt: float | None, dt: float, name: str = "system"):
    """Values and derivatives of the history on the grid ``t0 - (m - 1 - j) h``, j = 0..m-1.

    Returns ``(hist_x, hist_f, x_at_t0)`` with arrays of shape (m, dimension),
    m = ceil(tau / h) + 2 (one extra interval of margin).
    """
    m = int(math.ceil(tau / h - 1e-9)) + 2
    grid = t0 - h * np.arange(m - 1, -1, -1, dtype=float)
    if history is None:
        if x0 is None:
            raise ValidationError(f"{name} has no default initial condition; pass x0 or history.")
        hx = np.tile(x0, (m, 1))
        return hx, np.zeros_like(hx), x0
    if callable(history):
        return _callable_history(history, grid, dimension, h, name)
    if isinstance(history, (str, bytes)) or not _is_numeric(history):
        raise ValidationError(
            f"history must be a number, an array of past samples (oldest first) or a callable history(t); "
            f"got {type(history).__name__}.")
    arr = np.asarray(history, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ValidationError("history contains non-finite values.")
    if arr.ndim == 0 or (arr.ndim == 1 and (arr.size == dimension and dimension > 1 or arr.size == 1)):
        c = np.broadcast_to(arr.reshape(-1), (dimension,)).astype(float) if arr.size in (1, dimension) else None
        if c is None:
            raise ValidationError(f"constant history must have {dimension} components; got {arr.size}.")
        hx = np.tile(c, (m, 1))
        return hx, np.zeros_like(hx), c.copy()
    if arr.ndim == 1:
        if dimension != 1:
            raise ValidationError(f"an array history for a {dimension}-dimensional system must have shape "
                                  f"(m, {dimension}); got {arr.shape}.")
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[1] != dimension:
        raise ValidationError(f"history array must have shape (m,) or (m, {dimension}); got {arr.shape}.")
    hdt = check_positive_float(dt if history_dt is None else history_dt, "history_dt")
    need = int(math.ceil(tau / hdt - 1e-9)) + 1
    if arr.shape[0] < need:
        raise InsufficientDataError(
            f"history array too short for tau = {tau:g}: {arr.shape[0]} samples spaced {hdt:g} cover "
            f"{(arr.shape[0] - 1) * hdt:g} time units; need at least {need} samples (ceil(tau/history_dt) + 1), "
            "oldest first with the last at t0.")
    from scipy.interpolate import CubicSpline

    ts = t0 - hdt * np.arange(arr.shape[0] - 1, -1, -1, dtype=float)
    spline = CubicSpline(ts, arr, axis=0, bc_type="not-a-knot" if arr.shape[0] >= 4 else "natural")
    g = np.maximum(grid, ts[0])   # the margin point before t0 - tau may precede the samples: clamp
    return spline(g), spline(g, 1), arr[-1].copy()


def _is_numeric(obj) -> bool:
    try:
        np.asarray(obj, dtype=float)
        return True
    except (TypeError, ValueError):
        return False


def _callable_history(fn: Callable[[float], Any], grid: np.ndarray, dimension: int, h: float, name: str):
    def value(s):
        try:
            v = np.asarray(fn(float(s)), dtype=float).reshape(-1)
        except Exception as exc:  # noqa: BLE001 - re-raised with context
            raise ValidationError(f"history({s:g}) failed: {exc}") from exc
        if v.size == 1 and dimension > 1:
            v = np.full(dimension, v[0])
        if v.size != dimension:
            raise ValidationError(f"history(t) must return a number or {dimension} values; got {v.size}.")
        if not np.all(np.isfinite(v)):
            raise ValidationError(f"history({s:g}) is not finite: {v}.")
        return v

    hx = np.array([value(s) for s in grid])
    # derivative by central differences of the callable (one-sided at t0: the history
    # need not be defined beyond t0); step small against h so the Hermite data are accurate
    d = 1e-4 * h
    hf = np.empty_like(hx)
    for j, s in enumerate(grid):
        if j == len(grid) - 1:
            hf[j] = (3 * hx[j] - 4 * value(s - d) + value(s - 2 * d)) / (2 * d)
        else:
            hf[j] = (value(s + d) - value(s - d)) / (2 * d)
    return hx, hf, hx[-1].copy()


def simulate_delay(system, n: int, dt: float | None = None, x0=None, transient: float = 0.0, *,
                   history=None, history_dt: float | None = None, step: float | None = None,
                   method: str | None = None, t0: float = 0.0, max_norm: float = 1e12,
                   max_steps: int | None = None) -> Trajectory:
    """Simulate a :class:`~attractor.core.delay.DelaySystem`; see its ``trajectory`` for the contract.

    The output size and the number of RK4 steps (``transient/step + (n - 1) dt/step``) are
    checked against the available memory and ``max_steps`` (default 1e8) before running.
    """
    from ..core.resources import check_memory, check_steps
    from .solve import MAX_STEPS, _check_count

    n = _check_count(n, "n")
    max_steps = MAX_STEPS if max_steps is None else _check_count(max_steps, "max_steps")
    if method is not None and str(method).lower() != "rk4":
        raise ValidationError(f"delay systems are integrated with method 'rk4' (fixed step, Hermite history); "
                              f"got {method!r}.")
    try:
        t0 = float(t0)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"t0 must be a finite number; got {t0!r}.") from exc
    if not math.isfinite(t0):
        raise ValidationError(f"t0 must be finite; got {t0!r}.")
    dt = check_positive_float(system.default_dt if dt is None else dt, "dt")
    transient = check_positive_float(transient, "transient", allow_zero=True)
    max_norm = check_positive_float(max_norm, "max_norm")
    tau = system.tau
    h, stride = _grid_step(dt, step, tau, system.metadata.get("period"))
    check_memory(8.0 * n * (system.dimension + 1), f"the trajectory array (n={n} samples x {system.dimension} "
                 "states)", "n")
    span = transient + (n - 1) * dt
    if not math.isfinite(t0 + span):
        raise ValidationError(f"the run ends at t = t0 + transient + (n-1)*dt = {t0 + span:g}, beyond the "
                              "floating-point range; reduce dt, n or transient.")
    check_steps(transient / h + float(n - 1) * stride, max_steps,
                f"RK4 (step {h:g}) over transient + (n-1)*dt = {span:g} time units", "n, dt or transient")
    if x0 is not None:
        x0 = as_state(x0, system.dimension, "x0", ensemble=False).astype(float)
    elif history is None:
        x0 = system.default_x0
    hist_x, hist_f, x_hist_t0 = prepare_history(history, x0, system.dimension, t0, tau, h, history_dt, dt,
                                                system.name)
    x_start = x_hist_t0 if x0 is None else x0
    n_skip = int(round(transient / h))
    mod = system.compiled
    X, status, t_last, x_last, _ = mod.solve_dde_rk4(
        np.ascontiguousarray(x_start, dtype=float), np.ascontiguousarray(hist_x, dtype=float),
        np.ascontiguousarray(hist_f, dtype=float), t0, h, tau, n_skip, n, stride, system.parameter_vector,
        max_norm)
    _raise_for_status(system, status, t_last, x_last, max_norm, 0)
    t = t0 + n_skip * h + dt * np.arange(n)
    meta = {"transient": n_skip * h, "method": "rk4-hermite", "step": h, "tau": tau,
            "history": "constant" if history is None or not (callable(history) or np.ndim(history) >= 1
                                                              and np.size(history) > system.dimension)
            else ("callable" if callable(history) else "array")}
    return Trajectory(t, X, dt, system.name, tuple(system.state_names), dict(system.parameters), meta)
