"""Up-front resource checks: refuse a request that cannot fit before allocating or looping.

Simulation, learning and Lyapunov runs check the memory their arrays will take and the
number of steps they will take *before* starting, so an absurd argument (``dt=1e300``,
``transient=1e12``, a library with millions of features) fails in milliseconds with an
error naming the knob instead of exhausting memory or running for hours.
"""
from __future__ import annotations

import os

from .errors import ValidationError

__all__ = ["available_memory", "check_memory", "check_steps", "format_bytes", "MEMORY_FRACTION"]

#: Largest fraction of the currently available memory one request may take.
MEMORY_FRACTION = 0.5


def available_memory() -> int:
    """Bytes of memory available to this process now (best effort).

    ``MemAvailable`` of ``/proc/meminfo`` (Linux), else psutil if installed, else
    ``os.sysconf`` physical pages; 8 GiB if nothing answers.
    """
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import psutil  # optional

        return int(psutil.virtual_memory().available)
    except Exception:  # noqa: BLE001 - optional dependency, any failure falls through
        pass
    try:
        pages = os.sysconf("SC_AVPHYS_PAGES") if "SC_AVPHYS_PAGES" in os.sysconf_names else os.sysconf("SC_PHYS_PAGES")
        return int(pages) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


def format_bytes(n: float) -> str:
    """``1.5 GiB`` style."""
    n = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.3g} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.3g} EiB"  # pragma: no cover


def check_memory(n_bytes: float, what: str, knob: str) -> None:
    """Raise :class:`ValidationError` if ``n_bytes`` exceed half the available memory.

    Parameters
    ----------
    n_bytes : float
        Estimated size of the allocation(s) (bytes).
    what : str
        What would be allocated (e.g. ``"the trajectory array (1e12 x 3 x 8 bytes)"``).
    knob : str
        The argument(s) the caller should change (e.g. ``"n"``).
    """
    limit = MEMORY_FRACTION * available_memory()
    if not n_bytes <= limit:
        raise ValidationError(f"{what} would need {format_bytes(n_bytes)}, more than {MEMORY_FRACTION:.0%} of the "
                              f"memory available now ({format_bytes(limit / MEMORY_FRACTION)}); reduce {knob}.")


def check_steps(n_steps: float, budget: int, what: str, knob: str) -> None:
    """Raise :class:`ValidationError` if an estimated step count exceeds ``budget``."""
    if not n_steps <= budget:
        shown = f"{n_steps:.3g}" if n_steps == n_steps else "an undefined number of"
        raise ValidationError(f"{what} needs about {shown} steps, more than the budget max_steps={budget:g}; "
                              f"reduce {knob} (or raise max_steps if that is really intended).")
