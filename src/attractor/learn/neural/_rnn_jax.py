"""Recurrent-network internals inside the JAX boundary: cells, teacher-forced loss, closed loop.

Loaded only when a recurrent model of :mod:`attractor.learn.neural.rnn` is fitted or used.

Convention: ``h_k = cell(h_{k-1}, x_k)`` consumes sample ``k``; the linear readout predicts the
increment, ``x̂_{k+1} = x_k + C h_k + c`` (at fine sampling a one-step target ``x_{k+1}`` is nearly
``x_k``, and a network asked for it learns little more than persistence). In closed loop the
prediction is fed back; the closed-loop state is ``s = (h, x)`` and the map is
``y = x + C h + c``, ``s' = (cell(h, y), y)``.
"""
from __future__ import annotations

import functools

import numpy as np

from ._jax import load

ns = load()
jax, jnp, eqx, lax = ns.jax, ns.jnp, ns.eqx, ns.lax


class GRUModel(eqx.Module):
    """GRU cell (Cho et al. 2014, Equinox's ``GRUCell``) with a linear readout."""

    cell: eqx.nn.GRUCell
    readout: eqx.nn.Linear

    def __init__(self, d: int, hidden: int, key):
        k1, k2 = jax.random.split(key)
        self.cell = eqx.nn.GRUCell(d, hidden, key=k1)
        self.readout = eqx.nn.Linear(hidden, d, key=k2)

    @property
    def hidden_size(self) -> int:
        return self.cell.hidden_size

    def step(self, h, x, key=None):
        return self.cell(x, h)


class ElmanModel(eqx.Module):
    """Plain (Elman 1990) tanh recurrent cell ``h_k = tanh(W h_{k-1} + U x_k + b)`` with a linear readout.

    ``W`` entries are N(0, gain² / hidden): for ``gain`` above 1 the untrained cell is in the
    expanding regime of random tanh networks (Sompolinsky, Crisanti & Sommers 1988), where
    gradients through long sequences explode; below 1 they vanish."""

    W: jax.Array
    U: jax.Array
    b: jax.Array
    readout: eqx.nn.Linear

    def __init__(self, d: int, hidden: int, key, *, gain: float = 1.0):
        k1, k2, k3 = jax.random.split(key, 3)
        self.W = (gain / np.sqrt(hidden)) * jax.random.normal(k1, (hidden, hidden))
        lim = np.sqrt(6.0 / (hidden + d))   # Glorot uniform input weights
        self.U = jax.random.uniform(k2, (hidden, d), minval=-lim, maxval=lim)
        self.b = jnp.zeros(hidden)
        self.readout = eqx.nn.Linear(hidden, d, key=k3)

    @property
    def hidden_size(self) -> int:
        return self.b.shape[0]

    def step(self, h, x, key=None):
        return jnp.tanh(self.W @ h + self.U @ x + self.b)


def structured(M, beta: float, gamma: float):
    """``(1 − β)(M + Mᵀ) + β(M − Mᵀ) − γ I`` (Erichson et al. 2021, eq. 3)."""
    return (1.0 - beta) * (M + M.T) + beta * (M - M.T) - gamma * jnp.eye(M.shape[0], dtype=M.dtype)


