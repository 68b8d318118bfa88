"""A compiled definition's JSONata is read by pyawssfn's own parser (asl/jsonata_syntax.checked_by_own_parser), so
that `pyawssfn compile` does not import jsonata-python: its verdicts must be jsonata-python's on every expression it
accepts, and it must hand every expression it cannot read to jsonata-python."""
from __future__ import annotations

import json
import pathlib
import re

import pytest

from pyawssfn.asl.jsonata_syntax import checked_by_own_parser, jsonata_body, syntax_error, top_level_references
from pyawssfn.asl.validate import validate_definition
from pyawssfn.compiler import CompileError, compile_file

REPO = pathlib.Path(__file__).resolve().parents[2]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _compiled_expressions() -> list[str]:
    out: set[str] = set()
    for path in [p for d in ("examples", "tests/compiler/golden", "tests/differential/workflows")
                 for p in sorted((REPO / d).glob("*.py"))]:
        for name in re.findall(r"^@(?:sfn|pyawssfn)\.workflow.*\n(?:@.*\n)*(?:async )?def (\w+)", path.read_text(), re.M):
            try:
                definition = compile_file(path, name).definition
            except CompileError:  # a workflow kept to show a refusal
                continue
            out.update(b for b in map(jsonata_body, _strings(definition)) if b is not None)
    return sorted(out)


def test_every_compiled_expression_gets_jsonata_pythons_verdict():
    bodies = _compiled_expressions()
    assert len(bodies) > 300
    own = 0
    for body in bodies:
        known = checked_by_own_parser(body)
        if known is None:
            continue
        own += 1
        assert syntax_error(body) is None, body
        assert known == tuple(top_level_references(body)), body
    assert own == len(bodies)  # the compiler writes only what its own parser reads


@pytest.mark.parametrize("body", [
    "x", "$", "$$", "x + $states.input.y", "$count(items)", "[a, {'k': b}]", "($v := c; $v)", "a.b.c", "$x.y",
    "a[0]", "$states.input[x > 1]", "$map($states.input.xs, function($v) { $v + z })", "true ? p : (q; r)",
    "-n", "$states.input.a[$.b = 1]", "$f($, $$)", "[1..n, m]", "$exists(x) and y",
])
def test_top_level_references_as_jsonata_python_finds_them(body):
    assert checked_by_own_parser(body) == tuple(top_level_references(body))


@pytest.mark.parametrize("body", ["a ~> $f", "x.*", "a.**", "$sort(x, function($l, $r) { $l > $r })^(y)", "1 +",
                                  "{'a': }", "$states.input.%", "1..n"])
def test_what_the_own_parser_cannot_read_goes_to_jsonata_python(body):
    # the verdict is then jsonata-python's, syntax error or references, whatever the flag says
    definition = {"QueryLanguage": "JSONata", "StartAt": "P",
                  "States": {"P": {"Type": "Pass", "Output": "{% " + body + " %}", "End": True}}}
    ours = validate_definition(definition, own_parser=True)
    theirs = validate_definition(definition)
    assert [str(p) for p in ours] == [str(p) for p in theirs]
    if checked_by_own_parser(body) is None and syntax_error(body) is not None:
        assert any("JSONata syntax error" in str(p) for p in ours), ours


def test_a_top_level_reference_in_a_compiled_definition_is_still_refused():
    definition = {"QueryLanguage": "JSONata", "StartAt": "P",
                  "States": {"P": {"Type": "Pass", "Output": "{% total + 1 %}", "End": True}}}
    problems = validate_definition(json.dumps(definition), own_parser=True)
    assert [p.message for p in problems] == [p.message for p in validate_definition(definition)]
    assert any("reference to 'total' at the top level" in p.message for p in problems)
