"""``attractor bench``: the forecasting benchmark from the command line."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

__all__ = ["register"]


def _split(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [s.strip() for s in text.split(",") if s.strip()]


def register(app: typer.Typer) -> None:
    """Add the ``bench`` command to the attractor CLI."""
    from ..cli import _friendly, console

    @app.command()
    @_friendly
    def bench(
        systems: Optional[str] = typer.Option(None, "--systems", help="Comma-separated systems (default: all flows)."),
        models: str = typer.Option("all", "--models",
                                   help="Comma-separated models (ngrc, esn, kernel, sindy, dmd, linear_ar, "
                                        "persistence, mean; with the neural extra node, gru, lipschitz_rnn, "
                                        "noisy_rnn), 'all' (the classical ones) or 'neural'."),
        variants: str = typer.Option("multivariate", "--variants", help="multivariate and/or univariate."),
        noise: str = typer.Option("0", "--noise", help="Comma-separated noise levels (fraction of channel std)."),
        out: Optional[Path] = typer.Option(None, "--out", help="Results table (.csv or .parquet); default "
                                                               "bench_results.csv (bench_probabilistic.csv with "
                                                               "--probabilistic)."),
        backend: str = typer.Option("inprocess", "--backend", help="inprocess, processes or dask."),
        scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                                help="Dask: 'local' (LocalCluster) or tcp://host:8786. Implies --backend dask."),
        workers: int = typer.Option(2, "--workers", help="Processes / LocalCluster workers."),
        max_fits: int = typer.Option(12, "--max-fits", help="Tuning budget: fits per task."),
        max_seconds: float = typer.Option(60.0, "--max-seconds", help="Tuning budget: seconds per task."),
        origins: int = typer.Option(2, "--origins",
                                    help="Extra in-sample forecast windows averaged into the tuning score."),
        points_per_period: int = typer.Option(100, "--points-per-period"),
        train_periods: float = typer.Option(10, "--train-periods"),
        test_periods: float = typer.Option(2, "--test-periods"),
        long_periods: float = typer.Option(20, "--long-periods",
                                           help="Free run scored on long-run statistics (KL divergence, "
                                                "spectrum distance); 0 skips it."),
        timeout: float = typer.Option(10.0, "--timeout", help="Seconds to wait for a remote Dask scheduler."),
        resume: bool = typer.Option(True, "--resume/--no-resume", help="Skip tasks already in --out."),
        seed: int = typer.Option(0, "--seed"),
        force: bool = typer.Option(False, "--force", help="Replace an existing --out file that is not a results "
                                                          "table (with --no-resume)."),
        probabilistic: bool = typer.Option(False, "--probabilistic",
                                           help="Ensemble forecasts scored by CRPS skill against climatology and "
                                                "persistence ensembles, PIT calibration and long-run KL ('all': "
                                                "freefm, analog, esn, ngrc, sindy; also kernel, dmd, linear_ar, and "
                                                "cfm or 'neural' with the neural extra; default systems Lorenz, "
                                                "Rossler, Aizawa, Halvorsen, Chua, Thomas)."),
        members: int = typer.Option(50, "--members", help="--probabilistic: ensemble members."),
        forecast_origins: int = typer.Option(4, "--forecast-origins",
                                             help="--probabilistic: verification origins over the test target."),
    ):
        """Forecast catalogue systems with several models; write a tidy table and print median/IQR."""
        from rich.table import Table

        from ..core.errors import ValidationError
        from ..core.output import safe_output_path
        from .runner import make_tasks, resolve_models, run_benchmark

        if out is None:
            out = Path("bench_probabilistic.csv" if probabilistic else "bench_results.csv")
        if probabilistic:
            _probabilistic(systems, models, variants, noise, out, backend, scheduler, workers, max_fits, max_seconds,
                           origins, points_per_period, train_periods, test_periods, long_periods, resume, seed,
                           force, members, forecast_origins)
            return
        if out.suffix.lower() not in (".csv", ".parquet", ".pq"):
            raise ValidationError(f"--out must end in .csv or .parquet; got {out.name!r}.")
        if force and resume and out.exists():
            raise ValidationError("--force replaces --out; use it with --no-resume (resuming reads the file).")
        out = safe_output_path(out, "bench", force=force)

        noises = [float(v) for v in _split(noise) or ["0"]]
        model_names = resolve_models(models)
        tasks = make_tasks(_split(systems), model_names, _split(variants) or ["multivariate"], noises,
                           seed=seed, n_train_periods=train_periods, n_test_periods=test_periods,
                           points_per_period=points_per_period, max_fits=max_fits, max_seconds=max_seconds,
                           n_origins=origins, n_long_periods=long_periods)
        if scheduler is not None:
            backend = "dask"
        res = run_benchmark(tasks, path=out, resume=resume, backend=backend, n_workers=workers,
                            scheduler=scheduler or "local", timeout=timeout, force=force)
        summ = res.summary
        summ = summ[summ["metric"].isin(["smape", "nrmse", "vpt_lyapunov", "long_run_kl", "long_run_spectrum",
                                         "long_run_bounded", "fit_seconds"])]
        table = Table(title=f"{res.n_tasks} tasks ({res.n_run} run, {res.n_resumed} resumed, {res.n_failed} failed) "
                            f"in {res.seconds:.1f} s on {res.backend}")
        for col in ("model", "variant", "noise", "metric", "median", "IQR", "n"):
            table.add_column(col, justify="right" if col in ("median", "IQR", "n", "noise") else "left")
        for r in summ.itertuples():
            table.add_row(r.model, r.variant, f"{r.noise:g}", r.metric, f"{r.median:.4g}", f"{r.iqr:.3g}", str(r.n))
        console.print(table)
        console.print(f"results: {out}")

    def _probabilistic(systems, models, variants, noise, out, backend, scheduler, workers, max_fits, max_seconds,
                       origins, points_per_period, train_periods, test_periods, long_periods, resume, seed, force,
                       members, forecast_origins):
        from rich.table import Table

        from ..core.errors import ValidationError
        from ..core.output import safe_output_path
        from .probabilistic import SUMMARY_METRICS, make_prob_tasks, run_probabilistic

        if out.suffix.lower() not in (".csv", ".parquet", ".pq"):
            raise ValidationError(f"--out must end in .csv or .parquet; got {out.name!r}.")
        if scheduler is not None or backend == "dask":
            raise ValidationError("--probabilistic runs with --backend inprocess or processes (not Dask).")
        if force and resume and out.exists():
            raise ValidationError("--force replaces --out; use it with --no-resume (resuming reads the file).")
        out = safe_output_path(out, "bench", force=force)
        key = models.strip().lower()
        model_names = None if key == "all" else ["cfm"] if key == "neural" else _split(models)
        tasks = make_prob_tasks(_split(systems), model_names, _split(variants) or ["multivariate"],
                                [float(v) for v in _split(noise) or ["0"]], seed=seed,
                                n_train_periods=train_periods, n_test_periods=test_periods,
                                points_per_period=points_per_period, max_fits=max_fits, max_seconds=max_seconds,
                                n_origins=origins, n_long_periods=long_periods, n_samples=members,
                                n_forecast_origins=forecast_origins)
        res = run_probabilistic(tasks, path=out, resume=resume, backend=backend, n_workers=workers, force=force)
        summ = res.summary
        summ = summ[summ["metric"].isin(SUMMARY_METRICS)]
        order = {m: i for i, m in enumerate(SUMMARY_METRICS)}
        summ = summ.assign(_o=summ["metric"].map(order)).sort_values(["variant", "noise", "model", "_o"])
        table = Table(title=f"probabilistic: {res.n_tasks} tasks ({res.n_run} run, {res.n_resumed} resumed, "
                            f"{res.n_failed} errors) in {res.seconds:.1f} s; median over systems")
        for col in ("model", "variant", "noise", "metric", "median", "IQR", "n"):
            table.add_column(col, justify="right" if col in ("median", "IQR", "n", "noise") else "left")
        for r in summ.itertuples():
            table.add_row(r.model, r.variant, f"{r.noise:g}", r.metric, f"{r.median:.4g}", f"{r.iqr:.3g}", str(r.n))
        console.print(table)
        console.print("crps_skill_* > 0: better than that reference ensemble; pit_calibrated 1: PIT uniform at the "
                      "nominal 5 % level; spread_skill < 1: over-confident.")
        console.print(f"results: {out}")
