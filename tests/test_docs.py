"""README.md and docs/: what they state about the templates is what the templates do."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from cfnlint.helpers import REGIONS

from dualstack import SHIPPED, TemplateSpec
from dualstack.builders.template import build_template
from dualstack.model.kinds import KINDS
from dualstack.model.spec import MAX_AZS_LIMIT
from dualstack.render.diagram import route_table_rows
from dualstack.render.text import render

from .conftest import LARGEST, ROOT, TEMPLATES, rendered, rule_classes

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _table(path: Path, first_header: str) -> list[list[str]]:
    """The rows of the Markdown table in ``path`` whose first column is headed ``first_header``."""
    lines = _text(path).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    assert rows, f"{path.name}: no rows under {first_header}"
    return rows


def _code(cell: str) -> list[str]:
    return re.findall(r"`([^`]*)`", cell)


def test_the_readme_shows_the_default_templates_picture_as_generated() -> None:
    diagram = _text(TEMPLATES / "dualstack-vpc.md")
    block = diagram[diagram.index("```mermaid") : diagram.index("```\n", diagram.index("```mermaid") + 3)]
    assert block in _text(README)


def test_the_readme_opens_with_what_why_the_picture_the_commands_and_deploying() -> None:
    lines = _text(README).splitlines()
    order = [
        next(i for i, line in enumerate(lines) if marker in line)
        for marker in (
            "Egress-Only Internet Gateway",
            "```mermaid",
            "make template",
            "make test",
            "**Console**",
            "**CLI**",
        )
    ]
    assert order == sorted(order)
    assert order[-1] < 60
    assert len(lines) < 120, "reference material belongs in docs/"


def test_the_readmes_route_split_is_the_default_templates() -> None:
    rows = {(r[0], r[1]) for r in _table(README, "destination")}
    assert rows == {("`0.0.0.0/0`", "Internet Gateway"), ("`::/0`", "Egress-Only Internet Gateway")}
    default = {(d, t) for _, d, t, when in route_table_rows(rendered(TemplateSpec())) if "not" not in when}
    assert default == {("0.0.0.0/0", "InternetGateway"), ("::/0", "EgressOnlyInternetGateway")}


@pytest.mark.parametrize("path", [README, *DOCS], ids=lambda p: p.name)
def test_every_relative_link_and_make_target_exists(path: Path) -> None:
    text = _text(path)
    for link in re.findall(r"\]\(([^)#]+)\)", text):
        if not link.startswith("http"):
            assert (path.parent / link).is_file(), f"{path.name}: {link}"
    targets = set(re.findall(r"^([a-z-]+):", _text(ROOT / "Makefile"), re.M))
    for target in re.findall(r"`make ([a-z-]+)", text):
        assert target in targets, f"{path.name}: make {target}"


def test_the_readme_links_every_docs_page() -> None:
    assert {p.name for p in DOCS} <= set(re.findall(r"\(docs/([^)]+)\)", _text(README)))


def test_the_readme_lists_every_shipped_template() -> None:
    listed = [_code(row[0])[0] for row in _table(README, "template")]
    assert listed == [f"templates/{spec.name}.yaml" for spec in SHIPPED]
    for row, spec in zip(_table(README, "template"), SHIPPED, strict=True):
        assert row[1] == ", ".join(k.name.replace("ipv6only", "IPv6-only") for k in spec.tiers)


def _parameters() -> dict[str, dict[str, Any]]:
    """Every shipped template's parameters, in the order of the one that has them all."""
    largest = max((rendered(spec)["Parameters"] for spec in SHIPPED), key=len)
    for spec in SHIPPED:
        assert set(rendered(spec)["Parameters"]) <= set(largest)
    return dict(largest)


def _labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for spec in SHIPPED:
        interface = rendered(spec)["Metadata"]["AWS::CloudFormation::Interface"]["ParameterLabels"]
        labels.update({name: label["default"] for name, label in interface.items()})
    return labels


