"""Run compiled machines on both engines and compare what they did.

Our executor runs first, with the real step code (WorkflowTester). Every Task it ran (Lambda steps, callbacks,
SDK calls, child executions) is read back from its history and becomes LocalStack's mocked answer for that state, in
the order LocalStack will ask for it: one counter per state name, shared by all Map iterations, which LocalStack runs
one at a time in index order because its copy of the definition has every Map's MaxConcurrency set to 1. Then the
same definition runs on LocalStack, and the two runs are compared: status, output, error, cause, the states entered,
every Task request (the parameters of each TaskScheduled, per state) and the objects a ResultWriter wrote to S3.

A Distributed Map's iterations are child executions: neither engine records their events in the parent's history
(LocalStack keeps them in an event manager of the Map Run's own, which it drops, nor lists them as executions of the
Map Run). Our executor's child histories are kept while a case runs (see child_histories), for their Tasks' answers
and their requests; LocalStack's are written out by the harness's patch (_launch.py) as the Map Run ends. Both
sides' children's Task requests are compared per state (``child_requests``), with the Map's result and the objects
written."""
from __future__ import annotations

import collections
import contextlib
import copy
import dataclasses
import hashlib
import json
import re
import warnings
from typing import Any

from pyawssfn.testing import UnusedPlanWarning

from . import s3

ENTERED = "StateEntered"
OUTCOMES = {"TaskSucceeded": "Return", "TaskFailed": "Throw", "TaskTimedOut": "Throw"}


@dataclasses.dataclass
class Outcome:
    """What one engine did with one execution."""
    status: str
    output: Any
    error: str | None
    cause: str | None
    entered: dict[str, int]            # state name -> times entered
    requests: dict[str, list[str]]     # state name -> the Task requests (canonical JSON), sorted
    written: dict[str, Any] = dataclasses.field(default_factory=dict)  # "bucket/key" -> body, written to S3
    # the Task requests of Distributed Map children (state name -> canonical JSON, sorted): on no history
    child_requests: dict[str, list[str]] = dataclasses.field(default_factory=dict)

    def fields(self) -> dict:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class Case:
    """One execution to compare: a compiled machine (with its children) and an input."""
    label: str
    machine: str                      # a LocalStack state machine name, unique per definition
    definition: dict
    input: Any
    ours: Outcome
    answers: dict[str, list[dict]]    # the mock responses, per state, in LocalStack's call order
    theirs: Outcome | None = None
    source: str | None = None         # a generated program's body, input and callback plan
    objects: dict[tuple[str, str], bytes] | None = None  # S3 objects to put first (None: the case needs no S3)
    buckets: frozenset[str] = frozenset()                 # the buckets it reads or writes

    def differences(self) -> dict[str, tuple]:
        a, b = self.ours.fields(), self.theirs.fields()
        return {k: (a[k], b[k]) for k in a if a[k] != b[k]}


def machine_name(prefix: str, definition: dict) -> str:
    digest = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()[:12]
    return f"{prefix[:60]}-{digest}".replace(" ", "_")


def for_localstack(definition: dict) -> dict:
    """LocalStack's copy: every Map runs its iterations one at a time (so the shared mock counter hands answers out
    in index order, as our executor calls the steps); nothing else changes."""
    d = copy.deepcopy(definition)
    _serial_maps(d)
    return d


def _serial_maps(machine: dict) -> None:
    for state in machine.get("States", {}).values():
        for branch in state.get("Branches", []):
            _serial_maps(branch)
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                state["MaxConcurrency"] = 1
                _serial_maps(state[key])


# a callback's task token: ours is AWS-shaped ("AQ..."), LocalStack's a UUID; where it goes is what is compared
_TASK_TOKEN = re.compile(r'"(AQ[0-9A-Za-z]{40,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"')


def _canonical(text: str) -> str:
    return _TASK_TOKEN.sub('"<task token>"', json.dumps(json.loads(text), sort_keys=True, separators=(",", ":")))


def _event_details(event: dict) -> dict:
    for k, v in event.items():
        if k.endswith("EventDetails"):
            return v
    return {}


