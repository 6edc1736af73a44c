"""The refusal rules of an update plan: what a replacement needs that the old resource still holds.

CloudFormation creates a replacement before it deletes the resource it replaces, and deletes removed resources last
("Update behaviors of stack resources", CloudFormation User Guide:
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html).
Each rule takes both sides as the evaluator gives them (``plan.plan_from`` calls ``refusal``) and answers ``None``
or one sentence: why the update cannot go through, and what to do instead.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

from dualstack.model import names
from dualstack.model.choices import ENCRYPTION_ENFORCE, ENCRYPTION_MODES, ENCRYPTION_MONITOR
from dualstack.proofs.evaluate import Deployment, ref_id

#: The refusal rules, as tables name them.
OVERLAP = "a replacement overlaps what the old resource holds"
GATEWAY_MOVES = "the Internet Gateway would attach to two VPCs"
GATEWAY_TAKEN = "the VPC would have two gateways of one kind"
TYPE_CHANGES = "a resource's type changes"
BLOCK_IN_USE = "the VPC's IPv6 block is replaced while subnets use it"
ENFORCE_FIRST = "a VPC goes to enforce mode without monitor mode first"
NAME_KEPT = "a replaced resource keeps its custom name"
TOKEN_CHANGES = "a custom resource's ServiceToken changes"
#: What to do instead when the VPC's own addressing cannot change in place.
NEW_STACK = "deploy a new stack beside this one with the new value and move to it"


# What resources hold that their replacement cannot share


def _network(value: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if not isinstance(value, str):
        return None
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None


def _holdings(resource: Mapping[str, Any]) -> Iterator[tuple[str, str, ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    """``(scope, what, block)`` for each address range or fixed address a resource holds, where ``scope`` is the
    VPC (for a subnet's or VPC block's CIDR) or subnet (for a fixed address) in which it must be unique."""
    kind, props = resource["Type"], resource["Properties"]
    if kind in ("AWS::EC2::Subnet", "AWS::EC2::VPCCidrBlock"):
        for key in ("CidrBlock", "Ipv6CidrBlock"):
            block = _network(props.get(key))
            if block is not None:
                yield str(props.get("VpcId")), key, block
        return
    if kind not in ("AWS::EC2::Instance", "AWS::EC2::NatGateway", "AWS::EC2::NetworkInterface"):
        return
    interfaces = [
        ("", props),
        *((f"NetworkInterfaces[{i}].", n) for i, n in enumerate(props.get("NetworkInterfaces", []))),
    ]
    for prefix, item in interfaces:
        if not isinstance(item, Mapping):
            continue
        scope = str(item.get("SubnetId"))
        addresses = [("PrivateIpAddress", item.get("PrivateIpAddress"))]
        addresses += [
            (f"Ipv6Addresses[{j}]", a.get("Ipv6Address"))
            for j, a in enumerate(item.get("Ipv6Addresses", []))
            if isinstance(a, Mapping)
        ]
        addresses += [
            (f"PrivateIpAddresses[{j}]", a.get("PrivateIpAddress"))
            for j, a in enumerate(item.get("PrivateIpAddresses", []))
            if isinstance(a, Mapping)
        ]
        for key, value in addresses:
            block = _network(value)
            if block is not None:
                yield scope, prefix + key, block


def _overlap(old: Deployment, new: Deployment, leaving: set[str], arriving: set[str], modified: set[str]) -> str | None:
    """A new resource's range or fixed address that overlaps one an old resource still holds.

    A resource in ``modified`` (changed in place, such as a subnet's ``Ipv6CidrBlock``, which is not create-only)
    leaves the ranges and addresses it no longer holds and arrives at those it newly holds: CloudFormation updates
    resources one by one, so a range another resource gives up in the same update is still held when it is asked for."""
    held = [
        (scope, lid, what, block) for lid in sorted(leaving) for scope, what, block in _holdings(old.resources[lid])
    ]
    wanted = [
        (lid, scope, what, block, False)
        for lid in sorted(arriving)
        for scope, what, block in _holdings(new.resources[lid])
    ]
    for lid in sorted(modified):
        before, after = set(_holdings(old.resources[lid])), set(_holdings(new.resources[lid]))
        held += [
            (scope, lid, what, block)
            for scope, what, block in _holdings(old.resources[lid])
            if (scope, what, block) not in after
        ]
        wanted += [
            (lid, scope, what, block, True)
            for scope, what, block in _holdings(new.resources[lid])
            if (scope, what, block) not in before
        ]
    clashes = [
        (lid, what, block, old_lid, old_block, in_place)
        for lid, scope, what, block, in_place in wanted
        for old_scope, old_lid, _, old_block in held
        if scope == old_scope
        and block.version == old_block.version
        and block.overlaps(old_block)
        and not (in_place and old_lid == lid)
    ]
    if not clashes:
        return None
    lid, what, block, old_lid, old_block, in_place = clashes[0]
    kind = new.resources[lid]["Type"]
    others = f" (and {len(clashes) - 1} more such clashes)" if len(clashes) > 1 else ""
    holder = f"{old_lid} still holds" if old_lid != lid else f"the old {lid} still holds"
    cannot = f"change {lid} in place" if in_place else "create it"
    instead = (
        NEW_STACK
        if kind in ("AWS::EC2::Subnet", "AWS::EC2::VPCCidrBlock")
        else f"remove {lid} in one update and add it back in the next"
    )
    return (
        f"the new {lid}'s {what} {_show(block)} overlaps {_show(old_block)}, which {holder} until the update "
        f"completes, so CloudFormation cannot {cannot}{others}; {instead}"
    )


def _show(block: ipaddress.IPv4Network | ipaddress.IPv6Network) -> str:
    return str(block.network_address) if block.num_addresses == 1 else str(block)


_ATTACHMENT = "AWS::EC2::VPCGatewayAttachment"
#: What an ``AWS::EC2::VPCGatewayAttachment`` attaches, by the property naming the gateway.
_GATEWAY_KINDS = {"InternetGatewayId": "Internet Gateway", "VpnGatewayId": "virtual private gateway"}
_GATEWAY_KEYS = tuple(_GATEWAY_KINDS)


def _gateway_moves(old: Deployment, new: Deployment, leaving: set[str], arriving: set[str]) -> str | None:
    """An attachment of a gateway to another VPC while the gateway's old attachment still exists: an Internet Gateway
    attaches to one VPC at a time (EC2 API reference, AttachInternetGateway:
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AttachInternetGateway.html). The same gateway attached
    again to the same VPC is ``_gateway_taken``'s."""
    for lid in sorted(arriving):
        resource = new.resources[lid]
        if resource["Type"] != _ATTACHMENT:
            continue
        for old_lid in sorted(leaving):
            before = old.resources[old_lid]
            for key in _GATEWAY_KEYS:
                gateway = resource["Properties"].get(key)
                if (
                    before["Type"] == _ATTACHMENT
                    and gateway is not None
                    and before["Properties"].get(key) == gateway
                    and before["Properties"].get("VpcId") != resource["Properties"].get("VpcId")
                ):
                    name = gateway.removeprefix("<").removesuffix(">")
                    return (
                        f"the new {lid} attaches {name} to a new VPC while {old_lid} still attaches "
                        f"it to the old one, and a gateway attaches to one VPC at a time; {NEW_STACK}"
                    )
    return None


def _vpc_gateways(resource: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``(VPC, kind)`` for each gateway a resource gives a VPC, of a kind a VPC has one of at a time: "You can attach
    only one internet gateway to a VPC at a time", likewise one egress-only internet gateway (Amazon VPC quotas,
    https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html) and one virtual private gateway
    (Site-to-Site VPN quotas, https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-limits.html). EC2 refuses a second
    Internet Gateway with "Network vpc-... already has an internet gateway attached", and the same one attached
    again with ``Resource.AlreadyAssociated``."""
    props = resource["Properties"]
    vpc = str(props.get("VpcId"))
    if resource["Type"] == _ATTACHMENT:
        for key, kind in _GATEWAY_KINDS.items():
            if props.get(key) is not None:
                yield vpc, kind
    elif resource["Type"] == "AWS::EC2::EgressOnlyInternetGateway":
        yield vpc, "egress-only Internet Gateway"


def _gateway_taken(old: Deployment, new: Deployment, arriving: set[str]) -> str | None:
    """A new (added or replaced) gateway attachment, or egress-only Internet Gateway, for a VPC that an old one of the
    same kind still serves: every old resource exists until the update completes (removed and replaced ones are
    deleted last), so the VPC would have two at once.

    Both resources' ``VpcId`` is create-only, so an old one keeps its VPC while it exists, and a replaced one has a
    new VPC. An attachment whose gateway changes (a renamed or replaced Internet Gateway) is updated in place
    (``InternetGatewayId`` and ``VpnGatewayId`` are not create-only): that is no second attachment."""
    held = [(vpc, kind, lid) for lid in sorted(old.resources) for vpc, kind in _vpc_gateways(old.resources[lid])]
    for lid in sorted(arriving):
        for vpc, kind in _vpc_gateways(new.resources[lid]):
            for old_vpc, old_kind, old_lid in held:
                if (old_vpc, old_kind) == (vpc, kind):
                    name = vpc.removeprefix("<").removesuffix(">")
                    return (
                        f"the new {lid} attaches another {kind} to {name} while {old_lid} still attaches one until "
                        f"the update completes, and a VPC has one {kind} attached at a time; remove {old_lid} in one "
                        f"update and add {lid} in the next"
                    )
    return None


def _type_changes(old: Deployment, new: Deployment) -> str | None:
    """A resource whose ``Type`` changes under the same logical ID: CloudFormation rejects the whole update before it
    changes anything ("Update of resource type is not permitted. The new template modifies resource type of the
    following resources: [...]", as reported in https://github.com/aws/aws-sam-cli/issues/6786). Any difference
    counts, ``Custom::Name`` to ``AWS::CloudFormation::CustomResource`` too."""
    changed = [
        (lid, old.resources[lid]["Type"], new.resources[lid]["Type"])
        for lid in sorted(old.resources.keys() & new.resources.keys())
        if old.resources[lid]["Type"] != new.resources[lid]["Type"]
    ]
    if not changed:
        return None
    lid, before, after = changed[0]
    others = f" (and {len(changed) - 1} more resources whose type changes)" if len(changed) > 1 else ""
    return (
        f"{lid} changes type from {before} to {after}{others}, which CloudFormation does not allow under the same "
        f"logical ID; give the {after} a new logical ID, so that it is added and the {before} removed"
    )


#: The property that names a resource of each type, where CloudFormation lets a template choose the name: "You can't
#: perform an update that causes a custom-named resource to be replaced. If you must replace the resource, specify a
#: new name" (CloudFormation User Guide, "Name type", aws-properties-name.html); the update fails with "CloudFormation
#: cannot update a stack when a custom-named resource requires replacing". The types a VPC template and its
#: neighbours use; another type's name is not checked.
NAME_PROPERTIES = {
    "AWS::DynamoDB::Table": "TableName",
    "AWS::EC2::LaunchTemplate": "LaunchTemplateName",
    "AWS::EC2::PrefixList": "PrefixListName",
    "AWS::EC2::SecurityGroup": "GroupName",
    "AWS::ECR::Repository": "RepositoryName",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "Name",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "Name",
    "AWS::IAM::Group": "GroupName",
    "AWS::IAM::InstanceProfile": "InstanceProfileName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::User": "UserName",
    "AWS::KMS::Alias": "AliasName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::RDS::DBInstance": "DBInstanceIdentifier",
    "AWS::S3::Bucket": "BucketName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SSM::Parameter": "Name",
    "AWS::SecretsManager::Secret": "Name",
}


def _name_kept(old: Deployment, new: Deployment, replaced: frozenset[str]) -> str | None:
    """A resource the update replaces that keeps the custom name the old one holds."""
    for lid in sorted(replaced & old.resources.keys() & new.resources.keys()):
        kind = new.resources[lid]["Type"]
        prop = NAME_PROPERTIES.get(kind)
        name = old.resources[lid]["Properties"].get(prop) if prop else None
        if name is not None and new.resources[lid]["Properties"].get(prop) == name:
            return (
                f"{lid} ({kind}) is replaced and keeps its {prop} {name!r}, which CloudFormation refuses: the "
                f"replacement is created first and would need the name the old one holds; give it a new {prop} in "
                f"the same update, or leave {prop} out so that CloudFormation names it"
            )
    return None


def _custom(kind: str) -> bool:
    return kind.startswith("Custom::") or kind == "AWS::CloudFormation::CustomResource"


def _token_changes(old: Deployment, new: Deployment) -> str | None:
    """A custom resource whose ``ServiceToken`` changes: CloudFormation neither updates nor replaces it ("Updates
    aren't supported", ``AWS::CloudFormation::CustomResource``; the update fails with "Modifying service token is not
    allowed", serverless/serverless#9240)."""
    for lid in sorted(old.resources.keys() & new.resources.keys()):
        before, after = old.resources[lid], new.resources[lid]
        if not (_custom(before["Type"]) and _custom(after["Type"])):
            continue
        if before["Properties"].get("ServiceToken") != after["Properties"].get("ServiceToken"):
            return (
                f"{lid}'s ServiceToken changes, which CloudFormation does not allow for a custom resource; keep the "
                "token (the function's ARN) and change the function's code, or give the resource a new logical ID"
            )
    return None


def _block_in_use(old: Deployment, new: Deployment, leaving: set[str], replaced: frozenset[str]) -> str | None:
    """A VPC's IPv6 block replaced (or removed) while subnets that stay keep /64s from it.

    This is what changing ``Ipv6Source`` or the IPAM pool does: in the schemas cfn-lint ships,
    ``AWS::EC2::VPCCidrBlock``'s ``AmazonProvidedIpv6CidrBlock``, ``Ipv6IpamPoolId`` and ``Ipv6NetmaskLength`` are
    create-only, while ``AWS::EC2::Subnet``'s ``Ipv6CidrBlock`` is not, so the subnets are updated in place, not
    replaced. A block cannot be disassociated from a VPC while resources still use it ("You must detach or delete
    all gateways and resources that are associated with the CIDR block before you can disassociate it",
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DisassociateVpcCidrBlock.html), a subnet's block
    likewise while network interfaces hold addresses from it (DisassociateSubnetCidrBlock), and while both VPC blocks
    are associated ``Fn::Select [0, Ipv6CidrBlocks]`` may still name the old one."""
    for lid in sorted(leaving):
        block = old.resources[lid]
        if block["Type"] != "AWS::EC2::VPCCidrBlock":
            continue
        vpc = block["Properties"].get("VpcId")
        staying = sorted(
            name
            for name, subnet in old.of_type("AWS::EC2::Subnet").items()
            if subnet["Properties"].get("VpcId") == vpc
            and "Ipv6CidrBlock" in subnet["Properties"]
            and name in new.resources
            and name not in replaced
        )
        if staying and any(vpc == ref_id(name) for name in new.of_type("AWS::EC2::VPC")):
            subnets = (
                f"{staying[0]} stays and keeps its IPv6 /64"
                if len(staying) == 1
                else f"{staying[0]} and {len(staying) - 1} more subnets stay and keep IPv6 /64s"
            )
            return (
                f"{lid} is replaced, but {subnets} from the old block, which the VPC cannot release while a subnet "
                f"uses it; {NEW_STACK}"
            )
    return None


_ENCRYPTION_CONTROL = "AWS::EC2::VPCEncryptionControl"


def _enforce_without_monitor(old: Deployment, new: Deployment) -> str | None:
    """An encryption control in enforce mode for a VPC that had no control in monitor (or enforce) mode before:
    "Existing VPCs can only be enabled in Monitor Mode first", and enforce mode can be turned on directly only "for
    new VPCs during creation" (Amazon VPC User Guide, "VPC Encryption Controls"), that is through the VPC's own
    create-only ``VpcEncryptionControl``, which these templates never use (``builders/encryption.py``). A separate
    ``AWS::EC2::VPCEncryptionControl`` is created after its VPC, so it meets an existing VPC: a new stack or a
    replacement VPC must start in monitor mode too (``enforce_at_creation``)."""
    enforce = ENCRYPTION_MODES[ENCRYPTION_ENFORCE]
    # Any control the VPC had counts, whatever its Mode: the resource schema allows only monitor and enforce, and one
    # without a Mode is in monitor mode (CreateVpcEncryptionControl, Amazon EC2 API Reference, takes only the VPC's ID
    # and tags: a control starts in monitor mode, and ModifyVpcEncryptionControl changes it).
    controlled = {str(control["Properties"].get("VpcId")) for control in old.of_type(_ENCRYPTION_CONTROL).values()}
    for lid, control in sorted(new.of_type(_ENCRYPTION_CONTROL).items()):
        vpc = str(control["Properties"].get("VpcId"))
        if control["Properties"].get("Mode") == enforce and vpc not in controlled:
            name = vpc.removeprefix("<").removesuffix(">")
            return (
                f"{lid} would put {name} straight into enforce mode, and AWS moves a VPC to enforce mode only from "
                f"monitor mode; deploy with {names.ENCRYPTION_CONTROL_PARAM}={ENCRYPTION_MONITOR} first, check the "
                f"flow logs for unencrypted traffic, then update to {ENCRYPTION_ENFORCE}"
            )
    return None


def enforce_at_creation(new: Deployment) -> str | None:
    """The refusal of a new stack (``make deploy``, a new stack set) whose encryption control starts in enforce
    mode: its VPC exists before the control, so it must go through monitor mode like any other."""
    return _enforce_without_monitor(Deployment(parameters={}, conditions={}, resources={}, outputs={}), new)


def refusal(
    old: Deployment,
    new: Deployment,
    *,
    leaving: set[str],
    arriving: set[str],
    modified: set[str],
    replaced: frozenset[str],
) -> tuple[str, str | None]:
    """The first rule that refuses the update and its sentence, or ``("", None)`` when none does."""
    rules = (
        (TYPE_CHANGES, _type_changes(old, new)),
        (TOKEN_CHANGES, _token_changes(old, new)),
        (NAME_KEPT, _name_kept(old, new, replaced)),
        (GATEWAY_MOVES, _gateway_moves(old, new, leaving, arriving)),
        (GATEWAY_TAKEN, _gateway_taken(old, new, arriving)),
        (OVERLAP, _overlap(old, new, leaving, arriving, modified)),
        (BLOCK_IN_USE, _block_in_use(old, new, leaving, replaced)),
        (ENFORCE_FIRST, _enforce_without_monitor(old, new)),
    )
    return next(((r, why) for r, why in rules if why is not None), ("", None))
