"""The discrete-time maps of the dysts benchmark (Gilpin 2021), each under dysts' name.

Every map of dysts 0.96 that is not already in :mod:`.classic` (Henon, Logistic,
Chirikov, Ikeda) is defined here as text equations with dysts' default parameters
and initial condition. ``t`` in a map's equations is the iteration index.

Naming and coverage
-------------------
* dysts' discrete ``Duffing`` map is registered as ``DuffingMap`` (alias
  ``HolmesMap``) because the catalogue already has the ``Duffing`` flow and names are
  unique across kinds.
* ``Zaslavskii`` appears in dysts' data file without a class; it is written here from
  its paper (cited in the entry).
* ``ZeraouliaSprott`` (in dysts' data file, class commented out in dysts) is not
  defined: the form x' = -a x/(1 + y^2), y' = x + b y at dysts' parameters
  (a = 1.641, b = 1.902) diverges from dysts' initial condition within 50 iterations
  (x underflows to 0 and y grows like b^n), so the published parameter set could not
  be confirmed.
* ``EndCap`` (in dysts' data file, no class, no citation) is not defined: no
  published equations could be identified. ``BlinkingVortexMap`` (an implicit map
  that needs a root solve each step) is not defined as text equations either.

Modulo and floor
----------------
``u mod 1`` is written ``frac(u) = 1/2 + atan(tan(pi*(u - 1/2)))/pi``, equal to
``u - floor(u)`` up to rounding (about 1e-16 |u|) for non-integer ``u``. SymPy
differentiates it exactly (derivative 1), whereas it leaves the derivative of
``Mod``/``floor`` unevaluated, which would make the compiled Jacobian impossible.
"""
# ruff: noqa: E501
from __future__ import annotations

from ..registry import define

__all__: list[str] = []

define(
    'Chebyshev', 'map', 'x',
    dict(a=6.0),
    [
        'cos(a*acos(x))',
    ],
    x0=[0.51],
    citation='T. Geisel and V. Fairen, Statistical properties of chaos in Chebyshev maps, Phys. Lett. A 105, 263-266 (1984)',
    description='Chebyshev polynomial map x -> cos(a arccos x), chaotic on [-1, 1].',
    non_autonomous=False, delay=False,
    tags=('chaotic',),
)

define(
    'Ricker', 'map', 'x',
    dict(a=3.3),
    [
        'x*exp(a - x)',
    ],
    x0=[0.51],
    citation='W. E. Ricker, Stock and recruitment, J. Fish. Res. Board Can. 11, 559-623 (1954)',
    description='Ricker population map with exponential density dependence.',
    non_autonomous=False, delay=False,
    tags=('chaotic',),
)

define(
    'Bogdanov', 'map', 'x y',
    dict(eps=0.0, k=1.2, mu=0.0),
    [
        'k*x*(x - 1) + mu*x*y + x + y*(eps + 1)',
        'k*x*(x - 1) + mu*x*y + y*(eps + 1)',
    ],
    x0=[0.51, 0.2],
    citation='Bogdanov, R (1981). Bifurcations of a Limit Cycle for a Family of Vector Fields on the Plane. Selecta Math. Soviet.',
    description='Bogdanov map, a discretisation of the Bogdanov-Takens normal form.',
    non_autonomous=False, delay=False,
    tags=('chaotic', 'polynomial'),
)

define(
    'KaplanYorke', 'map', 'x y',
    dict(alpha=0.2),
    [
        '0.99999995*(1/2 + atan(tan(pi*(2*x/0.99999995 - 1/2)))/pi)',
        'alpha*y + cos(4*pi*x)',
    ],
    x0=[0.2, 0.2],
    citation='J.L. Kaplan, J.A. Yorke (1979).Functional Differential Equations and Approximations of Fixed Points',
    description='Kaplan-Yorke map: doubling map driving a contracting linear coordinate.',
    note='x <- 2x mod c with c = 0.99999995 (dysts), since the exact doubling map collapses to 0 in binary floating point within ~53 iterations.',
    non_autonomous=False, delay=False,
    tags=('chaotic', 'non-smooth'),
)

