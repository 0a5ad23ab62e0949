"""The continuous-time systems of the dysts benchmark (Gilpin 2021), each under dysts' name.

Every flow of dysts 0.96 that is not already in :mod:`.classic` (Lorenz, Rossler, Chen,
HenonHeiles, Duffing, Lorenz96) or :mod:`.delay` (the six delay equations) is defined
here as text equations (see :class:`~attractor.core.symbolic.SymbolicSpec`), with
dysts' default parameters (dysts' parameter names) and default initial condition.
The equations are the published ones in the form used by dysts, written out as
SymPy expressions: ``benchmarks/validate_catalogue.py`` checks each right-hand side
against dysts at random states.

Conventions
-----------
* ``period`` is dysts' characteristic (dominant Fourier) time scale and
  ``integration_dt`` its integration step; the default sampling step ``dt`` is
  ``period / 100`` (3 significant digits), so ``trajectory(n)`` gives about 100
  points per period.
* **Forced systems.** dysts integrates periodic forcing as an extra state, the forcing
  phase (``z``, ``th`` or ``tt``, always the last state, with a constant rate such as
  ``dz/dt = omega``). Since that phase is part of dysts' state, it is kept here: those
  systems are autonomous extensions (``non_autonomous=False``) flagged ``forced=True``
  with ``phase_variable`` naming the phase state; the phase grows without bound
  (``unbounded_indices``). Only ``Torus`` depends on ``t`` explicitly
  (``non_autonomous=True``), as in dysts.
* **Vector and matrix parameters** of dysts (BeerRNN, Hopfield, MacArthur, MultiChua,
  InteriorSquirmer, BickleyJet) are flattened into scalar parameters: vector ``c``
  becomes ``c0, c1, ...`` and matrix ``w`` becomes ``w0_0, w0_1, ...`` (row-major);
  ``metadata['array_parameters']`` says which.
* ``reference`` holds dysts' own numerical estimates (Lyapunov spectrum, maximum
  exponent, Kaplan-Yorke and correlation dimensions, Pesin and multiscale entropies)
  under keys ending in ``_estimated``; they are estimates, not ground truth.
* Non-smooth right-hand sides use ``Abs``, ``Max``/``Min`` and ``Piecewise``; a step
  (Heaviside) or ``sign`` factor multiplying a state-dependent term is written as a
  ``Piecewise`` so that the Jacobian stays piecewise smooth (SymPy would otherwise
  differentiate the step into a ``DiracDelta``, which has no pointwise value).
"""
# ruff: noqa: E501
from __future__ import annotations

from ..registry import define

__all__: list[str] = []

#: Source label of the dysts table estimates stored in ``reference``.
DYSTS = "estimate: dysts 0.96 table (Gilpin 2021), not ground truth"

define(
    'Aizawa', 'flow', 'x y z',
    dict(a=0.95, b=0.7, c=0.6, d=3.5, e=0.25, f=0.1),
    [
        '-b*x - d*y + x*z',
        '-b*y + d*x + y*z',
        'a*z + c - e*x**2*z - e*y**2*z + f*x**3*z - x**2 - y**2 - z**3/3',
    ],
    x0=[-0.78450179, -0.62887672, -0.17620268], dt=0.0258, period=2.5837, integration_dt=0.000516826,
    citation='Aizawa, Yoji, and Tatsuya Uezu (1982). Topological Aspects in Chaos and in 2 k-Period Doubling Cascade. Progress of Theoretical Physics 67.3 (1982): 982-985. See also Langford (1984). Numerical studies of torus bifurcations. Numerical Methods for Bifurcation Problems. Birkhauser, Basel, 1984. 285-295.',
    description='Torus-shaped attractor with a spiral tube, studied for period-doubling cascades.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0894788, 0.0203055, -0.309073], DYSTS),
        "maximum_lyapunov_estimated": (0.134896, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.35013, DYSTS),
        "correlation_dimension_estimated": (1.89265, DYSTS),
        "pesin_entropy_estimated": (0.109784, DYSTS),
        "multiscale_entropy_estimated": (0.514512, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'AnishchenkoAstakhov', 'flow', 'x y z',
    dict(eta=0.5, mu=1.2),
    [
        'mu*x - x*z + y',
        '-x',
        'eta*Piecewise((x**2, x > 0), (0, True)) - eta*z',
    ],
    x0=[3.6225814, 3.3226339, 1.9973142], dt=0.0681, period=6.814, integration_dt=0.00136303,
    citation='Anishchenko, et al. Nonlinear dynamics of chaotic and stochastic systems: tutorial and modern developments. 2007.',
    description='Inertial nonlinearity oscillator (Anishchenko-Astakhov generator) with a one-sided quadratic term.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0397776, 0.000878554, -0.440253], DYSTS),
        "maximum_lyapunov_estimated": (0.101077, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.09164, DYSTS),
        "correlation_dimension_estimated": (1.93409, DYSTS),
        "pesin_entropy_estimated": (0.0407159, DYSTS),
        "multiscale_entropy_estimated": (0.761234, DYSTS),
    },
    tags=('chaotic', 'non-smooth'),
)

define(
    'Arneodo', 'flow', 'x y z',
    dict(a=-5.5, b=4.5, c=1.0, d=-1.0),
    [
        'y',
        'z',
        '-a*x - b*y - c*z + d*x**3',
    ],
    x0=[-2.7515698, 0.19079818, 3.4703629], dt=0.0316, period=3.1641, integration_dt=0.000632925,
    citation='Arneodo, A., Coullet, P. & Tresser, C. Occurence of strange attractors in three-dimensional Volterra equations. Physics Letters A 79, 259--263 (1980)',
    description='Third-order (jerk) form of a Lotka-Volterra-type system; the ACT attractor.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.242857, -0.000616872, -1.21698], DYSTS),
        "maximum_lyapunov_estimated": (0.237375, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.19861, DYSTS),
        "correlation_dimension_estimated": (1.93334, DYSTS),
        "pesin_entropy_estimated": (0.242875, DYSTS),
        "multiscale_entropy_estimated": (0.73884, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'ArnoldBeltramiChildress', 'flow', 'x y z',
    dict(a=1.73205, b=1.41421, c=1.0),
    [
        'a*sin(z) + c*cos(y)',
        'a*cos(z) + b*sin(x)',
        'b*cos(x) + c*sin(y)',
    ],
    x0=[147.91266, -1762.805, -647.37622], dt=0.0285, period=2.8508, integration_dt=0.000570255,
    citation='V. I. Arnold, Journal of Applied Mathematics and Mechanics 30, 223 (1966).',
    description='ABC flow: a steady Beltrami solution of the 3-D Euler equations with chaotic streamlines.',
    hamiltonian=False, non_autonomous=False, delay=False,
    unbounded_indices=(0, 1, 2),
    reference={
        "lyapunov_spectrum_estimated": ([1.47222, -0.0182404, -2.37856], DYSTS),
        "maximum_lyapunov_estimated": (0.36673, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.61228, DYSTS),
        "correlation_dimension_estimated": (1.93043, DYSTS),
        "pesin_entropy_estimated": (1.47222, DYSTS),
        "multiscale_entropy_estimated": (1.27595, DYSTS),
    },
    tags=('chaotic',),
)

define(
    'ArnoldWeb', 'flow', 'p1 p2 x1 x2 z',
    dict(mu=0.01, w=1.0),
    [
        '-mu*sin(x1)/(cos(x1) + cos(x2) + cos(z) + 4)**2',
        '-mu*sin(x2)/(cos(x1) + cos(x2) + cos(z) + 4)**2',
        'p1',
        'p2',
        'w',
    ],
    x0=[0.10469507, 0.0892929984, 11025.3686, 6055.32273, 0.1], dt=0.672, period=67.25, integration_dt=0.0134522,
    citation='Froeschle, C., Guzzo, M. & Legga, E (2000). Graphical evolution of the Arnold web: From order to chaos. Science 289.',
    description='Weakly coupled rotors whose resonances form the Arnold web; chaotic diffusion along it.',
    hamiltonian=True, non_autonomous=False, forced=True, phase_variable='z', delay=False,
    unbounded_indices=(2, 3, 4),
    reference={
        "lyapunov_spectrum_estimated": ([0.0626631, 0.00321772, 0.00112815, -0.0023362, -0.00391963], DYSTS),
        "maximum_lyapunov_estimated": (0.0651441, DYSTS),
        "kaplan_yorke_dimension_estimated": (22.5547, DYSTS),
        "correlation_dimension_estimated": (2.27193, DYSTS),
        "pesin_entropy_estimated": (0.0670681, DYSTS),
        "multiscale_entropy_estimated": (0.620621, DYSTS),
    },
    tags=('chaotic', 'conservative', 'hamiltonian', 'forced'),
)

define(
    'AtmosphericRegime', 'flow', 'x y z',
    dict(alpha=-2.0, beta=-5.0, mu1=0.05, mu2=-0.01, omega=3.0, sigma=1.1),
    [
        'mu1*x + sigma*x*y',
        'alpha*y*z + beta*z**2 + mu2*y + omega*z - sigma*x**2',
        '-alpha*y**2 - beta*y*z + mu2*z - omega*y',
    ],
    x0=[0.026544189906947246, 0.20580772677536016, 0.43758119702219506], dt=0.896, period=89.594968, integration_dt=0.017922,
    citation='Tuwankotta (2006). Chaos in a coupled oscillators system with widely spaced frequencies and energy-preserving non-linearity',
    description='Low-order model of atmospheric regime changes with widely separated time scales.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "maximum_lyapunov_estimated": (0.0105433, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.18596, DYSTS),
        "correlation_dimension_estimated": (1.09062, DYSTS),
        "pesin_entropy_estimated": (0.305557, DYSTS),
        "multiscale_entropy_estimated": (0.427878, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'BeerRNN', 'flow', 'x0 x1 x2',
    dict(tau0=1.0, tau1=2.5, tau2=1.0, theta0=-4.108, theta1=-2.787, theta2=-1.114, w0_0=5.422, w0_1=-0.018, w0_2=2.75, w1_0=-0.24, w1_1=4.59, w1_2=1.21, w2_0=0.535, w2_1=-2.25, w2_2=3.885),
    [
        '(1.0*w0_0/(exp(-theta0 - x0) + 1.0) + 1.0*w0_1/(exp(-theta1 - x1) + 1.0) + 1.0*w0_2/(exp(-theta2 - x2) + 1.0) - x0)/tau0',
        '(1.0*w1_0/(exp(-theta0 - x0) + 1.0) + 1.0*w1_1/(exp(-theta1 - x1) + 1.0) + 1.0*w1_2/(exp(-theta2 - x2) + 1.0) - x1)/tau1',
        '(1.0*w2_0/(exp(-theta0 - x0) + 1.0) + 1.0*w2_1/(exp(-theta1 - x1) + 1.0) + 1.0*w2_2/(exp(-theta2 - x2) + 1.0) - x2)/tau2',
    ],
    x0=[1.5014532, 2.3742845, 0.65819415], dt=1.82, period=181.58, integration_dt=0.0363221,
    citation='Beer, R. D. (1995). On the dynamics of small continuous-time recurrent neural networks. Adapt. Behav., 3(4), 4692013509.',
    description='Three-neuron continuous-time recurrent neural network with logistic activations.',
    hamiltonian=False, non_autonomous=False, delay=False,
    array_parameters='tau, theta (vectors) and w (3x3 matrix)',
    reference={
        "lyapunov_spectrum_estimated": ([0.0162746, -0.000118035, -0.531887], DYSTS),
        "maximum_lyapunov_estimated": (0.0387678, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.03038, DYSTS),
        "correlation_dimension_estimated": (1.42743, DYSTS),
        "pesin_entropy_estimated": (0.0164745, DYSTS),
        "multiscale_entropy_estimated": (0.524481, DYSTS),
    },
    tags=('chaotic',),
)

define(
    'BelousovZhabotinsky', 'flow', 'x z v',
    dict(c1=-8.03474, c10=0.0223915, c11=7.53559e-05, c12=8.07384e-06, c13=-0.000499825, c2=0.05408, c3=-0.0115886, c4=832.587, c5=-0.029155, c6=0.00321617, c7=-0.01352, c8=-0.0831709, c9=-0.0199985, ci=0.000833, kf=0.00035, t0=2308.62, y0=7.72571e-06, yb1=6.92813e-07, yb2=2.00869, yb3=0.01352, z0=8.33e-06),
    [
        't0*(c1*v*yb1*z*Max(0, x)/(y0*(kf + x*yb2 + yb3)) + c2*v*yb1*z/(y0*(kf + x*yb2 + yb3)) + c3*Max(0, x)**2 + c4*(ci - z*z0)*sqrt(Max(0, x)) + c5*z*Max(0, x) - kf*Max(0, x))',
        't0*(c6*(ci - z*z0)*sqrt(Max(0, x))/z0 + c7*z*Max(0, x) + c8*v*z + c9*z - kf*z)',
        't0*(c10*v*yb1*z*Max(0, x)/(y0*(kf + x*yb2 + yb3)) + c11*v*yb1*z/(y0*(kf + x*yb2 + yb3)) + c12*Max(0, x)**2 + c13*v*z - kf*v)',
    ],
    x0=[0.023491701, 0.61703254, 0.84669066], dt=0.000383, period=0.038257, integration_dt=3.65201e-06,
    citation='Gyorgyi and Field (1992). A three-variable model of deterministic chaos in the Belousov-Zhabotinsky reaction. Nature.',
    description='Three-variable reduced model of the Belousov-Zhabotinsky reaction (Gyorgyi-Field).',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([114.645, -0.466986, -5529.05], DYSTS),
        "maximum_lyapunov_estimated": (132.088, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.02065, DYSTS),
        "correlation_dimension_estimated": (0.859964, DYSTS),
        "pesin_entropy_estimated": (114.645, DYSTS),
        "multiscale_entropy_estimated": (0.876419, DYSTS),
    },
    tags=('chaotic', 'non-smooth'),
)

define(
    'BickleyJet', 'flow', 'y x z',
    dict(ell=1.77, eps0=0.0075, eps1=0.15, eps2=0.3, k0=0.313922, k1=0.627845, k2=0.941767, omega=1.0, sigma0=9.05854e-06, sigma1=1.28453e-05, sigma2=2.88863e-05, u=6.266e-05),
    [
        'ell*u*(eps0*k0*sin(k0*(-sigma0*z + x)) + eps1*k1*sin(k1*(-sigma1*z + x)) + eps2*k2*sin(k2*(-sigma2*z + x)))/cosh(y/ell)**2',
        'u*(-(2*eps0*cos(k0*(-sigma0*z + x)) + 2*eps1*cos(k1*(-sigma1*z + x)) + 2*eps2*cos(k2*(-sigma2*z + x)))*tanh(y/ell) - 1)/cosh(y/ell)**2',
        'omega',
    ],
    x0=[-0.4, 0.3, 0.0], dt=978.0, period=97826.57, integration_dt=17.5682,
    citation='Hadjighasem, Karrasch, Teramoto, Haller (2016). A Spectral Clustering Approach to Lagrangian Vortex Detection Phys Rev E.',
    description='Passive tracers in a meandering zonal jet (Bickley jet) perturbed by three travelling waves.',
    hamiltonian=True, non_autonomous=False, delay=False,
    unbounded_indices=(1, 2),
    array_parameters='eps, k, sigma (vectors)',
    reference={
        "lyapunov_spectrum_estimated": ([1.96518e-07, 2.54099e-09, -9.63198e-08], DYSTS),
        "maximum_lyapunov_estimated": (3.03187e-06, DYSTS),
        "kaplan_yorke_dimension_estimated": (4.06671, DYSTS),
        "correlation_dimension_estimated": (2.00251, DYSTS),
        "pesin_entropy_estimated": (1.99059e-07, DYSTS),
        "multiscale_entropy_estimated": (0.733567, DYSTS),
    },
    tags=('chaotic', 'conservative', 'hamiltonian'),
)

define(
    'Blasius', 'flow', 'x y z',
    dict(a=1.0, alpha1=0.2, alpha2=1.0, b=1.0, c=10.0, k1=0.05, k2=0.0, zs=0.006),
    [
        'a*x - alpha1*x*y/(k1*x + 1)',
        'alpha1*x*y/(k1*x + 1) - alpha2*y*z/(k2*y + 1) - b*y',
        'alpha2*y*z/(k2*y + 1) - c*(z - zs)',
    ],
    x0=[4.031713, 5.1113788, 0.016508812], dt=0.066, period=6.6038, integration_dt=0.00132098,
    citation='Blasius, Huppert, Stone. Nature 1999',
    description='Three-level food chain (vegetation, herbivores, predators) with uniform phase, chaotic amplitude.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0471276, 0.00180314, -2.93627], DYSTS),
        "maximum_lyapunov_estimated": (0.125973, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.01666, DYSTS),
        "correlation_dimension_estimated": (1.68717, DYSTS),
        "pesin_entropy_estimated": (0.0489307, DYSTS),
        "multiscale_entropy_estimated": (0.591732, DYSTS),
    },
    tags=('chaotic',),
)

define(
    'BlinkingRotlet', 'flow', 'r theta tt',
    dict(a=1.0, b=0.5298833894399929, bc=1.0, sigma=-1.0, tau=3.0),
    [
        'sigma*(-b*(0.5 - 0.5*tanh(20*tau*sin(2*pi*tt/tau)))*(-bc*(1 - r**2/a**2)*(a**2 - b**2*r**2/a**2)/(a**2 + 2*b*r*cos(theta) + b**2*r**2/a**2)**2 + 1/(b**2 + 2*b*r*cos(theta) + r**2) - 1/(a**2 + 2*b*r*cos(theta) + b**2*r**2/a**2))*sin(theta) + b*(0.5*tanh(20*tau*sin(2*pi*tt/tau)) + 0.5)*(-bc*(1 - r**2/a**2)*(a**2 - b**2*r**2/a**2)/(a**2 - 2*b*r*cos(theta) + b**2*r**2/a**2)**2 + 1/(b**2 - 2*b*r*cos(theta) + r**2) - 1/(a**2 - 2*b*r*cos(theta) + b**2*r**2/a**2))*sin(theta))',
        'sigma*((0.5 - 0.5*tanh(20*tau*sin(2*pi*tt/tau)))*(bc*(1 - r**2/a**2)*(a**2 - b**2*r**2/a**2)*(b*cos(theta) + b**2*r/a**2)/(a**2 + 2*b*r*cos(theta) + b**2*r**2/a**2)**2 - (b*cos(theta) + r)/(b**2 + 2*b*r*cos(theta) + r**2) + (b*cos(theta) + b**2*r/a**2)/(a**2 + 2*b*r*cos(theta) + b**2*r**2/a**2) + bc*r*(a**2 + b**2 - 2*b**2*r**2/a**2)/(a**2*(a**2 + 2*b*r*cos(theta) + b**2*r**2/a**2))) + (0.5*tanh(20*tau*sin(2*pi*tt/tau)) + 0.5)*(bc*(1 - r**2/a**2)*(a**2 - b**2*r**2/a**2)*(-b*cos(theta) + b**2*r/a**2)/(a**2 - 2*b*r*cos(theta) + b**2*r**2/a**2)**2 - (-b*cos(theta) + r)/(b**2 - 2*b*r*cos(theta) + r**2) + (-b*cos(theta) + b**2*r/a**2)/(a**2 - 2*b*r*cos(theta) + b**2*r**2/a**2) + bc*r*(a**2 + b**2 - 2*b**2*r**2/a**2)/(a**2*(a**2 - 2*b*r*cos(theta) + b**2*r**2/a**2))))/r',
        '1',
    ],
    x0=[-0.08541919, -0.05204435, 0.0], dt=0.0295, period=2.9520625, integration_dt=0.000590511,
    citation='Meleshko & Aref. A blinking rotlet model for chaotic advection. Physics of Fluids 1996. See also Tallapragada and Sudarsanam PRE 2019',
    description='Stokes flow in a disk stirred by two rotlets switched on alternately (polar coordinates).',
    hamiltonian=True, non_autonomous=False, forced=True, phase_variable='tt', delay=False,
    unbounded_indices=(1, 2),
    reference={
        "lyapunov_spectrum_estimated": ([5.60936, 0.00796396, -6.16802], DYSTS),
        "maximum_lyapunov_estimated": (2.12034, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.9109, DYSTS),
        "correlation_dimension_estimated": (2.06934, DYSTS),
        "pesin_entropy_estimated": (5.61757, DYSTS),
        "multiscale_entropy_estimated": (1.2895, DYSTS),
    },
    tags=('chaotic', 'conservative', 'hamiltonian', 'forced'),
)

