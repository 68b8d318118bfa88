"""The interpreter loop of the local ASL executor.

An ``Executor`` holds a definition and what serves its tasks; ``run(input)`` returns an ``Execution`` with AWS's
status, output, error, cause and event history. Everything runs in-process on a virtual clock: Parallel branches
run one after the other, branch 0 first, and Map iterations in index order, while the clock has them run side by side
(see concurrency.py), so a run is determined by its seed and execution name.
"""
from __future__ import annotations

import datetime as _dt
import json
import random
import uuid
from dataclasses import dataclass, field

from pyawssfn.local import retry as _retry
from pyawssfn.local.clock import VirtualClock, iso
from pyawssfn.local.context import execution_context, state_context
from pyawssfn.local.errors import StatesError
from pyawssfn.gcpause import no_full_collection
from pyawssfn.local.history import History
from pyawssfn.local.lambdas import DEFAULT_ACCOUNT, DEFAULT_REGION, LambdaRegistry
from pyawssfn.local.limits import (HISTORY_LIMIT_EVENTS, PAYLOAD_LIMIT_BYTES, HistoryLimitExceeded, check_payload,
                                   check_variables, dumps, too_large)
from pyawssfn.semantics.quotas import MAX_EXECUTION_SECONDS, utf8_size
from pyawssfn.local.mocks import Mocks

JSONPATH = "JSONPath"
JSONATA = "JSONata"
_RETRYABLE = frozenset({"Task", "Parallel", "Map"})
_TYPES = ("Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")
_ENTERED = {t: f"{t}StateEntered" for t in _TYPES}
_EXITED = {t: f"{t}StateExited" for t in _TYPES}


class DefinitionError(Exception):
    """The definition is not valid ASL; ``problems`` lists every problem found."""

    def __init__(self, problems):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid state machine definition ({len(self.problems)} problem"
                         f"{'s' if len(self.problems) != 1 else ''}):\n{lines}")


class InvalidExecutionInput(ValueError):
    """StartExecution would be rejected: the input is not JSON or is larger than the payload quota."""


EXPRESS_MAX_SECONDS = 5 * 60  # an Express execution's maximum duration (MAX_EXECUTION_SECONDS: quotas)


class ExecutionTimedOut(Exception):
    """The execution's own TimeoutSeconds elapsed on the virtual clock."""


class StateFailure(StatesError):
    """A state failed and nothing caught it: the branch, iteration or execution fails with error and cause.

    Unlike StatesError, error or cause may be None (a Fail state with neither)."""


@dataclass
class Execution:
    name: str
    execution_arn: str
    state_machine_arn: str
    input: object
    start_date: _dt.datetime
    status: str = "RUNNING"
    output: object = None
    error: str | None = None
    cause: str | None = None
    stop_date: _dt.datetime | None = None
    history: list = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    children: list = field(default_factory=list)  # executions started by startExecution tasks
    # Local only, for the comparison with the plain-Python run: a distributed Map run's ARN -> the event history of
    # each of its items in the order they ran (child executions on AWS, out of this history).
    map_runs: dict = field(default_factory=dict)
    # Local only, for timelines: each error a Task, Parallel or Map state met, and what became of it.
    notes: list = field(default_factory=list)


def _load_definition(definition):
    if isinstance(definition, (str, bytes)):
        try:
            definition = json.loads(definition)
        except ValueError as exc:
            raise DefinitionError([f"the definition is not valid JSON: {exc}"]) from None
    if not isinstance(definition, dict):
        raise DefinitionError(["the definition must be a JSON object"])
    return definition


def _validate(definition) -> None:
    try:
        from pyawssfn.asl.validate import validate_definition
    except ImportError:  # the validator is optional at runtime: run unvalidated rather than refuse
        problems = _minimal_problems(definition)
    else:
        problems = validate_definition(definition)
    if problems:
        raise DefinitionError(problems)


