from pyawssfn.pyrun import run_workflow


def test_steps(example):
    m = example("approval")
    assert m.request_approval("t1", "o1", 5000)["to"] == "finance@example.com"
    assert m.request_approval("t1", "o1", 200) == {"to": "manager@example.com", "subject": "Approve order o1 of 200?",
                                                   "token": "t1"}
    assert m.fulfil("o") == {"order_id": "o", "status": "fulfilled"}
    assert m.notify_rejection("o", "r")["reason"] == "r"


def test_workflow(examples_dir):
    path = examples_dir / "approval.py"
    small = run_workflow(path, None, {"order_id": "o1", "amount": 20})
    assert small.output["status"] == "fulfilled" and small.stats["callbacks"] == 0
    yes = run_workflow(path, None, {"order_id": "o2", "amount": 500},
                       callbacks={"request_approval": {"result": {"approved": True}, "after": 3600}})
    assert yes.output == {"order_id": "o2", "status": "fulfilled"} and yes.stats["elapsed_seconds"] == 3600
    assert yes.calls[0].result["token"] == yes.calls[0].task_token
    no = run_workflow(path, None, {"order_id": "o3", "amount": 500},
                      callbacks={"request_approval": {"result": {"approved": False, "reason": "over budget"}}})
    assert no.output == {"order_id": "o3", "status": "rejected", "reason": "over budget"}
    late = run_workflow(path, None, {"order_id": "o4", "amount": 500},
                        callbacks={"request_approval": {"timeout": True}})
    assert late.output["reason"] == "no decision within a day" and late.stats["elapsed_seconds"] == 86400
    bad = run_workflow(path, None, {"order_id": "o5", "amount": 500},
                       callbacks={"request_approval": {"result": {"reason": "forgot the flag"}}})
    assert (bad.status, bad.error) == ("FAILED", "States.QueryEvaluationError")
