"""Score a day of click events stored in S3 as JSON Lines with a Distributed Map that reads the file itself
(`sfn.items_from_s3(..., format="jsonl")`), hands the events to the step 100 at a time with the day alongside
(`batch=sfn.batch_items(...)`: fewer child executions and Lambda invocations), tolerates as many failed batches as
the caller allows, and writes every batch's result to S3 (`results_to=sfn.results_to_s3(...)`) rather than
carrying them in the state: the workflow returns where the manifest of the results is."""
from typing import Any

import pyawssfn as sfn

EVENTS_PER_BATCH = 100


class BadEvent(ValueError):
    pass


def score_batch(batch: dict[str, Any]) -> dict[str, Any]:
    """Clicks and views of one batch of events ({"Items": [...], "BatchInput": {"day": ...}})."""
    events = batch["Items"]
    for event in events:
        if event.get("kind") not in ("click", "view"):
            raise BadEvent(f"event {event.get('id')!r} has kind {event.get('kind')!r}")
    clicks = sum(1 for e in events if e["kind"] == "click")
    return {"day": batch["BatchInput"]["day"], "events": len(events), "clicks": clicks}


@sfn.workflow
def score_clicks(bucket: str, key: str, day: str, bad_batches_allowed: int) -> dict[str, Any]:
    written = sfn.map(score_batch, sfn.items_from_s3(bucket, key, format="jsonl"), distributed=True,
                      batch=sfn.batch_items(max_items=EVENTS_PER_BATCH, batch_input={"day": day}),
                      results_to=sfn.results_to_s3(bucket, prefix="scores/" + day),
                      tolerated_failures=bad_batches_allowed, max_concurrency=10)
    return {"day": day, "results": written["ResultWriterDetails"]}
