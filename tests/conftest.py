"""Shared test fixtures. Area-specific fixtures live in each tests/<area>/conftest.py."""
from __future__ import annotations

import os
import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent


def conformance_dir() -> pathlib.Path:
    """Where the AWS-recorded conformance cases are: $PYAWSSFN_CONFORMANCE_CASES or ../shared/conformance."""
    env = os.environ.get("PYAWSSFN_CONFORMANCE_CASES")
    if env:
        p = pathlib.Path(env)
        return p.parent if p.is_file() else p
    return REPO.parent / "shared" / "conformance"


@pytest.fixture(scope="session")
def repo_root() -> pathlib.Path:
    return REPO
