"""attractor: analyse dynamical systems from observed data.

One idea organises the package: a dynamical system is a value with one interface
(:class:`DynamicalSystem`). The catalogue and every learner *make* one; simulation
and every analysis *read* one.

>>> import attractor
>>> lorenz = attractor.system("lorenz")
>>> traj = lorenz.trajectory(1000, dt=0.01, transient=10)
>>> traj.x.shape
(1000, 3)
"""
from __future__ import annotations

__version__ = "0.1.0"

from .core.errors import (  # noqa: F401
    AttractorError,
    ConvergenceWarning,
    DivergenceError,
    InsufficientDataError,
    IntegrationError,
    ReliabilityWarning,
    StepSizeUnderflowError,
    UnknownParameterError,
    UnknownSystemError,
    ValidationError,
)
from .core.system import DynamicalSystem, SymbolicSystem, Trajectory  # noqa: F401
from .core.symbolic import SymbolicSpec  # noqa: F401
from .systems import system  # noqa: F401
from . import systems  # noqa: F401
from .analysis import *  # noqa: F401,F403
from . import analysis as _analysis

# Heavier layers load on first use, so `import attractor` stays fast.
_LAZY_MODULES = {"learn", "forecast", "metrics", "report", "datasets", "bench", "plotting", "integrate"}
_LAZY_MODULES.add("training")   # dynamics of learning (issue #16)
_LAZY_NAMES = {
    "SINDy": "attractor.learn", "DMD": "attractor.learn", "HankelDMD": "attractor.learn",
    "EDMD": "attractor.learn", "ESN": "attractor.learn", "NGRC": "attractor.learn",
    "KernelFlows": "attractor.learn", "analyze": "attractor.report", "Analysis": "attractor.report",
    "simulate_sde": "attractor.integrate.sde",
    "StochasticSystem": "attractor.core.stochastic", "StochasticSpec": "attractor.core.stochastic",
}
_LAZY_MODULES |= {"training"}  # dynamics of learning (issue #16): attractor.training.*
_LAZY_NAMES.update(LangevinRegression="attractor.learn", kramers_moyal="attractor.learn")  # issue #14
_LAZY_NAMES.update(FlowMatchingForecaster="attractor.learn.neural")  # issue #15 (JAX on first fit)
_LAZY_NAMES.update(Hybrid="attractor.learn")  # hybrid models (issue #17)
_LAZY_NAMES.update(NeuralHybrid="attractor.learn.neural")  # hybrid with a neural remainder (issue #17)


def __getattr__(name: str):
    import importlib

    if name in _LAZY_MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _LAZY_NAMES:
        return getattr(importlib.import_module(_LAZY_NAMES[name]), name)
    raise AttributeError(f"module 'attractor' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _LAZY_MODULES | set(_LAZY_NAMES))


__all__ = [
    "__version__", "DynamicalSystem", "SymbolicSystem", "SymbolicSpec", "Trajectory", "system", "systems",
    "AttractorError", "ValidationError", "InsufficientDataError", "UnknownSystemError", "UnknownParameterError",
    "IntegrationError", "DivergenceError", "StepSizeUnderflowError", "ConvergenceWarning", "ReliabilityWarning",
    *_analysis.__all__, *_LAZY_NAMES,
]
