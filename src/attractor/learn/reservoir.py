"""Reservoir computing: echo-state networks and next-generation RC (NVAR), as closed-loop maps.

Both learners are fitted with one closed-form ridge regression and, once fitted, *are*
:class:`~attractor.DynamicalSystem` maps (``kind="map"``) on their own internal state, with an
analytic Jacobian — so simulation, fixed points and Lyapunov spectra apply to them unchanged.

Common contract (scikit-learn style)
------------------------------------
``fit(X, t=None, dt=None)`` returns the model; learned quantities end in ``_``
(``dt_``, ``n_features_in_``, ``W_out_``, ``mean_``, ``scale_``, ...).
``forecast(history, horizon)`` conditions on ``history`` (shape (n, d), at least
``required_history`` samples; the model is *not* refitted) and returns the next ``horizon``
samples, shape (horizon, d). ``predict(X)`` gives one-step-ahead (teacher-forced) predictions.
``encode(history)`` / ``decode(state)`` map observations to the closed-loop state and back.

Data are standardised per channel (``standardize=True``, mean and standard deviation of the
training data) before fitting; the closed-loop state lives in standardised units.

References
----------
Jaeger, H. (2001). The "echo state" approach to analysing and training recurrent neural
networks. GMD Report 148.
Lukoševičius, M. (2012). A practical guide to applying echo state networks. In Neural
Networks: Tricks of the Trade, LNCS 7700, 659–686.
Pathak, J., Lu, Z., Hunt, B. R., Girvan, M. & Ott, E. (2017). Using machine learning to
replicate chaotic attractors and calculate Lyapunov exponents from data. Chaos 27, 121102.
Gauthier, D. J., Bollt, E., Griffith, A. & Barbosa, W. A. S. (2021). Next generation reservoir
computing. Nat. Commun. 12, 5564.
"""
from __future__ import annotations

import math
from itertools import combinations_with_replacement
from types import MappingProxyType
from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg

from ..core.errors import InsufficientDataError, ValidationError
from ..core.system import DynamicalSystem
from ..core.validation import (as_float_array, scale_exponent, check_positive_float, check_positive_int,
                               check_time_vector, check_uniform_sampling)

__all__ = ["ESN", "NGRC", "ridge_solve"]


#: Largest distance (in training standard deviations) of a history from the training data that the
#: learned maps accept: polynomial features up to degree 6 of it stay finite in float64.
_MAX_STANDARDIZED = 1e50


def ridge_solve(Phi: np.ndarray, Y: np.ndarray, ridge: float) -> np.ndarray:
    """Closed-form ridge regression: ``W = argmin ‖Φ Wᵀ − Y‖² + ridge ‖W‖²``.

    Parameters
    ----------
    Phi : ndarray, shape (n_samples, n_features)
    Y : ndarray, shape (n_samples, n_outputs)
    ridge : float >= 0

    Returns
    -------
    W : ndarray, shape (n_outputs, n_features)
        With up to 500 features: from the thin SVD ``Φ = U S Vᵀ`` as
        ``Wᵀ = V diag(s/(s² + ridge)) Uᵀ Y`` (numerically stable even when ΦᵀΦ is
        ill-conditioned, e.g. raw polynomial features; with ``ridge = 0`` the minimum-norm least
        squares solution, singular values below ``max(shape)·eps·s_max`` treated as zero, so a
        rank-deficient Φ such as a constant series gives finite weights); otherwise from the normal equations
        ``(ΦᵀΦ + ridge·I) Wᵀ = ΦᵀY`` by Cholesky (least squares if that fails).
    """
    if Phi.shape[1] <= 500:
        U, s, Vt = np.linalg.svd(Phi, full_matrices=False)
        if ridge > 0:
            gain = s / (s * s + ridge)
        else:   # least squares: the pseudo-inverse, zero gain on singular values at rounding level
            keep = s > (s[0] if s.size else 0.0) * max(Phi.shape) * np.finfo(float).eps
            gain = np.where(keep, 1.0 / np.where(keep, s, 1.0), 0.0)
        W = Vt.T @ (gain[:, None] * (U.T @ Y))
        return np.ascontiguousarray(W.T)
    A = Phi.T @ Phi
    A[np.diag_indices_from(A)] += ridge
    B = Phi.T @ Y
    try:
        W = scipy.linalg.cho_solve(scipy.linalg.cho_factor(A, check_finite=False), B, check_finite=False)
    except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):
        W = np.linalg.lstsq(A, B, rcond=None)[0]
    return np.ascontiguousarray(W.T)


