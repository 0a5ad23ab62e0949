"""RNN analysis figures: they draw what the results hold (points, eigenvalues, spectra)."""
from __future__ import annotations

import numpy as np
import pytest

from attractor import ValidationError
from attractor.training.fixed_points import rnn_fixed_points
from attractor.training.network_lyapunov import network_lyapunov_spectrum, rate_network
from attractor.training.plots import (plot_fixed_point_eigenvalues, plot_fixed_points, plot_network_spectrum,
                                      principal_components)


def _bistable():
    W = 2.0 * np.eye(3)
    states = np.random.default_rng(0).uniform(-1.2, 1.2, (4, 50, 3))
    return rnn_fixed_points(lambda h, u: np.tanh(W @ h), states, seed=0), states


def test_principal_components_of_a_line():
    t = np.linspace(-1, 1, 50)
    S = np.stack([t, 2 * t, np.zeros_like(t)], axis=1)
    mean, axes, expl = principal_components(S, 2)
    np.testing.assert_allclose(np.abs(axes[0]), np.array([1, 2, 0]) / np.sqrt(5), atol=1e-12)
    assert expl[0] == pytest.approx(1.0)


def test_fixed_point_figures_draw_every_point():
    res, states = _bistable()
    fig = plot_fixed_points(res, states)
    ax = fig.axes[0]
    n_drawn = sum(c.get_offsets().shape[0] for c in ax.collections)
    assert n_drawn == len(res) == 27
    assert "PC1" in ax.get_xlabel()
    fig3 = plot_fixed_points(res, states, n_components=3)
    assert fig3.axes[0].name == "3d"
    fig2 = plot_fixed_point_eigenvalues(res)
    assert sum(c.get_offsets().shape[0] for c in fig2.axes[0].collections) == 27 * 3
    with pytest.raises(ValidationError):
        plot_fixed_points(res, states, n_components=4)
    with pytest.raises(ValidationError):
        plot_fixed_points(object(), states)


def test_network_spectrum_figure():
    r = network_lyapunov_spectrum(rate_network(20, 1.5, seed=0), t_total=40, seed=0)
    fig = plot_network_spectrum({"g = 1.5": r})
    x, y = fig.axes[0].lines[0].get_data()
    np.testing.assert_allclose(y, r.exponents)
    assert x[-1] == pytest.approx(19.5 / 20)
