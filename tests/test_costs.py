"""Cost lines: what each parameter set creates that is billed by the hour, counted from the evaluated template."""

from __future__ import annotations

import pytest

from dualstack import SHIPPED
from dualstack.proofs.costs import PRICES, bill, cost_line
from dualstack.proofs.evaluate import evaluate

from .conftest import LARGEST, ROOT, rendered

PRIVATE = rendered(SHIPPED[1])
INSTANCE = {"CreateTestInstance": "true", "SshIngressCidr": "203.0.113.7/32"}


@pytest.mark.parametrize(
    ("choices", "nat_hours", "public_ipv4", "line"),
    [
        # Written out by hand from the price table: $0.045 per NAT gateway-hour, $0.005 per public IPv4 an hour.
        ({}, 0, 0, "cost: $0.000/h (about $0/month); free: Internet Gateway, egress-only gateway (IPv6 out)"),
        ({"NatGateways": "Single", "AzCount": "3"}, 1, 1, "cost: $0.050/h (about $36/month) (1 NAT gateway-hour x"),
        ({"NatGateways": "PerAz", "AzCount": "3"}, 3, 3, "cost: $0.150/h (about $110/month) (3 NAT gateway-hours"),
        # Billed per AZ it serves, with one address of AWS's in each.
        ({"NatGateways": "Regional", "AzCount": "3"}, 3, 3, "cost: $0.150/h (about $110/month) (3 NAT gateway-hours"),
        ({"NatGateways": "Regional", "AzCount": "1"}, 1, 1, "cost: $0.050/h"),
        # The instance's own price depends on its type, a parameter: "at least", and where to look it up.
        ({**INSTANCE}, 0, 1, "cost: at least $0.005/h (about $4/month) (1 public IPv4 x $0.005)"),
    ],
)
def test_each_nat_mode_costs_its_gateway_hours_and_addresses(
    choices: dict[str, str], nat_hours: int, public_ipv4: int, line: str
) -> None:
    deployment = evaluate(PRIVATE, choices)
    items = bill(deployment)
    assert (items.nat_gateway_hours, items.public_ipv4) == (nat_hours, public_ipv4)
    text = cost_line(deployment, "us-east-1")
    assert text.startswith(line)
    assert ("plus $0.045/GB through NAT" in text) is (nat_hours > 0)
    assert text.endswith("[prices: us-east-1, 2026-09-25, https://aws.amazon.com/vpc/pricing/]")


def test_the_test_instance_is_named_with_its_type_and_volume_where_its_price_is() -> None:
    deployment = evaluate(PRIVATE, {**INSTANCE, "TestInstanceType": "t3.small"})
    assert bill(deployment).instances == (("t3.small", "8 GiB gp3"),)
    text = cost_line(deployment, "us-east-1")
    assert (
        "; plus the t3.small instance and its 8 GiB gp3 volume, priced at https://aws.amazon.com/ec2/pricing/" in text
    )
    assert bill(evaluate(PRIVATE, {})).instances == ()
    assert "at least" not in cost_line(evaluate(PRIVATE, {}), "us-east-1")


def test_the_defaults_of_every_shipped_template_cost_nothing_by_the_hour() -> None:
    for spec in SHIPPED:
        assert cost_line(evaluate(rendered(spec), {}), "us-east-1").startswith("cost: $0.000/h"), spec.name


def test_gateway_endpoints_are_listed_as_free_and_add_nothing() -> None:
    deployment = evaluate(rendered(LARGEST), {"GatewayEndpoints": "S3AndDynamoDB", "AzCount": "6"})
    text = cost_line(deployment, "us-east-1")
    assert text.startswith("cost: $0.000/h")
    assert "free: Internet Gateway, egress-only gateway (IPv6 out), 3 gateway endpoints" in text


def test_public_ipv4_on_launch_is_named_only_while_public_subnets_map_it() -> None:
    assert "adds $0.005/h (MapPublicIpOnLaunch)" in cost_line(evaluate(PRIVATE, {}), "us-east-1")
    off = cost_line(evaluate(PRIVATE, {"MapPublicIpOnLaunch": "false"}), "us-east-1")
    assert "MapPublicIpOnLaunch" not in off


def test_a_region_in_the_table_uses_its_prices_and_another_says_whose_it_shows() -> None:
    deployment = evaluate(PRIVATE, {"NatGateways": "PerAz", "AzCount": "2"}, region="eu-west-1")
    assert cost_line(deployment, "eu-west-1").startswith("cost: $0.106/h")  # 2 x 0.048 + 2 x 0.005
    other = cost_line(evaluate(PRIVATE, {}, region="ap-south-1"), "ap-south-1")
    assert "[prices: us-east-1 (ap-south-1 is not in the table), " in other
    assert set(PRICES) == {"us-east-1", "eu-west-1"}


def test_the_deploy_guide_shows_the_cost_lines_precheck_prints() -> None:
    readme = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    block = readme.split("## What it costs", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    assert block.splitlines() == [
        cost_line(evaluate(PRIVATE, {}), "us-east-1"),
        cost_line(evaluate(PRIVATE, {"NatGateways": "PerAz", "AzCount": "3"}), "us-east-1"),
    ]