# spectral radius of the unscaled random reservoir, by (n, density, integer seed): the matrix is
# a function of these, so refits with other hyper-parameters (a tuning grid) skip the Arnoldi run
_RHO_CACHE: dict[tuple, float] = {}


def _spectral_radius(W, v0: np.ndarray) -> float:
    """Largest |eigenvalue| of sparse ``W``.

    Dense eigenvalues up to 300 × 300; above, ARPACK (from ``v0``) for the 12 eigenvalues of
    largest modulus. Asking ARPACK for one only is unreliable here: a random sparse matrix has
    many eigenvalues close to its spectral radius, and ``k = 1`` returned values up to 2 % low
    (n = 1000, mean degree 3); with ``k = 12`` (Ritz tolerance 1e-6, 40 Arnoldi vectors) the
    error was below 1e-11 in our checks (n = 500, 1000 and 2000, mean degree 3 and 50).
    """
    n = W.shape[0]
    if n > 300:
        try:
            k = min(12, n - 2)
            # a Krylov space of 40 (not ARPACK's default 2k + 1 = 25) needs far fewer restarts:
            # 3x faster at n = 500, mean degree 50, same values to 1e-14
            ev = scipy.sparse.linalg.eigs(W, k=k, ncv=min(n - 1, max(2 * k + 1, 40)), which="LM",
                                          return_eigenvectors=False, v0=v0, tol=1e-6, maxiter=20000)
            return float(np.max(np.abs(ev)))
        except (scipy.sparse.linalg.ArpackNoConvergence, ValueError, TypeError):
            pass
    return float(np.max(np.abs(np.linalg.eigvals(W.toarray()))))


