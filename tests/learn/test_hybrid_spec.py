"""Partial models in TOML (issue #17 item 4): attractor.learn.hybrid_spec.

Damped pendulum q̈ = −ω0² sin q − α q̇ with ω0 = 2π/6, α = 0.2 (Yin et al. 2021, APHYNITY, ICLR);
the known part is the frictionless pendulum of examples/pendulum.toml with ω0 unknown.
"""
from pathlib import Path

import numpy as np
import pytest

from attractor.core.errors import ValidationError
from attractor.core.symbolic import SymbolicSpec
from attractor.core.system import SymbolicSystem
from attractor.learn.hybrid_spec import KnownModel, load_known_model, parse_known_model

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "pendulum.toml"
W0, ALPHA = 2 * np.pi / 6, 0.2
BASE = 'states = ["q", "v"]\n[equations]\nq = "v"\nv = "{v}"\n[unknown]\nw0 = 0.5\n'


def _model(v="-w0**2*sin(q)", extra=""):
    return parse_known_model(BASE.format(v=v) + extra, source="m.toml")


def _pendulum(n=300, dt=0.1):
    p = SymbolicSystem(SymbolicSpec("DampedPendulum", "flow", ("q", "v"), ("w0", "alpha"),
                                    ("v", "-w0**2*sin(q) - alpha*v")), dict(w0=W0, alpha=ALPHA))
    return p.trajectory(n, dt=dt, x0=[2.0, 0.0])


def test_example_file_loads_and_fits_the_damped_pendulum():
    km = load_known_model(EXAMPLE)
    assert isinstance(km, KnownModel)
    assert km.states == ("q", "v") and dict(km.unknown) == {"w0": 0.5} and not km.parameters
    assert km.remainder == "sindy" and km.degree == 2 and km.columns == ("q", "v")
    tr = _pendulum()
    h = km.hybrid(seed=0).fit(tr.x, t=tr.t)
    assert h.parameters_["w0"] == pytest.approx(W0, rel=1e-4)  # measured rel. error 2e-6
    disc = h.discover_remainder()
    j = disc.feature_names.index("v")
    assert np.count_nonzero(disc.coef[0]) == 0 and np.count_nonzero(disc.coef[1]) == 1
    assert -disc.coef[1, j] == pytest.approx(ALPHA, rel=0.05)  # issue #17: α within 5 %


def test_vector_field_matches_the_equations():
    km = _model(v="-w0**2*sin(q) + g", extra="[parameters]\ng = 0.3\n")
    f = km.vector_field({"w0": 2.0})
    X = np.array([[0.5, -1.0], [1.0, 2.0]])
    np.testing.assert_allclose(f(X), np.column_stack([X[:, 1], -4.0 * np.sin(X[:, 0]) + 0.3]), rtol=1e-14)
    with pytest.raises(ValidationError, match="w0"):
        km.vector_field({})


def test_columns_are_matched_by_name_or_mapping():
    km = _model()
    assert km.column_indices(["t", "v", "q"]) == [2, 1]
    mapped = _model(extra='[columns]\nq = "theta"\nv = "omega"\n')
    assert mapped.column_indices(["theta", "omega"]) == [0, 1]
    with pytest.raises(ValidationError, match=r"state 'q' needs column 'q'.*\['theta', 'omega'\]"):
        km.column_indices(["theta", "omega"])
    with pytest.raises(ValidationError, match="2 states and the data 1 column"):
        km.column_indices(["q"])
    with pytest.raises(ValidationError, match="same data column"):
        _model(extra='[columns]\nq = "x"\nv = "x"\n')
    with pytest.raises(ValidationError, match="not states"):
        _model(extra='[columns]\nw = "x"\n')


@pytest.mark.parametrize("text, message", [
    ('states = ["q"\n', "malformed TOML"),
    ('states = ["q", "v"]\n[equations]\nq = "v"\n[unknown]\nw0 = 0.5\n', r"missing for \['v'\]"),
    ('states = ["q"]\n[equations]\nq = "v"\nv = "q"\n', "not states"),
    ('states = ["q", "q"]\n[equations]\nq = "q"\n', "twice"),
    ('states = ["q"]\n', r"needs an \[equations\] table"),
    ('foo = 1\n' + BASE.format(v="-w0*q"), r"unknown key\(s\) \['foo'\]"),
    (BASE.format(v="-w0*q - gamma*v"), "undeclared symbol 'gamma'"),
    (BASE.format(v="-w0*q*t"), "autonomous"),
    (BASE.format(v="w0 ^ 2"), r"\*\*"),
    (BASE.format(v="-w0*q") + "w1 = 1.0\n", r"\['w1'\] appear in no equation"),
    (BASE.format(v="-w0*q").replace("w0 = 0.5", 'w0 = "fast"'), "finite number"),
    (BASE.format(v="-w0*q").replace("w0 = 0.5", "w0 = nan"), "finite number"),
    (BASE.format(v="-w0*q") + "[parameters]\nw0 = 1.0\n", "both known"),
    (BASE.format(v="-w0*q") + "[parameters]\nq = 1.0\n", "clash"),
    (BASE.format(v="-w0*q") + '[remainder]\nkind = "neural"\n', "kind must be one of"),
    (BASE.format(v="-w0*q") + "[remainder]\ndegree = 9\n", "degree must be an integer in 1..5"),
    (BASE.format(v="-w0*q") + "[remainder]\nlambda = 1\n", r"unknown key\(s\) \['lambda'\] in \[remainder\]"),
    ('states = "q"\n[equations]\nq = "-q"\n', "non-empty list"),
])
def test_malformed_models_are_refused_with_the_reason(text, message):
    with pytest.raises(ValidationError, match=message):
        parse_known_model(text, source="m.toml")


@pytest.mark.parametrize("equation", ["__import__('os').system('touch /tmp/attractor_pwned')", "q.__class__",
                                      "open('/etc/passwd')", "(lambda: 1)()", "[q][0]"])
def test_unsafe_expressions_are_rejected_not_evaluated(equation, tmp_path):
    f = tmp_path / "evil.toml"
    f.write_text(BASE.format(v=equation.replace('"', "'")), encoding="utf-8")
    with pytest.raises(ValidationError, match="evil.toml: .*Equations are data, not code"):
        load_known_model(f)
    assert not Path("/tmp/attractor_pwned").exists()


def test_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(ValidationError, match="no such model file"):
        load_known_model(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"name = \"\xff\xfe\"\n")
    with pytest.raises(ValidationError, match="UTF-8"):
        load_known_model(bad)
