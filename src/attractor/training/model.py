"""Models and losses as inputs: one :class:`Objective` on a flat float64 parameter vector.

Two ways in:

* :func:`objective_from_jax` — a JAX loss ``loss_fn(params, *data)`` on any pytree of parameters
  (an Equinox model included). Gradients are exact (reverse mode, ``jax.value_and_grad``) and
  Hessian–vector products are exact forward-over-reverse products
  (``jax.jvp`` of the gradient; Pearlmutter 1994), all compiled once with ``jax.jit``.
* :func:`objective_from_functions` — any NumPy-in/NumPy-out functions: ``loss(theta)``,
  ``grad(theta)`` and optionally ``hvp(theta, v)`` (PyTorch, TensorFlow, hand-written). Without
  ``hvp`` the product is a central difference of the gradient. A supplied gradient and HVP are
  checked against finite differences when the objective is made (:func:`check_hvp`), so a wrong
  HVP fails loudly instead of giving wrong curvature.

Every analysis of :mod:`attractor.training` reads a model only through an :class:`Objective`.
Non-finite losses, gradients or products raise :class:`NonFiniteLossError` naming the step (when
the caller is an optimizer run) and the batch.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..core.errors import AttractorError, ValidationError
from ..core.validation import as_float_array, check_positive_float, check_positive_int
from ..learn.neural._base import TrainingDivergenceError as _NeuralDivergence

__all__ = ["Objective", "objective_from_functions", "objective_from_jax", "check_hvp", "check_gradient",
           "HVPMismatchError", "NonFiniteLossError", "NotDifferentiableError", "TrainingDivergenceError"]


# --------------------------------------------------------------------------- errors
class TrainingDivergenceError(_NeuralDivergence):
    """An optimizer run diverged (non-finite loss or parameters beyond ``max_norm``).

    Also an :class:`attractor.learn.neural.TrainingDivergenceError` (and an ``ArithmeticError``).

    Attributes
    ----------
    step : int or None
        Optimizer step (0-based: the step that produced the bad state) or ``None`` outside a run.
    lr : float or None
        Learning rate used at that step.
    loss : float
        The offending loss value (NaN or inf, or the last finite one when the parameters blew up).
    """

    def __init__(self, message: str, *, step: int | None = None, lr: float | None = None,
                 loss: float = float("nan")):
        AttractorError.__init__(self, message)
        self.model, self.phase, self.epoch = "optimizer", "training", -1 if step is None else int(step)
        self.step, self.lr, self.loss = step, lr, float(loss)


class NonFiniteLossError(TrainingDivergenceError):
    """The loss, its gradient or a Hessian–vector product returned NaN or inf."""


class NotDifferentiableError(AttractorError, ValueError):
    """The model cannot be differentiated (JAX cannot trace it, or its gradient is not the loss's)."""


class HVPMismatchError(AttractorError, ValueError):
    """A Hessian–vector product disagrees with a finite difference of the gradient.

    Attributes
    ----------
    rel_error : float
        ``‖Hv − (g(θ+hv) − g(θ−hv))/2h‖ / ‖(g(θ+hv) − g(θ−hv))/2h‖`` of the worst probe.
    tolerance : float
    """

    def __init__(self, message: str, rel_error: float, tolerance: float):
        super().__init__(message)
        self.rel_error, self.tolerance = float(rel_error), float(tolerance)


def _where(step: int | None, batch: int | None) -> str:
    parts = []
    if step is not None:
        parts.append(f"at step {step}")
    parts.append("on the full batch" if batch is None else f"on batch {batch}")
    return " ".join(parts)


# --------------------------------------------------------------------------- the objective
class Objective:
    """A loss on a flat float64 parameter vector with its gradient and Hessian–vector product.

    Made by :func:`objective_from_jax` or :func:`objective_from_functions`; not usually built
    directly. All arrays in and out are NumPy float64 vectors of length :attr:`n_params`.

    Attributes
    ----------
    n_params : int
        Number of parameters.
    theta0 : numpy.ndarray
        The parameters the objective was made at (the model's current weights).
    n_batches : int or None
        Number of stated mini-batches (``None``: full batch only). ``batch=i`` in the methods
        evaluates on batch ``i``; ``batch=None`` on the full batch.
    backend : {"jax", "numpy"}
    exact_hvp : bool
        True when :meth:`hvp` is an exact product (JAX, or a user HVP), False for the
        finite-difference fallback (relative error ~1e-7).
    name : str
    """

    def __init__(self, *, loss: Callable, grad: Callable, value_and_grad: Callable | None, hvp: Callable | None,
                 theta0: np.ndarray, n_batches: int | None, backend: str, name: str,
                 unravel: Callable | None = None, batch_sizes: Sequence[int] | None = None):
        self._loss, self._grad, self._vg, self._hvp = loss, grad, value_and_grad, hvp
        self.theta0 = np.array(theta0, dtype=float)
        self.theta0.setflags(write=False)
        self.n_params = int(self.theta0.size)
        self.n_batches = n_batches
        self.batch_sizes = None if batch_sizes is None else tuple(int(b) for b in batch_sizes)
        self.backend = backend
        self.exact_hvp = hvp is not None
        self.name = name
        self._unravel = unravel
        self.n_hvp_calls = 0

    def __repr__(self) -> str:
        b = "full batch" if self.n_batches is None else f"{self.n_batches} batches"
        return f"<Objective {self.name}: {self.n_params} parameters, {self.backend}, {b}>"

    # ------------------------------------------------------------------ checks
    def _theta(self, theta) -> np.ndarray:
        if theta is None:
            return np.array(self.theta0)
        th = np.asarray(theta, dtype=float).reshape(-1) if not isinstance(theta, np.ndarray) else theta
        if th.shape != (self.n_params,):
            th = as_float_array(theta, "theta").reshape(-1)
            if th.size != self.n_params:
                raise ValidationError(f"theta has {th.size} entries; the objective has {self.n_params} parameters.")
        return np.ascontiguousarray(th, dtype=float)

    def _batch(self, batch) -> int | None:
        if batch is None:
            return None
        if self.n_batches is None:
            raise ValidationError(f"batch={batch!r} was given but {self.name} has no stated batches (full batch only); "
                                  "pass batch_size=... (JAX) or n_batches=... (functions) when making the objective.")
        b = check_positive_int(batch, "batch", minimum=0)
        if b >= self.n_batches:
            raise ValidationError(f"batch must be in [0, {self.n_batches}); got {b}.")
        return b

    def _finite_loss(self, value, step, batch) -> float:
        try:
            v = float(np.asarray(value, dtype=float).reshape(()))
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"the loss of {self.name} must return a real scalar; got {value!r}.") from exc
        if not math.isfinite(v):
            raise NonFiniteLossError(
                f"the loss of {self.name} returned {v!r} {_where(step, batch)}: check the data, the model and the "
                "learning rate.", step=step, loss=v)
        return v

    def _finite_vec(self, vec, what, step, batch) -> np.ndarray:
        arr = np.asarray(vec, dtype=float).reshape(-1)
        if arr.shape != (self.n_params,):
            raise ValidationError(f"the {what} of {self.name} returned {arr.size} values; expected {self.n_params}.")
        if not np.all(np.isfinite(arr)):
            i = int(np.flatnonzero(~np.isfinite(arr))[0])
            raise NonFiniteLossError(
                f"the {what} of {self.name} is non-finite {_where(step, batch)} (first at parameter {i}: "
                f"{arr[i]!r}); the model is not differentiable there or the loss overflowed.", step=step)
        return arr

    # ------------------------------------------------------------------ evaluation
    def loss(self, theta=None, batch: int | None = None, *, step: int | None = None) -> float:
        """Loss at ``theta`` (default :attr:`theta0`) on the full batch or on ``batch``."""
        b = self._batch(batch)
        return self._finite_loss(self._loss(self._theta(theta), b), step, b)

    def grad(self, theta=None, batch: int | None = None, *, step: int | None = None) -> np.ndarray:
        """Gradient of the loss, shape (n_params,)."""
        b = self._batch(batch)
        return self._finite_vec(self._grad(self._theta(theta), b), "gradient", step, b)

    def value_and_grad(self, theta=None, batch: int | None = None, *,
                       step: int | None = None) -> tuple[float, np.ndarray]:
        """``(loss, gradient)`` in one pass where the backend allows it."""
        b = self._batch(batch)
        th = self._theta(theta)
        if self._vg is not None:
            v, g = self._vg(th, b)
        else:
            v, g = self._loss(th, b), self._grad(th, b)
        return self._finite_loss(v, step, b), self._finite_vec(g, "gradient", step, b)

    def hvp(self, theta, v, batch: int | None = None, *, step: int | None = None) -> np.ndarray:
        """Hessian–vector product ``H(θ) v``.

        Exact for JAX objectives and user-supplied HVPs; otherwise a central difference of the
        gradient with step ``h = ε^{1/3} max(1, ‖θ‖) / ‖v‖`` (relative error ~1e-7 for smooth losses).
        """
        b = self._batch(batch)
        th = self._theta(theta)
        v = np.ascontiguousarray(v, dtype=float).reshape(-1)
        if v.shape != (self.n_params,):
            raise ValidationError(f"v has {v.size} entries; the objective has {self.n_params} parameters.")
        self.n_hvp_calls += 1
        if self._hvp is not None:
            out = self._hvp(th, v, b)
        else:
            out = _fd_hvp(lambda x: self._grad(x, b), th, v)
        return self._finite_vec(out, "Hessian-vector product", step, b)

    def unravel(self, theta) -> Any:
        """The flat vector as the model's own parameter structure (a pytree for JAX objectives)."""
        th = self._theta(theta)
        return th if self._unravel is None else self._unravel(th)


