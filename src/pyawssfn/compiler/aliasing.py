"""Refuse in-place changes that Python would make visible through another name.

A Step Functions variable holds a copy of a JSON value; a Python variable holds a reference. After ``ys = xs`` (or
``d["k"] = xs``, ``rows.append(xs)``, ``for row in rows``), changing the object in place (``xs.append(1)``,
``row["done"] = True``) changes what the other name sees in Python but not in the machine. The check walks the
function in execution order (loop bodies twice, both branches of an if) tracking which names may share their
object (``aliased``) or contain objects shared with something else (``deep``), and reports a change in place of such
a name. Fresh values (literals, step results, arithmetic) break the sharing.

This module says what each statement adds to and removes from those sets; alias_flow.py records that once per
statement and computes what the walk in execution order would report, without walking any body twice."""
from __future__ import annotations

import ast
from typing import Callable

from pyawssfn.compiler.alias_flow import Recorder, replay
from pyawssfn.compiler.astwalk import index, mentions, walk
from pyawssfn.compiler.statement_kinds import unhandled
from pyawssfn.compiler.statement_spans import Spans, spans_of

_MUTATING = {"append", "extend", "update", "insert", "pop", "remove", "clear", "sort", "reverse", "setdefault",
             "popitem", "add", "discard"}
_SHALLOW_COPIES = {"list", "dict", "sorted", "tuple", "reversed"}


# What a sequence repeated with * shares: its items with the other copies of them (``[[0] * 2] * 2``).
_REPEATED = "\x00repeated"


# Expressions whose value holds no object (a literal, a comparison: a bool): shared with nothing. A name's is its
# own object; it contains or shares nothing else.
_LEAVES = frozenset({ast.Constant, ast.Compare})
_NAME_OR_LEAF = _LEAVES | {ast.Name}

# The one object a chained assignment binds to each of its targets.
_CHAINED = "\x00chained"


# Builtins whose value holds no object of their arguments (numbers, strings, a range of ints).
_FRESH_SCALARS = frozenset({"range", "len", "str", "int", "float", "bool", "abs", "round", "repr", "format"})


