"""The local executor against executions recorded on real AWS Step Functions (see ../shared/conformance)."""
from __future__ import annotations

import importlib.util
import io

from tests.conftest import REPO, shared_path

# The number of recorded cases the executor must match. It only ever rises; see tools/conformance_failures.md
# for the cases still failing and why.
FLOOR = 632
FAMILY_FLOOR = 0.90


def _runner():
    spec = importlib.util.spec_from_file_location("run_conformance", REPO / "tools" / "run_conformance.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_conformance_floor():
    cases = shared_path("conformance/cases.jsonl")
    out = io.StringIO()
    counts, failures = _runner().run_cases(cases, out=out)
    passed = sum(p for p, _ in counts.values())
    total = sum(t for _, t in counts.values())
    report = out.getvalue() + "\n".join(f"{cid}: {why}" for cid, why in failures)
    assert passed >= FLOOR, report
    for family, (p, t) in counts.items():
        assert p / t >= FAMILY_FLOOR, f"{family}: {p}/{t}\n{report}"
    assert out.getvalue().rstrip().splitlines()[-1] == f"conformance: {passed}/{total}"


def test_extra_conformance_cases():
    """More recorded cases in the same form, from $PYAWSSFN_CONFORMANCE_EXTRA (a cases file with compare.py beside
    it): at least $PYAWSSFN_CONFORMANCE_EXTRA_FLOOR of them must match. Skipped when the variable is unset."""
    import os

    import pytest

    extra = os.environ.get("PYAWSSFN_CONFORMANCE_EXTRA")
    if not extra:
        pytest.skip("PYAWSSFN_CONFORMANCE_EXTRA is not set")
    out = io.StringIO()
    counts, failures = _runner().run_cases(extra, out=out)
    passed = sum(p for p, _ in counts.values())
    floor = int(os.environ.get("PYAWSSFN_CONFORMANCE_EXTRA_FLOOR", "0"))
    assert passed >= floor, out.getvalue() + "\n".join(f"{cid}: {why}" for cid, why in failures)
