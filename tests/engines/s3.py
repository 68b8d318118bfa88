"""S3 for the cases whose machine reads it (a Distributed Map's ItemReader) or writes it (a ResultWriter).

Our executor is served by the test's mocks of the S3 resources; every call it makes is recorded here. LocalStack
reads and writes its own S3 (the same process, SERVICES=stepfunctions,s3,sts): before such a case runs there, each
object our executor read is put where the reader looks for it (the mock's text, or rows a mock answered already
read, written back in the reader's format), and after it, whatever LocalStack wrote is read back. Both sides'
writes are compared as parsed JSON, with Map Run ARNs and UUIDs (random on each engine) replaced by placeholders."""
from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

GET = "arn:aws:states:::s3:getObject"
LIST = "arn:aws:states:::s3:listObjectsV2"
PUT = "arn:aws:states:::s3:putObject"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def normal(value: Any) -> Any:
    """``value`` with what each engine draws at random replaced: a Map Run ARN (ours names the account
    123456789012 and the Map's label, LocalStack 000000000000 and the machine) and any UUID."""
    if isinstance(value, str):
        if value.startswith("arn:aws:states:") and ":mapRun:" in value:
            return "<map run>"
        return _UUID.sub("<uuid>", value)
    if isinstance(value, list):
        return [normal(v) for v in value]
    if isinstance(value, dict):
        return {normal(k): normal(v) for k, v in value.items()}
    return value


def _parsed(body: Any) -> Any:
    text = body.decode() if isinstance(body, bytes) else body
    try:
        return normal(json.loads(text))
    except (TypeError, ValueError):
        return normal(text)


def written(objects: list[tuple[str, str, Any]]) -> dict[str, Any]:
    """(bucket, key, body) written -> {"bucket/key": parsed body}, keys and bodies normalised."""
    return {normal(f"{b}/{k}"): _parsed(body) for b, k, body in objects}


def _states(machine: dict):
    for name, state in machine.get("States", {}).items():
        yield name, state
        for branch in state.get("Branches", []):
            yield from _states(branch)
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                yield from _states(state[key])


def _reader_config(definition: dict, state_name: str) -> dict:
    for name, state in _states(definition):
        if name == state_name and "ItemReader" in state:
            return state["ItemReader"].get("ReaderConfig", {})
    return {}


def object_body(answer: Any, config: dict) -> bytes:
    """The S3 object that makes LocalStack's reader read what our executor read from the mock's ``answer``."""
    if isinstance(answer, dict) and "Body" in answer:
        answer = answer["Body"]
    if isinstance(answer, bytes):
        return answer
    if isinstance(answer, str):
        return answer.encode()
    if isinstance(answer, list):  # the rows already read: written back as the reader's format
        kind = config.get("InputType", "JSON")
        if kind == "JSONL":
            return "".join(json.dumps(item) + "\n" for item in answer).encode()
        if kind == "CSV" and all(isinstance(r, dict) for r in answer):
            out = io.StringIO()
            w = csv.writer(out, lineterminator="\n")
            headers = config.get("CSVHeaders") if config.get("CSVHeaderLocation") == "GIVEN" else None
            if headers is None and answer:
                headers = list(answer[0])
                w.writerow(headers)
            for row in answer:
                w.writerow([row.get(h, "") for h in headers])
            return out.getvalue().encode()
        if kind == "JSON":
            return json.dumps(answer).encode()
    raise ValueError(f"the engine suite cannot put {answer!r} in S3 for a {config.get('InputType')} reader")


class Recorder:
    """Wraps a WorkflowTester's mocks of the S3 resources so that every call our executor makes is recorded:
    ``reads`` (bucket, key, the answer, the reading state) and ``writes`` (bucket, key, body)."""

    def __init__(self, tester):
        self.reads: list[tuple[str, str, Any, str]] = []
        self.writes: list[tuple[str, str, Any]] = []
        self.used = False
        original = tester._machine_mocks

        def mocks():
            spec = original()
            if not spec:
                return spec
            for resource in (GET, LIST, PUT):
                if resource in spec:
                    spec[resource] = [self._recording(resource, r) for r in spec[resource]]
            return spec

        tester._machine_mocks = mocks

    def _recording(self, resource: str, response: dict):
        if "Return" not in response:
            return response  # a failing S3 call: LocalStack's S3 cannot be told to fail, no case needs it

        def serve(_resource, arguments, state_name):
            self.used = True
            args = arguments if isinstance(arguments, dict) else {}
            if resource == PUT:
                self.writes.append((args.get("Bucket", ""), args.get("Key", ""), args.get("Body")))
            elif resource == GET:
                self.reads.append((args.get("Bucket", ""), args.get("Key", ""), response["Return"], state_name))
            else:
                raise ValueError("the engine suite does not put listed objects in S3 (no case lists a prefix)")
            return response["Return"]
        return serve

    def objects(self, definition: dict) -> dict[tuple[str, str], bytes]:
        """The objects LocalStack's S3 must hold: each one our executor read, as it read it."""
        out = {}
        for bucket, key, answer, state in self.reads:
            out[(bucket, key)] = object_body(answer, _reader_config(definition, state))
        return out

    def buckets(self) -> set[str]:
        return {b for b, _, _, _ in self.reads} | {b for b, _, _ in self.writes}
