"""`pyawssfn template` from the command line: YAML when asked, the function/machine options, clear refusals."""
from __future__ import annotations

import json
import pathlib

import pytest
from cfnlint.api import ManualArgs, lint
from cfnlint.decode.cfn_yaml import loads

from pyawssfn.cli import main

REPO = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = str(REPO / "examples" / "analyse_text.py")


@pytest.mark.parametrize("how", [["-o", "template.yaml"], ["-o", "t.yml"], ["--yaml", "-o", "t.txt"]])
def test_yaml_is_written_when_asked(tmp_path, monkeypatch, how):
    monkeypatch.chdir(tmp_path)
    assert main(["template", EXAMPLE, "--memory", "512", "--env", "STAGE=prod", "--env", "EMPTY=", "--tracing",
                 "--log-retention", "14", *how]) == 0
    text = (tmp_path / how[-1]).read_text()
    assert text.startswith("AWSTemplateFormatVersion: '2010-09-09'\n") and "!GetAtt Function.Arn" in text
    t = loads(text)
    fn = t["Resources"]["Function"]["Properties"]
    assert (fn["MemorySize"], fn["Environment"], fn["Tracing"]) == (512, {"Variables": {"STAGE": "prod", "EMPTY": ""}},
                                                                      "Active")
    assert t["Resources"]["StateMachineLogGroup"]["Properties"]["RetentionInDays"] == 14
    assert [str(m) for m in lint(text, config=ManualArgs(regions=["us-east-1"]))] == []


def test_json_stays_the_default(capsys):
    assert main(["template", EXAMPLE, "--type", "EXPRESS", "--log-retention", "0"]) == 0
    t = json.loads(capsys.readouterr().out)
    assert t["Resources"]["StateMachine"]["Properties"]["Type"] == "EXPRESS"
    assert "RetentionInDays" not in t["Resources"]["FunctionLogGroup"]["Properties"]


@pytest.mark.parametrize("argv, message", [
    (["--env", "NOEQUALS"], "--env 'NOEQUALS': write KEY=VALUE"),
    (["--log-retention", "8"], "--log-retention 8"),
    (["--memory", "100"], "memory 100 MB is out of Lambda's range"),
    (["--env", "AWS_REGION=x"], "AWS_REGION is reserved by Lambda"),
])
def test_bad_options_exit_2_with_a_message(capsys, argv, message):
    assert main(["template", EXAMPLE, *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
