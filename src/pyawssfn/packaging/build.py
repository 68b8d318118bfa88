"""Build the Lambda zip of a workflow module."""
from __future__ import annotations

import dataclasses
import hashlib
import pathlib

from pyawssfn.packaging import deps, handler, sources, zipfile_det


class PackageError(Exception):
    """A package could not be built; the message says why. Nothing was written."""


@dataclasses.dataclass
class PackageResult:
    path: pathlib.Path
    handler: str
    steps: list[str]
    entries: list[str]
    requirements: list[str]
    sha256: str
    modules: list[str] = dataclasses.field(default_factory=list)   # the user's Python files added
    data: list[str] = dataclasses.field(default_factory=list)      # the user's data files added
    dependency_files: int = 0                                      # files that came from the requirements


@dataclasses.dataclass
class Collected:
    files: dict[str, bytes]
    user: sources.UserFiles
    dependency_files: int


def provided_modules(files: dict[str, bytes]) -> set[str]:
    """Top-level import names the installed requirements provide (packages, modules, extension modules)."""
    tops = set()
    for name in files:
        first = name.split("/")[0]
        if "/" in name and not first.endswith((".dist-info", ".data")):
            tops.add(first)
        elif "/" not in name and name.endswith((".py", ".so", ".pyd")):
            tops.add(name.split(".")[0])
    return tops


def _check_imports(user: sources.UserFiles, provided: set[str], requirements: list[str]) -> None:
    missing = sorted((where, top) for top, where in user.imports.items() if top not in provided)
    if not missing:
        return
    lines = [f"{file}:{line}: imports {top}, which the Lambda will not have: it is not beside the module, not in "
             f"the standard library or the Lambda runtime, and no bundled requirement provides it"
             for (file, line), top in missing]
    fix = ("add the distribution that provides it to [project].dependencies of the project's pyproject.toml, or "
           "list it in the file given to --requirements")
    if requirements:
        fix += f" (bundled now: {', '.join(requirements)})"
    raise PackageError("\n".join(lines) + f"\nfix: {fix}")


def collect_all(module_path, steps, *, requirements=None, runtime="python3.13", arch="x86_64",
                include=(), callback_steps=None) -> Collected:
    """Every file of the zip, by archive name, with what was taken from the user's folder."""
    module_path = pathlib.Path(module_path)
    if not module_path.stem.isidentifier():
        raise PackageError(f"{module_path.name}: the module name must be a Python identifier to be importable "
                           f"by the Lambda")
    try:
        files: dict[str, bytes] = {}
        if requirements:
            files.update(deps.installed_files(deps.install(requirements, runtime, arch)))
        dependency_files = len(files)
        user = sources.user_files(module_path, include)
    except (deps.DependencyError, sources.SourceError) as exc:
        raise PackageError(str(exc)) from None
    _check_imports(user, provided_modules(files), requirements or [])
    files.update(user.files)
    clash = sorted(n for n in files if n.startswith("pyawssfn/") or n == f"{handler.HANDLER_MODULE}.py")
    if clash:
        raise PackageError(f"the package would overwrite pyawssfn's own files: {', '.join(clash)}")
    files.update(sources.runtime_files())
    files[f"{handler.HANDLER_MODULE}.py"] = handler.handler_source(module_path.stem, steps, callback_steps).encode()
    return Collected(files, user, dependency_files)


def collect(module_path, steps, *, requirements=None, runtime="python3.13", arch="x86_64", include=(),
            callback_steps=None) -> dict[str, bytes]:
    """Every file of the zip, by archive name."""
    return collect_all(module_path, steps, requirements=requirements, runtime=runtime, arch=arch,
                       include=include, callback_steps=callback_steps).files


def build_package(module_path, steps, out, *, force=False, requirements_file=None, runtime="python3.13",
                  arch="x86_64", include=(), callback_steps=None) -> PackageResult:
    """Write the deterministic Lambda zip for ``module_path`` serving ``steps`` to ``out``."""
    out = pathlib.Path(out)
    if out.is_dir():
        raise PackageError(f"{out} is a directory; name the zip file to write")
    if out.exists() and not force:
        raise PackageError(f"{out} exists; pass --force to overwrite it")
    if runtime not in deps.RUNTIMES:
        raise PackageError(f"unsupported runtime {runtime!r}; choose one of {', '.join(deps.RUNTIMES)}")
    if arch not in deps.ARCHES:
        raise PackageError(f"unsupported architecture {arch!r}; choose one of {', '.join(deps.ARCHES)}")
    try:
        reqs = deps.find_requirements(module_path, requirements_file)
    except deps.DependencyError as exc:
        raise PackageError(str(exc)) from None
    collected = collect_all(module_path, steps, requirements=reqs, runtime=runtime, arch=arch, include=include,
                            callback_steps=callback_steps)
    if not out.parent.is_dir():
        raise PackageError(f"cannot write {out}: no such directory {out.parent}")
    try:
        zipfile_det.write_zip(collected.files, out)
    except OSError as exc:
        raise PackageError(f"cannot write {out}: {exc.strerror or exc}") from None
    return PackageResult(out, handler.HANDLER, sorted(set(steps)), sorted(collected.files), reqs,
                         hashlib.sha256(out.read_bytes()).hexdigest(), collected.user.modules, collected.user.data,
                         collected.dependency_files)
