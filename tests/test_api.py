"""The author API under plain Python: the same meaning as on Step Functions."""
import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

import pyawssfn as sfn


class FakeClock:
    """A runtime that records sleeps instead of sleeping."""

    def __init__(self):
        self.sleeps = []
        self.t = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)

    def sleep(self, s):
        self.sleeps.append(s)
        self.t += dt.timedelta(seconds=s)

    def now(self):
        return self.t

    def random(self):
        return 0.5

    def new_token(self):
        return "tok"

    def wait_for_callback(self, step_name, token, timeout, heartbeat):
        return {"step": step_name, "token": token, "timeout": timeout}

    def aws_call(self, service, operation, params):
        return {"service": service, "operation": operation, "params": params}


@pytest.fixture
def clock():
    c = FakeClock()
    with sfn._installed_runtime(c):
        yield c


def test_fail_carries_error_and_cause():
    e = sfn.Fail("MalformedText", "text too short")
    assert (e.error, e.cause, str(e)) == ("MalformedText", "text too short", "MalformedText: text too short")
    assert sfn.error_of(e) == ("MalformedText", "text too short")
    assert sfn.error_of(KeyError("k")) == ("KeyError", "'k'")


def test_fail_is_known_by_its_error_name():
    e = sfn.Fail("Custom.Error", "c")
    assert isinstance(e, sfn.Fail) and type(e).__name__ == "Custom.Error"
    assert type(e) is type(sfn.Fail("Custom.Error"))
    with pytest.raises(sfn.Fail):
        raise e

    class Mine(sfn.Fail):
        pass

    assert type(Mine("E", "c")) is Mine


def test_named_error_reads_as_the_machine_sees_it():
    e = sfn.named_error("Billing.Down", "later")
    assert isinstance(e, sfn.Fail) and type(e).__name__ == "Billing.Down"
    assert (e.error, e.cause, str(e)) == ("Billing.Down", "later", "later")
    assert sfn.error_of(e) == ("Billing.Down", "later")


def test_workflow_decorator_both_spellings_and_alias():
    @sfn.workflow
    def a(x):
        return x + 1

    @sfn.workflow(name="bee")
    def b(x):
        return x * 2

    @sfn.main
    def c():
        return "c"

    assert (a(1), b(2), c()) == (2, 4, "c")
    assert (a.__pyawssfn_workflow__, b.__pyawssfn_workflow__, c.__pyawssfn_workflow__) == ("a", "bee", "c")


def test_retry_defaults_are_asl_defaults():
    r = sfn.Retry()
    assert (r.errors, r.interval, r.max_attempts, r.backoff, r.max_delay, r.jitter) == (
        ("States.ALL",), 1, 3, 2.0, None, None)


@pytest.mark.parametrize("kwargs", [dict(interval=0), dict(max_attempts=-1), dict(backoff=0.5), dict(jitter="HALF"),
                                    dict(errors=()), dict(max_delay=0)])
def test_retry_rejects_values_asl_rejects(kwargs):
    with pytest.raises(ValueError):
        sfn.Retry(**kwargs)


def test_task_retries_with_backoff_and_then_raises(clock):
    calls = []

    @sfn.task(retry=sfn.Retry(errors=["ValueError"], interval=2, max_attempts=3, backoff=3.0))
    def flaky():
        calls.append(1)
        raise ValueError("nope")

    with pytest.raises(ValueError, match="nope"):
        flaky()
    assert len(calls) == 4
    assert clock.sleeps == [2, 6, 18]


def test_task_retry_succeeds_after_failures(clock):
    calls = []

    @sfn.task(retry=[sfn.Retry(errors=["KeyError"], max_attempts=1),
                     sfn.Retry(errors=["States.ALL"], interval=5, max_attempts=2, backoff=1.0, max_delay=4)])
    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise RuntimeError("again")
        return "done"

    assert flaky() == "done"
    assert clock.sleeps == [4, 4]  # capped by max_delay


def test_retry_matches_base_classes_but_not_unrelated_errors(clock):
    n = []

    @sfn.task(retry=sfn.Retry(errors=["LookupError"], max_attempts=2))
    def lookup():
        n.append(1)
        raise KeyError("k")

    with pytest.raises(KeyError):
        lookup()
    assert len(n) == 3
    n.clear()

    @sfn.task(retry=sfn.Retry(errors=["LookupError"], max_attempts=2))
    def other():
        n.append(1)
        raise ValueError("v")

    with pytest.raises(ValueError):
        other()
    assert len(n) == 1


def test_retry_matches_fail_by_error_name_and_full_jitter(clock):
    n = []

    @sfn.task(retry=sfn.Retry(errors=["Busy"], interval=4, max_attempts=1, jitter="FULL"))
    def busy():
        n.append(1)
        raise sfn.Fail("Busy", "try later")

    with pytest.raises(sfn.Fail):
        busy()
    assert len(n) == 2 and clock.sleeps == [2.0]  # random() is 0.5 in FakeClock


