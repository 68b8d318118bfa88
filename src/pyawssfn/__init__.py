"""The pyawssfn author API: write a Step Functions workflow as an ordinary Python module.

``import pyawssfn as sfn``; mark the entry function with ``@sfn.workflow`` and call plain step functions from it.
Everything here means the same under plain Python as on Step Functions: retries really retry, ``sfn.map`` applies
the Map state's failure tolerance, the Choice predicates follow ASL's typing rules.

This module ships inside the Lambda zip, so it uses the standard library only (boto3 is imported lazily, inside
``sfn.aws`` calls, where the Lambda runtime provides it). Time, callbacks and SDK calls go through a replaceable
runtime so that ``pyawssfn.pyrun`` can run a workflow on a virtual clock with mocks.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as _dt
import functools
import random as _random
import re
import time
import uuid
from typing import Any, Callable, Concatenate, Generic, Iterable, ParamSpec, Sequence, TypeVar, overload

from pyawssfn._api_names import EXPORTED as _EXPORTED

# The one place the version is written: pyproject.toml reads it (dynamic metadata), `pyawssfn --version` prints it.
__version__ = "0.1.0"

# The names are listed once, in _api_names.py: the compiler recognises the API by the same table.
__all__ = list(_EXPORTED)


# --------------------------------------------------------------------------------------------------- errors

class Fail(Exception):
    """``raise sfn.Fail(error, cause)`` ends the execution with that error name and cause (an ASL Fail state).

    ``sfn.Fail("Custom.Error", ...)`` is an instance of a subclass of ``Fail`` named ``Custom.Error``: on Step
    Functions an error is known by its name only, so ``type(e).__name__`` must read the same under plain Python.
    """

    def __new__(cls, error: str | None = None, cause: str | None = None, *args: object, **kwargs: object) -> Fail:
        if cls is Fail and isinstance(error, str):
            cls = _fail_class(error, message_only=False)
        return super().__new__(cls, error, cause)

    def __init__(self, error: str, cause: str | None = None):
        super().__init__(error, cause)
        self.error = error
        self.cause = cause

    def __str__(self) -> str:
        return self.error if self.cause is None else f"{self.error}: {self.cause}"

    def __reduce__(self):
        return (Fail if not type(self).__dict__.get("_message_only") else named_error, (self.error, self.cause))


_FAIL_CLASSES: dict[tuple[str, bool], type] = {}


def _fail_class(error: str, message_only: bool) -> type:
    key = (error, message_only)
    if key not in _FAIL_CLASSES:
        body = {"__module__": __name__, "__qualname__": error, "_message_only": message_only}
        if message_only:
            body["__str__"] = lambda self: "" if self.cause is None else self.cause
        _FAIL_CLASSES[key] = type(error, (Fail,), body)
    return _FAIL_CLASSES[key]


def named_error(error: str, cause: str | None = None) -> Fail:
    """The error ``(error, cause)`` as an ``except`` clause sees it on Step Functions: an ``sfn.Fail`` whose class is
    named ``error`` and whose ``str()`` is the cause alone. Used for errors that do not come from a Python exception
    class: a step's ``sfn.Fail`` seen by the workflow, a callback failure, a timeout, a Map over its threshold."""
    return _fail_class(error, message_only=True)(error, cause)


class CallbackUnavailable(BaseException):
    """``sfn.wait_for_callback`` ran under plain Python with nothing installed to supply the callback's result.

    A BaseException, like KeyboardInterrupt: it reports a missing test setup, so a workflow's own
    ``except Exception`` must not turn it into a silent "the approver never answered"."""


def error_of(exc: BaseException) -> tuple[str, str]:
    """The (error name, cause) Step Functions reports for an exception: ``sfn.Fail`` gives its own pair, any other
    exception its class name and ``str(exc)``."""
    if isinstance(exc, Fail):
        return exc.error, "" if exc.cause is None else exc.cause
    return type(exc).__name__, str(exc)


