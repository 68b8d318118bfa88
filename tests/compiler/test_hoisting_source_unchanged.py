"""The hoister rewrites only copies of the nodes it acts on (lower/hoist_facts.py): the workflow's own syntax tree is
the same after lowering, so a statement lowered twice (a finally body, once per way out) reads the source as written
both times, and the parts it leaves alone are not copied."""
from __future__ import annotations

import ast

from pyawssfn.compiler import compile_source
from pyawssfn.compiler.diagnostics import Reporter
from pyawssfn.compiler.frontend import analyse
from pyawssfn.compiler.ir import Graph
from pyawssfn.compiler.lower import FunctionLowerer, Options, Shared
from pyawssfn.compiler.naming import VariableNames

SOURCE = '''
import pyawssfn as sfn


class Oops(Exception):
    pass


def step(x):
    return x


def other(a, b=0):
    return a


@sfn.workflow
def wf(x: dict, xs: list):
    out = []
    acc = 0
    try:
        acc = other(x["k"] + 1, b=step(acc)) + step(len(out))
        out.append({"a": x["a"], "b": step(acc)})
    except Oops as e:
        out.append(f"failed: {e}")
        acc = step(str(e))
    finally:
        out.append(step(acc) + acc)
        for item in xs:
            if item > step(acc):
                acc = acc + item
    return {"acc": acc, "out": out, "first": step(x["a"]) + acc}
'''


def _lowered_tree():
    reporter = Reporter("wf.py")
    info = analyse(SOURCE, "wf.py", reporter)
    fn = info.workflows["wf"]
    before = ast.dump(fn, include_attributes=True)
    shared = Shared(info, reporter, VariableNames(set()), Options(None, True), "wf")
    FunctionLowerer(shared, fn, Graph(), top=True).lower_function()
    reporter.raise_if_any()
    return before, ast.dump(fn, include_attributes=True)


def test_lowering_leaves_the_workflow_syntax_tree_as_it_was():
    before, after = _lowered_tree()
    assert before == after


def test_the_same_source_compiles_to_the_same_machine_twice():
    first = compile_source(SOURCE, "wf.py").to_json()
    assert compile_source(SOURCE, "wf.py").to_json() == first