def test_the_parameter_table_names_each_parameter_with_its_label_default_and_choices() -> None:
    parameters, labels = _parameters(), _labels()
    rows = _table(ROOT / "docs" / "parameters.md", "parameter")
    assert [_code(row[0])[0] for row in rows] == list(parameters)
    for name_cell, label, default, allowed, _ in rows:
        (name,) = _code(name_cell)
        parameter = parameters[name]
        assert label == labels[name], name
        if default == "empty":
            assert parameter["Default"] == "", name
        elif _code(default):
            assert _code(default) == [parameter["Default"]], name
        values = parameter.get("AllowedValues", [])
        if allowed == "`Same`, or a length `SubnetPrefixLength` allows":
            for spec in SHIPPED:
                declared = rendered(spec)["Parameters"]
                if name in declared:
                    assert declared[name]["AllowedValues"] == ["Same", *declared["SubnetPrefixLength"]["AllowedValues"]]
        elif values and re.fullmatch(r"`[^`]+` to `[^`]+`", allowed):
            assert _code(allowed) == [values[0], values[-1]], name
        elif 0 < len(values) <= 3:
            assert _code(allowed) == values, name
        for low, high in re.findall(r"`([^`]+)` to `([^`]+)`", allowed):
            for spec in SHIPPED:
                declared = rendered(spec)["Parameters"].get(name, {}).get("AllowedValues")
                if declared:
                    assert [low, high] == [declared[declared[0] == "Same"], declared[-1]], (name, spec.name)


#: How the parameter table names a shipped template in "only in the ... templates".
_TEMPLATE_WORDS = {
    "default": "dualstack-vpc",
    "private": "dualstack-vpc-private",
    "IPv6-only": "dualstack-vpc-ipv6only",
}


def test_the_parameter_table_says_which_templates_declare_a_parameter_that_some_lack() -> None:
    for name_cell, _, _, _, meaning in _table(ROOT / "docs" / "parameters.md", "parameter"):
        (name,) = _code(name_cell)
        declaring = {spec.name for spec in SHIPPED if name in rendered(spec)["Parameters"]}
        said = re.match(r"only in the (.+?) templates?:", meaning)
        if len(declaring) == len(SHIPPED):
            assert said is None, name
            continue
        assert said is not None, f"{name}: say which templates declare it"
        words = re.split(r", | and ", said.group(1))
        assert {_TEMPLATE_WORDS.get(word, f"dualstack-vpc-{word}") for word in words} == declaring, name


def _output_pattern(cell: str) -> re.Pattern[str]:
    tiers = "|".join(("Public", "Private", "Ipv6Only", "Isolated", "Edge"))
    pattern = re.sub(r"\{([A-Za-z0-9,]+)\}", lambda m: "(" + m.group(1).replace(",", "|") + ")", cell)
    return re.compile(pattern.replace("{Tier}", f"({tiers})").replace("(Tier)", f"({tiers})"))


def test_the_output_table_covers_every_output_and_only_those() -> None:
    patterns = [
        _output_pattern(code) for row in _table(ROOT / "docs" / "outputs.md", "output") for code in _code(row[0])
    ]
    every_tier = rendered(TemplateSpec(name="every-tier", tiers=KINDS))
    outputs = {key for spec in SHIPPED for key in rendered(spec)["Outputs"]} | set(every_tier["Outputs"])
    for key in outputs:
        assert any(p.fullmatch(key) for p in patterns), f"output {key} is not in docs/outputs.md"
    for pattern in patterns:
        assert any(pattern.fullmatch(key) for key in outputs), f"docs/outputs.md: {pattern.pattern} matches no output"


def test_every_logical_id_the_resource_page_names_exists() -> None:
    every_tier = rendered(TemplateSpec(name="every-tier", tiers=KINDS))
    resources = set(every_tier["Resources"])
    named = [c for c in _code(_text(ROOT / "docs" / "resources.md")) if re.fullmatch(r"[A-Z][A-Za-z0-9]+", c)]
    assert len(named) > 20
    for name in named:
        if name in ("DependsOn", "Name", "Ipv6CidrBlocks", "AmazonSSMManagedInstanceCore", "VPCGatewayAttachment"):
            continue
        assert name in resources, f"docs/resources.md names {name}, which no template has"


def test_the_lint_rule_table_lists_exactly_the_rules() -> None:
    rule_ids = sorted(cls.id for cls in rule_classes())
    rows = _table(ROOT / "docs" / "lint-rules.md", "ID")
    assert sorted(_code(row[0])[0] for row in rows) == rule_ids
    counted = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
    ][len(rule_ids)]
    assert f"adds {counted} rules" in _text(ROOT / "docs" / "lint-rules.md")


def test_the_numbers_the_docs_give_are_the_codes() -> None:
    proofs = _text(ROOT / "docs" / "proofs.md")
    assert f"in all {len(REGIONS)} regions" in proofs
    custom = _text(ROOT / "docs" / "custom-templates.md")
    largest = build_template(LARGEST)
    kilobytes = round(len(render(largest, "yaml").encode()) / 1000)
    assert f"is {len(largest.resources)} resources and about {kilobytes} KB of YAML" in custom
    assert f"`--azs N` (1 to {MAX_AZS_LIMIT})" in custom
    routing = [row[0] for row in _table(ROOT / "docs" / "routing.md", "tier")]
    assert routing == [kind.name for kind in KINDS]
