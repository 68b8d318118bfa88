"""The message of a module exception class whose ``__init__`` builds it, for ``raise X(...)`` in a workflow.

``raise NotFound(key)`` with ``def __init__(self, key): super().__init__(f"no {key}")`` fails the execution with the
cause ``str(e)``, "no k". The workflow's raise compiles to a Fail state whose cause is the raise's argument, so the
raise is rewritten as ``raise NotFound(f"no {key}")`` with the call's arguments put in place of the parameters,
before it is lowered. An ``__init__`` doing anything else, or a ``__str__`` of the class's own, is refused at the
raise with what to write instead.
"""
from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyawssfn.compiler.astwalk import walk, walk_statements
from pyawssfn.compiler.diagnostics import Reporter

if TYPE_CHECKING:
    from pyawssfn.compiler.frontend import ModuleInfo


@dataclass
class Message:
    """How a class's ``__init__`` builds ``str(e)``: ``expr`` over the parameters ``params`` (with ``defaults``)."""
    params: list[str]
    defaults: dict[str, ast.expr]
    expr: ast.expr | None  # None: the class cannot be raised faithfully from a workflow
    problem: str = ""


def _method(cls: ast.ClassDef, name: str) -> ast.FunctionDef | None:
    return next((st for st in cls.body if isinstance(st, ast.FunctionDef) and st.name == name), None)


def _is_super_init(call: ast.AST) -> bool:
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "__init__"):
        return False
    owner = call.func.value
    return (isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "super") or \
        isinstance(owner, ast.Name)


def _message_of_init(init: ast.FunctionDef) -> Message:
    a = init.args
    positional = [p.arg for p in a.posonlyargs + a.args][1:]
    params = positional + [p.arg for p in a.kwonlyargs]
    defaults = dict(zip(positional[len(positional) - len(a.defaults):], a.defaults))
    defaults.update({p.arg: d for p, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None})
    if a.vararg or a.kwarg:
        return Message(params, defaults, None, "its __init__ takes *args or **kwargs")
    attrs: dict[str, ast.expr] = {}
    message = None
    for st in init.body:
        if isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant) and isinstance(st.value.value, str):
            continue  # the docstring
        if isinstance(st, ast.Pass):
            continue
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Attribute) and \
                isinstance(st.targets[0].value, ast.Name) and st.targets[0].value.id == "self":
            attrs[st.targets[0].attr] = _with_attrs(st.value, attrs)
            continue
        if isinstance(st, ast.Expr) and _is_super_init(st.value) and message is None:
            call = st.value
            args = call.args[1:] if isinstance(call.func.value, ast.Name) else call.args
            if len(args) != 1 or call.keywords or isinstance(args[0], ast.Starred):
                return Message(params, defaults, None, "its __init__ passes the base class other than one message")
            message = _with_attrs(args[0], attrs)
            continue
        return Message(params, defaults, None, "its __init__ does more than build the message")
    if message is None:
        return Message(params, defaults, None, "its __init__ does not call the base class's __init__")
    if any(isinstance(n, ast.Name) and n.id == "self" for n in walk(message)):
        return Message(params, defaults, None, "its message reads an attribute its __init__ does not set first")
    return Message(params, defaults, message)


def _with_attrs(expr: ast.expr, attrs: dict[str, ast.expr]) -> ast.expr:
    """``expr`` with each ``self.attr`` set earlier in ``__init__`` replaced by the value it was given."""
    class Sub(ast.NodeTransformer):
        def visit_Attribute(self, node):
            if isinstance(node.value, ast.Name) and node.value.id == "self" and node.attr in attrs:
                return copy.deepcopy(attrs[node.attr])
            return self.generic_visit(node)

    return Sub().visit(copy.deepcopy(expr))


def analyse_messages(info: ModuleInfo) -> dict[str, Message]:
    """For every module exception class whose message is not simply its argument: how it is built."""
    classes = {st.name: st for st in info.tree.body if isinstance(st, ast.ClassDef) and st.name in info.exceptions}
    out: dict[str, Message] = {}
    for name in classes:
        for owner in info.exception_ancestors(name):
            cls = classes.get(owner)
            if cls is None:
                continue
            if _method(cls, "__str__") is not None or _method(cls, "__repr__") is not None:
                out[name] = Message([], {}, None, f"{owner} defines __str__")
                break
            init = _method(cls, "__init__")
            if init is not None:
                out[name] = _message_of_init(init)
                break
    return out


def rewrite_raises(info: ModuleInfo, messages: dict[str, Message], reporter: Reporter) -> None:
    """Rewrite ``raise X(args)`` in the workflows as ``raise X(message)``; refuse what cannot be rewritten."""
    for wf in info.workflows.values():
        for node in walk_statements(wf):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                    and isinstance(node.exc.func, ast.Name) and node.exc.func.id in messages):
                continue
            name = node.exc.func.id
            msg = messages[name]
            if msg.expr is None:
                reporter.report(node, f"{name} cannot be raised in a workflow: {msg.problem}, and the machine's "
                                      f"cause would be the raw argument, not str() of the exception",
                                f"raise a class that takes the message as it is (no __init__ or __str__ of its "
                                f"own), with the message built in the workflow: raise Other(f\"...\"); or raise "
                                f"{name} from a step")
                continue
            built = _substitute(node.exc, msg, name, reporter)
            if built is not None:
                node.exc.args = [ast.copy_location(built, node.exc)]
                node.exc.keywords = []
                ast.fix_missing_locations(node)