define(
    'BlinkingVortex', 'flow', 'r theta tt',
    dict(a=1.0, b=0.5, bc=0.0, sigma=-1.0, tau=3.0),
    [
        'sigma*(-b*(0.5 - 0.5*tanh(20*tau*sin(2*pi*tt/tau)))*(-bc*(1 - r**2/a**2)*(a**2 - b**2*r**2/a**2)/(a**2 + 2*b*r*cos(theta) + b**2*r**2/a**2)**2 + 1/(b**2 + 2*b*r*cos(theta) + r**2) - 1/(a**2 + 2*b*r*cos(theta) + b**2*r**2/a**2))*sin(theta) + b*(0.5*tanh(20*tau*sin(2*pi*tt/tau)) + 0.5)*(-bc*(1 - r**2/a**2)*(a**2 - b**2*r**2/a**2)/(a**2 - 2*b*r*cos(theta) + b**2*r**2/a**2)**2 + 1/(b**2 - 2*b*r*cos(theta) + r**2) - 1/(a**2 - 2*b*r*cos(theta) + b**2*r**2/a**2))*sin(theta))',
        'sigma*((0.5 - 0.5*tanh(20*tau*sin(2*pi*tt/tau)))*(bc*(1 - r**2/a**2)*(a**2 - b**2*r**2/a**2)*(b*cos(theta) + b**2*r/a**2)/(a**2 + 2*b*r*cos(theta) + b**2*r**2/a**2)**2 - (b*cos(theta) + r)/(b**2 + 2*b*r*cos(theta) + r**2) + (b*cos(theta) + b**2*r/a**2)/(a**2 + 2*b*r*cos(theta) + b**2*r**2/a**2) + bc*r*(a**2 + b**2 - 2*b**2*r**2/a**2)/(a**2*(a**2 + 2*b*r*cos(theta) + b**2*r**2/a**2))) + (0.5*tanh(20*tau*sin(2*pi*tt/tau)) + 0.5)*(bc*(1 - r**2/a**2)*(a**2 - b**2*r**2/a**2)*(-b*cos(theta) + b**2*r/a**2)/(a**2 - 2*b*r*cos(theta) + b**2*r**2/a**2)**2 - (-b*cos(theta) + r)/(b**2 - 2*b*r*cos(theta) + r**2) + (-b*cos(theta) + b**2*r/a**2)/(a**2 - 2*b*r*cos(theta) + b**2*r**2/a**2) + bc*r*(a**2 + b**2 - 2*b**2*r**2/a**2)/(a**2*(a**2 - 2*b*r*cos(theta) + b**2*r**2/a**2))))/r',
        '1',
    ],
    x0=[-0.08541919, -0.05204435, 0.0], dt=0.0276, period=2.7616667, integration_dt=0.000552425,
    citation='Aref (1984). Stirring by chaotic advection. J. Fluid Mechanics.',
    description="Aref's blinking-vortex stirrer: two point vortices in a disk switched on alternately.",
    hamiltonian=True, non_autonomous=False, forced=True, phase_variable='tt', delay=False,
    unbounded_indices=(1, 2),
    reference={
        "lyapunov_spectrum_estimated": ([4.87737, -0.00162451, -5.47677], DYSTS),
        "maximum_lyapunov_estimated": (2.86302, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.89115, DYSTS),
        "correlation_dimension_estimated": (2.21216, DYSTS),
        "pesin_entropy_estimated": (4.87759, DYSTS),
        "multiscale_entropy_estimated": (1.10114, DYSTS),
    },
    tags=('chaotic', 'conservative', 'hamiltonian', 'forced'),
)

define(
    'Bouali', 'flow', 'x y z',
    dict(a=1.0, b=-0.3, bb=1.0, c=0.05, g=1.0, m=1.0, y0=4.0),
    [
        '-a*x*y + a*x*y0 - b*z',
        'g*x**2*y - g*y',
        'bb*m*x*z - c*z - 1.5*m*x',
    ],
    x0=[0.38673159, 3.0544196, -0.0067836194], dt=0.0304, period=3.0411, integration_dt=0.000608321,
    citation='Bouali (1999). Feedback loop in extended Van der Pols equation applied to an economic model of cycles. International Journal of Bifurkation and Chaos, Vol. 9, No. 4',
    description='Economic business-cycle model built on an extended van der Pol oscillator with feedback.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0491127, 0.000686965, -0.221718], DYSTS),
        "maximum_lyapunov_estimated": (0.0601256, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.22473, DYSTS),
        "correlation_dimension_estimated": (1.72838, DYSTS),
        "pesin_entropy_estimated": (0.049816, DYSTS),
        "multiscale_entropy_estimated": (0.750556, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'Bouali2', 'flow', 'x y z',
    dict(a=3.0, b=2.2, bb=0.0, c=0.0, g=1.0, m=-0.0026667, y0=1.0),
    [
        '-a*x*y + a*x*y0 - b*z',
        'g*x**2*y - g*y',
        'bb*m*x*z - c*z - 1.5*m*x',
    ],
    x0=[-0.79392257, 1.3617589, -0.030578888], dt=0.0768, period=7.6779, integration_dt=0.000535669,
    citation='Bouali (1999). Feedback loop in extended Van der Pols equation applied to an economic model of cycles. International Journal of Bifurkation and Chaos, Vol. 9, No. 4',
    description="Variant of Bouali's economic-cycle model with a different feedback term.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0203892, 0.00334554, -0.00960277], DYSTS),
        "maximum_lyapunov_estimated": (0.0768173, DYSTS),
        "kaplan_yorke_dimension_estimated": (16.4719, DYSTS),
        "correlation_dimension_estimated": (1.92506, DYSTS),
        "pesin_entropy_estimated": (0.0243994, DYSTS),
        "multiscale_entropy_estimated": (0.452001, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'BurkeShaw', 'flow', 'x y z',
    dict(e=13.0, n=10.0),
    [
        '-n*x - n*y',
        '-n*x*z + y',
        'e + n*x*y',
    ],
    x0=[-0.79153188, 0.65244479, 0.22517831], dt=0.00783, period=0.78333, integration_dt=0.000156692,
    citation='Shaw (1981). Zeitschrift fur Naturforschung.',
    description="Shaw's variant of the Lorenz equations with a scroll-shaped attractor symmetric about z.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([2.34536, 0.0270565, -11.2253], DYSTS),
        "maximum_lyapunov_estimated": (2.3246, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.21134, DYSTS),
        "correlation_dimension_estimated": (2.05382, DYSTS),
        "pesin_entropy_estimated": (2.37241, DYSTS),
        "multiscale_entropy_estimated": (0.906432, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'CaTwoPlus', 'flow', 'z y a',
    dict(K2=0.1, K5=0.3194, Ka=0.1, Kd=1.0, Ky=0.3, Kz=0.6, V0=2.0, V1=2.0, V4=3.0, Vm2=6.0, Vm3=30.0, Vm5=50.0, beta=0.65, eps=13.0, k=10.0, kf=1.0, m=2.0, n=4.0, p=1.0),
    [
        'V0 + V1*beta - Vm2*z**2/(K2**2 + z**2) + Vm3*a**4*y**2*z**m/((Ka**4 + a**4)*(Ky**2 + y**2)*(Kz**m + z**m)) - k*z + kf*y',
        'Vm2*z**2/(K2**2 + z**2) - Vm3*a**4*y**2*z**m/((Ka**4 + a**4)*(Ky**2 + y**2)*(Kz**m + z**m)) - kf*y',
        'V4*beta - Vm5*a**p*z**n/((K5**p + a**p)*(Kd**n + z**n)) - a*eps',
    ],
    x0=[0.26162904, 1.0055612, 0.14407867], dt=0.0134, period=1.343, integration_dt=0.000268645,
    citation='Houart, Dupont, Goldbeter. Bull Math Biol 1999.',
    description='Intracellular calcium oscillations driven by calcium-induced calcium release (chaotic parameters).',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.578812, 0.0226522, -9.28452], DYSTS),
        "maximum_lyapunov_estimated": (0.580287, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.06478, DYSTS),
        "correlation_dimension_estimated": (1.22673, DYSTS),
        "pesin_entropy_estimated": (0.601465, DYSTS),
        "multiscale_entropy_estimated": (0.57703, DYSTS),
    },
    tags=('chaotic',),
)

define(
    'CaTwoPlusQuasiperiodic', 'flow', 'z y a',
    dict(K2=0.1, K5=0.3, Ka=0.2, Kd=0.5, Ky=0.2, Kz=0.5, V0=2.0, V1=2.0, V4=5.0, Vm2=6.0, Vm3=20.0, Vm5=30.0, beta=0.51, eps=0.1, k=10.0, kf=1.0, m=2.0, n=4.0, p=2.0),
    [
        'V0 + V1*beta - Vm2*z**2/(K2**2 + z**2) + Vm3*a**4*y**2*z**m/((Ka**4 + a**4)*(Ky**2 + y**2)*(Kz**m + z**m)) - k*z + kf*y',
        'Vm2*z**2/(K2**2 + z**2) - Vm3*a**4*y**2*z**m/((Ka**4 + a**4)*(Ky**2 + y**2)*(Kz**m + z**m)) - kf*y',
        'V4*beta - Vm5*a**p*z**n/((K5**p + a**p)*(Kd**n + z**n)) - a*eps',
    ],
    x0=[0.26321067, 0.87886607, 0.3148781], dt=0.00656, period=0.65614, integration_dt=0.00013125,
    citation='Houart, Dupont, Goldbeter. Bull Math Biol 1999.',
    description='Intracellular calcium oscillation model at parameters giving quasiperiodic motion.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.162087, -0.0222581, -0.0548955], DYSTS),
        "maximum_lyapunov_estimated": (0.480832, DYSTS),
        "kaplan_yorke_dimension_estimated": (4.5478, DYSTS),
        "correlation_dimension_estimated": (1.85087, DYSTS),
        "pesin_entropy_estimated": (0.162102, DYSTS),
        "multiscale_entropy_estimated": (0.851271, DYSTS),
    },
    tags=('quasiperiodic',),
)

define(
    'CellCycle', 'flow', 'c1 m1 x1 c2 m2 x2',
    dict(K=0.01, Kc=0.5, Kd1=0.02, Kim=0.65, V2=0.15, V4=0.05, Vm1=0.3, Vm3=0.1, kd1=0.001, vd=0.025, vi=0.05),
    [
        'Kim*vi/(Kim + m2) - c1*kd1 - c1*vd*x1/(Kd1 + c1)',
        '-V2*m1/(K + m1) + Vm1*c1*(1 - m1)/((Kc + c1)*(K - m1 + 1))',
        '-V4*x1/(K + x1) + Vm3*m1*(1 - x1)/(K - x1 + 1)',
        'Kim*vi/(Kim + m1) - c2*kd1 - c2*vd*x2/(Kd1 + c2)',
        '-V2*m2/(K + m2) + Vm1*c2*(1 - m2)/((Kc + c2)*(K - m2 + 1))',
        '-V4*x2/(K + x2) + Vm3*m2*(1 - x2)/(K - x2 + 1)',
    ],
    x0=[0.71565329, 0.9489355, 0.98910371, 0.72138631, 0.94987035, 0.98912572], dt=2.05, period=204.71, integration_dt=0.0409488,
    citation='Romond, Rustici, Gonze, Goldbeter. 1999.',
    description='Two coupled cyclin-kinase oscillators modelling the cell division cycle.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.00469985, -0.000356761, -0.209156, -0.433949, -2.85054, -6.76761], DYSTS),
        "maximum_lyapunov_estimated": (0.0101721, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.02081, DYSTS),
        "correlation_dimension_estimated": (1.75587, DYSTS),
        "pesin_entropy_estimated": (0.0047651, DYSTS),
        "multiscale_entropy_estimated": (1.02174, DYSTS),
    },
    tags=('chaotic',),
)

define(
    'CellularNeuralNetwork', 'flow', 'x y z',
    dict(a=4.4, b=3.21, c=1.1, d=1.24),
    [
        '-b*(-0.5*Abs(y - 1) + 0.5*Abs(y + 1)) - b*(-0.5*Abs(z - 1) + 0.5*Abs(z + 1)) + d*(-0.5*Abs(x - 1) + 0.5*Abs(x + 1)) - x',
        '-a*(-0.5*Abs(z - 1) + 0.5*Abs(z + 1)) - b*(-0.5*Abs(x - 1) + 0.5*Abs(x + 1)) + c*(-0.5*Abs(y - 1) + 0.5*Abs(y + 1)) - y',
        'a*(-0.5*Abs(y - 1) + 0.5*Abs(y + 1)) - b*(-0.5*Abs(x - 1) + 0.5*Abs(x + 1)) - z - 0.5*Abs(z - 1) + 0.5*Abs(z + 1)',
    ],
    x0=[-0.26574016, -0.36754928, -0.073094132], dt=0.032, period=3.2, integration_dt=0.000640107,
    citation='Arena, Caponetto, Fortuna, and Porto., Int J Bifurcat Chaos. 1998:  1527-1539.',
    description='Three-cell cellular neural network with piecewise-linear saturating outputs.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0979966, 0.0036355, -0.60615], DYSTS),
        "maximum_lyapunov_estimated": (2.32585, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.16767, DYSTS),
        "correlation_dimension_estimated": (1.77778, DYSTS),
        "pesin_entropy_estimated": (0.101632, DYSTS),
        "multiscale_entropy_estimated": (1.24148, DYSTS),
    },
    tags=('chaotic', 'non-smooth'),
)

define(
    'ChenLee', 'flow', 'x y z',
    dict(a=5.0, b=-10.0, c=-0.38),
    [
        'a*x - y*z',
        'b*y + x*z',
        'c*z + 0.333333333333333*x*y',
    ],
    x0=[0.17177112, 0.10360479, 6.2553878], dt=0.028, period=2.8043, integration_dt=0.000560953,
    citation='Chen HK, Lee CI (2004). Anti-control of chaos in rigid body motion. Chaos, Solitons & Fractals',
    description='Rigid-body rotation (Euler equations) made chaotic by linear feedback.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.164606, 0.000182258, -5.48533], DYSTS),
        "maximum_lyapunov_estimated": (0.163631, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.03004, DYSTS),
        "correlation_dimension_estimated": (1.22794, DYSTS),
        "pesin_entropy_estimated": (0.164789, DYSTS),
        "multiscale_entropy_estimated": (0.622433, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'Chua', 'flow', 'x y z',
    dict(alpha=15.6, beta=28.0, m0=-1.142857, m1=-0.71429),
    [
        'alpha*(-m1*x - x + y - (0.5*m0 - 0.5*m1)*(-Abs(x - 1) + Abs(x + 1)))',
        'x - y + z',
        '-beta*y',
    ],
    x0=[1.1262351, -0.11386474, -0.78324421], dt=0.0142, period=1.4235, integration_dt=0.000284747,
    citation='Chua, L. O. (1969) Introduction to Nonlinear Network Theory, McGraw-Hill, New York.',
    description="Chua's circuit with a piecewise-linear diode; the double-scroll attractor.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.460547, 0.00220483, -4.31908], DYSTS),
        "maximum_lyapunov_estimated": (1.23012, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.10727, DYSTS),
        "correlation_dimension_estimated": (1.79877, DYSTS),
        "pesin_entropy_estimated": (0.464571, DYSTS),
        "multiscale_entropy_estimated": (1.26935, DYSTS),
    },
    tags=('chaotic', 'non-smooth'),
)

define(
    'CircadianRhythm', 'flow', 'm fc fs fn th',
    dict(Ki=1.0, k=0.5, k1=0.3, k2=0.15, kd=1.4, kdn=0.4, km=0.4, ks=1.0, n=4.0, ps=24.0, vc=2.5, vd=6.0, vdn=1.5, vm=0.7, vmax=4.7, vmin=1.0),
    [
        'Ki**n*vc*(vmax - vmin)*(vmin + 0.5*cos(th) + 0.5)/(Ki**n + fn**n) - m*vm/(km + m)',
        '-fc*k - fc*k1 + fn*k2 + ks*m',
        'fc*k - fs*vd/(fs + kd)',
        'fc*k1 - fn*k2 - fn*vdn/(fn + kdn)',
        '2*pi/ps',
    ],
    x0=[1.5401187, 5.3707921, 41.054266, 11.619073, 2004.0233], dt=0.27, period=27.0, integration_dt=0.0054009,
    citation='Leloup, Gonze, Goldbeter. 1999. Gonze, Leloup, Goldbeter. 2000',
    description='Drosophila circadian clock (PER/TIM-like protein model) under periodic light forcing.',
    hamiltonian=False, non_autonomous=False, forced=True, phase_variable='th', delay=False,
    unbounded_indices=(4,),
    reference={
        "lyapunov_spectrum_estimated": ([0.0929837, 0.00046502, -0.14586, -0.359845, -1.09139], DYSTS),
        "maximum_lyapunov_estimated": (0.00626328, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.64055, DYSTS),
        "correlation_dimension_estimated": (1.63289, DYSTS),
        "pesin_entropy_estimated": (0.0937272, DYSTS),
        "multiscale_entropy_estimated": (0.705459, DYSTS),
    },
    tags=('chaotic', 'forced'),
)

define(
    'CoevolvingPredatorPrey', 'flow', 'x y alpha',
    dict(a1=2.5, a2=0.05, a3=0.4, b1=6.0, b2=1.333, d1=0.16, d2=0.004, delta=1.0, k1=6.0, k2=9.0, k4=9.0, vv=0.33333),
    [
        'x*(a1*alpha*(-k1*x*(alpha*delta - alpha) + 1)/(alpha*b1 + 1) - a3*y/(b2*x + 1) - d1*(-k2*(alpha**2*delta**2 - alpha**2) + k4*(alpha**4*delta**4 - alpha**4) + 1))',
        'y*(a2*x/(b2*x + 1) - d2)',
        'vv*(-a1*alpha*delta*k1*x/(alpha*b1 + 1) - d1*(4*alpha**3*delta**4*k4 - 2*alpha*delta**2*k2))',
    ],
    x0=[0.10946017, 0.46664421, 0.66580212], dt=1.23, period=122.77, integration_dt=0.0245581,
    citation='Gilpin & Feldman (2017). PLOS Comp Biol',
    description='Predator-prey dynamics with a rapidly coevolving prey trait.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.00348794, 0.00173918, -1.9677], DYSTS),
        "maximum_lyapunov_estimated": (0.00732698, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.00265, DYSTS),
        "correlation_dimension_estimated": (1.45344, DYSTS),
        "pesin_entropy_estimated": (0.00537914, DYSTS),
        "multiscale_entropy_estimated": (1.00645, DYSTS),
    },
    tags=('chaotic',),
)

define(
    'Colpitts', 'flow', 'x y z',
    dict(a=30.0, b=0.8, c=20.0, d=0.08, e=10.0),
    [
        'y - a*Piecewise((e - z - 1, z - e + 1 <= 0), (0, True))',
        '-b*y + c - x - z',
        '-d*z + y',
    ],
    x0=[8.9389043, 0.64637337, 8.7869304], dt=0.0427, period=4.2676, integration_dt=0.000853662,
    citation='Kennedy (2007). IEEE Trans Circuits & Systems. 1994: 771-774. Li, Zhou, Yang. Chaos, Solitons, & Fractals.',
    description='Colpitts oscillator (transistor circuit) in dimensionless form with a piecewise-linear transistor.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.137503, -0.00210212, -1.0014], DYSTS),
        "maximum_lyapunov_estimated": (0.373601, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.13496, DYSTS),
        "correlation_dimension_estimated": (1.73529, DYSTS),
        "pesin_entropy_estimated": (0.139075, DYSTS),
        "multiscale_entropy_estimated": (0.726629, DYSTS),
    },
    tags=('chaotic', 'non-smooth'),
)

