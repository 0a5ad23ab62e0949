"""HTML report of training runs: loss, sharpness against 2/η, Hessian density snapshots, GD vs flow,
Lyapunov exponents of training.

:func:`training_report` turns :class:`~attractor.training.EdgeOfStabilityResult` runs (and optional
:class:`~attractor.training.HessianDensityResult` snapshots) into one self-contained HTML page
(figures embedded as PNG). :func:`register` adds the ``attractor training`` command to the CLI:
``attractor training --demo`` reproduces the edge of stability (Cohen et al. 2021) on the digits
MLP of :func:`~attractor.training.edge_of_stability.digits_mlp_objective` and writes the report.
"""
from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .curvature import HessianDensityResult
from .edge_of_stability import EdgeOfStabilityResult
from .optimizers import TrainingLyapunovResult

__all__ = ["training_report", "register"]


def _img(rec) -> str:
    if not rec.png:
        return f"<p><em>{html.escape(rec.caption)}</em> (figure rendering disabled)</p>"
    b64 = base64.b64encode(rec.png).decode()
    return (f'<figure><img src="data:image/png;base64,{b64}" width="{rec.width}" alt="{html.escape(rec.caption)}">'
            f"<figcaption>{html.escape(rec.caption)}</figcaption></figure>")


def _fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (float, np.floating)):
        return f"{v:.4g}"
    return html.escape(str(v))


