"""``$formatNumber`` as JSONata 2.0.6 computes it: a port of jsonata.js ``formatNumber`` (splitParts, validate,
analyse and the formatting bullets of XPath F&O 4.7), with its rounding.

jsonata-python formats with an adaptation of elementpath's algorithm, which rounds half up on the exact binary value
(``$formatNumber(2.5, "0")`` is "3" there, "2" in JSONata, whose ``round`` shifts the decimal point in the number's
text and rounds half to even: ``$formatNumber(2.675, "0.00")`` is "2.68"), keeps a leading zero that the picture
does not ask for (``$formatNumber(0.3, "#.###")``: ".3") and writes numbers from 1e21 up in full (JavaScript's
``toFixed`` writes "1e+21").
"""
from __future__ import annotations

import decimal
import math
from functools import reduce
from typing import Any

from jsonata import jexception

from pyawssfn.semantics.jspow import js_pow

from .values import js_number_text

_DEFAULTS = {
    "decimal-separator": ".", "grouping-separator": ",", "exponent-separator": "e", "infinity": "Infinity",
    "minus-sign": "-", "NaN": "NaN", "percent": "%", "per-mille": "\u2030", "zero-digit": "0", "digit": "#",
    "pattern-separator": ";",
}


_EXACT = decimal.Context(prec=1200)  # enough digits for any double's exact decimal value


def js_round(arg: float, precision: int = 0) -> float:
    """JSONata's ``round``: shift the decimal point in the text, round half to even, shift back."""
    if precision:
        mantissa, _, exp = js_number_text(arg, None).partition("e")
        arg = float(f"{mantissa}e{int(exp) + precision if exp else precision}")
    result = float(math.floor(arg))
    if arg - result >= 0.5:
        result += 1.0  # Math.round: the nearest integer, halves up
    if abs(result - arg) == 0.5 and abs(math.fmod(result, 2)) == 1:
        result -= 1.0  # rounded the wrong way: to the even neighbour
    if precision:
        mantissa, _, exp = js_number_text(result, None).partition("e")
        result = float(f"{mantissa}e{int(exp) - precision if exp else -precision}")
    return 0.0 if result == 0 else result


def _to_fixed(value: float, digits: int) -> str:
    """Number.prototype.toFixed: the exact decimal value rounded half up; from 1e21 up, the number's text."""
    if abs(value) >= 1e21:
        return js_number_text(value, None)
    quantum = decimal.Decimal(1).scaleb(-digits)
    exact = decimal.Decimal(value).quantize(quantum, rounding=decimal.ROUND_HALF_UP, context=_EXACT)
    return format(exact, "f")


class _Picture:
    """jsonata.js's splitParts and analyse of one sub-picture."""

    def __init__(self, sub: str, p: dict, family: list[str], active: list[str]):
        self.sub = sub
        prefix_end = next((i for i, ch in enumerate(sub) if ch in active and ch != p["exponent-separator"]), None)
        suffix_start = next((i for i in range(len(sub) - 1, -1, -1)
                             if sub[i] in active and sub[i] != p["exponent-separator"]), None)
        self.prefix = sub[:prefix_end] if prefix_end is not None else None
        self.suffix = sub[suffix_start + 1:] if suffix_start is not None else None
        prefix, suffix = self.prefix or "", self.suffix or ""
        self.active = sub[len(prefix):len(sub) - len(suffix)]
        exponent_at = sub.find(p["exponent-separator"], len(prefix))
        if exponent_at == -1 or exponent_at > len(sub) - len(suffix):
            self.mantissa, self.exponent = self.active, None
        else:
            self.mantissa, self.exponent = self.active[:exponent_at], self.active[exponent_at + 1:]
        decimal_at = self.mantissa.find(p["decimal-separator"])
        if decimal_at == -1:
            self.integer, self.fraction = self.mantissa, suffix
        else:
            self.integer, self.fraction = self.mantissa[:decimal_at], self.mantissa[decimal_at + 1:]
        self._analyse(p, family)

    def _analyse(self, p: dict, family: list[str]) -> None:
        digit, sep = p["digit"], p["grouping-separator"]

        def positions(part: str, to_left: bool) -> list[int]:
            out, at = [], part.find(sep)
            while at != -1:
                side = part[:at] if to_left else part[at:]
                out.append(sum(1 for ch in side if ch in family or ch == digit))
                at = self.integer.find(sep, at + 1)  # jsonata.js searches the integer part here
            return out

        self.integer_groups = positions(self.integer, False)
        self.regular = _regular(self.integer_groups)
        self.fraction_groups = positions(self.fraction, True)
        self.min_integer = sum(1 for ch in self.integer if ch in family)
        self.scaling = self.min_integer
        self.min_fraction = sum(1 for ch in self.fraction if ch in family)
        self.max_fraction = sum(1 for ch in self.fraction if ch in family or ch == digit)
        has_exponent = self.exponent is not None
        if self.min_integer == 0 and self.max_fraction == 0:
            if has_exponent:
                self.min_fraction = self.max_fraction = 1
            else:
                self.min_integer = 1
        if has_exponent and self.min_integer == 0 and digit in self.integer:
            self.min_integer = 1
        if self.min_integer == 0 and self.min_fraction == 0:
            self.min_fraction = 1
        self.min_exponent = sum(1 for ch in self.exponent if ch in family) if has_exponent else 0


