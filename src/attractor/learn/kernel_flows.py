"""Kernel ridge regression on delay coordinates with kernels learned by Kernel Flows.

Model (Hamzi & Owhadi 2021): with the delay vector ``z_i = [x_i, x_{i−s}, …, x_{i−(k−1)s}]``
(standardised data), the next increment is ``x_{i+1} − x_i = f(z_i)`` with ``f`` the kernel
ridge regressor of a kernel ``K_θ``; the fitted model is a closed-loop map on the delay buffer
(a :class:`~attractor.DynamicalSystem`, exact Jacobian from the kernel's gradient).

Kernels (``r = ‖z − z'‖``; every family is ``K = w_m κ(r) + w_l (z·z' + 1)`` with the linear
part optional):

* ``rbf``:      ``κ = exp(−r²/(2ℓ²))``
* ``matern32``: ``κ = (1 + u) e^{−u}``, ``u = √3 r/ℓ``
* ``matern52``: ``κ = (1 + u + u²/3) e^{−u}``, ``u = √5 r/ℓ``
* ``rq``:       ``κ = (1 + r²/(2αℓ²))^{−α}``

Kernel Flows (Owhadi & Yoo 2019): for a random batch ``N_f`` of training pairs and a random half
``N_c ⊂ N_f``, ``ρ(θ) = 1 − ‖u_c‖²/‖u_f‖²`` with ``‖u_·‖² = Yᵀ (K_θ(Z,Z) + λI)^{-1} Y`` (summed
over outputs): the relative loss of RKHS norm when half the data are dropped. Gradient descent on
the log-parameters ``log θ`` (ℓ, α, w_m, w_l) with the exact gradient
``∂‖u‖²/∂θ = −aᵀ (∂K/∂θ) a``, ``a = (K+λI)^{-1} Y``, a fresh seeded batch each iteration.

Scaling to large data: the regressor is the Nyström / subset-of-regressors solution with ``m``
landmarks ``L`` (random training points): ``c = (K_LZ K_ZL + λ K_LL)^{-1} K_LZ Y``,
``f(z) = K(z, L) c``; ``K_LZ K_ZL`` is accumulated in chunks, so memory is O(m² + chunk·m) —
10⁵ training points with m = 500 need a few MB. With ``n_landmarks`` at least the number of
training pairs every point is a landmark and the solution is exact kernel ridge regression,
``c = (K + λI)^{-1} Y`` (one Cholesky factorisation).

References
----------
Owhadi, H. & Yoo, G. R. (2019). Kernel Flows: from learning kernels from data into the abyss.
J. Comput. Phys. 389, 22–47.
Hamzi, B. & Owhadi, H. (2021). Learning dynamical systems from data: a simple cross-validation
perspective, part I: parametric kernel flows. Physica D 421, 132817.
Williams, C. K. I. & Seeger, M. (2001). Using the Nyström method to speed up kernel machines. NIPS 13.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.linalg

from ..core.errors import ConvergenceWarning, ValidationError
from ..core.validation import check_positive_float, check_positive_int
from .reservoir import NGRC, _DelayIncrementMap

__all__ = ["KernelFlows", "KernelFlowsResult", "KERNELS"]

KERNELS = ("rbf", "matern32", "matern52", "rq")


@dataclass(frozen=True)
class KernelFlowsResult:
    """How the kernel was learned.

    Attributes
    ----------
    initial_params, final_params : dict
        Kernel parameters (ℓ, α for ``rq``, ``w_main``, ``w_linear``) before and after.
    rho : numpy.ndarray, shape (n_iter,)
        ρ of each iteration's random batch (noisy; its trend is what matters).
    log_params : numpy.ndarray, shape (n_iter + 1, n_params)
        Log-parameter trajectory of the gradient descent.
    names : tuple of str
        Names of the columns of ``log_params``.
    """

    initial_params: dict
    final_params: dict
    rho: np.ndarray = field(repr=False)
    log_params: np.ndarray = field(repr=False)
    names: tuple[str, ...] = ()


def _sqdist(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    d = (A * A).sum(1)[:, None] + (B * B).sum(1)[None, :] - 2.0 * A @ B.T
    return np.maximum(d, 0.0)


class KernelFlows(_DelayIncrementMap):
    """Kernel ridge regression on delay coordinates, kernel learned by Kernel Flows.

    Parameters
    ----------
    kernel : {"rbf", "matern32", "matern52", "rq"}
    linear : bool
        Add the linear kernel ``w_l (z·z' + 1)``.
    delays, stride : int
        Delay embedding ``[x_i, x_{i−s}, …, x_{i−(k−1)s}]``.
    length_scale, alpha, w_main, w_linear : float
        Initial kernel parameters (``alpha`` for ``rq`` only).
    nugget : float
        λ, the ridge regularisation (in units of the kernel; data are standardised).
    learn : bool
        Run Kernel Flows (else keep the initial kernel).
    n_iter, batch_size, learning_rate : int, int, float
        Gradient-descent iterations, batch size ``N_f`` (``N_c = N_f/2``), step on log-parameters
        (each step is clipped to 0.5 in log units).
    n_landmarks : int
        Nyström landmarks ``m``; when there are at most this many training points all of them
        are used and the fit is exact kernel ridge regression.
    standardize : bool
    seed : int or numpy.random.Generator
    """

    _label = "KernelFlows"
    _param_names = ("kernel", "linear", "delays", "stride", "length_scale", "alpha", "w_main", "w_linear",
                    "nugget", "learn", "n_iter", "batch_size", "learning_rate", "n_landmarks", "standardize",
                    "seed")

    def __init__(self, kernel: str = "matern52", linear: bool = True, delays: int = 2, stride: int = 1,
                 length_scale: float = 1.0, alpha: float = 1.0, w_main: float = 1.0, w_linear: float = 0.1,
                 nugget: float = 1e-6, learn: bool = True, n_iter: int = 200, batch_size: int = 120,
                 learning_rate: float = 0.1, n_landmarks: int = 600, standardize: bool = True, seed: Any = 0):
        super().__init__(standardize)
        self.kernel = kernel
        self.linear = linear
        self.delays = delays
        self.stride = stride
        self.length_scale = length_scale
        self.alpha = alpha
        self.w_main = w_main
        self.w_linear = w_linear
        self.nugget = nugget
        self.learn = learn
        self.n_iter = n_iter
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.n_landmarks = n_landmarks
        self.seed = seed

    # delay-buffer helpers shared with NGRC
    window = NGRC.window
    _buffers = NGRC._buffers

    @property
    def required_history(self) -> int:
        return self.window

    def _min_fit_length(self) -> int:
        self._validate_params()
        return self.window + 10

    def _validate_params(self):
        if self.kernel not in KERNELS:
            raise ValidationError(f"kernel must be one of {KERNELS}; got {self.kernel!r}.")
        self.delays = check_positive_int(self.delays, "delays")
        self.stride = check_positive_int(self.stride, "stride")
        for name in ("length_scale", "alpha", "w_main", "nugget", "learning_rate"):
            check_positive_float(getattr(self, name), name)
        if self.linear:
            check_positive_float(self.w_linear, "w_linear")
        self.n_iter = check_positive_int(self.n_iter, "n_iter", minimum=0)
        self.batch_size = check_positive_int(self.batch_size, "batch_size", minimum=4)
        self.n_landmarks = check_positive_int(self.n_landmarks, "n_landmarks")

    # ------------------------------------------------------------------ kernel algebra
    def _names(self) -> tuple[str, ...]:
        names = ["length_scale"]
        if self.kernel == "rq":
            names.append("alpha")
        names.append("w_main")
        if self.linear:
            names.append("w_linear")
        return tuple(names)

    def _theta0(self) -> np.ndarray:
        return np.log([float(getattr(self, n)) for n in self._names()])

    def _unpack(self, theta: np.ndarray) -> dict:
        return dict(zip(self._names(), np.exp(theta)))

    def _kernel(self, A, B, theta, grad: bool = False):
        """K(A, B) and, if ``grad``, the list of ∂K/∂log θ_j."""
        p = self._unpack(theta)
        ell = p["length_scale"]
        r2 = _sqdist(A, B)
        kind = self.kernel
        if kind == "rbf":
            kap = np.exp(-0.5 * r2 / ell**2)
            dl = kap * r2 / ell**2 if grad else None
        elif kind == "matern32":
            u = np.sqrt(3.0 * r2) / ell
            e = np.exp(-u)
            kap = (1 + u) * e
            dl = u * u * e if grad else None
        elif kind == "matern52":
            u = np.sqrt(5.0 * r2) / ell
            e = np.exp(-u)
            kap = (1 + u + u * u / 3) * e
            dl = (u * u / 3) * (1 + u) * e if grad else None
        else:
            a = p["alpha"]
            q = r2 / (2 * a * ell**2)
            kap = (1 + q) ** (-a)
            if grad:
                dl = 2 * a * q * (1 + q) ** (-a - 1)
                da = kap * a * (-np.log1p(q) + q / (1 + q))
        wm = p["w_main"]
        K = wm * kap
        if self.linear:
            lin = A @ B.T + 1.0
            K = K + p["w_linear"] * lin
        if not grad:
            return K
        grads = [wm * dl]
        if kind == "rq":
            grads.append(wm * da)
        grads.append(wm * kap)
        if self.linear:
            grads.append(p["w_linear"] * lin)
        return K, grads

    def _profile(self, r2: np.ndarray, p: dict) -> np.ndarray:
        """κ(r) of the kernel family at squared distances ``r2`` (parameters ``p``)."""
        ell = p["length_scale"]
        if self.kernel == "rbf":
            return np.exp(-0.5 * r2 / ell**2)
        if self.kernel == "matern32":
            u = np.sqrt(3.0 * r2) / ell
            return (1 + u) * np.exp(-u)
        if self.kernel == "matern52":
            u = np.sqrt(5.0 * r2) / ell
            return (1 + u + u * u / 3) * np.exp(-u)
        a = p["alpha"]
        return (1 + r2 / (2 * a * ell**2)) ** (-a)

    def _kernel_grad_z(self, z: np.ndarray, L: np.ndarray, theta) -> np.ndarray:
        """∂K(z, L_j)/∂z, shape (m, len(z))."""
        p = self._unpack(theta)
        ell = p["length_scale"]
        diff = z[None, :] - L
        r2 = (diff * diff).sum(1)
        kind = self.kernel
        if kind == "rbf":
            dk_dr2 = -np.exp(-0.5 * r2 / ell**2) / (2 * ell**2)
        elif kind == "matern32":
            dk_dr2 = -1.5 / ell**2 * np.exp(-np.sqrt(3.0 * r2) / ell)
        elif kind == "matern52":
            u = np.sqrt(5.0 * r2) / ell
            dk_dr2 = -(5.0 / (6 * ell**2)) * (1 + u) * np.exp(-u)
        else:
            a = p["alpha"]
            q = r2 / (2 * a * ell**2)
            dk_dr2 = -((1 + q) ** (-a - 1)) / (2 * ell**2)
        G = p["w_main"] * (2 * dk_dr2)[:, None] * diff
        if self.linear:
            G = G + p["w_linear"] * L
        return G

    # ------------------------------------------------------------------ kernel flows
    def _norm2(self, Z, Y, theta, grad: bool):
        n = len(Z)
        if grad:
            K, dK = self._kernel(Z, Z, theta, grad=True)
        else:
            K = self._kernel(Z, Z, theta)
        K[np.diag_indices(n)] += self.nugget
        cf = scipy.linalg.cho_factor(K, lower=True, check_finite=False)
        A = scipy.linalg.cho_solve(cf, Y, check_finite=False)
        val = float(np.sum(Y * A))
        if not grad:
            return val
        g = np.array([-float(np.sum(A * (D @ A))) for D in dK])
        return val, g

    def rho(self, theta=None, *, n_batches: int = 20, seed: Any = 12345) -> float:
        """Mean ρ over ``n_batches`` seeded random batches at log-parameters ``theta`` (default: learned)."""
        self._check_fitted()
        theta = self.theta_ if theta is None else np.asarray(theta, dtype=float)
        rng = np.random.default_rng(seed)
        vals = [self._rho_batch(theta, rng, grad=False) for _ in range(check_positive_int(n_batches, "n_batches"))]
        return float(np.mean(vals))

    def _rho_batch(self, theta, rng, grad: bool):
        Z, Y = self._Ztr, self._Ytr
        nf = min(self.batch_size, len(Z))
        idx = rng.choice(len(Z), size=nf, replace=False)
        sub = rng.choice(nf, size=nf // 2, replace=False)
        Zf, Yf = Z[idx], Y[idx]
        if not grad:
            b = self._norm2(Zf, Yf, theta, False)
            a = self._norm2(Zf[sub], Yf[sub], theta, False)
            return 1.0 - a / b if b > 0 else 0.0
        b, gb = self._norm2(Zf, Yf, theta, True)
        a, ga = self._norm2(Zf[sub], Yf[sub], theta, True)
        if not b > 0:   # every target of the batch is zero (e.g. a constant stretch): no information
            return 0.0, np.zeros_like(gb)
        return 1.0 - a / b, -(ga * b - a * gb) / b**2

    def _learn(self, rng) -> KernelFlowsResult:
        theta = self._theta0()
        hist = [theta.copy()]
        rhos = []
        for _ in range(self.n_iter if self.learn else 0):
            try:
                r, g = self._rho_batch(theta, rng, grad=True)
            except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):
                rhos.append(np.nan)
                hist.append(theta.copy())
                continue
            step = np.clip(self.learning_rate * g, -0.5, 0.5)
            theta = np.clip(theta - step, -12.0, 12.0)
            rhos.append(r)
            hist.append(theta.copy())
        if self.learn and self.n_iter and np.all(np.isnan(rhos)):
            import warnings

            warnings.warn("every Kernel Flows batch was numerically singular; the initial kernel is kept "
                          "(increase nugget).", ConvergenceWarning, stacklevel=3)
            theta = self._theta0()
        self.theta_ = theta
        return KernelFlowsResult(self._unpack(self._theta0()), self._unpack(theta), np.asarray(rhos),
                                 np.asarray(hist), self._names())

    # ------------------------------------------------------------------ regression
    def _solve(self, theta, rng, chunk: int = 4096):
        """Landmarks and coefficients; with every training point a landmark, also the training fit.

        With ``L = Z`` the Nyström normal equations ``K (K + λI) c = K Y`` have the kernel ridge
        solution ``c = (K + λI)⁻¹ Y``, solved directly (one kernel matrix, one Cholesky).
        """
        Z, Y = self._Ztr, self._Ytr
        m = min(self.n_landmarks, len(Z))
        if m == len(Z):
            K = self._kernel(Z, Z, theta)
            A = K.copy()
            A[np.diag_indices(m)] += self.nugget
            try:
                c = scipy.linalg.cho_solve(scipy.linalg.cho_factor(A, check_finite=False), Y, check_finite=False)
            except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):
                c = np.linalg.lstsq(A, Y, rcond=None)[0]
            return Z.copy(), c, K @ c
        L = Z[np.sort(rng.choice(len(Z), size=m, replace=False))]
        Kll = self._kernel(L, L, theta)
        G = np.zeros((m, m))
        B = np.zeros((m, Y.shape[1]))
        for s in range(0, len(Z), chunk):
            Kzl = self._kernel(Z[s:s + chunk], L, theta)
            G += Kzl.T @ Kzl
            B += Kzl.T @ Y[s:s + chunk]
        A = G + self.nugget * Kll
        A[np.diag_indices(m)] += 1e-10 * max(1.0, float(np.trace(A)) / m)
        try:
            c = scipy.linalg.solve(A, B, assume_a="pos", check_finite=False)
        except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):
            c = np.linalg.lstsq(A, B, rcond=None)[0]
        return L, c, None

    def fit(self, X, t=None, dt: float | None = None) -> "KernelFlows":
        """Learn the kernel (Kernel Flows) and fit the Nyström kernel ridge regressor on ``X``."""
        self._validate_params()
        Zs = self._prepare_fit(X, t, dt)
        d = Zs.shape[1]
        Bf = self._buffers(Zs)
        self._Ztr = Bf[:-1][:, self._lin_idx(d)]
        self._Ytr = Zs[self.window:] - Zs[self.window - 1:-1]
        rng = np.random.default_rng(self.seed)
        self.flow_ = self._learn(rng)
        self.landmarks_, self.coef_, fitted = self._solve(self.theta_, rng)
        self.params_ = self._unpack(self.theta_)
        self._finish_fit(d, d * self.window, Bf[-1], "z")
        if fitted is not None:
            sq = float(np.sum((fitted - self._Ytr) ** 2))
        else:
            sq = sum(float(np.sum((self._regress(self._Ztr[i:i + 4096]) - self._Ytr[i:i + 4096]) ** 2))
                     for i in range(0, len(self._Ztr), 4096))
        self.train_rmse_ = float(np.sqrt(sq / self._Ytr.size))
        return self

    def _lin_idx(self, d: int) -> np.ndarray:
        return np.array([lag * self.stride * d + c for lag in range(self.delays) for c in range(d)])

    def _regress(self, Zd: np.ndarray) -> np.ndarray:
        return self._kernel(np.atleast_2d(Zd), self.landmarks_, self.theta_) @ self.coef_

    def _strip(self):
        """Drop the training pairs (kept only for ``rho``) to make the model small to pickle."""
        for k in ("_Ztr", "_Ytr"):
            self.__dict__.pop(k, None)

    # ------------------------------------------------------------------ closed loop
    def encode(self, history) -> np.ndarray:
        """Delay buffer (standardised) of the last ``window`` samples of ``history``."""
        Z = self._check_history(history)
        return self._buffers(Z[-self.window:])[0]

    def decode(self, state) -> np.ndarray:
        """Newest sample of buffer(s) ``state`` in data units."""
        self._check_fitted()
        s = np.asarray(state, dtype=float)
        return s[..., :self.n_features_in_] * self.scale_ + self.mean_

    def step(self, x, t: float = 0.0) -> np.ndarray:
        z = self._check_state(x)
        d = self.n_features_in_
        new = z[:d] + self._regress(z[self._lin_idx(d)])[0]
        return np.concatenate([new, z[:-d]]) if self.window > 1 else new

    def _increment_jacobian(self, z: np.ndarray) -> np.ndarray:
        d = self.n_features_in_
        li = self._lin_idx(d)
        G = self._kernel_grad_z(z[li], self.landmarks_, self.theta_)   # (m, n_lin)
        dF = np.zeros((d, z.size))
        dF[:, li] = self.coef_.T @ G
        return dF

    def _run(self, z, horizon, out):
        # one kernel row per step: the landmark norms and parameters are hoisted out of the loop
        d = self.n_features_in_
        li = self._lin_idx(d)
        L, c = self.landmarks_, self.coef_
        p = self._unpack(self.theta_)
        w_m, w_l = p["w_main"], p.get("w_linear", 0.0)
        L_sq = np.einsum("ij,ij->i", L, L)
        for k in range(horizon):
            q = z[li]
            Lq = L @ q
            k_row = w_m * self._profile(np.maximum(L_sq + q @ q - 2.0 * Lq, 0.0), p)
            if self.linear:
                k_row = k_row + w_l * (Lq + 1.0)
            new = z[:d] + k_row @ c
            z = np.concatenate([new, z[:-d]]) if self.window > 1 else new
            out[k] = new
        return out

    def predict(self, X) -> np.ndarray:
        """Teacher-forced one-step predictions: row j predicts the sample after ``X[j + window − 1]``."""
        Z = self._check_history(X, "X")
        B = self._buffers(Z)
        d = self.n_features_in_
        return (B[:, :d] + self._regress(B[:, self._lin_idx(d)])) * self.scale_ + self.mean_
