"""A price quote behind an API: an Express workflow (`@sfn.workflow(type="EXPRESS")`), started synchronously
(`pyawssfn start quote --sync`, or API Gateway's StartSyncExecution) and answering within seconds. Express machines
cost by duration rather than by state transition, run for at most five minutes and cannot wait for jobs or
callbacks; the shipping step retries on a transient carrier error."""
import pyawssfn as sfn

RATES = {"FR": 4.5, "DE": 5.0, "US": 12.0}
FREE_SHIPPING_FROM = 100


class UnknownCountry(ValueError):
    pass


class CarrierBusy(Exception):
    """The carrier's rate service asked us to retry."""


def price_items(items: dict[str, int]) -> int:
    """The subtotal in cents of {"sku": quantity} at the catalogue's prices (unknown SKUs cost 1000)."""
    catalogue = {"apple": 120, "pear": 90, "melon": 350}
    return sum(catalogue.get(sku, 1000) * qty for sku, qty in sorted(items.items()))


@sfn.task(retry=sfn.Retry(errors=["CarrierBusy"], interval=1, max_attempts=2, backoff=2))
def shipping_cost(country: str, subtotal: int) -> int:
    if country not in RATES:
        raise UnknownCountry(f"no carrier ships to {country}")
    if subtotal >= FREE_SHIPPING_FROM * 100:
        return 0
    return round(RATES[country] * 100)


@sfn.workflow(type="EXPRESS")
def quote(items: dict[str, int], country: str) -> dict[str, int | str]:
    subtotal = price_items(items)
    try:
        shipping = shipping_cost(country, subtotal)
    except UnknownCountry:
        raise sfn.Fail("NoCarrier", "we do not ship there")
    return {"subtotal": subtotal, "shipping": shipping, "total": subtotal + shipping, "currency": "EUR"}
