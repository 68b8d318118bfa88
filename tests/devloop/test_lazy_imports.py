"""The commands that need no AWS do not import boto3 or botocore (issue #14: 150-260 ms of every start-up), and
building the parser (``pyawssfn --help``) imports none of the heavy libraries at all."""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = str(REPO / "examples" / "analyse_text.py")

# Runs the command in a fresh interpreter, then prints which of the heavy modules it imported.
_PROBE = """
import contextlib, io, json, sys
from pyawssfn.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        status = main(sys.argv[1:])
    except SystemExit as exc:
        status = exc.code
heavy = ("boto3", "botocore", "statelint", "s3transfer", "dateutil.parser._parser")
print(json.dumps({"status": status, "output": out.getvalue(), "heavy": sorted(m for m in heavy if m in sys.modules)}))
"""


def _probe(*argv: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, timeout=120,
                          cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_compile_does_not_import_boto3():
    seen = _probe("compile", EXAMPLE)
    assert seen["status"] == 0 and '"StartAt"' in seen["output"]
    assert "boto3" not in seen["heavy"] and "botocore" not in seen["heavy"], seen["heavy"]


def test_run_does_not_import_boto3():
    seen = _probe("run", EXAMPLE, "--input", '{"text": "a short example"}', "--json")
    assert seen["status"] == 0 and json.loads(seen["output"])["status"] == "SUCCEEDED"
    assert "boto3" not in seen["heavy"] and "botocore" not in seen["heavy"], seen["heavy"]


@pytest.mark.parametrize("argv", [["--help"], ["deploy", "--help"], ["--version"]])
def test_building_the_parser_imports_no_heavy_library(argv):
    seen = _probe(*argv)
    assert seen["status"] == 0 and seen["output"]
    assert seen["heavy"] == []


def test_an_aws_command_still_reaches_boto3():
    # The lazy imports must not turn into a missing import: start with a bad profile goes through boto3 and fails
    # with a usage error, not an internal one.
    seen = _probe("start", "m", "--profile", "no-such-profile-pyawssfn", "--region", "us-east-1")
    assert seen["status"] == 2 and "boto3" in seen["heavy"]


def test_compile_runs_dateutils_parser_only_for_a_literal_timestamp(tmp_path):
    # statelint imports dateutil.parser at its top for its Timestamp check; compile defers the module's code
    # (_lazy.defer_import) until that check reads it
    seen = _probe("compile", EXAMPLE)
    assert seen["status"] == 0 and "statelint" in seen["heavy"]
    assert "dateutil.parser._parser" not in seen["heavy"]
    for stamp, status in (("2016-03-14T01:59:00Z", 0), ("2016-03-14T01:59:00", 2)):  # the second lacks its zone
        machine = tmp_path / "wait.json"
        machine.write_text(json.dumps({"StartAt": "W", "States": {"W": {"Type": "Wait", "End": True,
                                                                          "Timestamp": stamp}}}))
        seen = _probe("validate", str(machine))
        assert seen["status"] == status and "dateutil.parser._parser" in seen["heavy"], (stamp, seen)


def test_compile_does_not_import_the_jsonata_engine():
    # the compiled definition's JSONata is checked by pyawssfn's own parser (asl/jsonata_syntax.checked_by_own_parser):
    # jsonata-python is a quarter of compile's start-up
    probe = _PROBE.replace('"dateutil.parser._parser")', '"dateutil.parser._parser", "jsonata")')
    proc = subprocess.run([sys.executable, "-c", probe, "compile", EXAMPLE], capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    seen = json.loads(proc.stdout.splitlines()[-1])
    assert seen["status"] == 0 and '"StartAt"' in seen["output"]
    assert "jsonata" not in seen["heavy"], seen["heavy"]
