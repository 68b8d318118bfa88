"""``pyawssfn.cdk.Workflow`` synthesizes (offline, through the machine's Node.js) for every example, with the
resources ``pyawssfn template`` makes and a machine role whose policy is exactly the one the template derives."""
from __future__ import annotations

import json
import pathlib
import re
import zipfile

import pytest

pytest.importorskip("aws_cdk")

import aws_cdk as cdk  # noqa: E402

from pyawssfn.cdk import Workflow  # noqa: E402
from pyawssfn.deploy.express import declared_type  # noqa: E402
from pyawssfn.deploy.source import ShipError, load_machines  # noqa: E402
from pyawssfn.deploy.template import TemplateOptions, build_template  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p.name for p in (REPO / "examples").glob("*.py"))


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory):
    """One app, one stack per example (a synth costs seconds: jsii starts Node.js once)."""
    outdir = tmp_path_factory.mktemp("cdk.out")
    app = cdk.App(outdir=str(outdir))
    stacks = {}
    for name in EXAMPLES:
        stack = cdk.Stack(app, re.sub(r"[^A-Za-z0-9]", "-", name[:-3]))
        Workflow(stack, "Flow", source=str(REPO / "examples" / name), log_level="ALL", tracing=True)
        stacks[name] = stack
    assembly = app.synth()
    templates = {name: assembly.get_stack_by_name(stack.stack_name).template for name, stack in stacks.items()}
    templates["outdir"] = outdir
    return templates


def by_type(template: dict, kind: str) -> dict[str, dict]:
    return {lid: r for lid, r in template["Resources"].items() if r["Type"] == kind}


