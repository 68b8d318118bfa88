"""examples/approval.py written for sfnx 3.1 (steps invoked through pyawssfn's dispatcher protocol, see
analyse_text.py; the callback step gets the task token as pyawssfn sends it)."""
from sfnx import aws, context, state_machine

FUNCTION = "${FunctionArn}"


@state_machine
def approve_order(input):
    order_id: str = input["order_id"]
    amount: int = input["amount"]
    if amount < 100:
        return aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION, Payload={"step": "fulfil", "kwargs": {"order_id": order_id}})["Payload"]
    try:
        decision = aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION,
            Payload={"step": "request_approval", "kwargs": {"order_id": order_id, "amount": amount},
                     "task_token": context["Task"]["Token"]},
            pattern=".waitForTaskToken", timeout=86400)
    except Exception:
        return aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION, Payload={"step": "notify_rejection",
                                            "kwargs": {"order_id": order_id, "reason": "no decision within a day"}})[
            "Payload"]
    if decision["approved"]:
        return aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION, Payload={"step": "fulfil", "kwargs": {"order_id": order_id}})["Payload"]
    return aws.optimized.lambda_.invoke(
        FunctionName=FUNCTION,
        Payload={"step": "notify_rejection", "kwargs": {"order_id": order_id, "reason": decision["reason"]}})["Payload"]
