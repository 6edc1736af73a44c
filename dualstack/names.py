"""Logical IDs, tags and export names: made here and nowhere else.

Logical IDs are part of every deployed stack: renaming one makes CloudFormation
replace the resource. ``tests/test_names.py`` pins them.
"""

from __future__ import annotations

import string

from troposphere import BaseAWSObject, Sub, Tags

from .spec import TierKind

# Resources that exist once per template.
VPC = "Vpc"
VPC_IPV6_CIDR_BLOCK = "VpcIpv6CidrBlock"
INTERNET_GATEWAY = "InternetGateway"
INTERNET_GATEWAY_ATTACHMENT = "InternetGatewayAttachment"
EGRESS_ONLY_INTERNET_GATEWAY = "EgressOnlyInternetGateway"

# Parameters.
VPC_CIDR_BLOCK_PARAM = "VpcCidrBlock"
SUBNET_PREFIX_LENGTH_PARAM = "SubnetPrefixLength"
AZ_COUNT_PARAM = "AzCount"

# Mappings.
SUBNET_SIZES_MAPPING = "SubnetSizes"
IPV4_CIDR_BITS = "Ipv4CidrBits"


def az_letter(az_index: int) -> str:
    """``A`` for the first AZ of ``Fn::GetAZs``, ``B`` for the second, and so on."""
    return string.ascii_uppercase[az_index]


def tier_prefix(tier: TierKind) -> str:
    """``Public`` for the public tier: the first word of each of its logical IDs."""
    return tier.value.capitalize()


def tier_resource(tier: TierKind, kind: str, az_index: int | None = None) -> str:
    """``{Tier}{Kind}{AZ}``: ``PublicSubnetA``, ``PublicRouteTable``, ``PublicIpv6DefaultRoute``."""
    suffix = "" if az_index is None else az_letter(az_index)
    return f"{tier_prefix(tier)}{kind}{suffix}"


def az_condition(az_index: int) -> str:
    """Condition that holds when the stack uses the AZ at this index (never made for the first)."""
    return f"HasAz{az_letter(az_index)}"


def logical_id(item: BaseAWSObject) -> str:
    """The logical ID of a resource, parameter or output made with one (troposphere types it as optional)."""
    if item.title is None:
        raise ValueError(f"{type(item).__name__} has no logical ID")
    return item.title


def output_key(logical_id: str) -> str:
    """Output key for a resource's ID: ``PublicSubnetA`` -> ``PublicSubnetAId``."""
    return f"{logical_id}Id"


def export_name(key: str) -> Sub:
    """Every output is exported as ``${AWS::StackName}-<OutputKey>``."""
    return Sub(f"${{AWS::StackName}}-{key}")


def name_tags(suffix: str = "") -> Tags:
    """A fresh ``Name`` tag built from the stack name (troposphere's ``Tags + Tags`` mutates, so never share)."""
    text = "${AWS::StackName}" + (f"-{suffix}" if suffix else "")
    return Tags(Name=Sub(text))
