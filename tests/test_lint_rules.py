"""The dual-stack cfn-lint rules: each fixture in lint_fixtures/ names the findings it must produce."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import RULES_DIR, lint, rule_classes

FIXTURES = sorted((Path(__file__).parent / "lint_fixtures").glob("*.yaml"))
CUSTOM = re.compile(r"^[EWI]96\d\d$")
RULE_CLASSES = rule_classes()


def custom_findings(text: str, regions: list[str] | None = None) -> list[str]:
    """IDs of this project's rules that fire on ``text``, sorted (stock rules' findings are not ours to judge)."""
    matches = lint(text, append_rules=[RULES_DIR], include_checks=["I"], regions=regions or ["us-east-1"])
    # A rule that raises is reported by cfn-lint as E0002, not under its own ID: that is never a pass.
    crashed = [str(m) for m in matches if m.rule.id == "E0002"]
    assert not crashed, crashed
    return sorted(m.rule.id for m in matches if CUSTOM.match(m.rule.id))


def _expected(fixture: Path) -> list[str]:
    first = fixture.read_text().splitlines()[0]
    assert first.startswith("# expect: "), f"{fixture.name} must start with '# expect: IDs' or '# expect: none'"
    words = first.removeprefix("# expect: ").split()
    return [] if words == ["none"] else sorted(words)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_fixture_produces_exactly_its_expected_findings(fixture: Path) -> None:
    assert custom_findings(fixture.read_text()) == _expected(fixture)


def test_every_rule_has_a_fixture_that_triggers_it_and_one_that_does_not() -> None:
    for cls in RULE_CLASSES:
        triggered = [f for f in FIXTURES if cls.id in _expected(f)]
        clean = [f for f in FIXTURES if f.name.startswith(cls.id) and "_good_" in f.name]
        assert triggered, f"no fixture triggers {cls.id}"
        assert clean, f"no correct fixture for {cls.id}"


def test_rules_carry_a_custom_id_description_and_source() -> None:
    ids = [cls.id for cls in RULE_CLASSES]
    assert len(ids) == 11
    assert len(set(ids)) == len(ids)
    for cls in RULE_CLASSES:
        assert CUSTOM.match(cls.id), cls.id
        assert cls.shortdesc
        assert len(cls.description) > 60
        assert cls.source_url.startswith("https://")


def test_messages_name_the_resource_and_property() -> None:
    text = (Path(__file__).parent / "lint_fixtures" / "E9602_bad_widdix_471_route_before_attachment.yaml").read_text()
    (match,) = [m for m in lint(text, append_rules=[RULES_DIR], regions=["us-east-1"]) if m.rule.id == "E9602"]
    gateway_line = text.splitlines().index("      GatewayId: !Ref InternetGateway") + 1
    assert match.linenumber == gateway_line
    assert "RouteTablePublicInternetRoute" in match.message
    assert "add DependsOn: VPCGatewayAttachment" in match.message


def test_the_cfn_lint_command_loads_the_rules_directory() -> None:
    # The rule files import their helpers from the dualstack package: importable here as it is where dualstack is
    # installed (tests/test_install.py runs cfn-lint on the installed rules).
    fixture = str(Path(__file__).parent / "lint_fixtures" / "W9606_bad_third_zone_always.yaml")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), fixture, "--append-rules", RULES_DIR, "--format", "parseable"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(RULES_DIR).parent.parent)},
    )
    assert ":W9606:SubnetC always uses Availability Zone index 2" in result.stdout, result.stdout + result.stderr
    assert result.returncode == 4, "cfn-lint exits 4 when the worst finding is a warning"
