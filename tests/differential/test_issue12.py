"""Issue #12: every difference found between the plain-Python run and the machine, run both ways (and against a
direct CPython call where the workflow needs no runtime). Each test failed on main before its fix; those still
failing are xfail(strict=True), so each one flips when fixed."""
from __future__ import annotations

import json

import pytest

from pyawssfn.compiler import CompileError, compile_file
from pyawssfn.testing import DisagreementError, WorkflowTester

MODULE = "dwf_issue12"
CONSTANTS = "dwf_constants"
STILL_DIFFERS = (DisagreementError, CompileError)


def _xfail(reason):
    return pytest.mark.xfail(strict=True, raises=STILL_DIFFERS, reason=reason)


# ----------------------------------------------------------------------------------------------- 1: f"{e}"

def test_formatting_a_caught_exception(diff):
    diff.agree(diff.tester(MODULE, "format_caught"), {"k": "missing"})


def test_formatting_a_caught_exception_not_raised(diff):
    diff.agree(diff.tester(MODULE, "format_caught"), {"k": "k"})


def test_saga_notification_gets_the_message(diff):
    # Both runs end with "compensated": only the comparison of the step calls can see the difference.
    diff.agree(diff.tester(MODULE, "saga_notifies"), {"k": "missing"})


# ----------------------------------------------------------------------------------------------- 2 and 3: retries

@pytest.mark.parametrize("workflow,step", [
    ("retry_exception", "retried_by_exception"),      # errors=[Exception]
    ("retry_base", "retried_by_base"),                # errors=[TransientError], Throttled raised
    ("retry_constant", "retried_by_constant"),        # errors=BASES, a module-level list (dwf_constants)
    ("retry_names", "retried_by_names"),              # errors=TRANSIENT_ERRORS, a module-level list of names
])
@pytest.mark.parametrize("failures", [1, 3])
def test_retry_matches_subclasses_and_constants(diff, workflow, step, failures):
    t = diff.tester(CONSTANTS if workflow in ("retry_constant", "retry_names") else MODULE, workflow, fresh=True)
    t.fail_step(step, error="Throttled", cause="slow", times=failures)
    py, machine = diff.agree(t, {"x": 5}, check_direct=False)
    # two retries at most: one failure is retried, three are not
    assert machine.status == ("SUCCEEDED" if failures == 1 else "FAILED")
    assert [c.step for c in py.calls] == [step] * (min(failures, 2) + 1)


def test_retry_constants_compile_to_their_values(diff):
    res = compile_file(str(diff.workflows / f"{CONSTANTS}.py"), workflow="retry_names")
    task = res.definition["States"][res.definition["StartAt"]]
    assert task["TimeoutSeconds"] == 30
    assert ["Throttled"] in [r["ErrorEquals"] for r in task["Retry"]]
    res = compile_file(str(diff.workflows / f"{CONSTANTS}.py"), workflow="retry_constant")
    task = res.definition["States"][res.definition["StartAt"]]
    mine = [r for r in task["Retry"] if "TransientError" in r["ErrorEquals"]]
    assert mine and mine[0]["ErrorEquals"] == ["TransientError", "Throttled"] and mine[0]["MaxAttempts"] == 2


# ----------------------------------------------------------------------------------------------- 3: constants

@pytest.mark.parametrize("workflow,inputs", [
    ("map_constants", [{"xs": [1, 2, 3]}, {"xs": []}]),
    ("map_parameter", [{"xs": [1, 2, 3], "width": 2}, {"xs": [4], "width": 0}]),
    ("map_tolerated_constant", [{"xs": [1, 2]}]),
    ("except_tuple_constant", [{"k": "k"}, {"k": "missing"}, {"k": "key"}]),
])
def test_module_constants_and_parameters_where_literals_go(diff, workflow, inputs):
    for inp in inputs:
        diff.agree(diff.tester(CONSTANTS, workflow), inp)


