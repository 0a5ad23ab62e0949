"""Analyses that read a system's equations (any :class:`~attractor.DynamicalSystem`: catalogued,
symbolic or learned): the Lyapunov spectrum by tangent-space QR and the maximal exponent from two
trajectories, fixed points with their stability, orbit diagrams and Poincaré sections.

Analyses of observed data (embedding, exponents and dimensions from data, entropies, recurrence,
surrogates, coupling, drift and diffusion) live in :mod:`attractor.analysis`, which re-exports the
names here so that ``attractor.analysis.lyapunov_spectrum`` keeps working.
"""
from ..core.exports import reexport

__all__ = reexport(__name__, ("lyapunov", "fixed_points", "orbits"), globals())
