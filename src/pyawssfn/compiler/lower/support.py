"""What the lowering modules share: the options and state of one compile, the error-object shapes, small AST and
JSONata helpers."""
from __future__ import annotations

import ast
import weakref
from dataclasses import dataclass, field
from typing import Any

from pyawssfn.compiler.astwalk import block_fields, copy_tree, walk
from pyawssfn.compiler.diagnostics import Reporter
from pyawssfn.compiler.frontend import ModuleInfo
from pyawssfn.compiler.ir import (  # field_templates, paren: re-exported for the lowerer
    Map, Node, Parallel, Pass, Task, Template, Wait, can_fail, field_templates, paren, substitute_variables,
)
from pyawssfn.compiler.naming import VariableNames
from pyawssfn.compiler.expressions.build import T
from pyawssfn.jsonata.tree import Dot, Expr, Name, Var

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
LAMBDA_CALLBACK = "arn:aws:states:::lambda:invoke.waitForTaskToken"
START_EXECUTION = "arn:aws:states:::states:startExecution.sync:2"
# Python's str(e) for an error caught from a Lambda step: the errorMessage inside the JSON cause.
_MESSAGE = ('($c := $0.Cause; $type($c) = "string" and $substring($c, 0, 1) = "{" '
            'and $contains($c, "\\"errorMessage\\"") ? ($p := $parse($c); $type($p.errorMessage) = "string" '
            '? $p.errorMessage : $c) : ($exists($c) ? $c : ""))')
CHANGING = object()
TASK_LIKE = (Task, Parallel, Map, Pass, Wait)   # the kinds that end a machine with an Output of their own
MUTATORS = ("append", "extend", "update", "insert", "pop", "remove", "clear", "sort", "reverse", "setdefault",
            "popitem", "add", "discard")


# What ``except E as e`` (a finally's error, a re-dispatched one) binds: the error output as the Catch hands it over,
# {"Error": name, "Cause": text}. Its message (str(e), e.cause) is decoded where it is read (hoisting.message_of_caught):
# a Lambda error's Cause is the runtime's error JSON, whose errorMessage is str(e).
CAUGHT: Expr = Dot(Var("states"), Name("errorOutput"))  # $states.errorOutput


def error_object(src: Expr) -> Expr:
    return T('{"Error": $0.Error, "Cause": $1}', src, T(_MESSAGE, src))


def message_of(src: Expr, from_lambda: bool = False) -> Expr:
    """str(e) of the caught error object `src`; `from_lambda`: only a Lambda step can have raised it (its Cause is
    the runtime's error JSON, whose errorMessage is str(e): try_statements.lambda_only)."""
    if from_lambda:
        return T("$parse($0.Cause).errorMessage", src)
    return T(_MESSAGE, src)


def weak(builder: Any) -> Any:
    """The builder as a render callable stored on it (builder.syn) may hold it: a weak proxy, so that the callable
    makes no reference cycle with the builder (the cyclic GC would have to free the lowering's whole state)."""
    return builder if type(builder) is weakref.ProxyType else weakref.proxy(builder)


class Abort(Exception):
    """The current statement cannot be lowered (already reported)."""


@dataclass
class Options:
    function_arn: str | None = None
    transient_retry: bool = True


@dataclass
class Shared:
    """State shared by the lowerers of one compile (the workflow and its branches)."""
    info: ModuleInfo
    reporter: Reporter
    names: VariableNames
    options: Options
    workflow: str
    steps: set[str] = field(default_factory=set)
    children: set[str] = field(default_factory=set)
    sdk_actions: set[str] = field(default_factory=set)
    # ModuleInfo.exception_family's answers (it walks every exception class of the module and the builtins)
    families: dict[str, list[str]] = field(default_factory=dict)


def assigned_names(stmt: ast.stmt) -> list[str]:
    """Names a statement binds in the function's own scope (not inside nested functions or comprehensions)."""
    out: list[str] = []
    _assigned_walk(stmt, out)
    return out


# (module-level functions, not closures: a recursive closure is a reference cycle the cyclic GC has to free)
def _assigned_targets(t: ast.AST, out: list[str]) -> None:
    if isinstance(t, ast.Name):
        out.append(t.id)
    elif isinstance(t, (ast.Tuple, ast.List)):
        for e in t.elts:
            _assigned_targets(e, out)
    elif isinstance(t, ast.Starred):
        _assigned_targets(t.value, out)


def _assigned_walk(node: ast.AST, out: list[str]) -> None:
    if isinstance(node, (ast.Assign,)):
        for t in node.targets:
            _assigned_targets(t, out)
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        _assigned_targets(node.target, out)
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        _assigned_targets(node.target, out)
    elif isinstance(node, ast.ExceptHandler) and node.name:
        out.append(node.name)
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return
    # only the blocks (statements, except clauses, match cases) hold what binds here, in ast.iter_child_nodes'
    # order: the other parts are expressions (a walrus, `with ... as x` and patterns were never counted)
    for name in block_fields(type(node)):
        for child in getattr(node, name, ()):
            _assigned_walk(child, out)


def call_arg(call: ast.Call, i: int, name: str) -> ast.expr | None:
    if len(call.args) > i:
        return call.args[i]
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def class_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def result_hint(call: ast.Call) -> str:
    f = call.func
    if isinstance(f, ast.Name):
        return f.id + "_result"
    if isinstance(f, ast.Attribute):
        return f.attr + "_result"
    return "result"


def as_load(t: ast.expr) -> ast.expr:
    """The target `t` as an expression that reads it: `t` itself when all of it is a read already (the object of
    `xs.append(v)`, the container of `d[k] = v`; nothing changes a tree it translates), else a copy of it read."""
    if type(t) is ast.Name and type(t.ctx) is ast.Load:
        return t  # (the walk below, in short: a name and its context)
    if all(type(getattr(n, "ctx", _LOAD)) is ast.Load for n in walk(t)):
        return t
    t = copy_tree(t)
    for n in walk(t):
        if hasattr(n, "ctx"):
            n.ctx = ast.Load()
    return t


_LOAD = ast.Load()


def before_assign(output: Expr, assign: dict[str, Expr]) -> Expr:
    """A state's Output sees the variables as they were before its own Assign: read what the Assign gives them."""
    return substitute_variables(output, assign)


def risky_values(env: dict[str, Expr]) -> dict[str, Expr]:
    """The pending assignments whose expression can raise a Python error (they must be evaluated)."""
    return {k: v for k, v in env.items() if can_fail(v)}


def has_template(v: Any) -> bool:
    """A field value holds a Template, or a literal string that would read as one (then it must be given as an
    expression of a string, not as the string)."""
    if type(v) is Template:
        return True
    if isinstance(v, str):
        return "{%" in v or "${" in v  # (a placeholder the deployment would substitute: F74)
    if isinstance(v, list):
        return any(has_template(x) for x in v)
    if isinstance(v, dict):
        return any(has_template(x) or "{%" in k or "${" in k for k, x in v.items())
    return False


# a variable's read, one tree per name (a tree is immutable and compared by value: every read of $x may be the same
# node, which is built, hashed and looked up once instead of at every read)
_VARS: dict[str, Var] = {}


def var_read(name: str) -> Var:
    v = _VARS.get(name)
    if v is None:
        if len(_VARS) >= 100_000:
            _VARS.clear()
        v = _VARS[name] = Var(name)
    return v
