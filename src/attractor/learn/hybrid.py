"""Hybrid models: a known physical part with unknown parameters plus a learned remainder.

The vector field is written ``ẋ = K(x; p) + F(x; w)``: ``K`` is the part the user knows (a
:class:`~attractor.core.symbolic.SymbolicSpec` whose parameters may be marked unknown, or a
Python callable ``f(X, p)``), ``F`` a learned term that is linear in its weights ``w``:

* ``"sindy"``: a feature library ``Θ(x)`` (default polynomials of degree 2) with sparse
  weights, selected by :class:`~attractor.learn.STLSQ` (AICc) on the residual of the physics;
* ``"kernel"``: kernel ridge regression with a Gaussian kernel in Nyström form (``m`` centres
  drawn with ``seed`` among the training states, bandwidth the median distance between
  standardised centres), so no N×N matrix is formed.

Fitting
-------
*Derivative matching* (default, clean well-sampled data): derivatives ``Ẋ`` from
:func:`attractor.learn.differentiate` (fourth-order finite differences), or, for noisy or
coarse data (``weak="auto"``, same rule as :class:`~attractor.learn.SINDy`), the weak form:
every row is multiplied by compactly supported test functions and integrated by parts, so no
derivative of the data is taken. For fixed ``p`` the optimal weights are a linear
(ridge) least-squares solution, so they are *profiled out* (variable projection, Golub &
Pereyra 1973) and ``p`` alone is fitted by :func:`scipy.optimize.least_squares`. For a known
part linear in its unknown parameters and a SINDy remainder this is one sparse least-squares
problem. Weights carry a small ridge penalty, so among decompositions that fit equally well
the one with the smallest remainder is chosen (the physics explains all it can).

*Trajectory matching* (``fit_method="trajectory"``, sparse or noisy samples): multiple shooting
(Bock & Plitt 1984): each trajectory is cut into segments of ``segment_length`` intervals whose
initial states are free; all segments are integrated at once with classical Runge–Kutta
(``substeps`` per sample interval) and ``p``, ``w`` and the segment starts minimise the misfit
to the samples plus the continuity defects. It starts from the derivative-matching fit.

APHYNITY (``aphynity=True``; Yin et al. 2021): minimise ``‖F‖²`` over the data subject to the
data being fitted, by an adaptive penalty: ``‖F‖²/λ + L_fit`` with ``λ`` multiplied by
``aphynity_tau`` until the fit loss is within 1 % of the unconstrained one.

Closing the loop (universal differential equations, Rackauckas et al. 2020):
:meth:`Hybrid.discover_remainder` runs sparse regression on the remainder's values along the
data; :meth:`Hybrid.refit_symbolic` re-fits known part plus discovered terms as one symbolic
model.

References
----------
Yin, Y., Le Guen, V., Dona, J., de Bézenac, E., Ayed, I., Thome, N. & Gallinari, P. (2021).
Augmenting physical models with deep networks for complex dynamics forecasting. ICLR 2021.
Rackauckas, C. et al. (2020). Universal differential equations for scientific machine learning.
arXiv:2001.04385.
Golub, G. H. & Pereyra, V. (1973). SIAM J. Numer. Anal. 10, 413–432.
Bock, H. G. & Plitt, K. J. (1984). IFAC Proc. 17, 1603–1608.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping, Sequence

import numpy as np

from ..core.errors import ReliabilityWarning, ValidationError
from ..core.symbolic import SymbolicSpec
from ..core.system import DynamicalSystem, SymbolicSystem
from ..core.validation import check_positive_float, check_positive_int
from .derivatives import differentiate
from .libraries import Library, PolynomialLibrary
from .optimizers import STLSQ

__all__ = ["Hybrid", "RemainderDiscovery"]

_REMAINDERS = ("sindy", "kernel")
_FIT_METHODS = ("derivative", "trajectory")


# ====================================================================== known part
class _Known:
    """Vectorised evaluation of the known part K(X; p) for X of shape (n, d)."""

    def __init__(self, known, fixed: Mapping[str, float], unknown: Mapping[str, float] | Sequence[float] | None,
                 dimension_hint: int | None):
        if isinstance(known, SymbolicSpec):
            if known.kind != "flow":
                raise ValidationError(f"{known.name}: the known part must be a flow (kind 'flow').")
            unknown = dict(unknown or {})
            fixed = dict(fixed or {})
            extra = [k for k in (*unknown, *fixed) if k not in known.parameters]
            both = [k for k in unknown if k in fixed]
            missing = [k for k in known.parameters if k not in unknown and k not in fixed]
            if extra or both or missing:
                raise ValidationError(
                    f"{known.name}: every parameter must be given exactly once, either in `parameters` (known "
                    f"value) or in `unknown` (initial guess); unexpected {extra}, given twice {both}, "
                    f"missing {missing}.")
            self.spec = known
            self.states = tuple(known.states)
            self.names = tuple(k for k in known.parameters if k in unknown)
            self.p0 = np.array([_finite(unknown[k], k) for k in self.names], float)
            self.fixed = {k: _finite(v, k) for k, v in fixed.items()}
            import sympy as sp

            xs, ps, t = known.symbols
            if known.uses_time:
                raise ValidationError(f"{known.name}: a known part depending on t is not supported.")
            subs = {s: self.fixed[s.name] for s in ps if s.name in self.fixed}
            exprs = [e.xreplace(subs) for e in known.expressions]
            unk = [s for s in ps if s.name in self.names]
            self._exprs = exprs
            self._unk_symbols = unk
            self._f = [sp.lambdify((xs, unk), e, "numpy") for e in exprs]
            self._dp = [[sp.lambdify((xs, unk), sp.diff(e, s), "numpy") for s in unk] for e in exprs]
            self.linear = all(not (sp.diff(e, a, b) != 0) for e in exprs for a in unk for b in unk)
        elif callable(known):
            self.spec = None
            self.states = ()
            if isinstance(unknown, Mapping):
                self.names = tuple(unknown)
                self.p0 = np.array([_finite(v, k) for k, v in unknown.items()], float)
            else:
                p0 = np.atleast_1d(np.asarray([] if unknown is None else unknown, float))
                if p0.ndim != 1 or not np.all(np.isfinite(p0)):
                    raise ValidationError("unknown (initial guesses) must be a finite 1-D vector for a callable.")
                self.names = tuple(f"p{i}" for i in range(p0.size))
                self.p0 = p0
            if fixed:
                raise ValidationError("`parameters` (known values) apply to a SymbolicSpec; close a callable "
                                      "over its known constants instead.")
            self.fixed = {}
            self._call = known
            self.linear = False
        else:
            raise ValidationError(f"known must be a SymbolicSpec or a callable f(X, p); got {type(known).__name__}.")
        self.dimension = len(self.states) if self.spec is not None else dimension_hint

    def __call__(self, X: np.ndarray, p: np.ndarray) -> np.ndarray:
        if self.spec is None:
            try:
                out = np.asarray(self._call(X, np.asarray(p, float)), float)
            except (ValueError, TypeError, IndexError) as exc:
                raise ValidationError(f"the known part failed on data of shape {X.shape}: {exc}") from exc
            if out.shape != X.shape:
                raise ValidationError(f"the known part returned shape {out.shape} for states of shape {X.shape}; "
                                      "it must return one derivative per state (same shape).")
            return out
        cols = X.T
        out = np.empty_like(X)
        for i, f in enumerate(self._f):
            out[:, i] = f(cols, p)
        return out

    def dp(self, X: np.ndarray, p: np.ndarray) -> np.ndarray:
        """∂K/∂p, shape (n, d, n_p): exact for a SymbolicSpec, central differences for a callable."""
        n, d = X.shape
        J = np.zeros((n, d, p.size))
        if self.spec is not None:
            cols = X.T
            for i, row in enumerate(self._dp):
                for j, g in enumerate(row):
                    J[:, i, j] = g(cols, p)
            return J
        for j in range(p.size):
            h = 1e-6 * max(1.0, abs(p[j]))
            e = np.zeros_like(p)
            e[j] = h
            J[:, :, j] = (self(X, p + e) - self(X, p - e)) / (2 * h)
        return J


def _finite(v, name: str) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"parameter {name} must be a number; got {v!r}.") from exc
    if not np.isfinite(f) or isinstance(v, bool):
        raise ValidationError(f"parameter {name} must be a finite number; got {v!r}.")
    return f


# ====================================================================== remainder features
class _KernelFeatures:
    """Gaussian-kernel Nyström features exp(-|(x - c_j)/s|² / (2 h²))."""

    def __init__(self, X: np.ndarray, n_centers: int, bandwidth: float | None, seed):
        rng = np.random.default_rng(seed)
        m = min(n_centers, X.shape[0])
        self.mean = X.mean(axis=0)
        sd = X.std(axis=0)
        self.scale = np.where(sd > 0, sd, 1.0)
        self.centers = (X[rng.choice(X.shape[0], m, replace=False)] - self.mean) / self.scale
        if bandwidth is None:
            from scipy.spatial.distance import pdist

            dd = pdist(self.centers)
            bandwidth = float(np.median(dd)) if dd.size and np.median(dd) > 0 else 1.0
        self.bandwidth = float(bandwidth)

    def transform(self, X: np.ndarray) -> np.ndarray:
        Z = (X - self.mean) / self.scale
        sq = (Z ** 2).sum(1)[:, None] + (self.centers ** 2).sum(1)[None, :] - 2 * Z @ self.centers.T
        return np.exp(-np.maximum(sq, 0.0) / (2 * self.bandwidth ** 2))

    def names(self, _states) -> list[str]:
        return [f"k{j}" for j in range(self.centers.shape[0])]


# ====================================================================== weak form operator
def _weak_operators(t: np.ndarray, n_test: int, m: int, p: int = 4):
    """Sparse (K, n) matrices: ``Φ`` (∫φ_k · dt) and ``D`` (−∫φ_k' · dt) of the weak form."""
    from scipy.sparse import csr_matrix

    n = t.size
    centres = np.unique(np.linspace(m, n - 1 - m, n_test).round().astype(int))
    rows, cols, vphi, vd = [], [], [], []
    for r, c in enumerate(centres):
        idx = np.arange(c - m, c + m + 1)
        tt = t[idx]
        a, z = tt[0], tt[-1]
        h = 0.5 * (z - a)
        s = (tt - 0.5 * (a + z)) / h
        base = np.clip(1 - s * s, 0.0, None)
        w = np.empty_like(tt)
        dtt = np.diff(tt)
        w[0], w[-1] = 0.5 * dtt[0], 0.5 * dtt[-1]
        w[1:-1] = 0.5 * (dtt[:-1] + dtt[1:])
        rows.append(np.full(idx.size, r))
        cols.append(idx)
        vphi.append(w * base ** p)
        vd.append(-(w * p * base ** (p - 1) * (-2 * s / h)))
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    shape = (centres.size, n)
    return csr_matrix((np.concatenate(vphi), (rows, cols)), shape), csr_matrix((np.concatenate(vd), (rows, cols)), shape)


# ====================================================================== results
@dataclass(frozen=True)
class RemainderDiscovery:
    """Sparse regression on the learned remainder's values along the data.

    Attributes
    ----------
    equations : list of str
        One line per state, e.g. ``"remainder of dv/dt = -0.2 v"``.
    coef : numpy.ndarray, shape (n_states, n_features)
    feature_names : list of str
    r2 : numpy.ndarray, shape (n_states,)
        Share of the remainder's variance the proposed terms explain (1 for an exact match;
        ``nan`` for a remainder identically zero).
    library : Library
    """

    equations: list
    coef: np.ndarray
    feature_names: list
    r2: np.ndarray
    library: Any


# ====================================================================== estimator

def _normal_solve(G: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Solve the normal equations ``G X = B``; the minimum-norm solution when ``G`` is singular.

    ``G`` is singular when library columns are collinear along the data (e.g. a constant state
    makes ``x`` and ``1`` the same column) and the ridge is zero; ``lstsq`` then picks the
    smallest-norm coefficients, the same tie-break the ridge would make in the limit.
    """
    try:
        return np.linalg.solve(G, B)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(G, B, rcond=None)[0]


def _identify(J: np.ndarray, r0: np.ndarray, p: np.ndarray, ynorm: float, dof: int, names) -> tuple[np.ndarray, np.ndarray]:
    """Identifiable parameters and standard errors from the residual's Jacobian ``J`` (n_res, n_p).

    A parameter whose relative effect on the fit is below 1e-8 of the data (``ynorm``), or which
    enters a near-null direction of the column-normalised ``J`` (singular value below 1e-6 of
    the largest), is flat: unidentifiable, standard error ``inf`` and a ReliabilityWarning. The
    others get the Gauss–Newton standard errors ``sqrt(diag((JᵀJ)⁺) · ‖r‖² / dof)``.
    """
    std = np.zeros(p.size)
    colnorm = np.linalg.norm(J, axis=0)
    flat = colnorm * np.maximum(np.abs(p), 1.0) < 1e-8 * ynorm
    Jn = J / np.where(colnorm > 0, colnorm, 1.0)
    _, sv, Vt = np.linalg.svd(Jn, full_matrices=False)
    for k in np.flatnonzero(sv < 1e-6 * sv[0]):
        flat |= np.abs(Vt[k]) > 0.1
    ident = ~flat
    s2 = float(r0 @ r0) / max(int(dof), 1)
    try:
        good = np.flatnonzero(ident)
        cov = np.linalg.pinv(J[:, good].T @ J[:, good]) * s2
        std[good] = np.sqrt(np.maximum(np.diag(cov), 0.0))
    except np.linalg.LinAlgError:
        ident[:] = False
    std[~ident] = np.inf
    if (~ident).any():
        bad = [names[j] for j in np.flatnonzero(~ident)]
        warnings.warn(f"the data cannot identify the parameter(s) {bad}: the fit does not depend on "
                      "them (or only on a combination with others); they are reported as nan.",
                      ReliabilityWarning, stacklevel=4)
    return ident, std

class Hybrid:
    """Known physics with unknown parameters plus a learned remainder, ``ẋ = K(x; p) + F(x)``.

    Parameters
    ----------
    known : SymbolicSpec or callable
        The known part. A :class:`~attractor.core.symbolic.SymbolicSpec` (kind ``"flow"``,
        states named like the data's), or a callable ``f(X, p)`` mapping states ``X`` of shape
        (n, d) and a parameter vector to derivatives of shape (n, d).
    remainder : {"sindy", "kernel"}
        Learned term (module docstring).
    parameters : mapping, optional
        Known values of the spec's parameters (time units as in the data).
    unknown : mapping or sequence, optional
        Parameters to fit with their initial guesses (name -> value for a spec; a vector or
        a mapping for a callable).
    library : Library, optional
        SINDy remainder's features; default ``PolynomialLibrary(2)``.
    optimizer : STLSQ or SR3, optional
        Sparse regression of the SINDy remainder; default ``STLSQ()`` (threshold by AICc).
    n_centers, bandwidth, kernel_alpha :
        Kernel remainder: number of Nyström centres, Gaussian bandwidth in standardised
        units (default the median distance between centres), ridge penalty per sample.
    fit_method : {"derivative", "trajectory"}
    weak : bool or "auto"
        Derivative matching in weak form (module docstring).
    n_test_functions, weak_width : int
        Weak form: test functions per trajectory, half-width in samples (default from the
        data's spectrum, as in SINDy).
    segment_length, substeps : int
        Trajectory matching: sample intervals per shooting segment, RK4 steps per interval.
    aphynity : bool
        Minimal-norm remainder with APHYNITY's adaptive penalty.
    aphynity_tau : float
        Growth factor of APHYNITY's ``λ``.
    state_names : sequence of str, optional
        Names of the data's states (default the spec's).
    seed : int, optional
        Kernel centres.

    Attributes (after fit)
    ----------------------
    parameters_ : dict
        Fitted unknown parameters (``nan`` for any the data cannot identify).
    parameter_std_ : dict
        Standard errors from the Gauss–Newton covariance (``inf`` when unidentifiable).
    identifiable_ : dict of bool
    coef_ : ndarray (n_states, n_features)
        Remainder weights.
    physics_fraction_ : float
        ``‖K‖² / (‖K‖² + ‖F‖²)`` along the data.
    fit_rmse_ : float
        Root-mean-square misfit of the matched quantity (derivatives, weak integrals or states).
    """

    def __init__(self, known, remainder: str = "sindy", *, parameters: Mapping[str, float] | None = None,
                 unknown=None, library: Library | None = None, optimizer=None, n_centers: int = 200,
                 bandwidth: float | None = None, kernel_alpha: float = 1e-6, fit_method: str = "derivative",
                 weak: bool | str = "auto", n_test_functions: int = 400, weak_width: int | None = None,
                 segment_length: int = 4, substeps: int = 4, aphynity: bool = False, aphynity_tau: float = 10.0,
                 state_names: Sequence[str] | None = None, seed=0):
        self.known = known
        self.remainder = remainder
        self.parameters = parameters
        self.unknown = unknown
        self.library = library
        self.optimizer = optimizer
        self.n_centers = n_centers
        self.bandwidth = bandwidth
        self.kernel_alpha = kernel_alpha
        self.fit_method = fit_method
        self.weak = weak
        self.n_test_functions = n_test_functions
        self.weak_width = weak_width
        self.segment_length = segment_length
        self.substeps = substeps
        self.aphynity = aphynity
        self.aphynity_tau = aphynity_tau
        self.state_names = state_names
        self.seed = seed

    # ------------------------------------------------------------------ fitting
    def fit(self, X, dt: float | None = None, t=None) -> "Hybrid":
        """Fit parameters and remainder.

        Parameters
        ----------
        X : array_like (n_times, n_states), Trajectory, or a list of them
        dt : float, optional
            Uniform sampling step (time units); or give ``t``.
        t : array_like or list of arrays, optional
            Time stamps (one vector per trajectory).

        Returns
        -------
        self
        """
        from .sindy import NOISE_FOR_WEAK_FORM, _corner_halfwidth, _derivative_error, relative_noise_level

        if self.remainder not in _REMAINDERS:
            msg = (" (a neural remainder is attractor.learn.neural.NeuralHybrid, on the JAX stack)"
                   if self.remainder == "neural" else "")
            raise ValidationError(f"remainder must be one of {_REMAINDERS}; got {self.remainder!r}{msg}.")
        if self.fit_method not in _FIT_METHODS:
            raise ValidationError(f"fit_method must be one of {_FIT_METHODS}; got {self.fit_method!r}.")
        runs, times, names, known = self._prepare(X, dt, t)
        d = runs[0].shape[1]

        if self.remainder == "sindy":
            lib = self.library if self.library is not None else PolynomialLibrary(2)
            if not isinstance(lib, Library):
                raise ValidationError(f"library must be a Library; got {type(lib).__name__}.")
            feats = lib
        else:
            feats = _KernelFeatures(np.vstack(runs), check_positive_int(self.n_centers, "n_centers"),
                                    None if self.bandwidth is None else check_positive_float(self.bandwidth, "bandwidth"),
                                    self.seed)
        self.features_ = feats
        self.feature_names_ = feats.names(list(names))

        # --- rows of the matching problem: target Y, states Xs, linear operator per run
        weak = self.weak
        if weak == "auto":
            weak = max(relative_noise_level(r) for r in runs) > NOISE_FOR_WEAK_FORM
        elif not isinstance(weak, bool):
            raise ValidationError(f"weak must be True, False or 'auto'; got {weak!r}.")
        blocks = []  # (X, operator or None, target)
        errors, n_eff = [], 0.0
        for i, (x, tt) in enumerate(zip(runs, times)):
            if weak:
                step = float(np.median(np.diff(tt)))
                m = self.weak_width if self.weak_width is not None else _corner_halfwidth(x, step)
                m = check_positive_int(m, "weak_width", minimum=2)
                if x.shape[0] < 2 * m + 1:
                    m = max(2, (x.shape[0] - 1) // 2)
                if x.shape[0] < 5:
                    raise ValidationError(f"trajectory {i} has {x.shape[0]} samples; the weak form needs 5.")
                Phi, D = _weak_operators(tt, check_positive_int(self.n_test_functions, "n_test_functions"), m)
                blocks.append((x, Phi, D @ x))
                n_eff += min(Phi.shape[0], x.shape[0] / (2 * m + 1))
            else:
                steps = np.diff(tt)
                order = 4 if (steps.size and np.allclose(steps, steps[0], rtol=1e-6) and x.shape[0] >= 5) else 2
                blocks.append((x, None, differentiate(x, tt, method="finite_difference", order=order)))
                e = _derivative_error(x, tt, order)
                errors.append(np.zeros_like(x) if e is None else e)
        Y_error = np.vstack(errors) if errors else None
        self.weak_ = bool(weak)
        self._blocks = blocks
        self._known = known
        Xall = np.vstack([b[0] for b in blocks])
        Y = np.vstack([b[2] for b in blocks])
        Theta = self._apply(np.vstack([feats.transform(b[0]) for b in blocks]), blocks)
        n_rows, n_feat = Theta.shape
        if n_rows < n_feat // (1 if self.remainder == "sindy" else 10) + len(known.p0) + 2:
            raise ValidationError(f"{n_rows} regression rows for {n_feat} remainder features and "
                                  f"{len(known.p0)} parameters: too few; use more data or a smaller library.")

        def K_rows(p):
            return self._apply(known(Xall, p), blocks)

        # --- step 1: physics alone (remainder absent) gives the starting parameters
        p = known.p0.copy()
        if p.size:
            p = self._fit_p(K_rows, Y, Theta, np.zeros((d, n_feat), bool), p, 0.0)
        # --- step 2: remainder support on the physics' residual, then joint profiled fit
        ridge = self._ridge(Theta)
        support = np.ones((d, n_feat), bool)
        for _ in range(5):
            R = Y - K_rows(p)
            if self.remainder == "sindy":
                opt = self.optimizer if self.optimizer is not None else STLSQ()
                if weak:
                    opt.fit(Theta, R, n_eff, default_selection="mstls")
                else:
                    opt.fit(Theta, R, None, Y_error=Y_error)
                new = np.asarray(opt.coef_) != 0
                if np.array_equal(new, support):
                    break
                support = new
            if p.size:
                p = self._fit_p(K_rows, Y, Theta, support, p, ridge)
            if self.remainder != "sindy":
                break
        W = self._weights(Y - K_rows(p), Theta, support, ridge)
        if self.aphynity:
            p, W = self._aphynity(K_rows, Y, Theta, support, p, ridge)
        self.support_ = support
        self._p = p
        self.coef_ = W
        if self.fit_method == "trajectory":
            self._trajectory_matching(runs, times, support)
        self._finish(K_rows, Y, Theta, Xall)
        self.state_names_ = names
        self.n_samples_ = int(sum(r.shape[0] for r in runs))
        self.dt_ = float(np.median(np.diff(times[0])))
        self.x0_ = runs[0][-1].copy()
        self._runs, self._times = runs, times
        del self._blocks
        return self

    def _prepare(self, X, dt, t):
        """Validated runs and time vectors, state names and the known part (shared with NeuralHybrid)."""
        from ..core.system import Trajectory
        from .sindy import _as_runs, _check_layout

        names = self.state_names
        if isinstance(X, Trajectory) or (isinstance(X, (list, tuple)) and X and isinstance(X[0], Trajectory)):
            trajs = [X] if isinstance(X, Trajectory) else list(X)
            names = names or trajs[0].state_names
            t = [tr.t for tr in trajs]
            X = [tr.x for tr in trajs]
        if t is None:
            t = None if dt is None else check_positive_float(dt, "dt")
        elif dt is not None:
            raise ValidationError("give dt or t, not both.")
        runs, times = _as_runs(X, t)
        _check_layout(runs)
        d = runs[0].shape[1]
        allx = np.vstack(runs)
        flat = np.zeros(d, bool) if allx.shape[0] < 2 else np.ptp(allx, axis=0) <= 1e-12 * np.maximum(np.abs(allx).max(axis=0), np.finfo(float).tiny)
        if flat.any():
            raise ValidationError(f"state(s) {np.flatnonzero(flat).tolist()} are constant in the data; a constant "
                                  "signal has no dynamics to fit a vector field to.")
        known = _Known(self.known, self.parameters or {}, self.unknown, d)
        if known.spec is not None:
            if len(known.states) != d:
                raise ValidationError(f"the known part {known.spec.name} has {len(known.states)} states "
                                      f"{known.states} but the data have {d}.")
            if names is not None and tuple(names) != known.states:
                raise ValidationError(f"the data's states {tuple(names)} do not match the known part's "
                                      f"{known.states}.")
            names = known.states
        names = tuple(names) if names is not None else tuple(f"x{i}" for i in range(d))
        if len(names) != d:
            raise ValidationError(f"state_names has {len(names)} names but the data have {d} states.")
        known(runs[0][:2], known.p0)  # shape check of a callable
        return runs, times, names, known

    # -- helpers of fit
    @staticmethod
    def _apply(V: np.ndarray, blocks) -> np.ndarray:
        """Apply each run's weak operator (if any) to its rows of V."""
        if blocks[0][1] is None:
            return V
        out, start = [], 0
        for x, op, _ in blocks:
            out.append(op @ V[start:start + x.shape[0]])
            start += x.shape[0]
        return np.vstack(out)

    def _ridge(self, Theta: np.ndarray) -> float:
        n = Theta.shape[0]
        if self.remainder == "kernel":
            return check_positive_float(self.kernel_alpha, "kernel_alpha", allow_zero=True) * n
        return 1e-10 * float(np.mean(Theta ** 2)) * n  # minimal-norm tie-break only

    @staticmethod
    def _weights(R, Theta, support, ridge) -> np.ndarray:
        d, m = support.shape
        W = np.zeros((d, m))
        for i in range(d):
            s = support[i]
            if s.any():
                A = Theta[:, s]
                W[i, s] = _normal_solve(A.T @ A + ridge * np.eye(A.shape[1]), A.T @ R[:, i])
        return W

    def _projectors(self, Theta, support, ridge, mu=0.0):
        mats = []
        for i in range(support.shape[0]):
            s = support[i]
            if s.any():
                A = Theta[:, s]
                mats.append((s, _normal_solve((1 + mu) * A.T @ A + ridge * np.eye(A.shape[1]), A.T)))
            else:
                mats.append((s, None))
        return mats

    def _profile_residual(self, K_rows, Y, Theta, mats, ridge, penalty=0.0):
        def res(p):
            R = Y - K_rows(p)
            out, pen = [], []
            for i, (s, M) in enumerate(mats):
                r = R[:, i]
                if M is not None:
                    w = M @ r
                    r = r - Theta[:, s] @ w
                    pen.append(np.sqrt(ridge) * w)
                    if penalty:
                        pen.append(np.sqrt(penalty) * (Theta[:, s] @ w))
                out.append(r)
            return np.concatenate(out + pen)
        return res

    def _fit_p(self, K_rows, Y, Theta, support, p0, ridge, penalty=0.0):
        from scipy.optimize import least_squares

        res = self._profile_residual(K_rows, Y, Theta, self._projectors(Theta, support, ridge, penalty), ridge,
                                     penalty)
        sol = least_squares(res, p0, method="lm" if res(p0).size >= p0.size else "trf", x_scale="jac",
                            xtol=1e-12, ftol=1e-12, gtol=1e-12, max_nfev=200 * (p0.size + 1))
        return sol.x

    def _aphynity(self, K_rows, Y, Theta, support, p, ridge):
        """Adaptive penalty: min ‖F‖²/λ + L_fit, λ ← τ λ until L_fit is within 1 % of the free fit."""
        tau = check_positive_float(self.aphynity_tau, "aphynity_tau")
        if tau <= 1:
            raise ValidationError(f"aphynity_tau must be > 1; got {tau}.")

        def fit_loss(pp, WW):
            return float(np.sum((Y - K_rows(pp) - Theta @ WW.T) ** 2))

        W = self._weights(Y - K_rows(p), Theta, support, ridge)
        free = fit_loss(p, W)
        lam = 1.0 / max(float(np.mean(Theta ** 2)), 1e-300)
        history = []
        for _ in range(20):
            mu = 1.0 / lam
            pp = self._fit_p(K_rows, Y, Theta, support, p, ridge, mu) if p.size else p
            mats = self._projectors(Theta, support, ridge, mu)
            R = Y - K_rows(pp)
            WW = np.zeros_like(W)
            for i, (s, M) in enumerate(mats):
                if M is not None:
                    WW[i, s] = M @ R[:, i]
            L = fit_loss(pp, WW)
            history.append((lam, L))
            p, W = pp, WW
            if L <= 1.01 * free + 1e-300:
                break
            lam *= tau
        self.aphynity_path_ = history
        return p, W

    def _rhs_batch(self, X, p, W):
        return self._known(X, p) + self.features_.transform(X) @ W.T

    def _trajectory_matching(self, runs, times, support):
        """Multiple shooting over all runs, vectorised RK4, scipy least_squares with a sparse Jacobian."""
        from scipy.optimize import least_squares
        from scipy.sparse import lil_matrix

        L = check_positive_int(self.segment_length, "segment_length")
        sub = check_positive_int(self.substeps, "substeps")
        d = runs[0].shape[1]
        segs = []  # (run, start index, n intervals, interval lengths)
        for r, (x, tt) in enumerate(zip(runs, times)):
            for s in range(0, x.shape[0] - 1, L):
                e = min(s + L, x.shape[0] - 1)
                segs.append((r, s, e))
        n_seg = len(segs)
        idx_w = np.flatnonzero(support.ravel())
        n_p, n_w = self._p.size, idx_w.size
        Lmax = max(e - s for _, s, e in segs)
        # per segment, per interval step length (0 beyond the segment's end: state frozen)
        H = np.zeros((n_seg, Lmax))
        obs = np.full((n_seg, Lmax, d), np.nan)
        for k, (r, s, e) in enumerate(segs):
            H[k, :e - s] = np.diff(times[r][s:e + 1])
            obs[k, :e - s] = runs[r][s + 1:e + 1]
        mask = ~np.isnan(obs[..., 0])
        S0 = np.array([runs[r][s] for r, s, _ in segs])
        nxt = [k + 1 if k + 1 < n_seg and segs[k + 1][0] == segs[k][0] else -1 for k in range(n_seg)]
        has_next = np.array([j >= 0 for j in nxt])
        nxt_idx = np.array([j for j in nxt if j >= 0], int)
        scale = np.vstack(runs).std(axis=0)
        scale = np.where(scale > 0, scale, 1.0)

        def unpack(theta):
            p = theta[:n_p]
            W = np.zeros(support.size)
            W[idx_w] = theta[n_p:n_p + n_w]
            return p, W.reshape(support.shape), theta[n_p + n_w:].reshape(n_seg, d)

        bound = 1e3 * float(np.max(np.abs(np.vstack(runs)))) + 1.0

        def simulate(p, W, S):
            out = np.empty((n_seg, Lmax, d))
            y = S.copy()
            for j in range(Lmax):
                h = (H[:, j] / sub)[:, None]
                for _ in range(sub):
                    k1 = self._rhs_batch(y, p, W)
                    k2 = self._rhs_batch(y + 0.5 * h * k1, p, W)
                    k3 = self._rhs_batch(y + 0.5 * h * k2, p, W)
                    k4 = self._rhs_batch(y + h * k3, p, W)
                    y = np.clip(y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4), -bound, bound)  # divergent trial
                out[:, j] = y
            return out

        last = np.array([e - s - 1 for _, s, e in segs])

        def residual(theta):
            p, W, S = unpack(theta)
            with np.errstate(all="ignore"):
                sim = simulate(p, W, S)
            if not np.all(np.isfinite(sim)):
                sim = np.where(np.isfinite(sim), sim, 1e6)
            r_obs = ((sim - np.nan_to_num(obs)) / scale)[mask]
            r_start = ((S - S0) / scale).ravel()
            ends = sim[np.arange(n_seg), last]
            r_cont = ((ends[has_next] - S[nxt_idx]) / scale).ravel()
            return np.concatenate([r_obs.ravel(), r_start, r_cont])

        n_obs = int(mask.sum()) * d
        n_cols = n_p + n_w + n_seg * d
        rows = n_obs + n_seg * d + int(has_next.sum()) * d
        sp = lil_matrix((rows, n_cols), dtype=int)
        sp[:, :n_p + n_w] = 1
        seg_of_obs = np.repeat(np.nonzero(mask)[0], d)
        for row, k in enumerate(seg_of_obs):
            sp[row, n_p + n_w + k * d:n_p + n_w + (k + 1) * d] = 1
        for k in range(n_seg):
            for c in range(d):
                sp[n_obs + k * d + c, n_p + n_w + k * d + c] = 1
        row = n_obs + n_seg * d
        for k in np.flatnonzero(has_next):
            for c in range(d):
                sp[row + c, n_p + n_w + k * d:n_p + n_w + (k + 1) * d] = 1
                sp[row + c, n_p + n_w + nxt[k] * d + c] = 1
            row += d
        theta0 = np.concatenate([self._p, self.coef_.ravel()[idx_w], S0.ravel()])
        sol = least_squares(residual, theta0, jac_sparsity=sp.tocsr(), method="trf", x_scale="jac",
                            max_nfev=100, xtol=1e-10, ftol=1e-10)
        p, W, _ = unpack(sol.x)
        self._p, self.coef_ = p, W
        self.trajectory_rmse_ = float(np.sqrt(np.mean(sol.fun[:n_obs] ** 2)))
        self.n_segments_ = n_seg

    def _finish(self, K_rows, Y, Theta, Xall):
        known = self._known
        p, W = self._p, self.coef_
        fitted = K_rows(p) + Theta @ W.T
        self.fit_rmse_ = float(np.sqrt(np.mean((Y - fitted) ** 2)))
        # identifiability: Jacobian of the profiled residual (remainder re-fitted, no ridge)
        ident = np.ones(p.size, bool)
        std = np.zeros(p.size)
        if p.size:
            res = self._profile_residual(K_rows, Y, Theta, self._projectors(Theta, self.support_, 0.0), 0.0)
            r0 = res(p)
            J = np.empty((r0.size, p.size))
            for j in range(p.size):
                h = 1e-6 * max(1.0, abs(p[j]))
                e = np.zeros_like(p)
                e[j] = h
                J[:, j] = (res(p + e) - res(p - e)) / (2 * h)
            dof = max(r0.size - p.size - int(self.support_.sum()), 1)
            ident, std = _identify(J, r0, p, float(np.linalg.norm(Y)) or 1.0, dof, known.names)
        self.identifiable_ = {k: bool(v) for k, v in zip(known.names, ident)}
        self.parameters_ = {k: (float(v) if ok else float("nan")) for k, v, ok in zip(known.names, p, ident)}
        self.parameter_std_ = {k: float(s) for k, s in zip(known.names, std)}
        self._physics_share(known(Xall, p), self.features_.transform(Xall) @ W.T, p)

    def _physics_share(self, Kx: np.ndarray, Fx: np.ndarray, p: np.ndarray) -> None:
        """``physics_fraction_`` from the two parts along the data, and the warnings it calls for."""
        known = self._known
        kk, ff = float(np.sum(Kx ** 2)), float(np.sum(Fx ** 2))
        self.physics_fraction_ = kk / (kk + ff) if kk + ff > 0 else float("nan")
        zeroed = [k for k, v, p0 in zip(known.names, p, known.p0) if abs(v) < 1e-3 * max(abs(p0), 1e-12)]
        if zeroed and len(zeroed) == p.size:
            warnings.warn(f"every parameter of the known part was driven to zero ({zeroed}): the fitted "
                          "known part vanishes and the data are explained, if at all, by the remainder; "
                          "check the known part, or use aphynity=True.", ReliabilityWarning, stacklevel=4)
        elif self.physics_fraction_ < 0.05:
            warnings.warn(f"the remainder explains nearly everything (physics share of the vector field "
                          f"{self.physics_fraction_:.3g}): the known part is effectively ignored; check it, "
                          "or use aphynity=True.", ReliabilityWarning, stacklevel=4)

    # ------------------------------------------------------------------ views
    def _check_fitted(self):
        if not hasattr(self, "coef_"):
            raise ValidationError("this Hybrid model is not fitted yet; call fit(X, dt=...) first.")

    @property
    def parameter_vector_(self) -> np.ndarray:
        """Fitted unknown parameters as used by the model (the optimiser's values, also when flagged)."""
        self._check_fitted()
        return self._p.copy()

    def known_rhs(self, X) -> np.ndarray:
        """Known part ``K(X; p̂)`` at states X (n, d)."""
        self._check_fitted()
        X = np.atleast_2d(np.asarray(X, float))
        return self._known(X, self._p)

    def remainder_rhs(self, X) -> np.ndarray:
        """Learned remainder ``F(X)`` at states X (n, d)."""
        self._check_fitted()
        X = np.atleast_2d(np.asarray(X, float))
        return self.features_.transform(X) @ self.coef_.T

    def predict(self, X) -> np.ndarray:
        """Full vector field ``K + F`` at states X (n, d)."""
        return self.known_rhs(X) + self.remainder_rhs(X)

    def _remainder_terms(self, i: int, precision: int) -> str:
        row = self.coef_[i]
        if self.remainder == "kernel":
            return f"kernel ridge ({np.count_nonzero(row)} Gaussian centres)" if np.any(row) else "0"
        terms = [f"{c:+.{precision}g} {f}" if f != "1" else f"{c:+.{precision}g}"
                 for c, f in zip(row, self.feature_names_) if c != 0]
        return " ".join(terms) if terms else "0"

    def equations(self, precision: int = 4) -> list[str]:
        """Known part with fitted parameters, then the remainder, one line per state."""
        self._check_fitted()
        known = self._known
        out = []
        for i, s in enumerate(self.state_names_):
            if known.spec is not None:
                import sympy as sp

                vals = {sym: round(float(v), 12) for sym, v in zip(known._unk_symbols, self._p)}
                kt = sp.sstr(sp.N(known._exprs[i].xreplace(vals), precision))
            else:
                kt = f"known_{i}(x; p̂)"
            out.append(f"d{s}/dt = [{kt}] + [{self._remainder_terms(i, precision)}]")
        return out

    # ------------------------------------------------------------------ as a DynamicalSystem
    def to_system(self, name: str = "Hybrid model", x0=None) -> DynamicalSystem:
        """The fitted model as a DynamicalSystem.

        Known part a SymbolicSpec and a SINDy remainder: a compiled
        :class:`~attractor.SymbolicSystem` (exact Jacobian). Otherwise a
        :class:`HybridSystem` whose Jacobian is by central finite differences
        (``has_exact_jacobian`` is False).
        """
        self._check_fitted()
        x0 = self.x0_ if x0 is None else x0
        known = self._known
        if known.spec is not None and self.remainder == "sindy":
            import sympy as sp

            xs = [sp.Symbol(s, real=True) for s in known.states]
            exprs = self.features_.expressions(xs)
            params = dict(known.fixed) | {k: float(v) for k, v in zip(known.names, self._p)}
            eqs = []
            for i, s in enumerate(known.states):
                parts = [f"({known.spec.equations[i]})"]
                for k, c in enumerate(self.coef_[i]):
                    if c != 0:
                        pn = f"r_{s}_{k}"
                        while pn in params or pn in known.states:
                            pn = "_" + pn
                        params[pn] = float(c)
                        parts.append(f"{pn}*({sp.sstr(exprs[k])})")
                eqs.append(" + ".join(parts))
            spec = SymbolicSpec(_safe_name(name), "flow", known.states, tuple(params), tuple(eqs))
            return SymbolicSystem(spec, params, x0=x0, dt=self.dt_,
                                  metadata={"description": "hybrid model: known physics + SINDy remainder",
                                            "learned_by": "attractor.learn.Hybrid"})
        return HybridSystem(self, name, x0)

    def forecast(self, history, horizon: int, *, dt: float | None = None) -> np.ndarray:
        """Integrate from the last row of ``history`` and sample ``horizon`` steps of ``dt`` (default ``dt_``)."""
        self._check_fitted()
        hist = np.atleast_2d(np.asarray(history, float))
        horizon = check_positive_int(horizon, "horizon")
        step = self.dt_ if dt is None else check_positive_float(dt, "dt")
        tr = self.to_system().trajectory(horizon + 1, dt=step, x0=hist[-1])
        return tr.x[1:]

    # ------------------------------------------------------------------ closing the loop
    def discover_remainder(self, library: Library | None = None, optimizer=None) -> RemainderDiscovery:
        """Sparse regression (STLSQ, AICc) of the remainder's values along the training states.

        Parameters
        ----------
        library : Library, optional
            Candidate terms (default ``PolynomialLibrary(3)``).
        optimizer : optional
            Default ``STLSQ()``.
        """
        self._check_fitted()
        lib = library if library is not None else PolynomialLibrary(3)
        if not isinstance(lib, Library):
            raise ValidationError(f"library must be a Library; got {type(lib).__name__}.")
        Xall = np.vstack(self._runs)
        F = self.remainder_rhs(Xall)
        Theta = lib.transform(Xall)
        names = lib.names(list(self.state_names_))
        d = F.shape[1]
        coef = np.zeros((d, Theta.shape[1]))
        active = [i for i in range(d) if np.any(F[:, i] != 0)]
        if active:
            opt = optimizer if optimizer is not None else STLSQ()
            opt.fit(Theta, F[:, active])
            coef[active] = np.asarray(opt.coef_)
        r2 = np.full(d, np.nan)
        eqs = []
        for i, s in enumerate(self.state_names_):
            ss = float(np.sum((F[:, i] - F[:, i].mean()) ** 2))
            if i in active:
                r2[i] = 1 - float(np.sum((F[:, i] - Theta @ coef[i]) ** 2)) / ss if ss > 0 else 1.0
            terms = [f"{c:+.4g} {f}" if f != "1" else f"{c:+.4g}" for c, f in zip(coef[i], names) if c != 0]
            eqs.append(f"remainder of d{s}/dt = {' '.join(terms) if terms else '0'}")
        self.discovery_ = RemainderDiscovery(eqs, coef, names, r2, lib)
        return self.discovery_

    def refit_symbolic(self, discovery: RemainderDiscovery | None = None, name: str = "Hybrid refit") -> SymbolicSystem:
        """Known part + discovered terms as one symbolic model, all unknowns re-fitted by derivative matching.

        Returns a :class:`~attractor.SymbolicSystem`; ``symbolic_parameters_`` holds the values and
        ``refit_rmse_`` / ``fit_rmse_`` compare the symbolic model's and the hybrid's misfits of
        the derivatives along the data.
        """
        self._check_fitted()
        known = self._known
        if known.spec is None:
            raise ValidationError("refit_symbolic needs a SymbolicSpec known part.")
        disc = discovery if discovery is not None else getattr(self, "discovery_", None)
        if disc is None:
            disc = self.discover_remainder()
        import sympy as sp

        xs = [sp.Symbol(s, real=True) for s in known.states]
        exprs = disc.library.expressions(xs)
        params = dict(known.fixed) | {k: float(v) for k, v in zip(known.names, self._p)}
        free = list(known.names)
        eqs = []
        for i, s in enumerate(known.states):
            parts = [f"({known.spec.equations[i]})"]
            for k, c in enumerate(disc.coef[i]):
                if c != 0:
                    pn = f"d_{s}_{k}"
                    while pn in params or pn in known.states:
                        pn = "_" + pn
                    params[pn] = float(c)
                    free.append(pn)
                    parts.append(f"{pn}*({sp.sstr(exprs[k])})")
            eqs.append(" + ".join(parts))
        spec = SymbolicSpec(_safe_name(name), "flow", known.states, tuple(params), tuple(eqs))
        fixed = {k: v for k, v in params.items() if k not in free}
        sym = _Known(spec, fixed, {k: params[k] for k in free}, None)
        # derivative matching on the same rows as the hybrid (weak or strong form)
        blocks = []
        for x, tt in zip(self._runs, self._times):
            if self.weak_:
                from .sindy import _corner_halfwidth

                step = float(np.median(np.diff(tt)))
                m = self.weak_width if self.weak_width is not None else _corner_halfwidth(x, step)
                m = max(2, min(int(m), (x.shape[0] - 1) // 2))
                Phi, D = _weak_operators(tt, int(self.n_test_functions), m)
                blocks.append((x, Phi, D @ x))
            else:
                steps = np.diff(tt)
                order = 4 if (np.allclose(steps, steps[0], rtol=1e-6) and x.shape[0] >= 5) else 2
                blocks.append((x, None, differentiate(x, tt, method="finite_difference", order=order)))
        Xall = np.vstack([b[0] for b in blocks])
        Y = np.vstack([b[2] for b in blocks])
        from scipy.optimize import least_squares

        sol = least_squares(lambda q: (Y - self._apply(sym(Xall, q), blocks)).ravel(), sym.p0, x_scale="jac",
                            xtol=1e-12, ftol=1e-12, gtol=1e-12)
        vals = dict(fixed) | {k: float(v) for k, v in zip(sym.names, sol.x)}
        self.symbolic_parameters_ = {k: vals[k] for k in sym.names}
        self.refit_rmse_ = float(np.sqrt(np.mean(sol.fun ** 2)))
        return SymbolicSystem(spec, vals, x0=self.x0_, dt=self.dt_,
                              metadata={"description": "known physics + terms discovered in the hybrid's remainder",
                                        "learned_by": "attractor.learn.Hybrid.refit_symbolic"})

    def __repr__(self) -> str:
        return f"Hybrid(known={getattr(self.known, 'name', 'callable')}, remainder={self.remainder!r})"


def _safe_name(name: str) -> str:
    import re

    s = re.sub(r"[^A-Za-z0-9_ ]", "_", str(name)).strip() or "Hybrid"
    return s


class HybridSystem(DynamicalSystem):
    """A fitted :class:`Hybrid` as a flow; Jacobian by central finite differences."""

    def __init__(self, model: Hybrid, name: str = "Hybrid model", x0=None):
        self._model = model
        self.name = name
        self.kind = "flow"
        self.dimension = len(model.state_names_)
        self.state_names = tuple(model.state_names_)
        self.parameters = MappingProxyType({k: float(v) for k, v in zip(model._known.names, model._p)})
        self.default_x0 = None if x0 is None else np.asarray(x0, float).copy()
        self.default_dt = model.dt_
        self.metadata = MappingProxyType({"description": f"hybrid model: known physics + {model.remainder} remainder",
                                          "learned_by": "attractor.learn.Hybrid", "jacobian": "finite differences"})

    def rhs(self, x, t: float = 0.0) -> np.ndarray:
        x = self._check_state(x)
        return self._model.predict(x[None, :])[0]
