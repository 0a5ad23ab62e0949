"""Hybrid model with a neural remainder: known physics with unknown parameters plus an MLP.

The vector field is ``ẋ = K(x; p) + F_θ(x)``: ``K`` the known part (a
:class:`~attractor.core.symbolic.SymbolicSpec`, lambdified to ``jax.numpy``, or a callable
``f(X, p)`` written with ``jax.numpy``), ``F_θ`` an MLP on standardised states whose output is
scaled to the derivatives' spread and starts near zero, so the physics explains what it can
first. This is the universal differential equation of Rackauckas et al. (2020) and the
learned part of APHYNITY (Yin et al. 2021); :class:`~attractor.learn.Hybrid` holds the
SINDy and kernel remainders, which are linear in their weights and fitted in closed form.

Fitting (``p``, ``θ`` and, for trajectory matching, the window start states, jointly):

(a) *Derivative matching* (warm start, ``warm_epochs`` of Adam): derivatives by fourth-order
    finite differences; loss ``mean(((K + F − ẋ)/s)²)``.
(b) *Trajectory matching* (``fit_method="trajectory"``, default; for sparse or noisy samples):
    every trajectory is cut into windows of ``window`` samples (default: the whole trajectory)
    whose start states are free parameters initialised at the observations; all windows are
    integrated as one system with Diffrax (Tsitouras 5(4), ``rtol``/``atol``), and the loss is
    the mean squared misfit to the samples, scaled per channel. Gradients through the solver by
    Diffrax's adjoints: ``adjoint="checkpoint"`` (discretise-then-optimise, exact gradients of
    the computed solution, recursive checkpointing) or ``"backsolve"`` (continuous adjoint ODE
    solved backwards, O(1) memory; Chen et al. 2018). ``epochs`` of Adam, then ``lbfgs_steps``
    of L-BFGS (the UDE paper's ADAM-then-BFGS schedule).

Both losses carry ``remainder_penalty · mean(‖F/s‖²)`` along the data: among decompositions
that fit, one with a small remainder (APHYNITY's principle, with a fixed weight).

Closing the loop: :meth:`discover_remainder` (sparse regression on the network's values along
the data) and :meth:`refit_symbolic` are those of :class:`~attractor.learn.Hybrid`.

References
----------
Rackauckas, C. et al. (2020). Universal differential equations for scientific machine learning.
arXiv:2001.04385.
Yin, Y. et al. (2021). Augmenting physical models with deep networks for complex dynamics
forecasting. ICLR 2021.
Chen, R. T. Q., Rubanova, Y., Bettencourt, J. & Duvenaud, D. (2018). Neural ordinary differential
equations. NeurIPS 31 (adjoint method).
Kidger, P. (2021). On neural differential equations. PhD thesis, Oxford (Diffrax).
"""
from __future__ import annotations

import time

import numpy as np

from ...core.errors import ValidationError
from ...core.validation import check_nonnegative_int, check_positive_float, check_positive_int
from ..derivatives import differentiate
from ..hybrid import Hybrid, _identify
from ._base import LearnedSystem

__all__ = ["NeuralHybrid"]

_ADJOINTS = ("checkpoint", "backsolve")
_METHODS = ("derivative", "trajectory")


