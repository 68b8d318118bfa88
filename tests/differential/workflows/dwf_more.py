"""More exception hierarchies, loops with try inside, zip, f-string specs, chained comparisons, None, nested data."""
import pyawssfn as sfn


class InvalidImage(ValueError):
    pass


def check(kind):
    if kind == "invalid":
        raise InvalidImage("no pixels")
    if kind == "zero":
        return 1 // 0
    if kind == "unicode":
        return b"\xff".decode("utf-8")
    if kind == "key":
        return {}["k"]
    return kind


def inc(x):
    return x + 1


@sfn.workflow
def builtin_hierarchy(kind):
    try:
        r = check(kind)
    except ValueError as e:
        r = "value:" + type(e).__name__
    except ArithmeticError as e:
        r = "arith:" + str(e)
    except Exception as e:
        r = "other:" + type(e).__name__
    return r


@sfn.workflow
def try_in_loops(n, fail_at, stop_at):
    log = []
    i = 0
    while i < n:
        i += 1
        try:
            if i == stop_at:
                break
            if i == fail_at:
                check("invalid")
            log.append(inc(i))
        except InvalidImage:
            log.append("caught")
            continue
        finally:
            log.append(-i)
        log.append("after")
    return log


@sfn.workflow
def return_from_try_in_loop(xs):
    total = 0
    for x in xs:
        try:
            if x < 0:
                return {"neg": x, "total": total}
            total += inc(x)
        finally:
            total += 100
    return {"total": total}


@sfn.workflow
def zip_loop(xs, ys):
    out = []
    for a, b in zip(xs, ys):
        out.append(a * b)
    for i, (a, b) in enumerate(zip(xs, ys)):
        out.append([i, a, b])
    return out


@sfn.workflow
def fstring_specs(n, x, s):
    return [f"{n:,}", f"{x:.2f}", f"{n:>5}", f"{s:<4}|", f"{x:8.3f}", f"{n:05d}", f"{s!s}", f"{n}{s}{x}"]


@sfn.workflow
def chains(a, b, c):
    return {"lt": a < b <= c, "eq": a == b == c, "mixed": a != b < c, "ge": c >= b > a, "ne": a != b != c}


@sfn.workflow
def nones(d, k):
    v = d.get(k)
    out = []
    if v is None:
        out.append("none")
    if d.get(k, 0) is not None:
        out.append("has")
    x = None
    if not x:
        out.append("falsy")
    return {"out": out, "v": v, "x": x, "eq": v == x}


@sfn.workflow
def nested_data(items, threshold):
    ok = [item["v"] for item in items if item["ok"]]
    big = {item["name"]: item["v"] * 2 for item in items if item["v"] > threshold}
    names = sorted([item["name"] for item in items], reverse=True)
    firsts = [item["tags"][0] for item in items if len(item["tags"]) > 0]
    return {"ok": ok, "big": big, "names": names, "firsts": firsts, "max": max(names) if names else None,
            "n": len(items) == 0}


@sfn.workflow
def string_methods(s):
    words = s.split(" ")
    return {"words": words, "joined": "-".join(words), "title": s.upper().lower(), "strip": (" " + s + " ").strip(),
            "count": s.count("o"), "find": "o" in s, "rep": s.replace("o", "0"), "rsplit": s.split(",")}
