"""Golden files: each tests/compiler/golden/<case>.py compiles to exactly <case>.json.

After a reviewed change of the output, regenerate them with
    PYAWSSFN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/compiler/test_golden.py
(or run tests/compiler/update_golden.py)."""
from __future__ import annotations

import os
import pathlib
import re

import pytest

from pyawssfn.compiler import compile_source

from .conftest import checked

GOLDEN = pathlib.Path(__file__).resolve().parent / "golden"
CASES = sorted(GOLDEN.glob("*.py"))


def compile_case(path: pathlib.Path) -> str:
    src = path.read_text()
    m = re.match(r"# workflow: (\w+)", src)
    res = compile_source(src, f"golden/{path.name}", workflow=m.group(1) if m else None)
    checked(res.definition)
    return res.to_json()


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_golden(path):
    got = compile_case(path)
    expected_file = path.with_suffix(".json")
    if os.environ.get("PYAWSSFN_UPDATE_GOLDEN"):
        expected_file.write_text(got)
    assert expected_file.exists(), f"no golden file for {path.name}: run with PYAWSSFN_UPDATE_GOLDEN=1"
    assert got == expected_file.read_text()


def test_golden_cases_exist():
    assert len(CASES) >= 15
