"""examples/order_pipeline.py written for sfnx 3.1 (steps invoked through pyawssfn's dispatcher protocol, see
analyse_text.py). sfnx has no `finally`: the outcome is recorded on each way out, as its users write it."""
import json

from sfnx import aws, state_machine

FUNCTION = "${FunctionArn}"


class OutOfStock(Exception):
    pass


class PaymentDeclined(Exception):
    pass


class CarrierUnavailable(Exception):
    pass


class PaymentFailed(Exception):
    pass


class ShippingFailed(Exception):
    pass


SHIPMENT_RETRY = [{"ErrorEquals": [CarrierUnavailable], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2.0}]


@state_machine
def place_order(input):
    order_id: str = input["order_id"]
    try:
        reservation = aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION,
            Payload={"step": "reserve_stock", "kwargs": {"order_id": order_id, "items": input["items"]}})["Payload"]
    except OutOfStock as e:
        aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION, Payload={"step": "record_outcome", "kwargs": {"order_id": order_id, "status": "failed"}})
        raise
    try:
        payment = aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION,
            Payload={"step": "charge_card", "kwargs": {"order_id": order_id, "amount": input["amount"]}})["Payload"]
    except PaymentDeclined as e:
        aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION, Payload={"step": "release_stock", "kwargs": {"reservation": reservation}})
        aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION, Payload={"step": "record_outcome", "kwargs": {"order_id": order_id, "status": "failed"}})
        raise PaymentFailed(json.loads(e["Cause"])["errorMessage"])
    try:
        shipment = aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION,
            Payload={"step": "book_shipment", "kwargs": {"order_id": order_id, "country": input["country"]}},
            retry=SHIPMENT_RETRY, timeout=30)["Payload"]
    except CarrierUnavailable as e:
        aws.optimized.lambda_.invoke(FunctionName=FUNCTION, Payload={"step": "refund", "kwargs": {"payment": payment}})
        aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION, Payload={"step": "release_stock", "kwargs": {"reservation": reservation}})
        aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION, Payload={"step": "record_outcome", "kwargs": {"order_id": order_id, "status": "failed"}})
        raise ShippingFailed(json.loads(e["Cause"])["errorMessage"])
    aws.optimized.lambda_.invoke(
        FunctionName=FUNCTION, Payload={"step": "record_outcome", "kwargs": {"order_id": order_id, "status": "placed"}})
    return {"order_id": order_id, "status": "placed", "shipment": shipment["shipment"]}
