"""Identical states share one: two states of the same States map whose fields (their Comment aside) are the same,
transitions included, do the same thing with the same input and variables, so every transition to the second goes
to the first (a loop that calls a step before it and again at the end of its body, as polling's get_job_status,
has one Task for both calls). Repeated until no two are alike, since merging two makes their predecessors alike.
The state kept says every line it stands for in its Comment."""
from __future__ import annotations

import json
from typing import Any

from pyawssfn.compiler.ir import Template
from pyawssfn.jsonata.printer import to_text
from pyawssfn.compiler.source_lines import StateLines

_NESTED = ("Branches", "ItemProcessor", "Iterator")


def merge_identical(graph: dict, source_map: dict[str, int], spans: dict[int, int] | None,
                    held: StateLines | None = None) -> None:
    """Merge in `graph` (a machine or a branch: StartAt and States) and in the graphs nested in it; the merged
    states leave `source_map`, and their lines go to the state kept (`held`, when codegen keeps them)."""
    if held is None and spans is not None:
        held = StateLines(spans)
    states = graph["States"]
    kept_ones: set[str] = set()
    while True:
        first: dict[str, str] = {}
        gone: dict[str, str] = {}
        maybe = maybe_alike(states, ("Comment",))
        for name, st in states.items():
            if name not in maybe:
                continue  # nothing else is like it: its key would be the only one
            key = json_key({k: v for k, v in st.items() if k != "Comment"})
            if key in first:
                gone[name] = first[key]
            else:
                first[key] = name
        if not gone:
            break
        for name, kept in gone.items():
            if held is not None:
                held.merge(kept, name, source_map)
            kept_ones.add(kept)
            kept_ones.discard(name)
            del states[name]
            source_map.pop(name, None)
        for st in states.values():
            _redirect(st, gone)
        if graph.get("StartAt") in gone:
            graph["StartAt"] = gone[graph["StartAt"]]
    if held is not None:
        for kept in kept_ones:
            if kept in states and held.extra(kept, source_map.get(kept, 0)):
                states[kept] = _with_comment(states[kept], held.comment(kept, source_map[kept]))
    for st in states.values():
        for branch in st.get("Branches", []):
            merge_identical(branch, source_map, spans, held)
        for key in ("ItemProcessor", "Iterator"):
            if key in st:
                merge_identical(st[key], source_map, spans, held)


def maybe_alike(states: dict, skip: tuple[str, ...]) -> set[str]:
    """The states that another one of `states` may have the same json_key as (their fields but `skip`): those with
    the same Type and transitions and the same field names (equal JSON has equal strings and equal keys), found
    without encoding them. A long workflow's states mostly lead each to a state of its own."""
    buckets: dict[tuple, list[str]] = {}
    for name, st in states.items():
        rough = (_text(st.get("Type")), _text(st.get("Next")), _text(st.get("Default")), frozenset(st).difference(skip))
        buckets.setdefault(rough, []).append(name)
    return {n for names in buckets.values() if len(names) > 1 for n in names}


def _text(value: Any) -> str | None:
    return value if type(value) is str else None


def json_key(value: Any) -> str:
    """A key equal for equal field values (states as codegen built them: JSON with Templates in it)."""
    return _KEYS.encode(value)


def _template_key(value: Any) -> Any:
    """A Template's part of a state's key: its expression's text (a literal string of the same text differs)."""
    if type(value) is Template:
        return {"{%": to_text(value.expr)}
    raise TypeError(f"not JSON: {type(value).__name__}")


# json.dumps(value, sort_keys=True, default=_template_key), with its encoder built once rather than per call
_KEYS = json.JSONEncoder(sort_keys=True, default=_template_key)


def _redirect(st: dict, gone: dict[str, str]) -> None:
    if st.get("Next") in gone:
        st["Next"] = gone[st["Next"]]
    if st.get("Default") in gone:
        st["Default"] = gone[st["Default"]]
    for rule in st.get("Choices", []) + st.get("Catch", []):
        if rule.get("Next") in gone:
            rule["Next"] = gone[rule["Next"]]


def _with_comment(st: dict, text: str) -> dict[str, Any]:
    """`lines 37, 44` (source_lines.comment), written where codegen writes a Comment."""
    out: dict[str, Any] = {}
    for k, v in st.items():
        if k == "Comment":
            continue
        out[k] = v
        if k == "Type":
            out["Comment"] = text
    return out
