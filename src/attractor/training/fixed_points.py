"""Fixed and slow points of recurrent networks (Sussillo & Barak 2013; Golub & Sussillo 2018).

:func:`rnn_fixed_points` minimises the *speed*

* ``q(h) = ½ ‖F(h, u*) − h‖²`` for a discrete network ``h_{t+1} = F(h_t, u_t)``, or
* ``q(h) = ½ ‖f(h, u*)‖²`` for a continuous one ``dh/dt = f(h, u)``,

at a constant input ``u*`` (default zero), from many states the network visited while doing its
task. Zeros of ``q`` are fixed points; local minima with small positive ``q`` are *slow points*,
around which the dynamics are nearly linear for a long time (Sussillo & Barak 2013). The
minimisation is a batched Levenberg–Marquardt iteration on the residual ``r(h)`` (``q = ½‖r‖²``):
``(J_rᵀJ_r + μI) δ = −J_rᵀ r``, with ``μ`` adapted per start (divided by 3 after a step that lowers
``q``, multiplied by 4 otherwise). Near a fixed point it converges quadratically (Gauss–Newton),
far from one it is a damped gradient descent on ``q``; a start stops when ``q <= q_tol`` or its
step falls below ``step_tol`` (a minimum of ``q``). The Jacobians come from JAX (``jax.jacfwd``,
batched with ``jax.vmap``) for JAX/Equinox models, and from the user's Jacobian or central
differences for a NumPy step function.

Candidates are kept when ``q <= q_slow`` and merged when closer than
``dedupe_tol · max(1, ‖h‖)`` (Euclidean, in the units of the state), keeping the one with the
smaller ``q`` and counting how many starts reached it. Each kept point is labelled from the
eigenvalues of ``∂F/∂h`` (maps: multipliers ``μ``; flows: eigenvalues ``λ`` of ``∂f/∂h``):

* ``"stable"`` — all ``|μ| < 1`` (``Re λ < 0``);
* ``"saddle"`` — some unstable directions (``n_unstable`` of them: ``|μ| > 1``, ``Re λ > 0``);
* ``"unstable"`` — all directions unstable;
* ``"marginal"`` — some ``| |μ| − 1 |`` (``|Re λ|``) within ``hyperbolic_tol``, none unstable.

and as ``"fixed"`` (``q <= q_fixed``) or ``"slow"``.

References
----------
Sussillo, D. & Barak, O. (2013). Opening the black box: low-dimensional dynamics in
high-dimensional recurrent neural networks. Neural Computation 25, 626–649.
Golub, M. D. & Sussillo, D. (2018). FixedPointFinder: a TensorFlow toolbox for identifying and
characterizing fixed points in recurrent neural networks. JOSS 3(31), 1003.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..core.errors import ConvergenceWarning, ValidationError
from ..core.system import DynamicalSystem
from ..core.validation import as_float_array, check_nonnegative_int, check_positive_float, check_positive_int
from ._rnn_common import Network, as_network, check_states

__all__ = ["rnn_fixed_points", "RNNFixedPointsResult", "classify_fixed_point"]


@dataclass(frozen=True, eq=False)
class RNNFixedPointsResult:
    """Fixed and slow points of a recurrent network.

    Attributes
    ----------
    points : numpy.ndarray, shape (m, N)
        Distinct points, fixed points first, then slow points, each group by increasing ``q``.
    q : numpy.ndarray, shape (m,)
        Speed ``q`` at each point (units: state²; for flows state² / time²).
    kinds : tuple of str
        ``"fixed"`` (``q <= q_fixed``) or ``"slow"``.
    eigenvalues : numpy.ndarray, shape (m, N), complex
        Of ``∂F/∂h`` (maps, sorted by decreasing modulus) or ``∂f/∂h`` (flows, by decreasing real part).
    labels : tuple of str
        ``"stable"``, ``"saddle"``, ``"unstable"`` or ``"marginal"``.
    n_unstable : numpy.ndarray, shape (m,), int
        Unstable directions of each point.
    n_starts_reached : numpy.ndarray, shape (m,), int
        Starts that converged to each point.
    starts : numpy.ndarray, shape (n_starts, N)
        Initial states of the optimisation (sampled visited states plus noise).
    q_final : numpy.ndarray, shape (n_starts,)
        ``q`` where each start ended (before any filtering): its histogram shows how clear the
        fixed/slow separation is.
    q_history : numpy.ndarray, shape (n_iter,)
        Median ``q`` over the starts after each iteration.
    system : str
    kind : {"map", "flow"}
    settings : dict
        Everything used: ``n_starts``, ``noise``, ``seed``, ``q_fixed``, ``q_slow``, ``q_tol``,
        ``step_tol``, ``max_iter``, ``dedupe_tol``, ``hyperbolic_tol``, ``u``, ``backend``
        (``"jax"`` or ``"numpy"``), ``jacobian``, ``n_iter`` (iterations run), ``n_converged``.
    """

    points: np.ndarray
    q: np.ndarray
    kinds: tuple[str, ...]
    eigenvalues: np.ndarray
    labels: tuple[str, ...]
    n_unstable: np.ndarray
    n_starts_reached: np.ndarray
    starts: np.ndarray
    q_final: np.ndarray
    q_history: np.ndarray
    system: str
    kind: str
    settings: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.points.shape[0])

    @property
    def fixed(self) -> np.ndarray:
        """Boolean mask of the fixed (not slow) points."""
        return np.array([k == "fixed" for k in self.kinds], dtype=bool)

    @property
    def stable(self) -> np.ndarray:
        """Boolean mask of the stable points (fixed or slow)."""
        return np.array([lab == "stable" for lab in self.labels], dtype=bool)

    @property
    def n_fixed(self) -> int:
        return int(self.fixed.sum())

    @property
    def n_stable_fixed(self) -> int:
        """Number of stable fixed points (the memories of a multistable network)."""
        return int((self.fixed & self.stable).sum())

    def summary(self) -> dict[str, int]:
        """Counts by kind and label, e.g. ``{"fixed stable": 8, "fixed saddle (1 unstable)": 12, ...}``."""
        out: dict[str, int] = {}
        for k, lab, nu in zip(self.kinds, self.labels, self.n_unstable):
            key = f"{k} {lab}" + (f" ({nu} unstable)" if lab == "saddle" else "")
            out[key] = out.get(key, 0) + 1
        return out

    def __repr__(self) -> str:
        parts = ", ".join(f"{v} {k}" for k, v in sorted(self.summary().items()))
        return f"RNNFixedPointsResult({self.system}: {len(self)} point(s): {parts or 'none'})"


def classify_fixed_point(eigenvalues, kind: str, hyperbolic_tol: float = 1e-6) -> tuple[str, int]:
    """Stability label and number of unstable directions from eigenvalues (flows) or multipliers (maps).

    Returns
    -------
    (label, n_unstable) : (str, int)
        ``label`` in ``{"stable", "saddle", "unstable", "marginal"}`` (module docstring).
    """
    ev = np.asarray(eigenvalues, dtype=complex).ravel()
    if ev.size == 0:
        raise ValidationError("eigenvalues is empty.")
    if kind == "map":
        growth = np.abs(ev) - 1.0
    elif kind == "flow":
        growth = ev.real
    else:
        raise ValidationError(f"kind must be 'map' or 'flow'; got {kind!r}.")
    unstable = growth > hyperbolic_tol
    marginal = np.abs(growth) <= hyperbolic_tol
    n_u = int(unstable.sum())
    if n_u == ev.size:
        return "unstable", n_u
    if n_u > 0:
        return "saddle", n_u
    return ("marginal" if marginal.any() else "stable"), 0


def _residual_fn(net: Network, u, N: int) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Batched ``H (B, N) -> (r (B, N), J_r (B, N, N))`` for the residual of the fixed-point equation."""
    eye = np.eye(N)
    is_map = net.kind == "map"
    if net.FB is not None:
        sizes = [0]

        def rj(H):
            # pad the batch to the first (largest) batch size: a compiled function is traced once per
            # shape, and the set of active starts shrinks every iteration
            B = H.shape[0]
            sizes[0] = size = max(sizes[0], B)
            Hp = np.concatenate([H, np.repeat(H[:1], size - B, axis=0)]) if size > B else H
            r = net.FB(Hp, u)[:B]
            Jr = net.JB(Hp, u)[:B]
            if is_map:
                r = r - H
                Jr = Jr - eye
            return r, Jr
        return rj

    # the first state goes through the checked functions (wrong shapes and non-finite values at a
    # visited state are reported by name); later trial points use the unchecked ones, and a trial
    # step that overflows is simply rejected by the iteration
    F, J = net.F_raw or net.F, net.J_raw or net.J
    first = [True]

    def rj(H):
        r = np.empty_like(H)
        Jr = np.empty((H.shape[0], N, N))
        if first[0]:
            net.F(H[0], u)
            net.J(H[0], u)
            first[0] = False
        with np.errstate(all="ignore"):
            for i, h in enumerate(H):
                r[i] = F(h, u)
                Jr[i] = J(h, u)
        if is_map:
            r -= H
            Jr -= eye
        return r, Jr
    return rj


