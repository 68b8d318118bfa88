"""Module shapes the compiler cannot read faithfully from the source alone, refused with what to write instead.

The compiler reads the module without running it: a step is known by the ``def`` that names it, the author API by
the import that names it, a constant by its one assignment. A module that rebinds one of those names afterwards (``a
= b``, ``sfn = json``, ``global LIMIT`` in a step, ``RETRYABLE.append(...)``) runs another program under plain Python
than the one compiled, and a step calling a workflow runs the workflow as plain Python inside a Lambda invocation.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from pyawssfn.compiler.astwalk import walk, walk_statements
from pyawssfn.compiler.diagnostics import Reporter

if TYPE_CHECKING:
    from pyawssfn.compiler.frontend import ModuleInfo, StepInfo

_MUTATORS = frozenset({"append", "extend", "insert", "remove", "pop", "clear", "update", "setdefault", "popitem",
                       "sort", "reverse", "add", "discard", "__setitem__", "__delitem__"})


def _module_statements(body: list[ast.stmt]):
    """The statements of the module itself, into if/try/for/while/with blocks but not into defs and classes."""
    for st in body:
        yield st
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            yield from _module_statements(getattr(st, field, []) or [])
        for h in getattr(st, "handlers", []) or []:
            yield from _module_statements(h.body)


def _bound_names(st: ast.stmt) -> list[ast.AST]:
    """The nodes of the names a module-level statement (other than def and class) binds or deletes."""
    targets: list[ast.AST] = []
    if isinstance(st, ast.Assign):
        targets = list(st.targets)
    elif isinstance(st, (ast.AugAssign, ast.AnnAssign)):
        targets = [st.target]
    elif isinstance(st, (ast.For, ast.AsyncFor)):
        targets = [st.target]
    elif isinstance(st, (ast.With, ast.AsyncWith)):
        targets = [i.optional_vars for i in st.items if i.optional_vars is not None]
    elif isinstance(st, ast.Delete):
        targets = list(st.targets)
    elif isinstance(st, (ast.Import, ast.ImportFrom)):
        return [a for a in st.names]
    out: list[ast.AST] = []
    for t in targets:
        out.extend(n for n in walk(t) if isinstance(n, ast.Name))
    return out


def _name_of(node: ast.AST) -> str:
    if isinstance(node, ast.alias):
        return node.asname or node.name.split(".")[0]
    return node.id  # type: ignore[attr-defined]


def check_rebinding(info: ModuleInfo, reporter: Reporter) -> None:
    """Refuse a module-level rebinding of a step, workflow, exception class or pyawssfn name after its definition."""
    defined: dict[str, str] = {}  # name -> what it is, once defined
    for st in _module_statements(info.tree.body):
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if st.name in defined and defined[st.name] != "def":
                _report_rebinding(reporter, st, st.name, defined[st.name])
            defined.setdefault(st.name, "def")
            continue
        for node in _bound_names(st):
            name = _name_of(node)
            if name in defined:
                _report_rebinding(reporter, node if not isinstance(node, ast.alias) else st, name, defined[name])
        if isinstance(st, (ast.Import, ast.ImportFrom)):
            for a in st.names:
                local = _name_of(a)
                if local in info.sfn_modules or local in info.api_aliases:
                    defined.setdefault(local, "import")


def _report_rebinding(reporter: Reporter, node: ast.AST, name: str, what: str) -> None:
    if what == "import":
        reporter.report(node, f"{name!r} names pyawssfn (or its API) and is rebound here: the compiler reads every "
                              f"use of {name!r} as pyawssfn's, plain Python would call the new value",
                        f"give the other value another name, or import pyawssfn under another name")
    else:
        reporter.report(node, f"{name!r} is defined by a def or class above and rebound here: the compiler compiles "
                              f"the def, plain Python runs the new value",
                        f"give the function or class its own name and call the one you mean (e.g. def {name}(...)"
                        f": return other(...))")


def check_functions(info: ModuleInfo, reporter: Reporter) -> None:
    """Inside steps and workflows: no ``global`` rebinding a compiled name, no in-place change of a module constant,
    no step calling a workflow; and a workflow's parameters must be nameable input fields."""
    compiled = set(info.steps) | set(info.workflows) | set(info.constants) | set(info.error_groups) \
        | set(info.exceptions) | info.sfn_modules | set(info.api_aliases)
    for name, wf in info.workflows.items():
        for a in wf.args.posonlyargs:
            reporter.report(a, f"workflow parameter {a.arg!r} is positional-only: a workflow's parameters are the "
                               f"fields of its execution input, which are passed by name",
                            f"remove the '/' from the parameters of {name}")
    functions = [info.steps[n].node for n in info.steps] + list(info.workflows.values())
    steps = {id(info.steps[n].node): info.steps[n] for n in info.steps}
    # the workflows another one calls (a lone workflow calls none: its calls of itself are no child's)
    children = {n.func.id for wf in info.workflows.values() for n in walk(wf) if isinstance(n, ast.Call)
                and isinstance(n.func, ast.Name) and n.func.id in info.workflows and n.func.id != wf.name} \
        if len(info.workflows) > 1 else set()
    workflow_uses: list[tuple[ast.Name, StepInfo]] = []  # reported after the rest, in the order they always were
    for fn in functions:
        step = steps.get(id(fn))
        # one walk of each function for every check; with no module constants only statements can be reported in a
        # workflow (global; the call and item checks are of constants), so its expressions need no visit
        nodes = walk(fn) if step is not None or info.constants else walk_statements(fn)
        for node in nodes:
            if isinstance(node, ast.Global):
                for n in node.names:
                    if n in compiled:
                        reporter.report(node, f"global {n}: {fn.name} rebinds a module-level name the compiler "
                                              f"reads at compile time", "return the new value instead")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    isinstance(node.func.value, ast.Name) and node.func.value.id in info.constants and \
                    node.func.attr in _MUTATORS:
                reporter.report(node, f"{node.func.value.id}.{node.func.attr}(...) changes a module-level constant "
                                      f"the compiled machine holds as written",
                                f"copy it first: local = list({node.func.value.id})")
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
                if info.constants:  # (an item change of a constant: none to change without one)
                    _check_constant_item_change(info, node, reporter)
            elif step is not None and isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) \
                    and node.id in info.workflows:
                workflow_uses.append((node, step))
            elif step is not None and isinstance(node, ast.Call):
                _check_fail_named_as_class(info, node, reporter)
            elif fn.name in children and isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                _check_fail_named_as_class(info, node.exc, reporter)  # a child's, seen by the parent's handlers
    for node, step in workflow_uses:
        reporter.report(node, f"step {step.name} uses workflow {node.id}: a step runs inside one Lambda "
                              f"invocation, where a workflow is not a state machine",
                        f"call {node.id} from a workflow (a child execution), or call its steps from "
                        f"{step.name} as plain functions")


