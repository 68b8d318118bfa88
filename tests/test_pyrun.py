"""pyrun: a workflow run as plain Python, reporting as the executor does."""
import json
import sys
import textwrap

import pytest
from hypothesis import given, settings, strategies as st

import pyawssfn as sfn
from pyawssfn.pyrun import CallbackUnavailable, MissingMock, PyRunError, load_module, run_workflow

SOURCE = '''
import pyawssfn as sfn


class Unlucky(Exception):
    pass


def pair(a, b):
    return (a, b)


def keyed(n):
    return {n: "x", "s": n}


def as_set(xs):
    return set(xs)


def raw(kind):
    return b'"HelloWorld!"' if kind == "json" else (b"not json" if kind == "text" else "a" * (256 * 1024))


def helper(x):
    return x + 1


def uses_helper(x):
    return helper(x) * 10


def lookup(d, k):
    return d[k]


def fails(kind):
    if kind == "fail":
        raise sfn.Fail("Custom", "from a step")
    raise Unlucky("bad luck")


def variadic(first, *rest, scale=1, **extra):
    return {"first": first, "rest": rest, "scale": scale, "extra": extra}


@sfn.task(retry=sfn.Retry(errors=["Unlucky"], interval=3, max_attempts=2, backoff=2.0))
def flaky(n):
    raise Unlucky(f"attempt with {n}")


def ask(token, who):
    return {"asked": who, "token": token}


@sfn.workflow
def wf(mode, data=None):
    if mode == "pair":
        return pair(1, "b")
    if mode == "keyed":
        return keyed(7)
    if mode == "set":
        return as_set([1, 2])
    if mode == "helper":
        return [uses_helper(1), uses_helper(2)]
    if mode == "body_keyerror":
        return data["missing"]
    if mode == "step_keyerror":
        return lookup(data, "missing")
    if mode == "raise_keyerror":
        raise KeyError("explicit")
    if mode == "raise_argument_error":
        raise KeyError(data[0])
    if mode == "fail_argument_error":
        raise sfn.Fail("Custom.Failure", data[0])
    if mode == "raise_multiline_argument":
        raise Unlucky(
            "first item: " + data[0])
    if mode == "assert":
        assert data["n"] > 0, "n must be positive"
        return data["n"]
    if mode == "assert_message_error":
        assert data["n"] > 0, data["missing"]
    if mode == "reraise_expression_error":
        try:
            return data["missing"]
        except Exception as e:
            raise e
    if mode == "zero":
        return 1 // len(data)
    if mode == "fail_step":
        return fails("fail")
    if mode == "unlucky":
        return fails("other")
    if mode == "catch":
        try:
            fails("other")
        except Unlucky as e:
            return "caught " + str(e)
    if mode == "variadic":
        return variadic(1, 2, 3, scale=2, colour="red")
    if mode == "flaky":
        return flaky(5)
    if mode == "sleep":
        sfn.sleep(90)
        sfn.sleep_until("2024-01-01T00:05:00Z")
        return "slept"
    if mode == "callback":
        return sfn.wait_for_callback(ask, "alice", timeout=600)
    if mode == "callback_catch":
        try:
            return sfn.wait_for_callback(ask, "alice", timeout=600)
        except Unlucky as e:
            return "rejected: " + str(e)
    if mode == "aws":
        return sfn.aws.s3.get_object(Bucket="b", Key=data)
    if mode == "fail_name":
        try:
            fails("fail")
        except sfn.Fail as e:
            return [type(e).__name__, str(e), e.error]
    if mode == "fail_caught":
        try:
            fails("fail")
        except sfn.Fail as e:
            return e.cause
    if mode == "raw":
        return raw(data)
    if mode == "tuple_out":
        return (1, 2)
    return mode
'''


@pytest.fixture
def wf_path(tmp_path):
    p = tmp_path / "wfmod.py"
    p.write_text(SOURCE)
    return p


