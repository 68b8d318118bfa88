"""The builder of one workflow or branch function: the state of its lowering and the plumbing every construct uses.

The lowerer walks a workflow's body keeping a *frontier*: the exits through which control leaves the code lowered so
far, each with the pure assignments made since its last state (see ir.py). A statement that needs a state (a step
call, an if, a loop, ...) connects every exit of the frontier to that state; pure statements only extend the envs, so
they end up in the ``Assign`` of a neighbouring state. The statements themselves are lowered by the transform_*
functions of the modules beside this one (visitor.py says which); break/continue/return/raise and each state's Catch
ask the control stack (nonlocalcontrol.py) where they go.
"""
from __future__ import annotations

import ast
from typing import Any, Callable

from pyawssfn.compiler.aliasing import check_aliasing
from pyawssfn.compiler.astwalk import walk
from pyawssfn.compiler.definite import maybe_unbound_reads
from pyawssfn.compiler.step_mutation import check_step_mutations, result_proxy
from pyawssfn.compiler.expressions import ExpressionTranslator, NotConstant, _static_type
from pyawssfn.compiler.frontend import PREDICATES
from pyawssfn.compiler.ir import DefaultOf, Exit, Graph, Node, Pass, Rule, StartHolder, Template, atomic, can_fail, paren
from pyawssfn.compiler.lower import controlflow, entry_check, errors, first_state, hoisting, visitor
from pyawssfn.compiler.lower.hoist_facts import Facts
from pyawssfn.compiler.lower.nonlocalcontrol import BaseNonlocalControl, NonlocalControl
from pyawssfn.compiler.expressions.build import T, err, fn
from pyawssfn.compiler.lower.support import Abort, Shared, assigned_names, has_template, var_read
from pyawssfn.compiler.static_types import infer_name_types, narrowed_types
from pyawssfn.compiler.types.known import site_typer
from pyawssfn.compiler.types import AnnotationReader, api_result_type, step_result_types
from pyawssfn.compiler.types.parameters import parameters
from pyawssfn.jsonata.tree import TRUE, Block, Expr, Var, and_, lit, or_


