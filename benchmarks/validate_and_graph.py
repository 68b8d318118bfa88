"""Time pyawssfn validate and graph over the conformance definitions (632 machines recorded on real AWS)."""
from __future__ import annotations

import json
import pathlib
import time

from pyawssfn.asl import validate_definition
from pyawssfn.graph import render

CASES = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "cases.jsonl"


def main() -> None:
    definitions = [json.loads(line)["definition"] for line in CASES.open()]
    start = time.perf_counter()
    problems = sum(len(validate_definition(d)) for d in definitions)
    validate_s = time.perf_counter() - start
    start = time.perf_counter()
    for d in definitions:
        render(d, "mermaid")
        render(d, "dot")
    graph_s = time.perf_counter() - start
    n = len(definitions)
    print(f"validate: {n} definitions in {validate_s:.3f} s ({1000 * validate_s / n:.2f} ms each), "
          f"{problems} problems")
    print(f"graph mermaid+dot: {n} definitions in {graph_s:.3f} s ({1000 * graph_s / n:.2f} ms each)")


if __name__ == "__main__":
    main()
