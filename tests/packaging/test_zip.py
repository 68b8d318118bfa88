"""The Lambda zip: deterministic, minimal, and its handler serves only the workflow's steps."""
import json
import subprocess
import sys
import zipfile

import pytest

from pyawssfn.packaging import HANDLER, PackageError, build_package
from pyawssfn.packaging.deps import find_requirements

from .conftest import STEPS


def entries(path):
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def test_contents_modes_and_timestamps(project, tmp_path):
    r = build_package(project / "flow.py", STEPS, tmp_path / "f.zip")
    assert r.handler == HANDLER == "pyawssfn_handler.handler"
    with zipfile.ZipFile(r.path) as zf:
        infos = zf.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert names == ["flow.py", "helpers/", "helpers/__init__.py", "pyawssfn/", "pyawssfn/__init__.py",
                     "pyawssfn/_api_names.py", "pyawssfn/_dispatch.py", "pyawssfn/_integrations.py",
                     "pyawssfn/_item_io.py", "pyawssfn/_predicates.py", "pyawssfn/_step_context.py",
                     "pyawssfn/_step_types.py", "pyawssfn/semantics/", "pyawssfn/semantics/__init__.py",
                     "pyawssfn/semantics/wildcard.py", "pyawssfn_handler.py"]
    for i in infos:
        assert i.date_time == (1980, 1, 1, 0, 0, 0)
        assert i.external_attr >> 16 == (0o040755 if i.filename.endswith("/") else 0o100644)


def test_rebuilds_are_byte_identical(project, tmp_path):
    a = build_package(project / "flow.py", STEPS, tmp_path / "a.zip")
    b = build_package(project / "flow.py", list(reversed(STEPS)), tmp_path / "b.zip")
    assert a.path.read_bytes() == b.path.read_bytes() and a.sha256 == b.sha256


def test_changing_one_step_changes_only_its_entry(project, tmp_path):
    before = build_package(project / "flow.py", STEPS, tmp_path / "a.zip")
    src = (project / "flow.py").read_text()
    (project / "flow.py").write_text(src.replace("return helpers.twice(x)", "return helpers.twice(x) + 0"))
    after = build_package(project / "flow.py", STEPS, tmp_path / "b.zip")
    assert before.path.read_bytes() != after.path.read_bytes()
    old, new = entries(before.path), entries(after.path)
    assert old.keys() == new.keys()
    assert [n for n in old if old[n] != new[n]] == ["flow.py"]


def test_existing_output_needs_force(project, tmp_path):
    out = tmp_path / "f.zip"
    out.write_bytes(b"precious")
    with pytest.raises(PackageError, match="--force"):
        build_package(project / "flow.py", STEPS, out)
    assert out.read_bytes() == b"precious"
    build_package(project / "flow.py", STEPS, out, force=True)
    assert zipfile.is_zipfile(out)


def test_bad_runtime_or_arch_is_refused(project, tmp_path):
    with pytest.raises(PackageError, match="python3.13"):
        build_package(project / "flow.py", STEPS, tmp_path / "f.zip", runtime="python3.9")
    with pytest.raises(PackageError, match="arm64"):
        build_package(project / "flow.py", STEPS, tmp_path / "f.zip", arch="sparc")
    assert not (tmp_path / "f.zip").exists()


def _invoke(zip_path, tmp_path, events):
    """Run the zip's handler in a fresh interpreter without site-packages, as the Lambda runtime would."""
    root = tmp_path / "unzipped"
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root)
    code = f"""
import json, sys
sys.path.insert(0, {str(root)!r})
import pyawssfn, pyawssfn_handler
assert pyawssfn.__file__.startswith({str(root)!r}), pyawssfn.__file__
out = []
for event in json.loads(sys.argv[1]):
    try:
        out.append({{"result": pyawssfn_handler.handler(event, None)}})
    except Exception as e:
        out.append({{"errorType": type(e).__name__, "errorMessage": str(e)}})
out.append(sorted(m for m in sys.modules if m in ("flow", "helpers")))
print(json.dumps(out))
"""
    proc = subprocess.run([sys.executable, "-S", "-c", code, json.dumps(events)], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_handler_serves_steps_and_refuses_unknown_ones(project, tmp_path):
    r = build_package(project / "flow.py", STEPS, tmp_path / "f.zip")
    marker = tmp_path / "marker"
    out = _invoke(r.path, tmp_path, [
        {"step": "not_a_step", "kwargs": {"path": str(marker)}},
        {"step": "double", "kwargs": {"x": 21}},
        {"step": "shout", "kwargs": {"text": "a", "more": ["b", "c"], "sep": "-"}},
        {"step": "double", "kwargs": {"y": 1}},
    ])
    assert out[0]["errorType"] == "UnknownStep"
    assert "double, shout" in out[0]["errorMessage"]
    assert not marker.exists()
    assert out[1:4] == [{"result": 42}, {"result": "A-B-C"},
                        {"errorType": "BadEvent", "errorMessage": "step double has no parameter named y"}]
    assert out[4] == ["flow", "helpers"]


def test_unknown_step_does_not_even_import_the_module(project, tmp_path):
    r = build_package(project / "flow.py", STEPS, tmp_path / "f.zip")
    out = _invoke(r.path, tmp_path, [{"step": "flow", "kwargs": {}}])
    assert out[0]["errorType"] == "UnknownStep" and out[1] == []


def test_requirements_from_pyproject_but_not_pyawssfns_own(project, repo_root):
    assert find_requirements(project / "flow.py", None) == []
    (project / "pyproject.toml").write_text('[project]\nname = "p"\ndependencies = ["six>=1.16", "pyawssfn"]\n')
    assert find_requirements(project / "flow.py", None) == ["six>=1.16"]
    assert find_requirements(repo_root / "examples" / "analyse_text.py", None) == []
    req = project / "requirements.txt"
    req.write_text("# comment\nsix==1.16.0  # pinned\n\n")
    assert find_requirements(project / "flow.py", req) == ["six==1.16.0"]
