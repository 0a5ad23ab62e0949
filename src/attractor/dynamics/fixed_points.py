"""Fixed points, periodic orbits of maps, and their linear stability.

* :func:`fixed_points` — equilibria of a flow (``f(x) = 0``) or fixed points of a map
  (``g(x) = x``) inside a box, by damped Newton iteration from many seeded starting
  points, deduplicated, each with the eigenvalues of its Jacobian and a stability label.
* :func:`periodic_orbits` — period-``p`` orbits of a map by Newton iteration on
  ``g^p(x) - x``, with cyclic shifts of the same orbit merged and the orbit's
  multipliers (eigenvalues of ``J(x_{p-1}) ... J(x_0)``).

Works for any :class:`~attractor.core.system.DynamicalSystem`: the Newton steps use
``system.jacobian`` (exact for symbolic systems, central differences or the model's own
Jacobian otherwise) and ``system.evaluate``. Non-autonomous systems are evaluated at
time ``t`` (an argument), i.e. the *frozen* vector field at that time.

Stability labels
----------------
Flows (eigenvalues ``λ`` of ``J = ∂f/∂x``; an eigenvalue counts as zero when
``|Re λ| <= hyperbolic_tol * max(1, max|λ|)``, as real when
``|Im λ| <= hyperbolic_tol * max(1, |λ|)``):

* ``"stable node"`` / ``"unstable node"``: all ``Re λ < 0`` / all ``> 0``, all real;
* ``"stable focus"`` / ``"unstable focus"``: as above with a complex pair;
* ``"saddle"``: ``Re λ`` of both signs, all real; ``"saddle-focus"``: both signs and a
  complex pair (Shil'nikov's saddle-focus, e.g. the Lorenz C± at ρ = 28);
* ``"centre"``: all ``Re λ = 0`` with complex pairs (linear centre; nonlinear stability
  undecided); ``"non-hyperbolic"``: any other case with a zero real part.

Maps (multipliers ``μ`` of ``J = ∂g/∂x``; modulus 1 within ``hyperbolic_tol``):
``"stable"`` (all ``|μ| < 1``), ``"unstable"`` (all ``> 1``), ``"saddle"`` (both),
``"non-hyperbolic"`` (some ``|μ| = 1``).
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Iterator

import numpy as np

from ..core.errors import ConvergenceWarning, ValidationError
from ..core.system import DynamicalSystem
from ..core.validation import as_float_array, check_positive_float, check_positive_int

__all__ = [
    "fixed_points",
    "periodic_orbits",
    "stability_label",
    "FixedPoint",
    "FixedPointsResult",
    "PeriodicOrbit",
    "PeriodicOrbitsResult",
]


# ====================================================================== results
@dataclass(frozen=True, eq=False)
class FixedPoint:
    """One fixed point.

    Attributes
    ----------
    point : numpy.ndarray, shape (dimension,)
    eigenvalues : numpy.ndarray, shape (dimension,), complex
        Eigenvalues of ``∂f/∂x`` (flows; sorted by decreasing real part) or multipliers of
        ``∂g/∂x`` (maps; sorted by decreasing modulus).
    eigenvectors : numpy.ndarray, shape (dimension, dimension), complex
        Column ``j`` belongs to ``eigenvalues[j]``.
    label : str
        Stability label (see the module docstring).
    residual : float
        ``||f(x)||`` (flows) or ``||g(x) - x||`` (maps) at ``point``.
    """

    point: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    label: str
    residual: float

    @property
    def stable(self) -> bool:
        return self.label in ("stable node", "stable focus", "stable")

    def __repr__(self) -> str:
        pt = np.array2string(self.point, precision=6, separator=", ")
        ev = np.array2string(self.eigenvalues, precision=4, separator=", ")
        return f"FixedPoint({pt}, {self.label}, eigenvalues={ev})"


@dataclass(frozen=True, eq=False)
class FixedPointsResult:
    """Fixed points found in a box; behaves like a sequence of :class:`FixedPoint`.

    Attributes
    ----------
    points : numpy.ndarray, shape (m, dimension)
        Sorted lexicographically.
    eigenvalues : numpy.ndarray, shape (m, dimension), complex
    labels : tuple of str
    residuals : numpy.ndarray, shape (m,)
    system : str
    kind : {"flow", "map"}
    settings : dict
        ``bounds``, ``n_starts``, ``seed``, ``tol``, ``max_iter``, ``t``, ``n_converged``
        (starts whose Newton iteration converged, inside or outside the box).
    """

    points: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    labels: tuple[str, ...]
    residuals: np.ndarray
    system: str
    kind: str
    settings: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.points.shape[0])

    def __getitem__(self, i: int) -> FixedPoint:
        return FixedPoint(self.points[i], self.eigenvalues[i], self.eigenvectors[i], self.labels[i],
                          float(self.residuals[i]))

    def __iter__(self) -> Iterator[FixedPoint]:
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        rows = "\n  ".join(repr(fp) for fp in self)
        return f"FixedPointsResult({self.system}, {len(self)} point(s)){':' if len(self) else ''}\n  {rows}".rstrip()


@dataclass(frozen=True, eq=False)
class PeriodicOrbit:
    """One periodic orbit of a map.

    Attributes
    ----------
    points : numpy.ndarray, shape (period, dimension)
        ``points[i+1] = g(points[i])``; rotated so that the lexicographically smallest
        point comes first (autonomous maps; a non-autonomous map's orbit starts at
        iteration index 0).
    multipliers : numpy.ndarray, shape (dimension,), complex
        Eigenvalues of ``J(x_{p-1}) ... J(x_0)`` (Floquet multipliers), by decreasing modulus.
    label : str
        Stability label as for map fixed points.
    period : int
    residual : float
        ``||g^p(x_0) - x_0||``.
    """

    points: np.ndarray
    multipliers: np.ndarray
    label: str
    period: int
    residual: float

    def __repr__(self) -> str:
        mu = np.array2string(self.multipliers, precision=4, separator=", ")
        return f"PeriodicOrbit(period {self.period}, {self.label}, multipliers={mu})"


@dataclass(frozen=True, eq=False)
class PeriodicOrbitsResult:
    """Distinct period-``p`` orbits found; behaves like a sequence of :class:`PeriodicOrbit`."""

    orbits: tuple[PeriodicOrbit, ...]
    period: int
    system: str
    settings: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.orbits)

    def __getitem__(self, i: int) -> PeriodicOrbit:
        return self.orbits[i]

    def __iter__(self) -> Iterator[PeriodicOrbit]:
        return iter(self.orbits)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(o.label for o in self.orbits)

    def __repr__(self) -> str:
        rows = "\n  ".join(repr(o) for o in self.orbits)
        return f"PeriodicOrbitsResult({self.system}, period {self.period}, {len(self)} orbit(s))\n  {rows}".rstrip()


# ====================================================================== labels
def stability_label(eigenvalues, kind: str, hyperbolic_tol: float = 1e-8) -> str:
    """Stability label of a fixed point from its eigenvalues (flows) or multipliers (maps).

    See the module docstring for the definitions and the tolerance rule.
    """
    ev = np.asarray(eigenvalues, dtype=complex).ravel()
    if ev.size == 0:
        raise ValidationError("eigenvalues is empty.")
    if kind == "map":
        mod = np.abs(ev)
        if np.any(np.abs(mod - 1.0) <= hyperbolic_tol):
            return "non-hyperbolic"
        if np.all(mod < 1):
            return "stable"
        if np.all(mod > 1):
            return "unstable"
        return "saddle"
    if kind != "flow":
        raise ValidationError(f"kind must be 'flow' or 'map'; got {kind!r}.")
    scale = max(1.0, float(np.max(np.abs(ev))))
    re = ev.real
    zero = np.abs(re) <= hyperbolic_tol * scale
    cplx = np.abs(ev.imag) > hyperbolic_tol * np.maximum(1.0, np.abs(ev))
    if np.any(zero):
        if np.all(zero) and np.all(cplx):
            return "centre"
        return "non-hyperbolic"
    focus = bool(np.any(cplx))
    if np.all(re < 0):
        return "stable focus" if focus else "stable node"
    if np.all(re > 0):
        return "unstable focus" if focus else "unstable node"
    return "saddle-focus" if focus else "saddle"


# ====================================================================== Newton machinery
def _check_bounds(system: DynamicalSystem, bounds) -> np.ndarray:
    b = as_float_array(bounds, "bounds")
    n = system.dimension
    if b.ndim == 1 and b.shape == (2,) and n == 1:
        b = b[None, :]
    if b.shape != (n, 2):
        raise ValidationError(f"bounds must have shape (dimension, 2) = ({n}, 2), one [low, high] row per state "
                              f"variable; got shape {b.shape}.")
    if np.any(b[:, 1] <= b[:, 0]):
        i = int(np.flatnonzero(b[:, 1] <= b[:, 0])[0])
        raise ValidationError(f"bounds row {i} has high <= low ({b[i, 1]:g} <= {b[i, 0]:g}).")
    return b


def _latin_hypercube(rng: np.random.Generator, m: int, b: np.ndarray) -> np.ndarray:
    """``m`` points of a Latin hypercube in the box (one point per stratum per axis)."""
    n = b.shape[0]
    u = (np.argsort(rng.random((n, m)), axis=1).T + rng.random((m, n))) / m
    return b[:, 0] + u * (b[:, 1] - b[:, 0])


def _newton(F, J, x0: np.ndarray, tol: float, max_iter: int) -> tuple[np.ndarray, float, bool]:
    """Damped Newton with backtracking on ``||F||``; returns (x, ||F(x)||, converged)."""
    x = np.array(x0, dtype=float)
    with np.errstate(all="ignore"):
        fx = F(x)
        nf = float(np.linalg.norm(fx))
        for _ in range(max_iter):
            if not math.isfinite(nf):
                return x, nf, False
            if nf <= tol:
                # one polishing step (quadratic convergence), kept only if it does not hurt
                try:
                    dx = np.linalg.solve(J(x), -fx)
                    x2 = x + dx
                    f2 = F(x2)
                    n2 = float(np.linalg.norm(f2))
                    if math.isfinite(n2) and n2 <= nf:
                        x, nf = x2, n2
                except np.linalg.LinAlgError:
                    pass
                return x, nf, True
            Jx = J(x)
            try:
                dx = np.linalg.solve(Jx, -fx)
                if not np.all(np.isfinite(dx)):
                    raise np.linalg.LinAlgError
            except np.linalg.LinAlgError:
                dx = np.linalg.lstsq(Jx, -fx, rcond=None)[0]
            lam = 1.0
            while True:
                xn = x + lam * dx
                fn = F(xn)
                nn = float(np.linalg.norm(fn))
                if math.isfinite(nn) and nn <= (1.0 - 1e-4 * lam) * nf:
                    break
                lam *= 0.5
                if lam < 1e-6:
                    return x, nf, False
            x, fx, nf = xn, fn, nn
    return x, nf, nf <= tol


def _dedupe(points: list[np.ndarray], tol: float) -> list[int]:
    keep: list[int] = []
    for i, p in enumerate(points):
        if not any(np.linalg.norm(p - points[j]) <= tol * max(1.0, np.linalg.norm(p)) for j in keep):
            keep.append(i)
    return keep


def _sorted_eig(J: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray]:
    w, v = np.linalg.eig(J)
    key = -np.abs(w) if kind == "map" else -w.real
    order = np.lexsort((-w.imag, key))
    return w[order].astype(complex), v[:, order].astype(complex)


def _common(system, bounds, n_starts, tol, max_iter, hyperbolic_tol):
    if not isinstance(system, DynamicalSystem):
        raise ValidationError(f"system must be a DynamicalSystem; got {type(system).__name__}.")
    b = _check_bounds(system, bounds)
    return (b, check_positive_int(n_starts, "n_starts"), check_positive_float(tol, "tol"),
            check_positive_int(max_iter, "max_iter"), check_positive_float(hyperbolic_tol, "hyperbolic_tol"))


# ====================================================================== fixed points
def fixed_points(system: DynamicalSystem, bounds, n_starts: int = 64, *, seed=None, tol: float = 1e-10,
                 max_iter: int = 100, t: float = 0.0, hyperbolic_tol: float = 1e-8,
                 dedupe_tol: float = 1e-6) -> FixedPointsResult:
    """Fixed points of a flow (``f(x) = 0``) or map (``g(x) = x``) inside a box.

    Parameters
    ----------
    system : DynamicalSystem
    bounds : array_like, shape (dimension, 2)
        ``[low, high]`` per state variable. Starting points are a seeded Latin hypercube
        sample of this box; only solutions inside it (within ``1e-9`` of its size) are kept.
    n_starts : int
        Number of Newton starts (default 64).
    seed : int or numpy.random.Generator, optional
    tol : float
        Convergence when the residual norm ``||F(x)||`` (``F = f`` for flows, ``g - I``
        for maps) is <= ``tol``; one more Newton step then polishes the root.
    max_iter : int
        Newton iterations per start. Each is damped by backtracking (halving the step
        until ``||F||`` decreases by the Armijo factor ``1 - 1e-4 λ``).
    t : float
        Time at which a non-autonomous vector field is frozen.
    hyperbolic_tol : float
        Tolerance of the stability labels (module docstring).
    dedupe_tol : float
        Two roots closer than ``dedupe_tol * max(1, |x|)`` are the same point.

    Returns
    -------
    FixedPointsResult
        Sequence of :class:`FixedPoint`; empty (with a :class:`ConvergenceWarning`) if no
        start converged.

    Examples
    --------
    >>> import attractor
    >>> fps = attractor.fixed_points(attractor.system("lorenz"), [[-20, 20], [-20, 20], [-1, 40]], seed=0)
    >>> fps.labels
    ('saddle-focus', 'saddle', 'saddle-focus')
    """
    b, n_starts, tol, max_iter, hyperbolic_tol = _common(system, bounds, n_starts, tol, max_iter, hyperbolic_tol)
    dedupe_tol = check_positive_float(dedupe_tol, "dedupe_tol")
    t = float(t)
    n = system.dimension
    eye = np.eye(n)
    if system.kind == "flow":
        def F(x):
            return np.asarray(system.rhs(x, t), dtype=float)

        def J(x):
            return np.asarray(system.jacobian(x, t), dtype=float)
    else:
        def F(x):
            return np.asarray(system.step(x, t), dtype=float) - x

        def J(x):
            return np.asarray(system.jacobian(x, t), dtype=float) - eye

    rng = np.random.default_rng(seed) if not isinstance(seed, np.random.Generator) else seed
    starts = _latin_hypercube(rng, n_starts, b)
    span = b[:, 1] - b[:, 0]
    found: list[np.ndarray] = []
    res: list[float] = []
    n_conv = 0
    for x0 in starts:
        x, nf, ok = _newton(F, J, x0, tol, max_iter)
        if not ok:
            continue
        n_conv += 1
        if np.all(x >= b[:, 0] - 1e-9 * span) and np.all(x <= b[:, 1] + 1e-9 * span):
            found.append(x)
            res.append(nf)
    keep = _dedupe(found, dedupe_tol)
    pts = np.array([found[i] for i in keep]).reshape(-1, n)
    resid = np.array([res[i] for i in keep])
    order = np.lexsort(pts.T[::-1]) if len(pts) else np.array([], dtype=int)
    pts, resid = pts[order], resid[order]
    eigs, vecs, labels = [], [], []
    for x in pts:
        w, v = _sorted_eig(np.asarray(system.jacobian(x, t), dtype=float), system.kind)
        eigs.append(w)
        vecs.append(v)
        labels.append(stability_label(w, system.kind, hyperbolic_tol))
    if n_conv == 0:
        warnings.warn(f"{system.name}: no Newton start converged to |F| <= {tol:g} within {max_iter} iterations; "
                      "widen bounds, add starts or loosen tol.", ConvergenceWarning, stacklevel=2)
    settings = dict(bounds=b.copy(), n_starts=n_starts, seed=seed if not isinstance(seed, np.random.Generator)
                    else "Generator", tol=tol, max_iter=max_iter, t=t, hyperbolic_tol=hyperbolic_tol,
                    dedupe_tol=dedupe_tol, n_converged=n_conv)
    return FixedPointsResult(pts, np.array(eigs, dtype=complex).reshape(-1, n),
                             np.array(vecs, dtype=complex).reshape(-1, n, n), tuple(labels), resid,
                             system.name, system.kind, settings)


# ====================================================================== periodic orbits
def _divisors(p: int) -> list[int]:
    return [d for d in range(1, p) if p % d == 0]


def periodic_orbits(system: DynamicalSystem, period: int, bounds, n_starts: int = 128, *, seed=None,
                    tol: float = 1e-10, max_iter: int = 100, minimal: bool = True, hyperbolic_tol: float = 1e-8,
                    dedupe_tol: float = 1e-6) -> PeriodicOrbitsResult:
    """Period-``p`` orbits of a map by Newton iteration on ``G(x) = g^p(x) - x``.

    The Jacobian of ``G`` is ``J(x_{p-1}) ... J(x_0) - I`` along the orbit (chain rule).
    Starts are a seeded Latin hypercube sample of ``bounds``; a converged root is kept if
    *some* point of its orbit lies in the box. Orbits are compared as sets of points, so the
    ``p`` cyclic shifts of one orbit count once.

    Parameters
    ----------
    system : DynamicalSystem
        A map (``kind == "map"``); the iteration index starts at 0 (a non-autonomous map is
        composed as ``g(·, p-1) ∘ ... ∘ g(·, 0)``).
    period : int >= 1
    bounds : array_like, shape (dimension, 2)
    n_starts, seed, tol, max_iter, hyperbolic_tol, dedupe_tol
        As in :func:`fixed_points`.
    minimal : bool
        If True (default) drop orbits whose least period is a proper divisor of ``period``
        (e.g. fixed points when ``period = 2``).

    Returns
    -------
    PeriodicOrbitsResult
        Orbits sorted by their first point, each with its multipliers and label.
    """
    if not isinstance(system, DynamicalSystem):
        raise ValidationError(f"system must be a DynamicalSystem; got {type(system).__name__}.")
    if system.kind != "map":
        raise ValidationError(f"periodic_orbits needs a map; {system.name} is a flow. For a flow, find periodic "
                              "orbits as fixed points of a Poincaré map (see poincare_section).")
    p = check_positive_int(period, "period")
    b, n_starts, tol, max_iter, hyperbolic_tol = _common(system, bounds, n_starts, tol, max_iter, hyperbolic_tol)
    dedupe_tol = check_positive_float(dedupe_tol, "dedupe_tol")
    n = system.dimension
    eye = np.eye(n)

    def orbit(x):
        pts = [np.asarray(x, dtype=float)]
        for i in range(p):
            pts.append(np.asarray(system.step(pts[-1], float(i)), dtype=float))
        return pts

    def F(x):
        return orbit(x)[-1] - x

    def monodromy(pts):
        M = eye.copy()
        for i in range(p):
            M = np.asarray(system.jacobian(pts[i], float(i)), dtype=float) @ M
        return M

    def J(x):
        return monodromy(orbit(x)) - eye

    rng = np.random.default_rng(seed) if not isinstance(seed, np.random.Generator) else seed
    starts = _latin_hypercube(rng, n_starts, b)
    span = b[:, 1] - b[:, 0]
    orbits: list[np.ndarray] = []
    resid: list[float] = []
    mults: list[np.ndarray] = []
    n_conv = 0
    for x0 in starts:
        x, nf, ok = _newton(F, J, x0, tol, max_iter)
        if not ok:
            continue
        n_conv += 1
        pts = np.array(orbit(x)[:p])
        inside = np.all((pts >= b[:, 0] - 1e-9 * span) & (pts <= b[:, 1] + 1e-9 * span), axis=1)
        if not np.any(inside):
            continue
        scale = max(1.0, float(np.linalg.norm(x)))
        if minimal and any(np.linalg.norm(pts[d] - pts[0]) <= dedupe_tol * scale for d in _divisors(p)):
            continue
        if any(np.min(np.linalg.norm(o - pts[0], axis=1)) <= dedupe_tol * scale for o in orbits):
            continue
        mu, _ = _sorted_eig(monodromy(list(pts)), "map")
        if not system.non_autonomous:  # rotating an orbit of a non-autonomous map would change its phase
            pts = np.roll(pts, -int(np.lexsort(pts.T[::-1])[0]), axis=0)
        orbits.append(pts)
        resid.append(nf)
        mults.append(mu)
    order = sorted(range(len(orbits)), key=lambda i: tuple(orbits[i][0]))
    out = [PeriodicOrbit(orbits[i], mults[i], stability_label(mults[i], "map", hyperbolic_tol), p, float(resid[i]))
           for i in order]
    if n_conv == 0:
        warnings.warn(f"{system.name}: no Newton start converged to a period-{p} point; widen bounds, add starts or "
                      "loosen tol.", ConvergenceWarning, stacklevel=2)
    settings = dict(bounds=b.copy(), n_starts=n_starts, seed=seed if not isinstance(seed, np.random.Generator)
                    else "Generator", tol=tol, max_iter=max_iter, minimal=minimal, hyperbolic_tol=hyperbolic_tol,
                    dedupe_tol=dedupe_tol, n_converged=n_conv)
    return PeriodicOrbitsResult(tuple(out), p, system.name, settings)

