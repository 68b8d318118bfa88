"""try / except / else / finally: the handlers' and the finally's controls, the handler bodies, the finally lowered
once per way out (normal, return, break, continue, error), and the refusal of handlers that could never run."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from pyawssfn.compiler.astwalk import child_nodes, value_children, walk
from pyawssfn.compiler.ir import Catcher, Exit
from pyawssfn.compiler.lower import assigned_before, controlflow, errors, raised_errors
from pyawssfn.compiler.lower.nonlocalcontrol import (
    CAUSELESS_FAIL, OWN_FAIL, ExceptNonlocalControl, FinallyNonlocalControl, Handler, HandlerBodyNonlocalControl,
)
from pyawssfn.compiler.lower.support import CAUGHT, class_name

if TYPE_CHECKING:
    from pyawssfn.compiler.lower.builder import FunctionLowerer

_EXPRESSION_ERRORS = {"KeyError", "IndexError", "ZeroDivisionError", "TypeError", "ValueError", "AttributeError",
                      "UnboundLocalError", "NameError"}


def transform_try(builder: FunctionLowerer, st: ast.Try) -> None:
    handlers = _handlers(builder, st)
    fin = FinallyNonlocalControl(builder.fresh("exception"), builder.fresh("return_value")) if st.finalbody else None
    exc = ExceptNonlocalControl(handlers)
    # every change of cover settles the pending values computed under the previous one
    outside, inside, in_else = _covers(builder, fin, exc)
    errors.settle(builder, change=inside != outside)
    if fin:
        builder.push_control(fin)
    try:
        builder.push_control(exc)
        builder.observed.append(st)  # type: ignore[arg-type]  # assigned_before.observed(st), when first needed
        try:
            builder.lower_block(st.body)
            errors.settle(builder, change=in_else != inside)
            if inside != outside:  # the else, finally or what follows is evaluated under another cover
                errors.pin(builder)
        finally:
            builder.pop_control()
            builder.observed[-1] = None  # the else and handlers: any read may see what they assign
        try:
            _rest(builder, st, handlers, in_else != outside)
        finally:
            builder.observed.pop()
    finally:
        if fin:
            builder.pop_control()
    if fin:
        _finally(builder, st, fin)


def _rest(builder: FunctionLowerer, st: ast.Try, handlers: list[Handler], change: bool) -> None:
    """The else clause, then the handler bodies; the frontier is then every normal way out of them."""
    builder.lower_block(st.orelse)
    errors.settle(builder, change=change)
    normal = builder.frontier
    for h in handlers:
        normal = normal + _handler_body(builder, h, change)
    builder.frontier = normal


def _covers(builder: FunctionLowerer, fin: FinallyNonlocalControl | None,
            exc: ExceptNonlocalControl) -> tuple[Any, Any, Any]:
    """The covers around the try, in its body, and in its else and except clauses (only the finally is around)."""
    outside = builder.cover()
    if fin:
        builder.push_control(fin)
    in_else = builder.cover()
    builder.push_control(exc)
    inside = builder.cover()
    builder.pop_control()
    if fin:
        builder.pop_control()
    return outside, inside, in_else


def _handlers(builder: FunctionLowerer, st: ast.Try) -> list[Handler]:
    handlers = []
    own: bool | None = None  # whether the body raises an sfn.Fail itself (found when first needed)
    for h in st.handlers:
        classes, names = handler_classes(builder, h)
        if h.name:
            var = builder.vars[h.name]
            builder.exc_vars.add(h.name)
        else:
            var = builder.fresh("caught_error")
        handler = Handler(names, classes, var, h, fail="Fail" in classes and names != ["States.ALL"])
        if h.name and not classes and names == ["States.ALL"] and not any("Fail" in x.classes for x in handlers):
            own = _raises_own_fail(builder, st.body) if own is None else own
            handler.own_fail = own
        elif h.name and "Fail" in classes:
            handler.causeless = _raises_own_fail(builder, st.body, causeless=True)
        handlers.append(handler)
        check_expression_errors(builder, st, h, names)
    return handlers


def _raises_own_fail(builder: FunctionLowerer, body: list[ast.stmt], causeless: bool = False) -> bool:
    """Whether the statements raise an sfn.Fail of the workflow's own (`raise sfn.Fail(...)`; `causeless`: one
    without a cause): in them, in their lambdas and in the nested defs they name (a parallel branch's raise reaches
    the try as it is under plain Python, as its cause on the machine); not in a step, whose Fail both runs read
    alike (the step boundary)."""
    todo: list[ast.AST] = list(body)
    seen: set[str] = set()
    api, nested = builder.info.api, builder.nested_defs
    while todo:
        n = todo.pop()
        if isinstance(n, ast.Raise) and n.exc is not None:
            exc = n.exc.func if isinstance(n.exc, ast.Call) else n.exc
            if api(exc) == "Fail" and (not causeless or _without_cause(n.exc)):
                return True
        elif isinstance(n, ast.Name) and n.id in nested and n.id not in seen:
            seen.add(n.id)
            todo.extend(nested[n.id].body)
        todo.extend(child_nodes(n))
    return False


def _without_cause(exc: ast.expr) -> bool:
    """`sfn.Fail("E")`, `sfn.Fail("E", None)`, `sfn.Fail("E", cause=None)`."""
    if not isinstance(exc, ast.Call):
        return True
    cause = exc.args[1] if len(exc.args) > 1 else next((k.value for k in exc.keywords if k.arg == "cause"), None)
    return cause is None or isinstance(cause, ast.Constant) and cause.value is None


def _handler_body(builder: FunctionLowerer, h: Handler, change: bool) -> list[Exit]:
    """The exits of an except clause's body, entered by the errors its handler caught (none: never entered)."""
    builder.frontier = h.incoming
    if not builder.frontier:
        return []
    builder.push_control(HandlerBodyNonlocalControl(h.var))
    name = h.node.name
    saved, caught = builder.lambda_caught, builder.caught
    if name:
        builder.lambda_caught = saved | {name} if lambda_only(builder, h) else saved - {name}
        # what e.error, str(e) and e itself may be (hoisting)
        builder.caught = {**caught, name: list(h.classes) + ([OWN_FAIL] if h.own_fail else [])
                          + ([CAUSELESS_FAIL] if h.causeless else [])}
    try:
        builder.lower_block(h.node.body)
        errors.settle(builder, change=change)
    finally:
        builder.pop_control()
        builder.lambda_caught, builder.caught = saved, caught
    return builder.frontier


