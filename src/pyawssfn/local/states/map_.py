"""Map: runs its ItemProcessor (or legacy Iterator) once per item, in index order, one after the other.

INLINE iterations record their events in the execution's history, as on AWS. DISTRIBUTED iterations are child
workflow executions on AWS, so their events stay out of the parent's history (MapRun events stand for them) and
they do not see the parent's variables. ItemReader is served by mocks; ItemBatcher groups items; ResultWriter gives
AWS's output shape and, when a mock serves its resource, hands it the results."""
from __future__ import annotations

from pyawssfn.local import dataflow, map_io
from pyawssfn.local.concurrency import DISTRIBUTED_MAP_LIMIT, INLINE_MAP_LIMIT, SideBySide
from pyawssfn.local.errors import StatesError
from pyawssfn.local.executor import run_machine, with_error_handling
from pyawssfn.local.limits import dumps

_THRESHOLD = "States.ExceedToleratedFailureThreshold"


def execute(sx):
    return with_error_handling(sx, lambda: _attempt(sx), "MapStateFailed")


def _processor(state):
    return state.get("ItemProcessor") or state.get("Iterator") or {}


def _distributed(state) -> bool:
    return (_processor(state).get("ProcessorConfig") or {}).get("Mode") == "DISTRIBUTED"


def _items(sx, effective):
    state = sx.state
    if "ItemReader" in state:
        return _read_items(sx, effective)
    if sx.jsonata:
        if "Items" in state:
            items = dataflow.jsonata_field(sx, "Items", state["Items"], dataflow.states_var(sx, input=sx.input))
            if not isinstance(items, list):
                text = state["Items"]
                shown = text[2:-2].strip() if isinstance(text, str) and text.startswith("{%") else dumps(text)
                raise dataflow.evaluation_failed(sx, StatesError(
                    "States.QueryEvaluationError",
                    f"The JSONata expression '{shown}' specified for the field 'Items' returned an unexpected result "
                    f"type. Expected 'array', but was '{dataflow.json_type_name(items)}' for value: {dumps(items)}"), "Items")
            return items
        items = sx.input
    else:
        items = dataflow.get_path(sx, effective, state["ItemsPath"]) if "ItemsPath" in state else effective
    if not isinstance(items, list):
        raise dataflow.evaluation_failed(sx, StatesError(
            "States.QueryEvaluationError", f"Map state input must be an array but was: {dumps(items)}"), None) \
            if sx.jsonata else sx.runtime_error(f"Map state input must be an array but was: {dumps(items)}")
    return items


def _read_items(sx, effective):
    reader = sx.state["ItemReader"]
    resource = reader.get("Resource", "")
    if sx.jsonata:
        args = dataflow.jsonata_field(sx, "ItemReader", reader.get("Arguments", {}),
                                      dataflow.states_var(sx, input=sx.input))
    else:
        args = dataflow.payload_template(sx, reader.get("Parameters", {}), effective, "ItemReader")
    mocks = sx.run.mocks
    if not mocks.serves(sx.name, resource):
        from pyawssfn.local.retry import UNSERVED
        raise StatesError(UNSERVED, (
            f"State '{sx.name}' reads its items with {resource}, which nothing serves locally: add \"{resource}\" "
            f"(or the state name \"{sx.name}\") to the mocks with {{\"Return\": [item, ...]}}."))
    return map_io.read(sx, resource, args, reader.get("ReaderConfig") or {}, effective)


# AWS's checks of a resolved count (recorded on AWS; worded as AWS words them), after the type check.
_RANGE_CHECKS = {
    "MaxConcurrency": lambda v: None if v >= 0 else f"Expected non-negative integer for MaxConcurrency, got '{v}' instead.",
    "ToleratedFailureCount": lambda v: None if v >= 0 else "ToleratedFailureCount cannot be negative.",
    "ToleratedFailurePercentage": lambda v: (None if 0 <= v <= 100
                                             else "ToleratedFailurePercentage must be between 0 and 100."),
}


def _number_field(sx, effective, literal: str, path: str, *, integer: bool):
    state = sx.state
    if literal in state:
        value = state[literal]
        if sx.jsonata and isinstance(value, str):
            value = dataflow.jsonata_field(sx, literal, value, dataflow.states_var(sx, input=sx.input))
            _check_range(sx, literal, value)
        return value
    if path in state:
        where = state[path]
        value = dataflow.get_path(sx, effective, where)
        if isinstance(value, str):  # AWS accepts a string holding a number here
            try:
                value = int(value) if integer else float(value)
            except ValueError:
                pass
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok and integer and isinstance(value, float) and not value.is_integer():
            ok = False
        if not ok:
            raise sx.runtime_error(f"The {path} field refers to value \"{_plain(value)}\" which is not a valid "
                                   f"{'integer' if integer else 'float'}: {where}")
        _check_range(sx, literal, value)
        return value
    return None


