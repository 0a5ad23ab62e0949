"""The safe equation parser (issue #20): equations are data, never evaluated as code."""
from __future__ import annotations

import os

import pytest
import sympy as sp
from sympy.parsing.sympy_parser import parse_expr, standard_transformations

from attractor.core.delay import DelaySpec
from attractor.core.errors import ValidationError
from attractor.core.expressions import FUNCTIONS, check_identifier, parse_expression
from attractor.core.symbolic import SymbolicSpec

X, Y, A = sp.symbols("x y a", real=True)
SYMS = {"x": X, "y": Y, "a": A}


def _spec(eq, states=("x",), params=("a",)):
    return SymbolicSpec("S", "flow", states, params, (eq,))


def test_pwned_payload_raises_and_runs_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = _spec("__import__('os').system('touch pwned')")
    with pytest.raises(ValidationError, match="position"):
        spec.expressions
    assert not (tmp_path / "pwned").exists()
    assert not os.path.exists("pwned")


@pytest.mark.parametrize("text, token", [
    ("x.__class__", "attribute"),
    ("(lambda: 1)()", "call"),
    ("lambda q: q", "lambda"),
    ("[x for x in (1,)]", "comprehension"),
    ("x[0]", "subscript"),
    ("sin(x=1)", "keyword"),
    ("'abc'", "string"),
    ("open('f')", "not allowed"),
    ("eval('1')", "not allowed"),
    ("__builtins__", "dunder"),
    ("z + x", "undeclared symbol 'z'"),
    ("x ^ 2", r"\*\*"),
    ("x if a else y", "Piecewise"),
    ("sin(*x)", "starred"),
    ("2**10**10", "too large"),
    ("1e400 * x", "range"),
    ("x +", "cannot parse"),
    ("", "empty"),
    ("(x, y)", "tuple"),
    ("sin", "must be called"),
    ("x(1)", "declared symbol"),
])
def test_rejected_constructs(text, token):
    with pytest.raises(ValidationError, match=token):
        parse_expression(text, SYMS)


def test_error_names_position():
    with pytest.raises(ValidationError, match=r"position 5 \('os'\)"):
        parse_expression("x + os", SYMS)


def test_builds_same_expression_as_sympy_parser():
    texts = ["a*(y - x)", "x**3/3 - y", "-x**2 + 1/2*y", "Piecewise((x**2, x > 0), (0, True))",
             "Abs(x) + Min(x, y) - Max(a, 1.5e-3)", "exp(-a*x**2) + sin(pi*x) + E", "atan(x) + tanh(y) % 2",
             "-(-x)", "2.5*x - 0.1*y + 3"]
    for t in texts:
        old = sp.sympify(parse_expr(t, local_dict=dict(SYMS), transformations=standard_transformations))
        new = parse_expression(t, SYMS)
        assert sp.srepr(old) == sp.srepr(new), t


def test_long_sum_does_not_recurse():
    """A learned model writes long sums (left-deep trees); they are built without recursion per term and
    give the same expression as repeated binary additions."""
    text = " + ".join(f"{k}.5*x**{k % 7}*y**{k % 3} - {k}*a" for k in range(1200))  # 2400-deep tree
    e = parse_expression(text, SYMS)
    assert e.is_Add
    short = " + ".join(f"{k}.5*x**{k % 7}*y**{k % 3} - {k}*a" for k in range(60))
    old = sp.sympify(parse_expr(short, local_dict=dict(SYMS), transformations=standard_transformations))
    assert sp.srepr(parse_expression(short, SYMS)) == sp.srepr(old)


def test_chained_comparison_and_functions():
    e = parse_expression("Piecewise((1, (0 < x) & (x < 1)), (0, True))".replace("&", "and"), SYMS)
    assert e.subs(X, 0.5) == 1 and e.subs(X, 2) == 0
    e2 = parse_expression("Piecewise((1, 0 < x < 1), (0, True))", SYMS)
    assert e2.subs(X, 0.5) == 1 and e2.subs(X, -1) == 0
    assert parse_expression("atan2(y, x)", SYMS) == sp.atan2(Y, X)
    assert "sin" in FUNCTIONS and "eval" not in FUNCTIONS


@pytest.mark.parametrize("name", ["x=__import__('os')", "__class__", "1x", "lambda", "sin", "pi", "a b", "", "é"])
def test_bad_identifiers(name):
    with pytest.raises(ValidationError):
        check_identifier(name)


def test_bad_state_names_in_specs():
    with pytest.raises(ValidationError, match="identifier"):
        SymbolicSpec("S", "flow", ("x=__import__('os')",), (), ("1",))
    with pytest.raises(ValidationError, match="dunder"):
        SymbolicSpec("S", "flow", ("x",), ("__globals__",), ("1",))
    with pytest.raises(ValidationError, match="shadow"):
        DelaySpec("D", ("exp",), ("tau",), ("-exp_tau",))
    with pytest.raises(ValidationError, match="printable"):
        SymbolicSpec("S\n import os", "flow", ("x",), (), ("1",))


def test_delay_spec_uses_safe_parser():
    spec = DelaySpec("D", ("x",), ("b", "tau"), ("b*x_tau/(1 + x_tau**10) - x.__class__",))
    with pytest.raises(ValidationError, match="attribute"):
        spec.expressions


def test_every_catalogue_system_parses_to_the_sympy_parser_result():
    from attractor.systems import registry

    n = 0
    for entry in registry.entries():
        spec = entry.builder().spec
        flat = []
        for g in spec.symbols:
            flat += list(g) if isinstance(g, tuple) else [g]
        local = {s.name: s for s in flat}
        for text, new in zip(spec.equations, spec.expressions):
            old = sp.sympify(parse_expr(text, local_dict=dict(local), transformations=standard_transformations))
            assert sp.srepr(old) == sp.srepr(new), (entry.name, text)
            n += 1
    assert n > 400


def test_energy_uses_safe_parser():
    import attractor

    hh = attractor.system("HenonHeiles")
    assert hh.energy([0.1, 0.0, 0.0, 0.2]).shape == ()