# --------------------------------------------------------------------------------------------------- runtime

class _RealRuntime:
    """What the helpers do under plain Python with nothing installed: real time, boto3, no callbacks."""

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def now(self) -> _dt.datetime:
        return _dt.datetime.now(_dt.timezone.utc)

    def random(self) -> float:
        return _random.random()

    def new_token(self) -> str:
        return uuid.uuid4().hex

    def wait_for_callback(self, step_name: str, token: str, timeout, heartbeat):
        raise CallbackUnavailable(
            f"sfn.wait_for_callback({step_name}) needs the callback's result, and under plain Python nothing "
            f"supplies one. Run the workflow with pyawssfn.pyrun.run_workflow(..., callbacks={{{step_name!r}: "
            f"{{'result': ...}}}}) or, in a test, WorkflowTester.callback({step_name!r}, result=...).")

    def resource_call(self, resource: str, params: dict, token_at: str | None):
        raise CallbackUnavailable(
            f"{resource} is a Step Functions integration: under plain Python nothing runs it. Run the workflow with "
            f"pyawssfn.pyrun.run_workflow(..., mocks={{{resource!r}: {{'Return': ...}}}}) or, in a test, "
            f"WorkflowTester.mock_resource({resource!r}, returns=...).")

    def aws_call(self, service: str, operation: str, params: dict):
        import boto3  # only here: the Lambda runtime has it, the author API must not need it

        # Python attributes cannot hold dashes: sfn.aws.acm_pca is boto3's "acm-pca".
        response = getattr(boto3.client(service.replace("_", "-")), operation)(**params)
        try:
            from pyawssfn.compiler.aws_models import sdk_response
        except ImportError:  # a Lambda zip holds the author API without the compiler: boto3's own response
            return response
        # The machine's SDK integration returns the API's member names in PascalCase, without ResponseMetadata.
        return sdk_response(service, operation, response)


_REAL = _RealRuntime()
_runtime: contextvars.ContextVar = contextvars.ContextVar("pyawssfn_runtime", default=_REAL)


@contextlib.contextmanager
def _installed_runtime(runtime):
    """Serve sleeps, clock reads, callbacks and SDK calls from ``runtime`` (used by ``pyawssfn.pyrun``)."""
    token = _runtime.set(runtime)
    try:
        yield runtime
    finally:
        _runtime.reset(token)


# --------------------------------------------------------------------------------------------------- decorators
# The decorators keep the decorated function's signature (ParamSpec), so mypy and pyright check the calls a workflow
# makes to its steps; sfn.map and sfn.parallel are generic in their results.
_P = ParamSpec("_P")
_R = TypeVar("_R")
_T = TypeVar("_T")


@overload
def workflow(fn: Callable[_P, _R], *, name: str | None = None, type: str = "STANDARD") -> Callable[_P, _R]: ...
@overload
def workflow(fn: None = None, *, name: str | None = None,
             type: str = "STANDARD") -> Callable[[Callable[_P, _R]], Callable[_P, _R]]: ...


def workflow(fn: Any = None, *, name: str | None = None, type: str = "STANDARD") -> Any:  # noqa: A002 - AWS's word
    """Mark the workflow's entry function. Calling it still runs it as plain Python.

    ``type="EXPRESS"`` ships it as an Express state machine (``template``, ``deploy``, ``pyawssfn.cdk``): at most
    five minutes, no waiting for jobs (``.sync``) or callbacks."""
    if type not in ("STANDARD", "EXPRESS"):
        raise ValueError(f"@sfn.workflow(type={type!r}): use \"STANDARD\" or \"EXPRESS\"")

    def mark(f: Any) -> Any:
        f.__pyawssfn_workflow__ = name or f.__name__
        f.__pyawssfn_type__ = type
        return f

    if fn is None:
        return mark
    if not callable(fn):
        raise TypeError("@sfn.workflow takes no positional arguments: write @sfn.workflow or @sfn.workflow(name=...)")
    return mark(fn)


