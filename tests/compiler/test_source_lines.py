"""Each state's Comment names the Python lines it came from (a state whose name already ends with its one line,
`step @9`, needs none); CompileResult.source_map gives the first of them."""
from __future__ import annotations

import pathlib
import re

import pytest

from pyawssfn.compiler import compile_source

SOURCE = '''import pyawssfn as sfn


def step(a, b=0):
    return a


@sfn.workflow
def wf(x, y):
    r = step(
        x,
        b=y,
    )
    if (r > 1
            and y > 2):
        return step(r)
    return step(y, b=1)
'''

EXAMPLES = sorted((pathlib.Path(__file__).parents[2] / "examples").glob("*.py"))
_COMMENT = re.compile(r"lines? (\d+)(?:-(\d+))?(?:, \d+)*")  # `lines 25, 31`: one state for two calls


def _states(machine: dict):
    for name, st in machine["States"].items():
        yield name, st
        for b in st.get("Branches", []):
            yield from _states(b)
        if "ItemProcessor" in st:
            yield from _states(st["ItemProcessor"])


def test_a_statement_over_several_lines_names_them_all_and_a_compound_one_only_its_header():
    res = compile_source(SOURCE, "flow.py")
    comments = {name: st.get("Comment") for name, st in _states(res.definition)}
    assert comments["step @10"] == "lines 10-13"   # several lines: the name's "@10" is not all of it
    assert comments["if r > 1 and y > 2"] == "lines 14-15"   # the test, not the body
    assert comments["step @16"] is None and comments["step @17"] is None  # the name says it
    assert res.source_map["step @10"] == 10


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_state_of_an_example_says_its_python_lines(path):
    res = compile_source(path.read_text(), str(path))
    lines = path.read_text().splitlines()
    for name, st in _states(res.definition):
        first = res.source_map[name]
        assert 1 <= first <= len(lines), name
        comment = st.get("Comment")
        if comment is None:
            assert f" @{first}" in name, name
            continue
        m = _COMMENT.fullmatch(comment)
        assert m is not None and int(m.group(1)) == first, (name, comment)
        assert int(m.group(2) or first) > first if m.group(2) else True, comment


POLL = '''import pyawssfn as sfn


def start():
    return "job-1"


def status(job):
    return "DONE"


@sfn.workflow
def wf():
    job = start()
    s = status(job)
    while s == "RUNNING":
        s = status(job)
    return s
'''


def test_a_call_before_a_loop_and_at_the_end_of_its_body_is_one_state_naming_both_lines():
    res = compile_source(POLL, "flow.py")
    calls = [i for i, text in enumerate(POLL.splitlines(), 1) if "s = status(job)" in text]
    tasks = {name: st for name, st in _states(res.definition) if st["Type"] == "Task" and "status" in name}
    assert len(tasks) == 1
    (name, task), = tasks.items()
    assert task["Comment"] == f"lines {calls[0]}, {calls[1]}" and res.source_map[name] == calls[0]
