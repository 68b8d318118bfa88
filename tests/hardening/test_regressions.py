"""Named regression tests for the cases of issue #13 that are not covered by test_inputs.py: compile refuses what AWS
would refuse (at the Python line), deep nesting is a usage error, the plain-Python run stops at the machine's budget."""
from __future__ import annotations

import json

import pytest

HEAD = "import pyawssfn as sfn\n\n\n"
STEP = "def step(x: int) -> int:\n    return x + 1\n\n\n"


def _module(tmp_path, body: str, decorator: str = "", name: str = "flow.py"):
    path = tmp_path / name
    path.write_text(HEAD + decorator + STEP + "@sfn.workflow\ndef flow(x: int) -> int:\n" + body)
    return path


@pytest.mark.parametrize("decorator, body, fragment", [
    ("", "    sfn.sleep_until('not a date')\n    return step(x)\n", "RFC3339"),
    ("@sfn.task(timeout=10, heartbeat=10)\n", "    return step(x)\n", "HeartbeatSeconds (10) must be smaller"),
    ("@sfn.task(timeout=10, heartbeat=20)\n", "    return step(x)\n", "HeartbeatSeconds (20) must be smaller"),
])
def test_compile_fails_at_the_python_line_when_aws_would_reject_the_definition(cli, tmp_path, decorator, body,
                                                                                 fragment):
    path = _module(tmp_path, body, decorator)
    code, out, err = cli("compile", str(path))
    assert code == 2 and out == "" and fragment in err
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "sleep_until" in text
                or "return step" in text)
    assert f"{path}:{line}:" in err
    code, _, err = cli("run", str(path), "--input", '{"x": 1}')
    assert code == 2 and "internal error" not in err and fragment in err


def test_a_definition_over_1_mib_is_refused_by_compile(cli, tmp_path):
    big = "x" * 1_100_000
    path = _module(tmp_path, f"    return step(x + len({big!r}))\n")
    code, _, err = cli("compile", str(path))
    assert code == 2 and "1 MiB" in err and "internal error" not in err


def test_negative_retry_values_are_refused_before_anything_runs(cli, tmp_path):
    path = _module(tmp_path, "    return step(x)\n",
                   "@sfn.task(retry=sfn.Retry(errors=['States.ALL'], interval=-1, max_attempts=-2))\n")
    for command in ("compile", "run", "validate", "package"):
        code, _, err = cli(command, str(path))
        assert code == 2 and "internal error" not in err and "Traceback" not in err, (command, err)


@pytest.mark.parametrize("command", ["compile", "run", "validate", "graph", "package"])
def test_a_thousand_deep_expression_is_nested_too_deeply_not_an_internal_error(cli, tmp_path, command):
    path = _module(tmp_path, "    return step(x" + " + 1" * 1500 + ")\n", name="long.py")
    argv = [command, str(path)] + (["-o", str(tmp_path / "f.zip")] if command == "package" else [])
    code, _, err = cli(*argv)
    # Compiled when the recursion limit allows it (jsonata-python raises it on import), else a usage error.
    assert code in (0, 1, 2) and "internal error" not in err and "Traceback" not in err, err
    if code == 2:
        assert "nested too deeply" in err or ": error:" in err


def test_recursion_beyond_the_limit_is_nested_too_deeply(cli, tmp_path, monkeypatch):
    import sys
    monkeypatch.setattr(sys, "getrecursionlimit", sys.getrecursionlimit)
    old = sys.getrecursionlimit()
    path = _module(tmp_path, "    return step(x" + " + 1" * 1500 + ")\n", name="long.py")
    sys.setrecursionlimit(1000)
    try:
        code, _, err = cli("compile", str(path))
    finally:
        sys.setrecursionlimit(old)
    assert code == 2 and "nested too deeply" in err and "internal error" not in err


def _nested_parallels(depth: int) -> dict:
    machine = {"StartAt": "P0", "States": {"P0": {"Type": "Pass", "End": True}}}
    for i in range(1, depth + 1):
        machine = {"StartAt": f"P{i}", "States": {f"P{i}": {"Type": "Parallel", "End": True,
                                                           "Branches": [machine]}}}
    return machine


