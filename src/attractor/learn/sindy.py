"""SINDy: sparse identification of nonlinear dynamics, and the learned model as a DynamicalSystem.

Strong form (Brunton, Proctor & Kutz 2016): estimate ``Ẋ`` from the data, build the
library ``Θ(X)`` and solve ``Ẋ ≈ Θ(X) Ξ`` sparsely.

Weak (integral) form (Messenger & Bortz 2021; Reinbold, Gurevich & Grigoriev 2020):
multiply by compactly supported test functions ``φ_k`` and integrate by parts,

    ∫ φ_k(t) ẋ(t) dt = −∫ φ_k'(t) x(t) dt = ∫ φ_k(t) Θ(x(t)) dt · ξ,

so no derivative of the (noisy) data is taken. Here ``φ_k(t) = (1 − ((t − c_k)/h)²)^p`` on
``[c_k − h, c_k + h]`` (zero outside; ``p = 4`` by default), with ``K`` centres spread
evenly over each trajectory and integrals by the trapezoidal rule. The half-width ``h``
defaults to ``width`` samples chosen from the data's spectrum: the corner frequency
``ω*`` where the power spectrum meets its high-frequency noise floor sets
``h = 2π · 1.5 / ω*`` (the test functions act as a low-pass filter below the noise), clipped to
``[8, n/8]`` samples.

Discrete time (``discrete_time=True``): ``x_{n+1} ≈ Θ(x_n) Ξ`` for maps.

References
----------
Brunton, S. L., Proctor, J. L. & Kutz, J. N. (2016). PNAS 113, 3932–3937.
Messenger, D. A. & Bortz, D. M. (2021). Weak SINDy: Galerkin-based data-driven model
selection. Multiscale Model. Simul. 19, 1474–1497.
Reinbold, P. A. K., Gurevich, D. R. & Grigoriev, R. O. (2020). Phys. Rev. E 101, 010203.
"""
from __future__ import annotations

import re
from functools import cached_property
from typing import Any, Sequence

import numpy as np

from ..core.errors import InsufficientDataError, ValidationError
from ..core.system import SymbolicSystem
from ..core.validation import as_float_array, check_positive_float, check_positive_int, check_time_vector
from .derivatives import differentiate
from .libraries import Library, PolynomialLibrary
from .optimizers import STLSQ, EnsembleOptimizer

__all__ = ["SINDy", "weak_form_system", "relative_noise_level"]

_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def _is_one_table(X, t) -> bool:
    """True when a list is one trajectory written as rows (numbers, or equal-length numeric rows).

    A list of 2-D arrays is several trajectories; so is a list of 1-D series when ``t`` is a
    matching list of time vectors. Otherwise a list of scalars or of equal-length rows is one
    trajectory whose rows are time (``SINDy().fit(X.tolist())`` means ``fit(X)``).
    """
    if isinstance(t, (list, tuple)) and len(t) == len(X) and len(t) and np.ndim(t[0]) >= 1:
        return False
    dims = {np.ndim(x) for x in X}
    if dims == {0}:
        return True
    if dims == {1}:
        return len({len(x) for x in X}) == 1
    return False


def _as_runs(X, t, name="X"):
    """Normalise X (array or list of arrays) and t (None, step, array, list) to lists."""
    if isinstance(X, (list, tuple)):
        if not X:
            raise ValidationError(f"{name} is an empty list of trajectories.")
        if _is_one_table(X, t):
            runs = [as_float_array(np.asarray(X, dtype=float), name, ndim=(1, 2))]
        else:
            runs = [as_float_array(x, f"{name}[{i}]", ndim=(1, 2)) for i, x in enumerate(X)]
    else:
        runs = [as_float_array(X, name, ndim=(1, 2))]
    runs = [r[:, None] if r.ndim == 1 else r for r in runs]
    d = runs[0].shape[1]
    for i, r in enumerate(runs):
        if r.shape[1] != d:
            raise ValidationError(f"trajectory {i} has {r.shape[1]} states but trajectory 0 has {d}.")
    if t is None or np.ndim(t) == 0:
        step = 1.0 if t is None else check_positive_float(t, "t (sampling step)")
        times = [step * np.arange(r.shape[0]) for r in runs]
    elif isinstance(t, (list, tuple)) and len(t) and np.ndim(t[0]) >= 1:
        if len(t) != len(runs):
            raise ValidationError(f"got {len(t)} time vectors for {len(runs)} trajectories.")
        times = [check_time_vector(tt, r.shape[0], f"t[{i}]") for i, (tt, r) in enumerate(zip(t, runs))]
    else:
        if len(runs) > 1:
            times = [check_time_vector(t, r.shape[0], "t") for r in runs]
        else:
            times = [check_time_vector(t, runs[0].shape[0], "t")]
    return runs, times


