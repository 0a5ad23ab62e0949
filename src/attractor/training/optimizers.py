"""Optimizers as maps on parameter space: GD, heavy ball, Nesterov, Adam, SGD.

An optimizer with hyper-parameters fixed is a (possibly non-autonomous, or random) map
``s_{k+1} = Φ_k(s_k)`` on its state ``s`` — the parameters θ plus any momentum / moment
buffers, stacked in one flat vector of ``n_slots × n_params`` entries. Each class here gives

* :meth:`~_Optimizer.step` — one step of the map (the loss at the current parameters is
  returned too);
* :meth:`~_Optimizer.jvp` — the Jacobian–vector product ``DΦ_k(s) · u`` of one step, matrix-free
  (one Hessian–vector product of the loss per tangent vector);
* :meth:`~_Optimizer.run` — a training run with divergence detection naming the step;
* :meth:`~_Optimizer.to_system` — the map as an :class:`attractor.DynamicalSystem`, so every
  analysis of the toolkit reads it (its ``jacobian`` is assembled column by column from JVPs).

Stability of a minimum θ* (Hessian ``H`` with top eigenvalue λ_max; Cohen et al. 2021, Sec. 2 and
App. B): linearised per eigen-direction, the map is stable iff

* GD: ``η λ_max < 2``;
* heavy ball (``v ← βv − η g``, ``θ ← θ + v``): ``η λ_max < 2 + 2β``;
* Nesterov (gradient at ``θ + βv``): ``η λ_max < (2 + 2β) / (1 + 2β)``;
* Adam with the preconditioner ``P = diag(√ŝ + ε)`` frozen: the preconditioned sharpness
  ``λ_max(P⁻¹H) < (2 + 2β₁) / ((1 − β₁) η)`` (38/η for β₁ = 0.9; Cohen et al. 2022).

:func:`linear_stability` computes these with Lanczos; :func:`training_lyapunov` estimates
Lyapunov exponents of a training trajectory by QR re-orthonormalisation of JVP-propagated
tangent vectors (Benettin et al. 1980; Shimada & Nagashima 1979), never forming a Jacobian.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..core.errors import ValidationError
from ..core.system import DynamicalSystem
from ..core.validation import check_nonnegative_int, check_positive_float, check_positive_int
from .model import NonFiniteLossError, Objective, TrainingDivergenceError

__all__ = ["GD", "HeavyBall", "Nesterov", "Adam", "SGD", "OptimizerRun", "linear_stability", "StabilityResult",
           "training_lyapunov", "TrainingLyapunovResult", "TrainingDivergenceError"]


def _check_beta(value, name: str) -> float:
    v = check_positive_float(value, name, allow_zero=True)
    if v >= 1.0:
        raise ValidationError(f"{name} must be in [0, 1); got {value!r}.")
    return v


@dataclass(frozen=True)
class OptimizerRun:
    """A recorded optimizer run.

    Attributes
    ----------
    steps : numpy.ndarray
        Step index of each recorded state (0 = initial).
    params : numpy.ndarray, shape (n_recorded, n_params)
        Parameters at the recorded steps.
    loss : numpy.ndarray, shape (n_steps + 1,)
        Loss at the parameters before each step and after the last one (every step).
    lr : numpy.ndarray, shape (n_steps,)
        Learning rate used at each step.
    state : numpy.ndarray
        Final optimizer state (parameters and buffers).
    optimizer : str
    settings : dict
    """

    steps: np.ndarray
    params: np.ndarray
    loss: np.ndarray
    lr: np.ndarray
    state: np.ndarray
    optimizer: str
    settings: dict = field(default_factory=dict)


class _Optimizer:
    """Common machinery: learning-rate schedule, state layout, runs, the DynamicalSystem view."""

    n_slots = 1
    name = "optimizer"

    def __init__(self, lr: float | Callable[[int], float]):
        self.lr = lr

    # ---------------------------------------------------------------- schedule
    def lr_at(self, k: int) -> float:
        """Learning rate at step ``k`` (0-based); a schedule's output is checked."""
        if callable(self.lr):
            try:
                v = float(self.lr(int(k)))
            except (TypeError, ValueError) as exc:
                raise ValidationError(f"the learning-rate schedule failed at step {k}: {exc}") from exc
            if not math.isfinite(v) or v <= 0:
                raise ValidationError(f"the learning-rate schedule returned {v!r} at step {k}; it must be finite "
                                      "and > 0.")
            return v
        return check_positive_float(self.lr, "lr")

    def _hyper(self) -> dict:
        return {k: v for k, v in vars(self).items() if not callable(v)} | (
            {"lr": "schedule"} if callable(self.lr) else {})

    # ---------------------------------------------------------------- state
    def init(self, theta) -> np.ndarray:
        """Initial state: the parameters followed by zeroed buffers."""
        th = np.asarray(theta, dtype=float).reshape(-1)
        return np.concatenate([th, np.zeros((self.n_slots - 1) * th.size)])

    def params(self, state: np.ndarray) -> np.ndarray:
        """The parameters part of a state."""
        n = state.size // self.n_slots
        return state[:n]

    def step(self, objective: Objective, state: np.ndarray, k: int) -> tuple[np.ndarray, float]:
        """One step ``s_{k+1} = Φ_k(s_k)``; returns the new state and the loss at ``θ_k``."""
        raise NotImplementedError

    def jvp(self, objective: Objective, state: np.ndarray, k: int, tangent: np.ndarray) -> np.ndarray:
        """``DΦ_k(s) · u``: the derivative of one step along ``u`` (one HVP)."""
        raise NotImplementedError

    def threshold(self, k: int = 0) -> float:
        """Largest (preconditioned) sharpness for which a minimum is linearly stable at step ``k``."""
        raise NotImplementedError

    def _multiplier(self, lam: float, k: int = 0) -> float:
        """Spectral radius of the linearised step on the eigen-direction with curvature ``lam``."""
        raise NotImplementedError

    def _batch(self, k: int) -> int | None:
        return None

    # ---------------------------------------------------------------- runs
    def run(self, objective: Objective, n_steps: int, theta0=None, *, record_every: int = 1,
            max_norm: float = 1e8) -> OptimizerRun:
        """Train for ``n_steps`` steps from ``theta0`` (default ``objective.theta0``).

        Raises
        ------
        TrainingDivergenceError
            The loss became non-finite or a parameter exceeded ``max_norm``; the message names
            the step, its learning rate and the loss history just before, and (when it can be
            computed at the last finite parameters) ``η λ_max`` against the stability limit.
        """
        n_steps = check_positive_int(n_steps, "n_steps")
        record_every = check_positive_int(record_every, "record_every")
        max_norm = check_positive_float(max_norm, "max_norm")
        state = self.init(objective._theta(theta0))
        losses = np.empty(n_steps + 1)
        lrs = np.empty(n_steps)
        rec_steps, rec = [0], [self.params(state).copy()]
        for k in range(n_steps):
            lrs[k] = self.lr_at(k)
            prev = state
            try:
                state, losses[k] = self.step(objective, state, k)
            except NonFiniteLossError as exc:
                raise self._diverged(objective, k, lrs[k], losses[:k], prev, str(exc)) from exc
            if not np.all(np.abs(state) <= max_norm):
                raise self._diverged(objective, k, lrs[k], losses[:k + 1], prev,
                                     f"a parameter or buffer exceeded max_norm = {max_norm:g}")
            if (k + 1) % record_every == 0:
                rec_steps.append(k + 1)
                rec.append(self.params(state).copy())
        try:
            losses[n_steps] = objective.loss(self.params(state), self._batch(n_steps), step=n_steps)
        except NonFiniteLossError as exc:
            raise self._diverged(objective, n_steps - 1, lrs[-1], losses[:n_steps], state, str(exc)) from exc
        return OptimizerRun(np.array(rec_steps), np.array(rec), losses, lrs, state, self.name,
                            {"n_steps": n_steps, "record_every": record_every, **self._hyper()})

    def _diverged(self, objective, k, lr, losses, last_state, why) -> TrainingDivergenceError:
        tail = ", ".join(f"{v:.4g}" for v in losses[-5:]) if len(losses) else "(none)"
        extra = ""
        try:
            from .curvature import hessian_eigenvalues

            lam = hessian_eigenvalues(objective, self.params(last_state), k=1, max_iter=30, tol=1e-3).sharpness
            thr = self.threshold(k)
            extra = (f" At the last finite parameters the sharpness is {lam:.4g}: "
                     f"{lam / thr:.3g} x the stability limit {thr:.4g} of {self.name} at this learning rate.")
        except Exception:  # noqa: BLE001 - the diagnosis is optional; the divergence error is what matters
            pass
        return TrainingDivergenceError(
            f"{self.name} training diverged at step {k} (learning rate {lr:.4g}): {why.rstrip('.')}. "
            "Losses of the last steps: "
            f"{tail}.{extra} Lower the learning rate or shorten the schedule's growth.",
            step=k, lr=float(lr), loss=float(losses[-1]) if len(losses) else float("nan"))

    def to_system(self, objective: Objective, x0=None) -> "OptimizerMap":
        """This optimizer on ``objective`` as a :class:`~attractor.DynamicalSystem` (a map)."""
        return OptimizerMap(self, objective, x0)


