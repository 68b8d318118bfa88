import sys; sys.path.pop(0)
r"""Runs LocalStack's Step Functions service, executed by the LocalStack venv's Python, with these patches:

- a virtual clock: a Wait state still evaluates and checks its duration, and a Retrier still computes its interval,
  but neither sleeps. The project's executor runs on a virtual clock too, and the generated programs sleep up to 99 s
  and retry with intervals, which would not fit the suite's time budget in real time;
- string variables bound correctly: LocalStack evaluates an expression by prefixing `$name:=<value>;` for every
  variable it reads, and writes a string value as `"` + value + `"`, unescaped, so a string holding `"` or `\`
  makes the expression unparsable (a JException that AWS, which binds values, never raises). A string is written as
  a JSON string literal, which is also JSONata's string syntax, as every other value already is.
- a mocked answer may throw a States.* error (a callback's States.Timeout): LocalStack's mock builds every thrown
  name as a user error name, which refuses the prefix, so its answer turned into States.Runtime instead.
- every Task is answered from the mock file only, never by calling AWS: a Task our executor never ran (the other
  branch of a Parallel whose first branch failed) has no answer there, and instead of calling the real Lambda (which
  fails at once and races the branch that really failed) it waits until its branch is stopped, or 5 s, and then
  fails for want of an answer.
- a Distributed Map that has a ToleratedFailureCount or ToleratedFailurePercentage fails with
  States.ExceedToleratedFailureThreshold when more of its child executions failed than that allows, as AWS
  documents ("Tolerated failure threshold for Distributed Map state"). LocalStack counts the failed children for
  DescribeMapRun but never compares them with the threshold, so its Map always succeeds. (Without either field
  AWS documents that any failed child fails the workflow, not with which error: that case is left as LocalStack
  has it, a named disagreement, tests/engines/known.py.) The cause is the one
  LocalStack's own TestState gives for it; the children all run first, which AWS documents as allowed ("Step
  Functions may continue to run child workflows in a Map Run even after the tolerated failure threshold is
  exceeded, but before the Map Run fails").
- S3 (served by the same process for the ItemReader and ResultWriter) accepts any bucket name: the examples' tests
  name their bucket "b", shorter than S3's rules allow, and the name reaches nothing that is compared.
- observation only: the events of a Distributed Map's child executions, which LocalStack keeps in an event manager
  of the Map Run's own and drops when the Map ends (they are in no history, nor are the children listed), are
  written to $PYAWSSFN_CHILD_EVENTS/<sha256 of the parent execution's ARN>.jsonl, so that the harness compares
  every Task request of the children too.
Nothing else is changed."""
import json
import sys
import types

from localstack.services.stepfunctions.asl.component.common.retry import retrier_decl
from localstack.services.stepfunctions.asl.component.state.state_wait.wait_function import wait_function


def _no_wait(self, env, wait_seconds):  # WaitFunction._wait_interval: the duration was evaluated already
    return None


wait_function.WaitFunction._wait_interval = _no_wait
# the retrier module's only use of `time` is time.sleep(interval_seconds)
retrier_decl.time = types.SimpleNamespace(sleep=lambda seconds: None)

from localstack.services.stepfunctions.asl.eval import states, variable_store  # noqa: E402
from localstack.services.stepfunctions.asl.jsonata import jsonata  # noqa: E402


def _declarations(bindings):
    return "".join(f"{name}:={json.dumps(value, separators=(',', ':'))};" for name, value in bindings.items())


for module in (jsonata, states, variable_store):
    module.encode_jsonata_variable_declarations = _declarations

from localstack.services.stepfunctions.asl.component.common.error_name import custom_error_name  # noqa: E402
from localstack.services.stepfunctions.asl.component.common.error_name.states_error_name import (  # noqa: E402
    StatesErrorName,
)
from localstack.services.stepfunctions.asl.component.state.state_execution.state_task import (  # noqa: E402
    local_mock_eval_utils,
)


def _mocked_error_name(name):
    if name.startswith("States."):
        return StatesErrorName.from_name(name)
    return custom_error_name.CustomErrorName(name)


local_mock_eval_utils.CustomErrorName = _mocked_error_name

