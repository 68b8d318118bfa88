"""``Workflow``: compile a pyawssfn module at synth time and ship it as CDK resources.

The same resources as ``pyawssfn template`` (docs/deploying.md): one Lambda function serving every step (its code is
our deterministic zip, so an unchanged module gives the same asset hash and no redeploy), one state machine per
workflow (children first) with its definition and ``DefinitionSubstitutions``, a log group each, and one role per
machine whose only policy is the one ``deploy.iam.derive_policy`` reads off the definition. The role is handed to
the StateMachine construct as ``without_policy_updates()``: CDK would otherwise add its own (wider) logging and
X-Ray statements, and the machine's permissions would no longer be exactly the derived ones.
"""
from __future__ import annotations

import json
import os
import pathlib
import re
import tempfile
from typing import Any, Mapping, Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from pyawssfn.deploy.express import check_express, declared_type
from pyawssfn.deploy.iam import derive_policy
from pyawssfn.deploy.options import FunctionOptions, OptionError
from pyawssfn.deploy.source import DEFAULT_RUNTIME, HANDLER, OWNER_TAG, Machine, ShipError, load_machines, logical_id

_ARCHES = {"x86_64": lambda_.Architecture.X86_64, "arm64": lambda_.Architecture.ARM_64}
_TYPES = {"STANDARD": sfn.StateMachineType.STANDARD, "EXPRESS": sfn.StateMachineType.EXPRESS}
_LEVELS = {"ALL": sfn.LogLevel.ALL, "ERROR": sfn.LogLevel.ERROR, "FATAL": sfn.LogLevel.FATAL}


class Workflow(Construct):
    """A pyawssfn workflow as CDK resources.

    ``source`` is the workflow module (a path, relative to the current directory as ``cdk synth`` runs the app);
    ``workflow`` names the ``@sfn.workflow`` function when the module has several. Child workflows the machine starts
    get machines of their own. Attributes: ``function`` (the ``lambda_.Function``), ``state_machine`` and ``role``
    (the workflow's machine and its role), ``state_machines`` and ``roles`` (by workflow name, children included).
    """

    def __init__(self, scope: Construct, id: str, *, source: str | os.PathLike, workflow: str | None = None,
                 runtime: str = DEFAULT_RUNTIME, architecture: str = "x86_64", memory_size: int | None = None,
                 timeout: cdk.Duration | int | None = None, environment: Mapping[str, str] | None = None,
                 layers: Sequence[lambda_.ILayerVersion | str] = (), requirements: str | os.PathLike | None = None,
                 log_level: str = "ERROR", log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
                 tracing: bool = False, type: str | None = None) -> None:  # noqa: A002 - the ASL word
        super().__init__(scope, id)
        _check_choice("architecture", architecture, _ARCHES)
        _check_choice("log_level", log_level, [*_LEVELS, "OFF"])
        machines = load_machines(str(source), workflow)
        self.workflow_name = machines[-1].workflow
        type = type or declared_type(str(source), self.workflow_name)
        _check_choice("type", type, _TYPES)
        if type == "EXPRESS":
            for m in machines:
                check_express(m.definition, m.workflow)
        self._tracing, self._log_level, self._retention, self._type = tracing, log_level, log_retention, type
        zip_path = _package(pathlib.Path(source), machines, requirements, runtime, architecture)
        if isinstance(timeout, cdk.Duration):
            timeout = int(timeout.to_seconds())
        try:  # the settings `template` and `deploy` give the function (the timeout outlives the longest step)
            settings = FunctionOptions(memory=memory_size, timeout=timeout, architecture=architecture,
                                       environment=dict(environment or {})).resolved(m.definition for m in machines)
        except OptionError as exc:
            raise ShipError(f"Workflow: {exc}") from None
        self.function = self._function(zip_path, runtime, settings, layers)
        self.state_machines: dict[str, sfn.StateMachine] = {}
        self.roles: dict[str, iam.Role] = {}
        for m in machines:
            self._machine(m)
        self.state_machine = self.state_machines[self.workflow_name]
        self.role = self.roles[self.workflow_name]
        cdk.Tags.of(self).add(OWNER_TAG, self.workflow_name)

    # --- the function ----------------------------------------------------------------------------------------

    def _function(self, zip_path: pathlib.Path, runtime: str, settings: dict[str, Any],
                  layers: Sequence[lambda_.ILayerVersion | str]) -> lambda_.Function:
        log_group = logs.LogGroup(self, "FunctionLogGroup", retention=self._retention)
        role = iam.Role(self, "FunctionRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                        inline_policies={"write-own-logs": iam.PolicyDocument(statements=[iam.PolicyStatement(
                            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                            resources=[log_group.log_group_arn])])})
        return lambda_.Function(
            self, "Function", runtime=lambda_.Runtime(runtime, lambda_.RuntimeFamily.PYTHON), handler=HANDLER,
            code=lambda_.Code.from_asset(str(zip_path)), architecture=_ARCHES[settings["Architectures"][0]],
            memory_size=settings["MemorySize"], timeout=cdk.Duration.seconds(settings["Timeout"]),
            environment=settings["Environment"], layers=[self._layer(i, layer) for i, layer in enumerate(layers)],
            role=role, log_group=log_group, logging_format=lambda_.LoggingFormat.TEXT,
            tracing=lambda_.Tracing.ACTIVE if self._tracing else lambda_.Tracing.DISABLED)

    def _layer(self, i: int, layer: lambda_.ILayerVersion | str) -> lambda_.ILayerVersion:
        if isinstance(layer, str):
            return lambda_.LayerVersion.from_layer_version_arn(self, f"Layer{i}", layer)
        return layer

    # --- the machines ----------------------------------------------------------------------------------------

    def _machine(self, m: Machine) -> None:
        scope = Construct(self, "StateMachine" + ("" if m.workflow == self.workflow_name else logical_id(m.workflow)))
        logging = self._log_level != "OFF"
        policy = derive_policy(m.definition, logging=logging, tracing=self._tracing)
        name = None
        if policy.uses_self:  # a distributed Map starts executions of its own machine: the ARN must be known
            name = cdk.Fn.sub("${AWS::StackName}-" + m.workflow)  # the name `template` gives it
        log_group = None
        names: dict[str, Any] = {"FunctionArn": self.function.function_arn}
        if logging:
            log_group = logs.LogGroup(scope, "LogGroup", retention=self._retention, log_group_name=cdk.Fn.sub(
                "/aws/vendedlogs/states/${AWS::StackName}-" + cdk.Names.unique_id(scope)))
            names["LogGroupArn"] = log_group.log_group_arn
        if name is not None:
            names["SelfStateMachineName"] = name
        subs: dict[str, str] = {}
        if policy.uses_function or "${FunctionArn}" in json.dumps(m.definition):
            subs["FunctionArn"] = self.function.function_arn
        for child in sorted(policy.children | set(m.children)):
            if child not in self.state_machines:
                raise ShipError(f"workflow {m.workflow!r} starts {child!r}, which is not being shipped")
            names[f"StateMachineArn_{child}"] = subs[f"StateMachineArn_{child}"] = \
                self.state_machines[child].state_machine_arn
            names[f"StateMachineName_{child}"] = self.state_machines[child].state_machine_name
        role = iam.Role(scope, "Role", assumed_by=iam.ServicePrincipal(
            "states.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": cdk.Aws.ACCOUNT_ID}}),
            inline_policies={f"{m.workflow}-least-privilege": iam.PolicyDocument.from_json(
                render_document(policy.document(), names))})
        self.roles[m.workflow] = role
        self.state_machines[m.workflow] = sfn.StateMachine(
            scope, "Resource", definition_body=sfn.DefinitionBody.from_string(json.dumps(m.definition)),
            definition_substitutions=subs or None, role=role.without_policy_updates(), state_machine_name=name,
            state_machine_type=_TYPES[self._type], tracing_enabled=self._tracing,
            logs=sfn.LogOptions(destination=log_group, level=_LEVELS[self._log_level],
                                include_execution_data=False) if log_group is not None else None)