def _substitute(call: ast.Call, msg: Message, name: str, reporter: Reporter) -> ast.expr | None:
    bound: dict[str, ast.expr] = {}
    positional = [p for p in msg.params]
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        reporter.report(call, f"{name}(...) with *args or **kwargs cannot be raised in a workflow",
                        "pass the arguments one by one")
        return None
    for p, a in zip(positional, call.args):
        bound[p] = a
    for k in call.keywords:
        bound[k.arg] = k.value
    if len(call.args) > len(positional) or any(k.arg not in msg.params for k in call.keywords):
        reporter.report(call, f"{name}(...) is called with arguments its __init__ does not take",
                        f"pass {', '.join(msg.params)}")
        return None
    for p in msg.params:
        if p not in bound:
            if p not in msg.defaults:
                reporter.report(call, f"{name}(...) needs the argument {p!r}", f"pass {p}=...")
                return None
            bound[p] = msg.defaults[p]
    uses = {p: sum(1 for n in walk(msg.expr) if isinstance(n, ast.Name) and n.id == p) for p in msg.params}
    for p, node in bound.items():
        if uses.get(p, 0) > 1 and not isinstance(node, (ast.Name, ast.Constant)):
            reporter.report(node, f"the message of {name} uses {p!r} more than once",
                            f"put the argument in a variable first: {p} = ...; raise {name}({p})")
            return None

    class Sub(ast.NodeTransformer):
        def visit_Name(self, node):
            if node.id in bound:
                return ast.copy_location(copy.deepcopy(bound[node.id]), node)
            return node

    return Sub().visit(copy.deepcopy(msg.expr))


def rewrite_caught_formatting(info: ModuleInfo) -> None:
    """``f"{e}"``, ``f"{e!s}"``, ``"{}".format(e)`` and ``format(e)`` of an exception caught with ``except ... as
    e`` are ``str(e)``, its message: rewrite them so, as ``str(e)`` compiles (the machine holds ``e`` as the error
    output, whose own text is a dict's)."""
    for wf in info.workflows.values():
        for node in walk_statements(wf):
            if isinstance(node, ast.Try):
                for h in node.handlers:
                    if h.name and _formats_unbound(h, h.name):
                        for st in h.body:
                            _StrOfCaught(h.name).visit(st)


def _formats_unbound(handler: ast.ExceptHandler, name: str) -> bool:
    """Whether the clause formats something (an f-string, a format() call: all that _StrOfCaught rewrites) and does
    not rebind ``name``; one walk of its body (most clauses format nothing: no rewrite visit for them)."""
    formats = False
    for st in handler.body:
        for n in walk(st):
            cls = type(n)
            if cls is ast.Name:
                if n.id == name and isinstance(n.ctx, (ast.Store, ast.Del)):  # type: ignore[attr-defined]
                    return False
            elif cls is ast.FormattedValue:
                formats = True
            elif cls is ast.Call:
                f = n.func  # type: ignore[attr-defined]
                formats = formats or (type(f) is ast.Name and f.id == "format") or \
                    (type(f) is ast.Attribute and f.attr == "format")
    return formats


class _StrOfCaught(ast.NodeTransformer):
    def __init__(self, name: str):
        self.name = name

    def _is_caught(self, node: ast.AST) -> bool:
        return isinstance(node, ast.Name) and node.id == self.name

    def _str_of(self, node: ast.expr) -> ast.Call:
        return ast.copy_location(ast.Call(func=ast.Name(id="str", ctx=ast.Load()), args=[node], keywords=[]), node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        if self._is_caught(node.value) and node.conversion in (-1, ord("s")) and node.format_spec is None:
            node.value, node.conversion = self._str_of(node.value), -1
            return node
        return self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        f = node.func
        if isinstance(f, ast.Name) and f.id == "format" and len(node.args) == 1 and not node.keywords \
                and self._is_caught(node.args[0]):
            return self._str_of(node.args[0])  # format(e) with no spec is str(e)
        if isinstance(f, ast.Attribute) and f.attr == "format" and isinstance(f.value, ast.Constant) \
                and isinstance(f.value.value, str):
            plain = _plain_fields(f.value.value)
            for i, a in enumerate(node.args):
                if self._is_caught(a) and str(i) in plain:
                    node.args[i] = self._str_of(a)
            for k in node.keywords:
                if self._is_caught(k.value) and k.arg in plain:
                    k.value = self._str_of(k.value)
        return self.generic_visit(node)

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        return node  # a lambda's own parameters may shadow the name

    def visit_ListComp(self, node):
        return node if any(self._is_caught(n) for g in node.generators for n in walk(g.target)) \
            else self.generic_visit(node)

    visit_SetComp = visit_GeneratorExp = visit_DictComp = visit_ListComp


def _plain_fields(template: str) -> set[str]:
    """The fields of a str.format template used with no conversion but !s and no format spec ("0", "1", "name";
    automatic numbering resolved); every use of the field must be plain."""
    import string

    plain: set[str] = set()
    other: set[str] = set()
    auto = 0
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return set()
    for _literal, field, spec, conv in parsed:
        if field is None:
            continue
        if field == "":
            field, auto = str(auto), auto + 1
        (plain if not spec and conv in (None, "s") else other).add(field)
    return plain - other
