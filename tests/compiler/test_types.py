"""Static types from annotations (compiler/types/) and the step boundary that makes them hold (_step_types.py)."""
from __future__ import annotations

import ast
import dataclasses
import typing
from typing import Any, Optional, TypedDict

import pytest

from pyawssfn._step_types import check_result
from pyawssfn.compiler.types import AnnotationReader, step_result_types
from pyawssfn.compiler.types.model import Type, join, same


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
    ("Optional[int]", "?"), ("int | None", "?"), ("Any", "?"), ("object", "?"), ("tuple[int, int]", "?"),
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
    (int, True, "a bool"), (int, 2.0, "a float"), (int, 2 ** 53 + 1, "an int"), (str, 1, "an int"),
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
    assert ex.cause == "step get_rec returned no key 'size', not what its return annotation Rec says"


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
    assert (ex.error, ex.cause) == ("TypeError", "step get_counts returned str at ['a'], not what its return "
                                                 "annotation dict[str, int] says")
