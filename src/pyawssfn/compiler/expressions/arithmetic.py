"""Arithmetic operators with Python's meaning (+ on str/list, // and % signs, ** , sequence repetition).
"""
from __future__ import annotations

import ast

from pyawssfn.compiler.expressions.build import EMPTY, T, chars, err, fn, int_value, is_int, number_value
from pyawssfn.compiler.expressions.core import J, NUMERIC, _OPNAME, _Refused, either
from pyawssfn.jsonata.tree import Binary, Expr, Num, Str, Unary, Var
from pyawssfn.compiler.expressions import rewrites
from pyawssfn.compiler.expressions.statements import INPLACE


# the types whose + and * give no sequence (a tuple's or a list's items are not the result's)
_SCALARS = frozenset(["int", "float", "str"])


class ArithmeticMixin:
    """ExpressionTranslator methods; see the module docstring."""

    def _tr_BinOp(self, node: ast.BinOp) -> J:
        left, right = self._tr(node.left), self._tr(node.right)
        op = type(node.op)
        if op is ast.Add:
            self._check_tuple_concat(node, left, right)
            if node.__dict__.get(INPLACE, False) and left.type in (None, "list"):
                if "bool" in (left.type, right.type):
                    self._check_binop_types(node, left, right)
                return self.iadd_code(left, right)
        self._check_binop_types(node, left, right)
        result = self.binop_code(node.op, left, right)
        if (op is ast.Add or op is ast.Mult) and left.type not in _SCALARS and right.type not in _SCALARS:
            # tuple + tuple and tuple * n are tuples, list + list a list; the items are both sides' items
            seqs = [e for e in (left, right) if e.type != "int"] if op is ast.Mult else [left, right]
            return either(result.tree, result.type, *seqs)
        return result

    def iadd_code(self, left: J, right: J) -> J:
        """`x += v`: a list is extended with any iterable's items (a str's characters, a dict's keys), as
        list.__iadd__ does; anything else is x + v."""
        def extend_with(a: Expr, b: Expr) -> Expr:
            rt = right.type
            if rt == "list":
                return fn("append", a, b)
            if rt == "str":
                return fn("append", a, chars(b))
            if rt == "dict":
                return T("$append($0, [$keys($1)])", a, b)
            return T('$type($1) = "array" ? $append($0, $1) : $type($1) = "string" ? $append($0, $2) : '
                     '$type($1) = "object" ? $append($0, [$keys($1)]) : $3',
                     a, b, chars(b), err("TypeError: can only extend a list with an iterable"))

        if left.type == "list":
            return J(self.let([left, right], extend_with), "list")
        return J(self.let([left, right], lambda a, b: T(
            '$type($0) = "array" ? $1 : $2', a, extend_with(a, b),
            self.binop_code(ast.Add(), J(a, None), J(b, right.type)).tree)), None)

    def _check_tuple_concat(self, node: ast.BinOp, left: J, right: J) -> None:
        """A tuple concatenates only with a tuple (TypeError in Python), which the machine, holding both as arrays,
        cannot tell: refuse what may mix them. `xs += t` extends a list with a tuple's items, as Python does."""
        inplace_list = getattr(node, INPLACE, False) and left.tup is False
        if inplace_list or left.tup is right.tup is False:
            return
        sequence = {None, "list"}
        if left.tup == right.tup is True or left.type not in sequence or right.type not in sequence:
            return
        self._refuse(node, "this concatenates a tuple with what may be a list (TypeError in Python: a tuple "
                           "concatenates only with a tuple)", "convert one side: tuple(a) + b, or list(a) + b")

    def _check_binop_types(self, node: ast.BinOp, left: J, right: J) -> None:
        if isinstance(node.op, (ast.BitAnd, ast.BitOr, ast.BitXor, ast.LShift, ast.RShift, ast.MatMult)):
            self._refuse(node, f"operator {_OPNAME[type(node.op)]} is not supported in a workflow expression",
                         rewrites.OPERATORS[_OPNAME[type(node.op)]])
        if isinstance(node.op, ast.Mod) and left.type == "str":
            self._refuse(node, "printf-style formatting with % is not supported", "use an f-string")
        if left.type == "bool" or right.type == "bool":
            self._refuse(node, "arithmetic on True/False is not supported", "convert with int(...) first")
        if left.type and right.type:
            ok = left.type in NUMERIC and right.type in NUMERIC
            if isinstance(node.op, ast.Add):
                ok = ok or left.type == right.type in ("str", "list")
            if isinstance(node.op, ast.Mult):
                ok = ok or (left.type in ("str", "list") and right.type == "int") or (
                    right.type in ("str", "list") and left.type == "int")
            if not ok:
                self._refuse(node, f"unsupported operand types for {_OPNAME[type(node.op)]}: "
                             f"{left.type} and {right.type}", "convert the operands to matching types")

    def binop_code(self, op: ast.operator, left: J, right: J) -> J:
        # (the operands' tuple-ness is not read here: only their trees and types; the callers say the result's)
        lt, rt = left.type, right.type
        a, b = left.tree, right.tree
        both_num = lt in NUMERIC and rt in NUMERIC
        # With a float operand the result, when Python does not raise, is a float (str and list operands raise).
        float_op = "float" in (lt, rt)
        num_type = "int" if lt == rt == "int" else ("float" if both_num or float_op else None)
        if isinstance(op, ast.Add):
            return self._add_code(left, right, num_type)
        if isinstance(op, ast.Sub):
            return J(Binary("-", a, b), num_type)
        if isinstance(op, ast.Mult):
            if both_num or float_op:  # a sequence times a float raises TypeError, as JSONata's * does
                return J(Binary("*", a, b), num_type)
            return self._mult(left, right)
        if isinstance(op, ast.Div):
            if rt in NUMERIC and number_value(b):
                return J(Binary("/", a, b), "float")
            return J(self.let([left, right], lambda x, y: T(
                "$1 = 0 ? $2 : $0 / $1", x, y, err("ZeroDivisionError: division by zero"))), "float")
        if isinstance(op, (ast.FloorDiv, ast.Mod)):
            return self._floor_mod_code(op, left, right, num_type)
        if isinstance(op, ast.Pow):
            # a float operand gives a float (or raises), as a negative literal power does
            negative = (type(b) is Num and b.text.startswith("-")) or (  # type: ignore[attr-defined]
                type(b) is Unary and type(b.operand) is Num)  # type: ignore[attr-defined]
            pow_type = "float" if float_op or negative else None
            if rt == "int" and type(b) is Num and b.text.isdigit():  # type: ignore[attr-defined]
                return J(fn("power", a, b), pow_type or (lt if lt in NUMERIC else None))
            return J(self.let([left, right], lambda x, y: T(
                "$0 = 0 and $1 < 0 ? $2 : $power($0, $1)", x, y,
                err("ZeroDivisionError: 0.0 cannot be raised to a negative power"))), pow_type)
        raise _Refused()

    def _add_code(self, left: J, right: J, num_type: str | None) -> J:
        """a + b: numbers add, strings join (&), lists append; a type test at run time where a type is unknown."""
        lt, rt = left.type, right.type
        if lt in NUMERIC and rt in NUMERIC:
            return J(Binary("+", left.tree, right.tree), num_type)
        if lt == rt == "str":
            return J(Binary("&", left.tree, right.tree), "str")
        if lt == rt == "list":
            return J(fn("append", left.tree, right.tree), "list")
        if lt in NUMERIC or rt in NUMERIC:
            # JSONata's + fails on a non-number, as Python's does on a number and a str or list.
            return J(Binary("+", left.tree, right.tree),
                     num_type if "float" in (lt, rt) else (lt if lt == rt else None))
        for known, jt, join in (("str", "string", "$0 & $1"), ("list", "array", "$append($0, $1)")):
            if known in (lt, rt):
                other_first = rt == known
                return J(self.let([left, right], lambda a, b, jt=jt, join=join, of=other_first: T(
                    '$type($0) = $1 ? $2 : $3', a if of else b, Str(jt), T(join, a, b),
                    err("TypeError: can only concatenate " + known + " to " + known))), known)
        return J(self.let([left, right], lambda a, b: T(
            '$type($0) = "number" and $type($1) = "number" ? $0 + $1 : '
            '$type($0) = "string" and $type($1) = "string" ? $0 & $1 : '
            '$type($0) = "array" and $type($1) = "array" ? $append($0, $1) : $2',
            a, b, err("TypeError: unsupported operand type(s) for +"))), lt if lt == rt else None)

    def _floor_mod_code(self, op: ast.operator, left: J, right: J, num_type: str | None) -> J:
        """a // b and a % b with Python's signs (JSONata's % takes the dividend's sign, Python's the divisor's)."""
        lit = number_value(right.tree)

        def zero_guard(b: Expr, then: Expr) -> Expr:
            if lit:
                return then
            return T("$0 = 0 ? $1 : $2", b, err("ZeroDivisionError: integer division or modulo by zero"), then)

        if isinstance(op, ast.FloorDiv):
            if left.type == right.type == "int":
                return J(self.let([left, right], lambda a, b: zero_guard(b, T("$floor($0 / $1)", a, b))), num_type)
            # CPython's float floor division: from fmod, so that 1 // 0.1 is 9.0 as in Python, not floor(10.0).
            m, d, f = self._fresh_var(), self._fresh_var(), self._fresh_var()
            return J(self.let([left, right], lambda a, b: zero_guard(b, T(
                "( $2 := $0 % $1; $3 := ($0 - $2) / $1; $3 := $2 != 0 and ($1 < 0) != ($2 < 0) ? $3 - 1 : $3; "
                "$4 := $floor($3); $3 - $4 > 0.5 ? $4 + 1 : $4 )", a, b, m, d, f))), num_type)
        m = self._fresh_var()
        if lit:
            fix = "$0 < 0" if lit > 0 else "$0 > 0"
            return J(self.let([left], lambda a: T(
                "( $0 := $1 % $2; $3 ? $0 + $2 : $0 )", m, a, right.tree, T(fix, m))), num_type)
        return J(self.let([left, right], lambda a, b: zero_guard(b, T(
            "( $2 := $0 % $1; $2 != 0 and ($2 < 0) != ($1 < 0) ? $2 + $1 : $2 )", a, b, m))), num_type)

    def _mult(self, left: J, right: J) -> J:
        acc = self._fresh_var()
        acc_ = Var(acc.name + "_")

        def rep(seq: Expr, n: Expr) -> Expr:
            lit = int_value(n)
            text = T('$pad("", $length($0) * $1, $0)', seq, n)
            items = T("$reduce([1..$1], function($2, $3) { $append($2, $0) }, [])", seq, n, acc, acc_)
            if lit is not None and lit <= 0:
                text, items = Str(""), EMPTY
            elif lit is None:
                text, items = T('$0 > 0 ? $1 : ""', n, text), T("$0 > 0 ? $1 : []", n, items)
            body = T('$type($0) = "string" ? $1 : $2', seq, text, items)
            if lit is not None:
                return body
            return T("$not($0) ? $1 : $2", is_int(n), err("TypeError: can only multiply a sequence by an integer"),
                     body)

        bad = err("TypeError: unsupported operand type(s) for *")
        if left.type in ("str", "list"):
            return J(self.let([left, right], rep), left.type)
        if right.type == "int" or left.type == "int":
            seq, n = (left, right) if right.type == "int" else (right, left)
            return J(self.let([seq, n], lambda a, b: T(
                '$type($0) = "number" ? $0 * $1 : $type($0) in ["string", "array"] ? $2 : $3', a, b, rep(a, b), bad)))
        if right.type in ("str", "list"):
            return J(self.let([left, right], lambda a, b: rep(b, a)), right.type)
        return J(self.let([left, right], lambda a, b: T(
            '$type($0) = "number" and $type($1) = "number" ? $0 * $1 : '
            '$type($0) in ["string", "array"] ? $2 : $type($1) in ["string", "array"] ? $3 : $4',
            a, b, rep(a, b), rep(b, a), bad)))

    def _tr_UnaryOp(self, node: ast.UnaryOp) -> J:
        operand = self._tr(node.operand)
        if isinstance(node.op, ast.Not):
            return J(fn("not", self._truthy(operand)), "bool")
        if operand.type == "bool" or isinstance(node.op, ast.Invert):
            self._refuse(node, "this unary operator is not supported here",
                         "convert a bool with int(...) first" if operand.type == "bool" else "for an int write -x - 1")
        if isinstance(node.op, ast.USub):
            x = operand.tree
            neg = Num("-" + x.text) if type(x) is Num and not x.text.startswith("-") else Unary(x)  # type: ignore
            return J(neg, operand.type if operand.type in NUMERIC else None)
        if operand.type in NUMERIC:
            return operand
        return J(self.let([operand], lambda v: T(
            '$type($0) = "number" ? $0 : $1', v, err("TypeError: bad operand type for unary +"))))
