"""Observability (issue #11 item 7): ``sfn.context()`` inside a step reads the same workflow, execution, state and
retry count under plain Python (pyrun), in the local executor and on Lambda (the generated handler); the compiler
sends those names only for a module that mentions ``sfn.context``; ``sfn.wrap_steps`` wraps every dispatched step
call; on Lambda the steps' logs are JSON lines carrying the step's fields."""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import zipfile

import pytest

import pyawssfn as sfn
from pyawssfn._dispatch import BadEvent, dispatch
from pyawssfn.compiler import compile_file
from pyawssfn.testing import WorkflowTester

REPO = pathlib.Path(__file__).resolve().parents[2]

FLOW = '''
import logging

import pyawssfn as sfn
import helper

log = logging.getLogger("flow")


def tag(fn):
    def tagged(*args, **kwargs):
        return {"by": "tag", "state": sfn.context().state, "result": fn(*args, **kwargs)}
    return tagged


def outer(fn):
    def wrapped(*args, **kwargs):
        return {"by": "outer", "result": fn(*args, **kwargs)}
    return wrapped


sfn.wrap_steps(outer)
sfn.wrap_steps(tag)


class Busy(Exception):
    pass


@sfn.task(retry=sfn.Retry(["Busy"], interval=1, max_attempts=2))
def look(key):
    ctx = sfn.context()
    log.info("looking at %s", key, extra={"key": key})
    if ctx.retry_count == 0:
        raise Busy("try again")
    return {"key": key, "ctx": ctx._asdict(), "attempt": ctx.attempt}


def elsewhere(key):
    return helper.names()


@sfn.workflow
def flow(keys):
    first = look(keys[0])
    each = sfn.map(look, keys)
    return {"first": first, "each": each, "helper": elsewhere(keys[0])}


@sfn.workflow
def parent(keys):
    return flow(keys)
'''

HELPER = '''
import pyawssfn as sfn


def names():
    return sfn.context()._asdict()
'''

QUIET = '''
import pyawssfn as sfn
import helper


def step(x):
    return helper.names()


@sfn.workflow
def quiet(x):
    return step(x)
'''


@pytest.fixture
def flow_dir(tmp_path, monkeypatch):
    (tmp_path / "ctx_flow.py").write_text(FLOW)
    (tmp_path / "helper.py").write_text(HELPER)
    (tmp_path / "quiet_flow.py").write_text(QUIET)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def _look(ctx_state, retry_count=1, workflow="flow", execution="exec-1"):
    ctx = {"workflow": workflow, "execution": execution, "state": ctx_state, "retry_count": retry_count,
           "step": "look"}
    return {"by": "outer", "result": {"by": "tag", "state": ctx_state,
                                      "result": {"key": "a", "ctx": ctx, "attempt": retry_count + 1}}}


def test_a_step_reads_the_same_context_both_ways(flow_dir):
    tester = WorkflowTester(flow_dir / "ctx_flow.py", "flow")
    py, machine = tester.run_both({"keys": ["a"]})  # raises when the runs differ in any call or the output
    assert machine.output == py.output
    assert py.output["first"] == _look("look")
    assert py.output["each"] == [_look("look (item)")]
    # The first attempt failed on retry_count 0; each step call was retried once, on both sides.
    assert [a.error for a in machine.step("look").calls[0].attempt_list] == ["Busy", None]
    # Another module's code reads the same context, since this module mentions sfn.context.
    helper = py.output["helper"]["result"]["result"]
    assert helper == {"workflow": "flow", "execution": "exec-1", "state": "elsewhere", "retry_count": 0,
                      "step": "elsewhere"}


def test_a_child_workflow_names_itself(flow_dir):
    tester = WorkflowTester(flow_dir / "ctx_flow.py", "parent")
    machine = tester.run_machine({"keys": ["a"]})
    ctx = machine.output["first"]["result"]["result"]["ctx"]
    assert ctx["workflow"] == "flow" and ctx["state"] == "look" and ctx["execution"] not in (None, "exec-1")
    py = tester.run_python({"keys": ["a"]})
    assert py.output["first"]["result"]["result"]["ctx"] == {**ctx, "execution": None}


