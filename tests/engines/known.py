"""The known disagreements between our executor and LocalStack, each matched precisely against the differences of
one execution (never "these fields may differ"). docs/executor.md ("A second engine") lists them with the case that
shows each and what AWS's documentation says."""
from __future__ import annotations

import dataclasses
import re
from typing import Callable

from .harness import Case

_JEXCEPTION = re.compile(r"""JSONataException\(\('UNKNOWN', ['"]com\.dashjoin\.jsonata\.JException: \{"(.*)"\}['"]\)\)$""",
                         re.S)
_CUSTOM_NAME = re.compile(r"ValueError\(Custom Error Names MUST NOT begin with the prefix 'States\.', got "
                          r"'(States\.[A-Za-z]+)'\.\)$")


@dataclasses.dataclass(frozen=True)
class Known:
    name: str
    fields: frozenset[str]                 # exactly the fields that differ
    check: Callable[[Case], bool]          # and how, on this case
    summary: str
    # LocalStack runs Parallel branches in threads: whether a sibling got as far as its Task before the failure
    # stopped it is a race there, so a case expected to show this one may also agree
    racy: bool = False
    also: frozenset[str] = frozenset()     # fields that may differ as well (a race: how far the sibling got)


_INNER = re.compile(r"""\('UNKNOWN', 'com\.dashjoin\.jsonata\.JException: \{"(.*)"\}'\)$""", re.S)


def _unquote(text: str) -> str:
    """LocalStack's JException text escapes a quote once per level it was re-raised through: undo every level."""
    return re.sub(r"\\+'", "'", text)


def _same_thrown(ours: str, message: str) -> bool:
    """Whether our cause reports the $error ``message`` LocalStack reports. A compiled Fail state re-raises a caught
    expression error as one ($error of its cause): then LocalStack's message is its own inner error (the arguments
    of the JException it caught) and ours names the Fail state's field, then our inner cause."""
    if ours.endswith(f"D3137: {message}"):
        return True
    _, _, rest = ours.partition("D3137: ")
    m = _INNER.match(message)
    return bool(m and rest) and _same_thrown(rest, _unquote(m.group(1)))


# a thrown error of a state's own field (a Map's Items, ...) that nothing catches: LocalStack names the state as ours
_STATE_JEXCEPTION = re.compile(r"""(An error occurred while executing the state '.*' \(entered at the event id #\d+\)\.) """
                               r"""\('UNKNOWN', 'com\.dashjoin\.jsonata\.JException: \{"(.*)"\}'\)$""", re.S)


def _thrown_message(case: Case) -> str | None:
    """The $error message LocalStack reports for a thrown JSONata error, when ours reports the same one (a Parallel
    branch that caught it hands on the inner error as its cause: lower/branch_errors.py)."""
    ours = case.ours.cause or ""
    m = _JEXCEPTION.match(case.theirs.cause or "") or _INNER.match(case.theirs.cause or "")
    if not m:
        m = _STATE_JEXCEPTION.match(case.theirs.cause or "")
        if not m or not ours.startswith(m.group(1) + " "):
            return None
        message = _unquote(m.group(2))
        return message if ours.endswith(f"D3137: {message}") else None
    message = _unquote(m.group(1))
    return message if _same_thrown(ours, message) else None


def _states_of(machine: dict):
    for name, state in machine.get("States", {}).items():
        yield name, state
        for branch in state.get("Branches", []):
            yield from _states_of(branch)
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                yield from _states_of(state[key])


def _computed_fail_states(case: Case) -> set[str]:
    return {n for n, s in _states_of(case.definition) if s["Type"] == "Fail" and str(s.get("Error", "")).startswith("{%")}


# the names a thrown JSONata error ends an execution with (ours, LocalStack's): as it is, or renamed by the Parallel
# branch that caught it (lower/branch_errors.py), where each engine hands on its own cause
_THROWN_NAMES = {("States.QueryEvaluationError", "States.Runtime"), ("QueryEvaluationError", "QueryEvaluationError")}


def _thrown_error(case: Case) -> bool:
    return (case.ours.error, case.theirs.error) in _THROWN_NAMES and _thrown_message(case) is not None


