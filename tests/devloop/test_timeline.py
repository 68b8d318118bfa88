"""The timeline of `pyawssfn run` / `exec` (issue #11 item 5), read as a user reads it: one fixed-width time column,
the Python line of each state, step calls with arguments and results, assigned values, waits and retries, Map items
indented under their state, failing expressions as the Python error."""
from __future__ import annotations

import io
import pathlib
import re
import subprocess
import sys

from rich.console import Console

from pyawssfn.local.report import elapsed, render_timeline
from pyawssfn.testing import WorkflowTester

REPO = pathlib.Path(__file__).resolve().parents[2]
TIME = re.compile(r"^ *\+\d+:\d\d:\d\d\.\d{3} ")

FLAKY = '''
import pyawssfn as sfn


class Busy(Exception):
    pass


@sfn.task(retry=sfn.Retry(["Busy"], interval=2, max_attempts=3, backoff=2.0))
def flaky(n):
    return {"n": n, "text": "x" * 300}


@sfn.workflow
def flow(n, d):
    sfn.sleep(90)
    r = flaky(n)
    return d["missing"] + r["n"]
'''


def _text(tester: WorkflowTester, value, verbose: bool = False) -> list[str]:
    execution = tester.run_machine(value)
    out = io.StringIO()
    render_timeline(execution, Console(file=out, width=1000, soft_wrap=True, color_system=None), tester.source_map,
                    verbose=verbose, field_lines=tester.field_lines)
    return out.getvalue().splitlines()


def _indent(line: str) -> int:
    body = line[15:]  # after the time column
    return len(body) - len(body.lstrip())


def test_times_have_one_width_and_format():
    assert [elapsed(s) for s in (0, 1.5, 61, 3600 * 30, 86400 * 365)] == [
        "   +0:00:00.000", "   +0:00:01.500", "   +0:01:01.000", "  +30:00:00.000", "+8760:00:00.000"]
    tester = WorkflowTester(REPO / "examples" / "polling.py")
    lines = _text(tester, {"dataset": "d", "rows": 2500})
    timed = [ln for ln in lines if TIME.match(ln)]
    entered = tester.run_machine({"dataset": "d", "rows": 2500}).stats["states_entered"]
    assert len(timed) == entered and len({ln.index("▶") for ln in timed if ln[15:].startswith(" ▶")}) == 1
    line = next(i for i, src in enumerate((REPO / "examples" / "polling.py").read_text().splitlines(), 1)
                if "return fetch_results" in src)
    assert f"   +0:01:00.000 ▶ fetch_results (Task, line {line})" in lines


def test_states_show_their_line_calls_and_values():
    lines = _text(WorkflowTester(REPO / "examples" / "analyse_text.py"), {"text": "a short example"})
    text = "\n".join(lines)
    assert "▶ get_summary (Task, line 45)" in text
    assert 'call get_summary(text="a short example") → {"head": "a"}' in text
    assert 'assigned text = "a short example", summary = {"head": "a"}' in text


def test_map_items_are_indented_under_their_state():
    images = [{"key": k, "width": 800, "height": 600} for k in "ab"]
    lines = _text(WorkflowTester(REPO / "examples" / "fan_out.py"), {"images": images})
    state = next(i for i, ln in enumerate(lines) if "▶ sfn.map(make_thumbnail" in ln)
    item, inner = lines[state + 1], lines[state + 2]
    assert "item 0" in item and "▶ make_thumbnail (item)" in inner
    assert _indent(lines[state]) < _indent(item) < _indent(inner)
    after = next(ln for ln in lines[state:] if "▶ build_report" in ln)
    assert _indent(after) == _indent(lines[state])


def test_retries_waits_and_a_failing_expression(tmp_path):
    (tmp_path / "flaky_flow.py").write_text(FLAKY)
    tester = WorkflowTester(tmp_path / "flaky_flow.py").fail_step("flaky", error="Busy", cause="later", times=2)
    lines = _text(tester, {"n": 1, "d": {}})
    text = "\n".join(lines)
    assert "✗ Busy later → retry 1 in 2s" in text and "✗ Busy later → retry 2 in 4s" in text
    assert "waited 1.5min" in text
    failure = next(ln for ln in lines if "QueryEvaluationError" in ln)
    # The field is the machine's (where the compiler evaluates the check); the message and line are Python's: the
    # return's (line 18), which the compiler folded into the Output of the step's Task (line 17).
    assert re.search(r"KeyError: 'missing' \[[^\]]+ of flaky, line 18\]", failure) and "$" not in failure
    call = next(ln for ln in lines if "call flaky(n=1)" in ln)
    assert call.endswith("…") and len(call) < 200            # a long result is cut ...
    verbose = "\n".join(_text(tester, {"n": 1, "d": {}}, verbose=True))
    assert '"x' + "x" * 299 + '"' in verbose                 # ... and whole with --verbose
    assert "$states" in verbose


def test_run_names_the_file_and_line_of_a_failing_expression_and_keeps_aws_cause(tmp_path):
    (tmp_path / "flaky_flow.py").write_text(FLAKY)
    proc = subprocess.run([sys.executable, "-m", "pyawssfn.cli", "run", "flaky_flow.py", "--input",
                           '{"n": 1, "d": {}}'], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert any(re.search(r"KeyError: 'missing' \[[^\]]+ of flaky, flaky_flow\.py:18\]", ln) for ln in lines), proc.stdout
    cause = next(ln for ln in lines if ln.startswith("cause: "))
    # The cause is the executor's, worded as AWS words it (the generated JSONata included); the location follows.
    # (where a computed Fail raises the expression error again, AWS's wording nests the first one)
    assert cause.startswith("cause: An error occurred while executing the state '") and "$states" in cause
    assert "executing the state 'flaky'" in cause
    at = lines[lines.index(cause) + 1]
    assert re.fullmatch(r"at: flaky_flow\.py:18 \(the Output of state flaky\)", at), at  # the return's line
    tester = WorkflowTester(tmp_path / "flaky_flow.py")
    assert tester.run_machine({"n": 1, "d": {}}).cause == cause[len("cause: "):]
    compared = subprocess.run([sys.executable, "-m", "pyawssfn.cli", "run", "flaky_flow.py", "--input",
                               '{"n": 1, "d": {}}', "--compare"], cwd=tmp_path, capture_output=True, text=True,
                              timeout=120)
    assert at in compared.stdout.splitlines(), compared.stdout


def test_every_state_entered_shows_its_python_line():
    for example, value in (("order_pipeline.py", {"order_id": "o-1", "items": [{"sku": "a", "qty": 2}]}),
                           ("fan_out.py", {"images": [{"key": "a", "width": 800, "height": 600}]})):
        lines = _text(WorkflowTester(REPO / "examples" / example), value)
        entered = [ln for ln in lines if "▶ " in ln]
        assert entered and all(re.search(r"\(\w+, line \d+\)$", ln) or re.search(r"\(line \d+\) \(\w+\)$", ln)
                               for ln in entered), entered
