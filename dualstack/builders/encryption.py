"""VPC Encryption Controls (``EncryptionControl``): None, Monitor or Enforce.

A separate ``AWS::EC2::VPCEncryptionControl``, never the VPC's own ``VpcEncryptionControl`` property: that one is
create-only on ``AWS::EC2::VPC`` (turning it on would replace the VPC), while the separate resource's only create-only
property is ``VpcId`` (resource schemas cfn-lint ships), so switching between Monitor and Enforce updates it in
place, and None removes it.

Enforce refuses traffic that is not encrypted in transit, and resources that carry it, unless excluded. The
Internet Gateway, the egress-only gateway and the NAT gateways carry traffic to and from the internet, which the VPC
cannot encrypt, so under Enforce their exclusions are on for every gateway the template can attach: always the two
internet gateways, and NAT gateways in a template that offers them, whatever ``NatGateways`` says now, so that
turning NAT on later never races the control's update. Under Monitor the exclusions are left out (``AWS::NoValue``):
monitor mode only reports. Lint rule E9611 holds a template to this.

An existing VPC goes to Enforce through Monitor: ``dualstack plan`` refuses None to Enforce on an existing stack
(``proofs/plan_rules.py``). See ``docs/private-access.md`` for costs and what only a deploy shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from troposphere import And, AWSHelperFn, Condition, Equals, If, Not, NoValue, Or, Ref, Template, ec2

from dualstack.builders import naming
from dualstack.builders.network import Network
from dualstack.builders.parameters import add_choice
from dualstack.model import cfndata, names
from dualstack.model.choices import ENCRYPTION_ENFORCE, ENCRYPTION_MODES, ENCRYPTION_MONITOR, ENCRYPTION_NONE

#: The exclusion property of ``AWS::EC2::VPCEncryptionControl`` for each gateway the template can attach.
EXCLUSIONS = {
    "InternetGateway": "InternetGatewayExclusionInput",
    "EgressOnlyInternetGateway": "EgressOnlyInternetGatewayExclusionInput",
    "NatGateway": "NatGatewayExclusionInput",
}


RESOURCE_TYPE = "AWS::EC2::VPCEncryptionControl"
#: ``Fn::Or`` takes 2 to 10 conditions.
OR_MOST = 10


def region_in(regions: list[str]) -> AWSHelperFn:
    """A condition that holds in any of ``regions``: ``Fn::Or`` of ``Fn::Equals`` on ``AWS::Region``, nested in
    groups of ten, as AWS CDK's ``CDKMetadataAvailable`` condition is (``core/lib/private/metadata-resource.ts``)."""
    terms: list[AWSHelperFn] = [Equals(Ref("AWS::Region"), region) for region in regions]
    while len(terms) > 1:
        terms = [Or(*group) if len(group) > 1 else group[0] for group in _chunks(terms)]
    return terms[0]


def _chunks(terms: list[AWSHelperFn]) -> list[list[AWSHelperFn]]:
    return [terms[i : i + OR_MOST] for i in range(0, len(terms), OR_MOST)]


@dataclass(frozen=True)
class EncryptionControl:
    """The control; it exists under ``HasEncryptionControl``."""

    control: ec2.VPCEncryptionControl


def add_encryption_control(t: Template, network: Network, offers_nat: bool) -> EncryptionControl:
    """The parameter, its conditions and the control, with the exclusions of the gateways the template can attach
    (NAT gateways when ``offers_nat``)."""
    choice = add_choice(
        t,
        "Encryption",
        "VPC encryption control",
        names.ENCRYPTION_CONTROL_PARAM,
        [ENCRYPTION_NONE, ENCRYPTION_MONITOR, ENCRYPTION_ENFORCE],
        (
            "Monitor: flow logs show what is encrypted in transit. Enforce: the rest is refused, the gateways "
            "excepted. Go to Enforce through Monitor."
        ),
    )
    # CloudFormation refuses a template naming a type its region lacks ("Unrecognized resource types") unless a
    # condition on the region leaves the resource out, as CDK's metadata resource is: the regions come from the
    # pinned cfn-lint's schemas (model/cfndata.json), which lint rule E3006 checks the templates against.
    t.add_condition(names.ENCRYPTION_CONTROL_AVAILABLE, region_in(cfndata.regions_with(RESOURCE_TYPE)))
    t.add_condition(
        names.HAS_ENCRYPTION_CONTROL,
        And(Not(Equals(choice.ref(), ENCRYPTION_NONE)), Condition(names.ENCRYPTION_CONTROL_AVAILABLE)),
    )
    # Said in an output where the region has none, so that a console user is not left to notice a missing one.
    t.add_condition(
        names.ENCRYPTION_CONTROL_UNAVAILABLE,
        And(Not(Equals(choice.ref(), ENCRYPTION_NONE)), Not(Condition(names.ENCRYPTION_CONTROL_AVAILABLE))),
    )
    t.add_condition(names.ENCRYPTION_ENFORCED, Equals(choice.ref(), ENCRYPTION_ENFORCE))
    gateways = ["InternetGateway", "EgressOnlyInternetGateway", *(["NatGateway"] if offers_nat else [])]
    control = ec2.VPCEncryptionControl(
        names.ENCRYPTION_CONTROL,
        VpcId=network.vpc.ref(),
        Mode=If(names.ENCRYPTION_ENFORCED, ENCRYPTION_MODES[ENCRYPTION_ENFORCE], ENCRYPTION_MODES[ENCRYPTION_MONITOR]),
        Tags=naming.name_tags("encryption-control"),
        Condition=names.HAS_ENCRYPTION_CONTROL,
    )
    for gateway in gateways:
        setattr(control, EXCLUSIONS[gateway], If(names.ENCRYPTION_ENFORCED, "enable", NoValue))
    t.add_resource(control)
    return EncryptionControl(control)
