"""JavaScript regular expressions (as JSONata 2.0.6 on V8 runs them: ``new RegExp(pattern, flags + "g")``, no ``u``
flag) evaluated with Python's ``re``.

Python's ``re`` reads the same pattern text differently: ``\\s`` also matches ``\\x1c``-``\\x1f`` and ``\\x85``,
``\\d``/``\\w``/``\\b`` are Unicode (JavaScript's are ASCII), ``$`` matches before a final newline, ``.`` matches
``\\r``, ``\\u2028`` and ``\\u2029``, ``i`` folds case differently (``ſ`` matches ``s`` in Python), and many escapes
JavaScript accepts (``\\x`` alone, ``\\cJ``, ``\\8``, legacy octal ``\\07``, ``\\u{4}`` as "u four times") are errors.
So the JavaScript pattern is parsed here (ECMAScript's grammar with its Annex B web-compatibility rules, which V8
follows without the ``u`` flag) into a small tree, checked, and written out as a Python pattern that means the same:
every character class is an explicit set of code units, case-insensitivity is applied by JavaScript's own
Canonicalize (``toUpperCase`` of one code unit) when the pattern is translated, not by Python's flag.

Without the ``u`` flag JavaScript matches UTF-16 code units: ``.`` matches half of an emoji, and match indexes count
code units. So subjects are matched in a "units" form (a Python string with one character per UTF-16 code unit:
astral characters as their two surrogates; :func:`to_units`), and what is matched is turned back (:func:`from_units`).

What Python's ``re`` cannot express is refused with a clear message rather than run differently: a lookbehind whose
width varies, a capture group that an iteration of a repeated group may skip (JavaScript resets a repeated group's
captures at each iteration, Python keeps the last one), a backreference inside the repetition of the group it refers
to, and a backreference in a case-insensitive pattern.
"""
from __future__ import annotations

import functools
import re
from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .jsregex_errors import JsRegexSyntaxError, RegexRefused

if TYPE_CHECKING:
    from .jsregex_ast import Alt, Any_, Assert, Backref, Char, Class, Group, Look, Node, Repeat, Seq

__all__ = ["JsRegExp", "JsRegexSyntaxError", "RegexRefused", "compile_js", "regex_error_message", "to_units",
           "from_units"]

_LINE_TERMINATORS = frozenset((0x0A, 0x0D, 0x2028, 0x2029))
_WORD = "[0-9A-Z_a-z]"


def to_units(text: str) -> str:
    """``text`` with one character per UTF-16 code unit (astral characters as surrogate pairs)."""
    if text.isascii() or max(text) < "\U00010000":
        return text
    raw = array("H", text.encode("utf-16-le", "surrogatepass"))
    return "".join(map(chr, raw))


def from_units(units: str) -> str:
    """The string a units string stands for: surrogate pairs joined, lone surrogates kept (as JavaScript has them)."""
    if units.isascii() or not any("\ud800" <= c <= "\udfff" for c in units):
        return units
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


@functools.lru_cache(maxsize=1)
def _case_tables() -> tuple[list[int], dict[int, list[int]]]:
    """ECMAScript Canonicalize(ch) for every code unit (non-unicode mode, ignoreCase): toUpperCase of the one
    code unit if that gives one code unit, except that a non-ASCII unit never maps into ASCII; and its inverse
    (for the canonical values more than one unit has; any other unit is its own only member)."""
    canon = list(range(0x10000))
    changed = []
    for unit in range(0x10000):
        ch = chr(unit)
        upper = ch.upper()
        if upper != ch and len(upper) == 1 and not (unit >= 128 and upper < "\x80") and not "\ud800" <= ch <= "\udfff":
            canon[unit] = ord(upper)
            changed.append(unit)
    inverse: dict[int, list[int]] = {}
    for unit in changed:
        target = canon[unit]
        if target not in inverse:
            inverse[target] = [target] if canon[target] == target else []
        inverse[target].append(unit)
    return canon, inverse


