"""Drift: what changed on AWS since pyawssfn last deployed, and what a deploy may do about it.

A deploy changes only what pyawssfn itself set. The function's settings pyawssfn chose are recorded in a tag
(``pyawssfn:settings``); a setting that differs on AWS from that record was changed by someone else: it is reported
and left as it is, unless the user chose the value explicitly (``--memory 512``) or asked for ``--revert-drift``.
An inline policy that pyawssfn did not put on its role is reported, never deleted (unless ``--revert-drift``).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

SETTINGS_TAG = "pyawssfn:settings"
MANAGED = ("MemorySize", "Timeout", "Environment")
# What pyawssfn set before it recorded its settings (the constants of earlier versions).
_LEGACY = {"MemorySize": 256, "Timeout": 60, "Environment": {}}


@dataclass
class FunctionChanges:
    update: dict[str, Any] = field(default_factory=dict)   # UpdateFunctionConfiguration arguments
    drift: list[str] = field(default_factory=list)          # what was changed outside pyawssfn and left
    record: dict[str, Any] = field(default_factory=dict)    # the settings pyawssfn now stands behind


def _env_digest(env: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(env, sort_keys=True).encode()).hexdigest()[:16] if env else "none"


def decode(text: str | None) -> dict[str, str] | None:
    if not text:
        return None
    out = {}
    for item in text.split():
        key, _, value = item.partition("=")
        out[key] = value
    return out


def _current(config: dict[str, Any], key: str) -> Any:
    if key == "Environment":
        return dict((config.get("Environment") or {}).get("Variables") or {})
    if key == "Layers":
        return [layer.get("Arn") for layer in config.get("Layers") or []]
    return config.get(key)


def _same(key: str, recorded: str | None, value: Any) -> bool:
    """Does the AWS ``value`` match what pyawssfn recorded?"""
    if recorded is None:
        return True
    return recorded == (_env_digest(value) if key == "Environment" else str(value))


def _show(key: str, value: Any) -> str:
    if key == "Environment":
        return "{" + ", ".join(sorted(value)) + "}" if value else "{}"
    return f"{value}{' MB' if key == 'MemorySize' else ' s' if key == 'Timeout' else ''}"


def function_changes(config: dict[str, Any], tags: dict[str, str], desired: dict[str, Any], explicit: set[str],
                     revert: bool) -> FunctionChanges:
    """What to update on an existing function. ``desired`` holds MemorySize, Timeout, Environment (and any other
    configuration pyawssfn always owns, e.g. Role, Handler, Runtime); ``explicit`` names the ones the user chose."""
    recorded = decode(tags.get(SETTINGS_TAG))
    if recorded is None:
        recorded = {k: (_env_digest(v) if k == "Environment" else str(v)) for k, v in _LEGACY.items()}
    out = FunctionChanges()
    for key, want in desired.items():
        have = _current(config, key)
        if key not in MANAGED:
            if key == "Layers" and not want and not have:
                continue
            if have != want:
                out.update[key] = want
            continue
        if have == want:
            out.record[key] = want
            continue
        if key in explicit or revert or _same(key, recorded.get(key), have):
            out.update[key] = {"Variables": want} if key == "Environment" else want
            out.record[key] = want
            continue
        out.drift.append(f"{key} is {_show(key, have)} on AWS, not the {_show(key, want)} pyawssfn would set: "
                         f"changed outside pyawssfn, left as it is (choose it with --{_FLAG[key]}, or pass "
                         "--revert-drift)")
        out.record[key] = have_as_recorded(key, recorded.get(key), want)
    return out


_FLAG = {"MemorySize": "memory MB", "Timeout": "timeout SECONDS", "Environment": "env KEY=VALUE"}


def have_as_recorded(key: str, recorded: str | None, want: Any) -> Any:
    """Keep recording pyawssfn's own last value for a drifted setting, so the drift is reported again next time and
    the user's value is never adopted silently."""
    if recorded is None:
        return want
    if key == "Environment":
        return _Recorded(recorded)
    try:
        return int(recorded)
    except ValueError:
        return want


class _Recorded(dict):
    """An environment known only by its recorded digest."""

    def __init__(self, digest: str):
        super().__init__()
        self.digest = digest


def encode_record(record: dict[str, Any]) -> str:
    parts = []
    for key in MANAGED:
        if key not in record:
            continue
        value = record[key]
        if isinstance(value, _Recorded):
            parts.append(f"{key}={value.digest}")
        else:
            parts.append(f"{key}={_env_digest(value) if key == 'Environment' else value}")
    return " ".join(parts)


def foreign_policies(names: list[str], own: str) -> list[str]:
    """Inline policies on a role of ours that pyawssfn did not put there."""
    return sorted(n for n in names if n != own)