def test_map_parameter_is_a_jsonata_expression(diff):
    res = compile_file(str(diff.workflows / f"{CONSTANTS}.py"), workflow="map_parameter")
    states = res.definition["States"]
    (m,) = [s for s in states.values() if s["Type"] == "Map"]
    assert m["MaxConcurrency"].startswith("{%") and "width" in m["MaxConcurrency"]
    res = compile_file(str(diff.workflows / f"{CONSTANTS}.py"), workflow="map_constants")
    (m,) = [s for s in res.definition["States"].values() if s["Type"] == "Map"]
    assert m["MaxConcurrency"] == 2


# ----------------------------------------------------------------------------------------------- 4: built messages

@pytest.mark.parametrize("k", ["bad", "good"])
def test_exception_init_building_the_message(diff, k):
    diff.agree(diff.tester(MODULE, "raise_built_message"), {"k": k})


def _module(tmp_path, name, text):
    path = tmp_path / f"{name}.py"
    path.write_text("import pyawssfn as sfn\n\n\n" + text)
    return path


def _refused(path, workflow, where, hint):
    with pytest.raises(CompileError) as info:
        compile_file(str(path), workflow=workflow)
    text = str(info.value)
    assert where in text and hint in text, text


def test_exception_str_override_is_refused(tmp_path):
    path = _module(tmp_path, "str_override", (
        "class Odd(Exception):\n"
        "    def __str__(self):\n"
        "        return 'odd ' + self.args[0]\n\n\n"
        "@sfn.workflow\n"
        "def w(k):\n"
        "    raise Odd(k)\n"))
    _refused(path, "w", "str_override.py:11:5", "__str__")


# ----------------------------------------------------------------------------------------------- 5: list == tuple

@pytest.mark.parametrize("xs", [[1, 2], [2, 1], []])
def test_list_equals_tuple(diff, xs):
    diff.agree(diff.tester(MODULE, "list_equals_tuple"), {"xs": xs})


# Siblings: a tuple in membership, count/index, str(), isinstance(), and a tuple that is a variable's value.
TUPLE_BODIES = {
    "membership": "    return [(1, 2) in [xs], xs in [(1, 2)], xs in ((1, 2), [1, 2]), 2 in (1, 2), xs.count((1, 2))]",
    "variable": "    t = (1, 2)\n    u = t + (3,)\n"
                "    return [t == xs, t == (1, 2), u == [1, 2, 3], u == (1, 2, 3), t != xs]",
    "printed": "    t = tuple(xs)\n    return [str(t), f\"{t}|{(5,)}|{()}\", str(xs)]",
    "isinstance": "    t = (1,)\n    return [isinstance(t, tuple), isinstance(t, list), isinstance(xs, tuple), "
                  "isinstance(xs, list), [isinstance(p, tuple) for p in zip(xs, xs)]]",
    "in_dict": "    d = {'a': 1}\n    return [(1, 2) in d, ('a',) in d, tuple(xs) not in d, 'a' in d]",
    "items": "    d = {'a': 1}\n    return [[p == ('a', 1) for p in d.items()], [p == ['a', 1] for p in d.items()], "
             "[i == (0, xs[0]) for i in enumerate(xs[:1])]]",
}


@pytest.mark.parametrize("name", sorted(TUPLE_BODIES))
@pytest.mark.parametrize("xs", [[1, 2], [3]])
def test_tuples_told_from_lists(diff, tmp_path, name, xs):
    path = tmp_path / f"tuples_{name}.py"
    path.write_text(f"import pyawssfn as sfn\n\n\n@sfn.workflow\ndef w(xs):\n{TUPLE_BODIES[name]}\n")
    diff.agree(WorkflowTester(path, "w"), {"xs": xs})


# Where the compiler cannot know whether a value is a tuple, the comparison is refused at its location.
UNDECIDABLE = {
    "mixed_variable": ("    t = (1, 2) if xs else [1, 2]\n    return t == [1, 2]", "7:12", "compare like with like"),
    "tuple_plus_list": ("    return (1,) + xs", "6:12", "tuple(a) + b"),
    "list_of_zip_items": ("    pairs = list(zip(xs, xs))\n    return pairs[0] == [1, 1]", "7:12", "list(...)"),
    "str_of_zip_items": ("    return str(list(zip(xs, xs)))", "6:12", "list(...)"),
    "isinstance_mixed": ("    t = (1,) if xs else [1]\n    return isinstance(t, tuple)", "7:12", "(list, tuple)"),
    "tuple_append": ("    t = (1, 2)\n    t.append(3)\n    return t", "7:5", "t = list(t)"),
    "tuple_item_assignment": ("    t = tuple(xs)\n    t[0] = 1\n    return t", "7:5", "t = list(t)"),
}