define(
    'Coullet', 'flow', 'x y z',
    dict(a=-0.8, b=1.1, c=0.45, d=-1.0),
    [
        'y',
        'z',
        '-a*x - b*y - c*z + d*x**3',
    ],
    x0=[0.34539837958549907, 0.4284701181998099, 0.086983698175975], dt=0.0577, period=5.7663, integration_dt=0.00115345,
    citation='Arneodo, A., Coullet, P. & Tresser, C. Occurence of strange attractors in three-dimensional volterra equations. Physics Letters A 79, 259--263 (1980)',
    description='Arneodo-Coullet-Tresser jerk flow with a cubic nonlinearity.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.148907, -6.50489e-05, -0.587366], DYSTS),
        "maximum_lyapunov_estimated": (0.137188, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.25299, DYSTS),
        "correlation_dimension_estimated": (2.09224, DYSTS),
        "pesin_entropy_estimated": (0.149198, DYSTS),
        "multiscale_entropy_estimated": (0.905508, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'Dadras', 'flow', 'x y z',
    dict(c=2.0, e=9.0, o=2.7, p=3.0, r=1.7),
    [
        'o*y*z - p*x + y',
        'r*y - x*z + z',
        'c*x*y - e*z',
    ],
    x0=[1.0284085, -3.5348655, -0.72081646], dt=0.0329, period=3.2886, integration_dt=0.00065783,
    citation='S Dadras, HR Momeni (2009). A novel three-dimensional autonomous chaotic system generating two, three and four-scroll attractors. Physics Letters A.',
    description='Autonomous three-dimensional circuit model with two-, three- and four-wing attractors.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.473442, 0.00645627, -11.1577], DYSTS),
        "maximum_lyapunov_estimated": (0.405915, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.04301, DYSTS),
        "correlation_dimension_estimated": (1.60506, DYSTS),
        "pesin_entropy_estimated": (0.479899, DYSTS),
        "multiscale_entropy_estimated": (0.853798, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'DequanLi', 'flow', 'x y z',
    dict(a=40.0, c=1.833, d=0.16, eps=0.65, f=20.0, k=55.0),
    [
        '-a*x + a*y + d*x*z',
        'f*y + k*x - x*z',
        'c*z - eps*x**2 + x*y',
    ],
    x0=[-11.395722, -104.12614, 202.46173], dt=0.000838, period=0.083806, integration_dt=1.6764e-05,
    citation='Li, Phys Lett A. 2008: 387-393.',
    description='Three-scroll chaotic attractor from a unified three-scroll system.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([1.8602, 0.0986643, -2.86719], DYSTS),
        "maximum_lyapunov_estimated": (0.739748, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.68486, DYSTS),
        "correlation_dimension_estimated": (1.93262, DYSTS),
        "pesin_entropy_estimated": (1.95886, DYSTS),
        "multiscale_entropy_estimated": (0.831937, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'DoubleGyre', 'flow', 'x y z',
    dict(alpha=0.1, eps=0.1, omega=0.62832),
    [
        '-pi*alpha*sin(pi*(eps*x**2*sin(z) + x*(-2*eps*sin(z) + 1)))*cos(pi*y)',
        'pi*alpha*(2*eps*x*sin(z) - 2*eps*sin(z) + 1)*sin(pi*y)*cos(pi*(eps*x**2*sin(z) + x*(-2*eps*sin(z) + 1)))',
        'omega',
    ],
    x0=[1.5327241, 0.99802126, 3879.3323], dt=0.14, period=13.953, integration_dt=0.00279107,
    citation='Shadden, Lekien, Marsden (2005). Definition and properties of Lagrangian coherent structures from finite-time Lyapunov exponents in two-dimensional aperiodic flows. Physica D.',
    description='Time-periodic double-gyre velocity field, a standard test for Lagrangian coherent structures.',
    hamiltonian=False, non_autonomous=False, forced=True, phase_variable='z', delay=False,
    unbounded_indices=(2,),
    reference={
        "lyapunov_spectrum_estimated": ([0.0628594, -0.00367021, -0.0663399], DYSTS),
        "maximum_lyapunov_estimated": (0.121853, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.88153, DYSTS),
        "correlation_dimension_estimated": (2.33041, DYSTS),
        "pesin_entropy_estimated": (0.0628594, DYSTS),
        "multiscale_entropy_estimated": (0.665193, DYSTS),
    },
    tags=('chaotic', 'forced'),
)

define(
    'DoublePendulum', 'flow', 'th1 th2 p1 p2',
    dict(g=9.81, l1=1.0, l2=1.0, m1=1.0, m2=1.0),
    [
        '(-l1*p2*cos(th1 - th2) + l2*p1)/(l1**2*l2*(m1 + m2*sin(th1 - th2)**2))',
        '(l1*p2*(m1 + m2) - l2*m2*p1*cos(th1 - th2))/(l1*l2**2*m2*(m1 + m2*sin(th1 - th2)**2))',
        'g*l1*(-m1 - m2)*sin(th1) + (0.5*p2*(l1*p2*(m1 + m2) - l2*m2*p1*cos(th1 - th2))/(l1*l2**2*(m1 + m2*sin(th1 - th2)**2)**2) + m2*p1**2/(2*l1**3*l2*(m1 + m2*sin(th1 - th2)**2)**2))*sin(2*th1 - 2*th2) - p1*p2*sin(th1 - th2)/(l1*l2*(m1 + m2*sin(th1 - th2)**2))',
        '-g*l2*m2*sin(th2) - (0.5*p2*(l1*p2*(m1 + m2) - l2*m2*p1*cos(th1 - th2))/(l1*l2**2*(m1 + m2*sin(th1 - th2)**2)**2) + m2*p1**2/(2*l1**3*l2*(m1 + m2*sin(th1 - th2)**2)**2))*sin(2*th1 - 2*th2) + p1*p2*sin(th1 - th2)/(l1*l2*(m1 + m2*sin(th1 - th2)**2))',
    ],
    x0=[-44.334542, 223.53554, -1.2249799, 2.535486], dt=0.0402, period=4.0234, integration_dt=0.000804814,
    citation='See, for example: Marion (2013). Classical dynamics of particles and systems.',
    description='Frictionless planar double pendulum in canonical (angle, momentum) coordinates.',
    hamiltonian=True, non_autonomous=False, delay=False,
    unbounded_indices=(0, 1),
    reference={
        "lyapunov_spectrum_estimated": ([8.46444, 0.464117, -0.173455, -10.8058], DYSTS),
        "maximum_lyapunov_estimated": (3.9853, DYSTS),
        "kaplan_yorke_dimension_estimated": (3.81022, DYSTS),
        "correlation_dimension_estimated": (2.66098, DYSTS),
        "pesin_entropy_estimated": (8.92856, DYSTS),
        "multiscale_entropy_estimated": (0.55911, DYSTS),
    },
    tags=('chaotic', 'conservative', 'hamiltonian'),
)

define(
    'ExcitableCell', 'flow', 'v n c',
    dict(aho=2.5, ahr=0.05, ahs=0.07, ams=0.1, amvb=25.0, amvo=2.5, ans=0.01, anvb=20.0, anvo=2.0, ar=0.1, bho=2.0, bhr=0.1, bmo=2.7777777777777777, bmr=0.05555555555555555, bms=4.0, bno=0.375, bnr=0.0125, bns=0.125, gi=1800.0, gkc=11.0, gkv=1700.0, gl=7.0, kc=0.183333, rho=0.27, tscl=230.0, vc=100.0, vi=100.0, vk=-75.0, vl=-40.0, vm=-50.0, vn=-30.0),
    [
        'ahs*ams**3*gi*(amvb + v)**3*(-v + vi)*exp(-aho - ahr*v)/((1 - exp(-amvo - ar*v))**3*(ahs*exp(-aho - ahr*v) + 1/(exp(-bho - bhr*v) + 1))*(ams*(amvb + v)/(1 - exp(-amvo - ar*v)) + bms*exp(-bmo - bmr*v))**3) + c*gkc*(-v + vk)/(c + 1) + gkv*n**4*(-v + vk) + gl*(-v + vl)',
        'tscl*(ans*(anvb + v)/(1 - exp(-anvo - ar*v)) + bns*exp(-bno - bnr*v))*(ans*(anvb + v)/((1 - exp(-anvo - ar*v))*(ans*(anvb + v)/(1 - exp(-anvo - ar*v)) + bns*exp(-bno - bnr*v))) - n)',
        'rho*(ahs*ams**3*(amvb + v)**3*(-v + vc)*exp(-aho - ahr*v)/((1 - exp(-amvo - ar*v))**3*(ahs*exp(-aho - ahr*v) + 1/(exp(-bho - bhr*v) + 1))*(ams*(amvb + v)/(1 - exp(-amvo - ar*v)) + bms*exp(-bmo - bmr*v))**3) - c*kc)',
    ],
    x0=[-44.57779976420271, 0.13121643614884418, 0.4658533583951385], dt=0.01, period=1.0, integration_dt=0.000110578,
    citation='Teresa Chay. Chaos In A Three-variable Model Of An Excitable Cell. Physica D 1985',
    description="Chay's three-variable reduction of Hodgkin-Huxley dynamics for an excitable cell.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([17.0303, -0.326705, -129.702], DYSTS),
        "maximum_lyapunov_estimated": (0.71643, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.12878, DYSTS),
        "correlation_dimension_estimated": (0.191249, DYSTS),
        "pesin_entropy_estimated": (17.0303, DYSTS),
        "multiscale_entropy_estimated": (0.780752, DYSTS),
    },
    tags=('chaotic',),
)

define(
    'Finance', 'flow', 'x y z',
    dict(a=0.001, b=0.2, c=1.1),
    [
        'x*y + x*(-a + 1/b) + z',
        '-b*y - x**2',
        '-c*z - x',
    ],
    x0=[-0.51664739, -3.9568707, 0.0012893581], dt=0.0989, period=9.8932, integration_dt=0.00197897,
    citation='Guoliang Cai, Juanjuan Huang. International Journal of Nonlinear Science, Vol. 3 (2007)',
    description='Dynamics of interest rate, investment demand and price index in a simple finance model.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.107086, 0.00098358, -0.627953], DYSTS),
        "maximum_lyapunov_estimated": (0.0935411, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.17204, DYSTS),
        "correlation_dimension_estimated": (1.92228, DYSTS),
        "pesin_entropy_estimated": (0.108449, DYSTS),
        "multiscale_entropy_estimated": (0.781786, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'FluidTrampoline', 'flow', 'x y th',
    dict(gamma=1.82, psi=0.01019, w=1.21),
    [
        'y',
        'gamma*cos(th) - Piecewise((psi*y*Abs(y) + x, x < 0), (0, True)) - 1',
        'w',
    ],
    x0=[-0.65820064, -2.8807787, 0.1], dt=0.0774, period=7.7351, integration_dt=0.00154728,
    citation='Gilet, Bush. The fluid trampoline: droplets bouncing on a soap film. JFM 2009.',
    description='Droplet bouncing on a vibrating soap film; contact with the film is one-sided.',
    hamiltonian=False, non_autonomous=False, forced=True, phase_variable='th', delay=False,
    unbounded_indices=(2,),
    reference={
        "lyapunov_spectrum_estimated": ([0.080813, -0.00117839, -0.0940305], DYSTS),
        "maximum_lyapunov_estimated": (0.223112, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.84626, DYSTS),
        "correlation_dimension_estimated": (2.18442, DYSTS),
        "pesin_entropy_estimated": (0.0809459, DYSTS),
        "multiscale_entropy_estimated": (0.796313, DYSTS),
    },
    tags=('chaotic', 'forced', 'non-smooth'),
)

define(
    'ForcedBrusselator', 'flow', 'x y z',
    dict(a=0.4, b=1.2, f=0.05, w=0.81),
    [
        'a + f*cos(z) + x**2*y - x*(b + 1)',
        'b*x - x**2*y',
        'w',
    ],
    x0=[0.40635464, 1.8192295, 6381.6484], dt=0.204, period=20.411, integration_dt=0.00408288,
    citation='I. Prigogine, From Being to Becoming: Time and Complexity in the Physical Sciences, New York: W.H. Freeman and Company, 1980.',
    description='Brusselator autocatalytic reaction model under periodic forcing.',
    hamiltonian=False, non_autonomous=False, forced=True, phase_variable='z', delay=False,
    unbounded_indices=(2,),
    reference={
        "lyapunov_spectrum_estimated": ([0.00283071, -0.0148987, -0.233044], DYSTS),
        "maximum_lyapunov_estimated": (0.015326, DYSTS),
        "kaplan_yorke_dimension_estimated": (1.19002, DYSTS),
        "correlation_dimension_estimated": (1.61616, DYSTS),
        "multiscale_entropy_estimated": (0.472995, DYSTS),
    },
    tags=('chaotic', 'forced'),
)

define(
    'ForcedFitzHughNagumo', 'flow', 'v w z',
    dict(a=0.7, b=0.8, curr=0.965, f=0.4008225, gamma=0.08, omega=0.043650793650793655),
    [
        'curr + f*sin(z) - v**3/3 + v - w',
        'gamma*(a - b*w + v)',
        'omega',
    ],
    x0=[-1.2155252, -0.046470891, 0.0], dt=0.421, period=42.122353, integration_dt=0.00842587,
    citation='FitzHugh, Richard (1961). Impulses and Physiological States in Theoretical Models of Nerve Membrane. Biophysical Journal. 1 (6).',
    description='FitzHugh-Nagumo excitable neuron under sinusoidal current forcing.',
    hamiltonian=False, non_autonomous=False, forced=True, phase_variable='z', delay=False,
    unbounded_indices=(2,),
    reference={
        "lyapunov_spectrum_estimated": ([0.000627105, -0.00175415, -0.954435], DYSTS),
        "maximum_lyapunov_estimated": (0.00756128, DYSTS),
        "kaplan_yorke_dimension_estimated": (1.57059, DYSTS),
        "correlation_dimension_estimated": (1.61597, DYSTS),
        "pesin_entropy_estimated": (0.000828176, DYSTS),
        "multiscale_entropy_estimated": (0.946734, DYSTS),
    },
    tags=('chaotic', 'forced'),
)

define(
    'ForcedVanDerPol', 'flow', 'x y z',
    dict(a=1.2, mu=8.53, w=0.63),
    [
        'y',
        'a*sin(z) + mu*y*(1 - x**2) - x',
        'w',
    ],
    x0=[-1.520504, 0.19640249, 687.39073], dt=0.145, period=14.476875, integration_dt=0.00289586,
    citation='B. van der Pol (1920). A theory of the amplitude of free and forced triode vibrations. Radio Review 1.',
    description='Van der Pol relaxation oscillator under sinusoidal forcing.',
    hamiltonian=False, non_autonomous=False, forced=True, phase_variable='z', delay=False,
    unbounded_indices=(2,),
    reference={
        "lyapunov_spectrum_estimated": ([0.265182, -0.000845062, -20.6063], DYSTS),
        "maximum_lyapunov_estimated": (0.00350976, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.01283, DYSTS),
        "correlation_dimension_estimated": (1.32437, DYSTS),
        "pesin_entropy_estimated": (0.265182, DYSTS),
        "multiscale_entropy_estimated": (0.394431, DYSTS),
    },
    tags=('chaotic', 'forced'),
)

define(
    'GenesioTesi', 'flow', 'x y z',
    dict(a=0.44, b=1.1, c=1.0),
    [
        'y',
        'z',
        '-a*z - b*y - c*x + x**2',
    ],
    x0=[-0.053772565, -0.26162564, 0.33501557], dt=0.0594, period=5.9431, integration_dt=0.00118882,
    citation='Genesio, Tesi (1992). Harmonic balance methods for the analysis of chaotic dynamics in nonlinear systems. Automatica 28.3 (1992): 531-548.',
    description='Jerk system from a feedback control loop with a quadratic nonlinearity.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0997438, 0.000381467, -0.528223], DYSTS),
        "maximum_lyapunov_estimated": (0.105091, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.18925, DYSTS),
        "correlation_dimension_estimated": (1.94741, DYSTS),
        "pesin_entropy_estimated": (0.100275, DYSTS),
        "multiscale_entropy_estimated": (0.700358, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'GlycolyticOscillation', 'flow', 'a b c',
    dict(d=0.0, k=4.422, l1=500000000.0, l2=100.0, nu=1.0, q1=50.0, q2=0.02, s1=22.2222, s2=22.2222),
    [
        '-a*s1*(a + 1)*(b + 1)**2/(l1 + (a + 1)**2*(b + 1)**2) + nu',
        'a*q1*s1*(a + 1)*(b + 1)**2/(l1 + (a + 1)**2*(b + 1)**2) - b*s2*(c + 1)**2*(b*d + 1)/(l2 + (c + 1)**2*(b*d + 1)**2)',
        'b*q2*s2*(c + 1)**2*(b*d + 1)/(l2 + (c + 1)**2*(b*d + 1)**2) - c*k',
    ],
    x0=[29.453349256846987, 130.19350141357407, 0.18407087674169492], dt=0.505, period=50.459994, integration_dt=0.010092,
    citation='Decroly, O.; Goldbeter, An amplified sensitivity arising from covalent modification in biological systems. A. Proc. Natl. Acad. Sci. USA 1982, 79,6917–6921.',
    description='Allosteric (Monod-Wyman-Changeux type) enzyme model of glycolytic oscillations with two feedback loops.',
    hamiltonian=False, non_autonomous=False, delay=False,
    bifurcation_parameter='k',
    reference={
        "lyapunov_spectrum_estimated": ([0.0195961, -0.0355064, -2.39422], DYSTS),
        "maximum_lyapunov_estimated": (0.0215946, DYSTS),
        "kaplan_yorke_dimension_estimated": (1.55202, DYSTS),
        "correlation_dimension_estimated": (1.64036, DYSTS),
        "pesin_entropy_estimated": (0.0195962, DYSTS),
        "multiscale_entropy_estimated": (0.46326, DYSTS),
    },
    tags=('chaotic',),
)

define(
    'GuckenheimerHolmes', 'flow', 'x y z',
    dict(a=0.4, b=20.25, c=3.0, d=1.6, e=1.7, f=0.44),
    [
        'a*x - b*y + c*x*z + d*x**2*z + d*y**2*z',
        'a*y + b*x + c*y*z',
        '-a*z**3 + e - f*x**2 - f*y**2 - z**2',
    ],
    x0=[-0.55582369, 0.05181624, 0.37766104], dt=0.00308, period=0.30769231, integration_dt=6.15487e-05,
    citation='Guckenheimer, John, and Philip Holmes (1983).  Nonlinear oscillations, dynamical systems, and bifurcations of vector fields. Vol. 42. Springer Science & Business Media.',
    description='Normal-form style oscillator with a torus breaking into chaos.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.34082, -0.00321918, -0.921614], DYSTS),
        "maximum_lyapunov_estimated": (0.788573, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.36632, DYSTS),
        "correlation_dimension_estimated": (2.07215, DYSTS),
        "pesin_entropy_estimated": (0.34082, DYSTS),
        "multiscale_entropy_estimated": (0.53851, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'Hadley', 'flow', 'x y z',
    dict(a=0.2, b=4.0, f=9.0, g=1.0),
    [
        'a*f - a*x - y**2 - z**2',
        '-b*x*z + g + x*y - y',
        'b*x*y + x*z - z',
    ],
    x0=[1.3664423, 0.9309146, 0.64283417], dt=0.0145, period=1.4541, integration_dt=0.000290868,
    citation='G. Hadley (1735). On the cause of the general trade winds. Philosophical Transactions of the Royal Society, vol. 34, pp. 58--62.',
    description='Low-order model of the Hadley circulation (Lorenz 1984 form with heating).',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.311661, -0.00108388, -0.427393], DYSTS),
        "maximum_lyapunov_estimated": (0.238659, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.72738, DYSTS),
        "correlation_dimension_estimated": (2.02966, DYSTS),
        "pesin_entropy_estimated": (0.31445, DYSTS),
        "multiscale_entropy_estimated": (0.935139, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'Halvorsen', 'flow', 'x y z',
    dict(a=1.4, b=4.0),
    [
        '-a*x - b*y - b*z - y**2',
        '-a*y - b*x - b*z - z**2',
        '-a*z - b*x - b*y - x**2',
    ],
    x0=[-8.6807408, -2.4741399, 0.070775762], dt=0.0149, period=1.4889, integration_dt=0.00029783,
    citation='Sprott, Julien C (2010). Elegant chaos: algebraically simple chaotic flows. World Scientific, 2010.',
    description='Cyclically symmetric flow with quadratic terms, three-lobed attractor.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.586197, -0.0319539, -4.68763], DYSTS),
        "maximum_lyapunov_estimated": (0.696371, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.11824, DYSTS),
        "correlation_dimension_estimated": (1.88424, DYSTS),
        "pesin_entropy_estimated": (0.586197, DYSTS),
        "multiscale_entropy_estimated": (0.752783, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'HastingsPowell', 'flow', 'x y z',
    dict(a1=5.0, a2=0.1, b1=3.0, b2=2.0, d1=0.4, d2=0.01),
    [
        '-a1*x*y/(b1*x + 1) + x*(1 - x)',
        'a1*x*y/(b1*x + 1) - a2*y*z/(b2*y + 1) - d1*y',
        'a2*y*z/(b2*y + 1) - d2*z',
    ],
    x0=[0.73207001, 0.17549271, 9.9014657], dt=1.35, period=135.19, integration_dt=0.0270425,
    citation='Hastings, Powell. Ecology 1991',
    description="Three-species food chain with Holling type II responses ('teacup' attractor).",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.00858501, 0.00576504, -0.516923], DYSTS),
        "maximum_lyapunov_estimated": (0.0125328, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.02776, DYSTS),
        "correlation_dimension_estimated": (1.0148, DYSTS),
        "pesin_entropy_estimated": (0.0143501, DYSTS),
        "multiscale_entropy_estimated": (0.478298, DYSTS),
    },
    tags=('chaotic',),
)

define(
    'HindmarshRose', 'flow', 'x y z',
    dict(a=0.49, b=1.0, c=0.0322, d=1.0, s=1.0, tx=0.03, tz=0.8),
    [
        '-a*x**3/tx + b*x**2/tx - x + y/tx + z/tx',
        '-a*x**3 - x**2*(-b + d) + z',
        'c/tz - s*x/tz - z/tz',
    ],
    x0=[0.031111835, -0.021557059, 0.041475046], dt=0.0175, period=1.752, integration_dt=0.000350458,
    citation='Marhl, Perc. Chaos, Solitons, Fractals 2005.',
    description='Hindmarsh-Rose neuron model with spiking and chaotic bursting.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.262146, 0.00177054, -6.51066], DYSTS),
        "maximum_lyapunov_estimated": (0.653539, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.04054, DYSTS),
        "correlation_dimension_estimated": (1.64603, DYSTS),
        "pesin_entropy_estimated": (0.263917, DYSTS),
        "multiscale_entropy_estimated": (0.869261, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'Hopfield', 'flow', 'x0 x1 x2 x3 x4 x5',
    dict(beta=0.5, eps=10.0, k0_0=0.0, k0_1=-1.0, k0_2=0.0, k0_3=0.0, k0_4=-1.0, k0_5=-1.0, k1_0=0.0, k1_1=0.0, k1_2=0.0, k1_3=-1.0, k1_4=-1.0, k1_5=-1.0, k2_0=-1.0, k2_1=-1.0, k2_2=0.0, k2_3=0.0, k2_4=-1.0, k2_5=0.0, k3_0=-1.0, k3_1=-1.0, k3_2=-1.0, k3_3=0.0, k3_4=0.0, k3_5=0.0, k4_0=-1.0, k4_1=-1.0, k4_2=0.0, k4_3=-1.0, k4_4=0.0, k4_5=0.0, k5_0=0.0, k5_1=-1.0, k5_2=-1.0, k5_3=-1.0, k5_4=0.0, k5_5=0.0, tau=2.5),
    [
        '-beta + tanh(eps*(k0_0*x0 + k0_1*x1 + k0_2*x2 + k0_3*x3 + k0_4*x4 + k0_5*x5))/2 + 1/2 - x0/tau',
        '-beta + tanh(eps*(k1_0*x0 + k1_1*x1 + k1_2*x2 + k1_3*x3 + k1_4*x4 + k1_5*x5))/2 + 1/2 - x1/tau',
        '-beta + tanh(eps*(k2_0*x0 + k2_1*x1 + k2_2*x2 + k2_3*x3 + k2_4*x4 + k2_5*x5))/2 + 1/2 - x2/tau',
        '-beta + tanh(eps*(k3_0*x0 + k3_1*x1 + k3_2*x2 + k3_3*x3 + k3_4*x4 + k3_5*x5))/2 + 1/2 - x3/tau',
        '-beta + tanh(eps*(k4_0*x0 + k4_1*x1 + k4_2*x2 + k4_3*x3 + k4_4*x4 + k4_5*x5))/2 + 1/2 - x4/tau',
        '-beta + tanh(eps*(k5_0*x0 + k5_1*x1 + k5_2*x2 + k5_3*x3 + k5_4*x4 + k5_5*x5))/2 + 1/2 - x5/tau',
    ],
    x0=[-0.67127393, -0.2420173, -0.055676628, 0.34697948, 0.45273118, 0.78389688], dt=0.109, period=10.865, integration_dt=0.00217336,
    citation='Lewis & Glass, Neur Comp (1992)',
    description='Six-neuron continuous Hopfield-type network with frustrated inhibitory couplings.',
    hamiltonian=False, non_autonomous=False, delay=False,
    array_parameters='k (6x6 matrix)',
    reference={
        "lyapunov_spectrum_estimated": ([0.0772644, -0.000181529, -0.290833, -0.369069, -0.406047, -1.44254], DYSTS),
        "maximum_lyapunov_estimated": (0.568427, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.26448, DYSTS),
        "correlation_dimension_estimated": (1.98815, DYSTS),
        "pesin_entropy_estimated": (0.077489, DYSTS),
        "multiscale_entropy_estimated": (0.916015, DYSTS),
    },
    tags=('chaotic',),
)

define(
    'HyperBao', 'flow', 'x y z w',
    dict(a=36.0, b=3.0, c=20.0, d=0.1, e=21.0),
    [
        '-a*x + a*y + w',
        'c*y - x*z',
        '-b*z + x*y',
        'd*y*z + e*x',
    ],
    x0=[9.271308063781017, 9.752247178805291, 23.919154915696105, -16.69675939965203], dt=0.00583, period=0.5831506, integration_dt=0.00011665,
    citation='Bao, Liu  (2008). A hyperchaotic attractor coined from the chaotic Lu system. Chin. Physics Letters, Vol. 25, pp 2396-2399.',
    description='Four-dimensional hyperchaotic extension of the Lu system (Bao-Liu).',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.695974, 0.207669, 0.0164677, -19.9837], DYSTS),
        "maximum_lyapunov_estimated": (0.794193, DYSTS),
        "kaplan_yorke_dimension_estimated": (3.04604, DYSTS),
        "correlation_dimension_estimated": (1.90313, DYSTS),
        "pesin_entropy_estimated": (0.920111, DYSTS),
        "multiscale_entropy_estimated": (0.891022, DYSTS),
    },
    tags=('chaotic', 'hyperchaotic', 'polynomial'),
)

