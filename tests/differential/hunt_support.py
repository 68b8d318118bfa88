"""What the hunts' tests share (test_hunt_s8.py, test_hunt_s9.py): a workflow module written from a body, its
WorkflowTester, and the check that a program is refused at a line:col with a given message."""
from __future__ import annotations

import textwrap

import pytest

from pyawssfn.compiler import CompileError, compile_source
from pyawssfn.testing import WorkflowTester


def tester(tmp_path, name: str, source: str, workflow: str = "wf") -> WorkflowTester:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source).lstrip("\n"))
    return WorkflowTester(path, workflow)


HEAD = "import pyawssfn as sfn\n\n\ndef step(x: object) -> object:\n    return x\n\n\n"


def body(tmp_path, name: str, signature: str, text: str) -> WorkflowTester:
    source = HEAD + f"@sfn.workflow\ndef wf({signature}) -> object:\n" + textwrap.indent(textwrap.dedent(text), "    ")
    return tester(tmp_path, name, source)


def refused(text: str, where: str, what: str, signature: str = "n: int, s: str") -> None:
    source = HEAD + f"@sfn.workflow\ndef wf({signature}) -> object:\n" + textwrap.indent(text, "    ")
    with pytest.raises(CompileError) as info:
        compile_source(source, "hunt.py", workflow="wf")
    assert f"hunt.py:{where}: error: {what}" in str(info.value), str(info.value)