class _LearnedMap(DynamicalSystem):
    """Shared machinery of learners that become closed-loop maps (not public)."""

    kind = "map"
    _label = "learned map"

    def __init__(self, standardize: bool = True):
        self.standardize = bool(standardize)
        self.name = self._label
        self.dimension = 0
        self.state_names = ()
        self.parameters = MappingProxyType({})
        self.metadata = MappingProxyType({"learned": True})
        self.default_x0 = None
        self.default_dt = 1.0

    # -- hyper-parameters (sklearn-like)
    def get_params(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self._param_names}

    def set_params(self, **params) -> "_LearnedMap":
        for k, v in params.items():
            if k not in self._param_names:
                raise ValidationError(f"{type(self).__name__} has no hyper-parameter {k!r}; "
                                      f"valid: {', '.join(self._param_names)}.")
            setattr(self, k, v)
        return self

    def clone(self, **params) -> "_LearnedMap":
        """A new unfitted model with the same hyper-parameters (some replaced by ``params``)."""
        p = self.get_params()
        p.update(params)
        return type(self)(**p)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # -- fitting helpers
    @property
    def is_fitted(self) -> bool:
        return hasattr(self, "n_features_in_")

    def _check_fitted(self):
        if not self.is_fitted:
            raise ValidationError(f"this {type(self).__name__} is not fitted yet; call fit(X) first.")

    @property
    def required_history(self) -> int:
        """Minimum number of samples ``forecast``/``encode`` need as context."""
        raise NotImplementedError

    def _min_fit_length(self) -> int:
        raise NotImplementedError

    def _prepare_fit(self, X, t, dt) -> np.ndarray:
        # standardised models accept any finite magnitude: statistics and standardisation are
        # computed on the data divided by an exact power of two (no overflow of the squares at
        # |x| ~ 1e300, no underflow at 1e-300); unstandardised ones refuse extreme magnitudes
        arr = as_float_array(X, "X", ndim=(1, 2), check_magnitude=not self.standardize)
        if arr.ndim == 1:
            arr = arr[:, None]
        need = self._min_fit_length()
        if arr.shape[0] < need:
            raise InsufficientDataError(
                f"X has {arr.shape[0]} samples; {type(self).__name__} with these settings needs at least {need}.")
        if t is not None:
            tt = check_time_vector(t, arr.shape[0])
            step = check_uniform_sampling(tt)
            if dt is not None and not np.isclose(step, float(dt), rtol=1e-6):
                raise ValidationError(f"dt={dt} disagrees with the sampling step {step:g} of t.")
            dt = step
        self.dt_ = 1.0 if dt is None else check_positive_float(dt, "dt")
        if self.standardize:
            k = scale_exponent(arr)
            a = np.ldexp(arr, -k) if k else arr
            sd = a.std(axis=0)
            # constant up to rounding (e.g. 0.7 repeated has std ~1e-16 from the rounded mean)
            sd[sd <= 16 * np.finfo(float).eps * np.max(np.abs(a), axis=0)] = 0.0
            if np.any(sd == 0):
                raise ValidationError(f"X is constant in channel(s) {np.flatnonzero(sd == 0).tolist()}; "
                                      "a constant signal has no dynamics to learn.")
            self.mean_, self.scale_ = np.ldexp(a.mean(axis=0), k), np.ldexp(sd, k)
        else:
            self.mean_, self.scale_ = np.zeros(arr.shape[1]), np.ones(arr.shape[1])
        return self._standardized(arr)

    def _standardized(self, a: np.ndarray) -> np.ndarray:
        """``(a - mean_) / scale_``, evaluated after an exact power-of-two rescaling (no overflow)."""
        k = int(np.frexp(np.max(self.scale_))[1])
        if k == 0:
            return (a - self.mean_) / self.scale_
        return (np.ldexp(a, -k) - np.ldexp(self.mean_, -k)) / np.ldexp(self.scale_, -k)

    def _check_history(self, history, name: str = "history") -> np.ndarray:
        self._check_fitted()
        h = as_float_array(history, name, ndim=(1, 2), check_magnitude=not self.standardize)
        if h.ndim == 1:
            h = h[:, None]
        if h.shape[1] != self.n_features_in_:
            raise ValidationError(f"{name} has {h.shape[1]} channel(s) but the model was fitted on "
                                  f"{self.n_features_in_}.")
        if h.shape[0] < self.required_history:
            raise InsufficientDataError(f"{name} has {h.shape[0]} samples; this {type(self).__name__} needs "
                                        f"at least {self.required_history} as context.")
        z = self._standardized(h)
        far = float(np.max(np.abs(z))) if z.size else 0.0
        if far > _MAX_STANDARDIZED:
            raise ValidationError(f"{name} lies {far:.3g} training standard deviations from the training mean; "
                                  "the model cannot extrapolate that far (its features would overflow).")
        return z

    @staticmethod
    def _check_horizon(horizon) -> int:
        return check_positive_int(horizon, "horizon")

    def _finish_fit(self, d: int, state_dim: int, x0: np.ndarray, prefix: str):
        self.n_features_in_ = d
        self.dimension = state_dim
        self.state_names = tuple(f"{prefix}{i}" for i in range(state_dim))
        self.default_x0 = np.asarray(x0, dtype=float).copy()
        self.default_dt = 1.0
        self.metadata = MappingProxyType({"learned": True, "dt": self.dt_, "model": type(self).__name__})

    def to_system(self) -> "_LearnedMap":
        """The closed-loop map (the fitted model itself)."""
        self._check_fitted()
        return self

    def _check_state(self, x) -> np.ndarray:
        self._check_fitted()
        return super()._check_state(x)