define(
    'Tent', 'map', 'x',
    dict(mu=0.95),
    [
        'mu*(1 - 2*Abs(x - 0.5))',
    ],
    x0=[0.51],
    citation=None,
    description='Tent map (piecewise linear, slope 2 mu).',
    non_autonomous=False, delay=False,
    tags=('chaotic', 'non-smooth'),
)

define(
    'DuffingMap', 'map', 'x y',
    dict(a=2.75, b=0.2),
    [
        'y',
        'a*y - b*x - y**3',
    ],
    x0=[0.51, 0.1],
    citation='P. J. Holmes, A nonlinear oscillator with a strange attractor, Phil. Trans. R. Soc. Lond. A 292, 419-448 (1979)',
    description='Two-dimensional discrete Duffing (Holmes) map.',
    aliases=('HolmesMap',), dysts_name='Duffing',
    non_autonomous=False, delay=False,
    tags=('chaotic', 'polynomial'),
)

define(
    'Gingerbreadman', 'map', 'x y',
    dict(),
    [
        '-y + Abs(x) + 1',
        'x',
    ],
    x0=[0.51, 0.1],
    citation='R. L. Devaney, A piecewise linear model for the zones of instability of an area-preserving map, Physica D 10, 387-393 (1984)',
    description='Gingerbreadman map: area-preserving piecewise-linear planar map.',
    non_autonomous=False, delay=False,
    tags=('chaotic', 'non-smooth'),
)

define(
    'Gauss', 'map', 'x',
    dict(a=4.9, b=-0.5),
    [
        'b + exp(-a*x**2)',
    ],
    x0=[0.5],
    citation=None,
    description='Gauss (mouse) map x -> exp(-a x^2) + b.',
    non_autonomous=False, delay=False,
    tags=('chaotic',),
)

define(
    'Baker', 'map', 'x y',
    dict(a=1.0),
    [
        '(1/2 + atan(tan(pi*(1.9999999999*x - 1/2)))/pi)',
        'a*y/2 + (1.9999999999*x - (1/2 + atan(tan(pi*(1.9999999999*x - 1/2)))/pi))/2',
    ],
    x0=[0.04995935, 0.363224],
    citation='J. D. Farmer, E. Ott and J. A. Yorke, The dimension of chaotic attractors, Physica D 7, 153-180 (1983)',
    description="Dissipative baker's map (stretch by ~2, cut and stack).",
    note='Stretch factor 2 - 1e-10 (dysts), since exact doubling collapses to 0 in binary floating point.',
    non_autonomous=False, delay=False,
    tags=('chaotic', 'non-smooth'),
)

define(
    'Tinkerbell', 'map', 'x y',
    dict(a=0.9, b=-0.6013, c=2.0, d=0.5),
    [
        'a*x + b*y + x**2 - y**2',
        'c*x + d*y + 2*x*y',
    ],
    x0=[0.13738266, -0.0308518],
    citation='H. E. Nusse and J. A. Yorke, Dynamics: Numerical Explorations (Springer, 1994)',
    description='Tinkerbell map, a quadratic planar map.',
    non_autonomous=False, delay=False,
    tags=('chaotic', 'polynomial'),
)

define(
    'Circle', 'map', 'theta',
    dict(k=5.7, omega=0.333),
    [
        'k*sin(2*pi*theta)/(2*pi) + omega + theta',
    ],
    x0=[0.0],
    citation='V. I. Arnold, Small denominators I: mappings of the circumference onto itself, Izv. Akad. Nauk SSSR Ser. Mat. 25, 21-86 (1961)',
    description='Sine circle map on the line (angle in units of turns, not reduced modulo 1).',
    unbounded_indices=(0,),
    non_autonomous=False, delay=False,
    tags=('chaotic',),
)

define(
    'MaynardSmith', 'map', 'x y',
    dict(a=0.87, b=0.75),
    [
        'y',
        'a*y + b - x**2',
    ],
    x0=[0.0, 0.1],
    citation='J. Maynard Smith, Mathematical Ideas in Biology (Cambridge University Press, 1968)',
    description="Maynard Smith's delayed population map (quadratic, second order).",
    non_autonomous=False, delay=False,
    tags=('chaotic', 'polynomial'),
)

