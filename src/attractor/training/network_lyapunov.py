"""Lyapunov spectra of recurrent networks: random rate networks and input-driven RNNs.

* :func:`rate_network` — the random rate network of Sompolinsky, Crisanti & Sommers (1988),
  ``dh/dt = −h + g J tanh(h)`` with ``J_ij ~ N(0, 1/N)``, as a
  :class:`~attractor.DynamicalSystem` (flow) with its exact Jacobian
  ``−I + g J diag(sech²(h))``, so :func:`attractor.lyapunov_spectrum` and
  :func:`attractor.fixed_points` apply to it unchanged.
* :func:`network_lyapunov_spectrum` — the full (or top-``k``) Lyapunov spectrum of a network
  whose tangent space is dense: autonomous flows and maps, and discrete RNNs driven by an input
  sequence (Engelken, Wolf & Abbott 2023). The ``k`` deviation vectors are propagated together
  as one ``N × k`` matrix: every tangent evaluation ``J(h) @ Q`` is a single matrix–matrix
  product (BLAS-3 GEMM), flows by classical RK4 on the joint system ``[h, Q]`` with a fixed step,
  and ``Q`` is re-orthonormalised by Householder QR every ``dt_renorm`` (Benettin et al. 1980;
  Shimada & Nagashima 1979). The cost is ``8 N² k`` flops per RK4 step plus ``~4 N k²`` per QR,
  so the method runs at the machine's GEMM rate; the result states the flops counted and the
  rate achieved.

Facts used by the tests (and worth knowing when reading a spectrum of a rate network):

* ``tr J(h) = −N + g Σ_i J_ii sech²(h_i)``, so the sum of all ``N`` exponents equals the time
  average of the trace (Liouville); with ``zero_diagonal=True`` it is exactly ``−N``, i.e. the
  mean exponent is ``−1``.
* For ``g < 1`` the origin is (for large ``N``) the global attractor and the exponents are the
  real parts of the eigenvalues of ``−I + g J``; for ``g > 1`` the network is chaotic in the
  limit ``N → ∞`` (Sompolinsky et al. 1988); at finite ``N`` a network with ``g`` slightly above 1
  may settle on a fixed point or a limit cycle instead.

References
----------
Sompolinsky, H., Crisanti, A. & Sommers, H. J. (1988). Chaos in random neural networks. Phys. Rev.
Lett. 61, 259–262.
Engelken, R., Wolf, F. & Abbott, L. F. (2023). Lyapunov spectra of chaotic recurrent neural
networks. Phys. Rev. Research 5, 043044.
Benettin, G., Galgani, L., Giorgilli, A. & Strelcyn, J.-M. (1980). Meccanica 15, 9–30.
"""
from __future__ import annotations

import math
import time
from types import MappingProxyType
from typing import Any, Callable

import numpy as np

from ..dynamics.lyapunov import MIN_RENORMALISATIONS, LyapunovSpectrumResult, _block_stderr, _qr_positive
from ..core.errors import DivergenceError, InsufficientDataError, IntegrationError, ValidationError
from ..core.system import DynamicalSystem
from ..core.validation import as_float_array, as_state, check_nonnegative_int, check_positive_float, check_positive_int
from ._rnn_common import as_network

__all__ = ["RateNetwork", "rate_network", "network_lyapunov_spectrum"]


