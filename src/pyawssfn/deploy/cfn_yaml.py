"""A template as CloudFormation YAML, with the short-form intrinsic tags people write by hand (``!Ref``, ``!GetAtt``,
``!Sub``...).

PyYAML (well kept, already installed with cfn-lint and moto) with representers, rather than cfn-flip (unreleased
since 2021) or ruamel.yaml (round-trip machinery we do not need: the template is generated, never edited in place).
A one-key mapping whose key is an intrinsic function becomes that function's tag: CloudFormation reads ``{"Ref": x}``
in JSON and ``!Ref x`` in YAML alike, anywhere in a template, so the YAML means exactly what the JSON does. No
anchors or aliases (CloudFormation refuses them), keys keep their order, long strings are never folded, and
multi-line strings use the literal block style, so the output is as deterministic as the JSON one.
"""
from __future__ import annotations

from typing import Any

import yaml

# Fn::* functions that have a short form ("!Join", "!If", ...); Ref and GetAtt are handled separately.
_FUNCTIONS = {"Fn::And", "Fn::Base64", "Fn::Cidr", "Fn::Equals", "Fn::FindInMap", "Fn::GetAZs", "Fn::If",
              "Fn::ImportValue", "Fn::Join", "Fn::Not", "Fn::Or", "Fn::Select", "Fn::Split", "Fn::Sub",
              "Fn::Transform", "Fn::Length", "Fn::ToJsonString"}


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True

    def choose_scalar_style(self) -> str:
        # PyYAML quotes every scalar with an application tag; an explicitly tagged plain scalar reads back as a
        # string all the same (the tag, not the resolver, decides), so write `!Ref Function`, not `!Ref 'Function'`.
        event = self.event
        if event.style is None and event.tag and event.tag.startswith("!") and not event.tag.startswith("!!"):
            if self.analysis is None:
                self.analysis = self.analyze_scalar(event.value)
            a = self.analysis
            if not (a.empty or a.multiline) and (a.allow_flow_plain if self.flow_level else a.allow_block_plain):
                return ""
        return super().choose_scalar_style()


# Characters a YAML reader takes as line breaks (or drops) that PyYAML would write raw with allow_unicode: such a
# string is written double-quoted, where PyYAML escapes them.
_RAW_UNSAFE = ("\x85", "\u2028", "\u2029", "\ufeff")


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value and value.strip() == value.rstrip("\n") and "\t" not in value else None
    if any(c in value for c in _RAW_UNSAFE):
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _tagged(dumper: yaml.SafeDumper, tag: str, value: Any) -> yaml.Node:
    if isinstance(value, str):
        return dumper.represent_scalar(tag, value, style=_str(dumper, value).style)
    if isinstance(value, list):
        return dumper.represent_sequence(tag, value)
    if isinstance(value, dict):
        return dumper.represent_mapping(tag, value)
    return dumper.represent_scalar(tag, dumper.represent_data(value).value)


def _mapping(dumper: yaml.SafeDumper, value: dict) -> yaml.Node:
    if len(value) == 1:
        (key, arg), = value.items()
        if key == "Ref" and isinstance(arg, str):
            return _tagged(dumper, "!Ref", arg)
        if (key == "Fn::GetAtt" and isinstance(arg, list) and len(arg) == 2
                and all(isinstance(a, str) for a in arg) and "." not in arg[0]):
            return _tagged(dumper, "!GetAtt", f"{arg[0]}.{arg[1]}")
        if key in _FUNCTIONS:
            return _tagged(dumper, "!" + key.removeprefix("Fn::"), arg)
    return dumper.represent_mapping("tag:yaml.org,2002:map", value)


_Dumper.add_representer(dict, _mapping)
_Dumper.add_representer(str, _str)


def dump_yaml(template: dict[str, Any]) -> str:
    return yaml.dump(template, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=2 ** 31,
                     default_flow_style=False)
