"""validate_definition: each rule with a failing definition and its minimal valid fix."""
from __future__ import annotations

import copy
import json

import pytest

from pyawssfn.asl import Problem, validate_definition

TASK = "arn:aws:states:::lambda:invoke"


def machine(states: dict, start: str = "A", ql: str = "JSONata", **top) -> dict:
    return {"QueryLanguage": ql, "StartAt": start, "States": states, **top}


def task(**fields) -> dict:
    return {"Type": "Task", "Resource": TASK, "Arguments": {"FunctionName": "f", "Payload": "{% $states.input %}"},
            **fields}


def found(defn) -> list[str]:
    return [str(p) for p in validate_definition(defn)]


def assert_reports(defn, path: str, fragment: str) -> None:
    problems = validate_definition(defn)
    hits = [p for p in problems if p.path == path and fragment in p.message]
    assert hits, f"expected {path}: ...{fragment}... in {[str(p) for p in problems]}"


# (name, bad definition, path, message fragment, fixed definition)
CASES = [
    ("missing Next target",
     machine({"A": {"Type": "Pass", "Next": "B"}, "C": {"Type": "Succeed"}}),
     "States.A.Next", 'Next target "B"',
     machine({"A": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Succeed"}})),
    ("missing Default target",
     machine({"A": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.x %}", "Next": "B"}],
                    "Default": "Nope"}, "B": {"Type": "Succeed"}}),
     "States.A.Default", 'Default target "Nope"',
     machine({"A": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.x %}", "Next": "B"}],
                    "Default": "B"}, "B": {"Type": "Succeed"}})),
    ("missing StartAt target",
     machine({"A": {"Type": "Succeed"}}, start="Z"),
     "StartAt", 'StartAt target "Z"',
     machine({"A": {"Type": "Succeed"}}, start="A")),
    ("missing Catch target",
     machine({"A": task(End=True, Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Gone"}])}),
     "States.A.Catch[0].Next", 'Next target "Gone"',
     machine({"A": task(End=True, Catch=[{"ErrorEquals": ["States.ALL"], "Next": "F"}]), "F": {"Type": "Fail"}})),
    ("unreachable state",
     machine({"A": {"Type": "Succeed"}, "Orphan": {"Type": "Succeed"}}),
     "States.Orphan", "not reachable",
     machine({"A": {"Type": "Pass", "Next": "Orphan"}, "Orphan": {"Type": "Succeed"}})),
    ("unreachable cycle (statelint misses it)",
     machine({"A": {"Type": "Succeed"}, "L1": {"Type": "Pass", "Next": "L2"},
              "L2": {"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "L1"}], "Default": "L1"}}),
     "States.L1", "not reachable",
     machine({"A": {"Type": "Succeed"}})),
    ("unknown field",
     machine({"A": {"Type": "Pass", "End": True, "Nxt": "B"}}),
     "States.A.Nxt", 'unknown field "Nxt" for a Pass state',
     machine({"A": {"Type": "Pass", "End": True}})),
    ("Next on a Choice state",
     machine({"A": {"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "B"}], "Next": "B"},
              "B": {"Type": "Succeed"}}),
     "States.A.Next", "Choice state cannot have",
     machine({"A": {"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "B"}], "Default": "B"},
              "B": {"Type": "Succeed"}})),
    ("Next and End together",
     machine({"A": {"Type": "Pass", "Next": "B", "End": True}, "B": {"Type": "Succeed"}}),
     "States.A", "both Next and End",
     machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}})),
    ("States.ALL not alone",
     machine({"A": task(End=True, Retry=[{"ErrorEquals": ["States.ALL", "X"]}])}),
     "States.A.Retry[0].ErrorEquals", "alone",
     machine({"A": task(End=True, Retry=[{"ErrorEquals": ["States.ALL"]}])})),
    ("States.ALL not in the last catcher",
     machine({"A": task(End=True, Catch=[{"ErrorEquals": ["States.ALL"], "Next": "F"},
                                         {"ErrorEquals": ["X"], "Next": "F"}]), "F": {"Type": "Fail"}}),
     "States.A.Catch[0].ErrorEquals", "last catcher",
     machine({"A": task(End=True, Catch=[{"ErrorEquals": ["X"], "Next": "F"},
                                         {"ErrorEquals": ["States.ALL"], "Next": "F"}]), "F": {"Type": "Fail"}})),
    ("JSONPath field in a JSONata state",
     machine({"A": {"Type": "Pass", "End": True, "ResultPath": "$.x"}}),
     "States.A.ResultPath", "JSONPath field",
     machine({"A": {"Type": "Pass", "End": True, "Output": {"x": "{% $states.input %}"}}})),
    ("JSONata field in a JSONPath state",
     machine({"A": {"Type": "Task", "Resource": TASK, "Arguments": {"a": 1}, "End": True}}, ql="JSONPath"),
     "States.A.Arguments", "JSONata field",
     machine({"A": {"Type": "Task", "Resource": TASK, "Parameters": {"a": 1}, "End": True}}, ql="JSONPath")),
    ("Condition in a JSONPath Choice rule",
     machine({"A": {"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "B"}]},
              "B": {"Type": "Succeed"}}, ql="JSONPath"),
     "States.A.Choices[0].Condition", "JSONata field",
     machine({"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "B"}]},
              "B": {"Type": "Succeed"}}, ql="JSONPath")),
    ("JSONata syntax error",
     machine({"A": {"Type": "Pass", "End": True, "Output": {"v": "{% $states.input.a + %}"}}}),
     "States.A.Output.v", "JSONata syntax error",
     machine({"A": {"Type": "Pass", "End": True, "Output": {"v": "{% $states.input.a + 1 %}"}}})),
    ("JSONata syntax error in a Condition",
     machine({"A": {"Type": "Choice", "Choices": [{"Condition": "{% ($x %}", "Next": "B"}], "Default": "B"},
              "B": {"Type": "Succeed"}}),
     "States.A.Choices[0].Condition", "JSONata syntax error",
     machine({"A": {"Type": "Choice", "Choices": [{"Condition": "{% ($x) %}", "Next": "B"}], "Default": "B"},
              "B": {"Type": "Succeed"}})),
    ("empty JSONata expression",
     machine({"A": {"Type": "Pass", "End": True, "Output": "{%  %}"}}),
     "States.A.Output", "empty JSONata expression",
     machine({"A": {"Type": "Pass", "End": True, "Output": "{% 1 %}"}})),
    ("invalid Variable name",
     machine({"A": {"Type": "Pass", "End": True, "Assign": {"9lives": 1}}}),
     "States.A.Assign.9lives", "invalid variable name",
     machine({"A": {"Type": "Pass", "End": True, "Assign": {"lives9": 1}}})),
    ("assigning part of a variable",
     machine({"A": {"Type": "Pass", "End": True, "Assign": {"x.y": 1}}}),
     "States.A.Assign.x.y", "invalid variable name",
     machine({"A": {"Type": "Pass", "End": True, "Assign": {"x": {"y": 1}}}})),
    ("Variable name over 80 characters",
     machine({"A": {"Type": "Pass", "End": True, "Assign": {"v" * 81: 1}}}),
     "States.A.Assign." + "v" * 81, "longer than 80",
     machine({"A": {"Type": "Pass", "End": True, "Assign": {"v" * 80: 1}}})),
    ("reserved $states",
     machine({"A": {"Type": "Pass", "End": True, "Assign": {"states": 1}}}),
     "States.A.Assign.states", "reserved",
     machine({"A": {"Type": "Pass", "End": True, "Assign": {"state": 1}}})),
    ("JSONPath Assign key with .$ names the variable without it",
     machine({"A": {"Type": "Pass", "End": True, "Assign": {"bad-name.$": "$.x"}}}, ql="JSONPath"),
     "States.A.Assign.bad-name.$", "invalid variable name",
     machine({"A": {"Type": "Pass", "End": True, "Assign": {"good.$": "$.x"}}}, ql="JSONPath")),
    ("state name over 80 characters",
     machine({"n" * 81: {"Type": "Succeed"}}, start="n" * 81),
     "States." + "n" * 81, "81 characters",
     machine({"n" * 80: {"Type": "Succeed"}}, start="n" * 80)),
    ("state name with a control character",
     machine({"A\tB": {"Type": "Succeed"}}, start="A\tB"),
     "States.A\tB", "U+0009",
     machine({"A B": {"Type": "Succeed"}}, start="A B")),
    ("problem inside a Parallel branch",
     machine({"A": {"Type": "Parallel", "End": True, "Branches": [
         {"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "Y"}}}]}}),
     "States.A.Branches[0].States.X.Next", 'Next target "Y"',
     machine({"A": {"Type": "Parallel", "End": True, "Branches": [
         {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": True}}}]}})),
    ("problem inside a Map inside a Parallel",
     machine({"A": {"Type": "Parallel", "End": True, "Branches": [
         {"StartAt": "M", "States": {"M": {"Type": "Map", "End": True, "ItemProcessor": {
             "StartAt": "I", "States": {"I": {"Type": "Pass", "End": True, "InputPath": "$"}}}}}}]}}),
     "States.A.Branches[0].States.M.ItemProcessor.States.I.InputPath", "JSONPath field",
     machine({"A": {"Type": "Parallel", "End": True, "Branches": [
         {"StartAt": "M", "States": {"M": {"Type": "Map", "End": True, "ItemProcessor": {
             "StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}}}}}]}})),
    ("transition out of a branch",
     machine({"A": {"Type": "Parallel", "Next": "B", "Branches": [
         {"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "B"}}}]}, "B": {"Type": "Succeed"}}),
     "States.A.Branches[0].States.X.Next", 'Next target "B"',
     machine({"A": {"Type": "Parallel", "Next": "B", "Branches": [
         {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": True}}}]}, "B": {"Type": "Succeed"}})),
    ("duplicate state name across scopes",
     machine({"A": {"Type": "Parallel", "End": True, "Branches": [
         {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}]}}),
     "States.A.Branches[0].States.A", "duplicate state name",
     machine({"A": {"Type": "Parallel", "End": True, "Branches": [
         {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}]}})),
    ("variable of the outer scope assigned in a Map",
     machine({"A": {"Type": "Map", "End": True, "Assign": {"n": 1}, "ItemProcessor": {
         "StartAt": "I", "States": {"I": {"Type": "Pass", "End": True, "Assign": {"n": 2}}}}}}),
     "States.A.ItemProcessor.States", "$n is already assigned",
     machine({"A": {"Type": "Map", "End": True, "Assign": {"n": 1}, "ItemProcessor": {
         "StartAt": "I", "States": {"I": {"Type": "Pass", "End": True, "Assign": {"m": 2}}}}}})),
    ("Map MaxConcurrency negative",
     machine({"A": {"Type": "Map", "End": True, "MaxConcurrency": -1, "ItemProcessor": {
         "StartAt": "I", "States": {"I": {"Type": "Succeed"}}}}}),
     "States.A.MaxConcurrency", "0 or more",
     machine({"A": {"Type": "Map", "End": True, "MaxConcurrency": 0, "ItemProcessor": {
         "StartAt": "I", "States": {"I": {"Type": "Succeed"}}}}})),
    ("Map ToleratedFailurePercentage above 100",
     machine({"A": {"Type": "Map", "End": True, "ToleratedFailurePercentage": 101, "ItemProcessor": {
         "StartAt": "I", "States": {"I": {"Type": "Succeed"}}}}}),
     "States.A.ToleratedFailurePercentage", "from 0 to 100",
     machine({"A": {"Type": "Map", "End": True, "ToleratedFailurePercentage": 0.5, "ItemProcessor": {
         "StartAt": "I", "States": {"I": {"Type": "Succeed"}}}}})),
    ("Map ProcessorConfig mode",
     machine({"A": {"Type": "Map", "End": True, "ItemProcessor": {
         "ProcessorConfig": {"Mode": "PARALLEL"}, "StartAt": "I", "States": {"I": {"Type": "Succeed"}}}}}),
     "States.A.ItemProcessor.ProcessorConfig.Mode", "INLINE or DISTRIBUTED",
     machine({"A": {"Type": "Map", "End": True, "ItemProcessor": {
         "ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "I", "States": {"I": {"Type": "Succeed"}}}}})),
    ("Choice rule without Next",
     machine({"A": {"Type": "Choice", "Choices": [{"Condition": "{% true %}"}], "Default": "B"},
              "B": {"Type": "Succeed"}}),
     "States.A.Choices[0]", 'required field "Next"',
     machine({"A": {"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "B"}], "Default": "B"},
              "B": {"Type": "Succeed"}})),
    ("Retry MaxAttempts negative",
     machine({"A": task(End=True, Retry=[{"ErrorEquals": ["X"], "MaxAttempts": -1}])}),
     "States.A.Retry[0].MaxAttempts", "from 0 to 99999999",
     machine({"A": task(End=True, Retry=[{"ErrorEquals": ["X"], "MaxAttempts": 0}])})),
    ("Retry MaxAttempts too large",
     machine({"A": task(End=True, Retry=[{"ErrorEquals": ["X"], "MaxAttempts": 100_000_000}])}),
     "States.A.Retry[0].MaxAttempts", "from 0 to 99999999",
     machine({"A": task(End=True, Retry=[{"ErrorEquals": ["X"], "MaxAttempts": 99_999_999}])})),
    ("Retry BackoffRate below 1",
     machine({"A": task(End=True, Retry=[{"ErrorEquals": ["X"], "BackoffRate": 0.99}])}),
     "States.A.Retry[0].BackoffRate", "greater than or equal to 1.0",
     machine({"A": task(End=True, Retry=[{"ErrorEquals": ["X"], "BackoffRate": 1}])})),
    ("Retry IntervalSeconds 0",
     machine({"A": task(End=True, Retry=[{"ErrorEquals": ["X"], "IntervalSeconds": 0}])}),
     "States.A.Retry[0].IntervalSeconds", "from 1 to",
     machine({"A": task(End=True, Retry=[{"ErrorEquals": ["X"], "IntervalSeconds": 1}])})),
    ("Retry MaxDelaySeconds too large",
     machine({"A": task(End=True, Retry=[{"ErrorEquals": ["X"], "MaxDelaySeconds": 31_622_401}])}),
     "States.A.Retry[0].MaxDelaySeconds", "from 1 to 31622400",
     machine({"A": task(End=True, Retry=[{"ErrorEquals": ["X"], "MaxDelaySeconds": 31_622_400}])})),
    ("Retry JitterStrategy",
     machine({"A": task(End=True, Retry=[{"ErrorEquals": ["X"], "JitterStrategy": "full"}])}),
     "States.A.Retry[0].JitterStrategy", "FULL or NONE",
     machine({"A": task(End=True, Retry=[{"ErrorEquals": ["X"], "JitterStrategy": "FULL"}])})),
    ("unknown retrier field",
     machine({"A": task(End=True, Retry=[{"ErrorEquals": ["X"], "Attempts": 2}])}),
     "States.A.Retry[0].Attempts", 'unknown field "Attempts" in a retrier',
     machine({"A": task(End=True, Retry=[{"ErrorEquals": ["X"], "MaxAttempts": 2}])})),
    ("HeartbeatSeconds not below TimeoutSeconds",
     machine({"A": task(End=True, TimeoutSeconds=10, HeartbeatSeconds=10)}),
     "States.A.HeartbeatSeconds", "smaller than TimeoutSeconds",
     machine({"A": task(End=True, TimeoutSeconds=10, HeartbeatSeconds=9)})),
    ("bad ResultPath in a JSONPath state",
     machine({"A": {"Type": "Pass", "End": True, "ResultPath": "$x"}}, ql="JSONPath"),
     "States.A.ResultPath", "variables and $$ cannot be used in ResultPath",
     machine({"A": {"Type": "Pass", "End": True, "ResultPath": "$.x"}}, ql="JSONPath")),
    ("bad .$ payload path",
     machine({"A": {"Type": "Pass", "End": True, "Parameters": {"v.$": "not a path"}}}, ql="JSONPath"),
     "States.A.Parameters.v.$", "must be a valid JSONPath or a valid intrinsic function call",
     machine({"A": {"Type": "Pass", "End": True, "Parameters": {"v.$": "$name.field"}}}, ql="JSONPath")),
    ("bare field at the top level of a JSONata expression",
     machine({"A": {"Type": "Pass", "End": True, "Output": {"v": "{% order.total + 1 %}"}}}),
     "States.A.Output.v", "reference to 'order' at the top level is not supported",
     machine({"A": {"Type": "Pass", "End": True, "Output": {"v": "{% $states.input.order.total + 1 %}"}}})),
    ("context item $ at the top level",
     machine({"A": {"Type": "Pass", "End": True, "Output": "{% $ %}"}}),
     "States.A.Output", "reference to '$' at the top level",
     machine({"A": {"Type": "Pass", "End": True, "Output": "{% $states.input.xs[$ > 1] %}"}})),
    ("$states.result in Arguments",
     machine({"A": {"Type": "Task", "Resource": TASK, "End": True, "Arguments": {"x": "{% $states.result %}"}}}),
     "States.A.Arguments.x", "$states.result is only available",
     machine({"A": {"Type": "Task", "Resource": TASK, "End": True, "Output": {"x": "{% $states.result %}"}}})),
    ("$states.result in a Pass state",
     machine({"A": {"Type": "Pass", "End": True, "Assign": {"r": "{% $states.result.x %}"}}}),
     "States.A.Assign.r", "$states.result is only available",
     machine({"A": {"Type": "Pass", "End": True, "Assign": {"r": "{% $states.input.x %}"}}})),
    ("$states.errorOutput outside a Catch",
     machine({"A": task(End=True, Output="{% $states.errorOutput %}")}),
     "States.A.Output", "$states.errorOutput is only available",
     machine({"A": task(End=True, Catch=[{"ErrorEquals": ["States.ALL"], "Next": "F",
                                          "Output": "{% $states.errorOutput %}"}]), "F": {"Type": "Fail"}})),
    ("JSONPath state in a JSONata machine",
     machine({"A": {"Type": "Pass", "End": True, "QueryLanguage": "JSONPath"}}),
     "States.A.QueryLanguage", "top-level QueryLanguage is JSONata",
     machine({"A": {"Type": "Pass", "End": True, "QueryLanguage": "JSONata"}}, ql="JSONPath")),
    ("missing Type (reported by statelint)",
     machine({"A": {"End": True}}),
     "States.A", 'required field "Type"',
     machine({"A": {"Type": "Pass", "End": True}})),
    ("mistyped Seconds in a JSONPath Wait",
     machine({"A": {"Type": "Wait", "Seconds": "ten", "End": True}}, ql="JSONPath"),
     "States.A.Seconds", "it must be an integer from 0 to",
     machine({"A": {"Type": "Wait", "Seconds": 10, "End": True}}, ql="JSONPath")),
]


@pytest.mark.parametrize("name,bad,path,fragment,good", CASES, ids=[c[0] for c in CASES])
def test_rule(name, bad, path, fragment, good):
    assert_reports(bad, path, fragment)
    assert found(good) == []


def test_problem_str_and_fields():
    problems = validate_definition(machine({"A": {"Type": "Pass", "Next": "Nope"}}))
    p = next(p for p in problems if p.path == "States.A.Next")
    assert isinstance(p, Problem)
    assert str(p) == f"States.A.Next: {p.message}"


def test_not_a_json_object():
    assert found("[1, 2]") == ["(definition): a state machine definition must be a JSON object, not an array"]
    assert found("null") == ["(definition): a state machine definition must be a JSON object, not null"]
    assert found("{\"StartAt\": ")[0].startswith("(definition): not valid JSON:")


def test_definition_size_limit():
    big = machine({"A": {"Type": "Pass", "End": True, "Output": {"pad": "x" * 1_048_576}}})
    assert_reports(big, "(definition)", "the limit is 1048576 bytes")
    small = machine({"A": {"Type": "Pass", "End": True, "Output": {"pad": "x" * 1000}}})
    assert found(small) == []


def test_json_text_and_dict_agree():
    defn = machine({"A": {"Type": "Pass", "Next": "B"}})
    assert found(defn) == found(json.dumps(defn))


def test_ten_mistakes_are_all_reported():
    defn = machine({
        "A": task(Next="Gone",                                                      # 1 missing Next target
                  InputPath="$",                                                    # 2 JSONPath field in JSONata
                  Retry=[{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}],  # 3 States.ALL not last
                  TimeoutSeconds=5, HeartbeatSeconds=50,                            # 4 heartbeat >= timeout
                  Assign={"no good": 1}),                                           # 5 bad variable name
        "B": {"Type": "Pass", "End": True},                                         # 6 unreachable
        "C": {"Type": "Pass", "End": True, "Bogus": True},                          # 7 unknown field (+ unreachable)
        "D": {"Type": "Pass", "End": True, "Output": "{% 1 + %}"},                  # 8 JSONata syntax error
        "E": {"Type": "Choice", "Choices": [{"Condition": "{% true %}"}]},          # 9 Choice rule without Next
        "F": task(End=True, Retry=[{"ErrorEquals": ["X"], "BackoffRate": 0.5}]),    # 10 BackoffRate < 1
    })
    expected = [
        ("States.A.Next", "Gone"),
        ("States.A.InputPath", "JSONPath field"),
        ("States.A.Retry[0].ErrorEquals", "last retrier"),
        ("States.A.HeartbeatSeconds", "smaller than"),
        ("States.A.Assign.no good", "invalid variable name"),
        ("States.B", "not reachable"),
        ("States.C.Bogus", "unknown field"),
        ("States.D.Output", "JSONata syntax error"),
        ("States.E.Choices[0]", 'required field "Next"'),
        ("States.F.Retry[0].BackoffRate", "1.0"),
    ]
    for path, fragment in expected:
        assert_reports(defn, path, fragment)
    assert len({p.path for p in validate_definition(defn)}) >= 10


def test_report_is_deterministic_and_input_untouched():
    defn = machine({"A": task(Next="Gone", Retry=[{"ErrorEquals": ["States.ALL", "X"]}])})
    before = copy.deepcopy(defn)
    assert found(defn) == found(defn)
    assert defn == before


# Each of these is valid on AWS (Variables, JSONata values) but statelint 3.1 rejects it: the filter must hold.
STATELINT_FALSE_POSITIVES = [
    ("Assign in a JSONPath state",
     machine({"A": {"Type": "Pass", "End": True, "Assign": {"x.$": "$.a", "y": 1}}}, ql="JSONPath")),
    ("variable reference in a JSONPath payload",
     machine({"A": {"Type": "Pass", "Next": "B", "Assign": {"v": 1}},
              "B": {"Type": "Pass", "End": True, "Parameters": {"r.$": "$v", "c.$": "$$.Execution.Id"}}},
             ql="JSONPath")),
    ("variable in ItemsPath and SecondsPath",
     machine({"A": {"Type": "Map", "ItemsPath": "$items", "Next": "W",
                    "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}}},
              "W": {"Type": "Wait", "SecondsPath": "$wait", "End": True}}, ql="JSONPath")),
    ("hyphenated field in ItemsPath",
     machine({"A": {"Type": "Map", "ItemsPath": "$.sub-values", "End": True,
                    "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}}}}, ql="JSONPath")),
    ("context object in ErrorPath",
     machine({"A": {"Type": "Fail", "ErrorPath": "$$.State.Name", "CausePath": "States.Format('x {}', $.a)"}},
             ql="JSONPath")),
    ("JSONata value in an integer field",
     machine({"A": task(End=True, HeartbeatSeconds="{% $states.input.hb %}", TimeoutSeconds="{% 60 %}")})),
    ("JSONata value in a Map limit and a Wait timestamp",
     machine({"A": {"Type": "Map", "Next": "W", "MaxConcurrency": "{% $states.input.n %}",
                    "ToleratedFailureCount": "{% 1 %}",
                    "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}}},
              "W": {"Type": "Wait", "Timestamp": "{% $states.input.ts %}", "End": True}})),
    ("integer BackoffRate of 1 and 2",
     machine({"A": task(End=True, Retry=[{"ErrorEquals": ["X"], "BackoffRate": 1},
                                         {"ErrorEquals": ["Y"], "BackoffRate": 2}])})),
    ("fractional ToleratedFailurePercentage",
     machine({"A": {"Type": "Map", "End": True, "ToleratedFailurePercentage": 0.5,
                    "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}}}}, ql="JSONPath")),
    ("ProcessorConfig in a legacy Iterator",
     machine({"A": {"Type": "Map", "End": True, "Iterator": {
         "ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "I", "States": {"I": {"Type": "Succeed"}}}}},
         ql="JSONPath")),
    ("Assign in a JSONPath Choice rule and Catch",
     machine({"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "T",
                                                   "Assign": {"seen": True}}], "Default": "T"},
              "T": {"Type": "Task", "Resource": TASK, "End": True,
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F", "Assign": {"err.$": "$.Error"}}]},
              "F": {"Type": "Fail"}}, ql="JSONPath")),
    ("quoted bracket name read literally",
     machine({"A": {"Type": "Pass", "End": True, "Parameters": {"v.$": "$['Test\\\"\"Name\"']"}}},
             ql="JSONPath")),
]


@pytest.mark.parametrize("name,defn", STATELINT_FALSE_POSITIVES, ids=[c[0] for c in STATELINT_FALSE_POSITIVES])
def test_statelint_false_positive_is_filtered(name, defn):
    from pyawssfn.asl.statelint_bridge import statelint_messages
    assert statelint_messages(defn), "statelint no longer rejects this: drop the filter and this case"
    assert found(defn) == []


def test_item_reader_config_fields_aws_accepts():
    # statelint 3.1 knows only MaxItems here; AWS accepts the CSV fields (ItemReader of a Distributed Map).
    definition = {"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": True,
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                       "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "MaxItems": 10},
                       "Parameters": {"Bucket": "b", "Key": "k"}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}}
    assert validate_definition(definition) == []
    definition["States"]["M"]["ItemReader"]["ReaderConfig"]["Bogus"] = 1
    assert [str(p) for p in validate_definition(definition)] == [
        'States.M.ItemReader.ReaderConfig: field "Bogus" is not allowed here']