define(
    'HyperCai', 'flow', 'x y z w',
    dict(a=27.5, b=3.0, c=19.3, d=2.9, e=3.3),
    [
        '-a*x + a*y',
        'b*x + c*y + w - x*z',
        '-d*z + y**2',
        '-e*x',
    ],
    x0=[-10.691273602120157, -15.541159376570342, 18.388272900250726, -14.904493939514888], dt=0.00611, period=0.61139362, integration_dt=0.000122299,
    citation='Guoliang, Huang (2007). A New Finance Chaotic Attractor. International Journal of Nonlinear Science.',
    description='Four-dimensional hyperchaotic extension of the finance system.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([1.63444, 0.128455, -0.00332869, -12.7476], DYSTS),
        "maximum_lyapunov_estimated": (1.67776, DYSTS),
        "kaplan_yorke_dimension_estimated": (3.13803, DYSTS),
        "correlation_dimension_estimated": (2.37751, DYSTS),
        "pesin_entropy_estimated": (1.7629, DYSTS),
        "multiscale_entropy_estimated": (1.11554, DYSTS),
    },
    tags=('chaotic', 'hyperchaotic', 'polynomial'),
)

define(
    'HyperJha', 'flow', 'x y z w',
    dict(a=10.0, b=28.0, c=2.667, d=1.3),
    [
        '-a*x + a*y + w',
        'b*x - x*z - y',
        '-c*z + x*y',
        'd*w - x*z',
    ],
    x0=[13.76544888070825, 20.203791990082554, 32.08179795423583, -51.189321449994914], dt=0.00856, period=0.85644673, integration_dt=0.000171318,
    citation='Jürgen Meier (2003). Presentation of Attractors with Cinema.',
    description='Four-dimensional hyperchaotic flow of Lorenz type (Jha).',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.39495, 0.292021, 0.00556843, -13.0221], DYSTS),
        "maximum_lyapunov_estimated": (0.386954, DYSTS),
        "kaplan_yorke_dimension_estimated": (3.05318, DYSTS),
        "correlation_dimension_estimated": (2.2954, DYSTS),
        "pesin_entropy_estimated": (0.69254, DYSTS),
        "multiscale_entropy_estimated": (0.893417, DYSTS),
    },
    tags=('chaotic', 'hyperchaotic', 'polynomial'),
)

define(
    'HyperLorenz', 'flow', 'x y z w',
    dict(a=10.0, b=2.667, c=28.0, d=1.1),
    [
        '-a*x + a*y + w',
        'c*x - x*z - y',
        '-b*z + x*y',
        'd*w - x*z',
    ],
    x0=[-9.186073735061425, -0.6744570634419695, 16.440536886214517, -145.0243848950473], dt=0.0128, period=1.2775467, integration_dt=0.000255552,
    citation='Jürgen Meier (2003). Presentation of Attractors with Cinema.',
    description='Four-dimensional hyperchaotic extension of the Lorenz equations.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.292564, 0.246916, 0.0470443, -13.1184], DYSTS),
        "maximum_lyapunov_estimated": (0.328881, DYSTS),
        "kaplan_yorke_dimension_estimated": (3.04471, DYSTS),
        "correlation_dimension_estimated": (2.3257, DYSTS),
        "pesin_entropy_estimated": (0.586524, DYSTS),
        "multiscale_entropy_estimated": (0.802646, DYSTS),
    },
    tags=('chaotic', 'hyperchaotic', 'polynomial'),
)

define(
    'HyperLu', 'flow', 'x y z w',
    dict(a=36.0, b=3.0, c=20.0, d=1.3),
    [
        '-a*x + a*y + w',
        'c*y - x*z',
        '-b*z + x*y',
        'd*w + x*z',
    ],
    x0=[8.11348619, 10.55664382, 18.44590719, -28.38151717], dt=0.00716, period=0.7162857, integration_dt=0.000143281,
    citation='Chen, A., Lu, J., Lü, J., & Yu, S. (2006). Generating hyperchaotic Lü attractor via state feedback control. Physica A: Statistical Mechanics and its Applications, 364, 103-110.',
    description='Hyperchaotic Lu system obtained by state feedback control.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([1.08558, 0.475385, 0.0284995, -19.3138], DYSTS),
        "maximum_lyapunov_estimated": (1.04296, DYSTS),
        "kaplan_yorke_dimension_estimated": (3.08229, DYSTS),
        "correlation_dimension_estimated": (2.34374, DYSTS),
        "pesin_entropy_estimated": (1.58946, DYSTS),
        "multiscale_entropy_estimated": (1.04558, DYSTS),
    },
    tags=('chaotic', 'hyperchaotic', 'polynomial'),
)

define(
    'HyperPang', 'flow', 'x y z w',
    dict(a=36.0, b=3.0, c=20.0, d=2.0),
    [
        '-a*x + a*y',
        'c*y + w - x*z',
        '-b*z + x*y',
        '-d*x - d*y',
    ],
    x0=[8.40863585, 4.67210241, 27.91032548, -1.26300886], dt=0.00844, period=0.84393744, integration_dt=0.000168816,
    citation='Pang, S., & Liu, Y. (2011). A new hyperchaotic system from the Lü system and its control. Journal of Computational and Applied Mathematics, 235(8), 2775-2789.',
    description='Four-dimensional hyperchaotic system derived from the Lu system (Pang-Liu).',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([1.58693, 0.284442, -0.00115413, -21.0077], DYSTS),
        "maximum_lyapunov_estimated": (1.44653, DYSTS),
        "kaplan_yorke_dimension_estimated": (3.08902, DYSTS),
        "correlation_dimension_estimated": (2.40944, DYSTS),
        "pesin_entropy_estimated": (1.87191, DYSTS),
        "multiscale_entropy_estimated": (0.917216, DYSTS),
    },
    tags=('chaotic', 'hyperchaotic', 'polynomial'),
)

define(
    'HyperQi', 'flow', 'x y z w',
    dict(a=50.0, b=24.0, c=13.0, d=8.0, e=33.0, f=30.0),
    [
        '-a*x + a*y + y*z',
        'b*x + b*y - x*z',
        '-c*z - e*w + x*y',
        '-d*w + f*z + x*y',
    ],
    x0=[11.250900857894639, -3.647077762541555, 50.16987924937642, -168.2485185683687], dt=0.000619, period=0.061860386, integration_dt=1.23741e-05,
    citation='G. Qi, M. A. van Wyk, B. J. van Wyk, and G. Chen, (2008). On a new hyperchaotic system. Physics Letters A.',
    description='Four-dimensional hyperchaotic Qi system with a wide spectrum.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([13.9088, 2.852, -0.049579, -59.3276], DYSTS),
        "maximum_lyapunov_estimated": (12.7872, DYSTS),
        "kaplan_yorke_dimension_estimated": (3.28168, DYSTS),
        "correlation_dimension_estimated": (2.06785, DYSTS),
        "pesin_entropy_estimated": (16.7608, DYSTS),
        "multiscale_entropy_estimated": (0.998844, DYSTS),
    },
    tags=('chaotic', 'hyperchaotic', 'polynomial'),
)

define(
    'HyperRossler', 'flow', 'x y z w',
    dict(a=0.25, b=3.0, c=0.5, d=0.05),
    [
        '-y - z',
        'a*y + w + x',
        'b + x*z',
        '-c*z + d*w',
    ],
    x0=[-93.667697, 15.5078, 0.032086964, 43.792796], dt=0.0112, period=1.1157477, integration_dt=0.000223187,
    citation='Rossler, O. E. (1979). An equation for hyperchaos.',
    description="Rossler's 1979 four-dimensional flow with two positive Lyapunov exponents.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.278592, -7.7492e-05, -0.301466, -70.2661], DYSTS),
        "maximum_lyapunov_estimated": (0.171885, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.91638, DYSTS),
        "correlation_dimension_estimated": (1.8919, DYSTS),
        "pesin_entropy_estimated": (0.27897, DYSTS),
        "multiscale_entropy_estimated": (0.914475, DYSTS),
    },
    tags=('chaotic', 'hyperchaotic', 'polynomial'),
)

define(
    'HyperWang', 'flow', 'x y z w',
    dict(a=10.0, b=40.0, c=2.5, d=10.6, e=4.0),
    [
        '-a*x + a*y',
        'b*x + w - x*z',
        '-c*z + e*x**2',
        '-d*x',
    ],
    x0=[0.16824907, 0.16854103, 37.04033781, -15.29027381], dt=0.00648, period=0.64815206, integration_dt=0.000129652,
    citation='Wang, Z., Sun, Y., van Wyk, B. J., Qi, G. & van Wyk, M. A (2009). A 3-D four-wing attractor and its analysis. Brazilian J. Phys. 39.',
    description='Four-dimensional hyperchaotic extension of the Wang four-wing system.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([1.2224, 0.258276, -0.00755121, -13.9869], DYSTS),
        "maximum_lyapunov_estimated": (1.29301, DYSTS),
        "kaplan_yorke_dimension_estimated": (3.10532, DYSTS),
        "correlation_dimension_estimated": (2.38403, DYSTS),
        "pesin_entropy_estimated": (1.48068, DYSTS),
        "multiscale_entropy_estimated": (0.996926, DYSTS),
    },
    tags=('chaotic', 'hyperchaotic', 'polynomial'),
)

define(
    'HyperXu', 'flow', 'x y z w',
    dict(a=10.0, b=40.0, c=2.5, d=2.0, e=16.0),
    [
        '-a*x + a*y + w',
        'b*x + e*x*z',
        '-c*z - x*y',
        '-d*y + x*z',
    ],
    x0=[0.68944486, -0.60254126, -0.5814657, 0.26629277], dt=0.0113, period=1.1328151, integration_dt=0.000226601,
    citation='Letellier & Rossler (2007). Hyperchaos. Scholarpedia 2.8 (2007): 1936.',
    description='Four-dimensional hyperchaotic flow (Xu).',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([1.04201, 0.207178, -0.00339881, -13.6979], DYSTS),
        "maximum_lyapunov_estimated": (0.981983, DYSTS),
        "kaplan_yorke_dimension_estimated": (3.09095, DYSTS),
        "correlation_dimension_estimated": (2.30571, DYSTS),
        "pesin_entropy_estimated": (1.24919, DYSTS),
        "multiscale_entropy_estimated": (0.931232, DYSTS),
    },
    tags=('chaotic', 'hyperchaotic', 'polynomial'),
)

define(
    'HyperYan', 'flow', 'x y z w',
    dict(a=37.0, b=3.0, c=26.0, d=38.0),
    [
        '-a*x + a*y',
        'c*y - x*z + x*(-a + c)',
        '-b*z - w + x*y + x*z - y*z',
        '-d*w - x*z + y*z',
    ],
    x0=[-6.576620730899293, -4.617145437320736, 17.796515255115004, 0.8072357311545831], dt=0.00913, period=0.91270286, integration_dt=0.000182571,
    citation='Jürgen Meier (2003). Presentation of Attractors with Cinema.',
    description='Four-dimensional hyperchaotic flow (Yan).',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.912035, 0.153033, -14.9774, -39.3637], DYSTS),
        "maximum_lyapunov_estimated": (1.3946, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.07111, DYSTS),
        "correlation_dimension_estimated": (1.71691, DYSTS),
        "pesin_entropy_estimated": (1.06507, DYSTS),
        "multiscale_entropy_estimated": (0.816616, DYSTS),
    },
    tags=('chaotic', 'hyperchaotic', 'polynomial'),
)

define(
    'HyperYangChen', 'flow', 'x y z w',
    dict(a=30.0, b=3.0, c=35.0, d=8.0),
    [
        '-a*x + a*y',
        'c*x + w - x*z',
        '-b*z + x*y',
        '-d*x',
    ],
    x0=[3.534464234888686, 4.82852516302869, 25.04917588890622, 17.118520274514353], dt=0.00913, period=0.91270286, integration_dt=0.000182571,
    citation='Jürgen Meier (2003). Presentation of Attractors with Cinema.',
    description='Four-dimensional hyperchaotic extension of the Yang-Chen system.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.574269, 0.327365, 0.0235102, -34.7728], DYSTS),
        "maximum_lyapunov_estimated": (0.420427, DYSTS),
        "kaplan_yorke_dimension_estimated": (3.02661, DYSTS),
        "correlation_dimension_estimated": (2.43948, DYSTS),
        "pesin_entropy_estimated": (0.925517, DYSTS),
        "multiscale_entropy_estimated": (0.973032, DYSTS),
    },
    tags=('chaotic', 'hyperchaotic', 'polynomial'),
)

