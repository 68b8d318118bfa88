"""A new user's journeys through pyawssfn: their own workflows (tests/e2e/workflows/) run as plain CPython, as plain
Python through pyrun and as the compiled machine, and the CLI as they would type it, mistakes included.

Expected values come from calling the workflow function directly under CPython (the module runs unchanged), with
the test's own stand-ins for the steps where the scenario needs one; never from pyawssfn itself."""
import importlib.util
import json
import pathlib
import sys

import pytest

import pyawssfn as sfn
from pyawssfn.cli import main
from pyawssfn.testing import WorkflowTester, plain_cause, reported_cause

WF = pathlib.Path(__file__).parent / "workflows"


def load(name):
    """Import a workflow module afresh, as a user's own `import` would (a separate module object from the tester's)."""
    spec = importlib.util.spec_from_file_location(f"e2e_plain_{name}", WF / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def plain(fn, *args, **kwargs):
    """Run a workflow function directly under CPython and describe its end as (status, output, error, cause)."""
    try:
        return "SUCCEEDED", fn(*args, **kwargs), None, None
    except sfn.Fail as e:
        return "FAILED", None, e.error, e.cause
    except Exception as e:
        return "FAILED", None, type(e).__name__, str(e)


def both(tester, value):
    py, machine = tester.run_both(value)
    return (py.status, py.output, py.error), (machine.status, machine.output, machine.error)


def expect(tester, value, outcome):
    status, output, error, _cause = outcome
    py, machine = both(tester, value)
    # an error nothing catches ends both runs as it is, a reserved States.* name included
    assert py == machine == (status, output, error)


# --------------------------------------------------------------------------------------------- ETL: loop + retry
ETL_INPUTS = [
    {"source": "s3://raw", "pages": 3, "factor": 2},
    {"source": "s3://raw", "pages": 1},
    {"source": "s3://raw", "pages": 0},                      # NothingLoaded
]


@pytest.mark.parametrize("value", ETL_INPUTS)
def test_etl_runs_the_same_three_ways(value):
    expect(WorkflowTester(WF / "etl.py"), value, plain(load("etl").etl, **value))


def test_etl_retries_the_flaky_loader_then_gives_up():
    t = WorkflowTester(WF / "etl.py")
    t.fail_step("load", error="SourceThrottled", cause="slow down", times=2)
    py, machine = t.run_both({"source": "s", "pages": 1})
    assert py.output == machine.output == {"source": "s", "loaded": 3, "skipped": []}
    assert py.sleeps == [2, 4]                              # interval 2, backoff 2
    assert machine.stats["lambda_invocations"] == py.stats["lambda_invocations"] == 2 + 3

    t = WorkflowTester(WF / "etl.py")
    t.fail_step("load", error="SourceThrottled", cause="slow down")
    py, machine = t.run_both({"source": "s", "pages": 1})
    # the step's error ends the machine as Lambda reported it: its cause is the runtime's error JSON
    assert (py.error, py.cause) == (machine.error, reported_cause(machine.error, machine.cause)) == (
        "SourceThrottled", "slow down")
    assert py.sleeps == [2, 4, 8]                           # max_attempts counts retries, as ASL's MaxAttempts
    assert machine.stats["lambda_invocations"] == py.stats["lambda_invocations"] == 2 + 4


def test_etl_skips_a_bad_page():
    bad = [{"id": 7, "value": -1}]
    t = WorkflowTester(WF / "etl.py")
    t.mock_step("fetch_page", returns=bad)
    m = load("etl")
    m.fetch_page = lambda source, page: bad
    value = {"source": "s", "pages": 2}
    expected = plain(m.etl, **value)
    assert expected[2] == "NothingLoaded"                    # every page was bad
    expect(t, value, expected)


# --------------------------------------------------------------------------------------------- saga: compensation
SAGA_INPUTS = [{"trip_id": "t1"}, {"trip_id": "t2", "nights": 20}, {"trip_id": "t3", "car": "tank"},
               {"trip_id": "t4", "car": None}]


@pytest.mark.parametrize("value", SAGA_INPUTS)
def test_saga_compensates_in_reverse_and_always_audits(value):
    t = WorkflowTester(WF / "saga.py")
    expected = plain(load("saga").book_trip, **value)
    expect(t, value, expected)
    py, machine = t.last_python, t.last_execution
    assert py.cause == machine.cause == expected[3]
    steps = [c.step for c in py.calls]
    assert steps[-1] == "audit"
    outcome = py.calls[-1].kwargs["outcome"]
    assert outcome == ("booked" if expected[0] == "SUCCEEDED" else "rolled back")
    assert machine.stats["lambda_invocations"] == len(py.calls)


# --------------------------------------------------------------------------------------------- batch: maps
DOCS = [{"id": "a", "text": "hello big world"}, {"id": "b", "text": ""}, {"id": "c", "text": "x y"}]


@pytest.mark.parametrize("docs", [DOCS, DOCS[:1], [], [DOCS[1], DOCS[1]]])
def test_batch_map_and_tolerated_failures(docs):
    expected = plain(load("batch").batch, docs)
    expect(WorkflowTester(WF / "batch.py"), {"docs": docs}, expected)
    if docs == [DOCS[1], DOCS[1]]:
        assert expected[2] == "States.ExceedToleratedFailureThreshold"


def test_batch_threshold_cause_agrees():
    t = WorkflowTester(WF / "batch.py")
    t.run_both({"docs": [DOCS[1], DOCS[1]]})
    assert t.last_python.cause == t.last_execution.cause


# --------------------------------------------------------------------------------------------- approval: callbacks
def _paid(approver, claim, amount):
    return {"approver": approver, **load("approval_timeout").pay(claim, amount)}


def test_approval_by_the_manager():
    t = WorkflowTester(WF / "approval_timeout.py")
    t.callback("ask", result={"ok": True})
    expect(t, {"claim_id": "c1", "amount": 40}, ("SUCCEEDED", _paid("manager", "c1", 40), None, None))


def test_approval_escalates_after_the_manager_times_out():
    t = WorkflowTester(WF / "approval_timeout.py")
    t.callback("ask", timeout=True)
    t.callback("ask", result={"ok": True}, after=600)
    expect(t, {"claim_id": "c2", "amount": 900}, ("SUCCEEDED", _paid("director", "c2", 900), None, None))
    assert t.last_python.stats["elapsed_seconds"] == 3600 + 600


def test_approval_rejected_and_unanswered():
    t = WorkflowTester(WF / "approval_timeout.py")
    t.callback("ask", result={"ok": False})
    py, machine = t.run_both({"claim_id": "c3", "amount": 5})
    assert (py.error, py.cause) == (machine.error, machine.cause) == ("Rejected", "manager said no: no reason")

    t = WorkflowTester(WF / "approval_timeout.py")
    t.callback("ask", timeout=True)
    t.callback("ask", timeout=True)
    py, machine = t.run_both({"claim_id": "c4", "amount": 5})
    assert py.error == machine.error == "States.Timeout"


def test_callback_timeout_cause_agrees():
    t = WorkflowTester(WF / "approval_timeout.py")
    t.callback("ask", timeout=True)
    t.callback("ask", timeout=True)
    py, machine = t.run_both({"claim_id": "c4", "amount": 5})
    assert plain_cause(py.cause) == plain_cause(machine.cause) == ""


# --------------------------------------------------------------------------------------------- child workflows
@pytest.mark.parametrize("regions", [["eu", "asia"], ["eu", "mars", "asia"], ["mars"], []])
def test_parent_runs_a_child_per_region(regions):
    value = {"regions": regions, "day": 3}
    expected = plain(load("parent_child").daily_report, **value)
    expect(WorkflowTester(WF / "parent_child.py", "daily_report"), value, expected)


# --------------------------------------------------------------------------------------------- AWS SDK calls
def test_s3_and_dynamodb_calls_mocked():
    t = WorkflowTester(WF / "aws_calls.py")
    t.mock_aws("s3.get_object", returns={"Body": "42", "ETag": "\"e1\""})
    t.mock_aws("dynamodb.put_item", returns={})
    threshold = load("aws_calls").parse("42")["threshold"]
    expect(t, {"job_id": "j1", "bucket": "b"},
           ("SUCCEEDED", {"job": "j1", "threshold": threshold, "etag": "\"e1\""}, None, None))
    assert t.last_python.stats["sdk_calls"] == 2

    t = WorkflowTester(WF / "aws_calls.py")
    t.mock_aws("s3.get_object", error="S3.NoSuchKeyException", cause="no such key")
    py, machine = t.run_both({"job_id": "j1", "bucket": "b"})
    assert py.error == machine.error == "S3.NoSuchKeyException"


# --------------------------------------------------------------------------------------------- data munging
@pytest.mark.parametrize("value", [{"sensors": ["alpha", "be", "gamma"]},
                                   {"sensors": ["alpha"], "scale": 2, "top": 5}, {"sensors": []},
                                   {"sensors": ["x", "yy"], "scale": 0.5, "top": 1}])
def test_munging_in_the_workflow_body(value):
    expect(WorkflowTester(WF / "munging.py"), value, plain(load("munging").munge, **value))


@pytest.mark.parametrize("expr", ["sorted(rows)", "[max(rows), min(rows)]"])
def test_sorted_min_max_of_lists_agree(tmp_path, expr):
    path = tmp_path / "rows.py"
    path.write_text(f"import pyawssfn as sfn\n\n@sfn.workflow\ndef w(rows):\n    return {expr}\n")
    WorkflowTester(path).run_both({"rows": [[2, "b"], [1, "z"], [2, "a"]]})


def test_sorted_with_a_key_lambda(tmp_path):
    path = tmp_path / "bykey.py"
    path.write_text("import pyawssfn as sfn\n\n@sfn.workflow\ndef w(xs):\n    return sorted(xs, key=lambda r: r['v'])\n")
    xs = [{"v": 2, "n": "a"}, {"v": 1, "n": "b"}, {"v": 2, "n": "c"}]
    py, machine = WorkflowTester(path).run_both({"xs": xs})
    assert machine.output == sorted(xs, key=lambda r: r["v"])


@pytest.mark.parametrize("expr", ["str(x * 1.0)", "f'{x + 0.0}'", "str(x * 2.5)"])
def test_str_of_arithmetic_with_a_float_literal(tmp_path, expr):
    path = tmp_path / "fl.py"
    path.write_text(f"import pyawssfn as sfn\n\n@sfn.workflow\ndef w(x):\n    return {expr}\n")
    WorkflowTester(path).run_both({"x": 2})


GROUP_BY = """
by_tag = {}
for t in tags:
    if t not in by_tag:
        by_tag[t] = {"ids": []}
    by_tag[t]["ids"] = by_tag[t]["ids"] + [1]
return by_tag
"""
READ_THEN_REPLACE = """
d = {"a": {"n": tags}}
x = d["a"]["n"]
d["a"]["n"] = [2]
return [d, x]
"""


@pytest.mark.parametrize("body", [
    pytest.param(GROUP_BY, id="group_by"),
    pytest.param(READ_THEN_REPLACE, id="read_then_replace", marks=pytest.mark.xfail(
        strict=True, reason="F31: replacing d[k][j] after reading it is still refused as an alias (a safe refusal)")),
])
def test_replacing_a_nested_key_is_not_an_alias(tmp_path, body):
    source = "def w(tags):\n" + "".join(f"    {line}\n" for line in body.strip().splitlines())
    path = tmp_path / "alias.py"
    path.write_text("import pyawssfn as sfn\n\n@sfn.workflow\n" + source)
    namespace = {}
    exec(source, namespace)
    tags = ["a", "b", "a"]
    py, machine = WorkflowTester(path).run_both({"tags": tags})
    assert machine.output == namespace["w"](tags)


# --------------------------------------------------------------------------------------------- the CLI, happy path
ALL = ["etl", "saga", "batch", "approval_timeout", "aws_calls", "munging", "parent_child"]


def _wf_args(name):
    return ["--workflow", "daily_report"] if name == "parent_child" else []


def cli(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.mark.parametrize("name", ALL)
def test_compile_validate_graph_template(capsys, tmp_path, name):
    src = WF / f"{name}.py"
    code, first, _ = cli(capsys, "compile", src, *_wf_args(name))
    assert code == 0
    definition = json.loads(first)
    assert definition["QueryLanguage"] == "JSONata"
    assert cli(capsys, "compile", src, *_wf_args(name))[1] == first        # deterministic
    out = tmp_path / "m.asl.json"
    assert cli(capsys, "compile", src, *_wf_args(name), "-o", out)[0] == 0
    assert json.loads(out.read_text()) == definition
    code, _, err = cli(capsys, "compile", src, *_wf_args(name), "-o", out)
    assert code == 2 and "--force" in err                                    # no silent overwrite
    assert cli(capsys, "validate", src, *_wf_args(name))[0] == 0
    assert cli(capsys, "validate", out)[0] == 0                              # the written definition too
    code, mermaid, _ = cli(capsys, "graph", src, *_wf_args(name), "--format", "mermaid")
    assert code == 0 and mermaid.lstrip().startswith(("flowchart", "graph", "stateDiagram"))
    code, html, _ = cli(capsys, "graph", src, *_wf_args(name), "--format", "html")
    assert code == 0 and "<html" in html.lower()
    code, sam, _ = cli(capsys, "template", src, *_wf_args(name), "--format", "sam")
    assert code == 0 and "AWS::Serverless::StateMachine" in sam


@pytest.mark.parametrize("name", ["saga", "parent_child"])
def test_package_twice_gives_the_same_bytes(capsys, tmp_path, name):
    a, b = tmp_path / "a.zip", tmp_path / "b.zip"
    assert cli(capsys, "package", WF / f"{name}.py", *_wf_args(name), "-o", a)[0] == 0
    assert cli(capsys, "package", WF / f"{name}.py", *_wf_args(name), "-o", b)[0] == 0
    assert a.read_bytes() == b.read_bytes()
    code, _, err = cli(capsys, "package", WF / f"{name}.py", *_wf_args(name), "-o", a)
    assert code == 2 and "--force" in err


def test_run_compare_exit_statuses(capsys):
    code, out, _ = cli(capsys, "run", WF / "saga.py", "--input", '{"trip_id": "t"}', "--compare")
    assert code == 0 and "both runs agree" in out
    code, out, _ = cli(capsys, "run", WF / "saga.py", "--input", '{"trip_id": "t", "car": "tank"}', "--compare")
    assert code == 1 and "TripFailed" in out                   # both failed the same way: still exit 1
    code, out, _ = cli(capsys, "run", WF / "etl.py", "--input", '{"source": "s", "pages": 2}', "--json")
    assert code == 0 and json.loads(out)["output"] == plain(load("etl").etl, "s", 2)[1]
    code, out, _ = cli(capsys, "run", WF / "approval_timeout.py", "--input", '{"claim_id": "c", "amount": 1}',
                       "--callback", 'ask={"ok": true}', "--compare", "--json")
    assert code == 0 and json.loads(out)["equal"] is True


# --------------------------------------------------------------------------------------------- the CLI, mistakes
def test_mistakes_get_a_clear_message_and_exit_2(capsys, tmp_path):
    etl = WF / "etl.py"
    code, _, err = cli(capsys, "compile", tmp_path / "nosuch.py")
    assert code == 2 and "nosuch.py" in err and "no such file" in err
    code, _, err = cli(capsys, "run", etl, "--input", '{"source": "x", pages: 2}')
    assert code == 2 and "not valid JSON" in err
    code, _, err = cli(capsys, "run", etl, "--input", "[1]")
    assert code == 2 and "JSON object" in err
    code, _, err = cli(capsys, "run", etl, "--input", f"@{tmp_path / 'nosuch.json'}")
    assert code == 2 and "nosuch.json" in err
    code, _, err = cli(capsys, "compile", etl, "--workflow", "nosuch")
    assert code == 2 and "no workflow named 'nosuch'" in err and "etl" in err
    code, _, err = cli(capsys, "compile", WF / "parent_child.py")
    assert code == 2 and "--workflow" in err
    bad = tmp_path / "bad.asl.json"
    bad.write_text('{"StartAt": ')
    code, _, err = cli(capsys, "validate", bad)
    assert code == 2 and "not valid JSON" in err
    for argv in (["frobnicate"], ["run", etl, "--inptu", "{}"], ["run", etl, "--python", "--compare"],
                 ["graph", etl, "--format", "png"], ["run", etl, "--seed", "abc"]):
        with pytest.raises(SystemExit) as exc:
            main([str(a) for a in argv])
        assert exc.value.code == 2
        assert "error:" in capsys.readouterr().err


def test_a_failed_execution_exits_1(capsys):
    code, out, _ = cli(capsys, "run", WF / "etl.py", "--input", '{"source": "x", "pages": 0}')
    assert code == 1 and "NothingLoaded" in out
    code, out, _ = cli(capsys, "run", WF / "etl.py", "--input", '{"source": "x"}', "--compare")   # missing field
    assert code == 1 and "States.QueryEvaluationError" in out


def test_unsupported_constructs_are_listed_with_positions(capsys, tmp_path):
    src = tmp_path / "unsup.py"
    src.write_text("import pyawssfn as sfn\n\ndef step(x):\n    return x\n\n@sfn.workflow\ndef wf(n):\n"
                   "    print(n)\n    with open('f') as f:\n        pass\n    return step(n) if n else step(0)\n")
    code, out, err = cli(capsys, "compile", src)
    assert code == 2 and out == ""
    assert f"{src}:8:5: error: print()" in err
    assert f"{src}:9:5: error: a with block" in err
    assert f"{src}:11:" in err
    assert "3 errors; nothing compiled" in err


def test_a_misspelled_step_is_named(capsys, tmp_path):
    src = tmp_path / "m.py"
    src.write_text("import pyawssfn as sfn\n\ndef double(x):\n    return x * 2\n\n@sfn.workflow\ndef wf(n):\n"
                   "    return doubel(n)\n")
    code, _, err = cli(capsys, "compile", src)                  # F27's first item, fixed
    assert code == 2 and "undefined name 'doubel'" in err and "double" in err


def test_a_generator_expression_in_sum(tmp_path):
    src = tmp_path / "g.py"
    src.write_text("import pyawssfn as sfn\n\n@sfn.workflow\ndef wf(n):\n    return sum(i * i for i in range(n))\n")
    py, machine = WorkflowTester(src).run_both({"n": 4})
    assert machine.output == sum(i * i for i in range(4))


def test_run_of_a_definition_points_to_exec(capsys, tmp_path):
    d = tmp_path / "m.asl.json"
    d.write_text('{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}')
    code, _, err = cli(capsys, "run", d)
    assert code == 2 and "exec" in err


@pytest.mark.parametrize("mode", [[], ["--compare"], ["--python"]])
def test_run_of_an_sdk_workflow_says_how_to_mock_from_the_cli(capsys, mode):
    code, out, err = cli(capsys, "run", WF / "aws_calls.py", "--input", '{"job_id": "j", "bucket": "b"}', *mode)
    assert code == 2 and "--mock-aws SERVICE.OPERATION=JSON" in err


# --------------------------------------------------------------------------------------------- installing
# import name -> distribution, for the runtime dependencies whose names differ
_DISTRIBUTION = {"jsonata": "jsonata-python", "jsonpath": "python-jsonpath", "botocore": "boto3", "yaml": "pyyaml",
                 "aws_cdk": "aws-cdk-lib"}
# Subpackages that only an optional extra makes importable (`pip install 'pyawssfn[cdk]'`), no command imports them.
# pytest_plugin.py is loaded only by pytest (entry point pytest11), which the [test] extra installs.
_EXTRA_OF_SUBPACKAGE = {"cdk": "cdk", "pytest_plugin.py": "test"}


def test_the_quick_start_install_has_every_runtime_import():
    """README's quick start installs `pip install -e .` (no extras): every module src/pyawssfn imports must then be
    the standard library, pyawssfn, or a declared dependency (or come with one)."""
    import ast
    import re
    import tomllib

    root = pathlib.Path(__file__).parents[2]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    runtime = {re.split(r"[<>=!\[ ;]", d, maxsplit=1)[0].lower() for d in project["dependencies"]}
    missing = set()
    for path in (root / "src" / "pyawssfn").rglob("*.py"):
        sub = path.relative_to(root / "src" / "pyawssfn").parts[0]
        extra = project["optional-dependencies"].get(_EXTRA_OF_SUBPACKAGE.get(sub, ""), [])
        declared = runtime | {re.split(r"[<>=!\[ ;]", d, maxsplit=1)[0].lower() for d in extra}
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "pyawssfn":
                    continue
                if _DISTRIBUTION.get(top, top).lower() not in declared:
                    missing.add(f"{top} ({path.relative_to(root)})")
    assert not missing, sorted(missing)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
