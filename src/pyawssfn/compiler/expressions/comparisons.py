"""Comparisons, membership, and/or, conditional expressions and the ASL predicates (IsNull, StringEquals, ...).
"""
from __future__ import annotations

import ast

from pyawssfn.semantics.wildcard import jsonata_regex
from pyawssfn.compiler.expressions.build import FALSE, NULL, TRUE, T, block, err, fn
from pyawssfn.compiler.expressions.core import J, NUMERIC, NotConstant, _RFC3339, either, item_of
from pyawssfn.jsonata.tree import Array, Binary, Block, Call, Cond, Expr, Null, Num, Object, Regex, Str, Var, and_, or_


_PRED_OPS = {"LessThanEquals": "<=", "GreaterThanEquals": ">=", "LessThan": "<", "GreaterThan": ">", "Equals": "="}


# Python's == of two JSON values, where a boolean inside a list or dict equals the number 1 or 0 ([True] == [1],
# {"k": False} == {"k": 0.0}); JSONata's deep equality keeps them apart. A constant template, bound to $__eq.
_EQ_FN = (
    'function($__a, $__b) { $type($__a) = "boolean" and $type($__b) = "number" ? ($__a ? 1 : 0) = $__b : '
    '$type($__a) = "number" and $type($__b) = "boolean" ? $__a = ($__b ? 1 : 0) : '
    '$type($__a) = "array" and $type($__b) = "array" ? $count($__a) = $count($__b) and '
    "$reduce([0..$count($__a) - 1], function($__t, $__i) { $__t and $__eq($__a[$__i], $__b[$__i]) }, true) : "
    '$type($__a) = "object" and $type($__b) = "object" ? $count($keys($__a)) = $count($keys($__b)) and '
    "($count($keys($__a)) = 0 or $reduce($keys($__a), function($__t, $__k) { $__t and $__k in $keys($__b) and "
    "$__eq($lookup($__a, $__k), $lookup($__b, $__k)) }, true)) : $__a = $__b }"
)
_EQ = Var("__eq")
_CONTAINERS = (None, "list", "dict", "tuple")


def _nested_bools_may_meet_numbers(a: J, b: J) -> bool:
    """Whether both sides may be lists or dicts, one holding a boolean where the other holds a number: a literal
    side with neither numbers nor booleans inside decides alike on both engines."""
    def plain(e: J) -> bool:
        literal = type(e.tree) in (Array, Object) and all(type(n) in (Array, Object, Str, Null) for n in e.tree.walk())
        return literal

    return a.type in _CONTAINERS and b.type in _CONTAINERS and not plain(a) and not plain(b)


def _deep_eq(a: Expr, b: Expr, sym: str) -> Expr:
    test = Call(_EQ, (a, b))
    return block([(_EQ, T(_EQ_FN))], test if sym == "=" else fn("not", test))


def _is_timestamp(v: Expr) -> Expr:
    return T('$type($0) = "string" and $contains($0, ' + _RFC3339 + ')', v)


def _wildcard_regex(pattern: str) -> Regex:
    """ASL's StringMatches pattern as a JSONata regex literal (semantics/wildcard.py): a leaf, not text."""
    text = jsonata_regex(pattern)
    end = text.rindex("/")
    return Regex(text[1:end], text[end + 1:])


