"""The proof of concept's Choice predicates (``sfn.StringEquals(a, b)`` ...) as JSONata conditions.

Each is false when an operand has the wrong type, as in ASL and in ``pyawssfn``'s Python versions."""
from __future__ import annotations

import json

from pyawssfn._api_names import PREDICATE_ARITY
from pyawssfn.semantics.wildcard import jsonata_regex

_A, _B = "$pyawssfn_a", "$pyawssfn_b"
_OPS = {"Equals": "=", "LessThan": "<", "GreaterThan": ">", "LessThanEquals": "<=", "GreaterThanEquals": ">="}
_TS = r'/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/'

def arity(name: str) -> int:
    return PREDICATE_ARITY[name]


def _bind(a: str, b: str | None, body: str) -> str:
    parts = [f"{_A} := {a}"] + ([f"{_B} := {b}"] if b is not None else [])
    return "(" + "; ".join(parts) + "; " + body + ")"


def predicate(name: str, args: list[str], pattern_literal: str | None = None) -> str:
    """JSONata for predicate ``name`` applied to translated operands ``args``."""
    if name == "IsNull":
        return _bind(args[0], None, f"$exists({_A}) and {_A} = null")
    if name == "IsPresent":
        return f"$exists({args[0]})"
    if name == "IsNumeric":
        return _bind(args[0], None, f'$type({_A}) = "number"')
    if name == "IsString":
        return _bind(args[0], None, f'$type({_A}) = "string"')
    if name == "IsBoolean":
        return _bind(args[0], None, f'$type({_A}) = "boolean"')
    if name == "IsTimestamp":
        return _bind(args[0], None, f'$type({_A}) = "string" and $contains({_A}, {_TS})')
    if name == "StringMatches":
        if pattern_literal is not None:
            regex = jsonata_regex(pattern_literal)
            return _bind(args[0], None, f'$type({_A}) = "string" and $contains({_A}, {regex})')
        return "false"
    for prefix, test in (("String", '$type({x}) = "string"'), ("Numeric", '$type({x}) = "number"'),
                         ("Boolean", '$type({x}) = "boolean"')):
        if name.startswith(prefix):
            op = _OPS[name[len(prefix):]]
            guard = test.format(x=_A) + " and " + test.format(x=_B)
            return _bind(args[0], args[1], f"{guard} and {_A} {op} {_B}")
    if name.startswith("Timestamp"):
        op = _OPS[name[len("Timestamp"):]]
        guard = f'$type({_A}) = "string" and $type({_B}) = "string" and $contains({_A}, {_TS}) and $contains({_B}, {_TS})'
        return _bind(args[0], args[1], f"{guard} and $toMillis({_A}) {op} $toMillis({_B})")
    raise KeyError(name)


def literal_pattern(code: str) -> str | None:
    try:
        v = json.loads(code)
    except ValueError:
        return None
    return v if isinstance(v, str) else None
