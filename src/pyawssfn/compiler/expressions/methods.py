"""str and dict methods (upper, split, join, get, keys, items, ...).
"""
from __future__ import annotations

import ast
from typing import Callable

from pyawssfn.compiler.expressions import rewrites
from pyawssfn.compiler.expressions.core import J, _describe, _err, either, item_of, single


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

    def _typed(self, node: ast.AST, obj: J, want: str, body: Callable[[str], str], rtype: str | None = None,
               extra: list[J] | None = None, items_of: J | None = None) -> J:
        jtype = {"str": "string", "list": "array", "dict": "object"}[want]
        name = _describe(node.func) if isinstance(node, ast.Call) else "method"
        if obj.type not in (None, want):
            self._refuse(node, f"{name}: a {obj.type} has no such method", f"call it on a {want}")
        parts = [obj] + (extra or [])

        def wrapped(o: str, *rest: str) -> str:
            b = body(o, *rest)
            if obj.type == want:
                return b
            return f'$type({o}) = "{jtype}" ? ({b}) : {_err(f"AttributeError: object has no method used in {name}")}'
        if items_of is not None:  # a list of the object's items (dict.values())
            return J(self._let(parts, wrapped), rtype, False, items_of.items_tup)
        return J(self._let(parts, wrapped), rtype)

    def _str_args(self, node: ast.Call, lo: int, hi: int) -> list[J]:
        args = self._args(node, lo, hi)
        for a, src in zip(args, node.args):
            if a.type not in (None, "str"):
                self._refuse(src, "this argument must be a str", "pass a string")
        return args

    def _m_upper(self, node: ast.Call, obj: J) -> J:
        self._args(node, 0, 0)
        return self._typed(node, obj, "str", lambda s: f"$uppercase({s})", "str")

    def _m_lower(self, node: ast.Call, obj: J) -> J:
        self._args(node, 0, 0)
        return self._typed(node, obj, "str", lambda s: f"$lowercase({s})", "str")

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
        return self._typed(node, obj, "str", lambda s: f'$replace({s}, /{pattern}/, "")', "str")

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
        return self._affix(node, obj, "startswith", lambda s, p: f"$substring({s}, 0, $length({p})) = {p}")

    def _m_endswith(self, node: ast.Call, obj: J) -> J:
        return self._affix(node, obj, "endswith", lambda s, p: (
            f"$length({p}) <= $length({s}) and $substring({s}, $length({s}) - $length({p})) = {p}"))

    def _affix(self, node: ast.Call, obj: J, name: str, test: Callable[[str, str], str]) -> J:
        """s.startswith(p) / s.endswith(p), p a str or a tuple of str (true when any of them is)."""
        if len(node.args) == 1 and isinstance(node.args[0], ast.Tuple):
            alts = [self._tr(e) for e in node.args[0].elts]
            for a, src in zip(alts, node.args[0].elts):
                if a.type not in (None, "str"):
                    self._refuse(src, f"{name}: each item of the tuple must be a str", "pass strings")
        else:
            alts = self._str_args(node, 1, 1)

        def body(s: str, *ps: str) -> str:
            checks = [f'$type({p}) != "string" ? {_err(f"TypeError: {name} arg must be str")} : ({test(s, p)})'
                      for p in ps]
            return " or ".join(f"({c})" for c in checks) if checks else "false"
        return self._typed(node, obj, "str", body, "bool", alts)

    def _m_split(self, node: ast.Call, obj: J) -> J:
        args = self._str_args(node, 0, 1)
        if not args or args[0].type == "none":
            return self._typed(node, obj, "str", lambda s: (
                f'( $__t := $replace({s}, /^{_PY_WS}+|{_PY_WS}+$/, ""); $__t = "" ? [] : [$split($__t, /{_PY_WS}+/)] )'),
                "list")
        if args[0].code == '""':
            self._refuse(node, "str.split('') raises ValueError: empty separator", "use list(s) for characters")
        check = "" if args[0].type == "str" and args[0].atom else f'{{sep}} = "" ? {_err("ValueError: empty separator")} : '
        return self._typed(node, obj, "str", lambda s, sep: (
            check.format(sep=sep) + f"[$split({s}, {sep})]"), "list", args)

    def _m_replace(self, node: ast.Call, obj: J) -> J:
        args = self._str_args(node, 2, 2)
        return self._typed(node, obj, "str", lambda s, a, b: (
            f'{a} = "" ? {_err("ValueError: replacing the empty string is not supported in a workflow")} : '
            f"$replace({s}, {a}, {b})"), "str", args)

    def _m_join(self, node: ast.Call, obj: J) -> J:
        if len(node.args) == 1 and self._iterator_call(node.args[0]):
            it = self._iterable(node.args[0])  # "".join(reversed(s))
        else:
            (xs,) = self._args(node, 1, 1)
            it = self._iterable(node.args[0]) if xs.type != "list" else xs
        e = self._fresh()
        return self._typed(node, obj, "str", lambda sep, v: (
            f'$exists($filter({v}, function({e}) {{ $type({e}) != "string" }})) ? '
            f'{_err("TypeError: sequence item: expected str instance")} : $join({v}, {sep})'), "str", [it])

    def _m_count(self, node: ast.Call, obj: J) -> J:
        (x,) = self._args(node, 1, 1)
        acc, e = self._fresh(), self._fresh()

        def in_str(s: str, sub: str) -> str:
            return (f'$type({sub}) != "string" ? {_err("TypeError: must be str")} : '
                    f'{sub} = "" ? $length({s}) + 1 : $count($split({s}, {sub})) - 1')

        def in_list(l: str, v: str) -> str:
            same = self._eq(item_of(obj, e), J(v, x.type, x.tup, x.items_tup), "=", node)
            return f"$reduce({l}, function({acc}, {e}) {{ {acc} + ({same} ? 1 : 0) }}, 0)"

        if obj.type == "str":
            return J(self._let([obj, x], in_str), "int")
        if obj.type == "list":
            return J(self._let([obj, x], in_list), "int")
        return J(self._let([obj, x], lambda o, v: (
            f'$type({o}) = "string" ? ({in_str(o, v)}) : $type({o}) = "array" ? ({in_list(o, v)}) : '
            f'{_err("AttributeError: object has no attribute count")}')), "int")

    def _m_index(self, node: ast.Call, obj: J) -> J:
        (x,) = self._args(node, 1, 1)
        acc, e, i, r = self._fresh(), self._fresh(), self._fresh(), self._fresh()

        def in_list(l: str, v: str) -> str:
            return (f"( {r} := $reduce({l}, function({acc}, {e}, {i}) {{ {acc} >= 0 ? {acc} : "
                    f"({self._eq(item_of(obj, e), J(v, x.type, x.tup, x.items_tup), '=', node)} ? {i} : -1) }}, -1); "
                    f"{r} < 0 ? {_err('ValueError: x not in list')} : {r} )")

        def in_str(s: str, sub: str) -> str:
            return (f'$type({sub}) != "string" ? {_err("TypeError: must be str")} : '
                    f"$contains({s}, {sub}) ? $length($substringBefore({s}, {sub})) : "
                    f"{_err('ValueError: substring not found')}")

        if obj.type == "list":
            return J(self._let([obj, x], in_list), "int")
        if obj.type == "str":
            return J(self._let([obj, x], in_str), "int")
        return J(self._let([obj, x], lambda o, v: (
            f'$type({o}) = "array" ? {in_list(o, v)} : $type({o}) = "string" ? ({in_str(o, v)}) : '
            f'{_err("AttributeError: object has no attribute index")}')), "int")

    def _m_find(self, node: ast.Call, obj: J) -> J:
        args = self._str_args(node, 1, 1)
        return self._typed(node, obj, "str", lambda s, sub: (
            f"$contains({s}, {sub}) ? $length($substringBefore({s}, {sub})) : -1"), "int", args)

    def _m_get(self, node: ast.Call, obj: J) -> J:
        args = self._args(node, 1, 2)
        default = args[1] if len(args) == 2 else J("null", "none")
        key_test = "" if args[0].type == "str" else f'$type({{k}}) = "string" and '
        got = self._typed(node, obj, "dict", lambda d, k, dv: (
            key_test.format(k=k) + f"$exists($lookup({d}, {k})) ? $lookup({d}, {k}) : {dv}"), None,
            [args[0], default])
        return either(got.code, None, item_of(obj, "null"), default)

    def _m_keys(self, node: ast.Call, obj: J) -> J:
        self._args(node, 0, 0)
        return self._typed(node, obj, "dict", lambda d: f"[$keys({d})]", "view")

    def _m_values(self, node: ast.Call, obj: J) -> J:
        self._args(node, 0, 0)
        acc, k = self._fresh(), self._fresh()
        return self._typed(node, obj, "dict", lambda d: (
            f"$reduce([$keys({d})], function({acc}, {k}) {{ $append({acc}, {single(f'$lookup({d}, {k})')}) }}, [])"),
            "view", items_of=obj)

    def _m_items(self, node: ast.Call, obj: J) -> J:
        self._args(node, 0, 0)
        acc, k = self._fresh(), self._fresh()
        view = self._typed(node, obj, "dict", lambda d: (
            f"$reduce([$keys({d})], function({acc}, {k}) "
            f"{{ $append({acc}, [[$append([{k}], {single(f'$lookup({d}, {k})')})]]) }}, [])"), "view")
        return J(view.code, "view", False, True)  # each item a (key, value) tuple
