"""Analyses that read observed data: embedding, exponents and dimensions from data, entropies,
recurrence, surrogates, stationarity, coupling (simplex, S-map, CCM, transfer entropy, Granger)
and drift/diffusion analyses. The analyses that read a system's equations (Lyapunov spectrum,
fixed points, orbit diagrams) live in :mod:`attractor.dynamics`; their names are re-exported here."""
from ..core.exports import reexport

__all__ = reexport(__name__, ("embedding", "lyapunov_data", "dimensions", "entropy", "recurrence", "surrogates",
                              "stationarity",
                              "edm", "ccm", "multiview", "transfer_entropy", "granger"), globals())
__all__ += reexport(__name__, ("stochastic",), globals())
__all__ += reexport("attractor.dynamics", ("lyapunov", "fixed_points", "orbits"), globals())
