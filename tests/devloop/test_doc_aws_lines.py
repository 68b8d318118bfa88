"""The pages' AWS commands (deploy, start, history, watch, callback) are the one kind of line tests/test_docs.py
does not run: each is at least a command the CLI accepts as written (its subcommand, options and values), so that a
renamed option cannot leave docs/guide.md step 9 wrong. tests/deploy/test_walkthrough.py runs deploying.md's
against moto."""
from __future__ import annotations

import contextlib
import io
import shlex

import pytest

from pyawssfn.cli import build_parser
from tests.test_docs import NEEDS_AWS, REPO, SHELL_PAGES, parse_blocks, shell_commands, subcommand, SHELL_LANGS


def _aws_lines() -> list[tuple[str, int, str]]:
    out = []
    for page in SHELL_PAGES:
        for block in parse_blocks(page, (REPO / page).read_text()):
            if block.lang in SHELL_LANGS:
                out += [(page, c.line, c.text) for c in shell_commands(block) if subcommand(c.text) in NEEDS_AWS]
    return out


def test_the_guide_has_aws_lines():
    assert {subcommand(text) for page, _, text in _aws_lines() if page == "docs/guide.md"} == {"deploy", "start"}


@pytest.mark.parametrize("page,line,text", _aws_lines(), ids=lambda v: str(v)[:60])
def test_aws_lines_are_commands_the_cli_accepts(page, line, text):
    argv = shlex.split(text, comments=True)[1:]
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:
            pytest.fail(f"{page}:{line}: `{text}` is refused by the CLI (exit {exc.code}): {err.getvalue()}")
    assert args.func is not None
