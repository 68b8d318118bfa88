"""State and variable names: readable, unique, at most 80 characters, stable."""
from __future__ import annotations

from pyawssfn.compiler import compile_source
from pyawssfn.compiler.naming import VariableNames, unique_state_names

from .conftest import all_states, checked


def test_unique_names_only_get_line_numbers_when_shared():
    names = unique_state_names([("a", "step", 3), ("b", "other", 4), ("c", "step", 9), ("d", "step", 9)])
    assert names == {"a": "step @3", "b": "other", "c": "step @9", "d": "step @9.2"}


def test_long_names_are_cut_to_80_characters():
    long = "x" * 200
    names = unique_state_names([("a", long, 1), ("b", long, 2)])
    assert all(len(n) <= 80 for n in names.values()) and len(set(names.values())) == 2


def test_variable_names_avoid_asl_and_jsonata_names():
    v = VariableNames(set())
    assert v.for_python("text") == "text"
    assert v.for_python("states") != "states"
    assert v.for_python("count") not in ("count",)
    assert v.for_python("__x") != "__x"
    first = v.fresh("seq")
    assert first != v.fresh("seq")


def test_names_come_from_the_source_and_are_stable():
    src = '''import pyawssfn as sfn

def get_summary(text):
    return text

@sfn.workflow
def wf(text):
    summary = get_summary(text)
    for word in summary:
        get_summary(word)
    if summary["head"] == "a":
        return summary
    return None
'''
    res = compile_source(src, "wf.py")
    checked(res.definition)
    names = [n for n, _ in all_states(res.definition)]
    # the loop's exit Choice took over the if's rules (one Choice entered, not two)
    assert names == ["get_summary @8", "for word in summary", "get_summary @10",
                     "return summary", "return None"]
    assert res.source_map["for word in summary"] == 9
    assert compile_source(src, "wf.py").to_json() == res.to_json()


def test_a_long_name_is_cut_after_a_whole_word():
    from pyawssfn.compiler.naming import describe_source
    cond = "PSF.StringEquals(summary['head'], 'a') or PSF.StringEquals(summary['head'], 'b')"
    assert describe_source(cond, 48) == "PSF.StringEquals(summary['head'], 'a') or ..."
    # no word boundary in the second half: cut where the limit falls
    assert describe_source("x" * 100, 20) == "x" * 17 + "..."
    assert describe_source("short one", 20) == "short one"
    assert all(len(describe_source(cond, n)) <= n for n in range(8, 90))
