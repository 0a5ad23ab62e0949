"""Command-line interface: ``attractor systems | simulate | demo``.

Every command turns attractor's errors into a one-line message and exit code 2,
never a traceback.
"""
from __future__ import annotations

import functools
import sys
import time
import warnings
from pathlib import Path
from typing import Callable, Optional

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="attractor: analyse dynamical systems from data. Try `attractor demo`.")
console = Console()
err_console = Console(stderr=True)


def _friendly(fn: Callable) -> Callable:
    """Report attractor/validation errors as a clear message with exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from .core.errors import AttractorError

        try:
            return fn(*args, **kwargs)
        except (AttractorError, ValueError, OSError) as exc:
            # OSError: a file could not be read or written (permissions, missing directory, full disk)
            msg = str(exc)
            if isinstance(exc, OSError) and exc.strerror and exc.filename:
                msg = f"{exc.strerror}: {exc.filename!r}"
            err_console.print(f"[bold red]error:[/] {msg}")
            raise typer.Exit(code=2) from None

    return wrapper


def _parse_params(items: list[str] | None) -> dict[str, float]:
    from .core.errors import ValidationError

    out = {}
    for item in items or []:
        if "=" not in item:
            raise ValidationError(f"--param expects NAME=VALUE; got {item!r}.")
        k, v = item.split("=", 1)
        k = k.strip()
        if k in ("N",):
            out[k] = int(v)
            continue
        try:
            out[k] = float(v)
        except ValueError as exc:
            raise ValidationError(f"--param {k}: {v!r} is not a number.") from exc
    return out


def _parse_vector(text: str | None, name: str):
    from .core.errors import ValidationError

    if text is None:
        return None
    try:
        return np.array([float(v) for v in text.replace(";", ",").split(",") if v.strip()])
    except ValueError as exc:
        raise ValidationError(f"{name} must be comma-separated numbers; got {text!r}.") from exc


# ---------------------------------------------------------------------- systems
@app.command()
@_friendly
def systems(
    query: Optional[str] = typer.Argument(None, help="A system name (shows its details) or a search term."),
    kind: Optional[str] = typer.Option(None, "--kind", help="flow, map or stochastic."),
    dimension: Optional[int] = typer.Option(None, "--dimension", help="Only systems of this dimension."),
    delay: bool = typer.Option(False, "--delay", help="Only delay-differential systems."),
    search: Optional[str] = typer.Option(None, "--search", help="Substring of name or description."),
):
    """List catalogued systems, or show one system's equations, parameters and reference values."""
    from .core.errors import ValidationError
    from .systems import entries, normalize_name, system

    if kind is not None:
        kinds = sorted({e.kind for e in entries(stochastic=True)})
        if kind not in kinds:
            raise ValidationError(f"--kind must be one of {', '.join(kinds)}; got {kind!r}.")
    if dimension is not None and dimension < 1:
        raise ValidationError(f"--dimension must be a positive integer; got {dimension}.")
    if query is not None and not search:
        key = normalize_name(query)
        match = [e for e in entries(stochastic=True)
                 if normalize_name(e.name) == key or key in map(normalize_name, e.aliases)]
        if match:
            _show_system(system(match[0].name))
            return
        search = query
    rows = []
    for e in entries(stochastic=True):
        if kind and e.kind != kind:
            continue
        if dimension is not None and e.dimension != dimension:
            continue
        if delay and "delay" not in e.tags:
            continue
        if search and normalize_name(search) not in normalize_name(e.name) + normalize_name(e.description):
            continue
        rows.append(e)
    stochastic = [e for e in rows if e.kind == "stochastic"]
    rows = [e for e in rows if e.kind != "stochastic"]
    if rows or not stochastic:
        table = Table(title=f"{len(rows)} systems")
        for col in ("name", "kind", "dim", "description"):
            table.add_column(col)
        for e in rows:
            table.add_row(e.name, e.kind, "N" if e.dimension is None else str(e.dimension), e.description[:80])
        console.print(table)
    if stochastic:  # stochastic differential equations, in their own group
        table = Table(title=f"{len(stochastic)} stochastic systems (SDEs)")
        for col in ("name", "dim", "description"):
            table.add_column(col)
        for e in stochastic:
            table.add_row(e.name, str(e.dimension), e.description[:80])
        console.print(table)


def _show_system(s) -> None:
    console.print(f"[bold]{s.name}[/] — {s.kind}, dimension {s.dimension}")
    if s.kind == "stochastic":
        console.print(f"{s.noise} noise, {s.noise_dimension} Wiener process(es), {s.interpretation} interpretation")
    if s.metadata.get("description"):
        console.print(s.metadata["description"])
    if hasattr(s, "equations"):
        for eq in s.equations():
            console.print(f"  {eq}")
    console.print("parameters: " + ", ".join(f"{k} = {v:g}" for k, v in s.parameters.items()))
    if s.default_x0 is not None:
        console.print("default x0: " + np.array2string(s.default_x0, precision=6, separator=", "))
    for key in ("period", "integration_dt"):
        if key in s.metadata:
            console.print(f"{key}: {s.metadata[key]:g}")
    for key, (value, source) in dict(s.metadata.get("reference", {})).items():
        console.print(f"reference {key}: {value}  [dim]({source})[/]")
    if s.metadata.get("citation"):
        console.print(f"[dim]{s.metadata['citation']}[/]")


