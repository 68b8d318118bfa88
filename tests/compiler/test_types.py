"""Static types from annotations (compiler/types/) and the step boundary that makes them hold (_step_types.py)."""
from __future__ import annotations

import ast
import dataclasses
import json
import typing
from typing import Any, Optional, TypedDict

import pytest

from pyawssfn._step_types import check_result
from pyawssfn.compiler.types import AnnotationReader, step_result_types
from pyawssfn.compiler.static_types import assigned_names, infer_name_types, narrowing
from pyawssfn.compiler.types.model import Maybe, Type, describe, join, same


def _read(module_src: str, annotation: str) -> str:
    reader = AnnotationReader(ast.parse(module_src))
    t = reader.type_of(ast.parse(annotation, mode="eval").body)
    return "?" if t is None else t.describe()


_MODULE = '''
from typing import Any, Dict, List, NotRequired, Optional, Required, TypedDict
import typing
from dataclasses import dataclass

class Job(TypedDict):
    job_id: str
    rows: int
    note: NotRequired[str]

class Loose(TypedDict, total=False):
    a: int
    b: Required[list[str]]

@dataclass
class Point:
    x: int
    y: "float"
'''


@pytest.mark.parametrize("annotation, expected", [
    ("int", "int"), ("str", "str"), ("bool", "bool"), ("None", "none"),
    ("float", "?"),                  # 2.0 from a step is 2 in both runs: not a float at run time
    ("list[int]", "list[int]"), ("List[str]", "list[str]"), ("typing.List[bool]", "list[bool]"),
    ("dict[str, int]", "dict[str, int]"), ("Dict[str, Any]", "dict"), ("dict", "dict"), ("list", "list"),
    ("Job", "{'job_id': str, 'rows': int, 'note'?: str}"),
    ("Loose", "{'a'?: int, 'b': list[str]}"),
    ("Point", "{'x': int, 'y': ?}"),
    ("list[Job]", "list[{'job_id': str, 'rows': int, 'note'?: str}]"),
    ("'dict[str, str]'", "dict[str, str]"),
    ("Optional[int]", "Optional[int]"), ("int | None", "Optional[int]"), ("typing.Union[None, Job]",
     "Optional[{'job_id': str, 'rows': int, 'note'?: str}]"), ("int | str", "?"), ("Optional[float]", "?"),
    ("Any", "?"), ("object", "?"), ("tuple[int, int]", "?"),
])
def test_annotation_types(annotation, expected):
    assert _read(_MODULE, annotation) == expected


def test_a_module_name_shadowing_a_builtin_or_a_typing_import_is_not_trusted():
    assert _read("int = 3\n", "int") == "?"
    assert _read("class List: pass\n", "List[int]") == "?"      # not typing's List
    assert _read("from typing import List\n", "List[int]") == "list[int]"


def test_step_result_types_from_return_annotations():
    tree = ast.parse("def a() -> dict[str, int]: ...\ndef b(): ...\ndef c() -> Optional[str]: ...\n")
    steps = {f.name: f for f in tree.body}
    assert {k: v.describe() for k, v in step_result_types(tree, steps).items()} == {"a": "dict[str, int]"}


def test_types_join_structurally():
    job = Type("dict", None, {"a": (Type("int"), True), "b": (Type("str"), True)})
    other = Type("dict", None, {"a": (Type("int"), False), "c": (Type("str"), True)})
    assert join(job, job) is job
    assert join(job, other).describe() == "{'a'?: int}"
    assert join(Type("list", Type("int")), Type("list", Type("str"))).describe() == "list"
    assert join(Type("int"), Type("str")) is None
    assert not same(Type("dict"), job) and Type("dict") == job  # equal as kinds, not as types


def test_none_joins_into_optional():
    assert join(Type("none"), Type("int")).describe() == "Optional[int]"
    assert join(Maybe(Type("str")), Type("str")).describe() == "Optional[str]"
    assert join(Maybe(Type("str")), Type("int")) is None
    assert join(Type("none"), Type("none")) == "none"


