"""JSONPath for JSONPath-language states, as AWS Step Functions evaluates it.

AWS evaluates paths with Jayway JsonPath; python-jsonpath does the parsing and matching here, and this module
keeps Jayway's rules on top of it:

* A *definite* path (only names and indexes: ``$.a.b[0]``) yields the value itself and fails with States.Runtime
  when any step is missing; an indefinite path (wildcards, filters, slices, ``..``) yields a list, possibly empty.
* ``$$.x`` reads the context object; ``$name.x`` reads the workflow variable ``name`` (Variables in JSONPath states).
* Error causes are AWS's texts (without the "An error occurred while executing the state ..." prefix the engine
  adds): ``Invalid path '$.a' : No results for path: $['a']`` for InputPath/OutputPath, and
  ``The JSONPath '$.a' specified for the field 'x.$' could not be found in the input '{...}'`` for payload fields.

Results may share structure with the data they were read from: treat them as read-only.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any, Mapping

import jsonpath
from jsonpath.selectors import IndexSelector, NameSelector

from .errors import RUNTIME, StatesError
from pyawssfn.jsonata.engine import UNDEFINED

__all__ = [
    "get_path",
    "apply_payload_template",
    "apply_result_path",
    "apply_input_path",
    "apply_output_path",
    "evaluate_assign_jsonpath",
    "is_reference_path",
    "to_json_text",
]

_VARIABLE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)(.*)\Z", re.S)


def to_json_text(value: Any) -> str:
    """JSON as AWS prints it in causes: compact, non-ASCII kept."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class _PathNotFound(Exception):
    """A definite path stopped at a missing step; ``detail`` is Jayway's sentence."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class _Compiled:
    __slots__ = ("text", "query", "steps")

    def __init__(self, text: str, query: Any, steps: list[tuple[str, Any]] | None):
        self.text = text
        self.query = query
        # For a definite path: [("name", key) | ("index", i)]; None for an indefinite one.
        self.steps = steps


def _jayway_quoted_names(path: str) -> str:
    """Jayway reads a backslash inside a quoted name literally (only ``\\'`` escapes the quote); python-jsonpath
    decodes JSON escapes there. Doubling the other backslashes makes both read the same name."""
    out: list[str] = []
    i = 0
    quote = ""
    while i < len(path):
        ch = path[i]
        if quote:
            if ch == "\\":
                nxt = path[i + 1] if i + 1 < len(path) else ""
                if nxt == quote:
                    out.append(ch + nxt)
                    i += 2
                    continue
                out.append("\\\\")
                i += 1
                continue
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        out.append(ch)
        i += 1
    return "".join(out)


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _jayway_dot_names(path: str) -> str:
    """Jayway takes anything up to the next ``.`` or ``[`` as a dot-notation name (``$.1a``, ``$.a:b``);
    python-jsonpath wants identifiers there, so other names are rewritten as ``['name']``."""
    out: list[str] = []
    i = 0
    depth = 0
    quote = ""
    n = len(path)
    while i < n:
        ch = path[i]
        if quote:
            if ch == "\\" and i + 1 < n:
                out.append(path[i:i + 2])
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == "." and depth == 0:
            dots = 2 if path.startswith("..", i) else 1
            j = i + dots
            while j < n and path[j] not in ".[":
                j += 1
            name = path[i + dots:j]
            if name and name != "*" and not _IDENTIFIER.match(name):
                escaped = name.replace("\\", "\\\\").replace("'", "\\'")
                out.append(("..") if dots == 2 else "")
                out.append("['" + escaped + "']")
                i = j
                continue
        out.append(ch)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _compile(path: str) -> _Compiled:
    """Compile a path that starts with ``$`` (the root of whatever data it is applied to)."""
    rfc_path = _jayway_quoted_names(path) if "\\" in path else path
    rfc_path = _jayway_dot_names(rfc_path)
    try:
        query = jsonpath.compile(rfc_path)
    except jsonpath.JSONPathError as exc:
        # python-jsonpath appends a drawing of where it failed; the first line says what.
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StatesError(RUNTIME, f"Invalid path '{path}' : {reason}") from None
    steps: list[tuple[str, Any]] | None = None
    if isinstance(query, jsonpath.JSONPath) and query.singular_query():
        steps = []
        for segment in query.segments:
            selector = segment.selectors[0]
            if isinstance(selector, NameSelector):
                steps.append(("name", selector.name))
            elif isinstance(selector, IndexSelector):
                steps.append(("index", selector.index))
            else:  # pragma: no cover - singular_query() admits only names and indexes
                steps = None
                break
    return _Compiled(path, query, steps)


def _render(steps: list[tuple[str, Any]]) -> str:
    out = "$"
    for kind, key in steps:
        out += f"[{key}]" if kind == "index" else "['" + str(key).replace("'", "\\'") + "']"
    return out


def _walk_definite(data: Any, steps: list[tuple[str, Any]]) -> Any:
    current = data
    for i, (kind, key) in enumerate(steps):
        last = i == len(steps) - 1
        if kind == "name":
            if isinstance(current, dict) and key in current:
                current = current[key]
                continue
            if last:
                raise _PathNotFound(f"No results for path: {_render(steps)}")
            raise _PathNotFound(f"Missing property in path {_render(steps[: i + 1])}")
        if isinstance(current, list) and -len(current) <= key < len(current):
            current = current[key]
            continue
        if last:
            raise _PathNotFound(f"No results for path: {_render(steps)}")
        raise _PathNotFound(f"Missing property in path {_render(steps[: i + 1])}")
    return current


def _apply(compiled: _Compiled, data: Any) -> Any:
    if compiled.steps is not None:
        return _walk_definite(data, compiled.steps)
    return [match.obj for match in compiled.query.finditer(data)]


def _resolve_root(path: str, data: Any, context: Any, variables: Mapping[str, Any] | None) -> tuple[str, Any]:
    """Which data a path reads, and the path rewritten to start at that data's root ``$``."""
    if path.startswith("$$"):
        return path[1:], context
    if path == "$" or path.startswith("$.") or path.startswith("$["):
        return path, data
    m = _VARIABLE.match(path)
    if m is None:
        raise StatesError(RUNTIME, f"Invalid path '{path}' : the path must start with '$'")
    name, rest = m.group(1), m.group(2)
    if variables is None or name not in variables:
        raise StatesError(RUNTIME, f"Invalid path '{path}' : the variable '{name}' is not defined")
    return "$" + rest, variables[name]


def get_path(
    data: Any,
    path: str,
    *,
    context: Any = None,
    variables: Mapping[str, Any] | None = None,
    field: str | None = None,
    message_input: Any = UNDEFINED,
) -> Any:
    """The value a JSONPath selects: ``$...`` from ``data``, ``$$...`` from ``context``, ``$name...`` from a variable.

    A definite path returns the value; an indefinite one returns the list of matches. A definite path that selects
    nothing raises StatesError('States.Runtime'): with ``field`` the cause is AWS's payload-field sentence quoting
    ``message_input`` (default: ``data``) as JSON, without it the ``Invalid path`` sentence of InputPath/OutputPath.
    """
    rooted, root = _resolve_root(path, data, context, variables)
    compiled = _compile(rooted)
    try:
        return _apply(compiled, root)
    except _PathNotFound as exc:
        if field is not None:
            shown = data if message_input is UNDEFINED else message_input
            raise StatesError(
                RUNTIME,
                f"The JSONPath '{path}' specified for the field '{field}' could not be found in the input "
                f"'{to_json_text(shown)}'",
            ) from None
        raise StatesError(RUNTIME, f"Invalid path '{path}' : {exc.detail}") from None


def apply_input_path(data: Any, path: str | None, *, context: Any = None, variables: Mapping[str, Any] | None = None) -> Any:
    """InputPath: ``null`` gives ``{}``, ``$`` (or absent: pass ``"$"``) the whole input, else the selection."""
    if path is None:
        return {}
    if path == "$":
        return data
    return get_path(data, path, context=context, variables=variables)


def apply_output_path(data: Any, path: str | None, *, context: Any = None, variables: Mapping[str, Any] | None = None) -> Any:
    """OutputPath: ``null`` gives ``{}``, ``$`` the whole output, else the selection."""
    return apply_input_path(data, path, context=context, variables=variables)


def apply_payload_template(
    template: Any,
    data: Any,
    *,
    context: Any = None,
    variables: Mapping[str, Any] | None = None,
    rng: Any = None,
) -> Any:
    """Parameters / ResultSelector / ItemSelector / Assign: a new value built from ``template``.

    A key ending ``.$`` takes its value from a path on ``data``, a ``$$.`` context path, a ``$name`` variable or an
    intrinsic function call, and loses the ``.$``; other values are copied; objects inside objects and arrays are
    templates too. ``rng`` feeds States.MathRandom and States.UUID.
    """
    return _template(template, data, context, variables, rng)


def _template(template: Any, data: Any, context: Any, variables: Mapping[str, Any] | None, rng: Any) -> Any:
    if isinstance(template, dict):
        out: dict[str, Any] = {}
        for key, value in template.items():
            if key.endswith(".$"):
                out[key[:-2]] = _dynamic_value(key, value, data, context, variables, rng)
            else:
                out[key] = _template(value, data, context, variables, rng)
        return out
    if isinstance(template, list):
        return [_template(v, data, context, variables, rng) for v in template]
    return template


def _dynamic_value(key: str, value: Any, data: Any, context: Any, variables: Mapping[str, Any] | None, rng: Any) -> Any:
    if not isinstance(value, str):
        raise StatesError(RUNTIME, f"The value of the field '{key}' must be a path or an intrinsic function call, got {to_json_text(value)}")
    text = value.strip()
    if text.startswith("States."):
        from .intrinsics import evaluate_intrinsic  # intrinsics reads paths through this module

        return evaluate_intrinsic(text, data, context=context, variables=variables, rng=rng)
    return get_path(data, value, context=context, variables=variables, field=key)


def is_reference_path(path: str) -> bool:
    """True for a Reference Path (only names and indexes), the only kind ResultPath accepts."""
    if path == "$":
        return True
    if not path.startswith("$"):
        return False
    try:
        return _compile(path).steps is not None
    except StatesError:
        return False


def apply_result_path(state_input: Any, result: Any, result_path: str | None) -> Any:
    """ResultPath: ``null`` keeps the input, ``$`` takes the result, ``$.a.b`` puts the result into a copy of
    the input at ``a.b``, creating missing objects on the way (the input itself is never modified)."""
    if result_path is None:
        return state_input
    if result_path == "$":
        return result
    compiled = _compile(result_path) if result_path.startswith("$") else None
    if compiled is None or compiled.steps is None:
        raise StatesError(RUNTIME, f"Invalid path '{result_path}' : ResultPath must be a reference path")
    return _set(state_input, compiled.steps, result, result_path, state_input)


def _set(node: Any, steps: list[tuple[str, Any]], value: Any, path: str, whole_input: Any) -> Any:
    kind, key = steps[0]
    rest = steps[1:]
    if kind == "name":
        if not isinstance(node, dict):
            raise _unable_to_apply(path, whole_input)
        out = dict(node)
        if rest:
            child = out.get(key)
            out[key] = _set(child if child is not None or key in out else {}, rest, value, path, whole_input)
        else:
            out[key] = value
        return out
    if not isinstance(node, list) or not -len(node) <= key < len(node):
        raise _unable_to_apply(path, whole_input)
    out_list = list(node)
    out_list[key] = _set(out_list[key], rest, value, path, whole_input) if rest else value
    return out_list


def _unable_to_apply(path: str, whole_input: Any) -> StatesError:
    # AWS's wording (seen in AWS CDK issue 29473): the input is printed as JSON text.
    return StatesError(RUNTIME, f"Unable to apply ReferencePath {path} to input {to_json_text(whole_input)}")


def evaluate_assign_jsonpath(
    assign: Mapping[str, Any],
    *,
    state_input: Any,
    result: Any = UNDEFINED,
    context: Any = None,
    variables: Mapping[str, Any] | None = None,
    rng: Any = None,
) -> dict[str, Any]:
    """Assign in a JSONPath state: the new variable values, evaluated against the variables as they were.

    A ``.$`` path reads the state's result (after ResultSelector; for a Pass state its Result or Parameters
    output), or the state input when the state has no result (Choice, or a Pass without Result and Parameters),
    as AWS does. The caller applies the returned values after evaluating every one of them.
    """
    data = state_input if result is UNDEFINED else result
    return apply_payload_template(dict(assign), data, context=context, variables=variables, rng=rng)
