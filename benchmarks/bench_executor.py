#!/usr/bin/env python3
"""The local executor side by side with moto's interpreter (JSONPath) and sfnx's runner (JSONata). Prints numbers;
asserts nothing but that every engine computed the expected result.

    .venv/bin/python benchmarks/bench_executor.py [--rounds 5] [--iterations 5000] [--skip-moto] [--skip-sfnx]

Scenarios (states entered per second, min and median of ``--rounds`` rounds, and the ratios ours / theirs; with
``--cpu``, of each engine's CPU time rather than wall-clock time, which the other processes of a shared machine
inflate unevenly):

1. a JSONPath Pass/Choice counting loop (2N+3 states; 5,000 iterations are 20,008 history events, inside AWS's
   25,000-event quota): ours and moto's Step Functions interpreter (its "parser" backend);
2. the same loop in JSONata (Assign + Condition): ours and sfnx;
3. a JSONata Map of 1,000 and of 10,000 items with an ItemSelector reading ``$states.context.Map.Item``: ours and
   sfnx, and our time per item at both sizes (it must be flat: linear cost; ``--scaling`` prints it at 1,000,
   2,000, 5,000 and 10,000 items);
4. a JSONata Parallel of 50 branches: ours and sfnx;
5. the compiled examples (steps served in-process, as ``pyawssfn run`` does): ours only, since their Lambda tasks
   call the module's steps.

sfnx runs in its own virtual environment, which benchmarks/_sfnx.py makes (the engines' helper); without it, or
with ``--skip-sfnx``, those columns say "-". sfnx's own 10,000-state bound is raised in its process so that it
runs the 10,003-state loops to the end, and it skips the 10,000-item Map (its Map is quadratic: ~30 s a round at
1,000 items here). A 10,000-item inline Map records more than 25,000 events, so the Map
scenarios run with the history limit lifted (AWS would fail them; this measures the interpreter, not the quota).
"""
from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import sys
import time

from pyawssfn.local import Executor

ROOT = pathlib.Path(__file__).resolve().parents[1]
# sfnx's runner stops a machine after 10,000 states (a literal in sfnx.testing.scope); the 5,000-iteration loops
# enter 10,003, so its bound is raised in its own process (see _sfnx.time_runs) to let it finish the same work.
SFNX_MAX_STATES = 1_000_000
SFNX_QUADRATIC = False  # set True to time sfnx on the 10,000-item Map too (about an hour a round)
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))


def jsonpath_loop(n: int) -> dict:
    return {"StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.i", "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThan": n, "Next": "Inc"}],
                  "Default": "Done"},
        "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
        "Done": {"Type": "Succeed"}}}


def jsonata_loop(n: int) -> dict:
    return {"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Assign": {"i": 0}, "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [{"Condition": f"{{% $i < {n} %}}", "Next": "Inc"}],
                  "Default": "Done"},
        "Inc": {"Type": "Pass", "Assign": {"i": "{% $i + 1 %}"}, "Next": "Check"},
        "Done": {"Type": "Succeed", "Output": "{% $i %}"}}}


def jsonata_map() -> dict:
    return {"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {
        "Type": "Map", "Items": "{% $states.input.items %}",
        "ItemSelector": {"value": "{% $states.context.Map.Item.Value.n * 2 %}",
                         "index": "{% $states.context.Map.Item.Index %}"},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Double", "States": {
            "Double": {"Type": "Pass", "Output": "{% $states.input.value + $states.input.index %}",
                       "End": True}}},
        "End": True}}}


def jsonata_parallel(n: int) -> dict:
    branches = [{"StartAt": f"B{i}", "States": {f"B{i}": {"Type": "Pass", "Output": f"{{% $states.input.x + {i} %}}",
                                                          "End": True}}} for i in range(n)]
    return {"QueryLanguage": "JSONata", "StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Branches": branches, "Output": "{% $sum($states.result) %}", "End": True}}}


class Scenario:
    def __init__(self, name, definition, input_value, expected, *, moto=False, sfnx=False, history_limit=25_000):
        self.name, self.definition, self.input, self.expected = name, definition, input_value, expected
        self.moto, self.sfnx, self.history_limit = moto, sfnx, history_limit


