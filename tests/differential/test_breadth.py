"""Issue #12, "also refused though a faithful translation exists": each construct compiled and run both ways, the
expected value from a direct CPython call. Those still refused or still differing are xfail(strict=True)."""
from __future__ import annotations

import pytest

from pyawssfn.compiler import CompileError, compile_file
from pyawssfn.testing import DisagreementError, WorkflowTester

# name -> (parameters, body, inputs)
CASES = {
    "reversed": ("xs", "    return [list(reversed(xs)), [x for x in reversed(xs)]]",
                 [{"xs": [1, 2, 3]}, {"xs": []}]),
    "reversed_loop": ("xs", "    out = []\n    for x in reversed(xs):\n        out.append(x * 2)\n    return out",
                      [{"xs": [3, 1, 2]}, {"xs": []}]),
    "enumerate_in_comprehension": ("xs", "    return [i * x for i, x in enumerate(xs)]",
                                   [{"xs": [5, 6, 7]}, {"xs": []}]),
    "zip_in_comprehension": ("xs, ys", "    return [a + b for a, b in zip(xs, ys)]",
                             [{"xs": [1, 2, 3], "ys": [10, 20]}, {"xs": [], "ys": [1]}]),
    "enumerate_start_keyword": ("xs", "    out = []\n    for i, x in enumerate(xs, start=1):\n"
                                      "        out.append([i, x])\n    return out",
                                [{"xs": ["a", "b"]}, {"xs": []}]),
    "min_max_key": ("words", "    return [min(words, key=len), max(words, key=len)]",
                    [{"words": ["bb", "c", "aa", "d", "eee", "fff"]}, {"words": ["x"]}, {"words": []}]),
    "set_for_len_sorted_in": ("xs", "    s = set(xs)\n    return [len(s), sorted(s), 2 in s, len({x % 3 for x in xs})]",
                              [{"xs": [3, 1, 3, 2, 1]}, {"xs": []}]),
    "percent_format": ("rate", '    return f"{rate:.0%} / {rate:.1%}"',
                       [{"rate": 0.25}, {"rate": 0.125}, {"rate": 1}, {"rate": 0.5}, {"rate": -0.0349}]),
    "strip_characters": ("s", '    return [s.strip("/"), s.lstrip("/-"), s.rstrip("/")]',
                         [{"s": "//a/b//"}, {"s": "-/x"}, {"s": ""}, {"s": "///"}]),
    "startswith_tuple": ("s", '    return [s.startswith(("a", "b")), s.endswith(("x", "yz"))]',
                         [{"s": "axyz"}, {"s": "cx"}, {"s": ""}, {"s": "b"}]),
    "range_in_enumerate": ("n", "    return [[i, r] for i, r in enumerate(range(2, n))]",
                           [{"n": 5}, {"n": 0}]),
}

# Still refused, or still compiled otherwise than CPython runs it: the reason, until the construct lands.
PENDING: dict[str, str] = {}

