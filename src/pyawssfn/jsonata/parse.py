"""JSONata text -> pyawssfn.jsonata.tree nodes: a Pratt parser with jsonata-js's binding powers.

It reads the subset of JSONata the compiler writes and the hand-written machines use (no `~>`, `@`, `#`, `^(...)`,
wildcards, parent `%`, transforms or partial application); anything else is a ParseError rather than a guess.
"""
from __future__ import annotations

import json
import re

from pyawssfn.jsonata.tree import (
    Array, Binary, Bind, Block, Bool, Call, Cond, Dot, Expr, Filter, Lambda, Name, Null, Num, Object, Range, Regex,
    Str, Unary, Var,
)

__all__ = ["parse", "parse_cached", "remember", "template", "ParseError", "single_token", "starts_with_named_call"]


class ParseError(ValueError):
    pass


_LBP = {".": 75, "[": 80, "(": 80, "?": 20, "*": 60, "/": 60, "%": 60, "+": 50, "-": 50, "&": 50, "=": 40,
        "!=": 40, "<": 40, "<=": 40, ">": 40, ">=": 40, "in": 40, "and": 30, "or": 25, ":=": 10, "..": 20}
_BINARY = {"*", "/", "%", "+", "-", "&", "=", "!=", "<", "<=", ">", ">=", "in", "and", "or"}
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class _Tok:
    """A token of the one-at-a-time lexer (a plain class: a dataclass costs its import time to every CLI start)."""

    __slots__ = ("kind", "value", "pos")

    def __init__(self, kind: str, value: str, pos: int) -> None:
        self.kind = kind     # op, name, var, str, num, regex, end
        self.value = value
        self.pos = pos

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Tok):
            return NotImplemented
        return (self.kind, self.value, self.pos) == (other.kind, other.value, other.pos)

    __hash__ = None  # type: ignore[assignment]  # as the dataclass was (eq without frozen)

    def __repr__(self) -> str:
        return f"_Tok(kind={self.kind!r}, value={self.value!r}, pos={self.pos!r})"


_STOP = r"\s.\[\]{}(),@#;:?+\-*/%|=<>^&!~\"'`"
# One token at a time; which alternative matched is its kind. (A regular expression literal is read by _regex: only
# the position decides whether `/` starts one.)
_TOKENS = (
    r"(?P<num>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    r'|(?P<str>"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\')'
    r"|(?P<bt>`[^`]*`)"
    r"|(?P<op>\.\.|:=|!=|<=|>=|~>|\*\*|[.\[\]{}(),@#;:?+\-*/%|=<>^&!~])"
    r"|(?P<var>\$[^" + _STOP + r"]*)"
    r"|(?P<name>[^" + _STOP + r"]+)"
)
_BLANKS = r"(?:\s|/\*.*?\*/)"
_TOKEN = re.compile(r"(?P<ws>" + _BLANKS + "+)|" + _TOKENS, re.S)


class _Lexer:
    def __init__(self, text: str):
        self.s = text
        self.i = 0

    def next(self, prefix: bool) -> _Tok:
        """The next token; `prefix`: an operand is expected, so `/` starts a regex."""
        s = self.s
        m = _TOKEN.match(s, self.i)
        if m is not None and m.lastgroup == "ws":
            self.i = m.end()
            m = _TOKEN.match(s, self.i)
        i = self.i
        if i >= len(s):
            return _Tok("end", "", i)
        if prefix and s[i] == "/":
            return self._regex(i)
        if m is None:
            raise ParseError(f"unexpected {s[i]!r} at {i}")
        kind, text = m.lastgroup, m.group()
        self.i = m.end()
        if kind == "str":
            return _Tok("str", _decode(text, i) if "\\" in text else text[1:-1], i)
        if kind == "bt":
            return _Tok("name", text[1:-1], i)
        if kind == "var":
            return _Tok("var", text[1:], i)
        if kind == "name" and text in ("and", "or", "in"):
            return _Tok("op", text, i)
        return _Tok(kind, text, i)  # type: ignore[arg-type]

    def _regex(self, i: int) -> _Tok:
        s, j, depth = self.s, i + 1, 0
        while j < len(s):
            c = s[j]
            if c == "\\":
                j += 2
                continue
            if c == "[":
                depth += 1
            elif c == "]" and depth:
                depth -= 1
            elif c == "/" and not depth:
                break
            j += 1
        if j >= len(s):
            raise ParseError(f"unterminated regular expression at {i}")
        k = j + 1
        while k < len(s) and s[k] in "imgsx":
            k += 1
        self.i = k
        return _Tok("regex", s[i + 1:j] + "/" + s[j + 1:k], i)


