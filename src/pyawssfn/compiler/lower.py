"""AST statements -> IR (the statement builder).

The lowerer walks a workflow's body keeping a *frontier*: the exits through which control leaves the code lowered so
far, each with the pure assignments made since its last state (see ir.py). A statement that needs a state (a step
call, an if, a loop, ...) connects every exit of the frontier to that state; pure statements only extend the envs, so
they end up in the ``Assign`` of a neighbouring state.
"""
from __future__ import annotations

import ast
import builtins
import copy
import difflib
import json
from dataclasses import dataclass, field
from typing import Any, Callable

from pyawssfn.compiler import predicates
from pyawssfn.compiler.aliasing import check_aliasing
from pyawssfn.compiler.definite import maybe_unbound_reads
from pyawssfn.compiler.diagnostics import Reporter
from pyawssfn.compiler.expressions import INPLACE, ExpressionTranslator, NotConstant, _static_type, append, extend, setitem
from pyawssfn.compiler.frontend import PREDICATES, ModuleInfo, RetrySpec, StepInfo, max_concurrency
from pyawssfn.compiler.ir import (
    Catcher, DefaultOf, Exit, Graph, Node, Rule, StartHolder, atomic as _atomic, can_fail, context_refs, evaluates,
    replace_context, substitute_variables,
)
from pyawssfn.jsonata.printer import plain_name as _plain_key
from pyawssfn.compiler.naming import VariableNames, describe_source
from pyawssfn.compiler.static_types import infer_name_types

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
LAMBDA_CALLBACK = "arn:aws:states:::lambda:invoke.waitForTaskToken"
START_EXECUTION = "arn:aws:states:::states:startExecution.sync:2"
TRANSIENT_ERRORS = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                    "Lambda.TooManyRequestsException"]
# Python's str(e) for an error caught from a Lambda step: the errorMessage inside the JSON cause.
_MESSAGE = ('($c := {src}.Cause; $type($c) = "string" and $substring($c, 0, 1) = "{{" '
            'and $contains($c, "\\"errorMessage\\"") ? ($p := $parse($c); $type($p.errorMessage) = "string" '
            '? $p.errorMessage : $c) : ($exists($c) ? $c : ""))')
_BAD_CALLS = {"print", "open", "input", "exec", "eval", "compile", "breakpoint", "exit", "quit", "__import__",
              "globals", "locals", "vars", "setattr", "delattr", "getattr", "id", "hash", "iter", "next", "help",
              "memoryview", "object", "super", "type"}
_CHANGING = object()
_TASK_LIKE = ("Task", "Parallel", "Map", "Pass", "Wait")
_HOISTABLE = (ast.Call, ast.Attribute, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda)
_MUTATORS = ("append", "extend", "update", "insert", "pop", "remove", "clear", "sort", "reverse", "setdefault",
             "popitem", "add", "discard")


def error_object(src: str) -> str:
    return '{"Error": ' + src + '.Error, "Cause": ' + _MESSAGE.format(src=src) + "}"


def message_of(src: str) -> str:
    return _MESSAGE.format(src=src)


class Abort(Exception):
    """The current statement cannot be lowered (already reported)."""


@dataclass
class Options:
    function_arn: str | None = None
    transient_retry: bool = True


@dataclass
class Shared:
    """State shared by the lowerers of one compile (the workflow and its branches)."""
    info: ModuleInfo
    reporter: Reporter
    names: VariableNames
    options: Options
    workflow: str
    steps: set[str] = field(default_factory=set)
    children: set[str] = field(default_factory=set)
    sdk_actions: set[str] = field(default_factory=set)
    uncaught: Node | None = None


@dataclass(eq=False)
class Handler:
    errors: list[str]
    classes: list[str]          # Python class names it catches ([] = everything)
    var: str | None
    node: ast.ExceptHandler
    incoming: list[Exit] = field(default_factory=list)
    fail: bool = False          # `except sfn.Fail`: every error that is not a known exception class


@dataclass(eq=False)
class TryCtx:
    handlers: list[Handler]
    has_finally: bool
    phase: str = "body"         # body -> handlers -> done
    exc_var: str | None = None
    ret_var: str | None = None
    exc_exits: list[Exit] = field(default_factory=list)
    pending: dict[str, list[Exit]] = field(default_factory=lambda: {"return": [], "break": [], "continue": []})
    handler_var: str | None = None   # in a handler: the variable holding the caught error (for bare raise)


@dataclass(eq=False)
class LoopCtx:
    breaks: list[Exit] = field(default_factory=list)
    continues: list[Exit] = field(default_factory=list)


@dataclass(eq=False)
class HandlerScope:
    """Marks the body of an except clause: a bare ``raise`` re-raises the error held in ``var``."""
    var: str


