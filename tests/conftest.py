"""Shared test fixtures. Area-specific fixtures live in each tests/<area>/conftest.py.

Data this repository's CI supplies (the AWS recordings in ../shared/conformance, ...) is reached only through
``shared_path("conformance/cases.jsonl")``: outside CI a missing file skips the test (one summary line says which
folder is missing), inside CI (``CI=true``) it fails, so CI can never pass by skipping.
"""
from __future__ import annotations

import collections
import os
import pathlib

import pytest
from hypothesis import settings

REPO = pathlib.Path(__file__).resolve().parent.parent

# Paths asked for and not found during this session, reported once each in the terminal summary.
_MISSING: dict[pathlib.Path, str] = {}


def in_ci() -> bool:
    """True when the run is this repository's CI, which must supply every shared file."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


# The property tests (hypothesis) draw new examples on a developer's machine, where finding a new counterexample is
# the point, and a fixed sequence in CI (derandomize): a merge is judged on the same examples every run, so a red CI
# means the change broke something rather than that the dice found an old bug. PYAWSSFN_FUZZ_EXAMPLES deepens both.
settings.register_profile("ci", derandomize=True, print_blob=True)
if in_ci():
    settings.load_profile("ci")


def shared_root() -> pathlib.Path:
    """The folder of CI-supplied data: $PYAWSSFN_SHARED, else ../shared beside the checkout."""
    env = os.environ.get("PYAWSSFN_SHARED")
    return pathlib.Path(env) if env else REPO.parent / "shared"


def conformance_dir() -> pathlib.Path:
    """Where the AWS-recorded conformance cases are: $PYAWSSFN_CONFORMANCE_CASES or <shared>/conformance."""
    env = os.environ.get("PYAWSSFN_CONFORMANCE_CASES")
    if env:
        p = pathlib.Path(env)
        return p.parent if p.is_file() else p
    return shared_root() / "conformance"


def _locate(relative: str) -> pathlib.Path:
    first, _, rest = relative.partition("/")
    if first == "conformance":  # keeps the older PYAWSSFN_CONFORMANCE_CASES override working
        return conformance_dir() / rest if rest else conformance_dir()
    return shared_root() / relative


def shared_path_or_none(relative: str) -> pathlib.Path | None:
    """For collection time (parametrize lists): the path, or None outside CI when it is missing; fails in CI.

    A test parametrized over an empty list is reported by pytest as skipped, so pair this with a test that calls
    ``shared_path`` to make CI fail loudly rather than run nothing.
    """
    path = _locate(relative)
    if path.exists():
        return path
    message = _missing_message(relative, path)
    if in_ci():
        pytest.fail(message, pytrace=False)
    _MISSING[path] = message
    return None


def shared_path(relative: str) -> pathlib.Path:
    """The CI-supplied file ``relative`` (to ../shared); skips the calling test outside CI when it is missing."""
    path = shared_path_or_none(relative)
    if path is None:
        pytest.skip(_MISSING[_locate(relative)])
    return path


_MARK = "from this repository's CI data"


def _missing_message(relative: str, path: pathlib.Path) -> str:
    return (f"needs {relative} {_MARK}, not found at {path} "
            "(set PYAWSSFN_SHARED to the folder holding it)")


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ARG001  (pytest's hook signature)
    # One line, so a bare clone says why some tests skipped without -rs. Read from the skip reports rather than
    # from _MISSING: under xdist the tests ran in worker processes.
    _shadow_summary(terminalreporter)  # executor's hook: what the JSONata shadow covered
    count = 0
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        if isinstance(longrepr, tuple) and _MARK in str(longrepr[-1]):
            count += 1
    if count:
        terminalreporter.write_line(
            f"{count} skipped: they need {shared_root()} (data this repository's CI supplies; "
            "set PYAWSSFN_SHARED to use a copy; with CI=true they fail instead)")


@pytest.fixture(scope="session")
def repo_root() -> pathlib.Path:
    return REPO


# -- executor's: the JSONata shadow (src/pyawssfn/jsonata/shadow.py) --------------------------------------------------
# Evaluations the shadow saw, by test area (tests/differential, tests/examples, tests/test_conformance.py, ...),
# summed over xdist workers and printed at the end of the run, so a run shows what the shadow covered.
_SHADOW_SEEN: collections.Counter = collections.Counter()


def _shadow_area(nodeid: str) -> str:
    parts = nodeid.split("::", 1)[0].split("/")
    return "/".join(parts[:2])  # tests/local, tests/test_conformance.py, ...


def pytest_sessionfinish(session):
    if hasattr(session.config, "workeroutput"):  # an xdist worker: hand the counts to the controller
        session.config.workeroutput["jsonata_shadow_seen"] = dict(_SHADOW_SEEN)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):  # noqa: ARG001  (xdist's hook signature)
    _SHADOW_SEEN.update(getattr(node, "workeroutput", {}).get("jsonata_shadow_seen", {}))


def _shadow_summary(terminalreporter) -> None:
    if not sum(_SHADOW_SEEN.values()):
        return
    areas = ", ".join(f"{area} {n}" for area, n in sorted(_SHADOW_SEEN.items()) if n)
    terminalreporter.write_line(
        f"JSONata shadow: {sum(_SHADOW_SEEN.values())} evaluations checked against npm jsonata 2.0.6 ({areas})")


# Every JSONata expression a test evaluates in-process is evaluated again by npm jsonata@2.0.6 (AWS's engine); a
# difference fails the test that caused it. On when the reference is installed; PYAWSSFN_JSONATA_SHADOW=0 turns it off.
def _jsonata_shadow_wanted() -> bool:
    setting = os.environ.get("PYAWSSFN_JSONATA_SHADOW")
    if setting is not None:
        return setting == "1"
    if in_ci():
        return True  # CI installs the reference: a missing one fails every test rather than turning the shadow off
    import shutil

    return shutil.which("node") is not None and (REPO / "node_modules" / "jsonata" / "package.json").is_file()


@pytest.fixture(autouse=True)
def _jsonata_shadow(request):
    from pyawssfn.jsonata import shadow

    if _jsonata_shadow_wanted():
        shadow.enable()
    before = shadow.stats()["seen"]
    yield
    differences = shadow.check()
    _SHADOW_SEEN[_shadow_area(request.node.nodeid)] += shadow.stats()["seen"] - before
    if differences:
        pytest.fail("the JSONata shadow (npm jsonata 2.0.6) disagrees:\n  " + "\n  ".join(differences[:20]),
                    pytrace=False)
