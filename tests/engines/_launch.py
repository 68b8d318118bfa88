import sys; sys.path.pop(0)
"""Runs LocalStack's Step Functions service, executed by the LocalStack venv's Python, with two patches:

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

from localstack.runtime.main import main  # noqa: E402  (after the patches, which must precede any execution)

sys.exit(main())
