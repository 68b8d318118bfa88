import pytest

from pyawssfn.pyrun import run_workflow

BOTH = ["analyse_text", "analyse_text_poc"]


@pytest.mark.parametrize("stem", BOTH)
def test_steps(example, stem):
    m = example(stem)
    with pytest.raises(m.TextTooShortError):
        m.get_summary("")
    assert m.get_summary("hello") == {"head": "h"}
    assert m.augment_summary("abc", {"head": "a"}) == {"head": "a", "n_characters": 3}
    assert m.get_n_vowels("education") == 5 and m.get_n_spaces(" a b ") == 3
    assert m.format_result({"head": "b", "n_characters": 4}, [1, 2]) == (
        "text starts with b, has 4 chars, 1 vowels, and 2 spaces")
    assert m.format_c_result({"head": "c"}) == 'text starts with "c"; look: "c"'


@pytest.mark.parametrize("stem", BOTH)
@pytest.mark.parametrize("text,status,value", [
    ("a short example", "SUCCEEDED", "text starts with a, has 15 chars, 5 vowels, and 2 spaces"),
    ("choose wisely", "SUCCEEDED", 'text starts with "c"; look: "c"'),
    ("", "FAILED", ("MalformedText", "text too short")),
    ("zebra", "FAILED", ("MalformedText", "wrong starting letter")),
])
def test_workflow(examples_dir, stem, text, status, value):
    r = run_workflow(examples_dir / f"{stem}.py", "summarise", {"text": text})
    assert r.status == status
    assert (r.output if status == "SUCCEEDED" else (r.error, r.cause)) == value


@pytest.mark.parametrize("stem", BOTH)
def test_augment_is_retried(examples_dir, stem):
    attempts = []

    def flaky(text, summary):
        attempts.append(1)
        if len(attempts) < 3:
            raise ConnectionError("enrichment service down")
        return {**summary, "n_characters": len(text)}

    r = run_workflow(examples_dir / f"{stem}.py", "summarise", {"text": "bb"}, step_overrides={"augment_summary": flaky})
    assert r.output == "text starts with b, has 2 chars, 0 vowels, and 0 spaces"
    assert r.sleeps == [1, 1.5] and r.stats["lambda_invocations"] == 7
