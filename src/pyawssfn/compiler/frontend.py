"""Analysis pass: a module's source -> its steps, workflows, exception classes and the names it binds.

Nothing is imported or executed: the compiler reads the source only. The author API is recognised by how the module
imports it (``import pyawssfn as sfn``, ``from pyawssfn import parallel as par``, ...).
"""
from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field
from typing import Any

from pyawssfn import _api_names
from pyawssfn.compiler import library_errors
from pyawssfn.compiler.astwalk import index, walk
from pyawssfn.compiler.diagnostics import Reporter
from pyawssfn.compiler.expressions.build import T, err
from pyawssfn.compiler.expressions.core import ITERATED, tuple_shape
from pyawssfn.compiler.expressions.sets import check_set_uses
from pyawssfn.compiler.expressions.tuples import mark_tuple_names, step_tuple_shapes, workflow_tuple_shapes
from pyawssfn.compiler.exception_messages import analyse_messages, rewrite_caught_formatting, rewrite_raises
from pyawssfn.jsonata.tree import Expr
from pyawssfn.compiler.module_checks import _bound_names, _module_statements, _name_of, check_functions, \
    check_rebinding

API_NAMES = _api_names.COMPILED
PREDICATES = frozenset(_api_names.PREDICATES)


@dataclass
class RetrySpec:
    errors: list[str]
    interval: Any = 1
    max_attempts: Any = 3
    backoff: Any = 2.0
    max_delay: Any = None
    jitter: Any = None

    def to_asl(self) -> dict:
        out: dict[str, Any] = {"ErrorEquals": list(self.errors), "IntervalSeconds": self.interval,
                               "MaxAttempts": self.max_attempts, "BackoffRate": float(self.backoff)}
        if self.max_delay is not None:
            out["MaxDelaySeconds"] = self.max_delay
        if self.jitter is not None:
            out["JitterStrategy"] = self.jitter
        return out


@dataclass
class StepInfo:
    name: str
    node: ast.FunctionDef
    retry: list[RetrySpec] = field(default_factory=list)
    timeout: Any = None
    heartbeat: Any = None
    transient_retry: bool = True


