"""The 18 intrinsic functions of JSONPath states (``"x.$": "States.Format('{}', $.name)"``), as AWS runs them.

Semantics and limits follow the AWS documentation and the executions recorded on AWS (the conformance family
``intrinsic_functions``), for instance: ``States.MathAdd`` rounds each argument half up first (Java's
``Math.round``), ``States.StringSplit`` splits on any one character of its delimiter string and drops empty pieces,
and ``States.Format`` prints an object argument the way Java prints a map (``{Id=..., Name=...}``).

Failures raise StatesError('States.IntrinsicFailure', cause); a path argument that selects nothing raises
States.Runtime as any other path does. ``States.MathRandom`` and ``States.UUID`` draw from the ``rng`` argument
(the executor's ``random.Random``), so a seeded execution is reproducible; a seeded ``States.MathRandom`` uses
``java.util.Random(seed)`` as AWS does.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import math
import random
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from .errors import INTRINSIC_FAILURE, StatesError
from pyawssfn.jsonata.functions import JavaRandom
from .jsonpath_eval import get_path, to_json_text

__all__ = ["evaluate_intrinsic", "parse_intrinsic", "is_intrinsic", "FUNCTIONS"]

_MAX_NESTING = 10
_MAX_RANGE_ITEMS = 1000
_MAX_ENCODE_CHARS = 10000


def _fail(message: str) -> StatesError:
    return StatesError(INTRINSIC_FAILURE, message)


# --------------------------------------------------------------------------------------------------------------
# Parsing


@dataclass(frozen=True)
class Literal:
    value: Any
    raw: str | None = None  # a string literal's text with its escapes, which States.Format needs


@dataclass(frozen=True)
class PathArg:
    path: str


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Any, ...]


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def error(self, what: str) -> StatesError:
        return _fail(f"The intrinsic function '{self.text}' is invalid: {what} (at character {self.pos})")

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def parse_call(self, depth: int) -> Call:
        if depth > _MAX_NESTING:
            raise self.error(f"more than {_MAX_NESTING} nested intrinsic functions")
        start = self.pos
        while self.pos < len(self.text) and (self.text[self.pos].isalnum() or self.text[self.pos] in "._"):
            self.pos += 1
        name = self.text[start:self.pos]
        if name not in FUNCTIONS:
            raise self.error(f"unknown function '{name}'")
        self.skip_spaces()
        if self.peek() != "(":
            raise self.error("expected '('")
        self.pos += 1
        args: list[Any] = []
        self.skip_spaces()
        if self.peek() == ")":
            self.pos += 1
            return Call(name, tuple(args))
        while True:
            self.skip_spaces()
            args.append(self.parse_arg(depth))
            self.skip_spaces()
            ch = self.peek()
            if ch == ",":
                self.pos += 1
                continue
            if ch == ")":
                self.pos += 1
                return Call(name, tuple(args))
            raise self.error("expected ',' or ')'")

    def parse_arg(self, depth: int) -> Any:
        ch = self.peek()
        if ch == "'":
            return self.parse_string()
        if ch == "$":
            return PathArg(self.parse_path())
        if self.text.startswith("States.", self.pos):
            return self.parse_call(depth + 1)
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in ",) \t\r\n":
            self.pos += 1
        word = self.text[start:self.pos]
        if word in ("true", "false"):
            return Literal(word == "true")
        if word == "null":
            return Literal(None)
        try:
            number = json.loads(word)
        except ValueError:
            number = None
        if isinstance(number, (int, float)) and not isinstance(number, bool):
            return Literal(number)
        self.pos = start
        raise self.error(f"unexpected argument '{word}'")

    def parse_string(self) -> Literal:
        self.pos += 1
        start = self.pos
        out: list[str] = []
        while True:
            if self.pos >= len(self.text):
                raise self.error("unterminated string literal")
            ch = self.text[self.pos]
            if ch == "\\" and self.pos + 1 < len(self.text):
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if ch == "'":
                raw = self.text[start:self.pos]
                self.pos += 1
                return Literal("".join(out), raw)
            out.append(ch)
            self.pos += 1

    def parse_path(self) -> str:
        """A path runs to the next ',' or ')' outside brackets, parentheses and quotes."""
        start = self.pos
        depth = 0
        quote = ""
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if quote:
                if ch == "\\":
                    self.pos += 2
                    continue
                if ch == quote:
                    quote = ""
            elif ch in "'\"":
                quote = ch
            elif ch in "[(":
                depth += 1
            elif ch in "])":
                if depth == 0:
                    break
                depth -= 1
            elif ch == "," and depth == 0:
                break
            self.pos += 1
        return self.text[start:self.pos].rstrip()


@functools.lru_cache(maxsize=2048)
def parse_intrinsic(text: str) -> Call:
    """Parse ``States.Name(args...)``; raises StatesError('States.IntrinsicFailure') when it is not one."""
    parser = _Parser(text.strip())
    if not parser.text.startswith("States."):
        raise parser.error("it must start with 'States.'")
    call = parser.parse_call(1)
    parser.skip_spaces()
    if parser.pos != len(parser.text):
        raise parser.error("unexpected text after the function call")
    return call


def is_intrinsic(text: Any) -> bool:
    return isinstance(text, str) and text.strip().startswith("States.")


# --------------------------------------------------------------------------------------------------------------
# Evaluation


class _Env:
    __slots__ = ("data", "context", "variables", "rng")

    def __init__(self, data, context, variables, rng):
        self.data = data
        self.context = context
        self.variables = variables
        self.rng = rng


def evaluate_intrinsic(
    text: str,
    data: Any,
    *,
    context: Any = None,
    variables: Mapping[str, Any] | None = None,
    rng: random.Random | None = None,
) -> Any:
    """Evaluate an intrinsic function call; path arguments read ``data`` (``$``), ``context`` (``$$``) and
    ``variables`` (``$name``)."""
    call = parse_intrinsic(text)
    return _eval(call, _Env(data, context, variables, rng))


def _eval(node: Any, env: _Env) -> Any:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, PathArg):
        return get_path(env.data, node.path, context=env.context, variables=env.variables)
    fn = FUNCTIONS[node.name]
    if node.name == "States.Format":
        return _format(node, env)
    args = [_eval(a, env) for a in node.args]
    return fn(env, *args) if node.name in _NEEDS_ENV else fn(*args)


def _arity(name: str, args: tuple, low: int, high: int | None = None) -> None:
    high = low if high is None else high
    if not low <= len(args) <= high:
        expected = str(low) if low == high else f"{low} to {high}"
        raise _fail(f"The function {name} takes {expected} arguments but was given {len(args)}")


def _require(name: str, value: Any, kinds: tuple[type, ...], what: str, index: int) -> Any:
    if isinstance(value, bool) and bool not in kinds:
        ok = False
    else:
        ok = isinstance(value, kinds)
    if not ok:
        raise _fail(f"The argument {index} of {name} must be {what}, got {to_json_text(value)}")
    return value


def _integer(name: str, value: Any, index: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(f"The argument {index} of {name} must be an integer, got {to_json_text(value)}")
    if isinstance(value, float):
        if not value.is_integer():
            raise _fail(f"The argument {index} of {name} must be an integer, got {to_json_text(value)}")
        value = int(value)
    return value


def _java_round(value: float) -> int:
    return math.floor(value + 0.5)


def _java_string(value: Any) -> str:
    """How AWS's Java runtime prints a value inside States.Format."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return to_json_text(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_java_string(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_java_string(v) for v in value) + "]"
    return str(value)


