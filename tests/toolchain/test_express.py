"""Express workflows (issue #10): the declared type, what an Express machine refuses, and the five-minute limit in
the executor. `start --sync` against moto's server: test_express_moto.py."""
from __future__ import annotations

import pathlib

import pytest

from pyawssfn.deploy.express import declared_type, express_problems
from pyawssfn.deploy.source import ShipError
from pyawssfn.local import DefinitionError, Executor

REPO = pathlib.Path(__file__).resolve().parents[2]
QUOTE = str(REPO / "examples" / "quote.py")


def test_the_type_is_read_from_the_decorator(tmp_path):
    assert declared_type(QUOTE, "quote") == "EXPRESS"
    assert declared_type(str(REPO / "examples" / "fan_out.py"), "make_thumbnails") == "STANDARD"
    bad = tmp_path / "bad.py"
    bad.write_text("import pyawssfn as sfn\nKIND = 'EXPRESS'\n\n@sfn.workflow(type=KIND)\ndef w(x):\n    return x\n")
    with pytest.raises(ShipError, match=r"bad.py:4:20: .*written as a literal"):
        declared_type(str(bad), "w")


def test_the_author_api_refuses_an_unknown_type():
    import pyawssfn as sfn
    with pytest.raises(ValueError, match="STANDARD"):
        sfn.workflow(type="FAST")
    assert sfn.workflow(type="EXPRESS")(lambda: 1).__pyawssfn_type__ == "EXPRESS"


WAIT = {"QueryLanguage": "JSONata", "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 400, "End": True}}}


def test_an_express_execution_times_out_after_five_minutes():
    express = Executor(WAIT, machine_type="EXPRESS").run({})
    assert (express.status, express.error) == ("TIMED_OUT", "States.Timeout")
    assert (express.stop_date - express.start_date).total_seconds() == 300
    assert Executor(WAIT).run({}).status == "SUCCEEDED"


@pytest.mark.parametrize("resource, words", [
    ("arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Wait for Callback"),
    ("arn:aws:states:::glue:startJobRun.sync", "Run a Job"),
    ("arn:aws:states:us-east-1:123456789012:activity:review", "activity"),
])
def test_express_refuses_waiting_patterns_in_every_branch(resource, words):
    inner = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True}}}
    definition = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [inner], "End": True}}}
    (problem,) = express_problems(definition)
    assert "'P > branch 1 > T'" in problem and words in problem
    with pytest.raises(DefinitionError, match=words):
        Executor(definition, machine_type="EXPRESS")
    Executor(definition)  # a Standard machine may