main = workflow  # the proof of concept's spelling


# An error as a retrier or an except clause names it: its name, or the exception class (matched by name).
_ErrorNames = str | type[BaseException] | Sequence[str | type[BaseException]]


class Retry:
    """One ASL retrier: which errors it matches and how it waits between attempts."""

    def __init__(self, errors: _ErrorNames = ("States.ALL",), interval: float = 1, max_attempts: int = 3,
                 backoff: float = 2.0, max_delay: float | None = None, jitter: str | None = None):
        if isinstance(errors, str):
            errors = (errors,)
        self.errors = tuple(e if isinstance(e, str) else e.__name__ for e in errors)
        if not self.errors:
            raise ValueError("sfn.Retry needs at least one error name")
        if interval < 1 or int(interval) != interval:
            raise ValueError(f"sfn.Retry interval must be a whole number of seconds >= 1, not {interval!r}")
        if max_attempts < 0 or int(max_attempts) != max_attempts:
            raise ValueError(f"sfn.Retry max_attempts must be a whole number >= 0, not {max_attempts!r}")
        if backoff < 1:
            raise ValueError(f"sfn.Retry backoff must be >= 1.0, not {backoff!r}")
        if max_delay is not None and (max_delay < 1 or int(max_delay) != max_delay):
            raise ValueError(f"sfn.Retry max_delay must be a whole number of seconds >= 1, not {max_delay!r}")
        if jitter not in (None, "FULL", "NONE"):
            raise ValueError(f'sfn.Retry jitter must be "FULL" or "NONE", not {jitter!r}')
        self.interval = interval
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_delay = max_delay
        self.jitter = jitter

    def matches(self, exc: BaseException) -> bool:
        return any(_error_matches(name, exc) for name in self.errors)

    def delay(self, attempt: int, rand: float) -> float:
        """Seconds to wait before retry number ``attempt + 1`` (attempt counts from 0), as Step Functions does."""
        wait = self.interval * self.backoff ** attempt
        if self.max_delay is not None:
            wait = min(wait, self.max_delay)
        if self.jitter == "FULL":
            wait = rand * wait
        return wait

    def __repr__(self) -> str:
        return (f"Retry(errors={list(self.errors)!r}, interval={self.interval!r}, max_attempts={self.max_attempts!r}, "
                f"backoff={self.backoff!r}, max_delay={self.max_delay!r}, jitter={self.jitter!r})")


# Errors no retrier matches on Step Functions, not even by name: they end the execution. (States.DataLimitExceeded
# is documented as terminal too, but executions recorded on AWS show States.ALL catching it.)
_TERMINAL = {"States.Runtime"}


def _error_matches(name: str, exc: BaseException) -> bool:
    error = error_of(exc)[0]
    if error in _TERMINAL:
        return False
    if name in ("States.ALL", "Exception", "BaseException"):
        return True  # as the compiler reads errors=[Exception]: every error (an except Exception catches them all)
    if name == "States.TaskFailed":
        return error != "States.Timeout"
    if error == name:
        return True
    # ``except LookupError`` / errors=["LookupError"] also cover KeyError, as the compiler expands base classes.
    return not isinstance(exc, Fail) and any(cls.__name__ == name for cls in type(exc).__mro__[1:]
                                             if cls not in (BaseException, object))


def _as_retries(retry) -> list[Retry]:
    if retry is None:
        return []
    retries = [retry] if isinstance(retry, Retry) else list(retry)
    for r in retries:
        if not isinstance(r, Retry):
            raise TypeError(f"retry= takes sfn.Retry objects, not {type(r).__name__}")
    return retries


