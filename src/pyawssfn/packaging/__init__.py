"""Packaging a workflow as a Lambda zip: deterministic archive, generated handler, bundled dependencies.

The names below are loaded on first use: every command's parser reads ``packaging.deps.RUNTIMES``, and that must not
load the archive builder into ``pyawssfn --help`` or ``compile``."""
from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING

_HOMES = {"PackageError": "build", "PackageResult": "build", "build_package": "build", "collect": "build",
          "HANDLER": "handler", "handler_source": "handler"}

__all__ = ["PackageError", "PackageResult", "build_package", "collect", "HANDLER", "handler_source"]

if TYPE_CHECKING:
    from pyawssfn.packaging.build import PackageError, PackageResult, build_package, collect
    from pyawssfn.packaging.handler import HANDLER, handler_source


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        # A submodule read as an attribute (`pyawssfn.packaging.executor` after `import pyawssfn.packaging`), as when this
        # package imported its modules eagerly.
        if name.startswith("_") or importlib.util.find_spec(f"{__name__}.{name}") is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return importlib.import_module(f"{__name__}.{name}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
