"""Forecasting benchmark over the catalogue (``attractor bench``): tasks, runner, backends."""
from .runner import *  # noqa: F401,F403
from . import runner as _runner

__all__ = list(_runner.__all__)