@dataclass
class ModuleInfo:
    filename: str
    source: str
    tree: ast.Module
    sfn_modules: set[str] = field(default_factory=set)      # local names bound to the pyawssfn module
    api_aliases: dict[str, str] = field(default_factory=dict)  # local name -> API name (from-imports)
    imported: set[str] = field(default_factory=set)          # other imported names (modules and objects)
    steps: dict[str, StepInfo] = field(default_factory=dict)
    workflows: dict[str, ast.FunctionDef] = field(default_factory=dict)
    exceptions: dict[str, list[str]] = field(default_factory=dict)  # class name -> base names
    other_classes: set[str] = field(default_factory=set)
    constants: dict[str, Any] = field(default_factory=dict)  # module-level names bound to JSON literals
    module_names: set[str] = field(default_factory=set)
    # Module-level names bound to a class or a list/tuple of classes and error names (``TRANSIENT = (A, B)``), for
    # ``except TRANSIENT:`` and ``sfn.Retry(errors=TRANSIENT)``; and names bound to ``sfn.Retry(...)`` calls.
    error_groups: dict[str, list[ast.expr]] = field(default_factory=dict)
    retry_constants: dict[str, ast.expr] = field(default_factory=dict)
    # Whether a workflow holds yield, await or := anywhere (the lowerer refuses them at their statement): when none
    # does, it need not walk each statement it lowers looking for them.
    refused_expressions: bool = True

    def source_lines(self) -> list[bytes]:
        cached = self.__dict__.get("_lines")
        if cached is None:
            cached = [line.encode("utf-8") for line in self.source.splitlines(keepends=True)]
            self.__dict__["_lines"] = cached
        return cached

    def library_classes(self) -> tuple[type, ...]:
        """The exception classes of the libraries the module imports (loaded on first use)."""
        cached = self.__dict__.get("_library_classes")
        if cached is None:
            cached = library_errors.library_classes(self.tree, self.filename)
            self.__dict__["_library_classes"] = cached
        return cached

    def api(self, node: ast.AST) -> str | None:
        """The author-API name an expression refers to (``sfn.parallel`` -> ``parallel``; ``sfn.aws.s3.get_object``
        -> ``aws.s3.get_object``), or None."""
        if isinstance(node, ast.Name):
            return self.api_aliases.get(node.id)
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name):
            parts.reverse()
            if node.id in self.sfn_modules and parts and parts[0] in API_NAMES:
                return ".".join(parts)
            if self.api_aliases.get(node.id) == "aws" and parts:
                return ".".join(["aws"] + parts)
        return None

    def static_value(self, node: ast.AST, literal=None) -> Any:
        """The value of an option written as a literal or as a module-level constant (``timeout=TIMEOUT``): a
        constant's value is known at compile time, and the plain-Python run reads the same value. ``literal`` reads
        anything else (the expression translator's literal reader); without it, ``ast.literal_eval``. Raises what
        ``literal`` raises (ValueError for literal_eval) when the value is not static."""
        if isinstance(node, ast.Name) and node.id in self.constants:
            return self.constants[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Name) \
                and isinstance(self.constants.get(node.operand.id), (int, float)) \
                and not isinstance(self.constants.get(node.operand.id), bool):
            return -self.constants[node.operand.id]
        return (literal or _literal)(node)

    def handler_types(self, node: ast.expr) -> list[ast.expr]:
        """The classes an ``except`` clause names, a module-level tuple of classes (``except TRANSIENT:``) spelled
        out."""
        out: list[ast.expr] = []
        for e in node.elts if isinstance(node, ast.Tuple) else [node]:
            if isinstance(e, ast.Name) and e.id in self.error_groups:
                out.extend(self.handler_types(ast.Tuple(elts=self.error_groups[e.id])))
            else:
                out.append(e)
        return out

    def retry_error_names(self, names: list[str]) -> list[str]:
        """The ErrorEquals of ``sfn.Retry(errors=names)``: an exception class stands for itself and every subclass
        the module or the builtins define, as in an ``except`` clause and as ``sfn.Retry`` matches under plain
        Python; ``Exception`` (or ``BaseException``) for every error, ``States.ALL``."""
        out: list[str] = []
        for name in names:
            if name in ("Exception", "BaseException", "States.ALL"):
                return ["States.ALL"]
            for n in self.exception_family(name) if self.is_exception_class(name) else [name]:
                if n not in out:
                    out.append(n)
        return out

    def is_exception_class(self, name: str) -> bool:
        return name in self.exceptions or _builtin_exception(name) is not None

    def exception_ancestors(self, name: str) -> list[str]:
        """``name`` and the names of all its base classes (module-defined and builtin)."""
        out: list[str] = []
        todo = [name]
        while todo:
            n = todo.pop(0)
            if n in out:
                continue
            out.append(n)
            if n in self.exceptions:
                todo.extend(self.exceptions[n])
            else:
                cls = _builtin_exception(n)
                if cls is not None:
                    todo.extend(c.__name__ for c in cls.__mro__[1:] if c is not object)
        return out

    def exception_family(self, name: str) -> list[str]:
        """``name`` and every subclass a step may raise: the module's own and the builtin ones, name first, then
        sorted (deterministic output)."""
        subs: set[str] = set()
        cls = _builtin_exception(name)
        if cls is None and name not in self.exceptions:  # a library's class (except requests.HTTPError)
            for c in self.library_classes():
                if c.__name__ == name:
                    subs |= library_errors.subclass_names(c, self.library_classes())
        if cls is not None:
            subs |= library_errors.subclass_names(cls, self.library_classes())
            todo = [cls]
            while todo:
                c = todo.pop()
                for s in c.__subclasses__():
                    if s.__module__ == "builtins" and getattr(builtins, s.__name__, None) is s:
                        subs.add(s.__name__)
                        todo.append(s)
        changed = True
        while changed:
            changed = False
            for n, bases in self.exceptions.items():
                if n not in subs and n != name and any(b == name or b in subs for b in bases):
                    subs.add(n)
                    changed = True
        subs.discard(name)
        return [name] + sorted(subs)


def _builtin_exception(name: str):
    obj = getattr(builtins, name, None)
    if isinstance(obj, type) and issubclass(obj, BaseException):
        return obj
    return None


def _literal(node: ast.AST) -> Any:
    return ast.literal_eval(node)