def _regular(indexes: list[int]) -> int:
    if not indexes:
        return 0
    factor = reduce(math.gcd, indexes)
    return factor if all(i * factor in indexes for i in range(1, len(indexes) + 1)) else 0


def _validate(pic: _Picture, p: dict, family: list[str], active: list[str]) -> None:
    sub, error = pic.sub, None
    dec = sub.find(p["decimal-separator"])
    if dec != sub.rfind(p["decimal-separator"]):
        error = "D3081"
    if sub.find(p["percent"]) != sub.rfind(p["percent"]):
        error = "D3082"
    if sub.find(p["per-mille"]) != sub.rfind(p["per-mille"]):
        error = "D3083"
    if p["percent"] in sub and p["per-mille"] in sub:
        error = "D3084"
    if not any(ch in family or ch == p["digit"] for ch in pic.mantissa):
        error = "D3085"
    if any(ch not in active for ch in pic.active):
        error = "D3086"
    sep = p["grouping-separator"]
    if dec != -1:
        if (dec > 0 and sub[dec - 1] == sep) or sub[dec + 1:dec + 2] == sep:
            error = "D3087"
    elif pic.integer.endswith(sep):
        error = "D3088"
    if sep + sep in sub:
        error = "D3089"
    at = pic.integer.find(p["digit"])
    if at != -1 and any(ch in family for ch in pic.integer[:at]):
        error = "D3090"
    at = pic.fraction.rfind(p["digit"])
    if at != -1 and any(ch in family for ch in pic.fraction[at:]):
        error = "D3091"
    if pic.exponent is not None and pic.exponent and (p["percent"] in sub or p["per-mille"] in sub):
        error = "D3092"
    if pic.exponent is not None and (not pic.exponent or any(ch not in family for ch in pic.exponent)):
        error = "D3093"
    if error:
        raise jexception.JException(error, -1)


def format_number(value: Any, picture: Any, options: Any = None) -> Any:
    if value is None:
        return None
    p = dict(_DEFAULTS)
    if isinstance(options, dict):
        p.update(options)
    zero = ord(p["zero-digit"][0])
    family = [chr(c) for c in range(zero, zero + 10)]
    active = family + [p["decimal-separator"], p["exponent-separator"], p["grouping-separator"], p["digit"],
                       p["pattern-separator"]]
    subs = picture.split(p["pattern-separator"])
    if len(subs) > 2:
        raise jexception.JException("D3080", -1)
    pictures = [_Picture(s, p, family, active) for s in subs]
    for pic in pictures:
        _validate(pic, p, family, active)
    if len(pictures) == 1:
        negative = _Picture(subs[0], p, family, active)
        negative.prefix = p["minus-sign"] + (negative.prefix or "")
        pictures.append(negative)
    pic = pictures[0] if value >= 0 else pictures[1]
    return _format(float(value), pic, p, family)


def install() -> None:
    """Replace jsonata-python's $formatNumber in its static frame (every evaluator in the process sees it)."""
    from jsonata.jsonata import Jsonata

    Jsonata.static_frame.lookup("formatNumber").method = format_number


def _format(value: float, pic: _Picture, p: dict, family: list[str]) -> str:
    adjusted = value * 100 if p["percent"] in pic.sub else value * 1000 if p["per-mille"] in pic.sub else value
    mantissa, exponent = adjusted, None
    if pic.min_exponent:
        top, bottom = js_pow(10, pic.scaling), js_pow(10, pic.scaling - 1)
        exponent = 0
        while 0 < mantissa < bottom:  # jsonata.js loops forever on 0 and on negative numbers here
            mantissa *= 10
            exponent -= 1
        while mantissa > top:
            mantissa /= 10
            exponent += 1
    zero, dec = p["zero-digit"], p["decimal-separator"]

    def make_string(number: float, digits: int) -> str:
        text = _to_fixed(abs(number), digits)
        return "".join(family[ord(c) - 48] if "0" <= c <= "9" else c for c in text) if zero != "0" else text

    text = make_string(js_round(mantissa, pic.max_fraction), pic.max_fraction)
    text = text + dec if "." not in text else text.replace(".", dec, 1)
    text = text.lstrip(zero[0]) if zero else text
    text = text.rstrip(zero[0]) if zero else text
    at = text.find(dec)
    text = zero * max(pic.min_integer - at, 0) + text
    text = text + zero * max(pic.min_fraction - (len(text) - text.find(dec) - 1), 0)
    text = _group(text, pic, p["grouping-separator"], dec)
    at = text.find(dec)
    if dec not in pic.sub or at == len(text) - 1:
        text = text[:-1]
    if exponent is not None:
        shown = make_string(exponent, 0)
        shown = zero * max(pic.min_exponent - len(shown), 0) + shown
        text = text + p["exponent-separator"] + (p["minus-sign"] if exponent < 0 else "") + shown
    return (pic.prefix or "") + text + (pic.suffix or "")


def _group(text: str, pic: _Picture, sep: str, dec: str) -> str:
    at = text.find(dec)
    if pic.regular > 0:
        for group in range(1, (at - 1) // pic.regular + 1):
            cut = at - group * pic.regular
            text = text[:cut] + sep + text[cut:]
    else:
        for pos in pic.integer_groups:
            text = text[:at - pos] + sep + text[at - pos:]
            at += 1
    at = text.find(dec)
    for pos in pic.fraction_groups:
        text = text[:pos + at + 1] + sep + text[pos + at + 1:]
    return text
