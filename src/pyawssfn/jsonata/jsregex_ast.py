"""The parser of jsregex.py: a JavaScript regular expression (ECMAScript 2023 grammar without the ``u`` flag, with
the Annex B rules V8 applies) as a small tree, plus the checks for what Python's ``re`` cannot mean the same way.

The pattern is read as UTF-16 code units (jsregex.to_units). Syntax errors carry V8's own reason text ("Nothing to
repeat", "Unterminated group", ...), as ``new RegExp`` words them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


from .jsregex_errors import JsRegexSyntaxError, RegexRefused  # noqa: F401  (raised here, imported from here)


@dataclass
class Alt:
    branches: list


@dataclass
class Seq:
    terms: list


@dataclass
class Char:
    unit: int


@dataclass
class Class:
    units: frozenset
    negated: bool = False


@dataclass
class Any_:
    pass


@dataclass
class Assert:
    kind: str  # ^ $ b B


@dataclass
class Look:
    kind: str  # = ! <= <!
    body: "Node"


@dataclass
class Group:
    index: int | None  # None: non-capturing
    body: "Node"


@dataclass
class Backref:
    index: int
    defined_before: bool


@dataclass
class Repeat:
    body: "Node"
    low: int
    high: int | None
    lazy: bool


Node = Union[Alt, Seq, Char, Class, Any_, Assert, Look, Group, Backref, Repeat]

_DIGITS = frozenset(range(0x30, 0x3A))
_WORD = frozenset(range(0x30, 0x3A)) | frozenset(range(0x41, 0x5B)) | frozenset(range(0x61, 0x7B)) | {0x5F}
# ECMAScript WhiteSpace and LineTerminator: what \s matches.
_SPACE = frozenset([0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029,
                    0x202F, 0x205F, 0x3000, 0xFEFF])


_ESCAPE_LETTERS = frozenset("dDwWsS")


class _ClassEscapes:
    """\\d \\D \\w \\W \\s \\S -> their sets of UTF-16 code units. The complements (65,536-unit sets) are built on first
    use: building them at import cost ~20 ms of every command that merely loads the JSONata engine."""

    _BASE = {"d": _DIGITS, "w": _WORD, "s": _SPACE}

    def __init__(self):
        self._sets: dict[str, frozenset] = dict(self._BASE)

    def __contains__(self, c) -> bool:
        return c in _ESCAPE_LETTERS

    def __getitem__(self, c: str) -> frozenset:
        found = self._sets.get(c)
        if found is None:
            if c not in self:
                raise KeyError(c)
            found = self._sets[c] = frozenset(range(0x10000)) - self._BASE[c.lower()]  # D W S
        return found


CLASS_ESCAPES = _ClassEscapes()
_CONTROL = {"f": 0x0C, "n": 0x0A, "r": 0x0D, "t": 0x09, "v": 0x0B}
_SYNTAX = frozenset("^$\\.*+?()[]{}|")
_HEX = frozenset("0123456789abcdefABCDEF")


def _capturing_groups(p: str) -> list[str | None]:
    """Each capturing group of the pattern in order: its name, or None for an unnamed one."""
    groups: list[str | None] = []
    i, in_class = 0, False
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            if p.startswith("(?<", i) and p[i + 3:i + 4] not in ("=", "!"):
                end = p.find(">", i)
                groups.append(p[i + 3:end] if end > 0 else "")
            elif not p.startswith("(?", i):
                groups.append(None)
        i += 1
    return groups


def _prescan(p: str) -> tuple[int, list[str]]:
    """The number of capturing groups and their names (needed before parsing: ``\\N`` is a backreference only when
    the pattern has N groups, and ``\\k`` is special only when it names some)."""
    groups = _capturing_groups(p)
    return len(groups), [g for g in groups if g is not None]


@dataclass
class _Parser:
    p: str
    ignore_case: bool
    i: int = 0
    group_count: int = 0
    names: list = field(default_factory=list)
    next_group: int = 1
    closed: set = field(default_factory=set)
    group_names: dict = field(default_factory=dict)

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.p[j] if j < len(self.p) else ""

    def fail(self, reason: str):
        raise JsRegexSyntaxError(reason)

    def disjunction(self) -> Node:
        branches = [self.alternative()]
        while self.peek() == "|":
            self.i += 1
            branches.append(self.alternative())
        return branches[0] if len(branches) == 1 else Alt(branches)

    def alternative(self) -> Node:
        terms = []
        while self.peek() not in ("", "|", ")"):
            terms.append(self.term())
        return Seq(terms)

    def term(self) -> Node:
        c = self.peek()
        if c in ("^", "$"):
            self.i += 1
            return self._no_quantifier(Assert(c))
        if c == "\\" and self.peek(1) in ("b", "B"):
            self.i += 2
            return self._no_quantifier(Assert(self.p[self.i - 1]))
        if c == "(" and self.p.startswith(("(?<=", "(?<!"), self.i):
            kind = self.p[self.i + 2:self.i + 4]
            self.i += 4
            body = self._closing(self.disjunction())
            if self._quantifier() is not None:
                self.fail("Invalid quantifier")
            return Look(kind, body)
        atom = self.atom()
        q = self._quantifier()
        if q is None:
            return atom
        low, high, lazy = q
        return Repeat(atom, low, high, lazy)

    def _no_quantifier(self, node: Node) -> Node:
        if self._quantifier_ahead():
            self.fail("Nothing to repeat")
        return node

    def _closing(self, node: Node) -> Node:
        if self.peek() != ")":
            self.fail("Unterminated group")
        self.i += 1
        return node

    def _braced(self) -> tuple[int, int | None, int] | None:
        """``{n}``, ``{n,}`` or ``{n,m}`` at the cursor: (low, high, length), or None (then ``{`` is a character)."""
        j, p = self.i + 1, self.p
        start = j
        while j < len(p) and p[j].isdigit() and p[j].isascii():
            j += 1
        if j == start:
            return None
        low = int(p[start:j])
        high: int | None = low
        if j < len(p) and p[j] == ",":
            j += 1
            s2 = j
            while j < len(p) and p[j].isdigit() and p[j].isascii():
                j += 1
            high = int(p[s2:j]) if j > s2 else None
        if j >= len(p) or p[j] != "}":
            return None
        return low, high, j + 1 - self.i

    def _quantifier_ahead(self) -> bool:
        c = self.peek()
        return c in ("*", "+", "?") or (c == "{" and self._braced() is not None)

    def _quantifier(self) -> tuple[int, int | None, bool] | None:
        c = self.peek()
        if c in ("*", "+", "?"):
            self.i += 1
            low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[c]
        elif c == "{" and (braced := self._braced()) is not None:
            low, high, length = braced
            self.i += length
            if high is not None and high < low:
                self.fail("numbers out of order in {} quantifier")
        else:
            return None
        lazy = self.peek() == "?"
        if lazy:
            self.i += 1
        if self._quantifier_ahead():
            self.fail("Nothing to repeat")
        return low, high, lazy

    def atom(self) -> Node:
        c = self.peek()
        if c in ("*", "+", "?") or (c == "{" and self._braced() is not None):
            self.fail("Nothing to repeat")
        if c == ".":
            self.i += 1
            return Any_()
        if c == "[":
            return self.char_class()
        if c == "(":
            return self.group()
        if c == "\\":
            return self.atom_escape()
        self.i += 1
        return Char(ord(c))

    def group(self) -> Node:
        p = self.p
        if p.startswith("(?:", self.i):
            self.i += 3
            return Group(None, self._closing(self.disjunction()))
        if p.startswith(("(?=", "(?!"), self.i):
            kind = p[self.i + 2]
            self.i += 3
            return Look(kind, self._closing(self.disjunction()))
        name = None
        if p.startswith("(?<", self.i):
            end = p.find(">", self.i)
            name = p[self.i + 3:end] if end > 0 else ""
            if not _valid_name(name):
                self.fail("Invalid capture group name")
            if name in self.group_names:
                self.fail("Duplicate capture group name")
            self.i = end + 1
        elif p.startswith("(?", self.i):
            self.fail("Invalid group")
        else:
            self.i += 1
        index = self.next_group
        self.next_group += 1
        if name is not None:
            self.group_names[name] = index
        body = self._closing(self.disjunction())
        self.closed.add(index)
        return Group(index, body)

    def atom_escape(self) -> Node:
        self.i += 1  # the backslash
        c = self.peek()
        if c == "":
            self.fail("\\ at end of pattern")
        if c.isdigit() and c.isascii() and c != "0":
            j = self.i
            while j < len(self.p) and self.p[j].isdigit() and self.p[j].isascii():
                j += 1
            number = int(self.p[self.i:j])
            if number <= self.group_count:
                self.i = j
                return Backref(number, number in self.closed)
        if c == "k" and self.names:
            return self._named_backref()
        if c in CLASS_ESCAPES:
            self.i += 1
            return Class(CLASS_ESCAPES[c])
        return Char(self.character_escape(in_class=False))

    def _named_backref(self) -> Node:
        end = self.p.find(">", self.i)
        if self.peek(1) != "<" or end < 0 or not _valid_name(self.p[self.i + 2:end]):
            self.fail("Invalid named reference")
        name = self.p[self.i + 2:end]
        if name not in self.names:
            self.fail("Invalid named capture referenced")
        self.i = end + 1
        # A named group's number is its position among all capturing groups (it may come later in the pattern).
        index = _named_index(self.p, name)
        return Backref(index, index in self.closed)

    def character_escape(self, in_class: bool) -> int:
        """The code unit of the escape after a backslash (the cursor is after the backslash)."""
        c = self.peek()
        self.i += 1
        if c in _CONTROL:
            return _CONTROL[c]
        if c == "c":
            letter = self.peek()
            if letter.isascii() and (letter.isalpha() or (in_class and (letter.isdigit() or letter == "_"))):
                self.i += 1
                return ord(letter) % 32
            self.i -= 1  # Annex B: a backslash before a "c" that starts no control escape is itself
            return 0x5C
        if c == "x" and all(ch in _HEX for ch in self.p[self.i:self.i + 2]) and len(self.p) >= self.i + 2:
            self.i += 2
            return int(self.p[self.i - 2:self.i], 16)
        if c == "u" and all(ch in _HEX for ch in self.p[self.i:self.i + 4]) and len(self.p) >= self.i + 4:
            self.i += 4
            return int(self.p[self.i - 4:self.i], 16)
        if c in "01234567":
            return self._legacy_octal(c)
        if c == "b" and in_class:
            return 0x08
        return ord(c)  # an identity escape (Annex B: any character, "8" and "9" included)

    def _legacy_octal(self, first: str) -> int:
        digits = first
        limit = 3 if first in "0123" else 2
        while len(digits) < limit and self.peek() in tuple("01234567") and self.peek():
            digits += self.peek()
            self.i += 1
        return int(digits, 8)

    def char_class(self) -> Node:
        self.i += 1
        negated = self.peek() == "^"
        if negated:
            self.i += 1
        units: set[int] = set()
        while True:
            c = self.peek()
            if c == "":
                self.fail("Unterminated character class")
            if c == "]":
                self.i += 1
                return Class(frozenset(units), negated)
            first = self.class_atom()
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.i += 1
                second = self.class_atom()
                if isinstance(first, int) and isinstance(second, int):
                    if first > second:
                        self.fail("Range out of order in character class")
                    units.update(range(first, second + 1))
                    continue
                units.add(0x2D)  # Annex B: a class escape on either side makes the "-" a character
                for side in (first, second):
                    units.update(side if isinstance(side, frozenset) else (side,))
                continue
            units.update(first if isinstance(first, frozenset) else (first,))

    def class_atom(self) -> int | frozenset:
        c = self.peek()
        if c != "\\":
            self.i += 1
            return ord(c)
        self.i += 1
        e = self.peek()
        if e == "":
            self.fail("\\ at end of pattern")
        if e in CLASS_ESCAPES:
            self.i += 1
            return CLASS_ESCAPES[e]
        return self.character_escape(in_class=True)


def _valid_name(name: str) -> bool:
    return bool(name) and (name[0].isalpha() or name[0] in "_$") and all(ch.isalnum() or ch in "_$" for ch in name)


def _named_index(p: str, name: str) -> int:
    """The group number of ``(?<name>`` in ``p``, counting every capturing group before it."""
    for number, group in enumerate(_capturing_groups(p), 1):
        if group == name:
            return number
    raise JsRegexSyntaxError("Invalid named capture referenced")


def parse(units: str, ignore_case: bool) -> tuple[Node, int]:
    """The tree of the pattern (a units string) and its number of capturing groups. Raises JsRegexSyntaxError for
    what ``new RegExp`` refuses and RegexRefused for what Python's ``re`` cannot mean the same way."""
    count, names = _prescan(units)
    parser = _Parser(units, ignore_case, group_count=count, names=names)
    tree = parser.disjunction()
    if parser.peek() == ")":
        raise JsRegexSyntaxError("Unmatched ')'")
    _check(tree, ignore_case)
    return tree, count


def _children(node: Node) -> list:
    if isinstance(node, Alt):
        return node.branches
    if isinstance(node, Seq):
        return node.terms
    if isinstance(node, (Look, Group, Repeat)):
        return [node.body]
    return []


def _walk(node: Node):
    yield node
    for child in _children(node):
        yield from _walk(child)


def _width(node: Node) -> int | None:
    """The fixed number of code units the node matches, or None when it varies."""
    if isinstance(node, (Char, Class, Any_)):
        return 1
    if isinstance(node, (Assert, Look)):
        return 0
    if isinstance(node, Group):
        return _width(node.body)
    if isinstance(node, Seq):
        widths = [_width(t) for t in node.terms]
        return None if None in widths else sum(widths)
    if isinstance(node, Alt):
        widths = {_width(b) for b in node.branches}
        return widths.pop() if len(widths) == 1 else None
    if isinstance(node, Repeat):
        inner = _width(node.body)
        return inner * node.low if inner is not None and node.high == node.low else (0 if inner == 0 else None)
    return None  # a backreference


def _optional_captures(node: Node, optional: bool) -> list[tuple[int, bool]]:
    """(group index, may be skipped) for each capturing group under ``node``."""
    out = []
    if isinstance(node, Group) and node.index:
        out.append((node.index, optional))
    if isinstance(node, Look) and node.kind in ("!", "<!"):
        return out
    inner = optional or (isinstance(node, Alt) and len(node.branches) > 1) or (isinstance(node, Repeat) and node.low == 0)
    for child in _children(node):
        out.extend(_optional_captures(child, inner))
    return out


def _check(tree: Node, ignore_case: bool) -> None:
    for node in _walk(tree):
        if isinstance(node, Look) and node.kind in ("<=", "<!") and _width(node.body) is None:
            raise RegexRefused("a lookbehind whose width varies (Python's re needs a fixed width)")
        if isinstance(node, Backref) and ignore_case:
            raise RegexRefused("a backreference in a case-insensitive regular expression (Python's re folds case "
                               "differently from JavaScript there)")
        if isinstance(node, Repeat) and node.high != 1 and node.high != 0:
            captures = _optional_captures(node.body, False)
            if any(optional for _, optional in captures):
                raise RegexRefused("a capture group that an iteration of a repeated group may skip (JavaScript resets "
                                   "it at each iteration, Python's re keeps the last value)")
            inside = {index for index, _ in captures}
            if any(isinstance(n, Backref) and n.index in inside for n in _walk(node.body)):
                raise RegexRefused("a backreference inside the repetition of the group it refers to")
