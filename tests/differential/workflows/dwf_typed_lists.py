"""Lists built from values whose type the compiler knows (annotations, literals, step results, sfn.map results):
`append` and list displays write no type test where the type decides, and must still keep a list one item."""
from __future__ import annotations

from typing import Optional

import pyawssfn as sfn


def pair(x: int) -> list[int]:
    return [x, x]


def name(x: int) -> str:
    return f"n{x}"


def anything(x):
    return [x] if x % 2 else x


@sfn.workflow
def appends(xs: list[int], rows: list[list[int]], s: str, d: dict[str, int], t: Optional[list[int]], u):
    out = []
    out.append(xs)
    out.append(rows)
    out.append(s + "!")
    out.append(d)
    out.append(t)
    out.append(u)
    out.append((1, 2))
    out.append([xs])
    out.append(pair(2))
    out.append(name(3))
    out.append(anything(5))
    out.append(anything(4))
    grid = rows + []
    grid.append(xs)
    grid.append([])
    return {"out": out, "grid": grid, "display": [xs, rows, [s], s, d, t, u, pair(1), (xs, s)]}


@sfn.workflow
def map_results(xs: list[int]):
    pairs = sfn.map(pair, xs)
    names = [name(x) for x in xs if x > 1]
    listed = [pairs, names, pairs[:1]]
    listed.append(pairs)
    return {"listed": listed, "one": [p for p in pairs], "wrapped": [[p] for p in pairs]}


@sfn.workflow
def appends_pure(xs: list[int], s: str, d: dict[str, int], u):
    out = [xs]
    out.append(s)
    out.append(d)
    out.append([xs, s])
    out.append(u)
    return [out, xs, s, (d, u)]


def echo(v, tag="t"):
    return {"v": v, "tag": tag}


@sfn.workflow
def filtered_maps(rows, d, s, tag):
    kept_rows = [echo(r, tag="row") for r in rows if r]
    kept_keys = [echo(k) for k in d if k != "x"]
    kept_chars = [echo(c, tag=tag) for c in s if c != "a"]
    return [kept_rows, kept_keys, kept_chars]


@sfn.workflow
def dict_updates(d, k):
    d["a"] = 1
    d["b"] = {"c": 2}
    d["b"]["c"] = 3
    x = d["a"]
    d[k] = [x, d["b"]]
    return d


@sfn.workflow
def slices(xs: list[int], rows: list[list[int]], s: str, u, n: int):
    return [xs[1:], rows[:2], rows[::-1], rows[::2], rows[-n:], s[1:3], s[::-1], s[::2], xs[::-1], u[1:], u[::-1]]
