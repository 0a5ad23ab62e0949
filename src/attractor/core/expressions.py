"""The one safe parser of equation text: a whitelist walk over Python's AST, never ``eval``.

Equations of systems (catalogue definitions, equation files, ``--param`` strings, the
text a learner writes out) are **data, not code**. They are parsed here with
:func:`ast.parse` (``mode="eval"``) and the syntax tree is walked node by node; only
these constructs are accepted:

* numbers (int and float literals) and the constants ``pi`` and ``E``;
* names declared by the caller (states, parameters, time) — nothing else;
* ``+ - * / **`` and ``%`` (``Mod``), unary ``+``/``-``;
* comparisons (``< <= > >= == !=``; chained ones become ``And``), ``True``/``False``,
  tuples only as the ``(value, condition)`` pairs of ``Piecewise``;
* calls of the whitelisted functions in :data:`FUNCTIONS`, positional arguments only.

Attributes, subscripts, lambdas, comprehensions, keyword arguments, strings, starred
arguments and any undeclared or dunder name raise :class:`ValidationError` naming the
offending token and its position. The SymPy expression is built from the tree by this
module (no ``parse_expr``, no ``sympify`` of the text), applying the same operators in
the same order as Python would, so the result is identical to what SymPy's own parser
produced for every catalogued system. ``^`` is rejected with a hint (use ``**``).
"""
from __future__ import annotations

import ast
import keyword
import math
from typing import Any, Iterable, Mapping

from .errors import ValidationError

__all__ = ["parse_expression", "check_identifier", "check_identifiers", "check_system_name", "FUNCTIONS", "CONSTANTS",
           "MAX_EXPRESSION_LENGTH"]

#: Longest accepted equation text (characters); a learned model of degree 5 in 10 states
#: writes about 100 000.
MAX_EXPRESSION_LENGTH = 1_000_000
#: Largest integer power of a numeric literal that is evaluated exactly (bits of the result).
_MAX_POWER_BITS = 4096


def _sympy_functions() -> dict[str, Any]:
    import sympy as sp

    f = {
        "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "cot": sp.cot, "sec": sp.sec, "csc": sp.csc,
        "asin": sp.asin, "acos": sp.acos, "atan": sp.atan, "arcsin": sp.asin, "arccos": sp.acos,
        "arctan": sp.atan, "atan2": sp.atan2, "arctan2": sp.atan2,
        "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, "asinh": sp.asinh, "acosh": sp.acosh,
        "atanh": sp.atanh, "arcsinh": sp.asinh, "arccosh": sp.acosh, "arctanh": sp.atanh,
        "exp": sp.exp, "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt, "cbrt": sp.cbrt,
        "Abs": sp.Abs, "abs": sp.Abs, "sign": sp.sign, "Heaviside": sp.Heaviside,
        "Min": sp.Min, "Max": sp.Max, "min": sp.Min, "max": sp.Max,
        "floor": sp.floor, "ceiling": sp.ceiling, "Mod": sp.Mod, "erf": sp.erf,
        "Piecewise": sp.Piecewise, "And": sp.And, "Or": sp.Or, "Not": sp.Not,
    }
    return f


#: Names of the functions an equation may call.
FUNCTIONS: frozenset[str] = frozenset({
    "sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan", "arcsin", "arccos", "arctan", "atan2",
    "arctan2", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh", "exp", "log",
    "ln", "sqrt", "cbrt", "Abs", "abs", "sign", "Heaviside", "Min", "Max", "min", "max", "floor", "ceiling", "Mod",
    "erf", "Piecewise", "And", "Or", "Not",
})
#: Named constants an equation may use.
CONSTANTS: frozenset[str] = frozenset({"pi", "E"})
_RESERVED = FUNCTIONS | CONSTANTS | {"True", "False", "None"}


