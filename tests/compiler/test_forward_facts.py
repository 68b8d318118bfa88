"""The back half's shared graph helpers: forward_facts (the worklist fixed point that caught_handover and literal_vars
use), handover.live with its StateReads, merge_states.maybe_alike, and liveness's second round (only where a dropped
entry's reads kept another entry alive)."""
from __future__ import annotations

import random

from pyawssfn.compiler.caught_handover import _definitely_assigned
from pyawssfn.compiler.forward_facts import forward_facts
from pyawssfn.compiler.handover import StateReads, live
from pyawssfn.compiler.ir import Graph, Pass, Succeed, Template
from pyawssfn.compiler.liveness import remove_dead_assignments
from pyawssfn.compiler.literal_vars import _after, _facts, _meet
from pyawssfn.compiler.merge_states import json_key, maybe_alike
from pyawssfn.jsonata.parse import parse as P
from pyawssfn.jsonata.tree import Dot, Name, Var

_ERROR = Template(Dot(Var("states"), Name("errorOutput")))


def _edges(st: dict) -> list:
    out = [(st["Next"], st.get("Assign"))] if "Next" in st else []
    return out + [(e["Next"], e.get("Assign")) for e in st.get("Choices", []) + st.get("Catch", [])]


def _union(have: frozenset, assign: dict | None) -> frozenset:
    return have | frozenset(assign or ())


def test_a_fact_is_what_every_way_in_brings_and_an_unreached_state_has_none():
    states = {
        "a": {"Type": "Choice", "Choices": [{"Next": "b", "Assign": {"x": 1, "y": 2}}, {"Next": "c", "Assign": {"x": 1}}]},
        "b": {"Type": "Pass", "Next": "d"},
        "c": {"Type": "Pass", "Next": "d", "Assign": {"z": 3}},
        "d": {"Type": "Pass", "Next": "a", "Assign": {"w": 4}},  # back to the start: its fact stays the entry's
        "lost": {"Type": "Pass", "Next": "d"},
    }
    facts = forward_facts(states, "a", _edges, frozenset(), _union, frozenset.__and__)
    assert facts == {"a": frozenset(), "b": {"x", "y"}, "c": {"x"}, "d": {"x"}, "lost": None}


def _reference(states: dict, start: str, after, meet, entry) -> dict:
    """The round-robin sweep forward_facts replaced: every state again until nothing changes."""
    facts = {n: None for n in states}
    facts[start] = entry
    changed = True
    while changed:
        changed = False
        for name, st in states.items():
            if facts[name] is None:
                continue
            for target, assign in _edges(st):
                if target not in facts or target == start:
                    continue
                got = after(facts[name], assign)
                new = got if facts[target] is None else meet(facts[target], got)
                if facts[target] is None or new != facts[target]:
                    facts[target] = new
                    changed = True
    return facts


def _random_graph(rng: random.Random, size: int) -> dict:
    names = [f"s{i}" for i in range(size)]
    states = {}
    for name in names:
        st: dict = {"Type": "Task", "Next": rng.choice(names)}
        if rng.random() < 0.6:
            st["Assign"] = {v: rng.choice([1, "a", True]) for v in rng.sample(["e", "f", "g"], rng.randint(1, 2))}
        if rng.random() < 0.4:
            st["Catch"] = [{"Next": rng.choice(names), "Assign": {"e": _ERROR}}]
        states[name] = st
    return states


def test_the_worklist_finds_the_round_robin_fixed_point_on_random_graphs():
    rng = random.Random(8)
    for _ in range(200):
        states = _random_graph(rng, rng.randint(1, 12))
        graph = {"StartAt": "s0", "States": states}
        tracked = {"e", "f", "g"}
        got = _facts(graph, tracked)
        assert got == _reference(states, "s0", lambda h, a: _after(h, a, tracked), _meet, {})
        assigned = _definitely_assigned(graph)  # only the variables a catcher assigns the error are tracked
        want = _reference(states, "s0", _union, frozenset.__and__, frozenset())
        errors = {"e"} if any("Catch" in st for st in states.values()) else set()
        assert assigned == {k: None if v is None else v & errors for k, v in want.items()}


def test_live_reads_before_an_assign_and_stops_at_one():
    states = {
        "a": {"Type": "Pass", "Next": "b"},
        "b": {"Type": "Pass", "Next": "c", "Assign": {"v": 1}},
        "c": {"Type": "Pass", "Output": Template(P("$v")), "End": True},
        "d": {"Type": "Pass", "Output": Template(P("$v")), "End": True},
    }
    reads = StateReads(states)
    assert not live(states, "a", "v", reads) and live(states, "c", "v", reads) and live(states, "d", "v")
    states["a"]["Output"] = Template(P("$v"))
    assert not live(states, "a", "v", reads)  # what it knew of `a`
    reads.forget("a")
    assert live(states, "a", "v", reads)


def test_maybe_alike_names_only_states_that_could_share_a_key():
    states = {
        "one": {"Type": "Pass", "Comment": "x", "Next": "end", "Assign": {"a": 1}},
        "two": {"Type": "Pass", "Next": "end", "Assign": {"a": 1}},
        "other": {"Type": "Pass", "Next": "one", "Assign": {"a": 1}},
        "end": {"Type": "Succeed"},
    }
    assert maybe_alike(states, ("Comment",)) == {"one", "two"}
    keys = {n: json_key({k: v for k, v in st.items() if k != "Comment"}) for n, st in states.items()}
    # every pair with one key is among them
    assert all(a in {"one", "two"} for a in keys for b in keys if a != b and keys[a] == keys[b])


def _chain(second_output: str | None) -> tuple[Pass, Pass]:
    end = Succeed("end", 3, output=P("1"))
    second = Pass("second", 2, assign={"y": P("$x")}, output=P(second_output) if second_output else None, next=end)
    first = Pass("first", 1, assign={"x": P("$states.input.x")}, next=second)
    remove_dead_assignments([Graph([first, second, end], first)])
    return first, second


def test_an_entry_kept_alive_only_by_a_dropped_one_goes_in_another_round():
    first, second = _chain(None)  # y is read nowhere: dropped, and with it the only read of x
    assert first.assign == {} and second.assign == {}
    first, second = _chain("$x")  # the state still reads x where y is dropped: x stays
    assert list(first.assign) == ["x"] and second.assign == {}