def _failed_in_branch(case: Case) -> bool:
    """A States.* error left a Parallel branch and nothing caught it (an expression's, the size quota's): ours ended
    the execution with it, LocalStack with its refusal of the prefix (States.Runtime), after the same states."""
    m = _CUSTOM_NAME.match(case.theirs.cause or "")
    if not (m and case.theirs.error == "States.Runtime" and case.ours.status == case.theirs.status == "FAILED"):
        return False
    refused = m.group(1)  # LocalStack's own name for the error: States.Runtime for a thrown expression
    same = refused == case.ours.error or (refused, case.ours.error) == ("States.Runtime", "States.QueryEvaluationError")
    return same and any(s["Type"] == "Parallel" and case.ours.entered.get(n) for n, s in _states_of(case.definition))


def _fail_with_states_name(case: Case) -> bool:
    m = _CUSTOM_NAME.match(case.theirs.cause or "")
    if not (m and case.theirs.error == "States.Runtime" and (case.ours.error or "").startswith("States.")):
        return False
    refused = m.group(1)
    # LocalStack names a thrown JSONata error States.Runtime, so that is the name its Catch hands to the Fail state
    same = refused == case.ours.error or (refused, case.ours.error) == ("States.Runtime", "States.QueryEvaluationError")
    fails = _computed_fail_states(case)
    return same and any(case.ours.entered.get(f) and case.theirs.entered.get(f) for f in fails)


def _thrown_in_parallel_not_caught(case: Case) -> bool:
    if not _thrown_error(case):
        return False
    extra = {n: k - case.theirs.entered.get(n, 0) for n, k in case.ours.entered.items()
             if k != case.theirs.entered.get(n, 0)}
    # ours caught it and ended in the computed Fail state; LocalStack failed in the Parallel state itself
    parallel_with_assign = {n for n, s in _states_of(case.definition) if s["Type"] == "Parallel" and "Assign" in s}
    missing_on_ours = set(case.theirs.entered) - set(case.ours.entered)
    return (len(extra) == 1 and set(extra) <= _computed_fail_states(case) and list(extra.values()) == [1]
            and not missing_on_ours and any(case.ours.entered.get(p) for p in parallel_with_assign)
            and f"executing the state '" in (case.ours.cause or "")
            and any(f"executing the state '{p}'" in case.ours.cause for p in parallel_with_assign))


def _branch_states(case: Case) -> set[str]:
    out = set()
    for _, s in _states_of(case.definition):
        for branch in s.get("Branches", []):
            out |= {n for n, _ in _states_of(branch)}
    return out


def _parallel_siblings(case: Case) -> bool:
    ours, theirs = case.ours, case.theirs
    more = {n for n in theirs.entered if theirs.entered[n] != ours.entered.get(n, 0)}
    if not more or any(theirs.entered[n] < ours.entered.get(n, 0) for n in more) or set(ours.entered) - set(theirs.entered):
        return False
    requests_kept = all(set(v) <= set(theirs.requests.get(k, [])) for k, v in ours.requests.items())
    return more <= _branch_states(case) and requests_kept and ours.status == "FAILED"


def _caught_only_by_ours(holds: Callable[[dict], bool]) -> Callable[[Case], bool]:
    """Ours caught an error that a state raised where LocalStack's Catch does not look (``holds`` says which
    states can raise it there): ours went on to the catcher's target, LocalStack failed with the thrown error."""
    def check(case: Case) -> bool:
        ours, theirs = case.ours, case.theirs
        if not (theirs.status == "FAILED" and theirs.error == "States.Runtime" and _JEXCEPTION.match(theirs.cause or "")
                and set(theirs.entered) < set(ours.entered)):
            return False
        return any(holds(s) and s.get("Catch") and theirs.entered.get(n) and ours.entered.get(s["Catch"][0]["Next"])
                   for n, s in _states_of(case.definition))
    return check


def _template(value) -> bool:
    return isinstance(value, str) and value.startswith("{%")