def training_report(runs: Sequence[EdgeOfStabilityResult], *, title: str = "Training dynamics",
                    densities: Sequence[tuple[str, HessianDensityResult]] = (),
                    lyapunov: Sequence[tuple[str, TrainingLyapunovResult]] = (), description: str = "") -> str:
    """A self-contained HTML report of edge-of-stability runs.

    Parameters
    ----------
    runs : sequence of EdgeOfStabilityResult
    title : str
    densities : sequence of (label, HessianDensityResult)
        Hessian spectral-density snapshots to plot (e.g. at initialisation and at the end).
    lyapunov : sequence of (label, TrainingLyapunovResult)
        Lyapunov exponents of training (:func:`~attractor.training.training_lyapunov`): their running
        averages are plotted with ±2 standard errors and the final values tabulated.
    description : str
        A sentence about the task (model, data).

    Returns
    -------
    str
        The HTML page.
    """
    from ..report.figures import new_figure, render_png

    figs = []
    fig, (ax1, ax2) = new_figure(10, 3.4, ncols=2)
    for r in runs:
        ax1.plot(np.arange(r.loss.size), r.loss, lw=0.8, label=f"η = {r.lr:g}")
        ax2.plot(r.sharpness_steps, r.sharpness, lw=1.0, label=f"η = {r.lr:g}")
        ax2.axhline(r.threshold, ls="--", lw=0.8, color=ax2.lines[-1].get_color())
    ax1.set(xlabel="step", ylabel="training loss", yscale="log", title="loss (full batch)")
    ax2.set(xlabel="step", ylabel="λ_max of the Hessian", title="sharpness (solid) and 2/η (dashed)")
    ax1.legend(fontsize=8)
    figs.append(render_png(fig, "Loss and sharpness per learning rate: the sharpness rises to 2/η and hovers "
                                "there while the loss keeps decreasing non-monotonically."))
    if any(r.flow_steps.size for r in runs):
        fig, (ax,) = new_figure(6, 3.2)
        for r in runs:
            if r.flow_steps.size:
                ax.plot(r.flow_steps, r.flow_distance, marker=".", lw=0.8, label=f"η = {r.lr:g}")
                if r.crossing_step is not None:
                    ax.axvline(r.crossing_step, ls=":", lw=0.8, color=ax.lines[-1].get_color())
        ax.axhline(runs[0].settings.get("flow_tolerance", 0.05), color="k", lw=0.6, ls="--")
        ax.set(xlabel="step k", ylabel="‖θ_GD(k) − θ_GF(kη)‖ / ‖θ_GF(kη) − θ₀‖",
               title="GD vs gradient flow (dotted: sharpness first reaches 2/η)")
        ax.legend(fontsize=8)
        figs.append(render_png(fig, "Relative distance between GD and the gradient flow integrated by attractor's "
                                    "ODE solver; GD tracks the flow until the sharpness reaches 2/η."))
    if densities:
        fig, (ax,) = new_figure(6, 3.2)
        for label, d in densities:
            ax.plot(d.grid, np.maximum(d.density, 1e-12), lw=0.9, label=label)
        ax.set(xlabel="Hessian eigenvalue", ylabel="density", yscale="log",
               title="Hessian spectral density (stochastic Lanczos quadrature)")
        ax.legend(fontsize=8)
        figs.append(render_png(fig, "Spectral density snapshots (Ghorbani et al. 2019)."))
    if lyapunov:
        fig, (ax,) = new_figure(6, 3.2)
        for label, ly in lyapunov:
            steps = (np.arange(ly.running.shape[0]) + 1) * ly.settings.get("renorm_every", 1)
            for i in range(ly.exponents.size):
                ax.plot(steps, ly.running[:, i], lw=0.9, label=f"{label}, λ{i + 1}")
                ax.axhspan(ly.exponents[i] - 2 * ly.stderr[i], ly.exponents[i] + 2 * ly.stderr[i],
                           color=ax.lines[-1].get_color(), alpha=0.15, lw=0)
        ax.axhline(0.0, color="k", lw=0.6)
        ax.set(xlabel="steps averaged", ylabel="exponent (1/step)",
               title="Lyapunov exponents of training (running average, band ±2 s.e.)")
        ax.legend(fontsize=8)
        figs.append(render_png(fig, "Lyapunov exponents of the optimizer as a map on parameter space (QR on "
                                    "Jacobian–vector products of one step): positive means nearby initialisations "
                                    "separate (chaotic training), negative that they contract onto one trajectory; "
                                    "GD near a minimum with curvature λ gives log|1 − ηλ|."))
    rows = []
    for r in runs:
        rows.append("<tr>" + "".join(f"<td>{_fmt(v)}</td>" for v in (
            r.lr, r.threshold, r.sharpness[0], r.crossing_step, r.median_ratio, r.at_edge, r.loss[0], r.loss[-1],
            r.loss_increases, r.max_distance_before, r.departure_step, r.tracks_flow, r.seconds)) + "</tr>")
    head = ("<tr><th>η</th><th>2/η</th><th>initial λ_max</th><th>first reaches 2/η (step)</th>"
            "<th>median λ_max/(2/η), 2nd half</th><th>within 10 %</th><th>initial loss</th><th>final loss</th>"
            "<th>loss increases after crossing</th><th>max GD–flow distance before</th><th>departs at step</th>"
            "<th>tracks, then departs</th><th>seconds</th></tr>")
    ly_table = ""
    if lyapunov:
        ly_rows = []
        for label, ly in lyapunov:
            ex = ", ".join(f"{e:.4g} ± {se:.2g}" for e, se in zip(ly.exponents, ly.stderr))
            ly_rows.append(f"<tr><td>{html.escape(label)}</td><td>{html.escape(str(ly.settings.get('optimizer', '')))}"
                           f"</td><td>{ly.settings.get('n_steps', '')}</td><td class='lyap'>{ex}</td>"
                           f"<td>{_fmt(ly.reliable)}</td></tr>")
        ly_table = ("<h2>Lyapunov exponents of training</h2><table><tr><th>run</th><th>optimizer</th><th>steps</th>"
                    "<th>exponents (1/step, ± s.e.)</th><th>reliable</th></tr>" + "".join(ly_rows) + "</table>")
    css = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}"
           "table{border-collapse:collapse;font-size:0.85em}td,th{border:1px solid #ccc;padding:3px 6px}"
           "figure{margin:1em 0}figcaption{font-size:0.85em;color:#555}")
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + html.escape(title) + "</title><style>" + css
            + "</style></head><body><h1>" + html.escape(title) + "</h1>"
            + (f"<p>{html.escape(description)}</p>" if description else "")
            + "<p>Full-batch gradient descent tracked against the stability threshold 2/η (Cohen et al., ICLR 2021, "
              "“Gradient descent on neural networks typically occurs at the edge of stability”).</p>"
            + "<table>" + head + "".join(rows) + "</table>" + ly_table + "".join(_img(f) for f in figs)
            + "</body></html>")


