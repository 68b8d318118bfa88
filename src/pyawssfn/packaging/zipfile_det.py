"""Deterministic zip files: the same entries always give the same bytes (sorted names, fixed timestamps, modes and
compression), so a rebuild changes only what changed and deployments can compare hashes."""
from __future__ import annotations

import os
import pathlib
import tempfile
import zipfile

FIXED_DATE = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644
DIR_MODE = 0o040755
_UNIX = 3
_MSDOS_DIR = 0x10


def _info(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
    info.create_system = _UNIX
    info.external_attr = mode << 16
    return info


def zip_bytes_entries(files: dict[str, bytes]) -> list[tuple[str, bytes | None]]:
    """All entries of the archive in order: every file plus an entry for each directory holding one."""
    dirs = set()
    for name in files:
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]) + "/")
    entries: list[tuple[str, bytes | None]] = [(d, None) for d in dirs]
    entries += list(files.items())
    return sorted(entries, key=lambda e: e[0])


def write_zip(files: dict[str, bytes], out: pathlib.Path) -> None:
    """Write ``files`` (archive name -> content) to ``out`` atomically: a failure leaves any existing file intact."""
    out = pathlib.Path(out)
    fd, tmp = tempfile.mkstemp(prefix=".pyawssfn-", suffix=".zip", dir=out.parent or ".")
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w") as zf:
            for name, data in zip_bytes_entries(files):
                if data is None:
                    info = _info(name, DIR_MODE)
                    info.external_attr |= _MSDOS_DIR
                    zf.writestr(info, b"", compress_type=zipfile.ZIP_STORED)
                else:
                    zf.writestr(_info(name, FILE_MODE), data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would make the zip unreadable to others
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
