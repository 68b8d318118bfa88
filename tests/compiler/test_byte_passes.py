"""The passes that make a definition shorter without changing what it does (alike_arguments.py, caught_handover.py,
literal_vars.py): each shape they rewrite runs both ways with the same outcome, and the shapes they must leave alone
stay as they were."""
from __future__ import annotations

import json

import pytest

from pyawssfn.compiler import compile_source
from pyawssfn.testing import WorkflowTester

ALIKE = '''import pyawssfn as sfn


def notify(order_id, reason):
    return {"order_id": order_id, "reason": reason}


def check(d):
    return d


@sfn.workflow
def wf(order_id, d):
    try:
        d = check(d)
    except Exception:
        return notify(order_id, "no answer")
    if d["ok"]:
        return "fine"
    return notify(order_id, d["why"])
'''


def _run(tmp_path, source, inp, setup=None):
    path = tmp_path / "flow.py"
    path.write_text(source)
    t = WorkflowTester(path)
    if setup:
        setup(t)
    py, machine = t.run_both(inp)
    return py, machine


def test_tasks_alike_but_for_one_argument_are_one_and_each_way_in_assigns_it(tmp_path):
    definition = compile_source(ALIKE, "flow.py").definition
    notifies = [st for st in definition["States"].values() if "notify" in json.dumps(st.get("Arguments"))]
    assert len(notifies) == 1
    assert notifies[0]["Arguments"]["Payload"]["kwargs"]["reason"] == "{% $reason %}"
    for inp in ({"order_id": "o", "d": {"ok": False, "why": "late"}}, {"order_id": "o", "d": {"ok": True}},
                {"order_id": "o", "d": {"ok": False}}, {"order_id": "o", "d": 3}):
        py, machine = _run(tmp_path, ALIKE, inp)
        assert (py.error, py.output) == (machine.error, machine.output)


def test_an_argument_that_can_fail_stays_where_a_task_is_the_way_in(tmp_path):
    # after check() its Next would evaluate d["why"], where check's own catcher would see the KeyError
    source = ALIKE.replace('''    if d["ok"]:
        return "fine"
''', "")
    definition = compile_source(source, "flow.py").definition
    reasons = [st["Arguments"]["Payload"]["kwargs"]["reason"] for st in definition["States"].values()
               if "notify" in json.dumps(st.get("Arguments"))]
    assert len(reasons) == 2 and "no answer" in reasons
    py, machine = _run(tmp_path, source, {"order_id": "o", "d": {}})
    assert py.error == machine.error == "States.QueryEvaluationError"


FINALLY = '''import pyawssfn as sfn


def a(x):
    if x == "a":
        raise ValueError("from a")
    return x


def b(x):
    if x == "b":
        raise KeyError("from b")
    return x


def log(x):
    return x


@sfn.workflow
def wf(x):
    try:
        a(x)
        b(x)
    finally:
        log(x)
    return x
'''


@pytest.mark.parametrize("x", ["a", "b", "c"])
def test_the_caught_error_is_the_finally_copys_input_and_raised_again_after_it(tmp_path, x):
    definition = compile_source(FINALLY, "flow.py").definition
    catchers = [c for st in definition["States"].values() for c in st.get("Catch", [])]
    # no catcher assigns the error (the first one checks the input again)
    assert catchers and "errorOutput %}" not in json.dumps(catchers)
    py, machine = _run(tmp_path, FINALLY, {"x": x})
    assert (py.error, py.output) == (machine.error, machine.output)  # run_both compared the causes


LITERAL = '''import pyawssfn as sfn


def step(s):
    return s


@sfn.workflow
def wf(x):
    status = "a"
    if x > 1:
        status = "b"
        step(1)
    else:
        step(2)
    return step(status)
'''


def test_a_variable_with_two_literals_on_the_ways_in_stays_a_variable(tmp_path):
    definition = compile_source(LITERAL, "flow.py").definition
    assert "$status" in json.dumps(definition)
    for x in (0, 2):
        py, machine = _run(tmp_path, LITERAL, {"x": x})
        assert py.output == machine.output == ("b" if x > 1 else "a")


def test_a_variable_with_one_literal_on_every_way_in_is_that_literal(tmp_path):
    source = LITERAL.replace('status = "b"', 'status = "a"')
    definition = compile_source(source, "flow.py").definition
    assert "status" not in json.dumps(definition)
    py, machine = _run(tmp_path, source, {"x": 2})
    assert py.output == machine.output == "a"


