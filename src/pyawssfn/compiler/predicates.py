"""The proof of concept's Choice predicates (``sfn.StringEquals(a, b)`` ...) as JSONata conditions.

Each is false when an operand has the wrong type, as in ASL and in ``pyawssfn``'s Python versions."""
from __future__ import annotations

from pyawssfn._api_names import PREDICATE_ARITY
from pyawssfn.compiler.expressions.build import FALSE, T
from pyawssfn.jsonata.tree import Binary, Bind, Block, Expr, Regex, Str, Var, and_
from pyawssfn.semantics.wildcard import jsonata_regex

_OPS = {"Equals": "=", "LessThan": "<", "GreaterThan": ">", "LessThanEquals": "<=", "GreaterThanEquals": ">="}
_TS = Regex(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_TYPES = {"String": Str("string"), "Numeric": Str("number"), "Boolean": Str("boolean")}
_A, _B = Var("pyawssfn_a"), Var("pyawssfn_b")


def arity(name: str) -> int:
    return PREDICATE_ARITY[name]


def _bind(a: Expr, b: Expr | None, body: Expr) -> Expr:
    binds = [Bind(_A.name, a)] + ([Bind(_B.name, b)] if b is not None else [])
    return Block((*binds, body))


def _is(kind: Expr, x: Expr = _A) -> Expr:
    return T("$type($0) = $1", x, kind)


def predicate(name: str, args: list[Expr], pattern_literal: str | None = None) -> Expr:
    """JSONata for predicate ``name`` applied to translated operands ``args``."""
    if name == "IsNull":
        return _bind(args[0], None, T("$exists($0) and $0 = null", _A))
    if name == "IsPresent":
        return T("$exists($0)", args[0])
    if name in ("IsNumeric", "IsString", "IsBoolean"):
        return _bind(args[0], None, _is(_TYPES[name[2:]]))
    if name == "IsTimestamp":
        return _bind(args[0], None, T("$0 and $contains($1, $2)", _is(_TYPES["String"]), _A, _TS))
    if name == "StringMatches":
        if pattern_literal is not None:
            regex = Regex(jsonata_regex(pattern_literal)[1:-1])
            return _bind(args[0], None, T("$0 and $contains($1, $2)", _is(_TYPES["String"]), _A, regex))
        return FALSE
    for prefix, kind in _TYPES.items():
        if name.startswith(prefix):
            op = _OPS[name[len(prefix):]]
            return _bind(args[0], args[1], and_(_is(kind), _is(kind, _B), Binary(op, _A, _B)))
    if name.startswith("Timestamp"):
        op = _OPS[name[len("Timestamp"):]]
        string = _TYPES["String"]
        guard = T("$0 and $1 and $contains($2, $4) and $contains($3, $4)", _is(string), _is(string, _B), _A, _B, _TS)
        return _bind(args[0], args[1], and_(guard, Binary(op, T("$toMillis($0)", _A), T("$toMillis($0)", _B))))
    raise KeyError(name)


def literal_pattern(code: Expr) -> str | None:
    return code.value if type(code) is Str else None  # type: ignore[attr-defined]
