import pyawssfn as sfn


class Throttled(Exception):
    pass


@sfn.task(retry=[sfn.Retry(errors=[Throttled], interval=2, max_attempts=4, backoff=1.5, max_delay=30,
                           jitter="FULL")], timeout=30, heartbeat=10, transient_retry=False)
def flaky(x):
    return x


def double(x):
    return x * 2


@sfn.workflow
def wf(x):
    y = flaky(x)
    return sfn.with_retry_spec(double, (y,), (["States.ALL"], 1, 2, 1.5))
