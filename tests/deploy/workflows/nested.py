"""A workflow that calls an AWS SDK action and starts a child workflow: the cases the examples do not cover."""
import pyawssfn as sfn


def shout(text):
    return text.upper()


def count(text):
    return len(text)


@sfn.workflow
def child(text):
    return shout(text)


@sfn.workflow
def parent(key):
    obj = sfn.aws.s3.get_object(Bucket="in-bucket", Key=key)
    loud = child(obj["ContentType"])
    return {"loud": loud, "n": count(loud)}
