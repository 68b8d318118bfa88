"""States entered (what Standard workflows are billed by): on every example and every input its tests use, the
compiled machine enters at most as many states as the hand-written one (benchmarks/handwritten/) and as sfnx's port
(benchmarks/sfnx/, when its venv benchmarks/.venv-sfnx is there: `python benchmarks/bench_examples.py` makes it).

No exception: an error nothing catches ends the execution as it is (no shared Fail state), so a failing run enters
no more states than a machine that lets Lambda's error through. Runs on our executor only."""
from __future__ import annotations

import importlib.util
import json
import pathlib
import sys

import pytest

from pyawssfn.testing import WorkflowTester

ROOT = pathlib.Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks"


def _bench():
    name = "_engines_bench_examples"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, BENCH / "bench_examples.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _cases():
    return [(example, case, setup, inp) for example, entries in _bench().example_cases().items()
            for case, setup, inp in entries]


def _entered(path, definition, setup, inp) -> int:
    """States entered on ``inp`` (the run checked against the plain-Python run)."""
    tester = WorkflowTester(path) if definition is None else WorkflowTester(path, definition=definition)
    (entered, _, _), agrees = _bench().run(tester, setup, inp)
    assert agrees, f"{path.name} ({'compiled' if definition is None else 'baseline'}) disagrees with Python on {inp}"
    return entered


@pytest.mark.parametrize("example, case, setup, inp", _cases(), ids=[f"{e}-{c}" for e, c, _, _ in _cases()])
def test_no_more_states_entered_than_by_hand(example, case, setup, inp):
    path = ROOT / "examples" / f"{example}.py"
    hand = json.loads((BENCH / "handwritten" / f"{example}.json").read_text())
    ours = _entered(path, None, setup, inp)
    theirs = _entered(path, hand, setup, inp)
    assert ours <= theirs, f"{example} {case}: {ours} states entered, {theirs} by hand"


_SFNX = BENCH / ".venv-sfnx" / "bin" / "python"


@pytest.mark.skipif(not _SFNX.exists(), reason="sfnx's venv is not there (python benchmarks/bench_examples.py makes it)")
def test_no_more_states_entered_than_sfnx():
    definitions = _bench().sfnx_definitions(True)
    problems = []
    for example, case, setup, inp in _cases():
        if example not in definitions:
            continue
        path = ROOT / "examples" / f"{example}.py"
        ours = _entered(path, None, setup, inp)
        theirs = _entered(path, definitions[example], setup, inp)
        if ours > theirs:
            problems.append(f"{example} {case}: {ours} states entered, {theirs} by sfnx")
    assert not problems, "\n".join(problems)
