"""The proof of concept's example, unchanged in spirit: written against the PoC's API (``@PSF.main``,
``PSF.StringEquals``, ``PSF.with_retry_spec``), which pyawssfn still accepts."""
import pyawssfn as PSF


class TextTooShortError(ValueError):
    pass


def get_summary(text: str) -> dict[str, object]:
    if len(text) == 0:
        raise TextTooShortError("text is empty")
    return {'head': text[0]}


def augment_summary(text: str, summary: dict[str, object]) -> dict[str, object]:
    return {**summary, 'n_characters': len(text)}


def get_n_vowels(text: str) -> int:
    return sum(1 for c in text if c in 'aeiou')


def get_n_spaces(text: str) -> int:
    return text.count(' ')


def format_result(summary: dict[str, object], infos: list[int]) -> str:
    return (f'text starts with {summary["head"]}, has {summary["n_characters"]} chars,'
            f' {infos[0]} vowels, and {infos[1]} spaces')


def format_c_result(summary: dict[str, object]) -> str:
    return f'text starts with "c"; look: "{summary["head"]}"'


@PSF.main
def summarise(text: str) -> str:
    try:
        summary = get_summary(text)
    except TextTooShortError:
        raise PSF.Fail('MalformedText', 'text too short')
    if (PSF.StringEquals(summary['head'], 'a')
            or PSF.StringEquals(summary['head'], 'b')):
        summary = PSF.with_retry_spec(augment_summary, (text, summary),
                                      (['States.ALL'], 1, 2, 1.5))

        def get_n_vowels_task() -> int:
            result = get_n_vowels(text)
            return result

        def get_n_spaces_task() -> int:
            result = get_n_spaces(text)
            return result

        more_info = PSF.parallel(get_n_vowels_task, get_n_spaces_task)
        result = format_result(summary, more_info)
    elif PSF.StringEquals(summary['head'], 'c'):
        result = format_c_result(summary)
    else:
        raise PSF.Fail('MalformedText', 'wrong starting letter')
    return result