def _levenberg_marquardt(rj, H, q_tol, step_tol, max_iter):
    """Batched Levenberg–Marquardt on ``q = ½‖r‖²``; returns final states, q, iterations, q history."""
    B, N = H.shape
    H = H.copy()
    r, Jr = rj(H)
    q = 0.5 * np.einsum("bi,bi->b", r, r)
    JtJ = np.einsum("bki,bkj->bij", Jr, Jr)
    mu = 1e-3 * np.maximum(np.einsum("bii->b", JtJ) / N, 1e-12)
    active = q > q_tol
    hist = [float(np.median(q))]
    it = 0
    eye = np.eye(N)
    while active.any() and it < max_iter:
        it += 1
        idx = np.flatnonzero(active)
        g = np.einsum("bki,bk->bi", Jr[idx], r[idx])
        A = JtJ[idx] + mu[idx, None, None] * eye
        try:
            delta = -np.linalg.solve(A, g[..., None])[..., 0]
        except np.linalg.LinAlgError:
            delta = -np.stack([np.linalg.lstsq(a, b, rcond=None)[0] for a, b in zip(A, g)])
        Hn = H[idx] + delta
        ok_state = np.all(np.isfinite(Hn), axis=1)
        Hn[~ok_state] = H[idx][~ok_state]
        rn, Jn = rj(Hn)
        qn = 0.5 * np.einsum("bi,bi->b", rn, rn)
        better = ok_state & np.isfinite(qn) & (qn < q[idx]) & np.all(np.isfinite(Jn), axis=(1, 2))
        acc = idx[better]
        H[acc], r[acc], Jr[acc], q[acc] = Hn[better], rn[better], Jn[better], qn[better]
        JtJ[acc] = np.einsum("bki,bkj->bij", Jn[better], Jn[better])
        mu[acc] /= 3.0
        mu[idx[~better]] *= 4.0
        step = np.linalg.norm(delta, axis=1) / np.maximum(1.0, np.linalg.norm(H[idx], axis=1))
        done = (q[idx] <= q_tol) | (better & (step <= step_tol)) | (mu[idx] > 1e12)
        active[idx[done]] = False
        hist.append(float(np.median(q)))
    return H, q, it, np.array(hist)


