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

__all__ = [
    "__version__", "DynamicalSystem", "SymbolicSystem", "SymbolicSpec", "Trajectory", "system", "systems",
    "AttractorError", "ValidationError", "InsufficientDataError", "UnknownSystemError", "UnknownParameterError",
    "IntegrationError", "DivergenceError", "StepSizeUnderflowError", "ConvergenceWarning", "ReliabilityWarning",
    *_analysis.__all__,
]
