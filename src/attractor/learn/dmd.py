"""Koopman / dynamic mode decomposition: exact DMD, Hankel (delay) DMD, extended DMD.

Conventions: data ``X`` have shape (n_times, n_features) (rows are time) and are
sampled every ``dt``. The fitted discrete-time operator advances one sample; its
eigenvalues ``λ`` give continuous-time rates ``log(λ) / dt = growth rate + i·ω``
(``growth_rates_`` in 1/time, ``angular_frequencies_`` in rad/time,
``frequencies_ = ω / 2π`` in cycles/time).

Exact DMD (Tu et al. 2014): with ``X0 = [x_0 … x_{m-1}]``, ``X1 = [x_1 … x_m]`` (columns
are snapshots), ``X0 ≈ U_r Σ_r V_rᵀ``, ``Ã = U_rᵀ X1 V_r Σ_r⁻¹``, ``Ã W = W Λ`` and exact
modes ``Φ = X1 V_r Σ_r⁻¹ W``. The rank ``r`` is chosen by the optimal hard threshold of
Gavish & Donoho (2014) for unknown noise, ``τ = ω(β) · median(σ)`` with
``ω(β) ≈ 0.56β³ − 0.95β² + 1.82β + 1.43`` and ``β`` the aspect ratio (≤ 1), and never
above the numerical rank (``σ > σ_max · max(shape) · ε``).

Hankel DMD (Arbabi & Mezić 2017): DMD of the delay-embedded rows
``[x_i, x_{i+1}, …, x_{i+d-1}]``.

EDMD (Williams, Kevrekidis & Rowley 2015): with a dictionary ``ψ`` (always containing
the constant and the states themselves), ``K = argmin ||ψ(X1) − ψ(X0) K||_F`` (optionally
through a rank-``r`` truncated SVD of ``ψ(X0)``, i.e. reduced-rank regression, and a ridge
term). Eigenpairs ``K ξ = λ ξ`` give eigenfunctions ``φ(x) = ψ(x) ξ``; the map on states is
``x ↦ ψ(x) K B`` with ``B`` selecting the state columns of the dictionary.

References
----------
Schmid, P. J. (2010). J. Fluid Mech. 656, 5–28.
Tu, J. H., Rowley, C. W., Luchtenburg, D. M., Brunton, S. L. & Kutz, J. N. (2014). J. Comput. Dyn. 1, 391–421.
Gavish, M. & Donoho, D. L. (2014). IEEE Trans. Inf. Theory 60, 5040–5053.
Arbabi, H. & Mezić, I. (2017). SIAM J. Appl. Dyn. Syst. 16, 2096–2126.
Williams, M. O., Kevrekidis, I. G. & Rowley, C. W. (2015). J. Nonlinear Sci. 25, 1307–1346.
Rahimi, A. & Recht, B. (2007). Random features for large-scale kernel machines. NIPS.
"""
from __future__ import annotations

from types import MappingProxyType

import numpy as np

from ..core.errors import InsufficientDataError, ValidationError
from ..core.system import DynamicalSystem
from ..core.validation import as_float_array, check_positive_float, check_positive_int
from .libraries import Library, PolynomialLibrary

__all__ = ["DMD", "HankelDMD", "EDMD", "optimal_rank", "LinearMap", "KoopmanMap"]


#: Fewest singular values for which the Gavish–Donoho median rule is applied (see optimal_rank).
MIN_SINGULAR_VALUES_FOR_THRESHOLD = 8


def optimal_rank(s: np.ndarray, shape: tuple[int, int]) -> int:
    """Gavish–Donoho optimal hard-threshold rank for singular values ``s`` of a matrix of ``shape``.

    The rule estimates the noise level from the median singular value, which assumes that most
    singular values belong to the noise bulk. With fewer than
    ``MIN_SINGULAR_VALUES_FOR_THRESHOLD`` singular values (a few observables, e.g. DMD of a
    2- or 3-channel series) there is no bulk: the median is a signal singular value and the
    rule would discard real modes, so the numerical rank is returned instead.
    """
    s = np.asarray(s, float)
    if s.size == 0 or s[0] == 0:
        return 0
    numerical = s[0] * max(shape) * np.finfo(float).eps
    if s.size < MIN_SINGULAR_VALUES_FOR_THRESHOLD:
        return max(1, int(np.sum(s > numerical)))
    beta = min(shape) / max(shape)
    omega = 0.56 * beta ** 3 - 0.95 * beta ** 2 + 1.82 * beta + 1.43
    tau = omega * np.median(s)
    return max(1, int(np.sum((s > tau) & (s > numerical))))


