"""The boto3 deployer against moto's server: create, idempotent re-deploy, targeted updates, refusals, failures."""
from __future__ import annotations

import json

import boto3
import botocore.exceptions
import pytest

from pyawssfn.deploy.aws import AwsProblem, connect
from pyawssfn.deploy.deployer import DeployPlan, deploy
from pyawssfn.deploy.source import OWNER_TAG, Machine

from .conftest import ACCOUNT, lambda_task, machine, zip_of

KID = Machine("kid", machine(("A", lambda_task("a"))), steps=["a"])
ROOT = Machine("main", machine(
    ("B", lambda_task("b", "C")),
    ("C", {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
           "Arguments": {"StateMachineArn": "${StateMachineArn_kid}", "Input": {}}, "End": True})),
    ["kid"], steps=["b"])
SOLO = Machine("solo", machine(("S", lambda_task("s"))), steps=["s"])


def outcomes(result):
    return [(s.kind, s.name, s.outcome) for s in result.steps]


def client(url, service):
    return boto3.client(service, endpoint_url=url, region_name="us-east-1")


def test_create_then_unchanged_then_targeted_updates(moto_url):
    aws = connect(None, moto_url)
    first = deploy(aws, DeployPlan("dep1", [KID, ROOT], zip_of("v = 1")))
    assert first.error is None
    assert outcomes(first) == [("role", "dep1-lambda", "created"), ("function", "dep1", "created"),
                               ("log group", "/aws/vendedlogs/states/dep1-kid", "created"),
                               ("role", "dep1-kid-states", "created"), ("state machine", "dep1-kid", "created"),
                               ("log group", "/aws/vendedlogs/states/dep1", "created"),
                               ("role", "dep1-states", "created"), ("state machine", "dep1", "created")]
    sfn, iam, lam = client(moto_url, "stepfunctions"), client(moto_url, "iam"), client(moto_url, "lambda")
    fn_arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:dep1"
    kid_arn = f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:dep1-kid"
    d = json.loads(sfn.describe_state_machine(stateMachineArn=first.state_machine_arn)["definition"])
    assert d["States"]["B"]["Arguments"]["FunctionName"] == fn_arn       # placeholders substituted
    assert d["States"]["C"]["Arguments"]["StateMachineArn"] == kid_arn
    policy = iam.get_role_policy(RoleName="dep1-states", PolicyName="main-least-privilege")["PolicyDocument"]
    granted = {a: set(st["Resource"]) for st in policy["Statement"] for a in st["Action"]}
    assert granted["lambda:InvokeFunction"] == {fn_arn, fn_arn + ":*"}
    assert granted["states:StartExecution"] == {kid_arn}
    assert granted["states:DescribeExecution"] == {f"arn:aws:states:us-east-1:{ACCOUNT}:execution:dep1-kid:*"}
    assert granted["logs:CreateLogDelivery"] == {"*"}
    assert granted["logs:PutLogEvents"] == {f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/vendedlogs/states/dep1:*"}
    logging = sfn.describe_state_machine(stateMachineArn=first.state_machine_arn)["loggingConfiguration"]
    assert logging["level"] == "ERROR" and logging["includeExecutionData"] is False
    assert logging["destinations"][0]["cloudWatchLogsLogGroup"]["logGroupArn"] == (
        f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/vendedlogs/states/dep1:*")
    trust = iam.get_role(RoleName="dep1-states")["Role"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Principal"] == {"Service": "states.amazonaws.com"}
    fn = lam.get_function(FunctionName="dep1")
    assert fn["Tags"][OWNER_TAG] == "dep1" and fn["Configuration"]["Handler"] == "pyawssfn_handler.handler"

    again = deploy(aws, DeployPlan("dep1", [KID, ROOT], zip_of("v = 1")))
    assert not again.changed and {s.outcome for s in again.steps} == {"unchanged"}

    code = deploy(aws, DeployPlan("dep1", [KID, ROOT], zip_of("v = 2")))
    assert [s.name for s in code.steps if s.outcome != "unchanged"] == ["dep1"]
    assert code.steps[1].outcome == "updated" and code.steps[1].detail == "code"

    root2 = Machine("main", {**ROOT.definition, "Comment": "changed"}, ["kid"], ["b"])
    wf = deploy(aws, DeployPlan("dep1", [KID, root2], zip_of("v = 2")))
    assert [(s.name, s.outcome, s.detail) for s in wf.steps if s.outcome != "unchanged"] == [
        ("dep1", "updated", "definition")]
    assert json.loads(sfn.describe_state_machine(stateMachineArn=wf.state_machine_arn)["definition"])[
        "Comment"] == "changed"

    arm = deploy(aws, DeployPlan("dep1", [KID, root2], zip_of("v = 2"), runtime="python3.12"))
    assert [(s.name, s.outcome) for s in arm.steps if s.outcome != "unchanged"] == [("dep1", "updated")]
    assert lam.get_function(FunctionName="dep1")["Configuration"]["Runtime"] == "python3.12"

    quiet = deploy(aws, DeployPlan("dep1", [KID, root2], zip_of("v = 2"), runtime="python3.12", log_level="OFF"))
    assert [(s.kind, s.outcome, s.detail) for s in quiet.steps if s.outcome != "unchanged"] == [
        ("role", "updated", ""), ("state machine", "updated", "logging"),
        ("role", "updated", ""), ("state machine", "updated", "logging")]       # log-delivery rights dropped too


def test_a_name_taken_by_a_foreign_function_is_refused_and_nothing_changes(moto_url):
    iam, lam = client(moto_url, "iam"), client(moto_url, "lambda")
    role = iam.create_role(RoleName="someone-elses", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    lam.create_function(FunctionName="taken", Role=role, Runtime="python3.12", Handler="x.h",
                        Code={"ZipFile": zip_of("x = 1")})
    with pytest.raises(AwsProblem, match="function 'taken' exists and was not made by pyawssfn") as err:
        deploy(connect(None, moto_url), DeployPlan("taken", [KID, ROOT], zip_of("v = 1")))
    assert err.value.exit_code == 2
    with pytest.raises(botocore.exceptions.ClientError):
        iam.get_role(RoleName="taken-lambda")            # not even the first role was made
    assert lam.get_function(FunctionName="taken")["Configuration"]["Handler"] == "x.h"


def test_failure_half_way_reports_what_exists_and_deletes_nothing(moto_url):
    # moto, like AWS, refuses a role ARN that is not a role's: the state machine create fails after the function.
    plan = DeployPlan("half", [KID, ROOT], zip_of("v = 1"), role_arn=f"arn:aws:iam::{ACCOUNT}:user/not-a-role")
    result = deploy(connect(None, moto_url), plan)
    assert outcomes(result) == [("role", "half-lambda", "created"), ("function", "half", "created"),
                                ("log group", "/aws/vendedlogs/states/half-kid", "created"),
                                ("state machine", "half-kid", "failed"),
                                ("log group", "/aws/vendedlogs/states/half", "not made"),
                                ("state machine", "half", "not made")]
    assert result.error is not None and "Invalid Role Arn" in str(result.error)
    assert client(moto_url, "lambda").get_function(FunctionName="half")["Configuration"]["FunctionName"] == "half"


def test_injected_failure_on_the_last_step_keeps_everything_else(moto_url):
    session = boto3.session.Session()

    def refuse(params, **_):
        if params.get("name") == "inj":
            raise botocore.exceptions.ClientError(
                {"Error": {"Code": "InvalidDefinition", "Message": "injected"}}, "CreateStateMachine")
    session.events.register("before-parameter-build.stepfunctions.CreateStateMachine", refuse)
    result = deploy(connect(None, moto_url, session=session), DeployPlan("inj", [KID, ROOT], zip_of("v = 1")))
    assert [s.outcome for s in result.steps] == ["created"] * 7 + ["failed"]
    assert "InvalidDefinition: injected" in result.steps[-1].detail
    again = deploy(connect(None, moto_url), DeployPlan("inj", [KID, ROOT], zip_of("v = 1")))
    assert outcomes(again)[-1] == ("state machine", "inj", "created")      # the next deploy finishes the job
    assert {s.outcome for s in again.steps[:-1]} == {"unchanged"}


def test_role_propagation_is_retried_only_for_fresh_roles(moto_url):
    session = boto3.session.Session()
    calls = []

    def flaky(params, **_):
        calls.append(params["FunctionName"])
        if len(calls) == 1:
            raise botocore.exceptions.ClientError({"Error": {"Code": "InvalidParameterValueException", "Message":
                                                   "The role defined for the function cannot be assumed by "
                                                   "Lambda."}}, "CreateFunction")
    session.events.register("before-parameter-build.lambda.CreateFunction", flaky)
    slept = []
    result = deploy(connect(None, moto_url, session=session), DeployPlan("prop", [KID, ROOT], zip_of("v")),
                    sleep=slept.append)
    assert result.error is None and len(calls) == 2 and slept == [2]


def test_a_role_created_but_not_set_up_is_reported_as_incomplete(moto_url, capsys):
    session = boto3.session.Session()

    def refuse(**_):
        raise botocore.exceptions.ClientError({"Error": {"Code": "LimitExceeded", "Message": "too many"}},
                                              "PutRolePolicy")
    session.events.register("before-parameter-build.iam.PutRolePolicy", refuse)
    result = deploy(connect(None, moto_url, session=session), DeployPlan("incomplete", [SOLO], zip_of("v")))
    first = result.steps[0]
    assert (first.kind, first.outcome, first.made) == ("role", "failed", True)
    assert "LimitExceeded" in first.detail and "not completely set up" in first.detail
    from pyawssfn.commands.deploy import report
    report(result)
    err = capsys.readouterr().err
    assert "now in place: role incomplete-lambda (incomplete)" in err
    assert "not made: function incomplete, log group /aws/vendedlogs/states/incomplete" in err


def test_a_failed_update_reports_later_resources_as_left_as_they_were(moto_url, capsys):
    aws = connect(None, moto_url)
    assert deploy(aws, DeployPlan("later", [SOLO], zip_of("v = 1"))).error is None
    session = boto3.session.Session()

    def refuse(**_):
        raise botocore.exceptions.ClientError({"Error": {"Code": "CodeStorageExceededException",
                                                         "Message": "full"}}, "UpdateFunctionCode")
    session.events.register("before-parameter-build.lambda.UpdateFunctionCode", refuse)
    result = deploy(connect(None, moto_url, session=session), DeployPlan("later", [SOLO], zip_of("v = 2")))
    assert [(s.kind, s.outcome) for s in result.steps] == [
        ("role", "unchanged"), ("function", "failed"), ("log group", "not reached"), ("role", "not reached"),
        ("state machine", "not reached")]
    from pyawssfn.commands.deploy import report
    report(result)
    err = capsys.readouterr().err
    assert "function later (incomplete)" in err and "state machine later (as it was before)" in err
    assert "not made: nothing" in err                 # everything exists, some of it in its old version


def test_a_child_missing_from_the_plan_is_refused_before_anything(moto_url):
    with pytest.raises(AwsProblem, match="starts kid, which this deploy does not include"):
        deploy(connect(None, moto_url), DeployPlan("nokid", [ROOT], zip_of("v")))
    with pytest.raises(botocore.exceptions.ClientError):
        client(moto_url, "iam").get_role(RoleName="nokid-lambda")


def test_long_names_fit_aws_limits(moto_url):
    from pyawssfn.deploy.deployer import DeployRefused, lambda_role_name
    name = "n" * 64
    result = deploy(connect(None, moto_url), DeployPlan(name, [SOLO], zip_of("v")))
    assert result.error is None
    roles = [s.name for s in result.steps if s.kind == "role"]
    assert all(len(r) <= 64 for r in roles) and len(set(roles)) == 2
    assert lambda_role_name(name) != lambda_role_name(name[:-1] + "m")          # the hash keeps them apart
    kid = Machine("a_rather_long_child_workflow", KID.definition, steps=["a"])
    parent = Machine("main", machine(("C", {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
        "Arguments": {"StateMachineArn": "${StateMachineArn_a_rather_long_child_workflow}"}, "End": True})),
        [kid.workflow])
    with pytest.raises(DeployRefused, match="longer than 80"):
        deploy(connect(None, moto_url), DeployPlan("k" * 60, [kid, parent], zip_of("v")))
    with pytest.raises(DeployRefused, match="--name"):
        deploy(connect(None, moto_url), DeployPlan("has space", [SOLO], zip_of("v")))


# -- drift (issue #13 item 3): never delete or revert what pyawssfn did not create or set ----------------------------

def test_an_inline_policy_the_user_added_is_reported_and_kept(moto_url):
    aws = connect(None, moto_url)
    iam = client(moto_url, "iam")
    assert deploy(aws, DeployPlan("drift1", [SOLO], zip_of("v = 1"))).error is None
    mine = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    iam.put_role_policy(RoleName="drift1-states", PolicyName="user-added", PolicyDocument=json.dumps(mine))
    again = deploy(aws, DeployPlan("drift1", [SOLO], zip_of("v = 1")))
    assert again.error is None
    assert "user-added" in iam.list_role_policies(RoleName="drift1-states")["PolicyNames"]
    role_step = next(s for s in again.steps if s.name == "drift1-states")
    assert role_step.outcome == "unchanged" and any("'user-added'" in d for d in role_step.drift)
    reverted = deploy(aws, DeployPlan("drift1", [SOLO], zip_of("v = 1"), revert_drift=True))
    assert reverted.error is None
    assert "user-added" not in iam.list_role_policies(RoleName="drift1-states")["PolicyNames"]


def test_function_settings_changed_on_aws_are_reported_and_kept(moto_url):
    from pyawssfn.deploy.options import FunctionOptions

    aws = connect(None, moto_url)
    lam = client(moto_url, "lambda")
    assert deploy(aws, DeployPlan("drift2", [SOLO], zip_of("v = 1"))).error is None
    lam.update_function_configuration(FunctionName="drift2", MemorySize=1024, Timeout=120)
    again = deploy(aws, DeployPlan("drift2", [SOLO], zip_of("v = 1")))
    config = lam.get_function(FunctionName="drift2")["Configuration"]
    assert (config["MemorySize"], config["Timeout"]) == (1024, 120)
    fn_step = next(s for s in again.steps if s.kind == "function")
    assert fn_step.outcome == "unchanged" and len(fn_step.drift) == 2
    assert any("MemorySize is 1024 MB on AWS" in d for d in fn_step.drift)
    # Reported again on the next deploy: the user's value is not silently adopted.
    assert len(next(s for s in deploy(aws, DeployPlan("drift2", [SOLO], zip_of("v = 1"))).steps
                    if s.kind == "function").drift) == 2
    chosen = deploy(aws, DeployPlan("drift2", [SOLO], zip_of("v = 1"), function=FunctionOptions(memory=512)))
    config = lam.get_function(FunctionName="drift2")["Configuration"]
    assert (config["MemorySize"], config["Timeout"]) == (512, 120)
    assert [d.split(" ")[0] for d in next(s for s in chosen.steps if s.kind == "function").drift] == ["Timeout"]
    deploy(aws, DeployPlan("drift2", [SOLO], zip_of("v = 1"), revert_drift=True))
    config = lam.get_function(FunctionName="drift2")["Configuration"]
    assert (config["MemorySize"], config["Timeout"]) == (256, 60)


def test_function_timeout_covers_the_longest_step_and_options_are_applied(moto_url):
    from pyawssfn.deploy.options import FunctionOptions

    aws = connect(None, moto_url)
    lam = client(moto_url, "lambda")
    slow = Machine("slow", machine(("S", lambda_task("s", TimeoutSeconds=300))), steps=["s"])
    assert deploy(aws, DeployPlan("drift3", [slow], zip_of("v = 1"),
                                  function=FunctionOptions(environment={"STAGE": "prod"}))).error is None
    config = lam.get_function(FunctionName="drift3")["Configuration"]
    assert config["Timeout"] == 305 and config["Environment"]["Variables"] == {"STAGE": "prod"}
    # Our own earlier choice is ours to change: a longer step raises the timeout without any flag.
    slower = Machine("slow", machine(("S", lambda_task("s", TimeoutSeconds=600))), steps=["s"])
    assert deploy(aws, DeployPlan("drift3", [slower], zip_of("v = 1"),
                                  function=FunctionOptions(environment={"STAGE": "prod"}))).error is None
    assert lam.get_function(FunctionName="drift3")["Configuration"]["Timeout"] == 605
    short = deploy(aws, DeployPlan("drift3", [slower], zip_of("v = 1"), function=FunctionOptions(timeout=100)))
    assert short.error is not None and "shorter than the longest step" in str(short.error)


def test_a_machine_type_is_set_at_creation_and_never_silently_changed(moto_url):
    aws = connect(None, moto_url)
    sfn = client(moto_url, "stepfunctions")
    first = deploy(aws, DeployPlan("typed1", [SOLO], zip_of("v = 1"), machine_type="EXPRESS"))
    assert first.error is None
    assert sfn.describe_state_machine(stateMachineArn=first.state_machine_arn)["type"] == "EXPRESS"
    second = deploy(aws, DeployPlan("typed1", [SOLO], zip_of("v = 1")))
    assert second.error is not None and "type cannot change" in str(second.error)
    assert sfn.describe_state_machine(stateMachineArn=first.state_machine_arn)["type"] == "EXPRESS"
