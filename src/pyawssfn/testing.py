"""The testing API for users' pytest suites: run a workflow as plain Python and as the compiled state machine, with
the same mocked steps, injected failures, callbacks and SDK mocks on both sides, and check that they agree.

    from pyawssfn.testing import WorkflowTester

    t = WorkflowTester("examples/analyse_text.py")
    t.fail_step("augment_summary", error="ConnectionError", cause="down", times=1)   # then the real step runs
    py, machine = t.run_both({"text": "a short example"})
    assert machine.stats["lambda_invocations"] == 6

Everything runs in-process on a virtual clock: retries and sleeps take no real time. What the runs return, and the
assertions they offer (``execution.states``, ``execution.step(name)``, ``Status``), are in pyawssfn.results.
"""
from __future__ import annotations

import dataclasses
import inspect
import json
import os
import pathlib
import re
import sys
import types
import warnings
from typing import Any, Iterator

import pyawssfn as sfn
from pyawssfn import pyrun
from pyawssfn.pyrun import sdk_resource
from pyawssfn._dispatch import dispatch
from pyawssfn.results import MachineRun, PythonRun, Status

__all__ = ["DisagreementError", "Status", "WorkflowTester", "causes_must_agree", "plain_cause", "reported_cause"]

# pytest hides the frames of a module that sets this: a failing assertion points at the test, not at us.
__tracebackhide__ = True

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:pyawssfn-steps"
STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:{}"
_CHILD_PLACEHOLDER = re.compile(r"\$\{StateMachineArn_([A-Za-z_][A-Za-z0-9_]*)\}")

_UNSET = object()


# The rule for causes, and the comparison run_both applies, are pyawssfn.comparison's (one comparison for run_both,
# `run --compare` and the differential tests).
from pyawssfn.comparison import (  # noqa: E402,F401
    causes_must_agree, compare_runs, plain_cause as _plain_cause, plain_cause, reported_cause,
)


def _resolve_path(path, caller) -> pathlib.Path:
    """A relative path names a file beside the calling test file (so tests pass from any working directory); one
    that exists only relative to the working directory still works, as it did before."""
    p = pathlib.Path(path)
    if p.is_absolute():
        return p
    here = caller.f_globals.get("__file__")
    # Callers inside pyawssfn (the pytest fixture, the CLI) pass paths already resolved or relative to the cwd.
    if here and not os.path.abspath(here).startswith(_PACKAGE_DIR):
        beside = pathlib.Path(here).resolve().parent / p
        if beside.exists() or not p.exists():
            return beside
    return p


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _dicts(definition: dict, children: dict[str, dict]) -> Iterator[dict]:
    """Every object in a machine's definition and in its child machines' (the places a plan can name)."""
    todo: list[Any] = [definition, *children.values()]
    while todo:
        value = todo.pop()
        if isinstance(value, dict):
            yield value
            todo.extend(value.values())
        elif isinstance(value, list):
            todo.extend(value)


def _callback_steps(definition: dict, children: dict[str, dict]) -> frozenset[str]:
    """The steps a compiled machine (and its child machines) call with a task token: only they may receive one."""
    payloads = (d.get("Payload") for d in _dicts(definition, children))
    return frozenset(p["step"] for p in payloads
                     if isinstance(p, dict) and "task_token" in p and isinstance(p.get("step"), str))


def _resources(definition: dict, children: dict[str, dict]) -> frozenset[str]:
    """The resources a machine and its child machines use: Tasks', and a distributed Map's ItemReader/ResultWriter."""
    return frozenset(d["Resource"] for d in _dicts(definition, children) if isinstance(d.get("Resource"), str))


class UnusedPlanWarning(UserWarning):
    """A ``tester.callback`` or ``mock_aws``/``mock_resource`` that the compiled machine never asks for: a typo, or a
    test that outlived the workflow it was written for. A warning, not an error, so that one harness may configure
    the same plans for several workflows."""


class DisagreementError(AssertionError):
    """The plain-Python run and the state machine ended differently."""


@dataclasses.dataclass
class _StepPlan:
    returns: Any = _UNSET
    raises: BaseException | None = None
    error: Any = None
    cause: str | None = None
    times: int | None = None  # fail the first `times` calls, then run the real step
    answers: list | None = None  # {"Return": v} | {"Throw": {...}} per call (AWS's mock file, see mock_config)


@dataclasses.dataclass
class _CallbackPlan:
    result: Any = _UNSET
    error: str | None = None
    cause: str | None = None
    after: float = 0
    timeout: bool = False


