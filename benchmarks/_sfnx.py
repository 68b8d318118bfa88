"""sfnx (PyPI, the leading peer) in a virtual environment of its own, for the benchmarks that put it side by side
with pyawssfn: benchmarks/.venv-sfnx (gitignored), made on first use with ``pip install sfnx==3.1.0``.

    from _sfnx import ensure_venv, compile_file, time_runs

    python = ensure_venv()                   # the venv's python, or None (with the reason printed) if it cannot be made
    definitions = compile_file(path)         # {state machine name: definition}, compiled by `sfnx compile`
    report = time_runs(definition, inp, rounds=5)
    # {"seconds": [per round], "states_entered": n, "status": "SUCCEEDED"|"FAILED", "output", "error", "cause"}

``time_runs`` runs ``sfnx.testing.run`` in the venv (this file is also its driver: it reads one JSON request on
stdin); a Task is answered with ``task_result`` (default ``{}``) unless ``task_results`` maps its state name to
a result. Standard library only, since it runs in both interpreters.
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import tempfile

SFNX = "sfnx==3.1.0"
HERE = pathlib.Path(__file__).resolve().parent
VENV = pathlib.Path(os.environ.get("PYAWSSFN_SFNX_VENV", HERE / ".venv-sfnx"))


def _python() -> pathlib.Path:
    return VENV / "bin" / "python"


def ensure_venv(quiet: bool = False) -> pathlib.Path | None:
    """The sfnx venv's interpreter, made (about 20 s) if missing; None when pip cannot install sfnx here."""
    stamp = VENV / ".sfnx-version"
    if _python().exists() and stamp.exists() and stamp.read_text() == SFNX:
        return _python()
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True, capture_output=True)
        subprocess.run([str(_python()), "-m", "pip", "install", "-q", "--disable-pip-version-check", SFNX],
                       check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as exc:
        if not quiet:
            print(f"sfnx: could not make {VENV}: {(exc.stderr or exc.stdout or '').strip()[-500:]}", file=sys.stderr)
        return None
    stamp.write_text(SFNX)
    return _python()


def compile_file(path: pathlib.Path) -> dict[str, dict]:
    """Every @state_machine of ``path``, compiled by sfnx: {function name: definition}."""
    python = ensure_venv()
    if python is None:
        raise RuntimeError("sfnx is not available")
    with tempfile.TemporaryDirectory() as out:
        res = subprocess.run([str(python), "-m", "sfnx", "compile", str(path), "-o", out + "/"],
                             capture_output=True, text=True)
        if res.returncode != 0:
            raise RuntimeError(f"sfnx compile {path} failed: {res.stderr.strip()}")
        return {p.name[:-len(".asl.json")]: json.loads(p.read_text()) for p in pathlib.Path(out).glob("*.asl.json")}


def time_runs(definition: dict, inp, rounds: int = 5, *, task_result=None, task_results: dict | None = None,
              max_states: int | None = None) -> dict:
    """Run ``definition`` on ``inp`` ``rounds`` times with sfnx's runner; seconds per round and what it did.

    ``max_states`` raises sfnx's own bound on the states one machine or branch may enter (10,000, a literal in
    ``sfnx.testing.scope``) in the driver's process only, so a longer loop runs to its end instead of failing."""
    python = ensure_venv()
    if python is None:
        raise RuntimeError("sfnx is not available")
    request = {"definition": definition, "input": inp, "rounds": rounds,
               "task_result": {} if task_result is None else task_result, "task_results": task_results or {},
               "max_states": max_states}
    res = subprocess.run([str(python), str(pathlib.Path(__file__).resolve())], input=json.dumps(request),
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"sfnx runner failed: {res.stderr.strip()[-2000:]}")
    return json.loads(res.stdout)


def _driver() -> None:
    """In the sfnx venv: one request on stdin, one report on stdout."""
    import time

    from sfnx import testing

    request = json.load(sys.stdin)
    results = request["task_results"]
    if request.get("max_states"):
        _raise_state_bound(testing, request["max_states"])

    def tasks(call):
        return results.get(call.state, request["task_result"])

    seconds, execution = [], None
    for _ in range(request["rounds"]):
        start = time.perf_counter()
        execution = testing.run(request["definition"], request["input"], tasks)
        seconds.append(time.perf_counter() - start)
    failed = execution.error is not None
    json.dump({"seconds": seconds, "states_entered": len(execution.states), "status": "FAILED" if failed else
               "SUCCEEDED", "output": None if failed else execution.output, "error": execution.error,
               "cause": execution.cause}, sys.stdout)


def _raise_state_bound(testing, limit: int) -> None:
    """sfnx stops a scope after ``for _ in range(10_000)`` states; swap that constant in its code object (this
    process only, its files untouched), failing loudly if sfnx 3.1.0's code is not as expected."""
    code = testing.scope.__code__
    if code.co_consts.count(10_000) != 1:
        raise RuntimeError("sfnx.testing.scope no longer holds its 10,000-state bound as one constant")
    testing.scope.__code__ = code.replace(co_consts=tuple(limit if c == 10_000 and type(c) is int else c
                                                          for c in code.co_consts))


if __name__ == "__main__":
    _driver()