def register(app) -> None:
    """Add ``attractor training`` to the command-line app."""
    import typer

    from ..cli import _friendly, console

    @app.command("training")
    @_friendly
    def training_cmd(
        demo: bool = typer.Option(False, "--demo", help="Reproduce the edge of stability on the digits MLP."),
        out: Path = typer.Option(Path("training_report.html"), "--out", help="HTML report to write."),
        lr: str = typer.Option("0.45,0.5,0.6", "--lr", help="Comma-separated learning rates."),
        steps: int = typer.Option(600, "--steps", help="GD steps per learning rate."),
        samples: int = typer.Option(1000, "--samples", help="Digits used (<= 1797)."),
        width: int = typer.Option(200, "--width", help="Hidden width of the 2-hidden-layer tanh MLP."),
        every: int = typer.Option(20, "--every", help="Steps between sharpness measurements."),
        lyap_steps: int = typer.Option(100, "--lyap-steps", help="GD steps averaged for the Lyapunov exponent "
                                       "of training (after as many transient steps); 0 skips it."),
        seed: int = typer.Option(0, "--seed"),
    ) -> None:
        """Training dynamics: sharpness vs 2/η, loss, Hessian density, GD vs gradient flow and the Lyapunov
        exponent of training, as HTML."""
        from ..core.errors import ValidationError
        from .curvature import hessian_density
        from .edge_of_stability import digits_mlp_objective, run_edge_of_stability

        if not demo:
            raise ValidationError("only the built-in task is available from the command line: pass --demo "
                                  "(from Python, pass any objective to run_edge_of_stability and training_report).")
        try:
            lrs = [float(v) for v in lr.split(",") if v.strip()]
        except ValueError as exc:
            raise ValidationError(f"--lr must be comma-separated numbers; got {lr!r}.") from exc
        if not lrs:
            raise ValidationError("--lr is empty.")
        obj = digits_mlp_objective(n_samples=samples, width=width, seed=seed)
        console.print(f"{obj!r}")
        runs = []
        for eta in lrs:
            r = run_edge_of_stability(obj, eta, steps, sharpness_every=every, seed=seed)
            runs.append(r)
            console.print(f"η = {eta:g}: 2/η = {r.threshold:.4g}, first reached at step {r.crossing_step}, median "
                          f"λ_max/(2/η) over the second half {r.median_ratio:.3f}, GD–flow distance "
                          f"{r.max_distance_before:.3g} before / {r.distance_after:.3g} after ({r.seconds:.0f} s)")
        dens = [("initialisation", hessian_density(obj, n_iter=30, n_probes=2, seed=seed)),
                (f"end of training, η = {lrs[0]:g}", hessian_density(obj, runs[0].params, n_iter=30, n_probes=2,
                                                                      seed=seed))]
        from .optimizers import GD, training_lyapunov

        lyap = []
        for r in runs if lyap_steps > 0 else ():   # from the end of each run, 2 x lyap_steps GD steps (1 HVP + 1 gradient each)
            ly = training_lyapunov(GD(r.lr), obj, lyap_steps, r.params, transient=lyap_steps, n_blocks=5, seed=seed)
            lyap.append((f"η = {r.lr:g}", ly))
            console.print(f"η = {r.lr:g}: largest Lyapunov exponent of GD from the end of training "
                          f"{ly.exponents[0]:.4g} ± {ly.stderr[0]:.2g} per step")
        page = training_report(runs, densities=dens, lyapunov=lyap, title="attractor training --demo",
                               description=f"{obj.name}; ½ mean squared error; full-batch GD.")
        out.write_text(page, encoding="utf-8")
        console.print(f"wrote {out}")
