"""What of the user's code goes into the zip, and nothing else:

* the workflow module, and the local modules and packages beside it that it imports (followed transitively) — their
  Python files only;
* the data files the project declares: ``[tool.pyawssfn] include = [globs]`` in the nearest pyproject.toml,
  ``[tool.setuptools.package-data]`` of an included package, and ``package --include GLOB``;
* never a dotfile or dot-folder (``.env``, ``.git/``), a virtual environment, ``__pycache__``, ``node_modules``, a
  private key or keystore, nor anything a symbolic link leads to outside the module's folder (an included pattern
  that names one of these is an error, not a silent skip).

The imports are also checked: a top-level import that is neither local, in the standard library, part of the Lambda
runtime (boto3), nor provided by the bundled requirements would fail at cold start, so it is an error here.
"""
from __future__ import annotations

import ast
import dataclasses
import fnmatch
import pathlib
import sys
import tomllib

import pyawssfn

RUNTIME_FILES = ("__init__.py", "_api_names.py", "_dispatch.py", "_predicates.py", "_integrations.py", "_item_io.py",
                 "_step_context.py", "_step_types.py", "semantics/__init__.py", "semantics/wildcard.py")
# What the Lambda Python runtime itself provides (besides the standard library).
LAMBDA_RUNTIME_MODULES = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six",
                                    "awslambdaric", "pyawssfn"})
_SKIP_DIRS = frozenset({"__pycache__", "node_modules", "site-packages", "venv"})
# Names of files that hold secrets or keys: never packaged, even when a pattern names them.
_SECRET_PATTERNS = ("id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", "*.pem", "*.key", "*.p12", "*.pfx", "*.jks",
                    "*.keystore", "*.kdbx", "*.gpg", "*.asc", "credentials", "*.ppk", ".env*", ".netrc", ".pgpass")


class SourceError(Exception):
    pass


@dataclasses.dataclass
class UserFiles:
    files: dict[str, bytes]                  # archive name -> content
    modules: list[str]                       # the Python files added
    data: list[str]                          # the data files added
    imports: dict[str, tuple[str, int]]      # third-party top-level import -> (file, line) of its first use


def runtime_files() -> dict[str, bytes]:
    root = pathlib.Path(pyawssfn.__file__).parent
    return {f"pyawssfn/{name}": (root / name).read_bytes() for name in RUNTIME_FILES}


def is_secret(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in _SECRET_PATTERNS)


def refusal(path: pathlib.Path, base: pathlib.Path) -> str | None:
    """Why ``path`` (under ``base``) must never be packaged; None when it may be."""
    try:
        rel = path.relative_to(base)
    except ValueError:
        return "it is outside the module's folder"
    for part in rel.parts:
        if part.startswith("."):
            return "it is a dotfile or inside a dot-folder (.git, .venv, .env, ...)"
        if part in _SKIP_DIRS:
            return f"it is inside {part}/"
    if is_secret(path.name):
        return "its name is that of a private key or a secrets file"
    if not path.resolve().is_relative_to(base.resolve()):
        return "it is a symbolic link leading outside the module's folder"
    for parent in rel.parents:
        if (base / parent / "pyvenv.cfg").exists() and parent != pathlib.Path("."):
            return "it is inside a virtual environment"
    return None


