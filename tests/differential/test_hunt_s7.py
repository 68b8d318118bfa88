"""Silent differences found by session 7's hunt, one class each: every program runs the same both ways AND as the
direct CPython call (tests/differential/conftest.py's ``agree``), or is refused at the construct's line and column.
"""
from __future__ import annotations

import pathlib
import sys
import textwrap

import pytest

from pyawssfn.compiler import CompileError, compile_source
from pyawssfn.testing import WorkflowTester

from .conftest import agree


def _tester(tmp_path, name: str, source: str, workflow: str = "wf") -> WorkflowTester:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source).lstrip("\n"))
    return WorkflowTester(path, workflow)


def _body(tmp_path, name: str, signature: str, body: str) -> WorkflowTester:
    source = ("import pyawssfn as sfn\n\n\ndef step(x: object) -> object:\n    return x\n\n\n"
              f"@sfn.workflow\ndef wf({signature}) -> object:\n" + textwrap.indent(textwrap.dedent(body), "    "))
    return _tester(tmp_path, name, source)


# A list display of lists, subscripted (`r = [[1], [2]]` folded into its later reads as a literal): jsonata-js
# tells an item of an array constructor written `[...]` by its syntax, and an index does not change the node's
# kind, so `[[[1], [2]][1]]` is `[[2]]` where `[$xs[1]]` is `[2]`. The compiler wraps a list item as `[[x]]` to keep
# it one item, so a row read from such a display gained a level of nesting on the machine (`r[0] = [n]` returned
# `[[n], [[2]]]`). The printer now parenthesises such an item, which makes it an ordinary (spread) value.
LITERAL_ROWS = [
    ("item-assigned", "r = [[1], [2]]\nr[0] = [n]\nreturn r\n"),
    ("augmented-item", "r = [[1], [2]]\nr[0] += [n]\nreturn r\n"),
    ("slices", "r = [[1], [2]]\nreturn [r[0:1], r[n:]]\n"),
    ("deeper", "r = [[[1]], [[2]]]\nr[1] = [[n]]\nreturn r\n"),
]


@pytest.mark.parametrize("name, body", LITERAL_ROWS, ids=[c[0] for c in LITERAL_ROWS])
@pytest.mark.parametrize("n", [0, 1])
def test_a_row_of_a_list_display_stays_one_item(tmp_path, name, body, n):
    agree(_body(tmp_path, "hunt_literal_rows", "n: int", body), {"n": n})


# A variable holding a list display (`b = [n, 2]`), read as an item of another display (`[b]`, `[b, 1]`, `[[b]]`,
# `(b, 1)`, `[x for x in [b]]`): the translator reads the variable's value in parentheses and writes it as one item,
# `[([$n, 2])]`; the simplifier dropped the parentheses, and `[[$n, 2]]` inside an array constructor is kept whole by
# jsonata-js, so the item gained a level of nesting (`[[[n, 2]]]` for `[b]`). The parentheses now stay around an
# array constructor that is an item (simplify._array_item_simplified).
LIST_VARIABLE_ITEMS = [
    ("one-item", "b = [n, 2]\nc = [b]\nreturn c\n"),
    ("with-a-scalar", "b = [n]\nc = [b, 1]\nreturn c\n"),
    ("twice", "b = [n]\nreturn [b, b]\n"),
    ("after-a-concatenation", "b = [n]\na = b + [1]\nreturn [a, b]\n"),
    ("tuple", "b = [n]\nc = (b, 1)\nreturn [list(c), c[0]]\n"),
    ("in-a-dict", "b = [n]\nreturn {'k': [b]}\n"),
    ("two-levels", "b = [n]\nc = [[b]]\nreturn c\n"),
    ("comprehension", "b = [n]\nreturn [x for x in [b]]\n"),
    ("concatenated-displays", "b = [n]\nreturn [b] + [b]\n"),
    ("chained-assignment", "a = b = [n]\na = a + [1]\nreturn [a, b]\n"),
]


@pytest.mark.parametrize("name, body", LIST_VARIABLE_ITEMS, ids=[c[0] for c in LIST_VARIABLE_ITEMS])
def test_a_list_variable_is_one_item_of_a_display(tmp_path, name, body):
    agree(_body(tmp_path, "hunt_list_items", "n: int", body), {"n": 7})


