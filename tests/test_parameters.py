"""Deploy-time parameters: constraints, defaults, conditions and the console form."""

from __future__ import annotations

import re
from typing import Any

import pytest

from dualstack import TemplateSpec
from dualstack.proofs.evaluate import EvaluationError, evaluate

from .conftest import az_params, rendered


@pytest.mark.parametrize("cidr", ["10.0.0.0/16", "172.31.0.0/16", "192.168.0.0/20", "100.64.0.0/26"])
def test_vpc_cidr_pattern_accepts_usable_blocks(cidr: str) -> None:
    pattern = rendered(TemplateSpec())["Parameters"]["VpcCidrBlock"]["AllowedPattern"]
    assert re.fullmatch(pattern, cidr)


@pytest.mark.parametrize(
    "cidr",
    ["10.0.0.0/8", "10.0.0.0/15", "10.0.0.0/27", "10.0.0.0/28", "10.0.0.0", "256.0.0.0/16", "10.0.0/16", "::/56"],
)
def test_vpc_cidr_pattern_refuses_blocks_aws_or_the_subnets_cannot_use(cidr: str) -> None:
    pattern = rendered(TemplateSpec())["Parameters"]["VpcCidrBlock"]["AllowedPattern"]
    assert not re.fullmatch(pattern, cidr)


def test_vpc_cidr_pattern_follows_the_number_of_subnets() -> None:
    one_az = rendered(TemplateSpec(max_azs=1))["Parameters"]["VpcCidrBlock"]["AllowedPattern"]
    assert re.fullmatch(one_az, "10.0.0.0/28")
    six_azs = rendered(TemplateSpec(max_azs=6))["Parameters"]["VpcCidrBlock"]["AllowedPattern"]
    assert re.fullmatch(six_azs, "10.0.0.0/25")
    assert not re.fullmatch(six_azs, "10.0.0.0/26")


def test_az_count_runs_from_one_to_the_template_maximum_with_default_two(any_spec: TemplateSpec) -> None:
    if any_spec.max_azs == 1:
        assert "AzCount" not in rendered(any_spec)["Parameters"]
        return
    param = rendered(any_spec)["Parameters"]["AzCount"]
    assert param["AllowedValues"] == [str(n) for n in range(1, any_spec.max_azs + 1)]
    assert param["Default"] == str(min(2, any_spec.max_azs))


def test_az_conditions_hold_exactly_when_the_count_reaches_their_az(any_spec: TemplateSpec) -> None:
    for azs in range(1, any_spec.max_azs + 1):
        conditions = {
            k: v
            for k, v in evaluate(rendered(any_spec), az_params(any_spec, azs)).conditions.items()
            if k.startswith("HasAz")
        }
        expected = {f"HasAz{letter}": index < azs for index, letter in enumerate("ABCDEF") if index > 0}
        assert conditions == {k: v for k, v in expected.items() if k in conditions}
        assert len(conditions) == any_spec.max_azs - 1


def test_subnet_prefix_length_maps_to_the_host_bits_fn_cidr_needs(shipped: dict[str, Any]) -> None:
    allowed = shipped["Parameters"]["SubnetPrefixLength"]["AllowedValues"]
    mapping = shipped["Mappings"]["SubnetSizes"]
    assert sorted(mapping) == sorted(allowed)
    tier_sizes = [p for p in shipped["Parameters"] if p.endswith("SubnetPrefixLength") and p != "SubnetPrefixLength"]
    for prefix in allowed:
        bits = [str(32 - int(prefix))]
        if not tier_sizes:
            assert mapping[prefix] == {"Ipv4CidrBits": bits}
            continue
        # The slot's own size under the value a tier of that size passes (Same), and every size a tier can take
        # inside the slot: the prefix lengths at least as long, each with its own host bits.
        fitting = {p: [str(32 - int(p))] for p in allowed if int(p) >= int(prefix)}
        assert mapping[prefix] == {"Same": bits, **fitting}
        assert all(shipped["Parameters"][name]["AllowedValues"] == ["Same", *allowed] for name in tier_sizes)


