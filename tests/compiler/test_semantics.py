"""Differential tests: each construct compiled and executed locally gives what plain Python gives."""
from __future__ import annotations

import json
import pathlib

import pytest

from .conftest import all_states
from pyawssfn.comparison import plain_cause, reported_cause


def golden_source(name: str) -> str:
    """The source of a golden case: its compiled output is pinned there, its behaviour checked here."""
    return (pathlib.Path(__file__).with_name("golden") / f"{name}.py").read_text()


HEADER = """
import pyawssfn as sfn

class AppError(Exception):
    pass

class NotFound(LookupError):
    pass

def double(x):
    return x * 2

def add(a, b=10):
    return a + b

def fetch(key):
    if key == "missing":
        raise KeyError(key)
    if key == "boom":
        raise AppError("boom happened")
    return {"key": key, "size": len(key)}

def lookup(name):
    raise NotFound("no " + name)

def pair(x):
    return [x, [x]]

def total(*xs, **kw):
    return sum(xs) + sum(kw.values())
"""


def test_steps_and_folded_assignments(both):
    b = both(HEADER + """
@sfn.workflow
def wf(n, extra=5):
    a = double(n)
    b = a + 1
    c = add(b)
    d = add(c, b=extra)
    return {"a": a, "b": b, "c": c, "d": d}
""")
    b.check({"n": 3})
    b.check({"n": 4, "extra": 1})
    types = [s["Type"] for _, s in all_states(b.result.definition)]
    assert "Pass" not in types and types.count("Task") == 3


def test_missing_required_input_fails(both):
    b = both(HEADER + """
@sfn.workflow
def wf(n):
    return double(n)
""")
    py, ex = b.run({})
    assert ex.status == "FAILED" and ex.error == "States.QueryEvaluationError"


def test_pure_workflow_is_one_state(both):
    b = both(HEADER + """
@sfn.workflow
def wf(a):
    return a + 1
""")
    b.check({"a": 41})
    assert len(b.result.definition["States"]) == 1


@pytest.mark.parametrize("x", [-1, 0, 1, 5, 12])
def test_if_elif_else_with_assignments(both, x):
    b = both(golden_source("if_elif_else"))  # the module whose compiled output the golden file pins
    b.check({"x": x})


def test_while_with_break_continue_else(both):
    b = both(golden_source("while_loop"))
    for limit in (0, 3, 5, 10):
        b.check({"limit": limit})


def test_pure_while_loop_self_loops(both):
    b = both(HEADER + """
@sfn.workflow
def wf(n):
    i = 0
    s = 0
    while i < n:
        s += i
        i += 1
    return s
""")
    for n in (0, 1, 6):
        b.check({"n": n})


def test_for_loops_over_lists_ranges_dicts_enumerate_zip(both):
    b = both(HEADER + """
@sfn.workflow
def wf(xs, d):
    out = []
    for x in xs:
        out.append(double(x))
    for i in range(2, 9, 3):
        out.append(i)
    for j in range(3, 0, -1):
        out.append(j)
    for k in d:
        out.append(k)
    for k, v in d.items():
        out.append([k, v])
    for v in d.values():
        out.append(v)
    for i, x in enumerate(xs, 1):
        out.append(i * 100 + x)
    for a, b in zip(xs, [10, 20]):
        out.append(a + b)
    for p in [[1, 2], [3, 4]]:
        out.append(p)
    for a, b in [[1, 2], [3, 4]]:
        out.append(a - b)
    return {"out": out, "last": x}
""")
    b.check({"xs": [1, 2, 3], "d": {"a": 1, "b": [2]}})
    b.check({"xs": [7], "d": {}})


def test_for_else_and_break(both):
    b = both(HEADER + """
@sfn.workflow
def wf(xs, target):
    found = None
    for x in xs:
        if double(x) == target:
            found = x
            break
    else:
        found = "not found"
    return found
""")
    b.check({"xs": [1, 2, 3], "target": 4})
    b.check({"xs": [1, 2, 3], "target": 5})