def _branch_error_refused(case: Case) -> bool:
    """A Parallel branch (or Map iteration) failed with a States.* error: LocalStack re-raises a branch's error as a
    user error name, which refuses the prefix, so its Parallel fails with that refusal instead of the error."""
    m = _CUSTOM_NAME.match(case.theirs.cause or "")
    return bool(m and case.theirs.error == "States.Runtime" and case.theirs.status == "FAILED"
                and set(case.theirs.entered) <= set(case.ours.entered)
                and any(s["Type"] in ("Parallel", "Map") and case.theirs.entered.get(n) for n, s in _states_of(case.definition)))


def _distributed_maps(case: Case) -> list[dict]:
    return [s for _, s in _states_of(case.definition) if s["Type"] == "Map"
            and (s.get("ItemProcessor", {}).get("ProcessorConfig") or {}).get("Mode") == "DISTRIBUTED"]


def _has_tolerance(state: dict) -> bool:
    return any(k.startswith("ToleratedFailure") for k in state)


def _refused_at(field: str) -> Callable[[Case], bool]:
    """LocalStack's parser refused the definition at ``field`` (CreateStateMachine: InvalidDefinition)."""
    def check(case: Case) -> bool:
        return (case.theirs.status == "REFUSED" and case.theirs.error == "InvalidDefinition"
                and f'at "{field}", mismatched input' in (case.theirs.cause or "") and case.ours.status != "REFUSED")
    return check


def _batcher_refused(case: Case) -> bool:
    return _refused_at("ItemBatcher")(case) and any("ItemBatcher" in s for s in _distributed_maps(case))


def _writer_arguments_refused(case: Case) -> bool:
    return _refused_at("Arguments")(case) and any("Arguments" in s.get("ResultWriter", {})
                                                  for s in _distributed_maps(case))


def _manifest_only(case: Case) -> bool:
    """LocalStack wrote one manifest.json listing no result file; ours wrote the result files and their manifest."""
    theirs, ours = case.theirs.written, case.ours.written
    return (bool(theirs) and all(k.endswith("/manifest.json") for k in theirs)
            and all(m.get("ResultFiles") == {"FAILED": [], "PENDING": [], "SUCCEEDED": []} for m in theirs.values())
            and set(theirs) <= set(ours) and len(ours) > len(theirs))


_OUR_THRESHOLD, _THEIR_THRESHOLD = ("The specified tolerance threshold was exceeded",
                                    "The specified tolerated failure threshold was exceeded")


def _threshold_cause(case: Case) -> bool:
    return ((case.ours.cause, case.theirs.cause) == (_OUR_THRESHOLD, _THEIR_THRESHOLD)
            and case.ours.error == case.theirs.error
            and (case.ours.error or "").endswith("ExceedToleratedFailureThreshold"))


def _child_failure_ignored(case: Case) -> bool:
    """A Distributed Map without a tolerated-failure field: ours failed with a child's error, LocalStack's Map
    succeeded (a failed child's result null)."""
    return (case.ours.status == "FAILED" and case.theirs.status == "SUCCEEDED"
            and any(not _has_tolerance(s) for s in _distributed_maps(case)))