def check_identifier(name: Any, what: str = "name") -> str:
    """Validate a state, parameter or other symbol name; return it.

    A name must be a Python identifier (letters, digits, ``_``; not starting with a
    digit), not a Python keyword, not a dunder name (``__x__`` or starting with
    ``__``), and not a function or constant the equations can use (``sin``, ``pi``, ...).

    Raises
    ------
    ValidationError
        Naming the offending name and the rule it breaks.
    """
    if not isinstance(name, str):
        raise ValidationError(f"{what} must be a string; got {name!r} ({type(name).__name__}).")
    if not name.isidentifier() or not name.isascii():
        raise ValidationError(f"{what} {name!r} is not a valid identifier (ASCII letters, digits and '_', "
                              "not starting with a digit).")
    if keyword.iskeyword(name) or name in ("True", "False", "None"):
        raise ValidationError(f"{what} {name!r} is a Python keyword.")
    if name.startswith("__"):
        raise ValidationError(f"{what} {name!r}: names starting with '__' (dunder names) are not allowed.")
    if name in _RESERVED:
        raise ValidationError(f"{what} {name!r} would shadow the function or constant of the same name.")
    return name


def check_identifiers(names: Iterable[Any], what: str = "name") -> tuple[str, ...]:
    """:func:`check_identifier` on each name; also rejects duplicates."""
    out = tuple(check_identifier(n, what) for n in names)
    dup = sorted({n for n in out if out.count(n) > 1})
    if dup:
        raise ValidationError(f"duplicate {what}(s) {dup}.")
    return out