class OptimizerMap(DynamicalSystem):
    """An optimizer on a fixed objective as a map (``t`` is the step index, so schedules and
    Adam's bias correction make it non-autonomous). ``jacobian`` is exact, built from JVPs."""

    kind = "map"

    def __init__(self, optimizer: _Optimizer, objective: Objective, x0=None):
        self.optimizer, self.objective = optimizer, objective
        self.name = f"{optimizer.name} on {objective.name}"
        self.dimension = optimizer.n_slots * objective.n_params
        self.state_names = tuple(f"s{i}" for i in range(self.dimension))
        self.default_x0 = optimizer.init(objective.theta0 if x0 is None else x0)
        self.default_dt = 1.0
        self.metadata = {"non_autonomous": callable(optimizer.lr) or isinstance(optimizer, (Adam, SGD))}

    def step(self, x, t: float = 0.0) -> np.ndarray:
        return self.optimizer.step(self.objective, np.asarray(x, dtype=float), int(t))[0]

    def jacobian(self, x, t: float = 0.0) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        eye = np.eye(self.dimension)
        return np.stack([self.optimizer.jvp(self.objective, x, int(t), e) for e in eye], axis=1)


# --------------------------------------------------------------------------- the optimizers
class GD(_Optimizer):
    """Full-batch gradient descent ``θ ← θ − η ∇L(θ)``.

    Parameters
    ----------
    lr : float or callable
        Learning rate η, or a schedule ``k -> η_k``.
    """

    name = "GD"

    def step(self, objective, state, k):
        L, g = objective.value_and_grad(state, self._batch(k), step=k)
        return state - self.lr_at(k) * g, L

    def jvp(self, objective, state, k, tangent):
        return tangent - self.lr_at(k) * objective.hvp(state, tangent, self._batch(k), step=k)

    def threshold(self, k=0):
        return 2.0 / self.lr_at(k)

    def _multiplier(self, lam, k=0):
        return abs(1.0 - self.lr_at(k) * lam)


