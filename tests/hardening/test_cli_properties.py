"""Every command, driven with generated bad input (files, encodings, JSON, options, paths), ends with a message and
exit status 0, 1 or 2: never exit 3 (internal error), never a traceback, and nothing outside its temporary folder
changes. Bounded to about a minute (max_examples); HYPOTHESIS_PROFILE is not needed."""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pathlib
import sys
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyawssfn.cli import main

WORKFLOW = ("import pyawssfn as sfn\n\n\ndef step(x: int) -> int:\n    return x + 1\n\n\n@sfn.workflow\n"
            "def flow(x: int) -> int:\n    return step(x)\n")
PASS = '{"StartAt": "a", "States": {"a": {"Type": "Pass", "End": true}}}'

# Files a careless or hostile user could name: (name, bytes). Written fresh in each example's folder.
FILES = {
    "flow.py": WORKFLOW.encode(),
    "bom.py": b"\xef\xbb\xbf" + WORKFLOW.encode(),
    "latin.py": b"# -*- coding: latin-1 -*-\n" + WORKFLOW.replace("x + 1", "x + len('\xe9')").encode("latin-1"),
    "badcookie.py": b"# -*- coding: no-such-codec -*-\nx = 1\n",
    "undecodable.py": b"x = '\xff\xfe'\n",
    "nul.py": b"x = 1\0\n",
    "syntax.py": b"def (:\n",
    "deep.py": (WORKFLOW.replace("step(x)", "step(" + "(" * 300 + "x" + ")" * 300 + ")")).encode(),
    "long.py": (WORKFLOW.replace("step(x)", "step(x" + " + 1" * 1500 + ")")).encode(),
    "def.json": PASS.encode(),
    "array.json": b"[]",
    "deep.json": b"[" * 5000 + b"]" * 5000,
    "inf.json": b'{"a": 1e400}',
    "nan.json": b'{"a": NaN}',
    "surrogate.json": b'{"a": "\\ud800"}',
    "latin.json": '{"a": "\xe9"}'.encode("latin-1"),
    "empty.json": b"",
    "garbage.bin": bytes(range(256)) * 4,
}
NAMES = st.sampled_from([*FILES, "missing.py", "missing.json", "adir.py", "adir", "-", "/dev/null", "outward.py"])
JSON_TEXT = st.sampled_from(['{"x": 1}', "{}", "[]", "null", "1e400", '{"x": NaN}', '"\\ud800"', "{", "",
                             "[" * 3000 + "]" * 3000, '{"x": "' + "a" * 300_000 + '"}', "@missing.json",
                             "@deep.json", "@inf.json", "@adir", "@-", "@/dev/null", "@surrogate.json",
                             '{"x": 123456789012345678901234567890}'])
STAMPS = st.sampled_from(["9999-12-31T23:59:59Z", "0001-01-01T00:00:00+05:00", "not a time", "2024-01-01",
                          "2024-13-45T99:99:99Z", "2024-01-01T00:00:00Z"])
OUTPUTS = st.sampled_from(["out.json", "flow.py", "adir", "ro/out.txt", "missing-dir/out.txt", "-", "def.json"])
STDIN = st.sampled_from([b"", WORKFLOW.encode(), PASS.encode(), b"\xff\xfe\x00", b"[" * 5000])


