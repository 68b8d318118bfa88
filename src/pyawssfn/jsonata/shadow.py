"""The JSONata shadow: every expression the engine evaluates is evaluated again by the reference, npm ``jsonata@2.0.6``
(the engine AWS runs), with the same bindings, and any difference is reported.

It is on in the test suite (tests/conftest.py turns it on when Node.js and node_modules/jsonata are there, or when
``PYAWSSFN_JSONATA_SHADOW=1``; ``=0`` turns it off) and off everywhere else. One long-running ``node`` process per
Python process reads batches of cases over a pipe; :func:`check` sends what is pending and returns the differences,
and the suite calls it after every test so a difference fails the test that caused it.

What is compared: the value (type-aware: ``true`` is not ``1``, object key order counts, as JavaScript orders keys),
``undefined``, or the error's code and message (only the code for errors raised by AWS's own functions, whose messages
are ours). Not compared: expressions that read the clock or an unseeded random source (``$now()``, ``$millis()``,
``$random()``, ``$uuid()``), since the two engines cannot share those. AWS's functions (``$partition``, ``$range``,
``$hash``, ``$random(seed)``, ``$parse``) are bound on the Node side as AWS defines them, and ``$eval`` is not a
function there either.
"""
from __future__ import annotations

import atexit
import contextlib
import json
import math
import os
import pathlib
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import subprocess

REPO = pathlib.Path(__file__).resolve().parents[3]
JSONATA_MODULE = REPO / "node_modules" / "jsonata"
_BATCH = 500
_UNSHARED = re.compile(r"\$(now|millis|uuid)\s*\(|\$random\s*\(\s*\)")
_NAMES = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")

_SCRIPT = r"""
const jsonata = require(process.argv[1]);
const crypto = require('crypto');
const readline = require('readline');
const compiled = new Map();
function awsError(code, message) { const e = new Error(message); e.code = code; e.aws = true; return e; }
function intArg(v, fn, i) {
  if (typeof v !== 'number' || !isFinite(v)) throw awsError('T0410', `Argument ${i} of function "${fn}" does not match function signature`);
  return Math.trunc(v);
}
function javaRandom(seed) {
  const M = 0x5DEECE66Dn, MASK = (1n << 48n) - 1n;
  let s = (BigInt(seed) ^ M) & MASK;
  const next = (bits) => { s = (s * M + 0xBn) & MASK; return Number(s >> BigInt(48 - bits)); };
  return (next(26) * 2 ** 27 + next(27)) / 2 ** 53;
}
const hashes = {'MD5': 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512'};
const aws = {
  partition: (array, size) => {
    if (array === undefined) return undefined;
    const items = Array.isArray(array) ? array : [array];
    const n = intArg(size, 'partition', 2);
    if (n <= 0) throw awsError('D3001', 'partition size');
    const out = []; for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
    return out;
  },
  range: (start, end, step) => {
    if (start === undefined || end === undefined || step === undefined) return undefined;
    const a = intArg(start, 'range', 1), b = intArg(end, 'range', 2), s = intArg(step, 'range', 3);
    if (s === 0) throw awsError('D3001', 'range step');
    if ((s > 0 && a > b) || (s < 0 && a < b)) return [];
    const count = Math.floor((b - a) / s) + 1;
    if (count > 1e6) throw awsError('D2014', 'range size');
    const out = []; for (let v = a; s > 0 ? v <= b : v >= b; v += s) out.push(v);
    return out.length === 1 ? out[0] : out;
  },
  hash: (data, algorithm) => {
    if (data === undefined) return undefined;
    if (typeof data !== 'string') throw awsError('T0410', 'hash data');
    const name = hashes[algorithm === undefined ? 'SHA-256' : algorithm];
    if (!name) throw awsError('D3001', 'hash algorithm');
    return crypto.createHash(name).update(data, 'utf8').digest('hex');
  },
  random: (seed) => javaRandom(intArg(seed, 'random', 1)),
  parse: (text) => {
    if (text === undefined) return undefined;
    if (typeof text !== 'string') throw awsError('T0410', 'parse text');
    try { return JSON.parse(text); } catch (e) { throw awsError('D3001', 'parse'); }
  },
};
function enc(v) {
  // Key order is part of the answer: JSON.stringify keeps JavaScript's order, and the reply is parsed keeping it.
  if (v === undefined) return {undefined: true};
  return {json: JSON.stringify(v, (k, x) => (typeof x === 'function' ? undefined : x)) ?? 'null'};
}
const rl = readline.createInterface({input: process.stdin, crlfDelay: Infinity});
rl.on('line', async (line) => {
  const out = [];
  for (const [expr, bindings] of JSON.parse(line)) {
    try {
      let c = compiled.get(expr);
      if (!c) { c = jsonata(expr); compiled.set(expr, c); }
      out.push(enc(await c.evaluate(undefined, Object.assign({}, aws, {eval: undefined}, bindings))));
    } catch (err) {
      out.push({error: err.code || 'UNKNOWN', message: err.message || String(err), aws: !!err.aws});
    }
  }
  process.stdout.write(JSON.stringify(out) + '\n');
});
"""


class ShadowUnavailable(RuntimeError):
    pass


