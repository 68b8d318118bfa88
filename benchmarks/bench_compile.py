"""Compile generated workflows and print how long they take: with N, one workflow of N statements; without, 1,000,
2,000, 4,000 and 10,000 statements (min and median of the rounds, CPU time and wall clock, each round a compile in
a fresh interpreter after a warm-up compile, as `pyawssfn compile` runs) and the growth exponent fitted between them
(log-log least squares on the minimum: 1.0 is linear).

    .venv/bin/python benchmarks/bench_compile.py [N] [--rounds R] [--baseline SRC] [--depth]

``--baseline SRC`` (another checkout's ``src/``, e.g. an exported older commit) measures it too, side by side: every
round runs each side in a fresh interpreter of its own (``PYTHONPATH=SRC`` for the baseline), alternating, so that
both meet the same load; the table then gives both and the ratio baseline / ours. On a shared machine read the CPU
columns (the other processes' turns are not counted there).

``--depth`` measures instead workflows whose statements nest 8, 16, 24 and 32 deep (generate_nested: for, while,
try/except, try/finally and if in turn) and prints the growth from one depth to the next (time ratio; a pass that
re-walks nested bodies makes it grow exponentially with the depth), with ``--baseline`` side by side.

The workflow mixes step calls, pure assignments folded into Assign, if/else, for and while loops and try/except, in
roughly the proportions of real workflows."""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import subprocess
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


# ("in-finally", nesting in a try's finally block, is left out by default: the machine repeats a finally block on
# each of its ways out, which makes the compile of a finally nested in finally blocks exponential in their depth
# whatever the analyses do)
_NESTS = ("for", "while", "try-except", "try-finally", "if")


def generate_nested(depth: int, kinds: tuple[str, ...] = _NESTS) -> str:
    """A workflow whose statements nest ``depth`` deep, cycling through ``kinds`` (for, while, try/except,
    try/finally, if; "in-finally" nests in a try's finally block); every level calls a step, appends to a list and makes (and breaks) an alias, so that the analyses that
    walk loop and try bodies have something to track at each level (a pass that re-walks nested bodies shows as
    time growing exponentially with the depth)."""
    lines = ["import pyawssfn as sfn", "", "", "def step(x):", "    return x", "", "",
             "@sfn.workflow", "def deep(x, xs):", "    acc = 0", "    out = []"]
    _nest(lines, 0, depth, "    ", kinds)
    lines.append("    return {'acc': acc, 'out': out}")
    return "\n".join(lines) + "\n"


def _nest(lines: list[str], level: int, depth: int, pad: str, kinds: tuple[str, ...]) -> None:
    lines += [f"{pad}v{level} = step(acc + {level})", f"{pad}out.append(v{level})",
              f"{pad}a{level} = [v{level}]", f"{pad}b{level} = a{level}", f"{pad}a{level} = [acc]"]
    if level == depth:
        return
    kind, inner = kinds[level % len(kinds)], pad + "    "
    head = {"for": f"for i{level} in xs:", "while": f"while n{level} < 2:", "if": f"if acc > {level}:"}
    if kind == "while":
        lines.append(f"{pad}n{level} = 0")
    if kind == "in-finally":
        lines += [f"{pad}try:", f"{inner}acc = acc + step({level})", f"{pad}finally:"]
    else:
        lines.append(f"{pad}{head.get(kind, 'try:')}")
    if kind == "while":
        lines.append(f"{inner}n{level} += 1")
    _nest(lines, level + 1, depth, inner, kinds)
    lines.append(f"{inner}acc = acc + step({level})")
    if kind == "try-except":
        lines += [f"{pad}except ValueError as e{level}:", f"{inner}out.append(str(e{level}))"]
    elif kind == "try-finally":
        lines += [f"{pad}finally:", f"{inner}out.append({level})"]


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


SIZES = (1000, 2000, 4000, 10000)
# this checkout's src/, which each fresh process measures as ours
OURS_SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")


def _source(n: int, tag: str) -> str:
    """The workflow of n statements (n > 0) or nesting -n deep (n < 0), renamed by tag."""
    return renamed(generate(n) if n > 0 else generate_nested(-n), tag)


def _worker(n: int, tag: str) -> None:
    """One compile of n statements (nesting -n deep) in this (fresh) process, after a warm-up: prints its seconds,
    and the machine's size, as JSON."""
    compile_source(generate(20), "warmup.py")  # imports and first-use setup are not part of the measure
    src = _source(n, tag)
    t0, c0 = time.perf_counter(), time.process_time()
    res = compile_source(src, "big.py")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    compact = json.dumps(res.definition, separators=(",", ":"), ensure_ascii=False)
    print(json.dumps({"wall": wall, "cpu": cpu, "states": len(res.definition["States"]),
                      "kib": len(compact.encode()) / 1024}))