def _fd_hvp(grad: Callable, theta: np.ndarray, v: np.ndarray) -> np.ndarray:
    nv = float(np.linalg.norm(v))
    if nv == 0.0:
        return np.zeros_like(theta)
    h = np.finfo(float).eps ** (1 / 3) * max(1.0, float(np.linalg.norm(theta))) / nv
    return (np.asarray(grad(theta + h * v), dtype=float) - np.asarray(grad(theta - h * v), dtype=float)) / (2 * h)


# --------------------------------------------------------------------------- checks
def check_gradient(objective: Objective, theta=None, *, n_probes: int = 2, rtol: float = 1e-4,
                   seed: int = 0) -> float:
    """Check the gradient against central differences of the loss along random directions.

    For unit directions ``u`` drawn with ``seed``, compares ``g·u`` with
    ``(L(θ+hu) − L(θ−hu)) / 2h`` (``h = ε^{1/3} max(1, ‖θ‖)``). Also refuses a gradient that is
    exactly zero while the loss changes along ``u`` at a larger step (a piecewise-constant model:
    ``round``, ``sign``, ``argmax``, integer casts).

    Returns
    -------
    float
        Worst relative disagreement.

    Raises
    ------
    NotDifferentiableError
        The gradient is not the derivative of the loss.
    """
    rng = np.random.default_rng(seed)
    th = objective._theta(theta)
    L0, g = objective.value_and_grad(th)
    h = np.finfo(float).eps ** (1 / 3) * max(1.0, float(np.linalg.norm(th)))
    worst = 0.0
    for _ in range(check_positive_int(n_probes, "n_probes")):
        u = rng.standard_normal(th.size)
        u /= np.linalg.norm(u)
        d_ad = float(g @ u)
        d_fd = (objective.loss(th + h * u) - objective.loss(th - h * u)) / (2 * h)
        scale = max(abs(d_fd), abs(d_ad), float(np.linalg.norm(g)) * 1e-3, 1e-12 * max(1.0, abs(L0)) / h)
        err = abs(d_ad - d_fd) / scale
        worst = max(worst, err)
        if not np.any(g):
            # A smooth critical point changes the loss by ~λs²/2 at any step s; a piecewise-constant
            # model leaves it bitwise unchanged at a small step and jumps at a larger one.
            rms = max(1.0, float(np.linalg.norm(th)) / math.sqrt(th.size))
            small = 1e-4 * rms * math.sqrt(th.size)
            flat = objective.loss(th + small * u) == L0 and objective.loss(th - small * u) == L0
            for big in (1e-3, 1e-2, 1e-1):
                s = big * rms * math.sqrt(th.size)
                Lp, Lm = objective.loss(th + s * u), objective.loss(th - s * u)
                if flat and (Lp != L0 or Lm != L0):
                    raise NotDifferentiableError(
                        f"the gradient of {objective.name} is exactly zero and the loss is exactly constant near "
                        f"these parameters, yet it jumps from {L0:.6g} to {Lp:.6g} / {Lm:.6g} along a random "
                        f"direction (step {s:.3g}): the model is piecewise constant (round, sign, argmax, "
                        "comparisons or integer casts) and cannot be trained or analysed by gradients.")
        if err > rtol:
            raise NotDifferentiableError(
                f"the gradient of {objective.name} disagrees with a central difference of its loss: directional "
                f"derivative {d_ad:.8g} (gradient) vs {d_fd:.8g} (finite difference), relative error {err:.2e} > "
                f"{rtol:g}. The model is not differentiable at these parameters (a kink or jump), or the gradient "
                "function is wrong.")
    return worst


