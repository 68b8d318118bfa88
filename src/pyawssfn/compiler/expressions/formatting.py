"""str(), f-strings, format specs and str.format on a literal template.
"""
from __future__ import annotations

import ast
import string

from pyawssfn.compiler.expressions.build import T, block, err
from pyawssfn.compiler.expressions.core import J, NUMERIC
from pyawssfn.compiler.expressions.text import _REPR, _SPEC, _constant_spec, _fixed, _group, _pad, _str_number
from pyawssfn.jsonata.tree import Binary, Block, Call, Cond, Expr, Str, Var

_REPR_VAR = Var(_REPR[1:])


def _concat(pieces: list[Expr]) -> Expr:
    """`a & b & c` (left to right, as JSONata reads it)."""
    out = pieces[0]
    for p in pieces[1:]:
        out = Binary("&", out, p)
    return out


class FormattingMixin:
    """ExpressionTranslator methods; see the module docstring."""

    def _tr_JoinedStr(self, node: ast.JoinedStr) -> J:
        pieces: list[Expr] = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                if v.value:
                    pieces.append(Str(v.value))
            else:
                pieces.append(self._formatted(v))
        if not pieces:
            return J(Str(""), "str")
        return J(_concat(pieces), "str")

    def _formatted(self, v: ast.FormattedValue) -> Expr:
        if v.conversion not in (-1, ord("s")):
            self._refuse(v, "!r and !a conversions are not supported in workflow f-strings (nor {value=}, which "
                         "is !r)", 'use the plain {value} form: f"x={x}"')
        value = self._tr(v.value)
        if v.format_spec is None:
            return self._str(value)
        spec = _constant_spec(v.format_spec)
        if spec is None:
            self._refuse(v, "computed format specs are not supported", "use a literal format spec")
        return self._format(v, value, spec)

    def _format(self, node: ast.AST, value: J, spec: str) -> Expr:
        if spec == "":
            return self._str(value)  # format(x, "") is str(x)
        m = _SPEC.match(spec)
        if not m:
            self._refuse(node, f"format spec {spec!r} is not supported in a workflow",
                         "use one of: .Nf, .N%, ,, ,.Nf, d, +, >N, <N, ^N, 0N (see docs/expressions.md), or format "
                         "the value in a step")
        fill, align, sign, zero, width, comma, prec, kind = m.group("fill", "align", "sign", "zero", "width",
                                                                    "comma", "prec", "kind")
        if zero:
            fill, align = fill or "0", align or "="
        if prec is not None and kind not in ("f", "%"):
            self._refuse(node, f"format spec {spec!r} is not supported in a workflow", "use .Nf or .N% for decimals")
        if sign in ("+", " ") and align == "=":
            self._refuse(node, f"format spec {spec!r}: a sign with zero padding is not supported in a workflow",
                         "drop the sign or the zero padding")
        if comma and fill == "0" and align == "=":
            # Python groups the padding zeros too (f"{5:08,}" is "0,000,005"); the padding here has no commas
            self._refuse(node, f"format spec {spec!r}: zero padding with a thousands separator is not supported in "
                         "a workflow", "pad with spaces (f\"{n:>10,}\") or format the value in a step")
        numeric = kind in ("f", "d", "%") or comma or align == "=" or sign
        w = int(width) if width else 0
        fill = fill or " "
        if numeric:
            if value.type not in (None, "bool") + NUMERIC:
                self._refuse(node, f"format spec {spec!r} needs a number", "format numbers only")
            text = self.let([value], lambda x: self._signed(
                x, sign, value.type, self._format_number(node, x, kind, comma, prec, value.type)))
            return self.let([J(text, "str")], lambda s: _pad(s, w, fill, align or ">")) if w else text
        if kind == "s" or value.type == "str":
            if value.type not in (None, "str"):
                self._refuse(node, f"format spec {spec!r} needs a str", "convert the value with str() first")
            if value.type == "str":
                return self.let([value], lambda v: _pad(v, w, fill, align or "<"))
            return self.let([value], lambda v: T('$type($0) != "string" ? $1 : $2', v, err(
                "TypeError: unsupported format string for a non-str value"), _pad(v, w, fill, align or "<")))
        if value.type in NUMERIC:
            return self.let([J(self._str(value), "str")], lambda s: _pad(s, w, fill, align or ">"))
        if value.type == "bool":
            return _pad(T('$0 ? "1" : "0"', value.tree), w, fill, align or ">")
        if value.type is not None:
            self._refuse(node, f"format spec {spec!r} on a {value.type}", "convert the value with str() first")
        # Unknown type: strings align left; numbers (and booleans, formatted as 1/0 as Python does) align right.
        t = self._fresh_var()
        return self.let([value], lambda v: block([(t, T(
            '$type($0) = "string" ? $0 : $type($0) = "number" ? $1 : $type($0) = "boolean" ? ($0 ? "1" : "0") : $2',
            v, _str_number(v), err("TypeError: unsupported format string passed to this type")))],
            _pad(t, w, fill, align) if align else
            T('$type($0) = "string" ? $1 : $2', v, _pad(t, w, fill, "<"), _pad(t, w, fill, ">"))))

    def _signed(self, x: Expr, sign: str | None, t: str | None, text: Expr) -> Expr:
        """The "+" and " " sign options: that character before a number that is not negative."""
        if sign not in ("+", " "):
            return text
        number = T("$0 ? 1 : 0", x) if t == "bool" else x if t in NUMERIC else (
            T('$type($0) = "boolean" ? ($0 ? 1 : 0) : $0', x))
        return T('($0 >= 0 ? $1 : "") & $2', number, Str(sign), text)

    def _format_number(self, node: ast.AST, x: Expr, kind: str | None, comma: str | None, prec: str | None,
                       t: str | None) -> Expr:
        if t == "bool":
            return self._format_number(node, T("$0 ? 1 : 0", x), kind, comma, prec, "int")
        if t is None:
            # Booleans format as the integers 1 and 0.
            n = self._fresh_var()
            return block([(n, T('$type($0) = "boolean" ? ($0 ? 1 : 0) : $0', x))],
                         self._format_number(node, n, kind, comma, prec, "number?"))

        def check(rest: Expr) -> Expr:
            if t in NUMERIC:
                return rest
            return Cond(T('$type($0) != "number"', x), err("ValueError: unknown format code for object"), rest)

        if kind is None and not comma:
            # "05", "=8": the number as str() prints it, padded after the sign.
            return check(self._str(J(x, t)) if t in NUMERIC else _str_number(x))
        if kind == "d" and t == "float":  # Python raises ValueError for a float, a whole one too (f"{2.0:d}")
            return err("ValueError: unknown format code d for float")
        if kind == "d":
            return check(Cond(T("$floor($0) != $0", x), err("ValueError: unknown format code d for float"),
                              _group(x) if comma else T('$formatNumber($0, "0")', x)))
        if kind in ("f", "%"):
            digits = int(prec) if prec is not None else 6
            if digits > 15:
                self._refuse(node, "more than 15 decimals cannot be formatted faithfully", "use at most .15f")
            if kind == "%":
                # Python multiplies by 100 in floating point, then formats the product as with "f"
                y = self._fresh_var()
                return check(T('( $0 := $1 * 100; $2 & "%" )', y, x, _fixed(y, digits, bool(comma))))
            return check(_fixed(x, digits, bool(comma)))
        # "," alone: integers get separators; floats keep Python's str() digits (a whole float its ".0", as
        # f"{2.0:,}" is "2.0"; from 1e16 on Python writes an exponent, which fails here as a fraction does).
        unsupported = err("ValueError: the , format spec on a non-integer is not supported in workflows")
        if t == "float":
            return T('$floor($0) = $0 and $abs($0) < 1e16 ? $1 & ".0" : $2', x, _group(x), unsupported)
        return check(T("$floor($0) = $0 ? $1 : $2", x, _group(x), unsupported))

    def _builtin_format(self, node: ast.Call) -> J:
        """format(x) and format(x, "spec") with a literal spec: as f"{x:spec}"."""
        if not 1 <= len(node.args) <= 2 or node.keywords:
            self._refuse(node, "format() takes a value and a format spec", 'format(x, ".2f")')
        value = self._tr(node.args[0])
        if len(node.args) == 1:
            return J(self._str(value), "str")
        spec = node.args[1]
        if not (isinstance(spec, ast.Constant) and isinstance(spec.value, str)):
            self._refuse(spec, "format() needs a literal format spec here", 'write format(x, ".2f")')
        return J(self._format(node, value, spec.value), "str")

    def _str(self, value: J) -> Expr:
        t = value.type
        if t not in ("str", "int", "float", "bool", "none") and (value.tup is None or value.items_tup is not False):
            self._refuse(self._node, "str() of a value that may hold tuples: Python prints a tuple as (1, 2), and "
                                     "the machine holds it as a list", "convert the tuples with list(...) first")
        x = value.tree
        if value.tup:
            e = self._fresh_var()
            return self.let([value], lambda v: T(
                '"(" & $join($map($0, function($1) { $2 }), ", ") & ($count($0) = 1 ? ",)" : ")")',
                v, e, self._repr_call(e)))
        if t == "str":
            return x
        if t == "int":
            # $string keeps only 15 significant digits; $formatNumber prints every digit of an integer.
            return T('$formatNumber($0, "0")', x)
        if t == "float":
            # Statically a float (a literal, `/`, float(), a float operand): an integral value prints as "2.0".
            return self.let([value], lambda v: T(
                '$floor($0) = $0 ? ($abs($0) < 1e16 ? $formatNumber($0, "0") & ".0" : $1) : $2', v,
                err("ValueError: str() of a float of 1e16 or more is not supported in a workflow"), _str_number(v)))
        if t == "bool":
            return T('$0 ? "True" : "False"', x)
        if t == "none":
            return Str("None") if value.atom else Block((x, Str("None")))
        if t in ("list", "dict"):
            return self.let([value], self._repr_call)
        # repr() and str() agree on everything but a top-level string.
        return self.let([value], lambda v: T('$type($0) = "string" ? $0 : $1', v, self._repr_call(v)))

    def _repr_call(self, v: Expr) -> Expr:
        """Python's str() of a list or dict: the repr of its items, by a recursive JSONata function bound once per
        expression (translate() adds the binding)."""
        self._needs_repr = True
        return Call(_REPR_VAR, (v,))

    def _str_format(self, node: ast.Call, template: str) -> J:
        """"...{}...{name:>5}".format(...) on a literal template: the same translation as the f-string."""
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            self._refuse(node, "str.format with *args or **kwargs is not supported", "use an f-string")
        kwargs = {k.arg: k.value for k in node.keywords}
        pieces: list[Expr] = []
        auto = 0
        try:
            parsed = list(string.Formatter().parse(template))
        except ValueError as exc:
            self._refuse(node, f"invalid format string: {exc}", "fix the template")
        for literal, field, spec, conv in parsed:
            if literal:
                pieces.append(Str(literal))
            if field is None:
                continue
            if conv not in (None, "s") or (spec and "{" in spec):
                self._refuse(node, "conversions and nested fields in str.format are not supported",
                             "use an f-string with a literal spec")
            if field == "":
                field, auto = str(auto), auto + 1
            if field.isdigit() and int(field) < len(node.args):
                arg = node.args[int(field)]
            elif field in kwargs:
                arg = kwargs[field]
            else:
                self._refuse(node, f"str.format field {{{field}}} is not a plain argument",
                             "use an f-string for attribute or index access")
            value = self._tr(arg)
            pieces.append(self._format(node, value, spec) if spec else self._str(value))
        if not pieces:
            return J(Str(""), "str")
        return J(_concat(pieces), "str")
