"""docs/deploying.md: every command of the walkthrough runs as written against moto's server."""
from __future__ import annotations

import re
import shlex

from pyawssfn.cli import main

from .conftest import REPO_DOCS

DOC_ENDPOINT = "http://127.0.0.1:5000"


def commands() -> list[str]:
    text = (REPO_DOCS / "deploying.md").read_text()
    return [line.strip() for block in re.findall(r"```bash\n(.*?)```", text, re.S)
            for line in block.splitlines() if line.strip()]


class VirtualClock:
    """watch's polling sleeps on this clock, so `--timeout 3` costs no real time."""

    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_walkthrough_commands_run_as_written(moto_url, monkeypatch, tmp_path, capsys):
    from pyawssfn.deploy import executions
    clock = VirtualClock()
    monkeypatch.setattr(executions, "time", clock)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(REPO_DOCS.parent / "examples")
    cmds = commands()
    assert sum(c.startswith("pyawssfn ") for c in cmds) >= 10
    ran = []
    for cmd in cmds:
        if cmd.startswith("moto_server "):
            assert cmd == "moto_server -H 127.0.0.1 -p 5000 &"   # the fixture's server stands in for it
            continue
        if cmd.startswith("export "):
            for assignment in shlex.split(cmd)[1:]:
                key, _, value = assignment.partition("=")
                monkeypatch.setenv(key, value)
            continue
        assert cmd.startswith("pyawssfn "), f"the walkthrough may only hold pyawssfn commands: {cmd}"
        argv = [a.replace(DOC_ENDPOINT, moto_url) for a in shlex.split(cmd)[1:]]
        code = main(argv)
        out, err = capsys.readouterr()
        expected = 1 if argv[0] == "watch" else 0      # the doc says: on moto, watch gives up after --timeout
        assert code == expected, f"{cmd}\nexit {code}\n{out}\n{err}"
        ran.append((argv[0], out))
    assert clock.now == 3.0          # watch polled at 0, 1, 2 and 3 s, then gave up rather than pass 3 s
    deploys = [out for name, out in ran if name == "deploy"]
    assert "created" in deploys[0] and "nothing changed" in deploys[1]
    assert (tmp_path / "function.zip").is_file() and (tmp_path / "template.json").is_file()
