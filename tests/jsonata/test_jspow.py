"""semantics/jspow.py is V8's Math.pow bit for bit: checked against Node.js on edge cases and random arguments, and
the cases where CPython's ``**`` differs are shown to exist (so the port is needed, and the test can fail)."""
from __future__ import annotations

import json
import math
import random
import shutil
import struct
import subprocess

import pytest

from pyawssfn.semantics.jspow import js_pow

from .crosscheck import differences

_EDGES = [0.0, -0.0, 1.0, -1.0, 2.0, 0.5, -0.5, 3.0, -3.0, 10.0, 1.1, 1e-5, 1e300, -1e300, 5e-324,
          2.2250738585072014e-308, 1.0000000000000002, 0.9999999999999999, 1e10, -2.5, 1024.0, -1075.0, 0.1,
          math.inf, -math.inf, math.nan]


def _pairs() -> list[tuple[float, float]]:
    rng = random.Random(20261202)
    pairs = [(a, b) for a in _EDGES for b in _EDGES]
    for _ in range(6000):
        kind = rng.random()
        if kind < 0.3:
            pairs.append((rng.uniform(-100, 100), rng.uniform(-30, 30)))
        elif kind < 0.5:
            pairs.append((float(rng.randint(-50, 50)), float(rng.randint(-40, 40))))
        elif kind < 0.7:
            pairs.append((round(rng.uniform(0, 20), rng.randint(0, 3)), round(rng.uniform(-10, 10), rng.randint(0, 2))))
        elif kind < 0.85:
            x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(62)))[0]  # any finite positive magnitude
            pairs.append((x, rng.uniform(-3, 3)))
        else:
            pairs.append((1 + rng.uniform(-1e-6, 1e-6), rng.uniform(-1e12, 1e12)))  # the |y| > 2**31 branch
    return pairs


def _js(v: float) -> str:
    return "NaN" if math.isnan(v) else ("Infinity" if v == math.inf else "-Infinity" if v == -math.inf else repr(v))


def _bits(v: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", v))[0]


def _v8_pow(pairs) -> list[int]:
    node = shutil.which("node")
    assert node, "the Math.pow cross-check needs Node.js (CI has it)"
    script = ("const p=[" + ",".join(f"[{_js(a)},{_js(b)}]" for a, b in pairs) + "];const b=Buffer.alloc(8);"
              "console.log(JSON.stringify(p.map(([x,y])=>{b.writeDoubleLE(Math.pow(x,y));"
              "return b.readBigUInt64LE().toString();})));")
    out = subprocess.run([node, "-"], input=script, capture_output=True, text=True, timeout=120, check=True).stdout
    return [int(v) for v in json.loads(out)]


@pytest.fixture(scope="module")
def reference():
    pairs = _pairs()
    return pairs, _v8_pow(pairs)


def test_bit_for_bit_with_v8(reference):
    pairs, v8 = reference
    wrong = [(x, y, js_pow(x, y)) for (x, y), want in zip(pairs, v8)
             if _bits(js_pow(x, y)) != want and not (math.isnan(js_pow(x, y)) and want & 0x7FF0000000000000 == 0x7FF0000000000000)]
    assert wrong == []


def test_cpython_differs_where_the_port_is_needed(reference):
    pairs, v8 = reference
    differing = 0
    for (x, y), want in zip(pairs, v8):
        try:
            ours = math.pow(x, y)
        except (OverflowError, ValueError):
            continue
        differing += _bits(ours) != want and not math.isnan(ours)
    assert differing > 100  # about 5% of these arguments: without the port, $power would differ from AWS there


def test_the_issues_examples():
    assert js_pow(1.1, 4) * 1000 == 1464.1000000000006 and 1.1 ** 4 * 1000 == 1464.1000000000004
    assert js_pow(10, -5) == 9.999999999999999e-06 and 10 ** -5 == 1e-05
    assert math.isnan(js_pow(1, math.nan)) and math.pow(1, math.nan) == 1.0  # ECMAScript: NaN; C99: 1
    assert math.isnan(js_pow(-1, math.inf))


def test_power_in_jsonata_is_v8s():
    assert differences(["$power(1.1, 4) * 1000", "$power(10, -5)", "$power(-8, 1/3)", "$power(10, 1000)",
                        "$power(0, -1)", "$power(7, -0.5)", "$power(46, -5)", "$power(-2, 3)",
                        "$power(1.0000001, 1e12)", "$power(2, 0.5)"]) == []


def test_the_comparison_says_how_far_apart_and_why():
    from pyawssfn.comparison import value_difference

    where, python, machine, why = value_difference({"total": 1.1 ** 4 * 1000}, {"total": js_pow(1.1, 4) * 1000})
    assert (where, python, machine) == ("total", 1464.1000000000004, 1464.1000000000006)
    assert why.startswith("1 unit in the last place apart: ") and "V8's Math.pow" in why
    assert value_difference(1.5, 1.5000001)[3] is None  # far apart: not explained by the engines' rounding


def test_run_both_reports_a_power_that_differs_in_its_last_bit(tmp_path):
    from pyawssfn.testing import DisagreementError, WorkflowTester

    path = tmp_path / "powwf.py"
    path.write_text("import pyawssfn as sfn\n\n\n@sfn.workflow\ndef w(x):\n    return {'total': 1000 * x ** 4}\n")
    tester = WorkflowTester(path, "w")
    with pytest.raises(DisagreementError) as caught:
        tester.run_both({"x": 1.1})
    message = str(caught.value)
    assert "output.total: python 1464.1000000000004, machine 1464.1000000000006" in message, message
    assert "1 unit in the last place apart" in message and "V8's Math.pow" in message
    tester.run_both({"x": 2})  # exact powers agree