def test_outside_a_run_every_field_is_none(flow_dir):
    assert sfn.context() == sfn.StepContext() and sfn.context().attempt is None
    import helper
    assert helper.names() == dict.fromkeys(sfn.StepContext._fields)


def test_machines_that_never_read_the_context_do_not_carry_it(flow_dir):
    for example in sorted((REPO / "examples").glob("*.py")):
        if "sfn.context" not in example.read_text():
            assert '"context"' not in compile_file(str(example)).to_json(), example.name
    quiet = compile_file(str(flow_dir / "quiet_flow.py")).definition
    assert "context" not in quiet["States"]["step"]["Arguments"]["Payload"]
    loud = compile_file(str(flow_dir / "ctx_flow.py"), workflow="flow").definition
    assert set(loud["States"]["look"]["Arguments"]["Payload"]) == {"step", "kwargs", "context"}


def test_a_module_that_never_mentions_it_reads_only_the_step_name_both_ways(flow_dir):
    py, machine = WorkflowTester(flow_dir / "quiet_flow.py").run_both({"x": 1})
    assert py.output == machine.output == {**dict.fromkeys(sfn.StepContext._fields), "step": "step"}


def test_the_dispatcher_refuses_a_malformed_context():
    class Module:
        @staticmethod
        def s():
            return sfn.context().state

    assert dispatch(Module, ["s"], {"step": "s", "kwargs": {}, "context": {"state": "S", "retry_count": 2.0}}) == "S"
    for bad in ({"state": 3}, {"attempts": 1}, "S", {"retry_count": True}):
        with pytest.raises(BadEvent, match='"context" of the event for step s'):
            dispatch(Module, ["s"], {"step": "s", "kwargs": {}, "context": bad})


def test_wrap_steps_takes_a_decorator():
    with pytest.raises(TypeError, match="sfn.wrap_steps takes a decorator"):
        sfn.wrap_steps("not callable")  # type: ignore[type-var]


LAMBDA_RUN = '''
import json, sys
sys.path[:0] = [sys.argv[1]]
import pyawssfn_handler
event = json.loads(sys.argv[2])
print("RESULT " + json.dumps(pyawssfn_handler.handler(event, None)))
'''


