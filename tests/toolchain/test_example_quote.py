"""examples/quote.py: its steps as plain Python, and the workflow both ways through WorkflowTester."""
from __future__ import annotations

import pathlib
import sys

import pytest

from pyawssfn.testing import WorkflowTester

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"
sys.path.insert(0, str(EXAMPLES))
import quote  # noqa: E402


def test_price_items_charges_unknown_skus_the_default():
    assert quote.price_items({"apple": 2, "mystery": 1}) == 240 + 1000
    assert quote.price_items({}) == 0


def test_shipping_is_free_from_100_euros_and_refused_for_unknown_countries():
    assert quote.shipping_cost("FR", 9999) == 450
    assert quote.shipping_cost("FR", 10000) == 0
    with pytest.raises(quote.UnknownCountry):
        quote.shipping_cost("XX", 0)


def test_a_busy_carrier_is_retried_once_then_the_error_stays():
    t = WorkflowTester(EXAMPLES / "quote.py").fail_step("shipping_cost", error="CarrierBusy", cause="x", times=1)
    py, machine = t.run_both({"items": {"pear": 1}, "country": "DE"})
    assert machine.output == py.output == {"subtotal": 90, "shipping": 500, "total": 590, "currency": "EUR"}
    t = WorkflowTester(EXAMPLES / "quote.py").fail_step("shipping_cost", error="CarrierBusy", cause="x", times=3)
    py, machine = t.run_both({"items": {"pear": 1}, "country": "DE"})
    assert machine.error == py.error == "CarrierBusy"
