"""JSONPath checks as AWS applies them, which are looser than statelint's: since Variables, ``$name.field`` reads a
variable wherever a JSONPath is accepted (except ResultPath), and field names may hold characters such as ``-``."""
from __future__ import annotations

import functools
import re

INTRINSIC_FUNCTIONS = frozenset({
    "Format", "StringToJson", "JsonToString", "Array", "ArrayPartition", "ArrayContains", "ArrayRange",
    "ArrayGetItem", "ArrayLength", "ArrayUnique", "Base64Encode", "Base64Decode", "Hash", "JsonMerge", "MathRandom",
    "MathAdd", "StringSplit", "UUID",
})

_VARIABLE_PREFIX = re.compile(r"^\$([^\W\d]\w*)")
# AWS reads a quoted bracket name literally (no escapes): $['a\"b'] names the key a\"b; python-jsonpath
# JSON-decodes it, so such names are replaced by a plain one before the syntax check.
_QUOTED_NAME = re.compile(r"\['[^']*'\]")
_INTRINSIC = re.compile(r"^States\.(\w+)\((.*)\)$", re.DOTALL)


# Inside an intrinsic's string literal only these may follow a backslash (Intrinsic functions: "escape ' { } \\").
_INTRINSIC_ESCAPES = frozenset("'{}\\")


def is_intrinsic(value: str) -> bool:
    m = _INTRINSIC.match(value)
    return bool(m) and m.group(1) in INTRINSIC_FUNCTIONS and _literals_well_formed(m.group(2))


def _literals_well_formed(arguments: str) -> bool:
    """Every string literal of the arguments is closed and holds only the escapes AWS accepts."""
    inside, i = False, 0
    while i < len(arguments):
        ch = arguments[i]
        if inside and ch == "\\":
            if i + 1 >= len(arguments) or arguments[i + 1] not in _INTRINSIC_ESCAPES:
                return False
            i += 2
            continue
        if ch == "'":
            inside = not inside
        i += 1
    return not inside


def is_path(value: object, *, variables: bool = True, context: bool = True) -> bool:
    """A JSONPath that Step Functions accepts: ``$...``, ``$$...`` (context object) or ``$var...`` (a variable)."""
    if not isinstance(value, str) or not value.startswith("$"):
        return False
    rest = value
    if value.startswith("$$"):
        if not context:
            return False
        rest = value[1:]
    else:
        m = _VARIABLE_PREFIX.match(value)
        if m:
            if not variables:
                return False
            rest = "$" + value[m.end():]
    return _compiles(rest) or _compiles(_QUOTED_NAME.sub("['x']", rest))


@functools.lru_cache(maxsize=4096)
def _compiles(path: str) -> bool:
    # Imported here: python-jsonpath costs 50 ms to import and a JSONata machine (what `compile` makes) has no path.
    import jsonpath

    try:
        jsonpath.compile(path)
    except Exception:  # python-jsonpath raises several syntax error types; any of them means "not a path"
        return False
    return True


def is_path_or_intrinsic(value: object) -> bool:
    return isinstance(value, str) and (is_path(value) or is_intrinsic(value))