def analyse(source: str, filename: str, reporter: Reporter) -> ModuleInfo | None:
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as exc:
        reporter.at(exc.lineno or 1, exc.offset or 1, f"syntax error: {exc.msg}", "fix the Python syntax")
        return None
    info = ModuleInfo(filename, source, tree)
    _imports(info)
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            info.module_names.add(stmt.name)
            if _is_workflow(info, stmt):
                if isinstance(stmt, ast.AsyncFunctionDef):
                    reporter.report(stmt, "a workflow cannot be async", "write a plain def")
                    continue
                info.workflows[stmt.name] = stmt
            elif isinstance(stmt, ast.FunctionDef):
                info.steps[stmt.name] = _step_info(info, stmt, reporter)
        elif isinstance(stmt, ast.ClassDef):
            info.module_names.add(stmt.name)
            bases = [b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else ""
                     for b in stmt.bases]
            info.exceptions[stmt.name] = bases
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for t in targets:
                for n in walk(t):
                    if isinstance(n, ast.Name):
                        info.module_names.add(n.id)
            if len(targets) == 1 and isinstance(targets[0], ast.Name) and stmt.value is not None:
                _module_constant(info, targets[0].id, stmt.value)
    # Classes whose ancestry reaches no exception are not exceptions.
    for name in list(info.exceptions):
        anc = info.exception_ancestors(name)
        if not any(_builtin_exception(a) is not None for a in anc[1:]):
            info.other_classes.add(name)
    for name in info.other_classes:
        info.exceptions.pop(name, None)
    _drop_rebound_constants(info)
    check_rebinding(info, reporter)
    check_functions(info, reporter)
    rewrite_raises(info, analyse_messages(info), reporter)
    rewrite_caught_formatting(info)
    _workflow_passes(info, reporter)
    return info


def _imports(info: ModuleInfo) -> None:
    """The names the module's imports bind, and which of them are the author API."""
    for stmt in info.tree.body:
        if isinstance(stmt, ast.Import):
            for a in stmt.names:
                local = a.asname or a.name.split(".")[0]
                if a.name == "pyawssfn":
                    info.sfn_modules.add(local)
                else:
                    info.imported.add(local)
                info.module_names.add(local)
        elif isinstance(stmt, ast.ImportFrom):
            for a in stmt.names:
                local = a.asname or a.name
                if stmt.module == "pyawssfn" and a.name in API_NAMES:
                    info.api_aliases[local] = a.name
                else:
                    info.imported.add(local)
                info.module_names.add(local)


def _workflow_passes(info: ModuleInfo, reporter: Reporter) -> None:
    """What the expression translator needs to know of each workflow body beyond one expression: where sets are
    used, which variables may hold tuples, which iterables a loop consumes."""
    tuple_constants = {n: tuple_shape(v) for n, v in info.constants.items() if isinstance(v, tuple)}
    tuple_steps = step_tuple_shapes({n: st.node for n, st in info.steps.items()})
    # one walk of each workflow for all the passes (compile time: #8, #14), kept for the lowerer's analyses
    # (astwalk.index); none of them looks for a context or operator node, which the index leaves out
    indexes = {name: index(fn, fresh=True) for name, fn in info.workflows.items()}
    tuple_children, keyed = workflow_tuple_shapes(info.workflows, tuple_constants, tuple_steps, indexes)  # F79
    tuple_steps = {**tuple_steps, **tuple_children}
    info.refused_expressions = False
    for name in info.workflows:
        found = indexes[name]
        nodes = found.nodes
        info.refused_expressions = info.refused_expressions or found.has(*_REFUSED)
        _check_list_handlers(info, found.of(ast.ExceptHandler), reporter)
        check_set_uses(nodes, reporter.report)
        mark_tuple_names(found, reporter.report, tuple_constants, tuple_steps, keyed)
        for node in found.of(ast.For, ast.comprehension):
            _mark_iterated(node.iter)


_REFUSED = (ast.Yield, ast.YieldFrom, ast.Await, ast.NamedExpr)


def _check_list_handlers(info: ModuleInfo, handlers: list[ast.AST], reporter: Reporter) -> None:
    """`except NAME:` with a module-level list: Python's except takes a class or a tuple of classes, and raises
    TypeError for a list when an exception reaches it; the machine would catch."""
    is_list: dict[str, bool] = {}
    for st in info.tree.body:  # what the last top-level assignment binds
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
            is_list[st.targets[0].id] = isinstance(st.value, ast.List)
    for node in handlers:
        if not isinstance(node, ast.ExceptHandler) or node.type is None:
            continue
        for t in node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]:
            if isinstance(t, ast.Name) and t.id in info.error_groups and is_list.get(t.id):
                reporter.report(t, f"except {t.id}: {t.id} is a list, and Python's except takes a class or a "
                                   "tuple of classes (a list raises TypeError when an exception reaches it)",
                                f"make it a tuple: {t.id} = (...)")


