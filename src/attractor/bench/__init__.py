"""Forecasting benchmark over the catalogue (``attractor bench``): tasks, runner, backends."""
from .runner import *  # noqa: F401,F403
from . import runner as _runner
from .probabilistic import ProbTask, make_prob_tasks, run_prob_task, run_probabilistic  # noqa: F401

__all__ = list(_runner.__all__) + ["ProbTask", "make_prob_tasks", "run_prob_task", "run_probabilistic"]
