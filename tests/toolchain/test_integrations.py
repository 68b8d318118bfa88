"""Optimized integrations (issue #10): `sfn.run_job` (.sync), `sfn.wait_for_task_token` (.waitForTaskToken) and
`sfn.task_resource`, compiled to one Task each, parameters checked against botocore, and run both ways with the mock
answering the job's final state (or the token's answer)."""
from __future__ import annotations

import json
import pathlib
import textwrap

import pytest

from pyawssfn.compiler import CompileError, compile_file
from pyawssfn.testing import WorkflowTester

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"
GLUE = "arn:aws:states:::glue:startJobRun.sync"
SQS = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
JOB_RUN = {"Id": "jr_1", "JobName": "nightly-sales", "JobRunState": "SUCCEEDED", "ExecutionTime": 42}


def test_a_glue_job_runs_both_ways_with_the_mock_answering_its_final_state():
    t = WorkflowTester(EXAMPLES / "glue_etl.py").mock_resource(GLUE, returns=JOB_RUN)
    py, machine = t.run_both({"day": "2026-12-01"})
    assert machine.output == py.output == {"day": "2026-12-01", "job": "nightly-sales", "state": "SUCCEEDED",
                                           "seconds": 42}
    (task,) = [s for s in t.definition["States"].values() if s.get("Resource") == GLUE]
    assert task["Arguments"]["JobName"] == "nightly-sales" and '{"--day": ' in task["Arguments"]["Arguments"]


def test_a_failed_glue_job_fails_both_ways():
    t = WorkflowTester(EXAMPLES / "glue_etl.py").mock_resource(GLUE, error="Glue.AWSGlueException", cause="oom")
    py, machine = t.run_both({"day": "d"})
    assert (machine.error, machine.cause) == (py.error, py.cause) == ("Glue.AWSGlueException", "oom")


@pytest.mark.parametrize("amount, answer, expected", [
    (500, {"approved": True, "reviewer": "ana"}, {"payment_id": "p1", "approved": True, "by": "ana"}),
    (500, {"approved": False, "reviewer": "bo"}, {"payment_id": "p1", "approved": False, "by": "bo"}),
    (20, None, {"payment_id": "p1", "approved": True, "by": "auto"}),
])
def test_an_sqs_callback_runs_both_ways(amount, answer, expected):
    t = WorkflowTester(EXAMPLES / "payment_review.py")
    if answer is not None:
        t.mock_resource(SQS, returns=answer)
    py, machine = t.run_both({"payment_id": "p1", "amount": amount})
    assert machine.output == py.output == expected


def test_the_task_token_goes_where_token_at_says():
    definition = compile_file(str(EXAMPLES / "payment_review.py")).definition
    (task,) = [s for s in definition["States"].values() if s.get("Resource") == SQS]
    assert task["Arguments"]["QueueUrl"] == "https://sqs.us-east-1.amazonaws.com/123456789012/payment-reviews"
    # A dict literal stays a JSON template, the token one more field of it.
    # (amount is the workflow's parameter, which the Choice before the Task passes on whole: it is read there as the
    # state's input, compiler/handover.py)
    assert task["Arguments"]["MessageBody"] == {"payment_id": "{% $payment_id %}",
                                                "amount": "{% $states.input.amount %}",
                                                "TaskToken": "{% $states.context.Task.Token %}"}


def test_the_token_is_merged_into_a_parameter_computed_at_run_time(tmp_path):
    d = _compile(tmp_path, 'return sfn.wait_for_task_token("sqs:sendMessage", token_at="MessageBody.TaskToken", '
                           'QueueUrl="q", MessageBody=x)\n')
    (task,) = [s for s in d["States"].values() if s.get("Type") == "Task"]
    body = task["Arguments"]["MessageBody"]
    # (the parameters' check guards the first field: docs/language.md, "Parameter annotations")
    assert '$merge([$states.input.x, {"TaskToken": $states.context.Task.Token}])' in body
    token = "AQC" + "0" * 64
    from pyawssfn.local.executor import Executor
    from pyawssfn.local.callbacks import CallbackResult
    seen = []
    execution = Executor(d, mocks={SQS: [{"Return": {"MessageId": "m"}}]}, callbacks=lambda tok, payload, resource:
                         seen.append(payload) or CallbackResult.success({"ok": True})).run({"x": {"id": 7}})
    assert execution.output == {"ok": True} and seen[0]["MessageBody"]["id"] == 7
    assert len(seen[0]["MessageBody"]["TaskToken"]) == len(token)


