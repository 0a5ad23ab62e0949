"""The JAX boundary: the only module of attractor that imports jax, equinox, diffrax and optax.

Everything else in :mod:`attractor.learn.neural` asks :func:`load` for the namespace on first
use (constructing a model does not import JAX; fitting one does), so ``import attractor``
and ``import attractor.learn`` never pull JAX in.

Precision: :func:`load` enables 64-bit mode (``jax_enable_x64``) before any array is made, so
training, forecasting and the exported ``rhs``/``jacobian`` all run in float64 (the Lyapunov
and fixed-point analyses need float64 Jacobians; training in float64 on the CPU costs about
1.3–2x over float32 for the small MLPs used here, and removes one source of seed-to-seed
irreproducibility). Note that the flag is process-wide: other JAX code in the same process
sees float64 defaults afterwards.
"""
from __future__ import annotations

import types

from ...core.errors import AttractorError

__all__ = ["load", "NeuralExtraMissingError"]

_NS: types.SimpleNamespace | None = None
INSTALL_HINT = 'pip install "attractor[neural]"'


class NeuralExtraMissingError(AttractorError, ImportError):
    """JAX, Equinox, Diffrax or Optax is not installed (the ``neural`` extra)."""


def load() -> types.SimpleNamespace:
    """Import the JAX stack once (float64 enabled) and return it as a namespace.

    Returns
    -------
    types.SimpleNamespace
        Attributes ``jax``, ``jnp``, ``lax``, ``eqx``, ``diffrax``, ``optax``.

    Raises
    ------
    NeuralExtraMissingError
        One of the packages is missing; the message names it and the install command.
    """
    global _NS
    if _NS is not None:
        return _NS
    try:
        import jax

        jax.config.update("jax_enable_x64", True)
        import diffrax
        import equinox as eqx
        import jax.numpy as jnp
        import optax
        from jax import lax
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise NeuralExtraMissingError(
            f"the neural models need JAX, Equinox, Diffrax and Optax ({exc.name or exc} is missing); "
            f"install them with: {INSTALL_HINT}") from exc
    _NS = types.SimpleNamespace(jax=jax, jnp=jnp, lax=lax, eqx=eqx, diffrax=diffrax, optax=optax)
    return _NS