class FunctionLowerer:
    _cover_of: Any = None   # the innermost control whose cover `_cover` is (cover())
    _cover: Any = None

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
        self.observed: list[frozenset[str] | None] = []  # by try: what no handler reads (assigned_before.py)
        self.lambda_catchers: set[int] = set()   # catchers whose error only a Lambda step raises (errors.py)
        self.lambda_caught: frozenset[str] = frozenset()  # caught names whose str() is their errorMessage
        # the except clauses being lowered: name -> the classes it catches ('Fail' for sfn.Fail; none: any error)
        self.caught: dict[str, list[str]] = {}
        self.nested_defs: dict[str, ast.FunctionDef] = {}
        self.enclosing_defs: frozenset[str] = frozenset()  # a branch's: the nested defs around it (messages)
        self.control: list[NonlocalControl] = [BaseNonlocalControl()]
        self.synthetic: dict[str, Callable[[], Expr]] = {}
        self.synthetic_types: dict[str, Any] = {}  # the static type of a synthetic value, where it is known
        self.cur_env: dict[str, Expr] = {}
        self._syn_counter = 0
        self.tr = ExpressionTranslator(self._resolve_name, self.report, set(), set(), name_type=self._name_type)
        self.types = self._infer_types(outer_types or {})
        self.frontier: list[Exit] = [Exit(StartHolder(), {})]
        self.start_pending: tuple[Node, dict[str, Expr]] | None = None
        self.cur_line = self.fn_line()
        # a computed value -> (itself, the line of the statement that computed it): where it is folded into another
        # statement's state, that field names its own line (source_lines.py)
        self.value_lines: dict[int, tuple[Expr, int]] = {}
        # the values (that can fail) whose evaluation place is settled, by holder: their ids and themselves
        self.checked: dict[int, tuple[set[int], list[Expr]]] = {}
        self.param_reads: list[Expr] = []   # the parameters' reads (with their defaults) and their check
        self.param_check: Expr | None = None
        self.check_hosted = False   # the first state's first field evaluates param_check (_check_before_start)
        self._declare_locals()
        self.maybe_unbound: set[tuple[int, int]] = set()
        if isinstance(fn, ast.FunctionDef):
            check_aliasing(fn, self.report, lambda c: self.classify(c) is not None, lambda c: result_proxy(
                self.info.steps[c.func.id].node, c) if self.classify(c) == "step" else None,
                lambda name: self.types.get(name) in ("int", "float", "str", "bool"))
            check_step_mutations(fn, self.info.steps, set(self.vars), self.report,
                                 lambda c: self.classify(c) == "api:map")
            self.maybe_unbound = maybe_unbound_reads(fn, set(self.vars), self.report)

    def _infer_types(self, outer_types: dict[str, str]) -> dict[str, str]:
        fixed = {k: _static_type(v) for k, v in self.info.constants.items()}
        fixed.update({k: t for k, t in outer_types.items() if k in self.outer})
        static_type = site_typer(ExpressionTranslator(lambda n: Var(n.id), lambda *a: None))
        steps = step_result_types(self.info.tree, {n: s.node for n, s in self.info.steps.items()})
        self.step_types = steps  # {step: the type its annotation promises} (held to it at the step boundary)
        # a workflow's parameters as their annotations promise (the entry check holds them to it)
        self.params = parameters(self.fn, AnnotationReader(self.info.tree), self.info.tree) \
            if self.top and isinstance(self.fn, ast.FunctionDef) else []
        param_types = {p.name: p.type for p in self.params if p.type is not None}
        return infer_name_types(self.fn, static_type, fixed, steps,
                                lambda call: api_result_type(self.info, call, steps), param_types)

    def lower_narrowed(self, body: list[ast.stmt], false_tests: list[ast.expr], true_test: ast.expr | None) -> None:
        """Lower an if/elif/else branch with the types its tests narrow (`x is not None`, isinstance(), ...)."""
        saved = self.types
        self.types = narrowed_types(saved, false_tests, true_test, body)
        try:
            self.lower_block(body)
        finally:
            self.types = saved

    def _name_type(self, node: ast.Name) -> str | None:
        if node.id in self.synthetic:
            return self.synthetic_types.get(node.id)
        return self.types.get(node.id)

    def report(self, node: ast.AST, what: str, instead: str = "") -> None:
        self.s.reporter.report(node, what, instead)

    def fail(self, node: ast.AST, what: str, instead: str = "") -> "Abort":
        self.report(node, what, instead)
        return Abort()

    def _declare_locals(self) -> None:
        fn = self.fn
        names: list[str] = []
        params: list[ast.arg] = []
        if isinstance(fn, ast.FunctionDef):
            a = fn.args
            params = a.posonlyargs + a.args + a.kwonlyargs
            if a.vararg or a.kwarg:
                self.report(a.vararg or a.kwarg, "a workflow or branch cannot take *args or **kwargs",
                            "name each input parameter")
            if not self.top and params:
                self.report(params[0], "a parallel branch takes no parameters",
                            "read the workflow's variables directly in the nested function")
            for stmt in fn.body:
                names.extend(assigned_names(stmt))
        else:
            if fn.args.args or fn.args.vararg or fn.args.kwarg:
                self.report(fn, "a parallel branch takes no parameters", "write lambda: step(x)")
        # the parameters first (the last one first, as inserted one by one before), then each name once, in order
        # (a dict keeps the first place of each: a list searched for every name was quadratic in their number)
        seen = dict.fromkeys([p.arg for p in reversed(params)] + names)
        for n in seen:
            if self.top:
                self.vars[n] = self.s.names.for_python(n)
            elif n in self.s.names.used:
                self.vars[n] = self.s.names.fresh(n)
            else:
                self.vars[n] = self.s.names.for_python(n)
        if self.top and isinstance(fn, ast.FunctionDef):
            self._read_parameters(fn, params)

    def _read_parameters(self, fn: ast.FunctionDef, params: list[ast.arg]) -> None:
        """The workflow's parameters read from the execution input at the start, with their defaults, and the one
        check of those the input must have (and of their annotations) that the first state evaluates first
        (entry_check.py): every read is then the plain field."""
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
            src = entry_check.read(p.arg)
            if p.arg in defaults:
                try:
                    dv = self.tr.literal_value(defaults[p.arg])
                except NotConstant:
                    self.report(defaults[p.arg], "a workflow parameter's default must be a JSON literal",
                                "use a constant such as 0, '' or None")
                    dv = None
                src = T("$exists($0) ? $0 : $1", src, lit(dv))
            # every read is one (a catcher that checks again assigns them too: errors._move)
            self.param_reads.append(src)
            env[self.vars[p.arg]] = src
        check = entry_check.entry_check(self.params)
        if check is not None:
            # a name of its own (not a pyawssfn_check_<n>): it says what it is where it stays a variable
            self.s.names.used.add("pyawssfn_input_check")
            env["pyawssfn_input_check"] = check
            self.param_reads.append(check)
            self.param_check = check

    def is_param_read(self, v: Expr) -> bool:
        """`v` is a parameter's read or their check (a few values: compared, which is by identity first, rather
        than hashed: a tree's hash walks all of it). As `v in self.param_reads`, without the two refused calls of
        __eq__ for each read of another class than v's."""
        t = type(v)
        for p in self.param_reads:
            if p is v or (type(p) is t and p == v):
                return True
        return False

    def settled(self, holder: Any, values: Any) -> None:
        """Record that `holder` evaluates these values where they stand (errors.settle asks it only of values that
        can fail)."""
        got = self.checked.get(id(holder))
        if got is None:
            got = self.checked[id(holder)] = (set(), [])
        ids, kept = got
        for v in values:
            i = id(v)
            if i not in ids and can_fail(v):
                ids.add(i)
                kept.append(v)

    def is_settled(self, holder: Any, v: Expr) -> bool:
        """Whether `holder` evaluates a value equal to `v` (the same tree object mostly: an env holds what it was
        given; an equal one built apart is compared)."""
        got = self.checked.get(id(holder))
        return got is not None and (id(v) in got[0] or v in got[1])

    def fresh(self, hint: str) -> str:
        return self.s.names.fresh(hint)

    def syn(self, render: Callable[[], Expr]) -> ast.Name:
        self._syn_counter += 1
        ident = f"\x00syn{self._syn_counter}"
        self.synthetic[ident] = render
        return ast.Name(id=ident, ctx=ast.Load())

    def var_name(self, var: str) -> ast.Name:
        """An AST name that reads ASL variable ``var`` (temporaries have no Python name)."""
        ident = "\x00var:" + var
        return ast.Name(id=ident, ctx=ast.Load())

    def _resolve_name(self, node: ast.Name) -> Expr:
        ident = node.id
        var = self.vars.get(ident)
        if var is not None and ident not in self.caught:  # a workflow variable (most names): as below, in short
            e = self.cur_env.get(var)
            if e is not None:
                return paren(e)
            if not self.maybe_unbound:
                return var_read(var)
        if ident in self.synthetic:
            return self.synthetic[ident]()
        if ident.startswith("\x00var:"):
            return self._read_var(ident[5:])
        if ident in self.caught:
            self.report(node, f"the caught exception {ident!r} used as a value: on the machine it is the error "
                              "output {\"Error\", \"Cause\"}, in Python the exception object",
                        f"read str({ident}) or type({ident}).__name__ (e.error / e.cause of an sfn.Fail), or raise {ident}")
        if ident in self.vars:
            var = self.vars[ident]
            code = self._read_var(var)
            if var not in self.cur_env and (getattr(node, "lineno", None), getattr(node, "col_offset", None)) \
                    in self.maybe_unbound:
                msg = err(f"UnboundLocalError: cannot access local variable '{ident}' where it is not "
                          "associated with a value")
                return T("($exists($0) ? $0 : $1)", code, msg)
            return code
        if ident in self.outer:
            return Var(self.outer[ident])
        if ident in self.info.constants:
            return lit(self.info.constants[ident])
        if ident in self.nested_defs:
            self.report(node, f"nested function {ident!r} can only be passed to sfn.parallel",
                        "call sfn.parallel(" + ident + ", ...) or move the code into the workflow body")
        elif ident in self.info.steps or ident in self.info.workflows:
            self.report(node, f"step {ident!r} used as a value", f"call it: {ident}(...)")
        elif ident in self.info.module_names or ident in self.info.sfn_modules:
            self.report(node, f"{ident!r} cannot be used as a value in a workflow",
                        "use it inside a step function")
        else:
            self.report(node, f"undefined name {ident!r}", "assign it first or pass it as a workflow parameter")
        return lit(None)

    def _read_var(self, var: str) -> Expr:
        e = self.cur_env.get(var)
        if e is None:
            return var_read(var)
        return paren(e)

    def render(self, node: ast.expr, env: dict[str, Expr]) -> Expr:
        old, self.cur_env = self.cur_env, env
        try:
            v = self.tr.tree(node)
        finally:
            self.cur_env = old
        if id(v) not in self.value_lines and not atomic(v):  # note_line, in place
            self.value_lines[id(v)] = (v, self.cur_line)
        return v

    def note_line(self, v: Expr) -> Expr:
        """`v` was computed by the current statement (a plain variable or literal is no code of its own)."""
        if id(v) not in self.value_lines and not atomic(v):
            self.value_lines[id(v)] = (v, self.cur_line)
        return v

    def assign_lines(self, holder: Any, values: dict[str, Expr]) -> None:
        """`values` are now entries of `holder`'s Assign: each says the line of the statement that computed it."""
        lines = holder.lines
        for k, v in values.items():
            got = self.value_lines.get(id(v))
            if got is not None and got[0] is v:
                lines["Assign/" + k] = got[1]
            elif lines:
                lines.pop("Assign/" + k, None)

    def condition(self, node: ast.expr, env: dict[str, Expr]) -> Expr:
        old, self.cur_env = self.cur_env, env
        try:
            return self._condition(node)
        finally:
            self.cur_env = old

    def _condition(self, node: ast.expr) -> Expr:
        if isinstance(node, ast.Name) and node.id in self.synthetic and node.id.endswith("p"):
            return self.synthetic[node.id]()
        if isinstance(node, ast.BoolOp) and all(self._is_boolish(v) for v in node.values):
            join = and_ if isinstance(node.op, ast.And) else or_
            return join(*[Block((self._condition(v),)) for v in node.values])
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not) and self._is_boolish(node.operand):
            return fn("not", self._condition(node.operand))
        return self.tr.truthy_tree(node)

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

    def value_field(self, node: ast.expr, env: dict[str, Expr]) -> Any:
        """A payload value: the JSON literal when the expression is constant, else a JSONata template."""
        if type(node) in _LITERALS:  # (the translator's literal_value refuses any other node at once)
            try:
                v = self.tr.literal_value(node)
                if not has_template(v):
                    return v
            except NotConstant:
                pass
        return Template(self.render(node, env))

    def add(self, node: Node) -> Node:
        self.graph.nodes.append(node)
        return node

    def flush(self, ex: Exit, target: Node) -> None:
        h = ex.holder
        if isinstance(h, StartHolder):
            if ex.env:
                self.start_state(dict(ex.env)).next = target
            else:
                self.graph.start = target
        elif isinstance(h, DefaultOf):
            if ex.env:
                h.choice.rules.append(Rule(TRUE, target, dict(ex.env)))
                self.assign_lines(h.choice.rules[-1], ex.env)
            else:
                h.choice.default = target
        else:
            h.assign.update(ex.env)
            self.assign_lines(h, ex.env)
            h.next = target

    def fn_line(self) -> int:
        return getattr(self.fn, "lineno", 1)

    def connect(self, node: Node, start_ok: bool = True) -> dict[str, Expr]:
        """Make ``node`` the next state of every exit; return the env valid in ``node``'s own input context (only
        non-empty at the very start, where the input-reading assignments move into ``node`` itself)."""
        errors.settle(self)
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
            self.frontier = [Exit(self.start_state(dict(ex.env)), {})]

    def start_state(self, assign: dict[str, Expr]) -> Pass:
        """A Pass that starts the machine (or branch) with these assignments (reading the input)."""
        p = self.add(Pass("read the input" if self.top else "start", self.fn_line(), assign=assign))
        self.assign_lines(p, assign)
        self.graph.start = p
        return p

    def cover(self) -> Any:
        """Where an error of a workflow expression (States.QueryEvaluationError) evaluated here goes: the innermost
        try whose handlers catch everything, or whose finally must run, with the part of it we are in; None when
        nothing catches it (then a Pass or Choice, which have no Catch, behave alike)."""
        top = self.control[-1]
        if top is not self._cover_of:  # (the stack's cover, until a push or pop: asked ~2 times a statement)
            self._cover_of, self._cover = top, top.cover()
        return self._cover

    def push_control(self, control: NonlocalControl) -> None:
        control.outer = self.control[-1]
        self.control.append(control)
        self._cover_of = None

    def pop_control(self) -> None:
        self.control.pop()
        self._cover_of = None

    def known_errors(self) -> list[str]:
        """Every exception class name a step can raise as itself: the builtin ones and the module's."""
        cached = getattr(self.s, "_known", None)
        if cached is None:
            cached = sorted(set(self.info.exception_family("BaseException")) | set(self.info.exceptions))
            self.s._known = cached
        return cached

    def release(self) -> None:
        """Drop the translator once the lowering's states exist (and codegen is done with them): it calls back this
        lowerer's bound methods, a reference cycle that would leave the whole lowering (the AST with its marks,
        every tree, the memos) to the cyclic GC, whose first collection after the compile walks all of it."""
        self.tr = None  # type: ignore[assignment]

    def lower_function(self) -> None:
        body = self.fn.body if isinstance(self.fn, ast.FunctionDef) else [
            ast.copy_location(ast.Return(value=self.fn.body), self.fn.body)]
        self.lower_block(body)
        if self.frontier:
            end = ast.Return(value=None)
            end.lineno = getattr(body[-1], "end_lineno", None) or body[-1].lineno
            end.col_offset = 0
            controlflow.do_return(self, ast.Constant(value=None), "return None" if self.top else "end of branch",
                                  end.lineno)
        first_state.check_before_start(self)
        first_state.drop_settled_checks(self)

    def lower_block(self, stmts: list[ast.stmt]) -> None:
        for st in stmts:
            if not self.frontier:
                return  # unreachable code after return/raise/break/continue
            try:
                self.lower_stmt(st)
            except Abort:
                pass

    def lower_stmt(self, st: ast.stmt) -> None:
        for n in walk(st) if self.info.refused_expressions else ():  # frontend: no workflow holds one
            if isinstance(n, (ast.Yield, ast.YieldFrom)):
                raise self.fail(n, "a workflow cannot be a generator (yield)", "return a list instead")
            if isinstance(n, ast.Await):
                raise self.fail(n, "await is not supported in a workflow", "write plain synchronous calls")
            if isinstance(n, ast.NamedExpr):
                raise self.fail(n, "assignment expressions (:=) are not supported in a workflow",
                                "assign in a statement of its own")
        self.cur_line = st.lineno
        transform = visitor.TRANSFORMS.get(type(st))
        if transform is None:
            what, instead = visitor.REFUSED_STATEMENTS.get(type(st).__name__, (
                f"{type(st).__name__} statement", "rewrite it with the supported statements"))
            raise self.fail(st, f"{what} is not supported in a workflow", instead)
        transform(self, st)

    def prepare(self, node: ast.expr | None) -> ast.expr:
        """Hoist the step calls (and author-API calls) of an expression into states; returns the expression that
        remains, with each call replaced by a name for its result."""
        if node is None:
            return ast.Constant(value=None)
        if type(node) in _PLAIN:
            return node  # a name or a constant: nothing to hoist, rewrite or refuse (Facts' answer, without it)
        facts = Facts(self, node)
        if not facts.acted_on(node):
            return node  # nothing in it to hoist, rewrite or refuse
        return hoisting.Hoister(self, facts).visit(node)

    def classify(self, call: ast.Call) -> str | None:
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

    def src(self, node: ast.AST) -> str:
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


_PLAIN = (ast.Name, ast.Constant)
_LITERALS = frozenset([ast.Constant, ast.UnaryOp, ast.List, ast.Tuple, ast.Dict])
