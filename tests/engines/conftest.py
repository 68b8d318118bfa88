"""The second engine (LocalStack's Step Functions) for tests/engines: one server for the whole session (per xdist
worker), stopped at the end. Without it installed the suite is skipped with one line (test_engines.py), except in
CI, where that is a failure."""
from __future__ import annotations

import pytest

from . import server

_RUNS: list[int] = []


@pytest.fixture(scope="session")
def engine():
    from .harness import Engine

    s = server.Server()
    e = Engine(s)
    try:
        yield e
    finally:
        _RUNS.append(e.runs)
        s.stop()


def pytest_terminal_summary(terminalreporter):
    if _RUNS:  # per xdist worker: each prints its own share
        terminalreporter.write_line(f"engines: {sum(_RUNS)} executions compared on our executor and LocalStack")