def call_with_retry(fn, args, kwargs, retries):
    """Call ``fn`` retrying as a Task with these retriers would: the first retrier matching the error decides, and
    each retrier counts its own attempts."""
    attempts = [0] * len(retries)
    while True:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            for i, r in enumerate(retries):
                if r.matches(exc):
                    if attempts[i] >= r.max_attempts:
                        raise
                    rt = _runtime.get()
                    rt.sleep(r.delay(attempts[i], rt.random()))
                    attempts[i] += 1
                    break
            else:
                raise


class TaskConfig:
    """What ``@sfn.task`` recorded about a step: read by the runner (and, from the source, by the compiler)."""

    def __init__(self, retry, timeout, heartbeat, transient_retry):
        self.retry = _as_retries(retry)
        self.timeout = timeout
        self.heartbeat = heartbeat
        self.transient_retry = transient_retry


_Retries = Retry | Sequence[Retry] | None


@overload
def task(fn: Callable[_P, _R], *, retry: _Retries = None, timeout: float | None = None,
         heartbeat: float | None = None, transient_retry: bool = True) -> Callable[_P, _R]: ...
@overload
def task(fn: None = None, *, retry: _Retries = None, timeout: float | None = None, heartbeat: float | None = None,
         transient_retry: bool = True) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]: ...


def task(fn: Any = None, *, retry: _Retries = None, timeout: float | None = None, heartbeat: float | None = None,
         transient_retry: bool = True) -> Any:
    """Configure a step: ``retry`` (one ``sfn.Retry`` or a list), ``timeout`` and ``heartbeat`` in seconds,
    ``transient_retry`` to keep the retrier for Lambda's transient service errors. Under plain Python the step
    really is retried per ``retry``."""
    config = TaskConfig(retry, timeout, heartbeat, transient_retry)

    def decorate(f: Any) -> Any:
        @functools.wraps(f)
        def step(*args: Any, **kwargs: Any) -> Any:
            return call_with_retry(f, args, kwargs, config.retry)

        step.__pyawssfn_task__ = config
        return step

    if fn is None:
        return decorate
    if not callable(fn):
        raise TypeError("@sfn.task takes keyword arguments only: write @sfn.task(retry=sfn.Retry(...))")
    return decorate(fn)


def unwrap_step(fn):
    """The function a step's Lambda invocation runs: the undecorated body (retries are the state machine's job)."""
    while hasattr(fn, "__pyawssfn_task__") and hasattr(fn, "__wrapped__"):
        fn = fn.__wrapped__
    return fn


def with_retry_spec(fn: Callable[..., _R], args: Iterable[Any],
                    *specs: tuple[_ErrorNames, float, int, float]) -> _R:
    """The proof of concept's retry: ``with_retry_spec(step, (a, b), (errors, interval, max_attempts, backoff))``."""
    retries = []
    for spec in specs:
        errors, interval, max_attempts, backoff = spec
        retries.append(Retry(errors=errors, interval=interval, max_attempts=max_attempts, backoff=backoff))
    # The specs' retriers replace the step's own (@sfn.task(retry=...)), as on the machine, whose Task has only
    # them: call the step without its decorator's retries (a runner's step says how, else its undecorated body).
    with_retries = getattr(fn, "__pyawssfn_with_retries__", None)
    if with_retries is not None:
        return with_retries(tuple(args), retries)
    return call_with_retry(unwrap_step(fn), tuple(args), {}, retries)


# --------------------------------------------------------------------------------------------------- control flow

# How many Map iterations Step Functions runs at once when MaxConcurrency does not say fewer.
INLINE_MAP_LIMIT = 40
DISTRIBUTED_MAP_LIMIT = 10_000


class _OneAfterAnother:
    """Scheduling of branches under plain Python with nothing installed: they really run one after the other."""

    def begin(self) -> None:
        pass

    def done(self) -> None:
        pass

    def finish(self) -> None:
        pass

    def result(self, value):
        return value

    def failure(self, exc):
        return exc


