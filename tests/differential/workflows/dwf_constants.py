"""Issue #12 item 3: module-level constants and workflow parameters where the compiler took only literals."""
import pyawssfn as sfn

TRANSIENT_ERRORS = ["Throttled"]
TIMEOUT = 30
ATTEMPTS = 2
WIDTH = 2
TOLERATED = 1


class TransientError(Exception):
    pass


class Throttled(TransientError):
    pass


class Missing(Exception):
    pass


TRANSIENT = (Throttled, KeyError)
BASES = [TransientError]


def lookup(k):
    if k == "missing":
        raise Missing(f"no {k}")
    if k == "key":
        raise KeyError(k)
    return {"key": k}


def double(x):
    return x * 2


@sfn.task(retry=sfn.Retry(errors=BASES, interval=1, max_attempts=ATTEMPTS))
def retried_by_constant(x):
    return x


@sfn.task(retry=sfn.Retry(errors=TRANSIENT_ERRORS, interval=1, max_attempts=2), timeout=TIMEOUT)
def retried_by_names(x):
    return x


@sfn.workflow
def retry_constant(x):
    return retried_by_constant(x)


@sfn.workflow
def retry_names(x):
    return retried_by_names(x)


# 3: module-level constants and workflow parameters where a literal is taken
@sfn.workflow
def map_constants(xs):
    return sfn.map(double, xs, max_concurrency=WIDTH)


@sfn.workflow
def map_parameter(xs, width):
    return sfn.map(double, xs, max_concurrency=width)


@sfn.workflow
def map_tolerated_constant(xs):
    return sfn.map(double, xs, tolerated_failures=TOLERATED, distributed=True)


@sfn.workflow
def except_tuple_constant(k):
    try:
        lookup(k)
        return "found"
    except TRANSIENT:
        return "transient"
    except Missing:
        return "missing"
