"""The refusal rules of the update plan, each on a few evaluated resources written by hand.

Each expectation follows from how CloudFormation orders an update (a replacement or an addition is created before
what it replaces or what is removed is deleted: "Update behaviors of stack resources", CloudFormation User Guide) and
from what EC2 lets two resources hold at once: a subnet's or a VPC block's range is unique within its VPC
(AssociateVpcCidrBlock, CreateSubnet), a fixed private address within its subnet (CreateNetworkInterface), an
Internet Gateway attaches to one VPC at a time (AttachInternetGateway), a VPC has one Internet Gateway, one
egress-only Internet Gateway and one virtual private gateway attached at a time (Amazon VPC quotas, Site-to-Site VPN
quotas), and a VPC's IPv6 block cannot be disassociated while subnets use it (DisassociateVpcCidrBlock). A resource's
type cannot change under the same logical ID: CloudFormation rejects such an update before it starts.
"""

from __future__ import annotations

from typing import Any

import pytest

from dualstack.proofs.evaluate import Deployment
from dualstack.proofs.plan import PlanError, _forced
from dualstack.proofs.plan_rules import (
    NEW_STACK,
    _block_in_use,
    _enforce_without_monitor,
    _gateway_moves,
    _gateway_taken,
    _overlap,
    _type_changes,
    enforce_at_creation,
)

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
    assert _gateway_taken(old, new, {"NewAttachment"}) is None


def _taken(what: str, kind: str, held: str = "Attachment") -> str:
    return (
        f"the new {what} attaches another {kind} to Vpc while {held} still attaches one until the update completes, "
        f"and a VPC has one {kind} attached at a time; remove {held} in one update and add {what} in the next"
    )


def test_a_renamed_attachment_of_a_new_gateway_to_the_same_vpc_is_refused() -> None:
    # The new attachment is created before the old one is deleted, and a VPC has one Internet Gateway at a time.
    old = _side(Gateway=_r("InternetGateway"), Attachment=_attached("<Gateway>", "<Vpc>"))
    new = _side(Gateway2=_r("InternetGateway"), Attachment2=_attached("<Gateway2>", "<Vpc>"))
    leaving, arriving = {"Gateway", "Attachment"}, {"Gateway2", "Attachment2"}
    assert _gateway_moves(old, new, leaving, arriving) is None
    assert _gateway_taken(old, new, arriving) == _taken("Attachment2", "Internet Gateway")


def test_a_renamed_attachment_of_the_same_gateway_to_the_same_vpc_is_no_move_but_refused() -> None:
    # EC2 refuses to attach a gateway already attached to that VPC (Resource.AlreadyAssociated).
    old = _side(Attachment=_attached("<Gateway>", "<Vpc>"))
    new = _side(Attachment2=_attached("<Gateway>", "<Vpc>"))
    assert _gateway_moves(old, new, {"Attachment"}, {"Attachment2"}) is None
    assert _gateway_taken(old, new, {"Attachment2"}) == _taken("Attachment2", "Internet Gateway")


def test_a_second_attachment_beside_one_that_stays_is_refused() -> None:
    old = _side(Attachment=_attached("<Gateway>", "<Vpc>"))
    new = _side(Attachment=_attached("<Gateway>", "<Vpc>"), Extra=_attached("<Gateway2>", "<Vpc>"))
    assert _gateway_taken(old, new, {"Extra"}) == _taken("Extra", "Internet Gateway")


def test_an_attachment_that_only_changes_its_gateway_in_place_is_no_second_attachment() -> None:
    # InternetGatewayId is not create-only: a renamed gateway updates the attachment, which arrives nowhere.
    old = _side(Gateway=_r("InternetGateway"), Attachment=_attached("<Gateway>", "<Vpc>"))
    new = _side(Gateway2=_r("InternetGateway"), Attachment=_attached("<Gateway2>", "<Vpc>"))
    assert _gateway_taken(old, new, {"Gateway2"}) is None


def test_a_vpn_gateway_beside_an_internet_gateway_is_allowed_but_not_two_vpn_gateways() -> None:
    def vpn(gateway: str) -> Resource:
        return _r("VPCGatewayAttachment", VpcId="<Vpc>", VpnGatewayId=gateway)

    old = _side(Attachment=_attached("<Gateway>", "<Vpc>"))
    assert _gateway_taken(old, _side(Vpn=vpn("<Vgw>"), Attachment=_attached("<Gateway>", "<Vpc>")), {"Vpn"}) is None
    old = _side(Attachment=vpn("<Vgw>"))
    assert _gateway_taken(old, _side(Vpn=vpn("<Vgw2>")), {"Vpn"}) == _taken("Vpn", "virtual private gateway")


def test_a_renamed_egress_only_gateway_is_refused_but_one_replaced_with_its_vpc_is_not() -> None:
    # One egress-only Internet Gateway per VPC at a time; a new VPC's gateway is the first in that VPC.
    old = _side(Eigw=_r("EgressOnlyInternetGateway", VpcId="<Vpc>"))
    renamed = _side(Eigw2=_r("EgressOnlyInternetGateway", VpcId="<Vpc>"))
    assert _gateway_taken(old, renamed, {"Eigw2"}) == _taken("Eigw2", "egress-only Internet Gateway", "Eigw")
    moved = _side(Eigw=_r("EgressOnlyInternetGateway", VpcId="<Vpc:new>"))
    assert _gateway_taken(old, moved, {"Eigw"}) is None
    # An egress-only gateway beside an Internet Gateway is the dual-stack layout itself.
    assert _gateway_taken(_side(Igw=_attached("<Gateway>", "<Vpc>")), renamed, {"Eigw2"}) is None