def _check_constant_item_change(info: ModuleInfo, node: ast.AST, reporter: Reporter) -> None:
    targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
    for t in targets:
        base = t
        while isinstance(base, (ast.Subscript, ast.Attribute)):
            base = base.value
        if base is not t and isinstance(base, ast.Name) and base.id in info.constants:
            reporter.report(t, f"this changes the module-level constant {base.id}, which the compiled machine holds "
                               f"as written", f"copy it first: local = dict({base.id}) or list({base.id})")


def _check_fail_named_as_class(info: ModuleInfo, node: ast.Call, reporter: Reporter) -> None:
    """F77: a step's (or a child workflow's) ``sfn.Fail("ValueError", ...)`` (or ``sfn.named_error``) is an sfn.Fail
    under Python, which ``except ValueError`` does not catch and ``except sfn.Fail`` does; the machine knows errors by
    name only, so its handlers take it for a ValueError."""
    f = node.func
    named = isinstance(f, ast.Attribute) and f.attr == "named_error" and isinstance(f.value, ast.Name) \
        and f.value.id in info.sfn_modules
    if not (named or info.api(f) == "Fail") or not node.args:
        return
    error = node.args[0]
    if not (isinstance(error, ast.Constant) and isinstance(error.value, str) and info.is_exception_class(error.value)):
        return
    telling = set(info.exception_ancestors(error.value)) - {"Exception", "BaseException"} | {"Fail"}
    if telling & _handler_names(info):  # only a handler naming sfn.Fail or the class tells them apart
        reporter.report(node, f"an sfn.Fail named {error.value!r}, the name of an exception class: Python's except "
                              f"clauses tell it from a {error.value}, the machine's know errors by name only",
                        f"raise {error.value}(...) itself, or give the error another name")


def _handler_names(info: ModuleInfo) -> set[str]:
    """The class names the workflows' except clauses name (sfn.Fail as "Fail")."""
    out: set[str] = set()
    for wf in info.workflows.values():
        for h in walk(wf):
            if isinstance(h, ast.ExceptHandler) and h.type is not None:
                for t in h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]:
                    out.add(info.api(t) or (t.id if isinstance(t, ast.Name) else getattr(t, "attr", "")))
    return out
