"""The refusal rules of the update plan, each on a few evaluated resources written by hand.

Each expectation follows from how CloudFormation orders an update (a replacement or an addition is created before
what it replaces or what is removed is deleted: "Update behaviors of stack resources", CloudFormation User Guide) and
from what EC2 lets two resources hold at once: a subnet's or a VPC block's range is unique within its VPC
(AssociateVpcCidrBlock, CreateSubnet), a fixed private address within its subnet (CreateNetworkInterface), an
Internet Gateway attaches to one VPC at a time (AttachInternetGateway), and a VPC's IPv6 block cannot be
disassociated while subnets use it (DisassociateVpcCidrBlock).
"""

from __future__ import annotations

from typing import Any

from dualstack.evaluate import Deployment
from dualstack.plan import NEW_STACK, _block_in_use, _forced, _gateway_moves, _overlap

Resource = dict[str, Any]
HELD = "until the update completes, so CloudFormation cannot"
READD = "in one update and add it back in the next"


def _side(**resources: Resource) -> Deployment:
    return Deployment(parameters={}, conditions={}, resources=dict(resources), outputs={})


def _r(kind: str, **properties: Any) -> Resource:
    return {"Type": f"AWS::EC2::{kind}", "Properties": properties, "DependsOn": []}


def _renamed(old: Resource, new: Resource) -> str | None:
    """The overlap verdict when ``Old`` is removed and ``New`` added in the same update."""
    return _overlap(_side(Old=old), _side(New=new), {"Old"}, {"New"}, set())


# What a resource holds


def test_a_secondary_vpc_block_renamed_keeps_its_range_until_the_old_one_is_deleted() -> None:
    # A VPC cannot associate a CIDR that overlaps one it already has.
    old = _r("VPCCidrBlock", VpcId="<Net>", CidrBlock="10.1.0.0/16")
    new = _r("VPCCidrBlock", VpcId="<Net>", CidrBlock="10.1.0.0/17")
    assert _renamed(old, new) == (
        f"the new New's CidrBlock 10.1.0.0/17 overlaps 10.1.0.0/16, which Old still holds {HELD} create it; {NEW_STACK}"
    )
    assert _renamed(old, _r("VPCCidrBlock", VpcId="<Net>", CidrBlock="10.2.0.0/16")) is None


def test_a_renamed_ipv6_vpc_block_clashes_with_the_old_one() -> None:
    old = _r("VPCCidrBlock", VpcId="<Net>", Ipv6CidrBlock="2001:db8:1200::/56")
    new = _r("VPCCidrBlock", VpcId="<Net>", Ipv6CidrBlock="2001:db8:1200::/56")
    assert _renamed(old, new) == (
        f"the new New's Ipv6CidrBlock 2001:db8:1200::/56 overlaps 2001:db8:1200::/56, which Old still holds {HELD} "
        f"create it; {NEW_STACK}"
    )


def test_a_renamed_nat_gateway_cannot_take_the_fixed_address_of_the_old_one() -> None:
    old = _r("NatGateway", SubnetId="<SubnetA>", PrivateIpAddress="10.0.0.10")
    new = _r("NatGateway", SubnetId="<SubnetA>", PrivateIpAddress="10.0.0.10")
    assert _renamed(old, new) == (
        f"the new New's PrivateIpAddress 10.0.0.10 overlaps 10.0.0.10, which Old still holds {HELD} create it; "
        f"remove New {READD}"
    )
    assert _renamed(old, _r("NatGateway", SubnetId="<SubnetA>", PrivateIpAddress="10.0.0.11")) is None


def test_a_renamed_network_interface_cannot_take_a_secondary_address_the_old_one_holds() -> None:
    old = _r(
        "NetworkInterface",
        SubnetId="<SubnetA>",
        PrivateIpAddresses=[{"PrivateIpAddress": "10.0.0.20", "Primary": True}],
    )
    new = _r(
        "NetworkInterface",
        SubnetId="<SubnetA>",
        PrivateIpAddresses=[{"PrivateIpAddress": "10.0.0.21", "Primary": True}, {"PrivateIpAddress": "10.0.0.20"}],
    )
    assert _renamed(old, new) == (
        f"the new New's PrivateIpAddresses[1] 10.0.0.20 overlaps 10.0.0.20, which Old still holds {HELD} create it; "
        f"remove New {READD}"
    )


def test_an_instance_interface_after_one_that_is_not_an_object_still_counts() -> None:
    old = _r("Instance", NetworkInterfaces=[{"SubnetId": "<SubnetA>", "PrivateIpAddress": "10.0.0.30"}])
    new = _r(
        "Instance",
        NetworkInterfaces=["not an interface", {"SubnetId": "<SubnetA>", "PrivateIpAddress": "10.0.0.30"}],
    )
    assert _renamed(old, new) == (
        f"the new New's NetworkInterfaces[1].PrivateIpAddress 10.0.0.30 overlaps 10.0.0.30, which Old still holds "
        f"{HELD} create it; remove New {READD}"
    )


def test_the_same_fixed_address_in_another_subnet_is_no_clash() -> None:
    # Changing the VPC's CIDR replaces the VPC, its subnet and the interface in it: the new interface's address
    # is taken in the new subnet (a new physical ID), where nothing holds it.
    old = _side(Eni=_r("NetworkInterface", SubnetId="<SubnetA>", PrivateIpAddress="10.0.0.40"))
    new = _side(Eni=_r("NetworkInterface", SubnetId="<SubnetA:new>", PrivateIpAddress="10.0.0.40"))
    assert _overlap(old, new, {"Eni"}, {"Eni"}, set()) is None


