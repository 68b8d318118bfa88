"""Reading and writing what the user names on the command line, the same way in every command.

- ``-`` is standard input (or output) wherever a file is read (or written); ``@FILE`` (``@-``) wherever JSON is taken.
- Every read is bounded (``MAX_READ_BYTES``): ``exec /dev/zero`` ends with a message, not with the memory gone.
- Python sources are decoded as Python decodes them (a UTF-8 BOM, a PEP 263 coding cookie), JSON as RFC 8259 says
  (UTF-8; a BOM is skipped, as AWS's parsers skip it).
- JSON values are checked as AWS would refuse them: NaN/Infinity, numbers that overflow a double (``1e400``), lone
  surrogates (not encodable as UTF-8), nesting deeper than ``MAX_JSON_DEPTH``.
- An output never replaces one of the command's inputs (not even with --force), nor a directory, and is written
  atomically (a temporary file renamed over), so a failure leaves the old file intact.

Every problem is a UsageError (``pyawssfn: error: ...``, exit status 2).
"""
from __future__ import annotations

import contextlib
import io
import json
import math
import os
import pathlib
import sys
import tokenize  # loaded by the compiler (inspect) anyway
from typing import Any, Iterable, Iterator

from pyawssfn.commands._common import usage

STDIO = "-"
# Far above anything a workflow module, a definition (AWS: 1 MiB) or an execution input (AWS: 256 KiB) can be, far
# below what would exhaust memory.
MAX_READ_BYTES = 16 * 1024 * 1024
# No AWS limit is documented for nesting; values deeper than this cannot go through the executor's (recursive)
# evaluation within Python's recursion limit, so they are refused up front rather than failing half-way.
MAX_JSON_DEPTH = 200


def display(name: str) -> str:
    return "standard input" if name == STDIO else name


def read_bytes(name: str, what: str = "the file", limit: int = MAX_READ_BYTES) -> bytes:
    """The bytes of ``name`` (``-``: standard input), at most ``limit`` of them."""
    try:
        if name == STDIO:
            data = sys.stdin.buffer.read(limit + 1)
        else:
            path = pathlib.Path(name)
            if path.is_dir():
                raise usage(f"cannot read {what} {name}: it is a directory")
            with open(path, "rb") as fh:
                data = fh.read(limit + 1)
    except FileNotFoundError:
        raise usage(f"cannot read {what} {name}: no such file") from None
    except PermissionError:
        raise usage(f"cannot read {what} {name}: permission denied") from None
    except OSError as exc:
        raise usage(f"cannot read {what} {display(name)}: {exc.strerror or exc}") from None
    except ValueError as exc:  # e.g. an embedded NUL in the name
        raise usage(f"cannot read {what} {name!r}: {exc}") from None
    if len(data) > limit:
        raise usage(f"cannot read {what} {display(name)}: it is larger than {limit // (1024 * 1024)} MiB, the most "
                    "pyawssfn reads")
    return data


def decode_source(data: bytes, name: str) -> str:
    """Python source bytes as text, decoded as the interpreter decodes them (BOM, ``# -*- coding: ... -*-``)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except SyntaxError as exc:  # a malformed or unknown coding cookie, a BOM contradicting the cookie
        raise usage(f"{display(name)}: {exc.msg if hasattr(exc, 'msg') else exc}") from None
    except (LookupError, UnicodeDecodeError) as exc:
        line = data[: getattr(exc, "start", 0)].count(b"\n") + 1
        raise usage(f"{display(name)}:{line}: cannot decode the source: {exc}; save it as UTF-8 or declare its "
                    "encoding with a coding cookie (PEP 263)") from None
    if encoding == "utf-8-sig" or text.startswith("\ufeff"):
        text = text.removeprefix("\ufeff")
    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise usage(f"{display(name)}:{line}: the source contains a NUL byte (Python refuses it)")
    return text


def read_source(name: str) -> str:
    """The text of a Python module named on the command line."""
    return decode_source(read_bytes(name, "the Python module"), name)


def decode_json_text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise usage(f"{display(name)}:{line}: not UTF-8 ({exc.reason} at byte {exc.start}); JSON must be UTF-8") \
            from None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON (AWS refuses it)")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"the number {text[:40]} is out of range (beyond a double; AWS refuses it)")
    return value


def check_json_value(value: Any, where: str, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Refuse a decoded value AWS could not hold: too deep, or a string with a lone surrogate. Iterative, so that it
    cannot itself overflow the stack."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_string(item, where)
        elif isinstance(item, (dict, list)):
            if depth > max_depth:
                raise usage(f"{where}: nested too deeply (more than {max_depth} levels of arrays and objects)")
            children = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in children:
                if isinstance(key, str):
                    _check_string(key, where)
                stack.append((child, depth + 1))


def _check_string(text: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise usage(f"{where}: the string {text[max(exc.start - 10, 0): exc.start]!r}… holds a lone surrogate "
                    f"(\\u{ord(text[exc.start]):04x}), which is not Unicode text; AWS refuses it") from None


def parse_json(text: str, where: str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """JSON text as a value, refusing what AWS refuses; ``where`` names it in the message."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        raise usage(f"{where}: nested too deeply (more than {max_depth} levels of arrays and objects)") from None
    except ValueError as exc:
        raise usage(f"{where} is not valid JSON: {exc}") from None
    check_json_value(value, where, max_depth)
    return value