def test_states_all_does_not_retry_runtime_errors(clock):
    n = []

    @sfn.task(retry=sfn.Retry())
    def broken():
        n.append(1)
        raise sfn.Fail("States.Runtime", "bad")

    with pytest.raises(sfn.Fail):
        broken()
    assert len(n) == 1


def test_unwrap_step_gives_the_undecorated_body():
    def body(x):
        return x

    step = sfn.task(retry=sfn.Retry())(body)
    assert sfn.unwrap_step(step) is body and step(3) == 3


def test_with_retry_spec_really_retries(clock):
    n = []

    def flaky(a, b):
        n.append(1)
        if len(n) < 3:
            raise OSError("down")
        return a + b

    assert sfn.with_retry_spec(flaky, (1, 2), (["States.ALL"], 1, 2, 1.5)) == 3
    assert clock.sleeps == [1, 1.5]


def test_parallel_returns_results_in_order():
    assert sfn.parallel(lambda: 1, lambda: "two", lambda: [3]) == [1, "two", [3]]
    assert sfn.parallel() == []


def test_map_without_tolerance_is_a_comprehension_and_propagates_errors():
    assert sfn.map(lambda x: x * 2, [1, 2, 3], max_concurrency=2) == [2, 4, 6]
    with pytest.raises(ZeroDivisionError):
        sfn.map(lambda x: 1 / x, [1, 0])


def test_map_tolerated_failures_give_error_objects():
    def inv(x):
        if x == 0:
            raise sfn.Fail("Zero", "no inverse")
        return 1 / x

    assert sfn.map(inv, [1, 0, 2], tolerated_failures=1) == [1.0, {"Error": "Zero", "Cause": "no inverse"}, 0.5]
    with pytest.raises(sfn.Fail) as e:
        sfn.map(inv, [0, 0, 2], tolerated_failures=1)
    assert e.value.error == "States.ExceedToleratedFailureThreshold"
    assert sfn.map(inv, [0, 1, 2, 3], tolerated_failure_percentage=25)[0]["Error"] == "Zero"
    with pytest.raises(sfn.Fail) as e:
        sfn.map(inv, [0, 0, 2, 3], tolerated_failure_percentage=25)
    assert type(e.value).__name__ == e.value.error == "States.ExceedToleratedFailureThreshold"
    assert str(e.value) == "The specified tolerance threshold was exceeded"  # the executor's (AWS's) cause


def test_map_stops_at_the_failure_beyond_the_tolerance():
    seen = []

    def inv(x):
        seen.append(x)
        if x == 0:
            raise sfn.Fail("Zero", "no inverse")
        return x

    with pytest.raises(sfn.Fail) as e:
        sfn.map(inv, [0, 1, 0, 2, 3], tolerated_failures=1, distributed=True)
    assert e.value.error == "States.ExceedToleratedFailureThreshold" and seen == [0, 1, 0]
    # with both fields, the failures are tolerated only while both allow them (AWS: "If you specify both values,
    # the workflow fails when it exceeds either value")
    with pytest.raises(sfn.Fail) as e:
        sfn.map(inv, [0, 0, 1, 2], tolerated_failures=0, tolerated_failure_percentage=50)
    assert e.value.error == "States.ExceedToleratedFailureThreshold"
    assert sfn.map(inv, [0, 0, 1, 2], tolerated_failures=2, tolerated_failure_percentage=50)[:2] == [
        {"Error": "Zero", "Cause": "no inverse"}] * 2


def test_map_needs_a_list():
    with pytest.raises(sfn.Fail, match="needs a list") as e:
        sfn.map(lambda x: x, "abc")
    assert e.value.error == "States.QueryEvaluationError"


def test_sleep_and_sleep_until_use_the_installed_clock(clock):
    sfn.sleep(10)
    sfn.sleep_until("2026-01-01T00:01:00Z")
    sfn.sleep_until("2025-01-01T00:00:00+00:00")  # past: no wait
    assert clock.sleeps == [10, 50]
    with pytest.raises(sfn.Fail):
        sfn.sleep(-1)
    for not_whole in (2.5, float("nan"), float("inf")):  # a Wait state's Seconds must be a whole number
        with pytest.raises(sfn.Fail, match="whole number") as e:
            sfn.sleep(not_whole)
        assert e.value.error == "States.QueryEvaluationError"
    sfn.sleep(3.0)  # JSON numbers: 3.0 is the whole number 3
    with pytest.raises(sfn.Fail):
        sfn.sleep_until("tomorrow")


def test_wait_for_callback_calls_the_step_with_a_token(clock):
    seen = []

    def ask(token, who, urgent=False):
        seen.append((token, who, urgent))

    assert sfn.wait_for_callback(ask, "bob", urgent=True, timeout=60) == {"step": "ask", "token": "tok",
                                                                          "timeout": 60}
    assert seen == [("tok", "bob", True)]


def test_wait_for_callback_without_provider_explains_how_to_supply_one():
    with pytest.raises(sfn.CallbackUnavailable, match="callbacks="):
        sfn.wait_for_callback(lambda token: None)