def test_the_plain_python_call_sees_the_token_too():
    seen = []
    from pyawssfn import pyrun
    pyrun.run_workflow(EXAMPLES / "payment_review.py", input={"payment_id": "p", "amount": 900},
                       mocks=lambda resource, op, params: seen.append((resource, params)) or {"approved": True})
    (resource, params), = seen
    assert resource == SQS and params["MessageBody"]["TaskToken"].startswith("pyrun-task-token-")


def _compile(tmp_path, body: str):
    path = tmp_path / "flow.py"
    path.write_text("import pyawssfn as sfn\n\n\n@sfn.workflow\ndef flow(x):\n" + textwrap.indent(body, "    "))
    return compile_file(str(path)).definition


def test_task_resource_is_any_resource_with_its_arguments(tmp_path):
    d = _compile(tmp_path, 'return sfn.task_resource("arn:aws:states:::bedrock:invokeModel", '
                           '{"ModelId": "m", "Body": {"prompt": x}})\n')
    (task,) = [s for s in d["States"].values() if s.get("Type") == "Task"]
    assert task["Resource"] == "arn:aws:states:::bedrock:invokeModel"
    assert task["Arguments"]["ModelId"] == "m" and '{"prompt": $states.input.x}' in task["Arguments"]["Body"]


@pytest.mark.parametrize("body, message", [
    ('return sfn.run_job("glue:startJobRun", JobNmae="etl")\n', "glue StartJobRun has no parameter 'JobNmae'"),
    ('return sfn.run_job("glue:startJobRun")\n', "needs the parameter(s) JobName"),
    ('return sfn.run_job("sqs:sendMessage", QueueUrl="q", MessageBody="b")\n', "does not support the .sync"),
    ('return sfn.run_job("lambda:invoke", FunctionName="f")\n', "not an integration pyawssfn knows"),
    ('return sfn.wait_for_task_token("sns:publish", TopicArn="t", Message="m")\n', "token_at must be a string"),
    ('return sfn.task_resource("arn:aws:states:::x:y", x)\n', "must be a dict literal"),
])
def test_mistakes_are_refused_at_compile_time(tmp_path, body, message):
    with pytest.raises(CompileError) as info:
        _compile(tmp_path, body)
    assert message in "\n".join(str(d) for d in info.value.diagnostics)


def test_plain_python_without_a_mock_says_how_to_mock():
    import pyawssfn as sfn
    with pytest.raises(sfn.CallbackUnavailable, match="WorkflowTester.mock_resource"):
        sfn.run_job("glue:startJobRun", JobName="x")
    assert json.loads(json.dumps(sfn.INTEGRATIONS))["ecs:runTask"] == ["sync", "token"]


@pytest.mark.parametrize("call, actions, rule", [
    ('sfn.run_job("ecs:runTask", Cluster="c", TaskDefinition="td")',
     {"ecs:RunTask", "ecs:StopTask", "ecs:DescribeTasks", "iam:PassRole"}, "StepFunctionsGetEventsForECSTaskRule"),
    ('sfn.run_job("glue:startJobRun", JobName="etl")',
     {"glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"}, None),
    ('sfn.run_job("batch:submitJob", JobName="j", JobQueue="q", JobDefinition="d")',
     {"batch:SubmitJob", "batch:DescribeJobs", "batch:TerminateJob"}, "StepFunctionsGetEventsForBatchJobsRule"),
    ('sfn.run_job("codebuild:startBuild", ProjectName="p")',
     {"codebuild:StartBuild", "codebuild:StopBuild", "codebuild:BatchGetBuilds", "codebuild:BatchGetReports"},
     "StepFunctionsGetEventsForCodeBuildStartBuildRule"),
    ('sfn.wait_for_task_token("sns:publish", token_at="Message", TopicArn="arn:aws:sns:us-east-1:1:t")',
     {"sns:Publish"}, None),
])
def test_sync_jobs_get_what_step_functions_needs_to_wait_for_them(tmp_path, call, actions, rule):
    from pyawssfn.deploy.iam import derive_policy
    d = _compile(tmp_path, f"return {call}\n")
    policy = derive_policy(d)
    assert policy.actions() - {"events:DescribeRule", "events:PutRule", "events:PutTargets"} == actions
    rules = policy.grants.get("events:PutRule", set())
    assert rules == ({f"arn:${{AWS::Partition}}:events:${{AWS::Region}}:${{AWS::AccountId}}:rule/{rule}"}
                     if rule else set())
