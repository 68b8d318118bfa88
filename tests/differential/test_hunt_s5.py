"""Silent differences found by session 5's hunt, one program each: every program either refuses to compile at the
line and column of the construct, or runs the same both ways AND as the direct CPython call (a difference that
the plain-Python run mirrors from the machine is still a difference for the user, whose module runs under CPython).
"""
from __future__ import annotations

import textwrap

import pytest

from pyawssfn.compiler import CompileError, compile_source

STEP = "import pyawssfn as sfn\n\ndef step(x: object) -> object:\n    return x\n\n"

# (name, workflow body after STEP, expected refusal "line:col" and words): an except clause around a Parallel
# whose branch evaluates an expression that can raise the caught class: on the machine the branch's expression
# error leaves it as QueryEvaluationError (docs/language.md, Parallel), which the handler never sees, while CPython
# runs the handler.
REFUSED = [
    ("lambda-branch-key", """
        @sfn.workflow
        def wf(d: dict) -> object:
            try:
                r = sfn.parallel(lambda: step(d["k"]), lambda: step(1))
            except KeyError:
                return "K"
            return r
        """, "9:39", "except KeyError cannot catch"),
    ("lambda-branch-division", """
        @sfn.workflow
        def wf(n: int) -> object:
            try:
                r = sfn.parallel(lambda: step(1), lambda: step(10 // n))
            except ZeroDivisionError:
                return "Z"
            return r
        """, "9:56", "except ZeroDivisionError cannot catch"),
    ("def-branch-before-try", """
        @sfn.workflow
        def wf(n: int) -> object:
            def br():
                return step(10 // n)
            try:
                r = sfn.parallel(br, lambda: step(1))
            except ZeroDivisionError:
                return "Z"
            return r
        """, "9:21", "except ZeroDivisionError cannot catch"),
    ("lambda-branch-type", """
        @sfn.workflow
        def wf(xs: list) -> object:
            out = []
            for x in xs:
                try:
                    out.append(sfn.parallel(lambda: step(x), lambda: step(x + 1)))
                except TypeError:
                    out.append("T")
            return out
        """, "11:67", "except TypeError cannot catch"),
]


@pytest.mark.parametrize("name,body,where,words", REFUSED, ids=[c[0] for c in REFUSED])
def test_the_construct_is_refused_where_it_is(name, body, where, words):
    source = STEP + textwrap.dedent(body).lstrip("\n")
    with pytest.raises(CompileError) as info:
        compile_source(source, "hunt.py", workflow="wf")
    assert f"hunt.py:{where}: error: {words}" in str(info.value)
