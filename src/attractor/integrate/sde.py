"""Simulation of stochastic systems: compiled Euler–Maruyama, Milstein and SRA1 schemes.

:func:`simulate_sde` integrates a :class:`~attractor.core.stochastic.StochasticSystem`
with a fixed internal step ``h = dt / substeps`` and keeps every ``substeps``-th state.
Increments come from a counter-based generator inside the compiled kernel (see
:mod:`attractor.integrate._sde_kernels`): the same seed gives the same path whatever the
number of members, the threads, or how an ensemble is split into calls
(``member_offset``), and one seed gives one Brownian path to every method.
:func:`sde_path` integrates along user-supplied normals instead (convergence studies that
need the same path at several step sizes).

Schemes
-------
``"em"``        Euler–Maruyama. Strong order 1/2, weak order 1 (Kloeden & Platen 1992,
                *Numerical Solution of Stochastic Differential Equations*, Secs 10.2 and 14.1).
``"milstein"``  Milstein for commutative noise (diagonal noise in particular): strong
                order 1 (Kloeden & Platen 1992, Sec. 10.3). Refused for non-commutative
                noise, which needs Lévy areas.
``"sra"``       Rößler's SRA1 stochastic Runge–Kutta scheme for additive noise (G may depend
                on time, not on the state): strong order 1.5, weak order 2 (A. Rößler 2010,
                "Runge–Kutta methods for the strong approximation of solutions of stochastic
                differential equations", SIAM J. Numer. Anal. 48(3), 922–952). Tableau:
                :data:`SRA1`.

All schemes integrate the Itô form; a Stratonovich system's drift is converted exactly
(symbolically) first. Default method: ``"sra"`` for additive noise, ``"milstein"`` for
commutative multiplicative noise, else ``"em"``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral

import numpy as np

from ..core.errors import DivergenceError, ValidationError
from ..core.system import Trajectory
from ..core.validation import as_float_array, as_state, check_nonnegative_int, check_positive_float, \
    check_positive_int
from . import _sde_kernels as K

__all__ = ["simulate_sde", "sde_path", "SRATableau", "SRA1", "SDE_METHODS", "resolve_seed"]

SDE_METHODS = ("em", "milstein", "sra")
_ALIASES = {"em": "em", "euler": "em", "euler_maruyama": "em", "eulermaruyama": "em", "milstein": "milstein",
            "sra": "sra", "sra1": "sra"}
_CODES = {"em": K.EM, "milstein": K.MILSTEIN, "sra": K.SRA}
#: Largest number of internal steps per path (default ``max_steps``).
MAX_STEPS = 10**8


@dataclass(frozen=True)
class SRATableau:
    """Explicit SRA tableau (Rößler 2010): stages ``H_i = X + h Σ_j A0_ij f(H_j) +
    Σ_j B0_ij G(t + c1_j h) I_(k,0)/h``; update ``X + h Σ_i α_i f(t + c0_i h, H_i) +
    Σ_i G(t + c1_i h)(β1_i ΔW + β2_i I_(k,0)/h)``."""

    name: str
    c0: tuple[float, ...]
    c1: tuple[float, ...]
    A0: tuple[tuple[float, ...], ...]
    B0: tuple[tuple[float, ...], ...]
    alpha: tuple[float, ...]
    beta1: tuple[float, ...]
    beta2: tuple[float, ...]
    strong_order: float
    weak_order: float
    citation: str

    def arrays(self):
        f = lambda v: np.ascontiguousarray(v, dtype=np.float64)  # noqa: E731
        return f(self.c0), f(self.c1), f(self.A0), f(self.B0), f(self.alpha), f(self.beta1), f(self.beta2)


#: Rößler (2010) SRA1: two stages, strong order 1.5 and weak order 2 for additive noise.
SRA1 = SRATableau(
    "SRA1", c0=(0.0, 0.75), c1=(1.0, 0.0), A0=((0.0, 0.0), (0.75, 0.0)), B0=((0.0, 0.0), (1.5, 0.0)),
    alpha=(1 / 3, 2 / 3), beta1=(1.0, 0.0), beta2=(-1.0, 1.0), strong_order=1.5, weak_order=2.0,
    citation="A. Rößler (2010), SIAM J. Numer. Anal. 48(3), 922-952, scheme SRA1.")


def resolve_seed(seed) -> tuple[int, int]:
    """The 64-bit Philox key (two 32-bit words) for ``seed``.

    ``seed`` may be a non-negative integer, a :class:`numpy.random.SeedSequence`, a
    :class:`numpy.random.Generator` (two words are drawn from it) or None (fresh entropy;
    the key used is reported in the trajectory's metadata so the run can be repeated).
    """
    if seed is None:
        words = np.random.SeedSequence().generate_state(2, np.uint32)
    elif isinstance(seed, np.random.Generator):
        words = seed.integers(0, 2**32, size=2, dtype=np.uint64)
    elif isinstance(seed, np.random.SeedSequence):
        words = seed.generate_state(2, np.uint32)
    elif isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (Integral, np.integer)):
        raise ValidationError(f"seed must be a non-negative integer, a numpy SeedSequence or Generator, or None; "
                              f"got {type(seed).__name__} {seed!r}.")
    elif int(seed) < 0:
        raise ValidationError(f"seed must be a non-negative integer; got {seed}.")
    else:
        words = np.random.SeedSequence(int(seed)).generate_state(2, np.uint32)
    return int(words[0]), int(words[1])


def _check_system(system):
    if getattr(system, "kind", None) != "stochastic" or not hasattr(system, "spec"):
        raise ValidationError(f"simulate_sde needs a stochastic system (kind 'stochastic'); got "
                              f"{getattr(system, 'kind', type(system).__name__)!r}. Use simulate() for flows and maps.")


def _resolve_method(system, method) -> str:
    if method is None:
        if system.spec.additive:
            return "sra"
        return "milstein" if system.spec.commutative else "em"
    key = str(method).lower().replace("-", "_") if isinstance(method, str) else None
    if key not in _ALIASES:
        raise ValidationError(f"unknown SDE method {method!r}; choose one of {SDE_METHODS}.")
    name = _ALIASES[key]
    if name == "sra" and not system.spec.additive:
        raise ValidationError(f"method 'sra' (Rößler SRA1) needs additive noise, but the diffusion of {system.name} "
                              "depends on the state; use 'milstein' or 'em'.")
    if name == "milstein" and not system.spec.commutative:
        raise ValidationError(f"method 'milstein' needs commutative noise (L^j G_k = L^k G_j); the noise of "
                              f"{system.name} is not commutative (Lévy areas would be needed); use 'em'.")
    return name


def _raise_divergence(system, status, fail_step, x_last, t0, h, max_norm, member_offset):
    bad = np.flatnonzero(status != K.OK)
    if bad.size == 0:
        return
    i = int(bad[np.argmin(fail_step[bad])])
    k = int(fail_step[i])
    t = t0 + k * h
    state = np.array2string(x_last[i], precision=6, separator=", ")
    raise DivergenceError(
        f"{system.name} diverged at t = {t:.6g} (internal step {k}, member {member_offset + i}; "
        f"{bad.size} member(s) diverged): the state left |x_i| <= {max_norm:g} or became non-finite. Last finite "
        f"state: {state}. Reduce dt/raise substeps, or check the parameters and initial condition.", t, x_last[i])


def simulate_sde(system, n: int, dt: float | None = None, x0=None, transient: float = 0.0, *, seed=None,
                 n_members: int | None = None, method: str | None = None, substeps: int | None = None,
                 t0: float = 0.0, max_norm: float = 1e12, max_steps: int | None = None,
                 member_offset: int = 0) -> Trajectory:
    """Simulate a stochastic system: one path or an ensemble, sampled every ``dt``.

    Parameters
    ----------
    system : StochasticSystem
    n : int >= 1
        Number of output samples (the first is the state after the transient).
    dt : float, optional
        Sampling step (time units; default ``system.default_dt``).
    x0 : array_like, shape (dimension,) or (n_members, dimension), optional
        Initial state(s); default ``system.default_x0``. A 1-D ``x0`` is shared by all members.
    transient : float
        Discarded lead-in (time units), rounded to a whole number of internal steps.
    seed : int, numpy SeedSequence or Generator, or None
        Seed of the Brownian paths; same seed, same numbers (see :func:`resolve_seed`).
    n_members : int, optional
        Ensemble size. None: one path (``x`` of shape (n, dimension)) unless ``x0`` is 2-D;
        an int always gives ``x`` of shape (n_members, n, dimension).
    method : {"em", "milstein", "sra"}, optional
        Scheme (see the module docstring); default by noise class.
    substeps : int, optional
        Internal steps per output sample, ``h = dt / substeps``. Default: enough that
        ``h <= metadata["integration_dt"]`` (or ``default_dt / 10``).
    t0 : float
        Initial time.
    max_norm : float
        A state with |x_i| above this (or non-finite) counts as divergence.
    max_steps : int, optional
        Budget of internal steps per path (default 1e8), checked before running.
    member_offset : int
        Index of the first member in the random stream: members ``i0 .. i0 + M - 1`` of a
        larger ensemble can be computed in separate calls and agree with one call.

    Returns
    -------
    Trajectory
        ``t`` of shape (n,), ``x`` of shape (n, dimension) or (n_members, n, dimension);
        metadata has method, substeps, step, seed key, interpretation, transient.

    Raises
    ------
    ValidationError
        Bad arguments (dt <= 0, non-finite x0, x0 shape, seed type, method unsuitable for the
        noise), or a request that cannot fit (memory of the output, step budget).
    DivergenceError
        A path blew up; the message names the time, the internal step and the member.
    """
    from ..core.resources import check_memory, check_steps

    _check_system(system)
    if isinstance(n, (bool, np.bool_)):
        raise ValidationError(f"n must be an integer >= 1; got the boolean {n!r}.")
    n = check_positive_int(n, "n")
    dt = check_positive_float(system.default_dt if dt is None else dt, "dt")
    transient = check_positive_float(transient, "transient", allow_zero=True)
    max_norm = check_positive_float(max_norm, "max_norm")
    try:
        t0_ok = math.isfinite(float(t0))
    except (TypeError, ValueError):
        t0_ok = False
    if not t0_ok:
        raise ValidationError(f"t0 must be finite; got {t0!r}.")
    t0 = float(t0)
    member_offset = check_nonnegative_int(member_offset, "member_offset")
    if x0 is None:
        if system.default_x0 is None:
            raise ValidationError(f"{system.name} has no default initial condition; pass x0.")
        x0 = system.default_x0
    X0 = as_state(x0, system.dimension, "x0")
    if n_members is not None:
        if isinstance(n_members, (bool, np.bool_)):
            raise ValidationError(f"n_members must be an integer >= 1 or None; got {n_members!r}.")
        n_members = check_positive_int(n_members, "n_members")
        if X0.ndim == 2 and X0.shape[0] != n_members:
            raise ValidationError(f"x0 holds {X0.shape[0]} states but n_members={n_members}.")
    ensemble = n_members is not None or X0.ndim == 2
    M = n_members if n_members is not None else (X0.shape[0] if X0.ndim == 2 else 1)
    X0s = np.ascontiguousarray(np.broadcast_to(X0, (M, system.dimension)), dtype=np.float64)
    name = _resolve_method(system, method)
    if substeps is None:
        h_ref = float(system.metadata.get("integration_dt", system.default_dt / 10))
        substeps = max(1, math.ceil(dt / h_ref * (1 - 1e-12)))
    else:
        if isinstance(substeps, (bool, np.bool_)):
            raise ValidationError(f"substeps must be an integer >= 1; got {substeps!r}.")
        substeps = check_positive_int(substeps, "substeps")
    h = dt / substeps
    n_tr = int(round(transient / h))
    total = n_tr + (n - 1) * substeps
    budget = MAX_STEPS if max_steps is None else check_positive_int(max_steps, "max_steps")
    check_steps(float(total), budget, f"simulating {system.name} for transient={transient:g} + (n-1)*dt = "
                f"{(n - 1) * dt:g} time units with internal step {h:g}", "n, transient or substeps")
    if not math.isfinite(t0 + total * h):
        raise ValidationError("the run ends beyond the floating-point range; reduce dt, n or transient.")
    check_memory(8.0 * (M * n * system.dimension + n),
                 f"the trajectory array (n={n} samples x {system.dimension} states x {M} member(s))",
                 "n or n_members")
    k0, k1 = resolve_seed(seed)
    out = _run(system, X0s, t0, h, n, substeps, n_tr, max_norm, name, k0, k1, member_offset)
    t = t0 + n_tr * h + dt * np.arange(n)
    meta = {"method": name, "substeps": substeps, "step": h, "transient": n_tr * h, "seed_key": (k0, k1),
            "interpretation": system.interpretation, "noise": system.noise, "member_offset": member_offset}
    x = out if ensemble else out[0]
    return Trajectory(t, x, dt, system.name, tuple(system.state_names), dict(system.parameters), meta)


_EMPTY3 = np.zeros((0, 0, 0))
#: Ensembles at least this large (members, and members x steps) run on all Numba threads.
_PARALLEL_MIN_MEMBERS = 8
_PARALLEL_MIN_WORK = 10**6


def _threads() -> int:
    import numba

    return int(numba.get_num_threads())


def _run(system, X0s, t0, h, n_out, substeps, n_tr, max_norm, name, k0, k1, member_offset,
         xi=_EMPTY3, zeta=_EMPTY3):
    mod = system.compiled
    M, dim = X0s.shape
    out = np.empty((M, n_out, dim))
    status = np.zeros(M, dtype=np.int64)
    fail_step = np.zeros(M, dtype=np.int64)
    x_last = np.zeros((M, dim))
    c0, c1, A0, B0, alpha, beta1, beta2 = SRA1.arrays()
    p = system.parameter_vector
    n_steps = n_tr + (n_out - 1) * substeps
    solve = mod.solve_sde
    if M >= _PARALLEL_MIN_MEMBERS and M * n_steps >= _PARALLEL_MIN_WORK and _threads() > 1:
        solve = mod.solve_sde_parallel  # same numbers: the increments do not depend on the thread
    solve(X0s, float(t0), float(h), int(n_out), int(substeps), int(n_tr), p, float(max_norm),
                  int(_CODES[name]), np.uint64(k0), np.uint64(k1), int(member_offset),
                  bool(system.spec.constant_diffusion), c0, c1, A0, B0, alpha, beta1, beta2, xi, zeta,
                  out, status, fail_step, x_last)
    _raise_divergence(system, status, fail_step, x_last, t0, h, max_norm, member_offset)
    return out


def sde_path(system, x0, h: float, xi, zeta=None, *, method: str | None = None, t0: float = 0.0,
             max_norm: float = 1e12) -> np.ndarray:
    """Integrate along given standard normals (the same Brownian path at several step sizes).

    Parameters
    ----------
    system : StochasticSystem
    x0 : array_like, shape (dimension,) or (n_members, dimension)
    h : float > 0
        Step (time units).
    xi : array_like, shape (n_steps, m) or (n_members, n_steps, m)
        Standard normals: ``ΔW_k = sqrt(h) xi_k``.
    zeta : array_like, same shape as ``xi``, optional
        Standard normals independent of ``xi`` for SRA's ``I_(j,0)/h = sqrt(h)(xi + zeta/sqrt(3))/2``
        (required by ``method="sra"``; zeros otherwise).
    method : {"em", "milstein", "sra"}, optional

    Returns
    -------
    numpy.ndarray, shape (n_steps + 1, dimension) or (n_members, n_steps + 1, dimension)
        The state after every step, starting with ``x0``.
    """
    _check_system(system)
    h = check_positive_float(h, "h")
    max_norm = check_positive_float(max_norm, "max_norm")
    m = system.noise_dimension
    XI = as_float_array(xi, "xi", ndim=(2, 3))
    single = XI.ndim == 2
    XI = XI[None] if single else XI
    if XI.shape[2] != m:
        raise ValidationError(f"xi has {XI.shape[2]} noise columns but {system.name} has {m} Wiener process(es).")
    name = _resolve_method(system, method)
    if zeta is None:
        if name == "sra":
            raise ValidationError("method 'sra' needs zeta (the second normal of I_(j,0)); pass zeta.")
        Z = np.zeros_like(XI)
    else:
        Z = as_float_array(zeta, "zeta", ndim=(2, 3))
        Z = Z[None] if Z.ndim == 2 else Z
        if Z.shape != XI.shape:
            raise ValidationError(f"zeta has shape {Z.shape} but xi has {XI.shape}.")
    X0 = as_state(x0, system.dimension, "x0")
    M = XI.shape[0]
    if X0.ndim == 2 and X0.shape[0] != M:
        raise ValidationError(f"x0 holds {X0.shape[0]} states but xi has {M} members.")
    X0s = np.ascontiguousarray(np.broadcast_to(X0, (M, system.dimension)), dtype=np.float64)
    n_steps = XI.shape[1]
    out = _run(system, X0s, float(t0), h, n_steps + 1, 1, 0, max_norm, name, 0, 0, 0,
               np.ascontiguousarray(XI), np.ascontiguousarray(Z))
    return out[0] if single else out
