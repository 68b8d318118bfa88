"""Data mutation: d[k] = v, xs.append, augmented assignments, tuple unpacking, nested data, None/True/False."""
import pyawssfn as sfn


def make(n):
    return {"n": n, "tags": ["a"], "deep": {"list": [1, [2, 3]], "flag": None}}


@sfn.workflow
def mutation(n, key):
    d = make(n)
    d["extra"] = n * 2
    d[key] = [None, True, False]
    d["deep"] = {"list": d["deep"]["list"], "flag": True}
    d["tags"] = d["tags"] + ["b", ["nested"]]
    xs = [1, 2, 3]
    xs[0] = 10
    xs[-1] = 30
    xs.append(list(xs))
    xs += [4]
    xs.extend([5, 6])
    return {"d": d, "xs": xs}


@sfn.workflow
def augmented(a, s):
    a += 3
    a -= 1
    a *= 2
    a //= 3
    a %= 5
    a **= 2
    s += "!"
    s *= 2
    b = a
    b /= 4
    return [a, s, b]


@sfn.workflow
def unpacking(pair, triple):
    a, b = pair
    x, (y, z) = triple[0], triple[1:]
    a, b = b, a
    m = make(a)
    return {"a": a, "b": b, "x": x, "y": y, "z": z, "m": m["deep"]["list"][1][0], "none": None,
            "t": True, "f": False, "tuple": (a, b)}


@sfn.workflow
def aliasing(xs):
    ys = xs
    ys.append(1)
    d = {"list": xs}
    d["list"].append(2)
    return {"xs": xs, "ys": ys, "d": d}


@sfn.workflow
def nested_mutation(n):
    d = make(n)
    d["deep"]["flag"] = True
    d["tags"].append("b")
    return d
