"""Shrunk counterexamples of test_workflow_properties.py (see FINDINGS.md)."""
import pyawssfn as sfn


@sfn.workflow
def dead_assignment(d):
    n0 = d["k"]
    return 1


@sfn.workflow
def dead_in_finally(d):
    try:
        return 1
    finally:
        n0 = d["k"]


@sfn.workflow
def raise_argument_error(s):
    raise sfn.Fail("Custom.Failure", s[0])


@sfn.workflow
def grow_dict_while_iterating(d):
    n = 0
    for k in d:
        d["m"] = n
        n += 1
    return {"d": d, "n": n}


@sfn.workflow
def overwritten_assignment(xs):
    a = xs[0]
    a = 0
    return a


@sfn.workflow
def overwritten_in_branch(xs, c):
    if c:
        a = xs[0]
        a = 0
    else:
        a = 1
    return a


@sfn.workflow
def computed_float(a):
    h = a / 2
    return [str(h), isinstance(h, int), isinstance(h, float), f"{h}"]


@sfn.workflow
def assert_fails(x):
    assert x > 0, "x must be positive"
    return x


@sfn.workflow
def list_iadd_iterable(s):
    s += "ab"
    return s


@sfn.workflow
def overwritten_append(xs):
    xs.append(0)
    xs = []
    return xs


@sfn.workflow
def dead_before_raise(a, s):
    a = -a
    raise ValueError(s)


def st_check(n):
    if n > 8:
        raise ValueError(f"too big {n}")
    return n * 2


@sfn.workflow
def missing_parameter(a, b=5, c=None):
    return [a, b, c]


@sfn.workflow
def try_expression_only(d):
    try:
        v = d["k"]
    except Exception as e:
        return [type(e).__name__, str(e)]
    return v


@sfn.workflow
def error_order(a, b):
    a += 0
    n0 = st_check(b)
    return [a, n0]


def step(n):
    return n


@sfn.workflow
def error_in_else(d):
    try:
        step(0)
    except Exception:
        return "caught"
    else:
        return d["k"]


@sfn.workflow
def expression_before_step_in_try(a):
    try:
        a += 1
        step(0)
    except Exception as e:
        return "caught " + str(e)
    return a