CASES.update({
    "reversed_string_and_dict": ("s, d",
                                 "    return [list(reversed(s)), [k for k in reversed(d)], sorted(reversed(s))]",
                                 [{"s": "abc", "d": {"a": 1, "b": 2}}, {"s": "", "d": {}}]),
    "reversed_nested": ("xs", "    return [list(reversed(xs)), [[i, x] for i, x in enumerate(reversed(xs))]]",
                        [{"xs": [[1, 2], [3]]}, {"xs": [[1]]}, {"xs": 5}]),
    "zip_three_and_dict": ("xs, ys", "    return [list(zip(xs, ys, xs)), dict(zip(ys, xs)), list(zip(xs))]",
                           [{"xs": [1, [2]], "ys": ["a", "b", "c"]}, {"xs": [], "ys": []}]),
    "zip_in_loop": ("xs", "    out = []\n    for a, b in zip(xs, reversed(xs)):\n        out.append(a - b)\n"
                          "    return out", [{"xs": [1, 5, 2]}, {"xs": []}]),
    "enumerate_start_computed": ("xs, n", "    return [[i, x] for i, x in enumerate(xs, start=n * 2)]",
                                 [{"xs": ["a", "b"], "n": 3}, {"xs": ["a"], "n": "s"}, {"xs": [], "n": -1}]),
    "min_max_key_lambda": ("rows", '    return [min(rows, key=lambda r: r["v"]), '
                                   'max(rows, key=lambda r: [r["v"], r["n"]]), '
                                   'max(rows, key=lambda r: r["v"] > 1, default=None)]',
                           [{"rows": [{"v": 2, "n": "a"}, {"v": 1, "n": "b"}, {"v": 2, "n": "c"}, {"v": 1, "n": "d"}]},
                            {"rows": [{"v": 1, "n": "x"}]}, {"rows": [{"v": 1, "n": "x"}, {"v": "a", "n": "y"}]}]),
    "set_values": ("xs", "    return [len(set(xs)), sorted({x for x in xs}), 'a' in {'a', 'b'}, 1.0 in set(xs), "
                         "len(set([1, True, 1.0])), min(set(xs), default=0), any(set(xs)), len(frozenset(xs))]",
                   [{"xs": [3, 1, 3, 1.0, True]}, {"xs": []}, {"xs": [[1]]}]),
    "format_specs": ("x", '    return [f"{x:+.2f}", f"{x: .1f}", f"{x:>9.2%}", f"{x:,.1%}", format(x, ".3%"), '
                          'format(x)]',
                     [{"x": 0.5}, {"x": -1234.5678}, {"x": 0}, {"x": True}, {"x": "s"}]),
    "except_module_tuple": ("kind", "    try:\n        if kind == 'k':\n            raise KeyError(kind)\n"
                                    "        if kind == 'v':\n            raise ValueError(kind)\n        return 'ok'\n"
                                    "    except TRANSIENT as e:\n        return type(e).__name__\n"
                                    "    except Exception:\n        return 'other'",
                            [{"kind": "k"}, {"kind": "v"}, {"kind": "x"}]),
})

CASES["slice_steps"] = ("xs, s", "    return [xs[::2], xs[1::3], xs[-4:-1:2], s[::2], s[1:5:3], xs[5::2], xs[::9]]",
                        [{"xs": [0, 1, 2, 3, 4, 5, 6], "s": "abcdefg"}, {"xs": [], "s": ""},
                         {"xs": [[1], [2], [3]], "s": "é"}, {"xs": "abc", "s": [1, 2]}])

CASES["in_iterator"] = ("xs", "    return [2 in reversed(xs), (0, 1) in enumerate(xs), [0, 1] in enumerate(xs), "
                               "(1, 1) not in zip(xs, xs)]", [{"xs": [1, 2]}, {"xs": []}, {"xs": "ab"}])

PRELUDE = {"except_module_tuple": "TRANSIENT = (KeyError, IndexError)\n"}


def _params():
    for name, (params, body, inputs) in CASES.items():
        for i, inp in enumerate(inputs):
            marks = ([pytest.mark.xfail(strict=True, raises=(CompileError, DisagreementError, AssertionError),
                                        reason=PENDING[name])] if name in PENDING else [])
            yield pytest.param(name, params, body, inp, id=f"{name}-{i}", marks=marks)


@pytest.mark.parametrize("name,params,body,inp", list(_params()))
def test_breadth(diff, tmp_path, name, params, body, inp):
    path = tmp_path / f"breadth_{name}.py"
    path.write_text(f"import pyawssfn as sfn\n{PRELUDE.get(name, '')}\n\n@sfn.workflow\ndef w({params}):\n{body}\n")
    diff.agree(WorkflowTester(path, "w"), inp)


