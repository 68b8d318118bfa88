"""Evaluate a batch of JSONata expressions with the reference jsonata 2.0.6 (npm) in one Node.js process.

Used by the cross-checks of pyawssfn.jsonata.engine: each case is ``(expression, bindings)``; the expression is
evaluated as AWS does it, with no context item (``evaluate(undefined, bindings)``). Results come back as
``{"value": v}``, ``{"undefined": True}`` or ``{"error": code, "message": text}``. Missing ``node`` or
``node_modules/jsonata`` raises NodeJsonataUnavailable with a message saying what to install: the cross-checks
must fail, not skip, where the reference is absent.
"""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
from typing import Any, Sequence

REPO = pathlib.Path(__file__).resolve().parents[2]
JSONATA_MODULE = REPO / "node_modules" / "jsonata"

_SCRIPT = r"""
const jsonata = require(process.argv[1]);
let raw = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { raw += chunk; });
process.stdin.on('end', async () => {
  const cases = JSON.parse(raw);
  const out = [];
  for (const [expr, bindings] of cases) {
    try {
      const value = await jsonata(expr).evaluate(undefined, bindings);
      if (value === undefined) { out.push({undefined: true}); }
      // JSON.stringify drops undefined object values and writes non-finite numbers as null, as AWS does.
      else { out.push({value: JSON.parse(JSON.stringify(value) ?? 'null')}); }
    } catch (err) {
      out.push({error: err.code || 'UNKNOWN', message: err.message || String(err)});
    }
  }
  process.stdout.write(JSON.stringify(out));
});
"""


class NodeJsonataUnavailable(RuntimeError):
    pass


def evaluate_batch(cases: Sequence[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None:
        raise NodeJsonataUnavailable(
            "Node.js is not installed: the JSONata cross-checks need `node` and `npm install jsonata@2.0.6` "
            f"in {REPO}"
        )
    if not (JSONATA_MODULE / "package.json").is_file():
        raise NodeJsonataUnavailable(
            f"{JSONATA_MODULE} is missing: run `npm install jsonata@2.0.6` in {REPO} for the JSONata cross-checks"
        )
    proc = subprocess.run(
        [node, "-e", _SCRIPT, str(JSONATA_MODULE)],
        input=json.dumps([[expr, bindings] for expr, bindings in cases]),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if proc.returncode != 0:
        raise NodeJsonataUnavailable(f"node failed ({proc.returncode}): {proc.stderr.strip()}")
    return json.loads(proc.stdout)


def version() -> str:
    return json.loads((JSONATA_MODULE / "package.json").read_text())["version"]