class LipschitzModel(eqx.Module):
    """Lipschitz RNN cell ``h' = A h + tanh(W h + U x + b)``, discretised with step ``eps``,
    optional training noise (noisy RNN), linear readout.

    The scalar settings (β, γ_A, γ_W, ε, σ_add, σ_mult) are held in the float64 vector ``hyper``
    behind ``lax.stop_gradient``: Adam never moves them (zero gradient, zero update), and models
    that differ only in them share one compiled training step.
    """

    M_A: jax.Array
    M_W: jax.Array
    U: jax.Array
    b: jax.Array
    readout: eqx.nn.Linear
    hyper: jax.Array
    scheme: str = eqx.field(static=True)

    def __init__(self, d: int, hidden: int, key, *, beta, gamma_a, gamma_w, eps, scheme, init_std,
                 sigma_add=0.0, sigma_mult=0.0):
        k1, k2, k3, k4 = jax.random.split(key, 4)
        std = init_std / hidden   # N(0, (init_std / N)^2), as in the authors' code
        self.M_A = std * jax.random.normal(k1, (hidden, hidden))
        self.M_W = std * jax.random.normal(k2, (hidden, hidden))
        lim = np.sqrt(6.0 / (hidden + d))   # Glorot uniform input weights
        self.U = jax.random.uniform(k3, (hidden, d), minval=-lim, maxval=lim)
        self.b = jnp.zeros(hidden)
        self.readout = eqx.nn.Linear(hidden, d, key=k4)
        self.hyper = jnp.asarray([beta, gamma_a, gamma_w, eps, sigma_add, sigma_mult], dtype=jnp.float64)
        self.scheme = str(scheme)

    @property
    def hidden_size(self) -> int:
        return self.b.shape[0]

    def matrices(self):
        beta, ga, gw = lax.stop_gradient(self.hyper[:3])
        return structured(self.M_A, beta, ga), structured(self.M_W, beta, gw)

    def field(self, h, x, mats=None):
        A, W = self.matrices() if mats is None else mats
        return A @ h + jnp.tanh(W @ h + self.U @ x + self.b)

    def step(self, h, x, key=None, mats=None):
        """One step; ``mats``: the structured ``(A, W)`` when the caller computed them once for
        a whole sequence (see :func:`stepper`)."""
        e, sa, sm = lax.stop_gradient(self.hyper[3:])
        k1 = self.field(h, x, mats)
        if self.scheme == "euler":
            out = h + e * k1
        else:   # Heun's RK2
            k2 = self.field(h + e * k1, x, mats)
            out = h + 0.5 * e * (k1 + k2)
        if key is not None:
            xi = jax.random.normal(key, h.shape, dtype=h.dtype)   # Euler–Maruyama increment of dh = f dt + σ(h) dB
            out = out + jnp.sqrt(e) * (sa + sm * h) * xi
        return out


def trainable(model):
    """The model with its fixed settings removed (for weight comparisons)."""
    if isinstance(model, LipschitzModel):
        return eqx.tree_at(lambda m: m.hyper, model, None, is_leaf=lambda v: v is None)
    return model


def stepper(model):
    """``model.step`` for a run of many steps with loop-invariant work done once: for the Lipschitz
    cell the structured matrices ``(A, W)`` are built before the loop (and their gradient is
    accumulated once, not mapped back through the structure at every step). Same numbers."""
    if isinstance(model, LipschitzModel):
        mats = model.matrices()
        return lambda h, x, key=None: model.step(h, x, key, mats)
    return model.step


_UNROLL = 1   # scan steps per loop iteration in training (fewer loop trips; same arithmetic)


def _run_teacher(model, xs, key):
    """Teacher-forced run over one window ``xs`` (L, d) from h = 0: predictions (L, d)."""
    h0 = jnp.zeros(model.hidden_size, dtype=xs.dtype)
    keys = jax.random.split(key, xs.shape[0]) if key is not None else None
    step = stepper(model)

    def body(h, inp):
        x, k = inp
        h = step(h, x, k)
        return h, x + model.readout(h)

    if keys is None:
        _, preds = lax.scan(lambda h, x: body(h, (x, None)), h0, xs, unroll=_UNROLL)
    else:
        _, preds = lax.scan(body, h0, (xs, keys), unroll=_UNROLL)
    return preds


@functools.lru_cache(maxsize=32)
def make_loss(washout: int, noisy: bool):
    """Teacher-forcing loss: mean squared one-step error after ``washout`` steps of each window.
    ``noisy``: every window gets its own noise key (noise injection during training only)."""

    def one(model, w, k):
        preds = _run_teacher(model, w[:-1], k)
        return jnp.mean((preds[washout:] - w[1 + washout:]) ** 2)

    def loss(model, windows, key):
        if noisy:
            keys = jax.random.split(key, windows.shape[0])
            return jnp.mean(jax.vmap(lambda w, k: one(model, w, k))(windows, keys))
        return jnp.mean(jax.vmap(lambda w: one(model, w, None))(windows))

    return loss


@eqx.filter_jit
def encode(model, Z):
    """Hidden state after consuming ``Z`` (n, d) from rest (no noise)."""
    h, _ = lax.scan(lambda h, x: (model.step(h, x), None), jnp.zeros(model.hidden_size), Z)
    return h


