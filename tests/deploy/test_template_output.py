"""`pyawssfn template -o OUT`: a directory as OUT is refused with exit 2 even with --force (found by
tests/hardening/test_cli_properties.py: it was an internal error, exit 3), and nothing in it is touched."""
from __future__ import annotations

import pathlib

from pyawssfn.cli import main

FLOW = "import pyawssfn as sfn\n\n\ndef step(x):\n    return x\n\n\n@sfn.workflow\ndef flow(x):\n    return step(x)\n"


def test_a_directory_as_the_output_is_refused_even_with_force(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    pathlib.Path("flow.py").write_text(FLOW)
    pathlib.Path("adir").mkdir()
    (tmp_path / "adir" / "keep.txt").write_text("mine")
    for extra in ([], ["--force"]):
        code = main(["template", "flow.py", "-o", "adir", *extra])
        err = capsys.readouterr().err
        assert code == 2, err
        assert "adir is a directory" in err
        assert "internal error" not in err
    assert (tmp_path / "adir" / "keep.txt").read_text() == "mine"


def test_a_file_output_is_still_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    pathlib.Path("flow.py").write_text(FLOW)
    assert main(["template", "flow.py", "-o", "t.yaml"]) == 0
    assert "AWS::Serverless::StateMachine" in pathlib.Path("t.yaml").read_text()
