"""The documentation's examples run as written, so that they cannot rot.

Markers (an HTML comment on the last non-blank line before a fenced block):

* ``<!-- doc-test: module NAME.py -->`` before a ```python block writes it to NAME.py in the page's workspace;
* ``<!-- doc-test: run -->`` before a ```python block runs it there (the modules written so far are importable);
  it must exit 0, so it states its expectations with ``assert``;
* ``<!-- doc-test: pytest NAME.py -->`` before a ```python block writes it as NAME.py and runs pytest on it;
* ``<!-- doc-test: stdout -->`` before any block: the exact standard output of the command run just before it (a
  ```json block is compared as JSON, so the page may pretty-print it); ``<!-- doc-test: stderr -->`` the same for
  its standard error.

Python blocks without a marker are not run. In README.md, docs/guide.md, docs/cli.md, docs/limits-and-costs.md and
examples/README.md every ``pyawssfn ...`` line of a shell block (```bash, ```sh, ```shell or an untagged block) is
run, except those that need AWS (deploy, start, history, watch, callback: tests/deploy/test_walkthrough.py runs
those against moto). A ``# exit N`` comment at the end of a line gives the exit status it must have (0 otherwise).

Each page runs in its own temporary workspace holding a copy of examples/, its blocks and commands in page order,
so a page can write a module, compile it, then run the output. A failure names the page and line.
"""
from __future__ import annotations

import atexit
import dataclasses
import json
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(sys.executable).parent
CONSOLE_SCRIPT = BIN / "pyawssfn"

SHELL_PAGES = ["README.md", "docs/guide.md", "docs/cli.md", "docs/limits-and-costs.md", "examples/README.md"]
OWN_PAGES = ["docs/guide.md", "docs/cli.md", "docs/limits-and-costs.md"]
NEEDS_AWS = {"deploy", "start", "history", "watch", "callback"}
SHELL_LANGS = {"bash", "sh", "shell", ""}

# Lines of pages this test does not own that are known to be wrong. Each is still run and must still fail: once it
# works, this test fails until the entry is removed. Key: (page, the command as written).
KNOWN_BROKEN: dict[tuple[str, str], str] = {
    # ("examples/README.md", "pyawssfn run FILE '{...}'"): "the input needs --input",  (the form of an entry)
}

MARKER = re.compile(r"^\s*<!--\s*doc-test:\s*(.*?)\s*-->\s*$")
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+-]*)")
EXIT_COMMENT = re.compile(r"#\s*exit\s+(\d+)\s*$")
PYAWSSFN = re.compile(r"^(?:\S*/)?pyawssfn(?=\s|$)")
# `pytest FILE` lines of a page run too, as a user types them (docs/guide.md step 6).
PYTEST_LINE = re.compile(r"^(?:\S*/)?pytest(?=\s|$)")


@dataclasses.dataclass
class Block:
    page: str
    line: int            # 1-based line of the opening fence
    lang: str
    text: str
    marker: str | None   # the doc-test marker's words, or None

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def parse_blocks(page: str, text: str) -> list[Block]:
    """Fenced blocks in page order, each with the marker just before it. A marker that precedes no block is an
    error, so that a typo cannot silently switch a check off."""
    blocks: list[Block] = []
    lines = text.splitlines()
    pending: tuple[str, int] | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        m = MARKER.match(line)
        if m:
            if pending:
                raise AssertionError(f"{page}:{pending[1]}: doc-test marker not followed by a fenced block")
            pending = (m.group(1), i + 1)
            i += 1
            continue
        f = FENCE.match(line)
        if f:
            indent, fence, lang = f.groups()
            body = []
            j = i + 1
            while j < len(lines) and not lines[j].strip().startswith(fence[0] * len(fence)):
                body.append(lines[j][len(indent):] if lines[j].startswith(indent) else lines[j])
                j += 1
            blocks.append(Block(page, i + 1, lang.lower(), "\n".join(body) + "\n", pending[0] if pending else None))
            pending = None
            i = j + 1
            continue
        if line.strip() and pending:
            raise AssertionError(f"{page}:{pending[1]}: doc-test marker not followed by a fenced block")
        i += 1
    if pending:
        raise AssertionError(f"{page}:{pending[1]}: doc-test marker not followed by a fenced block")
    return blocks


@dataclasses.dataclass
class Command:
    line: int
    text: str            # as written on the page (one logical line)
    expected_exit: int