@pytest.mark.parametrize("key", ["ok", "missing", "boom"])
def test_try_except_as_and_else(both, key):
    b = both(HEADER + """
@sfn.workflow
def wf(key):
    log = []
    try:
        r = fetch(key)
    except LookupError as e:
        log.append("lookup " + type(e).__name__)
        r = None
    except AppError as e:
        log.append("app: " + str(e))
        r = {}
    else:
        log.append("fine")
    return {"r": r, "log": log}
""")
    b.check({"key": key})


@pytest.mark.parametrize("key", ["ok", "missing", "boom"])
def test_uncaught_errors_report_class_and_message(both, key):
    b = both(HEADER + """
@sfn.workflow
def wf(key):
    return fetch(key)
""")
    b.check({"key": key})


@pytest.mark.parametrize("mode", ["ok", "raise", "fail", "ret", "custom"])
def test_finally_on_every_path(both, mode):
    b = both(HEADER + """
@sfn.workflow
def wf(mode):
    log = []
    try:
        try:
            log.append("body")
            if mode == "raise":
                raise ValueError("bad value")
            if mode == "fail":
                fetch("boom")
            if mode == "ret":
                return {"early": len(log)}
            if mode == "custom":
                raise sfn.Fail("Custom", "custom cause")
        finally:
            log.append(double(1))
        log.append("after")
    except ValueError as e:
        return {"caught": str(e), "log": log}
    except AppError as e:
        return {"app": str(e), "log": log}
    return log
""")
    b.check({"mode": mode})


@pytest.mark.parametrize("mode", ["a", "b", "c"])
def test_raise_in_handler_and_bare_reraise(both, mode):
    b = both(HEADER + """
@sfn.workflow
def wf(mode):
    try:
        try:
            if mode == "a":
                fetch("boom")
            elif mode == "b":
                lookup("x")
            return "none"
        except AppError:
            raise
        except NotFound as e:
            raise ValueError("wrapped: " + str(e))
    except ValueError as e:
        return "outer " + str(e)
""")
    b.check({"mode": mode})


def test_raise_without_try_and_fail(both):
    b = both(HEADER + """
@sfn.workflow
def wf(x):
    if x > 1:
        raise sfn.Fail("TooBig", "x is " + str(x))
    if x < 0:
        raise ValueError("negative")
    return x
""")
    for x in (0, 2, -1):
        b.check({"x": x})


def test_parallel_with_defs_and_lambdas(both):
    b = both(HEADER + """
@sfn.workflow
def wf(n):
    base = double(n)

    def left():
        result = add(base, 1)
        result = result * 2
        return result

    def right():
        for_r = []
        for i in range(2):
            for_r.append(double(i))
        return for_r

    a, b, c = sfn.parallel(left, right, lambda: double(n))
    result = [a, b, c]
    return result
""")
    b.check({"n": 3})


def test_map_and_comprehension(both):
    b = both(HEADER + """
@sfn.workflow
def wf(xs):
    ys = sfn.map(double, xs, max_concurrency=2)
    zs = [add(x, b=1) for x in xs if x > 1]
    ps = [pair(x) for x in xs]
    return {"ys": ys, "zs": zs, "ps": ps}
""")
    b.check({"xs": [1, 2, 3]})
    b.check({"xs": [5]})
    b.check({"xs": []})


def test_binding_defaults_and_varargs(both):
    b = both(HEADER + """
@sfn.workflow
def wf(x):
    a = add(x)
    b = add(a=x, b=1)
    c = total(1, 2, x, k=4)
    return [a, b, c]
""")
    b.check({"x": 2})
    payloads = [s["Arguments"]["Payload"]["kwargs"] for _, s in all_states(b.result.definition)
                if s["Type"] == "Task"]
    assert payloads[0] == {"a": "{% $x %}"} or list(payloads[0]) == ["a"]


def test_data_mutation(both):
    b = both(HEADER + """
@sfn.workflow
def wf(d):
    d["new"] = double(2)
    d["n"]["k"] = 1
    xs = [1]
    xs += [2]
    xs.append([3])
    xs.extend([4])
    a, (b, c) = [1, [2, 3]]
    a, b = b, a
    d["xs"] = xs
    d["swap"] = [a, b, c]
    d.update({"u": None, "t": True})
    return d
""")
    b.check({"d": {"n": {}}})