def _step_typed(body: str, steps: dict) -> dict:
    from pyawssfn.compiler.expressions import ExpressionTranslator

    fn = ast.parse("def w(a):\n" + "".join("    " + line + "\n" for line in body.splitlines())).body[0]
    probe = ExpressionTranslator(lambda n: "$" + n.id, lambda *a: None)

    def static_type(expr, name_type):
        probe.name_type = name_type
        return probe.static_type(expr)

    return {k: describe(v) for k, v in infer_name_types(fn, static_type, {}, steps).items()}


REC = Type("dict", None, {"name": (Type("str"), True)})


@pytest.mark.parametrize("body, expected", [
    ("r = get()", {"r": "{'name': str}"}),
    ("r = get()\nr = get()", {"r": "{'name': str}"}),
    ("r = get()\nr = {}", {"r": "dict"}),                             # both dicts, the keys of neither
    ("r = get()\nr['name'] = 1", {"r": "dict"}),                      # changed in place: only the kind holds
    ("r = get()\nr.pop('name')", {"r": "dict"}),
    ("r = None\nif a:\n    r = get()", {"r": "Optional[{'name': str}]"}),
    ("r = get()\nr = 1", {}),
    ("get = 1\nr = get()", {"get": "int"}),                          # a local name, not the step
])
def test_step_results_take_the_steps_return_type(body, expected):
    assert _step_typed(body, {"get": REC}) == expected


@pytest.mark.parametrize("test, types, yes, no", [
    ("x is None", {"x": Maybe(REC)}, {"x": "none"}, {"x": "{'name': str}"}),
    ("x is not None", {"x": Maybe(REC)}, {"x": "{'name': str}"}, {"x": "none"}),
    ("not (x is not None)", {"x": Maybe(REC)}, {"x": "none"}, {"x": "{'name': str}"}),
    ("x", {"x": Maybe(REC)}, {"x": "{'name': str}"}, {}),
    ("isinstance(y, str)", {}, {"y": "str"}, {}),
    ("isinstance(y, int)", {}, {}, {}),                                 # a JSON true is an int to Python
    ("isinstance(y, dict)", {"y": Type("list")}, {}, {}),
    ("isinstance(x, dict)", {"x": Maybe(REC)}, {"x": "{'name': str}"}, {}),
    ("x is not None and isinstance(y, list)", {"x": Maybe(REC)}, {"x": "{'name': str}", "y": "list"}, {}),
    ("x is None or y is None", {"x": Maybe(REC), "y": Maybe(Type("int"))}, {}, {"x": "{'name': str}", "y": "int"}),
    ("x == None", {"x": Maybe(REC)}, {}, {}),                          # == may be any __eq__: not narrowed
])
def test_narrowing(test, types, yes, no):
    got = narrowing(ast.parse(test, mode="eval").body, types.get)
    assert tuple({k: v.describe() for k, v in d.items()} for d in got) == (yes, no)


def test_a_branch_that_rebinds_or_changes_a_name_keeps_no_narrowing_of_it():
    body = ast.parse("a = 1\nb['k'] = 2\nc.append(1)\nfor i in r:\n    pass\nprint(d)").body
    assert assigned_names(body) == {"a", "b", "c", "i"}


# ----------------------------------------------------------------------------------------------- the run-time check
class Rec(TypedDict):
    name: str
    size: int


class Part(TypedDict, total=False):
    tag: str


@dataclasses.dataclass
class Pt:
    x: int
    y: float


def _fn(annotation):
    def step():
        pass
    step.__annotations__ = {"return": annotation}
    return step


@pytest.mark.parametrize("annotation, value", [
    (int, 3), (float, 3), (float, 2.5), (str, "s"), (bool, False), (None, None), (list[int], [1, 2]),
    (list[int], (1, 2)), (dict[str, list[str]], {"a": ["x"]}), (Rec, {"name": "n", "size": 1, "extra": 0}),
    (Part, {}), (Optional[int], None), (int | str, "s"), (Any, object()), (list[Rec], [{"name": "n", "size": 2}]),
    (Pt, {"x": 1, "y": 2}), ("dict[str, int]", {"a": 1}), (typing.Literal["a"], "b"),
])
def test_results_matching_their_annotation_pass(annotation, value):
    assert check_result("s", _fn(annotation), value) is value


