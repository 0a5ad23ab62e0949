"""Peak resident memory of this process, measured so that earlier work does not count.

``resource.getrusage(RUSAGE_SELF).ru_maxrss`` is the wrong meter for tests: on Linux it is the
high-water mark of the whole process *and* survives ``fork`` + ``execve`` (the child of a 3 GB
pytest process reports >= 3 GB before it allocates anything), so a memory test measured with it
fails or passes depending on which tests ran before it. ``VmHWM`` in ``/proc/self/status`` is the
peak of the current address space (fresh after ``execve``) and can be reset by writing ``5`` to
``/proc/self/clear_refs`` (Linux >= 4.0).
"""
from __future__ import annotations

import resource
from pathlib import Path

_STATUS = Path("/proc/self/status")
_CLEAR = Path("/proc/self/clear_refs")

#: Python source for a child process: prints ``RSS <kB>`` with the child's own peak.
CHILD_PEAK_SNIPPET = (
    "print('RSS', next((int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')),"
    " __import__('resource').getrusage(__import__('resource').RUSAGE_SELF).ru_maxrss))"
)


def reset_peak_rss() -> bool:
    """Reset this process's peak RSS to its current RSS; False where the kernel does not allow it."""
    try:
        _CLEAR.write_text("5")
        return True
    except OSError:
        return False


def peak_rss_gb() -> float:
    """Peak resident set size of this process in GiB (``VmHWM``; ``ru_maxrss`` where /proc is missing)."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 2 ** 20
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2 ** 20