class WorkflowTester:
    """Runs one workflow of a module both ways. Configure with ``mock_step``, ``fail_step``, ``callback`` and
    ``mock_aws``; then ``run_python``, ``run_machine`` or ``run_both``."""

    def __init__(self, module_or_path, workflow: str | None = None, *, definition: dict | None = None,
                 start_time=None, seed: int = 0):
        if inspect.ismodule(module_or_path):
            source = getattr(module_or_path, "__file__", None)
            self.path = pathlib.Path(source) if source else None
        else:
            self.path = _resolve_path(module_or_path, sys._getframe(1))
            module_or_path = self.path
        self.module = pyrun.load_module(module_or_path)
        self.workflow = pyrun.find_workflow(self.module, workflow).__name__
        self.start_time = start_time
        self.seed = seed
        self._definition = None if definition is None else self._fill_arns(definition)
        self._given_definition = definition is not None
        self._children: dict[str, dict] = {}
        self._source_map: dict[str, int] = {}
        self._field_lines: dict[str, dict[str, int]] = {}
        self._state_sites: dict[tuple[str, str, int], str | None] = {}
        self._steps: dict[str, _StepPlan] = {}
        self._callbacks: dict[str, list[_CallbackPlan]] = {}
        self._aws: dict[str, list[tuple[Any, tuple | None]]] = {}
        self.last_python: PythonRun | None = None
        self.last_execution = None

    def _machine_cause(self, cause: str | None) -> str:
        # A compiled machine reports a step's error with the message alone (its shared Fail state extracts it); a
        # definition given to the tester may let the Lambda's own error JSON through, as AWS reports it there.
        if self._given_definition and isinstance(cause, str) and cause.startswith("{"):
            try:
                payload = json.loads(cause)
            except ValueError:
                payload = None
            if isinstance(payload, dict) and {"errorMessage", "errorType"} <= payload.keys():
                return _plain_cause(payload["errorMessage"])
        return _plain_cause(cause)

    # ------------------------------------------------------------------------------------------- configuration
    def _check_step(self, name):
        steps = pyrun.step_names(self.module)
        if name not in steps:
            raise ValueError(f"{name!r} is not a step of {self.module.__name__} (its steps: {', '.join(steps)})")

    def mock_step(self, name: str, *, returns: Any = _UNSET, raises: BaseException | None = None):
        """Replace step ``name``: it returns ``returns`` or raises the exception ``raises`` on every call."""
        self._check_step(name)
        if (returns is _UNSET) == (raises is None):
            raise ValueError("mock_step needs exactly one of returns= or raises=")
        self._steps[name] = _StepPlan(returns=returns, raises=raises)
        return self

    def fail_step(self, name: str, *, error: Any = "Exception", cause: str = "", times: int | None = None):
        """Make step ``name`` fail with ``error`` (an exception class or an error name) and ``cause``: on every call,
        or on the first ``times`` calls only, after which the real step runs (so retries can be tested)."""
        self._check_step(name)
        self._steps[name] = _StepPlan(error=error, cause=cause, times=times)
        return self

    def callback(self, step: str, *, result: Any = _UNSET, error: str | None = None, cause: str | None = None,
                 after: float = 0, timeout: bool = False):
        """What arrives on the task token of ``sfn.wait_for_callback(step, ...)``: ``result`` (SendTaskSuccess),
        ``error``/``cause`` (SendTaskFailure) or nothing at all (``timeout=True``), ``after`` seconds. Calling it
        again for the same step queues the answer for the step's next wait."""
        self._check_step(step)
        if sum([result is not _UNSET, error is not None, timeout]) != 1:
            raise ValueError("callback needs exactly one of result=, error= or timeout=True")
        self._callbacks.setdefault(step, []).append(_CallbackPlan(result, error, cause, after, timeout))
        return self

    def mock_aws(self, operation: str, *, returns: Any = _UNSET, error: str | None = None, cause: str = ""):
        """Serve ``sfn.aws.<service>.<operation>`` (``"s3.get_object"``): ``returns`` a value or fails with
        ``error``/``cause``. Calling it again queues further answers; the last one repeats."""
        service, _, op = operation.partition(".")
        if not service or not op:
            raise ValueError(f"mock_aws takes 'service.operation', such as 's3.get_object', not {operation!r}")
        if (returns is _UNSET) == (error is None):
            raise ValueError("mock_aws needs exactly one of returns= or error=")
        self._aws.setdefault(f"{service}.{sfn._snake_case(op)}", []).append(
            (returns, None if error is None else (error, cause)))
        return self

    def mock_resource(self, resource: str, *, returns: Any = _UNSET, error: str | None = None, cause: str = ""):
        """Serve a Task resource of ``sfn.run_job`` / ``sfn.wait_for_task_token`` / ``sfn.task_resource``
        (``"arn:aws:states:::glue:startJobRun.sync"``): ``returns`` is the job's final state (or the token's
        answer), ``error``/``cause`` its failure. Calling it again queues further answers; the last one repeats."""
        if not resource.startswith("arn:"):
            raise ValueError(f"mock_resource takes a Task resource ARN, such as "
                             f"'arn:aws:states:::glue:startJobRun.sync', not {resource!r}")
        if (returns is _UNSET) == (error is None):
            raise ValueError("mock_resource needs exactly one of returns= or error=")
        self._aws.setdefault(resource, []).append((returns, None if error is None else (error, cause)))
        return self

    def mock_config(self, source, test_case: str | None = None):
        """Serve both sides from one test case of AWS's MockConfigFile (``"MockConfigFile.json#TestCase"``, a path,
        or the file's dict): each mocked state that calls a step or an ``sfn.aws`` operation gets its responses in
        call order (see docs/testing.md)."""
        from pyawssfn.local.aws_mock_config import AwsMocks, from_aws_config, tester_answers
        from pyawssfn.local.mocks import load_mocks
        mocks = source if isinstance(source, AwsMocks) else (
            from_aws_config(source, test_case) if isinstance(source, dict) else load_mocks(source, test_case))
        if not isinstance(mocks, AwsMocks):
            raise ValueError(f"{source}: not AWS's MockConfigFile format (StateMachines, MockedResponses)")
        for kind, name, answers in tester_answers(mocks, self.definition):
            if kind == "step":
                self._check_step(name)
                self._steps[name] = _StepPlan(answers=answers)
            else:
                self._aws[name] = [(a["Return"], None) if "Return" in a else
                                   (None, (a["Throw"]["Error"], a["Throw"].get("Cause", ""))) for a in answers]
        return self

    # ------------------------------------------------------------------------------------------- step doubles
    def _double(self, name, plan: _StepPlan, counter: dict):
        """A function with the step's signature that does what ``plan`` says (same object on both sides)."""
        real = sfn.unwrap_step(getattr(self.module, name))

        def double(*args, **kwargs):
            counter[name] = counter.get(name, 0) + 1
            if plan.raises is not None:
                raise plan.raises
            if plan.returns is not _UNSET:
                return plan.returns
            if plan.answers is not None:  # served in call order; past the last one the call fails
                n = counter[name] - 1
                if n >= len(plan.answers):
                    raise self._error("MockConfig.Exhausted", f"the mock file has {len(plan.answers)} response(s) for "
                                                              f"step {name!r}; call {n} (from 0) has none")
                if "Throw" in plan.answers[n]:
                    raise self._error(plan.answers[n]["Throw"]["Error"], plan.answers[n]["Throw"].get("Cause", ""))
                return plan.answers[n]["Return"]
            if plan.times is None or counter[name] <= plan.times:
                raise self._error(plan.error, plan.cause)
            return real(*args, **kwargs)

        double.__signature__ = inspect.signature(real)
        double.__wrapped__ = real  # the step boundary checks a double's result against the real step's annotation
        double.__name__ = name
        return double

    def _error(self, error, cause):
        if isinstance(error, type) and issubclass(error, BaseException):
            return error(cause)
        return pyrun._named_error(self.module, str(error), cause)

    def _overrides(self):
        counter: dict[str, int] = {}
        return {name: self._double(name, plan, counter) for name, plan in self._steps.items()}

    # ------------------------------------------------------------------------------------------- plain Python
    def run_python(self, input_value: Any = None) -> pyrun.PyRunResult:
        callbacks = self._python_callbacks() if self._callbacks else None
        mocks = self._python_mocks() if self._aws else None
        result = pyrun.run_workflow(self.module, self.workflow, input_value, mocks=mocks, callbacks=callbacks,
                                    step_overrides=self._overrides(), start_time=self.start_time, seed=self.seed,
                                    state_names=self._state_names())
        self.last_python = PythonRun(result, pyrun.step_names(self.module))
        return self.last_python

    def _state_names(self) -> dict | None:
        """For ``sfn.context().state`` under plain Python: which state each step call compiles to (compiling only
        for a module that reads the context; one that does not compile runs without state names)."""
        from pyawssfn._pyrun_context import StepContexts
        from pyawssfn.compiler import CompileError

        if not StepContexts(self.module, self.workflow).sent:
            return None
        try:
            _ = self.definition
        except (CompileError, ValueError):
            return None
        return self._state_sites

    def _python_callbacks(self):
        used: dict[str, int] = {}

        def provide(step, token):
            plans = self._callbacks.get(step)
            if not plans:
                raise pyrun.CallbackUnavailable(f"no callback configured for step {step}: call "
                                                f"tester.callback({step!r}, result=...)")
            n = used.get(step, 0)
            used[step] = n + 1
            plan = plans[min(n, len(plans) - 1)]
            spec = {"after": plan.after}
            if plan.timeout:
                spec["timeout"] = True
            elif plan.error is not None:
                spec.update(error=plan.error, cause=plan.cause)
            else:
                spec["result"] = plan.result
            return spec

        return provide

    def _python_mocks(self):
        used: dict[str, int] = {}

        def serve(service, operation, params):
            key = service if operation is None else f"{service}.{operation}"  # a resource (mock_resource)
            answers = self._aws.get(key)
            if not answers:
                raise pyrun.MissingMock(f"sfn.aws.{key} was called and is not mocked: call "
                                        f"tester.mock_aws({key!r}, returns=...)")
            n = used.get(key, 0)
            used[key] = n + 1
            returns, failure = answers[min(n, len(answers) - 1)]
            if failure is not None:
                raise sfn.named_error(*failure)
            return returns

        return serve

    # ------------------------------------------------------------------------------------------- state machine
    @property
    def source_map(self) -> dict[str, int]:
        """State name -> the line of the workflow's Python it was compiled from (compiling first if needed)."""
        if not self._given_definition:
            _ = self.definition
        return dict(self._source_map)

    @property
    def field_lines(self) -> dict[str, dict[str, int]]:
        """State name -> {field ("Output", "Assign/x") -> its line}, for a field the compiler folded into a state from
        another statement than the state's own (CompileResult.field_lines)."""
        if not self._given_definition:
            _ = self.definition
        return {k: dict(v) for k, v in self._field_lines.items()}

    @property
    def definition(self) -> dict:
        """The compiled state machine (compiled once), with the Lambda and child-machine ARNs filled in."""
        if self._definition is None:
            self._definition = self._compile(self.workflow)
        return self._definition

    def _compile(self, workflow: str) -> dict:
        from pyawssfn.compiler import compile_file

        if self.path is None:
            raise ValueError(f"run_machine needs the workflow's source file, and module {self.module.__name__} has "
                             "no __file__: create the tester with the module's path")
        from pyawssfn._pyrun_context import state_sites

        res = compile_file(str(self.path), workflow=workflow, function_arn=FUNCTION_ARN)
        for name, line in res.source_map.items():
            self._source_map.setdefault(name, line)
        for name, fields in res.field_lines.items():
            self._field_lines.setdefault(name, fields)
        self._state_sites.update(state_sites(workflow, res.definition, res.source_map))
        for child in res.children:
            if child not in self._children and child != workflow:
                self._children[child] = {}  # placeholder against cycles
                self._children[child] = self._compile(child)
        return self._fill_arns(res.definition)

    @staticmethod
    def _fill_arns(definition: dict) -> dict:
        text = json.dumps(definition).replace("${FunctionArn}", FUNCTION_ARN)
        return json.loads(_CHILD_PLACEHOLDER.sub(lambda m: STATE_MACHINE_ARN.format(m.group(1)), text))

    def _lambda_handler(self):
        overrides = self._overrides()
        module = self.module
        steps = pyrun.step_names(module)
        # Doubles stand in for the module's functions; the dispatcher still does the binding and error naming.
        namespace = types.SimpleNamespace(**{n: overrides.get(n, getattr(module, n)) for n in steps})
        setattr(namespace, sfn.STEP_WRAPPERS, getattr(module, sfn.STEP_WRAPPERS, ()))
        callback_steps = None if self._given_definition else _callback_steps(self.definition, self._children)

        def handler(event, context):
            return dispatch(namespace, steps, event, context, callback_steps)

        return handler

    def _machine_callbacks(self):
        from pyawssfn.local import CallbackResult

        used: dict[str, int] = {}

        def provide(token, payload, resource):
            if resource in self._aws:  # sfn.wait_for_task_token: mock_resource's answer is the token's
                n = used.get(resource, 0)
                used[resource] = n + 1
                returns, failure = self._aws[resource][min(n, len(self._aws[resource]) - 1)]
                return CallbackResult.success(returns) if failure is None else CallbackResult.failure(*failure)
            step = payload.get("step") if isinstance(payload, dict) else None
            plans = self._callbacks.get(step)
            if not plans:
                raise pyrun.CallbackUnavailable(f"no callback configured for step {step}: call "
                                                f"tester.callback({step!r}, result=...)")
            n = used.get(step, 0)
            used[step] = n + 1
            plan = plans[min(n, len(plans) - 1)]
            if plan.timeout:
                return None
            if plan.error is not None:
                return CallbackResult.failure(plan.error, plan.cause, after_seconds=plan.after)
            return CallbackResult.success(plan.result, after_seconds=plan.after)

        return provide

    def _machine_mocks(self):
        mocks = {}
        for key, answers in self._aws.items():
            service, _, op = key.partition(".")
            responses = [{"Return": r} if f is None else {"Throw": {"Error": f[0], "Cause": f[1]}}
                         for r, f in answers]
            if key.endswith(".waitForTaskToken"):  # the service call's own response; the callbacks answer the token
                responses = [{"Return": {}}]
            mocks[key if key.startswith("arn:") else sdk_resource(service, op)] = responses
        return mocks or None

    def _check_plans(self) -> None:
        """A callback or SDK mock the compiled machine never asks for is a typo or a stale test: warn before the run
        (UnusedPlanWarning), with what the machine does wait on and call (a hand-written definition is not
        checked)."""
        if self._given_definition:
            return
        definition = self.definition
        awaited = _callback_steps(definition, self._children)
        for step in self._callbacks:
            if step not in awaited:
                warnings.warn(f"tester.callback({step!r}, ...): {self.workflow} never waits for a callback of "
                              f"{step!r} (sfn.wait_for_callback steps: {', '.join(sorted(awaited)) or 'none'})",
                              UnusedPlanWarning, stacklevel=3)
        resources = _resources(definition, self._children)
        for key in self._aws:
            service, _, op = key.partition(".")
            if (key if key.startswith("arn:") else sdk_resource(service, op)) not in resources:
                called = sorted(r for r in resources if not r.startswith("arn:aws:states:::lambda:invoke"))
                what = "mock_resource" if key.startswith("arn:") else "mock_aws"
                warnings.warn(f"tester.{what}({key!r}, ...): {self.workflow} never calls it (the resources "
                              f"it uses besides the steps: {', '.join(called) or 'none'})",
                              UnusedPlanWarning, stacklevel=3)

    def run_machine(self, input_value: Any = None):
        """Compile the workflow and run it in the local executor, the steps served in-process by the dispatcher."""
        self._check_plans()
        ex = self._executor()
        # This run's doubles, callback answers and SDK mocks (each run counts its calls from zero).
        handler = self._lambda_handler()
        self._run_state = (handler, self._machine_callbacks())
        ex.mocks_spec = self._machine_mocks()
        execution = ex.run({} if input_value is None else input_value, start_time=self.start_time)
        self.last_execution = MachineRun(execution, self._source_map, pyrun.step_names(self.module))
        return self.last_execution

    def _executor(self):
        """One executor per tester and seed: building one validates the definition, which costs as much as a run."""
        from pyawssfn.local import Executor

        cached = getattr(self, "_cached_executor", None)
        if cached is not None and cached[0] == self.seed:
            return cached[1]
        definition = self.definition
        children = {STATE_MACHINE_ARN.format(name): d for name, d in self._children.items()}
        ex = Executor(definition, lambdas={FUNCTION_ARN: self._serve_step}, mocks=self._machine_mocks(),
                      state_machines=children, callbacks=self._answer_callback, start_time=self.start_time,
                      seed=self.seed)
        self._cached_executor = (self.seed, ex)
        return ex

    def _serve_step(self, event, context):
        return self._run_state[0](event, context)

    def _answer_callback(self, token, payload, resource):
        return self._run_state[1](token, payload, resource)

    # ------------------------------------------------------------------------------------------- both
    def run_both(self, input_value: Any = None):
        """Run both ways and return ``(python_result, execution)``; raise ``DisagreementError`` when they differ
        (``pyawssfn.comparison``): a step call, callback, SDK call or child workflow made with other arguments, other
        attempts or another outcome, or the status, output, error name or (unless ``causes_must_agree`` says the
        error's cause is worded freely) cause. The message names the first differing call with both values."""
        py = self.run_python(input_value)
        machine = self.run_machine(input_value)
        comparison = compare_runs(py, machine, machine_cause=self._machine_cause)
        if not comparison.equal:
            raise DisagreementError(f"{self.module.__name__}.{self.workflow} on {input_value!r} runs differently "
                                    "as plain Python and as the state machine:\n  "
                                    + "\n  ".join(str(d) for d in comparison.differences))
        return py, machine
