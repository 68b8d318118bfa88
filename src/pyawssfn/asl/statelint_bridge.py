"""statelint's report, turned into Problems and cleaned of the complaints AWS does not make.

statelint 3.1 predates Variables and only half knows JSONata. Its false positives, each checked against definitions
that real AWS accepted (the conformance suite) and replaced by a check of ours in ``checks.py``:

* field-set complaints ("Field "Assign" not allowed", "ProcessorConfig" in an Iterator): our field tables decide;
* transitions, reachability, duplicate names, terminal states and States.ALL placement: our graph checks decide
  (statelint follows reachability from every Catch/Choice target, even of unreachable states);
* JSONPath patterns: ``$variable`` paths, ``$.sub-values`` and some intrinsics are valid; we re-check the value;
* ``.$`` payload keys: our payload-template check decides (it knows variables);
* a ``{% %}`` JSONata value where statelint wants an integer or a timestamp: valid in a JSONata state;
* Retry numbers (``BackoffRate`` 2 "should be a Float", ``BackoffRate`` 1 below the floor) and
  ``ToleratedFailurePercentage`` 0.5 "should be an Integer": our range checks decide.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterable

from pyawssfn.asl.checks import REFERENCE_PATH_FIELDS
from pyawssfn.asl.jsonata_syntax import jsonata_body
from pyawssfn.asl.paths import is_path, is_path_or_intrinsic
from pyawssfn.asl.problem import ROOT, Problem

_ROOT = "State Machine"

_DROP_ALWAYS = (
    re.compile(r'^No state found named ".*", referenced at ', re.DOTALL),
    re.compile(r'^State ".*", defined at .*, is also defined at ', re.DOTALL),
    re.compile(r"^No transition found to state ", re.DOTALL),
    re.compile(r"^StartAt value .* not found in States field at ", re.DOTALL),
    re.compile(r"^No terminal state found in machine at ", re.DOTALL),
    re.compile(r"States\.ALL can only appear in the last element, and by itself\.$"),
    re.compile(r'^Field ".*" of \w+ at ".*" is not a JSONPath or intrinsic function expression$', re.DOTALL),
    # statelint's numeric bounds are exclusive at both ends ("is 0 but allowed floor is 0" refuses 0, MaxItems 0
    # included, which AWS accepts): aws_rules.py and checks.py bound every such field with AWS's ranges.
    re.compile(r" is .* but allowed (floor|ceiling) is -?\d+$", re.DOTALL),
)
_NOT_ALLOWED = re.compile(r'^Field "(?P<field>.*)" not allowed in (?P<path>.*)$', re.DOTALL)
_FORBIDDEN = re.compile(r'^(?P<path>.*) has forbidden field "(?P<field>.*)"$', re.DOTALL)
_PATTERN = re.compile(r'^ is "(?P<value>.*)" but should be (?P<kind>a Reference Path or an Intrinsic Function|'
                      r"a Reference Path|a JSONPath)$", re.DOTALL)
_TYPED_VALUE = re.compile(r"^ is (?P<value>.*) but (should be|allowed (floor|ceiling) is) ", re.DOTALL)
_OWN_RANGE_FIELDS = ("IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy",
                     "ToleratedFailurePercentage", "MaxConcurrency", "ToleratedFailureCount")


# Transition fields statelint uses as dict keys or set members: a non-string value there crashes it (TypeError:
# unhashable type). Such values are reported by our checks and hidden from statelint.
_TRANSITION_FIELDS = ("StartAt", "Next", "Default")


def statelint_messages(definition: dict) -> list[str]:
    from pyawssfn._lazy import defer_import

    # statelint imports dateutil's parser (with six and its tz tables, ~10% of `pyawssfn compile`'s start-up) for
    # its check of a literal Timestamp only: loaded when that check first runs, it reads the same parser.
    defer_import("dateutil.parser")
    from statelint.config import Config
    from statelint.nodes.factory.factory import StateFactory
    from statelint.nodes.state_machine import StateMachine

    sanitized = _without_mistyped_transitions(definition)
    try:
        return [str(p) for p in StateMachine(StateFactory(), sanitized, Config()).validate()]
    except Exception:  # statelint is a second opinion: if it trips over a malformed input, ours still stands
        return []


# ItemReader.ReaderConfig fields AWS documents (Distributed Map, "ItemReader (Map)").
READER_CONFIG_FIELDS = frozenset({
    "InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "MaxItems", "MaxItemsPath", "ManifestType",
})


def _without_mistyped_transitions(value: Any) -> Any:
    if isinstance(value, list):
        return [_without_mistyped_transitions(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for k, v in value.items():
        if k in _TRANSITION_FIELDS and not isinstance(v, str):
            v = _MISTYPED
        out[k] = _without_mistyped_transitions(v)
    return out


# Stands in for a mistyped transition so statelint neither crashes nor reports the field as missing; any complaint
# that names it is dropped (our checks report the real value).
_MISTYPED = "\u0000mistyped"


def _all_paths(value: Any, path: str, out: set[str]) -> None:
    out.add(path)
    if isinstance(value, dict):
        for k, v in value.items():
            _all_paths(v, f"{path}.{k}", out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _all_paths(v, f"{path}[{i}]", out)


def _ours(statelint_path: str) -> str:
    if statelint_path == _ROOT:
        return ROOT
    return statelint_path[len(_ROOT) + 1:] if statelint_path.startswith(_ROOT + ".") else statelint_path


def _split(message: str, known: list[str]) -> tuple[str, str] | None:
    """(path, predicate) of a "<path><predicate>" message: the longest known path the message starts with."""
    for path in known:
        if message.startswith(path) and message[len(path):len(path) + 1] in (" ", "["):
            return path, message[len(path):]
    return None


def translate(definition: dict, messages: Iterable[str], covered: set[str],
              query_language: dict[str, str]) -> list[Problem]:
    paths: set[str] = set()
    _all_paths(definition, _ROOT, paths)
    known = sorted(paths, key=len, reverse=True)
    out: list[Problem] = []
    for message in messages:
        if _MISTYPED in message or any(p.search(message) for p in _DROP_ALWAYS):
            continue
        m = _NOT_ALLOWED.match(message) or _FORBIDDEN.match(message)
        if m:
            where = _ours(m.group("path"))
            if (where if where != ROOT else "") in covered:
                continue
            if where.endswith(".ItemReader.ReaderConfig") and m.group("field") in READER_CONFIG_FIELDS:
                continue  # statelint 3.1 knows only MaxItems(Path) here; AWS accepts the CSV/JSONL/manifest fields
            out.append(Problem(where, f'field "{m.group("field")}" is not allowed here'))
            continue
        split = _split(message, known)
        if split is None:
            out.append(Problem(ROOT, message))
            continue
        lint_path, predicate = split
        path = _ours(lint_path)
        if _false_positive(path, predicate, query_language):
            continue
        out.append(Problem(path, predicate.strip()))
    return out


def _query_language_at(path: str, query_language: dict[str, str]) -> str | None:
    best = None
    for state_path, ql in query_language.items():
        if (path == state_path or path.startswith(state_path + ".") or path.startswith(state_path + "[")) and \
                (best is None or len(state_path) > len(best[0])):
            best = (state_path, ql)
    return best[1] if best else None


def _false_positive(path: str, predicate: str, query_language: dict[str, str]) -> bool:
    field = re.split(r"[.\[]", path)[-1] if path else ""
    leaf = path.rsplit(".", 1)[-1]
    if leaf in _OWN_RANGE_FIELDS or field in _OWN_RANGE_FIELDS or leaf in REFERENCE_PATH_FIELDS:
        return True
    if leaf == "Condition":
        return True  # JSONata-only; checks.py judges it (AWS accepts a literal boolean as well as {% %})
    m = _PATTERN.match(predicate)
    if m:
        value, kind = m.group("value"), m.group("kind")
        return is_path_or_intrinsic(value) if "Intrinsic" in kind else is_path(value)
    m = _TYPED_VALUE.match(predicate)
    if m:
        try:
            value = json.loads(m.group("value"))
        except ValueError:
            return False
        return jsonata_body(value) is not None and _query_language_at(path, query_language) == "JSONata"
    return False
