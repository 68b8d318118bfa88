"""Python expression AST -> JSONata with Python's meaning (the expression builder).

Every construct either translates faithfully or is refused through `report`. Where Python raises (KeyError,
IndexError, ZeroDivisionError, TypeError, ValueError) the JSONata fails too, through `$error("...")`, so both runs fail
with States.QueryEvaluationError. Static types known from literals keep the output small; where a type is unknown a
runtime dispatch on `$type(...)` is emitted. docs/expressions.md lists every construct and every refusal.
"""
from __future__ import annotations

import ast
import json
import math
import re
import string
from dataclasses import dataclass
from typing import Any, Callable

MAX_EXACT_INT = 2**53

# Static types: "int", "float", "str", "bool", "none", "list", "dict", or None (unknown at compile time).
NUMERIC = ("int", "float")

PREDICATE_NAMES = frozenset(
    [
        "StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals", "StringGreaterThanEquals",
        "NumericEquals", "NumericLessThan", "NumericGreaterThan", "NumericLessThanEquals",
        "NumericGreaterThanEquals", "BooleanEquals", "TimestampEquals", "TimestampLessThan",
        "TimestampGreaterThan", "TimestampLessThanEquals", "TimestampGreaterThanEquals", "IsNull", "IsPresent",
        "IsNumeric", "IsString", "IsBoolean", "IsTimestamp", "StringMatches",
    ]
)

_STATIC_TYPES = frozenset(["int", "float", "str", "bool", "none", "list", "dict"])

_ATOM = re.compile(r'^(\$[A-Za-z_][A-Za-z0-9_]*|-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null|"([^"\\]|\\.)*")$')


class NotConstant(Exception):
    """literal_value was asked for the value of an expression that is not a constant."""


class _Refused(Exception):
    """Raised internally after `report` so that translation of the enclosing construct stops."""


@dataclass(frozen=True)
class J:
    """A translated expression: JSONata code and the Python type it has when known statically."""

    code: str
    type: str | None = None

    @property
    def atom(self) -> bool:
        return bool(_ATOM.match(self.code))


def _q(text: str) -> str:
    """A JSONata string literal."""
    return json.dumps(text, ensure_ascii=False)


def _err(message: str) -> str:
    return f"$error({_q(message)})"


def _is_int(v: str) -> str:
    return f'($type({v}) = "number" and $floor({v}) = {v})'


def single(v: str) -> str:
    """A one-element array holding the value of atom `v`, even when that value is itself an array.

    `$append` spreads array arguments and `[ $v ]` flattens an array-valued `$v`, so an array has to be wrapped in a
    syntactic array constructor inside another one: `[[ $v ]]` is `[v]` for an array v.
    """
    return f'($type({v}) = "array" ? [[{v}]] : [{v}])'


# --- statement helpers -----------------------------------------------------------------------------------------

# Names of JSONata variables the translation introduces: `$__1`, `$__2`, ... They restart at every public call so the
# output is deterministic; every generated block binds its names before using them, so reuse across calls is safe.
_counter = [0]


def _reset_names() -> None:
    _counter[0] = 0


def _fresh_global() -> str:
    _counter[0] += 1
    return f"$__{_counter[0]}"


def _block(binds: list[tuple[str, str]], body: str) -> str:
    if not binds:
        return body
    return "( " + "; ".join(f"{n} := {c}" for n, c in binds) + f"; {body} )"


def _bind_all(*codes: str) -> tuple[list[tuple[str, str]], list[str]]:
    binds: list[tuple[str, str]] = []
    names: list[str] = []
    for c in codes:
        if _ATOM.match(c):
            names.append(c)
        else:
            n = _fresh_global()
            binds.append((n, c))
            names.append(n)
    return binds, names


def setitem(container: str, key: str, value: str) -> str:
    """JSONata for the new value of `container` after `container[key] = value`.

    A dict gets the key merged (set or replaced); a list gets the index replaced (negative indexes count from the
    end, out of range fails with IndexError as Python does).
    """
    _reset_names()
    binds, (c, k, v) = _bind_all(container, key, value)
    i, n, a, j = _fresh_global(), _fresh_global(), _fresh_global(), _fresh_global()
    list_case = _block(
        [(n, f"$count({c})"), (i, f"{k} < 0 ? {k} + {n} : {k}")],
        f"{i} < 0 or {i} >= {n} ? {_err('IndexError: list assignment index out of range')} : "
        f"$reduce([0..{n} - 1], function({a}, {j}) {{ $append({a}, {j} = {i} ? {single(v)} : {single(c + '[' + j + ']')}) }}, [])",
    )
    body = (
        f'$type({c}) = "object" ? ($type({k}) = "string" ? $merge([{c}, {{{k}: {v}}}]) : '
        f'{_err("TypeError: JSON object keys must be strings")}) : '
        f'$type({c}) = "array" ? ({_is_int(k)} ? {list_case} : '
        f'{_err("TypeError: list indices must be integers")}) : '
        f'{_err("TypeError: object does not support item assignment")}'
    )
    return _block(binds, body)


def append(lst: str, value: str) -> str:
    """JSONata for `lst` after `lst.append(value)`: the value is added as ONE element even when it is a list."""
    _reset_names()
    binds, (l, v) = _bind_all(lst, value)
    body = (
        f'$type({l}) = "array" ? $append({l}, {single(v)}) : '
        f'{_err("AttributeError: object has no attribute append")}'
    )
    return _block(binds, body)


def extend(lst: str, values: str) -> str:
    """JSONata for `lst` after `lst.extend(values)` (values must be a list)."""
    _reset_names()
    binds, (l, v) = _bind_all(lst, values)
    body = (
        f'$type({l}) = "array" and $type({v}) = "array" ? $append({l}, {v}) : '
        f'{_err("TypeError: extend() needs a list")}'
    )
    return _block(binds, body)


def augassign(op: ast.operator, left: str, right: str) -> str:
    """JSONata for the new value of the target in `target <op>= value` (types unknown: runtime dispatch)."""
    _reset_names()
    t = ExpressionTranslator(lambda n: "$" + n.id, lambda *a: None)
    if isinstance(op, ast.Add):
        return t.iadd_code(J(left), J(right)).code
    return t.binop_code(op, J(left), J(right)).code


# Set (to True) on the BinOp the statement compiler builds for `x += v`: list += takes any iterable.
INPLACE = "pyawssfn_inplace"


# --- the translator --------------------------------------------------------------------------------------------


