"""Every compiled machine of the examples, of the golden modules that have inputs and of a fixed-seed sample of the
workflow generator's programs runs on our executor and on LocalStack's Step Functions, answered by the same step
results, and both engines must agree on status, output, error, cause, the states entered and every Task request.
The only exceptions are the named disagreements of known.py, each expected exactly where it occurs: an expectation
that no longer occurs fails too ("no longer differs"), so that none outlives its cause.

Needs the second engine: `bash tests/engines/setup.sh` (see tests/engines/conftest.py)."""
from __future__ import annotations

import collections
import json

import pytest

from pyawssfn.compiler.error_names import DATA_LIMIT, EXPRESSION_ERRORS, branch_fail_error, fail_error
from pyawssfn.jsonata.printer import to_text
from pyawssfn.jsonata.tree import path
from pyawssfn.local import Executor

from . import server

server.require()

from . import cases as corpus  # noqa: E402
from . import s3  # noqa: E402
from .harness import Case, child_histories, child_events, machine_name, ours  # noqa: E402
from .known import KNOWN, explain  # noqa: E402

# case label -> the known disagreement it shows, for the examples and golden modules
EXPECTED = {
    "analyse_text-not-retried": "parallel-failed-branch-siblings",
    # its failing Items expression ends the execution as it is
    "fan_out-not-a-list": "jsonata-error-name",
    "approval-malformed": "jsonata-error-name",
    # the parameters' check ($error) fails the first state, and the try/finally's catcher checks again
    "approval-amount-not-int": "jsonata-error-name",
    "order_pipeline-no-country": "jsonata-error-name",
    # the try's catcher assigns order_id as the input's plain read, which fails by itself (entry_check.hosted)
    "order_pipeline-no-order-id": "undefined-field-cause",
    # what LocalStack lacks of a Distributed Map (docs/executor.md, "A second engine")
    "orders_csv-one-bad-row": "tolerated-failure-entry-null",
    "orders_csv-too-many-bad-rows": "tolerance-threshold-cause",
    "orders_csv-empty-file": "csv-reader-empty-object",
    **{f"click_scores-{c}": "item-batcher-unsupported"
       for c in ("three-batches", "a-bad-batch-tolerated", "a-bad-batch-too-many", "no-events")},
}
# the programs of branch_programs.py: where a handler or finally around the Parallel sees the branch's error, the
# engines agree but for each one's words for it; where nothing does, the execution ends with each one's name for it
EXPECTED_BRANCHES = {
    "branch-step-arguments-uncovered-0": "branch-states-error-uncaught",
    "branch-choice-test-uncovered-0": "branch-states-error-uncaught",
    "branch-choice-test-uncovered-2": "branch-states-error-uncaught",
    "branch-finally-around-0": "jsonata-error-name",
    "branch-result-over-the-quota-uncovered-0": "branch-states-error-uncaught",
    "branch-result-over-the-quota-uncovered-1": "branch-states-error-uncaught",
}
# the known disagreements the generated sample shows (each at least once)
# (fail-error-states-prefix and throw-in-parallel-assign-not-caught no longer occur in compiled machines: the
# shapes of RELIED below replace them; MINIMAL still shows each on the engines)
# (choice-state-assign-on-rule-path no longer occurs either: the codegen emits no Choice state-level Assign,
# tests/compiler/test_choice_assign.py)
EXPECTED_GENERATED = {"jsonata-error-name"}


def _describe(case: Case) -> str:
    lines = [f"{case.label} on {json.dumps(case.input)}"]
    if case.source:
        lines.append(case.source)
    for field, (a, b) in case.differences().items():
        lines += [f"  {field}:", f"    ours:      {a!r}"[:1500], f"    LocalStack: {b!r}"[:1500]]
    return "\n".join(lines)


def _check_labelled(cases: list[Case], expectations: dict[str, str] = EXPECTED) -> list[str]:
    problems = []
    for c in cases:
        expected, got = expectations.get(c.label), explain(c)
        if not c.differences():
            if expected and not KNOWN[expected].racy:
                problems.append(f"{c.label} no longer differs ({expected}): remove the expectation from EXPECTED")
        elif got is None or got != expected:
            problems.append(("unexpected disagreement" if got is None else
                             f"differs as {got}, expected {expected}") + ":\n" + _describe(c))
    return problems


