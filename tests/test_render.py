"""Rendered text: the committed templates are the golden files; output is byte-stable and deployable inline."""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import subprocess
import sys
from typing import Any

import pytest
import yaml
from cfnlint.decode import decode_str

from dualstack import SHIPPED, TemplateSpec, build_template
from dualstack.files import inputs
from dualstack.files.cfnyaml import load
from dualstack.model.kinds import KINDS
from dualstack.model.limits import TEMPLATE_BODY_LIMIT
from dualstack.render.text import FORMATS, RESOURCE_ORDER, SECTION_ORDER, Format, document, render, to_json, to_yaml

from .conftest import ROOT, TEMPLATES


@pytest.mark.parametrize("fmt", FORMATS)
def test_committed_templates_equal_what_the_code_generates(shipped_spec: TemplateSpec, fmt: Format) -> None:
    path = TEMPLATES / f"{shipped_spec.name}.{fmt}"
    committed = path.read_text(encoding="utf-8")
    generated = render(build_template(shipped_spec), fmt)
    if committed != generated:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True), generated.splitlines(keepends=True), str(path), "generated"
            )
        )
        pytest.fail(f"{path.name} is stale; run `make template` and commit it:\n{diff}")


def test_templates_directory_holds_only_shipped_templates_and_their_diagrams() -> None:
    expected = {f"{spec.name}.{ext}" for spec in SHIPPED for ext in (*FORMATS, "md")}
    assert {p.name for p in TEMPLATES.iterdir()} == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_rendering_ends_with_exactly_one_newline_and_holds_no_absolute_path(
    any_spec: TemplateSpec, fmt: Format
) -> None:
    text = render(build_template(any_spec), fmt)
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
    assert str(ROOT) not in text
    assert "\t" not in text
    assert " \n" not in text


class _PurePythonReader(yaml.SafeLoader):
    """PyYAML's pure-Python reader (not libyaml's, which cfn-lint uses), with CloudFormation's short forms."""


