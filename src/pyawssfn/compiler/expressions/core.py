"""Shared pieces of the expression builder: the typed JSONata fragment J, refusals, helper naming, constant
folding and small code helpers.
"""
from __future__ import annotations

import ast
import json
import math
from typing import Any

from pyawssfn import _api_names
from pyawssfn.compiler.astwalk import child_nodes, node_classes
from pyawssfn.compiler.expressions.build import ATOMS
from pyawssfn.jsonata.printer import plain_name, to_text
from pyawssfn.jsonata.tree import Expr


MAX_EXACT_INT = 2**53


# Set by the frontend on each read of a workflow variable that some assignment gives a tuple (J.tup None).
MAY_TUPLE = "pyawssfn_may_tuple"

# Set by the frontend on each read of a workflow variable every assignment gives a set (sets.check_set_uses).
IS_SET = "pyawssfn_is_set"

# Set by the frontend on the iterable of each for loop: there an iterator (reversed(), zip(), enumerate()) is
# consumed as Python consumes it, once, in order.
ITERATED = "pyawssfn_iterated"

# The builtins that return an iterator, translated only where it is iterated (a for loop, a comprehension, list(),
# sorted(), ...); elsewhere Python's iterator (not subscriptable, exhausted once read) has no JSON counterpart.
ITERATORS = frozenset(["reversed", "zip", "enumerate"])


NUMERIC = ("int", "float")


PREDICATE_NAMES = frozenset(_api_names.PREDICATES)


_STATIC_TYPES = frozenset(["int", "float", "str", "bool", "none", "list", "dict", "tuple"])


class NotConstant(Exception):
    """literal_value was asked for the value of an expression that is not a constant."""


class _Refused(Exception):
    """Raised internally after `report` so that translation of the enclosing construct stops."""


class J:
    """A translated expression: its JSONata tree and the Python type it has when known statically.

    JSON has no tuples: a tuple is an array on the machine, so `tup` says what Python would see, for the operations
    where a tuple and a list differ (==, in, str(), isinstance): True a tuple, False not one (a list, a scalar, any
    value read from the input or a step), None either (a variable assigned both). `items_tup` says the same of the
    items of a list or iterable (those of zip(), enumerate() and d.items() are tuples). Only the translations that
    can give a tuple (a variable, an item read out of a container, a conditional, + and * of sequences, min/max)
    say anything else than False.

    `tree` is the value; `code`, its text, is printed from it by the one printer when a caller asks for text."""

    __slots__ = ("tree", "type", "tup", "items_tup", "set")

    def __init__(self, tree: Expr, type: str | None = None, tup: bool | None = False,
                 items_tup: bool | None = False, set: bool = False) -> None:
        if not isinstance(tree, Expr):  # text is read where it is given (build.read_input), not composed here
            raise TypeError(f"J holds a tree, not {type(tree).__name__}")
        self.tree = tree
        self.type = type
        self.tup = tup
        self.items_tup = items_tup
        self.set = set  # a set (held as a list of distinct items): `x in` it needs x hashable, as Python's does

    @property
    def code(self) -> str:
        return to_text(self.tree)

    @property
    def atom(self) -> bool:
        return type(self.tree) in ATOMS

    def __repr__(self) -> str:
        return f"J({self.code!r}, {self.type!r}, {self.tup!r}, {self.items_tup!r}, {self.set!r})"


def name_value(code: Expr, t: str | None, marks: dict[str, Any]) -> J:
    """A workflow name's J: its tree `code`, its static type `t` (None: not known) and what the frontend found it may
    hold, read from its marks (the node's __dict__; tuples.mark_tuple_names): "top", a tuple on some path; "deep",
    tuples inside it; "tuple", a module-level tuple; nothing said, no tuple (the input and step results are JSON:
    never tuples)."""
    taint = marks.get(MAY_TUPLE, "")
    if not taint:  # most names: as below, in short
        if t == "tuple":
            return J(code, "list", True, False)
        return J(code, t if t in _STATIC_TYPES else None, False, False, marks.get(IS_SET, False))
    items = None if "deep" in taint else False
    if t == "tuple" or taint.startswith("tuple"):
        return J(code, "list", True, items)
    return J(code, t if t in _STATIC_TYPES else None, None if "top" in taint else False, items,
             marks.get(IS_SET, False))


def item_of(container: J, code: Expr, type_: str | None = None) -> J:
    """An item (or dict value) read out of `container`: its tuple-ness is what the container says of its items."""
    return J(code, type_, container.items_tup, None if container.items_tup is None else False)


def either(code: Expr, type_: str | None, *parts: J) -> J:
    """A value that is one of `parts` (a conditional, and/or): tuple-ness known only where they all agree."""
    tups, items = {p.tup for p in parts}, {p.items_tup for p in parts}
    return J(code, type_, tups.pop() if len(tups) == 1 else None, items.pop() if len(items) == 1 else None)


def _err(message: str) -> str:
    """`$error("message")` as text, for the constant templates composed at import (text.py, calls.py)."""
    return f"$error({json.dumps(message, ensure_ascii=False)})"


_counter = [0]


def _reset_names() -> None:
    _counter[0] = 0