class SGD(GD):
    """Stochastic gradient descent on the objective's stated batches: a random map.

    Step ``k`` uses batch ``π_e(k mod B)`` where ``e = k // B`` is the epoch and ``π_e`` a
    permutation of the ``B`` batches drawn from ``seed`` and ``e`` (same seed, same sequence).

    Parameters
    ----------
    lr : float or callable
    seed : int
    """

    name = "SGD"

    def __init__(self, lr: float | Callable[[int], float], seed: int = 0):
        super().__init__(lr)
        self.seed = seed
        self._n_batches: int | None = None

    def _batch(self, k):
        nb = self._n_batches
        e, i = divmod(int(k), nb)
        return int(np.random.default_rng([self.seed, e]).permutation(nb)[i])

    def _bind(self, objective):
        if objective.n_batches is None:
            raise ValidationError(f"SGD needs stated batches; {objective.name} has none (pass batch_size=...).")
        self._n_batches = objective.n_batches

    def step(self, objective, state, k):
        self._bind(objective)
        return super().step(objective, state, k)

    def jvp(self, objective, state, k, tangent):
        self._bind(objective)
        return super().jvp(objective, state, k, tangent)

    def run(self, objective, n_steps, theta0=None, **kw):
        self._bind(objective)
        return super().run(objective, n_steps, theta0, **kw)

    def batch_at(self, k: int, objective: Objective) -> int:
        """Index of the batch used at step ``k``."""
        self._bind(objective)
        return self._batch(k)