# ====================================================================== ESN
class ESN(_LearnedMap):
    """Echo-state network with a sparse random reservoir and a ridge readout.

    Reservoir update (leaky-integrator, Jaeger 2001; Lukoševičius 2012, eq. 2–3)::

        r_{k+1} = (1 − a) r_k + a tanh(W r_k + W_in u_k + b)

    with ``W`` an ``n_reservoir × n_reservoir`` sparse matrix (about ``degree`` non-zeros per
    row, entries U(−1, 1), rescaled to spectral radius ``spectral_radius``), ``W_in`` dense
    U(−``input_scaling``, ``input_scaling``), ``b`` U(−``bias_scaling``, ``bias_scaling``) and
    ``a`` the ``leak_rate``. The readout ``û_{k+1} = W_out φ(r_{k+1})`` uses
    ``φ(r) = [1, r]`` or, with ``quadratic_readout`` (default; Pathak et al. 2017 break the
    tanh symmetry this way), ``φ(r) = [1, r, r∘r]``. ``W_out`` solves the ridge problem on the
    teacher-forced states after ``washout`` samples.

    Closed loop (the :class:`DynamicalSystem` view): state ``r`` (dimension ``n_reservoir``),
    ``step(r) = (1 − a) r + a tanh(W r + W_in W_out φ(r) + b)``, Jacobian
    ``(1 − a) I + a diag(1 − tanh²(·)) (W + W_in W_out ∂φ/∂r)``. ``decode(r)`` is the
    observation ``W_out φ(r)`` in data units — the forecast of the sample after the input
    that produced ``r``.

    Parameters
    ----------
    n_reservoir : int
    spectral_radius : float
    degree : float
        Mean number of non-zeros per reservoir row.
    leak_rate : float in (0, 1]
    input_scaling, bias_scaling : float
    ridge : float
        Tikhonov regularisation of the readout.
    washout : int
        Initial teacher-forced samples discarded from training (and the minimum context a
        forecast needs to synchronise the reservoir).
    quadratic_readout : bool
    standardize : bool
    seed : int or numpy.random.Generator
    """

    _label = "ESN"
    _param_names = ("n_reservoir", "spectral_radius", "degree", "leak_rate", "input_scaling", "bias_scaling",
                    "ridge", "washout", "quadratic_readout", "standardize", "seed")

    def __init__(self, n_reservoir: int = 500, spectral_radius: float = 0.9, degree: float = 3.0,
                 leak_rate: float = 1.0, input_scaling: float = 0.5, bias_scaling: float = 0.5,
                 ridge: float = 1e-6, washout: int = 100, quadratic_readout: bool = True,
                 standardize: bool = True, seed: Any = 0):
        super().__init__(standardize)
        self.n_reservoir = n_reservoir
        self.spectral_radius = spectral_radius
        self.degree = degree
        self.leak_rate = leak_rate
        self.input_scaling = input_scaling
        self.bias_scaling = bias_scaling
        self.ridge = ridge
        self.washout = washout
        self.quadratic_readout = quadratic_readout
        self.seed = seed

    @property
    def required_history(self) -> int:
        return max(1, int(self.washout))

    def _min_fit_length(self) -> int:
        return int(self.washout) + 10

    def _validate_params(self):
        self.n_reservoir = check_positive_int(self.n_reservoir, "n_reservoir")
        check_positive_float(self.spectral_radius, "spectral_radius")
        deg = check_positive_float(self.degree, "degree")
        if deg > self.n_reservoir:
            raise ValidationError(f"degree ({deg}) cannot exceed n_reservoir ({self.n_reservoir}).")
        a = check_positive_float(self.leak_rate, "leak_rate")
        if a > 1:
            raise ValidationError(f"leak_rate must be in (0, 1]; got {a}.")
        check_positive_float(self.input_scaling, "input_scaling")
        check_positive_float(self.bias_scaling, "bias_scaling", allow_zero=True)
        check_positive_float(self.ridge, "ridge", allow_zero=True)
        self.washout = check_positive_int(self.washout, "washout", minimum=0)

    def _build(self, d: int, rng: np.random.Generator):
        n = self.n_reservoir
        density = min(1.0, float(self.degree) / n)
        W = scipy.sparse.random(n, n, density=density, format="csr", random_state=rng,
                                data_rvs=lambda k: rng.uniform(-1.0, 1.0, k))
        if W.nnz == 0:
            raise ValidationError("the random reservoir has no connections; increase degree.")
        v0 = rng.uniform(-1, 1, n)
        key = (n, density, int(self.seed)) if isinstance(self.seed, (int, np.integer)) else None
        rho = _RHO_CACHE.get(key) if key is not None else None
        if rho is None:
            rho = _spectral_radius(W, v0)
            if key is not None:
                if len(_RHO_CACHE) >= 64:
                    _RHO_CACHE.pop(next(iter(_RHO_CACHE)))
                _RHO_CACHE[key] = rho
        if rho == 0:
            raise ValidationError("the random reservoir is nilpotent (spectral radius 0); change seed or degree.")
        W = (W * (float(self.spectral_radius) / rho)).tocsr()
        W.sort_indices()
        self.W_ = W
        self.W_in_ = rng.uniform(-self.input_scaling, self.input_scaling, (n, d))
        self.bias_ = rng.uniform(-self.bias_scaling, self.bias_scaling, n) if self.bias_scaling > 0 else np.zeros(n)

    def _csr(self):
        W = self.W_
        return (W.indptr.astype(np.int64), W.indices.astype(np.int64), W.data.astype(np.float64))

    def _run(self, Z: np.ndarray, r0: np.ndarray | None = None, n_closed: int = 0):
        """Teacher-forced states for inputs ``Z`` from ``r0`` (default rest), then ``n_closed`` outputs."""
        from ._reservoir_kernels import esn_run

        r0 = np.zeros(self.n_reservoir) if r0 is None else r0
        ip, ix, dat = self._csr()
        w_out = self.W_out_ if n_closed else np.zeros((Z.shape[1], 1))
        return esn_run(np.ascontiguousarray(Z, dtype=float), np.ascontiguousarray(r0, dtype=float), ip, ix, dat,
                       np.ascontiguousarray(self.W_in_), self.bias_, float(self.leak_rate), w_out, int(n_closed),
                       bool(self.quadratic_readout))

    def _drive(self, Z: np.ndarray, r0: np.ndarray | None = None) -> np.ndarray:
        return self._run(Z, r0)[0]

    def _features(self, R: np.ndarray) -> np.ndarray:
        R = np.atleast_2d(R)
        n = R.shape[1]
        Phi = np.empty((R.shape[0], 1 + n * (2 if self.quadratic_readout else 1)))
        Phi[:, 0] = 1.0
        Phi[:, 1:1 + n] = R
        if self.quadratic_readout:
            np.multiply(R, R, out=Phi[:, 1 + n:])
        return Phi

    def fit(self, X, t=None, dt: float | None = None) -> "ESN":
        """Fit the readout on one trajectory ``X`` (n_times, n_channels) sampled every ``dt``."""
        self._validate_params()
        Z = self._prepare_fit(X, t, dt)
        rng = np.random.default_rng(self.seed)
        self._build(Z.shape[1], rng)
        R = self._drive(Z[:-1])
        w = int(self.washout)
        Phi = self._features(R[w:])
        Y = Z[1 + w:]
        self.W_out_ = ridge_solve(Phi, Y, float(self.ridge))
        self.train_rmse_ = float(np.sqrt(np.mean((Phi @ self.W_out_.T - Y) ** 2)))
        self._finish_fit(Z.shape[1], self.n_reservoir, R[-1], "r")
        # the state after the last training input predicts the sample after X[-2]; drive one more
        self.default_x0 = self._drive(Z[-1:], R[-1])[-1]
        return self

    # -- closed loop
    def _readout(self, r: np.ndarray) -> np.ndarray:
        return self._features(r) @ self.W_out_.T

    def encode(self, history) -> np.ndarray:
        """Reservoir state after driving (from rest) with ``history``; ``decode`` of it forecasts the next sample."""
        Z = self._check_history(history)
        return self._drive(Z)[-1]

    def decode(self, state) -> np.ndarray:
        """Observation (data units) read out from reservoir state(s), shape (d,) or (n, d)."""
        self._check_fitted()
        s = np.asarray(state, dtype=float)
        y = self._readout(s) * self.scale_ + self.mean_
        return y[0] if s.ndim == 1 else y

    def step(self, x, t: float = 0.0) -> np.ndarray:
        r = self._check_state(x)
        u = self._readout(r)[0]
        pre = self.W_ @ r + self.W_in_ @ u + self.bias_
        a = float(self.leak_rate)
        return (1 - a) * r + a * np.tanh(pre)

    def jacobian(self, x, t: float = 0.0) -> np.ndarray:
        r = self._check_state(x)
        n = self.n_reservoir
        u = self._readout(r)[0]
        pre = self.W_ @ r + self.W_in_ @ u + self.bias_
        dphi = self.W_out_[:, 1:1 + n].copy()
        if self.quadratic_readout:
            dphi += self.W_out_[:, 1 + n:] * (2 * r)[None, :]
        M = self.W_.toarray() + self.W_in_ @ dphi
        a = float(self.leak_rate)
        J = a * (1 - np.tanh(pre) ** 2)[:, None] * M
        J[np.diag_indices(n)] += 1 - a
        return J

    def forecast(self, history, horizon: int) -> np.ndarray:
        """Drive with ``history`` (≥ ``washout`` samples), then run closed loop for ``horizon`` samples."""
        horizon = self._check_horizon(horizon)
        Z = self._check_history(history)
        _, Y = self._run(Z, n_closed=horizon)
        return Y * self.scale_ + self.mean_

    def predict(self, X) -> np.ndarray:
        """Teacher-forced one-step predictions: row k predicts ``X[k+1]`` (last row: the sample after X)."""
        Z = self._check_history(X, "X")
        return self._readout(self._drive(Z)) * self.scale_ + self.mean_


