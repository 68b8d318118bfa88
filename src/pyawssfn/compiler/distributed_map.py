"""Lowering of a distributed ``sfn.map`` with what only a Distributed Map has (issue #10): items read from S3
(``sfn.items_from_s3`` -> ItemReader), batches (``batch=sfn.batch_items(...)`` -> ItemBatcher), results written to
S3 (``results_to=sfn.results_to_s3(...)`` -> ResultWriter) and a tolerated failure count or percentage computed at
run time (``ToleratedFailureCount: "{% ... %}"``).

The Map itself is the lowerer's: the call is lowered as a plain distributed ``sfn.map`` (these options taken out,
the items a placeholder list), then the Map state it made is given the fields above. The hook in the lowering is one
branch of ``lower/maps.map_api``: ``if distributed_map.applies(builder, call): return distributed_map.lower(...)``.
"""
from __future__ import annotations

import ast
from typing import Any

from pyawssfn import _integrations, _item_io
from pyawssfn.compiler.expressions.translator import NotConstant
from pyawssfn.compiler.integrations import payload_field as field
from pyawssfn.compiler.ir import Map, Template
from pyawssfn.jsonata import tree as t

_POSITIONAL = ["step", "items", "max_concurrency", "tolerated_failures", "tolerated_failure_percentage",
               "distributed"]
# option -> (the ir.Map attribute, the message of a value Step Functions does not take)
_TOLERANCE = {"tolerated_failures": ("tolerated_failure_count", _integrations.TOLERATED_COUNT_ERROR),
              "tolerated_failure_percentage": ("tolerated_failure_percentage",
                                               _integrations.TOLERATED_PERCENTAGE_ERROR)}


def _options(call: ast.Call) -> dict[str, ast.expr]:
    opts = {_POSITIONAL[i]: a for i, a in enumerate(call.args[:len(_POSITIONAL)])}
    opts.update({kw.arg: kw.value for kw in call.keywords if kw.arg is not None})
    return opts


def _static(lw, node: ast.expr) -> Any:
    """The value of a literal or module-level constant; raises NotConstant (or ValueError) otherwise."""
    return lw.info.static_value(node, lw.tr.literal_value)


def _api_call(lw, node: ast.expr | None, name: str) -> bool:
    return isinstance(node, ast.Call) and lw.info.api(node.func) == name


def _dynamic(lw, node: ast.expr) -> bool:
    try:
        _static(lw, node)
        return False
    except (NotConstant, ValueError):
        return True


def applies(lw, call: ast.Call) -> bool:
    """Whether ``sfn.map(...)`` uses an option only this module lowers."""
    opts = _options(call)
    return (_api_call(lw, opts.get("items"), "items_from_s3") or "batch" in opts or "results_to" in opts
            or any(name in opts and _dynamic(lw, opts[name]) for name in _TOLERANCE))


def lower(lw, call: ast.Call, var: str | None) -> None:
    opts = _options(call)
    distributed = opts.get("distributed")
    try:
        is_distributed = distributed is not None and _static(lw, distributed) is True
    except (NotConstant, ValueError):
        is_distributed = False
    if not is_distributed:
        raise lw.fail(call, "sfn.map reads items from S3, batches them, writes its results to S3 and computes its "
                            "tolerated failures at run time only as a distributed Map", "pass distributed=True")
    # Everything these fields evaluate is prepared (its step calls hoisted) before the Map state.
    reader = _reader_options(lw, opts["items"]) if _api_call(lw, opts.get("items"), "items_from_s3") else None
    batcher = _batch_options(lw, opts["batch"]) if "batch" in opts else None
    writer = _writer_options(lw, opts["results_to"]) if "results_to" in opts else None
    tolerance = {name: lw.prepare(opts[name]) for name in _TOLERANCE if name in opts and _dynamic(lw, opts[name])}
    node = _plain_map(lw, call, opts, reader is not None, tolerance, var)
    # The Map's exit env is the env it was entered with plus its result: its codes hold at the Map state itself.
    env = {k: v for k, v in lw.frontier[0].env.items() if k != var} if lw.frontier else {}
    if reader is not None:
        node.items = None
        node.item_reader = item_reader(lw, reader, env)
        lw.s.sdk_actions.add("s3:ListBucket" if reader.get("format") == "objects" else "s3:GetObject")
    if batcher is not None:
        node.item_batcher = _item_batcher(lw, call, node, batcher, env)
    if writer is not None:
        node.result_writer = {"Resource": _item_io.PUT_OBJECT,
                              "Arguments": {k: field(lw, v, env) for k, v in writer.items()}}
        from pyawssfn.deploy.iam import RESULT_WRITER_ACTIONS

        lw.s.sdk_actions.update(RESULT_WRITER_ACTIONS)
        if var and lw.frontier:  # the Map's output is where the results went, not the results
            lw.frontier[0].env[var] = t.path("states", "result")
    for name, expr in tolerance.items():
        attribute, message = _TOLERANCE[name]
        checked = _checked_tolerance(lw.render(expr, env), name, message, lw.tr.static_type(expr) == "int")
        setattr(node, attribute, Template(checked))
    lw.s.sdk_actions.add("states:StartExecution")  # the child executions a distributed Map runs