class FunctionLowerer:
    def __init__(self, shared: Shared, fn: ast.FunctionDef | ast.Lambda, graph: Graph, *, top: bool,
                 outer: dict[str, str] | None = None, outer_types: dict[str, str] | None = None):
        self.s = shared
        self.info = shared.info
        self.fn = fn
        self.graph = graph
        self.top = top
        self.outer = dict(outer or {})
        self.vars: dict[str, str] = {}
        self.exc_vars: set[str] = set()
        self.nested_defs: dict[str, ast.FunctionDef] = {}
        self.stack: list[Any] = []
        self.synthetic: dict[str, Callable[[], str]] = {}
        self.cur_env: dict[str, str] = {}
        self._syn_counter = 0
        self.tr = ExpressionTranslator(self._resolve_name, self._report, set(), set(), name_type=self._name_type)
        self.types = self._infer_types(outer_types or {})
        self.frontier: list[Exit] = [Exit(StartHolder(), {})]
        self.start_pending: tuple[Node, dict[str, str]] | None = None
        self.cur_line = self._line()
        self.checked: set[tuple[int, str]] = set()   # (holder, value) pairs whose evaluation place is settled
        self.param_reads: set[str] = set()
        self._declare_locals()
        self.maybe_unbound: set[tuple[int, int]] = set()
        if isinstance(fn, ast.FunctionDef):
            check_aliasing(fn, self._report, lambda c: self._classify(c) is not None)
            self.maybe_unbound = maybe_unbound_reads(fn, set(self.vars))

    # ------------------------------------------------------------------ static types
    def _infer_types(self, outer_types: dict[str, str]) -> dict[str, str]:
        fixed = {k: _static_type(v) for k, v in self.info.constants.items()}
        fixed.update({k: t for k, t in outer_types.items() if k in self.outer})
        probe = ExpressionTranslator(lambda n: "$" + n.id, lambda *a: None)

        def static_type(expr: ast.expr, name_type) -> str | None:
            probe.name_type = name_type
            return probe.static_type(expr)

        return infer_name_types(self.fn, static_type, fixed)

    def _name_type(self, node: ast.Name) -> str | None:
        if node.id in self.synthetic:
            return None
        return self.types.get(node.id)

    # ------------------------------------------------------------------ reporting and names
    def _report(self, node: ast.AST, what: str, instead: str = "") -> None:
        self.s.reporter.report(node, what, instead)

    def fail(self, node: ast.AST, what: str, instead: str = "") -> "Abort":
        self._report(node, what, instead)
        return Abort()

    def _declare_locals(self) -> None:
        fn = self.fn
        names: list[str] = []
        params: list[ast.arg] = []
        if isinstance(fn, ast.FunctionDef):
            a = fn.args
            params = a.posonlyargs + a.args + a.kwonlyargs
            if a.vararg or a.kwarg:
                self._report(a.vararg or a.kwarg, "a workflow or branch cannot take *args or **kwargs",
                             "name each input parameter")
            if not self.top and params:
                self._report(params[0], "a parallel branch takes no parameters",
                             "read the workflow's variables directly in the nested function")
            for stmt in fn.body:
                names.extend(_assigned_names(stmt))
        else:
            if fn.args.args or fn.args.vararg or fn.args.kwarg:
                self._report(fn, "a parallel branch takes no parameters", "write lambda: step(x)")
        for p in params:
            names.insert(0, p.arg)
        seen: list[str] = []
        for n in names:
            if n not in seen:
                seen.append(n)
        for n in seen:
            if self.top:
                self.vars[n] = self.s.names.for_python(n)
            elif n in self.s.names.used:
                self.vars[n] = self.s.names.fresh(n)
            else:
                self.vars[n] = self.s.names.for_python(n)
        if self.top and isinstance(fn, ast.FunctionDef):
            env = self.frontier[0].env
            a = fn.args
            positional = a.posonlyargs + a.args
            defaults: dict[str, ast.expr] = {}
            for p, d in zip(positional[len(positional) - len(a.defaults):], a.defaults):
                defaults[p.arg] = d
            for p, d in zip(a.kwonlyargs, a.kw_defaults):
                if d is not None:
                    defaults[p.arg] = d
            for p in params:
                src = "$states.input." + p.arg if _plain_key(p.arg) else f"$lookup($states.input, {json.dumps(p.arg)})"
                if p.arg in defaults:
                    try:
                        dv = self.tr.literal_value(defaults[p.arg])
                    except NotConstant:
                        self._report(defaults[p.arg], "a workflow parameter's default must be a JSON literal",
                                     "use a constant such as 0, '' or None")
                        dv = None
                    src = f"$exists({src}) ? {src} : {json.dumps(dv)}"
                else:
                    # Python cannot call the workflow without it; undefined would silently vanish from a list or
                    # dict on the machine.
                    msg = json.dumps(f"The execution input has no field {p.arg!r}")
                    src = f"$exists({src}) ? {src} : $error({msg})"
                env[self.vars[p.arg]] = src
                self.param_reads.add(src)

    def fresh(self, hint: str) -> str:
        return self.s.names.fresh(hint)

    def _syn(self, render: Callable[[], str]) -> ast.Name:
        self._syn_counter += 1
        ident = f"\x00syn{self._syn_counter}"
        self.synthetic[ident] = render
        return ast.Name(id=ident, ctx=ast.Load())

    def _var_name(self, var: str) -> ast.Name:
        """An AST name that reads ASL variable ``var`` (temporaries have no Python name)."""
        ident = "\x00var:" + var
        return ast.Name(id=ident, ctx=ast.Load())

    def _resolve_name(self, node: ast.Name) -> str:
        ident = node.id
        if ident in self.synthetic:
            return self.synthetic[ident]()
        if ident.startswith("\x00var:"):
            return self._read_var(ident[5:])
        if ident in self.vars:
            var = self.vars[ident]
            code = self._read_var(var)
            if var not in self.cur_env and (getattr(node, "lineno", None), getattr(node, "col_offset", None)) \
                    in self.maybe_unbound:
                msg = json.dumps(f"UnboundLocalError: cannot access local variable '{ident}' where it is not "
                                 "associated with a value")
                return f"($exists({code}) ? {code} : $error({msg}))"
            return code
        if ident in self.outer:
            return "$" + self.outer[ident]
        if ident in self.info.constants:
            return json.dumps(self.info.constants[ident], ensure_ascii=False)
        if ident in self.nested_defs:
            self._report(node, f"nested function {ident!r} can only be passed to sfn.parallel",
                         "call sfn.parallel(" + ident + ", ...) or move the code into the workflow body")
        elif ident in self.info.steps or ident in self.info.workflows:
            self._report(node, f"step {ident!r} used as a value", f"call it: {ident}(...)")
        elif ident in self.info.module_names or ident in self.info.sfn_modules:
            self._report(node, f"{ident!r} cannot be used as a value in a workflow",
                         "use it inside a step function")
        else:
            self._report(node, f"undefined name {ident!r}", "assign it first or pass it as a workflow parameter")
        return "null"

    def _read_var(self, var: str) -> str:
        e = self.cur_env.get(var)
        if e is None:
            return "$" + var
        return e if _atomic(e) else f"({e})"

    # ------------------------------------------------------------------ rendering
    def render(self, node: ast.expr, env: dict[str, str]) -> str:
        old, self.cur_env = self.cur_env, env
        try:
            return self.tr.translate(node)
        finally:
            self.cur_env = old

    def condition(self, node: ast.expr, env: dict[str, str]) -> str:
        old, self.cur_env = self.cur_env, env
        try:
            return self._condition(node)
        finally:
            self.cur_env = old

    def _condition(self, node: ast.expr) -> str:
        if isinstance(node, ast.Name) and node.id in self.synthetic and node.id.endswith("p"):
            return self.synthetic[node.id]()
        if isinstance(node, ast.BoolOp) and all(self._is_boolish(v) for v in node.values):
            op = " and " if isinstance(node.op, ast.And) else " or "
            return op.join(f"({self._condition(v)})" for v in node.values)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not) and self._is_boolish(node.operand):
            return f"$not({self._condition(node.operand)})"
        return self.tr.truthy(node)

    def _is_boolish(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Name) and node.id in self.synthetic and node.id.endswith("p"):
            return True
        if isinstance(node, ast.Compare):
            return True
        if isinstance(node, ast.BoolOp):
            return all(self._is_boolish(v) for v in node.values)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return True
        return False

    def value_field(self, node: ast.expr, env: dict[str, str]) -> Any:
        """A payload value: the JSON literal when the expression is constant, else a JSONata template."""
        try:
            v = self.tr.literal_value(node)
            if not _has_template(v):
                return v
        except NotConstant:
            pass
        return "{% " + self.render(node, env) + " %}"

    # ------------------------------------------------------------------ graph plumbing
    def add(self, node: Node) -> Node:
        self.graph.nodes.append(node)
        return node

    def flush(self, ex: Exit, target: Node) -> None:
        h = ex.holder
        if isinstance(h, StartHolder):
            if ex.env:
                p = self.add(Node("Pass", "read the input" if self.top else "start", self._line(), assign=dict(ex.env)))
                self.graph.start = p
                p.next = target
            else:
                self.graph.start = target
        elif isinstance(h, DefaultOf):
            if ex.env:
                h.choice.rules.append(Rule("true", target, dict(ex.env)))
            else:
                h.choice.default = target
        else:
            h.assign.update(ex.env)
            h.next = target

    def _line(self) -> int:
        return getattr(self.fn, "lineno", 1)

    def connect(self, node: Node, start_ok: bool = True) -> dict[str, str]:
        """Make ``node`` the next state of every exit; return the env valid in ``node``'s own input context (only
        non-empty at the very start, where the input-reading assignments move into ``node`` itself)."""
        self.settle()
        fr = self.frontier
        self.frontier = []
        if start_ok and len(fr) == 1 and isinstance(fr[0].holder, StartHolder):
            self.graph.start = node
            self.add(node)
            self.start_pending = (node, dict(fr[0].env))
            return dict(fr[0].env)
        for ex in fr:
            self.flush(ex, node)
        self.add(node)
        return {}

    def materialize_start(self) -> None:
        """Before a loop head: the input-reading assignments must not be re-run on every iteration."""
        if len(self.frontier) == 1 and isinstance(self.frontier[0].holder, StartHolder) and self.frontier[0].env:
            ex = self.frontier[0]
            p = self.add(Node("Pass", "read the input" if self.top else "start", self._line(), assign=dict(ex.env)))
            self.graph.start = p
            self.frontier = [Exit(p, {})]

    def cover(self) -> Any:
        """Where an error of a workflow expression (States.QueryEvaluationError) evaluated here goes: the innermost
        try whose handlers catch everything, or whose finally must run, with the part of it we are in; None when
        nothing catches it (then a Pass or Choice, which have no Catch, behave alike)."""
        for ctx in reversed(self.stack):
            if not isinstance(ctx, TryCtx):
                continue
            if ctx.phase == "body" and any("States.ALL" in h.errors or h.fail for h in ctx.handlers):
                return (id(ctx), "handlers")
            if ctx.has_finally and ctx.phase in ("body", "handlers"):
                return (id(ctx), "finally")
        return None

    def settle(self, change: bool = False) -> None:
        """Pending assignments that can fail are folded into the state that precedes them only when that state's
        Catch sends their error where Python's handlers would (the same cover); otherwise they are evaluated in a
        state of their own with the right Catch: a Pass where nothing catches, else a Parallel with an empty
        branch (Pass and Choice states have no Catch)."""
        cov = self.cover()
        settled = []
        for ex in self.frontier:
            items = list(ex.env.items())
            first = next((i for i, (_, v) in enumerate(items) if can_fail(v) and v not in self._safe_codes
                          and (id(ex.holder), v) not in self.checked), None)
            start = isinstance(ex.holder, StartHolder)
            # the start's pending values move into the first state, which has the current cover, unless the
            # cover is about to change
            holder_cover = ex.holder.cover if isinstance(ex.holder, Node) else (_CHANGING if start and change
                                                                                 else None)
            if first is None or holder_cover == cov:
                # the holder evaluates them when they are flushed into its Assign, whatever the cover is by then
                self.checked.update((id(ex.holder), v) for v in ex.env.values())
                settled.append(ex)
                continue
            if start and cov is None:
                p = self.add(Node("Pass", "read the input" if self.top else "start", self._line(),
                                  assign=dict(ex.env)))
                self.graph.start = p
                self.checked.update((id(p), v) for v in ex.env.values())
                settled.append(Exit(p, dict(ex.env)))
                continue
            # all of them move: a later value may read an earlier one's variable as it was before the holder
            keep, rest = {}, dict(items)
            # values of the holder's own context ($states.result after a Task, ...) are handed over in a variable
            for ref in sorted(set().union(*(context_refs(v) for v in rest.values()))):
                tmp = self.fresh("handover")
                keep[tmp] = "$states." + ref
                rest = {k: replace_context(v, ref, tmp) for k, v in rest.items()}
            line = self.cur_line
            if cov is None:
                node = Node("Pass", "evaluate", line)
            else:
                node, rest = self._evaluate_where_caught(rest, line)
            self.flush(Exit(ex.holder, keep), node)
            self.add(node)
            if cov is not None:
                self.catchers(node, {})
            # the values stay pending on the new state, whose Assign evaluates them (Output may read them too)
            self.checked.update((id(node), v) for v in rest.values())
            settled.append(Exit(node, rest))
        self.frontier = settled

    def _evaluate_where_caught(self, values: dict[str, str], line: int) -> tuple[Node, dict[str, str]]:
        """A Parallel whose one branch evaluates `values` (in a Pass's Output) and whose Catch routes their error:
        an error inside a branch fails the Parallel, which both engines catch, while an error in the Parallel's own
        Assign is not caught by every engine (#9). The Parallel hands the values on from its result."""
        branch = Graph()
        fields = ", ".join(f"{json.dumps(k)}: {v}" for k, v in values.items())
        ev = Node("Pass", "evaluate", line, end=True, output="{" + fields + "}")
        branch.nodes.append(ev)
        branch.start = ev
        node = Node("Parallel", "evaluate where caught", line, branches=[branch], fields={"Arguments": {}})
        return node, {k: f"$states.result[0].{k}" for k in values}

    @property
    def _safe_codes(self) -> set[str]:
        return {error_object("$states.errorOutput")}

    def catchers(self, node: Node, pre_env: dict[str, str]) -> None:
        """Catch clauses for a state inside the current try blocks, then the shared uncaught-error route."""
        node.cover = self.cover()
        for ctx in reversed(self.stack):
            if not isinstance(ctx, TryCtx):
                continue
            if ctx.phase == "body":
                for h in ctx.handlers:
                    if h.errors:
                        self._catch_into(node, h, h.errors, pre_env)
                    if h.fail:
                        # sfn.Fail raised by a step surfaces under its own error name: catch every name that is
                        # not one of the known exception classes (those go on to the later handlers).
                        known = [e for e in self.known_errors() if e not in h.errors]
                        self._redispatch(node, known, pre_env, error_object("$states.errorOutput"))
                        self._catch_into(node, h, ["States.ALL"], pre_env)
                        return
                    if "States.ALL" in h.errors:
                        return
            if ctx.has_finally and ctx.phase in ("body", "handlers"):
                c = Catcher(["States.ALL"])
                node.catch.append(c)
                env = dict(pre_env)
                env[ctx.exc_var] = error_object("$states.errorOutput")
                ctx.exc_exits.append(Exit(c, env))
                return
        if self.top:
            c = Catcher(["States.ALL"], next=self.uncaught(), output="$states.errorOutput")
            node.catch.append(c)

    def _catch_into(self, node: Node, h: Handler, errors: list[str], pre_env: dict[str, str]) -> None:
        c = Catcher(list(errors))
        node.catch.append(c)
        env = dict(pre_env)
        if h.var:
            env[h.var] = error_object("$states.errorOutput")
        h.incoming.append(Exit(c, env))

    def _redispatch(self, node: Node, errors: list[str], pre_env: dict[str, str], error: str) -> None:
        """Catch ``errors`` and raise them again from here, choosing the handler by name at run time."""
        c = Catcher(list(errors))
        node.catch.append(c)
        tmp = self.fresh("caught_error")
        env = dict(pre_env)
        env[tmp] = error
        saved, self.frontier = self.frontier, [Exit(c, env)]
        try:
            self.raise_dynamic(self._var_name(tmp), "re-raise " + node.name[:60], node.line)
        finally:
            self.frontier = saved

    def known_errors(self) -> list[str]:
        """Every exception class name a step can raise as itself: the builtin ones and the module's."""
        cached = getattr(self.s, "_known", None)
        if cached is None:
            cached = sorted(set(self.info.exception_family("BaseException")) | set(self.info.exceptions))
            self.s._known = cached
        return cached

    def uncaught(self) -> Node:
        if self.s.uncaught is None:
            n = Node("Fail", "uncaught error", self._line(), fields={
                "Error": "{% $states.input.Error %}",
                "Cause": "{% " + message_of("$states.input") + " %}",
            })
            self.s.uncaught = n
            self.graph.nodes.append(n)
        return self.s.uncaught

    # ------------------------------------------------------------------ statements
    def lower_function(self) -> None:
        body = self.fn.body if isinstance(self.fn, ast.FunctionDef) else [
            ast.copy_location(ast.Return(value=self.fn.body), self.fn.body)]
        self.lower_block(body)
        if self.frontier:
            end = ast.Return(value=None)
            end.lineno = getattr(body[-1], "end_lineno", None) or body[-1].lineno
            end.col_offset = 0
            self.do_return(ast.Constant(value=None), "return None" if self.top else "end of branch", end.lineno)
        self._check_before_start()

    def _check_before_start(self) -> None:
        """The assignments before the first state move into it; a Task (or Wait) evaluates its Assign only after the
        call (or the wait), so a computed value that can fail and that its Arguments do not evaluate would fail after
        the step ran (and a failing step would win) or the time passed, while Python fails first. Evaluate such
        values in a Pass before it."""
        if self.start_pending is None:
            return
        node, env = self.start_pending
        if node.type not in ("Task", "Parallel", "Map", "Wait") or self.graph.start is not node:
            return
        texts: list[str] = []
        _field_strings(node.fields, texts)
        early = {self._throwaway(): v for v in env.values()
                 if v not in self.param_reads and can_fail(v) and not any(evaluates(v, t, template=True)
                                                                           for t in texts)}
        if early:
            p = self.add(Node("Pass", "read the input" if self.top else "start", self._line(), assign=early))
            p.next = node
            self.graph.start = p

    def lower_block(self, stmts: list[ast.stmt]) -> None:
        for st in stmts:
            if not self.frontier:
                return  # unreachable code after return/raise/break/continue
            try:
                self.lower_stmt(st)
            except Abort:
                pass

    def lower_stmt(self, st: ast.stmt) -> None:
        for n in ast.walk(st):
            if isinstance(n, (ast.Yield, ast.YieldFrom)):
                raise self.fail(n, "a workflow cannot be a generator (yield)", "return a list instead")
            if isinstance(n, ast.Await):
                raise self.fail(n, "await is not supported in a workflow", "write plain synchronous calls")
            if isinstance(n, ast.NamedExpr):
                raise self.fail(n, "assignment expressions (:=) are not supported in a workflow",
                                "assign in a statement of its own")
        self.cur_line = st.lineno
        method = getattr(self, "st_" + type(st).__name__, None)
        if method is None:
            what, instead = _REFUSED_STMTS.get(type(st).__name__, (f"{type(st).__name__} statement",
                                                                   "rewrite it with the supported statements"))
            raise self.fail(st, f"{what} is not supported in a workflow", instead)
        method(st)

    def st_Pass(self, st: ast.Pass) -> None:
        pass

    def st_Expr(self, st: ast.Expr) -> None:
        v = st.value
        if isinstance(v, ast.Constant):
            return  # docstring or bare constant
        if isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and v.func.attr in _MUTATORS:
            base = v.func.value
            while isinstance(base, ast.Subscript):
                base = base.value
            if isinstance(base, ast.Name) and base.id in self.outer and base.id not in self.vars:
                raise self.fail(v, f"mutation of outer variable {base.id!r} inside a parallel branch",
                                "return the value from the branch and combine the results after sfn.parallel")
            if isinstance(base, ast.Name) and base.id in self.vars:
                if v.func.attr not in ("append", "extend", "update"):
                    raise self.fail(v, f"the list/dict method {v.func.attr}() is not supported in a workflow",
                                    "build the new value with an expression, e.g. xs = xs[:-1]")
                self._mutate_method(v)
                return
        kind = self._classify(v) if isinstance(v, ast.Call) else None
        if kind:
            self.lower_call(v, kind, want_result=False)
            return
        self.prepare(v)  # evaluated only for its step calls; a pure expression has no effect

    def _mutate_method(self, call: ast.Call) -> None:
        """``x.append(v)``, ``d["k"].extend(v)``, ``x.update(e)``: the new value is stored back into the target."""
        meth = call.func.attr
        target = call.func.value
        if len(call.args) != 1 or call.keywords:
            raise self.fail(call, f"{meth}() takes exactly one argument here", f"write x.{meth}(value)")
        self._check_target(target)
        arg = self.prepare(call.args[0])
        for ex in self.frontier:
            cur = self.render(_load(target), ex.env)
            val = self.render(arg, ex.env)
            if meth == "append":
                new = append(cur, val)
            elif meth == "extend":
                new = extend(cur, val)
            else:
                new = (f'$type({_p(cur)}) = "object" and $type({_p(val)}) = "object" ? $merge([{cur}, {val}]) : '
                       f'$error("TypeError: update() needs dicts")')
            updates: dict[str, str] = {}
            self.bind_target(target, new, ex.env, updates)
            ex.env.update(updates)

    def st_Assign(self, st: ast.Assign) -> None:
        value = self.prepare(st.value)
        for t in st.targets:
            self._check_target(t)
        t0 = st.targets[0]
        if len(st.targets) == 1 and isinstance(t0, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)) \
                and len(t0.elts) == len(value.elts) and not any(isinstance(e, ast.Starred) for e in value.elts):
            # a, b = b, a: every value is computed before any is assigned, as in Python
            for ex in self.frontier:
                updates: dict[str, str] = {}
                for sub_t, sub_v in zip(t0.elts, value.elts):
                    self.bind_target(sub_t, self.render(sub_v, ex.env), ex.env, updates)
                self._overwrite(ex.env, updates, value)
            return
        for ex in self.frontier:
            rendered = self.render(value, ex.env)
            updates: dict[str, str] = {}
            for t in st.targets:
                self.bind_target(t, rendered, ex.env, updates)
            self._overwrite(ex.env, updates, value)

    def st_AnnAssign(self, st: ast.AnnAssign) -> None:
        if st.value is None:
            return
        self.st_Assign(ast.copy_location(ast.Assign(targets=[st.target], value=st.value), st))

    def st_AugAssign(self, st: ast.AugAssign) -> None:
        self._check_target(st.target)
        value = self.prepare(st.value)
        # x op= v has the value of x op v (lists too: += extends in place, which is the same value).
        combined = ast.BinOp(left=_load(st.target), op=st.op, right=value)
        ast.copy_location(combined, st)
        setattr(combined, INPLACE, True)
        for ex in self.frontier:
            new = self.render(combined, ex.env)
            updates: dict[str, str] = {}
            self.bind_target(st.target, new, ex.env, updates)
            self._overwrite(ex.env, updates, combined)

    def _check_target(self, t: ast.expr) -> None:
        if isinstance(t, ast.Name):
            if t.id not in self.vars:
                raise self.fail(t, f"cannot assign {t.id!r} here", "assign local variables only")
            return
        if isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                if isinstance(e, ast.Starred):
                    raise self.fail(e, "starred assignment targets are not supported",
                                    "unpack with explicit indexes")
                self._check_target(e)
            return
        if isinstance(t, ast.Subscript):
            base = t
            while isinstance(base, ast.Subscript):
                if isinstance(base.slice, ast.Slice):
                    raise self.fail(base, "slice assignment is not supported", "build a new list instead")
                base = base.value
            if isinstance(base, ast.Name) and base.id in self.vars:
                return
            if isinstance(base, ast.Name) and base.id in self.outer:
                raise self.fail(t, f"mutation of outer variable {base.id!r} inside a parallel branch",
                                "return the value from the branch and combine the results after sfn.parallel")
            raise self.fail(t, "item assignment needs a local variable on the left", "write d[key] = value")
        if isinstance(t, ast.Attribute):
            raise self.fail(t, "attribute assignment is not supported in a workflow",
                            "use a dict: d['field'] = value")
        raise self.fail(t, "unsupported assignment target", "assign to a name")

    def bind_target(self, t: ast.expr, value: str, env: dict[str, str], out: dict[str, str]) -> None:
        """Record in ``out`` the new values of the variables that ``t = <value>`` assigns (all in env's context)."""
        if isinstance(t, ast.Name):
            out[self.vars[t.id]] = value
            return
        if isinstance(t, (ast.Tuple, ast.List)):
            n = len(t.elts)
            holder = self._syn(lambda v=value: (
                f'($pyawssfn_t := {v}; $type($pyawssfn_t) = "array" and $count($pyawssfn_t) = {n} ? $pyawssfn_t : '
                f'$error("ValueError: expected {n} values to unpack"))'))
            for i, e in enumerate(t.elts):
                idx = ast.Subscript(value=holder, slice=ast.Constant(value=i), ctx=ast.Load())
                self.bind_target(e, self.render(idx, env), env, out)
            return
        if isinstance(t, ast.Subscript):
            base = t.value
            key = t.slice
            # earlier targets of the same statement (d["a"], d["b"] = 1, 2) are already in `out`
            current = {**env, **out}
            container = self.render(_load(base), current)
            k = self.render(key, env)
            new = setitem(container, k, value)
            self.bind_target(base, new, env, out)
            return
        raise self.fail(t, "unsupported assignment target", "assign to a name")

    def st_Return(self, st: ast.Return) -> None:
        value = self.prepare(st.value) if st.value is not None else ast.Constant(value=None)
        name = describe_source(self._src(st)) if self.top else "return from branch"
        self.emit_return(value, name, st.lineno)

    def emit_return(self, value: ast.expr, name: str, line: int) -> None:
        for ctx in reversed(self.stack):
            if isinstance(ctx, TryCtx) and ctx.has_finally and ctx.phase in ("body", "handlers"):
                for ex in self.frontier:
                    ex.env[ctx.ret_var] = self.render(value, ex.env)
                self.settle(change=True)
                ctx.pending["return"].extend(self.frontier)
                self.frontier = []
                return
        self.do_return(value, name, line)

    def do_return(self, value: ast.expr, name: str, line: int) -> None:
        cov = self.cover()
        if any(can_fail(self.render(value, ex.env)) and cov != (ex.holder.cover if isinstance(ex.holder, Node)
                                                                else None) for ex in self.frontier) \
                or any(isinstance(ex.holder, StartHolder) for ex in self.frontier) and cov is not None:
            # the state that would evaluate the value in its Output has another cover: evaluate it first
            tmp = self.fresh("return_value")
            for ex in self.frontier:
                ex.env[tmp] = self.render(value, ex.env)
            self.settle()
            value = self._var_name(tmp)
        rest: list[Exit] = []
        read = self._surely_read(value)
        for ex in self.frontier:
            h = ex.holder
            if isinstance(h, Node) and h.type in _TASK_LIKE:
                h.output = _before_assign(self.render(value, ex.env), h.assign)
                # assignments that can fail still run (Python would fail), unless the output reads them anyway
                h.assign.update({k: v for k, v in _risky(ex.env).items() if k not in read})
                h.end = True
            elif isinstance(h, StartHolder):
                risky = {k: v for k, v in _risky(ex.env).items() if k not in read}
                n = self.add(Node("Pass" if risky else "Succeed", name, line, output=self.render(value, ex.env),
                                  assign=risky, end=bool(risky)))
                self.graph.start = n
            else:
                rest.append(ex)
        self.frontier = []
        if rest:
            n = Node("Succeed", name, line, output=self.render(value, {}))
            for ex in rest:
                self.flush(ex, n)
            self.add(n)

    def _surely_read(self, node: ast.expr) -> set[str]:
        """The variables an expression always reads (not under and/or, if-else or a comprehension)."""
        out: set[str] = set()

        def walk(n: ast.AST) -> None:
            if isinstance(n, (ast.BoolOp, ast.IfExp, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
                              ast.Lambda)):
                return
            if isinstance(n, ast.Name):
                if n.id.startswith("\x00var:"):
                    out.add(n.id[5:])
                elif n.id in self.vars:
                    out.add(self.vars[n.id])
            for c in ast.iter_child_nodes(n):
                walk(c)

        walk(node)
        return out

    def _overwrite(self, env: dict[str, str], updates: dict[str, str], value: ast.expr | None) -> None:
        """env.update(updates), except that a pending value that can fail and that the new value does not surely
        evaluate is kept under a throwaway variable: Python evaluated it, so its error must still happen."""
        surely = self._surely_read(value) if value is not None else set()
        for k, new in updates.items():
            old = env.get(k)
            if old is None or old == new or k in surely or not can_fail(old):
                continue
            env[self._throwaway()] = old
        env.update(updates)

    def _throwaway(self) -> str:
        used = self.s.names.used
        i = 1
        while f"pyawssfn_check_{i}" in used:
            i += 1
        used.add(f"pyawssfn_check_{i}")
        return f"pyawssfn_check_{i}"

    # ---------------------------------------------------------------- raise
    def st_Raise(self, st: ast.Raise) -> None:
        exc = st.exc
        name = describe_source(self._src(st))
        if exc is None:
            scope = next((c for c in reversed(self.stack) if isinstance(c, HandlerScope)), None)
            if scope is None:
                raise self.fail(st, "bare raise outside an except clause", "raise an exception instance")
            self.raise_dynamic(self._var_name(scope.var), name, st.lineno)
            return
        if isinstance(exc, ast.Name) and exc.id in self.exc_vars:
            self.raise_dynamic(ast.Name(id=exc.id, ctx=ast.Load()), name, st.lineno)
            return
        call = exc if isinstance(exc, ast.Call) else ast.Call(func=exc, args=[], keywords=[])
        if self.info.api(call.func) == "Fail":
            err = _arg(call, 0, "error")
            cause = _arg(call, 1, "cause")
            if err is None:
                raise self.fail(exc, "sfn.Fail needs an error name", "write sfn.Fail('MyError', 'what happened')")
            err_ast = self.prepare(err)
            cause_ast = self.prepare(cause) if cause is not None else ast.Constant(value="")
            self.raise_static("Fail", err_ast, cause_ast, name, st.lineno)
            return
        cls = _class_name(call.func)
        if cls is None or not self.info.is_exception_class(cls) or (
                isinstance(call.func, ast.Name) and call.func.id in self.vars):
            raise self.fail(exc, "only exception classes (and sfn.Fail) can be raised in a workflow",
                            "raise MyError('message') or sfn.Fail('Error', 'cause')")
        if call.keywords or len(call.args) > 1:
            raise self.fail(exc, "raise an exception with at most one argument (its message)",
                            "raise MyError('message')")
        if call.args:
            msg = self.prepare(call.args[0])
            if not (isinstance(msg, ast.Constant) and isinstance(msg.value, str)):
                msg = ast.Call(func=ast.Name(id="str", ctx=ast.Load()), args=[msg], keywords=[])
        else:
            msg = ast.Constant(value="")
        self.raise_static(cls, ast.Constant(value=cls), msg, name, st.lineno)

    def raise_static(self, cls: str, err: ast.expr, cause: ast.expr, name: str, line: int) -> None:
        for ctx in reversed(self.stack):
            if not isinstance(ctx, TryCtx):
                continue
            if ctx.phase == "body":
                ancestors = self.info.exception_ancestors(cls) if cls != "Fail" else ["Fail", "Exception",
                                                                                      "BaseException"]
                for h in ctx.handlers:
                    if not h.classes or any(c in ancestors for c in h.classes):
                        self._route(h.incoming, h.var, err, cause)
                        return
            if ctx.has_finally and ctx.phase in ("body", "handlers"):
                self._route(ctx.exc_exits, ctx.exc_var, err, cause)
                return
        self.emit_fail(err, cause, name, line)

    def _route(self, dest: list[Exit], var: str | None, err: ast.expr, cause: ast.expr) -> None:
        for ex in self.frontier:
            if var:
                ex.env[var] = '{"Error": ' + self.render(err, ex.env) + ', "Cause": ' + self.render(cause, ex.env) + "}"
        # the error object is evaluated under the cover of the raise (the state before it, when that state's Catch
        # sends an error where Python would), not in a state of its own where the handler starts
        self.settle()
        dest.extend(self.frontier)
        self.frontier = []

    def emit_fail(self, err: ast.expr, cause: ast.expr, name: str, line: int) -> None:
        n = Node("Fail", name, line)
        start_risky = len(self.frontier) == 1 and isinstance(self.frontier[0].holder, StartHolder) and \
            _risky(self.frontier[0].env)
        env = self.connect(n, start_ok=not start_risky)
        n.fields["Error"] = self.value_field(err, env)
        n.fields["Cause"] = self.value_field(cause, env)
        self.frontier = []

    def raise_dynamic(self, value: ast.expr, name: str, line: int) -> None:
        """Re-raise an error object ``{"Error", "Cause"}`` held in a variable: the handler is chosen by its name at
        run time."""
        rules: list[tuple[list[str], Any, bool]] = []  # (errors, destination, is an sfn.Fail handler)
        final: Any = None
        for ctx in reversed(self.stack):
            if not isinstance(ctx, TryCtx):
                continue
            if ctx.phase == "body":
                for h in ctx.handlers:
                    if "States.ALL" in h.errors:
                        final = ("handler", h)
                        break
                    rules.append((h.errors, ("handler", h), h.fail))
                if final:
                    break
            if ctx.has_finally and ctx.phase in ("body", "handlers"):
                final = ("finally", ctx)
                break
        if not rules and final is not None:
            self._route_dynamic(self.frontier, final, value)
            self.frontier = []
            return
        if not rules:
            err = self._syn_attr(value, "Error")
            cause = self._syn_attr(value, "Cause")
            self.emit_fail(err, cause, name, line)
            return
        choice = Node("Choice", name, line)
        env = self.connect(choice)
        src = self.render(value, env)
        for errors, dest, fail in rules:
            cond = f"{_p(src)}.Error in {json.dumps(errors)}"
            if fail:
                known = [e for e in self.known_errors() if e not in errors]
                cond = f"({cond}) or $not({_p(src)}.Error in {json.dumps(known)})" if errors else \
                    f"$not({_p(src)}.Error in {json.dumps(known)})"
            r = Rule(cond)
            choice.rules.append(r)
            self._route_dynamic([Exit(r, dict(env))], dest, value)
        d = Exit(DefaultOf(choice), dict(env))
        if final is not None:
            self._route_dynamic([d], final, value)
            self.frontier = []
        else:
            self.frontier = [d]
            self.emit_fail(self._syn_attr(value, "Error"), self._syn_attr(value, "Cause"), name, line)

    def _syn_attr(self, value: ast.expr, key: str) -> ast.expr:
        """A field of an error object {"Error", "Cause"} that the machine itself built (always present)."""
        return self._syn(lambda: f"{_p(self.render(value, self.cur_env))}.{key}")

    def _route_dynamic(self, exits: list[Exit], dest: tuple, value: ast.expr) -> None:
        kind, obj = dest
        var = obj.var if kind == "handler" else obj.exc_var
        target = obj.incoming if kind == "handler" else obj.exc_exits
        for ex in exits:
            if var:
                ex.env[var] = self.render(value, ex.env)
            target.append(ex)

    # ---------------------------------------------------------------- if / loops
    def st_If(self, st: ast.If) -> None:
        chain = [(st.test, st.body)]
        orelse = st.orelse
        covered = self.cover() is not None
        while len(orelse) == 1 and isinstance(orelse[0], ast.If) and not self._needs_states(orelse[0].test) \
                and not covered:
            chain.append((orelse[0].test, orelse[0].body))
            orelse = orelse[0].orelse
        tests = [self.prepare(chain[0][0])] + [self.prepare(t) for t, _ in chain[1:]]
        if covered and any(can_fail(self.condition(tests[0], ex.env)) for ex in self.frontier):
            # a Choice has no Catch: a test that can fail inside a try is evaluated by a state that has one
            tmp = self.fresh("test")
            for ex in self.frontier:
                ex.env[tmp] = self.condition(tests[0], ex.env)
            tests[0] = self._var_name(tmp)
        choice = Node("Choice", "if " + describe_source(self._src(st.test), 77), st.lineno)
        # Assignments still pending at the very start go on every path (a Choice's own Assign is not applied
        # when a rule with its own Assign matches).
        env = self.connect(choice)
        exits: list[Exit] = []
        for test, (_, body) in zip(tests, chain):
            r = Rule(self.condition(test, env))
            choice.rules.append(r)
            self.frontier = [Exit(r, dict(env))]
            self.lower_block(body)
            exits += self.frontier
        self.frontier = [Exit(DefaultOf(choice), dict(env))]
        self.lower_block(orelse)
        self.frontier = exits + self.frontier

    def _needs_states(self, node: ast.expr) -> bool:
        for n in ast.walk(node):
            if isinstance(n, ast.Call) and self._classify(n):
                return True
        return False

    def st_While(self, st: ast.While) -> None:
        self.materialize_start()
        self.settle()   # a state it adds must come before the loop head, not be the head
        mark = len(self.graph.nodes)
        test = self.prepare(st.test)
        choice = Node("Choice", "while " + describe_source(self._src(st.test), 74), st.lineno)
        self.connect(choice)
        head = self.graph.nodes[mark]
        r = Rule(self.condition(test, {}))
        choice.rules.append(r)
        self._loop_body(st, head, [Exit(r, {})], DefaultOf(choice))

    def _loop_body(self, st: ast.While | ast.For, head: Node, body_entry: list[Exit], default: DefaultOf) -> None:
        loop = LoopCtx()
        self.stack.append(loop)
        self.frontier = body_entry
        try:
            self.lower_block(st.body)
        finally:
            self.stack.pop()
        self.settle()
        for ex in self.frontier + loop.continues:
            self.flush(ex, head)
        self.frontier = [Exit(default, {})]
        self.lower_block(st.orelse)
        self.frontier += loop.breaks

    def st_Break(self, st: ast.Break) -> None:
        self._jump("break", st)

    def st_Continue(self, st: ast.Continue) -> None:
        self._jump("continue", st)

    def _jump(self, kind: str, st: ast.stmt) -> None:
        self.settle(change=True)
        for ctx in reversed(self.stack):
            if isinstance(ctx, TryCtx) and ctx.has_finally and ctx.phase in ("body", "handlers"):
                ctx.pending[kind].extend(self.frontier)
                self.frontier = []
                return
            if isinstance(ctx, LoopCtx):
                (ctx.breaks if kind == "break" else ctx.continues).extend(self.frontier)
                self.frontier = []
                return
        raise self.fail(st, f"{kind} outside a loop", "use it inside for or while")

    def st_For(self, st: ast.For) -> None:
        it = st.iter
        target = st.target
        self._check_target(target)
        i = self.fresh("i")
        # (variable, env -> JSONata) assigned once before the loop: Python evaluates the iterable once.
        init: list[tuple[str, Callable[[dict[str, str]], str]]] = []
        fname = it.func.id if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and \
            it.func.id not in self.vars else None
        meth = it.func.attr if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and not it.args \
            else None

        def expr(node: ast.expr) -> Callable[[dict[str, str]], str]:
            return lambda env: self.render(node, env)

        def iterable(node: ast.expr) -> Callable[[dict[str, str]], str]:
            return lambda env: _IterMarker(node).resolve(self, env)

        if fname == "range" and 1 <= len(it.args) <= 3 and not it.keywords:
            args = [self.prepare(a) for a in it.args]
            start, stop = (ast.Constant(value=0), args[0]) if len(args) == 1 else (args[0], args[1])
            step = args[2] if len(args) == 3 else ast.Constant(value=1)
            try:
                step_const = self.tr.literal_value(step)
            except NotConstant:
                step_const = None
            if step_const == 0 or not isinstance(step_const, (int, type(None))):
                raise self.fail(it, "range() step must be a non-zero integer", "use a non-zero step")
            stop_v, step_v = self.fresh("stop"), self.fresh("step")
            init += [(i, expr(start)), (stop_v, expr(stop))]
            if step_const is None:
                init.append((step_v, lambda env: (
                    f"($pyawssfn_s := {self.render(step, env)}; $pyawssfn_s = 0 ? "
                    f'$error("ValueError: range() arg 3 must not be zero") : $pyawssfn_s)')))
                cond = f"(${step_v} > 0 and ${i} < ${stop_v}) or (${step_v} < 0 and ${i} > ${stop_v})"
                advance = f"${i} + ${step_v}"
            else:
                cond = f"${i} < ${stop_v}" if step_const > 0 else f"${i} > ${stop_v}"
                advance = f"${i} + {step_const}"
            values = [(target, f"${i}")]
        else:
            seq = self.fresh("seq")
            cond = f"${i} < $count(${seq})"
            advance = f"${i} + 1"
            if fname == "enumerate" and 1 <= len(it.args) <= 2 and not it.keywords:
                init += [(i, lambda env: "0"), (seq, iterable(self.prepare(it.args[0])))]
                start = 0
                if len(it.args) == 2:
                    try:
                        start = self.tr.literal_value(it.args[1])
                    except NotConstant:
                        raise self.fail(it.args[1], "enumerate start must be a constant", "write enumerate(xs, 1)")
                idx = f"${i}" if not start else f"${i} + {json.dumps(start)}"
                values = self._pair_values(target, [idx, f"${seq}[${i}]"])
            elif fname == "zip" and len(it.args) >= 2 and not it.keywords:
                seqs = [self.fresh("seq") for _ in it.args]
                init.append((i, lambda env: "0"))
                for sv, a in zip(seqs, it.args):
                    init.append((sv, iterable(self.prepare(a))))
                cond = " and ".join(f"${i} < $count(${sv})" for sv in seqs)
                values = self._pair_values(target, [f"${sv}[${i}]" for sv in seqs])
            elif meth in ("items", "keys", "values"):
                d = self.fresh("dict")
                dict_ast = self.prepare(it.func.value)
                init += [(i, lambda env: "0"), (d, expr(dict_ast)),
                         (seq, lambda env: _keys_code(self.render(dict_ast, env)))]
                key = f"${seq}[${i}]"
                val = f"$lookup(${d}, {key})"
                if meth == "items":
                    values = self._pair_values(target, [key, val])
                else:
                    values = [(target, key if meth == "keys" else val)]
            else:
                init += [(i, lambda env: "0"), (seq, iterable(self.prepare(it)))]
                values = [(target, f"${seq}[${i}]")]
        for ex in self.frontier:
            upd = {var: fn(ex.env) for var, fn in init}
            ex.env.update(upd)
        self.materialize_start()
        choice = Node("Choice", "for " + describe_source(self._src(st.target) + " in " + self._src(it), 76),
                      st.lineno)
        self.connect(choice)
        r = Rule(cond)
        choice.rules.append(r)
        env: dict[str, str] = {}
        for t, code in values:
            self.bind_target(t, code, {}, env)
        env[i] = advance
        self._loop_body(st, choice, [Exit(r, env)], DefaultOf(choice))

    def _pair_values(self, target: ast.expr, codes: list[str]) -> list[tuple[ast.expr, str]]:
        if isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == len(codes):
            return list(zip(target.elts, codes))
        items = [self._syn(lambda c=c: c) for c in codes]
        whole = self.render(ast.List(elts=items, ctx=ast.Load()), {})
        return [(target, whole)]

    # ---------------------------------------------------------------- try
    def st_Try(self, st: ast.Try) -> None:
        handlers = []
        for h in st.handlers:
            classes, errors = self._handler_classes(h)
            var = None
            if h.name:
                var = self.vars[h.name]
                self.exc_vars.add(h.name)
            elif st.handlers:
                var = self.fresh("caught_error")
            handlers.append(Handler(errors, classes, var, h, fail="Fail" in classes and errors != ["States.ALL"]))
            self._check_expression_errors(st, h, errors)
        ctx = TryCtx(handlers, bool(st.finalbody))
        if st.finalbody:
            ctx.exc_var = self.fresh("exception")
            ctx.ret_var = self.fresh("return_value")
        # every change of cover settles the pending values computed under the previous one
        outside = self.cover()
        self.stack.append(ctx)
        inside = self.cover()
        self.stack.pop()
        self.settle(change=inside != outside)
        self.stack.append(ctx)
        try:
            self.lower_block(st.body)
            ctx.phase = "handlers"
            in_else = self.cover()
            ctx.phase = "body"
            self.settle(change=in_else != inside)
            ctx.phase = "handlers"
            self.lower_block(st.orelse)
            self.settle(change=in_else != outside)
            normal = self.frontier
            for h in handlers:
                self.frontier = h.incoming
                if self.frontier:
                    self.stack.append(HandlerScope(h.var))
                    try:
                        self.lower_block(h.node.body)
                        self.settle(change=in_else != outside)
                    finally:
                        self.stack.pop()
                    normal = normal + self.frontier
        finally:
            ctx.phase = "done"
            self.stack.pop()
        if not st.finalbody:
            self.frontier = normal
            return
        self.frontier = normal
        self.lower_block(st.finalbody)
        after = self.frontier
        for kind in ("return", "break", "continue"):
            if ctx.pending[kind]:
                self.frontier = ctx.pending[kind]
                self.lower_block(st.finalbody)
                if not self.frontier:
                    continue
                if kind == "return":
                    self.emit_return(self._var_name(ctx.ret_var), "return " + "(after finally)", st.lineno)
                else:
                    self._jump(kind, st)
        if ctx.exc_exits:
            self.frontier = ctx.exc_exits
            self.lower_block(st.finalbody)
            if self.frontier:
                self.raise_dynamic(self._var_name(ctx.exc_var), "re-raise after finally", st.lineno)
        self.frontier = after

    def _check_expression_errors(self, st: ast.Try, h: ast.ExceptHandler, errors: list[str]) -> None:
        """``except KeyError`` around ``d["k"]``: the workflow's own expressions fail the machine with
        States.QueryEvaluationError, which no Catch of a Choice or Pass state can see. Refuse instead of
        compiling a handler that would never run."""
        caught = set(errors) & _EXPRESSION_ERRORS
        if "States.ALL" in errors:
            self._check_uncatchable_body(st, h)
            return
        if not caught:
            return
        for stmt in st.body:
            for n in _own_nodes(stmt):
                risky = isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load) or \
                    isinstance(n, ast.BinOp) and (isinstance(n.op, (ast.Div, ast.FloorDiv, ast.Mod)) or
                                                  "TypeError" in caught) or \
                    isinstance(n, ast.AugAssign) and "TypeError" in caught or \
                    isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("int", "float")
                if risky:
                    self._report(n, f"except {sorted(caught)[0]} cannot catch an error of this workflow expression "
                                    "(the machine fails it with States.QueryEvaluationError)",
                                 "test first (if key in d, if n != 0), or compute it inside a step")
                    return

    def _check_uncatchable_body(self, st: ast.Try, h: ast.ExceptHandler) -> None:
        """``except Exception`` around a body without a step call: only Task, Parallel and Map states have a Catch,
        so an error of the body's own expressions (d["k"], a + 1, int(s)) would escape the machine, or fail a later
        state, while Python runs the handler. Refuse rather than compile a handler that cannot see it."""
        nodes = [n for stmt in st.body for n in _own_nodes(stmt)]
        if any(isinstance(n, ast.Call) and self._classify(n) is not None for n in nodes):
            return
        for n in nodes:
            risky = isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load) or \
                isinstance(n, (ast.BinOp, ast.AugAssign)) or \
                isinstance(n, ast.UnaryOp) and not isinstance(n.op, ast.Not) or \
                isinstance(n, ast.Compare) and any(isinstance(o, (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn))
                                                   for o in n.ops) or \
                isinstance(n, ast.Call) and not (self.info.api(n.func) == "Fail" or
                                                 self.info.is_exception_class(_class_name(n.func) or ""))
            if risky:
                self._report(n, "an except clause cannot catch an error of this workflow expression: the try body "
                                "has no step call, and only step calls can be caught on the machine",
                             "test first (if key in d, d.get(key), if n != 0), or compute it inside a step")
                return

    def _handler_classes(self, h: ast.ExceptHandler) -> tuple[list[str], list[str]]:
        if h.type is None:
            return [], ["States.ALL"]
        elts = self.info.handler_types(h.type)  # a module-level tuple of classes spelled out
        classes: list[str] = []
        errors: list[str] = []
        for e in elts:
            if self.info.api(e) == "Fail":
                classes.append("Fail")
                continue
            name = _class_name(e)
            if name is None:
                raise self.fail(e, "except needs exception classes", "write except ValueError or except (A, B)")
            if isinstance(e, ast.Name) and not self.info.is_exception_class(name) and name not in self.info.imported:
                raise self.fail(e, f"undefined exception class {name!r}", "define it in the module or import it")
            classes.append(name)
            if name in ("Exception", "BaseException"):
                return [], ["States.ALL"]
            for n in self.info.exception_family(name):
                if n not in errors:
                    errors.append(n)
        return classes, errors

    # ---------------------------------------------------------------- nested defs
    def st_FunctionDef(self, st: ast.FunctionDef) -> None:
        if st.decorator_list:
            raise self.fail(st, "nested functions cannot be decorated", "remove the decorator")
        self.nested_defs[st.name] = st
        for n in ast.walk(st):
            if isinstance(n, (ast.Nonlocal, ast.Global)):
                raise self.fail(n, f"{type(n).__name__.lower()} is not supported in a workflow",
                                "return the value from the branch instead")

    def st_Assert(self, st: ast.Assert) -> None:
        exc = ast.Call(func=ast.Name(id="AssertionError", ctx=ast.Load()), args=[st.msg] if st.msg else [],
                       keywords=[])
        stmt = ast.If(test=ast.UnaryOp(op=ast.Not(), operand=st.test),
                      body=[ast.Raise(exc=exc, cause=None)], orelse=[])
        ast.copy_location(stmt, st)
        for n in ast.walk(stmt):
            if not hasattr(n, "lineno"):
                ast.copy_location(n, st)
        self.st_If(stmt)

    # ---------------------------------------------------------------- expressions with calls
    def prepare(self, node: ast.expr | None) -> ast.expr:
        """Hoist the step calls (and author-API calls) of an expression into states; returns the expression that
        remains, with each call replaced by a name for its result."""
        if node is None:
            return ast.Constant(value=None)
        if not any(isinstance(n, _HOISTABLE) for n in ast.walk(node)):
            return node  # nothing the hoister would rewrite
        node = copy.deepcopy(node)
        return _Hoister(self).visit(node)

    def _classify(self, call: ast.Call) -> str | None:
        f = call.func
        api = self.info.api(f)
        if api is not None:
            if api in PREDICATES:
                return None
            return "api:" + api
        if isinstance(f, ast.Name) and f.id not in self.vars:
            if f.id in self.info.steps:
                return "step"
            if f.id in self.info.workflows:
                return "workflow"
        return None

    def lower_call(self, call: ast.Call, kind: str, want_result: bool = True) -> str | None:
        """Emit the states of a step/API call; returns the variable holding its result."""
        var = self.fresh(_result_hint(call)) if want_result else None
        if kind == "step":
            self._task_step(call, self.info.steps[call.func.id], var)
        elif kind == "workflow":
            self._task_child(call, var)
        elif kind == "api:parallel":
            self._parallel(call, var)
        elif kind == "api:map":
            self._map_api(call, var)
        elif kind in ("api:sleep", "api:sleep_until"):
            self._wait(call, kind == "api:sleep")
            if var:
                for ex in self.frontier:
                    ex.env[var] = "null"
        elif kind == "api:wait_for_callback":
            self._callback(call, var)
        elif kind == "api:with_retry_spec":
            self._with_retry_spec(call, var)
        elif kind.startswith("api:aws."):
            self._sdk(call, kind[len("api:aws."):], var)
        elif kind == "api:Fail":
            raise self.fail(call, "sfn.Fail(...) can only be raised", "write raise sfn.Fail('Error', 'cause')")
        else:
            raise self.fail(call, f"sfn.{kind[4:]} cannot be called inside a workflow",
                            "use it where the language reference allows it")
        return var

    def _result_into(self, node: Node, pre_env: dict[str, str], var: str | None, result: str) -> None:
        self.catchers(node, pre_env)
        env = dict(pre_env)
        if var:
            env[var] = result
        self.frontier = [Exit(node, env)]

    def _lambda_task(self, name: str, line: int, step: StepInfo, retry: list[RetrySpec] | None,
                     callback: bool = False) -> Node:
        n = Node("Task", name, line)
        n.fields["Resource"] = LAMBDA_CALLBACK if callback else LAMBDA_INVOKE
        if step.timeout is not None:
            n.fields["TimeoutSeconds"] = step.timeout
        if step.heartbeat is not None:
            n.fields["HeartbeatSeconds"] = step.heartbeat
        n.retry = self._retriers(step, step.retry if retry is None else retry)
        self.s.steps.add(step.name)
        return n

    def _retriers(self, step: StepInfo, retry: list[RetrySpec]) -> list[dict]:
        out = []
        if step.transient_retry and self.s.options.transient_retry:
            out.append({"ErrorEquals": list(TRANSIENT_ERRORS), "IntervalSeconds": 1, "MaxAttempts": 3,
                        "BackoffRate": 2.0})
        out += [r.to_asl() for r in retry]
        return out

    def _function_arn(self) -> str:
        return self.s.options.function_arn or "${FunctionArn}"

    def _task_step(self, call: ast.Call, step: StepInfo, var: str | None, retry: list[RetrySpec] | None = None,
                   args: list[ast.expr] | None = None) -> None:
        bound = self.bind(call, step.node.args, step.name, args=args)
        n = self._lambda_task(step.name, call.lineno, step, retry)
        env = self.connect(n)
        kwargs = {p: self.value_field(v, env) for p, v in bound.items()}
        n.fields["Arguments"] = {"FunctionName": self._function_arn(),
                                 "Payload": {"step": step.name, "kwargs": kwargs}}
        self._move_retry_last(n)
        self._result_into(n, env, var, "$states.result.Payload")

    def _move_retry_last(self, n: Node) -> None:
        # Field order in the output: Resource, Arguments, then timeouts and retriers.
        for k in ("TimeoutSeconds", "HeartbeatSeconds"):
            if k in n.fields:
                n.fields[k] = n.fields.pop(k)

    def _with_retry_spec(self, call: ast.Call, var: str | None) -> None:
        if len(call.args) < 2 or not isinstance(call.args[0], ast.Name) or call.args[0].id not in self.info.steps:
            raise self.fail(call, "sfn.with_retry_spec needs a step and a tuple of arguments",
                            "write sfn.with_retry_spec(step, (a, b), (['States.ALL'], 1, 3, 2.0))")
        step = self.info.steps[call.args[0].id]
        targs = call.args[1]
        if not isinstance(targs, (ast.Tuple, ast.List)):
            raise self.fail(targs, "the arguments of sfn.with_retry_spec must be written as a tuple",
                            "write (a, b)")
        specs: list[RetrySpec] = []
        for sp in call.args[2:]:
            try:
                errors, interval, attempts, backoff = ast.literal_eval(sp)
            except (ValueError, TypeError, SyntaxError):
                raise self.fail(sp, "a retry spec must be a literal (errors, interval, max_attempts, backoff)",
                                "write (['States.ALL'], 1, 3, 2.0)")
            specs.append(RetrySpec([str(e) for e in errors], interval, attempts, backoff))
        fake = ast.Call(func=call.args[0], args=list(targs.elts), keywords=[])
        ast.copy_location(fake, call)
        self._task_step(fake, step, var, retry=specs)

    def _callback(self, call: ast.Call, var: str | None) -> None:
        if not call.args or not isinstance(call.args[0], ast.Name) or call.args[0].id not in self.info.steps:
            raise self.fail(call, "sfn.wait_for_callback needs a step of this module first",
                            "write sfn.wait_for_callback(step, arg, timeout=3600)")
        step = self.info.steps[call.args[0].id]
        opts = {kw.arg: kw.value for kw in call.keywords if kw.arg in ("timeout", "heartbeat")}
        fake = ast.Call(func=call.args[0], args=call.args[1:],
                        keywords=[kw for kw in call.keywords if kw.arg not in ("timeout", "heartbeat")])
        ast.copy_location(fake, call)
        bound = self.bind(fake, step.node.args, step.name, skip_first=True)
        n = self._lambda_task(step.name, call.lineno, step, None, callback=True)
        for key, field_name in (("timeout", "TimeoutSeconds"), ("heartbeat", "HeartbeatSeconds")):
            if key in opts:
                try:
                    v = self.info.static_value(opts[key], self.tr.literal_value)
                except NotConstant:
                    raise self.fail(opts[key], f"{key}= must be a number literal", f"write {key}=3600")
                if v is not None:
                    n.fields[field_name] = v
        env = self.connect(n)
        kwargs = {p: self.value_field(v, env) for p, v in bound.items()}
        n.fields["Arguments"] = {"FunctionName": self._function_arn(),
                                 "Payload": {"step": step.name, "kwargs": kwargs,
                                             "task_token": "{% $states.context.Task.Token %}"}}
        self._move_retry_last(n)
        self._result_into(n, env, var, "$states.result")

    def _task_child(self, call: ast.Call, var: str | None) -> None:
        name = call.func.id
        wf = self.info.workflows[name]
        if self._reaches(name, self.s.workflow, set()):
            raise self.fail(call, f"recursive workflow call {name}() (a workflow cannot start itself, directly or "
                                  "through others)", "rewrite the recursion as a loop")
        bound = self.bind(call, wf.args, name)
        n = Node("Task", name, call.lineno)
        n.fields["Resource"] = START_EXECUTION
        env = self.connect(n)
        n.fields["Arguments"] = {"StateMachineArn": "${StateMachineArn_" + name + "}",
                                 "Input": {p: self.value_field(v, env) for p, v in bound.items()}}
        self.s.children.add(name)
        # A failed child fails this Task with States.TaskFailed and the child's DescribeExecution as cause: raise
        # the child's own error and cause instead, as the Python call does.
        unwrap = ('($c := $states.errorOutput.Cause; $p := ($type($c) = "string" and $substring($c, 0, 1) = "{" ? '
                  '$parse($c) : {}); $type($p.Error) = "string" ? {"Error": $p.Error, "Cause": ($type($p.Cause) = '
                  '"string" ? $p.Cause : "")} : {"Error": $states.errorOutput.Error, "Cause": ($exists($c) ? $c : "")})')
        self._redispatch(n, ["States.TaskFailed"], env, unwrap)
        self._result_into(n, env, var, "$states.result.Output")

    def _reaches(self, start: str, goal: str, seen: set[str]) -> bool:
        if start == goal:
            return True
        if start in seen:
            return False
        seen.add(start)
        fn = self.info.workflows.get(start)
        if fn is None:
            return False
        for n in ast.walk(fn):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in self.info.workflows:
                if self._reaches(n.func.id, goal, seen):
                    return True
        return False

    def _sdk(self, call: ast.Call, path: str, var: str | None) -> None:
        parts = path.split(".")
        if len(parts) != 2:
            raise self.fail(call, "AWS SDK calls are written sfn.aws.<service>.<operation>(Param=value)",
                            "write e.g. sfn.aws.s3.get_object(Bucket=b, Key=k)")
        if call.args or any(kw.arg is None for kw in call.keywords):
            raise self.fail(call, "AWS SDK call parameters must be passed by keyword",
                            "write sfn.aws.s3.get_object(Bucket=b, Key=k)")
        try:
            from pyawssfn.compiler.aws_models import SdkCallError, resolve_sdk_call
        except ImportError:
            raise self.fail(call, "AWS SDK calls are not available in this installation", "call AWS inside a step")
        try:
            sdk = resolve_sdk_call(parts[0], parts[1], [kw.arg for kw in call.keywords])
        except SdkCallError as exc:
            raise self.fail(call, str(getattr(exc, "message", exc)), getattr(exc, "hint", "") or
                            "check the service and operation names")
        values = [(kw.arg, self.prepare(kw.value)) for kw in call.keywords]
        n = Node("Task", f"{parts[0]}.{parts[1]}", call.lineno)
        n.fields["Resource"] = sdk.resource
        env = self.connect(n)
        # Step Functions' SDK integration takes the API's members in PascalCase (stateMachineArn -> StateMachineArn).
        n.fields["Arguments"] = {sdk.arguments[k]: self.value_field(v, env) for k, v in values}
        self.s.sdk_actions.add(sdk.iam_action)
        self._result_into(n, env, var, "$states.result")

    def _wait(self, call: ast.Call, seconds: bool) -> None:
        arg = _arg(call, 0, "seconds" if seconds else "timestamp")
        if arg is None or len(call.args) + len(call.keywords) != 1:
            raise self.fail(call, "sfn.sleep takes one argument" if seconds else "sfn.sleep_until takes one argument",
                            "write sfn.sleep(30)" if seconds else "write sfn.sleep_until('2026-01-01T00:00:00Z')")
        value = self.prepare(arg)
        if seconds:
            try:
                v = self.tr.literal_value(value)
            except NotConstant:
                v = None
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
                raise self.fail(arg, "a Wait takes a whole number of seconds >= 0", "write e.g. sfn.sleep(30)")
        n = Node("Wait", describe_source(self._src(call)), call.lineno)
        env = self.connect(n)
        n.fields["Seconds" if seconds else "Timestamp"] = self.value_field(value, env)
        self.frontier = [Exit(n, env)]

    def _parallel(self, call: ast.Call, var: str | None) -> None:
        if call.keywords or not call.args:
            raise self.fail(call, "sfn.parallel takes the branch functions only", "write sfn.parallel(f, g)")
        visible = dict(self.outer)
        visible.update(self.vars)
        graphs = []
        labels = []
        for a in call.args:
            if isinstance(a, ast.Name) and a.id in self.nested_defs:
                fn: Any = self.nested_defs[a.id]
                labels.append(a.id)
            elif isinstance(a, ast.Lambda):
                fn = a
                labels.append("lambda")
            else:
                raise self.fail(a, "sfn.parallel branches must be nested functions or lambdas of the workflow",
                                "define def branch(): ... in the workflow and pass branch")
            self._check_branch(fn, visible)
            self._check_branch_assignments(fn, a, visible, call.lineno)
            g = Graph()
            sub = FunctionLowerer(self.s, fn, g, top=False, outer=visible, outer_types=self.types)
            sub.lower_function()
            graphs.append(g)
        n = Node("Parallel", describe_source("parallel " + ", ".join(labels)), call.lineno, branches=graphs)
        env = self.connect(n, start_ok=False)
        self._result_into(n, env, var, "$states.result")

    def _check_branch_assignments(self, fn: Any, ref: ast.AST, visible: dict[str, str], line: int) -> None:
        """A branch assigning a workflow variable that the workflow reads afterwards (before assigning it again):
        the author most likely expects the branch's value there, which neither Python nor the machine gives."""
        if not isinstance(fn, ast.FunctionDef) or any(isinstance(n, (ast.Nonlocal, ast.Global)) for n in ast.walk(fn)):
            return  # nonlocal/global are refused on their own
        own: list[str] = []
        for st in fn.body:
            own += [n for n in _assigned_names(st) if n not in own]
        for name in own:
            if name in visible and self._read_after(name, line, fn):
                self._report(ref, f"parallel branch {fn.name}() assigns {name!r}, which the workflow reads after "
                                  "sfn.parallel: a branch cannot change the workflow's variables",
                             f"return the value from the branch and use the result of sfn.parallel, or rename "
                             f"the branch's variable")

    def _read_after(self, name: str, line: int, skip: ast.AST) -> bool:
        """Whether the workflow reads ``name`` after ``line`` before a top-level statement assigns it anew."""
        # The blocks that contain the call, innermost last: an assignment after the call in any of them is on
        # every path from the call onwards.
        kills: list[int] = []

        def scan(stmts: list[ast.stmt]) -> None:
            for st in stmts:
                if st.lineno > line and isinstance(st, ast.Assign) and \
                        any(isinstance(t, ast.Name) and t.id == name for t in st.targets) and \
                        not any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(st.value)):
                    kills.append(st.lineno)
                if st.lineno <= line <= (st.end_lineno or st.lineno):
                    for field_name in ("body", "orelse", "finalbody"):
                        inner = getattr(st, field_name, None)
                        if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                            scan(inner)
                    for h in getattr(st, "handlers", []) or []:
                        scan(h.body)

        scan(self.fn.body if isinstance(self.fn, ast.FunctionDef) else [])
        first_kill = min(kills) if kills else None
        skipped = {id(n) for n in ast.walk(skip)}
        for n in ast.walk(self.fn):
            if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) and n.lineno > line \
                    and id(n) not in skipped and (first_kill is None or n.lineno < first_kill):
                return True
            if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name) and n.target.id == name and \
                    n.lineno > line and (first_kill is None or n.lineno < first_kill):
                return True
        return False

    def _check_branch(self, fn: Any, visible: dict[str, str]) -> None:
        own = set()
        if isinstance(fn, ast.FunctionDef):
            for st in fn.body:
                own.update(_assigned_names(st))
        body = fn.body if isinstance(fn, ast.FunctionDef) else [fn.body]
        for st in body:
            for n in ast.walk(st):
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and \
                        isinstance(n.func.value, ast.Name) and n.func.value.id in visible and \
                        n.func.value.id not in own and n.func.attr in ("append", "extend", "update", "insert", "pop",
                                                                       "remove", "clear", "sort", "reverse",
                                                                       "setdefault", "popitem"):
                    self._report(n, f"mutation of outer variable {n.func.value.id!r} inside a parallel branch",
                                 "return the value from the branch and combine the results after sfn.parallel")

    def _map_api(self, call: ast.Call, var: str | None) -> None:
        step_arg = _arg(call, 0, "step")
        items = _arg(call, 1, "items")
        if not isinstance(step_arg, ast.Name) or step_arg.id not in self.info.steps or items is None:
            raise self.fail(call, "sfn.map needs a step of this module and a list of items",
                            "write sfn.map(step, items, max_concurrency=10)")
        step = self.info.steps[step_arg.id]
        opts = {kw.arg: kw.value for kw in call.keywords if kw.arg not in ("step", "items")}
        for i, extra in enumerate(call.args[2:]):
            opts[["max_concurrency", "tolerated_failures", "tolerated_failure_percentage", "distributed"][i]] = extra
        consts: dict[str, Any] = {}
        for k, v in opts.items():
            if k not in ("max_concurrency", "tolerated_failures", "tolerated_failure_percentage", "distributed"):
                raise self.fail(v, f"unknown sfn.map option {k!r}",
                                "use max_concurrency=, tolerated_failures=, tolerated_failure_percentage=, distributed=")
            try:
                consts[k] = self.info.static_value(v, self.tr.literal_value)
            except NotConstant:
                if k != "max_concurrency":
                    raise self.fail(v, f"sfn.map {k}= must be a literal or a module-level constant", f"write {k}=10")
                consts[k] = self.prepare(v)  # MaxConcurrency takes a JSONata expression (_emit_map)
        if not consts.get("distributed") and (consts.get("tolerated_failures") is not None or
                                              consts.get("tolerated_failure_percentage") is not None):
            raise self.fail(call, "tolerated failures need a distributed Map (an inline Map fails with its first "
                                  "failed item)", "pass distributed=True, or catch the error inside the step")
        params = step.node.args.posonlyargs + step.node.args.args
        if not params:
            raise self.fail(call, f"step {step.name!r} takes no parameter to receive the item",
                            "give the step one parameter")
        items_ast = self.prepare(items)
        item = self._syn(lambda: "$states.context.Map.Item.Value")
        raw = items_ast
        items_ast = self._syn(lambda: (
            f"($pyawssfn_it := {self.render(raw, self.cur_env)}; $type($pyawssfn_it) = \"array\" ? $pyawssfn_it : "
            f'$error("sfn.map needs a list of items"))'))
        items_ast.direct = True  # already the list: no Python-iteration conversion
        fake = ast.Call(func=step_arg, args=[item], keywords=[])
        ast.copy_location(fake, call)
        self._emit_map(call, step, fake, items_ast, None, None, consts, var, describe_source(self._src(call)))

    def map_comprehension(self, comp: ast.ListComp) -> str | None:
        """``[step(...) for x in xs if cond]`` as a Map state, or None when the comprehension is not of that form."""
        if len(comp.generators) != 1:
            return None
        gen = comp.generators[0]
        elt = comp.elt
        if gen.is_async or not isinstance(gen.target, ast.Name) or not isinstance(elt, ast.Call) or \
                self._classify(elt) != "step":
            return None
        for sub in [*elt.args, *(k.value for k in elt.keywords), *gen.ifs]:
            for n in ast.walk(sub):
                if isinstance(n, ast.Call) and self._classify(n):
                    return None
        step = self.info.steps[elt.func.id]
        seq_ast = self.prepare(gen.iter)
        var = self.fresh(step.name + "_results")
        self._emit_map(comp, step, elt, seq_ast, gen.target.id, gen.ifs, {}, var,
                       describe_source(self._src(comp)))
        return var

    def _emit_map(self, src: ast.AST, step: StepInfo, call: ast.Call, seq_ast: ast.expr, loop_var: str | None,
                  ifs: list[ast.expr] | None, consts: dict[str, Any], var: str | None, name: str) -> None:
        n = Node("Map", name, src.lineno)
        env = self.connect(n)
        seq = _IterMarker(seq_ast).resolve(self, env)
        if ifs:
            j = "$pyawssfn_j"
            elem = f"{_p(seq)}[{j}]"
            cond = " and ".join(f"({self._comp_condition(c, loop_var, elem, env)})" for c in ifs)
            n.fields["Items"] = f"{{% [$filter([0..$count({seq}) - 1], function({j}) {{ {cond} }})] %}}"
            item_code = f"{_p(seq)}[$states.context.Map.Item.Value]"
        else:
            n.fields["Items"] = "{% " + seq + " %}"
            item_code = "$states.context.Map.Item.Value"
        saved = self.vars.get(loop_var) if loop_var else None
        if loop_var:
            self.vars[loop_var] = "\x00item"
        ienv = dict(env)
        ienv["\x00item"] = item_code
        try:
            bound = self.bind(call, step.node.args, step.name)
            selector = {p: self.value_field(v, ienv) for p, v in bound.items()}
        finally:
            if loop_var:
                if saved is None:
                    del self.vars[loop_var]
                else:
                    self.vars[loop_var] = saved
        n.fields["ItemSelector"] = selector
        inner = self._lambda_task(step.name + " (item)", src.lineno, step, None)
        inner.fields["Arguments"] = {"FunctionName": self._function_arn(),
                                     "Payload": {"step": step.name, "kwargs": "{% $states.input %}"}}
        self._move_retry_last(inner)
        inner.output = "$states.result.Payload"
        inner.end = True
        n.processor = Graph([inner], inner)
        if consts.get("distributed"):
            n.processor_config = {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}
        else:
            n.processor_config = {"Mode": "INLINE"}
        if isinstance(consts.get("max_concurrency"), ast.AST):
            n.fields["MaxConcurrency"] = "{% " + max_concurrency(self.render(consts["max_concurrency"], env)) + " %}"
        elif consts.get("max_concurrency"):
            n.fields["MaxConcurrency"] = consts["max_concurrency"]
        if consts.get("tolerated_failures") is not None:
            n.fields["ToleratedFailureCount"] = consts["tolerated_failures"]
        if consts.get("tolerated_failure_percentage") is not None:
            n.fields["ToleratedFailurePercentage"] = consts["tolerated_failure_percentage"]
        result = "$states.result"
        if "ToleratedFailureCount" in n.fields or "ToleratedFailurePercentage" in n.fields:
            # A failed item's result is its error output: give it the step's message as Cause, as sfn.map does.
            fix = ('($type($r) = "object" and $count($keys($r)) = 2 and $exists($r.Error) and $exists($r.Cause) ? '
                   '{"Error": $r.Error, "Cause": ' + message_of("$r") + '} : $r)')
            result = ('$reduce($states.result, function($acc, $r) { ($v := ' + fix +
                      '; $append($acc, $type($v) = "array" ? [[$v]] : [$v])) }, [])')
        self._result_into(n, env, var, result)

    def _comp_condition(self, cond: ast.expr, loop_var: str, elem: str, env: dict[str, str]) -> str:
        saved = self.vars.get(loop_var)
        self.vars[loop_var] = "\x00elem"
        try:
            e = dict(env)
            e["\x00elem"] = elem
            return self.condition(self.prepare(cond), e)
        finally:
            if saved is None:
                del self.vars[loop_var]
            else:
                self.vars[loop_var] = saved

    # ---------------------------------------------------------------- binding call arguments
    def bind(self, call: ast.Call, sig: ast.arguments, fname: str, skip_first: bool = False,
             args: list[ast.expr] | None = None) -> dict[str, ast.expr]:
        """Bind a call's arguments to a signature at compile time: {parameter: expression}, omitting defaults."""
        positional = list(sig.posonlyargs) + list(sig.args)
        if skip_first:
            if not positional:
                raise self.fail(call, f"{fname}() must take the task token as its first parameter",
                                f"write def {fname}(token, ...)")
            positional = positional[1:]
        posonly = {p.arg for p in sig.posonlyargs}
        kwonly = list(sig.kwonlyargs)
        n_defaults = len(sig.defaults)
        first_default = len(positional) - n_defaults if not skip_first else len(positional) - n_defaults
        out: dict[str, ast.expr] = {}
        extra_pos: list[ast.expr] = []
        call_args: list[ast.expr] = []
        for a in (args if args is not None else call.args):
            if isinstance(a, ast.Starred):
                if isinstance(a.value, (ast.List, ast.Tuple)):
                    call_args.extend(a.value.elts)
                    continue
                raise self.fail(a, f"*args in the call of {fname}() cannot be bound at compile time",
                                "pass the arguments one by one")
            call_args.append(a)
        for i, a in enumerate(call_args):
            if i < len(positional):
                out[positional[i].arg] = self.prepare(a)
            elif sig.vararg:
                extra_pos.append(self.prepare(a))
            else:
                raise self.fail(a, f"{fname}() takes {len(positional)} positional argument"
                                   f"{'s' if len(positional) != 1 else ''} but more were given",
                                "remove the extra arguments")
        extra_kw: list[tuple[str, ast.expr]] = []
        names = {p.arg for p in positional if p.arg not in posonly} | {p.arg for p in kwonly}
        keywords = []
        for kw in call.keywords:
            if kw.arg is None:
                if isinstance(kw.value, ast.Dict) and all(isinstance(k, ast.Constant) and isinstance(k.value, str)
                                                          for k in kw.value.keys):
                    keywords += [(k.value, v, kw) for k, v in zip(kw.value.keys, kw.value.values)]
                    continue
                raise self.fail(kw.value, f"**kwargs in the call of {fname}() cannot be bound at compile time",
                                "pass the arguments by name one by one")
            keywords.append((kw.arg, kw.value, kw))
        for k, v, kw in keywords:
            if k in out:
                raise self.fail(kw, f"{fname}() got multiple values for argument {k!r}", "pass it once")
            if k in names:
                out[k] = self.prepare(v)
            elif sig.kwarg:
                extra_kw.append((k, self.prepare(v)))
            else:
                raise self.fail(kw, f"{fname}() got an unexpected keyword argument {k!r}",
                                "use one of its parameters: " + (", ".join(sorted(names)) or "none"))
        for i, p in enumerate(positional):
            if p.arg not in out and i < first_default:
                raise self.fail(call, f"{fname}() missing required argument {p.arg!r}", f"pass {p.arg}")
        for p, d in zip(kwonly, sig.kw_defaults):
            if p.arg not in out and d is None:
                raise self.fail(call, f"{fname}() missing required keyword argument {p.arg!r}", f"pass {p.arg}=...")
        ordered: dict[str, ast.expr] = {}
        for p in positional + kwonly:
            if p.arg in out:
                ordered[p.arg] = out[p.arg]
        if sig.vararg and extra_pos:
            ordered[sig.vararg.arg] = ast.List(elts=extra_pos, ctx=ast.Load())
        if sig.kwarg and extra_kw:
            ordered[sig.kwarg.arg] = ast.Dict(keys=[ast.Constant(value=k) for k, _ in extra_kw],
                                              values=[v for _, v in extra_kw])
        return ordered

    def _src(self, node: ast.AST) -> str:
        """The source text of a node (ast.get_source_segment re-splits the whole file on every call)."""
        lines = self.info.source_lines()
        try:
            l0, l1 = node.lineno - 1, node.end_lineno - 1
            c0, c1 = node.col_offset, node.end_col_offset
            if l0 == l1:
                return lines[l0][c0:c1].decode("utf-8")
            parts = [lines[l0][c0:]] + lines[l0 + 1:l1] + [lines[l1][:c1]]
            return b"".join(parts).decode("utf-8")
        except (AttributeError, TypeError, IndexError, UnicodeDecodeError):
            return ast.unparse(node)