def _fold(units: frozenset[int]) -> frozenset[int]:
    """The code units a case-insensitive JavaScript pattern matches for a set: those with a canonical form in it."""
    canon, inverse = _case_tables()
    if len(units) > 0x8000:
        # Work on the smaller complement: a unit is left out when every unit of its case class is left out.
        outside = _all() - units
        return _all() - frozenset(u for u in outside if all(v in outside for v in inverse.get(canon[u], (u,))))
    out: set[int] = set()
    for c in {canon[u] for u in units}:
        out.update(inverse.get(c, (c,)))
    return frozenset(out)


def _ranges(units: frozenset[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = prev = -2
    for u in sorted(units):
        if u != prev + 1:
            if prev >= 0:
                out.append((start, prev))
            start = u
        prev = u
    if prev >= 0:
        out.append((start, prev))
    return out


def _unit(u: int) -> str:
    return f"\\u{u:04x}"


def _class_text(units: frozenset[int]) -> str:
    if not units:
        return "(?!)"
    if len(units) == 1:
        return _unit(next(iter(units)))
    if len(units) > 0x8000:  # write the smaller side: Python's re compiles a large set slowly
        return "[^" + _members(_all() - units) + "]" if len(units) < 0x10000 else "[\\s\\S]"
    return "[" + _members(units) + "]"


def _members(units: frozenset[int]) -> str:
    return "".join((_unit(lo) if lo == hi else f"{_unit(lo)}-{_unit(hi)}") for lo, hi in _ranges(units))


class _Writer:
    """Writes the tree as a Python pattern with the same meaning."""

    def __init__(self, ignore_case: bool, multiline: bool):
        self.ignore_case = ignore_case
        self.multiline = multiline

    def write(self, node: Node) -> str:
        return getattr(self, "_" + type(node).__name__.rstrip("_").lower())(node)

    def _alt(self, node: Alt) -> str:
        return "|".join(self.write(s) for s in node.branches)

    def _seq(self, node: Seq) -> str:
        return "".join(self.write(t) for t in node.terms)

    def _char(self, node: Char) -> str:
        return self._set(frozenset((node.unit,)))

    def _class(self, node: Class) -> str:
        # A negated class matches what its members do not, after case folding (ECMAScript CharacterSetMatcher).
        units = _fold(node.units) if self.ignore_case else node.units
        return _class_text(_all() - units if node.negated else units)

    def _any(self, node: Any_) -> str:
        return _class_text(_not_line_terminator())

    def _set(self, units: frozenset[int]) -> str:
        return _class_text(_fold(units) if self.ignore_case else units)

    def _assert(self, node: Assert) -> str:
        if node.kind == "^":
            return r"(?<![^\n\r\u2028\u2029])" if self.multiline else r"\A"
        if node.kind == "$":
            return r"(?![^\n\r\u2028\u2029])" if self.multiline else r"\Z"
        boundary = f"(?<={_WORD})(?!{_WORD})|(?<!{_WORD})(?={_WORD})"
        inside = f"(?<={_WORD})(?={_WORD})|(?<!{_WORD})(?!{_WORD})"
        return f"(?:{boundary if node.kind == 'b' else inside})"

    def _look(self, node: Look) -> str:
        return f"(?{node.kind}{self.write(node.body)})"

    def _group(self, node: Group) -> str:
        return f"({self.write(node.body)})" if node.index else f"(?:{self.write(node.body)})"

    def _backref(self, node: Backref) -> str:
        if not node.defined_before:
            return ""  # a group that has not closed yet matches the empty string in JavaScript
        # A group that did not take part in the match matches the empty string in JavaScript; Python would fail.
        return f"(?({node.index})(?:\\{node.index})|)"

    def _repeat(self, node: Repeat) -> str:
        body = f"(?:{self.write(node.body)})"
        if (node.low, node.high) == (0, None):
            q = "*"
        elif (node.low, node.high) == (1, None):
            q = "+"
        elif (node.low, node.high) == (0, 1):
            q = "?"
        elif node.high is None:
            q = f"{{{node.low},}}"
        else:
            q = f"{{{node.low},{node.high}}}"
        return body + q + ("?" if node.lazy else "")




@functools.lru_cache(maxsize=1)
def _all() -> frozenset:
    """Every UTF-16 code unit (built on first use, not at import: see jsregex_ast.CLASS_ESCAPES)."""
    return frozenset(range(0x10000))


@functools.lru_cache(maxsize=1)
def _not_line_terminator() -> frozenset:
    return _all() - _LINE_TERMINATORS


@dataclass(frozen=True)
class JsMatch:
    """One match, in code units: ``start``/``end`` index the units string; ``groups`` are the captures (None for
    a group that did not take part), as strings."""

    match: str
    start: int
    end: int
    groups: list


class JsRegExp:
    """A compiled JavaScript regular expression (a JSONata regex literal). ``exec`` is ``RegExp.prototype.exec``
    with the ``g`` flag: it searches the units string from ``last_index``.

    It also has the methods jsonata-python uses to recognise a regex (``search``, ``finditer``, ``sub``,
    ``split``); the functions that use regexes are replaced (regexfns.py), so those only need to exist."""

    __slots__ = ("source", "flags", "group_count", "_compiled")

    def __init__(self, source: str, flags: str):
        self.source = source
        self.flags = flags
        from .jsregex_ast import parse  # on the first regex literal, not when the engine loads

        tree, self.group_count = parse(to_units(source), "i" in flags)
        self._compiled = re.compile(_Writer("i" in flags, "m" in flags).write(tree), re.DOTALL)

    def exec(self, units: str, last_index: int) -> JsMatch | None:
        if last_index > len(units):
            return None
        m = self._compiled.search(units, last_index)
        if m is None:
            return None
        groups = [None if g is None else from_units(g) for g in m.groups()]
        return JsMatch(from_units(m.group(0)), m.start(), m.end(), groups)

    # jsonata-python's is_regex looks for these four; nothing calls them once regexfns.py is installed.
    def search(self, string):
        return self._compiled.search(to_units(string))

    def finditer(self, string):
        return self._compiled.finditer(to_units(string))

    def sub(self, repl, string, count=0):
        raise NotImplementedError("JsRegExp.sub: the JSONata functions over regexes are regexfns.py's")

    def split(self, string, maxsplit=0):
        raise NotImplementedError("JsRegExp.split: the JSONata functions over regexes are regexfns.py's")

    def __repr__(self) -> str:
        return f"/{self.source}/{self.flags}"


def regex_error_message(exc: Exception) -> str:
    """The message for a pattern ``new RegExp`` refuses (V8's words; JSONata passes it on without a code), or for
    one this module refuses (what it has, and what to do)."""
    pattern, flags = getattr(exc, "pattern", ("", ""))
    if isinstance(exc, JsRegexSyntaxError):
        return f"Invalid regular expression: /{pattern}/{flags}: {exc.args[0]}"
    return (f"The regular expression /{pattern}/ has {exc.args[0]}: pyawssfn's executor cannot evaluate it as "
            "JavaScript does; rewrite the pattern without it")


def compile_js(pattern: str, flags) -> JsRegExp:
    """jsonata-python's regex_engine hook: ``flags`` is its RegexFlags (case_insensitive, multiline)."""
    text = ("i" if flags.case_insensitive else "") + ("m" if flags.multiline else "")
    return _compile_cached(pattern, text)


@functools.lru_cache(maxsize=1024)
def _compile_cached(pattern: str, flags: str) -> JsRegExp:
    try:
        return JsRegExp(pattern, flags)
    except (JsRegexSyntaxError, RegexRefused) as exc:
        # V8 quotes the pattern with its flags in canonical order, "g" (JSONata adds it) first.
        exc.pattern = (pattern, "g" + flags)
        raise
