"""Analyse a short text: the proof of concept's example, written with the pyawssfn author API.

Run it as plain Python (``summarise("a short example")``), or compile it with ``pyawssfn compile
examples/analyse_text.py``: every call to a step function below becomes one Lambda Task.
"""
import pyawssfn as sfn


class TextTooShortError(ValueError):
    pass


def get_summary(text: str) -> dict[str, object]:
    if len(text) == 0:
        raise TextTooShortError("text is empty")
    return {"head": text[0]}


# A flaky enrichment service would fail now and then: let Step Functions retry it.
@sfn.task(retry=sfn.Retry(errors=["States.ALL"], interval=1, max_attempts=2, backoff=1.5))
def augment_summary(text: str, summary: dict[str, object]) -> dict[str, object]:
    return {**summary, "n_characters": len(text)}


def get_n_vowels(text: str) -> int:
    return sum(1 for c in text if c in "aeiou")


def get_n_spaces(text: str) -> int:
    return text.count(" ")


def format_result(summary: dict[str, object], infos: list[int]) -> str:
    return (f'text starts with {summary["head"]}, has {summary["n_characters"]} chars,'
            f' {infos[0]} vowels, and {infos[1]} spaces')


def format_c_result(summary: dict[str, object]) -> str:
    return f'text starts with "c"; look: "{summary["head"]}"'


@sfn.workflow
def summarise(text: str) -> str:
    try:
        summary = get_summary(text)
    except TextTooShortError:
        raise sfn.Fail("MalformedText", "text too short")
    if summary["head"] == "a" or summary["head"] == "b":
        summary = augment_summary(text, summary)

        def get_n_vowels_task() -> int:
            result = get_n_vowels(text)
            return result

        def get_n_spaces_task() -> int:
            result = get_n_spaces(text)
            return result

        more_info = sfn.parallel(get_n_vowels_task, get_n_spaces_task)
        result = format_result(summary, more_info)
    elif summary["head"] == "c":
        result = format_c_result(summary)
    else:
        raise sfn.Fail("MalformedText", "wrong starting letter")
    return result
