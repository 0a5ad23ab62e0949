"""Simulation of any :class:`~attractor.core.system.DynamicalSystem`.

Symbolic systems run on the compiled drivers of their generated module (see
:mod:`attractor.core.symbolic`); any other system (e.g. a learned model that only
provides ``rhs``/``step`` in NumPy) falls back to SciPy's ``solve_ivp`` for flows and a
Python loop for maps, with the same contract and the same errors.
"""
from __future__ import annotations

import math

import numpy as np

from ..core.errors import DivergenceError, IntegrationError, StepSizeUnderflowError, ValidationError
from ..core.system import DynamicalSystem, Trajectory
from ..core.validation import as_state, check_nonnegative_int, check_positive_float, check_positive_int
from . import _kernels as K

__all__ = ["simulate", "METHODS"]

METHODS = ("dop853", "rk45", "rk4")


def _raise_for_status(system: DynamicalSystem, status: int, t: float, x: np.ndarray, max_norm: float,
                      max_steps: int) -> None:
    state = np.array2string(np.asarray(x), precision=6, separator=", ")
    if status == K.DIVERGED:
        raise DivergenceError(
            f"{system.name} diverged at t = {t:.6g}: the state left the region |x_i| <= {max_norm:g} "
            f"(or became non-finite). Last finite state: {state}. Check the parameters and initial "
            "condition, or reduce the step/tolerances.", t, x)
    if status == K.UNDERFLOW:
        raise StepSizeUnderflowError(
            f"{system.name}: step size underflow at t = {t:.6g} (state {state}); the system is too stiff "
            "for an explicit method or is approaching a finite-time singularity.", t, x)
    if status == K.MAX_STEPS:
        raise IntegrationError(
            f"{system.name}: max_steps={max_steps} exhausted at t = {t:.6g}; raise max_steps or loosen "
            "the tolerances.", t, x)


#: Default step budget of one adaptive run: this many steps per default sampling step of
#: the integrated span (at least ``_MIN_AUTO_STEPS``, at most ``MAX_STEPS``).
STEPS_PER_SAMPLE = 1000
_MIN_AUTO_STEPS = 10**6
#: Largest default step budget (and the default cap of maps' iteration counts).
MAX_STEPS = 10**8


def _check_count(n, name: str) -> int:
    if isinstance(n, (bool, np.bool_)):
        raise ValidationError(f"{name} must be an integer >= 1; got the boolean {n!r}.")
    return check_positive_int(n, name)


