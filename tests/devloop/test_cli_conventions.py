"""CLI conventions of issue #11: --version, --profile on every AWS command, one metavariable style, the same runtime
and log-level lists everywhere, nothing wrapped when the output is not a terminal."""
from __future__ import annotations

import argparse
import json
import pathlib
import re
import subprocess
import sys

import pytest

from pyawssfn import _dispatch
from pyawssfn.cli import build_parser, main

REPO = pathlib.Path(__file__).resolve().parents[2]
AWS_COMMANDS = ("deploy", "start", "history", "watch", "callback")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _leaf_parsers():
    for name, sub in _subparsers(build_parser()).items():
        nested = _subparsers(sub)
        if nested:
            yield from ((f"{name} {n}", p) for n, p in nested.items())
        else:
            yield name, sub


def test_version_prints_the_package_version(capsys):
    from pyawssfn.cli import version

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    out = capsys.readouterr().out.strip()
    assert out == f"pyawssfn {version()}" and re.fullmatch(r"pyawssfn \d+\.\d+\S*", out)


@pytest.mark.parametrize("name, parser", list(_leaf_parsers()), ids=lambda v: v if isinstance(v, str) else "")
def test_options_follow_one_style(name, parser):
    options = {s: a for a in parser._actions for s in a.option_strings}
    if name.split()[0] in AWS_COMMANDS:
        assert {"--profile", "--region", "--endpoint-url"} <= options.keys()
    for action in parser._actions:
        if action.metavar is not None:  # upper-case words, | and = between alternatives
            assert re.fullmatch(r"[A-Z0-9_.\-|=:\[\]]+", action.metavar), (name, action.metavar)
        elif action.nargs != 0 and action.option_strings and action.choices is None and not isinstance(
                action, argparse._HelpAction):
            pytest.fail(f"{name} {action.option_strings[0]} has no metavariable")
    if "--runtime" in options:
        assert options["--runtime"].choices == ("python3.12", "python3.13", "python3.14")
        assert options["--runtime"].default == "python3.13"
        assert list(options["--arch"].choices) == ["arm64", "x86_64"]
    if "--log-level" in options:
        assert list(options["--log-level"].choices) == ["ALL", "ERROR", "FATAL", "OFF"]


def test_piped_output_is_not_wrapped():
    # A long output value: wrapped at 80 columns it would be split over several lines.
    text = "a " + "very " * 60 + "long text"
    proc = subprocess.run([sys.executable, "-m", "pyawssfn.cli", "run", str(REPO / "examples" / "analyse_text.py"),
                           "--input", json.dumps({"text": text})], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    last = proc.stdout.rstrip("\n").splitlines()[-1]
    assert json.loads(last).startswith("text starts with a, has")
    assert "\x1b[" not in proc.stdout  # no colour codes in a pipe either


CLI = pathlib.Path(sys.executable).parent / "pyawssfn"  # the console script, as a user's shell runs it


def _pipe(first: list[str], second: list[str], stdin=None) -> tuple[int, int, str, str]:
    """``first | second`` through a real OS pipe: (first's status, second's status, second's stdout, stderrs)."""
    a = subprocess.Popen(first, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    b = subprocess.Popen(second, stdin=a.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert a.stdout is not None
    a.stdout.close()  # the pipe now belongs to `second` alone, as in a shell
    out, err = b.communicate(timeout=300)
    a_err = a.stderr.read().decode() if a.stderr else ""
    return a.wait(timeout=300), b.returncode, out, a_err + err


def test_run_json_parses_with_json_tool():
    first, second, out, err = _pipe(
        [str(CLI), "run", str(REPO / "examples" / "analyse_text.py"), "--input", '{"text": "a short example"}',
         "--json"], [sys.executable, "-m", "json.tool"])
    assert (first, second) == (0, 0), err
    assert json.loads(out)["status"] == "SUCCEEDED"


def test_compile_from_stdin_pipes_into_validate_from_stdin():
    with open(REPO / "examples" / "order_pipeline.py", "rb") as source:
        first, second, out, err = _pipe([str(CLI), "compile", "-"], [str(CLI), "validate", "-"], stdin=source)
    assert (first, second) == (0, 0), err
    assert re.fullmatch(r"valid: \d+ states\n", out), out
    # A broken definition through the same pipe: validate reads it from stdin and refuses it with exit status 2.
    first, second, out, err = _pipe([sys.executable, "-c", "print('{\"StartAt\": \"Nowhere\", \"States\": {}}')"],
                                    [str(CLI), "validate", "-"])
    assert second == 2 and "Traceback" not in err, err


def test_unknown_profile_is_a_usage_error(capsys):
    assert main(["history", "arn:aws:states:us-east-1:1:execution:m:e", "--profile", "nope-pyawssfn"]) == 2
    assert "--profile nope-pyawssfn: no such profile" in capsys.readouterr().err


class _Steps:
    @staticmethod
    def plain(x):
        return {"got": x}

    @staticmethod
    def ask(token, x):
        return {"token": token, "x": x}


def test_a_task_token_is_refused_by_a_step_that_is_not_a_callback_step():
    event = {"step": "plain", "kwargs": {}, "task_token": "tok"}
    with pytest.raises(_dispatch.BadEvent, match="not called through sfn.wait_for_callback"):
        _dispatch.dispatch(_Steps, {"plain", "ask"}, event, callback_steps={"ask"})
    ok = _dispatch.dispatch(_Steps, {"plain", "ask"}, {"step": "ask", "kwargs": {"x": 1}, "task_token": "tok"},
                            callback_steps={"ask"})
    assert ok == {"token": "tok", "x": 1}


def test_the_handler_knows_its_callback_steps(tmp_path, monkeypatch):
    (tmp_path / "steps_mod_cb.py").write_text("def plain(x):\n    return x\n\ndef ask(token, x):\n    return token\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    handler = _dispatch.make_handler("steps_mod_cb", ["plain", "ask"], callback_steps=["ask"])
    with pytest.raises(_dispatch.BadEvent):
        handler({"step": "plain", "kwargs": {}, "task_token": "t"})
    assert handler({"step": "plain", "kwargs": {"x": 3}}) == 3
    assert handler({"step": "ask", "kwargs": {"x": 3}, "task_token": "t"}) == "t"
