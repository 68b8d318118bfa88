"""Builtin calls (len, int, sorted, range, min/max, dict, isinstance, ...).
"""
from __future__ import annotations

import ast
import builtins

from typing import Callable

from pyawssfn.compiler.expressions.core import J, NUMERIC, NotConstant, PREDICATE_NAMES, _describe, item_of
from pyawssfn.compiler.expressions import rewrites
from pyawssfn.compiler.expressions.text import _round_half_even_exact
from pyawssfn.compiler.expressions.build import EMPTY, FALSE, TRUE, T, block, err, fn
from pyawssfn.jsonata.tree import Array, Binary, Block, Call, Expr, Filter, Num, Object, Str, Var, or_


_KEYWORDS = {("sorted", "reverse"), ("sorted", "key"), ("min", "default"), ("max", "default"), ("min", "key"),
             ("max", "key"), ("round", "ndigits"), ("enumerate", "start"), ("sum", "start")}


# Python's ordering of numbers, strings and lists (lexicographic), as -1/0/1; other mixtures raise. A constant
# template (no hole): the recursive comparator bound to $__cmp where an expression needs it.
_CMP_FN = (
    'function($__a, $__b) { $type($__a) = "array" and $type($__b) = "array" ? '
    "( $__n := $min([$count($__a), $count($__b)]); "
    "$__r := $reduce([0..$__n - 1], function($__acc, $__i) { $__acc != 0 ? $__acc : $__cmp($__a[$__i], $__b[$__i]) }, 0); "
    "$__r != 0 ? $__r : $count($__a) - $count($__b) ) : "
    '($type($__a) = "number" and $type($__b) = "number") or ($type($__a) = "string" and $type($__b) = "string") ? '
    "($__a < $__b ? -1 : $__a > $__b ? 1 : 0) : "
    """$error("'<' not supported between these types") }"""
)
CMP = Var("__cmp")


def cmp_fn() -> Expr:
    """The comparator's tree."""
    return T(_CMP_FN)


def _py_sort(v: Expr) -> Expr:
    """$sort of a list with Python's ordering: JSONata's own when the items are not lists (numbers or strings; it
    fails on mixtures, as Python does), else a comparator that orders lists lexicographically."""
    return T('$type($0[0]) = "array" ? ( $1 := $2; $sort($0, function($__l, $__g) { $1($__l, $__g) > 0 }) ) : '
             "$sort($0)", v, CMP, cmp_fn())


def _with_cmp(test: Expr, code: Expr) -> Expr:
    """`code`, with the comparator bound around it when `test` calls it."""
    return block([(CMP, cmp_fn())], code) if test.contains(CMP) else code


# int() and float() strip Python's whitespace (str.isspace) but for U+001C..U+001F, which they refuse, written out in
# their templates (JavaScript's \s, used before, has U+FEFF and lacks U+0085).


_ISINSTANCE: dict[str, Callable[[Expr], Expr]] = {
    # JSON has one number type: 2.0 arrives as 2, so isinstance(x, int) is "an integral number" (see docs).
    "int": lambda v: T('$type($0) = "boolean" or ($type($0) = "number" and $floor($0) = $0)', v),
    "float": lambda v: T('$type($0) = "number" and $floor($0) != $0', v),
    "str": lambda v: T('$type($0) = "string"', v),
    "bool": lambda v: T('$type($0) = "boolean"', v),
    "list": lambda v: T('$type($0) = "array"', v),
    "tuple": lambda v: T('$type($0) = "array"', v),
    "dict": lambda v: T('$type($0) = "object"', v),
}


def _is_null(v: Expr) -> Expr:
    return T('$type($0) = "null"', v)


