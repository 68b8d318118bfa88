"""Variables' static types (compiler/static_types.py): what the translator may rely on for str() and isinstance."""
from __future__ import annotations

import ast

import pytest

from pyawssfn.compiler.expressions import ExpressionTranslator
from pyawssfn.compiler.static_types import infer_name_types


def _types(src: str, fixed=None) -> dict[str, str]:
    fn = ast.parse(src).body[0]
    probe = ExpressionTranslator(lambda n: "$" + n.id, lambda *a: None)

    def static_type(expr, name_type):
        probe.name_type = name_type
        return probe.static_type(expr)

    return infer_name_types(fn, static_type, fixed)


@pytest.mark.parametrize("body, expected", [
    ("h = a / 2", {"h": "float"}),
    ("n = 0\nfor x in xs:\n    n += 1", {"n": "int"}),
    ("n = 0\nwhile n < 3:\n    n = n + 0.5", {}),             # int then float: unknown
    ("s = str(a)\ns = s + '!'", {"s": "str"}),
    ("k = len(xs)\nm = k * 2\nf = m / 1", {"k": "int", "m": "int", "f": "float"}),
    ("for i in range(3):\n    pass", {"i": "int"}),
    ("for i in xs:\n    pass", {}),
    ("r = step(a)", {}),                                     # a step's result has no static type
    ("a = 1", {}),                                           # a parameter keeps its input's type
    ("p, q = 1, 2", {}),
    ("y = x\nx = 1.5", {"x": "float", "y": "float"}),
    ("d = {}\nd['k'] = a", {"d": "dict"}),
    ("b = C * 2", {"b": "int"}),                             # C: a module constant
])
def test_inferred_types(body, expected):
    src = "def w(a, xs):\n" + "".join("    " + line + "\n" for line in body.splitlines())
    assert _types(src, {"C": "int"}) == expected


def test_computed_float_prints_as_python(both):
    b = both("""
import pyawssfn as sfn

def step(x):
    return x

@sfn.workflow
def w(a):
    h = a / 2
    n = 0
    for i in range(3):
        n += 0.5
    k = len("abc") * 2
    s = step(h)
    return [str(h), f"{h}", isinstance(h, int), isinstance(h, float), str(n), str(k), str(s), str(i), h]
""")
    for a in (4, 3, 4.0, -2):
        b.check({"a": a})
