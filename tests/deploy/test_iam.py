"""The least-privilege policy is derived from the definition: every state, nested ones included."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from pyawssfn.deploy.iam import LOG_DELIVERY_ACTIONS, LOG_WRITE_ACTIONS, SYNC_RULE, XRAY_ACTIONS, derive_policy, render_policy

from .conftest import lambda_task, machine

P = "arn:${AWS::Partition}"


def grants(definition, **kw) -> dict[str, set[str]]:
    """action -> resources, whatever the statement grouping."""
    out: dict[str, set[str]] = {}
    for st in derive_policy(definition, **kw).document()["Statement"]:
        assert st["Effect"] == "Allow"
        for action in st["Action"]:
            out.setdefault(action, set()).update(st["Resource"])
    return out


def test_lambda_steps_get_invoke_on_the_function_and_its_versions_only():
    d = machine(("A", lambda_task("a", "B")), ("B", lambda_task("b")))
    assert grants(d) == {"lambda:InvokeFunction": {"${FunctionArn}", "${FunctionArn}:*"}}


def test_states_inside_parallel_branches_and_map_processors_are_found():
    inner_sdk = {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:getItem",
                 "Arguments": {"TableName": "orders", "Key": {}}, "End": True}
    deep_map = {"Type": "Map", "Items": "{% $xs %}", "End": True,
                "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "S", "States": {"S": inner_sdk}}}
    par = {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "L", "States": {"L": lambda_task("x")}},
        {"StartAt": "M", "States": {"M": deep_map}}]}
    g = grants(machine(("P", par)))
    assert g == {"lambda:InvokeFunction": {"${FunctionArn}", "${FunctionArn}:*"},
                 "dynamodb:GetItem": {f"{P}:dynamodb:${{AWS::Region}}:${{AWS::AccountId}}:table/orders"}}


def test_legacy_iterator_field_is_walked_too():
    d = machine(("M", {"Type": "Map", "End": True, "Iterator": {"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:111111111111:function:f", "End": True}}}}))
    assert grants(d) == {"lambda:InvokeFunction": {"arn:aws:lambda:us-east-1:111111111111:function:f",
                                                   "arn:aws:lambda:us-east-1:111111111111:function:f:*"}}


def test_sync_child_execution_needs_describe_stop_and_the_managed_rule():
    child = {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
             "Arguments": {"StateMachineArn": "${StateMachineArn_kid}", "Input": {}}, "End": True}
    model = derive_policy(machine(("C", child)))
    assert model.children == {"kid"}
    assert grants(machine(("C", child))) == {
        "states:StartExecution": {"${StateMachineArn_kid}"},
        "states:DescribeExecution": {f"{P}:states:${{AWS::Region}}:${{AWS::AccountId}}:execution:"
                                     "${StateMachineName_kid}:*"},
        "states:StopExecution": {f"{P}:states:${{AWS::Region}}:${{AWS::AccountId}}:execution:"
                                 "${StateMachineName_kid}:*"},
        "events:PutTargets": {SYNC_RULE}, "events:PutRule": {SYNC_RULE}, "events:DescribeRule": {SYNC_RULE}}


def test_fire_and_forget_child_needs_only_start_execution():
    child = {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
             "Arguments": {"StateMachineArn": "arn:aws:states:eu-west-1:111111111111:stateMachine:other"},
             "End": True}
    assert grants(machine(("C", child))) == {
        "states:StartExecution": {"arn:aws:states:eu-west-1:111111111111:stateMachine:other"}}


def test_sdk_actions_use_iam_names_and_narrow_resources_only_when_literal():
    get = {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
           "Arguments": {"Bucket": "in-bucket", "Key": "data.json"}, "Next": "L"}
    ls = {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listObjectsV2",
          "Arguments": {"Bucket": "{% $bucket %}"}, "Next": "S"}
    sfn = {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:describeExecution",
           "Arguments": {"ExecutionArn": "{% $arn %}"}, "End": True}
    d = machine(("G", get), ("L", ls), ("S", sfn))
    assert grants(d) == {"s3:GetObject": {f"{P}:s3:::in-bucket/data.json"}, "s3:ListBucket": {"*"},
                         "states:DescribeExecution": {"*"}}
    notes = derive_policy(d).notes
    assert any("s3:ListBucket (for s3:listObjectsV2)" in n for n in notes)
    assert any("states:DescribeExecution (for sfn:describeExecution)" in n for n in notes)
    assert not any("s3:GetObject" in n for n in notes)          # narrowed: nothing to note


def test_dynamic_function_name_in_jsonpath_widens_to_the_account_and_says_so():
    t = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
         "Parameters": {"FunctionName.$": "$.fn", "Payload.$": "$"}, "End": True}
    model = derive_policy({"StartAt": "T", "States": {"T": t}})
    assert grants({"StartAt": "T", "States": {"T": t}}) == {
        "lambda:InvokeFunction": {f"{P}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:*"}}
    assert model.notes and not model.uses_function


def test_logging_and_tracing_permissions_only_when_enabled():
    d = machine(("A", lambda_task("a")))
    assert set(grants(d)) == {"lambda:InvokeFunction"}
    logged = grants(d, logging=True)
    assert set(logged) == {"lambda:InvokeFunction", *LOG_DELIVERY_ACTIONS, *LOG_WRITE_ACTIONS}
    assert logged["logs:PutLogEvents"] == {"${LogGroupArn}"} and logged["logs:CreateLogDelivery"] == {"*"}
    assert set(grants(d, tracing=True)) == {"lambda:InvokeFunction", *XRAY_ACTIONS}


def test_distributed_map_may_start_executions_of_its_own_machine():
    m = {"Type": "Map", "End": True, "ItemReader": {
        "Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
        "Arguments": {"Bucket": "b-in", "Key": "items.json"}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "T", "States": {"T": lambda_task("t")}}}
    model = derive_policy(machine(("M", m)))
    assert model.uses_self
    g = grants(machine(("M", m)))
    assert g["states:StartExecution"] == {f"{P}:states:${{AWS::Region}}:${{AWS::AccountId}}:stateMachine:"
                                          "${SelfStateMachineName}"}
    assert g["s3:GetObject"] == {f"{P}:s3:::b-in/items.json"}


def test_rendered_policy_has_concrete_arns():
    d = machine(("A", lambda_task("a")))
    doc = render_policy(derive_policy(d).document(), {
        "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f", "AWS::Partition": "aws",
        "AWS::Region": "us-east-1", "AWS::AccountId": "123456789012"})
    assert doc["Statement"][0]["Resource"] == ["arn:aws:lambda:us-east-1:123456789012:function:f",
                                               "arn:aws:lambda:us-east-1:123456789012:function:f:*"]


def test_activities_and_pass_states_need_nothing():
    d = {"StartAt": "A", "States": {
        "A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:human", "Next": "P"},
        "P": {"Type": "Pass", "End": True}}}
    assert derive_policy(d).document()["Statement"] == []


# --- properties over random nestings ------------------------------------------------------------------------------

SDK_TASKS = [("aws-sdk:s3:getObject", "s3:GetObject"), ("aws-sdk:dynamodb:putItem", "dynamodb:PutItem"),
             ("aws-sdk:sfn:listExecutions", "states:ListExecutions"), ("aws-sdk:s3:listObjectsV2", "s3:ListBucket")]


def _leaf(kind):
    if kind == "lambda":
        return lambda_task("x"), {"lambda:InvokeFunction"}
    resource, action = SDK_TASKS[kind]
    return {"Type": "Task", "Resource": f"arn:aws:states:::{resource}", "Arguments": {"Bucket": "b"},
            "End": True}, {action}


def _nest(children):
    """Wrap sub-definitions in a Parallel or a Map, alternately, so states hide at any depth."""
    def build(items, depth=0):
        states, actions = {}, set()
        for i, item in enumerate(items):
            if isinstance(item, list):
                inner, acts = build(item, depth + 1)
                if depth % 2:
                    state = {"Type": "Map", "End": True, "ItemProcessor": inner}
                else:
                    state = {"Type": "Parallel", "End": True, "Branches": [inner]}
            else:
                state, acts = _leaf(item)
            state = {k: v for k, v in state.items() if k not in ("End", "Next")}
            state.update({"Next": f"S{i + 1}"} if i + 1 < len(items) else {"End": True})
            states[f"S{i}"] = state
            actions |= acts
        return {"StartAt": "S0", "States": states}, actions
    return build(children)


leaves = st.one_of(st.just("lambda"), st.integers(0, len(SDK_TASKS) - 1))
trees = st.recursive(st.lists(leaves, min_size=1, max_size=3),
                     lambda inner: st.lists(st.one_of(leaves, inner), min_size=1, max_size=3), max_leaves=8)


@settings(max_examples=60, deadline=None)
@given(trees)
def test_every_nested_task_is_granted_and_nothing_else(tree):
    definition, expected = _nest(tree)
    doc = derive_policy(definition).document()
    granted = grants(definition)
    assert set(granted) == expected
    for statement in doc["Statement"]:      # no action is granted on resources another action needed
        for action in statement["Action"]:
            assert set(statement["Resource"]) == granted[action]


# -- issue #13: resources AWS would refuse or actions missing -------------------------------------------------------

def _sdk(resource, **arguments):
    return machine(("T", {"Type": "Task", "Resource": f"arn:aws:states:::aws-sdk:{resource}",
                          "Arguments": arguments, "End": True}))


def test_dynamodb_query_and_scan_on_an_index_get_the_index_arn():
    table = f"{P}:dynamodb:${{AWS::Region}}:${{AWS::AccountId}}:table/orders"
    for op in ("query", "scan"):
        g = grants(_sdk(f"dynamodb:{op}", TableName="orders", IndexName="by-date"))
        assert g[f"dynamodb:{op.capitalize()}"] == {table, f"{table}/index/by-date"}
    g = grants(_sdk("dynamodb:query", TableName="orders", IndexName="{% $index %}"))
    assert g["dynamodb:Query"] == {table, f"{table}/index/*"}
    assert grants(_sdk("dynamodb:query", TableName="orders"))["dynamodb:Query"] == {table}


def test_a_versioned_s3_read_needs_get_object_version():
    g = grants(_sdk("s3:getObject", Bucket="b", Key="k", VersionId="v1"))
    assert g == {"s3:GetObject": {f"{P}:s3:::b/k"}, "s3:GetObjectVersion": {f"{P}:s3:::b/k"}}
    assert "s3:GetObjectVersion" not in grants(_sdk("s3:getObject", Bucket="b", Key="k"))


def test_table_and_bucket_given_as_arns_are_used_as_they_are():
    table = "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"
    assert grants(_sdk("dynamodb:getItem", TableName=table, Key={}))["dynamodb:GetItem"] == {table}
    optimized = machine(("T", {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                               "Arguments": {"TableName": table, "Item": {}}, "End": True}))
    assert grants(optimized)["dynamodb:PutItem"] == {table}
    ap = "arn:aws:s3:us-east-1:111122223333:accesspoint/reports"
    assert grants(_sdk("s3:getObject", Bucket=ap, Key="k"))["s3:GetObject"] == {f"{ap}/object/k"}
    assert grants(_sdk("s3:listObjectsV2", Bucket=ap))["s3:ListBucket"] == {ap}
