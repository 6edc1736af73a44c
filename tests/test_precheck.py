"""make deploy's offline check of a parameter set."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualstack import build_template
from dualstack.commands.precheck import main
from dualstack.render.text import render

from .conftest import LARGEST, TEMPLATES

YAML = str(TEMPLATES / "dualstack-vpc.yaml")
JSON = str(TEMPLATES / "dualstack-vpc.json")


egress = "0.0.0.0/0 -> InternetGateway, ::/0 -> EgressOnlyInternetGateway"


def test_prints_the_subnets_a_parameter_set_builds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([YAML, "--region", "eu-west-1", "AzCount=3", "VpcCidrBlock=10.20.0.0/16", "SubnetPrefixLength=20"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (f"precheck: {YAML} with AzCount=3 VpcCidrBlock=10.20.0.0/16 SubnetPrefixLength=20: 14 resources")
    assert out[-1].startswith("  cost: $0.000/h")
    assert [line.split(maxsplit=5) for line in out[1:-1]] == [
        ["PublicSubnetA", "eu-west-1a", "10.20.0.0/20", "/64", "#0", egress],
        ["PublicSubnetB", "eu-west-1b", "10.20.16.0/20", "/64", "#1", egress],
        ["PublicSubnetC", "eu-west-1c", "10.20.32.0/20", "/64", "#2", egress],
    ]


def test_shows_private_and_ipv6_only_routes_through_each_az_nat_gateway(capsys: pytest.CaptureFixture[str]) -> None:
    template = str(TEMPLATES / "dualstack-vpc-ipv6only.yaml")
    assert main([template, "NatGateways=PerAz"]) == 0
    lines = capsys.readouterr().out.splitlines()
    # Two NAT gateways and their Elastic IPs (AzCount=2).
    assert lines.pop().startswith("  cost: $0.100/h (about $73/month) (2 NAT gateway-hours x $0.045 + 2 public IPv4")
    assert lines[-2].split(maxsplit=5) == [
        "Ipv6OnlySubnetA",
        "us-east-1a",
        "no",
        "IPv4",
        "/64",
        "#3   ::/0 -> EgressOnlyInternetGateway, 64:ff9b::/96 -> NatGatewayA",
    ]
    assert lines[-1].endswith("64:ff9b::/96 -> NatGatewayB")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["VpcCidrBlock=10.0.0.0/23"], "10.0.0.0/23 holds 2 blocks of /24, 3 asked for"),
        (["VpcCidrBlock=10.0.1.0/16"], "host bits"),
        (["FlowLogs=S3"], "set FlowLogS3BucketArn"),
        (["AzCount=4"], "AzCount='4' is not one of 1, 2, 3"),
        (["VpcCidr=10.0.0.0/16"], "unknown parameter VpcCidr"),
        (["AzCount"], "'AzCount' is not Key=Value"),
    ],
)
def test_refuses_a_parameter_set_that_would_fail_to_deploy(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main([JSON, *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert message in captured.err


def test_warns_when_the_region_lists_fewer_zones_than_chosen(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([YAML, "--region", "us-west-1", "AzCount=3"]) == 0
    assert "warning: us-west-1 has 2 Availability Zones" in capsys.readouterr().err


def test_unreadable_template_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-template.yaml"]) == 2
    assert capsys.readouterr().err == "precheck: error: cannot read no-such-template.yaml: No such file or directory\n"


def test_a_regional_nat_gateway_beside_ipv6_only_subnets_is_said_to_carry_no_nat64(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "all.json"
    template.write_text(render(build_template(LARGEST), "json"), encoding="utf-8")
    assert main([str(template), "NatGateways=Regional"]) == 0
    out = capsys.readouterr().out
    assert "note: the regional NAT gateway carries IPv4 only: IPv6-only subnets get no NAT64 and no DNS64" in out
    assert main([str(template), "NatGateways=PerAz"]) == 0
    assert "note:" not in capsys.readouterr().out


def test_ipv4_from_ipam_is_said_to_show_example_addresses(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [YAML, "Ipv4Source=Ipam", "Ipv4IpamPoolId=ipam-pool-0123456789abcdef0", "Ipv4NetmaskLength=20"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "note: IPv4 from IPAM: the IPv4 blocks shown are cut from an example /20" in out
    assert main([YAML]) == 0
    assert "note:" not in capsys.readouterr().out
