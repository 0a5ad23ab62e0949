"""Neural dynamical models on JAX: neural ODEs and recurrent networks that are DynamicalSystems.

* :class:`NeuralODE` — MLP vector field, derivative matching then trajectory matching (Diffrax).
* :class:`ElmanRNN` — plain tanh recurrent network (Elman 1990), the unstructured baseline.
* :class:`GRU` — gated recurrent baseline (Cho et al. 2014).
* :class:`LipschitzRNN` — continuous-time RNN with the stability-controlled linear part
  ``A_β,γ`` (Erichson et al., ICLR 2021).
* :class:`NoisyRNN` — Lipschitz RNN trained with additive and multiplicative noise injected in
  the hidden dynamics (Lim et al., NeurIPS 2021); deterministic at test time.
* :class:`NeuralHybrid` — known physics with unknown parameters plus an MLP remainder (universal
  differential equations, Rackauckas et al. 2020), fitted through Diffrax adjoints.
* :class:`FlowMatchingForecaster` — conditional flow matching (Lipman et al. 2023) of
  p(next samples | past window); ensembles by an ODE solve in flow time.

Every fitted model has ``forecast(history, horizon)`` and ``to_system()`` (a
:class:`~attractor.DynamicalSystem` with an exact Jacobian from ``jax.jacfwd``).

JAX, Equinox, Diffrax and Optax (the ``neural`` extra: ``pip install "attractor[neural]"``) are
imported on first fit, never by ``import attractor``; only :mod:`._jax` imports them.
"""
from __future__ import annotations

from ._base import LearnedSystem, TrainingDivergenceError
from ._jax import NeuralExtraMissingError   # defining module of the error; JAX itself loads on first fit

__all__ = ["NeuralODE", "ElmanRNN", "GRU", "LipschitzRNN", "NoisyRNN", "TrainingDivergenceError",
           "NeuralExtraMissingError", "LearnedSystem", "FlowMatchingForecaster", "NeuralHybrid"]

_LAZY = {"NeuralODE": ".node", "ElmanRNN": ".rnn", "GRU": ".rnn", "LipschitzRNN": ".rnn", "NoisyRNN": ".rnn"}
_LAZY["FlowMatchingForecaster"] = ".flow_matching"   # conditional flow matching (issue #15)
_LAZY["NeuralHybrid"] = ".hybrid"   # known physics + neural remainder (issue #17)


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
