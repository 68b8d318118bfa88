"""str and dict methods (upper, split, join, get, keys, items, ...).
"""
from __future__ import annotations

import ast
from typing import Callable

from pyawssfn.compiler.expressions import rewrites
from pyawssfn.compiler.expressions.build import FALSE, NULL, T, err, fn, single
from pyawssfn.compiler.expressions.core import J, _describe, either, item_of
from pyawssfn.jsonata.tree import Binary, Cond, Expr, Regex, Str, or_


# Python's str.split() whitespace, spelled out: JavaScript's \s (AWS) and Python's re \s (the local executor) differ
_PY_WS = r"[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"

class MethodMixin:
    """ExpressionTranslator methods; see the module docstring."""

    def _method(self, node: ast.Call, func: ast.Attribute) -> J:
        name = func.attr
        if name == "format" and isinstance(func.value, ast.Constant) and isinstance(func.value.value, str):
            return self._str_format(node, func.value.value)
        handler = getattr(self, "_m_" + name, None)
        if handler is None:
            self._refuse(node, f"method .{name}(...) is not translated in a workflow expression", rewrites.method(name))
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            self._refuse(node, f".{name}() with keyword or * arguments is not supported in a workflow expression",
                         f"pass the arguments positionally: {_describe(node.func)}(...)")
        obj = self._tr(func.value)
        return handler(node, obj)

    def _typed(self, node: ast.AST, obj: J, want: str, body: Callable[..., Expr], rtype: str | None = None,
               extra: list[J] | None = None, items_of: J | None = None) -> J:
        jtype = {"str": "string", "list": "array", "dict": "object"}[want]
        name = _describe(node.func) if isinstance(node, ast.Call) else "method"
        if obj.type not in (None, want):
            self._refuse(node, f"{name}: a {obj.type} has no such method", f"call it on a {want}")
        parts = [obj] + (extra or [])

        def wrapped(o: Expr, *rest: Expr) -> Expr:
            b = body(o, *rest)
            if obj.type == want:
                return b
            return T("$type($0) = $1 ? $2 : $3", o, Str(jtype), b,
                     err(f"AttributeError: object has no method used in {name}"))
        if items_of is not None:  # a list of the object's items (dict.values())
            return J(self.let(parts, wrapped), rtype, False, items_of.items_tup)
        return J(self.let(parts, wrapped), rtype)

    def _str_args(self, node: ast.Call, lo: int, hi: int) -> list[J]:
        args = self._args(node, lo, hi)
        for a, src in zip(args, node.args):
            if a.type not in (None, "str"):
                self._refuse(src, "this argument must be a str", "pass a string")
        return args

    def _m_upper(self, node: ast.Call, obj: J) -> J:
        self._args(node, 0, 0)
        return self._typed(node, obj, "str", lambda s: fn("uppercase", s), "str")

    def _m_lower(self, node: ast.Call, obj: J) -> J:
        self._args(node, 0, 0)
        return self._typed(node, obj, "str", lambda s: fn("lowercase", s), "str")

    def _m_strip(self, node: ast.Call, obj: J) -> J:
        return self._strip(node, obj, "both")

    def _m_lstrip(self, node: ast.Call, obj: J) -> J:
        return self._strip(node, obj, "left")

    def _m_rstrip(self, node: ast.Call, obj: J) -> J:
        return self._strip(node, obj, "right")

    def _strip(self, node: ast.Call, obj: J, side: str) -> J:
        """s.strip() / lstrip() / rstrip(), of Python's whitespace (spelled out: JavaScript's \\s, on AWS, and
        Python's, in the local executor, differ) or of the characters of a literal. $trim would also collapse inner
        whitespace. The end of the string is (?![\\s\\S]): a regex $ also matches before a final newline under
        Python's regular expressions."""
        cls = self._strip_class(node)
        if cls is None:
            return self._typed(node, obj, "str", lambda s: s, "str")  # strip(""): nothing to remove
        pattern = {"both": f"^{cls}+|{cls}+(?![\\s\\S])", "left": f"^{cls}+", "right": f"{cls}+(?![\\s\\S])"}[side]
        return self._typed(node, obj, "str", lambda s: T('$replace($0, $1, "")', s, Regex(pattern)), "str")

    def _strip_class(self, node: ast.Call) -> str | None:
        if len(node.args) > 1:
            self._refuse(node, f"{_describe(node.func)}() takes at most one argument", "pass the characters to remove")
        if not node.args or (isinstance(node.args[0], ast.Constant) and node.args[0].value is None):
            return _PY_WS
        chars = node.args[0].value if isinstance(node.args[0], ast.Constant) else None
        if not isinstance(chars, str):
            self._refuse(node.args[0], "the characters to strip must be a string literal here",
                         'write s.strip("/"), or strip in a step')
        if any(ord(c) > 0xFFFF for c in chars):
            self._refuse(node.args[0], "stripping characters beyond U+FFFF is not supported in a workflow",
                         "strip them in a step")
        # every character as \\uXXXX: nothing in the class can read as regex syntax (or end the /literal/)
        return ("[" + "".join(f"\\u{ord(c):04x}" for c in dict.fromkeys(chars)) + "]") if chars else None

    def _m_startswith(self, node: ast.Call, obj: J) -> J:
        return self._affix(node, obj, "startswith", lambda s, p: T("$substring($0, 0, $length($1)) = $1", s, p))

    def _m_endswith(self, node: ast.Call, obj: J) -> J:
        return self._affix(node, obj, "endswith", lambda s, p: T(
            "$length($1) <= $length($0) and $substring($0, $length($0) - $length($1)) = $1", s, p))

    def _affix(self, node: ast.Call, obj: J, name: str, test: Callable[[Expr, Expr], Expr]) -> J:
        """s.startswith(p) / s.endswith(p), p a str or a tuple of str (true when any of them is)."""
        if len(node.args) == 1 and isinstance(node.args[0], ast.Tuple):
            alts = [self._tr(e) for e in node.args[0].elts]
            for a, src in zip(alts, node.args[0].elts):
                if a.type not in (None, "str"):
                    self._refuse(src, f"{name}: each item of the tuple must be a str", "pass strings")
        else:
            alts = self._str_args(node, 1, 1)

        def body(s: Expr, *ps: Expr) -> Expr:
            checks = [T('$type($0) != "string" ? $1 : $2', p, err(f"TypeError: {name} arg must be str"), test(s, p))
                      for p in ps]
            return or_(*checks) if checks else FALSE
        return self._typed(node, obj, "str", body, "bool", alts)

    def _m_split(self, node: ast.Call, obj: J) -> J:
        args = self._str_args(node, 0, 1)
        if not args or args[0].type == "none":
            return self._typed(node, obj, "str", lambda s: T(
                '( $__t := $replace($0, /^' + _PY_WS + '+|' + _PY_WS + '+$/, ""); '
                '$__t = "" ? [] : [$split($__t, /' + _PY_WS + '+/)] )', s), "list")
        if args[0].tree == Str(""):
            self._refuse(node, "str.split('') raises ValueError: empty separator", "use list(s) for characters")
        checked = not (args[0].type == "str" and args[0].atom)

        def split(s: Expr, sep: Expr) -> Expr:
            out = T("[$split($0, $1)]", s, sep)
            return T('$0 = "" ? $1 : $2', sep, err("ValueError: empty separator"), out) if checked else out
        return self._typed(node, obj, "str", split, "list", args)

    def _m_replace(self, node: ast.Call, obj: J) -> J:
        args = self._str_args(node, 2, 2)
        return self._typed(node, obj, "str", lambda s, a, b: T(
            '$0 = "" ? $1 : $replace($2, $0, $3)', a,
            err("ValueError: replacing the empty string is not supported in a workflow"), s, b), "str", args)

    def _m_join(self, node: ast.Call, obj: J) -> J:
        if len(node.args) == 1 and self._iterator_call(node.args[0]):
            it = self._iterable(node.args[0])  # "".join(reversed(s))
        else:
            (xs,) = self._args(node, 1, 1)
            it = self._iterable(node.args[0]) if xs.type != "list" else xs
        e = self._fresh_var()
        return self._typed(node, obj, "str", lambda sep, v: T(
            '$exists($filter($0, function($1) { $type($1) != "string" })) ? $2 : $join($0, $3)',
            v, e, err("TypeError: sequence item: expected str instance"), sep), "str", [it])

    def _m_count(self, node: ast.Call, obj: J) -> J:
        (x,) = self._args(node, 1, 1)
        acc, e = self._fresh_var(), self._fresh_var()

        def in_str(s: Expr, sub: Expr) -> Expr:
            return T('$type($1) != "string" ? $2 : $1 = "" ? $length($0) + 1 : $count($split($0, $1)) - 1',
                     s, sub, err("TypeError: must be str"))

        def in_list(l: Expr, v: Expr) -> Expr:
            same = self._eq(item_of(obj, e), J(v, x.type, x.tup, x.items_tup), "=", node)
            return T("$reduce($0, function($1, $2) { $1 + ($3 ? 1 : 0) }, 0)", l, acc, e, same)

        if obj.type == "str":
            return J(self.let([obj, x], in_str), "int")
        if obj.type == "list":
            return J(self.let([obj, x], in_list), "int")
        return J(self.let([obj, x], lambda o, v: T(
            '$type($0) = "string" ? $1 : $type($0) = "array" ? $2 : $3', o, in_str(o, v), in_list(o, v),
            err("AttributeError: object has no attribute count"))), "int")

    def _m_index(self, node: ast.Call, obj: J) -> J:
        (x,) = self._args(node, 1, 1)
        acc, e, i, r = self._fresh_var(), self._fresh_var(), self._fresh_var(), self._fresh_var()

        def in_list(l: Expr, v: Expr) -> Expr:
            same = self._eq(item_of(obj, e), J(v, x.type, x.tup, x.items_tup), "=", node)
            return T("( $0 := $reduce($1, function($2, $3, $4) { $2 >= 0 ? $2 : ($5 ? $4 : -1) }, -1); "
                     "$0 < 0 ? $6 : $0 )", r, l, acc, e, i, same, err("ValueError: x not in list"))

        def in_str(s: Expr, sub: Expr) -> Expr:
            return T('$type($1) != "string" ? $2 : $contains($0, $1) ? $length($substringBefore($0, $1)) : $3',
                     s, sub, err("TypeError: must be str"), err("ValueError: substring not found"))

        if obj.type == "list":
            return J(self.let([obj, x], in_list), "int")
        if obj.type == "str":
            return J(self.let([obj, x], in_str), "int")
        return J(self.let([obj, x], lambda o, v: T(
            '$type($0) = "array" ? $1 : $type($0) = "string" ? $2 : $3', o, in_list(o, v), in_str(o, v),
            err("AttributeError: object has no attribute index"))), "int")

    def _m_find(self, node: ast.Call, obj: J) -> J:
        args = self._str_args(node, 1, 1)
        return self._typed(node, obj, "str", lambda s, sub: T(
            "$contains($0, $1) ? $length($substringBefore($0, $1)) : -1", s, sub), "int", args)

    def _m_get(self, node: ast.Call, obj: J) -> J:
        args = self._args(node, 1, 2)
        default = args[1] if len(args) == 2 else J(NULL, "none")
        key_known = args[0].type == "str"

        def get(d: Expr, k: Expr, dv: Expr) -> Expr:
            test = T("$exists($lookup($0, $1))", d, k)
            if not key_known:
                test = Binary("and", T('$type($0) = "string"', k), test)
            return Cond(test, fn("lookup", d, k), dv)
        got = self._typed(node, obj, "dict", get, None, [args[0], default])
        return either(got.tree, None, item_of(obj, NULL), default)

    def _m_keys(self, node: ast.Call, obj: J) -> J:
        self._args(node, 0, 0)
        return self._typed(node, obj, "dict", lambda d: T("[$keys($0)]", d), "view")

    def _m_values(self, node: ast.Call, obj: J) -> J:
        self._args(node, 0, 0)
        acc, k = self._fresh_var(), self._fresh_var()
        return self._typed(node, obj, "dict", lambda d: T(
            "$reduce([$keys($0)], function($1, $2) { $append($1, $3) }, [])", d, acc, k,
            single(T("$lookup($0, $1)", d, k))), "view", items_of=obj)

    def _m_items(self, node: ast.Call, obj: J) -> J:
        self._args(node, 0, 0)
        acc, k = self._fresh_var(), self._fresh_var()
        view = self._typed(node, obj, "dict", lambda d: T(
            "$reduce([$keys($0)], function($1, $2) { $append($1, [[$append([$2], $3)]]) }, [])", d, acc, k,
            single(T("$lookup($0, $1)", d, k))), "view")
        return J(view.tree, "view", False, True)  # each item a (key, value) tuple
