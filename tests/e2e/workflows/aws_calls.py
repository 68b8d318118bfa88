"""Read a config object from S3, record the job in DynamoDB."""
import pyawssfn as sfn


def parse(body):
    return {"threshold": int(body)}


@sfn.workflow
def record_job(job_id, bucket, key="config.txt"):
    obj = sfn.aws.s3.get_object(Bucket=bucket, Key=key)
    cfg = parse(obj["Body"])
    sfn.aws.dynamodb.put_item(TableName="jobs",
                              Item={"job_id": {"S": job_id}, "threshold": {"N": str(cfg["threshold"])}})
    return {"job": job_id, "threshold": cfg["threshold"], "etag": obj.get("ETag", "none")}
