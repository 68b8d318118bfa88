"""Our own checks of an ASL definition: the rules statelint does not know (JSONata, Variables, Retry ranges, limits)
and the ones where its answer differs from what AWS accepts (reachability, field sets, variable references)."""
from __future__ import annotations

import math
import re
import unicodedata
from collections import deque
from typing import Any, Iterator

from pyawssfn.asl import constants as C
from pyawssfn.asl.jsonata_syntax import checked_by_own_parser, jsonata_body, syntax_error, top_level_references
from pyawssfn.asl.paths import is_path, is_path_or_intrinsic
from pyawssfn.asl.problem import Problem, join

# Fields holding a nested state machine: checked as their own scope, never as expressions of the enclosing state.
_NESTED_MACHINE_FIELDS = ("Branches", "ItemProcessor", "Iterator")
# JSONPath fields that take a Reference Path (a path to a single node), and whether they may also be an intrinsic.
REFERENCE_PATH_FIELDS = {
    "InputPath": "nullable", "OutputPath": "nullable", "ResultPath": "result", "ItemsPath": "path",
    "SecondsPath": "path", "TimestampPath": "path", "TimeoutSecondsPath": "path", "HeartbeatSecondsPath": "path",
    "MaxConcurrencyPath": "path", "ToleratedFailureCountPath": "path", "ToleratedFailurePercentagePath": "path",
    "ErrorPath": "intrinsic", "CausePath": "intrinsic",
}
# $states.result and $states.errorOutput exist only in some fields; AWS rejects other uses when the machine is
# created (Passing data between states with variables: "Reserved variable: $states").
_STATES_RESULT = re.compile(r"\$states\s*\.\s*result\b")
_STATES_ERROR_OUTPUT = re.compile(r"\$states\s*\.\s*errorOutput\b")
_RESULT_TYPES = ("Task", "Parallel", "Map")
# JSONPath payload templates: keys ending in ".$" hold a path or an intrinsic function.
_PAYLOAD_TEMPLATE_FIELDS = ("Parameters", "ResultSelector", "ItemSelector", "Assign")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_id_start(ch: str) -> bool:
    # Unicode ID_Start: letters, letter numbers (and the Other_ID_Start few, which are all So/Mn and rare). The
    # underscore is accepted too, as in JavaScript, which the AWS guide names as the model for variable names.
    return ch == "_" or unicodedata.category(ch) in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nl")


def _is_id_continue(ch: str) -> bool:
    return _is_id_start(ch) or unicodedata.category(ch) in ("Mn", "Mc", "Nd", "Pc")


def variable_name_problem(name: str) -> str | None:
    if not name:
        return "a variable name cannot be empty"
    if len(name) > C.MAX_VARIABLE_NAME_LENGTH:
        return f"variable name {name!r} is longer than {C.MAX_VARIABLE_NAME_LENGTH} characters"
    if not _is_id_start(name[0]) or not all(_is_id_continue(ch) for ch in name[1:]):
        return (f"invalid variable name {name!r}: it must start with a letter or _ and continue with letters, "
                "digits or _ (you cannot assign to part of a variable such as x.y or x[0])")
    if name == "states":
        return "$states is reserved by Step Functions and cannot be assigned"
    return None


def state_name_problem(name: str) -> str | None:
    if not name:
        return "a state name cannot be empty"
    if len(name) > C.MAX_STATE_NAME_LENGTH:
        return f"state name is {len(name)} characters long; the limit is {C.MAX_STATE_NAME_LENGTH}"
    bad = sorted({ch for ch in name if unicodedata.category(ch) in ("Cc", "Cs", "Cn")
                  or 0xFFFE <= ord(ch) <= 0xFFFF})
    if bad:
        shown = ", ".join(f"U+{ord(ch):04X}" for ch in bad)
        return f"state name contains forbidden control or invalid characters ({shown})"
    return None