def _check_range(sx, literal: str, value) -> None:
    check = _RANGE_CHECKS.get(literal)
    if check is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        problem = check(value)
        if problem:
            raise sx.runtime_error(problem)


def _plain(value) -> str:
    return value if isinstance(value, str) else dumps(value)


def _batches(sx, items, effective):
    batcher = sx.state.get("ItemBatcher")
    if not batcher:
        return None
    max_items = batcher.get("MaxItemsPerBatch")
    if "MaxItemsPerBatchPath" in batcher:
        max_items = dataflow.get_path(sx, effective, batcher["MaxItemsPerBatchPath"])
    max_bytes = batcher.get("MaxInputBytesPerBatch")
    if "MaxInputBytesPerBatchPath" in batcher:
        max_bytes = dataflow.get_path(sx, effective, batcher["MaxInputBytesPerBatchPath"])
    if sx.jsonata:
        states = dataflow.states_var(sx, input=sx.input)
        batch_input = dataflow.jsonata_field(sx, "ItemBatcher", batcher.get("BatchInput"), states) \
            if "BatchInput" in batcher else None
    else:
        batch_input = (dataflow.payload_template(sx, batcher["BatchInput"], effective, "BatchInput")
                       if "BatchInput" in batcher else None)
    return map_io.batches(sx, items, max_items, max_bytes, batch_input, "BatchInput" in batcher)


def _attempt(sx):
    state = sx.state
    run = sx.run
    distributed = _distributed(state)
    effective = sx.input if sx.jsonata else dataflow.input_path(sx, sx.input)
    items = _items(sx, effective)
    batches = _batches(sx, items, effective) if distributed else None
    work = batches if batches is not None else items
    max_concurrency = _number_field(sx, effective, "MaxConcurrency", "MaxConcurrencyPath", integer=True)
    run.history.add("MapStateStarted", {"length": len(work)})
    tolerated = (_number_field(sx, effective, "ToleratedFailureCount", "ToleratedFailureCountPath", integer=True),
                 _number_field(sx, effective, "ToleratedFailurePercentage", "ToleratedFailurePercentagePath",
                               integer=False))
    if not distributed:
        # The failure threshold is a Distributed Map feature (AWS documents it only there, CDK offers it only on
        # DistributedMap): AWS accepts the fields on an inline Map, but a failed iteration still fails the Map.
        tolerated = (None, None)
    map_run_arn = None
    if distributed:
        map_run_arn = (run.execution_arn.replace(":execution:", ":mapRun:", 1).rsplit(":", 1)[0]
                       + f"/{sx.state.get('Label', sx.name)}:{run.new_uuid()}")
        run.history.add("MapRunStarted", {"mapRunArn": map_run_arn})
    results, children = _iterate(sx, work, effective, distributed, map_run_arn, tolerated,
                       _workers(max_concurrency, distributed, len(work)))
    return _succeeded(sx, results, children, effective, distributed, map_run_arn)


def _iterate(sx, work, effective, distributed, map_run_arn, tolerated, workers) -> tuple[list, list]:
    """Every iteration, side by side on the virtual clock: the results and (with a ResultWriter) the children
    recorded for it, or the Map's failure raised."""
    state = sx.state
    processor = _processor(state)
    selector_key = "ItemSelector" if "ItemSelector" in state else ("Parameters" if "Parameters" in state else None)
    tolerated_count, tolerated_pct = tolerated
    results, failures, children = [], 0, []
    side = SideBySide(sx.run, workers)
    try:
        for index, item in enumerate(work):
            side.begin()
            item_input = _item_input(sx, selector_key, effective, index, item)
            if distributed:
                ok, output = _run_child(sx, processor, item_input, (children, map_run_arn, index))
            else:
                ok, output = _run_inline(sx, processor, item_input, index)
            side.done()
            if ok:
                results.append(output)
                continue
            failures += 1
            results.append({"Error": output.error, "Cause": output.cause} if distributed else None)
            if not _tolerated(failures, len(work), tolerated_count, tolerated_pct):
                side.finish()
                _fail_map(sx, distributed, map_run_arn)
                if tolerated_count is None and tolerated_pct is None:
                    raise StatesError(output.error, output.cause)
                raise StatesError(_THRESHOLD, "The specified tolerance threshold was exceeded")
    finally:
        side.finish()
    return results, children


