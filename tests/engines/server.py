"""LocalStack's Step Functions service as a second engine: where it is installed, starting and stopping one server,
the mock file that answers its Task states, and running a batch of executions on it. The same process serves S3
(and STS, which LocalStack's Step Functions calls before it calls S3) for the Distributed Maps that read or write it.

Facts about the engine: ../shared/engines/localstack/README.md. Installing it: tests/engines/setup.sh."""
from __future__ import annotations

import hashlib
import json
import os
import pathlib
import socket
import subprocess
import tempfile
import time
import urllib.request

REPO = pathlib.Path(__file__).resolve().parents[2]
CACHE = pathlib.Path(os.environ.get("PYAWSSFN_ENGINES_CACHE", REPO / ".engines"))
VENV_PYTHON = CACHE / "venv" / "bin" / "python"
FILESYSTEM_ROOT = CACHE / "root"
JSONATA_DIR = FILESYSTEM_ROOT / "var" / "lib" / "localstack" / "lib" / "jsonata" / "0.9.7"
LAUNCH = pathlib.Path(__file__).with_name("_launch.py")
ENABLE = "bash tests/engines/setup.sh"
ROLE_ARN = "arn:aws:iam::000000000000:role/pyawssfn-engines"
REGION = "us-east-1"


def missing() -> str | None:
    """What is missing for the engine suite, or None when it can run."""
    if not VENV_PYTHON.exists():
        return f"no LocalStack venv at {VENV_PYTHON.parent.parent}"
    jars = sorted(p.name for p in JSONATA_DIR.glob("*.jar")) if JSONATA_DIR.is_dir() else []
    if "jsonata-0.9.7.jar" not in jars or len(jars) < 4:
        return f"the JSONata and Jackson jars are not in {JSONATA_DIR}"
    return None


