"""``walk``: ``ast.walk`` without its two layers of generators (iter_child_nodes, iter_fields): the same nodes in
the same (breadth-first) order, about a third faster. The compiler walks every workflow body many times, and
ast.walk was a fifth of the compile time of a 10,000-statement workflow."""
from __future__ import annotations

import copy
import weakref
from ast import AST, Constant as _CONSTANT, FunctionDef, Module, Name as _NAME
from typing import Any


# Fields that never hold a node in Python 3.11's grammar (a name, a flag, a constant's value): not read at all.
_SCALAR_FIELDS = frozenset(["id", "attr", "name", "arg", "asname", "module", "level", "is_async", "simple",
                            "conversion", "kind", "type_comment", "tag", "names"])
_node_fields: dict[type, tuple[str, ...]] = {}


def _fields_of(cls: type) -> tuple[str, ...]:
    fields = _node_fields.get(cls)
    if fields is None:
        scalar = _SCALAR_FIELDS | ({"value"} if cls.__name__ == "Constant" else set())
        if cls.__name__ in ("Global", "Nonlocal"):
            scalar = scalar | {"names"}
        elif "names" in cls._fields:  # Import's and ImportFrom's aliases are nodes
            scalar = scalar - {"names"}
        fields = _node_fields[cls] = tuple(f for f in cls._fields if f not in scalar)  # type: ignore[attr-defined]
    return fields


def _breadth_first(root: AST, table: dict[type, tuple[str, ...]], fields_of) -> list[AST]:
    """The nodes under ``root`` (and ``root``) that the fields ``table`` gives for each class lead to (``fields_of``
    fills it for a class not met yet), breadth first as ``ast.walk``: the one walk of this module, over all the
    fields (walk), the value fields (NodeIndex) or the blocks of statements (walk_statements). The list is its own
    queue (a list iterator sees what is appended to it): no deque, no generator."""
    out = [root]
    push = out.append
    for node in out:
        cls = type(node)
        fields = table.get(cls)
        if fields is None:  # (not `or`: a Constant's is an empty tuple)
            fields = fields_of(cls)
        for name in fields:
            value = getattr(node, name, None)
            if isinstance(value, AST):
                push(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, AST):
                        push(item)
    return out


def walk(node: AST) -> list[AST]:
    """Every node under ``node`` (and ``node``), in ``ast.walk``'s order."""
    return _breadth_first(node, _node_fields, _fields_of)


def child_nodes(node: AST) -> list[AST]:
    """``list(ast.iter_child_nodes(node))`` (the same nodes in its order) without its two generators."""
    out: list[AST] = []
    cls = type(node)
    fields = _node_fields.get(cls)
    for name in _fields_of(cls) if fields is None else fields:
        value = getattr(node, name, None)
        if isinstance(value, AST):
            out.append(value)
        elif isinstance(value, list):
            out.extend([item for item in value if isinstance(item, AST)])
    return out


# The fields holding only a context or an operator (Load, Add, Eq...): nodes that say nothing beyond their class,
# which a pass reads through their parent's attribute.
_MARKER_FIELDS = frozenset(["ctx", "op", "ops"])
_value_fields: dict[type, tuple[str, ...]] = {}


def _value_fields_of(cls: type) -> tuple[str, ...]:
    fields = _value_fields[cls] = tuple(f for f in _fields_of(cls) if f not in _MARKER_FIELDS)
    return fields


_reversed_fields: dict[type, tuple[str, ...]] = {}


def reversed_value_fields(cls: type) -> tuple[str, ...]:
    """The value fields of a node class (value_children's), last first: for a walk that keeps a stack."""
    fields = _reversed_fields.get(cls)
    if fields is None:
        fields = _reversed_fields[cls] = tuple(reversed(_value_fields.get(cls) or _value_fields_of(cls)))
    return fields


def value_children(node: AST) -> list[AST]:
    """``child_nodes(node)`` without the context and operator nodes: for a pass that looks at neither (a third of
    the nodes of a workflow's expressions are those)."""
    cls = type(node)
    fields = _value_fields.get(cls)
    if fields is None:
        fields = _value_fields_of(cls)
    out: list[AST] = []
    for name in fields:
        value = getattr(node, name, None)
        if isinstance(value, AST):
            out.append(value)
        elif isinstance(value, list):
            out.extend([item for item in value if isinstance(item, AST)])
    return out


def mentions(root: AST, names: set[str] | frozenset[str]) -> bool:
    """Whether a Name node under ``root`` (or ``root`` itself) has its id in ``names``: ``walk`` stopping at the
    first, without the context, operator and constant nodes (that hold no name)."""
    Name, Constant = _NAME, _CONSTANT
    todo = [root]
    push = todo.append
    for node in todo:
        cls = type(node)
        if cls is Name:
            if node.id in names:  # type: ignore[attr-defined]
                return True
            continue
        if cls is Constant:
            continue
        fields = _value_fields.get(cls)
        if fields is None:
            fields = _value_fields_of(cls)
        for name in fields:
            value = getattr(node, name, None)
            if isinstance(value, AST):
                push(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, AST):
                        push(item)
    return False


