"""The ExpressionTranslator: public API, dispatch, constant folding, truthiness and names.
"""
from __future__ import annotations

import ast
import json
import math
from typing import Any, Callable

from pyawssfn.compiler.compile_memos import per_compile
from pyawssfn.compiler.expressions import rewrites
from pyawssfn.compiler.expressions.arithmetic import ArithmeticMixin
from pyawssfn.compiler.expressions.calls import CallMixin
from pyawssfn.compiler.expressions.comparisons import ComparisonMixin
from pyawssfn.compiler.expressions.containers import ContainerMixin
from pyawssfn.compiler.expressions.core import (
    IS_SET, ITERATED, MAY_TUPLE, J, MAX_EXACT_INT, NUMERIC, NotConstant, _FOLD_BUILTINS, _Refused, _STATIC_TYPES,
    _counter, _describe, _exact_json, _foldable, _fresh_global, _static_type, _string_keys,
    name_value, tuple_shape,
)
from pyawssfn.compiler.expressions.formatting import FormattingMixin
from pyawssfn.compiler.expressions.iterators import IteratorMixin
from pyawssfn.compiler.expressions.methods import MethodMixin
from pyawssfn.compiler.expressions.text import _REPR, _repr_fn
from pyawssfn.compiler.expressions.type_only import TypeOnlyMixin
from pyawssfn.compiler.simplify import simplify
from pyawssfn.jsonata.printer import to_text
from pyawssfn.jsonata.tree import Block, Expr, Num, Str, Var, and_, lit, or_
from pyawssfn.compiler.expressions.build import FALSE, NULL, TRUE, T, block, fn, read_input


_FINISHED: dict[Expr, Expr] = {}  # tree -> its simplified tree (a pure function; a workflow repeats many expressions)
# id(node) -> (node, whether Python may evaluate it at compile time): a pure function of the node's subtree, which
# nothing changes once it is translated (the hoister rewrites copies), so the type inference's translations and the
# lowering's share the answers instead of walking each expression again for every translation of it
_FOLD_MEMO: dict[int, tuple[ast.AST, bool]] = per_compile({})


def _finish(tree: Expr) -> Expr:
    """The expression as the simplifier leaves its tree; an equal tree gets the same (identical) tree back, so
    that what the later passes remember of a tree by its identity serves every copy."""
    done = _FINISHED.get(tree)
    if done is None:
        done = simplify(tree)
        if len(_FINISHED) >= 100_000:
            _FINISHED.clear()
        _FINISHED[tree] = done
    return done


def _silent(*_report) -> None:
    """static_type's reporter: what the translation would refuse is reported where it is translated."""


def _no_method(self, node):  # pragma: no cover (a marker: _tr refuses the node instead of calling it)
    raise AssertionError


# the translation method of each node class (a class attribute of ExpressionTranslator or its mixins)
_METHODS: dict[type, Callable[[Any, Any], J]] = {}