def test_examples_agree_on_both_engines(engine):
    cases = engine.run(corpus.example_cases())
    # no example is left out: every one the differential tests run, on every input, the Distributed Maps that read
    # S3 (their objects put in LocalStack's S3) and write it (what each engine wrote compared) included
    inputs = {example: len(entries) + len(corpus.EXTRA_EXAMPLE_INPUTS.get(example, []))
              for example, entries in corpus.both_ways().CASES.items()}
    assert collections.Counter(c.machine.rsplit("-", 1)[0] for c in cases) == inputs
    assert all(c.objects for c in cases if c.label.startswith(("orders_csv-", "click_scores-")))
    assert any(c.ours.written for c in cases if c.label.startswith("click_scores-"))
    # a Distributed Map's children's Task requests are compared too (LocalStack's through the harness's patch)
    assert any(c.theirs.child_requests for c in cases if c.label.startswith("orders_csv-"))
    problems = _check_labelled(cases)
    assert not problems, "\n\n".join(problems)


def test_golden_definitions_agree_on_both_engines(engine):
    cases = engine.run(corpus.golden_cases())
    problems = _check_labelled(cases)
    assert not problems, "\n\n".join(problems)


def test_branch_programs_agree_on_both_engines(engine):
    """A value that fails inside a Parallel branch (branch_programs.py): no compiled machine depends on
    branch-states-error-refused (lower/branch_errors.py)."""
    cases = engine.run(corpus.branch_cases())
    problems = _check_labelled(cases, EXPECTED_BRANCHES)
    assert not problems, "\n\n".join(problems)
    assert not any(explain(c) == "branch-states-error-refused" for c in cases)


def test_golden_inputs_follow_the_semantics_tests():
    assert corpus.golden_names_with_inputs() == set(corpus.GOLDEN_INPUTS)


def test_generated_programs_agree_on_both_engines(engine):
    cases, refused = corpus.generated_cases()
    assert len(cases) >= 200, f"only {len(cases)} generated programs compiled ({refused} refused)"
    engine.run(cases)
    seen: dict[str, int] = {}
    problems = []
    for c in cases:
        if not c.differences():
            continue
        name = explain(c)
        if name is None or (name not in EXPECTED_GENERATED and not KNOWN[name].racy):
            problems.append(("unexpected disagreement" if name is None else f"{name}, not expected here") + ":\n"
                            + _describe(c))
        else:
            seen[name] = seen.get(name, 0) + 1
    problems += [f"{n} no longer occurs in the generated sample: remove it from EXPECTED_GENERATED"
                 for n in sorted(EXPECTED_GENERATED - set(seen))]
    assert not problems, "\n\n".join(problems)


# ------------------------------------------------------------------------------------------- minimal programs
ARN = "arn:aws:lambda:us-east-1:123456789012:function:engines-minimal"
_CAUGHT = {"Type": "Succeed", "Output": "caught"}
_CATCH_ALL = [{"ErrorEquals": ["States.ALL"], "Next": "caught"}]
_FAIL_ON_ERROR = {"Type": "Fail", "Error": "{% $states.input.Error %}", "Cause": "{% $states.input.Cause %}"}


def _task(step):
    return {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"FunctionName": ARN, "Payload": {"step": step}}, "End": True}


# the objects the minimal programs read from S3
S3_OBJECTS = {("in", "empty.csv"): b""}


def _distributed(states: dict, items=(1, 2), **fields) -> dict:
    """A distributed Map over ``items`` (None: its input, or what ``fields``' ItemReader reads) whose children run
    ``states``."""
    return {"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": True, **({} if items is None else {"Items": list(items)}), **fields,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": next(iter(states)), "States": states}}}}


_FAILS_ON_1 = {"one?": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input = 1 %}", "Next": "fails"}],
                        "Default": "works"},
               "fails": {"Type": "Fail", "Error": "Oops", "Cause": "c"}, "works": {"Type": "Succeed"}}
_SUCCEEDS = {"works": {"Type": "Succeed"}}

