"""Helpers of the hardening tests: run the CLI in-process and see exactly what it printed and returned."""
from __future__ import annotations

import textwrap

import pytest

from pyawssfn.cli import main

WORKFLOW = textwrap.dedent('''\
    import pyawssfn as sfn


    def double(x: int) -> int:
        return x * 2


    @sfn.workflow
    def flow(x: int) -> int:
        return double(x)
    ''')


@pytest.fixture
def cli(capsys):
    """cli(*argv) -> (exit status, stdout, stderr)."""
    def run(*argv: str):
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err
    return run


@pytest.fixture
def flow(tmp_path):
    path = tmp_path / "flow.py"
    path.write_text(WORKFLOW)
    return path
