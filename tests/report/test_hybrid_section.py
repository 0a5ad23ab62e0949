"""`attractor analyze DATA --known MODEL.toml`: the hybrid-model report section (issue #17 item 4).

Data: the damped pendulum q̈ = −ω0² sin q − α q̇, ω0 = 2π/6, α = 0.2 (the APHYNITY benchmark,
Yin et al. 2021, ICLR), 300 samples at dt = 0.1 from (q, v) = (2, 0); the known part is the
frictionless pendulum of examples/pendulum.toml with ω0 unknown, so the remainder should be
−α v.
"""
import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from attractor.cli import app
from attractor.core.errors import ValidationError
from attractor.core.symbolic import SymbolicSpec
from attractor.core.system import SymbolicSystem
from attractor.learn.hybrid_spec import parse_known_model
from attractor.report import analyze

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "pendulum.toml"
W0, ALPHA = 2 * np.pi / 6, 0.2
runner = CliRunner()
# everything the hybrid item does not need, so the end-to-end run takes seconds
FAST = [a for k in ("dimension", "correlation_dimension", "entropy", "rqa", "lyapunov", "stochastic", "attractor")
        for a in ("--exclude-item", k)]
BASE = 'states = ["q", "v"]\n[equations]\nq = "{q}"\nv = "{v}"\n[unknown]\n{unknown}\n'


def _pendulum(n=300, dt=0.1):
    p = SymbolicSystem(SymbolicSpec("DampedPendulum", "flow", ("q", "v"), ("w0", "alpha"),
                                    ("v", "-w0**2*sin(q) - alpha*v")), dict(w0=W0, alpha=ALPHA))
    return p.trajectory(n, dt=dt, x0=[2.0, 0.0])


def _model(q="v", v="-w0**2*sin(q)", unknown="w0 = 0.5"):
    return parse_known_model(BASE.format(q=q, v=v, unknown=unknown), source="test.toml")


def _item(X, model, dt=0.1):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = analyze(pd.DataFrame({"q": X[:, 0], "v": X[:, 1]}), dt=dt, known=model, sections=["hybrid"],
                    figures=False)
    return a, a.item("hybrid")


@pytest.fixture(scope="module")
def pendulum_csv(tmp_path_factory):
    tr = _pendulum()
    path = tmp_path_factory.mktemp("pend") / "pendulum.csv"
    pd.DataFrame({"t": tr.t, "q": tr.x[:, 0], "v": tr.x[:, 1]}).to_csv(path, index=False)
    return path


def test_cli_end_to_end_damped_pendulum(pendulum_csv, tmp_path):
    out, js = tmp_path / "r.html", tmp_path / "r.json"
    r = runner.invoke(app, ["analyze", str(pendulum_csv), "--time-column", "t", "--known", str(EXAMPLE), "--quick",
                            *FAST, "--out", str(out), "--json", str(js)])
    assert r.exit_code == 0, r.output
    it = json.loads(js.read_text())["sections"]["hybrid"]["items"]["hybrid"]
    assert it["status"] == "ok" and it["reliable"] is True, it
    num = it["numbers"]
    w0, se = (float(x) for x in num["w0 (fitted)"].split(" ± "))
    assert abs(w0 - W0) / W0 < 1e-4 and se < 1e-3  # measured: 1.0472 ± 4.9e-07 (true 1.047198)
    assert num["remainder of dq/dt (discovered)"].startswith("0")
    m = re.fullmatch(r"([-+]?[\d.e-]+) v \(R² ([\d.]+)\)", num["remainder of dv/dt (discovered)"])
    assert m and abs(-float(m.group(1)) - ALPHA) / ALPHA < 0.05 and float(m.group(2)) > 0.99  # issue: α within 5 %
    err = {k.split(": ", 1)[1]: v for k, v in num.items() if k.startswith("forecast error")}
    # measured: hybrid 1e-6, SINDy alone 4.3e-3, known part only 6.1e-2, persistence 0.27, mean 0.19
    assert err["hybrid"] < 0.1 * err["black box (SINDy alone)"] < 0.1 * err["known part only"]
    assert err["known part only"] < min(err["persistence"], err["training mean"])
    assert "The hybrid model forecasts the held-out tail best" in it["text"]
    assert "the data contain dynamics the known model lacks" in it["text"]
    html = out.read_text()
    assert 'id="sec-hybrid"' in html and "Held-out tail" in html and "data:image/png;base64" in html
    assert any(f.startswith("Hybrid model: known model 'Frictionless pendulum': w0 = 1.0472")
               for f in json.loads(js.read_text())["findings"])


