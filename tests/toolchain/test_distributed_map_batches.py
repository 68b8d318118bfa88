"""A Distributed Map's batching, result writing and tolerance computed at run time (issue #10), both ways: the
plain-Python ``sfn.map`` and the executor read, batch and write through the same mocks, and agree on the calls, the
output and the objects written (AWS's SUCCEEDED_0.json / FAILED_0.json / manifest.json)."""
from __future__ import annotations

import json
import pathlib
import re
import textwrap

import pytest

from pyawssfn import pyrun
from pyawssfn.compiler import CompileError, compile_file
from pyawssfn.deploy.iam import derive_policy
from pyawssfn.local import Executor
from pyawssfn.testing import WorkflowTester

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"
GET = "arn:aws:states:::s3:getObject"
PUT = "arn:aws:states:::s3:putObject"
INPUT = {"bucket": "clicks", "key": "2026-12-01.jsonl", "day": "2026-12-01", "bad_batches_allowed": 0}


def _events(n: int, bad: tuple[int, ...] = ()) -> str:
    return "\n".join(json.dumps({"id": i, "kind": "bogus" if i in bad else ("click" if i % 3 == 0 else "view")})
                     for i in range(n)) + "\n"


def _tester(body: str) -> WorkflowTester:
    return WorkflowTester(EXAMPLES / "click_scores.py").mock_resource(GET, returns={"Body": body}) \
        .mock_resource(PUT, returns={})


def test_the_example_batches_and_writes_its_results_both_ways():
    py, machine = _tester(_events(250)).run_both(INPUT)  # run_both compares calls and output (Map Runs by order)
    for run in (py, machine):
        key = run.output["results"]["Key"]
        assert run.output["results"]["Bucket"] == "clicks"
        assert re.fullmatch(r"scores/2026-12-01/[0-9a-f-]{36}/manifest\.json", key), key
    # Three batches (100, 100, 50): three Lambda invocations, not 250.
    assert machine.stats["lambda_invocations"] == py.stats["lambda_invocations"] == 3


def _written(run_python: bool, body: str, tolerance: int) -> list[dict]:
    """The objects one run writes, through a mock of the writer's resource."""
    written: list[dict] = []
    source = EXAMPLES / "click_scores.py"
    inp = {**INPUT, "bad_batches_allowed": tolerance}
    if run_python:
        def mocks(resource, operation, params):
            if resource == PUT:
                written.append(params)
                return {}
            return {"Body": body}
        pyrun.run_workflow(source, input=inp, mocks=mocks)
    else:
        from pyawssfn.testing import FUNCTION_ARN
        tester = WorkflowTester(source)
        Executor(tester.definition, lambdas={FUNCTION_ARN: tester._lambda_handler()},
                 mocks={GET: {"Return": {"Body": body}}, PUT: lambda r, a, s: written.append(a) or {}}).run(inp)
    return written


def _message(cause: str) -> str:
    # A failed child's Cause as the machine records it is the Lambda's error JSON; plain Python has the message.
    return json.loads(cause)["errorMessage"] if cause.startswith("{") else cause


def _records(objects: list[dict]) -> dict:
    files = {o["Key"].rsplit("/", 1)[-1]: o for o in objects}
    out = {name: [(r["Status"], json.loads(r["Input"]), json.loads(r["Output"]) if "Output" in r else
                   (r["Error"], _message(r["Cause"]))) for r in json.loads(o["Body"])]
           for name, o in files.items() if name != "manifest.json"}
    manifest = json.loads(files["manifest.json"]["Body"])
    out["manifest"] = {status: [f["Key"].rsplit("/", 1)[-1] for f in entries]
                       for status, entries in manifest["ResultFiles"].items()}
    assert all(f["Size"] == len(files[f["Key"].rsplit("/", 1)[-1]]["Body"].encode())
               for entries in manifest["ResultFiles"].values() for f in entries)
    return out


def test_both_runs_write_the_same_records_as_aws_lays_them_out():
    body = _events(150, bad=(120,))
    py, machine = _records(_written(True, body, 1)), _records(_written(False, body, 1))
    assert py == machine
    assert py["manifest"] == {"FAILED": ["FAILED_0.json"], "PENDING": [], "SUCCEEDED": ["SUCCEEDED_0.json"]}
    (ok,) = py["SUCCEEDED_0.json"]
    assert ok[0] == "SUCCEEDED" and len(ok[1]["Items"]) == 100 and ok[1]["BatchInput"] == {"day": "2026-12-01"}
    assert ok[2] == {"day": "2026-12-01", "events": 100, "clicks": 34}
    (failed,) = py["FAILED_0.json"]
    assert failed[0] == "FAILED" and failed[2] == ("BadEvent", "event 120 has kind 'bogus'")


@pytest.mark.parametrize("allowed, error", [(0, "States.ExceedToleratedFailureThreshold"), (1, None), (1.0, None),
                                            (-1, "States.QueryEvaluationError"),
                                            (1.5, "States.QueryEvaluationError"),
                                            ("1", "States.QueryEvaluationError")])
def test_the_tolerance_computed_at_run_time_is_read_alike(allowed, error):
    py, machine = _tester(_events(150, bad=(3,))).run_both({**INPUT, "bad_batches_allowed": allowed})
    assert machine.error == py.error == error


def _definition(tmp_path, source: str):
    path = tmp_path / "flow.py"
    path.write_text(textwrap.dedent('''
        import pyawssfn as sfn

        def handle(batch):
            return len(batch["Items"])
    ''') + textwrap.dedent(source))
    return compile_file(str(path)).definition


