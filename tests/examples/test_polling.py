from pyawssfn.pyrun import run_workflow


def test_steps(example):
    m = example("polling")
    job = m.start_job("d", 2500)
    assert job == {"job_id": "job-d", "rows": 2500, "ready_after": 2}
    assert [m.get_job_status(job, n) for n in range(4)] == ["RUNNING", "RUNNING", "SUCCEEDED", "SUCCEEDED"]
    assert m.get_job_status({"rows": -1, "ready_after": 0}, 0) == "FAILED"
    assert m.cancel_job(job) == {"cancelled": "job-d"}
    assert m.fetch_results(job) == {"job_id": "job-d", "rows_processed": 2500}


def test_workflow(examples_dir):
    path = examples_dir / "polling.py"
    r = run_workflow(path, None, {"dataset": "sales", "rows": 3000})
    assert r.output == {"job_id": "job-sales", "rows_processed": 3000}
    assert r.sleeps == [30, 30, 30] and r.stats["lambda_invocations"] == 6
    quick = run_workflow(path, None, {"dataset": "tiny", "rows": 10})
    assert quick.sleeps == [] and quick.output["rows_processed"] == 10
    slow = run_workflow(path, None, {"dataset": "huge", "rows": 10 ** 6})
    assert (slow.error, slow.cause) == ("JobTimedOut", "job job-huge still running after 5 polls")
    assert slow.steps_called[-1] == "cancel_job" and slow.stats["elapsed_seconds"] == 150
    bad = run_workflow(path, None, {"dataset": "broken", "rows": -5})
    assert (bad.error, bad.cause) == ("JobFailed", "job job-broken failed")
