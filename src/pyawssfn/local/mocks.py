"""User-provided responses for service integrations (aws-sdk:*, dynamodb, sns, sqs, ...) and ItemReaders.

The mocks file is one JSON object. Each key is a state name or a resource ARN; each value is one response or a
list of responses returned in order (the last one repeats once the list is used up). A response is
``{"Return": value}`` or ``{"Throw": {"Error": name, "Cause": text}}``, optionally with ``"DelaySeconds": n`` of
virtual time the call takes (so TimeoutSeconds can fire). A state-name key wins over a resource key, and a resource
key may omit the ``.sync``/``.sync:2``/``.waitForTaskToken`` suffix. From Python, ``mocks`` may also be a callable
``(resource, arguments, state_name) -> value`` that raises ``StatesError(error, cause)`` to fail the call, and any
value in the dict may be such a callable.

AWS's MockConfigFile format (Step Functions Local, LocalStack) is read too (``aws_mock_config.py``): a file with
``StateMachines`` and ``MockedResponses`` names one of its test cases as ``FILE#TestCase`` (or
``FILE#StateMachine:TestCase``), as StartExecution does with ``<arn>#TestCase``.
"""
from __future__ import annotations

import json
import pathlib

from pyawssfn.local.errors import StatesError

_SUFFIXES = (".sync:2", ".sync", ".waitForTaskToken")


class MockFormatError(ValueError):
    """The mocks file or object is not in the documented format."""


def _check_response(where: str, response) -> None:
    if callable(response):
        return
    if not isinstance(response, dict) or not (("Return" in response) ^ ("Throw" in response)):
        raise MockFormatError(f"mocks[{where}]: each response must be {{\"Return\": value}} or "
                              f"{{\"Throw\": {{\"Error\": ..., \"Cause\": ...}}}}, got {json.dumps(response)[:80]}")
    if "Throw" in response:
        throw = response["Throw"]
        if not isinstance(throw, dict) or not isinstance(throw.get("Error"), str):
            raise MockFormatError(f"mocks[{where}]: \"Throw\" needs an \"Error\" string")
    delay = response.get("DelaySeconds", 0)
    if not isinstance(delay, (int, float)) or isinstance(delay, bool) or delay < 0:
        raise MockFormatError(f"mocks[{where}]: \"DelaySeconds\" must be a non-negative number")


def load_mocks(path: str | pathlib.Path, test_case: str | None = None) -> dict:
    """Read and check a mocks file (ours, or AWS's MockConfigFile with ``FILE#TestCase``); raises MockFormatError
    with a readable message."""
    path = str(path)
    if test_case is None and "#" in path and not pathlib.Path(path).exists():
        path, _, test_case = path.rpartition("#")
    try:
        data = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise MockFormatError(f"cannot read mocks file {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise MockFormatError(f"mocks file {path} is not valid JSON: {exc}") from None
    return mocks_from_data(data, test_case, path)


def mocks_from_data(data, test_case: str | None, path: str) -> dict:
    """Mocks from a parsed file: ours as it is (checked), AWS's MockConfigFile for ``test_case``."""
    from pyawssfn.local.aws_mock_config import from_aws_config, is_aws_config
    if is_aws_config(data):
        return from_aws_config(data, test_case, where=path)
    if test_case is not None:
        raise MockFormatError(f"mocks file {path} has no test cases (#{test_case}): only AWS's MockConfigFile format "
                              "(StateMachines, MockedResponses) has them")
    check_mocks(data)
    return data


def check_mocks(data) -> None:
    if callable(data) or data is None:
        return
    if not isinstance(data, dict):
        raise MockFormatError("mocks must be a JSON object keyed by state name or resource ARN")
    for key, value in data.items():
        for response in value if isinstance(value, list) else [value]:
            _check_response(key, response)
        if isinstance(value, list) and not value:
            raise MockFormatError(f"mocks[{key}]: the list of responses is empty")


class Mocks:
    """Serves mocked calls in order; one instance per execution so each execution starts at the first response."""

    def __init__(self, spec):
        from pyawssfn.local.aws_mock_config import is_aws_config, from_aws_config
        if is_aws_config(spec):
            spec = from_aws_config(spec, None)
        check_mocks(spec)
        self.spec = spec
        # AWS's format fails a call past the last response; ours repeats the last one.
        self.repeat_last = getattr(spec, "repeat_last", True)
        self.calls: dict[str, int] = {}

    def _key(self, state_name: str, resource: str):
        if not isinstance(self.spec, dict):
            return None
        if state_name in self.spec:
            return state_name
        if resource in self.spec:
            return resource
        for suffix in _SUFFIXES:
            if resource.endswith(suffix) and resource[: -len(suffix)] in self.spec:
                return resource[: -len(suffix)]
        return None

    def serves(self, state_name: str, resource: str) -> bool:
        return callable(self.spec) or self._key(state_name, resource) is not None

    def call(self, state_name: str, resource: str, arguments):
        """Returns (value, delay_seconds); raises StatesError for a Throw response."""
        if callable(self.spec):
            return self.spec(resource, arguments, state_name), 0
        key = self._key(state_name, resource)
        value = self.spec[key]
        if isinstance(value, list):
            n = self.calls.get(key, 0)
            self.calls[key] = n + 1
            if n >= len(value) and not self.repeat_last:
                raise StatesError("States.Runtime", f"the mock file's test case {self.spec.test_case!r} has "
                                                    f"{len(value)} response(s) for state {key!r}; call number {n} "
                                                    f"(counting from 0) has none: add \"{n}\" to its MockedResponse")
            value = value[min(n, len(value) - 1)]
        if callable(value):
            return value(resource, arguments, state_name), 0
        delay = value.get("DelaySeconds", 0)
        if "Throw" in value:
            throw = value["Throw"]
            raise StatesError(throw["Error"], throw.get("Cause", ""))
        return json.loads(json.dumps(value["Return"])), delay
