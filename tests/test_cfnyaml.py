"""The YAML reader gives what cfn_flip gives, and refuses what CloudFormation refuses, without expanding it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import cfn_flip
import pytest

from dualstack.files import cfnyaml

from .conftest import ROOT, TEMPLATES

FILES = sorted(
    [*TEMPLATES.glob("*.yaml"), *(ROOT / "tests" / "lint_fixtures").glob("*.yaml"), *(ROOT / "tests").glob("*/*.yaml")]
)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_reads_every_template_as_cfn_flip_does(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert cfnyaml.load(text) == json.loads(cfn_flip.to_json(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: !Ref X", {"a": {"Ref": "X"}}),
        ("a: !GetAtt Vpc.Ipv6CidrBlocks", {"a": {"Fn::GetAtt": ["Vpc", "Ipv6CidrBlocks"]}}),
        ("a: !GetAtt [Vpc, CidrBlock]", {"a": {"Fn::GetAtt": ["Vpc", "CidrBlock"]}}),
        ("a: !Condition C", {"a": {"Condition": "C"}}),
        ("a: !Select [0, !GetAZs '']", {"a": {"Fn::Select": [0, {"Fn::GetAZs": ""}]}}),
        ("a: !Transform {Name: X}", {"a": {"Fn::Transform": {"Name": "X"}}}),
        ("AWSTemplateFormatVersion: 2010-09-09", {"AWSTemplateFormatVersion": "2010-09-09"}),
        ("1: x\nnull: y", {"1": "x", "null": "y"}),
    ],
    ids=["ref", "getatt-dotted", "getatt-list", "condition", "nested", "mapping-argument", "date", "keys"],
)
def test_short_forms_become_the_long_form(text: str, expected: object) -> None:
    assert cfnyaml.load(text) == expected
    assert cfnyaml.load(text) == json.loads(cfn_flip.to_json(text))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &x [1]\nb: *x\n", "a YAML alias (*x) at line 2: CloudFormation does not allow aliases"),
        ("a: " + "[" * 65 + "]" * 65, "nested more than 64 deep at line 1"),
        ("a: !!python/object/apply:os.system [ls]", "could not determine a constructor"),
        ("a: [1", "did not find expected ',' or ']' at line 2"),
    ],
    ids=["alias", "depth", "python-tag", "broken"],
)
def test_refusals(text: str, message: str) -> None:
    with pytest.raises(cfnyaml.YamlError, match=re.escape(message)):
        cfnyaml.load(text)


def test_nesting_up_to_the_limit_is_read() -> None:
    assert cfnyaml.load("a: " + "[" * 63 + "]" * 63) is not None