def _fresh_global() -> str:
    _counter[0] += 1
    return f"$__{_counter[0]}"


_FOLD_BUILTINS = {
    name: getattr(__builtins__, name) if hasattr(__builtins__, name) else __builtins__[name]  # type: ignore[index]
    for name in ("len", "str", "int", "float", "bool", "abs", "min", "max", "sum", "round", "sorted", "list",
                 "tuple", "any", "all", "isinstance", "dict", "type")
}


_FOLD_NODES = (
    ast.Constant, ast.List, ast.Tuple, ast.Dict, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp,
    ast.Subscript, ast.Slice, ast.JoinedStr, ast.FormattedValue, ast.Call, ast.Attribute, ast.Name, ast.Load,
    ast.operator, ast.unaryop, ast.boolop, ast.cmpop, ast.keyword,
)


# the operator classes and Load: locally foldable (in _FOLD_NODES), without parts of their own
_MARKERS = node_classes(ast.operator, ast.unaryop, ast.boolop, ast.cmpop) | {ast.Load}


def _foldable(node: ast.AST, memo: dict[int, tuple[ast.AST, bool]]) -> bool:
    """Every node of `node` is one Python may evaluate at compile time. `memo` (per translation: the translator asks
    at every level of a nested expression) keeps each node's answer with the node, so nothing is walked twice."""
    hit = memo.get(id(node))
    if hit is not None and hit[0] is node:
        return hit[1]
    kind = type(node)
    if (kind is ast.BinOp and (_reads_variable(node.left) or _reads_variable(node.right))) or (  # type: ignore
            kind is ast.Compare and _reads_variable(node.left)):  # type: ignore[attr-defined]
        memo[id(node)] = (node, False)  # (most operators of a workflow read a variable: no walk of the parts)
        return False
    ok = _locally_foldable(node)
    if ok:
        for c in child_nodes(node):  # ast.iter_child_nodes' order, stopping at the first that is not
            kind = type(c)
            if kind in _MARKERS:
                continue  # an operator or Load: foldable, no parts (not worth remembering)
            if kind is ast.Name:  # as _foldable answers of a name, without remembering it
                if c.id in _FOLD_BUILTINS and type(c.ctx) is ast.Load:  # type: ignore[attr-defined]
                    continue
                ok = False
                break
            if not _foldable(c, memo):
                ok = False
                break
    memo[id(node)] = (node, ok)
    return ok


def _reads_variable(node: ast.AST) -> bool:
    """A name Python cannot evaluate at compile time (_foldable's answer of a name, at once)."""
    return type(node) is ast.Name and node.id not in _FOLD_BUILTINS  # type: ignore[attr-defined]


def _locally_foldable(sub: ast.AST) -> bool:
    if not isinstance(sub, _FOLD_NODES):
        return False
    if isinstance(sub, ast.Name) and sub.id not in _FOLD_BUILTINS:
        return False
    if isinstance(sub, ast.Constant) and (
        (isinstance(sub.value, int) and abs(sub.value) > 10**6) or (isinstance(sub.value, str) and len(sub.value) > 200)
    ):
        return False
    if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Pow):
        if not (isinstance(sub.right, ast.Constant) and isinstance(sub.right.value, int)
                and abs(sub.right.value) <= 64):
            return False
    if isinstance(sub, ast.BinOp) and isinstance(sub.op, (ast.Mult, ast.LShift)):
        small = [o for o in (sub.left, sub.right) if isinstance(o, ast.Constant) and type(o.value) is int
                 and abs(o.value) <= 100]
        if not small and not all(isinstance(o, ast.Constant) and type(o.value) in (int, float)
                                 for o in (sub.left, sub.right)):
            return False  # "x" * 10**9 would be built at compile time; JSONata computes it instead
    return True


def _exact_json(value: Any) -> bool:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, int):
        return abs(value) <= MAX_EXACT_INT
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, (list, tuple)):
        return all(_exact_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _exact_json(v) for k, v in value.items())
    return False


def _string_keys(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _string_keys(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_string_keys(v) for v in value)
    return True


def _static_type(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "bool"
    return {int: "int", float: "float", str: "str", list: "list", tuple: "tuple", dict: "dict"}[type(value)]


def tuple_shape(value: Any) -> bool | None:
    """`items_tup` of a constant list or tuple: True when every item is a tuple, False when none is, else None."""
    kinds = {isinstance(v, tuple) for v in value} if isinstance(value, (list, tuple)) else {False}
    return kinds.pop() if len(kinds) == 1 else (False if not kinds else None)


_OPNAME = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**",
    ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>", ast.MatMult: "@",
}


_RFC3339 = r"/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$/"


_PLAIN_KEY = plain_name  # a key written as a field step: $d.k rather than $lookup($d, "k")


_JSONATA_WORDS = frozenset(["and", "or", "in", "true", "false", "null", "function"])


def _describe(node: ast.AST) -> str:
    if isinstance(node, ast.Name) and node.id.startswith("\x00"):
        return "this value"  # a name of the lowerer's own: a step call's result, a value evaluated first
    try:
        return ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every expression node
        return type(node).__name__
