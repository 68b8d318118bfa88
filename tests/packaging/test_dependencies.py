"""Dependency bundling: wheels for the Lambda runtime, cached. One small download (six) per test session."""
import os
import shutil
import time
import zipfile

import pytest

from pyawssfn.packaging import PackageError, build_package

from .conftest import STEPS

pytestmark = pytest.mark.skipif(os.environ.get("PYAWSSFN_OFFLINE") == "1", reason="needs PyPI")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    path = tmp_path_factory.mktemp("pyawssfn-cache")
    old = os.environ.get("PYAWSSFN_CACHE")
    os.environ["PYAWSSFN_CACHE"] = str(path)
    yield path
    if old is None:
        os.environ.pop("PYAWSSFN_CACHE")
    else:
        os.environ["PYAWSSFN_CACHE"] = old


def test_bundles_wheels_cached_and_identical(project, tmp_path, cache):
    req = project / "requirements.txt"
    req.write_text("six==1.16.0\n")
    t0 = time.perf_counter()
    first = build_package(project / "flow.py", STEPS, tmp_path / "a.zip", requirements_file=req)
    names = set(first.entries)
    assert "six.py" in names and any(n.startswith("six-1.16.0.dist-info/") for n in names)
    assert not any("__pycache__" in n or n.startswith("bin/") for n in names)
    assert len(list((cache / "deps").iterdir())) == 1
    second = build_package(project / "flow.py", STEPS, tmp_path / "b.zip", requirements_file=req)
    assert first.path.read_bytes() == second.path.read_bytes()
    # The cache entry is what makes the second build fast; removing it forces a fresh, still identical, install.
    shutil.rmtree(cache / "deps")
    third = build_package(project / "flow.py", STEPS, tmp_path / "c.zip", requirements_file=req, force=True)
    assert third.path.read_bytes() == first.path.read_bytes()
    with zipfile.ZipFile(third.path) as zf:
        assert b"six" in zf.read("six.py")


def test_unsatisfiable_requirement_is_a_clear_error_and_leaves_output(project, tmp_path, cache):
    req = project / "requirements.txt"
    req.write_text("six==0.0.1\n")
    out = tmp_path / "f.zip"
    out.write_bytes(b"old")
    with pytest.raises(PackageError) as e:
        build_package(project / "flow.py", STEPS, out, requirements_file=req, force=True, runtime="python3.12",
                      arch="arm64")
    assert "python3.12 on arm64" in str(e.value) and "six==0.0.1" in str(e.value)
    assert out.read_bytes() == b"old"
