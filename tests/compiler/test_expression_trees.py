"""The expression translator builds JSONata trees: it never composes text and parses it back.

- Compiling every example, the parser is called from compiler/expressions/ only to read a template (a constant, once)
  or the text the translator is GIVEN (build.read_input: a variable's value from the lowerer, the operands of the
  statement helpers), never on text it composed; and what it returns to the lowerer is a tree.
- Templates: holes are filled with subtrees (user data stays a leaf), and the printer adds exactly the parentheses a
  filled-in subtree needs.
"""
from __future__ import annotations

import ast
import pathlib
import sys

import pytest

import pyawssfn.jsonata.parse as parse_module
from pyawssfn.compiler import compile_source
from pyawssfn.compiler.expressions import build, statements, translator
from pyawssfn.compiler.expressions.build import T, err
from pyawssfn.compiler.simplify import simplify
from pyawssfn.jsonata.parse import parse
from pyawssfn.jsonata.printer import to_text
from pyawssfn.jsonata.tree import Binary, Block, Call, Cond, Dot, Expr, Filter, Name, Num, Str, Unary, Var

REPO = pathlib.Path(__file__).resolve().parents[2]
EXPRESSIONS = str(REPO / "src" / "pyawssfn" / "compiler" / "expressions")
_ALLOWED_READERS = {("build.py", "read_input"), ("build.py", "T")}


# Where the translator reads text it is given: a variable's value (the lowerer's), the statement helpers' operands.
_GIVEN = {("translator.py", "_tr_Name"), ("statements.py", "_bind_all"), ("statements.py", "augassign")}


def _where(f) -> tuple[str, str]:
    return pathlib.Path(f.f_code.co_filename).name, f.f_code.co_name


def _translator_caller() -> tuple[str, str] | None:
    """What asked for this parse, when it is code in compiler/expressions/ (the first frame outside
    jsonata/parse.py): ("build.py", "T") a template, ("build.py", "read_input") given text when read_input's own
    caller is one of _GIVEN, else that frame's (file, function). None for code elsewhere (the lowerer reading its
    own text is not the translator's business)."""
    f = sys._getframe(2)
    while f is not None and f.f_code.co_filename == parse_module.__file__:
        f = f.f_back
    if f is None or not f.f_code.co_filename.startswith(EXPRESSIONS):
        return None
    if _where(f) == ("build.py", "read_input") and (f.f_back is None or _where(f.f_back) not in _GIVEN):
        return _where(f.f_back) if f.f_back is not None else ("?", "?")
    return _where(f)


def test_the_translator_parses_no_text_it_composed(monkeypatch):
    composed: list[tuple[tuple[str, str], str]] = []
    allowed: list[str] = []
    real_parse = parse_module.parse

    def counting_parse(text: str):
        caller = _translator_caller()
        if caller is not None:
            (allowed if caller in _ALLOWED_READERS else composed).append((caller, text) if caller not in
                                                                        _ALLOWED_READERS else text)
        return real_parse(text)

    returned: list = []

    def recording(fn):
        def wrapper(*args, **kwargs):
            tree = fn(*args, **kwargs)
            returned.append(tree)
            return tree
        return wrapper

    monkeypatch.setattr(parse_module, "parse", counting_parse)
    monkeypatch.setattr(build, "parse", counting_parse)
    monkeypatch.setattr(parse_module, "_CACHE", {})
    monkeypatch.setattr(build, "TEMPLATES", {})
    monkeypatch.setattr(translator, "_FINISHED", {})
    monkeypatch.setattr(translator, "_finish", recording(translator._finish))
    examples = sorted((REPO / "examples").glob("*.py"))
    assert len(examples) >= 6
    for f in examples:
        compile_source(f.read_text(), str(f))
    assert composed == []
    assert allowed, "the hook saw no parse at all: it is not measuring anything"
    assert len(returned) > 100
    assert all(isinstance(t, Expr) for t in returned), "the translator hands the lowerer trees, not text"


def test_only_build_imports_the_parser():
    offenders = []
    for f in sorted(pathlib.Path(EXPRESSIONS).glob("*.py")):
        if f.name == "build.py":
            continue
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "pyawssfn.jsonata.parse":
                offenders += [f"{f.name}: {a.name}" for a in node.names]
    assert offenders == []


a, b, c = Var("a"), Var("b"), Var("c")