def lambda_only(builder: FunctionLowerer, h: Handler) -> bool:
    """Whether the error `except ... as e` binds can only be one a Lambda step raised (every way into the handler is
    a catcher of a Lambda invocation naming exception classes: errors.from_lambda_only), and the body does not bind
    the name again: then str(e) is the errorMessage of its Cause's JSON, with no test of the Cause's shape."""
    if not all(isinstance(ex.holder, Catcher) and id(ex.holder) in builder.lambda_catchers
               and ex.env.get(h.var) == CAUGHT for ex in h.incoming):
        return False  # (the cheap test first: the walk of the body only where it decides)
    name, Name, Load = h.node.name, ast.Name, ast.Load
    for st in h.node.body:
        for n in walk(st):
            if type(n) is Name and n.id == name and not isinstance(n.ctx, Load):  # type: ignore[attr-defined]
                return False
    return True


def _finally(builder: FunctionLowerer, st: ast.Try, fin: FinallyNonlocalControl) -> None:
    """The finally body after the normal exits, then once for each other way out, which it then continues."""
    builder.lower_block(st.finalbody)
    after = builder.frontier
    for kind in ("return", "break", "continue"):
        if fin.pending[kind]:
            builder.frontier = fin.pending[kind]
            builder.lower_block(st.finalbody)
            if not builder.frontier:
                continue
            if kind == "return":
                controlflow.emit_return(builder, builder.var_name(fin.ret_var), "return " + "(after finally)",
                                        st.lineno)
            else:
                controlflow.jump(builder, kind, st)
    if fin.exc_exits:
        builder.frontier = fin.exc_exits
        builder.lower_block(st.finalbody)
        if builder.frontier:
            controlflow.raise_dynamic(builder, builder.var_name(fin.exc_var), "re-raise after finally", st.lineno)
    builder.frontier = after


