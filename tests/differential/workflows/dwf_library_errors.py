"""Issue #12: a step raising an exception class of another library (json.JSONDecodeError derives from ValueError),
retried and caught by the builtin base class it derives from."""
import decimal
import json

import pyawssfn as sfn


@sfn.task(retry=sfn.Retry(errors=[ValueError], interval=1, max_attempts=1))
def parse_retried(text):
    return json.loads(text)


def parse(text):
    return json.loads(text)


@sfn.workflow
def retried_by_base(text):
    return parse_retried(text)


@sfn.workflow
def caught_by_base(text):
    try:
        return parse(text)
    except ValueError as e:
        return ["caught", type(e).__name__]


@sfn.workflow
def fail_handler(text):
    try:
        return parse(text)
    except sfn.Fail:  # a library's error is not an sfn.Fail: it goes through
        return "fail"


def parse_number(text):
    return str(decimal.Decimal(text) / decimal.Decimal(0))


@sfn.workflow
def caught_by_library_base(text):
    try:
        return parse_number(text)
    except decimal.DecimalException as e:  # DivisionByZero and InvalidOperation derive from it
        return ["caught", type(e).__name__]
