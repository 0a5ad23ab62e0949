"""Compiled mini-batch training loop shared by the neural learners (inside the JAX boundary).

One epoch is one compiled call: a seeded permutation of the training examples, cut into
``n_batches`` batches of ``batch_size`` (the remainder is dropped; with fewer examples than
``batch_size`` one full batch), and a ``lax.scan`` of Adam steps over them. The epoch
function is compiled once (``eqx.filter_jit``) and reused; the Python loop only checks the
epoch loss for finiteness, so a diverging run stops in the epoch it diverged.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from ._base import TrainingDivergenceError
from ._jax import load

__all__ = ["train"]


@functools.lru_cache(maxsize=16)
def _optimizer(grad_clip: float | None):
    """Adam direction (optionally after global-norm clipping); the step size is applied in the
    compiled epoch from dynamic arguments, so fits with other learning rates or epoch counts
    reuse the compiled code. Cached so equal settings give the same (hashable) object."""
    optax = load().optax
    parts = [optax.clip_by_global_norm(grad_clip)] if grad_clip else []
    return optax.chain(*parts, optax.scale_by_adam())


_ALPHA = 0.02   # cosine decay floor: the final step size is 2 % of the initial one


def _make_epoch():
    ns = load()
    jax, jnp, eqx, lax, optax = ns.jax, ns.jnp, ns.eqx, ns.lax, ns.optax

    @eqx.filter_jit
    def epoch(params, static, opt_state, key, data, lr, step0, total, decay, loss_fn, opt, bs):
        """One pass: seeded permutation, ``n // bs`` Adam steps in a ``lax.scan``. Compiled once per
        (model structure, loss, clipping, data shape, batch size) and reused; the learning rate and
        the schedule position are traced arguments."""
        n = jax.tree_util.tree_leaves(data)[0].shape[0]
        nb = max(1, n // bs)
        kperm, kb = jax.random.split(key)
        perm = jax.random.permutation(kperm, n)[: nb * bs].reshape(nb, bs)
        keys = jax.random.split(kb, nb)
        steps = step0 + jnp.arange(nb)

        def batch_loss(p, batch, k):
            return loss_fn(eqx.combine(p, static), batch, k)

        def body(carry, xs):
            p, s = carry
            idx, kk, st = xs
            batch = jax.tree_util.tree_map(lambda a: a[idx], data)
            val, g = jax.value_and_grad(batch_loss)(p, batch, kk)
            upd, s = opt.update(g, s, p)
            frac = jnp.minimum(st, total) / total
            cosine = _ALPHA + (1 - _ALPHA) * 0.5 * (1 + jnp.cos(jnp.pi * frac))
            rate = lr * jnp.where(decay, cosine, 1.0)
            upd = jax.tree_util.tree_map(lambda u: -rate * u, upd)
            return (optax.apply_updates(p, upd), s), val

        (p, s), vals = lax.scan(body, (params, opt_state), (perm, keys, steps))
        finite = jnp.all(jnp.stack([jnp.all(jnp.isfinite(x)) for x in jax.tree_util.tree_leaves(p)]))
        return p, s, jnp.mean(vals), finite

    return epoch


_EPOCH = None


def train(model, loss_fn: Callable, data: Any, *, epochs: int, batch_size: int, learning_rate: float,
          key, grad_clip: float | None, decay: bool, model_name: str, phase: str,
          hint: str = "", precision: str = "float64") -> tuple[Any, np.ndarray]:
    """Train ``model`` (an Equinox module) by Adam on ``loss_fn(model, batch, key)``.

    Parameters
    ----------
    model : eqx.Module
    loss_fn : callable
        ``loss_fn(model, batch, key) -> scalar``; ``batch`` is ``data`` indexed along its
        leading axis (a pytree of arrays), ``key`` a PRNG key (noise injection; ignored by
        deterministic losses). Pass the same (cached) object for equal settings so the
        compiled epoch is reused.
    data : pytree of arrays with a common leading axis (the examples)
    epochs, batch_size, learning_rate : training schedule (cosine decay to 2 % when ``decay``)
    key : jax PRNG key (permutations and per-batch keys)
    grad_clip : float or None
        Clip the global gradient norm to this value.
    precision : {"float64", "float32"}
        Floating-point type of the weights, the data and the arithmetic during training. With
        "float32" the weights are cast to float32 for training and back to float64 afterwards
        (the returned model, its forecasts and Jacobians are float64 either way).

    Returns
    -------
    model, losses
        The trained model and the mean loss of every epoch (float64 NumPy array).

    Raises
    ------
    TrainingDivergenceError
        The epoch loss or the weights became non-finite (the epoch is named).
    """
    global _EPOCH
    ns = load()
    jax, eqx = ns.jax, ns.eqx
    if epochs <= 0:
        return model, np.zeros(0)
    if _EPOCH is None:
        _EPOCH = _make_epoch()
    n = int(jax.tree_util.tree_leaves(data)[0].shape[0])
    bs = int(min(batch_size, n))
    nb = max(1, n // bs)
    opt = _optimizer(None if grad_clip is None else float(grad_clip))
    jnp = ns.jnp
    dtype = jnp.float32 if precision == "float32" else jnp.float64
    lr, dec = jnp.asarray(float(learning_rate), dtype=dtype), jnp.asarray(bool(decay))
    total = jnp.asarray(float(max(1, epochs * nb)), dtype=dtype)
    params, static = eqx.partition(model, eqx.is_inexact_array)
    params = _cast(jax, params, dtype)
    data = _cast(jax, data, dtype)
    opt_state = opt.init(params)
    losses = np.empty(epochs)
    keys = jax.random.split(key, epochs)
    for e in range(epochs):
        new_p, new_s, loss, finite = _EPOCH(params, static, opt_state, keys[e], data, lr,
                                               jnp.asarray(float(e * nb), dtype=dtype), total, dec, loss_fn, opt, bs)
        loss = float(loss)
        if not np.isfinite(loss):
            raise TrainingDivergenceError(model_name, phase, e + 1, loss, hint)
        if not bool(finite):
            raise TrainingDivergenceError(model_name, phase, e + 1, float("nan"),
                                          "The weights became non-finite. " + (hint or ""))
        params, opt_state = new_p, new_s
        losses[e] = loss
    return eqx.combine(_cast(jax, params, jnp.float64), static), losses


def _cast(jax, tree, dtype):
    """Floating-point leaves of ``tree`` cast to ``dtype`` (other leaves unchanged)."""
    def one(a):
        if hasattr(a, "dtype") and jax.numpy.issubdtype(a.dtype, jax.numpy.floating) and a.dtype != dtype:
            return a.astype(dtype)
        return a
    return jax.tree_util.tree_map(one, tree)
