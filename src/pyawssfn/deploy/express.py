"""Express workflows: the type a workflow declares, and what an Express machine may not contain.

AWS refuses, for an Express machine, the Run a Job (``.sync``) and Wait for Callback (``.waitForTaskToken``)
integration patterns and activities; an execution lasts at most five minutes. ``template``, ``deploy``, the CDK
construct and the local executor all check through ``express_problems`` so that they refuse the same things with the
same words.
"""
from __future__ import annotations

import ast
import re
from typing import Any, Iterator

from pyawssfn.deploy.choices import MACHINE_TYPES  # noqa: E402
EXPRESS_MAX_SECONDS = 5 * 60
_PATTERN = re.compile(r"(\.sync(?::2)?|\.waitForTaskToken)$")
_ACTIVITY = re.compile(r"^arn:[^:]+:states:[^:]*:\d{12}:activity:")


def _states(definition: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    for name, state in (definition.get("States") or {}).items():
        if not isinstance(state, dict):
            continue
        where = f"{path}{name}"
        yield where, state
        for i, branch in enumerate(state.get("Branches") or []):
            if isinstance(branch, dict):
                yield from _states(branch, f"{where} > branch {i + 1} > ")
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(key), dict):
                yield from _states(state[key], f"{where} > ")


def express_problems(definition: dict[str, Any]) -> list[str]:
    """Why ``definition`` cannot run as an Express machine (empty when it can), one message per state."""
    problems = []
    for where, state in _states(definition):
        resource = state.get("Resource")
        if state.get("Type") != "Task" or not isinstance(resource, str):
            continue
        if m := _PATTERN.search(resource):
            kind = "Wait for Callback" if m.group(1) == ".waitForTaskToken" else "Run a Job"
            problems.append(f"state {where!r} uses {resource} ({kind}, {m.group(1)}), which Express workflows do not "
                            f"support: make the workflow STANDARD, or call the service without waiting")
        elif _ACTIVITY.match(resource):
            problems.append(f"state {where!r} runs an activity, which Express workflows do not support: make the "
                            f"workflow STANDARD")
    return problems


def check_express(definition: dict[str, Any], workflow: str) -> None:
    """Raise ShipError naming every state an Express machine may not have."""
    problems = express_problems(definition)
    if problems:
        from pyawssfn.deploy.source import ShipError
        raise ShipError(f"workflow {workflow!r} cannot be an EXPRESS state machine: " + "; ".join(problems))


def declared_type(path: str, workflow: str) -> str:
    """The type ``@sfn.workflow(type=...)`` gives ``workflow`` in the module at ``path`` ("STANDARD" by default).
    Read from the source (a literal keyword), as the compiler reads the module: nothing is imported."""
    try:
        with open(path, "rb") as fh:
            tree = ast.parse(fh.read(), filename=path)
    except (OSError, SyntaxError, ValueError):
        return "STANDARD"  # the compiler has reported (or will report) the file's problems
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for deco in node.decorator_list:
            if not isinstance(deco, ast.Call) or _name(deco.func) not in ("workflow", "main"):
                continue
            kw = {k.arg: k.value for k in deco.keywords if k.arg}
            name = kw["name"].value if isinstance(kw.get("name"), ast.Constant) else node.name
            if name != workflow or "type" not in kw:
                continue
            value = kw["type"].value if isinstance(kw["type"], ast.Constant) else None
            if value not in MACHINE_TYPES:
                from pyawssfn.deploy.source import ShipError
                raise ShipError(f"{path}:{kw['type'].lineno}:{kw['type'].col_offset + 1}: @sfn.workflow(type=...) "
                                f"must be \"STANDARD\" or \"EXPRESS\" written as a literal")
            return value
    return "STANDARD"


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""
