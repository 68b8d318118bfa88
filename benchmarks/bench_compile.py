"""Compile a generated workflow of N statements (default 2,000) and print how long it takes.

    .venv/bin/python benchmarks/bench_compile.py [N]

The workflow mixes step calls, pure assignments folded into Assign, if/else, for and while loops and try/except, in
roughly the proportions of real workflows."""
from __future__ import annotations

import json
import sys
import time

from pyawssfn.compiler import compile_source


def generate(n: int) -> str:
    lines = ["import pyawssfn as sfn", "", "", "def step(x):", "    return x", "", "",
             "@sfn.workflow", "def big(x, xs):", "    acc = 0", "    out = []"]
    count = 2
    i = 0
    while count < n:
        k = i % 8
        if k == 0:
            lines.append(f"    v{i} = step(acc + {i})")
            lines.append(f"    acc = acc + v{i}")
            count += 2
        elif k == 1:
            lines.append(f"    out.append(acc * {i})")
            count += 1
        elif k == 2:
            lines += [f"    if acc > {i}:", f"        acc = acc - {i}", "    else:", f"        acc = step(acc)"]
            count += 3
        elif k == 3:
            lines += ["    for item in xs:", "        acc = acc + step(item)"]
            count += 2
        elif k == 4:
            lines += ["    try:", f"        acc = step(acc) + {i}", "    except ValueError as e:",
                      "        out.append(str(e))"]
            count += 3
        elif k == 5:
            lines += [f"    n{i} = 0", f"    while n{i} < 3:", f"        n{i} += 1"]
            count += 3
        elif k == 6:
            lines.append(f"    d{i} = {{'a': acc, 'b': [acc, {i}]}}")
            count += 1
        else:
            lines.append(f"    acc = len(out) + acc")
            count += 1
        i += 1
    lines.append("    return {'acc': acc, 'out': out}")
    return "\n".join(lines) + "\n"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    src = generate(n)
    compile_source(generate(20), "warmup.py")  # imports and first-use setup are not part of the measure
    t0 = time.perf_counter()
    res = compile_source(src, "big.py")
    elapsed = time.perf_counter() - t0
    text = res.to_json()
    print(f"statements: {n}")
    print(f"states: {len(res.definition['States'])}")
    print(f"definition: {len(text.encode()) / 1024:.0f} KiB")
    # AWS limits the definition as submitted (1 MB); without indentation it is about 30% smaller.
    compact = json.dumps(res.definition, separators=(",", ":"), ensure_ascii=False)
    print(f"definition, compact JSON: {len(compact.encode()) / 1024:.0f} KiB")
    print(f"compile time: {elapsed:.3f} s")


if __name__ == "__main__":
    main()