class _History:
    """The events of one execution, walked back along previousEventId."""

    def __init__(self, events: list[dict], names: dict[str, str]):
        self.events = sorted(events, key=lambda e: e["id"])
        self.by_id = {e["id"]: e for e in self.events}
        self.names = names  # LocalStack keeps JSON escapes in names: escaped -> real

    def name(self, event: dict) -> str:
        raw = _event_details(event).get("name")
        return self.names.get(raw, raw)

    def state_of(self, event: dict) -> dict | None:
        """The StateEntered event of the state that ``event`` belongs to."""
        e = event
        while e is not None and not e["type"].endswith(ENTERED):
            e = self.by_id.get(e.get("previousEventId"))
        return e

    def iteration_path(self, entered: dict) -> tuple:
        """The Map iteration indexes (outermost first) that the state entered at ``entered`` ran in."""
        path = []
        e = self.by_id.get(entered.get("previousEventId"))
        while e is not None:
            if e["type"] == "MapIterationStarted":
                details = e["mapIterationStartedEventDetails"]
                path.append(details["index"])
                # continue from the Map state itself (the previous iteration's events are not ours)
                e = next((m for m in reversed(self.events) if m["id"] < e["id"] and m["type"] == "MapStateEntered"
                          and self.name(m) == details.get("name")), None)
                continue
            e = self.by_id.get(e.get("previousEventId"))
        return tuple(reversed(path))

    def calls(self):
        """(state name, sort key, outcome event) for every Task attempt that ended."""
        for e in self.events:
            if e["type"] in OUTCOMES:
                entered = self.state_of(e)
                yield self.name(entered), (self.iteration_path(entered), e["id"]), e

    def requests(self):
        """(state name, parameters) of every TaskScheduled."""
        for e in self.events:
            if e["type"] == "TaskScheduled":
                yield self.name(self.state_of(e)), e["taskScheduledEventDetails"]["parameters"]


def _names(definition: dict) -> dict[str, str]:
    out = {}

    def walk(machine):
        for name, state in machine.get("States", {}).items():
            out[json.dumps(name)[1:-1]] = name
            for branch in state.get("Branches", []):
                walk(branch)
            for key in ("ItemProcessor", "Iterator"):
                if key in state:
                    walk(state[key])

    walk(definition)
    return out


def _linked(history: list[dict]) -> list[dict]:
    """A child's history: it has no ExecutionStarted, so its second event follows the first, not event 0."""
    if len(history) > 1 and history[1]["previousEventId"] == 0:
        return [history[0], {**history[1], "previousEventId": history[0]["id"]}, *history[2:]]
    return history


def _requests(histories: list[list[dict]], definition: dict, children: bool = False) -> dict[str, list[str]]:
    """The Task requests of ``histories`` (``children``: of child executions) per state name, each sorted."""
    requests: dict[str, list[str]] = collections.defaultdict(list)
    for events in histories:
        for state, params in _History(_linked(events) if children else events, _names(definition)).requests():
            requests[state].append(_canonical(params))
    return {k: sorted(v) for k, v in sorted(requests.items())}


def outcome(events: list[dict], definition: dict, status: str, output: Any, error, cause,
            written: dict | None = None, children: list[list[dict]] = ()) -> Outcome:
    h = _History(events, _names(definition))
    entered = collections.Counter(h.name(e) for e in h.events if e["type"].endswith(ENTERED))
    # no cause and an empty one are the same report (LocalStack drops a mocked empty Cause; so does testing.py)
    # a Map Run's ARN and UUIDs (a ResultWriter's folder) are drawn at random by each engine
    return Outcome(status, s3.normal(output), error, s3.normal(cause) or None, dict(sorted(entered.items())),
                   _requests([events], definition), written or {}, _requests(list(children), definition, children=True))


def answers(events: list[dict], definition: dict, children: list[list[dict]] = ()) -> dict[str, list[dict]]:
    """The mock responses for LocalStack, per state name, in its call order: the execution's own Tasks, then
    those of each Distributed Map child execution (``children``: their events, in index order, which is the order
    LocalStack runs them in with MaxConcurrency 1)."""
    calls = collections.defaultdict(list)
    for n, history in enumerate([events, *children]):
        _calls(_linked(history) if n else history, definition, calls, n)
    return {state: [r for _, r in sorted(rs, key=lambda kr: kr[0])] for state, rs in calls.items()}


def _calls(events: list[dict], definition: dict, calls: dict, order: int) -> None:
    h = _History(events, _names(definition))
    for state, key, e in h.calls():
        d = _event_details(e)
        if e["type"] == "TaskSucceeded":
            response = {"Return": json.loads(d["output"])}
        else:
            response = {"Throw": {"Error": d.get("error", ""), "Cause": d.get("cause", "")}}
        calls[state].append(((order, *key), response))


def ours(execution, definition: dict, children: list[list[dict]] = (),
         written: dict | None = None) -> tuple[Outcome, dict[str, list[dict]]]:
    """Our executor's execution as an Outcome, and the mock answers it implies."""
    return (outcome(execution.history, definition, execution.status, execution.output, execution.error,
                    execution.cause, written, children), answers(execution.history, definition, children))


