"""Serving Lambda functions in-process with Python callables ``handler(event, context)``, shaped as AWS does.

The event and the result pass through JSON exactly as they would on AWS: a handler's ``bytes`` result is taken as the
raw response payload, a result JSON cannot hold fails with ``Runtime.MarshalError``, and an exception becomes the
Lambda error ``{errorMessage, errorType, requestId, stackTrace}`` of the AWS Python runtime."""
from __future__ import annotations

import base64
import contextlib
import json
import signal
import threading
import traceback
from dataclasses import dataclass

from pyawssfn.local.errors import StatesError
from pyawssfn.semantics.quotas import LAMBDA_MAX_TIMEOUT_SECONDS

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"


class VirtualTimeout(Exception):
    """Raised inside a handler by ``context.sleep`` when the task's timeout elapses first."""


class LambdaContext:
    """The subset of the AWS Lambda context object handlers use, plus ``sleep(seconds)`` on the virtual clock."""

    def __init__(self, function_name: str, arn: str, request_id: str, timeout: float | None):
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = arn
        self.memory_limit_in_mb = 128
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self.elapsed = 0.0
        self._timeout = timeout

    def get_remaining_time_in_millis(self) -> int:
        limit = self._timeout if self._timeout is not None else 900
        return max(0, int((limit - self.elapsed) * 1000))

    def sleep(self, seconds: float) -> None:
        """Spend virtual time inside the function; a task timeout that falls inside ends the invocation."""
        self.elapsed += seconds
        if self._timeout is not None and self.elapsed >= self._timeout:
            raise VirtualTimeout()


def function_name_of(name_or_arn: str) -> str:
    """'arn:aws:lambda:r:a:function:f[:qualifier]' or 'a:function:f' or 'f[:qualifier]' -> 'f'."""
    if ":function:" in name_or_arn:
        return name_or_arn.split(":function:", 1)[1].split(":", 1)[0]
    return name_or_arn.split(":", 1)[0]


def function_arn(name_or_arn: str, region: str, account: str) -> str:
    if name_or_arn.startswith("arn:"):
        return name_or_arn
    return f"arn:aws:lambda:{region}:{account}:function:{function_name_of(name_or_arn)}"


class LambdaRegistry:
    """Handlers keyed by function ARN or by function name; an ARN key wins over a name key."""

    def __init__(self, lambdas: dict | None):
        self.by_arn: dict = {}
        self.by_name: dict = {}
        for key, handler in (lambdas or {}).items():
            if not callable(handler):
                raise TypeError(f"the handler for Lambda {key!r} is not callable")
            if key.startswith("arn:"):
                self.by_arn[key] = handler
            else:
                self.by_name[key] = handler

    def __bool__(self) -> bool:
        return bool(self.by_arn or self.by_name)

    def find(self, name_or_arn: str):
        if name_or_arn in self.by_arn:
            return self.by_arn[name_or_arn]
        base = name_or_arn
        if name_or_arn.startswith("arn:") and name_or_arn.count(":") > 6:
            base = name_or_arn.rsplit(":", 1)[0]  # drop a version or alias qualifier
            if base in self.by_arn:
                return self.by_arn[base]
        short = function_name_of(name_or_arn)
        if short in self.by_name:
            return self.by_name[short]
        for arn, handler in self.by_arn.items():
            if function_name_of(arn) == short:
                return handler
        return None


@dataclass
class Invocation:
    payload_text: str | None = None   # the raw response payload on success
    error: str | None = None          # the Lambda error (errorType) on failure
    cause: str | None = None          # the JSON error payload on failure
    timed_out: bool = False
    elapsed: float = 0.0


def _error_payload(error_type: str, message: str, request_id: str, stack: list[str]) -> str:
    return json.dumps({"errorMessage": message, "errorType": error_type, "requestId": request_id,
                       "stackTrace": stack}, separators=(",", ":"), ensure_ascii=False)


def _user_stack(exc: BaseException) -> list[str]:
    # Only the handler's frames: drop ours (invoke, the bounded call, the watched thread).
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename != __file__]
    return traceback.format_list(frames)


class _WallClockTimeout(BaseException):
    """Raised in the main thread by SIGALRM when a handler runs past its timeout in real time (a BaseException so
    that the handler's own ``except Exception`` does not swallow it)."""


def _on_alarm(signum, frame):
    raise _WallClockTimeout()