class HeavyBall(_Optimizer):
    """Polyak heavy-ball momentum: ``v ← β v − η ∇L(θ)``, ``θ ← θ + v``; state ``(θ, v)``.

    Parameters
    ----------
    lr : float or callable
    beta : float in [0, 1)
    """

    n_slots = 2
    name = "heavy ball"

    def __init__(self, lr: float | Callable[[int], float], beta: float = 0.9):
        super().__init__(lr)
        self.beta = _check_beta(beta, "beta")

    def step(self, objective, state, k):
        n = state.size // 2
        th, v = state[:n], state[n:]
        L, g = objective.value_and_grad(th, step=k)
        v = self.beta * v - self.lr_at(k) * g
        return np.concatenate([th + v, v]), L

    def jvp(self, objective, state, k, tangent):
        n = state.size // 2
        u, w = tangent[:n], tangent[n:]
        dv = self.beta * w - self.lr_at(k) * objective.hvp(state[:n], u, step=k)
        return np.concatenate([u + dv, dv])

    def threshold(self, k=0):
        return (2.0 + 2.0 * self.beta) / self.lr_at(k)

    def _multiplier(self, lam, k=0):
        a = 1.0 + self.beta - self.lr_at(k) * lam
        return float(np.max(np.abs(np.roots([1.0, -a, self.beta]))))


class Nesterov(_Optimizer):
    """Nesterov momentum: ``y = θ + β v``, ``v ← β v − η ∇L(y)``, ``θ ← θ + v``; state ``(θ, v)``.

    The recorded loss is at ``θ`` (one extra loss evaluation per step).

    Parameters
    ----------
    lr : float or callable
    beta : float in [0, 1)
    """

    n_slots = 2
    name = "Nesterov"

    def __init__(self, lr: float | Callable[[int], float], beta: float = 0.9):
        super().__init__(lr)
        self.beta = _check_beta(beta, "beta")

    def step(self, objective, state, k):
        n = state.size // 2
        th, v = state[:n], state[n:]
        L = objective.loss(th, step=k)
        g = objective.grad(th + self.beta * v, step=k)
        v = self.beta * v - self.lr_at(k) * g
        return np.concatenate([th + v, v]), L

    def jvp(self, objective, state, k, tangent):
        n = state.size // 2
        th, v = state[:n], state[n:]
        u, w = tangent[:n], tangent[n:]
        dv = self.beta * w - self.lr_at(k) * objective.hvp(th + self.beta * v, u + self.beta * w, step=k)
        return np.concatenate([u + dv, dv])

    def threshold(self, k=0):
        return (2.0 + 2.0 * self.beta) / ((1.0 + 2.0 * self.beta) * self.lr_at(k))

    def _multiplier(self, lam, k=0):
        a = 1.0 - self.lr_at(k) * lam
        return float(np.max(np.abs(np.roots([1.0, -a * (1.0 + self.beta), a * self.beta]))))


