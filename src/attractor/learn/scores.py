"""Scores for learned models: coefficient error, derivative RMSE, re-simulation error.

Definitions
-----------
coefficient_error
    ``||Ξ_fit − Ξ_true||_F / ||Ξ_true||_F`` over the monomial basis of a
    :class:`~attractor.SymbolicSystem` (:meth:`~attractor.SymbolicSystem.coefficients`);
    the fitted model's features are matched to the true monomials **by name**, so any
    library ordering works (Kaptanoglu et al. 2023 use this normalised error).
derivative_rmse
    ``sqrt(mean((ẋ_model(x) − ẋ_ref)²))`` over samples and states.
resimulation_error
    Simulate the learned and the true system from the same new initial conditions for
    ``n`` samples and return the RMS difference divided by the RMS of the true
    trajectory; a blow-up of the learned model gives ``inf`` (and is counted).

Reference
---------
Kaptanoglu, A. A., Zhang, L., Nicolaou, Z. G., Fasel, U. & Brunton, S. L. (2023).
Benchmarking sparse system identification with low-dimensional chaos. Nonlinear Dyn. 111, 13143–13164.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.errors import InsufficientDataError, IntegrationError, ValidationError
from ..core.validation import as_float_array

__all__ = ["coefficient_error", "derivative_rmse", "resimulation_error", "ResimulationScore", "aligned_coefficients"]


def aligned_coefficients(model, system, degree: int | None = None):
    """Fitted and true coefficients on the true monomial basis, both shape (n_states, n_monomials).

    Fitted features absent from the true basis (e.g. Fourier terms) are returned separately
    as ``extra`` (their coefficients count as error).
    """
    if not hasattr(model, "coef_"):
        raise ValidationError("the model is not fitted.")
    deg = degree
    if deg is None:
        deg = max((sum(int(p.split("^")[1]) if "^" in p else 1 for p in f.split()) if f != "1" else 0)
                  for f in model.feature_names_)
    names, C = system.coefficients(deg)
    # rename the system's states to the model's state names
    if tuple(system.state_names) != tuple(model.state_names_):
        if len(system.state_names) != len(model.state_names_):
            raise ValidationError(f"the model has {len(model.state_names_)} states, the system {system.dimension}.")
        mapping = dict(zip(system.state_names, model.state_names_))
        names = [" ".join(_rename(tok, mapping) for tok in n.split()) if n != "1" else n for n in names]
    index = {n: k for k, n in enumerate(names)}
    fit = np.zeros((C.shape[1], len(names)))
    extra = []
    for k, f in enumerate(model.feature_names_):
        if f in index:
            fit[:, index[f]] = model.coef_[:, k]
        elif np.any(model.coef_[:, k]):
            extra.append(model.coef_[:, k])
    return fit, C.T, (np.array(extra).T if extra else np.zeros((C.shape[1], 0)))


def _rename(tok, mapping):
    base, _, p = tok.partition("^")
    return mapping.get(base, base) + (f"^{p}" if p else "")


def coefficient_error(model, system, degree: int | None = None) -> float:
    """Normalised coefficient error ``||Ξ_fit − Ξ_true|| / ||Ξ_true||`` (see module docstring)."""
    fit, true, extra = aligned_coefficients(model, system, degree)
    num = np.sum((fit - true) ** 2) + np.sum(extra ** 2)
    return float(np.sqrt(num) / np.linalg.norm(true))


def derivative_rmse(model, X, dXdt) -> float:
    """RMS difference between the model's right-hand side at ``X`` and reference derivatives ``dXdt``."""
    X = as_float_array(X, "X", ndim=2)
    D = as_float_array(dXdt, "dXdt", ndim=2)
    if X.shape != D.shape:
        raise ValidationError(f"X has shape {X.shape} but dXdt has {D.shape}.")
    if X.size == 0:
        raise InsufficientDataError("X is empty; derivative_rmse needs at least one sample.")
    return float(np.sqrt(np.mean((model.predict(X) - D) ** 2)))


@dataclass(frozen=True)
class ResimulationScore:
    """Re-simulation error from new initial conditions.

    Attributes
    ----------
    errors : ndarray (n_initial,)
        Relative RMS error per initial condition (``inf`` for a blow-up).
    median : float
    n_blowups : int
    x0 : ndarray (n_initial, dimension)
    """

    errors: np.ndarray
    median: float
    n_blowups: int
    x0: np.ndarray


def resimulation_error(model_system, true_system, x0, n: int, dt: float, **kwargs) -> ResimulationScore:
    """Simulate both systems from each row of ``x0`` and compare (see module docstring)."""
    X0 = np.atleast_2d(as_float_array(x0, "x0", ndim=(1, 2)))
    errs = []
    blow = 0
    for x in X0:
        ref = true_system.trajectory(n, dt=dt, x0=x, **kwargs).x
        try:
            est = model_system.trajectory(n, dt=dt, x0=x, **kwargs).x
            errs.append(float(np.sqrt(np.mean((est - ref) ** 2)) / np.sqrt(np.mean(ref ** 2))))
        except IntegrationError:
            errs.append(np.inf)
            blow += 1
    e = np.array(errs)
    return ResimulationScore(e, float(np.median(e)), blow, X0)