def _snapshots(X, name="X", min_times=3):
    X = as_float_array(X, name, ndim=(1, 2))
    if X.ndim == 1:
        X = X[:, None]
    if X.shape[0] < min_times:
        raise InsufficientDataError(f"{name} has {X.shape[0]} snapshots; at least {min_times} are needed.")
    return X


class LinearMap(DynamicalSystem):
    """The map ``x_{n+1} = U Ã Uᵀ x`` fitted by (Hankel) DMD, as a DynamicalSystem."""

    def __init__(self, U: np.ndarray, Atilde: np.ndarray, name: str, x0=None, dt: float = 1.0):
        self._U = U
        self._At = Atilde
        self.name = name
        self.kind = "map"
        self.dimension = U.shape[0]
        self.state_names = tuple(f"x{i}" for i in range(self.dimension))
        self.default_x0 = None if x0 is None else np.asarray(x0, float).copy()
        self.default_dt = 1.0
        self.metadata = MappingProxyType({"description": "linear map fitted by DMD", "sampling_dt": dt})

    def step(self, x, t: float = 0.0) -> np.ndarray:
        x = self._check_state(x)
        return self._U @ (self._At @ (self._U.T @ x))

    def jacobian(self, x, t: float = 0.0) -> np.ndarray:
        self._check_state(x)
        return self._U @ self._At @ self._U.T


class _DMDBase:
    def _check_fitted(self):
        if not hasattr(self, "eigenvalues_"):
            raise ValidationError(f"this {type(self).__name__} is not fitted yet; call fit(X, dt) first.")

    @property
    def required_history(self) -> int:
        """Samples of context :meth:`forecast` needs (the last one: the state is observed)."""
        return 1

    def forecast(self, history, horizon: int) -> np.ndarray:
        """Forecast ``horizon`` samples after the last row of ``history`` (rows are time).

        Parameters
        ----------
        history : array_like, shape (n_times, n_channels) or (n_times,)
            Observed samples ending at the forecast origin; at least ``required_history`` rows
            with the channels the model was fitted on.
        horizon : int >= 1

        Returns
        -------
        numpy.ndarray, shape (horizon, n_channels)
        """
        self._check_fitted()
        horizon = check_positive_int(horizon, "horizon")
        H = _snapshots(history, "history", min_times=self.required_history)
        if H.shape[1] != self._n_channels:
            raise ValidationError(f"history has {H.shape[1]} channel(s) but the model was fitted on "
                                  f"{self._n_channels}.")
        return self._forecast(H, horizon)

    @property
    def continuous_eigenvalues_(self) -> np.ndarray:
        """``log(λ) / dt`` (1/time)."""
        self._check_fitted()
        return np.log(self.eigenvalues_.astype(complex)) / self.dt_

    @property
    def growth_rates_(self) -> np.ndarray:
        return self.continuous_eigenvalues_.real

    @property
    def angular_frequencies_(self) -> np.ndarray:
        return self.continuous_eigenvalues_.imag

    @property
    def frequencies_(self) -> np.ndarray:
        return self.angular_frequencies_ / (2 * np.pi)


