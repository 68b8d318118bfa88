"""examples/analyse_text.py written for sfnx 3.1 as its users would: every step is one Lambda invoke of the same
dispatcher (`{"step": ..., "kwargs": ...}`, the protocol pyawssfn's steps Lambda answers), so that the benchmark
runs this machine with the example's real steps."""
from sfnx import aws, parallel, state_machine

FUNCTION = "${FunctionArn}"
class TextTooShortError(Exception):
    pass


class MalformedText(Exception):
    pass


RETRY = [{"ErrorEquals": [Exception], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 1.5}]


@state_machine
def summarise(input):
    text: str = input["text"]
    try:
        summary = aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION, Payload={"step": "get_summary", "kwargs": {"text": text}})["Payload"]
    except TextTooShortError:
        raise MalformedText("text too short")
    head: str = summary["head"]
    if head == "a" or head == "b":
        summary = aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION, Payload={"step": "augment_summary", "kwargs": {"text": text, "summary": summary}},
            retry=RETRY)["Payload"]

        def vowels():
            return aws.optimized.lambda_.invoke(
                FunctionName=FUNCTION, Payload={"step": "get_n_vowels", "kwargs": {"text": text}})["Payload"]

        def spaces():
            return aws.optimized.lambda_.invoke(
                FunctionName=FUNCTION, Payload={"step": "get_n_spaces", "kwargs": {"text": text}})["Payload"]

        more_info = parallel(vowels, spaces)
        return aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION,
            Payload={"step": "format_result", "kwargs": {"summary": summary, "infos": more_info}})["Payload"]
    if head == "c":
        return aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION, Payload={"step": "format_c_result", "kwargs": {"summary": summary}})["Payload"]
    raise MalformedText("wrong starting letter")