def rnn_fixed_points(model, states, *, inputs=None, n_starts: int = 256, noise: float = 0.0, seed=None,
                     q_fixed: float = 1e-12, q_slow: float = 1e-6, q_tol: float = 1e-24, step_tol: float = 1e-12,
                     max_iter: int = 200, dedupe_tol: float = 1e-3, hyperbolic_tol: float = 1e-6,
                     jacobian: Callable | None = None, kind: str | None = None) -> RNNFixedPointsResult:
    """Fixed and slow points of a recurrent network from the states it visited.

    Parameters
    ----------
    model : DynamicalSystem, callable, or JAX model
        A map or flow (:class:`~attractor.DynamicalSystem`, e.g. ``rnn.to_system(closed_loop=False)``
        or :func:`~attractor.training.rate_network`); a NumPy step function ``step(h, u) -> h_next``
        (``kind="map"``, default) or vector field ``f(h, u)`` (``kind="flow"``) with optional
        ``jacobian(h, u)``; or a fitted attractor RNN (``GRU``, ``LipschitzRNN``, ``NoisyRNN``) /
        Equinox module with ``step(h, u)`` (JAX: batched, exact Jacobians).
    states : array_like, shape (n, N) or (trials, T, N)
        Hidden states visited by the network (e.g. while performing its task); the starts are
        drawn from them.
    inputs : array_like, shape (n_inputs,), optional
        The constant input ``u*`` at which the points are sought (default: zeros for JAX models;
        ``None`` is passed to a step function).
    n_starts : int
        Starts drawn without replacement (or all states, if fewer).
    noise : float >= 0
        Gaussian noise added to each start, in units of the per-unit standard deviation of
        ``states`` (Golub & Sussillo's ``noise_scale``).
    seed : int, optional
        Seeds the choice of starts and the noise.
    q_fixed : float
        ``q`` at or below which a point is a fixed point (default 1e-12, Golub & Sussillo's ``tol_q``).
    q_slow : float
        Largest ``q`` of a reported slow point (default 1e-6); minima above it are dropped.
    q_tol, step_tol : float
        A start stops at ``q <= q_tol`` or at an accepted step of relative size ``<= step_tol``.
    max_iter : int
        Levenberg–Marquardt iterations (each start stops earlier when converged).
    dedupe_tol : float
        Points closer than ``dedupe_tol · max(1, ‖h‖)`` are one point.
    hyperbolic_tol : float
        Tolerance of the stability labels (module docstring).
    jacobian, kind
        For a NumPy step function: its Jacobian ``jacobian(h, u) -> (N, N)`` (default: central
        differences) and ``"map"`` or ``"flow"``.

    Returns
    -------
    RNNFixedPointsResult

    Raises
    ------
    ValidationError
        Non-finite or wrongly shaped ``states``/``inputs``; a step function or Jacobian returning
        the wrong shape or non-finite values (the message names which and where).
    """
    net = as_network(model, jacobian=jacobian, kind=kind)
    S = check_states(states, "states", net.dimension)
    N = S.shape[1]
    n_starts = check_positive_int(n_starts, "n_starts")
    noise = check_positive_float(noise, "noise", allow_zero=True)
    q_fixed = check_positive_float(q_fixed, "q_fixed")
    q_slow = check_positive_float(q_slow, "q_slow")
    if q_slow < q_fixed:
        raise ValidationError(f"q_slow={q_slow:g} must be >= q_fixed={q_fixed:g}.")
    q_tol = check_positive_float(q_tol, "q_tol")
    step_tol = check_positive_float(step_tol, "step_tol")
    max_iter = check_nonnegative_int(max_iter, "max_iter")
    dedupe_tol = check_positive_float(dedupe_tol, "dedupe_tol")
    hyperbolic_tol = check_positive_float(hyperbolic_tol, "hyperbolic_tol")
    u = None
    if inputs is not None and isinstance(model, DynamicalSystem):
        raise ValidationError("a DynamicalSystem takes no inputs (its points are sought at t = 0); pass a step "
                              "function step(h, u) or an RNN model to give a constant input.")
    if inputs is not None:
        u = as_float_array(inputs, "inputs", ndim=1)
        if net.n_inputs is not None and u.shape[0] != net.n_inputs:
            raise ValidationError(f"inputs has {u.shape[0]} entries but the network takes {net.n_inputs}.")
    elif net.n_inputs is not None:
        u = np.zeros(net.n_inputs)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    pick = rng.choice(S.shape[0], size=min(n_starts, S.shape[0]), replace=False)
    starts = S[np.sort(pick)].copy()
    if noise > 0:
        starts += noise * S.std(axis=0) * rng.standard_normal(starts.shape)
    rj = _residual_fn(net, u, N)
    H, q, n_iter, hist = _levenberg_marquardt(rj, starts, q_tol, step_tol, max_iter)
    cand = np.flatnonzero(q <= q_slow)
    order = cand[np.argsort(q[cand], kind="stable")]
    kept: list[int] = []
    counts: list[int] = []
    for i in order:
        for j, kidx in enumerate(kept):
            if np.linalg.norm(H[i] - H[kidx]) <= dedupe_tol * max(1.0, float(np.linalg.norm(H[kidx]))):
                counts[j] += 1
                break
        else:
            kept.append(int(i))
            counts.append(1)
    kinds = ["fixed" if q[i] <= q_fixed else "slow" for i in kept]
    grp = np.array([0 if k == "fixed" else 1 for k in kinds], dtype=int)
    o = np.lexsort((q[kept], grp)) if kept else np.array([], dtype=int)
    kept = [kept[i] for i in o]
    counts = [counts[i] for i in o]
    kinds = [kinds[i] for i in o]
    pts = H[kept].reshape(-1, N)
    eigs, labels, n_uns = [], [], []
    for p in pts:
        w = np.linalg.eigvals(net.J(p, u))
        key = -np.abs(w) if net.kind == "map" else -w.real
        w = w[np.lexsort((-w.imag, key))].astype(complex)
        lab, nu = classify_fixed_point(w, net.kind, hyperbolic_tol)
        eigs.append(w)
        labels.append(lab)
        n_uns.append(nu)
    if not kept:
        warnings.warn(f"{net.name}: none of the {starts.shape[0]} starts reached q <= q_slow = {q_slow:g} within "
                      f"{max_iter} iterations (median final q = {float(np.median(q)):.3g}); raise max_iter or "
                      "q_slow, or start from more states.", ConvergenceWarning, stacklevel=2)
    settings = dict(n_starts=int(starts.shape[0]), noise=noise,
                    seed=seed if not isinstance(seed, np.random.Generator) else "Generator", q_fixed=q_fixed,
                    q_slow=q_slow, q_tol=q_tol, step_tol=step_tol, max_iter=max_iter, dedupe_tol=dedupe_tol,
                    hyperbolic_tol=hyperbolic_tol, u=None if u is None else u.copy(), backend=net.backend,
                    jacobian=net.jacobian_kind, n_iter=int(n_iter), n_converged=int(cand.size))
    return RNNFixedPointsResult(pts, q[kept].copy(), tuple(kinds), np.array(eigs, dtype=complex).reshape(-1, N),
                                tuple(labels), np.array(n_uns, dtype=int), np.array(counts, dtype=int), starts,
                                q, hist, net.name, net.kind, settings)
