"""The one interface every dynamical system in attractor shares, and its trajectories.

A :class:`DynamicalSystem` is an immutable value: a flow (``dx/dt = f(x, t)``) or a
map (``x_{n+1} = g(x_n, n)``) with a dimension, named states and parameters, and
metadata. Catalogued systems and every learned model (SINDy, DMD, ESN, ...) are
DynamicalSystems, so every analysis (simulation, Jacobian, Lyapunov spectrum, fixed
points) applies to all of them without special cases.

Subclasses implement :meth:`DynamicalSystem.rhs` (flows) or :meth:`DynamicalSystem.step`
(maps); everything else has a working default. :class:`SymbolicSystem` is the
subclass built from one symbolic definition, with an exact Jacobian and compiled
integrators.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, Sequence

import numpy as np

from .errors import UnknownParameterError, ValidationError
from .validation import as_float_array, as_state, check_positive_float, check_positive_int

__all__ = ["DynamicalSystem", "SymbolicSystem", "Trajectory"]


# ====================================================================== Trajectory
@dataclass(frozen=True, eq=False)
class Trajectory:
    """Sampled states of a system (simulated or observed).

    Attributes
    ----------
    t : numpy.ndarray, shape (n_times,)
        Sample times (time units for flows; iteration indices for maps).
    x : numpy.ndarray, shape (n_times, dimension), or (n_members, n_times, dimension) for an ensemble
        States; rows are time.
    dt : float or None
        Uniform sampling step, or None when sampling is irregular.
    system : str or None
        Name of the generating system, if any.
    state_names : tuple of str
        Column names.
    parameters : mapping
        Parameters of the generating system.
    metadata : mapping
        Anything else (integration method, tolerances, transient, ...).
    """

    t: np.ndarray
    x: np.ndarray
    dt: float | None = None
    system: str | None = None
    state_names: tuple[str, ...] = ()
    parameters: Mapping[str, float] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if self.x.shape[-2] != self.t.shape[0]:
            raise ValidationError(f"x has {self.x.shape[-2]} time samples but t has {self.t.shape[0]}.")
        if not self.state_names:
            object.__setattr__(self, "state_names", tuple(f"x{i}" for i in range(self.x.shape[-1])))

    # -- shape
    @property
    def is_ensemble(self) -> bool:
        """True when ``x`` holds several trajectories, shape (n_members, n_times, dimension)."""
        return self.x.ndim == 3

    @property
    def n_times(self) -> int:
        return int(self.t.shape[0])

    @property
    def dimension(self) -> int:
        return int(self.x.shape[-1])

    def __len__(self) -> int:
        return self.x.shape[0]

    def __getitem__(self, i: int) -> "Trajectory":
        """Member ``i`` of an ensemble."""
        if not self.is_ensemble:
            raise TypeError("only an ensemble trajectory can be indexed; use .x for the states")
        return Trajectory(self.t, self.x[i], self.dt, self.system, self.state_names,
                          self.parameters, self.metadata)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.x, dtype=dtype)

    def __repr__(self) -> str:
        shape = "×".join(map(str, self.x.shape))
        return f"Trajectory({self.system or 'data'}, x: {shape}, dt={self.dt})"

    # -- conversion
    def to_numpy(self) -> np.ndarray:
        """The states, shape (n_times, dimension)."""
        return self.x

    def to_frame(self):
        """A pandas DataFrame with a ``t`` column followed by one column per state."""
        import pandas as pd

        if self.is_ensemble:
            frames = [self[i].to_frame().assign(member=i) for i in range(len(self))]
            return pd.concat(frames, ignore_index=True)
        df = pd.DataFrame(self.x, columns=list(self.state_names))
        df.insert(0, "t", self.t)
        return df

    @classmethod
    def from_numpy(cls, x, t=None, dt: float | None = None, **kwargs) -> "Trajectory":
        """Wrap observed data. Give ``t`` (time stamps) or ``dt`` (uniform step; default 1)."""
        arr = as_float_array(x, "x", ndim=(1, 2))
        if arr.ndim == 1:
            arr = arr[:, None]
        if t is None:
            step = 1.0 if dt is None else check_positive_float(dt, "dt")
            tt = step * np.arange(arr.shape[0])
            dt = step
        else:
            from .validation import check_time_vector

            tt = check_time_vector(t, arr.shape[0])
            d = np.diff(tt)
            dt = float(np.median(d)) if d.size and np.allclose(d, np.median(d), rtol=1e-6, atol=0) else None
        return cls(tt, arr, dt, **kwargs)

    @classmethod
    def from_frame(cls, df, time_column: str | None = "t", columns: Sequence[str] | None = None) -> "Trajectory":
        """Build from a DataFrame; time from ``time_column`` (if present) else the index."""
        if time_column is not None and time_column in df.columns:
            t = df[time_column].to_numpy(dtype=float)
            rest = df.drop(columns=[time_column])
        else:
            t = None
            rest = df
        if columns is not None:
            missing = [c for c in columns if c not in rest.columns]
            if missing:
                raise ValidationError(f"columns {missing} not found; available: {list(rest.columns)}.")
            rest = rest[list(columns)]
        numeric = rest.select_dtypes("number")
        if numeric.shape[1] == 0:
            raise ValidationError(f"no numeric columns among {list(rest.columns)}.")
        return cls.from_numpy(numeric.to_numpy(dtype=float), t=t, state_names=tuple(map(str, numeric.columns)))

    def save(self, path: str | Path) -> Path:
        """Write to ``.csv``, ``.parquet`` or ``.npz`` (chosen by the extension)."""
        path = Path(path)
        ext = path.suffix.lower()
        if ext == ".csv":
            self.to_frame().to_csv(path, index=False)
        elif ext in (".parquet", ".pq"):
            self.to_frame().to_parquet(path, index=False)
        elif ext == ".npz":
            np.savez_compressed(path, t=self.t, x=self.x, dt=np.nan if self.dt is None else self.dt,
                                state_names=np.array(self.state_names), system=str(self.system or ""))
        else:
            raise ValidationError(f"unsupported output format {ext!r}; use .csv, .parquet or .npz.")
        return path

    @classmethod
    def load(cls, path: str | Path) -> "Trajectory":
        """Read a file written by :meth:`save` (or any CSV/Parquet with a ``t`` column)."""
        import pandas as pd

        path = Path(path)
        ext = path.suffix.lower()
        if ext == ".npz":
            with np.load(path, allow_pickle=False) as z:
                dt = float(z["dt"])
                return cls(z["t"], z["x"], None if math.isnan(dt) else dt, str(z["system"]) or None,
                           tuple(str(s) for s in z["state_names"]))
        if ext == ".csv":
            return cls.from_frame(pd.read_csv(path))
        if ext in (".parquet", ".pq"):
            return cls.from_frame(pd.read_parquet(path))
        raise ValidationError(f"unsupported file format {ext!r}; use .csv, .parquet or .npz.")


# ====================================================================== base class
class DynamicalSystem:
    """Base class: a flow or a map with named states and parameters.

    Subclasses set the attributes below in ``__init__`` and implement :meth:`rhs`
    (flows) or :meth:`step` (maps). Instances are immutable values: change
    parameters with :meth:`with_parameters`.

    Attributes
    ----------
    name : str
    kind : {"flow", "map", "stochastic"}
        ``"stochastic"``: an SDE (:class:`attractor.core.stochastic.StochasticSystem`) whose
        ``rhs`` is the drift; it adds ``diffusion(x)``.
    dimension : int
    state_names : tuple of str
    parameters : mapping str -> float (read-only)
    default_x0 : numpy.ndarray or None
        A default initial condition (on or near the attractor for catalogued systems).
    default_dt : float
        Default sampling step (time units; 1 for maps).
    metadata : mapping (read-only)
        Citation, description, characteristic period, reference invariants, flags.
    """

    name: str = "system"
    kind: str = "flow"
    dimension: int = 0
    state_names: tuple[str, ...] = ()
    parameters: Mapping[str, float] = MappingProxyType({})
    default_x0: np.ndarray | None = None
    default_dt: float = 1.0
    metadata: Mapping[str, Any] = MappingProxyType({})

    # ---------------------------------------------------------------- definition
    def rhs(self, x, t: float = 0.0) -> np.ndarray:
        """Vector field ``dx/dt`` at state ``x`` and time ``t`` (flows only)."""
        raise TypeError(f"{self.name} is a {self.kind}; " + ("use step(x)." if self.kind == "map" else "rhs is not implemented."))

    def step(self, x, t: float = 0.0) -> np.ndarray:
        """Next state ``g(x)`` (maps only; ``t`` is the iteration index)."""
        raise TypeError(f"{self.name} is a {self.kind}; " + ("use rhs(x, t)." if self.kind == "flow" else "step is not implemented."))

    def evaluate(self, x, t: float = 0.0) -> np.ndarray:
        """``rhs`` for flows, ``step`` for maps."""
        return self.rhs(x, t) if self.kind == "flow" else self.step(x, t)

    def jacobian(self, x, t: float = 0.0) -> np.ndarray:
        """Jacobian matrix ``∂f_i/∂x_j`` of :meth:`evaluate` at ``x``, shape (dimension, dimension).

        The default uses central differences with steps ``h_j = ε^{1/3} max(1, |x_j|)``
        (ε machine epsilon; truncation and rounding errors balance at ~ε^{2/3}, about
        1e-10 relative). Systems with an exact Jacobian override this.
        """
        x = self._check_state(x)
        n = self.dimension
        J = np.empty((n, n))
        eps3 = np.finfo(float).eps ** (1 / 3)
        for j in range(n):
            h = eps3 * max(1.0, abs(x[j]))
            xp = x.copy()
            xm = x.copy()
            xp[j] += h
            xm[j] -= h
            J[:, j] = (self.evaluate(xp, t) - self.evaluate(xm, t)) / (2 * h)
        return J

    @property
    def has_exact_jacobian(self) -> bool:
        """True when :meth:`jacobian` is analytic rather than finite differences."""
        return type(self).jacobian is not DynamicalSystem.jacobian

    @property
    def non_autonomous(self) -> bool:
        """True when the vector field depends explicitly on time."""
        return bool(self.metadata.get("non_autonomous", False))

    def with_parameters(self, **parameters: float) -> "DynamicalSystem":
        """A new system with some parameters changed (this one is unchanged)."""
        raise NotImplementedError(f"{type(self).__name__} does not support with_parameters")

    def _check_parameters(self, parameters: Mapping[str, Any]) -> dict[str, float]:
        unknown = [k for k in parameters if k not in self.parameters]
        if unknown:
            valid = ", ".join(self.parameters) or "(none)"
            raise UnknownParameterError(f"{self.name} has no parameter(s) {unknown}; its parameters are: {valid}.")
        out = dict(self.parameters)
        for k, v in parameters.items():
            if isinstance(v, (bool, np.bool_)) or np.iscomplexobj(v):
                raise ValidationError(f"parameter {k} must be a real number; got {v!r}.")
            try:
                fv = float(v)
            except (TypeError, ValueError) as exc:
                raise ValidationError(f"parameter {k} must be a number; got {v!r}.") from exc
            if not math.isfinite(fv):
                raise ValidationError(f"parameter {k} must be finite; got {v!r}.")
            out[k] = fv
        return out

    def _check_state(self, x) -> np.ndarray:
        return as_state(x, self.dimension, "x", ensemble=False)

    # ---------------------------------------------------------------- simulation
    def trajectory(self, n: int, dt: float | None = None, x0=None, transient: float = 0.0, *,
                   method: str | None = None, rtol: float = 1e-9, atol: float = 1e-9,
                   t0: float = 0.0, max_norm: float = 1e12, max_steps: int | None = None,
                   step: float | None = None) -> Trajectory:
        """Simulate ``n`` samples.

        Parameters
        ----------
        n : int >= 1
            Number of output samples.
        dt : float, optional
            Sampling step in time units (flows; default ``default_dt``). For maps every
            iterate is returned; pass an integer ``dt`` to keep every dt-th iterate.
        x0 : array_like, shape (dimension,) or (n_members, dimension), optional
            Initial condition(s); default ``default_x0``. A 2-D ``x0`` simulates an
            ensemble and returns ``x`` of shape (n_members, n, dimension).
        transient : float
            Discarded lead-in: time units for flows, iterations for maps. The first
            output sample is at ``t0 + transient``.
        method : {"dop853", "rk45", "rk4"}, optional
            Flows only. ``dop853`` (default): adaptive Dormand–Prince 8(5,3) with 7th-order
            dense output; ``rk45``: Dormand–Prince 5(4) with 4th-order dense output. Both
            accept a step when the local error estimate, in units of
            ``atol + rtol*|x|`` (root-mean-square over components), is <= 1, and fill
            output times from the continuous extension (output never forces small steps).
            ``rk4``: classical fixed-step Runge–Kutta with internal step ``step``
            (default ``dt``; it is rounded so a whole number of steps fits in ``dt``).
        rtol, atol : float
            Relative and absolute tolerances for the adaptive methods.
        t0 : float
            Initial time (matters for non-autonomous systems).
        max_norm : float
            A state with any |x_i| above this (or non-finite) counts as divergence.
        max_steps : int, optional
            Step budget of the adaptive integrators (and cap of a map's iterations).
            Default: 1000 steps per ``default_dt`` of the integrated span, at least 1e6
            and at most 1e8, so a run that turns stiff or oscillates far faster than the
            system's time scale fails in seconds; pass a number to insist.

        Raises
        ------
        DivergenceError
            The trajectory blew up; the error carries the time and the last finite state.
        StepSizeUnderflowError
            The adaptive step became smaller than floating point resolves.
        ValidationError
            Bad arguments, including requests checked up front that cannot fit: the
            output array against the available memory, the (estimated) number of steps
            against ``max_steps`` (e.g. ``dt=1e300`` or ``transient=1e12``), ``n=True``.
        """
        from ..integrate.solve import simulate  # integrate sits above core; imported lazily

        return simulate(self, n, dt=dt, x0=x0, transient=transient, method=method, rtol=rtol, atol=atol,
                        t0=t0, max_norm=max_norm, max_steps=max_steps, step=step)

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v:g}" for k, v in self.parameters.items())
        return f"<{self.kind} {self.name}({params}), dimension {self.dimension}>"


# ====================================================================== symbolic system
class SymbolicSystem(DynamicalSystem):
    """A system defined once by symbolic equations, with exact Jacobian and compiled integrators.

    Parameters
    ----------
    spec : SymbolicSpec
        Equations over named states and parameters.
    parameters : mapping
        A value for every parameter in ``spec``.
    x0 : array_like, optional
        Default initial condition.
    dt : float, optional
        Default sampling step (flows), default 0.01.
    metadata : mapping, optional
        Citation, description, period, reference invariants, flags such as ``hamiltonian``.
        ``metadata["energy"]``, if given, is an expression (text) of a conserved quantity.

    Examples
    --------
    >>> from attractor.core.symbolic import SymbolicSpec
    >>> spec = SymbolicSpec("Lorenz", "flow", ("x", "y", "z"), ("sigma", "rho", "beta"),
    ...                     ("sigma*(y - x)", "x*(rho - z) - y", "x*y - beta*z"))
    >>> lorenz = SymbolicSystem(spec, dict(sigma=10, rho=28, beta=8/3), x0=[1, 1, 1])
    """

    def __init__(self, spec, parameters: Mapping[str, float], *, x0=None, dt: float | None = None,
                 metadata: Mapping[str, Any] | None = None):
        missing = [p for p in spec.parameters if p not in parameters]
        extra = [p for p in parameters if p not in spec.parameters]
        if missing or extra:
            raise ValidationError(f"{spec.name}: parameters missing {missing}, unexpected {extra}.")
        self.spec = spec
        self.name = spec.name
        self.kind = spec.kind
        self.dimension = len(spec.states)
        self.state_names = tuple(spec.states)
        self.parameters = MappingProxyType({k: float(parameters[k]) for k in spec.parameters})
        self.default_x0 = None if x0 is None else as_state(x0, self.dimension, "x0", ensemble=False).copy()
        self.default_dt = float(dt) if dt is not None else (0.01 if self.kind == "flow" else 1.0)
        meta = dict(metadata or {})
        meta.setdefault("non_autonomous", None)
        self.metadata = MappingProxyType(meta)
        self._p = np.array([self.parameters[k] for k in spec.parameters], dtype=float)

    @property
    def non_autonomous(self) -> bool:
        flag = self.metadata.get("non_autonomous")
        return self.spec.uses_time if flag is None else bool(flag)

    # -- compiled module (shared by every parameter set of the same equations)
    @property
    def compiled(self):
        """The generated module: ``f``, ``jac``, ``tangent`` and the driver entry points."""
        from .symbolic import compiled_module

        return compiled_module(self.spec)

    @property
    def parameter_vector(self) -> np.ndarray:
        """Parameters as the float64 vector ``p`` the compiled functions take (spec order)."""
        return self._p.copy()

    def rhs(self, x, t: float = 0.0) -> np.ndarray:
        if self.kind != "flow":
            return super().rhs(x, t)
        x = self._check_state(x)
        out = np.empty(self.dimension)
        self.compiled.f(float(t), x, self._p, out)
        return out

    def step(self, x, t: float = 0.0) -> np.ndarray:
        if self.kind != "map":
            return super().step(x, t)
        x = self._check_state(x)
        out = np.empty(self.dimension)
        self.compiled.f(float(t), x, self._p, out)
        return out

    def jacobian(self, x, t: float = 0.0) -> np.ndarray:
        """Exact Jacobian, derived symbolically and compiled."""
        x = self._check_state(x)
        out = np.empty((self.dimension, self.dimension))
        self.compiled.jac(float(t), x, self._p, out)
        return out

    def with_parameters(self, **parameters: float) -> "SymbolicSystem":
        new = self._check_parameters(parameters)
        return SymbolicSystem(self.spec, new, x0=self.default_x0, dt=self.default_dt, metadata=self.metadata)

    # -- symbolic views
    def equations(self) -> list[str]:
        """Equations as text, e.g. ``dx/dt = sigma*(-x + y)``."""
        lhs = (lambda s: f"d{s}/dt") if self.kind == "flow" else (lambda s: f"{s}[n+1]")
        return [f"{lhs(s)} = {e}" for s, e in zip(self.state_names, self.spec.expressions)]

    def latex(self) -> list[str]:
        """LaTeX of each equation."""
        return self.spec.latex()

    def coefficients(self, degree: int | None = None, include_bias: bool = True):
        """True coefficients over the monomial basis of the states, with parameters substituted.

        Returns
        -------
        names : list of str
            Monomials in graded order (``1``, ``x``, ``y``, ..., ``x^2``, ``x y``, ...).
        coef : numpy.ndarray, shape (n_monomials, dimension)
            ``coef[k, i]`` multiplies monomial ``k`` in equation ``i``.

        Raises
        ------
        ValidationError
            If an equation is not a polynomial in the states (or exceeds ``degree``).
        """
        import itertools

        import sympy as sp

        xs, ps, t = self.spec.symbols
        values = {s: self.parameters[s.name] for s in ps}
        polys = []
        for name, e in zip(self.state_names, self.spec.expressions):
            e = sp.expand(e.xreplace(values))
            if t in e.free_symbols or not e.is_polynomial(*xs):
                raise ValidationError(f"{self.name}: equation for {name} is not a polynomial in the states.")
            polys.append(sp.Poly(e, *xs))
        max_deg = max((p.total_degree() for p in polys), default=0)
        if degree is None:
            degree = max_deg
        elif max_deg > degree:
            raise ValidationError(f"{self.name} has terms of degree {max_deg} > {degree}.")
        exps = []
        for d in range(0 if include_bias else 1, degree + 1):
            for combo in itertools.combinations_with_replacement(range(self.dimension), d):
                e = [0] * self.dimension
                for i in combo:
                    e[i] += 1
                exps.append(tuple(e))
        index = {e: k for k, e in enumerate(exps)}
        coef = np.zeros((len(exps), self.dimension))
        for i, p in enumerate(polys):
            for mon, c in p.terms():
                if mon not in index:
                    raise ValidationError(f"{self.name}: a constant term exists but include_bias=False.")
                coef[index[mon], i] = float(c)
        names = [" ".join(f"{s}^{k}" if k > 1 else s for s, k in zip(self.state_names, e) if k) or "1" for e in exps]
        return names, coef

    def energy(self, x) -> np.ndarray:
        """Conserved quantity (``metadata['energy']``) at state(s) ``x``, shape (...,)."""
        expr = self.metadata.get("energy")
        if expr is None:
            raise TypeError(f"{self.name} declares no conserved quantity")
        import sympy as sp

        from .expressions import parse_expression

        xs, ps, _ = self.spec.symbols
        local = {s.name: s for s in (*xs, *ps)}
        fn = sp.lambdify(xs + ps, parse_expression(expr, local, context=f"{self.name}: energy"), "numpy")
        arr = np.asarray(x, dtype=float)
        return fn(*np.moveaxis(arr, -1, 0), *self._p)
