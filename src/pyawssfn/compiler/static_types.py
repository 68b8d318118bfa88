"""Static types of a workflow's variables, for the expression translator's `name_type`.

JSONata has one number type, so `h = a / 2; str(h)` can only print Python's "2.0" when the compiler knows `h` holds
a float; `summary["head"]` needs no `$type($summary) = "object"` test when `summary = get_summary(text)` and the
step says `-> dict[str, object]` (the step boundary holds a step to its annotation: pyawssfn/_step_types.py). A
variable gets a type when every assignment to it in the function gives that type: `static_type()` of the assigned
expression, with the other variables' types as known so far, or the return type of the step it is assigned from.
A workflow parameter starts with the type its annotation promises (checked when the execution starts:
compiler/types/parameters.py); anything bound otherwise (other parameters, unpacking, loop variables other than
range()'s) is unknown; `except ... as e`
binds the machine's error object {"Error": str, "Cause": str}. The types are a fixed point of those rules, so they
hold on every path: a value stored in the variable has the type the rules assumed for the names it was computed
from. Types are `compiler.types.Type`s or kind strings; they are joined structurally (two dict types with different
keys join to the keys both guarantee). Inside an if/elif/else branch, `narrowed_types` refines them by the tests.
"""
from __future__ import annotations

import ast
from typing import Callable

from pyawssfn.compiler.astwalk import child_nodes, index, walk
from pyawssfn.compiler.expressions import INPLACE
from pyawssfn.compiler.statement_kinds import unhandled
from pyawssfn.compiler.types.model import Maybe, Type, as_kind, join_all, same

_UNKNOWN = None
_MAX_ROUNDS = 20
_CAUGHT = "_pyawssfn_caught_error"
_PARAMETER = "_pyawssfn_parameter_type"   # the value a parameter starts with: its annotation's type
# What `except E as e` binds on the machine: {"Error": name, "Cause": message}, both always there (str(e), e.error
# and e.cause read them).
CAUGHT_ERROR = Type("dict", None, {"Error": (Type("str"), True), "Cause": (Type("str"), True)})

# The statement kinds _Sites has a rule for: the binding ones below, and those that bind nothing themselves (their
# parts are walked). Any other kind raises, so that a new construct cannot slip past the static types silently.
_STATEMENT_RULES = frozenset({
    ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.Import,
    ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Global, ast.Nonlocal,
    ast.Pass, ast.Expr, ast.If, ast.While, ast.Try, ast.Return, ast.Raise, ast.Break, ast.Continue, ast.Assert,
})