# A chained assignment binds ONE object to every target (`a = b = []`); the aliasing check bound each target to the
# value as if it were evaluated once per target, so `a.append(1); return b` returned `[n]` on the machine where
# Python returns `[n, 1]`. Refused now at the change in place, as after `b = a`.
CHAINED = [
    ("list", "a = b = [n]\na.append(1)\nreturn b\n", "11:5", "'a'"),
    ("dict", "a = b = {}\na['k'] = n\nreturn b\n", "11:5", "'a'"),
    ("step-result", "a = b = step([n])\na.append(1)\nreturn b\n", "11:5", "'a'"),
    ("into-a-dict", "d = {}\na = d['k'] = []\na.append(n)\nreturn d\n", "12:5", "'a'"),
    ("unpacked-too", "x, y = z = [[n], 1]\nx.append(2)\nreturn z\n", "11:5", "'x'"),
]


@pytest.mark.parametrize("name, body, where, what", CHAINED, ids=[c[0] for c in CHAINED])
def test_a_change_in_place_through_a_chained_assignment_is_refused(name, body, where, what):
    _refused(body, where, f"in-place change of {what}", signature="n: int")


def test_a_chained_assignment_of_numbers_compiles_and_agrees(tmp_path):
    body = "total = count = 0\ntotal += n\nxs = ys = [n]\nxs = xs + [1]\nreturn [total, count, xs, ys]\n"
    py, machine = agree(_body(tmp_path, "hunt_chained_ok", "n: int", body), {"n": 3})
    assert machine.output == [3, 0, [3, 1], [3]]


# The same through the binding of repeated sub-expressions (compiler/share.py): a list display written twice, once as
# an item of another display (`xs = [b]; xs.append(b)` with a long `b`), was bound once as `$__c1` and `[X]` became
# `[$__c1]`, which spreads the list where `[X]` kept it whole.
LONG = '"a long string here to pass the forty characters"'
SHARED_ITEMS = [
    ("appended-twice", f"b = [n, {LONG}]\nxs = [b]\nxs.append(b)\nxs += [b]\nreturn xs\n"),
    ("two-displays", f"b = [n, n + 1, {LONG}]\nc = [b, 1]\nd = [b, 2]\nreturn [c, d, [c]]\n"),
    ("rows-replaced", f"b = [[n, {LONG}], [2]]\nb[n] = [5]\nreturn [b, [b]]\n"),
]


@pytest.mark.parametrize("name, body", SHARED_ITEMS, ids=[c[0] for c in SHARED_ITEMS])
def test_a_shared_list_display_is_one_item(tmp_path, name, body):
    agree(_body(tmp_path, "hunt_shared_items", "n: int", body), {"n": 1})


# The tree's meaning of an array constructor's item: an Array item is kept whole, any other item is spread when it
# gives an array. An index or filter of an array constructor is written `[...][...]`, which jsonata-js keeps whole by
# its syntax, so the printer parenthesises it wherever its value may be an array.
@pytest.mark.parametrize("base, pred, spread", [
    ("[[1], [2]]", "1", [2]), ("[1, 2, 3]", "[0..1]", [1, 2]), ("[1, 2, 3]", "$ > 1", [2, 3]),
    ("[[1, 2], [3]]", "0", [1, 2]), ("[1, 2, 3]", "1", [2]),
])
def test_an_indexed_array_constructor_as_an_item_is_spread(base, pred, spread):
    from pyawssfn.jsonata.parse import parse
    from pyawssfn.jsonata.printer import to_text
    from pyawssfn.jsonata.tree import Array, Filter
    from pyawssfn.local.jsonata_eval import evaluate
    text = to_text(Array((Filter(parse(base), parse(pred)),)))
    assert evaluate(text) == spread, text
    import sys
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "compiler"))
    from jsonata_node import NodeJsonata, node_available
    if node_available():
        with NodeJsonata() as node:
            assert node.evaluate(text)["value"] == spread, text


