"""What a plain-Python run (pyrun.py, which re-exports these names) needs around the run itself: the errors of a run
that cannot be set up, loading the workflow module, JSON as the state machine holds it, and the providers of SDK
mocks and callback answers."""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import os
import pathlib
import re
import sys
from typing import Callable

import pyawssfn as sfn

class PyRunError(BaseException):
    """The run could not be set up or was given something it cannot use (not a workflow failure).

    A BaseException so that a workflow's own ``except Exception`` cannot swallow a missing mock or callback."""


class MissingMock(PyRunError):
    """``sfn.aws`` was called during a run with no mock for that operation."""


class CallbackUnavailable(PyRunError, sfn.CallbackUnavailable):
    """``sfn.wait_for_callback`` was reached during a run with no callback result for that step."""


# --------------------------------------------------------------------------------------------------- module loading

def load_module(module_or_path):
    """A module object from a module, a path to a ``.py`` file, or an importable dotted name."""
    if inspect.ismodule(module_or_path):
        return module_or_path
    path = pathlib.Path(os.fspath(module_or_path))
    if path.suffix == ".py" or path.exists():
        if not path.is_file():
            raise PyRunError(f"no such workflow file: {path}")
        path = path.resolve()
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        # A workflow importing a package that sits next to it must work as it does with `python file.py`.
        sys.path.insert(0, str(path.parent))
        sys.modules[path.stem] = module
        try:
            spec.loader.exec_module(module)
        except Exception:
            sys.modules.pop(path.stem, None)
            raise
        finally:
            sys.path.remove(str(path.parent))
        return module
    return importlib.import_module(str(module_or_path))


def workflows_of(module) -> dict[str, Callable]:
    return {name: fn for name, fn in vars(module).items()
            if inspect.isfunction(fn) and hasattr(fn, "__pyawssfn_workflow__")}


def find_workflow(module, name: str | None):
    found = workflows_of(module)
    if name is None:
        if len(found) != 1:
            which = ", ".join(sorted(found)) or "none"
            raise PyRunError(f"{module.__name__} has {len(found)} workflows ({which}): say which one to run")
        return next(iter(found.values()))
    for fname, fn in found.items():
        if name in (fname, fn.__pyawssfn_workflow__):
            return fn
    which = ", ".join(sorted(found)) or "none"
    raise PyRunError(f"{module.__name__} has no workflow named {name!r} (its workflows: {which})")


def step_names(module) -> list[str]:
    """The module-level functions a workflow can call as steps: every function defined in the module that is not
    itself a workflow."""
    names = []
    for name, fn in vars(module).items():
        if not inspect.isfunction(fn) or hasattr(fn, "__pyawssfn_workflow__"):
            continue
        if getattr(sfn.unwrap_step(fn), "__module__", None) == module.__name__:
            names.append(name)
    return sorted(names)


# --------------------------------------------------------------------------------------------------- JSON

def _marshal_error(message: str) -> Exception:
    # The Lambda Python runtime reports a result it cannot serialise as this error name.
    return type("Runtime.MarshalError", (Exception,), {"__module__": "pyawssfn"})(message)


# A JSONata state machine holds every number as a JavaScript double (Step Functions runs JSONata 2.0.6): a step
# returning 2.0 is seen by the workflow and the next step as 2, integers beyond 2^53 lose precision, and below 1e21
# an integral number is written in plain digits. The local executor does the same (local/jsonata_eval.py).
_MAX_SAFE_INTEGER = 2 ** 53
_PLAIN_INTEGER_LIMIT = 1e21


def _js_number(value: float):
    if value != value or value in (float("inf"), float("-inf")):
        return None  # JSON.stringify writes a non-finite number as null
    if value.is_integer() and abs(value) < _PLAIN_INTEGER_LIMIT:
        return int(value)
    return value


def _js_float(text: str):
    return _js_number(float(text))


def _js_int(text: str):
    n = int(text)
    if -_MAX_SAFE_INTEGER <= n <= _MAX_SAFE_INTEGER:
        return n
    try:
        return _js_number(float(n))
    except OverflowError:
        return None


def json_loads(text: str):
    """JSON text as the state machine holds it: numbers as JavaScript doubles (see above)."""
    return json.loads(text, parse_float=_js_float, parse_int=_js_int)


def json_round_trip(value):
    """``value`` as it comes out of JSON into the state machine: tuples become lists, non-string keys strings,
    integral floats ints (``2.0`` is ``2``). Raises TypeError/ValueError for what JSON cannot hold (sets, bytes, NaN,
    objects)."""
    return json_loads(json.dumps(value, allow_nan=False))


def _payload_text(result) -> str:
    """The response payload the Lambda Python runtime sends: bytes as they are, anything else as JSON."""
    if isinstance(result, (bytes, bytearray)):
        return bytes(result).decode("utf-8", errors="replace")
    return json.dumps(result, allow_nan=False, separators=(",", ":"), ensure_ascii=False)


