"""The Lambda zip for a deploy, built by pyawssfn.packaging (the same zip `pyawssfn package` writes)."""
from __future__ import annotations

from pyawssfn.deploy.source import Machine, ShipError


def build_zip(path: str, machines: list[Machine], requirements: str | None = None) -> bytes:
    try:
        from pyawssfn import packaging
    except ImportError as exc:  # pragma: no cover
        raise ShipError(f"packaging is not available: {exc}") from exc
    build = getattr(packaging, "build_zip", None)
    if build is None:  # pragma: no cover
        raise ShipError("packaging is not available in this installation")
    return build(path, workflow=machines[-1].workflow, requirements=requirements)
