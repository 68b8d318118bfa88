#!/usr/bin/env python3
"""Run AWS-recorded conformance cases through the local executor and report how many match, per family.

    python tools/run_conformance.py CASES.jsonl [--family F] [-v] [--history] [--validate]

The comparison is compare.py's (it sits beside the cases file and is imported from there), with two refinements
its README allows: keys listed in a case's skip_snapshot_verify_paths as ``$..Key`` are dropped from both sides
(they did not match even between two AWS recordings), and a FAILED case's cause must match when the case has no
skip paths at all. Non-deterministic cases (random numbers, UUIDs) pass on status and output shape.
``--history`` also compares each recorded event history (types, order, details) and prints that score.
The last line is always ``conformance: PASSED/TOTAL``.
"""
from __future__ import annotations

import argparse
import collections
import datetime
import importlib.util
import json
import linecache
import pathlib
import sys

ACCOUNT = "111111111111"
REGION = "us-east-1"

# The recorded functions ran from /var/task/handler.py; compiling their source under that name makes Python's own
# traceback produce the same stackTrace lines AWS recorded.
_HANDLER_FILE = "/var/task/handler.py"
_SOURCES = {
    "identity": "def handler(event, context):\n    return event\n",
    "raise_exception": "def handler(event, context):\n    raise Exception(\"Some exception was raised.\")\n",
    "raise_custom_exception": (  # laid out so the raise is on line 9, where the recorded trace has it
        "class CustomException(Exception):\n"
        "    message: str\n"
        "\n"
        "    def __init__(self):\n"
        "        self.message = \"CustomException message\"\n"
        "\n"
        "\n"
        "def handler(event, context):\n"
        "    raise CustomException()\n"),
    "large_output": "def handler(event, context):\n    return b\"a\" * (257 * 1024)\n",
    "return_bytes_json_string": "def handler(event, context):\n    return b'\"HelloWorld!\"'\n",
    "return_decorated_input": "def handler(event, context):\n    return f\"input-event-{event}\"\n",
    "hello_world": "def handler(event, context):\n    return {\"Return\": \"HelloWorld\"}\n",
    "sleep_60_then_identity": "def handler(event, context):\n    context.sleep(60)\n    return event\n",
}
_HANDLERS: dict = {}


_NOW = datetime.datetime.now(datetime.timezone.utc)

def handler_for(behaviour: str):
    if behaviour not in _HANDLERS:
        source = _SOURCES[behaviour]
        namespace: dict = {}
        exec(compile(source, _HANDLER_FILE, "exec"), namespace)  # noqa: S102 - fixed sources above
        _HANDLERS[behaviour] = (namespace["handler"], source)
    handler, source = _HANDLERS[behaviour]
    linecache.cache[_HANDLER_FILE] = (len(source), None, source.splitlines(True), _HANDLER_FILE)
    return handler


def load_compare(cases_path: pathlib.Path):
    spec = importlib.util.spec_from_file_location("conformance_compare", cases_path.parent / "compare.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _drop_keys(value, keys):
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in keys:
                continue
            if isinstance(v, dict):  # "Parent.child" entries drop child only under Parent
                v = {ck: cv for ck, cv in v.items() if f"{k}.{ck}" not in keys}
            out[k] = _drop_keys(v, keys)
        return out
    if isinstance(value, list):
        return [_drop_keys(v, keys) for v in value]
    return value


def _skip_keys(case) -> set:
    keys = set()
    for path in case.get("skip_snapshot_verify_paths") or []:
        if path.startswith("$..") and "." not in path[3:] and "[" not in path[3:]:
            keys.add(path[3:])
        elif path.startswith("$..events..") and path.count(".") == 5 and "[" not in path:
            # $..events..stateEnteredEventDetails.input: the recording did not verify that field of any event.
            keys.add(path[len("$..events.."):])
    return keys


def _same_shape(expected, actual) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and expected.keys() == actual.keys() and all(
            _same_shape(expected[k], actual[k]) for k in expected)
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool)
    if isinstance(expected, (int, float)):
        return isinstance(actual, (int, float))
    return type(expected) is type(actual)


