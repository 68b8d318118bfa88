"""``validate_definition``: every reason AWS would reject a state machine definition, reported at once."""
from __future__ import annotations

import json
from typing import Any

from pyawssfn.asl import constants as C
from pyawssfn.asl.aws_rules import STANDARD, aws_rule_problems
from pyawssfn.asl.checks import Checker
from pyawssfn.asl.problem import ROOT, Problem
from pyawssfn.asl.statelint_bridge import statelint_messages, translate


def validate_definition(definition: dict | str, machine_type: str = STANDARD, *,
                        own_parser: bool = False) -> list[Problem]:
    """Problems of ``definition`` (a parsed dict, or its JSON text) for a state machine of ``machine_type``
    (STANDARD or EXPRESS); an empty list means AWS would accept it. ``own_parser``: the definition is the compiler's,
    so its JSONata is read by pyawssfn's parser first (jsonata-python judges only what that parser cannot read)."""
    try:
        return _validate(definition, machine_type, own_parser)
    except RecursionError:  # statelint and the structural checks recurse; a pathological nesting must not crash
        return [Problem(ROOT, "the definition is nested too deeply to validate (Python's recursion limit)")]


def _validate(definition: dict | str, machine_type: str, own_parser: bool = False) -> list[Problem]:
    if isinstance(definition, (str, bytes)):
        text = definition.decode("utf-8", "replace") if isinstance(definition, bytes) else definition
        try:
            parsed: Any = json.loads(text)
        except ValueError as exc:
            return [Problem(ROOT, f"not valid JSON: {exc}")]
        size = len(text.encode("utf-8"))
    else:
        parsed = definition
        size = None
    if not isinstance(parsed, dict):
        return [Problem(ROOT, f"a state machine definition must be a JSON object, not {_json_type(parsed)}")]
    if size is None:
        try:
            size = len(json.dumps(parsed, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        except (TypeError, ValueError) as exc:
            return [Problem(ROOT, f"cannot be written as JSON: {exc}")]

    problems: list[Problem] = []
    if size > C.MAX_DEFINITION_BYTES:
        problems.append(Problem(ROOT, f"the definition is {size} bytes; the limit is {C.MAX_DEFINITION_BYTES} "
                                      "bytes (1 MiB)"))
    checker = Checker(own_parser)
    problems += checker.run(parsed)
    problems += aws_rule_problems(parsed, machine_type)
    ours = {p.path for p in problems}
    # One field, one verdict: where a check of ours spoke, statelint's wording of the same problem is dropped.
    problems += [p for p in translate(parsed, statelint_messages(parsed), checker.covered, checker.query_language)
                 if p.path not in ours]
    return _unique(problems)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    out = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"
