"""Iterables as JSONata arrays: lists, strings, dicts, range(), and the iterators reversed(), zip(), enumerate().

An iterator is translated where Python consumes it once, in order (a for loop, a comprehension, list(), sorted(),
min(), "".join(), ...): there it is the array of its items. Anywhere else (assigned, subscripted, len()) Python's
iterator has no JSON counterpart, so it is refused with what to write instead.
"""
from __future__ import annotations

import ast

from pyawssfn.compiler.expressions.build import EMPTY, T, chars, err, fn, is_int, number_value, single
from pyawssfn.compiler.expressions.core import ITERATORS, J, _describe
from pyawssfn.jsonata.tree import Array, Binary, Expr, Filter, Num


class IteratorMixin:
    """ExpressionTranslator methods; see the module docstring."""

    def _iterator_call(self, node: ast.expr) -> bool:
        return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ITERATORS
                and not any(node.func.id in sc for sc in self._scopes))

    def _iterable(self, node: ast.expr) -> J:
        """A Python iterable as a JSONata array: lists as they are, strings as characters, dicts as their keys."""
        if isinstance(node, ast.GeneratorExp):
            return self._comprehension(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range" \
                and not any("range" in sc for sc in self._scopes):
            return self._range(node)
        if self._iterator_call(node):
            return getattr(self, "_iter_" + node.func.id)(node)
        x = self._tr_view_ok(node)
        if x.type == "list":
            return J(x.tree, "list", False, x.items_tup)
        if x.type == "str":
            return J(chars(x.tree), "list")
        if x.type == "dict":
            return J(T("[$keys($0)]", x.tree), "list")
        if x.type is not None:
            self._refuse(node, f"a {x.type} is not iterable", "iterate over a list, str or dict")
        return J(self.let([x], lambda v: T(
            '$type($0) = "array" ? $0 : $type($0) = "string" ? $1 : $type($0) = "object" ? [$keys($0)] : $2',
            v, chars(v), err("TypeError: object is not iterable"))), "list", False, x.items_tup)

    def _range(self, node: ast.Call) -> J:
        """range(...) iterated by a comprehension, sum(), sorted() ...: the list of its integers."""
        if node.keywords or not 1 <= len(node.args) <= 3 or any(isinstance(a, ast.Starred) for a in node.args):
            self._refuse(node, "range() takes one to three positional arguments", "write range(n) or range(a, b, s)")
        args = [self._tr(a) for a in node.args]
        for a, e in zip(node.args, args):
            if e.type not in (None, "int"):
                self._refuse(a, f"range() needs integers, not {e.type}", "convert with int(...)")
        if len(args) == 3 and number_value(args[2].tree) == 0:
            self._refuse(node.args[2], "range() arg 3 must not be zero", "use a non-zero step")

        def build(*vs: Expr) -> Expr:
            if len(vs) == 1:
                out = T("[0..$0 - 1]", vs[0])
            elif len(vs) == 2:
                out = T("[$0..$1 - 1]", vs[0], vs[1])
            else:
                a, b, st = vs
                n, i = self._fresh_var(), self._fresh_var()
                out = T("$2 = 0 ? $3 : ( $4 := $2 > 0 ? $ceil(($1 - $0) / $2) : $ceil(($0 - $1) / -$2); "
                        "$4 > 0 ? [$map([0..$4 - 1], function($5) { $0 + $5 * $2 })] : [] )",
                        a, b, st, err("ValueError: range() arg 3 must not be zero"), n, i)
            checks = [v for v, e in zip(vs, args) if e.type != "int"]
            for v in reversed(checks):
                out = T("$not($0) ? $1 : $2", is_int(v), err("TypeError: range() needs integers"), out)
            return out

        return J(self.let(args, build), "list")

    def _iterator_refused(self, node: ast.Call) -> J:
        name = node.func.id
        self._refuse(node, f"{name}() returns an iterator, which a workflow can only iterate (Python's iterator is "
                           f"not a list: it has no len(), no index, and is exhausted once read)",
                     f"iterate over it (a for loop, a comprehension, sorted(...)), or write list({_describe(node)})")

    _builtin_reversed = _builtin_zip = _builtin_enumerate = _iterator_refused

    def _iter_reversed(self, node: ast.Call) -> J:
        if len(node.args) != 1 or node.keywords:
            self._refuse(node, "reversed() takes exactly one argument", "reversed(xs)")
        arg = node.args[0]
        if isinstance(arg, ast.GeneratorExp) or self._iterator_call(arg):
            self._refuse(node, f"reversed() needs a sequence, and {_describe(arg)} is an iterator (TypeError in "
                               "Python)", f"write reversed(list({_describe(arg)}))")
        xs = self._iterable(arg)
        return J(self.let([xs], lambda v: T("$count($0) <= 1 ? $0 : $reverse($0)", v)), "list", False, xs.items_tup)

    def _iter_enumerate(self, node: ast.Call) -> J:
        """enumerate(xs), enumerate(xs, n), enumerate(xs, start=n): the list of (index, item) tuples."""
        start_node = node.args[1] if len(node.args) == 2 else next(
            (k.value for k in node.keywords if k.arg == "start"), None)
        if not 1 <= len(node.args) <= 2 or any(k.arg != "start" for k in node.keywords) or (
                len(node.args) == 2 and node.keywords):
            self._refuse(node, "enumerate() takes an iterable and a start", "enumerate(xs) or enumerate(xs, start=1)")
        xs = self._iterable(node.args[0])
        start = self._tr(start_node) if start_node is not None else J(Num("0"), "int")
        if start.type not in (None, "int"):
            self._refuse(start_node, f"enumerate() start must be an integer, not {start.type}", "pass an int")
        acc, v, i = self._fresh_var(), self._fresh_var(), self._fresh_var()

        def build(seq: Expr, s: Expr) -> Expr:
            index = i if s == Num("0") else Binary("+", i, s)
            out = T("$reduce($0, function($1, $2, $3) { $append($1, [[$append([$4], $5)]]) }, [])",
                    seq, acc, v, i, index, single(v))
            if start.type == "int":
                return out
            return T("$not($0) ? $1 : $2", is_int(s), err("TypeError: enumerate() start must be an integer"), out)
        return J(self.let([xs, start], build), "list", False, True)

    def _iter_zip(self, node: ast.Call) -> J:
        """zip(a, b, ...): the list of tuples, as long as the shortest argument."""
        if node.keywords:
            self._refuse(node, "zip() with strict= is not supported in a workflow",
                         "check the lengths first: if len(a) != len(b): raise ValueError(...)")
        if not node.args:
            return J(EMPTY, "list", False, True)
        seqs = [self._iterable(a) for a in node.args]
        acc, i = self._fresh_var(), self._fresh_var()

        def build(*vs: Expr) -> Expr:
            n = self._fresh_var()
            count = fn("count", vs[0]) if len(vs) == 1 else fn("min", Array(tuple(fn("count", x) for x in vs)))
            item: Expr = EMPTY
            for x in vs:
                item = fn("append", item, single(Filter(x, i)))
            return T("( $0 := $1; $0 = 0 ? [] : $reduce([0..$0 - 1], function($2, $3) { $append($2, [[$4]]) }, []) )",
                     n, count, acc, i, item)
        return J(self.let(seqs, build), "list", False, True)

    def _distinct(self, node: ast.AST, xs: J) -> J:
        """The items of a set built from `xs`: each once, first seen first, with Python's equality (1, 1.0 and True
        are one item); a list or dict item fails as Python's unhashable type does. Only order-free uses reach here
        (sets.check_set_uses)."""
        if xs.items_tup is not False:
            self._refuse(node, f"a set of tuples is not supported in a workflow{'' if xs.items_tup else ' (these items may be tuples)'} "
                               "(the machine holds tuples as lists, which are not hashable)",
                         "keep the items as strings or numbers")
        acc, x, e = self._fresh_var(), self._fresh_var(), self._fresh_var()
        seen = self._eq(J(e, None, False, False), J(x, None, False, False))
        return J(self.let([xs], lambda v: T(
            '$reduce($0, function($1, $2) { $type($2) in ["array", "object"] ? $3 : '
            '$exists($filter($1, function($4) { $5 })) ? $1 : $append($1, [$2]) }, [])',
            v, acc, x, err("TypeError: unhashable type"), e, seen)), "list", set=True)

    def _builtin_set(self, node: ast.Call) -> J:
        if node.keywords or len(node.args) > 1:
            self._refuse(node, f"{node.func.id}() takes at most one iterable", f"{node.func.id}(xs)")
        return self._distinct(node, self._iterable(node.args[0])) if node.args else J(EMPTY, "list")

    _builtin_frozenset = _builtin_set

    def _tr_Set(self, node: ast.Set) -> J:
        return self._distinct(node, self._tr_List(node))

    def _tr_SetComp(self, node: ast.SetComp) -> J:
        return self._distinct(node, self._comprehension(node))
