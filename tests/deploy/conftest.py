"""Fixtures for the deploy tests: one moto server per session, fake credentials, hand-written definitions."""
from __future__ import annotations

import io
import logging
import pathlib
import zipfile

import pytest

ACCOUNT = "123456789012"   # moto's default account
REPO = pathlib.Path(__file__).resolve().parents[2]
REPO_DOCS = REPO / "docs"
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="session")
def moto_url():
    from moto.server import ThreadedMotoServer
    logging.getLogger("werkzeug").setLevel(logging.ERROR)   # no request log on stderr
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(autouse=True)
def fake_aws_env(monkeypatch, tmp_path):
    """Fake credentials only; no profile or config file of the machine can leak in; one attempt per call."""
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_REGION",
                "AWS_ENDPOINT_URL", "AWS_RETRY_MODE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def lambda_task(step: str, next_state: str | None = None, **extra) -> dict:
    state = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "Arguments": {"FunctionName": "${FunctionArn}", "Payload": {"step": step, "kwargs": {}}}, **extra}
    state.update({"Next": next_state} if next_state else {"End": True})
    return state


def machine(*states: tuple[str, dict]) -> dict:
    return {"QueryLanguage": "JSONata", "StartAt": states[0][0], "States": dict(states)}


def zip_of(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("pyawssfn_handler.py", (1980, 1, 1, 0, 0, 0)), text)
    return buf.getvalue()
