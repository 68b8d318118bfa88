"""Helpers for the compiler tests: compile a source text, check the definition, run it both ways."""
from __future__ import annotations

import itertools
import re
import json
import pathlib
import sys
import textwrap

import pytest
from statelint.linter import Linter

from pyawssfn.compiler import compile_source
from pyawssfn.comparison import reported_cause

# statelint 3.1 predates JSONata + Variables. These messages are about fields that are valid in a JSONata state
# machine (Arguments, Assign, Output, Condition, Items, ItemSelector with {% %} templates), so they are filtered;
# everything else statelint says fails the test.
_STATELINT_FALSE_POSITIVES = (
    # A JSONata template where statelint only knows the JSONPath-era literal type (e.g. Wait "Seconds": "{% ... %}",
    # Map "MaxConcurrency"): valid in a JSONata state machine.
    re.compile(r'is "\{%.*%\}" but should be an? (Integer|Numeric|Timestamp|String)$'),
    # A distributed Map's ItemReader.ReaderConfig fields for CSV/JSON/JSONL/manifest readers (AWS's ItemReader
    # documentation), which statelint 3.1 does not know.
    re.compile(r'Field "(InputType|CSVHeaderLocation|CSVHeaders|CSVDelimiter|ManifestType|MaxItems)" not allowed '
               r'in .*\.ItemReader\.ReaderConfig$'),
)

_counter = itertools.count()


def statelint_problems(definition: dict) -> list[str]:
    return [p for p in Linter.validate(definition) if not any(fp.search(p) for fp in _STATELINT_FALSE_POSITIVES)]


def checked(definition: dict) -> dict:
    """Assert statelint and the project's validator accept the definition."""
    from pyawssfn.asl.validate import validate_definition

    problems = statelint_problems(definition)
    assert not problems, "\n".join(problems)
    more = validate_definition(definition)
    assert not more, "\n".join(str(p) for p in more)
    return definition


def compile_text(src: str, **kw):
    res = compile_source(textwrap.dedent(src), "wf.py", **kw)
    checked(res.definition)
    return res


def all_states(definition: dict):
    """Every state of a definition, nested ones included: (name, state)."""
    for name, st in definition["States"].items():
        yield name, st
        for b in st.get("Branches", []):
            yield from all_states(b)
        if "ItemProcessor" in st:
            yield from all_states(st["ItemProcessor"])


class Both:
    """A workflow module written to disk, compiled, and runnable as Python and as a machine."""

    def __init__(self, tmp_path: pathlib.Path, src: str, workflow: str | None = None, **compile_kw):
        from pyawssfn.testing import WorkflowTester

        self.src = textwrap.dedent(src)
        name = f"wfmod_{next(_counter)}"
        self.path = tmp_path / f"{name}.py"
        self.path.write_text(self.src)
        self.result = compile_source(self.src, str(self.path), workflow=workflow, **compile_kw)
        checked(self.result.definition)
        self.workflow = workflow
        if self.result.children:  # the tester compiles the children itself (same compiler)
            self._tester = lambda: WorkflowTester(self.path, workflow)
        else:
            self._tester = lambda: WorkflowTester(self.path, workflow, definition=self.result.definition)

    def run(self, input_value: dict, tester=None):
        t = tester or self._tester()
        py = t.run_python(input_value)
        ex = t.run_machine(input_value)
        return py, ex

    def check(self, input_value: dict, tester=None):
        """Run both ways and assert they agree; return the machine's execution."""
        py, ex = self.run(input_value, tester)
        assert ex.status == py.status, (ex.status, ex.error, ex.cause, py.status, py.error, py.cause)
        if py.status == "SUCCEEDED":
            assert ex.output == py.output
        else:
            assert ex.error == py.error
            if py.error != "States.QueryEvaluationError":  # its cause is the evaluator's own wording
                # a step's error nothing catches ends the machine with Lambda's error JSON as its cause
                assert reported_cause(ex.error, ex.cause) == py.cause, (ex.cause, py.cause)
        return ex


@pytest.fixture
def both(tmp_path):
    made = []

    def make(src: str, workflow: str | None = None, **kw) -> Both:
        b = Both(tmp_path, src, workflow, **kw)
        made.append(b)
        return b

    yield make
    for b in made:
        sys.modules.pop(b.path.stem, None)


def on_templates(fn):
    """`fn`, a pass over emitted states (alike_states, handover, edge_facts), called on a graph written as printed
    ASL (`"{% ... %}"` strings, as a test reads best): codegen runs these passes on its Templates before it prints
    them, so the graph is turned into Templates for the call and printed back into the same dict after it."""
    import functools

    from pyawssfn.compiler.codegen import field_json
    from pyawssfn.compiler.ir import Template
    from pyawssfn.jsonata.parse import template

    def templated(v):
        if isinstance(v, str):
            t = template(v)
            return v if t is None else Template(t)
        if isinstance(v, dict):
            return {k: templated(x) for k, x in v.items()}
        if isinstance(v, list):
            return [templated(x) for x in v]
        return v

    @functools.wraps(fn)
    def call(graph, *args, **kwargs):
        g = templated(graph)
        out = fn(g, *args, **kwargs)
        graph.clear()
        graph.update(field_json(g))
        return out
    return call
