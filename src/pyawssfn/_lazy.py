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