def run_case(case: dict):
    """Run one case; returns the Execution. Each starts at the real current time, as the recorded executions did:
    some inputs hold timestamps taken from the clock when the cases were built (a Wait's TimestampPath)."""
    from pyawssfn.local import Executor

    lambdas = {lam["arn"]: handler_for(lam["behaviour"]) for lam in case.get("lambdas") or []}
    # A case may name the other state machines its tasks start (a StartExecution task's target), by ARN.
    ex = Executor(case["definition"], lambdas=lambdas, state_machines=case.get("state_machines"),
                  machine_type=case.get("state_machine_type") or "STANDARD", validate=RUN_OPTIONS["validate"],
                  account=ACCOUNT,
                  region=REGION, state_machine_arn=f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:conformance",
                  role_arn="snf_role_arn", start_time=_NOW)
    raw = case.get("input_raw")
    if raw is None:  # StartExecution without an input: AWS runs it with {}
        return ex.run(None, name="conformance")
    return ex.run(json.loads(raw), name="conformance", input_text=raw)


RUN_OPTIONS = {"validate": False}


def judge(case: dict, execution, compare_module) -> tuple[bool, str]:
    """(passed, reason) for one executed case."""
    exp = case["expected"]
    keys = _skip_keys(case)
    output = execution.output if execution.status == "SUCCEEDED" else None
    if keys and exp["status"] == "SUCCEEDED":
        case = dict(case, expected=dict(exp, output=_drop_keys(exp.get("output"), keys)))
        output = _drop_keys(output, keys)
    r = compare_module.compare(case, execution.status, output, execution.error, execution.cause)
    if not r["status_ok"]:
        detail = f"status {execution.status} != {exp['status']}"
        if execution.status == "FAILED":
            detail += f" ({execution.error}: {str(execution.cause)[:300]})"
        return False, detail
    if not r["payload_ok"]:
        if case.get("nondeterministic") and exp["status"] == "SUCCEEDED" and _same_shape(exp.get("output"), output):
            return True, "shape"
        if exp["status"] == "SUCCEEDED":
            return False, f"output {json.dumps(output)[:400]} != {json.dumps(exp.get('output'))[:400]}"
        return False, f"error {execution.error!r} != {exp.get('error')!r}"
    if exp["status"] == "FAILED" and not case.get("skip_snapshot_verify_paths") and not r.get("cause_ok"):
        return False, f"cause {str(execution.cause)[:300]!r} != {str(exp.get('cause'))[:300]!r}"
    return True, ""


# -- history comparison (optional, --history) ----------------------------------------------------------------------

def _normal_history(events, case, compare_module):
    out = []
    for e in events:
        e2 = {k: v for k, v in e.items() if k not in ("timestamp",)}
        for k, v in list(e2.items()):
            if k.endswith("EventDetails") and isinstance(v, dict):
                v = dict(v)
                # As recorded: only strings holding a JSON object were parsed.
                for f in ("input", "output", "parameters", "cause"):
                    if isinstance(v.get(f), str) and v[f].startswith("{"):
                        v[f] = compare_module.parse_maybe(v[f])
                if "assignedVariables" in v:
                    v["assignedVariables"] = {n: compare_module.parse_maybe(x) if isinstance(x, str) and
                                              x.startswith("{") else x for n, x in v["assignedVariables"].items()}
                e2[k] = v
        out.append(e2)
    return _timestamp_keys(compare_module.apply_replacements(out, case))