def _side_by_side(workers: int):
    """The runtime's scheduler for branches that run side by side on Step Functions (``begin``/``done`` around each
    branch, ``finish`` after the last or a failure): on a virtual clock they overlap in time. ``result`` gives a
    branch's result as the state machine holds it, ``failure`` the error a failed branch raises in the workflow."""
    make = getattr(_runtime.get(), "side_by_side", None)
    return _OneAfterAnother() if make is None else make(workers)


def parallel(*fns: Callable[[], _R]) -> list[_R]:
    """Run zero-argument callables as the branches of a Parallel state; return their results in order. On Step
    Functions the branches run at the same time: under ``pyawssfn.pyrun`` each starts on the virtual clock when the
    parallel starts, and the parallel ends when its last branch does."""
    side = _side_by_side(len(fns))
    results = []
    try:
        for f in fns:
            side.begin()
            try:
                results.append(side.result(f()))
            except Exception as exc:
                failure = side.failure(exc)
                if failure is exc:
                    raise
                raise failure from None
            finally:
                side.done()
    finally:
        side.finish()
    return results


def _map_workers(max_concurrency, distributed: bool, items: int) -> int:
    limit = DISTRIBUTED_MAP_LIMIT if distributed else INLINE_MAP_LIMIT
    if max_concurrency and max_concurrency > 0:
        limit = min(limit, int(max_concurrency))
    return max(1, min(limit, items))


@overload
def map(step: Callable[[_T], _R], items: list[_T], max_concurrency: int = 0,  # noqa: A001
        tolerated_failures: int | None = None, tolerated_failure_percentage: float | None = None,
        distributed: bool = False, *, batch: None = None, results_to: None = None) -> list[_R]: ...


@overload
def map(step: Callable[[Any], _R], items: Any, max_concurrency: int = 0,  # noqa: A001
        tolerated_failures: int | None = None, tolerated_failure_percentage: float | None = None,
        distributed: bool = False, *, batch: Any = None, results_to: None = None) -> list[_R]: ...


@overload
def map(step: Callable[[Any], Any], items: Any, max_concurrency: int = 0,  # noqa: A001
        tolerated_failures: int | None = None, tolerated_failure_percentage: float | None = None,
        distributed: bool = False, *, batch: Any = None, results_to: Any) -> dict[str, Any]: ...


def map(step, items, max_concurrency=0, tolerated_failures=None,  # noqa: A001
        tolerated_failure_percentage=None, distributed=False, *, batch=None, results_to=None):
    """``[step(x) for x in items]`` as a Map state. With a tolerated failure count or percentage, a failed item's
    result is its error output ``{"Error": name, "Cause": cause}``, and the failure that goes beyond the tolerance
    (beyond either, with both given) raises ``States.ExceedToleratedFailureThreshold`` (later items do not run). Items run ``max_concurrency`` at a
    time (0: as many as Step Functions allows, 40 for an inline Map): under ``pyawssfn.pyrun`` an item starts on
    the virtual clock as soon as one of those workers is free. A distributed map may read its items from S3
    (``sfn.items_from_s3``), run the step on batches of them (``batch=sfn.batch_items(...)``) and write its
    results to S3 (``results_to=sfn.results_to_s3(...)``), as its ItemReader, ItemBatcher and ResultWriter do."""
    if (isinstance(items, ItemSource) or batch is not None or results_to is not None) and not distributed:
        raise ValueError("sfn.map reads items from S3, batches them and writes results to S3 only as a distributed "
                         "Map: pass distributed=True")
    if isinstance(items, ItemSource):  # a distributed Map's ItemReader (items_from_s3)
        items = items.read()
    if not isinstance(items, list):
        raise named_error("States.QueryEvaluationError",
                   f"sfn.map needs a list of items, got {type(items).__name__}")
    _integrations.check_tolerance(tolerated_failures, tolerated_failure_percentage)
    work = batch.split(items) if batch is not None else items
    if distributed:  # its items run as child executions, which the machine's own history does not show
        getattr(_runtime.get(), "distributed_map_started", lambda: None)()
    children: list[dict[str, Any]] | None = [] if results_to is not None else None
    results = _map_run(step, work, max_concurrency, tolerated_failures, tolerated_failure_percentage,
                       distributed, children)
    return results if results_to is None else results_to.write(children)