def check_expression_errors(builder: FunctionLowerer, st: ast.Try, h: ast.ExceptHandler, errors: list[str]) -> None:
    """``except KeyError`` around ``d["k"]``: the workflow's own expressions fail the machine with
    States.QueryEvaluationError, which no Catch of a Choice or Pass state can see. Refuse instead of
    compiling a handler that would never run."""
    caught = set(errors) & _EXPRESSION_ERRORS
    if "States.ALL" in errors:
        check_uncatchable_body(builder, st, h)
        return
    if not caught:
        if set(errors) & raised_errors.CLASSES:
            raised_errors.check_body(builder, st, h, errors)
        return  # (the walk below finds nothing without a class of _EXPRESSION_ERRORS)
    for stmt in st.body:
        for n in with_branches(builder, own_nodes(stmt)):
            node_type = type(n)
            if node_type not in _MAYBE_RISKY:
                continue  # (neither _risky nor a call of a child workflow)
            if _risky(n, caught):
                builder.report(n, f"except {sorted(caught)[0]} cannot catch an error of this workflow expression "
                                  "(the machine fails it with States.QueryEvaluationError)",
                               "test first (if key in d, if n != 0), or compute it inside a step")
                return
            child = _child_with_risky(builder, n, caught, set()) if node_type is ast.Call else None
            if child is not None:  # F75: the child's expression error ends it as States.QueryEvaluationError
                spelt = builder.src(h.type) if h.type is not None else "Exception"
                builder.report(n, f"except {spelt} cannot catch an error of an expression of child "
                                  f"workflow {child[0]} (line {child[1].lineno}: a child's expression error fails "
                                  "it with States.QueryEvaluationError)",
                               f"test first in {child[0]} (if key in d, if n != 0) and raise "
                               f"{sorted(caught)[0]}(...) there, or compute it inside a step")
                return
    raised_errors.check_body(builder, st, h, errors)


_MAYBE_RISKY = frozenset([ast.Subscript, ast.BinOp, ast.AugAssign, ast.Call])  # the kinds _risky can hold risky


def _risky(n: ast.AST, caught: set[str]) -> bool:
    return isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load) or \
        isinstance(n, ast.BinOp) and (isinstance(n.op, (ast.Div, ast.FloorDiv, ast.Mod)) or "TypeError" in caught) or \
        isinstance(n, ast.AugAssign) and "TypeError" in caught or \
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("int", "float")


def _child_risky(n: ast.AST, caught: set[str]) -> bool:
    """A node of a child whose error the class handler would see in Python (narrower than _risky: a child's
    `r["k"]` under `except ValueError` is no reason to refuse)."""
    if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load):
        return bool(caught & {"KeyError", "IndexError", "TypeError"})
    if isinstance(n, (ast.BinOp, ast.AugAssign)):
        return "TypeError" in caught or isinstance(n.op, (ast.Div, ast.FloorDiv, ast.Mod)) and \
            "ZeroDivisionError" in caught
    return isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("int", "float") and \
        bool(caught & {"ValueError", "TypeError"})


def _child_with_risky(builder: FunctionLowerer, n: ast.AST, caught: set[str],
                      seen: set[str]) -> tuple[str, ast.AST] | None:
    """For a call of a child workflow, (its name, a node of its body, or of a grandchild's, outside any try, whose
    error ends the child with States.QueryEvaluationError), or None."""
    called = raised_errors.child_called(builder, n, seen)
    if called is None:
        return None
    name, fn = called
    todo: list[ast.AST] = list(fn.body)
    while todo:
        m = todo.pop()
        if isinstance(m, (ast.Try, ast.FunctionDef, ast.Lambda)):
            continue  # a try of the child may handle it (its own checks apply there)
        if _child_risky(m, caught) or _child_with_risky(builder, m, caught, seen) is not None:
            return name, m
        todo.extend(child_nodes(m))
    return None


