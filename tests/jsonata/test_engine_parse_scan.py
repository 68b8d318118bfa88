"""The compiler's JSONata parser reads all tokens in one pass (jsonata/parse._scan, for speed); it must read exactly
what the one-token-at-a-time lexer reads (kinds, values, positions, where `/` starts a regex), and fail where it
fails. Checked on generated token soups, with a fixed seed so that a failure repeats."""
from __future__ import annotations

import random

import pytest

from pyawssfn.jsonata.parse import ParseError, _Lexer, _scan, parse

_VOCAB = ['$a', '$b_1', '$', '1', '2.5e3', '"s"', "'t'", '"\\n\\u00e9"', '"\\q"', 'x', '`y z`', '+', '-', '*', '/',
          '%', '&', '=', '!=', '<', '<=', '>=', 'and', 'or', 'in', '(', ')', '[', ']', '{', '}', ',', ';', ':', '?',
          ':=', '.', '..', '/r[/]x/i', '/* c */', ' ', '\n', 'true', 'null', 'function', '$f(', '~>', '@', '"', '`',
          '/*']


def _one_by_one(text: str) -> list[tuple]:
    lex, out, prefix = _Lexer(text), [], True
    while True:
        t = lex.next(prefix)
        out.append((t.kind, t.value, t.pos))
        if t.kind == "end":
            return out
        prefix = t.kind == "op" and t.value not in (")", "]", "}")


def _outcome(read, text):
    try:
        return ("ok", read(text))
    except ParseError:
        return ("error",)


def _texts(seed: int, count: int):
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(_VOCAB) + rng.choice(["", " "]) for _ in range(rng.randint(1, 10)))


@pytest.mark.parametrize("seed", range(4))
def test_the_one_pass_scan_reads_the_tokens_the_lexer_reads(seed):
    for text in _texts(seed, 2500):
        ours = _outcome(lambda s: [t[:3] for t in _scan(s)], text)
        assert ours == _outcome(_one_by_one, text), text


def test_a_regex_literal_where_an_operand_is_expected_and_a_division_elsewhere():
    kinds = [t[0] for t in _scan("$match($s, /a[/]b/i) / 2")]
    assert kinds == ["var", "op", "var", "op", "regex", "op", "op", "num", "end"]
    assert [t[1] for t in _scan("/a[/]b/i")][0] == "a[/]b/i"
    with pytest.raises(ParseError):
        parse('$x + "unterminated')
    with pytest.raises(ParseError):
        parse("/* no end")