def _errors_nulled(value):
    """``value`` with every {"Error", "Cause"} object (a failed child's entry, ours) replaced by null (LocalStack's)."""
    if isinstance(value, dict):
        return None if set(value) == {"Error", "Cause"} else {k: _errors_nulled(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_errors_nulled(v) for v in value]
    return value


def _entry_null(case: Case) -> bool:
    import json
    ours, theirs = case.ours, case.theirs
    requests = {k: sorted(json.dumps(_errors_nulled(json.loads(r)), sort_keys=True, separators=(",", ":")) for r in v)
                for k, v in ours.requests.items()}
    return (any(_has_tolerance(s) for s in _distributed_maps(case)) and _errors_nulled(ours.output) == theirs.output
            and requests == theirs.requests)


def _csv_empty_object(case: Case) -> bool:
    readers = [s["ItemReader"] for s in _distributed_maps(case) if "ItemReader" in s]
    csv_first_row = any((r.get("ReaderConfig") or {}).get("CSVHeaderLocation") == "FIRST_ROW" for r in readers)
    empty = any(body == b"" for body in (case.objects or {}).values())
    return (csv_first_row and empty and case.ours.status == "SUCCEEDED" and case.theirs.status == "FAILED"
            and case.theirs.error == "States.Runtime")


def _as_localstack_chooses(machine: dict) -> bool:
    """Rewrite ``machine`` in place as LocalStack runs its Choices: a rule that goes to the Default's state also
    evaluates the state's Assign after its own. Whether any Choice changed."""
    changed = False
    for _, state in _states_of(machine):
        if state["Type"] != "Choice" or "Assign" not in state:
            continue
        for rule in state.get("Choices", []):
            if rule.get("Next") == state.get("Default"):
                rule["Assign"] = {**rule.get("Assign", {}), **state["Assign"]}
                changed = True
    return changed


def _choice_assign_on_rule_path(case: Case) -> bool:
    """LocalStack evaluates a Choice state's own Assign after the matched rule's when that rule goes where the
    Default goes; ours evaluates the rule's only. Exactly that: our executor, run on the definition rewritten as
    LocalStack chooses and answered with the same step results, does what LocalStack did."""
    import copy

    from pyawssfn.local import Executor

    from .harness import ours

    machine = copy.deepcopy(case.definition)
    if case.theirs.status == "REFUSED" or not _as_localstack_chooses(machine):
        return False
    replay = ours(Executor(machine, mocks=case.answers).run(case.input), machine)[0]
    # the requests of the rewritten machine are the same Tasks', with what LocalStack sent
    return replay.fields() == {**case.theirs.fields(), "written": replay.written}


_FIELD = re.compile(r" specified for the field '[^']*'")
_EVENT = re.compile(r"\(entered at the event id #\d+\)")


def _undefined_field_cause(case: Case) -> bool:
    """A field whose expression returned nothing (undefined): both fail with States.QueryEvaluationError; ours
    words the cause as AWS does (its recording BASE_UNDEFINED_ASSIGN: "... specified for the field 'Assign/x'
    returned nothing (undefined)."), LocalStack without the field, and counts the event ids its own way."""
    ours, theirs = case.ours.cause or "", case.theirs.cause or ""
    if not (case.ours.error == case.theirs.error == "States.QueryEvaluationError"
            and ours.endswith("returned nothing (undefined).") and _FIELD.search(ours)):
        return False
    return _EVENT.sub("", _FIELD.sub("", ours)) == _EVENT.sub("", theirs)


KNOWN = {k.name: k for k in [
    Known("jsonata-error-name", frozenset({"cause"}), _thrown_error,
          "a JSONata expression that throws ($error) fails with States.QueryEvaluationError on ours, States.Runtime "
          "(cause: the Java exception) on LocalStack; out of a Parallel branch that renames it, QueryEvaluationError "
          "on both, each engine's cause", also=frozenset({"error"})),
    Known("undefined-field-cause", frozenset({"cause"}), _undefined_field_cause,
          "a field (an Assign entry) whose expression returns nothing: both fail with States.QueryEvaluationError; "
          "ours names the field in the cause as AWS does, LocalStack does not (and counts event ids its own way)"),
    Known("branch-states-error-uncaught", frozenset({"error", "cause"}), _failed_in_branch,
          "a States.* error (an expression's, a result over the size quota) that leaves a Parallel branch with "
          "nothing around the Parallel to catch it: ours ends the execution with it, LocalStack with States.Runtime "
          "(cause: its refusal of the prefix, 'Custom Error Names MUST NOT begin with the prefix States.'), after "
          "the same states"),
    Known("fail-error-states-prefix", frozenset({"error", "cause"}), _fail_with_states_name,
          "a Fail state whose Error evaluates to a States.* name: ours fails with it, LocalStack refuses it "
          "(States.Runtime, 'Custom Error Names MUST NOT begin with the prefix States.')"),
    Known("throw-in-parallel-assign-not-caught", frozenset({"error", "cause", "entered"}), _thrown_in_parallel_not_caught,
          "a thrown error in a Parallel state's own Assign: ours catches it (its Catch leads to the computed Fail "
          "state), LocalStack does not"),
    Known("parallel-failed-branch-siblings", frozenset({"entered"}), _parallel_siblings,
          "when a Parallel branch fails, LocalStack has started the other branches (their first Task is invoked); "
          "ours runs the branches one after the other and stops at the failure", racy=True,
          also=frozenset({"requests"})),
    Known("output-error-not-caught", frozenset({"status", "output", "error", "cause", "entered"}),
          _caught_only_by_ours(lambda s: _template(s.get("Output"))),
          "an error of a state's own Output: ours's Catch catches it, LocalStack's does not (it evaluates Output "
          "after Retry and Catch)"),
    Known("parallel-arguments-error-not-caught", frozenset({"status", "output", "error", "cause", "entered"}),
          _caught_only_by_ours(lambda s: s["Type"] == "Parallel" and _template(s.get("Arguments"))),
          "an error of a Parallel state's Arguments: ours's Catch catches it, LocalStack's does not"),
    Known("branch-states-error-refused", frozenset({"status", "output", "error", "cause"}), _branch_error_refused,
          "a Parallel branch that fails with a States.* error (a thrown expression, a timeout): ours's Parallel fails "
          "with it (and its Catch sees it), LocalStack refuses the name (States.Runtime, 'Custom Error Names MUST "
          "NOT begin with the prefix States.'); a compiled branch lets only a thrown expression out so (a step's "
          "timeout leaves it as Timeout)", also=frozenset({"entered"})),
    Known("item-batcher-unsupported", frozenset({"status", "error", "cause"}), _batcher_refused,
          "a Distributed Map with an ItemBatcher: LocalStack's ASL parser has no ItemBatcher and refuses the "
          "definition (InvalidDefinition)", also=frozenset({"output", "entered", "requests", "written",
                                                              "child_requests"})),
    Known("result-writer-arguments-refused", frozenset({"status", "error", "cause"}), _writer_arguments_refused,
          "a JSONata ResultWriter's Arguments: LocalStack's parser takes only JSONPath's Parameters there and "
          "refuses the definition", also=frozenset({"output", "entered", "requests", "written", "child_requests"})),
    Known("result-writer-manifest-only", frozenset({"written"}), _manifest_only,
          "a ResultWriter: ours writes SUCCEEDED_0.json / FAILED_0.json and a manifest listing them, LocalStack "
          "writes only a manifest.json that lists no result file"),
    Known("tolerance-threshold-cause", frozenset({"cause"}), _threshold_cause,
          "a Distributed Map beyond its tolerated failures: both fail with States.ExceedToleratedFailureThreshold, "
          f"ours caused {_OUR_THRESHOLD!r}, LocalStack (its TestState's words, through the harness's patch) "
          f"{_THEIR_THRESHOLD!r}"),
    Known("distributed-child-failure-ignored", frozenset({"status", "output", "error", "cause"}),
          _child_failure_ignored,
          "a failed child of a Distributed Map without a tolerated-failure field: ours fails the Map with the "
          "child's error, LocalStack's Map succeeds with null in its place", also=frozenset({"entered", "requests"})),
    Known("tolerated-failure-entry-null", frozenset(), _entry_null,
          "a tolerated failed child of a Distributed Map: its entry in the Map's result is {Error, Cause} on ours, "
          "null on LocalStack", also=frozenset({"output", "requests"})),
    Known("csv-reader-empty-object", frozenset({"status", "output", "error"}), _csv_empty_object,
          "an ItemReader reading an empty CSV object whose header is its first row: ours reads no items, "
          "LocalStack fails (States.Runtime: reading the header row finds none)",
          also=frozenset({"cause", "entered", "requests"})),
    Known("choice-state-assign-on-rule-path", frozenset(), _choice_assign_on_rule_path,
          "a Choice with its own Assign whose matched rule goes to the Default's state: LocalStack also evaluates "
          "the state's Assign, after the rule's (its values win); ours evaluates the rule's only",
          also=frozenset({"status", "output", "error", "cause", "entered", "requests"})),
]}


def explain(case: Case) -> str | None:
    """The name of the known disagreement that explains exactly how ``case`` differs, or None."""
    diffs = set(case.differences())
    for k in KNOWN.values():
        if k.fields <= diffs <= k.fields | k.also and k.check(case):
            return k.name
    return None
