"""One StringMatches (pyawssfn.semantics.wildcard) for the executor's JSONPath Choice, the compiler's JSONata and the
author API: they agree on every pattern, and a backslash escapes only `*` and itself (AWS's rule)."""
from __future__ import annotations

import pytest

import pyawssfn
from pyawssfn.compiler.expressions.comparisons import _wildcard_regex
from pyawssfn.jsonata.engine import evaluate
from pyawssfn.local import Executor

CASES = [
    ("a\\b", "a\\b", True), ("a\\b", "ab", False), ("a\\*", "a*", True), ("a\\*", "ab", False),
    ("a*", "a\nb", True), ("\\\\*", "\\xyz", True), ("\\\\*", "xyz", False), ("*.log", "x.log", True),
    ("*.log", "x.txt", False), ("a\\\\b", "a\\b", True), ("", "", True), ("*", "", True), ("a/b*", "a/bc", True),
    ("x\\", "x\\", True), ("(a)+[b]", "(a)+[b]", True),
]


def _jsonpath_choice(text: str, pattern: str) -> bool:
    definition = {"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.s", "StringMatches": pattern, "Next": "Yes"}],
              "Default": "No"},
        "Yes": {"Type": "Pass", "Result": True, "End": True},
        "No": {"Type": "Pass", "Result": False, "End": True}}}
    return Executor(definition).run({"s": text}).output


@pytest.mark.parametrize("pattern, text, expected", CASES)
def test_every_implementation_agrees(pattern, text, expected):
    assert pyawssfn.StringMatches(text, pattern) is expected
    assert _jsonpath_choice(text, pattern) is expected
    # The regex the compiler writes into JSONata, evaluated by the engine (and by npm jsonata through the shadow).
    assert evaluate(f"$contains($s, {_wildcard_regex(pattern)})", variables={"s": text}) is expected