@contextlib.contextmanager
def _wall_clock_bound(seconds: float):
    """Interrupt the block after ``seconds`` of real time (main thread, SIGALRM). Elsewhere, or when a timer is
    already armed (an outer bound, pytest-timeout), the block runs unbounded here and the caller's thread bound
    applies."""
    usable = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
              and signal.getitimer(signal.ITIMER_REAL)[0] == 0)
    if not usable:
        yield False
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _call_bounded(handler, event, context, seconds: float):
    """``handler(event, context)``, stopped after ``seconds`` of real time as Lambda stops a function at its
    timeout. Returns (timed_out, result); the handler's own exceptions propagate."""
    with _wall_clock_bound(seconds) as bounded:
        if bounded:
            try:
                return False, handler(event, context)
            except _WallClockTimeout:
                return True, None
    outcome: dict = {}

    def target():
        try:
            outcome["result"] = handler(event, context)
        except BaseException as exc:  # handed back to the calling thread
            outcome["error"] = exc

    worker = threading.Thread(target=target, name=f"lambda-{context.function_name}", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():  # Python cannot stop a thread: it is abandoned, as Lambda abandons a timed-out call
        return True, None
    if "error" in outcome:
        raise outcome["error"]
    return False, outcome.get("result")


def invoke(handler, event, *, function_name: str, arn: str, request_id: str, timeout: float | None) -> Invocation:
    """Call ``handler`` with ``event`` after a JSON round trip, as the AWS Python runtime would.

    The call is stopped at ``timeout`` (the Task's TimeoutSeconds; without one, Lambda's longest, 900 s) of real
    time as well as of virtual time (``context.sleep``): a handler that blocks ends with States.Timeout, as on AWS."""
    event = json.loads(json.dumps(event))
    context = LambdaContext(function_name, arn, request_id, timeout)
    try:
        timed_out, result = _call_bounded(handler, event, context,
                                          float(timeout) if timeout is not None else LAMBDA_MAX_TIMEOUT_SECONDS)
        if timed_out:
            return Invocation(timed_out=True, elapsed=timeout or LAMBDA_MAX_TIMEOUT_SECONDS)
    except VirtualTimeout:
        return Invocation(timed_out=True, elapsed=timeout or 0.0)
    except SystemExit as exc:  # sys.exit() in a handler ends the runtime process on AWS
        code = exc.code if isinstance(exc.code, int) else 1
        message = f"RequestId: {request_id} Error: Runtime exited with error: exit status {code}"
        return Invocation(error="Runtime.ExitError",
                          cause=json.dumps({"errorType": "Runtime.ExitError", "errorMessage": message},
                                           separators=(",", ":")), elapsed=context.elapsed)
    except Exception as exc:  # the runtime reports any exception as the function's error
        error_type = type(exc).__name__
        return Invocation(error=error_type, cause=_error_payload(error_type, str(exc), request_id, _user_stack(exc)),
                          elapsed=context.elapsed)
    if timeout is not None and context.elapsed >= timeout:
        return Invocation(timed_out=True, elapsed=timeout)
    if isinstance(result, (bytes, bytearray)):
        return Invocation(payload_text=bytes(result).decode("utf-8", errors="replace"), elapsed=context.elapsed)
    try:
        text = json.dumps(result, allow_nan=False)
    except (TypeError, ValueError) as exc:
        message = f"Unable to marshal response: {exc}"
        return Invocation(error="Runtime.MarshalError",
                          cause=_error_payload("Runtime.MarshalError", message, request_id, []),
                          elapsed=context.elapsed)
    return Invocation(payload_text=text, elapsed=context.elapsed)


def parse_payload(text: str):
    """The Task result of a Lambda payload: its JSON value; a payload that is not JSON stays a string, as on AWS."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def not_found(name_or_arn: str, region: str, account: str, request_id: str) -> StatesError:
    arn = function_arn(name_or_arn, region, account)
    if arn.count(":") == 6:
        arn += ":$LATEST"
    return StatesError(
        "Lambda.ResourceNotFoundException",
        f"Function not found: {arn} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; "
        f"Request ID: {request_id}; Proxy: null)",
    )


def invoke_response(payload, payload_text: str, request_id: str, date_header: str, trace_id: str,
                    log_tail: bool) -> dict:
    """AWS's result for ``arn:aws:states:::lambda:invoke``."""
    headers = {
        "Connection": "keep-alive",
        "Content-Length": str(len(payload_text.encode("utf-8"))),
        "Content-Type": "application/json",
        "Date": date_header,
        "X-Amz-Executed-Version": "$LATEST",
        "X-Amzn-Trace-Id": trace_id,
        "x-amzn-Remapped-Content-Length": "0",
        "x-amzn-RequestId": request_id,
    }
    response = {"ExecutedVersion": "$LATEST"}
    if log_tail:
        log = base64.b64encode(f"START RequestId: {request_id} Version: $LATEST\nEND RequestId: {request_id}\n"
                               .encode()).decode()
        headers["X-Amz-Log-Result"] = log
        response["LogResult"] = log
    response.update({
        "Payload": payload,
        "SdkHttpMetadata": {
            "AllHttpHeaders": {k: [v] for k, v in sorted(headers.items())},
            "HttpHeaders": dict(sorted(headers.items())),
            "HttpStatusCode": 200,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": 200,
    })
    return response
