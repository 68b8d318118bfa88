"""Dead-assignment removal by liveness on the state graph: an Assign entry whose variable every path from its
transition writes again before reading it (or never reads) is dropped, unless its expression can fail (Python
evaluated it, so its error must still happen) and nothing else in the state evaluates it.

The model is the States Language's: a state's fields all read the variables as they were when it was entered; its
own Assign applies on its Next (a Choice's only on its Default), a rule's on that rule, a catcher's on that catch;
a Parallel branch or a Map iteration reads the variables around it and assigns only its own, which end with it.
"""
from __future__ import annotations

from heapq import heapify, heappop, heappush
from typing import Any

from pyawssfn.compiler.ir import (
    Catcher, Catching, Choice, Graph, Map, Node, Parallel, Task, can_fail, context_refs, evaluates, field_templates,
    leaves,
)
from pyawssfn.compiler.state_simplify import CATCHES_EVALUATION
from pyawssfn.jsonata.tree import Binary, Bind, Block, Bool, Call, Cond, Dot, Expr, Name, Null, Num, Object, Str, Var


class _Reads:
    """The variables each state reads, as masks of `bits` (a variable's bit, given to each variable met), found
    once per tree (by identity: each kept alive with its mask). Dead entries are only ever removed, and only from
    Assigns: a state's field Templates read the same in every round, and only a touched state's expressions are
    looked at again."""

    def __init__(self) -> None:
        self.bits: dict[str, int] = {}
        self.trees: dict[int, tuple[Expr, int]] = {}
        self.fields: dict[int, int] = {}   # id of a state -> the mask of its field Templates
        self.own: dict[int, int] = {}      # id of a state -> the mask of all it reads itself

    def tree(self, t: Expr) -> int:
        hit = self.trees.get(id(t))
        if hit is not None and hit[0] is t:
            return hit[1]
        bits = self.bits
        if not t._kids:  # a variable, a literal (many values are one)
            m = 0
            if type(t) is Var:
                m = bits.get(t.name, 0) or self.bit(t.name)  # type: ignore[attr-defined]
            self.trees[id(t)] = (t, m)
            return m
        # a sub-tree met before as a whole expression (a value substituted into a later state's expression) gives
        # its mask without a walk
        trees = self.trees
        m = 0
        todo = [t]
        pop, push = todo.pop, todo.append
        while todo:  # (ir.variables' walk: most trees are met once, in one state)
            n = pop()
            tn = type(n)
            if tn is Var:
                m |= bits.get(n.name, 0) or self.bit(n.name)  # type: ignore[attr-defined]
                continue
            if not n._kids:
                continue
            hit = trees.get(id(n))
            if hit is not None and hit[0] is n:
                m |= hit[1]
            elif tn is Binary or tn is Dot:  # (the commonest kinds, without a call of _child_list, in its order)
                push(n.lhs)  # type: ignore[attr-defined]
                push(n.rhs)  # type: ignore[attr-defined]
            elif tn is Call:
                push(n.func)  # type: ignore[attr-defined]
                todo += n.args  # type: ignore[attr-defined]
            else:
                todo += n._child_list()
        trees[id(t)] = (t, m)
        return m

    def bit(self, name: str) -> int:
        """A new variable's bit."""
        b = self.bits[name] = 1 << len(self.bits)
        return b

    def of(self, n: Node) -> int:
        """What the state reads itself (its nested graphs aside)."""
        got = self.own.get(id(n))
        if got is None:
            got = self.own[id(n)] = self.fields_of(n) | self.expressions_of(n)
        return got

    def fields_of(self, n: Node) -> int:
        got = self.fields.get(id(n))
        if got is None:
            got = 0
            values = n.templates()
            if values:  # (a Choice, a Pass: none)
                trees: list[Expr] = []
                field_templates(values, trees)
                for t in trees:
                    got |= self.tree(t)
            self.fields[id(n)] = got
        return got

    def expressions_of(self, n: Node) -> int:
        """The mask of the expressions of the state's Assigns, Outputs and conditions (its field Templates are
        fields_of's)."""
        tree = self.tree
        got = 0
        if n.output is not None:
            got = tree(n.output)
        tn = type(n)
        if tn is Choice:
            for r in n.rules:  # type: ignore[attr-defined]
                got |= tree(r.condition)
                for v in r.assign.values():
                    got |= tree(v)
        elif tn in _CATCHING:
            for c in n.catch:  # type: ignore[attr-defined]
                for v in c.assign.values():
                    got |= tree(v)
                if c.output is not None:
                    got |= tree(c.output)
        for v in n.assign.values():
            got |= tree(v)
        return got

    def renewed(self, n: Node) -> bool:
        """Whether what the touched state `n` reads changed (and then the new mask is kept)."""
        now = self.fields_of(n) | self.expressions_of(n)
        if now == self.own.get(id(n)):
            return False
        self.own[id(n)] = now
        return True


_CATCHING = frozenset([Task, Map, Parallel])


