"""What a Task sends its step for ``sfn.context()``: the workflow's, the execution's and the state's names and the
state's retry count, read by the dispatcher (``pyawssfn._dispatch``).

Only a workflow whose module mentions ``sfn.context`` sends them: a machine whose steps never read them does not
grow. ``pyawssfn.pyrun`` asks ``mentions_context`` too, so that both runs give a step the same answer.
"""
from __future__ import annotations

import ast

from pyawssfn.compiler.astwalk import walk
from pyawssfn.compiler.ir import Template
from pyawssfn.jsonata.tree import Object, Str, path

# The context object's fields, as the dispatcher's StepContext names them. An object constructor drops a key whose
# value is undefined (State.RetryCount is absent where a state cannot retry), so the step reads None for it.
_FIELDS = (("execution", path("states", "context", "Execution", "Name")),
           ("state", path("states", "context", "State", "Name")),
           ("retry_count", path("states", "context", "State", "RetryCount")))


def mentions_context(tree: ast.Module) -> bool:
    """Whether the module refers to ``sfn.context`` (``import pyawssfn as sfn`` ... ``sfn.context``) or imports
    ``context`` from ``pyawssfn``. One walk: the names ``.context`` is read from, kept until the imports say
    which of them name pyawssfn."""
    modules = set()
    owners = set()
    for node in walk(tree):
        if isinstance(node, ast.Attribute):
            if node.attr == "context" and isinstance(node.value, ast.Name):
                owners.add(node.value.id)
        elif isinstance(node, ast.Import):
            modules |= {alias.asname or alias.name for alias in node.names if alias.name == "pyawssfn"}
        elif isinstance(node, ast.ImportFrom) and node.module == "pyawssfn" and node.level == 0:
            if any(alias.name in ("context", "*") for alias in node.names):
                return True
    return not modules.isdisjoint(owners)


def source_mentions_context(source: str) -> bool:
    try:
        return mentions_context(ast.parse(source))
    except (SyntaxError, ValueError):
        return False


def payload_context(workflow: str) -> Template:
    """The Payload's ``context`` field of a Task calling a step of ``workflow`` (a JSONata template)."""
    return Template(Object(((Str("workflow"), Str(workflow)), *((Str(key), p) for key, p in _FIELDS))))


def context_field(info, workflow: str) -> dict[str, Template]:
    """The lowerer's hook: ``{"context": ...}`` for the Payload of a Task calling a step of ``workflow`` when the
    module (``info``, the frontend's ModuleInfo) mentions ``sfn.context``, else nothing."""
    mentions = info.__dict__.get("_mentions_context")
    if mentions is None:
        # a module whose text never says "context" cannot read sfn.context: no walk of a long workflow for it (a
        # non-ASCII text is walked: Python reads an identifier NFKC-normalised, `sfn.ｃontext` is sfn.context)
        mentions = info.__dict__["_mentions_context"] = (
            ("context" in info.source or not info.source.isascii()) and mentions_context(info.tree))
    return {"context": payload_context(workflow)} if mentions else {}
