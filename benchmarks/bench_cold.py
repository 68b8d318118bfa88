#!/usr/bin/env python3
"""Cold-start time of the CLI against ``python -c pass`` (issue #14: at most 10x for ``--help``, 15x for compile).

    python benchmarks/bench_cold.py [--rounds N] [--baseline SRC]

Each command runs in a fresh interpreter, N rounds (default 7), every command once per round in turn (so that
ours, the baseline's and ``python -c pass`` meet the same load); the table shows min and median seconds and the
ratio of each to ``python -c pass`` (same statistic), in wall-clock and in CPU time. The machine is shared and
noisy: read the CPU ratios of the minimum first. No assertion here; tests/devloop/test_lazy_imports.py checks what
is imported.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import resource
import statistics
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
EXAMPLE = str(REPO / "examples" / "analyse_text.py")


def _cli() -> list[str]:
    """The installed console script beside this interpreter (what a user runs), else ``python -m pyawssfn.cli``."""
    script = pathlib.Path(sys.executable).with_name("pyawssfn")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pyawssfn.cli"]


def commands(baseline: str | None = None) -> list[tuple[str, list[str], dict]]:
    """(label, argv, extra environment). With ``baseline`` (another checkout's src/), each pyawssfn command also
    runs from it, and both run as ``python -m pyawssfn.cli`` so that only the code differs."""
    cli = [sys.executable, "-m", "pyawssfn.cli"] if baseline else _cli()
    ours = {"PYTHONPATH": str(REPO / "src")} if baseline else {}
    out = [("python -c pass", [sys.executable, "-c", "pass"], {})]
    for label, args in (("pyawssfn --help", ["--help"]), ("pyawssfn compile analyse_text.py", ["compile", EXAMPLE]),
                        ("pyawssfn run analyse_text.py",
                         ["run", EXAMPLE, "--input", '{"text": "a short example"}', "--json"])):
        out.append((label, [*cli, *args], ours))
        if baseline:
            out.append((f"  baseline: {label[9:]}", [*cli, *args], {"PYTHONPATH": baseline}))
    return out


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(argv: list[str], env: dict) -> tuple[float, float]:
    start, start_cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run(argv, capture_output=True, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.decode()[-500:]}")
    return time.perf_counter() - start, _children_cpu() - start_cpu


def measure_all(cmds: list[tuple[str, list[str], dict]], rounds: int) -> list[tuple[str, tuple[list, list]]]:
    """(label, (wall-clock seconds, CPU seconds) of each round) for every command. Each round runs every command
    once, in turn (so ours and the baseline, and ``python -c pass``, meet the same load); the CPU time (user +
    system of the child, from getrusage) does not count the other processes' turns on a shared machine."""
    envs = [dict(os.environ, PYTHONDONTWRITEBYTECODE="", **extra) for _, _, extra in cmds]  # bytecode as after a run
    for (_, argv, _), env in zip(cmds, envs):
        _run(argv, env)  # warm the OS file cache and .pyc files
    got: list[tuple[list, list]] = [([], []) for _ in cmds]
    for r in range(rounds):
        turns = list(zip(cmds, envs, got))
        for (_, argv, _), env, (times, cpu) in turns if r % 2 == 0 else reversed(turns):  # who goes first alternates
            wall, used = _run(argv, env)
            times.append(wall)
            cpu.append(used)
    return [(label, measured) for (label, _, _), measured in zip(cmds, got)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--baseline", metavar="SRC", help="also run every command from another checkout's src/ "
                        "(e.g. an exported older commit), side by side")
    args = parser.parse_args(argv)
    rows = measure_all(commands(args.baseline), args.rounds)
    for kind, which in (("wall clock", 0), ("CPU time (user + system)", 1)):
        base = rows[0][1][which]
        base_min, base_med = min(base), statistics.median(base)
        print(f"{kind}, {args.rounds} rounds")
        print(f"{'command':<34} {'min s':>8} {'median s':>9} {'x pass (min)':>13} {'x pass (median)':>16}")
        for label, measured in rows:
            times = measured[which]
            lo, med = min(times), statistics.median(times)
            print(f"{label:<34} {lo:>8.3f} {med:>9.3f} {lo / base_min:>13.1f} {med / base_med:>16.1f}")
    print("targets: --help <= 10x, compile <= 15x python -c pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
