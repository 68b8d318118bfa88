"""Run a workflow as plain Python, reporting as the local executor does.

Every step call goes through JSON exactly as a Lambda invocation would, sleeps and retry waits run on a virtual
clock, ``sfn.wait_for_callback`` asks a callbacks provider and ``sfn.aws`` asks mocks: a run takes no real time and
touches nothing outside the process. The step functions are intercepted by replacing them in the module's namespace
for the duration of the run (and restoring them afterwards, whatever happens).
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import heapq
import inspect
import json
import os
import random
import sys
from typing import Any, Callable

import pyawssfn as sfn
from pyawssfn import _pyrun_resources as _resources
from pyawssfn._budget import CAUSE as BUDGET_CAUSE, ERROR as BUDGET_ERROR, BudgetExceeded, work_budget
from pyawssfn._dispatch import call_step
from pyawssfn._pyrun_context import DEFAULT_EXECUTION, StepContexts
from pyawssfn._pyrun_outcome import QUERY_ERROR, bind_input, classify
from pyawssfn._step_types import check_result
from pyawssfn.compiler.error_names import left_branch
from pyawssfn._pyrun_support import (  # noqa: F401 (re-exported: the names users and tests know)
    _NO_MOCK, CallbackUnavailable, MissingMock, PyRunError, _as_callback_spec, _ExecutorResponses, _find_mock,
    _json_problem, _marshal_error, _named_error, _payload_text, find_workflow, json_loads, json_round_trip,
    load_module, sdk_resource, step_names, workflows_of,
)
from pyawssfn.comparison import Call
from pyawssfn.local.callbacks import first_timeout_at

MAX_EXECUTION_SECONDS = 365 * 24 * 3600  # a Standard execution's maximum duration, as the executor applies it
PAYLOAD_LIMIT_BYTES = 256 * 1024  # Step Functions' quota on a task result
# The local executor's default start (local/clock.py), so that both runs of a workflow read the same clock.
DEFAULT_START = _dt.datetime(2024, 1, 1, tzinfo=_dt.timezone.utc)


@dataclasses.dataclass
class StepCall:
    """One invocation of a step (each retry attempt is its own call), as the Lambda would have seen it."""
    step: str
    kwargs: dict
    task_token: str | None = None
    result: Any = None
    error: str | None = None
    cause: str | None = None
    time: float = 0.0  # virtual seconds since the start of the run


@dataclasses.dataclass
class PyRunResult:
    status: str  # "SUCCEEDED" | "FAILED"
    output: Any = None
    error: str | None = None
    cause: str | None = None
    stats: dict = dataclasses.field(default_factory=dict)
    calls: list[StepCall] = dataclasses.field(default_factory=list)
    sleeps: list[float] = dataclasses.field(default_factory=list)
    # Everything the run did that the machine must do too, in order (steps, callbacks, SDK calls, child workflows):
    # what pyawssfn.comparison compares.
    trace: list[Call] = dataclasses.field(default_factory=list)
    # The Map Run ARNs its distributed maps made (results_to=): comparison names them in order, as the machine's.
    map_runs: list[str] = dataclasses.field(default_factory=list)

    @property
    def steps_called(self) -> list[str]:
        return [c.step for c in self.calls]


# --------------------------------------------------------------------------------------------------- the run

class _Run:
    """The state of one run: the virtual clock, counters and the providers, acting as the author API's runtime."""

    def __init__(self, module, mocks, callbacks, overrides, start, seed, contexts: StepContexts):
        self.module = module
        self.contexts = contexts  # what sfn.context() reads in each step, and the module's sfn.wrap_steps
        self.mocks = mocks
        self.callbacks = callbacks
        self.overrides = overrides or {}
        self.start = start
        self.elapsed = 0.0
        self.rng = random.Random(seed)
        self.calls: list[StepCall] = []
        self.trace: list[Call] = []
        self.running_side_by_side = 0  # how many branches or items of a parallel, map or comprehension are running
        self.sleeps: list[float] = []
        self.stats = {"lambda_invocations": 0, "sdk_calls": 0, "callbacks": 0}
        self.in_step = 0
        self.step_deadline: float | None = None  # when the running step's TimeoutSeconds runs out
        self.in_item = 0
        # The list comprehension of step calls whose items are running side by side (it compiles to a Map): its
        # frame and scheduler, until the clock is next read outside it.
        self.comprehension: tuple[Any, _SideBySide] | None = None
        self.tokens = 0
        self.pending_token: str | None = None
        self.callback_counts: dict[str, int] = {}
        self.responses: dict = {}
        self.workflow_name = "workflow"
        self.map_runs: list[str] = []

    # --- the runtime the author API sees
    def sleep(self, seconds):
        self.settle()
        if self.in_step and self.step_deadline is not None and self.elapsed + seconds >= self.step_deadline:
            # Time spent inside a step counts against its timeout, as the executor's Lambda context counts it.
            self.sleeps.append(self.step_deadline - self.elapsed)
            self.elapsed = self.step_deadline
            raise _StepTimedOut()
        if self.elapsed + seconds >= MAX_EXECUTION_SECONDS:
            self.sleeps.append(MAX_EXECUTION_SECONDS - self.elapsed)
            self.elapsed = MAX_EXECUTION_SECONDS
            raise _ExecutionTimedOut()
        self.sleeps.append(seconds)
        self.elapsed += seconds

    def now(self):
        self.settle()
        return self.start + _dt.timedelta(seconds=self.elapsed)

    def side_by_side(self, workers):
        self.settle()
        return _SideBySide(self, workers)

    def settle(self):
        """End a comprehension's Map once the workflow has gone on past it (nothing marks the end of a list
        comprehension, so this runs whenever the clock is next read outside its items)."""
        if self.comprehension is not None and not self.in_item:
            side, self.comprehension = self.comprehension[1], None
            side.finish()

    def random(self):
        return self.rng.random()

    def new_token(self):
        self.tokens += 1
        self.pending_token = f"pyrun-task-token-{self.tokens}"
        return self.pending_token

    def wait_for_callback(self, step_name, token, timeout, heartbeat):
        self.settle()
        self.pending_token = None
        self.stats["callbacks"] += 1
        spec = _as_callback_spec(self._callback_spec(step_name, token))
        if spec is None:
            raise PyRunError(f"the callback for {step_name} must be {{'result': value}}, {{'error': name, "
                             f"'cause': text}} or {{'timeout': True}} (optionally with 'after' and 'heartbeats')")
        arrival = None if spec.get("timeout") else spec.get("after", 0)
        fired = first_timeout_at(arrival, spec.get("heartbeats", ()), timeout, heartbeat)
        traced = self._trace("callback", step_name)
        if fired is not None:
            seconds, error = fired
            self.sleep(seconds)
            # Step Functions gives a timed-out task no cause (its error output's Cause is ""), so neither do we.
            traced.error, traced.cause = error, ""
            raise self._mark(sfn.named_error(error, ""), step_name)
        if arrival is None:
            raise PyRunError(f"the callback for {step_name} never comes, and the call sets no timeout: on Step "
                             f"Functions the execution would wait for a year")
        if arrival:
            self.sleep(arrival)
        if "error" in spec:
            traced.error, traced.cause = spec["error"], spec.get("cause")
            raise self._mark(_named_error(self.module, spec["error"], spec.get("cause")), step_name)
        try:
            return traced.keep(json_round_trip(spec["result"]))
        except (TypeError, ValueError) as exc:
            raise PyRunError(f"the callback result for {step_name} is not JSON: {_json_problem(exc)}") from None

    def _callback_spec(self, step_name, token):
        provider = self.callbacks
        if provider is None:
            raise CallbackUnavailable(
                f"the workflow waits for a callback from step {step_name}, and no callback result was supplied: pass "
                f"callbacks={{{step_name!r}: {{'result': ...}}}} (or {{'error': ..., 'cause': ...}}, "
                f"{{'timeout': True}}), or use WorkflowTester.callback({step_name!r}, result=...)")
        if callable(provider):
            return self._ask(provider, step_name, token)
        if step_name not in provider:
            raise CallbackUnavailable(f"no callback result supplied for step {step_name} (callbacks has: "
                                      f"{', '.join(sorted(provider)) or 'nothing'})")
        spec = provider[step_name]
        if isinstance(spec, list):
            n = self.callback_counts.get(step_name, 0)
            self.callback_counts[step_name] = n + 1
            if n >= len(spec):
                raise CallbackUnavailable(f"step {step_name} waited for callback number {n + 1}, but only "
                                          f"{len(spec)} were supplied")
            spec = spec[n]
        return self._ask(spec, step_name, token) if callable(spec) else spec

    def _ask(self, provider, step_name, token):
        # The executor's callbacks, fn(token, payload, resource) -> CallbackResult | None, serve here too, so that
        # one provider can drive both runs.
        try:
            n_params = len(inspect.signature(provider).parameters)
        except (TypeError, ValueError):
            n_params = 2
        if n_params >= 3:
            call = self.calls[-1] if self.calls else None
            payload = {"step": step_name, "kwargs": call.kwargs if call else {}, "task_token": token}
            return provider(token, payload, "arn:aws:states:::lambda:invoke.waitForTaskToken")
        return provider(step_name, token)

    def aws_call(self, service, operation, params):
        self.settle()
        self.stats["sdk_calls"] += 1
        label = f"{service}.{operation}"
        mock = _find_mock(self.mocks, service, operation)
        if mock is _NO_MOCK:
            raise MissingMock(f"sfn.aws.{label} was called and no mock serves it: pass mocks={{{label!r}: result}} "
                              f"(a value, a function of the parameters, or an exception to raise)")
        try:
            params = json_round_trip(params)
        except (TypeError, ValueError) as exc:
            raise sfn.named_error(QUERY_ERROR, f"the parameters of sfn.aws.{label} are not JSON: {_json_problem(exc)}")
        from pyawssfn.compiler.aws_models import asl_parameter_name

        traced = self._trace("sdk", sdk_resource(service, operation).removeprefix("arn:aws:states:::"),
                             {asl_parameter_name(k): v for k, v in params.items()})
        return _resources.kept(traced, _resources.answer(self, mock, params, traced, label), f"sfn.aws.{label}")

    def _trace(self, kind, name, arguments=None) -> Call:
        call = Call(kind, name, arguments, side_by_side=self.running_side_by_side > 0)
        self.trace.append(call)
        return call

    def resource_call(self, resource, params, token_at):
        """sfn.run_job / wait_for_task_token / task_resource: served by mocks keyed by the Task resource."""
        return _resources.resource_call(self, resource, params, token_at)

    def distributed_map_started(self):
        self.settle()  # (its items' calls are compared: the executor keeps their events, comparison.machine_trace)

    def map_run_arn(self):
        return _resources.map_run_arn(self)

    def write_object(self, resource, arguments):
        """A distributed sfn.map's ResultWriter writing one object: handed to the mock of its resource, if any."""
        return _resources.write_object(self, resource, arguments)

    def read_items(self, resource, arguments):
        """A distributed sfn.map's ItemReader call (sfn.items_from_s3): what S3 answers, from the same mocks."""
        return _resources.read_items(self, resource, arguments)

    # --- step interception
    @staticmethod
    def _mark(exc, step_name):
        try:
            exc.__pyawssfn_step__ = step_name
        except AttributeError:
            pass
        return exc

    def interceptor(self, name, original):
        raw = sfn.unwrap_step(original)
        config = getattr(original, "__pyawssfn_task__", None)
        retries = config.retry if config else []
        timeout = config.timeout if config else None
        signature = inspect.signature(raw)

        def step(*args, **kwargs):
            return call(args, kwargs, retries, sys._getframe(1))

        def call(args, kwargs, retries, caller):
            if self.in_step:  # a step calling another function: plain Python inside the same Lambda invocation
                return original(*args, **kwargs)
            token = None
            if args and self.pending_token is not None and args[0] == self.pending_token:
                token, self.pending_token = args[0], None
            bound = signature.bind(*args, **kwargs).arguments
            if token is not None:
                bound.pop(next(iter(bound)))
            try:
                sent = json_round_trip(bound)
            except (TypeError, ValueError) as exc:
                raise sfn.named_error(QUERY_ERROR, f"the arguments of step {name} are not JSON: {_json_problem(exc)}")
            side, site = self._comprehension_item(caller), self.contexts.site(caller, name)
            if side is None:
                return sfn.call_with_retry(lambda: self._invoke(name, raw, sent, token, timeout, site), (), {}, retries)
            self.in_item += 1  # first: what the item's scheduler settles is everything but this comprehension
            side.begin()
            try:
                return sfn.call_with_retry(lambda: self._invoke(name, raw, sent, token, timeout, site), (), {}, retries)
            except Exception as exc:  # the item's error, as it leaves the Map's iteration
                failure = side.failure(exc)
                if failure is exc:
                    raise
                raise failure from None
            finally:
                side.done()
                self.in_item -= 1

        step.__wrapped__ = original
        step.__name__ = name
        # sfn.with_retry_spec's call: its specs' retriers instead of the decorator's, at the workflow's call site
        step.__pyawssfn_with_retries__ = lambda args, retries: call(args, {}, retries, sys._getframe(2))
        return step

    def child_workflow(self, name, fn):
        """``fn`` called from a workflow as what the compiled machine makes of it: a child execution
        (``states:startExecution.sync:2``) whose input and output are JSON, and whose failure reaches the parent as
        the child's error name and cause, whatever Python exception the child raised."""
        signature = inspect.signature(fn)

        def child(*args, **kwargs):
            if self.in_step:
                return fn(*args, **kwargs)
            self.settle()
            try:
                input_value = json_round_trip(signature.bind(*args, **kwargs).arguments)
            except (TypeError, ValueError) as exc:
                raise sfn.named_error(QUERY_ERROR, f"the input of child workflow {name} is not JSON: "
                                                   f"{_json_problem(exc)}") from None
            traced = self._trace("child", name, input_value)
            try:
                with self.contexts.child(name):
                    output = fn(**bind_input(fn, input_value))
            except PyRunError:
                raise
            except Exception as exc:
                traced.error, traced.cause = classify(exc, self.module)
                raise self._mark(_named_error(self.module, traced.error, traced.cause), name) from None
            try:
                return traced.keep(json_round_trip(output))
            except (TypeError, ValueError) as exc:
                traced.error = QUERY_ERROR
                raise self._mark(sfn.named_error(QUERY_ERROR, f"the result of child workflow {name} is not JSON: "
                                                              f"{_json_problem(exc)}"), name) from None

        child.__wrapped__ = fn
        child.__name__ = name
        return child

    def _comprehension_item(self, caller):
        """The scheduler of the list comprehension this step call is an item of, or None (after settling any
        comprehension before it) when the call is not one. ``[step(x) for x in xs]`` compiles to an inline Map, so
        its items run side by side, at most 40 at a time, as ``sfn.map``'s do. CPython 3.11 runs a comprehension
        in a frame of its own; later versions inline it, and there its items run one after the other."""
        module_file = getattr(self.module, "__file__", None)
        if caller.f_code.co_name != "<listcomp>" or not module_file or \
                os.path.abspath(caller.f_code.co_filename) != os.path.abspath(module_file):
            self.settle()
            return None
        if self.comprehension is None or self.comprehension[0] is not caller:
            self.settle()
            self.comprehension = (caller, _SideBySide(self, sfn.INLINE_MAP_LIMIT))
        return self.comprehension[1]

    def _invoke(self, name, raw, kwargs, token, timeout=None, site=None):
        arguments = json.dumps({"step": name, "kwargs": kwargs}, separators=(",", ":"), ensure_ascii=False)
        if len(arguments.encode("utf-8")) > PAYLOAD_LIMIT_BYTES:
            # The Task's Arguments are held to the payload quota: the state fails before the Lambda is invoked.
            raise self._mark(sfn.named_error("States.DataLimitExceeded", f"The state/task '{name}' returned a result "
                                             "with a size exceeding the maximum number of bytes service limit."), name)
        self.stats["lambda_invocations"] += 1
        call = StepCall(name, kwargs, token, time=self.elapsed)
        self.calls.append(call)
        traced = self._trace("step", name, kwargs)
        try:
            return self._call_step(call, raw, timeout, site)
        finally:
            if token is None:  # a step given a task token: the machine never sees its result, only the callback's
                traced.keep(call.result)
            traced.error, traced.cause = call.error, call.cause

    def _call_step(self, call: StepCall, raw, timeout, site):
        name, kwargs, token = call.step, call.kwargs, call.task_token
        fn = self.overrides.get(name, raw)
        self.in_step += 1
        self.step_deadline = None if timeout is None else self.elapsed + timeout
        try:
            with self.contexts.serving(site):
                result = check_result(name, raw, call_step(fn, json_round_trip(kwargs), token,
                                                            self.contexts.wrappers))  # the annotation's promise
        except _StepTimedOut:
            call.error, call.cause = "States.Timeout", ""
            raise self._mark(sfn.named_error("States.Timeout", ""), name) from None  # e.cause is "", as on AWS
        except sfn.Fail as exc:
            # What the workflow sees of a step's sfn.Fail is the Lambda error the dispatcher makes of it.
            call.error, call.cause = sfn.error_of(exc)
            raise self._mark(sfn.named_error(*sfn.error_of(exc)), name) from None
        except Exception as exc:
            call.error, call.cause = sfn.error_of(exc)
            raise self._mark(exc, name)
        finally:
            self.in_step -= 1
            self.step_deadline = None
        try:
            text = _payload_text(result)
        except (TypeError, ValueError) as exc:
            err = _marshal_error(f"Unable to marshal response: {exc}")  # the runtime's words, as the executor's
            call.error, call.cause = sfn.error_of(err)
            raise self._mark(err, name) from None
        if len(text.encode("utf-8")) > PAYLOAD_LIMIT_BYTES:
            # AWS names the integration ('lambda' for lambda:invoke) in this cause, not the state.
            err = sfn.named_error("States.DataLimitExceeded", "The state/task 'lambda' returned a result with a size "
                                                              "exceeding the maximum number of bytes service limit.")
            call.error, call.cause = sfn.error_of(err)
            raise self._mark(err, name)
        try:
            result = json_loads(text)
        except ValueError:
            result = text  # raw bytes that are not JSON arrive as a string, as on AWS
        call.result = result
        return result


