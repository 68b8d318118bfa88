"""break, continue, return and raise: each asks the innermost control (nonlocalcontrol.py) where it goes; what
happens there (a Succeed, a Fail, a Choice on the error's name) is built here."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from pyawssfn.compiler.ir import (
    Catching, Choice, DefaultOf, Exit, Fail, Node, Parallel, Pass, Rule, StartHolder, Succeed, Template, atomic,
    can_fail,
)
from pyawssfn.compiler.lower import assigned_before, errors, statements
from pyawssfn.compiler.lower.nonlocalcontrol import Destination
from pyawssfn.compiler.error_names import RESERVED, fail_error
from pyawssfn.compiler.lower.support import (
    TASK_LIKE, before_assign, call_arg, class_name, has_template, paren, risky_values, weak,
)
from pyawssfn.compiler.expressions.build import T
from pyawssfn.jsonata.tree import Dot, Name, lit
from pyawssfn.compiler.naming import describe_source

if TYPE_CHECKING:
    from pyawssfn.compiler.lower.builder import FunctionLowerer


def transform_return(builder: FunctionLowerer, st: ast.Return) -> None:
    value = builder.prepare(st.value) if st.value is not None else ast.Constant(value=None)
    name = describe_source(builder.src(st)) if builder.top else "return from branch"
    assigned_before.ahead(builder, [value])
    emit_return(builder, value, name, st.lineno)


def emit_return(builder: FunctionLowerer, value: ast.expr, name: str, line: int) -> None:
    builder.control[-1].gen_return(builder, value, name, line)


def do_return(builder: FunctionLowerer, value: ast.expr, name: str, line: int) -> None:
    cov = builder.cover()
    if any(can_fail(builder.render(value, ex.env)) and (cov != (ex.holder.cover if isinstance(ex.holder, Node)
                                                                else None) or errors.uncaught_assign(ex.holder))
           for ex in builder.frontier) \
            or any(isinstance(ex.holder, StartHolder) for ex in builder.frontier) and cov is not None:
        # the state that would evaluate the value in its Output has another cover: evaluate it first
        tmp = builder.fresh("return_value")
        for ex in builder.frontier:
            ex.env[tmp] = builder.render(value, ex.env)
        errors.settle(builder)
        value = builder.var_name(tmp)
    rest: list[Exit] = []
    read = statements.surely_read(builder, value)
    for ex in builder.frontier:
        h = ex.holder
        if isinstance(h, TASK_LIKE):
            h.output = before_assign(builder.render(value, ex.env), h.assign)
            if not atomic(h.output):  # the state holds the return's code too (source_lines.py)
                h.lines["Output"] = line
            if isinstance(h, Catching) and h.catch and not isinstance(h, Parallel) and can_fail(h.output):
                # LocalStack's Catch does not see an error of the state's own Output (tests/engines known.py):
                # the Assign, whose error both engines catch, evaluates the parts that can fail first
                for part in _parts(value):
                    code = before_assign(builder.render(part, ex.env), h.assign)
                    if can_fail(code):
                        key = statements.throwaway(builder)
                        h.assign[key] = code
                        h.lines["Assign/" + key] = line
            # assignments that can fail still run (Python would fail), unless the output reads them anyway
            risky = {k: v for k, v in risky_values(ex.env).items() if k not in read}
            h.assign.update(risky)
            builder.assign_lines(h, risky)
            h.end = True
        elif isinstance(h, StartHolder):
            risky = {k: v for k, v in risky_values(ex.env).items() if k not in read}
            n = builder.add((Pass if risky else Succeed)(name, line, output=builder.render(value, ex.env),
                                 assign=risky, end=bool(risky)))
            builder.assign_lines(n, risky)
            builder.graph.start = n
        else:
            rest.append(ex)
    builder.frontier = []
    if rest:
        n = Succeed(name, line, output=builder.render(value, {}))
        for ex in rest:
            builder.flush(ex, n)
        builder.add(n)


def _parts(value: ast.expr) -> list[ast.expr]:
    """The values a returned dict or list literal is built from (each checked on its own), else the value."""
    if isinstance(value, ast.Dict) and None not in value.keys:
        return [*value.keys, *value.values]
    if isinstance(value, (ast.List, ast.Tuple)) and not any(isinstance(e, ast.Starred) for e in value.elts):
        return list(value.elts)
    return [value]


def transform_raise(builder: FunctionLowerer, st: ast.Raise) -> None:
    exc = st.exc
    name = describe_source(builder.src(st))
    if exc is None:
        var = builder.control[-1].reraise_var()
        if var is None:
            raise builder.fail(st, "bare raise outside an except clause", "raise an exception instance")
        raise_dynamic(builder, builder.var_name(var), name, st.lineno)
        return
    if isinstance(exc, ast.Name) and exc.id in builder.exc_vars:
        raise_dynamic(builder, ast.Name(id=exc.id, ctx=ast.Load()), name, st.lineno)
        return
    call = exc if isinstance(exc, ast.Call) else ast.Call(func=exc, args=[], keywords=[])
    if builder.info.api(call.func) == "Fail":
        err = call_arg(call, 0, "error")
        cause = call_arg(call, 1, "cause")
        if err is None:
            raise builder.fail(exc, "sfn.Fail needs an error name", "write sfn.Fail('MyError', 'what happened')")
        err_ast = builder.prepare(err)
        if isinstance(err_ast, ast.Constant) and isinstance(err_ast.value, str) and err_ast.value.startswith(RESERVED):
            raise builder.fail(err, f"the error name {err_ast.value!r} begins with {RESERVED!r}, which Step Functions "
                                    "reserves for its own errors", f"name it without the prefix: "
                                    f"sfn.Fail({err_ast.value[len(RESERVED):]!r}, ...)")
        cause_ast = builder.prepare(cause) if cause is not None else ast.Constant(value="")
        raise_static(builder, "Fail", err_ast, cause_ast, name, st.lineno)
        return
    cls = class_name(call.func)
    if cls is None or not builder.info.is_exception_class(cls) or (
            isinstance(call.func, ast.Name) and call.func.id in builder.vars):
        raise builder.fail(exc, "only exception classes (and sfn.Fail) can be raised in a workflow",
                           "raise MyError('message') or sfn.Fail('Error', 'cause')")
    if call.keywords or len(call.args) > 1:
        raise builder.fail(exc, "raise an exception with at most one argument (its message)",
                           "raise MyError('message')")
    if call.args:
        msg = builder.prepare(call.args[0])
        if "KeyError" in builder.info.exception_ancestors(cls):
            msg = _key_error_message(msg)  # KeyError's str() is the repr of its one argument
        elif not (isinstance(msg, ast.Constant) and isinstance(msg.value, str)):
            msg = ast.Call(func=ast.Name(id="str", ctx=ast.Load()), args=[msg], keywords=[])
    else:
        msg = ast.Constant(value="")
    raise_static(builder, cls, ast.Constant(value=cls), msg, name, st.lineno)


def _key_error_message(arg: ast.expr) -> ast.expr:
    """``str(KeyError(arg))``, which is ``repr(arg)``: at compile time for a constant, else ``str([arg])[1:-1]``
    (the repr inside a one-item list's)."""
    if isinstance(arg, ast.Constant):
        return ast.Constant(value=repr(arg.value))
    listed = ast.Call(func=ast.Name(id="str", ctx=ast.Load()), args=[ast.List(elts=[arg], ctx=ast.Load())],
                      keywords=[])
    return ast.Subscript(value=listed, slice=ast.Slice(lower=ast.Constant(value=1), upper=ast.Constant(value=-1)),
                         ctx=ast.Load())


def raise_static(builder: FunctionLowerer, cls: str, err: ast.expr, cause: ast.expr, name: str, line: int) -> None:
    builder.control[-1].gen_raise(builder, cls, err, cause, name, line)


def route(builder: FunctionLowerer, dest: list[Exit], var: str | None, err: ast.expr, cause: ast.expr) -> None:
    for k in range(len(builder.frontier)):
        if var:
            ex = builder.frontier[k]
            if assigned_before.before(builder, k, [builder.render(err, ex.env), builder.render(cause, ex.env)]):
                ex = builder.frontier[k]
            ex.env[var] = builder.note_line(T('{"Error": $0, "Cause": $1}', builder.render(err, ex.env),
                                              builder.render(cause, ex.env)))
    # the error object is evaluated under the cover of the raise (the state before it, when that state's Catch
    # sends an error where Python would), not in a state of its own where the handler starts
    errors.settle(builder)
    dest.extend(builder.frontier)
    builder.frontier = []


def emit_fail(builder: FunctionLowerer, err: ast.expr, cause: ast.expr, name: str, line: int) -> None:
    n = Fail(name, line)
    start_risky = len(builder.frontier) == 1 and isinstance(builder.frontier[0].holder, StartHolder) and \
        risky_values(builder.frontier[0].env)
    env = builder.connect(n, start_ok=not start_risky)
    n.error = builder.value_field(err, env)
    n.cause = builder.value_field(cause, env)
    if has_template(n.error):
        # a computed name may be a reserved States.* one (a caught timeout raised again): error_names.py
        n.error = Template(fail_error(paren(builder.render(err, env)), paren(builder.render(cause, env))))
    builder.frontier = []


def raise_dynamic(builder: FunctionLowerer, value: ast.expr, name: str, line: int) -> None:
    """Re-raise an error object ``{"Error", "Cause"}`` held in a variable: the handler is chosen by its name at
    run time."""
    rules: list[tuple[list[str], Destination, bool]] = []  # (errors, destination, is an sfn.Fail handler)
    final = builder.control[-1].dynamic_routes(rules)
    if not rules and final is not None:
        route_dynamic(builder, builder.frontier, final, value)
        builder.frontier = []
        return
    if not rules:
        err = syn_attr(builder, value, "Error")
        cause = syn_attr(builder, value, "Cause")
        emit_fail(builder, err, cause, name, line)
        return
    choice = Choice(name, line)
    env = builder.connect(choice)
    src = builder.render(value, env)
    for names, dest, fail in rules:
        cond = T("$0.Error in $1", paren(src), lit(names))
        if fail:
            known = [e for e in builder.known_errors() if e not in names]
            cond = T("($0) or $not($1.Error in $2)", cond, paren(src), lit(known)) if names else \
                T("$not($0.Error in $1)", paren(src), lit(known))
        r = Rule(cond)
        choice.rules.append(r)
        route_dynamic(builder, [Exit(r, dict(env))], dest, value)
    d = Exit(DefaultOf(choice), dict(env))
    if final is not None:
        route_dynamic(builder, [d], final, value)
        builder.frontier = []
    else:
        builder.frontier = [d]
        emit_fail(builder, syn_attr(builder, value, "Error"), syn_attr(builder, value, "Cause"), name, line)


def syn_attr(builder: FunctionLowerer, value: ast.expr, key: str) -> ast.expr:
    """A field of an error object {"Error", "Cause"} that the machine itself built (always present)."""
    b = weak(builder)
    return builder.syn(lambda: Dot(paren(b.render(value, b.cur_env)), Name(key)))


def route_dynamic(builder: FunctionLowerer, exits: list[Exit], dest: Destination, value: ast.expr) -> None:
    var, target = dest
    for ex in exits:
        if var:
            ex.env[var] = builder.render(value, ex.env)
        target.append(ex)


def transform_break(builder: FunctionLowerer, st: ast.Break) -> None:
    jump(builder, "break", st)


def transform_continue(builder: FunctionLowerer, st: ast.Continue) -> None:
    jump(builder, "continue", st)


def jump(builder: FunctionLowerer, kind: str, st: ast.stmt) -> None:
    errors.settle(builder, change=True)
    builder.control[-1].gen_jump(builder, kind, st)