def run(path, mode, data=None, **kw):
    inp = {"mode": mode} if data is None else {"mode": mode, "data": data}
    return run_workflow(path, "wf", inp, **kw)


def test_step_results_go_through_json(wf_path):
    assert run(wf_path, "pair").output == [1, "b"]
    assert run(wf_path, "keyed").output == {"7": "x", "s": 7}
    assert run(wf_path, "tuple_out").output == [1, 2]


def test_unserialisable_step_result_fails_as_the_lambda_runtime_reports_it(wf_path):
    r = run(wf_path, "set")
    assert (r.status, r.error) == ("FAILED", "Runtime.MarshalError")
    assert "not JSON serializable" in r.cause


def test_bytes_results_are_raw_payloads_and_big_results_exceed_the_quota(wf_path):
    assert run(wf_path, "raw", "json").output == "HelloWorld!"
    assert run(wf_path, "raw", "text").output == "not json"
    r = run(wf_path, "raw", "big")
    assert (r.status, r.error) == ("FAILED", "States.DataLimitExceeded")  # uncaught: as it ends the machine
    # AWS (recorded in tests/conformance) names the lambda:invoke integration here, not the state or the step.
    assert r.cause == "The state/task 'lambda' returned a result with a size exceeding the maximum number of bytes " \
                      "service limit."


def test_only_workflow_calls_count_as_invocations(wf_path):
    r = run(wf_path, "helper")
    assert r.output == [20, 30]
    assert r.stats["lambda_invocations"] == 2 and r.steps_called == ["uses_helper", "uses_helper"]


@pytest.mark.parametrize("mode,data,error,cause", [
    ("body_keyerror", {}, "States.QueryEvaluationError", "'missing'"),
    ("zero", [], "States.QueryEvaluationError", "integer division or modulo by zero"),
    ("step_keyerror", {}, "KeyError", "'missing'"),
    ("raise_keyerror", None, "KeyError", "'explicit'"),
    # an expression inside a raise statement's arguments fails before anything is raised: a JSONata error (F15)
    ("raise_argument_error", [], "States.QueryEvaluationError", "list index out of range"),
    ("fail_argument_error", [], "States.QueryEvaluationError", "list index out of range"),
    ("raise_multiline_argument", [], "States.QueryEvaluationError", "list index out of range"),
    ("raise_multiline_argument", ["x"], "Unlucky", "first item: x"),
    ("reraise_expression_error", {}, "States.QueryEvaluationError", "'missing'"),
    # a failing assert is an explicit raise (a Fail state on the machine), unless its message cannot be evaluated
    ("assert", {"n": 0}, "AssertionError", "n must be positive"),
    ("assert_message_error", {"n": 0}, "States.QueryEvaluationError", "'missing'"),
    ("fail_step", None, "Custom", "from a step"),
    ("unlucky", None, "Unlucky", "bad luck"),
])
def test_error_reporting(wf_path, mode, data, error, cause):
    r = run(wf_path, mode, data)
    assert (r.status, r.error, r.cause) == ("FAILED", error, cause)


def test_exceptions_from_steps_are_caught_by_the_workflow(wf_path):
    assert run(wf_path, "catch").output == "caught bad luck"


def test_a_steps_fail_is_seen_as_the_lambda_error_the_dispatcher_makes(wf_path):
    assert run(wf_path, "fail_name").output == ["Custom", "from a step", "Custom"]
    assert run(wf_path, "fail_caught").output == "from a step"


def test_arguments_are_bound_by_name_with_varargs(wf_path):
    r = run(wf_path, "variadic")
    assert r.calls[0].kwargs == {"first": 1, "rest": [2, 3], "scale": 2, "extra": {"colour": "red"}}
    assert r.output == {"first": 1, "rest": [2, 3], "scale": 2, "extra": {"colour": "red"}}


