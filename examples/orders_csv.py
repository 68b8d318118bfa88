"""Price every order of a CSV file in S3 with a Distributed Map: Step Functions reads the file itself (an ItemReader,
`sfn.items_from_s3(..., format="csv")`: one item per row, keyed by the header row, every field a string), runs the
rows as child executions up to 100 at a time, and tolerates up to two bad rows, whose results are their errors."""
from typing import Any

import pyawssfn as sfn


class BadRow(ValueError):
    pass


def price_row(row: dict[str, str]) -> dict[str, Any]:
    if not row["quantity"].isdigit() or not row["unit_cents"].isdigit():
        raise BadRow(f"order {row['order_id']}: quantity {row['quantity']!r}, unit price {row['unit_cents']!r}")
    return {"order_id": row["order_id"], "cents": int(row["quantity"]) * int(row["unit_cents"])}


def summarise(priced: list[dict[str, Any]]) -> dict[str, int]:
    good = [p for p in priced if "cents" in p]
    return {"orders": len(good), "rejected": len(priced) - len(good), "total_cents": sum(p["cents"] for p in good)}


@sfn.workflow
def price_orders(bucket: str, key: str) -> dict[str, int]:
    priced = sfn.map(price_row, sfn.items_from_s3(bucket, key, format="csv"), max_concurrency=100,
                     tolerated_failures=2, distributed=True)
    return summarise(priced)
