"""Strings on astral characters and lone surrogates (jsstrings.py): JavaScript's strings are UTF-16 code units, and
the executor's JSONata must count, cut, search, join and print them as jsonata 2.0.6 on Node.js does."""
from __future__ import annotations

from pyawssfn.jsonata.engine import evaluate
from pyawssfn.jsonata.jsstrings import js_quote, normalize

from .crosscheck import differences

CASES = [
    ('$length("a😀b")', {}),
    ('$length($s)', {"s": "\ud83d"}),
    ('$length($s)', {"s": "a\ud83dx"}),
    ('$substring("a😀b😀c", 1, 3)', {}),
    ('$substring("a😀b😀c", -2)', {}),
    ('$substring("a😀b😀c", -3, 2)', {}),
    ('$substring($s, 0, 1)', {"s": "😀"}),
    ('$substringBefore("a😀b", "b")', {}),
    ('$substringAfter("a😀b", "😀")', {}),
    ('$substringBefore("a😀b", "")', {}),
    ('$substringAfter("😀b", $s)', {"s": "\ud83d"}),
    ('$substringBefore("😀b", $s)', {"s": "\ude00"}),
    ('$split("a😀b", "")', {}),
    ('$split("😀😀", "", 1)', {}),
    ('$split("a😀b", "😀")', {}),
    ('$split("😀", $s)', {"s": "\ud83d"}),
    ('$pad("😀", 3, "x")', {}),
    ('$pad("a", 4, "😀")', {}),
    ('$pad("a", -4, "😀x")', {}),
    ('$pad("😀😀", -3)', {}),
    ('$uppercase("ß😀ǆ")', {}),
    ('$lowercase("İ😀Σ")', {}),
    ('$uppercase("ŉ")', {}),
    ('$lowercase("ΑΣ")', {}),
    ('$lowercase("ΑΣ ")', {}),
    ('"😀abc"[0]', {}),
    ('$reverse(["😀", "a"])', {}),
    ('$join($split("a😀b", ""), "")', {}),
    ('$join($split("a😀b", ""), "") = "a😀b"', {}),
    ('$split("a😀b", "")[1] & $split("a😀b", "")[2]', {}),
    ('$length($split("a😀b", "")[1] & $split("a😀b", "")[2])', {}),
    ('$contains("a😀b", $s)', {"s": "\ude00"}),
    ('$replace("a😀b", $s, "X")', {"s": "\ude00"}),
    ('$string($s)', {"s": "\ud83d"}),
    ('$trim("  😀  ")', {}),
    ('$formatNumber(1, "😀0")', {}),
    ('$sort(["😀", "\\uffff", "a"])', {}),
    ('"😀" < "\\uffff"', {}),
    ('$substring("😀😀", 1)', {}),
    ('$keys({"😀": 1})', {}),
    ('$length($string({"a": "😀"}))', {}),
    ('$encodeUrlComponent("😀")', {}),
    ('$encodeUrlComponent($s)', {"s": "\ud83d"}),
    ('$base64encode("😀")', {}),
    ('$count($split("😀", ""))', {}),
    ('$map($split("a😀", ""), function($c){$length($c)})', {}),
    ('$substring("a😀b", 1, 1)', {}),
    ('$length($substring("😀", 0, 1))', {}),
]


def test_strings_behave_as_on_jsonata_2_0_6():
    assert len(CASES) >= 45
    assert differences(CASES) == []


def test_halves_of_a_pair_join_into_the_character():
    assert normalize("a\ud83d" + "\ude00b") == "a😀b"
    assert evaluate("$join($split('a😀b', ''), '') = 'a😀b'") is True
    assert evaluate("$length($split('😀', '')[0] & $split('😀', '')[1])") == 1


def test_json_text_escapes_lone_surrogates():
    assert js_quote("a\ud83db") == '"a\\ud83db"' and js_quote("😀") == '"😀"'


def test_a_reported_difference_with_a_lone_surrogate_prints():
    from pyawssfn.comparison import show

    text = show(["\ud83d", "😀"])
    assert text == '["\\ud83d", "😀"]'
    text.encode("utf-8")  # what a terminal needs: no lone surrogate left


def test_a_placeholder_written_with_an_escaped_brace_reads_back_as_the_text():
    """F74: the printer writes `${` of a string literal as `$\\u007b`, which a deployment's DefinitionSubstitutions
    do not see; jsonata 2.0.6 and our engine read it back as `${`."""
    from pyawssfn.jsonata.printer import to_text
    from pyawssfn.jsonata.tree import Str

    text = to_text(Str("${FunctionArn} and ${StateMachineArn_kid}"))
    assert "${" not in text and text == '"$\\u007bFunctionArn} and $\\u007bStateMachineArn_kid}"'
    cases = [text, f"{text} & '${{x}}'", f"$contains({text}, '$' & '{{Fun')"]
    assert differences(cases) == []
    assert evaluate(text) == "${FunctionArn} and ${StateMachineArn_kid}"
