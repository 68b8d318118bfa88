"""Control-flow IR: states whose transitions point at other IR states, and the open exits of code being lowered.

Expressions held here are JSONata trees (pyawssfn.jsonata.tree), never text: a field value that holds an expression
holds a ``Template`` of its tree, and codegen alone prints them with the ``{% %}`` delimiters. An exit carries ``env``:
the Python assignments made since the last state, as JSONata valid where the exit's holder evaluates its ``Assign``
(after a Task: ``$states.result`` is available; on a Choice rule: the values before the Choice; ...). Folding pure
assignments into the holder's ``Assign`` instead of emitting Pass states is what keeps machines small.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, TypeVar

from pyawssfn.jsonata.tree import (
    Array, Block, Bool, Dot, Expr, Filter, Name, Null, Num, Object, Str, Var, states_field, states_fields,
)

if TYPE_CHECKING:
    from pyawssfn.compiler.frontend import RetrySpec


@dataclass(frozen=True, slots=True)
class Template:
    """A JSONata expression inside a state's field value (its Arguments, Items, Error, ...): the value is JSON whose
    strings are literal text and whose Templates are expressions; codegen prints each as ``{% text %}``."""
    expr: Expr


@dataclass(eq=False)
class Node:
    """A state. Its kind is its class (Task, Choice, Pass, Wait, Parallel, Map, Succeed, Fail); each kind holds what
    it needs, as values, and codegen.py alone turns them into ASL fields in ASL's order."""
    type: ClassVar[str] = ""    # the state kind's name
    name: str                   # readable base name from the source
    line: int
    assign: dict[str, Expr] = field(default_factory=dict)
    output: Expr | None = None
    end: bool = False
    next: "Node | None" = None
    cover: Any = None        # the try handler (or finally) its Catch sends an expression's error to; None: none
    lines: dict[str, int] = field(default_factory=dict)  # a field from another statement -> its line (source_lines)

    def templates(self) -> list[Any]:
        """The values of its fields that may hold Templates (payloads, times, items, error and cause)."""
        return []

    def successors(self) -> list["Node | None"]:
        return [self.next]

    def subgraphs(self) -> list["Graph"]:
        return []


@dataclass(eq=False)
class Pass(Node):
    type: ClassVar[str] = "Pass"


@dataclass(eq=False)
class Succeed(Node):
    type: ClassVar[str] = "Succeed"


@dataclass(eq=False)
class Fail(Node):
    type: ClassVar[str] = "Fail"
    error: Any = None           # a JSON value or a Template
    cause: Any = None

    def templates(self) -> list[Any]:
        return [self.error, self.cause]


@dataclass(eq=False)
class Wait(Node):
    type: ClassVar[str] = "Wait"
    seconds: Any = None         # exactly one of the two: a whole number or a template
    timestamp: Any = None

    def templates(self) -> list[Any]:
        return [self.seconds if self.timestamp is None else self.timestamp]


@dataclass(eq=False)
class Choice(Node):
    type: ClassVar[str] = "Choice"
    rules: list["Rule"] = field(default_factory=list)
    default: "Node | None" = None

    def successors(self) -> list["Node | None"]:
        return [self.next, self.default] + [r.next for r in self.rules]


@dataclass(eq=False)
class Catching(Node):
    """The kinds that retry and catch a failure (Task, Parallel, Map)."""
    retry: list[RetrySpec] = field(default_factory=list)
    catch: list["Catcher"] = field(default_factory=list)

    def successors(self) -> list["Node | None"]:
        return [self.next] + [c.next for c in self.catch]


@dataclass(eq=False)
class Task(Catching):
    type: ClassVar[str] = "Task"
    resource: str = ""
    arguments: Any = None
    timeout: int | str | None = None      # seconds, or a {% %} template (sfn.wait_for_callback(timeout=t))
    heartbeat: int | str | None = None

    def templates(self) -> list[Any]:
        return [self.arguments, self.timeout, self.heartbeat]


@dataclass(eq=False)
class Parallel(Catching):
    type: ClassVar[str] = "Parallel"
    branches: list["Graph"] = field(default_factory=list)
    arguments: Any = None

    def templates(self) -> list[Any]:
        return [self.arguments]

    def subgraphs(self) -> list["Graph"]:
        return list(self.branches)


