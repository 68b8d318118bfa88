import pyawssfn as sfn


@sfn.workflow
def wf(bucket, key):
    obj = sfn.aws.s3.get_object(Bucket=bucket, Key=key)
    return obj["ContentLength"]
