"""Step calls (positional, keyword, defaults, *args/**kwargs) and the pure expression families, one workflow each."""
import pyawssfn as sfn


def add(a, b=10, scale=1):
    return (a + b) * scale


def greet(name, greeting="hello", punct="!"):
    return f"{greeting}, {name}{punct}"


def echo(x):
    return x


def collect(first, *rest, **opts):
    return {"first": first, "rest": list(rest), "opts": opts}


@sfn.workflow
def step_arguments(x, name):
    a = add(x)
    b = add(x, 2)
    c = add(b=3, a=x, scale=2)
    d = add(x, scale=3)
    e = add(add(x, 1), b=add(a, 0))
    g1 = greet(name)
    g2 = greet(name, punct="?")
    g3 = greet(greeting="hi", name=name)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "g": [g1, g2, g3]}


@sfn.workflow
def star_arguments(x):
    one = collect(x)
    more = collect(x, x + 1, [x], flag=True, n=None)
    return [one, more]


@sfn.workflow
def arithmetic(a, b):
    c = echo(a)
    return {"sum": a + b, "diff": c - b, "prod": a * b, "floordiv": a // b, "mod": a % b, "pow": c ** 2,
            "neg": -a, "pos": +b, "div": a / b, "abs": abs(a - b), "mixed": (a + 1) * (b - 1) % 7,
            "prec": a + b * c - a // 2}


@sfn.workflow
def strings(s, n):
    t = echo(s)
    return {"upper": t.upper(), "lower": s.lower(), "strip": ("  " + s + " ").strip(), "concat": s + "-" + t,
            "repeat": s * n, "fstr": f"<{s}:{n}:{n:>4}:{t}>", "len": len(s), "slice": s[1:3], "last": s[-1],
            "starts": s.startswith("a"), "ends": t.endswith("e"), "split": (s + " x y").split(" "),
            "replace": s.replace("a", "A"), "join": ",".join([s, t, "z"]), "count": s.count("a"), "in": "b" in s,
            "str_n": str(n), "int": int("12") + n, "cmp": s < "m", "eq": s == t}


@sfn.workflow
def lists(xs, i):
    ys = echo(xs)
    return {"len": len(xs), "first": xs[0], "at": ys[i], "neg": xs[-1], "slice": xs[1:], "rev": xs[::-1],
            "concat": xs + ys, "rep": xs * 2, "sorted": sorted(xs), "rsorted": sorted(ys, reverse=True),
            "sum": sum(xs), "min": min(xs), "max": max(ys), "comp": [x * 2 for x in xs if x > 1],
            "in": 3 in xs, "index": ys.index(xs[0]), "count": xs.count(1), "any": any([x > 2 for x in xs]),
            "all": all(xs), "nested": [[x] for x in xs], "eq": xs == ys, "pair": [xs, ys], "list": list(xs)}


@sfn.workflow
def dicts(d, k):
    e = echo(d)
    return {"get": d.get(k, "none"), "get2": e.get("zz"), "keys": list(d.keys()), "values": list(d.values()),
            "items": list(e.items()), "in": k in d, "len": len(d), "eq": d == e,
            "comp": {kk: v * 2 for kk, v in d.items()}, "nested": {"inner": {"k": k, "v": e.get(k)}},
            "sub": d[k]}


@sfn.workflow
def logic(a, b):
    c = echo(a)
    return {"and": a and b, "or": c or b, "not": not a, "ifexp": "yes" if a else "no", "is_none": a is None,
            "is_not_none": b is not None, "eq": a == b, "ne": c != b, "bool": bool(a), "bool_b": bool(b),
            "int": isinstance(a, int), "str": isinstance(c, str), "list": isinstance(a, list),
            "dict": isinstance(b, dict), "none": isinstance(b, type(None)), "chain": 0 <= len(str(a)) < 4}


@sfn.workflow
def conversions(x, s):
    y = echo(x)
    return {"str": str(x), "int": int(y), "float": float(x), "round": round(x), "round2": round(y, 2),
            "int_s": int(s), "max2": max(x, 1), "min3": min(y, 1, -1), "fstr": f"{x:.2f}|{y}", "bool": bool(x),
            "str_list": str([x, s, None, True])}


@sfn.workflow
def predicates(s, n):
    out = []
    if sfn.StringEquals(s, "abc") or sfn.StringMatches(s, "a*"):
        out.append("string")
    if sfn.NumericGreaterThan(n, 3) and not sfn.IsNull(n):
        out.append("big")
    if sfn.IsString(n) or sfn.IsNumeric(s):
        out.append("mixed")
    if sfn.TimestampLessThan(s, "2026-06-01T00:00:00Z"):
        out.append("early")
    if sfn.BooleanEquals(n, True):
        out.append("true")
    return out


@sfn.workflow
def builtin_names(d):
    keys = list(d)
    count = len(keys)
    string = "s"
    sum = 0
    for k in d:
        sum += d[k]
    return {"keys": keys, "count": count, "string": string, "sum": sum}


@sfn.workflow
def whole_floats(a):
    return {"int": isinstance(a, int), "float": isinstance(a, float), "str": str(a)}