def _mark_iterated(node: ast.expr) -> None:
    """Mark an iterable a loop consumes, and the iterables zip() / enumerate() there consume (the lowerer renders
    each of them on its own)."""
    setattr(node, ITERATED, True)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("zip", "enumerate"):
        for a in node.args[:1] if node.func.id == "enumerate" else node.args:
            _mark_iterated(a)


def _module_constant(info: ModuleInfo, name: str, value: ast.expr) -> None:
    """Record ``name = value`` at the top of the module: a JSON literal, a group of classes, or sfn.Retry(...)."""
    info.constants.pop(name, None)  # a later assignment replaces what an earlier one bound
    info.error_groups.pop(name, None)
    info.retry_constants.pop(name, None)
    elts = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
    if elts and all(isinstance(e, ast.Call) and info.api(e.func) == "Retry" for e in elts):
        info.retry_constants[name] = value
        return
    try:
        literal = _literal(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        if elts and all(isinstance(e, (ast.Name, ast.Attribute)) or
                        (isinstance(e, ast.Constant) and isinstance(e.value, str)) for e in elts):
            info.error_groups[name] = list(elts)
        return
    if _is_json(literal):
        info.constants[name] = _jsonable(literal)
        if isinstance(literal, (list, tuple)) and all(isinstance(x, str) for x in literal):
            info.error_groups[name] = list(elts)


def _drop_rebound_constants(info: ModuleInfo) -> None:
    """A constant is what its top-level assignments bind; a name bound any other way at module level (in an if, by
    +=, a for, an import) is not a constant: its value is known only when the module runs."""
    top = {id(st) for st in info.tree.body if isinstance(st, ast.Assign)}
    for st in _module_statements(info.tree.body):
        if id(st) in top or isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for node in _bound_names(st):
            name = _name_of(node)
            info.constants.pop(name, None)
            info.error_groups.pop(name, None)
            info.retry_constants.pop(name, None)


def _is_json(v: Any) -> bool:
    if v is None or isinstance(v, (bool, int, float, str)):
        return True
    if isinstance(v, (list, tuple)):
        return all(_is_json(x) for x in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and _is_json(x) for k, x in v.items())
    return False


def _jsonable(v: Any) -> Any:
    if isinstance(v, tuple):  # kept a tuple: the translator tells tuples from lists (json.dumps writes a list)
        return tuple(_jsonable(x) for x in v)
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    return v


def _is_workflow(info: ModuleInfo, fn: ast.AST) -> bool:
    for d in fn.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        if info.api(target) in ("workflow", "main"):
            return True
    return False


def _step_info(info: ModuleInfo, fn: ast.FunctionDef, reporter: Reporter) -> StepInfo:
    step = StepInfo(fn.name, fn)
    for d in fn.decorator_list:
        if isinstance(d, ast.Call) and info.api(d.func) == "task":
            for kw in d.keywords:
                if kw.arg == "retry":
                    step.retry = parse_retries(info, kw.value, reporter)
                elif kw.arg in ("timeout", "heartbeat"):
                    try:
                        v = info.static_value(kw.value)
                    except ValueError:
                        reporter.report(kw.value, f"{kw.arg}= must be a number or a module-level constant "
                                                  f"(the decorator is read at compile time)", "write e.g. timeout=30")
                        continue
                    if v is not None:
                        if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 1 or int(v) != v:
                            reporter.report(kw.value, f"{kw.arg}= must be a whole number of seconds >= 1",
                                            "write e.g. timeout=30")
                            continue
                        setattr(step, kw.arg, int(v))
                elif kw.arg == "transient_retry":
                    try:
                        step.transient_retry = bool(info.static_value(kw.value))
                    except ValueError:
                        reporter.report(kw.value, "transient_retry= must be True or False", "write True or False")
                else:
                    reporter.report(kw, f"unknown @task option {kw.arg!r}",
                                    "use retry=, timeout=, heartbeat= or transient_retry=")
        elif info.api(d) == "task":
            pass
        else:
            reporter.report(d, "a step function can only be decorated with @sfn.task",
                            "remove the decorator or move its logic into the step")
    return step


def _error_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _retry_items(info: ModuleInfo, node: ast.AST) -> list[ast.AST]:
    items = node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]
    out: list[ast.AST] = []
    for it in items:
        if isinstance(it, ast.Name) and it.id in info.retry_constants:
            out.extend(_retry_items(info, info.retry_constants[it.id]))
        else:
            out.append(it)
    return out


