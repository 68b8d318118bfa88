"""Evaluate many JSONata expressions with the reference npm jsonata 2.0.6 in ONE node process.

Starting node per expression costs ~50 ms; a batch of hundreds of expressions goes through one process that reads
JSON lines `{"expr": ..., "bindings": {...}}` on stdin and writes one JSON line per request.
"""
from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
from typing import Any

REPO = pathlib.Path(__file__).resolve().parents[2]
JSONATA_MODULE = REPO / "node_modules" / "jsonata"

# Each result is {"ok": true, "value": v, "undefined": bool} or {"ok": false, "error": "..."}.
# Infinity/NaN are not JSON; report them as failures because AWS cannot carry them either.
_SCRIPT = r"""
const jsonata = require(process.argv[1]);
const readline = require('readline');
const rl = readline.createInterface({input: process.stdin, terminal: false});
const queue = [];
let busy = false;
function bad(v) {
  if (typeof v === 'number') return !isFinite(v);
  if (Array.isArray(v)) return v.some(bad);
  if (v !== null && typeof v === 'object') return Object.values(v).some(bad);
  return typeof v === 'function';
}
async function handle(line) {
  let out;
  try {
    const req = JSON.parse(line);
    const expr = jsonata(req.expr);
    const value = await expr.evaluate(req.input === undefined ? {} : req.input, req.bindings || {});
    if (value === undefined) out = {ok: true, undefined: true, value: null};
    else if (bad(value)) out = {ok: false, error: 'non-JSON result'};
    else {
      // JSONata sequences are arrays with a `sequence` flag; JSON.stringify drops the flag.
      out = {ok: true, undefined: false, value: JSON.parse(JSON.stringify(value))};
    }
  } catch (e) {
    out = {ok: false, error: (e && (e.code ? e.code + ': ' : '') + (e.message || String(e))) || 'error'};
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}
async function pump() {
  if (busy) return;
  busy = true;
  while (queue.length) await handle(queue.shift());
  busy = false;
}
rl.on('line', (line) => { queue.push(line); pump(); });
"""


def node_available() -> bool:
    return shutil.which("node") is not None and JSONATA_MODULE.exists()


class NodeJsonata:
    """A long-lived node process evaluating JSONata 2.0.6 requests one line at a time."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            ["node", "-e", _SCRIPT, str(JSONATA_MODULE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def evaluate_many(self, requests: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
        """Evaluate (expression, bindings) pairs; returns the result dicts in order."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        payload = "".join(json.dumps({"expr": e, "bindings": b}) + "\n" for e, b in requests)
        # Write and read in chunks so neither pipe buffer fills up while the other side waits.
        results: list[dict[str, Any]] = []
        lines = payload.splitlines(keepends=True)
        chunk = 200
        for start in range(0, len(lines), chunk):
            part = lines[start:start + chunk]
            self._proc.stdin.write("".join(part))
            self._proc.stdin.flush()
            for _ in part:
                line = self._proc.stdout.readline()
                if not line:
                    raise RuntimeError("node jsonata process died")
                results.append(json.loads(line))
        return results

    def evaluate(self, expr: str, bindings: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.evaluate_many([(expr, bindings or {})])[0]

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        self._proc.wait(timeout=10)

    def __enter__(self) -> "NodeJsonata":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