def test_retry_task_options_in_definition(both):
    b = both(HEADER + """
@sfn.task(retry=[sfn.Retry(errors=[AppError], interval=2, max_attempts=4, backoff=1.5)], timeout=30,
          transient_retry=False)
def flaky(x):
    return x

@sfn.workflow
def wf(x):
    y = flaky(x)
    return sfn.with_retry_spec(double, (y,), (["States.ALL"], 1, 2, 1.5))
""")
    b.check({"x": 1})
    tasks = [s for _, s in all_states(b.result.definition) if s["Type"] == "Task"]
    assert tasks[0]["TimeoutSeconds"] == 30
    assert tasks[0]["Retry"] == [{"ErrorEquals": ["AppError"], "IntervalSeconds": 2, "MaxAttempts": 4,
                                  "BackoffRate": 1.5}]
    assert tasks[1]["Retry"][0]["ErrorEquals"][0] == "Lambda.ServiceException"
    assert tasks[1]["Retry"][1]["ErrorEquals"] == ["States.ALL"]


def test_no_transient_retry_option(both):
    b = both(HEADER + """
@sfn.workflow
def wf(x):
    return double(x)
""", transient_retry=False)
    assert not [s for _, s in all_states(b.result.definition) if "Retry" in s]


def test_predicates(both):
    b = both(HEADER + """
@sfn.workflow
def wf(s, n):
    if sfn.StringEquals(s, "a") or (sfn.NumericGreaterThan(n, 3) and not sfn.IsNull(s)):
        return "yes"
    if sfn.StringMatches(s, "log-*.txt"):
        return "log"
    return "no"
""")
    for s, n in (("a", 0), ("b", 4), ("b", 1), ("log-1.txt", 0)):
        b.check({"s": s, "n": n})


def test_sleep_and_sleep_until(both):
    b = both(HEADER + """
@sfn.workflow
def wf(n):
    sfn.sleep(n + 1)
    sfn.sleep_until("2020-01-01T00:00:00Z")
    return double(n)
""")
    b.check({"n": 2})
    waits = [s for _, s in all_states(b.result.definition) if s["Type"] == "Wait"]
    assert len(waits) == 2


def test_child_workflow_definition(both):
    b = both(HEADER + """
@sfn.workflow
def child(x, y=1):
    return x + y

@sfn.workflow
def parent(x):
    return child(x, y=2)
""", workflow="parent")
    assert b.result.children == ["child"]
    task = b.result.definition["States"][next(iter(b.result.definition["States"]))]
    assert task["Resource"] == "arn:aws:states:::states:startExecution.sync:2"
    assert task["Arguments"]["StateMachineArn"] == "${StateMachineArn_child}"


def test_callback_definition(both):
    b = both(HEADER + """
def ask(token, who):
    return None

@sfn.workflow
def wf(who):
    answer = sfn.wait_for_callback(ask, who, timeout=60)
    return answer
""")
    task = next(s for _, s in all_states(b.result.definition) if s["Type"] == "Task")
    assert task["Resource"] == "arn:aws:states:::lambda:invoke.waitForTaskToken"
    assert task["Arguments"]["Payload"]["task_token"] == "{% $states.context.Task.Token %}"
    # a required parameter missing from the input fails before the step runs, as the Python call does: a field
    # that is its plain read cannot be undefined (States.QueryEvaluationError), so it checks it by itself
    assert task["Arguments"]["Payload"]["kwargs"] == {"who": "{% $states.input.who %}"}
    assert task["TimeoutSeconds"] == 60


def test_function_arn_and_determinism(both):
    src = HEADER + """
@sfn.workflow
def wf(x):
    if x:
        y = double(x)
    else:
        y = double(1)
    return y
"""
    b1 = both(src, function_arn="arn:aws:lambda:us-east-1:111111111111:function:f")
    b2 = both(src, function_arn="arn:aws:lambda:us-east-1:111111111111:function:f")
    d1, d2 = dict(b1.result.definition), dict(b2.result.definition)
    d1.pop("Comment"), d2.pop("Comment")
    assert json.dumps(d1) == json.dumps(d2)
    assert "${FunctionArn}" not in b1.result.to_json()
    names = list(b1.result.definition["States"])
    assert names == ["if x", "double @35", "double @37"]