# A value repeated inside a list display that is itself an item (`[[s, s]]` with a long `s`): compiler/share.py
# bound it once in the smallest scope holding both reads, the inner display, turning that item into a block,
# `[($__c1 := ...; [$__c1, $__c1])]`, which jsonata-js spreads: the machine returned `[s, s]` for `[[s, s]]`.
LONG_S = 's = str(n) + "a long string here to pass the forty characters"\n'
REPEATED_IN_A_ROW = [
    ("row", LONG_S + "return [[s, s]]\n"),
    ("row-and-scalar", LONG_S + "return [[s, s], 1]\n"),
    ("rows-of-rows", LONG_S + "return [[[s], [s]]]\n"),
    ("in-a-dict", LONG_S + "return {'a': [[s, s]]}\n"),
    ("appended-row", LONG_S + "xs = []\nxs.append([s, s])\nreturn xs\n"),
]


@pytest.mark.parametrize("name, body", REPEATED_IN_A_ROW, ids=[c[0] for c in REPEATED_IN_A_ROW])
def test_a_value_repeated_in_a_nested_display_keeps_the_nesting(tmp_path, name, body):
    agree(_body(tmp_path, "hunt_repeated_row", "n: int", body), {"n": 4})


# Sharing the aliasing check missed (CPython shares the object, the machine copies it, so changing it in place
# afterwards showed through the other name in Python only): a value that may BE an object another value holds
# (`d.get("k", xs)`, `[xs, ys][0]`, `{"a": xs}["a"]`, `max([xs, ys])`, `min(xs, ys)`, `sorted([xs, ys])[1]`), a
# value that HOLDS it (`dict(a=xs)`, `dict({"a": xs})`, `[xs for _ in r]`, `{k: xs for k in s}`, `list(zip([xs],
# ys))`, `list(reversed([xs]))`, `[xs][::-1]`), and an in-place `+=`/`*=` (`x[0] += [1]` when x[0] is xs;
# `xs += ys`, `xs *= 2` when another name holds xs). Refused at the change in place.
HELD = [
    ("get-default", "xs = [n]\nx = d.get('k', xs)\nxs.append(1)\nreturn x\n", "12:5", "'xs'"),
    ("display-item", "xs = [n]\nx = [xs, [0]][0]\nxs.append(1)\nreturn x\n", "12:5", "'xs'"),
    ("tuple-item", "xs = [n]\nx = (xs, 1)[0]\nxs.append(1)\nreturn x\n", "12:5", "'xs'"),
    ("dict-item", "xs = [n]\nx = {'a': xs}['a']\nxs.append(1)\nreturn x\n", "12:5", "'xs'"),
    ("max-of-one", "xs = [n]\nx = max([xs, [0]])\nxs.append(1)\nreturn x\n", "12:5", "'xs'"),
    ("min-of-two", "xs = [n]\nx = min(xs, [0])\nxs.append(1)\nreturn x\n", "12:5", "'xs'"),
    ("sorted-item", "xs = [n]\nx = sorted([xs, [0]])[1]\nxs.append(1)\nreturn x\n", "12:5", "'xs'"),
    ("dict-keyword", "xs = [n]\nx = dict(a=xs)\nxs.append(1)\nreturn x\n", "12:5", "'xs'"),
    ("dict-copy", "xs = [n]\nx = dict({'a': xs})\nxs.append(1)\nreturn x\n", "12:5", "'xs'"),
    ("comprehension-element", "xs = [n]\nx = [xs for _ in range(2)]\nxs.append(1)\nreturn x\n", "12:5", "'xs'"),
    ("dict-comprehension", "xs = [n]\nx = {k: xs for k in 'ab'}\nxs.append(1)\nreturn x\n", "12:5", "'xs'"),
    ("zipped", "xs = [n]\nx = list(zip([xs], [1]))[0][0]\nxs.append(1)\nreturn x\n", "12:5", "'xs'"),
    ("comprehension-item", "xs = [n]\nx = [y for y in [xs]][0]\nxs.append(1)\nreturn x\n", "12:5", "'xs'"),
    ("reversed", "xs = [n]\nx = list(reversed([xs]))\nxs.append(1)\nreturn x\n", "12:5", "'xs'"),
    ("slice-of-a-display", "xs = [n]\nx = [xs][::-1]\nxs.append(1)\nreturn x\n", "12:5", "'xs'"),
    ("augmented-item", "xs = [n]\nx = [xs]\nx[0] += [1]\nreturn xs\n", "12:5", "an element of 'x'"),
    ("augmented-entry", "xs = [n]\nx = {'k': xs}\nx['k'] += [1]\nreturn xs\n", "12:5", "an element of 'x'"),
    ("extended-name", "ys = [1]\nxs = [n]\nzs = xs\nxs += ys\nreturn zs\n", "13:5", "'xs'"),
    ("repeated-name", "xs = [n]\nys = xs\nxs *= 2\nreturn ys\n", "12:5", "'xs'"),
]


