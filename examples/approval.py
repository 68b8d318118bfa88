"""Human approval: large orders wait for a person to approve them (a callback with a task token, at most a day);
small ones go straight through. No decision within the day counts as a rejection."""
import pyawssfn as sfn

APPROVAL_LIMIT = 100


def request_approval(token: str, order_id: str, amount: int) -> dict[str, str]:
    """Ask an approver; they answer with SendTaskSuccess(token, {"approved": ..., "reason": ...})."""
    approver = "finance@example.com" if amount >= 10 * APPROVAL_LIMIT else "manager@example.com"
    return {"to": approver, "subject": f"Approve order {order_id} of {amount}?", "token": token}


def fulfil(order_id: str) -> dict[str, str]:
    return {"order_id": order_id, "status": "fulfilled"}


def notify_rejection(order_id: str, reason: str) -> dict[str, str]:
    return {"order_id": order_id, "status": "rejected", "reason": reason}


@sfn.workflow
def approve_order(order_id: str, amount: int) -> dict[str, str]:
    if amount < 100:
        return fulfil(order_id)
    try:
        decision = sfn.wait_for_callback(request_approval, order_id, amount, timeout=86400)
    except Exception:
        return notify_rejection(order_id, "no decision within a day")
    if decision["approved"]:
        return fulfil(order_id)
    return notify_rejection(order_id, decision["reason"])