class _Sites(ast.NodeVisitor):
    """For each name the function binds: the expressions assigned to it (`sites`), and the names bound in untyped
    ways (`untyped`). Nested functions, classes and lambdas are scopes of their own: only their names bind here.
    An expression binds only through a walrus: the visit reads expressions only when the function has one
    (`walrus`; visiting each expression node, most of a workflow's, was most of the static types' time)."""

    def __init__(self, walrus: bool) -> None:
        self.sites: dict[str, list[ast.expr]] = {}
        self.untyped: set[str] = set()
        # the visit functions by node class, unbound (a bound method of self kept on self is a reference cycle)
        self._methods: dict[type, Callable[[_Sites, ast.AST], None]] = {}
        self._expression = _Sites._walrus_sites if walrus else _nothing
        self._children = child_nodes if walrus else _structure
        # the nodes still to visit, next last: every visit_ method ends with its generic_visit, which pushes the
        # node's children (ast.NodeVisitor's order, without a recursion per statement)
        self._todo: list[ast.AST] = []

    def run(self, body: list[ast.stmt]) -> None:
        """Visit the statements and what is in them."""
        todo = self._todo
        todo.extend(reversed(body))
        methods = self._methods
        while todo:
            node = todo.pop()
            method = methods.get(type(node))
            if method is None:
                method = self._method(node)
            method(self, node)

    def _method(self, node: ast.AST) -> Callable[[_Sites, ast.AST], None]:
        # ast.NodeVisitor's dispatch, its method found once per node class (the visit of every node of a large
        # workflow was a few percent of its compile)
        cls = type(node)
        if issubclass(cls, ast.stmt) and cls not in _STATEMENT_RULES:
            unhandled("static types", node)  # type: ignore[arg-type]  # raises, or nothing for this class
        method = self._methods[cls] = self._expression if issubclass(cls, ast.expr) else \
            getattr(_Sites, "visit_" + cls.__name__, _Sites.generic_visit)
        return method

    def generic_visit(self, node: ast.AST) -> None:
        children = self._children(node)
        if children:
            children.reverse()
            self._todo.extend(children)

    def _walrus_sites(self, node: ast.AST) -> None:
        """The walruses' binding sites in an expression, in the order a visit of it meets them (outside the
        lambdas and the comprehensions' own variables in it, which are scopes of their own)."""
        if isinstance(node, ast.Lambda):
            return
        if isinstance(node, ast.NamedExpr):
            self._bind(node.target, node.value)
        children = [node.iter, *node.ifs] if isinstance(node, ast.comprehension) else child_nodes(node)
        for child in children:
            self._walrus_sites(child)

    def _untyped_targets(self, t: ast.AST) -> None:
        self.untyped.update(n.id for n in walk(t) if isinstance(n, ast.Name))

    def _bind(self, target: ast.AST, value: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self.sites.setdefault(target.id, []).append(value)
        elif isinstance(target, (ast.Tuple, ast.List, ast.Starred)):
            self._untyped_targets(target)
        # d[k] = v and d.a = v mutate, they do not rebind: a list stays a list, a dict a dict.

    def visit_Assign(self, node: ast.Assign) -> None:
        for t in node.targets:
            self._bind(t, node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, node.value)
        else:
            self._untyped_targets(node.target)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):
            value = ast.BinOp(left=ast.Name(id=node.target.id, ctx=ast.Load()), op=node.op, right=node.value)
            ast.copy_location(value, node)
            setattr(value, INPLACE, True)
            self._bind(node.target, value)
        self.generic_visit(node)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        it = node.iter
        if (isinstance(node.target, ast.Name) and isinstance(it, ast.Call) and isinstance(it.func, ast.Name)
                and it.func.id == "range" and not it.keywords):
            self.sites.setdefault(node.target.id, []).append(ast.copy_location(ast.Constant(0), node))
        else:
            self._untyped_targets(node.target)
        self.generic_visit(node)

    visit_AsyncFor = visit_For

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:  # the machine's error object (compiler/lower/support.error_object), a dict of two strings
            marker = ast.copy_location(ast.Constant(None), node)
            setattr(marker, _CAUGHT, True)
            self.sites.setdefault(node.name, []).append(marker)
        self.generic_visit(node)

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            if item.optional_vars is not None:
                self._untyped_targets(item.optional_vars)
        self.generic_visit(node)

    visit_AsyncWith = visit_With

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        self.untyped.update((a.asname or a.name).split(".")[0] for a in node.names)

    visit_ImportFrom = visit_Import

    def visit_FunctionDef(self, node: ast.AST) -> None:
        self.untyped.add(node.name)  # type: ignore[attr-defined]

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_MatchAs(self, node: ast.MatchAs | ast.MatchStar) -> None:
        if node.name:
            self.untyped.add(node.name)
        self.generic_visit(node)

    visit_MatchStar = visit_MatchAs

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            self.untyped.add(node.rest)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global | ast.Nonlocal) -> None:
        self.untyped.update(node.names)

    visit_Nonlocal = visit_Global


def _binding_sites(fn: ast.FunctionDef) -> tuple[dict[str, list[ast.expr]], set[str], set[str]]:
    """For each name the function binds: the expressions assigned to it, the names bound in untyped ways, and the
    names whose object the function may change in place (`d[k] = v`, `del d[k]`, `xs.append(v)`, any method call,
    anywhere in it: nested scopes included): their kind stays, but what a type says of their items and keys may not
    (the aliasing check refuses a change through another name)."""
    found = index(fn)
    v = _Sites(found.has(ast.NamedExpr))
    v.run(fn.body)
    mutated: set[str] = set()
    for n in found.of(ast.Subscript, ast.Attribute):
        if isinstance(n.ctx, (ast.Store, ast.Del)):
            root = _root_name(n.value)
            if root is not None:
                mutated.add(root)
    for n in found.of(ast.Call):
        if isinstance(n.func, ast.Attribute):
            root = _root_name(n.func.value)
            if root is not None:
                mutated.add(root)
    return v.sites, v.untyped, mutated


