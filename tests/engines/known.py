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
    """The $error message LocalStack reports for a thrown JSONata error, when ours reports the same one."""
    ours = case.ours.cause or ""
    m = _JEXCEPTION.match(case.theirs.cause or "")
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


def _thrown_error(case: Case) -> bool:
    return (case.ours.error == "States.QueryEvaluationError" and case.theirs.error == "States.Runtime"
            and _thrown_message(case) is not None)


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


KNOWN = {k.name: k for k in [
    Known("jsonata-error-name", frozenset({"error", "cause"}), _thrown_error,
          "a JSONata expression that throws ($error) fails with States.QueryEvaluationError on ours, States.Runtime "
          "(cause: the Java exception) on LocalStack"),
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
]}


def explain(case: Case) -> str | None:
    """The name of the known disagreement that explains exactly how ``case`` differs, or None."""
    diffs = set(case.differences())
    for k in KNOWN.values():
        if k.fields <= diffs <= k.fields | k.also and k.check(case):
            return k.name
    return None