@pytest.mark.parametrize("name", sorted(UNDECIDABLE))
def test_undecidable_tuple_comparisons_are_refused(tmp_path, name):
    body, where, instead = UNDECIDABLE[name]
    path = tmp_path / "undecidable.py"
    path.write_text(f"import pyawssfn as sfn\n\n\n@sfn.workflow\ndef w(xs):\n{body}\n")
    with pytest.raises(CompileError) as err:
        compile_file(str(path))
    assert f"undecidable.py:{where}:" in str(err.value) and instead in str(err.value), str(err.value)


# ----------------------------------------------------------------------------------------------- 6: strip()

JS_MISSES = ["\x1c a \x1f", "\x1d\x1eb", "\x85c\u2028"]  # whitespace to Python, not to JavaScript's \s
WHITESPACE = [*JS_MISSES, "\xa0\u3000d\x0b\x0c", "e"]


@pytest.fixture(scope="module")
def reference_strip(tmp_path_factory):
    """``return s.strip()`` compiled, its result computed by the reference jsonata 2.0.6 (the engine AWS runs):
    the local executor's engine has Python's regular expressions, so only the reference shows the difference."""
    import importlib.util
    import pathlib

    spec = importlib.util.spec_from_file_location(
        "node_jsonata", pathlib.Path(__file__).resolve().parents[1] / "jsonata" / "node_jsonata.py")
    node = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(node)
    path = tmp_path_factory.mktemp("strip") / "strip_wf.py"
    path.write_text("import pyawssfn as sfn\n\n\n@sfn.workflow\ndef w(s):\n    return s.strip()\n")
    definition = compile_file(str(path), workflow="w").definition
    (state,) = definition["States"].values()
    expression = state["Output"].removeprefix("{%").removesuffix("%}")
    cases = [(expression, {"states": {"input": {"s": s}}}) for s in WHITESPACE]
    return dict(zip(WHITESPACE, node.evaluate_batch(cases)))


@pytest.mark.parametrize("s", WHITESPACE)
def test_strip_uses_pythons_whitespace_on_awss_engine(reference_strip, s):
    if reference_strip[s] != {"value": s.strip()}:
        raise DisagreementError(f"{s!r}.strip(): python {s.strip()!r}, jsonata 2.0.6 {reference_strip[s]}")


@pytest.mark.parametrize("s", WHITESPACE)
def test_strip_both_ways(diff, tmp_path, s):
    path = tmp_path / "strip_both.py"
    path.write_text("import pyawssfn as sfn\n\n\n@sfn.workflow\ndef w(s):\n    return s.strip()\n")
    # The shadow is on: the executor's regexes are JavaScript's (jsonata/jsregex.py), so it sees no difference.
    diff.agree(WorkflowTester(path, "w"), {"s": s})


# ----------------------------------------------------------------------------------------------- 7: module shapes

def test_positional_only_step_parameters(diff, tmp_path):
    path = _module(tmp_path, "posonly", (
        "def scale(x, /, factor=2):\n    return x * factor\n\n\n"
        "@sfn.workflow\n"
        "def w(x):\n"
        "    return [scale(x), scale(x, 3)]\n"))
    diff.agree(WorkflowTester(path, "w"), {"x": 4})


def test_positional_only_workflow_parameters_are_refused(tmp_path):
    path = _module(tmp_path, "posonly_wf", (
        "def scale(x):\n    return x * 2\n\n\n"
        "@sfn.workflow\n"
        "def w(x, /):\n"
        "    return scale(x)\n"))
    _refused(path, "w", "posonly_wf.py:9:7", "x")


def test_rebinding_a_step_is_refused(tmp_path):
    path = _module(tmp_path, "rebound", (
        "def a(x):\n    return x + 1\n\n\n"
        "def b(x, y=10):\n    return x + y\n\n\n"
        "a = b\n\n\n"
        "@sfn.workflow\n"
        "def w(x):\n"
        "    return a(x)\n"))
    _refused(path, "w", "rebound.py:12:1", "a")


