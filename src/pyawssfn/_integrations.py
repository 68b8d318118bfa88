"""The author API of Step Functions' own integrations (issue #10), re-exported by ``pyawssfn``.

Run a job and wait for its end (``.sync``), send a message and wait for the task token's answer
(``.waitForTaskToken``), any Task resource at all, and where a distributed ``sfn.map`` reads its items (an
ItemReader). Under plain Python they go through the runtime (``resource_call``, ``read_items``), which
``pyawssfn.pyrun`` serves from mocks keyed by the resource. This module ships in the Lambda zip: standard library
only.
"""
from __future__ import annotations

from typing import Any

import pyawssfn
from pyawssfn import _item_io

# integration -> the patterns Step Functions supports for it ("sync", "token"); names as in the ASL resource.
INTEGRATIONS = {
    "ecs:runTask": ("sync", "token"), "glue:startJobRun": ("sync",), "batch:submitJob": ("sync",),
    "codebuild:startBuild": ("sync",), "sqs:sendMessage": ("token",), "sns:publish": ("token",),
    "events:putEvents": ("token",),
}
_SUFFIX = {"sync": ".sync", "token": ".waitForTaskToken"}


def _runtime() -> Any:
    return pyawssfn._runtime.get()


def integration_resource(integration: str, pattern: str) -> str:
    """The Task resource of ``integration`` ("glue:startJobRun") with ``pattern`` ("sync" or "token")."""
    patterns = INTEGRATIONS.get(integration)
    if patterns is None:
        raise ValueError(f"{integration!r} is not an integration pyawssfn knows ({', '.join(INTEGRATIONS)}); for "
                         f"any other Task resource use sfn.task_resource(resource, arguments)")
    if pattern not in patterns:
        raise ValueError(f"{integration} does not support the {_SUFFIX[pattern]} pattern on Step Functions")
    return f"arn:aws:states:::{integration}{_SUFFIX[pattern]}"


def run_job(integration: str, **params: Any) -> Any:
    """Start a job and wait for its end (Run a Job, ``.sync``): ``sfn.run_job("glue:startJobRun", JobName="etl")``
    returns the job's final description (Glue's JobRun, ECS's task, Batch's job, CodeBuild's build); a job that
    fails raises its error (e.g. ``Glue.AWSGlueException``) as the Task does."""
    return _runtime().resource_call(integration_resource(integration, "sync"), params, None)


def wait_for_task_token(integration: str, *, token_at: str, **params: Any) -> Any:
    """Call ``integration`` with a task token placed at ``token_at`` (``"MessageBody.TaskToken"``: the field
    ``TaskToken`` of the ``MessageBody`` parameter, or a parameter's name alone) and wait until someone answers the
    token (SendTaskSuccess / SendTaskFailure): returns the answer's output."""
    return _runtime().resource_call(integration_resource(integration, "token"), params, token_at)


def task_resource(resource: str, arguments: dict[str, Any] | None = None) -> Any:
    """Any Task resource with these ``Arguments`` (an escape hatch for integrations without a pyawssfn API): its
    result is the Task's result. ``arguments`` must be a dict literal written in the call."""
    return _runtime().resource_call(resource, dict(arguments or {}), None)


# --------------------------------------------------------------------------------------------------- Distributed Map items

