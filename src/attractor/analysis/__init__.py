"""Analyses that read a system or observed data: embedding, exponents, dimensions,
entropies, recurrence, surrogates, fixed points and orbit diagrams."""
from .embedding import *  # noqa: F401,F403
from .lyapunov_data import *  # noqa: F401,F403
from .dimensions import *  # noqa: F401,F403
from .entropy import *  # noqa: F401,F403
from .recurrence import *  # noqa: F401,F403
from .surrogates import *  # noqa: F401,F403
from .lyapunov import *  # noqa: F401,F403
from .fixed_points import *  # noqa: F401,F403
from .orbits import *  # noqa: F401,F403
from . import embedding, lyapunov_data, dimensions, entropy, recurrence, surrogates, lyapunov, fixed_points, orbits

__all__ = [n for m in (embedding, lyapunov_data, dimensions, entropy, recurrence, surrogates,
                       lyapunov, fixed_points, orbits) for n in m.__all__]