class ExpressionTranslator:
    def __init__(
        self,
        resolve_name: Callable[[ast.Name], str],
        report: Callable[[ast.AST, str, str], None],
        predicate_names: set[str] | None = None,
        module_aliases: set[str] | None = None,
        name_type: Callable[[ast.Name], str | None] | None = None,
    ) -> None:
        self.resolve_name = resolve_name
        # Optional: the static type of a workflow variable when the caller knows it (every assignment to it has
        # that static_type()), so that e.g. str(h) after h = a / 2 prints "2.0" as Python does.
        self.name_type = name_type
        self.report = report
        self.predicate_names = set(predicate_names or ())
        self.module_aliases = set(module_aliases or ())
        # Comprehension variables shadow workflow names inside the comprehension.
        self._scopes: list[dict[str, str]] = []
        self._view_ok = False

    # -- public API --
    def translate(self, node: ast.expr) -> str:
        _reset_names()
        self._needs_repr = False
        try:
            return self._with_repr(self._tr(node).code)
        except _Refused:
            return "null"

    def truthy(self, node: ast.expr) -> str:
        _reset_names()
        self._needs_repr = False
        try:
            return self._with_repr(self._truthy_of(node))
        except _Refused:
            return "false"

    def _with_repr(self, code: str) -> str:
        """Bind the repr function once for the whole expression when any str() in it needs one."""
        if not self._needs_repr:
            return code
        return f"( {_REPR} := {_repr_fn()}; {code} )"

    def _truthy_of(self, node: ast.expr) -> str:
        """Truthiness of a node, without materialising the operand `and`/`or` would return."""
        if isinstance(node, ast.BoolOp):
            # T(a and b) == T(a) and T(b); JSONata's and/or short-circuit as Python's do.
            op = " and " if isinstance(node.op, ast.And) else " or "
            return "(" + op.join(_paren(self._truthy_of(v)) for v in node.values) + ")"
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return f"$not({self._truthy_of(node.operand)})"
        return self._truthy(self._tr(node))

    def static_type(self, node: ast.expr) -> str | None:
        """The Python type of node's value when known at compile time: "int", "float", "str", "bool", "none",
        "list", "dict", or None. A caller may record it per variable and give it back through `name_type`."""
        _reset_names()
        reports: list = []
        saved, self.report = self.report, lambda *a: reports.append(a)
        try:
            return self._tr(node).type
        except _Refused:
            return None
        finally:
            self.report = saved

    def literal_value(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            v = node.value
            if v is None or isinstance(v, (bool, str)):
                return v
            if isinstance(v, int):
                if abs(v) > MAX_EXACT_INT:
                    raise NotConstant("integer beyond 2**53")
                return v
            if isinstance(v, float) and math.isfinite(v):
                return v
            raise NotConstant(f"{type(v).__name__} constant")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = self.literal_value(node.operand)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return -v if isinstance(node.op, ast.USub) else v
            raise NotConstant("unary operator on a non-number")
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.literal_value(e) for e in node.elts]
        if isinstance(node, ast.Dict):
            out: dict[str, Any] = {}
            for k, v in zip(node.keys, node.values):
                if k is None:
                    raise NotConstant("dict unpacking")
                key = self.literal_value(k)
                if not isinstance(key, str):
                    raise NotConstant("non-string dict key")
                out[key] = self.literal_value(v)
            return out
        raise NotConstant(type(node).__name__)

    # -- plumbing --
    def _refuse(self, node: ast.AST, what: str, instead: str) -> "NoReturn":  # type: ignore[name-defined]
        self.report(node, what, instead)
        raise _Refused()

    def _fresh(self) -> str:
        return _fresh_global()

    def _let(self, parts: list[J], body: Callable[..., str]) -> str:
        binds: list[tuple[str, str]] = []
        names: list[str] = []
        for p in parts:
            if p.atom:
                names.append(p.code)
            else:
                n = self._fresh()
                binds.append((n, p.code))
                names.append(n)
        return _block(binds, body(*names))

    def _tr(self, node: ast.expr) -> J:
        view_ok, self._view_ok = self._view_ok, False
        folded = self._fold(node)
        if folded is not None:
            return folded
        method = getattr(self, "_tr_" + type(node).__name__, None)
        if method is None:
            self._refuse(node, f"{_describe(node)} is not supported in a workflow expression",
                         "move this computation into a step function")
        result = method(node)
        if result.type == "view":
            if not view_ok:
                # dict.keys()/values()/items() are views in Python: not subscriptable, not lists, printed as
                # dict_keys([...]). Only their iteration has a faithful JSONata meaning.
                self._refuse(node, f"{_describe(node)} is a dict view, not a list",
                             f"iterate over it, or write list({_describe(node)})")
            result = J(result.code, "list")
        return result

    def _tr_view_ok(self, node: ast.expr) -> J:
        """Translate an operand that may be a dict view (iteration, len, membership)."""
        self._view_ok = True
        try:
            return self._tr(node)
        finally:
            self._view_ok = False

    # -- constant folding --
    def _fold(self, node: ast.expr) -> J | None:
        """A constant expression evaluated by Python itself at compile time, so it has Python's meaning exactly."""
        if isinstance(node, (ast.Constant, ast.Name)) or not _foldable(node):
            return None
        try:
            value = eval(compile(ast.Expression(node), "<constant>", "eval"), {"__builtins__": _FOLD_BUILTINS})
        except Exception:
            return None  # raises in Python: translate it so that it fails at run time too
        if isinstance(value, (type({}.keys()), type({}.values()), type({}.items()))):
            return None  # a dict view: the translation decides whether it is used as an iterable
        if isinstance(value, float) and not math.isfinite(value):
            self._refuse(node, "inf and nan are not JSON values", "use a finite number or None")
        try:
            text = json.dumps(value, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError):
            return None
        if len(text) > 2000 or not _string_keys(value):
            return None
        if not _exact_json(value):
            self._refuse(node, "this constant is beyond what JSON numbers hold exactly (integers up to 2**53)",
                         "pass it as a string, or compute with it in a step function")
        return J(_jsonata_literal(value), _static_type(value))

    # -- truthiness --
    def _truthy(self, e: J) -> str:
        t = e.type
        if t == "bool":
            return e.code
        if t in NUMERIC:
            return f"{_paren(e.code)} != 0"
        if t == "str":
            return f'{_paren(e.code)} != ""'
        if t == "none":
            return "false" if e.atom else f"( {e.code}; false )"
        if t == "list":
            return f"$count({e.code}) > 0"
        if t == "dict":
            return f"$boolean({e.code})"
        # $boolean is Python's truthiness except for arrays: [0] and [[]] are falsy in JSONata, truthy in Python.
        return self._let([e], lambda v: f'($type({v}) = "array" ? $count({v}) > 0 : $boolean({v}))')

    # -- leaves --
    def _tr_Constant(self, node: ast.Constant) -> J:
        v = node.value
        if v is None:
            return J("null", "none")
        if isinstance(v, bool):
            return J("true" if v else "false", "bool")
        if isinstance(v, int):
            if abs(v) > MAX_EXACT_INT:
                self._refuse(node, "integer literal beyond 2**53 cannot be represented exactly in JSONata",
                             "pass it as a string, or compute with it in a step function")
            return J(str(v), "int")
        if isinstance(v, float):
            if not math.isfinite(v):
                self._refuse(node, "inf and nan are not JSON values", "use a finite number or None")
            return J(repr(v), "float")
        if isinstance(v, str):
            return J(_q(v), "str")
        self._refuse(node, f"{type(v).__name__} literal is not a JSON value", "use str, int, float, bool or None")

    def _tr_Name(self, node: ast.Name) -> J:
        for scope in reversed(self._scopes):
            if node.id in scope:
                return J(scope[node.id])
        t = self.name_type(node) if self.name_type else None
        return J(self.resolve_name(node), t if t in _STATIC_TYPES else None)

    def _tr_List(self, node: ast.List | ast.Tuple) -> J:
        items = []
        for elt in node.elts:
            if isinstance(elt, ast.Starred):
                items.append(("spread", self._tr(elt.value)))
            else:
                items.append(("one", self._tr(elt)))
        return J(self._build_list(node, items), "list")

    _tr_Tuple = _tr_List

    def _build_list(self, node: ast.AST, items: list[tuple[str, J]]) -> str:
        # A plain array constructor is faithful when no item can be an array (JSONata flattens array-valued items
        # unless they are themselves written as array constructors).
        def plain(kind: str, e: J) -> bool:
            return kind == "one" and (e.type not in (None, "list") or e.code.startswith("["))

        if all(plain(k, e) for k, e in items):
            return "[" + ", ".join(e.code for _, e in items) + "]"
        acc = "[]"
        run: list[str] = []
        for kind, e in items:
            if plain(kind, e):
                run.append(e.code)
                continue
            if run:
                acc = f"$append({acc}, [{', '.join(run)}])" if acc != "[]" else f"[{', '.join(run)}]"
                run = []
            if kind == "spread":
                part = self._let([e], lambda v: f'($type({v}) = "array" ? {v} : '
                                                f'{_err("TypeError: only lists can be unpacked with *")})')
            else:
                part = self._let([e], single)
            acc = part if acc == "[]" else f"$append({acc}, {part})"
        if run:
            acc = f"$append({acc}, [{', '.join(run)}])"
        return acc

    def _tr_Dict(self, node: ast.Dict) -> J:
        plain: list[str] = []
        merges: list[str] = []
        for k, v in zip(node.keys, node.values):
            if k is None:
                if plain:
                    merges.append("{" + ", ".join(plain) + "}")
                    plain = []
                merges.append(self._let([self._tr(v)], lambda d: f'($type({d}) = "object" ? {d} : '
                                        f'{_err("TypeError: only dicts can be unpacked with **")})'))
                continue
            kj = self._tr(k)
            if kj.type != "str":
                if kj.type is not None:
                    self._refuse(k, "dict keys in a workflow must be strings (JSON objects have string keys)",
                                 "convert the key with str()")
                kj = J(self._let([kj], lambda x: f'($type({x}) = "string" ? {x} : '
                                 f'{_err("TypeError: JSON object keys must be strings")})'), "str")
            plain.append(f"{kj.code}: {self._tr(v).code}")
        if not merges:
            return J("{" + ", ".join(plain) + "}", "dict")
        if plain:
            merges.append("{" + ", ".join(plain) + "}")
        return J("$merge([" + ", ".join(merges) + "])", "dict")

    # -- operators --
    def _tr_BinOp(self, node: ast.BinOp) -> J:
        left, right = self._tr(node.left), self._tr(node.right)
        if getattr(node, INPLACE, False) and isinstance(node.op, ast.Add) and left.type in (None, "list"):
            if "bool" in (left.type, right.type):
                self._check_binop_types(node, left, right)
            return self.iadd_code(left, right)
        self._check_binop_types(node, left, right)
        return self.binop_code(node.op, left, right)

    def iadd_code(self, left: J, right: J) -> J:
        """`x += v`: a list is extended with any iterable's items (a str's characters, a dict's keys), as
        list.__iadd__ does; anything else is x + v."""
        def extend_with(a: str, b: str) -> str:
            rt = right.type
            if rt == "list":
                return f"$append({a}, {b})"
            if rt == "str":
                return f'$append({a}, $split({b}, ""))'
            if rt == "dict":
                return f"$append({a}, [$keys({b})])"
            return (f'$type({b}) = "array" ? $append({a}, {b}) : $type({b}) = "string" ? $append({a}, $split({b}, "")) '
                    f': $type({b}) = "object" ? $append({a}, [$keys({b})]) : '
                    f'{_err("TypeError: can only extend a list with an iterable")}')

        if left.type == "list":
            return J(self._let([left, right], extend_with), "list")
        return J(self._let([left, right], lambda a, b: (
            f'$type({a}) = "array" ? ({extend_with(a, b)}) : '
            + self.binop_code(ast.Add(), J(a, None), J(b, right.type)).code)), None)

    def _check_binop_types(self, node: ast.BinOp, left: J, right: J) -> None:
        known = {left.type, right.type} - {None}
        if isinstance(node.op, (ast.BitAnd, ast.BitOr, ast.BitXor, ast.LShift, ast.RShift, ast.MatMult)):
            self._refuse(node, f"operator {_OPNAME[type(node.op)]} is not supported in a workflow expression",
                         "move this computation into a step function")
        if isinstance(node.op, ast.Mod) and left.type == "str":
            self._refuse(node, "printf-style formatting with % is not supported", "use an f-string")
        if "bool" in known:
            self._refuse(node, "arithmetic on True/False is not supported", "convert with int(...) first")
        if left.type and right.type:
            ok = left.type in NUMERIC and right.type in NUMERIC
            if isinstance(node.op, ast.Add):
                ok = ok or left.type == right.type in ("str", "list")
            if isinstance(node.op, ast.Mult):
                ok = ok or (left.type in ("str", "list") and right.type == "int") or (
                    right.type in ("str", "list") and left.type == "int")
            if not ok:
                self._refuse(node, f"unsupported operand types for {_OPNAME[type(node.op)]}: "
                             f"{left.type} and {right.type}", "convert the operands to matching types")

    def binop_code(self, op: ast.operator, left: J, right: J) -> J:
        # Operands are embedded in infix operators: parenthesise anything that is not self-delimiting.
        left, right = J(_paren(left.code), left.type), J(_paren(right.code), right.type)
        lt, rt = left.type, right.type
        both_num = lt in NUMERIC and rt in NUMERIC
        # With a float operand the result, when Python does not raise, is a float (str and list operands raise).
        float_op = "float" in (lt, rt)
        num_type = "int" if lt == rt == "int" else ("float" if both_num or float_op else None)
        if isinstance(op, ast.Add):
            if both_num:
                return J(f"{left.code} + {right.code}", num_type)
            if lt == rt == "str":
                return J(f"{left.code} & {right.code}", "str")
            if lt == rt == "list":
                return J(f"$append({left.code}, {right.code})", "list")
            if lt in NUMERIC or rt in NUMERIC:
                # JSONata's + fails on a non-number, as Python's does on a number and a str or list.
                return J(f"{left.code} + {right.code}", num_type if float_op else (lt if lt == rt else None))
            for known, jt, join in (("str", "string", "{a} & {b}"), ("list", "array", "$append({a}, {b})")):
                if known in (lt, rt):
                    other_first = rt == known
                    return J(self._let([left, right], lambda a, b, jt=jt, join=join, of=other_first: (
                        f'$type({a if of else b}) = "{jt}" ? {join.format(a=a, b=b)} : '
                        f'{_err("TypeError: can only concatenate " + known + " to " + known)}')), known)
            return J(self._let([left, right], lambda a, b: (
                f'$type({a}) = "number" and $type({b}) = "number" ? {a} + {b} : '
                f'$type({a}) = "string" and $type({b}) = "string" ? {a} & {b} : '
                f'$type({a}) = "array" and $type({b}) = "array" ? $append({a}, {b}) : '
                f'{_err("TypeError: unsupported operand type(s) for +")}')), lt if lt == rt else None)
        if isinstance(op, ast.Sub):
            return J(f"{left.code} - {right.code}", num_type)
        if isinstance(op, ast.Mult):
            if both_num or float_op:  # a sequence times a float raises TypeError, as JSONata's * does
                return J(f"{left.code} * {right.code}", num_type)
            return self._mult(left, right)
        if isinstance(op, ast.Div):
            if rt in NUMERIC and _number_literal(right.code):
                return J(f"{left.code} / {right.code}", "float")
            return J(self._let([left, right], lambda a, b: (
                f"{b} = 0 ? {_err('ZeroDivisionError: division by zero')} : {a} / {b}")), "float")
        lit = _number_literal(right.code)
        zero_guard = "" if lit else f"{{b}} = 0 ? {_err('ZeroDivisionError: integer division or modulo by zero')} : "
        if isinstance(op, ast.FloorDiv):
            if lt == rt == "int":
                return J(self._let([left, right], lambda a, b: (
                    zero_guard.format(b=b) + f"$floor({a} / {b})")), num_type)
            # CPython's float floor division: from fmod, so that 1 // 0.1 is 9.0 as in Python, not floor(10.0).
            m, d, f = self._fresh(), self._fresh(), self._fresh()
            return J(self._let([left, right], lambda a, b: zero_guard.format(b=b) + (
                f"( {m} := {a} % {b}; {d} := ({a} - {m}) / {b}; "
                f"{d} := {m} != 0 and ({b} < 0) != ({m} < 0) ? {d} - 1 : {d}; "
                f"{f} := $floor({d}); {d} - {f} > 0.5 ? {f} + 1 : {f} )")), num_type)
        if isinstance(op, ast.Mod):
            # JSONata's % takes the sign of the dividend (JavaScript); Python's takes the divisor's.
            m = self._fresh()
            if lit:
                fix = f"{m} < 0" if lit > 0 else f"{m} > 0"
                return J(self._let([left], lambda a: (
                    f"( {m} := {a} % {right.code}; {fix} ? {m} + {right.code} : {m} )")), num_type)
            return J(self._let([left, right], lambda a, b: (
                zero_guard.format(b=b) +
                f"( {m} := {a} % {b}; {m} != 0 and ({m} < 0) != ({b} < 0) ? {m} + {b} : {m} )")), num_type)
        if isinstance(op, ast.Pow):
            if rt == "int" and right.code.isdigit():
                return J(f"$power({left.code}, {right.code})", lt if lt in NUMERIC else None)
            return J(self._let([left, right], lambda a, b: (
                f"{a} = 0 and {b} < 0 ? "
                f"{_err('ZeroDivisionError: 0.0 cannot be raised to a negative power')} : $power({a}, {b})")),
                None)
        raise _Refused()

    def _mult(self, left: J, right: J) -> J:
        acc = self._fresh()

        def rep(seq: str, n: str) -> str:
            lit = int(n) if re.match(r"^-?\d+$", n) else None
            check = "" if lit is not None else (
                f'$not({_is_int(n)}) ? {_err("TypeError: can only multiply a sequence by an integer")} : ')
            text = f'$pad("", $length({seq}) * {n}, {seq})'
            items = f"$reduce([1..{n}], function({acc}, {acc}_) {{ $append({acc}, {seq}) }}, [])"
            if lit is not None and lit <= 0:
                text, items = '""', "[]"
            elif lit is None:
                text, items = f'({n} > 0 ? {text} : "")', f"({n} > 0 ? {items} : [])"
            return f'{check}$type({seq}) = "string" ? {text} : {items}'


        if left.type in ("str", "list"):
            return J(self._let([left, right], rep), left.type)
        if right.type == "int" or left.type == "int":
            seq, n = (left, right) if right.type == "int" else (right, left)
            return J(self._let([seq, n], lambda a, b: (
                f'$type({a}) = "number" ? {a} * {b} : $type({a}) in ["string", "array"] ? ({rep(a, b)}) : '
                f'{_err("TypeError: unsupported operand type(s) for *")}')))
        if right.type in ("str", "list"):
            return J(self._let([left, right], lambda a, b: rep(b, a)), right.type)
        return J(self._let([left, right], lambda a, b: (
            f'$type({a}) = "number" and $type({b}) = "number" ? {a} * {b} : '
            f'$type({a}) in ["string", "array"] ? ({rep(a, b)}) : '
            f'$type({b}) in ["string", "array"] ? ({rep(b, a)}) : '
            f'{_err("TypeError: unsupported operand type(s) for *")}')))

    def _tr_UnaryOp(self, node: ast.UnaryOp) -> J:
        operand = self._tr(node.operand)
        if isinstance(node.op, ast.Not):
            return J(f"$not({self._truthy(operand)})", "bool")
        if operand.type == "bool" or isinstance(node.op, ast.Invert):
            self._refuse(node, "this unary operator is not supported here", "move this into a step function")
        if isinstance(node.op, ast.USub):
            if operand.atom and not operand.code.startswith("-"):
                return J(f"-{operand.code}", operand.type if operand.type in NUMERIC else None)
            return J(f"-({operand.code})", operand.type if operand.type in NUMERIC else None)
        if operand.type in NUMERIC:
            return operand
        return J(self._let([operand], lambda v: (
            f'$type({v}) = "number" ? {v} : {_err("TypeError: bad operand type for unary +")}')))

    def _tr_BoolOp(self, node: ast.BoolOp) -> J:
        parts = [self._tr(v) for v in node.values]
        types = {p.type for p in parts}
        if types == {"bool"}:
            op = " and " if isinstance(node.op, ast.And) else " or "
            return J("(" + op.join(_paren(p.code) for p in parts) + ")", "bool")
        # Python returns the deciding operand, not a boolean: fold from the right.
        result = parts[-1]
        for p in reversed(parts[:-1]):
            rest = result

            def body(v: str, rest: J = rest, p: J = p) -> str:
                t = self._truthy(J(v, p.type))
                if isinstance(node.op, ast.And):
                    return f"{_paren(t)} ? {_paren(rest.code)} : {v}"
                return f"{_paren(t)} ? {v} : {_paren(rest.code)}"

            result = J(self._let([p], body), p.type if p.type == rest.type else None)
        return result

    def _tr_IfExp(self, node: ast.IfExp) -> J:
        test = self._truthy(self._tr(node.test))
        body, orelse = self._tr(node.body), self._tr(node.orelse)
        return J(f"({_paren(test)} ? {_paren(body.code)} : {_paren(orelse.code)})",
                 body.type if body.type == orelse.type else None)

    # -- comparisons --
    def _tr_Compare(self, node: ast.Compare) -> J:
        operands = [self._tr(node.left)] + [
            self._tr_view_ok(c) if isinstance(op, (ast.In, ast.NotIn)) else self._tr(c)
            for op, c in zip(node.ops, node.comparators)
        ]
        if len(operands) == 2:
            return J(self._compare(node, node.ops[0], operands[0], operands[1]), "bool")
        if all(o.atom for o in operands[1:-1]):
            tests = [self._compare(node, op, operands[i], operands[i + 1]) for i, op in enumerate(node.ops)]
            return J("(" + " and ".join(_paren(t) for t in tests) + ")", "bool")
        # A computed middle operand is evaluated once, and only if the comparisons before it hold.
        return J(self._chain(node, operands), "bool")

    def _chain(self, node: ast.Compare, operands: list[J]) -> str:
        # a < b < c with b, c computed: ( $b := B; a < $b ? ( $c := C; $b < $c ) : false )
        def build(i: int, left: J) -> str:
            right = operands[i + 1]
            if i + 1 == len(node.ops):
                return self._compare(node, node.ops[i], left, right)
            if right.atom:
                return f"{_paren(self._compare(node, node.ops[i], left, right))} and {_paren(build(i + 1, right))}"
            n = self._fresh()
            rn = J(n, right.type)
            return _block([(n, right.code)],
                          f"{_paren(self._compare(node, node.ops[i], left, rn))} ? {_paren(build(i + 1, rn))} : false")
        return build(0, operands[0])

    def _compare(self, node: ast.AST, op: ast.cmpop, a: J, b: J) -> str:
        if isinstance(op, (ast.Is, ast.IsNot)):
            if b.type != "none" and a.type != "none":
                self._refuse(node, "`is` is only supported with None", "use == to compare values")
            other = a if b.type == "none" else b
            return f"{_paren(other.code)} {'=' if isinstance(op, ast.Is) else '!='} null"
        if isinstance(op, (ast.Eq, ast.NotEq)):
            eq = self._eq(a, b, "=" if isinstance(op, ast.Eq) else "!=")
            return eq
        if isinstance(op, (ast.In, ast.NotIn)):
            t = self._contains(node, b, a)
            return t if isinstance(op, ast.In) else f"$not({t})"
        sym = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}[type(op)]
        if a.type and b.type and not (
            (a.type in NUMERIC and b.type in NUMERIC) or a.type == b.type == "str"
        ):
            self._refuse(node, f"ordering comparison between {a.type} and {b.type} is not supported",
                         "compare numbers with numbers or strings with strings")
        # JSONata's ordering operators fail on anything but two numbers or two strings, as Python would on
        # mixed types (ordering of lists and of booleans is the documented gap).
        return f"{_paren(a.code)} {sym} {_paren(b.code)}"

    def _eq(self, a: J, b: J, sym: str = "=") -> str:
        # JSONata's = is deep equality (dict key order ignored, 1 = 1.0); it differs from Python only in that
        # True == 1 and False == 0 in Python. Normalise booleans at the top level when one side may be numeric.
        def may_num(t: str | None) -> bool:
            return t is None or t in NUMERIC

        def may_bool(t: str | None) -> bool:
            return t is None or t == "bool"

        if not ((may_num(a.type) and may_bool(b.type)) or (may_bool(a.type) and may_num(b.type))):
            return f"{_paren(a.code)} {sym} {_paren(b.code)}"

        def norm(e: J) -> J:
            if e.type in NUMERIC:
                return e
            if e.type == "bool":
                return J(f"({e.code} ? 1 : 0)", "int")
            return e

        def nv(v: str, t: str | None) -> str:
            if t is None:
                return f'($type({v}) = "boolean" ? ({v} ? 1 : 0) : {v})'
            return v

        if a.type == "bool" or b.type == "bool":
            a2, b2 = norm(a), norm(b)
            return self._let([a2, b2], lambda x, y: f"{nv(x, a2.type)} {sym} {nv(y, b2.type)}")
        return self._let([a, b], lambda x, y: f"{nv(x, a.type)} {sym} {nv(y, b.type)}")

    def _contains(self, node: ast.AST, container: J, item: J) -> str:
        def in_list(c: str, x: str) -> str:
            e = self._fresh()
            return f"$exists($filter({c}, function({e}) {{ {self._eq(J(e), J(x, item.type))} }}))"

        def in_dict(c: str, x: str) -> str:
            if item.type in ("str", "int", "float", "bool", "none"):
                return f"{x} in $keys({c})"
            return (f'$type({x}) in ["array", "object"] ? {_err("TypeError: unhashable type")} : '
                    f"{x} in $keys({c})")

        def in_str(c: str, x: str) -> str:
            if item.type == "str":
                return f"$contains({c}, {x})"
            return (f'$type({x}) = "string" ? $contains({c}, {x}) : '
                    f'{_err("TypeError: in <string> requires string as left operand")}')

        t = container.type
        if t == "list":
            return self._let([container, item], in_list)
        if t == "dict":
            return self._let([container, item], in_dict)
        if t == "str":
            if item.type == "str":
                return f"$contains({container.code}, {item.code})"
            return self._let([container, item], in_str)
        if t is not None:
            self._refuse(node, f"`in` needs a list, dict or str, not {t}", "test membership in a container")
        return self._let([container, item], lambda c, x: (
            f'$type({c}) = "array" ? {in_list(c, x)} : $type({c}) = "object" ? {in_dict(c, x)} : '
            f'$type({c}) = "string" ? ({in_str(c, x)}) : '
            f'{_err("TypeError: argument of type is not iterable")}'))

    # -- subscripts --
    def _tr_Subscript(self, node: ast.Subscript) -> J:
        container = self._tr(node.value)
        if isinstance(node.slice, ast.Slice):
            return self._slice(node, container, node.slice)
        key = self._tr(node.slice)
        return self._index(node, container, key)

    def _index(self, node: ast.AST, container: J, key: J) -> J:
        t, kt = container.type, key.type
        if t in ("int", "float", "bool", "none"):
            self._refuse(node, f"a {t} value cannot be subscripted", "subscript a list, dict or str")
        if kt == "str" and t in ("list", "str"):
            self._refuse(node, "list and string indexes must be integers", "use an int index")
        if kt in ("float", "list", "dict", "none", "bool") and t in ("list", "str"):
            self._refuse(node, "indexes must be integers", "use an int index")
        lit_key = key.code if kt == "str" and key.atom else None

        def dict_get(d: str, k: str) -> str:
            if lit_key:
                name = json.loads(lit_key)
                get = f"{d}.{name}" if _PLAIN_KEY.match(name) and name not in _JSONATA_WORDS else (
                    f"$lookup({d}, {k})")
                return f"$exists({get}) ? {get} : {_err(f'KeyError: {name!r}')}"
            return f'$exists($lookup({d}, {k})) ? $lookup({d}, {k}) : $error("KeyError: " & {k})'

        lit_int = int(key.code) if kt == "int" and re.match(r"^-?\d+$", key.code) else None

        def list_get(l: str, k: str) -> str:
            if lit_int is not None:
                test = f"$count({l}) > {lit_int}" if lit_int >= 0 else f"$count({l}) >= {-lit_int}"
                return f"{test} ? {l}[{lit_int}] : {_err('IndexError: list index out of range')}"
            j, n = self._fresh(), self._fresh()
            return _block([(n, f"$count({l})"), (j, f"{k} < 0 ? {k} + {n} : {k}")],
                          f"{j} >= 0 and {j} < {n} ? {l}[{j}] : {_err('IndexError: list index out of range')}")

        def str_get(s: str, k: str) -> str:
            if lit_int is not None:
                test = f"$length({s}) > {lit_int}" if lit_int >= 0 else f"$length({s}) >= {-lit_int}"
                return f"{test} ? $substring({s}, {lit_int}, 1) : {_err('IndexError: string index out of range')}"
            j, n = self._fresh(), self._fresh()
            return _block([(n, f"$length({s})"), (j, f"{k} < 0 ? {k} + {n} : {k}")],
                          f"{j} >= 0 and {j} < {n} ? $substring({s}, {j}, 1) : "
                          f"{_err('IndexError: string index out of range')}")

        def int_check(k: str, body: str) -> str:
            if kt == "int":
                return body
            return f'{_is_int(k)} ? ({body}) : {_err("TypeError: indices must be integers")}'

        if t == "dict":
            return J(self._let([container, key], dict_get))
        if t == "list":
            return J(self._let([container, key], lambda l, k: int_check(k, list_get(l, k))))
        if t == "str":
            return J(self._let([container, key], lambda s, k: int_check(k, str_get(s, k))), "str")
        # Unknown container: dispatch at run time.
        def dispatch(c: str, k: str) -> str:
            obj = (f'$type({c}) = "object" ? ($type({k}) = "string" ? {dict_get(c, k)} : '
                   f'$error("KeyError: " & $string({k}))) : ')
            arr = f'$type({c}) = "array" ? ({int_check(k, list_get(c, k))}) : '
            st = f'$type({c}) = "string" ? ({int_check(k, str_get(c, k))}) : '
            bad = _err("TypeError: object is not subscriptable")
            if kt == "str":
                return f'$type({c}) = "object" and {_paren(dict_get(c, k))}' if False else (
                    f'$type({c}) != "object" ? {_err("TypeError: indices must be integers")} : {dict_get(c, k)}')
            if kt == "int":
                return arr + st + f'$type({c}) = "object" ? {_err(f"KeyError: {k}")} : ' + bad
            return obj + arr + st + bad
        return J(self._let([container, key], dispatch))

    def _slice(self, node: ast.Subscript, container: J, sl: ast.Slice) -> J:
        t = container.type
        if t not in (None, "list", "str"):
            self._refuse(node, f"a {t} value cannot be sliced", "slice a list or a str")
        step = None
        if sl.step is not None:
            try:
                step = self.literal_value(sl.step)
            except NotConstant:
                step = "?"
            if step not in (1, -1, None) or isinstance(step, bool):
                self._refuse(sl.step, "slice steps other than 1 and -1 are not supported",
                             "move this slicing into a step function")
            if step == -1 and (sl.lower is not None or sl.upper is not None):
                self._refuse(sl, "a reversed slice with bounds is not supported", "use xs[::-1] on a sub-slice")
        bounds = []
        for b in (sl.lower, sl.upper):
            if b is None:
                bounds.append(None)
                continue
            bj = self._tr(b)
            if bj.type not in (None, "int"):
                self._refuse(b, "slice bounds must be integers or None", "use int bounds")
            bounds.append(bj)

        if step == -1:
            acc, el = self._fresh(), self._fresh()

            def rev(c: str) -> str:
                return (f'$type({c}) = "string" ? $join($reverse($split({c}, ""))) : '
                        f'$type({c}) = "array" ? $reduce({c}, function({acc}, {el}) {{ $append({single(el)}, {acc}) }}, []) : '
                        f'{_err("TypeError: object is not subscriptable")}')
            return J(self._let([container], rev), t)

        def body(c: str, *bs: str) -> str:
            lo_j, hi_j = bounds
            it = iter(bs)
            n = self._fresh()
            binds = [(n, f'$type({c}) = "string" ? $length({c}) : $count({c})')]
            names = []
            for b, default in ((lo_j, "0"), (hi_j, n)):
                if b is None:
                    names.append(default)
                    continue
                v = next(it)
                w = self._fresh()
                check = "" if b.type == "int" else (
                    f'$not({_is_int(v)}) ? {_err("TypeError: slice indices must be integers")} : ')
                binds.append((w, f"{check}{v} < 0 ? $max([{v} + {n}, 0]) : $min([{v}, {n}])"))
                names.append(w)
            lo, hi = names
            i, acc = self._fresh(), self._fresh()
            lst = (f"{lo} < {hi} ? $reduce([{lo}..{hi} - 1], function({acc}, {i}) "
                   f"{{ $append({acc}, {single(c + '[' + i + ']')}) }}, []) : []")
            sub = f"{lo} < {hi} ? $substring({c}, {lo}, {hi} - {lo}) : \"\""
            if t == "list":
                return _block(binds, lst)
            if t == "str":
                return _block(binds, sub)
            return _block(binds, f'$type({c}) = "string" ? ({sub}) : $type({c}) = "array" ? ({lst}) : '
                                 f'{_err("TypeError: object is not subscriptable")}')

        parts = [container] + [b for b in bounds if b is not None]
        return J(self._let(parts, body), t)

    # -- f-strings --
    def _tr_JoinedStr(self, node: ast.JoinedStr) -> J:
        pieces: list[str] = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                if v.value:
                    pieces.append(_q(v.value))
            else:
                pieces.append(_paren(self._formatted(v)))
        if not pieces:
            return J('""', "str")
        return J(" & ".join(pieces) if len(pieces) > 1 else pieces[0], "str")

    def _formatted(self, v: ast.FormattedValue) -> str:
        if v.conversion not in (-1, ord("s")):
            self._refuse(v, "!r and !a conversions are not supported in workflow f-strings",
                         "use the plain {value} form")
        value = self._tr(v.value)
        if v.format_spec is None:
            return self._str(value)
        spec = _constant_spec(v.format_spec)
        if spec is None:
            self._refuse(v, "computed format specs are not supported", "use a literal format spec")
        return self._format(v, value, spec)

    def _format(self, node: ast.AST, value: J, spec: str) -> str:
        if spec == "":
            return self._str(value)  # format(x, "") is str(x)
        m = _SPEC.match(spec)
        if not m:
            self._refuse(node, f"format spec {spec!r} is not supported",
                         "use one of: .Nf, ,, ,.Nf, d, >N, <N, ^N, 0N (see docs/expressions.md)")
        fill, align, zero, width, comma, prec, kind = m.group("fill", "align", "zero", "width", "comma", "prec",
                                                              "kind")
        if zero:
            fill, align = fill or "0", align or "="
        if prec is not None and kind != "f":
            self._refuse(node, f"format spec {spec!r} is not supported", "use .Nf for decimals")
        numeric = kind in ("f", "d") or comma or align == "="
        w = int(width) if width else 0
        fill = fill or " "
        if numeric:
            if value.type not in (None, "bool") + NUMERIC:
                self._refuse(node, f"format spec {spec!r} needs a number", "format numbers only")
            text = self._let([value], lambda x: self._format_number(node, x, kind, comma, prec, value.type))
            return self._let([J(text, "str")], lambda s: _pad(s, w, fill, align or ">")) if w else text
        if kind == "s" or value.type == "str":
            if value.type not in (None, "str"):
                self._refuse(node, f"format spec {spec!r} needs a str", "convert the value with str() first")
            check = "" if value.type == "str" else (
                f'$type({{v}}) != "string" ? {_err("TypeError: unsupported format string for a non-str value")} : ')
            return self._let([value], lambda v: check.format(v=v) + _pad(v, w, fill, align or "<"))
        if value.type in NUMERIC:
            return self._let([J(self._str(value), "str")], lambda s: _pad(s, w, fill, align or ">"))
        if value.type == "bool":
            return _pad(f'({value.code} ? "1" : "0")', w, fill, align or ">")
        if value.type is not None:
            self._refuse(node, f"format spec {spec!r} on a {value.type}", "convert the value with str() first")
        # Unknown type: strings align left; numbers (and booleans, formatted as 1/0 as Python does) align right.
        t = self._fresh()
        return self._let([value], lambda v: _block([(t, (
            f'$type({v}) = "string" ? {v} : $type({v}) = "number" ? ({_str_number(v)}) : '
            f'$type({v}) = "boolean" ? ({v} ? "1" : "0") : '
            f'{_err("TypeError: unsupported format string passed to this type")}'))],
            _pad(t, w, fill, align) if align else
            f'$type({v}) = "string" ? {_pad(t, w, fill, "<")} : {_pad(t, w, fill, ">")}'))

    def _format_number(self, node: ast.AST, x: str, kind: str | None, comma: str | None, prec: str | None,
                       t: str | None) -> str:
        if t == "bool":
            return self._format_number(node, f"({x} ? 1 : 0)", kind, comma, prec, "int")
        if t is None:
            # Booleans format as the integers 1 and 0.
            n = self._fresh()
            return _block([(n, f'$type({x}) = "boolean" ? ({x} ? 1 : 0) : {x}')],
                          self._format_number(node, n, kind, comma, prec, "number?"))
        check = "" if t in NUMERIC else (
            f'$type({x}) != "number" ? {_err("ValueError: unknown format code for object")} : ')
        if kind is None and not comma:
            # "05", "=8": the number as str() prints it, padded after the sign.
            return check + (self._str(J(x, t)) if t in NUMERIC else _str_number(x))
        if kind == "d":
            check += f'$floor({x}) != {x} ? {_err("ValueError: unknown format code d for float")} : '
            return f"{check}{_group(x) if comma else f'$formatNumber({x}, {_q(chr(48))})'}"
        if kind == "f":
            digits = int(prec) if prec is not None else 6
            if digits > 15:
                self._refuse(node, "more than 15 decimals cannot be formatted faithfully", "use at most .15f")
            return f"{check}{_fixed(x, digits, bool(comma))}"
        # "," alone: integers get separators; floats keep Python's str() digits.
        return (f"{check}$floor({x}) = {x} ? {_group(x)} : "
                f"{_err('ValueError: the , format spec on a non-integer is not supported in workflows')}")

    # -- str() --
    def _str(self, value: J) -> str:
        t = value.type
        if t == "str":
            return value.code
        if t == "int":
            # $string keeps only 15 significant digits; $formatNumber prints every digit of an integer.
            return f'$formatNumber({value.code}, "0")'
        if t == "float":
            # Statically a float (a literal, `/`, float(), a float operand): an integral value prints as "2.0".
            return self._let([value], lambda v: (
                f'$floor({v}) = {v} ? ($abs({v}) < 1e16 ? $formatNumber({v}, "0") & ".0" : '
                f'{_err("ValueError: str() of a float of 1e16 or more is not supported in a workflow")}) : '
                f"{_str_number(v)}"))
        if t == "bool":
            return f'({value.code} ? "True" : "False")'
        if t == "none":
            return '"None"' if value.atom else f'( {value.code}; "None" )'
        if t in ("list", "dict"):
            return self._let([value], lambda v: self._repr_call(v))
        # repr() and str() agree on everything but a top-level string.
        return self._let([value], lambda v: f'$type({v}) = "string" ? {v} : {self._repr_call(v)}')

    def _repr_call(self, v: str) -> str:
        """Python's str() of a list or dict: the repr of its items, by a recursive JSONata function bound once per
        expression (translate() adds the binding)."""
        self._needs_repr = True
        return f"{_REPR}({v})"

    # -- calls --
    def _tr_Call(self, node: ast.Call) -> J:
        func = node.func
        if isinstance(func, ast.Attribute):
            if isinstance(func.value, ast.Name) and func.value.id in self.module_aliases:
                if func.attr in PREDICATE_NAMES:
                    return self._predicate(node, func.attr)
                self._refuse(node, f"{func.value.id}.{func.attr}(...) cannot be used inside an expression",
                             "call it as a statement of its own, assigning its result to a variable")
            if func.attr in PREDICATE_NAMES and isinstance(func.value, ast.Name) and func.value.id[:1].isupper():
                return self._predicate(node, func.attr)
            return self._method(node, func)
        if isinstance(func, ast.Name):
            if func.id in self.predicate_names:
                return self._predicate(node, func.id)
            handler = getattr(self, "_builtin_" + func.id, None)
            if handler is not None and not any(func.id in s for s in self._scopes):
                for kw in node.keywords:
                    if func.id == "dict" and kw.arg is not None:
                        continue
                    if kw.arg is None or (func.id, kw.arg) not in _KEYWORDS:
                        self._refuse(node, f"{func.id}() with keyword {kw.arg or '**'} is not supported",
                                     "see docs/expressions.md for the supported forms")
                if any(isinstance(a, ast.Starred) for a in node.args):
                    self._refuse(node, "*args in a builtin call is not supported", "pass the arguments directly")
                return handler(node)
        self._refuse(node, f"call to {_describe(func)} cannot be inlined in JSONata",
                     "move this computation into a step function")

    def _args(self, node: ast.Call, lo: int, hi: int) -> list[J]:
        if not lo <= len(node.args) <= hi:
            self._refuse(node, f"{_describe(node.func)}() takes {lo}..{hi} arguments here, got {len(node.args)}",
                         "see docs/expressions.md for the supported forms")
        return [self._tr(a) for a in node.args]

    def _kw(self, node: ast.Call, name: str) -> ast.expr | None:
        for kw in node.keywords:
            if kw.arg == name:
                return kw.value
        return None

    def _builtin_len(self, node: ast.Call) -> J:
        if len(node.args) != 1:
            self._refuse(node, "len() takes exactly one argument", "len(x)")
        x = self._tr_view_ok(node.args[0])
        if x.type == "str":
            return J(f"$length({x.code})", "int")
        if x.type == "list":
            return J(f"$count({x.code})", "int")
        if x.type == "dict":
            return J(f"$count($keys({x.code}))", "int")
        if x.type is not None:
            self._refuse(node, f"len() of a {x.type}", "len() takes a str, list or dict")
        return J(self._let([x], lambda v: (
            f'$type({v}) = "string" ? $length({v}) : $type({v}) = "array" ? $count({v}) : '
            f'$type({v}) = "object" ? $count($keys({v})) : {_err("TypeError: object has no len()")}')), "int")

    def _builtin_str(self, node: ast.Call) -> J:
        (x,) = self._args(node, 1, 1)
        return J(self._str(x), "str")

    def _builtin_bool(self, node: ast.Call) -> J:
        (x,) = self._args(node, 1, 1)
        return J(self._truthy(x), "bool")

    def _builtin_int(self, node: ast.Call) -> J:
        (x,) = self._args(node, 1, 1)
        trunc = lambda v: f"({v} < 0 ? $ceil({v}) : $floor({v}))"  # noqa: E731  Python truncates toward zero
        parse = lambda v: (  # noqa: E731
            f'$contains({v}, /^\\s*[-+]?[0-9]+\\s*$/) ? '
            f'( $__s := $replace($replace({v}, /\\s/, ""), "+", ""); $__d := $replace($__s, /^(-?)0+(?=[0-9])/, "$1"); '
            f'$abs($number($__d)) < 9007199254740992 ? $number($__d) : '
            f'{_err("ValueError: integer too large for a workflow expression")} ) : '
            f'$error("ValueError: invalid literal for int() with base 10: " & {v})')
        if x.type == "int":
            return x
        if x.type == "float":
            return J(self._let([x], trunc), "int")
        if x.type == "bool":
            return J(f"({x.code} ? 1 : 0)", "int")
        if x.type == "str":
            return J(self._let([x], parse), "int")
        if x.type is not None:
            self._refuse(node, f"int() of a {x.type}", "int() takes a number, bool or str")
        return J(self._let([x], lambda v: (
            f'$type({v}) = "number" ? {trunc(v)} : $type({v}) = "boolean" ? ({v} ? 1 : 0) : '
            f'$type({v}) = "string" ? ({parse(v)}) : '
            f'{_err("TypeError: int() argument must be a string or a number")}')), "int")

    def _builtin_float(self, node: ast.Call) -> J:
        (x,) = self._args(node, 1, 1)
        if x.type in NUMERIC:
            return J(x.code, "float")
        parse = lambda v: (  # noqa: E731
            f'$contains({v}, /^\\s*-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?\\s*$/) ? '
            f'$number($replace({v}, /\\s/, "")) : '
            f'$error("ValueError: could not convert string to float: " & {v})')
        return J(self._let([x], lambda v: (
            f'$type({v}) = "number" ? {v} : $type({v}) = "boolean" ? ({v} ? 1 : 0) : '
            f'$type({v}) = "string" ? ({parse(v)}) : '
            f'{_err("TypeError: float() argument must be a string or a number")}')), "float")

    def _builtin_abs(self, node: ast.Call) -> J:
        (x,) = self._args(node, 1, 1)
        return J(f"$abs({x.code})", x.type if x.type in NUMERIC else None)

    def _seq_arg(self, node: ast.Call) -> J:
        """The list min/max/sum/sorted/any/all work on: one iterable argument, or several arguments."""
        if len(node.args) == 1:
            return self._iterable(node.args[0])
        return J(self._build_list(node, [("one", self._tr(a)) for a in node.args]), "list")

    def _iterable(self, node: ast.expr) -> J:
        """A Python iterable as a JSONata array: lists as they are, strings as characters, dicts as their keys."""
        if isinstance(node, ast.GeneratorExp):
            return self._comprehension(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range" \
                and not any("range" in sc for sc in self._scopes):
            return self._range(node)
        x = self._tr_view_ok(node)
        if x.type == "list":
            return x
        if x.type == "str":
            return J(f'$split({x.code}, "")', "list")
        if x.type == "dict":
            return J(f"[$keys({x.code})]", "list")
        if x.type is not None:
            self._refuse(node, f"a {x.type} is not iterable", "iterate over a list, str or dict")
        return J(self._let([x], lambda v: (
            f'$type({v}) = "array" ? {v} : $type({v}) = "string" ? $split({v}, "") : '
            f'$type({v}) = "object" ? [$keys({v})] : {_err("TypeError: object is not iterable")}')), "list")

    def _range(self, node: ast.Call) -> J:
        """range(...) iterated by a comprehension, sum(), sorted() ...: the list of its integers."""
        if node.keywords or not 1 <= len(node.args) <= 3 or any(isinstance(a, ast.Starred) for a in node.args):
            self._refuse(node, "range() takes one to three positional arguments", "write range(n) or range(a, b, s)")
        args = [self._tr(a) for a in node.args]
        for a, e in zip(node.args, args):
            if e.type not in (None, "int"):
                self._refuse(a, f"range() needs integers, not {e.type}", "convert with int(...)")
        if len(args) == 3 and _number_literal(args[2].code) == 0:
            self._refuse(node.args[2], "range() arg 3 must not be zero", "use a non-zero step")

        def build(*vs: str) -> str:
            checks = "".join(
                f"$not({_is_int(v)}) ? {_err('TypeError: range() needs integers')} : "
                for v, e in zip(vs, args) if e.type != "int")
            if len(vs) == 1:
                return f"{checks}[0..{vs[0]} - 1]"
            if len(vs) == 2:
                return f"{checks}[{vs[0]}..{vs[1]} - 1]"
            a, b, st = vs
            n, i = self._fresh(), self._fresh()
            return (f"{checks}{st} = 0 ? {_err('ValueError: range() arg 3 must not be zero')} : "
                    f"( {n} := {st} > 0 ? $ceil(({b} - {a}) / {st}) : $ceil(({a} - {b}) / -{st}); "
                    f"{n} > 0 ? [$map([0..{n} - 1], function({i}) {{ {a} + {i} * {st} }})] : [] )")

        return J(self._let(args, build), "list")

    def _extreme(self, node: ast.Call, last: bool) -> J:
        if not node.args:
            self._refuse(node, f"{_describe(node.func)}() needs arguments", "pass a list or several values")
        if self._kw(node, "default") is not None and len(node.args) != 1:
            self._refuse(node, "default= needs a single iterable argument", "pass one list")
        xs = self._seq_arg(node)
        default = self._kw(node, "default")
        empty = self._tr(default).code if default is not None else _err(
            f"ValueError: {_describe(node.func)}() arg is an empty sequence")
        # $sort orders numbers or strings and fails on mixtures, as Python's comparisons do.
        pick = "[-1]" if last else "[0]"
        return J(self._let([xs], lambda v: (
            f"$count({v}) = 0 ? {empty} : $count({v}) = 1 ? {v}[0] : ({_py_sort(v)}){pick}")))

    def _builtin_min(self, node: ast.Call) -> J:
        return self._extreme(node, False)

    def _builtin_max(self, node: ast.Call) -> J:
        return self._extreme(node, True)

    def _builtin_sum(self, node: ast.Call) -> J:
        if len(node.args) not in (1, 2):
            self._refuse(node, "sum() takes an iterable and an optional start", "sum(xs) or sum(xs, start)")
        xs = self._iterable(node.args[0])
        total = J(f"$sum({xs.code})")
        if len(node.args) == 2:
            start = self._tr(node.args[1])
            return J(f"{_paren(start.code)} + {total.code}")
        return total

    def _builtin_round(self, node: ast.Call) -> J:
        args = node.args
        if len(args) == 1 and self._kw(node, "ndigits") is None:
            x = self._tr(args[0])
            return J(f"$round({x.code})", "int")
        nd = args[1] if len(args) == 2 else self._kw(node, "ndigits")
        try:
            digits = self.literal_value(nd)
        except NotConstant:
            digits = None
        if not isinstance(digits, int) or isinstance(digits, bool) or not 0 <= digits <= 15:
            self._refuse(node, "round() needs a literal ndigits between 0 and 15",
                         "write round(x, 2) with a literal, or round in a step function")
        x = self._tr(args[0])
        if x.type == "int":
            return x
        return J(self._let([x], lambda v: (
            f'$type({v}) != "number" ? {_err("TypeError: round() needs a number")} : '
            f"{_round_half_even_exact(v, digits)}")), "float")

    def _builtin_sorted(self, node: ast.Call) -> J:
        if len(node.args) != 1:
            self._refuse(node, "sorted() takes one iterable", "sorted(xs)")
        xs = self._iterable(node.args[0])
        rev = self._kw(node, "reverse")
        reverse = False
        if rev is not None:
            try:
                reverse = self.literal_value(rev)
            except NotConstant:
                reverse = None
            if not isinstance(reverse, bool):
                self._refuse(rev, "reverse= must be a literal True or False", "write reverse=True")
        key = self._kw(node, "key")
        if key is None:
            def sort(v: str) -> str:
                return f"$count({v}) <= 1 ? {v} : {_py_sort(v)}"
        else:
            if not (isinstance(key, ast.Lambda) and len(key.args.args) == 1 and not key.args.defaults):
                self._refuse(key, "key= must be a one-argument lambda with a pure body",
                             "write key=lambda x: x[\"field\"], or sort in a step function")
            a, b = self._fresh(), self._fresh()
            param = key.args.args[0].arg
            self._scopes.append({param: a})
            ka = self._tr(key.body)
            self._scopes[-1] = {param: b}
            kb = self._tr(key.body)
            self._scopes.pop()
            if ka.type in ("int", "float", "str"):
                after = f"{_paren(ka.code)} > {_paren(kb.code)}"
            else:  # keys may be lists ([r["a"], r["b"]]): compare as Python does
                after = f"{_CMP}({ka.code}, {kb.code}) > 0"

            # The comparator says whether the first item goes after the second; $sort is a stable merge sort.
            def sort(v: str) -> str:
                code = f"$sort({v}, function({a}, {b}) {{ {after} }})"
                if _CMP in after:
                    code = f"( {_CMP} := {_cmp_fn()}; {code} )"
                return f"$count({v}) <= 1 ? {v} : {code}"
        if reverse:
            # Python's reverse sort keeps equal items in their original order: reverse, sort stably, reverse.
            code = self._let([J(f"$reverse({xs.code})")],
                             lambda v: f"$count({v}) <= 1 ? {v} : $reverse({_paren(sort(v))})")
        else:
            code = self._let([xs], sort)
        return J(code, "list")

    def _builtin_list(self, node: ast.Call) -> J:
        if not node.args:
            return J("[]", "list")
        return self._iterable(node.args[0]) if len(node.args) == 1 else self._args(node, 0, 1)[0]

    _builtin_tuple = _builtin_list

    def _builtin_dict(self, node: ast.Call) -> J:
        """dict(), dict(d) (a shallow copy: JSON values are copied anyway), dict(pairs), dict(k=v, ...)."""
        if len(node.args) > 1:
            self._refuse(node, "dict() takes at most one positional argument", "dict(d) or dict(k=v)")
        parts: list[str] = []
        if node.args:
            src = self._tr_view_ok(node.args[0])
            acc, p = self._fresh(), self._fresh()
            def from_pairs(v: str) -> str:
                # A two-character string is a pair too, as in Python: dict(["ab"]) == {"a": "b"}.
                return (f'$reduce({v}, function({acc}, {p}) {{ $type({p}) = "array" and $count({p}) = 2 and '
                        f'$type({p}[0]) = "string" ? $merge([{acc}, {{{p}[0]: {p}[1]}}]) : '
                        f'$type({p}) = "string" and $length({p}) = 2 ? '
                        f'$merge([{acc}, {{$substring({p}, 0, 1): $substring({p}, 1, 1)}}]) : '
                        f'{_err("TypeError: dict() needs [key, value] pairs with string keys")} }}, {{}})')

            if src.type == "dict":
                parts.append(src.code)
            else:
                parts.append(self._let([src], lambda v: (
                    f'$type({v}) = "object" ? {v} : $type({v}) = "array" ? {from_pairs(v)} : '
                    f'$type({v}) = "string" and {v} = "" ? {{}} : '
                    f'{_err("TypeError: dict() needs a dict or a list of pairs")}')))
        if node.keywords:
            parts.append("{" + ", ".join(f"{_q(kw.arg)}: {self._tr(kw.value).code}" for kw in node.keywords) + "}")
        if not parts:
            return J("{}", "dict")
        if len(parts) == 1 and not node.args:
            return J(parts[0], "dict")
        return J(f"$merge([{', '.join(parts)}])" if len(parts) > 1 else parts[0], "dict")

    def _builtin_any(self, node: ast.Call) -> J:
        xs = self._seq_arg(node) if len(node.args) == 1 else self._args(node, 1, 1)[0]
        e = self._fresh()
        return J(f"$exists($filter({xs.code}, function({e}) {{ {self._truthy(J(e))} }}))", "bool")

    def _builtin_all(self, node: ast.Call) -> J:
        xs = self._seq_arg(node) if len(node.args) == 1 else self._args(node, 1, 1)[0]
        e = self._fresh()
        return J(f"$not($exists($filter({xs.code}, function({e}) {{ $not({self._truthy(J(e))}) }})))", "bool")

    def _builtin_isinstance(self, node: ast.Call) -> J:
        if len(node.args) != 2:
            self._refuse(node, "isinstance() takes a value and a type", "isinstance(x, int)")
        x = self._tr(node.args[0])
        spec = node.args[1]
        names = spec.elts if isinstance(spec, ast.Tuple) else [spec]
        tests = []
        for n in names:
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "type" and len(n.args) == 1 \
                    and isinstance(n.args[0], ast.Constant) and n.args[0].value is None:
                tests.append(lambda v: f'$type({v}) = "null"')
            elif isinstance(n, ast.Constant) and n.value is None:
                tests.append(lambda v: f'$type({v}) = "null"')
            elif isinstance(n, ast.Name) and n.id in _ISINSTANCE:
                tests.append(_ISINSTANCE[n.id])
            else:
                self._refuse(n, f"isinstance() with {_describe(n)} is not supported",
                             "use int, float, str, bool, list, dict, tuple or type(None)")
        names_ok = [n.id if isinstance(n, ast.Name) else "NoneType" for n in names]
        if x.type is not None:
            # Known statically (a float stays a float even when its value is whole, as in Python).
            pytypes = {"int": {"int"}, "float": {"float"}, "str": {"str"}, "bool": {"bool", "int"},
                       "none": {"NoneType"}, "list": {"list", "tuple"}, "dict": {"dict"}}[x.type]
            hit = any(n in pytypes for n in names_ok) and not (x.type == "list" and "tuple" in names_ok
                                                               and "list" not in names_ok)
            verdict = "true" if hit else "false"
            return J(verdict if x.atom else f"( {x.code}; {verdict} )", "bool")
        return J(self._let([x], lambda v: "(" + " or ".join(t(v) for t in tests) + ")"), "bool")

    # -- methods --
    def _method(self, node: ast.Call, func: ast.Attribute) -> J:
        name = func.attr
        if name == "format" and isinstance(func.value, ast.Constant) and isinstance(func.value.value, str):
            return self._str_format(node, func.value.value)
        handler = getattr(self, "_m_" + name, None)
        if handler is None or node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            self._refuse(node, f"method .{name}(...) cannot be inlined in JSONata",
                         "see docs/expressions.md for the supported methods, or use a step function")
        obj = self._tr(func.value)
        return handler(node, obj)

    def _str_format(self, node: ast.Call, template: str) -> J:
        """"...{}...{name:>5}".format(...) on a literal template: the same translation as the f-string."""
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            self._refuse(node, "str.format with *args or **kwargs is not supported", "use an f-string")
        kwargs = {k.arg: k.value for k in node.keywords}
        pieces: list[str] = []
        auto = 0
        try:
            parsed = list(string.Formatter().parse(template))
        except ValueError as exc:
            self._refuse(node, f"invalid format string: {exc}", "fix the template")
        for literal, field, spec, conv in parsed:
            if literal:
                pieces.append(_q(literal))
            if field is None:
                continue
            if conv not in (None, "s") or (spec and "{" in spec):
                self._refuse(node, "conversions and nested fields in str.format are not supported",
                             "use an f-string with a literal spec")
            if field == "":
                field, auto = str(auto), auto + 1
            if field.isdigit() and int(field) < len(node.args):
                arg = node.args[int(field)]
            elif field in kwargs:
                arg = kwargs[field]
            else:
                self._refuse(node, f"str.format field {{{field}}} is not a plain argument",
                             "use an f-string for attribute or index access")
            value = self._tr(arg)
            pieces.append(_paren(self._format(node, value, spec) if spec else self._str(value)))
        if not pieces:
            return J('""', "str")
        return J(" & ".join(pieces), "str")

    def _typed(self, node: ast.AST, obj: J, want: str, body: Callable[[str], str], rtype: str | None = None,
               extra: list[J] | None = None) -> J:
        jtype = {"str": "string", "list": "array", "dict": "object"}[want]
        name = _describe(node.func) if isinstance(node, ast.Call) else "method"
        if obj.type not in (None, want):
            self._refuse(node, f"{name}: a {obj.type} has no such method", f"call it on a {want}")
        parts = [obj] + (extra or [])

        def wrapped(o: str, *rest: str) -> str:
            b = body(o, *rest)
            if obj.type == want:
                return b
            return f'$type({o}) = "{jtype}" ? ({b}) : {_err(f"AttributeError: object has no method used in {name}")}'
        return J(self._let(parts, wrapped), rtype)

    def _str_args(self, node: ast.Call, lo: int, hi: int) -> list[J]:
        args = self._args(node, lo, hi)
        for a, src in zip(args, node.args):
            if a.type not in (None, "str"):
                self._refuse(src, "this argument must be a str", "pass a string")
        return args

    def _m_upper(self, node: ast.Call, obj: J) -> J:
        self._args(node, 0, 0)
        return self._typed(node, obj, "str", lambda s: f"$uppercase({s})", "str")

    def _m_lower(self, node: ast.Call, obj: J) -> J:
        self._args(node, 0, 0)
        return self._typed(node, obj, "str", lambda s: f"$lowercase({s})", "str")

    def _m_strip(self, node: ast.Call, obj: J) -> J:
        self._args(node, 0, 0)
        # $trim also collapses inner whitespace; Python's strip only removes the ends.
        return self._typed(node, obj, "str", lambda s: f'$replace({s}, /^\\s+|\\s+$/, "")', "str")

    def _m_startswith(self, node: ast.Call, obj: J) -> J:
        args = self._str_args(node, 1, 1)
        return self._typed(node, obj, "str", lambda s, p: (
            f'$type({p}) != "string" ? {_err("TypeError: startswith arg must be str")} : '
            f"$substring({s}, 0, $length({p})) = {p}"), "bool", args)

    def _m_endswith(self, node: ast.Call, obj: J) -> J:
        args = self._str_args(node, 1, 1)
        return self._typed(node, obj, "str", lambda s, p: (
            f'$type({p}) != "string" ? {_err("TypeError: endswith arg must be str")} : '
            f"$length({p}) <= $length({s}) and $substring({s}, $length({s}) - $length({p})) = {p}"), "bool", args)

    def _m_split(self, node: ast.Call, obj: J) -> J:
        args = self._str_args(node, 0, 1)
        if not args or args[0].type == "none":
            return self._typed(node, obj, "str", lambda s: (
                f'( $__t := $trim({s}); $__t = "" ? [] : [$split($__t, " ")] )'), "list")
        if args[0].code == '""':
            self._refuse(node, "str.split('') raises ValueError: empty separator", "use list(s) for characters")
        check = "" if args[0].type == "str" and args[0].atom else f'{{sep}} = "" ? {_err("ValueError: empty separator")} : '
        return self._typed(node, obj, "str", lambda s, sep: (
            check.format(sep=sep) + f"[$split({s}, {sep})]"), "list", args)

    def _m_replace(self, node: ast.Call, obj: J) -> J:
        args = self._str_args(node, 2, 2)
        return self._typed(node, obj, "str", lambda s, a, b: (
            f'{a} = "" ? {_err("ValueError: replacing the empty string is not supported in a workflow")} : '
            f"$replace({s}, {a}, {b})"), "str", args)

    def _m_join(self, node: ast.Call, obj: J) -> J:
        (xs,) = self._args(node, 1, 1)
        it = self._iterable(node.args[0]) if xs.type != "list" else xs
        e = self._fresh()
        return self._typed(node, obj, "str", lambda sep, v: (
            f'$exists($filter({v}, function({e}) {{ $type({e}) != "string" }})) ? '
            f'{_err("TypeError: sequence item: expected str instance")} : $join({v}, {sep})'), "str", [it])

    def _m_count(self, node: ast.Call, obj: J) -> J:
        (x,) = self._args(node, 1, 1)
        acc, e = self._fresh(), self._fresh()

        def in_str(s: str, sub: str) -> str:
            return (f'$type({sub}) != "string" ? {_err("TypeError: must be str")} : '
                    f'{sub} = "" ? $length({s}) + 1 : $count($split({s}, {sub})) - 1')

        def in_list(l: str, v: str) -> str:
            return (f"$reduce({l}, function({acc}, {e}) {{ {acc} + ({self._eq(J(e), J(v, x.type))} ? 1 : 0) }}, 0)")

        if obj.type == "str":
            return J(self._let([obj, x], in_str), "int")
        if obj.type == "list":
            return J(self._let([obj, x], in_list), "int")
        return J(self._let([obj, x], lambda o, v: (
            f'$type({o}) = "string" ? ({in_str(o, v)}) : $type({o}) = "array" ? ({in_list(o, v)}) : '
            f'{_err("AttributeError: object has no attribute count")}')), "int")

    def _m_index(self, node: ast.Call, obj: J) -> J:
        (x,) = self._args(node, 1, 1)
        acc, e, i, r = self._fresh(), self._fresh(), self._fresh(), self._fresh()

        def in_list(l: str, v: str) -> str:
            return (f"( {r} := $reduce({l}, function({acc}, {e}, {i}) {{ {acc} >= 0 ? {acc} : "
                    f"({self._eq(J(e), J(v, x.type))} ? {i} : -1) }}, -1); "
                    f"{r} < 0 ? {_err('ValueError: x not in list')} : {r} )")

        def in_str(s: str, sub: str) -> str:
            return (f'$type({sub}) != "string" ? {_err("TypeError: must be str")} : '
                    f"$contains({s}, {sub}) ? $length($substringBefore({s}, {sub})) : "
                    f"{_err('ValueError: substring not found')}")

        if obj.type == "list":
            return J(self._let([obj, x], in_list), "int")
        if obj.type == "str":
            return J(self._let([obj, x], in_str), "int")
        return J(self._let([obj, x], lambda o, v: (
            f'$type({o}) = "array" ? {in_list(o, v)} : $type({o}) = "string" ? ({in_str(o, v)}) : '
            f'{_err("AttributeError: object has no attribute index")}')), "int")

    def _m_find(self, node: ast.Call, obj: J) -> J:
        args = self._str_args(node, 1, 1)
        return self._typed(node, obj, "str", lambda s, sub: (
            f"$contains({s}, {sub}) ? $length($substringBefore({s}, {sub})) : -1"), "int", args)

    def _m_get(self, node: ast.Call, obj: J) -> J:
        args = self._args(node, 1, 2)
        default = args[1] if len(args) == 2 else J("null", "none")
        key_test = "" if args[0].type == "str" else f'$type({{k}}) = "string" and '
        return self._typed(node, obj, "dict", lambda d, k, dv: (
            key_test.format(k=k) + f"$exists($lookup({d}, {k})) ? $lookup({d}, {k}) : {dv}"), None,
            [args[0], default])

    def _m_keys(self, node: ast.Call, obj: J) -> J:
        self._args(node, 0, 0)
        return self._typed(node, obj, "dict", lambda d: f"[$keys({d})]", "view")

    def _m_values(self, node: ast.Call, obj: J) -> J:
        self._args(node, 0, 0)
        acc, k = self._fresh(), self._fresh()
        return self._typed(node, obj, "dict", lambda d: (
            f"$reduce([$keys({d})], function({acc}, {k}) {{ $append({acc}, {single(f'$lookup({d}, {k})')}) }}, [])"),
            "view")

    def _m_items(self, node: ast.Call, obj: J) -> J:
        self._args(node, 0, 0)
        acc, k = self._fresh(), self._fresh()
        return self._typed(node, obj, "dict", lambda d: (
            f"$reduce([$keys({d})], function({acc}, {k}) "
            f"{{ $append({acc}, [[$append([{k}], {single(f'$lookup({d}, {k})')})]]) }}, [])"), "view")

    # -- comprehensions --
    def _tr_ListComp(self, node: ast.ListComp | ast.GeneratorExp) -> J:
        return self._comprehension(node)

    _tr_GeneratorExp = _tr_ListComp

    def _tr_DictComp(self, node: ast.DictComp) -> J:
        return self._comprehension(node)

    def _comprehension(self, node: ast.ListComp | ast.GeneratorExp | ast.DictComp) -> J:
        is_dict = isinstance(node, ast.DictComp)
        pushed = 0
        try:
            gens = []
            for g in node.generators:
                if g.is_async:
                    self._refuse(g, "async comprehensions are not supported", "use a plain comprehension")
                it = self._iterable(g.iter)
                p = self._fresh()
                scope, unpack = self._targets(g.target, p)
                self._scopes.append(scope)
                pushed += 1
                conds = [self._truthy(self._tr(c)) for c in g.ifs]
                gens.append((it, p, unpack, conds))
            if is_dict:
                k = self._tr(node.key)
                if k.type not in (None, "str"):
                    self._refuse(node.key, "dict keys in a workflow must be strings", "convert the key with str()")
                v = self._tr(node.value)
                kv = f"{{{k.code}: {v.code}}}" if k.type == "str" else self._let([k], lambda kk: (
                    f'$type({kk}) = "string" ? {{{kk}: {v.code}}} : {_err("TypeError: JSON object keys must be strings")}'))
            else:
                elt = self._tr(node.elt)
        finally:
            del self._scopes[len(self._scopes) - pushed:]
        acc = self._fresh()
        # Innermost generator first; each level appends its item (or its inner level's list) to the accumulator.
        if is_dict:
            item = f"$merge([{acc}, {kv}])"
        else:
            item = f"$append({acc}, {self._let([elt], single)})"
        code = None
        for depth in range(len(gens) - 1, -1, -1):
            it, p, unpack, conds = gens[depth]
            if code is None:
                body = item
            else:
                body = f"$append({acc}, {code})" if not is_dict else f"$merge([{acc}, {code}])"
            if conds:
                body = f"{' and '.join(_paren(c) for c in conds)} ? {body} : {acc}"
            init = "{}" if is_dict else "[]"
            code = f"$reduce({it.code}, function({acc}, {p}) {{ {_block(unpack, body)} }}, {init})"
        # $reduce over an empty array gives the initial value; over a missing one, undefined.
        return J(code, "dict" if is_dict else "list")

    def _targets(self, target: ast.expr, p: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
        if isinstance(target, ast.Name):
            return {target.id: p}, []
        if isinstance(target, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Name) for e in target.elts):
            scope, binds = {}, []
            n = len(target.elts)
            for i, e in enumerate(target.elts):
                v = self._fresh()
                scope[e.id] = v
                binds.append((v, f'$type({p}) = "array" and $count({p}) = {n} ? {p}[{i}] : '
                                 f'{_err(f"ValueError: expected {n} values to unpack")}'))
            return scope, binds
        self._refuse(target, "this comprehension target is not supported", "use a name or a tuple of names")

    # -- predicates --
    def _predicate(self, node: ast.Call, name: str) -> J:
        if node.keywords:
            self._refuse(node, f"{name}() takes positional arguments", f"{name}(value, ...)")
        arity = 1 if name.startswith("Is") else 2
        if len(node.args) != arity:
            self._refuse(node, f"{name}() takes {arity} argument(s)", f"{name}(value{', other' if arity == 2 else ''})")
        if name == "StringMatches":
            try:
                pattern = self.literal_value(node.args[1])
            except NotConstant:
                pattern = None
            if not isinstance(pattern, str):
                self._refuse(node.args[1], "StringMatches needs a literal pattern", "write the pattern as a string literal")
            regex = _wildcard_regex(pattern)
            return J(self._let([self._tr(node.args[0])], lambda s: f'($type({s}) = "string" and $contains({s}, {regex}))'), "bool")
        args = [self._tr(a) for a in node.args]
        if name == "IsPresent":
            return J(self._let(args, lambda v: f"($exists({v}) or true)"), "bool")
        if name == "IsNull":
            return J(f"{_paren(args[0].code)} = null", "bool")
        if name in ("IsNumeric", "IsString", "IsBoolean"):
            jt = {"IsNumeric": "number", "IsString": "string", "IsBoolean": "boolean"}[name]
            return J(f'$type({args[0].code}) = "{jt}"', "bool")
        if name == "IsTimestamp":
            return J(self._let(args, _is_timestamp), "bool")
        op = _PRED_OPS[next(k for k in _PRED_OPS if name.endswith(k))]
        if name.startswith("Timestamp"):
            return J(self._let(args, lambda a, b: (
                f"({_is_timestamp(a)} and {_is_timestamp(b)} and $toMillis({a}) {op} $toMillis({b}))")), "bool")
        jt = {"String": "string", "Numeric": "number", "Boolean": "boolean"}[re.match(r"[A-Z][a-z]+", name).group(0)]
        pytype = {"string": "str", "number": None, "boolean": "bool"}[jt]

        def known(e: J) -> bool:
            return e.type == pytype if pytype else e.type in NUMERIC

        def test(a: str, b: str) -> str:
            checks = [f'$type({v}) = "{jt}"' for v, e in ((a, args[0]), (b, args[1])) if not known(e)]
            return "(" + " and ".join(checks + [f"{a} {op} {b}"]) + ")"
        return J(self._let(args, test), "bool")


# --- constant folding helpers ---

_FOLD_BUILTINS = {
    name: getattr(__builtins__, name) if hasattr(__builtins__, name) else __builtins__[name]  # type: ignore[index]
    for name in ("len", "str", "int", "float", "bool", "abs", "min", "max", "sum", "round", "sorted", "list",
                 "tuple", "any", "all", "isinstance", "dict", "type")
}
_FOLD_NODES = (
    ast.Constant, ast.List, ast.Tuple, ast.Dict, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp,
    ast.Subscript, ast.Slice, ast.JoinedStr, ast.FormattedValue, ast.Call, ast.Attribute, ast.Name, ast.Load,
    ast.operator, ast.unaryop, ast.boolop, ast.cmpop, ast.keyword,
)


def _foldable(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if not isinstance(sub, _FOLD_NODES):
            return False
        if isinstance(sub, ast.Name) and sub.id not in _FOLD_BUILTINS:
            return False
        if isinstance(sub, ast.Constant) and (
            (isinstance(sub.value, int) and abs(sub.value) > 10**6) or (isinstance(sub.value, str) and len(sub.value) > 200)
        ):
            return False
        if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Pow):
            if not (isinstance(sub.right, ast.Constant) and isinstance(sub.right.value, int)
                    and abs(sub.right.value) <= 64):
                return False
        if isinstance(sub, ast.BinOp) and isinstance(sub.op, (ast.Mult, ast.LShift)):
            small = [o for o in (sub.left, sub.right) if isinstance(o, ast.Constant) and type(o.value) is int
                     and abs(o.value) <= 100]
            if not small and not all(isinstance(o, ast.Constant) and type(o.value) in (int, float)
                                     for o in (sub.left, sub.right)):
                return False  # "x" * 10**9 would be built at compile time; JSONata computes it instead
    return True


def _exact_json(value: Any) -> bool:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, int):
        return abs(value) <= MAX_EXACT_INT
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, (list, tuple)):
        return all(_exact_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _exact_json(v) for k, v in value.items())
    return False