class ItemSource:
    """Where a distributed ``sfn.map`` reads its items: made by ``sfn.items_from_s3``."""

    def __init__(self, bucket: str, key: str | None = None, *, prefix: str | None = None, format: str = "json",
                 max_items: int | None = None, csv_headers: list[str] | None = None,
                 csv_delimiter: str | None = None) -> None:
        if format not in _item_io.FORMATS:
            raise ValueError(f"items_from_s3(format={format!r}): use one of {', '.join(_item_io.FORMATS)}")
        if (format == "objects") != (key is None):
            raise ValueError("items_from_s3: format='objects' lists the objects under prefix= (no key); the other "
                             "formats read the object at key=")
        self.bucket, self.key, self.prefix, self.format = bucket, key, prefix, format
        self.max_items, self.csv_headers, self.csv_delimiter = max_items, csv_headers, csv_delimiter

    @property
    def resource(self) -> str:
        return "arn:aws:states:::s3:" + ("listObjectsV2" if self.format == "objects" else "getObject")

    @property
    def arguments(self) -> dict[str, Any]:
        if self.format == "objects":
            return {"Bucket": self.bucket, **({"Prefix": self.prefix} if self.prefix is not None else {})}
        return {"Bucket": self.bucket, "Key": self.key}

    @property
    def reader_config(self) -> dict[str, Any]:
        """The ItemReader's ReaderConfig, as the compiler writes it."""
        return _item_io.reader_config(self.format, self.csv_headers, self.csv_delimiter, self.max_items)

    def read(self) -> list[Any]:
        """The items as Step Functions' ItemReader gives them: the S3 call's answer (the runtime's ``read_items``:
        mocks under pyawssfn.pyrun, boto3 otherwise) parsed by the reader's format, MaxItems applied."""
        runtime = _runtime()
        reader = getattr(runtime, "read_items", None) or _item_io.read_with_boto3
        answer = reader(self.resource, self.arguments)
        try:
            return _item_io.items_of(answer, self.resource, self.reader_config,
                                     lambda args: reader("arn:aws:states:::s3:getObject", args))
        except _item_io.ReaderError as exc:
            raise pyawssfn.named_error("States.ItemReaderFailed", _item_io.reader_failure(exc)) from None


def items_from_s3(bucket: str, key: str | None = None, *, prefix: str | None = None, format: str = "json",
                  max_items: int | None = None, csv_headers: list[str] | None = None,
                  csv_delimiter: str | None = None) -> Any:
    """The items of a distributed ``sfn.map`` read from S3 (a Map ItemReader): ``format="csv"`` (one item per row,
    an object keyed by the header row, or by ``csv_headers``; every field a string), ``"json"`` (an array),
    ``"jsonl"`` (one JSON value a line), ``"manifest"`` (an S3 inventory manifest: one item per object it lists)
    for the object at ``key``; ``"objects"`` lists the objects under ``prefix`` (each item is ``{"Key", "Size",
    "ETag", "LastModified", "StorageClass"}``). ``max_items`` caps them. Typed ``Any`` so that
    ``sfn.map(step, sfn.items_from_s3(...))`` type-checks whatever the step takes."""
    return ItemSource(bucket, key, prefix=prefix, format=format, max_items=max_items, csv_headers=csv_headers,
                      csv_delimiter=csv_delimiter)


class _NoInput:
    def __repr__(self) -> str:
        return "no batch input"


NO_INPUT: Any = _NoInput()


