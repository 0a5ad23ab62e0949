"""Neural ODE internals inside the JAX boundary: the vector field, the two losses and the solves.

Loaded only when a :class:`~attractor.learn.neural.NeuralODE` is fitted or used.
"""
from __future__ import annotations

import functools
from typing import Callable

import numpy as np

from ._jax import load

ns = load()
jax, jnp, eqx, diffrax = ns.jax, ns.jnp, ns.eqx, ns.diffrax


_ATANH_SERIES = tuple(1.0 / (2 * k + 1) for k in range(18))


def _log1p_unit(u):
    """``log1p(u)`` for ``u`` in [0, 1], as ``2 atanh(s)``, ``s = u / (2 + u)`` in [0, 1/3], by its
    odd series ``2 s Σ s^{2k} / (2k + 1)`` (18 terms: truncation below 1e-17 relative; measured
    ≤ 2.2 ulp from ``jnp.log1p`` over [0, 1]). Multiply-adds only: in float64 on the CPU about
    a fifth of the cost of ``jnp.log1p``, which dominated the MLP's forward pass."""
    s = u / (2.0 + u)
    s2 = s * s
    p = _ATANH_SERIES[-1]
    for c in _ATANH_SERIES[-2::-1]:
        p = p * s2 + c
    return 2.0 * s * p


@jax.custom_jvp
def softplus(x):
    """``log(1 + exp(x))``, computed as ``max(x, 0) + log1p(exp(-|x|))`` (no overflow).

    The same function as ``jax.nn.softplus`` to within 2 ulp, about three times cheaper in
    float64 on the CPU, where the exp/log1p of the activations dominated an MLP evaluation
    (``jax.nn.softplus`` is ``logaddexp(x, 0)``): the log1p is :func:`_log1p_unit`, and the
    derivative, the logistic function, is formed from the value's ``exp(-|x|)`` instead of new
    transcendental calls (``benchmarks/bench_neural.py`` measures the effect on an epoch).
    """
    return jnp.maximum(x, 0.0) + _log1p_unit(jnp.exp(-jnp.abs(x)))


@softplus.defjvp
def _softplus_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    u = jnp.exp(-jnp.abs(x))
    y = jnp.maximum(x, 0.0) + _log1p_unit(u)
    slope = jnp.where(x >= 0, 1.0, u) / (1.0 + u)   # logistic(x), from u = exp(-|x|)
    return y, slope * t


ACTIVATIONS: dict[str, Callable] = {"tanh": jnp.tanh, "softplus": softplus, "gelu": jax.nn.gelu,
                                    "silu": jax.nn.silu, "elu": jax.nn.elu}

SOLVERS = {"tsit5": diffrax.Tsit5, "dopri5": diffrax.Dopri5, "dopri8": diffrax.Dopri8}


class VectorField(eqx.Module):
    """``dz/dt = known(z) + s ⊙ MLP(z)`` on standardised states ``z``.

    ``s`` (per channel) is the standard deviation of the standardised derivative targets, so
    the MLP's outputs are O(1). ``known`` is an optional known part (already mapped to
    standardised units), for hybrid physics + network models.
    """

    mlp: eqx.nn.MLP
    out_scale: jax.Array
    known: Callable | None = eqx.field(static=True)

    def __call__(self, t, z, args=None):
        out = self.out_scale * self.mlp(z)
        if self.known is not None:
            out = out + self.known(z).astype(out.dtype)
        return out


def make_field(d: int, width: int, depth: int, activation: str, out_scale, known, key) -> VectorField:
    mlp = eqx.nn.MLP(d, d, width, depth, activation=ACTIVATIONS[activation], key=key)
    return VectorField(mlp, jnp.asarray(out_scale, dtype=jnp.float64), known)


def known_in_standard_units(known_rhs: Callable | None, mean, scale) -> Callable | None:
    """Map a known right-hand side in data units ``f(x)`` to standardised units ``f(m + s z) / s``."""
    if known_rhs is None:
        return None
    m = jnp.asarray(mean)
    s = jnp.asarray(scale)

    def known(z):
        return jnp.asarray(known_rhs(m + s * z)) / s

    return known


def derivative_loss(field: VectorField, batch, key):
    z, dz = batch
    pred = jax.vmap(lambda zz: field(0.0, zz))(z)
    return jnp.mean(((pred - dz) / field.out_scale) ** 2)


def make_solver(solver: str, rtol: float, atol: float, max_steps: int):
    return SOLVERS[solver](), diffrax.PIDController(rtol=rtol, atol=atol), int(max_steps)


def solve(field: VectorField, z0, ts, solver_spec, throw: bool = False, checkpoints: int | None = None):
    """Integrate from ``z0`` at ``ts[0]``, saving at ``ts``; unreached samples are inf.

    ``checkpoints``: steps stored for backpropagation (recursive checkpointing; None: Diffrax's
    default ~log2(max_steps), which recomputes the forward pass O(log n) times). Training windows
    take few steps, so storing up to 256 of them removes the recomputation for a few MB."""
    solver, controller, max_steps = solver_spec
    sol = diffrax.diffeqsolve(diffrax.ODETerm(field), solver, t0=ts[0], t1=ts[-1], dt0=None, y0=z0,
                              saveat=diffrax.SaveAt(ts=ts), stepsize_controller=controller,
                              max_steps=max_steps, throw=throw,
                              adjoint=diffrax.RecursiveCheckpointAdjoint(checkpoints=checkpoints))
    return sol.ys


class _BatchField(eqx.Module):
    """The vector field applied row-wise to a batch of states (one ODE system for the batch)."""

    field: VectorField

    def __call__(self, t, Z, args=None):
        return jax.vmap(lambda z: self.field(t, z))(Z)


@functools.lru_cache(maxsize=32)
def make_shooting_loss(dt: float, window: int, solver: str, rtol: float, atol: float, max_steps: int):
    """Trajectory matching on windows: each window starts from its observed first state.

    The batch of windows is integrated as one system (state shape (batch, d)), so one adaptive
    step sequence serves the batch (error control on the RMS over all windows, as in
    torchdiffeq); per-window solves under ``vmap`` run every window to the slowest one's step
    count with masked steps and were about 1.5x slower per epoch. Cached by its settings so
    refits reuse the compiled epoch."""
    ts = jnp.asarray(dt * np.arange(window))
    solver_spec = make_solver(solver, rtol, atol, max_steps)

    def loss(field: VectorField, batch, key):
        windows = batch   # (batch, window, d); float32 or float64 (the training precision)
        pred = jnp.swapaxes(solve(_BatchField(field), windows[:, 0], ts.astype(windows.dtype), solver_spec,
                                  checkpoints=min(max_steps, 256)), 0, 1)
        ok = jnp.isfinite(pred)
        err = jnp.where(ok, jnp.where(ok, pred, 0.0) - windows, 1e3)   # a failed solve costs, without NaN grads
        return jnp.mean(err[:, 1:] ** 2)

    return loss


def compiled_flow(field: VectorField, mean, scale):
    """The learned vector field in data units and its exact Jacobian, compiled, NumPy in/out."""
    m = jnp.asarray(mean)
    s = jnp.asarray(scale)

    def f(x):
        return s * field(0.0, (x - m) / s)

    fj = jax.jit(f)
    jj = jax.jit(jax.jacfwd(f))
    return (lambda x: np.asarray(fj(jnp.asarray(x)))), (lambda x: np.asarray(jj(jnp.asarray(x))))


@eqx.filter_jit
def _forecast(field, z0, ts, solver_spec):
    return solve(field, z0, ts, solver_spec)
