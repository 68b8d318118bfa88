"""Each example compiled and run in the local executor agrees with its plain-Python run (needs the compiler)."""
import pytest

from pyawssfn.testing import WorkflowTester, reported_cause

compiler = pytest.importorskip("pyawssfn.compiler")
if not hasattr(compiler, "compile_file"):
    pytest.skip("the compiler has not landed", allow_module_level=True)


def all_states(machine):
    for name, state in machine["States"].items():
        yield name, state
        for branch in state.get("Branches", []):
            yield from all_states(branch)
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                yield from all_states(state[key])


@pytest.mark.parametrize("stem", ["analyse_text", "analyse_text_poc"])
def test_analyse_text_is_small_and_agrees(examples_dir, stem):
    t = WorkflowTester(examples_dir / f"{stem}.py")
    states = list(all_states(t.definition))
    assert len(states) <= 12, [n for n, _ in states]
    assert not [n for n, s in states if s["Type"] == "Pass"]
    py, machine = t.run_both({"text": "a short example"})
    assert machine.output == "text starts with a, has 15 chars, 5 vowels, and 2 spaces"
    assert machine.stats["states_entered"] <= 8
    assert machine.stats["lambda_invocations"] == py.stats["lambda_invocations"] == 5
    assert t.run_both({"text": "choose wisely"})[1].output == 'text starts with "c"; look: "c"'
    for text, cause in [("", "text too short"), ("zebra", "wrong starting letter")]:
        py, machine = t.run_both({"text": text})
        assert (machine.error, machine.cause) == (py.error, py.cause) == ("MalformedText", cause)


def test_analyse_text_retry_agrees(examples_dir):
    t = WorkflowTester(examples_dir / "analyse_text.py")
    t.fail_step("augment_summary", error="ConnectionError", cause="down", times=1)
    py, machine = t.run_both({"text": "bob"})
    assert py.stats["lambda_invocations"] == machine.stats["lambda_invocations"] == 6
    t.fail_step("augment_summary", error="ConnectionError", cause="down", times=3)
    py, machine = t.run_both({"text": "bob"})
    assert (machine.error, reported_cause(machine.error, machine.cause)) == ("ConnectionError", "down")


def test_fan_out_agrees(examples_dir):
    t = WorkflowTester(examples_dir / "fan_out.py")
    images = [{"key": f"i{n}", "width": 200 * n, "height": 100} for n in range(1, 4)]
    assert t.run_both({"images": images})[1].output["count"] == 3
    assert t.run_both({"images": []})[1].output == {"count": 0, "all_ok": True, "keys": []}
    assert t.run_both({"images": [{"key": "z", "width": 0, "height": 1}]})[1].error == "InvalidImage"


def test_approval_agrees(examples_dir):
    path = examples_dir / "approval.py"
    assert WorkflowTester(path).run_both({"order_id": "a", "amount": 5})[1].output["status"] == "fulfilled"
    t = WorkflowTester(path).callback("request_approval", result={"approved": True}, after=60)
    assert t.run_both({"order_id": "b", "amount": 500})[1].output["status"] == "fulfilled"
    t = WorkflowTester(path).callback("request_approval", result={"approved": False, "reason": "no"})
    assert t.run_both({"order_id": "c", "amount": 500})[1].output["reason"] == "no"
    t = WorkflowTester(path).callback("request_approval", timeout=True)
    assert t.run_both({"order_id": "d", "amount": 500})[1].output["reason"] == "no decision within a day"


@pytest.mark.parametrize("order,error", [
    ({"country": "FR"}, None), ({"country": "AQ"}, "ShippingFailed"), ({"amount": 5000}, "PaymentFailed"),
    ({"items": {"pear": 9}}, "OutOfStock")])
def test_order_pipeline_agrees(examples_dir, order, error):
    base = {"order_id": "o1", "items": {"apple": 2}, "amount": 50, "country": "FR"}
    py, machine = WorkflowTester(examples_dir / "order_pipeline.py").run_both({**base, **order})
    assert machine.error == error
    assert machine.stats["lambda_invocations"] == py.stats["lambda_invocations"]


@pytest.mark.parametrize("rows,error", [(2500, None), (10, None), (10 ** 6, "JobTimedOut"), (-1, "JobFailed")])
def test_polling_agrees(examples_dir, rows, error):
    py, machine = WorkflowTester(examples_dir / "polling.py").run_both({"dataset": "d", "rows": rows})
    assert machine.error == error
