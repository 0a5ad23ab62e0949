"""The catalogue: every dysts 0.96 flow and map under its own name, built from text equations.

Correctness of each right-hand side against dysts itself is checked by
``benchmarks/validate_catalogue.py`` (it needs the peers' environment). These tests
need no peer: every system builds, its right-hand side is finite at its default
initial condition, its compiled exact Jacobian agrees with central finite
differences of the compiled right-hand side, its metadata is complete, and
trajectories from the default initial condition stay bounded and non-trivial (a
representative handful by default; every system under ``-m slow``).

Reference numbers used below (exact consequences of the published equations):

* Lorenz (E. N. Lorenz, J. Atmos. Sci. 20, 130 (1963)): the divergence of the vector
  field is -(sigma + 1 + beta) = -41/3 everywhere.
* Henon (M. Henon, Commun. Math. Phys. 50, 69 (1976)): det J = -b = -0.3 everywhere.
* Zaslavskii map (G. M. Zaslavskii, Phys. Lett. A 69, 145 (1978)): det J = exp(-r)
  everywhere (uniform area contraction).
* Sprott (1994) case A / Nose-Hoover: conservative in the mean; case B divergence is -1.
* Thomas (R. Thomas, Int. J. Bifurc. Chaos 9, 1889 (1999)), written dx/dt = -a x + b sin y (cyclic):
  divergence -3a.
"""
from __future__ import annotations

import math
import zlib

import numpy as np
import pytest

import attractor
from attractor import UnknownParameterError, ValidationError
from attractor.systems import entries

# The names in dysts 0.96's data files (data/chaotic_attractors.json, discrete_maps.json).
DYSTS_FLOWS = [
    'Aizawa', 'AnishchenkoAstakhov', 'Arneodo', 'ArnoldBeltramiChildress', 'ArnoldWeb', 'AtmosphericRegime',
    'BeerRNN', 'BelousovZhabotinsky', 'BickleyJet', 'Blasius', 'BlinkingRotlet', 'BlinkingVortex', 'Bouali',
    'Bouali2', 'BurkeShaw', 'CaTwoPlus', 'CaTwoPlusQuasiperiodic', 'CellCycle', 'CellularNeuralNetwork', 'Chen',
    'ChenLee', 'Chua', 'CircadianRhythm', 'CoevolvingPredatorPrey', 'Colpitts', 'Coullet', 'Dadras', 'DequanLi',
    'DoubleGyre', 'DoublePendulum', 'Duffing', 'ExcitableCell', 'Finance', 'FluidTrampoline', 'ForcedBrusselator',
    'ForcedFitzHughNagumo', 'ForcedVanDerPol', 'GenesioTesi', 'GlycolyticOscillation', 'GuckenheimerHolmes',
    'Hadley', 'Halvorsen', 'HastingsPowell', 'HenonHeiles', 'HindmarshRose', 'Hopfield', 'HyperBao', 'HyperCai',
    'HyperJha', 'HyperLorenz', 'HyperLu', 'HyperPang', 'HyperQi', 'HyperRossler', 'HyperWang', 'HyperXu',
    'HyperYan', 'HyperYangChen', 'IkedaDelay', 'InteriorSquirmer', 'IsothermalChemical', 'ItikBanksTumor',
    'JerkCircuit', 'KawczynskiStrizhak', 'Laser', 'LidDrivenCavityFlow', 'LiuChen', 'Lorenz', 'Lorenz84',
    'Lorenz96', 'LorenzBounded', 'LorenzCoupled', 'LorenzStenflo', 'LuChen', 'LuChenCheng', 'MacArthur',
    'MackeyGlass', 'MooreSpiegel', 'MultiChua', 'NewtonLiepnik', 'NoseHoover', 'NuclearQuadrupole',
    'OscillatingFlow', 'PanXuZhou', 'PehlivanWei', 'PiecewiseCircuit', 'Qi', 'QiChen', 'RabinovichFabrikant',
    'RayleighBenard', 'RikitakeDynamo', 'Rossler', 'Rucklidge', 'Sakarya', 'SaltonSea', 'SanUmSrisuchinwong',
    'ScrollDelay', 'ShimizuMorioka', 'SprottA', 'SprottB', 'SprottC', 'SprottD', 'SprottDelay', 'SprottE',
    'SprottF', 'SprottG', 'SprottH', 'SprottI', 'SprottJ', 'SprottJerk', 'SprottK', 'SprottL', 'SprottM',
    'SprottMore', 'SprottN', 'SprottO', 'SprottP', 'SprottQ', 'SprottR', 'SprottS', 'SprottTorus',
    'StickSlipOscillator', 'SwingingAtwood', 'Thomas', 'ThomasLabyrinth', 'Torus', 'Tsucs2', 'TurchinHanski',
    'VallisElNino', 'VossDelay', 'WangSun', 'WindmiReduced', 'YuWang', 'YuWang2', 'ZhouChen',
]
DYSTS_MAPS = [
    'Baker', 'Bedhead', 'BlinkingVortexMap', 'Bogdanov', 'Chebyshev', 'Chirikov', 'Circle', 'DeJong', 'Duffing',
    'EndCap', 'Gauss', 'Gingerbreadman', 'GumowskiMira', 'Henon', 'Hopalong', 'Ikeda', 'KaplanYorke', 'Logistic',
    'MaynardSmith', 'Pickover', 'Ricker', 'Svensson', 'Tent', 'Tinkerbell', 'Zaslavskii', 'ZeraouliaSprott',
]
DELAY = ['IkedaDelay', 'MackeyGlass', 'PiecewiseCircuit', 'ScrollDelay', 'SprottDelay', 'VossDelay']
MAP_RENAMED = {'Duffing': 'DuffingMap'}          # the flow keeps the name Duffing
MAPS_MISSING = {'EndCap', 'BlinkingVortexMap', 'ZeraouliaSprott'}  # see catalogue/maps.py for why

