"""State-graph simplification: a Choice that leads straight to another Choice takes over its rules, so that a loop
iteration or an if/elif chain enters one Choice state instead of several (Standard workflows bill per transition).

A rule `c -> B` where B is a Choice with rules `r1 -> X`, `r2 -> Y` and default D becomes `c and r1 -> X`,
`c and r2 -> Y`, `c -> D`; a default leading to B takes B's rules and default. This keeps the meaning: a Choice
passes its input through unchanged and B's conditions read the same variables (the merged transition has no
Assign), JSONata's `and` evaluates `r1` only when `c` is true as the two states did, and only conditions that are
always true or false are joined (a non-boolean condition fails a Choice, `and` would coerce it). B stays where
something else still leads to it (a loop's back edge).
"""
from __future__ import annotations

from pyawssfn.compiler.ir import Node, Rule, by_identity
from pyawssfn.compiler.simplify import boolean, simplify
from pyawssfn.jsonata.tree import Binary, Expr

MAX_RULES = 12   # a Choice that would grow beyond this keeps its successor (readability, definition size)


def merge_choices(nodes: list[Node], skip) -> None:
    for n in nodes:
        if n.type == "Choice" and not n.assign:
            _merge_into(n, skip)


def _mergeable(a: Node, b: Node | None) -> bool:
    return (b is not None and b is not a and b.type == "Choice" and not b.assign and b.default is not None
            and all(_boolean(r.condition) for r in b.rules))


@by_identity
def _boolean(code: Expr) -> bool:
    return boolean(simplify(code))


def _and(c: Expr, r: Expr) -> Expr:
    """`c and r`, simplified."""
    return simplify(Binary("and", c, r))


def _lines(b: Node, rb: Rule, r: Rule | None = None) -> dict[str, int]:
    """A rule of `b` taken over (after `r`): its condition is `b`'s statement's code too (source_lines.py)."""
    return {**(r.lines if r is not None else {}), **rb.lines, "Condition": b.line}


def _merge_into(a: Node, skip) -> None:
    for _ in range(MAX_RULES):  # each round inlines one level; bounded so that Choice-only cycles stop
        changed = False
        rules: list[Rule] = []
        for r in a.rules:
            b = skip(r.next)
            if not r.assign and _mergeable(a, b) and _boolean(r.condition) and \
                    len(a.rules) + len(b.rules) <= MAX_RULES:
                rules += [Rule(_and(r.condition, rb.condition), rb.next, dict(rb.assign), _lines(b, rb, r))
                          for rb in b.rules]
                rules.append(Rule(r.condition, b.default, {}, dict(r.lines)))
                changed = True
            else:
                rules.append(r)
        a.rules = rules
        d = skip(a.default)
        if _mergeable(a, d) and len(a.rules) + len(d.rules) <= MAX_RULES:
            a.rules = a.rules + [Rule(rb.condition, rb.next, dict(rb.assign), _lines(d, rb)) for rb in d.rules]
            a.default = d.default
            changed = True
        if not changed:
            return
