"""The testing API: the same doubles, failures, callbacks and SDK mocks on the plain-Python and machine sides.

The machine side runs a hand-written definition that follows the dispatcher protocol, so these tests exercise the
plumbing (dispatcher, Lambda shaping, callbacks, mocks) independently of the compiler."""
import pytest

from pyawssfn.testing import FUNCTION_ARN, DisagreementError, WorkflowTester, plain_cause

SOURCE = '''
import pyawssfn as sfn


class Flaky(Exception):
    pass


@sfn.task(retry=sfn.Retry(errors=["Flaky"], interval=1, max_attempts=2, backoff=2.0))
def double(x):
    return 2 * x


def add(y, n):
    return y + n


def ask(token, y):
    return {"sent": token}


@sfn.workflow
def wf(x):
    y = double(x)
    return add(y, 1)


@sfn.workflow
def approval(x):
    y = double(x)
    answer = sfn.wait_for_callback(ask, y, timeout=60)
    return add(answer["n"], y)


@sfn.workflow
def lookup(key):
    return sfn.aws.dynamodb.get_item(TableName="t", Key=key)
'''

ARN = "${FunctionArn}"


def task(step, kwargs, nxt=None, assign=None, retry=None, wait=False, timeout=None):
    state = {"Type": "Task",
             "Resource": "arn:aws:states:::lambda:invoke" + (".waitForTaskToken" if wait else ""),
             "Arguments": {"FunctionName": ARN, "Payload": {"step": step, "kwargs": kwargs}}}
    if wait:
        state["Arguments"]["Payload"]["task_token"] = "{% $states.context.Task.Token %}"
    if timeout:
        state["TimeoutSeconds"] = timeout
    if retry:
        state["Retry"] = retry
    if assign:
        state["Assign"] = assign
    if nxt:
        state["Next"] = nxt
    else:
        state["Output"] = "{% $states.result.Payload %}" if not wait else "{% $states.result %}"
        state["End"] = True
    return state


WF = {"QueryLanguage": "JSONata", "StartAt": "double", "States": {
    "double": task("double", {"x": "{% $states.input.x %}"}, "add", {"y": "{% $states.result.Payload %}"},
                   [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 2}]),
    "add": task("add", {"y": "{% $y %}", "n": 1}),
}}

APPROVAL = {"QueryLanguage": "JSONata", "StartAt": "double", "States": {
    "double": task("double", {"x": "{% $states.input.x %}"}, "ask", {"y": "{% $states.result.Payload %}"}),
    "ask": task("ask", {"y": "{% $y %}"}, "add", {"answer": "{% $states.result %}"}, wait=True, timeout=60),
    "add": task("add", {"y": "{% $answer.n %}", "n": "{% $y %}"}),
}}

LOOKUP = {"QueryLanguage": "JSONata", "StartAt": "get", "States": {
    "get": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:getItem",
            "Arguments": {"TableName": "t", "Key": "{% $states.input.key %}"}, "End": True}}}


@pytest.fixture
def path(tmp_path):
    p = tmp_path / "tmod.py"
    p.write_text(SOURCE)
    return p


def test_both_ways_agree_and_count_invocations(path):
    t = WorkflowTester(path, "wf", definition=WF)
    py, machine = t.run_both({"x": 20})
    assert py.output == machine.output == 41
    assert py.stats["lambda_invocations"] == machine.stats["lambda_invocations"] == 2
    assert t.last_execution is machine and t.last_python is py
    assert any(e["type"] == "LambdaFunctionScheduled" or e["type"] == "TaskScheduled" for e in machine.history)


def test_the_function_arn_placeholder_is_served(path):
    t = WorkflowTester(path, "wf", definition=WF)
    assert FUNCTION_ARN in str(t.definition) and "${FunctionArn}" not in str(t.definition)