class _Shadow:
    def __init__(self):
        self.pending: list[tuple[str, dict, tuple]] = []
        self.sent: set[str] = set()
        self.differences: list[str] = []
        self.proc: subprocess.Popen | None = None
        self.paused = False
        self.seen = 0  # evaluations recorded (a repeat of the same expression, bindings and outcome included)
        self.compared = 0  # distinct ones the reference evaluated

    def start(self) -> None:
        import shutil  # here: every command loads this module, few start the reference (subprocess costs ~2 ms)
        import subprocess

        node = shutil.which("node")
        if node is None or not (JSONATA_MODULE / "package.json").is_file():
            raise ShadowUnavailable(
                "the JSONata shadow needs Node.js and `npm install` (jsonata@2.0.6) in " + str(REPO))
        self.proc = subprocess.Popen([node, "-e", _SCRIPT, str(JSONATA_MODULE)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1 << 16)
        atexit.register(self.stop)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
            self.proc = None

    def send(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        if self.proc is None:
            self.start()
        self.proc.stdin.write(json.dumps([[text, bindings] for text, bindings, _ in batch]) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise ShadowUnavailable("the JSONata shadow's node process ended")
        self.compared += len(batch)
        for (text, bindings, ours), theirs in zip(batch, json.loads(line)):
            problem = _difference(ours, theirs, text)
            if problem:
                shown = json.dumps(bindings, ensure_ascii=False)
                self.differences.append(f"{text!r} with {shown[:300]}: {problem}")


_shadow: _Shadow | None = None


def enable() -> None:
    """Turn the shadow on in this process."""
    global _shadow
    if _shadow is None:
        _shadow = _Shadow()


def enabled() -> bool:
    return _shadow is not None and not _shadow.paused


@contextlib.contextmanager
def paused():
    """Evaluate without the shadow: for tests of a difference kept on purpose (listed in docs/known-issues.md)."""
    if _shadow is None:
        yield
        return
    before, _shadow.paused = _shadow.paused, True
    try:
        yield
    finally:
        _shadow.paused = before


def record(text: str, variables: Any, states: Any, outcome: tuple) -> None:
    """Queue one evaluation: ``outcome`` is ("value", v), ("undefined",) or ("error", "CODE: message")."""
    if _shadow is None or _shadow.paused or _UNSHARED.search(text):
        return
    bindings = {name: variables[name] for name in set(_NAMES.findall(text)) if variables and name in variables}
    if states is not None and "$states" in text and "states" not in bindings:
        bindings["states"] = {k: states[k] for k in ("input", "result", "errorOutput", "context") if k in states}
    try:
        key = json.dumps([text, bindings, outcome], allow_nan=False)
    except (TypeError, ValueError):
        return  # not JSON (bad input handed to evaluate): nothing the reference could be given
    _shadow.seen += 1
    if key in _shadow.sent:
        return
    _shadow.sent.add(key)
    _shadow.pending.append((text, bindings, outcome))
    if len(_shadow.pending) >= _BATCH:
        _shadow.send()


def check() -> list[str]:
    """Evaluate what is pending with the reference; return (and forget) the differences found so far."""
    if _shadow is None:
        return []
    _shadow.send()
    found, _shadow.differences = _shadow.differences, []
    return found


def stats() -> dict[str, int]:
    """How many evaluations the shadow has seen and how many distinct ones the reference evaluated (after check())."""
    if _shadow is None:
        return {"seen": 0, "compared": 0}
    return {"seen": _shadow.seen, "compared": _shadow.compared}


def _racing_errors(ours: str, theirs: dict, text: str) -> bool:
    """Known difference (docs/known-issues.md): when several values of one object constructor fail, JSONata 2.0.6
    evaluates them concurrently (Promise.all) and reports the error that JavaScript's scheduler settles first; we
    report the first in key order. Same code, both raised by $error, only which one differs."""
    return theirs["error"] == "D3137" and ours.startswith("D3137:") and "{" in text and text.count("$error(") > 1


def _difference(ours: tuple, theirs: dict, text: str = "") -> str | None:
    if "error" in theirs:
        # An invalid regular expression is V8's SyntaxError, which has no JSONata code.
        want = theirs["message"] if theirs["error"] == "UNKNOWN" else f"{theirs['error']}: {theirs['message']}"
        if ours[0] != "error":
            return f"ours {_show(ours)}, reference error {want}"
        if theirs.get("aws"):
            return None if ours[1].split(":", 1)[0] == theirs["error"] else f"ours error {ours[1]}, reference {want}"
        if ours[1] == want:
            return None
        if _racing_errors(ours[1], theirs, text):
            return None
        return f"ours error {ours[1]}, reference error {want}"
    if "undefined" in theirs:
        return None if ours[0] == "undefined" else f"ours {_show(ours)}, reference undefined"
    if ours[0] != "value":
        return f"ours {_show(ours)}, reference {theirs['json']}"
    reference = json.loads(theirs["json"])
    return None if same(ours[1], reference) else f"ours {_show(ours)}, reference {theirs['json']}"


def _show(outcome: tuple) -> str:
    if outcome[0] == "value":
        return json.dumps(outcome[1], ensure_ascii=False)[:300]
    return " ".join(str(x) for x in outcome)


def same(a: Any, b: Any) -> bool:
    """JSON values equal as JavaScript sees them: numbers by value (2 is 2.0), booleans apart from numbers, object
    keys in the same order."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b) or (math.isnan(float(a)) and math.isnan(float(b)))
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def from_environment() -> None:
    """Enable the shadow when PYAWSSFN_JSONATA_SHADOW=1."""
    if os.environ.get("PYAWSSFN_JSONATA_SHADOW") == "1":
        enable()