# ---------------------------------------------------------------------- simulate
@app.command()
@_friendly
def simulate(
    name: str = typer.Argument(..., help="Catalogue name, e.g. lorenz."),
    n: int = typer.Option(10000, "--n", help="Number of samples."),
    dt: Optional[float] = typer.Option(None, "--dt", help="Sampling step (default: the system's)."),
    x0: Optional[str] = typer.Option(None, "--x0", help="Initial state, comma-separated."),
    param: Optional[list[str]] = typer.Option(None, "--param", help="Parameter NAME=VALUE (repeatable)."),
    transient: float = typer.Option(0.0, "--transient", help="Discarded lead-in (time units; iterations for maps)."),
    method: Optional[str] = typer.Option(None, "--method", help="dop853 (default), rk45 or rk4."),
    rtol: float = typer.Option(1e-9, "--rtol"),
    atol: float = typer.Option(1e-9, "--atol"),
    out: Path = typer.Option(..., "--out", help="Output file: .csv, .parquet or .npz."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing --out file even if it is not a "
                                                      "trajectory written by attractor."),
):
    """Simulate a catalogued system and write the trajectory to a file."""
    from .systems import system

    out = _check_trajectory_out(out, force)
    _check_n(n)
    s = system(name, **_parse_params(param))
    traj = _simulate_with_progress(s, n, dt, _parse_vector(x0, "--x0"), transient, method, rtol, atol)
    path = _save_trajectory(traj, out)
    console.print(f"wrote {traj.n_times} samples of {s.name} ({s.dimension} states) to {path}")


_TRAJECTORY_FORMATS = (".csv", ".parquet", ".pq", ".npz")


def _check_n(n: int, minimum: int = 1) -> None:
    from .core.errors import ValidationError

    if n < minimum:
        raise ValidationError(f"--n: n must be an integer >= {minimum}; got {n}.")


def _check_trajectory_out(out: Path, force: bool) -> Path:
    """Validate a trajectory output path before simulating (format, directory, unrelated file)."""
    from .core.errors import ValidationError
    from .core.output import safe_output_path

    if out.suffix.lower() not in _TRAJECTORY_FORMATS and not out.is_dir():
        raise ValidationError(f"unsupported output format {out.suffix or '(no extension)'!r} for {out.name!r}; "
                              "use .csv, .parquet or .npz.")
    return safe_output_path(out, "trajectory", force=force)


def _save_trajectory(traj, out: Path) -> Path:
    """Write a trajectory atomically (same formats as :meth:`Trajectory.save`)."""
    import io

    from .core.output import atomic_write_bytes, atomic_write_text

    ext = out.suffix.lower()
    if ext == ".csv":
        return atomic_write_text(out, traj.to_frame().to_csv(index=False))
    buf = io.BytesIO()
    if ext in (".parquet", ".pq"):
        traj.to_frame().to_parquet(buf, index=False)
    else:
        np.savez_compressed(buf, t=traj.t, x=traj.x, dt=np.nan if traj.dt is None else traj.dt,
                            state_names=np.array(traj.state_names), system=str(traj.system or ""))
    return atomic_write_bytes(out, buf.getvalue())