@pytest.mark.parametrize("command", ["validate", "exec", "graph"])
def test_250_nested_parallels(cli, tmp_path, command):
    path = tmp_path / "par.json"
    path.write_text(json.dumps(_nested_parallels(250)))
    code, _, err = cli(command, str(path))
    assert code == 2 and "nested too deeply" in err


def test_validate_of_a_deep_definition_given_as_a_dict_is_a_problem_not_a_crash():
    from pyawssfn.asl import validate_definition
    assert validate_definition(_nested_parallels(30)) == []
    problems = validate_definition(_nested_parallels(3000))
    assert problems and "nested too deeply" in problems[0].message


def test_exec_mocks_file_reads_are_bounded(cli):
    code, _, err = cli("exec", '{"StartAt": "a", "States": {"a": {"Type": "Pass", "End": true}}}', "--mocks",
                       "/dev/zero")
    assert code == 2 and "larger than" in err


@pytest.mark.parametrize("how", ["--python", "--compare"])
def test_a_loop_without_end_stops_in_plain_python_as_on_the_machine(cli, tmp_path, how):
    path = _module(tmp_path, "    while True:\n        x = x + 1\n    return x\n")
    code, out, err = cli("run", str(path), "--input", '{"x": 1}', how, "--json")
    assert code == 1, err
    result = json.loads(out)
    python = result if how == "--python" else result["python"]
    assert python["status"] == "FAILED" and python["error"] == "States.Runtime"
    assert "maximum number of history events (25000)" in python["cause"]
    if how == "--compare":
        assert result["equal"] and result["machine"]["error"] == "States.Runtime"


def test_the_budget_does_not_count_the_steps_own_work(tmp_path):
    from pyawssfn.pyrun import run_workflow
    path = tmp_path / "busy.py"
    path.write_text(HEAD + "def busy(n: int) -> int:\n    total = 0\n    for i in range(200_000):\n"
                    "        total += i\n    return total\n\n\n@sfn.workflow\ndef flow(n: int) -> int:\n"
                    "    return busy(n)\n")
    assert run_workflow(path, "flow", {"n": 1}).status == "SUCCEEDED"


@pytest.mark.parametrize("argv, fragment", [
    (["--memory", "5"], "out of Lambda's range"), (["--timeout", "901"], "out of Lambda's range"),
    (["--env", "AWS_REGION=x"], "reserved by Lambda"), (["--env", "NOEQUALS"], "KEY=VALUE"),
])
def test_deploy_function_options_are_checked_before_anything_happens(cli, flow, argv, fragment):
    code, _, err = cli("deploy", str(flow), "--name", "x", "--endpoint-url", "http://127.0.0.1:9", *argv)
    assert code == 2 and fragment in err


def test_the_budget_is_per_execution_and_stops_a_loop_of_steps_where_the_machine_does(cli, tmp_path):
    path = tmp_path / "loops.py"
    path.write_text(HEAD + STEP + "@sfn.workflow\ndef kid(x: int) -> int:\n    for i in range(3000):\n"
                    "        x = x + 1\n    return x\n\n\n@sfn.workflow\ndef parent(x: int) -> int:\n    total = 0\n"
                    "    for i in range(5):\n        total = total + kid(x)\n    return total\n\n\n"
                    "@sfn.workflow\ndef stepping(x: int) -> int:\n    while True:\n        x = step(x)\n    return x\n")
    code, out, _ = cli("run", str(path), "--workflow", "parent", "--input", '{"x": 1}', "--python", "--json")
    assert code == 0 and json.loads(out)["output"] == 15005   # 5 child executions, each well within its quota
    code, out, _ = cli("run", str(path), "--workflow", "stepping", "--input", '{"x": 1}', "--compare", "--json")
    result = json.loads(out)
    assert code == 1 and result["equal"], result["differences"]
    assert result["python"]["error"] == result["machine"]["error"] == "States.Runtime"
