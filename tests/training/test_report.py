"""`attractor training --demo` writes an HTML report (issue #16, late phase)."""
from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner


@pytest.mark.slow
def test_training_cli_demo_writes_report(tmp_path):
    pytest.importorskip("jax")
    from attractor.cli import app

    out = tmp_path / "t.html"
    res = CliRunner().invoke(app, ["training", "--demo", "--out", str(out), "--lr", "0.5", "--steps", "40",
                                   "--samples", "60", "--width", "8", "--every", "10", "--lyap-steps", "20"])
    assert res.exit_code == 0, res.output
    page = out.read_text().lower()
    for text in ("sharpness", "2/η", "gradient flow", "spectral density", "lyapunov exponents of training", "<img"):
        assert text in page
    bad = CliRunner().invoke(app, ["training", "--out", str(out)])
    assert bad.exit_code == 2 and "--demo" in bad.output


def test_report_from_a_quadratic_run():
    from attractor.training import objective_from_functions, run_edge_of_stability
    from attractor.training.report import training_report

    A = np.diag([0.5, 1.0, 2.0])
    obj = objective_from_functions(lambda t: 0.5 * t @ A @ t, lambda t: A @ t, np.ones(3), hvp=lambda t, v: A @ v)
    page = training_report([run_edge_of_stability(obj, 0.1, 40, sharpness_every=10)], title="q")
    assert page.startswith("<!DOCTYPE html>") and page.count("<img") == 2 and "<td>20</td>" in page


def test_report_shows_the_lyapunov_exponents_of_training():
    """GD on ½ θᵀAθ is linear: its exponents are log|1 − ηλ_i| exactly, λ = 0.5, 1, 2, η = 0.1
    (the top one log 0.95 = −0.05129); the report tabulates the direct call's numbers and plots them."""
    import re

    from attractor.training import GD, objective_from_functions, run_edge_of_stability, training_lyapunov
    from attractor.training.report import training_report

    A = np.diag([0.5, 1.0, 2.0])
    obj = objective_from_functions(lambda t: 0.5 * t @ A @ t, lambda t: A @ t, np.ones(3), hvp=lambda t, v: A @ v)
    ly = training_lyapunov(GD(0.1), obj, 60, n_exponents=2, transient=300, seed=1)  # (0.9/0.95)^300 ~ 1e-7
    np.testing.assert_allclose(ly.exponents, np.log([0.95, 0.9]), atol=1e-6)
    page = training_report([run_edge_of_stability(obj, 0.1, 40, sharpness_every=10)], title="q",
                           lyapunov=[("η = 0.1", ly)])
    assert "Lyapunov exponents of training" in page and page.count("<img") == 3
    cell = re.search(r"<td class='lyap'>([^<]*)</td>", page).group(1)
    shown = [float(part.split("±")[0]) for part in cell.split(",")]
    np.testing.assert_allclose(shown, ly.exponents, rtol=1e-3)
    np.testing.assert_allclose(shown, np.log([0.95, 0.9]), rtol=1e-3)
