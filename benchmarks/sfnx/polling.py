"""examples/polling.py written for sfnx 3.1 (steps invoked through pyawssfn's dispatcher protocol, see
analyse_text.py)."""
from sfnx import aws, state_machine, wait

FUNCTION = "${FunctionArn}"


class JobTimedOut(Exception):
    pass


class JobFailed(Exception):
    pass


@state_machine
def process_dataset(input):
    job = aws.optimized.lambda_.invoke(
        FunctionName=FUNCTION,
        Payload={"step": "start_job", "kwargs": {"dataset": input["dataset"], "rows": input["rows"]}})["Payload"]
    polls: int = 0
    status: str = aws.optimized.lambda_.invoke(
        FunctionName=FUNCTION, Payload={"step": "get_job_status", "kwargs": {"job": job, "polls": polls}})["Payload"]
    while status == "RUNNING":
        if polls >= 5:
            aws.optimized.lambda_.invoke(FunctionName=FUNCTION, Payload={"step": "cancel_job", "kwargs": {"job": job}})
            raise JobTimedOut(f"job {job['job_id']} still running after {polls} polls")
        wait(30)
        polls = polls + 1
        status = aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION, Payload={"step": "get_job_status", "kwargs": {"job": job, "polls": polls}})["Payload"]
    if status == "FAILED":
        raise JobFailed(f"job {job['job_id']} failed")
    return aws.optimized.lambda_.invoke(
        FunctionName=FUNCTION, Payload={"step": "fetch_results", "kwargs": {"job": job}})["Payload"]
