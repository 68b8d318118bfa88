"""Workflows the comparison tests run: a saga whose runs end alike whatever its notification step is sent."""
import pyawssfn as sfn


class NotFound(Exception):
    pass


def lookup(key):
    if key == "missing":
        raise NotFound(f"no {key}")
    return {"key": key}


def notify(message, level):
    return None


def square(x):
    return x * x


@sfn.workflow
def saga(key):
    try:
        found = lookup(key)
    except NotFound:
        notify("lookup failed", level=1)
        return "compensated"
    notify(f"found {found['key']}", level=0)
    return "done"


@sfn.workflow
def fan_out(xs):
    return sfn.map(square, xs)


def ask(token, who):
    return {"asked": who}


@sfn.workflow
def child(x):
    return {"child": square(x)}


@sfn.workflow
def everything(who, xs):
    answer = sfn.wait_for_callback(ask, who, timeout=600)
    obj = sfn.aws.s3.get_object(Bucket="b", Key=who)
    squares = sfn.map(square, xs)
    c = child(2)
    p = sfn.parallel(lambda: square(1), lambda: square(2))
    return [answer, obj, squares, c, p]


def record(item):
    return None


@sfn.workflow
def fan_out_distributed(xs):
    """The items of a distributed map are child executions on AWS: their calls are compared all the same."""
    results = sfn.map(record, [{"x": x, "level": 1} for x in xs], distributed=True)
    return len(results)