@eqx.filter_jit
def closed_loop(model, s, horizon_array):
    """``horizon`` closed-loop predictions from the state ``s = (h, x)`` (h has consumed x)."""
    H = model.hidden_size

    def body(s, _):
        s = closed_step(model, s, H)
        return s, s[H:]

    _, ys = lax.scan(body, s, horizon_array)
    return ys


def closed_step(model, s, H):
    h, x = s[:H], s[H:]
    y = x + model.readout(h)
    return jnp.concatenate([model.step(h, y), y])


def compiled_map(model, closed: bool):
    """The closed-loop map on ``(h, x)``, or the hidden map under zero input (on ``h``), with its
    exact Jacobian, compiled."""
    d = model.readout.out_features
    H = model.hidden_size

    def g(s):
        return closed_step(model, s, H) if closed else model.step(s, jnp.zeros(d))

    gj = jax.jit(g)
    jj = jax.jit(jax.jacfwd(g))
    return (lambda h: np.asarray(gj(jnp.asarray(h)))), (lambda h: np.asarray(jj(jnp.asarray(h))))


# ---------------------------------------------------------------- sequence-to-one tasks (adding problem)
def _last_hidden(model, xs, key=None):
    h0 = jnp.zeros(model.hidden_size, dtype=xs.dtype)
    if key is None:
        h, _ = lax.scan(lambda h, x: (model.step(h, x), None), h0, xs)
    else:
        keys = jax.random.split(key, xs.shape[0])
        h, _ = lax.scan(lambda h, inp: (model.step(h, inp[0], inp[1]), None), h0, (xs, keys))
    return h


def sequence_predict(model, xs, key=None):
    """Scalar prediction ``readout(h_T)[0]`` after consuming the sequence ``xs`` (L, d) from rest."""
    return model.readout(_last_hidden(model, xs, key))[0]


@functools.lru_cache(maxsize=8)
def make_sequence_loss(noisy: bool):
    """Mean squared error of the last-step prediction over a batch ``(X (b, L, d), y (b,))``."""

    def loss(model, batch, key):
        X, y = batch
        if noisy:
            keys = jax.random.split(key, X.shape[0])
            pred = jax.vmap(lambda xs, k: sequence_predict(model, xs, k))(X, keys)
        else:
            pred = jax.vmap(lambda xs: sequence_predict(model, xs))(X)
        return jnp.mean((pred - y) ** 2)

    return loss


@eqx.filter_jit
def sequence_mse(model, X, y):
    pred = jax.vmap(lambda xs: sequence_predict(model, xs))(X)
    return jnp.mean((pred - y) ** 2)


@eqx.filter_jit
def weight_grad_norm(model, X, y):
    """Global norm of the gradient of the batch MSE with respect to the trainable weights."""
    loss = make_sequence_loss(False)
    params, static = eqx.partition(model, eqx.is_inexact_array)
    g = jax.grad(lambda p: loss(eqx.combine(p, static), (X, y), None))(params)
    leaves = jax.tree_util.tree_leaves(trainable_grads(model, g))
    return jnp.sqrt(sum(jnp.sum(v ** 2) for v in leaves))


def trainable_grads(model, g):
    """Gradient pytree without the fixed settings (their gradient is zero anyway)."""
    if isinstance(model, LipschitzModel):
        return eqx.tree_at(lambda m: m.hyper, g, None, is_leaf=lambda v: v is None)
    return g


@eqx.filter_jit
def backprop_gain(model, X):
    """Per sequence, ``log10 ‖∂ readout(h_T) / ∂h_1‖₂`` (spectral norm): how much a gradient grows
    (> 0) or shrinks (< 0) when back-propagated from the last step to the first hidden state."""
    def one(xs):
        h1 = model.step(jnp.zeros(model.hidden_size), xs[0])

        def tail(h):
            hT, _ = lax.scan(lambda hh, x: (model.step(hh, x), None), h, xs[1:])
            return model.readout(hT)

        J = jax.jacrev(tail)(h1)
        return jnp.log10(jnp.linalg.norm(J, 2) + 1e-300)

    return jax.vmap(one)(X)