def test_rebinding_the_pyawssfn_name_is_refused(tmp_path):
    path = _module(tmp_path, "sfn_rebound", (
        "import json\n\n"
        "def a(x):\n    return x + 1\n\n\n"
        "sfn = json\n\n\n"
        "@sfn.workflow\n"
        "def w(x):\n"
        "    return a(x)\n"))
    _refused(path, "w", "sfn_rebound.py:10:1", "sfn")


def test_a_step_calling_its_workflow_is_refused(tmp_path):
    path = _module(tmp_path, "recursive", (
        "def a(x):\n    return w(x - 1) if x > 0 else 0\n\n\n"
        "@sfn.workflow\n"
        "def w(x):\n"
        "    return a(x)\n"))
    _refused(path, "w", "recursive.py:5:12", "workflow")


def test_callback_failure_named_after_a_class_with_init(diff):
    # The machine's cause is what SendTaskFailure sent; plain Python must not run NotFound's __init__ on it again.
    t = diff.tester(MODULE, "callback_fails_with_built_class", fresh=True)
    t.callback("ask", error="NotFound", cause="no k")
    py, machine = diff.agree(t, {"k": "k"}, check_direct=False)
    assert machine.output == ["caught", "no k"]


def test_a_tuple_a_step_returns_is_refused_where_it_shows(diff, tmp_path):
    """A step's result crosses JSON on AWS (and in the plain-Python run): a tuple it returns is a list there, while
    plain CPython hands the workflow the tuple itself. Where the two differ (==, in, isinstance, str) the compiler
    refuses (tests/differential/FINDINGS.md F67); converted with list(), or indexed, both agree."""
    path = tmp_path / "step_tuple.py"
    path.write_text("import pyawssfn as sfn\n\n\ndef pair(x):\n    return (x, x + 1)\n\n\n@sfn.workflow\n"
                    "def w(x):\n    p = pair(x)\n    return [p == (x, x + 1), str(p)]\n\n\n@sfn.workflow\n"
                    "def ok(x):\n    p = pair(x)\n    return [list(p) == [x, x + 1], p[1], list(p)]\n")
    with pytest.raises(CompileError) as err:
        compile_file(str(path), workflow="w")
    assert "step_tuple.py:11:13:" in str(err.value), str(err.value)
    py, machine = diff.agree(WorkflowTester(path, "ok"), {"x": 1})
    assert machine.output == [True, 2, [1, 2]]


def test_a_module_level_tuple_is_a_tuple(diff, tmp_path):
    path = tmp_path / "tuple_constant.py"
    path.write_text("import pyawssfn as sfn\n\nPAIR = (1, 2)\n\n\n@sfn.workflow\ndef w(xs):\n    y = PAIR\n"
                    "    return [PAIR == [1, 2], PAIR == (1, 2), xs == PAIR, y == (1, 2), str(PAIR), y == xs, "
                    "isinstance(PAIR, tuple)]\n\n\n@sfn.workflow\ndef mixed(xs):\n    x = PAIR if xs else [1, 2]\n"
                    "    return x == [1, 2]\n")
    for xs in ([1, 2], []):
        diff.agree(WorkflowTester(path, "w"), {"xs": xs})
    with pytest.raises(CompileError) as err:
        compile_file(str(path), workflow="mixed")
    assert "tuple_constant.py:15:12:" in str(err.value), str(err.value)


# ----------------------------------------------------------------------------------------------- 2: library classes

@pytest.mark.parametrize("text", ["{", '{"a": 1}'])
def test_retry_by_base_class_matches_a_library_subclass(diff, text):
    # json.JSONDecodeError derives from ValueError: errors=[ValueError] retries it under Python, so must the machine.
    t = diff.tester("dwf_library_errors", "retried_by_base", fresh=True)
    py, machine = diff.agree(t, {"text": text}, check_direct=False)
    assert [c.step for c in py.calls] == ["parse_retried"] * (2 if text == "{" else 1)


