"""The second engine (LocalStack's Step Functions) for tests/engines: one server for the whole session (per xdist
worker), stopped at the end. Without it installed the suite is skipped with one line (test_engines.py), except in
CI, where that is a failure."""
from __future__ import annotations

import pytest

from . import server


@pytest.fixture(scope="session")
def engine():
    from .harness import Engine

    s = server.Server()
    try:
        yield Engine(s)
    finally:
        s.stop()
