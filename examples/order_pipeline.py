"""An order saga: reserve stock, charge the card, book a shipment (retried while the carrier is unavailable). When a
later step fails, the earlier ones are undone (compensation); the outcome is always recorded (finally)."""
import pyawssfn as sfn
from typing import Any, TypedDict
STOCK = {"apple": 10, "pear": 3}
CARD_LIMIT = 1000
SHIPPABLE_COUNTRIES = ("FR", "DE", "GB", "US")


class OutOfStock(Exception):
    pass


class PaymentDeclined(Exception):
    pass


class CarrierUnavailable(Exception):
    pass


class Shipment(TypedDict):
    shipment: str
    country: str


def reserve_stock(order_id: str, items: dict[str, int]) -> dict[str, Any]:
    for name, quantity in items.items():
        if quantity > STOCK.get(name, 0):
            raise OutOfStock(f"only {STOCK.get(name, 0)} {name} left, {quantity} wanted")
    return {"reservation": f"res-{order_id}", "items": items}


def release_stock(reservation: dict[str, Any]) -> dict[str, Any]:
    return {"released": reservation["reservation"]}


def charge_card(order_id: str, amount: int) -> dict[str, Any]:
    if amount > CARD_LIMIT:
        raise PaymentDeclined(f"{amount} is over the card limit of {CARD_LIMIT}")
    return {"payment": f"pay-{order_id}", "amount": amount}


def refund(payment: dict[str, Any]) -> dict[str, Any]:
    return {"refunded": payment["payment"], "amount": payment["amount"]}


@sfn.task(retry=sfn.Retry(errors=["CarrierUnavailable"], interval=2, max_attempts=3, backoff=2.0),
          timeout=30)
def book_shipment(order_id: str, country: str) -> Shipment:
    if country not in SHIPPABLE_COUNTRIES:
        raise CarrierUnavailable(f"no carrier serves {country}")
    return {"shipment": f"ship-{order_id}", "country": country}


def record_outcome(order_id: str, status: str) -> dict[str, Any]:
    return {"order_id": order_id, "status": status}


@sfn.workflow
def place_order(order_id: str, items: dict[str, int], amount: int, country: str) -> dict[str, Any]:
    status = "failed"
    try:
        reservation = reserve_stock(order_id, items)
        try:
            payment = charge_card(order_id, amount)
        except PaymentDeclined as e:
            release_stock(reservation)
            raise sfn.Fail("PaymentFailed", str(e))
        try:
            shipment = book_shipment(order_id, country)
        except CarrierUnavailable as e:
            refund(payment)
            release_stock(reservation)
            raise sfn.Fail("ShippingFailed", str(e))
        status = "placed"
    finally:
        record_outcome(order_id, status)
    return {"order_id": order_id, "status": status, "shipment": shipment["shipment"]}
