"""Lists built from values of known static type agree both ways, including the cases where a value is itself a
list (JSONata's array constructors flatten a list-valued item unless it is wrapped) or is one item of one."""
from __future__ import annotations

import json

import pytest

from pyawssfn.compiler import compile_file

APPENDS = [{"xs": [1], "rows": [[2, 3]], "s": "a", "d": {"k": 1}, "t": [4], "u": [[5]]},
           {"xs": [], "rows": [], "s": "", "d": {}, "t": None, "u": 7},
           {"xs": [1, 2], "rows": [[]], "s": "b", "d": {"a": 2}, "t": [], "u": []}]


@pytest.mark.parametrize("inp", APPENDS)
def test_appends(diff, inp):
    diff.agree(diff.tester("dwf_typed_lists", "appends"), inp)


@pytest.mark.parametrize("inp", [{"xs": [3]}, {"xs": []}, {"xs": [1, 2, 3]}])
def test_map_results_in_lists(diff, inp):
    diff.agree(diff.tester("dwf_typed_lists", "map_results"), inp)


@pytest.mark.parametrize("inp", [{"xs": [1], "s": "a", "d": {}, "u": [[2]]}, {"xs": [], "s": "", "d": {"k": 1}, "u": 3}])
def test_pure_appends(diff, inp):
    diff.agree(diff.tester("dwf_typed_lists", "appends_pure"), inp)


def test_no_type_test_where_the_type_decides(diff):
    text = json.dumps(compile_file(diff.workflows / "dwf_typed_lists.py", workflow="appends_pure").definition)
    # `u` (unannotated) is the one value of unknown type: `out.append(u)` and the display's `(d, u)` test it
    assert text.count('= \\"array\\" ? [[') == 2, text


@pytest.mark.parametrize("inp", [{"rows": [[1, 2], [], [3]], "d": {"x": 1, "y": 2}, "s": "abc", "tag": "q"},
                                 {"rows": [[[4]]], "d": {}, "s": "", "tag": 1},
                                 {"rows": [0, None, {"k": [1]}], "d": {"x": 0}, "s": "aa", "tag": None},
                                 {"rows": 5, "d": {}, "s": "", "tag": ""}])
def test_filtered_comprehension_maps(diff, inp):
    """The Map's Items are the kept items themselves, each one item even when it is a list."""
    diff.agree(diff.tester("dwf_typed_lists", "filtered_maps"), inp)


@pytest.mark.parametrize("inp", [{"d": {}, "k": "z"}, {"d": {"a": [1]}, "k": "a"}, {"d": [], "k": "z"},
                                 {"d": 5, "k": "z"}, {"d": None, "k": "b"}])
def test_a_dict_changed_before_is_not_tested_again(diff, inp):
    """After `d["a"] = 1` the value is a dict: the later changes and reads of it test it no more."""
    diff.agree(diff.tester("dwf_typed_lists", "dict_updates"), inp)
    text = json.dumps(compile_file(diff.workflows / "dwf_typed_lists.py", workflow="dict_updates").definition)
    # d tested once (in the entry's first state and where the Output computes it again) and d["b"], a value read
    # back from the dict, once: not after each of the four changes and three reads
    assert text.count('\\"object\\"') == 3, text


@pytest.mark.parametrize("inp", [{"xs": [1, 2, 3], "rows": [[1], [2, 3], []], "s": "héllo", "u": [[1], 2], "n": 1},
                                 {"xs": [], "rows": [], "s": "", "u": "abc", "n": 5},
                                 {"xs": [4], "rows": [[[5]]], "s": "x", "u": [], "n": 0}])
def test_slices_of_known_lists_and_strings(diff, inp):
    diff.agree(diff.tester("dwf_typed_lists", "slices"), inp)
    text = json.dumps(compile_file(diff.workflows / "dwf_typed_lists.py", workflow="slices").definition)
    # only the slices of u, whose type is not known, test for a string (u[1:] its length and its slice, u[::-1])
    assert text.count('\\"string\\" ?') == 3, text


def test_a_step_result_appended_is_typed_by_the_step_annotation(diff):
    """out.append(pair(2)) of a step `-> list[int]` wraps it as one item, out.append(name(3)) of `-> str` adds it:
    no type test (the step boundary holds each step to its annotation); an unannotated step's result is tested."""
    text = json.dumps(compile_file(diff.workflows / "dwf_typed_lists.py", workflow="appends").definition)
    assert "[[$states.result.Payload]]" in text and "$append($out, [$states.result.Payload])" in text
    # only t and u (Optional, unannotated: in out's appends, where the entry's first state also computes them, and
    # the display) and anything()'s two results are tested; pair()'s and name()'s are not
    assert text.count('$type($__1) = \\"array\\" ? [[$__1]]') == 7
