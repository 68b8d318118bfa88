"""JSONata text helpers for Python's number and repr formatting (str(), f-strings, format specs, round()).
"""
from __future__ import annotations

import ast
import re

from pyawssfn.compiler.expressions.core import _block, _err, _fresh_global, _q


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


def _pad(s: str, width: int, fill: str, align: str) -> str:
    if width <= 0:
        return s
    f = _q(fill)
    if align == "<":
        return f"$pad({s}, {width}, {f})"
    if align in (">", "="):
        if align == "=" :
            # Sign-aware padding: "-0042" for f"{-42:05}".
            return (f'$substring({s}, 0, 1) = "-" ? "-" & $pad($substring({s}, 1), -{width - 1}, {f}) : '
                    f"$pad({s}, -{width}, {f})")
        return f"$pad({s}, -{width}, {f})"
    # Centre: Python puts the extra fill character on the right.
    n = _fresh_global()
    return (f"( {n} := {width} - $length({s}); {n} > 0 ? $pad($pad({s}, -($length({s}) + $floor({n} / 2)), {f}), "
            f"{width}, {f}) : {s} )")


_NOT_REPR_SAFE = r"/[^\x20-\x7e\n\r\t\u00a1-\u00ac\u00ae-\u024f]/"


_REPR = "$__repr"


def _repr_fn() -> str:
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
        f'$type({x}) = "boolean" ? ({x} ? "True" : "False") : $type({x}) = "null" ? "None" : {_str_number(x)} }}'
    )


def _str_scalar(v: str) -> str:
    return (f'$type({v}) = "string" ? {v} : $type({v}) = "boolean" ? ({v} ? "True" : "False") : '
            f'$type({v}) = "null" ? "None" : {_str_number(v)}')


def _str_number(v: str) -> str:
    # Integers print exactly below 2**53. Other floats print as Python's repr only when JSONata's 15-significant-
    # digit $string round-trips (then it is the shortest repr) and the magnitude is where both use plain notation.
    return (
        f'$floor({v}) = {v} and $abs({v}) < 9007199254740992 ? $formatNumber({v}, "0") : '
        f"$abs({v}) >= 0.0001 and $abs({v}) < 1e15 and $number($string({v})) = {v} ? $string({v}) : "
        f"{_err('ValueError: this float needs more than 15 significant digits or exponent notation; format it with an explicit spec such as :.6f')}"
    )


def _round_scaled(x: str, digits: int) -> tuple[list[tuple[str, str]], str, str]:
    """Bindings, the name of y = x * 10**digits, and the name of round-half-even(exact x * 10**digits).

    The multiplication rounds: the exact product is y + e, and e is recovered with Dekker's error-free product
    (Veltkamp split with 2**27 + 1) so that a y landing exactly on .5 (or an exact tie hidden by the rounding) is
    told apart, which is how Python rounds and formats the binary value itself (round(2.675, 2) == 2.67).
    """
    p = 10**digits
    y, e, f, r, xh, xl, ph, pl = (_fresh_global() for _ in range(8))
    c = 134217729
    two_prod = (
        f"( {xh} := ({c} * {x}) - (({c} * {x}) - {x}); {xl} := {x} - {xh}; "
        f"{ph} := ({c} * {p}) - (({c} * {p}) - {p}); {pl} := {p} - {ph}; "
        f"(({xh} * {ph} - {y}) + {xh} * {pl} + {xl} * {ph}) + {xl} * {pl} )"
    )
    even = lambda lo: f"({lo} % 2 = 0 ? {lo} : {lo} + 1)"  # noqa: E731
    binds = [
        (y, f"{x} * {p}"), (e, two_prod), (f, f"$floor({y})"),
        (r, f"{y} - {f} = 0.5 ? ({e} > 0 ? {f} + 1 : {e} < 0 ? {f} : {even(f)}) : "
            f"{y} = {f} and $abs({e}) = 0.5 ? {even(f'({y} + ({e} < 0 ? -1 : 0))')} : $round({y})"),
    ]
    return binds, y, r


def _round_half_even_exact(x: str, digits: int) -> str:
    """round(x, digits) as Python computes it."""
    binds, y, r = _round_scaled(x, digits)
    # Beyond 2**53 the float has no digits left at this scale: Python returns x itself.
    return _block(binds, f"$abs({y}) >= 9007199254740992 ? {x} : {r} / {10**digits}")


def _group(x: str) -> str:
    """An integer with "," thousands separators, every digit exact."""
    return f'$replace($formatNumber({x}, "0"), /(\\d)(?=(\\d{{3}})+$)/, "$1,")'


def _fixed(x: str, digits: int, comma: bool) -> str:
    """f"{x:.{digits}f}" (with "," grouping) from the exactly rounded scaled integer, digit by digit."""
    binds, y, r = _round_scaled(x, digits)
    d, i = _fresh_global(), _fresh_global()
    binds += [
        (d, f'$formatNumber($abs({r}), "0")'),
        (d, f'$length({d}) <= {digits} ? $pad({d}, -{digits + 1}, "0") : {d}'),
        (i, f"$substring({d}, 0, $length({d}) - {digits})"),
    ]
    if comma:
        binds.append((i, f'$replace({i}, /(\\d)(?=(\\d{{3}})+$)/, "$1,")'))
    frac = f' & "." & $substring({d}, $length({d}) - {digits})' if digits else ""
    # Python keeps the sign of a negative number that rounds to zero ("-0.00").
    body = f'$abs({y}) >= 9007199254740992 ? {_err("ValueError: too many digits to format faithfully in a workflow")} : ' \
        f'({x} < 0 ? "-" : "") & {i}{frac}'
    return _block(binds, body)