def scenarios(n: int) -> list[Scenario]:
    big = 10 ** 9
    out = [Scenario(f"JSONPath loop ({n})", jsonpath_loop(n), {}, {"i": n}, moto=True),
           Scenario(f"JSONata loop ({n})", jsonata_loop(n), {}, n, sfnx=True)]
    for items in (1000, 10000):
        # sfnx's Map copies its whole input for every item (quadratic): 1,000 items take it ~30 s a round here, so
        # 10,000 would take about an hour a round; it runs the 1,000-item Map only.
        out.append(Scenario(f"JSONata Map ({items:,} items)", jsonata_map(), {"items": [{"n": i} for i in range(items)]},
                            [3 * i for i in range(items)], sfnx=items <= 1000 or SFNX_QUADRATIC, history_limit=big))
    out.append(Scenario("JSONata Parallel (50)", jsonata_parallel(50), {"x": 1}, sum(1 + i for i in range(50)),
                        sfnx=True))
    return out


CLOCK = time.perf_counter  # --cpu: time.process_time (this process's CPU time, every thread's)


def rounds_of(fn, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        t0 = CLOCK()
        fn()
        times.append(CLOCK() - t0)
    return times


def time_ours(sc: Scenario, rounds: int) -> tuple[int, list[float]]:
    executor = Executor(sc.definition, history_limit=sc.history_limit, keep_history=True)
    probe = executor.run(sc.input)
    assert probe.status == "SUCCEEDED" and probe.output == sc.expected, (sc.name, probe.error, probe.cause)
    return probe.stats["states_entered"], rounds_of(lambda: executor.run(sc.input), rounds)


def time_moto(sc: Scenario, rounds: int) -> list[float]:
    """moto's in-process ASL interpreter runs the execution on a worker thread; we poll it to the end."""
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    backend = stepfunctions_parser_backends["123456789012"]["us-east-1"]
    sm = backend.create_state_machine(f"bench{time.monotonic_ns()}", json.dumps(sc.definition),
                                      "arn:aws:iam::123456789012:role/bench")

    def once():
        execution = backend.start_execution(sm.arn, name=f"e{time.monotonic_ns()}", execution_input=json.dumps(sc.input))
        while True:
            described = backend.describe_execution(execution.execution_arn)
            if described.status != "RUNNING":
                break
            time.sleep(0.001)
        output = described.output
        output = json.loads(output) if isinstance(output, str) else output
        assert described.status == "SUCCEEDED" and output == sc.expected, (described.status, output)

    return rounds_of(once, rounds)


def load_sfnx():
    try:
        import _sfnx  # benchmarks/_sfnx.py, the engines' helper that makes sfnx's venv
    except ImportError as exc:
        print(f"(sfnx unavailable: {exc})")
        return None
    if _sfnx.ensure_venv(quiet=True) is None:
        print("(sfnx unavailable: its virtual environment could not be made; see above)")
        return None
    return _sfnx


def time_sfnx(sfnx, sc: Scenario, rounds: int) -> list[float] | None:
    try:
        result = sfnx.time_runs(sc.definition, sc.input, rounds=rounds, max_states=SFNX_MAX_STATES,
                                cpu=CLOCK is time.process_time)
    except Exception as exc:  # the helper's venv may fail to build offline: say so and go on
        print(f"(sfnx failed on {sc.name}: {exc})")
        return None
    if result.get("output") != sc.expected:
        print(f"(sfnx computed {str(result.get('output'))[:80]} on {sc.name}, expected {str(sc.expected)[:80]})")
    return result["seconds"]


def fmt_rate(states: int, times: list[float] | None) -> str:
    if not times:
        return f"{'-':>21}"
    return f"{states / min(times):>10,.0f}/{states / statistics.median(times):<10,.0f}"


def fmt_ratio(ours: list[float], theirs: list[float] | None) -> str:
    if not theirs:
        return f"{'-':>13}"
    return f"{min(theirs) / min(ours):>6.1f}/{statistics.median(theirs) / statistics.median(ours):<6.1f}"


def compiled_examples(rounds: int):
    from pyawssfn.local import Executor as _Executor
    from pyawssfn.testing import FUNCTION_ARN, STATE_MACHINE_ARN, WorkflowTester

    import bench_examples

    for example, cases in bench_examples.example_cases().items():
        _, setup, inp = cases[0]
        if setup:
            continue
        tester = WorkflowTester(ROOT / "examples" / f"{example}.py")
        children = {STATE_MACHINE_ARN.format(name): d for name, d in tester._children.items()}
        executor = _Executor(tester.definition, lambdas={FUNCTION_ARN: tester._lambda_handler()},
                             mocks=tester._machine_mocks(), state_machines=children, seed=0)
        probe = executor.run(inp)
        times = rounds_of(lambda: executor.run(inp), rounds)
        yield f"example {example}", probe.stats["states_entered"], times


def map_scaling(rounds: int, sizes=(1000, 2000, 5000, 10000)) -> None:
    """Our time per item of the ItemSelector Map at growing sizes (it must stay flat: no cost grows with the
    history or the input), min and median of ``rounds`` rounds."""
    cells = []
    for items in sizes:
        sc = Scenario(f"{items}", jsonata_map(), {"items": [{"n": i} for i in range(items)]},
                      [3 * i for i in range(items)], history_limit=10 ** 9)
        _, times = time_ours(sc, rounds)
        cells.append(f"{items:,}: {min(times) / items * 1e6:.1f}/{statistics.median(times) / items * 1e6:.1f}")
    print("JSONata Map, us per item (min/median): " + "  ".join(cells), flush=True)


def extras() -> None:
    """Peak memory with and without stored history, and virtual-time waits (wall-clock milliseconds)."""
    import tracemalloc

    for keep in (True, False):
        peaks = []
        for n in (1000, 5000):
            executor = Executor(jsonpath_loop(n), keep_history=keep)
            tracemalloc.start()
            executor.run({})
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        label = "full history     " if keep else "history counted  "
        print(f"peak memory, {label}: 1k iterations {peaks[0] / 1e6:.2f} MB, 5k iterations {peaks[1] / 1e6:.2f} MB "
              f"(x{peaks[1] / peaks[0]:.2f})")
    # 364 days: a Standard execution lasts a year at most, after which AWS (and the executor) time it out.
    year = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 364 * 86400, "End": True}}}
    t0 = time.perf_counter()
    execution = Executor(year).run({})
    print(f"Wait of a year: {(time.perf_counter() - t0) * 1000:.2f} ms wall clock, "
          f"{execution.stop_date - execution.start_date} virtual, status {execution.status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip-moto", action="store_true", help="skip moto (slow: ~10 s a round)")
    parser.add_argument("--skip-sfnx", action="store_true", help="skip sfnx (its venv is made on first use)")
    parser.add_argument("--extras", action="store_true", help="also print peak memory and a year-long Wait")
    parser.add_argument("--scaling", action="store_true",
                        help="also print our time per item of the Map at 1,000, 2,000, 5,000 and 10,000 items")
    parser.add_argument("--only", default="", help="run only the scenarios whose name contains this text")
    parser.add_argument("--cpu", action="store_true", help="time each engine's CPU time, not wall-clock time "
                        "(steadier on a loaded machine: the other processes' turns are not counted)")
    args = parser.parse_args()
    global CLOCK
    if args.cpu:
        CLOCK = time.process_time
    sfnx = None if args.skip_sfnx else load_sfnx()
    import pyawssfn

    print(f"pyawssfn from {pathlib.Path(pyawssfn.__file__).parent}")
    print(f"states/s min-time/median-time over {args.rounds} rounds of {'CPU' if args.cpu else 'wall-clock'} time; "
          "ratio = their time / our time (min/median)")
    header = f"{'scenario':<28}{'states':>8}{'ours':>22}{'moto':>22}{'x moto':>14}{'sfnx':>22}{'x sfnx':>14}{'us/state':>10}"
    print(header)
    print("-" * len(header))
    for sc in scenarios(args.iterations):
        if args.only not in sc.name:
            continue
        states, ours = time_ours(sc, args.rounds)
        moto = time_moto(sc, max(1, args.rounds)) if sc.moto and not args.skip_moto else None
        theirs = time_sfnx(sfnx, sc, args.rounds) if sc.sfnx and sfnx is not None else None
        per = statistics.median(ours) / states * 1e6
        print(f"{sc.name:<28}{states:>8}{fmt_rate(states, ours)}{fmt_rate(states, moto)}{fmt_ratio(ours, moto)}"
              f"{fmt_rate(states, theirs)}{fmt_ratio(ours, theirs)}{per:>10.1f}", flush=True)
    if "example" in args.only or not args.only:
        for name, states, times in compiled_examples(args.rounds):
            per = statistics.median(times) / states * 1e6
            print(f"{name:<28}{states:>8}{fmt_rate(states, times)}{'':>22}{'':>14}{'':>22}{'':>14}{per:>10.1f}",
                  flush=True)
    if args.scaling:
        map_scaling(args.rounds)
    if args.extras:
        extras()


if __name__ == "__main__":
    main()