def _decode(text: str, pos: int) -> str:
    """The value of a string literal with escapes (JSON's, as jsonata-js reads them)."""
    out, j, body = [], 0, text[1:-1]
    while j < len(body):
        c = body[j]
        if c != "\\":
            out.append(c)
            j += 1
            continue
        e = body[j + 1:j + 2]
        if e == "u":
            out.append(json.loads('"' + body[j:j + 6] + '"'))
            j += 6
            continue
        if e not in _ESCAPES:
            raise ParseError(f"unsupported escape \\{e} at {pos + j}")
        out.append(_ESCAPES[e])
        j += 2
    return "".join(out)


# _TOKEN with the blanks before a token and the end of the text in one match (what _scan reads).
_SCAN = re.compile(_BLANKS + "*+(?:" + _TOKENS + r"|(?P<end>\Z))", re.S)
_CLOSING = frozenset((")", "]", "}"))
_WORD_OPS = frozenset(("and", "or", "in"))


def _scan(text: str) -> list[tuple]:
    """Every token of `text` as (kind, value, position, left binding power), the last one "end": what _Lexer.next
    reads one by one (tuples, not _Tok: the compiler parses long texts). After an operator (other than a closing
    bracket) an operand follows, where a `/` starts a regular expression rather than dividing (jsonata-js's rule):
    the previous token decides, so the whole text is read in one pass before parsing."""
    out: list[tuple] = []
    append, lbp = out.append, _LBP.get
    prefix, i = True, 0
    while True:
        for m in _SCAN.finditer(text, i):
            if m.start() != i:  # nothing matches at i: the one-by-one lexer words the error
                lex = _Lexer(text)
                lex.i = i
                lex.next(prefix)
                raise ParseError(f"unexpected text at {i}")  # pragma: no cover (next raised)
            kind = m.lastgroup
            j = m.start(kind)
            if kind == "end":
                append(("end", "", j, 0))
                return out
            if prefix and text[j] == "/":
                lex = _Lexer(text)
                t = lex._regex(j)
                i = lex.i
                append((t.kind, t.value, t.pos, 0))
                prefix = False
                break  # go on from the end of the literal
            value = m.group(kind)
            i = m.end()
            if kind == "op":
                prefix = value not in _CLOSING
                append(("op", value, j, lbp(value, 0)))
                continue
            prefix = False
            if kind == "str":
                value = _decode(value, j) if "\\" in value else value[1:-1]
            elif kind == "bt":
                kind, value = "name", value[1:-1]
            elif kind == "var":
                value = value[1:]
            elif kind == "name" and value in _WORD_OPS:
                append(("op", value, j, _LBP[value]))
                prefix = True
                continue
            append((kind, value, j, 0))
        else:  # pragma: no cover (the end always matches)
            raise ParseError(f"unexpected end of text at {i}")