def _fresh(n: int, tag: str, src_dir: str | None) -> dict:
    env = dict(os.environ)
    if src_dir:
        env["PYTHONPATH"] = src_dir
    out = subprocess.run([sys.executable, __file__, "--worker", str(n), tag], env=env, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


DEPTHS = (8, 16, 24, 32)


def depth_table(rounds: int, baseline: str | None) -> None:
    """The CPU time (min of the rounds, each a fresh process) of the nested workflows, and its growth per step of
    depth (t(d) / t(previous d))."""
    sides = [("ours", OURS_SRC)] + ([("baseline", baseline)] if baseline else [])
    print(f"nested workflows, CPU seconds (min of {rounds} rounds, a fresh process each), growth = t(d)/t(d-8)")
    print(f"{'depth':>6} " + " ".join(f"{side + ' cpu':>14} {'growth':>7}" for side, _ in sides))
    last: dict[str, float] = {}
    for d in DEPTHS:
        cells = []
        for side, where in sides:
            best = min(_fresh(-d, f"r{r}", where)["cpu"] for r in range(rounds))
            growth = f"{best / last[side]:.2f}" if side in last else "-"
            last[side] = best
            cells.append(f"{best:>14.3f} {growth:>7}")
        print(f"{d:>6} " + " ".join(cells))


def side_by_side(baseline: str, rounds: int, sizes=SIZES) -> None:
    print(f"ours: {OURS_SRC}; baseline: {baseline}; {rounds} rounds, each a fresh process per side, alternating")
    print(f"{'statements':>10} {'ours cpu min/med':>18} {'baseline cpu min/med':>21} {'baseline/ours':>14} "
          f"{'ours wall min/med':>18} {'baseline wall min/med':>22}")
    points: dict[str, list[tuple[int, float]]] = {"ours": [], "baseline": []}
    for n in sizes:
        got: dict[str, list[dict]] = {"ours": [], "baseline": []}
        for r in range(rounds):
            for side, where in (("ours", OURS_SRC), ("baseline", baseline)) if r % 2 == 0 else \
                    (("baseline", baseline), ("ours", OURS_SRC)):
                got[side].append(_fresh(n, f"r{r}", where))
        cols = {}
        for side in got:
            cpu = [x["cpu"] for x in got[side]]
            wall = [x["wall"] for x in got[side]]
            cols[side] = (min(cpu), statistics.median(cpu), min(wall), statistics.median(wall))
            points[side].append((n, min(cpu)))
        o, b = cols["ours"], cols["baseline"]
        print(f"{n:>10} {o[0]:>8.3f}/{o[1]:<9.3f} {b[0]:>10.3f}/{b[1]:<10.3f} {b[0] / o[0]:>6.2f}/{b[1] / o[1]:<7.2f} "
              f"{o[2]:>8.3f}/{o[3]:<9.3f} {b[2]:>10.3f}/{b[3]:<11.3f}")
    if len(sizes) > 1:
        print(f"growth exponent of the CPU minimum ({sizes[0]:,} to {sizes[-1]:,}): "
              f"ours {exponent(points['ours']):.2f}, baseline {exponent(points['baseline']):.2f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, help="one workflow of N statements")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", metavar="SRC", help="another checkout's src/, measured side by side")
    parser.add_argument("--depth", action="store_true", help="nested workflows, 8 to 32 deep (generate_nested)")
    parser.add_argument("--worker", nargs=2, metavar=("N", "TAG"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(int(args.worker[0]), args.worker[1])
        return
    if args.depth:
        depth_table(args.rounds, args.baseline)
        return
    if args.baseline:
        side_by_side(args.baseline, args.rounds, (args.n,) if args.n else SIZES)
        return
    if args.n:
        compile_source(generate(20), "warmup.py")  # imports and first-use setup are not part of the measure
        one(args.n)
        return
    fresh_table(args.rounds)


def fresh_table(rounds: int) -> None:
    """The table of every size, each round a compile in a fresh interpreter (as `pyawssfn compile` runs): in one
    process, a round would also pay for the collections of the heap that earlier rounds left (their cached
    trees, promoted to the older generations), which grows with the rounds before it, not with its own size."""
    points, cpu_points = [], []
    print(f"{rounds} rounds, each a compile in a fresh process after a warm-up compile")
    print(f"{'statements':>10} {'states':>7} {'compact KiB':>12} {'cpu s min/med':>15} {'wall s min/med':>16} "
          f"{'ms/statement':>13}")
    for n in SIZES:
        got = [_fresh(n, f"r{r}", OURS_SRC) for r in range(rounds)]
        cpu, wall = [g["cpu"] for g in got], [g["wall"] for g in got]
        print(f"{n:>10} {got[0]['states']:>7} {got[0]['kib']:>12.0f} "
              f"{min(cpu):>7.3f}/{statistics.median(cpu):<7.3f} {min(wall):>7.3f}/{statistics.median(wall):<8.3f} "
              f"{1000 * min(cpu) / n:>13.3f}")
        points.append((n, min(wall)))
        cpu_points.append((n, min(cpu)))
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
