"""Amazon States Language vocabulary: state types, the fields each state type allows in each query language,
the predefined ``States.*`` error names and the service limits that a definition must respect.

The field tables follow the AWS Step Functions developer guide ("State machine structure", "Transforming data with
JSONata", "Passing data between states with variables", "Handling errors"); where the guide and statelint disagree the
guide wins, and every definition recorded against real AWS in the conformance suite must stay valid.
"""
from __future__ import annotations

JSONPATH = "JSONPath"
JSONATA = "JSONata"
QUERY_LANGUAGES = (JSONPATH, JSONATA)

STATE_TYPES = ("Task", "Parallel", "Map", "Pass", "Wait", "Choice", "Succeed", "Fail")

# Fields that only make sense with JSONPath; JSONata replaced all of them with Arguments and Output.
JSONPATH_ONLY_FIELDS = frozenset({
    "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Result", "ItemsPath",
    "SecondsPath", "TimestampPath", "TimeoutSecondsPath", "HeartbeatSecondsPath", "ErrorPath", "CausePath",
    "MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath",
})
# Fields that only exist with JSONata.
JSONATA_ONLY_FIELDS = frozenset({"Arguments", "Output", "Items", "Condition"})

_COMMON = frozenset({"Type", "Comment", "QueryLanguage"})
_FLOW = frozenset({"Next", "End"})
_ERRORS = frozenset({"Retry", "Catch"})

# Per state type: (fields valid in both languages, JSONPath-only fields, JSONata-only fields).
STATE_FIELDS: dict[str, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {
    "Task": (
        _COMMON | _FLOW | _ERRORS | {"Resource", "TimeoutSeconds", "HeartbeatSeconds", "Credentials", "Assign"},
        frozenset({"InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath",
                   "TimeoutSecondsPath", "HeartbeatSecondsPath"}),
        frozenset({"Arguments", "Output"}),
    ),
    "Parallel": (
        # TimeoutSeconds is not in the guide for Parallel but statelint and older machines carry it; AWS ignores it.
        _COMMON | _FLOW | _ERRORS | {"Branches", "Assign", "TimeoutSeconds"},
        frozenset({"InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath"}),
        frozenset({"Arguments", "Output"}),
    ),
    "Map": (
        _COMMON | _FLOW | _ERRORS | {
            "ItemProcessor", "Iterator", "ItemReader", "ItemSelector", "ItemBatcher", "ResultWriter",
            "MaxConcurrency", "ToleratedFailureCount", "ToleratedFailurePercentage", "Label", "Assign",
            "TimeoutSeconds"},
        frozenset({"InputPath", "OutputPath", "Parameters", "ItemsPath", "ResultSelector", "ResultPath",
                   "MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"}),
        frozenset({"Items", "Output"}),
    ),
    "Pass": (
        _COMMON | _FLOW | {"Assign"},
        frozenset({"InputPath", "OutputPath", "Parameters", "Result", "ResultPath"}),
        frozenset({"Output"}),
    ),
    "Wait": (
        _COMMON | _FLOW | {"Seconds", "Timestamp", "Assign"},
        frozenset({"InputPath", "OutputPath", "SecondsPath", "TimestampPath"}),
        frozenset({"Output"}),
    ),
    "Choice": (
        _COMMON | {"Choices", "Default", "Assign"},
        frozenset({"InputPath", "OutputPath"}),
        frozenset({"Output"}),
    ),
    "Succeed": (
        _COMMON,
        frozenset({"InputPath", "OutputPath"}),
        frozenset({"Output"}),
    ),
    "Fail": (
        _COMMON | {"Error", "Cause"},
        frozenset({"ErrorPath", "CausePath"}),
        frozenset(),
    ),
}

# States that move on with Next or stop with End (exactly one of the two).
NEXT_OR_END_TYPES = frozenset({"Task", "Parallel", "Map", "Pass", "Wait"})
TERMINAL_TYPES = frozenset({"Succeed", "Fail"})

ROOT_FIELDS = frozenset({"StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"})
BRANCH_FIELDS = frozenset({"StartAt", "States", "Comment"})
ITEM_PROCESSOR_FIELDS = frozenset({"StartAt", "States", "Comment", "ProcessorConfig"})

RETRIER_FIELDS = frozenset({"ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds",
                            "JitterStrategy", "Comment"})
CATCHER_FIELDS = (frozenset({"ErrorEquals", "Next", "Comment", "Assign"}), frozenset({"ResultPath"}),
                  frozenset({"Output"}))

CHOICE_COMPARISONS = frozenset({
    "StringEquals", "StringEqualsPath", "StringLessThan", "StringLessThanPath", "StringGreaterThan",
    "StringGreaterThanPath", "StringLessThanEquals", "StringLessThanEqualsPath", "StringGreaterThanEquals",
    "StringGreaterThanEqualsPath", "StringMatches",
    "NumericEquals", "NumericEqualsPath", "NumericLessThan", "NumericLessThanPath", "NumericGreaterThan",
    "NumericGreaterThanPath", "NumericLessThanEquals", "NumericLessThanEqualsPath", "NumericGreaterThanEquals",
    "NumericGreaterThanEqualsPath",
    "BooleanEquals", "BooleanEqualsPath",
    "TimestampEquals", "TimestampEqualsPath", "TimestampLessThan", "TimestampLessThanPath", "TimestampGreaterThan",
    "TimestampGreaterThanPath", "TimestampLessThanEquals", "TimestampLessThanEqualsPath",
    "TimestampGreaterThanEquals", "TimestampGreaterThanEqualsPath",
    "IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp",
})
# A top-level Choice rule: (both languages, JSONPath only, JSONata only). Nested And/Or/Not rules take no Next.
CHOICE_RULE_FIELDS = (
    frozenset({"Next", "Comment", "Assign"}),
    frozenset({"Variable", "And", "Or", "Not"}) | CHOICE_COMPARISONS,
    frozenset({"Condition", "Output"}),
)

# The predefined error names (Handling errors in Step Functions).
STATES_ERRORS = frozenset({
    "States.ALL", "States.DataLimitExceeded", "States.ExceedToleratedFailureThreshold", "States.HeartbeatTimeout",
    "States.Http.Socket", "States.IntrinsicFailure", "States.ItemReaderFailed", "States.NoChoiceMatched",
    "States.ParameterPathFailure", "States.Permissions", "States.QueryEvaluationError", "States.ResultPathMatchFailure",
    "States.ResultWriterFailed", "States.Runtime", "States.TaskFailed", "States.Timeout",
})

# Limits.
MAX_DEFINITION_BYTES = 1_048_576
MAX_STATE_NAME_LENGTH = 80
MAX_VARIABLE_NAME_LENGTH = 80
MAX_TIMEOUT_SECONDS = 99_999_999
RETRY_MAX_ATTEMPTS = 99_999_999
RETRY_MAX_INTERVAL_SECONDS = 99_999_999
RETRY_MAX_DELAY_SECONDS_EXCLUSIVE = 31_622_401
JITTER_STRATEGIES = ("FULL", "NONE")
MAP_MAX_BATCH_BYTES = 262_144
PROCESSOR_MODES = ("INLINE", "DISTRIBUTED")
EXECUTION_TYPES = ("STANDARD", "EXPRESS")
