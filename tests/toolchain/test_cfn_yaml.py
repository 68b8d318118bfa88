"""deploy/cfn_yaml.py: the YAML reads back, with CloudFormation's own loader (cfn-lint's), as exactly the template
it was made from, whatever the strings hold (YAML 1.1 booleans, numbers, indicators, multi-line text, unicode)."""
from __future__ import annotations

import json

from cfnlint.decode.cfn_yaml import loads
from hypothesis import given, settings
from hypothesis import strategies as st

from pyawssfn.deploy.cfn_yaml import dump_yaml

TRICKY = st.sampled_from(["yes", "No", "on", "OFF", "y", "null", "~", "0123", "1e3", "0x1F", "1_000", ".inf",
                          "- a", "a: b", "#x", "{% $x %}", "!Ref", "&a", "*a", "'", '"', "", " lead", "trail ",
                          "two\nlines", "ends\n", "tab\there", "2024-01-01", "12:30:00", "é ü 中"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=False, allow_infinity=False, width=64), TRICKY, st.text(max_size=20))
KEYS = st.one_of(TRICKY, st.text(min_size=1, max_size=10))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4),
    st.builds(lambda x: {"Ref": x}, st.text(min_size=1, max_size=10)),
    st.builds(lambda a, b: {"Fn::GetAtt": [a, b]}, st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,8}", fullmatch=True),
              st.from_regex(r"[A-Za-z]{1,8}", fullmatch=True)),
    st.builds(lambda s, d: {"Fn::Sub": [s, d]}, st.text(max_size=10), st.dictionaries(KEYS, inner, max_size=2)),
    st.builds(lambda x: {"Fn::Join": ["", x]}, st.lists(inner, max_size=3))), max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(KEYS, VALUES, min_size=1, max_size=5))
def test_yaml_reads_back_as_the_template(resources):
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}
    back = json.loads(json.dumps(loads(dump_yaml(template))))
    assert back == json.loads(json.dumps(template))


def test_short_tags_are_plain_where_they_can_be():
    text = dump_yaml({"A": {"Ref": "Function"}, "B": {"Fn::GetAtt": ["Function", "Arn"]},
                      "C": {"Fn::Sub": "arn:${AWS::Partition}:s3:::b/*"}, "D": {"Ref": "yes"}})
    assert text == ("A: !Ref Function\nB: !GetAtt Function.Arn\nC: !Sub arn:${AWS::Partition}:s3:::b/*\n"
                    "D: !Ref yes\n")
