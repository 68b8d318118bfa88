"""For every example, the template's policies grant exactly what the compiled workflow uses: the compiler's own
account of it (steps, children, SDK actions) against our reading of the definition."""
from __future__ import annotations

import pytest

from pyawssfn.compiler import compile_file
from pyawssfn.deploy.iam import LOG_DELIVERY_ACTIONS, LOG_WRITE_ACTIONS, iter_states
from pyawssfn.deploy.source import load_machines
from pyawssfn.deploy.template import TemplateOptions, build_template

from .conftest import EXAMPLES

NESTED = EXAMPLES.parent / "tests" / "deploy" / "workflows" / "nested.py"
EXAMPLE_FILES = sorted(p for p in EXAMPLES.glob("*.py") if not p.name.startswith("_")) + [NESTED]
FN = {"Fn::GetAtt": ["Function", "Arn"]}


def workflows(path) -> list[str | None]:
    """Every @sfn.workflow of a module (each can be shipped on its own); None (the file's only entry) for
    modules written with the proof of concept's API."""
    import ast
    tree = ast.parse(path.read_text())
    found = [f.name for f in tree.body if isinstance(f, ast.FunctionDef)
             and any("workflow" in ast.unparse(d) for d in f.decorator_list)]
    return found or [None]


CASES = [(p, w) for p in EXAMPLE_FILES for w in workflows(p)]


def test_there_are_examples():
    assert len(CASES) >= 8


def test_sdk_and_child_resources_of_the_nested_workflow():
    machines = load_machines(str(NESTED), "parent")
    assert [m.workflow for m in machines] == ["child", "parent"]
    t = build_template(machines, TemplateOptions(format="cloudformation"))
    doc = t["Resources"]["StateMachineRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    granted = {a: st["Resource"] for st in doc["Statement"] for a in st["Action"]}
    assert granted["s3:GetObject"] == [{"Fn::Sub": "arn:${AWS::Partition}:s3:::in-bucket/*"}]   # Key is dynamic
    assert granted["states:StartExecution"] == [{"Ref": "StateMachineChild"}]
    assert granted["states:StopExecution"] == [{"Fn::Sub": [
        "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${StateMachineName_child}:*",
        {"StateMachineName_child": {"Fn::GetAtt": ["StateMachineChild", "Name"]}}]}]
    rule = granted["events:PutRule"][0]["Fn::Sub"]
    assert rule.endswith(":rule/StepFunctionsGetEventsForStepFunctionsExecutionRule")
    child_doc = t["Resources"]["StateMachineChildRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    assert {a for st in child_doc["Statement"] for a in st["Action"] if not a.startswith("logs:")} == {
        "lambda:InvokeFunction"}


@pytest.mark.parametrize("path,workflow", CASES, ids=[f"{p.stem}:{w or 'entry'}" for p, w in CASES])
def test_policy_is_exactly_what_the_workflow_uses(path, workflow):
    machines = load_machines(str(path), workflow)
    template = build_template(machines, TemplateOptions(format="cloudformation"))
    for m in machines:
        res = compile_file(str(path), workflow=m.workflow)
        lid = next(k for k, v in template["Resources"].items() if v["Type"] == "AWS::StepFunctions::StateMachine"
                   and v["Properties"]["Definition"] == res.definition)
        assert (lid == "StateMachine") == (m is machines[-1])
        doc = template["Resources"][lid + "Role"]["Properties"]["Policies"][0]["PolicyDocument"]
        granted: dict[str, list] = {}
        for st in doc["Statement"]:
            for action in st["Action"]:
                granted.setdefault(action, []).extend(st["Resource"])
        expected = set(LOG_DELIVERY_ACTIONS) | set(LOG_WRITE_ACTIONS) | set(res.sdk_actions)
        if res.steps:
            expected.add("lambda:InvokeFunction")
        if res.children:
            expected.add("states:StartExecution")
        assert set(granted) - {"states:DescribeExecution", "states:StopExecution", "events:PutTargets",
                               "events:PutRule", "events:DescribeRule"} == expected
        assert granted["logs:PutLogEvents"] == [{"Fn::GetAtt": [lid + "LogGroup", "Arn"]}]
        if res.steps:
            assert granted["lambda:InvokeFunction"] == [FN, {"Fn::Sub": ["${FunctionArn}:*", {"FunctionArn": FN}]}]
        # Our walk of the definition finds exactly the steps the compiler says it calls, however deeply nested.
        called = {s["Arguments"]["Payload"]["step"] for s in iter_states(res.definition)
                  if s.get("Type") == "Task" and "lambda:invoke" in s.get("Resource", "")}
        assert called == set(res.steps)
        subs = template["Resources"][lid]["Properties"].get("DefinitionSubstitutions", {})
        assert set(subs) == ({"FunctionArn"} if res.steps else set()) | {
            f"StateMachineArn_{c}" for c in res.children}