@pytest.mark.parametrize("text", ["{", '{"a": 1}'])
def test_except_base_class_catches_a_library_subclass(diff, text):
    py, machine = diff.agree(diff.tester("dwf_library_errors", "caught_by_base"), {"text": text})
    assert machine.output == (["caught", "JSONDecodeError"] if text == "{" else {"a": 1})


def test_except_fail_lets_a_library_error_through(diff):
    py, machine = diff.agree(diff.tester("dwf_library_errors", "fail_handler"), {"text": "{"})
    assert machine.status == "FAILED" and machine.error == "JSONDecodeError"


@pytest.mark.parametrize("option", ["timeout=0", "timeout=2.5", "heartbeat=True", "timeout='60'"])
def test_a_constant_callback_timeout_aws_does_not_take_is_refused(tmp_path, option):
    path = _module(tmp_path, "bad_timeout", (
        "def ask(token, who):\n    return None\n\n\n"
        "@sfn.workflow\n"
        "def w(who):\n"
        f"    return sfn.wait_for_callback(ask, who, {option})\n"))
    _refused(path, "w", "bad_timeout.py:10:", "whole number of seconds from 1 to 99999999")


# ----------------------------------------------------------------------------------------------- 5: sets, tuples
# `x in s` for a set s needs x hashable (Python raises TypeError for a list or a dict); the machine holds the set as
# a list and must fail the same way, not answer False.
SET_MEMBERSHIP = {
    "list_in_display": "    s = {1, 2}\n    return [1] in s",
    "dict_in_set_call": "    s = frozenset(xs)\n    return {'a': 1} not in s",
    "input_in_set": "    s = set(xs)\n    return xs in s",
    "tuple_of_list_in_set": "    s = {1}\n    return (1, xs) in s",
    "tuple_of_dict_in_dict": "    d = {'a': 1}\n    return (1, {'k': xs[0]}) in d",
    "tuple_of_scalars_in_dict": "    d = {'a': 1}\n    return [(1, xs[0]) in d, ('a',) not in d]",
    "empty_list_in_tuple": "    s = {1}\n    return (1, []) in s",
    "scalars": "    s = {1, 2, 'a'}\n    return [1 in s, 'a' in s, 3 not in s, (1,) in s, (1, 'a') in s, None in s]",
    "items_of_input": "    s = set(xs)\n    return [x in s for x in xs] + [len(s)]",
    "comprehension": "    s = {x * 2 for x in xs}\n    return [2 in s, 5 in s]",
}


@pytest.mark.parametrize("name", sorted(SET_MEMBERSHIP))
@pytest.mark.parametrize("xs", [[1, 2], [1]])
def test_membership_in_a_set_both_ways(diff, tmp_path, name, xs):
    path = tmp_path / f"set_{name}.py"
    path.write_text(f"import pyawssfn as sfn\n\n\n@sfn.workflow\ndef w(xs):\n{SET_MEMBERSHIP[name]}\n")
    py, machine = diff.agree(WorkflowTester(path, "w"), {"xs": xs})  # and the direct CPython call
    namespace: dict = {}
    exec(f"def w(xs):\n{SET_MEMBERSHIP[name]}\n", namespace)
    try:
        expected = namespace["w"](list(xs))
    except TypeError:
        assert machine.status == "FAILED" and machine.error == "States.QueryEvaluationError"
    else:
        assert machine.output == expected


# What the machine cannot decide is refused at its location: a set whose items may be tuples, `in` a set of a value
# that may be a list or a tuple holding one, a tuple nested in a tuple compared at that depth with a list.
UNDECIDABLE_SETS = {
    "set_of_zip_items": ("    pairs = list(zip(xs, xs))\n    s = set(pairs)\n    return len(s)", "7:9", "set of tuples"),
    "set_of_maybe_tuple": ("    t = (1, 2) if xs else 3\n    return len({t})", "7:16", "set of tuples"),
    "maybe_list_in_set": ("    t = (1,) if xs else [1]\n    return t in {1}", "7:12", "like with like"),
    "nested_tuple_in_set": ("    return ((1,), 2) in {1}", "6:12", "hashable"),
    "nested_tuple_item": ("    a = [((1, 2),)]\n    b = a[0]\n    return b[0] == [1, 2]", "8:12", "like with like"),
    "nested_in_loop": ("    a = [((1, 2),)]\n    return [p[0] == [1, 2] for p in a]", "7:13", "like with like"),
    "nested_depth_two": ("    a = [[(1, 2)]]\n    return a == [[[1, 2]]]", "7:12", "like with like"),
    "tuple_in_tuple": ("    t = ((1, 2), 3)\n    return t[0] == [1, 2]", "7:12", "like with like"),
}