def read_json_file(name: str, what: str = "the JSON file") -> tuple[Any, str]:
    """The value of a JSON file (``-``: standard input) and its text."""
    text = decode_json_text(read_bytes(name, what), name)
    return parse_json(text, display(name)), text


def json_argument(text: str, option: str = "--input") -> tuple[Any, str]:
    """An option taking JSON: the JSON itself, or ``@FILE`` (``@-`` for standard input). ``(value, text)``."""
    if text.startswith("@"):
        return read_json_file(text[1:] or STDIO, f"the {option} file")
    return parse_json(text, option), text


def definition_argument(text: str, what: str = "definition") -> tuple[Any, str, str]:
    """A definition given as JSON text (it starts with ``{``), a file, or ``-``: ``(value, text, origin)``."""
    if text.lstrip().startswith(("{", "[")):
        return parse_json(text, f"the {what} given on the command line"), text, f"the {what} on the command line"
    value, body = read_json_file(text, f"the {what} file")
    return value, body, display(text)


# -- outputs ---------------------------------------------------------------------------------------------------------

def _same_file(a: str, b: str) -> bool:
    with contextlib.suppress(OSError, ValueError):
        return os.path.samefile(a, b)
    with contextlib.suppress(OSError, ValueError):
        return os.path.realpath(a) == os.path.realpath(b)
    return False


def check_output(name: str | None, force: bool, inputs: Iterable[str] = ()) -> None:
    """Refuse an output before any work is done: a directory, one of the inputs, an existing file without --force,
    a folder that does not exist."""
    if not name or name == STDIO:
        return
    for source in inputs:
        if source and source != STDIO and _same_file(name, source):
            raise usage(f"-o {name} is the input {source}; refusing to overwrite it (choose another output)")
    path = pathlib.Path(name)
    if path.is_dir():
        raise usage(f"-o {name} is a directory; name the file to write")
    if (path.exists() or path.is_symlink()) and not force:
        raise usage(f"{name} exists; pass --force to overwrite it")
    parent = path.parent if str(path.parent) else pathlib.Path(".")
    if not parent.is_dir():
        raise usage(f"cannot write {name}: no such directory {parent}")


def write_output(data: str | bytes, name: str | None, force: bool = False, inputs: Iterable[str] = ()) -> bool:
    """Write ``data`` to ``name`` (``None`` or ``-``: standard output). True when a file was written."""
    check_output(name, force, inputs)
    if not name or name == STDIO:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        sys.stdout.flush()
        return False
    import tempfile  # only where a file is written (compile's start-up counts)

    raw = data.encode("utf-8") if isinstance(data, str) else data
    path = pathlib.Path(name)
    parent = path.parent if str(path.parent) else pathlib.Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise usage(f"cannot write {name}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 is not what a plain write would have made
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise usage(f"cannot write {name}: {exc.strerror or exc}") from None
    return True


# -- recursion -------------------------------------------------------------------------------------------------------

TOO_DEEP = ("nested too deeply for pyawssfn to analyse (Python's recursion limit was reached); split the deepest "
            "expression or structure into smaller parts")


@contextlib.contextmanager
def bounded_recursion(what: str) -> Iterator[None]:
    """Turn a RecursionError below into ``WHAT: nested too deeply ...`` (exit 2) rather than an internal error."""
    try:
        yield
    except RecursionError:
        raise usage(f"{display(what)}: {TOO_DEEP}") from None


# -- compiling a module named on the command line --------------------------------------------------------------------

def compile_module(name: str, workflow: str | None = None, *, validate: bool = True, **options):
    """Read ``name`` (decoded as Python decodes it), compile it, and (``validate``) refuse a definition AWS would
    reject, each problem at its Python line. Raises the compiler's CompileError, or UsageError for unreadable input
    or nesting beyond Python's recursion limit."""
    from pyawssfn.asl.compiled import check_compiled
    from pyawssfn.compiler import compile_source

    source = read_source(name)
    filename = "<stdin>" if name == STDIO else name
    with bounded_recursion(name):
        result = compile_source(source, filename, workflow=workflow, **options)
    if validate:
        check_compiled(result, filename)
    return result