@dataclass(eq=False)
class Map(Catching):
    type: ClassVar[str] = "Map"
    items: Any = None               # the list to iterate, or None when an item reader reads them (a distributed Map)
    item_selector: Any = None
    processor: "Graph | None" = None
    distributed: bool = False
    max_concurrency: Any = None     # a number or a template; None: unlimited
    tolerated_failure_count: Any = None
    tolerated_failure_percentage: Any = None
    # A distributed Map's ItemReader, ItemBatcher and ResultWriter as ASL objects (compiler/distributed_map.py).
    item_reader: Any = None
    item_batcher: Any = None
    result_writer: Any = None

    def templates(self) -> list[Any]:
        return [self.items, self.item_selector, self.max_concurrency, self.tolerated_failure_count,
                self.tolerated_failure_percentage, self.item_reader, self.item_batcher, self.result_writer]

    def subgraphs(self) -> list["Graph"]:
        return [self.processor] if self.processor is not None else []


@dataclass(eq=False)
class Rule:
    condition: Expr
    next: Node | None = None
    assign: dict[str, Expr] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


@dataclass(eq=False)
class Catcher:
    errors: list[str]
    next: Node | None = None
    assign: dict[str, Expr] = field(default_factory=dict)
    output: Expr | None = None
    lines: dict[str, int] = field(default_factory=dict)


@dataclass(eq=False)
class DefaultOf:
    """The Default transition of a Choice node, as an exit holder."""
    choice: Node


class StartHolder:
    """The beginning of a state machine (or branch): the env is in the context of the first state's input."""


@dataclass(eq=False)
class Exit:
    holder: Any                 # Node (Task-like), Rule, Catcher, DefaultOf or StartHolder
    env: dict[str, Expr] = field(default_factory=dict)


@dataclass(eq=False)
class Graph:
    nodes: list[Node] = field(default_factory=list)
    start: Node | None = None

    def release(self) -> None:
        """Drop every state's fields (edges, rules, catchers, sub-graphs) in this graph and those inside it, once
        codegen has produced the definition: loops make the graph a reference cycle, which would otherwise wait for
        the cyclic GC with everything it holds. The graph is unusable afterwards."""
        stack = [self]
        while stack:
            g = stack.pop()
            for n in g.nodes:
                stack.extend(n.subgraphs())
                n.__dict__.clear()
            g.nodes = []
            g.start = None


R = TypeVar("R")


def by_identity(fn: Callable[[Expr], R]) -> Callable[[Expr], R]:
    """`fn` of a tree, remembered by the tree's identity (each kept alive with its answer, so that an id is not
    reused meanwhile): the passes ask the same questions of the same trees many times, and hashing a tree by value
    walks all of it."""
    memo: dict[int, tuple[Expr, R]] = {}

    def cached(t: Expr) -> R:
        hit = memo.get(id(t))
        if hit is not None and hit[0] is t:
            return hit[1]
        out = fn(t)
        if len(memo) >= 65536:
            memo.clear()
        memo[id(t)] = (t, out)
        return out
    cached.__doc__ = fn.__doc__
    return cached


# JSONata that cannot fail: a variable, a field of $states, a JSON literal. Anything else may raise (the translator's
# $error, or JSONata's own type errors such as null + 1), so a pending assignment of it must still be evaluated
# when Python would have evaluated it, even if nothing reads the result.
def can_fail(t: Expr) -> bool:
    tt = type(t)
    if tt in _LEAF_VALUES:
        return False
    if tt is Array:
        return bool(t.items)  # type: ignore[attr-defined]
    if tt is Object:
        return bool(t.pairs)  # type: ignore[attr-defined]
    return not _states_field(t)


_LEAF_VALUES = frozenset([Var, Num, Str, Bool, Null])


def _states_field(t: Expr) -> bool:
    """$states.a.b... (field steps only)."""
    while type(t) is Dot and type(t.rhs) is Name:  # type: ignore[attr-defined]
        t = t.lhs  # type: ignore[attr-defined]
    return type(t) is Var and t.name == "states"  # type: ignore[attr-defined]  # (no Var to build per call)


def atomic(t: Expr) -> bool:
    """Self-delimiting where it stands: a variable or a path of field steps from one, or a literal."""
    while type(t) is Dot and type(t.rhs) is Name:  # type: ignore[attr-defined]
        t = t.lhs  # type: ignore[attr-defined]
    return type(t) in (Var, Num, Str, Bool, Null)


def paren(t: Expr) -> Expr:
    """`t` as a parenthesised block of one expression unless it is atomic (where the lowerer reads a value as a
    whole: `($x[0]).Error` is not `$x[0].Error`)."""
    return t if atomic(t) else Block((t,))


_NO_NAMES: frozenset[str] = frozenset()
_ONE_NAME: dict[str, frozenset[str]] = {}