def simulate(system: DynamicalSystem, n: int, dt: float | None = None, x0=None, transient: float = 0.0, *,
             method: str | None = None, rtol: float = 1e-9, atol: float = 1e-9, t0: float = 0.0,
             max_norm: float = 1e12, max_steps: int | None = None, step: float | None = None) -> Trajectory:
    """Simulate ``system``; see :meth:`DynamicalSystem.trajectory` for the contract.

    Before anything is allocated or integrated, the output size
    (``n × dimension × members × 8`` bytes) is checked against the available memory and
    the number of steps (estimated from the span ``transient + (n - 1) dt`` and the
    system's sampling step ``default_dt``; exact for RK4 and maps) against the step
    budget, so absurd arguments fail at once with an error naming the knob.
    """
    from ..core.resources import check_memory, check_steps

    n = _check_count(n, "n")
    if x0 is None:
        if system.default_x0 is None:
            raise ValidationError(f"{system.name} has no default initial condition; pass x0.")
        x0 = system.default_x0
    X0 = as_state(x0, system.dimension, "x0")
    try:
        t0_ok = math.isfinite(float(t0))
    except (TypeError, ValueError):
        t0_ok = False
    if not t0_ok:
        raise ValidationError(f"t0 must be finite; got {t0!r}.")
    t0 = float(t0)
    max_norm = check_positive_float(max_norm, "max_norm")
    auto_steps = max_steps is None
    max_steps = MAX_STEPS if auto_steps else _check_count(max_steps, "max_steps")
    members = 1 if X0.ndim == 1 else X0.shape[0]
    check_memory(8.0 * n * (system.dimension * members + 1),
                 f"the trajectory array (n={n} samples x {system.dimension} states x {members} member(s))", "n")
    if system.kind == "map":
        stride = 1 if dt is None else _check_count(dt, "dt (iterations between samples, for a map)")
        transient = check_nonnegative_int(transient, "transient (iterations, for a map)")
        if method is not None:
            raise ValidationError("method applies to flows only; maps are iterated exactly.")
        check_steps(float(transient) + float(n - 1) * stride, max_steps,
                    f"iterating {system.name} for transient={transient} + (n-1)*dt={(n - 1) * stride} iterations",
                    "n, dt or transient")
        runs = [_iterate(system, x, n, stride, transient, int(t0), max_norm) for x in np.atleast_2d(X0)]
        t = int(t0) + transient + stride * np.arange(n, dtype=float)
        meta = {"transient": transient, "stride": stride}
        dt_out = float(stride)
    else:
        dt_out = check_positive_float(system.default_dt if dt is None else dt, "dt")
        transient = check_positive_float(transient, "transient", allow_zero=True)
        method = "dop853" if method is None else str(method).lower()
        if method not in METHODS:
            raise ValidationError(f"unknown method {method!r}; choose one of {METHODS}.")
        rtol = check_positive_float(rtol, "rtol")
        atol = check_positive_float(atol, "atol")
        span = transient + (n - 1) * dt_out
        if not math.isfinite(t0 + span):
            raise ValidationError(f"the run ends at t = t0 + transient + (n-1)*dt = {t0 + span:g}, beyond the "
                                  "floating-point range; reduce dt, n or transient.")
        if method == "rk4":
            if step is not None:
                check_positive_float(step, "step")
            h = dt_out / max(1, round(dt_out / (step or dt_out)))
            check_steps(span / h, max_steps, f"RK4 over transient + (n-1)*dt = {span:g} time units with step {h:g}",
                        "n, dt, transient or raise step")
        else:
            h_ref = float(system.default_dt) if getattr(system, "default_dt", None) else dt_out
            check_steps(span / h_ref, max_steps,
                        f"integrating {system.name} over transient + (n-1)*dt = {span:g} time units (its "
                        f"time scale: sampling step {h_ref:g})", "n, dt or transient")
            if auto_steps:
                max_steps = int(min(MAX_STEPS, max(_MIN_AUTO_STEPS, STEPS_PER_SAMPLE * span / h_ref)))
        t = t0 + transient + dt_out * np.arange(n)
        runs = [_integrate(system, x, t, t0, method, rtol, atol, max_norm, max_steps, step, dt_out, auto_steps)
                for x in np.atleast_2d(X0)]
        meta = {"transient": transient, "method": method}
        if method == "rk4":
            meta["step"] = dt_out / max(1, round(dt_out / (step or dt_out)))
        else:
            meta.update(rtol=rtol, atol=atol)
    x = np.stack(runs) if X0.ndim == 2 else runs[0]
    return Trajectory(t, x, dt_out, system.name, tuple(system.state_names), dict(system.parameters), meta)


def _integrate(system, x0, t_out, t0, method, rtol, atol, max_norm, max_steps, step, dt, auto_steps=False):
    mod = getattr(system, "compiled", None)
    x0 = np.ascontiguousarray(x0, dtype=float)
    if method == "rk4":
        substeps = max(1, int(round(dt / (step or dt))))
        if mod is not None:
            p = system.parameter_vector
            x_start = x0
            if t_out[0] > t0:  # transient, integrated with the same fixed step
                n_tr = max(1, int(round((t_out[0] - t0) / (dt / substeps))))
                Xtr, st, tf, xl, _ = mod.solve_rk4(x0, t0, t_out[0] - t0, 2, n_tr, p, max_norm)
                _raise_for_status(system, st, tf, xl, max_norm, max_steps)
                x_start = np.ascontiguousarray(Xtr[1])
            X, st, tf, xl, _ = mod.solve_rk4(x_start, float(t_out[0]), dt, len(t_out), substeps, p, max_norm)
            _raise_for_status(system, st, tf, xl, max_norm, max_steps)
            return X
        return _rk4_python(system, x0, t0, t_out, substeps, max_norm, max_steps)
    if mod is not None:
        solver = mod.solve_dop853 if method == "dop853" else mod.solve_rk45
        X, st, tf, xl, _, _ = solver(x0, t0, np.ascontiguousarray(t_out, dtype=float), system.parameter_vector,
                                     rtol, atol, 0.0, np.inf, max_steps, max_norm)
        if st == K.MAX_STEPS and auto_steps:
            _raise_budget(system, tf, xl, max_steps, t_out, t0)
        _raise_for_status(system, st, tf, xl, max_norm, max_steps)
        return X
    return _scipy_fallback(system, x0, t0, t_out, method, rtol, atol, max_norm, max_steps)