# A resource's type


def test_a_resource_whose_type_changes_is_refused_naming_it_and_both_types() -> None:
    old = _side(A=_r("EIP", Domain="vpc"), B=_r("Subnet", VpcId="<Vpc>", CidrBlock="10.0.0.0/24"))
    new = _side(A=_r("NatGateway", SubnetId="<B>"), B=_r("Subnet", VpcId="<Vpc>", CidrBlock="10.0.1.0/24"))
    assert _type_changes(old, new) == (
        "A changes type from AWS::EC2::EIP to AWS::EC2::NatGateway, which CloudFormation does not allow under the "
        "same logical ID; give the AWS::EC2::NatGateway a new logical ID, so that it is added and the AWS::EC2::EIP "
        "removed"
    )
    assert _type_changes(old, old) is None
    # Added and removed resources are not type changes.
    assert _type_changes(old, _side(C=_r("NatGateway", SubnetId="<B>"))) is None


def test_a_named_custom_resource_becoming_a_plain_one_is_a_type_change_and_more_are_counted() -> None:
    def custom(kind: str) -> Resource:
        return {"Type": kind, "Properties": {"ServiceToken": "<Function.Arn>"}}

    old = _side(Rules=custom("Custom::Rules"), Zeta=_r("EIP"))
    new = _side(Rules=custom("AWS::CloudFormation::CustomResource"), Zeta=_r("NatGateway"))
    assert _type_changes(old, new) == (
        "Rules changes type from Custom::Rules to AWS::CloudFormation::CustomResource (and 1 more resources whose "
        "type changes), which CloudFormation does not allow under the same logical ID; give the "
        "AWS::CloudFormation::CustomResource a new logical ID, so that it is added and the Custom::Rules removed"
    )


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


def test_a_type_the_region_lacks_is_refused_by_name_not_planned_as_if_it_had_no_create_only_properties() -> None:
    # The pinned cfn-lint has no AWS::EC2::VPCEncryptionControl in ap-northeast-2 (model/cfndata.py's "absent").
    control = _r("VPCEncryptionControl", VpcId="<Vpc>", Mode="monitor")
    assert _forced(_side(Control=control), _side(Control=control), "eu-west-1") == {}
    absent = r"^cfn-lint has no schema for AWS::EC2::VPCEncryptionControl in ap-northeast-2$"
    with pytest.raises(PlanError, match=absent):
        _forced(_side(Control=control), _side(Control=control), "ap-northeast-2")


# Encryption controls: a VPC goes to enforce mode only from monitor mode (docs/private-access.md).


def _control(mode: str, vpc: str = "<Vpc>") -> Resource:
    return _r("VPCEncryptionControl", VpcId=vpc, Mode=mode)


def test_enforce_on_a_vpc_without_a_control_before_is_refused() -> None:
    vpc = _r("VPC", CidrBlock="10.0.0.0/16")
    why = _enforce_without_monitor(_side(Vpc=vpc), _side(Vpc=vpc, Control=_control("enforce")))
    assert why is not None
    assert why.startswith("Control would put Vpc straight into enforce mode")
    assert "EncryptionControl=Monitor first" in why


def test_enforce_from_monitor_and_monitor_from_nothing_go_through() -> None:
    vpc = _r("VPC", CidrBlock="10.0.0.0/16")
    before = _side(Vpc=vpc, Control=_control("monitor"))
    assert _enforce_without_monitor(before, _side(Vpc=vpc, Control=_control("enforce"))) is None
    assert _enforce_without_monitor(_side(Vpc=vpc), _side(Vpc=vpc, Control=_control("monitor"))) is None
    # Enforce stays enforce, and a control renamed from one in enforce mode keeps it.
    enforced = _side(Vpc=vpc, Control=_control("enforce"))
    assert _enforce_without_monitor(enforced, _side(Vpc=vpc, Renamed=_control("enforce"))) is None
    # A control without a Mode is in monitor mode (EC2 creates a control in monitor mode, and takes no mode).
    unmoded = _side(Vpc=vpc, Control=_r("VPCEncryptionControl", VpcId="<Vpc>"))
    assert _enforce_without_monitor(unmoded, _side(Vpc=vpc, Control=_control("enforce"))) is None


def test_enforce_on_a_new_or_replaced_vpc_or_a_new_stack_is_refused_too() -> None:
    vpc = _r("VPC", CidrBlock="10.0.0.0/16")
    # The separate control is created after its VPC, so a replaced VPC, or one the update adds, exists by then.
    replaced = _side(Vpc=vpc, Control=_control("enforce", vpc="<Vpc#2>"))
    assert _enforce_without_monitor(_side(Vpc=vpc, Control=_control("monitor")), replaced) is not None
    added = _side(Vpc=vpc, Other=vpc, Control=_control("enforce", vpc="<Other>"))
    assert _enforce_without_monitor(_side(Vpc=vpc), added) is not None
    # A control in monitor mode on another VPC does not count for this one.
    other = _side(Vpc=vpc, Control=_control("monitor", vpc="<Other>"))
    assert _enforce_without_monitor(other, _side(Vpc=vpc, Control=_control("enforce"))) is not None
    # A new stack: nothing before.
    assert enforce_at_creation(_side(Vpc=vpc, Control=_control("enforce"))) is not None
    assert enforce_at_creation(_side(Vpc=vpc, Control=_control("monitor"))) is None
    assert enforce_at_creation(_side(Vpc=vpc)) is None
