"""The catalogue of known systems: ``system(name, **params)``, ``names()``, ``entries()``."""
from . import catalogue as _catalogue  # noqa: F401  (registers the definitions)
from .registry import Entry, define, entries, names, normalize_name, register, system
from .sampling import sample

__all__ = ["system", "names", "entries", "define", "register", "Entry", "normalize_name", "sample"]
