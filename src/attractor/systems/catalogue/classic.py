"""The classic systems every text on chaos uses.

Equations and parameters are published facts (citations given per system). Default
initial conditions lie on the attractor; ``period`` is a characteristic time scale
(time units) and ``integration_dt`` a step that resolves it, matching the public
benchmark table of Gilpin (2021) where the system appears there. ``reference`` holds
published invariants with their sources; values that are only numerical estimates
say so in their source.
"""
from __future__ import annotations

from ...core.errors import ValidationError
from ...core.symbolic import SymbolicSpec
from ...core.system import SymbolicSystem
from ..registry import Entry, define, register

SPROTT = "J. C. Sprott, Chaos and Time-Series Analysis (Oxford University Press, 2003), Appendix A"
GP83 = "P. Grassberger and I. Procaccia, Physica D 9, 189 (1983)"
#: Source label of the dysts table estimates (numerical estimates, not ground truth).
DYSTS = "estimate: dysts 0.96 table (Gilpin 2021), not ground truth"

define(
    "Lorenz", "flow", "x y z", dict(sigma=10.0, rho=28.0, beta=8.0 / 3.0),
    ["sigma*(y - x)", "x*(rho - z) - y", "x*y - beta*z"],
    x0=[-9.7869288, -15.03852, 20.533978], dt=0.01, period=1.5008, integration_dt=3.0021e-4,
    citation="E. N. Lorenz, Deterministic nonperiodic flow, J. Atmos. Sci. 20, 130-141 (1963)",
    description="Truncated convection model; the prototypical strange attractor.",
    reference={
        "lyapunov_spectrum": ([0.9056, 0.0, -14.5723], SPROTT),
        "kaplan_yorke_dimension": (2.06215, SPROTT),
        "correlation_dimension": (2.05, GP83),
        "lyapunov_spectrum_estimated": ([1.09109, 0.0299412, -14.9156], DYSTS),
        "maximum_lyapunov_estimated": (0.89171, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.07516, DYSTS),
        "correlation_dimension_estimated": (1.99393, DYSTS),
        "pesin_entropy_estimated": (1.12103, DYSTS),
        "multiscale_entropy_estimated": (1.15415, DYSTS),
    },
    non_autonomous=False,
    note="beta = 8/3 exactly (the benchmark table of Gilpin 2021 rounds it to 2.667).",
    delay=False, tags=("chaotic", "dissipative", "polynomial"),
)

define(
    "Rossler", "flow", "x y z", dict(a=0.2, b=0.2, c=5.7),
    ["-y - z", "x + a*y", "b + z*(x - c)"],
    x0=[6.5134412, 0.4772013, 0.34164294], dt=0.05, period=5.9086, integration_dt=1.1819e-3,
    citation="O. E. Rössler, An equation for continuous chaos, Phys. Lett. A 57, 397-398 (1976)",
    description="Spiral (folded band) chaos with a single quadratic nonlinearity.",
    reference={"lyapunov_spectrum": ([0.0714, 0.0, -5.3943], SPROTT),
               "kaplan_yorke_dimension": (2.0132, SPROTT),
               "lyapunov_spectrum_estimated": ([0.0763301, 0.00752248, -5.74102], DYSTS),
               "maximum_lyapunov_estimated": (0.150597, DYSTS),
               "kaplan_yorke_dimension_estimated": (2.01461, DYSTS),
               "correlation_dimension_estimated": (1.79682, DYSTS),
               "pesin_entropy_estimated": (0.0838526, DYSTS),
               "multiscale_entropy_estimated": (0.605878, DYSTS)},
    non_autonomous=False,
    aliases=("Roessler", "Rössler"), delay=False, tags=("chaotic", "dissipative", "polynomial"),
)

define(
    "Chen", "flow", "x y z", dict(a=35.0, b=3.0, c=28.0),
    ["a*(y - x)", "(c - a)*x - x*z + c*y", "x*y - b*z"],
    x0=[3.2689697, 5.2990458, 19.435349], dt=0.005, period=0.58689, integration_dt=1.1740e-4,
    citation="G. Chen and T. Ueta, Yet another chaotic attractor, Int. J. Bifurcation Chaos 9, 1465 (1999)",
    description="Lorenz-like double scroll, dual to Lorenz in the sense of Vanecek & Celikovsky.",
    reference={"lyapunov_spectrum": ([2.0272, 0.0, -12.0272], SPROTT + " (Chen system entry)"),
               "lyapunov_spectrum_estimated": ([2.04712, -0.0503135, -11.8418], DYSTS),
               "maximum_lyapunov_estimated": (2.00596, DYSTS),
               "kaplan_yorke_dimension_estimated": (2.16862, DYSTS),
               "correlation_dimension_estimated": (2.0804, DYSTS),
               "pesin_entropy_estimated": (2.04731, DYSTS),
               "multiscale_entropy_estimated": (0.760453, DYSTS)},
    non_autonomous=False,
    delay=False, tags=("chaotic", "dissipative", "polynomial"),
)

