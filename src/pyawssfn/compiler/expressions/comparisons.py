"""Comparisons, membership, and/or, conditional expressions and the ASL predicates (IsNull, StringEquals, ...).
"""
from __future__ import annotations

import ast

from pyawssfn.semantics.wildcard import jsonata_regex
from pyawssfn.compiler.expressions.core import J, NUMERIC, NotConstant, _RFC3339, _block, _err, _paren, either, item_of


_PRED_OPS = {"LessThanEquals": "<=", "GreaterThanEquals": ">=", "LessThan": "<", "GreaterThan": ">", "Equals": "="}


def _is_timestamp(v: str) -> str:
    return f'($type({v}) = "string" and $contains({v}, {_RFC3339}))'


_wildcard_regex = jsonata_regex  # ASL's StringMatches pattern as a JSONata regex literal (semantics/wildcard.py)


class ComparisonMixin:
    """ExpressionTranslator methods; see the module docstring."""

    def _tr_BoolOp(self, node: ast.BoolOp) -> J:
        parts = [self._tr(v) for v in node.values]
        types = {p.type for p in parts}
        if types == {"bool"}:
            op = " and " if isinstance(node.op, ast.And) else " or "
            return J("(" + op.join(_paren(p.code) for p in parts) + ")", "bool")
        # Python returns the deciding operand, not a boolean: fold from the right.
        result = parts[-1]
        for p in reversed(parts[:-1]):
            rest = result

            def body(v: str, rest: J = rest, p: J = p) -> str:
                t = self._truthy(J(v, p.type))
                if isinstance(node.op, ast.And):
                    return f"{_paren(t)} ? {_paren(rest.code)} : {v}"
                return f"{_paren(t)} ? {v} : {_paren(rest.code)}"

            result = either(self._let([p], body), p.type if p.type == rest.type else None, p, rest)
        return result

    def _tr_IfExp(self, node: ast.IfExp) -> J:
        test = self._truthy(self._tr(node.test))
        body, orelse = self._tr(node.body), self._tr(node.orelse)
        return either(f"({_paren(test)} ? {_paren(body.code)} : {_paren(orelse.code)})",
                      body.type if body.type == orelse.type else None, body, orelse)

    def _tr_Compare(self, node: ast.Compare) -> J:
        if len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)):
            shown = self._in_display(node)
            if shown is not None:
                return shown
        operands = [self._tr(node.left)] + [
            (self._iterable(c) if self._iterator_call(c) else self._tr_view_ok(c))  # x in zip(a, b) iterates it
            if isinstance(op, (ast.In, ast.NotIn)) else self._tr(c)
            for op, c in zip(node.ops, node.comparators)
        ]
        if len(operands) == 2:
            return J(self._compare(node, node.ops[0], operands[0], operands[1]), "bool")
        if all(o.atom for o in operands[1:-1]):
            tests = [self._compare(node, op, operands[i], operands[i + 1]) for i, op in enumerate(node.ops)]
            return J("(" + " and ".join(_paren(t) for t in tests) + ")", "bool")
        # A computed middle operand is evaluated once, and only if the comparisons before it hold.
        return J(self._chain(node, operands), "bool")

    def _in_display(self, node: ast.Compare) -> J | None:
        """`x in (a, b, ...)` over a display whose items are tuples and lists mixed: x == a or x == b ..., each
        item compared as what it is (every item is evaluated first, as Python builds the display first)."""
        display = node.comparators[0]
        if not isinstance(display, (ast.List, ast.Tuple, ast.Set)) or any(
                isinstance(e, ast.Starred) for e in display.elts) or not 0 < len(display.elts) <= 16:
            return None
        items = [self._tr(e) for e in display.elts]
        if len({e.tup for e in items}) == 1 and None not in {e.tup for e in items}:
            return None  # one shape: the array membership test is faithful
        x = self._tr(node.left)

        def test(v: str, *es: str) -> str:
            eqs = [self._eq(J(v, x.type, x.tup, x.items_tup), J(e, j.type, j.tup, j.items_tup), "=", node)
                   for e, j in zip(es, items)]
            found = "(" + " or ".join(_paren(q) for q in eqs) + ")"
            return found if isinstance(node.ops[0], ast.In) else f"$not({found})"
        return J(self._let([x] + items, test), "bool")

    def _chain(self, node: ast.Compare, operands: list[J]) -> str:
        # a < b < c with b, c computed: ( $b := B; a < $b ? ( $c := C; $b < $c ) : false )
        def build(i: int, left: J) -> str:
            right = operands[i + 1]
            if i + 1 == len(node.ops):
                return self._compare(node, node.ops[i], left, right)
            if right.atom:
                return f"{_paren(self._compare(node, node.ops[i], left, right))} and {_paren(build(i + 1, right))}"
            n = self._fresh()
            rn = J(n, right.type)
            return _block([(n, right.code)],
                          f"{_paren(self._compare(node, node.ops[i], left, rn))} ? {_paren(build(i + 1, rn))} : false")
        return build(0, operands[0])

    def _compare(self, node: ast.AST, op: ast.cmpop, a: J, b: J) -> str:
        if isinstance(op, (ast.Is, ast.IsNot)):
            if b.type != "none" and a.type != "none":
                self._refuse(node, "`is` is only supported with None", "use == to compare values")
            other = a if b.type == "none" else b
            return f"{_paren(other.code)} {'=' if isinstance(op, ast.Is) else '!='} null"
        if isinstance(op, (ast.Eq, ast.NotEq)):
            return self._eq(a, b, "=" if isinstance(op, ast.Eq) else "!=", node)
        if isinstance(op, (ast.In, ast.NotIn)):
            t = self._contains(node, b, a)
            return t if isinstance(op, ast.In) else f"$not({t})"
        sym = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}[type(op)]
        if a.type == b.type == "list":
            return self._order_lists(node, a, b, sym)
        if a.type and b.type and not (
            (a.type in NUMERIC and b.type in NUMERIC) or a.type == b.type == "str"
        ):
            self._refuse(node, f"ordering comparison between {a.type} and {b.type} is not supported",
                         "compare numbers with numbers or strings with strings")
        # JSONata's ordering operators fail on anything but two numbers or two strings, as Python would on
        # mixed types (ordering of lists and of booleans is the documented gap).
        return f"{_paren(a.code)} {sym} {_paren(b.code)}"

    def _order_lists(self, node: ast.AST, a: J, b: J, sym: str) -> str:
        """[1, 2] < [1, 3]: Python's lexicographic order (the comparator sorted() uses); a tuple against a list
        raises TypeError in Python."""
        from pyawssfn.compiler.expressions.calls import _CMP, _cmp_fn
        if a.tup is None or b.tup is None or a.tup != b.tup:
            self._refuse(node, "ordering a tuple against what may be a list (TypeError in Python)",
                         "convert both sides with list(...)")
        return f"( {_CMP} := {_cmp_fn()}; {_CMP}({a.code}, {b.code}) {sym} 0 )"

    def _eq(self, a: J, b: J, sym: str = "=", node: ast.AST | None = None) -> str:
        # JSONata's = is deep equality (dict key order ignored, 1 = 1.0); it differs from Python only in that
        # True == 1 and False == 0 in Python, and that a tuple never equals a list. Normalise booleans at the top
        # level when one side may be numeric.
        decided = self._tuple_eq(a, b, node)
        if decided is not None:
            verdict = ("false" if decided is False else "true") if sym == "=" else (
                "true" if decided is False else "false")
            effects = [e.code for e in (a, b) if not e.atom]
            return f"( {'; '.join(effects)}; {verdict} )" if effects else verdict

        def may_num(t: str | None) -> bool:
            return t is None or t in NUMERIC

        def may_bool(t: str | None) -> bool:
            return t is None or t == "bool"

        if not ((may_num(a.type) and may_bool(b.type)) or (may_bool(a.type) and may_num(b.type))):
            return f"{_paren(a.code)} {sym} {_paren(b.code)}"

        def norm(e: J) -> J:
            if e.type in NUMERIC:
                return e
            if e.type == "bool":
                return J(f"({e.code} ? 1 : 0)", "int")
            return e

        def nv(v: str, t: str | None) -> str:
            if t is None:
                return f'($type({v}) = "boolean" ? ({v} ? 1 : 0) : {v})'
            return v

        if a.type == "bool" or b.type == "bool":
            a2, b2 = norm(a), norm(b)
            return self._let([a2, b2], lambda x, y: f"{nv(x, a2.type)} {sym} {nv(y, b2.type)}")
        return self._let([a, b], lambda x, y: f"{nv(x, a.type)} {sym} {nv(y, b.type)}")

    def _tuple_eq(self, a: J, b: J, node: ast.AST | None) -> bool | None:
        """False when Python's == is False because one side is a tuple and the other is not (the machine holds
        both as arrays); None when JSONata's deep equality decides. Refused where the tuple-ness is not known."""
        scalar = ("str", "int", "float", "bool", "none", "dict")
        if a.type in scalar or b.type in scalar:
            return None  # a scalar or a dict equals no array, tuple or list, on both sides
        if a.tup is None or b.tup is None:
            self._tuple_refusal(node, a if a.tup is None else b)
        if a.tup != b.tup:
            return False
        if a.items_tup != b.items_tup or a.items_tup is None:
            self._tuple_refusal(node, a if a.items_tup is None else b)
        return None

    def _tuple_refusal(self, node: ast.AST | None, which: J) -> None:
        self._refuse(node if node is not None else self._node,
                     "this compares values that may be tuples or lists: Python never finds a tuple equal to a list, "
                     "and the machine holds both as JSON arrays",
                     "compare like with like: convert both sides with list(...) (or both with tuple(...))")

    def _contains(self, node: ast.AST, container: J, item: J) -> str:
        def in_list(c: str, x: str) -> str:
            e = self._fresh()
            test = self._eq(item_of(container, e), J(x, item.type, item.tup, item.items_tup), "=", node)
            return f"$exists($filter({c}, function({e}) {{ {test} }}))"

        def in_dict(c: str, x: str) -> str:
            if item.type in ("str", "int", "float", "bool", "none"):
                return f"{x} in $keys({c})"
            if item.tup:  # a hashable tuple is never one of a JSON object's string keys
                return self._hashable(node, item, x, "false")
            if item.tup is None:
                self._tuple_refusal(node, item)
            return (f'$type({x}) in ["array", "object"] ? {_err("TypeError: unhashable type")} : '
                    f"{x} in $keys({c})")

        def in_str(c: str, x: str) -> str:
            if item.type == "str":
                return f"$contains({c}, {x})"
            return (f'$type({x}) = "string" ? $contains({c}, {x}) : '
                    f'{_err("TypeError: in <string> requires string as left operand")}')

        t = container.type
        if container.set and item.type not in ("str", "int", "float", "bool", "none"):
            return self._let([container, item], lambda c, x: self._hashable(node, item, x, in_list(c, x)))
        if t == "list":
            return self._let([container, item], in_list)
        if t == "dict":
            return self._let([container, item], in_dict)
        if t == "str":
            if item.type == "str":
                return f"$contains({container.code}, {item.code})"
            return self._let([container, item], in_str)
        if t is not None:
            self._refuse(node, f"`in` needs a list, dict or str, not {t}", "test membership in a container")
        return self._let([container, item], lambda c, x: (
            f'$type({c}) = "array" ? {in_list(c, x)} : $type({c}) = "object" ? {in_dict(c, x)} : '
            f'$type({c}) = "string" ? ({in_str(c, x)}) : '
            f'{_err("TypeError: argument of type is not iterable")}'))

    def _hashable(self, node: ast.AST, item: J, x: str, then: str) -> str:
        """``then`` where ``x`` (the left of `in` a set) is hashable; Python's TypeError for a list or a dict. On the
        machine a tuple is an array too: one known to be a tuple of scalars is hashable, the rest is refused."""
        if item.tup is None or (item.tup and item.items_tup is not False):
            self._refuse(node, "`in` a set needs a hashable value, and this one may be a list or a tuple holding "
                               "lists (the machine holds both as JSON arrays)", "convert it: tuple(x) of scalars, "
                                                                                "or test `x in list_of_items`")
        def kind(v: str) -> str:
            return f'($type({v}) = "array" ? "list" : $type({v}) = "object" ? "dict" : "")'

        if not item.tup:
            bad = kind(x)
        else:  # the kind of the first item of the tuple that is a list or a dict, if any
            acc, v = self._fresh(), self._fresh()
            bad = f'$reduce({x}, function({acc}, {v}) {{ {acc} ? {acc} : {kind(v)} }}, "")'
        k = self._fresh()
        return f'({k} := {bad}; {k} ? $error("TypeError: unhashable type: \'" & {k} & "\'") : {then})'

    def _predicate(self, node: ast.Call, name: str) -> J:
        if node.keywords:
            self._refuse(node, f"{name}() takes positional arguments", f"{name}(value, ...)")
        arity = 1 if name.startswith("Is") else 2
        if len(node.args) != arity:
            self._refuse(node, f"{name}() takes {arity} argument(s)", f"{name}(value{', other' if arity == 2 else ''})")
        if name == "StringMatches":
            try:
                pattern = self.literal_value(node.args[1])
            except NotConstant:
                pattern = None
            if not isinstance(pattern, str):
                self._refuse(node.args[1], "StringMatches needs a literal pattern", "write the pattern as a string literal")
            regex = _wildcard_regex(pattern)
            return J(self._let([self._tr(node.args[0])], lambda s: f'($type({s}) = "string" and $contains({s}, {regex}))'), "bool")
        args = [self._tr(a) for a in node.args]
        if name == "IsPresent":
            return J(self._let(args, lambda v: f"($exists({v}) or true)"), "bool")
        if name == "IsNull":
            return J(f"{_paren(args[0].code)} = null", "bool")
        if name in ("IsNumeric", "IsString", "IsBoolean"):
            jt = {"IsNumeric": "number", "IsString": "string", "IsBoolean": "boolean"}[name]
            return J(f'$type({args[0].code}) = "{jt}"', "bool")
        if name == "IsTimestamp":
            return J(self._let(args, _is_timestamp), "bool")
        op = _PRED_OPS[next(k for k in _PRED_OPS if name.endswith(k))]
        if name.startswith("Timestamp"):
            return J(self._let(args, lambda a, b: (
                f"({_is_timestamp(a)} and {_is_timestamp(b)} and $toMillis({a}) {op} $toMillis({b}))")), "bool")
        jt = {"String": "string", "Numeric": "number", "Boolean": "boolean"}[next(p for p in ("String", "Numeric", "Boolean") if name.startswith(p))]
        pytype = {"string": "str", "number": None, "boolean": "bool"}[jt]

        def known(e: J) -> bool:
            return e.type == pytype if pytype else e.type in NUMERIC

        def test(a: str, b: str) -> str:
            checks = [f'$type({v}) = "{jt}"' for v, e in ((a, args[0]), (b, args[1])) if not known(e)]
            return "(" + " and ".join(checks + [f"{a} {op} {b}"]) + ")"
        return J(self._let(args, test), "bool")
