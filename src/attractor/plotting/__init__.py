"""Matplotlib figures for every analysis result (each helper returns a ``Figure``).

Helpers never touch pyplot's global state, so they work headless and inside reports.
"""
from ..core.exports import reexport

__all__ = reexport(__name__, ("embedding", "lyapunov_data", "dimensions", "recurrence", "surrogates", "lyapunov",
                              "orbits"), globals())
