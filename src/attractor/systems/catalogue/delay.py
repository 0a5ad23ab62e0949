"""The six delay differential equations of dysts 0.96, integrated by the method of steps.

Each is ``dx/dt = f(t, x(t), x(t - tau))`` with one constant delay, the parameter
``tau``; in the equations ``x_tau`` stands for ``x(t - tau)`` (see
:class:`~attractor.core.delay.DelaySpec`). Parameters (dysts' names) and the default
initial value are dysts'; as in dysts, the default history is constant and equal to
the initial value (dysts' ``initial_conditions`` for these systems is a
10-dimensional delay embedding whose first entry is the value it integrates from;
``dysts_embedding_dimension`` records that size). ``dimension`` is the
instantaneous dimension 1: the true state is the function segment over one delay,
so finite-dimensional analyses raise :class:`~attractor.core.delay.DelayStateError`.

``period`` and ``integration_dt`` are dysts' table values; the default sampling step
is ``period / 100``. ``reference`` holds dysts' estimates, labelled as such.
"""
# ruff: noqa: E501
from __future__ import annotations

from typing import Any, Mapping, Sequence

from ...core.delay import DelaySpec, DelaySystem
from ..registry import Entry, register

__all__ = ["define_delay"]

#: Source label of the dysts table estimates stored in ``reference``.
DYSTS = "estimate: dysts 0.96 table (Gilpin 2021), not ground truth"


def define_delay(name: str, states: str | Sequence[str], parameters: Mapping[str, float], equations: Sequence[str],
                 *, x0: Sequence[float] | None = None, dt: float | None = None, delay: str = "tau",
                 aliases: Sequence[str] = (), tags: Sequence[str] = (), **metadata: Any) -> Entry:
    """Register a delay system given by text equations (``<state>_tau`` is the delayed state)."""
    state_names = tuple(states.split()) if isinstance(states, str) else tuple(states)
    defaults = {k: float(v) for k, v in parameters.items()}
    spec = DelaySpec(name, state_names, tuple(defaults), tuple(equations), delay)
    meta = dict(metadata)
    meta.setdefault("tags", tuple(tags))
    meta.setdefault("hamiltonian", False)

    def build(**params: float) -> DelaySystem:
        base = DelaySystem(spec, defaults, x0=x0, dt=dt, metadata=meta)
        return base.with_parameters(**params) if params else base

    build.__name__ = f"_delay_{name}"
    return register(Entry(name, "flow", build, len(state_names), (), tuple(aliases),
                          str(metadata.get("description", "")), frozenset(tags)))


define_delay(
    'MackeyGlass', "x", dict(beta=0.2, gamma=0.1, n=10.0, tau=16.0),
    ['beta*x_tau/(1 + x_tau**n) - gamma*x'],
    x0=[0.83347846], dt=0.0596, period=5.9612231, integration_dt=0.00120274,
    citation='M. C. Mackey and L. Glass, Oscillation and chaos in physiological control systems, Science 197, 287-289 (1977)',
    description="Blood-cell production with delayed feedback (Mackey-Glass); dysts' default delay is tau = 16, the classic chaotic case is tau = 17.",
    aliases=(),
    reference={
        "lyapunov_spectrum_estimated": ([0.21081, 0.163327, -0.0358078, -0.0413368, -0.0488908, -0.0598369, -0.077142, -0.108722, -0.185849, -2.24126], DYSTS),
        "maximum_lyapunov_estimated": (0.0728753, DYSTS),
        "kaplan_yorke_dimension_estimated": (8.01292, DYSTS),
        "correlation_dimension_estimated": (1.77508, DYSTS),
        "pesin_entropy_estimated": (0.374138, DYSTS),
    },
    dysts_embedding_dimension=10,
    tags=("chaotic", "delay"),
)

define_delay(
    'IkedaDelay', "x", dict(c=1.0, mu=-20.0, tau=2.0, x0=0.0),
    ['mu*sin(x_tau - x0) - c*x'],
    x0=[0.024144317], dt=0.0349, period=3.486528, integration_dt=0.00029832,
    citation='K. Ikeda and K. Matsumoto, High-dimensional chaotic behavior in systems with time-delayed feedback, Physica D 29, 223-235 (1987)',
    description='Ikeda delay equation of a passive optical resonator with delayed feedback (parameter x0 is a phase offset, not the initial condition).',
    aliases=(),
    reference={
        "lyapunov_spectrum_estimated": ([-0.113974, 0.0325837, -0.0676606, -0.0774457, -0.0905474, -0.109003, -0.136961, -0.184399, -0.283303, -0.639244], DYSTS),
        "maximum_lyapunov_estimated": (0.448298, DYSTS),
        "kaplan_yorke_dimension_estimated": (8.2843, DYSTS),
        "correlation_dimension_estimated": (1.21404, DYSTS),
        "pesin_entropy_estimated": (0.746558, DYSTS),
    },
    dysts_embedding_dimension=10,
    tags=("chaotic", "delay"),
)

