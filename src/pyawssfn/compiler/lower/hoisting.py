"""Hoisting: the step calls (and author-API calls) inside an expression become states, in Python's evaluation order,
and the expression reads their results; calls that cannot run in a workflow are refused here."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any, Callable

from pyawssfn.compiler import predicates
from pyawssfn.compiler.astwalk import child_nodes, walk
from pyawssfn.compiler.expressions.core import MAY_TUPLE
from pyawssfn.compiler.frontend import PREDICATES
from pyawssfn.compiler.ir import Exit, Pass, can_fail
from pyawssfn.compiler.lower import calls, errors, maps
from pyawssfn.compiler.lower.hoist_facts import Facts, own_copy, refusal
from pyawssfn.compiler.lower.nonlocalcontrol import CAUSELESS_FAIL, OWN_FAIL
from pyawssfn.compiler.lower.support import Abort, message_of, paren, weak
from pyawssfn.compiler.static_types import CAUGHT_ERROR, Type
from pyawssfn.jsonata.tree import Expr

if TYPE_CHECKING:
    from pyawssfn.compiler.lower.builder import FunctionLowerer

# Marks the lambda of sorted(..., key=lambda x: ...), the one place a lambda is an expression of its own.
_SORT_KEY = "pyawssfn_sort_key"


def message_of_caught(builder: FunctionLowerer, var: ast.Name) -> ast.Name:
    """``str(e)`` (``e.cause``, ``f"{e}"``) of a caught error, decoded where it is read: the Catch binds the error
    output as it is (support.CAUGHT), whose Cause is Lambda's error JSON for a step's error."""
    from_lambda = var.id in builder.lambda_caught  # its Cause is Lambda's error JSON (try_statements.lambda_only)
    b = weak(builder)
    syn = builder.syn(lambda: message_of(paren(b.render(caught_object(b, var), b.cur_env)), from_lambda))
    builder.synthetic_types[syn.id] = Type("str")  # message_of always gives a string
    return syn


def str_of_caught(builder: FunctionLowerer, var: ast.Name, at: ast.AST) -> ast.Name:
    """``str(e)`` / ``f"{e}"``: its message, except where the clause catches sfn.Fail, whose str() is
    "error: cause" in Python (the error alone without a cause), which the machine's caught error does not tell
    apart from a step's error whose message is that text."""
    classes, e = builder.caught.get(var.id, ()), var.id
    if "Fail" in classes:
        builder.report(at, f"str({e}) of an sfn.Fail is 'error: cause' in Python, not its cause",
                       f"write {e}.cause for its cause and {e}.error for its name")
        raise Abort()
    if OWN_FAIL in classes:  # `except Exception as e` around a `raise sfn.Fail(...)` of the workflow's own
        builder.report(at, f"str({e}) may be of the sfn.Fail this try raises, which is 'error: cause' in Python "
                       "and its cause on the machine",
                       "catch it first in a clause of its own, `except sfn.Fail as f:`, and read f.error and "
                       "f.cause there")
        raise Abort()
    return message_of_caught(builder, var)


def fail_only(classes: list[str] | None) -> bool:
    """Whether an except clause catching `classes` sees only sfn.Fail, the one exception with .error and .cause
    (on any other, plain Python raises AttributeError)."""
    return bool(classes) and all(c == "Fail" or c == CAUSELESS_FAIL for c in classes)


def caught_object(builder: FunctionLowerer, var: ast.Name) -> ast.Name:
    """The Catch's error output {"Error", "Cause"} that ``except ... as e`` binds, read where Python reads one of the
    exception's fields: the name ``e`` itself is refused as a value inside its handler (builder.resolve)."""
    if var.id not in builder.vars:
        return var
    asl_var = builder.vars[var.id]
    b = weak(builder)
    syn = builder.syn(lambda: b.render(b.var_name(asl_var), b.cur_env))
    builder.synthetic_types[syn.id] = CAUGHT_ERROR  # {"Error": str, "Cause": str}: read without guards
    return syn


