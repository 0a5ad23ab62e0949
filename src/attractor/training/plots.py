"""Figures of an RNN analysis (matplotlib, headless: each function returns a Figure).

* :func:`plot_fixed_points` — visited states and fixed/slow points projected on the top principal
  components of the visited states (Sussillo & Barak 2013, Fig. 3 style).
* :func:`plot_fixed_point_eigenvalues` — Jacobian eigenvalues (maps: multipliers against the unit
  circle; flows: against the imaginary axis).
* :func:`plot_network_spectrum` — Lyapunov spectra against the normalised index ``i/N``, one curve
  per network (the N-independence of the shape; Engelken, Wolf & Abbott 2023).
"""
from __future__ import annotations

import numpy as np

from ..core.errors import ValidationError
from ._rnn_common import check_states

__all__ = ["plot_fixed_points", "plot_fixed_point_eigenvalues", "plot_network_spectrum", "principal_components"]

_STYLE = {"stable": dict(marker="o", color="k"), "saddle": dict(marker="o", color="tab:red"),
          "unstable": dict(marker="x", color="tab:red"), "marginal": dict(marker="s", color="tab:blue")}


def principal_components(states, n_components: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, top principal axes (rows) and explained-variance fractions of visited states.

    Returns
    -------
    mean : numpy.ndarray, shape (N,)
    axes : numpy.ndarray, shape (n_components, N)
    explained : numpy.ndarray, shape (n_components,)
    """
    S = check_states(states, "states", None)
    k = min(int(n_components), S.shape[1], max(S.shape[0] - 1, 1))
    mean = S.mean(axis=0)
    _, sv, vt = np.linalg.svd(S - mean, full_matrices=False)
    var = sv ** 2
    return mean, vt[:k], var[:k] / max(var.sum(), 1e-300)


def plot_fixed_points(result, states, *, ax=None, n_components: int = 2, max_states: int = 5000):
    """Fixed and slow points with the visited states, on the top principal components of the states.

    Parameters
    ----------
    result : RNNFixedPointsResult
    states : array_like, shape (n, N) or (trials, T, N)
        Visited states (trials are drawn as lines).
    n_components : {2, 3}
    max_states : int
        At most this many states are drawn (evenly thinned).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    if not hasattr(result, "points") or not hasattr(result, "labels"):
        raise ValidationError("result must be an RNNFixedPointsResult (from rnn_fixed_points).")
    if n_components not in (2, 3):
        raise ValidationError(f"n_components must be 2 or 3; got {n_components!r}.")
    raw = np.asarray(states, dtype=float)
    S = check_states(raw, "states", result.points.shape[1] if len(result) else None)
    mean, axes, expl = principal_components(S, n_components)
    if ax is None:
        fig = Figure(figsize=(6.0, 5.0))
        ax = fig.add_subplot(1, 1, 1, projection="3d" if n_components == 3 else None)
    else:
        fig = ax.figure
    trials = raw.reshape(-1, raw.shape[-2], raw.shape[-1]) if raw.ndim == 3 else S[None]
    per = max(1, int(np.ceil(trials.shape[0] * trials.shape[1] / max_states)))
    for tr in trials[: max(1, max_states // max(trials.shape[1], 1))]:
        P = (tr[::per] - mean) @ axes.T
        ax.plot(*P.T, color="0.75", lw=0.5, zorder=1)
    for kind_, lab in sorted(set(zip(result.kinds, result.labels))):
        sel = np.array([k == kind_ and lb == lab for k, lb in zip(result.kinds, result.labels)])
        P = (result.points[sel] - mean) @ axes.T
        st = _STYLE.get(lab, dict(marker="o", color="tab:gray"))
        face = st["color"] if (kind_ == "fixed" and lab == "stable") else "none"
        kw = dict(marker=st["marker"], s=60 if kind_ == "fixed" else 25, label=f"{kind_} {lab} ({sel.sum()})",
                  zorder=3)
        if st["marker"] == "x":
            ax.scatter(*P.T, color=st["color"], **kw)
        else:
            ax.scatter(*P.T, facecolors=face, edgecolors=st["color"], **kw)
    ax.set_xlabel(f"PC1 ({expl[0]:.0%})")
    if len(expl) > 1:
        ax.set_ylabel(f"PC2 ({expl[1]:.0%})")
    if n_components == 3 and len(expl) > 2:
        ax.set_zlabel(f"PC3 ({expl[2]:.0%})")
    ax.set_title(f"Fixed points of {result.system}")
    ax.legend(loc="best", fontsize="small")
    return fig


def plot_fixed_point_eigenvalues(result, indices=None, *, ax=None):
    """Eigenvalues of the Jacobian at fixed points (all by default), coloured by the point's label.

    Maps: multipliers in the complex plane with the unit circle; flows: eigenvalues with the
    imaginary axis (the stability boundary).
    """
    from matplotlib.figure import Figure

    if not hasattr(result, "eigenvalues"):
        raise ValidationError("result must be an RNNFixedPointsResult (from rnn_fixed_points).")
    idx = range(len(result)) if indices is None else np.atleast_1d(indices)
    if ax is None:
        fig = Figure(figsize=(5.0, 5.0))
        ax = fig.add_subplot(1, 1, 1)
    else:
        fig = ax.figure
    seen = set()
    for i in idx:
        lab = result.labels[int(i)]
        st = _STYLE.get(lab, dict(marker="o", color="tab:gray"))
        ev = result.eigenvalues[int(i)]
        ax.scatter(ev.real, ev.imag, s=12, marker="o" if st["marker"] == "x" else st["marker"], color=st["color"],
                   alpha=0.7, label=None if lab in seen else lab)
        seen.add(lab)
    if result.kind == "map":
        th = np.linspace(0, 2 * np.pi, 400)
        ax.plot(np.cos(th), np.sin(th), color="0.4", lw=0.8, ls="--")
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_title("Multipliers of ∂F/∂h (unit circle dashed)")
    else:
        ax.axvline(0.0, color="0.4", lw=0.8, ls="--")
        ax.set_title("Eigenvalues of ∂f/∂h")
    ax.set_xlabel("Re")
    ax.set_ylabel("Im")
    if seen:
        ax.legend(loc="best", fontsize="small")
    return fig


def plot_network_spectrum(results, *, ax=None, normalise: bool = True):
    """Lyapunov spectra against ``i/N`` (or ``i``), one line per result, with ±stderr bands.

    Parameters
    ----------
    results : LyapunovSpectrumResult or dict label -> LyapunovSpectrumResult
    normalise : bool
        Index axis ``(i + 0.5)/N`` with ``N`` the network size (``len(final_state)``); else ``i``.
    """
    from matplotlib.figure import Figure

    if not isinstance(results, dict):
        results = {getattr(results, "system", "network"): results}
    if ax is None:
        fig = Figure(figsize=(6.4, 4.0))
        ax = fig.add_subplot(1, 1, 1)
    else:
        fig = ax.figure
    for label, r in results.items():
        if not hasattr(r, "exponents"):
            raise ValidationError(f"results[{label!r}] has no exponents (expected a LyapunovSpectrumResult).")
        lam = np.asarray(r.exponents, dtype=float)
        err = np.asarray(getattr(r, "stderr", np.zeros_like(lam)), dtype=float)
        N = int(np.size(r.final_state))
        x = (np.arange(lam.size) + 0.5) / N if normalise else np.arange(1, lam.size + 1)
        line, = ax.plot(x, lam, lw=1.2, label=f"{label} (N = {N})")
        if np.all(np.isfinite(err)):
            ax.fill_between(x, lam - err, lam + err, color=line.get_color(), alpha=0.2, lw=0)
    ax.axhline(0.0, color="0.4", lw=0.8, ls="--")
    ax.set_xlabel("i / N" if normalise else "i")
    ax.set_ylabel("Lyapunov exponent (1/time unit or 1/step)")
    ax.set_title("Lyapunov spectra")
    ax.legend(loc="best", fontsize="small")
    return fig
