"""``attractor analyze`` lists the neural model in its forecast comparison (issue #13), or says why not."""
import pytest

import attractor
from attractor.report import analyze

pytest.importorskip("jax")
pytest.importorskip("equinox")
pytest.importorskip("diffrax")
pytest.importorskip("optax")


@pytest.fixture(scope="module")
def lorenz():
    return attractor.system("lorenz").trajectory(1600, dt=0.01, transient=20)


def test_analyze_lists_the_neural_model(lorenz):
    a = analyze(lorenz, sections=["models"], figures=False, neural=True)
    fc = a.item("forecast")
    assert fc.ok, fc.reason
    label = "NeuralODE (neural, width 32)"
    row = fc.result["models"][label]
    print({k: v["skill"] for k, v in fc.result["models"].items()})
    # three Lorenz channels: the learned flow must beat persistence and climatology (skill > 0)
    assert not row["failed"] and row["skill"] > 0.2
    assert f"skill vs {fc.result['baseline']}, {label}" in fc.numbers
    assert "neural model is left out" not in fc.text


def test_analyze_names_why_the_neural_model_is_left_out(lorenz, monkeypatch):
    from attractor.learn.neural import _jax

    def missing():
        raise _jax.NeuralExtraMissingError("the neural models need JAX, Equinox, Diffrax and Optax (jax is missing); "
                                           f"install them with: {_jax.INSTALL_HINT}")

    monkeypatch.setattr(_jax, "load", missing)   # as if the extra were not installed
    x = lorenz.x[:, :1]                           # one channel: the GRU would be the candidate
    a = analyze(x, dt=0.01, sections=["models"], figures=False, neural=True)
    fc = a.item("forecast")
    assert fc.ok, fc.reason
    assert not any("neural" in k for k in fc.result["models"])
    assert 'The neural model is left out' in fc.text and 'pip install "attractor[neural]"' in fc.text
    q = analyze(x, dt=0.01, sections=["models"], figures=False, quick=True)   # off unless asked for
    assert "neural model is left out (ask for it with neural=True" in q.item("forecast").text
    assert not any("neural" in k for k in q.item("forecast").result["models"])
