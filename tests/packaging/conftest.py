import pathlib
import textwrap

import pytest

STEPS = ["double", "shout"]

MODULE = '''
import pyawssfn as sfn
import helpers


def double(x):
    return helpers.twice(x)


def shout(text, *more, sep=" "):
    return sep.join([text, *more]).upper()


def not_a_step(path):
    open(path, "w").write("ran")


@sfn.workflow
def flow(x, text):
    return [double(x), shout(text)]
'''


@pytest.fixture
def project(tmp_path):
    """A workflow module with a local package it imports, inside its own (dependency-free) project."""
    root = tmp_path / "proj"
    (root / "helpers").mkdir(parents=True)
    (root / "flow.py").write_text(MODULE)
    (root / "helpers" / "__init__.py").write_text("def twice(x):\n    return 2 * x\n")
    (root / "helpers" / "__pycache__").mkdir()
    (root / "helpers" / "__pycache__" / "junk.pyc").write_bytes(b"\0")
    (root / "unused.py").write_text("raise SystemExit('never imported')\n")
    (root / "pyproject.toml").write_text(textwrap.dedent('''
        [project]
        name = "flowproj"
        version = "0"
        dependencies = []
    '''))
    (root / ".git").mkdir()
    return root