MINIMAL = {
    "jsonata-error-name": {"StartAt": "P", "States": {
        "P": {"Type": "Pass", "Output": "{% $error(\"boom\") %}", "End": True}}},
    "fail-error-states-prefix": {"StartAt": "F", "States": {
        "F": {"Type": "Fail", "Error": "{% \"States.Oops\" %}", "Cause": "c"}}},
    "throw-in-parallel-assign-not-caught": {"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}],
              "Assign": {"x": "{% $error(\"boom\") %}"},
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "uncaught error"}], "End": True},
        "uncaught error": _FAIL_ON_ERROR}},
    "undefined-field-cause": {"StartAt": "P", "States": {
        "P": {"Type": "Pass", "Assign": {"x": "{% $states.input.missing %}"}, "End": True}}},
    "output-error-not-caught": {"StartAt": "T", "States": {
        "T": {**_task("works"), "Output": "{% $error(\"boom\") %}", "Catch": _CATCH_ALL},
        "caught": _CAUGHT}},
    "parallel-arguments-error-not-caught": {"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Arguments": "{% $error(\"boom\") %}", "End": True, "Catch": _CATCH_ALL,
              "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}]},
        "caught": _CAUGHT}},
    "branch-states-error-refused": {"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "End": True, "Catch": _CATCH_ALL, "Branches": [{"StartAt": "B", "States": {
            "B": {"Type": "Pass", "Output": "{% $error(\"boom\") %}", "End": True}}}]},
        "caught": _CAUGHT}},
    "branch-states-error-uncaught": {"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "End": True, "Branches": [{"StartAt": "B", "States": {
            "B": {"Type": "Pass", "Output": "{% $error(\"boom\") %}", "End": True}}}]}}},
    "choice-state-assign-on-rule-path": {"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Assign": {"x": "default"}, "Default": "S",
              "Choices": [{"Condition": "{% true %}", "Assign": {"x": "rule"}, "Next": "S"}]},
        "S": {"Type": "Succeed", "Output": "{% $x %}"}}},
    "item-batcher-unsupported": _distributed(_SUCCEEDS, ItemBatcher={"MaxItemsPerBatch": 2}),
    "tolerance-threshold-cause": _distributed(_FAILS_ON_1, ToleratedFailureCount=0),
    "distributed-child-failure-ignored": _distributed(_FAILS_ON_1),
    "tolerated-failure-entry-null": _distributed(_FAILS_ON_1, ToleratedFailureCount=1),
    "csv-reader-empty-object": _distributed(_SUCCEEDS, None, ItemReader={
        "Resource": s3.GET, "Arguments": {"Bucket": "in", "Key": "empty.csv"},
        "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"}}),
    "result-writer-arguments-refused": _distributed(_SUCCEEDS, ResultWriter={
        "Resource": s3.PUT, "Arguments": {"Bucket": "out", "Prefix": "r"}}),
    # the same in JSONPath, whose ResultWriter LocalStack's parser accepts (Items as the input of the Map)
    "result-writer-manifest-only": {"QueryLanguage": "JSONPath", "StartAt": "items", "States": {
        "items": {"Type": "Pass", "Result": [1, 2], "Next": "M"},
        "M": {**_distributed(_SUCCEEDS, None)["States"]["M"], "ResultWriter": {
            "Resource": s3.PUT, "Parameters": {"Bucket": "out", "Prefix": "r"}}}}},
    # the failing branch takes a few states first, so that LocalStack's other branch thread reaches its Task
    "parallel-failed-branch-siblings": {"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "End": True, "Branches": [
            {"StartAt": "p0", "States": {
                **{f"p{i}": {"Type": "Pass", "Output": "{% $states.input %}", "Next": f"p{i + 1}"} for i in range(5)},
                "p5": {"Type": "Pass", "Next": "fails"}, "fails": _task("fails")}},
            {"StartAt": "works", "States": {"works": _task("works")}}]}}},
}


def _run_minimal(definitions: dict[str, dict], engine) -> list[Case]:
    cases = []
    for name, definition in definitions.items():
        machine = {"QueryLanguage": "JSONata", **definition}
        reads, writes = [], []

        def get(resource, args, state):
            reads.append(args["Bucket"])
            return {"Body": S3_OBJECTS[(args["Bucket"], args["Key"])].decode()}

        def put(resource, args, state):
            writes.append((args["Bucket"], args["Key"], args["Body"]))
            return {}

        with child_histories() as children:
            execution = Executor(machine, lambdas={ARN: _minimal_handler}, mocks={s3.GET: [get], s3.PUT: [put]}).run({})
        o, answers = ours(execution, machine, child_events(execution, children), s3.written(writes))
        case = Case(name, machine_name(f"minimal-{name}", machine), machine, {}, o, answers)
        if reads or writes:
            case.objects = {k: v for k, v in S3_OBJECTS.items() if k[0] in reads}
            case.buckets = frozenset(reads) | {b for b, _, _ in writes}
        cases.append(case)
    return engine.run(cases)


def _minimal_handler(event, context):
    if event["step"] == "fails":
        raise ValueError("no")
    if event["step"] == "big":
        return "x" * 300_000  # over Step Functions' 256 KB payload quota
    return event["step"]