define(
    'InteriorSquirmer', 'flow', 'r th tt',
    dict(a0=0.5, a1=0.5, a2=0.5, a3=0.5, a4=0.5, g0=0.5, g1=0.5, g2=0.5, g3=0.5, g4=0.5, tau=3.0),
    [
        '5*r**4*(r**2 - 1)*(a4*(0.5*tanh(20*tau*sin(2*pi*tt/tau)) + 0.5)*sin(5*th) + g4*(0.5 - 0.5*tanh(20*tau*sin(2*pi*tt/tau)))*cos(5*th)) + 4*r**3*(r**2 - 1)*(a3*(0.5*tanh(20*tau*sin(2*pi*tt/tau)) + 0.5)*sin(4*th) + g3*(0.5 - 0.5*tanh(20*tau*sin(2*pi*tt/tau)))*cos(4*th)) + 3*r**2*(r**2 - 1)*(a2*(0.5*tanh(20*tau*sin(2*pi*tt/tau)) + 0.5)*sin(3*th) + g2*(0.5 - 0.5*tanh(20*tau*sin(2*pi*tt/tau)))*cos(3*th)) + 2*r*(r**2 - 1)*(a1*(0.5*tanh(20*tau*sin(2*pi*tt/tau)) + 0.5)*sin(2*th) + g1*(0.5 - 0.5*tanh(20*tau*sin(2*pi*tt/tau)))*cos(2*th)) + (r**2 - 1)*(a0*(0.5*tanh(20*tau*sin(2*pi*tt/tau)) + 0.5)*sin(th) + g0*(0.5 - 0.5*tanh(20*tau*sin(2*pi*tt/tau)))*cos(th))',
        '(r**5*(2*r + (5*r**2 - 5)/r)*(a4*(0.5*tanh(20*tau*sin(2*pi*tt/tau)) + 0.5)*cos(5*th) - g4*(0.5 - 0.5*tanh(20*tau*sin(2*pi*tt/tau)))*sin(5*th)) + r**4*(2*r + (4*r**2 - 4)/r)*(a3*(0.5*tanh(20*tau*sin(2*pi*tt/tau)) + 0.5)*cos(4*th) - g3*(0.5 - 0.5*tanh(20*tau*sin(2*pi*tt/tau)))*sin(4*th)) + r**3*(2*r + (3*r**2 - 3)/r)*(a2*(0.5*tanh(20*tau*sin(2*pi*tt/tau)) + 0.5)*cos(3*th) - g2*(0.5 - 0.5*tanh(20*tau*sin(2*pi*tt/tau)))*sin(3*th)) + r**2*(2*r + (2*r**2 - 2)/r)*(a1*(0.5*tanh(20*tau*sin(2*pi*tt/tau)) + 0.5)*cos(2*th) - g1*(0.5 - 0.5*tanh(20*tau*sin(2*pi*tt/tau)))*sin(2*th)) + r*(2*r + (r**2 - 1)/r)*(a0*(0.5*tanh(20*tau*sin(2*pi*tt/tau)) + 0.5)*cos(th) - g0*(0.5 - 0.5*tanh(20*tau*sin(2*pi*tt/tau)))*sin(th)))/r',
        '1',
    ],
    x0=[0.1, 0.1, 0.1], dt=0.288, period=28.822573, integration_dt=0.00576548,
    citation='Blake, J. R. Self propulsion due to oscillations on the surface of a cylinder at low Reynolds number. AMS Bulletin 1971.',
    description='Stokes flow inside a cylinder driven by a time-switched tangential boundary slip (polar coordinates).',
    hamiltonian=True, non_autonomous=False, forced=True, phase_variable='tt', delay=False,
    unbounded_indices=(1, 2),
    array_parameters='a, g (vectors)',
    reference={
        "lyapunov_spectrum_estimated": ([0.844735, 0.0662664, -0.73181], DYSTS),
        "maximum_lyapunov_estimated": (0.844735, DYSTS),
        "kaplan_yorke_dimension_estimated": (3.24487, DYSTS),
        "correlation_dimension_estimated": (2.49153, DYSTS),
        "pesin_entropy_estimated": (0.911001, DYSTS),
        "multiscale_entropy_estimated": (0.87729, DYSTS),
    },
    tags=('chaotic', 'conservative', 'hamiltonian', 'forced'),
)

define(
    'IsothermalChemical', 'flow', 'alpha beta gamma',
    dict(delta=1.0, kappa=2.5, mu=0.29786, sigma=0.013),
    [
        '-alpha*beta**2 - alpha + mu*(gamma + kappa)',
        '(alpha*beta**2 + alpha - beta)/sigma',
        '(beta - gamma)/delta',
    ],
    x0=[0.5141505602006595, 0.9984288208727641, 1.0061777118724], dt=0.0073, period=0.73028, integration_dt=0.00014608,
    citation='Petrov, Scott, Showalter. Mixed-mode oscillations in chemical systems. J Chem Phys 1992',
    description='Isothermal autocatalytic reaction scheme with mixed-mode oscillations.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.336587, -0.0513653, -7.39254], DYSTS),
        "maximum_lyapunov_estimated": (0.450091, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.03858, DYSTS),
        "correlation_dimension_estimated": (1.09034, DYSTS),
        "pesin_entropy_estimated": (0.336587, DYSTS),
        "multiscale_entropy_estimated": (0.658942, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'ItikBanksTumor', 'flow', 'x y z',
    dict(a12=1.0, a13=2.5, a21=1.5, a31=0.2, d3=0.5, k3=1.0, r2=0.6, r3=4.5),
    [
        '-a12*x*y - a13*x*z + x*(1 - x)',
        '-a21*x*y + r2*y*(1 - y)',
        '-a31*x*z - d3*z + r3*x*z/(k3 + x)',
    ],
    x0=[0.051730215, 0.87071642, 0.015926427], dt=0.497, period=49.74, integration_dt=0.00994966,
    citation='Itik, Banks. Int J Bifurcat Chaos 2010',
    description='Interaction of tumour, healthy and immune (effector) cell populations.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0221569, -0.0135395, -0.561083], DYSTS),
        "maximum_lyapunov_estimated": (0.0362151, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.01528, DYSTS),
        "correlation_dimension_estimated": (1.01272, DYSTS),
        "pesin_entropy_estimated": (0.0221569, DYSTS),
        "multiscale_entropy_estimated": (0.58833, DYSTS),
    },
    tags=('chaotic',),
)

define(
    'JerkCircuit', 'flow', 'x y z',
    dict(eps=1e-09, y0=0.026),
    [
        'y',
        'z',
        '-eps*(exp(y/y0) - 1) - x - z',
    ],
    x0=[-1.300882, 0.065382947, 0.91801911], dt=0.195, period=19.4546, integration_dt=0.00389157,
    citation='Sprott (2011). A new chaotic jerk circuit. IEEE Circ. Sys. 2011.',
    description='Jerk circuit whose nonlinearity is an exponential diode characteristic.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.394873, 0.184903, -1.14074], DYSTS),
        "maximum_lyapunov_estimated": (0.292272, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.50824, DYSTS),
        "correlation_dimension_estimated": (1.83682, DYSTS),
        "pesin_entropy_estimated": (0.579776, DYSTS),
        "multiscale_entropy_estimated": (0.381399, DYSTS),
    },
    tags=('chaotic',),
)