def _agree(t, input_value):
    py = t.run_python(input_value)
    ex = t.run_machine(input_value)
    # a step's error nothing catches ends the machine with Lambda's error JSON as its cause
    assert (ex.status, ex.error, reported_cause(ex.error, ex.cause)) == (py.status, py.error, plain_cause(py.cause))
    if py.status == "SUCCEEDED":
        assert ex.output == py.output
    return ex


def test_child_workflow_runs_as_python_does(tmp_path):
    from pyawssfn.testing import WorkflowTester

    path = tmp_path / "wf_child_mod.py"
    path.write_text(HEADER + """
@sfn.workflow
def child(x, y=1):
    return add(x, y)

@sfn.workflow
def parent(x):
    r = child(x, y=2)
    return child(r)
""")
    ex = _agree(WorkflowTester(path, "parent"), {"x": 1})
    assert ex.output == 4


def test_callbacks_run_as_python_does(tmp_path):
    from pyawssfn.testing import WorkflowTester

    path = tmp_path / "wf_callback_mod.py"
    path.write_text(HEADER + """
def ask(token, who):
    return None

@sfn.workflow
def wf(who):
    try:
        answer = sfn.wait_for_callback(ask, who, timeout=60)
    except AppError as e:
        return "refused: " + str(e)
    return {"answer": answer}
""")
    ex = _agree(WorkflowTester(path).callback("ask", result={"ok": True}), {"who": "bob"})
    assert ex.output == {"answer": {"ok": True}}
    _agree(WorkflowTester(path).callback("ask", error="AppError", cause="no way"), {"who": "bob"})


def test_sdk_call_runs_as_python_does(tmp_path):
    from pyawssfn.testing import WorkflowTester

    pytest.importorskip("pyawssfn.compiler.aws_models")
    path = tmp_path / "wf_sdk_mod.py"
    path.write_text(HEADER + """
@sfn.workflow
def wf(bucket):
    obj = sfn.aws.s3.get_object(Bucket=bucket, Key="k")
    return obj["ContentLength"] + 1
""")
    ex = _agree(WorkflowTester(path).mock_aws("s3.get_object", returns={"ContentLength": 41}), {"bucket": "b"})
    assert ex.output == 42


@pytest.mark.parametrize("times", [0, 2, 5])
def test_retries_run_as_python_does(tmp_path, times):
    from pyawssfn.testing import WorkflowTester

    path = tmp_path / "wf_retry_mod.py"
    path.write_text(HEADER + """
@sfn.task(retry=sfn.Retry(errors=[AppError], interval=1, max_attempts=3, backoff=2.0))
def flaky(x):
    return x + 1

@sfn.workflow
def wf(x):
    return flaky(x)
""")
    t = WorkflowTester(path).fail_step("flaky", error="AppError", cause="again", times=times)
    _agree(t, {"x": 1})


