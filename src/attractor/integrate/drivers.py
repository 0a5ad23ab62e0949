"""The compiled entry points generated for every symbolic system.

A *driver* is a template function (plain Python in a kernel module such as
:mod:`attractor.integrate._kernels`) that calls the system's compiled function by
the placeholder name ``RHS``. For each system, :mod:`attractor.core.symbolic` writes a
module holding the system's compiled functions (``f``, ``jac``, ``tangent``), star-imports
each driver module (whose ``__all__`` must export the constants and helper functions
the templates use), and pastes every applicable template under the driver's ``name``
with ``RHS`` bound to ``function``; each is compiled with ``@njit(cache=True)``.

Adding a driver (e.g. an analysis kernel that needs a system's compiled functions)
means appending a :class:`Driver` to :data:`DRIVERS` in this file (a static list, so
every process generates the same module for a system). The source of every driver
module enters the cache key, so cached machine code never goes stale.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Driver:
    name: str        # name of the compiled entry point in the generated module
    module: str      # module holding the template
    template: str    # template function name in that module
    function: str    # "f" or "tangent": what RHS is bound to
    kinds: tuple[str, ...] = ("flow", "map")


_K = "attractor.integrate._kernels"

DRIVERS: list[Driver] = [
    Driver("solve_dop853", _K, "dop853_solve", "f", ("flow",)),
    Driver("solve_rk45", _K, "rk45_solve", "f", ("flow",)),
    Driver("solve_rk4", _K, "rk4_solve", "f", ("flow",)),
    Driver("tangent_dop853", _K, "dop853_solve", "tangent", ("flow",)),
    Driver("tangent_rk4", _K, "rk4_solve", "tangent", ("flow",)),
    Driver("iterate", _K, "map_solve", "f", ("map",)),
    Driver("tangent_iterate", _K, "map_solve", "tangent", ("map",)),
]

# Invariants of systems (issue #4): tangent-space QR, two-trajectory divergence, sections.
_L = "attractor.dynamics._lyapunov_kernels"

DRIVERS += [
    Driver("ly_step_dop853_f", _L, "dop853_step", "f", ("flow",)),
    Driver("ly_step_dop853_tangent", _L, "dop853_step", "tangent", ("flow",)),
    Driver("ly_step_rk4_f", _L, "rk4_step", "f", ("flow",)),
    Driver("ly_step_rk4_tangent", _L, "rk4_step", "tangent", ("flow",)),
    Driver("ly_dense_dop853_f", _L, "dop853_dense", "f", ("flow",)),
    Driver("ly_spectrum_flow", _L, "spectrum_flow", "tangent", ("flow",)),
    Driver("ly_pair_flow", _L, "pair_flow", "f", ("flow",)),
    Driver("ly_section_flow", _L, "section_flow", "f", ("flow",)),
    Driver("ly_spectrum_map", _L, "spectrum_map", "tangent", ("map",)),
    Driver("ly_pair_map", _L, "pair_map", "f", ("map",)),
]