@pytest.mark.parametrize("name", sorted(UNDECIDABLE_SETS))
def test_undecidable_sets_and_nested_tuples_are_refused(tmp_path, name):
    body, where, instead = UNDECIDABLE_SETS[name]
    path = tmp_path / "undecidable_sets.py"
    path.write_text(f"import pyawssfn as sfn\n\n\n@sfn.workflow\ndef w(xs):\n{body}\n")
    with pytest.raises(CompileError) as err:
        compile_file(str(path))
    assert f"undecidable_sets.py:{where}:" in str(err.value) and instead in str(err.value), str(err.value)


# ----------------------------------------------------------------------------------------------- 6: StringMatches

@pytest.mark.parametrize("s", ["a\\b", "ab", "a\\xyz", "a*b", "a*", "a\\"])
def test_string_matches_with_escapes_both_ways(diff, tmp_path, s):
    # One implementation of ASL's wildcard (semantics/wildcard.py) for the predicate in a condition and in a value;
    # a backslash before [\s\S]* is written \x5c (JSONata 2.0.6's regex scanner failed on "\\" there).
    path = tmp_path / "matches.py"
    path.write_text("import pyawssfn as sfn\n\n\n@sfn.workflow\ndef w(s):\n    out = []\n"
                    "    if sfn.StringMatches(s, 'a\\\\*'):\n        out.append('backslash star')\n"
                    "    if sfn.StringMatches(s, 'a\\\\\\\\*'):\n        out.append('backslash then any')\n"
                    "    if sfn.StringMatches(s, 'a\\\\b'):\n        out.append('a backslash b')\n"
                    "    return [out, sfn.StringMatches(s, 'a\\\\\\\\*')]\n")
    diff.agree(WorkflowTester(path, "w"), {"s": s})


@pytest.mark.parametrize("text", ["1", "0", "x"])
def test_except_library_base_class_catches_its_subclasses(diff, text):
    # decimal.DecimalException: 1/0 raises DivisionByZero, 0/0 DivisionUndefined, "x" InvalidOperation.
    py, machine = diff.agree(diff.tester("dwf_library_errors", "caught_by_library_base"), {"text": text},
                             check_direct=False)
    assert machine.output[0] == "caught" and machine.output[1] != "DecimalException"


# ----------------------------------------------------------------------------------------------- any()/all()
# A generator given to any()/all() is consumed only until an item decides: the items after it (which may raise) are
# never evaluated, both ways.
SHORT_CIRCUIT = {
    "any_stops": "    return any(10 // x > 1 for x in xs)",
    "all_stops": "    return all(10 // x > 20 for x in xs)",
    "any_with_if": "    return any(10 // x for x in xs if x != 5)",
    "all_nested": "    return all(10 // y > 0 for x in [xs, xs] for y in x)",
    "any_unpack": "    return any(a // b for a, b in zip(xs, [1, 0, 0]))",
    "any_none": "    return [any(x > 9 for x in xs), all(x > -9 for x in xs), any(x for x in []), all(x for x in [])]",
}


@pytest.mark.parametrize("name", sorted(SHORT_CIRCUIT))
@pytest.mark.parametrize("xs", [[1, 0], [0, 1], [5, 0], [2, 2]])
def test_any_all_of_a_generator_stop_where_python_does(diff, tmp_path, name, xs):
    path = tmp_path / f"short_{name}.py"
    path.write_text(f"import pyawssfn as sfn\n\n\n@sfn.workflow\ndef w(xs):\n{SHORT_CIRCUIT[name]}\n")
    diff.agree(WorkflowTester(path, "w"), {"xs": xs})  # and the direct CPython call