def shell_commands(block: Block) -> list[Command]:
    """The pyawssfn commands of a shell block: logical lines (backslash continuations joined), each split at `&&`
    so that install one-liners contribute only their pyawssfn part."""
    out = []
    logical, start = "", None
    for k, raw in enumerate(block.text.splitlines()):
        if start is None:
            start = block.line + 1 + k
        if raw.rstrip().endswith("\\"):
            logical += raw.rstrip()[:-1] + " "
            continue
        logical += raw
        m = EXIT_COMMENT.search(logical)
        expected = int(m.group(1)) if m else 0
        for part in logical.split("&&"):
            part = part.strip()
            if PYAWSSFN.match(part) or PYTEST_LINE.match(part):
                out.append(Command(start, part, expected))
        logical, start = "", None
    return out


def subcommand(command: str) -> str:
    words = shlex.split(command, comments=True)
    return words[1] if len(words) > 1 else ""


def _tail(text: str, n: int = 25) -> str:
    lines = text.rstrip().splitlines()
    return "\n".join(("    " + ln) for ln in lines[-n:])


# Starting a fresh Python for each of a page's commands costs most of this test's time (the CLI imports boto3, rich,
# the compiler and the executor). A small server imports them once and forks a child per command: each command
# still runs in a process of its own that has run nothing else, with its own working directory, environment,
# sys.path and file descriptors, as `pyawssfn ...` or `python file.py` would. Lines using the shell (pipes,
# redirections, variables) go to bash instead.
FORK_SERVER = r"""
import json, os, runpy, sys, traceback
import pyawssfn.cli, pyawssfn.compiler, pyawssfn.local, pyawssfn.testing, pyawssfn.pyrun, rich.console
_requests, _replies = sys.stdin, os.fdopen(os.dup(1), "w")


def _warm_up():
    # Load what the commands load lazily on first use (models, validators, JSONata), in a directory of its own.
    import contextlib, io, tempfile
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()):
        flow = os.path.join(tmp, "warm_up_flow.py")
        with open(flow, "w") as fh:
            fh.write("import pyawssfn as sfn\n\ndef step(x):\n    return x\n\n@sfn.workflow\ndef warm(x):\n"
                     "    y = [step(i) for i in x]\n    if len(y) > 1:\n        sfn.sleep(1)\n    return step(y)\n")
        for argv in (["validate", flow], ["run", flow, "--input", '{"x": [1, 2]}', "--compare", "--json"],
                     ["graph", flow], ["template", flow], ["package", flow, "-o", os.path.join(tmp, "f.zip")]):
            try:
                pyawssfn.cli.main(argv)
            except BaseException:
                pass


_warm_up()
for line in _requests:
    req = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.chdir(req["cwd"])
            os.environ.clear()
            os.environ.update(req["env"])
            null = os.open(os.devnull, os.O_RDONLY)
            out = os.open(req["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            err = os.open(req["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            for fd, target in ((null, 0), (out, 1), (err, 2)):
                os.dup2(fd, target)
            sys.stdin = open(0, "r", closefd=False)
            sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
            sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
            sys.argv = list(req["argv"])
            sys.path[0] = req["path0"]
            try:
                if req["kind"] == "cli":
                    code = pyawssfn.cli.main(req["argv"][1:])
                elif req["kind"] == "script":
                    runpy.run_path(req["argv"][0], run_name="__main__")
                    code = 0
                else:
                    import pytest
                    code = int(pytest.main(req["argv"][1:]))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
                if not isinstance(exc.code, int) and exc.code is not None:
                    print(exc.code, file=sys.stderr)
            except BaseException:
                traceback.print_exc()
                code = 1
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code if isinstance(code, int) else 1)
    _, status = os.waitpid(pid, 0)
    _replies.write(json.dumps({"code": os.waitstatus_to_exitcode(status)}) + "\n")
    _replies.flush()
"""
_SERVER: list[subprocess.Popen] = []


def _fork_server() -> subprocess.Popen:
    """One server per test process; it keeps no state between requests (each names its directory and
    environment), so the pages can share it."""
    if not _SERVER or _SERVER[0].poll() is not None:
        _SERVER[:] = [subprocess.Popen([sys.executable, "-c", FORK_SERVER], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, text=True, cwd=tempfile.gettempdir(),
                                       env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})]
        atexit.register(_stop_server, _SERVER[0])
    return _SERVER[0]


def _stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.stdin.close()
        server.wait(timeout=60)


SHELL_SYNTAX = {"|", "||", "&", "&&", ";", ">", ">>", "<", "<<", "2>", "2>&1", "(", ")"}