def test_fail_step_then_real_step_exercises_retries_on_both_sides(path):
    t = WorkflowTester(path, "wf", definition=WF).fail_step("double", error="Flaky", cause="blip", times=2)
    py, machine = t.run_both({"x": 1})
    assert py.output == machine.output == 3
    assert py.stats["lambda_invocations"] == machine.stats["lambda_invocations"] == 4
    assert py.sleeps == [1, 2]

    t.fail_step("double", error="Flaky", cause="down", times=3)
    py, machine = t.run_both({"x": 1})
    assert py.status == machine.status == "FAILED" and py.error == machine.error == "Flaky"
    assert py.cause == "down"


def test_mock_step_with_a_value_or_an_exception(path):
    t = WorkflowTester(path, "wf", definition=WF).mock_step("double", returns=100)
    assert t.run_both({"x": 1})[1].output == 101
    t.mock_step("add", raises=KeyError("nope"))
    py, machine = t.run_both({"x": 1})
    assert py.error == machine.error == "KeyError"


def test_error_given_as_a_class_or_an_unknown_name(path):
    t = WorkflowTester(path, "wf", definition=WF).fail_step("add", error=ValueError, cause="bad")
    py, machine = t.run_both({"x": 1})
    assert (py.error, py.cause) == ("ValueError", "bad") and machine.error == "ValueError"
    t.fail_step("add", error="Billing.Unavailable", cause="later")
    py, machine = t.run_both({"x": 1})
    assert py.error == machine.error == "Billing.Unavailable"


def test_disagreement_is_reported(path):
    wrong = {"QueryLanguage": "JSONata", "StartAt": "add", "States": {"add": task("add", {"y": 0, "n": 5})}}
    t = WorkflowTester(path, "wf", definition=wrong)
    with pytest.raises(DisagreementError, match="output: python 41, machine 5"):
        t.run_both({"x": 20})


def test_callbacks_on_both_sides(path):
    t = WorkflowTester(path, "approval", definition=APPROVAL).callback("ask", result={"n": 5}, after=30)
    py, machine = t.run_both({"x": 2})
    assert py.output == machine.output == 9
    assert py.stats["elapsed_seconds"] == 30
    t = WorkflowTester(path, "approval", definition=APPROVAL).callback("ask", error="Denied", cause="no")
    py, machine = t.run_both({"x": 2})
    assert py.error == machine.error == "Denied"
    t = WorkflowTester(path, "approval", definition=APPROVAL).callback("ask", timeout=True)
    py, machine = t.run_both({"x": 2})
    # the name as it is, in both runs (a timeout nothing catches ends the execution as it is)
    assert (py.error, machine.error) == ("States.Timeout", "States.Timeout")


def test_sdk_mocks_on_both_sides(path):
    t = WorkflowTester(path, "lookup", definition=LOOKUP).mock_aws("dynamodb.getItem", returns={"Item": {"a": 1}})
    py, machine = t.run_both({"key": {"id": {"S": "1"}}})
    assert py.output == machine.output == {"Item": {"a": 1}}
    t = WorkflowTester(path, "lookup", definition=LOOKUP).mock_aws("dynamodb.get_item", error="DynamoDB.Boom",
                                                                    cause="x")
    py, machine = t.run_both({"key": {}})
    assert py.error == machine.error == "DynamoDB.Boom"


def test_sdk_resource_names_follow_step_functions():
    from pyawssfn.testing import sdk_resource
    assert sdk_resource("s3", "get_object") == "arn:aws:states:::aws-sdk:s3:getObject"
    assert sdk_resource("stepfunctions", "start_execution") == "arn:aws:states:::aws-sdk:sfn:startExecution"
    assert sdk_resource("rds", "describe_db_instances") == "arn:aws:states:::aws-sdk:rds:describeDBInstances"


def test_configuration_mistakes_are_clear(path):
    t = WorkflowTester(path, "wf")
    with pytest.raises(ValueError, match="not a step"):
        t.mock_step("nope", returns=1)
    with pytest.raises(ValueError, match="exactly one"):
        t.mock_step("add")
    with pytest.raises(ValueError, match="exactly one"):
        t.callback("ask")
    with pytest.raises(ValueError, match="service.operation"):
        t.mock_aws("get_item", returns=1)