def _plain_map(lw, call: ast.Call, opts: dict, reads: bool, tolerance: dict, var: str | None) -> Map:
    """Lower the call as a plain distributed ``sfn.map``; return the Map state it made."""
    keywords = [ast.keyword(arg=k, value=v) for k, v in opts.items()
                if k not in ("step", "items", "batch", "results_to")]
    for kw in keywords:
        if kw.arg in tolerance:  # a literal in its place: the Map is lowered as tolerating failures
            kw.value = ast.copy_location(ast.Constant(value=0), kw.value)
    items = ast.copy_location(ast.List(elts=[], ctx=ast.Load()), opts["items"]) if reads else opts["items"]
    fake = ast.copy_location(ast.Call(func=call.func, args=[opts["step"], items], keywords=keywords), call)
    from pyawssfn.compiler.lower import maps  # (the lowerer imports this module)

    before = {id(n) for n in lw.graph.nodes}
    maps.map_api(lw, fake, var)
    (node,) = [n for n in lw.graph.nodes if id(n) not in before and isinstance(n, Map)]
    return node


# --- ItemReader: sfn.items_from_s3(...) ----------------------------------------------------------------------------

def _reader_options(lw, source: ast.Call) -> dict:
    names = ["bucket", "key"]
    opts = {names[i]: a for i, a in enumerate(source.args[:2])}
    if len(source.args) > 2 or any(kw.arg is None for kw in source.keywords):
        raise lw.fail(source, "sfn.items_from_s3 takes bucket and key, the rest by keyword",
                      'write sfn.items_from_s3("bucket", "data.csv", format="csv")')
    opts.update({kw.arg: kw.value for kw in source.keywords})
    unknown = set(opts) - {"bucket", "key", "prefix", "format", "max_items", "csv_headers", "csv_delimiter"}
    if unknown:
        raise lw.fail(source, f"unknown sfn.items_from_s3 option {sorted(unknown)[0]!r}",
                      "use bucket, key, prefix=, format=, max_items=, csv_headers=, csv_delimiter=")
    for name in ("format", "max_items", "csv_headers", "csv_delimiter"):
        if name in opts:
            try:
                opts[name] = lw.tr.literal_value(opts[name])
            except Exception:  # NotConstant: the reader's shape is fixed in the definition
                raise lw.fail(opts[name], f"items_from_s3 {name}= must be a literal", f"write {name}=...") from None
    fmt = opts.get("format", "json")
    if fmt not in _item_io.FORMATS:
        raise lw.fail(source, f"items_from_s3 format={fmt!r} is not one of objects, json, jsonl, csv, manifest",
                      'write format="csv"')
    if (fmt == "objects") == ("key" in opts) or "bucket" not in opts:
        raise lw.fail(source, "items_from_s3 needs a bucket, and a key for every format but \"objects\" "
                              "(which lists the objects under prefix=)", 'write sfn.items_from_s3("b", "k.csv", '
                      'format="csv")')
    delimiter = opts.get("csv_delimiter")
    if delimiter is not None and (fmt != "csv" or delimiter not in _item_io.DELIMITERS):
        raise lw.fail(source, f"items_from_s3 csv_delimiter={delimiter!r}: a CSV reader's delimiter is one of "
                      f"{', '.join(_item_io.DELIMITERS)}", 'write csv_delimiter="SEMICOLON"')
    for name in ("bucket", "key", "prefix"):  # before the Map: their step calls (if any) run first
        if name in opts:
            opts[name] = lw.prepare(opts[name])
    return opts


def item_reader(lw, opts: dict, env: dict) -> dict:
    """The Map's ItemReader for the options of an ``sfn.items_from_s3(...)`` call (``_reader_options``)."""
    fmt = opts.get("format", "json")
    args = {"Bucket": field(lw, opts["bucket"], env)}
    if fmt == "objects":
        if "prefix" in opts:
            args["Prefix"] = field(lw, opts["prefix"], env)
    else:
        args["Key"] = field(lw, opts["key"], env)
    reader: dict = {"Resource": _item_io.LIST_OBJECTS if fmt == "objects" else _item_io.GET_OBJECT,
                    "Arguments": args}
    config = _item_io.reader_config(fmt, opts.get("csv_headers"), opts.get("csv_delimiter"), opts.get("max_items"))
    if config:
        reader["ReaderConfig"] = config
    return reader


# --- ItemBatcher: batch=sfn.batch_items(...) ----------------------------------------------------------------------

