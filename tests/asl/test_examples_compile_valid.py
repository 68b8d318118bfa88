"""The shipped examples, compiled by the real compiler, validate clean, and their graphs carry source lines."""
from __future__ import annotations

import pathlib

import pytest

from pyawssfn.cli import main
from pyawssfn.graph import build
from pyawssfn.graph.dot import quote

EXAMPLES = sorted((pathlib.Path(__file__).resolve().parents[2] / "examples").glob("*.py"))


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_validates(example, capsys):
    assert main(["validate", str(example)]) == 0, capsys.readouterr()
    assert capsys.readouterr().out.startswith("valid: ")


def test_example_graph_has_source_lines(capsys):
    from pyawssfn.compiler import compile_file

    example = next(p for p in EXAMPLES if p.name == "analyse_text.py")
    result = compile_file(str(example))
    assert main(["graph", str(example), "--format", "dot"]) == 0
    out = capsys.readouterr().out
    assert result.source_map, "the compiler gave no source map"
    labelled = 0
    for node in build(result.definition, result.source_map).all_nodes():
        if node.name in result.source_map:
            assert node.lines[1].endswith(f" · line {result.source_map[node.name]}")
            assert f"label={quote(chr(10).join(node.lines))}" in out
            labelled += 1
    assert labelled == len(result.source_map)