define(
    'KawczynskiStrizhak', 'flow', 'x y z',
    dict(beta=-0.4, gamma=0.49, kappa=0.2, mu=2.1),
    [
        '3*gamma*mu*x - gamma*x**3 + gamma*y',
        'beta - 2*mu*x - y - z',
        'kappa*x - kappa*z',
    ],
    x0=[-1.160501, 5.8636902, -1.2031947], dt=0.11, period=10.991667, integration_dt=0.0015986,
    citation='P. E. Strizhak and A. L. Kawczynski, J. Phys. Chem. 99, 10830 (1995).',
    description='Model of mixed-mode oscillations in the Belousov-Zhabotinsky reaction.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0256075, -0.0614543, -0.316834], DYSTS),
        "maximum_lyapunov_estimated": (0.0757061, DYSTS),
        "kaplan_yorke_dimension_estimated": (1.42352, DYSTS),
        "correlation_dimension_estimated": (0.497785, DYSTS),
        "pesin_entropy_estimated": (0.0256075, DYSTS),
        "multiscale_entropy_estimated": (0.59351, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'Laser', 'flow', 'x y z',
    dict(a=10.0, b=1.0, c=5.0, d=-1.0, h=-5.0, k=-6.0),
    [
        '-a*x + a*y + b*y*z**2',
        'c*x + d*x*z**2',
        'h*z + k*x**2',
    ],
    x0=[-2.540801356216252, -1.940570579119389, -2.9680975444071955], dt=0.00947, period=0.94667, integration_dt=0.000189366,
    citation='Abooee, Yaghini-Bonabi, Jahed-Motlagh (2013). Analysis and circuitry realization of a novel three-dimensional chaotic system. Comm Nonline Sci 2013',
    description='Three-dimensional chaotic semiconductor laser model with a circuit realisation.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.763744, 0.0209433, -15.9095], DYSTS),
        "maximum_lyapunov_estimated": (0.60806, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.04932, DYSTS),
        "correlation_dimension_estimated": (1.71911, DYSTS),
        "pesin_entropy_estimated": (0.784831, DYSTS),
        "multiscale_entropy_estimated": (1.00444, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'LidDrivenCavityFlow', 'flow', 'x y tt',
    dict(a=6.0, b=1.0, tau=1.1, u1=9.92786, u2=8.34932),
    [
        '(0.5 - 0.5*tanh(20*tau*sin(2*pi*tt/tau)))*(-2*u1*(-pi*b*sinh(pi*b/a)*sinh(pi*y/a) + (a*sinh(pi*y/a) + pi*y*cosh(pi*y/a))*cosh(pi*b/a))*sin(pi*x/a)/(a*sinh(2*pi*b/a) + 2*pi*b) + 2*u2*(-2*pi*b*sinh(2*pi*b/a)*sinh(2*pi*y/a) + (a*sinh(2*pi*y/a) + 2*pi*y*cosh(2*pi*y/a))*cosh(2*pi*b/a))*sin(2*pi*x/a)/(a*sinh(4*pi*b/a) + 4*pi*b)) + (2*u1*(-pi*b*sinh(pi*b/a)*sinh(pi*y/a) + (a*sinh(pi*y/a) + pi*y*cosh(pi*y/a))*cosh(pi*b/a))*sin(pi*x/a)/(a*sinh(2*pi*b/a) + 2*pi*b) + 2*u2*(-2*pi*b*sinh(2*pi*b/a)*sinh(2*pi*y/a) + (a*sinh(2*pi*y/a) + 2*pi*y*cosh(2*pi*y/a))*cosh(2*pi*b/a))*sin(2*pi*x/a)/(a*sinh(4*pi*b/a) + 4*pi*b))*(0.5*tanh(20*tau*sin(2*pi*tt/tau)) + 0.5)',
        '(0.5 - 0.5*tanh(20*tau*sin(2*pi*tt/tau)))*(-2*pi*u1*(b*sinh(pi*b/a)*cosh(pi*y/a) - y*sinh(pi*y/a)*cosh(pi*b/a))*cos(pi*x/a)/(a*sinh(2*pi*b/a) + 2*pi*b) + 4*pi*u2*(b*sinh(2*pi*b/a)*cosh(2*pi*y/a) - y*sinh(2*pi*y/a)*cosh(2*pi*b/a))*cos(2*pi*x/a)/(a*sinh(4*pi*b/a) + 4*pi*b)) + (2*pi*u1*(b*sinh(pi*b/a)*cosh(pi*y/a) - y*sinh(pi*y/a)*cosh(pi*b/a))*cos(pi*x/a)/(a*sinh(2*pi*b/a) + 2*pi*b) + 4*pi*u2*(b*sinh(2*pi*b/a)*cosh(2*pi*y/a) - y*sinh(2*pi*y/a)*cosh(2*pi*b/a))*cos(2*pi*x/a)/(a*sinh(4*pi*b/a) + 4*pi*b))*(0.5*tanh(20*tau*sin(2*pi*tt/tau)) + 0.5)',
        '1',
    ],
    x0=[3.966790341130254, 0.18425981346720144, 0.0], dt=0.0273, period=2.7333135, integration_dt=0.000546754,
    citation='Grover et al. Chaos (2012). Topological chaos, braiding and bifurcation of almost-cyclic sets.',
    description='Two-dimensional Stokes flow in a cavity whose walls are moved alternately.',
    hamiltonian=True, non_autonomous=False, forced=True, phase_variable='tt', delay=False,
    unbounded_indices=(2,),
    reference={
        "lyapunov_spectrum_estimated": ([1.00757, -0.00276829, -1.01942], DYSTS),
        "maximum_lyapunov_estimated": (2.1726, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.98567, DYSTS),
        "correlation_dimension_estimated": (2.46695, DYSTS),
        "pesin_entropy_estimated": (1.00757, DYSTS),
        "multiscale_entropy_estimated": (0.781582, DYSTS),
    },
    tags=('chaotic', 'conservative', 'hamiltonian', 'forced'),
)

define(
    'LiuChen', 'flow', 'x y z',
    dict(a=0.4, b=12.0, c=-5.0, h=0.0, p=0.0, q=-1.0, r=1.0, s=1.0),
    [
        'a*x + h*y + s*y*z',
        '-b*y - p*x + q*x*z',
        'c*z - r*x*y',
    ],
    x0=[4.6722764, 5.2437205e-10, -6.4444208e-10], dt=0.0802, period=8.0164, integration_dt=0.00160355,
    citation='Liu, Chen. Int J Bifurcat Chaos. 2004: 1395-1403.',
    description='Four-wing-type quadratic flow derived from the Sakarya system.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.213321, -0.9749, -18.8071], DYSTS),
        "maximum_lyapunov_estimated": (0.245708, DYSTS),
        "kaplan_yorke_dimension_estimated": (1.21881, DYSTS),
        "correlation_dimension_estimated": (1.06019, DYSTS),
        "pesin_entropy_estimated": (0.213321, DYSTS),
        "multiscale_entropy_estimated": (0.764147, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'Lorenz84', 'flow', 'x y z',
    dict(a=1.32, b=7.91, f=4.83, g=4.194),
    [
        'a*f - a*x - y**2 - z**2',
        '-b*x*z + g + x*y - y',
        'b*x*y + x*z - z',
    ],
    x0=[1.926479236120359, -0.13402110197257552, -1.72146730664761], dt=0.0626, period=6.2586, integration_dt=0.00125193,
    citation='E. Lorenz (1984). Irregularity: a fundamental property of the atmosphere. Tellus A, vol. 36, no. 2, pp. 98--110, 1984.',
    description="Lorenz's 1984 model of the general atmospheric circulation (westerly wind and a travelling wave).",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([1.04748, -0.045398, -2.25199], DYSTS),
        "maximum_lyapunov_estimated": (0.461467, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.44498, DYSTS),
        "correlation_dimension_estimated": (1.86677, DYSTS),
        "pesin_entropy_estimated": (1.04748, DYSTS),
        "multiscale_entropy_estimated": (0.66858, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'LorenzBounded', 'flow', 'x y z',
    dict(beta=2.667, r=64.0, rho=28.0, sigma=10.0),
    [
        '-sigma*x + sigma*y + sigma*x**3/r**2 - sigma*x**2*y/r**2 + sigma*x*y**2/r**2 + sigma*x*z**2/r**2 - sigma*y**3/r**2 - sigma*y*z**2/r**2',
        'rho*x - x*z - y - rho*x**3/r**2 - rho*x*y**2/r**2 - rho*x*z**2/r**2 + x**3*z/r**2 + x**2*y/r**2 + x*y**2*z/r**2 + x*z**3/r**2 + y**3/r**2 + y*z**2/r**2',
        '-beta*z + beta*x**2*z/r**2 + beta*y**2*z/r**2 + beta*z**3/r**2 + x*y - x**3*y/r**2 - x*y**3/r**2 - x*y*z**2/r**2',
    ],
    x0=[-13.284881, -12.444334, 34.188198], dt=0.0137, period=1.3716, integration_dt=0.000274366,
    citation='Sprott & Xiong (2015). Chaos.',
    description='Lorenz equations confined by a spherical potential that keeps every trajectory bounded.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.849753, 0.00141371, -12.1206], DYSTS),
        "maximum_lyapunov_estimated": (0.712414, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.07044, DYSTS),
        "correlation_dimension_estimated": (1.96411, DYSTS),
        "pesin_entropy_estimated": (0.85132, DYSTS),
        "multiscale_entropy_estimated": (1.19832, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'LorenzCoupled', 'flow', 'x1 y1 z1 x2 y2 z2',
    dict(beta=2.667, eps=2.85, rho=28.0, rho1=35.0, rho2=1.15, sigma=10.0),
    [
        '-sigma*x1 + sigma*y1',
        'rho1*x1 - x1*z1 - y1',
        '-beta*z1 + x1*y1',
        'eps*x1 - eps*x2 - sigma*x2 + sigma*y2',
        'rho2*x2 - x2*z2 - y2',
        '-beta*z2 + x2*y2',
    ],
    x0=[7.0921483, 10.117408, 25.708428, 2.1689893, 0.96121877, 0.89550187], dt=0.0162, period=1.6207, integration_dt=0.000324194,
    citation='Lorenz, Edward N. Deterministic nonperiodic flow. Journal of the atmospheric sciences 20.2 (1963): 130-141.',
    description='Two Lorenz systems with different rho, the second driven diffusively by the first.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([1.22188, 0.122225, -1.26521, -1.9333, -13.6181, -15.0733], DYSTS),
        "maximum_lyapunov_estimated": (1.02844, DYSTS),
        "kaplan_yorke_dimension_estimated": (3.04081, DYSTS),
        "correlation_dimension_estimated": (2.39895, DYSTS),
        "pesin_entropy_estimated": (1.3441, DYSTS),
        "multiscale_entropy_estimated": (1.17175, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'LorenzStenflo', 'flow', 'x y z w',
    dict(a=2.0, b=0.7, c=26.0, d=1.5),
    [
        '-a*x + a*y + d*w',
        'c*x - x*z - y',
        '-b*z + x*y',
        '-a*w - x',
    ],
    x0=[4.233438598886809, 9.08970605484108, 21.86662535600487, -1.4080695182833802], dt=0.0389, period=3.8877143, integration_dt=0.000777672,
    citation='Letellier & Rossler (2007). Hyperchaos. Scholarpedia 2.8 (2007): 1936.',
    description='Four-dimensional Lorenz-Stenflo model of acoustic-gravity waves in the atmosphere.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.449445, 0.0260775, -2.73584, -3.42133], DYSTS),
        "maximum_lyapunov_estimated": (0.380774, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.17381, DYSTS),
        "correlation_dimension_estimated": (2.11915, DYSTS),
        "pesin_entropy_estimated": (0.475522, DYSTS),
        "multiscale_entropy_estimated": (1.02992, DYSTS),
    },
    tags=('chaotic', 'hyperchaotic', 'polynomial'),
)

define(
    'LuChen', 'flow', 'x y z',
    dict(a=36.0, b=3.0, c=18.0),
    [
        '-a*x + a*y',
        'c*y - x*z',
        '-b*z + x*y',
    ],
    x0=[10.956479, 9.8813092, 22.676714], dt=0.0234, period=2.3385, integration_dt=0.000467778,
    citation='Lu, Chen. Int J Bifurcat Chaos. 2002: 659-661.',
    description='Lu-Chen system, bridging the Lorenz and Chen attractors as c varies.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.665185, 0.145034, -22.57], DYSTS),
        "maximum_lyapunov_estimated": (0.326687, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.0359, DYSTS),
        "correlation_dimension_estimated": (1.37279, DYSTS),
        "pesin_entropy_estimated": (0.810218, DYSTS),
        "multiscale_entropy_estimated": (0.44839, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'LuChenCheng', 'flow', 'x y z',
    dict(a=-10.0, b=-4.0, c=18.1),
    [
        '-a*b*x/(a + b) + c - y*z',
        'a*y + x*z',
        'b*z + x*y',
    ],
    x0=[-5.5177615, 2.4990595, 10.461798], dt=0.00923, period=0.92333, integration_dt=0.000184697,
    citation='Lu, Chen, Cheng. Int J Bifurcat Chaos. 2004: 1507--1537.',
    description='Lu-Chen-Cheng system with a four-scroll attractor.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.351062, -0.0124144, -11.5565], DYSTS),
        "maximum_lyapunov_estimated": (0.261278, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.0293, DYSTS),
        "correlation_dimension_estimated": (1.7226, DYSTS),
        "pesin_entropy_estimated": (0.351062, DYSTS),
        "multiscale_entropy_estimated": (0.602976, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'MacArthur', 'flow', 'x0 x1 x2 x3 x4 x5 x6 x7 x8 x9',
    dict(c0_0=0.04, c0_1=0.04, c0_2=0.07, c0_3=0.04, c0_4=0.04, c1_0=0.08, c1_1=0.08, c1_2=0.08, c1_3=0.1, c1_4=0.08, c2_0=0.1, c2_1=0.1, c2_2=0.1, c2_3=0.1, c2_4=0.14, c3_0=0.05, c3_1=0.03, c3_2=0.03, c3_3=0.03, c3_4=0.03, c4_0=0.07, c4_1=0.09, c4_2=0.07, c4_3=0.07, c4_4=0.07, d=0.25, k0_0=0.39, k0_1=0.34, k0_2=0.3, k0_3=0.24, k0_4=0.23, k1_0=0.22, k1_1=0.39, k1_2=0.34, k1_3=0.3, k1_4=0.27, k2_0=0.27, k2_1=0.22, k2_2=0.39, k2_3=0.34, k2_4=0.3, k3_0=0.3, k3_1=0.24, k3_2=0.22, k3_3=0.39, k3_4=0.34, k4_0=0.34, k4_1=0.3, k4_2=0.22, k4_3=0.2, k4_4=0.39, m=0.25, r=1.0, s0=6.0, s1=10.0, s2=14.0, s3=4.0, s4=9.0),
    [
        'x0*(-m + Min(r*x5/(k0_0 + x5), r*x6/(k1_0 + x6), r*x7/(k2_0 + x7), r*x8/(k3_0 + x8), r*x9/(k4_0 + x9)))',
        'x1*(-m + Min(r*x5/(k0_1 + x5), r*x6/(k1_1 + x6), r*x7/(k2_1 + x7), r*x8/(k3_1 + x8), r*x9/(k4_1 + x9)))',
        'x2*(-m + Min(r*x5/(k0_2 + x5), r*x6/(k1_2 + x6), r*x7/(k2_2 + x7), r*x8/(k3_2 + x8), r*x9/(k4_2 + x9)))',
        'x3*(-m + Min(r*x5/(k0_3 + x5), r*x6/(k1_3 + x6), r*x7/(k2_3 + x7), r*x8/(k3_3 + x8), r*x9/(k4_3 + x9)))',
        'x4*(-m + Min(r*x5/(k0_4 + x5), r*x6/(k1_4 + x6), r*x7/(k2_4 + x7), r*x8/(k3_4 + x8), r*x9/(k4_4 + x9)))',
        '-c0_0*x0*Min(r*x5/(k0_0 + x5), r*x6/(k1_0 + x6), r*x7/(k2_0 + x7), r*x8/(k3_0 + x8), r*x9/(k4_0 + x9)) - c0_1*x1*Min(r*x5/(k0_1 + x5), r*x6/(k1_1 + x6), r*x7/(k2_1 + x7), r*x8/(k3_1 + x8), r*x9/(k4_1 + x9)) - c0_2*x2*Min(r*x5/(k0_2 + x5), r*x6/(k1_2 + x6), r*x7/(k2_2 + x7), r*x8/(k3_2 + x8), r*x9/(k4_2 + x9)) - c0_3*x3*Min(r*x5/(k0_3 + x5), r*x6/(k1_3 + x6), r*x7/(k2_3 + x7), r*x8/(k3_3 + x8), r*x9/(k4_3 + x9)) - c0_4*x4*Min(r*x5/(k0_4 + x5), r*x6/(k1_4 + x6), r*x7/(k2_4 + x7), r*x8/(k3_4 + x8), r*x9/(k4_4 + x9)) + d*(s0 - x5)',
        '-c1_0*x0*Min(r*x5/(k0_0 + x5), r*x6/(k1_0 + x6), r*x7/(k2_0 + x7), r*x8/(k3_0 + x8), r*x9/(k4_0 + x9)) - c1_1*x1*Min(r*x5/(k0_1 + x5), r*x6/(k1_1 + x6), r*x7/(k2_1 + x7), r*x8/(k3_1 + x8), r*x9/(k4_1 + x9)) - c1_2*x2*Min(r*x5/(k0_2 + x5), r*x6/(k1_2 + x6), r*x7/(k2_2 + x7), r*x8/(k3_2 + x8), r*x9/(k4_2 + x9)) - c1_3*x3*Min(r*x5/(k0_3 + x5), r*x6/(k1_3 + x6), r*x7/(k2_3 + x7), r*x8/(k3_3 + x8), r*x9/(k4_3 + x9)) - c1_4*x4*Min(r*x5/(k0_4 + x5), r*x6/(k1_4 + x6), r*x7/(k2_4 + x7), r*x8/(k3_4 + x8), r*x9/(k4_4 + x9)) + d*(s1 - x6)',
        '-c2_0*x0*Min(r*x5/(k0_0 + x5), r*x6/(k1_0 + x6), r*x7/(k2_0 + x7), r*x8/(k3_0 + x8), r*x9/(k4_0 + x9)) - c2_1*x1*Min(r*x5/(k0_1 + x5), r*x6/(k1_1 + x6), r*x7/(k2_1 + x7), r*x8/(k3_1 + x8), r*x9/(k4_1 + x9)) - c2_2*x2*Min(r*x5/(k0_2 + x5), r*x6/(k1_2 + x6), r*x7/(k2_2 + x7), r*x8/(k3_2 + x8), r*x9/(k4_2 + x9)) - c2_3*x3*Min(r*x5/(k0_3 + x5), r*x6/(k1_3 + x6), r*x7/(k2_3 + x7), r*x8/(k3_3 + x8), r*x9/(k4_3 + x9)) - c2_4*x4*Min(r*x5/(k0_4 + x5), r*x6/(k1_4 + x6), r*x7/(k2_4 + x7), r*x8/(k3_4 + x8), r*x9/(k4_4 + x9)) + d*(s2 - x7)',
        '-c3_0*x0*Min(r*x5/(k0_0 + x5), r*x6/(k1_0 + x6), r*x7/(k2_0 + x7), r*x8/(k3_0 + x8), r*x9/(k4_0 + x9)) - c3_1*x1*Min(r*x5/(k0_1 + x5), r*x6/(k1_1 + x6), r*x7/(k2_1 + x7), r*x8/(k3_1 + x8), r*x9/(k4_1 + x9)) - c3_2*x2*Min(r*x5/(k0_2 + x5), r*x6/(k1_2 + x6), r*x7/(k2_2 + x7), r*x8/(k3_2 + x8), r*x9/(k4_2 + x9)) - c3_3*x3*Min(r*x5/(k0_3 + x5), r*x6/(k1_3 + x6), r*x7/(k2_3 + x7), r*x8/(k3_3 + x8), r*x9/(k4_3 + x9)) - c3_4*x4*Min(r*x5/(k0_4 + x5), r*x6/(k1_4 + x6), r*x7/(k2_4 + x7), r*x8/(k3_4 + x8), r*x9/(k4_4 + x9)) + d*(s3 - x8)',
        '-c4_0*x0*Min(r*x5/(k0_0 + x5), r*x6/(k1_0 + x6), r*x7/(k2_0 + x7), r*x8/(k3_0 + x8), r*x9/(k4_0 + x9)) - c4_1*x1*Min(r*x5/(k0_1 + x5), r*x6/(k1_1 + x6), r*x7/(k2_1 + x7), r*x8/(k3_1 + x8), r*x9/(k4_1 + x9)) - c4_2*x2*Min(r*x5/(k0_2 + x5), r*x6/(k1_2 + x6), r*x7/(k2_2 + x7), r*x8/(k3_2 + x8), r*x9/(k4_2 + x9)) - c4_3*x3*Min(r*x5/(k0_3 + x5), r*x6/(k1_3 + x6), r*x7/(k2_3 + x7), r*x8/(k3_3 + x8), r*x9/(k4_3 + x9)) - c4_4*x4*Min(r*x5/(k0_4 + x5), r*x6/(k1_4 + x6), r*x7/(k2_4 + x7), r*x8/(k3_4 + x8), r*x9/(k4_4 + x9)) + d*(s4 - x9)',
    ],
    x0=[9.4323333, 18.838654, 34.37572, 15.08545, 42.228427, 0.17030505, 0.10144427, 0.3148045, 0.21253581, 0.22598604], dt=0.434, period=43.406, integration_dt=0.00868265,
    citation='MacArthur, R. 1969. Species packing, and what competition minimizes. PNAS 64:1369. Parameter values taken from a model of phytoplankton in Huisman & Weissing. Nature 1999.',
    description="Five plankton species competing for five resources (consumer-resource model, Liebig's minimum law).",
    hamiltonian=False, non_autonomous=False, delay=False,
    array_parameters='c, k (5x5 matrices) and s (vector)',
    reference={
        "lyapunov_spectrum_estimated": ([0.193462, 0.00486658, -0.0431132, -0.176651, -0.303578, -0.303924, -0.304746, -0.305184, -0.305891, -17.3745], DYSTS),
        "maximum_lyapunov_estimated": (0.249464, DYSTS),
        "kaplan_yorke_dimension_estimated": (3.89614, DYSTS),
        "correlation_dimension_estimated": (2.27023, DYSTS),
        "pesin_entropy_estimated": (0.198328, DYSTS),
        "multiscale_entropy_estimated": (0.78449, DYSTS),
    },
    tags=('chaotic', 'non-smooth'),
)

define(
    'MooreSpiegel', 'flow', 'x y z',
    dict(a=10.0, b=4.0, eps=9.0),
    [
        'y',
        'a*z',
        '-b*x + eps*y - x**2*y - z',
    ],
    x0=[-3.4733266, 19.666962, -3.8262485], dt=0.0129, period=1.2887, integration_dt=0.000257783,
    citation='Moore, Spiegel. A Thermally Excited Nonlinear Oscillator, Ap. J., 143, 871 (1966)',
    description='Moore-Spiegel thermally excited oscillator (a jerk flow with cubic nonlinearity).',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.407435, -0.02208, -1.19758], DYSTS),
        "maximum_lyapunov_estimated": (0.697662, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.32177, DYSTS),
        "correlation_dimension_estimated": (1.84664, DYSTS),
        "pesin_entropy_estimated": (0.407633, DYSTS),
        "multiscale_entropy_estimated": (0.540195, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'MultiChua', 'flow', 'x y z',
    dict(a=9.0, b=14.286, c0=0.0, c1=1.0, c2=2.15, c3=3.6, c4=8.2, c5=13.0, m0=-0.14285714, m1=0.28571429, m2=-0.57142857, m3=0.28571429, m4=-0.57142857, m5=0.28571429),
    [
        'a*(-m5*x + y - (0.5*m0 - 0.5*m1)*(-Abs(c1 - x) + Abs(c1 + x)) - (0.5*m1 - 0.5*m2)*(-Abs(c2 - x) + Abs(c2 + x)) - (0.5*m2 - 0.5*m3)*(-Abs(c3 - x) + Abs(c3 + x)) - (0.5*m3 - 0.5*m4)*(-Abs(c4 - x) + Abs(c4 + x)) - (0.5*m4 - 0.5*m5)*(-Abs(c5 - x) + Abs(c5 + x)))',
        'x - y + z',
        '-b*y',
    ],
    x0=[-21.160123, 1.0322356, 27.405269], dt=0.0226, period=2.2586, integration_dt=0.000451795,
    citation='Mufcstak E. Yalcin, Johan A. K. Suykens, Joos Vandewalle. Cellular Neural Networks, Multi-Scroll Chaos And Synchronization.',
    description='Chua-type circuit with a multi-segment piecewise-linear characteristic (multi-scroll attractor).',
    hamiltonian=False, non_autonomous=False, delay=False,
    array_parameters='c, m (vectors)',
    reference={
        "lyapunov_spectrum_estimated": ([0.221057, -0.0014028, -3.10264], DYSTS),
        "maximum_lyapunov_estimated": (1.46213, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.07102, DYSTS),
        "correlation_dimension_estimated": (1.75194, DYSTS),
        "pesin_entropy_estimated": (0.221511, DYSTS),
        "multiscale_entropy_estimated": (0.811888, DYSTS),
    },
    tags=('chaotic', 'non-smooth'),
)

define(
    'NewtonLiepnik', 'flow', 'x y z',
    dict(a=0.4, b=0.175),
    [
        '-a*x + 10*y*z + y',
        '5*x*z - x - 0.4*y',
        'b*z - 5*x*y',
    ],
    x0=[0.29430753, 0.10649486, 0.29081125], dt=0.0851, period=8.5095, integration_dt=0.00170218,
    citation='Leipnik, R. B., and T. A. Newton (1981). Double strange attractors in rigid body motion with linear feedback control. Physics Letters A 86.2 (1981): 63-67.',
    description='Rigid-body Euler equations with linear feedback, two coexisting strange attractors.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.172356, -0.000369767, -0.779579], DYSTS),
        "maximum_lyapunov_estimated": (0.149453, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.22061, DYSTS),
        "correlation_dimension_estimated": (2.00516, DYSTS),
        "pesin_entropy_estimated": (0.172426, DYSTS),
        "multiscale_entropy_estimated": (0.632292, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'NoseHoover', 'flow', 'x y z',
    dict(a=1.5),
    [
        'y',
        '-x + y*z',
        'a - y**2',
    ],
    x0=[-1.9758582, 0.24647527, 0.79024299], dt=0.0587, period=5.8673, integration_dt=0.00117366,
    citation='Nose, S (1985). A unified formulation of the constant temperature molecular-dynamics methods. Journal of Chemical Physics (1984). Hoover, William G. Canonical dynamics: Equilibrium phase-space distributions. Phys. Rev. A. Hoover, William G., Anthony JC Ladd, and Bill Moran (1982). High-strain-rate plastic flow studied via nonequilibrium molecular dynamics. Physical Review Letters.',
    description='Nose-Hoover thermostatted oscillator (Sprott A form), conservative chaos.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0475701, 0.00138445, -0.0116538], DYSTS),
        "maximum_lyapunov_estimated": (0.0104644, DYSTS),
        "kaplan_yorke_dimension_estimated": (6.2132, DYSTS),
        "correlation_dimension_estimated": (1.96241, DYSTS),
        "pesin_entropy_estimated": (0.0489546, DYSTS),
        "multiscale_entropy_estimated": (0.565607, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'NuclearQuadrupole', 'flow', 'q1 q2 p1 p2',
    dict(a=1.0, b=0.55, d=0.4),
    [
        'a*p1',
        'a*p2',
        '-a*q1 + 3*sqrt(2)*b*q1**2/2 - 3*sqrt(2)*b*q2**2/2 - d*q1**3 - d*q1*q2**2',
        '-a*q2 - 3*sqrt(2)*b*q1*q2 - d*q1**2*q2 - d*q2**3',
    ],
    x0=[-0.85591178, 1.48078342, -0.85075322, 1.63576085], dt=0.0602, period=6.0230769, integration_dt=0.00120482,
    citation='Baran V. and Raduta A. A. (1998), International Journal of Modern Physics E',
    description='Quadrupole boson Hamiltonian of collective nuclear motion; chaos from resonance overlap.',
    hamiltonian=True, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.278584, 0.0662954, -0.00449888, -0.2658], DYSTS),
        "maximum_lyapunov_estimated": (0.295542, DYSTS),
        "kaplan_yorke_dimension_estimated": (4.281, DYSTS),
        "correlation_dimension_estimated": (2.09806, DYSTS),
        "pesin_entropy_estimated": (0.344883, DYSTS),
        "multiscale_entropy_estimated": (0.820953, DYSTS),
    },
    tags=('chaotic', 'conservative', 'hamiltonian', 'polynomial'),
)

define(
    'OscillatingFlow', 'flow', 'x y z',
    dict(b=0.48, k=1.0, omega=0.49, u=0.72),
    [
        'u*sin(k*(b*sin(z) + x))*cos(k*y)',
        '-u*sin(k*y)*cos(k*(b*sin(z) + x))',
        'omega',
    ],
    x0=[3.14159265, 1.04719755, 0.4], dt=0.239, period=23.857, integration_dt=0.0047722,
    citation='T. H. Solomon and J. P. Gollub, Phys. Rev. A 38, 6280 (1988).',
    description='Travelling cellular flow with a lateral oscillation, giving chaotic advection of tracers.',
    hamiltonian=False, non_autonomous=False, forced=True, phase_variable='z', delay=False,
    unbounded_indices=(0, 2),
    reference={
        "lyapunov_spectrum_estimated": ([0.427416, -0.00502962, -0.438885], DYSTS),
        "maximum_lyapunov_estimated": (0.134702, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.96263, DYSTS),
        "correlation_dimension_estimated": (2.34666, DYSTS),
        "pesin_entropy_estimated": (0.427416, DYSTS),
        "multiscale_entropy_estimated": (0.617768, DYSTS),
    },
    tags=('chaotic', 'forced'),
)

define(
    'PanXuZhou', 'flow', 'x y z',
    dict(a=10.0, c=-2.6667, d=0.0, eps=0.0, f=0.0, k=16.0),
    [
        '-a*x + a*y + d*x*z',
        'f*y + k*x - x*z',
        'c*z - eps*x**2 + x*y',
    ],
    x0=[-3.03805747, -1.98052429, 14.65665869], dt=0.0178, period=1.7829, integration_dt=0.000356639,
    citation='Zhou, Wuneng, et al. On dynamics analysis of a new chaotic attractor. Physics Letters A 372.36 (2008): 5773-5777..',
    description='Quadratic three-dimensional flow related to the Dequan Li attractor.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.869739, 0.0160361, -13.7443], DYSTS),
        "maximum_lyapunov_estimated": (0.613238, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.06445, DYSTS),
        "correlation_dimension_estimated": (0.771527, DYSTS),
        "pesin_entropy_estimated": (0.885776, DYSTS),
        "multiscale_entropy_estimated": (1.09932, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'PehlivanWei', 'flow', 'x y z',
    dict(),
    [
        '-y*z + y',
        '-2*x + y*z + y',
        '-x*y - y**2 + 2',
    ],
    x0=[0.21665608, 0.86710502, 0.50627859], dt=0.0375, period=3.748733, integration_dt=0.000749872,
    citation='Pehlivan, Ihsan, and Wei Zhouchao (2012). Analysis, nonlinear control, and chaos generator circuit of another strange chaotic system.',
    description='Quadratic flow with codimension-one and -two Hopf bifurcations and a circuit realisation.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0951233, 0.00153233, -0.616862], DYSTS),
        "maximum_lyapunov_estimated": (0.104151, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.15636, DYSTS),
        "correlation_dimension_estimated": (1.72003, DYSTS),
        "pesin_entropy_estimated": (0.0966556, DYSTS),
        "multiscale_entropy_estimated": (0.654749, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'Qi', 'flow', 'x y z w',
    dict(a=45.0, b=10.0, c=1.0, d=10.0),
    [
        '-a*x + a*y + w*y*z',
        'b*x + b*y - w*x*z',
        '-c*z + w*x*y',
        '-d*w + x*y*z',
    ],
    x0=[0.2562042648386667, 0.1956116640569919, 7.259823760387948, 1.3162558970131963], dt=0.00408, period=0.40821, integration_dt=8.16556e-05,
    citation='G. Qi, M. A. van Wyk, B. J. van Wyk, and G. Chen, (2008). On a new hyperchaotic system. Physics Letters A.',
    description='Four-dimensional quadratic Qi system with a broad power spectrum.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([2.03604, 0.132013, -4.34789, -44.356], DYSTS),
        "maximum_lyapunov_estimated": (2.19161, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.49865, DYSTS),
        "correlation_dimension_estimated": (1.89135, DYSTS),
        "pesin_entropy_estimated": (2.16806, DYSTS),
        "multiscale_entropy_estimated": (0.885565, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'QiChen', 'flow', 'x y z',
    dict(a=38.0, b=2.666, c=80.0),
    [
        '-a*x + a*y + y*z',
        'c*x - x*z + y',
        '-b*z + x*y',
    ],
    x0=[17.420882, 5.5459627, 78.89139], dt=0.00392, period=0.39179, integration_dt=7.83711e-05,
    citation='Qi et al. Chaos, Solitons & Fractals 2008.',
    description='Double-wing attractor formed by merging two bistable attractors.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([3.88801, 0.133796, -43.836], DYSTS),
        "maximum_lyapunov_estimated": (4.02757, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.09175, DYSTS),
        "correlation_dimension_estimated": (1.83099, DYSTS),
        "pesin_entropy_estimated": (4.0218, DYSTS),
        "multiscale_entropy_estimated": (0.846454, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'RabinovichFabrikant', 'flow', 'x y z',
    dict(a=1.1, g=0.87),
    [
        'g*x + x**2*y + y*z - y',
        'g*y - x**3 + 3*x*z + x',
        '-2*a*z - 2*x*y*z',
    ],
    x0=[-1.8207276, 0.83440917, 0.2078248], dt=0.0234, period=2.3356, integration_dt=0.000467198,
    citation='Rabinovich, Mikhail I.; Fabrikant, A. L. (1979). Stochastic Self-Modulation of Waves in Nonequilibrium Media. Sov. Phys. JETP.',
    description='Rabinovich-Fabrikant model of modulation instability of waves in a nonequilibrium medium.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.242336, 1.70685e-05, -0.671771], DYSTS),
        "maximum_lyapunov_estimated": (0.254144, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.36076, DYSTS),
        "correlation_dimension_estimated": (2.07813, DYSTS),
        "pesin_entropy_estimated": (0.242391, DYSTS),
        "multiscale_entropy_estimated": (0.918934, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'RayleighBenard', 'flow', 'x y z',
    dict(a=30.0, b=5.0, r=18.0),
    [
        '-a*x + a*y',
        'r*y - x*z',
        '-b*z + x*y',
    ],
    x0=[-15.660582, -13.32018, 26.879362], dt=0.0092, period=0.91967, integration_dt=0.000183965,
    citation='Yanagita, Kaneko (1995). Rayleigh-Bénard convection patterns, chaos, spatiotemporal chaos and turbulence. Physica D: Nonlinear Phenomena 82.3 (1995): 288-313.',
    description='Low-order model of Rayleigh-Benard convection.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([1.70983, 0.307625, -19.042], DYSTS),
        "maximum_lyapunov_estimated": (1.81388, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.10595, DYSTS),
        "correlation_dimension_estimated": (1.92182, DYSTS),
        "pesin_entropy_estimated": (2.01745, DYSTS),
        "multiscale_entropy_estimated": (0.919052, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'RikitakeDynamo', 'flow', 'x y z',
    dict(a=1.0, mu=1.0),
    [
        '-mu*x + y*z',
        '-a*x - mu*y + x*z',
        '-x*y + 1',
    ],
    x0=[-0.7791562791136255, -0.6302244598741468, 2.671200187214492], dt=0.059, period=5.8975, integration_dt=0.0011797,
    citation='Rikitake, T., Oscillations of a system of disk dynamos, Mathematical Proceedings of the Cambridge Philosophical Society, 1958.',
    description='Two coupled disk dynamos; models reversals of the geomagnetic field.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.145712, 0.00072221, -2.1744], DYSTS),
        "maximum_lyapunov_estimated": (0.131813, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.06728, DYSTS),
        "correlation_dimension_estimated": (1.90565, DYSTS),
        "pesin_entropy_estimated": (0.146556, DYSTS),
        "multiscale_entropy_estimated": (0.966447, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'Rucklidge', 'flow', 'x y z',
    dict(a=2.0, b=6.7),
    [
        '-a*x + b*y - y*z',
        'x',
        'y**2 - z',
    ],
    x0=[1.9257158, 3.1923835, 5.7829655], dt=0.0607, period=6.0721, integration_dt=0.00121462,
    citation='Rucklidge, A.M. (1992). Chaos in models of double convection. Journal of Fluid Mechanics.',
    description='Model of two-dimensional double (thermosolutal / magnetic) convection.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.182864, -0.00390658, -3.21513], DYSTS),
        "maximum_lyapunov_estimated": (0.193636, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.05566, DYSTS),
        "correlation_dimension_estimated": (1.98245, DYSTS),
        "pesin_entropy_estimated": (0.182864, DYSTS),
        "multiscale_entropy_estimated": (0.644182, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'Sakarya', 'flow', 'x y z',
    dict(a=-1.0, b=1.0, c=1.0, h=1.0, p=1.0, q=0.4, r=0.3, s=1.0),
    [
        'a*x + h*y + s*y*z',
        '-b*y - p*x + q*x*z',
        'c*z - r*x*y',
    ],
    x0=[-2.8976045, 3.8877978, 3.07465], dt=0.0498, period=4.9844, integration_dt=0.000997046,
    citation='Li, Chunbiao, et al (2015). A novel four-wing strange attractor born in bistability. IEICE Electronics Express 12.4.',
    description='Four-wing attractor born in bistability.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.308092, 0.00035292, -1.25847], DYSTS),
        "maximum_lyapunov_estimated": (0.26501, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.2451, DYSTS),
        "correlation_dimension_estimated": (2.0557, DYSTS),
        "pesin_entropy_estimated": (0.308445, DYSTS),
        "multiscale_entropy_estimated": (0.608277, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SaltonSea', 'flow', 'x y z',
    dict(a=15.0, d=8.3, k=400.0, lam=0.06, m=15.5, mu=3.4, r=22.0, th=10.0),
    [
        '-lam*x*y + r*x*(1 - (x + y)/k)',
        'lam*x*y - m*y*z/(a + y) - mu*y',
        '-d*z + th*y*z/(a + y)',
    ],
    x0=[231.92548, 89.511944, 56.753804], dt=0.00967, period=0.96738, integration_dt=0.000193508,
    citation='Upadhyay, Bairagi, Kundu, Chattopadhyay (2007).Chaos in eco-epidemiological problem of the Salton Sea and its possible control. Applied mathematics and computation.',
    description='Eco-epidemiological model of fish, infected fish and pelicans in the Salton Sea.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.391445, -0.00375788, -4.59287], DYSTS),
        "maximum_lyapunov_estimated": (1.07026, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.08438, DYSTS),
        "correlation_dimension_estimated": (1.6993, DYSTS),
        "pesin_entropy_estimated": (0.391609, DYSTS),
        "multiscale_entropy_estimated": (0.933527, DYSTS),
    },
    tags=('chaotic',),
)

define(
    'SanUmSrisuchinwong', 'flow', 'x y z',
    dict(a=2.0),
    [
        '-x + y',
        '-z*tanh(x)',
        '-a + x*y + Abs(y)',
    ],
    x0=[0.63878078, 1.0901873, 2.4479814], dt=0.0747, period=7.4654, integration_dt=0.00149333,
    citation='San-Um, Srisuchinwong. J. Comp 2012',
    description='Two-scroll flow with a piecewise (signum-type) nonlinearity.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.239139, -0.000291617, -1.22968], DYSTS),
        "maximum_lyapunov_estimated": (0.260614, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.19422, DYSTS),
        "correlation_dimension_estimated": (2.06752, DYSTS),
        "pesin_entropy_estimated": (0.239463, DYSTS),
        "multiscale_entropy_estimated": (0.994754, DYSTS),
    },
    tags=('chaotic', 'non-smooth'),
)

define(
    'ShimizuMorioka', 'flow', 'x y z',
    dict(a=0.85, b=0.5),
    [
        'y',
        '-a*y - x*z + x',
        '-b*z + x**2',
    ],
    x0=[0.016838697, 0.03489384, 0.35346848], dt=0.12, period=12.038, integration_dt=0.002408,
    citation='Shimizu, Morioka. Phys Lett A. 1980: 201-204',
    description='Shimizu-Morioka system: Lorenz-like attractor arising from a symmetric limit cycle.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0440322, -1.39425e-05, -1.40999], DYSTS),
        "maximum_lyapunov_estimated": (0.0357743, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.03122, DYSTS),
        "correlation_dimension_estimated": (1.71685, DYSTS),
        "pesin_entropy_estimated": (0.0442394, DYSTS),
        "multiscale_entropy_estimated": (0.715656, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottA', 'flow', 'x y z',
    dict(),
    [
        'y',
        '-x + y*z',
        '1 - y**2',
    ],
    x0=[1.54131864, 1.43079727, -1.52555412], dt=0.0637, period=6.3728462, integration_dt=0.00127478,
    citation='Sprott (1994). Some simple chaotic flows. Physical Review E (1994).',
    description="Sprott's case A: the Nose-Hoover-type conservative flow.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0292599, 0.00499016, -0.00155613], DYSTS),
        "maximum_lyapunov_estimated": (0.0129931, DYSTS),
        "kaplan_yorke_dimension_estimated": (60.6653, DYSTS),
        "correlation_dimension_estimated": (1.96422, DYSTS),
        "pesin_entropy_estimated": (0.0343008, DYSTS),
        "multiscale_entropy_estimated": (0.574827, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottB', 'flow', 'x y z',
    dict(),
    [
        'y*z',
        'x - y',
        '-x*y + 1',
    ],
    x0=[1.6878282, 1.4848132, -0.53706628], dt=0.111, period=11.050143, integration_dt=0.0022104,
    citation='Sprott (1994). Some simple chaotic flows. Physical Review E (1994).',
    description="Sprott's case B: quadratic flow with two nonlinear terms.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.219875, 0.00518744, -1.21458], DYSTS),
        "maximum_lyapunov_estimated": (0.206743, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.1853, DYSTS),
        "correlation_dimension_estimated": (1.93474, DYSTS),
        "pesin_entropy_estimated": (0.225062, DYSTS),
        "multiscale_entropy_estimated": (0.882603, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottC', 'flow', 'x y z',
    dict(),
    [
        'y*z',
        'x - y',
        '1 - x**2',
    ],
    x0=[-0.47199823, -0.27198066, 1.9418244], dt=0.0889, period=8.8852, integration_dt=0.00177734,
    citation='Sprott (1994). Some simple chaotic flows. Physical Review E (1994).',
    description="Sprott's case C: quadratic flow with two nonlinear terms.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.178984, -0.000730467, -1.16446], DYSTS),
        "maximum_lyapunov_estimated": (0.158069, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.15292, DYSTS),
        "correlation_dimension_estimated": (1.90368, DYSTS),
        "pesin_entropy_estimated": (0.179335, DYSTS),
        "multiscale_entropy_estimated": (1.14839, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottD', 'flow', 'x y z',
    dict(),
    [
        '-y',
        'x + z',
        'x*z + 3*y**2',
    ],
    x0=[-1.3396906, -0.21238338, 0.32982163], dt=0.0483, period=4.8333, integration_dt=0.000966821,
    citation='Sprott (1994). Some simple chaotic flows. Physical Review E (1994).',
    description="Sprott's case D: quadratic flow with two nonlinear terms.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.114153, 0.001788, -1.46019], DYSTS),
        "maximum_lyapunov_estimated": (0.101709, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.08076, DYSTS),
        "correlation_dimension_estimated": (1.95001, DYSTS),
        "pesin_entropy_estimated": (0.115945, DYSTS),
        "multiscale_entropy_estimated": (1.00303, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottE', 'flow', 'x y z',
    dict(),
    [
        'y*z',
        'x**2 - y',
        '1 - 4*x',
    ],
    x0=[0.6173759, 0.66599285, -1.6575023], dt=0.0763, period=7.6275, integration_dt=0.00152575,
    citation='Sprott (1994). Some simple chaotic flows. Physical Review E (1994).',
    description="Sprott's case E: quadratic flow with two nonlinear terms.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0983447, -0.000310698, -1.09538], DYSTS),
        "maximum_lyapunov_estimated": (0.0901607, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.08946, DYSTS),
        "correlation_dimension_estimated": (1.53195, DYSTS),
        "pesin_entropy_estimated": (0.0986631, DYSTS),
        "multiscale_entropy_estimated": (0.838789, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottF', 'flow', 'x y z',
    dict(a=0.5),
    [
        'y + z',
        'a*y - x',
        'x**2 - z',
    ],
    x0=[-0.98941275, -1.4191706, 0.85797204], dt=0.192, period=19.244, integration_dt=0.00384944,
    citation='Sprott (1994). Some simple chaotic flows. Physical Review E (1994).',
    description="Sprott's case F: quadratic flow with one nonlinear term.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.13246, 0.0192717, -0.603012], DYSTS),
        "maximum_lyapunov_estimated": (0.118309, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.25162, DYSTS),
        "correlation_dimension_estimated": (2.24857, DYSTS),
        "pesin_entropy_estimated": (0.151732, DYSTS),
        "multiscale_entropy_estimated": (0.767431, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottG', 'flow', 'x y z',
    dict(a=0.4),
    [
        'a*x + z',
        'x*z - y',
        '-x + y',
    ],
    x0=[-0.77182478, -0.74756595, 1.3073285], dt=0.0871, period=8.7097, integration_dt=0.00174223,
    citation='Sprott (1994). Some simple chaotic flows. Physical Review E (1994).',
    description="Sprott's case G: quadratic flow with one nonlinear term.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0334913, -0.00127494, -0.61822], DYSTS),
        "maximum_lyapunov_estimated": (0.0906783, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.0519, DYSTS),
        "correlation_dimension_estimated": (1.4356, DYSTS),
        "pesin_entropy_estimated": (0.0340348, DYSTS),
        "multiscale_entropy_estimated": (0.618549, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottH', 'flow', 'x y z',
    dict(a=0.5),
    [
        '-y + z**2',
        'a*y + x',
        'x - z',
    ],
    x0=[-1.360042, 0.62585352, -1.2788196], dt=0.202, period=20.229, integration_dt=0.00404647,
    citation='Sprott (1994). Some simple chaotic flows. Physical Review E (1994).',
    description="Sprott's case H: quadratic flow with one nonlinear term.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.138718, 0.00350143, -0.588907], DYSTS),
        "maximum_lyapunov_estimated": (0.131002, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.2415, DYSTS),
        "correlation_dimension_estimated": (2.18419, DYSTS),
        "pesin_entropy_estimated": (0.142219, DYSTS),
        "multiscale_entropy_estimated": (0.632536, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottI', 'flow', 'x y z',
    dict(a=0.2),
    [
        '-a*y',
        'x + z',
        'x + y**2 - z',
    ],
    x0=[-0.060099389, -0.49558355, 0.023159035], dt=0.109, period=10.93, integration_dt=0.00218636,
    citation='Sprott (1994). Some simple chaotic flows. Physical Review E (1994).',
    description="Sprott's case I: quadratic flow with one nonlinear term.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0204597, 9.47859e-06, -1.03151], DYSTS),
        "maximum_lyapunov_estimated": (0.0232187, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.01984, DYSTS),
        "correlation_dimension_estimated": (1.58809, DYSTS),
        "pesin_entropy_estimated": (0.0207741, DYSTS),
        "multiscale_entropy_estimated": (0.589381, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottJ', 'flow', 'x y z',
    dict(),
    [
        '2*z',
        '-2*y + z',
        '-x + y**2 + y',
    ],
    x0=[4.4786928, 2.2977432, 6.5847115], dt=0.0484, period=4.836, integration_dt=0.000967361,
    citation='Sprott (1994). Some simple chaotic flows. Physical Review E (1994).',
    description="Sprott's case J: quadratic flow with one nonlinear term.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0445181, 0.00106212, -2.05584], DYSTS),
        "maximum_lyapunov_estimated": (0.122908, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.02215, DYSTS),
        "correlation_dimension_estimated": (1.76319, DYSTS),
        "pesin_entropy_estimated": (0.0458896, DYSTS),
        "multiscale_entropy_estimated": (0.635297, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottJerk', 'flow', 'x y z',
    dict(mu=2.017),
    [
        'y',
        'z',
        '-mu*z - x + y**2',
    ],
    x0=[-0.54106056, 0.59383201, 0.45127217], dt=0.119, period=11.921, integration_dt=0.0023846,
    citation='Sprott, J. C. Simplest dissipative chaotic flow. Physics Letters A (1997).',
    description="Sprott's simplest dissipative chaotic jerk flow with a quadratic term.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0673826, -0.000783191, -2.1347], DYSTS),
        "maximum_lyapunov_estimated": (0.0878519, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.03119, DYSTS),
        "correlation_dimension_estimated": (1.14444, DYSTS),
        "pesin_entropy_estimated": (0.0677694, DYSTS),
        "multiscale_entropy_estimated": (0.531489, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottK', 'flow', 'x y z',
    dict(a=0.3),
    [
        'x*y - z',
        'x - y',
        'a*z + x',
    ],
    x0=[-1.3165015, -1.5429951, 0.664053], dt=0.0701, period=7.006, integration_dt=0.00140143,
    citation='Sprott (1994). Some simple chaotic flows. Physical Review E (1994).',
    description="Sprott's case K: quadratic flow with one nonlinear term.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0377826, -0.000510946, -0.893472], DYSTS),
        "maximum_lyapunov_estimated": (0.0596259, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.0417, DYSTS),
        "correlation_dimension_estimated": (1.81778, DYSTS),
        "pesin_entropy_estimated": (0.0378816, DYSTS),
        "multiscale_entropy_estimated": (0.656281, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottL', 'flow', 'x y z',
    dict(a=0.9, b=3.9),
    [
        'b*z + y',
        'a*x**2 - y',
        '1 - x',
    ],
    x0=[4.3611557, 13.705573, -2.6835659], dt=0.0673, period=6.7262, integration_dt=0.00134546,
    citation='Sprott (1994). Some simple chaotic flows. Physical Review E (1994).',
    description="Sprott's case L: quadratic flow with one nonlinear term.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0340715, -0.000391472, -1.01296], DYSTS),
        "maximum_lyapunov_estimated": (0.092162, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.03298, DYSTS),
        "correlation_dimension_estimated": (1.41058, DYSTS),
        "pesin_entropy_estimated": (0.0343958, DYSTS),
        "multiscale_entropy_estimated": (0.560587, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottM', 'flow', 'x y z',
    dict(a=1.7),
    [
        '-z',
        '-x**2 - y',
        'a*x + a + y',
    ],
    x0=[1.6024402, -1.5983203, -2.6236374], dt=0.0536, period=5.3644, integration_dt=0.00107306,
    citation='Sprott (1994). Some simple chaotic flows. Physical Review E (1994).',
    description="Sprott's case M: quadratic flow with one nonlinear term.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0523012, -0.000330638, -1.03914], DYSTS),
        "maximum_lyapunov_estimated": (0.0842204, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.04996, DYSTS),
        "correlation_dimension_estimated": (1.5502, DYSTS),
        "pesin_entropy_estimated": (0.0523452, DYSTS),
        "multiscale_entropy_estimated": (0.748118, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottMore', 'flow', 'x y z',
    dict(),
    [
        'y',
        '-x - y*Piecewise((1, z > 0), (-1, z < 0), (0, True))',
        'y**2 - exp(-x**2)',
    ],
    x0=[-1.3396906, -0.21238338, 0.32982163], dt=0.0662, period=6.6209589, integration_dt=0.00132441,
    citation='Sprott, J. C. (2020). Do We Need More Chaos Examples? Chaos Theory and Applications 2(2),1-3, 2020.',
    description="Sprott's 2020 example with a nearly three-dimensional (multifractal) attractor.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.324998, -0.000164158, -0.319185], DYSTS),
        "maximum_lyapunov_estimated": (1.09469, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.99995, DYSTS),
        "correlation_dimension_estimated": (2.23487, DYSTS),
        "pesin_entropy_estimated": (0.325156, DYSTS),
        "multiscale_entropy_estimated": (0.637015, DYSTS),
    },
    tags=('chaotic', 'non-smooth'),
)

define(
    'SprottN', 'flow', 'x y z',
    dict(),
    [
        '-2*y',
        'x + z**2',
        'y - 2*z + 1',
    ],
    x0=[-8.3258705, 7.3033716, 3.2798909], dt=0.0481, period=4.8135, integration_dt=0.00096286,
    citation='Sprott (1994). Some simple chaotic flows. Physical Review E (1994).',
    description="Sprott's case N: quadratic flow with one nonlinear term.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0609586, 6.56021e-05, -2.10165], DYSTS),
        "maximum_lyapunov_estimated": (0.118696, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.02895, DYSTS),
        "correlation_dimension_estimated": (1.77982, DYSTS),
        "pesin_entropy_estimated": (0.0614783, DYSTS),
        "multiscale_entropy_estimated": (0.638522, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottO', 'flow', 'x y z',
    dict(a=2.7),
    [
        'y',
        'x - z',
        'a*y + x*z + x',
    ],
    x0=[0.20549455, 0.022792985, 0.93636949], dt=0.0976, period=9.755, integration_dt=0.00195133,
    citation='Sprott (1994). Some simple chaotic flows. Physical Review E (1994).',
    description="Sprott's case O: quadratic flow with one nonlinear term.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0668568, 0.0115333, -0.316544], DYSTS),
        "maximum_lyapunov_estimated": (0.0914108, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.24746, DYSTS),
        "correlation_dimension_estimated": (1.71011, DYSTS),
        "pesin_entropy_estimated": (0.0783901, DYSTS),
        "multiscale_entropy_estimated": (0.416115, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottP', 'flow', 'x y z',
    dict(a=2.7),
    [
        'a*y + z',
        '-x + y**2',
        'x + y',
    ],
    x0=[0.83420675, 0.14915817, 0.44028635], dt=0.0534, period=5.3414, integration_dt=0.00106846,
    citation='Sprott (1994). Some simple chaotic flows. Physical Review E (1994).',
    description="Sprott's case P: quadratic flow with one nonlinear term.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.102617, 0.000251363, -0.484355], DYSTS),
        "maximum_lyapunov_estimated": (0.106468, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.21222, DYSTS),
        "correlation_dimension_estimated": (1.98508, DYSTS),
        "pesin_entropy_estimated": (0.103294, DYSTS),
        "multiscale_entropy_estimated": (0.84864, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottQ', 'flow', 'x y z',
    dict(a=3.1, b=0.5),
    [
        '-z',
        'x - y',
        'a*x + b*z + y**2',
    ],
    x0=[2.978102, -0.065260683, -2.8031286], dt=0.0484, period=4.8443, integration_dt=0.000969022,
    citation='Sprott (1994). Some simple chaotic flows. Physical Review E (1994).',
    description="Sprott's case Q: quadratic flow with one nonlinear term.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.136983, 0.00103867, -0.614052], DYSTS),
        "maximum_lyapunov_estimated": (0.171698, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.22469, DYSTS),
        "correlation_dimension_estimated": (1.83171, DYSTS),
        "pesin_entropy_estimated": (0.138522, DYSTS),
        "multiscale_entropy_estimated": (0.810516, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottR', 'flow', 'x y z',
    dict(a=0.9, b=0.4),
    [
        'a - y',
        'b + z',
        'x*y - z',
    ],
    x0=[-1.6914909, -1.9783678, 1.9807775], dt=0.0701, period=7.0133, integration_dt=0.00140289,
    citation='Sprott (1994). Some simple chaotic flows. Physical Review E (1994).',
    description="Sprott's case R: quadratic flow with one nonlinear term.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0760848, 0.00136971, -1.0784], DYSTS),
        "maximum_lyapunov_estimated": (0.0966142, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.07174, DYSTS),
        "correlation_dimension_estimated": (1.83134, DYSTS),
        "pesin_entropy_estimated": (0.078404, DYSTS),
        "multiscale_entropy_estimated": (0.587717, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottS', 'flow', 'x y z',
    dict(),
    [
        '-x - 4*y',
        'x + z**2',
        'x + 1',
    ],
    x0=[0.12635702, 0.12260693, 1.2215429], dt=0.0335, period=3.3505, integration_dt=0.000670212,
    citation='Sprott (1994). Some simple chaotic flows. Physical Review E (1994).',
    description="Sprott's case S: quadratic flow with one nonlinear term.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.214931, 0.00301944, -1.19453], DYSTS),
        "maximum_lyapunov_estimated": (0.273763, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.18239, DYSTS),
        "correlation_dimension_estimated": (1.90983, DYSTS),
        "pesin_entropy_estimated": (0.218769, DYSTS),
        "multiscale_entropy_estimated": (0.66904, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'SprottTorus', 'flow', 'x y z',
    dict(),
    [
        '2*x*y + x*z + y',
        '-2*x**2 + y*z + 1',
        '-x**2 + x - y**2',
    ],
    x0=[0.6883476, -0.18017646, 0.58539724], dt=0.136, period=13.607, integration_dt=0.00272185,
    citation='Sprott Physics Letters A 2014',
    description="Sprott's multistable flow with a coexisting invariant torus and strange attractor.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.296561, 0.000546882, -0.391085], DYSTS),
        "maximum_lyapunov_estimated": (0.105696, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.75969, DYSTS),
        "correlation_dimension_estimated": (1.05643, DYSTS),
        "pesin_entropy_estimated": (0.297109, DYSTS),
        "multiscale_entropy_estimated": (0.95629, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'StickSlipOscillator', 'flow', 'x v th',
    dict(a=1.0, alpha=0.3, b=1.0, beta=0.3, eps=0.05, gamma=1.0, t0=0.3, vs=0.4, w=2.0),
    [
        'v',
        'a*x - b*x**3 + eps*(alpha*v - beta*(v - vs)**3 + gamma*cos(th) - t0*Piecewise((1, v > vs), (-1, v < vs), (0, True)))',
        'w',
    ],
    x0=[0.85539847, -0.39125834, 0.0], dt=0.0161, period=1.6129, integration_dt=0.000322634,
    citation='Awrejcewicz, Jan, and M. M. Holicke (1999). Int J of Bifurcation and Chaos.',
    description='Weakly forced oscillator with a stick-slip (dry friction) characteristic.',
    hamiltonian=False, non_autonomous=False, forced=True, phase_variable='th', delay=False,
    unbounded_indices=(2,),
    reference={
        "lyapunov_spectrum_estimated": ([0.0707333, 3.35685e-05, -0.0213139], DYSTS),
        "maximum_lyapunov_estimated": (0.0640613, DYSTS),
        "kaplan_yorke_dimension_estimated": (5.68216, DYSTS),
        "correlation_dimension_estimated": (1.71598, DYSTS),
        "pesin_entropy_estimated": (0.071081, DYSTS),
        "multiscale_entropy_estimated": (0.921303, DYSTS),
    },
    tags=('chaotic', 'forced', 'non-smooth'),
)

define(
    'SwingingAtwood', 'flow', 'r th pr pth',
    dict(m1=1.0, m2=4.5),
    [
        'pr/(m1 + m2)',
        'pth/(m1*r**2)',
        '9.82*m1*cos(th) - 9.82*m2 + pth**2/(m1*r**3)',
        '-9.82*m1*r*sin(th)',
    ],
    x0=[0.113296, 1.5707963267948966, 0.10992, 0.17747], dt=0.00342, period=0.34176471, integration_dt=6.83643e-05,
    citation="Tufillaro, Nicholas B.; Abbott, Tyler A.; Griffiths, David J. (1984). Swinging Atwood's Machine. American Journal of Physics. 52 (10): 895--903.",
    description='Atwood machine in which one mass swings as a pendulum; Hamiltonian chaos.',
    hamiltonian=True, non_autonomous=False, delay=False,
    unbounded_indices=(1,),
    reference={
        "lyapunov_spectrum_estimated": ([7.73501, 3.03809, -3.00208, -7.66425], DYSTS),
        "maximum_lyapunov_estimated": (1.01113, DYSTS),
        "kaplan_yorke_dimension_estimated": (4.01988, DYSTS),
        "correlation_dimension_estimated": (1.82995, DYSTS),
        "pesin_entropy_estimated": (10.7731, DYSTS),
    },
    tags=('chaotic', 'conservative', 'hamiltonian'),
)

define(
    'Thomas', 'flow', 'x y z',
    dict(a=1.85, b=10.0),
    [
        '-a*x + b*sin(y)',
        '-a*y + b*sin(z)',
        '-a*z + b*sin(x)',
    ],
    x0=[2.199442, 2.3634225, 3.220197], dt=0.0497, period=4.969, integration_dt=0.000993966,
    citation='Thomas, Rene (1999). Deterministic chaos seen in terms of feedback circuits: Analysis, synthesis, labyrinth chaos. Int. J. Bifurc. Chaos.',
    description="Thomas' cyclically symmetric flow with sinusoidal feedback and damping b.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.758969, 0.0573553, -6.42195], DYSTS),
        "maximum_lyapunov_estimated": (0.632405, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.12711, DYSTS),
        "correlation_dimension_estimated": (1.64883, DYSTS),
        "pesin_entropy_estimated": (0.816324, DYSTS),
        "multiscale_entropy_estimated": (0.992195, DYSTS),
    },
    tags=('chaotic',),
)

define(
    'ThomasLabyrinth', 'flow', 'x y z',
    dict(a=0.5, b=10.0),
    [
        '-a*x + b*sin(y)',
        '-a*y + b*sin(z)',
        '-a*z + b*sin(x)',
    ],
    x0=[-4.9599545, 1.0302034, -4.6883893], dt=0.0605, period=6.05, integration_dt=0.0012102,
    citation='Thomas, Rene. Deterministic chaos seen in terms of feedback circuits: Analysis, synthesis, labyrinth chaos. Int. J. Bifurc. Chaos. (1999).',
    description="Thomas' flow at very weak damping: labyrinth chaos resembling a random walk on a lattice.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([1.33878, 0.00497045, -2.84674], DYSTS),
        "maximum_lyapunov_estimated": (1.39086, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.47203, DYSTS),
        "correlation_dimension_estimated": (2.15003, DYSTS),
        "pesin_entropy_estimated": (1.34376, DYSTS),
        "multiscale_entropy_estimated": (1.30499, DYSTS),
    },
    tags=('chaotic',),
)

define(
    'Torus', 'flow', 'x y z',
    dict(a=0.5, n=15.3, r=1.0),
    [
        '-a*n*sin(n*t)*cos(t) - (a*cos(n*t) + r)*sin(t)',
        '-a*n*sin(t)*sin(n*t) + (a*cos(n*t) + r)*cos(t)',
        'a*n*cos(n*t)',
    ],
    x0=[-13.72884, 1.9094726, 0.72831447], dt=0.0636, period=6.36, integration_dt=0.00127221,
    citation='See, for example, Strogatz (1994). Nonlinear Dynamics and Chaos.',
    description='Quasiperiodic winding on a torus written as an explicitly time-dependent flow (not chaotic).',
    hamiltonian=False, non_autonomous=True, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0, 0.0, 0.0], DYSTS),
        "maximum_lyapunov_estimated": (0.00817284, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.0, DYSTS),
        "correlation_dimension_estimated": (1.04221, DYSTS),
        "pesin_entropy_estimated": (0.0, DYSTS),
        "multiscale_entropy_estimated": (0.473309, DYSTS),
    },
    tags=('quasiperiodic', 'polynomial'),
)

define(
    'Tsucs2', 'flow', 'x y z',
    dict(a=40.0, c=0.833, d=0.5, eps=0.65, f=20.0, k=0.0),
    [
        '-a*x + a*y + d*x*z',
        'f*y + k*x - x*z',
        'c*z - eps*x**2 + x*y',
    ],
    x0=[1.2969944, 1.12138, 50.028988], dt=0.00345, period=0.34526, integration_dt=6.90635e-05,
    citation='Pan, Zhou, Li (2013). Synchronization of Three-Scroll Unified Chaotic System (TSUCS) and its hyper-chaotic system using active pinning control',
    description='Three-scroll unified chaotic system (TSUCS-2).',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.6414, -0.224095, -1.32331], DYSTS),
        "maximum_lyapunov_estimated": (0.136215, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.31535, DYSTS),
        "correlation_dimension_estimated": (1.47382, DYSTS),
        "pesin_entropy_estimated": (0.6414, DYSTS),
        "multiscale_entropy_estimated": (0.391363, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'TurchinHanski', 'flow', 'n p z',
    dict(a=8.0, d=0.04, e=0.5, g=0.1, h=0.8, lamb=1.0, r=8.12, s=1.25),
    [
        '-a*n*p/(d + n) - g*n**2/(h**2 + n**2) - n**2*r + n*r*(-e*sin(z) + 1)',
        'p*s*(-e*sin(z) + 1) - p**2*s/n',
        '2*pi*lamb',
    ],
    x0=[0.018027788, 0.013649976, 30363.85], dt=0.0441, period=4.4052941, integration_dt=0.000881206,
    citation='Turchin, Hanski. The American Naturalist 1997. Turchin, Hanski. Ecology 2000',
    description='Vole-weasel population model with seasonal forcing of growth rates.',
    hamiltonian=False, non_autonomous=False, forced=True, phase_variable='z', delay=False,
    unbounded_indices=(2,),
    reference={
        "lyapunov_spectrum_estimated": ([0.0371983, -0.181184, -2.52276], DYSTS),
        "maximum_lyapunov_estimated": (0.129069, DYSTS),
        "kaplan_yorke_dimension_estimated": (1.20531, DYSTS),
        "correlation_dimension_estimated": (1.62096, DYSTS),
        "pesin_entropy_estimated": (0.0371983, DYSTS),
        "multiscale_entropy_estimated": (0.498964, DYSTS),
    },
    tags=('chaotic', 'forced'),
)

define(
    'VallisElNino', 'flow', 'x y z',
    dict(b=102.0, c=3.0, p=0.0),
    [
        'b*y - c*p - c*x',
        'x*z - y',
        '-x*y - z + 1',
    ],
    x0=[-6.99286331487343, 0.023254276622294345, -0.1658177563067799], dt=0.0221, period=2.2087, integration_dt=0.000441814,
    citation='Vallis GK. Conceptual models of El Nio and the southern oscillation. J Geophys Res 1988',
    description="Vallis' three-variable conceptual model of El Nino ocean-atmosphere dynamics.",
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.656157, 0.0226892, -5.63327], DYSTS),
        "maximum_lyapunov_estimated": (0.547759, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.12051, DYSTS),
        "correlation_dimension_estimated": (1.31124, DYSTS),
        "pesin_entropy_estimated": (0.678846, DYSTS),
        "multiscale_entropy_estimated": (0.905871, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'WangSun', 'flow', 'x y z',
    dict(a=0.2, b=-0.01, d=-0.4, e=-1.0, f=-1.0, q=1.0),
    [
        'a*x + q*y*z',
        'b*x + d*y - x*z',
        'e*z + f*x*y',
    ],
    x0=[-0.54770787, 0.73876479, -0.0049284531], dt=0.27, period=26.958, integration_dt=0.0053925,
    citation='Wang, Z., Sun, Y., van Wyk, B. J., Qi, G. & van Wyk, M. A (2009). A 3-D four-wing attractor and its analysis. Brazilian J. Phys. 39.',
    description='Wang-Sun quadratic flow with a four-wing (four-scroll) attractor.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.0799087, -0.00104392, -1.32408], DYSTS),
        "maximum_lyapunov_estimated": (0.0673546, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.05956, DYSTS),
        "correlation_dimension_estimated": (1.78101, DYSTS),
        "pesin_entropy_estimated": (0.0799433, DYSTS),
        "multiscale_entropy_estimated": (0.904542, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)

define(
    'WindmiReduced', 'flow', 'i v p',
    dict(a1=0.247, b1=10.8, b2=0.0752, b3=1.06, d1=2200.0, vsw=5.0),
    [
        'a1*(-v + vsw)',
        'b1*i - b2*p/2 - b3*v',
        '-p**1.25*vsw**0.5*(tanh(d1*(i - 1)) + 1)/2 + vsw**2',
    ],
    x0=[0.93337506, 6.2678923, 41.969547], dt=0.0467, period=4.6733, integration_dt=0.000934816,
    citation='Smith, Thiffeault, Horton. J Geophys Res. 2000. Horton, Weigel, Sprott. Chaos 2001.',
    description='Reduced WINDMI model of solar-wind energy transfer to the magnetosphere-ionosphere.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.155952, 9.69576e-05, -1.64505], DYSTS),
        "maximum_lyapunov_estimated": (0.403521, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.09478, DYSTS),
        "correlation_dimension_estimated": (0.974357, DYSTS),
        "pesin_entropy_estimated": (0.156351, DYSTS),
        "multiscale_entropy_estimated": (0.589607, DYSTS),
    },
    tags=('chaotic',),
)

define(
    'YuWang', 'flow', 'x y z',
    dict(a=10.0, b=40.0, c=2.0, d=2.5),
    [
        'a*(-x + y)',
        'b*x - c*x*z',
        '-d*z + exp(x*y)',
    ],
    x0=[-0.21422356, -0.17935495, 14.105516], dt=0.0134, period=1.3366, integration_dt=0.000267365,
    citation='Yu, Wang (2012). A novel three dimension autonomous chaotic system with a quadratic exponential nonlinear term. Eng Techn & Applied Science Research.',
    description='Yu-Wang flow with an exponential quadratic nonlinearity (temperature-compensation circuit).',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([2.45988, -0.0729792, -14.0099], DYSTS),
        "maximum_lyapunov_estimated": (1.85255, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.17037, DYSTS),
        "correlation_dimension_estimated": (1.85588, DYSTS),
        "pesin_entropy_estimated": (2.45988, DYSTS),
        "multiscale_entropy_estimated": (0.634038, DYSTS),
    },
    tags=('chaotic',),
)

define(
    'YuWang2', 'flow', 'x y z',
    dict(a=10.0, b=30.0, c=2.0, d=2.5),
    [
        'a*(-x + y)',
        'b*x - c*x*z',
        '-d*z + cosh(x*y)',
    ],
    x0=[0.12581483, 1.2467348, 18.358568], dt=0.00393, period=0.39265, integration_dt=7.85431e-05,
    citation='Yu, Wang (2012). A novel three dimension autonomous chaotic system with a quadratic exponential nonlinear term. Eng Techn & Applied Science Research.',
    description='Alternative Yu-Wang flow with an exponential nonlinearity.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.802715, 0.00796696, -13.078], DYSTS),
        "maximum_lyapunov_estimated": (1.15761, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.06199, DYSTS),
        "correlation_dimension_estimated": (1.52325, DYSTS),
        "pesin_entropy_estimated": (0.810683, DYSTS),
        "multiscale_entropy_estimated": (0.933557, DYSTS),
    },
    tags=('chaotic',),
)

define(
    'ZhouChen', 'flow', 'x y z',
    dict(a=2.97, b=0.15, c=-3.0, d=1.0, e=-8.78),
    [
        'a*x + b*y + y*z',
        'c*y + d*y*z - x*z',
        'e*z - x*y',
    ],
    x0=[-0.60390203, 0.012111953, 0.00083277923], dt=0.00875, period=0.87518, integration_dt=0.000175065,
    citation='Zhou, Chen (2004). A simple smooth chaotic system with a 3-layer attractor. Int J Bifurcat Chaos, 2004',
    description='Smooth quadratic flow with a three-layer attractor.',
    hamiltonian=False, non_autonomous=False, delay=False,
    reference={
        "lyapunov_spectrum_estimated": ([0.591726, 0.00520395, -12.9992], DYSTS),
        "maximum_lyapunov_estimated": (0.6828, DYSTS),
        "kaplan_yorke_dimension_estimated": (2.04592, DYSTS),
        "correlation_dimension_estimated": (1.62122, DYSTS),
        "pesin_entropy_estimated": (0.596973, DYSTS),
        "multiscale_entropy_estimated": (0.73379, DYSTS),
    },
    tags=('chaotic', 'polynomial'),
)