class _IterMarker:
    """An iterable expression whose JSONata is rendered late, in the env of each exit."""

    def __init__(self, node: ast.expr):
        self.node = node

    def resolve(self, lw: FunctionLowerer, env: dict[str, str]) -> str:
        node = self.node
        if getattr(node, "direct", False):
            return lw.render(node, env)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range" and \
                1 <= len(node.args) <= 2 and not node.keywords and node.func.id not in lw.vars:
            a = [lw.render(x, env) for x in node.args]
            lo, hi = ("0", a[0]) if len(a) == 1 else (a[0], a[1])
            return f"({_p(lo)} < {_p(hi)} ? [{lo}..{_p(hi)} - 1] : [])"
        if isinstance(node, (ast.List, ast.Tuple)):
            return lw.render(node, env)
        code = lw.render(node, env)
        v = "$pyawssfn_it"
        return (f'({v} := {code}; $type({v}) = "array" ? {v} : $type({v}) = "object" ? [$keys({v})] : '
                f'$type({v}) = "string" ? $split({v}, "") : $error("TypeError: object is not iterable"))')


def _known_name(lw: FunctionLowerer, name: str) -> bool:
    info = lw.info
    return (name in lw.vars or name in lw.outer or name in lw.nested_defs or name in info.steps
            or name in info.workflows or name in info.imported or name in info.module_names
            or name in info.constants or name in info.api_aliases or name in info.sfn_modules
            or name in info.exceptions or name in info.other_classes or name in lw.synthetic)


