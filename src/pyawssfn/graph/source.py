"""What the graph shows of the workflow's Python: the source lines each state was compiled from (for the inspector)
and the Python condition of each Choice rule (for its edge), read back from the module with ``ast``.

A Choice compiled from ``if``/``elif``/``else`` (or ``while``) sits at the line of its ``if``; its rules follow the
chain's tests in order, a final ``else`` being either the last rule (``{% true %}``) or the Default. When the counts
do not line up, nothing is guessed: the edges keep the ASL condition.
"""
from __future__ import annotations

import ast
import textwrap
from typing import Any

ELSE = "else"


def _segment(source: str, node: ast.AST) -> str:
    text = ast.get_source_segment(source, node)
    return " ".join((text or ast.unparse(node)).split())


def _chain(source: str, node: ast.stmt) -> list[str]:
    """The tests of an if/elif chain (then "else" when it has one), or of a while."""
    if isinstance(node, ast.While):
        return [_segment(source, node.test)]
    tests: list[str] = []
    current: Any = node
    while isinstance(current, ast.If):
        tests.append(_segment(source, current.test))
        orelse = current.orelse
        if len(orelse) == 1 and isinstance(orelse[0], ast.If):
            current = orelse[0]
            continue
        if orelse:
            tests.append(ELSE)
        break
    return tests


def _statements(tree: ast.AST) -> dict[int, ast.stmt]:
    by_line: dict[int, ast.stmt] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            by_line.setdefault(node.lineno, node)
    return by_line


def _choices(definition: Any):
    states = definition.get("States") if isinstance(definition, dict) else None
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        if state.get("Type") == "Choice":
            yield name, state
        for branch in state.get("Branches") or []:
            yield from _choices(branch)
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(key), dict):
                yield from _choices(state[key])


def python_conditions(source: str, definition: Any, source_map: dict[str, int]) -> dict[str, list[str]]:
    """Choice state name -> one Python condition per rule, for the Choices whose rules match their if/elif chain."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    by_line = _statements(tree)
    out: dict[str, list[str]] = {}
    for name, state in _choices(definition):
        node = by_line.get(source_map.get(name, -1))
        if not isinstance(node, (ast.If, ast.While)):
            continue
        tests = _chain(source, node)
        rules = state.get("Choices") if isinstance(state.get("Choices"), list) else []
        if len(rules) == len(tests):
            out[name] = tests
        elif tests and tests[-1] == ELSE and len(rules) == len(tests) - 1 and "Default" in state:
            out[name] = tests[:-1]
    return out


def source_lines(source: str, source_map: dict[str, int]) -> dict[str, dict[str, Any]]:
    """State name -> {"line": first, "text": the statement's lines} (only the header of a compound statement)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        tree = None
    by_line = _statements(tree) if tree is not None else {}
    lines = source.splitlines()
    out: dict[str, dict[str, Any]] = {}
    for name, line in source_map.items():
        if not 1 <= line <= len(lines):
            continue
        node = by_line.get(line)
        last = line
        if node is not None and not isinstance(node, (ast.If, ast.While, ast.For, ast.Try, ast.With,
                                                       ast.FunctionDef)):
            last = getattr(node, "end_lineno", line) or line
        elif node is not None:  # a compound statement: its header, up to the line before its body
            body = getattr(node, "body", None)
            last = max(line, body[0].lineno - 1) if body else line
        out[name] = {"line": line, "text": textwrap.dedent("\n".join(lines[line - 1:last]))}
    return out