# Regressions of tests/differential/FINDINGS.md (F-numbers there): each runs both ways and must agree.
FINDINGS = [
    ("F2", """
@sfn.workflow
def child(x):
    raise sfn.Fail("TooBig", "big")

@sfn.workflow
def parent(x):
    try:
        return child(x)
    except sfn.Fail as e:
        return [e.error, e.cause]
""", "parent", [{"x": 1}]),
    ("F2-uncaught", """
@sfn.workflow
def child(x):
    raise ValueError("big")

@sfn.workflow
def parent(x):
    return child(x)
""", "parent", [{"x": 1}]),
    ("F3", """
def failing(x):
    if x:
        raise sfn.Fail("Custom.Error", "from a step")
    raise AppError("app")

@sfn.workflow
def wf(x):
    try:
        try:
            failing(x)
        except sfn.Fail as e:
            return [e.error, e.cause]
    except AppError as e:
        return "app " + str(e)
""", None, [{"x": 1}, {"x": 0}]),
    ("F4", """
@sfn.workflow
def wf(d):
    d["tags"].append("b")
    d["tags"].extend(["c"])
    d["more"] = {"k": {}}
    d["more"]["k"].update({"z": 1})
    return d
""", None, [{"d": {"tags": []}}]),
    ("F7", """
@sfn.workflow
def wf(n):
    a, b = sfn.parallel(lambda: double(n), lambda: double(n), lambda: double(n))
    return [a, b]
""", None, [{"n": 1}]),
    ("F8", """
@sfn.workflow
def wf(xs):
    for x in xs:
        pass
    return {"last": x}
""", None, [{"xs": []}, {"xs": [1, 2]}]),
    ("F9", """
@sfn.workflow
def wf(n, s):
    out = []
    for i in range(0, n, s):
        out.append(i)
    return out
""", None, [{"n": 3, "s": 0}, {"n": 5, "s": 2}, {"n": -5, "s": -2}]),
    ("F12", """
@sfn.workflow
def wf(d):
    count = 0
    keys = []
    for k in d:
        count += 1
        keys.append(k)
    string = str(count)
    return [count, keys, string]
""", None, [{"d": {"a": 1, "b": 2}}]),
    ("F13", """
@sfn.workflow
def wf(items):
    return sfn.map(double, items)
""", None, [{"items": "ab"}, {"items": [1, 2]}]),
    ("F14", """
@sfn.workflow
def wf(d):
    n0 = d["k"]
    if d:
        n1 = d["j"]
    return 1
""", None, [{"d": {}}, {"d": {"k": 1}}, {"d": {"k": 1, "j": 2}}]),
    ("fstring-of-exception", """
@sfn.workflow
def wf(key):
    try:
        fetch(key)
    except AppError as e:
        return f"caught: {e} / {e!s} / {type(e).__name__}"
    return "fine"
""", None, [{"key": "boom"}, {"key": "ok"}]),
    ("while-step-condition", """
@sfn.workflow
def wf(n):
    i = 0
    while double(i) < n:
        i += 1
    return i
""", None, [{"n": 0}, {"n": 7}]),
    ("elif-with-step-call", """
@sfn.workflow
def wf(x):
    if x > 10:
        r = "big"
    elif double(x) > 6:
        r = "medium"
    elif x < 0:
        r = "negative"
    else:
        r = "small"
    return r
""", None, [{"x": 11}, {"x": 4}, {"x": -2}, {"x": 1}]),
    ("F18", """
def maybe(x):
    if x == 13:
        raise AppError("unlucky")
    return [x * 2]

@sfn.workflow
def wf(xs):
    return sfn.map(maybe, xs, tolerated_failures=1, distributed=True)
""", None, [{"xs": [1, 13, 2]}, {"xs": [13]}, {"xs": [3]}]),
    ("F16", """
@sfn.workflow
def wf(x, xs):
    d = fetch("abc")
    e = {**d}
    e["key"] = x
    ys = xs + []
    ys.append(1)
    return [d, e, xs, ys]
""", None, [{"x": 2, "xs": [0]}]),
    ("F20", """
@sfn.workflow
def wf(xs, a, c):
    b = xs[0]
    b = 0
    if c:
        e = a + 1
        e = a if c > 1 else 0
    xs.append(0)
    xs = []
    a = -a
    return [b, xs]
""", None, [{"xs": [], "a": 1, "c": 0}, {"xs": [1], "a": None, "c": 0}, {"xs": [1], "a": None, "c": 1},
            {"xs": [1], "a": 1, "c": 2}, {"xs": None, "a": 1, "c": 0}, {"xs": [1], "a": 2, "c": 1}]),
    ("F21", """
@sfn.workflow
def wf(s, t):
    s += t
    xs = []
    xs += "ab"
    xs += {"k": 1, "j": 2}
    xs += [[1]]
    return [s, xs]
""", None, [{"s": [], "t": "ab"}, {"s": [1], "t": {"a": 1}}, {"s": "x", "t": "y"}, {"s": 1, "t": 2},
            {"s": [1], "t": 1}, {"s": "x", "t": [1]}, {"s": [], "t": [[2]]}, {"s": [], "t": ""}]),
    ("F29", """
@sfn.workflow
def wf(xs, k):
    return [sorted(xs, key=lambda r: r["v"]), sorted(xs, key=lambda r: r[k], reverse=True)]
""", None, [{"xs": [{"v": 2}, {"v": 1}, {"v": 3}], "k": "v"}, {"xs": [], "k": "v"}, {"xs": [{"v": 2}, {"w": 1}], "k": "v"}]),
    ("F30", """
@sfn.workflow
def wf(x):
    return [str(x * 1.0), str(x + 0.0), str(1.0 * x), f"{x * 2.5}", str(x - 0.5 + 0.5), str(x % 1.5), str(x // 1.0)]
""", None, [{"x": 2}, {"x": 2.5}, {"x": -3}, {"x": "ab"}, {"x": [1]}]),
    ("F27-range", """
@sfn.workflow
def wf(n, a, s):
    return [sum(i * i for i in range(n)), [x for x in range(a, n)], list(x for x in range(a, n, s)),
            sorted(range(n), reverse=True)]
""", None, [{"n": 5, "a": 1, "s": 2}, {"n": 0, "a": 0, "s": 1}, {"n": -3, "a": 4, "s": -2}, {"n": 5, "a": 1, "s": 0},
            {"n": 2.5, "a": 1, "s": 1}, {"n": 1, "a": 0, "s": 1}, {"n": 10, "a": 1, "s": -1}]),
    ("F31-alias", """
@sfn.workflow
def wf(tags):
    by_tag = {}
    for t in tags:
        if t not in by_tag:
            by_tag[t] = {"ids": []}
        by_tag[t]["ids"] = by_tag[t]["ids"] + [1]
    d = {"a": {"n": [1]}}
    x = d["a"]["n"]
    d["a"]["n"] = [2]
    y = d["a"]
    d["a"] = {**d["a"], "m": 1}
    return [by_tag, d, x, y]
""", None, [{"tags": ["a", "b", "a"]}, {"tags": []}]),
    # keys without ties: the local executor's $sort with a comparator is not stable (FINDINGS F32), AWS's is
    ("F25", """
@sfn.workflow
def wf(rows, recs):
    return [sorted(rows), max(rows), min(rows), sorted(rows, reverse=True),
            sorted(recs, key=lambda r: [r["a"], r["b"]]), sorted(recs, key=lambda r: r["a"] * 10 + r["b"], reverse=True)]
""", None, [{"rows": [[2, "b"], [1, "z"], [2, "a"]], "recs": [{"a": 1, "b": 2}, {"a": 1, "b": 1}, {"a": 0, "b": 5}]},
            {"rows": [3, 1, 2], "recs": []}, {"rows": [[1], "a"], "recs": []}, {"rows": [[1]], "recs": [{"a": 1, "b": 1}]},
            {"rows": [[1, [2]], [1, [1, 0]], []], "recs": [{"a": [1], "b": 0}, {"a": [0, 2], "b": 0}]}]),
]


