"""Create or update a workflow on AWS with boto3: roles, the Lambda function, the state machines.

Idempotent: every resource is compared with what is deployed and touched only when it differs. Every name is checked
before anything changes: a resource with our name but without our owner tag is someone else's, and the deploy is
refused. A failure part-way stops at once and reports what exists and what was not made; nothing is deleted.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import botocore.exceptions as bexc

from pyawssfn.deploy import drift
from pyawssfn.deploy.aws import Aws, AwsProblem, describe, error_code
from pyawssfn.deploy.iam import derive_policy, render_policy, trust_policy
from pyawssfn.deploy.options import FunctionOptions, OptionError
from pyawssfn.deploy.source import DEFAULT_RUNTIME, HANDLER, OWNER_TAG, Machine, ShipError, children_of

# IAM is eventually consistent: a role just made may not be assumable for some seconds. Retry only that.
PROPAGATION_DELAYS = (2, 3, 5, 8, 12)


@dataclass
class Step:
    kind: str            # "role" | "function" | "log group" | "state machine"
    name: str
    outcome: str = "pending"   # created | updated | unchanged | failed | not made | not reached
    detail: str = ""
    workflow: str | None = None   # the workflow a state machine or its role is for
    made: bool = False            # the resource exists (from before, or made now even if a later call failed)
    drift: list[str] = field(default_factory=list)   # changes made outside pyawssfn, found and left as they are


@dataclass
class DeployPlan:
    name: str
    machines: list[Machine]                 # children first, the root last
    zip_bytes: bytes
    role_arn: str | None = None             # use this state-machine role instead of creating ours
    lambda_role_arn: str | None = None      # use this Lambda execution role instead of creating ours
    runtime: str = DEFAULT_RUNTIME
    arch: str = "x86_64"
    tracing: bool = False
    log_level: str = "ERROR"                # "OFF" | "ERROR" | "FATAL" | "ALL"; execution data never included
    function: FunctionOptions = field(default_factory=FunctionOptions)   # memory, timeout, environment
    revert_drift: bool = False              # set back what was changed outside pyawssfn (else: report it, leave it)
    machine_type: str = "STANDARD"          # STANDARD | EXPRESS (fixed when a machine is created)


@dataclass
class DeployResult:
    steps: list[Step] = field(default_factory=list)
    state_machine_arn: str | None = None
    function_arn: str | None = None
    error: AwsProblem | None = None

    @property
    def changed(self) -> bool:
        return any(s.outcome in ("created", "updated") for s in self.steps)


class DeployRefused(AwsProblem):
    """Nothing was changed: a name belongs to someone else, or a name is invalid."""

    def __init__(self, message: str):
        super().__init__(message, 2)


def machine_name(name: str, workflow: str, root: str) -> str:
    return name if workflow == root else f"{name}-{workflow}"


def _role(name: str, workflow: str, root: str) -> str:
    base = f"{name}-states" if workflow == root else f"{name}-{workflow}-states"
    return _fit(base, 64)


def log_group_name(machine: str) -> str:
    # The /aws/vendedlogs/ prefix keeps CloudWatch Logs' resource policy small (AWS's advice for vended logs).
    return f"/aws/vendedlogs/states/{machine}"


def lambda_role_name(name: str) -> str:
    return _fit(f"{name}-lambda", 64)


def _fit(name: str, limit: int) -> str:
    """Long names keep their start and get a short hash so they stay unique and within AWS's limit."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[:limit - 9]}-{digest}"


def check_names(name: str, machines: list[Machine]) -> None:
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name):
        raise DeployRefused(f"--name {name!r}: use 1 to 64 letters, digits, '-' or '_' (it names the Lambda "
                            "function, the state machine and the roles)")
    root = machines[-1].workflow
    shipped = {m.workflow for m in machines}
    for m in machines:
        missing = sorted(set(children_of(m.definition)) - shipped)
        if missing:
            raise DeployRefused(f"workflow {m.workflow!r} starts {', '.join(missing)}, which this deploy does not "
                                "include; nothing was changed")
        sm = machine_name(name, m.workflow, root)
        if len(sm) > 80:
            raise DeployRefused(f"state machine name {sm!r} is longer than 80 characters: use a shorter --name")


