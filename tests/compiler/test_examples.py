"""The project's examples compile to valid, small machines that behave as the Python does."""
from __future__ import annotations

import pathlib

import pytest

from pyawssfn.compiler import compile_file
from pyawssfn.testing import WorkflowTester

from .conftest import all_states, checked

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def test_analyse_text_is_small_and_valid():
    res = compile_file(EXAMPLES / "analyse_text.py")
    checked(res.definition)
    states = list(all_states(res.definition))
    assert len(states) <= 12
    assert not [n for n, s in states if s["Type"] == "Pass"]
    assert res.steps == ["augment_summary", "format_c_result", "format_result", "get_n_spaces", "get_n_vowels",
                         "get_summary"]


@pytest.mark.parametrize("text", ["a short example", "b", "cat", "dog", ""])
def test_analyse_text_runs_as_python_does(text):
    res = compile_file(EXAMPLES / "analyse_text.py")
    t = WorkflowTester(EXAMPLES / "analyse_text.py", definition=res.definition)
    py = t.run_python({"text": text})
    ex = t.run_machine({"text": text})
    assert (ex.status, ex.output, ex.error, ex.cause) == (py.status, py.output, py.error, py.cause)
    if text == "a short example":
        assert ex.output == "text starts with a, has 15 chars, 5 vowels, and 2 spaces"
        assert ex.stats["states_entered"] <= 8
        assert ex.stats["lambda_invocations"] == 5


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.py")), ids=lambda p: p.name)
def test_every_example_compiles_to_a_valid_definition(path):
    import ast
    tree = ast.parse(path.read_text())
    workflows = [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and any(
        "workflow" in ast.unparse(d) or "main" in ast.unparse(d) for d in n.decorator_list)]
    for wf in workflows:
        checked(compile_file(path, workflow=wf).definition)