# Expensive symbolic Jacobians (SymPy differentiates 25 five-argument Min terms, ~40 s cold):
# checked in the slow suite only.
HEAVY = {'MacArthur'}

SYMBOLIC = [e.name for e in entries() if e.name not in DELAY]
LIGHT = [n for n in SYMBOLIC if n not in HEAVY]


# ------------------------------------------------------------------ coverage
def test_every_dysts_flow_is_catalogued_under_its_name():
    flows = set(attractor.systems.names("flow"))
    missing = [n for n in DYSTS_FLOWS if n not in flows]
    assert missing == [], missing
    assert len(DYSTS_FLOWS) == 135


def test_every_dysts_map_is_catalogued_except_documented_gaps():
    maps = set(attractor.systems.names("map"))
    expected = [MAP_RENAMED.get(n, n) for n in DYSTS_MAPS if n not in MAPS_MISSING]
    assert [n for n in expected if n not in maps] == []
    assert len(DYSTS_MAPS) == 26 and len(expected) == 23
    assert attractor.system("DuffingMap").kind == "map" and attractor.system("Duffing").kind == "flow"


def test_lookup_by_dysts_name_is_case_insensitive():
    assert attractor.system("sprotta").name == "SprottA"
    assert attractor.system("hyper-rossler").name == "HyperRossler"


# ------------------------------------------------------------------ metadata
@pytest.mark.parametrize("name", SYMBOLIC)
def test_metadata_is_complete(name):
    s = attractor.system(name)
    m = s.metadata
    assert m.get("description"), name
    assert "citation" in m
    assert s.default_x0 is not None and s.default_x0.shape == (s.dimension,)
    if s.kind == "flow":
        assert m["period"] > 0 and 0 < m["integration_dt"] < m["period"]
        assert s.default_dt > 0
        assert isinstance(m.get("non_autonomous"), bool)
        for key, (value, source) in m.get("reference", {}).items():
            # dysts' own numbers are labelled as estimates, never as ground truth
            if key.endswith("_estimated"):
                assert "estimate" in source and "dysts" in source
    if m.get("forced"):
        assert m["phase_variable"] == s.state_names[-1]
        assert s.dimension - 1 in m["unbounded_indices"]


