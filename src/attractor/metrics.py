"""Forecast and long-run metrics (alias of :mod:`attractor.forecast.metrics`)."""
from .forecast.metrics import *  # noqa: F401,F403
from .forecast.metrics import __all__  # noqa: F401