@pytest.mark.parametrize("case", FINDINGS, ids=[c[0] for c in FINDINGS])
def test_differential_findings_agree(both, case):
    _, src, workflow, inputs = case
    b = both(HEADER + src, workflow=workflow)
    for value in inputs:
        b.check(value)


def test_assert_fails_with_assertion_error(both):
    # pyrun classifies a failing assert as an expression error (States.QueryEvaluationError); the machine reports
    # Python's own exception, AssertionError with the message, as a raise would.
    b = both(HEADER + """
@sfn.workflow
def wf(x):
    assert double(x) > 2, "too small: " + str(x)
    return x
""")
    py, ex = b.run({"x": 1})
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "AssertionError", "too small: 1")
    assert b.run({"x": 5})[1].output == 5


def test_sdk_call_member_names_agree_with_boto3(tmp_path):
    """The machine sends Step Functions' PascalCase names where boto3 (and plain Python) use the API's camelCase
    ones, and reads the PascalCase response; with the response converted by aws_models.sdk_response, both runs of
    the same workflow see the same fields."""
    import datetime as dt

    from pyawssfn.compiler import compile_file
    from pyawssfn.compiler.aws_models import sdk_response
    from pyawssfn.local import Executor
    from pyawssfn.pyrun import run_workflow

    path = tmp_path / "wf_sdk_names_mod.py"
    path.write_text(HEADER + """
@sfn.workflow
def wf(arn):
    d = sfn.aws.stepfunctions.describe_execution(executionArn=arn, includedData="METADATA_ONLY")
    return [d["Status"], d["ExecutionArn"], d["StartDate"], "ResponseMetadata" in d]
""")

    def boto3_describe_execution(executionArn, includedData):  # what boto3 returns, camelCase and datetimes
        return {"executionArn": executionArn, "stateMachineArn": "arn:sm", "status": "RUNNING",
                "startDate": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
                "ResponseMetadata": {"HTTPStatusCode": 200}}

    seen = []

    def machine_mock(resource, arguments, state_name):
        seen.append((resource, arguments))
        return sdk_response("stepfunctions", "describe_execution",
                            boto3_describe_execution(arguments["ExecutionArn"], arguments["IncludedData"]))

    def python_mock(service, operation, params):
        return sdk_response(service, operation, boto3_describe_execution(**params))

    res = compile_file(str(path))
    ex = Executor(res.definition, mocks=machine_mock).run({"arn": "arn:x"})
    py = run_workflow(str(path), "wf", {"arn": "arn:x"}, mocks=python_mock)
    assert seen == [("arn:aws:states:::aws-sdk:sfn:describeExecution",
                     {"ExecutionArn": "arn:x", "IncludedData": "METADATA_ONLY"})]
    assert ex.status == py.status == "SUCCEEDED"
    assert ex.output == py.output == ["RUNNING", "arn:x", "2026-01-02T03:04:05+00:00", False]


