"""Compiled examples next to careful hand-written ASL for the same workflows.

For every example: compile it, run it in the local executor on representative inputs (steps served in-process, as
`pyawssfn run` does), and print the states in the definition, states entered, state transitions and Lambda
invocations, next to the same numbers for benchmarks/handwritten/<example>.json run the same way. Every run (compiled
and hand-written) is also checked against the plain-Python run, so a baseline that does something else is flagged.
Then, for the loop constructs, the Choice states entered per iteration beyond the body's own (the issue allows one).

    .venv/bin/python benchmarks/bench_examples.py
"""
from __future__ import annotations

import json
import pathlib
import sys
import tempfile

from pyawssfn.testing import DisagreementError, WorkflowTester

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
HANDWRITTEN = pathlib.Path(__file__).resolve().parent / "handwritten"

IMAGES = [{"key": f"i{n}.png", "width": 100 * n, "height": 300} for n in range(1, 4)]
ORDER = {"order_id": "o1", "items": {"apple": 2}, "amount": 50, "country": "FR"}

# example -> [(case, tester configuration or None, input)]
CASES = {
    "analyse_text": [("a short example", None, {"text": "a short example"}),
                     ("c text", None, {"text": "choose wisely"}),
                     ("too short", None, {"text": ""})],
    "analyse_text_poc": [("a short example", None, {"text": "a short example"})],
    "fan_out": [("3 images", None, {"images": IMAGES}), ("no images", None, {"images": []})],
    "approval": [("small", None, {"order_id": "o1", "amount": 20}),
                 ("approved", lambda t: t.callback("request_approval", result={"approved": True}, after=3600),
                  {"order_id": "o2", "amount": 500}),
                 ("expired", lambda t: t.callback("request_approval", timeout=True),
                  {"order_id": "o4", "amount": 500})],
    "order_pipeline": [("placed", None, ORDER), ("shipping fails", None, {**ORDER, "country": "AQ"}),
                       ("payment fails", None, {**ORDER, "amount": 5000})],
    "polling": [("3 polls", None, {"dataset": "sales", "rows": 3000}),
                ("times out", None, {"dataset": "huge", "rows": 10 ** 6})],
    "quote": [("shipped", None, {"items": {"apple": 3, "melon": 1}, "country": "FR"}),
              ("no carrier", None, {"items": {"pear": 1}, "country": "XX"})],
}


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


def examples_table() -> bool:
    header = (f"{'example':<17}{'case':<17}{'states':>14}{'entered':>14}{'transitions':>14}{'lambdas':>14}")
    print("compiled / hand-written (per column)")
    print(header)
    print("-" * len(header))
    all_agree = True
    covered = set()
    for example, cases in CASES.items():
        path = EXAMPLES / f"{example}.py"
        covered.add(example)
        handwritten = json.loads((HANDWRITTEN / f"{example}.json").read_text())
        compiled_states = count_states(WorkflowTester(path).definition)
        hand_states = count_states(handwritten)
        for case, setup, inp in cases:
            c, c_ok = run(WorkflowTester(path), setup, inp)
            h, h_ok = run(WorkflowTester(path, definition=handwritten), setup, inp)
            all_agree &= c_ok and h_ok
            flag = "" if c_ok and h_ok else "  <- disagrees with Python: " + ", ".join(
                name for name, ok in (("compiled", c_ok), ("hand-written", h_ok)) if not ok)
            cells = [f"{compiled_states} / {hand_states}"] + [f"{a} / {b}" for a, b in zip(c, h)]
            print(f"{example:<17}{case:<17}" + "".join(f"{x:>14}" for x in cells) + flag)
    missing = [p.stem for p in sorted(EXAMPLES.glob("*.py")) if p.stem not in covered]
    if missing:
        print(f"\nexamples with no cases here: {', '.join(missing)}")
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
    agree = examples_table()
    loops_ok = loop_table()
    if not agree:
        print("\nsome runs disagree with plain Python (see the marked rows)")
    if not loops_ok:
        print("\nsome loop takes more than one Choice per iteration")
    sys.exit(0 if agree and loops_ok else 1)
