"""The types the inference reads off the tree without a translation (compiler/types/known.py) are the translator's
own: for every shape the rules answer, under every combination of the names' types (and tuple marks on the names),
`known_type` gives exactly what `ExpressionTranslator.static_type` gives; every other shape is left to it (ASK)."""
from __future__ import annotations

import ast
import itertools

import pytest

from pyawssfn.compiler.expressions import ExpressionTranslator
from pyawssfn.compiler.expressions.core import MAY_TUPLE
from pyawssfn.compiler.types.known import ASK, known_type, site_typer
from pyawssfn.compiler.types.model import Maybe, Type
from pyawssfn.jsonata.tree import Var

_NAME_TYPES = [None, "int", "float", "str", "bool", "none", "list", "dict", "tuple", Type("dict", None, {
    "a": (Type("int"), True)}), Type("list", Type("str")), Maybe(Type("str"))]

# shapes the rules answer (each holds the names a and b)
ANSWERED = [
    "0", "2.5", "True", "None", "'s'", "''", str(2**53), str(2**53 + 1), "1e999", "b'x'", "1j", "...",
    "[]", "()", "{}", "[a, 1]", "(a, b)", "(a,)", "[[a], (b, 1), {'k': a}]", "{'a': a, 'b': [a, 2]}",
    "{'k': 1, 'k': a}", "[1, 2]", "(1, 'x')", "{'k': (1, 2)}", "[True, None, 1.5]",
    "step(a)", "step()", "helper(a, *b, k=1)", "step(a) + 1", "a + step(b)", "1 + step(a)", "(step(a) + 1) * b",
    "step(a) - b", "a % step(b)", "a + (b + step(a))", "CONSTANT -0.0", "CONSTANT -5", f"CONSTANT -{2**53 + 1}",
    "CONSTANT float('nan')", "CONSTANT -1e999",
]
# shapes left to the translator
ASKED = [
    "a", "-1", "[*a]", "{**a}", "{a: 1}", "{1: 2}", "[a + 1]", "[1e999]", "[2**60]", "{'k': b'x'}", "{1, 2}",
    "len(a)", "str(a)", "int(a)", "a.append(1)", "sfn.map(step, a)", "a + 1", "(a + 1) + step(b)",
    "a[0] + step(b)", "f(a)(b)", "step(a) if a else b", "not step(a)",
]


def _probe(types: dict) -> ExpressionTranslator:
    probe = ExpressionTranslator(lambda n: Var(n.id), lambda *a: None)
    probe.name_type = lambda node: types.get(node.id)
    return probe


def _marked(src: str, mark: str) -> ast.expr:
    if src.startswith("CONSTANT "):  # a constant no literal parses to (a negative number is an operation)
        return ast.Constant(eval(src[9:]))
    node = ast.parse(src, mode="eval").body
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and mark:
            setattr(n, MAY_TUPLE, mark)
    return node


@pytest.mark.parametrize("src", ANSWERED)
def test_answered_shapes_are_the_translators_answers(src):
    assert known_type(_marked(src, ""), _probe({})) is not ASK
    for (ta, tb), mark in itertools.product(itertools.product(_NAME_TYPES, repeat=2), ["", "top", "tupledeep"]):
        probe = _probe({"a": ta, "b": tb})
        node = _marked(src, mark)
        got, want = known_type(node, probe), probe.static_type(node)
        assert got == want and type(got) is type(want), (src, ta, tb, mark)


@pytest.mark.parametrize("src", ASKED)
def test_other_shapes_are_translated(src):
    assert known_type(ast.parse(src, mode="eval").body, _probe({})) is ASK


def test_a_builtin_the_translator_handles_is_translated():
    # a call refuses only when the translator has no method for its function (len, str, ... have one)
    probe = _probe({"a": "list"})
    node = ast.parse("len(a)", mode="eval").body
    assert known_type(node, probe) is ASK and probe.static_type(node) == "int"


def test_site_typer_reads_no_name_for_an_answered_shape():
    reads: list[str] = []

    def name_type(node: ast.Name):
        reads.append(node.id)
        return "int"

    typer = site_typer(ExpressionTranslator(lambda n: Var(n.id), lambda *a: None))
    assert typer(ast.parse("{'a': a}", mode="eval").body, name_type) == "dict"
    assert reads == []
    assert typer(ast.parse("a + 1", mode="eval").body, name_type) == "int"
    assert reads == ["a"]