def test_task_retries_run_on_the_virtual_clock_and_count_each_attempt(wf_path):
    r = run(wf_path, "flaky")
    assert (r.error, r.cause) == ("Unlucky", "attempt with 5")
    assert r.stats["lambda_invocations"] == 3
    assert r.sleeps == [3, 6] and [c.time for c in r.calls] == [0, 3, 9]


def test_sleeps_are_virtual(wf_path):
    r = run(wf_path, "sleep")
    assert r.output == "slept" and r.sleeps == [90, 210] and r.stats["elapsed_seconds"] == 300


def test_input_binding(wf_path):
    r = run_workflow(wf_path, "wf", {"other": 1})
    assert (r.status, r.error) == ("FAILED", "States.QueryEvaluationError") and "'mode'" in r.cause
    assert run_workflow(wf_path, "wf", {"mode": "plain", "extra": [1]}).output == "plain"
    assert run_workflow(wf_path, "wf", ["mode"]).error == "States.QueryEvaluationError"
    with pytest.raises(PyRunError, match="not JSON"):
        run_workflow(wf_path, "wf", {"mode": {1, 2}})


def test_callbacks(wf_path):
    r = run(wf_path, "callback", callbacks={"ask": {"result": {"ok": (1, 2)}}})
    assert r.output == {"ok": [1, 2]}
    assert r.calls[0].task_token == "pyrun-task-token-1"
    assert r.calls[0].kwargs == {"who": "alice"}
    r = run(wf_path, "callback_catch", callbacks={"ask": {"error": "Unlucky", "cause": "no"}})
    assert r.output == "rejected: no"
    r = run(wf_path, "callback", callbacks={"ask": {"error": "Nope", "cause": "denied"}})
    assert (r.error, r.cause) == ("Nope", "denied")
    r = run(wf_path, "callback", callbacks={"ask": {"timeout": True}})
    assert r.error == "States.Timeout" and r.stats["elapsed_seconds"] == 600
    assert r.cause == ""  # AWS's error output for a timed-out task has "Cause": ""
    r = run(wf_path, "callback", callbacks={"ask": {"result": 1, "after": 700}})
    assert r.error == "States.Timeout"
    r = run(wf_path, "callback", callbacks=lambda step, token: {"result": [step, token]})
    assert r.output == ["ask", "pyrun-task-token-1"]


def test_missing_callback_is_a_clear_setup_error(wf_path):
    with pytest.raises(CallbackUnavailable, match="callbacks="):
        run(wf_path, "callback")


def test_sdk_mocks(wf_path):
    assert run(wf_path, "aws", "k", mocks={"s3.getObject": {"Body": "hi"}}).output == {"Body": "hi"}
    assert run(wf_path, "aws", "k", mocks={"s3:get_object": lambda p: p["Key"] * 2}).output == "kk"
    r = run(wf_path, "aws", "k", mocks={"s3.get_object": sfn.Fail("S3.NoSuchKeyException", "gone")})
    assert (r.error, r.cause) == ("S3.NoSuchKeyException", "gone")
    with pytest.raises(MissingMock, match="s3.get_object"):
        run(wf_path, "aws", "k", mocks={})


def test_executor_format_mocks_and_callbacks_serve_plain_python_too(wf_path):
    from pyawssfn.local import CallbackResult
    arn = "arn:aws:states:::aws-sdk:s3:getObject"
    r = run(wf_path, "aws", "k", mocks={arn: {"Return": {"Body": "x"}, "DelaySeconds": 5}})
    assert r.output == {"Body": "x"} and r.stats["elapsed_seconds"] == 5
    r = run(wf_path, "aws", "k", mocks={arn: [{"Throw": {"Error": "S3.NoSuchKey", "Cause": "gone"}}]})
    assert (r.error, r.cause) == ("S3.NoSuchKey", "gone")
    seen = []

    def provider(token, payload, resource):
        seen.append((payload, resource))
        return CallbackResult.success({"n": 1}, after_seconds=7)

    r = run(wf_path, "callback", callbacks=provider)
    assert r.output == {"n": 1} and r.stats["elapsed_seconds"] == 7
    assert seen == [({"step": "ask", "kwargs": {"who": "alice"}, "task_token": "pyrun-task-token-1"},
                     "arn:aws:states:::lambda:invoke.waitForTaskToken")]
    assert run(wf_path, "callback", callbacks=lambda t, p, r: None).error == "States.Timeout"
    r = run(wf_path, "callback", callbacks=lambda t, p, r: CallbackResult.failure("No", "x", after_seconds=1))
    assert (r.error, r.cause) == ("No", "x")