GUARDED = SOURCE + '''

@sfn.workflow
def guarded(x):
    if x > 1:
        raise sfn.Fail("TooBig", f"{x} is too big")
    return {"k": 1}["nope" if x < 0 else "k"]


def check(x):
    if x < 0:
        raise ValueError(f"{x} is negative")
    return x


@sfn.workflow
def batch(xs):
    return sfn.map(check, xs, distributed=True, tolerated_failures=1)
'''


def _fail(error, cause):
    return {"QueryLanguage": "JSONata", "StartAt": "f", "States": {"f": {"Type": "Fail", "Error": error,
                                                                         "Cause": cause}}}


def test_a_different_cause_is_a_disagreement(tmp_path):
    p = tmp_path / "guarded.py"
    p.write_text(GUARDED)
    WorkflowTester(p, "guarded", definition=_fail("TooBig", "2 is too big")).run_both({"x": 2})
    with pytest.raises(DisagreementError, match="cause of TooBig: python '2 is too big', machine '2 is big'"):
        WorkflowTester(p, "guarded", definition=_fail("TooBig", "2 is big")).run_both({"x": 2})
    # A step's error: the machine's cause is the message alone once compiled; a hand-written definition lets the
    # Lambda's error JSON through, whose errorMessage must then agree.
    t = WorkflowTester(p, "wf", definition=WF).fail_step("add", error="Broken", cause="down")
    assert "errorMessage" in t.run_both({"x": 1})[1].cause


def test_an_expression_error_s_cause_is_free(tmp_path):
    # Python says "'nope'" (the KeyError), JSONata something else: the contract only asks for the error name.
    p = tmp_path / "guarded.py"
    p.write_text(GUARDED)
    py, machine = WorkflowTester(p, "guarded", definition=_fail("States.QueryEvaluationError", "D1234: other")
                                 ).run_both({"x": -1})
    assert py.error == machine.error == "States.QueryEvaluationError" and py.cause != machine.cause


def test_compiled_causes_agree_for_thresholds_and_timeouts(path):
    t = WorkflowTester(path, "approval").callback("ask", timeout=True)
    py, machine = t.run_both({"x": 2})
    assert (py.error, plain_cause(py.cause)) == (machine.error, plain_cause(machine.cause)) == ("States.Timeout", "")


def test_compiled_threshold_cause_agrees(tmp_path):
    p = tmp_path / "guarded.py"
    p.write_text(GUARDED)
    t = WorkflowTester(p, "batch")
    py, machine = t.run_both({"xs": [-1, 2, -3]})
    assert (py.error, py.cause) == (machine.error, machine.cause) == (
        "States.ExceedToleratedFailureThreshold", "The specified tolerance threshold was exceeded")
    py, machine = t.run_both({"xs": [-1, 2]})
    assert py.output == machine.output == [{"Error": "ValueError", "Cause": "-1 is negative"}, 2]


def test_a_callback_or_sdk_mock_the_machine_never_uses_is_warned_about(tmp_path):
    from pyawssfn.testing import UnusedPlanWarning

    path = tmp_path / "unused_plans.py"
    path.write_text(
        "import pyawssfn as sfn\n\n\n"
        "def ask(token: str) -> None:\n    pass\n\n\n"
        "def note(x: object) -> object:\n    return x\n\n\n"
        "@sfn.workflow\ndef wf(k: str):\n"
        "    r = sfn.wait_for_callback(ask)\n"
        "    return sfn.aws.s3.get_object(Bucket='b', Key=k), r\n")
    t = WorkflowTester(path)
    t.callback("ask", result=1).mock_aws("s3.get_object", returns={"Body": "x"})
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t.run_both({"k": "a"})  # every plan is used: no warning
    t.callback("note", result=2).mock_aws("s3.put_object", returns={})
    with pytest.warns(UnusedPlanWarning) as seen:
        t.run_both({"k": "a"})
    texts = [str(w.message) for w in seen]
    assert any("tester.callback('note', ...): wf never waits for a callback of 'note'" in m and "steps: ask" in m
               for m in texts), texts
    assert any("tester.mock_aws('s3.put_object', ...): wf never calls it" in m
               and "arn:aws:states:::aws-sdk:s3:getObject" in m for m in texts), texts