def _corner_halfwidth(x: np.ndarray, dt: float) -> int:
    """Half-width (samples) of weak-form test functions from the spectral noise corner."""
    n = x.shape[0]
    xd = x - np.linspace(0, 1, n)[:, None] * (x[-1] - x[0]) - x[0]
    P = np.mean(np.abs(np.fft.rfft(xd, axis=0)) ** 2, axis=1)[1:]
    if P.size < 8:
        return max(2, n // 8)
    floor = np.median(P[P.size // 2:])
    above = np.flatnonzero(P > 100 * floor)
    k = (above[-1] + 1) if above.size else P.size
    omega = 2 * np.pi * k / (n * dt)
    h = 2 * np.pi * 1.5 / omega
    return int(np.clip(round(h / dt), 8, max(8, n // 8)))


def _derivative_error(x: np.ndarray, t: np.ndarray, order: int) -> np.ndarray | None:
    """Richardson estimate of the error of the finite-difference derivative of order ``order``.

    The same formula with step ``2h`` (applied to the even and the odd samples separately)
    has ``2^p`` times the leading truncation error of step ``h``, so
    ``e_h ≈ (D_2h x − D_h x) / (2^p − 1)`` (Richardson 1911). Returns None when the data
    are too short to form ``D_2h``.
    """
    min_len = order + 1
    if x.shape[0] < 2 * min_len:
        return None
    d_h = differentiate(x, t, method="finite_difference", order=order)
    d_2h = np.empty_like(d_h)
    for o in (0, 1):
        d_2h[o::2] = differentiate(x[o::2], t[o::2], method="finite_difference", order=order)
    return (d_2h - d_h) / (2 ** order - 1)


def _check_layout(runs) -> None:
    """Rows are time: refuse data with fewer samples than states (a transposed array)."""
    for i, r in enumerate(runs):
        if r.shape[1] > 1 and r.shape[0] < r.shape[1]:
            which = "X" if len(runs) == 1 else f"trajectory {i}"
            raise ValidationError(
                f"{which} has {r.shape[0]} rows (samples) and {r.shape[1]} columns (states): rows are time, so "
                f"this looks transposed; pass an array of shape (n_times, n_states), e.g. X.T.")


def _check_library_size(library, n_inputs: int, runs, weak_possible: bool) -> None:
    """Refuse, before building it, a feature matrix that cannot be fitted or cannot fit in memory."""
    from ..core.resources import check_memory

    n_feat = library.n_features(n_inputs)
    n_rows = sum(r.shape[0] for r in runs)
    if not weak_possible and n_rows < n_feat + 2:
        raise InsufficientDataError(
            f"the library {library!r} has {n_feat} features for {n_inputs} inputs, so at least {n_feat + 2} "
            f"samples are needed; got {n_rows}. Use more data or a smaller library.")
    # Θ, its stacked copy and the optimizer's working copies: about 4 matrices of n_rows x n_feat
    check_memory(4 * 8.0 * n_rows * n_feat,
                 f"the feature matrix of {library!r} ({n_rows} samples x {n_feat} features)",
                 "the library (degree / number of functions) or the amount of data")


NOISE_FOR_WEAK_FORM = 3e-4
"""Relative noise level above which ``SINDy(weak="auto")`` uses the weak form."""


def relative_noise_level(x: np.ndarray, order: int = 6) -> float:
    """Noise standard deviation relative to the signal's, estimated from high-order differences.

    For white noise of standard deviation ``σ`` the ``k``-th difference ``Δᵏx`` has standard
    deviation ``σ·sqrt(C(2k, k))``, while a smooth signal sampled at ``ωh < 1`` contributes only
    ``O((ωh)ᵏ)``; so ``std(Δᵏx) / sqrt(C(2k, k)) / std(x)`` (median over channels, ``k = 6``)
    estimates the relative noise level (the idea of difference-based variance estimators, e.g.
    Rice 1984, Ann. Stat. 12, 1215). Coarsely sampled clean data (``ωh`` near 1) read as noisy,
    which is the right call for SINDy: finite differences fail there too.
    """
    from math import comb

    x = as_float_array(x, "x", ndim=(1, 2))
    x = x[:, None] if x.ndim == 1 else x
    if x.shape[0] <= order + 1:
        return 0.0
    sd = x.std(axis=0)
    keep = sd > 0
    if not keep.any():
        return 0.0
    d = np.diff(x[:, keep], n=order, axis=0)
    return float(np.median(d.std(axis=0) / np.sqrt(comb(2 * order, order)) / sd[keep]))


def weak_form_system(X: np.ndarray, t: np.ndarray, Theta: np.ndarray, n_test: int, half_width: int, p: int = 4):
    """Weak-form regression matrices for one trajectory.

    Returns ``(G, b)`` with ``G[k] = ∫ φ_k Θ dt`` (K, n_features) and ``b[k] = −∫ φ_k' x dt`` (K, n_states).
    """
    n = X.shape[0]
    m = int(half_width)
    if n < 2 * m + 1:
        raise InsufficientDataError(f"a trajectory of {n} samples is shorter than one test function "
                                    f"({2 * m + 1} samples); pass a smaller weak width.")
    centres = np.unique(np.linspace(m, n - 1 - m, n_test).round().astype(int))
    G = np.empty((centres.size, Theta.shape[1]))
    b = np.empty((centres.size, X.shape[1]))
    for r, c in enumerate(centres):
        sl = slice(c - m, c + m + 1)
        tt = t[sl]
        a, z = tt[0], tt[-1]
        h = 0.5 * (z - a)
        s = (tt - 0.5 * (a + z)) / h
        base = np.clip(1 - s * s, 0.0, None)
        phi = base ** p
        dphi = p * base ** (p - 1) * (-2 * s / h)
        w = np.empty_like(tt)  # trapezoid weights
        dtt = np.diff(tt)
        w[0], w[-1] = 0.5 * dtt[0], 0.5 * dtt[-1]
        w[1:-1] = 0.5 * (dtt[:-1] + dtt[1:])
        G[r] = (w * phi) @ Theta[sl]
        b[r] = -(w * dphi) @ X[sl]
    return G, b


class SINDy:
    """Sparse identification of nonlinear dynamics (scikit-learn style estimator).

    Parameters
    ----------
    library : Library, optional
        Candidate features; default ``PolynomialLibrary(degree=2)``.
    optimizer : STLSQ, SR3 or EnsembleOptimizer, optional
        Default ``STLSQ()``: threshold selected per equation by AICc (no tuning).
    differentiation : str
        Derivative method for the strong form (see :func:`attractor.learn.differentiate`);
        default ``"finite_difference"`` with ``order=4`` on uniform data (order 2 otherwise).
        For finite differences the derivative's own truncation error is estimated by
        Richardson extrapolation (compare steps ``h`` and ``2h``) and passed to the optimizer,
        whose AICc selection treats residuals below it as exact fits, so the sparsity is
        right on clean data at coarse sampling too (:mod:`attractor.learn.optimizers`).
    differentiation_options : dict, optional
    weak : bool or "auto"
        Use the weak (integral) formulation instead of derivatives (robust to noise).
        ``"auto"`` (default): the weak form when the data carry noise above
        ``NOISE_FOR_WEAK_FORM`` (3e-4 of the signal's standard deviation, estimated by
        :func:`relative_noise_level`), or are sampled so coarsely that they look noisy; the
        strong form with finite differences otherwise (most accurate on clean, well-sampled
        data). ``weak_`` records the choice. Sparsity selection differs by form (see
        :mod:`attractor.learn.optimizers`): AICc with a derivative-error floor for the strong
        form, the modified-STLS loss of Messenger & Bortz (2021) for the weak form.
    n_test_functions : int
        Test functions per trajectory (weak form).
    weak_width : int or None
        Half-width of each test function in samples; None = chosen from the spectrum.
    weak_degree : int
        Exponent ``p`` of the test functions.
    discrete_time : bool
        Learn a map ``x_{n+1} = Θ(x_n) Ξ`` instead of a flow.
    state_names : sequence of str, optional
        Names of the states (default ``x0, x1, ...``; or those of a Trajectory).

    Attributes (after fit)
    ----------------------
    coef_ : ndarray, shape (n_states, n_features)
        ``coef_[i, k]`` multiplies feature ``k`` in the equation of state ``i``.
    feature_names_ : list of str
    state_names_ : tuple of str
    n_samples_ : int
        Rows of the regression.
    threshold_ : ndarray (n_states,)
    path_ : list
        Per equation, the sparsity path scored by AICc (see :mod:`attractor.learn.optimizers`).
    weak_ : bool
        Whether the weak form was used.
    dt_ : float or None
        Sampling step of the (first) training trajectory.
    """

    def __init__(self, library: Library | None = None, optimizer=None, differentiation: str = "finite_difference",
                 differentiation_options: dict | None = None, weak: bool | str = "auto", n_test_functions: int = 400,
                 weak_width: int | None = None, weak_degree: int = 4, discrete_time: bool = False,
                 state_names: Sequence[str] | None = None):
        self.library = library
        self.optimizer = optimizer
        self.differentiation = differentiation
        self.differentiation_options = differentiation_options
        self.weak = weak
        self.n_test_functions = n_test_functions
        self.weak_width = weak_width
        self.weak_degree = weak_degree
        self.discrete_time = discrete_time
        self.state_names = state_names

    # ------------------------------------------------------------------ fitting
    def fit(self, X, t=None, u=None) -> "SINDy":
        """Fit the model.

        Parameters
        ----------
        X : array_like (n_times, n_states), Trajectory, or list of them
            Observed states; rows are time.
        t : float, array_like (n_times,), or list of arrays, optional
            Sampling step or time stamps (default unit step). Ignored for Trajectory input.
        u : array_like (n_times, n_inputs) or list, optional
            Control inputs; they enter the library alongside the states.

        Returns
        -------
        self
        """
        from ..core.system import Trajectory

        names = self.state_names
        if isinstance(X, Trajectory) or (isinstance(X, (list, tuple)) and X and isinstance(X[0], Trajectory)):
            trajs = [X] if isinstance(X, Trajectory) else list(X)
            trajs = [tr[i] for tr in trajs for i in range(len(tr))] if any(tr.is_ensemble for tr in trajs) \
                else trajs
            names = names or trajs[0].state_names
            t = [tr.t for tr in trajs]
            X = [tr.x for tr in trajs]
        runs, times = _as_runs(X, t)
        d = runs[0].shape[1]
        names = tuple(names) if names is not None else tuple(f"x{i}" for i in range(d))
        if len(names) != d:
            raise ValidationError(f"state_names has {len(names)} names but the data have {d} states.")
        bad = [s for s in names if not _IDENT.match(s) or s == "t"]
        if bad:
            raise ValidationError(f"state names must be identifiers other than 't'; got {bad}.")
        _check_layout(runs)
        u_runs = None
        input_names = names
        if u is not None:
            u_runs, _ = _as_runs(u, None, "u")
            if len(u_runs) != len(runs) or any(a.shape[0] != b.shape[0] for a, b in zip(u_runs, runs)):
                raise ValidationError("u must have one row per sample of X (and one array per trajectory).")
            input_names = names + tuple(f"u{i}" for i in range(u_runs[0].shape[1]))
        library = self.library if self.library is not None else PolynomialLibrary(2)
        if not isinstance(library, Library):
            raise ValidationError(f"library must be a Library; got {type(library).__name__}.")
        _check_library_size(library, len(input_names), runs, weak_possible=self.weak is not False)
        feature_names = library.names(input_names)
        n_feat = len(feature_names)
        optimizer = self.optimizer if self.optimizer is not None else STLSQ()

        weak = self._resolve_weak(runs, times)
        thetas, targets, errors = [], [], []
        n_eff = 0.0
        for i, (x, tt) in enumerate(zip(runs, times)):
            z = x if u_runs is None else np.hstack([x, u_runs[i]])
            if self.discrete_time:
                if x.shape[0] < 2:
                    raise InsufficientDataError(f"trajectory {i} has {x.shape[0]} samples; a map needs 2.")
                thetas.append(library.transform(z[:-1]))
                targets.append(x[1:])
            elif weak:
                if x.shape[0] < 20:
                    raise InsufficientDataError(f"trajectory {i} has {x.shape[0]} samples; the weak form "
                                                "needs at least 20.")
                dt = float(np.median(np.diff(tt)))
                m = self.weak_width if self.weak_width is not None else _corner_halfwidth(x, dt)
                m = check_positive_int(m, "weak_width", minimum=2)
                K = check_positive_int(self.n_test_functions, "n_test_functions")
                G, b = weak_form_system(x, tt, library.transform(z), K, m,
                                        check_positive_int(self.weak_degree, "weak_degree"))
                thetas.append(G)
                targets.append(b)
                n_eff += min(G.shape[0], x.shape[0] / (2 * m + 1))
            else:
                opts = dict(self.differentiation_options or {})
                method = self.differentiation
                if method in ("finite_difference", "fd") and "order" not in opts:
                    steps = np.diff(tt)
                    uniform = steps.size and np.allclose(steps, steps[0], rtol=1e-6, atol=0)
                    opts["order"] = 4 if (uniform and x.shape[0] >= 5) else 2
                thetas.append(library.transform(z))
                targets.append(differentiate(x, tt, method=method, **opts))
                if method in ("finite_difference", "fd") and set(opts) == {"order"} and opts["order"] in (2, 4, 6, 8):
                    errors.append(_derivative_error(x, tt, int(opts["order"])))
                else:
                    errors.append(None)
        Theta = np.vstack(thetas)
        Y = np.vstack(targets)
        # estimated error of the derivatives (finite differences only): residuals below it are
        # not significant in the AICc sparsity selection (see attractor.learn.optimizers)
        Y_error = None
        if errors and any(e is not None for e in errors):
            Y_error = np.vstack([np.zeros_like(y) if e is None else e for e, y in zip(errors, targets)])
        n_rows = Theta.shape[0]
        if n_rows < n_feat + 2:
            raise InsufficientDataError(
                f"the library has {n_feat} features, so at least {n_feat + 2} regression rows (samples"
                f"{' or test functions' if weak else ''}) are needed; got {n_rows}. Use more data or a "
                "smaller library.")
        if Y_error is None:
            optimizer.fit(Theta, Y, n_eff if weak else None, default_selection="mstls" if weak else "aicc")
        else:
            optimizer.fit(Theta, Y, None, Y_error=Y_error)
        coef = np.asarray(optimizer.coef_, float)
        if not np.any(coef):
            thr = getattr(optimizer, "threshold", None)
            raise ValidationError(
                "the fitted model is identically zero: the sparsity threshold"
                f"{'' if thr is None else f' ({thr:g})'} removed every term of every equation. "
                "Lower the threshold, rescale the data, or check that the data actually vary in time.")
        self.coef_ = coef
        self.weak_ = weak
        self.feature_names_ = feature_names
        self.state_names_ = names
        self.input_names_ = input_names
        self.library_ = library
        self.optimizer_ = optimizer
        self.n_samples_ = n_rows
        self.threshold_ = np.asarray(optimizer.threshold_)
        self.path_ = optimizer.path_
        self.n_controls_ = 0 if u_runs is None else u_runs[0].shape[1]
        steps = np.diff(times[0])
        self.dt_ = float(np.median(steps)) if steps.size else None
        self.x0_ = runs[0][-1].copy()
        stacked = np.vstack(runs)
        self.state_mean_ = stacked.mean(axis=0)
        sd = stacked.std(axis=0)
        self.state_scale_ = np.where(sd > 0, sd, 1.0)
        self.train_rows_ = (Theta, Y)
        if isinstance(optimizer, EnsembleOptimizer):
            self.inclusion_probabilities_ = optimizer.inclusion_probabilities_
            self.coef_std_ = optimizer.coef_std_
        self.__dict__.pop("_system", None)
        return self

    def _resolve_weak(self, runs, times) -> bool:
        """The formulation actually used: ``weak`` as given, or for ``"auto"`` the weak form when
        the data carry measurement noise (see :func:`relative_noise_level`)."""
        if isinstance(self.weak, str):
            if self.weak != "auto":
                raise ValidationError(f"weak must be True, False or 'auto'; got {self.weak!r}.")
            if self.discrete_time or any(x.shape[0] < 20 for x in runs):
                return False
            for tt in times:
                steps = np.diff(tt)
                if not np.allclose(steps, steps[0], rtol=1e-6, atol=0):
                    return False
            level = float(np.median([relative_noise_level(x) for x in runs]))
            return level > NOISE_FOR_WEAK_FORM
        return bool(self.weak)

    def _check_fitted(self):
        if not hasattr(self, "coef_"):
            raise ValidationError("this SINDy model is not fitted yet; call fit(X, t) first.")

    # ------------------------------------------------------------------ views
    def equations(self, precision: int = 4) -> list[str]:
        """The learned equations as text, e.g. ``dx/dt = -10 x + 10 y``."""
        self._check_fitted()
        out = []
        for name, row in zip(self.state_names_, self.coef_):
            terms = []
            for c, f in zip(row, self.feature_names_):
                if c == 0:
                    continue
                mag = f"{abs(c):.{precision}g}"
                body = mag if f == "1" else (f if mag == "1" else f"{mag} {f}")
                terms.append(("- " if c < 0 else "+ ") + body)
            rhs = " ".join(terms).lstrip("+ ") if terms else "0"
            if rhs.startswith("- "):
                rhs = "-" + rhs[2:]
            lhs = f"{name}[n+1]" if self.discrete_time else f"d{name}/dt"
            out.append(f"{lhs} = {rhs}")
        return out

    def print(self, precision: int = 4) -> None:  # noqa: A003 - mirrors pysindy
        print("\n".join(self.equations(precision)))

    def predict(self, X, u=None) -> np.ndarray:
        """Model right-hand side ``Θ(X) Ξᵀ`` (derivatives, or next states for maps), shape like X."""
        self._check_fitted()
        X = as_float_array(X, "X", ndim=(1, 2))
        Z = X[:, None] if X.ndim == 1 else X
        if Z.shape[1] != len(self.state_names_):
            raise ValidationError(f"X has {Z.shape[1]} column(s) but the model has {len(self.state_names_)} states.")
        if self.n_controls_:
            if u is None:
                raise ValidationError("the model was fitted with controls u; pass u to predict.")
            Z = np.hstack([Z, np.atleast_2d(np.asarray(u, float)).reshape(Z.shape[0], -1)])
        return self.library_.transform(Z) @ self.coef_.T

    def complexity(self) -> int:
        """Number of non-zero coefficients."""
        self._check_fitted()
        return int(np.count_nonzero(self.coef_))

    # ------------------------------------------------------------------ as a DynamicalSystem
    def to_system(self, name: str = "SINDy model", x0=None) -> SymbolicSystem:
        """The learned equations as a :class:`~attractor.SymbolicSystem`.

        Each non-zero coefficient becomes a parameter ``c_<state>_<k>`` (``k`` the feature
        index), so the compiled integrators, the exact Jacobian, ``equations()``/``latex()``
        and every analysis apply. Simulation that blows up raises ``DivergenceError``.
        """
        self._check_fitted()
        if self.n_controls_:
            raise ValidationError("a model with control inputs u is not autonomous; to_system needs a model "
                                  "fitted without u.")
        from ..core.symbolic import SymbolicSpec

        import sympy as sp

        symbols = [sp.Symbol(s, real=True) for s in self.state_names_]
        exprs = self.library_.expressions(symbols)
        params: dict[str, float] = {}
        eqs = []
        for i, s in enumerate(self.state_names_):
            parts = []
            for k, c in enumerate(self.coef_[i]):
                if c == 0:
                    continue
                p = f"c_{s}_{k}"
                while p in params or p in self.state_names_:
                    p = "_" + p
                params[p] = float(c)
                parts.append(f"{p}*({sp.sstr(exprs[k])})")
            eqs.append(" + ".join(parts) if parts else "0")
        spec = SymbolicSpec(name, "map" if self.discrete_time else "flow", tuple(self.state_names_),
                            tuple(params), tuple(eqs))
        meta = {"description": "learned by SINDy", "learned_by": "attractor.learn.SINDy",
                "library": repr(self.library_), "optimizer": repr(self.optimizer_)}
        return SymbolicSystem(spec, params, x0=self.x0_ if x0 is None else x0,
                              dt=None if self.discrete_time else self.dt_, metadata=meta)

    #: A forecast leaving ``DIVERGED`` training standard deviations of the training mean has diverged.
    DIVERGED = 1e4

    @property
    def required_history(self) -> int:
        """Samples of context :meth:`forecast` needs: the last observed state."""
        return 1

    def forecast(self, history, horizon: int, *, dt: float | None = None, substeps: int = 4) -> np.ndarray:
        """Forecast ``horizon`` samples after the last row of ``history`` with the learned model.

        A flow is integrated from ``history[-1]`` and sampled every ``dt`` (default: the
        training sampling step ``dt_``); a map (``discrete_time``) is iterated. With a
        :class:`PolynomialLibrary` the flow is integrated by classical RK4 with ``substeps``
        steps per sample in one compiled loop shared by every model (no per-model compilation,
        which :meth:`to_system` needs: seconds per new set of equations); other libraries
        integrate :meth:`to_system` with its adaptive integrator.

        If the forecast diverges (non-finite, or more than ``DIVERGED`` training standard
        deviations from the training mean) the remaining rows are NaN and a ``RuntimeWarning``
        says after how many samples.

        Parameters
        ----------
        history : array_like, shape (n_times, n_states) or (n_times,)
            Observed states ending at the forecast origin (only the last row is used).
        horizon : int >= 1
            Number of future samples.
        dt : float, optional
            Sampling step of the forecast (flows), in the time units of ``t`` at fit.
        substeps : int >= 1
            RK4 steps per sample (polynomial flows).

        Returns
        -------
        numpy.ndarray, shape (horizon, n_states)
        """
        import warnings

        from ..core.errors import IntegrationError

        self._check_fitted()
        if self.n_controls_:
            raise ValidationError("a model with control inputs u is not autonomous; forecast needs a model fitted "
                                  "without u.")
        horizon = check_positive_int(horizon, "horizon")
        H = as_float_array(history, "history", ndim=(1, 2))
        H = H[:, None] if H.ndim == 1 else H
        d = len(self.state_names_)
        if H.shape[1] != d:
            raise ValidationError(f"history has {H.shape[1]} channel(s) but the model was fitted on {d}.")
        if H.shape[0] < 1:
            raise InsufficientDataError("history is empty; the forecast starts from its last sample.")
        x0 = np.ascontiguousarray(H[-1], dtype=float)
        limit = self.DIVERGED * self.state_scale_
        if not self.discrete_time:
            step = self.dt_ if dt is None else check_positive_float(dt, "dt")
            if step is None:
                raise ValidationError("the model was fitted on single samples; pass the forecast step dt.")
        if isinstance(self.library_, PolynomialLibrary) and not self.discrete_time:
            from ._sindy_kernels import polynomial_rk4

            m = check_positive_int(substeps, "substeps")
            keep = np.any(self.coef_ != 0, axis=0)
            out = polynomial_rk4(x0, np.ascontiguousarray(self.coef_[:, keep]),
                                 np.ascontiguousarray(self.library_.exponents(d)[keep], dtype=np.int64),
                                 step / m, m, horizon, self.state_mean_, limit)
        else:
            out = np.full((horizon, d), np.nan)
            try:
                traj = (self._system.trajectory(horizon + 1, x0=x0) if self.discrete_time
                        else self._system.trajectory(horizon + 1, dt=step, x0=x0))
                x = np.asarray(traj.x[1:], dtype=float)
                bad = ~np.all(np.isfinite(x) & (np.abs(x - self.state_mean_) <= limit), axis=1)
                n_ok = int(np.argmax(bad)) if bad.any() else horizon
                out[:n_ok] = x[:n_ok]
            except (IntegrationError, FloatingPointError, OverflowError):
                pass
        finite_rows = np.all(np.isfinite(out), axis=1)
        n_ok = horizon if finite_rows.all() else int(np.argmax(~finite_rows))
        if n_ok < horizon:
            warnings.warn(f"the learned model diverged after {n_ok} of {horizon} forecast samples; the rest of "
                          "the forecast is NaN.", RuntimeWarning, stacklevel=2)
        return out

    @cached_property
    def _system(self) -> SymbolicSystem:
        return self.to_system()

    def rhs(self, x, t: float = 0.0) -> np.ndarray:
        """Learned vector field at ``x`` (flows)."""
        return self._system.rhs(x, t)

    def step(self, x, t: float = 0.0) -> np.ndarray:
        """Learned next state (maps)."""
        return self._system.step(x, t)

    def jacobian(self, x, t: float = 0.0) -> np.ndarray:
        """Exact Jacobian of the learned model."""
        return self._system.jacobian(x, t)

    def trajectory(self, n: int, dt: float | None = None, x0=None, transient: float = 0.0, **kwargs: Any):
        """Simulate the learned model (see :meth:`attractor.DynamicalSystem.trajectory`)."""
        return self._system.trajectory(n, dt=dt, x0=x0, transient=transient, **kwargs)

    def __repr__(self) -> str:
        if not hasattr(self, "coef_"):
            return "SINDy(unfitted)"
        return "SINDy(" + "; ".join(self.equations(3)) + ")"
