"""The README's quick start installs only the runtime dependencies (`pip install -e .`): the commands a user runs
must not need a dev-only package. Checked by running them with every dev-only package made unimportable."""
from __future__ import annotations

import importlib.metadata
import pathlib
import re
import subprocess
import sys
import textwrap
import tomllib

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent


def _dev_only_modules() -> list[str]:
    """The top-level modules of the distributions that only the [dev] extra installs, read from pyproject.toml."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    runtime = {re.split(r"[<>=!\[ ;]", d, maxsplit=1)[0].lower() for d in project["dependencies"]}
    dev = {re.split(r"[<>=!\[ ;]", d, maxsplit=1)[0].lower() for d in project["optional-dependencies"]["dev"]}
    only = {d.replace("_", "-") for d in dev - runtime}
    modules = {mod for mod, dists in importlib.metadata.packages_distributions().items()
               if any(dist.lower().replace("_", "-") in only for dist in dists)}
    return sorted(m for m in modules if not m.startswith("_"))


DEV_ONLY = _dev_only_modules()

SCRIPT = textwrap.dedent("""
    import importlib.abc, sys
    BLOCKED = set(sys.argv[1].split(","))

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{name} is a dev-only package")
            return None

    sys.meta_path.insert(0, Block())
    from pyawssfn.cli import main
    sys.exit(main(sys.argv[2:]))
""")


def test_the_dev_extra_is_what_is_blocked():
    assert {"pytest", "hypothesis", "moto", "cfnlint", "samtranslator"} <= set(DEV_ONLY)


@pytest.mark.parametrize("argv", [
    ["run", "examples/analyse_text.py", "--input", '{"text": "a short example"}', "--compare"],
    ["compile", "examples/analyse_text.py"],
    ["validate", "examples/analyse_text.py"],
    ["graph", "examples/analyse_text.py", "--format", "mermaid"],
    ["template", "examples/analyse_text.py", "--format", "sam"],
])
def test_commands_need_no_dev_only_package(repo_root, argv):
    proc = subprocess.run([sys.executable, "-c", SCRIPT, ",".join(DEV_ONLY), *argv], cwd=repo_root,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