def _minimal_problems(definition) -> list[str]:
    """The checks the interpreter cannot run without, used only when the validator is unavailable."""
    problems = []

    def walk(machine, where):
        states = machine.get("States")
        if not isinstance(states, dict) or not states:
            problems.append(f"{where}: 'States' must be a non-empty object")
            return
        if machine.get("StartAt") not in states:
            problems.append(f"{where}: 'StartAt' must name one of the states")
        for name, st in states.items():
            if not isinstance(st, dict) or "Type" not in st:
                problems.append(f"{where}.States.{name}: missing 'Type'")
                continue
            for key in ("Next", "Default"):
                if key in st and st[key] not in states:
                    problems.append(f"{where}.States.{name}: '{key}' names unknown state {st[key]!r}")
            for b, branch in enumerate(st.get("Branches", []) or []):
                walk(branch, f"{where}.States.{name}.Branches[{b}]")
            for key in ("ItemProcessor", "Iterator"):
                if isinstance(st.get(key), dict):
                    walk(st[key], f"{where}.States.{name}.{key}")

    walk(definition, "$")
    return problems


class Executor:
    """Runs one ASL definition locally. See docs/executor.md."""

    def __init__(self, definition, lambdas=None, mocks=None, state_machines=None, callbacks=None,
                 start_time=None, seed=0, validate=True, *, state_machine_arn=None, role_arn=None,
                 region=DEFAULT_REGION, account=DEFAULT_ACCOUNT, history_limit=HISTORY_LIMIT_EVENTS,
                 keep_history=True, machine_type="STANDARD"):
        self.definition = _load_definition(definition)
        if validate:
            _validate(self.definition)
        self.machine_type = _check_machine_type(machine_type, self.definition)
        self.lambdas = LambdaRegistry(lambdas)
        self.mocks_spec = mocks
        Mocks(mocks)  # checks the format now rather than at the first call
        self.state_machines = dict(state_machines or {})
        self.callbacks = callbacks
        self.start_time = start_time
        self.seed = seed
        self.validate = validate
        self.region = region
        self.account = account
        self.state_machine_arn = state_machine_arn or f"arn:aws:states:{region}:{account}:stateMachine:local"
        self.role_arn = role_arn or f"arn:aws:iam::{account}:role/pyawssfn-local"
        self.history_limit = history_limit
        self.keep_history = keep_history
        self.context_reads = {}  # JSONPath templates of the definition -> whether they read $$ (dataflow.py)
        self.templates = {}  # (JSONata template, field) -> its compiled form (dataflow.jsonata_field)

    def run(self, input_value=None, name: str = "exec-1", *, start_time=None, input_text: str | None = None,
            _parent=None) -> Execution:
        """Execute the definition with ``input_value`` (any JSON value; None means ``{}``)."""
        if input_value is None and input_text is None:
            input_value = {}
        if input_text is None:
            try:
                input_text = dumps(input_value)
            except (TypeError, ValueError) as exc:
                raise InvalidExecutionInput(f"the execution input is not JSON: {exc}") from None
        if too_large(input_text):
            raise InvalidExecutionInput(
                f"the execution input is {len(input_text.encode('utf-8'))} bytes; StartExecution accepts at most "
                f"{PAYLOAD_LIMIT_BYTES} bytes (256 KiB)")
        with no_full_collection():
            run = Run(self, name, input_value, input_text, start_time or self.start_time, _parent)
            return run.execute()