def _json_problem(exc: Exception) -> str:
    return str(exc).replace("Out of range float values are not JSON compliant", "NaN and infinities are not JSON")


def _as_callback_spec(answer):
    """A callback answer as a spec dict: a spec already, the executor's CallbackResult, or None (never answered)."""
    if answer is None:
        return {"timeout": True}
    if isinstance(answer, dict):
        return answer if {"result", "error", "timeout"} & answer.keys() else None
    if hasattr(answer, "failed") and hasattr(answer, "after_seconds"):
        spec = {"after": answer.after_seconds, "heartbeats": tuple(getattr(answer, "heartbeats", ()))}
        if answer.failed:
            spec.update(error=answer.error, cause=answer.cause)
        else:
            spec["result"] = answer.output
        return spec
    return None


def sdk_resource(service: str, operation: str) -> str:
    """The Task resource the compiler writes for ``sfn.aws.<service>.<operation>``: Step Functions names the service
    by its SDK service ID (lowercased, letters and digits only) and the operation in camelCase."""
    try:
        import botocore.session
        from botocore import xform_name

        model = botocore.session.get_session().get_service_model(service.replace("_", "-"))
        arn_service = "".join(c for c in model.metadata["serviceId"].lower() if c.isalnum())
        name = next(n for n in model.operation_names if xform_name(n) == operation)
        return f"arn:aws:states:::aws-sdk:{arn_service}:{name[0].lower()}{name[1:]}"
    except Exception:  # unknown to botocore: the compiler will say so; keep the plain spelling
        camel = re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), operation)
        return f"arn:aws:states:::aws-sdk:{service}:{camel}"


class _NoMock:
    pass


_NO_MOCK = _NoMock()


def _find_mock(mocks, service, operation):
    if mocks is None:
        return _NO_MOCK
    if callable(mocks) and not isinstance(mocks, dict):
        return lambda params: mocks(service, operation, params)
    resource = None
    for key, value in mocks.items():
        if key.startswith("arn:"):
            # The executor's mocks format, keyed by the Task resource: one response or a list used in turn.
            resource = resource or sdk_resource(service, operation)
            if key == resource:
                return _ExecutorResponses(key, value)
            continue
        sep = ":" if ":" in key else "."
        s, _, op = key.partition(sep)
        if s.lower().replace("-", "_") == service.lower().replace("-", "_") and sfn._snake_case(op) == operation:
            return value
    return _NO_MOCK


class _ExecutorResponses:
    """Responses in the executor's format: ``{"Return": v}`` or ``{"Throw": {"Error", "Cause"}}``, optionally with
    ``"DelaySeconds"``; a list is served in order and its last response repeats."""

    def __init__(self, key, value):
        self.key = key
        self.responses = value if isinstance(value, list) else [value]
        self.used = 0

    def respond(self, run):
        response = self.responses[min(self.used, len(self.responses) - 1)]
        self.used += 1
        if not isinstance(response, dict) or not (("Return" in response) ^ ("Throw" in response)):
            raise PyRunError(f"mocks[{self.key}]: each response must be {{\"Return\": value}} or "
                             f"{{\"Throw\": {{\"Error\": ..., \"Cause\": ...}}}}")
        if response.get("DelaySeconds"):
            run.sleep(response["DelaySeconds"])
        if "Throw" in response:
            raise sfn.named_error(response["Throw"].get("Error", ""), response["Throw"].get("Cause", ""))
        return response["Return"]


# --------------------------------------------------------------------------------------------------- errors by name

def _named_error(module, error: str, cause: str | None) -> Exception:
    """An exception reading as (error, cause): the module's own exception class of that name if it has one (so the
    workflow's ``except`` clauses see it), else a builtin one, else ``sfn.Fail``.

    The class's ``__init__`` is not run: on the machine the cause arrives as it was sent, and a class whose
    ``__init__`` builds its message (or whose ``__str__`` is its own) would word it again. ``str()`` of the
    exception is the cause, as the machine's ``str(e)`` is."""
    cls = getattr(module, error, None)
    if not (isinstance(cls, type) and issubclass(cls, Exception)):
        cls = getattr(__import__("builtins"), error, None)
    if isinstance(cls, type) and issubclass(cls, Exception) and not issubclass(cls, sfn.Fail):
        try:
            exc = cls.__new__(cls)
            exc.args = () if cause is None else (cause,)
            if str(exc) != ("" if cause is None else cause):
                exc = _worded_as(cls, cause)
            if sfn.error_of(exc)[0] == error:
                return exc
        except Exception:
            pass
    return sfn.named_error(error, cause)


def _worded_as(cls: type, cause: str | None) -> Exception:
    # A subclass of the same name whose str() is the cause: `except cls` still catches it.
    sub = type(cls.__name__, (cls,), {"__str__": lambda self: "" if cause is None else cause,
                                      "__module__": cls.__module__, "__qualname__": cls.__qualname__})
    exc = sub.__new__(sub)
    exc.args = () if cause is None else (cause,)
    return exc