def _timestamp_keys(value):
    """As recorded: a string under a key containing 'timestamp' reads 'timestamp' (ISO dates already read 'date')."""
    if isinstance(value, dict):
        return {k: ("timestamp" if "timestamp" in k.lower() and isinstance(v, str) and v != "date"
                    else _timestamp_keys(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_timestamp_keys(v) for v in value]
    return value


def history_matches(case, execution, compare_module) -> bool:
    expected = case.get("expected_history")
    if not expected:
        return True
    actual = _normal_history(execution.history, case, compare_module)
    recorded = {e["type"] for e in expected}
    if len(actual) == len(expected) + 1 and "ParallelStateSucceeded" not in recorded:
        # The recordings leave out ParallelStateSucceeded (their event ids skip its number): do the same.
        actual = [a for a in actual if a["type"] != "ParallelStateSucceeded"]
    if len(actual) != len(expected):
        return False
    ignore = {"timestamp", "id", "previousEventId"}
    keys = _skip_keys(case) | {"SdkHttpMetadata", "SdkResponseMetadata", "roleArn"}

    def norm(e):
        return _drop_keys({k: v for k, v in e.items() if k not in ignore}, keys)
    exp_sorted = sorted((norm(e) for e in expected), key=lambda e: e["type"])
    act_sorted = sorted((norm(e) for e in actual), key=lambda e: e["type"])
    if [e["type"] for e in expected] != [e["type"] for e in actual] and \
            [e["type"] for e in exp_sorted] != [e["type"] for e in act_sorted]:
        return False
    if not any("previousEventId" in p for p in case.get("skip_snapshot_verify_paths") or []):
        links = {e["id"]: e["previousEventId"] for e in expected if isinstance(e.get("id"), int)}
        if any(links.get(a["id"], a["previousEventId"]) != a["previousEventId"] for a in actual):
            return False
    # Branch events interleave in no fixed order: match as a multiset.
    remaining = list(act_sorted)
    for e in exp_sorted:
        for i, a in enumerate(remaining):
            if compare_module.deep_match(e, a):
                del remaining[i]
                break
        else:
            return False
    return True


def run_cases(cases_path, family: str | None = None, verbose: bool = False, history: bool = False, out=None):
    """Run every case of the file (or one family); returns {family: [passed, total]} and prints the report."""
    out = out or sys.stdout
    cases_path = pathlib.Path(cases_path)
    compare_module = load_compare(cases_path)
    counts: dict = collections.defaultdict(lambda: [0, 0])
    hist: dict = collections.defaultdict(lambda: [0, 0])
    failures = []
    with cases_path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            case = json.loads(line)
            if family and case["family"] != family:
                continue
            try:
                execution = run_case(case)
                ok, reason = judge(case, execution, compare_module)
            except Exception as exc:  # a crash is a failed case, reported with its type
                execution, ok, reason = None, False, f"crash {type(exc).__name__}: {exc}"
            counts[case["family"]][1] += 1
            if ok:
                counts[case["family"]][0] += 1
            else:
                failures.append((case["id"], reason))
            if history and execution is not None and case.get("expected_history"):
                hist[case["family"]][1] += 1
                if history_matches(case, execution, compare_module):
                    hist[case["family"]][0] += 1
                elif verbose:
                    print(f"  history differs: {case['id']}", file=out)
    if verbose:
        for cid, reason in failures:
            print(f"FAIL {cid}\n     {reason}", file=out)
    for fam in sorted(counts):
        passed, total = counts[fam]
        line = f"{fam:24s} {passed:4d}/{total:<4d}"
        if history and hist[fam][1]:
            line += f"   history {hist[fam][0]}/{hist[fam][1]}"
        print(line, file=out)
    passed = sum(p for p, _ in counts.values())
    total = sum(t for _, t in counts.values())
    if history:
        print(f"histories matching: {sum(p for p, _ in hist.values())}/{sum(t for _, t in hist.values())}",
              file=out)
    print(f"conformance: {passed}/{total}", file=out)
    return {fam: tuple(v) for fam, v in counts.items()}, failures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", help="a cases.jsonl file (compare.py must sit beside it)")
    parser.add_argument("--family", help="run only this family")
    parser.add_argument("-v", "--verbose", action="store_true", help="list each failing case with its reason")
    parser.add_argument("--history", action="store_true", help="also compare the recorded event histories")
    parser.add_argument("--validate", action="store_true", help="validate each definition before running it")
    args = parser.parse_args(argv)
    path = pathlib.Path(args.cases)
    if not path.is_file():
        print(f"run_conformance: no such file: {path}", file=sys.stderr)
        return 2
    RUN_OPTIONS["validate"] = args.validate
    run_cases(path, args.family, args.verbose, args.history)
    return 0


if __name__ == "__main__":
    sys.exit(main())
