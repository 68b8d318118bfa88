"""Express workflows against moto's server (issue #10): the example deploys as an EXPRESS machine and
`start --sync` returns its output.

moto stores Express machines but implements neither StartSyncExecution nor JSONata, so it cannot run ours. The test
gives the in-process moto server a StartSyncExecution that answers as AWS's does (same request, same response
shape), running the definition moto holds in pyawssfn's executor with the deployed Lambda zip's own handler (in a
subprocess, from the zip moto stored). What is checked for real: the deploy, the request `start --sync` sends (to
the right endpoint), and how its answer is shown."""
from __future__ import annotations

import io
import json
import logging
import pathlib
import subprocess
import sys
import tempfile
import uuid
import zipfile

import pytest

from pyawssfn.cli import main
from pyawssfn.local import Executor

REPO = pathlib.Path(__file__).resolve().parents[2]
QUOTE = str(REPO / "examples" / "quote.py")


# --- start --sync against moto ---------------------------------------------------------------------------------

def _zip_handler(code: bytes):
    """The deployed zip's own handler, run by a fresh interpreter from the extracted zip (as Lambda runs it)."""
    where = tempfile.mkdtemp(prefix="pyawssfn-lambda-")
    zipfile.ZipFile(io.BytesIO(code)).extractall(where)
    script = ("import json, sys; sys.path.insert(0, sys.argv[1]); import pyawssfn_handler\n"
              "try:\n    print(json.dumps({'ok': pyawssfn_handler.handler(json.load(sys.stdin), None)}))\n"
              "except Exception as e:\n    print(json.dumps({'type': type(e).__name__, 'message': str(e)}))")

    def handler(event, context):
        proc = subprocess.run([sys.executable, "-c", script, where], input=json.dumps(event), capture_output=True,
                              text=True, timeout=60, cwd=where, check=True)
        answer = json.loads(proc.stdout)
        if "ok" in answer:
            return answer["ok"]
        raise type(answer["type"], (Exception,), {})(answer["message"])  # the runtime reports the class name
    return handler


def _start_sync_execution(self):
    """StartSyncExecution for moto's server, answering as AWS does (see the module's docstring)."""
    from moto.awslambda.models import lambda_backends
    from moto.core.exceptions import AWSError
    from moto.core.responses import ActionResult

    arn, text = self._get_param("stateMachineArn"), self._get_param("input") or "{}"
    sm = self.stepfunction_backend.describe_state_machine(arn)
    if sm.type != "EXPRESS":
        class StateMachineTypeNotSupported(AWSError):
            TYPE, STATUS = "StateMachineTypeNotSupported", 400
        raise StateMachineTypeNotSupported("This operation is not supported by this type of state machine")
    definition = json.loads(sm.definition)
    functions = lambda_backends[self.current_account][self.region]
    lambdas = {fn.function_arn: _zip_handler(fn.code_bytes) for fn in functions.list_functions()}
    ex = Executor(definition, lambdas=lambdas, machine_type="EXPRESS", state_machine_arn=arn).run(json.loads(text))
    # An Express execution's ARN: arn:...:express:<machine>:<name>:<id>.
    execution_arn = arn.replace(":stateMachine:", ":express:") + f":{ex.name}:{uuid.uuid4()}"
    out = {"executionArn": execution_arn, "stateMachineArn": arn, "name": ex.name, "status": ex.status,
           "startDate": ex.start_date.timestamp(), "stopDate": ex.stop_date.timestamp(), "input": text}
    if ex.status == "SUCCEEDED":
        out["output"] = json.dumps(ex.output)
    else:
        out.update({k: v for k, v in (("error", ex.error), ("cause", ex.cause)) if v is not None})
    return ActionResult(out)


@pytest.fixture(scope="module")
def moto_url():
    from moto.server import ThreadedMotoServer
    from moto.stepfunctions.responses import StepFunctionResponse
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    StepFunctionResponse.start_sync_execution = _start_sync_execution
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    del StepFunctionResponse.start_sync_execution


@pytest.fixture
def aws_env(monkeypatch, tmp_path):
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))


def test_an_express_example_deploys_and_start_sync_returns_its_output(moto_url, aws_env, capsys):
    import boto3
    assert main(["deploy", QUOTE, "--name", "quote", "--endpoint-url", moto_url]) == 0
    capsys.readouterr()
    sfn = boto3.client("stepfunctions", endpoint_url=moto_url)
    arn = "arn:aws:states:us-east-1:123456789012:stateMachine:quote"
    assert sfn.describe_state_machine(stateMachineArn=arn)["type"] == "EXPRESS"

    assert main(["start", "quote", "--sync", "--input", '{"items": {"apple": 3, "melon": 1}, "country": "FR"}',
                 "--endpoint-url", moto_url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("arn:aws:states:us-east-1:123456789012:express:quote:") and out[1] == "status: SUCCEEDED"
    assert json.loads("\n".join(out[2:])) == {"subtotal": 710, "shipping": 450, "total": 1160, "currency": "EUR"}

    assert main(["start", "quote", "--sync", "--input", '{"items": {}, "country": "XX"}',
                 "--endpoint-url", moto_url]) == 1
    assert capsys.readouterr().out.splitlines()[1:] == ["status: FAILED", "error: NoCarrier",
                                                        "cause: we do not ship there"]


def test_start_sync_of_a_standard_machine_is_refused_by_the_service(moto_url, aws_env, capsys):
    assert main(["deploy", str(REPO / "examples" / "analyse_text.py"), "--name", "std",
                 "--endpoint-url", moto_url]) == 0
    capsys.readouterr()
    assert main(["start", "std", "--sync", "--endpoint-url", moto_url]) == 2
    assert "std is a STANDARD state machine: --sync (StartSyncExecution) runs EXPRESS machines only; use --wait" \
        in capsys.readouterr().err
