"""Hold a large payment until a reviewer answers (the Wait for Callback pattern on SQS: `sfn.wait_for_task_token`, a
Task on `arn:aws:states:::sqs:sendMessage.waitForTaskToken`). The message carries the task token; the reviewers'
tool answers it with SendTaskSuccess (`pyawssfn callback succeed TOKEN --output ...`) and the workflow goes on with
that answer. Small payments are approved without waiting."""
from typing import Any

import pyawssfn as sfn

QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/payment-reviews"
AUTO_APPROVE_BELOW = 100


def record_decision(payment_id: str, decision: dict[str, Any]) -> dict[str, Any]:
    return {"payment_id": payment_id, "approved": bool(decision.get("approved")),
            "by": decision.get("reviewer", "auto")}


@sfn.workflow
def review_payment(payment_id: str, amount: int) -> dict[str, Any]:
    if amount < AUTO_APPROVE_BELOW:
        return record_decision(payment_id, {"approved": True})
    decision = sfn.wait_for_task_token("sqs:sendMessage", token_at="MessageBody.TaskToken", QueueUrl=QUEUE,
                                       MessageBody={"payment_id": payment_id, "amount": amount})
    return record_decision(payment_id, decision)