# ====================================================================== NGRC
# ====================================================================== delay-coordinate maps
class _DelayIncrementMap(_LearnedMap):
    """A learned map on ``window`` stacked delay coordinates that predicts the increment.

    State ``z = (x_t, x_{t-s}, ...)`` (standardised); ``x_{t+1} = x_t + F(z)`` and the older
    coordinates shift down. Subclasses give ``_increment_jacobian(z)`` (∂F/∂z, shape (d, n))
    and ``_run(z, horizon, out)`` (closed-loop iteration); the Jacobian of the whole map and
    the forecast follow from that structure (shared by NGRC and KernelFlows).
    """

    def _increment_jacobian(self, z: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def jacobian(self, x, t: float = 0.0) -> np.ndarray:
        z = self._check_state(x)
        d = self.n_features_in_
        n = z.size
        J = np.zeros((n, n))
        J[:d, :] = self._increment_jacobian(z)
        J[np.arange(d), np.arange(d)] += 1.0
        if self.window > 1:
            J[np.arange(d, n), np.arange(0, n - d)] = 1.0
        return J

    def forecast(self, history, horizon: int) -> np.ndarray:
        """Condition on the last ``window`` samples of ``history``; return the next ``horizon`` samples.

        A closed loop that diverges yields non-finite rows from the divergence on (no exception).
        """
        horizon = self._check_horizon(horizon)
        z = self.encode(history)
        out = np.empty((horizon, self.n_features_in_))
        with np.errstate(over="ignore", invalid="ignore"):   # a diverging forecast ends in inf/NaN rows
            out = self._run(z, horizon, out)
            return out * self.scale_ + self.mean_


class NGRC(_DelayIncrementMap):
    """Next-generation reservoir computer (nonlinear vector autoregression), Gauthier et al. 2021.

    Feature vector at time ``i`` (their eq. 4–6): the linear part
    ``O_lin = [x_i, x_{i−s}, …, x_{i−(k−1)s}]`` (``k = delays``, ``s = stride``; length
    ``k·d``), the unique monomials of ``O_lin`` of degrees 2…``degree``
    (``C(kd+1, 2)`` quadratic terms for ``degree=2``) and a constant 1. The model predicts the
    increment, ``x_{i+1} = x_i + W_out O_total(i)``, with ``W_out`` the ridge solution
    (regularisation ``ridge`` on every coefficient, as in the paper).

    Closed loop (the :class:`DynamicalSystem` view): the state is the delay buffer
    ``z = [x_i, x_{i−1}, …, x_{i−(k−1)s}]`` (standardised units, newest first; dimension
    ``d·((k−1)s+1)``); ``step`` appends the prediction and drops the oldest sample; the
    Jacobian is exact. ``decode(z)`` is ``x_i`` in data units.

    Parameters
    ----------
    delays : int >= 1
    stride : int >= 1
    degree : int >= 1
        Highest monomial degree (1: linear NVAR).
    ridge : float
    constant : bool
        Include the constant feature.
    standardize : bool
        Standardise each channel before building features (the paper does not; pass False to
        reproduce it exactly).
    max_features : int, optional
        Refuse (``ValidationError`` at fit) settings whose feature vector is longer than this.
        The count grows combinatorially — 10 channels, 4 delays and ``degree=3`` give 12 341
        features, whose ridge normal equations alone need 1.2 GB — so a search over settings
        should cap it. None: no limit.
    """

    _label = "NGRC"
    _param_names = ("delays", "stride", "degree", "ridge", "constant", "standardize", "max_features")

    def __init__(self, delays: int = 2, stride: int = 1, degree: int = 2, ridge: float = 2.5e-6,
                 constant: bool = True, standardize: bool = True, max_features: int | None = None):
        super().__init__(standardize)
        self.delays = delays
        self.stride = stride
        self.degree = degree
        self.ridge = ridge
        self.constant = constant
        self.max_features = max_features

    def _validate_params(self):
        self.delays = check_positive_int(self.delays, "delays")
        self.stride = check_positive_int(self.stride, "stride")
        self.degree = check_positive_int(self.degree, "degree")
        if self.degree > 4:
            raise ValidationError(f"degree must be <= 4 (the feature count grows combinatorially); got {self.degree}.")
        check_positive_float(self.ridge, "ridge", allow_zero=True)

    @property
    def window(self) -> int:
        """Samples spanned by one feature vector: ``(delays − 1)·stride + 1``."""
        return (int(self.delays) - 1) * int(self.stride) + 1

    @property
    def required_history(self) -> int:
        return self.window

    def _min_fit_length(self) -> int:
        self._validate_params()
        return self.window + 2

    def _setup_features(self, d: int):
        n_lin = d * self.delays
        n_features = int(self.constant) + sum(math.comb(n_lin + p - 1, p) for p in range(1, self.degree + 1))
        if self.max_features is not None and n_features > check_positive_int(self.max_features, "max_features"):
            raise ValidationError(f"NGRC with {d} channel(s), delays={self.delays} and degree={self.degree} has "
                                  f"{n_features} features, more than max_features={self.max_features}.")
        # positions of the linear features inside the buffer z (newest first)
        self._lin_idx = np.array([lag * self.stride * d + c for lag in range(self.delays) for c in range(d)])
        self._monomials = [np.array(list(combinations_with_replacement(range(n_lin), p)), dtype=np.int64)
                           for p in range(2, self.degree + 1)]
        self.n_features_ = int(self.constant) + n_lin + sum(len(m) for m in self._monomials)

    def _features(self, Zbuf: np.ndarray) -> np.ndarray:
        """Features of buffers ``Zbuf`` (n, window·d) → (n, n_features)."""
        lin = Zbuf[:, self._lin_idx]
        parts = [np.ones((len(Zbuf), 1))] if self.constant else []
        parts.append(lin)
        for mono in self._monomials:
            parts.append(np.prod(lin[:, mono], axis=2))
        return np.hstack(parts)

    def _buffers(self, Z: np.ndarray) -> np.ndarray:
        """All delay buffers of Z: row j = [Z[i], Z[i−1], …, Z[i−window+1]] with i = j + window − 1."""
        L = self.window
        n = Z.shape[0] - L + 1
        cols = [Z[L - 1 - lag: L - 1 - lag + n] for lag in range(L)]
        return np.hstack(cols)

    def fit(self, X, t=None, dt: float | None = None) -> "NGRC":
        """Fit on one trajectory ``X`` (n_times, n_channels) sampled every ``dt``."""
        self._validate_params()
        Z = self._prepare_fit(X, t, dt)
        d = Z.shape[1]
        self._setup_features(d)
        B = self._buffers(Z)[:-1]
        target = Z[self.window:] - Z[self.window - 1:-1]
        Phi = self._features(B)
        self.W_out_ = ridge_solve(Phi, target, float(self.ridge))
        self.train_rmse_ = float(np.sqrt(np.mean((Phi @ self.W_out_.T - target) ** 2)))
        self._finish_fit(d, d * self.window, self._buffers(Z)[-1], "z")
        return self

    def encode(self, history) -> np.ndarray:
        """Delay buffer (standardised) of the last ``window`` samples of ``history``."""
        Z = self._check_history(history)
        return self._buffers(Z[-self.window:])[0]

    def decode(self, state) -> np.ndarray:
        """Newest sample of buffer(s) ``state`` in data units."""
        self._check_fitted()
        s = np.asarray(state, dtype=float)
        d = self.n_features_in_
        y = s[..., :d] * self.scale_ + self.mean_
        return y

    def step(self, x, t: float = 0.0) -> np.ndarray:
        z = self._check_state(x)
        d = self.n_features_in_
        new = z[:d] + self._features(z[None, :])[0] @ self.W_out_.T
        return np.concatenate([new, z[:-d]]) if self.window > 1 else new

    def _feature_jacobian(self, z: np.ndarray) -> np.ndarray:
        """∂O/∂z, shape (n_features, state_dim)."""
        lin = z[self._lin_idx]
        n_lin = lin.size
        rows = [np.zeros((1, n_lin))] if self.constant else []
        rows.append(np.eye(n_lin))
        for mono in self._monomials:
            D = np.zeros((len(mono), n_lin))
            p = mono.shape[1]
            for q in range(p):
                others = np.delete(mono, q, axis=1)
                val = np.prod(lin[others], axis=1) if p > 1 else np.ones(len(mono))
                np.add.at(D, (np.arange(len(mono)), mono[:, q]), val)
            rows.append(D)
        dO_dlin = np.vstack(rows)
        dO = np.zeros((dO_dlin.shape[0], z.size))
        dO[:, self._lin_idx] = dO_dlin
        return dO

    def _increment_jacobian(self, z: np.ndarray) -> np.ndarray:
        return self.W_out_ @ self._feature_jacobian(z)

    def _run(self, z, horizon, out):
        d = self.n_features_in_
        W = self.W_out_
        for k in range(horizon):
            new = z[:d] + self._features(z[None, :])[0] @ W.T
            z = np.concatenate([new, z[:-d]]) if self.window > 1 else new
            out[k] = new
        return out

    def predict(self, X) -> np.ndarray:
        """Teacher-forced one-step predictions: row j predicts the sample after ``X[j + window − 1]``."""
        Z = self._check_history(X, "X")
        B = self._buffers(Z)
        return (B[:, :self.n_features_in_] + self._features(B) @ self.W_out_.T) * self.scale_ + self.mean_
