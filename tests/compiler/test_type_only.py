"""static_type types names, literals, arithmetic and displays without building their JSONata (expressions/type_only.py):
its answer must be the full translation's, object for object, for every operator and operand type."""
from __future__ import annotations

import ast
import itertools

from pyawssfn.compiler.expressions import ExpressionTranslator
from pyawssfn.compiler.expressions.core import MAY_TUPLE, J, _Refused, _reset_names
from pyawssfn.compiler.expressions.statements import INPLACE
from pyawssfn.compiler.expressions.type_only import binop_type
from pyawssfn.compiler.types.model import Maybe, Type
from pyawssfn.jsonata.tree import Var

_LIST_OF_INT = Type("list", Type("int"))
_TYPED_DICT = Type("dict", None, {"a": (Type("int"), True)})
# a name's id -> the type name_type gives it (tup: a tuple; top/deep: MAY_TUPLE taints the frontend sets)
TYPES = {"u": None, "i": "int", "f": "float", "s": "str", "b": "bool", "n": "none", "l": "list", "d": "dict",
         "li": _LIST_OF_INT, "td": _TYPED_DICT, "ki": Type("int"), "ks": Type("str"), "m": Maybe(Type("int")),
         "tup": "tuple", "top": None, "deep": "list"}
OPERANDS = list(TYPES) + ["1", "0", "2.5", "'x'", "True", "None", "[i]", "(i, s)", "[*l]", "{'a': i}", "-i", "i ** 2",
                          "2 ** -1", "len(l)", "(u, u)", "[(i,), (i,)]", "[*tup]"]
OPS = ["+", "-", "*", "/", "//", "%", "**", "&"]


def _translator() -> ExpressionTranslator:
    return ExpressionTranslator(lambda n: Var(n.id), lambda *a: None, name_type=lambda n: TYPES.get(n.id))


def _parse(text: str, inplace: bool) -> ast.expr:
    node = ast.parse(text, mode="eval").body
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in ("tup", "top", "deep"):
            setattr(sub, MAY_TUPLE, "tuple" if sub.id == "tup" else sub.id)
        if inplace and sub is node and isinstance(sub, ast.BinOp):
            setattr(sub, INPLACE, True)
    return node


def _full(t: ExpressionTranslator, node: ast.expr):
    """What static_type answered before type_only: the whole translation's J."""
    _reset_names()
    try:
        result = t._tr(node)
    except _Refused:
        return None
    return "tuple" if result.tup and result.type == "list" else result.type


def _same(got, want) -> bool:
    """The same answer in every respect the inference reads (a Type passes through: the same object)."""
    if want is None or type(want) is str:
        return type(got) is type(want) and got == want
    return got is want


def test_static_type_of_arithmetic_is_the_translations():
    t = _translator()
    checked = 0
    for a, op, b in itertools.product(OPERANDS, OPS, OPERANDS):
        for inplace in (False, True) if op == "+" else (False,):  # (INPLACE changes only +: `xs += v` extends)
            text = f"{a} {op} {b}"
            want, got = _full(t, _parse(text, inplace)), t.static_type(_parse(text, inplace))
            assert _same(got, want), (text, inplace, got, want)
            checked += want is not None
    assert checked > 1000  # many of them type (the others are refused by both)


def test_static_type_of_displays_is_the_translations():
    t = _translator()
    texts = [f"[{a}, {b}]" for a, b in itertools.product(OPERANDS, repeat=2)]
    texts += [f"({a}, *{b})" for a, b in itertools.product(OPERANDS, repeat=2)]
    texts += [f"{{{a}: {b}, **{b}}}" for a, b in itertools.product(OPERANDS, repeat=2)]
    texts += ["[]", "()", "{}", "[1, 2]", "{'a': 1}", "[(1, 2), (3, 4)]", "[i + (s, i)]", "{'a': i, 1: s}"]
    for text in texts:
        want, got = _full(t, _parse(text, False)), t.static_type(_parse(text, False))
        assert _same(got, want), (text, got, want)


def test_binop_type_follows_binop_code():
    t = _translator()
    kinds = [None, "int", "float", "str", "bool", "none", "list", "dict", _LIST_OF_INT, _TYPED_DICT, Type("int"),
             Type("str"), Maybe(Type("int"))]
    for op in (ast.Add(), ast.Sub(), ast.Mult(), ast.Div(), ast.FloorDiv(), ast.Mod()):
        for lt, rt in itertools.product(kinds, repeat=2):
            want = t.binop_code(op, J(Var("a"), lt), J(Var("b"), rt)).type
            assert _same(binop_type(op, lt, rt), want), (type(op).__name__, lt, rt)