def _short_form(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "Ref" or suffix == "Condition":
        return {suffix: value}
    if suffix == "GetAtt" and isinstance(value, str):
        return {"Fn::GetAtt": value.split(".", 1)}
    return {f"Fn::{suffix}": value}


_PurePythonReader.add_multi_constructor("!", _short_form)


def _parsed(yaml_text: str) -> Any:
    """What cfn-lint (and so CloudFormation's YAML reading) makes of ``yaml_text``, as plain JSON values; PyYAML's
    pure-Python reader must read the same."""
    template, errors = decode_str(yaml_text)
    assert not errors, errors
    result = json.loads(json.dumps(template))
    assert json.loads(json.dumps(yaml.load(yaml_text, Loader=_PurePythonReader))) == result
    return result


def test_yaml_and_json_describe_the_same_template_in_the_same_order(any_spec: TemplateSpec) -> None:
    doc = document(build_template(any_spec))
    from_yaml = _parsed(to_yaml(doc))
    from_json = json.loads(to_json(doc))
    assert from_yaml == from_json
    # Same keys in the same order at every level, not only equal dicts.
    assert json.dumps(from_yaml) == json.dumps(from_json)


def test_committed_yaml_and_json_twins_parse_to_the_same_template(shipped_spec: TemplateSpec) -> None:
    """Why cfn-lint runs on each JSON twin in one region only: as CloudFormation reads them, the twins are equal."""
    yaml_text = (TEMPLATES / f"{shipped_spec.name}.yaml").read_text(encoding="utf-8")
    json_text = (TEMPLATES / f"{shipped_spec.name}.json").read_text(encoding="utf-8")
    from_json, errors = decode_str(json_text)
    assert not errors
    assert _parsed(yaml_text) == json.loads(json.dumps(from_json))


def test_sections_come_in_the_conventional_order(any_spec: TemplateSpec) -> None:
    doc = document(build_template(any_spec))
    assert list(doc) == [s for s in SECTION_ORDER if s in doc]
    assert list(doc)[:3] == ["AWSTemplateFormatVersion", "Description", "Metadata"]
    assert list(doc)[-2:] == ["Resources", "Outputs"]
    text = render(build_template(any_spec), "yaml")
    top_level = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert top_level == list(doc)


def test_each_resource_leads_with_type_condition_depends_on_and_properties(any_spec: TemplateSpec) -> None:
    for name, body in document(build_template(any_spec))["Resources"].items():
        keys = list(body)
        leading = [k for k in RESOURCE_ORDER if k in body]
        assert keys[: len(leading)] == leading, name
        assert keys[len(leading) :] == sorted(keys[len(leading) :]), name


def test_resources_read_from_the_vpc_through_gateways_to_the_tiers() -> None:
    resources = list(document(build_template(TemplateSpec(tiers=KINDS)))["Resources"])
    assert resources[:5] == [
        "Vpc",
        "VpcIpv6CidrBlock",
        "InternetGateway",
        "InternetGatewayAttachment",
        "EgressOnlyInternetGateway",
    ]
    # Each tier's subnets come before its route tables, and tiers keep their order.
    for tier in ("Public", "Private", "Ipv6Only", "Isolated", "Edge"):
        assert resources.index(f"{tier}SubnetA") < resources.index(f"{tier}SubnetC")
    subnets = [r for r in resources if r.endswith("SubnetA")]
    assert subnets == ["PublicSubnetA", "PrivateSubnetA", "Ipv6OnlySubnetA", "IsolatedSubnetA", "EdgeSubnetA"]


def test_yaml_uses_short_form_intrinsics() -> None:
    text = render(build_template(TemplateSpec()), "yaml")
    assert "!Cidr" in text
    assert "!Ref" in text
    assert "!GetAZs" in text
    assert "!GetAtt Vpc.Ipv6CidrBlocks" in text
    assert "Fn::" not in text
    assert "Ref:" not in text


#: Strings a YAML 1.1 reader would take for something else if written bare, and other awkward values.
AWKWARD: list[Any] = [
    *["yes", "no", "Yes", "NO", "on", "Off", "true", "False", "y", "N", "~", "null", "NULL", "=", "<<"],
    "",
    " ",
    "24",
    "-1",
    "+1",
    "0x1F",
    "0o17",
    "017",
    "1_000",
    "1e3",
    "1.5",
    ".5",
    ".inf",
    ".NaN",
    "12:30",
    "2010-09-09",
    "2001-12-14t21:59:43.10-05:00",
    "a: b",
    "a:",
    ":a",
    "a #b",
    "#a",
    "- a",
    "-a",
    "? a",
    "!Ref x",
    "*a",
    "&a",
    "@a",
    "%a",
    "`a",
    "|a",
    ">a",
    "'a'",
    '"a"',
    "a'b",
    "[a]",
    "{a}",
    "a,b",
    "${AWS::StackName}-vpc",
    "::/0",
    "64:ff9b::/96",
    "arn:aws:s3:::bucket/*",
    "tab\there",
    "line\nbreak",
    "two\nlines\n",
    "trailing ",
    " leading",
    "non-ASCII: \u2192 \u00e9",
    "\u2028",
    "back\\slash",
    0,
    -7,
    56,
    True,
    False,
    None,
    [],
    {},
    [[]],
    [["a", "b"], {"c": "d"}],
    [{"a": 1, "b": [1, 2]}],
    {"Ref": "AWS::Region"},
    {"Condition": "HasAzB"},
    {"Fn::GetAZs": {"Ref": "AWS::Region"}},
    {"Fn::Select": [0, {"Fn::GetAZs": {"Ref": "AWS::Region"}}]},
    {"Fn::GetAtt": ["Vpc", "Ipv6CidrBlocks"]},
    {"Fn::GetAtt": ["Nested.Stack", "Outputs.X"]},
    {"Fn::GetAtt": ["Vpc", {"Ref": "Attribute"}]},
    {"Fn::Sub": ["${A}-${B}", {"A": {"Ref": "X"}, "B": "y"}]},
    {"Fn::If": ["C", {"Key": "Value"}, {"Ref": "AWS::NoValue"}]},
    {"Fn::Join": [",", [{"Ref": "A"}, "b, c", "[d]"]]},
    {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}},
    {"Ref": "A", "Other": "B"},
    {"Fn::Base64": {"Fn::Sub": "#!/bin/bash\necho ${AWS::Region}\n"}},
    ["x" * 120, {"Ref": "y" * 120}],
    # Beyond U+FFFF, line separators inside a string, "?" and flow indicators inside a short form's argument.
    "vpc \U0001f600\n",
    "a\u2028b",
    "a\x85b",
    "a\u2029b",
    "https://example.com/?page=vpc",
    "ID:?x",
    {"Fn::Sub": "web,db"},
    {"Fn::Sub": "a?b"},
    {"Fn::Base64": "a,b"},
    0.5,
    1e16,
    1e-07,
    -2.5e-300,
]


