"""if/elif/else, while and for loops with break/continue/else, return anywhere."""
import pyawssfn as sfn


def inc(x):
    return x + 1


def is_big(x):
    return x > 10


def label(x):
    return f"item-{x}"


@sfn.workflow
def branches(x):
    if x < 0:
        kind = "neg"
    elif x == 0:
        return "zero"
    elif is_big(x):
        kind = "big"
        x = inc(x)
    else:
        kind = "small"
    if kind == "big" and x > 100:
        kind = kind + "!"
    return {"kind": kind, "x": x}


@sfn.workflow
def while_loop(n, stop, skip):
    i = 0
    total = 0
    seen = []
    while i < n:
        i = inc(i)
        if i == skip:
            continue
        if i == stop:
            break
        total += i
        seen.append(i)
    else:
        seen.append("done")
    return {"i": i, "total": total, "seen": seen}


@sfn.workflow
def while_return(n):
    i = 0
    while True:
        i += 1
        if i >= n:
            return i * 10
        if i > 5:
            break
    return -i


@sfn.workflow
def for_list(xs, stop):
    out = []
    for x in xs:
        if x == stop:
            break
        if x % 2 == 0:
            continue
        out.append(label(x))
    else:
        out.append("complete")
    return {"out": out, "last": x}


@sfn.workflow
def for_range(n, step):
    out = []
    for i in range(n):
        out.append(i)
    for j in range(1, n, step):
        out.append(inc(j))
    for k in range(n, 0, -1):
        if k == 2:
            continue
        out.append(-k)
    return out


@sfn.workflow
def for_dicts(d):
    ks = []
    for k in d:
        ks.append(k)
    pairs = []
    for k, v in d.items():
        if v is None:
            break
        pairs.append([k, inc(v)])
    else:
        pairs.append("all")
    vals = 0
    for v in d.values():
        vals += 1
    for i, k in enumerate(list(d)):
        ks.append(f"{i}:{k}")
    return {"keys": ks, "pairs": pairs, "vals": vals}


@sfn.workflow
def nested_loops(rows):
    found = None
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v == "x":
                found = [r, c]
                break
        if found is not None:
            break
    return found


@sfn.workflow
def return_in_for(xs):
    for x in xs:
        y = inc(x)
        if y > 3:
            return {"first": y}
    return {"none": len(xs)}
