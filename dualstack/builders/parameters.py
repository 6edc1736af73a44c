"""Deploy-time choices: Parameters, the conditions and rules they drive, and the console form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from troposphere import And, AWSHelperFn, Condition, Equals, FindInMap, Not, Or, Parameter, Select, Template

from dualstack.model import kinds, names
from dualstack.model.choices import (
    BIDIRECTIONAL,
    EGRESS_ONLY,
    ENDPOINTS_NONE,
    ENDPOINTS_S3_DYNAMODB,
    IPV4_IPAM,
    IPV4_STATIC,
    IPV6_AMAZON,
    IPV6_IPAM,
    NAT_NONE,
    NAT_REGIONAL,
    SAME_SIZE,
)
from dualstack.model.spec import LARGEST_VPC_PREFIX, TemplateSpec

#: One decimal octet of an IPv4 address, for AllowedPattern.
IPV4_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"


#: A parameter with ``AllowedValues`` has no ``ConstraintDescription``: the console offers only those values, and
#: CloudFormation's own message for any other names the parameter ("Parameter 'AzCount' must be one of
#: AllowedValues"). Each byte counts towards the 51,200 a template may have without an S3 bucket.
#: For the parameters an update cannot change: the plan (dualstack plan) refuses such an update, because
#: CloudFormation creates each replacement before deleting the old one, which still holds the addresses.
FIXED = " Fixed once deployed: a change needs a new stack."


def add_parameter(t: Template, group: str, label: str, parameter: Parameter) -> Parameter:
    """Add ``parameter`` to the template and to the console's form (``AWS::CloudFormation::Interface``): its group and
    its label, through troposphere's own ``add_parameter_to_group`` and ``set_parameter_label``. Every parameter is
    added here, so none can be missing from the form; a template of your own keeps the groups it had."""
    t.add_parameter(parameter)
    t.add_parameter_to_group(parameter, group)
    t.set_parameter_label(parameter, label)
    return parameter


def add_choice(t: Template, group: str, label: str, name: str, values: Sequence[str], description: str) -> Parameter:
    """A String parameter that takes one of ``values``, the first being its default (and, like every parameter with
    ``AllowedValues``, no ``ConstraintDescription``)."""
    parameter = Parameter(name, Type="String", Default=values[0], AllowedValues=list(values), Description=description)
    return add_parameter(t, group, label, parameter)


@dataclass(frozen=True)
class Parameters:
    """What the rest of the template reads of the deploy-time choices."""

    vpc_cidr_block: Parameter
    ipv4_ipam_pool_id: Parameter
    ipv4_netmask_length: Parameter
    subnet_prefix_length: Parameter
    ipv6_ipam_pool_id: Parameter
    #: ``None`` in a one-AZ template, which has nothing to choose.
    az_count: Parameter | None
    #: Condition name per AZ index; ``None`` for AZs every stack has.
    az_conditions: tuple[str | None, ...]
    #: ``None`` when no tier routes through NAT gateways.
    nat_gateways: Parameter | None
    #: Per tier kind with IPv4 (by name): its own subnet size, ``Same`` for the slot's.
    tier_prefix_lengths: dict[str, Parameter] = field(default_factory=dict)
    #: The ``SubnetSizes`` key of a slot's own host bits (``slot_key``).
    slot_key: str = names.IPV4_CIDR_BITS

    def tier_ipv4_cidr_bits(self, kind: kinds.TierKind) -> Select:
        """Host bits of a subnet of ``kind``: its own size, or the slot's for ``Same``.

        One lookup with both sizes as keys (``subnet_sizes``), so no ``Fn::If`` is needed, and a size larger than
        the slot has no entry: CloudFormation resolves every ``Fn::FindInMap`` before it creates anything, and
        fails the whole request when an entry is missing ("Fn::FindInMap will always raise an error if it can't
        find the mapping", aws-cloudformation/aws-cloudformation-templates#271), so such a size is refused before
        any resource exists.
        """
        own = self.tier_prefix_lengths[kind.name]
        return Select(0, FindInMap(names.SUBNET_SIZES_MAPPING, self.subnet_prefix_length.ref(), own.ref()))

    def ipv4_cidr_bits(self) -> Select:
        """Host bits of an IPv4 subnet, for ``Fn::Cidr``, looked up from the chosen prefix length.

        ``Fn::Select`` over ``Fn::FindInMap`` rather than ``Fn::FindInMap`` alone: the
        CloudFormation documentation lists only ``Ref`` and ``Fn::Select`` as allowed
        inside ``Fn::Cidr``, and ``Fn::FindInMap`` is documented inside ``Fn::Select``.
        """
        return Select(
            0,
            FindInMap(names.SUBNET_SIZES_MAPPING, self.subnet_prefix_length.ref(), self.slot_key),
        )


def require_value(t: Template, name: str, applies: AWSHelperFn, parameter: Parameter, description: str) -> None:
    """A ``Rules`` entry: when ``applies`` holds, ``parameter`` may not be empty. CloudFormation checks it before
    creating anything, and shows ``description`` (which should say what to fill in)."""
    t.add_rule(
        name,
        {
            "RuleCondition": applies,
            "Assertions": [{"Assert": Not(Equals(parameter.ref(), "")), "AssertDescription": description}],
        },
    )


def subnet_sizes(spec: TemplateSpec) -> dict[str, dict[str, list[str]]]:
    """The ``SubnetSizes`` mapping: for each ``SubnetPrefixLength``, the host bits ``Fn::Cidr`` takes.

    ``slot_key`` holds the slot's own. A template with sizes per tier also has an entry for each prefix length a
    tier may take in such a slot: every one at least as long, and none shorter, which would not fit.
    """
    sizes: dict[str, dict[str, list[str]]] = {}
    for slot in spec.subnet_prefixes:
        entry = {slot_key(spec): [str(32 - slot)]}
        if spec.sized_tiers:
            entry.update((str(p), [str(32 - p)]) for p in spec.subnet_prefixes if p >= slot)
        sizes[str(slot)] = entry
    return sizes


def slot_key(spec: TemplateSpec) -> str:
    """The ``SubnetSizes`` key of a slot's own host bits: ``Same`` where tiers have sizes, which a tier of the slot's
    size looks up too (one entry where two would hold the same value), else ``Ipv4CidrBits``."""
    return SAME_SIZE if spec.sized_tiers else names.IPV4_CIDR_BITS


def vpc_cidr_pattern(spec: TemplateSpec) -> str:
    """``AllowedPattern`` for the VPC CIDR: a dotted quad and a prefix length the template can use."""
    prefixes = "|".join(str(p) for p in range(LARGEST_VPC_PREFIX, spec.smallest_vpc_prefix + 1))
    return rf"^({IPV4_OCTET}\.){{3}}{IPV4_OCTET}/({prefixes})$"


def _add_ipv4_ipam(t: Template, spec: TemplateSpec, group: str) -> tuple[Parameter, Parameter]:
    """IPv4 from an IPAM pool instead of ``VpcCidrBlock``: a source, the pool and the netmask to ask it for."""
    source = add_choice(
        t,
        group,
        "IPv4 source",
        names.IPV4_SOURCE_PARAM,
        [IPV4_STATIC, IPV4_IPAM],
        (
            "Static: the VPC IPv4 CIDR block above. Ipam: a block of the netmask below from the IPv4 IPAM pool "
            "below, so VPCs of many accounts never overlap." + FIXED
        ),
    )
    pool = add_parameter(
        t,
        group,
        "IPv4 IPAM pool ID (Ipam only)",
        Parameter(
            names.IPV4_IPAM_POOL_ID_PARAM,
            Type="String",
            Default="",
            AllowedPattern=r"^(ipam-pool-[0-9a-f]+)?$",
            ConstraintDescription="must be empty or an IPAM pool ID such as ipam-pool-0123456789abcdef0",
            Description="ID of an IPv4 IPAM pool; used only when the IPv4 source is Ipam." + FIXED,
        ),
    )
    prefixes = [str(p) for p in range(LARGEST_VPC_PREFIX, spec.smallest_vpc_prefix + 1)]
    netmask = add_parameter(
        t,
        group,
        "IPv4 netmask length from IPAM (Ipam only)",
        Parameter(
            names.IPV4_NETMASK_LENGTH_PARAM,
            Type="Number",
            Default=prefixes[0],
            AllowedValues=prefixes,
            Description="Prefix length of the block IPAM allocates to the VPC; used only when the source is Ipam."
            + FIXED,
        ),
    )
    t.add_condition(names.IPV4_FROM_IPAM, Equals(source.ref(), IPV4_IPAM))
    require_value(
        t,
        "Ipv4IpamPoolRequired",
        Equals(source.ref(), IPV4_IPAM),
        pool,
        "Ipv4Source is Ipam: set Ipv4IpamPoolId to the ID of an IPv4 IPAM pool",
    )
    return pool, netmask


def _add_addresses(
    t: Template, spec: TemplateSpec, tier_sizes: dict[str, Parameter]
) -> tuple[Parameter, Parameter, Parameter]:
    group = "Addresses"
    vpc_cidr_block = add_parameter(
        t,
        group,
        "VPC IPv4 CIDR block",
        Parameter(
            names.VPC_CIDR_BLOCK_PARAM,
            Type="String",
            Default="10.0.0.0/16",
            AllowedPattern=vpc_cidr_pattern(spec),
            ConstraintDescription=(
                f"must be an IPv4 CIDR block from /{LARGEST_VPC_PREFIX} to /{spec.smallest_vpc_prefix}, "
                "such as 10.0.0.0/16"
            ),
            Description="IPv4 range of the VPC (Static IPv4 source). Subnets are cut from its start." + FIXED,
        ),
    )
    example = 24 if 24 in spec.subnet_prefixes else spec.subnet_prefixes[-1]
    subnet_prefix_length = add_parameter(
        t,
        group,
        "Subnet size (IPv4 prefix length)",
        Parameter(
            names.SUBNET_PREFIX_LENGTH_PARAM,
            Type="String",
            Default=str(example),
            AllowedValues=[str(p) for p in spec.subnet_prefixes],
            Description=(
                f"IPv4 prefix length of every subnet (24 means /24, 256 addresses). The VPC reserves "
                f"{spec.subnet_slots} such blocks, so /{example} subnets need a /{example - spec.slot_bits} "
                "VPC or larger." + FIXED
            ),
        ),
    )
    for kind in spec.sized_tiers:
        tier_sizes[kind.name] = add_choice(
            t,
            group,
            f"{kind.prefix} subnet size (Same, or a longer prefix)",
            names.tier_prefix_length_param(kind),
            [SAME_SIZE, *(str(p) for p in spec.subnet_prefixes)],
            (
                f"Same: the subnet size above. Or a prefix length at least that long: smaller {kind.name} subnets, "
                "each at the start of its slot." + FIXED
            ),
        )
    t.add_mapping(names.SUBNET_SIZES_MAPPING, subnet_sizes(spec))
    ipv6_source = add_choice(
        t,
        group,
        "IPv6 source",
        names.IPV6_SOURCE_PARAM,
        [IPV6_AMAZON, IPV6_IPAM],
        "Amazon: an Amazon-provided /56. Ipam: a /56 from the IPv6 IPAM pool below." + FIXED,
    )
    pool = add_parameter(
        t,
        group,
        "IPv6 IPAM pool ID (Ipam only)",
        Parameter(
            names.IPV6_IPAM_POOL_ID_PARAM,
            Type="String",
            Default="",
            AllowedPattern=r"^(ipam-pool-[0-9a-f]+)?$",
            ConstraintDescription="must be empty or an IPAM pool ID such as ipam-pool-0123456789abcdef0",
            Description=(
                "ID of an IPv6 IPAM pool that can allocate a /56; used only when the IPv6 source is Ipam." + FIXED
            ),
        ),
    )
    t.add_condition(names.IPV6_FROM_IPAM, Equals(ipv6_source.ref(), IPV6_IPAM))
    require_value(
        t,
        "Ipv6IpamPoolRequired",
        Equals(ipv6_source.ref(), IPV6_IPAM),
        pool,
        "Ipv6Source is Ipam: set Ipv6IpamPoolId to the ID of an IPv6 IPAM pool",
    )
    return vpc_cidr_block, subnet_prefix_length, pool


def _add_az_count(t: Template, spec: TemplateSpec) -> tuple[Parameter | None, tuple[str | None, ...]]:
    """The AZ-count parameter and one condition per AZ after the first (none in a one-AZ template)."""
    if spec.max_azs == 1:
        return None, (None,)
    az_count = add_parameter(
        t,
        "Availability Zones",
        "Number of Availability Zones",
        Parameter(
            names.AZ_COUNT_PARAM,
            Type="Number",
            Default=str(spec.default_azs),
            AllowedValues=[str(n) for n in range(1, spec.max_azs + 1)],
            Description=(
                "How many Availability Zones to build subnets in, the first of the region's. "
                "Raising it on an update adds subnets and replaces none."
            ),
        ),
    )
    conditions: list[str | None] = [None]
    for az_index in range(1, spec.max_azs):
        counts = [Equals(az_count.ref(), str(n)) for n in range(az_index + 1, spec.max_azs + 1)]
        name = names.az_condition(az_index)
        t.add_condition(name, counts[0] if len(counts) == 1 else Or(*counts))
        conditions.append(name)
    return az_count, tuple(conditions)


def _nat_none(nat_routes: list[kinds.Route]) -> str:
    """What ``NatGateways=None`` leaves out, in the words of the routes that go through NAT gateways."""
    ipv4 = any(not route.is_ipv6() for route in nat_routes)
    nat64 = any(route.is_ipv6() for route in nat_routes)
    if ipv4 and nat64:
        return "no IPv4 internet for private subnets, no NAT64"
    return "no IPv4 internet for private subnets" if ipv4 else "no NAT64 (IPv4-only destinations) for IPv6-only subnets"


def _add_routing(t: Template, spec: TemplateSpec, az_conditions: tuple[str | None, ...]) -> Parameter | None:
    group = "Routing"
    routing = add_choice(
        t,
        group,
        "Public subnets' IPv6 internet access",
        names.PUBLIC_IPV6_ROUTING_PARAM,
        [EGRESS_ONLY, BIDIRECTIONAL],
        (
            "EgressOnly: ::/0 to the egress-only gateway, nothing reaches public subnets over IPv6 from the "
            "internet. Bidirectional: ::/0 to the Internet Gateway, every IPv6 address reachable where "
            "security groups allow (for public IPv6 services)."
        ),
    )
    t.add_condition(names.PUBLIC_IPV6_EGRESS_ONLY, Equals(routing.ref(), EGRESS_ONLY))
    public_ipv4 = add_choice(
        t,
        group,
        "Public subnets: a public IPv4 address for each instance at launch",
        names.MAP_PUBLIC_IPV4_PARAM,
        list(kinds.MAP_PUBLIC_IPV4.values),
        (
            "true: each instance launched in a public subnet gets a public IPv4 address (billed hourly). "
            "false: none unless asked for; IPv6 egress is unchanged; load balancers, NAT gateways and "
            "Elastic IPs bring their own. Changes in place."
        ),
    )
    t.add_condition(names.MAP_PUBLIC_IPV4, Equals(public_ipv4.ref(), "true"))
    endpoints = add_choice(
        t,
        group,
        "Gateway endpoints (free)",
        names.GATEWAY_ENDPOINTS_PARAM,
        [ENDPOINTS_NONE, ENDPOINTS_S3_DYNAMODB],
        (
            "S3AndDynamoDB: S3 and DynamoDB gateway endpoints on the route tables of every tier that leaves "
            "the VPC (not isolated ones), keeping that traffic off NAT gateways. IPv6 clients use "
            "s3.dualstack.<region>.amazonaws.com. Adding or changing one resets open connections to them."
        ),
    )
    t.add_condition(names.HAS_GATEWAY_ENDPOINTS, Equals(endpoints.ref(), ENDPOINTS_S3_DYNAMODB))
    if not spec.uses_nat:
        return None
    nat_routes = [route for kind in spec.tiers for route in kind.routes if route.choice == kinds.NAT_GATEWAYS]
    # The values some tier routes through (and None): a regional NAT gateway nothing routes to is not offered.
    offered = [
        value
        for value in kinds.NAT_GATEWAYS.values
        if value == NAT_NONE or any(dict(route.targets).get(value) is not None for route in nat_routes)
    ]
    nat_gateways = add_choice(
        t,
        group,
        "NAT gateways",
        names.NAT_GATEWAYS_PARAM,
        offered,
        (
            # What None takes away, said of the tiers this template has: IPv4 egress, NAT64, or both.
            f"None: {_nat_none(nat_routes)}. Single: one NAT gateway in the first AZ "
            "(cheapest, one AZ's failure cuts that egress). PerAz: one per AZ, each AZ routed to its own."
            + (
                " Regional: one regional NAT gateway for the VPC, billed per AZ it serves; IPv4 only (no NAT64)."
                if NAT_REGIONAL in offered
                else ""
            )
        ),
    )
    ipv4 = any(not route.is_ipv6() for route in nat_routes)
    nat64 = any(route.is_ipv6() for route in nat_routes)
    # Each condition from the NAT modes (kinds.NAT_MODES): which values have NAT gateways of which sort.
    (no_nat,) = kinds.nat_values(lambda m: not m.has_nat)
    (per_az,) = kinds.nat_values(lambda m: m.per_az)
    if ipv4:
        t.add_condition(names.HAS_NAT_GATEWAYS, Not(Equals(nat_gateways.ref(), no_nat)))
    t.add_condition(
        names.HAS_ZONAL_NAT_GATEWAYS, Or(*(Equals(nat_gateways.ref(), v) for v in kinds.nat_values(lambda m: m.zonal)))
    )
    t.add_condition(names.NAT_GATEWAY_PER_AZ, Equals(nat_gateways.ref(), per_az))
    for regional in kinds.nat_values(lambda m: m.regional):
        if regional in offered:
            t.add_condition(names.NAT_GATEWAY_REGIONAL, Equals(nat_gateways.ref(), regional))
    for az_index, az_condition in enumerate(az_conditions):
        if az_condition is None:
            continue
        t.add_condition(
            names.nat_gateway_condition(az_index), And(Condition(names.NAT_GATEWAY_PER_AZ), Condition(az_condition))
        )
        if ipv4:
            t.add_condition(
                names.nat_route_condition(az_index), And(Condition(names.HAS_NAT_GATEWAYS), Condition(az_condition))
            )
        if nat64:
            t.add_condition(
                names.nat64_route_condition(az_index),
                And(Condition(names.HAS_ZONAL_NAT_GATEWAYS), Condition(az_condition)),
            )
    return nat_gateways


def add_parameters(t: Template, spec: TemplateSpec) -> Parameters:
    """Add every parameter the template's tiers need, with their conditions, rules and mapping."""
    tier_sizes: dict[str, Parameter] = {}
    vpc_cidr_block, subnet_prefix_length, pool = _add_addresses(t, spec, tier_sizes)
    ipv4_pool, ipv4_netmask = _add_ipv4_ipam(t, spec, "Addresses")
    az_count, az_conditions = _add_az_count(t, spec)
    nat_gateways = _add_routing(t, spec, az_conditions)
    return Parameters(
        vpc_cidr_block=vpc_cidr_block,
        ipv4_ipam_pool_id=ipv4_pool,
        ipv4_netmask_length=ipv4_netmask,
        subnet_prefix_length=subnet_prefix_length,
        ipv6_ipam_pool_id=pool,
        az_count=az_count,
        az_conditions=az_conditions,
        nat_gateways=nat_gateways,
        tier_prefix_lengths=tier_sizes,
        slot_key=slot_key(spec),
    )


def when(condition: str | None) -> dict[str, Any]:
    """Keyword arguments that make a resource or output exist only under ``condition`` (if any)."""
    return {} if condition is None else {"Condition": condition}


def when_az(params: Parameters, az_index: int) -> dict[str, Any]:
    """Keyword arguments that make a resource or output exist only when its AZ is used."""
    return when(params.az_conditions[az_index])
