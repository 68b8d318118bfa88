"""Expense approval: a manager has an hour; silence escalates to a director with a day; a rejection stops."""
import pyawssfn as sfn


class Rejected(Exception):
    pass


def ask(token, who, claim_id, amount):
    return {"to": who, "claim": claim_id, "amount": amount}


def pay(claim_id, amount):
    return {"claim": claim_id, "paid": amount}


@sfn.workflow
def expense(claim_id, amount):
    approver = "manager"
    try:
        answer = sfn.wait_for_callback(ask, "manager", claim_id, amount, timeout=3600)
    except sfn.Fail:
        approver = "director"
        answer = sfn.wait_for_callback(ask, "director", claim_id, amount, timeout=86400)
    if not answer["ok"]:
        raise Rejected(f"{approver} said no: {answer.get('why', 'no reason')}")
    receipt = pay(claim_id, amount)
    return {"approver": approver, **receipt}