def _nothing(sites: _Sites, node: ast.AST) -> None:
    """What visiting an expression does in a function without a walrus."""


# Where a statement's parts other than expressions stand: its blocks, its except clauses and match cases, and the
# patterns of those. Without a walrus only those bind (statements, except clauses, capture patterns), and a visit
# of a statement need not list its expressions (most of its parts) to skip them.
_STRUCTURE = frozenset(["body", "orelse", "finalbody", "handlers", "cases", "pattern", "patterns", "kwd_patterns"])
_structure_fields: dict[type, tuple[str, ...]] = {}


def _structure(node: ast.AST) -> list[ast.AST]:
    """``child_nodes(node)`` of a statement, except clause, match case or pattern, without its expressions."""
    cls = type(node)
    fields = _structure_fields.get(cls)
    if fields is None:
        fields = _structure_fields[cls] = tuple(f for f in cls._fields if f in _STRUCTURE)
    out: list[ast.AST] = []
    for name in fields:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            out.append(value)
        elif isinstance(value, list):
            out.extend([item for item in value if isinstance(item, ast.AST)])
    return out


def _root_name(e: ast.expr) -> str | None:
    """`d` for `d`, `d["a"]["b"]`, `d.a`: the variable whose object the expression is a part of."""
    while isinstance(e, (ast.Subscript, ast.Attribute)):
        e = e.value
    return e.id if isinstance(e, ast.Name) else None


