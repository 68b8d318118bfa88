"""The unit of a validation report."""
from __future__ import annotations

from dataclasses import dataclass

# Where a problem with the definition as a whole (not JSON, too large) is reported.
ROOT = "(definition)"


@dataclass(frozen=True, order=True)
class Problem:
    """One reason the definition would be rejected: ``path`` names the offending node ("States.Foo.Next")."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def join(prefix: str, part: str | int) -> str:
    """Child path in the dotted notation statelint uses: ``States.A.Retry[0].BackoffRate``."""
    if isinstance(part, int):
        return f"{prefix}[{part}]"
    return f"{prefix}.{part}" if prefix else part
