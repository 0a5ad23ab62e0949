"""Analyses that read a system or observed data: embedding, exponents, dimensions,
entropies, recurrence, surrogates, fixed points, orbit diagrams, transfer entropy and
Granger causality."""
from ..core.exports import reexport

__all__ = reexport(__name__, ("embedding", "lyapunov_data", "dimensions", "entropy", "recurrence", "surrogates",
                              "lyapunov", "fixed_points", "orbits", "stationarity",
                              "edm", "ccm", "multiview", "transfer_entropy", "granger"), globals())
__all__ += reexport(__name__, ("stochastic",), globals())