class _ExecutionTimedOut(BaseException):
    """The execution ran past Step Functions' one-year maximum: nothing in the workflow can catch that."""


class _StepTimedOut(BaseException):
    """The running step's timeout ran out while it slept: a BaseException, so that the step's own ``except
    Exception`` cannot swallow it (a Lambda that times out is stopped)."""


class _SideBySide:
    """The branches of a Parallel or the items of a Map run one after the other here but side by side on the virtual
    clock, as the executor schedules them (local/concurrency.py): each starts when one of ``workers`` is free (all
    branches of a Parallel at its start; Map items in order, MaxConcurrency at a time), and the state ends when the
    last of them does (or, on a failure, when the failing one and those before it have ended)."""

    def __init__(self, run: _Run, workers: int):
        self.run = run
        self.free = [run.elapsed] * max(1, workers)
        self.end = run.elapsed

    def begin(self) -> None:
        self.run.settle()
        self.run.elapsed = heapq.heappop(self.free)
        self.run.running_side_by_side += 1

    def done(self) -> None:
        self.run.running_side_by_side -= 1
        self.run.settle()
        heapq.heappush(self.free, self.run.elapsed)
        self.end = max(self.end, self.run.elapsed)

    def finish(self) -> None:
        self.run.settle()
        self.run.elapsed = max(self.end, self.run.elapsed)

    def failure(self, exc):
        """The error a failed branch (or Map item) raises in the workflow: a step's error, an ``sfn.Fail`` or the
        exception of a ``raise`` statement as it is (a timeout without its prefix, as the compiled branch fails with
        it: compiler/error_names.py ``BRANCH_RENAMED``), and an error of a branch's own expression as the
        States.QueryEvaluationError that fails the Parallel state on the machine."""
        if isinstance(exc, (PyRunError, sfn.Fail)) or hasattr(exc, "__pyawssfn_step__"):
            if isinstance(exc, PyRunError):
                return exc
            error, cause = sfn.error_of(exc)
            return sfn.named_error(left_branch(error), cause) if left_branch(error) != error else exc
        error, cause = classify(exc, self.run.module)
        return sfn.named_error(left_branch(QUERY_ERROR), cause) if error == QUERY_ERROR else exc

    @staticmethod
    def result(value):
        """A Parallel branch's result, which leaves the branch as JSON (2.0 is 2, a tuple a list)."""
        try:
            return json_round_trip(value)
        except (TypeError, ValueError) as exc:
            raise sfn.named_error(QUERY_ERROR, f"the result of a parallel branch is not JSON: "
                                               f"{_json_problem(exc)}") from None