def test_step_overrides_and_namespace_restored_even_on_error(wf_path):
    module = load_module(wf_path)
    original = module.pair
    r = run_workflow(module, "wf", {"mode": "pair"}, step_overrides={"pair": lambda a, b: {"fake": [a, b]}})
    assert r.output == {"fake": [1, "b"]}
    assert module.pair is original
    with pytest.raises(CallbackUnavailable):
        run_workflow(module, "wf", {"mode": "callback"})
    assert module.ask.__module__ == module.__name__ and not hasattr(module.ask, "__wrapped__")
    with pytest.raises(PyRunError, match="not a step"):
        run_workflow(module, "wf", {"mode": "pair"}, step_overrides={"nope": print})


def test_workflow_lookup_errors(tmp_path, wf_path):
    with pytest.raises(PyRunError, match="no workflow named"):
        run_workflow(wf_path, "nope", {})
    two = tmp_path / "two.py"
    two.write_text(textwrap.dedent('''
        import pyawssfn as sfn
        @sfn.workflow
        def a():
            return 1
        @sfn.workflow(name="bee")
        def b():
            return 2
    '''))
    with pytest.raises(PyRunError, match="say which"):
        run_workflow(two, None, {})
    assert run_workflow(two, "bee", {}).output == 2


ECHO = '''
import pyawssfn as sfn


def echo(value):
    return value


@sfn.workflow
def wf(value):
    return echo(value)
'''

_scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False,
                                                                              allow_infinity=False) | st.text(max_size=5)
_values = st.recursive(_scalars, lambda kids: st.lists(kids, max_size=3) | st.tuples(kids, kids)
                       | st.dictionaries(st.text(max_size=3) | st.integers(-5, 5), kids, max_size=3), max_leaves=8)


@settings(max_examples=40, deadline=None)
@given(_values)
def test_step_results_are_what_json_makes_of_them(tmp_path_factory, value):
    path = tmp_path_factory.getbasetemp() / "echo_wf.py"
    if not path.exists():
        path.write_text(ECHO)
    module = load_module(path)
    overrides = {"echo": lambda value, v=value: v}  # return the Python object itself, not its JSON copy
    r = run_workflow(module, "wf", {"value": 0}, step_overrides=overrides)
    assert r.status == "SUCCEEDED" and _typed(r.output) == _typed(_as_javascript_numbers(json.loads(json.dumps(value))))


