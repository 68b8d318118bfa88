"""Waits, callbacks, child workflows, retries and AWS SDK calls."""
import pyawssfn as sfn


class Flaky(Exception):
    pass


def ask(token, who):
    return {"asked": who}


def notify(x):
    return f"notified {x}"


@sfn.task(retry=sfn.Retry(errors=[Flaky], interval=2, max_attempts=2, backoff=3))
def flaky(x):
    return x + 1


def plain(x):
    return x * 3


@sfn.workflow
def waits(seconds, until):
    sfn.sleep(seconds)
    a = notify(seconds)
    sfn.sleep_until(until)
    sfn.sleep(seconds * 2)
    return a


@sfn.workflow
def callback(who):
    try:
        answer = sfn.wait_for_callback(ask, who, timeout=600)
    except sfn.Fail as e:
        return {"failed": e.error}
    return {"answer": answer, "n": notify(who)}


@sfn.workflow
def callback_uncaught(who):
    answer = sfn.wait_for_callback(ask, who, timeout=60, heartbeat=30)
    return answer


@sfn.workflow
def child(x):
    y = plain(x)
    if y > 30:
        raise sfn.Fail("TooBig", f"{y}")
    return {"child": y}


@sfn.workflow
def parent(x):
    r = child(x)
    s = child(x=x + 1)
    return [r, s]


@sfn.workflow
def parent_catches(x):
    try:
        r = child(x)
    except sfn.Fail as e:
        r = e.error
    return r


@sfn.workflow
def retries(x):
    a = flaky(x)
    b = sfn.with_retry_spec(plain, (a,), (["States.ALL"], 1, 2, 1.5))
    return [a, b]


@sfn.workflow
def sdk(bucket, key):
    obj = sfn.aws.s3.get_object(Bucket=bucket, Key=key)
    try:
        sfn.aws.sqs.send_message(QueueUrl="https://q", MessageBody=obj["Body"])
    except sfn.Fail as e:
        return {"error": e.error}
    return {"body": obj["Body"], "len": obj["ContentLength"]}


@sfn.workflow
def callback_computed_timeout(who, minutes, beat=None):
    """timeout= and heartbeat= computed at run time (issue #12): TimeoutSeconds/HeartbeatSeconds expressions."""
    try:
        answer = sfn.wait_for_callback(ask, who, timeout=minutes * 60, heartbeat=beat)
    except sfn.Fail as e:
        return {"failed": e.error}  # (the cause of an expression error is worded differently by each run)
    return {"answer": answer}
