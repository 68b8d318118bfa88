"""Requirement lines, accepted only as package specifiers (PEP 508: ``name[extras] (version) ; marker``).

pip reads options from a requirements file (``--index-url``, ``-r other.txt``, ``--trusted-host``, ``-e``...); passing
them on would let a requirements file fetch from anywhere or read any file, so every option, long or short, is
refused with its line number, as is a direct reference (``name @ URL``)."""
from __future__ import annotations

import re

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

# The project itself and the pieces of pyawssfn the zip already carries are not dependencies to bundle.
NOT_BUNDLED = {"pyawssfn"}


class RequirementError(Exception):
    pass


def _strip_comment(line: str) -> str:
    # pip: a comment starts at "#" at the line's start or after whitespace.
    return re.split(r"(?:^|\s)#", line, maxsplit=1)[0].strip()


def parse_lines(lines: list[str], origin: str) -> list[str]:
    """The specifiers of ``lines`` (blank lines and comments dropped), each checked; refusals name ``origin:N``."""
    out = []
    for number, raw in enumerate(lines, 1):
        if not isinstance(raw, str):
            raise RequirementError(f"{origin}:{number}: {raw!r} is not a requirement string")
        line = _strip_comment(raw)
        if not line:
            continue
        if line.startswith("-") or re.search(r"\s-{1,2}[A-Za-z]", line):
            option = re.search(r"-{1,2}[A-Za-z][\w-]*", line)
            shown = option.group(0) if option else line.split()[0]
            raise RequirementError(f"{origin}:{number}: pip option {shown} is not accepted; list one package "
                                   "specifier a line (e.g. requests==2.32.3)")
        try:
            req = Requirement(line)
        except InvalidRequirement as exc:
            raise RequirementError(f"{origin}:{number}: {line!r} is not a package specifier: {exc}") from None
        if req.url:
            raise RequirementError(f"{origin}:{number}: direct references ({req.name} @ {req.url}) are not "
                                   "accepted; name a version of a package on the index")
        if canonicalize_name(req.name) not in NOT_BUNDLED:
            out.append(line)
    return out


def requirement_names(specifiers: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(s).name) for s in specifiers}
