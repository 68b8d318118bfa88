"""The step dispatcher: the one way a step function is invoked from a state machine, shared by the generated Lambda
handler and the local runs. Standard library only (it ships inside the Lambda zip).

An event is ``{"step": name, "kwargs": {param: value, ...}}`` (plus ``"task_token"`` for a callback step, passed as
the step's first positional argument, and ``"context"``, what ``sfn.context()`` reads, when the workflow's module
mentions ``sfn.context``); see docs/ARCHITECTURE.md.
"""
from __future__ import annotations

import datetime
import functools
import importlib
import inspect
import json
import logging
import os
import sys
import threading
import traceback


class UnknownStep(Exception):
    """The event names a function that is not one of the workflow's steps: nothing runs."""


class BadEvent(Exception):
    """The event is not shaped as the dispatcher protocol says."""


def _unwrap(fn):
    # The Lambda runs the step's own body: @sfn.task's retries are done by the state machine, not inside the Lambda.
    while hasattr(fn, "__pyawssfn_task__") and hasattr(fn, "__wrapped__"):
        fn = fn.__wrapped__
    return fn


def _as_step_error(exc):
    """A step raising ``sfn.Fail(error, cause)`` must surface as Lambda error ``error`` with message ``cause``, just as
    it reads under plain Python; the Lambda runtime names errors after the exception's class, hence the new class."""
    from pyawssfn import named_error

    return named_error(exc.error, exc.cause)


_BY_POSITION = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                inspect.Parameter.VAR_POSITIONAL)


@functools.lru_cache(maxsize=1024)
def _parameters(fn) -> tuple[inspect.Parameter, ...]:
    # inspect.signature costs more than most steps' bodies; a step's signature does not change between calls.
    return tuple(inspect.signature(fn).parameters.values())


def _signature_of(fn) -> tuple[inspect.Parameter, ...]:
    try:
        return _parameters(fn)
    except TypeError:  # an unhashable callable: read its signature every time
        return tuple(inspect.signature(fn).parameters.values())


def call_step(fn, kwargs: dict, task_token=None, wrappers=()):
    """Call ``fn`` with arguments bound by parameter name, as the compiler sent them: ``*args`` arrive as a list under
    their name, ``**kwargs`` as a dict under theirs. ``wrappers`` (the module's ``sfn.wrap_steps`` decorators) wrap
    the call; the arguments are bound by ``fn``'s own signature."""
    kwargs = dict(kwargs)
    params = _signature_of(fn)
    if task_token is not None:
        if not params or params[0].kind not in _BY_POSITION:
            raise BadEvent(f"step {fn.__name__} is called with a task token but takes no positional parameter for it")
        if params[0].kind != inspect.Parameter.VAR_POSITIONAL:
            params = params[1:]
    has_varargs = any(p.kind == inspect.Parameter.VAR_POSITIONAL and p.name in kwargs for p in params)
    positional = [] if task_token is None else [task_token]
    keywords = {}
    for p in params:
        if p.name not in kwargs:
            continue
        value = kwargs.pop(p.name)
        if p.kind == inspect.Parameter.VAR_POSITIONAL:
            if not isinstance(value, list):
                raise BadEvent(f"*{p.name} of step {fn.__name__} must arrive as a list")
            positional.extend(value)
        elif p.kind == inspect.Parameter.VAR_KEYWORD:
            if not isinstance(value, dict):
                raise BadEvent(f"**{p.name} of step {fn.__name__} must arrive as an object")
            keywords.update(value)
        elif p.kind == inspect.Parameter.POSITIONAL_ONLY or (
                has_varargs and p.kind == inspect.Parameter.POSITIONAL_OR_KEYWORD):
            positional.append(value)
        else:
            keywords[p.name] = value
    if kwargs:
        raise BadEvent(f"step {fn.__name__} has no parameter named {', '.join(sorted(kwargs))}")
    if wrappers:
        from pyawssfn import _wrapped

        fn = _wrapped(fn, wrappers)
    return fn(*positional, **keywords)


def check_event(allowed_steps, event) -> str:
    """The step an event names, once it is known to be allowed."""
    if not isinstance(event, dict) or not isinstance(event.get("step"), str):
        raise BadEvent('the event must be an object {"step": name, "kwargs": {...}}')
    name = event["step"]
    if name not in allowed_steps:
        allowed = ", ".join(sorted(allowed_steps)) or "(none)"
        raise UnknownStep(f"{name!r} is not a step of this workflow; the steps are: {allowed}")
    return name


def dispatch(module, allowed_steps, event, context=None, callback_steps=None):
    """Run the step ``event["step"]`` of ``module`` with ``event["kwargs"]`` and return its result. A step outside
    ``allowed_steps`` raises ``UnknownStep`` before anything runs. When ``callback_steps`` is given, a task token is
    taken only by those steps (the ones the machine calls through ``sfn.wait_for_callback``): sent to another step it
    would silently become that step's first argument."""
    name = check_event(allowed_steps, event)
    kwargs = event.get("kwargs", {})
    if not isinstance(kwargs, dict):
        raise BadEvent(f'"kwargs" of the event for step {name} must be an object')
    token = event.get("task_token")
    if token is not None and callback_steps is not None and name not in callback_steps:
        raise BadEvent(f"step {name} is not called through sfn.wait_for_callback, yet the event carries a task_token")
    fn = getattr(module, name, None)
    if not callable(fn):
        raise UnknownStep(f"step {name!r} is allowed but {getattr(module, '__name__', module)!r} defines no such function")
    from pyawssfn._step_types import check_result
    import pyawssfn  # lazily: the dispatcher must import without the author API being importable first

    step_context = _step_context(event, name)
    try:
        with _context_clock(context), pyawssfn._serving(step_context):
            result = call_step(_unwrap(fn), kwargs, token, getattr(module, pyawssfn.STEP_WRAPPERS, ()))
            return check_result(name, fn, result)  # its return annotation's promise
    except pyawssfn.Fail as exc:
        raise _as_step_error(exc) from None


