"""The JSONata shadow sees what the executor evaluates: the golden definitions (tests/compiler/golden) are run both
ways here with a few inputs each, under the shadow (the autouse fixture in tests/conftest.py fails a test on any
difference from npm jsonata 2.0.6), and each run must have handed the shadow its evaluations. The other areas (the
examples, the differential tests and the generator's programs, tests/local, the conformance cases) run under the
same fixture; the end of a test run prints how many evaluations each area had checked."""
from __future__ import annotations

import inspect
import pathlib
import re

import pytest

from pyawssfn.jsonata import shadow
from pyawssfn.testing import WorkflowTester

GOLDEN = sorted((pathlib.Path(__file__).resolve().parents[1] / "compiler" / "golden").glob("*.py"))
SDK_ANSWERS = {"sdk_call": ("s3.get_object", {"Body": "text", "ContentLength": 4})}


def _tester(path: pathlib.Path) -> WorkflowTester:
    m = re.match(r"# workflow: (\w+)", path.read_text())
    return WorkflowTester(path, m.group(1) if m else None)


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_golden_definitions_run_under_the_shadow(path):
    tester = _tester(path)
    if path.stem in SDK_ANSWERS:
        operation, answer = SDK_ANSWERS[path.stem]
        tester.mock_aws(operation, returns=answer)
    fn = getattr(tester.module, tester.workflow)
    params = list(inspect.signature(inspect.unwrap(fn)).parameters)
    before = shadow.stats()["seen"]
    for value in (3, [1, 2], "ab"):
        tester.run_both({p: value for p in params})  # the two runs agree, whatever the input's type
    if shadow.enabled():
        assert shadow.stats()["seen"] > before, f"{path.stem}: no JSONata evaluation reached the shadow"