class NeuralHybrid(Hybrid):
    """Known physics with unknown parameters plus a neural-network remainder, ``ẋ = K(x; p) + F_θ(x)``.

    Parameters
    ----------
    known : SymbolicSpec or callable
        Known part; a callable ``f(X, p)`` must use ``jax.numpy`` (it is traced by JAX).
    parameters : mapping, optional
        Known values of the spec's parameters.
    unknown : mapping or sequence, optional
        Parameters to fit, with initial guesses.
    width, depth : int
        Hidden width and number of hidden layers of the remainder's MLP.
    activation : {"tanh", "softplus", "gelu", "silu"}
    fit_method : {"trajectory", "derivative"}
        Module docstring.
    window : int, optional
        Samples per trajectory-matching window (default: each whole trajectory).
    warm_epochs, epochs : int
        Adam steps (full batch) of derivative and trajectory matching.
    lbfgs_steps : int
        L-BFGS iterations after Adam (trajectory matching, or derivative matching alone).
    learning_rate : float
        Adam's initial step (cosine decay to 2 %).
    rtol, atol : float
        Diffrax tolerances of the training solves (standardised to the data's units).
    adjoint : {"checkpoint", "backsolve"}
    remainder_penalty : float
        Weight of the remainder's mean squared size (in units of the derivatives' spread).
    state_names : sequence of str, optional
    seed : int
        Initial weights. Same seed, same data: same model (CPU, float64).

    Attributes (after fit)
    ----------------------
    parameters_, parameter_std_, identifiable_ : dict
        Fitted physics parameters; standard errors are conditional on the fitted network (the
        Gauss–Newton covariance of the trajectory residual in ``p`` alone), a lower bound.
    physics_fraction_ : float
        ``‖K‖² / (‖K‖² + ‖F‖²)`` along the data.
    fit_rmse_ : float
        Root-mean-square misfit of the matched quantity (states or derivatives), data units.
    loss_history_ : dict of ndarray
        Loss per step of each phase.
    fit_seconds_ : float
    """

    # refit_symbolic (inherited) re-fits by derivative matching with these weak-form settings
    weak_width = None
    n_test_functions = 400
    remainder = "neural"

    def __init__(self, known, *, parameters=None, unknown=None, width: int = 32, depth: int = 2,
                 activation: str = "tanh", fit_method: str = "trajectory", window: int | None = None,
                 warm_epochs: int = 300, epochs: int = 600, lbfgs_steps: int = 500, learning_rate: float = 1e-2,
                 rtol: float = 1e-7, atol: float = 1e-9, adjoint: str = "checkpoint",
                 remainder_penalty: float = 1e-4, weight_decay: float = 0.0, state_names=None, seed: int = 0):
        self.known = known
        self.parameters = parameters
        self.unknown = unknown
        self.width = width
        self.depth = depth
        self.activation = activation
        self.fit_method = fit_method
        self.window = window
        self.warm_epochs = warm_epochs
        self.epochs = epochs
        self.lbfgs_steps = lbfgs_steps
        self.learning_rate = learning_rate
        self.rtol = rtol
        self.atol = atol
        self.adjoint = adjoint
        self.remainder_penalty = remainder_penalty
        self.weight_decay = weight_decay
        self.state_names = state_names
        self.seed = seed

    def get_params(self, deep: bool = False) -> dict:
        import inspect

        names = [k for k in inspect.signature(type(self).__init__).parameters if k != "self"]
        return {k: getattr(self, k) for k in names}

    # ------------------------------------------------------------------ fitting
    def fit(self, X, dt: float | None = None, t=None) -> "NeuralHybrid":
        """Fit physics parameters and the network remainder jointly.

        Parameters
        ----------
        X : array_like (n_times, n_states), Trajectory, or a list of them
        dt : float, optional
            Uniform sampling step (time units); or give ``t``.
        t : array_like or list of arrays, optional
            Time stamps; trajectory matching needs one common uniform step.

        Returns
        -------
        self
        """
        from .. import sindy as _sindy

        if self.fit_method not in _METHODS:
            raise ValidationError(f"fit_method must be one of {_METHODS}; got {self.fit_method!r}.")
        if self.adjoint not in _ADJOINTS:
            raise ValidationError(f"adjoint must be one of {_ADJOINTS}; got {self.adjoint!r}.")
        from ._hybrid_jax import ACTIVATIONS
        if self.activation not in ACTIVATIONS:
            raise ValidationError(f"activation must be one of {tuple(ACTIVATIONS)}; got {self.activation!r}.")
        width = check_positive_int(self.width, "width")
        depth = check_positive_int(self.depth, "depth")
        warm = check_nonnegative_int(self.warm_epochs, "warm_epochs")
        epochs = check_nonnegative_int(self.epochs, "epochs")
        n_lbfgs = check_nonnegative_int(self.lbfgs_steps, "lbfgs_steps")
        lr = check_positive_float(self.learning_rate, "learning_rate")
        rtol = check_positive_float(self.rtol, "rtol")
        atol = check_positive_float(self.atol, "atol")
        penalty = check_positive_float(self.remainder_penalty, "remainder_penalty", allow_zero=True)

        runs, times, names, known = self._prepare(X, dt, t)
        d = runs[0].shape[1]
        steps = np.concatenate([np.diff(tt) for tt in times])
        step = float(np.median(steps))
        uniform = bool(np.allclose(steps, step, rtol=1e-6))
        if self.fit_method == "trajectory" and not uniform:
            raise ValidationError("trajectory matching of NeuralHybrid needs one uniform sampling step shared by "
                                  "all trajectories; resample the data or use fit_method='derivative'.")
        n_min = min(r.shape[0] for r in runs)
        if n_min < 5:
            raise ValidationError(f"a trajectory has {n_min} samples; NeuralHybrid needs at least 5 per trajectory.")
        t0 = time.perf_counter()

        from ._hybrid_jax import (Model, adam, compiled, jax, jnp, known_to_jax, lbfgs, make_losses,
                                  make_remainder, residual_jacobian_p)

        k_jax = known_to_jax(known)
        try:
            np.asarray(jax.jit(k_jax)(jnp.asarray(runs[0][0]), jnp.asarray(known.p0)))
        except (TypeError, ValueError, jax.errors.TracerArrayConversionError,
                jax.errors.ConcretizationTypeError) as exc:
            raise ValidationError("the known part cannot be traced by JAX (a callable known part must be written "
                                  f"with jax.numpy, not NumPy): {exc}") from exc

        # derivative targets (warm start; the fit itself for fit_method="derivative")
        dX = [differentiate(x, tt, method="finite_difference", order=4 if uniform else 2) for x, tt in zip(runs, times)]
        Xall, dXall = np.vstack(runs), np.vstack(dX)
        scale = Xall.std(axis=0)
        dscale = dXall.std(axis=0)
        dscale = np.where(dscale > 0, dscale, 1.0)
        self.weak_ = max(_sindy.relative_noise_level(r) for r in runs) > _sindy.NOISE_FOR_WEAK_FORM

        # physics alone first (least squares on the derivatives), so the network fits what is left
        p0 = known.p0.copy()
        if p0.size:
            from scipy.optimize import least_squares

            sol = least_squares(lambda q: ((known(Xall, q) - dXall) / dscale).ravel(), p0, x_scale="jac")
            if np.all(np.isfinite(sol.x)):
                p0 = sol.x
        resid = dXall - known(Xall, p0)
        out_scale = resid.std(axis=0)
        out_scale = np.where(out_scale > 1e-12 * dscale, out_scale, dscale)

        key = jax.random.PRNGKey(int(np.random.default_rng(self.seed).integers(2 ** 31)))
        rem = make_remainder(d, width, depth, self.activation, Xall.mean(axis=0), scale, out_scale, key)

        # windows (equal length, one batched solve)
        W = n_min if self.window is None else check_positive_int(self.window, "window", minimum=3)
        W = min(W, n_min)
        starts_idx = []
        for r, x in enumerate(runs):
            s = list(range(0, x.shape[0] - W + 1, W - 1))
            if s[-1] != x.shape[0] - W:
                s.append(x.shape[0] - W)
            starts_idx += [(r, i) for i in s]
        windows = np.stack([runs[r][i:i + W] for r, i in starts_idx])
        ts = step * np.arange(W)
        simulate, traj_loss, deriv_loss = make_losses(k_jax, ts, rtol, atol, self.adjoint, penalty,
                                                      check_positive_float(self.weight_decay, "weight_decay", allow_zero=True))
        model = Model(jnp.asarray(p0), rem, jnp.asarray(windows[:, 0]))
        wscale = jnp.asarray(np.where(scale > 0, scale, 1.0))
        Xj, dXj, dsj = jnp.asarray(Xall), jnp.asarray(dXall), jnp.asarray(dscale)

        hist = {}
        model, hist["derivative"] = adam(deriv_loss, model, (Xj, dXj, dsj), warm, lr, "derivative matching")
        if self.fit_method == "trajectory":
            args = (jnp.asarray(windows), wscale, Xj)
            model, hist["trajectory"] = adam(traj_loss, model, args, epochs, lr, "trajectory matching")
            model, hist["lbfgs"] = lbfgs(traj_loss, model, args, n_lbfgs)
        else:
            model, hist["lbfgs"] = lbfgs(deriv_loss, model, (Xj, dXj, dsj), n_lbfgs)
        self.loss_history_ = hist

        p = np.asarray(model.p, float)
        self._p = p
        self._model = model
        self._k_jax = k_jax
        self._known = known
        self._fun, self._jac, self._rem, _ = compiled(k_jax, p, model.remainder)
        self.state_names_ = names
        self.n_samples_ = int(Xall.shape[0])
        self.dt_ = step
        self.x0_ = runs[-1][-1].copy()
        self._runs, self._times = runs, times
        self.n_windows_ = int(windows.shape[0])
        self._windows = list(windows)
        self._selected = None
        self.window_ = int(W)

        # misfit, identifiability (conditional on the network), physics share
        if self.fit_method == "trajectory":
            pred = np.asarray(simulate(model))
            self.fit_rmse_ = float(np.sqrt(np.mean((pred - windows) ** 2)))
            r0, J = residual_jacobian_p(simulate, model, jnp.asarray(windows), wscale)
            ynorm = float(np.linalg.norm(windows / np.asarray(wscale)))
        else:
            pred = self.predict(Xall)
            self.fit_rmse_ = float(np.sqrt(np.mean((pred - dXall) ** 2)))
            r0 = ((pred - dXall) / dscale).ravel()
            Jk = np.asarray(jax.vmap(lambda x: jax.jacfwd(lambda q: k_jax(x, q))(jnp.asarray(p)))(Xj))
            J = (Jk / dscale[None, :, None]).reshape(-1, p.size)
            ynorm = float(np.linalg.norm(dXall / dscale))
        ident, std = np.ones(p.size, bool), np.zeros(p.size)
        if p.size:
            n_weights = sum(a.size for a in jax.tree_util.tree_leaves(model.remainder.mlp) if hasattr(a, "size"))
            ident, std = _identify(J, r0, p, ynorm or 1.0, r0.size - p.size - min(n_weights, r0.size // 2),
                                   known.names)
        self.identifiable_ = {k: bool(v) for k, v in zip(known.names, ident)}
        self.parameters_ = {k: (float(v) if ok else float("nan")) for k, v, ok in zip(known.names, p, ident)}
        self.parameter_std_ = {k: float(s) for k, s in zip(known.names, std)}
        self._physics_share(known(Xall, p), self._rem(Xall), p)
        self.fit_seconds_ = time.perf_counter() - t0
        return self

    # ------------------------------------------------------------------ views
    def _check_fitted(self):
        if not hasattr(self, "_fun"):
            raise ValidationError("this NeuralHybrid model is not fitted yet; call fit(X, dt=...) first.")

    def remainder_rhs(self, X) -> np.ndarray:
        """The network remainder ``F_θ(X)`` at states X (n, d), data units."""
        self._check_fitted()
        X = np.atleast_2d(np.asarray(X, float))
        return self._rem(X)

    def _remainder_terms(self, i: int, precision: int) -> str:
        return f"MLP({self.width}×{self.depth}, {self.activation})"

    def to_system(self, name: str = "NeuralHybrid model", x0=None) -> LearnedSystem:
        """The fitted model as a flow with an exact Jacobian (``jax.jacfwd`` of the compiled field)."""
        self._check_fitted()
        return LearnedSystem(name, "flow", len(self.state_names_), self._fun, self._jac,
                             self.x0_ if x0 is None else x0, self.dt_, tuple(self.state_names_),
                             {"description": "hybrid model: known physics + neural remainder",
                              "learned_by": "attractor.learn.neural.NeuralHybrid",
                              "parameters": dict(self.parameters_)})

    # ------------------------------------------------------------------ closing the loop
    def discover_remainder(self, library=None, optimizer=None, *, selection: str = "data", max_terms: int = 1,
                           n_candidates: int = 6):
        """Propose equations for the remainder and choose among them on the data.

        ``selection="regression"``: sparse regression (STLSQ, AICc) on the network's values along
        the data, as :meth:`Hybrid.discover_remainder`.

        ``selection="data"`` (default): the network proposes, the data decide. Per state, the
        candidate term sets are the ``n_candidates`` best subsets (by least squares on the
        network's values; sizes 0 to ``max_terms``) and the STLSQ support. Each combination is
        turned into a symbolic model (known part + terms, all unknown parameters and term
        coefficients free) and fitted to the *samples* by trajectory matching from the
        hybrid's fitted window starts (scipy ``least_squares``, ``solve_ivp`` DOP853, rtol 1e-10; at
        most 8 windows spread over the data during the search, all of them for the chosen model);
        terms whose fitted contribution is below 1 % of the remainder's size are dropped; coordinate descent over the states picks the combination with the smallest BIC,
        ``n log(RSS/n) + k log n``. The network's values along one short noisy trajectory seldom
        single out the true terms (the candidate functions are nearly collinear there), while the
        samples themselves, through the integrated model, do better. Measured on the UDE
        Lotka–Volterra protocol (``benchmarks/bench_ude_lotka_volterra.py``: 31 samples, 5 % noise):
        with one term per state (``max_terms=1``, the default) the chosen terms are ``x y`` in both
        equations, fitted to −0.900 and +0.819 (true −0.9, +0.8); with up to two terms per state a
        wrong pair (``x``, ``y²``) fits those 31 samples better by BIC. Raise ``max_terms`` only
        with data that can tell the candidates apart (longer or several trajectories).

        Returns
        -------
        RemainderDiscovery
            ``coef``: least-squares coefficients of the chosen terms on the network's values;
            the data-fitted model is :meth:`refit_symbolic` (``symbolic_parameters_``,
            ``selection_bic_``).
        """
        from ..hybrid import RemainderDiscovery
        from ..libraries import Library, PolynomialLibrary

        self._check_fitted()
        if selection == "regression":
            return Hybrid.discover_remainder(self, library, optimizer)
        if selection != "data":
            raise ValidationError(f"selection must be 'data' or 'regression'; got {selection!r}.")
        lib = library if library is not None else PolynomialLibrary(2)
        if not isinstance(lib, Library):
            raise ValidationError(f"library must be a Library; got {type(lib).__name__}.")
        max_terms = check_nonnegative_int(max_terms, "max_terms")
        n_candidates = check_positive_int(n_candidates, "n_candidates")
        import itertools

        Xall = np.vstack(self._runs)
        F = self.remainder_rhs(Xall)
        Theta = lib.transform(Xall)
        names = lib.names(list(self.state_names_))
        d, m = F.shape[1], Theta.shape[1]
        if sum(1 for k in range(max_terms + 1) for _ in itertools.combinations(range(m), k)) > 20000:
            raise ValidationError(f"{m} library terms up to {max_terms} at a time is too many subsets; lower "
                                  "max_terms or use a smaller library.")
        reg = Hybrid.discover_remainder(self, lib, optimizer)
        cands = []
        for i in range(d):
            scored = []
            for k in range(max_terms + 1):
                for sub in itertools.combinations(range(m), k):
                    if k:
                        A = Theta[:, sub]
                        c = np.linalg.lstsq(A, F[:, i], rcond=None)[0]
                        r = float(np.sum((F[:, i] - A @ c) ** 2))
                    else:
                        r = float(np.sum(F[:, i] ** 2))
                    scored.append((r, sub))
            scored.sort(key=lambda z: z[0])
            keep, seen = [], set()
            for _, sub in [(0, tuple(np.flatnonzero(reg.coef[i])))] + scored:
                if sub not in seen and len(sub) <= max(max_terms, 1) and len(keep) < n_candidates + 1:
                    keep.append(sub)
                    seen.add(sub)
            if () not in seen:
                keep.append(())
            cands.append(keep)
        exprs = lib.expressions(self._symbols())
        choice = [c[0] for c in cands]
        cache = {}

        def score(ch):
            key = tuple(ch)
            if key not in cache:
                cache[key] = self._fit_candidate(ch, exprs)
            return cache[key][0]

        best = score(choice)
        for _ in range(3):
            changed = False
            for i in range(d):
                for sub in cands[i]:
                    trial = list(choice)
                    trial[i] = sub
                    b = score(trial)
                    if b < best - 1e-9:
                        best, choice, changed = b, trial, True
            if not changed:
                break
        # practical significance: a chosen term whose refitted contribution is below 1 % of the
        # remainder's size is dropped (on clean data BIC keeps terms that only absorb rounding)
        for i in range(d):
            bic, params, _, _ = cache[tuple(choice)]
            rms_f = float(np.sqrt(np.mean(F[:, i] ** 2))) or 1.0
            keep = [k for k in choice[i] if abs(params[self._term_name(i, k, params)]) *
                    float(np.sqrt(np.mean(Theta[:, k] ** 2))) >= 1e-2 * rms_f]
            if len(keep) < len(choice[i]):
                choice = list(choice)
                choice[i] = tuple(keep)
                score(choice)
        bic, params, spec_eqs, rss = self._fit_candidate(choice, exprs, max_windows=None)   # on all windows
        coef = np.zeros((d, m))
        r2 = np.full(d, np.nan)
        eqs = []
        for i, st in enumerate(self.state_names_):
            sub = list(choice[i])
            if sub:
                coef[i, sub] = np.linalg.lstsq(Theta[:, sub], F[:, i], rcond=None)[0]
            ss = float(np.sum((F[:, i] - F[:, i].mean()) ** 2))
            r2[i] = 1 - float(np.sum((F[:, i] - Theta @ coef[i]) ** 2)) / ss if ss > 0 else np.nan
            terms = [f"{c:+.4g} {f}" if f != "1" else f"{c:+.4g}" for c, f in zip(coef[i], names) if c != 0]
            eqs.append(f"remainder of d{st}/dt = {' '.join(terms) if terms else '0'}")
        self.discovery_ = RemainderDiscovery(eqs, coef, names, r2, lib)
        self.selection_bic_ = {"chosen": float(bic), "evaluated": len(cache)}
        self._selected = (choice, params, spec_eqs)
        return self.discovery_

    def _term_name(self, i: int, k: int, taken) -> str:
        """Parameter name of library term ``k`` in state ``i``'s equation (distinct from the spec's names)."""
        known = self._known
        pn = f"d_{known.states[i]}_{k}"
        while pn in known.fixed or pn in known.names or pn in known.states:
            pn = "_" + pn
        return pn

    def _symbols(self):
        import sympy as sp

        if self._known.spec is not None:
            return list(self._known.spec.symbols[0])
        return [sp.Symbol(s, real=True) for s in self.state_names_]

    def _fit_candidate(self, choice, exprs, max_windows: int | None = 8):
        """Known part + chosen terms fitted to the samples by trajectory matching; (BIC, params, eqs, rss)."""
        import sympy as sp
        from scipy.integrate import solve_ivp
        from scipy.optimize import least_squares

        known = self._known
        if known.spec is None:
            raise ValidationError("selection='data' needs a SymbolicSpec known part; use selection='regression'.")
        xs = self._symbols()
        d = len(xs)
        starts = np.asarray(self._model.starts, float)
        obs = np.stack(self._windows)
        if max_windows is not None and starts.shape[0] > max_windows:   # selection on a spread subset
            pick = np.unique(np.linspace(0, starts.shape[0] - 1, max_windows).round().astype(int))
            starts, obs = starts[pick], obs[pick]
        n_w, W = starts.shape[0], self.window_
        ts = self.dt_ * np.arange(W)
        scale = np.vstack(self._runs).std(axis=0)
        scale = np.where(scale > 0, scale, 1.0)
        coeffs = [[sp.Symbol(f"_c{i}_{k}") for k in sub] for i, sub in enumerate(choice)]
        unk = list(known._unk_symbols)
        flat = [c for row in coeffs for c in row]
        rhs = [known._exprs[i] + sum((c * exprs[k] for c, k in zip(coeffs[i], choice[i])), sp.Integer(0))
               for i in range(d)]
        f = sp.lambdify((xs, unk + flat), rhs, "numpy")
        n_p = len(unk)

        def field(_t, y, theta):
            Y = y.reshape(n_w, d).T
            out = f(Y, theta)
            return np.stack([np.broadcast_to(np.asarray(o, float), (n_w,)) for o in out], axis=1).ravel()

        bad = np.full(obs.size, 1e3)

        def residual(theta):
            with np.errstate(all="ignore"):
                sol = solve_ivp(field, (ts[0], ts[-1]), starts.ravel(), t_eval=ts, args=(theta,), method="DOP853",
                                rtol=1e-10, atol=1e-12)
            if sol.status != 0 or sol.y.shape[1] != W or not np.all(np.isfinite(sol.y)):
                return bad
            pred = sol.y.reshape(n_w, d, W).transpose(0, 2, 1)
            return ((pred - obs) / scale).ravel()

        theta0 = np.concatenate([self._p, np.zeros(len(flat))])
        if theta0.size:
            # forward differences through a solve at rtol 1e-10: steps of 1e-6 keep the Jacobian accurate
            sol = least_squares(residual, theta0, x_scale="jac", diff_step=1e-6, max_nfev=100 * (theta0.size + 1))
            r, theta = sol.fun, sol.x
        else:
            r, theta = residual(theta0), theta0
        n = r.size
        rss = float(r @ r)
        bic = n * np.log(max(rss, 1e-300) / n) + theta.size * np.log(n)
        params = dict(known.fixed) | {s.name: float(v) for s, v in zip(unk, theta[:n_p])}
        eqs = []
        for i in range(d):
            parts = [f"({known.spec.equations[i]})"]
            for c, k, v in zip(coeffs[i], choice[i], theta[n_p + sum(len(q) for q in coeffs[:i]):]):
                pn = self._term_name(i, k, params)
                params[pn] = float(v)
                parts.append(f"{pn}*({sp.sstr(exprs[k])})")
            eqs.append(" + ".join(parts))
        return bic, params, eqs, rss

    def refit_symbolic(self, discovery=None, name: str = "NeuralHybrid refit"):
        """The model chosen by ``discover_remainder(selection="data")``, fitted to the samples.

        Falls back to :meth:`Hybrid.refit_symbolic` (derivative matching) after
        ``selection="regression"`` or when ``discovery`` is given.
        """
        from ...core.symbolic import SymbolicSpec
        from ...core.system import SymbolicSystem
        from ..hybrid import _safe_name

        self._check_fitted()
        if discovery is not None or getattr(self, "_selected", None) is None:
            return Hybrid.refit_symbolic(self, discovery, name)
        _, params, eqs = self._selected
        known = self._known
        spec = SymbolicSpec(_safe_name(name), "flow", known.states, tuple(params), tuple(eqs))
        self.symbolic_parameters_ = {k: v for k, v in params.items() if k not in known.fixed}
        return SymbolicSystem(spec, params, x0=self.x0_, dt=self.dt_,
                              metadata={"description": "known physics + terms chosen on the data among the "
                                                       "network remainder's proposals",
                                        "learned_by": "attractor.learn.neural.NeuralHybrid.refit_symbolic"})

    def __repr__(self) -> str:
        return (f"NeuralHybrid(known={getattr(self.known, 'name', 'callable')}, width={self.width}, "
                f"depth={self.depth}, fit_method={self.fit_method!r})")