@pytest.mark.parametrize("value", AWKWARD, ids=repr)
def test_yaml_writes_awkward_values_so_cfn_lint_reads_them_back_unchanged(value: Any) -> None:
    doc = {
        "Top": {
            "Key": value,
            "List": [value, value],
            "Nested": {"Deeper": [{"Item": value}]},
            # Short mappings are written inline ({Key: Name, Value: x}); so are awkward keys.
            "Flow": {"Item": value},
            "Pair": {"A": value, str(value): "b"},
        }
    }
    assert _parsed(to_yaml(doc)) == doc


def test_yaml_writes_short_mappings_inline_and_everything_else_as_blocks() -> None:
    tags = [{"Key": "Name", "Value": {"Fn::Sub": "${AWS::StackName}-igw"}}]
    doc = {
        "Tags": tags,
        "Export": {"Name": "x"},
        "Properties": {"RouteTableId": {"Ref": "A"}},
        "Three": {"a": 1, "b": 2, "c": 3},
        "Holds": {"a": [1]},
    }
    assert to_yaml(doc) == (
        "Tags:\n"
        "  - {Key: Name, Value: !Sub '${AWS::StackName}-igw'}\n"
        "Export: {Name: x}\n"
        "Properties:\n"
        "  RouteTableId: !Ref A\n"
        "Three:\n"
        "  a: 1\n"
        "  b: 2\n"
        "  c: 3\n"
        "Holds:\n"
        "  a: [1]\n"
    )
    assert _parsed(to_yaml(doc)) == doc


def test_yaml_quotes_only_what_needs_quotes() -> None:
    text = to_yaml({"a": "EgressOnly", "b": "10.0.0.0/16", "c": "24", "d": "true", "e": "", "f": "a: b"})
    assert text == "a: EgressOnly\nb: 10.0.0.0/16\nc: '24'\nd: 'true'\ne: ''\nf: 'a: b'\n"


def _digest_in_subprocess(seed: str) -> str:
    code = (
        "import hashlib; from dualstack import TemplateSpec, build_template; from dualstack.render.text import render;"
        "t = ''.join(render(build_template(TemplateSpec(max_azs=n)), f) for n in (1, 3, 6) for f in ('yaml', 'json'));"
        "print(hashlib.sha256(t.encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": seed}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_output_is_byte_identical_across_runs_and_hash_seeds() -> None:
    in_process = "".join(
        render(build_template(TemplateSpec(max_azs=n)), f) for n in (1, 3, 6) for f in ("yaml", "json")
    )
    expected = hashlib.sha256(in_process.encode()).hexdigest()
    assert {_digest_in_subprocess(seed) for seed in ("0", "1", "12345", "random")} == {expected}