def _format(node: Call, env: _Env) -> Any:
    if not node.args:
        raise _fail("The function States.Format needs a format string")
    first = node.args[0]
    if isinstance(first, Literal) and isinstance(first.value, str):
        template_raw = first.raw if first.raw is not None else first.value
    else:
        template = _eval(first, env)
        _require("States.Format", template, (str,), "a string", 1)
        # Only a literal has escapes; a template read from a path is taken as it is.
        template_raw = template.replace("\\", "\\\\")
    values = [_eval(a, env) for a in node.args[1:]]
    out: list[str] = []
    used = 0
    i = 0
    while i < len(template_raw):
        ch = template_raw[i]
        if ch == "\\" and i + 1 < len(template_raw):
            out.append(template_raw[i + 1])
            i += 2
            continue
        if ch == "{" and template_raw.startswith("{}", i):
            if used >= len(values):
                raise _fail(
                    f"The function States.Format has more placeholders than arguments: {len(values)} given"
                )
            out.append(_java_string(values[used]))
            used += 1
            i += 2
            continue
        out.append(ch)
        i += 1
    if used != len(values):
        raise _fail(
            f"The function States.Format was given {len(values)} arguments for {used} placeholders"
        )
    return "".join(out)


def _string_to_json(*args: Any) -> Any:
    _arity("States.StringToJson", args, 1)
    text = _require("States.StringToJson", args[0], (str,), "a string", 1)
    if not text.strip(" \t\n\r"):
        return None  # recorded on AWS: an empty or blank string is null, not a parse error
    try:
        return _normalise(json.loads(text))
    except ValueError:
        raise _fail(f"The function States.StringToJson could not parse its argument as JSON: {text}") from None