SETITEM_TWICE = '''import pyawssfn as sfn


def double(x):
    return x * 2


@sfn.workflow
def wf(d):
    d["new"] = double(2)
    d["n"]["k"] = 1
    return d
'''


@pytest.mark.parametrize("d", [{"n": {}}, {"n": {"k": 0, "j": 1}}, [1], "s", 3, {"n": [1]}, {"n": "s"}, {"n": 2},
                               {"n": None}, {}])
def test_a_repeat_reading_a_name_bound_twice_is_one_function_of_it(tmp_path, d):
    # d[k] = v's type error, on d and then on d["n"], both read by one name: a function of that name, called twice
    definition = compile_source(SETITEM_TWICE, "flow.py").definition
    text = json.dumps(definition)
    assert text.count("object does not support item assignment") == 1 and "function($__1)" in text
    py, machine = _run(tmp_path, SETITEM_TWICE, {"d": d})
    assert (py.error, py.output) == (machine.error, machine.output)  # run_both compared the causes


CHILD_RETURNED = '''import pyawssfn as sfn


@sfn.workflow
def child(x):
    return x


@sfn.workflow
def parent(x):
    r = child(x)
    return r * 2
'''


@pytest.mark.parametrize("x", [3, "ab", [1], {"a": 1}, None, 2.5])
def test_a_returned_value_is_checked_in_the_assign_and_computed_in_the_output(tmp_path, x):
    # the Assign evaluates what can fail, where the Catch sees it (LocalStack's does not see the Output's): only
    # the type tests and the error, not the value (compiler/check_only.py); the Output computes the value, without
    # the guards the Assign passed
    definition = compile_source(CHILD_RETURNED, "flow.py", workflow="parent").definition
    (call,) = [st for st in definition["States"].values() if st["Type"] == "Task"]
    (check,) = call["Assign"].values()
    assert "TypeError" in check and "$pad" not in check and "$reduce" not in check
    assert "$error" not in call["Output"] and "$pad" in call["Output"]
    path = tmp_path / "flow.py"
    path.write_text(CHILD_RETURNED)
    py, machine = WorkflowTester(path, "parent").run_both({"x": x})
    assert (py.error, py.output) == (machine.error, machine.output)


_VALUES = [3, -1.5, "ab", "", [1, [2]], [], {"a": 1}, {}, None, True, False]
_CHECKED = [
    # x * 2 for x of unknown type (the child workflow's return value)
    '($v := $x; $type($v) = "number" ? $v * 2 : $type($v) in ["string", "array"] ? ($type($v) = "string" ? '
    '$pad("", $length($v) * 2, $v) : $reduce([1..2], function($a, $b) { $append($a, $v) }, [])) : '
    '$error("TypeError: unsupported operand type(s) for *"))',
    # a value that is undefined on one way: the check is undefined there too
    '$type($x) = "number" ? $x + 1 : $type($x) = "string" ? $x.nothing : $error("TypeError")',
    '$type($x) = "number" ? $x + 1 : ($type($x) = "null" ? $error("N"))',
    # a part the types do not make safe stays as it is
    '$type($x) = "string" ? $substring($x, 1) & "!" : $type($x) = "array" ? $x[0] : $error("E")',
    '($n := $count($x); $n > 1 ? $n * 2 : $error("short"))',
]


def _outcome(text: str, x):
    from pyawssfn.jsonata.engine import evaluate
    from pyawssfn.jsonata.values import UNDEFINED
    try:
        return "undefined" if evaluate(text, variables={"x": x}) is UNDEFINED else "value"
    except Exception as e:  # the error and its message (the cause names the expression): the same in the check
        return f"{type(e).__name__}: {str(e).rpartition('during evaluation. ')[2]}"


@pytest.mark.parametrize("text", _CHECKED)
def test_a_check_only_fails_and_is_undefined_where_its_value_does(text):
    from pyawssfn.compiler.check_only import check_only
    from pyawssfn.jsonata.parse import parse
    from pyawssfn.jsonata.printer import to_text
    check = check_only(parse(text))
    assert check is not None
    checked = to_text(check)
    outcomes = {repr(x): (_outcome(text, x), _outcome(checked, x)) for x in _VALUES}
    assert all(value == only for value, only in outcomes.values()), (checked, outcomes)
    assert {value for value, _ in outcomes.values()} - {"value", "undefined"}, "no input makes it fail"
    assert "$pad" not in checked and "$reduce" not in checked
