"""IAM for the Run a Job (``.sync``) variants of optimized integrations (issue #10), from AWS's pages "IAM policies
for <service>" of the Step Functions developer guide: besides starting the job, Step Functions reads its state until
it ends, stops it when the execution is stopped, and, for ECS, Batch and CodeBuild, listens on a managed EventBridge
rule in the account, which it creates and updates itself.
"""
from __future__ import annotations

ACCT = "${AWS::Region}:${AWS::AccountId}"

# integration -> the actions Step Functions needs, beyond starting the job, to wait for its end.
SYNC_ACTIONS = {
    "glue:startJobRun": ["glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"],
    "ecs:runTask": ["ecs:StopTask", "ecs:DescribeTasks"],
    "batch:submitJob": ["batch:DescribeJobs", "batch:TerminateJob"],
    "codebuild:startBuild": ["codebuild:StopBuild", "codebuild:BatchGetBuilds", "codebuild:BatchGetReports"],
}
# integration -> the managed rule its .sync variant listens on.
SYNC_RULES = {
    "ecs:runTask": "StepFunctionsGetEventsForECSTaskRule",
    "batch:submitJob": "StepFunctionsGetEventsForBatchJobsRule",
    "codebuild:startBuild": "StepFunctionsGetEventsForCodeBuildStartBuildRule",
}
RULE_ACTIONS = ["events:DescribeRule", "events:PutRule", "events:PutTargets"]
# A task runs with the roles its task definition names: RunTask passes them.
PASS_ROLE = {"ecs:runTask"}


def integration_grants(integration: str, variant: str) -> list[tuple[str, list[str], str]]:
    """``(statement id, actions, resource)`` to grant for ``integration`` called with ``variant`` (``.sync``,
    ``.waitForTaskToken`` or ``""``), beyond its own action."""
    grants: list[tuple[str, list[str], str]] = []
    if variant.startswith(".sync") and integration in SYNC_ACTIONS:
        grants.append(("WaitForJobs", SYNC_ACTIONS[integration], "*"))
        if integration in SYNC_RULES:
            grants.append(("JobEvents", RULE_ACTIONS,
                           f"arn:${{AWS::Partition}}:events:{ACCT}:rule/{SYNC_RULES[integration]}"))
    if integration in PASS_ROLE:
        grants.append(("PassTaskRoles", ["iam:PassRole"], "*"))
    return grants


def compiler_actions(integration: str, action: str, variant: str) -> set[str]:
    """Every IAM action but the rule's, as the compiler accounts for them (``CompileResult.sdk_actions``)."""
    return {action} | {a for _, actions, _ in integration_grants(integration, variant) for a in actions
                       if a not in RULE_ACTIONS}