def _refused(body: str, where: str, what: str, signature: str = "n: int, d: dict") -> None:
    source = ("import pyawssfn as sfn\n\n\ndef step(x: object) -> object:\n    return x\n\n\n"
              f"@sfn.workflow\ndef wf({signature}) -> object:\n" + textwrap.indent(body, "    "))
    with pytest.raises(CompileError) as info:
        compile_source(source, "hunt.py", workflow="wf")
    assert f"hunt.py:{where}: error: {what}" in str(info.value), str(info.value)


@pytest.mark.parametrize("name, body, where, what", HELD, ids=[c[0] for c in HELD])
def test_a_change_in_place_of_an_object_another_value_holds_is_refused(name, body, where, what):
    _refused(body, where, f"in-place change of {what}")


# Storing a container inside itself: Python makes an object that contains itself (returning it or passing it to a
# step fails; `xs[1][1]` works), the machine stored a copy of the value as it was (and returned it).
INTO_ITSELF = [
    ("append", "xs = [n]\nxs.append(xs)\nreturn xs\n", "11:5", "xs"),
    ("append-a-display", "xs = [n]\nxs.append([xs, 1])\nreturn xs[1][0][1]\n", "11:5", "xs"),
    ("extend", "xs = [n]\nxs.extend([xs])\nreturn xs\n", "11:5", "xs"),
    ("augmented", "xs = [n]\nxs += [xs]\nreturn xs\n", "11:5", "xs"),
    ("item", "xs = [n]\nxs[0] = xs\nreturn xs\n", "11:5", "xs"),
    ("entry", "d = {}\nd['k'] = d\nreturn d\n", "11:5", "d"),
]


@pytest.mark.parametrize("name, body, where, what", INTO_ITSELF, ids=[c[0] for c in INTO_ITSELF])
def test_a_container_stored_inside_itself_is_refused(name, body, where, what):
    _refused(body, where, f"'{what}' is stored inside itself")


@pytest.mark.parametrize("body, inp, output", [
    ("xs = [n]\nxs.append(xs + [])\nxs.extend(xs)\nreturn xs\n", {"n": 1, "d": {}}, [1, [1], 1, [1]]),
    ("x = {'k': [n]}\nx['k'] += [1]\nx['k'].append(2)\nreturn x\n", {"n": 1, "d": {}}, {"k": [1, 1, 2]}),
    ("total = 0\nk = 1\nys = [k]\nfor x in d['xs']:\n    total += step(x)\n    k *= 2\nreturn [total, k, ys]\n",
     {"n": 0, "d": {"xs": [1, 2]}}, [3, 4, [1]]),
    ("xs = [n]\nx = list(xs)\nxs.append(1)\nreturn [x, xs]\n", {"n": 1, "d": {}}, [[1], [1, 1]]),
])
def test_copies_and_numbers_changed_afterwards_compile_and_agree(tmp_path, body, inp, output):
    py, machine = agree(_body(tmp_path, "hunt_held_ok", "n: int, d: dict", body), inp)
    assert machine.output == output


