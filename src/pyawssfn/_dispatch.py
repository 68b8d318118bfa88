"""The step dispatcher: the one way a step function is invoked from a state machine, shared by the generated Lambda
handler and the local runs. Standard library only (it ships inside the Lambda zip).

An event is ``{"step": name, "kwargs": {param: value, ...}}`` (plus ``"task_token"`` for a callback step, passed as
the step's first positional argument); see docs/ARCHITECTURE.md.
"""
from __future__ import annotations

import functools
import importlib
import inspect
import threading


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


def call_step(fn, kwargs: dict, task_token=None):
    """Call ``fn`` with arguments bound by parameter name, as the compiler sent them: ``*args`` arrive as a list under
    their name, ``**kwargs`` as a dict under theirs."""
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
    from pyawssfn import Fail  # lazily: the dispatcher must import without the author API being importable first

    try:
        with _context_clock(context):
            return check_result(name, fn, call_step(_unwrap(fn), kwargs, token))  # its return annotation's promise
    except Fail as exc:
        raise _as_step_error(exc) from None


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


def make_handler(module_name: str, steps, callback_steps=None):
    """A Lambda ``handler(event, context)`` serving ``steps`` of ``module_name``, importing the module on first use.
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
                    loaded.append(importlib.import_module(module_name))
        return dispatch(loaded[0], allowed, event, context, callbacks)

    handler.module_name = module_name
    handler.steps = sorted(allowed)
    return handler