def test_sdk_response_renames_nested_members():
    from pyawssfn.compiler.aws_models import sdk_response

    out = sdk_response("stepfunctions", "list_executions",
                       {"executions": [{"executionArn": "a", "name": "n"}], "nextToken": "t",
                        "ResponseMetadata": {}})
    assert out == {"Executions": [{"ExecutionArn": "a", "Name": "n"}], "NextToken": "t"}
    # map keys are data, not member names: kept as they are
    item = sdk_response("dynamodb", "get_item", {"Item": {"id": {"S": "x"}}})
    assert item == {"Item": {"id": {"S": "x"}}}


def test_str_of_unknown_values_shares_one_repr_function(both):
    b = both(HEADER + """
@sfn.workflow
def wf(a, b):
    return f"{a} and {b}: {[a, b]}" + str({"k": a})
""")
    for a, bb in (([1, "it's"], {"x": [None, True, 2.5]}), ("s", 3), ({}, [[]])):
        b.check({"a": a, "b": bb})
    text = json.dumps(b.result.definition)
    assert text.count("function($__x)") == 1


def test_failing_value_before_the_first_step_fails_first(both):
    # Python evaluates a + 0 before the step; the machine's first Task would evaluate it only in its Assign, after
    # the call, so a failing step would win: the value is checked in a Pass before the Task.
    b = both(HEADER + """
@sfn.workflow
def wf(a, key):
    a += 0
    r = fetch(key)
    return [a, r]
""")
    for value in ({"a": None, "key": "boom"}, {"a": 1, "key": "boom"}, {"a": 1, "key": "k"}, {"a": "s", "key": "k"}):
        b.check(value)


def test_failing_value_before_a_first_wait_fails_before_waiting(both):
    b = both(HEADER + """
@sfn.workflow
def wf(a, xs):
    a += list(xs)[0]
    sfn.sleep(5)
    return a
""")
    for value, seconds in (({"a": 0, "xs": []}, 0), ({"a": 1, "xs": [2]}, 5)):
        py, ex = b.run(value)
        assert (ex.status, ex.error) == (py.status, py.error)
        assert (ex.stop_date - ex.start_date).total_seconds() == seconds
