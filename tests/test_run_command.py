"""`pyawssfn run`: the machine, plain Python, and both compared, through the CLI as a user calls it."""
from __future__ import annotations

import json

import pytest

from pyawssfn.cli import main

EXAMPLE = "examples/analyse_text.py"


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _repo_cwd(monkeypatch, repo_root):
    monkeypatch.chdir(repo_root)


@pytest.mark.parametrize("text,status,output,error,cause", [
    ("a short example", "SUCCEEDED", "text starts with a, has 15 chars, 5 vowels, and 2 spaces", None, None),
    ("bob", "SUCCEEDED", "text starts with b, has 3 chars, 1 vowels, and 0 spaces", None, None),
    ("choose wisely", "SUCCEEDED", 'text starts with "c"; look: "c"', None, None),
    ("", "FAILED", None, "MalformedText", "text too short"),
    ("xyz", "FAILED", None, "MalformedText", "wrong starting letter"),
])
@pytest.mark.parametrize("example", [EXAMPLE, "examples/analyse_text_poc.py"])
def test_compare_agrees_on_every_example_input(capsys, example, text, status, output, error, cause):
    code, out, err = run_cli(capsys, "run", example, "--input", json.dumps({"text": text}), "--compare", "--json")
    report = json.loads(out)
    assert report["equal"] is True, report["differences"]
    assert report["differences"] == []
    for side in ("python", "machine"):
        assert report[side]["status"] == status
        assert report[side]["output"] == output
        assert report[side]["error"] == error
        assert report[side]["cause"] == cause
    assert code == (0 if status == "SUCCEEDED" else 1)


def test_machine_run_prints_the_poc_output_and_counts(capsys):
    code, out, err = run_cli(capsys, "run", EXAMPLE, "--input", '{"text": "a short example"}', "--json")
    summary = json.loads(out)
    assert code == 0 and err == ""
    assert set(summary) == {"status", "output", "error", "cause", "stats"}
    assert summary["output"] == "text starts with a, has 15 chars, 5 vowels, and 2 spaces"
    assert summary["stats"]["lambda_invocations"] == 5
    assert summary["stats"]["states_entered"] <= 8


def test_timeline_without_json(capsys):
    code, out, err = run_cli(capsys, "run", EXAMPLE, "--input", '{"text": "a short example"}')
    assert code == 0
    for state in ("get_summary", "augment_summary", "get_n_vowels", "get_n_spaces", "format_result"):
        assert state in out
    assert "SUCCEEDED" in out and "text starts with a, has 15 chars" in out


def test_python_run(capsys):
    code, out, err = run_cli(capsys, "run", EXAMPLE, "--python", "--input", '{"text": ""}', "--json")
    assert code == 1
    assert json.loads(out)["error"] == "MalformedText"


@pytest.mark.parametrize("argv,message", [
    (["run", EXAMPLE, "--input", "{bad"], "not valid JSON"),
    (["run", EXAMPLE, "--input", "[1, 2]"], "must be a JSON object"),
    (["run", "no/such/file.py"], "no such file"),
    (["run", "examples/approval.py", "--input", "{}", "--callback", "nosuchstep={}"], "not a step"),
    (["run", "examples/approval.py", "--input", "{}", "--callback", "request_approval={bad"], "not valid JSON"),
])
def test_bad_usage_exits_2_with_a_message(capsys, argv, message):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_compile_error_is_reported_with_location(capsys, tmp_path):
    src = tmp_path / "bad.py"
    src.write_text("import pyawssfn as sfn\n\n@sfn.workflow\ndef w(x):\n    print(x)\n    return y\n")
    code, out, err = run_cli(capsys, "run", str(src), "--input", '{"x": 1}')
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[0].startswith(f"{src}:5:5: error:") and "print" in lines[0]
    assert lines[1].startswith(f"{src}:6:12: error:") and "'y'" in lines[1]


@pytest.mark.parametrize("flags,expected", [
    (["--callback", 'request_approval={"approved": true}'], {"order_id": "o1", "status": "fulfilled"}),
    (["--callback", 'request_approval={"approved": false, "reason": "too much"}'],
     {"order_id": "o1", "status": "rejected", "reason": "too much"}),
    (["--callback-timeout", "request_approval"],
     {"order_id": "o1", "status": "rejected", "reason": "no decision within a day"}),
])
def test_callbacks_from_the_command_line(capsys, flags, expected):
    code, out, err = run_cli(capsys, "run", "examples/approval.py", "--input", '{"order_id": "o1", "amount": 500}',
                             "--compare", "--json", *flags)
    report = json.loads(out)
    assert code == 0, err
    assert report["equal"] and report["machine"]["output"] == expected == report["python"]["output"]