# Marks the lambda of sorted(..., key=lambda x: ...), the one place a lambda is an expression of its own.
_SORT_KEY = "pyawssfn_sort_key"


class _Hoister(ast.NodeTransformer):
    """Replaces the calls that need states by names for their results, lowering them in evaluation order."""

    def __init__(self, lw: FunctionLowerer):
        self.lw = lw
        self.conditional = 0

    def _cond(self, node: ast.AST) -> ast.AST:
        self.conditional += 1
        try:
            return self.visit(node)
        finally:
            self.conditional -= 1

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        node.values = [self.visit(node.values[0])] + [self._cond(v) for v in node.values[1:]]
        return node

    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        node.test = self.visit(node.test)
        node.body = self._cond(node.body)
        node.orelse = self._cond(node.orelse)
        return node

    def visit_ListComp(self, node: ast.ListComp) -> ast.AST:
        if not self.conditional:
            var = self.lw.map_comprehension(node)
            if var is not None:
                return self.lw._var_name(var)
        return self._comprehension(node)

    def _comprehension(self, node: ast.AST) -> ast.AST:
        self.conditional += 1
        try:
            return self.generic_visit(node)
        finally:
            self.conditional -= 1

    visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        if getattr(node, _SORT_KEY, False):
            # sorted(xs, key=lambda r: ...): the expression compiler inlines the pure body; a step call cannot run
            # once per comparison.
            for n in ast.walk(node.body):
                if isinstance(n, ast.Call) and self.lw._classify(n) is not None:
                    self.lw._report(n, "a step call cannot run inside a sort key",
                                    "compute the keys first, e.g. with a list comprehension")
                    raise Abort()
            return node
        self.lw._report(node, "a lambda can only be passed to sfn.parallel",
                        "pass the lambda to sfn.parallel, or write the expression in place")
        raise Abort()

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        lw = self.lw
        # e.error / e.cause / type(e).__name__ on a caught exception
        if isinstance(node.value, ast.Name) and node.value.id in lw.exc_vars and node.attr in ("error", "cause"):
            return ast.Subscript(value=node.value, slice=ast.Constant(value=node.attr.capitalize()), ctx=ast.Load())
        if node.attr == "__name__" and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name) \
                and node.value.func.id == "type" and len(node.value.args) == 1 and \
                isinstance(node.value.args[0], ast.Name) and node.value.args[0].id in lw.exc_vars:
            return ast.Subscript(value=node.value.args[0], slice=ast.Constant(value="Error"), ctx=ast.Load())
        return self.generic_visit(node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        # f"{e}" of a caught exception is str(e), its message
        if isinstance(node.value, ast.Name) and node.value.id in self.lw.exc_vars and node.conversion in (-1, 115):
            node.value = ast.Subscript(value=node.value, slice=ast.Constant(value="Cause"), ctx=ast.Load())
            node.conversion = -1
            return node
        return self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        lw = self.lw
        f = node.func
        if isinstance(f, ast.Name) and f.id in ("sorted", "min", "max") and f.id not in lw.vars:
            for kw in node.keywords:
                if kw.arg == "key" and isinstance(kw.value, ast.Lambda):
                    setattr(kw.value, _SORT_KEY, True)
        # str(e) on a caught exception is its message
        if isinstance(f, ast.Name) and f.id == "str" and len(node.args) == 1 and isinstance(node.args[0], ast.Name) \
                and node.args[0].id in lw.exc_vars and f.id not in lw.vars:
            return ast.Subscript(value=node.args[0], slice=ast.Constant(value="Cause"), ctx=ast.Load())
        api = lw.info.api(f)
        if api in PREDICATES:
            return self._predicate(node, api)
        kind = lw._classify(node)
        if kind in ("api:parallel", "api:map", "api:with_retry_spec", "api:wait_for_callback"):
            # their function arguments are not calls of ours: leave them to the lowering
            if self.conditional:
                raise self._conditional(node)
            var = lw.lower_call(node, kind)
            return lw._var_name(var)
        if kind:
            node = self.generic_visit(node)
            if self.conditional:
                raise self._conditional(node)
            var = lw.lower_call(node, kind)
            return lw._var_name(var)
        if isinstance(f, ast.Name) and f.id not in lw.vars:
            if f.id in _BAD_CALLS and f.id != "type":
                lw._report(node, f"{f.id}() cannot run in a workflow", "call it inside a step function")
                raise Abort()
            if f.id in lw.info.imported:
                lw._report(node, f"call of imported function {f.id}() in a workflow",
                           "call it inside a step function")
                raise Abort()
            if f.id in lw.nested_defs:
                lw._report(node, f"nested function {f.id}() can only be run through sfn.parallel",
                           f"write sfn.parallel({f.id}) or move its code into the workflow body")
                raise Abort()
            if f.id in lw.info.exceptions or f.id in lw.info.other_classes:
                lw._report(node, f"class {f.id} cannot be instantiated in a workflow",
                           "raise exceptions with raise; build data with dicts")
                raise Abort()
            if not hasattr(builtins, f.id) and not _known_name(lw, f.id):
                close = difflib.get_close_matches(f.id, sorted(set(lw.info.steps) | set(lw.info.workflows)), n=1)
                lw._report(f, f"undefined name {f.id!r}", f"did you mean {close[0]}?" if close else
                           "define it as a step function in this module")
                raise Abort()
        if isinstance(f, ast.Attribute):
            base = f
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id not in lw.vars and (
                    base.id in lw.info.imported or base.id in lw.info.sfn_modules):
                lw._report(node, f"call of {ast.unparse(f)}() (a function of an imported module) in a workflow",
                           "call it inside a step function")
                raise Abort()
        if isinstance(f, ast.Lambda):
            lw._report(node, "calling a lambda in a workflow is not supported", "write the expression directly")
            raise Abort()
        return self.generic_visit(node)

    def _conditional(self, node: ast.Call) -> Abort:
        self.lw._report(node, "a step call inside a condition, a conditional expression, a comprehension or a "
                              "lambda cannot be compiled (it would run unconditionally)",
                        "call the step in a statement of its own, inside an if statement")
        return Abort()

    def _predicate(self, node: ast.Call, name: str) -> ast.AST:
        lw = self.lw
        n = predicates.arity(name)
        if len(node.args) != n or node.keywords:
            lw._report(node, f"sfn.{name} takes {n} argument{'s' if n > 1 else ''}", f"write sfn.{name}(...)")
            raise Abort()
        args = [self.visit(a) for a in node.args]

        def render() -> str:
            codes = [lw.render(a, lw.cur_env) for a in args]
            pat = predicates.literal_pattern(codes[1]) if name == "StringMatches" else None
            if name == "StringMatches" and pat is None:
                lw._report(node, "sfn.StringMatches needs a literal pattern", "write a string constant")
            return predicates.predicate(name, codes, pat)

        syn = lw._syn(render)
        syn.id += "p"  # marks a boolean predicate
        lw.synthetic[syn.id] = render
        return syn


_REFUSED_STMTS = {
    "With": ("a with block", "open resources inside a step function"),
    "AsyncWith": ("async with", "write synchronous code in a step"),
    "AsyncFor": ("async for", "use a plain for loop"),
    "AsyncFunctionDef": ("an async function", "write plain def"),
    "Global": ("global", "pass values as parameters and return results"),
    "Nonlocal": ("nonlocal", "return values from the branch instead"),
    "Delete": ("del", "build a new dict or list without the item"),
    "ClassDef": ("a class definition inside the workflow", "define classes at module level, used by steps"),
    "Import": ("import inside the workflow", "import at module level and use it inside a step"),
    "ImportFrom": ("import inside the workflow", "import at module level and use it inside a step"),
    "Match": ("match", "use if/elif/else"),
    "TryStar": ("try/except*", "use try/except"),
}


def _assigned_names(stmt: ast.stmt) -> list[str]:
    """Names a statement binds in the function's own scope (not inside nested functions or comprehensions)."""
    out: list[str] = []

    def targets(t: ast.AST) -> None:
        if isinstance(t, ast.Name):
            out.append(t.id)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                targets(e)
        elif isinstance(t, ast.Starred):
            targets(t.value)

    def walk(node: ast.AST) -> None:
        if isinstance(node, (ast.Assign,)):
            for t in node.targets:
                targets(t)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets(node.target)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            targets(node.target)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            out.append(node.name)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.expr,)) and not isinstance(child, ast.NamedExpr):
                continue
            walk(child)

    walk(stmt)
    return out


