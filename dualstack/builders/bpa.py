"""VPC Block Public Access: exclusions for the public subnets, so a stack works where the account turned it on.

Block Public Access is set per account and region, not per VPC. In ``block-ingress`` mode
only traffic to and from NAT gateways and egress-only internet gateways passes, which is
what this pattern allows for IPv6 anyway; but the public subnets' IPv4 through the Internet
Gateway stops too unless they are excluded ("AWS::EC2::VPCBlockPublicAccessOptions",
CloudFormation Template Reference). ``allow-bidirectional`` lets them work as before;
``allow-egress`` lets them out but nothing in, and applies only in ``block-bidirectional``
mode. Exclusions may exist while Block Public Access is off, ready for when it is turned on.
``docs/block-public-access.md`` shows how to turn it on for the account.
"""

from __future__ import annotations

from dataclasses import dataclass

from troposphere import And, Condition, Equals, If, Not, Parameter, Template, ec2

from dualstack.builders import naming
from dualstack.builders.parameters import Parameters, add_choice, when
from dualstack.builders.tiers import TierSubnet
from dualstack.model import names

BPA_NONE, BPA_BIDIRECTIONAL, BPA_EGRESS = "None", "AllowBidirectional", "AllowEgress"
#: The parameter's values and the exclusion mode each asks for.
MODES = {BPA_BIDIRECTIONAL: "allow-bidirectional", BPA_EGRESS: "allow-egress"}


@dataclass(frozen=True)
class Exclusion:
    exclusion: ec2.VPCBlockPublicAccessExclusion
    condition: str


def _add_parameter(t: Template) -> Parameter:
    choice = add_choice(
        t,
        "Block Public Access",
        "Exclude the public subnets from Block Public Access",
        names.BPA_EXCLUSION_PARAM,
        [BPA_NONE, BPA_BIDIRECTIONAL, BPA_EGRESS],
        (
            "For accounts with VPC Block Public Access on. AllowBidirectional: the public subnets work as "
            "without it (needed under block-ingress). AllowEgress: out but not in (block-bidirectional only)."
        ),
    )
    t.add_condition(names.HAS_BPA_EXCLUSION, Not(Equals(choice.ref(), BPA_NONE)))
    t.add_condition(names.BPA_BIDIRECTIONAL, Equals(choice.ref(), BPA_BIDIRECTIONAL))
    return choice


def add_block_public_access(
    t: Template, params: Parameters, public_subnets: tuple[TierSubnet, ...]
) -> tuple[Exclusion, ...]:
    """The parameter, and one exclusion per public subnet in use when it is not None."""
    _add_parameter(t)
    exclusions = []
    for tier_subnet in public_subnets:
        az = tier_subnet.az_index
        condition = names.HAS_BPA_EXCLUSION
        if tier_subnet.condition is not None:
            condition = names.bpa_exclusion_condition(az)
            t.add_condition(condition, And(Condition(names.HAS_BPA_EXCLUSION), Condition(tier_subnet.condition)))
        exclusion = t.add_resource(
            ec2.VPCBlockPublicAccessExclusion(
                names.public_bpa_exclusion(az),
                SubnetId=tier_subnet.subnet.ref(),
                InternetGatewayExclusionMode=If(names.BPA_BIDIRECTIONAL, MODES[BPA_BIDIRECTIONAL], MODES[BPA_EGRESS]),
                Tags=naming.name_tags(f"public-{names.az_letter(az).lower()}"),
                **when(condition),
            )
        )
        exclusions.append(Exclusion(exclusion, condition))
    return tuple(exclusions)