def _retry_errors(info: ModuleInfo, v: ast.AST) -> list[str] | None:
    """The error names of ``errors=``: classes and names written in place or in a module-level list or tuple."""
    if isinstance(v, ast.Name) and v.id in info.error_groups:
        v = ast.List(elts=info.error_groups[v.id])
    elts = v.elts if isinstance(v, (ast.List, ast.Tuple)) else [v]
    names: list[str] = []
    for e in elts:
        if isinstance(e, ast.Name) and e.id in info.error_groups:
            names.extend(_retry_errors(info, e) or [None])
            continue
        if isinstance(e, ast.Name) and not (info.is_exception_class(e.id) or e.id in info.imported):
            return None  # a variable: its value is not known at compile time
        names.append(_error_name(e))
    if None in names or not names:
        return None
    return info.retry_error_names(names)


def parse_retries(info: ModuleInfo, node: ast.AST, reporter: Reporter) -> list[RetrySpec]:
    out = []
    for it in _retry_items(info, node):
        if not (isinstance(it, ast.Call) and info.api(it.func) == "Retry"):
            reporter.report(it, "retry= takes sfn.Retry(...) objects written in place",
                            "write retry=sfn.Retry(errors=[...], interval=1, max_attempts=3, backoff=2.0)")
            continue
        names = ["errors", "interval", "max_attempts", "backoff", "max_delay", "jitter"]
        values: dict[str, Any] = {}
        ok = True
        for i, a in enumerate(it.args):
            if i < len(names):
                values[names[i]] = a
        for kw in it.keywords:
            if kw.arg not in names:
                reporter.report(kw, f"unknown sfn.Retry option {kw.arg!r}", "use " + ", ".join(names))
                ok = False
            else:
                values[kw.arg] = kw.value
        spec = RetrySpec(errors=["States.ALL"])
        for k, v in values.items():
            if k == "errors":
                errs = _retry_errors(info, v)
                if errs is None:
                    reporter.report(v, "sfn.Retry errors= must list error names or exception classes (in place or "
                                       "in a module-level list)", 'write errors=["States.ALL"] or errors=[ValueError]')
                    ok = False
                else:
                    spec.errors = errs
                continue
            try:
                setattr(spec, k, info.static_value(v))
            except ValueError:
                reporter.report(v, f"sfn.Retry {k}= must be a literal or a module-level constant", "write a number")
                ok = False
        if ok:
            out.append(spec)
        if ok and spec.errors == ["States.ALL"]:
            break  # the first retrier matching an error decides: none after this one can (and ASL wants it last)
    return out


def max_concurrency(code: Expr) -> Expr:
    """The MaxConcurrency (a JSONata expression) of ``sfn.map(..., max_concurrency=<value>)``, as sfn.map reads the
    value under plain Python: a false value (None, 0, "", [], {}) or a negative number means no limit (0); True is
    1; a positive number is its integer part, at least 1; any other value fails, as ``value > 0`` does in Python."""
    return T('($pyawssfn_w := $0; $pyawssfn_t := $type($pyawssfn_w); $pyawssfn_t = "null" ? 0 : '
             '$pyawssfn_t = "boolean" ? ($pyawssfn_w ? 1 : 0) : '
             '$pyawssfn_t = "number" ? ($pyawssfn_w > 0 ? $max([1, $floor($pyawssfn_w)]) : 0) : '
             '$pyawssfn_t = "string" ? ($pyawssfn_w = "" ? 0 : $1) : '
             '$pyawssfn_t = "array" ? ($count($pyawssfn_w) = 0 ? 0 : $1) : '
             '($count($keys($pyawssfn_w)) = 0 ? 0 : $1))', code, err("sfn.map max_concurrency= must be a number"))
