"""Each construct of the language run as plain Python and as the compiled machine, on passing and failing inputs.

The expected value is the direct CPython call of the workflow (conftest.direct), never written in by hand."""
from __future__ import annotations

import pytest


# (module, workflow, inputs): every input runs both ways and against the direct call.
CASES = [
    ("dwf_calls_exprs", "step_arguments", [{"x": 1, "name": "bo"}, {"x": -3, "name": ""}]),
    ("dwf_calls_exprs", "star_arguments", [{"x": 2}]),
    ("dwf_calls_exprs", "arithmetic", [{"a": 7, "b": 3}, {"a": -7, "b": 3}, {"a": 7, "b": -3}, {"a": 5, "b": 0},
                                        {"a": 2.5, "b": 0.5}]),
    ("dwf_calls_exprs", "strings", [{"s": "abcde", "n": 2}, {"s": "Banana", "n": 0}, {"s": "", "n": 1}]),
    ("dwf_calls_exprs", "lists", [{"xs": [3, 1, 2], "i": 1}, {"xs": [1], "i": -1}, {"xs": [1], "i": 5},
                                   {"xs": [], "i": 0}]),
    ("dwf_calls_exprs", "dicts", [{"d": {"a": 1, "b": 2}, "k": "b"}, {"d": {"a": 1}, "k": "q"}]),
    ("dwf_calls_exprs", "logic", [{"a": 0, "b": 5}, {"a": "", "b": "x"}, {"a": [0], "b": None},
                                   {"a": {}, "b": []}, {"a": True, "b": 1}, {"a": None, "b": False},
                                   {"a": 2.0, "b": {"k": 1}}]),
    ("dwf_calls_exprs", "conversions", [{"x": 2.675, "s": "12"}, {"x": 2.5, "s": "-3"}, {"x": -3.7, "s": "0"},
                                         {"x": 7, "s": "x"}]),
    ("dwf_calls_exprs", "predicates", [{"s": "abc", "n": 5}, {"s": "axe", "n": True}, {"s": "zz", "n": "7"},
                                        {"s": "2026-01-01T00:00:00Z", "n": 1}]),
    ("dwf_control", "branches", [{"x": -5}, {"x": 0}, {"x": 3}, {"x": 50}, {"x": 150}]),
    ("dwf_control", "while_loop", [{"n": 5, "stop": 99, "skip": 2}, {"n": 6, "stop": 4, "skip": 0},
                                    {"n": 0, "stop": 0, "skip": 0}]),
    ("dwf_control", "while_return", [{"n": 3}, {"n": 9}]),
    ("dwf_control", "for_list", [{"xs": [1, 2, 3], "stop": 9}, {"xs": [1, 3, 5, 7], "stop": 5},
                                  {"xs": [], "stop": 0}]),
    ("dwf_control", "for_range", [{"n": 4, "step": 2}, {"n": 0, "step": 1}, {"n": 5, "step": 0}]),
    ("dwf_control", "for_dicts", [{"d": {"a": 1, "b": 2}}, {"d": {"x": None, "y": 3}}, {"d": {}}]),
    ("dwf_control", "nested_loops", [{"rows": [["a", "b"], ["c", "x"], ["x"]]}, {"rows": [[], ["a"]]}]),
    ("dwf_control", "return_in_for", [{"xs": [1, 5, 9]}, {"xs": [0, 1]}]),
    ("dwf_errors", "raises", [{"kind": k} for k in ("fail", "fail_expr", "module", "builtin", "ok", "notfound",
                                                    "key", "fail")]),
    ("dwf_errors", "handlers", [{"kind": k} for k in ("ok", "notfound", "invalid", "other", "key", "index",
                                                      "value", "fail")]),
    ("dwf_errors", "base_catches", [{"kind": k} for k in ("ok", "invalid", "notfound", "value", "fail")]),
    ("dwf_errors", "reraise", [{"kind": k} for k in ("ok", "invalid", "notfound", "other")]),
    ("dwf_errors", "raise_in_handler", [{"kind": k} for k in ("ok", "notfound", "fail", "invalid")]),
    ("dwf_errors", "raise_in_try", [{"n": 1}, {"n": 3}]),
    ("dwf_errors", "finally_paths", [{"xs": ["a", "skip", "b"]}, {"xs": ["a", "stop", "b"]},
                                      {"xs": ["a", "ret", "b"]}, {"xs": ["a", "invalid"]}]),
    ("dwf_errors", "finally_reraises", [{"kind": "ok"}, {"kind": "invalid"}, {"kind": "other"}]),
    ("dwf_errors", "expression_errors", [{"d": {"a": 1}, "k": "a"}, {"d": {"a": 1}, "k": "b"}]),
    ("dwf_concurrency", "parallel_defs", [{"text": "a short example", "n": 1}, {"text": "xyz", "n": 0}]),
    ("dwf_concurrency", "parallel_single", [{"n": 3}, {"n": 13}]),
    ("dwf_concurrency", "parallel_failure", [{"n": 2}, {"n": 13}]),
    ("dwf_concurrency", "map_api", [{"xs": [1, 2, 3]}, {"xs": []}, {"xs": [1, 13]}]),
    ("dwf_concurrency", "map_tolerated", [{"xs": [1, 13, 2]}, {"xs": [13, 13]}]),
    ("dwf_concurrency", "comprehension", [{"xs": [1, 5, 3], "limit": 4}, {"xs": [], "limit": 0},
                                          {"xs": [13], "limit": 0}]),
    ("dwf_concurrency", "map_caught", [{"xs": [1, 2]}, {"xs": [2, 13]}]),
    ("dwf_data", "mutation", [{"n": 1, "key": "k"}, {"n": 2, "key": "n"}]),
    ("dwf_data", "augmented", [{"a": 7, "s": "x"}, {"a": -4, "s": ""}]),
    ("dwf_data", "unpacking", [{"pair": [1, 2], "triple": [0, 1, 2]}, {"pair": [1], "triple": [0, 1, 2]},
                               {"pair": ["a", "b"], "triple": [0, 1]}]),
    ("dwf_timing", "child", [{"x": 1}, {"x": 20}]),
    ("dwf_timing", "parent", [{"x": 2}, {"x": 10}]),
    ("dwf_timing", "parent_catches", [{"x": 2}, {"x": 11}]),
]

# (module, workflow, index of the input) -> reason: disagreements found and recorded in FINDINGS.md.
KNOWN = {}


def _params():
    for module, workflow, inputs in CASES:
        for i, inp in enumerate(inputs):
            reason = KNOWN.get((module, workflow, i))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(module, workflow, inp, id=f"{workflow}-{i}", marks=marks)


@pytest.mark.parametrize("module,workflow,inp", list(_params()))
def test_construct(diff, module, workflow, inp):
    diff.agree(diff.tester(module, workflow), inp)
