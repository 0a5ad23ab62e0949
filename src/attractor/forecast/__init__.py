"""Forecasting: one protocol for every learner, baselines, tuning, and honest metrics.

>>> from attractor.forecast import forecast, protocol_data, metrics
"""
from . import metrics  # noqa: F401
from .metrics import *  # noqa: F401,F403
from .protocol import *  # noqa: F401,F403
from . import protocol as _protocol
from .scores import *  # noqa: F401,F403
from . import scores as _scores
from .analog import AnalogForecaster  # noqa: F401
from .guard import DivergenceGuard, GuardedForecast  # noqa: F401
from .reference_ensembles import *  # noqa: F401,F403
from . import reference_ensembles as _reference_ensembles

__all__ = ["metrics", *metrics.__all__, *_protocol.__all__, *_scores.__all__, "AnalogForecaster", "DivergenceGuard", "GuardedForecast",
           *_reference_ensembles.__all__]