class ComparisonMixin:
    """ExpressionTranslator methods; see the module docstring."""

    def _tr_BoolOp(self, node: ast.BoolOp) -> J:
        parts = [self._tr(v) for v in node.values]
        types = {p.type for p in parts}
        if types == {"bool"}:
            return J((and_ if isinstance(node.op, ast.And) else or_)(*(p.tree for p in parts)), "bool")
        # Python returns the deciding operand, not a boolean: fold from the right.
        result = parts[-1]
        for p in reversed(parts[:-1]):
            rest = result

            def body(v: Expr, rest: J = rest, p: J = p) -> Expr:
                t = self._truthy(J(v, p.type))
                if isinstance(node.op, ast.And):
                    return Cond(t, rest.tree, v)
                return Cond(t, v, rest.tree)

            result = either(self.let([p], body), p.type if p.type == rest.type else None, p, rest)
        return result

    def _tr_IfExp(self, node: ast.IfExp) -> J:
        test = self._truthy(self._tr(node.test))
        body, orelse = self._tr(node.body), self._tr(node.orelse)
        return either(Cond(test, body.tree, orelse.tree), body.type if body.type == orelse.type else None,
                      body, orelse)

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
            return J(and_(*tests), "bool")
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

        def test(v: Expr, *es: Expr) -> Expr:
            eqs = [self._eq(J(v, x.type, x.tup, x.items_tup), J(e, j.type, j.tup, j.items_tup), "=", node)
                   for e, j in zip(es, items)]
            found = or_(*eqs)
            return found if isinstance(node.ops[0], ast.In) else fn("not", found)
        return J(self.let([x] + items, test), "bool")

    def _chain(self, node: ast.Compare, operands: list[J]) -> Expr:
        # a < b < c with b, c computed: ( $b := B; a < $b ? ( $c := C; $b < $c ) : false )
        def build(i: int, left: J) -> Expr:
            right = operands[i + 1]
            if i + 1 == len(node.ops):
                return self._compare(node, node.ops[i], left, right)
            if right.atom:
                return Binary("and", self._compare(node, node.ops[i], left, right), build(i + 1, right))
            n = self._fresh_var()
            rn = J(n, right.type)
            return block([(n, right.tree)], Cond(self._compare(node, node.ops[i], left, rn), build(i + 1, rn), FALSE))
        try:
            return build(0, operands[0])
        finally:
            del build  # (a recursive closure is a cycle with its cell, and it holds self: the whole lowering)

    def _compare(self, node: ast.AST, op: ast.cmpop, a: J, b: J) -> Expr:
        if isinstance(op, (ast.Is, ast.IsNot)):
            if b.type != "none" and a.type != "none":
                self._refuse(node, "`is` is only supported with None", "use == to compare values")
            other = a if b.type == "none" else b
            return Binary("=" if isinstance(op, ast.Is) else "!=", other.tree, NULL)
        if isinstance(op, (ast.Eq, ast.NotEq)):
            return self._eq(a, b, "=" if isinstance(op, ast.Eq) else "!=", node)
        if isinstance(op, (ast.In, ast.NotIn)):
            t = self._contains(node, b, a)
            return t if isinstance(op, ast.In) else fn("not", t)
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
        return Binary(sym, a.tree, b.tree)

    def _order_lists(self, node: ast.AST, a: J, b: J, sym: str) -> Expr:
        """[1, 2] < [1, 3]: Python's lexicographic order (the comparator sorted() uses); a tuple against a list
        raises TypeError in Python."""
        from pyawssfn.compiler.expressions.calls import CMP, cmp_fn
        if a.tup is None or b.tup is None or a.tup != b.tup:
            self._refuse(node, "ordering a tuple against what may be a list (TypeError in Python)",
                         "convert both sides with list(...)")
        return block([(CMP, cmp_fn())], Binary(sym, Call(CMP, (a.tree, b.tree)), Num("0")))

    def _eq(self, a: J, b: J, sym: str = "=", node: ast.AST | None = None) -> Expr:
        # JSONata's = is deep equality (dict key order ignored, 1 = 1.0); it differs from Python only in that
        # True == 1 and False == 0 in Python, and that a tuple never equals a list. Normalise booleans at the top
        # level when one side may be numeric.
        decided = self._tuple_eq(a, b, node)
        if decided is not None:
            verdict = (FALSE if decided is False else TRUE) if sym == "=" else (
                TRUE if decided is False else FALSE)
            effects = [e.tree for e in (a, b) if not e.atom]
            return Block((*effects, verdict)) if effects else verdict

        def may_num(t: str | None) -> bool:
            return t is None or t in NUMERIC

        def may_bool(t: str | None) -> bool:
            return t is None or t == "bool"

        if _nested_bools_may_meet_numbers(a, b):
            return _deep_eq(a.tree, b.tree, sym)
        if not ((may_num(a.type) and may_bool(b.type)) or (may_bool(a.type) and may_num(b.type))):
            return Binary(sym, a.tree, b.tree)

        def norm(e: J) -> J:
            if e.type == "bool":
                return J(T("$0 ? 1 : 0", e.tree), "int")
            return e

        def nv(v: Expr, t: str | None) -> Expr:
            if t is None:
                return T('$type($0) = "boolean" ? ($0 ? 1 : 0) : $0', v)
            return v

        if a.type == "bool" or b.type == "bool":
            a2, b2 = norm(a), norm(b)
            return self.let([a2, b2], lambda x, y: Binary(sym, nv(x, a2.type), nv(y, b2.type)))
        return self.let([a, b], lambda x, y: Binary(sym, nv(x, a.type), nv(y, b.type)))

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

    def _contains(self, node: ast.AST, container: J, item: J) -> Expr:
        def in_list(c: Expr, x: Expr) -> Expr:
            e = self._fresh_var()
            test = self._eq(item_of(container, e), J(x, item.type, item.tup, item.items_tup), "=", node)
            return T("$exists($filter($0, function($1) { $2 }))", c, e, test)

        def in_dict(c: Expr, x: Expr) -> Expr:
            if item.type in ("str", "int", "float", "bool", "none"):
                return Binary("in", x, fn("keys", c))
            if item.tup:  # a hashable tuple is never one of a JSON object's string keys
                return self._hashable(node, item, x, FALSE)
            if item.tup is None:
                self._tuple_refusal(node, item)
            return T('$type($0) in ["array", "object"] ? $1 : $0 in $keys($2)', x, err("TypeError: unhashable type"), c)

        def in_str(c: Expr, x: Expr) -> Expr:
            if item.type == "str":
                return fn("contains", c, x)
            return T('$type($1) = "string" ? $contains($0, $1) : $2', c, x,
                     err("TypeError: in <string> requires string as left operand"))

        t = container.type
        if container.set and item.type not in ("str", "int", "float", "bool", "none"):
            return self.let([container, item], lambda c, x: self._hashable(node, item, x, in_list(c, x)))
        if t == "list":
            return self.let([container, item], in_list)
        if t == "dict":
            return self.let([container, item], in_dict)
        if t == "str":
            if item.type == "str":
                return fn("contains", container.tree, item.tree)
            return self.let([container, item], in_str)
        if t is not None:
            self._refuse(node, f"`in` needs a list, dict or str, not {t}", "test membership in a container")
        return self.let([container, item], lambda c, x: T(
            '$type($0) = "array" ? $1 : $type($0) = "object" ? $2 : $type($0) = "string" ? $3 : $4',
            c, in_list(c, x), in_dict(c, x), in_str(c, x), err("TypeError: argument of type is not iterable")))

    def _hashable(self, node: ast.AST, item: J, x: Expr, then: Expr) -> Expr:
        """``then`` where ``x`` (the left of `in` a set) is hashable; Python's TypeError for a list or a dict. On the
        machine a tuple is an array too: one known to be a tuple of scalars is hashable, the rest is refused."""
        if item.tup is None or (item.tup and item.items_tup is not False):
            self._refuse(node, "`in` a set needs a hashable value, and this one may be a list or a tuple holding "
                               "lists (the machine holds both as JSON arrays)", "convert it: tuple(x) of scalars, "
                                                                                "or test `x in list_of_items`")
        def kind(v: Expr) -> Expr:
            return T('$type($0) = "array" ? "list" : $type($0) = "object" ? "dict" : ""', v)

        if not item.tup:
            bad = kind(x)
        else:  # the kind of the first item of the tuple that is a list or a dict, if any
            acc, v = self._fresh_var(), self._fresh_var()
            bad = T('$reduce($0, function($1, $2) { $1 ? $1 : $3 }, "")', x, acc, v, kind(v))
        k = self._fresh_var()
        return T('($0 := $1; $0 ? $error("TypeError: unhashable type: \'" & $0 & "\'") : $2)', k, bad, then)

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
            return J(self.let([self._tr(node.args[0])], lambda s: T(
                '$type($0) = "string" and $contains($0, $1)', s, regex)), "bool")
        args = [self._tr(a) for a in node.args]
        if name == "IsPresent":
            return J(self.let(args, lambda v: T("$exists($0) or true", v)), "bool")
        if name == "IsNull":
            return J(Binary("=", args[0].tree, NULL), "bool")
        if name in ("IsNumeric", "IsString", "IsBoolean"):
            jt = {"IsNumeric": "number", "IsString": "string", "IsBoolean": "boolean"}[name]
            return J(T("$type($0) = $1", args[0].tree, Str(jt)), "bool")
        if name == "IsTimestamp":
            return J(self.let(args, _is_timestamp), "bool")
        op = _PRED_OPS[next(k for k in _PRED_OPS if name.endswith(k))]
        if name.startswith("Timestamp"):
            return J(self.let(args, lambda a, b: and_(
                _is_timestamp(a), _is_timestamp(b), Binary(op, fn("toMillis", a), fn("toMillis", b)))), "bool")
        jt = {"String": "string", "Numeric": "number", "Boolean": "boolean"}[next(p for p in ("String", "Numeric", "Boolean") if name.startswith(p))]
        pytype = {"string": "str", "number": None, "boolean": "bool"}[jt]

        def known(e: J) -> bool:
            return e.type == pytype if pytype else e.type in NUMERIC

        def test(a: Expr, b: Expr) -> Expr:
            checks = [T("$type($0) = $1", v, Str(jt)) for v, e in ((a, args[0]), (b, args[1])) if not known(e)]
            return and_(*checks, Binary(op, a, b))
        return J(self.let(args, test), "bool")
