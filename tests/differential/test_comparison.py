"""pyawssfn.comparison: what the two runs did, compared call by call with JSON's equality, as `run --compare`,
WorkflowTester.run_both and the differential tests see it."""
from __future__ import annotations

import json

import pytest

from pyawssfn.cli import main
from pyawssfn.comparison import Call, Outcome, compare, same, value_difference
from pyawssfn.testing import DisagreementError, WorkflowTester


@pytest.mark.parametrize("a,b,equal", [
    (True, 1, False), (False, 0, False), (None, 0, False), (None, "", False), ([], {}, False), ("1", 1, False),
    (1, 1.0, True),  # one number: the machine holds doubles, and both runs read JSON alike
    ({"a": 1, "b": [True]}, {"b": [True], "a": 1}, True),  # a JSON object has no key order
    ([1, 2], [1, 2, 3], False), ({"a": None}, {}, False),
])
def test_json_equality(a, b, equal):
    assert same(a, b) is equal
    assert same(b, a) is equal


def test_value_difference_names_the_place_and_the_kinds():
    assert value_difference({"x": [1, {"k": True}]}, {"x": [1, {"k": 1}]}) == ("x[1].k", True, 1,
                                                                              "boolean against number")


def test_last_digit_float_difference_says_why():
    path, a, b, why = value_difference(1464.1000000000004, 1464.1000000000006)
    assert "JavaScript" in why and "**" in why
    assert value_difference(1.5, 2.5)[3] is None  # a real difference is not explained away


def _call(name, args, result=None, error=None, side=False):
    return Call("step", name, args, result=result, error=error, side_by_side=side)


def test_first_differing_call_with_both_values_and_attempts():
    ok = Outcome("SUCCEEDED", 1)
    py = [_call("a", {"x": 1}, error="E"), _call("a", {"x": 1}, result=2), _call("b", {"y": True})]
    machine = [_call("a", {"x": 1}, error="E"), _call("a", {"x": 1}, result=2), _call("b", {"y": 1})]
    c = compare(py, ok, machine, ok)
    assert [str(d) for d in c.differences] == [
        "call 3 (step b): argument y: python true, machine 1 (boolean against number)"]
    assert [x.attempt for x in c.python_calls] == [1, 2, 1]
    # one attempt fewer on the machine
    c = compare(py, ok, [machine[1], _call("b", {"y": True})], ok)
    assert str(c.differences[0]) == ('call 1 (step a): outcome: python fails with E, machine returns 2')


def test_side_by_side_calls_may_come_in_another_order():
    ok = Outcome("SUCCEEDED", None)
    py = [_call("f", {"x": 1}, 1, side=True), _call("f", {"x": 2}, 4, side=True), _call("g", {})]
    machine = [py[1], py[0], py[2]]
    assert compare(py, ok, machine, ok).equal
    # ... but not in sequence
    assert not compare([py[2], *py[:2]], ok, machine, ok).equal
    other = [_call("f", {"x": 2}, 4, side=True), _call("f", {"x": 1}, 9, side=True), py[2]]
    assert str(compare(py, ok, other, ok).differences[0]) == "call 1 (step f): result: python 1, machine 9"


def test_run_both_names_the_first_differing_call(monkeypatch, diff):
    t = WorkflowTester(diff.workflows / "dwf_compare.py", "saga")
    assert t.run_both({"key": "k"})[1].output == "done"
    assert [(c.kind, c.name, c.arguments) for c in t.last_python.trace] == [
        ("step", "lookup", {"key": "k"}), ("step", "notify", {"message": "found k", "level": 0})]
    _break_one_argument(monkeypatch)
    t = WorkflowTester(diff.workflows / "dwf_compare.py", "saga")
    with pytest.raises(DisagreementError, match=r"call 2 \(step notify\): argument level: python 1, machine 2"):
        t.run_both({"key": "missing"})


def _break_one_argument(monkeypatch):
    """A compiler that gets one argument wrong (notify's level off by one) and everything else right."""
    original = WorkflowTester._compile

    def compile_wrongly(self, workflow):
        text = json.dumps(original(self, workflow))
        broken = text.replace('"level": 1', '"level": 2')
        assert broken != text
        return json.loads(broken)

    monkeypatch.setattr(WorkflowTester, "_compile", compile_wrongly)


def test_run_compare_reports_the_differing_argument(monkeypatch, capsys, diff):
    path = str(diff.workflows / "dwf_compare.py")
    _break_one_argument(monkeypatch)
    code = main(["run", path, "--workflow", "saga", "--input", '{"key": "missing"}', "--compare", "--json"])
    report = json.loads(capsys.readouterr().out)
    # Both runs end alike: only the call shows the difference.
    assert report["python"]["output"] == report["machine"]["output"] == "compensated"
    assert code == 1 and report["equal"] is False
    assert report["differences"] == ["call 2 (step notify): argument level: python 1, machine 2"]
    code = main(["run", path, "--workflow", "saga", "--input", '{"key": "missing"}', "--compare"])
    out = capsys.readouterr().out
    assert code == 1 and "the runs differ" in out and "argument level: python 1, machine 2" in out