def _simulate_with_progress(s, n, dt, x0, transient, method, rtol, atol):
    """Simulate in chunks so a Rich progress bar can follow runs longer than about a second."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from .core.system import Trajectory

    kw = dict(method=method, rtol=rtol, atol=atol) if s.kind == "flow" else {}
    if s.kind == "stochastic":  # one piece: the counter-based noise stream covers the whole run
        return s.trajectory(n, dt=dt, x0=x0, transient=transient, method=method)
    if s.metadata.get("delay"):
        # a delay system's state is its whole history segment: restarting a chunk from the
        # last sample would discard it, so delay systems run in one piece (own defaults)
        return s.trajectory(n, dt=dt, x0=x0, transient=transient)
    chunk = min(n, 5000)
    start = time.perf_counter()
    first = s.trajectory(chunk, dt=dt, x0=x0, transient=transient, **kw)
    if chunk == n:
        return first
    parts = [first.x]
    done = chunk
    step = first.dt
    elapsed = time.perf_counter() - start
    show = elapsed * n / chunk > 1.0 and sys.stderr.isatty()
    with Progress(TextColumn("simulating"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeRemainingColumn(), console=err_console, disable=not show) as bar:
        task = bar.add_task("sim", total=n, completed=done)
        while done < n:
            m = min(chunk, n - done)
            last_t = float(first.t[0] + (done - 1) * step)
            if s.kind == "flow":
                nxt = s.trajectory(m + 1, dt=step, x0=parts[-1][-1], t0=last_t, **kw)
            else:
                nxt = s.trajectory(m + 1, dt=int(step), x0=parts[-1][-1], t0=int(last_t))
            parts.append(nxt.x[1:])
            done += m
            bar.update(task, completed=done)
    x = np.concatenate(parts)
    t = first.t[0] + step * np.arange(n)
    return Trajectory(t, x, step, s.name, tuple(s.state_names), dict(s.parameters), dict(first.metadata))


# ---------------------------------------------------------------------- demo
#: fewest samples the demo simulates (shorter runs show the data estimates as "n/a (too few samples)")
DEMO_MIN_SAMPLES = 10

@app.command()
@_friendly
def demo(
    name: str = typer.Argument("lorenz", help="Catalogue system to simulate and summarise."),
    n: int = typer.Option(20000, "--n", help="Number of samples."),
    out: Optional[Path] = typer.Option(None, "--out", help="Also write the trajectory (.csv/.parquet/.npz)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the random tangent basis of the Lyapunov estimate."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing --out file even if it is not a "
                                                      "trajectory written by attractor."),
):
    """Simulate a built-in system and summarise it: equations, statistics, invariants vs published values."""
    import attractor

    from .systems import system

    _check_n(n, DEMO_MIN_SAMPLES)   # before anything is printed: no half-printed summary, then an error
    if out is not None:
        out = _check_trajectory_out(out, force)
    s = system(name)
    t0 = time.perf_counter()
    transient = 50.0 if s.kind == "flow" else 1000
    traj = _simulate_with_progress(s, n, None, None, transient, None, 1e-9, 1e-9)
    sim_time = time.perf_counter() - t0
    _show_system(s)
    table = Table(title=f"{n} samples, dt = {traj.dt:g}, simulated in {sim_time:.2f} s")
    for col in ("state", "mean", "std", "min", "max"):
        table.add_column(col, justify="right")
    for i, sn in enumerate(traj.state_names):
        col = traj.x[:, i]
        table.add_row(sn, f"{col.mean():.4g}", f"{col.std():.4g}", f"{col.min():.4g}", f"{col.max():.4g}")
    console.print(table)
    ref = dict(s.metadata.get("reference", {}))
    inv = Table(title="invariants (estimated vs published)")
    for col in ("quantity", "estimate", "published", "source"):
        inv.add_column(col)
    pub = ref.get("lyapunov_spectrum", (None, ""))
    if s.metadata.get("delay"):
        # the state of a delay equation is a function segment: no finite tangent space
        spectrum = "n/a (delay equation)"
    else:
        spectrum = np.array2string(np.asarray(attractor.lyapunov_spectrum(s, seed=seed).exponents), precision=4)
    inv.add_row("Lyapunov spectrum (from the equations)", spectrum, str(pub[0] or "—"), pub[1][:60])
    notes: list[str] = []

    def flagged(estimate: str, caught: list) -> str:
        # estimates that warned of their own reliability are marked, and the reasons listed
        # under the table, rather than interleaved with it or hidden
        for w in caught:
            notes.append(f"{estimate}: {w.message}")
        return estimate + (" (!)" if caught else "")

    from .core.errors import InsufficientDataError

    def too_short(exc: Exception) -> str:
        # a short --n cannot support the data estimates: say so in the table instead of failing
        # after half the output was printed
        notes.append(f"too few samples: {exc}")
        return "n/a (too few samples, (!))"

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = attractor.max_lyapunov_from_data(traj.x[:, 0], traj.dt)
        lo, hi = res.confidence_interval
        est = flagged(f"{res.exponent:.4f} ({res.confidence:.0%} CI {lo:.3g}..{hi:.3g})", caught)
    except InsufficientDataError as exc:
        est = too_short(exc)
    inv.add_row("max Lyapunov (from x(t) data)", est, "—" if pub[0] is None else f"{pub[0][0]}", pub[1][:60])
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = attractor.correlation_dimension(traj.x[:10000], theiler=20)
        est = flagged(f"{res.dimension:.3f}", caught)
    except InsufficientDataError as exc:
        est = too_short(exc)
    pub = ref.get("correlation_dimension", (None, ""))
    inv.add_row("correlation dimension (from data)", est, str(pub[0] or "—"), pub[1][:60])
    console.print(inv)
    for note in dict.fromkeys(notes):
        console.print(f"[yellow](!)[/] {note}")
    if out is not None:
        console.print(f"wrote {_save_trajectory(traj, out)}")


def _register_plugins() -> None:
    """Commands contributed by other layers (report: ``analyze``; bench: ``bench``).

    Each plug-in module defines ``register(app)``; a layer that is not installed is skipped.
    """
    import importlib

    for modname in ("attractor.report.cli", "attractor.bench.cli", "attractor.cache_cli", "attractor.training.report"):
        try:
            mod = importlib.import_module(modname)
        except ModuleNotFoundError as exc:
            if exc.name == modname:
                continue
            raise
        mod.register(app)


_register_plugins()


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
