"""Packaging a workflow as a Lambda zip: deterministic archive, generated handler, bundled dependencies."""
from pyawssfn.packaging.build import PackageError, PackageResult, build_package, collect
from pyawssfn.packaging.handler import HANDLER, handler_source

__all__ = ["PackageError", "PackageResult", "build_package", "collect", "HANDLER", "handler_source"]