define(
    "HenonHeiles", "flow", "x y px py", dict(lam=1.0),
    ["px", "py", "-x - 2*lam*x*y", "-y - lam*(x**2 - y**2)"],
    x0=[-0.29707259, -0.0031367513, 0.42548865, 0.071905482], dt=0.1, period=6.37, integration_dt=1.2742e-3,
    citation="M. Hénon and C. Heiles, The applicability of the third integral of motion: some numerical "
             "experiments, Astron. J. 69, 73 (1964)",
    description="Hamiltonian motion of a star in a galactic potential; chaotic above energy ~1/8.",
    hamiltonian=True, non_autonomous=False,
    reference={"lyapunov_spectrum_estimated": ([0.0267472, 0.0115009, -1.40571e-05, -0.011151], DYSTS),
               "maximum_lyapunov_estimated": (0.0355112, DYSTS),
               "correlation_dimension_estimated": (1.48337, DYSTS),
               "pesin_entropy_estimated": (0.0387087, DYSTS),
               "multiscale_entropy_estimated": (0.713779, DYSTS)},
    energy="(px**2 + py**2)/2 + (x**2 + y**2)/2 + lam*(x**2*y - y**3/3)",
    aliases=("Henon-Heiles", "Hénon–Heiles"), delay=False, tags=("chaotic", "conservative", "hamiltonian", "polynomial"),
)

define(
    "Duffing", "flow", "x y", dict(alpha=1.0, beta=-1.0, delta=0.1, gamma=0.35, omega=1.4),
    ["y", "-delta*y - beta*x - alpha*x**3 + gamma*cos(omega*t)"],
    x0=[-1.1635382, -0.5092374], dt=0.05, period=7.4496, integration_dt=1.4902e-3,
    citation="G. Duffing, Erzwungene Schwingungen bei veränderlicher Eigenfrequenz (Vieweg, 1918); "
             "parameters from the benchmark table of Gilpin (2021)",
    description="Periodically forced double-well oscillator; forcing enters as explicit time dependence.",
    non_autonomous=True,
    dysts_mapping="dysts integrates the forcing phase z = omega*t as a third state (dz/dt = omega, z0 = 0); "
                  "here the forcing is explicit in t, so dysts' state (x, y, z) is (x, y, omega*t) and "
                  "dysts' default initial condition (x0, y0, 0) is x0 = (x0, y0) at t0 = 0.",
    reference={"lyapunov_spectrum_estimated": ([0.0995205, 0.000307755, -0.175953], DYSTS),
               "maximum_lyapunov_estimated": (0.140265, DYSTS),
               "kaplan_yorke_dimension_estimated": (2.56122, DYSTS),
               "correlation_dimension_estimated": (2.01913, DYSTS),
               "pesin_entropy_estimated": (0.100087, DYSTS),
               "multiscale_entropy_estimated": (0.868657, DYSTS)},
    delay=False, tags=("chaotic", "non-autonomous", "forced"),
)

define(
    "Ueda", "flow", "x y", dict(k=0.05, B=7.5),
    ["y", "-k*y - x**3 + B*cos(t)"],
    x0=[2.5, 0.0], dt=0.05, period=6.283185307179586, integration_dt=1e-2,
    citation="Y. Ueda, Randomly transitional phenomena in the system governed by Duffing's equation, "
             "J. Stat. Phys. 20, 181-196 (1979)",
    description="Forced Duffing oscillator without linear stiffness (Japanese attractor).",
    non_autonomous=True, delay=False, tags=("chaotic", "non-autonomous"),
)