def test_cli_errors_are_clear(pendulum_csv, tmp_path):
    def run(model_path, data=pendulum_csv, *extra):
        return runner.invoke(app, ["analyze", str(data), "--time-column", "t", "--known", str(model_path), *extra,
                                   "--out", str(tmp_path / "r.html")])

    r = run(tmp_path / "missing.toml")
    assert r.exit_code == 2 and "no such model file" in r.output and "Traceback" not in r.output
    bad = tmp_path / "bad.toml"
    bad.write_text('states = ["q", "v"\n')
    r = run(bad)
    assert r.exit_code == 2 and "malformed TOML" in r.output
    bad.write_text(BASE.format(q="v", v="__import__('os').getcwd()", unknown="w0 = 0.5"))
    r = run(bad)
    assert r.exit_code == 2 and "Equations are data, not code" in " ".join(r.output.split())
    bad.write_text(BASE.format(q="v", v="-w0**2*sin(q) - gamma*v", unknown="w0 = 0.5"))
    r = run(bad)
    assert r.exit_code == 2 and "undeclared symbol 'gamma'" in r.output
    renamed = tmp_path / "renamed.csv"
    pd.read_csv(pendulum_csv).rename(columns={"q": "theta", "v": "omega"}).to_csv(renamed, index=False)
    r = run(EXAMPLE, renamed)
    text = " ".join(r.output.split())
    assert r.exit_code == 2 and "do not match the data" in text and "'theta', 'omega'" in text
    r = run(EXAMPLE, pendulum_csv, "--columns", "q")  # one column selected, the model has two states
    assert r.exit_code == 2 and "2 states and the data 1 column" in " ".join(r.output.split())
    r = runner.invoke(app, ["analyze", str(pendulum_csv), "--known", str(EXAMPLE), "--out", str(EXAMPLE), "--force"])
    assert r.exit_code == 2 and "refusing to write the output onto the input file" in " ".join(r.output.split())


def test_columns_mapped_in_the_model_file():
    tr = _pendulum()
    km = parse_known_model(EXAMPLE.read_text().replace('# q = "theta"', 'q = "theta"')
                           .replace('# v = "omega"', 'v = "omega"'), source="mapped.toml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = analyze(pd.DataFrame({"omega": tr.x[:, 1], "theta": tr.x[:, 0]}), dt=0.1, known=km, sections=["hybrid"],
                    figures=False)
    it = a.item("hybrid")
    assert it.ok and float(it.numbers["w0 (fitted)"].split(" ± ")[0]) == pytest.approx(W0, rel=1e-4)


def test_no_known_model_no_section():
    tr = _pendulum(100)
    a = analyze(pd.DataFrame({"q": tr.x[:, 0], "v": tr.x[:, 1]}), dt=0.1, sections=["overview"], figures=False)
    assert "hybrid" not in [s.key for s in a.sections]


# ---------------------------------------------------------------------- bad cases: every sentence stays true
def test_wrong_known_part_is_said_so():
    """Wrong sign of the restoring force: ω0² ≥ 0 cannot fit it, ω0 is driven to zero."""
    _, it = _item(_pendulum().x, _model(v="w0**2*sin(q)"))
    assert it.ok and it.reliable is False
    assert it.numbers["w0 (fitted)"].startswith("driven to zero")
    assert "w0 was driven to zero" in it.text and "do not support that part of the known model" in it.text
    assert "w0 =" not in it.text  # no number for it