def _succeeded(sx, results, children, effective, distributed, map_run_arn):
    history = sx.run.history
    if distributed:
        run_succeeded = history.add("MapRunSucceeded")
        # Most recordings link MapStateExited to MapRunSucceeded (some to MapRunStarted).
        history.add("MapStateSucceeded", link=run_succeeded)
    else:
        last = history.count
        history.add("MapStateSucceeded", previous=last, link=last)
    if distributed and "ResultWriter" in sx.state:
        results = _write_results(sx, map_run_arn, children, effective)
    if sx.jsonata:
        out = dataflow.jsonata_result(sx, results)
    else:
        out = dataflow.jsonpath_result(sx, sx.input, results)
    return sx.exit(out, sx.next_of())


def _workers(max_concurrency, distributed: bool, items: int) -> int:
    limit = DISTRIBUTED_MAP_LIMIT if distributed else INLINE_MAP_LIMIT
    if isinstance(max_concurrency, (int, float)) and not isinstance(max_concurrency, bool) and max_concurrency > 0:
        limit = min(limit, int(max_concurrency))
    return max(1, min(limit, items))


def _tolerated(failures, total, count, pct) -> bool:
    # AWS ("Tolerated failure threshold for Distributed Map state"): "If you specify both values, the workflow
    # fails when it exceeds either value": the failures are tolerated only while both allow them.
    if count is None and pct is None:
        return False
    return (count is None or failures <= count) and (pct is None or failures * 100.0 <= pct * total)


def _fail_map(sx, distributed, map_run_arn):
    if distributed:
        sx.run.history.add("MapRunFailed")


def _item_input(sx, selector_key, effective, index, item):
    if selector_key is None:
        return item
    template = sx.state[selector_key]
    if sx.jsonata:
        states = dataflow.states_var(sx, (index, item), input=sx.input)
        return dataflow.jsonata_field(sx, "ItemSelector", template, states)
    return dataflow.payload_template(sx, template, effective, selector_key, map_item=(index, item))


def _run_inline(sx, processor, item_input, index):
    run = sx.run
    history = run.history
    history.add("MapIterationStarted", {"index": index, "name": sx.name})
    try:
        output, _ = run_machine(run, processor, item_input, dumps(item_input), variables=dict(sx.variables),
                                query_language=sx.frame.query_language)
    except StatesError as exc:
        last = history.count
        history.add("MapIterationFailed", {"index": index, "name": sx.name}, link=last)
        return False, exc
    last = history.count
    history.add("MapIterationSucceeded", {"index": index, "name": sx.name}, link=last)
    return True, output


def _run_child(sx, processor, item_input, record):
    """A DISTRIBUTED iteration: its own history (a child workflow on AWS), no access to the parent's variables.
    ``record`` is (children, map run, index): with a ResultWriter, the child is recorded for it."""
    children, map_run_arn, index = record
    ok, output = _child_outcome(sx, processor, item_input, map_run_arn)
    if "ResultWriter" in sx.state:
        children.append(_child(map_run_arn, index, item_input, ok, output))
    return ok, output


def _child_outcome(sx, processor, item_input, map_run_arn=None):
    from pyawssfn.local.history import History

    run = sx.run
    saved = run.history
    run.history = History(run.clock, saved.limit, keep=saved.keep)
    try:
        output, _ = run_machine(run, processor, item_input, dumps(item_input), variables={},
                                query_language=sx.frame.query_language)
        return True, output
    except StatesError as exc:
        return False, exc
    finally:
        if saved.keep:  # the item's events, out of this history as on AWS, kept for the comparison
            run.execution.map_runs.setdefault(map_run_arn, []).append(run.history.events)
        run.history = saved


def _child(map_run_arn, index, item_input, ok, output) -> dict:
    """A child execution of a distributed Map as the ResultWriter records it."""
    name = map_io.child_name(map_run_arn, index)
    if ok:
        return {"Name": name, "Input": item_input, "Status": "SUCCEEDED", "Output": output}
    return {"Name": name, "Input": item_input, "Status": "FAILED", "Error": output.error, "Cause": output.cause}


def _write_results(sx, map_run_arn, children, effective):
    writer = sx.state["ResultWriter"]
    resource = writer.get("Resource", "")
    if sx.jsonata:
        args = dataflow.jsonata_field(sx, "ResultWriter", writer.get("Arguments", {}),
                                      dataflow.states_var(sx, input=sx.input))
    else:
        args = dataflow.payload_template(sx, writer.get("Parameters", {}), effective, "ResultWriter")
    return map_io.write(sx, resource, args, map_run_arn, children)