def _map_run(step, items, max_concurrency, tolerated_failures, tolerated_failure_percentage, distributed,
             children) -> list[Any]:
    tolerant = tolerated_failures is not None or tolerated_failure_percentage is not None
    side = _side_by_side(_map_workers(max_concurrency, distributed, len(items)))
    results: list[Any] = []
    failed = 0
    try:
        for index, x in enumerate(items):
            side.begin()
            try:
                results.append(step(x))
                if children is not None:
                    children.append({"Index": index, "Input": x, "Status": "SUCCEEDED", "Output": results[-1]})
            except Exception as exc:
                failure = side.failure(exc)  # the item's error as it leaves its iteration (a timeout renamed)
                if not tolerant:
                    raise failure from None if failure is not exc else exc.__cause__
                failed += 1
                error, cause = error_of(failure)
                results.append({"Error": error, "Cause": cause})
                if children is not None:
                    children.append({"Index": index, "Input": x, "Status": "FAILED", "Error": error, "Cause": cause})
                # As Step Functions reads the two fields: the failures are tolerated while both allow them.
                tolerated = (tolerated_failures is None or failed <= tolerated_failures) and (
                    tolerated_failure_percentage is None
                    or failed * 100.0 <= tolerated_failure_percentage * len(items))
                if not tolerated:
                    raise named_error("States.ExceedToleratedFailureThreshold",
                                      "The specified tolerance threshold was exceeded") from None
            finally:
                side.done()
    finally:
        side.finish()
    return results


