"""The dispatcher protocol of docs/ARCHITECTURE.md, in-process."""
import sys
import types

import pytest

import pyawssfn as sfn
from pyawssfn._dispatch import BadEvent, UnknownStep, dispatch, make_handler


def make_module():
    m = types.ModuleType("dispmod")
    calls = []

    def greet(name, punctuation="!"):
        calls.append(name)
        return f"hello {name}{punctuation}"

    def ask(token, who):
        return {"token": token, "who": who}

    def refuse(reason):
        raise sfn.Fail("Refused", reason)

    @sfn.task(retry=sfn.Retry(max_attempts=5))
    def once():
        calls.append("once")
        raise ValueError("no retry inside the Lambda")

    def pos_only(a, /, b):
        return [a, b]

    m.__dict__.update(greet=greet, ask=ask, refuse=refuse, once=once, pos_only=pos_only, calls=calls)
    return m


ALL = {"greet", "ask", "refuse", "once", "pos_only"}


def test_calls_by_keyword_with_defaults_applied_by_the_function():
    m = make_module()
    assert dispatch(m, ALL, {"step": "greet", "kwargs": {"name": "ann"}}, None) == "hello ann!"
    assert dispatch(m, ALL, {"step": "pos_only", "kwargs": {"a": 1, "b": 2}}, None) == [1, 2]


def test_unknown_step_runs_nothing_and_names_the_allowed_ones():
    m = make_module()
    with pytest.raises(UnknownStep, match="greet, once") as e:
        dispatch(m, {"greet", "once"}, {"step": "ask", "kwargs": {}}, None)
    assert "'ask'" in str(e.value) and m.calls == []


@pytest.mark.parametrize("event", [None, [], {"kwargs": {}}, {"step": 3}, {"step": "greet", "kwargs": [1]},
                                   {"step": "greet", "kwargs": {"nom": "x"}}])
def test_malformed_events(event):
    with pytest.raises(BadEvent):
        dispatch(make_module(), ALL, event, None)


def test_task_token_is_the_first_positional_argument():
    assert dispatch(make_module(), ALL, {"step": "ask", "kwargs": {"who": "bo"}, "task_token": "T"}, None) == {
        "token": "T", "who": "bo"}


def test_fail_in_a_step_surfaces_as_its_error_name():
    with pytest.raises(Exception) as e:
        dispatch(make_module(), ALL, {"step": "refuse", "kwargs": {"reason": "no way"}}, None)
    assert (type(e.value).__name__, str(e.value)) == ("Refused", "no way")


def test_task_retries_are_left_to_the_state_machine():
    m = make_module()
    with pytest.raises(ValueError):
        dispatch(m, ALL, {"step": "once", "kwargs": {}}, None)
    assert m.calls == ["once"]


def test_make_handler_imports_lazily_once(monkeypatch):
    m = make_module()
    monkeypatch.setitem(sys.modules, "dispmod", m)
    imports = []
    import importlib
    real = importlib.import_module
    monkeypatch.setattr(importlib, "import_module", lambda name: imports.append(name) or real(name))
    h = make_handler("dispmod", ["greet"])
    assert imports == []
    assert h({"step": "greet", "kwargs": {"name": "a"}}, None) == "hello a!"
    assert h({"step": "greet", "kwargs": {"name": "b", "punctuation": "?"}}, None) == "hello b?"
    assert imports == ["dispmod"]
    with pytest.raises(UnknownStep):
        h({"step": "ask", "kwargs": {}}, None)
