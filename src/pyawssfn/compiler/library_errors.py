"""The exception classes of the libraries a workflow module imports, so that ``except ValueError`` and
``sfn.Retry(errors=[ValueError])`` also name their subclasses there (``json.JSONDecodeError``): under plain Python
they match by class, on the machine by the error's name, which the Lambda runtime reports as the class's
``__name__``. The libraries are imported at compile time, as the plain-Python run imports them; a library that
cannot be imported here contributes nothing (docs/known-issues.md)."""
from __future__ import annotations

import ast
import builtins
import functools
import importlib
import pathlib
import sys
import types
from pyawssfn.compiler.astwalk import walk_statements


def imported_modules(tree: ast.Module) -> list[str]:
    """The absolute module names the module imports anywhere (in a step's body too), and the ``from M import N``
    names that may be submodules, in source order; the author API is left out."""
    out: list[str] = []
    for node in walk_statements(tree):  # imports are statements
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names if a.name != "*"]
        else:
            continue
        for name in names:
            if name.split(".")[0] != "pyawssfn" and name not in out:
                out.append(name)
    return out


def library_classes(tree: ast.Module, filename: str) -> tuple[type, ...]:
    """The exception classes (not builtins) reachable from the modules ``tree`` imports: each module's namespace
    and the submodules of its package found there, imported with the module's directory on the path, as
    ``python file.py`` imports them."""
    folder = str(pathlib.Path(filename).resolve().parent) if filename and not filename.startswith("<") else None
    found: dict[int, type] = {}
    for name in imported_modules(tree):
        for cls in _classes_of(name, folder):
            found.setdefault(id(cls), cls)
    return tuple(found.values())


@functools.lru_cache(maxsize=256)
def _classes_of(name: str, folder: str | None) -> tuple[type, ...]:
    added = folder is not None and folder not in sys.path
    if added:
        sys.path.insert(0, folder)
    try:
        module = importlib.import_module(name)
    except KeyboardInterrupt:
        raise
    except BaseException:  # noqa: BLE001 - not importable here (or not a module: `from json import loads`)
        return ()
    finally:
        if added:
            sys.path.remove(folder)
    return tuple(_walk(module, name.split(".")[0], set()))


def _walk(module: types.ModuleType, package: str, seen: set[int]):
    if id(module) in seen:
        return
    seen.add(id(module))
    for value in list(vars(module).values()):
        if isinstance(value, type) and issubclass(value, BaseException) and \
                getattr(builtins, value.__name__, None) is not value:
            yield value
        elif isinstance(value, types.ModuleType) and value.__name__.split(".")[0] == package:
            yield from _walk(value, package, seen)


def subclass_names(base: type, classes: tuple[type, ...]) -> set[str]:
    """The names of the classes in ``classes`` deriving from ``base`` (not ``base`` itself)."""
    return {c.__name__ for c in classes if c is not base and issubclass(c, base)}
