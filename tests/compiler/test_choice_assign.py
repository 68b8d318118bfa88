"""A Choice never carries a state-level Assign: what a Choice assigns when a rule matches and the state has an Assign
too is not settled between engines. AWS's recordings (../shared/conformance, test_assign_in_choice[CONDITION_TRUE])
show a matched rule's Assign and not the state's for the same variable, as our executor does; AWS's documentation
says the state-level Assign "applies regardless of which choice rule matches"; LocalStack applied it over a matched
JSONata rule's Assign (tests/engines, generated-128). A compiled machine must not depend on where engines
disagree, so every assignment is in a rule (the Default path's in an unconditional last rule)."""
import json
import pathlib

import pytest

GOLDEN = sorted((pathlib.Path(__file__).parent / "golden").glob("*.json"))


def _choices(node):
    if isinstance(node, dict):
        if node.get("Type") == "Choice":
            yield node
        for v in node.values():
            yield from _choices(v)
    elif isinstance(node, list):
        for v in node:
            yield from _choices(v)


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_no_choice_has_a_state_level_assign(path):
    assert [c for c in _choices(json.loads(path.read_text())) if "Assign" in c] == []


def test_an_unreachable_else_keeps_its_assign_in_a_rule(tmp_path):
    from pyawssfn.compiler import compile_source
    src = ("import pyawssfn as sfn\n\n@sfn.workflow\ndef w(b):\n    if b < -1:\n        b = 2\n    elif not []:\n"
           "        b = b\n    else:\n        b = -1\n    return b\n")
    definition = compile_source(src, "g.py").definition
    assert any(len(c["Choices"]) > 1 for c in _choices(definition))
    assert [c for c in _choices(definition) if "Assign" in c] == []
