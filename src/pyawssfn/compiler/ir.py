"""Control-flow IR: states whose transitions point at other IR states, and the open exits of code being lowered.

Expressions held here are JSONata *without* the ``{% %}`` delimiters; codegen adds them. An exit carries ``env``: the
Python assignments made since the last state, as JSONata valid where the exit's holder evaluates its ``Assign``
(after a Task: ``$states.result`` is available; on a Choice rule: the values before the Choice; ...). Folding pure
assignments into the holder's ``Assign`` instead of emitting Pass states is what keeps machines small.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


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
_SAFE = re.compile(r'\s*(\$[A-Za-z_][A-Za-z0-9_]*|\$states(\.[A-Za-z_][A-Za-z0-9_]*)*|-?\d+(\.\d+)?([eE][-+]?\d+)?'
                   r'|true|false|null|"([^"\\]|\\.)*"|\[\]|\{\})\s*')


def can_fail(code: str) -> bool:
    return _SAFE.fullmatch(code) is None