def check_hvp(objective: Objective, theta=None, *, n_probes: int = 2, rtol: float = 1e-4, seed: int = 0) -> float:
    """Check Hessian–vector products against central differences of the gradient.

    For random directions ``v`` (seeded), compares ``H v`` with
    ``(g(θ+hv) − g(θ−hv)) / 2h``, ``h = ε^{1/3} max(1, ‖θ‖) / ‖v‖`` (truncation and rounding
    errors balance at ~ε^{2/3} ≈ 4e-11 relative to ‖g‖/h, so a correct product agrees to ~1e-7).

    Parameters
    ----------
    objective : Objective
    theta : array_like, optional
        Where to check (default ``objective.theta0``).
    n_probes : int
        Number of random directions.
    rtol : float
        Largest accepted ``‖Hv − FD‖ / ‖FD‖`` (a small floor relative to ‖g‖ allows for rounding
        when ``Hv`` is nearly zero).
    seed : int

    Returns
    -------
    float
        Worst relative disagreement found.

    Raises
    ------
    HVPMismatchError
        A product disagrees by more than ``rtol``; the message gives both norms and the error.
    """
    rtol = check_positive_float(rtol, "rtol")
    rng = np.random.default_rng(seed)
    th = objective._theta(theta)
    g = objective.grad(th)
    worst = 0.0
    for _ in range(check_positive_int(n_probes, "n_probes")):
        v = rng.standard_normal(th.size)
        v /= np.linalg.norm(v)
        hv = objective.hvp(th, v)
        fd = objective._finite_vec(_fd_hvp(lambda x: objective._grad(x, None), th, v), "gradient", None, None)
        h = np.finfo(float).eps ** (1 / 3) * max(1.0, float(np.linalg.norm(th)))
        floor = 1e3 * np.finfo(float).eps * float(np.linalg.norm(g)) / h
        err = float(np.linalg.norm(hv - fd)) / max(float(np.linalg.norm(fd)), floor, 1e-300)
        worst = max(worst, err)
        if err > rtol:
            raise HVPMismatchError(
                f"the Hessian-vector product of {objective.name} disagrees with a central difference of its "
                f"gradient: ‖Hv‖ = {np.linalg.norm(hv):.6g}, ‖FD‖ = {np.linalg.norm(fd):.6g}, relative error "
                f"{err:.2e} > rtol = {rtol:g}. Check the hvp function (it must return H(theta) @ v for the same "
                "loss as grad), or pass check=False to skip this check.", err, rtol)
    return worst


