"""Gradient flow ``dθ/dt = −∇L(θ)`` as a :class:`~attractor.DynamicalSystem`, integrated by attractor.

Gradient descent with step η is the explicit Euler method for this flow with time step η, so
``θ_GD(k)`` should stay close to ``θ_GF(kη)`` while the flow is resolved by that step: while the
sharpness ``λ_max`` stays below ``2/η`` (Euler's stability limit for the stiffest mode). Cohen et al.
(2021, Sec. 3 and App. F) show that GD tracks the flow until the sharpness first reaches 2/η and
departs from it afterwards (edge of stability). :func:`gd_flow_distance` measures this.

The flow is integrated by attractor's own ODE machinery (:func:`attractor.integrate.solve.simulate`:
Dormand–Prince 8(5,3) with error control by default, or fixed-step RK4), the same solvers that
simulate every catalogued flow; the vector field is the objective's gradient.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..core.errors import ValidationError
from ..core.system import DynamicalSystem
from ..core.validation import as_float_array, check_positive_float, check_positive_int
from .model import Objective

__all__ = ["GradientFlowSystem", "gradient_flow_system", "integrate_gradient_flow", "GradientFlowResult",
           "gd_flow_distance"]


class GradientFlowSystem(DynamicalSystem):
    """The gradient flow of an objective: a flow of dimension ``n_params`` with ``rhs = −∇L``.

    ``jacobian`` is ``−H`` assembled from Hessian–vector products (small problems only).
    """

    kind = "flow"

    def __init__(self, objective: Objective, time_scale: float = 1.0):
        self.objective = objective
        self.name = f"gradient flow of {objective.name}"
        self.dimension = objective.n_params
        self.state_names = tuple(f"theta{i}" for i in range(self.dimension))
        self.default_x0 = np.array(objective.theta0)
        self.default_dt = float(time_scale)
        self.metadata = {"description": "gradient flow dθ/dt = -grad L(θ)"}

    def rhs(self, x, t: float = 0.0) -> np.ndarray:
        return -self.objective.grad(np.asarray(x, dtype=float))

    def jacobian(self, x, t: float = 0.0) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return -np.stack([self.objective.hvp(x, e) for e in np.eye(self.dimension)], axis=1)


def gradient_flow_system(objective: Objective, time_scale: float = 1.0) -> GradientFlowSystem:
    """The gradient flow of ``objective`` as a :class:`~attractor.DynamicalSystem`.

    ``time_scale`` becomes the system's ``default_dt`` (use the learning rate: it sets the
    integrators' default step budget per unit time).
    """
    return GradientFlowSystem(objective, check_positive_float(time_scale, "time_scale"))


@dataclass(frozen=True)
class GradientFlowResult:
    """A gradient-flow trajectory.

    Attributes
    ----------
    t : numpy.ndarray
        Times (``t = k η`` matches GD step ``k``).
    params : numpy.ndarray, shape (len(t), n_params)
    loss : numpy.ndarray
        Loss along the flow (non-increasing up to the integration error).
    settings : dict
        Method and tolerances.
    """

    t: np.ndarray
    params: np.ndarray
    loss: np.ndarray
    settings: dict = field(default_factory=dict)


def integrate_gradient_flow(objective: Objective, t_end: float, n_out: int = 101, theta0=None, *,
                            method: str = "dop853", rtol: float = 1e-8, atol: float = 1e-10,
                            step: float | None = None, time_scale: float | None = None) -> GradientFlowResult:
    """Integrate the gradient flow from ``theta0`` over ``[0, t_end]`` with attractor's solvers.

    Parameters
    ----------
    objective : Objective
    t_end : float
        Final time (``n_steps × η`` to compare with ``n_steps`` of GD at learning rate η).
    n_out : int
        Number of equally spaced output times, ``t = linspace(0, t_end, n_out)``.
    theta0 : array_like, optional
    method : {"dop853", "rk45", "rk4"}
        See :meth:`attractor.DynamicalSystem.trajectory`; adaptive methods control the local
        error with ``rtol``/``atol`` (the flow stiffens as the sharpness grows; the adaptive step
        follows it).
    rtol, atol : float
    step : float, optional
        RK4's internal step (choose ``< 2.7/λ_max`` for stability).
    time_scale : float, optional
        The flow's characteristic time (default ``t_end / (n_out − 1)``); sets the automatic step budget.

    Returns
    -------
    GradientFlowResult
    """
    t_end = check_positive_float(t_end, "t_end")
    n_out = check_positive_int(n_out, "n_out", minimum=2)
    dt = t_end / (n_out - 1)
    system = gradient_flow_system(objective, time_scale or dt)
    traj = system.trajectory(n_out, dt=dt, x0=objective._theta(theta0), method=method, rtol=rtol, atol=atol,
                             step=step, max_norm=1e12)
    loss = np.array([objective.loss(p) for p in traj.x])
    return GradientFlowResult(np.asarray(traj.t), np.asarray(traj.x), loss,
                              {"method": method, "rtol": rtol, "atol": atol, "step": step, **traj.metadata})


def gd_flow_distance(gd_params: np.ndarray, flow_params: np.ndarray, theta0=None) -> dict[str, np.ndarray]:
    """Distance between GD iterates and the gradient flow at matching times.

    Parameters
    ----------
    gd_params, flow_params : numpy.ndarray, shape (m, n_params)
        ``θ_GD(k_i)`` and ``θ_GF(k_i η)`` at the same ``m`` times.
    theta0 : array_like, optional
        Common initial parameters (default ``flow_params[0]``).

    Returns
    -------
    dict
        ``"distance"``: ``‖θ_GD − θ_GF‖``; ``"relative"``: that divided by the distance the flow
        has travelled, ``‖θ_GF − θ_0‖`` (0 where it has not moved), the measure used for "GD tracks
        gradient flow"; ``"relative_to_norm"``: divided by ``‖θ_GF‖``.
    """
    a = as_float_array(gd_params, "gd_params", ndim=2)
    b = as_float_array(flow_params, "flow_params", ndim=2)
    if a.shape != b.shape:
        raise ValidationError(f"gd_params {a.shape} and flow_params {b.shape} must have the same (m, n) shape.")
    if a.size == 0:
        raise ValidationError(f"gd_params and flow_params are empty (shape {a.shape}).")
    th0 = b[0] if theta0 is None else as_float_array(theta0, "theta0").reshape(-1)
    d = np.linalg.norm(a - b, axis=1)
    travelled = np.linalg.norm(b - th0, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(travelled > 0, d / travelled, 0.0)
        rel_n = d / np.maximum(np.linalg.norm(b, axis=1), 1e-300)
    return {"distance": d, "relative": rel, "relative_to_norm": rel_n}
