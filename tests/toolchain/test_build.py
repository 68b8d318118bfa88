"""The package is publishable: `python -m build` makes an sdist and a wheel that install into a fresh venv and run the
README's quick start there, with the version single-sourced from ``pyawssfn.__version__``.

Kept fast and offline: the build runs without isolation (the dev venv's setuptools), and the fresh venvs have no
pip of their own; they see the dev venv's site-packages through a .pth line, so only pyawssfn itself comes from the
built artifact (``--no-deps``)."""
from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
import zipfile

import pytest

import pyawssfn

REPO = pathlib.Path(__file__).resolve().parents[2]
# The fresh venv must see only what was installed into it (and the dev venv's dependencies), not a PYTHONPATH.
CLEAN_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
QUICK_START = ["run", "examples/analyse_text.py", "--input", '{"text": "a short example"}', "--compare"]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> pathlib.Path:
    pytest.importorskip("build")
    out, tree = tmp_path_factory.mktemp("dist"), tmp_path_factory.mktemp("tree")
    # A copy of what the build reads, so the build's egg-info and build/ never touch the checkout (or race with
    # another test worker).
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, tree / name)
    shutil.copytree(REPO / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(tree)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    # No deprecation left in our metadata (the license table setuptools warned about is an SPDX string now).
    assert "deprecated" not in proc.stderr.lower(), proc.stderr[-2000:]
    return out


def fresh_venv(where: pathlib.Path) -> pathlib.Path:
    """A venv without pip whose site-packages also sees the dev venv's (for the dependencies, not for pyawssfn,
    which the dev venv has only as an editable finder that a bare path line does not activate)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True, timeout=60)
    python = where / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (pathlib.Path(site) / "dev-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def install(python: pathlib.Path, artifact: pathlib.Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                           "--no-index", "--no-build-isolation", "--disable-pip-version-check", str(artifact)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]


def one(dist: pathlib.Path, pattern: str) -> pathlib.Path:
    found = sorted(dist.glob(pattern))
    assert len(found) == 1, found
    return found[0]


def test_the_version_has_one_source():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert pyawssfn.__version__.count(".") >= 2


def test_the_classifiers_are_ones_pypi_accepts():
    trove = pytest.importorskip("trove_classifiers")
    classifiers = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["classifiers"]
    assert classifiers and set(classifiers) <= trove.classifiers, set(classifiers) - trove.classifiers


def test_the_wheel_carries_the_package_and_its_metadata(dist):
    wheel = one(dist, f"pyawssfn-{pyawssfn.__version__}-py3-none-any.whl")
    names = zipfile.ZipFile(wheel).namelist()
    info = f"pyawssfn-{pyawssfn.__version__}.dist-info"
    assert "pyawssfn/__init__.py" in names and "pyawssfn/cli.py" in names
    assert f"{info}/licenses/LICENSE" in names
    assert not [n for n in names if n.startswith(("tests/", "examples/")) or "__pycache__" in n]
    meta = zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode()
    assert f"Version: {pyawssfn.__version__}\n" in meta
    assert "License-Expression: MIT\n" in meta
    assert "Classifier: Programming Language :: Python :: 3.13\n" in meta
    assert "Provides-Extra: cdk\n" in meta
    entry_points = zipfile.ZipFile(wheel).read(f"{info}/entry_points.txt").decode()
    assert "pyawssfn = pyawssfn.cli:main" in entry_points


def test_the_sdist_carries_the_sources_and_the_license(dist):
    sdist = one(dist, f"pyawssfn-{pyawssfn.__version__}.tar.gz")
    names = tarfile.open(sdist).getnames()
    base = f"pyawssfn-{pyawssfn.__version__}"
    for name in ("pyproject.toml", "README.md", "LICENSE", "src/pyawssfn/__init__.py", "PKG-INFO"):
        assert f"{base}/{name}" in names, name


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_the_artifact_installs_and_runs_the_quick_start(dist, tmp_path, kind):
    artifact = one(dist, "*.whl" if kind == "wheel" else "*.tar.gz")
    python = fresh_venv(tmp_path / "venv")
    install(python, artifact)
    where = subprocess.run([str(python), "-c", "import importlib.metadata as m, pyawssfn; "
                            "print(pyawssfn.__file__); print(pyawssfn.__version__, m.version('pyawssfn'))"],
                           capture_output=True, text=True, check=True, cwd=tmp_path, env=CLEAN_ENV).stdout.split("\n")
    assert where[0].startswith(str(tmp_path / "venv")), where  # the installed copy, not the repository's
    assert where[1] == f"{pyawssfn.__version__} {pyawssfn.__version__}"
    proc = subprocess.run([str(tmp_path / "venv" / "bin" / "pyawssfn"), *QUICK_START], cwd=REPO,
                          capture_output=True, text=True, timeout=120, env=CLEAN_ENV)
    assert proc.returncode == 0, proc.stdout[-1500:] + proc.stderr[-1500:]
    assert "both runs agree" in proc.stdout + proc.stderr
