"""A workflow's parameters and what their annotations promise, checked once when the execution starts.

`def wf(day: str, limit: int = 10)` promises that `day` is a str: the compiler trusts it (`"scores/" + day` needs no
`$type(...) = "string"` guard), so both runs check it when the workflow is called, in the same way: the plain-Python
run when it binds the execution input to the parameters (pyawssfn/_pyrun_outcome.py), the machine in the one check
its first state evaluates (compiler/lower/parameters.py). A value that breaks the promise fails both with
States.QueryEvaluationError, as a missing parameter does, before any step runs.

What is checked (and trusted) is a value's outer JSON kind, read from the annotation by the rules steps' return
annotations are read by (types/annotations.py): int (a number with no fractional part, not a bool, at most 2**53 in
size: what a JSON number holds exactly), str, bool, None,
list[...] (an array), dict[...] / a TypedDict / a dataclass of the module (an object), and Optional[T] (T or null).
The items of a list, the values and keys of a dict are neither checked nor trusted here. Any other annotation (float,
Any, a class from elsewhere, no annotation) is not checked: the parameter's type is unknown. A parameter with a
default is checked only when the input has it, and its annotation is trusted only when the default matches it. A
parameter the workflow only hands on to steps or returns (passed_through) is checked for presence alone: no
workflow expression computes with it, and a step gets what the input held, as in Python.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

from pyawssfn.compiler.astwalk import index
from pyawssfn.compiler.types.annotations import AnnotationReader
from pyawssfn.compiler.types.model import Maybe, Type

MAX_EXACT_INT = 2 ** 53
# a kind -> the JSON kind ($type() in JSONata) a value of it has; "integer" is a number with no fractional part
JSON_KINDS = {"int": "integer", "str": "string", "bool": "boolean", "list": "array", "dict": "object", "none": "null"}
_PYTHON_NAMES = {"integer": "int", "string": "str", "boolean": "bool", "array": "list", "object": "dict",
                 "null": "None"}


@dataclass(frozen=True)
class Parameter:
    name: str
    required: bool                 # no default: the input must have it
    kinds: tuple[str, ...] | None  # the JSON kinds the annotation allows (None: not checked)
    type: Type | Maybe | None      # what the compiler trusts of the parameter's value

    @property
    def checked(self) -> bool:
        return self.required or self.kinds is not None

    def describe(self) -> str:
        """`int`, `str or None`: the annotation as it is checked."""
        return " or ".join(_PYTHON_NAMES[k] for k in self.kinds or ())


def shallow(t: Type | Maybe | None) -> Type | Maybe | None:
    """Only the outer kind of a type (what the entry check checks)."""
    if isinstance(t, Maybe):
        return Maybe(Type(t.inner.kind))
    if isinstance(t, Type) and t.kind != "float":
        return Type(t.kind)
    return None


def kinds_of(t: Type | Maybe | None) -> tuple[str, ...] | None:
    if isinstance(t, Maybe):
        inner = kinds_of(t.inner)
        return None if inner is None else inner + ("null",)
    if isinstance(t, Type) and t.kind in JSON_KINDS:
        return (JSON_KINDS[t.kind],)
    return None


def json_kind(value) -> str:
    """The JSON kind of a Python value as JSONata's $type() names it ("integer" for a whole number)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):  # a whole number JSON holds exactly (as _step_types holds a step's int)
        whole = isinstance(value, int) or value.is_integer()
        return "integer" if whole and -MAX_EXACT_INT <= value <= MAX_EXACT_INT else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def parameters(fn: ast.FunctionDef, reader: AnnotationReader, tree: ast.Module) -> list[Parameter]:
    """The workflow's parameters in signature order (not *args/**kwargs, which a workflow cannot take)."""
    a = fn.args
    positional = a.posonlyargs + a.args
    # (which parameters are only passed through matters for an annotated one alone: a walk of the workflow's reads)
    through = passed_through(fn, module_functions(tree)) \
        if any(p.annotation is not None for p in positional + a.kwonlyargs) else set()
    defaults: dict[str, ast.expr] = dict(zip([p.arg for p in positional[len(positional) - len(a.defaults):]],
                                             a.defaults))
    defaults.update({p.arg: d for p, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None})
    out = []
    for p in positional + a.kwonlyargs:
        t = None if p.arg in through else shallow(reader.type_of(p.annotation))
        kinds = kinds_of(t)
        if p.arg in defaults and kinds is not None:
            d = defaults[p.arg]
            value = d.value if isinstance(d, ast.Constant) else ...
            if value is ... or json_kind(value) not in kinds:
                t, kinds = None, None  # `x: int = None`: the annotation does not hold of every value
        out.append(Parameter(p.arg, p.arg not in defaults, kinds, t))
    return out


def workflow_parameters(tree: ast.Module, name: str) -> list[Parameter] | None:
    """The parameters of the module-level function `name` of a parsed module, or None when there is none."""
    fn = next((st for st in tree.body if isinstance(st, ast.FunctionDef) and st.name == name), None)
    if fn is None:
        return None
    return parameters(fn, AnnotationReader(tree), tree)


_WORKFLOW_DECORATORS = frozenset(["workflow", "main"])


def module_functions(tree: ast.Module) -> frozenset[str]:
    """The module's own functions that are not workflows: what a workflow calls as a step (read from the source
    alone, so that both runs decide alike)."""
    def workflow(fn: ast.FunctionDef) -> bool:
        for d in fn.decorator_list:
            target = d.func if isinstance(d, ast.Call) else d
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
            if name in _WORKFLOW_DECORATORS:
                return True
        return False
    return frozenset(st.name for st in tree.body if isinstance(st, ast.FunctionDef) and not workflow(st))


def passed_through(fn: ast.FunctionDef, steps: frozenset[str]) -> set[str]:
    """The parameters the workflow only hands on as they are: every read of them is an argument of a step call or
    the returned value (or an item of a list or dict written there). Their annotations are neither trusted nor
    checked: no workflow expression computes with them, and a step gets what the input held, as in Python."""
    names = {p.arg for p in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    found = index(fn)  # the frontend's walk of the workflow (a 10k-statement workflow: 5% of its compile)
    reads = [node for node in found.of(ast.Name) if node.id in names]
    handed: set[int] = set()   # the reads that are an argument of a step call or a returned value (or an item)
    for node in found.of(ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id in steps \
                and not any(isinstance(a, ast.Starred) for a in node.args):
            for a in node.args:
                _hand_on(a, handed)
            for k in node.keywords:
                _hand_on(k.value, handed)
    for node in found.of(ast.Return):
        if node.value is not None:
            _hand_on(node.value, handed)
    computed = {node.id for node in reads if id(node) not in handed}
    return names - computed


def _hand_on(node: ast.AST, handed: set[int]) -> None:
    """Mark the names a value hands on as they are: the value itself, or an item of a list, tuple or dict (a dict's
    values, not its keys) written there."""
    if isinstance(node, ast.Name):
        if isinstance(node.ctx, ast.Load):
            handed.add(id(node))
    elif isinstance(node, (ast.List, ast.Tuple)):
        for e in node.elts:
            _hand_on(e, handed)
    elif isinstance(node, ast.Dict):
        for v in node.values:
            _hand_on(v, handed)


def mismatch(p: Parameter, value) -> str | None:
    """None when `value` is one the parameter's annotation allows, else the JSON kind it has."""
    if p.kinds is None:
        return None
    kind = json_kind(value)
    return None if kind in p.kinds else kind
