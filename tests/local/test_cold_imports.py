"""What `pyawssfn compile` loads (issue #14, start-up time): the compiled definition is still validated (statelint,
the JSONata syntax check) but the JSONPath library, the executor and its report (rich), the JavaScript regex parser
and the archive builder are loaded only by what uses them; and what is deferred still works when it is needed."""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = str(REPO / "examples" / "analyse_text.py")
_DEFERRED = ("jsonpath", "rich", "pyawssfn.local.executor", "pyawssfn.jsonata.jsregex_ast", "pyawssfn.packaging.build",
             "hashlib")

_PROBE = """
import contextlib, io, json, sys
from pyawssfn.cli import main
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    try:
        status = main(sys.argv[1:])
    except SystemExit as exc:
        status = exc.code
print(json.dumps({"status": status, "output": out.getvalue(), "error": err.getvalue(),
                  "loaded": sorted(m for m in %r if m in sys.modules), "statelint": "statelint" in sys.modules}))
""" % (_DEFERRED,)


def _probe(*argv: str, stdin: str | None = None) -> dict:
    proc = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, timeout=120,
                          cwd=REPO, input=stdin)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_compile_validates_without_loading_what_a_jsonata_machine_does_not_need():
    seen = _probe("compile", EXAMPLE)
    assert seen["status"] == 0 and json.loads(seen["output"])["QueryLanguage"] == "JSONata"
    assert seen["statelint"]  # validated as before
    assert seen["loaded"] == [], seen["loaded"]


def test_help_does_not_load_the_archive_builder():
    seen = _probe("--help")
    assert seen["status"] == 0 and "compile" in seen["output"] and "package" in seen["output"]
    assert "pyawssfn.packaging.build" not in seen["loaded"]


def test_a_bad_regex_literal_is_still_refused_by_the_validator(tmp_path):
    # The regex parser is loaded when the validator meets a regex literal, and refuses an invalid pattern as before.
    machine = tmp_path / "bad.asl.json"
    machine.write_text(json.dumps({"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {
        "Type": "Pass", "Output": "{% $match($states.input.s, /a{2,1}/) %}", "End": True}}}))
    seen = _probe("validate", str(machine))
    assert seen["status"] == 2
    assert "numbers out of order in {} quantifier" in seen["output"] + seen["error"]
    assert "pyawssfn.jsonata.jsregex_ast" in seen["loaded"]


def test_the_deferred_modules_work_when_used():
    from pyawssfn.asl.paths import is_path
    from pyawssfn.jsonata.engine import JsonataSyntaxError, compile_expression, evaluate

    assert is_path("$.a.b[0]") and not is_path("$.a[")
    assert evaluate('$hash("abc", "MD5")') == "900150983cd24fb0d6963f7d28e17f72"
    assert evaluate('$match("abc", /b(c)/i).groups') == ["c"]
    try:
        compile_expression('$match("abc", /a{2,1}/)')
    except JsonataSyntaxError as exc:
        assert "Invalid regular expression" in str(exc) or "numbers out of order" in str(exc)
    else:
        raise AssertionError("an invalid regex literal parsed")