class NodeIndex:
    """Every node of a tree but the context and operator nodes (Load, Add, ...; see value_children), in ``walk``'s
    order (``nodes``), and, from the same walk, the nodes of each class in that order (``of``): the passes over a
    workflow function that look for a few kinds of node (calls, names, loops, returns...) read those lists instead
    of walking all of the function again (each full walk of a 10,000-statement workflow, 85,000 nodes, cost as
    much as several of those passes together)."""

    # The root is held weakly (the index is kept on the function it indexes: a strong reference back to it made
    # every function's whole tree reachable only from a reference cycle, freed by the cyclic GC alone).
    __slots__ = ("_root", "_rest", "_by_class", "_root_class")

    def __init__(self, root: AST) -> None:
        # _breadth_first over the value fields, each node filed under its class as it is met
        nodes = [root]
        push = nodes.append
        by_class: dict[type, list[AST]] = {}
        table = _value_fields
        for node in nodes:
            cls = type(node)
            same = by_class.get(cls)
            if same is None:
                by_class[cls] = [node]
            else:
                same.append(node)
            fields = table.get(cls)
            if fields is None:
                fields = _value_fields_of(cls)
            for name in fields:
                value = getattr(node, name, None)
                if isinstance(value, AST):
                    push(value)
                elif isinstance(value, list):
                    for item in value:
                        if isinstance(item, AST):
                            push(item)
        del nodes[0]
        root_class = type(root)
        del by_class[root_class][0]
        self._root = weakref.ref(root)
        self._rest = nodes
        self._by_class = by_class
        self._root_class = root_class

    @property
    def nodes(self) -> list[AST]:
        """Every node but the context and operator ones, in walk order (a new list)."""
        return [self._live_root(), *self._rest]

    def _live_root(self) -> AST:
        root = self._root()
        assert root is not None, "a NodeIndex read after its tree died"
        return root

    def of(self, *classes: type) -> list[Any]:
        """The nodes of exactly these classes (the parser makes no subclasses of its node classes): each class's
        in walk order, the classes one after the other."""
        out: list[Any] = []
        for cls in classes:
            if cls is self._root_class:
                out.append(self._live_root())
            out.extend(self._by_class.get(cls, ()))
        return out

    def classes(self) -> set[type]:
        """The classes of the nodes there (but the context and operator ones)."""
        return {*self._by_class, self._root_class}

    def has(self, *classes: type) -> bool:
        return any(cls in self._by_class or cls is self._root_class for cls in classes)


_INDEX = "pyawssfn_node_index"


def index(fn: AST, fresh: bool = False) -> NodeIndex:
    """The NodeIndex of a function, kept on it: built by the frontend once its rewrites of the function are done
    (``fresh``), then shared by the analyses the lowerer runs before lowering it. Nothing changes a function's tree
    after the frontend (the lowerer rewrites copies of expressions: builder.prepare), which
    tests/compiler/test_node_index.py holds the compiler to."""
    got = None if fresh else fn.__dict__.get(_INDEX)
    if got is None:
        got = NodeIndex(fn)
        setattr(fn, _INDEX, got)
    return got


_BLOCKS = ("body", "handlers", "orelse", "finalbody", "cases")  # the fields that hold statements (and handlers)
_block_fields: dict[type, tuple[str, ...]] = {}


def _block_fields_of(cls: type) -> tuple[str, ...]:
    fields = _block_fields[cls] = tuple(f for f in cls._fields if f in _BLOCKS)  # type: ignore[attr-defined]
    return fields


def block_fields(cls: type) -> tuple[str, ...]:
    """The fields of a node class that hold statements (or except handlers, match cases): those walk_statements
    follows."""
    fields = _block_fields.get(cls)
    return _block_fields_of(cls) if fields is None else fields


_STATEMENTS = "pyawssfn_statements"


def walk_statements(node: AST) -> list[AST]:
    """The statements under ``node`` (and ``node``, the except handlers and match cases), in the order ``walk``
    yields them, without visiting a single expression: a statement can only stand in another statement's block, so
    a pass looking for statements (``raise``, ``import``, ``try``, line spans) need not walk the expressions, most
    of a workflow's nodes. A module's or a function's list is kept on it (without itself: a list holding its owner
    would make a reference cycle of the whole tree): the frontend's passes and the line spans ask for it several
    times, and no pass adds or removes a statement (they rewrite expressions only). A new list each time."""
    if not isinstance(node, (Module, FunctionDef)):
        return _breadth_first(node, _block_fields, _block_fields_of)
    got = node.__dict__.get(_STATEMENTS)
    if got is None:
        got = _breadth_first(node, _block_fields, _block_fields_of)
        setattr(node, _STATEMENTS, got[1:])
        return got
    return [node, *got]


_ATOMS = frozenset([str, int, float, bool, type(None), bytes, complex, type(Ellipsis)])


def copy_tree(node: Any) -> Any:
    """``copy.deepcopy`` of a syntax tree (the same copy: every node new, its attributes and the compiler's marks
    copied, a node reached twice copied once) without deepcopy's generic protocol per node, which made the copies
    of the expressions the lowerer rewrites a few percent of a compile; a value that is neither a node, a list nor
    an immutable atom goes to deepcopy itself."""
    return _copy(node, {})


def _copy(value: Any, memo: dict[int, Any]) -> Any:
    cls = type(value)
    if cls in _ATOMS:
        return value
    got = memo.get(id(value))
    if got is not None:
        return got
    if cls is list:
        out: list = []
        memo[id(value)] = out
        out.extend([_copy(v, memo) for v in value])
        return out
    if isinstance(value, AST):
        new = cls.__new__(cls)
        memo[id(value)] = new
        fields = new.__dict__
        for k, v in value.__dict__.items():
            fields[k] = v if type(v) in _ATOMS else _copy(v, memo)
        return new
    return copy.deepcopy(value, memo)


def node_classes(*bases: type) -> frozenset[type]:
    """The classes given and all their subclasses: the exact types a `type(node) in ...` test must list (ast's
    operator and context nodes are subclasses, and such a test does not see through them)."""
    out: set[type] = set()
    todo = list(bases)
    while todo:
        c = todo.pop()
        out.add(c)
        todo.extend(c.__subclasses__())
    return frozenset(out)
