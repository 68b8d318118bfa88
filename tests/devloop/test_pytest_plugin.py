"""The pytest plugin (entry point pytest11) and the assertion helpers, as a user's test suite sees them: run in a
fresh pytest in a folder of its own, from a different working directory than the tests' own."""
from __future__ import annotations

import importlib.metadata
import pathlib
import subprocess
import sys
import textwrap

REPO = pathlib.Path(__file__).resolve().parents[2]

FLOW = '''
import pyawssfn as sfn


class Busy(Exception):
    pass


def fetch(key):
    return {"key": key, "size": len(key)}


@sfn.task(retry=sfn.Retry(["Busy"], interval=1, max_attempts=3, backoff=2.0))
def store(item):
    return f"stored {item['key']}"


@sfn.workflow
def flow(key):
    item = fetch(key)
    if item["size"] > 3:
        return store(item)
    return "small"
'''

TESTS = '''
import pytest

import flow as flow_module
from pyawssfn.testing import Status, WorkflowTester

pytestmark = pytest.mark.workflow("flow.py")


def test_states_and_lines(tester):
    execution = tester.run_machine({"key": "abcd"})
    assert execution.status == "SUCCEEDED" and execution.status is Status.SUCCEEDED
    assert execution.states[0] == "fetch" and execution.states[0].line == 20
    assert [s.type for s in execution.states] == ["Task", "Choice", "Task"]
    assert execution.step("fetch").calls[0].arguments == {"key": "abcd"}
    assert execution.step("fetch").results == [{"key": "abcd", "size": 4}]


def test_retries_are_attempts_of_one_call(tester):
    tester.fail_step("store", error="Busy", cause="later", times=2)
    py, execution = tester.run_both({"key": "abcd"})
    for run in (py, execution):
        call = run.step("store").calls[0]
        assert call.attempts == 3 and call.result == "stored abcd"
        assert run.step("store").attempts == 3 and run.step("store").called == 1


def test_a_step_never_called(tester):
    execution = tester.run_machine({"key": "ab"})
    assert execution.step("store").calls == () and execution.output == "small"


def test_module_object_runs_the_machine():
    assert WorkflowTester(flow_module).run_machine({"key": "xyzw"}).output == "stored xyzw"


def test_path_relative_to_this_file():
    assert WorkflowTester("flow.py").run_machine({"key": "xyzw"}).output == "stored xyzw"


def test_workflow_factory(workflow):
    assert workflow("flow.py").run_python({"key": "ab"}).output == "small"


def test_failure_points_at_the_test(tester):
    tester.run_machine({"key": "ab"}).step("no_such_step")
'''


def _suite(tmp_path: pathlib.Path) -> subprocess.CompletedProcess:
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    (project / "tests" / "flow.py").write_text(FLOW)
    (project / "tests" / "test_flow.py").write_text(TESTS)
    # Started from another directory, as from a project root: relative paths must follow the test file.
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rf", "--rootdir",
                           str(project), "tests"], cwd=project, capture_output=True, text=True, timeout=300)


def test_the_plugin_is_registered():
    names = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="pytest11")}
    assert names.get("pyawssfn") == "pyawssfn.pytest_plugin"


def test_a_users_suite_uses_fixtures_marker_and_assertions(tmp_path):
    proc = _suite(tmp_path)
    out = proc.stdout
    assert "1 failed, 6 passed" in out, out + proc.stderr
    failing = out[out.index("test_failure_points_at_the_test"):]
    assert "'no_such_step' is not a step of the workflow (its steps: fetch, store)" in failing
    # The report shows the test's line and none of pyawssfn's frames.
    assert 'tester.run_machine({"key": "ab"}).step("no_such_step")' in failing
    assert "results.py" not in failing and "testing.py" not in failing, failing


def test_the_guide_runs_from_a_checkout(tmp_path):
    """docs/guide.md step 6 with our own pytest settings in force (as in a checkout of this repository): the test
    module imports the workflow module beside it."""
    (tmp_path / "pyproject.toml").write_text((REPO / "pyproject.toml").read_text())
    (tmp_path / "flow.py").write_text(FLOW)
    (tmp_path / "test_flow.py").write_text(textwrap.dedent('''
        from flow import fetch
        from pyawssfn.testing import WorkflowTester

        def test_it():
            assert fetch("ab")["size"] == 2
            assert WorkflowTester("flow.py").run_both({"key": "abcd"})[1].output == "stored abcd"
    '''))
    # The `pytest` script, as the guide writes it: unlike `python -m pytest` it puts no working directory on sys.path.
    script = pathlib.Path(sys.executable).with_name("pytest")
    proc = subprocess.run([str(script), "-p", "no:cacheprovider", "test_flow.py"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
