"""For every example, the template's policies grant exactly what the compiled workflow uses: the compiler's own
account of it (steps, children, SDK actions) against our reading of the definition."""
from __future__ import annotations

import pytest

from pyawssfn.compiler import compile_file
from pyawssfn.deploy.iam import LOG_DELIVERY_ACTIONS, iter_states
from pyawssfn.deploy.source import load_machines
from pyawssfn.deploy.template import TemplateOptions, build_template

from .conftest import EXAMPLES

EXAMPLE_FILES = sorted(p for p in EXAMPLES.glob("*.py") if not p.name.startswith("_"))
FN = {"Fn::GetAtt": ["Function", "Arn"]}


def workflows(path) -> list[str]:
    """Every @sfn.workflow of a module (each can be shipped on its own)."""
    import ast
    tree = ast.parse(path.read_text())
    return [f.name for f in tree.body if isinstance(f, ast.FunctionDef)
            and any("workflow" in ast.unparse(d) for d in f.decorator_list)]


CASES = [(p, w) for p in EXAMPLE_FILES for w in workflows(p)]


def test_there_are_examples():
    assert len(CASES) >= 5


@pytest.mark.parametrize("path,workflow", CASES, ids=[f"{p.stem}:{w}" for p, w in CASES])
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
        expected = set(LOG_DELIVERY_ACTIONS) | set(res.sdk_actions)
        if res.steps:
            expected.add("lambda:InvokeFunction")
        if res.children:
            expected.add("states:StartExecution")
        assert set(granted) - {"states:DescribeExecution", "states:StopExecution", "events:PutTargets",
                               "events:PutRule", "events:DescribeRule"} == expected
        if res.steps:
            assert granted["lambda:InvokeFunction"] == [FN, {"Fn::Sub": ["${FunctionArn}:*", {"FunctionArn": FN}]}]
        # Our walk of the definition finds exactly the steps the compiler says it calls, however deeply nested.
        called = {s["Arguments"]["Payload"]["step"] for s in iter_states(res.definition)
                  if s.get("Type") == "Task" and "lambda:invoke" in s.get("Resource", "")}
        assert called == set(res.steps)
        subs = template["Resources"][lid]["Properties"].get("DefinitionSubstitutions", {})
        assert set(subs) == ({"FunctionArn"} if res.steps else set()) | {
            f"StateMachineArn_{c}" for c in res.children}