@pytest.mark.parametrize("annotation, value, problem", [
    (int, True, "a bool"), (int, 2.0, "a float"), (int, 2 ** 53 + 1, "an int beyond 2**53 (JSON numbers hold it inexactly)"), (str, 1, "an int"),
    (bool, 0, "an int"), (None, 0, "an int"), (list[int], {"a": 1}, "a dict"), (list[int], [1, "x"], "str at [1]"),
    (dict[str, int], [], "a list"), (dict[str, int], {"k": None}, "None at ['k']"),
    (Rec, {"name": "n"}, "no key 'size'"), (Rec, {"name": "n", "size": "1"}, "str at ['size']"),
    (Part, {"tag": 1}, "int at ['tag']"), (Optional[int], "s", "a str"), (Pt, {"x": 1}, "no key 'y'"),
    (list[Rec], [{"name": "n", "size": 1}, {"size": 1}], "no key 'name' at [1]"),
])
def test_results_breaking_their_annotation_raise_type_error(annotation, value, problem):
    with pytest.raises(TypeError) as info:
        check_result("get_it", _fn(annotation), value)
    assert str(info.value).startswith(f"step get_it returned {problem}, not what its return annotation ")


def test_unannotated_and_unresolvable_annotations_are_not_checked():
    def plain():
        pass
    assert check_result("s", plain, object()) is not None
    assert check_result("s", _fn("NoSuchName"), 5) == 5


_STEPS = '''
import pyawssfn as sfn
from typing import TypedDict


class Rec(TypedDict):
    name: str
    size: int


def get_rec(n: int) -> Rec:
    return {"name": "r", "size": n} if n >= 0 else {"name": "r"}


def get_counts(n: int) -> dict[str, int]:
    return {"a": n} if n >= 0 else ["not", "a", "dict"]
'''


def test_a_step_breaking_its_annotation_fails_both_runs_the_same_way(both):
    b = both(_STEPS + '''

@sfn.workflow
def w(n: int):
    rec = get_rec(n)
    counts = get_counts(n)
    return [rec["size"], counts["a"]]
''')
    assert b.check({"n": 2}).output == [2, 2]
    ex = b.check({"n": -1})
    assert ex.error == "TypeError"
    assert json.loads(ex.cause)["errorMessage"] == "step get_rec returned no key 'size', not what its return " \
                                                   "annotation Rec says"  # uncaught: Lambda's error JSON


def test_the_mismatch_is_caught_as_a_type_error_in_both_runs(both):
    b = both(_STEPS + '''

@sfn.workflow
def w(n: int):
    try:
        counts = get_counts(n)
    except TypeError as e:
        return "caught: " + str(e)
    return counts["a"]
''')
    assert b.check({"n": 1}).output == 1
    out = b.check({"n": -1}).output
    assert out == "caught: step get_counts returned a list, not what its return annotation dict[str, int] says"


def test_a_test_double_is_held_to_the_real_steps_annotation(both):
    from pyawssfn.testing import WorkflowTester

    b = both(_STEPS + '''

@sfn.workflow
def w(n: int):
    return get_counts(n)["a"]
''')
    tester = WorkflowTester(b.path, definition=b.result.definition).mock_step("get_counts", returns={"a": "x"})
    ex = b.check({"n": 1}, tester)
    assert (ex.error, json.loads(ex.cause)["errorMessage"]) == (
        "TypeError", "step get_counts returned str at ['a'], not what its return annotation dict[str, int] says")


# ------------------------------------------------------------------------------------------- the guards types remove
_TYPED = '''
import pyawssfn as sfn
from typing import NotRequired, Optional, TypedDict


class Rec(TypedDict):
    name: str
    size: int
    note: NotRequired[str]


def get_rec(n: int) -> Rec:
    if n == 7:
        return {"name": "r", "size": n, "note": "seven"}
    return {"name": "r" * (n % 3 + 1), "size": n}


def maybe_rec(n: int) -> Optional[Rec]:
    return None if n < 0 else {"name": "m", "size": n}


def counts(n: int) -> dict[str, int]:
    return {"a": n, "b": n + 1}
'''


def _expressions(definition: dict) -> str:
    from tests.compiler.conftest import all_states
    return "\n".join(json.dumps(st) for _, st in all_states(definition))


