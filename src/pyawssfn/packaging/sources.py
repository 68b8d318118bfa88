"""What of the user's code goes into the zip: the workflow module, the local modules and packages next to it that it
imports (followed transitively), and the two files of the pyawssfn runtime the Lambda needs."""
from __future__ import annotations

import ast
import pathlib

import pyawssfn

RUNTIME_FILES = ("__init__.py", "_dispatch.py", "_predicates.py")
_SKIP_DIRS = {"__pycache__"}
_SKIP_SUFFIXES = {".pyc", ".pyo"}


class SourceError(Exception):
    pass


def runtime_files() -> dict[str, bytes]:
    root = pathlib.Path(pyawssfn.__file__).parent
    return {f"pyawssfn/{name}": (root / name).read_bytes() for name in RUNTIME_FILES}


def _imported_tops(path: pathlib.Path) -> set[str]:
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except SyntaxError as exc:
        raise SourceError(f"{path}:{exc.lineno}: cannot parse: {exc.msg}") from None
    tops = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            tops.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            tops.add(node.module.split(".")[0])
    return tops


def _package_files(pkg: pathlib.Path, base: pathlib.Path) -> dict[str, pathlib.Path]:
    out = {}
    for p in sorted(pkg.rglob("*")):
        rel = p.relative_to(base)
        if p.is_dir() or _SKIP_DIRS & set(rel.parts) or p.suffix in _SKIP_SUFFIXES:
            continue
        out[rel.as_posix()] = p
    return out


def user_files(module_path: pathlib.Path) -> dict[str, bytes]:
    """The module at the zip's root plus every local module/package beside it that it (transitively) imports."""
    module_path = pathlib.Path(module_path).resolve()
    base = module_path.parent
    found: dict[str, pathlib.Path] = {module_path.name: module_path}
    todo = [module_path]
    seen_tops = {module_path.stem, "pyawssfn"}
    while todo:
        current = todo.pop()
        for top in sorted(_imported_tops(current) - seen_tops):
            seen_tops.add(top)
            if (base / top / "__init__.py").is_file() or (base / top).is_dir() and any((base / top).glob("*.py")):
                files = _package_files(base / top, base)
                found.update(files)
                todo.extend(p for p in files.values() if p.suffix == ".py")
            elif (base / f"{top}.py").is_file():
                found[f"{top}.py"] = base / f"{top}.py"
                todo.append(base / f"{top}.py")
    return {name: path.read_bytes() for name, path in found.items()}