def test_payload_quota_both_ways(capsys, tmp_path):
    # An argument over 256 KiB fails the Task before the Lambda runs, on the machine and in plain Python alike.
    src = tmp_path / "big.py"
    src.write_text("import pyawssfn as sfn\n\ndef grow(n):\n    return 'a' * n\n\ndef size(s):\n    return len(s)\n\n"
                   "@sfn.workflow\ndef w(n):\n    s = grow(n)\n    return size(s + s)\n")
    code, out, err = run_cli(capsys, "run", str(src), "--input", '{"n": 150000}', "--compare", "--json")
    report = json.loads(out)
    assert report["equal"], report["differences"]
    assert report["machine"]["error"] == report["python"]["error"] == "States.DataLimitExceeded"
    assert report["machine"]["stats"]["lambda_invocations"] == report["python"]["stats"]["lambda_invocations"] == 1
    big = tmp_path / "input.json"
    big.write_text(json.dumps({"n": "x" * 300_000}))
    for how in ([], ["--python"]):
        code, out, err = run_cli(capsys, "run", str(src), "--input", f"@{big}", *how)
        assert code == 2 and "StartExecution accepts at most 262144 bytes" in err


def test_missing_callback_answer_is_a_usage_error(capsys):
    for how in ([], ["--python"]):
        code, out, err = run_cli(capsys, "run", "examples/approval.py", "--input", '{"order_id": "o", "amount": 500}',
                                 *how)
        assert code == 2 and "--callback STEP=JSON" in err and "Traceback" not in err


def test_execution_past_a_year_times_out_both_ways(capsys, tmp_path):
    # Step Functions stops a Standard execution after a year; no except in the workflow can catch that.
    src = tmp_path / "long.py"
    src.write_text("import pyawssfn as sfn\n\ndef tick(x):\n    return x + 1\n\n@sfn.workflow\ndef w(days):\n"
                   "    try:\n        sfn.sleep(days * 86400)\n    except Exception:\n        return 'caught'\n"
                   "    return tick(days)\n")
    for days, status in ((364, "SUCCEEDED"), (400, "TIMED_OUT")):
        code, out, err = run_cli(capsys, "run", str(src), "--input", json.dumps({"days": days}), "--compare", "--json")
        report = json.loads(out)
        assert report["equal"], report["differences"]
        assert report["machine"]["status"] == report["python"]["status"] == status
        assert code == (0 if status == "SUCCEEDED" else 1)


AWS_FLOW = ("import pyawssfn as sfn\n\ndef size_of(body):\n    return len(body)\n\n@sfn.workflow\ndef w(key):\n"
            "    obj = sfn.aws.s3.get_object(Bucket='b', Key=key)\n    return size_of(obj['Body'])\n")


def test_sdk_calls_served_from_the_command_line(capsys, tmp_path):
    src = tmp_path / "aws_flow.py"
    src.write_text(AWS_FLOW)
    code, out, err = run_cli(capsys, "run", str(src), "--input", '{"key": "k"}', "--compare", "--json",
                             "--mock-aws", 's3.get_object={"Body": "hello"}')
    report = json.loads(out)
    assert code == 0 and report["equal"] and report["machine"]["output"] == 5 == report["python"]["output"]
    code, out, err = run_cli(capsys, "run", str(src), "--input", '{"key": "k"}', "--compare", "--json",
                             "--mock-aws-fail", "s3.get_object=S3.NoSuchKeyException:gone")
    report = json.loads(out)
    assert code == 1 and report["equal"] and report["machine"]["error"] == "S3.NoSuchKeyException"
    for how in ([], ["--python"], ["--compare"]):  # no mock: the same usage error whichever way it runs
        code, out, err = run_cli(capsys, "run", str(src), "--input", '{"key": "k"}', *how)
        assert code == 2 and "--mock-aws SERVICE.OPERATION=JSON" in err


def test_a_definition_file_is_pointed_to_exec(capsys, tmp_path):
    definition = tmp_path / "machine.json"
    definition.write_text('{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}')
    code, out, err = run_cli(capsys, "run", str(definition))
    assert code == 2 and "pyawssfn exec" in err


