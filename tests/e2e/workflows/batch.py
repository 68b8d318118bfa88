"""Batch fan-out: score every document with sfn.map; enrich with a distributed map that tolerates a few failures."""
import pyawssfn as sfn


class Unreadable(Exception):
    pass


def score(doc):
    return {"id": doc["id"], "score": len(doc["text"]) % 7}


def enrich(doc):
    if doc["text"] == "":
        raise Unreadable(f"document {doc['id']} is empty")
    return {"id": doc["id"], "words": len(doc["text"].split())}


@sfn.workflow
def batch(docs):
    scores = sfn.map(score, docs, max_concurrency=4)
    enriched = sfn.map(enrich, docs, distributed=True, tolerated_failures=1)
    failed = [e["Error"] for e in enriched if "Error" in e]
    best = max([s["score"] for s in scores]) if scores else None
    return {"n": len(docs), "failed": failed, "total_words": sum([e["words"] for e in enriched if "words" in e]),
            "best": best}
