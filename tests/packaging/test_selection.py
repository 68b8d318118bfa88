"""The zip holds what the Lambda needs and nothing else (issue #13 item 1-2): no secrets, no VCS or venv folders, no
outward symlinks; declared data files only; every third-party import covered; pip options refused."""
from __future__ import annotations

import os
import zipfile

import pytest

from pyawssfn.cli import main
from pyawssfn.packaging import PackageError, build_package
from pyawssfn.packaging.requirements import RequirementError, parse_lines

from .conftest import STEPS


@pytest.fixture
def littered(project, tmp_path):
    """The project of conftest with everything a careless folder holds, beside the module and inside its package."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\n")
    for folder in (project, project / "helpers"):
        (folder / ".env").write_text("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\n")
        (folder / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
        (folder / "secrets.json").write_text('{"password": "hunter2"}')
        (folder / "server.pem").write_text("-----BEGIN CERTIFICATE-----\n")
        os.symlink(outside / "secret.txt", folder / "linked.txt")
        os.symlink(outside, folder / "linked_dir")
    (project / ".git" / "config").write_text("[remote]\n url = https://token@example.com\n")
    venv = project / ".venv" / "lib"
    venv.mkdir(parents=True)
    (project / ".venv" / "pyvenv.cfg").write_text("home = /usr\n")
    (venv / "evil.py").write_text("x = 1\n")
    (project / "helpers" / ".hidden.py").write_text("x = 1\n")
    (project / "helpers" / "sub").mkdir()
    (project / "helpers" / "sub" / "__init__.py").write_text("y = 2\n")
    (project / "helpers" / "__pycache__" / "helpers.cpython-313.pyc").write_bytes(b"\0")
    (outside / "outer.py").write_text("z = 3\n")
    os.symlink(outside / "outer.py", project / "helpers" / "outer.py")
    return project


def test_zip_holds_only_the_code_the_lambda_needs(littered, tmp_path):
    result = build_package(littered / "flow.py", STEPS, tmp_path / "f.zip")
    names = zipfile.ZipFile(result.path).namelist()
    user = sorted(n for n in names if not n.startswith("pyawssfn") and not n.endswith("/"))
    assert user == ["flow.py", "helpers/__init__.py", "helpers/sub/__init__.py"]
    blob = b"".join(zipfile.ZipFile(result.path).read(n) for n in names if not n.endswith("/"))
    assert b"wJalrXUtnFEMI" not in blob and b"PRIVATE KEY" not in blob and b"hunter2" not in blob
    assert result.modules == ["flow.py", "helpers/__init__.py", "helpers/sub/__init__.py"] and result.data == []


def test_data_files_come_from_an_explicit_include_list(littered, tmp_path):
    (littered / "helpers" / "table.csv").write_text("a,b\n")
    (littered / "pyproject.toml").write_text('[project]\nname = "p"\nversion = "0"\ndependencies = []\n'
                                             '[tool.pyawssfn]\ninclude = ["helpers/*.csv"]\n')
    result = build_package(littered / "flow.py", STEPS, tmp_path / "f.zip")
    assert result.data == ["helpers/table.csv"]
    assert zipfile.ZipFile(result.path).read("helpers/table.csv") == b"a,b\n"


@pytest.mark.parametrize("pattern, why", [
    (".env", "dotfile"), ("id_rsa", "private key"), ("linked.txt", "symbolic link"), ("helpers/server.pem", "key"),
    ("../outside/secret.txt", "without .."), ("nothing-*.txt", "matches no file"),
])
def test_an_include_naming_a_secret_or_nothing_is_an_error(littered, tmp_path, pattern, why):
    with pytest.raises(PackageError, match=why):
        build_package(littered / "flow.py", STEPS, tmp_path / "f.zip", include=[pattern])
    assert not (tmp_path / "f.zip").exists()


def test_a_third_party_import_without_a_requirement_is_an_error_naming_it_and_the_fix(project, tmp_path):
    (project / "flow.py").write_text((project / "flow.py").read_text().replace(
        "import helpers\n", "import helpers\nimport requests\ntry:\n    import ujson\nexcept ImportError:\n"
                            "    ujson = None\nimport json, boto3\n"))
    with pytest.raises(PackageError) as e:
        build_package(project / "flow.py", STEPS, tmp_path / "f.zip")
    message = str(e.value)
    assert "flow.py:4: imports requests" in message and "[project].dependencies" in message
    assert "ujson" not in message and "boto3" not in message and "json," not in message


def test_the_package_command_lists_what_it_added(littered, tmp_path, capsys, monkeypatch):
    from pyawssfn.commands import package as package_cmd
    monkeypatch.setattr(package_cmd, "steps_of", lambda path, workflow: list(STEPS))
    (littered / "helpers" / "table.csv").write_text("a,b\n")
    assert main(["package", str(littered / "flow.py"), "-o", str(tmp_path / "f.zip"),
                 "--include", "helpers/table.csv"]) == 0
    err = capsys.readouterr().err
    assert "modules: flow.py, helpers/__init__.py, helpers/sub/__init__.py" in err
    assert "data files: helpers/table.csv" in err


@pytest.mark.parametrize("line", ["--index-url http://evil.example/simple", "--requirement /etc/hostname",
                                  "-r other.txt", "-e .", "--trusted-host evil", "six==1.16 --hash=sha256:00",
                                  "-i http://evil", "six @ https://evil.example/six.whl", "--extra-index-url=x"])
def test_requirements_lines_are_specifiers_only(line):
    with pytest.raises(RequirementError, match=r"reqs.txt:3: "):
        parse_lines(["# pinned", "six==1.16.0", line], "reqs.txt")


def test_good_requirement_lines_pass():
    assert parse_lines(["six==1.16.0  # comment", "", "requests[socks]>=2 ; python_version >= '3.8'",
                        "pyawssfn"], "r") == ["six==1.16.0", "requests[socks]>=2 ; python_version >= '3.8'"]


def test_package_command_refuses_a_pip_option_with_its_line(project, tmp_path, capsys, monkeypatch):
    from pyawssfn.commands import package as package_cmd
    monkeypatch.setattr(package_cmd, "steps_of", lambda path, workflow: list(STEPS))
    req = tmp_path / "requirements.txt"
    req.write_text("six==1.16.0\n--index-url http://127.0.0.1:9/simple\n")
    assert main(["package", str(project / "flow.py"), "-o", str(tmp_path / "f.zip"), "--requirements",
                 str(req)]) == 2
    assert "requirements.txt:2: pip option --index-url is not accepted" in capsys.readouterr().err


def test_the_handler_knows_which_steps_take_a_task_token(repo_root, tmp_path, capsys):
    out = tmp_path / "approval.zip"
    assert main(["package", str(repo_root / "examples" / "approval.py"), "-o", str(out)]) == 0
    source = zipfile.ZipFile(out).read("pyawssfn_handler.py").decode()
    assert "CALLBACK_STEPS = [\n    'request_approval',\n]" in source
    assert "callback_steps=CALLBACK_STEPS" in source
