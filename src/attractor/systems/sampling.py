"""Sample a catalogued system the way benchmark data sets are made: N points per characteristic period.

:func:`sample` returns ``n`` points of a system at ``pts_per_period`` points per
characteristic period (``metadata['period']``, the dominant time scale recorded in
the catalogue), after a transient of ``transient_periods`` periods, optionally from a
random initial condition on the attractor and with observation noise. Everything
random is drawn from one generator, ``np.random.default_rng(seed)``, so a given seed
gives the same data.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.errors import ValidationError
from ..core.system import DynamicalSystem, Trajectory
from ..core.validation import check_positive_float, check_positive_int

__all__ = ["sample"]

_MAP_TRANSIENT = 1000        # default transient of a map, iterations
_FLOW_TRANSIENT_PERIODS = 10.0
_REFERENCE_POINTS = 2000     # length of the reference run a random initial condition is drawn from


def _resolve(name_or_system, params: dict[str, Any]) -> DynamicalSystem:
    if isinstance(name_or_system, DynamicalSystem):
        return name_or_system.with_parameters(**params) if params else name_or_system
    if isinstance(name_or_system, str):
        from .registry import system

        return system(name_or_system, **params)
    raise ValidationError(f"name_or_system must be a catalogue name or a DynamicalSystem; "
                          f"got {type(name_or_system).__name__}.")


def _period(s: DynamicalSystem) -> float:
    period = s.metadata.get("period")
    try:
        period = float(period)
    except (TypeError, ValueError):
        period = float("nan")
    if not (math.isfinite(period) and period > 0):
        raise ValidationError(f"{s.name} has no characteristic period (metadata['period']); simulate it with "
                              "trajectory(n, dt=...) instead.")
    return period


def sample(name_or_system: str | DynamicalSystem, n: int, pts_per_period: float = 100,
           transient_periods: float | None = None, random_ic: bool = False, noise: float = 0.0,
           seed: int | np.random.Generator | None = None, **params: float) -> Trajectory:
    """``n`` points of a system, ``pts_per_period`` per characteristic period, after a transient.

    Parameters
    ----------
    name_or_system : str or DynamicalSystem
        A catalogue name (``params`` are passed to :func:`attractor.system`) or a system
        (``params`` are applied with ``with_parameters``).
    n : int >= 1
        Number of samples returned.
    pts_per_period : float > 0
        Flows (and delay equations): samples per characteristic period ``T =
        metadata['period']``, i.e. sampling step ``dt = T / pts_per_period`` (time units).
        Maps: ignored, every iterate is returned.
    transient_periods : float >= 0, optional
        Discarded lead-in, in periods (flows; default 10) or in iterations (maps; default
        1000).
    random_ic : bool
        If True, start from a random point of the attractor: a point drawn uniformly from
        a reference run of 2000 samples (spaced ``T/20`` for flows) that starts from the
        default initial condition after the transient. For time-dependent systems the
        start time is that point's time; for delay equations the history is the
        reference run's segment ending at that point (sampled at the new ``dt``).
    noise : float >= 0
        Observation noise: independent Gaussian noise with standard deviation
        ``noise * std_j`` added to channel ``j``, where ``std_j`` is that channel's
        standard deviation over the returned samples (e.g. ``noise=0.05`` is 5 %).
        The dynamics are not affected.
    seed : int, numpy.random.Generator or None
        Source of randomness for ``random_ic`` and ``noise``.
    **params
        Parameter values.

    Returns
    -------
    Trajectory
        ``t`` of shape (n,), ``x`` of shape (n, dimension); ``metadata`` records
        ``pts_per_period``, ``period``, ``transient``, ``random_ic``, ``x0`` (the initial
        condition used), ``noise`` and ``seed``.

    Raises
    ------
    ValidationError
        Bad ``n``, ``pts_per_period``, ``transient_periods`` or ``noise``; a flow without
        a characteristic period.

    Examples
    --------
    >>> import attractor
    >>> tr = attractor.systems.sample("Lorenz", 500, pts_per_period=50, noise=0.01, seed=0)
    >>> tr.x.shape
    (500, 3)
    """
    n = check_positive_int(n, "n")
    pts = check_positive_float(pts_per_period, "pts_per_period")
    noise = check_positive_float(noise, "noise", allow_zero=True)
    if transient_periods is not None:
        transient_periods = check_positive_float(transient_periods, "transient_periods", allow_zero=True)
    rng = np.random.default_rng(seed)
    s = _resolve(name_or_system, params)
    is_delay = bool(s.metadata.get("delay", False))
    meta: dict[str, Any] = {"random_ic": bool(random_ic), "noise": noise,
                            "seed": seed if isinstance(seed, (int, type(None))) else "Generator"}

    if s.kind == "map":
        transient = _MAP_TRANSIENT if transient_periods is None else int(round(transient_periods))
        x0, t0 = s.default_x0, 0
        if random_ic:
            ref = s.trajectory(_REFERENCE_POINTS, transient=transient)
            i = int(rng.integers(_REFERENCE_POINTS))
            x0, t0 = ref.x[i], int(ref.t[i])
        tr = s.trajectory(n, x0=x0, transient=transient, t0=t0)
        meta.update(transient=transient)
    else:
        period = _period(s)
        dt = period / pts
        tp = _FLOW_TRANSIENT_PERIODS if transient_periods is None else transient_periods
        transient = tp * period
        kwargs: dict[str, Any] = {}
        x0, t0 = s.default_x0, 0.0
        if random_ic:
            if is_delay:
                # history = a segment of a reference run, sampled at dt, covering one delay
                m = int(math.ceil(s.tau / dt)) + 1
                ref = s.trajectory(_REFERENCE_POINTS + m, dt=dt, transient=transient)
                i = int(rng.integers(m, _REFERENCE_POINTS + m))
                kwargs["history"] = ref.x[i - m + 1:i + 1]
                kwargs["history_dt"] = dt
                x0 = None
                t0 = float(ref.t[i]) if s.non_autonomous else 0.0
            else:
                ref = s.trajectory(_REFERENCE_POINTS, dt=period / 20.0, transient=transient)
                i = int(rng.integers(_REFERENCE_POINTS))
                x0 = ref.x[i]
                t0 = float(ref.t[i]) if s.non_autonomous else 0.0
            transient = min(transient, period)   # already on the attractor: a short settle suffices
        tr = s.trajectory(n, dt=dt, x0=x0, transient=transient, t0=t0, **kwargs)
        meta.update(pts_per_period=pts, period=period, transient=transient)

    x = tr.x
    if noise > 0:
        std = x.std(axis=0)
        x = x + noise * std * rng.standard_normal(x.shape)
    meta["x0"] = None if x0 is None else np.asarray(x0, dtype=float).tolist()
    return Trajectory(tr.t, x, tr.dt, tr.system, tr.state_names, tr.parameters, {**dict(tr.metadata), **meta})
