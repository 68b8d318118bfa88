"""The author API is typed (py.typed, ParamSpec decorators): mypy --strict sees a workflow's steps with their own
signatures and sfn.map / sfn.parallel with their results' types; the examples check clean (.ci/run runs pyright on
them too)."""
from __future__ import annotations

import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]

PROBE = '''
import pyawssfn as sfn


@sfn.task(retry=sfn.Retry(errors=["E"], interval=1, max_attempts=2, backoff=2.0))
def step(x: int) -> str:
    return str(x)


def length(s: str) -> int:
    return len(s)


@sfn.workflow
def flow(n: int) -> list[int]:
    step("not an int")
    reveal_type(sfn.map(step, [n]))
    reveal_type(sfn.parallel(lambda: length("a"), lambda: length("b")))
    return [length(s) for s in sfn.map(step, [n])]


flow("x")
'''


def _mypy(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=600)


def test_the_examples_check_clean_under_mypy_strict():
    proc = _mypy("examples/")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_decorated_functions_keep_their_signatures(tmp_path):
    probe = tmp_path / "probe_flow.py"
    probe.write_text(PROBE)
    out = _mypy(str(probe)).stdout
    assert 'Argument 1 to "step" has incompatible type "str"; expected "int"' in out, out
    assert 'Argument 1 to "flow" has incompatible type "str"; expected "int"' in out, out
    revealed = [line.split("Revealed type is ")[1].replace("builtins.", "") for line in out.splitlines()
                if "Revealed type is" in line]
    assert revealed == ['"list[str]"', '"list[int]"'], out
    assert "untyped" not in out, out