class Workspace:
    def __init__(self, root: pathlib.Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        shutil.copytree(REPO / "examples", root / "examples",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        self.env = {**os.environ,
                    "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
                    "PYAWSSFN_CACHE": str(root / ".cache"),
                    "COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb", "PYTHONDONTWRITEBYTECODE": "1"}
        for name in ("PYAWSSFN_DEBUG", "PYTHONPATH", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER", "PYTEST_CURRENT_TEST"):
            self.env.pop(name, None)
        self._count = 0

    def _forked(self, kind: str, argv: list[str], path0: str) -> subprocess.CompletedProcess:
        server = _fork_server()
        self._count += 1
        out, err = self.root / f".doc-test-{self._count}.out", self.root / f".doc-test-{self._count}.err"
        request = {"kind": kind, "argv": argv, "cwd": str(self.root), "env": self.env, "path0": path0,
                   "stdout": str(out), "stderr": str(err)}
        server.stdin.write(json.dumps(request) + "\n")
        server.stdin.flush()
        reply = server.stdout.readline()
        if not reply:
            raise RuntimeError("the doc-test fork server died")
        result = subprocess.CompletedProcess(argv, json.loads(reply)["code"], out.read_text(encoding="utf-8"),
                                             err.read_text(encoding="utf-8"))
        out.unlink()
        err.unlink()
        return result

    def shell(self, command: str) -> subprocess.CompletedProcess:
        lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words = list(lexer)
        if not any(w in SHELL_SYNTAX for w in words) and not any(c in command for c in "$`*?~"):
            # The console script runs with its own directory first on sys.path, not the working directory.
            return self._forked("cli", [str(CONSOLE_SCRIPT), *words[1:]], str(BIN))
        script = PYAWSSFN.sub(lambda _: shlex.quote(str(CONSOLE_SCRIPT)), command, count=1)
        return subprocess.run(["bash", "-c", "set -o pipefail\n" + script], cwd=self.root, env=self.env,
                              capture_output=True, text=True, timeout=300)

    def pytest_line(self, command: str) -> subprocess.CompletedProcess:
        """`pytest ARGS` as written, from the workspace: the pytest script's own directory first on sys.path, no
        --rootdir (pytest finds it as it would for the user)."""
        words = shlex.split(command, comments=True)
        return self._forked("pytest", ["pytest", "-p", "no:cacheprovider", *words[1:]], str(BIN))

    def python(self, path: pathlib.Path) -> subprocess.CompletedProcess:
        """`python path`: the script's directory first on sys.path."""
        return self._forked("script", [str(path)], str(path.parent))

    def pytest(self, path: pathlib.Path) -> subprocess.CompletedProcess:
        """`python -m pytest -q path`, from the workspace."""
        return self._forked("pytest", ["pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(self.root),
                                       str(path)], str(self.root))


def _same_output(block: Block, actual: str) -> bool:
    if block.lang == "json":
        try:
            return json.loads(block.text) == json.loads(actual)
        except ValueError:
            return False
    norm = lambda s: "\n".join(ln.rstrip() for ln in s.strip("\n").splitlines())  # noqa: E731
    return norm(block.text) == norm(actual)


def check_page(page: str, root: pathlib.Path) -> list[str]:
    """Runs a page; returns one message per failure (empty: the page works as written)."""
    blocks = parse_blocks(page, (REPO / page).read_text(encoding="utf-8"))
    return _run_blocks(page, blocks, Workspace(root))


def _run_blocks(page: str, blocks: list[Block], ws: Workspace) -> list[str]:
    run_shell = page in SHELL_PAGES
    failures: list[str] = []
    last: tuple[str, subprocess.CompletedProcess] | None = None
    for block in blocks:
        verb, _, arg = (block.marker or "").partition(" ")
        if verb in ("stdout", "stderr"):
            if last is None:
                failures.append(f"{block.where}: expected output, but no command ran before it")
                continue
            actual = last[1].stdout if verb == "stdout" else last[1].stderr
            if not _same_output(block, actual):
                failures.append(f"{block.where}: the {verb} of `{last[0]}` differs from the page; it printed:\n"
                                f"{_tail(actual, 60)}")
            continue
        if block.lang == "python" and verb in ("module", "run", "pytest"):
            name = arg.strip() or f"doc_block_{block.line}.py"
            if verb != "run" and not re.fullmatch(r"[A-Za-z_][\w/]*\.py", name):
                failures.append(f"{block.where}: `doc-test: {verb}` needs a file name NAME.py, not {name!r}")
                continue
            path = ws.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(block.text, encoding="utf-8")
            if verb == "module":
                continue
            proc = ws.pytest(path) if verb == "pytest" else ws.python(path)
            last = (f"python block at {block.where}", proc)
            if proc.returncode != 0:
                failures.append(f"{block.where}: the python block failed (exit {proc.returncode}):\n"
                                f"{_tail(proc.stdout + proc.stderr)}")
            continue
        if block.marker is not None:
            failures.append(f"{block.where}: unknown doc-test marker {block.marker!r} on a {block.lang or 'plain'}"
                            f" block (module NAME.py, run and pytest NAME.py take a python block; stdout and stderr any)")
            continue
        if not (run_shell and block.lang in SHELL_LANGS):
            continue
        for cmd in shell_commands(block):
            if subcommand(cmd.text) in NEEDS_AWS:
                continue
            proc = ws.pytest_line(cmd.text) if PYTEST_LINE.match(cmd.text) else ws.shell(cmd.text)
            last = (cmd.text, proc)
            known = KNOWN_BROKEN.get((page, cmd.text))
            ok = proc.returncode == cmd.expected_exit
            if known and ok:
                failures.append(f"{page}:{cmd.line}: `{cmd.text}` works now: remove it from KNOWN_BROKEN")
            elif not known and not ok:
                failures.append(f"{page}:{cmd.line}: `{cmd.text}` exited {proc.returncode}, the page expects "
                                f"{cmd.expected_exit}:\n{_tail(proc.stdout + proc.stderr)}")
    return failures


def pages() -> list[str]:
    found = ["README.md", "examples/README.md"] + sorted(
        str(p.relative_to(REPO)) for p in (REPO / "docs").glob("*.md"))
    return [p for p in found if (REPO / p).is_file()]


@pytest.mark.parametrize("page", pages())
def test_page_runs_as_written(page, tmp_path):
    failures = check_page(page, tmp_path)
    assert not failures, f"{len(failures)} example(s) of {page} do not work as written:\n" + "\n".join(failures)


def test_known_broken_lines_are_still_on_their_pages():
    for (page, command), reason in KNOWN_BROKEN.items():
        written = [c.text for b in parse_blocks(page, (REPO / page).read_text(encoding="utf-8"))
                   if b.lang in SHELL_LANGS for c in shell_commands(b)]
        assert command in written, f"{page} no longer has `{command}` ({reason}): remove it from KNOWN_BROKEN"


@pytest.mark.parametrize("page", OWN_PAGES)
def test_own_pages_check_every_example(page):
    """The user guide's own pages hold no python block that the test would skip, and run real commands."""
    blocks = parse_blocks(page, (REPO / page).read_text(encoding="utf-8"))
    unchecked = [b.where for b in blocks if b.lang == "python" and b.marker is None]
    assert not unchecked, f"python blocks without a doc-test marker: {unchecked}"
    commands = [c for b in blocks if b.lang in SHELL_LANGS for c in shell_commands(b)]
    assert commands, f"{page} runs no pyawssfn command"


# The checker checks itself: each rule must be able to fail.

def _page(tmp_path, monkeypatch, text: str, name: str = "docs/guide.md") -> list[str]:
    repo = tmp_path / "repo"
    if not repo.exists():
        (repo / "docs").mkdir(parents=True)
        shutil.copytree(REPO / "examples", repo / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    (repo / name).write_text(text)
    monkeypatch.setattr(sys.modules[__name__], "REPO", repo)
    ws = tmp_path / "ws"
    shutil.rmtree(ws, ignore_errors=True)
    return check_page(name, ws)


def test_checker_reports_wrong_exit_status_with_page_and_line(tmp_path, monkeypatch):
    text = "# t\n\n```bash\npyawssfn validate examples/analyse_text.py\npyawssfn run missing.py  # exit 0\n```\n"
    failures = _page(tmp_path, monkeypatch, text)
    assert len(failures) == 1 and failures[0].startswith("docs/guide.md:5: `pyawssfn run missing.py  # exit 0`")
    assert "exited 2" in failures[0] and "no such file" in failures[0]


def test_checker_runs_modules_blocks_and_compares_output(tmp_path, monkeypatch):
    text = ("<!-- doc-test: module flow.py -->\n```python\nimport pyawssfn as sfn\n\n\ndef two():\n    return 2\n\n\n"
            "@sfn.workflow\ndef flow(x):\n    return two() + x\n```\n\n"
            "```bash\npyawssfn run flow.py --input '{\"x\": 1}' --json\n```\n"
            "<!-- doc-test: stdout -->\n```json\n{\"status\": \"SUCCEEDED\", \"output\": 4, \"error\": null, "
            "\"cause\": null, \"stats\": {\"states_entered\": 1, \"state_transitions\": 1, \"lambda_invocations\": 1}}"
            "\n```\n<!-- doc-test: run -->\n```python\nfrom flow import flow\nassert flow(1) == 4\n```\n")
    failures = _page(tmp_path, monkeypatch, text)
    assert len(failures) == 2
    assert failures[0].startswith("docs/guide.md:19: the stdout of `pyawssfn run flow.py")
    assert '"output": 3' in failures[0]
    assert failures[1].startswith("docs/guide.md:23: the python block failed") and "AssertionError" in failures[1]


def test_checker_refuses_stray_and_unknown_markers(tmp_path, monkeypatch):
    with pytest.raises(AssertionError, match=r"docs/guide.md:1: doc-test marker not followed"):
        _page(tmp_path, monkeypatch, "<!-- doc-test: run -->\nsome prose\n```python\nx = 1\n```\n")
    failures = _page(tmp_path, monkeypatch, "<!-- doc-test: runn -->\n```python\nx = 1\n```\n")
    assert failures and "unknown doc-test marker 'runn'" in failures[0]


def test_checker_skips_aws_commands_and_unmarked_python(tmp_path, monkeypatch):
    text = ("```bash\npyawssfn deploy examples/analyse_text.py --name x\n"
            "pyawssfn start x --endpoint-url http://127.0.0.1:9\n```\n```python\nraise SystemExit(1)\n```\n")
    assert _page(tmp_path, monkeypatch, text) == []


def test_shell_commands_join_continuations_and_split_chains():
    block = Block("p.md", 10, "bash",
                  "python3 -m venv .venv && .venv/bin/pyawssfn run a.py --input '{}'\n"
                  "pyawssfn compile a.py \\\n    -o out.json   # exit 2\n", None)
    cmds = shell_commands(block)
    assert [(c.line, c.text, c.expected_exit) for c in cmds] == [
        (11, ".venv/bin/pyawssfn run a.py --input '{}'", 0),
        (12, "pyawssfn compile a.py      -o out.json   # exit 2", 2)]


def test_checker_runs_pytest_blocks(tmp_path, monkeypatch):
    text = ("<!-- doc-test: pytest test_x.py -->\n```python\ndef test_ok():\n    assert 1 + 1 == 2\n\n\n"
            "def test_wrong():\n    assert 1 + 1 == 3\n```\n")
    failures = _page(tmp_path, monkeypatch, text)
    assert len(failures) == 1 and failures[0].startswith("docs/guide.md:2: the python block failed")
    assert "1 failed, 1 passed" in failures[0]


def test_checker_excludes_known_broken_lines_only_while_they_fail(tmp_path, monkeypatch):
    text = "```bash\npyawssfn run nowhere.py\npyawssfn validate examples/polling.py\n```\n"
    monkeypatch.setattr(sys.modules[__name__], "KNOWN_BROKEN", {
        ("docs/guide.md", "pyawssfn run nowhere.py"): "no such file",
        ("docs/guide.md", "pyawssfn validate examples/polling.py"): "pretend it was broken"})
    failures = _page(tmp_path, monkeypatch, text)
    assert failures == ["docs/guide.md:3: `pyawssfn validate examples/polling.py` works now: remove it from "
                        "KNOWN_BROKEN"]


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


@pytest.mark.parametrize("page", OWN_PAGES)
def test_own_pages_links_resolve(page):
    text = (REPO / page).read_text(encoding="utf-8")
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+://", target):
            continue
        path, _, anchor = target.partition("#")
        file = (REPO / page).parent / path if path else REPO / page
        if not file.is_file():
            broken.append(target)
        elif anchor and file.suffix == ".md":
            headings = re.findall(r"^#+\s+(.*)$", file.read_text(encoding="utf-8"), re.M)
            if anchor not in {_slug(h) for h in headings}:
                broken.append(target)
    assert not broken, f"{page}: links to nothing: {broken}"


def test_slug_matches_github():
    assert _slug("History: 25,000 events") == "history-25000-events"
    assert _slug("Mocks: serving other services") == "mocks-serving-other-services"
    assert _slug("`pyawssfn validate` and `pyawssfn graph`") == "pyawssfn-validate-and-pyawssfn-graph"
