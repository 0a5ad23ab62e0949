"""Shared, JAX-free machinery of the neural learners: hyper-parameters, input checks,
standardisation, the training-divergence error and the NumPy-facing learned system.

Nothing here imports JAX; the compiled functions a :class:`LearnedSystem` calls are built
inside the boundary (:mod:`attractor.learn.neural._jax`) and only handed over as callables.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable

import numpy as np

from ...core.errors import AttractorError, InsufficientDataError, ValidationError
from ...core.system import DynamicalSystem
from ...core.validation import (as_float_array, as_state, check_positive_float, check_time_vector,
                                check_uniform_sampling)

__all__ = ["TrainingDivergenceError", "LearnedSystem", "NeuralEstimator"]


class TrainingDivergenceError(AttractorError, ArithmeticError):
    """Training produced a non-finite loss or non-finite weights; no model is returned.

    An ``ArithmeticError``, so the forecasting protocol (``MODEL_FAILURES``) scores it as a
    failed fit rather than a crash.

    Attributes
    ----------
    model : str
        Class name of the learner.
    phase : str
        Training phase (``"derivative matching"``, ``"trajectory matching"``, ``"teacher forcing"``).
    epoch : int
        1-based epoch in which the loss became non-finite.
    loss : float
        The offending loss value (NaN or inf).
    """

    def __init__(self, model: str, phase: str, epoch: int, loss: float, hint: str = ""):
        msg = (f"{model} training diverged in the {phase} phase at epoch {epoch}: the loss became {loss!r} "
               f"(non-finite). The model was not fitted (no NaN weights are kept). "
               + (hint or "Lower learning_rate, standardise the data, or shorten the window."))
        super().__init__(msg)
        self.model, self.phase, self.epoch, self.loss = model, phase, int(epoch), float(loss)


class LearnedSystem(DynamicalSystem):
    """A trained neural model as a :class:`~attractor.DynamicalSystem` with an exact Jacobian.

    ``rhs``/``step`` and ``jacobian`` take and return NumPy float64 arrays; behind them are
    compiled JAX functions (the Jacobian by forward-mode differentiation, ``jax.jacfwd``, of
    the same function, so it is exact to rounding).

    Parameters
    ----------
    name : str
    kind : {"flow", "map"}
    dimension : int
    fun, jac : callable
        ``fun(x) -> (dimension,)`` and ``jac(x) -> (dimension, dimension)`` on float64 arrays.
    x0 : numpy.ndarray
        Default initial condition (the state at the end of the training data).
    dt : float
        Default sampling step (time units for flows; 1 for maps).
    state_names : tuple of str
    metadata : mapping
    """

    def __init__(self, name: str, kind: str, dimension: int, fun: Callable, jac: Callable, x0, dt: float,
                 state_names: tuple[str, ...], metadata: dict[str, Any]):
        self.name = name
        self.kind = kind
        self.dimension = int(dimension)
        self.state_names = tuple(state_names)
        self.parameters = MappingProxyType({})
        self.default_x0 = np.asarray(x0, dtype=float).copy()
        self.default_dt = float(dt)
        self.metadata = MappingProxyType({"learned": True, **metadata})
        self._fun = fun
        self._jac = jac

    def _eval(self, x) -> np.ndarray:
        return np.asarray(self._fun(self._check_state(x)), dtype=float)

    def rhs(self, x, t: float = 0.0) -> np.ndarray:
        if self.kind != "flow":
            return super().rhs(x, t)
        return self._eval(x)

    def step(self, x, t: float = 0.0) -> np.ndarray:
        if self.kind != "map":
            return super().step(x, t)
        return self._eval(x)

    def jacobian(self, x, t: float = 0.0) -> np.ndarray:
        """Exact Jacobian (``jax.jacfwd`` of the compiled vector field or map), float64."""
        return np.asarray(self._jac(self._check_state(x)), dtype=float)

    def _check_state(self, x) -> np.ndarray:
        return as_state(x, self.dimension, "x", ensemble=False)


class NeuralEstimator:
    """scikit-learn style plumbing shared by the neural learners (not public)."""

    _param_names: tuple[str, ...] = ()
    _label = "neural model"

    # -- hyper-parameters
    def get_params(self, deep: bool = False) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self._param_names}

    def set_params(self, **params):
        for k, v in params.items():
            if k not in self._param_names:
                raise ValidationError(f"{type(self).__name__} has no hyper-parameter {k!r}; "
                                      f"valid: {', '.join(self._param_names)}.")
            setattr(self, k, v)
        return self

    def clone(self, **params):
        """A new unfitted model with the same hyper-parameters (some replaced by ``params``)."""
        p = self.get_params()
        p.update(params)
        return type(self)(**p)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # -- state
    @property
    def is_fitted(self) -> bool:
        return hasattr(self, "n_features_in_")

    def _check_fitted(self):
        if not self.is_fitted:
            raise ValidationError(f"this {type(self).__name__} is not fitted yet; call fit(X, dt=...) first.")

    def _clear_fit(self):
        for k in [k for k in vars(self) if k.endswith("_") and not k.startswith("_")]:
            delattr(self, k)

    # -- input checks
    def _prepare_fit(self, X, t, dt, min_length: int) -> np.ndarray:
        """Validate ``X`` (n, d), fix ``dt_``, standardise; return the standardised data."""
        arr = as_float_array(X, "X", ndim=(1, 2))
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.shape[1] < 1:
            raise ValidationError("X has no channels (shape (n, 0)).")
        if arr.shape[0] < min_length:
            raise InsufficientDataError(
                f"X has {arr.shape[0]} samples; {type(self).__name__} with these settings needs at least "
                f"{min_length} (see window/washout/batch settings).")
        if t is not None:
            if np.ndim(t) == 0:
                dt_t = check_positive_float(t, "t (sampling step)")
            else:
                dt_t = check_uniform_sampling(check_time_vector(t, arr.shape[0]))
            if dt is not None and not np.isclose(dt_t, float(dt), rtol=1e-6):
                raise ValidationError(f"dt={dt} disagrees with the sampling step {dt_t:g} of t.")
            dt = dt_t
        dt_ = 1.0 if dt is None else check_positive_float(dt, "dt")
        sd = arr.std(axis=0)
        if np.any(sd == 0):
            raise ValidationError(f"X is constant in channel(s) {np.flatnonzero(sd == 0).tolist()}; "
                                  "a constant signal has no dynamics to learn.")
        self._clear_fit()
        self.dt_ = dt_
        self.mean_, self.scale_ = arr.mean(axis=0), sd
        return (arr - self.mean_) / self.scale_

    def _check_history(self, history, name: str = "history") -> np.ndarray:
        self._check_fitted()
        h = as_float_array(history, name, ndim=(1, 2))
        if h.ndim == 1:
            h = h[:, None]
        if h.shape[1] != self.n_features_in_:
            raise ValidationError(f"{name} has {h.shape[1]} channel(s) but the model was fitted on "
                                  f"{self.n_features_in_}.")
        if h.shape[0] < self.required_history:
            raise InsufficientDataError(f"{name} has {h.shape[0]} samples; this {type(self).__name__} needs "
                                        f"at least {self.required_history} as context.")
        return (h - self.mean_) / self.scale_

    @property
    def required_history(self) -> int:
        return 1


PRECISIONS = ("float64", "float32")


def check_precision(precision) -> str:
    """The training precision, one of :data:`PRECISIONS`; otherwise a :class:`ValidationError`."""
    if precision not in PRECISIONS:
        raise ValidationError(f"precision must be one of {PRECISIONS}; got {precision!r}.")
    return precision
