"""AWS's variable quotas (pyawssfn.semantics.quotas): one variable, one Assign, all of an execution's variables."""
from __future__ import annotations

from pyawssfn.local import Executor
from pyawssfn.semantics import quotas


def _pass_chain(assigns: list[dict]) -> dict:
    states = {}
    for i, assign in enumerate(assigns):
        states[f"S{i}"] = {"Type": "Pass", "Assign": assign,
                           **({"Next": f"S{i + 1}"} if i + 1 < len(assigns) else {"End": True})}
    return {"QueryLanguage": "JSONata", "StartAt": "S0", "States": states}


def _text_of(n: int) -> str:
    # A string whose JSON text (with its quotes) is n bytes.
    return f"{{% $pad('', {n - 2}, 'x') %}}"


def test_a_variable_of_exactly_256_kib_is_stored_and_one_byte_more_fails():
    ok = Executor(_pass_chain([{"v": _text_of(quotas.VARIABLE_LIMIT_BYTES)}])).run({})
    assert ok.status == "SUCCEEDED"
    failed = Executor(_pass_chain([{"v": _text_of(quotas.VARIABLE_LIMIT_BYTES + 1)}])).run({})
    assert (failed.status, failed.error) == ("FAILED", "States.DataLimitExceeded")
    assert "The variable 'v' is 262145 bytes" in failed.cause


def test_one_assign_holds_at_most_256_kib_together():
    half = quotas.ASSIGN_LIMIT_BYTES // 2
    failed = Executor(_pass_chain([{"a": _text_of(half), "b": _text_of(half + 1)}])).run({})
    assert failed.error == "States.DataLimitExceeded" and "one Assign field total 262145 bytes" in failed.cause
    # The same values in two states are fine: the per-Assign quota is not the execution's.
    ok = Executor(_pass_chain([{"a": _text_of(half)}, {"b": _text_of(half + 1)}])).run({})
    assert ok.status == "SUCCEEDED"


def test_an_execution_stores_at_most_10_mib_of_variables():
    size = 250_000
    count = quotas.EXECUTION_VARIABLES_LIMIT_BYTES // size  # 41 fit, the 42nd does not
    ok = Executor(_pass_chain([{f"v{i}": _text_of(size)} for i in range(count)])).run({})
    assert ok.status == "SUCCEEDED"
    failed = Executor(_pass_chain([{f"v{i}": _text_of(size)} for i in range(count + 1)])).run({})
    assert failed.error == "States.DataLimitExceeded" and "(10 MiB) of variables" in failed.cause
    # Reassigning one variable replaces its size rather than adding to the total.
    again = Executor(_pass_chain([{"v": _text_of(size)} for _ in range(count + 5)])).run({})
    assert again.status == "SUCCEEDED"


def test_a_doubling_loop_stops_at_the_variable_quota_not_at_memory():
    definition = {"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Assign": {"s": "x"}, "Next": "Double"},
        "Double": {"Type": "Pass", "Assign": {"s": "{% $s & $s %}"}, "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [{"Condition": "{% $length($s) < 0 %}", "Next": "Done"}],
                  "Default": "Double"},
        "Done": {"Type": "Succeed"}}}
    execution = Executor(definition).run({})
    assert (execution.status, execution.error) == ("FAILED", "States.DataLimitExceeded")
    assert "The variable 's' is 262146 bytes" in execution.cause
    assert execution.stats["states_entered"] < 50


def test_jsonpath_assign_is_held_to_the_same_quota():
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"v.$": "$.text"}, "End": True}}}
    ok = Executor(definition).run({"text": "x" * 200_000, "more": "y"})
    assert ok.status == "SUCCEEDED"
    two = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"v.$": "$.text", "w.$": "$.text"},
                                            "End": True}}}
    failed = Executor(two).run({"text": "x" * 200_000})
    assert failed.error == "States.DataLimitExceeded"
