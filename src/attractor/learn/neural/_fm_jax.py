"""Conditional flow-matching internals inside the JAX boundary: velocity field, loss, sampler.

Loaded only when a :class:`~attractor.learn.neural.FlowMatchingForecaster` is fitted or used.
"""
from __future__ import annotations

import functools

from ._jax import load

ns = load()
jax, jnp, eqx, lax = ns.jax, ns.jnp, ns.eqx, ns.lax

ACTIVATIONS = {"silu": jax.nn.silu, "gelu": jax.nn.gelu, "tanh": jnp.tanh, "softplus": jax.nn.softplus}
N_FREQ = 4   # Fourier features of the flow time tau


class Velocity(eqx.Module):
    """``v(x_tau, tau, c)``: an MLP on ``[x_tau, Fourier(tau), c]`` (all standardised)."""

    mlp: eqx.nn.MLP

    def __call__(self, x, tau, ctx):
        f = jnp.pi * (2.0 ** jnp.arange(N_FREQ)) * tau
        feats = jnp.concatenate([jnp.atleast_1d(tau), jnp.sin(f), jnp.cos(f)])
        return self.mlp(jnp.concatenate([x, feats, ctx]))


def make_velocity(d_out: int, d_ctx: int, width: int, depth: int, activation: str, key) -> Velocity:
    return Velocity(eqx.nn.MLP(d_out + 1 + 2 * N_FREQ + d_ctx, d_out, width, depth,
                               activation=ACTIVATIONS[activation], key=key))


@functools.lru_cache(maxsize=8)
def make_cfm_loss(sigma_min: float):
    """Conditional flow-matching loss with linear (rectified-flow / OT) paths.

    ``x_tau = (1 - (1 - sigma_min) tau) z + tau y``, ``z ~ N(0, I)``, target velocity
    ``y - (1 - sigma_min) z`` (Lipman et al. 2023, eq. 20-23); ``tau ~ U(0, 1)``."""
    a = 1.0 - sigma_min

    def loss(field: Velocity, batch, key):
        ctx, y = batch
        kz, kt = jax.random.split(key)
        z = jax.random.normal(kz, y.shape, dtype=y.dtype)
        tau = jax.random.uniform(kt, (y.shape[0],), dtype=y.dtype)
        xt = (1.0 - a * tau)[:, None] * z + tau[:, None] * y
        pred = jax.vmap(field)(xt, tau, ctx)
        return jnp.mean((pred - (y - a * z)) ** 2)

    return loss


def _ode_sample(field: Velocity, z, ctx, n_steps: int, method: str):
    """Integrate ``dx/dtau = v(x, tau, ctx)`` from ``tau = 0`` to 1 with fixed steps (Heun or RK4)."""
    h = 1.0 / n_steps

    def step(x, k):
        t = k * h
        k1 = field(x, t, ctx)
        if method == "euler":
            return x + h * k1, None
        if method == "heun":
            k2 = field(x + h * k1, t + h, ctx)
            return x + 0.5 * h * (k1 + k2), None
        k2 = field(x + 0.5 * h * k1, t + 0.5 * h, ctx)
        k3 = field(x + 0.5 * h * k2, t + 0.5 * h, ctx)
        k4 = field(x + h * k3, t + h, ctx)
        return x + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4), None

    x, _ = lax.scan(step, z, jnp.arange(n_steps, dtype=z.dtype))
    return x


@functools.partial(eqx.filter_jit)
def rollout(field: Velocity, window0, key, inc_scale, n_samples: int, n_blocks: int, lead: int,
            n_steps: int, method: str):
    """Autoregressive ensemble rollout in standardised units.

    ``window0``: (window, c) last observed samples; every block draws the next ``lead`` samples
    (as increments from the last sample, in units of ``inc_scale``) for all members (``vmap``)
    and shifts the window. Returns (n_samples, n_blocks * lead, c)."""
    w, c = window0.shape
    win = jnp.broadcast_to(window0, (n_samples, w, c))
    keys = jax.random.split(key, n_blocks)

    def one(win_m, z_m):
        y = _ode_sample(field, z_m, win_m.reshape(-1), n_steps, method)
        return win_m[-1] + y.reshape(lead, c) * inc_scale

    def block(win, k):
        z = jax.random.normal(k, (n_samples, lead * c), dtype=window0.dtype)
        nxt = jax.vmap(one)(win, z)                       # (m, lead, c)
        new = jnp.concatenate([win, nxt], axis=1)[:, -w:]
        return new, nxt

    _, out = lax.scan(block, win, keys)                   # (n_blocks, m, lead, c)
    return jnp.transpose(out, (1, 0, 2, 3)).reshape(n_samples, n_blocks * lead, c)
