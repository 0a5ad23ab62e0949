"""Forecast and long-run metrics (alias of :mod:`attractor.forecast.metrics`)."""
from .forecast.metrics import *  # noqa: F401,F403
from .forecast.metrics import __all__  # noqa: F401
from .forecast.scores import *  # noqa: F401,F403,E402
from .forecast import scores as _scores  # noqa: E402

__all__ = [*__all__, *_scores.__all__]