def variables(tree: Expr) -> frozenset[str]:
    """The names of the Var nodes of a tree; string literals are text, not references. Liveness asks this of every
    expression of a long workflow, most of them a variable or a path from one."""
    tt = type(tree)
    while tt is Dot and type(tree.rhs) is Name:  # type: ignore[attr-defined]
        tree = tree.lhs  # type: ignore[attr-defined]
        tt = type(tree)
    if tt is Var:
        name = tree.name  # type: ignore[attr-defined]
        got = _ONE_NAME.get(name)
        if got is None:
            got = _ONE_NAME[name] = frozenset((name,))
        return got
    if tt in _LEAF_VALUES:
        return _NO_NAMES
    return _variables(tree)


@by_identity
def _variables(tree: Expr) -> frozenset[str]:
    """(Expr.walk's nodes, without its generator and order.)"""
    out: set[str] = set()
    todo = [tree]
    pop, extend = todo.pop, todo.extend
    while todo:
        n = pop()
        if type(n) is Var:
            out.add(n.name)  # type: ignore[attr-defined]
        elif n._kids:
            extend(n._child_list())
    return frozenset(out)


def field_templates(value: Any, out: list[Expr]) -> None:
    """The expressions of the Templates inside a state's field values, in order."""
    tv = type(value)
    if tv is Template:
        out.append(value.expr)
        return
    if tv is dict or (tv is not list and isinstance(value, dict)):
        xs = value.values()
    elif tv is list or isinstance(value, list):
        xs = value
    else:
        return
    for x in xs:  # most values are Templates or JSON scalars: no call for those
        tx = type(x)
        if tx is Template:
            out.append(x.expr)
        elif tx not in _SCALAR_TYPES:
            field_templates(x, out)


_SCALAR_TYPES = frozenset([str, int, float, bool, type(None)])


def field_variables(value: Any, out: set[str]) -> None:
    """The variables read by the Templates in a state's field values."""
    trees: list[Expr] = []
    field_templates(value, trees)
    for t in trees:
        out |= variables(t)


def evaluates(code: Expr, inside: Expr) -> bool:
    """Whether the expression `code` is evaluated as a part of the expression `inside`. Both are compared as the
    simplifier leaves them, so that a copy simplified inside a larger expression is still found."""
    # a sub-tree equal to `code` has `code`'s leaves (variables, names, literals): where `inside` lacks one of them
    # the walk is skipped (liveness asks this of every pair of entries of an Assign: cubic in a long one)
    if not leaves(code) <= leaves(inside):
        return False
    return _simplified(inside).contains(_simplified(code))


@by_identity
def leaves(code: Expr) -> frozenset[Expr]:
    """The leaf nodes (no children: variables, names, literals) of the expression as the simplifier leaves it."""
    out: set[Expr] = set()
    todo: list[Expr] = [_simplified(code)]
    while todo:
        n = todo.pop()
        kids = n._child_list() if n._kids else []
        if kids:
            todo.extend(kids)
        else:
            out.add(n)
    return frozenset(out)


@by_identity
def _simplified(code: Expr) -> Expr:
    from pyawssfn.compiler.simplify import simplify
    return simplify(code)


_CONTEXT_FIELDS = ("result", "errorOutput", "input")


def context_refs(code: Expr) -> set[str]:
    """Which of $states.result / .errorOutput / .input the expression reads."""
    return states_fields(code) & set(_CONTEXT_FIELDS)


def _context_field(n: Expr) -> str | None:
    f = states_field(n)
    return f if f in _CONTEXT_FIELDS else None


def replace_context(code: Expr, field_name: str, variable: str) -> Expr:
    """`$states.<field_name>` read through `$<variable>` instead (the hand-over of a state's context value)."""
    def swap(n: Expr) -> Expr:
        if _context_field(n) != field_name:
            return n
        step = n.rhs  # type: ignore[attr-defined]
        preds = []
        while type(step) is Filter:
            preds.append(step.pred)  # type: ignore[attr-defined]
            step = step.lhs  # type: ignore[attr-defined]
        out: Expr = Var(variable)
        for p in reversed(preds):
            out = Filter(out, p)
        return out
    return code.transform(swap)


def substitute_variables(code: Expr, values: dict[str, Expr]) -> Expr:
    """Each read of `$k` replaced by the expression values[k] (in parentheses, as a block of one expression)."""
    def swap(n: Expr) -> Expr:
        if type(n) is Var and n.name in values:  # type: ignore[attr-defined]
            return Block((values[n.name],))  # type: ignore[attr-defined]
        return n
    return code.transform(swap)