def _as_javascript_numbers(value):
    """What a JSONata state machine makes of a JSON value: every number is a double (2.0 and 2 are one number)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    if isinstance(value, list):
        return [_as_javascript_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_javascript_numbers(v) for k, v in value.items()}
    return value


def _typed(value):
    """value with each number tagged by its Python type, so that 2 and 2.0 compare unequal."""
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    return (type(value).__name__, value)


NUMBERS = '''
import pyawssfn as sfn


def produce(x):
    return x


def describe(value):
    return [type(value).__name__, value]


@sfn.workflow
def wf(a, produced):
    b = produce(produced)
    return {"input": [isinstance(a, int), a], "result": [isinstance(b, int), b], "next_step_sees": describe(b)}
'''


@pytest.mark.parametrize("value,expected", [
    (2.0, 2), (-0.0, 0), (2.5, 2.5), (1e20, 10 ** 20), (1e21, 1e21), (2 ** 53, 2 ** 53), (2 ** 53 + 1, 2 ** 53),
    (-(2 ** 53) - 1, -(2 ** 53)), (10 ** 400, None),
])
def test_numbers_cross_a_step_as_javascript_doubles(tmp_path, value, expected):
    """A JSONata machine holds numbers as JavaScript doubles: a whole float is an int on the other side of a step
    (and in the input), big integers round to the nearest double, an integer too big for a double is null."""
    path = tmp_path / "numbers_wf.py"
    path.write_text(NUMBERS)
    r = run_workflow(path, "wf", {"a": value, "produced": value},
                     step_overrides={"produce": lambda x, v=value: v})  # the step returns the Python value itself
    assert r.status == "SUCCEEDED"
    is_int = isinstance(expected, int)
    assert _typed(r.output) == _typed({"input": [is_int, expected], "result": [is_int, expected],
                                       "next_step_sees": [type(expected).__name__, expected]})
    assert _typed(r.calls[1].kwargs) == _typed({"value": expected})


TIMED = '''
import pyawssfn as sfn


class Unlucky(Exception):
    pass


def stamp(tag):
    return tag


@sfn.task(retry=sfn.Retry(errors=["Unlucky"], interval=3, max_attempts=3, backoff=2.0))
def flaky(x):
    return x


@sfn.workflow
def branches(a, b, until):
    def slow():
        sfn.sleep(a)
        return stamp("slow")

    def fast():
        sfn.sleep(b)
        stamp("fast")
        sfn.sleep(b)
        return stamp("fast again")

    r = sfn.parallel(slow, fast, lambda: stamp("at once"))
    sfn.sleep_until(until)
    stamp("after")
    return r


@sfn.workflow
def items(xs, until):
    r = sfn.map(flaky, xs, max_concurrency=2)
    sfn.sleep_until(until)
    stamp("after")
    return r


@sfn.workflow
def unbounded(xs):
    r = sfn.map(flaky, xs)
    stamp("after")
    return r


@sfn.workflow
def comprehension(xs, until):
    r = [flaky(x) for x in xs]
    sfn.sleep_until(until)
    stamp("after")
    return r


@sfn.workflow
def comprehension_twice(xs):
    total = []
    for i in range(2):
        r = [flaky(x) for x in xs if x >= i]
        total.append(r)
    stamp("after")
    return total


@sfn.workflow
def comprehension_in_branch(xs, a):
    def one():
        return [flaky(x) for x in xs]

    def two():
        sfn.sleep(a)
        return stamp("two")

    r = sfn.parallel(one, two)
    stamp("after")
    return r


@sfn.workflow
def comprehension_caught(xs):
    try:
        r = [flaky(x) for x in xs]
    except Unlucky:
        r = "unlucky"
    stamp("after")
    return r


@sfn.workflow
def failing_branch(a):
    def slow():
        sfn.sleep(a)
        return stamp("slow")

    def doomed():
        sfn.sleep(5)
        raise sfn.Fail("Doomed", "branch failed")

    try:
        sfn.parallel(slow, doomed)
    except sfn.Fail:
        pass
    return stamp("after")
'''


def _machine_call_times(execution):
    """(step, kwargs, seconds since the start) of every Lambda task the machine scheduled."""
    start = execution.history[0]["timestamp"]
    out = []
    for e in execution.history:
        if e["type"] == "TaskScheduled":
            payload = json.loads(e["taskScheduledEventDetails"]["parameters"])["Payload"]
            out.append((payload["step"], json.dumps(payload["kwargs"]), (e["timestamp"] - start).total_seconds()))
    return sorted(out)


def _python_call_times(result):
    return sorted((c.step, json.dumps(c.kwargs), c.time) for c in result.calls)


@pytest.fixture(scope="module")
def timed_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("timed") / "timed_wf.py"
    path.write_text(TIMED)
    return path


_OWN_COMPREHENSION_FRAMES = pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="comprehensions are inlined (PEP 709): pyrun runs their items one by one")


@pytest.mark.parametrize("workflow,inp,fails,after", [
    # branches all start with the parallel, which ends with its slowest branch (30 s): sleep_until 00:00:20 has passed
    ("branches", {"a": 30, "b": 10, "until": "2024-01-01T00:00:20Z"}, 0, 30),
    ("branches", {"a": 30, "b": 10, "until": "2024-01-01T00:00:45Z"}, 0, 45),
    ("branches", {"a": 5, "b": 10, "until": "2024-01-01T00:00:00Z"}, 0, 20),
    # two workers: item 0 retries (3 + 6 s) while items 1 and 2 go through the other worker; item 3 starts at 9 s
    ("items", {"xs": [0, 1, 2, 3], "until": "2024-01-01T00:00:05Z"}, 2, 9),
    ("items", {"xs": [0, 1], "until": "2024-01-01T00:00:30Z"}, 1, 30),
    ("unbounded", {"xs": [0, 1, 2]}, 3, 21),
    # a list comprehension of one step call is a Map too (40 workers)
    *[pytest.param(*case, marks=_OWN_COMPREHENSION_FRAMES) for case in [
        ("comprehension", {"xs": [0, 1, 2], "until": "2024-01-01T00:00:05Z"}, 2, 9),
        ("comprehension_twice", {"xs": [0, 1]}, 1, 3),
        ("comprehension_in_branch", {"xs": [0, 1], "a": 5}, 3, 21),
        ("comprehension_in_branch", {"xs": [0, 1], "a": 50}, 3, 50),
        ("comprehension_caught", {"xs": [0, 1]}, 10, 21)]],
    # a failing branch ends the parallel once it and the branches before it have ended
    ("failing_branch", {"a": 8}, 0, 8),
    ("failing_branch", {"a": 2}, 0, 5),
])
def test_branches_and_map_items_run_side_by_side_on_the_virtual_clock(timed_path, workflow, inp, fails, after):
    from pyawssfn.testing import WorkflowTester

    t = WorkflowTester(timed_path, workflow)
    if fails:
        t.fail_step("flaky", error="Unlucky", cause="not yet", times=fails)
    py, machine = t.run_both(inp)
    assert py.status == machine.status == "SUCCEEDED"
    assert _python_call_times(py) == _machine_call_times(machine)
    assert [c.time for c in py.calls if c.step == "stamp" and c.kwargs == {"tag": "after"}] == [after]
    assert py.stats["elapsed_seconds"] == after


def test_the_clock_starts_where_the_executors_does():
    from pyawssfn import pyrun
    from pyawssfn.local.clock import DEFAULT_START

    assert pyrun.DEFAULT_START == DEFAULT_START


BOUNDARIES = '''
import pyawssfn as sfn


class NotFound(Exception):
    pass


def one(x):
    return x


@sfn.workflow
def child(a, mode="ok"):
    if mode == "missing":
        return {}["k"]
    if mode == "not_found":
        raise NotFound(f"no {a}")
    if mode == "fail":
        raise sfn.Fail("Child.Failed", "it failed")
    return {"half": a / 2, "pair": (a, a)}


@sfn.workflow
def parent(a, mode):
    try:
        r = child(a, mode)
    except NotFound as e:
        return ["NotFound", str(e)]
    except Exception as e:
        return ["other", type(e).__name__]
    return [r["half"], isinstance(r["half"], int), str(r["half"]), r["pair"]]


@sfn.workflow
def branches(a):
    x, y = sfn.parallel(lambda: one(a) / 2, lambda: (one(a), a))
    return [x, isinstance(x, int), str(x), y]


@sfn.workflow
def branch_errors(d, mode):
    def expression():
        return d["k"]

    def raising():
        raise NotFound("no " + mode)

    try:
        if mode == "expression":
            sfn.parallel(expression, lambda: one(1))
        else:
            sfn.parallel(raising, lambda: one(1))
    except NotFound as e:
        return ["NotFound", str(e)]
    except Exception as e:
        return ["other", type(e).__name__]
    return "ok"
'''


@pytest.mark.parametrize("workflow,inp,expected", [
    # a child workflow is a child execution: its output crosses JSON, its failure is its error name and cause
    ("parent", {"a": 4, "mode": "ok"}, [2, True, "2", [4, 4]]),
    ("parent", {"a": 3, "mode": "ok"}, [1.5, False, "1.5", [3, 3]]),
    ("parent", {"a": 4, "mode": "not_found"}, ["NotFound", "no 4"]),
    ("parent", {"a": 4, "mode": "fail"}, ["other", "Child.Failed"]),
    ("parent", {"a": 4, "mode": "missing"}, ["other", "States.QueryEvaluationError"]),
    # a parallel branch's result leaves the branch as JSON
    ("branches", {"a": 4}, [2, True, "2", [4, 4]]),
    # a branch's own expression error fails the Parallel with QueryEvaluationError (without the prefix, as the
    # compiled branch that a handler covers fails: compiler/lower/branch_errors.py); a raise keeps its class
    ("branch_errors", {"d": {}, "mode": "expression"}, ["other", "QueryEvaluationError"]),
    ("branch_errors", {"d": {}, "mode": "raise"}, ["NotFound", "no raise"]),
])
def test_child_workflows_and_branches_return_json_as_on_the_machine(tmp_path, workflow, inp, expected):
    from pyawssfn.testing import WorkflowTester

    path = tmp_path / "boundaries_wf.py"
    path.write_text(BOUNDARIES)
    py, machine = WorkflowTester(path, workflow).run_both(inp)
    assert (py.status, py.output) == (machine.status, machine.output) == ("SUCCEEDED", expected)


STEP_TIME = '''
import pyawssfn as sfn


def stamp(tag):
    return tag


@sfn.task(timeout=10)
def slow(s):
    sfn.sleep(s)
    return "done"


@sfn.task(timeout=10, retry=sfn.Retry(errors=["States.Timeout"], interval=2, max_attempts=1))
def slow_retried(s):
    try:
        sfn.sleep(s)
    except Exception:  # a timed-out Lambda is stopped: this cannot save it
        return "swallowed"
    return "done"


def untimed(s):
    sfn.sleep(s)
    return "done"


@sfn.workflow
def timed(s):
    r = slow(s)
    return [r, stamp("after")]


@sfn.workflow
def retried(s):
    try:
        r = slow_retried(s)
    except Exception as e:
        r = type(e).__name__
    return [r, stamp("after")]


@sfn.workflow
def free(s):
    r = untimed(s)
    return [r, stamp("after")]
'''


@pytest.mark.parametrize("workflow,s,status,output,elapsed", [
    ("timed", 5, "SUCCEEDED", ["done", "after"], 5),
    ("timed", 10, "FAILED", None, 10),      # the timeout runs out as the sleep ends: States.Timeout
    ("timed", 50, "FAILED", None, 10),
    ("retried", 50, "SUCCEEDED", ["States.Timeout", "after"], 22),  # 10, wait 2, 10 again
    ("retried", 3, "SUCCEEDED", ["done", "after"], 3),
    ("free", 20, "SUCCEEDED", ["done", "after"], 20),  # (a real sleep here would make this test slow)
])
def test_time_spent_inside_a_step_is_virtual_and_counts_against_its_timeout(tmp_path, workflow, s, status, output,
                                                                          elapsed):
    """sfn.sleep inside a step spends virtual time on both sides (the machine's Lambda context has a virtual clock),
    and a step's timeout stops it as the executor stops the Lambda."""
    from pyawssfn.testing import WorkflowTester

    path = tmp_path / "step_time_wf.py"
    path.write_text(STEP_TIME)
    py, machine = WorkflowTester(path, workflow).run_both({"s": s})
    assert (py.status, py.output, machine.output) == (status, output, output)
    assert py.error == machine.error == (None if status == "SUCCEEDED" else "States.Timeout")
    assert py.stats["elapsed_seconds"] == elapsed
    assert _python_call_times(py) == _machine_call_times(machine)


_json_numbers = (st.integers(-(2 ** 60), 2 ** 60) | st.floats(allow_nan=False, allow_infinity=False)
                 | st.sampled_from([2.0, -0.0, 1e21, 1e20, 2.0 ** 53 + 2, 0.1]))
_json_values = st.recursive(st.none() | st.booleans() | _json_numbers | st.text(max_size=3),
                            lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=3), kids,
                                                                                      max_size=3), max_leaves=6)