def test_out_of_range_values_are_refused_before_anything_is_built(shipped: dict[str, Any]) -> None:
    for bad in ({"AzCount": "0"}, {"AzCount": "7"}, {"SubnetPrefixLength": "29"}, {"VpcCidrBlock": "10.0.0.0/8"}):
        with pytest.raises(EvaluationError, match="parameter"):
            evaluate(shipped, bad)


def test_every_parameter_has_a_console_label_group_and_description(shipped: dict[str, Any]) -> None:
    interface = shipped["Metadata"]["AWS::CloudFormation::Interface"]
    grouped = [p for group in interface["ParameterGroups"] for p in group["Parameters"]]
    assert sorted(grouped) == sorted(shipped["Parameters"])
    assert len(grouped) == len(set(grouped))
    assert set(interface["ParameterLabels"]) == set(shipped["Parameters"])
    for name, param in shipped["Parameters"].items():
        assert param["Description"], name
        # A list of allowed values explains itself (CloudFormation names the parameter and "AllowedValues");
        # a pattern or a type does not.
        assert ("ConstraintDescription" in param) == ("AllowedValues" not in param), name
        assert "Default" in param, name


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ({"Ipv6Source": "Ipam"}, "set Ipv6IpamPoolId"),
        ({"FlowLogs": "S3"}, "set FlowLogS3BucketArn"),
    ],
)
def test_rules_refuse_an_option_without_the_value_it_needs(
    shipped: dict[str, Any], choices: dict[str, str], message: str
) -> None:
    with pytest.raises(EvaluationError, match=message):
        evaluate(shipped, choices)


def test_rules_accept_the_option_once_its_value_is_given(shipped: dict[str, Any]) -> None:
    evaluate(shipped, {"Ipv6Source": "Ipam", "Ipv6IpamPoolId": "ipam-pool-0123456789abcdef0"})
    evaluate(shipped, {"FlowLogs": "S3", "FlowLogS3BucketArn": "arn:aws:s3:::flow-logs/vpc"})


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        ("Ipv6IpamPoolId", ["", "ipam-pool-0123456789abcdef0"], ["pool-1", "ipam-pool-XYZ", " "]),
        (
            "FlowLogS3BucketArn",
            ["", "arn:aws:s3:::my-logs", "arn:aws-cn:s3:::my.logs/vpc/", "arn:aws-us-gov:s3:::b-1b"],
            ["my-logs", "arn:aws:s3:::", "arn:aws:s3:::My_Logs", "s3://my-logs"],
        ),
    ],
)
def test_identifier_parameters_accept_only_their_shape(name: str, good: list[str], bad: list[str]) -> None:
    pattern = rendered(TemplateSpec())["Parameters"][name]["AllowedPattern"]
    assert [v for v in good if not re.fullmatch(pattern, v)] == []
    assert [v for v in bad if re.fullmatch(pattern, v)] == []


def test_nat_gateways_are_offered_only_where_a_tier_uses_them(any_spec: TemplateSpec) -> None:
    parameters = rendered(any_spec)["Parameters"]
    assert ("NatGateways" in parameters) is any_spec.uses_nat
    if any_spec.uses_nat:
        # Regional only where a tier routes IPv4 through NAT (a private tier); never for NAT64 alone.
        regional = ["Regional"] if any(kind.name == "private" for kind in any_spec.tiers) else []
        assert parameters["NatGateways"]["AllowedValues"] == ["None", "Single", "PerAz", *regional]
        assert parameters["NatGateways"]["Default"] == "None"


def test_defaults_keep_the_seed_pattern_and_create_nothing_billable(shipped: dict[str, Any]) -> None:
    params = shipped["Parameters"]
    assert params["PublicIpv6Routing"]["Default"] == "EgressOnly"
    assert params["FlowLogs"]["Default"] == "None"
    assert params["Ipv6Source"]["Default"] == "Amazon"
    types = {r["Type"] for r in evaluate(shipped).resources.values()}
    assert not types & {"AWS::EC2::NatGateway", "AWS::EC2::EIP", "AWS::EC2::FlowLog", "AWS::Logs::LogGroup"}