def _arg(call: ast.Call, i: int, name: str) -> ast.expr | None:
    if len(call.args) > i:
        return call.args[i]
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def _class_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _result_hint(call: ast.Call) -> str:
    f = call.func
    if isinstance(f, ast.Name):
        return f.id + "_result"
    if isinstance(f, ast.Attribute):
        return f.attr + "_result"
    return "result"


def _load(t: ast.expr) -> ast.expr:
    t = copy.deepcopy(t)
    for n in ast.walk(t):
        if hasattr(n, "ctx"):
            n.ctx = ast.Load()
    return t


def _p(code: str) -> str:
    return code if _atomic(code) else f"({code})"


_EXPRESSION_ERRORS = {"KeyError", "IndexError", "ZeroDivisionError", "TypeError", "ValueError", "AttributeError",
                      "UnboundLocalError", "NameError"}


def _own_nodes(stmt: ast.AST):
    """The nodes of a statement the workflow itself evaluates (not nested functions or lambdas)."""
    todo = [stmt]
    while todo:
        n = todo.pop()
        yield n
        for c in ast.iter_child_nodes(n):
            if not isinstance(c, (ast.FunctionDef, ast.Lambda, ast.ExceptHandler)):
                todo.append(c)


def _before_assign(output: str, assign: dict[str, str]) -> str:
    """A state's Output sees the variables as they were before its own Assign: read what the Assign gives them."""
    return substitute_variables(output, assign)


def _risky(env: dict[str, str]) -> dict[str, str]:
    """The pending assignments whose expression can raise a Python error (they must be evaluated)."""
    return {k: v for k, v in env.items() if can_fail(v)}


def _keys_code(d: str) -> str:
    v = "$pyawssfn_d"
    return f'({v} := {d}; $type({v}) = "object" ? [$keys({v})] : $error("TypeError: items() needs a dict"))'


def _has_template(v: Any) -> bool:
    if isinstance(v, str):
        return "{%" in v
    if isinstance(v, list):
        return any(_has_template(x) for x in v)
    if isinstance(v, dict):
        return any(_has_template(x) or "{%" in k for k, x in v.items())
    return False


def _field_strings(v: Any, out: list[str]) -> None:
    if isinstance(v, str):
        out.append(v)
    elif isinstance(v, dict):
        for x in v.values():
            _field_strings(x, out)
    elif isinstance(v, list):
        for x in v:
            _field_strings(x, out)