def _raise_budget(system, t, x, max_steps, t_out, t0):
    state = np.array2string(np.asarray(x), precision=6, separator=", ")
    raise IntegrationError(
        f"{system.name}: the automatic step budget ({max_steps:g} steps, {STEPS_PER_SAMPLE} per sampling step "
        f"{system.default_dt:g} of the span) ran out at t = {t:.6g} of {float(t_out[-1]):.6g} (state {state}): the "
        "solution has become stiff or oscillates far faster than the system's usual time scale (e.g. parameters "
        "outside their usual range). Pass max_steps=... to allow more steps.", t, x)


def _scipy_fallback(system, x0, t0, t_out, method, rtol, atol, max_norm, max_steps):
    """Systems without compiled code: SciPy's solve_ivp with dense output, same errors."""
    from scipy.integrate import solve_ivp

    def fun(t, x):
        return system.rhs(x, t)

    def blowup(t, x):
        return max_norm - np.max(np.abs(x))

    blowup.terminal = True
    if t_out[-1] == t0:
        return np.tile(x0, (len(t_out), 1))
    with np.errstate(over="ignore", invalid="ignore"):
        sol = solve_ivp(fun, (t0, float(t_out[-1])), x0, method="DOP853" if method == "dop853" else "RK45",
                        t_eval=t_out, rtol=rtol, atol=atol, events=blowup)
    if sol.status == 1 or not np.all(np.isfinite(sol.y)):
        last = sol.y[:, -1] if sol.y.size else x0
        _raise_for_status(system, K.DIVERGED, float(sol.t[-1] if sol.t.size else t0), last, max_norm, max_steps)
    if sol.status != 0:
        raise IntegrationError(f"{system.name}: {sol.message}", float(sol.t[-1]) if sol.t.size else t0)
    return sol.y.T.copy()


def _rk4_python(system, x0, t0, t_out, substeps, max_norm, max_steps):
    """Fixed-step RK4 in NumPy for systems without compiled code (same step rule)."""
    h_nominal = (t_out[1] - t_out[0]) / substeps if len(t_out) > 1 else (t_out[0] - t0) or 1.0

    def advance(x, t, span):
        m = max(1, int(round(span / h_nominal)))
        h = span / m
        for _ in range(m):
            k1 = system.rhs(x, t)
            k2 = system.rhs(x + 0.5 * h * k1, t + 0.5 * h)
            k3 = system.rhs(x + 0.5 * h * k2, t + 0.5 * h)
            k4 = system.rhs(x + h * k3, t + h)
            xn = x + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
            if not np.all(np.abs(xn) <= max_norm):
                _raise_for_status(system, K.DIVERGED, t + h, x, max_norm, max_steps)
            x, t = xn, t + h
        return x

    x = x0.copy()
    if t_out[0] > t0:
        x = advance(x, t0, t_out[0] - t0)
    X = np.empty((len(t_out), len(x0)))
    X[0] = x
    for k in range(1, len(t_out)):
        x = advance(x, t_out[k - 1], t_out[k] - t_out[k - 1])
        X[k] = x
    return X


def _iterate(system, x0, n, stride, transient, n0, max_norm):
    mod = getattr(system, "compiled", None)
    x0 = np.ascontiguousarray(x0, dtype=float)
    if mod is not None:
        p = system.parameter_vector
        x = x0
        if transient:
            Xtr, st, tf, xl, _ = mod.iterate(x0, n0, 2, transient, p, max_norm)
            _raise_for_status(system, st, tf, xl, max_norm, 0)
            x = np.ascontiguousarray(Xtr[1])
        X, st, tf, xl, _ = mod.iterate(x, n0 + transient, n, stride, p, max_norm)
        _raise_for_status(system, st, tf, xl, max_norm, 0)
        return X
    X = np.empty((n, system.dimension))
    x = x0.copy()
    it = n0
    for _ in range(transient):
        x = np.asarray(system.step(x, it), dtype=float)
        it += 1
        if not np.all(np.abs(x) <= max_norm):
            _raise_for_status(system, K.DIVERGED, it, x, max_norm, 0)
    X[0] = x
    for k in range(1, n):
        for _ in range(stride):
            xn = np.asarray(system.step(x, it), dtype=float)
            it += 1
            if not np.all(np.abs(xn) <= max_norm):
                _raise_for_status(system, K.DIVERGED, it, x, max_norm, 0)
            x = xn
        X[k] = x
    return X
