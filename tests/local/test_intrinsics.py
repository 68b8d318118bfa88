"""pyawssfn.local.intrinsics: the 18 intrinsic functions, pinned to executions recorded on AWS."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import random
import re

import pytest

from pyawssfn.local.errors import StatesError
from pyawssfn.local.intrinsics import FUNCTIONS, evaluate_intrinsic, parse_intrinsic
from pyawssfn.local.jsonata_eval import evaluate_template
from pyawssfn.local.jsonpath_eval import apply_output_path, apply_payload_template, apply_result_path

from tests.conftest import shared_path, shared_path_or_none  # noqa: E402  (the shared conftest finds CI data)

# None on a bare clone (the parametrized tests below then have no cases); test_the_recorded_cases_are_found
# skips there with the reason, and in CI a missing file fails collection.
CASES_FILE = shared_path_or_none("conformance/cases.jsonl")
UUID_V4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z")


def _load_compare():
    spec = importlib.util.spec_from_file_location("conformance_compare", shared_path("conformance/compare.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cases() -> list[dict]:
    if CASES_FILE is None:
        return []
    with open(CASES_FILE, encoding="utf-8") as fh:
        cases = [json.loads(line) for line in fh]
    return [c for c in cases if c["family"] == "intrinsic_functions"]


def _single_state_cases(language: str) -> list[dict]:
    out = []
    for case in _cases():
        states = case["definition"]["States"]
        if len(states) != 1:
            continue
        (state,) = states.values()
        if language == "JSONPath" and state.get("QueryLanguage") != "JSONata" and "Parameters" in state:
            out.append(case)
        if language == "JSONata" and state.get("QueryLanguage") == "JSONata" and "Output" in state:
            out.append(case)
    return out


def _context(case: dict) -> dict:
    name = "sm-name-1"
    return {
        "Execution": {
            "Id": f"arn:aws:states:us-east-1:111111111111:execution:{name}:exec-1",
            "Name": "exec-1",
            "Input": case["input"],
            "StartTime": "2024-01-01T00:00:00.000Z",
        },
        "StateMachine": {"Id": f"arn:aws:states:us-east-1:111111111111:stateMachine:{name}", "Name": name},
        "State": {"Name": "State_0", "EnteredTime": "2024-01-01T00:00:00.000Z"},
    }


def _check_shape(case: dict, output) -> None:
    """Random numbers and UUIDs were recorded as placeholders: check the shape instead."""
    (state,) = case["definition"]["States"].values()
    value = output["FunctionResult"]
    text = json.dumps(state["Parameters"])
    if "States.UUID" in text:
        assert isinstance(value, str) and UUID_V4.match(value)
    else:
        args = case["input"]["FunctionInput"]
        assert isinstance(value, int) and int(args["fst"]) <= value < int(args["snd"])


JSONPATH_CASES = _single_state_cases("JSONPath")
JSONATA_CASES = _single_state_cases("JSONata")


def test_the_recorded_cases_are_found():
    shared_path("conformance/cases.jsonl")
    assert len(_cases()) == 102
    assert len(JSONPATH_CASES) >= 80 and len(JSONATA_CASES) >= 10


@pytest.mark.parametrize("case", JSONPATH_CASES, ids=[c["id"].split("::", 1)[1] for c in JSONPATH_CASES])
def test_recorded_intrinsic_case(case):
    compare = _load_compare()
    (state,) = case["definition"]["States"].values()
    data = case["input"]
    try:
        result = apply_payload_template(state["Parameters"], data, context=_context(case), variables={}, rng=random.Random(0))
        output = apply_output_path(apply_result_path(data, result, state.get("ResultPath", "$")), state.get("OutputPath", "$"))
    except StatesError as exc:
        verdict = compare.compare(case, "FAILED", None, exc.error, exc.cause)
        assert verdict["payload_ok"], (exc.error, exc.cause, case["expected"])
        return
    if case.get("nondeterministic"):
        _check_shape(case, output)
        return
    verdict = compare.compare(case, "SUCCEEDED", json.dumps(output))
    assert verdict["payload_ok"], (output, case["expected"])


@pytest.mark.parametrize("case", JSONATA_CASES, ids=[c["id"].split("::", 1)[1] for c in JSONATA_CASES])
def test_recorded_jsonata_function_case(case):
    compare = _load_compare()
    (state,) = case["definition"]["States"].values()
    output = evaluate_template(state["Output"], states={"input": case["input"], "context": _context(case)}, field="Output")
    verdict = compare.compare(case, "SUCCEEDED", json.dumps(output))
    assert verdict["payload_ok"], (output, case["expected"])


# ----------------------------------------------------------------------------------------------------------------
# Units


def ev(text, data=None, **kw):
    return evaluate_intrinsic(text, data if data is not None else {}, **kw)


def test_all_eighteen_functions_are_known():
    assert len(FUNCTIONS) == 18


def test_format_escapes_and_java_printing():
    assert ev("States.Format('a\\{\\}b {} \\'q\\' \\\\', 1)") == "a{}b 1 'q' \\"
    assert ev("States.Format('{} {} {} {}', null, true, 1.5, $.o)", {"o": {"a": 1, "b": [1, "x"]}}) == "null true 1.5 {a=1, b=[1, x]}"
    with pytest.raises(StatesError) as info:
        ev("States.Format('{} {}', 1)")
    assert info.value.error == "States.IntrinsicFailure"
    with pytest.raises(StatesError):
        ev("States.Format('{}', 1, 2)")


def test_paths_context_and_variables_as_arguments():
    data = {"a": {"b": [10, 20]}, "s": "x,y"}
    assert ev("States.Array($.a.b[1], $$.Execution.Name, $v.k)", data, context={"Execution": {"Name": "e"}}, variables={"v": {"k": 3}}) == [20, "e", 3]
    assert ev("States.StringSplit($.s, ',')", data) == ["x", "y"]
    assert ev("States.Array($.a.b[?(@ > 15)])", data) == [[20]]
    with pytest.raises(StatesError) as info:
        ev("States.Array($.missing)", data)
    assert info.value.error == "States.Runtime"


def test_nested_calls_and_literals():
    assert ev("States.ArrayGetItem(States.StringSplit('a-b-c', '-'), States.MathAdd(States.ArrayLength(States.Array(1, 2)), -1))") == "b"
    assert ev("States.Array('it\\'s', -1.5, 0, true, false, null)") == ["it's", -1.5, 0, True, False, None]
    assert ev("States.Array()") == []


def test_array_functions():
    assert ev("States.ArrayPartition(States.Array(1, 2, 3, 4, 5), 2)") == [[1, 2], [3, 4], [5]]
    assert ev("States.ArrayContains($.a, $.t)", {"a": [[1, 2], {"k": None}], "t": {"k": None}}) is True
    assert ev("States.ArrayContains(States.Array(1, 2), '1')") is False
    assert ev("States.ArrayContains(States.Array(true), 1)") is False
    assert ev("States.ArrayRange(1, 9, 2)") == [1, 3, 5, 7, 9]
    assert ev("States.ArrayRange(5, 1, -2)") == [5, 3, 1]
    assert ev("States.ArrayUnique($.a)", {"a": [1, 1.0, "1", None, None, {"a": 1}, {"a": 1}]}) == [1, "1", None, {"a": 1}]
    with pytest.raises(StatesError):
        ev("States.ArrayRange(0, 2000, 1)")
    with pytest.raises(StatesError):
        ev("States.ArrayGetItem(States.Array(1), 1)")
    with pytest.raises(StatesError):
        ev("States.ArrayPartition(States.Array(1), 0)")


def test_encoding_hash_json():
    assert ev("States.Base64Encode('Data to encode')") == "RGF0YSB0byBlbmNvZGU="
    assert ev("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')") == "Data to encode"
    with pytest.raises(StatesError):
        ev("States.Base64Decode('!!!')")
    # MD5, SHA-1, SHA-384 and SHA-512 are pinned by the recorded cases; this pins the SHA-256 name.
    assert ev("States.Hash('input data', 'SHA-256')") == hashlib.sha256(b"input data").hexdigest()
    assert ev("States.Hash($.o, 'MD5')", {"o": "é"}) == hashlib.md5("é".encode()).hexdigest()
    with pytest.raises(StatesError):
        ev("States.Hash('x', 'MD4')")
    assert ev("States.StringToJson('{\"a\": [1, 2.0, -0]}')") == {"a": [1, 2, 0]}
    assert ev("States.JsonToString($.o)", {"o": {"a": [1, "x"], "b": None}}) == '{"a":[1,"x"],"b":null}'
    assert ev("States.JsonMerge($.a, $.b, false)", {"a": {"x": {"p": 1}, "y": 1}, "b": {"x": {"q": 2}}}) == {"x": {"q": 2}, "y": 1}
    with pytest.raises(StatesError):
        ev("States.JsonMerge($.a, $.a, true)", {"a": {}})


def test_math_add_rounds_half_up_like_java():
    assert [ev(f"States.MathAdd({a}, {b})") for a, b in [(1.5, 0), (2.5, 0), (-1.5, 0), (-2.5, 0), (-0.5, 0.5), (-9, 3)]] == [2, 3, -1, -2, 1, -6]
    with pytest.raises(StatesError):
        ev("States.MathAdd('1', 2)")


def test_random_and_uuid_follow_the_executor_rng():
    one = [ev("States.MathRandom(0, 1000)", rng=random.Random(5)) for _ in range(2)]
    assert one[0] == one[1] and 0 <= one[0] < 1000
    assert ev("States.MathRandom(0, 999, 3)") == ev("States.MathRandom(0, 999, 3)")
    u = ev("States.UUID()", rng=random.Random(9))
    assert UUID_V4.match(u) and u == ev("States.UUID()", rng=random.Random(9))


def test_string_split_on_any_delimiter_character():
    assert ev("States.StringSplit('This.is+a,test=string', '.+,=')") == ["This", "is", "a", "test", "string"]
    assert ev("States.StringSplit(',,,,', ',')") == []


@pytest.mark.parametrize(
    "text",
    ["States.Nope(1)", "States.Array(1", "States.Array(1) x", "Format('x')", "States.Array('open)", "States.Array(bogus)"],
)
def test_invalid_calls_fail_with_intrinsic_failure(text):
    with pytest.raises(StatesError) as info:
        parse_intrinsic(text)
    assert info.value.error == "States.IntrinsicFailure"


def test_nesting_limit():
    ten = "States.Array(" * 10 + "1" + ")" * 10
    assert parse_intrinsic(ten)
    with pytest.raises(StatesError):
        parse_intrinsic("States.Array(" * 11 + "1" + ")" * 11)
