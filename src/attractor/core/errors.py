"""Typed errors raised across attractor.

Every error carries enough context to act on: which input was wrong, what was
expected, and, for numerical failures, where (time, state) it happened.
"""
from __future__ import annotations

import numpy as np


class AttractorError(Exception):
    """Base class of every error raised by attractor."""


class ValidationError(AttractorError, ValueError):
    """An input has the wrong type, shape, value or contents."""


class InsufficientDataError(ValidationError):
    """A series is too short (or has too few neighbours) for the requested analysis."""


class UnknownSystemError(AttractorError, KeyError):
    """No catalogued system has the requested name."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


class UnknownParameterError(ValidationError):
    """A parameter name is not one the system has."""


class IntegrationError(AttractorError, RuntimeError):
    """A numerical integration failed.

    Attributes
    ----------
    t : float
        Time at which the failure was detected.
    state : numpy.ndarray
        Last finite state reached before the failure.
    """

    def __init__(self, message: str, t: float = float("nan"), state=None):
        super().__init__(message)
        self.t = float(t)
        self.state = None if state is None else np.asarray(state, dtype=float)


class DivergenceError(IntegrationError):
    """The trajectory left every bounded region (overflow, NaN, or the norm bound)."""


class StepSizeUnderflowError(IntegrationError):
    """The adaptive step size fell below what floating point can resolve."""


class ConvergenceWarning(UserWarning):
    """An iterative estimate did not converge; the result may be unreliable."""


class ReliabilityWarning(UserWarning):
    """An estimate was produced but its assumptions look violated (e.g. no scaling region)."""
