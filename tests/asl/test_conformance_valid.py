"""Every definition in the conformance suite was accepted by real AWS Step Functions: none may be reported."""
from __future__ import annotations

import json

import pytest

from pyawssfn.asl import validate_definition
from tests.conftest import conformance_dir


def test_every_recorded_definition_is_valid():
    path = conformance_dir() / "cases.jsonl"
    if not path.exists():
        pytest.fail(f"conformance cases not found at {path} (set PYAWSSFN_CONFORMANCE_CASES)")
    failures = []
    count = 0
    with path.open() as f:
        for line in f:
            case = json.loads(line)
            count += 1
            problems = validate_definition(case["definition"])
            if problems:
                failures.append(f"{case['id']}: " + "; ".join(map(str, problems)))
    assert count > 600
    assert not failures, "\n".join(failures)
