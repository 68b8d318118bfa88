"""The compiler: a Python workflow module -> Amazon States Language (JSONata + Variables).

    res = compile_file("examples/analyse_text.py")
    res.definition, res.to_json(), res.steps, res.children, res.sdk_actions, res.source_map
"""
from __future__ import annotations

import json
import pathlib
from dataclasses import dataclass, field

from pyawssfn.compiler.diagnostics import CompileError, Diagnostic, Reporter

__all__ = ["compile_source", "compile_file", "CompileError", "CompileResult", "Diagnostic"]


@dataclass
class CompileResult:
    definition: dict
    workflow: str
    steps: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    sdk_actions: list[str] = field(default_factory=list)
    source_map: dict[str, int] = field(default_factory=dict)
    # state name -> {field as AWS names a failing one ("Output", "Assign/x") -> its line}, where that line is not the
    # state's own (the lowerer folded another statement into it): `run`'s `at:` names it
    field_lines: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(self.definition, indent=2, ensure_ascii=False) + "\n"


def compile_source(source: str, filename: str = "<string>", workflow: str | None = None,
                   function_arn: str | None = None, transient_retry: bool = True) -> CompileResult:
    from pyawssfn.gcpause import no_collection

    from pyawssfn.compiler.compile_memos import end_of_compile

    with no_collection():  # the trees and the graph only grow while compiling: no GC walks over them
        try:
            return _compile(source, filename, workflow, function_arn, transient_retry)
        finally:
            end_of_compile()  # (the memos of this compile's AST nodes: the AST is freed with the compile)


def _compile(source, filename, workflow, function_arn, transient_retry) -> CompileResult:
    from pyawssfn.compiler.codegen import generate
    from pyawssfn.compiler.frontend import analyse
    from pyawssfn.compiler.ir import Graph
    from pyawssfn.compiler.lower import FunctionLowerer, Options, Shared
    from pyawssfn.compiler.naming import VariableNames
    from pyawssfn.compiler.source_lines import line_spans

    reporter = Reporter(filename)
    info = analyse(source, filename, reporter)
    if info is None:
        reporter.raise_if_any()
    assert info is not None
    if workflow not in info.workflows:
        reporter.raise_if_any()  # e.g. an async workflow: its own diagnostic says it all
    if workflow is None:
        if not info.workflows:
            reporter.at(1, 1, "no workflow in this module",
                        "decorate the entry function with @pyawssfn.workflow")
            reporter.raise_if_any()
        if len(info.workflows) > 1:
            reporter.at(1, 1, "several workflows in this module: " + ", ".join(info.workflows),
                        "choose one with --workflow NAME")
            reporter.raise_if_any()
        workflow = next(iter(info.workflows))
    elif workflow not in info.workflows:
        known = ", ".join(info.workflows) or "none"
        reporter.at(1, 1, f"no workflow named {workflow!r} (workflows in this module: {known})",
                    "pass the name of a function decorated with @pyawssfn.workflow")
        reporter.raise_if_any()
    fn = info.workflows[workflow]
    shared = Shared(info, reporter, VariableNames(set()), Options(function_arn, transient_retry), workflow)
    graph = Graph()
    lowerer = FunctionLowerer(shared, fn, graph, top=True)
    lowerer.lower_function()
    reporter.raise_if_any()
    doc = ast_docstring(fn)
    comment = doc or f"{workflow} (compiled by pyawssfn from {pathlib.Path(filename).name})"
    field_lines: dict[str, dict[str, int]] = {}
    definition, source_map = generate(graph, comment, line_spans(info.tree), field_lines)
    graph.release()  # the looping graph is a reference cycle: freed now by reference counting, not by the cyclic GC
    lowerer.release()  # and so is the lowerer with its translator
    return CompileResult(definition, workflow, sorted(shared.steps), sorted(shared.children),
                         sorted(shared.sdk_actions), source_map, field_lines)


def ast_docstring(fn) -> str | None:
    import ast
    doc = ast.get_docstring(fn)
    if not doc:
        return None
    return " ".join(doc.split("\n\n")[0].split())


def compile_file(path: str | pathlib.Path, workflow: str | None = None, function_arn: str | None = None,
                 transient_retry: bool = True) -> CompileResult:
    import importlib.util

    p = pathlib.Path(path)
    source = importlib.util.decode_source(p.read_bytes())  # as Python reads it: a BOM, a coding cookie
    return compile_source(source, str(path), workflow, function_arn, transient_retry)