def test_published_references_are_kept_and_estimates_labelled():
    lor = attractor.system("Lorenz")
    le, src = lor.metadata["reference"]["lyapunov_spectrum"]
    assert le[0] == pytest.approx(0.9056) and "Sprott" in src      # Sprott (2003), Appendix A
    assert lor.parameters["beta"] == 8.0 / 3.0                      # not dysts' rounded 2.667
    est, src = attractor.system("Aizawa").metadata["reference"]["lyapunov_spectrum_estimated"]
    assert len(est) == 3 and "not ground truth" in src


# ------------------------------------------------------------------ RHS and Jacobian
def _states_near(s, k, seed):
    rng = np.random.default_rng(seed)
    x0 = s.default_x0
    return [x0 + 0.05 * (np.abs(x0) + 0.1) * rng.standard_normal(s.dimension) for _ in range(k)]


class _PurePython:
    """The generated f/jac run as plain Python (``py_func``): no Numba compilation.

    Checking all ~160 systems through Numba would cost ~1 s of compilation each on a
    cold cache; the generated source is the same, so the default suite checks it
    uncompiled and the slow suite (and the representative systems below) compiled.
    """

    def __init__(self, s):
        mod = s.compiled
        self.p, self.n = s.parameter_vector, s.dimension
        self.f, self.jac = mod.f.py_func, mod.jac.py_func

    def evaluate(self, x, t):
        out = np.empty(self.n)
        self.f(float(t), np.asarray(x, dtype=float), self.p, out)
        return out

    def jacobian(self, x, t):
        out = np.empty((self.n, self.n))
        self.jac(float(t), np.asarray(x, dtype=float), self.p, out)
        return out


def _fd_jacobian(ev, n, x, t):
    J = np.empty((n, n))
    for j in range(n):
        h = 1e-5 * (1.0 + min(abs(x[j]), 100.0))  # phases can be large; keep the step absolute there
        # fourth-order central difference: truncation error O(h^4), rounding ~eps/h
        e = np.zeros(n)
        e[j] = h
        J[:, j] = (-ev(x + 2 * e, t) + 8 * ev(x + e, t) - 8 * ev(x - e, t) + ev(x - 2 * e, t)) / (12 * h)
    return J


def _check_rhs_and_jacobian(name, compiled=True):
    s = attractor.system(name)
    impl = s if compiled else _PurePython(s)
    v = impl.evaluate(s.default_x0, 0.0)
    assert v.shape == (s.dimension,) and np.all(np.isfinite(v)), name
    for i, x in enumerate(_states_near(s, 3, seed=zlib.crc32(name.encode()))):
        t = 0.37 * i
        J = impl.jacobian(x, t)
        Jfd = _fd_jacobian(impl.evaluate, s.dimension, x, t)
        scale = max(1.0, np.max(np.abs(J)))
        err = np.max(np.abs(J - Jfd)) / scale
        assert err < 1e-6, f"{name}: Jacobian differs from finite differences by {err:.2e} (relative) at {x}"


@pytest.mark.parametrize("name", LIGHT)
def test_rhs_finite_and_jacobian_matches_finite_differences(name):
    _check_rhs_and_jacobian(name, compiled=False)


@pytest.mark.parametrize("name", ["Aizawa", "Chua", "ForcedVanDerPol", "Torus", "Tinkerbell", "KaplanYorke"])
def test_compiled_rhs_and_jacobian_representative(name):
    _check_rhs_and_jacobian(name, compiled=True)


@pytest.mark.slow
@pytest.mark.parametrize("name", SYMBOLIC)
def test_compiled_rhs_and_jacobian_all(name):
    _check_rhs_and_jacobian(name, compiled=True)