@settings(max_examples=25, deadline=None)
@given(_json_values)
def test_values_through_a_step_read_the_same_in_both_runs(tmp_path_factory, value):
    """Whatever JSON a step returns, the plain-Python run sees what the machine sees, number types included."""
    from pyawssfn.testing import WorkflowTester

    path = tmp_path_factory.getbasetemp() / "echo_both_wf.py"
    if not path.exists():
        path.write_text(ECHO)
    t = WorkflowTester(path, "wf")
    t.mock_step("echo", returns=value)
    py, machine = t.run_both({"value": 0})
    assert _typed(py.output) == _typed(machine.output)


def test_missing_setup_is_not_swallowed_by_the_workflows_except(tmp_path):
    # A workflow that treats any failure of the wait as "no answer" must still tell the tester that no callback
    # result was supplied, rather than quietly taking the except branch.
    src = tmp_path / "swallow.py"
    src.write_text(
        "import pyawssfn as sfn\n\n"
        "def ask(token, x):\n    return x\n\n"
        "def read(key):\n    return key\n\n"
        "@sfn.workflow\n"
        "def w(x):\n"
        "    try:\n"
        "        return sfn.wait_for_callback(ask, x, timeout=60)\n"
        "    except Exception:\n"
        "        return 'swallowed'\n\n"
        "@sfn.workflow\n"
        "def v(k):\n"
        "    try:\n"
        "        return sfn.aws.s3.get_object(Bucket='b', Key=k)\n"
        "    except Exception:\n"
        "        return 'swallowed'\n")
    with pytest.raises(CallbackUnavailable):
        run_workflow(src, "w", {"x": 1})
    with pytest.raises(MissingMock):
        run_workflow(src, "v", {"k": "a"})


