"""Compile generated workflows and print how long they take: with N, one workflow of N statements; without, 1,000,
2,000, 4,000 and 10,000 statements (best of 3 rounds each) and the growth exponent fitted between them (log-log least
squares: 1.0 is linear).

    .venv/bin/python benchmarks/bench_compile.py [N]

The workflow mixes step calls, pure assignments folded into Assign, if/else, for and while loops and try/except, in
roughly the proportions of real workflows."""
from __future__ import annotations

import json
import math
import re
import sys
import time

from pyawssfn.compiler import compile_source


_ROUND = [0]  # rounds so far in this process (every round renames the variables its own way)


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


def renamed(src: str, tag: str) -> str:
    """The same workflow with every variable renamed (``acc`` -> ``acc_<tag>``...): a round compiles text that no
    earlier round compiled, so the compiler's caches of expression texts do not make later rounds cheaper."""
    if not tag:
        return src
    return re.sub(r"\b(acc|out|item|e|[vnd]\d+)\b", lambda m: f"{m.group(1)}_{tag}", src)


def measure(n: int, rounds: int = 1):
    """(best wall-clock seconds, best CPU seconds of this process, result). On a shared machine the CPU time is
    the steadier of the two: wall time also counts the other processes' turns. Each round compiles the workflow
    under new variable names (see renamed)."""
    base = generate(n)
    best, best_cpu, res = math.inf, math.inf, None
    for r in range(rounds):
        src = renamed(base, f"r{_ROUND[0]}")
        _ROUND[0] += 1
        t0, c0 = time.perf_counter(), time.process_time()
        res = compile_source(src, "big.py")
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best, best_cpu, res


def exponent(points: list[tuple[int, float]]) -> float:
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    compile_source(generate(20), "warmup.py")  # imports and first-use setup are not part of the measure
    if len(sys.argv) > 1:
        one(int(sys.argv[1]))
        return
    points, cpu_points = [], []
    print(f"{'statements':>10} {'states':>7} {'compact KiB':>12} {'seconds':>8} {'cpu s':>8} {'ms/statement':>13}")
    for n in (1000, 2000, 4000, 10000):
        elapsed, cpu, res = measure(n, rounds=3 if n < 10000 else 2)
        compact = json.dumps(res.definition, separators=(",", ":"), ensure_ascii=False)
        print(f"{n:>10} {len(res.definition['States']):>7} {len(compact.encode()) / 1024:>12.0f} {elapsed:>8.3f} "
              f"{cpu:>8.3f} {1000 * elapsed / n:>13.3f}")
        points.append((n, elapsed))
        cpu_points.append((n, cpu))
    print(f"growth exponent (1,000 to 10,000 statements): {exponent(points):.2f} wall clock, "
          f"{exponent(cpu_points):.2f} CPU time")


def one(n: int) -> None:
    elapsed, cpu, res = measure(n)
    text = res.to_json()
    print(f"statements: {n}")
    print(f"states: {len(res.definition['States'])}")
    print(f"definition: {len(text.encode()) / 1024:.0f} KiB")
    # AWS limits the definition as submitted (1 MB); without indentation it is about 30% smaller.
    compact = json.dumps(res.definition, separators=(",", ":"), ensure_ascii=False)
    print(f"definition, compact JSON: {len(compact.encode()) / 1024:.0f} KiB")
    print(f"compile time: {elapsed:.3f} s ({cpu:.3f} s CPU)")


if __name__ == "__main__":
    main()
