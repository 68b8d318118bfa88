"""The JSONata tree, its printer and parser, the simplifier, and the passes that used to rewrite JSONata text."""
from __future__ import annotations

import json
import pathlib
import re

import pytest

from pyawssfn.compiler.ir import can_fail, context_refs, replace_context, substitute_variables, variables
from pyawssfn.compiler.simplify import simplify
from pyawssfn.jsonata.parse import ParseError, parse
from pyawssfn.jsonata.printer import to_text
from pyawssfn.jsonata.tree import (
    Array, Binary, Bind, Block, Call, Cond, Dot, Filter, Lambda, Name, Num, Range, Str, Unary, Var, call, cond, lit,
    path, var,
)
from pyawssfn.testing import WorkflowTester

REPO = pathlib.Path(__file__).resolve().parents[2]

# tree -> text: the fewest parentheses that keep the tree
PRINTED = [
    (Binary("+", var("a"), Binary("*", var("b"), Num("2"))), "$a + $b * 2"),
    (Binary("*", Binary("+", var("a"), var("b")), Num("2")), "($a + $b) * 2"),
    (Binary("-", var("a"), Binary("-", var("b"), var("c"))), "$a - ($b - $c)"),
    (Binary("-", Binary("-", var("a"), var("b")), var("c")), "$a - $b - $c"),
    # a predicate on the last step and a filter on the whole path are different trees
    (Dot(var("x"), Filter(Name("a"), Num("0"))), "$x.a[0]"),
    (Filter(Dot(var("x"), Name("a")), Num("0")), "($x.a)[0]"),
    (path("states", "result", "Payload"), "$states.result.Payload"),
    (Dot(var("x"), Name("a b")), "$x.`a b`"),
    (Cond(Binary("or", var("a"), var("b")), Str("y"), Str("n")), '$a or $b ? "y" : "n"'),
    (Binary("=", Cond(var("a"), Num("1"), Num("0")), Num("1")), "($a ? 1 : 0) = 1"),
    (Cond(var("a"), Cond(var("b"), Num("1")), Num("2")), "$a ? ($b ? 1) : 2"),
    (Cond(var("a"), Num("1"), Cond(var("b"), Num("2"), Num("3"))), "$a ? 1 : $b ? 2 : 3"),
    (Binary("or", var("a"), Binary("and", var("b"), var("c"))), "$a or ($b and $c)"),
    (Unary(Dot(var("x"), Name("n"))), "-$x.n"),
    (Binary("-", var("a"), Num("-1")), "$a - -1"),
    (Block((Bind("v", Binary("%", var("a"), Num("3"))), Binary("<", var("v"), Num("0")))), "($v := $a % 3; $v < 0)"),
    (Call(var("f"), (Bind("v", Num("1")),)), "$f($v := 1)"),
    (Array((Range(Num("0"), Binary("-", var("n"), Num("1"))),)), "[0..$n - 1]"),
    (Lambda(("a", "b"), Binary("&", var("a"), var("b"))), "function($a, $b) { $a & $b }"),
    (lit({"k": [1, None, "x\"y"]}), '{"k": [1, null, "x\\"y"]}'),
    (call("count", var("xs")), "$count($xs)"),
]


@pytest.mark.parametrize("tree, text", PRINTED, ids=[t for _, t in PRINTED])
def test_printer(tree, text):
    assert to_text(tree) == text
    reparsed = parse(text)
    # the parentheses the printer added come back as one-expression blocks; without them the tree is the same
    assert simplify(reparsed) == simplify(tree)


def test_a_binding_as_an_operand_is_printed_as_its_own_block():
    # JSONata has no other way to write it: the parentheses are a block, the scope of the binding
    assert to_text(Binary("+", Bind("v", Num("1")), Num("1"))) == "($v := 1) + 1"
    assert parse("($v := 1) + 1").lhs == Block((Bind("v", Num("1")),))


def _template_strings(value, out):
    if isinstance(value, str):
        s = value.strip()
        if s.startswith("{%") and s.endswith("%}"):
            out.append(s[2:-2].strip())
    elif isinstance(value, dict):
        for v in value.values():
            _template_strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _template_strings(v, out)


def _corpus() -> list[str]:
    out: list[str] = []
    for f in sorted((REPO / "tests" / "compiler" / "golden").glob("*.json")) + \
            sorted((REPO / "benchmarks" / "handwritten").glob("*.json")):
        _template_strings(json.loads(f.read_text()), out)
    return out


def test_round_trip_of_every_golden_expression():
    corpus = _corpus()
    assert len(corpus) > 300
    for text in corpus:
        tree = parse(text)
        assert parse(to_text(tree)) == tree, text


@pytest.mark.parametrize("text", ["$x ~> $f", "$x[]", "a.*", "$x.%", '"unterminated', "(1; 2", "$f(1,"])
def test_parser_refuses_what_it_does_not_model(text):
    with pytest.raises(ParseError):
        parse(text)


def test_regex_after_an_operator_and_division_after_an_operand():
    assert parse("$a / 2 / $b") == Binary("/", Binary("/", var("a"), Num("2")), var("b"))
    t = parse(r'$contains($s, /^a\/[\]]b$/i)')
    assert to_text(t) == r'$contains($s, /^a\/[\]]b$/i)'


