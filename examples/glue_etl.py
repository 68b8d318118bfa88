"""Run an AWS Glue job and wait for its end (the Run a Job pattern: `sfn.run_job`, a Task on
`arn:aws:states:::glue:startJobRun.sync`), then report on the run: Step Functions itself waits for Glue, so no
Lambda sits waiting and no state is spent polling. A job that fails surfaces as the Task's error (Glue's
`Glue.AWSGlueException`), which fails the execution."""
from typing import Any

import pyawssfn as sfn


def report(run: dict[str, Any], day: str) -> dict[str, Any]:
    """A summary of Glue's final JobRun description."""
    return {"day": day, "job": run["JobName"], "state": run["JobRunState"], "seconds": run.get("ExecutionTime", 0)}


@sfn.workflow
def nightly_etl(day: str) -> dict[str, Any]:
    run = sfn.run_job("glue:startJobRun", JobName="nightly-sales", Arguments={"--day": day})
    return report(run, day)