def _call_options(lw, node: ast.expr, api: str, names: list[str], example: str) -> dict[str, ast.expr]:
    if not _api_call(lw, node, api):
        raise lw.fail(node, f"this option of sfn.map takes sfn.{api}(...) written in the call", f"write {example}")
    assert isinstance(node, ast.Call)
    if len(node.args) > len(names) or any(kw.arg is None for kw in node.keywords):
        raise lw.fail(node, f"sfn.{api} takes {', '.join(names)}", f"write {example}")
    opts = {names[i]: a for i, a in enumerate(node.args)}
    opts.update({kw.arg: kw.value for kw in node.keywords if kw.arg is not None})
    unknown = sorted(set(opts) - set(names))
    if unknown:
        raise lw.fail(node, f"unknown sfn.{api} option {unknown[0]!r}", f"use {', '.join(names)}")
    return opts


def _batch_options(lw, node: ast.expr) -> dict:
    opts: dict[str, Any] = _call_options(lw, node, "batch_items", ["max_items", "max_bytes", "batch_input"],
                                         "batch=sfn.batch_items(max_items=100)")
    for name in ("max_items", "max_bytes"):
        if name in opts:
            try:
                value = _static(lw, opts[name])
            except (NotConstant, ValueError):
                raise lw.fail(opts[name], f"sfn.batch_items {name}= must be a literal or a module-level constant",
                              f"write {name}=100") from None
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise lw.fail(opts[name], f"sfn.batch_items {name}= must be a whole number >= 1",
                              f"write {name}=100")
            opts[name] = value
    if "max_items" not in opts and "max_bytes" not in opts:
        raise lw.fail(node, "sfn.batch_items needs max_items= or max_bytes=", "write sfn.batch_items(max_items=100)")
    if "batch_input" in opts:
        opts["batch_input"] = lw.prepare(opts["batch_input"])
    return opts


def _item_batcher(lw, call: ast.Call, node: Any, opts: dict, env: dict) -> dict:
    """The ItemBatcher; the child's input is then the batch itself, the step's one argument."""
    batcher: dict[str, Any] = {}
    if "max_items" in opts:
        batcher["MaxItemsPerBatch"] = opts["max_items"]
    if "max_bytes" in opts:
        batcher["MaxInputBytesPerBatch"] = opts["max_bytes"]
    if "batch_input" in opts:
        batcher["BatchInput"] = field(lw, opts["batch_input"], env)
    selector, node.item_selector = node.item_selector or {}, None
    if len(selector) != 1:
        raise lw.fail(call, "the step of a batched sfn.map takes one argument, the batch",
                      'write def step(batch): ... batch["Items"] ...')
    (param,) = selector
    inner = node.processor.nodes[0]
    inner.arguments["Payload"]["kwargs"] = {param: Template(t.path("states", "input"))}
    return batcher


# --- ResultWriter: results_to=sfn.results_to_s3(...) --------------------------------------------------------------

def _writer_options(lw, node: ast.expr) -> dict:
    opts = _call_options(lw, node, "results_to_s3", ["bucket", "prefix"],
                         'results_to=sfn.results_to_s3("bucket", prefix="runs/")')
    if "bucket" not in opts:
        raise lw.fail(node, "sfn.results_to_s3 needs the bucket", 'write sfn.results_to_s3("bucket")')
    return {("Bucket" if k == "bucket" else "Prefix"): lw.prepare(v) for k, v in opts.items()}


# --- tolerated failures computed at run time ------------------------------------------------------------------------

def _checked_tolerance(value: t.Expr, name: str, message: str, is_int: bool = False) -> t.Expr:
    """``value`` where Step Functions takes it, checked as sfn.map checks it under plain Python (a whole number
    >= 0 for a count, a number from 0 to 100 for a percentage); anything else fails the state. A value known to be
    an int (an annotated parameter, a literal's arithmetic) is only compared."""
    if is_int:
        ok = t.binop(">=", value, t.lit(0)) if name == "tolerated_failures" else \
            t.and_(t.binop(">=", value, t.lit(0)), t.binop("<=", value, t.lit(100)))
        return t.cond(ok, value, t.error(message)) if type(value) is t.Var or _path(value) else \
            t.block([("pyawssfn_tol", value)], _checked_tolerance(t.var("pyawssfn_tol"), name, message, True))
    v = t.var("pyawssfn_tol")
    number = t.binop("=", t.call("type", v), t.lit("number"))
    if name == "tolerated_failures":
        ok = t.and_(number, t.binop(">=", v, t.lit(0)), t.binop("=", v, t.call("floor", v)))
    else:
        ok = t.and_(number, t.binop(">=", v, t.lit(0)), t.binop("<=", v, t.lit(100)))
    return t.block([("pyawssfn_tol", value)], t.cond(ok, v, t.error(message)))


def _path(value: t.Expr) -> bool:
    """A variable or a path of plain steps from one (`$states.input.n`): cheap to read twice."""
    while type(value) is t.Dot:
        if type(value.rhs) is not t.Name:
            return False
        value = value.lhs
    return type(value) is t.Var
