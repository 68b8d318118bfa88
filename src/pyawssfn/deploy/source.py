"""What gets shipped: a workflow's machine and, recursively, the child workflows it starts."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Tag carried by every resource pyawssfn creates; its value is the deployment name. A resource with the expected name
# but without this tag is someone else's and is never touched.
OWNER_TAG = "pyawssfn:workflow"
HANDLER = "pyawssfn_handler.handler"
from pyawssfn.deploy.choices import DEFAULT_RUNTIME  # noqa: E402,F401
# The Lambda settings used by both the templates and `deploy`, so that the two ship the same function.
FUNCTION_TIMEOUT = 60
FUNCTION_MEMORY = 256


from pyawssfn.deploy.choices import ShipError  # noqa: E402,F401  (raised and caught under this name too)


@dataclass
class Machine:
    workflow: str
    definition: dict[str, Any]
    children: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)


_CHILD = re.compile(r"\$\{StateMachineArn_(\w+)\}")


def children_of(definition: dict[str, Any]) -> list[str]:
    """Child workflows named by ``${StateMachineArn_<w>}`` placeholders anywhere in the definition."""
    import json
    return sorted(set(_CHILD.findall(json.dumps(definition))))


def order_machines(machines: dict[str, Machine], root: str) -> list[Machine]:
    """Children before parents (the order to create them in); refuses recursion, which no ARN order can satisfy."""
    out: list[Machine] = []
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "active":
            raise ShipError("workflows start each other in a cycle (" + " -> ".join(path + [name])
                            + "): such machines cannot be given each other's ARNs")
        if name not in machines:
            raise ShipError(f"workflow {path[-1]!r} starts {name!r}, which is not a workflow of this file")
        state[name] = "active"
        for child in machines[name].children:
            visit(child, path + [name])
        state[name] = "done"
        out.append(machines[name])

    visit(root, [])
    return out


def load_machines(path: str, workflow: str | None = None) -> list[Machine]:
    """Compile ``workflow`` (or the file's only one) and every child workflow; children first, root last."""
    from pyawssfn.commands.inputs import bounded_recursion, read_source

    if path == "-":
        raise ShipError("the workflow module must be a file (its steps are packaged from it), not standard input")
    read_source(path)  # a directory, unreadable, oversized or undecodable source: its own message (UsageError)
    try:
        from pyawssfn.compiler import CompileError, compile_file
    except ImportError as exc:  # pragma: no cover - only while the compiler is not installed
        raise ShipError(f"the compiler is not available: {exc}") from exc
    machines: dict[str, Machine] = {}
    pending = [workflow]
    root = None
    while pending:
        name = pending.pop()
        try:
            with bounded_recursion(path):
                res = compile_file(path, workflow=name)
        except CompileError as exc:
            raise ShipError("\n".join(str(d) for d in exc.diagnostics) or str(exc)) from exc
        if root is None:
            root = res.workflow
        if res.workflow in machines:
            continue
        kids = sorted(set(getattr(res, "children", []) or []) | set(children_of(res.definition)))
        machines[res.workflow] = Machine(res.workflow, res.definition, kids, list(res.steps))
        pending.extend(k for k in kids if k not in machines)
    assert root is not None
    return order_machines(machines, root)


def logical_id(name: str) -> str:
    """A CloudFormation logical id fragment from a Python name: ``make_report`` -> ``MakeReport``."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)