class CallMixin:
    """ExpressionTranslator methods; see the module docstring."""

    def _tr_Call(self, node: ast.Call) -> J:
        func = node.func
        if isinstance(func, ast.Attribute):
            if isinstance(func.value, ast.Name) and func.value.id in self.module_aliases:
                if func.attr in PREDICATE_NAMES:
                    return self._predicate(node, func.attr)
                self._refuse(node, f"{func.value.id}.{func.attr}(...) cannot be used inside an expression",
                             "call it as a statement of its own, assigning its result to a variable")
            if func.attr in PREDICATE_NAMES and isinstance(func.value, ast.Name) and func.value.id[:1].isupper():
                return self._predicate(node, func.attr)
            return self._method(node, func)
        if isinstance(func, ast.Name):
            if func.id in self.predicate_names:
                return self._predicate(node, func.id)
            handler = getattr(self, "_builtin_" + func.id, None)
            if handler is not None and not any(func.id in s for s in self._scopes):
                for kw in node.keywords:
                    if func.id == "dict" and kw.arg is not None:
                        continue
                    if kw.arg is None or (func.id, kw.arg) not in _KEYWORDS:
                        known = sorted(k + "=" for f, k in _KEYWORDS if f == func.id)
                        self._refuse(node, f"{func.id}() with {f'keyword {kw.arg}=' if kw.arg else '**'} is not "
                                           "supported in a workflow expression",
                                     f"{func.id}() takes {', '.join(known)} here" if known else
                                     "pass the arguments positionally (see docs/expressions.md)")
                if any(isinstance(a, ast.Starred) for a in node.args):
                    self._refuse(node, "*args in a builtin call is not supported",
                                 f"pass the list itself: {func.id}(xs)" if func.id in ("min", "max") else
                                 "pass the arguments directly")
                return handler(node)
            if hasattr(builtins, func.id):
                self._refuse(node, f"{func.id}() is not translated in a workflow expression", rewrites.builtin(func.id))
        self._refuse(node, f"call to {_describe(func)} cannot be inlined in JSONata",
                     "move this computation into a step function")

    def _args(self, node: ast.Call, lo: int, hi: int) -> list[J]:
        if not lo <= len(node.args) <= hi:
            self._refuse(node, f"{_describe(node.func)}() takes {lo}..{hi} arguments here, got {len(node.args)}",
                         "see docs/expressions.md for the supported forms")
        return [self._tr(a) for a in node.args]

    def _kw(self, node: ast.Call, name: str) -> ast.expr | None:
        for kw in node.keywords:
            if kw.arg == name:
                return kw.value
        return None

    def _builtin_len(self, node: ast.Call) -> J:
        if len(node.args) != 1:
            self._refuse(node, "len() takes exactly one argument", "len(x)")
        x = self._tr_view_ok(node.args[0])
        if x.type == "str":
            return J(fn("length", x.tree), "int")
        if x.type == "list":
            return J(fn("count", x.tree), "int")
        if x.type == "dict":
            return J(T("$count($keys($0))", x.tree), "int")
        if x.type is not None:
            self._refuse(node, f"len() of a {x.type}", "len() takes a str, list or dict")
        return J(self.let([x], lambda v: T(
            '$type($0) = "string" ? $length($0) : $type($0) = "array" ? $count($0) : '
            '$type($0) = "object" ? $count($keys($0)) : $1', v, err("TypeError: object has no len()"))), "int")

    def _builtin_str(self, node: ast.Call) -> J:
        (x,) = self._args(node, 1, 1)
        return J(self._str(x), "str")

    def _builtin_bool(self, node: ast.Call) -> J:
        (x,) = self._args(node, 1, 1)
        return J(self._truthy(x), "bool")

    def _builtin_int(self, node: ast.Call) -> J:
        (x,) = self._args(node, 1, 1)

        def trunc(v: Expr) -> Expr:  # Python truncates toward zero
            return T("$0 < 0 ? $ceil($0) : $floor($0)", v)

        def parse(v: Expr) -> Expr:  # Python's whitespace around, digits with single underscores between
            return T(r'( $__s := $replace($0, /^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/, ""); '
                     r'$contains($__s, /^[-+]?[0-9](_?[0-9])*$/) ? '
                     r'( $__d := $replace($replace($replace($__s, "_", ""), "+", ""), /^(-?)0+(?=[0-9])/, "$1"); '
                     r'$abs($number($__d)) < 9007199254740992 ? $number($__d) : $1 ) : '
                     r'$error("ValueError: invalid literal for int() with base 10: " & $0) )',
                     v, err("ValueError: integer too large for a workflow expression"))
        if x.type == "int":
            return x
        if x.type == "float":
            return J(self.let([x], trunc), "int")
        if x.type == "bool":
            return J(T("$0 ? 1 : 0", x.tree), "int")
        if x.type == "str":
            return J(self.let([x], parse), "int")
        if x.type is not None:
            self._refuse(node, f"int() of a {x.type}", "int() takes a number, bool or str")
        return J(self.let([x], lambda v: T(
            '$type($0) = "number" ? $1 : $type($0) = "boolean" ? ($0 ? 1 : 0) : $type($0) = "string" ? $2 : $3',
            v, trunc(v), parse(v), err("TypeError: int() argument must be a string or a number"))), "int")

    def _builtin_float(self, node: ast.Call) -> J:
        (x,) = self._args(node, 1, 1)
        if x.type in NUMERIC:
            return J(x.tree, "float")

        def parse(v: Expr) -> Expr:
            # Python's forms ("+5", "0012", ".5", "5.", "1_000.5") written as JSON's for $number: no underscores,
            # sign apart, no leading zeros, a digit on both sides of the point
            return T(r'( $__s := $replace($0, /^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/, ""); '
                     r'$contains($__s, /^[-+]?([0-9](_?[0-9])*(\.([0-9](_?[0-9])*)?)?|\.[0-9](_?[0-9])*)'
                     r'([eE][-+]?[0-9](_?[0-9])*)?$/) ? '
                     r'( $__b := $replace($replace($__s, "_", ""), /^[-+]/, ""); '
                     r'$__b := $replace($replace($replace($__b, /^\./, "0."), /\.(?=[eE]|$)/, ""), /^0+(?=[0-9])/, ""); '
                     r'$number(($substring($__s, 0, 1) = "-" ? "-" : "") & $__b) ) : '
                     r'$error("ValueError: could not convert string to float: " & $0) )', v)
        return J(self.let([x], lambda v: T(
            '$type($0) = "number" ? $0 : $type($0) = "boolean" ? ($0 ? 1 : 0) : $type($0) = "string" ? $1 : $2',
            v, parse(v), err("TypeError: float() argument must be a string or a number"))), "float")

    def _builtin_abs(self, node: ast.Call) -> J:
        (x,) = self._args(node, 1, 1)
        if x.type == "bool":  # abs(True) is the int 1; JSONata's $abs fails on a boolean
            return J(T("$0 ? 1 : 0", x.tree), "int")
        return J(fn("abs", x.tree), x.type if x.type in NUMERIC else None)

    def _seq_arg(self, node: ast.Call, types: list[str | None] | None = None) -> J:
        """The list min/max/sum/sorted/any/all work on: one iterable argument, or several arguments (whose static
        types go to `types` when given)."""
        if len(node.args) == 1:
            return self._iterable(node.args[0])
        items = [self._tr(a) for a in node.args]
        if types is not None:
            types.extend(i.type for i in items)
        return J(self._build_list(node, [("one", i) for i in items]), "list")

    def _extreme(self, node: ast.Call, last: bool) -> J:
        if not node.args:
            self._refuse(node, f"{_describe(node.func)}() needs arguments", "pass a list or several values")
        if self._kw(node, "default") is not None and len(node.args) != 1:
            self._refuse(node, "default= needs a single iterable argument", "pass one list")
        types: list[str | None] = []
        xs = self._seq_arg(node, types)
        picked = self._extreme_of(node, xs, last)
        if types and all(t == "float" for t in types):
            picked.type = "float"  # max(h, 0.0) is one of its float arguments: str() prints it as a float
        return picked

    def _extreme_of(self, node: ast.Call, xs: J, last: bool) -> J:
        default = self._kw(node, "default")
        # Python evaluates default= with the call's other arguments, whether or not the iterable is empty
        parts = [xs] + ([self._tr(default)] if default is not None else [])
        no_item = err(f"ValueError: {_describe(node.func)}() arg is an empty sequence")
        key = self._kw(node, "key")
        if key is not None:
            return item_of(xs, self.let(parts, lambda v, *d: T(
                "$count($0) = 0 ? $1 : $2", v, d[0] if d else no_item, self._first_extreme(v, key, xs, last))))
        # $sort orders numbers or strings and fails on mixtures, as Python's comparisons do.
        pick = Num("-1" if last else "0")
        return item_of(xs, self.let(parts, lambda v, *d: T(
            "$count($0) = 0 ? $1 : $count($0) = 1 ? $0[0] : $2", v, d[0] if d else no_item,
            Filter(_py_sort(v), pick))))

    def _key_lambda(self, key: ast.expr, xs: J, *names: Var) -> list[J]:
        """The body of key=lambda x: ... translated once per name bound to its parameter."""
        if not (isinstance(key, ast.Lambda) and len(key.args.args) == 1 and not key.args.defaults
                and not key.args.vararg and not key.args.kwarg and not key.args.kwonlyargs):
            self._refuse(key, "key= must be a one-argument lambda or one of len, abs, str, int, float, bool, round, "
                              "str.lower, str.upper, str.strip", 'write key=lambda x: x["field"]')
        param = key.args.args[0].arg
        out = []
        for n in names:
            self._scopes.append({param: item_of(xs, n)})
            try:
                out.append(self._tr(key.body))
            finally:
                self._scopes.pop()
        return out

    def _builtin_key(self, key: ast.expr) -> ast.expr:
        """key=len (a builtin the translator knows, taking one argument) as key=lambda x: len(x), and key=str.lower
        (an argument-less str method) as key=lambda x: x.lower()."""
        arg = ast.arg(arg="__pyawssfn_key")
        item = ast.Name(id=arg.arg, ctx=ast.Load())
        if isinstance(key, ast.Name) and key.id in ("len", "abs", "str", "int", "float", "bool", "round") \
                and not any(key.id in sc for sc in self._scopes):
            body: ast.expr = ast.Call(func=key, args=[item], keywords=[])
        elif isinstance(key, ast.Attribute) and isinstance(key.value, ast.Name) and key.value.id == "str" \
                and key.attr in ("lower", "upper", "strip", "lstrip", "rstrip"):
            body = ast.Call(func=ast.Attribute(value=item, attr=key.attr, ctx=ast.Load()), args=[], keywords=[])
        else:
            return key
        lam = ast.Lambda(args=ast.arguments(posonlyargs=[], args=[arg], kwonlyargs=[], kw_defaults=[], defaults=[]),
                         body=body)
        return ast.fix_missing_locations(ast.copy_location(lam, key))

    def _first_extreme(self, v: Expr, key: ast.expr, xs: J, last: bool) -> Expr:
        """min/max(..., key=f): the first item whose key is smallest (largest), as Python's min and max return."""
        best, x = self._fresh_var(), self._fresh_var()
        kb, kx = self._key_lambda(self._builtin_key(key), xs, best, x)
        better = ">" if last else "<"
        if kx.type in ("int", "float", "str"):
            test = Binary(better, kx.tree, kb.tree)
        elif kx.type == "bool":
            test = Binary(better, T("$0 ? 1 : 0", kx.tree), T("$0 ? 1 : 0", kb.tree))
        else:  # keys may be lists, or numbers and booleans mixed: compare as Python does
            test = Binary(better, Call(CMP, (kx.tree, kb.tree)), Num("0"))
        # Python calls the key on a lone item too (its error is raised); $reduce would return the item untouched
        lone = block([(best, T("$0[0]", v))], Block((kb.tree, best)))
        return _with_cmp(test, T("$count($0) = 1 ? $1 : $reduce($0, function($2, $3) { $4 ? $3 : $2 })",
                                 v, lone, best, x, test))

    def _builtin_min(self, node: ast.Call) -> J:
        return self._extreme(node, False)

    def _builtin_max(self, node: ast.Call) -> J:
        return self._extreme(node, True)

    def _builtin_sum(self, node: ast.Call) -> J:
        start_node = node.args[1] if len(node.args) == 2 else self._kw(node, "start")
        if len(node.args) not in (1, 2) or (len(node.args) == 2 and node.keywords):
            self._refuse(node, "sum() takes an iterable and an optional start", "sum(xs) or sum(xs, start)")
        xs = self._iterable(node.args[0])
        total = J(fn("sum", xs.tree))
        if start_node is not None:
            start = self._tr(start_node)
            if start.type == "list":  # sum(rows, []): the lists concatenated, each item a list or TypeError
                acc, item = self._fresh_var(), self._fresh_var()
                return J(T('$reduce($0, function($1, $2) { $type($2) = "array" ? $append($1, $2) : $3 }, $4)',
                           xs.tree, acc, item, err("TypeError: can only concatenate list to list"), start.tree),
                         "list")
            # Python adds from the start value on, left to right: ((start + x0) + x1), not start + (x0 + x1)
            acc, item = self._fresh_var(), self._fresh_var()
            return J(T("$reduce($0, function($1, $2) { $1 + $2 }, $3)", xs.tree, acc, item, start.tree),
                     "float" if start.type == "float" else None)
        return total

    def _builtin_round(self, node: ast.Call) -> J:
        args = node.args
        if len(args) == 1 and self._kw(node, "ndigits") is None:
            x = self._tr(args[0])
            if x.type == "bool":  # round(a is None) is the int 1 or 0; JSONata's $round fails on a boolean
                return J(T("$0 ? 1 : 0", x.tree), "int")
            return J(fn("round", x.tree), "int")
        nd = args[1] if len(args) == 2 else self._kw(node, "ndigits")
        try:
            digits = self.literal_value(nd)
        except NotConstant:
            digits = None
        if not isinstance(digits, int) or isinstance(digits, bool) or not 0 <= digits <= 15:
            self._refuse(node, "round() needs a literal ndigits between 0 and 15",
                         "write round(x, 2) with a literal, or round in a step function")
        x = self._tr(args[0])
        if x.type == "int":
            return x
        if x.type == "bool":  # round(True, 1) is the int 1
            return J(T("$0 ? 1 : 0", x.tree), "int")
        # round(x, n) is a float for a float x only: round(3, 1) is the int 3 (and prints as 3)
        return J(self.let([x], lambda v: T('$type($0) != "number" ? $1 : $2', v, err(
            "TypeError: round() needs a number"), _round_half_even_exact(v, digits))),
            "float" if x.type == "float" else None)

    def _builtin_sorted(self, node: ast.Call) -> J:
        if len(node.args) != 1:
            self._refuse(node, "sorted() takes one iterable", "sorted(xs)")
        xs = self._iterable(node.args[0])
        rev = self._kw(node, "reverse")
        reverse = False
        if rev is not None:
            try:
                reverse = self.literal_value(rev)
            except NotConstant:
                reverse = None
            if not isinstance(reverse, bool):
                self._refuse(rev, "reverse= must be a literal True or False", "write reverse=True")
        key = self._kw(node, "key")
        if key is None:
            def sort(v: Expr) -> Expr:
                return T("$count($0) <= 1 ? $0 : $1", v, _py_sort(v))
        else:
            a, b = self._fresh_var(), self._fresh_var()
            ka, kb = self._key_lambda(self._builtin_key(key), xs, a, b)
            if ka.type in ("int", "float", "str"):
                after = Binary(">", ka.tree, kb.tree)
            else:  # keys may be lists ([r["a"], r["b"]]): compare as Python does
                after = Binary(">", Call(CMP, (ka.tree, kb.tree)), Num("0"))

            # The comparator says whether the first item goes after the second; $sort is a stable merge sort.
            # Python calls the key on a lone item too (its error is raised), which $sort does not compare.
            def sort(v: Expr) -> Expr:
                code = _with_cmp(after, T("$sort($0, function($1, $2) { $3 })", v, a, b, after))
                lone = block([(a, T("$0[0]", v))], Block((ka.tree, v)))
                return T("$count($0) = 0 ? $0 : $count($0) = 1 ? $1 : $2", v, lone, code)
        if reverse:
            # Python's reverse sort keeps equal items in their original order: reverse, sort stably, reverse.
            code = self.let([J(fn("reverse", xs.tree))], lambda v: T(
                "$count($0) = 0 ? $0 : $reverse($1)" if key is not None else "$count($0) <= 1 ? $0 : $reverse($1)",
                v, sort(v)))
        else:
            code = self.let([xs], sort)
        return J(code, "list", False, xs.items_tup)

    def _builtin_list(self, node: ast.Call) -> J:
        if not node.args:
            return J(EMPTY, "list", node.func.id == "tuple")
        xs = self._iterable(node.args[0]) if len(node.args) == 1 else self._args(node, 0, 1)[0]
        return J(xs.tree, "list", node.func.id == "tuple", xs.items_tup)

    _builtin_tuple = _builtin_list

    def _builtin_dict(self, node: ast.Call) -> J:
        """dict(), dict(d) (a shallow copy: JSON values are copied anyway), dict(pairs), dict(k=v, ...)."""
        if len(node.args) > 1:
            self._refuse(node, "dict() takes at most one positional argument", "dict(d) or dict(k=v)")
        parts: list[Expr] = []
        if node.args:
            src = self._iterable(node.args[0]) if self._iterator_call(node.args[0]) else self._tr_view_ok(node.args[0])
            acc, p = self._fresh_var(), self._fresh_var()

            def from_pairs(v: Expr) -> Expr:
                # A two-character string is a pair too, as in Python: dict(["ab"]) == {"a": "b"}.
                return T('$reduce($0, function($1, $2) { $type($2) = "array" and $count($2) = 2 and '
                         '$type($2[0]) = "string" ? $merge([$1, {$2[0]: $2[1]}]) : '
                         '$type($2) = "string" and $length($2) = 2 ? '
                         '$merge([$1, {$substring($2, 0, 1): $substring($2, 1, 1)}]) : $3 }, {})',
                         v, acc, p, err("TypeError: dict() needs [key, value] pairs with string keys"))

            if src.type == "dict":
                parts.append(src.tree)
            else:
                parts.append(self.let([src], lambda v: T(
                    '$type($0) = "object" ? $0 : $type($0) = "array" ? $1 : $type($0) = "string" and $0 = "" ? {} : $2',
                    v, from_pairs(v), err("TypeError: dict() needs a dict or a list of pairs"))))
        if node.keywords:
            parts.append(Object(tuple((Str(kw.arg), self._tr(kw.value).tree) for kw in node.keywords)))  # type: ignore
        if not parts:
            return J(Object(()), "dict")
        if len(parts) == 1 and not node.args:
            return J(parts[0], "dict")
        return J(fn("merge", Array(tuple(parts))) if len(parts) > 1 else parts[0], "dict")

    def _builtin_any(self, node: ast.Call) -> J:
        if len(node.args) == 1 and isinstance(node.args[0], ast.GeneratorExp) and not node.keywords:
            return self._comprehension(node.args[0], fold="any")  # stops at the first true item, as Python
        xs = self._seq_arg(node) if len(node.args) == 1 else self._args(node, 1, 1)[0]
        e = self._fresh_var()
        return J(T("$exists($filter($0, function($1) { $2 }))", xs.tree, e, self._truthy(J(e))), "bool")

    def _builtin_all(self, node: ast.Call) -> J:
        if len(node.args) == 1 and isinstance(node.args[0], ast.GeneratorExp) and not node.keywords:
            return self._comprehension(node.args[0], fold="all")  # stops at the first false item, as Python
        xs = self._seq_arg(node) if len(node.args) == 1 else self._args(node, 1, 1)[0]
        e = self._fresh_var()
        return J(T("$not($exists($filter($0, function($1) { $not($2) })))", xs.tree, e, self._truthy(J(e))), "bool")

    def _builtin_isinstance(self, node: ast.Call) -> J:
        if len(node.args) != 2:
            self._refuse(node, "isinstance() takes a value and a type", "isinstance(x, int)")
        x = self._tr(node.args[0])
        spec = node.args[1]
        names = spec.elts if isinstance(spec, ast.Tuple) else [spec]
        tests = []
        for n in names:
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "type" and len(n.args) == 1 \
                    and isinstance(n.args[0], ast.Constant) and n.args[0].value is None:
                tests.append(_is_null)
            elif isinstance(n, ast.Constant) and n.value is None:
                tests.append(_is_null)
            elif isinstance(n, ast.Name) and n.id in _ISINSTANCE:
                tests.append(_ISINSTANCE[n.id])
            else:
                self._refuse(n, f"isinstance() with {_describe(n)} is not supported",
                             "use int, float, str, bool, list, dict, tuple or type(None)")
        names_ok = [n.id if isinstance(n, ast.Name) else "NoneType" for n in names]
        if ("tuple" in names_ok) != ("list" in names_ok) and x.type in (None, "list"):
            # Python tells a tuple from a list; the machine holds both as an array: decided by what is known of x.
            if x.tup is None:
                self._refuse(node, f"{_describe(node.args[0])} may be a tuple or a list here, which the machine "
                                   "does not tell apart", "test isinstance(x, (list, tuple))")
            if x.type == "list" or x.tup:
                verdict = TRUE if ("tuple" in names_ok) == bool(x.tup) else FALSE
                return J(verdict if x.atom else Block((x.tree, verdict)), "bool")
            # unknown type, not a tuple: an array is a list
            tests = [(lambda v: FALSE) if n == "tuple" else t for n, t in zip(names_ok, tests)]
        if x.type is not None:
            # Known statically (a float stays a float even when its value is whole, as in Python).
            pytypes = {"int": {"int"}, "float": {"float"}, "str": {"str"}, "bool": {"bool", "int"},
                       "none": {"NoneType"}, "list": {"list", "tuple"}, "dict": {"dict"}}[x.type]
            hit = any(n in pytypes for n in names_ok) and not (x.type == "list" and "tuple" in names_ok
                                                               and "list" not in names_ok)
            verdict = TRUE if hit else FALSE
            return J(verdict if x.atom else Block((x.tree, verdict)), "bool")
        return J(self.let([x], lambda v: or_(*(t(v) for t in tests))), "bool")