class DMD(_DMDBase):
    """Exact dynamic mode decomposition with optimal rank selection.

    Parameters
    ----------
    rank : int or None
        Truncation rank; None = Gavish–Donoho optimal hard threshold.

    Attributes (after fit)
    ----------------------
    eigenvalues_ : (r,) complex, discrete-time
    modes_ : (n_features, r) complex, exact DMD modes
    amplitudes_ : (r,) complex, ``Φ b ≈ x_0``
    rank_ : int
    singular_values_ : all singular values of ``X0``
    Atilde_ : (r, r) reduced operator; ``basis_`` (n_features, r) POD basis ``U_r``
    dt_ : float
    """

    def __init__(self, rank: int | None = None):
        self.rank = rank

    def fit(self, X, dt: float = 1.0) -> "DMD":
        """Fit on snapshots ``X`` (n_times, n_features) sampled every ``dt``."""
        X = _snapshots(X)
        self.dt_ = check_positive_float(dt, "dt")
        X0, X1 = X[:-1].T, X[1:].T
        U, s, Vh = np.linalg.svd(X0, full_matrices=False)
        if self.rank is None:
            r = optimal_rank(s, X0.shape)
        else:
            r = check_positive_int(self.rank, "rank")
            if r > s.size:
                raise ValidationError(f"rank {r} exceeds the {s.size} singular values of the snapshot matrix.")
        Ur, sr, Vr = U[:, :r], s[:r], Vh[:r].conj().T
        B = X1 @ Vr / sr
        At = Ur.T @ B
        lam, W = np.linalg.eig(At)
        Phi = B @ W
        self.singular_values_ = s
        self.rank_ = r
        self.basis_ = Ur
        self.Atilde_ = At
        self.eigenvalues_ = lam
        self.modes_ = Phi
        self.amplitudes_ = np.linalg.lstsq(Phi, X[0].astype(complex), rcond=None)[0]
        self.n_features_ = X.shape[1]
        self.x_last_ = X[-1].copy()
        return self

    @property
    def _n_channels(self) -> int:
        return self.n_features_

    def _forecast(self, H: np.ndarray, horizon: int) -> np.ndarray:
        return self.predict(H[-1], horizon)

    def eigenfunctions(self, X) -> np.ndarray:
        """Koopman eigenfunction values ``φ(x) = Φ⁺ x`` for rows of ``X``, shape (n, r)."""
        self._check_fitted()
        X = _snapshots(X, min_times=1)
        return X @ np.linalg.pinv(self.modes_).T

    def predict(self, x0, n_steps: int) -> np.ndarray:
        """Forecast ``n_steps`` samples after ``x0`` (excluded): rows ``Φ Λ^k Φ⁺ x0``, k = 1..n_steps."""
        self._check_fitted()
        x0 = as_float_array(x0, "x0", ndim=1)
        if x0.shape[0] != self.n_features_:
            raise ValidationError(f"x0 has {x0.shape[0]} entries; the model has {self.n_features_} features.")
        n_steps = check_positive_int(n_steps, "n_steps")
        b = np.linalg.lstsq(self.modes_, x0.astype(complex), rcond=None)[0]
        k = np.arange(1, n_steps + 1)[:, None]
        return (((self.eigenvalues_[None, :] ** k) * b) @ self.modes_.T).real

    def reconstruct(self, n_times: int) -> np.ndarray:
        """``Φ Λ^k b`` for k = 0..n_times-1 (real part), shape (n_times, n_features)."""
        self._check_fitted()
        k = np.arange(check_positive_int(n_times, "n_times"))[:, None]
        return (((self.eigenvalues_[None, :] ** k) * self.amplitudes_) @ self.modes_.T).real

    def to_system(self) -> LinearMap:
        """The fitted operator as a map ``x_{n+1} = U Ã Uᵀ x`` (a DynamicalSystem)."""
        self._check_fitted()
        return LinearMap(self.basis_, self.Atilde_, "DMD model", self.x_last_, self.dt_)


def _hankel(X: np.ndarray, delays: int) -> np.ndarray:
    n = X.shape[0] - delays + 1
    return np.hstack([X[i:i + n] for i in range(delays)])


class HankelDMD(DMD):
    """DMD of delay-embedded data (Arbabi & Mezić 2017).

    Parameters
    ----------
    delays : int >= 1
        Number of consecutive samples stacked into one row (``delays = 1`` is plain DMD).
    rank : int or None
    """

    def __init__(self, delays: int = 10, rank: int | None = None):
        super().__init__(rank)
        self.delays = delays

    def fit(self, X, dt: float = 1.0) -> "HankelDMD":
        X = _snapshots(X)
        d = check_positive_int(self.delays, "delays")
        if X.shape[0] < d + 2:
            raise InsufficientDataError(f"X has {X.shape[0]} samples; {d} delays need at least {d + 2}.")
        self.n_observables_ = X.shape[1]
        super().fit(_hankel(X, d), dt)
        return self

    @property
    def required_history(self) -> int:
        """``delays``: the forecast conditions on the last ``delays`` samples."""
        return check_positive_int(self.delays, "delays")

    @property
    def _n_channels(self) -> int:
        return self.n_observables_

    def _forecast(self, H: np.ndarray, horizon: int) -> np.ndarray:
        return self.predict(H, horizon)

    def predict(self, history, n_steps: int) -> np.ndarray:
        """Forecast the observables ``n_steps`` samples after the last row of ``history`` (>= delays rows)."""
        self._check_fitted()
        H = _snapshots(history, "history", min_times=1)
        d = self.delays
        if H.shape[0] < d:
            raise InsufficientDataError(f"history has {H.shape[0]} rows; at least delays = {d} are needed.")
        z0 = H[-d:].reshape(-1)
        Z = super().predict(z0, n_steps)
        return Z[:, -self.n_observables_:]