def _lorenz96(N: int = 4) -> SymbolicSystem:
    """Lorenz-96 ring of ``N`` sites: dx_i/dt = (x_{i+1} - x_{i-2}) x_{i-1} - x_i + f."""
    try:
        N = int(N)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"Lorenz96: N must be an integer >= 4; got {N!r}.") from exc
    if N < 4:
        raise ValidationError(f"Lorenz96: N must be an integer >= 4; got {N}.")
    states = tuple(f"x{i}" for i in range(N))
    eqs = tuple(f"(x{(i + 1) % N} - x{(i - 2) % N})*x{(i - 1) % N} - x{i} + f" for i in range(N))
    spec = SymbolicSpec("Lorenz96" if N == 4 else f"Lorenz96_N{N}", "flow", states, ("f",), eqs)
    if N == 4:
        x0 = [-2.46820633, 0.09570264, 1.59270902, 10.21372147]
    else:  # a small deterministic perturbation of the uniform fixed point x_i = f
        x0 = [20.0 + (0.01 if i == 0 else 0.0) for i in range(N)]
    meta = dict(citation="E. N. Lorenz, Predictability: a problem partly solved, ECMWF Seminar on "
                         "Predictability, Vol. I (1996)",
                description="Ring of N sites with advection, damping and forcing f; chaotic for f >~ 8.",
                period=2.1969, integration_dt=4.3945e-4, N=N, non_autonomous=False,
                delay=False, tags=("chaotic", "dissipative", "polynomial"))
    if N == 4:
        meta["reference"] = {
            "lyapunov_spectrum_estimated": ([1.6247, 0.171852, -1.19363, -3.55046], DYSTS),
            "maximum_lyapunov_estimated": (1.33617, DYSTS),
            "kaplan_yorke_dimension_estimated": (3.16982, DYSTS),
            "correlation_dimension_estimated": (2.25614, DYSTS),
            "pesin_entropy_estimated": (1.79655, DYSTS),
            "multiscale_entropy_estimated": (0.804673, DYSTS),
        }
    return SymbolicSystem(spec, {"f": 20.0}, x0=x0, dt=0.01, metadata=meta)


register(Entry("Lorenz96", "flow", _lorenz96, None, ("N",), ("Lorenz-96",),
               "Ring of N sites with advection, damping and forcing (any N >= 4, default 4).",
               frozenset({"chaotic", "dissipative", "polynomial"})))

# ------------------------------------------------------------------------- maps
define(
    "Henon", "map", "x y", dict(a=1.4, b=0.3),
    ["1 - a*x**2 + y", "b*x"],
    x0=[1.21674097, 0.03536533],
    citation="M. Hénon, A two-dimensional mapping with a strange attractor, Commun. Math. Phys. 50, "
             "69-77 (1976)",
    description="Quadratic area-contracting map (Jacobian determinant -b).",
    reference={"lyapunov_spectrum": ([0.41922, -1.62319], SPROTT),
               "kaplan_yorke_dimension": (1.25827, SPROTT),
               "correlation_dimension": (1.21, GP83)},
    aliases=("Hénon",), delay=False, tags=("chaotic", "dissipative", "polynomial"),
)

define(
    "Logistic", "map", "x", dict(r=3.9),
    ["r*x*(1 - x)"],
    x0=[0.51],
    citation="R. M. May, Simple mathematical models with very complicated dynamics, Nature 261, 459 (1976)",
    description="Population map; fully chaotic at r = 4 with Lyapunov exponent ln 2.",
    reference={"lyapunov_exponent_at_r4": (0.6931471805599453, "exact: ln 2 at r = 4 (conjugacy to the tent map)")},
    delay=False, tags=("chaotic", "polynomial"),
)

define(
    "Chirikov", "map", "p theta", dict(k=0.971635),
    ["p + k*sin(theta)", "theta + p + k*sin(theta)"],
    x0=[0.1, 0.1],
    citation="B. V. Chirikov, A universal instability of many-dimensional oscillator systems, Phys. Rep. "
             "52, 263-379 (1979)",
    description="Standard (kicked rotor) map, area preserving; written on the plane (unwrapped angles), "
                "so p and theta are not reduced modulo 2*pi.",
    aliases=("StandardMap", "Standard"), hamiltonian=True, unbounded_indices=(0, 1),
    delay=False, tags=("chaotic", "conservative"),
)

define(
    "Ikeda", "map", "x y", dict(u=0.9),
    ["1 + u*(x*cos(0.4 - 6/(1 + x**2 + y**2)) - y*sin(0.4 - 6/(1 + x**2 + y**2)))",
     "u*(x*sin(0.4 - 6/(1 + x**2 + y**2)) + y*cos(0.4 - 6/(1 + x**2 + y**2)))"],
    x0=[0.9, 0.55524451],
    citation="K. Ikeda, Multiple-valued stationary state and its instability of the transmitted light by a "
             "ring cavity system, Opt. Commun. 30, 257-261 (1979)",
    description="Light in a nonlinear optical ring cavity (Hammel-Jones-Moloney form).",
    delay=False, tags=("chaotic", "dissipative"),
)
