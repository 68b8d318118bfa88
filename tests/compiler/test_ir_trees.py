"""Every step after the expression translator works on JSONata trees (issue #8, item 1).

- Lowering every example and golden source, the IR handed to codegen holds trees only: each Assign entry, Output,
  Choice condition, catcher's Assign and Output, each exit's pending assignments, and every JSONata value inside a
  state's fields (its Arguments, Items, Error, Seconds, ...) as an ir.Template of a tree; a string there is a
  literal, never `{% %}` text. codegen alone prints them.
- The compiler composes no JSONata as text: no f-string, `+`, `%` or str.format/join in compiler/ whose constant
  parts carry JSONata (a `$name`, `$(`, `{%`, `? `, `:=`), but for the few listed below, each with why.
"""
from __future__ import annotations

import ast
import pathlib
import re
from typing import Any

import pytest

from pyawssfn.compiler import codegen, compile_source
from pyawssfn.compiler.ir import Catching, Choice, Graph, Node, Template
from pyawssfn.compiler.lower.builder import FunctionLowerer
from pyawssfn.jsonata.tree import Expr

REPO = pathlib.Path(__file__).resolve().parents[2]
COMPILER = REPO / "src" / "pyawssfn" / "compiler"
SOURCES = sorted((REPO / "examples").glob("*.py")) + sorted((REPO / "tests" / "compiler" / "golden").glob("*.py"))


def _field_problems(value: Any, where: str, out: list[str]) -> None:
    if type(value) is Template:
        if not isinstance(value.expr, Expr):
            out.append(f"{where}: a Template of {type(value.expr).__name__}")
    elif isinstance(value, str):
        if "{%" in value:
            out.append(f"{where}: template text {value[:60]!r}")
    elif isinstance(value, dict):
        for k, v in value.items():
            _field_problems(v, f"{where}.{k}", out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _field_problems(v, f"{where}[{i}]", out)
    elif not (value is None or isinstance(value, (bool, int, float))):
        out.append(f"{where}: a {type(value).__name__}")


def _expressions(n: Node) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = [(f"Assign.{k}", v) for k, v in n.assign.items()]
    if n.output is not None:
        out.append(("Output", n.output))
    if isinstance(n, Choice):
        for i, r in enumerate(n.rules):
            out += [(f"Choices[{i}].Condition", r.condition)]
            out += [(f"Choices[{i}].Assign.{k}", v) for k, v in r.assign.items()]
    if isinstance(n, Catching):
        for i, c in enumerate(n.catch):
            out += [(f"Catch[{i}].Assign.{k}", v) for k, v in c.assign.items()]
            if c.output is not None:
                out.append((f"Catch[{i}].Output", c.output))
    return out


def _graph_problems(g: Graph, out: list[str]) -> int:
    seen = 0
    for n in g.nodes:
        for where, v in _expressions(n):
            seen += 1
            if not isinstance(v, Expr):
                out.append(f"{n.name}: {where} is a {type(v).__name__}: {v!r:.60}")
        for i, value in enumerate(n.templates()):
            _field_problems(value, f"{n.name}: field {i}", out)
        for sub in n.subgraphs():
            seen += _graph_problems(sub, out)
    return seen


def test_the_ir_holds_only_trees(monkeypatch):
    problems: list[str] = []
    counted = [0, 0]  # expressions seen in the IR, exit values seen
    real_generate, real_flush = codegen.generate, FunctionLowerer.flush

    def checking_generate(graph: Graph, *args, **kwargs):
        counted[0] += _graph_problems(graph, problems)
        return real_generate(graph, *args, **kwargs)

    def checking_flush(self, ex, target):
        for k, v in ex.env.items():
            counted[1] += 1
            if not isinstance(v, Expr):
                problems.append(f"exit env {k} is a {type(v).__name__}: {v!r:.60}")
        return real_flush(self, ex, target)

    monkeypatch.setattr(codegen, "generate", checking_generate)
    monkeypatch.setattr(FunctionLowerer, "flush", checking_flush)
    assert len(SOURCES) > 20
    for f in SOURCES:
        src = f.read_text()
        m = re.match(r"# workflow: (\w+)", src)
        compile_source(src, str(f), workflow=m.group(1) if m else None)
    assert counted[0] > 200 and counted[1] > 100, counted  # it saw the IR
    assert problems == []


# ---------------------------------------------------------------------------------------------------- the source
_JSONATA = re.compile(r"\$[A-Za-z_(0-9]|\{%|\? |:=")   # `${FunctionArn}` (a template placeholder) is not one

# (file under compiler/, function) -> why its text is allowed
_ALLOWED = {
    ("codegen.py", "field_json"): "the one printer of a Template as a field value: {% text %}",
    ("expressions/core.py", "_err"): "`$error(...)` text for the constant templates text.py composes at import",
    ("expressions/core.py", "_fresh_global"): "a fresh variable's name ($__N), read back as Var(name[1:])",
    ("expressions/comparisons.py", "_is_timestamp"): "a constant template: the RFC 3339 regex is a constant",
    ("expressions/methods.py", "_m_split"): "a constant template: Python's whitespace class is a constant",
    ("expressions/text.py", "_str_number_text"): "a constant template composed once, of constants",
    ("expressions/text.py", "_repr_fn_text"): "a constant template composed once, of constants",
}


def _constants(n: ast.AST) -> list[str]:
    if isinstance(n, ast.Constant) and isinstance(n.value, str):
        return [n.value]
    if isinstance(n, ast.JoinedStr):
        return [v.value for v in n.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add):
        return _constants(n.left) + _constants(n.right)
    return []


def _composed(n: ast.AST) -> list[str]:
    """The constant text parts of `n` when it composes text: an f-string, `a + b`, `a % b`, `s.format()`, `s.join()`."""
    if isinstance(n, ast.JoinedStr):
        return _constants(n)
    if isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Add, ast.Mod)):
        return _constants(n.left) + _constants(n.right)
    if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("format", "join"):
        return _constants(n.func.value)
    return []


