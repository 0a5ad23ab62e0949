"""Orbit (bifurcation) diagrams and Poincaré sections of any system.

* :func:`poincare_section` — states where a flow's trajectory crosses a plane
  ``normal · x = offset`` in a chosen direction.
* :func:`orbit_diagram` — for each value of one parameter, the asymptotic values of one
  variable: the last ``n_keep`` iterates of a map, or for a flow its successive local
  maxima (or minima, or its values on a Poincaré plane).

Event location (flows). Symbolic systems are integrated by a compiled adaptive DOP853
(:mod:`attractor.dynamics._lyapunov_kernels`). After every accepted step the event
function is compared at both ends — plane: ``g = normal · x - offset``; maxima/minima of
``x_v``: ``g = ±f_v(x, t)`` (the time derivative, exact at step ends) — and a sign change
is refined on the step's 7th-order continuous extension by Illinois regula falsi to
about 1e-15 of the step; the reported state is the interpolant there. Hence plane
crossings satisfy the plane equation to rounding error and are accurate to the
integration tolerance (not the sampling step). Other systems use SciPy's ``solve_ivp``
(DOP853, dense output) with its event location (root of the event function on the
interpolant). One event per step is detected, which needs steps shorter than the time
between events (always the case at the default tolerances for smooth flows).
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from ..core.errors import DivergenceError, IntegrationError, UnknownParameterError, ValidationError
from ..core.system import DynamicalSystem, SymbolicSystem
from ..core.validation import (
    as_float_array,
    as_state,
    check_nonnegative_int,
    check_positive_float,
    check_positive_int,
)

__all__ = ["poincare_section", "orbit_diagram", "PoincareSectionResult", "OrbitDiagramResult"]


# ====================================================================== results
@dataclass(frozen=True, eq=False)
class PoincareSectionResult:
    """Crossings of a flow's trajectory with a plane.

    Attributes
    ----------
    points : numpy.ndarray, shape (m, dimension)
        States at the crossings (on the plane to rounding error).
    times : numpy.ndarray, shape (m,)
        Crossing times.
    normal : numpy.ndarray, shape (dimension,)
        Unit normal of the plane ``normal · x = offset``.
    offset : float
    direction : {1, -1, 0}
        +1: crossings with ``normal · x`` increasing; -1: decreasing; 0: both.
    system : str
    state_names : tuple of str
    settings : dict
        ``transient``, ``t0``, ``t_total``, ``n_crossings``, ``x0``, ``rtol``, ``atol``,
        ``backend``, ``t_end`` (time reached).
    """

    points: np.ndarray
    times: np.ndarray
    normal: np.ndarray
    offset: float
    direction: int
    system: str
    state_names: tuple[str, ...]
    settings: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.points.shape[0])

    def return_times(self) -> np.ndarray:
        """Times between successive crossings, shape (m - 1,)."""
        return np.diff(self.times)

    def __repr__(self) -> str:
        return f"PoincareSectionResult({self.system}, {len(self)} crossings, direction={self.direction:+d})"


@dataclass(frozen=True, eq=False)
class OrbitDiagramResult:
    """Asymptotic values of one variable versus one parameter.

    Attributes
    ----------
    parameter : str
        Name of the varied parameter.
    values : numpy.ndarray, shape (n_values,)
        Parameter values, in the order given.
    param : numpy.ndarray, shape (m,)
        Parameter value of each recorded point (ready for a scatter plot).
    points : numpy.ndarray, shape (m,)
        Recorded values of ``variable``.
    counts : numpy.ndarray of int, shape (n_values,)
        Points recorded per parameter value (``n_keep``, or fewer for a flow whose orbit
        produced fewer events in ``t_max``, e.g. 0 on a stable equilibrium; 0 where the
        orbit diverged and ``on_divergence="nan"``).
    diverged : numpy.ndarray of bool, shape (n_values,)
    variable : str
        Name of the recorded state variable.
    section : str
        ``"iterates"`` (maps), ``"maxima"``, ``"minima"`` or ``"plane"``.
    system : str
    kind : {"flow", "map"}
    settings : dict
    """

    parameter: str
    values: np.ndarray
    param: np.ndarray
    points: np.ndarray
    counts: np.ndarray
    diverged: np.ndarray
    variable: str
    section: str
    system: str
    kind: str
    settings: dict[str, Any] = field(default_factory=dict)

    def points_at(self, i: int) -> np.ndarray:
        """Recorded points for ``values[i]``."""
        start = int(np.sum(self.counts[:i]))
        return self.points[start:start + int(self.counts[i])]

    def n_distinct(self, tol: float = 1e-6) -> np.ndarray:
        """Number of distinct recorded values per parameter value (``tol`` absolute).

        For a map, the period of a stable periodic orbit (when ``n_keep`` is a multiple of
        it); for a flow, the number of distinct maxima per period.
        """
        out = np.zeros(self.values.shape[0], dtype=int)
        for i in range(out.size):
            v = np.sort(self.points_at(i))
            out[i] = 0 if v.size == 0 else 1 + int(np.count_nonzero(np.diff(v) > tol))
        return out

    def __repr__(self) -> str:
        return (f"OrbitDiagramResult({self.system}: {self.variable} vs {self.parameter}, {self.values.size} values, "
                f"{self.points.size} points, section={self.section})")


# ====================================================================== helpers
def _check_system(system) -> DynamicalSystem:
    if not isinstance(system, DynamicalSystem):
        raise ValidationError(f"system must be a DynamicalSystem; got {type(system).__name__}.")
    return system


def _variable_index(system, variable) -> int:
    if isinstance(variable, str):
        if variable not in system.state_names:
            raise ValidationError(f"{system.name} has no state variable {variable!r}; its states are "
                                  f"{list(system.state_names)}.")
        return system.state_names.index(variable)
    if isinstance(variable, bool) or not isinstance(variable, numbers.Integral):
        raise ValidationError(f"variable must be a state index or name; got {variable!r}.")
    v = int(variable)
    if not -system.dimension <= v < system.dimension:
        raise ValidationError(f"variable index {v} is out of range for dimension {system.dimension}.")
    return v % system.dimension


def _parse_plane(system, plane) -> tuple[np.ndarray, float]:
    """``(normal, offset)`` or ``(variable, value)`` -> (unit normal, offset)."""
    if not isinstance(plane, (tuple, list)) or len(plane) != 2:
        raise ValidationError("plane must be (normal, offset) with normal of length dimension, or "
                              f"(variable, value) with a state index or name; got {plane!r}.")
    a, b = plane
    try:
        offset = float(b)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"plane offset must be a number; got {b!r}.") from exc
    if not math.isfinite(offset):
        raise ValidationError(f"plane offset must be finite; got {b!r}.")
    if isinstance(a, (str, numbers.Integral)) and not isinstance(a, bool):
        normal = np.zeros(system.dimension)
        normal[_variable_index(system, a)] = 1.0
        return normal, offset
    normal = as_float_array(a, "plane normal", ndim=1)
    if normal.shape[0] != system.dimension:
        raise ValidationError(f"plane normal has length {normal.shape[0]} but {system.name} has dimension "
                              f"{system.dimension}.")
    nrm = float(np.linalg.norm(normal))
    if nrm == 0:
        raise ValidationError("plane normal is the zero vector.")
    return normal / nrm, offset / nrm


def _check_direction(direction) -> int:
    if direction not in (1, -1, 0) or isinstance(direction, bool):
        raise ValidationError(f"direction must be +1, -1 or 0; got {direction!r}.")
    return int(direction)


def _initial_state(system, x0) -> np.ndarray:
    if x0 is None:
        if system.default_x0 is None:
            raise ValidationError(f"{system.name} has no default initial condition; pass x0.")
        x0 = system.default_x0
    return np.ascontiguousarray(as_state(x0, system.dimension, "x0", ensemble=False), dtype=float)


_MODES = {"plane": 0, "maxima": 1, "minima": 2}


def _events_compiled(system, p, x0, t0, t_start, t_end, n_max, mode, normal, offset, direction, var, rtol, atol,
                     max_steps, max_norm):
    """Events in [t_start, t_end] (at most n_max, None = unlimited) on the compiled path."""
    from ..integrate.solve import _raise_for_status

    mod = system.compiled
    Ts, Xs = [], []
    x, t = x0, t0
    found = 0
    steps_left = max_steps
    while True:
        cap = n_max - found if n_max is not None else max(1024, 2 * found)
        T, X, count, st, tf, xl, n_steps = mod.ly_section_flow(
            x, float(t), p, float(t_start), float(t_end), int(cap), mode, normal, float(offset), int(direction),
            int(var), rtol, atol, int(steps_left), max_norm)
        if st == 3 and n_max is not None and t_end == np.inf:
            raise IntegrationError(
                f"{system.name}: only {found + count} of {n_max} events found within max_steps={max_steps} steps "
                f"(t reached {tf:.6g}); the orbit may not cross this section (check the plane and direction, or "
                "whether it settles on an equilibrium), or raise max_steps / pass t_total.", tf, xl)
        _raise_for_status(system, int(st), float(tf), xl, max_norm, max_steps)
        Ts.append(T[:count])
        Xs.append(X[:count])
        found += count
        steps_left -= int(n_steps)
        if (n_max is not None and found >= n_max) or tf >= t_end or count < cap:
            return np.concatenate(Ts), np.concatenate(Xs).reshape(-1, x0.size), np.asarray(xl), float(tf)
        x, t = np.ascontiguousarray(xl), float(tf)
        t_start = t


def _events_python(system, x0, t0, t_start, t_end, n_max, mode, normal, offset, direction, var, rtol, atol,
                   max_norm):
    """Same contract for systems without compiled code: SciPy solve_ivp events."""
    from scipy.integrate import solve_ivp

    from ..integrate.solve import _raise_for_status

    def fun(t, x):
        return np.asarray(system.rhs(x, t), dtype=float)

    if mode == 0:
        def event(t, x):
            return float(normal @ x - offset)
        event.direction = float(direction)
    else:
        def event(t, x):
            return float(system.rhs(x, t)[var])
        event.direction = -1.0 if mode == 1 else 1.0

    def blowup(t, x):
        return max_norm - np.max(np.abs(x))
    blowup.terminal = True

    def run(x, ta, tb, events):
        with np.errstate(over="ignore", invalid="ignore"):
            sol = solve_ivp(fun, (ta, tb), x, method="DOP853", rtol=rtol, atol=atol, events=events)
        last = sol.y[:, -1]
        if sol.status == 1 and sol.t_events[-1].size or not np.all(np.isfinite(last)):
            _raise_for_status(system, 1, float(sol.t[-1]), last, max_norm, 0)
        if sol.status == -1:
            raise IntegrationError(f"{system.name}: {sol.message}", float(sol.t[-1]), last)
        return sol, last

    x = x0
    if t_start > t0:
        _, x = run(x, t0, t_start, [blowup])
    Ts, Xs = [], []
    t = t_start
    chunk = 100.0 * float(system.metadata.get("period", 1.0) or 1.0)
    while t < t_end and (n_max is None or sum(len(a) for a in Ts) < n_max):
        tb = min(t_end, t + chunk)
        sol, x = run(x, t, tb, [event, blowup])
        te, ye = sol.t_events[0], sol.y_events[0].reshape(-1, x0.size)
        keep = te > t if Ts else te >= t
        Ts.append(te[keep])
        Xs.append(ye[keep])
        t = tb
    T = np.concatenate(Ts) if Ts else np.empty(0)
    X = np.concatenate(Xs).reshape(-1, x0.size) if Xs else np.empty((0, x0.size))
    if n_max is not None:
        T, X = T[:n_max], X[:n_max]
    return T, X, x, t


def _events(system, x0, t0, transient, t_total, n_max, mode, normal, offset, direction, var, rtol, atol, max_steps,
            max_norm):
    t_start = t0 + transient
    t_end = np.inf if t_total is None else t_start + t_total
    if isinstance(system, SymbolicSystem):
        T, X, xl, tf = _events_compiled(system, system.parameter_vector, x0, t0, t_start, t_end, n_max, mode,
                                        normal, offset, direction, var, rtol, atol, max_steps, max_norm)
        return T, X, xl, tf, "compiled"
    if t_end == np.inf:
        t_end = t_start + max_steps * 1e-2 * float(system.metadata.get("period", 1.0) or 1.0)
    T, X, xl, tf = _events_python(system, x0, t0, t_start, t_end, n_max, mode, normal, offset, direction, var,
                                  rtol, atol, max_norm)
    if n_max is not None and T.size < n_max and t_total is None:
        raise IntegrationError(f"{system.name}: only {T.size} of {n_max} events found up to t = {tf:.6g}; the orbit "
                               "may not cross this section, or pass t_total.", tf, xl)
    return T, X, xl, tf, "python"


# ====================================================================== Poincaré section
def poincare_section(system: DynamicalSystem, plane, n_crossings: int | None = None, *, t_total: float | None = None,
                     direction: int = 1, transient: float = 0.0, x0=None, t0: float = 0.0, rtol: float = 1e-10,
                     atol: float = 1e-10, max_steps: int = 10**7, max_norm: float = 1e12) -> PoincareSectionResult:
    """Crossings of a flow's trajectory with the plane ``normal · x = offset``.

    Parameters
    ----------
    system : DynamicalSystem
        A flow.
    plane : (normal, offset) or (variable, value)
        ``normal`` of length ``dimension`` (normalised to unit length, ``offset`` scaled
        with it), or a state index/name and a value (the plane ``x_variable = value``).
    n_crossings : int, optional
        Stop after this many crossings.
    t_total : float, optional
        Stop after this much time past the transient. At least one of ``n_crossings`` and
        ``t_total`` is required; with both, whichever comes first.
    direction : {1, -1, 0}
        +1 (default): crossings where ``normal · x`` increases; -1: decreases; 0: both.
    transient : float
        Time integrated before crossings are recorded.
    x0 : array_like, optional
        Initial state (default ``system.default_x0``); ``t0`` its time.
    rtol, atol : float
        DOP853 tolerances (defaults 1e-10).
    max_steps : int
        Integrator step budget; with only ``n_crossings``, running out of it raises.
    max_norm : float
        Divergence bound.

    Returns
    -------
    PoincareSectionResult

    Raises
    ------
    ValidationError
        A map, a bad plane or direction, or neither ``n_crossings`` nor ``t_total``.
    DivergenceError, IntegrationError
        The trajectory blew up, or too few crossings were found within ``max_steps``.

    Examples
    --------
    >>> import attractor
    >>> ps = attractor.poincare_section(attractor.system("lorenz"), ("z", 27.0), 100, transient=10)
    >>> ps.points.shape, bool(abs(ps.points[:, 2] - 27.0).max() < 1e-12)
    ((100, 3), True)
    """
    system = _check_system(system)
    if system.kind != "flow":
        raise ValidationError(f"poincare_section needs a flow; {system.name} is a map (its iterates already form a "
                              "discrete-time sequence).")
    normal, offset = _parse_plane(system, plane)
    direction = _check_direction(direction)
    if n_crossings is None and t_total is None:
        raise ValidationError("give n_crossings (number of crossings) or t_total (integration time), or both.")
    n_max = None if n_crossings is None else check_positive_int(n_crossings, "n_crossings")
    t_total = None if t_total is None else check_positive_float(t_total, "t_total")
    transient = check_positive_float(transient, "transient", allow_zero=True)
    try:
        t0 = float(t0)
    except (TypeError, ValueError):
        t0 = float("nan")
    if not math.isfinite(t0):
        raise ValidationError("t0 must be a finite number.")
    rtol = check_positive_float(rtol, "rtol")
    atol = check_positive_float(atol, "atol")
    max_steps = check_positive_int(max_steps, "max_steps")
    max_norm = check_positive_float(max_norm, "max_norm")
    x = _initial_state(system, x0)
    T, X, _, tf, backend = _events(system, x, t0, transient, t_total, n_max, 0, normal, offset, direction, 0, rtol,
                                   atol, max_steps, max_norm)
    settings = dict(transient=transient, t0=t0, t_total=t_total, n_crossings=n_max, x0=x.copy(), rtol=rtol,
                    atol=atol, backend=backend, t_end=tf)
    return PoincareSectionResult(np.asarray(X), np.asarray(T), normal, offset, direction, system.name,
                                 tuple(system.state_names), settings)


# ====================================================================== orbit diagram
def orbit_diagram(system: DynamicalSystem, parameter: str, values: Sequence[float], n_keep: int = 100,
                  transient: float | None = None, section=None, variable: int | str = 0, x0=None, *,
                  t_max: float | None = None, continuation: bool = False, direction: int = 1, rtol: float = 1e-9,
                  atol: float = 1e-9, max_norm: float = 1e12, max_steps: int = 10**7,
                  on_divergence: str = "raise") -> OrbitDiagramResult:
    """Orbit (bifurcation) diagram: asymptotic values of ``variable`` versus ``parameter``.

    Parameters
    ----------
    system : DynamicalSystem
        A map, or a flow. Other parameters keep their values in ``system``.
    parameter : str
        Name of the parameter to vary.
    values : array_like, shape (n_values,)
        Its values (finite).
    n_keep : int
        Points recorded per value: the last ``n_keep`` iterates (maps), or the first
        ``n_keep`` events after the transient (flows).
    transient : float, optional
        Discarded lead-in per value: iterations for maps (default 1000), time units for
        flows (default 50 characteristic periods, ``metadata["period"]`` or 1).
    section : None, "maxima", "minima" or plane, optional
        Maps: must be None (iterates are recorded). Flows: ``"maxima"`` (default) records
        the local maxima of ``variable``; ``"minima"`` its minima; a plane
        ``(normal, offset)`` or ``(variable, value)`` (as in :func:`poincare_section`)
        records ``variable`` at the crossings in ``direction``.
    variable : int or str
        Recorded state variable (index or name).
    x0 : array_like, optional
        Initial state for every value (default ``system.default_x0``). Each value is run
        from time (or iteration index) 0.
    t_max : float, optional
        Flows: longest integration after the transient per value (default
        ``20 n_keep`` periods); fewer than ``n_keep`` events may be recorded.
    continuation : bool
        If True, each value starts from the final state of the previous one (follows one
        attractor through the sweep; hysteresis shows up when sweeping both ways).
    rtol, atol, max_norm, max_steps
        Integration settings (flows) and divergence bound.
    on_divergence : {"raise", "nan"}
        ``"raise"`` (default): a :class:`DivergenceError` naming the parameter value.
        ``"nan"``: record no points for that value and flag it in ``diverged``.

    Returns
    -------
    OrbitDiagramResult

    Raises
    ------
    UnknownParameterError
        ``parameter`` is not a parameter of ``system``.
    ValidationError
        Other bad arguments (e.g. a section for a map).

    Examples
    --------
    >>> import attractor
    >>> od = attractor.orbit_diagram(attractor.system("logistic"), "r", [2.8, 3.2, 3.5], n_keep=8, x0=[0.3])
    >>> od.n_distinct().tolist()
    [1, 2, 4]
    """
    system = _check_system(system)
    if not isinstance(parameter, str) or parameter not in system.parameters:
        valid = ", ".join(system.parameters) or "(none)"
        raise UnknownParameterError(f"{system.name} has no parameter {parameter!r}; its parameters are: {valid}.")
    vals = as_float_array(values, "values", ndim=(0, 1)).ravel()
    if vals.size == 0:
        raise ValidationError("values is empty; give at least one parameter value.")
    n_keep = check_positive_int(n_keep, "n_keep")
    var = _variable_index(system, variable)
    if on_divergence not in ("raise", "nan"):
        raise ValidationError(f"on_divergence must be 'raise' or 'nan'; got {on_divergence!r}.")
    max_norm = check_positive_float(max_norm, "max_norm")
    x_init = _initial_state(system, x0)
    compiled = isinstance(system, SymbolicSystem)
    names = list(system.parameters)
    idx = names.index(parameter)
    period = float(system.metadata.get("period", 1.0) or 1.0)
    settings: dict[str, Any] = dict(n_keep=n_keep, x0=x_init.copy(), continuation=bool(continuation),
                                    on_divergence=on_divergence, backend="compiled" if compiled else "python")
    if system.kind == "map":
        if section is not None:
            raise ValidationError("section applies to flows; for a map the iterates themselves are recorded "
                                  "(leave section=None).")
        transient = 1000 if transient is None else check_nonnegative_int(transient, "transient (iterations, for a map)")
        sec_name, mode = "iterates", -1
        settings.update(transient=transient)
    else:
        transient = 50.0 * period if transient is None else check_positive_float(transient, "transient",
                                                                                  allow_zero=True)
        t_max = 20.0 * n_keep * period if t_max is None else check_positive_float(t_max, "t_max")
        rtol = check_positive_float(rtol, "rtol")
        atol = check_positive_float(atol, "atol")
        max_steps = check_positive_int(max_steps, "max_steps")
        direction = _check_direction(direction)
        if section is None or (isinstance(section, str) and section in ("maxima", "minima")):
            sec_name = "maxima" if section is None else section
            normal, offset = np.zeros(system.dimension), 0.0
        elif isinstance(section, str):
            raise ValidationError(f"section must be None, 'maxima', 'minima' or a plane; got {section!r}.")
        else:
            sec_name = "plane"
            normal, offset = _parse_plane(system, section)
            settings.update(normal=normal, offset=offset, direction=direction)
        mode = _MODES[sec_name]
        settings.update(transient=transient, t_max=t_max, rtol=rtol, atol=atol)

    pts_list, counts, diverged = [], np.zeros(vals.size, dtype=int), np.zeros(vals.size, dtype=bool)
    x_start = x_init
    for i, v in enumerate(vals):
        if not math.isfinite(v):
            raise ValidationError(f"values[{i}] = {v!r} is not finite.")
        try:
            if system.kind == "map":
                X = _map_orbit(system, compiled, idx, parameter, v, x_start, transient, n_keep, max_norm)
                rec, x_last = X[:, var], X[-1]
            else:
                if compiled:
                    p = system.parameter_vector
                    p[idx] = v
                    T, X, x_last, _ = _events_compiled(system, p, x_start, 0.0, transient, transient + t_max, n_keep,
                                                       mode, normal, offset, direction, var, rtol, atol, max_steps,
                                                       max_norm)
                else:
                    sysv = _with_parameter(system, parameter, v)
                    T, X, x_last, _ = _events_python(sysv, x_start, 0.0, transient, transient + t_max, n_keep, mode,
                                                     normal, offset, direction, var, rtol, atol, max_norm)
                rec = X[:, var]
        except DivergenceError as exc:
            if on_divergence == "raise":
                raise DivergenceError(f"{system.name} with {parameter} = {v:g}: {exc}", exc.t, exc.state) from exc
            diverged[i] = True
            continue
        pts_list.append(np.asarray(rec, dtype=float))
        counts[i] = rec.size
        if continuation:
            x_start = np.ascontiguousarray(x_last, dtype=float)
    pts = np.concatenate(pts_list) if pts_list else np.empty(0)
    param = np.repeat(vals, counts)
    return OrbitDiagramResult(parameter, vals, param, pts, counts, diverged, system.state_names[var], sec_name,
                              system.name, system.kind, settings)


def _with_parameter(system, parameter, value):
    try:
        return system.with_parameters(**{parameter: value})
    except NotImplementedError as exc:
        raise ValidationError(f"{type(system).__name__} does not implement with_parameters, which orbit_diagram "
                              "needs to vary a parameter.") from exc


def _map_orbit(system, compiled, idx, parameter, value, x0, transient, n_keep, max_norm):
    from ..integrate.solve import _raise_for_status

    if compiled:
        mod = system.compiled
        p = system.parameter_vector
        p[idx] = value
        x = x0
        if transient:
            Xtr, st, tf, xl, _ = mod.iterate(x, 0, 2, transient, p, max_norm)
            _raise_for_status(system, int(st), float(tf), xl, max_norm, 0)
            x = np.ascontiguousarray(Xtr[1])
        X, st, tf, xl, _ = mod.iterate(x, transient, n_keep, 1, p, max_norm)
        _raise_for_status(system, int(st), float(tf), xl, max_norm, 0)
        return X
    sysv = _with_parameter(system, parameter, value)
    return sysv.trajectory(n_keep, x0=x0, transient=transient, max_norm=max_norm).x