def _optional_import_lines(tree: ast.AST) -> set[int]:
    """Lines of imports that are allowed to fail: under ``try: ... except ImportError`` or ``if TYPE_CHECKING``."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        guarded: list[ast.stmt] = []
        if isinstance(node, ast.Try) and any(_catches_import_error(h) for h in node.handlers):
            guarded = node.body
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            guarded = node.body
        for stmt in guarded:
            for sub in ast.walk(stmt):
                if isinstance(sub, (ast.Import, ast.ImportFrom)):
                    lines.add(sub.lineno)
    return lines


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = {n.id for n in ast.walk(handler.type) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(handler.type) if isinstance(n, ast.Attribute)}
    return bool(names & {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def imported_tops(path: pathlib.Path, data: bytes) -> dict[str, int]:
    """Top-level names of the absolute imports of a module, with the line of the first, optional ones left out."""
    try:
        tree = ast.parse(data, filename=str(path))
    except (SyntaxError, ValueError) as exc:
        raise SourceError(f"{path}:{getattr(exc, 'lineno', '?')}: cannot parse: {getattr(exc, 'msg', exc)}") \
            from None
    except RecursionError:
        raise SourceError(f"{path}: nested too deeply to analyse") from None
    optional = _optional_import_lines(tree)
    tops: dict[str, int] = {}
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in optional:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                tops.setdefault(alias.name.split(".")[0], node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            tops.setdefault(node.module.split(".")[0], node.lineno)
    return tops


class _Collector:
    def __init__(self, module_path: pathlib.Path):
        self.module_path = module_path.absolute()
        self.base = self.module_path.parent
        self.found: dict[str, pathlib.Path] = {}
        self.imports: dict[str, tuple[str, int]] = {}
        self.packages: list[str] = []

    def add(self, rel: str, path: pathlib.Path) -> bytes:
        why = refusal(path, self.base)
        if why:
            raise SourceError(f"refusing to package {rel}: {why}")
        self.found[rel] = path
        return path.read_bytes()

    def follow(self) -> None:
        todo = [(self.module_path.name, self.module_path)]
        seen_tops = {self.module_path.stem, "pyawssfn"}
        while todo:
            rel, current = todo.pop()
            tops = imported_tops(current, self.add(rel, current))
            for top, line in sorted(tops.items()):
                if top in seen_tops:
                    continue
                seen_tops.add(top)
                local = self._local(top)
                if local is None:
                    self.imports.setdefault(top, (rel, line))
                else:
                    todo.extend(local)

    def _local(self, top: str) -> list[tuple[str, pathlib.Path]] | None:
        """The Python files of local module or package ``top``, or None when it is not local."""
        pkg = self.base / top
        if pkg.is_dir() and (pkg / "__init__.py").is_file() or pkg.is_dir() and any(pkg.glob("*.py")):
            if refusal(pkg, self.base):
                return None
            self.packages.append(top)
            return [(p.relative_to(self.base).as_posix(), p) for p in sorted(pkg.rglob("*.py"))
                    if p.is_file() and refusal(p, self.base) is None]
        single = self.base / f"{top}.py"
        if single.is_file():
            return [(f"{top}.py", single)]
        return None


def _declared_data(base: pathlib.Path, packages: list[str]) -> list[str]:
    """Globs (relative to the module's folder) that the nearest pyproject.toml declares."""
    pyproject = next((d / "pyproject.toml" for d in [base, *base.parents] if (d / "pyproject.toml").is_file()), None)
    if pyproject is None:
        return []
    try:
        config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise SourceError(f"{pyproject}: cannot read it: {exc}") from None
    tool = config.get("tool", {}) if isinstance(config.get("tool"), dict) else {}
    globs = []
    own = tool.get("pyawssfn", {}).get("include", []) if isinstance(tool.get("pyawssfn"), dict) else []
    if not isinstance(own, list) or not all(isinstance(g, str) for g in own):
        raise SourceError(f"{pyproject}: [tool.pyawssfn] include must be a list of glob strings")
    globs += own
    package_data = tool.get("setuptools", {}).get("package-data", {}) if isinstance(tool.get("setuptools"), dict) \
        else {}
    for pkg, patterns in (package_data.items() if isinstance(package_data, dict) else []):
        for pkg_name in (packages if pkg == "*" else [pkg]):
            if pkg_name in packages and isinstance(patterns, list):
                globs += [f"{pkg_name.replace('.', '/')}/{p}" for p in patterns if isinstance(p, str)]
    return globs


def _data_files(base: pathlib.Path, globs: list[str]) -> dict[str, pathlib.Path]:
    out: dict[str, pathlib.Path] = {}
    for pattern in globs:
        if pathlib.PurePosixPath(pattern).is_absolute() or ".." in pathlib.PurePosixPath(pattern).parts:
            raise SourceError(f"include pattern {pattern!r} must be relative to the module's folder, without ..")
        matches = sorted(p for p in base.glob(pattern) if p.is_file() or p.is_symlink())
        if not matches:
            raise SourceError(f"include pattern {pattern!r} matches no file beside the module")
        for p in matches:
            rel = p.relative_to(base).as_posix()
            why = refusal(p, base)
            if why:
                raise SourceError(f"refusing to package {rel} (named by include {pattern!r}): {why}")
            out[rel] = p
    return out


def user_files(module_path: pathlib.Path, include: list[str] | tuple[str, ...] = ()) -> UserFiles:
    """The module at the zip's root, the local code it imports, and the declared data files."""
    collector = _Collector(pathlib.Path(module_path))
    collector.follow()
    base = collector.base
    modules = dict(collector.found)
    data = _data_files(base, [*_declared_data(base, collector.packages), *include])
    files = {rel: p.read_bytes() for rel, p in {**modules, **data}.items()}
    third_party = {top: where for top, where in collector.imports.items()
                   if top not in sys.stdlib_module_names and top not in LAMBDA_RUNTIME_MODULES
                   and not top.startswith("_")}
    return UserFiles(files, sorted(modules), sorted(set(data) - set(modules)), third_party)
