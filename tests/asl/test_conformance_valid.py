"""Every definition in the conformance suite was accepted by real AWS Step Functions: none may be reported."""
from __future__ import annotations

import json

from pyawssfn.asl import validate_definition
from tests.conftest import shared_path


def test_every_recorded_definition_is_valid():
    path = shared_path("conformance/cases.jsonl")
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
