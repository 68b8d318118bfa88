"""Instructions (valgrind callgrind) that one compile of the bench workflow takes, ours and a baseline's: on a
loaded machine CPU time moves by 10-25% between identical runs, an instruction count by under 1%.

    .venv/bin/python benchmarks/bench_compile_instructions.py [N ...] [--baseline SRC] [--depth]

Each measure runs the interpreter twice under callgrind: imports and a warm-up compile, then the same plus the
compile of N statements (bench_compile.generate, renamed as its rounds are; ``--depth``: nested N deep); the
difference is the compile's. Needs valgrind on PATH; it is ~50x slower than a plain run (10,000 statements: a few
minutes a side). With several N, the growth exponent of the instructions (log-log least squares, as
bench_compile.py fits the CPU time): the work's own growth, which the time's adds the machine's caches to."""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OURS = os.path.join(os.path.dirname(HERE), "src")

_PROGRAM = """
import sys
sys.path.insert(0, {here!r})
import bench_compile as b
from pyawssfn.compiler import compile_source
compile_source(b.generate(20), "warmup.py")
src = b.renamed(b.generate({n}) if {n} > 0 else b.generate_nested(-{n}), "q")
if {run}:
    compile_source(src, "big.py")
"""


def _instructions(src_dir: str, n: int, run: bool) -> int:
    env = dict(os.environ, PYTHONPATH=src_dir)
    code = _PROGRAM.format(here=HERE, n=n, run=run)
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c",
                          code], env=env, capture_output=True, text=True, check=True)
    m = re.search(r"Collected : (\d+)", out.stderr)
    if not m:
        raise SystemExit(f"no instruction count in valgrind's output:\n{out.stderr[-2000:]}")
    return int(m.group(1))


def compile_instructions(src_dir: str, n: int) -> int:
    return _instructions(src_dir, n, True) - _instructions(src_dir, n, False)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="*", type=int, help="statements (default 2000)")
    parser.add_argument("--baseline", metavar="SRC", help="another checkout's src/, measured too")
    parser.add_argument("--depth", action="store_true", help="N is a nesting depth (bench_compile.generate_nested)")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    sides = [("ours", OURS)] + ([("baseline", args.baseline)] if args.baseline else [])
    print(f"{'depth' if args.depth else 'statements':>10} " + " ".join(f"{s + ' Minstr':>16}" for s, _ in sides)
          + ("  baseline/ours" if args.baseline else ""))
    points: list[list[tuple[int, float]]] = [[] for _ in sides]
    for n in args.n or [2000]:
        counts = [compile_instructions(where, -n if args.depth else n) for _, where in sides]
        ratio = f"  {counts[1] / counts[0]:>13.3f}" if len(counts) > 1 else ""
        print(f"{n:>10} " + " ".join(f"{c / 1e6:>16.1f}" for c in counts) + ratio)
        for side, c in zip(points, counts):
            side.append((n, c))
    if len(args.n) > 1 and not args.depth:  # the work's own growth, without the machine's caches (bench_compile)
        sys.path.insert(0, HERE)
        from bench_compile import exponent
        print(f"growth exponent of the instructions ({args.n[0]:,} to {args.n[-1]:,}): "
              + ", ".join(f"{side} {exponent(p):.3f}" for (side, _), p in zip(sides, points)))


if __name__ == "__main__":
    main()