def sleep(seconds: float) -> None:
    """A Wait state of ``seconds`` (a whole number, as a Wait state's Seconds must be): a real sleep under plain
    Python, virtual in ``pyawssfn.pyrun``."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds >= 0 or (
            isinstance(seconds, float) and not seconds.is_integer()):
        raise named_error("States.QueryEvaluationError",
                          f"sfn.sleep needs a whole number of seconds >= 0, got {seconds!r}")
    _runtime.get().sleep(seconds)


def sleep_until(timestamp: str) -> None:
    """A Wait state until an ISO-8601 timestamp (``2026-01-01T00:00:00Z``); no wait if it has passed."""
    when = _parse_timestamp(timestamp) if isinstance(timestamp, str) else None
    if when is None:
        raise named_error("States.QueryEvaluationError",
                   f"sfn.sleep_until needs an ISO-8601 timestamp such as '2026-01-01T00:00:00Z', got {timestamp!r}")
    rt = _runtime.get()
    delta = (when - rt.now()).total_seconds()
    if delta > 0:
        rt.sleep(delta)


class TaskToken(str, Generic[_R]):
    """The type of a callback step's token parameter, naming what ``SendTaskSuccess`` sends back on it:
    ``def ask(token: sfn.TaskToken[Decision], order_id: str)`` makes ``sfn.wait_for_callback(ask, ...)`` a
    ``Decision`` for mypy and pyright. At run time the token is a plain ``str``; the annotation is for the checkers."""

    __slots__ = ()


# A step whose token parameter is a plain ``str`` says nothing about the answer: like ``json.loads``, Any.
@overload
def wait_for_callback(step: Callable[Concatenate[str, ...], object], *args: Any, timeout: float | None = None,
                      heartbeat: float | None = None, **kwargs: Any) -> Any: ...
@overload
def wait_for_callback(step: Callable[Concatenate[TaskToken[_R], ...], object], *args: Any,
                      timeout: float | None = None, heartbeat: float | None = None, **kwargs: Any) -> _R: ...


def wait_for_callback(step: Callable[..., object], *args: Any, timeout: float | None = None,
                      heartbeat: float | None = None, **kwargs: Any) -> Any:
    """Call ``step(token, *args, **kwargs)`` with a fresh task token, then wait for ``SendTaskSuccess`` on that token
    and return its output (``SendTaskFailure`` raises its error). Annotate the step's token parameter
    ``sfn.TaskToken[T]`` to type the result ``T``."""
    _integrations.check_task_seconds(timeout, heartbeat)  # as the compiled Task does, before the step runs
    token = (rt := _runtime.get()).new_token()
    step(token, *args, **kwargs)
    return rt.wait_for_callback(getattr(step, "__name__", repr(step)), token, timeout, heartbeat)


# --------------------------------------------------------------------------------------------------- AWS SDK calls

def _snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


class _Service:
    def __init__(self, service: str):
        self._service = service

    def __getattr__(self, operation: str) -> Callable[..., dict[str, Any]]:
        if operation.startswith("__"):
            raise AttributeError(operation)
        service = self._service

        def call(**params: Any) -> dict[str, Any]:
            return _runtime.get().aws_call(service, _snake_case(operation), params)

        call.__name__ = f"{service}.{operation}"
        return call


class _Aws:
    """``sfn.aws.<service>.<operation>(**params)``: an AWS SDK integration; under plain Python a boto3 call."""

    def __getattr__(self, service: str) -> _Service:
        if service.startswith("__"):
            raise AttributeError(service)
        return _Service(service)


aws = _Aws()


# The proof of concept's Choice predicates live beside this module (a file of the runtime too). Imported "X as X"
# so that type checkers see them re-exported (the names themselves: _api_names.PREDICATES, which __all__ lists).
from pyawssfn._predicates import (  # noqa: E402,F401
    BooleanEquals as BooleanEquals, IsBoolean as IsBoolean, IsNull as IsNull, IsNumeric as IsNumeric,
    IsPresent as IsPresent, IsString as IsString, IsTimestamp as IsTimestamp, NumericEquals as NumericEquals,
    NumericGreaterThan as NumericGreaterThan, NumericGreaterThanEquals as NumericGreaterThanEquals,
    NumericLessThan as NumericLessThan, NumericLessThanEquals as NumericLessThanEquals, StringEquals as StringEquals,
    StringGreaterThan as StringGreaterThan, StringGreaterThanEquals as StringGreaterThanEquals,
    StringLessThan as StringLessThan, StringLessThanEquals as StringLessThanEquals, StringMatches as StringMatches,
    TimestampEquals as TimestampEquals, TimestampGreaterThan as TimestampGreaterThan,
    TimestampGreaterThanEquals as TimestampGreaterThanEquals, TimestampLessThan as TimestampLessThan,
    TimestampLessThanEquals as TimestampLessThanEquals,
)
from pyawssfn._predicates import _is_number, _parse_timestamp, _wildcard_pattern  # noqa: E402,F401

# Step Functions' own integrations and a distributed Map's item readers live beside this module (runtime files too);
# the exported names "X as X", so that type checkers see them re-exported (__all__ is built from the table).
from pyawssfn import _integrations  # noqa: E402
from pyawssfn._integrations import (  # noqa: E402,F401  (re-exported: sfn.run_job, ...)
    INTEGRATIONS, ItemBatch, ItemSource, S3Results, batch_items as batch_items, integration_resource,
    items_from_s3 as items_from_s3, results_to_s3 as results_to_s3, run_job as run_job,
    task_resource as task_resource, wait_for_task_token as wait_for_task_token,
)

# What a step reads of the execution serving it, and the hook wrapping every step call (a file of the runtime too).
from pyawssfn._step_context import (  # noqa: E402,F401  (re-exported: sfn.context, sfn.StepContext, sfn.wrap_steps)
    STEP_WRAPPERS, StepContext as StepContext, _serving, _wrapped, context as context, wrap_steps as wrap_steps,
)
