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

from collections.abc import Mapping
from dataclasses import dataclass

from troposphere import And, Condition, Equals, If, Not, Parameter, Template, ec2

from dualstack.builders import naming
from dualstack.builders.parameters import Parameters, add_choice, when
from dualstack.builders.tiers import TierSubnet
from dualstack.model import names
from dualstack.model.kinds import TierKind

BPA_NONE, BPA_BIDIRECTIONAL, BPA_EGRESS = "None", "AllowBidirectional", "AllowEgress"
#: The parameter's values and the exclusion mode each asks for.
MODES = {BPA_BIDIRECTIONAL: "allow-bidirectional", BPA_EGRESS: "allow-egress"}


@dataclass(frozen=True)
class Exclusion:
    exclusion: ec2.VPCBlockPublicAccessExclusion
    condition: str


def _add_parameter(t: Template, which: str) -> Parameter:
    choice = add_choice(
        t,
        "Block Public Access",
        f"Exclude the {which} subnets from Block Public Access",
        names.BPA_EXCLUSION_PARAM,
        [BPA_NONE, BPA_BIDIRECTIONAL, BPA_EGRESS],
        (
            f"For accounts with VPC Block Public Access on. AllowBidirectional: the {which} subnets work as "
            "without it (needed under block-ingress). AllowEgress: out but not in (block-bidirectional only)."
        ),
    )
    t.add_condition(names.HAS_BPA_EXCLUSION, Not(Equals(choice.ref(), BPA_NONE)))
    t.add_condition(names.BPA_BIDIRECTIONAL, Equals(choice.ref(), BPA_BIDIRECTIONAL))
    return choice


def add_block_public_access(
    t: Template, params: Parameters, subnets: Mapping[TierKind, tuple[TierSubnet, ...]]
) -> tuple[Exclusion, ...]:
    """The parameter, and one exclusion per subnet in use of each tier that reaches the Internet Gateway (public,
    edge) when it is not None."""
    excluded = [kind for kind in subnets if kind.reaches_internet_gateway()]
    _add_parameter(t, " and ".join(kind.name for kind in excluded))
    exclusions = []
    for kind in excluded:
        for tier_subnet in subnets[kind]:
            az = tier_subnet.az_index
            condition = names.HAS_BPA_EXCLUSION
            if tier_subnet.condition is not None:
                condition = names.bpa_exclusion_condition(az)
                if condition not in t.conditions:  # one per AZ, whichever tiers it serves
                    t.add_condition(
                        condition, And(Condition(names.HAS_BPA_EXCLUSION), Condition(tier_subnet.condition))
                    )
            exclusion = t.add_resource(
                ec2.VPCBlockPublicAccessExclusion(
                    names.tier_resource(kind, "BpaExclusion", az),
                    SubnetId=tier_subnet.subnet.ref(),
                    InternetGatewayExclusionMode=If(
                        names.BPA_BIDIRECTIONAL, MODES[BPA_BIDIRECTIONAL], MODES[BPA_EGRESS]
                    ),
                    Tags=naming.name_tags(f"{kind.name}-{names.az_letter(az).lower()}"),
                    **when(condition),
                )
            )
            exclusions.append(Exclusion(exclusion, condition))
    return tuple(exclusions)
