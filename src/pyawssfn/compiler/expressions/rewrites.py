"""What to write instead, for the builtins, methods and operators a workflow expression does not translate.

A refusal names the one rewrite that compiles where there is one (`map(f, xs)` is `[f(x) for x in xs]`), and sends
the author to a step only where no expression does the job. Every rewrite named here compiles (tests/differential/
test_breadth.py::test_suggested_rewrites_compile).
"""
from __future__ import annotations

BUILTINS = {
    "map": "write a comprehension: [f(x) for x in xs]",
    "filter": "write a comprehension: [x for x in xs if f(x)]",
    "divmod": "write (a // b, a % b)",
    "pow": "write a ** b (pow(a, b, m) in a step)",
    "print": "a workflow has no output stream: return the value, or pass it to a step that logs it",
    "type": "test the type with isinstance(x, int) (or list, dict, str, float, bool, tuple, type(None))",
    "repr": 'write str(x) (a list or dict prints its items\' repr) or f"{x}"',
    "iter": "iterate with a for loop or a comprehension",
    "next": "take the first item with xs[0], or loop with for ... break",
    "hasattr": "values in a workflow are JSON: test a dict key with \"k\" in d",
    "getattr": "values in a workflow are JSON: read a dict key with d[\"k\"] or d.get(\"k\")",
    "chr": "build the text in a step (chr/ord have no JSONata counterpart)",
    "ord": "build the text in a step (chr/ord have no JSONata counterpart)",
}

METHODS = {
    "sort": "write xs = sorted(xs) (or sorted(xs, key=..., reverse=True))",
    "reverse": "write xs = xs[::-1]",
    "copy": "write list(xs) or dict(d)",
    "update": "write d = {**d, **other}",
    "setdefault": "write d.get(k, default), and d[k] = ... as its own statement",
    "rjust": 'write f"{s:>10}"',
    "ljust": 'write f"{s:<10}"',
    "center": 'write f"{s:^10}"',
    "zfill": 'write f"{n:05}" for a number, or f"{s:0>5}" for a str',
    "removeprefix": "write s[len(p):] if s.startswith(p) else s",
    "removesuffix": "write s[:len(s) - len(p)] if p and s.endswith(p) else s",
    "title": "change the case in a step (Python's title() rules have no JSONata counterpart)",
    "capitalize": "write s[:1].upper() + s[1:].lower()",
    "casefold": "write s.lower() where the text is ASCII, or fold the case in a step",
    "isdigit": "write s != \"\" and all(c in \"0123456789\" for c in s) for ASCII digits",
    "insert": "write xs = xs[:i] + [v] + xs[i:]",
    "remove": "write xs = [x for x in xs if x != v] (that removes every match: for the first only, use index())",
    "clear": "write xs = [] (or d = {})",
}

OPERATORS = {
    "|": "for dicts write {**a, **b}; bitwise arithmetic belongs in a step",
    "<<": "write a * 2 ** n",
    ">>": "write a // 2 ** n",
    "&": "bitwise arithmetic belongs in a step; for a test of one bit of an int write a // 2 ** n % 2",
    "^": "bitwise arithmetic belongs in a step",
    "@": "matrix products belong in a step",
}

NODES = {
    "Lambda": "a lambda can only be the key= of sorted(), min() or max(); elsewhere define a step",
    "NamedExpr": "assign the value on a line of its own first (x = ...), then use x",
    "Starred": "unpack inside a display: [*xs, *ys]",
    "Await": "a workflow is synchronous: call the step",
    "Yield": "return a list instead",
    "YieldFrom": "return a list instead",
    "Attribute": "values in a workflow are JSON: read a dict key with d[\"k\"]",
}


def builtin(name: str) -> str:
    return BUILTINS.get(name, "move this computation into a step function, and call the step from the workflow")


def node(kind: str) -> str:
    return NODES.get(kind, "move this computation into a step function")


def method(name: str) -> str:
    return METHODS.get(name, "see docs/expressions.md for the supported methods, or move this into a step function")