def _normalise(value: Any) -> Any:
    # AWS parses with a JSON library that keeps -0 as 0 and integral numbers as integers.
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def _json_to_string(*args: Any) -> Any:
    _arity("States.JsonToString", args, 1)
    return to_json_text(args[0])


def _array(*args: Any) -> Any:
    return list(args)


def _array_partition(*args: Any) -> Any:
    _arity("States.ArrayPartition", args, 2)
    array = _require("States.ArrayPartition", args[0], (list,), "an array", 1)
    size = _integer("States.ArrayPartition", args[1], 2)
    if size <= 0:
        raise _fail(f"The chunk size of States.ArrayPartition must be positive, got {size}")
    return [array[i:i + size] for i in range(0, len(array), size)]


def _array_contains(*args: Any) -> Any:
    _arity("States.ArrayContains", args, 2)
    array = _require("States.ArrayContains", args[0], (list,), "an array", 1)
    target = args[1]
    return any(_json_equal(item, target) for item in array)


def _json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def _array_range(*args: Any) -> Any:
    _arity("States.ArrayRange", args, 3)
    start = _integer("States.ArrayRange", args[0], 1)
    end = _integer("States.ArrayRange", args[1], 2)
    step = _integer("States.ArrayRange", args[2], 3)
    if step == 0:
        raise _fail("The step of States.ArrayRange must not be zero")
    items = list(range(start, end + (1 if step > 0 else -1), step))
    if len(items) > _MAX_RANGE_ITEMS:
        raise _fail(f"States.ArrayRange can produce at most {_MAX_RANGE_ITEMS} items, this call would give {len(items)}")
    return items


def _array_get_item(*args: Any) -> Any:
    _arity("States.ArrayGetItem", args, 2)
    array = _require("States.ArrayGetItem", args[0], (list,), "an array", 1)
    index = _integer("States.ArrayGetItem", args[1], 2)
    if not 0 <= index < len(array):
        raise _fail(f"The index {index} is out of bounds for an array of length {len(array)} in States.ArrayGetItem")
    return array[index]


def _array_length(*args: Any) -> Any:
    _arity("States.ArrayLength", args, 1)
    return len(_require("States.ArrayLength", args[0], (list,), "an array", 1))


def _array_unique(*args: Any) -> Any:
    _arity("States.ArrayUnique", args, 1)
    array = _require("States.ArrayUnique", args[0], (list,), "an array", 1)
    out: list[Any] = []
    for item in array:
        if not any(_json_equal(item, seen) for seen in out):
            out.append(item)
    return out


def _base64_encode(*args: Any) -> Any:
    _arity("States.Base64Encode", args, 1)
    text = _require("States.Base64Encode", args[0], (str,), "a string", 1)
    if len(text) > _MAX_ENCODE_CHARS:
        raise _fail(f"The input of States.Base64Encode is longer than {_MAX_ENCODE_CHARS} characters")
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _base64_decode(*args: Any) -> Any:
    _arity("States.Base64Decode", args, 1)
    text = _require("States.Base64Decode", args[0], (str,), "a string", 1)
    if len(text) > _MAX_ENCODE_CHARS:
        raise _fail(f"The input of States.Base64Decode is longer than {_MAX_ENCODE_CHARS} characters")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise _fail(f"The input of States.Base64Decode is not valid base64: {text}") from None


