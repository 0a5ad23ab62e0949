"""Dynamics of learning: learning algorithms read as dynamical systems.

* Models and losses as inputs (:mod:`.model`): an :class:`Objective` holds a loss on a flat
  float64 parameter vector with its gradient and Hessian-vector product (HVP); made from JAX /
  Equinox code (exact gradients, HVP by forward-over-reverse) or from any NumPy-in/NumPy-out
  functions (a finite-difference check guards a user-supplied HVP).
* Curvature (:mod:`.curvature`): top-k Hessian eigenvalues by Lanczos, Hutchinson trace with
  its standard error, spectral density by stochastic Lanczos quadrature; full batch or
  averaged over stated batches.
* Optimizers as maps (:mod:`.optimizers`): GD, heavy ball, Nesterov, Adam, SGD with JVPs of
  one step, linear stability of a minimum, Lyapunov exponents of a training trajectory.
* Gradient flow (:mod:`.gradient_flow`) integrated by attractor's own ODE solvers, and the
  edge-of-stability runner (:mod:`.edge_of_stability`).
* RNN fixed and slow points and Lyapunov spectra of rate networks (part B of issue #16).

Nothing here imports JAX at import time: only :mod:`attractor.learn.neural._jax` does, on first
use of a JAX-backed objective.
"""
from __future__ import annotations

import importlib

# Optimizer dynamics and curvature (issue #16, part A).
_LAZY_OPT = {
    "Objective": ".model", "objective_from_functions": ".model", "objective_from_jax": ".model",
    "check_hvp": ".model", "HVPMismatchError": ".model", "NonFiniteLossError": ".model",
    "NotDifferentiableError": ".model",
    "hessian_eigenvalues": ".curvature", "hessian_trace": ".curvature", "hessian_density": ".curvature",
    "HessianEigenResult": ".curvature", "HessianTraceResult": ".curvature", "HessianDensityResult": ".curvature",
    "GD": ".optimizers", "HeavyBall": ".optimizers", "Nesterov": ".optimizers", "Adam": ".optimizers",
    "SGD": ".optimizers", "linear_stability": ".optimizers", "StabilityResult": ".optimizers",
    "training_lyapunov": ".optimizers", "TrainingLyapunovResult": ".optimizers",
    "TrainingDivergenceError": ".optimizers",
    "integrate_gradient_flow": ".gradient_flow", "gradient_flow_system": ".gradient_flow",
    "GradientFlowResult": ".gradient_flow", "gd_flow_distance": ".gradient_flow",
    "run_edge_of_stability": ".edge_of_stability", "EdgeOfStabilityResult": ".edge_of_stability",
    "digits_mlp_objective": ".edge_of_stability", "GradientFlowSystem": ".gradient_flow",
    "OptimizerRun": ".optimizers", "OptimizerMap": ".optimizers", "check_gradient": ".model",
}

# RNN fixed points and Lyapunov spectra (issue #16, part B): add names here.
_LAZY_RNN: dict[str, str] = {
    "rate_network": ".network_lyapunov", "RateNetwork": ".network_lyapunov",
    "network_lyapunov_spectrum": ".network_lyapunov",
    "rnn_fixed_points": ".fixed_points", "RNNFixedPointsResult": ".fixed_points",
    "classify_fixed_point": ".fixed_points", "flip_flop_task": ".flip_flop", "TanhRNN": ".flip_flop",
    "plot_fixed_points": ".plots", "plot_fixed_point_eigenvalues": ".plots", "plot_network_spectrum": ".plots",
}

_LAZY = {**_LAZY_OPT, **_LAZY_RNN}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
