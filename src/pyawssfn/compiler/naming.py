"""Names: ASL variable names for Python names and temporaries, and readable, unique state names."""
from __future__ import annotations

import re
import unicodedata

MAX_STATE_NAME = 80
_VAR_OK = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# `$states` is Step Functions' reserved variable; `$__N` names belong to the expression translator's blocks. JSONata
# variables and functions share one namespace, so a variable named `count` would hide `$count()` from every
# expression that uses it: such names are renamed.
_JSONATA_FUNCTIONS = {
    "sum", "count", "max", "min", "average", "string", "substring", "substringBefore", "substringAfter", "lowercase",
    "uppercase", "length", "trim", "pad", "contains", "split", "join", "match", "replace", "now", "millis",
    "formatNumber", "formatBase", "formatInteger", "parseInteger", "number", "abs", "floor", "ceil", "round",
    "power", "sqrt", "random", "boolean", "not", "exists", "keys", "lookup", "spread", "merge", "sift", "each",
    "error", "assert", "type", "append", "sort", "reverse", "shuffle", "distinct", "zip", "map", "filter", "single",
    "reduce", "toMillis", "fromMillis", "clone", "eval", "base64encode", "base64decode", "encodeUrlComponent",
    "encodeUrl", "decodeUrlComponent", "decodeUrl",
    # Step Functions' own JSONata functions
    "partition", "range", "hash", "parse", "uuid",
}
_RESERVED = {"states"} | _JSONATA_FUNCTIONS


class VariableNames:
    """Allocates ASL variable names that never collide, shared by a workflow and all its branches."""

    def __init__(self, taken: set[str]):
        self.used: set[str] = set(taken)
        # per base name, the first counter that may be free: `used` only grows, so a search never needs to start
        # lower (restarting at 1 made allocating n names of one base quadratic)
        self._next: dict[str, int] = {}

    def for_python(self, name: str) -> str:
        """The variable for a Python name of the top-level workflow: the same name whenever ASL allows it."""
        if _VAR_OK.match(name) and name not in _RESERVED and not name.startswith(("__", "pyawssfn_")):
            self.used.add(name)
            return name
        return self.fresh(name)

    def fresh(self, hint: str) -> str:
        base = _BASES.get(hint)
        if base is None:
            base = _base(hint)
            if len(_BASES) >= 10_000:
                _BASES.clear()
            _BASES[hint] = base
        return self.first_free(base)

    def first_free(self, base: str) -> str:
        """``base_1``, ``base_2``, ...: the first one not used yet, now taken (``base`` as given)."""
        i = self._next.get(base, 1)
        while f"{base}_{i}" in self.used:
            i += 1
        self._next[base] = i + 1
        cand = f"{base}_{i}"
        self.used.add(cand)
        return cand


def _base(hint: str) -> str:
    """The base of the fresh names for `hint` (a pure function of it: _BASES keeps its answers)."""
    base = re.sub(r"[^A-Za-z0-9_]", "_", hint).strip("_") or "v"
    if base[0].isdigit():
        base = "v_" + base
    if base in _RESERVED or base.startswith("pyawssfn_"):
        base = base + "_"
    return base


_BASES: dict[str, str] = {}


def describe_source(text: str, limit: int = MAX_STATE_NAME) -> str:
    """A state name from a piece of source: one line, single spaces, at most ``limit`` characters."""
    s = " ".join(text.split())
    return _cut(s, limit) if len(s) > limit else s


def _cut(s: str, limit: int) -> str:
    """`s` cut to ``limit`` characters with "...": after its last whole word when that keeps half of it, not in
    the middle of a name or literal (``if a == "x" or ...``); every transition repeats the name."""
    head = s[: limit - 3].rstrip()
    space = head.rfind(" ", 0, limit - 4)
    if space >= limit // 2:
        return head[:space].rstrip() + " ..."
    return head + "..."


def unique_state_names(items: list[tuple[object, str, int]]) -> dict[object, str]:
    """Names for (key, base name, line) items in a deterministic order: a base name used once stays as is; shared
    ones get `` @N`` (line N: every transition into a state repeats its name, so the suffix is short), and copies
    from the same line (finally bodies) a further counter, `` @N.2``."""
    items = [(key, _legal(base if len(base) <= MAX_STATE_NAME else describe_source(base)), line)
             for key, base, line in items]
    by_base: dict[str, list[tuple[object, int]]] = {}
    for key, base, line in items:
        by_base.setdefault(base, []).append((key, line))
    out: dict[object, str] = {}
    taken: set[str] = set()
    for key, base, line in items:
        if len(by_base[base]) == 1 and base not in taken:
            out[key] = base
            taken.add(base)
    # the copy number each (base, line) tries next: the names of the lower ones are taken already (`taken` only
    # grows), so a line whose statements were copied k times (a finally body in nested ones) costs k tries, not k^2
    tried: dict[tuple[str, int], int] = {}
    for key, base, line in items:
        if key in out:
            continue
        n = tried.get((base, line), 1)
        while True:
            suffix = line_suffix(line, n)
            name = _fit(base, suffix)
            if name not in taken:
                break
            n += 1
        tried[(base, line)] = n + 1
        out[key] = name
        taken.add(name)
    return out


def _legal(name: str) -> str:
    """`name` with "?" for each character a state name cannot hold (a control character, a surrogate, an unassigned
    code point, U+FFFE/U+FFFF: asl/checks.state_name_problem), which a string literal of the source may carry raw
    (`"\x07"` written as the byte itself). isprintable() is False for all of them, so most names are not walked."""
    if "${" in name:  # F74: a placeholder the deployment substitutes would rename the state
        name = name.replace("${FunctionArn}", "$?{FunctionArn}").replace("${StateMachineArn_", "$?{StateMachineArn_")
    if name.isprintable():
        return name
    return "".join("?" if unicodedata.category(ch) in ("Cc", "Cs", "Cn") else ch for ch in name)


def line_suffix(line: int, copy: int = 1) -> str:
    """What a state name shared by several states gets: `` @12``, the line, and `` @12.2`` for a further copy."""
    return f" @{line}" if copy == 1 else f" @{line}.{copy}"


def strip_line_suffix(name: str) -> str:
    """`name` without the `` @N`` or `` @N.k`` unique_state_names gave it."""
    at = name.rfind(" @")
    tail = name[at + 2:].replace(".", "", 1) if at >= 0 else ""
    return name[:at] if tail.isdigit() and tail.isascii() else name


def _fit(base: str, suffix: str) -> str:
    room = MAX_STATE_NAME - len(suffix)
    if len(base) > room:
        base = _cut(base, room)
    return base + suffix
