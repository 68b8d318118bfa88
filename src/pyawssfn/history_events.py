"""Reading the events of an execution history (local or AWS's), shared by results.py, the run report and the graph
inspector: stdlib only, so that importing it imports no rich."""
from __future__ import annotations

import json
from typing import Any


def details(event: dict) -> dict:
    """An event's ``...EventDetails`` object (``{}`` when it has none)."""
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            return value
    return {}


def loads(text: Any) -> Any:
    """A history field holding JSON text, parsed; anything else (or text that is not JSON) as it is."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text
