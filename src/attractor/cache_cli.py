"""``attractor cache info|clear``: inspect or empty the compile cache (see :mod:`attractor.core.cache`)."""
from __future__ import annotations

import typer

__all__ = ["register", "cache_app"]

cache_app = typer.Typer(help="Inspect or empty the compile cache of generated, Numba-compiled systems.",
                        no_args_is_help=True)


@cache_app.command("info")
def info() -> None:
    """Where the cache is, what it holds, and whether any entry is corrupt."""
    from .cli import console
    from .core.cache import cache_info
    from .core.resources import format_bytes

    ci = cache_info()
    console.print(f"cache root:      {ci.root}")
    console.print(f"compiled dir:    {ci.directory} ({'usable' if ci.usable else 'NOT usable: compiling in memory'})")
    console.print(f"modules:         {ci.n_modules}")
    console.print(f"numba files:     {ci.n_numba_files}")
    console.print(f"size:            {format_bytes(ci.size_bytes)}")
    if ci.corrupt:
        console.print(f"corrupt entries: {len(ci.corrupt)} (repaired automatically on next use): "
                      + ", ".join(ci.corrupt))
    else:
        console.print("corrupt entries: 0")


@cache_app.command("clear")
def clear() -> None:
    """Delete every generated module and its Numba files (they are rebuilt on next use)."""
    from .cli import console
    from .core.cache import cache_root, clear_cache

    n = clear_cache()
    console.print(f"removed {n} file(s) from {cache_root() / 'compiled'}")


def register(app: typer.Typer) -> None:
    """Add the ``cache`` command group to ``app``."""
    app.add_typer(cache_app, name="cache")
