"""Values whose shape the compiler knows need no guard: a distributed Map's output with `results_to=` (where the
results went: {"MapRunArn", "ResultWriterDetails"}), and a tolerated-failure count known to be an int (an annotated
parameter) is only compared with 0. Each is checked both ways."""
from __future__ import annotations

import json

from pyawssfn.compiler import compile_source
from pyawssfn.testing import WorkflowTester

WRITTEN = '''import pyawssfn as sfn


def step(x):
    return x


@sfn.workflow
def wf(bucket: str):
    written = sfn.map(step, [1, 2], distributed=True, results_to=sfn.results_to_s3(bucket, prefix="out"))
    return written["ResultWriterDetails"]["Bucket"]
'''

TOLERATED = '''import pyawssfn as sfn


def step(x):
    if x < 0:
        raise ValueError("negative")
    return x


@sfn.workflow
def wf(xs: list, allowed: int):
    return sfn.map(step, xs, distributed=True, tolerated_failures=allowed)
'''


def _map(definition: dict) -> dict:
    return next(s for s in definition["States"].values() if s["Type"] == "Map")


def test_the_output_of_a_map_that_writes_its_results_is_read_unguarded(tmp_path):
    text = json.dumps(compile_source(WRITTEN, "flow.py").definition)
    assert "ResultWriterDetails" in text and "KeyError" not in text and "indices must be integers" not in text
    path = tmp_path / "flow.py"
    path.write_text(WRITTEN)
    py, machine = WorkflowTester(path).run_both({"bucket": "b"})
    assert py.output == machine.output == "b"


def test_a_count_known_to_be_an_int_is_only_compared(tmp_path):
    count = _map(compile_source(TOLERATED, "flow.py").definition)["ToleratedFailureCount"]
    assert "$floor" not in count and '"number"' not in count and ">= 0" in count
    path = tmp_path / "flow.py"
    path.write_text(TOLERATED)
    t = WorkflowTester(path)
    for inp in ({"xs": [1, -1], "allowed": 1}, {"xs": [1, -1], "allowed": -1}, {"xs": [1, -1], "allowed": 0}):
        py, machine = t.run_both(inp)
        assert (py.error, py.output) == (machine.error, machine.output)


MAPPED = '''import pyawssfn as sfn


def step(x):
    return x * 2


@sfn.workflow
def wf(xs: list[int], ys):
    return [sfn.map(step, xs), sfn.map(step, ys)]
'''


def test_items_known_to_be_a_list_need_no_list_check(tmp_path):
    definition = compile_source(MAPPED, "flow.py").definition
    items = [s["Items"] for s in definition["States"].values() if s["Type"] == "Map"]
    assert len(items) == 2 and "needs a list of items" not in items[0] and "needs a list of items" in items[1]
    path = tmp_path / "flow.py"
    path.write_text(MAPPED)
    t = WorkflowTester(path)
    for inp in ({"xs": [1, 2], "ys": [3]}, {"xs": {"a": 1}, "ys": [3]}, {"xs": [1], "ys": {"a": 1}}):
        py, machine = t.run_both(inp)
        assert (py.error, py.output) == (machine.error, machine.output)


RETRIED = '''import pyawssfn as sfn


def get(x) -> dict[str, int]:
    return {"n": x}


def more(d) -> dict[str, int]:
    return {"n": d["n"] + 1}


@sfn.workflow
def wf(x):
    d = get(x)
    d = sfn.with_retry_spec(more, (d,), (["States.ALL"], 1, 2, 1.5))
    return d["n"]
'''


def test_a_step_called_through_with_retry_spec_has_its_return_type(tmp_path):
    text = json.dumps(compile_source(RETRIED, "flow.py").definition)
    assert "indices must be integers" not in text  # d is a dict on every path
    path = tmp_path / "flow.py"
    path.write_text(RETRIED)
    py, machine = WorkflowTester(path).run_both({"x": 1})
    assert py.output == machine.output == 2