# --------------------------------------------------------------------------- NumPy functions
def objective_from_functions(loss: Callable, grad: Callable, theta0, *, hvp: Callable | None = None,
                             n_batches: int | None = None, check: bool = True, name: str = "objective",
                             seed: int = 0) -> Objective:
    """An :class:`Objective` from NumPy-in/NumPy-out functions (any framework).

    Parameters
    ----------
    loss : callable
        ``loss(theta) -> float`` (or ``loss(theta, batch)`` when ``n_batches`` is given; ``batch``
        is an int in ``[0, n_batches)`` or ``None`` for the full batch).
    grad : callable
        ``grad(theta) -> ndarray`` of shape (n_params,) (same ``batch`` convention).
    theta0 : array_like
        Current parameters, flattened to a float64 vector.
    hvp : callable, optional
        ``hvp(theta, v) -> ndarray`` (``hvp(theta, v, batch)`` with batches), the exact
        Hessian–vector product. Without it, products are central differences of ``grad``.
    n_batches : int, optional
        Number of stated mini-batches the functions accept.
    check : bool
        Check ``grad`` against differences of ``loss`` (:func:`check_gradient`) and ``hvp`` against
        differences of ``grad`` (:func:`check_hvp`) at ``theta0`` (a few extra calls).
    name : str
    seed : int
        Seed of the check's random directions.

    Raises
    ------
    NotDifferentiableError, HVPMismatchError
        The checks failed.
    NonFiniteLossError
        A function returned NaN/inf at ``theta0``.

    Examples
    --------
    A PyTorch model (float64) wrapped in a few lines::

        params = list(net.parameters())
        def set_flat(theta):
            torch.nn.utils.vector_to_parameters(torch.as_tensor(theta), params)
        def loss(theta):
            set_flat(theta)
            with torch.no_grad():
                return float(criterion(net(X), Y))
        def grad(theta):
            set_flat(theta)
            g = torch.autograd.grad(criterion(net(X), Y), params)
            return torch.cat([gi.reshape(-1) for gi in g]).numpy()
        obj = objective_from_functions(loss, grad,
                                       torch.nn.utils.parameters_to_vector(params).detach().numpy())
    """
    if not callable(loss) or not callable(grad) or (hvp is not None and not callable(hvp)):
        raise ValidationError("loss, grad (and hvp, if given) must be callables taking NumPy arrays.")
    th0 = as_float_array(theta0, "theta0").reshape(-1)
    if th0.size == 0:
        raise ValidationError("theta0 has no parameters.")
    if not np.all(np.isfinite(th0)):
        raise ValidationError("theta0 contains non-finite values.")
    if n_batches is not None:
        n_batches = check_positive_int(n_batches, "n_batches")

        def L(t, b):
            return loss(t, b)

        def G(t, b):
            return grad(t, b)

        H = None if hvp is None else (lambda t, v, b: hvp(t, v, b))
    else:
        def L(t, b):
            return loss(t)

        def G(t, b):
            return grad(t)

        H = None if hvp is None else (lambda t, v, b: hvp(t, v))
    obj = Objective(loss=L, grad=G, value_and_grad=None, hvp=H, theta0=th0, n_batches=n_batches,
                    backend="numpy", name=name)
    if check:
        check_gradient(obj, seed=seed)
        if hvp is not None:
            check_hvp(obj, seed=seed)
    return obj


