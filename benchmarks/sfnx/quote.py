"""examples/quote.py written for sfnx 3.1 (steps invoked through pyawssfn's dispatcher protocol, see
analyse_text.py). The machine type (Express) is chosen at deployment with sfnx, not in the definition."""
from sfnx import aws, state_machine

FUNCTION = "${FunctionArn}"


class CarrierBusy(Exception):
    pass


class UnknownCountry(Exception):
    pass


class NoCarrier(Exception):
    pass


SHIPPING_RETRY = [{"ErrorEquals": [CarrierBusy], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 2}]


@state_machine
def quote(input):
    subtotal: int = aws.optimized.lambda_.invoke(
        FunctionName=FUNCTION, Payload={"step": "price_items", "kwargs": {"items": input["items"]}})["Payload"]
    try:
        shipping: int = aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION,
            Payload={"step": "shipping_cost", "kwargs": {"country": input["country"], "subtotal": subtotal}},
            retry=SHIPPING_RETRY)["Payload"]
    except UnknownCountry:
        raise NoCarrier("we do not ship there")
    return {"subtotal": subtotal, "shipping": shipping, "total": subtotal + shipping, "currency": "EUR"}