def _substitute(value: Any, values: dict[str, str]) -> Any:
    """Replace ``${FunctionArn}`` / ``${StateMachineArn_<w>}`` in every string, as DefinitionSubstitutions would."""
    if isinstance(value, str):
        return re.sub(r"\$\{(FunctionArn|StateMachineArn_\w+)\}", lambda m: values.get(m.group(1), m.group(0)), value)
    if isinstance(value, list):
        return [_substitute(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, values) for k, v in value.items()}
    return value


class Deployer:
    def __init__(self, aws: Aws, plan: DeployPlan, *, sleep: Callable[[float], None] = time.sleep):
        self.aws, self.plan, self.sleep = aws, plan, sleep
        self.iam = aws.client("iam")
        self.lam = aws.client("lambda")
        self.sfn = aws.client("stepfunctions")
        self.sts = aws.client("sts")
        self.logs = aws.client("logs")
        self._log_arns: dict[str, str] = {}
        self.result = DeployResult()
        self.root = plan.machines[-1].workflow
        self._role_arns: dict[str, str] = {}
        self._fresh_roles: set[str] = set()   # roles made or changed now: IAM may need seconds to propagate them

    # --- the plan ------------------------------------------------------------------------------------------

    def steps(self) -> list[Step]:
        p = self.plan
        out = []
        if not p.lambda_role_arn:
            out.append(Step("role", lambda_role_name(p.name)))
        out.append(Step("function", p.name))
        for m in p.machines:
            if p.log_level != "OFF":
                out.append(Step("log group", log_group_name(machine_name(p.name, m.workflow, self.root)),
                                workflow=m.workflow))
            if not p.role_arn:
                out.append(Step("role", _role(p.name, m.workflow, self.root), workflow=m.workflow))
            out.append(Step("state machine", machine_name(p.name, m.workflow, self.root), workflow=m.workflow))
        return out

    def run(self) -> DeployResult:
        p = self.plan
        check_names(p.name, p.machines)
        try:
            ident = self.sts.get_caller_identity()
        except (bexc.BotoCoreError, bexc.ClientError) as exc:
            raise describe(exc, self.aws.endpoint_url) from exc
        self.account = ident["Account"]
        self.values = {"AWS::Partition": self.aws.partition, "AWS::Region": self.aws.region,
                       "AWS::AccountId": self.account}
        self.result.steps = self.steps()
        try:
            self._check_ownership()
        except (bexc.BotoCoreError, bexc.ClientError) as exc:
            raise describe(exc, self.aws.endpoint_url) from exc
        for step in self.result.steps:
            try:
                self._do(step)
            except (bexc.BotoCoreError, bexc.ClientError, AwsProblem, ShipError) as exc:
                problem = AwsProblem(str(exc), 2) if isinstance(exc, ShipError) else describe(
                    exc, self.aws.endpoint_url)
                step.outcome, step.detail = "failed", str(problem)
                if step.made:
                    step.detail += " (it exists, but is not completely set up)"
                for later in self.result.steps:
                    if later.outcome == "pending":
                        # What existed before stays as it was; what did not is still missing.
                        later.outcome = "not reached" if later.made else "not made"
                self.result.error = problem
                return self.result
        return self.result

    def _do(self, step: Step) -> None:
        if step.kind == "role" and step.workflow is None:
            self.lambda_role = self._ensure_role(step, "lambda.amazonaws.com", "write-own-logs",
                                                 self._lambda_policy())
        elif step.kind == "function":
            self._ensure_function(step)
        elif step.kind == "log group":
            self._ensure_log_group(step)
        elif step.kind == "role":
            m = self._machine(step.workflow)
            self._role_arns[m.workflow] = self._ensure_role(step, "states.amazonaws.com",
                                                            f"{m.workflow}-least-privilege", self._sm_policy(m))
        else:
            self._ensure_machine(step)

    def _machine(self, workflow: str | None) -> Machine:
        return next(m for m in self.plan.machines if m.workflow == workflow)

    # --- ownership -----------------------------------------------------------------------------------------

    def _check_ownership(self) -> None:
        problems = []
        for step in self.result.steps:
            owner = self._owner(step)
            if owner is _ABSENT:
                continue
            step.made = True
            if owner is None:
                problems.append(f"{step.kind} {step.name!r} exists and was not made by pyawssfn (no "
                                f"{OWNER_TAG} tag)")
            elif owner != self.plan.name:
                problems.append(f"{step.kind} {step.name!r} belongs to the pyawssfn deployment {owner!r}")
        if problems:
            raise DeployRefused("refusing to deploy, nothing was changed:\n  " + "\n  ".join(problems)
                                + "\nchoose another --name")

    def _owner(self, step: Step) -> Any:
        if step.kind == "role":
            try:
                self.iam.get_role(RoleName=step.name)
            except bexc.ClientError as exc:
                if error_code(exc) == "NoSuchEntity":
                    return _ABSENT
                raise
            tags = self.iam.list_role_tags(RoleName=step.name).get("Tags", [])
            return next((t["Value"] for t in tags if t["Key"] == OWNER_TAG), None)
        if step.kind == "function":
            try:
                fn = self.lam.get_function(FunctionName=step.name)
            except bexc.ClientError as exc:
                if error_code(exc) == "ResourceNotFoundException":
                    return _ABSENT
                raise
            return (fn.get("Tags") or {}).get(OWNER_TAG)
        if step.kind == "log group":
            groups = self.logs.describe_log_groups(logGroupNamePrefix=step.name).get("logGroups", [])
            group = next((g for g in groups if g["logGroupName"] == step.name), None)
            if group is None:
                return _ABSENT
            tags = self.logs.list_tags_for_resource(resourceArn=_group_arn(group["arn"])).get("tags", {})
            return tags.get(OWNER_TAG)
        arn = self._sm_arn(step.name)
        try:
            self.sfn.describe_state_machine(stateMachineArn=arn)
        except bexc.ClientError as exc:
            if error_code(exc) in ("StateMachineDoesNotExist", "ResourceNotFound"):
                return _ABSENT
            raise
        tags = self.sfn.list_tags_for_resource(resourceArn=arn).get("tags", [])
        return next((t["value"] for t in tags if t["key"] == OWNER_TAG), None)

    # --- roles ---------------------------------------------------------------------------------------------

    def _lambda_policy(self) -> dict[str, Any]:
        group = f"arn:{self.aws.partition}:logs:{self.aws.region}:{self.account}:log-group:/aws/lambda/{self.plan.name}"
        return {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["logs:CreateLogGroup"], "Resource": [f"{group}:*"]},
            {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": [f"{group}:log-stream:*"]}]}

    def _sm_policy(self, m: Machine) -> dict[str, Any]:
        model = derive_policy(m.definition, logging=self.plan.log_level != "OFF", tracing=self.plan.tracing)
        values = dict(self.values, FunctionArn=self.result.function_arn or "",
                      SelfStateMachineName=machine_name(self.plan.name, m.workflow, self.root),
                      LogGroupArn=self._log_arns.get(m.workflow, ""))
        for child in self.plan.machines:
            sm = machine_name(self.plan.name, child.workflow, self.root)
            values[f"StateMachineArn_{child.workflow}"] = self._sm_arn(sm)
            values[f"StateMachineName_{child.workflow}"] = sm
        try:
            return render_policy(model.document(), values)
        except KeyError as exc:
            raise ShipError(f"workflow {m.workflow!r} refers to ${{{exc.args[0]}}}, which this deploy does not "
                            "define") from exc

    def _ensure_role(self, step: Step, service: str, policy_name: str, policy: dict[str, Any]) -> str:
        trust = trust_policy(service)
        if service == "states.amazonaws.com":
            trust["Statement"][0]["Condition"] = {"StringEquals": {"aws:SourceAccount": self.account}}
        try:
            role = self.iam.get_role(RoleName=step.name)["Role"]
        except bexc.ClientError as exc:
            if error_code(exc) != "NoSuchEntity":
                raise
            role = None
        if role is None:
            role = self.iam.create_role(
                RoleName=step.name, AssumeRolePolicyDocument=json.dumps(trust),
                Description=f"pyawssfn deployment {self.plan.name}", Tags=[{"Key": OWNER_TAG,
                                                                            "Value": self.plan.name}])["Role"]
            step.made = True
            self.iam.put_role_policy(RoleName=step.name, PolicyName=policy_name, PolicyDocument=json.dumps(policy))
            step.outcome = "created"
            self._fresh_roles.add(role["Arn"])
            return role["Arn"]
        changed = False
        if _doc(role.get("AssumeRolePolicyDocument")) != _norm(trust):
            self.iam.update_assume_role_policy(RoleName=step.name, PolicyDocument=json.dumps(trust))
            changed = True
        try:
            current = self.iam.get_role_policy(RoleName=step.name, PolicyName=policy_name)["PolicyDocument"]
        except bexc.ClientError as exc:
            if error_code(exc) != "NoSuchEntity":
                raise
            current = None
        if current is None or _doc(current) != _norm(policy):
            self.iam.put_role_policy(RoleName=step.name, PolicyName=policy_name, PolicyDocument=json.dumps(policy))
            changed = True
        # Someone else's inline policy on our role is theirs to remove: reported, deleted only with --revert-drift.
        names = self.iam.list_role_policies(RoleName=step.name).get("PolicyNames", [])
        for other in drift.foreign_policies(names, policy_name):
            if self.plan.revert_drift:
                self.iam.delete_role_policy(RoleName=step.name, PolicyName=other)
                changed = True
            else:
                step.drift.append(f"inline policy {other!r} was not put there by pyawssfn: left as it is (it may "
                                  "widen the role's permissions; --revert-drift removes it)")
        step.outcome = "updated" if changed else "unchanged"
        if changed:
            self._fresh_roles.add(role["Arn"])
        return role["Arn"]

    def _retry_propagation(self, call: Callable[[], Any], role_arn: str) -> Any:
        """Call, retrying while a just-made role is not yet usable (IAM propagation), only for our fresh roles."""
        for delay in (*PROPAGATION_DELAYS, None):
            try:
                return call()
            except bexc.ClientError as exc:
                msg = exc.response.get("Error", {}).get("Message", "")
                fresh = role_arn in self._fresh_roles
                if delay is None or not fresh or not re.search(
                        r"cannot be assumed|not authorized to assume|not authorized to access the Log Destination",
                        msg):
                    raise
                self.sleep(delay)

    # --- log groups ----------------------------------------------------------------------------------------

    def _ensure_log_group(self, step: Step) -> None:
        groups = self.logs.describe_log_groups(logGroupNamePrefix=step.name).get("logGroups", [])
        group = next((g for g in groups if g["logGroupName"] == step.name), None)
        if group is None:
            self.logs.create_log_group(logGroupName=step.name, tags={OWNER_TAG: self.plan.name})
            step.outcome = "created"
            arn = f"arn:{self.aws.partition}:logs:{self.aws.region}:{self.account}:log-group:{step.name}:*"
        else:
            step.outcome = "unchanged"
            arn = group["arn"] if group["arn"].endswith(":*") else group["arn"] + ":*"
        self._log_arns[step.workflow or ""] = arn

    def _logging(self, workflow: str) -> dict[str, Any]:
        if self.plan.log_level == "OFF":
            return {"level": "OFF", "includeExecutionData": False}
        return {"level": self.plan.log_level, "includeExecutionData": False,
                "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": self._log_arns[workflow]}}]}

    # --- the function --------------------------------------------------------------------------------------

    def _function_config(self) -> dict[str, Any]:
        try:
            settings = self.plan.function.resolved(m.definition for m in self.plan.machines)
        except OptionError as exc:
            raise ShipError(str(exc)) from None
        return {"Role": self._lambda_role_arn(), "Handler": HANDLER, "Runtime": self.plan.runtime,
                "Timeout": settings["Timeout"], "MemorySize": settings["MemorySize"],
                "Environment": settings["Environment"], "Layers": settings["Layers"]}

    def _explicit(self) -> set[str]:
        f = self.plan.function
        return {key for key, value in (("MemorySize", f.memory), ("Timeout", f.timeout),
                                       ("Environment", f.environment)) if value is not None}

    def _lambda_role_arn(self) -> str:
        return self.plan.lambda_role_arn or self.lambda_role

    def _ensure_function(self, step: Step) -> None:
        zip_sha = base64.b64encode(hashlib.sha256(self.plan.zip_bytes).digest()).decode()
        config = self._function_config()
        try:
            got = self.lam.get_function(FunctionName=step.name)
            current, tags = got["Configuration"], got.get("Tags") or {}
        except bexc.ClientError as exc:
            if error_code(exc) != "ResourceNotFoundException":
                raise
            current, tags = None, {}
        if current is None:
            record = drift.encode_record(config)
            create = {**config, "Environment": {"Variables": config["Environment"]}}
            fn = self._retry_propagation(lambda: self.lam.create_function(
                FunctionName=step.name, Code={"ZipFile": self.plan.zip_bytes}, Architectures=[self.plan.arch],
                Description=f"pyawssfn steps of {self.root}",
                Tags={OWNER_TAG: self.plan.name, drift.SETTINGS_TAG: record}, **create), config["Role"])
            self.result.function_arn = fn["FunctionArn"]
            step.outcome, step.detail = "created", fn["FunctionArn"]
            self._wait_function(step.name, "function_active_v2")
            return
        self.result.function_arn = _unqualified(current["FunctionArn"])
        changes = []
        if current.get("CodeSha256") != zip_sha or current.get("Architectures", ["x86_64"]) != [self.plan.arch]:
            self.lam.update_function_code(FunctionName=step.name, ZipFile=self.plan.zip_bytes,
                                          Architectures=[self.plan.arch])
            self._wait_function(step.name, "function_updated_v2")
            changes.append("code")
        plan = drift.function_changes(current, tags, config, self._explicit(), self.plan.revert_drift)
        step.drift += plan.drift
        diff = plan.update
        if diff:
            self._retry_propagation(lambda: self.lam.update_function_configuration(FunctionName=step.name, **diff),
                                    config["Role"])
            self._wait_function(step.name, "function_updated_v2")
            changes.append("configuration (" + ", ".join(sorted(diff)) + ")")
        record = drift.encode_record(plan.record)
        if tags.get(drift.SETTINGS_TAG) != record:
            self.lam.tag_resource(Resource=self.result.function_arn, Tags={drift.SETTINGS_TAG: record})
        step.outcome = "updated" if changes else "unchanged"
        step.detail = " and ".join(changes) if changes else ""

    def _wait_function(self, name: str, waiter: str) -> None:
        # Lambda refuses a second update while one is in progress; wait until the function is ready.
        self.lam.get_waiter(waiter).wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 300})

    # --- state machines ------------------------------------------------------------------------------------

    def _sm_arn(self, name: str) -> str:
        return f"arn:{self.aws.partition}:states:{self.aws.region}:{self.account}:stateMachine:{name}"

    def _ensure_machine(self, step: Step) -> None:
        m = self._machine(step.workflow)
        role_arn = self.plan.role_arn or self._role_arns[m.workflow]
        values = {"FunctionArn": self.result.function_arn or ""}
        for child in self.plan.machines:
            values[f"StateMachineArn_{child.workflow}"] = self._sm_arn(
                machine_name(self.plan.name, child.workflow, self.root))
        definition = _substitute(m.definition, values)
        arn = self._sm_arn(step.name)
        try:
            current = self.sfn.describe_state_machine(stateMachineArn=arn)
        except bexc.ClientError as exc:
            if error_code(exc) not in ("StateMachineDoesNotExist", "ResourceNotFound"):
                raise
            current = None
        tracing = {"enabled": self.plan.tracing}
        logging = self._logging(m.workflow)
        if current is None:
            out = self._retry_propagation(lambda: self.sfn.create_state_machine(
                name=step.name, definition=json.dumps(definition), roleArn=role_arn, type=self.plan.machine_type,
                loggingConfiguration=logging, tracingConfiguration=tracing,
                tags=[{"key": OWNER_TAG, "value": self.plan.name}]), role_arn)
            step.outcome, step.detail = "created", out["stateMachineArn"]
        else:
            if current.get("type", "STANDARD") != self.plan.machine_type:
                raise DeployRefused(f"state machine {step.name} is {current.get('type')}: a machine's type cannot "
                                    f"change to {self.plan.machine_type}; delete it or deploy under another --name")
            changes = []
            if _json_or_none(current.get("definition")) != definition:
                changes.append("definition")
            if current.get("roleArn") != role_arn:
                changes.append("role")
            if bool((current.get("tracingConfiguration") or {}).get("enabled")) != self.plan.tracing:
                changes.append("tracing")
            if _logging_norm(current.get("loggingConfiguration")) != _logging_norm(logging):
                changes.append("logging")
            if changes:
                self._retry_propagation(lambda: self.sfn.update_state_machine(
                    stateMachineArn=arn, definition=json.dumps(definition), roleArn=role_arn,
                    loggingConfiguration=logging, tracingConfiguration=tracing), role_arn)
                step.outcome, step.detail = "updated", " and ".join(changes)
            else:
                step.outcome = "unchanged"
        if m.workflow == self.root:
            self.result.state_machine_arn = arn


