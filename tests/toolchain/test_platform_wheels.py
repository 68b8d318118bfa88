"""Bundled dependencies are wheels for the Lambda runtime's platform: every manylinux tag the runtime's glibc (2.34 on
Amazon Linux 2023) supports, per architecture, as SAM's builder resolves them. numpy is the check: its recent
releases ship manylinux_2_27/2_28 wheels only, which a manylinux2014-only resolution misses (it then bundles an old
release, or none at all for python3.14).

The network test downloads from PyPI once; pip's cache and pyawssfn's dependency cache (``~/.cache/pyawssfn``, or
``$PYAWSSFN_CACHE``) make a rerun fast. Without network access it skips."""
from __future__ import annotations

import re
import socket
import textwrap
import zipfile

import pytest

from pyawssfn.packaging import build_package
from pyawssfn.packaging.deps import platform_tags


def test_the_tags_run_from_manylinux_2_34_down_to_manylinux2014():
    tags = platform_tags("python3.12", "x86_64")
    assert tags[0] == "manylinux_2_34_x86_64" and tags[-1] == "manylinux2014_x86_64"
    assert "manylinux_2_28_x86_64" in tags and "manylinux_2_17_x86_64" in tags
    assert all(t.endswith("_aarch64") for t in platform_tags("python3.14", "arm64"))
    assert not [t for t in tags if t.startswith("manylinux_2_35")]


def _pypi_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
        return True
    except OSError:
        return False


def _wheel_tags(zip_path, dist: str) -> tuple[str, list[str]]:
    names = zipfile.ZipFile(zip_path).namelist()
    (wheel,) = [n for n in names if re.fullmatch(rf"{dist}-[^/]+\.dist-info/WHEEL", n)]
    version = wheel.split("-")[1].removesuffix(".dist-info/WHEEL")
    text = zipfile.ZipFile(zip_path).read(wheel).decode()
    return version, re.findall(r"^Tag: (\S+)$", text, re.M)


@pytest.mark.skipif(not _pypi_reachable(), reason="needs PyPI to download numpy's wheels")
@pytest.mark.parametrize("runtime, arch, machine", [("python3.14", "arm64", "aarch64"),
                                                     ("python3.12", "x86_64", "x86_64")])
def test_numpy_is_bundled_as_a_wheel_for_the_runtime(tmp_path, runtime, arch, machine):
    (tmp_path / "flow.py").write_text(textwrap.dedent('''
        import numpy
        import pyawssfn as sfn

        def mean(xs):
            return float(numpy.mean(xs))

        @sfn.workflow
        def flow(xs):
            return mean(xs)
    '''))
    (tmp_path / "requirements.txt").write_text("numpy\n")
    result = build_package(tmp_path / "flow.py", ["mean"], tmp_path / "f.zip", runtime=runtime, arch=arch,
                           requirements_file=tmp_path / "requirements.txt")
    version, tags = _wheel_tags(result.path, "numpy")
    py = "cp" + runtime.removeprefix("python").replace(".", "")
    assert tags and all(t.startswith(f"{py}-{py}-") for t in tags), tags
    glibcs = [tuple(map(int, m.groups())) for t in tags for m in [re.search(r"manylinux_(\d+)_(\d+)_", t)] if m]
    assert all(t.endswith(machine) for t in tags) and glibcs and max(glibcs) <= (2, 34), tags
    # A current numpy, not the last release that still had manylinux2014 wheels (2.2.x).
    assert tuple(int(x) for x in version.split(".")[:2]) >= (2, 3), version
    assert any(n.startswith("numpy/_core/") and n.endswith(".so") for n in zipfile.ZipFile(result.path).namelist())