class _Builder:
    """Builds a SymPy expression from a whitelisted AST."""

    def __init__(self, text: str, symbols: Mapping[str, Any], context: str):
        import sympy as sp

        self.sp = sp
        self.text = text
        self.symbols = symbols
        self.context = context
        self.functions = _sympy_functions()
        self._lines = [ln.encode() for ln in text.splitlines(keepends=True)]

    def segment(self, node: ast.AST) -> str:
        """Source text of ``node`` (linear time; ``ast.get_source_segment`` re-splits the text per call)."""
        lineno, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        if lineno is not None and lineno == end and lineno <= len(self._lines):
            return self._lines[lineno - 1][node.col_offset:node.end_col_offset].decode("utf-8", "replace")
        return ast.get_source_segment(self.text, node) or ""

    # -- errors
    def fail(self, node: ast.AST | None, message: str) -> ValidationError:
        where = ""
        if node is not None and hasattr(node, "col_offset"):
            seg = self.segment(node)
            if len(seg) > 40:
                seg = seg[:37] + "..."
            where = f" at position {node.col_offset + 1} ({seg!r})" if seg else f" at position {node.col_offset + 1}"
        return ValidationError(f"{self.context}: {message}{where} in {self._short()!r}. Equations are data, "
                               "not code: only numbers, declared names, + - * / ** %, comparisons and the "
                               "whitelisted functions are allowed.")

    def _short(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:77] + "..."

    # -- walk
    def build(self, node: ast.AST):
        sp = self.sp
        if isinstance(node, ast.BinOp):
            return self._binop_chain(node)
        if isinstance(node, ast.UnaryOp):
            # iterate over chains of unary operators (no recursion per operator)
            ops = []
            while isinstance(node, ast.UnaryOp):
                ops.append(node)
                node = node.operand
            value = self.build(node)
            for op in reversed(ops):
                if isinstance(op.op, ast.USub):
                    value = -value
                elif isinstance(op.op, ast.UAdd):
                    value = +value
                elif isinstance(op.op, ast.Not):
                    value = sp.Not(value)
                else:
                    raise self.fail(op, f"operator {type(op.op).__name__} is not allowed")
            return value
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.BoolOp):
            vals = [self.build(v) for v in node.values]
            return sp.And(*vals) if isinstance(node.op, ast.And) else sp.Or(*vals)
        if isinstance(node, ast.Tuple):
            raise self.fail(node, "a tuple is only allowed as a (value, condition) pair of Piecewise")
        kind = {ast.Attribute: "attribute access", ast.Subscript: "subscript", ast.Lambda: "lambda",
                ast.ListComp: "comprehension", ast.GeneratorExp: "comprehension", ast.SetComp: "comprehension",
                ast.DictComp: "comprehension", ast.List: "list", ast.Dict: "dict", ast.Set: "set",
                ast.IfExp: "conditional expression (use Piecewise)", ast.JoinedStr: "string",
                ast.NamedExpr: "assignment", ast.Starred: "starred argument", ast.Await: "await",
                ast.Yield: "yield", ast.YieldFrom: "yield", ast.Slice: "slice"}.get(type(node), type(node).__name__)
        raise self.fail(node, f"{kind} is not allowed")

    def _binop_chain(self, node: ast.BinOp):
        # Walk the left spine iteratively (long sums are left-deep trees) and apply the
        # operators in Python's order, so the result equals what Python evaluation gives.
        chain = []
        while isinstance(node, ast.BinOp):
            chain.append(node)
            node = node.left
        value = self.build(node)
        if all(isinstance(b.op, (ast.Add, ast.Sub)) for b in chain) and len(chain) > 8:
            # long sums: one n-ary Add (the same canonical result as repeated binary
            # additions, without their quadratic cost)
            terms = [value]
            for b in reversed(chain):
                r = self.build(b.right)
                terms.append(r if isinstance(b.op, ast.Add) else -r)
            return self.sp.Add(*terms)
        for b in reversed(chain):
            value = self._apply(b, value, self.build(b.right))
        return value

    def _apply(self, node: ast.BinOp, a, b):
        sp = self.sp
        op = node.op
        if isinstance(op, ast.Add):
            return a + b
        if isinstance(op, ast.Sub):
            return a - b
        if isinstance(op, ast.Mult):
            return a * b
        if isinstance(op, ast.Div):
            return a / b
        if isinstance(op, ast.Mod):
            return sp.Mod(a, b)
        if isinstance(op, ast.Pow):
            if getattr(a, "is_Number", False) and getattr(b, "is_Integer", False):
                bits = abs(int(b)) * max(1.0, math.log2(abs(float(a))) if a != 0 else 1.0)
                if bits > _MAX_POWER_BITS:
                    raise self.fail(node, f"the numeric power {a}**{b} is too large to evaluate")
            return a ** b
        if isinstance(op, ast.BitXor):
            raise self.fail(node, "'^' is not a power here; write powers with '**'")
        raise self.fail(node, f"operator {type(op).__name__} is not allowed")

    def _constant(self, node: ast.Constant):
        sp = self.sp
        v = node.value
        if isinstance(v, bool):
            return sp.true if v else sp.false
        if isinstance(v, int):
            return sp.Integer(v)
        if isinstance(v, float):
            if not math.isfinite(v):
                raise self.fail(node, "number out of the double-precision range")
            seg = self.segment(node)
            try:
                return sp.Float(seg) if seg else sp.Float(v)
            except (ValueError, TypeError):
                return sp.Float(v)
        what = "string" if isinstance(v, (str, bytes)) else ("complex number" if isinstance(v, complex)
                                                             else type(v).__name__)
        raise self.fail(node, f"{what} literal is not allowed")

    def _name(self, node: ast.Name):
        sp = self.sp
        name = node.id
        if name in self.symbols:
            return self.symbols[name]
        if name == "pi":
            return sp.pi
        if name == "E":
            return sp.E
        if name.startswith("__"):
            raise self.fail(node, f"dunder name {name!r} is not allowed")
        if name in FUNCTIONS:
            raise self.fail(node, f"function {name!r} must be called")
        declared = ", ".join(sorted(self.symbols)) or "(none)"
        raise self.fail(node, f"undeclared symbol {name!r} (declared: {declared})")

    def _call(self, node: ast.Call):
        sp = self.sp
        if not isinstance(node.func, ast.Name):
            raise self.fail(node.func, "only direct calls of whitelisted functions are allowed")
        fname = node.func.id
        if fname not in FUNCTIONS:
            if fname in self.symbols:
                raise self.fail(node.func, f"{fname!r} is a declared symbol, not a function")
            raise self.fail(node.func, f"function {fname!r} is not allowed (allowed: {', '.join(sorted(FUNCTIONS))})")
        if node.keywords:
            raise self.fail(node.keywords[0].value, f"keyword arguments to {fname} are not allowed")
        for a in node.args:
            if isinstance(a, ast.Starred):
                raise self.fail(a, "starred arguments are not allowed")
        if fname == "Piecewise":
            pieces = []
            for a in node.args:
                if not isinstance(a, ast.Tuple) or len(a.elts) != 2:
                    raise self.fail(a, "each argument of Piecewise must be a (value, condition) pair")
                pieces.append((self.build(a.elts[0]), self.build(a.elts[1])))
            args = pieces
        else:
            args = [self.build(a) for a in node.args]
        try:
            return self.functions[fname](*args)
        except (TypeError, ValueError, AttributeError) as exc:
            raise self.fail(node, f"invalid call of {fname} ({exc})") from None

    def _compare(self, node: ast.Compare):
        sp = self.sp
        ops = {ast.Lt: sp.StrictLessThan, ast.LtE: sp.LessThan, ast.Gt: sp.StrictGreaterThan,
               ast.GtE: sp.GreaterThan, ast.Eq: sp.Eq, ast.NotEq: sp.Ne}
        left = self.build(node.left)
        parts = []
        for op, comp in zip(node.ops, node.comparators):
            cls = ops.get(type(op))
            if cls is None:
                raise self.fail(node, f"comparison {type(op).__name__} is not allowed")
            right = self.build(comp)
            parts.append(cls(left, right))
            left = right
        return parts[0] if len(parts) == 1 else sp.And(*parts)