_ABSENT = object()


def _group_arn(arn: str) -> str:
    """Tagging APIs name a log group without the ``:*`` that DescribeLogGroups appends."""
    return arn[:-2] if arn.endswith(":*") else arn


def _logging_norm(cfg: Any) -> Any:
    cfg = cfg or {"level": "OFF"}
    return (cfg.get("level", "OFF"), bool(cfg.get("includeExecutionData")),
            [_group_arn(d.get("cloudWatchLogsLogGroup", {}).get("logGroupArn", "")) for d in cfg.get("destinations")
             or []] if cfg.get("level", "OFF") != "OFF" else [])


def _unqualified(arn: str) -> str:
    parts = arn.split(":")
    return ":".join(parts[:7])


def _json_or_none(text: Any) -> Any:
    try:
        return json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return None


def _doc(value: Any) -> Any:
    """IAM returns policy documents parsed, or URL-encoded JSON text on some paths: normalise both."""
    if isinstance(value, str):
        from urllib.parse import unquote
        value = _json_or_none(unquote(value))
    return _norm(value)


def _norm(doc: Any) -> Any:
    """Policy documents compared as IAM means them: single strings equal one-item lists, order of lists ignored."""
    if isinstance(doc, dict):
        return {k: _norm(v) for k, v in doc.items()}
    if isinstance(doc, list):
        items = [_norm(v) for v in doc]
        return items[0] if len(items) == 1 else sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return doc


def deploy(aws: Aws, plan: DeployPlan, *, sleep: Callable[[float], None] = time.sleep) -> DeployResult:
    return Deployer(aws, plan, sleep=sleep).run()
