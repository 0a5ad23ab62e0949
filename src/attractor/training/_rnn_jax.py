"""JAX side of the RNN analyses (loaded only when a JAX model is analysed or trained).

JAX comes through :func:`attractor.learn.neural._jax.load` (float64 enabled), the one module of
attractor that imports it.
"""
from __future__ import annotations

import numpy as np

from ..core.errors import ValidationError
from ..learn.neural._jax import load
from ._rnn_common import Network, _checked

ns = load()
jax, jnp, eqx, optax = ns.jax, ns.jnp, ns.eqx, ns.optax


class TanhRNNModel(eqx.Module):
    """Discrete tanh network ``h_{t+1} = tanh(W h_t + U u_t + b)`` with readout ``y_t = C h_{t+1} + c``."""

    W: jax.Array
    U: jax.Array
    b: jax.Array
    C: jax.Array
    c: jax.Array

    def __init__(self, n_inputs: int, hidden: int, n_outputs: int, key, gain: float = 0.9):
        k1, k2, k3 = jax.random.split(key, 3)
        self.W = gain * jax.random.normal(k1, (hidden, hidden)) / np.sqrt(hidden)
        self.U = jax.random.normal(k2, (hidden, n_inputs)) / np.sqrt(n_inputs)
        self.b = jnp.zeros(hidden)
        self.C = jax.random.normal(k3, (n_outputs, hidden)) / np.sqrt(hidden)
        self.c = jnp.zeros(n_outputs)

    @property
    def hidden_size(self) -> int:
        return int(self.b.shape[0])

    @property
    def n_inputs(self) -> int:
        return int(self.U.shape[1])

    def step(self, h, u):
        return jnp.tanh(self.W @ h + self.U @ u + self.b)

    def run(self, h0, us):
        """States after each input (T, N) and outputs (T, n_out) from ``h0`` over inputs ``us`` (T, n_in)."""
        def body(h, u):
            h = self.step(h, u)
            return h, h
        _, hs = jax.lax.scan(body, h0, us)
        return hs, hs @ self.C.T + self.c


@eqx.filter_jit
def _run_batch(model, h0, U):
    return jax.vmap(lambda us: model.run(h0, us))(U)


def run_batch(model, U, h0=None):
    h0 = jnp.zeros(model.hidden_size) if h0 is None else jnp.asarray(h0)
    hs, ys = _run_batch(model, h0, jnp.asarray(U))
    return np.asarray(hs, dtype=float), np.asarray(ys, dtype=float)


def train_tanh_rnn(model, U, Y, *, epochs: int, batch_size: int, learning_rate: float, key, grad_clip: float):
    """Adam (cosine decay, global-norm clipping) on the mean squared output error; returns (model, losses)."""
    n = U.shape[0]
    steps_per_epoch = max(1, n // batch_size)
    sched = optax.cosine_decay_schedule(learning_rate, max(1, epochs * steps_per_epoch), alpha=0.02)
    opt = optax.chain(optax.clip_by_global_norm(grad_clip), optax.adam(sched))
    state = opt.init(eqx.filter(model, eqx.is_inexact_array))
    h0 = jnp.zeros(model.hidden_size)

    def loss_fn(m, u, y):
        _, pred = jax.vmap(lambda us: m.run(h0, us))(u)
        return jnp.mean((pred - y) ** 2)

    @eqx.filter_jit
    def epoch(m, st, Ub, Yb):
        def body(carry, batch):
            m_, s_ = carry
            loss, g = eqx.filter_value_and_grad(loss_fn)(m_, *batch)
            upd, s_ = opt.update(g, s_, eqx.filter(m_, eqx.is_inexact_array))
            return (eqx.apply_updates(m_, upd), s_), loss
        (m, st), losses = jax.lax.scan(body, (m, st), (Ub, Yb))
        return m, st, jnp.mean(losses)

    Uj, Yj = jnp.asarray(U), jnp.asarray(Y)
    losses = np.empty(epochs)
    for e in range(epochs):
        key, sub = jax.random.split(key)
        perm = jax.random.permutation(sub, n)[: steps_per_epoch * batch_size].reshape(steps_per_epoch, batch_size)
        model, state, loss = epoch(model, state, Uj[perm], Yj[perm])
        losses[e] = float(loss)
        if not np.isfinite(losses[e]):
            from ..learn.neural._base import TrainingDivergenceError

            raise TrainingDivergenceError("TanhRNN", "sequence training", e + 1, losses[e],
                                          "Lower learning_rate or grad_clip.")
    return model, losses


def jax_network(model, *, kind: str = "map", name: str | None = None) -> Network:
    """A :class:`Network` from a fitted attractor RNN estimator or an Equinox module with ``step(h, u)``."""
    if kind not in ("map", "flow"):
        raise ValidationError(f"kind must be 'map' or 'flow'; got {kind!r}.")
    if hasattr(model, "model_"):
        m = model.model_
        N = int(m.hidden_size)
        d = getattr(model, "n_features_in_", None) or getattr(m, "n_inputs", None)
        label = name or type(model).__name__
    else:
        m = model
        N = getattr(m, "hidden_size", None)
        d = getattr(m, "n_inputs", None)
        label = name or type(model).__name__

    def f(h, u):
        return m.step(h, u)

    fj = jax.jit(f)
    jj = jax.jit(jax.jacfwd(f, argnums=0))
    fb = jax.jit(jax.vmap(f, in_axes=(0, None)))
    jb = jax.jit(jax.vmap(jax.jacfwd(f, argnums=0), in_axes=(0, None)))

    def need_u(u):
        if u is None:
            raise ValidationError(f"{label}: give inputs (the constant input u*; the network's input size is "
                                  "unknown).")
        return jnp.asarray(u)

    def F(h, u):
        return np.asarray(fj(jnp.asarray(h), need_u(u)), dtype=float)

    def J(h, u):
        return np.asarray(jj(jnp.asarray(h), need_u(u)), dtype=float)

    def FB(H, u):
        out = np.asarray(fb(jnp.asarray(H), need_u(u)), dtype=float)
        return np.where(np.isfinite(out), out, np.nan)

    def JB(H, u):
        return np.asarray(jb(jnp.asarray(H), need_u(u)), dtype=float)

    return Network(label, kind, None if N is None else int(N), None if d is None else int(d),
                   _checked(F, "model's step", label, lambda h: h.shape),
                   _checked(J, "model's jacobian", label, lambda h: (h.shape[0], h.shape[0])),
                   "exact", "jax", FB, JB)