def _step_call(value: ast.expr, step_types: dict) -> str | None:
    """The name of the step `value` calls directly (`step(...)`), when its return type is known."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in step_types:
        return value.func.id
    return None


def _bind_parameters(fn: ast.FunctionDef, sites: dict[str, list[ast.expr]], untyped: set[str],
                     param_types: dict[str, str]) -> None:
    """A parameter with a promised type starts with a value of it (one more binding site); any other is untyped."""
    a = fn.args
    for p in a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x]:
        if p.arg in param_types:
            start = ast.Constant(value=None)
            setattr(start, _PARAMETER, param_types[p.arg])
            sites.setdefault(p.arg, []).insert(0, start)
        else:
            untyped.add(p.arg)


def infer_name_types(fn: ast.FunctionDef | ast.Lambda, static_type: Callable[[ast.expr, Callable], str | None],
                     fixed: dict[str, str | None] | None = None, step_types: dict[str, str] | None = None,
                     call_type: Callable[[ast.Call], str | None] | None = None,
                     param_types: dict[str, str] | None = None) -> dict[str, str]:
    """{name: static type} for the function's variables whose type is the same after every assignment.

    `static_type(expr, name_type)` types an expression given a name -> type function; `fixed` gives the types of
    names the function reads but does not bind (module constants, an enclosing workflow's variables);
    `step_types` the return types of the steps (by the name they are called by) that their annotations promise;
    `call_type` the type of the value of other calls the caller knows (an author-API call such as sfn.map);
    `param_types` the types the entry check holds parameters to (compiler/types/parameters.py)."""
    if not isinstance(fn, ast.FunctionDef):
        return {}
    sites, untyped, mutated = _binding_sites(fn)
    _bind_parameters(fn, sites, untyped, param_types or {})
    steps = {k: v for k, v in (step_types or {}).items() if k not in untyped and k not in sites}
    rounds = _Rounds(sites, untyped, mutated, static_type, dict(fixed or {}), steps, call_type)
    # Start optimistic (each name typed by its assignments that type without help), then recompute from all
    # assignments until nothing changes; accept only a true fixed point.
    bound = set(sites) | untyped
    types: dict[str, str | None] = {n: rounds.join(n, {}, True) for n in bound}
    # A name's join reads the types of a few names only (`reads`): when none of those changed in the last round,
    # its join gives what it gave then (the memo of _Rounds.type_of would, after a scan of every site).
    reads: dict[str, set[str]] = {}
    changed: set[str] | None = None  # the names whose type the last round changed (None: all may have)
    for _ in range(_MAX_ROUNDS):
        new: dict[str, str | None] = {}
        for n in bound:
            got = reads.get(n)
            if changed is not None and got is not None and got.isdisjoint(changed):
                new[n] = types[n]
            else:
                got = reads[n] = set()
                new[n] = rounds.join(n, types, False, got)
        if all(same(new[n], types[n]) for n in bound):
            return {n: t for n, t in types.items() if t is not None}
        changed = {n for n in bound if not _identical(new[n], types[n])}
        types = new
    return {}


class _Rounds:
    """One round of infer_name_types: each name's type from its binding sites, given the types of the last round.

    The types of each site are kept with the types of the variables it read to get each: a later round gives the
    same answer without typing the expression again when those variables have the same types as in an earlier
    round (typing an expression is a whole translation of it; most types settle in the first round, and a name
    the optimistic first round typed and the second found untyped is untyped again, as in the first round)."""

    def __init__(self, sites: dict[str, list[ast.expr]], untyped: set[str], mutated: set[str],
                 static_type: Callable, fixed: dict[str, str | None], steps: dict[str, str],
                 call_type: Callable[[ast.Call], str | None] | None) -> None:
        self.sites, self.untyped, self.mutated = sites, untyped, mutated
        self.static_type, self.fixed, self.steps, self.call_type = static_type, fixed, steps, call_type
        self.bound = set(sites) | untyped
        self.memo: dict[int, list[tuple[str | None, list[tuple[str, str | None]]]]] = {}

    def join(self, name: str, types: dict[str, str | None], optimistic: bool,
             reads: set[str] | None = None) -> str | None:
        """The join of the name's sites' types; into `reads`, the names whose types it read."""
        if name in self.untyped:
            return _UNKNOWN
        found = []
        for value in self.sites[name]:
            read = reads if reads is not None else set()
            t = self.type_of(value, types, read)
            if t is None:
                # one untyped assignment leaves the name untyped: the others need no typing; in the optimistic
                # round, an untyped one may depend on names not typed yet (the later rounds decide), unless it
                # read none (a step's result): then it is untyped in every round
                if not optimistic or not read:
                    return _UNKNOWN
                continue
            found.append(t)
        t = join_all(found)
        return as_kind(t) if name in self.mutated else t

    def type_of(self, value: ast.expr, types: dict[str, str | None], names: set[str] | None = None) -> str | None:
        seen = self.memo.setdefault(id(value), [])
        for got, read in seen:
            if all(_identical(types.get(n), t) for n, t in read):
                if names is not None:
                    names.update([n for n, _ in read])
                return got
        reads: list[tuple[str, str | None]] = []
        got = self._site_type(value, types, reads)
        seen.append((got, reads))
        if names is not None:
            names.update([n for n, _ in reads])
        return got

    def _site_type(self, value: ast.expr, types: dict[str, str | None], reads: list) -> str | None:
        if getattr(value, _CAUGHT, False) or hasattr(value, _PARAMETER):
            return getattr(value, _PARAMETER, CAUGHT_ERROR)
        step = _step_call(value, self.steps)
        if step is not None:
            return self.steps[step]
        call_type = self.call_type
        known = call_type(value) if call_type is not None and isinstance(value, ast.Call) else None
        return known if known is not None else self.static_type(value, self._lookup(types, reads))

    def _lookup(self, types: dict[str, str | None], reads: list) -> Callable[[ast.Name], str | None]:
        bound, fixed = self.bound, self.fixed

        def name_type(node: ast.Name) -> str | None:
            if node.id in bound:
                t = types.get(node.id)
                reads.append((node.id, t))
                return t
            return fixed.get(node.id)
        return name_type


def _identical(a: str | None, b: str | None) -> bool:
    """`a` and `b` are the same type in every respect the translator can read (class, kind, item, keys in order):
    stricter than `same`, which takes a kind string for its Type."""
    if a is b:
        return True
    if a is None or type(a) is not type(b):
        return False
    if isinstance(a, Maybe):
        return _identical(a.inner, b.inner)  # type: ignore[union-attr]
    if not str.__eq__(a, b):  # type: ignore[arg-type]
        return False
    if not isinstance(a, Type):
        return True
    assert isinstance(b, Type)
    if not _identical(a.item, b.item):
        return False
    fa, fb = a.fields, b.fields
    if fa is None or fb is None:
        return fa is fb
    return list(fa) == list(fb) and all(fa[k][1] == fb[k][1] and _identical(fa[k][0], fb[k][0]) for k in fa)


# ------------------------------------------------------------------------------------------------------ narrowing
# isinstance(x, C) narrows only where JSON has one meaning for C: a JSON true is isinstance(x, int) in Python, and
# 2.0 arrives as 2, so int and float are never narrowed to from an unknown type.
_ISINSTANCE_KINDS = {"str": "str", "bool": "bool", "list": "list", "dict": "dict"}


def narrowing(test: ast.expr, name_type: Callable[[str], str | None]) -> tuple[dict, dict]:
    """({name: type} where `test` is true, {name: type} where it is false): what `x is None`, `x is not None`,
    `isinstance(x, C)`, `if x:` and their `not`/`and`/`or` combinations say of the names they test. The caller
    applies them to a branch only for the names the branch does not assign."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        yes, no = narrowing(test.operand, name_type)
        return no, yes
    if isinstance(test, ast.BoolOp):
        parts = [narrowing(v, name_type) for v in test.values]
        if isinstance(test.op, ast.And):  # all were true; nothing is known of which one was false
            return _merge([p[0] for p in parts]), {}
        return {}, _merge([p[1] for p in parts])
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.left, ast.Name) \
            and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None \
            and isinstance(test.ops[0], (ast.Is, ast.IsNot)):
        name = test.left.id
        t = name_type(name)
        inner = t.inner if isinstance(t, Maybe) else None
        none: dict = {name: Type("none")}
        not_none: dict = {name: inner} if inner is not None else {}
        return (none, not_none) if isinstance(test.ops[0], ast.Is) else (not_none, none)
    if isinstance(test, ast.Name):  # truthy: not None
        t = name_type(test.id)
        return ({test.id: t.inner} if isinstance(t, Maybe) else {}), {}
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance" \
            and len(test.args) == 2 and not test.keywords and isinstance(test.args[0], ast.Name):
        return _isinstance(test.args[0].id, test.args[1], name_type), {}
    return {}, {}


