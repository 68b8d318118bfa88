"""str(e) of a caught error: when only a Lambda step can have raised it, its Cause is the runtime's error JSON and the
machine reads `$parse($e.Cause).errorMessage`; when it may come from elsewhere (a raise of the workflow itself, a
callback's SendTaskFailure, any error of `except Exception`), the Cause's shape is tested first. Both ways agree."""
from __future__ import annotations

import json

import pytest

from pyawssfn.testing import WorkflowTester

_STEPS = '''import pyawssfn as sfn


class Declined(Exception):
    pass


def charge(amount):
    if amount > 10:
        raise Declined(f"{amount} is too much")
    return amount


def ask(token, amount):
    return None

'''

ONLY_A_STEP = _STEPS + '''
@sfn.workflow
def wf(amount):
    try:
        r = charge(amount)
    except Declined as e:
        return "declined: " + str(e)
    return r
'''

ALSO_A_RAISE = _STEPS + '''
@sfn.workflow
def wf(amount):
    try:
        if amount < 0:
            raise Declined("negative")
        r = charge(amount)
    except Declined as e:
        return "declined: " + str(e)
    return r
'''

ANY_ERROR = _STEPS + '''
@sfn.workflow
def wf(amount):
    try:
        r = charge(amount)
    except Exception as e:
        return "failed: " + str(e)
    return r
'''

CALLBACK = _STEPS + '''
@sfn.workflow
def wf(amount):
    try:
        r = sfn.wait_for_callback(ask, amount, timeout=60)
    except Declined as e:
        return "declined: " + str(e)
    return r
'''


def _tester(tmp_path, source) -> WorkflowTester:
    path = tmp_path / "flow.py"
    path.write_text(source)
    return WorkflowTester(path)


def _narrowed(tester) -> bool:
    text = json.dumps(tester.definition)
    return "$parse($e.Cause).errorMessage" in text and '$contains($c, \\"\\\\\\"errorMessage' not in text


def test_an_error_only_a_step_raises_is_read_from_its_json(tmp_path):
    t = _tester(tmp_path, ONLY_A_STEP)
    assert _narrowed(t)
    for amount, out in ((5, 5), (20, "declined: 20 is too much")):
        py, machine = t.run_both({"amount": amount})
        assert py.output == machine.output == out


@pytest.mark.parametrize("source, inputs", [
    (ALSO_A_RAISE, [(-1, "declined: negative"), (20, "declined: 20 is too much")]),
    (ANY_ERROR, [(20, "failed: 20 is too much")]),
])
def test_an_error_that_may_come_from_elsewhere_keeps_the_general_form(tmp_path, source, inputs):
    t = _tester(tmp_path, source)
    assert not _narrowed(t)
    for amount, out in inputs:
        py, machine = t.run_both({"amount": amount})
        assert py.output == machine.output == out


def test_a_callback_failure_is_not_lambda_json(tmp_path):
    t = _tester(tmp_path, CALLBACK)
    assert not _narrowed(t)
