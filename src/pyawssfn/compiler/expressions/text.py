"""JSONata text helpers for Python's number and repr formatting (str(), f-strings, format specs, round()).
"""
from __future__ import annotations

import ast
import re

from pyawssfn.compiler.expressions.build import T, block, err
from pyawssfn.compiler.expressions.core import _err, _fresh_global
from pyawssfn.jsonata.tree import Expr, Num, Str, Var


_SPEC = re.compile(
    r"^(?:(?P<fill>[^{}])?(?P<align>[<>^=]))?(?P<sign>[-+ ])?(?P<zero>0)?(?P<width>[1-9]\d*)?(?P<comma>,)?"
    r"(?:\.(?P<prec>\d+))?(?P<kind>[fds%])?$"
)


def _constant_spec(spec: ast.JoinedStr) -> str | None:
    out = []
    for v in spec.values:
        if not isinstance(v, ast.Constant):
            return None
        out.append(v.value)
    return "".join(out)


def _pad(s: Expr, width: int, fill: str, align: str) -> Expr:
    if width <= 0:
        return s
    f = Str(fill)
    if align == "<":
        return T("$pad($0, $1, $2)", s, Num(str(width)), f)
    if align == "=":
        return T('$substring($0, 0, 1) = "-" ? "-" & $pad($substring($0, 1), $1, $2) : $pad($0, $3, $2)',
                 s, Num("-" + str(width - 1)), f, Num("-" + str(width)))
    if align == ">":
        return T("$pad($0, $1, $2)", s, Num("-" + str(width)), f)
    n = Var(_fresh_global()[1:])
    return T("( $0 := $1 - $length($2); $0 > 0 ? $pad($pad($2, -($length($2) + $floor($0 / 2)), $3), $1, $3) : $2 )",
             n, Num(str(width)), s, f)


_NOT_REPR_SAFE = r"/[^\x20-\x7e\n\r\t\u00a1-\u00ac\u00ae-\u024f]/"


_REPR = "$__repr"


def _str_number_text(v: str) -> str:
    return (
        f'$floor({v}) = {v} and $abs({v}) < 9007199254740992 ? $formatNumber({v}, "0") : '
        f"$abs({v}) >= 0.0001 and $abs({v}) < 1e15 and $number($string({v})) = {v} ? $string({v}) : "
        f"{_err('ValueError: this float needs more than 15 significant digits or exponent notation; format it with an explicit spec such as :.6f')}"
    )


def _repr_fn_text() -> str:
    x, e, k, q = "$__x", "$__e", "$__k", "$__q"
    r = _REPR
    quoted = (
        f'$contains({x}, {_NOT_REPR_SAFE}) ? '
        f'{_err("ValueError: str() of a list or dict holding this text is not supported in a workflow")} : '
        f"( {q} := $contains({x}, \"'\") and $not($contains({x}, '\"')) ? '\"' : \"'\"; "
        f'{q} & $replace($replace($replace($replace($replace({x}, "\\\\", "\\\\\\\\"), {q}, "\\\\" & {q}), '
        f'"\\n", "\\\\n"), "\\r", "\\\\r"), "\\t", "\\\\t") & {q} )'
    )
    return (
        f"function({x}) {{ $type({x}) = \"string\" ? ({quoted}) : "
        f'$type({x}) = "array" ? "[" & $join($map({x}, function({e}) {{ {r}({e}) }}), ", ") & "]" : '
        f'$type({x}) = "object" ? "{{" & $join($map($keys({x}), function({k}) '
        f'{{ {r}({k}) & ": " & {r}($lookup({x}, {k})) }}), ", ") & "}}" : '
        f'$type({x}) = "boolean" ? ({x} ? "True" : "False") : $type({x}) = "null" ? "None" : {_str_number_text(x)} }}'
    )


# Constant templates, composed once from constant pieces (no user data): the number printing with its operand as
# the hole $0, and the recursive repr function (its names are fixed).
_STR_NUMBER = _str_number_text("$0")
_REPR_FN = _repr_fn_text()


