"""The library API: the dual-stack network as typed handles, in a new template or in a troposphere ``Template`` of your
own (docs/library.md).

    from troposphere import Template, ec2
    from dualstack import TemplateSpec, TierKind, add_dualstack_network

    t = Template(Description="my application")
    net = add_dualstack_network(t, TemplateSpec(tiers=(TierKind.PUBLIC, TierKind.PRIVATE)))
    t.add_resource(ec2.SecurityGroup("AppSecurityGroup", GroupDescription="app", VpcId=net.vpc.ref()))

A resource that exists only for some parameter values (the subnets of the second and later AZs, the NAT gateways)
carries its condition in its handle: ``handle.ref_or()`` gives ``Fn::If`` on that condition, with ``AWS::NoValue``
otherwise (in a list, CloudFormation leaves the item out), so a ``Ref`` of yours never names a resource the stack did
not create. ``handle.condition`` is ``None`` for a resource that always exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from troposphere import AWSHelperFn, AWSObject, GetAtt, If, NoValue, Ref, Template, ec2

from dualstack.builders import naming
from dualstack.builders import template as assemble
from dualstack.model.kinds import TierKind
from dualstack.model.spec import TemplateSpec

R = TypeVar("R", bound=AWSObject)


@dataclass(frozen=True)
class Handle(Generic[R]):
    """A resource the network added, and the template condition under which it exists (``None``: always)."""

    resource: R
    condition: str | None

    @classmethod
    def of(cls, resource: R) -> Handle[R]:
        condition = resource.resource.get("Condition")
        return cls(resource, None if condition is None else str(condition))

    @property
    def logical_id(self) -> str:
        return naming.logical_id(self.resource)

    def ref(self) -> Ref:
        """``Ref`` to the resource: valid as it is only where the resource always exists, or under its condition."""
        return Ref(self.resource)

    def get_att(self, attribute: str) -> GetAtt:
        return GetAtt(self.resource, attribute)

    def ref_or(self, otherwise: object = NoValue) -> AWSHelperFn:
        """``Ref`` where the resource always exists; else ``Fn::If`` on its condition, ``otherwise`` when it does not
        hold (``AWS::NoValue`` by default: a list item or property that is left out)."""
        if self.condition is None:
            return self.ref()
        return If(self.condition, self.ref(), otherwise)


@dataclass(frozen=True)
class TierHandles:
    """A tier's subnets in AZ order (the first always exists) and its route tables (one shared, or one per AZ)."""

    kind: TierKind
    subnets: tuple[Handle[ec2.Subnet], ...]
    route_tables: tuple[Handle[ec2.RouteTable], ...]

    def subnet_ids(self) -> list[AWSHelperFn]:
        """The tier's subnet IDs as a list property wants them (``Subnets``, ``SubnetIds``): only those that exist."""
        return [subnet.ref_or() for subnet in self.subnets]


@dataclass(frozen=True)
class DualStackNetwork:
    """What ``add_dualstack_network`` added: the VPC, both gateways, the NAT gateways and every tier."""

    template: Template
    vpc: Handle[ec2.VPC]
    ipv6_cidr_block: Handle[ec2.VPCCidrBlock]
    internet_gateway: Handle[ec2.InternetGateway]
    internet_gateway_attachment: Handle[ec2.VPCGatewayAttachment]
    egress_only_internet_gateway: Handle[ec2.EgressOnlyInternetGateway]
    #: One per AZ (the first AZ's is shared under ``NatGateways=Single``); empty without a private or IPv6-only tier.
    nat_gateways: tuple[Handle[ec2.NatGateway], ...]
    #: ``None`` where the template offers no ``NatGateways=Regional``.
    regional_nat_gateway: Handle[ec2.NatGateway] | None
    tiers: Mapping[TierKind, TierHandles]

    def tier(self, kind: TierKind) -> TierHandles:
        if kind not in self.tiers:
            raise KeyError(
                f"the network has no {kind.name} tier: its tiers are {', '.join(k.name for k in self.tiers)}"
            )
        return self.tiers[kind]


def add_dualstack_network(t: Template, spec: TemplateSpec | None = None) -> DualStackNetwork:
    """Add the dual-stack network of ``spec`` (the shipped public template's by default) to ``t``: its parameters
    (grouped and labelled in the console's form beside yours), conditions, resources and outputs with exports.

    Raises ``ValueError`` from troposphere when ``t`` already holds one of its logical IDs or would pass a hard limit.
    """
    built = assemble.add_network_to(t, TemplateSpec() if spec is None else spec)
    nat = built.nat
    return DualStackNetwork(
        template=t,
        vpc=Handle.of(built.network.vpc),
        ipv6_cidr_block=Handle.of(built.network.ipv6_cidr_block),
        internet_gateway=Handle.of(built.network.internet_gateway),
        internet_gateway_attachment=Handle.of(built.network.internet_gateway_attachment),
        egress_only_internet_gateway=Handle.of(built.network.egress_only_internet_gateway),
        nat_gateways=() if nat is None else tuple(Handle.of(g.gateway) for g in nat.gateways),
        regional_nat_gateway=None if nat is None or nat.regional is None else Handle.of(nat.regional),
        tiers={
            tier.kind: TierHandles(
                tier.kind,
                tuple(Handle.of(s.subnet) for s in tier.subnets),
                tuple(Handle.of(r.route_table) for r in tier.route_tables),
            )
            for tier in built.tiers
        },
    )


def build(spec: TemplateSpec | None = None) -> DualStackNetwork:
    """A new template holding only the network of ``spec``, as ``dualstack generate`` writes it, with its handles."""
    chosen = TemplateSpec() if spec is None else spec
    return add_dualstack_network(assemble.new_template(chosen), chosen)
