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


def collect(module_path, steps, *, requirements=None, runtime="python3.13", arch="x86_64") -> dict[str, bytes]:
    """Every file of the zip, by archive name."""
    module_path = pathlib.Path(module_path)
    if not module_path.stem.isidentifier():
        raise PackageError(f"{module_path.name}: the module name must be a Python identifier to be importable "
                           f"by the Lambda")
    try:
        files = {}
        if requirements:
            files.update(deps.installed_files(deps.install(requirements, runtime, arch)))
        files.update(sources.user_files(module_path))
    except (deps.DependencyError, sources.SourceError) as exc:
        raise PackageError(str(exc)) from None
    clash = sorted(n for n in files if n.startswith("pyawssfn/") or n == f"{handler.HANDLER_MODULE}.py")
    if clash:
        raise PackageError(f"the package would overwrite pyawssfn's own files: {', '.join(clash)}")
    files.update(sources.runtime_files())
    files[f"{handler.HANDLER_MODULE}.py"] = handler.handler_source(module_path.stem, steps).encode()
    return files


def build_package(module_path, steps, out, *, force=False, requirements_file=None, runtime="python3.13",
                  arch="x86_64") -> PackageResult:
    """Write the deterministic Lambda zip for ``module_path`` serving ``steps`` to ``out``."""
    out = pathlib.Path(out)
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
    files = collect(module_path, steps, requirements=reqs, runtime=runtime, arch=arch)
    if not out.parent.is_dir():
        raise PackageError(f"cannot write {out}: no such directory {out.parent}")
    zipfile_det.write_zip(files, out)
    return PackageResult(out, handler.HANDLER, sorted(set(steps)), sorted(files), reqs,
                         hashlib.sha256(out.read_bytes()).hexdigest())
