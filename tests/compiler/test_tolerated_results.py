"""What a distributed Map that tolerates failures gives sfn.map's caller: each failed item's error output with the
step's message as Cause (the errorMessage of a Lambda error's JSON Cause; any other Cause, such as a Lambda service
error's text, as it is), every other result as it is, each one item of the list (lists too)."""
from __future__ import annotations

import json

import pytest

from pyawssfn.compiler.lower.maps import tolerated_results
from pyawssfn.jsonata.engine import evaluate
from pyawssfn.jsonata.printer import to_text

LAMBDA_CAUSE = json.dumps({"errorMessage": "order 7: bad quantity", "errorType": "BadRow", "stackTrace": []})
CASES = [
    ([], []),
    ([{"order": 1}], [{"order": 1}]),
    ([{"order": 1}, {"Error": "BadRow", "Cause": LAMBDA_CAUSE}],
     [{"order": 1}, {"Error": "BadRow", "Cause": "order 7: bad quantity"}]),
    ([{"Error": "Lambda.TooManyRequestsException", "Cause": "Rate Exceeded."}],
     [{"Error": "Lambda.TooManyRequestsException", "Cause": "Rate Exceeded."}]),
    ([{"Error": "States.Timeout", "Cause": '{"other": 1}'}], [{"Error": "States.Timeout", "Cause": '{"other": 1}'}]),
    ([{"Error": "E", "Cause": 5}, None], [{"Error": "E", "Cause": 5}, None]),
    ([{"Error": "E", "Cause": "x", "more": 1}], [{"Error": "E", "Cause": "x", "more": 1}]),
]
LISTS = [([[1, 2]], [[1, 2]]), ([[1, 2], 3, []], [[1, 2], 3, []]), ([[{"Error": "E", "Cause": "c"}]],
                                                                     [[{"Error": "E", "Cause": "c"}]])]


def _run(step_type, results):
    return evaluate(to_text(tolerated_results(step_type)), states={"result": results})


@pytest.mark.parametrize("results,expected", CASES)
@pytest.mark.parametrize("step_type", ["dict", None])
def test_failed_items_read_as_sfn_map_gives_them(step_type, results, expected):
    assert _run(step_type, results) == expected


@pytest.mark.parametrize("results,expected", LISTS)
def test_a_step_of_unknown_result_type_keeps_each_list_one_item(results, expected):
    assert _run(None, results) == expected


def test_the_shape_depends_on_the_step_result_type():
    assert to_text(tolerated_results("dict")).startswith("[$map(")
    assert to_text(tolerated_results("list")).startswith("$reduce(")
    assert to_text(tolerated_results(None)).startswith("$reduce(")