def _walk_strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string inside ``value`` (dict keys excluded) with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _walk_strings(v, join(path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk_strings(v, join(path, i))


def _reads_states(body: str, pattern: re.Pattern, field: str) -> bool:
    """Whether the expression reads $states.<field>: on its tree, so that a string literal mentioning it does not
    count (the text is the answer only where the tree parser does not model the syntax)."""
    if not pattern.search(body):
        return False
    from pyawssfn.jsonata.parse import ParseError, parse_cached
    from pyawssfn.jsonata.tree import states_fields
    try:
        return field in states_fields(parse_cached(body))
    except ParseError:
        return True


class Checker:
    """Walks a parsed definition once and collects every problem it finds."""

    def __init__(self, own_parser: bool = False) -> None:
        self.problems: list[Problem] = []
        # A compiled definition's JSONata is read by pyawssfn's own parser first (see checked_by_own_parser).
        self.own_parser = own_parser
        # Objects whose unknown fields we report ourselves (statelint's opinion on them is dropped).
        self.covered: set[str] = set()
        # Query language in force at each state path, to judge statelint's complaints about JSONata values.
        self.query_language: dict[str, str] = {}
        self._state_paths: dict[str, str] = {}
        self.top_query_language = C.JSONPATH

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    # -- containers ------------------------------------------------------------------------------------------------

    def run(self, definition: dict) -> list[Problem]:
        ql = definition.get("QueryLanguage")
        ql = ql if ql in C.QUERY_LANGUAGES else C.JSONPATH
        self.top_query_language = ql
        self._container(definition, "", ql, C.ROOT_FIELDS, outer_variables=frozenset())
        timeout = definition.get("TimeoutSeconds")
        if timeout is not None and (not _is_int(timeout) or not 0 < timeout <= C.MAX_TIMEOUT_SECONDS):
            self.add("TimeoutSeconds", f"must be an integer from 1 to {C.MAX_TIMEOUT_SECONDS}")
        return self.problems

    def _container(self, machine: Any, path: str, ql: str, allowed: frozenset[str],
                   outer_variables: frozenset[str]) -> None:
        where = path or "the definition"
        if not isinstance(machine, dict):
            self.add(path or "(definition)", "must be a JSON object with StartAt and States")
            return
        self.covered.add(path)
        for field in machine:
            if field not in allowed:
                self.add(join(path, field), f'unknown field "{field}" in {where}')
        states = machine.get("States")
        if not isinstance(states, dict):
            return  # statelint reports the missing or mistyped field
        states_path = join(path, "States")
        if not states:
            self.add(states_path, "must hold at least one state")
        start = machine.get("StartAt")
        if "StartAt" in machine and not isinstance(start, str):
            self.add(join(path, "StartAt"), f"is {_show(start)}; it must be the name of a state")
        if isinstance(start, str) and start not in states:
            self.add(join(path, "StartAt"), f'StartAt target "{start}" is not a state in {where}')

        variables = self._assigned_variables(states)
        for name in sorted(variables & outer_variables):
            self.add(states_path, f"variable ${name} is already assigned in an enclosing scope; a Parallel branch "
                                  "or Map iteration cannot assign a variable of its outer scope")
        scope_variables = outer_variables | variables

        for name, state in states.items():
            state_path = join(states_path, name)
            problem = state_name_problem(name)
            if problem:
                self.add(state_path, problem)
            if name in self._state_paths:
                self.add(state_path, f'duplicate state name "{name}" (also at {self._state_paths[name]}); state '
                                     "names must be unique in the whole state machine")
            else:
                self._state_paths[name] = state_path
            self._state(state, state_path, ql, states, scope_variables)

        self._reachability(states, start, states_path)

    def _reachability(self, states: dict, start: Any, states_path: str) -> None:
        if not isinstance(start, str) or start not in states:
            return
        seen = {start}
        queue = deque([start])
        dangling = False
        while queue:
            state = states[queue.popleft()]
            for target in _targets(state):
                if target not in states:
                    dangling = True  # already reported; the missing state may well be the terminal one
                elif target not in seen:
                    seen.add(target)
                    queue.append(target)
        for name in states:
            if name not in seen:
                self.add(join(states_path, name), f'state "{name}" is not reachable from StartAt "{start}"')
        if not dangling and not any(_is_terminal(states[name]) for name in seen):
            self.add(states_path, "no reachable terminal state: every path loops forever (add End: true, a "
                                  "Succeed or a Fail state)")

    @staticmethod
    def _assigned_variables(states: dict) -> set[str]:
        names: set[str] = set()

        def collect(assign: Any) -> None:
            if isinstance(assign, dict):
                names.update(k[:-2] if k.endswith(".$") else k for k in assign)

        for state in states.values():
            if not isinstance(state, dict):
                continue
            collect(state.get("Assign"))
            for key in ("Catch", "Choices"):
                for element in _list(state.get(key)):
                    if isinstance(element, dict):
                        collect(element.get("Assign"))
        return names

    # -- states ----------------------------------------------------------------------------------------------------

    def _state(self, state: Any, path: str, inherited_ql: str, siblings: dict, variables: frozenset[str]) -> None:
        if not isinstance(state, dict):
            self.add(path, "a state must be a JSON object")
            return
        ql = state.get("QueryLanguage", inherited_ql)
        if ql not in C.QUERY_LANGUAGES:
            ql = inherited_ql  # statelint reports the bad value
        if ql == C.JSONPATH and self.top_query_language == C.JSONATA:
            self.add(join(path, "QueryLanguage"), "a state cannot use JSONPath when the state machine's top-level "
                                                  "QueryLanguage is JSONata")
        self.query_language[path] = ql
        kind = state.get("Type")
        if not isinstance(kind, str) or kind not in C.STATE_FIELDS:
            return  # statelint reports a missing or unknown Type; without one no field can be judged
        self.covered.add(path)
        self._fields(state, path, kind, ql, C.STATE_FIELDS[kind], f"a {kind} state")
        self._next_or_end(state, path, kind, siblings)
        if "Assign" in state:
            self._assign(state["Assign"], join(path, "Assign"), ql)
        self._timeouts(state, path)
        for i, retrier in enumerate(_list(state.get("Retry"))):
            self._retrier(retrier, join(join(path, "Retry"), i), i, len(state["Retry"]))
        for i, catcher in enumerate(_list(state.get("Catch"))):
            self._catcher(catcher, join(join(path, "Catch"), i), i, len(state["Catch"]), ql, siblings)
        if kind == "Choice":
            self._choice(state, path, ql, siblings)
        elif kind == "Parallel":
            for i, branch in enumerate(_list(state.get("Branches"))):
                self._container(branch, join(join(path, "Branches"), i), ql, C.BRANCH_FIELDS, variables)
        elif kind == "Map":
            self._map(state, path, ql, variables)
        if ql == C.JSONATA:
            self._jsonata_expressions(state, path)
        else:
            self._jsonpath_fields(state, path)

    def _fields(self, obj: dict, path: str, kind: str, ql: str,
                fields: tuple[frozenset[str], frozenset[str], frozenset[str]], what: str) -> None:
        both, jsonpath_only, jsonata_only = fields
        own = jsonpath_only if ql == C.JSONPATH else jsonata_only
        other = jsonata_only if ql == C.JSONPATH else jsonpath_only
        for field in obj:
            if field in both or field in own:
                continue
            if field in other or field in (C.JSONATA_ONLY_FIELDS if ql == C.JSONPATH else C.JSONPATH_ONLY_FIELDS):
                if ql == C.JSONATA:
                    hint = ("use Arguments and Output with {% %} expressions" if "Arguments" in jsonata_only
                            else "use Output with a {% %} expression")
                    self.add(join(path, field), f'"{field}" is a JSONPath field and cannot be used in {what} that '
                                                f"uses JSONata ({hint})")
                else:
                    self.add(join(path, field), f'"{field}" is a JSONata field and cannot be used in {what} that '
                                                'uses JSONPath (set "QueryLanguage": "JSONata")')
            elif field in ("Next", "End") and kind in ("Choice", "Succeed", "Fail"):
                hint = " (use Default and the rules' Next)" if kind == "Choice" else " (it always ends the branch)"
                self.add(join(path, field), f'{what} cannot have "{field}"{hint}')
            else:
                self.add(join(path, field), f'unknown field "{field}" for {what}')

    def _next_or_end(self, state: dict, path: str, kind: str, siblings: dict) -> None:
        nxt = state.get("Next")
        for field in ("Next", "Default"):
            if field in state and not isinstance(state[field], str):
                self.add(join(path, field), f"is {_show(state[field])}; it must be the name of a state")
        if isinstance(nxt, str) and nxt not in siblings:
            self.add(join(path, "Next"), f'Next target "{nxt}" is not a state in this scope')
        if kind not in C.NEXT_OR_END_TYPES:
            return
        if "Next" in state and "End" in state:
            self.add(path, "has both Next and End; use exactly one")
        elif "End" in state and state["End"] is not True and "Next" not in state:
            self.add(join(path, "End"), "must be true (or give the state a Next)")

    def _timeouts(self, state: dict, path: str) -> None:
        timeout, heartbeat = state.get("TimeoutSeconds"), state.get("HeartbeatSeconds")
        if _is_int(timeout) and _is_int(heartbeat) and heartbeat >= timeout:
            self.add(join(path, "HeartbeatSeconds"),
                     f"HeartbeatSeconds ({heartbeat}) must be smaller than TimeoutSeconds ({timeout})")

    # -- variables -------------------------------------------------------------------------------------------------

    def _assign(self, assign: Any, path: str, ql: str) -> None:
        if not isinstance(assign, dict):
            self.add(path, "Assign must be a JSON object mapping variable names to values")
            return
        for key in assign:
            name = key[:-2] if ql == C.JSONPATH and key.endswith(".$") else key
            problem = variable_name_problem(name)
            if problem:
                self.add(join(path, key), problem)

    # -- error handling --------------------------------------------------------------------------------------------

    def _error_equals(self, element: dict, path: str, index: int, count: int, what: str) -> None:
        errors = element.get("ErrorEquals")
        if not isinstance(errors, list):
            return  # statelint reports the missing or mistyped field
        if "States.ALL" in errors:
            if len(errors) != 1:
                self.add(join(path, "ErrorEquals"), "States.ALL must appear alone in its ErrorEquals")
            if index != count - 1:
                self.add(join(path, "ErrorEquals"), f"States.ALL must be in the last {what}")

    def _retrier(self, retrier: Any, path: str, index: int, count: int) -> None:
        if not isinstance(retrier, dict):
            return  # statelint reports it
        self.covered.add(path)
        for field in retrier:
            if field not in C.RETRIER_FIELDS:
                self.add(join(path, field), f'unknown field "{field}" in a retrier')
        self._error_equals(retrier, path, index, count, "retrier")
        checks = (
            ("MaxAttempts", _is_int, lambda v: 0 <= v <= C.RETRY_MAX_ATTEMPTS,
             f"an integer from 0 to {C.RETRY_MAX_ATTEMPTS}"),
            ("IntervalSeconds", _is_int, lambda v: 1 <= v <= C.RETRY_MAX_INTERVAL_SECONDS,
             f"an integer from 1 to {C.RETRY_MAX_INTERVAL_SECONDS}"),
            ("BackoffRate", _is_number, lambda v: v >= 1.0, "a number greater than or equal to 1.0"),
            ("MaxDelaySeconds", _is_int, lambda v: 0 < v < C.RETRY_MAX_DELAY_SECONDS_EXCLUSIVE,
             f"an integer from 1 to {C.RETRY_MAX_DELAY_SECONDS_EXCLUSIVE - 1}"),
        )
        for field, type_ok, range_ok, expected in checks:
            if field in retrier:
                value = retrier[field]
                if not type_ok(value) or not range_ok(value):
                    self.add(join(path, field), f"is {_show(value)}; it must be {expected}")
        if "JitterStrategy" in retrier and retrier["JitterStrategy"] not in C.JITTER_STRATEGIES:
            self.add(join(path, "JitterStrategy"),
                     f"is {_show(retrier['JitterStrategy'])}; it must be FULL or NONE")

    def _catcher(self, catcher: Any, path: str, index: int, count: int, ql: str, siblings: dict) -> None:
        if not isinstance(catcher, dict):
            return
        self.covered.add(path)
        self._fields(catcher, path, "Catch", ql, C.CATCHER_FIELDS, "a catcher")
        self._error_equals(catcher, path, index, count, "catcher")
        nxt = catcher.get("Next")
        if "Next" in catcher and not isinstance(nxt, str):
            self.add(join(path, "Next"), f"is {_show(nxt)}; it must be the name of a state")
        if isinstance(nxt, str) and nxt not in siblings:
            self.add(join(path, "Next"), f'Next target "{nxt}" is not a state in this scope')
        if "Assign" in catcher:
            self._assign(catcher["Assign"], join(path, "Assign"), ql)

    # -- Choice ----------------------------------------------------------------------------------------------------

    def _choice(self, state: dict, path: str, ql: str, siblings: dict) -> None:
        default = state.get("Default")
        if isinstance(default, str) and default not in siblings:
            self.add(join(path, "Default"), f'Default target "{default}" is not a state in this scope')
        for i, rule in enumerate(_list(state.get("Choices"))):
            rule_path = join(join(path, "Choices"), i)
            if not isinstance(rule, dict):
                continue
            self.covered.add(rule_path)
            self._fields(rule, rule_path, "Choice rule", ql, C.CHOICE_RULE_FIELDS, "a Choice rule")
            nxt = rule.get("Next")
            if "Next" in rule and not isinstance(nxt, str):
                self.add(join(rule_path, "Next"), f"is {_show(nxt)}; it must be the name of a state")
            if isinstance(nxt, str) and nxt not in siblings:
                self.add(join(rule_path, "Next"), f'Next target "{nxt}" is not a state in this scope')
            if "Assign" in rule:
                self._assign(rule["Assign"], join(rule_path, "Assign"), ql)
            if ql == C.JSONATA and "Condition" in rule:
                cond = rule["Condition"]
                if not isinstance(cond, bool) and jsonata_body(cond) is None:
                    self.add(join(rule_path, "Condition"), 'must be a JSONata expression "{% ... %}" (or a boolean)')

    # -- Map -------------------------------------------------------------------------------------------------------

    def _map(self, state: dict, path: str, ql: str, variables: frozenset[str]) -> None:
        if "ItemProcessor" in state and "Iterator" in state:
            self.add(path, "has both ItemProcessor and Iterator; use ItemProcessor")
        for field in ("ItemProcessor", "Iterator"):
            if field in state:
                processor = state[field]
                self._container(processor, join(path, field), ql, C.ITEM_PROCESSOR_FIELDS, variables)
                if isinstance(processor, dict):
                    self._processor_config(processor.get("ProcessorConfig"), join(join(path, field),
                                                                                  "ProcessorConfig"))
        limits = (
            ("MaxConcurrency", _is_int, lambda v: v >= 0, "an integer, 0 or more (0 means no limit)"),
            ("ToleratedFailureCount", _is_int, lambda v: v >= 0, "an integer, 0 or more"),
            ("ToleratedFailurePercentage", _is_number, lambda v: 0 <= v <= 100, "a number from 0 to 100"),
        )
        for field, type_ok, range_ok, expected in limits:
            if field in state:
                value = state[field]
                if ql == C.JSONATA and jsonata_body(value) is not None:
                    continue  # evaluated at run time; its syntax is checked with the other expressions
                if not type_ok(value) or not range_ok(value):
                    self.add(join(path, field), f"is {_show(value)}; it must be {expected}")
        batcher = state.get("ItemBatcher")
        if isinstance(batcher, dict):
            size = batcher.get("MaxInputBytesPerBatch")
            if _is_int(size) and not 0 < size <= C.MAP_MAX_BATCH_BYTES:
                self.add(join(join(path, "ItemBatcher"), "MaxInputBytesPerBatch"),
                         f"is {size}; it must be from 1 to {C.MAP_MAX_BATCH_BYTES} (256 KiB)")

    def _processor_config(self, config: Any, path: str) -> None:
        if not isinstance(config, dict):
            return
        mode = config.get("Mode")
        if mode is not None and mode not in C.PROCESSOR_MODES:
            self.add(join(path, "Mode"), f"is {_show(mode)}; it must be INLINE or DISTRIBUTED")
        etype = config.get("ExecutionType")
        if etype is not None and etype not in C.EXECUTION_TYPES:
            self.add(join(path, "ExecutionType"), f"is {_show(etype)}; it must be STANDARD or EXPRESS")
        if mode == "DISTRIBUTED" and etype is None:
            self.add(path, "a DISTRIBUTED Map needs ExecutionType (STANDARD or EXPRESS)")

    # -- expressions -----------------------------------------------------------------------------------------------

    def _jsonata_expressions(self, state: dict, path: str) -> None:
        kind = state.get("Type")
        for field, value in state.items():
            if field in _NESTED_MACHINE_FIELDS:
                continue
            if field == "Catch" and isinstance(value, list):
                for i, catcher in enumerate(value):
                    if not isinstance(catcher, dict):
                        continue
                    for sub, sub_value in catcher.items():
                        self._expressions(sub_value, join(join(join(path, field), i), sub), result_ok=False,
                                          error_ok=sub in ("Assign", "Output"))
                continue
            self._expressions(value, join(path, field),
                              result_ok=kind in _RESULT_TYPES and field in ("Assign", "Output"), error_ok=False)

    def _expressions(self, value: Any, path: str, *, result_ok: bool, error_ok: bool) -> None:
        for string_path, text in _walk_strings(value, path):
            body = jsonata_body(text)
            if body is None:
                continue
            names = self._top_level_references(string_path, body)
            if names is None:
                continue
            for name in names:
                hint = f"; write $states.input.{name}" if name.isidentifier() else ""
                self.add(string_path, f"reference to '{name}' at the top level is not supported: a JSONata "
                                      f"expression has no context item{hint}")
            if not result_ok and _reads_states(body, _STATES_RESULT, "result"):
                self.add(string_path, "$states.result is only available in the Output and Assign of a Task, "
                                      "Parallel or Map state")
            if not error_ok and _reads_states(body, _STATES_ERROR_OUTPUT, "errorOutput"):
                self.add(string_path, "$states.errorOutput is only available in a Catch's Output and Assign")

    def _top_level_references(self, path: str, body: str) -> tuple[str, ...] | None:
        """What the expression reads from a context item at its top level; None (and the problem reported) when it
        does not parse."""
        known = checked_by_own_parser(body) if self.own_parser else None
        if known is not None:
            return known
        error = syntax_error(body)
        if error:
            self.add(path, f"JSONata syntax error: {error}")
            return None
        return top_level_references(body)

    def _jsonpath_fields(self, state: dict, path: str) -> None:
        for field, kind in REFERENCE_PATH_FIELDS.items():
            if field not in state:
                continue
            value = state[field]
            if value is None and kind in ("nullable", "result"):
                continue
            if kind == "result":
                ok = is_path(value, variables=False, context=False)
                expected = "a JSONPath such as $.result (variables and $$ cannot be used in ResultPath)"
            elif kind == "intrinsic":
                ok = is_path_or_intrinsic(value)
                expected = "a JSONPath or an intrinsic function"
            else:
                ok = is_path(value)
                expected = "a JSONPath ($..., $$... or $variable...)"
            if not ok:
                self.add(join(path, field), f"is {_show(value)}; it must be {expected}")
        for field in _PAYLOAD_TEMPLATE_FIELDS:
            if field in state:
                self._payload_template(state[field], join(path, field))
        for i, catcher in enumerate(_list(state.get("Catch"))):
            if isinstance(catcher, dict) and catcher.get("ResultPath") is not None:
                if not is_path(catcher["ResultPath"], variables=False, context=False):
                    self.add(join(join(join(path, "Catch"), i), "ResultPath"),
                             f"is {_show(catcher['ResultPath'])}; it must be a JSONPath such as $.error")
        for i, rule in enumerate(_list(state.get("Choices"))):
            if isinstance(rule, dict) and "Assign" in rule:
                self._payload_template(rule["Assign"], join(join(join(path, "Choices"), i), "Assign"))
        for i, catcher in enumerate(_list(state.get("Catch"))):
            if isinstance(catcher, dict) and "Assign" in catcher:
                self._payload_template(catcher["Assign"], join(join(join(path, "Catch"), i), "Assign"))
        for sub in ("ItemReader", "ItemBatcher"):
            obj = state.get(sub)
            if isinstance(obj, dict):
                for field in ("Parameters", "BatchInput"):
                    if field in obj:
                        self._payload_template(obj[field], join(join(path, sub), field))

    def _payload_template(self, template: Any, path: str) -> None:
        if isinstance(template, list):
            for i, item in enumerate(template):
                self._payload_template(item, join(path, i))
        elif isinstance(template, dict):
            for key, value in template.items():
                if key.endswith(".$"):
                    if not is_path_or_intrinsic(value):
                        self.add(join(path, key), f"The value for the field '{key}' must be a valid JSONPath or a "
                                                  f"valid intrinsic function call (it is {_show(value)})")
                else:
                    self._payload_template(value, join(path, key))


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _show(value: Any) -> str:
    import json
    return json.dumps(value, ensure_ascii=False)


def _targets(state: Any) -> Iterator[str]:
    if not isinstance(state, dict):
        return
    for key in ("Next", "Default"):
        if isinstance(state.get(key), str):
            yield state[key]
    for key in ("Choices", "Catch"):
        for element in _list(state.get(key)):
            if isinstance(element, dict) and isinstance(element.get("Next"), str):
                yield element["Next"]


def _is_terminal(state: Any) -> bool:
    if not isinstance(state, dict):
        return False
    kind = state.get("Type")
    return (isinstance(kind, str) and kind in C.TERMINAL_TYPES) or state.get("End") is True