# ====================================================================== rate network
class RateNetwork(DynamicalSystem):
    """Random rate network ``dh/dt = −h + g J tanh(h)`` (Sompolinsky, Crisanti & Sommers 1988).

    Parameters
    ----------
    coupling : numpy.ndarray, shape (N, N)
        The connectivity ``J`` (the gain ``g`` multiplies it).
    g : float
        Gain.
    x0 : array_like, shape (N,), optional
        Default initial condition (default: standard normal, from ``seed``).
    seed : int, optional
        Recorded in the metadata.
    drive : callable, optional
        External input ``I(t) -> (N,)`` added to the vector field, ``dh/dt = −h + g J tanh(h) + I(t)``
        (the system becomes non-autonomous; the Jacobian does not change). A strong drive suppresses
        chaos (Rajan, Abbott & Sompolinsky 2010).

    Attributes
    ----------
    coupling : numpy.ndarray
    parameters : mapping ``{"g": g}`` (``with_parameters(g=...)`` keeps ``J``).
    """

    def __init__(self, coupling, g: float, *, x0=None, seed=None, metadata: dict | None = None,
                 drive: Callable | None = None):
        J = as_float_array(coupling, "coupling", ndim=2)
        if J.shape[0] != J.shape[1] or J.shape[0] < 1:
            raise ValidationError(f"coupling must be a square (N, N) matrix; got shape {J.shape}.")
        g = float(g)
        if not math.isfinite(g):
            raise ValidationError(f"g must be finite; got {g!r}.")
        N = J.shape[0]
        self.coupling = J
        self.coupling.setflags(write=False)
        self.name = "rate_network"
        self.kind = "flow"
        self.dimension = N
        self.state_names = tuple(f"h{i}" for i in range(N))
        self.parameters = MappingProxyType({"g": g})
        if x0 is None:
            x0 = np.random.default_rng(seed).standard_normal(N)
        self.default_x0 = as_state(x0, N, "x0", ensemble=False).copy()
        # also the default RK4 step of network_lyapunov_spectrum: its bias on an exponent λ is about
        # h⁴ |λ|⁵ / 120 (the RK4 stability function), 7e-4 at λ = −2.2 (the bottom of the g = 2 spectrum)
        self.default_dt = 0.2
        meta = {"citation": "Sompolinsky, Crisanti & Sommers, Phys. Rev. Lett. 61, 259 (1988)",
                "description": "random rate network dh/dt = -h + g J tanh(h), J_ij ~ N(0, 1/N)",
                "seed": seed}
        meta.update(metadata or {})
        if drive is not None:
            if not callable(drive):
                raise ValidationError(f"drive must be a callable I(t) -> (N,); got {type(drive).__name__}.")
            d0 = np.asarray(drive(0.0), dtype=float)
            if d0.shape != (N,) or not np.all(np.isfinite(d0)):
                raise ValidationError(f"drive(0.0) must return {N} finite values; got shape {d0.shape}.")
        meta["non_autonomous"] = drive is not None
        self.metadata = MappingProxyType(meta)
        self.drive = drive
        self._gJ = g * J

    def rhs(self, x, t: float = 0.0) -> np.ndarray:
        x = self._check_state(x)
        out = self._gJ @ np.tanh(x) - x
        if self.drive is not None:
            out += np.asarray(self.drive(t), dtype=float)
        return out

    def jacobian(self, x, t: float = 0.0) -> np.ndarray:
        """Exact Jacobian ``−I + g J diag(sech²(h))``."""
        x = self._check_state(x)
        Jx = self._gJ * (1.0 / np.cosh(x) ** 2)[None, :]
        Jx.flat[:: self.dimension + 1] -= 1.0
        return Jx

    def with_parameters(self, **parameters: float) -> "RateNetwork":
        new = self._check_parameters(parameters)
        return RateNetwork(self.coupling, new["g"], x0=self.default_x0, seed=self.metadata.get("seed"),
                           metadata=dict(self.metadata), drive=self.drive)


def rate_network(N: int, g: float, seed=None, *, zero_diagonal: bool = False, x0=None,
                 drive: Callable | None = None) -> RateNetwork:
    """A random rate network ``dh/dt = −h + g J tanh(h)`` with ``J_ij ~ N(0, 1/N)``.

    Parameters
    ----------
    N : int >= 1
        Number of units.
    g : float >= 0
        Gain (chaos in the large-``N`` limit for ``g > 1``).
    seed : int or numpy.random.Generator, optional
        Seeds ``J`` and then the default initial condition ``x0 ~ N(0, I)``: same seed, same network.
    zero_diagonal : bool
        Set ``J_ii = 0`` (no self-coupling; then ``tr J(h) = −N`` exactly and the exponents average
        to exactly −1).
    x0 : array_like, optional
        Default initial condition instead of the random one.
    drive : callable, optional
        External input ``I(t) -> (N,)`` (see :class:`RateNetwork`).

    Returns
    -------
    RateNetwork
        A flow with exact Jacobian (time unit: the single-unit time constant).

    Examples
    --------
    >>> import attractor.training as tr
    >>> net = tr.rate_network(200, 2.0, seed=0)
    >>> net.dimension, net.kind
    (200, 'flow')
    """
    N = check_positive_int(N, "N")
    g = check_positive_float(g, "g", allow_zero=True)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    J = rng.standard_normal((N, N)) / math.sqrt(N)
    if zero_diagonal:
        np.fill_diagonal(J, 0.0)
    if x0 is None:
        x0 = rng.standard_normal(N)
    return RateNetwork(J, g, x0=x0, seed=None if isinstance(seed, np.random.Generator) else seed,
                       metadata={"zero_diagonal": bool(zero_diagonal)}, drive=drive)


