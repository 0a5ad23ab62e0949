"""Analyses that read a system or observed data: embedding, exponents, dimensions,
entropies, recurrence, surrogates, fixed points and orbit diagrams."""
import importlib as _importlib

_MODULES = ("embedding", "lyapunov_data", "dimensions", "entropy", "recurrence", "surrogates",
            "lyapunov", "fixed_points", "orbits")

__all__: list[str] = []
for _name in _MODULES:
    # a module may export a function of its own name (surrogates.surrogates), so read the
    # module object from importlib, never from this package's namespace
    _mod = _importlib.import_module(f"{__name__}.{_name}")
    for _public in _mod.__all__:
        globals()[_public] = getattr(_mod, _public)
    __all__ += list(_mod.__all__)
for _tmp in ("_name", "_mod", "_public"):
    globals().pop(_tmp, None)
del _tmp