class _Parser:
    def __init__(self, text: str):
        self.toks = _scan(text)
        self.k = 0
        self.tok = self.toks[0]

    def advance(self) -> tuple:
        """Consume the current token (the "end" token stays current once reached)."""
        t = self.tok
        k = self.k + 1
        if k < len(self.toks):
            self.k = k
            self.tok = self.toks[k]
        return t

    def expect(self, op: str) -> None:
        if self.tok[0] != "op" or self.tok[1] != op:
            raise ParseError(f"expected {op!r} at {self.tok[2]}, found {self.tok[1]!r}")
        self.advance()

    def at(self, op: str) -> bool:
        return self.tok[0] == "op" and self.tok[1] == op

    def lbp(self) -> int:
        return self.tok[3]

    def expression(self, rbp: int = 0) -> Expr:
        left = self.nud(self.advance())
        while rbp < self.tok[3]:
            left = self.led(self.advance(), left)
        return left

    def _list(self, close: str) -> tuple[Expr, ...]:
        items: list[Expr] = []
        if not self.at(close):
            while True:
                items.append(self.expression(0))
                if not self.at(","):
                    break
                self.advance()
        self.expect(close)
        return tuple(items)

    def nud(self, t: tuple) -> Expr:
        k, v = t[0], t[1]
        if k == "var":
            return Var(v)
        if k == "str":
            return Str(v)
        if k == "num":
            return Num(v)
        if k == "regex":
            pattern, _, flags = v.rpartition("/")
            return Regex(pattern, flags)
        if k == "name":
            if v in ("true", "false"):
                return Bool(v == "true")
            if v == "null":
                return Null()
            if v in ("function", "λ") and self.at("("):
                return self._lambda()
            return Name(v)
        if k == "op":
            return self._nud_op(t)
        raise ParseError(f"unexpected end of expression at {t[2]}")

    def _nud_op(self, t: tuple) -> Expr:
        v = t[1]
        if v == "-":
            operand = self.expression(70)
            if isinstance(operand, Num) and not operand.text.startswith("-"):
                return Num("-" + operand.text)
            return Unary(operand)
        if v == "(":
            exprs: list[Expr] = []
            while not self.at(")"):
                exprs.append(self.expression(0))
                if not self.at(";"):
                    break
                self.advance()
            self.expect(")")
            return Block(tuple(exprs))
        if v == "[":
            items: list[Expr] = []
            if not self.at("]"):
                while True:
                    items.append(self.expression(0))
                    if not self.at(","):
                        break
                    self.advance()
            self.expect("]")
            return Array(tuple(items))
        if v == "{":
            pairs: list[tuple[Expr, Expr]] = []
            if not self.at("}"):
                while True:
                    key = self.expression(0)
                    self.expect(":")
                    pairs.append((key, self.expression(0)))
                    if not self.at(","):
                        break
                    self.advance()
            self.expect("}")
            return Object(tuple(pairs))
        raise ParseError(f"unsupported JSONata syntax {v!r} at {t[2]}")

    def _lambda(self) -> Lambda:
        self.expect("(")
        params: list[str] = []
        while not self.at(")"):
            p = self.advance()
            if p[0] != "var":
                raise ParseError(f"expected a parameter at {p[2]}")
            params.append(p[1])
            if self.at(","):
                self.advance()
        self.expect(")")
        self.expect("{")
        body = self.expression(0)
        self.expect("}")
        return Lambda(tuple(params), body)

    def led(self, t: tuple, left: Expr) -> Expr:
        v = t[1]
        if v in _BINARY:
            return Binary(v, left, self.expression(_LBP[v]))
        if v == ".":
            return Dot(left, self.expression(75))
        if v == "[":
            if self.at("]"):
                raise ParseError(f"keep-array [] is not supported at {t[2]}")
            pred = self.expression(0)
            self.expect("]")
            return Filter(left, pred)
        if v == "(":
            return Call(left, self._list(")"))
        if v == "?":
            then = self.expression(0)
            orelse = None
            if self.at(":"):
                self.advance()
                orelse = self.expression(0)
            return Cond(left, then, orelse)
        if v == "..":
            return Range(left, self.expression(20))
        if v == ":=":
            if not isinstance(left, Var):
                raise ParseError(f"the left side of := must be a variable at {t[2]}")
            return Bind(left.name, self.expression(9))
        raise ParseError(f"unsupported JSONata operator {v!r} at {t[2]}")


def parse(text: str) -> Expr:
    p = _Parser(text)
    e = p.expression(0)
    if p.tok[0] != "end":
        raise ParseError(f"unexpected {p.tok[1]!r} at {p.tok[2]} in {text[:80]!r}")
    return e


_CACHE: dict[str, Expr] = {}
_CACHE_LIMIT = 200_000


def parse_cached(text: str) -> Expr:
    """parse(), remembered: the compiler asks about the same expression text many times."""
    t = _CACHE.get(text)
    if t is None:
        t = remember(text, parse(text))
    return t


def remember(text: str, tree: Expr) -> Expr:
    """Record that `text` is the printing of `tree` (so that reading it back costs nothing)."""
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[text] = tree
    return tree


def template(value: str) -> Expr | None:
    """The expression of a field value written as ``{% ... %}``, None for a plain string."""
    s = value.strip()
    if s.startswith("{%") and s.endswith("%}"):
        return parse_cached(s[2:-2].strip())
    return None


def _tokens(text: str, limit: int) -> list[_Tok]:
    """The first `limit` tokens (fewer at the end), read with the parser's lexer and its regex rule."""
    lex, out, prefix = _Lexer(text), [], True
    try:
        while len(out) < limit:
            t = lex.next(prefix)
            out.append(t)
            if t.kind == "end":
                break
            prefix = t.kind == "op" and t.value not in (")", "]", "}")
    except ParseError:
        out.append(_Tok("bad", "", lex.i))
    return out


def single_token(text: str) -> str | None:
    """The kind of the one token `text` is ("var", "num", "str", "name", ...), None when it is more than one. Cheap:
    it reads at most two tokens, not the whole expression."""
    toks = _tokens(text, 2)
    if len(toks) == 2 and toks[1].kind == "end" and toks[0].kind not in ("op", "bad"):
        return toks[0].kind
    return None


def starts_with_named_call(text: str) -> bool:
    """`$name(` at the start (the rest may or may not be that one call)."""
    toks = _tokens(text, 2)
    return len(toks) == 2 and toks[0].kind == "var" and toks[1].kind == "op" and toks[1].value == "("
