"""Package namespaces assembled from their submodules' public names."""
from __future__ import annotations

import importlib
from typing import Any, MutableMapping, Sequence

__all__ = ["reexport"]


def reexport(package: str, modules: Sequence[str], namespace: MutableMapping[str, Any]) -> list[str]:
    """Import ``package.<module>`` for each of ``modules`` and copy its ``__all__`` names into
    ``namespace`` (a package's ``globals()``); return the names, in order, for ``__all__``.

    The module object comes from :mod:`importlib`, never from ``namespace``: a module may export
    a function of its own name (``surrogates.surrogates``), which replaces the submodule there.
    """
    names: list[str] = []
    for name in modules:
        mod = importlib.import_module(f"{package}.{name}")
        for public in mod.__all__:
            namespace[public] = getattr(mod, public)
        names += list(mod.__all__)
    return names
