"""Every command reads what the user names the same way: `-`, `@FILE`, a size bound, Python's source decoding,
JSON as AWS takes it; outputs never replace an input. Named regression tests of issue #13."""
from __future__ import annotations

import io
import json
import os
import sys

import pytest

from pyawssfn.commands import inputs

PASS = '{"StartAt": "a", "States": {"a": {"Type": "Pass", "End": true}}}'


def _latin1_flow(tmp_path):
    path = tmp_path / "latin.py"
    path.write_bytes("# -*- coding: latin-1 -*-\nimport pyawssfn as sfn\n\n\ndef greet(x: str) -> str:\n"
                     "    return x + '\u00e9'\n\n\n@sfn.workflow\ndef flow(x: str) -> str:\n    return greet(x)\n"
                     .encode("latin-1"))
    return path


# `run` joins this list once compiler.compile_file (read by the WorkflowTester) decodes as Python does.
@pytest.mark.parametrize("command", ["compile", "validate", "graph", "package"])
def test_bom_and_coding_cookie_sources_are_decoded_as_python_does(cli, tmp_path, flow, command):
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbf" + flow.read_bytes())
    for path in (bom, _latin1_flow(tmp_path)):
        argv = [command, str(path)]
        if command == "run":
            argv += ["--input", '{"x": 1}' if path == bom else '{"x": "caf"}']
        if command == "package":
            argv += ["-o", str(tmp_path / f"{path.stem}.zip")]
        code, out, err = cli(*argv)
        assert code == 0, err
        assert "internal error" not in err
        if command == "run" and path != bom:
            assert "caf\u00e9" in out


def test_undecodable_source_is_a_usage_error_naming_the_line(cli, tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_bytes(b"import pyawssfn as sfn\nx = '\xff'\n")
    for command in ("compile", "validate", "graph", "run", "package"):
        code, _, err = cli(command, str(bad))
        assert code == 2 and "bad.py:2: cannot decode" in err, (command, err)


def test_a_directory_named_like_a_module_is_called_a_directory(cli, tmp_path):
    (tmp_path / "adir.py").mkdir()
    for command in ("compile", "validate", "graph", "run", "package"):
        code, _, err = cli(command, str(tmp_path / "adir.py"))
        assert code == 2 and "directory" in err and "no such file" not in err, (command, err)


def test_reads_are_bounded(cli):
    code, _, err = cli("exec", "/dev/zero")
    assert code == 2 and "larger than" in err
    code, _, err = cli("compile", "/dev/zero")
    assert code == 2 and "larger than" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(cli, flow):
    flow.chmod(0)
    try:
        code, _, err = cli("compile", str(flow))
    finally:
        flow.chmod(0o644)
    assert code == 2 and "permission denied" in err


def test_exec_of_a_json_array_says_what_it_is(cli):
    code, _, err = cli("exec", "[]")
    assert code == 2 and "an array" in err and "no such" not in err


@pytest.mark.parametrize("value, message", [
    ('{"a": 1e400}', "out of range"),
    ('{"a": NaN}', "NaN is not JSON"),
    ('"\\ud800"', "lone surrogate"),
    ('{"\\udfff": 1}', "lone surrogate"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ("[" * 250 + "]" * 250, "nested too deeply"),
])
def test_json_inputs_aws_would_refuse(cli, value, message):
    code, _, err = cli("exec", PASS, "--input", value)
    assert code == 2 and message in err, err


def test_input_from_a_file_and_from_standard_input(cli, tmp_path, monkeypatch):
    (tmp_path / "in.json").write_text('{"k": [1, 2]}')
    code, out, _ = cli("exec", PASS, "--input", f"@{tmp_path / 'in.json'}", "--json")
    assert code == 0 and json.loads(out)["output"] == {"k": [1, 2]}
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"k": "stdin"}')))
    code, out, _ = cli("exec", PASS, "--input", "@-", "--json")
    assert code == 0 and json.loads(out)["output"] == {"k": "stdin"}


def test_definition_and_source_from_standard_input(cli, flow, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(PASS.encode())))
    code, out, _ = cli("exec", "-", "--json")
    assert code == 0 and json.loads(out)["status"] == "SUCCEEDED"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(flow.read_bytes())))
    code, out, _ = cli("compile", "-")
    assert code == 0 and json.loads(out)["StartAt"]


def test_far_start_time_is_a_usage_error(cli, flow):
    code, _, err = cli("run", str(flow), "--input", '{"x": 1}', "--start-time", "9999-12-31T23:59:59Z")
    assert code == 2 and "out of range" in err
    code, _, err = cli("exec", PASS, "--start-time", "9999-12-31T23:59:59-05:00")
    assert code == 2 and "out of range" in err


def test_output_equal_to_the_input_is_never_overwritten(cli, flow):
    before = flow.read_bytes()
    for command in ("compile", "graph"):
        code, _, err = cli(command, str(flow), "-o", str(flow), "--force")
        assert code == 2 and "is the input" in err
    assert flow.read_bytes() == before


def test_output_naming_a_directory_or_a_read_only_folder(cli, flow, tmp_path):
    code, _, err = cli("compile", str(flow), "-o", str(tmp_path))
    assert code == 2 and "is a directory" in err
    if os.geteuid() != 0:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        try:
            code, _, err = cli("graph", str(flow), "-o", str(ro / "g.mmd"))
        finally:
            ro.chmod(0o755)
        assert code == 2 and "cannot write" in err


def test_write_output_is_atomic_and_keeps_no_temporary(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old")
    assert inputs.write_output("new", str(target), force=True)
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_check_json_value_is_iterative():
    deep: list = []
    for _ in range(50_000):
        deep = [deep]
    with pytest.raises(Exception, match="nested too deeply"):
        inputs.check_json_value(deep, "x")