class AliasCheck:
    def __init__(self, report: Callable[[ast.AST, str, str], None], is_step: Callable[[ast.Call], bool],
                 shares: Callable[[ast.Call], ast.expr | None] = lambda c: None,
                 scalar: Callable[[str], bool] = lambda name: False):
        self.report = report
        self.scalar = scalar  # the variable is known to hold a number, string or bool (static_types)
        self.given_scalars: set[str] = set()
        self.is_step = is_step
        self.shares = shares  # what a step's result may share with its arguments under CPython (step_mutation)
        self.flow = Recorder()   # what each statement adds to and removes from the sets (alias_flow.py)
        self.finally_depth = 0
        self.iterating: list[str] = []   # containers a for loop is iterating over, innermost last
        # the names the check may ask about (changed_names); None: any. What a statement adds to the sets for
        # other names can never be reported, so a binding that involves none of these need not be analysed
        self.relevant: set[str] | None = None
        # where the relevant names are named (statement_spans.py): a statement naming none records nothing
        # (see skips), so the check passes over it; None: visit every statement
        self.naming: Spans | None = None

    def involves(self, name: str | None, value: ast.AST | None) -> bool:
        """Whether binding ``name`` (or storing, None) to ``value`` can change what the sets say of a relevant
        name: the name is one, or the value reads one (a step's proxy reads only the call's own arguments)."""
        relevant = self.relevant
        if relevant is None or name in relevant:
            return True
        cls = type(value)
        if cls is ast.Name:  # the usual values first: no walk
            return value.id in relevant  # type: ignore[union-attr]
        if cls is ast.Constant or value is None:
            return False
        if cls is ast.BinOp and type(value.left) in _NAME_OR_CONSTANT \
                and type(value.right) in _NAME_OR_CONSTANT:  # type: ignore[union-attr]
            return _mentioned(value.left, relevant) or _mentioned(value.right, relevant)  # type: ignore
        return mentions(value, relevant)  # type: ignore[arg-type]

    # -- what an expression's value shares
    def top_names(self, e: ast.AST) -> set[str]:
        """Names whose object the value of ``e`` may be."""
        cls = type(e)
        if cls is ast.Name:  # the usual cases first (the checks below cost more than they do)
            # a number or string cannot change in place
            return set() if self.scalar(e.id) else {e.id}  # type: ignore[attr-defined]
        if cls in _LEAVES:
            return set()
        if isinstance(e, ast.Call) and self.is_step(e):
            e = self.shares(e)
            if e is None:
                return set()
        if isinstance(e, ast.Name):  # a step's result that is one of its arguments
            return set() if self.scalar(e.id) else {e.id}
        if isinstance(e, ast.IfExp):
            return self.top_names(e.body) | self.top_names(e.orelse)
        if isinstance(e, ast.BoolOp):
            return set().union(*(self.top_names(v) for v in e.values))
        if isinstance(e, ast.Subscript):
            # an element of another object: shared, but with no name of its own; or one of the objects a value
            # holds (`[xs, ys][0]`, `{"a": xs}["a"]`, `sorted(rows)[0]`)
            held = set() if isinstance(e.slice, ast.Slice) else self.contained(e.value)
            return {"\x00element"} | held
        if isinstance(e, ast.Call) and isinstance(e.func, ast.Attribute) and e.func.attr in ("get", "setdefault"):
            default = e.args[1] if len(e.args) > 1 else None
            return {"\x00element"} | (self.top_names(default) if default is not None else set())
        if isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and e.func.id in ("min", "max"):
            # one of the arguments, or an item of the one iterable
            if len(e.args) == 1:
                return self.contained(e.args[0]) | {"\x00element"}
            return set().union(*(self.top_names(a) for a in e.args)) | \
                set().union(*(self.top_names(k.value) for k in e.keywords if k.arg == "default"))
        return set()

    def contained(self, e: ast.AST) -> set[str]:
        """Names whose object becomes an element of the value of ``e`` (container literals)."""
        out: set[str] = set()
        if type(e) in _NAME_OR_LEAF:
            return out
        if isinstance(e, ast.Call) and self.is_step(e):
            e = self.shares(e)
            if e is None:
                return out
        if isinstance(e, (ast.List, ast.Tuple, ast.Set)):
            for x in e.elts:
                x = x.value if isinstance(x, ast.Starred) else x
                out |= self.top_names(x) | self.contained(x)
        elif isinstance(e, ast.Dict):
            for k, v in zip(e.keys, e.values):
                if k is not None:  # {**d} copies d's entries: that shares d's elements, not d
                    out |= self.top_names(v) | self.contained(v)
                else:  # ... but the objects a display unpacked there holds become entries ({**{"r": rows}})
                    out |= self.contained(v)
        elif isinstance(e, ast.BinOp):  # [xs] * 2, [xs] + ys: the displays' items are the result's items
            out |= self.contained(e.left) | self.contained(e.right)
        elif isinstance(e, ast.IfExp):
            out |= self.contained(e.body) | self.contained(e.orelse)
        elif isinstance(e, ast.BoolOp):
            for v in e.values:
                out |= self.contained(v)
        else:
            out |= self._held(e)
        return out

    def _held(self, e: ast.AST) -> set[str]:
        """Names whose object becomes an element (at some depth) of the value of a subscript, a call or a
        comprehension: `[xs][0:1]`, `list(zip([xs], ys))`, `dict(a=xs)`, `[xs for _ in r]`."""
        out: set[str] = set()
        if isinstance(e, ast.Subscript):
            out |= self.contained(e.value)
        elif isinstance(e, ast.Call) and not self.is_step(e) and not (
                isinstance(e.func, ast.Name) and e.func.id in _FRESH_SCALARS):
            holds_args = isinstance(e.func, ast.Name) and e.func.id in ("dict", "zip", "enumerate")
            for a in [*e.args, *(k.value for k in e.keywords)]:
                a = a.value if isinstance(a, ast.Starred) else a
                out |= self.contained(a) | ((self.top_names(a) - {"\x00element"}) if holds_args and not (
                    a in e.args and e.func.id == "dict") else set())  # type: ignore[attr-defined]
        elif isinstance(e, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            parts = [e.key, e.value] if isinstance(e, ast.DictComp) else [e.elt]
            own = {n for g in e.generators for n in _names(g.target)}
            for x in parts:
                out |= (self.top_names(x) | self.contained(x)) - own
            for g in e.generators:  # the items of the iterable, when the element is (or holds) the loop variable
                out |= self.contained(g.iter)
        return out

    def elements_shared(self, e: ast.AST) -> set[str]:
        """Names whose elements the value of ``e`` may share (shallow copies, concatenation, subscripts)."""
        out: set[str] = set()
        if type(e) in _NAME_OR_LEAF:
            return out
        if isinstance(e, (ast.List, ast.Tuple, ast.Set)):
            for x in e.elts:
                out |= self.elements_shared(x.value if isinstance(x, ast.Starred) else x)
        elif isinstance(e, ast.Dict):
            for k, v in zip(e.keys, e.values):
                out |= self.elements_shared(v) | (self.top_names(v) if k is None else set())
        elif isinstance(e, ast.Subscript):
            depth, base = 1, e.value
            while isinstance(base, ast.Subscript):
                depth, base = depth + 1, base.value
            if isinstance(base, ast.Name):
                # d[a][b] is d's object at depth 2: only changes in place at that depth or deeper are visible
                out.add(_at_depth(base.id, depth))
            else:
                out |= self.top_names(e.value) | self.elements_shared(e.value)
        elif isinstance(e, ast.Call):
            if self.is_step(e):
                proxy = self.shares(e)
                return self.elements_shared(proxy) if proxy is not None else set()
            if isinstance(e.func, ast.Name) and e.func.id in _FRESH_SCALARS:
                return out  # range(n), len(xs), str(x): numbers and strings, nothing to share
            for a in e.args:
                out |= self.top_names(a) | self.elements_shared(a)
            if isinstance(e.func, ast.Attribute):
                out |= self.top_names(e.func.value)
        elif isinstance(e, ast.BinOp):
            for x in (e.left, e.right):
                out |= self.top_names(x) | self.elements_shared(x)
            if isinstance(e.op, ast.Mult):
                out.add(_REPEATED)  # [[0]] * 2: the copies share each item with one another
        elif isinstance(e, ast.IfExp):
            out |= self.elements_shared(e.body) | self.elements_shared(e.orelse)
        elif isinstance(e, ast.BoolOp):
            for v in e.values:
                out |= self.elements_shared(v)
        elif isinstance(e, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            for g in e.generators:
                out |= self.top_names(g.iter) | self.elements_shared(g.iter)
        return out

    def store(self, value: ast.AST) -> None:
        """``value`` is now also reachable from somewhere else."""
        if not self.involves(None, value):
            return
        self.flow.gen_aliased(self.top_names(value) | self.contained(value))
        self.flow.gen_deep(self.elements_shared(value))

    def bind(self, name: str, value: ast.AST | None) -> None:
        if not self.involves(name, value):
            return
        if value is not None:
            top, contained = self.top_names(value), self.contained(value)
            if top == {name} and not contained:
                return  # the same object again (xs = ident(xs), a step returning its argument): shared as it was
        flow = self.flow
        flow.kill(name)
        if value is None:
            flow.gen_aliased((name,))
            flow.gen_deep((name,))
            return
        shared = self.elements_shared(value)
        if top:
            flow.gen_aliased((name,))
        if top or contained or shared:
            flow.gen_deep((name,))
        flow.gen_aliased(top | contained)
        flow.gen_deep(shared)

    def mutate(self, node: ast.AST, target: ast.AST) -> None:
        whole = target
        depth = 0
        while isinstance(target, ast.Subscript):
            target = target.value
            depth += 1
        if not isinstance(target, ast.Name):
            return
        name = target.id
        # (the recorded reports capture `report`, not self: self holds them, through self.flow)
        report = self.report
        if depth == 0 and name in self.iterating:
            self.flow.say(lambda: report(
                node, f"in-place change of {name!r} while a for loop iterates over it (Python fails or sees the "
                      "change; the state machine iterates a copy)",
                f"collect the changes in another variable and apply them after the loop"))
            return
        # shared if name is in aliased, or (depth > 0) in deep at a depth down to this one
        self.flow.check(name, depth, lambda: _shared_change(report, node, whole, name, depth))

    def into_itself(self, node: ast.AST, target: ast.AST, values: list[ast.expr], whole: bool,
                    parts: list[tuple[set[str], set[str], set[str]]] | None = None) -> None:
        """Refuse storing a container inside itself (`xs.append(xs)`, `d["k"] = d`, `xs += [xs]`): Python makes an
        object that contains itself (returning it or passing it to a step fails, `xs[1][1]` works), the machine
        stores a copy of the value as it was."""
        while isinstance(target, ast.Subscript):
            target = target.value
        if not isinstance(target, ast.Name):
            return
        name = target.id
        report = self.report
        for i, v in enumerate(values):
            top, contained = (parts[i][0], parts[i][1]) if parts is not None else (self.top_names(v), self.contained(v))
            if name in contained | (top if whole else set()):
                self.flow.say(lambda: report(
                    node, f"{name!r} is stored inside itself (Python makes an object that contains itself; the "
                          "state machine stores a copy of its value)",
                    f"store a copy: {name} + [] for a list, {{**{name}}} for a dict"))

    # -- statements
    def block(self, stmts: list[ast.stmt]) -> None:
        naming = self.naming
        for s in stmts:
            if naming is None or naming.holds_any(s):
                self.stmt(s)

    def stmt(self, s: ast.stmt) -> None:
        self.flow.statement += 1
        cls = type(s)
        method = _STATEMENT_METHODS.get(cls)
        if method is None:
            method = getattr(AliasCheck, "stmt_" + cls.__name__, None)
            if method is None:
                unhandled("aliasing", s)   # nothing to do for a kind the lowerer refuses
                return
            _STATEMENT_METHODS[cls] = method
        method(self, s)

    def stmt_Pass(self, s: ast.stmt) -> None:
        """Shares nothing."""

    # raise, assert and break/continue only read values; a nested function (a parallel branch) is checked when
    # its own lowerer runs.
    stmt_Break = stmt_Continue = stmt_Raise = stmt_Assert = stmt_FunctionDef = stmt_Pass

    def stmt_Assign(self, s: ast.Assign) -> None:
        for t in s.targets:
            self.target(t, s.value, s)
        if len(s.targets) > 1:  # a = b = []: one object under every target, as after a = []; b = a
            for t in s.targets:
                self.target(t, ast.Name(id=_CHAINED), s)

    def stmt_AnnAssign(self, s: ast.AnnAssign) -> None:
        if s.value is not None:
            self.target(s.target, s.value, s)

    def aug_changes(self, s: ast.AugAssign) -> bool:
        """Whether stmt_AugAssign of `name op= value` changes the name's object in place (mutate(): a name it may
        report), not just rebinds it (`total += 1` of a number)."""
        return isinstance(s.op, ast.Add) and isinstance(s.value, (ast.List, ast.ListComp, ast.Tuple)) or \
            isinstance(s.op, (ast.Add, ast.Mult)) and not self.scalar(s.target.id) and \
            s.target.id not in self.given_scalars  # type: ignore[attr-defined]

    def stmt_AugAssign(self, s: ast.AugAssign) -> None:
        if isinstance(s.target, ast.Name):
            if isinstance(s.op, ast.Add) and isinstance(s.value, (ast.List, ast.ListComp, ast.Tuple)):
                self.mutate(s, s.target)
                self.into_itself(s, s.target, [s.value], False)
                self.store(s.value)
            elif isinstance(s.op, (ast.Add, ast.Mult)) and not self.scalar(s.target.id) and \
                    s.target.id not in self.given_scalars:
                self.mutate(s, s.target)  # `xs += ys`, `xs *= 2` change the list xs is, in place (a number is rebound)
                self.flow.gen_deep(self.top_names(s.value) | self.elements_shared(s.value) | self.contained(s.value))
        elif isinstance(s.target, ast.Subscript):
            self.mutate(s, s.target.value)
            if isinstance(s.op, ast.Add) and isinstance(s.value, (ast.List, ast.ListComp, ast.Tuple)):
                self.mutate(s, s.target)  # `x[0] += [1]` extends the list x[0] is, in place
                self.into_itself(s, s.target, [s.value], False)
                self.store(s.value)

    def stmt_Expr(self, s: ast.Expr) -> None:
        if not (isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Attribute)
                and s.value.func.attr in _MUTATING):
            return
        call = s.value
        self.mutate(s, call.func.value)
        whole = call.func.attr in ("append", "insert", "add", "setdefault")
        # what each argument's value shares, asked once (the checks below ask it up to three times; the answers
        # depend on the expression alone)
        parts = [(self.top_names(a), self.contained(a), self.elements_shared(a)) for a in call.args]
        self.into_itself(s, call.func.value, call.args, whole, parts)
        flow = self.flow
        for a, (top, contained, shared) in zip(call.args, parts):
            if whole:
                if self.involves(None, a):  # store(a)
                    flow.gen_aliased(top | contained)
                    flow.gen_deep(shared)
            else:  # extend/update: the elements are shared
                flow.gen_deep(top | shared | contained)
                flow.gen_aliased(contained)
        base = call.func.value
        while isinstance(base, ast.Subscript):
            base = base.value
        if isinstance(base, ast.Name) and any(top | contained | shared for top, contained, shared in parts):
            flow.gen_deep((base.id,))

    def stmt_For(self, s: ast.For) -> None:
        is_range = isinstance(s.iter, ast.Call) and isinstance(s.iter.func, ast.Name) and \
            s.iter.func.id == "range"
        iterated = _iterated_names(s.iter)
        self.iterating.extend(iterated)
        self.flow.open_loop()  # an iteration: the target bound to an item, then the body
        for n in _names(s.target):
            if is_range:
                self.bind(n, ast.Constant(value=0))
            else:
                self.flow.gen_aliased((n,))
                self.flow.gen_deep((n,))
        if not is_range:
            self.flow.gen_deep(self.top_names(s.iter) | self.elements_shared(s.iter))
        self.block(s.body)
        self.flow.close_loop()
        for _ in iterated:
            self.iterating.pop()
        self.block(s.orelse)

    def stmt_While(self, s: ast.While) -> None:
        self.flow.open_loop()
        self.block(s.body)
        self.flow.close_loop()
        self.block(s.orelse)

    def stmt_If(self, s: ast.If) -> None:
        self.block(s.body)
        self.block(s.orelse)

    def stmt_Try(self, s: ast.Try) -> None:
        if s.finalbody:
            self.finally_depth += 1
        self.block(s.body)
        for h in s.handlers:
            if h.name:
                self.bind(h.name, ast.Constant(value=None))
            self.block(h.body)
        self.block(s.orelse)
        if s.finalbody:
            self.finally_depth -= 1
        self.block(s.finalbody)

    def stmt_Return(self, s: ast.Return) -> None:
        if s.value is not None and self.finally_depth:
            self.store(s.value)

    def target(self, t: ast.AST, value: ast.AST, s: ast.stmt) -> None:
        if isinstance(t, ast.Name):
            self.bind(t.id, value)
        elif isinstance(t, (ast.Tuple, ast.List)):
            if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(t.elts):
                for sub_t, sub_v in zip(t.elts, value.elts):
                    self.target(sub_t, sub_v, s)
            else:
                shared = bool(self.top_names(value) | self.contained(value) | self.elements_shared(value))
                for n in _names(t):
                    self.bind(n, None if shared else ast.Constant(value=None))
        elif isinstance(t, ast.Subscript):
            self.mutate(s, t.value)  # d[k] = v changes d itself
            self.into_itself(s, t.value, [value], True)
            self.store(value)
            base, depth = t, 0
            while isinstance(base, ast.Subscript):
                base, depth = base.value, depth + 1
            if isinstance(base, ast.Name):
                # the value lands at `depth` in base: shared itself, or only through its elements one level down
                if self.top_names(value) or self.contained(value):
                    self.flow.gen_deep((_at_depth(base.id, depth),))
                elif self.elements_shared(value):
                    self.flow.gen_deep((_at_depth(base.id, depth + 1),))


def _shared_change(report: Callable[[ast.AST, str, str], None], node: ast.AST, target: ast.AST, name: str,
                   depth: int) -> None:
    changed = ast.unparse(target)
    what = repr(name) if depth == 0 else f"an element of {name!r}"
    hint = (f"copy it first: {name} = {name} + [] for a list, {name} = {{**{name}}} for a dict" if depth == 0
            else f"assign a new value instead of changing it in place: {changed} = {changed} + [item] "
                 f"for a list, {changed} = {{**{changed}, key: value}} for a dict")
    report(node, f"in-place change of {what}, whose value may also be reached "
                 "through another name or container (Python shares the object; the state machine "
                 "copies values)", hint)


# AliasCheck's statement method of each statement class (a function of the class: found once)
_STATEMENT_METHODS: dict[type, Callable[[AliasCheck, ast.stmt], None]] = {}
_NAME_OR_CONSTANT = frozenset([ast.Name, ast.Constant])


def _mentioned(e: ast.expr, names: set[str]) -> bool:
    """mentions() of a Name or a Constant."""
    return type(e) is ast.Name and e.id in names  # type: ignore[attr-defined]


def _at_depth(name: str, depth: int) -> str:
    """An entry of AliasCheck.deep: objects of `name` at `depth` (1: its elements) and below may be shared."""
    return name if depth <= 1 else f"{name}\x00{depth}"


def _iterated_names(it: ast.AST) -> list[str]:
    """The variables whose object a for loop iterates: xs in `for x in xs`, d in `d.items()`, `enumerate(xs)`..."""
    if isinstance(it, ast.Name):
        return [it.id]
    if isinstance(it, ast.Call):
        if isinstance(it.func, ast.Attribute) and it.func.attr in ("items", "keys", "values") and \
                isinstance(it.func.value, ast.Name):
            return [it.func.value.id]
        if isinstance(it.func, ast.Name) and it.func.id in ("enumerate", "zip", "reversed"):
            return [a.id for a in it.args if isinstance(a, ast.Name)]
    return []


def _names(t: ast.AST) -> list[str]:
    return [n.id for n in walk(t) if isinstance(n, ast.Name)]


def check_aliasing(fn: ast.FunctionDef, report: Callable[[ast.AST, str, str], None],
                   is_step: Callable[[ast.Call], bool],
                   shares: Callable[[ast.Call], ast.expr | None] = lambda c: None,
                   scalar: Callable[[str], bool] = lambda name: False) -> None:
    check = AliasCheck(report, _once(is_step), _once(shares), scalar)
    # names some assignment gives a number or a string (`total = 0`): `total += f(x)` rebinds them, as far as can
    # be told without their type
    check.given_scalars = {t.id for n in index(fn).of(ast.Assign, ast.AnnAssign)
                           if isinstance(n.value, (ast.Constant, ast.JoinedStr))
                           for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                           if isinstance(t, ast.Name)}
    check.relevant = changed_names(fn, check.aug_changes)
    check.naming = _naming(fn, check.relevant)
    check.block(fn.body)
    replay(check.flow.ops)


def changed_names(fn: ast.FunctionDef, aug_changes: Callable[[ast.AugAssign], bool] = lambda s: True) -> set[str]:
    """The names the check may report a change of (at least): the variable a subscript or attribute assigned or
    deleted is part of (`d[k] = v`, `x[0] += [1]`), the object of a method call that may change it (`xs.append`),
    and each name an augmented assignment targets (`xs += ys`) where `aug_changes` says it may change it in place,
    anywhere in the function (mutate() asks the sets of no other name)."""
    found = index(fn)
    out: set[str] = set()
    for n in found.of(ast.Subscript, ast.Attribute):
        if not isinstance(n.ctx, ast.Load):
            out.add(_root(n))
    for n in found.of(ast.Call):
        if isinstance(n.func, ast.Attribute) and n.func.attr in _MUTATING:
            out.add(_root(n.func.value))
    out.update(n.target.id for n in found.of(ast.AugAssign) if isinstance(n.target, ast.Name) and aug_changes(n))
    out.discard("")
    return out


def _naming(fn: ast.FunctionDef, relevant: set[str]) -> Spans | None:
    """Where the function names one of the relevant names: a Name node, or an except clause binding it.

    A statement naming none of them records only what concerns other names (bind and store do nothing when
    `involves` finds no relevant name; mutate and into_itself act on a changed name, a relevant one; a for loop's
    additions for its target and iterable, and a loop's own summary, are entries of other names, which no check
    reads), and the reports are ordered by the statements' order alone: passing over it changes no report."""
    found = index(fn)
    if any(issubclass(cls, ast.stmt) and getattr(AliasCheck, "stmt_" + cls.__name__, None) is None
           for cls in found.classes()):
        return None  # a kind without a rule: every statement is visited (stmt() tells a lowered one, unhandled)
    return spans_of([n for n in found.of(ast.Name) if n.id in relevant] +
                    [h for h in found.of(ast.ExceptHandler) if h.name in relevant])


def _root(e: ast.AST) -> str:
    """`d` for `d`, `d[k][j]`, `d.a[k]`; "" for any other expression."""
    while isinstance(e, (ast.Subscript, ast.Attribute)):
        e = e.value
    return e.id if isinstance(e, ast.Name) else ""


def _once(answer: Callable[[ast.Call], object]) -> Callable:
    """``answer`` asked once per call node: the check asks is_step and shares of a call again for each thing it
    wants to know of its value (a step's proxy is a substitution into the step's return values). The nodes asked
    of are the function's own, or those of a proxy kept here: alive, so no id is reused while the check runs."""
    memo: dict[int, tuple[ast.Call, object]] = {}

    def asked(call: ast.Call):
        got = memo.get(id(call))
        if got is None or got[0] is not call:
            got = memo[id(call)] = (call, answer(call))
        return got[1]
    return asked
