"""Argument binding: a call's arguments bound to a step's (or workflow's) signature at compile time, as Python
would bind them."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyawssfn.compiler.lower.builder import FunctionLowerer


def bind(builder: FunctionLowerer, call: ast.Call, sig: ast.arguments, fname: str, skip_first: bool = False,
         args: list[ast.expr] | None = None) -> dict[str, ast.expr]:
    """Bind a call's arguments to a signature at compile time: {parameter: expression}, omitting defaults."""
    positional = sig.posonlyargs + sig.args
    given = args if args is not None else call.args
    if not skip_first and not call.keywords and _binds_plainly(sig, positional, given):
        # (most calls: positional arguments only, each a parameter, every required one given; no error to find)
        return {p.arg: builder.prepare(a) for p, a in zip(positional, given)}
    if skip_first:
        if not positional:
            raise builder.fail(call, f"{fname}() must take the task token as its first parameter",
                               f"write def {fname}(token, ...)")
        positional = positional[1:]
    posonly = {p.arg for p in sig.posonlyargs}
    kwonly = list(sig.kwonlyargs)
    first_default = len(positional) - len(sig.defaults)
    out: dict[str, ast.expr] = {}
    extra_pos: list[ast.expr] = []
    for i, a in enumerate(_flat_args(builder, args if args is not None else call.args, fname)):
        if i < len(positional):
            out[positional[i].arg] = builder.prepare(a)
        elif sig.vararg:
            extra_pos.append(builder.prepare(a))
        else:
            raise builder.fail(a, f"{fname}() takes {len(positional)} positional argument"
                                  f"{'s' if len(positional) != 1 else ''} but more were given",
                               "remove the extra arguments")
    extra_kw: list[tuple[str, ast.expr]] = []
    names = {p.arg for p in positional if p.arg not in posonly} | {p.arg for p in kwonly}
    for k, v, kw in _flat_keywords(builder, call, fname):
        if k in out:
            raise builder.fail(kw, f"{fname}() got multiple values for argument {k!r}", "pass it once")
        if k in names:
            out[k] = builder.prepare(v)
        elif sig.kwarg:
            extra_kw.append((k, builder.prepare(v)))
        else:
            raise builder.fail(kw, f"{fname}() got an unexpected keyword argument {k!r}",
                               "use one of its parameters: " + (", ".join(sorted(names)) or "none"))
    for i, p in enumerate(positional):
        if p.arg not in out and i < first_default:
            raise builder.fail(call, f"{fname}() missing required argument {p.arg!r}", f"pass {p.arg}")
    for p, d in zip(kwonly, sig.kw_defaults):
        if p.arg not in out and d is None:
            raise builder.fail(call, f"{fname}() missing required keyword argument {p.arg!r}", f"pass {p.arg}=...")
    return _in_signature_order(out, positional + kwonly, sig, extra_pos, extra_kw)


def _binds_plainly(sig: ast.arguments, positional: list[ast.arg], given: list[ast.expr]) -> bool:
    """The positional arguments `given` bind one to one, without a starred one, to the parameters, and leave out
    only those with a default and no keyword-only parameter without one (bind's checks would all pass)."""
    return len(positional) - len(sig.defaults) <= len(given) <= len(positional) and \
        all(d is not None for d in sig.kw_defaults) and not any(type(a) is ast.Starred for a in given)


def _flat_args(builder: FunctionLowerer, args: list[ast.expr], fname: str) -> list[ast.expr]:
    """The positional arguments, with *[a, b] spelled out (any other *args cannot be bound at compile time)."""
    out: list[ast.expr] = []
    for a in args:
        if isinstance(a, ast.Starred):
            if isinstance(a.value, (ast.List, ast.Tuple)):
                out.extend(a.value.elts)
                continue
            raise builder.fail(a, f"*args in the call of {fname}() cannot be bound at compile time",
                               "pass the arguments one by one")
        out.append(a)
    return out


def _flat_keywords(builder: FunctionLowerer, call: ast.Call, fname: str) -> list[tuple[str, ast.expr, ast.AST]]:
    """(name, value, node to report at) of each keyword argument, with **{"k": v} spelled out."""
    keywords: list[tuple[str, ast.expr, ast.AST]] = []
    for kw in call.keywords:
        if kw.arg is None:
            if isinstance(kw.value, ast.Dict) and all(isinstance(k, ast.Constant) and isinstance(k.value, str)
                                                      for k in kw.value.keys):
                keywords += [(k.value, v, kw) for k, v in zip(kw.value.keys, kw.value.values)]
                continue
            raise builder.fail(kw.value, f"**kwargs in the call of {fname}() cannot be bound at compile time",
                               "pass the arguments by name one by one")
        keywords.append((kw.arg, kw.value, kw))
    return keywords


def _in_signature_order(out: dict[str, ast.expr], params: list[ast.arg], sig: ast.arguments,
                        extra_pos: list[ast.expr], extra_kw: list[tuple[str, ast.expr]]) -> dict[str, ast.expr]:
    ordered: dict[str, ast.expr] = {}
    for p in params:
        if p.arg in out:
            ordered[p.arg] = out[p.arg]
    if sig.vararg and extra_pos:
        ordered[sig.vararg.arg] = ast.List(elts=extra_pos, ctx=ast.Load())
    if sig.kwarg and extra_kw:
        ordered[sig.kwarg.arg] = ast.Dict(keys=[ast.Constant(value=k) for k, _ in extra_kw],
                                          values=[v for _, v in extra_kw])
    return ordered