@pytest.mark.parametrize("name, x, expected", [
    ("Lorenz", [1.0, 2.0, 3.0], -(10.0 + 1.0 + 8.0 / 3.0)),   # -(sigma + 1 + beta)
    ("Thomas", [0.3, -1.2, 2.0], -3 * 1.85),                   # -3a in dysts' scaling (a = 1.85, b = 10)
    ("SprottB", [0.5, 1.0, -0.3], -1.0),                       # Sprott (1994) case B: trace -1
])
def test_divergence_matches_published_equations(name, x, expected):
    assert np.trace(attractor.system(name).jacobian(x)) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("name, expected", [
    ("Henon", -0.3),                 # det J = -b
    ("Zaslavskii", math.exp(-2.0)),  # det J = exp(-r), r = 2
])
def test_map_jacobian_determinant_matches_published_equations(name, expected):
    s = attractor.system(name)
    for x in _states_near(s, 3, seed=1):
        assert np.linalg.det(s.jacobian(x)) == pytest.approx(expected, rel=1e-9)


# ------------------------------------------------------------------ trajectories
def _check_trajectory(name, n=1000):
    s = attractor.system(name)
    if s.kind == "flow":
        tr = s.trajectory(n, transient=0.0)
    else:
        tr = s.trajectory(n)
    x = tr.x
    assert x.shape == (n, s.dimension) and np.all(np.isfinite(x)), name
    bounded = [i for i in range(s.dimension) if i not in s.metadata.get("unbounded_indices", ())]
    if not bounded:  # e.g. the ABC flow on the unwrapped torus: every coordinate drifts
        assert np.max(np.std(np.diff(x[n // 2:], axis=0), axis=0)) > 0, f"{name} is constant"
        return
    assert np.max(np.abs(x[:, bounded])) < 1e6, name
    spread = np.std(x[n // 2:, bounded], axis=0)
    assert np.max(spread) > 1e-6 * max(1.0, np.max(np.abs(x[:, bounded]))), f"{name} is constant"


REPRESENTATIVE = ["Aizawa", "Chua", "ForcedVanDerPol", "Tinkerbell", "KaplanYorke", "Zaslavskii"]


@pytest.mark.parametrize("name", REPRESENTATIVE)
def test_trajectory_bounded_and_nontrivial_representative(name):
    _check_trajectory(name)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in SYMBOLIC if n not in REPRESENTATIVE])
def test_trajectory_bounded_and_nontrivial_all(name):
    _check_trajectory(name)


def test_forced_system_keeps_dysts_phase_variable():
    s = attractor.system("ForcedVanDerPol")
    assert s.state_names[-1] == "z" and s.metadata["forced"] and not s.non_autonomous
    assert s.rhs([0.1, 0.2, 0.3])[-1] == pytest.approx(s.parameters["w"])
    torus = attractor.system("Torus")
    assert torus.non_autonomous
    assert not np.allclose(torus.rhs([0.0, 0.0, 0.0], t=0.0), torus.rhs([0.0, 0.0, 0.0], t=1.0))


# ------------------------------------------------------------------ bad input
def test_unknown_parameter_is_rejected_with_the_valid_names():
    with pytest.raises(UnknownParameterError, match="parameters are: a, b, c, d, e, f"):
        attractor.system("Aizawa", zeta=1.0)
    with pytest.raises(UnknownParameterError, match="has no parameter"):
        attractor.system("MackeyGlass", sigma=1.0)


def test_non_finite_t0_is_rejected_for_a_non_autonomous_system():
    with pytest.raises(ValidationError, match="t0 must be finite"):
        attractor.system("Torus").trajectory(10, t0=float("nan"))
    with pytest.raises(ValidationError, match="t0 must be finite"):
        attractor.system("Duffing").trajectory(10, t0=float("inf"))


def test_wrong_state_dimension_is_rejected():
    with pytest.raises(ValidationError):
        attractor.system("HyperLu").rhs([1.0, 2.0, 3.0])
