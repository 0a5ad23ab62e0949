"""A partial model in a small TOML file: the known part of a :class:`~attractor.learn.hybrid.Hybrid`.

The file names the states, the known right-hand side of each state's equation, the parameters
whose values are known, the parameters to fit (with initial guesses) and, optionally, which data
column each state is and what kind of remainder to learn::

    name = "Frictionless pendulum"
    states = ["q", "v"]            # the order of the equations

    [equations]                    # known part of d(state)/dt; text, parsed safely, never evaluated
    q = "v"
    v = "-w0**2*sin(q)"

    [parameters]                   # known values (optional)

    [unknown]                      # parameters to fit: name = initial guess
    w0 = 0.5

    [columns]                      # optional: state = "data column" (default: the state's own name)
    # q = "theta"

    [remainder]                    # optional
    kind = "sindy"                 # "sindy" (sparse polynomials) or "kernel" (Gaussian kernel ridge)
    degree = 2                     # polynomial degree of the SINDy library (1-5)
    fit_method = "derivative"      # or "trajectory" (multiple shooting; slower)

Equations go through :func:`attractor.core.expressions.parse_expression` (a whitelist on the
syntax tree): names other than the states and the declared parameters, attribute access,
calls of functions outside the whitelist and the like are rejected with the offending token.
Time ``t`` is not allowed (a hybrid's known part is autonomous).

>>> from attractor.learn.hybrid_spec import load_known_model     # doctest: +SKIP
>>> km = load_known_model("examples/pendulum.toml")                # doctest: +SKIP
>>> idx = km.column_indices(["t", "q", "v"])                        # doctest: +SKIP
>>> h = km.hybrid(seed=0).fit(X[:, idx], t=t)                       # doctest: +SKIP
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..core.errors import ValidationError
from ..core.expressions import check_identifier
from ..core.symbolic import SymbolicSpec

__all__ = ["KnownModel", "load_known_model", "parse_known_model", "TOP_LEVEL_KEYS", "REMAINDER_KEYS"]

#: Keys a model file may have at its top level.
TOP_LEVEL_KEYS = ("name", "states", "equations", "parameters", "unknown", "columns", "remainder")
#: Keys of the optional ``[remainder]`` table.
REMAINDER_KEYS = ("kind", "degree", "n_centers", "fit_method")
_KINDS = ("sindy", "kernel")
_FIT_METHODS = ("derivative", "trajectory")


@dataclass(frozen=True)
class KnownModel:
    """A partial model read from a TOML file (see the module docstring for the format).

    Attributes
    ----------
    name : str
    spec : SymbolicSpec
        The known part, kind ``"flow"``; its parameters are the known ones, then the unknown ones.
    parameters : mapping str -> float
        Known parameter values.
    unknown : mapping str -> float
        Parameters to fit, with their initial guesses.
    columns : tuple of str
        The data column of each state (same order as ``spec.states``).
    remainder : {"sindy", "kernel"}
    degree : int
        Polynomial degree of the SINDy remainder's library.
    n_centers : int
        Nyström centres of the kernel remainder.
    fit_method : {"derivative", "trajectory"}
    source : str
        Where the model was read from (a path or ``"<string>"``).
    """

    name: str
    spec: SymbolicSpec
    parameters: Mapping[str, float]
    unknown: Mapping[str, float]
    columns: tuple[str, ...]
    remainder: str = "sindy"
    degree: int = 2
    n_centers: int = 200
    fit_method: str = "derivative"
    source: str = "<string>"
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(self.spec.states)

    def column_indices(self, available: Sequence[str]) -> list[int]:
        """Index into ``available`` (the data's column names) of each state's column.

        Raises
        ------
        ValidationError
            A state's column is not among ``available``, or two states name the same column.
        """
        available = [str(c) for c in available]
        missing = [(s, c) for s, c in zip(self.states, self.columns) if c not in available]
        if missing:
            what = ", ".join(f"state {s!r} needs column {c!r}" for s, c in missing)
            dim = (f" The model has {len(self.states)} states and the data {len(available)} column(s)."
                   if len(available) < len(self.states) else "")
            raise ValidationError(
                f"{self.source}: the known model's states do not match the data: {what}, but the data's columns "
                f"are {available}.{dim} Name the states like the columns, or map them in a [columns] table "
                f"(state = \"column\"); with --columns, list every column the model needs.")
        return [available.index(c) for c in self.columns]

    def hybrid(self, seed: int = 0, **overrides: Any):
        """A :class:`~attractor.learn.hybrid.Hybrid` configured from this model (not yet fitted)."""
        from .hybrid import Hybrid
        from .libraries import PolynomialLibrary

        kw: dict[str, Any] = dict(parameters=dict(self.parameters), unknown=dict(self.unknown),
                                  fit_method=self.fit_method, state_names=self.states, seed=seed)
        if self.remainder == "sindy":
            kw["library"] = PolynomialLibrary(self.degree)
        else:
            kw["n_centers"] = self.n_centers
        kw.update(overrides)
        return Hybrid(self.spec, self.remainder, **kw)

    def vector_field(self, values: Mapping[str, float]) -> Callable[[np.ndarray], np.ndarray]:
        """The known part alone as ``f(X) -> dX/dt`` for states ``X`` of shape (n, d).

        Parameters
        ----------
        values : mapping
            A value for every unknown parameter (the known ones are taken from the file).
        """
        import sympy as sp

        missing = [k for k in self.unknown if k not in values]
        if missing:
            raise ValidationError(f"vector_field needs values for the unknown parameter(s) {missing}.")
        if "f" not in self._cache:
            xs, ps, _ = self.spec.symbols
            self._cache["f"] = [sp.lambdify((xs, ps), e, "numpy") for e in self.spec.expressions]
        fns = self._cache["f"]
        p = [float(self.parameters[k]) if k in self.parameters else float(values[k]) for k in self.spec.parameters]

        def f(X: np.ndarray) -> np.ndarray:
            X = np.atleast_2d(np.asarray(X, float))
            cols = X.T
            out = np.empty_like(X)
            for i, g in enumerate(fns):
                out[:, i] = g(cols, p)
            return out

        return f

    def describe(self) -> str:
        """The model as text, one line per state, e.g. ``dv/dt = -w0**2*sin(q)  [+ remainder]``."""
        return "; ".join(f"d{s}/dt = {e}" for s, e in zip(self.states, self.spec.equations))


# ---------------------------------------------------------------------- reading
def load_known_model(path: str | Path) -> KnownModel:
    """Read a partial model from a TOML file (format: module docstring).

    Raises
    ------
    ValidationError
        Missing or unreadable file, malformed TOML, or a model that breaks a rule of the format
        (the message names the file, the key and what is wrong).
    """
    p = Path(path).expanduser()
    if not p.is_file():
        raise ValidationError(f"no such model file: {str(path)!r}.")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ValidationError(f"could not read the model file {str(path)!r}: {exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{p.name}: a model file must be UTF-8 text ({exc}).") from exc
    return parse_known_model(text, source=p.name)


def parse_known_model(text: str, source: str = "<string>") -> KnownModel:
    """Parse the TOML text of a partial model (format: module docstring); see :func:`load_known_model`."""
    import tomllib

    if not isinstance(text, str):
        raise ValidationError(f"{source}: the model must be TOML text; got {type(text).__name__}.")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"{source}: malformed TOML: {exc}.") from exc
    extra = [k for k in doc if k not in TOP_LEVEL_KEYS]
    if extra:
        raise ValidationError(f"{source}: unknown key(s) {extra}; a model file has {list(TOP_LEVEL_KEYS)}.")

    name = doc.get("name", Path(source).stem if source != "<string>" else "Known model")
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(f"{source}: 'name' must be a non-empty string; got {name!r}.")

    equations = _table(doc, "equations", source, required=True)
    states = doc.get("states", list(equations))
    if not isinstance(states, list) or not states or not all(isinstance(s, str) for s in states):
        raise ValidationError(f"{source}: 'states' must be a non-empty list of names, e.g. states = [\"q\", \"v\"]; "
                              f"got {states!r}.")
    states = [_name(s, f"{source}: state name") for s in states]
    dup = sorted({s for s in states if states.count(s) > 1})
    if dup:
        raise ValidationError(f"{source}: state(s) {dup} listed twice in 'states'.")
    if "t" in states:
        raise ValidationError(f"{source}: 't' is reserved for time and cannot be a state.")
    no_eq = [s for s in states if s not in equations]
    stray = [k for k in equations if k not in states]
    if no_eq or stray:
        raise ValidationError(f"{source}: [equations] must give one equation per state {states}; "
                              + (f"missing for {no_eq}" if no_eq else "")
                              + ("; " if no_eq and stray else "")
                              + (f"given for {stray}, which are not states" if stray else "") + ".")
    for s in states:
        if not isinstance(equations[s], str) or not equations[s].strip():
            raise ValidationError(f"{source}: the equation for {s} must be a non-empty string, e.g. {s} = \"...\"; "
                                  f"got {equations[s]!r}.")

    fixed = _numbers(_table(doc, "parameters", source), "parameters", source)
    unknown = _numbers(_table(doc, "unknown", source), "unknown", source)
    both = sorted(set(fixed) & set(unknown))
    if both:
        raise ValidationError(f"{source}: parameter(s) {both} are both known ([parameters]) and unknown ([unknown]); "
                              "give each once.")
    clash = sorted((set(fixed) | set(unknown)) & (set(states) | {"t"}))
    if clash:
        raise ValidationError(f"{source}: parameter name(s) {clash} clash with a state name or the time 't'.")

    params = tuple(fixed) + tuple(unknown)
    try:
        spec = SymbolicSpec(_system_name(name), "flow", tuple(states), params, tuple(equations[s] for s in states))
        exprs = spec.expressions  # parse now: unknown names and unsafe constructs fail here
    except ValidationError as exc:
        raise ValidationError(f"{source}: {exc}") from exc
    if spec.uses_time:
        raise ValidationError(f"{source}: an equation uses the time 't'; the known part of a hybrid model must be "
                              "autonomous.")
    used = set().union(*(e.free_symbols for e in exprs))
    used_names = {s.name for s in used}
    unused = [k for k in unknown if k not in used_names]
    if unused:
        raise ValidationError(f"{source}: unknown parameter(s) {unused} appear in no equation, so the data cannot "
                              "determine them; remove them or use them.")

    cols = _table(doc, "columns", source)
    stray = [k for k in cols if k not in states]
    if stray:
        raise ValidationError(f"{source}: [columns] maps {stray}, which are not states {states}.")
    for k, v in cols.items():
        if not isinstance(v, str) or not v:
            raise ValidationError(f"{source}: [columns] {k} must be a column name (string); got {v!r}.")
    columns = tuple(cols.get(s, s) for s in states)
    dup = sorted({c for c in columns if columns.count(c) > 1})
    if dup:
        raise ValidationError(f"{source}: two states are mapped to the same data column(s) {dup}.")

    rem = _table(doc, "remainder", source)
    extra = [k for k in rem if k not in REMAINDER_KEYS]
    if extra:
        raise ValidationError(f"{source}: unknown key(s) {extra} in [remainder]; allowed: {list(REMAINDER_KEYS)}.")
    kind = rem.get("kind", "sindy")
    if kind not in _KINDS:
        raise ValidationError(f"{source}: [remainder] kind must be one of {list(_KINDS)}; got {kind!r}.")
    degree = _int(rem.get("degree", 2), "degree", source, 1, 5)
    n_centers = _int(rem.get("n_centers", 200), "n_centers", source, 5, 5000)
    fit_method = rem.get("fit_method", "derivative")
    if fit_method not in _FIT_METHODS:
        raise ValidationError(f"{source}: [remainder] fit_method must be one of {list(_FIT_METHODS)}; "
                              f"got {fit_method!r}.")
    return KnownModel(name=name, spec=spec, parameters=MappingProxyType(fixed), unknown=MappingProxyType(unknown),
                      columns=columns, remainder=kind, degree=degree, n_centers=n_centers, fit_method=fit_method,
                      source=source)


def _table(doc: dict, key: str, source: str, required: bool = False) -> dict:
    v = doc.get(key)
    if v is None:
        if required:
            raise ValidationError(f"{source}: a model file needs an [{key}] table (one equation per state).")
        return {}
    if not isinstance(v, dict):
        raise ValidationError(f"{source}: '{key}' must be a table ([{key}] with name = value lines); got {v!r}.")
    return dict(v)


def _name(s: str, what: str) -> str:
    return check_identifier(s, what)


def _numbers(table: dict, key: str, source: str) -> dict[str, float]:
    out = {}
    for k, v in table.items():
        _name(k, f"{source}: [{key}] name")
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(float(v)):
            raise ValidationError(f"{source}: [{key}] {k} must be a finite number; got {v!r}.")
        out[k] = float(v)
    return out


def _int(v: Any, key: str, source: str, lo: int, hi: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise ValidationError(f"{source}: [remainder] {key} must be an integer in {lo}..{hi}; got {v!r}.")
    return int(v)


def _system_name(name: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9_ ]", "_", name).strip()[:200] or "Known model"