class Run:
    """The state of one execution: clock, history, rng, statistics."""

    def __init__(self, executor: Executor, name: str, input_value, input_text: str, start_time, parent):
        self.executor = executor
        self.clock = parent.clock if parent is not None else VirtualClock(start_time)
        self.history = History(self.clock, executor.history_limit, executor.keep_history)
        self.rng = random.Random(f"{executor.seed}:{name}") if parent is None else parent.rng
        self.mocks = parent.mocks if parent is not None else Mocks(executor.mocks_spec)
        self.stats = {"states_entered": 0, "state_transitions": 0, "lambda_invocations": 0}
        self.parent = parent
        self.depth = 0 if parent is None else parent.depth + 1
        sm_arn = executor.state_machine_arn
        sm_name = sm_arn.rsplit(":", 1)[-1]
        express = executor.machine_type == "EXPRESS"
        if express:  # arn:aws:states:<region>:<account>:express:<machine>:<name>:<uuid>
            self.execution_arn = (sm_arn.replace(":stateMachine:", ":express:", 1) +
                                  f":{name}:{uuid.UUID(int=self.rng.getrandbits(128), version=4)}")
        else:
            self.execution_arn = sm_arn.replace(":stateMachine:", ":execution:", 1) + f":{name}"
        self.input_value = input_value
        self.input_text = input_text
        self.start = self.clock.now()
        self.ctx_base = execution_context(
            execution_arn=self.execution_arn, name=name, start_time=iso(self.start), input_value=input_value,
            role_arn=executor.role_arn, state_machine_arn=sm_arn, state_machine_name=sm_name, redrivable=not express)
        self.execution = Execution(name=name, execution_arn=self.execution_arn, state_machine_arn=sm_arn,
                                   input=input_value, start_date=self.start, history=self.history.events,
                                   stats=self.stats)
        self.children = self.execution.children
        # Conversions of large values for jsonata-python, remembered for the execution (values are never modified
        # in place): without it every Map item converted the whole execution input again.
        self.jsonata_cache = {} if parent is None else parent.jsonata_cache
        self.size_cache = {} if parent is None else parent.size_cache
        clock = self.clock
        self.now_ms = lambda: int(clock.now().timestamp() * 1000)  # what $now()/$millis() read
        timeout = executor.definition.get("TimeoutSeconds")
        # A Standard execution runs for at most a year, an Express one five minutes: past that AWS times it out
        # like its own TimeoutSeconds.
        longest = EXPRESS_MAX_SECONDS if executor.machine_type == "EXPRESS" else MAX_EXECUTION_SECONDS
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout > longest:
            timeout = longest
        self.deadline = self.start + _dt.timedelta(seconds=timeout)

    # -- helpers used by the state handlers ----------------------------------------------------------------------
    def value_bytes(self, value) -> int:
        """Bytes of a value's JSON text, remembered per value: every Map iteration counts the variables it sees."""
        cache = self.size_cache
        hit = cache.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        size = utf8_size(dumps(value))
        if len(cache) > 10_000:
            cache.clear()
        cache[id(value)] = (value, size)
        return size

    def new_uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def sleep(self, seconds: float) -> None:
        """Advance the virtual clock, ending the execution at its deadline."""
        if seconds <= 0:
            return
        target = self.clock.now() + _dt.timedelta(seconds=seconds)
        if self.deadline is not None and target >= self.deadline:
            self.clock.advance_to(self.deadline)
            raise ExecutionTimedOut()
        self.clock.advance_to(target)

    def sleep_until(self, moment: _dt.datetime) -> None:
        if self.deadline is not None and moment >= self.deadline:
            self.clock.advance_to(self.deadline)
            raise ExecutionTimedOut()
        self.clock.advance_to(moment)

    # -- the execution -------------------------------------------------------------------------------------------
    def execute(self) -> Execution:
        ex = self.execution
        definition = self.executor.definition
        try:
            self.history.add("ExecutionStarted", {
                "input": self.input_text, "inputDetails": {"truncated": False}, "roleArn": self.executor.role_arn},
                previous=0)
            # ExecutionStarted keeps the text as given; the first state enters with it re-serialised compactly
            # (recorded on AWS).
            output, output_text = run_machine(self, definition, self.input_value, dumps(self.input_value),
                                              variables={}, query_language=definition.get("QueryLanguage", JSONPATH))
            ex.status, ex.output = "SUCCEEDED", output
            self.history.add("ExecutionSucceeded", History.with_output(output_text))
        except StatesError as exc:
            ex.status, ex.error, ex.cause = "FAILED", exc.error, exc.cause
            details = {}
            if exc.error is not None:
                details["error"] = exc.error
            if exc.cause is not None:
                details["cause"] = exc.cause
            self._final_event("ExecutionFailed", details)
        except ExecutionTimedOut:
            ex.status, ex.error = "TIMED_OUT", "States.Timeout"
            ex.cause = None
            self._final_event("ExecutionTimedOut", {"error": "States.Timeout"})
        except HistoryLimitExceeded as exc:
            # AWS fails an execution whose history reaches the event quota.
            ex.status, ex.error = "FAILED", "States.Runtime"
            ex.cause = f"The execution reached the maximum number of history events ({exc.args[0]})."
            self.history.add("ExecutionFailed", {"error": ex.error, "cause": ex.cause})
        except RecursionError:
            ex.status, ex.error = "FAILED", "States.Runtime"
            ex.cause = "The state machine nests Parallel, Map or child executions too deeply to run locally."
            self._final_event("ExecutionFailed", {"error": ex.error, "cause": ex.cause})
        ex.stop_date = self.clock.now()
        return ex

    def _final_event(self, event_type, details):
        self.history.limit = None  # the closing event is always recorded
        self.history.add(event_type, details)