def jsonata_text_composed(root: pathlib.Path) -> list[str]:
    found: dict[tuple[str, int], str] = {}   # one per line (`a + b + c` is two additions)
    for f in sorted(root.rglob("*.py")):
        rel = f.relative_to(root).as_posix()
        tree = ast.parse(f.read_text())
        scopes: dict[int, str] = {}
        for fn in ast.walk(tree):  # outer functions first: an inner one's name overwrites its nodes' scope
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for sub in ast.walk(fn):
                    if sub is not fn:
                        scopes[id(sub)] = fn.name
        for n in ast.walk(tree):
            if any(_JSONATA.search(p) for p in _composed(n)):
                where = scopes.get(id(n), "<module>")
                if (rel, where) not in _ALLOWED:
                    found.setdefault((rel, n.lineno), f"{rel}:{n.lineno} ({where}): {ast.unparse(n)[:100]}")
    return [found[k] for k in sorted(found)]


def test_the_compiler_composes_no_jsonata_text():
    assert jsonata_text_composed(COMPILER) == []


def test_the_scan_finds_jsonata_composed_as_text(tmp_path):
    # each shape of composition the old lowerer used, and what the scan leaves alone
    (tmp_path / "m.py").write_text(
        'def f(code, msg, names):\n'
        '    a = f"($exists({code}) ? {code} : $error({msg}))"\n'
        '    b = "{% " + code + " %}"\n'
        '    c = "$states." + code\n'
        '    d = " and ".join(names)\n'
        '    e = "($x := %s; $x)" % code\n'
        '    ok = "${StateMachineArn_" + code + "}"\n'
        '    ok2 = f"step {code!r} used as a value"\n')
    found = jsonata_text_composed(tmp_path)
    assert [line.split(" ", 1)[0] for line in found] == ["m.py:2", "m.py:3", "m.py:4", "m.py:6"], found


@pytest.mark.parametrize("rel, fn", sorted(_ALLOWED))
def test_every_allowed_composition_still_exists(rel, fn):
    tree = ast.parse((COMPILER / rel).read_text())
    assert any(isinstance(n, ast.FunctionDef) and n.name == fn for n in ast.walk(tree)), (rel, fn)


# The passes on the emitted states (alike_states, handover, edge_facts, merge_states) see the Templates codegen
# built, never `{% %}` text: codegen prints once, after them. The reader of printed fields (jsonata.parse.template)
# and the text-keyed parse cache are not imported anywhere in compiler/ but build.py (its constant templates).
_TEXT_READERS = {"template", "parse_cached"}


def test_the_passes_on_emitted_states_see_templates_not_text(monkeypatch):
    from pyawssfn.compiler import alike_states
    seen: list[Any] = []
    real = alike_states.merge_alike

    def spy(body, source_map, spans, *held):
        _collect(body, seen)
        return real(body, source_map, spans, *held)
    monkeypatch.setattr(codegen, "merge_alike", spy)
    for src in sorted((REPO / "examples").glob("*.py")):
        compile_source(src.read_text(), str(src))
    assert any(type(v) is Template for v in seen)
    assert [v for v in seen if isinstance(v, str) and v.lstrip().startswith("{%")] == []


def _collect(value: Any, out: list[Any]) -> None:
    if isinstance(value, dict):
        for v in value.values():
            _collect(v, out)
    elif isinstance(value, list):
        for v in value:
            _collect(v, out)
    else:
        out.append(value)


def test_no_module_of_the_compiler_reads_printed_jsonata_back():
    found = []
    for path in sorted(COMPILER.rglob("*.py")):
        rel = path.relative_to(COMPILER).as_posix()
        if rel == "expressions/build.py":
            continue
        for n in ast.walk(ast.parse(path.read_text())):
            if isinstance(n, ast.ImportFrom) and n.module == "pyawssfn.jsonata.parse":
                found += [f"{rel}:{n.lineno} {a.name}" for a in n.names if a.name in _TEXT_READERS]
    assert found == []