def test_aws_calls_go_to_the_runtime_with_snake_case_operations(clock):
    assert sfn.aws.s3.getObject(Bucket="b", Key="k") == {
        "service": "s3", "operation": "get_object", "params": {"Bucket": "b", "Key": "k"}}
    assert sfn.aws.dynamodb.put_item(TableName="t")["operation"] == "put_item"


# --- Choice predicates: ASL typing, False on a type mismatch

def test_string_predicates():
    assert sfn.StringEquals("a", "a") and not sfn.StringEquals("1", 1)
    assert sfn.StringLessThan("a", "b") and not sfn.StringLessThan(1, 2)
    assert sfn.StringGreaterThanEquals("b", "b") and sfn.StringLessThanEquals("a", "b")
    assert sfn.StringGreaterThan("b", "a") and not sfn.StringGreaterThan(None, "a")


@pytest.mark.parametrize("s,pattern,expected", [
    ("log-2026.txt", "log-*.txt", True), ("log.txt", "log-*.txt", False), ("a*b", r"a\*b", True),
    ("axb", r"a\*b", False), ("anything", "*", True), ("", "*", True), ("a\\b", "a\\\\b", True),
    ("x.y", "x.y", True), ("xzy", "x.y", False), (1, "*", False)])
def test_string_matches(s, pattern, expected):
    assert sfn.StringMatches(s, pattern) is expected


def test_numeric_and_boolean_predicates_reject_wrong_types():
    assert sfn.NumericEquals(1, 1.0) and not sfn.NumericEquals("1", 1) and not sfn.NumericEquals(True, 1)
    assert sfn.NumericLessThan(1, 2) and sfn.NumericGreaterThan(2.5, 2) and not sfn.NumericLessThan("1", 2)
    assert sfn.NumericLessThanEquals(2, 2) and sfn.NumericGreaterThanEquals(3, 2)
    assert sfn.BooleanEquals(True, True) and not sfn.BooleanEquals(1, True)


def test_timestamp_predicates_compare_instants():
    assert sfn.TimestampEquals("2026-01-01T01:00:00+01:00", "2026-01-01T00:00:00Z")
    assert sfn.TimestampLessThan("2026-01-01T00:00:00Z", "2026-01-01T00:00:00.5Z")
    assert sfn.TimestampGreaterThan("2026-01-02T00:00:00Z", "2026-01-01T23:59:59Z")
    assert sfn.TimestampLessThanEquals("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z")
    assert sfn.TimestampGreaterThanEquals("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z")
    assert not sfn.TimestampEquals("2026-01-01", "2026-01-01")  # not RFC 3339 timestamps
    assert not sfn.TimestampLessThan(1, "2026-01-01T00:00:00Z")


def test_type_tests():
    assert sfn.IsNull(None) and not sfn.IsNull(0)
    assert sfn.IsPresent(None)
    assert sfn.IsNumeric(1.5) and not sfn.IsNumeric(True) and not sfn.IsNumeric("1")
    assert sfn.IsString("") and not sfn.IsString(None)
    assert sfn.IsBoolean(False) and not sfn.IsBoolean(0)
    assert sfn.IsTimestamp("2026-11-26T16:30:00.123Z") and not sfn.IsTimestamp("2026-11-26 16:30:00")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab*", max_size=6), st.text(alphabet="ab", max_size=6))
def test_string_matches_agrees_with_fnmatch_on_star_patterns(pattern, s):
    import fnmatch
    assert sfn.StringMatches(s, pattern) == fnmatch.fnmatchcase(s, pattern)


def test_author_api_uses_the_standard_library_only():
    import ast
    import pathlib
    import sys
    src = pathlib.Path(sfn.__file__).read_text()
    for path in (sfn.__file__, sfn.__file__.replace("__init__.py", "_dispatch.py"),
                 sfn.__file__.replace("__init__.py", "_predicates.py"),
                 sfn.__file__.replace("__init__.py", "_step_types.py")):
        tree = ast.parse(pathlib.Path(path).read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or top in ("pyawssfn", "__future__", "boto3"), name
    assert "import boto3" in src


def test_sdk_calls_under_plain_python_read_the_machines_member_names(monkeypatch):
    """F24: with nothing installed, sfn.aws is a boto3 call whose response is renamed as Step Functions' SDK
    integration returns it (PascalCase members, timestamps as text, no ResponseMetadata)."""
    import datetime as dt
    import types

    import boto3

    seen = []

    def client(name):
        def describe_execution(**params):
            seen.append((name, params))
            return {"executionArn": params["executionArn"], "status": "RUNNING",
                    "startDate": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
                    "ResponseMetadata": {"HTTPStatusCode": 200}}

        return types.SimpleNamespace(describe_execution=describe_execution)

    monkeypatch.setattr(boto3, "client", client)
    d = sfn.aws.stepfunctions.describe_execution(executionArn="arn:x")
    assert seen == [("stepfunctions", {"executionArn": "arn:x"})]
    assert d == {"ExecutionArn": "arn:x", "Status": "RUNNING", "StartDate": "2026-01-02T03:04:05+00:00"}