def parse_expression(text: Any, symbols: Mapping[str, Any], *, context: str = "equation"):
    """Parse equation text into a SymPy expression over the given symbols, without ``eval``.

    Parameters
    ----------
    text : str
        The equation's right-hand side, e.g. ``"sigma*(y - x)"``. Python syntax, ``**``
        for powers.
    symbols : mapping str -> sympy.Symbol
        The declared names (states, parameters, time, ...) and their symbols.
    context : str
        Prefix of error messages (e.g. ``"Lorenz: equation for x"``).

    Returns
    -------
    sympy.Expr (or a boolean for a bare comparison)

    Raises
    ------
    ValidationError
        Syntax errors and every construct outside the whitelist (see the module
        docstring), naming the offending token and its 1-based column.
    """
    if not isinstance(text, str):
        raise ValidationError(f"{context}: an equation must be a string; got {type(text).__name__}.")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ValidationError(f"{context}: equation text of {len(text)} characters exceeds the limit "
                              f"{MAX_EXPRESSION_LENGTH}.")
    if "\x00" in text:
        raise ValidationError(f"{context}: equation text contains a NUL character.")
    src = text.strip()
    if not src:
        raise ValidationError(f"{context}: empty equation.")
    try:
        tree = ast.parse(src, mode="eval")
    except SyntaxError as exc:
        col = f" at position {exc.offset}" if exc.offset else ""
        raise ValidationError(f"{context}: cannot parse {src[:80]!r}: {exc.msg}{col}.") from None
    except (RecursionError, MemoryError, ValueError) as exc:
        raise ValidationError(f"{context}: equation too deeply nested or malformed ({type(exc).__name__}).") from None
    builder = _Builder(src, dict(symbols), context)
    try:
        return builder.build(tree.body)
    except RecursionError:
        raise ValidationError(f"{context}: equation too deeply nested.") from None


def check_system_name(name: Any) -> str:
    """A system name: a non-empty printable string of at most 200 characters (it is shown
    in messages and written, quoted, into generated code comments)."""
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(f"a system name must be a non-empty string; got {name!r}.")
    if len(name) > 200 or not name.isprintable():
        raise ValidationError(f"system name {name[:40]!r} must be printable and at most 200 characters.")
    return name