class ExpressionTranslator(ArithmeticMixin, ComparisonMixin, ContainerMixin, FormattingMixin, CallMixin,
                           IteratorMixin, MethodMixin, TypeOnlyMixin):
    """Python expression AST -> JSONata with Python's meaning; each concern's methods live in its mixin module."""

    def __init__(
        self,
        resolve_name: Callable[[ast.Name], Expr | str],
        report: Callable[[ast.AST, str, str], None],
        predicate_names: set[str] | None = None,
        module_aliases: set[str] | None = None,
        name_type: Callable[[ast.Name], str | None] | None = None,
    ) -> None:
        self.resolve_name = resolve_name
        # Optional: the static type of a workflow variable when the caller knows it (every assignment to it has
        # that static_type()), so that e.g. str(h) after h = a / 2 prints "2.0" as Python does.
        self.name_type = name_type
        self.report = report
        self.predicate_names = set(predicate_names or ())
        self.module_aliases = set(module_aliases or ())
        # Comprehension variables shadow workflow names inside the comprehension.
        self._scopes: list[dict[str, Any]] = []
        self._view_ok = False
        self._nodes: list[ast.expr] = []  # the nodes being translated, innermost last (where a refusal points)
        self._fold_memo = _FOLD_MEMO  # core._foldable's answers (each kept with its node: a pure function of it)

    def translate(self, node: ast.expr) -> str:
        """The expression's JSONata as text (for tests and tools; the lowerer takes the tree: `tree`)."""
        return to_text(self.tree(node))

    def tree(self, node: ast.expr) -> Expr:
        _counter[0] = 0  # _reset_names, in place (once per render)
        self._needs_repr = False
        try:
            if type(node) is ast.Name and not self._scopes:
                # (half of what the lowerer renders) what _tr does of a name, in short: outside a comprehension's
                # scope a name is never a dict view, nor iterated as an iterator call
                tree = self._tr_Name(node).tree
            elif node.__dict__.get(ITERATED, False) and self._iterator_call(node):
                tree = self._iterable(node).tree  # for x in reversed(xs): ...
            else:
                tree = self._tr(node).tree
        except _Refused:
            return NULL
        return _finish(self._with_repr(tree) if self._needs_repr else tree)

    def truthy(self, node: ast.expr) -> str:
        """The truthiness test of the expression as text (the lowerer takes the tree: `truthy_tree`)."""
        return to_text(self.truthy_tree(node))

    def truthy_tree(self, node: ast.expr) -> Expr:
        _counter[0] = 0  # _reset_names, in place
        self._needs_repr = False
        try:
            tree = self._truthy_of(node)
        except _Refused:
            return FALSE
        return _finish(self._with_repr(tree) if self._needs_repr else tree)

    def _with_repr(self, tree: Expr) -> Expr:
        """Bind the repr function once for the whole expression when any str() in it needs one."""
        if not self._needs_repr:
            return tree
        return block([(Var(_REPR[1:]), _repr_fn())], tree)

    def _truthy_of(self, node: ast.expr) -> Expr:
        """Truthiness of a node, without materialising the operand `and`/`or` would return."""
        if isinstance(node, ast.BoolOp):
            # T(a and b) == T(a) and T(b); JSONata's and/or short-circuit as Python's do.
            parts = [self._truthy_of(v) for v in node.values]
            return (and_ if isinstance(node.op, ast.And) else or_)(*parts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return fn("not", self._truthy_of(node.operand))
        return self._truthy(self._tr(node))

    def static_type(self, node: ast.expr) -> str | None:
        """The Python type of node's value when known at compile time: "int", "float", "str", "bool", "none",
        "list", "dict", or None. A caller may record it per variable and give it back through `name_type`."""
        _counter[0] = 0  # _reset_names, in place
        saved, self.report = self.report, _silent  # a refusal here is the answer None, reported by no one
        try:
            result = self._ty(node)  # the translation's J where its type reads no tree (type_only.py)
            return "tuple" if result.tup and result.type == "list" else result.type
        except _Refused:
            return None
        finally:
            self.report = saved

    def literal_value(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            v = node.value
            if v is None or isinstance(v, (bool, str)):
                return v
            if isinstance(v, int):
                if abs(v) > MAX_EXACT_INT:
                    raise NotConstant("integer beyond 2**53")
                return v
            if isinstance(v, float) and math.isfinite(v):
                return v
            raise NotConstant(f"{type(v).__name__} constant")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = self.literal_value(node.operand)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return -v if isinstance(node.op, ast.USub) else v
            raise NotConstant("unary operator on a non-number")
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.literal_value(e) for e in node.elts]
        if isinstance(node, ast.Dict):
            out: dict[str, Any] = {}
            for k, v in zip(node.keys, node.values):
                if k is None:
                    raise NotConstant("dict unpacking")
                key = self.literal_value(k)
                if not isinstance(key, str):
                    raise NotConstant("non-string dict key")
                out[key] = self.literal_value(v)
            return out
        raise NotConstant(type(node).__name__)

    def _refuse(self, node: ast.AST, what: str, instead: str) -> "NoReturn":  # type: ignore[name-defined]
        self.report(node, what, instead)
        raise _Refused()

    @property
    def _node(self) -> ast.AST:
        return self._nodes[-1] if self._nodes else ast.Constant(None)

    def _fresh_var(self) -> Var:
        return Var(_fresh_global()[1:])

    def let(self, parts: list[J], body: Callable[..., Expr]) -> Expr:
        """`body` of the values of `parts`, each non-atom bound to a fresh variable first (so it is evaluated once,
        in order)."""
        binds: list[tuple[Expr, Expr]] = []
        names: list[Expr] = []
        for p in parts:
            if p.atom:
                names.append(p.tree)
            else:
                n = self._fresh_var()
                binds.append((n, p.tree))
                names.append(n)
        return block(binds, body(*names))

    def _tr(self, node: ast.expr) -> J:
        view_ok, self._view_ok = self._view_ok, False
        kind = type(node)
        if kind is ast.Name or kind is ast.Constant:
            # (never folded; two thirds of the nodes): neither translation reads self._node, and a translation
            # they start (a synthetic name's) pushes its own nodes, so they need no place on the stack
            result = self._tr_Name(node) if kind is ast.Name else self._tr_Constant(node)  # type: ignore[arg-type]
        else:
            result = self._tr_node(node, kind)
        if result.type == "view":
            if not view_ok:
                # dict.keys()/values()/items() are views in Python: not subscriptable, not lists, printed as
                # dict_keys([...]). Only their iteration has a faithful JSONata meaning.
                self._refuse(node, f"{_describe(node)} is a dict view, not a list",
                             f"iterate over it, or write list({_describe(node)})")
            result = J(result.tree, "list", False, result.items_tup)
        return result

    def _tr_node(self, node: ast.expr, kind: type) -> J:
        folded = self._fold(node)
        if folded is not None:
            return folded
        method = _METHODS.get(kind)
        if method is None:
            method = _METHODS[kind] = getattr(ExpressionTranslator, "_tr_" + kind.__name__, _no_method)
        if method is _no_method:
            self._refuse(node, f"{_describe(node)} is not supported in a workflow expression",
                         rewrites.node(kind.__name__))
        self._nodes.append(node)
        try:
            return method(self, node)
        finally:
            self._nodes.pop()

    def _tr_view_ok(self, node: ast.expr) -> J:
        """Translate an operand that may be a dict view (iteration, len, membership)."""
        self._view_ok = True
        try:
            return self._tr(node)
        finally:
            self._view_ok = False

    def _fold(self, node: ast.expr) -> J | None:
        """A constant expression evaluated by Python itself at compile time, so it has Python's meaning exactly."""
        memo = self._fold_memo
        if len(memo) >= 100_000:
            memo.clear()
        if isinstance(node, (ast.Constant, ast.Name)) or not _foldable(node, memo):
            return None
        try:
            value = eval(compile(ast.Expression(node), "<constant>", "eval"), {"__builtins__": _FOLD_BUILTINS})
        except Exception:
            return None  # raises in Python: translate it so that it fails at run time too
        if isinstance(value, (type({}.keys()), type({}.values()), type({}.items()))):
            return None  # a dict view: the translation decides whether it is used as an iterable
        if isinstance(value, float) and not math.isfinite(value):
            self._refuse(node, "inf and nan are not JSON values", "use a finite number or None")
        try:
            text = json.dumps(value, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError):
            return None
        if len(text) > 2000 or not _string_keys(value):
            return None
        if not _exact_json(value):
            self._refuse(node, "this constant is beyond what JSON numbers hold exactly (integers up to 2**53)",
                         "pass it as a string, or compute with it in a step function")
        t = _static_type(value)
        return J(lit(value), "list" if t == "tuple" else t, t == "tuple", tuple_shape(value))

    def _truthy(self, e: J) -> Expr:
        t, x = e.type, e.tree
        if t == "bool":
            return x
        if t in NUMERIC:
            return T("$0 != 0", x)
        if t == "str":
            return T('$0 != ""', x)
        if t == "none":
            return FALSE if e.atom else Block((x, FALSE))
        if t == "list":
            return T("$count($0) > 0", x)
        if t == "dict":
            return fn("boolean", x)
        # $boolean is Python's truthiness except for arrays: [0] and [[]] are falsy in JSONata, truthy in Python.
        return self.let([e], lambda v: T('$type($0) = "array" ? $count($0) > 0 : $boolean($0)', v))

    def _tr_Constant(self, node: ast.Constant) -> J:
        v = node.value
        kind = type(v)  # (a constant's value is None, bool, int, float, complex, str, bytes or Ellipsis: no subclass)
        if kind is int:
            if abs(v) > MAX_EXACT_INT:
                self._refuse(node, "integer literal beyond 2**53 cannot be represented exactly in JSONata",
                             "pass it as a string, or compute with it in a step function")
            return J(Num(str(v)), "int")
        if kind is str:
            return J(Str(v), "str")
        if v is None:
            return J(NULL, "none")
        if kind is bool:
            return J(TRUE if v else FALSE, "bool")
        if kind is float:
            if not math.isfinite(v):
                self._refuse(node, "inf and nan are not JSON values", "use a finite number or None")
            return J(Num(repr(v)), "float")
        self._refuse(node, f"{type(v).__name__} literal is not a JSON value", "use str, int, float, bool or None")

    def _tr_Name(self, node: ast.Name) -> J:
        if self._scopes:
            for scope in reversed(self._scopes):
                if node.id in scope:
                    bound = scope[node.id]
                    return bound if isinstance(bound, J) else J(bound)
        name_type = self.name_type
        t = name_type(node) if name_type is not None else None
        given = self.resolve_name(node)
        code = given if isinstance(given, Expr) else read_input(given)  # text: a test's or a tool's resolver
        # (the frontend's marks, read without the exception a missing getattr raises)
        return name_value(code, t, node.__dict__)
