"""ETL: read a paged source, transform each page, retry the flaky loader, summarise."""
import pyawssfn as sfn


class SourceThrottled(Exception):
    pass


class BadRecord(Exception):
    pass


def fetch_page(source, page):
    rows = []
    for i in range(3):
        rows.append({"id": page * 10 + i, "value": (page + 1) * (i + 2)})
    return rows


def transform(rows, factor):
    for r in rows:
        if r["value"] < 0:
            raise BadRecord(f"negative value in record {r['id']}")
    return [{"id": r["id"], "value": r["value"] * factor} for r in rows]


@sfn.task(retry=sfn.Retry(errors=[SourceThrottled], interval=2, max_attempts=3, backoff=2))
def load(table, rows):
    return {"table": table, "loaded": len(rows)}


@sfn.workflow
def etl(source, pages, factor=1, table="facts"):
    loaded = 0
    skipped = []
    for page in range(pages):
        rows = fetch_page(source, page)
        try:
            clean = transform(rows, factor)
        except BadRecord as e:
            skipped.append({"page": page, "reason": str(e)})
            continue
        result = load(table, clean)
        loaded += result["loaded"]
    if loaded == 0:
        raise sfn.Fail("NothingLoaded", f"no rows loaded from {source}")
    return {"source": source, "loaded": loaded, "skipped": skipped}