# Where no faithful translation exists: refused at the construct, with what to write instead.
REFUSED = {
    "reversed_assigned": ("    r = reversed(xs)\n    return list(r)", "6:9", "list(reversed(xs))"),
    "zip_subscripted": ("    return zip(xs, xs)[0]", "6:12", "list(zip(xs, xs))"),
    "enumerate_len": ("    return len(enumerate(xs))", "6:16", "list(enumerate(xs))"),
    "reversed_of_iterator": ("    return list(reversed(zip(xs, xs)))", "6:17", "reversed(list(zip(xs, xs)))"),
    "set_iterated": ("    s = set(xs)\n    return [x for x in s]", "7:24", "sorted(s)"),
    "set_returned": ("    return {x for x in xs}", "6:12", "sorted({x for x in xs})"),
    "set_method": ("    s = {1}\n    s.add(2)\n    return len(s)", "7:5", "len(...)"),
    "set_of_tuples": ("    return len(set(zip(xs, xs)))", "6:16", "strings or numbers"),
    "format_exponent": ('    return f"{xs:.2e}"', "6:12", ".N%"),
    "zip_strict": ("    return [a for a, b in zip(xs, xs, strict=True)]", "6:27", "len(a) != len(b)"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_with_what_to_write(tmp_path, name):
    body, where, instead = REFUSED[name]
    path = tmp_path / "refused.py"
    path.write_text(f"import pyawssfn as sfn\n\n\n@sfn.workflow\ndef w(xs):\n{body}\n")
    with pytest.raises(CompileError) as err:
        compile_file(str(path))
    assert f"refused.py:{where}:" in str(err.value) and instead in str(err.value), str(err.value)


# The rewrites the refusals suggest (compiler/expressions/rewrites.py), written out: each compiles and runs both ways.
SUGGESTED = [
    "[str(x) for x in xs]", "[x for x in xs if x]", "(n // 3, n % 3)", "n ** 2", "isinstance(n, int)", "str(xs)",
    "xs[0]", '"k" in d', 'd.get("k")', "sorted(xs)", "xs[::-1]", "list(xs)", "dict(d)", "{**d, **d}",
    'f"{s:>10}|{s:<10}|{s:^10}"', 'f"{n:05}|{s:0>5}"', "s[len(p):] if s.startswith(p) else s",
    "s[:len(s) - len(p)] if p and s.endswith(p) else s", "s[:1].upper() + s[1:].lower()",
    's != "" and all(c in "0123456789" for c in s)', "xs[:n] + [s] + xs[n:]", "[x for x in xs if x != s]",
    "n * 2 ** 3", "n // 2 ** 3", "n // 2 ** 3 % 2", "[x for i, x in enumerate(xs) if i % 2 == 0]",
    "xs[1:3][::-1]", "xs[::-1][::2]", "-n - 1",
]


@pytest.mark.parametrize("expr", SUGGESTED)
def test_suggested_rewrites_compile(diff, tmp_path, expr):
    path = tmp_path / "rewrite.py"
    path.write_text(f"import pyawssfn as sfn\n\n\n@sfn.workflow\ndef w(xs, d, s, p, n):\n    return {expr}\n")
    diff.agree(WorkflowTester(path, "w"), {"xs": ["a", "", "b", "12"], "d": {"k": 1}, "s": "Pre12", "p": "Pr",
                                           "n": 13})


def test_except_with_a_module_level_list_is_refused(tmp_path):
    """Python's except takes a class or a tuple of classes: with a list it raises TypeError when an exception
    reaches it, while the machine would catch."""
    path = tmp_path / "except_list.py"
    path.write_text("import pyawssfn as sfn\n\nTRANSIENT = [KeyError, IndexError]\n\n\n@sfn.workflow\ndef w(k):\n"
                    "    try:\n        return {}[k]\n    except TRANSIENT:\n        return 'caught'\n")
    with pytest.raises(CompileError) as err:
        compile_file(str(path))
    assert "except_list.py:10:12:" in str(err.value) and "TRANSIENT = (...)" in str(err.value), str(err.value)