def run_workflow(module_or_path, workflow_name: str | None = None, input: Any = None, *, mocks=None,
                 callbacks=None, step_overrides: dict[str, Callable] | None = None,
                 start_time: _dt.datetime | None = None, seed: int = 0, execution_name: str = DEFAULT_EXECUTION,
                 state_names: dict | None = None) -> PyRunResult:
    """Run the workflow ``workflow_name`` (the module's only one if None) on ``input`` as plain Python.

    ``mocks`` serves ``sfn.aws`` calls: ``{"s3.get_object": value | fn(params) | exception}`` or
    ``fn(service, operation, params)``. ``callbacks`` serves ``sfn.wait_for_callback``: ``{step: spec}`` (a spec,
    a list of specs used in turn, or ``fn(step, token) -> spec``) or ``fn(step, token) -> spec``, where a spec is
    ``{"result": v}``, ``{"error": name, "cause": text}`` or ``{"timeout": True}``, optionally with ``"after":
    seconds``. ``step_overrides`` replaces step functions (same parameters) for this run. ``execution_name`` and
    ``state_names`` (``(workflow, step, line) -> state``) are what ``sfn.context()`` reads (``_pyrun_context``).
    """
    module = load_module(module_or_path)
    fn = find_workflow(module, workflow_name)
    names = step_names(module)
    unknown = sorted(set(step_overrides or {}) - set(names))
    if unknown:
        raise PyRunError(f"{', '.join(unknown)}: not a step of {module.__name__} (its steps: {', '.join(names)})")
    run = _Run(module, mocks, callbacks, step_overrides, start_time or DEFAULT_START, seed,
               StepContexts(module, fn.__name__, execution_name, state_names))
    run.workflow_name = fn.__name__
    namespace = vars(module)
    children = workflows_of(module)
    originals = {name: namespace[name] for name in [*names, *children]}
    result = PyRunResult(status="FAILED", calls=run.calls, sleeps=run.sleeps, stats=run.stats, trace=run.trace,
                         map_runs=run.map_runs)
    input_value = _execution_input(input)
    try:
        for name in names:
            namespace[name] = run.interceptor(name, originals[name])
        for name, child in children.items():
            namespace[name] = run.child_workflow(name, child)
        with sfn._installed_runtime(run):
            return _run_to_end(run, fn, input_value, [fn, *children.values()], [namespace[n] for n in names],
                               result)
    finally:
        namespace.update(originals)
        run.settle()
        run.stats["elapsed_seconds"] = run.elapsed