def test_a_typed_step_result_needs_no_type_test_and_no_test_of_a_required_key(both):
    b = both(_TYPED + '''

@sfn.workflow
def w(n: int):
    rec = get_rec(n)
    cnt = counts(n)
    out = f"{rec['name']} has {rec['size']} and {cnt['a']}"
    if rec["size"] > 3:
        out = out + "!"
    return [out, cnt["b"] + 1]
''')
    text = _expressions(b.result.definition)
    assert "$type($rec)" not in text and "$type($cnt)" not in text
    assert "KeyError: 'name'" not in text and "KeyError: 'size'" not in text
    assert "KeyError: 'a'" in text                          # a dict[str, int] may lack any key
    assert "$__repr" not in text                            # str and int values print without the general repr
    for n in (0, 2, 5):
        b.check({"n": n})


def test_an_optional_key_keeps_its_key_error(both):
    b = both(_TYPED + '''

@sfn.workflow
def w(n: int):
    rec = get_rec(n)
    return rec["note"]
''')
    assert "KeyError: 'note'" in _expressions(b.result.definition)
    assert b.check({"n": 7}).output == "seven"
    assert b.check({"n": 1}).error == "States.QueryEvaluationError"


def test_is_not_none_narrows_an_optional_result(both):
    b = both(_TYPED + '''

@sfn.workflow
def w(n: int):
    rec = maybe_rec(n)
    if rec is not None:
        return rec["name"] + str(rec["size"])
    return "none"
''')
    text = _expressions(b.result.definition)
    assert "$type($rec)" not in text and "KeyError: 'name'" not in text
    assert b.check({"n": 4}).output == "m4"
    assert b.check({"n": -1}).output == "none"


def test_no_narrowing_past_a_reassignment_in_the_branch(both):
    b = both(_TYPED + '''

@sfn.workflow
def w(n: int):
    rec = maybe_rec(n)
    if rec is not None:
        rec = maybe_rec(n - 5)
        return rec["name"]
    return "none"
''')
    assert "TypeError: indices must be integers" in _expressions(b.result.definition)  # the new value: Optional
    assert b.check({"n": 6}).output == "m"
    b.check({"n": 2})                                       # None["name"]: a TypeError both ways


def test_a_result_changed_in_place_keeps_only_its_kind(both):
    b = both(_TYPED + '''

@sfn.workflow
def w(n: int):
    rec = get_rec(n)
    rec["name"] = n * 2
    return rec["name"] + 1
''')
    assert b.check({"n": 2}).output == 5                   # not the str the TypedDict said


def test_a_caught_exception_is_read_without_guards(both):
    b = both('''
import pyawssfn as sfn


def boom(n: int) -> int:
    if n > 1:
        raise ValueError(f"too big: {n}")
    return n


@sfn.workflow
def w(n: int):
    try:
        return boom(n)
    except ValueError as e:
        return "caught " + str(e) + " " + type(e).__name__
''')
    text = _expressions(b.result.definition)
    assert "$type($e)" not in text and "KeyError: 'Cause'" not in text
    assert b.check({"n": 5}).output == "caught too big: 5 ValueError"
    assert b.check({"n": 0}).output == 0


def test_the_result_of_sfn_map_is_a_list_of_the_steps_results(both):
    b = both(_TYPED + '''

@sfn.workflow
def w(ns: list[int]):
    recs = sfn.map(get_rec, ns)
    names = [r["name"] for r in recs]
    return [names, [counts(r["size"]) for r in recs]]
''')
    text = _expressions(b.result.definition)
    assert "$recs" in text and "object is not iterable" not in text  # iterated as the list it is
    b.check({"ns": [1, 2, 4]})
    b.check({"ns": []})


def test_isinstance_narrows_an_unknown_value(both):
    b = both('''
import pyawssfn as sfn


def get(n: int):
    return ["a", "b"] if n > 0 else ("x" if n == 0 else {"k": n})


@sfn.workflow
def w(n: int):
    v = get(n)
    if isinstance(v, list):
        return len(v)
    elif isinstance(v, str):
        return v + "!"
    return "other"
''')
    for n in (1, 0, -1):
        b.check({"n": n})
