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
_COMMENT = re.compile(r"@\d+(?:-\d+)?(?:, \d+(?:-\d+)?)*")  # `@25-26, 31`: a state of several


def _runs(comment: str) -> list[tuple[int, int]]:
    """`@10-11, 14` -> [(10, 11), (14, 14)]."""
    out = []
    for part in comment[1:].split(", "):
        a, _, b = part.partition("-")
        out.append((int(a), int(b or a)))
    return out


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
    assert comments["step @10"] == "@10-13"   # several lines: the name's "@10" is not all of it
    assert comments["if r > 1 and y > 2"] == "@14-15"   # the test, not the body
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
        assert _COMMENT.fullmatch(comment), (name, comment)
        runs = _runs(comment)
        assert any(a <= first <= b for a, b in runs), (name, comment)  # the state's own line among them
        assert all(a < b for (a, b), part in zip(runs, comment[1:].split(", ")) if "-" in part), comment
        assert all(b + 1 < a for (_, b), (a, _) in zip(runs, runs[1:])), comment  # apart, in order


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
    assert task["Comment"] == f"@{calls[0]}, {calls[1]}" and res.source_map[name] == calls[0]


FOLDED = '''import pyawssfn as sfn


def step(x):
    return x


@sfn.workflow
def wf(d: dict):
    v = step(d)
    w = v["zz"] + 1
    u = step(w)
    return u["a"] + [
        1]
'''


def _line(text: str) -> int:
    return next(i for i, t in enumerate(FOLDED.splitlines(), 1) if text in t)


def test_a_state_that_holds_a_folded_assignment_and_return_names_their_lines_and_fields():
    res = compile_source(FOLDED, "flow.py")
    first, second = sorted((n for n in res.definition["States"] if n.startswith("step")), key=res.source_map.get)
    states = res.definition["States"]
    # `w = v["zz"] + 1` is the first Task's Assign; the return (over two lines) is the second Task's Output
    assert "w" in states[first]["Assign"] and "Output" in states[second]
    assert states[first]["Comment"] == f"@{_line('v = step')}-{_line('w = ')}"
    assert states[second]["Comment"] == f"@{_line('u = step')}-{_line('1]')}"
    assert res.source_map[first] == _line("v = step") and res.source_map[second] == _line("u = step")
    assert res.field_lines[first] == {"Assign/w": _line("w = ")}
    assert res.field_lines[second] == {"Output": _line("return u")}


def test_a_state_of_its_own_statement_only_keeps_its_short_comment_and_no_field_lines():
    res = compile_source(SOURCE, "flow.py")
    assert res.field_lines == {}  # nothing that can fail was folded from another statement
    assert res.definition["States"]["step @16"].get("Comment") is None


@pytest.mark.parametrize("lines,text", [
    ({10}, "@10"), ({10, 11}, "@10-11"), ({10, 14}, "@10, 14"), ({10, 12, 13}, "@10, 12-13"),
    ({20, 10}, "@10, 20-22"), ({21, 22}, "@21-22"),
])
def test_comment_joins_statements_on_consecutive_lines_and_spans_a_statement_to_its_end(lines, text):
    from pyawssfn.compiler.source_lines import comment
    assert comment(lines, {20: 22, 21: 21}) == text


def test_a_field_names_its_own_line_else_the_line_of_the_field_it_is_part_of():
    from pyawssfn.local.report import field_line
    fields = {"Assign/total": 12, "Output": 14}
    assert field_line(fields, "Assign/total") == 12 and field_line(fields, "Output/values[0]") == 14
    assert field_line(fields, "Assign/other") is None and field_line(fields, "Arguments/Payload") is None


def test_states_merged_into_one_keep_every_line_and_only_the_field_lines_they_agree_on():
    from pyawssfn.compiler.source_lines import StateLines
    held = StateLines({})
    source_map = {"a": 10, "b": 20, "p": 5}
    held.held = {"a": {"": 10, "Assign/x": 11}, "b": {"": 20, "Assign/x": 21}}
    held.fields = {"a": {"Assign/x": 11, "Output": 12}, "b": {"Assign/x": 21, "Output": 12}}
    held.merge("a", "b", source_map)
    assert held.lines("a", 10) == {10, 11, 20, 21} and held.comment("a", 10) == "@10-11, 20-21"
    assert held.fields == {"a": {"Output": 12}}  # which copy's x failed is not known: the state's line
    held.move_assign("a", ["p"], source_map)  # its Assign (both copies') now on the transition from p
    assert held.comment("a", 10) == "@10, 20" and held.comment("p", 5) == "@5, 11, 21"
    assert held.changed == {"a", "p"}
    held.rename("a", "c")
    assert "a" not in held.held and held.fields == {"c": {"Output": 12}} and held.extra("c", 10)


def test_an_assign_moved_onto_the_transitions_into_a_state_takes_its_lines_there():
    # the saga's two handlers end `release_stock(reservation); raise sfn.Fail(...)`: the error objects move onto
    # the transitions into release_stock (alike_states.py), whose two copies then merge; the raise lines are no
    # longer the merged Task's but those of the states whose transitions build the objects now
    path = pathlib.Path(__file__).parents[2] / "examples" / "order_pipeline.py"
    text = path.read_text().splitlines()
    at = {t.strip(): i for i, t in enumerate(text, 1)}
    res = compile_source("\n".join(text), str(path))
    states = res.definition["States"]
    releases = [i for i, t in enumerate(text, 1) if t.strip() == "release_stock(reservation)"]
    assert states["release_stock"]["Comment"] == f"@{releases[0]}, {releases[1]}"
    charge, declined = at["payment = charge_card(order_id, amount)"], at['raise sfn.Fail("PaymentFailed", str(e))']
    assert states["charge_card"]["Comment"] == f"@{charge}, {declined}"
