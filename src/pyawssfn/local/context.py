"""The context object ($$ in JSONPath, $states.context in JSONata)."""
from __future__ import annotations


def execution_context(*, execution_arn: str, name: str, start_time: str, input_value, role_arn: str,
                      state_machine_arn: str, state_machine_name: str, redrivable: bool = True) -> dict:
    execution = {"Id": execution_arn, "Input": input_value, "Name": name, "RoleArn": role_arn,
                 "StartTime": start_time}
    if redrivable:  # an Express execution cannot be redriven and its context has no RedriveCount
        execution["RedriveCount"] = 0
    return {"Execution": execution, "StateMachine": {"Id": state_machine_arn, "Name": state_machine_name}}


def state_context(base: dict, state_name: str, entered_time: str, retry_count: int | None = 0,
                  task_token: str | None = None, map_item: tuple | None = None) -> dict:
    """A fresh context object for one state (the base is shared and never mutated).

    ``retry_count`` None leaves State.RetryCount out, as AWS does for states that cannot retry."""
    state = {"EnteredTime": entered_time, "Name": state_name}
    if retry_count is not None:
        state["RetryCount"] = retry_count
    ctx = {
        "Execution": base["Execution"],
        "State": state,
        "StateMachine": base["StateMachine"],
    }
    if task_token is not None:
        ctx["Task"] = {"Token": task_token}
    if map_item is not None:
        ctx["Map"] = {"Item": {"Index": map_item[0], "Value": map_item[1]}}
    return ctx
