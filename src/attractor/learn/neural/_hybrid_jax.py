"""Neural-remainder hybrid internals inside the JAX boundary: the field, the losses, the optimisers.

Loaded only when a :class:`~attractor.learn.neural.NeuralHybrid` is fitted or used.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ._base import TrainingDivergenceError
from ._jax import load

ns = load()
jax, jnp, eqx, diffrax, optax = ns.jax, ns.jnp, ns.eqx, ns.diffrax, ns.optax

ACTIVATIONS = {"tanh": jnp.tanh, "softplus": jax.nn.softplus, "gelu": jax.nn.gelu, "silu": jax.nn.silu}


def known_to_jax(known) -> Callable:
    """The known part ``K(x; p)`` for one state ``x`` (d,) as a JAX-traceable function.

    A :class:`~attractor.core.symbolic.SymbolicSpec` is lambdified to ``jax.numpy`` (exact
    derivatives by autodiff). A Python callable ``f(X, p)`` is called on a (1, d) JAX array and
    must be written with ``jax.numpy`` (NumPy functions cannot be traced).
    """
    if known.spec is not None:
        import sympy as sp

        xs, _, _ = known.spec.symbols
        fs = sp.lambdify((xs, known._unk_symbols), list(known._exprs), modules="jax")

        def k(x, p):
            out = fs(x, p)
            return jnp.stack([jnp.broadcast_to(jnp.asarray(o, x.dtype), ()) for o in out])
        return k
    call = known._call

    def k(x, p):
        return jnp.reshape(call(x[None, :], p), x.shape)
    return k


class Remainder(eqx.Module):
    """``F(x) = out_scale ⊙ MLP((x − mean) / scale)`` in data units."""

    mlp: eqx.nn.MLP
    mean: jax.Array
    scale: jax.Array
    out_scale: jax.Array

    def __call__(self, x):
        return self.out_scale * self.mlp((x - self.mean) / self.scale)


def make_remainder(d, width, depth, activation, mean, scale, out_scale, key) -> Remainder:
    mlp = eqx.nn.MLP(d, d, width, depth, activation=ACTIVATIONS[activation], key=key)
    # start with a small remainder, so the physics explains what it can from the first step
    mlp = eqx.tree_at(lambda m: m.layers[-1].weight, mlp, 0.1 * mlp.layers[-1].weight)
    mlp = eqx.tree_at(lambda m: m.layers[-1].bias, mlp, jnp.zeros_like(mlp.layers[-1].bias))
    return Remainder(mlp, jnp.asarray(mean), jnp.asarray(scale), jnp.asarray(out_scale))


class Model(eqx.Module):
    """Trainable pytree: physics parameters, remainder network, free window start states."""

    p: jax.Array
    remainder: Remainder
    starts: jax.Array


def field_fn(known_k: Callable):
    def field(t, x, model_pr):
        p, rem = model_pr
        return known_k(x, p) + rem(x)
    return field


def make_losses(known_k: Callable, ts: np.ndarray, rtol: float, atol: float, adjoint: str, penalty: float,
                weight_decay: float = 0.0, max_steps: int = 16384):
    """Derivative-matching and trajectory-matching losses (both scaled per channel to O(1))."""
    field = field_fn(known_k)
    adj = (diffrax.BacksolveAdjoint(solver=diffrax.Tsit5()) if adjoint == "backsolve"
           else diffrax.RecursiveCheckpointAdjoint())
    ts = jnp.asarray(ts)

    def decay(model: Model):
        if not weight_decay:
            return 0.0
        ws = [layer.weight for layer in model.remainder.mlp.layers]
        return weight_decay * sum(jnp.sum(w ** 2) for w in ws) / sum(w.size for w in ws)

    def batched(t, X, args):
        return jax.vmap(lambda x: field(t, x, args))(X)

    def simulate(model: Model, forward: bool = False):
        # forward=True: forward-mode differentiable solve (jax.jacfwd in the physics parameters)
        sol = diffrax.diffeqsolve(diffrax.ODETerm(batched), diffrax.Tsit5(), ts[0], ts[-1], None, model.starts,
                                  args=(model.p, model.remainder), saveat=diffrax.SaveAt(ts=ts),
                                  stepsize_controller=diffrax.PIDController(rtol=rtol, atol=atol),
                                  max_steps=max_steps, throw=False,
                                  adjoint=diffrax.ForwardMode() if forward else adj)
        return jnp.swapaxes(sol.ys, 0, 1)   # (n_windows, window, d)

    def traj_loss(model: Model, windows, wscale, Xpen):
        pred = simulate(model)
        ok = jnp.isfinite(pred)
        err = jnp.where(ok, (jnp.where(ok, pred, 0.0) - windows) / wscale, 1e3)
        F = jax.vmap(model.remainder)(Xpen) / model.remainder.out_scale
        return jnp.mean(err ** 2) + penalty * jnp.mean(F ** 2) + decay(model)

    def deriv_loss(model: Model, X, dX, dscale):
        pred = jax.vmap(lambda x: field(0.0, x, (model.p, model.remainder)))(X)
        F = jax.vmap(model.remainder)(X) / model.remainder.out_scale
        return jnp.mean(((pred - dX) / dscale) ** 2) + penalty * jnp.mean(F ** 2) + decay(model)

    return simulate, traj_loss, deriv_loss


def adam(loss: Callable, model: Model, args: tuple, epochs: int, lr: float, phase: str) -> tuple[Model, np.ndarray]:
    """Full-batch Adam with cosine decay to 2 %; stops with a typed error on a non-finite loss."""
    if epochs <= 0:
        return model, np.zeros(0)
    params, static = eqx.partition(model, eqx.is_inexact_array)
    sched = optax.cosine_decay_schedule(lr, epochs, alpha=0.02)
    opt = optax.chain(optax.clip_by_global_norm(10.0), optax.adam(sched))
    state = opt.init(params)

    @eqx.filter_jit
    def step(params, state):
        v, g = jax.value_and_grad(lambda q: loss(eqx.combine(q, static), *args))(params)
        upd, state = opt.update(g, state, params)
        return optax.apply_updates(params, upd), state, v

    losses = np.empty(epochs)
    for e in range(epochs):
        new, state, v = step(params, state)
        v = float(v)
        if not np.isfinite(v):
            raise TrainingDivergenceError("NeuralHybrid", phase, e + 1, v)
        params = new
        losses[e] = v
    return eqx.combine(params, static), losses


def lbfgs(loss: Callable, model: Model, args: tuple, steps: int, tol: float = 1e-12) -> tuple[Model, np.ndarray]:
    """L-BFGS with a zoom line search (optax) to polish the Adam solution (as in the UDE workflow)."""
    if steps <= 0:
        return model, np.zeros(0)
    params, static = eqx.partition(model, eqx.is_inexact_array)

    def f(q):
        return loss(eqx.combine(q, static), *args)

    opt = optax.lbfgs()
    state = opt.init(params)
    vg = optax.value_and_grad_from_state(f)

    @eqx.filter_jit
    def step(params, state):
        v, g = vg(params, state=state)
        upd, state = opt.update(g, state, params, value=v, grad=g, value_fn=f)
        return optax.apply_updates(params, upd), state, v

    losses = []
    best = (np.inf, params)
    for _ in range(steps):
        new, state, v = step(params, state)
        v = float(v)
        if not np.isfinite(v):
            break   # keep the last finite iterate (L-BFGS is a polish: no divergence error)
        if v < best[0]:
            best = (v, params)
        losses.append(v)
        if len(losses) > 10 and abs(losses[-11] - v) <= tol * max(abs(v), 1e-300):
            params = new
            break
        params = new
    return eqx.combine(best[1], static), np.asarray(losses)


def residual_jacobian_p(simulate: Callable, model: Model, windows, wscale):
    """Residuals (pred − obs)/scale and their Jacobian with respect to the physics parameters only."""
    def res(p):
        m = eqx.tree_at(lambda q: q.p, model, p)
        return ((simulate(m, forward=True) - windows) / wscale).ravel()
    r0 = res(model.p)
    J = jax.jacfwd(res)(model.p)
    return np.asarray(r0), np.asarray(J)


def compiled(known_k: Callable, p, remainder: Remainder):
    """The fitted field, its Jacobian and the remainder alone, compiled, NumPy in/out (float64)."""
    pj = jnp.asarray(p)

    def f(x):
        return known_k(x, pj) + remainder(x)

    fj, jj = jax.jit(f), jax.jit(jax.jacfwd(f))
    rem = jax.jit(jax.vmap(remainder))
    kn = jax.jit(jax.vmap(lambda x: known_k(x, pj)))
    return ((lambda x: np.asarray(fj(jnp.asarray(x, jnp.float64)))),
            (lambda x: np.asarray(jj(jnp.asarray(x, jnp.float64)))),
            (lambda X: np.asarray(rem(jnp.asarray(X, jnp.float64)))),
            (lambda X: np.asarray(kn(jnp.asarray(X, jnp.float64)))))
