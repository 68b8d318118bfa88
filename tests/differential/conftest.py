"""Shared helpers: run a workflow of tests/differential/workflows both ways and check the result against a direct
call of the workflow function (plain CPython, no runner in between)."""
from __future__ import annotations

import json
import pathlib

import pytest

import pyawssfn as sfn
from pyawssfn.compiler.error_names import error_as_reported
from pyawssfn.pyrun import json_round_trip
from pyawssfn.testing import WorkflowTester

WORKFLOWS = pathlib.Path(__file__).resolve().parent / "workflows"

_cache: dict[tuple[str, str], WorkflowTester] = {}


def tester(module: str, workflow: str, fresh: bool = False) -> WorkflowTester:
    """A tester for workflow ``workflow`` of workflows/<module>.py; shared (compiled once) unless ``fresh``, which
    tests that configure mocks or failures need."""
    key = (module, workflow)
    if fresh or key not in _cache:
        t = WorkflowTester(WORKFLOWS / f"{module}.py", workflow)
        if fresh:
            return t
        _cache[key] = t
    return _cache[key]


def direct(t: WorkflowTester, input_value: dict):
    """("SUCCEEDED", output) or ("FAILED", exception) of calling the workflow function itself, on its input as a
    state machine holds it (numbers are doubles: 2.0 arrives as 2; docs/testing.md)."""
    fn = getattr(t.module, t.workflow)
    try:
        out = fn(**json_round_trip(input_value))
    except Exception as exc:  # the workflow's own failure is the expected result here
        return "FAILED", exc
    return "SUCCEEDED", json.loads(json.dumps(out))


def agree(t: WorkflowTester, input_value: dict, *, check_direct: bool = True):
    """Run both ways (DisagreementError if they differ) and, for workflows that need no runtime (no waits,
    callbacks or SDK calls), compare with the direct call too. Returns (python_result, execution)."""
    py, machine = t.run_both(input_value)
    assert (py.status, py.error) == (machine.status, machine.error)
    if py.status == "SUCCEEDED":
        assert py.output == machine.output
    if check_direct:
        status, value = direct(t, input_value)
        assert machine.status == status, (machine.error, machine.cause, value)
        if status == "SUCCEEDED":
            assert machine.output == value
        else:
            # A workflow-body expression error is a QueryEvaluationError on the machine (see docs/ARCHITECTURE.md);
            # a reserved States.* name ends it as it is, or without its prefix where a Fail state raises it again
            # (compiler/error_names.py)
            name = sfn.error_of(value)[0]
            assert machine.error in (name, error_as_reported(name), "States.QueryEvaluationError"), \
                (machine.error, value)
    return py, machine


class Differential:
    """What the tests of this directory use (conftest modules cannot be imported under --import-mode=importlib)."""
    tester = staticmethod(tester)
    agree = staticmethod(agree)
    direct = staticmethod(direct)
    workflows = WORKFLOWS


@pytest.fixture
def diff():
    return Differential