_CONTEXT_FIELDS = {"workflow": str, "execution": str, "state": str, "retry_count": int}


def _step_context(event, name):
    """What ``sfn.context()`` reads during the call: the event's ``context`` (the machine's names for the execution
    and the state, sent when the module mentions ``sfn.context``) and the step's name."""
    from pyawssfn import StepContext

    sent = event.get("context", {})
    if not isinstance(sent, dict):
        raise BadEvent(f'"context" of the event for step {name} must be an object')
    fields = {}
    for key, value in sent.items():
        kind = _CONTEXT_FIELDS.get(key)
        if kind is int and isinstance(value, float) and value.is_integer():
            value = int(value)  # a JSON number, whichever way the payload's JSON was read
        if kind is None or isinstance(value, bool) or not isinstance(value, kind):
            raise BadEvent(f'"context" of the event for step {name} has an unexpected field {key!r}: {value!r}')
        fields[key] = value
    return StepContext(**fields, step=name)


@functools.lru_cache(maxsize=None)
def _context_clock_class():
    # One class for every invocation (defining a class costs tens of microseconds); built on first use because
    # pyawssfn must not be imported before the dispatcher is.
    import pyawssfn

    class _ContextClock(pyawssfn._RealRuntime):
        def __init__(self, sleep):
            self._sleep = sleep

        def sleep(self, seconds):
            self._sleep(seconds)

    return _ContextClock


def _context_clock(context):
    """Under the local executor the Lambda context has a virtual ``sleep`` (it counts against the task's timeout):
    ``sfn.sleep`` inside a step spends that time, as it spends real time in a real Lambda."""
    import contextlib

    sleep = getattr(context, "sleep", None)
    if not callable(sleep):
        return contextlib.nullcontext()
    import pyawssfn

    return pyawssfn._installed_runtime(_context_clock_class()(sleep))


# --------------------------------------------------------------------------------------------------- logs on Lambda
# What a log record says about the step it was written in, as top-level fields of the JSON line.
_LOG_FIELDS = ("workflow", "execution", "state", "step", "retry_count")
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime",
                                                                                        "aws_request_id"}


class StepFields(logging.Filter):
    """Puts ``sfn.context()``'s execution, state and step on every record, as attributes (Lambda's own JSON log
    format prints a record's extra attributes; ``JsonFormatter`` prints them too). A record's own ``extra=`` wins."""

    def filter(self, record: logging.LogRecord) -> bool:
        import pyawssfn

        ctx = pyawssfn.context()
        for key in _LOG_FIELDS:
            value = getattr(ctx, key)
            if value is not None and not hasattr(record, key):
                setattr(record, key, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: timestamp, level, logger, message, requestId (the Lambda runtime's logging filter
    puts it on the record), the step's fields (``StepFields``),
    any ``extra=`` attributes, and errorType/errorMessage/stackTrace when the record carries an exception."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.datetime.fromtimestamp(record.created, datetime.timezone.utc)
        out = {"timestamp": when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z",
               "level": record.levelname, "logger": record.name, "message": record.getMessage(),
               "requestId": getattr(record, "aws_request_id", None)}
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and key not in out:
                out[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            out["errorType"] = record.exc_info[0].__name__
            out["errorMessage"] = str(record.exc_info[1])
            out["stackTrace"] = traceback.format_tb(record.exc_info[2])
        return json.dumps({k: v for k, v in out.items() if v is not None}, ensure_ascii=False, default=str)


def install_json_logs(stream=None) -> None:
    """Structured logs for steps on Lambda: every handler of the root logger (the Lambda runtime's, or one writing to
    ``stream`` / standard output when there is none) gets ``StepFields``; with the runtime's text log format it also
    gets ``JsonFormatter`` (the runtime's JSON format already prints the fields). The level is
    ``PYAWSSFN_LOG_LEVEL``, else Lambda's ``AWS_LAMBDA_LOG_LEVEL``, else INFO."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler(stream or sys.stdout))
    runtime_json = os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON"
    for h in root.handlers:
        if not any(isinstance(f, StepFields) for f in h.filters):
            h.addFilter(StepFields())
        if not runtime_json:
            h.setFormatter(JsonFormatter())
    level = os.environ.get("PYAWSSFN_LOG_LEVEL") or os.environ.get("AWS_LAMBDA_LOG_LEVEL") or "INFO"
    root.setLevel({"TRACE": "DEBUG"}.get(level.upper(), level.upper()))


def _on_lambda() -> bool:
    return bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME")) and os.environ.get("PYAWSSFN_JSON_LOGS", "1") != "0"


def make_handler(module_name: str, steps, callback_steps=None):
    """A Lambda ``handler(event, context)`` serving ``steps`` of ``module_name``, importing the module on first use
    (after installing the JSON logs when on Lambda, so that the module's own logging set-up has the last word).
    ``callback_steps`` (when known) are the steps that may receive a task token."""
    allowed = frozenset(steps)
    callbacks = None if callback_steps is None else frozenset(callback_steps)
    lock = threading.Lock()
    loaded = []

    def handler(event, context=None):
        check_event(allowed, event)  # before the import: a refused event runs none of the user's code
        if not loaded:
            with lock:
                if not loaded:
                    if _on_lambda():
                        install_json_logs()
                    loaded.append(importlib.import_module(module_name))
        return dispatch(loaded[0], allowed, event, context, callbacks)

    handler.module_name = module_name
    handler.steps = sorted(allowed)
    return handler