define(
    'Pickover', 'map', 'x y',
    dict(a=-1.4, b=1.6, c=1.0, d=0.7),
    [
        'c*cos(a*x) + sin(a*y)',
        'd*cos(b*y) + sin(b*x)',
    ],
    x0=[-0.97631884, -1.2040783],
    citation="C. A. Pickover, Chaos in Wonderland (St. Martin's Press, 1994)",
    description="Pickover's trigonometric planar map (Clifford attractor).",
    non_autonomous=False, delay=False,
    tags=('chaotic',),
)

define(
    'DeJong', 'map', 'x y',
    dict(a=1.641, b=1.902, c=0.316, d=1.525),
    [
        'sin(a*y) - cos(b*x)',
        'sin(c*x) - cos(d*y)',
    ],
    x0=[1.78166133, -1.15791549],
    citation=None,
    description="Peter de Jong's trigonometric planar map.",
    non_autonomous=False, delay=False,
    tags=('chaotic',),
)

define(
    'Bedhead', 'map', 'x y',
    dict(a=-0.67, b=0.83),
    [
        'y*sin(x*y/b) + cos(a*x - y)',
        'x + sin(y)/b',
    ],
    x0=[0.5, 0.5],
    citation='Ivan Emrich.',
    description='Bedhead trigonometric planar map.',
    non_autonomous=False, delay=False,
    tags=('chaotic',),
)

define(
    'Svensson', 'map', 'x y',
    dict(a=1.5, b=-1.8, c=1.6, d=0.9),
    [
        'd*sin(a*x) - sin(b*y)',
        'c*cos(a*x) + cos(b*y)',
    ],
    x0=[0.5, 0.5],
    citation='Ivan Emrich.',
    description="Johnny Svensson's trigonometric planar map.",
    non_autonomous=False, delay=False,
    tags=('chaotic',),
)

define(
    'GumowskiMira', 'map', 'x y',
    dict(a=-1.1, b=-0.2),
    [
        'a*x + b*y + x**2*(2 - 2*a)/(x**2 + 1)',
        'a*(a*x + b*y + x**2*(2 - 2*a)/(x**2 + 1)) - x + (2 - 2*a)*(a*x + b*y + x**2*(2 - 2*a)/(x**2 + 1))**2/((a*x + b*y + x**2*(2 - 2*a)/(x**2 + 1))**2 + 1)',
    ],
    x0=[0.1, 0.1],
    citation='Gumowski, Igor, and Christian Mira (2006). Recurrences and discrete dynamic systems. Vol. 809. Springer.',
    description='Gumowski-Mira map from accelerator-physics studies, rational nonlinearity.',
    non_autonomous=False, delay=False,
    tags=('chaotic',),
)

define(
    'Hopalong', 'map', 'x y',
    dict(a=3.1, b=2.5, c=4.2),
    [
        'y - sqrt(Abs(-b*x + c + 1))*Piecewise((1, x > 1), (-1, x < 1), (0, True)) - 1',
        'a - x - 1',
    ],
    x0=[0.1, 0.1],
    citation='Barry Martin.',
    description='Hopalong (Martin) map with a square-root nonlinearity.',
    non_autonomous=False, delay=False,
    tags=('chaotic', 'non-smooth'),
)

define(
    'Zaslavskii', 'map', 'x y',
    dict(eps=5.0, nu=0.2, r=2.0),
    [
        # mu = (1 - exp(-r))/r; x is an angle in turns, reduced modulo 1
        '(1/2 + atan(tan(pi*(x + nu*(1 + (1 - exp(-r))/r*y) + eps*nu*(1 - exp(-r))/r*cos(2*pi*x) - 1/2)))/pi)',
        'exp(-r)*(y + eps*cos(2*pi*x))',
    ],
    x0=[0.51, 0.1],
    citation='G. M. Zaslavskii, The simplest case of a strange attractor, Phys. Lett. A 69, 145-147 (1978)',
    description='Zaslavskii (web) map of a periodically kicked damped rotator.',
    note='Written from the paper (dysts 0.96 lists it in its data file but has no class for it); '
         'x is reduced modulo 1 as in the paper.',
    non_autonomous=False, delay=False,
    tags=('chaotic', 'dissipative', 'non-smooth'),
)