def _map(definition):
    return next(s for s in definition["States"].values() if s["Type"] == "Map")


def test_batches_by_bytes_run_both_ways(tmp_path):
    path = tmp_path / "flow.py"
    path.write_text(textwrap.dedent('''
        import pyawssfn as sfn

        def size(batch):
            return [len(batch["Items"]), batch["BatchInput"]]

        @sfn.workflow
        def flow(xs, tag):
            return sfn.map(size, xs, distributed=True, batch=sfn.batch_items(max_bytes=20, batch_input=tag))
    '''))
    items = ["aaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbb", "c", "d", "eeeeeeeeeeeee", "f"]
    py, machine = WorkflowTester(path).run_both({"xs": items, "tag": {"t": 1}})
    # Sizes in JSON bytes: 6, 30, 3, 3, 15, 3. "aaaa" alone (6 + 30 > 20), the long one alone (an item larger than
    # the limit still makes a batch), "c" and "d" (6 + 15 > 20), the 15-byte one and "f" (18).
    assert machine.output == py.output == [[1, {"t": 1}], [1, {"t": 1}], [2, {"t": 1}], [2, {"t": 1}]]
    m = _map(WorkflowTester(path).definition)
    assert m["ItemBatcher"]["MaxInputBytesPerBatch"] == 20 and "ItemSelector" not in m


def test_the_writer_and_reader_get_exactly_their_iam(tmp_path):
    d = _definition(tmp_path, '''
        @sfn.workflow
        def flow(x):
            return sfn.map(handle, sfn.items_from_s3("in-bucket", "data.json"), distributed=True,
                           batch=sfn.batch_items(max_items=10), results_to=sfn.results_to_s3("out-bucket", "r/"))
    ''')
    m = _map(d)
    assert m["ResultWriter"] == {"Resource": PUT, "Arguments": {"Bucket": "out-bucket", "Prefix": "r/"}}
    assert m["ItemBatcher"] == {"MaxItemsPerBatch": 10}
    grants = derive_policy(d).grants
    assert grants["s3:GetObject"] == {"arn:${AWS::Partition}:s3:::in-bucket/data.json",
                                      "arn:${AWS::Partition}:s3:::out-bucket/*"}
    assert grants["s3:PutObject"] == {"arn:${AWS::Partition}:s3:::out-bucket/*"}


@pytest.mark.parametrize("source, message", [
    ("return sfn.map(handle, x, batch=sfn.batch_items(max_items=2))", "only as a distributed Map"),
    ("return sfn.map(handle, x, distributed=True, batch=sfn.batch_items())", "needs max_items= or max_bytes="),
    ("return sfn.map(handle, x, distributed=True, batch=sfn.batch_items(max_items=x))", "must be a literal"),
    ("return sfn.map(handle, x, distributed=True, batch=sfn.batch_items(max_items=0))", "whole number >= 1"),
    ("return sfn.map(handle, x, distributed=True, batch={'max': 2})", "sfn.batch_items(...) written in the call"),
    ("return sfn.map(handle, x, distributed=True, results_to=sfn.results_to_s3(prefix='p'))", "needs the bucket"),
    ("return sfn.map(handle, x, tolerated_failures=x)", "only as a distributed Map"),
])
def test_mistakes_are_refused(tmp_path, source, message):
    with pytest.raises(CompileError) as info:
        _definition(tmp_path, "@sfn.workflow\ndef flow(x):\n    " + source + "\n")
    assert message in "\n".join(str(d) for d in info.value.diagnostics)


def test_plain_python_refuses_the_same_without_distributed():
    import pyawssfn as sfn
    with pytest.raises(ValueError, match="only as a distributed Map"):
        sfn.map(len, [[1]], batch=sfn.batch_items(max_items=1))
    with pytest.raises(ValueError, match="max_items=0"):
        sfn.batch_items(max_items=0)


def test_plain_python_outside_pyrun_reads_and_writes_s3_with_boto3(monkeypatch):
    """Outside pyawssfn.pyrun (a script calling the workflow), the reader and writer call S3 for real: here moto's
    in-process S3."""
    moto = pytest.importorskip("moto")
    import boto3

    import pyawssfn as sfn

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    with moto.mock_aws():
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="items-bucket")
        s3.put_object(Bucket="items-bucket", Key="in.csv", Body=b"n,word\n1,a\n2,bb\n3,ccc\n")
        for i in range(3):
            s3.put_object(Bucket="items-bucket", Key=f"objs/{i}.txt", Body=b"x" * i)
        out = sfn.map(lambda batch: sum(int(r["n"]) for r in batch["Items"]), sfn.items_from_s3("items-bucket", "in.csv",
                      format="csv"), distributed=True, batch=sfn.batch_items(max_items=2),
                      results_to=sfn.results_to_s3("items-bucket", prefix="out"))
        manifest = json.loads(s3.get_object(Bucket="items-bucket", Key=out["ResultWriterDetails"]["Key"])["Body"].read())
        (done,) = manifest["ResultFiles"]["SUCCEEDED"]
        records = json.loads(s3.get_object(Bucket="items-bucket", Key=done["Key"])["Body"].read())
        assert [json.loads(r["Output"]) for r in records] == [3, 3]
        listed = sfn.map(lambda o: [o["Key"], o["Size"]], sfn.items_from_s3("items-bucket", prefix="objs/", format="objects"),
                         distributed=True)
        assert listed == [["objs/0.txt", 0], ["objs/1.txt", 1], ["objs/2.txt", 2]]
