"""The author API is typed (py.typed, ParamSpec decorators): mypy --strict and pyright see a workflow's steps with
their own signatures, sfn.map / sfn.parallel with their results' types and sfn.wait_for_callback with the type its
step's sfn.TaskToken[T] names; the examples check clean (.ci/run runs both checkers on them)."""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

from tests.conftest import in_ci

REPO = pathlib.Path(__file__).resolve().parents[2]

PROBE = '''
from typing import TypedDict

import pyawssfn as sfn


class Decision(TypedDict):
    approved: bool


def ask(token: sfn.TaskToken[Decision], order: str) -> None:
    pass


def ask_untyped(token: str, order: str) -> None:
    pass


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
    reveal_type(sfn.wait_for_callback(ask, "o-1", timeout=60))
    reveal_type(sfn.wait_for_callback(ask_untyped, "o-1"))
    reveal_type(sfn.context().retry_count)
    reveal_type(sfn.aws.s3.get_object(Bucket="b", Key="k"))
    sfn.Retry(errors=[KeyError, "States.Timeout"], interval=1)
    sfn.task(retry=[sfn.Retry()])(length)
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
    assert revealed[:2] == ['"list[str]"', '"list[int]"'], out
    assert revealed[2].startswith('"TypedDict(') and "Decision" in revealed[2], out  # what the token promises
    assert revealed[3:] == ['"Any"', '"int | None"', '"dict[str, Any]"'], out  # a str token promises nothing
    assert out.count("error:") == 2, out  # the two wrong calls, nothing in the author API's own signatures
    assert "untyped" not in out, out


# From package.json (npm install); PYAWSSFN_PYRIGHT names another copy.
PYRIGHT = pathlib.Path(os.environ.get("PYAWSSFN_PYRIGHT") or REPO / "node_modules" / ".bin" / "pyright")


def test_pyright_reads_the_same_types(tmp_path):
    if not PYRIGHT.exists():
        if in_ci():
            pytest.fail(f"{PYRIGHT} is missing: CI installs it with `npm install`", pytrace=False)
        pytest.skip("pyright is not installed here (npm install); CI runs it")
    probe = tmp_path / "probe_flow.py"
    probe.write_text(PROBE)
    proc = subprocess.run([str(PYRIGHT), "--pythonpath", sys.executable, str(probe)], capture_output=True,
                          text=True, timeout=600)
    out = proc.stdout
    revealed = [line.split('Type of "', 1)[1].split('" is ', 1)[1] for line in out.splitlines() if "Type of" in line]
    assert revealed[:3] == ['"list[str]"', '"list[int]"', '"Decision"'], out
    assert revealed[3:] == ['"Any"', '"int | None"', '"dict[str, Any]"'], out
    assert out.count(" - error: ") == 2, out  # the two wrong calls