def theirs(described: dict, definition: dict, written: dict | None = None) -> Outcome:
    output = json.loads(described["output"]) if described.get("output") is not None else None
    return outcome(described["events"], definition, described["status"], output, described.get("error"),
                   described.get("cause"), written, described.get("child_events", []))


@contextlib.contextmanager
def child_histories():
    """Keeps the events of every Distributed Map child execution our executor runs meanwhile, in the order it runs
    them (index order). The executor gives each child a History that counts events without keeping them
    (``keep=False``: on AWS they are another execution's); here they are kept, and listed."""
    from pyawssfn.local import history

    kept: list = []
    plain = history.History

    class Kept(plain):
        def __init__(self, clock, limit=history.HISTORY_LIMIT_EVENTS, keep=True):
            super().__init__(clock, limit, keep=True)
            if not keep:
                kept.append(self)

    history.History = Kept
    try:
        yield kept
    finally:
        history.History = plain


def child_events(execution, kept: list) -> list[list[dict]]:
    """The events of the execution's Distributed Map children, in the order they ran: from the executor's own
    record of them when it keeps one (``Execution.map_runs``, Map Run -> the children's events), else from the
    histories child_histories kept."""
    runs = getattr(execution, "map_runs", None)
    if runs:
        return [events for children in runs.values() for events in children]
    return [h.events for h in kept]


def case_from_tester(label: str, prefix: str, tester, inp) -> Case:
    """Run ``tester``'s machine in our executor on ``inp`` and make the Case that LocalStack will repeat."""
    recorder = s3.Recorder(tester)
    # the generated programs share one callback plan, used or not (testing.UnusedPlanWarning)
    with child_histories() as children, warnings.catch_warnings():
        warnings.simplefilter("ignore", UnusedPlanWarning)
        execution = tester.run_machine(inp)
    definition = tester.definition
    o, a = ours(execution, definition, child_events(execution, children), s3.written(recorder.writes))
    case = Case(label, machine_name(prefix, definition), definition, inp, o, a)
    if recorder.used:
        case.objects, case.buckets = recorder.objects(definition), frozenset(recorder.buckets())
    return case


class Engine:
    """Runs Cases on one LocalStack server: mocks for a whole batch written once, machines created once."""

    BATCH = 16  # executions in flight at once (the machine has 2 cores)

    def __init__(self, server):
        self.server = server
        self.arns: dict[str, str] = {}
        self.n = 0
        self.runs = 0

    def run(self, cases: list[Case]) -> list[Case]:
        names = []
        for c in cases:
            self.n += 1
            names.append(f"c{self.n}")
            self.server.mocks.add_case(c.machine, names[-1], c.answers)
        self.server.mocks.write()
        runnable = []
        for c, n in zip(cases, names):
            if c.machine not in self.arns:
                self.arns[c.machine] = self._create(c)
            if isinstance(self.arns[c.machine], Refused):
                c.theirs = self.arns[c.machine].outcome
            else:
                runnable.append((c, n))
        # cases that use S3 share buckets and keys (the examples' inputs): one at a time, each on its own objects
        plain = [cn for cn in runnable if cn[0].objects is None]
        for i in range(0, len(plain), self.BATCH):
            chunk = plain[i:i + self.BATCH]
            described = self.server.run_batch([(self.arns[c.machine], n, c.input) for c, n in chunk])
            for (c, _), d in zip(chunk, described):
                c.theirs = theirs(d, c.definition)
        for c, n in runnable:
            if c.objects is not None:
                self.server.s3_reset(c.buckets, c.objects)
                (d,) = self.server.run_batch([(self.arns[c.machine], n, c.input)])
                c.theirs = theirs(d, c.definition, s3.written(self.server.s3_written(c.buckets, c.objects)))
        self.runs += len(cases)
        return cases

    def _create(self, case: Case):
        """The machine's ARN on LocalStack, or Refused when CreateStateMachine refuses its definition."""
        import botocore.exceptions

        try:
            return self.server.create_machine(case.machine, for_localstack(case.definition))
        except botocore.exceptions.ClientError as exc:
            return Refused(Outcome("REFUSED", None, exc.response["Error"]["Code"], exc.response["Error"]["Message"],
                                   {}, {}))


@dataclasses.dataclass
class Refused:
    """LocalStack refused to create a machine: every case of it ends there (its outcome says why)."""
    outcome: Outcome
