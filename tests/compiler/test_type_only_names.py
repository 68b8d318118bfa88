"""A probe translator whose name resolution is pure (types/known.site_typer sets `pure_names`) types names,
literals and len(name) without their trees (expressions/type_only.py): its static_type must answer what the full
translation's J says, for every operand and operator, as the translator without the flag does."""
from __future__ import annotations

import itertools

from .test_type_only import OPERANDS, OPS, _full, _parse, _same, _translator

_MORE = ["len(u)", "len(s)", "len(d)", "len(i)", "len(b)", "len(m)", "len(tup)", "len(top)", "len(deep)", "len(len)",
         "len(l, l)", "len(*l)", "10 ** 20", "2.0", "float('nan')", "b'x'", "1j", "...", "-5"]


def _pure():
    t = _translator()
    t.pure_names = True
    return t


def test_pure_names_static_type_is_the_translations():
    plain, pure = _translator(), _pure()
    operands = OPERANDS + _MORE
    for a, op, b in itertools.product(operands, OPS, operands):
        for inplace in (False, True) if op == "+" else (False,):
            text = f"{a} {op} {b}"
            want = _full(plain, _parse(text, inplace))
            assert _same(pure.static_type(_parse(text, inplace)), want), (text, inplace, want)


def test_pure_names_single_operands_and_displays():
    plain, pure = _translator(), _pure()
    texts = OPERANDS + _MORE + [f"[{a}, {b}]" for a, b in itertools.product(OPERANDS + _MORE, repeat=2)]
    texts += [f"{{'k': {a}, 'j': [{b}]}}" for a, b in itertools.product(OPERANDS + _MORE, repeat=2)]
    for text in texts:
        want = _full(plain, _parse(text, False))
        assert _same(pure.static_type(_parse(text, False)), want), (text, want)
