"""Silent differences found by session 9's second hunt (helpers and error paths), one class each: every program runs
the same both ways AND as the direct CPython call (tests/differential/conftest.py's ``agree``), or is refused at the
construct's line and column."""
from __future__ import annotations

import textwrap

import pytest

from pyawssfn.compiler import CompileError, compile_source
from pyawssfn.testing import WorkflowTester

from .conftest import agree


def _tester(tmp_path, name: str, source: str, workflow: str = "wf") -> WorkflowTester:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source).lstrip("\n"))
    return WorkflowTester(path, workflow)


def _refused(source: str, where: str, what: str) -> None:
    with pytest.raises(CompileError) as info:
        compile_source(textwrap.dedent(source).lstrip("\n"), "hunt.py", workflow="wf")
    assert f"hunt.py:{where}: error: {what}" in str(info.value), str(info.value)


# F75. `except KeyError` (LookupError, ZeroDivisionError, ...) around a call of a child workflow whose own
# expression fails (`d["x"]` in the child) compiled: the child ends with States.QueryEvaluationError, which no
# handler of a class sees, so the parent failed where CPython runs the handler (pyrun agreed with the machine, so
# run_both saw nothing). Refused now at the call, as the same expression in the workflow itself is.
CHILD = """
import pyawssfn as sfn


def step(n: object) -> object:
    return n


@sfn.workflow
def kid(d: dict) -> object:
    step(1)
    {child}


@sfn.workflow
def wf(d: dict) -> object:
    try:
        return ["ok", kid(d)]
    except {caught} as e:
        return ["caught", str(e)]
"""


@pytest.mark.parametrize("child, caught, where", [
    ('return d["x"]', "KeyError", "17:23"),
    ('return d["x"]', "LookupError", "17:23"),
    ('return 10 // d["n"]', "ZeroDivisionError", "17:23"),
    ('if d:\n        return int(d["s"])\n    return 0', "(ValueError, TypeError)", "19:23"),
    ('return kid2(d)\n\n\n@sfn.workflow\ndef kid2(d: dict) -> object:\n    return [d["x"]]', "KeyError", "22:23"),
])
def test_an_expression_error_of_a_child_is_refused_under_a_class_handler(child, caught, where):
    _refused(CHILD.format(child=child, caught=caught), where,
             f"except {caught} cannot catch an error of an expression of child workflow kid")


@pytest.mark.parametrize("child", [
    'if not d:\n        raise KeyError("x")\n    return step(d)',  # the child raises the class itself
    'return step(d)',
    'try:\n        step(0)\n        return d["x"]\n    except Exception:\n        return None',  # it handles it
])
def test_a_child_raising_the_class_itself_is_caught_alike(tmp_path, child):
    t = _tester(tmp_path, "hunt2_child_raise", CHILD.format(child=child, caught="KeyError"))
    for d in ({}, {"x": 2}):
        agree(t, {"d": d})
