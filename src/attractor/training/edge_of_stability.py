"""Edge of stability: full-batch GD tracked against 2/η and against its gradient flow.

Cohen, Kaur, Li, Kolter & Talwalkar (ICLR 2021), "Gradient descent on neural networks typically
occurs at the edge of stability": with full-batch GD at learning rate η the sharpness
``λ_max(∇²L)`` first rises (progressive sharpening) until it reaches ``2/η``, then hovers at
``2/η`` while the loss keeps decreasing, non-monotonically, over long times. Before the sharpness
reaches 2/η, GD tracks the gradient flow ``dθ/dt = −∇L`` at ``t = kη``; afterwards it departs.

:func:`run_edge_of_stability` runs GD on an :class:`~attractor.training.Objective`, recording the
loss every step, the sharpness (Lanczos, warm-started from the previous top eigenvector) every
``sharpness_every`` steps, the gradient flow integrated by attractor's ODE solver on the same
loss, and the GD-to-flow distance. :func:`digits_mlp_objective` builds the CPU-sized task of the
demo: a tanh MLP with MSE on a subset of scikit-learn's bundled digits.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from ..core.errors import ValidationError
from ..core.validation import check_positive_float, check_positive_int
from .curvature import hessian_eigenvalues
from .gradient_flow import gd_flow_distance, integrate_gradient_flow
from .model import NonFiniteLossError, Objective, objective_from_jax
from .optimizers import GD

__all__ = ["run_edge_of_stability", "EdgeOfStabilityResult", "digits_mlp_objective"]


@dataclass(frozen=True)
class EdgeOfStabilityResult:
    """A full-batch GD run tracked against the stability threshold 2/η and the gradient flow.

    Attributes
    ----------
    lr : float
        Learning rate η.
    threshold : float
        ``2/η``.
    loss : numpy.ndarray, shape (n_steps + 1,)
        Training loss at every step.
    sharpness_steps, sharpness : numpy.ndarray
        Steps at which λ_max was measured, and its values.
    crossing_step : int or None
        First measured step with ``λ_max ≥ reach · 2/η`` (``None``: never reached).
    median_ratio : float
        Median of ``λ_max / (2/η)`` over the second half of training.
    at_edge : bool
        The sharpness reached 2/η and ``|median_ratio − 1| ≤ 0.1``.
    loss_increases : int
        Steps after ``crossing_step`` at which the loss went up (non-monotone decrease).
    loss_decreased : bool
        The loss at the end is below the loss at ``crossing_step``.
    flow_steps : numpy.ndarray
        GD steps at which the gradient flow was compared (``t = kη``).
    flow_distance : numpy.ndarray
        ``‖θ_GD(k) − θ_GF(kη)‖ / ‖θ_GF(kη) − θ_0‖`` (see :func:`gd_flow_distance`).
    flow_distance_to_norm : numpy.ndarray
        ``‖θ_GD(k) − θ_GF(kη)‖ / ‖θ_GF(kη)‖``.
    flow_loss : numpy.ndarray
        Loss along the flow at ``flow_steps``.
    max_distance_before : float
        Largest relative distance at compared steps ``≤ crossing_step``.
    distance_after : float
        Relative distance at the last compared step (after the crossing).
    departure_step : int or None
        First compared step after the crossing with relative distance above ``flow_tolerance``.
    tracks_flow : bool
        ``max_distance_before < flow_tolerance`` and ``distance_after > flow_tolerance``.
    params : numpy.ndarray
        Final parameters.
    seconds : float
        Wall time of the run.
    settings : dict
    """

    lr: float
    threshold: float
    loss: np.ndarray
    sharpness_steps: np.ndarray
    sharpness: np.ndarray
    crossing_step: int | None
    median_ratio: float
    at_edge: bool
    loss_increases: int
    loss_decreased: bool
    flow_steps: np.ndarray
    flow_distance: np.ndarray
    flow_distance_to_norm: np.ndarray
    flow_loss: np.ndarray
    max_distance_before: float
    distance_after: float
    departure_step: int | None
    tracks_flow: bool
    params: np.ndarray
    seconds: float
    settings: dict = field(default_factory=dict)


def run_edge_of_stability(objective: Objective, lr: float, n_steps: int, theta0=None, *, sharpness_every: int = 10,
                      flow: bool = True, flow_every: int | None = None, flow_steps: int | None = None,
                      flow_tolerance: float = 0.05, reach: float = 1.0, lanczos_tol: float = 1e-3,
                      lanczos_max_iter: int = 30, flow_method: str = "rk45", flow_rtol: float = 1e-6,
                      stop_after_departure: bool = True, seed: int = 0) -> EdgeOfStabilityResult:
    """Run full-batch GD at learning rate ``lr`` and track sharpness, 2/η and the gradient flow.

    Parameters
    ----------
    objective : Objective
    lr : float
        Learning rate η (constant).
    n_steps : int
        GD steps.
    theta0 : array_like, optional
    sharpness_every : int
        Steps between sharpness measurements (Lanczos on the full-batch Hessian, warm-started
        from the previous top eigenvector).
    flow : bool
        Integrate the gradient flow and compare.
    flow_every : int, optional
        Steps between GD-vs-flow comparisons (default ``sharpness_every``).
    flow_steps : int, optional
        The flow is integrated over ``flow_steps × η`` time units (default all ``n_steps``): after
        the crossing, the departure shows once the unstable top-eigenvector component has grown
        (tens to hundreds of steps, often at a loss spike).
    flow_tolerance : float
        Relative distance below which GD counts as tracking the flow (0.05).
    reach : float
        The crossing is the first measurement with ``λ_max ≥ reach × 2/η``.
    lanczos_tol, lanczos_max_iter : float, int
        Lanczos stopping rule per measurement.
    flow_method : {"rk45", "dop853", "rk4"}
        Integrator of :func:`attractor.integrate.solve.simulate` for the flow (adaptive
        Dormand–Prince 5(4) by default: the flow's step is limited by stability, ``h λ_max ≲ 3``,
        so the low-order pair needs the fewest gradients at the accuracy needed here).
    flow_rtol : float
        Relative tolerance of the flow integration (1e-6 gives GD-vs-flow distances to ~1e-5).
    stop_after_departure : bool
        Stop integrating the flow two comparisons after GD has left it (saves most of the cost).
    seed : int
        Seed of the first Lanczos start vector.

    Returns
    -------
    EdgeOfStabilityResult

    Raises
    ------
    TrainingDivergenceError
        GD diverged (the message names the step and the learning rate).
    """
    lr = check_positive_float(lr, "lr")
    n_steps = check_positive_int(n_steps, "n_steps", minimum=4)
    sharpness_every = check_positive_int(sharpness_every, "sharpness_every")
    flow_every = sharpness_every if flow_every is None else check_positive_int(flow_every, "flow_every")
    flow_tolerance = check_positive_float(flow_tolerance, "flow_tolerance")
    reach = check_positive_float(reach, "reach")
    t_start = time.perf_counter()
    gd = GD(lr)
    th0 = objective._theta(theta0)
    theta = th0.copy()
    thr = 2.0 / lr
    losses = np.empty(n_steps + 1)
    s_steps, s_vals = [], []
    saved = {0: th0.copy()}
    v0 = None
    t_sharp = 0.0
    n_hvp = 0
    for k in range(n_steps + 1):
        if k % sharpness_every == 0 or k == n_steps:
            t0 = time.perf_counter()
            er = hessian_eigenvalues(objective, theta, k=1, tol=lanczos_tol, max_iter=lanczos_max_iter, v0=v0,
                                     return_vectors=True, seed=seed, step=k)
            v0 = er.eigenvectors[0]
            s_steps.append(k)
            s_vals.append(er.sharpness)
            n_hvp += er.n_hvp
            t_sharp += time.perf_counter() - t0
        if k % flow_every == 0:
            saved[k] = theta.copy()
        if k == n_steps:
            losses[k] = objective.loss(theta, step=k)
            break
        try:
            theta, losses[k] = gd.step(objective, theta, k)
        except NonFiniteLossError as exc:
            raise gd._diverged(objective, k, lr, losses[:k], theta, str(exc)) from exc
        if not np.all(np.abs(theta) <= 1e8):
            raise gd._diverged(objective, k, lr, losses[:k + 1], theta, "a parameter exceeded 1e8")
    t_gd = time.perf_counter() - t_start - t_sharp
    t_flow0 = time.perf_counter()
    s_steps_a, s_vals_a = np.array(s_steps), np.array(s_vals)
    hit = np.flatnonzero(s_vals_a >= reach * thr)
    crossing = int(s_steps_a[hit[0]]) if hit.size else None
    second = s_steps_a >= n_steps / 2
    median_ratio = float(np.median(s_vals_a[second] / thr))
    at_edge = crossing is not None and abs(median_ratio - 1) <= 0.1
    if crossing is not None:
        after = np.diff(losses[crossing:])
        increases = int(np.sum(after > 0))
        decreased = bool(losses[-1] < losses[crossing])
    else:
        increases, decreased = int(np.sum(np.diff(losses) > 0)), bool(losses[-1] < losses[0])

    f_steps = np.array([], dtype=int)
    rel = rel_n = f_loss = np.array([])
    before = after_d = float("nan")
    tracks = False
    departure = None
    if flow:
        k_end = n_steps if flow_steps is None else min(n_steps, check_positive_int(flow_steps, "flow_steps"))
        grid = np.array(sorted(k for k in saved if k <= k_end))
        # Integrate the flow chunk by chunk (equally spaced outputs every flow_every steps, on attractor's
        # integrator) and stop two comparisons after GD has departed beyond the tolerance: the rest is
        # not needed and the flow stiffens as it sharpens.
        ks, P, Ls = [0], [th0.copy()], [float(losses[0])]
        chunk = 5
        i = 0
        while i < len(grid) - 1:
            j = min(i + chunk, len(grid) - 1)
            res = integrate_gradient_flow(objective, float((grid[j] - grid[i]) * lr), n_out=j - i + 1, theta0=P[-1],
                                method=flow_method, rtol=flow_rtol, atol=flow_rtol * 1e-2, time_scale=lr)
            ks.extend(grid[i + 1:j + 1].tolist())
            P.extend(res.params[1:])
            Ls.extend(res.loss[1:].tolist())
            i = j
            if stop_after_departure and crossing is not None:
                d = gd_flow_distance(np.array([saved[k] for k in ks]), np.array(P), th0)["relative"]
                late = np.flatnonzero((np.array(ks) > crossing) & (d > flow_tolerance))
                if late.size >= 2:
                    break
        f_steps = np.array(ks)
        d = gd_flow_distance(np.array([saved[k] for k in ks]), np.array(P), th0)
        rel, rel_n, f_loss = d["relative"], d["relative_to_norm"], np.array(Ls)
        if crossing is not None:
            pre = f_steps <= crossing
            before = float(np.max(rel[pre])) if pre.any() else float("nan")
            after_d = float(rel[-1])
            late = np.flatnonzero((f_steps > crossing) & (rel > flow_tolerance))
            departure = int(f_steps[late[0]]) if late.size else None
            tracks = bool(before < flow_tolerance < after_d)
        else:
            before = float(np.max(rel))
    timings = {"n_hvp": n_hvp, "gd_s": t_gd, "sharpness_s": t_sharp, "flow_s": time.perf_counter() - t_flow0}
    settings = {"timings": timings, "lr": lr, "n_steps": n_steps, "sharpness_every": sharpness_every,
                "flow_every": flow_every,
                "flow_steps": flow_steps, "flow_tolerance": flow_tolerance, "reach": reach,
                "lanczos_tol": lanczos_tol, "lanczos_max_iter": lanczos_max_iter, "flow_rtol": flow_rtol,
                "flow_method": flow_method, "stop_after_departure": stop_after_departure, "seed": seed}
    return EdgeOfStabilityResult(lr, thr, losses, s_steps_a, s_vals_a, crossing, median_ratio, at_edge, increases,
                                 decreased, f_steps, rel, rel_n, f_loss, before, after_d, departure, tracks, theta,
                                 time.perf_counter() - t_start, settings)


def digits_mlp_objective(n_samples: int = 1000, width: int = 200, depth: int = 2, seed: int = 0,
                         batch_size: int | None = None) -> Objective:
    """The demo task: a tanh MLP with MSE loss on a subset of scikit-learn's digits.

    Inputs are the 8×8 images scaled to [0, 1] and centred; targets are one-hot vectors of the
    10 classes; the loss is ``½ mean_i ‖f(x_i) − y_i‖²`` (Cohen et al. 2021 use the same
    squared loss). Weights are initialised like PyTorch's ``nn.Linear`` (uniform in
    ``±1/√fan_in``), drawn with ``seed``.

    Parameters
    ----------
    n_samples : int
        First ``n_samples`` of a seeded permutation of the 1797 images.
    width, depth : int
        Hidden width and number of hidden layers.
    seed : int
    batch_size : int, optional
        Also state mini-batches of this size (see :func:`~attractor.training.objective_from_jax`).

    Returns
    -------
    Objective
        JAX-backed (exact HVPs).
    """
    from sklearn.datasets import load_digits

    from ..learn.neural._jax import load

    n_samples = check_positive_int(n_samples, "n_samples", minimum=10)
    width = check_positive_int(width, "width")
    depth = check_positive_int(depth, "depth")
    data = load_digits()
    if n_samples > data.data.shape[0]:
        raise ValidationError(f"n_samples must be <= {data.data.shape[0]} (the digits data set); got {n_samples}.")
    rng = np.random.default_rng(seed)
    idx = rng.permutation(data.data.shape[0])[:n_samples]
    X = data.data[idx] / 16.0
    X = X - X.mean(axis=0)
    Y = np.eye(10)[data.target[idx]]
    sizes = [X.shape[1]] + [width] * depth + [10]
    params = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / math.sqrt(a)
        params.append((rng.uniform(-bound, bound, (a, b)), rng.uniform(-bound, bound, b)))
    jnp = load().jnp

    def loss(p, x, y):
        h = x
        for W, c in p[:-1]:
            h = jnp.tanh(h @ W + c)
        W, c = p[-1]
        out = h @ W + c
        return 0.5 * jnp.mean(jnp.sum((out - y) ** 2, axis=1))

    return objective_from_jax(loss, params, (X, Y), seed=seed, batch_size=batch_size,
                              name=f"tanh MLP {sizes} on {n_samples} digits")