# round(x, n) was typed a float whatever x's type, so str() / an f-string appended ".0": `round(total, 2)` of a step
# returning 10 printed "10.0" on the machine where Python prints "10" (round of an int is an int). Only a float x
# makes round(x, n) a float now.
ROUNDED = """
    import pyawssfn as sfn


    def total(x: object) -> object:
        return x


    @sfn.workflow
    def wf(x: float, n: int) -> object:
        t = total(n)
        return [str(round(x, 1)), f"{round(t, 2)}", str(round(x / 1, 1)), str(round(float(n), 1)), str(round(n, 2))]
    """


@pytest.mark.parametrize("x, n", [(3.0, 10), (-0.0, -2), (2.25, 0), (1e15, 7)])
def test_round_with_digits_of_an_int_prints_as_an_int(tmp_path, x, n):
    agree(_tester(tmp_path, "hunt_round", ROUNDED), {"x": x, "n": n})


# sum(rows, []) concatenates lists in Python; the machine computed `[] + $sum(rows)` and failed (JSONata's $sum takes
# numbers only), so a workflow that runs in Python failed on the machine. A list start now concatenates.
@pytest.mark.parametrize("rows", [[[1], [2, [3]], []], [], [[[]]], [[1, 2], [1]], [1]])
def test_sum_of_lists_with_a_list_start_concatenates(tmp_path, rows):
    body = "return [sum(rows, []), sum(rows, [0]), sum([[r] for r in rows], [[9]])]\n"
    agree(_body(tmp_path, "hunt_sum_lists", "rows: list", body), {"rows": rows})


# sum(xs, start) adds from the start on, ((start + x0) + x1) ..., as Python does; the machine added start last,
# start + (x0 + x1), which rounds differently for floats (sum([0.1, 3.3, 3.3], 0.3) is 7.0 in Python, 6.999999999999999
# on the machine).
@pytest.mark.parametrize("xs, start", [([0.1, 3.3, 3.3], 0.3), ([], 5), ([0.1, 0.2], 0.3), ([1e16, 1.0, -1e16], 0.5)])
def test_sum_with_a_start_adds_from_the_start_on(tmp_path, xs, start):
    body = "return [sum(xs, st), sum(xs, start=st), sum([x * 2 for x in xs], st)]\n"
    agree(_body(tmp_path, "hunt_sum_start", "xs: list, st: float", body), {"xs": xs, "st": start})


# CPython 3.12 and later sum floats with Neumaier's compensated summation (sum([0.1] * 10) == 1.0); the machine adds
# them in order, as CPython 3.11 does (0.9999999999999999). docs/known-issues.md.
@pytest.mark.xfail(sys.version_info >= (3, 12), strict=True,
                   reason="CPython 3.12+ compensates float sums; JSONata's $sum adds in order (docs/known-issues.md)")
def test_a_sum_of_floats_as_the_running_python_sums(tmp_path):
    agree(_body(tmp_path, "hunt_sum_floats", "xs: list", "return sum(xs)\n"), {"xs": [0.1] * 10})


# int() and float() of a string: the machine took JavaScript's whitespace (\s, which has U+FEFF and lacks U+0085),
# so int("\ufeff12") gave 12 where Python raises, and refused the forms Python reads: "1_000", "+5" and "0012" for
# float(), ".5", "5.", "-.5e-3", "1e1_0".
NUMBER_TEXTS = ["1_000", "+5", "-0", " 12\n", "0012", "1e3", "1.5", "  2.5\n", "1_0.5", ".5", "5.", "1E+2", "0x10",
                "\u00a012\u00a0", "\u2003 7", "12\u200b", "+1_2", "\ufeff12", "\x1c12\x1f", "\x8512", "-.5e-3", "5.e2",
                "00.5", "-00", "1__0", "_1", "1_", ".", "-", "+.5", "1e", "1e+", "0_0", "1.2.3", "1e1_0", "-0.0",
                "12 3", ""]


@pytest.mark.parametrize("text", NUMBER_TEXTS)
def test_int_and_float_of_a_string_parse_as_python(tmp_path, text):
    source = """
        import pyawssfn as sfn


        @sfn.workflow
        def wf(s: str, how: str) -> object:
            if how == "int":
                return int(s)
            return float(s)
        """
    t = _tester(tmp_path, "hunt_parse_number", source)
    agree(t, {"s": text, "how": "int"})
    agree(t, {"s": text, "how": "float"})
