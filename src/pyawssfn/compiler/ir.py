"""Control-flow IR: states whose transitions point at other IR states, and the open exits of code being lowered.

Expressions held here are JSONata *without* the ``{% %}`` delimiters; codegen adds them. An exit carries ``env``: the
Python assignments made since the last state, as JSONata valid where the exit's holder evaluates its ``Assign``
(after a Task: ``$states.result`` is available; on a Choice rule: the values before the Choice; ...). Folding pure
assignments into the holder's ``Assign`` instead of emitting Pass states is what keeps machines small.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pyawssfn.jsonata.parse import parse_cached, template as _template
from pyawssfn.jsonata.printer import to_text
from pyawssfn.jsonata.tree import (
    Array, Block, Bool, Dot, Expr, Filter, Name, Null, Num, Object, Str, Var, states_field, states_fields,
)


@dataclass(eq=False)
class Node:
    type: str                   # Task, Choice, Pass, Wait, Parallel, Map, Succeed, Fail
    name: str                   # readable base name from the source
    line: int
    fields: dict[str, Any] = field(default_factory=dict)   # type-specific fields, in output order
    assign: dict[str, str] = field(default_factory=dict)
    output: str | None = None
    end: bool = False
    next: "Node | None" = None
    retry: list[dict] = field(default_factory=list)
    catch: list["Catcher"] = field(default_factory=list)
    rules: list["Rule"] = field(default_factory=list)      # Choice
    default: "Node | None" = None                          # Choice
    branches: list["Graph"] = field(default_factory=list)  # Parallel
    processor: "Graph | None" = None                       # Map
    processor_config: dict | None = None
    cover: Any = None        # the try handler (or finally) its Catch sends an expression's error to; None: none


@dataclass(eq=False)
class Rule:
    condition: str
    next: Node | None = None
    assign: dict[str, str] = field(default_factory=dict)


@dataclass(eq=False)
class Catcher:
    errors: list[str]
    next: Node | None = None
    assign: dict[str, str] = field(default_factory=dict)
    output: str | None = None


@dataclass(eq=False)
class DefaultOf:
    """The Default transition of a Choice node, as an exit holder."""
    choice: Node


class StartHolder:
    """The beginning of a state machine (or branch): the env is in the context of the first state's input."""


@dataclass(eq=False)
class Exit:
    holder: Any                 # Node (Task-like), Rule, Catcher, DefaultOf or StartHolder
    env: dict[str, str] = field(default_factory=dict)


@dataclass(eq=False)
class Graph:
    nodes: list[Node] = field(default_factory=list)
    start: Node | None = None


# JSONata that cannot fail: a variable, a field of $states, a JSON literal. Anything else may raise (the translator's
# $error, or JSONata's own type errors such as null + 1), so a pending assignment of it must still be evaluated
# when Python would have evaluated it, even if nothing reads the result.
@lru_cache(maxsize=65536)
def can_fail(code: str) -> bool:
    return not _safe(parse_cached(code))


def _safe(t: Expr) -> bool:
    tt = type(t)
    if tt in (Var, Num, Str, Bool, Null):
        return True
    if tt in (Array, Object):
        return not t.items if tt is Array else not t.pairs  # type: ignore[attr-defined]
    return _states_field(t)


def _states_field(t: Expr) -> bool:
    """$states.a.b... (field steps only)."""
    while type(t) is Dot and type(t.rhs) is Name:  # type: ignore[attr-defined]
        t = t.lhs  # type: ignore[attr-defined]
    return t == Var("states")


@lru_cache(maxsize=65536)
def atomic(code: str) -> bool:
    """Self-delimiting where it stands: a variable or a path of field steps from one, or a literal."""
    t = parse_cached(code)
    while type(t) is Dot and type(t.rhs) is Name:  # type: ignore[attr-defined]
        t = t.lhs  # type: ignore[attr-defined]
    return type(t) in (Var, Num, Str, Bool, Null)


@lru_cache(maxsize=65536)
def variables(code: str) -> frozenset[str]:
    """The names of the variables an expression reads (string literals are text, not references)."""
    return frozenset(n.name for n in parse_cached(code).walk() if type(n) is Var)  # type: ignore[attr-defined]


def field_variables(value: Any, out: set[str]) -> None:
    """The variables read by the {% %} templates in a state's field values."""
    if isinstance(value, str):
        t = _template(value)
        if t is not None:
            out.update(n.name for n in t.walk() if type(n) is Var)  # type: ignore[attr-defined]
    elif isinstance(value, dict):
        for x in value.values():
            field_variables(x, out)
    elif isinstance(value, list):
        for x in value:
            field_variables(x, out)


def evaluates(code: str, inside: str, template: bool = False) -> bool:
    """Whether the expression `code` is evaluated as a part of the expression `inside` (with `template`: of the
    field value `inside`, a {% %} template or a plain string). Both are compared as the simplifier leaves them, so
    that a copy simplified inside a larger expression is still found."""
    if template:
        s = inside.strip()
        if not (s.startswith("{%") and s.endswith("%}")):
            return False
        inside = s[2:-2].strip()
    return _simplified(inside).contains(_simplified(code))


@lru_cache(maxsize=65536)
def _simplified(code: str) -> Expr:
    from pyawssfn.compiler.simplify import simplify
    return simplify(parse_cached(code))


_CONTEXT_FIELDS = ("result", "errorOutput", "input")


def context_refs(code: str) -> set[str]:
    """Which of $states.result / .errorOutput / .input the expression reads."""
    return states_fields(parse_cached(code)) & set(_CONTEXT_FIELDS)


def _context_field(n: Expr) -> str | None:
    f = states_field(n)
    return f if f in _CONTEXT_FIELDS else None


def replace_context(code: str, field_name: str, variable: str) -> str:
    """`$states.<field_name>` read through `$<variable>` instead (the hand-over of a state's context value)."""
    def swap(n: Expr) -> Expr:
        if _context_field(n) != field_name:
            return n
        step = n.rhs  # type: ignore[attr-defined]
        preds = []
        while type(step) is Filter:
            preds.append(step.pred)  # type: ignore[attr-defined]
            step = step.lhs  # type: ignore[attr-defined]
        out: Expr = Var(variable)
        for p in reversed(preds):
            out = Filter(out, p)
        return out
    return to_text(parse_cached(code).transform(swap))


def substitute_variables(code: str, values: dict[str, str]) -> str:
    """Each read of `$k` replaced by the expression values[k] (in parentheses, as a block of one expression)."""
    trees = {k: parse_cached(v) for k, v in values.items()}

    def swap(n: Expr) -> Expr:
        if type(n) is Var and n.name in trees:  # type: ignore[attr-defined]
            return Block((trees[n.name],))  # type: ignore[attr-defined]
        return n
    return to_text(parse_cached(code).transform(swap))