def _isinstance(name: str, cls: ast.expr, name_type: Callable[[str], str | None]) -> dict:
    if not isinstance(cls, ast.Name):
        return {}
    t = name_type(name)
    if isinstance(t, Maybe) and t.inner == cls.id:
        return {name: t.inner}
    kind = _ISINSTANCE_KINDS.get(cls.id)
    if kind is None or (t is not None and not isinstance(t, Maybe)):
        return {}  # a known type is not narrowed further (and an int/float never)
    return {name: Type(kind)}


def _merge(parts: list[dict]) -> dict:
    out: dict = {}
    for p in parts:
        out.update(p)
    return out


def assigned_names(body: list[ast.stmt]) -> set[str]:
    """Names a block may rebind or change in place (a narrowing does not hold past either)."""
    holder = ast.FunctionDef(name="_", args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[],
                                                          defaults=[]), body=body, decorator_list=[])
    sites, untyped, mutated = _binding_sites(holder)
    return set(sites) | untyped | mutated


def narrowed_types(types: dict, false_tests: list[ast.expr], true_test: ast.expr | None,
                   body: list[ast.stmt]) -> dict:
    """`types` inside a branch that runs when each of `false_tests` was false and `true_test` (if any) true: an
    `elif` body, or the final `else` with true_test None. Names the branch rebinds or changes keep their types.
    `types` itself when no test narrows a name (the caller only reads the result)."""
    # Only the names a test narrowed can differ from `types` (a branch's assignments only undo a narrowing):
    # computing those (not copying every variable of the workflow for every if) keeps a long workflow's lowering
    # linear.
    changed: dict = {}

    def current(name: str):
        return changed[name] if name in changed else types.get(name)

    for t in false_tests:
        changed.update(narrowing(t, current)[1])
    if true_test is not None:
        changed.update(narrowing(true_test, current)[0])
    if not changed:
        return types
    for name in assigned_names(body):
        if name in changed and not same(changed[name], types.get(name)):
            changed[name] = types.get(name)
    out = dict(types)
    for name, t in changed.items():  # `types` holds no None (infer_name_types and this function leave none)
        if t is None:
            out.pop(name, None)
        else:
            out[name] = t
    return out