def _execution_input(input_value: Any) -> Any:
    """The execution input as JSON holds it, refused as StartExecution refuses it."""
    try:
        value = json_round_trip({} if input_value is None else input_value)
    except (TypeError, ValueError) as exc:
        raise PyRunError(f"the execution input is not JSON: {_json_problem(exc)}") from None
    size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    if size > PAYLOAD_LIMIT_BYTES:  # what StartExecution refuses (and the local executor with it)
        raise PyRunError(f"the execution input is {size} bytes; StartExecution accepts at most "
                         f"{PAYLOAD_LIMIT_BYTES} bytes (256 KiB)")
    return value


def _run_to_end(run, fn, input_value, workflows, steps, result: PyRunResult) -> PyRunResult:
    """Call the workflow (its steps intercepted, the runtime installed) and fill ``result`` with how it ended."""
    try:
        with work_budget(workflows, steps):  # 25,000 events
            output = fn(**bind_input(fn, input_value))
    except BudgetExceeded:
        result.error, result.cause = BUDGET_ERROR, BUDGET_CAUSE
        return result
    except PyRunError:
        raise
    except _ExecutionTimedOut:
        result.status, result.error, result.cause = "TIMED_OUT", "States.Timeout", None
        return result
    except Exception as exc:
        result.error, result.cause = classify(exc, run.module)
        return result
    try:
        result.output = json_round_trip(output)
    except (TypeError, ValueError) as exc:
        result.error, result.cause = QUERY_ERROR, f"the workflow's result is not JSON: {_json_problem(exc)}"
        return result
    result.status = "SUCCEEDED"
    return result