# ====================================================================== spectrum
def network_lyapunov_spectrum(model, n_exponents: int | None = None, *, inputs=None, x0=None,
                              t_total: float | None = None, n_steps: int | None = None,
                              dt_renorm: float | None = None, step: float | None = None,
                              transient: float | None = None, seed=None, jacobian: Callable | None = None,
                              kind: str | None = None, n_blocks: int = 10,
                              max_norm: float = 1e12) -> LyapunovSpectrumResult:
    """Lyapunov spectrum of a recurrent network by QR on a dense tangent space (BLAS-3).

    Parameters
    ----------
    model : DynamicalSystem, callable, or fitted RNN
        A flow or map (e.g. :func:`rate_network`, ``GRU(...).fit(...).to_system(False)``), a NumPy
        step function ``step(h, u) -> h_next`` (``kind="map"``, the default for callables) or vector
        field ``f(h, u)`` (``kind="flow"``), or a fitted attractor RNN / Equinox module with
        ``step(h, u)`` (compiled with JAX; Jacobian by ``jax.jacfwd``).
    n_exponents : int, optional
        ``k`` largest exponents (default all ``N``).
    inputs : array_like, shape (T, n_inputs), optional
        Maps only: the input sequence driving the network, ``h_{t+1} = F(h_t, u_t)`` (Engelken,
        Wolf & Abbott 2023). The exponents are those of the driven network (input-conditioned);
        ``transient`` steps of it are used to align the deviation vectors and the remaining
        ``T − transient`` are averaged. Without inputs, a step function is called with ``u=None``.
    x0 : array_like, shape (N,)
        Initial state (default: ``model.default_x0`` for systems; required for functions).
    t_total : float, optional
        Flows: averaging time after the transient, time units (default 1000).
    n_steps : int, optional
        Autonomous maps: iterations after the transient (default 10 000).
    dt_renorm : float or int, optional
        Time (flows, default 1.0) or iterations (maps, default 1) between QR re-orthonormalisations.
    step : float, optional
        Flows: fixed RK4 step (default ``model.default_dt`` — 0.2 for :func:`rate_network` — or 0.1;
        shortened so a whole number of steps fits in ``dt_renorm``). Over a step the RK4 stability
        function ``R(hλ)`` replaces ``e^{hλ}``, which biases an exponent ``λ`` by about
        ``h⁴ λ⁵ / 120`` (7e-4 for λ = −2.2 at h = 0.2; 16x less at h = 0.1).
    transient : float or int, optional
        Lead-in before averaging (default 5 % of the averaging length; with ``inputs``, 5 % of ``T``).
    seed : int, optional
        Seeds the random orthonormal initial deviation vectors.
    jacobian : callable, optional
        ``jacobian(h, u) -> (N, N)`` for a step function (default: central differences).
    kind : {"map", "flow"}, optional
        For a step function.
    n_blocks : int
        Blocks for the standard errors (as :func:`attractor.lyapunov_spectrum`).
    max_norm : float
        A state with ``|h_i| > max_norm`` or non-finite counts as divergence.

    Returns
    -------
    LyapunovSpectrumResult
        Same fields as :func:`attractor.lyapunov_spectrum`; ``settings`` adds ``backend``
        (``"blas3"``), ``flops`` (counted: ``2 N² k`` per ``J @ Q``, ``4 N k² − 4k³/3`` per QR),
        ``seconds`` (wall time of the loop), ``gflops_per_s``, and ``mean_trace`` — the time
        average of ``tr J(h)``, which the sum of all ``N`` exponents equals (Liouville), the
        built-in accuracy check.

    Raises
    ------
    ValidationError
        Bad arguments; a step function or Jacobian with the wrong output shape or non-finite
        output (the message names which); non-finite ``inputs`` or ``x0``.
    InsufficientDataError
        Fewer than 20 renormalisation intervals to average.
    DivergenceError
        The state left ``|h_i| <= max_norm``.
    IntegrationError
        The deviation vectors over- or underflowed within one interval (reduce ``dt_renorm``).
    """
    net = as_network(model, jacobian=jacobian, kind=kind)
    is_system = isinstance(model, DynamicalSystem)
    if x0 is None:
        x0 = getattr(model, "default_x0", None) if is_system else None
        if x0 is None and hasattr(model, "hidden_last_"):
            x0 = model.hidden_last_
        if x0 is None:
            raise ValidationError(f"{net.name}: give x0 (the initial state of the network).")
    x = as_state(x0, net.dimension if net.dimension is not None else np.size(x0), "x0", ensemble=False).copy()
    x = np.ascontiguousarray(x, dtype=float)
    N = x.shape[0]
    k = N if n_exponents is None else check_positive_int(n_exponents, "n_exponents")
    if k > N:
        raise ValidationError(f"n_exponents={k} exceeds the {N} units of the network.")
    max_norm = check_positive_float(max_norm, "max_norm")
    n_blocks = check_positive_int(n_blocks, "n_blocks")
    U = None
    if inputs is not None:
        if net.kind != "map":
            raise ValidationError("inputs drive a discrete-time network (a map); for a flow put the drive in the "
                                  "vector field (a non-autonomous system).")
        if is_system:
            raise ValidationError("inputs need a step function step(h, u) or an RNN model; a DynamicalSystem is "
                                  "autonomous.")
        U = as_float_array(inputs, "inputs", ndim=(1, 2))
        if U.ndim == 1:
            U = U[:, None]
    if net.kind == "flow":
        if n_steps is not None or U is not None:
            raise ValidationError("n_steps counts iterations of a map; for a flow give t_total (time units).")
        dt = check_positive_float(1.0 if dt_renorm is None else dt_renorm, "dt_renorm")
        total = check_positive_float(1000.0 if t_total is None else t_total, "t_total")
        h0 = getattr(model, "default_dt", 0.1) if (step is None and is_system) else (0.1 if step is None else step)
        h0 = check_positive_float(h0, "step")
        n_sub = max(1, int(math.ceil(dt / h0 - 1e-9)))
        h = dt / n_sub
        n_ren = int(round(total / dt))
        tr = 0.05 * total if transient is None else check_positive_float(transient, "transient", allow_zero=True)
        n_tr = int(math.ceil(tr / dt - 1e-9))
    else:
        if t_total is not None or step is not None:
            raise ValidationError("t_total and step are for flows; for a map give n_steps (or inputs).")
        dt = check_positive_int(1 if dt_renorm is None else dt_renorm, "dt_renorm (iterations, for a map)")
        if U is not None:
            if n_steps is not None:
                raise ValidationError("with inputs the number of steps is len(inputs); do not give n_steps.")
            T = U.shape[0]
            tr = T // 20 if transient is None else check_nonnegative_int(transient, "transient")
            if tr >= T:
                raise InsufficientDataError(f"transient={tr} leaves none of the {T} input steps to average over.")
            n_tr = -(-tr // dt)
            n_ren = (T - n_tr * dt) // dt
        else:
            total = check_positive_int(10_000 if n_steps is None else n_steps, "n_steps")
            tr = total // 20 if transient is None else check_nonnegative_int(transient, "transient")
            n_tr = -(-tr // dt)
            n_ren = total // dt
        n_sub, h = dt, 1.0
    if n_ren < MIN_RENORMALISATIONS:
        raise InsufficientDataError(f"only {n_ren} renormalisation interval(s) of dt_renorm={dt:g} fit after the "
                                    f"transient; at least {MIN_RENORMALISATIONS} are needed (lengthen the run or "
                                    "shorten dt_renorm).")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((N, k)))
    # one checked call (shapes, finiteness, with clear errors), then the unchecked functions in the
    # loop: divergence of the state and non-finite deviation vectors are caught there anyway
    u0 = 0.0 if is_system else (None if U is None else U[0])
    net.F(x, u0)
    net.J(x, u0)
    F = net.F_raw or net.F
    Jf = net.J_raw or net.J
    timed = is_system   # a DynamicalSystem gets the time (non-autonomous systems, e.g. a driven network)
    logs = np.empty((n_ren, k))
    trace_sum = 0.0
    n_calls = 0
    t = 0.0
    t_start = time.perf_counter()
    for r in range(n_tr + n_ren):
        rec = r >= n_tr
        for s in range(n_sub):
            if net.kind == "flow":
                t1, t2, t4 = (t, t + 0.5 * h, t + h) if timed else (None, None, None)
                k1x, A1 = F(x, t1), Jf(x, t1)
                k1Q = A1 @ Q
                x2 = x + 0.5 * h * k1x
                k2x, A2 = F(x2, t2), Jf(x2, t2)
                k2Q = A2 @ (Q + 0.5 * h * k1Q)
                x3 = x + 0.5 * h * k2x
                k3x, A3 = F(x3, t2), Jf(x3, t2)
                k3Q = A3 @ (Q + 0.5 * h * k2Q)
                x4 = x + h * k3x
                k4x, A4 = F(x4, t4), Jf(x4, t4)
                k4Q = A4 @ (Q + h * k3Q)
                xn = x + (h / 6.0) * (k1x + 2 * k2x + 2 * k3x + k4x)
                k2Q += k3Q
                k2Q *= 2.0
                k2Q += k1Q
                k2Q += k4Q
                k2Q *= h / 6.0
                Q = Q + k2Q
                if rec:
                    trace_sum += (h / 6.0) * (np.trace(A1) + 2 * np.trace(A2) + 2 * np.trace(A3) + np.trace(A4))
                n_calls += 4
                t = ((r * n_sub) + s + 1) * h
            else:
                u = t if timed else (None if U is None else U[r * dt + s])
                A = Jf(x, u)
                xn = F(x, u)
                Q = A @ Q
                if rec:
                    sign, logdet = np.linalg.slogdet(A) if k == N else (1.0, 0.0)
                    trace_sum += logdet
                n_calls += 1
                t += 1.0
            if not np.all(np.abs(xn) <= max_norm):
                raise DivergenceError(
                    f"{net.name} diverged at t = {t:.6g}: the state left |h_i| <= {max_norm:g} (or became "
                    f"non-finite). Last finite state: {np.array2string(x, precision=4, threshold=8)}.", t, x)
            x = xn
        if not np.all(np.isfinite(Q)):
            raise IntegrationError(f"{net.name}: the deviation vectors became non-finite at t = {t:.6g}; reduce "
                                   "dt_renorm.", t, x)
        Q, d = _qr_positive(Q)
        if not np.all(d > 0):
            raise IntegrationError(f"{net.name}: a deviation vector collapsed to zero at t = {t:.6g} (a singular "
                                   "Jacobian along the orbit, or dt_renorm too long).", t, x)
        if rec:
            logs[r - n_tr] = np.log(d)
    seconds = time.perf_counter() - t_start
    per_renorm = dt if net.kind == "flow" else float(dt)
    local = logs / per_renorm
    span = n_ren * per_renorm
    exps = logs.sum(axis=0) / span
    history = np.cumsum(logs, axis=0) / (per_renorm * np.arange(1, n_ren + 1))[:, None]
    flops = float(n_calls) * 2.0 * N * N * k + float(n_tr + n_ren) * (4.0 * N * k * k - 4.0 * k ** 3 / 3.0)
    settings: dict[str, Any] = dict(
        dt_renorm=dt, n_renorm=n_ren, transient=n_tr * dt, x0=np.asarray(x0, dtype=float).copy(),
        seed=seed if not isinstance(seed, np.random.Generator) else "Generator", n_blocks=n_blocks,
        max_norm=max_norm, n_exponents=k, jacobian=net.jacobian_kind, backend="blas3", n_steps=n_calls,
        flops=flops, seconds=seconds, gflops_per_s=flops / max(seconds, 1e-12) / 1e9, inputs=U is not None)
    if net.kind == "flow":
        settings.update(method="rk4", step=h, mean_trace=trace_sum / span)
    elif k == N:
        settings.update(mean_log_det=trace_sum / span)
    times = (n_tr + np.arange(1, n_ren + 1, dtype=float)) * per_renorm
    return LyapunovSpectrumResult(exps, _block_stderr(local, n_blocks), history, times, local, net.name, net.kind,
                                  x.copy(), settings)
