"""boto3 sessions and the mapping of every botocore failure to a one-line message (never a traceback).

Exit statuses: 2 when the user's setup is wrong (no credentials, unknown region, endpoint unreachable, a name we must
not touch); 1 when AWS refused a request.
"""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import Any, Iterator

import boto3
import botocore.config
import botocore.exceptions as bexc

_CREDENTIAL_CODES = {"InvalidClientTokenId", "UnrecognizedClientException", "ExpiredToken", "ExpiredTokenException",
                     "SignatureDoesNotMatch", "AuthFailure", "InvalidSignatureException", "MissingAuthenticationToken"}


class AwsProblem(Exception):
    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class Aws:
    """The clients for one region / endpoint, all built from the same session."""
    session: boto3.session.Session
    region: str
    endpoint_url: str | None

    def client(self, service: str) -> Any:
        retries: dict[str, Any] = {"mode": os.environ.get("AWS_RETRY_MODE", "standard")}
        if not os.environ.get("AWS_MAX_ATTEMPTS"):
            retries["max_attempts"] = 4   # else botocore reads AWS_MAX_ATTEMPTS, e.g. 1 in tests
        config = botocore.config.Config(connect_timeout=10, read_timeout=60, retries=retries,
                                        user_agent_extra="pyawssfn")
        return self.session.client(service, region_name=self.region, endpoint_url=self.endpoint_url, config=config)

    @property
    def partition(self) -> str:
        return self.session.get_partition_for_region(self.region)


def connect(region: str | None = None, endpoint_url: str | None = None,
            session: boto3.session.Session | None = None) -> Aws:
    """A checked session: a region we know, credentials present. Nothing is sent over the network here."""
    session = session or boto3.session.Session()
    region = region or session.region_name
    if not region:
        raise AwsProblem("no AWS region: give --region, or set AWS_REGION / AWS_DEFAULT_REGION", 2)
    if endpoint_url is None and not _known_region(session, region):
        raise AwsProblem(f"{region!r} is not an AWS region where Step Functions runs (for example: us-east-1, "
                         "eu-west-1); check --region / AWS_REGION", 2)
    if endpoint_url is not None and not endpoint_url.startswith(("http://", "https://")):
        raise AwsProblem(f"--endpoint-url {endpoint_url!r} must start with http:// or https://", 2)
    try:
        creds = session.get_credentials()
    except bexc.BotoCoreError as exc:
        raise AwsProblem(f"cannot load AWS credentials: {exc}", 2) from exc
    if creds is None:
        raise AwsProblem("no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
                         "AWS_SECRET_ACCESS_KEY, or run `aws configure`", 2)
    return Aws(session, region, endpoint_url)


def _known_region(session: boto3.session.Session, region: str) -> bool:
    for partition in session.get_available_partitions():
        if region in session.get_available_regions("stepfunctions", partition_name=partition):
            return True
    return False


def describe(exc: BaseException, endpoint_url: str | None = None) -> AwsProblem:
    """The user-facing problem for a botocore exception."""
    if isinstance(exc, AwsProblem):
        return exc
    if isinstance(exc, (bexc.NoCredentialsError, bexc.PartialCredentialsError)):
        return AwsProblem(f"AWS credentials missing or incomplete: {exc}", 2)
    if isinstance(exc, bexc.NoRegionError):
        return AwsProblem("no AWS region: give --region, or set AWS_REGION / AWS_DEFAULT_REGION", 2)
    if isinstance(exc, (bexc.EndpointConnectionError, bexc.ConnectTimeoutError, bexc.ConnectionClosedError,
                        bexc.ReadTimeoutError, bexc.ProxyConnectionError, bexc.SSLError)):
        where = endpoint_url or getattr(exc, "kwargs", {}).get("endpoint_url") or "the AWS endpoint"
        return AwsProblem(f"cannot reach {where}: {exc}", 2)
    if isinstance(exc, bexc.ParamValidationError):
        return AwsProblem(f"invalid request: {exc}", 2)
    if isinstance(exc, bexc.ClientError):
        err = exc.response.get("Error", {})
        code, message = err.get("Code", "Error"), err.get("Message", "")
        op = getattr(exc, "operation_name", "request")
        if code in _CREDENTIAL_CODES:
            return AwsProblem(f"AWS rejected the credentials ({code}): {message}", 2)
        return AwsProblem(f"{op} failed: {code}: {message}".rstrip(": "), 1)
    if isinstance(exc, bexc.BotoCoreError):
        return AwsProblem(f"AWS call failed: {exc}", 2)
    raise exc


@contextlib.contextmanager
def aws_errors(endpoint_url: str | None = None) -> Iterator[None]:
    """Turn any botocore failure inside the block into an ``AwsProblem``."""
    try:
        yield
    except (bexc.BotoCoreError, bexc.ClientError) as exc:
        raise describe(exc, endpoint_url) from exc


def error_code(exc: BaseException) -> str | None:
    if isinstance(exc, bexc.ClientError):
        return exc.response.get("Error", {}).get("Code")
    return None
