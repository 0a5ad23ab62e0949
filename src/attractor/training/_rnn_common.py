"""One view of a recurrent network for the RNN analyses: single-state step and Jacobian as NumPy
functions (and, for JAX models, batched compiled versions).

Accepted models (:func:`as_network`):

* a :class:`~attractor.DynamicalSystem` — a map ``h -> g(h)`` (discrete RNN) or a flow
  ``dh/dt = f(h)`` (continuous RNN, e.g. :func:`~attractor.training.rate_network`); its own
  ``jacobian`` is used; inputs are not accepted (the system is autonomous by construction).
* a Python callable ``step(h, u) -> h_next`` (discrete, ``kind="map"``) or ``f(h, u) -> dh/dt``
  (``kind="flow"``) on NumPy arrays, with an optional ``jacobian(h, u) -> (N, N)``; without it
  the Jacobian is taken by central differences (relative accuracy ~1e-10).
* a fitted recurrent model of :mod:`attractor.learn.neural` (``GRU``, ``LipschitzRNN``,
  ``NoisyRNN``) or any Equinox module with a method ``step(h, u)`` (e.g. the flip-flop network
  of :func:`~attractor.training.fit_flip_flop`): compiled with JAX, Jacobian by ``jax.jacfwd``,
  and batched over many states with ``jax.vmap`` (fixed-point search).

Every user function is called once up front and its output checked (shape, finiteness), so a wrong
shape is reported by name rather than surfacing as a broadcasting error deep inside a solver.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..core.errors import ValidationError
from ..core.system import DynamicalSystem
from ..core.validation import as_float_array

__all__ = ["Network", "as_network", "check_states"]


@dataclass(frozen=True, eq=False)
class Network:
    """NumPy-facing functions of one recurrent network (internal).

    ``F(h, u)`` is the map (``kind="map"``) or the vector field (``kind="flow"``);
    ``J(h, u)`` its Jacobian with respect to ``h``; ``FB``/``JB`` (optional) the batched versions
    ``(B, N) -> (B, N)`` and ``(B, N) -> (B, N, N)`` (JAX models).
    """

    name: str
    kind: str
    dimension: int | None
    n_inputs: int | None
    F: Callable[[np.ndarray, np.ndarray | None], np.ndarray]
    J: Callable[[np.ndarray, np.ndarray | None], np.ndarray]
    jacobian_kind: str
    backend: str
    FB: Callable | None = None
    JB: Callable | None = None
    F_raw: Callable | None = None    # unchecked versions for hot loops (after one checked call)
    J_raw: Callable | None = None


def _fd_jacobian(F, h, u):
    n = h.shape[0]
    J = np.empty((n, n))
    eps3 = np.finfo(float).eps ** (1 / 3)
    for j in range(n):
        s = eps3 * max(1.0, abs(h[j]))
        hp, hm = h.copy(), h.copy()
        hp[j] += s
        hm[j] -= s
        J[:, j] = (F(hp, u) - F(hm, u)) / (2 * s)
    return J


def _checked(fn: Callable, what: str, name: str, out_shape) -> Callable:
    """Wrap a user function: float64 output of the expected shape, finite, or a clear error."""

    def call(h, u):
        try:
            out = np.asarray(fn(h, u), dtype=float)
        except (TypeError, ValueError) as exc:
            if isinstance(exc, ValidationError):
                raise
            raise ValidationError(f"{name}: the {what} raised {type(exc).__name__}: {exc}") from exc
        shape = out_shape(h)
        if out.shape != shape:
            raise ValidationError(f"{name}: the {what} returned shape {out.shape} for a state of shape {h.shape}; "
                                  f"expected {shape}.")
        if not np.all(np.isfinite(out)):
            raise ValidationError(f"{name}: the {what} returned non-finite values at the state "
                                  f"{np.array2string(h, precision=4, threshold=8)}.")
        return out

    return call


def _is_jax_model(model) -> bool:
    mod = type(model).__module__ or ""
    if mod.startswith(("attractor.learn.neural", "attractor.training")) and hasattr(model, "fit"):
        if not hasattr(model, "model_"):
            raise ValidationError(f"this {type(model).__name__} is not fitted yet; fit it first.")
        return True
    import sys

    eqx = sys.modules.get("equinox")   # an Equinox module exists only if equinox is already imported
    return eqx is not None and isinstance(model, eqx.Module) and callable(getattr(model, "step", None))


def as_network(model: Any, *, jacobian: Callable | None = None, kind: str | None = None,
               name: str | None = None) -> Network:
    """Normalise ``model`` (see the module docstring) into a :class:`Network`."""
    if isinstance(model, DynamicalSystem):
        if jacobian is not None:
            raise ValidationError("jacobian= is for a step function; a DynamicalSystem brings its own jacobian().")
        if kind is not None and kind != model.kind:
            raise ValidationError(f"kind={kind!r} disagrees with the system, which is a {model.kind}.")
        sysname = name or model.name
        fun = model.rhs if model.kind == "flow" else model.step

        # a system's second argument is the time t (iteration index for maps), not an input
        def F(h, t):
            return np.asarray(fun(h, 0.0 if t is None else t), dtype=float)

        def J(h, t):
            return np.asarray(model.jacobian(h, 0.0 if t is None else t), dtype=float)

        jk = "exact" if model.has_exact_jacobian else "finite differences"
        N = model.dimension
        what = "system's step" if model.kind == "map" else "system's rhs"
        return Network(sysname, model.kind, N, None, _checked(F, what, sysname, lambda h: h.shape),
                       _checked(J, "system's jacobian", sysname, lambda h: (h.shape[0], h.shape[0])), jk, "numpy",
                       F_raw=lambda h, t: fun(h, t), J_raw=lambda h, t: model.jacobian(h, t))
    if _is_jax_model(model):
        from ._rnn_jax import jax_network

        if jacobian is not None:
            raise ValidationError("jacobian= is for a NumPy step function; a JAX model is differentiated by "
                                  "jax.jacfwd.")
        return jax_network(model, kind=kind or "map", name=name)
    if callable(model):
        kind = "map" if kind is None else kind
        if kind not in ("map", "flow"):
            raise ValidationError(f"kind must be 'map' (h_next = step(h, u)) or 'flow' (dh/dt = f(h, u)); "
                                  f"got {kind!r}.")
        fname = name or getattr(model, "__name__", "step function")
        what = "step function" if kind == "map" else "vector field"
        F = _checked(model, what, fname, lambda h: h.shape)

        def F_raw(h, u):
            return np.asarray(model(h, u), dtype=float)

        if jacobian is not None:
            if not callable(jacobian):
                raise ValidationError(f"jacobian must be a callable jacobian(h, u) -> (N, N); got "
                                      f"{type(jacobian).__name__}.")
            J = _checked(jacobian, "jacobian", fname, lambda h: (h.shape[0], h.shape[0]))

            def J_raw(h, u):
                return np.asarray(jacobian(h, u), dtype=float)

            jk = "user"
        else:
            def J(h, u):
                return _fd_jacobian(F, h, u)

            def J_raw(h, u):
                return _fd_jacobian(F_raw, h, u)

            jk = "finite differences"
        return Network(fname, kind, None, None, F, J, jk, "numpy", F_raw=F_raw, J_raw=J_raw)
    raise ValidationError(f"model must be a DynamicalSystem, a step function step(h, u), a fitted attractor RNN "
                          f"(GRU, LipschitzRNN, NoisyRNN) or an Equinox module with step(h, u); got "
                          f"{type(model).__name__}.")


def check_states(states, name: str, dimension: int | None) -> np.ndarray:
    """Validate visited/initial states: 2-D (n_states, N) finite floats (a single state is one row)."""
    arr = as_float_array(states, name, ndim=(1, 2, 3))
    if arr.ndim == 3:   # (trials, time, N): visited states of a batch of trials
        arr = arr.reshape(-1, arr.shape[-1])
    if arr.ndim == 1:
        # one state of N units, or (for a one-unit network) a sequence of scalar states
        arr = arr[:, None] if dimension == 1 else arr[None, :]
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValidationError(f"{name} is empty (shape {arr.shape}); give at least one state of the network.")
    if dimension is not None and arr.shape[1] != dimension:
        raise ValidationError(f"{name} has states of length {arr.shape[1]} but the network has {dimension} units.")
    return arr
