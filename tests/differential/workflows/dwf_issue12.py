"""Issue #12: constructs where the plain-Python run and the machine used to differ without a word."""
import pyawssfn as sfn


class TransientError(Exception):
    pass


class Throttled(TransientError):
    pass


class NotFound(Exception):
    def __init__(self, key):
        super().__init__(f"no {key}")


class Missing(Exception):
    pass


def lookup(k):
    if k == "missing":
        raise Missing(f"no {k}")
    return {"key": k}


def notify(message):
    return None


def double(x):
    return x * 2


@sfn.task(retry=sfn.Retry(errors=[Exception], interval=1, max_attempts=2))
def retried_by_exception(x):
    return x


@sfn.task(retry=sfn.Retry(errors=[TransientError], interval=1, max_attempts=2))
def retried_by_base(x):
    return x


# 1: a caught exception formatted
@sfn.workflow
def format_caught(k):
    try:
        lookup(k)
    except Missing as e:
        return [f"{e}", "{}".format(e), f"{e!s}", str(e), f"<{e}>"]
    return "found"


@sfn.workflow
def saga_notifies(k):
    try:
        lookup(k)
    except Missing as e:
        notify(f"lookup failed: {e}")
        return "compensated"
    return "done"


# 2: retried by a base class, by Exception
@sfn.workflow
def retry_exception(x):
    return retried_by_exception(x)


@sfn.workflow
def retry_base(x):
    return retried_by_base(x)


# 4: an exception class whose __init__ builds the message, raised in the workflow
@sfn.workflow
def raise_built_message(k):
    if k == "bad":
        raise NotFound(k)
    return k


# 5: a list compared with a tuple
@sfn.workflow
def list_equals_tuple(xs):
    return [xs == (1, 2), xs != (1, 2), xs == [1, 2], (1, 2) == xs]


def ask(token, k):
    return None


@sfn.workflow
def callback_fails_with_built_class(k):
    try:
        return sfn.wait_for_callback(ask, k, timeout=60)
    except NotFound as e:
        return ["caught", str(e)]