def canonical(template: dict, machines):
    """A function resolving Ref/GetAtt/Sub to names independent of logical ids (CDK's carry hashes): a machine is
    known by the workflow whose definition it holds, its log group and role by the machine that uses them."""
    workflow_of = {json.dumps(m.definition, sort_keys=True): m.workflow for m in machines}
    names: dict[str, str] = {}
    for lid, r in template["Resources"].items():
        p = r["Properties"]
        if r["Type"] in ("AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine"):
            definition = p.get("Definition") or json.loads(p["DefinitionString"])
            wf = workflow_of[json.dumps(definition, sort_keys=True)]
            names[lid] = f"machine:{wf}"
            logging = p.get("LoggingConfiguration") or p.get("Logging")
            if logging:
                group = logging["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
                names[group] = f"log:{wf}"
            names[(p.get("RoleArn") or p.get("Role"))["Fn::GetAtt"][0]] = f"role:{wf}"
        elif r["Type"] in ("AWS::Lambda::Function", "AWS::Serverless::Function"):
            names[lid] = "function"

    def resolve(v):
        if isinstance(v, str):
            return v
        if "Ref" in v:
            return v["Ref"] if v["Ref"].startswith("AWS::") else f"ref({names[v['Ref']]})"
        if "Fn::GetAtt" in v:
            return f"{names[v['Fn::GetAtt'][0]]}.{v['Fn::GetAtt'][1]}"
        if "Fn::Sub" in v:
            text, env = (v["Fn::Sub"], {}) if isinstance(v["Fn::Sub"], str) else v["Fn::Sub"]
            return re.sub(r"\$\{([^}]+)\}", lambda m: resolve(env[m.group(1)]) if m.group(1) in env
                          else m.group(0), text)
        raise AssertionError(v)
    return names, resolve


def machine_policies(template: dict, machines) -> dict[str, list]:
    """Every statement granted to each machine role (inline policies and attached AWS::IAM::Policy alike)."""
    names, resolve = canonical(template, machines)
    out: dict[str, list] = {}

    def add(role_lid, doc):
        for st in doc["Statement"]:
            listify = lambda x: x if isinstance(x, list) else [x]  # noqa: E731 - CDK writes one item bare
            out.setdefault(names[role_lid], []).append(
                (st.get("Sid"), st["Effect"], tuple(sorted(listify(st["Action"]))),
                 tuple(sorted(resolve(r) for r in listify(st["Resource"])))))
    for lid, r in template["Resources"].items():
        if r["Type"] == "AWS::IAM::Role" and names.get(lid, "").startswith("role:"):
            for p in r["Properties"].get("Policies", []):
                add(lid, p["PolicyDocument"])
        if r["Type"] == "AWS::IAM::Policy":
            for role in r["Properties"]["Roles"]:
                if names.get(role["Ref"], "").startswith("role:"):
                    add(role["Ref"], r["Properties"]["PolicyDocument"])
    return {k: sorted(v) for k, v in out.items()}


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_machine_policy_is_exactly_the_templates(synthesized, example):
    machines = load_machines(str(REPO / "examples" / example))
    cfn = build_template(machines, TemplateOptions(format="cloudformation", log_level="ALL", tracing=True))
    ours = machine_policies(synthesized[example], machines)
    assert set(ours) == {f"role:{m.workflow}" for m in machines}
    assert ours == machine_policies(cfn, machines)


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_resources_are_the_templates(synthesized, example):
    t = synthesized[example]
    machines = load_machines(str(REPO / "examples" / example))
    sms = by_type(t, "AWS::StepFunctions::StateMachine")
    assert len(sms) == len(machines) and len(by_type(t, "AWS::Lambda::Function")) == 1
    names, resolve = canonical(t, machines)
    for m in machines:
        (props,) = [r["Properties"] for lid, r in sms.items() if names[lid] == f"machine:{m.workflow}"]
        assert json.loads(props["DefinitionString"]) == m.definition
        assert {k: resolve(v) for k, v in props.get("DefinitionSubstitutions", {}).items()} == {
            "FunctionArn": "function.Arn",
            **{f"StateMachineArn_{c}": f"ref(machine:{c})" for c in m.children}}
        assert props["LoggingConfiguration"]["Level"] == "ALL"
        assert props["LoggingConfiguration"]["IncludeExecutionData"] is False
        assert props["TracingConfiguration"] == {"Enabled": True}
        assert props.get("StateMachineType", "STANDARD") == declared_type(str(REPO / "examples" / example), m.workflow)
    (fn,) = by_type(t, "AWS::Lambda::Function").values()
    assert fn["Properties"]["Handler"] == "pyawssfn_handler.handler"
    cfn_fn = build_template(machines, TemplateOptions(format="cloudformation"))["Resources"]["Function"]["Properties"]
    assert (fn["Properties"]["Timeout"], fn["Properties"]["MemorySize"]) == (cfn_fn["Timeout"], cfn_fn["MemorySize"])
    assert fn["Properties"]["TracingConfig"] == {"Mode": "Active"}
    # Retention is set on every log group (CloudWatch keeps logs forever otherwise).
    assert all(g["Properties"]["RetentionInDays"] == 30 for g in by_type(t, "AWS::Logs::LogGroup").values())


def test_the_code_is_the_deterministic_zip_of_the_module(synthesized, tmp_path):
    from pyawssfn.packaging import build_package
    t = synthesized["approval.py"]
    (fn,) = by_type(t, "AWS::Lambda::Function").values()
    key = fn["Properties"]["Code"]["S3Key"]
    (asset,) = synthesized["outdir"].glob(f"asset.{key.removesuffix('.zip')}*")
    steps = sorted({s for m in load_machines(str(REPO / "examples" / "approval.py")) for s in m.steps})
    ours = build_package(REPO / "examples" / "approval.py", steps, tmp_path / "f.zip")
    # The asset is our zip byte for byte: an unchanged module keeps its asset hash, so `cdk deploy` changes nothing.
    data = asset.read_bytes() if asset.is_file() else None
    assert data == ours.path.read_bytes()
    assert "pyawssfn_handler.py" in zipfile.ZipFile(ours.path).namelist()


def test_options_reach_the_function_and_machine(tmp_path):
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = cdk.Stack(app, "Options")
    wf = Workflow(stack, "Flow", source=str(REPO / "examples" / "analyse_text.py"), memory_size=1024, timeout=120,
                  environment={"STAGE": "prod"}, architecture="arm64", type="EXPRESS", log_level="OFF",
                  layers=["arn:aws:lambda:us-east-1:123456789012:layer:shared:3"])
    assert wf.state_machine is wf.state_machines["summarise"] and wf.role is wf.roles["summarise"]
    t = app.synth().get_stack_by_name("Options").template
    (fn,) = by_type(t, "AWS::Lambda::Function").values()
    p = fn["Properties"]
    assert (p["MemorySize"], p["Timeout"], p["Architectures"]) == (1024, 120, ["arm64"])
    assert p["Environment"] == {"Variables": {"STAGE": "prod"}}
    assert p["Layers"] == ["arn:aws:lambda:us-east-1:123456789012:layer:shared:3"]
    (sm,) = by_type(t, "AWS::StepFunctions::StateMachine").values()
    assert sm["Properties"]["StateMachineType"] == "EXPRESS" and "LoggingConfiguration" not in sm["Properties"]
    statements = machine_policies(t, load_machines(str(REPO / "examples" / "analyse_text.py")))["role:summarise"]
    assert not [s for s in statements if any(a.startswith("logs:") for a in s[2])]


def test_bad_options_are_refused_with_a_message(tmp_path):
    stack = cdk.Stack(cdk.App(outdir=str(tmp_path)), "Bad")
    with pytest.raises(ShipError, match="architecture='arm'"):
        Workflow(stack, "Flow", source=str(REPO / "examples" / "analyse_text.py"), architecture="arm")
    with pytest.raises(ShipError, match="Workflow: timeout 1000 s is out of Lambda's range"):
        Workflow(stack, "Flow3", source=str(REPO / "examples" / "analyse_text.py"), timeout=1000)
    from pyawssfn.cli import UsageError

    with pytest.raises((ShipError, UsageError), match="no such file"):
        Workflow(stack, "Flow2", source=str(tmp_path / "missing.py"))
