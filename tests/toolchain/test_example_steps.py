"""The steps of the integration and Distributed Map examples as plain functions (examples/README.md: every example's
steps have unit tests), and their workflows under plain Python with the S3 answers mocked."""
from __future__ import annotations

import pathlib

import pytest

from pyawssfn.pyrun import load_module, run_workflow

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"
GET, PUT = "arn:aws:states:::s3:getObject", "arn:aws:states:::s3:putObject"


def test_click_scores_steps():
    m = load_module(EXAMPLES / "click_scores.py")
    batch = {"Items": [{"id": 1, "kind": "click"}, {"id": 2, "kind": "view"}], "BatchInput": {"day": "d"}}
    assert m.score_batch(batch) == {"day": "d", "events": 2, "clicks": 1}
    with pytest.raises(m.BadEvent, match="event 3 has kind 'scroll'"):
        m.score_batch({"Items": [{"id": 3, "kind": "scroll"}], "BatchInput": {"day": "d"}})


def test_click_scores_writes_where_it_says():
    written = []

    def mocks(resource, operation, params):
        if resource == PUT:
            written.append(params["Key"])
            return {}
        return {"Body": '{"id": 1, "kind": "click"}\n'}

    r = run_workflow(EXAMPLES / "click_scores.py", input={"bucket": "b", "key": "k", "day": "d",
                                                          "bad_batches_allowed": 0}, mocks=mocks)
    assert r.status == "SUCCEEDED" and r.output["results"]["Key"] == written[-1]
    assert [k.rsplit("/", 1)[-1] for k in written] == ["SUCCEEDED_0.json", "manifest.json"]
    assert all(k.startswith("scores/d/") for k in written)


def test_orders_csv_steps():
    m = load_module(EXAMPLES / "orders_csv.py")
    assert m.price_row({"order_id": "o", "quantity": "3", "unit_cents": "7"}) == {"order_id": "o", "cents": 21}
    with pytest.raises(m.BadRow):
        m.price_row({"order_id": "o", "quantity": "-1", "unit_cents": "7"})
    assert m.summarise([{"order_id": "a", "cents": 5}, {"Error": "BadRow", "Cause": "x"}]) == {
        "orders": 1, "rejected": 1, "total_cents": 5}


def test_glue_etl_and_payment_review_steps():
    glue = load_module(EXAMPLES / "glue_etl.py")
    assert glue.report({"JobName": "j", "JobRunState": "SUCCEEDED"}, "d") == {"day": "d", "job": "j",
                                                                              "state": "SUCCEEDED", "seconds": 0}
    review = load_module(EXAMPLES / "payment_review.py")
    assert review.record_decision("p", {"approved": 1, "reviewer": "ana"}) == {"payment_id": "p", "approved": True,
                                                                              "by": "ana"}
    assert review.record_decision("p", {})["by"] == "auto"


def test_run_compare_mocks_a_resource_from_the_command_line(capsys):
    from pyawssfn.cli import main

    code = main(["run", str(EXAMPLES / "orders_csv.py"), "--input", '{"bucket": "b", "key": "k.csv"}', "--compare",
                 "--mock-aws", GET + '={"Body": "order_id,quantity,unit_cents\\no1,2,150\\no2,x,1\\n"}'])
    out = capsys.readouterr().out
    assert code == 0 and "both runs agree" in out and '"total_cents": 300' in out