from localstack.services.stepfunctions.asl.eval.environment import Environment  # noqa: E402

_answer = Environment.get_current_local_mocked_response


def _mocked_only(self):
    return self.local_mock_test_case is not None


def _answer_or_wait(self):
    answers = self.local_mock_test_case.state_mocked_responses.get(self.next_state_name)
    used = self.next_local_mock_invocation_number.get(self.next_state_name, 0)
    if answers is None or len(answers.mocked_responses) <= used:
        self.program_state_event.wait(5)
    if answers is None:
        raise RuntimeError(f"No Local mocked response definition for state '{self.next_state_name}'")
    return _answer(self)


Environment.is_local_mocked_mode = _mocked_only
Environment.get_current_local_mocked_response = _answer_or_wait

from localstack.aws.api.stepfunctions import HistoryEventType, MapRunFailedEventDetails  # noqa: E402
from localstack.services.stepfunctions.asl.component.common.error_name.failure_event import (  # noqa: E402
    FailureEvent,
    FailureEventException,
)
from localstack.services.stepfunctions.asl.component.common.error_name.states_error_name_type import (  # noqa: E402
    StatesErrorNameType,
)
from localstack.services.stepfunctions.asl.component.state.state_execution.state_map import state_map  # noqa: E402
from localstack.services.stepfunctions.asl.component.state.state_execution.state_map.iteration import (  # noqa: E402
    distributed_iteration_component as distributed,
)
from localstack.services.stepfunctions.asl.component.state.state_execution.state_map import (  # noqa: E402
    tolerated_failure,
)
from localstack.services.stepfunctions.asl.eval.event.event_detail import EventDetails  # noqa: E402

_from_state_props = state_map.StateMap.from_state_props


def _keep_tolerance_fields(self, state_props):
    _from_state_props(self, state_props)
    # which threshold fields the definition gives (absent ones read as 0, which is not "not given")
    given = (tolerated_failure.ToleratedFailureCountDecl, tolerated_failure.ToleratedFailurePercentageDecl)
    self.iteration_component.pyawssfn_tolerance = tuple(state_props.get(d) is not None for d in given)


_map_run = distributed.DistributedIterationComponent._map_run


def _keep_child_events(env):
    """Append the Map Run's child events (its own event manager's, while the Map Run runs) to the parent's file."""
    import hashlib
    import os
    import pathlib

    folder = os.environ.get("PYAWSSFN_CHILD_EVENTS")
    if not folder:
        return
    arn = env.states.context_object.context_object_data["Execution"]["Id"]
    path = pathlib.Path(folder) / (hashlib.sha256(arn.encode()).hexdigest() + ".jsonl")
    events = env.event_manager.get_event_history()
    with path.open("a") as f:
        f.write(json.dumps(events, default=str) + "\n")


def _map_run_within_threshold(self, env, eval_input):
    try:
        _map_run(self, env, eval_input)
    finally:
        _keep_child_events(env)
    counts = eval_input.map_run_record.item_counter
    failed, total = counts.failed.get() + counts.timed_out.get(), counts.total.get()
    by_count, by_percentage = getattr(self, "pyawssfn_tolerance", (False, False))
    exceeded = ((by_count and failed > eval_input.tolerated_failure_count)
                or (by_percentage and total and failed * 100 / total > eval_input.tolerated_failure_percentage))
    if exceeded:
        error = StatesErrorName(typ=StatesErrorNameType.StatesExceedToleratedFailureThreshold)
        details = MapRunFailedEventDetails(error=error.error_name,
                                           cause="The specified tolerated failure threshold was exceeded")
        raise FailureEventException(FailureEvent(env, error, HistoryEventType.MapRunFailed,
                                                 EventDetails(mapRunFailedEventDetails=details)))


state_map.StateMap.from_state_props = _keep_tolerance_fields
distributed.DistributedIterationComponent._map_run = _map_run_within_threshold

from localstack.services.s3 import provider as s3_provider  # noqa: E402

s3_provider.is_bucket_name_valid = lambda name: bool(name)

from localstack.runtime.main import main  # noqa: E402  (after the patches, which must precede any execution)

sys.exit(main())