# -- running a state machine or a branch ---------------------------------------------------------------------------

class Frame:
    """One running (sub-)machine: the top level, a Parallel branch or a Map iteration."""

    __slots__ = ("run", "states", "variables", "query_language", "variable_bytes")

    def __init__(self, run: Run, states: dict, variables: dict, query_language: str):
        self.run = run
        self.states = states
        self.variables = variables
        self.query_language = query_language
        self.variable_bytes = None  # name -> bytes of its JSON text, counted at the first Assign

    def assign(self, who: str, assigned: dict, texts: dict) -> None:
        """Store an Assign's values, held to AWS's variable quotas (the variables in this scope count as the
        execution's stored variables)."""
        sizes = self.variable_bytes
        if sizes is None:
            sizes = self.variable_bytes = {k: self.run.value_bytes(v) for k, v in self.variables.items()}
        new_sizes = {k: utf8_size(t) for k, t in texts.items()}
        total = sum(sizes.values()) - sum(sizes.get(k, 0) for k in new_sizes) + sum(new_sizes.values())
        check_variables(who, texts, total)
        self.variables.update(assigned)
        sizes.update(new_sizes)


def run_machine(run: Run, machine: dict, input_value, input_text: str, *, variables: dict, query_language: str):
    """Run ``machine`` (StartAt/States) from its start to an end; returns (output, output_text).

    Raises StateFailure when a state fails and nothing catches it."""
    from pyawssfn.local.states import HANDLERS

    frame = Frame(run, machine["States"], variables, machine.get("QueryLanguage", query_language))
    name = machine["StartAt"]
    history = run.history
    stats = run.stats
    states = frame.states
    deadline = run.deadline
    while True:
        state = states.get(name)
        stype = state.get("Type") if isinstance(state, dict) else None
        if stype not in HANDLERS:  # only reachable with validate=False
            raise StatesError("States.Runtime", f"The state machine has no runnable state {name!r} "
                              f"(type {stype!r}); validate the definition to see every problem.")
        if deadline is not None and run.clock.now() >= deadline:
            raise ExecutionTimedOut()
        entered_id = history.add(_ENTERED[stype], {
            "input": input_text, "inputDetails": {"truncated": False}, "name": name})
        stats["states_entered"] += 1
        stats["state_transitions"] += 1
        sx = StateExec(frame, name, state, input_value, entered_id)
        next_name, output, output_text = HANDLERS[stype](sx)
        if next_name is None:
            return output, output_text
        name, input_value, input_text = next_name, output, output_text


class StateExec:
    """Everything a state handler needs about the state being executed."""

    __slots__ = ("frame", "run", "name", "state", "input", "entered_id", "ql", "entered_at", "entered_time",
                 "retry_count",
                 "task_token", "assigned")

    def __init__(self, frame: Frame, name: str, state: dict, input_value, entered_id: int):
        self.frame = frame
        self.run = frame.run
        self.name = name
        self.state = state
        self.input = input_value
        self.entered_id = entered_id
        self.ql = state.get("QueryLanguage", frame.query_language)
        # The moment is taken now and written as text only if the context object is read.
        self.entered_at = self.run.clock.now()
        self.entered_time = None
        self.retry_count = 0
        self.task_token = None
        self.assigned = None

    @property
    def jsonata(self) -> bool:
        return self.ql == JSONATA

    @property
    def variables(self) -> dict:
        return self.frame.variables

    def context(self, map_item=None) -> dict:
        if self.entered_time is None:
            self.entered_time = iso(self.entered_at)
        retry_count = self.retry_count if self.state["Type"] in _RETRYABLE else None
        return state_context(self.run.ctx_base, self.name, self.entered_time, retry_count, self.task_token,
                             map_item)

    def error_prefix(self) -> str:
        return (f"An error occurred while executing the state '{self.name}' "
                f"(entered at the event id #{self.entered_id}). ")

    def runtime_error(self, message: str) -> StatesError:
        return StatesError("States.Runtime", self.error_prefix() + message)

    def exit(self, output, next_name):
        """Record the state's exit (applying its pending Assign) and hand back what run_machine expects."""
        text = dumps(output)
        check_payload(text, self.name)
        details = {"name": self.name, "output": text, "outputDetails": {"truncated": False}}
        if self.assigned:
            texts = {k: dumps(v) for k, v in self.assigned.items()}
            self.frame.assign(self.name, self.assigned, texts)
            details = {"assignedVariables": texts, "assignedVariablesDetails": {"truncated": False}, **details}
        self.run.history.add(_EXITED[self.state["Type"]], details)
        return next_name, output, text

    def next_of(self, where: dict | None = None):
        where = self.state if where is None else where
        if where.get("End"):
            return None
        return where.get("Next")