def test_callback_options_answer_in_command_line_order(capsys):
    code, out, err = run_cli(capsys, "run", "examples/approval.py", "--input", '{"order_id": "o", "amount": 500}',
                             "--json", "--callback-timeout", "request_approval",
                             "--callback", 'request_approval={"approved": true}')
    assert code == 0 and json.loads(out)["output"]["reason"] == "no decision within a day"


def test_a_mistyped_option_shows_the_subcommands_usage(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", EXAMPLE, "--inptu", "{}"])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert "usage: pyawssfn run" in err and "unrecognized arguments: --inptu" in err


def test_exec_serves_a_compiled_workflows_steps(capsys, tmp_path):
    definition = tmp_path / "at.json"
    assert run_cli(capsys, "compile", EXAMPLE, "-o", str(definition))[0] == 0
    code, out, err = run_cli(capsys, "exec", str(definition), "--input", '{"text": "a short example"}', "--json",
                             "--lambda", "${FunctionArn}=" + EXAMPLE)
    summary = json.loads(out)
    assert code == 0, err
    assert summary["output"] == "text starts with a, has 15 chars, 5 vowels, and 2 spaces"
    assert summary["stats"]["lambda_invocations"] == 5


@pytest.mark.parametrize("name,marker", [("g.svg", "<svg"), ("g.html", "<html"), ("g.dot", "digraph"),
                                         ("g.mmd", "flowchart")])
def test_graph_format_follows_the_output_extension(capsys, tmp_path, name, marker):
    out_file = tmp_path / name
    code, out, err = run_cli(capsys, "graph", EXAMPLE, "-o", str(out_file))
    assert code == 0, err
    assert marker in out_file.read_text()
    code, out, err = run_cli(capsys, "graph", EXAMPLE, "-o", str(out_file))
    assert code == 2 and "exists; pass --force to overwrite it" in err


def test_an_uncaught_step_error_reads_as_its_message_and_is_kept_as_lambda_reported_it(capsys, tmp_path):
    """The machine ends with Lambda's error JSON as cause (as AWS does); the text report shows its errorMessage, the
    JSON report the cause as it is, and --compare takes both runs to agree."""
    src = tmp_path / "uncaught.py"
    src.write_text("import pyawssfn as sfn\n\ndef fetch(k):\n    raise ValueError('bad ' + k)\n\n"
                   "@sfn.workflow\ndef w(k):\n    return fetch(k)\n")
    code, out, _ = run_cli(capsys, "run", str(src), "--input", '{"k": "x"}', "--compare")
    assert code == 1 and out.count("FAILED error: ValueError cause: bad x") == 2 and "both runs agree" in out
    code, out, _ = run_cli(capsys, "run", str(src), "--input", '{"k": "x"}', "--compare", "--json")
    report = json.loads(out)
    assert report["equal"] and report["python"]["cause"] == "bad x"
    machine = json.loads(report["machine"]["cause"])
    assert (report["machine"]["error"], machine["errorType"], machine["errorMessage"]) == ("ValueError",) * 2 + ("bad x",)


@pytest.mark.parametrize("body,field,failing", [
    ('    v = step(d)\n    return v["zz"] + 1\n', "Output", 'return v["zz"] + 1'),     # the return, in the Task
    ('    v = step(d)\n    w = v["zz"] + 1\n    return step(w)\n', "Assign/w", 'w = v["zz"] + 1'),  # an assignment
])
def test_run_names_the_line_of_the_statement_folded_into_the_failing_field(capsys, tmp_path, body, field, failing):
    """The expression that fails was compiled into the state of the statement before it: `at:` names its own line,
    not the state's first one (the step call's)."""
    src = tmp_path / "kerr.py"
    text = "import pyawssfn as sfn\n\n\ndef step(x):\n    return x\n\n\n@sfn.workflow\ndef wf(d: dict):\n" + body
    src.write_text(text)
    line = text.splitlines().index("    " + failing) + 1
    code, out, _ = run_cli(capsys, "run", str(src), "--input", '{"d": {"a": 1}}', "--compare")
    assert code == 1 and "both runs agree" in out
    assert f"at: {src}:{line} (the {field} of state step" in out, out
    code, out, _ = run_cli(capsys, "run", str(src), "--input", '{"d": {"a": 1}}')
    assert f"at: {src}:{line} (the {field} of state step" in out, out
