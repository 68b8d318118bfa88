"""Cross-check helper for tests/jsonata: our evaluation and the reference jsonata 2.0.6 (npm) side by side, with the
whole outcome compared: the value (type-aware, key order included), undefined, or the error's code and message
(an invalid regular expression has no code in JSONata: V8's SyntaxError message is compared)."""
from __future__ import annotations

import importlib.util
import json
import pathlib
from typing import Any, Sequence

from pyawssfn.jsonata.engine import UNDEFINED, evaluate
from pyawssfn.jsonata.shadow import same
from pyawssfn.local.errors import StatesError

_spec = importlib.util.spec_from_file_location("node_jsonata", pathlib.Path(__file__).with_name("node_jsonata.py"))
node_jsonata = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(node_jsonata)

_MARKER = "threw an error during evaluation. "


def ours(expr: str, bindings: dict | None = None) -> dict:
    try:
        value = evaluate(expr, variables=bindings or {}, now_ms=0)
    except StatesError as exc:
        return {"error": exc.cause.split(_MARKER, 1)[1] if _MARKER in exc.cause else exc.cause}
    return {"undefined": True} if value is UNDEFINED else {"value": value}


def agrees(mine: dict, ref: dict) -> bool:
    if "error" in ref:
        want = ref["message"] if ref["error"] == "UNKNOWN" else f"{ref['error']}: {ref['message']}"
        return mine.get("error") == want
    if "undefined" in ref:
        return "undefined" in mine
    return "value" in mine and same(mine["value"], ref["value"])


def differences(cases: Sequence[str | tuple[str, dict]]) -> list[tuple[str, Any, Any]]:
    """(expression, ours, reference) for each case whose outcome differs from jsonata 2.0.6's."""
    pairs = [(c, {}) if isinstance(c, str) else c for c in cases]
    reference = node_jsonata.evaluate_batch(pairs)
    out = []
    for (expr, bindings), ref in zip(pairs, reference):
        mine = ours(expr, bindings)
        if not agrees(mine, ref):
            out.append((expr, json.dumps(mine, ensure_ascii=True, default=str), json.dumps(ref, ensure_ascii=True)))
    return out
