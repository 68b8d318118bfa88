"""Facts that flow forward along a graph's transitions (caught_handover's variables assigned on every way in,
literal_vars' variables holding one literal on every way in), found once for all the states of the emitted ASL.

Each transition applies the Assign it carries (a state's, a Choice rule's, a catcher's) to the fact of the state it
leaves; a state's fact is the meet of what every way into it brings, the start's the entry fact. Facts only ever
shrink from "not reached" (None), and the transfer and the meet are monotone, so the fixed point is the same
whatever the order of the visits (Kildall): a worklist taken in reverse postorder visits a state after the states
before it, so that a long workflow is one pass plus one more round per loop rather than repeated whole sweeps."""
from __future__ import annotations

from heapq import heappop, heappush
from typing import Callable, TypeVar

F = TypeVar("F")
Edge = tuple[str, "dict | None"]  # (the state it leads to, the Assign it applies on the way)


def forward_facts(states: dict, start: str | None, edges: Callable[[dict], list[Edge]], entry: F,
                  transfer: Callable[[F, "dict | None"], F], meet: Callable[[F, F], F]) -> dict[str, F | None]:
    """Per state of `states`, its fact (None: not reached from `start`). `edges(state)` lists its transitions,
    `transfer(fact, assign)` is what a transition hands on, `meet(old, new)` what two ways in have in common; the
    facts are never changed in place (a transition that writes nothing tracked may hand on its state's own)."""
    facts: dict[str, F | None] = dict.fromkeys(states)
    if start not in facts:
        return facts
    out = {name: [(t, a) for t, a in edges(st) if t in facts and t != start] for name, st in states.items()}
    order = _reverse_postorder(out, start)
    rank = {name: i for i, name in enumerate(order)}
    facts[start] = entry
    heap = [0]
    queued = {0}
    while heap:
        i = heappop(heap)
        queued.discard(i)
        have = facts[order[i]]
        for target, assign in out[order[i]]:
            got = transfer(have, assign)  # type: ignore[arg-type]
            old = facts[target]
            new = got if old is None else meet(old, got)
            if old is None or new != old:
                facts[target] = new
                j = rank[target]
                if j not in queued:
                    queued.add(j)
                    heappush(heap, j)
    return facts


def _reverse_postorder(out: dict[str, list[Edge]], start: str) -> list[str]:
    """The states reached from `start`, each after the states that lead to it (but along a loop's back edge)."""
    post: list[str] = []
    seen = {start}
    stack = [(start, iter(out[start]))]
    while stack:
        name, it = stack[-1]
        for target, _ in it:
            if target not in seen:
                seen.add(target)
                stack.append((target, iter(out[target])))
                break
        else:
            stack.pop()
            post.append(name)
    post.reverse()
    return post
