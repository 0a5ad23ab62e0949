"""Learn dynamical systems from data: derivatives, feature libraries, SINDy, Koopman/DMD,
reservoir computing (ESN, NGRC) and kernel flows.

Every fitted model can be turned into a :class:`~attractor.DynamicalSystem`
(``SINDy.to_system()`` gives a compiled :class:`~attractor.SymbolicSystem`;
``DMD/HankelDMD/EDMD.to_system()`` give maps), so simulation and every analysis apply.
"""
from .derivatives import *  # noqa: F401,F403
from .libraries import *  # noqa: F401,F403
from .optimizers import *  # noqa: F401,F403
from .sindy import *  # noqa: F401,F403
from .dmd import *  # noqa: F401,F403
from .scores import *  # noqa: F401,F403
from .reservoir import ESN, NGRC  # noqa: F401
from .kernel_flows import KernelFlows, KernelFlowsResult  # noqa: F401
from .flow_matching import FreeFlowMatching  # noqa: F401
from .hybrid import Hybrid, RemainderDiscovery  # noqa: F401
from .stochastic import KramersMoyalResult, LangevinRegression, ResidualCheck, kramers_moyal  # noqa: F401
from . import derivatives as _d, libraries as _l, optimizers as _o, sindy as _s, dmd as _m, scores as _sc

__all__ = [*_d.__all__, *_l.__all__, *_o.__all__, *_s.__all__, *_m.__all__, *_sc.__all__,
           "ESN", "NGRC", "KernelFlows", "KernelFlowsResult",
           "kramers_moyal", "KramersMoyalResult", "LangevinRegression", "ResidualCheck",
           "FreeFlowMatching", "Hybrid", "RemainderDiscovery"]

# Neural learners (JAX) are exported lazily: the classes load without JAX, which is imported on first fit.
_NEURAL = ("NeuralODE", "GRU", "LipschitzRNN", "NoisyRNN")
_NEURAL += ("FlowMatchingForecaster",)   # issue #15
_NEURAL += ("NeuralHybrid",)   # issue #17: hybrid with a neural remainder


def __getattr__(name: str):
    if name in _NEURAL:
        from . import neural

        return getattr(neural, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
