"""The catalogue: systems registered by name, looked up case-insensitively.

A catalogue entry is a *builder* (a function of structural options such as the
number of Lorenz-96 sites) plus what can be said about the system without building
it. Lookup normalises names (case, spaces, ``-`` and ``_`` are ignored), so
``system("Lorenz")``, ``system("lorenz")`` and ``system("hénon-heiles")`` work; an
unknown name gets suggestions.
"""
from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from ..core.errors import UnknownSystemError, ValidationError
from ..core.symbolic import SymbolicSpec
from ..core.system import DynamicalSystem, SymbolicSystem

__all__ = ["define", "register", "system", "names", "entries", "Entry", "normalize_name"]


@dataclass(frozen=True)
class Entry:
    """What the catalogue knows about a system before it is built."""

    name: str
    kind: str
    builder: Callable[..., DynamicalSystem]
    dimension: int | None = None          # None when set by a structural option
    structural: tuple[str, ...] = ()      # options of the builder that change the equations' shape
    aliases: tuple[str, ...] = ()
    description: str = ""
    tags: frozenset[str] = field(default_factory=frozenset)


_ENTRIES: dict[str, Entry] = {}
_LOOKUP: dict[str, str] = {}


def normalize_name(name: str) -> str:
    """Case-, accent- and punctuation-insensitive key: ``"Hénon-Heiles" -> "henonheiles"``."""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(c for c in text.lower() if c.isalnum())


def register(entry: Entry) -> Entry:
    """Add an entry; its name and aliases must not clash with existing ones."""
    keys = [normalize_name(entry.name), *(normalize_name(a) for a in entry.aliases)]
    for k in keys:
        if k in _LOOKUP and _LOOKUP[k] != entry.name:
            raise ValueError(f"catalogue name clash: {k!r} already means {_LOOKUP[k]}")
    _ENTRIES[entry.name] = entry
    for k in keys:
        _LOOKUP[k] = entry.name
    return entry


def define(name: str, kind: str, states: str | Sequence[str], parameters: Mapping[str, float],
           equations: Sequence[str], *, x0: Sequence[float] | None = None, dt: float | None = None,
           aliases: Sequence[str] = (), tags: Sequence[str] = (), **metadata: Any) -> Entry:
    """Register a system given by text equations (see :class:`~attractor.core.symbolic.SymbolicSpec`).

    ``metadata`` keeps citation, description, period (characteristic time scale, time
    units), integration step, flags (hamiltonian, non_autonomous) and ``reference``
    invariants with their sources. ``parameters`` are the defaults; ``system(name, k=v)``
    overrides any of them.
    """
    state_names = tuple(states.split()) if isinstance(states, str) else tuple(states)
    defaults = {k: float(v) for k, v in parameters.items()}
    spec = SymbolicSpec(name, kind, state_names, tuple(defaults), tuple(equations))
    meta = dict(metadata)
    meta.setdefault("tags", tuple(tags))

    def build(**params: float) -> SymbolicSystem:
        base = SymbolicSystem(spec, defaults, x0=x0, dt=dt, metadata=meta)
        return base.with_parameters(**params) if params else base

    return register(Entry(name, kind, build, len(state_names), (), tuple(aliases),
                          str(metadata.get("description", "")), frozenset(tags)))


def _resolve(name: str) -> Entry:
    key = normalize_name(name)
    if key in _LOOKUP:
        return _ENTRIES[_LOOKUP[key]]
    close = difflib.get_close_matches(key, list(_LOOKUP), n=5, cutoff=0.6)
    suggestions = sorted({_LOOKUP[c] for c in close})
    hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
    raise UnknownSystemError(f"no system named {name!r} in the catalogue.{hint} "
                             "See attractor.systems.names() or `attractor systems`.")


def system(name: str, **options: Any) -> DynamicalSystem:
    """Build a catalogued system by name, optionally changing parameters.

    Parameters
    ----------
    name : str
        Catalogue name (case-insensitive; spaces, ``-`` and ``_`` ignored).
    **options
        Parameter values (e.g. ``rho=30``) and, for families, structural options
        (e.g. ``N=40`` for Lorenz-96).

    Examples
    --------
    >>> import attractor
    >>> attractor.system("lorenz", rho=30).parameters["rho"]
    30.0
    """
    entry = _resolve(name)
    structural = {k: options.pop(k) for k in list(options) if k in entry.structural}
    base = entry.builder(**structural)
    return base.with_parameters(**options) if options else base


def entries(stochastic: bool = False) -> list[Entry]:
    """Catalogue entries, sorted by name: flows and maps, plus the stochastic systems if ``stochastic``."""
    _load_catalogue()
    return sorted((e for e in _ENTRIES.values() if stochastic or e.kind != "stochastic"), key=lambda e: e.name.lower())


def names(kind: str | None = None) -> list[str]:
    """Catalogue names, optionally only ``"flow"``, ``"map"`` or ``"stochastic"``.

    ``names()`` lists the deterministic systems (flows and maps); stochastic systems are
    listed by ``names("stochastic")`` only.
    """
    if kind not in (None, "flow", "map", "stochastic"):
        raise ValidationError(f"kind must be 'flow', 'map', 'stochastic' or None; got {kind!r}.")
    return [e.name for e in entries(stochastic=kind == "stochastic") if kind is None or e.kind == kind]


def _load_catalogue() -> None:
    from . import catalogue  # noqa: F401  (registers on import)