# How an overlap is told


def test_a_subnet_replaced_by_a_larger_one_clashes_with_its_old_self() -> None:
    old = _side(A=_r("Subnet", VpcId="<Net>", CidrBlock="10.0.0.0/24"))
    new = _side(A=_r("Subnet", VpcId="<Net>", CidrBlock="10.0.0.0/23"))
    assert _overlap(old, new, {"A"}, {"A"}, set()) == (
        f"the new A's CidrBlock 10.0.0.0/23 overlaps 10.0.0.0/24, which the old A still holds {HELD} create it; "
        f"{NEW_STACK}"
    )


def test_several_clashes_are_counted_after_the_first() -> None:
    old = _side(
        A=_r("Subnet", VpcId="<Net>", CidrBlock="10.0.0.0/24"), B=_r("Subnet", VpcId="<Net>", CidrBlock="10.0.1.0/24")
    )
    new = _side(C=_r("Subnet", VpcId="<Net>", CidrBlock="10.0.0.0/23"))
    assert _overlap(old, new, {"A", "B"}, {"C"}, set()) == (
        f"the new C's CidrBlock 10.0.0.0/23 overlaps 10.0.0.0/24, which A still holds {HELD} create it "
        f"(and 1 more such clashes); {NEW_STACK}"
    )


# The Internet Gateway


def _attached(gateway: str, vpc: str) -> Resource:
    return _r("VPCGatewayAttachment", VpcId=vpc, InternetGatewayId=gateway)


def test_a_gateway_attached_to_a_new_vpc_while_still_attached_to_the_old_one_is_refused() -> None:
    old = _side(Attachment=_attached("<InternetGateway>", "<Vpc>"))
    new = _side(Attachment=_attached("<InternetGateway>", "<Vpc:new>"))
    assert _gateway_moves(old, new, {"Attachment"}, {"Attachment"}) == (
        "the new Attachment attaches InternetGateway to a new VPC while Attachment still attaches it to the old one, "
        f"and a gateway attaches to one VPC at a time; {NEW_STACK}"
    )


def test_a_new_gateway_attached_to_a_new_vpc_is_no_move() -> None:
    # The whole network renamed: another gateway, another VPC; each attaches to one VPC.
    old = _side(OldAttachment=_attached("<OldGateway>", "<OldVpc>"))
    new = _side(NewAttachment=_attached("<NewGateway>", "<NewVpc>"))
    assert _gateway_moves(old, new, {"OldAttachment"}, {"NewAttachment"}) is None


# The VPC's IPv6 block


def _network(block: Resource, *subnets: str) -> Deployment:
    return _side(
        Vpc=_r("VPC", CidrBlock="10.0.0.0/16"),
        Block=block,
        Acl=_r("NetworkAcl", VpcId="<Vpc>"),
        **{s: _r("Subnet", VpcId="<Vpc>", CidrBlock="10.0.0.0/24", Ipv6CidrBlock="2001:db8::/64") for s in subnets},
    )


def test_a_replaced_ipv6_block_is_refused_while_one_subnet_stays_on_it() -> None:
    # Something else is removed in the same update and comes first in order: the block is still looked at.
    old = _network(_r("VPCCidrBlock", VpcId="<Vpc>", AmazonProvidedIpv6CidrBlock=True), "Sub")
    new = _network(_r("VPCCidrBlock", VpcId="<Vpc>", Ipv6IpamPoolId="ipam-pool-0123456789abcdef0"), "Sub")
    assert _block_in_use(old, new, {"Acl", "Block"}, frozenset({"Block"})) == (
        "Block is replaced, but Sub stays and keeps its IPv6 /64 from the old block, which the VPC cannot release "
        f"while a subnet uses it; {NEW_STACK}"
    )
    assert _block_in_use(old, new, {"Block"}, frozenset({"Block", "Sub"})) is None


# What forces a replacement


def test_a_nested_create_only_property_is_named_by_its_path() -> None:
    # In the schema cfn-lint ships, /properties/DnsOptions/PrivateDnsPreference of a VPC endpoint is create-only.
    def endpoint(preference: str) -> Resource:
        return {
            "Type": "AWS::EC2::VPCEndpoint",
            "Properties": {"VpcId": "<Vpc>", "ServiceName": "s3", "DnsOptions": {"PrivateDnsPreference": preference}},
        }

    old = _side(Endpoint=endpoint("ALL_DOMAINS"))
    new = _side(Endpoint=endpoint("VERIFIED_DOMAINS_ONLY"))
    assert _forced(old, new, "eu-west-1") == {"Endpoint": ("DnsOptions.PrivateDnsPreference",)}


def test_a_changed_type_is_what_forces_it_and_the_other_resources_are_still_looked_at() -> None:
    old = _side(A=_r("EIP", Domain="vpc"), B=_r("Subnet", VpcId="<Vpc>", CidrBlock="10.0.0.0/24"))
    new = _side(A=_r("NatGateway", SubnetId="<B>"), B=_r("Subnet", VpcId="<Vpc>", CidrBlock="10.0.1.0/24"))
    assert _forced(old, new, "eu-west-1") == {"A": ("Type",), "B": ("CidrBlock",)}