def check_uncatchable_body(builder: FunctionLowerer, st: ast.Try, h: ast.ExceptHandler) -> None:
    """``except Exception`` around a body without a step call: only Task, Parallel and Map states have a Catch,
    so an error of the body's own expressions (d["k"], a + 1, int(s)) would escape the machine, or fail a later
    state, while Python runs the handler. Refuse rather than compile a handler that cannot see it."""
    nodes = [n for stmt in st.body for n in own_nodes(stmt)]
    if any(isinstance(n, ast.Call) and builder.classify(n) is not None for n in nodes):
        return
    for n in nodes:
        risky = isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load) or \
            isinstance(n, (ast.BinOp, ast.AugAssign)) or \
            isinstance(n, ast.UnaryOp) and not isinstance(n.op, ast.Not) or \
            isinstance(n, ast.Compare) and any(isinstance(o, (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn))
                                               for o in n.ops) or \
            isinstance(n, ast.Call) and not (builder.info.api(n.func) == "Fail" or
                                             builder.info.is_exception_class(class_name(n.func) or ""))
        if risky:
            builder.report(n, "an except clause cannot catch an error of this workflow expression: the try body "
                              "has no step call, and only step calls can be caught on the machine",
                           "test first (if key in d, d.get(key), if n != 0), or compute it inside a step")
            return


def handler_classes(builder: FunctionLowerer, h: ast.ExceptHandler) -> tuple[list[str], list[str]]:
    if h.type is None:
        return [], ["States.ALL"]
    elts = builder.info.handler_types(h.type)  # a module-level tuple of classes spelled out
    classes: list[str] = []
    errors: list[str] = []
    for e in elts:
        if builder.info.api(e) == "Fail":
            classes.append("Fail")
            continue
        name = class_name(e)
        if name is None:
            raise builder.fail(e, "except needs exception classes", "write except ValueError or except (A, B)")
        if isinstance(e, ast.Name) and not builder.info.is_exception_class(name) and name not in builder.info.imported:
            raise builder.fail(e, f"undefined exception class {name!r}", "define it in the module or import it")
        classes.append(name)
        if name in ("Exception", "BaseException"):
            return [], ["States.ALL"]
        family = builder.s.families.get(name)
        if family is None:
            family = builder.s.families[name] = builder.info.exception_family(name)
        for n in family:
            if n not in errors:
                errors.append(n)
    return classes, errors


def with_branches(builder: FunctionLowerer, nodes):
    """The nodes, then those of the branches of each sfn.parallel among them (a lambda, or a nested def named):
    an expression error of a branch leaves it as QueryEvaluationError, which no handler of a class sees either."""
    Call, api = ast.Call, builder.info.api
    for n in nodes:
        yield n
        if type(n) is Call and api(n.func) == "parallel":  # type: ignore[attr-defined]
            for arg in n.args:  # type: ignore[attr-defined]
                fn = builder.nested_defs.get(arg.id) if isinstance(arg, ast.Name) else arg
                if isinstance(fn, ast.Lambda):
                    yield from own_nodes(fn.body)
                elif isinstance(fn, ast.FunctionDef):
                    for part in fn.body:
                        yield from own_nodes(part)


_NOT_OWN = (ast.FunctionDef, ast.Lambda, ast.ExceptHandler)


def own_nodes(stmt: ast.AST) -> list[ast.AST]:
    """The nodes of a statement the workflow itself evaluates (not nested functions or lambdas), their contexts and
    operators left out (no check reads them)."""
    out: list[ast.AST] = []
    todo = [stmt]
    while todo:
        n = todo.pop()
        out.append(n)
        todo.extend([c for c in value_children(n) if not isinstance(c, _NOT_OWN)])
    return out
