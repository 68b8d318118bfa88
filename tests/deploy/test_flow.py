"""The whole path through the CLI against moto: package, template, deploy, redeploy, edits, start, history,
callbacks, and a failure half way."""
from __future__ import annotations

import json
import shutil

import boto3

from pyawssfn.cli import main

from .conftest import ACCOUNT, EXAMPLES


def cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def lines_for(out: str) -> dict[str, str]:
    """'kind name outcome' lines of a deploy report -> {"kind name": "outcome..."}."""
    rows = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] in ("role", "function"):
            rows[f"{parts[0]} {parts[1]}"] = " ".join(parts[2:])
        elif line.startswith("state machine "):
            rows[f"state machine {parts[2]}"] = " ".join(parts[3:])
    return rows


def test_package_template_deploy_edit_run(moto_url, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "analyse_text.py"
    shutil.copy(EXAMPLES / "analyse_text.py", src)
    url = ("--endpoint-url", moto_url)

    code, _, err = cli(capsys, "package", str(src), "-o", "function.zip")
    assert code == 0, err
    code, _, err = cli(capsys, "template", str(src), "--format", "sam", "--code-uri", "function.zip", "-o", "t.json")
    assert code == 0, err
    template = json.loads((tmp_path / "t.json").read_text())
    assert template["Resources"]["Function"]["Properties"]["CodeUri"] == "function.zip"
    code, _, err = cli(capsys, "template", str(src), "-o", "t.json")
    assert code == 2 and "exists" in err                     # no silent overwrite

    code, out, err = cli(capsys, "deploy", str(src), "--name", "flow", *url)
    assert code == 0, err
    rows = lines_for(out)
    assert list(rows) == ["role flow-lambda", "function flow", "role flow-states", "state machine flow"]
    assert all(v.startswith("created") for v in rows.values())
    sfn = boto3.client("stepfunctions", endpoint_url=moto_url, region_name="us-east-1")
    lam = boto3.client("lambda", endpoint_url=moto_url, region_name="us-east-1")
    arn = f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:flow"
    definition = json.loads(sfn.describe_state_machine(stateMachineArn=arn)["definition"])
    assert "${FunctionArn}" not in json.dumps(definition)
    assert f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:flow" in json.dumps(definition)
    sha = lam.get_function(FunctionName="flow")["Configuration"]["CodeSha256"]

    code, out, _ = cli(capsys, "deploy", str(src), "--name", "flow", *url)
    assert code == 0 and "nothing changed" in out and set(lines_for(out).values()) == {"unchanged"}

    # A step's body changes: new code, same machine.
    src.write_text(src.read_text().replace('return text.count(" ")', 'return len(text.split(" ")) - 1'))
    code, out, _ = cli(capsys, "deploy", str(src), "--name", "flow", *url)
    rows = lines_for(out)
    assert code == 0 and rows["function flow"] == "updated (code)" and rows["state machine flow"] == "unchanged"
    assert lam.get_function(FunctionName="flow")["Configuration"]["CodeSha256"] != sha

    # The workflow changes: the machine is updated (and the code, since the module is in the zip).
    src.write_text(src.read_text().replace('"wrong starting letter"', '"starts with the wrong letter"'))
    code, out, _ = cli(capsys, "deploy", str(src), "--name", "flow", *url)
    rows = lines_for(out)
    assert code == 0 and rows["state machine flow"] == "updated (definition)", out
    assert "starts with the wrong letter" in sfn.describe_state_machine(stateMachineArn=arn)["definition"]

    code, out, _ = cli(capsys, "start", "flow", "--input", '{"text": "a short example"}', "--name", "run-1", *url)
    exec_arn = out.strip()
    assert code == 0 and exec_arn == f"arn:aws:states:us-east-1:{ACCOUNT}:execution:flow:run-1"
    assert json.loads(sfn.describe_execution(executionArn=exec_arn)["input"]) == {"text": "a short example"}
    code, _, err = cli(capsys, "start", "flow", "--name", "run-1", "--input", '{"text": "other"}', *url)
    assert code == 1 and "ExecutionAlreadyExists" in err             # AWS's answer to a reused name
    code, out, _ = cli(capsys, "history", exec_arn, "--json", *url)
    assert code == 0 and json.loads(out)["events"][0]["type"] == "ExecutionStarted"


def test_failure_half_way_through_the_cli(moto_url, tmp_path, capsys):
    src = tmp_path / "approval.py"
    shutil.copy(EXAMPLES / "approval.py", src)
    code, out, err = cli(capsys, "deploy", str(src), "--name", "half-cli", "--endpoint-url", moto_url,
                         "--role-arn", f"arn:aws:iam::{ACCOUNT}:user/not-a-role")
    assert code == 1
    rows = lines_for(out)
    assert rows["function half-cli"].startswith("created") and rows["state machine half-cli"] == "failed"
    assert "now in place: role half-cli-lambda, function half-cli" in err
    assert "not made: state machine half-cli" in err and "Invalid Role Arn" in err and "Traceback" not in err
    lam = boto3.client("lambda", endpoint_url=moto_url, region_name="us-east-1")
    assert lam.get_function(FunctionName="half-cli")["Configuration"]["Handler"] == "pyawssfn_handler.handler"


def test_deploy_refuses_a_malformed_role_arn_before_anything(moto_url, tmp_path, capsys):
    src = tmp_path / "approval.py"
    shutil.copy(EXAMPLES / "approval.py", src)
    code, _, err = cli(capsys, "deploy", str(src), "--name", "x", "--role-arn", "my-role", "--endpoint-url", moto_url)
    assert code == 2 and "--role-arn 'my-role' is not an ARN" in err


def test_deploy_with_a_child_workflow_and_an_sdk_call(moto_url, tmp_path, capsys):
    src = tmp_path / "nested.py"
    shutil.copy(EXAMPLES.parent / "tests" / "deploy" / "workflows" / "nested.py", src)
    code, out, err = cli(capsys, "deploy", str(src), "--workflow", "parent", "--name", "nest",
                         "--endpoint-url", moto_url)
    assert code == 0, err
    rows = lines_for(out)
    assert list(rows) == ["role nest-lambda", "function nest", "role nest-child-states", "state machine nest-child",
                          "role nest-states", "state machine nest"]
    sfn = boto3.client("stepfunctions", endpoint_url=moto_url, region_name="us-east-1")
    iam = boto3.client("iam", endpoint_url=moto_url, region_name="us-east-1")
    child_arn = f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:nest-child"
    parent = json.loads(sfn.describe_state_machine(
        stateMachineArn=f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:nest")["definition"])
    assert parent["States"]["child"]["Arguments"]["StateMachineArn"] == child_arn
    policy = iam.get_role_policy(RoleName="nest-states", PolicyName="parent-least-privilege")["PolicyDocument"]
    granted = {a: st["Resource"] for st in policy["Statement"] for a in st["Action"]}
    assert granted["states:StartExecution"] in ([child_arn], child_arn)
    assert granted["s3:GetObject"] in (["arn:aws:s3:::in-bucket/*"], "arn:aws:s3:::in-bucket/*")
    # One function serves the steps of both workflows: the zip deployed allows shout (child) and count (parent).
    import hashlib, base64, io, zipfile
    from pyawssfn.deploy.packaging_bridge import build_zip
    from pyawssfn.deploy.source import load_machines
    zipped = build_zip(str(src), load_machines(str(src), "parent"))
    handler = zipfile.ZipFile(io.BytesIO(zipped)).read("pyawssfn_handler.py").decode()
    assert "'count'" in handler and "'shout'" in handler
    lam = boto3.client("lambda", endpoint_url=moto_url, region_name="us-east-1")
    assert lam.get_function(FunctionName="nest")["Configuration"]["CodeSha256"] == base64.b64encode(
        hashlib.sha256(zipped).digest()).decode()


def test_template_command_notes_every_widened_resource(tmp_path, capsys):
    src = EXAMPLES.parent / "tests" / "deploy" / "workflows" / "dynamic.py"
    code, out, err = cli(capsys, "template", str(src), "--format", "cloudformation", "--tracing")
    assert code == 0
    template = json.loads(out)
    doc = template["Resources"]["StateMachineRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    granted = {a: st["Resource"] for st in doc["Statement"] for a in st["Action"]}
    assert granted["s3:ListBucket"] == ["*"]           # IAM's name for ListObjectsV2; the bucket is an input
    assert "xray:PutTraceSegments" in granted
    assert template["Resources"]["StateMachine"]["Properties"]["TracingConfiguration"] == {"Enabled": True}
    assert "pyawssfn: note: count_objects: s3:ListBucket (for s3:listObjectsV2): resource \"*\"" in err
