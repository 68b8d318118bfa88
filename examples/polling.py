"""Polling: start a batch job, then check its status every 30 seconds until it finishes, giving up (and cancelling
the job) after 5 checks."""
import pyawssfn as sfn
from typing import Any, TypedDict
ROWS_PER_POLL = 1000


class Job(TypedDict):
    job_id: str
    rows: int
    ready_after: int


def start_job(dataset: str, rows: int) -> Job:
    """Submit the job; a real one would call a batch service. It needs one poll interval per 1000 rows."""
    return {"job_id": f"job-{dataset}", "rows": rows, "ready_after": rows // ROWS_PER_POLL}


def get_job_status(job: Job, polls: int) -> str:
    if job["rows"] < 0:
        return "FAILED"
    return "SUCCEEDED" if polls >= job["ready_after"] else "RUNNING"


def cancel_job(job: Job) -> dict[str, Any]:
    return {"cancelled": job["job_id"]}


def fetch_results(job: Job) -> dict[str, Any]:
    return {"job_id": job["job_id"], "rows_processed": job["rows"]}


@sfn.workflow
def process_dataset(dataset: str, rows: int) -> dict[str, Any]:
    job = start_job(dataset, rows)
    polls = 0
    status = get_job_status(job, polls)
    while status == "RUNNING":
        if polls >= 5:
            cancel_job(job)
            raise sfn.Fail("JobTimedOut", f"job {job['job_id']} still running after {polls} polls")
        sfn.sleep(30)
        polls = polls + 1
        status = get_job_status(job, polls)
    if status == "FAILED":
        raise sfn.Fail("JobFailed", f"job {job['job_id']} failed")
    return fetch_results(job)
