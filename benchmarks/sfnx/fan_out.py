"""examples/fan_out.py written for sfnx 3.1 (steps invoked through pyawssfn's dispatcher protocol, see
analyse_text.py)."""
from sfnx import aws, inline_map, state_machine

FUNCTION = "${FunctionArn}"


@state_machine
def make_thumbnails(input):
    images: list = input["images"]

    def thumbnail(image):
        return aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION, Payload={"step": "make_thumbnail", "kwargs": {"image": image}})["Payload"]

    thumbnails = inline_map(thumbnail, images, max_concurrency=4)

    def check(t):
        return aws.optimized.lambda_.invoke(
            FunctionName=FUNCTION, Payload={"step": "check_thumbnail", "kwargs": {"thumbnail": t}})["Payload"]

    checks = inline_map(check, thumbnails)
    return aws.optimized.lambda_.invoke(
        FunctionName=FUNCTION,
        Payload={"step": "build_report", "kwargs": {"thumbnails": thumbnails, "checks": checks}})["Payload"]
