import pyawssfn as sfn


def double(x):
    return x * 2


def add(a, b=10):
    return a + b


@sfn.workflow
def wf(n, extra=5):
    a = double(n)
    b = a + 1
    c = add(b)
    d = add(c, b=extra)
    return {"a": a, "b": b, "c": c, "d": d}
