"""What the hoister (hoisting.py) will do in an expression, found in one walk of it before it runs: which parts hold
a call that needs states, and which hold anything the hoister rewrites or refuses. A part that holds neither is left
as it is without being visited, and an expression that holds neither is not copied at all (most expressions of a
workflow: every visit and copy of them was a fifth of the lowering of a 10,000-statement workflow)."""
from __future__ import annotations

import ast
import builtins
import difflib
from typing import TYPE_CHECKING

from pyawssfn.compiler.astwalk import _value_fields, _value_fields_of, node_classes
from pyawssfn.compiler.frontend import PREDICATES

if TYPE_CHECKING:
    from pyawssfn.compiler.lower.builder import FunctionLowerer

_BAD_CALLS = {"print", "open", "input", "exec", "eval", "compile", "breakpoint", "exit", "quit", "__import__",
              "globals", "locals", "vars", "setattr", "delattr", "getattr", "id", "hash", "iter", "next", "help",
              "memoryview", "object", "super", "type"}
# nodes the hoister always acts on: a comprehension (a Map, or a conditional context) and a lambda (refused, or
# checked as a sort key)
_REWRITTEN = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda)


# nodes without parts the hoister acts on (nor any part of their own but these): a name, a constant, an operator
_LEAVES = node_classes(ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop) | {ast.Name, ast.Constant}


class Facts:
    """Of one expression tree (by node identity, each id kept with its node so that a reused id cannot answer):
    `hoists`, the parts holding a call that needs states (a step's, a child workflow's, an author-API call);
    `acts`, the parts holding anything the hoister acts on (those calls, a predicate, a caught exception's
    str()/.error/.cause/type().__name__/f-string field, a comprehension, a lambda, a call it refuses)."""

    __slots__ = ("hoists", "acts")

    def __init__(self, builder: FunctionLowerer, root: ast.AST) -> None:
        self.hoists: dict[int, ast.AST] = {}
        self.acts: dict[int, ast.AST] = {}
        self._visit(builder, root)

    def holds_call(self, node: ast.AST) -> bool:
        return self.hoists.get(id(node)) is node

    def acted_on(self, node: ast.AST) -> bool:
        return self.acts.get(id(node)) is node

    def _visit(self, builder: FunctionLowerer, node: ast.AST) -> tuple[bool, bool]:
        hoists = acts = False
        fields = _value_fields.get(type(node))
        # (value_children's walk of the fields, in place: no list built per node)
        for name in _value_fields_of(type(node)) if fields is None else fields:
            value = getattr(node, name, None)
            for child in value if type(value) is list else (value,):
                if type(child) in _LEAVES or not isinstance(child, ast.AST):
                    continue
                h, a = self._visit(builder, child)
                hoists = hoists or h
                acts = acts or a
        cls = type(node)
        if not hoists and cls is ast.Call and builder.classify(node):  # type: ignore[arg-type]
            hoists = True
        if hoists:
            self.hoists[id(node)] = node
            acts = True
        elif not acts and cls in _MAY_ACT:
            acts = _acts_on(builder, node)
        if acts:
            self.acts[id(node)] = node
        return hoists, acts


# the node classes _acts_on may answer True for (any other: False, without the call)
_MAY_ACT = frozenset([ast.Call, ast.Attribute, ast.FormattedValue, *_REWRITTEN])


def own_copy(node: ast.AST) -> ast.AST:
    """A shallow copy of a node (its attributes and the compiler's marks; lists of parts copied, the parts shared)
    that the hoister may change without changing the source's node."""
    new = node.__class__.__new__(node.__class__)
    fields = new.__dict__
    for k, v in node.__dict__.items():
        fields[k] = v[:] if type(v) is list else v
    return new


def _acts_on(builder: FunctionLowerer, node: ast.AST) -> bool:
    """Whether the hoister rewrites or refuses this node itself (a call that needs states aside)."""
    t = type(node)
    if t is ast.Call:
        f = node.func  # type: ignore[attr-defined]
        if builder.info.api(f) in PREDICATES:
            return True
        if type(f) is ast.Name and f.id == "str" and len(node.args) == 1 and type(node.args[0]) is ast.Name \
                and node.args[0].id in builder.exc_vars:  # type: ignore[attr-defined]
            return True
        return refusal(builder, node) is not None  # type: ignore[arg-type]
    if t is ast.Attribute:
        v = node.value  # type: ignore[attr-defined]
        return (type(v) is ast.Name and v.id in builder.exc_vars) or node.attr == "__name__"  # type: ignore
    if t is ast.FormattedValue:
        v = node.value  # type: ignore[attr-defined]
        return type(v) is ast.Name and v.id in builder.exc_vars
    return isinstance(node, _REWRITTEN)


def refusal(builder: FunctionLowerer, node: ast.Call) -> tuple[ast.AST, str, str] | None:
    """A call that cannot run in a workflow: (where, what, instead) to report; None for any other call."""
    f = node.func
    info = builder.info
    if isinstance(f, ast.Name) and f.id not in builder.vars:
        if f.id in _BAD_CALLS and f.id != "type":
            return node, f"{f.id}() cannot run in a workflow", "call it inside a step function"
        if f.id in info.imported:
            return node, f"call of imported function {f.id}() in a workflow", "call it inside a step function"
        if f.id in builder.nested_defs:
            return (node, f"nested function {f.id}() can only be run through sfn.parallel",
                    f"write sfn.parallel({f.id}) or move its code into the workflow body")
        if f.id in builder.enclosing_defs:  # in a branch: a def of the workflow's
            return (node, f"nested function {f.id}() of the workflow cannot be called from a parallel branch",
                    f"pass it as a branch itself, sfn.parallel({f.id}, ...), or make it a step function of the "
                    "module")
        if f.id in info.exceptions or f.id in info.other_classes:
            return (node, f"class {f.id} cannot be instantiated in a workflow",
                    "raise exceptions with raise; build data with dicts")
        if not hasattr(builtins, f.id) and not known_name(builder, f.id):
            close = difflib.get_close_matches(f.id, sorted(set(info.steps) | set(info.workflows)), n=1)
            return (f, f"undefined name {f.id!r}", f"did you mean {close[0]}?" if close else
                    "define it as a step function in this module")
    if isinstance(f, ast.Attribute):
        base = f
        while isinstance(base, ast.Attribute):
            base = base.value
        if isinstance(base, ast.Name) and base.id not in builder.vars and (
                base.id in info.imported or base.id in info.sfn_modules):
            return (node, f"call of {ast.unparse(f)}() (a function of an imported module) in a workflow",
                    "call it inside a step function")
    if isinstance(f, ast.Lambda):
        return node, "calling a lambda in a workflow is not supported", "write the expression directly"
    return None


def known_name(builder: FunctionLowerer, name: str) -> bool:
    info = builder.info
    return (name in builder.vars or name in builder.outer or name in builder.nested_defs or name in info.steps
            or name in info.workflows or name in info.imported or name in info.module_names
            or name in info.constants or name in info.api_aliases or name in info.sfn_modules
            or name in info.exceptions or name in info.other_classes or name in builder.synthetic)