def _string_keys(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _string_keys(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_string_keys(v) for v in value)
    return True


def _jsonata_literal(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_jsonata_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_q(k)}: {_jsonata_literal(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def _static_type(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "bool"
    return {int: "int", float: "float", str: "str", list: "list", tuple: "list", dict: "dict"}[type(value)]


# --- small helpers ---------------------------------------------------------------------------------------------

_OPNAME = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**",
    ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>", ast.MatMult: "@",
}

_KEYWORDS = {("sorted", "reverse"), ("sorted", "key"), ("min", "default"), ("max", "default"), ("round", "ndigits")}

_ISINSTANCE: dict[str, Callable[[str], str]] = {
    # JSON has one number type: 2.0 arrives as 2, so isinstance(x, int) is "an integral number" (see docs).
    "int": lambda v: f'($type({v}) = "boolean" or ($type({v}) = "number" and $floor({v}) = {v}))',
    "float": lambda v: f'($type({v}) = "number" and $floor({v}) != {v})',
    "str": lambda v: f'$type({v}) = "string"',
    "bool": lambda v: f'$type({v}) = "boolean"',
    "list": lambda v: f'$type({v}) = "array"',
    "tuple": lambda v: f'$type({v}) = "array"',
    "dict": lambda v: f'$type({v}) = "object"',
}

_PRED_OPS = {"LessThanEquals": "<=", "GreaterThanEquals": ">=", "LessThan": "<", "GreaterThan": ">", "Equals": "="}

_RFC3339 = r"/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$/"


def _is_timestamp(v: str) -> str:
    return f'($type({v}) = "string" and $contains({v}, {_RFC3339}))'


def _wildcard_regex(pattern: str) -> str:
    """ASL's StringMatches pattern (`*` any run, `\\*` a star, `\\\\` a backslash) as a JSONata regex literal."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "*\\":
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append("[\\s\\S]*" if c == "*" else re.escape(c))
        i += 1
    body = "".join(out).replace("/", "\\/")
    return f"/^{body}$/"


_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_JSONATA_WORDS = frozenset(["and", "or", "in", "true", "false", "null", "function"])

_SPEC = re.compile(
    r"^(?:(?P<fill>[^{}])?(?P<align>[<>^=]))?(?P<zero>0)?(?P<width>[1-9]\d*)?(?P<comma>,)?"
    r"(?:\.(?P<prec>\d+))?(?P<kind>[fds])?$"
)


def _constant_spec(spec: ast.JoinedStr) -> str | None:
    out = []
    for v in spec.values:
        if not isinstance(v, ast.Constant):
            return None
        out.append(v.value)
    return "".join(out)


def _pad(s: str, width: int, fill: str, align: str) -> str:
    if width <= 0:
        return s
    f = _q(fill)
    if align == "<":
        return f"$pad({s}, {width}, {f})"
    if align in (">", "="):
        if align == "=" :
            # Sign-aware padding: "-0042" for f"{-42:05}".
            return (f'$substring({s}, 0, 1) = "-" ? "-" & $pad($substring({s}, 1), -{width - 1}, {f}) : '
                    f"$pad({s}, -{width}, {f})")
        return f"$pad({s}, -{width}, {f})"
    # Centre: Python puts the extra fill character on the right.
    n = _fresh_global()
    return (f"( {n} := {width} - $length({s}); {n} > 0 ? $pad($pad({s}, -($length({s}) + $floor({n} / 2)), {f}), "
            f"{width}, {f}) : {s} )")


# Characters whose Python repr is the character itself (besides \n, \r, \t, escaped by hand); anything else in a
# string inside a list or dict makes str() fail rather than risk a different escape than Python's.
_NOT_REPR_SAFE = r"/[^\x20-\x7e\n\r\t\u00a1-\u00ac\u00ae-\u024f]/"


_REPR = "$__repr"
_CMP = "$__cmp"


def _cmp_fn() -> str:
    """Python's ordering of numbers, strings and lists (lexicographic), as -1/0/1; other mixtures raise."""
    a, b, n, r, acc, i = "$__a", "$__b", "$__n", "$__r", "$__acc", "$__i"
    return (
        f'function({a}, {b}) {{ $type({a}) = "array" and $type({b}) = "array" ? '
        f"( {n} := $min([$count({a}), $count({b})]); "
        f"{r} := $reduce([0..{n} - 1], function({acc}, {i}) {{ {acc} != 0 ? {acc} : {_CMP}({a}[{i}], {b}[{i}]) }}, 0); "
        f"{r} != 0 ? {r} : $count({a}) - $count({b}) ) : "
        f'($type({a}) = "number" and $type({b}) = "number") or ($type({a}) = "string" and $type({b}) = "string") ? '
        f"({a} < {b} ? -1 : {a} > {b} ? 1 : 0) : "
        f"{_err(chr(39) + '<' + chr(39) + ' not supported between these types')} }}"
    )


def _py_sort(v: str) -> str:
    """$sort of a list with Python's ordering: JSONata's own when the items are not lists (numbers or strings; it
    fails on mixtures, as Python does), else a comparator that orders lists lexicographically."""
    return (f'$type({v}[0]) = "array" ? ( {_CMP} := {_cmp_fn()}; '
            f"$sort({v}, function($__l, $__g) {{ {_CMP}($__l, $__g) > 0 }}) ) : $sort({v})")


def _repr_fn() -> str:
    x, e, k, q = "$__x", "$__e", "$__k", "$__q"
    r = _REPR
    quoted = (
        f'$contains({x}, {_NOT_REPR_SAFE}) ? '
        f'{_err("ValueError: str() of a list or dict holding this text is not supported in a workflow")} : '
        f"( {q} := $contains({x}, \"'\") and $not($contains({x}, '\"')) ? '\"' : \"'\"; "
        f'{q} & $replace($replace($replace($replace($replace({x}, "\\\\", "\\\\\\\\"), {q}, "\\\\" & {q}), '
        f'"\\n", "\\\\n"), "\\r", "\\\\r"), "\\t", "\\\\t") & {q} )'
    )
    return (
        f"function({x}) {{ $type({x}) = \"string\" ? ({quoted}) : "
        f'$type({x}) = "array" ? "[" & $join($map({x}, function({e}) {{ {r}({e}) }}), ", ") & "]" : '
        f'$type({x}) = "object" ? "{{" & $join($map($keys({x}), function({k}) '
        f'{{ {r}({k}) & ": " & {r}($lookup({x}, {k})) }}), ", ") & "}}" : '
        f'$type({x}) = "boolean" ? ({x} ? "True" : "False") : $type({x}) = "null" ? "None" : {_str_number(x)} }}'
    )


def _str_scalar(v: str) -> str:
    return (f'$type({v}) = "string" ? {v} : $type({v}) = "boolean" ? ({v} ? "True" : "False") : '
            f'$type({v}) = "null" ? "None" : {_str_number(v)}')


def _str_number(v: str) -> str:
    # Integers print exactly below 2**53. Other floats print as Python's repr only when JSONata's 15-significant-
    # digit $string round-trips (then it is the shortest repr) and the magnitude is where both use plain notation.
    return (
        f'$floor({v}) = {v} and $abs({v}) < 9007199254740992 ? $formatNumber({v}, "0") : '
        f"$abs({v}) >= 0.0001 and $abs({v}) < 1e15 and $number($string({v})) = {v} ? $string({v}) : "
        f"{_err('ValueError: this float needs more than 15 significant digits or exponent notation; format it with an explicit spec such as :.6f')}"
    )


def _round_scaled(x: str, digits: int) -> tuple[list[tuple[str, str]], str, str]:
    """Bindings, the name of y = x * 10**digits, and the name of round-half-even(exact x * 10**digits).

    The multiplication rounds: the exact product is y + e, and e is recovered with Dekker's error-free product
    (Veltkamp split with 2**27 + 1) so that a y landing exactly on .5 (or an exact tie hidden by the rounding) is
    told apart, which is how Python rounds and formats the binary value itself (round(2.675, 2) == 2.67).
    """
    p = 10**digits
    y, e, f, r, xh, xl, ph, pl = (_fresh_global() for _ in range(8))
    c = 134217729
    two_prod = (
        f"( {xh} := ({c} * {x}) - (({c} * {x}) - {x}); {xl} := {x} - {xh}; "
        f"{ph} := ({c} * {p}) - (({c} * {p}) - {p}); {pl} := {p} - {ph}; "
        f"(({xh} * {ph} - {y}) + {xh} * {pl} + {xl} * {ph}) + {xl} * {pl} )"
    )
    even = lambda lo: f"({lo} % 2 = 0 ? {lo} : {lo} + 1)"  # noqa: E731
    binds = [
        (y, f"{x} * {p}"), (e, two_prod), (f, f"$floor({y})"),
        (r, f"{y} - {f} = 0.5 ? ({e} > 0 ? {f} + 1 : {e} < 0 ? {f} : {even(f)}) : "
            f"{y} = {f} and $abs({e}) = 0.5 ? {even(f'({y} + ({e} < 0 ? -1 : 0))')} : $round({y})"),
    ]
    return binds, y, r


def _round_half_even_exact(x: str, digits: int) -> str:
    """round(x, digits) as Python computes it."""
    binds, y, r = _round_scaled(x, digits)
    # Beyond 2**53 the float has no digits left at this scale: Python returns x itself.
    return _block(binds, f"$abs({y}) >= 9007199254740992 ? {x} : {r} / {10**digits}")


def _group(x: str) -> str:
    """An integer with "," thousands separators, every digit exact."""
    return f'$replace($formatNumber({x}, "0"), /(\\d)(?=(\\d{{3}})+$)/, "$1,")'


def _fixed(x: str, digits: int, comma: bool) -> str:
    """f"{x:.{digits}f}" (with "," grouping) from the exactly rounded scaled integer, digit by digit."""
    binds, y, r = _round_scaled(x, digits)
    d, i = _fresh_global(), _fresh_global()
    binds += [
        (d, f'$formatNumber($abs({r}), "0")'),
        (d, f'$length({d}) <= {digits} ? $pad({d}, -{digits + 1}, "0") : {d}'),
        (i, f"$substring({d}, 0, $length({d}) - {digits})"),
    ]
    if comma:
        binds.append((i, f'$replace({i}, /(\\d)(?=(\\d{{3}})+$)/, "$1,")'))
    frac = f' & "." & $substring({d}, $length({d}) - {digits})' if digits else ""
    # Python keeps the sign of a negative number that rounds to zero ("-0.00").
    body = f'$abs({y}) >= 9007199254740992 ? {_err("ValueError: too many digits to format faithfully in a workflow")} : ' \
        f'({x} < 0 ? "-" : "") & {i}{frac}'
    return _block(binds, body)


def _number_literal(code: str) -> float | None:
    """The value of a non-zero number literal, else None."""
    try:
        v = float(code.strip("()"))
    except ValueError:
        return None
    return v or None


def _paren(code: str) -> str:
    if _ATOM.match(code) or (code[:1] in "([{" and _balanced_outer(code)) or (
            re.match(r"^\$\w+\(", code) and _balanced_call(code)):
        return code
    return f"({code})"


def _balanced_outer(code: str) -> bool:
    depth = 0
    in_str = False
    esc = False
    for i, ch in enumerate(code):
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
            continue
        if ch == '"':
            in_str = True
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0 and i != len(code) - 1:
                return False
    return depth == 0 and code[-1:] == {"(": ")", "[": "]", "{": "}"}.get(code[:1])


def _balanced_call(code: str) -> bool:
    i = code.index("(")
    return _balanced_outer(code[i:])


def _describe(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every expression node
        return type(node).__name__