def _reads(n: Node, memo: dict[int, int], reads: _Reads) -> int:
    """What the state reads, the states nested in it included (a branch reads the variables around it)."""
    got = memo.get(id(n))
    if got is None:
        got = reads.of(n)
        for sub in n.subgraphs():
            for m in sub.nodes:
                got |= _reads(m, memo, reads)
        memo[id(n)] = got
    return got


def _edges(n: Node) -> list[tuple[Any, Node | None]]:
    """(holder of an Assign, the state it leads to; None: the end)."""
    tn = type(n)
    if tn is Choice:
        return [(r, r.next) for r in n.rules] + [(n, n.default)]  # type: ignore[attr-defined]
    out: list[tuple[Any, Node | None]] = [(n, None if n.end else n.next)]
    if tn in _CATCHING and n.catch:  # type: ignore[attr-defined]
        out += [(c, c.next) for c in n.catch]  # type: ignore[attr-defined]
    return out


def _nodes(g: Graph) -> tuple[list[Node], list[list[tuple[Any, Node | None]]]]:
    """The graph's states and every state a transition of theirs leads to, each with its _edges (found once)."""
    out = list(g.nodes) + ([g.start] if g.start is not None else [])
    seen: set[int] = set()
    todo = list(out)
    out = []
    edges = []
    while todo:
        n = todo.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        out.append(n)
        mine = _edges(n)
        edges.append(mine)
        todo += [t for _, t in mine if t is not None]
    return out, edges


def _live_in(nodes: list[Node], edges: list[list[tuple[Any, Node | None]]], memo: dict[int, int],
             known: _Reads) -> tuple[list[int], dict[int, int]]:
    """The variables live on entry to each state (in the order of `nodes`; and the id of each -> its place), as a
    mask of `bits` (a variable's bit, given to each variable met): the least fixed point of live(n) = reads(n) | the union over its transitions of live(target) - what the
    transition assigns. A worklist recomputes a state only when a state it leads to changed, so a long chain costs a
    pass or two rather than one pass per state a variable stays live through (the fixed point is the same in any
    order). Masks rather than sets: a long workflow keeps many variables live through most states."""
    index = {id(n): i for i, n in enumerate(nodes)}
    bits = known.bits
    reads = [_reads(n, memo, known) for n in nodes]
    outs: list[list[tuple[int, int]]] = []
    preds: list[list[int]] = [[] for _ in nodes]
    for i, n in enumerate(nodes):
        mine = []
        for holder, target in edges[i]:
            if target is not None:
                j = index[id(target)]
                a = holder.assign
                mine.append((j, ~_mask(a, bits) if a else -1))  # the bits the transition keeps
                preds[j].append(i)
        outs.append(mine)
    live = [0] * len(nodes)
    # the queued state first in a postorder of the graph (a state after those it leads to, but along a loop's back
    # edge): an inner loop settles before the states around it are visited again, so loops nested d deep do not
    # cost d visits of every state in them
    rank = _postorder(outs)
    todo = [(r, i) for i, r in enumerate(rank)]
    heapify(todo)
    queued = [True] * len(nodes)
    while todo:
        i = heappop(todo)[1]
        queued[i] = False
        now = reads[i]
        for j, keep in outs[i]:
            now |= live[j] & keep
        if now != live[i]:
            live[i] = now
            for p in preds[i]:
                if not queued[p]:
                    queued[p] = True
                    heappush(todo, (rank[p], p))
    return live, index


def _postorder(outs: list[list[tuple[int, int]]]) -> list[int]:
    """Each state's place in a depth-first postorder over the transitions `outs` (from each state not reached yet,
    in their order)."""
    rank = [0] * len(outs)
    seen = [False] * len(outs)
    k = 0
    for root in range(len(outs)):
        if seen[root]:
            continue
        seen[root] = True
        stack = [(root, 0)]
        while stack:
            i, e = stack[-1]
            succ = outs[i]
            if e < len(succ):
                stack[-1] = (i, e + 1)
                j = succ[e][0]
                if not seen[j]:
                    seen[j] = True
                    stack.append((j, 0))
            else:
                stack.pop()
                rank[i] = k
                k += 1
    return rank


def _mask(names: Any, bits: dict[str, int]) -> int:
    out = 0
    for v in names:
        b = bits.get(v)
        if b is None:
            b = bits[v] = 1 << len(bits)
        out |= b
    return out


