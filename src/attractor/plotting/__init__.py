"""Matplotlib figures for every analysis result (each helper returns a ``Figure``).

Helpers never touch pyplot's global state, so they work headless and inside reports.
"""
import importlib as _importlib

_MODULES = ("embedding", "lyapunov_data", "dimensions", "recurrence", "surrogates", "lyapunov", "orbits")

__all__: list[str] = []
for _name in _MODULES:
    _mod = _importlib.import_module(f"{__name__}.{_name}")
    for _public in _mod.__all__:
        globals()[_public] = getattr(_mod, _public)
    __all__ += list(_mod.__all__)
for _tmp in ("_name", "_mod", "_public"):
    globals().pop(_tmp, None)
del _tmp
