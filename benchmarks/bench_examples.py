"""Compiled examples next to careful hand-written ASL and next to sfnx (the leading peer) for the same workflows.

For every example and every input its tests use (tests/differential/test_examples_both_ways.py, which runs each
example on the inputs of tests/examples/): compile it, run it in the local executor (steps served in-process, as
`pyawssfn run` does), and print, for our machine, benchmarks/handwritten/<example>.json and sfnx's machine
(benchmarks/sfnx/<example>.py compiled by sfnx 3.1 in its own venv, benchmarks/.venv-sfnx, which _sfnx.py makes):
the definition's compact bytes and states, and per input the states entered, state transitions and Lambda
invocations, with the ratios ours/hand-written and ours/sfnx. All three machines run the same way, with the example's
real steps, and every run is checked against the plain-Python run, so a baseline that does something else is
flagged. Then, for the loop constructs, the Choice states entered per iteration beyond the body's own.

    .venv/bin/python benchmarks/bench_examples.py [--no-sfnx]
"""
from __future__ import annotations

import importlib.util
import json
import pathlib
import sys
import tempfile

from pyawssfn.compiler import compile_file
from pyawssfn.testing import DisagreementError, WorkflowTester

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
HERE = pathlib.Path(__file__).resolve().parent
HANDWRITTEN = HERE / "handwritten"
SFNX_PORTS = HERE / "sfnx"
SFNX_PORT_OF = {"analyse_text_poc": "analyse_text"}  # the same workflow, written once for sfnx
sys.path.insert(0, str(HERE))


