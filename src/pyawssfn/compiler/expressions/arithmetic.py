"""Arithmetic operators with Python's meaning (+ on str/list, // and % signs, ** , sequence repetition).
"""
from __future__ import annotations

import ast

from pyawssfn.compiler.expressions.core import (
    J, NUMERIC, _OPNAME, _Refused, _err, _is_int, _number_literal, _paren, either, int_literal,
)
from pyawssfn.compiler.expressions import rewrites
from pyawssfn.compiler.expressions.statements import INPLACE


class ArithmeticMixin:
    """ExpressionTranslator methods; see the module docstring."""

    def _tr_BinOp(self, node: ast.BinOp) -> J:
        left, right = self._tr(node.left), self._tr(node.right)
        if isinstance(node.op, ast.Add):
            self._check_tuple_concat(node, left, right)
        if getattr(node, INPLACE, False) and isinstance(node.op, ast.Add) and left.type in (None, "list"):
            if "bool" in (left.type, right.type):
                self._check_binop_types(node, left, right)
            return self.iadd_code(left, right)
        self._check_binop_types(node, left, right)
        result = self.binop_code(node.op, left, right)
        if isinstance(node.op, (ast.Add, ast.Mult)) and not {left.type, right.type} & {"int", "float", "str"}:
            # tuple + tuple and tuple * n are tuples, list + list a list; the items are both sides' items
            seqs = [e for e in (left, right) if e.type != "int"] if isinstance(node.op, ast.Mult) else [left, right]
            return either(result.code, result.type, *seqs)
        return result

    def iadd_code(self, left: J, right: J) -> J:
        """`x += v`: a list is extended with any iterable's items (a str's characters, a dict's keys), as
        list.__iadd__ does; anything else is x + v."""
        def extend_with(a: str, b: str) -> str:
            rt = right.type
            if rt == "list":
                return f"$append({a}, {b})"
            if rt == "str":
                return f'$append({a}, $split({b}, ""))'
            if rt == "dict":
                return f"$append({a}, [$keys({b})])"
            return (f'$type({b}) = "array" ? $append({a}, {b}) : $type({b}) = "string" ? $append({a}, $split({b}, "")) '
                    f': $type({b}) = "object" ? $append({a}, [$keys({b})]) : '
                    f'{_err("TypeError: can only extend a list with an iterable")}')

        if left.type == "list":
            return J(self._let([left, right], extend_with), "list")
        return J(self._let([left, right], lambda a, b: (
            f'$type({a}) = "array" ? ({extend_with(a, b)}) : '
            + self.binop_code(ast.Add(), J(a, None), J(b, right.type)).code)), None)

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
        known = {left.type, right.type} - {None}
        if isinstance(node.op, (ast.BitAnd, ast.BitOr, ast.BitXor, ast.LShift, ast.RShift, ast.MatMult)):
            self._refuse(node, f"operator {_OPNAME[type(node.op)]} is not supported in a workflow expression",
                         rewrites.OPERATORS[_OPNAME[type(node.op)]])
        if isinstance(node.op, ast.Mod) and left.type == "str":
            self._refuse(node, "printf-style formatting with % is not supported", "use an f-string")
        if "bool" in known:
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
        # Operands are embedded in infix operators: parenthesise anything that is not self-delimiting.
        left, right = J(_paren(left.code), left.type), J(_paren(right.code), right.type)
        lt, rt = left.type, right.type
        both_num = lt in NUMERIC and rt in NUMERIC
        # With a float operand the result, when Python does not raise, is a float (str and list operands raise).
        float_op = "float" in (lt, rt)
        num_type = "int" if lt == rt == "int" else ("float" if both_num or float_op else None)
        if isinstance(op, ast.Add):
            return self._add_code(left, right, num_type)
        if isinstance(op, ast.Sub):
            return J(f"{left.code} - {right.code}", num_type)
        if isinstance(op, ast.Mult):
            if both_num or float_op:  # a sequence times a float raises TypeError, as JSONata's * does
                return J(f"{left.code} * {right.code}", num_type)
            return self._mult(left, right)
        if isinstance(op, ast.Div):
            if rt in NUMERIC and _number_literal(right.code):
                return J(f"{left.code} / {right.code}", "float")
            return J(self._let([left, right], lambda a, b: (
                f"{b} = 0 ? {_err('ZeroDivisionError: division by zero')} : {a} / {b}")), "float")
        if isinstance(op, (ast.FloorDiv, ast.Mod)):
            return self._floor_mod_code(op, left, right, num_type)
        if isinstance(op, ast.Pow):
            if rt == "int" and right.code.isdigit():
                return J(f"$power({left.code}, {right.code})", lt if lt in NUMERIC else None)
            return J(self._let([left, right], lambda a, b: (
                f"{a} = 0 and {b} < 0 ? "
                f"{_err('ZeroDivisionError: 0.0 cannot be raised to a negative power')} : $power({a}, {b})")),
                None)
        raise _Refused()

    def _add_code(self, left: J, right: J, num_type: str | None) -> J:
        """a + b: numbers add, strings join (&), lists append; a type test at run time where a type is unknown."""
        lt, rt = left.type, right.type
        if lt in NUMERIC and rt in NUMERIC:
            return J(f"{left.code} + {right.code}", num_type)
        if lt == rt == "str":
            return J(f"{left.code} & {right.code}", "str")
        if lt == rt == "list":
            return J(f"$append({left.code}, {right.code})", "list")
        if lt in NUMERIC or rt in NUMERIC:
            # JSONata's + fails on a non-number, as Python's does on a number and a str or list.
            return J(f"{left.code} + {right.code}", num_type if "float" in (lt, rt) else (lt if lt == rt else None))
        for known, jt, join in (("str", "string", "{a} & {b}"), ("list", "array", "$append({a}, {b})")):
            if known in (lt, rt):
                other_first = rt == known
                return J(self._let([left, right], lambda a, b, jt=jt, join=join, of=other_first: (
                    f'$type({a if of else b}) = "{jt}" ? {join.format(a=a, b=b)} : '
                    f'{_err("TypeError: can only concatenate " + known + " to " + known)}')), known)
        return J(self._let([left, right], lambda a, b: (
            f'$type({a}) = "number" and $type({b}) = "number" ? {a} + {b} : '
            f'$type({a}) = "string" and $type({b}) = "string" ? {a} & {b} : '
            f'$type({a}) = "array" and $type({b}) = "array" ? $append({a}, {b}) : '
            f'{_err("TypeError: unsupported operand type(s) for +")}')), lt if lt == rt else None)

    def _floor_mod_code(self, op: ast.operator, left: J, right: J, num_type: str | None) -> J:
        """a // b and a % b with Python's signs (JSONata's % takes the dividend's sign, Python's the divisor's)."""
        lit = _number_literal(right.code)
        zero_guard = "" if lit else f"{{b}} = 0 ? {_err('ZeroDivisionError: integer division or modulo by zero')} : "
        if isinstance(op, ast.FloorDiv):
            if left.type == right.type == "int":
                return J(self._let([left, right], lambda a, b: (
                    zero_guard.format(b=b) + f"$floor({a} / {b})")), num_type)
            # CPython's float floor division: from fmod, so that 1 // 0.1 is 9.0 as in Python, not floor(10.0).
            m, d, f = self._fresh(), self._fresh(), self._fresh()
            return J(self._let([left, right], lambda a, b: zero_guard.format(b=b) + (
                f"( {m} := {a} % {b}; {d} := ({a} - {m}) / {b}; "
                f"{d} := {m} != 0 and ({b} < 0) != ({m} < 0) ? {d} - 1 : {d}; "
                f"{f} := $floor({d}); {d} - {f} > 0.5 ? {f} + 1 : {f} )")), num_type)
        m = self._fresh()
        if lit:
            fix = f"{m} < 0" if lit > 0 else f"{m} > 0"
            return J(self._let([left], lambda a: (
                f"( {m} := {a} % {right.code}; {fix} ? {m} + {right.code} : {m} )")), num_type)
        return J(self._let([left, right], lambda a, b: (
            zero_guard.format(b=b) +
            f"( {m} := {a} % {b}; {m} != 0 and ({m} < 0) != ({b} < 0) ? {m} + {b} : {m} )")), num_type)

    def _mult(self, left: J, right: J) -> J:
        acc = self._fresh()

        def rep(seq: str, n: str) -> str:
            lit = int_literal(n)
            check = "" if lit is not None else (
                f'$not({_is_int(n)}) ? {_err("TypeError: can only multiply a sequence by an integer")} : ')
            text = f'$pad("", $length({seq}) * {n}, {seq})'
            items = f"$reduce([1..{n}], function({acc}, {acc}_) {{ $append({acc}, {seq}) }}, [])"
            if lit is not None and lit <= 0:
                text, items = '""', "[]"
            elif lit is None:
                text, items = f'({n} > 0 ? {text} : "")', f"({n} > 0 ? {items} : [])"
            return f'{check}$type({seq}) = "string" ? {text} : {items}'


        if left.type in ("str", "list"):
            return J(self._let([left, right], rep), left.type)
        if right.type == "int" or left.type == "int":
            seq, n = (left, right) if right.type == "int" else (right, left)
            return J(self._let([seq, n], lambda a, b: (
                f'$type({a}) = "number" ? {a} * {b} : $type({a}) in ["string", "array"] ? ({rep(a, b)}) : '
                f'{_err("TypeError: unsupported operand type(s) for *")}')))
        if right.type in ("str", "list"):
            return J(self._let([left, right], lambda a, b: rep(b, a)), right.type)
        return J(self._let([left, right], lambda a, b: (
            f'$type({a}) = "number" and $type({b}) = "number" ? {a} * {b} : '
            f'$type({a}) in ["string", "array"] ? ({rep(a, b)}) : '
            f'$type({b}) in ["string", "array"] ? ({rep(b, a)}) : '
            f'{_err("TypeError: unsupported operand type(s) for *")}')))

    def _tr_UnaryOp(self, node: ast.UnaryOp) -> J:
        operand = self._tr(node.operand)
        if isinstance(node.op, ast.Not):
            return J(f"$not({self._truthy(operand)})", "bool")
        if operand.type == "bool" or isinstance(node.op, ast.Invert):
            self._refuse(node, "this unary operator is not supported here",
                         "convert a bool with int(...) first" if operand.type == "bool" else "for an int write -x - 1")
        if isinstance(node.op, ast.USub):
            if operand.atom and not operand.code.startswith("-"):
                return J(f"-{operand.code}", operand.type if operand.type in NUMERIC else None)
            return J(f"-({operand.code})", operand.type if operand.type in NUMERIC else None)
        if operand.type in NUMERIC:
            return operand
        return J(self._let([operand], lambda v: (
            f'$type({v}) = "number" ? {v} : {_err("TypeError: bad operand type for unary +")}')))