def _slots(node: ast.AST) -> list[tuple[str, int | None]]:
    """Where an expression's parts are, in the order Python evaluates them (a dict's keys and values in turn, a
    method's object before the arguments)."""
    if isinstance(node, ast.Dict):
        return [(f, i) for i in range(len(node.values)) for f in ("keys", "values")
                if f == "values" or node.keys[i] is not None]
    slots: list[tuple[str, int | None]] = []
    for name in node._fields:  # (ast.iter_fields without its generator)
        value = getattr(node, name, _MISSING)
        if value is _MISSING:
            continue
        if isinstance(value, list):
            slots += [(name, i) for i, v in enumerate(value) if isinstance(v, (ast.expr, ast.keyword))]
        elif isinstance(value, ast.expr):
            slots.append((name, None))
    if isinstance(node, ast.Call) and len(slots) > 2:  # (the func first: so already with one argument)
        slots.sort(key=lambda sl: (sl[0] != "func", _position(_get(node, sl))))
    return slots


_MISSING = object()


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def _get(node: ast.AST, slot: tuple[str, int | None]) -> ast.AST:
    value = getattr(node, slot[0])
    return value if slot[1] is None else value[slot[1]]


def _set(node: ast.AST, slot: tuple[str, int | None], new: ast.AST) -> None:
    if slot[1] is None:
        setattr(node, slot[0], new)
    else:
        getattr(node, slot[0])[slot[1]] = new


def _with_value(node: ast.AST, first):
    """``first`` applied to the value a part evaluates: a keyword's, a starred item's, an f-string field's, a
    method's object; a part that is not a value of its own is left as it is."""
    if isinstance(node, (ast.keyword, ast.Starred, ast.FormattedValue, ast.Attribute)):
        node = own_copy(node)  # a part the hoister left as it is is the source's own node
        node.value = first(node.value)
        return node
    if isinstance(node, ast.Slice):
        return node
    return first(node)


def _tuple_marked(name: ast.expr, call: ast.Call) -> ast.expr:
    """The name of a step call's result, marked as the call is (a step that may return a tuple: tuples.py)."""
    mark = getattr(call, MAY_TUPLE, None)
    if mark:
        setattr(name, MAY_TUPLE, mark)
    return name


_VISITS: dict[type, Callable[[Hoister, Any], ast.AST]] = {}  # node class -> Hoister's method for it