@pytest.mark.parametrize("before, after", [
    ('$type("denied") = "array" ? [["denied"]] : ["denied"]', '["denied"]'),
    ('$type({"a": 1}) = "object" ? 1 : 2', "1"),
    ('$type("k") = "string" ? $merge([$d, {"k": 1}]) : $error("x")', '$merge([$d, {"k": 1}])'),
    ("true and $x > 1", "$x > 1"),
    ("$x > 1 and true", "$x > 1"),
    ("false and $f()", "false"),
    ("$not(true)", "false"),
    ("(($a)) + (1)", "$a + 1"),
    ('"" != ""', "false"),
    # a value that can fail is never dropped
    ('$type($error("boom")) = "string" ? 1 : 2', '$type($error("boom")) = "string" ? 1 : 2'),
    ("$f() and false", "$f() and false"),
    # a binding keeps its block (its scope)
    ("($v := 1) + $v", "($v := 1) + $v"),
    # a block as a path step is not parentheses: $x.("a") is the string per item, $x."a" the field
    ('$x.("a")', '$x.("a")'),
])
def test_simplifier(before, after):
    assert to_text(simplify(parse(before))) == after


def test_analyses_read_trees_not_text():
    code = parse('$r.k & " costs $states.result and $other"')
    assert variables(code) == {"r"}
    assert context_refs(code) == set()
    assert context_refs(parse("$states.result.Payload[0] & $states.input.x")) == {"result", "input"}
    assert to_text(replace_context(parse('$states.result.Payload & "$states.result"'), "result", "h")) == \
        '$h.Payload & "$states.result"'
    assert to_text(replace_context(parse("$states.result[0]"), "result", "h")) == "$h[0]"
    assert to_text(substitute_variables(parse('$a + $ab & "$a"'), {"a": parse("$x + 1")})) == \
        '($x + 1) + $ab & "$a"'
    assert not can_fail(parse('"$x + $error()"')) and not can_fail(parse("$states.input.a")) and \
        can_fail(parse("$a.b + 1"))


_LITERAL_WORKFLOW = '''
import pyawssfn as sfn


def get():
    return {"k": "v"}


@sfn.workflow
def wf():
    r = get()
    try:
        s = r["k"] + " costs $states.result"
        get()
    except Exception:
        s = "caught"
    return s
'''


def test_string_literal_is_not_rewritten(tmp_path):
    """The hand-over of $states.result into a variable once rewrote the user's string literal too
    ("v costs $handover_1" on the machine)."""
    f = tmp_path / "literal.py"
    f.write_text(_LITERAL_WORKFLOW)
    py, machine = WorkflowTester(str(f)).run_both()
    assert py.output == machine.output == "v costs $states.result"


# Modules of compiler/ that use `re`, and on what: none of it is JSONata text.
_RE_ALLOWED = {
    "naming.py": "Python names and source hints -> ASL variable names",
    "predicates.py": "re.escape of a StringMatches wildcard pattern (building a regex, not reading JSONata)",
    "expressions/text.py": "Python format specs ({x:>8.2f})",
    "frontend.py": "the semantics engineer's module: Python source only",
}


def test_no_regular_expression_reads_jsonata_in_the_compiler():
    root = REPO / "src" / "pyawssfn" / "compiler"
    uses = re.compile(r"^\s*(import re\b|from re import)|\bre\.[a-z]+\(", re.M)
    offenders = []
    for f in sorted(root.rglob("*.py")):
        rel = f.relative_to(root).as_posix()
        if uses.search(f.read_text()) and rel not in _RE_ALLOWED:
            offenders.append(rel)
    assert offenders == []


def test_each_node_class_lists_its_children_as_the_generic_reading_does():
    from pyawssfn.jsonata.tree import Expr
    kinds = set()
    for text in _corpus() + ["function($a) { $a }", "[0..$n]", "-$x", "($v := 1; $v)", "$a ? $b", '{"k": $v}']:
        for node in parse(text).walk():
            kinds.add(type(node).__name__)
            assert node._child_list() == Expr._child_list(node), text
    assert {"Binary", "Call", "Cond", "Block", "Bind", "Lambda", "Object", "Array", "Range", "Dot", "Filter",
            "Unary"} <= kinds


@pytest.mark.parametrize("before, after", [
    ('$type($x) = "string" and $x = "a"', '$x = "a"'),
    ('$type($x.k) = "number" and $x.k = 3', "$x.k = 3"),
    ('$type($x) = "boolean" and $x = true', "$x = true"),
    ('$type($x) = "string" and $x != "a"', '$type($x) = "string" and $x != "a"'),   # a number is != "a" too
    ('$type($x) = "number" and $x = "a"', '$type($x) = "number" and $x = "a"'),     # another type: kept
    ('$type($f($x)) = "string" and $f($x) = "a"', '$type($f($x)) = "string" and $f($x) = "a"'),  # may fail: kept
])
def test_a_type_test_implied_by_an_equality_with_a_literal_goes(before, after):
    assert to_text(simplify(parse(before))) == after