# --------------------------------------------------------------------------- JAX / Equinox
def objective_from_jax(loss_fn: Callable, params: Any, data: Sequence[Any] = (), *, batch_size: int | None = None,
                       seed: int = 0, check: bool = True, name: str = "jax model") -> Objective:
    """An :class:`Objective` from a JAX loss on a pytree of parameters (an Equinox model included).

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(params, *data) -> scalar``, written in JAX (``jax.numpy``); for an Equinox model
        ``loss_fn(model, X, Y)``. It should be a mean over samples when batches are used, so the
        full-batch loss is the size-weighted mean of batch losses.
    params : pytree
        The parameters (or the Equinox model). Its inexact-array leaves are the parameters; other
        leaves (activation functions, integers) stay fixed.
    data : sequence of arrays
        Arrays passed after the parameters, all with the same number of samples (first axis).
    batch_size : int, optional
        Split the samples (after a permutation drawn with ``seed``) into consecutive batches of
        this size (the last may be smaller); ``batch=i`` in the objective's methods then evaluates
        on batch ``i``. Default: full batch only.
    seed : int
    check : bool
        Check the gradient against finite differences of the loss at ``params`` (catches
        non-differentiable models such as ``round``/``sign``) and the HVP against differences
        of the gradient.
    name : str

    Returns
    -------
    Objective
        Gradients by reverse mode and Hessian–vector products by forward-over-reverse
        (``jvp(grad)``; exact to rounding), compiled once per batch size with ``jax.jit``;
        float64 throughout.

    Raises
    ------
    NotDifferentiableError
        JAX cannot trace or differentiate ``loss_fn`` (NumPy calls or Python control flow on
        traced values, integer outputs), or the gradient check failed.
    NeuralExtraMissingError
        JAX/Equinox are not installed.
    """
    from ..learn.neural._jax import load

    ns = load()
    jax, jnp, eqx = ns.jax, ns.jnp, ns.eqx
    from jax.flatten_util import ravel_pytree

    if not callable(loss_fn):
        raise ValidationError("loss_fn must be a callable loss_fn(params, *data) -> scalar.")
    dyn, static = eqx.partition(params, eqx.is_inexact_array)
    dyn = jax.tree_util.tree_map(lambda a: jnp.asarray(a, dtype=jnp.float64), dyn)
    flat0, unravel_j = ravel_pytree(dyn)
    if flat0.size == 0:
        raise ValidationError("params has no floating-point array leaves to differentiate.")
    arrays = []
    for i, d in enumerate(data):
        a = np.asarray(d)
        if a.dtype.kind in "fc":
            a = as_float_array(a, f"data[{i}]")
        arrays.append(a)
    n_samples = {a.shape[0] for a in arrays if a.ndim}
    if len(n_samples) > 1:
        raise ValidationError(f"the data arrays have different numbers of samples: {sorted(n_samples)}.")
    N = n_samples.pop() if n_samples else 0

    def f(flat, *d):
        return loss_fn(eqx.combine(unravel_j(flat), static), *d)

    def f_checked(flat, *d):
        out = f(flat, *d)
        return jnp.reshape(out, ())

    vg = jax.jit(jax.value_and_grad(f_checked))
    lj = jax.jit(f_checked)

    def hv(flat, v, *d):
        return jax.jvp(lambda x: jax.grad(f_checked)(x, *d), (flat,), (v,))[1]

    hvj = jax.jit(hv)

    if batch_size is not None:
        batch_size = check_positive_int(batch_size, "batch_size")
        if N == 0:
            raise ValidationError("batch_size needs data arrays with a sample axis.")
        perm = np.random.default_rng(seed).permutation(N)
        idx = [perm[i:i + batch_size] for i in range(0, N, batch_size)]
        batches = [tuple(jnp.asarray(a[ix]) for a in arrays) for ix in idx]
        sizes = [len(ix) for ix in idx]
    else:
        batches, sizes = None, None
    full = tuple(jnp.asarray(a) for a in arrays)

    def _data(b):
        return full if b is None else batches[b]

    def _trace_error(exc: Exception) -> NotDifferentiableError:
        return NotDifferentiableError(
            f"JAX could not differentiate {name}: {type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''}. "
            "The loss must be written in jax.numpy (no NumPy calls, float() or Python if/while on traced values) "
            "and return a floating-point scalar.")

    def L(t, b):
        return float(lj(jnp.asarray(t), *_data(b)))

    def VG(t, b):
        v, g = vg(jnp.asarray(t), *_data(b))
        return float(v), np.array(g)

    def G(t, b):
        return VG(t, b)[1]

    def H(t, v, b):
        return np.array(hvj(jnp.asarray(t), jnp.asarray(v), *_data(b)))

    def unravel(t):
        return eqx.combine(unravel_j(jnp.asarray(t)), static)

    obj = Objective(loss=L, grad=G, value_and_grad=VG, hvp=H, theta0=np.asarray(flat0), n_batches=None if
                    batches is None else len(batches), backend="jax", name=name, unravel=unravel, batch_sizes=sizes)
    try:
        obj.value_and_grad(obj.theta0)
        obj.hvp(obj.theta0, np.ones(obj.n_params))
    except (TypeError, ValueError) as exc:
        if isinstance(exc, AttractorError):
            raise
        raise _trace_error(exc) from exc
    except Exception as exc:  # jax.errors.* (tracer conversion, concretization) are not all TypeErrors
        if type(exc).__module__.startswith("jax"):
            raise _trace_error(exc) from exc
        raise
    obj.n_hvp_calls = 0
    if check:
        check_gradient(obj, seed=seed)
        check_hvp(obj, seed=seed)
    return obj
