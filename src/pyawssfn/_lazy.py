"""Package attributes loaded on first use (PEP 562), for the packages whose eager imports would slow every command.

A package sets ``_HOMES`` (name -> submodule) and ``__getattr__ = lazy_getattr(__name__, _HOMES, globals())``."""
from __future__ import annotations

import importlib
import importlib.util
from typing import Any, Callable


def lazy_getattr(package: str, homes: dict[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            # A submodule read as an attribute (`pyawssfn.local.executor` after `import pyawssfn.local`), as when the
            # package imported its modules eagerly.
            if name.startswith("_") or importlib.util.find_spec(f"{package}.{name}") is None:
                raise AttributeError(f"module {package!r} has no attribute {name!r}")
            return importlib.import_module(f"{package}.{name}")
        value = getattr(importlib.import_module(f"{package}.{home}"), name)
        namespace[name] = value
        return value
    return __getattr__


def defer_import(name: str) -> None:
    """Make ``import name`` (a module not imported yet) bind a module that runs its code only when an attribute of
    it is first read (importlib.util.LazyLoader): for a library a dependency imports at the top but uses in one
    rare branch (statelint's ``dateutil.parser``, read only to check a literal Timestamp). Nothing changes once the
    module is used; a module already imported, or not installed, is left as it is."""
    import sys

    if name in sys.modules:
        return
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent and parent in sys.modules:
        setattr(sys.modules[parent], child, module)  # as the import system binds a submodule on its package