FILLED = [
    # the printer parenthesises a substituted subtree exactly where its precedence needs it
    (T("$0 * $1", Binary("+", a, b), c), "($a + $b) * $c"),
    (T("$0 + $1", a, Binary("*", b, c)), "$a + $b * $c"),
    (T("$0 - $1", a, Binary("-", b, c)), "$a - ($b - $c)"),
    (T("$0[0]", Dot(a, Name("x"))), "($a.x)[0]"),
    (T("$0.x", Cond(a, b, c)), "($a ? $b : $c).x"),
    (T("$0 ? $1 : $2", Binary("or", a, b), Cond(b, a), c), "$a or $b ? ($b ? $a) : $c"),
    (T("$count($0)", Cond(a, b, c)), "$count($a ? $b : $c)"),
    (T("$0 and $1", Binary("or", a, b), c), "($a or $b) and $c"),
    (T("-$0", Binary("+", a, b)), "-($a + $b)"),
    (T("-$0", Num("3")), "-3"),
    # holes in a binding and in a lambda's parameters take the variable's name
    (T("( $0 := $1; $0 + 1 )", Var("__1"), Binary("*", a, b)), "($__1 := $a * $b; $__1 + 1)"),
    (T("$reduce($0, function($1, $2) { $append($1, $2) }, [])", a, Var("acc"), Var("x")),
     "$reduce($a, function($acc, $x) { $append($acc, $x) }, [])"),
    # user data is a leaf: quotes, `$states.result` or JSONata syntax in it stay inside the string
    (T("$0 & $1", a, Str('v costs $states.result" & $x')), '$a & "v costs $states.result\\" & $x"'),
    (err('KeyError: \'a"b\''), '$error("KeyError: \'a\\"b\'")'),
]


@pytest.mark.parametrize("tree, text", FILLED, ids=[t for _, t in FILLED])
def test_a_filled_template_prints_with_minimal_parentheses(tree, text):
    assert to_text(tree) == text
    assert simplify(parse(text)) == simplify(tree)


def test_a_negative_literal_is_the_tree_the_parser_reads():
    assert T("-$0", Num("3")) == parse("-3")
    assert T("-$0", Var("x")) == Unary(Var("x"))


def test_a_template_is_parsed_once_and_its_hole_free_parts_are_shared():
    t1 = T('$type($0) = "array" ? $count($0) : $1', a, Str("x"))
    t2 = T('$type($0) = "array" ? $count($0) : $1', b, Str("y"))
    assert t1.test.rhs is t2.test.rhs  # the constant "array"
    assert t1.then == Call(Var("count"), (a,)) and t2.orelse == Str("y")


def test_a_binding_hole_needs_a_variable():
    with pytest.raises(TypeError):
        T("( $0 := 1; $0 )", Num("1"))


def test_a_block_from_the_template_stays_a_block_until_the_simplifier():
    t = T("($0)", Binary("+", a, b))
    assert t == Block((Binary("+", a, b),))
    assert simplify(t) == Binary("+", a, b)


def test_the_statement_helpers_return_simplified_trees():
    tree = statements.setitem(parse("$d"), Str("k"), parse("$v + 1"))
    assert tree == simplify(tree)
    assert isinstance(tree, Block)  # ( $__1 := $v + 1; ... )
    tree = statements.append(Var("xs"), parse("[1, 2]"))
    assert "[[$__1]]" in to_text(tree)  # the list (bound once) is appended as one item
    assert tree == simplify(tree)


def test_a_subscript_with_a_computed_index_is_a_filter_of_the_variable():
    tree = statements.setitem(Var("xs"), parse("$i + 1"), Str("v"))
    assert any(type(n) is Filter and n.lhs == Var("xs") for n in tree.walk())


_INT_KEY_WORKFLOW = '''
import pyawssfn as sfn


def get(x):
    return {"a": 1}


@sfn.workflow
def wf(x):
    d = get(x)
    return d[int(x["i"]) + 1]
'''


def test_an_int_key_missing_from_a_dict_names_its_value(tmp_path):
    """d[i] with an int i on a value of unknown type: Python's KeyError names the key's value (KeyError: 3); the
    message was once the JSONata text of the bound index (KeyError: $__1)."""
    from pyawssfn.testing import WorkflowTester
    f = tmp_path / "int_key.py"
    f.write_text(_INT_KEY_WORKFLOW)
    py, machine = WorkflowTester(str(f)).run_both({"x": {"i": 2}})
    assert py.status == machine.status
    assert (machine.cause or "").endswith("KeyError: 3"), machine.cause


@pytest.mark.parametrize("shared", ["$states.input.alpha.beta.gamma", '"a long error message here"'])
def test_one_binding_for_a_repeat_that_is_one_object_in_two_places(shared):
    """The translator's trees share sub-trees (a variable's value read twice is one tree); sharing a repeat binds it
    once, as for the same expression parsed from text (it once nested a binding in each place, eight rounds deep)."""
    from pyawssfn.compiler.share import share_repeats
    s = parse(shared)
    dag = Binary("&", s, s)
    assert to_text(share_repeats(dag)) == to_text(share_repeats(parse(to_text(dag)))) == \
        f"($__c1 := {shared}; $__c1 & $__c1)"