def test_map_items_compared_whatever_their_order(diff):
    t = WorkflowTester(diff.workflows / "dwf_compare.py", "fan_out")
    py, machine = t.run_both({"xs": [3, 1, 2]})
    assert [c.arguments for c in py.trace] == [{"x": 3}, {"x": 1}, {"x": 2}]
    assert all(c.side_by_side for c in py.trace)


def test_traces_hold_callbacks_sdk_calls_and_children(diff):
    t = WorkflowTester(diff.workflows / "dwf_compare.py", "everything")
    t.callback("ask", result={"ok": 1}, after=5)
    t.mock_aws("s3.get_object", returns={"Body": "x"})
    py, machine = t.run_both({"who": "ann", "xs": [1, 2]})
    seen = [(c.kind, c.name, c.arguments, c.result, c.side_by_side) for c in py.trace]
    assert seen == [
        ("step", "ask", {"who": "ann"}, None, False),  # the step's own result is not what the workflow gets
        ("callback", "ask", None, {"ok": 1}, False),
        ("sdk", "aws-sdk:s3:getObject", {"Bucket": "b", "Key": "ann"}, {"Body": "x"}, False),
        ("step", "square", {"x": 1}, 1, True), ("step", "square", {"x": 2}, 4, True),
        ("child", "child", {"x": 2}, {"child": 4}, False), ("step", "square", {"x": 2}, 4, False),
        ("step", "square", {"x": 1}, 1, True), ("step", "square", {"x": 2}, 4, True)]
    # and a callback answered otherwise on the machine is reported as such
    from pyawssfn.comparison import compare_runs

    other = WorkflowTester(diff.workflows / "dwf_compare.py", "everything")
    other.callback("ask", result={"ok": True}, after=5)
    other.mock_aws("s3.get_object", returns={"Body": "x"})
    c = compare_runs(py, other.run_machine({"who": "ann", "xs": [1, 2]}))
    assert str(c.differences[0]) == "call 2 (callback of ask): result.ok: python 1, machine true (number against boolean)"


def _break_distributed_items(monkeypatch):
    """A compiler that sends each item of a distributed map one wrong field (level 2 for 1), all else right."""
    original = WorkflowTester._compile

    def compile_wrongly(self, workflow):
        definition = original(self, workflow)
        (m,) = [s for s in definition["States"].values() if s["Type"] == "Map"]
        (task,) = m["ItemProcessor"]["States"].values()
        payload = task["Arguments"]["Payload"]
        assert payload["kwargs"] == {"item": "{% $states.input %}"}  # the item is the Task's input
        payload["kwargs"] = {"item": '{% $merge([$states.input, {"level": 2}]) %}'}
        return definition

    monkeypatch.setattr(WorkflowTester, "_compile", compile_wrongly)


def test_distributed_map_items_are_compared(monkeypatch, diff):
    t = WorkflowTester(diff.workflows / "dwf_compare.py", "fan_out_distributed")
    py, machine = t.run_both({"xs": [1, 2]})
    assert [(c.name, c.arguments, c.side_by_side) for c in py.trace] == [
        ("record", {"item": {"x": 1, "level": 1}}, True), ("record", {"item": {"x": 2, "level": 1}}, True)]
    from pyawssfn.comparison import machine_trace

    assert [(c.name, c.arguments) for c in machine_trace(machine)] == [(c.name, c.arguments) for c in py.trace]
    _break_distributed_items(monkeypatch)
    t = WorkflowTester(diff.workflows / "dwf_compare.py", "fan_out_distributed")
    # Both runs end alike (2 items): only the items' calls show the difference.
    with pytest.raises(DisagreementError, match=r"call 1 \(step record\): argument item.level: python 1, machine 2"):
        t.run_both({"xs": [1, 2]})


def test_run_compare_sees_inside_a_distributed_map(monkeypatch, capsys, diff):
    _break_distributed_items(monkeypatch)
    code = main(["run", str(diff.workflows / "dwf_compare.py"), "--workflow", "fan_out_distributed",
                 "--input", '{"xs": [1, 2]}', "--compare", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert report["python"]["output"] == report["machine"]["output"] == 2
    assert code == 1 and report["differences"] == ["call 1 (step record): argument item.level: python 1, machine 2"]


def test_a_call_the_machine_never_finished_is_compared_by_its_arguments_only():
    # the execution stopped while the Task ran (the history quota): the machine saw no result
    stopped = Outcome("FAILED", error="States.Runtime", cause="history")
    cut = Call("step", "release", {"x": 0}, ended=False)
    assert compare([Call("step", "release", {"x": 0}, result=5)], stopped, [cut], stopped).equal
    other = Call("step", "release", {"x": 1}, ended=False)
    found = compare([Call("step", "release", {"x": 0}, result=5)], stopped, [other], stopped).differences
    assert [d.where for d in found] == ["call 1 (step release): argument x"]
