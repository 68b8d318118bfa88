import pytest

from pyawssfn.pyrun import run_workflow


def test_steps(example):
    m = example("order_pipeline")
    assert m.reserve_stock("o", {"apple": 2}) == {"reservation": "res-o", "items": {"apple": 2}}
    with pytest.raises(m.OutOfStock):
        m.reserve_stock("o", {"kiwi": 1})
    with pytest.raises(m.PaymentDeclined):
        m.charge_card("o", 1001)
    assert m.refund({"payment": "p", "amount": 3}) == {"refunded": "p", "amount": 3}
    with pytest.raises(m.CarrierUnavailable):
        m.book_shipment.__wrapped__("o", "AQ")
    assert m.book_shipment("o", "FR") == {"shipment": "ship-o", "country": "FR"}


def order(**kw):
    base = {"order_id": "o1", "items": {"apple": 2}, "amount": 50, "country": "FR"}
    return {**base, **kw}


def test_happy_path(examples_dir):
    r = run_workflow(examples_dir / "order_pipeline.py", None, order())
    assert r.output == {"order_id": "o1", "status": "placed", "shipment": "ship-o1"}
    assert r.steps_called == ["reserve_stock", "charge_card", "book_shipment", "record_outcome"]
    assert r.calls[-1].kwargs == {"order_id": "o1", "status": "placed"}


def test_shipping_failure_is_retried_then_compensated(examples_dir):
    r = run_workflow(examples_dir / "order_pipeline.py", None, order(country="AQ"))
    assert (r.error, r.cause) == ("ShippingFailed", "no carrier serves AQ")
    assert r.steps_called == ["reserve_stock", "charge_card"] + ["book_shipment"] * 4 + [
        "refund", "release_stock", "record_outcome"]
    assert r.sleeps == [2, 4, 8]
    assert r.calls[-1].kwargs["status"] == "failed"


def test_payment_failure_releases_stock(examples_dir):
    r = run_workflow(examples_dir / "order_pipeline.py", None, order(amount=5000))
    assert (r.error, r.cause) == ("PaymentFailed", "5000 is over the card limit of 1000")
    assert r.steps_called == ["reserve_stock", "charge_card", "release_stock", "record_outcome"]


def test_out_of_stock_only_records(examples_dir):
    r = run_workflow(examples_dir / "order_pipeline.py", None, order(items={"pear": 4}))
    assert (r.error, r.cause) == ("OutOfStock", "only 3 pear left, 4 wanted")
    assert r.steps_called == ["reserve_stock", "record_outcome"]