def render_document(document: dict[str, Any], names: Mapping[str, Any]) -> dict[str, Any]:
    """The derived policy with its ARN templates as CDK values: a whole placeholder is the token itself, anything
    else an ``Fn::Sub`` (``${AWS::...}`` pseudo parameters resolve there)."""
    def render(template: str) -> Any:
        used = [v for v in dict.fromkeys(re.findall(r"\$\{([A-Za-z0-9_:]+)\}", template)) if "::" not in v]
        if "${" not in template:
            return template
        if re.fullmatch(r"\$\{\w+\}", template):
            return names[template[2:-1]]
        return cdk.Fn.sub(template, {v: names[v] for v in used}) if used else cdk.Fn.sub(template)
    return {**document, "Statement": [{**st, "Resource": [render(r) for r in st["Resource"]]}
                                      for st in document["Statement"]]}


def _check_choice(option: str, value: str, choices) -> None:
    if value not in choices:
        raise ShipError(f"Workflow {option}={value!r}: use one of {', '.join(choices)}")


def _package(source: pathlib.Path, machines: list[Machine], requirements, runtime: str, arch: str) -> pathlib.Path:
    """The deterministic zip, written under the pyawssfn cache by content so that the asset is stable."""
    from pyawssfn.packaging import PackageError, build_package
    from pyawssfn.packaging.deps import cache_root

    steps = sorted({s for m in machines for s in m.steps})
    out_dir = cache_root() / "cdk"
    out_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".building-", suffix=".zip", dir=out_dir)
    os.close(fd)
    try:
        result = build_package(source, steps, tmp, force=True, requirements_file=requirements, runtime=runtime,
                               arch=arch)
    except PackageError as exc:
        os.unlink(tmp)
        raise ShipError(str(exc)) from None
    final = out_dir / f"{result.sha256}.zip"
    os.replace(tmp, final)
    return final
