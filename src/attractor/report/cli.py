"""``attractor analyze``: the report command, registered on the main Typer app."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

__all__ = ["register"]


def _analyze_command(
    file: Optional[Path] = typer.Argument(None, help="Data file: .csv, .tsv, .parquet, .npz, .npy or .nc."),
    columns: Optional[str] = typer.Option(None, "--columns", help="Comma-separated columns to use; the first is "
                                                                  "the analysed channel."),
    time_column: Optional[str] = typer.Option(None, "--time-column", help="Column of time stamps."),
    dt: Optional[float] = typer.Option(None, "--dt", help="Sampling step when the data have no time column."),
    out: Path = typer.Option(Path("report.html"), "--out", help="HTML report to write."),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Also write the summary as JSON."),
    quick: bool = typer.Option(False, "--quick", help="Faster, coarser analysis (fewer surrogates, subsamples)."),
    demo: Optional[str] = typer.Option(None, "--demo", help="Analyse simulated data of a catalogue system "
                                                            "(e.g. lorenz) and compare with its true invariants."),
    dataset: Optional[str] = typer.Option(None, "--dataset", help="Analyse a bundled dataset (lynx, elnino, "
                                                                  "sunspots)."),
    n: int = typer.Option(10000, "--n", help="Samples to simulate with --demo."),
    seed: int = typer.Option(0, "--seed", help="Seed of every random component."),
    nan_policy: str = typer.Option("interpolate", "--nan-policy", help="Missing values: interpolate, drop or raise."),
    irregular: str = typer.Option("index", "--irregular",
                                  help="Irregular time stamps: index (analyse the samples in order; default), "
                                       "resample (interpolate onto a uniform grid) or raise."),
    title: Optional[str] = typer.Option(None, "--title", help="Report title."),
    sep: Optional[str] = typer.Option(None, "--sep", help="Column separator of a text file (default: detected; "
                                                          "e.g. ';' or 'tab')."),
    decimal: Optional[str] = typer.Option(None, "--decimal", help="Decimal mark of a text file: '.' or ',' "
                                                                  "(default: detected)."),
    variable: Optional[str] = typer.Option(None, "--variable", help="NetCDF: the variable to analyse."),
    select: Optional[str] = typer.Option(None, "--select", help="NetCDF: nearest grid point, e.g. "
                                                                "lat=52.5,lon=13.4."),
    mean: Optional[str] = typer.Option(None, "--mean", help="NetCDF: dimensions to average over, e.g. lat,lon."),
    detrend: bool = typer.Option(False, "--detrend", help="Remove the trend (least-squares line, or first "
                                                          "differences for a unit root) before every analysis; "
                                                          "recorded in the report."),
    deseason: bool = typer.Option(False, "--deseason", help="Remove the detected seasonal cycle (3 harmonics) before "
                                                            "every analysis; recorded in the report."),
    exclude_item: Optional[list[str]] = typer.Option(None, "--exclude-item",
                                                     help="Leave out this report item (repeatable), e.g. "
                                                          "--exclude-item rqa --exclude-item sindy; recorded in the "
                                                          "report."),
    neural: bool = typer.Option(False, "--neural", help="Add a neural model (NeuralODE or GRU; needs the neural "
                                                        "extra) to the forecast comparison; adds roughly 10-40 s."),
    known: Optional[Path] = typer.Option(None, "--known", help="A partial model (TOML: states, known equations, "
                                                               "unknown parameters; see examples/pendulum.toml): "
                                                               "adds a hybrid-model section (known physics + "
                                                               "learned remainder) with forecasts on held-out data."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing --out/--json file even if it does not "
                                                      "look like a report (never the input file)."),
):
    """Analyse a time series and write a self-contained HTML report (plus an optional JSON summary)."""
    import time
    import warnings

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from ..cli import console, err_console
    from ..core.errors import ValidationError
    from . import analyze, demo_data

    given = [name for name, v in (("FILE", file), ("--demo", demo), ("--dataset", dataset)) if v is not None]
    if len(given) != 1:
        raise ValidationError("give exactly one of FILE, --demo NAME or --dataset NAME"
                              + (f" (got {', '.join(given)})." if given else "."))
    from ..core.output import safe_output_path

    if sep is not None and sep.lower() in ("tab", "\\t"):
        sep = "\t"
    inputs = tuple(p for p in (file, known) if p is not None)  # never overwrite the data or the model file
    out = safe_output_path(out, "html", inputs=inputs, force=force)
    if json_path is not None:
        json_path = safe_output_path(json_path, "json", inputs=inputs, force=force)
        if json_path.resolve() == out.resolve():
            raise ValidationError("--out and --json name the same file; give two different paths.")
    start = time.perf_counter()
    true_system = None
    if demo is not None:
        err_console.print(f"simulating {n} samples of {demo} ...")
        data, true_system = demo_data(demo, n)
        source_title = f"{true_system.name} demo ({n} samples of {data.state_names[0]})"
    elif dataset is not None:
        from .. import datasets

        data = datasets.load(dataset)
        source_title = f"dataset {data.attrs['name']}: {data.attrs['title']}"
    else:
        from .io import read_table

        data = read_table(file, sep=sep, decimal=decimal, columns=[c.strip() for c in columns.split(",")]
                          if columns else None, time_column=time_column, variable=variable, select=select,
                          mean=mean)
        source_title = str(file)
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task("loading", total=1)

        def progress(stage: str, i: int, total: int) -> None:
            bar.update(task, description=stage, completed=i, total=total)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # data-handling notes are printed below; item warnings are in the report
            result = analyze(data, dt=dt, columns=columns, time_column=time_column, quick=quick, seed=seed,
                             nan_policy=nan_policy, irregular=irregular, true_system=true_system,
                             title=title or f"Analysis of {source_title}", progress=progress,
                             detrend=detrend, deseason=deseason, exclude_items=tuple(exclude_item or ()),
                             neural=neural, known=known)
    for note in result.data.notes:
        err_console.print(f"[yellow]note:[/] {note}")
    try:
        result.to_html(out, force=force)
        if json_path is not None:
            result.to_json(json_path, force=force)
    except OSError as exc:
        raise ValidationError(f"could not write the report: {exc}") from exc
    console.print(f"[bold]Verdict:[/] {result.verdict} (confidence: {result.confidence})")
    for r in getattr(result, "reasons", ()):
        console.print(f"    because: {r}", markup=False, highlight=False)
    for f in result.findings:
        console.print(f"  • {f}")
    for key, reason in result.skipped.items():
        console.print(f"  [dim]skipped {key}: {reason}[/]")
    size = out.stat().st_size / 1e6
    console.print(f"wrote {out} ({size:.2f} MB)" + (f" and {json_path}" if json_path else "")
                  + f" in {time.perf_counter() - start:.1f} s")


def register(app: typer.Typer) -> None:
    """Add the ``analyze`` command to ``app`` (errors become one-line messages, exit code 2)."""
    from ..cli import _friendly

    app.command("analyze")(_friendly(_analyze_command))
