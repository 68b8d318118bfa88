"""Fan out: make a thumbnail of every image in a batch (a Map state, at most 4 at a time), then check each
thumbnail (a list comprehension of step calls) and report."""
import pyawssfn as sfn
from typing import Any
THUMBNAIL_SIZE = 128


class InvalidImage(ValueError):
    pass


def make_thumbnail(image: dict[str, Any]) -> dict[str, Any]:
    """Scale an image description down so that its longer side is at most THUMBNAIL_SIZE pixels."""
    width, height = image["width"], image["height"]
    if width <= 0 or height <= 0:
        raise InvalidImage(f"{image['key']} has no pixels ({width}x{height})")
    scale = min(1.0, THUMBNAIL_SIZE / max(width, height))
    return {"key": "thumbnails/" + image["key"], "width": max(1, round(width * scale)),
            "height": max(1, round(height * scale))}


def check_thumbnail(thumbnail: dict[str, Any]) -> dict[str, Any]:
    return {"key": thumbnail["key"], "ok": max(thumbnail["width"], thumbnail["height"]) <= THUMBNAIL_SIZE}


def build_report(thumbnails: list[dict[str, Any]], checks: list[dict[str, Any]]) -> dict[str, Any]:
    return {"count": len(thumbnails), "all_ok": all(c["ok"] for c in checks),
            "keys": [t["key"] for t in thumbnails]}


@sfn.workflow
def make_thumbnails(images: list[dict[str, Any]]) -> dict[str, Any]:
    thumbnails = sfn.map(make_thumbnail, images, max_concurrency=4)
    checks = [check_thumbnail(t) for t in thumbnails]
    return build_report(thumbnails, checks)