#: The shipped YAML files whose block scalars (the handler's code, the saved queries) take them over the inline limit:
#: make deploy and make stackset send their JSON twins, and the README names them.
YAML_OVER_THE_LIMIT: set[str] = set()
#: The shipped templates over the limit in both formats: make deploy takes them through an S3 bucket (BUCKET=), and
#: the README says so.
NEEDS_A_BUCKET = {"dualstack-vpc-private", "dualstack-vpc-ipv6only", "dualstack-vpc-web"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_shipped_templates_deploy_inline_the_yaml_or_its_json_twin(shipped_spec: TemplateSpec, fmt: Format) -> None:
    path = TEMPLATES / f"{shipped_spec.name}.{fmt}"
    size = len(path.read_bytes())
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    if shipped_spec.name in NEEDS_A_BUCKET:
        assert size > TEMPLATE_BODY_LIMIT, f"{path.name} fits: take it out of NEEDS_A_BUCKET"
        with pytest.raises(inputs.InputError, match="give an S3 bucket"):
            inputs.template_body(path)
        assert inputs.template_body(path, bucket="my-bucket") == (path, None)
        assert f"make deploy TEMPLATE={shipped_spec.name} BUCKET=<bucket>" in readme
        if fmt == "yaml":
            assert f"`{path.name}` ({size:,} bytes)" in readme
    elif fmt == "yaml" and shipped_spec.name in YAML_OVER_THE_LIMIT:
        assert size > TEMPLATE_BODY_LIMIT, f"{path.name} fits again: take it out of YAML_OVER_THE_LIMIT"
        assert inputs.template_body(path)[0] == path.with_suffix(".json")
        assert f"`{path.name}` ({size:,} bytes)" in readme
        assert f"YAML ({size:,} bytes" in (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    else:
        assert size <= TEMPLATE_BODY_LIMIT, f"{path.name}: {size} bytes needs an S3 bucket to deploy"
        assert inputs.template_body(path) == (path, None)
    assert "dualstack-vpc" not in YAML_OVER_THE_LIMIT, "the default template stays deployable inline"


def test_public_templates_fit_the_inline_limit_up_to_five_azs() -> None:
    for max_azs in range(1, 6):
        size = len(render(build_template(TemplateSpec(max_azs=max_azs)), "yaml").encode("utf-8"))
        assert size <= TEMPLATE_BODY_LIMIT, f"{max_azs} AZs: {size} bytes"
    # Six are over it, and generate.py says so (deploying needs BUCKET=).
    assert len(render(build_template(TemplateSpec(max_azs=6)), "yaml").encode("utf-8")) > TEMPLATE_BODY_LIMIT


def test_the_json_twin_is_compact_with_one_entry_per_line(shipped_spec: TemplateSpec) -> None:
    text = (TEMPLATES / f"{shipped_spec.name}.json").read_text(encoding="utf-8")
    template = json.loads(text)
    lines = text.splitlines()
    for section in ("Parameters", "Resources", "Outputs"):
        for name in template[section]:
            assert any(line.startswith(f'"{name}":{{') for line in lines), (section, name)
    # Braces, a line per scalar section, and per mapping section its opening line, its entries and its close.
    mappings = [v for v in template.values() if isinstance(v, dict) and v]
    assert len(lines) == 2 + len(template) + sum(len(v) + 1 for v in mappings)
    # No indentation: the YAML is the readable one.
    assert not [line for line in lines if line.startswith(" ")]


# Strings of several lines: literal block scalars that read back as the same string.

MULTILINE = [
    "def f():\n    return 1\n",  # one newline at the end: |
    "parse @message\n| stats count(*)",  # none: |-
    "a\nb\n\n\n",  # several: |+
    "  indented first line\nsecond\n",  # the first line sets no indentation: |2
    "\n\nleading empty lines\n",
    "tab\tinside\nand a 'quote' and \"double\" and: colon # hash\n",
    "trailing spaces   \nkept  \n",
]


@pytest.mark.parametrize("text", MULTILINE)
def test_a_string_of_several_lines_is_a_literal_block_that_reads_back_the_same(text: str) -> None:
    doc = {"Resources": {"R": {"Type": "AWS::Logs::QueryDefinition", "Properties": {"QueryString": text}}}}
    sub = {
        "Resources": {"R": {"Type": "T", "Properties": {"Q": {"Fn::Sub": [text, {"A": "b"}]}, "S": {"Fn::Sub": text}}}}
    }
    for document_ in (doc, sub):
        written = to_yaml(document_)
        assert "|" in written
        assert yaml.safe_load(written.replace("!Sub", "")) is not None
        assert load(written) == document_, written


@pytest.mark.parametrize("text", ["line\r\nbreak", "line\u2028separator\nx", "one line", "ends with a newline\n"])
def test_a_string_a_block_cannot_hold_or_of_one_line_stays_quoted(text: str) -> None:
    written = to_yaml({"K": text})
    assert "|" not in written.split(":", 1)[1].split("\n", 1)[0]
    assert load(written) == {"K": text}


def test_the_handler_and_the_queries_read_as_block_scalars_in_every_shipped_yaml(shipped_spec: TemplateSpec) -> None:
    text = (TEMPLATES / f"{shipped_spec.name}.yaml").read_text(encoding="utf-8")
    assert "ZipFile: |\n" in text
    # A saved query's body, after the parse line that follows the record format (flowlogs._for_format).
    assert "QueryString: !Join\n" in text
    assert "          - |-\n" in text
    assert "          - !Sub\n            - |-\n" in text
    assert max(len(line) for line in text.splitlines()) < 400