def example_cases() -> dict:
    """example -> [(case, tester configuration or None, input)]: the inputs the tests use."""
    path = ROOT / "tests" / "differential" / "test_examples_both_ways.py"
    spec = importlib.util.spec_from_file_location("_bench_examples_cases", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CASES


def count_states(machine: dict) -> int:
    n = 0
    for state in machine["States"].values():
        n += 1
        for branch in state.get("Branches", []):
            n += count_states(branch)
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                n += count_states(state[key])
    return n


def compact_bytes(definition: dict) -> int:
    return len(json.dumps(definition, separators=(",", ":"), ensure_ascii=False).encode())


def run(tester: WorkflowTester, setup, inp):
    if setup:
        setup(tester)
    try:
        _, execution = tester.run_both(inp)
        agrees = True
    except DisagreementError:
        execution, agrees = tester.last_execution, False
    s = execution.stats
    return (s["states_entered"], s["state_transitions"], s["lambda_invocations"]), agrees


def sfnx_definitions(enabled: bool) -> dict[str, dict]:
    """example -> sfnx's compiled definition ({} when sfnx is not available)."""
    if not enabled:
        return {}
    import _sfnx

    if _sfnx.ensure_venv() is None:
        print("(sfnx could not be installed: its columns say -)")
        return {}
    out = {}
    for example in example_cases():
        port = SFNX_PORTS / f"{SFNX_PORT_OF.get(example, example)}.py"
        if port.exists():
            (definition,) = _sfnx.compile_file(port).values()
            out[example] = definition
    return out


def _ratio(a, b) -> str:
    return "-" if b in (None, 0) else f"{a / b:.2f}"


def _cells(values) -> str:
    return " / ".join("-" if v is None else str(v) for v in values)


def machines_table(machines: dict) -> None:
    print("definitions: ours / hand-written / sfnx (ratios ours/hand, ours/sfnx)")
    header = f"{'example':<18}{'bytes':>24}{'ratios':>13}{'states':>14}{'ratios':>13}"
    print(header)
    print("-" * len(header))
    for example, (ours, hand, sfnx) in machines.items():
        b = [compact_bytes(d) if d else None for d in (ours, hand, sfnx)]
        n = [count_states(d) if d else None for d in (ours, hand, sfnx)]
        print(f"{example:<18}{_cells(b):>24}{_ratio(b[0], b[1]) + ' ' + _ratio(b[0], b[2]):>13}"
              f"{_cells(n):>14}{_ratio(n[0], n[1]) + ' ' + _ratio(n[0], n[2]):>13}")


def examples_table(use_sfnx: bool = True) -> bool:
    sfnx = sfnx_definitions(use_sfnx)
    cases = example_cases()
    machines = {}
    for example in cases:
        path = EXAMPLES / f"{example}.py"
        # as `pyawssfn compile` writes it (the Lambda's ARN a ${FunctionArn} placeholder, as in the hand-written
        # machines; a tester's definition has the local executor's ARN in its place)
        machines[example] = (compile_file(path).definition,
                             json.loads((HANDWRITTEN / f"{example}.json").read_text()), sfnx.get(example))
    machines_table(machines)
    print("\nper input: ours / hand-written / sfnx (ratios ours/hand, ours/sfnx)")
    header = (f"{'example':<18}{'case':<21}{'entered':>13}{'ratios':>12}{'transitions':>14}{'ratios':>12}"
              f"{'lambdas':>12}{'ratios':>12}")
    print(header)
    print("-" * len(header))
    all_agree = True
    for example, entries in cases.items():
        path = EXAMPLES / f"{example}.py"
        _, hand, sfnx_def = machines[example]
        for case, setup, inp in entries:
            results = [run(WorkflowTester(path), setup, inp), run(WorkflowTester(path, definition=hand), setup, inp)]
            results.append(run(WorkflowTester(path, definition=sfnx_def), setup, inp) if sfnx_def else (None, True))
            names = ("compiled", "hand-written", "sfnx")
            wrong = [n for n, (_, ok) in zip(names, results) if not ok]
            all_agree &= not wrong
            row = f"{example:<18}{case[:20]:<21}"
            for i in range(3):
                values = [r[i] if r else None for r, _ in results]
                row += f"{_cells(values):>13}{_ratio(values[0], values[1]) + ' ' + _ratio(values[0], values[2]):>12}"
            print(row + ("  <- disagrees with Python: " + ", ".join(wrong) if wrong else ""))
    return all_agree


LOOPS = '''import pyawssfn as sfn


def step(x):
    return x


@sfn.workflow
def for_list(xs):
    out = []
    for x in xs:
        out.append(step(x))
    return out


@sfn.workflow
def for_range(n):
    out = []
    for i in range(n):
        out.append(step(i))
    return out


@sfn.workflow
def for_items(d):
    out = []
    for k, v in d.items():
        out.append(step(v))
    return out


@sfn.workflow
def for_else(n):
    out = []
    for x in range(n):
        out.append(step(x))
    else:
        out.append(-1)
    return out


@sfn.workflow
def for_continue(n):
    out = []
    for x in range(n):
        if x < 0:
            continue
        out.append(step(x))
    return out


@sfn.workflow
def while_counter(n):
    i = 0
    out = []
    while i < n:
        out.append(step(i))
        i += 1
    return out
'''

BODY_CHOICES = {"for_continue": 1}  # the body's own `if`, entered once per iteration


def choices_entered(execution) -> int:
    return sum(1 for e in execution.history if e["type"] == "ChoiceStateEntered")


def loop_table() -> bool:
    print("\nChoice states entered per loop iteration beyond the body's own (the issue allows at most 1)")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "bench_loops.py"
        path.write_text(LOOPS)
        for workflow in ("for_list", "for_range", "for_items", "for_else", "for_continue", "while_counter"):
            tester = WorkflowTester(path, workflow)
            small, large = 2, 7
            counts = []
            for n in (small, large):
                _, execution = tester.run_both({"n": n, "xs": list(range(n)), "d": {str(i): i for i in range(n)}})
                counts.append((choices_entered(execution), execution.stats["states_entered"]))
            per_iteration = (counts[1][0] - counts[0][0]) / (large - small) - BODY_CHOICES.get(workflow, 0)
            states_per_iteration = (counts[1][1] - counts[0][1]) / (large - small)
            ok &= per_iteration <= 1
            print(f"  {workflow:<15} {per_iteration:.2f} Choice/iteration   {states_per_iteration:.2f} states "
                  f"entered/iteration   (definition: {count_states(tester.definition)} states)")
        sys.modules.pop("bench_loops", None)
    return ok


if __name__ == "__main__":
    agree = examples_table(use_sfnx="--no-sfnx" not in sys.argv[1:])
    loops_ok = loop_table()
    if not agree:
        print("\nsome runs disagree with plain Python (see the marked rows)")
    if not loops_ok:
        print("\nsome loop takes more than one Choice per iteration")
    sys.exit(0 if agree and loops_ok else 1)
