"""Evaluations per second of the local executor's expression evaluators (JSONata, JSONPath, intrinsics).

Run: .venv/bin/python benchmarks/bench_expression_eval.py  (prints one line per measurement; CPU time, so a busy
machine skews it less than wall time would).
"""

from __future__ import annotations

import random
import time

from pyawssfn.local.intrinsics import evaluate_intrinsic
from pyawssfn.local.jsonata_eval import evaluate, evaluate_template
from pyawssfn.local.jsonpath_eval import apply_payload_template, apply_result_path

STATES = {"input": {"count": 41, "name": "x", "items": list(range(20))}, "context": {"Execution": {"Id": "e"}}}
VARIABLES = {"total": 3, "name": "n", "flag": True}
N = 20000


def measure(label: str, fn) -> None:
    fn()
    start = time.process_time()
    for _ in range(N):
        fn()
    elapsed = time.process_time() - start
    print(f"{label:55s} {N / elapsed:>10,.0f} /s")


def main() -> None:
    rng = random.Random(0)
    for expr in ("$states.input.count + 1", "$total + $states.input.count * 2", "$states.input.items[$ > 10]"):
        measure(f"JSONata {expr}", lambda e=expr: evaluate(e, variables=VARIABLES, states=STATES))
    arguments = {"FunctionName": "arn", "Payload": {"step": "s", "kwargs": {"a": "{% $total %}", "b": "{% $states.input.name %}"}}}
    measure("JSONata Arguments template (2 expressions)", lambda: evaluate_template(arguments, variables=VARIABLES, states=STATES, field="Arguments"))
    data = STATES["input"]
    parameters = {"n.$": "$.count", "s": "static", "first.$": "$.items[0]"}
    measure("JSONPath Parameters (2 paths)", lambda: apply_payload_template(parameters, data))
    measure("JSONPath ResultPath $.a.b", lambda: apply_result_path(data, {"r": 1}, "$.a.b"))
    measure("Intrinsic States.Format('{}-{}', $.name, $.count)", lambda: evaluate_intrinsic("States.Format('{}-{}', $.name, $.count)", data, rng=rng))


if __name__ == "__main__":
    main()