class Hoister(ast.NodeTransformer):
    """Replaces the calls that need states by names for their results, lowering them in evaluation order."""

    def __init__(self, builder: FunctionLowerer, facts: Facts):
        self.builder = builder
        self.facts = facts
        self.conditional = 0

    def visit(self, node: ast.AST) -> ast.AST:
        """A node it acts on is rewritten in a copy of its own (its parts are the source's until they are acted on
        too): the source's tree is never changed, and what it does not act on is neither visited nor copied."""
        if not self.facts.acted_on(node):
            return node
        cls = node.__class__
        method = _VISITS.get(cls)
        if method is None:  # (ast.NodeVisitor.visit's choice, found once per class)
            method = _VISITS[cls] = getattr(Hoister, "visit_" + cls.__name__, Hoister.generic_visit)
        return method(self, own_copy(node))

    def _cond(self, node: ast.AST) -> ast.AST:
        self.conditional += 1
        try:
            return self.visit(node)
        finally:
            self.conditional -= 1

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        node.values = [self.visit(node.values[0])] + [self._cond(v) for v in node.values[1:]]
        return node

    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        node.test = self.visit(node.test)
        node.body = self._cond(node.body)
        node.orelse = self._cond(node.orelse)
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        # a < b < c: Python evaluates c only when a < b holds, as the right of `and`
        if self.conditional or not self._in_order(node, [("left", None), ("comparators", 0)]):
            node.left = self.visit(node.left)
            node.comparators[0] = self.visit(node.comparators[0])
        node.comparators[1:] = [self._cond(c) for c in node.comparators[1:]]
        return node

    def generic_visit(self, node: ast.AST) -> ast.AST:
        """Python evaluates an expression's parts left to right: a part before a later one holding a step call is
        evaluated before that call. One that can fail is bound first to a variable of its own (evaluated before the
        call's state), so that the machine fails where Python does, before calling the step."""
        slots = _slots(node) if not self.conditional and isinstance(node, (ast.expr, ast.keyword)) else []
        if not self._in_order(node, slots):
            acts = self.facts.acts
            for c in child_nodes(node):
                if acts.get(id(c)) is c:  # (facts.acted_on, in place)
                    return super().generic_visit(node)
            return node  # every part would be visited only to be given back as it is (visit)
        return node

    def _in_order(self, node: ast.AST, slots: list[tuple[str, int | None]]) -> bool:
        """Visit these parts of ``node`` in order, binding first those before the last one holding a step call
        (False, and nothing visited, when no part but the first holds one)."""
        hoists = [self._hoists(_get(node, slot)) for slot in slots]
        if not any(hoists[1:]):
            return False
        last = max(i for i, h in enumerate(hoists) if h)
        for i, slot in enumerate(slots):
            new = self.visit(_get(node, slot))
            if i < last:
                new = _with_value(new, self._evaluated_first)
            _set(node, slot, new)
        return True

    def _hoists(self, node: ast.AST) -> bool:
        return self.facts.holds_call(node)

    def _evaluated_first(self, value: ast.expr) -> ast.expr:
        """``value`` itself, or a variable bound to it now where its expression can fail."""
        builder = self.builder
        if isinstance(value, (ast.Constant, ast.Name, ast.Slice, ast.Lambda)) or not builder.frontier:
            return value
        if getattr(builder, "loop_test_mark", None) == len(builder.graph.nodes):
            return self._evaluated_first_at_loop_head(value)
        codes = [builder.render(value, ex.env) for ex in builder.frontier]
        if not any(can_fail(c) for c in codes):
            return value
        var = builder.fresh("pyawssfn_first")
        for ex, code in zip(builder.frontier, codes):
            ex.env[var] = code
        return ast.copy_location(builder.var_name(var), value)

    def _evaluated_first_at_loop_head(self, value: ast.expr) -> ast.expr:
        """A while test evaluated on every iteration: its first state is the loop's head, so the part is evaluated
        in a state of its own there (with the Catch of the try it is in), not before the loop."""
        builder = self.builder
        code = builder.render(value, {})
        if not can_fail(code):
            return value
        var = builder.fresh("pyawssfn_first")
        covered = builder.cover() is not None
        node = errors.evaluate_where_caught(builder, {}, builder.cur_line)[0] if covered else \
            Pass("evaluate", builder.cur_line)
        builder.connect(node)
        if covered:
            errors.catchers(builder, node, {})
        builder.settled(node, [code])
        builder.frontier = [Exit(node, {var: code})]
        return ast.copy_location(builder.var_name(var), value)

    def visit_ListComp(self, node: ast.ListComp) -> ast.AST:
        if not self.conditional:
            var = maps.map_comprehension(self.builder, node)
            if var is not None:
                return self.builder.var_name(var)
        return self._comprehension(node)

    def _comprehension(self, node: ast.AST) -> ast.AST:
        self.conditional += 1
        try:
            return self.generic_visit(node)
        finally:
            self.conditional -= 1

    visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        if getattr(node, _SORT_KEY, False):
            # sorted(xs, key=lambda r: ...): the expression compiler inlines the pure body; a step call cannot run
            # once per comparison.
            for n in walk(node.body):
                if isinstance(n, ast.Call) and self.builder.classify(n) is not None:
                    self.builder.report(n, "a step call cannot run inside a sort key",
                                        "compute the keys first, e.g. with a list comprehension")
                    raise Abort()
            return node
        self.builder.report(node, "a lambda can only be passed to sfn.parallel",
                            "pass the lambda to sfn.parallel, or write the expression in place")
        raise Abort()

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        builder = self.builder
        # e.error / e.cause / type(e).__name__ on a caught exception
        if isinstance(node.value, ast.Name) and node.value.id in builder.exc_vars and node.attr in ("error", "cause") \
                and not fail_only(builder.caught.get(node.value.id)):
            e = node.value.id
            builder.report(node, f"{e}.{node.attr} exists only on sfn.Fail: on any other exception Python raises "
                                 "AttributeError", f"write type({e}).__name__ for its name and str({e}) for its message, "
                                                   "or catch sfn.Fail")
            raise Abort()
        if isinstance(node.value, ast.Name) and node.value.id in builder.exc_vars and node.attr == "cause":
            if CAUSELESS_FAIL in builder.caught.get(node.value.id, ()):
                e = node.value.id
                builder.report(node, f"{e}.cause of the sfn.Fail this try raises without a cause is None in "
                                     "Python and \"\" on the machine", "give the raise a cause text: "
                                     "sfn.Fail('MyError', 'what happened')")
                raise Abort()
            return message_of_caught(builder, node.value)
        if isinstance(node.value, ast.Name) and node.value.id in builder.exc_vars and node.attr == "error":
            return ast.Subscript(value=caught_object(builder, node.value), slice=ast.Constant(value="Error"),
                                 ctx=ast.Load())
        if node.attr == "__name__" and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name) \
                and node.value.func.id == "type" and len(node.value.args) == 1 and \
                isinstance(node.value.args[0], ast.Name) and node.value.args[0].id in builder.exc_vars:
            return ast.Subscript(value=caught_object(builder, node.value.args[0]), slice=ast.Constant(value="Error"),
                                 ctx=ast.Load())
        return self.generic_visit(node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        # f"{e}" of a caught exception is str(e), its message
        if isinstance(node.value, ast.Name) and node.value.id in self.builder.exc_vars and node.conversion in (-1, 115):
            node.value = str_of_caught(self.builder, node.value, node)
            node.conversion = -1
            return node
        return self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        builder = self.builder
        f = node.func
        if isinstance(f, ast.Name) and f.id in ("sorted", "min", "max") and f.id not in builder.vars:
            for kw in node.keywords:
                if kw.arg == "key" and isinstance(kw.value, ast.Lambda):
                    setattr(kw.value, _SORT_KEY, True)
        # str(e) on a caught exception is its message
        if isinstance(f, ast.Name) and f.id == "str" and len(node.args) == 1 and isinstance(node.args[0], ast.Name) \
                and node.args[0].id in builder.exc_vars and f.id not in builder.vars:
            return str_of_caught(builder, node.args[0], node)
        api = builder.info.api(f)
        if api in PREDICATES:
            return self._predicate(node, api)
        kind = builder.classify(node)
        if kind in ("api:parallel", "api:map", "api:with_retry_spec", "api:wait_for_callback"):
            # their function arguments are not calls of ours: leave them to the lowering
            if self.conditional:
                raise self._conditional(node)
            var = calls.lower_call(builder, node, kind)
            return _tuple_marked(builder.var_name(var), node)
        if kind:
            node = self.generic_visit(node)
            if self.conditional:
                raise self._conditional(node)
            var = calls.lower_call(builder, node, kind)
            return _tuple_marked(builder.var_name(var), node)
        self._refuse_call(node)
        return self.generic_visit(node)

    def _refuse_call(self, node: ast.Call) -> None:
        """Calls that cannot run in a workflow: reported, and the statement is abandoned."""
        found = refusal(self.builder, node)
        if found is not None:
            self.builder.report(*found)
            raise Abort()

    def _conditional(self, node: ast.Call) -> Abort:
        self.builder.report(node, "a step call inside a condition, a conditional expression, a comprehension or a "
                                  "lambda cannot be compiled (it would run unconditionally)",
                            "call the step in a statement of its own, inside an if statement")
        return Abort()

    def _predicate(self, node: ast.Call, name: str) -> ast.AST:
        builder = self.builder
        n = predicates.arity(name)
        if len(node.args) != n or node.keywords:
            builder.report(node, f"sfn.{name} takes {n} argument{'s' if n > 1 else ''}", f"write sfn.{name}(...)")
            raise Abort()
        args = [self.visit(a) for a in node.args]
        b = weak(builder)  # (the render is stored on the builder: no reference cycle with it)

        def render() -> Expr:
            codes = [b.render(a, b.cur_env) for a in args]
            pat = predicates.literal_pattern(codes[1]) if name == "StringMatches" else None
            if name == "StringMatches" and pat is None:
                b.report(node, "sfn.StringMatches needs a literal pattern", "write a string constant")
            return predicates.predicate(name, codes, pat)

        syn = builder.syn(render)
        syn.id += "p"  # marks a boolean predicate
        builder.synthetic[syn.id] = render
        return syn