def test_partly_wrong_known_part_loses_to_the_black_box():
    """A cubic restoring force instead of sin q: the fit uses it, but SINDy alone forecasts better."""
    a, it = _item(_pendulum().x, _model(v="w0*v**3 + w0*q**3", unknown="w0 = 3.0"))
    assert it.ok and it.reliable is False
    err = {k.split(": ", 1)[1]: v for k, v in it.numbers.items() if k.startswith("forecast error")}
    assert err["black box (SINDy alone)"] < 0.95 * err["hybrid"]  # measured 0.0043 vs 0.022
    assert "SINDy alone, without the known physics, forecasts better than the hybrid" in it.text
    assert "The hybrid model forecasts the held-out tail best" not in it.text
    assert any("known part may be wrong" in f for f in a.findings)


def test_remainder_explaining_everything_is_said_so():
    _, it = _item(_pendulum().x, _model(q="k*q**7", v="k*v**7", unknown="k = 1.0"))
    assert it.ok and it.reliable is False
    assert it.numbers["physics share of the vector field"] < 0.05
    assert "The remainder explains nearly everything" in it.text and "effectively ignored" in it.text


def test_unidentifiable_parameters_are_not_numbers():
    a, it = _item(_pendulum().x, _model(v="-a*b*sin(q)", unknown="a = 1.0\nb = 0.5"))
    assert it.ok and it.reliable is False
    assert it.numbers["a (fitted)"] == it.numbers["b (fitted)"] == "not identifiable from these data"
    assert "The data cannot identify a, b" in it.text
    assert not re.search(r"\b[ab] = [-\d]", it.text)
    assert any("no identifiable parameter" in f for f in a.findings)


def test_pure_noise_shows_no_skill():
    X = np.random.default_rng(0).standard_normal((300, 2))
    a, it = _item(X, _model())
    assert it.ok and it.reliable is False
    assert "show no skill here and do not validate any of the fitted models" in it.text
    assert "forecasts the held-out tail best" not in it.text
    assert any("no forecast skill" in f for f in a.findings)


def test_trending_data_hybrid_not_validated():
    rng = np.random.default_rng(1)
    s = np.linspace(0, 1, 300)
    X = np.column_stack([5 * s + 0.1 * rng.standard_normal(300), 1 - 3 * s + 0.1 * rng.standard_normal(300)])
    _, it = _item(X, _model())
    assert it.ok and it.reliable is False
    assert "not validated by the held-out data" in it.text or "show no skill" in it.text


def test_short_and_noisy_data():
    _, it = _item(_pendulum(40).x, _model())
    assert not it.ok and "at least 50 samples" in it.reason
    X = _pendulum(60).x  # 48 training samples, 12 held out
    _, it = _item(X, _model())
    assert it.ok and float(it.numbers["w0 (fitted)"].split(" ± ")[0]) == pytest.approx(W0, rel=1e-3)
    rng = np.random.default_rng(2)
    X = _pendulum().x
    _, it = _item(X + 0.05 * X.std(0) * rng.standard_normal(X.shape), _model())
    w0, se = (float(x) for x in it.numbers["w0 (fitted)"].split(" ± "))
    assert abs(w0 - W0) < max(4 * se, 0.01 * W0)  # measured 1.0498 ± 0.00064 at 5 % noise


def test_states_not_matching_fail_before_the_analysis():
    tr = _pendulum(100)
    with pytest.raises(ValidationError, match="do not match the data"):
        analyze(pd.DataFrame({"x": tr.x[:, 0], "y": tr.x[:, 1]}), dt=0.1, known=_model())


def test_kernel_remainder_is_caveated():
    km = parse_known_model(EXAMPLE.read_text().replace('kind = "sindy"', 'kind = "kernel"') + "n_centers = 50\n",
                           source="kernel.toml")
    _, it = _item(_pendulum().x, km)
    assert it.ok
    w0 = float(it.numbers["w0 (fitted)"].split(" ± ")[0])
    assert abs(w0 - W0) / W0 < 0.05  # measured 1.009 (3.6 % low: the kernel absorbs part of sin q)
    assert "leave out the bias of the regularised remainder" in it.text
    assert "Gaussian kernel ridge, 50" in it.settings["remainder"]
