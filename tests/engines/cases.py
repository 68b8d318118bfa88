"""The executions the engine suite compares: every example on every input its tests use, every golden definition
that has inputs, and a fixed-seed sample of the hypothesis workflow generator's programs (with their error paths)."""
from __future__ import annotations

import importlib.util
import itertools
import os
import pathlib
import re
import sys
import tempfile

from hypothesis import HealthCheck, Phase, given, settings

from pyawssfn.compiler import CompileError
from pyawssfn.testing import WorkflowTester

from .harness import Case, case_from_tester

TESTS = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES = TESTS.parent / "examples"
GOLDEN = TESTS / "compiler" / "golden"

# the golden modules whose behaviour tests/compiler/test_semantics.py checks, with the inputs it uses
GOLDEN_INPUTS = {
    "if_elif_else": [{"x": x} for x in (-1, 0, 1, 5, 12)],
    "while_loop": [{"limit": n} for n in (0, 3, 5, 10)],
}

_ORDER = {"order_id": "o1", "items": {"apple": 2}, "amount": 50, "country": "FR"}
# inputs of tests/examples/test_machine.py that tests/differential/test_examples_both_ways.py does not already use
EXTRA_EXAMPLE_INPUTS = {
    "fan_out": [("zero-width", None, {"images": [{"key": "z", "width": 0, "height": 1}]})],
    "order_pipeline": [("out-of-stock-9", None, {**_ORDER, "items": {"pear": 9}})],
    "polling": [("rows-2500", None, {"dataset": "d", "rows": 2500}), ("rows-neg", None, {"dataset": "d", "rows": -1})],
}


def _load(path: pathlib.Path, name: str):
    """A module of the test suite, loaded by path (the suite runs with --import-mode=importlib)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def both_ways():
    """tests/differential/test_examples_both_ways.py: the examples and the inputs they are run on."""
    return _load(TESTS / "differential" / "test_examples_both_ways.py", "_engines_examples_both_ways")


def example_cases(only: set[str] | None = None) -> list[Case]:
    """The examples on their inputs (``only``: those examples)."""
    cases = []
    for example, entries in both_ways().CASES.items():
        if only is not None and example not in only:
            continue
        for case_id, setup, inp in entries + EXTRA_EXAMPLE_INPUTS.get(example, []):
            tester = WorkflowTester(EXAMPLES / f"{example}.py")
            if setup:
                setup(tester)
            cases.append(case_from_tester(f"{example}-{case_id}", example, tester, inp))
    return cases


def golden_names_with_inputs() -> set[str]:
    """The golden modules tests/compiler/test_semantics.py runs (so that a new one is not forgotten here)."""
    text = (TESTS / "compiler" / "test_semantics.py").read_text()
    return set(re.findall(r'golden_source\("(\w+)"\)', text))


def golden_cases() -> list[Case]:
    cases = []
    for name, inputs in GOLDEN_INPUTS.items():
        for i, inp in enumerate(inputs):
            tester = WorkflowTester(GOLDEN / f"{name}.py")
            cases.append(case_from_tester(f"golden-{name}-{i}", f"golden-{name}", tester, inp))
    return cases


def branch_cases() -> list[Case]:
    """The workflows of branch_programs.py (a value that can fail inside a Parallel branch) on their inputs."""
    from . import branch_programs

    cases = []
    with branch_programs.written() as paths:
        for name, path in paths.items():
            for i, inp in enumerate(branch_programs.INPUTS):
                cases.append(case_from_tester(f"branch-{name}-{i}", f"branch-{name}", WorkflowTester(path, "w"), inp))
    return cases


# ------------------------------------------------------------------------------------------- generated programs
GENERATED = int(os.environ.get("PYAWSSFN_ENGINES_PROGRAMS", "200"))
_counter = itertools.count()


def generated_cases(n: int = GENERATED) -> tuple[list[Case], int]:
    """Cases for the first ``n`` programs drawn by the generator of tests/differential/test_workflow_properties.py
    that compile, each on its drawn input and callback plan; derandomised (a fixed seed), generation only (no
    shrinking, no database), so the same sample every run. Returns (cases, programs the compiler refused)."""
    props = _load(TESTS / "differential" / "test_workflow_properties.py", "_engines_workflow_properties")
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="pyawssfn-engines-"))
    cases: list[Case] = []
    refused = [0]

    @settings(max_examples=n * 3, deadline=None, derandomize=True, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(source=props.workflows(), inp=props.inputs, plan=props.callback_plans)
    def draw(source, inp, plan):
        if len(cases) >= n:
            return
        name = f"engwf_{os.getpid()}_{next(_counter)}"
        path = tmp / f"{name}.py"
        path.write_text(source)
        try:
            tester = WorkflowTester(path, "w")
            try:
                tester.definition
            except CompileError:
                refused[0] += 1
                return
            tester.callback("st_ask", **plan)
            case = case_from_tester(f"generated-{len(cases)}", "gen", tester, inp)
            case.source = f"{source[len(props.PRELUDE):]}\ninput: {inp!r}, callback: {plan!r}"
            cases.append(case)
        finally:
            sys.modules.pop(name, None)
            path.unlink()

    draw()
    tmp.rmdir()
    return cases, refused[0]
