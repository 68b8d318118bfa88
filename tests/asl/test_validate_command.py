"""``pyawssfn validate`` and the FILE|DEFINITION loading it shares with ``graph``."""
from __future__ import annotations

import json
import sys
import types

import pytest

from pyawssfn.cli import main

VALID = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "P"}, "P": {
    "Type": "Parallel", "End": True, "Branches": [{"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}]}}}
INVALID = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "C": {"Type": "Succeed"}}}


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def test_valid_json_file(tmp_path, capsys):
    assert main(["validate", write(tmp_path, "ok.json", VALID)]) == 0
    assert capsys.readouterr().out == "valid: 3 states\n"


def test_every_problem_is_printed(tmp_path, capsys):
    assert main(["validate", write(tmp_path, "bad.json", INVALID)]) == 2
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        'States.A.Next: Next target "B" is not a state in this scope',
        'States.C: state "C" is not reachable from StartAt "A"',
    ]
    assert "invalid: 2 problems" in err


def test_json_output(tmp_path, capsys):
    assert main(["validate", "--json", write(tmp_path, "bad.json", INVALID)]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False and report["states"] == 2
    assert {"path": "States.C", "message": 'state "C" is not reachable from StartAt "A"'} in report["problems"]
    assert main(["validate", "--json", write(tmp_path, "ok.json", VALID)]) == 0
    assert json.loads(capsys.readouterr().out) == {"valid": True, "states": 3, "problems": []}


def test_inline_definition(capsys):
    assert main(["validate", json.dumps(VALID)]) == 0
    assert capsys.readouterr().out == "valid: 3 states\n"


@pytest.mark.parametrize("make,fragment", [
    (lambda p: str(p / "missing.json"), "no such file"),
    (lambda p: str(p), "is a directory"),
    (lambda p: write(p, "broken.json", '{"StartAt": '), "not valid JSON"),
    (lambda p: write(p, "empty.json", ""), "not valid JSON"),
])
def test_unreadable_inputs_are_clear(tmp_path, capsys, make, fragment):
    assert main(["validate", make(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err


def test_not_an_object_is_a_problem_not_a_crash(tmp_path, capsys):
    assert main(["validate", write(tmp_path, "list.json", "[1]")]) == 2
    assert capsys.readouterr().out == "(definition): a state machine definition must be a JSON object, not an array\n"


def _fake_compiler(monkeypatch, *, definition=None, diagnostics=None, source_map=None):
    """Stands in for pyawssfn.compiler (contract in docs/ARCHITECTURE.md) so the .py path is tested on its own."""
    module = types.ModuleType("pyawssfn.compiler")
    calls = []

    class CompileError(Exception):
        def __init__(self, diags):
            super().__init__("compile failed")
            self.diagnostics = diags

    def compile_file(path, workflow=None, function_arn=None):
        calls.append((path, workflow))
        if diagnostics:
            raise CompileError(diagnostics)
        return types.SimpleNamespace(definition=definition, source_map=source_map or {})

    def compile_source(source, filename="<string>", workflow=None, function_arn=None, transient_retry=True):
        return compile_file(filename, workflow, function_arn)

    module.CompileError = CompileError
    module.compile_file = compile_file
    module.compile_source = compile_source
    monkeypatch.setitem(sys.modules, "pyawssfn.compiler", module)
    return calls


def test_py_file_is_compiled_then_validated(tmp_path, monkeypatch, capsys):
    calls = _fake_compiler(monkeypatch, definition=INVALID)
    src = write(tmp_path, "flow.py", "# a workflow\n")
    assert main(["validate", src, "--workflow", "summarise"]) == 2
    assert calls == [(src, "summarise")]
    assert 'States.A.Next: Next target "B"' in capsys.readouterr().out


def test_compile_errors_are_printed_one_per_line(tmp_path, monkeypatch, capsys):
    diags = ["flow.py:3:5: error: while loops are not supported (use sfn.map)",
             "flow.py:9:1: error: unknown step (define it in the module)"]
    _fake_compiler(monkeypatch, diagnostics=diags)
    assert main(["validate", write(tmp_path, "flow.py", "x = 1\n")]) == 2
    out, err = capsys.readouterr()
    assert err.splitlines() == diags and out == ""


def test_workflow_flag_needs_a_py_file(tmp_path, capsys):
    assert main(["validate", write(tmp_path, "ok.json", VALID), "--workflow", "w"]) == 2
    assert "--workflow only applies to a .py" in capsys.readouterr().err


def test_graph_labels_states_with_source_lines(tmp_path, monkeypatch, capsys):
    _fake_compiler(monkeypatch, definition=VALID, source_map={"A": 12, "X": 20})
    assert main(["graph", write(tmp_path, "flow.py", "\n"), "--format", "dot"]) == 0
    out = capsys.readouterr().out
    assert 'label="A\\nPass · line 12"' in out and 'label="X\\nSucceed · line 20"' in out
    assert 'label="P\\nParallel"' in out  # no line known: none shown