class KoopmanMap(DynamicalSystem):
    """The state map ``x ↦ ψ(x) K B`` of a fitted EDMD model, as a DynamicalSystem."""

    def __init__(self, model: "EDMD", x0=None):
        self._model = model
        self.name = "EDMD model"
        self.kind = "map"
        self.dimension = model.n_states_
        self.state_names = tuple(f"x{i}" for i in range(self.dimension))
        self.default_x0 = None if x0 is None else np.asarray(x0, float).copy()
        self.default_dt = 1.0
        self.metadata = MappingProxyType({"description": "Koopman (EDMD) model", "sampling_dt": model.dt_})

    def step(self, x, t: float = 0.0) -> np.ndarray:
        x = self._check_state(x)
        return self._model._advance(x[None, :])[0]


class EDMD(_DMDBase):
    """Extended DMD with a dictionary of observables.

    Parameters
    ----------
    dictionary : {"polynomial", "rbf", "rff"} or Library
        ``polynomial``: monomials up to ``degree``; ``rbf``: Gaussian bumps
        ``exp(−||x − c_j||² / (2ℓ²))`` at ``n_features`` centres drawn from the data;
        ``rff``: random Fourier features ``√(2/D) cos(w_jᵀx + b_j)``, ``w_j ~ N(0, I/ℓ²)``,
        ``b_j ~ U(0, 2π)`` (Rahimi & Recht 2007). The constant and the states are always
        included. ``ℓ`` defaults to the median distance of the data to their mean.
    degree : int
    n_features : int
    length_scale : float, optional
    rank : int or None
        Truncation of ``ψ(X0)`` (reduced-rank regression); None = numerical rank.
    ridge : float >= 0
    seed : int or Generator, optional
        For RBF centres / random features.
    """

    def __init__(self, dictionary="polynomial", degree: int = 2, n_features: int = 100,
                 length_scale: float | None = None, rank: int | None = None, ridge: float = 0.0, seed=None):
        self.dictionary = dictionary
        self.degree = degree
        self.n_features = n_features
        self.length_scale = length_scale
        self.rank = rank
        self.ridge = ridge
        self.seed = seed

    def _psi(self, X):
        if self._kind == "library":
            return self._lib.transform(X)
        extra = self._extra(X)
        return np.hstack([np.ones((X.shape[0], 1)), X, extra])

    def _extra(self, X):
        if self._kind == "rbf":
            d2 = (np.sum(X ** 2, 1)[:, None] - 2 * X @ self._centres.T + np.sum(self._centres ** 2, 1)[None, :])
            return np.exp(-np.maximum(d2, 0) / (2 * self._ell ** 2))
        return np.sqrt(2.0 / self._W.shape[0]) * np.cos(X @ self._W.T + self._b)

    def fit(self, X, dt: float = 1.0) -> "EDMD":
        """Fit on a trajectory ``X`` (n_times, n_states) sampled every ``dt``."""
        X = _snapshots(X)
        self.dt_ = check_positive_float(dt, "dt")
        n, d = X.shape
        dic = self.dictionary
        if isinstance(dic, Library) or dic == "polynomial":
            lib = dic if isinstance(dic, Library) else PolynomialLibrary(check_positive_int(self.degree, "degree"))
            names = lib.names(d)
            base = [f"x{i}" for i in range(d)]
            if not all(b in names for b in base) or "1" not in names:
                raise ValidationError("an EDMD dictionary must contain the constant '1' and every state x0, x1, ...")
            self._kind, self._lib = "library", lib
            self._state_cols = [names.index(b) for b in base]
            self.feature_names_ = names
        elif dic in ("rbf", "rff"):
            D = check_positive_int(self.n_features, "n_features")
            ell = self.length_scale
            if ell is None:
                ell = float(np.median(np.linalg.norm(X - X.mean(0), axis=1))) or 1.0
            self._ell = check_positive_float(ell, "length_scale")
            self._kind = dic
            rng = np.random.default_rng(self.seed)  # only the random dictionaries draw
            if dic == "rbf":
                if D > n:
                    raise ValidationError(f"n_features={D} RBF centres exceed the {n} samples.")
                self._centres = X[rng.choice(n, D, replace=False)]
            else:
                self._W = rng.standard_normal((D, d)) / self._ell
                self._b = rng.uniform(0, 2 * np.pi, D)
            self._state_cols = list(range(1, d + 1))
            self.feature_names_ = ["1"] + [f"x{i}" for i in range(d)] + [f"{dic}{j}" for j in range(D)]
        else:
            raise ValidationError(f"dictionary must be 'polynomial', 'rbf', 'rff' or a Library; got {dic!r}.")
        P0, P1 = self._psi(X[:-1]), self._psi(X[1:])
        m = P0.shape[1]
        if n - 1 < m:
            raise InsufficientDataError(f"the dictionary has {m} functions; at least {m + 1} samples are needed "
                                        f"(got {n}).")
        U, s, Vh = np.linalg.svd(P0, full_matrices=False)
        r = int(np.sum(s > s[0] * max(P0.shape) * np.finfo(float).eps)) if self.rank is None else \
            min(check_positive_int(self.rank, "rank"), s.size)
        ridge = check_positive_float(self.ridge, "ridge", allow_zero=True)
        sinv = s[:r] / (s[:r] ** 2 + ridge)
        K = (Vh[:r].T * sinv) @ (U[:, :r].T @ P1)
        lam, Xi = np.linalg.eig(K)
        order = np.argsort(-np.abs(lam))
        self.K_ = K
        self.rank_ = r
        self.eigenvalues_ = lam[order]
        self.eigenvectors_ = Xi[:, order]
        self.n_states_ = d
        B = np.zeros((m, d))
        B[self._state_cols, np.arange(d)] = 1.0
        self._B = B
        # Koopman modes: x ≈ Σ_j φ_j(x) v_j  with  φ = ψ Ξ  ⇒  V = Ξ⁻¹ B
        self.modes_ = np.linalg.lstsq(self.eigenvectors_, B.astype(complex), rcond=None)[0].T
        self.x_last_ = X[-1].copy()
        return self

    def _check_fitted(self):
        if not hasattr(self, "K_"):
            raise ValidationError("this EDMD model is not fitted yet; call fit(X, dt) first.")

    def eigenfunctions(self, X) -> np.ndarray:
        """Eigenfunction values ``φ_j(x) = ψ(x) ξ_j`` for rows of ``X``, shape (n, n_dictionary)."""
        self._check_fitted()
        return self._psi(_snapshots(X, min_times=1)) @ self.eigenvectors_

    def _advance(self, X):
        return self._psi(X) @ (self.K_ @ self._B)

    @property
    def _n_channels(self) -> int:
        return self.n_states_

    def _forecast(self, H: np.ndarray, horizon: int) -> np.ndarray:
        return self.predict(H[-1], horizon)

    def predict(self, x0, n_steps: int) -> np.ndarray:
        """Iterate the state map ``n_steps`` times from ``x0``; rows are the successive states."""
        self._check_fitted()
        x = as_float_array(x0, "x0", ndim=1)[None, :]
        if x.shape[1] != self.n_states_:
            raise ValidationError(f"x0 has {x.shape[1]} entries; the model has {self.n_states_} states.")
        out = np.empty((check_positive_int(n_steps, "n_steps"), self.n_states_))
        for k in range(out.shape[0]):
            x = self._advance(x)
            out[k] = x[0]
        return out

    def to_system(self) -> KoopmanMap:
        """The fitted state map as a DynamicalSystem (``step``; Jacobian by central differences)."""
        self._check_fitted()
        return KoopmanMap(self, self.x_last_)