def _options(command: str):
    common = st.fixed_dictionaries({}, optional={"--workflow": st.sampled_from(["flow", "nope", ""])})
    extra = {
        "compile": {"-o": OUTPUTS, "--force": st.just(None)},
        "run": {"--input": JSON_TEXT, "--start-time": STAMPS, "--seed": st.sampled_from(["-1", "0", "x", "9" * 30]),
                "--callback": st.sampled_from(["step=1", "nope=1", "=", "step=[1e400]"]),
                "--mock-aws": st.sampled_from(["s3.getObject={", "x=1", "s3.getObject=1"])},
        "exec": {"--input": JSON_TEXT, "--start-time": STAMPS, "--mocks": NAMES,
                 "--lambda": st.sampled_from(["f=flow.py", "f=nope:fn", "f=/dev/null", "f=adir.py:x", "x"])},
        "validate": {"--type": st.sampled_from(["STANDARD", "EXPRESS"])},
        "graph": {"-o": OUTPUTS, "--force": st.just(None), "--format": st.sampled_from(["mermaid", "dot", "html"])},
        "package": {"-o": OUTPUTS, "--force": st.just(None), "--requirements": NAMES,
                    "--include": st.sampled_from([".env", "../x", "*.json", "nothing*"])},
        "template": {"-o": OUTPUTS, "--force": st.just(None), "--memory": st.sampled_from(["5", "128", "x"]),
                     "--env": st.sampled_from(["A=1", "AWS_REGION=x", "=", "1A=2"])},
        "deploy": {"--name": st.sampled_from(["ok-name", "bad name!", "x" * 70]), "--endpoint-url": DEAD,
                   "--memory": st.sampled_from(["5", "256"]), "--timeout": st.sampled_from(["0", "901", "60"]),
                   "--env": st.sampled_from(["A=1", "AWS_REGION=x"]), "--requirements": NAMES},
        "start": {"--input": JSON_TEXT, "--endpoint-url": DEAD, "--interval": st.sampled_from(["nan", "-1", "1"])},
        "history": {"--endpoint-url": DEAD, "--json": st.just(None)},
        "watch": {"--endpoint-url": DEAD, "--interval": st.sampled_from(["nan", "-1", "inf"])},
    }[command]
    return common.flatmap(lambda base: st.fixed_dictionaries({}, optional=extra).map(lambda o: {**base, **o}))


COMMANDS = ["compile", "run", "exec", "validate", "graph", "package", "template", "deploy", "start", "history",
            "watch", "callback"]
# Nothing listens there: AWS commands fail at their first call, as with a wrong --endpoint-url.
DEAD = st.just("http://127.0.0.1:9")


@st.composite
def invocations(draw):
    command = draw(st.sampled_from(COMMANDS))
    if command == "callback":
        action = draw(st.sampled_from(["succeed", "fail", "heartbeat"]))
        argv = ["callback", action, draw(st.sampled_from(["tok", "", "x" * 2000])), "--endpoint-url",
                "http://127.0.0.1:9"]
        if action == "succeed":
            argv += ["--output", draw(JSON_TEXT)]
        return argv, draw(STDIN)
    arns = st.sampled_from(["arn:aws:states:us-east-1:123456789012:execution:m:e", "not-an-arn", "", "arn:::::"])
    if command in ("start", "history", "watch"):
        source = draw(arns)
    else:
        source = draw(st.one_of(NAMES, JSON_TEXT) if command in ("exec", "validate", "graph") else NAMES)
    argv = [command, source]
    for option, value in draw(_options(command)).items():
        argv += [option] if value is None else [option, value]
    return argv, draw(STDIN)


def _tree_digest(root: pathlib.Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        h.update(str(p.relative_to(root)).encode())
        if p.is_file() and not p.is_symlink():
            h.update(p.read_bytes())
    return h.hexdigest()


@contextlib.contextmanager
def _sandbox(stdin: bytes):
    with tempfile.TemporaryDirectory(prefix="pyawssfn-prop-") as tmp:
        root = pathlib.Path(tmp)
        work, outside = root / "work", root / "outside"
        work.mkdir()
        outside.mkdir()
        (outside / "secret.txt").write_text("AWS_SECRET_ACCESS_KEY=x\n")
        for name, data in FILES.items():
            (work / name).write_bytes(data)
        (work / "adir.py").mkdir()
        (work / "adir").mkdir()
        (work / "ro").mkdir()
        os.symlink(outside / "secret.txt", work / "outward.py")
        old_cwd, old_stdin = os.getcwd(), sys.stdin
        os.chdir(work)
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
        try:
            yield outside
        finally:
            sys.stdin = old_stdin
            os.chdir(old_cwd)


@pytest.fixture(autouse=True)
def _no_network_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("PYAWSSFN_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PYAWSSFN_OFFLINE", "1")
    for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@settings(max_examples=int(os.environ.get("PYAWSSFN_PROPERTY_EXAMPLES", "120")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(invocations())
def test_no_command_ends_in_an_internal_error(capsys, invocation):
    argv, stdin = invocation
    repo_before = _tree_digest(pathlib.Path(__file__).parent)
    with _sandbox(stdin) as outside:
        before = _tree_digest(outside)
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's own usage errors
            code = exc.code
        out, err = capsys.readouterr()
        assert code in (0, 1, 2), (argv, code, err[-500:])
        assert "Traceback" not in err and "internal error" not in err, (argv, err[-500:])
        assert _tree_digest(outside) == before, argv
    assert _tree_digest(pathlib.Path(__file__).parent) == repo_before, argv
