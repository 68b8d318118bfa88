"""sfn.parallel with nested defs and lambdas, sfn.map and list comprehensions of one step call."""
import pyawssfn as sfn


class Broken(Exception):
    pass


def double(x):
    if x == 13:
        raise Broken("unlucky")
    return x * 2


def count_vowels(s):
    return sum(1 for c in s if c in "aeiou")


def count_spaces(s):
    return s.count(" ")


@sfn.workflow
def parallel_defs(text, n):
    def first():
        a = count_vowels(text)
        b = double(a)
        return {"vowels": a, "doubled": b}

    def second():
        s = count_spaces(text)
        if s > n:
            return "many"
        return s

    one, two, three = sfn.parallel(first, second, lambda: double(n))
    return {"one": one, "two": two, "three": three}


@sfn.workflow
def parallel_unpack_mismatch(n):
    a, b = sfn.parallel(lambda: double(n), lambda: double(n), lambda: double(n))
    return [a, b]


@sfn.workflow
def parallel_single(n):
    results = sfn.parallel(lambda: double(n), lambda: double(n + 1))
    return sum(results)


@sfn.workflow
def parallel_failure(n):
    def risky():
        return double(n)

    try:
        a, b = sfn.parallel(risky, lambda: double(1))
    except Broken as e:
        return "broken:" + str(e)
    return a + b


@sfn.workflow
def map_api(xs):
    ys = sfn.map(double, xs, max_concurrency=2)
    return {"ys": ys, "n": len(ys)}


@sfn.workflow
def map_tolerated(xs):
    return sfn.map(double, xs, tolerated_failures=1)


@sfn.workflow
def map_tolerated_distributed(xs):
    return sfn.map(double, xs, tolerated_failures=1, distributed=True)


@sfn.workflow
def comprehension(xs, limit):
    ys = [double(x) for x in xs]
    zs = [double(x) for x in xs if x < limit]
    return {"ys": ys, "zs": zs}


@sfn.workflow
def map_caught(xs):
    try:
        ys = [double(x) for x in xs]
    except Broken:
        ys = "broken"
    return ys


@sfn.workflow
def map_tolerated_both(xs, count, pct):
    """Both tolerances given (computed at run time): AWS fails the Map when the failures exceed either."""
    return sfn.map(double, xs, tolerated_failures=count, tolerated_failure_percentage=pct, distributed=True)
