"""Packaging a workflow as a Lambda zip: deterministic archive, generated handler, bundled dependencies.

The names below are loaded on first use: every command's parser reads ``packaging.deps.RUNTIMES``, and that must not
load the archive builder into ``pyawssfn --help`` or ``compile``."""
from __future__ import annotations

from typing import TYPE_CHECKING

from pyawssfn._lazy import lazy_getattr

_HOMES = {"PackageError": "build", "PackageResult": "build", "build_package": "build", "collect": "build",
          "HANDLER": "handler", "handler_source": "handler"}

__all__ = ["PackageError", "PackageResult", "build_package", "collect", "HANDLER", "handler_source"]

if TYPE_CHECKING:
    from pyawssfn.packaging.build import PackageError, PackageResult, build_package, collect
    from pyawssfn.packaging.handler import HANDLER, handler_source


__getattr__ = lazy_getattr(__name__, _HOMES, globals())