class ItemBatch:
    """How a distributed ``sfn.map`` groups its items (an ItemBatcher): made by ``sfn.batch_items``."""

    def __init__(self, max_items: int | None = None, max_bytes: int | None = None,
                 batch_input: Any = NO_INPUT) -> None:
        for name, value in (("max_items", max_items), ("max_bytes", max_bytes)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise ValueError(f"sfn.batch_items({name}={value!r}): a whole number >= 1")
        if max_items is None and max_bytes is None:
            raise ValueError("sfn.batch_items needs max_items= or max_bytes= (or both)")
        self.max_items, self.max_bytes, self.batch_input = max_items, max_bytes, batch_input

    def split(self, items: list[Any]) -> list[dict[str, Any]]:
        """The batches, each ``{"Items": [...]}`` (and ``"BatchInput"``), as the ItemBatcher makes them."""
        with_input = self.batch_input is not NO_INPUT
        return _item_io.batches(items, self.max_items, self.max_bytes,
                                _as_json(self.batch_input) if with_input else None, with_input)


def _as_json(value: Any) -> Any:
    """``value`` as JSON holds it (the batch input travels in the child's input)."""
    import json

    return json.loads(json.dumps(value))


def batch_items(max_items: int | None = None, max_bytes: int | None = None, batch_input: Any = NO_INPUT) -> Any:
    """``sfn.map(step, items, distributed=True, batch=sfn.batch_items(max_items=100))``: each child runs the step
    once on a batch ``{"Items": [...], "BatchInput": batch_input}`` (BatchInput only when given) of at most
    ``max_items`` items and ``max_bytes`` bytes of their JSON; the map's result has one entry per batch."""
    return ItemBatch(max_items, max_bytes, batch_input)


class S3Results:
    """Where a distributed ``sfn.map`` writes its children's results (a ResultWriter): made by
    ``sfn.results_to_s3``."""

    def __init__(self, bucket: str, prefix: str | None = None) -> None:
        self.bucket, self.prefix = bucket, prefix

    @property
    def arguments(self) -> dict[str, Any]:
        return {"Bucket": self.bucket, **({"Prefix": self.prefix} if self.prefix is not None else {})}

    def write(self, children: list[dict[str, Any]]) -> dict[str, Any]:
        """Write the records of ``children`` as the ResultWriter does (through the runtime's ``write_object``:
        mocks under pyawssfn.pyrun, boto3 otherwise); the map's result: the Map Run and where its manifest is."""
        runtime = _runtime()
        arn = runtime.map_run_arn() if hasattr(runtime, "map_run_arn") else _item_io.new_map_run_arn()
        for child in children:
            child["Name"] = _item_io.child_name(arn, child.pop("Index"))
        write = getattr(runtime, "write_object", None) or _item_io.write_with_boto3
        for key, body in _item_io.result_objects(arn, self.bucket, self.prefix, children):
            write(_item_io.PUT_OBJECT, {"Bucket": self.bucket, "Key": key, "Body": body})
        return _item_io.writer_output(arn, self.bucket, self.prefix)


def results_to_s3(bucket: str, prefix: str | None = None) -> Any:
    """``sfn.map(step, items, distributed=True, results_to=sfn.results_to_s3("bucket", prefix="runs/"))``: the
    children's results are written to S3 as Step Functions writes them (``<prefix>/<map run id>/SUCCEEDED_0.json``,
    ``FAILED_0.json`` and ``manifest.json``), and the map returns ``{"MapRunArn": ..., "ResultWriterDetails":
    {"Bucket": bucket, "Key": <the manifest's key>}}`` instead of the results."""
    return S3Results(bucket, prefix)


def check_tolerance(count: Any, percentage: Any) -> None:
    """A tolerance computed at run time must be a number Step Functions takes (the compiled Map checks the same)."""
    # JSON has one kind of number: 2.0 is the whole number 2 on the machine.
    if count is not None and (isinstance(count, bool) or not isinstance(count, (int, float)) or not count >= 0
                              or (isinstance(count, float) and not count.is_integer())):
        raise pyawssfn.named_error("States.QueryEvaluationError", TOLERATED_COUNT_ERROR)
    if percentage is not None and (isinstance(percentage, bool) or not isinstance(percentage, (int, float))
                                   or not 0 <= percentage <= 100):  # (NaN is refused too)
        raise pyawssfn.named_error("States.QueryEvaluationError", TOLERATED_PERCENTAGE_ERROR)


# TimeoutSeconds and HeartbeatSeconds take a whole number of seconds from 1 to 99999999 (the ASL reference's bound).
MAX_TASK_SECONDS = 99_999_999


def task_seconds_error(option: str, value: Any) -> str | None:
    """What is wrong with ``value`` as the ``timeout=``/``heartbeat=`` of sfn.wait_for_callback, computed at run
    time, or None (None itself means no limit); the compiled Task checks the same before it calls the step."""
    if value is None or (not isinstance(value, bool) and isinstance(value, (int, float)) and
                         1 <= value <= MAX_TASK_SECONDS and float(value).is_integer()):
        return None
    return task_seconds_message(option)


def task_seconds_message(option: str) -> str:
    return f"sfn.wait_for_callback {option}= must be a whole number of seconds from 1 to {MAX_TASK_SECONDS}"


def check_task_seconds(timeout: Any, heartbeat: Any) -> None:
    for option, value in (("timeout", timeout), ("heartbeat", heartbeat)):
        problem = task_seconds_error(option, value)
        if problem:
            raise pyawssfn.named_error("States.QueryEvaluationError", problem)


TOLERATED_COUNT_ERROR = "sfn.map tolerated_failures= must be a whole number >= 0"
TOLERATED_PERCENTAGE_ERROR = "sfn.map tolerated_failure_percentage= must be a number from 0 to 100"