def _on_lambda(folder: pathlib.Path, event: dict, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_LAMBDA", "PYAWSSFN_"))}
    environment.update({"AWS_LAMBDA_FUNCTION_NAME": "steps", **env})
    # -S: no site-packages, only the standard library and what the zip holds (as on Lambda, boto3 aside).
    return subprocess.run([sys.executable, "-S", "-c", LAMBDA_RUN, str(folder), json.dumps(event)], capture_output=True,
                          text=True, env=environment, timeout=120)


def test_on_lambda_the_steps_log_json_lines_with_their_fields(flow_dir):
    definition = compile_file(str(flow_dir / "ctx_flow.py"), workflow="flow").definition
    built = subprocess.run([str(pathlib.Path(sys.executable).parent / "pyawssfn"), "package", "ctx_flow.py",
                            "--workflow", "flow", "-o", "function.zip"], cwd=flow_dir, capture_output=True, text=True,
                           timeout=300)
    assert built.returncode == 0, built.stderr
    lambda_dir = flow_dir / "lambda"
    with zipfile.ZipFile(flow_dir / "function.zip") as zf:
        zf.extractall(lambda_dir)
    # The Payload the machine sends, with its context evaluated as Step Functions would.
    payload = definition["States"]["look"]["Arguments"]["Payload"]
    event = {"step": "look", "kwargs": {"key": "k"},
             "context": {"workflow": "flow", "execution": "run-7", "state": "look", "retry_count": 1}}
    assert set(payload) == set(event)
    proc = _on_lambda(lambda_dir, event)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    result = json.loads(next(ln for ln in lines if ln.startswith("RESULT "))[7:])
    assert result["result"]["result"]["ctx"]["execution"] == "run-7"
    logs = [json.loads(ln) for ln in lines if not ln.startswith("RESULT ")]
    assert len(logs) == 1
    record = logs[0]
    assert record["message"] == "looking at k" and record["level"] == "INFO" and record["logger"] == "flow"
    assert {k: record[k] for k in ("workflow", "execution", "state", "step", "retry_count", "key")} == {
        "workflow": "flow", "execution": "run-7", "state": "look", "step": "look", "retry_count": 1, "key": "k"}
    # Lambda's own JSON log format prints the records' fields itself: the format is left to it; PYAWSSFN_JSON_LOGS=0
    # leaves logging as the runtime set it up (here: the root logger's WARNING level, so nothing is printed).
    proc = _on_lambda(lambda_dir, event, AWS_LAMBDA_LOG_FORMAT="JSON")
    assert proc.stdout.splitlines()[0] == "looking at k", proc.stdout
    proc = _on_lambda(lambda_dir, event, PYAWSSFN_JSON_LOGS="0")
    assert proc.returncode == 0 and [ln[:7] for ln in proc.stdout.splitlines()] == ["RESULT "], proc.stdout


def test_the_runtime_files_need_nothing_the_lambda_zip_lacks():
    """Every file the zip carries of pyawssfn (sfn.context and the dispatcher's logs among them) imports only the
    standard library and the zip's other files; anything else is imported inside a try that falls back."""
    import ast

    from pyawssfn.packaging.sources import RUNTIME_FILES

    shipped = {"pyawssfn." + f[:-3].replace("/", ".").removesuffix(".__init__") for f in RUNTIME_FILES} | {"pyawssfn"}
    root = pathlib.Path(sfn.__file__).parent
    for name in RUNTIME_FILES:
        tree = ast.parse((root / name).read_text())
        guarded = {id(n) for t in ast.walk(tree) if isinstance(t, ast.Try) for b in t.body for n in ast.walk(b)}
        for node in ast.walk(tree):
            if id(node) in guarded or not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for module in modules:
                top = module.split(".")[0]
                assert top in sys.stdlib_module_names or module in shipped or top == "__future__" or (
                    top == "boto3" and "import boto3" in (root / name).read_text()), f"{name}: import {module}"


BRANCHES = '''
import pyawssfn as sfn


def a(x):
    return sfn.context().state


def ask(token, x):
    return sfn.context().state


@sfn.workflow
def flow(x):
    r = sfn.parallel(
        lambda: a(1),
        lambda: a(2),
    )
    d = sfn.wait_for_callback(ask, x)
    return [r, d, [a(i) for i in [1, 2]]]
'''


def test_branches_callbacks_and_comprehensions_name_their_states_alike(tmp_path):
    (tmp_path / "branch_flow.py").write_text(BRANCHES)
    tester = WorkflowTester(tmp_path / "branch_flow.py").callback("ask", result="answered")
    py, machine = tester.run_both({"x": 1})
    assert py.output == machine.output == [["a @16", "a @17"], "answered", ["a (item)", "a (item)"]]
    # The callback step reads the state the machine sends it (its own result is dropped: the token's answer counts).
    scheduled = [json.loads(e["taskScheduledEventDetails"]["parameters"]) for e in machine.history
                 if e["type"] == "TaskScheduled" and "waitForTaskToken" in e["taskScheduledEventDetails"]["resource"]]
    assert [p["Payload"]["context"]["state"] for p in scheduled] == [py.calls[2].result]
    assert py.calls[2].result == "ask"  # the callback Task is named after its step


def test_a_logged_exception_is_one_json_line_with_its_error():
    import logging

    from pyawssfn._dispatch import JsonFormatter, StepFields

    try:
        raise KeyError("sku")
    except KeyError:
        import sys as _sys
        record = logging.LogRecord("steps", logging.ERROR, __file__, 1, "lookup of %s failed", ("sku",),
                                   _sys.exc_info())
    record.state = "mine"  # a record's own extra= field is kept over the context's
    with sfn._serving(sfn.StepContext("flow", "e-1", "look", 0, "look")):
        StepFields().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    out = json.loads(line)
    assert (out["message"], out["level"], out["errorType"], out["errorMessage"]) == (
        "lookup of sku failed", "ERROR", "KeyError", "'sku'")
    assert (out["state"], out["execution"], out["retry_count"]) == ("mine", "e-1", 0)
    assert "test_a_logged_exception" in "".join(out["stackTrace"]) and "requestId" not in out
