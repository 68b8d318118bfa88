"""A Distributed Map reading its items from S3 (issue #10): `sfn.map(step, sfn.items_from_s3(...), distributed=True)`
compiles to an ItemReader, the IAM grants reading exactly that, and it runs both ways with equal results: the
mock of the reader's resource answers the rows as Step Functions' CSV reader gives them (strings, keyed by the
header row)."""
from __future__ import annotations

import pathlib
import textwrap

import pytest

from pyawssfn.compiler import CompileError, compile_file
from pyawssfn.deploy.iam import derive_policy
from pyawssfn.testing import WorkflowTester

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"
GET = "arn:aws:states:::s3:getObject"
ROWS = [{"order_id": "o1", "quantity": "2", "unit_cents": "150"},
        {"order_id": "o2", "quantity": "1", "unit_cents": "999"},
        {"order_id": "o3", "quantity": "many", "unit_cents": "10"}]


def test_the_csv_example_runs_both_ways_with_equal_results():
    t = WorkflowTester(EXAMPLES / "orders_csv.py").mock_resource(GET, returns=ROWS)
    py, machine = t.run_both({"bucket": "orders", "key": "2026/12/01.csv"})
    assert machine.output == py.output == {"orders": 2, "rejected": 1, "total_cents": 1299}
    assert machine.stats["lambda_invocations"] == py.stats["lambda_invocations"] == 4


CSV = "order_id,quantity,unit_cents\no1,2,150\no2,1,999\r\n\"o3\",many,10\n"


def test_the_csv_file_is_read_as_step_functions_reads_it_both_ways():
    # The mock is the object's text: both runs parse it as the ItemReader does (header row, strings, CRLF, quotes).
    t = WorkflowTester(EXAMPLES / "orders_csv.py").mock_resource(GET, returns={"Body": CSV})
    py, machine = t.run_both({"bucket": "orders", "key": "2026/12/01.csv"})
    assert machine.output == py.output == {"orders": 2, "rejected": 1, "total_cents": 1299}


def test_a_file_the_reader_cannot_read_fails_both_ways_alike():
    t = WorkflowTester(EXAMPLES / "orders_csv.py").mock_resource(GET, returns="order_id\no1,2,3\n")
    py, machine = t.run_both({"bucket": "orders", "key": "k.csv"})
    assert machine.error == py.error == "States.ItemReaderFailed"  # uncaught: ends the execution as it is
    assert machine.cause == py.cause == "the ItemReader could not read the items: row 1 of the CSV file has 3 " \
                                        "fields and there are 1 headers"


def test_beyond_the_tolerated_failures_both_ways_fail_alike():
    bad = [{"order_id": f"b{i}", "quantity": "x", "unit_cents": "1"} for i in range(3)]
    t = WorkflowTester(EXAMPLES / "orders_csv.py").mock_resource(GET, returns=ROWS[:1] + bad)
    py, machine = t.run_both({"bucket": "orders", "key": "k.csv"})
    assert machine.error == py.error == "States.ExceedToleratedFailureThreshold"  # uncaught: as it is


def _definition(tmp_path, source: str):
    path = tmp_path / "flow.py"
    path.write_text(textwrap.dedent('''
        import pyawssfn as sfn

        def handle(item):
            return item
    ''') + textwrap.dedent(source))
    return compile_file(str(path)).definition


def _map(definition):
    return next(s for s in definition["States"].values() if s["Type"] == "Map")


