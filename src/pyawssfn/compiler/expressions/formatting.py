"""str(), f-strings, format specs and str.format on a literal template.
"""
from __future__ import annotations

import ast
import string

from pyawssfn.compiler.expressions.core import J, NUMERIC, _block, _err, _paren, _q
from pyawssfn.compiler.expressions.text import _REPR, _SPEC, _constant_spec, _fixed, _group, _pad, _str_number


class FormattingMixin:
    """ExpressionTranslator methods; see the module docstring."""

    def _tr_JoinedStr(self, node: ast.JoinedStr) -> J:
        pieces: list[str] = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                if v.value:
                    pieces.append(_q(v.value))
            else:
                pieces.append(_paren(self._formatted(v)))
        if not pieces:
            return J('""', "str")
        return J(" & ".join(pieces) if len(pieces) > 1 else pieces[0], "str")

    def _formatted(self, v: ast.FormattedValue) -> str:
        if v.conversion not in (-1, ord("s")):
            self._refuse(v, "!r and !a conversions are not supported in workflow f-strings",
                         "use the plain {value} form")
        value = self._tr(v.value)
        if v.format_spec is None:
            return self._str(value)
        spec = _constant_spec(v.format_spec)
        if spec is None:
            self._refuse(v, "computed format specs are not supported", "use a literal format spec")
        return self._format(v, value, spec)

    def _format(self, node: ast.AST, value: J, spec: str) -> str:
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
        numeric = kind in ("f", "d", "%") or comma or align == "=" or sign
        w = int(width) if width else 0
        fill = fill or " "
        if numeric:
            if value.type not in (None, "bool") + NUMERIC:
                self._refuse(node, f"format spec {spec!r} needs a number", "format numbers only")
            text = self._let([value], lambda x: self._signed(
                x, sign, value.type, self._format_number(node, x, kind, comma, prec, value.type)))
            return self._let([J(text, "str")], lambda s: _pad(s, w, fill, align or ">")) if w else text
        if kind == "s" or value.type == "str":
            if value.type not in (None, "str"):
                self._refuse(node, f"format spec {spec!r} needs a str", "convert the value with str() first")
            check = "" if value.type == "str" else (
                f'$type({{v}}) != "string" ? {_err("TypeError: unsupported format string for a non-str value")} : ')
            return self._let([value], lambda v: check.format(v=v) + _pad(v, w, fill, align or "<"))
        if value.type in NUMERIC:
            return self._let([J(self._str(value), "str")], lambda s: _pad(s, w, fill, align or ">"))
        if value.type == "bool":
            return _pad(f'({value.code} ? "1" : "0")', w, fill, align or ">")
        if value.type is not None:
            self._refuse(node, f"format spec {spec!r} on a {value.type}", "convert the value with str() first")
        # Unknown type: strings align left; numbers (and booleans, formatted as 1/0 as Python does) align right.
        t = self._fresh()
        return self._let([value], lambda v: _block([(t, (
            f'$type({v}) = "string" ? {v} : $type({v}) = "number" ? ({_str_number(v)}) : '
            f'$type({v}) = "boolean" ? ({v} ? "1" : "0") : '
            f'{_err("TypeError: unsupported format string passed to this type")}'))],
            _pad(t, w, fill, align) if align else
            f'$type({v}) = "string" ? {_pad(t, w, fill, "<")} : {_pad(t, w, fill, ">")}'))

    def _signed(self, x: str, sign: str | None, t: str | None, text: str) -> str:
        """The "+" and " " sign options: that character before a number that is not negative."""
        if sign not in ("+", " "):
            return text
        number = f"({x} ? 1 : 0)" if t == "bool" else x if t in NUMERIC else (
            f'($type({x}) = "boolean" ? ({x} ? 1 : 0) : {x})')
        return f'({number} >= 0 ? {_q(sign)} : "") & {_paren(text)}'

    def _format_number(self, node: ast.AST, x: str, kind: str | None, comma: str | None, prec: str | None,
                       t: str | None) -> str:
        if t == "bool":
            return self._format_number(node, f"({x} ? 1 : 0)", kind, comma, prec, "int")
        if t is None:
            # Booleans format as the integers 1 and 0.
            n = self._fresh()
            return _block([(n, f'$type({x}) = "boolean" ? ({x} ? 1 : 0) : {x}')],
                          self._format_number(node, n, kind, comma, prec, "number?"))
        check = "" if t in NUMERIC else (
            f'$type({x}) != "number" ? {_err("ValueError: unknown format code for object")} : ')
        if kind is None and not comma:
            # "05", "=8": the number as str() prints it, padded after the sign.
            return check + (self._str(J(x, t)) if t in NUMERIC else _str_number(x))
        if kind == "d":
            check += f'$floor({x}) != {x} ? {_err("ValueError: unknown format code d for float")} : '
            return f"{check}{_group(x) if comma else f'$formatNumber({x}, {_q(chr(48))})'}"
        if kind in ("f", "%"):
            digits = int(prec) if prec is not None else 6
            if digits > 15:
                self._refuse(node, "more than 15 decimals cannot be formatted faithfully", "use at most .15f")
            if kind == "%":
                # Python multiplies by 100 in floating point, then formats the product as with "f"
                y = self._fresh()
                return f'{check}( {y} := {x} * 100; {_fixed(y, digits, bool(comma))} & "%" )'
            return f"{check}{_fixed(x, digits, bool(comma))}"
        # "," alone: integers get separators; floats keep Python's str() digits.
        return (f"{check}$floor({x}) = {x} ? {_group(x)} : "
                f"{_err('ValueError: the , format spec on a non-integer is not supported in workflows')}")

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

    def _str(self, value: J) -> str:
        t = value.type
        if t not in ("str", "int", "float", "bool", "none") and (value.tup is None or value.items_tup is not False):
            self._refuse(self._node, "str() of a value that may hold tuples: Python prints a tuple as (1, 2), and "
                                     "the machine holds it as a list", "convert the tuples with list(...) first")
        if value.tup:
            e = self._fresh()
            return self._let([value], lambda v: (
                f'"(" & $join($map({v}, function({e}) {{ {self._repr_call(e)} }}), ", ") & '
                f'($count({v}) = 1 ? ",)" : ")")'))
        if t == "str":
            return value.code
        if t == "int":
            # $string keeps only 15 significant digits; $formatNumber prints every digit of an integer.
            return f'$formatNumber({value.code}, "0")'
        if t == "float":
            # Statically a float (a literal, `/`, float(), a float operand): an integral value prints as "2.0".
            return self._let([value], lambda v: (
                f'$floor({v}) = {v} ? ($abs({v}) < 1e16 ? $formatNumber({v}, "0") & ".0" : '
                f'{_err("ValueError: str() of a float of 1e16 or more is not supported in a workflow")}) : '
                f"{_str_number(v)}"))
        if t == "bool":
            return f'(({value.code}) ? "True" : "False")'
        if t == "none":
            return '"None"' if value.atom else f'( {value.code}; "None" )'
        if t in ("list", "dict"):
            return self._let([value], lambda v: self._repr_call(v))
        # repr() and str() agree on everything but a top-level string.
        return self._let([value], lambda v: f'$type({v}) = "string" ? {v} : {self._repr_call(v)}')

    def _repr_call(self, v: str) -> str:
        """Python's str() of a list or dict: the repr of its items, by a recursive JSONata function bound once per
        expression (translate() adds the binding)."""
        self._needs_repr = True
        return f"{_REPR}({v})"

    def _str_format(self, node: ast.Call, template: str) -> J:
        """"...{}...{name:>5}".format(...) on a literal template: the same translation as the f-string."""
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            self._refuse(node, "str.format with *args or **kwargs is not supported", "use an f-string")
        kwargs = {k.arg: k.value for k in node.keywords}
        pieces: list[str] = []
        auto = 0
        try:
            parsed = list(string.Formatter().parse(template))
        except ValueError as exc:
            self._refuse(node, f"invalid format string: {exc}", "fix the template")
        for literal, field, spec, conv in parsed:
            if literal:
                pieces.append(_q(literal))
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
            pieces.append(_paren(self._format(node, value, spec) if spec else self._str(value)))
        if not pieces:
            return J('""', "str")
        return J(" & ".join(pieces), "str")