def _repr_fn() -> Expr:
    """Python's repr of a JSON value, as a JSONata function bound to $__repr (see FormattingMixin._repr_call)."""
    return T(_REPR_FN)


def _str_number(v: Expr) -> Expr:
    """str() of a number as Python prints it (where JSONata's $string agrees with it)."""
    return T(_STR_NUMBER, v)


def _round_scaled(x: Expr, digits: int) -> tuple[list[tuple[Expr, Expr]], Var, Var]:
    """Bindings, the name of y = x * 10**digits, and the name of round-half-even(exact x * 10**digits).

    The multiplication rounds: the exact product is y + e, and e is recovered with Dekker's error-free product
    (Veltkamp split with 2**27 + 1) so that a y landing exactly on .5 (or an exact tie hidden by the rounding) is
    told apart, which is how Python rounds and formats the binary value itself (round(2.675, 2) == 2.67).
    """
    p = Num(str(10**digits))
    y, e, f, r, xh, xl, ph, pl = (Var(_fresh_global()[1:]) for _ in range(8))
    c = Num("134217729")
    two_prod = T("( $0 := ($2 * $1) - (($2 * $1) - $1); $3 := $1 - $0; $4 := ($2 * $5) - (($2 * $5) - $5); "
                 "$6 := $5 - $4; (($0 * $4 - $7) + $0 * $6 + $3 * $4) + $3 * $6 )", xh, x, c, xl, ph, p, pl, y)

    def even(lo: Expr) -> Expr:
        return T("$0 % 2 = 0 ? $0 : $0 + 1", lo)

    binds: list[tuple[Expr, Expr]] = [
        (y, T("$0 * $1", x, p)), (e, two_prod), (f, T("$floor($0)", y)),
        (r, T("$0 - $1 = 0.5 ? ($2 > 0 ? $1 + 1 : $2 < 0 ? $1 : $3) : $0 = $1 and $abs($2) = 0.5 ? $4 : $round($0)",
              y, f, e, even(f), even(T("$0 + ($1 < 0 ? -1 : 0)", y, e)))),
    ]
    return binds, y, r


def _round_half_even_exact(x: Expr, digits: int) -> Expr:
    """round(x, digits) as Python computes it."""
    binds, y, r = _round_scaled(x, digits)
    return block(binds, T("$abs($0) >= 9007199254740992 ? $1 : $2 / $3", y, x, r, Num(str(10**digits))))


def _group(x: Expr) -> Expr:
    """An integer with "," thousands separators, every digit exact."""
    return T(r'$replace($formatNumber($0, "0"), /(\d)(?=(\d{3})+$)/, "$1,")', x)


def _fixed(x: Expr, digits: int, comma: bool) -> Expr:
    """f"{x:.{digits}f}" (with "," grouping) from the exactly rounded scaled integer, digit by digit."""
    binds, y, r = _round_scaled(x, digits)
    d, i = Var(_fresh_global()[1:]), Var(_fresh_global()[1:])
    nd = Num(str(digits))
    binds += [
        (d, T('$formatNumber($abs($0), "0")', r)),
        (d, T('$length($0) <= $1 ? $pad($0, $2, "0") : $0', d, nd, Num("-" + str(digits + 1)))),
        (i, T("$substring($0, 0, $length($0) - $1)", d, nd)),
    ]
    if comma:
        binds.append((i, T(r'$replace($0, /(\d)(?=(\d{3})+$)/, "$1,")', i)))
    too_long = err("ValueError: too many digits to format faithfully in a workflow")
    if digits:
        body = T('$abs($0) >= 9007199254740992 ? $1 : ($2 < 0 ? "-" : "") & $3 & "." & $substring($4, $length($4) - $5)',
                 y, too_long, x, i, d, nd)
    else:
        body = T('$abs($0) >= 9007199254740992 ? $1 : ($2 < 0 ? "-" : "") & $3', y, too_long, x, i)
    return block(binds, body)