@pytest.mark.parametrize("reader, expected", [
    ('sfn.items_from_s3("b", "data.csv", format="csv", csv_headers=["a", "b"], max_items=10)',
     {"Resource": GET, "Arguments": {"Bucket": "b", "Key": "data.csv"},
      "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", "b"], "MaxItems": 10}}),
    ('sfn.items_from_s3("b", "data.jsonl", format="jsonl")',
     {"Resource": GET, "Arguments": {"Bucket": "b", "Key": "data.jsonl"}, "ReaderConfig": {"InputType": "JSONL"}}),
    ('sfn.items_from_s3("b", "items.json")',
     {"Resource": GET, "Arguments": {"Bucket": "b", "Key": "items.json"}, "ReaderConfig": {"InputType": "JSON"}}),
    ('sfn.items_from_s3("b", "inv/manifest.json", format="manifest")',
     {"Resource": GET, "Arguments": {"Bucket": "b", "Key": "inv/manifest.json"},
      "ReaderConfig": {"InputType": "MANIFEST"}}),
    ('sfn.items_from_s3("b", prefix="in/", format="objects")',
     {"Resource": "arn:aws:states:::s3:listObjectsV2", "Arguments": {"Bucket": "b", "Prefix": "in/"}}),
])
def test_every_reader_compiles_to_its_item_reader(tmp_path, reader, expected):
    d = _definition(tmp_path, f'''
        @sfn.workflow
        def flow(x):
            return sfn.map(handle, {reader}, distributed=True)
    ''')
    m = _map(d)
    assert m["ItemReader"] == expected and "Items" not in m
    policy = derive_policy(d)
    action = "s3:ListBucket" if "listObjectsV2" in expected["Resource"] else "s3:GetObject"
    key = expected["Arguments"].get("Key")
    assert policy.grants[action] == {f"arn:${{AWS::Partition}}:s3:::b/{key}" if key else "arn:${AWS::Partition}:s3:::b"}


@pytest.mark.parametrize("source, message", [
    ('return sfn.map(handle, sfn.items_from_s3("b", "k.csv", format="csv"))', "only as a distributed Map"),
    ('return sfn.map(handle, sfn.items_from_s3("b", "k", format="xml"), distributed=True)', "format='xml'"),
    ('return sfn.map(handle, sfn.items_from_s3("b", format="csv"), distributed=True)', "needs a bucket, and a key"),
])
def test_reader_mistakes_are_refused(tmp_path, source, message):
    with pytest.raises(CompileError) as info:
        _definition(tmp_path, "@sfn.workflow\ndef flow(x):\n    " + source + "\n")
    assert message in "\n".join(str(d) for d in info.value.diagnostics)


def test_an_s3_inventory_manifest_is_read_both_ways(tmp_path):
    # The manifest lists its CSV files; each is read in turn through the same mock (gzip bytes from S3, or text).
    path = tmp_path / "flow.py"
    path.write_text(textwrap.dedent('''
        import pyawssfn as sfn

        def size(obj):
            return int(obj["Size"])

        @sfn.workflow
        def flow(x):
            return sum(sfn.map(size, sfn.items_from_s3("inv", "m/manifest.json", format="manifest"),
                               distributed=True))
    '''))
    manifest = {"sourceBucket": "data", "destinationBucket": "arn:aws:s3:::inv", "fileFormat": "CSV",
                "fileSchema": "Bucket, Key, Size", "files": [{"key": "m/a.csv.gz"}, {"key": "m/b.csv.gz"}]}
    import json
    t = WorkflowTester(path).mock_resource(GET, returns={"Body": json.dumps(manifest)}) \
        .mock_resource(GET, returns={"Body": "data,x/1,10\ndata,x/2,5\n"}).mock_resource(GET, returns="data,y,1\n")
    py, machine = t.run_both({"x": 0})
    assert machine.output == py.output == 16
    from pyawssfn import _item_io
    import gzip
    bodies = iter([{"Body": json.dumps(manifest)}, {"Body": gzip.compress(b"data,z,7\n")}, {"Body": b"data,w,2\n"}])
    items = _item_io.items_of(next(bodies), GET, {"InputType": "MANIFEST"}, lambda args: next(bodies))
    assert items == [{"Bucket": "data", "Key": "z", "Size": "7"}, {"Bucket": "data", "Key": "w", "Size": "2"}]