class Adam(_Optimizer):
    """Adam (Kingma & Ba 2015): state ``(θ, m, s)``, step ``k`` (0-based) uses ``t = k + 1``::

        m ← β₁ m + (1 − β₁) g,   s ← β₂ s + (1 − β₂) g²,
        θ ← θ − η m̂ / (√ŝ + ε),  m̂ = m / (1 − β₁ᵗ),  ŝ = s / (1 − β₂ᵗ).

    A non-autonomous map through the bias corrections.

    Parameters
    ----------
    lr : float or callable
    beta1, beta2 : float in [0, 1)
    eps : float > 0
    """

    n_slots = 3
    name = "Adam"

    def __init__(self, lr: float | Callable[[int], float] = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        super().__init__(lr)
        self.beta1 = _check_beta(beta1, "beta1")
        self.beta2 = _check_beta(beta2, "beta2")
        self.eps = check_positive_float(eps, "eps")

    def _moments(self, m, s, g, k):
        t = k + 1
        m = self.beta1 * m + (1 - self.beta1) * g
        s = self.beta2 * s + (1 - self.beta2) * g * g
        return m, s, m / (1 - self.beta1 ** t), s / (1 - self.beta2 ** t)

    def step(self, objective, state, k):
        n = state.size // 3
        th, m, s = state[:n], state[n:2 * n], state[2 * n:]
        L, g = objective.value_and_grad(th, step=k)
        m, s, mh, sh = self._moments(m, s, g, k)
        th = th - self.lr_at(k) * mh / (np.sqrt(sh) + self.eps)
        return np.concatenate([th, m, s]), L

    def jvp(self, objective, state, k, tangent):
        n = state.size // 3
        th, m, s = state[:n], state[n:2 * n], state[2 * n:]
        u, dm, ds = tangent[:n], tangent[n:2 * n], tangent[2 * n:]
        g = objective.grad(th, step=k)
        dg = objective.hvp(th, u, step=k)
        t = k + 1
        m1, s1, mh, sh = self._moments(m, s, g, k)
        dm1 = self.beta1 * dm + (1 - self.beta1) * dg
        ds1 = self.beta2 * ds + 2 * (1 - self.beta2) * g * dg
        dmh, dsh = dm1 / (1 - self.beta1 ** t), ds1 / (1 - self.beta2 ** t)
        r = np.sqrt(sh)
        with np.errstate(divide="ignore", invalid="ignore"):
            dr = np.where(r > 0, dsh / (2 * r), 0.0)
        dth = u - self.lr_at(k) * (dmh / (r + self.eps) - mh * dr / (r + self.eps) ** 2)
        return np.concatenate([dth, dm1, ds1])

    def preconditioner(self, state: np.ndarray, k: int) -> np.ndarray:
        """Diagonal ``P = √ŝ + ε`` of the step after ``k`` steps (state after step ``k − 1``)."""
        n = state.size // 3
        t = max(k, 1)
        return np.sqrt(state[2 * n:] / (1 - self.beta2 ** t)) + self.eps

    def threshold(self, k=0):
        return (2.0 + 2.0 * self.beta1) / ((1.0 - self.beta1) * self.lr_at(k))

    def _multiplier(self, lam, k=0):
        a = 1.0 + self.beta1 - self.lr_at(k) * (1 - self.beta1) * lam
        return float(np.max(np.abs(np.roots([1.0, -a, self.beta1]))))


# --------------------------------------------------------------------------- stability of a minimum
@dataclass(frozen=True)
class StabilityResult:
    """Linear stability of a minimum under an optimizer.

    Attributes
    ----------
    sharpness : float
        λ_max of the Hessian (of ``P^{-1/2} H P^{-1/2}``, the preconditioned Hessian, for Adam).
    threshold : float
        Largest stable sharpness at this learning rate (2/η for GD, see the module docstring).
    ratio : float
        ``sharpness / threshold``: below 1 stable, above 1 unstable.
    stable : bool
        ``ratio < 1`` and the smallest eigenvalue is not negative (a saddle is never stable).
    multiplier : float
        Spectral radius of the linearised step along the top eigenvector (``|1 − ηλ|`` for GD);
        ``log(multiplier)`` is the local Lyapunov exponent of the optimizer map there.
    min_eigenvalue : float
        Smallest Hessian eigenvalue (Lanczos).
    optimizer : str
    settings : dict
    """

    sharpness: float
    threshold: float
    ratio: float
    stable: bool
    multiplier: float
    min_eigenvalue: float
    optimizer: str
    settings: dict = field(default_factory=dict)


def linear_stability(optimizer: _Optimizer, objective: Objective, theta=None, *, state=None, step: int = 0,
                     tol: float = 1e-8, seed: int = 0) -> StabilityResult:
    """Is the minimum at ``theta`` linearly stable for ``optimizer``? (Cohen et al. 2021, 2022).

    Parameters
    ----------
    optimizer : GD, SGD, HeavyBall, Nesterov or Adam
    objective : Objective
    theta : array_like, optional
        The minimum (default ``objective.theta0``).
    state : array_like, optional
        Adam only: the optimizer state whose second-moment buffer defines the preconditioner
        (required for Adam).
    step : int
        Step index for the learning-rate schedule (and Adam's bias correction).
    tol, seed :
        Lanczos tolerance and start-vector seed.

    Returns
    -------
    StabilityResult
    """
    from .curvature import hessian_eigenvalues

    step = check_nonnegative_int(step, "step")
    th = objective._theta(theta)
    if isinstance(optimizer, Adam):
        if state is None:
            raise ValidationError("Adam's stability depends on its preconditioner: pass state= (e.g. run(...).state).")
        st = np.asarray(state, dtype=float).reshape(-1)
        if st.size != 3 * th.size:
            raise ValidationError(f"state has {st.size} entries; Adam's state has {3 * th.size}.")
        p_inv_sqrt = 1.0 / np.sqrt(optimizer.preconditioner(st, step))

        class _Pre:
            n_params, name, n_batches = th.size, objective.name + " (preconditioned)", None

            @staticmethod
            def _theta(t):
                return th

            @staticmethod
            def _batch(b):
                return None

            @staticmethod
            def hvp(t, v, b=None, step=None):
                return p_inv_sqrt * objective.hvp(th, p_inv_sqrt * v, step=step)

        target = _Pre()
    else:
        target = objective
    top = hessian_eigenvalues(target, th, k=1, tol=tol, seed=seed)
    lam = top.sharpness
    neg = _min_eigenvalue(target, th, tol, seed)
    thr = optimizer.threshold(step)
    ratio = lam / thr
    return StabilityResult(lam, thr, ratio, bool(ratio < 1 and neg >= -1e-8 * abs(lam)),
                           optimizer._multiplier(lam, step), neg, optimizer.name,
                           {"step": step, "lr": optimizer.lr_at(step), "tol": tol, "seed": seed})


def _min_eigenvalue(target, th, tol, seed) -> float:
    from .curvature import hessian_eigenvalues

    class _Neg:
        n_params, name, n_batches = target.n_params, target.name, None

        @staticmethod
        def _theta(t):
            return th

        @staticmethod
        def _batch(b):
            return None

        @staticmethod
        def hvp(t, v, b=None, step=None):
            return -target.hvp(th, v, None)

    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return -hessian_eigenvalues(_Neg(), th, k=1, tol=max(tol, 1e-6), seed=seed).sharpness


# --------------------------------------------------------------------------- Lyapunov exponents
@dataclass(frozen=True)
class TrainingLyapunovResult:
    """Lyapunov exponents of an optimizer's trajectory (per step, natural log).

    Attributes
    ----------
    exponents : numpy.ndarray, shape (k,)
        The ``k`` largest exponents, descending (units: 1/step).
    stderr : numpy.ndarray, shape (k,)
        Standard error from ``n_blocks`` block means of the local exponents.
    running : numpy.ndarray, shape (n_renorm, k)
        Running averages after each renormalisation (the convergence curve).
    local : numpy.ndarray, shape (n_renorm, k)
        ``log |R_ii| / renorm_every`` of each interval.
    final_state : numpy.ndarray
    n_hvp : int
    reliable : bool
    settings : dict
    """

    exponents: np.ndarray
    stderr: np.ndarray
    running: np.ndarray
    local: np.ndarray
    final_state: np.ndarray
    n_hvp: int
    reliable: bool
    settings: dict = field(default_factory=dict)


def training_lyapunov(optimizer: _Optimizer, objective: Objective, n_steps: int, theta0=None, *,
                      n_exponents: int = 1, transient: int = 0, renorm_every: int = 1, n_blocks: int = 10,
                      seed: int = 0) -> TrainingLyapunovResult:
    """Largest Lyapunov exponents of a training run, by QR on JVP-propagated tangent vectors.

    ``k`` orthonormal tangent vectors in the optimizer's state space are carried by
    :meth:`jvp` (``k`` HVPs per step, no Jacobian is formed) and re-orthonormalised by QR every
    ``renorm_every`` steps; the exponents are the averages of ``log |R_ii|`` per step.
    A positive largest exponent means nearby initialisations separate (chaotic training, as at
    the edge of stability); negative means they contract (e.g. ``log|1 − ηλ|`` near a minimum).

    Parameters
    ----------
    optimizer : GD, SGD, HeavyBall, Nesterov or Adam
    objective : Objective
    n_steps : int
        Steps averaged over (after ``transient``).
    theta0 : array_like, optional
    n_exponents : int
    transient : int
        Steps run first (tangent vectors evolved and re-orthonormalised, nothing accumulated).
    renorm_every : int
    n_blocks : int
        Blocks for the standard error.
    seed : int
        Seed of the initial tangent vectors.

    Returns
    -------
    TrainingLyapunovResult
    """
    n_steps = check_positive_int(n_steps, "n_steps")
    k = check_positive_int(n_exponents, "n_exponents")
    transient = check_nonnegative_int(transient, "transient")
    renorm_every = check_positive_int(renorm_every, "renorm_every")
    n_blocks = check_positive_int(n_blocks, "n_blocks", minimum=2)
    state = optimizer.init(objective._theta(theta0))
    dim = state.size
    if k > dim:
        raise ValidationError(f"n_exponents = {k} exceeds the state dimension {dim}.")
    n_renorm = n_steps // renorm_every
    if n_renorm < n_blocks:
        raise ValidationError(f"n_steps / renorm_every = {n_renorm} renormalisations; need at least n_blocks = "
                              f"{n_blocks}.")
    rng = np.random.default_rng(seed)
    Qm, _ = np.linalg.qr(rng.standard_normal((dim, k)))
    local = np.empty((n_renorm, k))
    total = transient + n_renorm * renorm_every
    r = 0
    for s in range(total):
        Qm = np.stack([optimizer.jvp(objective, state, s, Qm[:, j]) for j in range(k)], axis=1)
        try:
            state, _ = optimizer.step(objective, state, s)
        except NonFiniteLossError as exc:
            raise optimizer._diverged(objective, s, optimizer.lr_at(s), np.array([]), state, str(exc)) from exc
        if (s + 1) % renorm_every == 0:
            Qm, R = np.linalg.qr(Qm)
            d = np.abs(np.diag(R))
            if s >= transient:
                with np.errstate(divide="ignore"):
                    local[r] = np.log(d) / renorm_every
                r += 1
    exps = local.mean(axis=0)
    blocks = np.array_split(local, n_blocks)
    bm = np.array([b.mean(axis=0) for b in blocks])
    se = bm.std(axis=0, ddof=1) / math.sqrt(n_blocks)
    running = np.cumsum(local, axis=0) / np.arange(1, n_renorm + 1)[:, None]
    order = np.argsort(exps)[::-1]
    reliable = bool(np.all(np.isfinite(exps)))
    return TrainingLyapunovResult(exps[order], se[order], running[:, order], local[:, order], state,
                                  n_renorm * renorm_every * k, reliable,
                                  {"n_steps": n_steps, "n_exponents": k, "transient": transient,
                                   "renorm_every": renorm_every, "n_blocks": n_blocks, "seed": seed,
                                   "optimizer": optimizer.name, **optimizer._hyper()})
