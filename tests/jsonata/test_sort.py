"""$sort and $lowercase of the executor's JSONata against npm jsonata 2.0.6 (moved from test_engine.py)."""
from __future__ import annotations

import json as _json
import random

import pytest

from pyawssfn.jsonata.engine import UNDEFINED, evaluate
from pyawssfn.local.errors import StatesError

from .crosscheck import node_jsonata

# $sort: JSONata 2.0.6 is a merge sort that takes the right item only when the comparator returns a truthy
# value (JavaScript truthiness); equal items keep their order. Keys from a small set so that most arrays have ties.
SORT_TEMPLATES = [
    "$sort($v, function($a, $b) { $a.k > $b.k })",
    "$sort($v, function($a, $b) { $a.k < $b.k })",
    "$sort($v, function($a, $b) { $a.k >= $b.k })",  # swaps equal items: the reference's exact pass order shows
    "$sort($v, function($a, $b) { $a.k - $b.k })",  # a number: nonzero is true
    "$sort($v, function($a, $b) { $a.k > $b.k ? [] : 0 })",  # an empty array is true in JavaScript
    "$sort($v, function($a) { $a.k > 1 })",
    "$sort($v.k)",
    "$sort($v.s)",
    "$sort($v, function($a, $b) { $a.s > $b.s })",
    "$v^(k)",
    "$v^(>k, s)",
]


def _sort_items(rng):
    return [
        {"k": rng.choice([0, 1, 2]), "s": rng.choice(["a", "b", "\uff00", "\U0001f600"]), "i": i}
        for i in range(rng.randint(0, 9))
    ]


def test_sort_with_ties_agrees_with_jsonata_2_0_6():
    rng = random.Random(32)
    cases = [(t, {"v": _sort_items(rng)}) for t in SORT_TEMPLATES for _ in range(12)]
    reference = node_jsonata.evaluate_batch(cases)
    mismatches = []
    for (expr, bindings), ref in zip(cases, reference):
        value = evaluate(expr, variables=bindings)
        ours = {"undefined": True} if value is UNDEFINED else {"value": value}
        if ours != ref:
            mismatches.append((expr, bindings, ref, ours))
    assert mismatches == []
    # The check has teeth: jsonata-python's own sort reorders ties of this input.
    ties = [{"v": 2, "n": "a"}, {"v": 1, "n": "b"}, {"v": 2, "n": "c"}]
    assert [r["n"] for r in evaluate("$sort($v, function($a, $b) { $a.v > $b.v })", variables={"v": ties})] == [
        "b", "a", "c"
    ]


def test_sort_comparator_errors_surface():
    with pytest.raises(StatesError, match="T2010"):
        evaluate("$sort([3, 1, null], function($a, $b) { $a > $b })")
    with pytest.raises(StatesError, match="D3137: boom"):
        evaluate("$sort([3, 1], function($a, $b) { $error('boom') })")
    assert evaluate("$sort(5, function($a, $b) { $a > $b })") == [5]
    assert evaluate("$sort([[1], [0]], function($a, $b) { $a[0] > $b[0] })") == [[0], [1]]


def test_lowercase_is_javascripts_to_lower_case_not_a_case_fold():
    # jsonata-python case-folds ('ß' -> 'ss'); JSONata 2.0.6, which AWS runs, keeps 'ß' and writes a final sigma.
    texts = ["ß ﬁ", "ΑΣ", "ΟΔΟΣ ΟΔΟΣ", "İstanbul", "HeLLo"]
    reference = node_jsonata.evaluate_batch([(f"$lowercase({_json.dumps(t)})", {}) for t in texts])
    for text, ref in zip(texts, reference):
        assert evaluate(f"$lowercase({_json.dumps(text)})", input=None, variables={}, states={}) == ref["value"]