def fail_state(error, cause) -> StateFailure:
    return StateFailure(error, cause)


def with_error_handling(sx: StateExec, attempt, failed_event: str | None = None):
    """Run ``attempt()`` -> (next_name, output, output_text) applying the state's Retry and Catch fields.

    ``failed_event`` (ParallelStateFailed, MapStateFailed) is recorded once the state has failed for good, that is
    when no retrier takes the error, as AWS records it; States.Runtime errors end the execution without it."""
    state = sx.state
    retriers = state.get("Retry") or ()
    catchers = state.get("Catch") or ()
    counts = [0] * len(retriers)
    run = sx.run
    while True:
        try:
            return attempt()
        except StatesError as exc:
            error, cause = exc.error, exc.cause
            if error in _retry.UNCATCHABLE:
                raise fail_state(error, cause) from None
            i = _retry.find(retriers, error)
            note = {"event": run.history.count, "state": sx.name, "error": error, "cause": cause}
            if i is not None and counts[i] < _retry.max_attempts(retriers[i]):
                delay = _retry.delay_seconds(retriers[i], counts[i], run.rng)
                run.execution.notes.append({**note, "outcome": "retry", "attempt": sx.retry_count + 1,
                                            "delay": delay})
                run.sleep(delay)
                counts[i] += 1
                sx.retry_count += 1
                sx.task_token = None
                run.stats["state_transitions"] += 1
                continue
            if failed_event is not None:
                run.history.add(failed_event)
            j = _retry.find(catchers, error)
            if j is None:
                run.execution.notes.append({**note, "outcome": "failed"})
                raise fail_state(error, cause) from None
            run.execution.notes.append({**note, "outcome": "caught", "next": catchers[j]["Next"]})
            return catch(sx, catchers[j], error, cause)


def catch(sx: StateExec, catcher: dict, error, cause):
    from pyawssfn.local import dataflow

    error_output = {"Error": error, "Cause": cause if cause is not None else ""}
    if sx.jsonata:
        states = dataflow.states_var(sx, input=sx.input, errorOutput=error_output)
        assigned = dataflow.jsonata_assign(sx, catcher.get("Assign"), states)
        if "Output" in catcher:
            output = dataflow.jsonata_field(sx, "Output", catcher["Output"], states)
        else:
            output = error_output
    else:
        assigned = dataflow.jsonpath_assign(sx, catcher.get("Assign"), error_output)
        output = dataflow.result_path(sx, sx.input, error_output, catcher.get("ResultPath", "$"))
    sx.assigned = assigned
    return sx.exit(output, catcher["Next"])


def _check_machine_type(machine_type, definition) -> str:
    """Express machines (issue #10): AWS refuses .sync/.waitForTaskToken and activities in them (deploy/express.py
    says which states); the five-minute limit is applied by Run."""
    from pyawssfn.deploy.express import MACHINE_TYPES, express_problems
    if machine_type not in MACHINE_TYPES:
        raise ValueError(f"machine_type {machine_type!r}: use STANDARD or EXPRESS")
    if machine_type == "EXPRESS" and (problems := express_problems(definition)):
        raise DefinitionError(problems)
    return machine_type


def run_definition(definition, input_value=None, **kwargs) -> Execution:
    """One-shot helper: ``Executor(definition, **kwargs).run(input_value)``."""
    name = kwargs.pop("name", "exec-1")
    return Executor(definition, **kwargs).run(input_value, name=name)
