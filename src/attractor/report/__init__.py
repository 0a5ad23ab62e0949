"""Analysis reports: ``analyze(data) -> Analysis`` and its self-contained HTML rendering.

>>> from attractor.report import analyze
>>> a = analyze("data.csv", quick=True)          # doctest: +SKIP
>>> a.to_html("report.html"); a.summary()["verdict"]   # doctest: +SKIP

The command line equivalent is ``attractor analyze data.csv --out report.html``.
"""
from __future__ import annotations

from .analyze import STAGES, Analysis, analyze
from .io import PreparedData, prepare_data, read_table

__all__ = ["analyze", "Analysis", "STAGES", "PreparedData", "prepare_data", "read_table", "demo_data"]


def demo_data(name: str = "lorenz", n: int = 10000, channel: int = 0, seed: int | None = None):
    """Simulated demo data: ``n`` samples of one state of a catalogue system.

    The system is simulated at its default step after a transient (50 time units for
    flows, 1000 iterations for maps) from its default initial state; ``seed`` is unused
    (the simulation is deterministic) and kept for symmetry with :func:`analyze`.

    Returns
    -------
    (Trajectory, system)
        The one-channel trajectory and the :class:`~attractor.core.system.DynamicalSystem`.
    """
    from ..core.errors import ValidationError
    from ..core.system import Trajectory
    from ..core.validation import check_positive_int
    from ..systems import system

    n = check_positive_int(n, "n", minimum=2)
    s = system(name)
    transient = 50.0 if s.kind == "flow" else 1000
    traj = s.trajectory(n, transient=transient)
    if not 0 <= channel < traj.dimension:
        raise ValidationError(f"channel must be in 0..{traj.dimension - 1}; got {channel}.")
    one = Trajectory(traj.t, traj.x[:, [channel]], traj.dt, s.name, (traj.state_names[channel],),
                     dict(s.parameters), dict(traj.metadata))
    return one, s
