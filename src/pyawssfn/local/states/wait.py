"""Wait: advances the virtual clock by Seconds or to a Timestamp; takes no real time."""
from __future__ import annotations


from pyawssfn.local import dataflow, timestamps
from pyawssfn.local.errors import StatesError
from pyawssfn.local.limits import dumps


def _seconds_value(sx, value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise sx.runtime_error(f"The {where} cannot be parsed as a long value: {dumps(value)}")
    if isinstance(value, float) and not value.is_integer():
        raise sx.runtime_error(f"The {where} cannot be parsed as a long value: {dumps(value)}")
    if value < 0:
        raise sx.runtime_error(f"The {where} references a negative value: {dumps(value)}")
    return int(value)


def _jsonata_seconds(sx, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            isinstance(value, float) and not value.is_integer()) or value < 0:
        raise dataflow.evaluation_failed(sx, StatesError(
            "States.QueryEvaluationError",
            f"The JSONata expression specified for the field 'Seconds' returned an unexpected result: "
            f"{dumps(value)}. Expected a non-negative integer."), "Seconds")
    return int(value)


def execute(sx):
    state = sx.state
    run = sx.run
    if sx.jsonata:
        states = dataflow.states_var(sx, input=sx.input)
        if "Seconds" in state:
            seconds = state["Seconds"]
            if isinstance(seconds, str):
                seconds = dataflow.jsonata_field(sx, "Seconds", seconds, states)
            run.sleep(_jsonata_seconds(sx, seconds))
        elif "Timestamp" in state:
            text = dataflow.jsonata_field(sx, "Timestamp", state["Timestamp"], states)
            moment = timestamps.parse(text)
            if moment is None:
                # AWS words a string that is no timestamp as a parse failure, showing the text unquoted.
                message = (f"The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format "
                           f"string: {text}" if isinstance(text, str) else
                           "The JSONata expression specified for the field 'Timestamp' does not return a valid "
                           f"ISO-8601 extended offset date-time format string: {dumps(text)}")
                raise dataflow.evaluation_failed(sx, StatesError("States.QueryEvaluationError", message),
                                                 "Timestamp")
            _sleep_until(sx, moment)
        out = dataflow.jsonata_result(sx, sx.input)
        return sx.exit(out, sx.next_of())

    effective = dataflow.input_path(sx, sx.input)
    if "Seconds" in state:
        run.sleep(_seconds_value(sx, state["Seconds"], "Seconds parameter"))
    elif "SecondsPath" in state:
        path = state["SecondsPath"]
        value = dataflow.get_path(sx, effective, path)
        # A JSON number written with a fraction (even 1.0) is not a long to AWS's Java runtime.
        if isinstance(value, bool) or not isinstance(value, int):
            raise sx.runtime_error(f"The SecondsPath parameter cannot be parsed as a long value: {path} == "
                                   f"{_shown(value)}")
        if value < 0:
            raise sx.runtime_error(f"The SecondsPath parameter references a negative value: {path} == "
                                   f"{_shown(value)}")
        run.sleep(int(value))
    elif "Timestamp" in state or "TimestampPath" in state:
        if "Timestamp" in state:
            text, where = state["Timestamp"], "Timestamp"
            moment = timestamps.parse(text)
        else:
            path = state["TimestampPath"]
            text = dataflow.get_path(sx, effective, path)
            moment = timestamps.parse(text)
            where = f"TimestampPath"
            if moment is None:
                raise sx.runtime_error(f"The TimestampPath parameter does not reference a valid ISO-8601 extended "
                                       f"offset date-time format string: {path} == {_shown(text)}")
        if moment is None:
            raise sx.runtime_error(f"The {where} parameter is not a valid ISO-8601 extended offset date-time "
                                   f"format string: {_shown(text)}")
        _sleep_until(sx, moment)
    sx.assigned = dataflow.jsonpath_assign(sx, state.get("Assign"))
    out = dataflow.output_path(sx, effective)
    return sx.exit(out, sx.next_of())


# AWS holds a timestamp wait's delay in seconds as a 32-bit int: 24855 days ahead waits, 24856 days fails.
_MAX_DELAY_SECONDS = 2**31 - 1


def _sleep_until(sx, moment) -> None:
    if (moment - sx.run.clock.now()).total_seconds() > _MAX_DELAY_SECONDS:
        raise sx.runtime_error("Wait state delay is too long.")
    sx.run.sleep_until(moment)


def _shown(value) -> str:
    return value if isinstance(value, str) else dumps(value)