define_delay(
    'SprottDelay', "x", dict(c=0.0, mu=1.0, x0=0.0, tau=5.1),
    ['mu*sin(x_tau - x0) - c*x'],
    x0=[9.30770542], dt=0.202, period=20.15628, integration_dt=0.0028125,
    citation='J. C. Sprott, A simple chaotic delay differential equation, Phys. Lett. A 366, 397-402 (2007)',
    description="Sprott's simplest chaotic delay equation dx/dt = sin(x(t - tau)) (Ikeda form with c = 0).",
    aliases=(),
    reference={
        "lyapunov_spectrum_estimated": ([0.205676, 0.0, -0.00887075, -0.00933691, -0.00985481, -0.0104336, -0.0110846, -0.0118224, -0.0126656, -0.0146013], DYSTS),
        "maximum_lyapunov_estimated": (0.0794702, DYSTS),
        "kaplan_yorke_dimension_estimated": (18.0134, DYSTS),
        "correlation_dimension_estimated": (1.68458, DYSTS),
        "pesin_entropy_estimated": (0.205676, DYSTS),
    },
    dysts_embedding_dimension=10,
    tags=("chaotic", "delay"),
)

define_delay(
    'VossDelay', "x", dict(alpha=3.24, tau=13.28),
    ['-alpha*x - 10.44*x_tau**3 - 13.95*x_tau**2 - 3.63*x_tau + 0.85'],
    x0=[0.24640194], dt=0.1, period=10.0, integration_dt=0.00531236,
    citation='H. U. Voss, Real-time anticipation of chaotic states of an electronic circuit, Int. J. Bifurcation Chaos 12, 1619-1625 (2002)',
    description='Electronic circuit with a cubic nonlinearity in a delayed feedback loop.',
    aliases=(),
    reference={
        "lyapunov_spectrum_estimated": ([0.0298478, 0.0107531, -0.00366341, -0.0042291, -0.00500196, -0.00612191, -0.00789251, -0.0111239, -0.0190164, -9.62505], DYSTS),
        "maximum_lyapunov_estimated": (0.0172609, DYSTS),
        "kaplan_yorke_dimension_estimated": (8.13505, DYSTS),
        "correlation_dimension_estimated": (0.321577, DYSTS),
        "pesin_entropy_estimated": (0.040601, DYSTS),
    },
    dysts_embedding_dimension=10,
    tags=("chaotic", "delay"),
)

define_delay(
    'ScrollDelay', "x", dict(alpha=0.2, beta=0.2, tau=10.0),
    ['-alpha*x_tau + beta*tanh(10*x_tau)'],
    x0=[-0.70009241], dt=1.52, period=152.40701, integration_dt=0.0306948,
    citation='R. D. Driver, Ordinary and Delay Differential Equations (Springer, New York, 1977)',
    description='Delay equation with a smoothed sign (tanh) nonlinearity, realisable as a circuit; multi-scroll chaos.',
    aliases=(),
    reference={
        "lyapunov_spectrum_estimated": ([0.0164529, 0.0, -0.00298036, -0.00334404, -0.00380897, -0.00442438, -0.00527771, -0.0065408, -0.0086052, -0.0126073], DYSTS),
        "maximum_lyapunov_estimated": (0.0248591, DYSTS),
        "kaplan_yorke_dimension_estimated": (6.35908, DYSTS),
        "correlation_dimension_estimated": (1.67313, DYSTS),
        "pesin_entropy_estimated": (0.0164529, DYSTS),
    },
    dysts_embedding_dimension=10,
    tags=("chaotic", "delay"),
)

define_delay(
    'PiecewiseCircuit', "x", dict(alpha=1.0, beta=1.0, c=2.24, tau=4.9),
    ['-alpha*x_tau + beta*(3*x_tau/c - (x_tau/c)**3)'],
    x0=[-0.37155972], dt=0.53, period=52.994849, integration_dt=0.0105947,
    citation='A. Tamasevicius, G. Mykolaitis and S. Bumeliene, Delayed feedback chaotic oscillator with improved spectral characteristics, Electron. Lett. 42, 736-737 (2006)',
    description='Delayed-feedback electronic oscillator with a cubic characteristic.',
    aliases=(),
    reference={
        "lyapunov_spectrum_estimated": ([0.0147856, 0.0, -0.000949455, -0.00109607, -0.00129637, -0.00158663, -0.00204552, -0.002883, -0.00492852, -0.555399], DYSTS),
        "maximum_lyapunov_estimated": (0.0361022, DYSTS),
        "kaplan_yorke_dimension_estimated": (9.09808, DYSTS),
        "correlation_dimension_estimated": (1.37157, DYSTS),
        "pesin_entropy_estimated": (0.0147856, DYSTS),
    },
    dysts_embedding_dimension=10,
    tags=("chaotic", "delay"),
)