TIMED_OUT_CAUSE = '''
import pyawssfn as sfn


@sfn.task(timeout=5)
def slow(x):
    sfn.sleep(10)
    return x


def ask(who, token):
    return None


@sfn.workflow
def step_timeout(x):
    try:
        return slow(x)
    except sfn.Fail as e:
        return [type(e).__name__, e.error, e.cause]


@sfn.workflow
def callback_timeout(x):
    try:
        return sfn.wait_for_callback(ask, "ann", timeout=30)
    except sfn.Fail as e:
        return [type(e).__name__, e.error, e.cause]
'''


@pytest.mark.parametrize("workflow, error", [("step_timeout", "States.Timeout"),
                                             ("callback_timeout", "States.Timeout")])
def test_a_caught_timeout_has_an_empty_cause_in_both_runs(tmp_path, workflow, error):
    """Step Functions' error output for a timed-out task has "Cause": "": e.cause is "" in both runs, not None."""
    from pyawssfn.testing import WorkflowTester

    path = tmp_path / "timed_out_cause_wf.py"
    path.write_text(TIMED_OUT_CAUSE)
    t = WorkflowTester(path, workflow)
    if workflow == "callback_timeout":
        t.callback("ask", timeout=True)
    py, machine = t.run_both({"x": 1})
    assert py.output == machine.output == [error, error, ""]
