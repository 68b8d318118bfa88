"""The plain-Python run's optimized integrations (issue #10): ``sfn.run_job``, ``sfn.wait_for_task_token`` and
``sfn.task_resource`` served from mocks keyed by the Task resource, and traced as the machine's history shows them
(a hand-written Task is a "step" call named ``service:action``; a token's answer is its "callback")."""
from __future__ import annotations

import uuid

import pyawssfn as sfn
from pyawssfn._pyrun_support import (
    _NO_MOCK, MissingMock, PyRunError, _ExecutorResponses, _json_problem, json_round_trip,
)
from pyawssfn.comparison import TASK_TOKEN

QUERY_ERROR = "States.QueryEvaluationError"
_PATTERNS = (".sync:2", ".sync", ".waitForTaskToken")


def resource_call(run, resource: str, params: dict, token_at: str | None):
    """Call ``resource`` with ``params`` (the task token put at ``token_at`` first, if given) through ``run``'s
    mocks; return the result (for a token, the answer the mock stands for)."""
    run.settle()
    run.stats["sdk_calls"] += 1
    token = run.new_token() if token_at else None
    mock = _find_resource_mock(run.mocks, resource)
    if mock is _NO_MOCK:
        raise MissingMock(f"{resource} was called and no mock serves it: pass mocks={{{resource!r}: "
                          f"{{'Return': result}}}} (the executor's format)")
    try:
        params = json_round_trip(params)
    except (TypeError, ValueError) as exc:
        raise sfn.named_error(QUERY_ERROR, f"the parameters of {resource} are not JSON: {_json_problem(exc)}")
    name = resource.removeprefix("arn:aws:states:::")
    # The trace shows the token as the machine's does (comparison.TASK_TOKEN): the two runs' tokens differ.
    traced = run._trace("step", name, with_token(params, token_at, TASK_TOKEN) if token_at else params)
    target = run._trace("callback", name) if token_at else traced
    if token_at:
        params = with_token(params, token_at, token)
    result = answer(run, mock, params, target, name)
    run.pending_token = None
    return kept(target, result, resource)


def answer(run, mock, params, target, label: str):
    """What ``mock`` answers for ``params``: an executor-format response list (``{"Return": ...}``/``{"Throw":
    ...}``), a function of the parameters, a value, or an exception to raise. A failure is recorded on ``target``
    (the traced call) and raised as the error of the call ``label``, as the workflow sees it."""
    if isinstance(mock, BaseException):
        target.error, target.cause = sfn.error_of(mock)
        raise run._mark(mock, label)
    try:
        if isinstance(mock, _ExecutorResponses):
            return run.responses.setdefault(mock.key, mock).respond(run)
        return mock(params) if callable(mock) else mock
    except PyRunError:
        raise
    except Exception as exc:
        target.error, target.cause = sfn.error_of(exc)
        raise run._mark(exc, label)


def kept(target, result, what: str):
    """``result`` as the machine holds it (through JSON), recorded on ``target``."""
    try:
        return target.keep(json_round_trip(result))
    except (TypeError, ValueError) as exc:
        raise PyRunError(f"the mock of {what} returned something JSON cannot hold: {_json_problem(exc)}") from None


def read_items(run, resource: str, arguments: dict):
    """What the reader's S3 call answers, from the mocks of its resource (``arn:aws:states:::s3:getObject``). Not
    traced: the machine's history shows no event for the reads of an ItemReader either."""
    run.settle()
    mock = _find_resource_mock(run.mocks, resource)
    if mock is _NO_MOCK:
        raise MissingMock(f"the items of a distributed sfn.map are read with {resource}, and no mock serves it: pass "
                          f"mocks={{{resource!r}: {{'Return': <the object's text>}}}} (or WorkflowTester."
                          f"mock_resource({resource!r}, returns=...))")
    if isinstance(mock, _ExecutorResponses):
        return run.responses.setdefault(mock.key, mock).respond(run)
    return mock(json_round_trip(arguments))


def map_run_arn(run) -> str:
    """A Map Run ARN for a distributed map writing its results (drawn from nothing random: the run's random
    numbers stay those of sfn.random), recorded in the run."""
    n = len(run.map_runs)
    arn = (f"arn:aws:states:us-east-1:123456789012:mapRun:{run.workflow_name}/map:"
           f"{uuid.uuid5(uuid.NAMESPACE_URL, f'pyrun/{run.workflow_name}/{n}')}")
    run.map_runs.append(arn)
    return arn


def write_object(run, resource: str, arguments: dict) -> None:
    """One object a ResultWriter writes, given to the mock of its resource when there is one (as the executor
    does); not traced, as the machine's history shows no event for it."""
    mock = _find_resource_mock(run.mocks, resource)
    if mock is _NO_MOCK:
        return
    if isinstance(mock, _ExecutorResponses):
        run.responses.setdefault(mock.key, mock).respond(run)
        return
    try:
        mock(json_round_trip(arguments))
    except MissingMock:  # a provider of mocks that serves no writer: nothing is written, as in the executor
        pass


def _find_resource_mock(mocks, resource: str):
    """The mock of a Task resource: a callable ``mocks(resource, None, params)``, or the executor's format keyed by
    the resource (the key may leave out ``.sync``/``.waitForTaskToken``)."""
    if callable(mocks) and not isinstance(mocks, dict):
        return lambda p: mocks(resource, None, p)
    if not isinstance(mocks, dict):
        return _NO_MOCK
    bare = next((resource.removesuffix(s) for s in _PATTERNS if resource.endswith(s)), resource)
    for key in (resource, bare):
        if key in mocks:
            return _ExecutorResponses(key, mocks[key])
    return _NO_MOCK


def with_token(params: dict, token_at: str, token: str) -> dict:
    """``params`` with the task token at ``token_at`` (``"Param"`` or ``"Param.Field"``), as the compiled Task puts
    ``$states.context.Task.Token`` there."""
    out = dict(params)
    name, _, field = token_at.partition(".")
    if not field:
        out[name] = token
    else:
        value = out.get(name)
        out[name] = {**(value if isinstance(value, dict) else {}), field: token}
    return out
