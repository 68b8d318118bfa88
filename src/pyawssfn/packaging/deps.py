"""Third-party dependencies for the Lambda: wheels for the Lambda runtime's Python and architecture, installed with
pip into a cache keyed by the requirements, runtime and architecture, so that a second build is fast and every build
bundles the same files."""
from __future__ import annotations

import hashlib
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import tomllib

from pyawssfn.deploy.choices import ARCHES, RUNTIMES  # noqa: E402,F401  (one list for the parsers and the builder)
# The glibc of each runtime's OS (all three run on Amazon Linux 2023, glibc 2.34): a manylinux wheel built for this
# glibc or an older one runs there. SAM's builder accepts the same tags, up to manylinux_2_34.
RUNTIME_GLIBC = {"python3.12": (2, 34), "python3.13": (2, 34), "python3.14": (2, 34)}
OLDEST_MANYLINUX = (2, 17)  # manylinux2014, the oldest policy wheels for these Pythons are built for


def platform_tags(runtime: str, arch: str) -> list[str]:
    """The platform tags pip may install for ``runtime`` on ``arch``, newest glibc first (pip prefers the first
    tag a release has a wheel for); ``manylinux2014`` is the legacy name of ``manylinux_2_17``."""
    major, newest = RUNTIME_GLIBC[runtime]
    machine = ARCHES[arch]
    tags = [f"manylinux_{major}_{minor}_{machine}" for minor in range(newest, OLDEST_MANYLINUX[1] - 1, -1)]
    return tags + [f"manylinux2014_{machine}"]
# The project itself and the pieces of pyawssfn the zip already carries are not dependencies to bundle.
_NOT_BUNDLED = {"pyawssfn"}


class DependencyError(Exception):
    pass


def cache_root() -> pathlib.Path:
    env = os.environ.get("PYAWSSFN_CACHE")
    return pathlib.Path(env) if env else pathlib.Path.home() / ".cache" / "pyawssfn"


def find_requirements(module_path: pathlib.Path, requirements_file: pathlib.Path | None) -> list[str]:
    """The requirement lines: from ``requirements_file`` if given, else from the ``[project].dependencies`` of the
    nearest pyproject.toml above the module (stopping at the repository root; pyawssfn's own is not the user's)."""
    from pyawssfn.packaging.requirements import RequirementError, parse_lines

    try:
        return _find_requirements(module_path, requirements_file, parse_lines)
    except RequirementError as exc:
        raise DependencyError(str(exc)) from None


def _find_requirements(module_path, requirements_file, parse_lines) -> list[str]:
    if requirements_file is not None:
        try:
            text = pathlib.Path(requirements_file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise DependencyError(f"cannot read requirements file {requirements_file}: "
                                  f"{getattr(exc, 'strerror', None) or exc}") from None
        return parse_lines(text.splitlines(), str(requirements_file))
    for d in [pathlib.Path(module_path).resolve().parent, *pathlib.Path(module_path).resolve().parent.parents]:
        pyproject = d / "pyproject.toml"
        if pyproject.is_file():
            try:
                project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise DependencyError(f"{pyproject}: not valid TOML: {exc}") from None
            if project.get("name") == "pyawssfn":
                return []
            dependencies = project.get("dependencies", [])
            if not isinstance(dependencies, list):
                raise DependencyError(f"{pyproject}: [project].dependencies must be a list of specifiers")
            return parse_lines(dependencies, f"{pyproject} [project].dependencies item")
        if (d / ".git").exists():
            break
    return []


def _cache_key(requirements: list[str], runtime: str, arch: str) -> str:
    # The tags are part of the key: widening them must not reuse what an older, narrower resolution bundled.
    blob = "\n".join([runtime, arch, *platform_tags(runtime, arch), *sorted(requirements)])
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def _pip_failure(stderr: str, runtime: str, arch: str) -> str:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip().startswith("ERROR:")]
    detail = "; ".join(ln.removeprefix("ERROR: ") for ln in lines[:3]) or stderr.strip()[-500:]
    return (f"cannot install the requirements as wheels for {runtime} on {arch}: {detail} (every dependency needs a "
            f"wheel for that runtime: pin a version that has one, or change --runtime/--arch)")


def install(requirements: list[str], runtime: str, arch: str) -> pathlib.Path:
    """A directory holding the installed requirements, built once per (requirements, runtime, arch)."""
    if runtime not in RUNTIMES:
        raise DependencyError(f"unsupported runtime {runtime!r}; choose one of {', '.join(RUNTIMES)}")
    if arch not in ARCHES:
        raise DependencyError(f"unsupported architecture {arch!r}; choose one of {', '.join(ARCHES)}")
    target = cache_root() / "deps" / _cache_key(requirements, runtime, arch)
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = pathlib.Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    try:
        req_file = staging / "requirements.txt"
        req_file.write_text("\n".join(requirements) + "\n")
        platforms = [arg for tag in platform_tags(runtime, arch) for arg in ("--platform", tag)]
        cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
               "--target", str(staging / "site"), *platforms, "--implementation", "cp",
               "--python-version", runtime.removeprefix("python"), "--only-binary=:all:", "-r", str(req_file)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise DependencyError(_pip_failure(proc.stderr, runtime, arch))
        try:
            os.replace(staging / "site", target)
        except OSError:  # built concurrently by another process: theirs is as good as ours
            if not target.is_dir():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def installed_files(site: pathlib.Path) -> dict[str, bytes]:
    files = {}
    for p in sorted(site.rglob("*")):
        rel = p.relative_to(site)
        if p.is_dir() or rel.parts[0] == "bin" or "__pycache__" in rel.parts or p.suffix in (".pyc", ".pyo"):
            continue
        if rel.parts[0].endswith(".dist-info") and p.name in ("INSTALLER", "REQUESTED", "direct_url.json"):
            continue  # depend on how pip was invoked, not on what was installed
        files[rel.as_posix()] = p.read_bytes()
    return files
