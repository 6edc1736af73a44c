"""The facts shipped from cfn-lint (cfndata.json) are the pinned cfn-lint's, and the commands that read them import
no development package."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dualstack.commands import cfndata as cfndata_command
from dualstack.model import cfndata
from dualstack.proofs import plan

from .conftest import ROOT


def test_shipped_data_is_what_the_pinned_cfn_lint_gives() -> None:
    # A re-pin of cfn-lint that changes a region, a zone or a create-only property fails here: make cfn-data.
    assert cfndata.PATH.read_text(encoding="utf-8") == cfndata_command.render(cfndata_command.from_cfn_lint())


def test_create_only_properties_match_cfn_lint_schemas_for_the_types_the_templates_use() -> None:
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    for region in ("us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"):
        for resource_type in ("AWS::EC2::Subnet", "AWS::EC2::VPC", "AWS::Logs::LogGroup", "AWS::EC2::NatGateway"):
            schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, resource_type).schema
            expected = {tuple(p.split("/")[2:]) for p in schema["createOnlyProperties"] if p.startswith("/properties/")}
            assert set(cfndata.create_only(region, resource_type)) == expected
    assert ("CidrBlock",) in cfndata.create_only("us-east-1", "AWS::EC2::Subnet")


def test_a_type_missing_from_a_region_is_told_as_cfn_lint_tells_it() -> None:
    absent = json.loads(cfndata.PATH.read_text(encoding="utf-8"))["absent"]
    resource_type, indexes = next(iter(absent.items()))
    region = cfndata.regions()[indexes[0]]
    with pytest.raises(plan.PlanError, match=f"no schema for {resource_type} in {region}"):
        plan.create_only(region, resource_type)
    with pytest.raises(plan.PlanError, match="no schema for AWS::EC2::Nothing"):
        plan.create_only("us-east-1", "AWS::EC2::Nothing")


def test_zones_and_regions_are_cfn_lint_s() -> None:
    from cfnlint.helpers import AVAILABILITY_ZONES, REGIONS

    assert cfndata.regions() == list(REGIONS)
    assert cfndata.availability_zones("eu-west-1") == sorted(AVAILABILITY_ZONES["eu-west-1"])


@pytest.mark.parametrize(
    "command",
    [
        [
            "dualstack",
            "precheck",
            "templates/dualstack-vpc-private.yaml",
            "--region",
            "eu-west-1",
            "NatGateways=PerAz",
        ],
        ["dualstack", "plan", "templates/dualstack-vpc.yaml", "--region", "eu-west-1", "--to", "AzCount=3"],
    ],
    ids=["precheck", "plan"],
)
def test_offline_commands_import_no_development_package(command: list[str]) -> None:
    # What runs after `make template` alone, where cfn-lint, botocore and boto3 are not installed.
    script = (
        "import runpy, sys; sys.argv = sys.argv[1:]; "
        "code = 0\ntry: runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)\n"
        "except SystemExit as exc: code = exc.code\n"
        "print(sorted({m.partition('.')[0] for m in sys.modules} & {'cfnlint', 'botocore', 'boto3', 'moto'}), "
        "file=sys.stderr)\nsys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *command], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode in (0, 1), result.stderr
    assert result.stderr.splitlines()[-1] == "[]", result.stderr