def require() -> None:
    """At the top of an engine test module: fail in CI when the engine is not installed (.ci/run installs it, so
    CI can never pass by skipping), skip the module elsewhere."""
    import os

    import pytest

    what = missing()
    if what and os.environ.get("CI") == "true":
        pytest.fail(f"the engine suite cannot run in CI: {what} (.ci/run runs {ENABLE})", pytrace=False)
    if what:
        pytest.skip(f"second engine not installed ({what}); enable with `{ENABLE}`", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MockFile:
    """The SFN_MOCK_CONFIG file (Step Functions Local's MockConfigFile format). LocalStack caches it by path and
    whole-second mtime, so every write sets an mtime one second later than the previous one."""

    def __init__(self, path: pathlib.Path):
        self.path = path
        self.config: dict = {"StateMachines": {}, "MockedResponses": {}}
        self._mtime = int(time.time())
        self._responses = 0
        self.write()

    def add_case(self, machine: str, case: str, answers: dict[str, list[dict]]) -> None:
        """``answers``: state name -> the responses ({"Return": ...} or {"Throw": ...}) in call order."""
        states = {}
        for state, responses in answers.items():
            self._responses += 1
            name = f"r{self._responses}"
            self.config["MockedResponses"][name] = {str(i): r for i, r in enumerate(responses)}
            states[state] = name
        machines = self.config["StateMachines"]
        machines.setdefault(machine, {"TestCases": {}})["TestCases"][case] = states

    def write(self) -> None:
        self.path.write_text(json.dumps(self.config))
        self._mtime += 1
        os.utime(self.path, (self._mtime, self._mtime))


class Server:
    """One LocalStack process (Step Functions only) on a free port of 127.0.0.1."""

    def __init__(self):
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="pyawssfn-localstack-"))
        self.port = _free_port()
        self.mocks = MockFile(self.dir / "mock-config.json")
        self.log = open(self.dir / "localstack.log", "wb")
        self.children = self.dir / "child-events"  # Distributed Map children's events, per execution (_launch.py)
        self.children.mkdir()
        env = {**os.environ, "OVERRIDE_IN_DOCKER": "0", "FILESYSTEM_ROOT": str(FILESYSTEM_ROOT),
               "SERVICES": "stepfunctions,s3,sts", "GATEWAY_LISTEN": f"127.0.0.1:{self.port}",
               "SFN_MOCK_CONFIG": str(self.mocks.path), "DISABLE_EVENTS": "1", "LOCALSTACK_TELEMETRY": "0",
               "SKIP_SSL_CERT_DOWNLOAD": "1", "DNS_ADDRESS": "0", "LS_LOG": "warn",
               "PYAWSSFN_CHILD_EVENTS": str(self.children)}
        env.pop("PYTHONPATH", None)
        self.process = subprocess.Popen([str(VENV_PYTHON), str(LAUNCH)], cwd=self.dir, env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        # .ci/run stops whatever is listed here when it exits, should this process outlive the session
        self.pidfile = CACHE / "pids" / str(self.process.pid)
        self.pidfile.parent.mkdir(parents=True, exist_ok=True)
        self.pidfile.touch()
        self.url = f"http://127.0.0.1:{self.port}"
        self._wait_healthy()
        import boto3

        self.client = boto3.client("stepfunctions", endpoint_url=self.url, region_name=REGION,
                                   aws_access_key_id="test", aws_secret_access_key="test")
        self.s3 = boto3.client("s3", endpoint_url=self.url, region_name=REGION,
                               aws_access_key_id="test", aws_secret_access_key="test")

    def _wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"LocalStack exited with {self.process.returncode}: {self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_localstack/health", timeout=1) as r:
                    services = json.load(r).get("services", {})
                    if all(services.get(s) in ("available", "running") for s in ("stepfunctions", "s3")):
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"LocalStack was not healthy within {timeout:.0f} s: {self.log_tail()}")

    def log_tail(self, n: int = 2000) -> str:
        self.log.flush()
        return (self.dir / "localstack.log").read_text(errors="replace")[-n:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.pidfile.unlink(missing_ok=True)
        self.log.close()

    # ------------------------------------------------------------------------------------------- executions
    def create_machine(self, name: str, definition: dict) -> str:
        res = self.client.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE_ARN)
        return res["stateMachineArn"]

    def run_batch(self, starts: list[tuple[str, str, object]], timeout: float = 60) -> list[dict]:
        """Start every (machine arn, test case, input) at once, then wait for all; returns, per start, the
        DescribeExecution answer with its "events" (the whole history)."""
        arns = [self.client.start_execution(stateMachineArn=f"{arn}#{case}", input=json.dumps(inp))["executionArn"]
                for arn, case, inp in starts]
        results: list[dict | None] = [None] * len(arns)
        deadline = time.monotonic() + timeout
        # one request at a time, on the oldest execution still running: the server's CPU is the bottleneck
        for i, arn in enumerate(arns):
            while True:
                d = self.client.describe_execution(executionArn=arn)
                if d["status"] != "RUNNING":
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"LocalStack execution {arn} still running after {timeout} s")
                time.sleep(0.02)
            d["events"] = self._history(arn)
            d["child_events"] = self._child_events(arn)
            results[i] = d
        return results

    def _child_events(self, execution_arn: str) -> list[list[dict]]:
        """The events of each Distributed Map run of the execution (all of its children's, in the order they ran)."""
        path = self.children / (hashlib.sha256(execution_arn.encode()).hexdigest() + ".jsonl")
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]

    # ------------------------------------------------------------------------------------------- S3
    def s3_reset(self, buckets, objects: dict[tuple[str, str], bytes]) -> None:
        """Make ``buckets`` hold exactly ``objects`` ((bucket, key) -> body)."""
        for bucket in buckets:
            self.s3.create_bucket(Bucket=bucket)  # already there: S3 (us-east-1) answers it is the owner's
            for key in self._keys(bucket):
                self.s3.delete_object(Bucket=bucket, Key=key)
        for (bucket, key), body in objects.items():
            self.s3.put_object(Bucket=bucket, Key=key, Body=body)

    def s3_written(self, buckets, objects: dict[tuple[str, str], bytes]) -> list[tuple[str, str, bytes]]:
        """What ``buckets`` hold besides ``objects`` (what the execution wrote), (bucket, key, body)."""
        return [(b, k, self.s3.get_object(Bucket=b, Key=k)["Body"].read())
                for b in sorted(buckets) for k in self._keys(b) if (b, k) not in objects]

    def _keys(self, bucket: str) -> list[str]:
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))

    def _history(self, execution_arn: str) -> list[dict]:
        events, token = [], None
        while True:
            kw = {"nextToken": token} if token else {}
            page = self.client.get_execution_history(executionArn=execution_arn, maxResults=1000, **kw)
            events += page["events"]
            token = page.get("nextToken")
            if not token:
                return events
