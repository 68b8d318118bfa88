"""A caught timeout of ``sfn.wait_for_callback``: ``e.cause`` is "" in both runs, as AWS gives it (the plain-Python
run once gave None; docs/known-issues.md listed it until this was checked)."""
from __future__ import annotations

import textwrap

import pytest

from pyawssfn.testing import WorkflowTester

SOURCE = '''
import pyawssfn as sfn


def ask(token: str, q: str) -> None:
    pass


@sfn.workflow
def wf(q: str):
    try:
        r = sfn.wait_for_callback(ask, q, timeout=60{heartbeat})
    except sfn.Fail as e:
        return {{"error": e.error, "cause": e.cause}}
    return r
'''


@pytest.mark.parametrize("heartbeat, error", [("", "States.Timeout"), (", heartbeat=10", "States.HeartbeatTimeout")])
@pytest.mark.parametrize("plan", [dict(timeout=True), dict(result=1, after=100)])
def test_caught_callback_timeout_has_an_empty_cause_both_ways(tmp_path, heartbeat, error, plan):
    path = tmp_path / "cb_timeout.py"
    path.write_text(textwrap.dedent(SOURCE.format(heartbeat=heartbeat)))
    t = WorkflowTester(path)
    t.callback("ask", **plan)
    py, machine = t.run_both({"q": "x"})
    assert py.output == machine.output == {"error": error, "cause": ""}
