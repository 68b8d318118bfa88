"""An SDK call whose target is only known at run time: the policy must widen to "*" and say so."""
import pyawssfn as sfn


def summarise(listing):
    return len(listing.get("Contents", []))


@sfn.workflow
def count_objects(bucket):
    listing = sfn.aws.s3.list_objects_v2(Bucket=bucket)
    return summarise(listing)
