"""The Lambda zip for a deploy: exactly what `pyawssfn package` builds (pyawssfn.packaging.build_package)."""
from __future__ import annotations

import pathlib
import tempfile

from pyawssfn.deploy.source import Machine, ShipError


def build_zip(path: str, machines: list[Machine], requirements: str | None = None, *,
              runtime: str = "python3.13", arch: str = "x86_64") -> bytes:
    """The zip's bytes; its handler serves the steps of the workflow and of every child workflow it starts,
    since one function serves them all."""
    from pyawssfn.packaging import PackageError, build_package
    from pyawssfn.packaging.handler import callback_steps
    steps = sorted({s for m in machines for s in m.steps})
    with tempfile.TemporaryDirectory(prefix="pyawssfn-deploy-") as tmp:
        out = pathlib.Path(tmp) / "function.zip"
        try:
            build_package(path, steps, out, requirements_file=pathlib.Path(requirements) if requirements else None,
                          runtime=runtime, arch=arch, callback_steps=callback_steps(m.definition for m in machines))
        except PackageError as exc:
            raise ShipError(f"packaging failed: {exc}") from exc
        return out.read_bytes()