_HASHES: dict[str, Callable[[bytes], Any]] = {
    "MD5": hashlib.md5,
    "SHA-1": hashlib.sha1,
    "SHA-256": hashlib.sha256,
    "SHA-384": hashlib.sha384,
    "SHA-512": hashlib.sha512,
}


def _hash(*args: Any) -> Any:
    _arity("States.Hash", args, 2)
    data, algorithm = args
    if data is None:
        raise _fail("The data of States.Hash must not be null")
    text = data if isinstance(data, str) else to_json_text(data)
    if len(text) > _MAX_ENCODE_CHARS:
        raise _fail(f"The data of States.Hash is longer than {_MAX_ENCODE_CHARS} characters")
    hasher = _HASHES.get(algorithm) if isinstance(algorithm, str) else None
    if hasher is None:
        raise _fail(
            f"The hash algorithm {to_json_text(algorithm)} of States.Hash is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"
        )
    return hasher(text.encode("utf-8")).hexdigest()


def _json_merge(*args: Any) -> Any:
    _arity("States.JsonMerge", args, 3)
    left = _require("States.JsonMerge", args[0], (dict,), "an object", 1)
    right = _require("States.JsonMerge", args[1], (dict,), "an object", 2)
    deep = _require("States.JsonMerge", args[2], (bool,), "a boolean", 3)
    if deep:
        raise _fail("States.JsonMerge supports only a shallow merge: its third argument must be false")
    merged = dict(left)
    merged.update(right)
    return merged


def _number_as_int(name: str, value: Any, index: int) -> int:
    # AWS accepts fractional bounds here (recorded: States.MathRandom(12.5, 44.51) succeeds).
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail(f"The argument {index} of {name} must be a number, got {to_json_text(value)}")
    return int(value)


def _math_random(env: _Env, *args: Any) -> Any:
    _arity("States.MathRandom", args, 2, 3)
    start = _number_as_int("States.MathRandom", args[0], 1)
    end = _number_as_int("States.MathRandom", args[1], 2)
    if end <= start:
        raise _fail(f"The end of States.MathRandom ({end}) must be greater than its start ({start})")
    if len(args) == 3:
        seed = _number_as_int("States.MathRandom", args[2], 3)
        return start + JavaRandom(seed).next_int(end - start)
    rng = env.rng or random
    return rng.randrange(start, end)


def _math_add(*args: Any) -> Any:
    _arity("States.MathAdd", args, 2)
    total = 0
    for i, value in enumerate(args, start=1):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _fail(f"The argument {i} of States.MathAdd must be a number, got {to_json_text(value)}")
        total += value if isinstance(value, int) else _java_round(value)
    return total


def _string_split(*args: Any) -> Any:
    _arity("States.StringSplit", args, 2)
    text = _require("States.StringSplit", args[0], (str,), "a string", 1)
    delimiters = _require("States.StringSplit", args[1], (str,), "a string", 2)
    if not delimiters:
        return [text] if text else []
    pieces: list[str] = []
    current: list[str] = []
    for ch in text:
        if ch in delimiters:
            if current:
                pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    if current:
        pieces.append("".join(current))
    return pieces


def _uuid(env: _Env, *args: Any) -> Any:
    _arity("States.UUID", args, 0)
    rng = env.rng
    if rng is None:
        return str(uuid.uuid4())
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "States.Format": _format,
    "States.StringToJson": _string_to_json,
    "States.JsonToString": _json_to_string,
    "States.Array": _array,
    "States.ArrayPartition": _array_partition,
    "States.ArrayContains": _array_contains,
    "States.ArrayRange": _array_range,
    "States.ArrayGetItem": _array_get_item,
    "States.ArrayLength": _array_length,
    "States.ArrayUnique": _array_unique,
    "States.Base64Encode": _base64_encode,
    "States.Base64Decode": _base64_decode,
    "States.Hash": _hash,
    "States.JsonMerge": _json_merge,
    "States.MathRandom": _math_random,
    "States.MathAdd": _math_add,
    "States.StringSplit": _string_split,
    "States.UUID": _uuid,
}

_NEEDS_ENV = {"States.MathRandom", "States.UUID"}
