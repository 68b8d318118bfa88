"""`pyawssfn package` through the CLI."""
import zipfile

import pytest

from pyawssfn.cli import main
from pyawssfn.commands import package as package_cmd

from .conftest import STEPS


@pytest.fixture
def fake_compiler(monkeypatch):
    """The command's own logic, independent of the compiler: the steps as the compiler would list them."""
    monkeypatch.setattr(package_cmd, "steps_of", lambda path, workflow: list(STEPS))


def test_builds_and_prints_the_handler(project, tmp_path, capsys, fake_compiler):
    out = tmp_path / "f.zip"
    assert main(["package", str(project / "flow.py"), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "pyawssfn_handler.handler"
    assert "double, shout" in captured.err
    assert "pyawssfn_handler.py" in zipfile.ZipFile(out).namelist()


def test_refuses_to_overwrite_without_force(project, tmp_path, capsys, fake_compiler):
    out = tmp_path / "f.zip"
    out.write_bytes(b"keep")
    assert main(["package", str(project / "flow.py"), "-o", str(out)]) == 2
    assert "--force" in capsys.readouterr().err and out.read_bytes() == b"keep"
    assert main(["package", str(project / "flow.py"), "-o", str(out), "--force"]) == 0
    assert zipfile.is_zipfile(out)


def test_missing_file_and_bad_requirements_file(project, tmp_path, capsys, fake_compiler):
    assert main(["package", str(tmp_path / "nope.py"), "-o", str(tmp_path / "f.zip")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["package", str(project / "flow.py"), "-o", str(tmp_path / "f.zip"),
                 "--requirements", str(tmp_path / "missing.txt")]) == 2
    assert "cannot read requirements file" in capsys.readouterr().err
    assert not (tmp_path / "f.zip").exists()


def test_with_the_real_compiler(repo_root, tmp_path, capsys):
    compiler = pytest.importorskip("pyawssfn.compiler")
    if not hasattr(compiler, "compile_file"):
        pytest.skip("the compiler has not landed")
    out = tmp_path / "f.zip"
    assert main(["package", str(repo_root / "examples" / "analyse_text.py"), "-o", str(out)]) == 0
    source = zipfile.ZipFile(out).read("pyawssfn_handler.py").decode()
    for step in ["get_summary", "augment_summary", "get_n_vowels", "get_n_spaces", "format_result",
                 "format_c_result"]:
        assert repr(step) in source
    bad = tmp_path / "bad.py"
    bad.write_text("import pyawssfn as sfn\n\n@sfn.workflow\ndef w(x):\n    import os\n    return eval(x)\n")
    capsys.readouterr()
    assert main(["package", str(bad), "-o", str(tmp_path / "g.zip")]) == 2
    assert "error" in capsys.readouterr().err and not (tmp_path / "g.zip").exists()


TWO_WORKFLOWS = '''import pyawssfn as sfn


def a(x):
    return x


def b(x):
    return x


def unused(x):
    return x


@sfn.workflow
def one(x):
    return a(x)


@sfn.workflow
def two(x):
    return b(x)
'''


def test_a_module_of_several_workflows_serves_all_their_steps(tmp_path, capsys):
    (tmp_path / "two.py").write_text(TWO_WORKFLOWS)
    assert main(["package", str(tmp_path / "two.py"), "-o", str(tmp_path / "f.zip")]) == 0
    assert "2 steps: a, b;" in capsys.readouterr().err
    handler = zipfile.ZipFile(tmp_path / "f.zip").read("pyawssfn_handler.py").decode()
    assert "'a'" in handler and "'b'" in handler and "'unused'" not in handler
    assert main(["package", str(tmp_path / "two.py"), "--workflow", "two", "-o", str(tmp_path / "g.zip")]) == 0
    assert "1 step: b;" in capsys.readouterr().err