def test_each_known_disagreement_still_holds(engine):
    """The smallest definition showing each: if an engine changes, the expectation must go (or be reworded)."""
    assert set(MINIMAL) == set(KNOWN)
    cases = _run_minimal(MINIMAL, engine)
    problems = [f"{c.label}: " + ("no longer differs: remove the expectation" if not c.differences() else
                                  f"now differs as {explain(c)}:\n{_describe(c)}")
                for c in cases if explain(c) != c.label]
    assert not problems, "\n\n".join(problems)


# ------------------------------------------------------------------------------- the shapes compiled machines use
_UNCAUGHT = {"Type": "Fail", "Error": "{% " + to_text(fail_error(path("states", "input", "Error"),
                                                                  path("states", "input", "Cause"))) + " %}",
             "Cause": "{% $states.input.Cause %}"}
_TO_FAIL = [{"ErrorEquals": ["States.ALL"], "Output": "{% $states.errorOutput %}", "Next": "uncaught error"}]
# name -> (definition, the known disagreement it shows or None): each shape the compiler emits where an error is
# caught or ends the execution, as small as it gets. A compiled machine may rely on these and on nothing else of
# what a Catch sees (docs/executor.md, "A second engine").
RELIED = {
    # a failing argument of a Task is caught by its Catch
    "task-arguments-caught": ({"StartAt": "T", "States": {
        "T": {**_task("works"), "Arguments": "{% $error(\"boom\") %}", "Catch": _CATCH_ALL}, "caught": _CAUGHT}},
        None),
    # so is a failing value in a Task's Assign
    "task-assign-caught": ({"StartAt": "T", "States": {
        "T": {**_task("works"), "Assign": {"x": "{% $error(\"boom\") %}"}, "Catch": _CATCH_ALL}, "caught": _CAUGHT}},
        None),
    # and in a Map's Assign: a Map over no items holds the values that a try's Catch must see (Pass and Choice
    # states have none), where a one-branch Parallel did before (not caught by LocalStack, in its Assign or branch)
    "map-assign-caught": ({"StartAt": "M", "States": {
        "M": {"Type": "Map", "Items": [], "End": True, "Catch": _CATCH_ALL, "Assign": {"x": "{% $error(\"boom\") %}"},
              "ItemProcessor": {"StartAt": "N", "States": {"N": {"Type": "Succeed"}}}}, "caught": _CAUGHT}},
        None),
    # a failing value in a Catch's own Assign ends the execution (how a missing input field read again on the
    # catch path of a workflow's first state fails as Python does, before any handler)
    "catch-assign-error-ends-the-execution": ({"StartAt": "T", "States": {
        "T": {**_task("fails"), "Catch": [{**_CATCH_ALL[0], "Assign": {"x": "{% $error(\"missing\") %}"}}]},
        "caught": _CAUGHT}}, "jsonata-error-name"),
    # a computed Fail (a re-raise: error_names.fail_error): a user error name as it is
    "fail-reports-a-user-error": ({"StartAt": "T", "States": {
        "T": {**_task("fails"), "Catch": _TO_FAIL}, "uncaught error": _UNCAUGHT}}, None),
    # a reserved name without its prefix
    "fail-reports-a-reserved-name-without-prefix": ({"StartAt": "T", "States": {
        "T": {**_task("fails"), "Catch": [{**_TO_FAIL[0], "Output": "{% {'Error': 'States.Timeout', 'Cause': ''} %}"}]},
        "uncaught error": _UNCAUGHT}}, None),
    # an expression error raised again as one
    "fail-raises-an-expression-error-again": ({"StartAt": "T", "States": {
        "T": {**_task("works"), "Arguments": "{% $error(\"boom\") %}", "Catch": _TO_FAIL},
        "uncaught error": _UNCAUGHT}}, "jsonata-error-name"),
}



def _in_branch(states: dict, start: str) -> dict:
    """A Parallel, caught by _CATCH_ALL, whose one branch is ``states`` (from ``start``)."""
    return {"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "End": True, "Catch": _CATCH_ALL,
              "Branches": [{"StartAt": start, "States": states}]}, "caught": _CAUGHT}}


_LEAVE_BRANCH = {"Type": "Fail", "Error": "{% " + to_text(branch_fail_error(path("states", "input", "Error"))) + " %}",
                 "Cause": "{% $states.input.Cause %}"}
_BRANCH_CATCH = [{"ErrorEquals": [*EXPRESSION_ERRORS, DATA_LIMIT], "Output": "{% $states.errorOutput %}",
                  "Next": "leave"}]