def remove_dead_assignments(graphs: list[Graph]) -> None:
    """Drop the Assign entries no path reads before writing again (repeat until stable: a dropped entry's reads
    may have kept another alive).

    Another round is needed only where a dropped entry read a variable its state reads nowhere else: with the
    same reads the liveness is the same (a dropped entry's variable is not live where it leads, so that its
    transition no longer writes it changes nothing), and an entry kept because it can fail is kept again (the
    entries that could evaluate it are fewer, never more)."""
    known = _Reads()
    bits = known.bits
    indexes: dict[int, _Holders] = {}
    while True:
        touched: dict[int, Node] = {}
        memo: dict[int, int] = {}
        for g in graphs:
            nodes, edges = _nodes(g)
            live, index = _live_in(nodes, edges, memo, known)
            for n, mine in zip(nodes, edges):
                for holder, target in mine:
                    if not holder.assign:
                        continue
                    wanted = live[index[id(target)]] if target is not None else 0
                    for k in [k for k in holder.assign if not bits.get(k, 0) & wanted]:
                        v = holder.assign[k]
                        if can_fail(v) and not _evaluated_elsewhere(n, holder, k, v, indexes) \
                                and not (isinstance(holder, Catcher) and _exception_object(v)):
                            continue
                        del holder.assign[k]
                        touched[id(n)] = n
        if not [n for n in touched.values() if known.renewed(n)]:  # (each one renewed: no short cut)
            return


class _Holders:
    """Which entries of one Assign hold each leaf: an entry can only evaluate an expression whose leaves it all
    holds (ir.evaluates), so a long Assign's entries are not compared pair by pair. Entries are only ever
    removed while dead ones are dropped, so the index stays true once the removed keys are skipped."""

    def __init__(self, assign: dict[str, Expr]):
        self.postings: dict[Any, set[str]] = {}
        for k, x in assign.items():
            for leaf in leaves(x):
                self.postings.setdefault(leaf, set()).add(k)

    def others(self, assign: dict[str, Expr], key: str, v: Expr) -> list[Expr]:
        """The values of the entries other than `key` that may evaluate `v` (in no particular order: the caller
        asks whether any of them does)."""
        sets = [self.postings.get(leaf) for leaf in leaves(v)]
        if not sets or any(s is None for s in sets):
            return []
        sets.sort(key=len)
        keys = sets[0].intersection(*sets[1:])
        return [assign[k] for k in sorted(keys) if k != key and k in assign]


_INDEXED = 16  # an Assign with more entries than this is compared through a _Holders index


def _evaluated_elsewhere(n: Node, holder: Any, key: str, v: Expr, indexes: dict[int, _Holders]) -> bool:
    """The expression of a dropped entry that can fail is still evaluated by the state: in another entry of the
    same Assign or in a field (it was substituted into it)."""
    if len(holder.assign) > _INDEXED:
        index = indexes.get(id(holder))
        if index is None:
            index = indexes[id(holder)] = _Holders(holder.assign)
        others = index.others(holder.assign, key, v)
    else:
        others = [x for k, x in holder.assign.items() if k != key]
    fields: list[Expr] = []
    if holder is n:
        field_templates(_before(n), fields)
        # an error of a state's own Output is not caught by every engine's Catch (tests/engines known.py), so an
        # Output does not stand in for an Assign entry of a state with a catcher that catches an expression's error
        if n.output is not None and not (isinstance(n, Catching) and any(CATCHES_EVALUATION & set(c.errors)
                                                                         for c in n.catch)):
            others.append(n.output)
    elif isinstance(holder, Catcher) and not (CATCHES_EVALUATION & set(holder.errors)):
        # a catcher that cannot catch a failure of the state's Arguments runs only after they succeeded
        field_templates(_before(n), fields)
    return any(evaluates(v, o) for o in others) or any(evaluates(v, f) for f in fields)


def _before(n: Node) -> list[Any]:
    """The fields the state evaluates whenever it runs, before its Assign (not a Map's ItemSelector and ItemBatcher,
    evaluated per item or batch, nor its ResultWriter, evaluated after the items)."""
    if isinstance(n, Map):
        return [n.items, n.item_reader, n.max_concurrency, n.tolerated_failure_count, n.tolerated_failure_percentage]
    return n.templates()


def _exception_object(code: Expr) -> bool:
    """The caught exception built from $states.errorOutput alone (`except E as e`), in the shapes that build it:
    Python's binding of it cannot fail, so, unread, it goes even though the parsing of the cause might raise
    ($parse of a malformed payload). Anything else (a Python expression of the exception, which can raise as
    Python does: `1 / len(str(e))`) stays."""
    t = code
    if context_refs(code) != {"errorOutput"}:
        return False
    bound = {n.name for n in t.walk() if type(n) is Bind}
    callee = {id(n.func) for n in t.walk() if type(n) is Call}
    for n in t.walk():
        tn = type(n)
        if tn is Call and not (type(n.func) is Var and n.func.name in _CAUSE_CALLS):
            return False
        if tn is Binary and n.op not in ("=", "!=", "and", "or"):
            return False
        if tn is Var and id(n) not in callee and n.name not in bound and n.name != "states":
            return False
        if tn not in _CAUSE_NODES:
            return False
    return True


_CAUSE_CALLS = frozenset(["type", "substring", "contains", "parse", "exists"])
_CAUSE_NODES = frozenset([Call, Binary, Var, Name, Str, Num, Bool, Null, Cond, Block, Bind, Dot, Object])