RELIED.update({
    # inside a branch whose Parallel a handler covers (lower/branch_errors.py): a failing argument of a Task is
    # caught in the branch, which fails with QueryEvaluationError, which the Parallel's Catch sees
    "branch-task-arguments-caught": (_in_branch({
        "T": {**_task("works"), "Arguments": "{% $error(\"boom\") %}", "Catch": _BRANCH_CATCH},
        "leave": _LEAVE_BRANCH}, "T"), None),
    # a test of a Choice, evaluated in the Assign of a Map over no items first
    "branch-map-assign-caught": (_in_branch({
        "M": {"Type": "Map", "Items": [], "End": True, "Catch": _BRANCH_CATCH, "Assign": {"x": "{% $error(\"b\") %}"},
              "ItemProcessor": {"StartAt": "N", "States": {"N": {"Type": "Succeed"}}}},
        "leave": _LEAVE_BRANCH}, "M"), None),
    # and the name the branch fails with is the one the execution ends with when nothing catches it
    "branch-leaves-as-query-evaluation-error": ({"StartAt": "P", "States": {"P": {
        "Type": "Parallel", "End": True, "Branches": [{"StartAt": "T", "States": {
            "T": {**_task("works"), "Arguments": "{% $error(\"boom\") %}", "Catch": _BRANCH_CATCH},
            "leave": _LEAVE_BRANCH}}]}}}, "jsonata-error-name"),
    # a step's result over the size quota, caught in the branch, which fails with DataLimitExceeded (both engines
    # enforce the quota on a Lambda's result, and both catch it)
    "branch-data-limit-caught": (_in_branch({
        "T": {**_task("big"), "Catch": [{**_BRANCH_CATCH[0], "ErrorEquals": [DATA_LIMIT]}]},
        "leave": {**_LEAVE_BRANCH, "Error": "DataLimitExceeded"}}, "T"), None),
    # an error the branch raises again leaves it named by error_names.branch_fail_error: a user name as it is
    "branch-raises-again": ({"StartAt": "P", "States": {"P": {
        "Type": "Parallel", "End": True, "Branches": [{"StartAt": "T", "States": {
            "T": {**_task("fails"), "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"e": "{% $states.errorOutput %}"},
                                               "Next": "again"}]},
            "again": {"Type": "Fail", "Error": "{% " + to_text(branch_fail_error(path("e", "Error"))) + " %}",
                      "Cause": "{% $e.Cause %}"}}}]}}}, None),
})


def test_the_shapes_compiled_machines_rely_on_agree(engine):
    cases = _run_minimal({n: d for n, (d, _) in RELIED.items()}, engine)
    problems = [f"{c.label}: expected {RELIED[c.label][1] or 'agreement'}, got {explain(c) or 'a difference'}:\n"
                + _describe(c) for c in cases if (explain(c) if c.differences() else None) != RELIED[c.label][1]]
    assert not problems, "\n\n".join(problems)


# ------------------------------------------------------------------ what LocalStack takes of batching and writing
def _writer_map(**fields) -> dict:
    return {"QueryLanguage": "JSONata", **_distributed(_SUCCEEDS, **fields)}


# each form that could let click_scores run on LocalStack, and the words of its refusal (docs/executor.md)
REFUSED_FORMS = {
    "jsonpath-item-batcher": ({"StartAt": "M", "States": {"M": {
        **_distributed(_SUCCEEDS, None)["States"]["M"], "ItemBatcher": {"MaxItemsPerBatch": 2}}}},
        'at "ItemBatcher", mismatched input'),
    "jsonata-writer-parameters": (_writer_map(ResultWriter={"Resource": s3.PUT, "Parameters": {"Bucket": "o"}}),
                                  "Unsupported declaration in QueryLanguage=JSONPath block"),
    "jsonata-writer-resource-only": (_writer_map(ResultWriter={"Resource": s3.PUT}),
                                     "Expected a Parameters/Arguments declaration"),
    "jsonata-writer-config": (_writer_map(ResultWriter={"WriterConfig": {"OutputType": "JSON", "Transformation": "NONE"}}),
                              'at "WriterConfig", mismatched input'),
}


def test_localstack_refuses_every_form_of_batching_and_jsonata_writer(engine):
    import botocore.exceptions

    problems = []
    for name, (definition, words) in REFUSED_FORMS.items():
        try:
            engine.server.create_machine(machine_name(f"form-{name}", definition), definition)
            problems.append(f"{name}: LocalStack now accepts it (docs/executor.md, item-batcher-unsupported)")
        except botocore.exceptions.ClientError as exc:
            error = exc.response["Error"]
            if error["Code"] != "InvalidDefinition" or words not in error["Message"]:
                problems.append(f"{name}: refused otherwise: {error}")
    assert not problems, "\n".join(problems)
